/* test-generate.c — evolutions and rhythm streams through a real server, one client delayed
 *
 * A real server on 127.0.0.1, client A direct and client B behind a proxy that
 * holds every chunk PROXY_DELAY_MS each way. A runs the generators; B records,
 * in session time, when each generated cell change arrives.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include "sync-test-delay-proxy.h"
#include "sync-test-utils.h"

#define PROXY_DELAY_MS 40
#define TEMPO          150.0 /* a 16-step bar lasts 1.6 s: half a bar of slack for late ops */

typedef struct
{
  SyncTestServer   *ts;
  SyncTestDelayProxy    *proxy;
  TandemSyncClient *a, *b;
  TandemProject    *pa, *pb;
  char             *pattern_id;
  char             *track_id;
  char             *proxied;    /* B's invite, through the proxy */
  /* B's record: for each generated cell change, the grid step at which the
   * new value is first heard there, and the evolve-step B showed then. */
  GArray           *heard_at;   /* guint64 */
  GArray           *heard_step; /* guint */
} Fixture;

static double
step_us (TandemProject *p)
{
  return 60e6 / (tandem_project_get_tempo (p) * tandem_project_get_steps_per_beat (p));
}

/* The first grid step at or after session time @t that plays pattern step @s. */
static guint64
next_play (TandemProject *p,
           gint64         t,
           guint          s,
           guint          length)
{
  double pos = (double) tandem_project_get_anchor_step (p)
               + ((double) t - (double) tandem_project_get_anchor_time (p)) / step_us (p);
  guint64 g = (guint64) ceil (MAX (pos, 0.0));

  while (g % length != s)
    g++;
  return g;
}

static void
record_child (Fixture  *f,
              TandemOp *op,
              gint64    now)
{
  TandemPattern *pattern = tandem_project_find_pattern (f->pb, f->pattern_id);

  if (tandem_op_get_kind (op) == TANDEM_OP_BATCH)
    {
      for (guint i = 0; i < tandem_op_batch_get_n_ops (op); i++)
        record_child (f, tandem_op_batch_get_op (op, i), now);
      return;
    }
  if (tandem_op_get_entity (op) != TANDEM_ENTITY_CELL
      || g_strcmp0 (tandem_op_get_id (op), f->pattern_id) != 0)
    return;
  {
    guint64 g = next_play (f->pb, now, tandem_op_get_step (op), tandem_pattern_get_length (pattern));
    guint k = tandem_pattern_get_evolution_step (pattern);

    g_array_append_val (f->heard_at, g);
    g_array_append_val (f->heard_step, k);
  }
}

static void
on_b_applied (TandemProject *project,
              TandemOp      *op,
              gpointer       data)
{
  Fixture *f = data;

  if (tandem_project_get_playing (project))
    record_child (f, op, tandem_sync_client_get_session_time (f->b));
}

static gboolean
clocks_ready (gpointer data)
{
  Fixture *f = data;

  return tandem_sync_client_get_clock_samples (f->a) >= 4
         && tandem_sync_client_get_clock_samples (f->b) >= 4;
}

static void
submit (TandemSyncClient *client,
        TandemOp         *op)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TandemOp) owned = op;

  g_assert_true (tandem_sync_client_submit (client, owned, &error));
  g_assert_no_error (error);
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autofree char *invite = NULL;
  g_autoptr(GError) error = NULL;
  TandemSyncClient *both[2];
  TandemOp *batch;

  f->ts = sync_test_server_new (NULL, FALSE);
  f->proxy = sync_test_delay_proxy_new (f->ts->port, PROXY_DELAY_MS);
  invite = sync_test_server_invite (f->ts, TANDEM_ROLE_EDITOR);
  f->proxied = sync_test_delay_proxy_invite (f->proxy, invite, f->ts->port);
  f->a = sync_test_client_new ();
  f->b = sync_test_client_new ();
  g_assert_true (tandem_sync_client_connect (f->a, invite, &error));
  g_assert_true (tandem_sync_client_connect (f->b, f->proxied, &error));
  g_assert_true (sync_test_wait_live (f->a));
  g_assert_true (sync_test_wait_live (f->b));
  g_assert_true (sync_test_wait (clocks_ready, f, 10000));
  f->pa = tandem_sync_client_get_project (f->a);
  f->pb = tandem_sync_client_get_project (f->b);
  {
    g_autoptr(TandemPattern) p = g_list_model_get_item (tandem_project_get_patterns (f->pa), 0);
    g_autoptr(TandemTrack) t = g_list_model_get_item (tandem_project_get_tracks (f->pa), 0);

    f->pattern_id = g_strdup (tandem_pattern_get_id (p));
    f->track_id = g_strdup (tandem_track_get_id (t));
  }

  batch = tandem_op_new_batch ();
  tandem_op_batch_add (batch, tandem_op_new_set_double (TANDEM_ENTITY_PROJECT, NULL, "tempo", TEMPO));
  tandem_op_batch_add (batch, tandem_op_new_set_double (TANDEM_ENTITY_PROJECT, NULL, "swing", 0));
  submit (f->a, batch);
  both[0] = f->a, both[1] = f->b;
  g_assert_true (sync_test_wait_converged (f->ts, both, 2, 10000));

  f->heard_at = g_array_new (FALSE, FALSE, sizeof (guint64));
  f->heard_step = g_array_new (FALSE, FALSE, sizeof (guint));
  g_signal_connect (f->pb, "op-applied", G_CALLBACK (on_b_applied), f);
}

