/* test-transport-clock.c — the shared transport: anchor → frames, late joins, tempo changes
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Renders use a one-frame impulse on every step (or on chosen steps), so
 * each step shows up as exactly one non-zero frame whose index is its onset.
 */
#define G_LOG_DOMAIN "tandem-test"

#include "config.h"

#include <math.h>

#include "audio-test-utils.h"
#include "tandem-plan-compile.h"
#include "tandem-renderer.h"
#include "tandem-transport-clock.h"

static TandemSample *
lookup_impulse (const char *hash,
                gpointer    user_data)
{
  return user_data;
}

/* @length steps, an impulse on the steps of @mask (bit i = step i). */
static TandemProject *
impulse_project (double  tempo,
                 guint   length,
                 guint64 mask)
{
  TandemProject *project = atu_project_new (tempo, 4, length);

  atu_add_sample_info (project, ATU_FAKE_HASH, ATU_RATE, 1);
  atu_add_track (project, "imp", "sample:" ATU_FAKE_HASH);
  atu_set_track (project, "imp", "pan", -1.0);
  for (guint s = 0; s < length; s++)
    if (mask & (G_GUINT64_CONSTANT (1) << s))
      atu_set_cell (project, "p0", "imp", s, "velocity", 127);
  return project;
}

static TandemRenderPlan *
compile (TandemProject *project,
         TandemSample  *sample,
         gboolean       playing)
{
  TandemPlanOptions options = { 0 };

  options.sample_rate = ATU_RATE;
  options.lookup = lookup_impulse;
  options.lookup_data = sample;
  options.force_playing = playing;
  return tandem_plan_compile (project, &options);
}

/* Renders @n frames into a new buffer, in blocks of @block. */
static float *
render (TandemRenderer *renderer,
        gsize           n,
        guint           block)
{
  float *out = g_new0 (float, n * 2);

  for (gsize done = 0; done < n; done += block)
    tandem_renderer_process (renderer, out + 2 * done, (guint) MIN (block, n - done));
  return out;
}

static void
test_pure (void)
{
  double step_us = tandem_transport_step_us (120.0, 4);
  double frame, t;

  /* 120 BPM, 4 steps a beat: 125 ms a step. */
  g_assert_cmpfloat_with_epsilon (step_us, 125000.0, 1e-9);
  g_assert_cmpfloat_with_epsilon (tandem_transport_step_time (1000000, 8, step_us, 12), 1500000.0, 1e-6);
  g_assert_cmpfloat_with_epsilon (tandem_transport_position_at (1000000, 8, step_us, 1500000), 12.0, 1e-9);

  /* The next bar of 16 steps at or after a time; a bar's own onset counts. */
  g_assert_cmpuint (tandem_transport_next_bar (1000000, 0, step_us, 16, 1000000), ==, 0);
  g_assert_cmpuint (tandem_transport_next_bar (1000000, 0, step_us, 16, 1000001), ==, 16);
  g_assert_cmpuint (tandem_transport_next_bar (1000000, 0, step_us, 16, 3000000), ==, 16);
  g_assert_cmpuint (tandem_transport_next_bar (1000000, 0, step_us, 16, 3000001), ==, 32);
  g_assert_cmpuint (tandem_transport_next_bar (1000000, 4, step_us, 16, 2500000), ==, 16);

  /* Session time → device frame: the offset moves it to the local clock,
   * the output latency makes it earlier; and back. */
  frame = tandem_transport_frame_for_time (10000000, 250000, 20000, 9000000, 4800, ATU_RATE);
  /* local 9 750 000 − 20 000 latency − 9 000 000 ref = 730 ms after frame 4800 */
  g_assert_cmpfloat_with_epsilon (frame, 4800.0 + 0.730 * ATU_RATE, 1e-6);
  t = tandem_transport_time_for_frame (frame, 250000, 20000, 9000000, 4800, ATU_RATE);
  g_assert_cmpfloat_with_epsilon (t, 10000000.0, 1e-6);
}

/* The renderer's play_step() walk, written out again: from 0, +1 per step,
 * to the loop start at the loop end, to the start at the song end. */
static guint64
walk (const TandemRenderPlan *plan,
      guint64                 steps)
{
  guint64 k = 0, end = MAX (plan->song_end_step, plan->loop ? plan->loop_end_step : 0);

  for (guint64 i = 0; i < steps; i++)
    {
      k++;
      if (plan->loop && k == plan->loop_end_step)
        k = plan->loop_start_step;
      else if (k >= end)
        k = plan->loop ? plan->loop_start_step : 0;
    }
  return k;
}

