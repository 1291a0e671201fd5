/* test-cluster.c — tandem-server nodes with their sessions' logs in Redis
 *
 * Each test starts its own redis-server on a free port, in its own
 * directory, with appendonly yes and appendfsync always (what
 * docs/cluster.md asks of a deployment); without redis-server it skips.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-sync-test"

#include "config.h"

#include <hiredis/hiredis.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>

#include "sync-test-redis.h"
#include "sync-test-utils.h"
#include "tandem-cluster.h"

typedef struct
{
  SyncTestRedis        redis;
  char                *data_dir;
  TandemCluster       *cluster;
  TandemSessionServer *server;
  guint16              port;
  char                *session_id;
  char                *tokens[TANDEM_N_ROLES];
  gboolean             skipped;
} Fixture;

static redisContext *
redis_connect (Fixture *f)
{
  return sync_test_redis_connect (&f->redis);
}

static void
redis_start (Fixture *f)
{
  g_assert_true (sync_test_redis_start (&f->redis));
}

static void
redis_kill (Fixture *f)
{
  sync_test_redis_kill (&f->redis);
}

static void
start_server (Fixture *f)
{
  g_autoptr(GError) error = NULL;

  f->server = tandem_session_server_new (f->data_dir, &error);
  g_assert_no_error (error);
  tandem_cluster_attach (f->cluster, f->server);
  tandem_session_server_listen (f->server, "127.0.0.1", 0, &error);
  g_assert_no_error (error);
  f->port = tandem_session_server_get_port (f->server);
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_find_program_in_path ("redis-server");
  g_autofree char *url = NULL;
  g_autoptr(TandemProject) demo = tandem_project_new_demo ();
  g_autoptr(JsonNode) project = NULL;

  if (path == NULL)
    {
      g_test_skip ("no redis-server");
      f->skipped = TRUE;
      return;
    }
  redis_start (f);
  url = sync_test_redis_url (&f->redis);
  f->cluster = tandem_cluster_new (url, "node-1", 0, &error);
  g_assert_no_error (error);
  g_assert_true (tandem_cluster_check (f->cluster, &error));
  g_assert_no_error (error);
  f->data_dir = sync_test_make_tmpdir ();
  start_server (f);
  project = tandem_project_to_json (demo);
  f->session_id = tandem_session_server_create_session (f->server, project, f->tokens, &error);
  g_assert_no_error (error);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  if (f->skipped)
    return;
  sync_test_server_shutdown (f->server);
  g_clear_object (&f->server);
  g_clear_pointer (&f->cluster, tandem_cluster_free);
  sync_test_redis_free (&f->redis);
  sync_test_rm_rf (f->data_dir);
  g_free (f->data_dir);
  g_free (f->session_id);
  for (guint r = 0; r < TANDEM_N_ROLES; r++)
    g_free (f->tokens[r]);
}

static SoupWebsocketConnection *
join (Fixture    *f,
      const char *client_id)
{
  SoupWebsocketConnection *conn = sync_test_raw_connect (f->port, f->session_id,
                                                         TANDEM_PROTOCOL_SUBPROTOCOL);
  g_autoptr(JsonObject) welcome = NULL;

  g_assert_nonnull (conn);
  welcome = sync_test_raw_join (conn, f->session_id, f->tokens[TANDEM_ROLE_EDITOR], client_id);
  g_assert_nonnull (welcome);
  return conn;
}

/* Sets the velocity of step @step of the first track. */
static void
submit (Fixture                 *f,
        SoupWebsocketConnection *conn,
        guint                    cseq,
        guint                    step)
{
  g_autofree char *json = tandem_session_server_dup_project_string (f->server, f->session_id);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(TandemProject) project = NULL;
  g_autoptr(TandemTrack) track = NULL;
  g_autoptr(TandemOp) op = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *op_text = NULL;
  g_autofree char *text = NULL;

  g_assert_true (json_parser_load_from_data (parser, json, -1, NULL));
  project = tandem_project_new_from_json (json_parser_get_root (parser), NULL);
  track = g_list_model_get_item (tandem_project_get_tracks (project), 0);
  op = tandem_op_new_set_cell (tandem_project_get_current_pattern (project),
                               tandem_track_get_id (track), step % 16, "velocity", 10 + cseq % 100);
  node = tandem_op_to_json (op);
  op_text = json_to_string (node, FALSE);
  text = g_strdup_printf ("{\"type\":\"submit\",\"cseq\":%u,\"ops\":[%s]}", cseq, op_text);
  soup_websocket_connection_send_text (conn, text);
}

