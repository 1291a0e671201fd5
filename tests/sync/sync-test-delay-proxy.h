/* sync-test-delay-proxy.h — a TCP proxy on 127.0.0.1 that delays each direction
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef struct _SyncTestDelayProxy SyncTestDelayProxy;

/* Forwards connections on a port of its own to @target, each chunk held
 * @delay_ms in each direction (a slow network without netem). */
SyncTestDelayProxy *sync_test_delay_proxy_new      (guint16        target,
                                         guint          delay_ms);
guint16        sync_test_delay_proxy_get_port (SyncTestDelayProxy *proxy);
/* @invite with the server's port replaced by the proxy's. */
char          *sync_test_delay_proxy_invite   (SyncTestDelayProxy *proxy,
                                         const char    *invite,
                                         guint16        server_port);
void           sync_test_delay_proxy_free     (SyncTestDelayProxy *proxy);

G_END_DECLS