static void
test_sequence_step (void)
{
  g_autoptr(TandemSample) impulse = atu_impulse_sample ();
  g_autoptr(TandemProject) project = impulse_project (120.0, 12, 1);
  g_autoptr(TandemRenderPlan) pattern_plan = compile (project, impulse, TRUE);
  g_autoptr(JsonNode) clip = json_from_string ("{\"id\":\"c1\",\"pattern\":\"p0\",\"start\":1,\"length\":3}", NULL);

  for (guint64 g = 0; g < 100; g++)
    g_assert_cmpuint (tandem_transport_sequence_step (pattern_plan, g), ==, g % 12);

  atu_apply (project, tandem_op_new_insert (TANDEM_ENTITY_CLIP, -1, g_steal_pointer (&clip)));
  atu_apply (project, tandem_op_new_set_string (TANDEM_ENTITY_PROJECT, NULL, "play-mode", "song"));
  for (guint loop = 0; loop < 2; loop++)
    {
      g_autoptr(TandemRenderPlan) plan = NULL;

      atu_apply (project, tandem_op_new_set_boolean (TANDEM_ENTITY_PROJECT, NULL, "loop-enabled", loop));
      atu_apply (project, tandem_op_new_set_int (TANDEM_ENTITY_PROJECT, NULL, "loop-start", 1));
      atu_apply (project, tandem_op_new_set_int (TANDEM_ENTITY_PROJECT, NULL, "loop-length", 2));
      plan = compile (project, impulse, TRUE);
      g_assert_cmpint (plan->play_mode, ==, TANDEM_PLAY_MODE_SONG);
      for (guint64 g = 0; g < 400; g++)
        g_assert_cmpuint (tandem_transport_sequence_step (plan, g), ==, walk (plan, g));
    }
}

/* A start anchored in the future: every onset where the anchor says, for
 * any block size; nothing before. */
static void
test_start_at (void)
{
  g_autoptr(TandemSample) impulse = atu_impulse_sample ();
  g_autoptr(TandemProject) project = impulse_project (120.0, 16, G_MAXUINT64);
  g_autoptr(TandemRenderPlan) plan = compile (project, impulse, TRUE);
  guint blocks[] = { 64, 256, 1000 };

  for (guint b = 0; b < G_N_ELEMENTS (blocks); b++)
    {
      TandemRenderer *renderer = tandem_renderer_new (ATU_RATE, 256);
      double start = 5000.25 + b;
      g_autofree float *out = NULL;
      g_autoptr(GArray) onsets = NULL;

      tandem_renderer_set_plan (renderer, plan);
      tandem_renderer_anchor (renderer, start, 0, plan->step_frames);
      out = render (renderer, 60000, blocks[b]);
      onsets = atu_onsets (out, 60000, 0);
      g_assert_cmpuint (onsets->len, ==, 10);  /* 5000 + 9 × 6000 < 60000 */
      for (guint i = 0; i < onsets->len; i++)
        g_assert_cmpint (g_array_index (onsets, gint64, i), ==,
                         (gint64) floor (start + i * plan->step_frames + 0.5));
      g_assert_cmpuint (tandem_renderer_get_clock (renderer), ==, 60000);
      tandem_renderer_free (renderer);
    }
}

/* Someone who joins late starts at the next step due and is in phase:
 * both the onsets and which steps of the pattern play match a renderer that
 * was there from the start. */
static void
test_late_join (void)
{
  g_autoptr(TandemSample) impulse = atu_impulse_sample ();
  /* Only steps 0 and 5 of 8 sound: a wrong pattern position would show. */
  g_autoptr(TandemProject) project = impulse_project (120.0, 8, (1 << 0) | (1 << 5));
  g_autoptr(TandemRenderPlan) plan = compile (project, impulse, TRUE);
  g_autoptr(TandemRenderPlan) stopped = compile (project, impulse, FALSE);
  TandemRenderer *early = tandem_renderer_new (ATU_RATE, 256);
  TandemRenderer *late = tandem_renderer_new (ATU_RATE, 256);
  g_autofree float *early_out = NULL, *late_silence = NULL, *late_out = NULL;
  g_autoptr(GArray) early_onsets = NULL;
  g_autoptr(GArray) late_onsets = NULL;
  guint first = 0;

  tandem_renderer_set_plan (early, plan);
  tandem_renderer_anchor (early, 1000.0, 0, plan->step_frames);
  early_out = render (early, 200000, 256);
  early_onsets = atu_onsets (early_out, 200000, 0);

  /* The late one has rendered 77 777 frames of silence before it learns
   * of the anchor, which lies in its past (the engine's order: the anchor,
   * then the plan that plays). */
  tandem_renderer_set_plan (late, stopped);
  late_silence = render (late, 77777, 512);
  g_assert_cmpfloat (atu_peak (late_silence, 77777 * 2), ==, 0.0f);
  tandem_renderer_anchor (late, 1000.0, 0, plan->step_frames);
  tandem_renderer_set_plan (late, plan);
  late_out = render (late, 200000 - 77777, 300);
  late_onsets = atu_onsets (late_out, 200000 - 77777, 0);

  while (first < early_onsets->len && g_array_index (early_onsets, gint64, first) < 77777)
    first++;
  g_assert_cmpuint (late_onsets->len, >, 3);
  g_assert_cmpuint (late_onsets->len, ==, early_onsets->len - first);
  for (guint i = 0; i < late_onsets->len; i++)
    g_assert_cmpint (g_array_index (late_onsets, gint64, i) + 77777, ==,
                     g_array_index (early_onsets, gint64, first + i));
  tandem_renderer_free (early);
  tandem_renderer_free (late);
}

