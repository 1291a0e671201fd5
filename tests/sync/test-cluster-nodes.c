/* test-cluster-nodes.c — three tandem-server nodes on one Redis serving one
 * session together, one of them killed with SIGKILL mid-stream
 *
 * Each test starts its own redis-server (appendonly, appendfsync always)
 * and three real tandem-server processes with --cluster; the session is
 * created on the first and its folder copied to the others before they
 * start, or (LOAD_FROM_REDIS) the others load it from Redis when its
 * clients come. Without redis-server or the built tandem-server it skips.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-sync-test"

#include "config.h"

#include <hiredis/hiredis.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>

#include "sync-test-utils.h"

#define N_NODES   3
#define N_CLIENTS 12
#define N_ROUNDS  40
#define ADMIN     "cluster-nodes-admin-token"
/* Fixture data: the other nodes are not given the session's folder. */
#define LOAD_FROM_REDIS GINT_TO_POINTER (1)

typedef struct
{
  TandemSyncClient *client;
  GHashTable       *acked;    /* cseq → TRUE */
  guint             node;     /* where it connected first */
  guint             n_lost;   /* times it stopped being live */
} Peer;

typedef struct
{
  char        *server_path;
  char        *redis_dir;
  guint16      redis_port;
  GPid         redis_pid;
  char        *data_dirs[N_NODES];
  guint16      ports[N_NODES];
  GSubprocess *nodes[N_NODES];
  char        *session_id;
  char        *links[N_NODES];  /* an editor's link to each node, the others as also= */
  Peer         peers[N_CLIENTS];
  GRand       *rand;
  gboolean     skipped;
} Fixture;

static guint16
free_port (void)
{
  g_autoptr(GSocketListener) listener = g_socket_listener_new ();
  g_autoptr(GError) error = NULL;
  guint16 port = g_socket_listener_add_any_inet_port (listener, NULL, &error);

  g_assert_no_error (error);
  g_socket_listener_close (listener);
  return port;
}

static redisContext *
redis_connect (Fixture *f)
{
  redisContext *c = redisConnect ("127.0.0.1", f->redis_port);

  if (c && c->err)
    g_clear_pointer (&c, redisFree);
  return c;
}

static gboolean
redis_answers (gpointer data)
{
  redisContext *c = redis_connect (data);
  redisReply *reply = c ? redisCommand (c, "PING") : NULL;
  gboolean ok = reply && reply->type == REDIS_REPLY_STATUS;

  g_clear_pointer (&reply, freeReplyObject);
  g_clear_pointer (&c, redisFree);
  return ok;
}

/* A test that fails must not leave its servers behind. */
static void
die_with_parent (gpointer data)
{
  prctl (PR_SET_PDEATHSIG, SIGKILL);
}

static void
redis_start (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *port = g_strdup_printf ("%u", f->redis_port);
  const char *argv[] = { "redis-server", "--port", port, "--bind", "127.0.0.1",
                         "--dir", f->redis_dir, "--appendonly", "yes",
                         "--appendfsync", "always", "--save", "", NULL };

  g_assert_true (g_spawn_async (NULL, (char **) argv, NULL,
                                G_SPAWN_SEARCH_PATH | G_SPAWN_DO_NOT_REAP_CHILD
                                | G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL,
                                die_with_parent, NULL, &f->redis_pid, &error));
  g_assert_no_error (error);
  /* Nothing on our main context wakes when it starts listening: poll. */
  for (guint i = 0; !redis_answers (f); i++)
    {
      g_assert_cmpuint (i, <, 500);
      sync_test_spin (20);
    }
}

static void
node_start (Fixture *f,
            guint    i)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *port = g_strdup_printf ("%u", f->ports[i]);
  g_autofree char *cluster = g_strdup_printf ("redis://127.0.0.1:%u", f->redis_port);
  g_autofree char *node_id = g_strdup_printf ("node-%u", i + 1);
  g_autoptr(GDataInputStream) out = NULL;
  g_autofree char *line = NULL;
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);

  g_ptr_array_add (argv, g_strdup (f->server_path));
  for (const char **a = (const char *[]) { "--bind", "127.0.0.1", "--admin-token", ADMIN,
                                           "--snapshot-every", "100000", NULL }; *a; a++)
    g_ptr_array_add (argv, g_strdup (*a));
  g_ptr_array_add (argv, g_strdup ("--port"));
  g_ptr_array_add (argv, g_strdup (port));
  g_ptr_array_add (argv, g_strdup ("--data-dir"));
  g_ptr_array_add (argv, g_strdup (f->data_dirs[i]));
  g_ptr_array_add (argv, g_strdup ("--cluster"));
  g_ptr_array_add (argv, g_strdup (cluster));
  g_ptr_array_add (argv, g_strdup ("--node-id"));
  g_ptr_array_add (argv, g_strdup (node_id));
  g_ptr_array_add (argv, NULL);

  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  f->nodes[i] = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (f->nodes[i]));
  line = g_data_input_stream_read_line (out, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (line);
  g_assert_true (g_str_has_prefix (line, "tandem-server listening on port "));
}

