/* bench-latency.c — edit → remote-apply latency between TandemSyncClients
 *
 * Shared by `tandem-bench sync` (one server) and `tandem-bench cluster`
 * (clients spread over nodes, the delays split by whether the author and
 * the receiver are on the same node).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-bench"

#include "config.h"

#include "tandem-bench.h"
#include "tandem-model.h"
#include "tandem-sync.h"

#define LIVE_TIMEOUT_US (20 * G_USEC_PER_SEC)

typedef struct
{
  TandemSyncClient **clients;
  guint              n_clients;
  const guint       *node_of;
  GHashTable        *index_of;   /* client id → index + 1 */
  GHashTable        *sent;       /* "client/cseq" → gint64 * send time */
  guint             *n_sent;     /* per client */
  GArray            *same;
  GArray            *cross;
  guint64           *delivered;
  gboolean           measuring;
} LatencyRun;

static gboolean
set_flag (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

static void
wait_ms (guint ms)
{
  gboolean done = FALSE;

  g_timeout_add (ms, set_flag, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
}

static void
on_batch (TandemSyncClient *client,
          guint64           seq,
          const char       *author,
          guint64           cseq,
          LatencyRun       *run)
{
  g_autofree char *key = NULL;
  guint me, them;
  gint64 *t0;
  double dt;

  if (g_strcmp0 (author, tandem_sync_client_get_client_id (client)) == 0)
    return;
  me = GPOINTER_TO_UINT (g_hash_table_lookup (run->index_of, tandem_sync_client_get_client_id (client)));
  them = GPOINTER_TO_UINT (g_hash_table_lookup (run->index_of, author));
  if (run->measuring && run->delivered != NULL && me > 0)
    run->delivered[me - 1]++;
  key = g_strdup_printf ("%s/%" G_GUINT64_FORMAT, author, cseq);
  t0 = g_hash_table_lookup (run->sent, key);
  if (t0 == NULL || !run->measuring || me == 0 || them == 0)
    return;
  dt = (double) (g_get_monotonic_time () - *t0);
  if (run->node_of != NULL && run->node_of[me - 1] != run->node_of[them - 1])
    {
      if (run->cross != NULL)
        g_array_append_val (run->cross, dt);
    }
  else if (run->same != NULL)
    g_array_append_val (run->same, dt);
}

static gboolean
all_live (LatencyRun *run)
{
  for (guint i = 0; i < run->n_clients; i++)
    if (tandem_sync_client_get_state (run->clients[i]) != TANDEM_SYNC_STATE_LIVE)
      return FALSE;
  return TRUE;
}

gboolean
tandem_bench_edit_latency (const char  **links,
                           const guint  *node_of,
                           guint         n_clients,
                           double        rate,
                           double        duration,
                           GArray       *same_node_us,
                           GArray       *cross_node_us,
                           guint64      *delivered)
{
  LatencyRun run = { 0, };
  gint64 start, now, end, live_deadline;
  guint64 total = 0;
  guint step = 0;
  gboolean live;

  run.n_clients = n_clients;
  run.node_of = node_of;
  run.clients = g_new0 (TandemSyncClient *, n_clients);
  run.n_sent = g_new0 (guint, n_clients);
  run.index_of = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  run.sent = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  run.same = same_node_us;
  run.cross = cross_node_us;
  run.delivered = delivered;
  for (guint i = 0; i < n_clients; i++)
    {
      g_autoptr(TandemProject) project = tandem_project_new ();

      run.clients[i] = tandem_sync_client_new (project, NULL);
      g_hash_table_insert (run.index_of, g_strdup (tandem_sync_client_get_client_id (run.clients[i])),
                           GUINT_TO_POINTER (i + 1));
      g_signal_connect (run.clients[i], "batch-received", G_CALLBACK (on_batch), &run);
      tandem_sync_client_connect (run.clients[i], links[i], NULL);
    }
  live_deadline = g_get_monotonic_time () + LIVE_TIMEOUT_US;
  while (!(live = all_live (&run)) && g_get_monotonic_time () < live_deadline)
    g_main_context_iteration (NULL, FALSE) || (g_usleep (1000), TRUE);

  /* Warm up for a quarter of the run, then measure. */
  start = g_get_monotonic_time ();
  end = start + (gint64) (duration * G_USEC_PER_SEC);
  while (live && (now = g_get_monotonic_time ()) < end)
    {
      guint64 due = (guint64) ((double) (now - start) * rate / G_USEC_PER_SEC);

      run.measuring = now > start + (end - start) / 4;
      while (total < due)
        {
          guint c = total % n_clients;
          TandemSyncClient *client = run.clients[c];
          TandemProject *project = tandem_sync_client_get_project (client);
          g_autoptr(TandemTrack) track = g_list_model_get_item (tandem_project_get_tracks (project),
                                                                (step / 64) % 4);
          g_autoptr(TandemOp) op = tandem_op_new_set_cell (tandem_project_get_current_pattern (project),
                                                           tandem_track_get_id (track), step % 64,
                                                           "velocity", 1 + (step % 120));
          gint64 *t0 = g_new (gint64, 1);

          step++;
          *t0 = g_get_monotonic_time ();
          run.n_sent[c]++;
          g_hash_table_insert (run.sent, g_strdup_printf ("%s/%u", tandem_sync_client_get_client_id (client),
                                                          run.n_sent[c]), t0);
          tandem_sync_client_submit (client, op, NULL);
          total++;
        }
      /* Sleep in the main loop until the next edit is due: a busy loop
       * would take a core from the server. */
      {
        gint64 next = start + (gint64) ((double) (total + 1) * G_USEC_PER_SEC / rate);

        wait_ms ((guint) MAX ((next - g_get_monotonic_time ()) / 1000, 0));
      }
    }
  /* Drain what is in flight. */
  run.measuring = run.measuring && live;
  wait_ms (300);
  run.measuring = FALSE;

  for (guint i = 0; i < n_clients; i++)
    g_object_unref (run.clients[i]);
  g_free (run.clients);
  g_free (run.n_sent);
  g_hash_table_unref (run.sent);
  g_hash_table_unref (run.index_of);
  wait_ms (50);
  return live;
}
