/* test-offline.c — edits made while the link is down all land, in order, and the
 * client is back soon after the link returns
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A real server on 127.0.0.1 and a client behind a TCP proxy that can cut
 * the link like a pulled cable (sync-test-proxy.c). While it is cut the
 * client keeps editing; once it is back, the server's project must equal
 * the client's and hold the last value of every edit, with nothing rolled
 * back and no flood close. Figures go to the TAP log (g_test_message).
 */
#define G_LOG_DOMAIN "tandem-sync-test"

#include "config.h"

#include <string.h>

#include "sync-test-proxy.h"
#include "sync-test-utils.h"
#include "tandem-transport.h"

typedef struct
{
  guint     rejected;
  guint     dropped;
  guint     live;          /* times the client became live */
  gboolean  flood;
  guint64   last_cseq;     /* of our batches, in the session's order */
  gboolean  out_of_order;
} Watch;

typedef struct
{
  SyncTestServer   *ts;
  SyncTestProxy    *proxy;
  TandemSyncClient *client;
  Watch             watch;
} Fixture;

static void
on_rejected (TandemSyncClient *c, TandemOp *op, const char *code, const char *msg, Watch *w)
{
  g_test_message ("rejected (%s): %s", code, msg);
  w->rejected++;
}

static void
on_dropped (TandemSyncClient *c, TandemOp *op, const char *msg, Watch *w)
{
  g_test_message ("dropped: %s", msg);
  w->dropped++;
}

static void
on_error (TandemSyncClient *c, const char *code, const char *msg, Watch *w)
{
  if (g_strcmp0 (code, TANDEM_CODE_FLOOD) == 0)
    w->flood = TRUE;
}

static void
on_state (TandemSyncClient *c, GParamSpec *pspec, Watch *w)
{
  if (tandem_sync_client_get_state (c) == TANDEM_SYNC_STATE_LIVE)
    w->live++;
}

static void
on_batch (TandemSyncClient *c, guint64 seq, const char *client, guint64 cseq, Watch *w)
{
  if (g_strcmp0 (client, tandem_sync_client_get_client_id (c)) != 0)
    return;
  if (cseq <= w->last_cseq)
    w->out_of_order = TRUE;
  w->last_cseq = cseq;
}

static void
fixture_setup (Fixture                  *f,
               const TandemServerLimits *limits)
{
  g_autofree char *invite = NULL;
  g_autofree char *proxied = NULL;

  f->ts = sync_test_server_new (limits, FALSE);
  f->proxy = sync_test_proxy_new (f->ts->port);
  invite = sync_test_server_invite (f->ts, TANDEM_ROLE_EDITOR);
  proxied = sync_test_proxy_invite (f->proxy, invite, f->ts->port);
  f->client = sync_test_client_new ();
  g_signal_connect (f->client, "rejected", G_CALLBACK (on_rejected), &f->watch);
  g_signal_connect (f->client, "op-dropped", G_CALLBACK (on_dropped), &f->watch);
  g_signal_connect (f->client, "error", G_CALLBACK (on_error), &f->watch);
  g_signal_connect (f->client, "notify::state", G_CALLBACK (on_state), &f->watch);
  g_signal_connect (f->client, "batch-received", G_CALLBACK (on_batch), &f->watch);
  g_assert_true (tandem_sync_client_connect (f->client, proxied, NULL));
  g_assert_true (sync_test_wait_live (f->client));
}

static void
fixture_teardown (Fixture *f)
{
  g_clear_object (&f->client);
  sync_test_proxy_free (f->proxy);
  sync_test_server_free (f->ts);
}

static gboolean
not_live (gpointer data)
{
  return tandem_sync_client_get_state (data) != TANDEM_SYNC_STATE_LIVE;
}

/* Cuts the link and waits until the client noticed (its heartbeat). */
static void
go_offline (Fixture *f)
{
  sync_test_proxy_cut (f->proxy);
  g_assert_true (sync_test_wait (not_live, f->client, 10000));
}

/* Restores the link; waits until the client is back with nothing pending.
 * Returns the seconds that took. */
static double
come_back (Fixture *f,
           guint    timeout_ms)
{
  TandemSyncClient *clients[] = { f->client };
  gint64 start = g_get_monotonic_time ();

  sync_test_proxy_restore (f->proxy);
  if (!sync_test_wait_converged (f->ts, clients, 1, timeout_ms))
    g_error ("not converged: %s, %u pending, seq %" G_GUINT64_FORMAT " (server %" G_GUINT64_FORMAT ")",
             tandem_sync_state_to_string (tandem_sync_client_get_state (f->client)),
             tandem_sync_client_get_n_pending (f->client), tandem_sync_client_get_seq (f->client),
             tandem_session_server_get_seq (f->ts->server, f->ts->session_id));
  return (double) (g_get_monotonic_time () - start) / G_USEC_PER_SEC;
}