static void
expect_batch (SoupWebsocketConnection *conn,
              gint64                   seq)
{
  g_autoptr(JsonObject) msg = sync_test_raw_expect (conn, "batch", 10000);

  g_assert_nonnull (msg);
  g_assert_cmpint (json_object_get_int_member (msg, "seq"), ==, seq);
}

/* Batches up to @seq, in order, whatever came before. */
static void
expect_batches_up_to (SoupWebsocketConnection *conn,
                      gint64                   seq)
{
  gint64 last = 0;

  while (last < seq)
    {
      g_autoptr(JsonObject) msg = sync_test_raw_expect (conn, "batch", 10000);

      g_assert_nonnull (msg);
      g_assert_cmpint (json_object_get_int_member (msg, "seq"), >, last);
      last = json_object_get_int_member (msg, "seq");
    }
  g_assert_cmpint (last, ==, seq);
}

/* The batches in the session's stream, as "client/cseq" by seq, checking
 * that seqs run 1, 2, 3… with no gap and no repeat. */
static GPtrArray *
stream_batches (Fixture *f)
{
  redisContext *c = redis_connect (f);
  g_autofree char *key = g_strdup_printf ("tandem:{%s}:log", f->session_id);
  redisReply *reply;
  GPtrArray *batches = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  g_assert_nonnull (c);
  reply = redisCommand (c, "XRANGE %s - +", key);
  g_assert_nonnull (reply);
  g_assert_cmpint (reply->type, ==, REDIS_REPLY_ARRAY);
  for (size_t i = 0; i < reply->elements; i++)
    {
      redisReply *fields = reply->element[i]->element[1];
      const char *record = NULL;
      g_autoptr(JsonParser) parser = json_parser_new ();
      JsonObject *obj;
      char *name;

      for (size_t k = 0; k + 1 < fields->elements; k += 2)
        if (g_str_equal (fields->element[k]->str, "r"))
          record = fields->element[k + 1]->str;
      g_assert_nonnull (record);
      g_assert_true (json_parser_load_from_data (parser, record, -1, NULL));
      obj = json_node_get_object (json_parser_get_root (parser));
      if (!json_object_has_member (obj, "seq"))
        continue;   /* a claim or another note */
      g_assert_cmpint (json_object_get_int_member (obj, "seq"), ==, batches->len + 1);
      name = g_strdup_printf ("%s/%" G_GINT64_FORMAT, json_object_get_string_member (obj, "client"),
                              json_object_get_int_member (obj, "cseq"));
      g_assert_false (g_hash_table_contains (seen, name));
      g_hash_table_add (seen, g_strdup (name));
      g_ptr_array_add (batches, name);
    }
  freeReplyObject (reply);
  redisFree (c);
  return batches;
}

/* Every acknowledged batch is in Redis once, in seq order, before anyone
 * sees it. */
static void
test_batches_in_stream (Fixture *f, gconstpointer data)
{
  g_autoptr(SoupWebsocketConnection) a = NULL;
  g_autoptr(SoupWebsocketConnection) b = NULL;
  g_autoptr(GPtrArray) batches = NULL;

  if (f->skipped)
    return;
  a = join (f, "alice");
  b = join (f, "bob");
  for (guint i = 1; i <= 6; i++)
    {
      submit (f, i % 2 ? a : b, (i + 1) / 2, i);
      expect_batch (a, i);
      expect_batch (b, i);
    }
  batches = stream_batches (f);
  g_assert_cmpuint (batches->len, ==, 6);
  g_assert_cmpstr (batches->pdata[0], ==, "alice/1");
  g_assert_cmpstr (batches->pdata[1], ==, "bob/1");
  g_assert_cmpstr (batches->pdata[5], ==, "bob/3");
}

/* Redis gone: edits are refused with the storage code and the connection
 * stays; once it is back (from its append-only file) they go through. */
