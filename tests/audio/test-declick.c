/* test-declick.c — live edits, steals and deletes do not click
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A click is a sample-to-sample step larger than the music makes by itself:
 * each test compares the largest step after an edit with the largest step
 * of the same signal before it.
 */
#include "config.h"

#include <math.h>

#include "audio-test-utils.h"
#include "tandem-plan-compile.h"

#define FIVE_MS (ATU_RATE / 200)

static float
max_step (const float *out,
          guint        channel,
          gsize        from,
          gsize        to)
{
  float m = 0.0f;

  for (gsize i = from + 1; i < to; i++)
    m = MAX (m, fabsf (out[2 * i + channel] - out[2 * (i - 1) + channel]));
  return m;
}

static float
peak_between (const float *out,
              guint        channel,
              gsize        from,
              gsize        to)
{
  float m = 0.0f;

  for (gsize i = from; i < to; i++)
    m = MAX (m, fabsf (out[2 * i + channel]));
  return m;
}

/* A 225 Hz sine of @seconds: its own largest step is known. */
static TandemSample *
sine_sample (double seconds,
             float  level)
{
  gsize n = (gsize) (seconds * ATU_RATE);
  g_autofree float *frames = g_new (float, n);

  for (gsize i = 0; i < n; i++)
    frames[i] = level * (float) sin (2 * G_PI * 225.0 * i / ATU_RATE);
  return tandem_sample_new_from_frames (frames, n, ATU_RATE);
}

/* Renders @n frames of @first, switching to @second at frame @at. */
static float *
render_with_edit (TandemRenderPlan *first,
                  TandemRenderPlan *second,
                  gsize             at,
                  gsize             n)
{
  TandemRenderer *renderer = tandem_renderer_new (ATU_RATE, 256);
  float *out = g_new0 (float, 2 * n);

  tandem_renderer_set_plan (renderer, first);
  g_assert_cmpuint (at % 128, ==, 0);
  for (gsize done = 0; done < n; done += 128)
    {
      if (done == at)
        tandem_renderer_set_plan (renderer, second);
      tandem_renderer_process (renderer, out + 2 * done, (guint) MIN (128, n - done));
    }
  tandem_renderer_free (renderer);
  return out;
}

typedef void (*EditFunc) (TandemProject *project);

static void edit_mute (TandemProject *p) { atu_set_track_bool (p, "a", "mute", TRUE); }
static void edit_solo (TandemProject *p) { atu_set_track_bool (p, "b", "solo", TRUE); }
static void edit_fader (TandemProject *p) { atu_set_track (p, "a", "volume", -30.0); }
static void edit_pan (TandemProject *p) { atu_set_track (p, "a", "pan", 1.0); }
static void edit_master (TandemProject *p) { atu_set_project (p, "master-volume", -30.0); }

/* A held synth A3 on track "a" (and a silent track "b"): the edit lands
 * 0.25 s in, mid-note. */
static void
check_edit (gconstpointer data)
{
  EditFunc edit = (EditFunc) data;
  g_autoptr(TandemProject) project = atu_project_new (30.0, 1, 4);
  g_autoptr(TandemRenderPlan) before = NULL;
  g_autoptr(TandemRenderPlan) after = NULL;
  g_autofree float *out = NULL;
  gsize at = 94 * 128, n = ATU_RATE / 2;   /* a callback boundary, 0.25 s in */

  atu_set_project (project, "key-root", 9);   /* degree 0 is A3 */
  atu_add_track (project, "a", "synth");
  atu_add_track (project, "b", "synth");
  atu_set_track (project, "a", "pan", -0.5);
  atu_set_cell (project, "p0", "a", 0, "velocity", 127);
  before = atu_compile (project, NULL);
  edit (project);
  after = atu_compile (project, NULL);
  out = render_with_edit (before, after, at, n);

  for (guint c = 0; c < 2; c++)
    {
      /* An edit may make the channel louder: its own steps then grow too. */
      float before_edit = max_step (out, c, at - 50 * ATU_RATE / 1000, at);
      float after_edit = max_step (out, c, at + 4 * FIVE_MS, at + 14 * FIVE_MS);
      float at_edit = max_step (out, c, at - 1, at + FIVE_MS);

      g_test_message ("channel %u: largest step %.5f before, %.5f after, %.5f at the edit",
                      c, before_edit, after_edit, at_edit);
      g_assert_cmpfloat (before_edit, >, 1e-3);
      g_assert_cmpfloat (at_edit, <=, MAX (before_edit, after_edit));
    }
}

/* 128 voices sound; one more note steals the quietest, which is alone on
 * the right channel: it fades to silence within 5 ms, without a step. */