static void
assert_same_as_server (Fixture *f)
{
  g_autofree char *server_json = sync_test_server_project (f->ts);
  g_autofree char *client_json = tandem_project_to_string (tandem_sync_client_get_project (f->client));

  g_assert_cmpstr (client_json, ==, server_json);
}

/* The server's own replica, to check values in. */
static TandemProject *
server_project (Fixture *f)
{
  g_autofree char *json = sync_test_server_project (f->ts);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  TandemProject *project;

  g_assert_true (json_parser_load_from_data (parser, json, -1, &error));
  project = tandem_project_new_from_json (json_parser_get_root (parser), &error);
  g_assert_no_error (error);
  return project;
}

static char *
nth_id (GListModel *list,
        guint       i,
        const char *(*get_id) (gpointer))
{
  g_autoptr(GObject) item = g_list_model_get_item (list, i);

  return g_strdup (get_id (item));
}

static void
submit (Fixture  *f,
        TandemOp *op)
{
  g_autoptr(TandemOp) owned = op;
  g_autoptr(GError) error = NULL;

  g_assert_true (tandem_sync_client_submit (f->client, owned, &error));
  g_assert_no_error (error);
}

/* ---- many edits made offline ---------------------------------------------- */

#define N_CELL_TRACKS 4
#define N_CELL_STEPS  16

/* @n edits while the link is down: toggles of the 64 cells (4 tracks × 16
 * steps of the first pattern) and, every n/20 edits, an inserted track
 * (then a volume for it). */
static void
test_toggles (gconstpointer data)
{
  guint n_edits = GPOINTER_TO_UINT (data);
  Fixture f = { 0, };
  TandemProject *project;
  g_autoptr(TandemProject) server = NULL;
  g_autofree char *pattern = NULL;
  char *tracks[N_CELL_TRACKS];
  guint8 velocity[N_CELL_TRACKS][N_CELL_STEPS];
  g_autoptr(GPtrArray) inserted = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GArray) volumes = g_array_new (FALSE, TRUE, sizeof (double));
  GRand *rand = g_rand_new_with_seed (n_edits);
  guint64 seq_before;
  double back_s;

  fixture_setup (&f, NULL);
  project = tandem_sync_client_get_project (f.client);
  g_assert_cmpuint (g_list_model_get_n_items (tandem_project_get_tracks (project)), >=, N_CELL_TRACKS);
  pattern = nth_id (tandem_project_get_patterns (project), 0, (gpointer) tandem_pattern_get_id);
  for (guint t = 0; t < N_CELL_TRACKS; t++)
    {
      tracks[t] = nth_id (tandem_project_get_tracks (project), t, (gpointer) tandem_track_get_id);
      for (guint s = 0; s < N_CELL_STEPS; s++)
        velocity[t][s] = tandem_pattern_get_cell (tandem_project_find_pattern (project, pattern),
                                                  tracks[t], s)->velocity;
    }
  seq_before = tandem_session_server_get_seq (f.ts->server, f.ts->session_id);

  go_offline (&f);
  for (guint i = 0; i < n_edits; i++)
    {
      if (i % (n_edits / 20) == n_edits / 40 && inserted->len < 20)
        {
          g_autofree char *id = tandem_id_new ();
          g_autoptr(JsonNode) root = tandem_project_to_json (project);
          JsonArray *array = json_object_get_array_member (json_node_get_object (root), "tracks");
          JsonNode *copy = json_node_copy (json_array_get_element (array, 0));

          json_object_set_string_member (json_node_get_object (copy), "id", id);
          submit (&f, tandem_op_new_insert (TANDEM_ENTITY_TRACK, -1, copy));
          g_ptr_array_add (inserted, g_strdup (id));
        }
      else if (inserted->len > 0 && g_rand_int_range (rand, 0, 20) == 0)
        {
          guint k = g_rand_int_range (rand, 0, inserted->len);
          double volume = g_rand_int_range (rand, -40, 0);

          submit (&f, tandem_op_new_set_double (TANDEM_ENTITY_TRACK, inserted->pdata[k], "volume",
                                                volume));
          g_array_set_size (volumes, inserted->len);
          g_array_index (volumes, double, k) = volume;
        }
      else
        {
          guint t = g_rand_int_range (rand, 0, N_CELL_TRACKS);
          guint s = g_rand_int_range (rand, 0, N_CELL_STEPS);

          velocity[t][s] = velocity[t][s] == 0 ? 100 : 0;
          submit (&f, tandem_op_new_set_cell (pattern, tracks[t], s, "velocity", velocity[t][s]));
        }
      /* The main loop runs while the musician edits. */
      if (i % 50 == 0)
        g_main_context_iteration (NULL, FALSE);
    }
  g_test_message ("%u offline edits: %u pending after coalescing", n_edits,
                  tandem_sync_client_get_n_pending (f.client));

  back_s = come_back (&f, 60000);
  g_test_message ("%u offline edits: all in %.2f s after the link returned, %" G_GUINT64_FORMAT
                  " batches, %u rolled back, %u dropped", n_edits, back_s,
                  tandem_session_server_get_seq (f.ts->server, f.ts->session_id) - seq_before,
                  f.watch.rejected, f.watch.dropped);
  g_assert_cmpuint (f.watch.rejected, ==, 0);
  g_assert_cmpuint (f.watch.dropped, ==, 0);
  g_assert_false (f.watch.flood);
  g_assert_false (f.watch.out_of_order);
  g_assert_cmpuint (f.watch.live, ==, 2);  /* joined, then back once */
  /* Edits of one target went as one: at most a batch per cell, inserted
   * track and track volume. */
  g_assert_cmpuint (tandem_session_server_get_seq (f.ts->server, f.ts->session_id) - seq_before, <=,
                    N_CELL_TRACKS * N_CELL_STEPS + 2 * inserted->len);
  assert_same_as_server (&f);

  /* The server holds the last value of every edit. */
  server = server_project (&f);
  for (guint t = 0; t < N_CELL_TRACKS; t++)
    for (guint s = 0; s < N_CELL_STEPS; s++)
      g_assert_cmpuint (tandem_pattern_get_cell (tandem_project_find_pattern (server, pattern),
                                                 tracks[t], s)->velocity, ==, velocity[t][s]);
  g_assert_cmpuint (inserted->len, ==, MIN (20, n_edits));
  for (guint k = 0; k < inserted->len; k++)
    {
      TandemTrack *track = tandem_project_find_track (server, inserted->pdata[k]);

      g_assert_nonnull (track);
      if (k < volumes->len && g_array_index (volumes, double, k) != 0)
        g_assert_cmpfloat (tandem_track_get_volume (track), ==, g_array_index (volumes, double, k));
    }

  for (guint t = 0; t < N_CELL_TRACKS; t++)
    g_free (tracks[t]);
  g_rand_free (rand);
  fixture_teardown (&f);
}