static void
start_playing (Fixture *f)
{
  TandemSyncClient *both[2] = { f->a, f->b };

  submit (f->a, tandem_transport_op_start (f->pa, tandem_transport_session_now (f->a),
                                           tandem_transport_session_lead (f->a), 0));
  g_assert_true (sync_test_wait_converged (f->ts, both, 2, 10000));
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_signal_handlers_disconnect_by_data (f->pb, f);
  tandem_sync_client_disconnect (f->a);
  tandem_sync_client_disconnect (f->b);
  g_clear_object (&f->a);
  g_clear_object (&f->b);
  sync_test_delay_proxy_free (f->proxy);
  sync_test_server_free (f->ts);
  g_array_unref (f->heard_at);
  g_array_unref (f->heard_step);
  g_free (f->pattern_id);
  g_free (f->track_id);
  g_free (f->proxied);
}

typedef struct
{
  TandemProject *project;
  const char    *pattern_id;
  guint          step;
  int            state;
} EvolveWait;

static gboolean
evolved_to (gpointer data)
{
  EvolveWait *w = data;
  TandemPattern *p = tandem_project_find_pattern (w->project, w->pattern_id);
  TandemEvolution ev;

  tandem_pattern_get_evolution (p, &ev);
  return ev.step == w->step && (w->state < 0 || (int) ev.state == w->state);
}

static char *
cells_text (TandemProject *project)
{
  g_autoptr(JsonNode) node = tandem_project_to_json (project);
  JsonArray *patterns = json_object_get_array_member (json_node_get_object (node), "patterns");
  JsonNode *cells = json_object_get_member (json_array_get_object_element (patterns, 0), "cells");
  g_autoptr(JsonGenerator) gen = json_generator_new ();

  json_generator_set_root (gen, cells);
  return json_generator_to_data (gen, NULL);
}

/* Every change of one step is first heard in one bar, and no change is
 * heard before that bar: nothing of a step leaks into the bar before. */
static void
assert_on_bars (Fixture *f,
                guint    per_bar)
{
  GHashTable *bar_of = g_hash_table_new (NULL, NULL);

  g_assert_cmpuint (f->heard_at->len, >, 0);
  for (guint i = 0; i < f->heard_at->len; i++)
    {
      guint64 g = g_array_index (f->heard_at, guint64, i);
      guint k = g_array_index (f->heard_step, guint, i);
      gpointer seen;

      if (g_hash_table_lookup_extended (bar_of, GUINT_TO_POINTER (k), NULL, &seen))
        g_assert_cmpuint (GPOINTER_TO_UINT (seen), ==, g / per_bar);
      else
        g_hash_table_insert (bar_of, GUINT_TO_POINTER (k), GUINT_TO_POINTER ((guint) (g / per_bar)));
    }
  g_test_message ("%u cell changes on %u bars", f->heard_at->len, g_hash_table_size (bar_of));
  g_assert_cmpuint (g_hash_table_size (bar_of), >=, 3);
  g_hash_table_unref (bar_of);
}

