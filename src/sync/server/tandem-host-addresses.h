/* tandem-host-addresses.h — the addresses other machines can reach this one at
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Who can follow a link naming an address. */
typedef enum
{
  TANDEM_HOST_REACH_THIS_COMPUTER, /* loopback, "localhost" */
  TANDEM_HOST_REACH_NETWORK,       /* private IPv4, IPv6 ULA or link-local, a .local name */
  TANDEM_HOST_REACH_INTERNET,      /* a public address, or a DNS name */
} TandemHostReach;

GPtrArray       *tandem_host_addresses_list        (void);
char            *tandem_host_addresses_dup_default (void);
/* @host: an address (IPv6 with or without brackets) or a host name. */
TandemHostReach  tandem_host_addresses_classify    (const char *host);

G_END_DECLS
