/* test-cluster-faults.c — three tandem-server nodes on one Redis under a
 * schedule of kill -9s, and a checker that says what they broke
 *
 * Twelve clients spread over three real tandem-server processes edit at
 * random all along while a seeded schedule kills a random node with
 * SIGKILL and restarts it (same data dir, port and node id) fifty times,
 * the clients moving to the next node of their links and back, and once,
 * half-way, kills redis-server itself and restarts it from its append-only
 * file. Then, when every client is live with nothing pending, the checker
 * (sync-test-cluster-check.c) compares what the clients were acknowledged
 * with the Redis stream and every replica.
 *
 * The checker must be able to fail: the second case runs nodes that lose
 * acknowledged batches on purpose (TANDEM_CLUSTER_SABOTAGE=1, see
 * tandem-cluster-log.c) and asserts it reports the loss.
 *
 * The seed is printed; TANDEM_TEST_SEED=N replays that schedule (the
 * timing of the edits around it varies).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-sync-test"

#include "config.h"

#include <string.h>

#include "sync-test-cluster.h"

#define N_KILLS           50
#define N_KILLS_SABOTAGED 8
#define EDIT_EVERY_MS     25
/* Each pause of the schedule, at random in [MIN, MAX) ms. */
#define PAUSE_MIN_MS      20
#define PAUSE_MAX_MS      300
/* Fixture data: nodes that lose acknowledged batches. */
#define SABOTAGE GINT_TO_POINTER (1)

typedef struct
{
  SyncTestCluster cluster;
  guint32         seed;
  GRand          *schedule;
  guint           edit_source;
  gint64          start_us;
  guint           n_kills;
  guint           n_kills_of[SYNC_TEST_CLUSTER_NODES];
  guint           n_redis_kills;
  guint           n_moves;
  guint           n_edits;
  gboolean        skipped;
} Fixture;

static guint32
pick_seed (void)
{
  const char *replay = g_getenv ("TANDEM_TEST_SEED");

  return replay ? (guint32) g_ascii_strtoull (replay, NULL, 10) : g_random_int ();
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  const char *sabotage[] = { "TANDEM_CLUSTER_SABOTAGE=1", NULL };

  f->seed = pick_seed ();
  g_test_message ("seed %u (TANDEM_TEST_SEED=%u replays this schedule)", f->seed, f->seed);
  f->start_us = g_get_monotonic_time ();
  /* The edits draw from a generator of their own: however many there
   * are, the schedule stays the same for one seed. */
  if (!sync_test_cluster_start (&f->cluster, f->seed + 1, TRUE,
                                data == SABOTAGE ? sabotage : NULL))
    {
      g_test_skip ("no redis-server, or tandem-server not found (set TANDEM_BUILD_DIR)");
      f->skipped = TRUE;
      return;
    }
  f->schedule = g_rand_new_with_seed (f->seed);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_clear_handle_id (&f->edit_source, g_source_remove);
  sync_test_cluster_free (&f->cluster);
  g_clear_pointer (&f->schedule, g_rand_free);
}

static gboolean
edit_cb (gpointer data)
{
  Fixture *f = data;

  f->n_edits += sync_test_cluster_edit (&f->cluster);
  return G_SOURCE_CONTINUE;
}

/* The schedule's pauses: the clients edit, fail over and catch up
 * meanwhile. */
static void
schedule_pause (Fixture *f)
{
  sync_test_spin (g_rand_int_range (f->schedule, PAUSE_MIN_MS, PAUSE_MAX_MS));
}

/* Some of the clients away from their first node go back to it. */
static void
move_back (Fixture *f)
{
  SyncTestCluster *c = &f->cluster;

  for (guint i = 0; i < SYNC_TEST_CLUSTER_CLIENTS; i++)
    {
      SyncTestClusterPeer *peer = &c->peers[i];

      if (sync_test_cluster_peer_node (c, peer) != peer->home && g_rand_boolean (f->schedule))
        {
          g_assert_true (tandem_sync_client_connect (peer->client, c->links[peer->home], NULL));
          f->n_moves++;
        }
    }
}

static void
kill_node (Fixture *f)
{
  guint node = g_rand_int_range (f->schedule, 0, SYNC_TEST_CLUSTER_NODES);

  sync_test_cluster_kill_node (&f->cluster, node);
  f->n_kills++;
  f->n_kills_of[node]++;
  schedule_pause (f);
  sync_test_cluster_start_node (&f->cluster, node);
  schedule_pause (f);
  move_back (f);
  schedule_pause (f);
}