/* @n offline edits that cannot coalesce (each sets another cell value), so
 * all of them go out after the reconnect: paced to the announced limits
 * with the defaults, and with a client pacing 3× too fast against tight
 * limits, through the server's rate-limited answers and our retries. */
static void
run_distinct (guint                     n_edits,
              const TandemServerLimits *limits,
              double                    pace_factor)
{
  static const char *props[] = { "velocity", "probability", "note" };
  Fixture f = { 0, };
  TandemProject *project;
  g_autoptr(TandemProject) server = NULL;
  g_autofree char *pattern = NULL;
  char *tracks[N_CELL_TRACKS];
  int values[N_CELL_TRACKS][TANDEM_MAX_STEPS][3];
  GRand *rand = g_rand_new_with_seed (n_edits);
  guint64 seq_before;
  double back_s;
  guint i = 0;

  g_assert_cmpuint (n_edits, <=, N_CELL_TRACKS * TANDEM_MAX_STEPS * 3);
  fixture_setup (&f, limits);
  tandem_sync_client_set_pace_factor_for_tests (f.client, pace_factor);
  project = tandem_sync_client_get_project (f.client);
  pattern = nth_id (tandem_project_get_patterns (project), 0, (gpointer) tandem_pattern_get_id);
  for (guint t = 0; t < N_CELL_TRACKS; t++)
    tracks[t] = nth_id (tandem_project_get_tracks (project), t, (gpointer) tandem_track_get_id);
  seq_before = tandem_session_server_get_seq (f.ts->server, f.ts->session_id);

  go_offline (&f);
  for (guint p = 0; p < 3 && i < n_edits; p++)
    for (guint t = 0; t < N_CELL_TRACKS && i < n_edits; t++)
      for (guint s = 0; s < TANDEM_MAX_STEPS && i < n_edits; s++, i++)
        {
          values[t][s][p] = p == 0 ? g_rand_int_range (rand, 1, 128)
                            : p == 1 ? g_rand_int_range (rand, 1, 100)
                            : g_rand_int_range (rand, 1, 7);
          submit (&f, tandem_op_new_set_cell (pattern, tracks[t], s, props[p], values[t][s][p]));
        }
  g_assert_cmpuint (tandem_sync_client_get_n_pending (f.client), ==, n_edits);

  back_s = come_back (&f, 120000);
  g_test_message ("%u distinct offline edits (pacing x%g): all in %.2f s, %" G_GUINT64_FORMAT
                  " batches, %u rolled back, %u dropped", n_edits, pace_factor, back_s,
                  tandem_session_server_get_seq (f.ts->server, f.ts->session_id) - seq_before,
                  f.watch.rejected, f.watch.dropped);
  g_assert_cmpuint (f.watch.rejected, ==, 0);
  g_assert_cmpuint (f.watch.dropped, ==, 0);
  g_assert_false (f.watch.flood);
  g_assert_false (f.watch.out_of_order);
  g_assert_cmpuint (f.watch.live, ==, 2);  /* joined, then back once */
  g_assert_cmpuint (tandem_session_server_get_seq (f.ts->server, f.ts->session_id) - seq_before,
                    ==, n_edits);
  assert_same_as_server (&f);

  server = server_project (&f);
  i = 0;
  for (guint p = 0; p < 3 && i < n_edits; p++)
    for (guint t = 0; t < N_CELL_TRACKS && i < n_edits; t++)
      for (guint s = 0; s < TANDEM_MAX_STEPS && i < n_edits; s++, i++)
        {
          const TandemCell *cell = tandem_pattern_get_cell (tandem_project_find_pattern (server,
                                                                                         pattern),
                                                            tracks[t], s);
          int got = p == 0 ? cell->velocity : p == 1 ? cell->probability : cell->note;

          g_assert_cmpint (got, ==, values[t][s][p]);
        }

  for (guint t = 0; t < N_CELL_TRACKS; t++)
    g_free (tracks[t]);
  g_rand_free (rand);
  fixture_teardown (&f);
}

