/* bench-sync-history.c — opening a long session's history, previewing a past seq
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-bench"

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <glib/gstdio.h>

#include "tandem-bench.h"
#include "tandem-model.h"
#include "tandem-sync.h"

#define SNAPSHOT_EVERY 1000
#define BENCH_TOKEN    TANDEM_BENCH_SESSION_TOKEN

static void
print_ms (const char *label,
          GArray     *samples_us)
{
  double *v = (double *) samples_us->data;
  gsize n = samples_us->len;
  double p50 = tandem_bench_percentile (v, n, 50);
  double p99 = tandem_bench_percentile (v, n, 99);

  g_print ("  %-44s p50 %7.2f ms   p99 %7.2f ms   (%" G_GSIZE_FORMAT " samples)\n", label,
           p50 / 1000, p99 / 1000, n);
}

/* What a session's edits mostly are: grid toggles, with mixer and tempo
 * moves in between. */
static TandemOp *
random_edit (TandemProject *project,
             GRand         *rand)
{
  GListModel *tracks = tandem_project_get_tracks (project);
  GListModel *patterns = tandem_project_get_patterns (project);
  g_autoptr(TandemTrack) track = g_list_model_get_item (tracks, g_rand_int_range (rand, 0, g_list_model_get_n_items (tracks)));
  g_autoptr(TandemPattern) pattern = g_list_model_get_item (patterns, g_rand_int_range (rand, 0, g_list_model_get_n_items (patterns)));
  int what = g_rand_int_range (rand, 0, 100);

  if (what < 85)
    return tandem_op_new_set_cell (tandem_pattern_get_id (pattern), tandem_track_get_id (track),
                                   g_rand_int_range (rand, 0, 16), "velocity",
                                   g_rand_boolean (rand) ? g_rand_int_range (rand, 1, 128) : 0);
  if (what < 95)
    return tandem_op_new_set_double (TANDEM_ENTITY_TRACK, tandem_track_get_id (track), "volume",
                                     g_rand_double_range (rand, -30, 0));
  return tandem_op_new_set_double (TANDEM_ENTITY_PROJECT, NULL, "tempo", g_rand_int_range (rand, 80, 160));
}

static JsonNode *
snapshot_node (TandemProject *project,
               guint64        seq)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "format");
  json_builder_add_string_value (b, "tandem-snapshot");
  json_builder_set_member_name (b, "version");
  json_builder_add_int_value (b, 1);
  json_builder_set_member_name (b, "seq");
  json_builder_add_int_value (b, (gint64) seq);
  json_builder_set_member_name (b, "project");
  json_builder_add_value (b, tandem_project_to_json (project));
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

gboolean
tandem_bench_write_session (const char *dir,
                            const char *id,
                            guint       n_edits,
                            GError    **error)
{
  g_autoptr(TandemProject) project = tandem_project_new_demo ();
  g_autoptr(TandemJournal) journal = NULL;
  g_autoptr(JsonNode) first = NULL;
  g_autofree char *hash = g_compute_checksum_for_string (G_CHECKSUM_SHA256, BENCH_TOKEN, -1);
  g_autofree char *meta = NULL;
  g_autofree char *meta_path = g_build_filename (dir, "session.json", NULL);
  GRand *rand = g_rand_new_with_seed (42);
  gint64 t0 = g_get_real_time () / 1000 - (gint64) n_edits * 100;
  static const char *authors[] = { "ada", "bob" };

  if ((journal = tandem_journal_open (dir, error)) == NULL)
    return FALSE;
  tandem_journal_set_fsync (journal, FALSE);
  tandem_journal_set_keep_history (journal, TRUE);
  meta = g_strdup_printf ("{\"format\":\"tandem-session\",\"version\":1,\"id\":\"%s\","
                          "\"token-sha256\":{\"owner\":\"%s\",\"editor\":\"%s\",\"viewer\":\"%s\"}}",
                          id, hash, hash, hash);
  if (!g_file_set_contents (meta_path, meta, -1, error))
    return FALSE;
  first = snapshot_node (project, 0);
  if (!tandem_journal_write_snapshot (journal, first, error)
      || !tandem_journal_append (journal, "{\"type\":\"author\",\"client\":\"ada\",\"name\":\"Ada\"}", error)
      || !tandem_journal_append (journal, "{\"type\":\"author\",\"client\":\"bob\",\"name\":\"Bob\"}", error))
    return FALSE;
  for (guint64 seq = 1; seq <= n_edits; seq++)
    {
      g_autoptr(TandemOp) op = random_edit (project, rand);
      g_autoptr(JsonNode) ops = json_node_new (JSON_NODE_ARRAY);
      g_autofree char *record = NULL;

      json_node_take_array (ops, json_array_new ());
      json_array_add_element (json_node_get_array (ops), tandem_op_to_json (op));
      if (!tandem_project_apply (project, op, NULL, error))
        return FALSE;
      /* Each person edits in runs of a few dozen. */
      record = tandem_message_batch_at (seq, authors[(seq / 40) % 2], seq, ops,
                                        t0 + (gint64) seq * 100);
      if (!tandem_journal_append (journal, record, error))
        return FALSE;
      if (seq % SNAPSHOT_EVERY == 0)
        {
          g_autoptr(JsonNode) snap = snapshot_node (project, seq);

          if (!tandem_journal_sync (journal, error) || !tandem_journal_write_snapshot (journal, snap, error))
            return FALSE;
        }
    }
  g_rand_free (rand);
  return tandem_journal_sync (journal, error);
}

