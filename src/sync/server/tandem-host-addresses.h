/* tandem-host-addresses.h — the addresses other machines can reach this one at
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

GPtrArray *tandem_host_addresses_list        (void);
char      *tandem_host_addresses_dup_default (void);

G_END_DECLS