/* A tempo change anchored on a bar: the old spacing up to that bar, the
 * new one from it; the plan with the new tempo arriving early changes
 * nothing before. */
static void
test_tempo_at_bar (void)
{
  g_autoptr(TandemSample) impulse = atu_impulse_sample ();
  g_autoptr(TandemProject) project = impulse_project (120.0, 16, G_MAXUINT64);
  g_autoptr(TandemRenderPlan) slow = compile (project, impulse, TRUE);
  g_autoptr(TandemRenderPlan) fast = NULL;
  TandemRenderer *renderer = tandem_renderer_new (ATU_RATE, 256);
  g_autofree float *a = NULL, *b = NULL;
  g_autoptr(GArray) onsets = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GArray) oa = NULL;
  g_autoptr(GArray) ob = NULL;
  double bar_frame;

  atu_set_project (project, "tempo", 150.0);
  fast = compile (project, impulse, TRUE);

  tandem_renderer_set_plan (renderer, slow);
  tandem_renderer_anchor (renderer, 0.0, 0, slow->step_frames);
  a = render (renderer, 30000, 256);     /* steps 0 … 4 */
  oa = atu_onsets (a, 30000, 0);
  g_array_append_vals (onsets, oa->data, oa->len);

  bar_frame = 16 * slow->step_frames;
  tandem_renderer_set_plan (renderer, fast);
  tandem_renderer_anchor (renderer, bar_frame, 16, fast->step_frames);
  b = render (renderer, 200000, 256);
  ob = atu_onsets (b, 200000, 0);
  for (guint i = 0; i < ob->len; i++)
    {
      gint64 f = g_array_index (ob, gint64, i) + 30000;
      g_array_append_val (onsets, f);
    }

  g_assert_cmpuint (onsets->len, >, 30);
  for (guint g = 0; g < onsets->len; g++)
    {
      double expected = g <= 16 ? g * slow->step_frames : bar_frame + (g - 16) * fast->step_frames;

      g_assert_cmpint (g_array_index (onsets, gint64, g), ==, (gint64) floor (expected + 0.5));
    }
  tandem_renderer_free (renderer);
}

/* An anchor that arrives before the plan that plays waits for it. */
static void
test_armed (void)
{
  g_autoptr(TandemSample) impulse = atu_impulse_sample ();
  g_autoptr(TandemProject) project = impulse_project (120.0, 16, G_MAXUINT64);
  g_autoptr(TandemRenderPlan) stopped = compile (project, impulse, FALSE);
  g_autoptr(TandemRenderPlan) playing = compile (project, impulse, TRUE);
  TandemRenderer *renderer = tandem_renderer_new (ATU_RATE, 256);
  g_autofree float *a = NULL, *b = NULL;
  g_autoptr(GArray) onsets = NULL;

  tandem_renderer_set_plan (renderer, stopped);
  tandem_renderer_anchor (renderer, 20000.0, 0, playing->step_frames);
  a = render (renderer, 10000, 256);
  g_assert_cmpfloat (atu_peak (a, 20000), ==, 0.0f);
  g_assert_false (tandem_renderer_is_playing (renderer));

  tandem_renderer_set_plan (renderer, playing);
  b = render (renderer, 40000, 256);
  onsets = atu_onsets (b, 40000, 0);
  g_assert_cmpuint (onsets->len, ==, 5);   /* 20 000 … 44 000 */
  g_assert_cmpint (g_array_index (onsets, gint64, 0) + 10000, ==, 20000);
  g_assert_cmpint (g_array_index (onsets, gint64, 1) + 10000, ==, 26000);
  tandem_renderer_free (renderer);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/transport-clock/pure", test_pure);
  g_test_add_func ("/transport-clock/sequence-step", test_sequence_step);
  g_test_add_func ("/transport-clock/start-at", test_start_at);
  g_test_add_func ("/transport-clock/late-join", test_late_join);
  g_test_add_func ("/transport-clock/tempo-at-bar", test_tempo_at_bar);
  g_test_add_func ("/transport-clock/armed", test_armed);
  return g_test_run ();
}