/* kill -9 of Redis; while it is down every edit is refused (storage), and
 * it comes back from its append-only file with all it acknowledged. */
static void
kill_redis (Fixture *f)
{
  guint64 seq = sync_test_cluster_stream_seq (&f->cluster);

  sync_test_redis_kill (&f->cluster.redis);
  f->n_redis_kills++;
  schedule_pause (f);
  g_assert_true (sync_test_redis_start (&f->cluster.redis));
  g_assert_cmpuint (sync_test_cluster_stream_seq (&f->cluster), >=, seq);
  schedule_pause (f);
}

/* Clients edit all along while the schedule runs; then the edits stop and
 * the cluster settles. Returns whether it got quiet within @timeout_ms. */
static gboolean
run_schedule (Fixture *f,
              guint    n_kills,
              guint    timeout_ms)
{
  sync_test_cluster_connect_peers (&f->cluster);
  f->edit_source = g_timeout_add (EDIT_EVERY_MS, edit_cb, f);
  for (guint k = 0; k < n_kills; k++)
    {
      if (k == n_kills / 2)
        kill_redis (f);
      kill_node (f);
    }
  g_clear_handle_id (&f->edit_source, g_source_remove);
  return sync_test_wait (sync_test_cluster_quiet, &f->cluster, timeout_ms);
}

static void
print_figures (Fixture *f)
{
  g_autoptr(GString) per_node = g_string_new (NULL);
  guint n_lost = 0;

  for (guint i = 0; i < SYNC_TEST_CLUSTER_CLIENTS; i++)
    n_lost += f->cluster.peers[i].n_lost;
  for (guint n = 0; n < SYNC_TEST_CLUSTER_NODES; n++)
    g_string_append_printf (per_node, "%s%u", n ? "/" : "", f->n_kills_of[n]);
  g_test_message ("seed %u: %u node kills (%s of node-1/2/3), %u Redis kill; %u edits made, "
                  "%u batches acknowledged, %u refused; %u reconnects (%u moves back); stream at "
                  "seq %" G_GUINT64_FORMAT "; %.1f s",
                  f->seed, f->n_kills, per_node->str, f->n_redis_kills, f->n_edits,
                  sync_test_batches_count_distinct (f->cluster.acks), f->cluster.n_rejected,
                  n_lost, f->n_moves, sync_test_cluster_stream_seq (&f->cluster),
                  (g_get_monotonic_time () - f->start_us) / 1e6);
  if (f->cluster.rejected_codes != NULL)
    {
      GHashTableIter iter;
      gpointer code, count;

      g_hash_table_iter_init (&iter, f->cluster.rejected_codes);
      while (g_hash_table_iter_next (&iter, &code, &count))
        g_test_message ("  refused %s: %u", (char *) code, GPOINTER_TO_UINT (count));
    }
}

/* Fifty node kills and one Redis kill lose nothing acknowledged, double
 * nothing, and leave every replica the same. */
static void
test_faults (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(GPtrArray) violations = NULL;

  if (f->skipped)
    return;
  g_assert_true (run_schedule (f, N_KILLS, 60000));
  violations = sync_test_cluster_check_all (&f->cluster);
  print_figures (f);
  g_assert_cmpuint (violations->len, ==, 0);
  g_assert_cmpuint (f->n_kills, ==, N_KILLS);
  /* Not vacuous: edits went through all along and clients failed over. */
  g_assert_cmpuint (sync_test_batches_count_distinct (f->cluster.acks), >, 10 * N_KILLS);
  g_assert_cmpuint (f->n_moves, >, 0);
}

/* Nodes that acknowledge batches without appending them to Redis: the
 * checker must say so. */
static void
test_checker_sees_sabotage (Fixture       *f,
                            gconstpointer  data)
{
  g_autoptr(GPtrArray) violations = NULL;
  guint n_lost = 0;

  if (f->skipped)
    return;
  /* Not asserted: a broken cluster need not settle. */
  if (!run_schedule (f, N_KILLS_SABOTAGED, 20000))
    g_test_message ("the sabotaged cluster did not get quiet");
  violations = sync_test_cluster_check_all (&f->cluster);
  print_figures (f);
  for (guint i = 0; i < violations->len; i++)
    if (strstr (g_ptr_array_index (violations, i), "is not in the stream") != NULL)
      n_lost++;
  g_test_message ("the checker reports %u violations, %u acknowledged batches missing "
                  "from the stream", violations->len, n_lost);
  g_assert_cmpuint (n_lost, >, 0);
}