static void
test_evolution (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(TandemEvolutionDriver) da = tandem_evolution_driver_new (f->pa, f->a, NULL);
  g_autoptr(TandemEvolutionDriver) db = tandem_evolution_driver_new (f->pb, f->b, NULL);
  g_autofree char *before = tandem_project_to_string (f->pa);
  TandemSyncClient *both[2] = { f->a, f->b };
  TandemPattern *pattern = tandem_project_find_pattern (f->pa, f->pattern_id);
  g_autoptr(TandemProject) offline = NULL;
  g_autoptr(TandemOp) start = NULL;
  g_autoptr(GError) error = NULL;
  EvolveWait w = { f->pb, f->pattern_id, 4, TANDEM_EVOLVE_OFF };

  start_playing (f);
  g_array_set_size (f->heard_at, 0);
  g_array_set_size (f->heard_step, 0);
  start = tandem_evolve_op_start (f->pa, pattern, TANDEM_EVOLVE_MUTATE, 40, 1, 4,
                                  TANDEM_EVOLVE_END_STOP, 77,
                                  tandem_evolution_driver_get_author (da));
  submit (f->a, tandem_op_ref (start));
  g_assert_true (sync_test_wait (evolved_to, &w, 20000));
  g_assert_cmpuint (tandem_evolution_driver_get_n_running (db), ==, 0);
  g_assert_true (sync_test_wait_converged (f->ts, both, 2, 10000));
  assert_on_bars (f, 16);

  /* The same seed from the same cells gives the same cells at step 4. */
  {
    g_autoptr(JsonNode) node = json_from_string (before, NULL);
    g_autofree char *expected = NULL;
    g_autofree char *got_a = cells_text (f->pa);
    g_autofree char *got_b = cells_text (f->pb);

    offline = tandem_project_new_from_json (node, &error);
    g_assert_no_error (error);
    g_assert_true (tandem_project_apply (offline, start, NULL, &error));
    for (guint k = 0; k < 4; k++)
      {
        g_autoptr(TandemOp) next = tandem_evolve_op_next (offline,
                                                          tandem_project_find_pattern (offline,
                                                                                       f->pattern_id));
        g_assert_true (tandem_project_apply (offline, next, NULL, &error));
      }
    expected = cells_text (offline);
    g_assert_cmpstr (got_a, ==, expected);
    g_assert_cmpstr (got_b, ==, expected);
  }
}

static gboolean
paused_on_b (gpointer data)
{
  Fixture *f = data;
  TandemEvolution ev;

  tandem_pattern_get_evolution (tandem_project_find_pattern (f->pb, f->pattern_id), &ev);
  return ev.state == TANDEM_EVOLVE_PAUSED;
}

static void
test_evolution_author_leaves (Fixture       *f,
                              gconstpointer  data)
{
  TandemEvolutionDriver *da = tandem_evolution_driver_new (f->pa, f->a, NULL);
  g_autoptr(TandemEvolutionDriver) db = tandem_evolution_driver_new (f->pb, f->b, NULL);
  TandemPattern *pattern = tandem_project_find_pattern (f->pa, f->pattern_id);
  EvolveWait w = { f->pb, f->pattern_id, 1, TANDEM_EVOLVE_RUNNING };
  TandemEvolution ev;
  guint paused_at;

  start_playing (f);
  submit (f->a, tandem_evolve_op_start (f->pa, pattern, TANDEM_EVOLVE_ROTATE, 1, 1, 100,
                                        TANDEM_EVOLVE_END_LOOP, 3,
                                        tandem_evolution_driver_get_author (da)));
  g_assert_true (sync_test_wait (evolved_to, &w, 20000));

  /* A leaves: B pauses it for everyone. */
  tandem_evolution_driver_free (da);
  tandem_sync_client_disconnect (f->a);
  g_assert_true (sync_test_wait (paused_on_b, f, 10000));
  tandem_pattern_get_evolution (tandem_project_find_pattern (f->pb, f->pattern_id), &ev);
  g_assert_cmpstr (ev.author, ==, "");
  paused_at = ev.step;

  /* Anyone may resume it: B does, and sends the next step itself. */
  submit (f->b, tandem_evolve_op_resume (tandem_project_find_pattern (f->pb, f->pattern_id),
                                         tandem_evolution_driver_get_author (db)));
  w.step = paused_at + 1;
  g_assert_true (sync_test_wait (evolved_to, &w, 20000));
  g_assert_cmpuint (tandem_evolution_driver_get_n_running (db), ==, 1);
}

/* The author leaves while alone: whoever joins next finds it and pauses it. */
static void
test_evolution_orphaned (Fixture       *f,
                         gconstpointer  data)
{
  TandemEvolutionDriver *da = tandem_evolution_driver_new (f->pa, f->a, NULL);
  g_autoptr(TandemEvolutionDriver) db = tandem_evolution_driver_new (f->pb, f->b, NULL);
  TandemPattern *pattern = tandem_project_find_pattern (f->pa, f->pattern_id);
  EvolveWait w = { f->pa, f->pattern_id, 1, TANDEM_EVOLVE_RUNNING };
  g_autoptr(GError) error = NULL;

  start_playing (f);
  tandem_sync_client_disconnect (f->b);
  submit (f->a, tandem_evolve_op_start (f->pa, pattern, TANDEM_EVOLVE_ROTATE, 1, 1, 100,
                                        TANDEM_EVOLVE_END_LOOP, 3,
                                        tandem_evolution_driver_get_author (da)));
  g_assert_true (sync_test_wait (evolved_to, &w, 20000));
  tandem_evolution_driver_free (da);
  tandem_sync_client_disconnect (f->a);

  g_assert_true (tandem_sync_client_connect (f->b, f->proxied, &error));
  g_assert_no_error (error);
  g_assert_true (sync_test_wait_live (f->b));
  g_assert_true (sync_test_wait (paused_on_b, f, 10000));
}