static void
test_steal_fades (void)
{
  g_autoptr(TandemProject) project = atu_project_new (60.0, 4, 16);
  g_autoptr(TandemSample) sine = sine_sample (2.0, 0.5);
  g_autoptr(TandemRenderPlan) plan = NULL;
  TandemRenderer *renderer = tandem_renderer_new (ATU_RATE, 256);
  gsize n = ATU_RATE / 2, steal = ATU_RATE / 4;   /* step 1 at 60 BPM, 4 steps a beat */
  g_autofree float *out = g_new0 (float, 2 * n);
  float natural, at_steal;

  atu_add_sample_info (project, ATU_FAKE_HASH, ATU_RATE, (guint64) 2 * ATU_RATE);
  for (guint t = 0; t < TANDEM_MAX_VOICES; t++)
    {
      g_autofree char *id = g_strdup_printf ("t%u", t);

      atu_add_track (project, id, "sample:" ATU_FAKE_HASH);
      atu_set_track (project, id, "pan", -1.0);
      atu_set_track (project, id, "volume", -45.0);
      /* 127 at step 0 (with "quiet", the pool is full), the last at step 1. */
      atu_set_cell (project, "p0", id, t + 1 < TANDEM_MAX_VOICES ? 0 : 1, "velocity", 127);
    }
  /* Started last of all at step 0: the quietest, but not the oldest. */
  atu_add_track (project, "quiet", "sample:" ATU_FAKE_HASH);
  atu_set_track (project, "quiet", "pan", 1.0);
  atu_set_track (project, "quiet", "volume", -40.0);
  atu_set_cell (project, "p0", "quiet", 0, "velocity", 10);
  plan = atu_compile (project, sine);
  tandem_renderer_set_plan (renderer, plan);
  for (gsize done = 0; done < n; done += 256)
    tandem_renderer_process (renderer, out + 2 * done, (guint) MIN (256, n - done));
  g_assert_cmpuint (tandem_renderer_get_active_voices (renderer), ==, TANDEM_MAX_VOICES);
  tandem_renderer_free (renderer);

  natural = max_step (out, 1, ATU_RATE / 10, steal);
  at_steal = max_step (out, 1, steal - 1, steal + FIVE_MS);
  g_test_message ("stolen voice: largest step %.6f before, %.6f while it fades", natural, at_steal);
  g_assert_cmpfloat (peak_between (out, 1, steal - 200, steal), >, 0.0003);
  g_assert_cmpfloat (at_steal, <=, natural);
  g_assert_cmpfloat (peak_between (out, 1, steal + FIVE_MS, n), ==, 0.0f);
  /* The loud voices play on. */
  g_assert_cmpfloat (peak_between (out, 0, steal + FIVE_MS, n), >, 0.3f);
}

/* A ringing sample whose track is deleted, or whose sample changes, fades
 * out within 5 ms of the edit. */
static void
check_gone (gboolean delete_track)
{
  g_autoptr(TandemProject) project = atu_project_new (60.0, 4, 16);
  g_autoptr(TandemSample) sine = sine_sample (2.0, 0.5);
  g_autoptr(TandemSample) other = sine_sample (2.0, 0.25);
  g_autoptr(TandemRenderPlan) before = NULL;
  g_autoptr(TandemRenderPlan) after = NULL;
  g_autofree float *out = NULL;
  gsize at = 79 * 128, n = ATU_RATE / 2;   /* a callback boundary mid-note */
  float natural, at_edit;

  atu_add_sample_info (project, ATU_FAKE_HASH, ATU_RATE, (guint64) 2 * ATU_RATE);
  atu_add_track (project, "s", "sample:" ATU_FAKE_HASH);
  atu_set_cell (project, "p0", "s", 0, "velocity", 127);
  before = atu_compile (project, sine);
  if (delete_track)
    {
      atu_apply (project, tandem_op_new_delete (TANDEM_ENTITY_TRACK, "s"));
      after = atu_compile (project, sine);
    }
  else
    after = atu_compile (project, other);   /* the same track, another sample */
  out = render_with_edit (before, after, at, n);

  natural = max_step (out, 0, ATU_RATE / 100, at);
  at_edit = max_step (out, 0, at - 1, at + FIVE_MS);
  g_test_message ("largest step %.5f before, %.5f at the edit", natural, at_edit);
  g_assert_cmpfloat (peak_between (out, 0, at - 200, at), >, 0.1f);
  g_assert_cmpfloat (at_edit, <=, natural);
  g_assert_cmpfloat (peak_between (out, 0, at + FIVE_MS, n), ==, 0.0f);
}

static void test_delete_fades (void) { check_gone (TRUE); }
static void test_sample_swap_fades (void) { check_gone (FALSE); }

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_data_func ("/audio/declick/mute", edit_mute, check_edit);
  g_test_add_data_func ("/audio/declick/solo", edit_solo, check_edit);
  g_test_add_data_func ("/audio/declick/fader", edit_fader, check_edit);
  g_test_add_data_func ("/audio/declick/pan", edit_pan, check_edit);
  g_test_add_data_func ("/audio/declick/master", edit_master, check_edit);
  g_test_add_func ("/audio/declick/steal", test_steal_fades);
  g_test_add_func ("/audio/declick/delete", test_delete_fades);
  g_test_add_func ("/audio/declick/sample-swap", test_sample_swap_fades);
  return g_test_run ();
}