static void
test_distinct (gconstpointer data)
{
  run_distinct (GPOINTER_TO_UINT (data), NULL, 1);
}

static void
test_distinct_refused (gconstpointer data)
{
  TandemServerLimits limits;

  tandem_server_limits_init_defaults (&limits);
  limits.max_ops_per_second = 100;
  limits.ops_burst = 50;
  limits.max_ops_per_batch = 50;
  run_distinct (GPOINTER_TO_UINT (data), &limits, 3);
}

/* Which unsent edits coalesce, and which keep their place. */
static void
test_coalesce_rules (void)
{
  Fixture f = { 0, };
  TandemProject *project;
  g_autofree char *pattern = NULL;
  g_autofree char *track = NULL;
  g_autofree char *empty_track = NULL;
  g_autofree char *new_track = tandem_id_new ();
  g_autofree char *new_pattern = tandem_id_new ();
  g_autoptr(JsonNode) root = NULL;
  JsonNode *track_copy, *pattern_copy;
  guint step = 0;

  fixture_setup (&f, NULL);
  project = tandem_sync_client_get_project (f.client);
  pattern = nth_id (tandem_project_get_patterns (project), 0, (gpointer) tandem_pattern_get_id);
  track = nth_id (tandem_project_get_tracks (project), 0, (gpointer) tandem_track_get_id);
  empty_track = nth_id (tandem_project_get_tracks (project), 1, (gpointer) tandem_track_get_id);
  while (tandem_pattern_get_cell (tandem_project_find_pattern (project, pattern), empty_track,
                                  step)->velocity != 0)
    step++;
  root = tandem_project_to_json (project);
  track_copy = json_node_copy (json_array_get_element (
    json_object_get_array_member (json_node_get_object (root), "tracks"), 0));
  json_object_set_string_member (json_node_get_object (track_copy), "id", new_track);
  pattern_copy = json_node_copy (json_array_get_element (
    json_object_get_array_member (json_node_get_object (root), "patterns"), 0));
  json_object_set_string_member (json_node_get_object (pattern_copy), "id", new_pattern);

  go_offline (&f);
  /* A toggle and its undo: nothing to send. */
  submit (&f, tandem_op_new_set_cell (pattern, empty_track, step, "velocity", 100));
  submit (&f, tandem_op_new_set_cell (pattern, empty_track, step, "velocity", 0));
  g_assert_cmpuint (tandem_sync_client_get_n_pending (f.client), ==, 0);
  /* A track inserted, edited and deleted: nothing either. */
  submit (&f, tandem_op_new_insert (TANDEM_ENTITY_TRACK, -1, track_copy));
  submit (&f, tandem_op_new_set_double (TANDEM_ENTITY_TRACK, new_track, "volume", -9));
  submit (&f, tandem_op_new_set_cell (pattern, new_track, 3, "velocity", 90));
  submit (&f, tandem_op_new_set_double (TANDEM_ENTITY_PROJECT, NULL, "tempo", 133));
  submit (&f, tandem_op_new_delete (TANDEM_ENTITY_TRACK, new_track));
  g_assert_cmpuint (tandem_sync_client_get_n_pending (f.client), ==, 1);   /* the tempo */
  /* A set moves past an insert that does not name its entity... */
  submit (&f, tandem_op_new_set_string (TANDEM_ENTITY_PATTERN, pattern, "name", "A"));
  submit (&f, tandem_op_new_insert (TANDEM_ENTITY_PATTERN, -1, pattern_copy));
  submit (&f, tandem_op_new_set_string (TANDEM_ENTITY_PATTERN, pattern, "name", "B"));
  g_assert_cmpuint (tandem_sync_client_get_n_pending (f.client), ==, 3);
  /* ...not past a move of it. */
  submit (&f, tandem_op_new_set_double (TANDEM_ENTITY_TRACK, track, "volume", -5));
  submit (&f, tandem_op_new_move (TANDEM_ENTITY_TRACK, track, 2));
  submit (&f, tandem_op_new_set_double (TANDEM_ENTITY_TRACK, track, "volume", -7));
  g_assert_cmpuint (tandem_sync_client_get_n_pending (f.client), ==, 6);

  come_back (&f, 20000);
  g_assert_cmpuint (f.watch.rejected, ==, 0);
  g_assert_cmpuint (f.watch.dropped, ==, 0);
  assert_same_as_server (&f);
  {
    g_autoptr(TandemProject) server = server_project (&f);

    g_assert_null (tandem_project_find_track (server, new_track));
    g_assert_nonnull (tandem_project_find_pattern (server, new_pattern));
    g_assert_cmpstr (tandem_pattern_get_name (tandem_project_find_pattern (server, pattern)), ==, "B");
    g_assert_cmpfloat (tandem_track_get_volume (tandem_project_find_track (server, track)), ==, -7);
    g_assert_cmpfloat (tandem_project_get_tempo (server), ==, 133);
  }
  fixture_teardown (&f);
}

