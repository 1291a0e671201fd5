/* sync-test-utils.h — fixtures for the sync tests: servers, clients, raw sockets
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <libsoup/soup.h>

#include "tandem-model.h"
#include "tandem-sync.h"

G_BEGIN_DECLS

typedef struct
{
  TandemSessionServer *server;
  char                *data_dir;
  guint16              port;
  char                *session_id;
  char                *tokens[TANDEM_N_ROLES];
} SyncTestServer;

void            sync_test_init            (int          *argc,
                                           char       ***argv);
/* A fresh temporary directory (removed by sync_test_rm_rf). */
char           *sync_test_make_tmpdir     (void);
void            sync_test_rm_rf           (const char   *path);
/* A TCP port on 127.0.0.1 that nobody listened on a moment ago. */
guint16         sync_test_free_port       (void);
/* A child setup for the processes a test spawns: they get SIGKILL when the
 * test dies, so a failing test leaves no server behind. */
void            sync_test_die_with_parent (gpointer      data);

/* An in-process server on 127.0.0.1, port 0, with one session holding the
 * demo project. @limits may be NULL; @durable journals into a temp dir. */
SyncTestServer *sync_test_server_new      (const TandemServerLimits *limits,
                                           gboolean      durable);
char           *sync_test_server_invite   (SyncTestServer *ts,
                                           TandemRole    role);
char           *sync_test_server_project  (SyncTestServer *ts);
/* Shuts @server down and waits until every connection has closed. */
void            sync_test_server_shutdown (TandemSessionServer *server);
void            sync_test_server_free     (SyncTestServer *ts);

/* Iterates the thread-default main context until @cond returns TRUE or
 * @timeout_ms passed (a guard against hangs, not a timing assertion). */
gboolean        sync_test_wait            (gboolean    (*cond) (gpointer data),
                                           gpointer      data,
                                           guint         timeout_ms);
/* Iterates for about @ms, whatever happens. */
void            sync_test_spin            (guint         ms);

/* A client with a fresh project, quick heartbeat and backoff. */
TandemSyncClient *sync_test_client_new    (void);
gboolean        sync_test_wait_live       (TandemSyncClient *client);
/* Waits until every client is live, has no pending edits and is at the
 * server's seq. */
gboolean        sync_test_wait_converged  (SyncTestServer   *ts,
                                           TandemSyncClient **clients,
                                           guint              n_clients,
                                           guint              timeout_ms);

/* Raw WebSocket connections for hostile-input tests: messages are queued
 * and read with sync_test_raw_next. */
SoupWebsocketConnection *sync_test_raw_connect (guint16     port,
                                                const char *session_id,
                                                const char *protocol);
/* The same over wss://, accepting only @certificate (self-signed). */
SoupWebsocketConnection *sync_test_raw_connect_tls (guint16          port,
                                                    const char      *session_id,
                                                    const char      *protocol,
                                                    GTlsCertificate *certificate);
/* The next text message (parsed), or NULL if the connection closed or
 * nothing came in time. */
JsonObject     *sync_test_raw_next        (SoupWebsocketConnection *conn,
                                           guint         timeout_ms);
/* Skips messages until one of @type; returns it (or NULL). */
JsonObject     *sync_test_raw_expect      (SoupWebsocketConnection *conn,
                                           const char   *type,
                                           guint         timeout_ms);
gboolean        sync_test_raw_wait_closed (SoupWebsocketConnection *conn,
                                           guint         timeout_ms);
/* The client secret raw connections prove @client_id with (the same for
 * the same id, so a raw client can come back). */
char           *sync_test_client_secret   (const char   *client_id);
/* Sends a hello for @token and waits for the welcome (NULL if refused). */
JsonObject     *sync_test_raw_join        (SoupWebsocketConnection *conn,
                                           const char   *session_id,
                                           const char   *token,
                                           const char   *client_id);

/* Asserts the next "error" carries @code and a message. */
void            sync_test_raw_expect_error  (SoupWebsocketConnection *conn,
                                             const char   *code);
/* Asserts the connection closes with @close_code. */
void            sync_test_raw_expect_closed (SoupWebsocketConnection *conn,
                                             gushort       close_code);
/* Asserts the next "reject" answers @cseq with @code; the _msg form returns
 * the reject (transfer full). */
void            sync_test_raw_expect_reject (SoupWebsocketConnection *conn,
                                             gint64        cseq,
                                             const char   *code);
JsonObject     *sync_test_raw_expect_reject_msg (SoupWebsocketConnection *conn,
                                                 gint64        cseq,
                                                 const char   *code);

/* Fills @clients with @n_clients editors of @ts's session, each live. */
void            sync_test_connect_editors (SyncTestServer   *ts,
                                           TandemSyncClient **clients,
                                           guint              n_clients);
/* Each live client sets the tempo to @tempos[i]; asserts every edit is
 * echoed (the server's seq moves by @n_clients) and every client then holds
 * the server's project. */
void            sync_test_assert_clients_edit (SyncTestServer   *ts,
                                               TandemSyncClient **clients,
                                               guint              n_clients,
                                               const double      *tempos);

/* A live editor with its own sample store in @dir and sample transfers
 * that retry quickly. */
typedef struct
{
  char                  *dir;
  TandemSyncClient      *client;
  TandemSampleStore     *store;
  TandemSampleTransfers *transfers;
} SyncTestPeer;

SyncTestPeer   *sync_test_peer_new        (SyncTestServer *ts,
                                           const char     *dir);
void            sync_test_peer_free       (SyncTestPeer   *p);

/* Submits from @client the registry entry of a sample of @bytes bytes
 * with SHA-256 @hash; asserts the client took it. */
void            sync_test_register_sample (TandemSyncClient *client,
                                           const char       *hash,
                                           guint64           bytes);

/* Sends @method @path to 127.0.0.1:@port (with "Bearer @bearer" and the
 * JSON @body, each unless NULL) from another thread, since the server runs
 * on this one's loop, and waits for the answer at most @timeout_ms.
 * Returns the status; *@reply is the body's text (NULL if none came) and
 * *@error says why nothing came. */
guint           sync_test_http_call       (guint16       port,
                                           const char   *method,
                                           const char   *path,
                                           const char   *bearer,
                                           const char   *body,
                                           guint         timeout_ms,
                                           char        **reply,
                                           GError      **error);

/* A random cell toggle or property change on @project, valid right now. */
TandemOp       *sync_test_random_op       (TandemProject *project,
                                           GRand         *rand);

G_END_DECLS