typedef struct
{
  gboolean    done;
  GObject    *project;
  JsonObject *summary;
  GError     *error;
} Answer;

static void
project_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      data)
{
  Answer *a = data;

  a->project = G_OBJECT (tandem_sync_client_history_project_finish (TANDEM_SYNC_CLIENT (source),
                                                                    result, &a->error));
  a->done = TRUE;
}

static void
summary_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      data)
{
  Answer *a = data;

  a->summary = tandem_sync_client_history_summary_finish (TANDEM_SYNC_CLIENT (source), result,
                                                          &a->error);
  a->done = TRUE;
}

static void
iterate_until (gboolean *done)
{
  gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;

  while (!*done && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
}

static void
pause_ms (guint ms)
{
  gint64 until = g_get_monotonic_time () + ms * 1000;

  while (g_get_monotonic_time () < until)
    g_main_context_iteration (NULL, FALSE), g_usleep (1000);
}

void
tandem_bench_sync_history (guint n_edits)
{
  g_autofree char *data_dir = g_dir_make_tmp ("tandem-bench-history-XXXXXX", NULL);
  g_autofree char *dir = g_build_filename (data_dir, "sessions", "benchhistory", NULL);
  g_autoptr(TandemSessionServer) server = NULL;
  g_autoptr(TandemSyncClient) client = NULL;
  g_autoptr(TandemProject) empty = tandem_project_new ();
  g_autoptr(TandemInvite) invite = NULL;
  g_autofree char *link = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) summary_us = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) project_us = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) wire_summary_us = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) wire_project_us = g_array_new (FALSE, FALSE, sizeof (double));
  GRand *rand = g_rand_new_with_seed (7);
  gint64 t;

  g_print ("\nHistory of a %u-edit session (snapshot every %u, read from disk):\n", n_edits,
           SNAPSHOT_EVERY);
  g_mkdir_with_parents (dir, 0700);
  t = g_get_monotonic_time ();
  if (!tandem_bench_write_session (dir, "benchhistory", n_edits, &error))
    {
      g_printerr ("Cannot write the session: %s\n", error->message);
      return;
    }
  g_print ("  written in %.1f s\n", (g_get_monotonic_time () - t) / 1e6);

  /* The reader alone, as the server's worker runs it. */
  for (guint i = 0; i < 50; i++)
    {
      g_autoptr(JsonNode) page = NULL;
      double us;

      t = g_get_monotonic_time ();
      page = tandem_history_summary (dir, 0, n_edits, 200, 20000, NULL, &error);
      us = g_get_monotonic_time () - t;
      g_assert_no_error (error);
      g_array_append_val (summary_us, us);
    }
  for (guint i = 0; i < 100; i++)
    {
      guint64 seq = g_rand_int_range (rand, 0, n_edits + 1);
      g_autofree char *text = NULL;
      double us;

      t = g_get_monotonic_time ();
      text = tandem_history_project_at (dir, seq, n_edits, &error);
      us = g_get_monotonic_time () - t;
      g_assert_no_error (error);
      g_array_append_val (project_us, us);
    }
  print_ms ("reader: first summary page (200 groups)", summary_us);
  print_ms ("reader: project at a random seq", project_us);

  /* End to end: a client asks the server over the loopback WebSocket and
   * gets a TandemProject it can show. */
  server = tandem_session_server_new (data_dir, &error);
  if (server == NULL || !tandem_session_server_listen (server, "127.0.0.1", 0, &error))
    {
      g_printerr ("Cannot serve the session: %s\n", error->message);
      return;
    }
  client = tandem_sync_client_new (empty, NULL);
  invite = tandem_invite_new ("127.0.0.1", tandem_session_server_get_port (server), "benchhistory",
                              BENCH_TOKEN);
  link = tandem_invite_to_link (invite);
  tandem_sync_client_connect (client, link, NULL);
  while (tandem_sync_client_get_state (client) != TANDEM_SYNC_STATE_LIVE)
    g_main_context_iteration (NULL, TRUE);
  for (guint i = 0; i < 24; i++)
    {
      Answer a = { 0 };
      double us;

      /* The server's per-client history budget (2 a second, bursts of 6). */
      pause_ms (i < 3 ? 0 : 1000);
      t = g_get_monotonic_time ();
      if (i % 2 == 0)
        tandem_sync_client_history_summary_async (client, 0, 0, NULL, summary_cb, &a);
      else
        tandem_sync_client_history_project_async (client, g_rand_int_range (rand, 0, n_edits + 1),
                                                  NULL, project_cb, &a);
      iterate_until (&a.done);
      us = g_get_monotonic_time () - t;
      if (a.error)
        g_printerr ("  request failed: %s\n", a.error->message);
      else
        g_array_append_val (i % 2 == 0 ? wire_summary_us : wire_project_us, us);
      g_clear_error (&a.error);
      g_clear_object (&a.project);
      g_clear_pointer (&a.summary, json_object_unref);
    }
  print_ms ("client: open the history (first page)", wire_summary_us);
  print_ms ("client: preview a random seq (TandemProject)", wire_project_us);

  tandem_sync_client_disconnect (client);
  tandem_session_server_shutdown (server);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_rand_free (rand);
  tandem_bench_remove_tree (data_dir);
}
