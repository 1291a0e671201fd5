/* sync-test-utils.c — fixtures for the sync tests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-sync-test"

#include "config.h"

#include <string.h>

#include <glib/gstdio.h>
#include <signal.h>
#include <sys/prctl.h>

#include "sync-test-utils.h"

/* GTest turns every debug message into TAP output; libsoup's frame logging
 * would make the logs huge. TANDEM_TEST_DEBUG=1 keeps them. */
static GLogFunc gtest_handler;

static void
quiet_handler (const char     *domain,
               GLogLevelFlags  level,
               const char     *message,
               gpointer        data)
{
  if ((level & (G_LOG_LEVEL_DEBUG | G_LOG_LEVEL_INFO)) && g_getenv ("TANDEM_TEST_DEBUG") == NULL)
    return;
  gtest_handler (domain, level, message, data);
}

void
sync_test_init (int    *argc,
                char ***argv)
{
  g_test_init (argc, argv, NULL);
  gtest_handler = g_log_set_default_handler (quiet_handler, NULL);
  g_log_set_always_fatal (G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_ERROR);
  g_log_set_fatal_mask ("tandem-sync", G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_ERROR);
}

char *
sync_test_make_tmpdir (void)
{
  g_autoptr(GError) error = NULL;
  char *dir = g_dir_make_tmp ("tandem-sync-XXXXXX", &error);

  g_assert_no_error (error);
  return dir;
}

guint16
sync_test_free_port (void)
{
  g_autoptr(GSocketListener) listener = g_socket_listener_new ();
  g_autoptr(GError) error = NULL;
  guint16 port = g_socket_listener_add_any_inet_port (listener, NULL, &error);

  g_assert_no_error (error);
  g_socket_listener_close (listener);
  return port;
}

void
sync_test_die_with_parent (gpointer data)
{
  prctl (PR_SET_PDEATHSIG, SIGKILL);
}

void
sync_test_rm_rf (const char *path)
{
  g_autoptr(GDir) dir = NULL;
  const char *name;

  if (path == NULL)
    return;
  if (g_file_test (path, G_FILE_TEST_IS_DIR) && !g_file_test (path, G_FILE_TEST_IS_SYMLINK))
    {
      dir = g_dir_open (path, 0, NULL);
      while (dir && (name = g_dir_read_name (dir)))
        {
          g_autofree char *child = g_build_filename (path, name, NULL);

          sync_test_rm_rf (child);
        }
      g_rmdir (path);
    }
  else
    g_unlink (path);
}

SyncTestServer *
sync_test_server_new (const TandemServerLimits *limits,
                      gboolean                  durable)
{
  SyncTestServer *ts = g_new0 (SyncTestServer, 1);
  g_autoptr(GError) error = NULL;
  g_autoptr(TandemProject) demo = tandem_project_new_demo ();
  g_autoptr(JsonNode) project = tandem_project_to_json (demo);

  if (durable)
    ts->data_dir = sync_test_make_tmpdir ();
  ts->server = tandem_session_server_new (ts->data_dir, &error);
  g_assert_no_error (error);
  if (limits)
    tandem_session_server_set_limits (ts->server, limits);
  tandem_session_server_listen (ts->server, "127.0.0.1", 0, &error);
  g_assert_no_error (error);
  ts->port = tandem_session_server_get_port (ts->server);
  g_assert_cmpuint (ts->port, >, 0);
  ts->session_id = tandem_session_server_create_session (ts->server, project, ts->tokens, &error);
  g_assert_no_error (error);
  return ts;
}

char *
sync_test_server_invite (SyncTestServer *ts,
                         TandemRole      role)
{
  g_autoptr(TandemInvite) invite = tandem_invite_new ("127.0.0.1", ts->port, ts->session_id,
                                                      ts->tokens[role]);

  return tandem_invite_to_link (invite);
}

char *
sync_test_server_project (SyncTestServer *ts)
{
  return tandem_session_server_dup_project_string (ts->server, ts->session_id);
}