/* ---- the protocol of rate-limited submits, on a raw connection ------------ */

static char *
tempo_submit (guint64 cseq,
              guint   n_ops)
{
  GString *text = g_string_new (NULL);

  g_string_append_printf (text, "{\"type\":\"submit\",\"cseq\":%" G_GUINT64_FORMAT ",\"ops\":[", cseq);
  for (guint i = 0; i < n_ops; i++)
    g_string_append_printf (text, "%s{\"op\":\"set\",\"kind\":\"project\",\"prop\":\"tempo\","
                            "\"value\":%u}", i ? "," : "", 60 + (guint) ((cseq * 7 + i) % 100));
  g_string_append (text, "]}");
  return g_string_free (text, FALSE);
}

/* The next answer about a submit: a batch of ours, a reject or an error. */
static JsonObject *
next_answer (SoupWebsocketConnection *c)
{
  JsonObject *msg;

  while ((msg = sync_test_raw_next (c, 10000)) != NULL)
    {
      const char *type = json_object_get_string_member (msg, "type");

      if (g_str_equal (type, "batch") || g_str_equal (type, "reject") || g_str_equal (type, "error"))
        return msg;
      json_object_unref (msg);
    }
  g_error ("no answer");
}

static void
expect_answer (SoupWebsocketConnection *c,
               const char              *type,
               guint64                  cseq,
               const char              *code,
               gint64                  *retry_after_ms)
{
  g_autoptr(JsonObject) msg = next_answer (c);
  gint64 got = 0;

  g_assert_cmpstr (json_object_get_string_member (msg, "type"), ==, type);
  g_assert_true (tandem_message_get_int (msg, "cseq", &got));
  g_assert_cmpint (got, ==, cseq);
  if (code)
    g_assert_cmpstr (json_object_get_string_member (msg, "code"), ==, code);
  if (retry_after_ms)
    {
      g_assert_true (tandem_message_get_int (msg, "retry_after_ms", retry_after_ms));
      g_assert_cmpint (*retry_after_ms, >=, 0);
    }
}

static gboolean
time_passed (gpointer data)
{
  return g_get_monotonic_time () >= *(gint64 *) data;
}

/* Waits out a retry_after_ms as a client would. */
static void
wait_ms (gint64 ms)
{
  gint64 until = g_get_monotonic_time () + ms * 1000;

  g_assert_true (sync_test_wait (time_passed, &until, ms + 5000));
}

static SyncTestServer *
raw_server (double ops_per_second,
            double burst)
{
  TandemServerLimits limits;

  tandem_server_limits_init_defaults (&limits);
  limits.max_ops_per_second = ops_per_second;
  limits.ops_burst = burst;
  limits.max_flood_strikes = 3;
  return sync_test_server_new (&limits, FALSE);
}

