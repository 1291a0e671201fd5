/* tandem-invite.h — invite links: tandem://HOST:PORT/SESSION?token=… and ws:// forms
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

typedef struct
{
  char    *host;       /* without brackets, e.g. "::1" */
  guint16  port;
  char    *session_id;
  char    *token;      /* NULL when the link carries none */
} TandemInvite;

#define TANDEM_TYPE_INVITE (tandem_invite_get_type ())
GType         tandem_invite_get_type    (void) G_GNUC_CONST;

TandemInvite *tandem_invite_new         (const char         *host,
                                         guint16             port,
                                         const char         *session_id,
                                         const char         *token);
/* Accepts "tandem://HOST:PORT/SESSION?token=T" and
 * "ws://HOST:PORT/session/SESSION?token=T"; errors are TANDEM_SYNC_ERROR_INVITE
 * and say what is wrong with the link. */
TandemInvite *tandem_invite_parse       (const char         *link,
                                         GError            **error);
TandemInvite *tandem_invite_copy        (const TandemInvite *self);
void          tandem_invite_free        (TandemInvite       *self);
char         *tandem_invite_to_link     (const TandemInvite *self);
/* The ws:// URL with the token, the equivalent of the tandem:// link. */
char         *tandem_invite_to_ws_url   (const TandemInvite *self);
/* The ws:// URL to connect to: no token (it travels in the hello message). */
char         *tandem_invite_get_endpoint (const TandemInvite *self);
/* HOST:PORT as people write it ([::1]:8421 for IPv6), for messages. */
char         *tandem_invite_get_address (const TandemInvite *self);

/* Session ids and tokens are URL-safe: [A-Za-z0-9_-]. */
gboolean      tandem_invite_is_valid_session_id (const char *id);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TandemInvite, tandem_invite_free)

G_END_DECLS