static gboolean
no_connections (gpointer data)
{
  return tandem_session_server_get_n_connections (data) == 0;
}

void
sync_test_server_shutdown (TandemSessionServer *server)
{
  tandem_session_server_shutdown (server);
  /* Every connection gets its close frame and answers it before the server
   * goes (libsoup gives up on a silent peer after 5 s). */
  sync_test_wait (no_connections, server, 6000);
}

void
sync_test_server_free (SyncTestServer *ts)
{
  if (ts == NULL)
    return;
  sync_test_server_shutdown (ts->server);
  g_clear_object (&ts->server);
  sync_test_rm_rf (ts->data_dir);
  g_free (ts->data_dir);
  g_free (ts->session_id);
  for (guint r = 0; r < TANDEM_N_ROLES; r++)
    g_free (ts->tokens[r]);
  g_free (ts);
}

static gboolean
set_flag (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

gboolean
sync_test_wait (gboolean (*cond) (gpointer data),
                gpointer   data,
                guint      timeout_ms)
{
  gboolean timed_out = FALSE;
  GSource *guard = g_timeout_source_new (timeout_ms);
  gboolean ok;

  g_source_set_callback (guard, set_flag, &timed_out, NULL);
  g_source_attach (guard, g_main_context_get_thread_default ());
  while (!(ok = cond (data)) && !timed_out)
    g_main_context_iteration (g_main_context_get_thread_default (), TRUE);
  g_source_destroy (guard);
  g_source_unref (guard);
  return ok;
}

static gboolean
never (gpointer data)
{
  return FALSE;
}

void
sync_test_spin (guint ms)
{
  sync_test_wait (never, NULL, ms);
}

TandemSyncClient *
sync_test_client_new (void)
{
  g_autoptr(TandemProject) project = tandem_project_new ();
  TandemSyncClient *client = tandem_sync_client_new (project, NULL);

  tandem_sync_client_set_heartbeat (client, 200, 2000);
  tandem_sync_client_set_backoff (client, 10, 200);
  return client;
}

static gboolean
is_live (gpointer data)
{
  return tandem_sync_client_get_state (data) == TANDEM_SYNC_STATE_LIVE;
}

gboolean
sync_test_wait_live (TandemSyncClient *client)
{
  return sync_test_wait (is_live, client, 10000);
}

typedef struct
{
  SyncTestServer    *ts;
  TandemSyncClient **clients;
  guint              n;
} Converge;

static gboolean
converged (gpointer data)
{
  Converge *c = data;
  guint64 seq = tandem_session_server_get_seq (c->ts->server, c->ts->session_id);

  for (guint i = 0; i < c->n; i++)
    if (tandem_sync_client_get_state (c->clients[i]) != TANDEM_SYNC_STATE_LIVE
        || tandem_sync_client_get_n_pending (c->clients[i]) != 0
        || tandem_sync_client_get_seq (c->clients[i]) != seq)
      return FALSE;
  return TRUE;
}

gboolean
sync_test_wait_converged (SyncTestServer    *ts,
                          TandemSyncClient **clients,
                          guint              n_clients,
                          guint              timeout_ms)
{
  Converge c = { ts, clients, n_clients };

  return sync_test_wait (converged, &c, timeout_ms);
}

/* Raw connections */

typedef struct
{
  GQueue   messages;
  gboolean closed;
  gboolean connected;
  SoupWebsocketConnection *conn;
  GError  *error;
} RawState;

static void
raw_state_free (gpointer data)
{
  RawState *st = data;

  g_queue_clear_full (&st->messages, g_free);
  g_clear_error (&st->error);
  g_free (st);
}

static void
raw_on_message (SoupWebsocketConnection *conn,
                SoupWebsocketDataType    type,
                GBytes                  *bytes,
                RawState                *st)
{
  gsize size;
  const char *data = g_bytes_get_data (bytes, &size);

  g_queue_push_tail (&st->messages, g_strndup (data, size));
}

static void
raw_on_closed (SoupWebsocketConnection *conn,
               RawState                *st)
{
  st->closed = TRUE;
}

static void
raw_connect_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      data)
{
  RawState *st = data;

  st->conn = soup_session_websocket_connect_finish (SOUP_SESSION (source), result, &st->error);
  st->connected = TRUE;
}

