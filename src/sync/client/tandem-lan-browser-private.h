/* tandem-lan-browser-private.h — what the browser makes of a TXT record, for the fuzzer
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <avahi-common/strlst.h>

#include "tandem-lan-browser.h"

G_BEGIN_DECLS

/* The session a resolved service stands for, or NULL when it is not one
 * this version can join (wrong or missing `v`, an `id` links cannot carry,
 * an `fp` that is not a pin, a TXT value over 200 bytes or not UTF-8). */
TandemLanSession *_tandem_lan_session_new_from_txt (const char      *service_name,
                                                    const char      *host,
                                                    const char      *address,
                                                    guint16          port,
                                                    AvahiStringList *txt);

G_END_DECLS