static void
node_kill (Fixture *f,
           guint    i)
{
  g_subprocess_send_signal (f->nodes[i], SIGKILL);
  g_assert_true (g_subprocess_wait (f->nodes[i], NULL, NULL));
  g_clear_object (&f->nodes[i]);
}

/* POST /sessions on node 0; returns the editor's invite link. */
static char *
create_session (Fixture *f)
{
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autofree char *url = g_strdup_printf ("http://127.0.0.1:%u/sessions", f->ports[0]);
  g_autoptr(SoupMessage) msg = soup_message_new ("POST", url);
  g_autoptr(GBytes) body = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(TandemProject) demo = tandem_project_new_demo ();
  g_autoptr(JsonNode) project = tandem_project_to_json (demo);
  g_autofree char *project_text = json_to_string (project, FALSE);
  g_autofree char *request = g_strdup_printf ("{\"project\":%s}", project_text);
  g_autoptr(GBytes) request_bytes = g_bytes_new (request, strlen (request));
  g_autoptr(GError) error = NULL;
  JsonObject *reply;

  soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization",
                                "Bearer " ADMIN);
  soup_message_set_request_body_from_bytes (msg, "application/json", request_bytes);
  body = soup_session_send_and_read (session, msg, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (soup_message_get_status (msg), ==, 201);
  g_assert_true (json_parser_load_from_data (parser, g_bytes_get_data (body, NULL),
                                             g_bytes_get_size (body), NULL));
  reply = json_node_get_object (json_parser_get_root (parser));
  f->session_id = g_strdup (json_object_get_string_member (reply, "id"));
  return g_strdup (json_object_get_string_member (json_object_get_object_member (reply, "invites"),
                                                  "editor"));
}

/* The link to node @i, with the next nodes (in a ring) as also=. */
static char *
link_to_node (Fixture    *f,
              const char *editor_link,
              guint       i)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TandemInvite) invite = tandem_invite_parse (editor_link, &error);

  g_assert_no_error (error);
  g_free (invite->host);
  invite->host = g_strdup ("127.0.0.1");
  invite->port = f->ports[i];
  g_strfreev (invite->also);
  invite->also = g_new0 (char *, N_NODES);
  for (guint k = 1; k < N_NODES; k++)
    invite->also[k - 1] = g_strdup_printf ("127.0.0.1:%u", f->ports[(i + k) % N_NODES]);
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

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autofree char *redis = g_find_program_in_path ("redis-server");
  const char *build = g_getenv ("TANDEM_BUILD_DIR");
  g_autofree char *editor_link = NULL;
  g_autofree char *sessions0 = NULL;

  f->server_path = build ? g_build_filename (build, "src", "server", "tandem-server", NULL) : NULL;
  if (redis == NULL || f->server_path == NULL || !g_file_test (f->server_path, G_FILE_TEST_IS_EXECUTABLE))
    {
      g_test_skip (redis ? "tandem-server not found (set TANDEM_BUILD_DIR)" : "no redis-server");
      f->skipped = TRUE;
      return;
    }
  f->rand = g_rand_new_with_seed (g_test_rand_int ());
  f->redis_dir = sync_test_make_tmpdir ();
  f->redis_port = free_port ();
  redis_start (f);
  for (guint i = 0; i < N_NODES; i++)
    {
      f->data_dirs[i] = sync_test_make_tmpdir ();
      f->ports[i] = free_port ();
    }
  node_start (f, 0);
  editor_link = create_session (f);
  sessions0 = g_build_filename (f->data_dirs[0], "sessions", f->session_id, NULL);
  for (guint i = 1; i < N_NODES; i++)
    {
      g_autofree char *sessions = g_build_filename (f->data_dirs[i], "sessions", NULL);

      if (data != LOAD_FROM_REDIS)
        {
          g_assert_cmpint (g_mkdir_with_parents (sessions, 0700), ==, 0);
          copy_dir (sessions0, sessions);
        }
      node_start (f, i);
    }
  for (guint i = 0; i < N_NODES; i++)
    f->links[i] = link_to_node (f, editor_link, i);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  int status;

  if (f->skipped)
    {
      g_free (f->server_path);
      return;
    }
  for (guint i = 0; i < N_CLIENTS; i++)
    if (f->peers[i].client)
      {
        tandem_sync_client_disconnect (f->peers[i].client);
        g_object_unref (f->peers[i].client);
        g_hash_table_unref (f->peers[i].acked);
      }
  for (guint i = 0; i < N_NODES; i++)
    {
      if (f->nodes[i])
        node_kill (f, i);
      sync_test_rm_rf (f->data_dirs[i]);
      g_free (f->data_dirs[i]);
      g_free (f->links[i]);
    }
  kill (f->redis_pid, SIGKILL);
  waitpid (f->redis_pid, &status, 0);
  g_spawn_close_pid (f->redis_pid);
  sync_test_rm_rf (f->redis_dir);
  g_free (f->redis_dir);
  g_free (f->session_id);
  g_free (f->server_path);
  g_rand_free (f->rand);
}