static gboolean
raw_connected (gpointer data)
{
  return ((RawState *) data)->connected;
}

static gboolean
raw_accept_pinned (SoupMessage         *msg,
                   GTlsCertificate     *certificate,
                   GTlsCertificateFlags errors,
                   GTlsCertificate     *pinned)
{
  return g_tls_certificate_is_same (certificate, pinned);
}

SoupWebsocketConnection *
sync_test_raw_connect (guint16     port,
                       const char *session_id,
                       const char *protocol)
{
  return sync_test_raw_connect_tls (port, session_id, protocol, NULL);
}

SoupWebsocketConnection *
sync_test_raw_connect_tls (guint16          port,
                           const char      *session_id,
                           const char      *protocol,
                           GTlsCertificate *certificate)
{
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autofree char *url = g_strdup_printf ("%s://127.0.0.1:%u/session/%s",
                                          certificate ? "wss" : "ws", port, session_id);
  g_autoptr(SoupMessage) msg = soup_message_new ("GET", url);
  char *protocols[] = { (char *) protocol, NULL };
  RawState *st = g_new0 (RawState, 1);
  SoupWebsocketConnection *conn;

  if (certificate)
    g_signal_connect_data (msg, "accept-certificate", G_CALLBACK (raw_accept_pinned),
                           g_object_ref (certificate),
                           (GClosureNotify) (void (*) (void)) g_object_unref, 0);
  g_queue_init (&st->messages);
  soup_session_websocket_connect_async (session, msg, NULL, protocol ? protocols : NULL,
                                        G_PRIORITY_DEFAULT, NULL, raw_connect_cb, st);
  g_assert_true (sync_test_wait (raw_connected, st, 10000));
  if (st->conn == NULL)
    {
      g_test_message ("raw connect failed: %s", st->error ? st->error->message : "?");
      raw_state_free (st);
      return NULL;
    }
  conn = st->conn;
  soup_websocket_connection_set_max_incoming_payload_size (conn, 64 * 1024 * 1024);
  g_signal_connect (conn, "message", G_CALLBACK (raw_on_message), st);
  g_signal_connect (conn, "closed", G_CALLBACK (raw_on_closed), st);
  g_object_set_data_full (G_OBJECT (conn), "raw-state", st, raw_state_free);
  return conn;
}

static gboolean
raw_has_message (gpointer data)
{
  RawState *st = data;

  return !g_queue_is_empty (&st->messages) || st->closed;
}

JsonObject *
sync_test_raw_next (SoupWebsocketConnection *conn,
                    guint                    timeout_ms)
{
  RawState *st = g_object_get_data (G_OBJECT (conn), "raw-state");
  g_autofree char *text = NULL;
  const char *type;

  sync_test_wait (raw_has_message, st, timeout_ms);
  text = g_queue_pop_head (&st->messages);
  if (text == NULL)
    return NULL;
  return tandem_message_parse (text, strlen (text), &type, NULL);
}

JsonObject *
sync_test_raw_expect (SoupWebsocketConnection *conn,
                      const char              *type,
                      guint                    timeout_ms)
{
  JsonObject *msg;

  while ((msg = sync_test_raw_next (conn, timeout_ms)) != NULL)
    {
      if (g_strcmp0 (json_object_get_string_member (msg, "type"), type) == 0)
        return msg;
      json_object_unref (msg);
    }
  return NULL;
}

static gboolean
raw_closed (gpointer data)
{
  return ((RawState *) data)->closed;
}

gboolean
sync_test_raw_wait_closed (SoupWebsocketConnection *conn,
                           guint                    timeout_ms)
{
  return sync_test_wait (raw_closed, g_object_get_data (G_OBJECT (conn), "raw-state"), timeout_ms);
}

