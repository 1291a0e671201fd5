/* tandem-lan-browser.h — sessions announced on the LAN, as a GListModel
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define TANDEM_TYPE_LAN_SESSION (tandem_lan_session_get_type ())
G_DECLARE_FINAL_TYPE (TandemLanSession, tandem_lan_session, TANDEM, LAN_SESSION, GObject)

/* One resolved `_tandem._tcp` service. The fingerprint is the host's TLS
 * pin (NULL: the host serves without TLS). */
const char *tandem_lan_session_get_name        (TandemLanSession *self);
const char *tandem_lan_session_get_host_name   (TandemLanSession *self);
const char *tandem_lan_session_get_session_id  (TandemLanSession *self);
const char *tandem_lan_session_get_address     (TandemLanSession *self);
guint16     tandem_lan_session_get_port        (TandemLanSession *self);
const char *tandem_lan_session_get_fingerprint (TandemLanSession *self);

#define TANDEM_TYPE_LAN_BROWSER (tandem_lan_browser_get_type ())
G_DECLARE_FINAL_TYPE (TandemLanBrowser, tandem_lan_browser, TANDEM, LAN_BROWSER, GObject)

/* Browses from the thread-default main context; items come and go live.
 * Without an Avahi daemon the list stays empty (logged once at debug). */
TandemLanBrowser *tandem_lan_browser_new (void);

G_END_DECLS