static void
on_batch (TandemSyncClient *client,
          guint64           seq,
          const char       *client_id,
          guint64           cseq,
          Peer             *peer)
{
  if (g_strcmp0 (client_id, tandem_sync_client_get_client_id (client)) == 0)
    g_hash_table_add (peer->acked, GUINT_TO_POINTER ((guint) cseq));
}

static void
on_state (TandemSyncClient *client,
          GParamSpec       *pspec,
          Peer             *peer)
{
  if (tandem_sync_client_get_state (client) != TANDEM_SYNC_STATE_LIVE)
    peer->n_lost++;
}

/* Twelve editors, four on each node. */
static void
connect_peers (Fixture *f)
{
  for (guint i = 0; i < N_CLIENTS; i++)
    {
      Peer *peer = &f->peers[i];

      peer->client = sync_test_client_new ();
      peer->acked = g_hash_table_new (NULL, NULL);
      peer->node = i % N_NODES;
      g_signal_connect (peer->client, "batch-received", G_CALLBACK (on_batch), peer);
      g_assert_true (tandem_sync_client_connect (peer->client, f->links[peer->node], NULL));
    }
  for (guint i = 0; i < N_CLIENTS; i++)
    {
      g_assert_true (sync_test_wait_live (f->peers[i].client));
      g_signal_connect (f->peers[i].client, "notify::state", G_CALLBACK (on_state), &f->peers[i]);
    }
}

/* Every live client has at most one edit not acknowledged. */
static gboolean
caught_up (gpointer data)
{
  Fixture *f = data;

  for (guint i = 0; i < N_CLIENTS; i++)
    if (tandem_sync_client_get_state (f->peers[i].client) == TANDEM_SYNC_STATE_LIVE
        && tandem_sync_client_get_n_pending (f->peers[i].client) > 1)
      return FALSE;
  return TRUE;
}

/* Each live client makes one random edit, valid in what it sees now. */
static void
edit_round (Fixture *f)
{
  for (guint i = 0; i < N_CLIENTS; i++)
    {
      TandemSyncClient *client = f->peers[i].client;
      g_autoptr(TandemOp) op = NULL;
      g_autoptr(GError) error = NULL;

      if (tandem_sync_client_get_state (client) != TANDEM_SYNC_STATE_LIVE)
        continue;
      op = sync_test_random_op (tandem_sync_client_get_project (client), f->rand);
      if (op)
        tandem_sync_client_submit (client, op, &error);
    }
  /* The next round overlaps this one (edits of every node in flight
   * together) but does not run away from the acknowledgements. */
  g_assert_true (sync_test_wait (caught_up, f, 20000));
}

/* The last seq in the session's stream (its meta hash). */
static guint64
stream_seq (Fixture *f)
{
  redisContext *c = redis_connect (f);
  g_autofree char *key = g_strdup_printf ("tandem:{%s}:meta", f->session_id);
  redisReply *reply;
  guint64 seq = 0;

  g_assert_nonnull (c);
  reply = redisCommand (c, "HGET %s seq", key);
  if (reply && reply->type == REDIS_REPLY_STRING)
    seq = g_ascii_strtoull (reply->str, NULL, 10);
  g_clear_pointer (&reply, freeReplyObject);
  redisFree (c);
  return seq;
}