/* Refused submits are not processed: the same cseqs are accepted later, in
 * their order; a later cseq is refused until the first refused one came
 * again; a client that waits as told is never closed for flooding. */
static void
test_go_back_n (void)
{
  SyncTestServer *ts = raw_server (20, 5);
  g_autoptr(SoupWebsocketConnection) c = sync_test_raw_connect (ts->port, ts->session_id,
                                                                TANDEM_PROTOCOL_SUBPROTOCOL);
  g_autoptr(JsonObject) welcome = sync_test_raw_join (c, ts->session_id,
                                                      ts->tokens[TANDEM_ROLE_EDITOR], "goback");
  gint64 retry = 0, retry2 = 0;

  g_assert_nonnull (welcome);
  for (guint round = 0; round < 5; round++)
    {
      /* Twice the burst at once: the first half goes through. */
      guint64 base = round * 10;

      for (guint64 cseq = base + 1; cseq <= base + 10; cseq++)
        {
          g_autofree char *text = tempo_submit (cseq, 1);

          soup_websocket_connection_send_text (c, text);
        }
      for (guint64 cseq = base + 1; cseq <= base + 5; cseq++)
        expect_answer (c, "batch", cseq, NULL, NULL);
      expect_answer (c, "reject", base + 6, TANDEM_CODE_RATE_LIMITED, &retry);
      for (guint64 cseq = base + 7; cseq <= base + 10; cseq++)
        expect_answer (c, "reject", cseq, TANDEM_CODE_RATE_LIMITED, &retry2);
      g_assert_cmpint (retry, >, 0);

      /* A later one alone is refused: base + 6 comes first. */
      if (round == 0)
        {
          g_autofree char *text = tempo_submit (base + 7, 1);

          wait_ms (retry);
          soup_websocket_connection_send_text (c, text);
          expect_answer (c, "reject", base + 7, TANDEM_CODE_RATE_LIMITED, &retry);
        }
      wait_ms (retry + 5 * 1000 / 20);
      for (guint64 cseq = base + 6; cseq <= base + 10; cseq++)
        {
          g_autofree char *text = tempo_submit (cseq, 1);

          soup_websocket_connection_send_text (c, text);
        }
      for (guint64 cseq = base + 6; cseq <= base + 10; cseq++)
        expect_answer (c, "batch", cseq, NULL, NULL);
      /* Once more: a duplicate, named. */
      {
        g_autofree char *text = tempo_submit (base + 8, 1);

        soup_websocket_connection_send_text (c, text);
        expect_answer (c, "error", base + 8, TANDEM_CODE_DUPLICATE, NULL);
      }
      wait_ms (5 * 1000 / 20 + 50);
    }
  g_assert_cmpuint (tandem_session_server_get_seq (ts->server, ts->session_id), ==, 50);
  g_assert_cmpint (soup_websocket_connection_get_state (c), ==, SOUP_WEBSOCKET_STATE_OPEN);
  soup_websocket_connection_close (c, 1000, NULL);
  sync_test_raw_wait_closed (c, 5000);
  sync_test_server_free (ts);
}

/* Resending a refused submit before its time is what a flooder does. */
static void
test_early_retry_strikes (void)
{
  SyncTestServer *ts = raw_server (1, 1);
  g_autoptr(SoupWebsocketConnection) c = sync_test_raw_connect (ts->port, ts->session_id,
                                                                TANDEM_PROTOCOL_SUBPROTOCOL);
  g_autoptr(JsonObject) welcome = sync_test_raw_join (c, ts->session_id,
                                                      ts->tokens[TANDEM_ROLE_EDITOR], "eager");
  JsonObject *msg;

  g_assert_nonnull (welcome);
  for (guint i = 0; i < 20; i++)
    {
      g_autofree char *text = tempo_submit (i == 0 ? 1 : 2, 1);

      soup_websocket_connection_send_text (c, text);
    }
  while ((msg = sync_test_raw_next (c, 10000)) != NULL)
    {
      gboolean flood = g_strcmp0 (json_object_get_string_member_with_default (msg, "code", ""),
                                  TANDEM_CODE_FLOOD) == 0;

      json_object_unref (msg);
      if (flood)
        break;
    }
  g_assert_true (sync_test_raw_wait_closed (c, 5000));
  g_assert_cmpint (soup_websocket_connection_get_close_code (c), ==, TANDEM_CLOSE_FLOOD);
  g_assert_cmpuint (tandem_session_server_get_seq (ts->server, ts->session_id), ==, 1);
  sync_test_server_free (ts);
}

