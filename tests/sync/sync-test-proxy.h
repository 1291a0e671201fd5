/* sync-test-proxy.h — a TCP proxy on 127.0.0.1 whose link can be cut like a cable
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef struct _SyncTestProxy SyncTestProxy;

/* Forwards 127.0.0.1:<port> to 127.0.0.1:@target. */
SyncTestProxy *sync_test_proxy_new     (guint16        target);
guint16        sync_test_proxy_get_port (SyncTestProxy *proxy);
/* Rewrites an invite link to go through the proxy. */
char          *sync_test_proxy_invite  (SyncTestProxy *proxy,
                                        const char    *invite,
                                        guint16        target);
/* The link goes dead as when a cable is pulled: bytes on open connections
 * are lost (no FIN, no RST), and new connection attempts are never
 * answered, not even after the link is back. */
void           sync_test_proxy_cut     (SyncTestProxy *proxy);
/* The link is back: the dead connections are closed and new ones pass. */
void           sync_test_proxy_restore (SyncTestProxy *proxy);
/* New connections go to 127.0.0.1:@target from now on (open ones stay). */
void           sync_test_proxy_set_target (SyncTestProxy *proxy,
                                        guint16        target);
/* Connections passed on to the target so far. */
guint          sync_test_proxy_get_n_accepted (SyncTestProxy *proxy);
void           sync_test_proxy_free    (SyncTestProxy *proxy);

G_END_DECLS
