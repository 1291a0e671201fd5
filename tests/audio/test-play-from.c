/* test-play-from.c — song mode plays from the bar the start's anchor step names
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Play shares where it starts as the anchor step of its op (docs/protocol.md,
 * "Clock and transport"). Each bar of the test song has its own pattern
 * with as many one-frame impulses as its bar number (bar 1: one, bar 2:
 * two…), so counting the onsets in a bar's span tells which bar played.
 */
#define G_LOG_DOMAIN "tandem-test"

#include "config.h"

#include <math.h>

#include "audio-test-utils.h"
#include "tandem-plan-compile.h"
#include "tandem-renderer.h"

#define N_BARS    6
#define PER_BAR   16          /* 4 beats of 4 steps */
#define START     1000.0      /* the anchor's device frame */

/* Bars 1…N_BARS, each a clip of its own pattern with (bar number) impulses
 * on its first steps; song mode. */
static TandemProject *
song_project (void)
{
  TandemProject *project = atu_project_new (120.0, 4, PER_BAR);

  atu_add_sample_info (project, ATU_FAKE_HASH, ATU_RATE, 1);
  atu_add_track (project, "imp", "sample:" ATU_FAKE_HASH);
  atu_set_track (project, "imp", "pan", -1.0);
  for (guint bar = 0; bar < N_BARS; bar++)
    {
      g_autofree char *pattern_id = g_strdup_printf ("bar%u", bar);
      g_autofree char *pattern_json =
        g_strdup_printf ("{\"id\":\"%s\",\"name\":\"Bar %u\",\"length\":%u}", pattern_id, bar + 1,
                         PER_BAR);
      g_autofree char *clip_json =
        g_strdup_printf ("{\"id\":\"c%u\",\"pattern\":\"%s\",\"start\":%u,\"length\":1}", bar,
                         pattern_id, bar);

      atu_apply (project, tandem_op_new_insert (TANDEM_ENTITY_PATTERN, -1,
                                                json_from_string (pattern_json, NULL)));
      atu_apply (project, tandem_op_new_insert (TANDEM_ENTITY_CLIP, -1,
                                                json_from_string (clip_json, NULL)));
      for (guint s = 0; s <= bar; s++)
        atu_set_cell (project, pattern_id, "imp", s, "velocity", 127);
    }
  atu_apply (project, tandem_op_new_set_string (TANDEM_ENTITY_PROJECT, NULL, "play-mode", "song"));
  return project;
}

static void
set_loop (TandemProject *project,
          guint          start,
          guint          length)
{
  atu_apply (project, tandem_op_new_set_boolean (TANDEM_ENTITY_PROJECT, NULL, "loop-enabled", TRUE));
  atu_apply (project, tandem_op_new_set_int (TANDEM_ENTITY_PROJECT, NULL, "loop-start", start));
  atu_apply (project, tandem_op_new_set_int (TANDEM_ENTITY_PROJECT, NULL, "loop-length", length));
}

/* Starts @plan at anchor step @from_step and returns the bars (0-based)
 * heard in the first @n_bars bars of time. Also checks that the first step
 * played is @from_step itself. */
static GArray *
bars_heard (const TandemRenderPlan *plan,
            guint64                 from_step,
            guint                   n_bars)
{
  TandemRenderer *renderer = tandem_renderer_new (ATU_RATE, 256);
  double bar_frames = plan->step_frames * PER_BAR;
  gsize first = (gsize) START + 10, n = (gsize) ceil (START + n_bars * bar_frames);
  g_autofree float *out = g_new0 (float, n * 2);
  g_autoptr(GArray) onsets = NULL;
  GArray *bars = g_array_new (FALSE, TRUE, sizeof (guint));

  tandem_renderer_set_plan (renderer, plan);
  tandem_renderer_anchor (renderer, START, from_step, plan->step_frames);

  /* Just past the first onset: the song position is the anchor step. */
  tandem_renderer_process (renderer, out, (guint) first);
  g_assert_true (tandem_renderer_is_playing (renderer));
  g_assert_cmpint (tandem_renderer_get_position (renderer), ==, (gint64) from_step);
  for (gsize done = first; done < n; done += 512)
    tandem_renderer_process (renderer, out + 2 * done, (guint) MIN (512, n - done));

  onsets = atu_onsets (out, n, 0);
  g_assert_cmpuint (onsets->len, >, 0);
  g_assert_cmpint (g_array_index (onsets, gint64, 0), ==, (gint64) START);
  for (guint b = 0; b < n_bars; b++)
    {
      double from = START + b * bar_frames, to = from + bar_frames;
      guint count = 0;

      for (guint i = 0; i < onsets->len; i++)
        {
          double f = (double) g_array_index (onsets, gint64, i);

          count += f >= from - 0.5 && f < to - 0.5;
        }
      g_assert_cmpuint (count, >=, 1);
      count--;
      g_array_append_val (bars, count);
    }
  tandem_renderer_free (renderer);
  return bars;
}