/* A batch of max_ops_per_batch ops is accepted, on the defaults: the burst
 * is at least that. */
static void
test_batch_1000 (void)
{
  SyncTestServer *ts = sync_test_server_new (NULL, FALSE);
  g_autoptr(SoupWebsocketConnection) c = sync_test_raw_connect (ts->port, ts->session_id,
                                                                TANDEM_PROTOCOL_SUBPROTOCOL);
  g_autoptr(JsonObject) welcome = sync_test_raw_join (c, ts->session_id,
                                                      ts->tokens[TANDEM_ROLE_EDITOR], "big");
  JsonObject *limits = json_object_get_object_member (welcome, "limits");
  gint64 max_ops = json_object_get_int_member (limits, "max_ops_per_batch");
  double burst = json_object_get_double_member (limits, "ops_burst");
  double rate = json_object_get_double_member (limits, "max_ops_per_second");
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;
  g_autofree char *too_big = NULL;
  gint64 retry = 0;

  g_assert_cmpint (max_ops, ==, 1000);
  g_assert_cmpfloat (burst, >=, (double) max_ops);
  g_assert_cmpfloat (rate, >, 0);
  g_assert_cmpfloat (json_object_get_double_member (limits, "max_messages_per_second"), >, 0);

  first = tempo_submit (1, 1000);
  soup_websocket_connection_send_text (c, first);
  expect_answer (c, "batch", 1, NULL, NULL);

  /* Right after, the bucket is empty: refused, not processed, and accepted
   * when sent again after the time given. */
  second = tempo_submit (2, 1000);
  soup_websocket_connection_send_text (c, second);
  expect_answer (c, "reject", 2, TANDEM_CODE_RATE_LIMITED, &retry);
  g_assert_cmpint (retry, >, 0);
  g_assert_cmpint (retry, <=, (gint64) (1000 / rate * 1000) + 1);
  wait_ms (retry);
  soup_websocket_connection_send_text (c, second);
  expect_answer (c, "batch", 2, NULL, NULL);

  too_big = tempo_submit (3, 1001);
  soup_websocket_connection_send_text (c, too_big);
  expect_answer (c, "reject", 3, TANDEM_CODE_TOO_MANY_OPS, NULL);
  g_assert_cmpuint (tandem_session_server_get_seq (ts->server, ts->session_id), ==, 2);
  sync_test_server_free (ts);
}

/* A burst smaller than the batch limit lowers the limit announced. */
static void
test_batch_limit_follows_burst (void)
{
  SyncTestServer *ts = raw_server (100, 300);
  g_autoptr(SoupWebsocketConnection) c = sync_test_raw_connect (ts->port, ts->session_id,
                                                                TANDEM_PROTOCOL_SUBPROTOCOL);
  g_autoptr(JsonObject) welcome = sync_test_raw_join (c, ts->session_id,
                                                      ts->tokens[TANDEM_ROLE_EDITOR], "small");
  JsonObject *limits = json_object_get_object_member (welcome, "limits");
  g_autofree char *text = tempo_submit (1, 300);
  g_autofree char *over = tempo_submit (2, 301);

  g_assert_cmpint (json_object_get_int_member (limits, "max_ops_per_batch"), ==, 300);
  soup_websocket_connection_send_text (c, text);
  expect_answer (c, "batch", 1, NULL, NULL);
  soup_websocket_connection_send_text (c, over);
  expect_answer (c, "reject", 2, TANDEM_CODE_TOO_MANY_OPS, NULL);
  sync_test_server_free (ts);
}

/* ---- back soon after the link returns ------------------------------------- */

/* The link is down for LINK_DOWN_S: long enough that a connect attempt
 * started while it was down is deep in the kernel's SYN backoff. */
#define LINK_DOWN_S 12

static gboolean
is_live (gpointer data)
{
  return tandem_sync_client_get_state (data) == TANDEM_SYNC_STATE_LIVE;
}

static void
test_reconnect_time (void)
{
  Fixture f = { 0, };
  gint64 until, start;
  double back_s, bound_s;

  fixture_setup (&f, NULL);
  /* The defaults an app has, but for the backoff cap, kept short here. */
  tandem_sync_client_set_backoff (f.client, 250, 2000);
  go_offline (&f);
  until = g_get_monotonic_time () + LINK_DOWN_S * G_USEC_PER_SEC;
  g_assert_true (sync_test_wait (time_passed, &until, (LINK_DOWN_S + 5) * 1000));
  g_assert_cmpint (tandem_sync_client_get_state (f.client), ==, TANDEM_SYNC_STATE_RECONNECTING);

  start = g_get_monotonic_time ();
  sync_test_proxy_restore (f.proxy);
  g_assert_true (sync_test_wait (is_live, f.client, 60000));
  back_s = (double) (g_get_monotonic_time () - start) / G_USEC_PER_SEC;
  /* Within the backoff cap plus a round trip; generously, plus a whole
   * connect timeout. */
  bound_s = 2.0 + 4.0;
  g_test_message ("back %.2f s after the link returned (down %d s; backoff cap 2 s)", back_s,
                  LINK_DOWN_S);
  g_assert_cmpfloat (back_s, <, bound_s);
  fixture_teardown (&f);
}

