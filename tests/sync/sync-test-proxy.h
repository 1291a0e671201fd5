/* sync-test-proxy.h — a TCP proxy on 127.0.0.1 that delays each direction
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef struct _SyncTestProxy SyncTestProxy;

/* Forwards connections on a port of its own to @target, each chunk held
 * @delay_ms in each direction (a slow network without netem). */
SyncTestProxy *sync_test_proxy_new      (guint16        target,
                                         guint          delay_ms);
guint16        sync_test_proxy_get_port (SyncTestProxy *proxy);
/* @invite with the server's port replaced by the proxy's. */
char          *sync_test_proxy_invite   (SyncTestProxy *proxy,
                                         const char    *invite,
                                         guint16        server_port);
void           sync_test_proxy_free     (SyncTestProxy *proxy);

G_END_DECLS