static void
test_redis_down_refuses_and_recovers (Fixture *f, gconstpointer data)
{
  g_autoptr(SoupWebsocketConnection) editor = NULL;
  g_autoptr(JsonObject) reject = NULL;
  g_autoptr(GPtrArray) batches = NULL;

  if (f->skipped)
    return;
  editor = join (f, "editor");
  submit (f, editor, 1, 1);
  expect_batch (editor, 1);

  redis_kill (f);
  submit (f, editor, 2, 2);
  reject = sync_test_raw_expect_reject_msg (editor, 2, TANDEM_CODE_STORAGE);
  g_assert_nonnull (reject);
  g_assert_nonnull (strstr (json_object_get_string_member_with_default (reject, "message", ""),
                            "storage unavailable"));
  g_assert_cmpuint (tandem_session_server_get_seq (f->server, f->session_id), ==, 1);
  g_assert_cmpint (soup_websocket_connection_get_state (editor), ==, SOUP_WEBSOCKET_STATE_OPEN);

  redis_start (f);
  submit (f, editor, 2, 2);
  expect_batch (editor, 2);
  batches = stream_batches (f);
  g_assert_cmpuint (batches->len, ==, 2);
  g_assert_cmpstr (batches->pdata[1], ==, "editor/2");
}

/* A second node on the same Redis, with a data dir of its own: it loads
 * the session from Redis when a client asks for it. */
typedef struct
{
  char                *data_dir;
  TandemCluster       *cluster;
  TandemSessionServer *server;
  guint16              port;
} Node;

static Node *
node_new (Fixture    *f,
          const char *node_id)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *url = sync_test_redis_url (&f->redis);
  Node *node = g_new0 (Node, 1);

  node->data_dir = sync_test_make_tmpdir ();
  node->cluster = tandem_cluster_new (url, node_id, 0, &error);
  g_assert_no_error (error);
  node->server = tandem_session_server_new (node->data_dir, &error);
  g_assert_no_error (error);
  tandem_cluster_attach (node->cluster, node->server);
  tandem_session_server_listen (node->server, "127.0.0.1", 0, &error);
  g_assert_no_error (error);
  node->port = tandem_session_server_get_port (node->server);
  return node;
}

static void
node_free (Node *node)
{
  sync_test_server_shutdown (node->server);
  g_clear_object (&node->server);
  tandem_cluster_free (node->cluster);
  sync_test_rm_rf (node->data_dir);
  g_free (node->data_dir);
  g_free (node);
}

static SoupWebsocketConnection *
join_port (Fixture    *f,
           guint16     port,
           const char *client_id)
{
  SoupWebsocketConnection *conn = sync_test_raw_connect (port, f->session_id,
                                                         TANDEM_PROTOCOL_SUBPROTOCOL);
  g_autoptr(JsonObject) welcome = NULL;

  g_assert_nonnull (conn);
  welcome = sync_test_raw_join (conn, f->session_id, f->tokens[TANDEM_ROLE_EDITOR], client_id);
  g_assert_nonnull (welcome);
  return conn;
}

static void
send_op (SoupWebsocketConnection *conn,
         guint                    cseq,
         TandemOp                *op)
{
  g_autoptr(JsonNode) node = tandem_op_to_json (op);
  g_autofree char *op_text = json_to_string (node, FALSE);
  g_autofree char *text = g_strdup_printf ("{\"type\":\"submit\",\"cseq\":%u,\"ops\":[%s]}",
                                           cseq, op_text);

  soup_websocket_connection_send_text (conn, text);
}

/* A round trip: everything sent on @conn before it has been handled. */
static void
round_trip (SoupWebsocketConnection *conn)
{
  g_autofree char *ping = tandem_message_ping (tandem_protocol_now_us (), 0);
  g_autoptr(JsonObject) pong = NULL;

  soup_websocket_connection_send_text (conn, ping);
  pong = sync_test_raw_expect (conn, "pong", 10000);
  g_assert_nonnull (pong);
}

static TandemProject *
server_project (TandemSessionServer *server,
                const char          *session_id)
{
  g_autofree char *json = tandem_session_server_dup_project_string (server, session_id);
  g_autoptr(JsonParser) parser = json_parser_new ();

  g_assert_true (json_parser_load_from_data (parser, json, -1, NULL));
  return tandem_project_new_from_json (json_parser_get_root (parser), NULL);
}