static gboolean
reported (GPtrArray  *violations,
          const char *sentence)
{
  for (guint i = 0; i < violations->len; i++)
    if (g_str_equal (g_ptr_array_index (violations, i), sentence))
      return TRUE;
  return FALSE;
}

/* Each kind of violation, made by hand, is named; sound data gives none. */
static void
test_checker_words (void)
{
  g_autoptr(GPtrArray) acks = g_ptr_array_new_with_free_func (sync_test_batch_free);
  g_autoptr(GPtrArray) stream = g_ptr_array_new_with_free_func (sync_test_batch_free);
  g_autoptr(GPtrArray) replicas = g_ptr_array_new_with_free_func (sync_test_replica_free);
  g_autoptr(GPtrArray) sound = NULL;
  g_autoptr(GPtrArray) violations = NULL;

  g_ptr_array_add (stream, sync_test_batch_new ("a", 1, 1));
  g_ptr_array_add (stream, sync_test_batch_new ("b", 1, 2));
  g_ptr_array_add (acks, sync_test_batch_new ("a", 1, 1));
  g_ptr_array_add (acks, sync_test_batch_new ("a", 1, 1));   /* told twice, the same */
  g_ptr_array_add (replicas, sync_test_replica_new ("client 1", 2, g_strdup ("{}")));
  g_ptr_array_add (replicas, sync_test_replica_new ("client 2", 2, g_strdup ("{}")));
  sound = sync_test_cluster_check (acks, stream, replicas);
  g_assert_cmpuint (sound->len, ==, 0);

  g_ptr_array_add (stream, sync_test_batch_new ("a", 1, 3));   /* twice */
  g_ptr_array_add (stream, sync_test_batch_new ("c", 1, 5));   /* 4 skipped */
  g_ptr_array_add (stream, sync_test_batch_new ("c", 2, 5));   /* 5 again */
  g_ptr_array_add (acks, sync_test_batch_new ("d", 1, 4));     /* lost */
  g_ptr_array_add (acks, sync_test_batch_new ("b", 1, 3));     /* wrong seq */
  g_ptr_array_add (acks, sync_test_batch_new ("a", 1, 6));     /* told another seq */
  g_ptr_array_add (replicas, sync_test_replica_new ("a newcomer on node-1", 4,
                                                    g_strdup ("{\"x\":1}")));
  violations = sync_test_cluster_check (acks, stream, replicas);
  for (guint i = 0; i < violations->len; i++)
    g_test_message ("%s", (char *) g_ptr_array_index (violations, i));
  g_assert_true (reported (violations, "batch a/1 is in the stream twice, as seq 1 and seq 3"));
  g_assert_true (reported (violations, "seq 4 is missing from the stream"));
  g_assert_true (reported (violations, "seq 5 (c/2) follows seq 5 in the stream: a seq given "
                           "twice or out of order"));
  g_assert_true (reported (violations, "batch d/1, acknowledged to its author as seq 4, is not in "
                           "the stream"));
  g_assert_true (reported (violations, "batch b/1 was acknowledged as seq 3 but is seq 2 in the "
                           "stream"));
  g_assert_true (reported (violations, "batch a/1 was acknowledged twice, as seq 1 and seq 6"));
  g_assert_true (reported (violations, "client 1 is at seq 2, the stream at seq 5"));
  g_assert_true (reported (violations, "the replicas differ: version 2 of 2 is held by a newcomer "
                           "on node-1"));
  g_assert_cmpuint (violations->len, ==, 11);
}

int
main (int    argc,
      char **argv)
{
  sync_test_init (&argc, &argv);
  g_test_add_func ("/sync/cluster-faults/checker-words", test_checker_words);
  g_test_add ("/sync/cluster-faults/kills", Fixture, NULL, fixture_setup, test_faults,
              fixture_teardown);
  g_test_add ("/sync/cluster-faults/checker-sees-sabotage", Fixture, SABOTAGE, fixture_setup,
              test_checker_sees_sabotage, fixture_teardown);
  return g_test_run ();
}
