/* test-metronome.c — the click: on the beat, accented on the bar, personal
 *
 * Offline renders of an empty project, so that every sound is a click.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "audio-test-utils.h"
#include "tandem-renderer.h"

#define BEAT   24000          /* frames at 120 BPM, 48 kHz */
#define START  1000.0         /* where the count-in's first beat falls */
#define CLICK  ((gsize) (ATU_RATE * TANDEM_METRONOME_SECONDS + 0.5))

typedef struct
{
  GArray *onsets;
  GArray *peaks;
} Clicks;

/* Renders @n frames of @project playing from grid step 0 at an anchor one
 * bar after START (a bar of count-in), in callbacks of @block frames. */
static float *
render (TandemProject       *project,
        TandemMetronomeMode  mode,
        gsize                n,
        guint                block)
{
  TandemRenderPlan *plan = atu_compile (project, NULL);
  TandemRenderer *renderer = tandem_renderer_new (ATU_RATE, 512);
  guint per_bar = tandem_project_get_beats_per_bar (project);
  float *out = g_new0 (float, n * 2);

  tandem_renderer_set_metering (renderer, FALSE);
  tandem_renderer_set_metronome (renderer, mode);
  tandem_renderer_set_plan (renderer, plan);
  tandem_renderer_anchor (renderer, START + per_bar * BEAT, 0, plan->step_frames);
  for (gsize done = 0; done < n; done += block)
    tandem_renderer_process (renderer, out + 2 * done, (guint) MIN (block, n - done));
  tandem_renderer_free (renderer);
  tandem_render_plan_free (plan);
  return out;
}

static Clicks
find_clicks (const float *out,
             gsize        n)
{
  Clicks clicks = { atu_onsets (out, n, 0), g_array_new (FALSE, FALSE, sizeof (float)) };

  for (guint i = 0; i < clicks.onsets->len; i++)
    {
      gint64 at = g_array_index (clicks.onsets, gint64, i);
      float peak = atu_peak (out + 2 * at, 2 * MIN (CLICK, n - (gsize) at));

      g_array_append_val (clicks.peaks, peak);
    }
  return clicks;
}

static void
clicks_clear (Clicks *clicks)
{
  g_array_unref (clicks->onsets);
  g_array_unref (clicks->peaks);
}

static TandemProject *
empty_project (guint beats_per_bar)
{
  TandemProject *project = atu_project_new (120.0, 4, 16);

  atu_apply (project, tandem_op_new_set_int (TANDEM_ENTITY_PROJECT, NULL, "beats-per-bar",
                                             beats_per_bar));
  return project;
}

/* Count-in only: one bar of clicks before the start, the first accented,
 * and none once playing. */
static void
test_count_in (void)
{
  g_autoptr(TandemProject) project = empty_project (4);
  g_autofree char *before = tandem_project_to_string (project);
  g_autofree char *after = NULL;
  gsize n = (gsize) START + 8 * BEAT;
  g_autofree float *out = render (project, TANDEM_METRONOME_COUNT_IN, n, 300);
  Clicks clicks = find_clicks (out, n);

  g_assert_cmpuint (clicks.onsets->len, ==, 4);
  for (guint i = 0; i < 4; i++)
    g_assert_cmpint (g_array_index (clicks.onsets, gint64, i), ==, (gint64) START + i * BEAT);
  /* Beat 1 is louder than beats 2, 3 and 4, which are alike. */
  for (guint i = 1; i < 4; i++)
    {
      g_assert_cmpfloat (g_array_index (clicks.peaks, float, 0), >,
                         1.5f * g_array_index (clicks.peaks, float, i));
      g_assert_cmpfloat_with_epsilon (g_array_index (clicks.peaks, float, i),
                                      g_array_index (clicks.peaks, float, 1), 1e-3);
    }
  g_assert_cmpfloat (g_array_index (clicks.peaks, float, 0), <=, TANDEM_METRONOME_ACCENT);
  /* A click is short: silence long before the next beat. */
  g_assert_cmpfloat (atu_peak (out + 2 * ((gsize) START + 2 * CLICK), 2 * (BEAT - 3 * CLICK)),
                     ==, 0.0f);

  /* The click is the player's own: the project is as it was. */
  after = tandem_project_to_string (project);
  g_assert_cmpstr (after, ==, before);
  clicks_clear (&clicks);
}

/* Also while playing: every beat on, accented on each bar's first. */
static void
test_while_playing (void)
{
  g_autoptr(TandemProject) project = empty_project (4);
  gsize n = (gsize) START + 12 * BEAT + 100;
  g_autofree float *out = render (project, TANDEM_METRONOME_ALWAYS, n, 256);
  Clicks clicks = find_clicks (out, n);
  float accent = g_array_index (clicks.peaks, float, 0);

  g_assert_cmpuint (clicks.onsets->len, ==, 13);
  for (guint i = 0; i < clicks.onsets->len; i++)
    {
      g_assert_cmpint (g_array_index (clicks.onsets, gint64, i), ==, (gint64) START + i * BEAT);
      if (i % 4 == 0)
        g_assert_cmpfloat_with_epsilon (g_array_index (clicks.peaks, float, i), accent, 1e-3);
      else
        g_assert_cmpfloat (g_array_index (clicks.peaks, float, i), <, accent / 1.5f);
    }
  clicks_clear (&clicks);
}

/* Three beats a bar: the accent comes every third beat. */
static void
test_three_four (void)
{
  g_autoptr(TandemProject) project = empty_project (3);
  gsize n = (gsize) START + 9 * BEAT + 100;
  g_autofree float *out = render (project, TANDEM_METRONOME_ALWAYS, n, 512);
  Clicks clicks = find_clicks (out, n);
  float accent = g_array_index (clicks.peaks, float, 0);

  g_assert_cmpuint (clicks.onsets->len, ==, 10);
  for (guint i = 0; i < clicks.onsets->len; i++)
    {
      g_assert_cmpint (g_array_index (clicks.onsets, gint64, i), ==, (gint64) START + i * BEAT);
      g_assert_true ((g_array_index (clicks.peaks, float, i) > accent / 1.5f) == (i % 3 == 0));
    }
  clicks_clear (&clicks);
}

/* Sample-exact whatever the callback size; off is silence. */
static void
test_block_sizes_and_off (void)
{
  g_autoptr(TandemProject) project = empty_project (4);
  gsize n = (gsize) START + 6 * BEAT;
  g_autofree float *a = render (project, TANDEM_METRONOME_ALWAYS, n, 64);
  g_autofree float *b = render (project, TANDEM_METRONOME_ALWAYS, n, 1000);
  g_autofree float *off = render (project, TANDEM_METRONOME_OFF, n, 256);
  g_autofree char *hash_a = atu_hash (a, n * 2);
  g_autofree char *hash_b = atu_hash (b, n * 2);

  g_assert_cmpstr (hash_a, ==, hash_b);
  g_assert_cmpfloat (atu_peak (off, n * 2), ==, 0.0f);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/metronome/count-in", test_count_in);
  g_test_add_func ("/metronome/while-playing", test_while_playing);
  g_test_add_func ("/metronome/three-four", test_three_four);
  g_test_add_func ("/metronome/block-sizes-and-off", test_block_sizes_and_off);
  return g_test_run ();
}
