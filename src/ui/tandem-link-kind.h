/* tandem-link-kind.h — says, in words, who an invite link works for
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* A heading (“Works on this network”) and a sentence under it for a link
 * naming @address (NULL: loopback); @forwarding: the router will be asked to
 * open the port, which only a private IPv4 address needs (and can ask). */
void     tandem_link_kind_describe   (const char  *address,
                                      gboolean     forwarding,
                                      const char **kind,
                                      const char **detail);
/* Whether a router can forward a port to @address: a private IPv4 one
 * (UPnP IGD maps IPv4 only, and a public address needs no router). */
gboolean tandem_link_kind_can_forward (const char *address);

G_END_DECLS
