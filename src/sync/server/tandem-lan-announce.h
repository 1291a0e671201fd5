/* tandem-lan-announce.h — publishes a hosted session on the LAN (DNS-SD)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define TANDEM_LAN_SERVICE_TYPE "_tandem._tcp"

/* TXT keys; values are bounded by TANDEM_LAN_TXT_MAX bytes each. Never a
 * token: a nearby client still has to be let in. */
#define TANDEM_LAN_TXT_SESSION   "session"
#define TANDEM_LAN_TXT_HOST      "host"
#define TANDEM_LAN_TXT_VERSION   "v"
#define TANDEM_LAN_TXT_FP        "fp"
#define TANDEM_LAN_TXT_ID        "id"
#define TANDEM_LAN_TXT_MAX       200

typedef struct _TandemLanAnnounce TandemLanAnnounce;

/* Publishes `_tandem._tcp` on @port through the Avahi daemon, from the
 * thread-default main context. @fingerprint is the TLS pin as text (NULL
 * without TLS). Without a daemon it logs once at debug level and does
 * nothing; it publishes as soon as a daemon appears. */
TandemLanAnnounce *tandem_lan_announce_new          (const char        *session_id,
                                                     const char        *session_name,
                                                     const char        *host_name,
                                                     guint16            port,
                                                     const char        *fingerprint);
/* Renames update the TXT record (and the service name). */
void               tandem_lan_announce_set_names    (TandemLanAnnounce *self,
                                                     const char        *session_name,
                                                     const char        *host_name);
/* TRUE once the daemon confirmed the service. */
gboolean           tandem_lan_announce_is_published (TandemLanAnnounce *self);
void               tandem_lan_announce_free         (TandemLanAnnounce *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TandemLanAnnounce, tandem_lan_announce_free)

G_END_DECLS
