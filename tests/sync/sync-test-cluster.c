/* sync-test-cluster.c — real tandem-server nodes on a redis-server of the
 * test's own, editors spread over them, and what they were told
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-sync-test"

#include "config.h"

#include <hiredis/hiredis.h>
#include <signal.h>
#include <string.h>

#include "sync-test-cluster.h"

#define ADMIN "cluster-nodes-admin-token"

/* A free port below the kernel's ephemeral range. The nodes and Redis
 * restart on the ports they had, and while one is down no connect() (of
 * this test's clients or of another test) may take its port as a local
 * one, as it could a port that binding to port 0 gave. */
static guint16
restartable_port (void)
{
  g_autofree char *range = NULL;
  guint64 low = 0;

  if (g_file_get_contents ("/proc/sys/net/ipv4/ip_local_port_range", &range, NULL, NULL))
    low = g_ascii_strtoull (range, NULL, 10);
  if (low < 4096)
    return sync_test_free_port ();
  for (guint attempt = 0; attempt < 100; attempt++)
    {
      guint16 port = (guint16) g_random_int_range (low / 2, low);
      g_autoptr(GSocketListener) listener = g_socket_listener_new ();

      if (g_socket_listener_add_inet_port (listener, port, NULL, NULL))
        {
          g_socket_listener_close (listener);
          return port;
        }
    }
  g_assert_not_reached ();
}

static void
keep_result (GObject      *source,
             GAsyncResult *result,
             gpointer      data)
{
  *(GAsyncResult **) data = g_object_ref (result);
}

static gboolean
has_result (gpointer data)
{
  return *(GAsyncResult **) data != NULL;
}

void
sync_test_cluster_start_node (SyncTestCluster *c,
                              guint            i)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *port = g_strdup_printf ("%u", c->ports[i]);
  g_autofree char *cluster = sync_test_redis_url (&c->redis);
  g_autofree char *node_id = g_strdup_printf ("node-%u", i + 1);
  g_autoptr(GDataInputStream) out = NULL;
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  const char *argv[] = { c->server_path, "--bind", "127.0.0.1", "--admin-token", ADMIN,
                         "--snapshot-every", "100000", "--port", port,
                         "--data-dir", c->data_dirs[i], "--cluster", cluster,
                         "--node-id", node_id, NULL };
  g_autoptr(GAsyncResult) result = NULL;
  g_autofree char *line = NULL;

  g_assert_null (c->nodes[i]);
  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  for (guint k = 0; c->node_env && c->node_env[k]; k++)
    {
      g_auto(GStrv) pair = g_strsplit (c->node_env[k], "=", 2);

      g_subprocess_launcher_setenv (launcher, pair[0], pair[1] ? pair[1] : "", TRUE);
    }
  g_subprocess_launcher_set_child_setup (launcher, sync_test_die_with_parent, NULL, NULL);
  c->nodes[i] = g_subprocess_launcher_spawnv (launcher, argv, &error);
  g_assert_no_error (error);
  /* The clients go on meanwhile: read the line on the main context. */
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (c->nodes[i]));
  g_data_input_stream_read_line_async (out, G_PRIORITY_DEFAULT, NULL, keep_result, &result);
  g_assert_true (sync_test_wait (has_result, &result, 10000));
  line = g_data_input_stream_read_line_finish (out, result, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (line);
  g_assert_true (g_str_has_prefix (line, "tandem-server listening on port "));
}

void
sync_test_cluster_kill_node (SyncTestCluster *c,
                             guint            i)
{
  g_subprocess_send_signal (c->nodes[i], SIGKILL);
  g_assert_true (g_subprocess_wait (c->nodes[i], NULL, NULL));
  g_clear_object (&c->nodes[i]);
}

/* POST /sessions on node 0; returns the editor's invite link. */
static char *
create_session (SyncTestCluster *c)
{
  g_autoptr(TandemProject) demo = tandem_project_new_demo ();
  g_autoptr(JsonNode) project = tandem_project_to_json (demo);
  g_autofree char *project_text = json_to_string (project, FALSE);
  g_autofree char *request = g_strdup_printf ("{\"project\":%s}", project_text);
  g_autofree char *body = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonObject *reply;

  g_assert_cmpuint (sync_test_http_call (c->ports[0], "POST", "/sessions", ADMIN, request, 10000,
                                         &body, &error), ==, 201);
  g_assert_no_error (error);
  g_assert_true (json_parser_load_from_data (parser, body, -1, NULL));
  reply = json_node_get_object (json_parser_get_root (parser));
  c->session_id = g_strdup (json_object_get_string_member (reply, "id"));
  return g_strdup (json_object_get_string_member (json_object_get_object_member (reply, "invites"),
                                                  "editor"));
}

