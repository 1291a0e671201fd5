/* tandem-session-host.h — runs a session server inside the app, on its own thread
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

#include "tandem-protocol.h"
#include "tandem-session-server.h"

G_BEGIN_DECLS

#define TANDEM_TYPE_SESSION_HOST (tandem_session_host_get_type ())
G_DECLARE_FINAL_TYPE (TandemSessionHost, tandem_session_host, TANDEM, SESSION_HOST, GObject)

/*
 * The host owns a thread with its own GMainContext running a
 * TandemSessionServer, so a busy UI never delays the other participants.
 * The app joins its own session with a TandemSyncClient like everyone else.
 */
TandemSessionHost *tandem_session_host_new             (void);
/* Before start: the address to listen on (default: all interfaces) and the
 * host name put in invite links (default: the bind address if it is not a
 * wildcard, else this machine's host name). */
void               tandem_session_host_set_bind_address (TandemSessionHost *self,
                                                         const char        *address);
void               tandem_session_host_set_public_host  (TandemSessionHost *self,
                                                         const char        *host);
/* What was set above (NULL: the default). */
const char        *tandem_session_host_get_bind_address (TandemSessionHost *self);
const char        *tandem_session_host_get_public_host  (TandemSessionHost *self);
/* Before start: whether the host serves wss:// (TLS) with its self-signed
 * certificate, pinned in its invite links. AUTO (the default): TLS unless
 * bound to a loopback address. */
typedef enum
{
  TANDEM_HOST_TLS_AUTO,
  TANDEM_HOST_TLS_ON,
  TANDEM_HOST_TLS_OFF,
} TandemHostTls;

void               tandem_session_host_set_tls          (TandemSessionHost *self,
                                                         TandemHostTls      mode);
/* Before start: where the certificate is kept (default:
 * tandem_host_certificate_default_path()); made there on first use. */
void               tandem_session_host_set_certificate_path (TandemSessionHost *self,
                                                         const char        *path);
/* While running with TLS: the certificate served; else NULL. */
GTlsCertificate   *tandem_session_host_get_certificate  (TandemSessionHost *self);
/* Before start: limits other than the defaults, and whether journals are
 * fsync'ed (on by default). */
void               tandem_session_host_set_limits       (TandemSessionHost *self,
                                                         const TandemServerLimits *limits);
void               tandem_session_host_set_fsync        (TandemSessionHost *self,
                                                         gboolean           fsync);
/* How long a knock waits for the owner's answer (default
 * TANDEM_KNOCK_TIMEOUT_MS; tests shorten it). Before start or while running:
 * knocks that come after take the new value. */
void               tandem_session_host_set_knock_timeout (TandemSessionHost *self,
                                                         guint              timeout_ms);
/* Starts the server thread on @port (0: a free port), journaling into
 * @data_dir (NULL: memory only), with a new session holding @project (a
 * project JSON object, NULL for an empty project). Blocks until the server
 * listens or failed. */
gboolean           tandem_session_host_start            (TandemSessionHost *self,
                                                         guint16            port,
                                                         const char        *data_dir,
                                                         JsonNode          *project,
                                                         GError           **error);
/* Serves again the session @session_id found in @data_dir (a journal folder
 * a host started before, even one killed mid-jam), on the same @port and
 * with the @tokens its links carry (indexed by TandemRole): the links keep
 * working and every acknowledged edit is there. Fails (G_IO_ERROR_ADDRESS_IN_USE
 * when @port is taken) rather than serve anything else. */
gboolean           tandem_session_host_resume           (TandemSessionHost *self,
                                                         guint16            port,
                                                         const char        *data_dir,
                                                         const char        *session_id,
                                                         const char * const *tokens,
                                                         GError           **error);
gboolean           tandem_session_host_is_running       (TandemSessionHost *self);
guint16            tandem_session_host_get_port         (TandemSessionHost *self);
const char        *tandem_session_host_get_session_id   (TandemSessionHost *self);
/* While running: the token of @role the session's links carry. */
const char        *tandem_session_host_get_token        (TandemSessionHost *self,
                                                         TandemRole         role);
/* tandem://HOST:PORT/SESSION?token=…[&fp=…] for @role (…&insecure=1 without TLS). */
char              *tandem_session_host_dup_invite       (TandemSessionHost *self,
                                                         TandemRole         role);
/* The equivalent ws://HOST:PORT/session/SESSION?token=… URL. */
char              *tandem_session_host_dup_ws_url       (TandemSessionHost *self,
                                                         TandemRole         role);
/* The session and host names announced on the LAN (`_tandem._tcp`, with
 * the TLS pin but never a token) from start to stop, from the thread-default
 * main context of start; set while running, they update the announcement.
 * NULL keeps a name as it is. */
void               tandem_session_host_set_lan_names    (TandemSessionHost *self,
                                                         const char        *session_name,
                                                         const char        *host_name);
/* TRUE once an Avahi daemon confirmed the announcement. */
gboolean           tandem_session_host_is_announced     (TandemSessionHost *self);
/* Flushes the journals, closes every connection and joins the thread. */
void               tandem_session_host_stop             (TandemSessionHost *self);

G_END_DECLS