static void
assert_bars (GArray      *bars,
             const guint *expected,
             guint        n)
{
  g_assert_cmpuint (bars->len, ==, n);
  for (guint i = 0; i < n; i++)
    g_assert_cmpuint (g_array_index (bars, guint, i), ==, expected[i]);
}

/* From bar 4 of 6: bars 4, 5, 6, then the song wraps to bar 1. */
static void
test_from_bar (void)
{
  g_autoptr(TandemSample) impulse = atu_impulse_sample ();
  g_autoptr(TandemProject) project = song_project ();
  g_autoptr(TandemRenderPlan) plan = atu_compile (project, impulse);
  g_autoptr(GArray) from_top = NULL;
  g_autoptr(GArray) from_4 = NULL;
  const guint top[] = { 0, 1, 2 };
  const guint four[] = { 3, 4, 5, 0, 1 };

  g_assert_cmpint (plan->play_mode, ==, TANDEM_PLAY_MODE_SONG);
  from_top = bars_heard (plan, 0, G_N_ELEMENTS (top));
  assert_bars (from_top, top, G_N_ELEMENTS (top));
  from_4 = bars_heard (plan, 3 * PER_BAR, G_N_ELEMENTS (four));
  assert_bars (from_4, four, G_N_ELEMENTS (four));
}

/* With a loop over bars 3–4: from bar 2 on into the loop; from bar 4 (in
 * the loop) to its end, then round it. */
static void
test_from_bar_with_loop (void)
{
  g_autoptr(TandemSample) impulse = atu_impulse_sample ();
  g_autoptr(TandemProject) project = song_project ();
  g_autoptr(TandemRenderPlan) plan = NULL;
  g_autoptr(GArray) from_2 = NULL;
  g_autoptr(GArray) from_4 = NULL;
  const guint two[] = { 1, 2, 3, 2, 3, 2 };
  const guint four[] = { 3, 2, 3, 2 };

  set_loop (project, 2, 2);
  plan = atu_compile (project, impulse);
  g_assert_true (plan->loop);
  from_2 = bars_heard (plan, 1 * PER_BAR, G_N_ELEMENTS (two));
  assert_bars (from_2, two, G_N_ELEMENTS (two));
  from_4 = bars_heard (plan, 3 * PER_BAR, G_N_ELEMENTS (four));
  assert_bars (from_4, four, G_N_ELEMENTS (four));
}

/* Someone who joins after a start from bar 3 hears the same bars at the
 * same frames as someone who was there. */
static void
test_late_join_from_bar (void)
{
  g_autoptr(TandemSample) impulse = atu_impulse_sample ();
  g_autoptr(TandemProject) project = song_project ();
  g_autoptr(TandemRenderPlan) plan = atu_compile (project, impulse);
  TandemRenderer *late = tandem_renderer_new (ATU_RATE, 256);
  double bar_frames = plan->step_frames * PER_BAR;
  gsize skip = (gsize) (START + 1.5 * bar_frames), n = (gsize) (START + 3 * bar_frames);
  g_autofree float *silence = g_new0 (float, skip * 2);
  g_autofree float *out = g_new0 (float, (n - skip) * 2);
  g_autoptr(GArray) onsets = NULL;
  guint count = 0;

  /* Half-way through bar 4 (the second bar played): the rest of bar 4 has
   * no impulses (bar 4 sounds on its first four steps), bar 5 has five. */
  tandem_renderer_process (late, silence, (guint) skip);
  tandem_renderer_set_plan (late, plan);
  tandem_renderer_anchor (late, START, 2 * PER_BAR, plan->step_frames);
  tandem_renderer_process (late, out, (guint) (n - skip));
  onsets = atu_onsets (out, n - skip, 0);
  for (guint i = 0; i < onsets->len; i++)
    {
      gint64 f = g_array_index (onsets, gint64, i) + (gint64) skip;
      double from = START + 2 * bar_frames;

      g_assert_cmpfloat ((double) f, >=, from - 0.5);
      g_assert_cmpint (f, ==, (gint64) floor (from + count * plan->step_frames + 0.5));
      count++;
    }
  g_assert_cmpuint (count, ==, 5);
  tandem_renderer_free (late);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/play-from/bar", test_from_bar);
  g_test_add_func ("/play-from/bar-with-loop", test_from_bar_with_loop);
  g_test_add_func ("/play-from/late-join", test_late_join_from_bar);
  return g_test_run ();
}