/* The link to node @i, with the next nodes (in a ring) as also=. */
static char *
link_to_node (SyncTestCluster *c,
              const char      *editor_link,
              guint            i)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TandemInvite) invite = tandem_invite_parse (editor_link, &error);

  g_assert_no_error (error);
  g_free (invite->host);
  invite->host = g_strdup ("127.0.0.1");
  invite->port = c->ports[i];
  g_strfreev (invite->also);
  invite->also = g_new0 (char *, SYNC_TEST_CLUSTER_NODES);
  for (guint k = 1; k < SYNC_TEST_CLUSTER_NODES; k++)
    invite->also[k - 1] = g_strdup_printf ("127.0.0.1:%u",
                                           c->ports[(i + k) % SYNC_TEST_CLUSTER_NODES]);
  return tandem_invite_to_link (invite);
}

static void
copy_dir (const char *from,
          const char *to)
{
  g_autoptr(GError) error = NULL;
  const char *argv[] = { "cp", "-a", from, to, NULL };
  int status;

  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL,
                               NULL, NULL, &status, &error));
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
}

gboolean
sync_test_cluster_start (SyncTestCluster   *c,
                         guint32            seed,
                         gboolean           copy_session,
                         const char *const *node_env)
{
  const char *build = g_getenv ("TANDEM_BUILD_DIR");
  g_autofree char *editor_link = NULL;
  g_autofree char *sessions0 = NULL;

  c->server_path = build ? g_build_filename (build, "src", "server", "tandem-server", NULL) : NULL;
  c->redis.port = restartable_port ();
  if (c->server_path == NULL || !g_file_test (c->server_path, G_FILE_TEST_IS_EXECUTABLE)
      || !sync_test_redis_start (&c->redis))
    {
      g_clear_pointer (&c->server_path, g_free);
      return FALSE;
    }
  c->node_env = g_strdupv ((char **) node_env);
  c->rand = g_rand_new_with_seed (seed);
  c->acks = g_ptr_array_new_with_free_func (sync_test_batch_free);
  for (guint i = 0; i < SYNC_TEST_CLUSTER_NODES; i++)
    {
      c->data_dirs[i] = sync_test_make_tmpdir ();
      c->ports[i] = restartable_port ();
    }
  sync_test_cluster_start_node (c, 0);
  editor_link = create_session (c);
  sessions0 = g_build_filename (c->data_dirs[0], "sessions", c->session_id, NULL);
  for (guint i = 1; i < SYNC_TEST_CLUSTER_NODES; i++)
    {
      g_autofree char *sessions = g_build_filename (c->data_dirs[i], "sessions", NULL);

      if (copy_session)
        {
          g_assert_cmpint (g_mkdir_with_parents (sessions, 0700), ==, 0);
          copy_dir (sessions0, sessions);
        }
      sync_test_cluster_start_node (c, i);
    }
  for (guint i = 0; i < SYNC_TEST_CLUSTER_NODES; i++)
    c->links[i] = link_to_node (c, editor_link, i);
  return TRUE;
}

void
sync_test_cluster_free (SyncTestCluster *c)
{
  g_clear_pointer (&c->rejected_codes, g_hash_table_unref);
  for (guint i = 0; i < SYNC_TEST_CLUSTER_CLIENTS; i++)
    if (c->peers[i].client)
      {
        g_signal_handlers_disconnect_by_data (c->peers[i].client, c);
        g_signal_handlers_disconnect_by_data (c->peers[i].client, &c->peers[i]);
        tandem_sync_client_disconnect (c->peers[i].client);
        g_clear_object (&c->peers[i].client);
      }
  for (guint i = 0; i < SYNC_TEST_CLUSTER_NODES; i++)
    {
      if (c->nodes[i])
        sync_test_cluster_kill_node (c, i);
      sync_test_rm_rf (c->data_dirs[i]);
      g_clear_pointer (&c->data_dirs[i], g_free);
      g_clear_pointer (&c->links[i], g_free);
    }
  sync_test_redis_free (&c->redis);
  g_clear_pointer (&c->session_id, g_free);
  g_clear_pointer (&c->server_path, g_free);
  g_clear_pointer (&c->node_env, g_strfreev);
  g_clear_pointer (&c->acks, g_ptr_array_unref);
  g_clear_pointer (&c->rand, g_rand_free);
}