static const char *
nth_track_id (TandemProject *project,
              guint          n)
{
  g_autoptr(TandemTrack) track = g_list_model_get_item (tandem_project_get_tracks (project), n);

  /* The project holds it. */
  return tandem_track_get_id (track);
}

typedef struct
{
  TandemSessionServer *server;
  const char          *session_id;
  guint64              seq;
} AtSeq;

static gboolean
server_at_seq (gpointer data)
{
  AtSeq *at = data;

  return tandem_session_server_get_seq (at->server, at->session_id) == at->seq;
}

/* Bob's edit, accepted by node 2 against what it knew, meets Alice's
 * deletion of its track on node 1, which reached the stream first: node 2
 * catches up, validates the edit again and refuses it, as one node would
 * refuse an edit of a track deleted before it. */
static void
test_stale_batch_validated_again (Fixture *f, gconstpointer data)
{
  g_autoptr(SoupWebsocketConnection) alice = NULL;
  g_autoptr(SoupWebsocketConnection) bob = NULL;
  g_autoptr(TandemProject) project = NULL;
  g_autoptr(TandemOp) set = NULL;
  g_autoptr(TandemOp) del = NULL;
  g_autoptr(TandemOp) set2 = NULL;
  g_autoptr(GPtrArray) batches = NULL;
  g_autofree char *one = NULL;
  g_autofree char *two = NULL;
  AtSeq at;
  Node *node2;

  if (f->skipped)
    return;
  node2 = node_new (f, "node-2");
  alice = join (f, "alice");
  bob = join_port (f, node2->port, "bob");
  project = server_project (f->server, f->session_id);
  set = tandem_op_new_set_cell (tandem_project_get_current_pattern (project),
                                nth_track_id (project, 0), 3, "velocity", 42);
  del = tandem_op_new_delete (TANDEM_ENTITY_TRACK, nth_track_id (project, 0));
  set2 = tandem_op_new_set_cell (tandem_project_get_current_pattern (project),
                                 nth_track_id (project, 1), 3, "velocity", 43);

  /* Node 2 validates Bob's edit now and appends it only later. */
  tandem_session_server_set_flush_delay_for_tests (node2->server, f->session_id, 300);
  send_op (bob, 1, set);
  round_trip (bob);
  send_op (alice, 1, del);
  expect_batch (alice, 1);

  expect_batch (bob, 1);
  sync_test_raw_expect_reject (bob, 1, TANDEM_CODE_INVALID_OP);
  batches = stream_batches (f);
  g_assert_cmpuint (batches->len, ==, 1);
  g_assert_cmpstr (batches->pdata[0], ==, "alice/1");

  /* Its next edit, valid, goes through and reaches node 1. */
  tandem_session_server_set_flush_delay_for_tests (node2->server, f->session_id, 0);
  send_op (bob, 2, set2);
  expect_batch (bob, 2);
  expect_batch (alice, 2);
  at = (AtSeq) { node2->server, f->session_id, 2 };
  g_assert_true (sync_test_wait (server_at_seq, &at, 10000));
  one = tandem_session_server_dup_project_string (f->server, f->session_id);
  two = tandem_session_server_dup_project_string (node2->server, f->session_id);
  g_assert_cmpstr (one, ==, two);

  g_clear_object (&bob);
  node_free (node2);
}

/* A client whose edit node 1 appended (node 1 then lost, say) sends it
 * again to node 2 before node 2 has read it from the stream: the edit is
 * in the stream once, and both nodes end with the same project. */