char *
sync_test_client_secret (const char *client_id)
{
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  guint8 digest[32];
  gsize len = sizeof digest;

  g_checksum_update (checksum, (const guchar *) "tandem-test-secret:", -1);
  g_checksum_update (checksum, (const guchar *) client_id, -1);
  g_checksum_get_digest (checksum, digest, &len);
  return g_base64_encode (digest, sizeof digest);
}

JsonObject *
sync_test_raw_join (SoupWebsocketConnection *conn,
                    const char              *session_id,
                    const char              *token,
                    const char              *client_id)
{
  g_autofree char *secret = sync_test_client_secret (client_id);
  g_autofree char *hello = g_strdup_printf ("{\"type\":\"hello\",\"version\":1,\"session\":\"%s\","
                                            "\"token\":\"%s\",\"client\":\"%s\",\"secret\":\"%s\","
                                            "\"name\":\"raw\"}",
                                            session_id, token, client_id, secret);

  soup_websocket_connection_send_text (conn, hello);
  return sync_test_raw_expect (conn, "welcome", 10000);
}

/* Random edits */

static char *
pick_id (GListModel *list,
         GRand      *rand,
         const char *(*get_id) (gpointer))
{
  guint n = g_list_model_get_n_items (list);
  g_autoptr(GObject) item = NULL;

  if (n == 0)
    return NULL;
  item = g_list_model_get_item (list, g_rand_int_range (rand, 0, n));
  return g_strdup (get_id (item));
}

static JsonNode *
copy_entity_json (TandemProject *project,
                  const char    *member,
                  guint          index,
                  const char    *new_id)
{
  g_autoptr(JsonNode) root = tandem_project_to_json (project);
  JsonArray *array = json_object_get_array_member (json_node_get_object (root), member);
  JsonNode *copy = json_node_copy (json_array_get_element (array, index));

  json_object_set_string_member (json_node_get_object (copy), "id", new_id);
  return copy;
}

TandemOp *
sync_test_random_op (TandemProject *project,
                     GRand         *rand)
{
  GListModel *tracks = tandem_project_get_tracks (project);
  GListModel *patterns = tandem_project_get_patterns (project);
  g_autofree char *track = pick_id (tracks, rand, (gpointer) tandem_track_get_id);
  g_autofree char *pattern = pick_id (patterns, rand, (gpointer) tandem_pattern_get_id);
  guint n_tracks = g_list_model_get_n_items (tracks);
  guint n_patterns = g_list_model_get_n_items (patterns);
  int what = g_rand_int_range (rand, 0, 100);

  if (what < 45 && track && pattern)
    return tandem_op_new_set_cell (pattern, track, g_rand_int_range (rand, 0, 16), "velocity",
                                   g_rand_int_range (rand, 0, 128));
  if (what < 60 && track)
    return tandem_op_new_set_double (TANDEM_ENTITY_TRACK, track, "volume",
                                     g_rand_double_range (rand, -60, 6));
  if (what < 65 && track)
    return tandem_op_new_set_boolean (TANDEM_ENTITY_TRACK, track, "mute", g_rand_boolean (rand));
  if (what < 70)
    return tandem_op_new_set_double (TANDEM_ENTITY_PROJECT, NULL, "tempo",
                                     g_rand_int_range (rand, 60, 200));
  if (what < 78 && n_tracks > 0 && n_tracks < 12)
    {
      g_autofree char *id = tandem_id_new ();

      return tandem_op_new_insert (TANDEM_ENTITY_TRACK, g_rand_int_range (rand, -1, n_tracks + 1),
                                   copy_entity_json (project, "tracks",
                                                     g_rand_int_range (rand, 0, n_tracks), id));
    }
  if (what < 86 && n_tracks > 1 && track)
    return tandem_op_new_delete (TANDEM_ENTITY_TRACK, track);
  if (what < 90 && track)
    return tandem_op_new_move (TANDEM_ENTITY_TRACK, track, g_rand_int_range (rand, 0, n_tracks));
  if (what < 94 && n_patterns > 0 && n_patterns < 6)
    {
      g_autofree char *id = tandem_id_new ();

      return tandem_op_new_insert (TANDEM_ENTITY_PATTERN, -1,
                                   copy_entity_json (project, "patterns",
                                                     g_rand_int_range (rand, 0, n_patterns), id));
    }
  if (what < 97 && n_patterns > 1 && pattern)
    return tandem_op_new_delete (TANDEM_ENTITY_PATTERN, pattern);
  if (pattern)
    return tandem_op_new_set_string (TANDEM_ENTITY_PATTERN, pattern, "name",
                                     g_rand_boolean (rand) ? "Verse" : "Chorus");
  return tandem_op_new_set_double (TANDEM_ENTITY_PROJECT, NULL, "swing",
                                   g_rand_int_range (rand, 0, 50));
}