/* Its own batch coming back is its acknowledgement, whichever node sends it. */
static void
on_batch (TandemSyncClient *client,
          guint64           seq,
          const char       *client_id,
          guint64           cseq,
          SyncTestCluster  *c)
{
  if (g_strcmp0 (client_id, tandem_sync_client_get_client_id (client)) == 0)
    g_ptr_array_add (c->acks, sync_test_batch_new (client_id, cseq, seq));
}

static void
on_rejected (TandemSyncClient *client,
             TandemOp         *op,
             const char       *code,
             const char       *message,
             SyncTestCluster  *c)
{
  c->n_rejected++;
  if (c->rejected_codes == NULL)
    c->rejected_codes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_hash_table_insert (c->rejected_codes, g_strdup (code),
                       GUINT_TO_POINTER (GPOINTER_TO_UINT (g_hash_table_lookup (c->rejected_codes, code)) + 1));
}

static void
on_state (TandemSyncClient    *client,
          GParamSpec          *pspec,
          SyncTestClusterPeer *peer)
{
  if (tandem_sync_client_get_state (client) != TANDEM_SYNC_STATE_LIVE)
    peer->n_lost++;
}

void
sync_test_cluster_connect_peers (SyncTestCluster *c)
{
  for (guint i = 0; i < SYNC_TEST_CLUSTER_CLIENTS; i++)
    {
      SyncTestClusterPeer *peer = &c->peers[i];

      peer->client = sync_test_client_new ();
      peer->home = i % SYNC_TEST_CLUSTER_NODES;
      g_signal_connect (peer->client, "batch-received", G_CALLBACK (on_batch), c);
      g_signal_connect (peer->client, "rejected", G_CALLBACK (on_rejected), c);
      g_assert_true (tandem_sync_client_connect (peer->client, c->links[peer->home], NULL));
    }
  for (guint i = 0; i < SYNC_TEST_CLUSTER_CLIENTS; i++)
    {
      g_assert_true (sync_test_wait_live (c->peers[i].client));
      g_signal_connect (c->peers[i].client, "notify::state", G_CALLBACK (on_state), &c->peers[i]);
    }
}

guint
sync_test_cluster_peer_node (SyncTestCluster     *c,
                             SyncTestClusterPeer *peer)
{
  g_autoptr(TandemInvite) invite = tandem_sync_client_dup_invite (peer->client);

  for (guint i = 0; i < SYNC_TEST_CLUSTER_NODES; i++)
    if (invite->port == c->ports[i])
      return i;
  g_assert_not_reached ();
}

guint
sync_test_cluster_edit (SyncTestCluster *c)
{
  guint n = 0;

  for (guint i = 0; i < SYNC_TEST_CLUSTER_CLIENTS; i++)
    {
      TandemSyncClient *client = c->peers[i].client;
      g_autoptr(TandemOp) op = NULL;

      if (tandem_sync_client_get_state (client) != TANDEM_SYNC_STATE_LIVE
          || tandem_sync_client_get_n_pending (client) > 1)
        continue;
      op = sync_test_random_op (tandem_sync_client_get_project (client), c->rand);
      if (op && tandem_sync_client_submit (client, op, NULL))
        n++;
    }
  return n;
}

gboolean
sync_test_cluster_caught_up (gpointer data)
{
  SyncTestCluster *c = data;

  for (guint i = 0; i < SYNC_TEST_CLUSTER_CLIENTS; i++)
    if (tandem_sync_client_get_state (c->peers[i].client) == TANDEM_SYNC_STATE_LIVE
        && tandem_sync_client_get_n_pending (c->peers[i].client) > 1)
      return FALSE;
  return TRUE;
}

static redisContext *
redis_connect (SyncTestCluster *c)
{
  redisContext *r = redisConnect ("127.0.0.1", c->redis.port);

  if (r && r->err)
    g_clear_pointer (&r, redisFree);
  return r;
}

guint64
sync_test_cluster_stream_seq (SyncTestCluster *c)
{
  redisContext *r = redis_connect (c);
  g_autofree char *key = g_strdup_printf ("tandem:{%s}:meta", c->session_id);
  redisReply *reply = r ? redisCommand (r, "HGET %s seq", key) : NULL;
  guint64 seq = 0;

  if (reply && reply->type == REDIS_REPLY_STRING)
    seq = g_ascii_strtoull (reply->str, NULL, 10);
  g_clear_pointer (&reply, freeReplyObject);
  g_clear_pointer (&r, redisFree);
  return seq;
}