static void
test_resent_batch_on_another_node (Fixture *f, gconstpointer data)
{
  g_autoptr(SoupWebsocketConnection) first = NULL;
  g_autoptr(SoupWebsocketConnection) again = NULL;
  g_autoptr(SoupWebsocketConnection) watcher = NULL;
  g_autoptr(TandemProject) project = NULL;
  g_autoptr(TandemOp) set = NULL;
  g_autoptr(TandemOp) set2 = NULL;
  g_autoptr(GPtrArray) batches = NULL;
  g_autofree char *one = NULL;
  g_autofree char *two = NULL;
  AtSeq at;
  Node *node2;

  if (f->skipped)
    return;
  node2 = node_new (f, "node-2");
  project = server_project (f->server, f->session_id);
  set = tandem_op_new_set_cell (tandem_project_get_current_pattern (project),
                                nth_track_id (project, 0), 5, "velocity", 77);
  set2 = tandem_op_new_set_cell (tandem_project_get_current_pattern (project),
                                 nth_track_id (project, 0), 6, "velocity", 78);
  /* A node follows the stream while it has clients. */
  watcher = join (f, "watcher");
  first = join (f, "xavier");
  send_op (first, 1, set);
  expect_batch (first, 1);
  soup_websocket_connection_close (first, SOUP_WEBSOCKET_CLOSE_NORMAL, NULL);
  g_assert_true (sync_test_raw_wait_closed (first, 5000));

  /* Right after the welcome, before node 2's tail can have read seq 1. */
  again = join_port (f, node2->port, "xavier");
  send_op (again, 1, set);
  send_op (again, 2, set2);
  expect_batches_up_to (again, 2);

  batches = stream_batches (f);
  g_assert_cmpuint (batches->len, ==, 2);
  g_assert_cmpstr (batches->pdata[0], ==, "xavier/1");
  g_assert_cmpstr (batches->pdata[1], ==, "xavier/2");
  at = (AtSeq) { f->server, f->session_id, 2 };
  g_assert_true (sync_test_wait (server_at_seq, &at, 10000));
  at = (AtSeq) { node2->server, f->session_id, 2 };
  g_assert_true (sync_test_wait (server_at_seq, &at, 10000));
  one = tandem_session_server_dup_project_string (f->server, f->session_id);
  two = tandem_session_server_dup_project_string (node2->server, f->session_id);
  g_assert_cmpstr (one, ==, two);

  expect_batches_up_to (watcher, 2);
  g_clear_object (&again);
  node_free (node2);
}

/* The seq of the oldest batch left in the stream. */
static guint64
first_stream_seq (Fixture *f)
{
  redisContext *c = redis_connect (f);
  g_autofree char *key = g_strdup_printf ("tandem:{%s}:log", f->session_id);
  redisReply *reply = redisCommand (c, "XRANGE %s - +", key);
  guint64 seq = 0;

  g_assert_nonnull (reply);
  for (size_t i = 0; i < reply->elements && seq == 0; i++)
    {
      redisReply *fields = reply->element[i]->element[1];

      for (size_t k = 0; k + 1 < fields->elements; k += 2)
        if (g_str_equal (fields->element[k]->str, "s"))
          seq = g_ascii_strtoull (fields->element[k + 1]->str, NULL, 10);
    }
  freeReplyObject (reply);
  redisFree (c);
  return seq;
}

/* Node 2 had no clients while node 1 compacted twice (and trimmed the
 * stream past node 2's seq): when a client comes, node 2 starts again from
 * the snapshot stored in Redis before it welcomes the client. */
static void
test_node_behind_trimmed_stream (Fixture *f, gconstpointer data)
{
  TandemServerLimits limits = *tandem_session_server_get_limits (f->server);
  g_autoptr(SoupWebsocketConnection) alice = NULL;
  g_autoptr(SoupWebsocketConnection) bob = NULL;
  g_autoptr(JsonObject) welcome = NULL;
  g_autofree char *one = NULL;
  g_autofree char *two = NULL;
  Node *node2;

  if (f->skipped)
    return;
  limits.snapshot_every = 4;
  tandem_session_server_set_limits (f->server, &limits);
  node2 = node_new (f, "node-2");
  bob = join_port (f, node2->port, "bob");
  soup_websocket_connection_close (bob, SOUP_WEBSOCKET_CLOSE_NORMAL, NULL);
  g_assert_true (sync_test_raw_wait_closed (bob, 5000));
  g_clear_object (&bob);

  alice = join (f, "alice");
  for (guint i = 1; i <= 14; i++)
    {
      submit (f, alice, i, i);
      expect_batch (alice, i);
    }
  g_assert_cmpuint (first_stream_seq (f), >, 1);   /* trimmed */

  /* Node 2 was not following (nobody there): it catches up, from the
   * snapshot in Redis, before it welcomes Bob, who gets the session as
   * it is at once. */
  bob = sync_test_raw_connect (node2->port, f->session_id, TANDEM_PROTOCOL_SUBPROTOCOL);
  welcome = sync_test_raw_join (bob, f->session_id, f->tokens[TANDEM_ROLE_EDITOR], "bob");
  g_assert_nonnull (welcome);
  g_assert_cmpint (json_object_get_int_member (welcome, "head"), ==, 14);
  one = tandem_session_server_dup_project_string (f->server, f->session_id);
  two = tandem_session_server_dup_project_string (node2->server, f->session_id);
  g_assert_cmpstr (one, ==, two);

  /* And it follows from there. */
  submit (f, alice, 15, 15);
  expect_batch (bob, 15);

  g_clear_object (&bob);
  node_free (node2);
}

