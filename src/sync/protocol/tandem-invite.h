/* tandem-invite.h — invite links: tandem://HOST:PORT/SESSION?token=…&fp=… and ws(s):// forms
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

#include "tandem-certificate-pin.h"

G_BEGIN_DECLS

typedef struct
{
  char    *host;       /* without brackets, e.g. "::1" */
  guint16  port;
  char    *session_id;
  char    *token;      /* NULL when the link carries none */
  /* How the connection is made (docs/protocol.md, "Invite links"):
   * tls FALSE: plain ws:// and http://, for loopback and --insecure servers;
   * tls TRUE, pinned FALSE: wss:// checked against the system's trusted authorities;
   * tls TRUE, pinned TRUE: wss:// to the one certificate whose SHA-256 is @fingerprint. */
  gboolean tls;
  gboolean pinned;
  guint8   fingerprint[TANDEM_FINGERPRINT_SIZE];
  /* Other nodes serving the same session ("host:port", IPv6 in brackets),
   * from repeated also= parameters, tried in order when @host fails;
   * NULL when there are none. */
  char   **also;
} TandemInvite;

#define TANDEM_TYPE_INVITE (tandem_invite_get_type ())
GType         tandem_invite_get_type    (void) G_GNUC_CONST;

TandemInvite *tandem_invite_new         (const char         *host,
                                         guint16             port,
                                         const char         *session_id,
                                         const char         *token);
/* A new invite is plain (tls FALSE): see tandem_invite_set_tls(). */
/* Makes @self a wss:// invite, pinned to @fingerprint unless it is NULL. */
void          tandem_invite_set_tls     (TandemInvite       *self,
                                         const guint8       *fingerprint);
/* Accepts "tandem://HOST:PORT/SESSION?token=T[&fp=sha256:F][&insecure=1]",
 * "ws://HOST:PORT/session/SESSION?token=T" and
 * "wss://HOST:PORT/session/SESSION?token=T[&fp=sha256:F]"; other query
 * parameters are ignored. Errors are TANDEM_SYNC_ERROR_INVITE and say what
 * is wrong with the link. */
TandemInvite *tandem_invite_parse       (const char         *link,
                                         GError            **error);
TandemInvite *tandem_invite_copy        (const TandemInvite *self);
void          tandem_invite_free        (TandemInvite       *self);
char         *tandem_invite_to_link     (const TandemInvite *self);
/* The ws:// or wss:// URL with the token (and pin), the equivalent of the tandem:// link. */
char         *tandem_invite_to_ws_url   (const TandemInvite *self);
/* The ws:// or wss:// URL to connect to: no token (it travels in the hello message). */
char         *tandem_invite_get_endpoint (const TandemInvite *self);
/* "http" or "https", for the session's HTTP endpoints (samples). */
const char   *tandem_invite_get_http_scheme (const TandemInvite *self);
/* HOST:PORT as people write it ([::1]:8421 for IPv6), for messages. */
char         *tandem_invite_get_address (const TandemInvite *self);

/* Session ids and tokens are URL-safe: [A-Za-z0-9_-]. */
gboolean      tandem_invite_is_valid_session_id (const char *id);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TandemInvite, tandem_invite_free)

/* Moves to the next address of a cluster: the first also= address becomes
 * the host and port, and the current one goes to the end of the list.
 * FALSE (nothing changed) when the invite has no also=. */
gboolean       tandem_invite_rotate_address (TandemInvite *self);

G_END_DECLS