/* Every client live, nothing pending, at the stream's seq. */
static gboolean
quiet (gpointer data)
{
  Fixture *f = data;
  guint64 seq = stream_seq (f);

  for (guint i = 0; i < N_CLIENTS; i++)
    if (tandem_sync_client_get_state (f->peers[i].client) != TANDEM_SYNC_STATE_LIVE
        || tandem_sync_client_get_n_pending (f->peers[i].client) != 0
        || tandem_sync_client_get_seq (f->peers[i].client) != seq)
      return FALSE;
  return TRUE;
}

/* The batches of the stream as "client/cseq", checking that seqs run 1, 2,
 * 3… with no gap and that no (client, cseq) is there twice. */
static GHashTable *
stream_batches (Fixture *f)
{
  redisContext *c = redis_connect (f);
  g_autofree char *key = g_strdup_printf ("tandem:{%s}:log", f->session_id);
  GHashTable *seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  redisReply *reply;
  guint64 n = 0;

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
      g_assert_cmpint (json_object_get_int_member (obj, "seq"), ==, ++n);
      name = g_strdup_printf ("%s/%" G_GINT64_FORMAT, json_object_get_string_member (obj, "client"),
                              json_object_get_int_member (obj, "cseq"));
      g_assert_false (g_hash_table_contains (seen, name));
      g_hash_table_add (seen, name);
    }
  freeReplyObject (reply);
  redisFree (c);
  return seen;
}

static gboolean
at_stream_seq (gpointer data)
{
  Fixture *f = ((gpointer *) data)[0];
  TandemSyncClient *client = ((gpointer *) data)[1];

  return tandem_sync_client_get_state (client) == TANDEM_SYNC_STATE_LIVE
         && tandem_sync_client_get_seq (client) == stream_seq (f);
}

/* Every client holds the same project, and so does a newcomer on each
 * node still running; returns the project. */
static char *
assert_converged (Fixture *f)
{
  char *expected = tandem_project_to_string (tandem_sync_client_get_project (f->peers[0].client));

  for (guint i = 1; i < N_CLIENTS; i++)
    {
      g_autofree char *json = tandem_project_to_string (tandem_sync_client_get_project (f->peers[i].client));

      g_assert_cmpstr (json, ==, expected);
    }
  for (guint n = 0; n < N_NODES; n++)
    {
      g_autoptr(TandemSyncClient) joiner = NULL;
      g_autofree char *json = NULL;

      if (f->nodes[n] == NULL)
        continue;
      joiner = sync_test_client_new ();
      g_assert_true (tandem_sync_client_connect (joiner, f->links[n], NULL));
      g_assert_true (sync_test_wait (at_stream_seq, (gpointer[]) { f, joiner }, 10000));
      json = tandem_project_to_string (tandem_sync_client_get_project (joiner));
      g_assert_cmpstr (json, ==, expected);
      tandem_sync_client_disconnect (joiner);
    }
  return expected;
}

/* Every batch a client saw acknowledged is in the stream (once: see
 * stream_batches); with @all, every batch of the stream was acknowledged
 * (a client that reconnects may learn of its batch from a snapshot). */
static void
assert_acked_in_stream (Fixture    *f,
                        GHashTable *batches,
                        gboolean    all)
{
  guint n_acked = 0;

  for (guint i = 0; i < N_CLIENTS; i++)
    {
      GHashTableIter iter;
      gpointer cseq;

      g_hash_table_iter_init (&iter, f->peers[i].acked);
      while (g_hash_table_iter_next (&iter, &cseq, NULL))
        {
          g_autofree char *name = g_strdup_printf ("%s/%u",
                                                   tandem_sync_client_get_client_id (f->peers[i].client),
                                                   GPOINTER_TO_UINT (cseq));

          g_assert_true (g_hash_table_contains (batches, name));
          n_acked++;
        }
    }
  if (all)
    g_assert_cmpuint (n_acked, ==, g_hash_table_size (batches));
}

/* Clients on three nodes edit at once: the nodes apply each other's
 * batches in the stream's order and everyone ends with one project. */
