/* bench-music.c — evolution steps, rhythm generation and chord-lane plan compiles
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-bench"

#include "config.h"

#include "tandem-bench.h"
#include "tandem-model.h"
#include "tandem-plan-compile.h"

#define TRACKS 64
#define ROUNDS 200

static JsonNode *
object (JsonObject *obj)
{
  JsonNode *node = json_node_init_object (json_node_alloc (), obj);

  json_object_unref (obj);
  return node;
}

static void
apply (TandemProject *project,
       TandemOp      *op)
{
  g_autoptr(TandemOp) owned = op;
  g_autoptr(GError) error = NULL;

  if (!tandem_project_apply (project, owned, NULL, &error))
    g_error ("%s", error->message);
}

/* @n_tracks synth or kick tracks, one pattern of 64 steps, half the cells on. */
static TandemProject *
make_project (guint    n_tracks,
              gboolean chords)
{
  TandemProject *project = tandem_project_new ();
  JsonObject *obj = json_object_new ();

  json_object_set_string_member (obj, "id", "p");
  json_object_set_int_member (obj, "length", 64);
  apply (project, tandem_op_new_insert (TANDEM_ENTITY_PATTERN, -1, object (obj)));
  for (guint t = 0; t < n_tracks; t++)
    {
      g_autofree char *id = g_strdup_printf ("t%02u", t);

      obj = json_object_new ();
      json_object_set_string_member (obj, "id", id);
      json_object_set_string_member (obj, "instrument", chords ? "synth" : "kick");
      apply (project, tandem_op_new_insert (TANDEM_ENTITY_TRACK, -1, object (obj)));
      if (chords)
        {
          apply (project, tandem_op_new_set_string (TANDEM_ENTITY_TRACK, id, "harmony",
                                                    t % 2 ? "chord" : "chord-tone"));
          apply (project, tandem_op_new_set_string (TANDEM_ENTITY_TRACK, id, "arp",
                                                    t % 4 == 1 ? "up-down" : "off"));
        }
      for (guint s = 0; s < 64; s += 2)
        apply (project, tandem_op_new_set_cell ("p", id, s, "velocity", 100));
    }
  if (chords)
    apply (project, tandem_op_new_set_string (TANDEM_ENTITY_PATTERN, "p", "chords",
                                              "I V vi IV ii7 V7 Imaj7 bVII"));
  return project;
}

static void
bench_evolve (void)
{
  static const TandemEvolveRule rules[] = {
    TANDEM_EVOLVE_MUTATE, TANDEM_EVOLVE_ROTATE, TANDEM_EVOLVE_DENSITY, TANDEM_EVOLVE_AUTOMATON,
  };
  static const char * const names[] = { "mutate", "rotate", "density", "automaton" };

  for (guint r = 0; r < G_N_ELEMENTS (rules); r++)
    {
      g_autoptr(TandemProject) project = make_project (TRACKS, FALSE);
      TandemPattern *pattern = tandem_project_find_pattern (project, "p");
      g_autofree double *times = g_new (double, ROUNDS);
      guint64 ops = 0;
      TandemEvolution ev;

      apply (project, tandem_evolve_op_start (project, pattern, rules[r], rules[r] == 3 ? 90 : 20,
                                              1, ROUNDS, TANDEM_EVOLVE_END_STOP, 1, "bench"));
      tandem_pattern_get_evolution (pattern, &ev);
      for (guint i = 0; i < ROUNDS; i++)
        {
          gint64 t0 = g_get_monotonic_time ();
          TandemOp *next = tandem_evolve_op_next (project, pattern);

          ops += tandem_op_batch_get_n_ops (next);
          apply (project, next);
          times[i] = (double) (g_get_monotonic_time () - t0);
        }
      g_print ("evolve %-9s %u tracks × 64 steps: step p50 %.0f µs, p99 %.0f µs, "
               "%.0f cell ops a step; origin %zu bytes\n",
               names[r], TRACKS, tandem_bench_percentile (times, ROUNDS, 50),
               tandem_bench_percentile (times, ROUNDS, 99), (double) ops / ROUNDS,
               strlen (ev.origin));
    }
}

static void
bench_rhythm (void)
{
  g_autofree TandemRhythm *r = g_new (TandemRhythm, 1);
  g_autofree TandemRhythm *v = g_new (TandemRhythm, 1);
  gint64 t0 = g_get_monotonic_time ();

  for (guint i = 0; i < 1000; i++)
    tandem_rhythm_resultant (r, 16, 15, 14, NULL);
  g_print ("resultant 16:15:14 (%u units, %u attacks): %.1f µs\n", r->period,
           tandem_rhythm_count_onsets (r), (g_get_monotonic_time () - t0) / 1000.0);
  t0 = g_get_monotonic_time ();
  for (guint i = 0; i < 1000; i++)
    tandem_rhythm_variation (r, i, v);
  g_print ("variation of it: %.1f µs\n", (g_get_monotonic_time () - t0) / 1000.0);
}

static void
bench_compile (void)
{
  for (guint c = 0; c < 2; c++)
    {
      g_autoptr(TandemProject) project = make_project (TRACKS, c == 1);
      TandemPlanOptions options = { 0 };
      g_autofree double *times = g_new (double, ROUNDS);

      options.sample_rate = 48000;
      for (guint i = 0; i < ROUNDS; i++)
        {
          gint64 t0 = g_get_monotonic_time ();
          TandemRenderPlan *plan = tandem_plan_compile (project, &options);

          times[i] = (double) (g_get_monotonic_time () - t0);
          tandem_render_plan_free (plan);
        }
      g_print ("plan compile, %u %s tracks × 64 steps: p50 %.0f µs, p99 %.0f µs\n", TRACKS,
               c == 1 ? "chord (tones, chords, arpeggios)" : "drum",
               tandem_bench_percentile (times, ROUNDS, 50),
               tandem_bench_percentile (times, ROUNDS, 99));
    }
}

int
tandem_bench_music (int    argc,
                    char **argv)
{
  bench_rhythm ();
  bench_evolve ();
  bench_compile ();
  return 0;
}
