/* tandem-remote-host.h — creates a session on a tandem-server and uploads its samples
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <libsoup/soup.h>

#include "tandem-model.h"
#include "tandem-protocol.h"
#include "tandem-sample-transfers.h"

G_BEGIN_DECLS

#define TANDEM_REMOTE_HOST_ERROR (tandem_remote_host_error_quark ())
GQuark tandem_remote_host_error_quark (void);

typedef enum
{
  TANDEM_REMOTE_HOST_ERROR_BAD_ADDRESS,   /* the server address cannot be used */
  TANDEM_REMOTE_HOST_ERROR_UNREACHABLE,   /* no answer (DNS, refused, timeout, TLS) */
  TANDEM_REMOTE_HOST_ERROR_UNAUTHORIZED,  /* 401: the admin token is missing or wrong */
  TANDEM_REMOTE_HOST_ERROR_FORBIDDEN,     /* 403: the server creates no sessions over HTTP */
  TANDEM_REMOTE_HOST_ERROR_RATE_LIMITED,  /* 429: see tandem_remote_host_get_retry_after() */
  TANDEM_REMOTE_HOST_ERROR_TOO_LARGE,     /* 413: the project, or a sample, is too large */
  TANDEM_REMOTE_HOST_ERROR_BUSY,          /* 503: the server is full or busy */
  TANDEM_REMOTE_HOST_ERROR_REFUSED,       /* another refusal; the message is the server's */
  TANDEM_REMOTE_HOST_ERROR_BAD_ANSWER,    /* the answer is not a Tandem server's */
  TANDEM_REMOTE_HOST_ERROR_UPLOAD,        /* a sample could not be uploaded */
} TandemRemoteHostError;

typedef enum
{
  TANDEM_REMOTE_HOST_IDLE,
  TANDEM_REMOTE_HOST_CREATING,   /* POST /sessions with the project */
  TANDEM_REMOTE_HOST_UPLOADING,  /* the project's samples */
  TANDEM_REMOTE_HOST_DONE,
} TandemRemoteHostStage;

/* What a new session on a server answers with: its id, and for each role
 * (indexed by TandemRole) the invite link and the ws:// URL. */
typedef struct
{
  char *id;
  char *links[TANDEM_N_ROLES];
  char *ws_urls[TANDEM_N_ROLES];
} TandemRemoteSession;

#define TANDEM_TYPE_REMOTE_SESSION (tandem_remote_session_get_type ())
GType                tandem_remote_session_get_type (void) G_GNUC_CONST;
TandemRemoteSession *tandem_remote_session_copy     (const TandemRemoteSession *self);
void                 tandem_remote_session_free     (TandemRemoteSession       *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TandemRemoteSession, tandem_remote_session_free)

#define TANDEM_TYPE_REMOTE_HOST (tandem_remote_host_get_type ())
G_DECLARE_FINAL_TYPE (TandemRemoteHost, tandem_remote_host, TANDEM, REMOTE_HOST, GObject)

/*
 * Hosting on a server, in two steps:
 *
 * 1. tandem_remote_host_create_async() sends the project to
 *    `POST /sessions` on the server (docs/server.md) and gives the invite
 *    links back. The caller then joins with the owner link.
 * 2. tandem_remote_host_upload_samples_async() uploads every sample the
 *    project registers and the store holds, through the session's sample
 *    transfers (the same resumable, verified path as any upload), and
 *    finishes when the server has them all.
 *
 * Properties (read-only, notified): "stage" (TandemRemoteHostStage),
 * "fraction" (0..1, of the sample bytes uploaded).
 *
 * Requests go through @session (NULL: a new one), so whoever sets up TLS
 * for the app (certificate database, pinning through the messages'
 * accept-certificate) can hand in its session; the scheme comes from the
 * address the user gave.
 */
TandemRemoteHost *tandem_remote_host_new            (SoupSession       *session);
/* "https://HOST:PORT", "http://HOST:PORT" (loopback only) or "HOST[:PORT]"
 * (https, port 8421) → the base URI "SCHEME://HOST:PORT" requests go to. */
char             *tandem_remote_host_parse_address  (const char        *address,
                                                     GError           **error);
void              tandem_remote_host_create_async   (TandemRemoteHost  *self,
                                                     const char        *address,
                                                     const char        *admin_token,
                                                     TandemProject     *project,
                                                     GCancellable      *cancellable,
                                                     GAsyncReadyCallback callback,
                                                     gpointer           user_data);
TandemRemoteSession *tandem_remote_host_create_finish (TandemRemoteHost *self,
                                                     GAsyncResult      *result,
                                                     GError           **error);
/* Seconds the server asked to wait after a 429 (0 if it did not say). */
guint             tandem_remote_host_get_retry_after (TandemRemoteHost *self);
void              tandem_remote_host_upload_samples_async  (TandemRemoteHost      *self,
                                                            TandemSampleTransfers *transfers,
                                                            TandemProject         *project,
                                                            TandemSampleStore     *store,
                                                            GCancellable          *cancellable,
                                                            GAsyncReadyCallback    callback,
                                                            gpointer               user_data);
gboolean          tandem_remote_host_upload_samples_finish (TandemRemoteHost      *self,
                                                            GAsyncResult          *result,
                                                            GError               **error);
TandemRemoteHostStage tandem_remote_host_get_stage  (TandemRemoteHost *self);
double            tandem_remote_host_get_fraction   (TandemRemoteHost *self);

G_END_DECLS