void
sync_test_raw_expect_error (SoupWebsocketConnection *conn,
                            const char              *code)
{
  g_autoptr(JsonObject) msg = sync_test_raw_expect (conn, "error", 10000);

  g_assert_nonnull (msg);
  g_assert_cmpstr (json_object_get_string_member (msg, "code"), ==, code);
  g_assert_true (strlen (json_object_get_string_member (msg, "message")) > 0);
}

void
sync_test_raw_expect_closed (SoupWebsocketConnection *conn,
                             gushort                  close_code)
{
  g_assert_true (sync_test_raw_wait_closed (conn, 10000));
  g_assert_cmpuint (soup_websocket_connection_get_close_code (conn), ==, close_code);
}

JsonObject *
sync_test_raw_expect_reject_msg (SoupWebsocketConnection *conn,
                                 gint64                   cseq,
                                 const char              *code)
{
  JsonObject *msg = sync_test_raw_expect (conn, "reject", 10000);

  g_assert_nonnull (msg);
  g_assert_cmpint (json_object_get_int_member (msg, "cseq"), ==, cseq);
  g_assert_cmpstr (json_object_get_string_member (msg, "code"), ==, code);
  return msg;
}

void
sync_test_raw_expect_reject (SoupWebsocketConnection *conn,
                             gint64                   cseq,
                             const char              *code)
{
  g_autoptr(JsonObject) msg = sync_test_raw_expect_reject_msg (conn, cseq, code);
}

void
sync_test_assert_clients_edit (SyncTestServer    *ts,
                               TandemSyncClient **clients,
                               guint              n_clients,
                               const double      *tempos)
{
  g_autofree char *server_json = NULL;
  guint64 seq = tandem_session_server_get_seq (ts->server, ts->session_id);

  for (guint i = 0; i < n_clients; i++)
    {
      g_autoptr(TandemOp) op = tandem_op_new_set_double (TANDEM_ENTITY_PROJECT, NULL, "tempo",
                                                          tempos[i]);

      g_assert_cmpint (tandem_sync_client_get_state (clients[i]), ==, TANDEM_SYNC_STATE_LIVE);
      g_assert_true (tandem_sync_client_submit (clients[i], op, NULL));
    }
  g_assert_true (sync_test_wait_converged (ts, clients, n_clients, 10000));
  g_assert_cmpuint (tandem_session_server_get_seq (ts->server, ts->session_id), ==, seq + n_clients);
  server_json = sync_test_server_project (ts);
  for (guint i = 0; i < n_clients; i++)
    {
      g_autofree char *json = tandem_project_to_string (tandem_sync_client_get_project (clients[i]));

      g_assert_cmpstr (json, ==, server_json);
    }
}

SyncTestPeer *
sync_test_peer_new (SyncTestServer *ts,
                    const char     *dir)
{
  SyncTestPeer *p = g_new0 (SyncTestPeer, 1);
  g_autofree char *invite = sync_test_server_invite (ts, TANDEM_ROLE_EDITOR);
  g_autoptr(GError) error = NULL;

  p->dir = g_strdup (dir);
  p->store = tandem_sample_store_new (p->dir);
  p->client = sync_test_client_new ();
  p->transfers = tandem_sample_transfers_new (p->client, p->store);
  tandem_sample_transfers_set_backoff (p->transfers, 20, 200, 6);
  g_assert_true (tandem_sync_client_connect (p->client, invite, &error));
  g_assert_no_error (error);
  g_assert_true (sync_test_wait_live (p->client));
  return p;
}