static void
test_three_nodes_converge (Fixture       *f,
                           gconstpointer  data)
{
  g_autoptr(GHashTable) batches = NULL;
  g_autofree char *project = NULL;

  if (f->skipped)
    return;
  connect_peers (f);
  for (guint r = 0; r < N_ROUNDS; r++)
    edit_round (f);
  g_assert_true (sync_test_wait (quiet, f, 60000));

  batches = stream_batches (f);
  g_test_message ("%u batches from %u clients on %u nodes", g_hash_table_size (batches),
                  N_CLIENTS, N_NODES);
  /* Some edits are refused (a cell another client removed…), most not. */
  g_assert_cmpuint (g_hash_table_size (batches), >, N_CLIENTS * N_ROUNDS / 2);
  assert_acked_in_stream (f, batches, TRUE);
  project = assert_converged (f);
}

/* Clients on nodes that had never heard of the session when they started
 * (it is only in Redis for them) work as well. */
static void
test_session_loaded_from_redis (Fixture       *f,
                                gconstpointer  data)
{
  g_autoptr(GHashTable) batches = NULL;
  g_autofree char *project = NULL;

  if (f->skipped)
    return;
  for (guint i = 1; i < N_NODES; i++)
    {
      g_autofree char *dir = g_build_filename (f->data_dirs[i], "sessions", f->session_id, NULL);

      g_assert_false (g_file_test (dir, G_FILE_TEST_EXISTS));
    }
  connect_peers (f);
  for (guint r = 0; r < N_ROUNDS / 2; r++)
    edit_round (f);
  g_assert_true (sync_test_wait (quiet, f, 60000));
  batches = stream_batches (f);
  assert_acked_in_stream (f, batches, TRUE);
  project = assert_converged (f);
  for (guint i = 1; i < N_NODES; i++)
    {
      g_autofree char *dir = g_build_filename (f->data_dirs[i], "sessions", f->session_id,
                                               "session.json", NULL);

      g_assert_true (g_file_test (dir, G_FILE_TEST_EXISTS));
    }
}

static gboolean
node_clients_moved (gpointer data)
{
  Fixture *f = data;

  for (guint i = 0; i < N_CLIENTS; i++)
    if (f->peers[i].node == 0
        && (f->peers[i].n_lost == 0
            || tandem_sync_client_get_state (f->peers[i].client) != TANDEM_SYNC_STATE_LIVE))
      return FALSE;
  return TRUE;
}

/* kill -9 of one node while its clients edit: they move to the next node
 * of their link, and nothing acknowledged is lost or doubled. */
static void
test_node_killed (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(GHashTable) batches = NULL;
  g_autofree char *project = NULL;
  guint n_pending = 0;

  if (f->skipped)
    return;
  connect_peers (f);
  for (guint r = 0; r < N_ROUNDS; r++)
    {
      if (r == N_ROUNDS / 2)
        {
          /* Mid-stream: its clients' last edits are in flight. */
          for (guint i = 0; i < N_CLIENTS; i++)
            {
              g_autoptr(TandemOp) op = sync_test_random_op (tandem_sync_client_get_project (f->peers[i].client),
                                                            f->rand);

              if (f->peers[i].node == 0 && op)
                tandem_sync_client_submit (f->peers[i].client, op, NULL);
              if (f->peers[i].node == 0)
                n_pending += tandem_sync_client_get_n_pending (f->peers[i].client);
            }
          node_kill (f, 0);
        }
      edit_round (f);
    }
  g_assert_true (sync_test_wait (node_clients_moved, f, 30000));
  /* Edits after the move too. */
  for (guint r = 0; r < 5; r++)
    edit_round (f);
  g_assert_true (sync_test_wait (quiet, f, 60000));

  batches = stream_batches (f);
  g_test_message ("%u batches, node-1 killed with %u of its clients' edits in flight",
                  g_hash_table_size (batches), n_pending);
  g_assert_cmpuint (n_pending, >, 0);
  assert_acked_in_stream (f, batches, FALSE);
  project = assert_converged (f);
}

int
main (int    argc,
      char **argv)
{
  sync_test_init (&argc, &argv);
#define ADD(path, fn) g_test_add ("/sync/cluster-nodes/" path, Fixture, NULL, fixture_setup, fn, fixture_teardown)
  ADD ("three-nodes-converge", test_three_nodes_converge);
  ADD ("node-killed", test_node_killed);
#undef ADD
  g_test_add ("/sync/cluster-nodes/session-loaded-from-redis", Fixture, LOAD_FROM_REDIS, fixture_setup,
              test_session_loaded_from_redis, fixture_teardown);
  return g_test_run ();
}