static gboolean
progress_is_five (gpointer data)
{
  return *(guint *) data == 5;
}

static void
on_progress (TandemRhythmStream *stream,
             guint               done,
             guint               total,
             gpointer            data)
{
  guint *last = data;

  g_assert_cmpuint (done, >, *last);
  g_assert_cmpuint (done, <=, total);
  *last = done;
}

static gboolean
stream_done (gpointer data)
{
  return !tandem_rhythm_stream_is_running (data);
}

static gboolean
stream_at (gpointer data)
{
  return tandem_rhythm_stream_get_n_done (data) >= 2;
}

/* The cells of variation @index of r(3:2) on the track, as B has them. */
static void
assert_variation (Fixture *f,
                  TandemProject *project,
                  guint    index)
{
  TandemPattern *pattern = tandem_project_find_pattern (project, f->pattern_id);
  TandemRhythm base, v;

  g_assert_true (tandem_rhythm_resultant (&base, 3, 2, 0, NULL));
  tandem_rhythm_variation (&base, index, &v);
  for (guint s = 0; s < tandem_pattern_get_length (pattern); s++)
    g_assert_cmpuint (tandem_pattern_get_cell (pattern, f->track_id, s)->velocity > 0, ==,
                      v.onset[s % v.period]);
}

static void
test_stream (Fixture       *f,
             gconstpointer  data)
{
  TandemSyncClient *both[2] = { f->a, f->b };
  g_autoptr(TandemRhythmStream) stream = NULL;
  TandemRhythm base;
  guint last = 0;

  g_assert_true (tandem_rhythm_resultant (&base, 3, 2, 0, NULL));
  start_playing (f);
  g_array_set_size (f->heard_at, 0);
  g_array_set_size (f->heard_step, 0);
  stream = tandem_rhythm_stream_new (f->pa, f->a, f->pattern_id, f->track_id, &base, 5, 1,
                                     on_progress, &last);
  g_assert_true (sync_test_wait (stream_done, stream, 20000));
  g_assert_true (sync_test_wait (progress_is_five, &last, 5000));
  g_assert_true (sync_test_wait_converged (f->ts, both, 2, 10000));
  assert_variation (f, f->pa, 4);
  assert_variation (f, f->pb, 4);
}

static void
test_stream_stop (Fixture       *f,
                  gconstpointer  data)
{
  TandemSyncClient *both[2] = { f->a, f->b };
  g_autoptr(TandemRhythmStream) stream = NULL;
  TandemRhythm base;
  guint done;

  g_assert_true (tandem_rhythm_resultant (&base, 3, 2, 0, NULL));
  start_playing (f);
  stream = tandem_rhythm_stream_new (f->pa, f->a, f->pattern_id, f->track_id, &base, 100, 1,
                                     NULL, NULL);
  g_assert_true (sync_test_wait (stream_at, stream, 20000));
  tandem_rhythm_stream_stop (stream);
  done = tandem_rhythm_stream_get_n_done (stream);
  g_assert_false (tandem_rhythm_stream_is_running (stream));
  /* Nothing more comes: the pattern stays as the last variation left it. */
  sync_test_spin (2000); /* longer than a bar */
  g_assert_cmpuint (tandem_rhythm_stream_get_n_done (stream), ==, done);
  g_assert_true (sync_test_wait_converged (f->ts, both, 2, 10000));
  assert_variation (f, f->pa, done - 1);
  assert_variation (f, f->pb, done - 1);
}

int
main (int   argc,
      char *argv[])
{
  sync_test_init (&argc, &argv);
  g_test_add ("/generate/evolution", Fixture, NULL, fixture_set_up, test_evolution,
              fixture_tear_down);
  g_test_add ("/generate/evolution-author-leaves", Fixture, NULL, fixture_set_up,
              test_evolution_author_leaves, fixture_tear_down);
  g_test_add ("/generate/evolution-orphaned", Fixture, NULL, fixture_set_up,
              test_evolution_orphaned, fixture_tear_down);
  g_test_add ("/generate/stream", Fixture, NULL, fixture_set_up, test_stream, fixture_tear_down);
  g_test_add ("/generate/stream-stop", Fixture, NULL, fixture_set_up, test_stream_stop,
              fixture_tear_down);
  return g_test_run ();
}