/* ---- the clock across a drop ---------------------------------------------- */

#define SKEW_US (40 * G_USEC_PER_SEC)

static gboolean
has_clock (gpointer data)
{
  return tandem_sync_client_get_clock_samples (data) >= 4;
}

/* A client whose clock is 40 s off keeps its estimate of the session clock
 * while the link is down: the engine goes on hearing the beat where it
 * was, and a Play (or tempo change) made then is not anchored on the
 * client's own clock. Once back, the estimate is made afresh. */
static void
test_clock_kept (void)
{
  Fixture f = { 0, };
  TandemProject *project;
  g_autoptr(TandemOp) start = NULL;
  gint64 offset, session_now, server_now, anchor, bar_us;

  fixture_setup (&f, NULL);
  tandem_sync_client_set_clock_skew_for_tests (f.client, SKEW_US);
  tandem_sync_client_drop_connection_for_tests (f.client);
  g_assert_true (sync_test_wait_live (f.client));
  g_assert_true (sync_test_wait (has_clock, f.client, 10000));
  offset = tandem_sync_client_get_clock_offset (f.client);
  /* Same machine: the true offset is −skew. */
  g_assert_cmpint (ABS (offset + SKEW_US), <, 20 * G_TIME_SPAN_MILLISECOND);

  go_offline (&f);
  g_assert_cmpint (tandem_transport_clock_offset (f.client), ==, offset);
  session_now = tandem_transport_session_now (f.client);
  server_now = g_get_monotonic_time ();
  g_assert_cmpint (ABS (session_now - server_now), <, 20 * G_TIME_SPAN_MILLISECOND);
  /* Play is held while not connected: nothing to anchor on yet. */
  g_assert_false (tandem_transport_session_ready (f.client));

  /* A start built now lands on a bar of the session clock ahead. */
  project = tandem_sync_client_get_project (f.client);
  start = tandem_transport_op_start (project, tandem_transport_session_now (f.client),
                                     tandem_transport_session_lead (f.client), 0);
  g_assert_true (tandem_sync_client_submit (f.client, start, NULL));
  anchor = (gint64) tandem_project_get_anchor_time (project);
  bar_us = (gint64) (60.0e6 / tandem_project_get_tempo (project) * 4);
  g_assert_cmpint (anchor, >, server_now);
  g_assert_cmpint (anchor, <, server_now + 2 * bar_us + G_USEC_PER_SEC);

  come_back (&f, 20000);
  g_assert_true (tandem_transport_session_ready (f.client));
  g_assert_cmpint (ABS (tandem_transport_clock_offset (f.client) + SKEW_US), <,
                   20 * G_TIME_SPAN_MILLISECOND);
  assert_same_as_server (&f);
  fixture_teardown (&f);
}

int
main (int    argc,
      char **argv)
{
  sync_test_init (&argc, &argv);
  g_test_add_data_func ("/sync/offline/toggles-420", GUINT_TO_POINTER (420), test_toggles);
  g_test_add_data_func ("/sync/offline/toggles-5000", GUINT_TO_POINTER (5000), test_toggles);
  g_test_add_data_func ("/sync/offline/distinct-420", GUINT_TO_POINTER (420), test_distinct);
  g_test_add_data_func ("/sync/offline/distinct-600", GUINT_TO_POINTER (600), test_distinct);
  g_test_add_data_func ("/sync/offline/distinct-600-refused", GUINT_TO_POINTER (600),
                        test_distinct_refused);
  g_test_add_func ("/sync/offline/coalesce-rules", test_coalesce_rules);
  g_test_add_func ("/sync/offline/go-back-n", test_go_back_n);
  g_test_add_func ("/sync/offline/early-retry-strikes", test_early_retry_strikes);
  g_test_add_func ("/sync/offline/batch-1000", test_batch_1000);
  g_test_add_func ("/sync/offline/batch-limit-follows-burst", test_batch_limit_follows_burst);
  g_test_add_func ("/sync/offline/reconnect-time", test_reconnect_time);
  g_test_add_func ("/sync/offline/clock-kept", test_clock_kept);
  return g_test_run ();
}
