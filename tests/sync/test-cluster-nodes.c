/* test-cluster-nodes.c — three tandem-server nodes on one Redis serving one
 * session together, one of them killed with SIGKILL mid-stream
 *
 * Each test starts its own redis-server (appendonly, appendfsync always)
 * and three real tandem-server processes with --cluster (sync-test-cluster.c);
 * the session is created on the first and its folder copied to the others
 * before they start, or (LOAD_FROM_REDIS) the others load it from Redis
 * when its clients come. Without redis-server or the built tandem-server it
 * skips.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-sync-test"

#include "config.h"

#include "sync-test-cluster.h"

#define N_ROUNDS  40
/* Fixture data: the other nodes are not given the session's folder. */
#define LOAD_FROM_REDIS GINT_TO_POINTER (1)

typedef struct
{
  SyncTestCluster cluster;
  gboolean        skipped;
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  if (!sync_test_cluster_start (&f->cluster, g_test_rand_int (), data != LOAD_FROM_REDIS, NULL))
    {
      g_test_skip ("no redis-server, or tandem-server not found (set TANDEM_BUILD_DIR)");
      f->skipped = TRUE;
    }
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  sync_test_cluster_free (&f->cluster);
}

/* Each live client makes one random edit; the next round overlaps this
 * one (edits of every node in flight together) but does not run away from
 * the acknowledgements. */
static void
edit_round (Fixture *f)
{
  sync_test_cluster_edit (&f->cluster);
  g_assert_true (sync_test_wait (sync_test_cluster_caught_up, &f->cluster, 20000));
}

/* Nothing the checker could find; with @all, every batch of the stream
 * was acknowledged to its author too (a client that reconnects may learn
 * of its batch from a snapshot instead). Returns the number of batches. */
static guint
assert_sound (Fixture  *f,
              gboolean  all)
{
  g_autoptr(GPtrArray) violations = sync_test_cluster_check_all (&f->cluster);
  g_autoptr(GPtrArray) stream = sync_test_cluster_read_stream (&f->cluster);

  g_assert_cmpuint (violations->len, ==, 0);
  if (all)
    g_assert_cmpuint (sync_test_batches_count_distinct (f->cluster.acks), ==, stream->len);
  return stream->len;
}

/* Clients on three nodes edit at once: the nodes apply each other's
 * batches in the stream's order and everyone ends with one project. */
static void
test_three_nodes_converge (Fixture       *f,
                           gconstpointer  data)
{
  guint n_batches;

  if (f->skipped)
    return;
  sync_test_cluster_connect_peers (&f->cluster);
  for (guint r = 0; r < N_ROUNDS; r++)
    edit_round (f);
  g_assert_true (sync_test_wait (sync_test_cluster_quiet, &f->cluster, 60000));

  n_batches = assert_sound (f, TRUE);
  g_test_message ("%u batches from %u clients on %u nodes", n_batches,
                  SYNC_TEST_CLUSTER_CLIENTS, SYNC_TEST_CLUSTER_NODES);
  /* Some edits are refused (a cell another client removed…), most not. */
  g_assert_cmpuint (n_batches, >, SYNC_TEST_CLUSTER_CLIENTS * N_ROUNDS / 2);
}

/* Clients on nodes that had never heard of the session when they started
 * (it is only in Redis for them) work as well. */
static void
test_session_loaded_from_redis (Fixture       *f,
                                gconstpointer  data)
{
  if (f->skipped)
    return;
  for (guint i = 1; i < SYNC_TEST_CLUSTER_NODES; i++)
    {
      g_autofree char *dir = g_build_filename (f->cluster.data_dirs[i], "sessions",
                                               f->cluster.session_id, NULL);

      g_assert_false (g_file_test (dir, G_FILE_TEST_EXISTS));
    }
  sync_test_cluster_connect_peers (&f->cluster);
  for (guint r = 0; r < N_ROUNDS / 2; r++)
    edit_round (f);
  g_assert_true (sync_test_wait (sync_test_cluster_quiet, &f->cluster, 60000));
  assert_sound (f, TRUE);
  for (guint i = 1; i < SYNC_TEST_CLUSTER_NODES; i++)
    {
      g_autofree char *dir = g_build_filename (f->cluster.data_dirs[i], "sessions",
                                               f->cluster.session_id, "session.json", NULL);

      g_assert_true (g_file_test (dir, G_FILE_TEST_EXISTS));
    }
}

static gboolean
node_clients_moved (gpointer data)
{
  SyncTestCluster *c = data;

  for (guint i = 0; i < SYNC_TEST_CLUSTER_CLIENTS; i++)
    if (c->peers[i].home == 0
        && (c->peers[i].n_lost == 0
            || tandem_sync_client_get_state (c->peers[i].client) != TANDEM_SYNC_STATE_LIVE))
      return FALSE;
  return TRUE;
}

/* kill -9 of one node while its clients edit: they move to the next node
 * of their link, and nothing acknowledged is lost or doubled. */
static void
test_node_killed (Fixture       *f,
                  gconstpointer  data)
{
  SyncTestCluster *c = &f->cluster;
  guint n_pending = 0;
  guint n_batches;

  if (f->skipped)
    return;
  sync_test_cluster_connect_peers (c);
  for (guint r = 0; r < N_ROUNDS; r++)
    {
      if (r == N_ROUNDS / 2)
        {
          /* Mid-stream: its clients' last edits are in flight. */
          for (guint i = 0; i < SYNC_TEST_CLUSTER_CLIENTS; i++)
            {
              TandemSyncClient *client = c->peers[i].client;
              g_autoptr(TandemOp) op = sync_test_random_op (tandem_sync_client_get_project (client),
                                                            c->rand);

              if (c->peers[i].home == 0 && op)
                tandem_sync_client_submit (client, op, NULL);
              if (c->peers[i].home == 0)
                n_pending += tandem_sync_client_get_n_pending (client);
            }
          sync_test_cluster_kill_node (c, 0);
        }
      edit_round (f);
    }
  g_assert_true (sync_test_wait (node_clients_moved, c, 30000));
  /* Edits after the move too. */
  for (guint r = 0; r < 5; r++)
    edit_round (f);
  g_assert_true (sync_test_wait (sync_test_cluster_quiet, c, 60000));

  n_batches = assert_sound (f, FALSE);
  g_test_message ("%u batches, node-1 killed with %u of its clients' edits in flight",
                  n_batches, n_pending);
  g_assert_cmpuint (n_pending, >, 0);
}

int
main (int    argc,
      char **argv)
{
  sync_test_init (&argc, &argv);
#define ADD(path, fn) \
  g_test_add ("/sync/cluster-nodes/" path, Fixture, NULL, fixture_setup, fn, fixture_teardown)
  ADD ("three-nodes-converge", test_three_nodes_converge);
  ADD ("node-killed", test_node_killed);
#undef ADD
  g_test_add ("/sync/cluster-nodes/session-loaded-from-redis", Fixture, LOAD_FROM_REDIS,
              fixture_setup, test_session_loaded_from_redis, fixture_teardown);
  return g_test_run ();
}