void
sync_test_peer_free (SyncTestPeer *p)
{
  g_object_unref (p->transfers);
  tandem_sync_client_disconnect (p->client);
  g_object_unref (p->client);
  g_object_unref (p->store);
  g_free (p->dir);
  g_free (p);
}

void
sync_test_register_sample (TandemSyncClient *client,
                           const char       *hash,
                           guint64           bytes)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(TandemOp) op = NULL;
  g_autoptr(GError) error = NULL;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "id");
  json_builder_add_string_value (b, hash);
  json_builder_set_member_name (b, "bytes");
  json_builder_add_int_value (b, bytes);
  json_builder_end_object (b);
  op = tandem_op_new_insert (TANDEM_ENTITY_SAMPLE, -1, json_builder_get_root (b));
  g_assert_true (tandem_sync_client_submit (client, op, &error));
  g_assert_no_error (error);
}

typedef struct
{
  guint16     port;
  const char *method;
  const char *path;
  const char *bearer;
  const char *body;
  guint       status;
  char       *reply;
  GError     *error;
  int         done;
} HttpCall;

static gpointer
http_thread (gpointer data)
{
  HttpCall *call = data;
  GMainContext *ctx = g_main_context_new ();

  g_main_context_push_thread_default (ctx);
  {
    g_autoptr(SoupSession) session = soup_session_new ();
    g_autofree char *url = g_strdup_printf ("http://127.0.0.1:%u%s", call->port, call->path);
    g_autoptr(SoupMessage) msg = soup_message_new (call->method, url);
    g_autoptr(GBytes) reply = NULL;

    if (call->bearer != NULL)
      {
        g_autofree char *auth = g_strdup_printf ("Bearer %s", call->bearer);

        soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", auth);
      }
    if (call->body != NULL)
      {
        g_autoptr(GBytes) body = g_bytes_new (call->body, strlen (call->body));

        soup_message_set_request_body_from_bytes (msg, "application/json", body);
      }
    reply = soup_session_send_and_read (session, msg, NULL, &call->error);
    call->status = soup_message_get_status (msg);
    if (reply != NULL)
      call->reply = g_strndup (g_bytes_get_data (reply, NULL), g_bytes_get_size (reply));
  }
  g_main_context_pop_thread_default (ctx);
  g_main_context_unref (ctx);
  g_atomic_int_set (&call->done, 1);
  g_main_context_wakeup (NULL);
  return NULL;
}

static gboolean
http_done (gpointer data)
{
  return g_atomic_int_get (&((HttpCall *) data)->done);
}

guint
sync_test_http_call (guint16      port,
                     const char  *method,
                     const char  *path,
                     const char  *bearer,
                     const char  *body,
                     guint        timeout_ms,
                     char       **reply,
                     GError     **error)
{
  HttpCall call = { port, method, path, bearer, body, 0, NULL, NULL, 0 };
  GThread *thread = g_thread_new ("http", http_thread, &call);

  g_assert_true (sync_test_wait (http_done, &call, timeout_ms));
  g_thread_join (thread);
  *reply = call.reply;
  if (call.error != NULL)
    g_propagate_error (error, call.error);
  return call.status;
}

void
sync_test_connect_editors (SyncTestServer    *ts,
                           TandemSyncClient **clients,
                           guint              n_clients)
{
  for (guint i = 0; i < n_clients; i++)
    {
      g_autofree char *invite = sync_test_server_invite (ts, TANDEM_ROLE_EDITOR);

      clients[i] = sync_test_client_new ();
      g_assert_true (tandem_sync_client_connect (clients[i], invite, NULL));
      g_assert_true (sync_test_wait_live (clients[i]));
    }
}