/* A client id bound to a secret on node 1 cannot be taken with another
 * secret on node 2, even before node 2 has read node 1's claim: the first
 * claim in the stream holds. */
static void
test_client_id_claimed_on_another_node (Fixture *f, gconstpointer data)
{
  g_autoptr(SoupWebsocketConnection) owner = NULL;
  g_autoptr(SoupWebsocketConnection) thief = NULL;
  g_autoptr(SoupWebsocketConnection) back = NULL;
  g_autoptr(JsonObject) welcome = NULL;
  g_autofree char *hello = NULL;
  g_autofree char *other_secret = sync_test_client_secret ("someone-else");
  Node *node2;

  if (f->skipped)
    return;
  node2 = node_new (f, "node-2");
  owner = join (f, "mallory");
  submit (f, owner, 1, 1);
  expect_batch (owner, 1);

  /* Node 2 has no client in the session: it does not follow it yet. */
  thief = sync_test_raw_connect (node2->port, f->session_id, TANDEM_PROTOCOL_SUBPROTOCOL);
  hello = g_strdup_printf ("{\"type\":\"hello\",\"version\":1,\"session\":\"%s\","
                           "\"token\":\"%s\",\"client\":\"mallory\","
                           "\"secret\":\"%s\",\"name\":\"thief\"}",
                           f->session_id, f->tokens[TANDEM_ROLE_EDITOR], other_secret);
  soup_websocket_connection_send_text (thief, hello);
  sync_test_raw_expect_closed (thief, TANDEM_CLOSE_WRONG_SECRET);

  /* The owner, with its own secret, is welcome there. */
  back = join_port (f, node2->port, "mallory");
  submit (f, back, 2, 2);
  expect_batches_up_to (back, 2);
  expect_batch (owner, 2);

  g_clear_object (&back);
  node_free (node2);
}

/* Invite links made by the HTTP API list the other nodes as also=. */
static void
test_invites_list_other_nodes (Fixture *f, gconstpointer data)
{
  const char *also[] = { "n2.example:8422", "[::1]:8423", NULL };
  g_autoptr(GError) error = NULL;
  g_autofree char *reply = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(TandemInvite) invite = NULL;
  JsonObject *invites;

  if (f->skipped)
    return;
  tandem_session_server_set_admin_token (f->server, "admin-secret");
  tandem_session_server_set_invite_also (f->server, also);
  g_assert_cmpuint (sync_test_http_call (f->port, "POST", "/sessions", "admin-secret", NULL, 10000,
                                         &reply, &error), ==, 201);
  g_assert_no_error (error);
  g_assert_true (json_parser_load_from_data (parser, reply, -1, NULL));
  invites = json_object_get_object_member (json_node_get_object (json_parser_get_root (parser)), "invites");
  invite = tandem_invite_parse (json_object_get_string_member (invites, "editor"), &error);
  g_assert_no_error (error);
  g_assert_true (g_strv_equal ((const char * const *) invite->also, also));
}

int
main (int    argc,
      char **argv)
{
  sync_test_init (&argc, &argv);
#define ADD(path, fn) g_test_add ("/sync/cluster/" path, Fixture, NULL, fixture_setup, fn, fixture_teardown)
  ADD ("batches-in-stream", test_batches_in_stream);
  ADD ("redis-down-refuses-and-recovers", test_redis_down_refuses_and_recovers);
  ADD ("invites-list-other-nodes", test_invites_list_other_nodes);
  ADD ("stale-batch-validated-again", test_stale_batch_validated_again);
  ADD ("resent-batch-on-another-node", test_resent_batch_on_another_node);
  ADD ("node-behind-trimmed-stream", test_node_behind_trimmed_stream);
  ADD ("client-id-claimed-on-another-node", test_client_id_claimed_on_another_node);
#undef ADD
  return g_test_run ();
}