gboolean
sync_test_cluster_quiet (gpointer data)
{
  SyncTestCluster *c = data;
  guint64 seq = sync_test_cluster_stream_seq (c);

  for (guint i = 0; i < SYNC_TEST_CLUSTER_CLIENTS; i++)
    if (tandem_sync_client_get_state (c->peers[i].client) != TANDEM_SYNC_STATE_LIVE
        || tandem_sync_client_get_n_pending (c->peers[i].client) != 0
        || tandem_sync_client_get_seq (c->peers[i].client) < seq)
      return FALSE;
  return TRUE;
}

/* The "r" field of a stream entry, parsed; NULL if it is not an object. */
static JsonObject *
entry_record (redisReply *entry)
{
  redisReply *fields = entry->element[1];
  g_autoptr(JsonParser) parser = json_parser_new ();

  for (size_t k = 0; k + 1 < fields->elements; k += 2)
    if (g_str_equal (fields->element[k]->str, "r")
        && json_parser_load_from_data (parser, fields->element[k + 1]->str, -1, NULL)
        && JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
      return json_object_ref (json_node_get_object (json_parser_get_root (parser)));
  return NULL;
}

GPtrArray *
sync_test_cluster_read_stream (SyncTestCluster *c)
{
  redisContext *r = redis_connect (c);
  g_autofree char *key = g_strdup_printf ("tandem:{%s}:log", c->session_id);
  GPtrArray *batches = g_ptr_array_new_with_free_func (sync_test_batch_free);
  redisReply *reply;

  g_assert_nonnull (r);
  reply = redisCommand (r, "XRANGE %s - +", key);
  g_assert_nonnull (reply);
  g_assert_cmpint (reply->type, ==, REDIS_REPLY_ARRAY);
  for (size_t i = 0; i < reply->elements; i++)
    {
      g_autoptr(JsonObject) record = entry_record (reply->element[i]);

      g_assert_nonnull (record);
      if (!json_object_has_member (record, "seq"))
        continue;   /* a claim or another note */
      g_ptr_array_add (batches,
                       sync_test_batch_new (json_object_get_string_member (record, "client"),
                                            json_object_get_int_member (record, "cseq"),
                                            json_object_get_int_member (record, "seq")));
    }
  freeReplyObject (reply);
  redisFree (r);
  return batches;
}

static gboolean
at_stream_seq (gpointer data)
{
  SyncTestCluster *c = ((gpointer *) data)[0];
  TandemSyncClient *client = ((gpointer *) data)[1];

  return tandem_sync_client_get_state (client) == TANDEM_SYNC_STATE_LIVE
         && tandem_sync_client_get_seq (client) >= sync_test_cluster_stream_seq (c);
}

static SyncTestReplica *
replica_of (TandemSyncClient *client,
            const char       *name)
{
  return sync_test_replica_new (name, tandem_sync_client_get_seq (client),
                                tandem_project_to_string (tandem_sync_client_get_project (client)));
}

GPtrArray *
sync_test_cluster_replicas (SyncTestCluster *c)
{
  GPtrArray *replicas = g_ptr_array_new_with_free_func (sync_test_replica_free);

  for (guint i = 0; i < SYNC_TEST_CLUSTER_CLIENTS; i++)
    {
      g_autofree char *name = g_strdup_printf ("client %u", i + 1);

      g_ptr_array_add (replicas, replica_of (c->peers[i].client, name));
    }
  for (guint n = 0; n < SYNC_TEST_CLUSTER_NODES; n++)
    {
      g_autoptr(TandemSyncClient) joiner = NULL;
      g_autofree char *name = g_strdup_printf ("a newcomer on node-%u", n + 1);

      if (c->nodes[n] == NULL)
        continue;
      joiner = sync_test_client_new ();
      g_assert_true (tandem_sync_client_connect (joiner, c->links[n], NULL));
      /* Not asserted: the checker says what is wrong with where it got. */
      sync_test_wait (at_stream_seq, (gpointer[]) { c, joiner }, 20000);
      g_ptr_array_add (replicas, replica_of (joiner, name));
      tandem_sync_client_disconnect (joiner);
    }
  return replicas;
}

GPtrArray *
sync_test_cluster_check_all (SyncTestCluster *c)
{
  g_autoptr(GPtrArray) stream = sync_test_cluster_read_stream (c);
  g_autoptr(GPtrArray) replicas = sync_test_cluster_replicas (c);
  GPtrArray *violations = sync_test_cluster_check (c->acks, stream, replicas);

  for (guint i = 0; i < MIN (violations->len, 20u); i++)
    g_test_message ("violation: %s", (char *) g_ptr_array_index (violations, i));
  if (violations->len > 20)
    g_test_message ("and %u more violations", violations->len - 20);
  return violations;
}
