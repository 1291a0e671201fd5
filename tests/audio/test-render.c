/* test-render.c — sequencing, timing, velocity, pan law, mute/solo, seeds
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Most tests play a one-frame impulse sample hard left, so every step shows
 * up as exactly one non-zero frame at its onset with its exact gain.
 */
#include "config.h"

#include <math.h>

#include "audio-test-utils.h"
#include "tandem-limiter.h"

#define IMPULSE 0.5f   /* atu_impulse_sample() */

static TandemProject *
impulse_project (double tempo,
                 guint  steps_per_beat,
                 guint  length)
{
  TandemProject *project = atu_project_new (tempo, steps_per_beat, length);

  atu_add_sample_info (project, ATU_FAKE_HASH, ATU_RATE, 1);
  atu_add_track (project, "imp", "sample:" ATU_FAKE_HASH);
  atu_set_track (project, "imp", "pan", -1.0);
  return project;
}

/* The onset rule the engine promises (docs/audio.md), written out again here. */
static gint64
expected_onset (double   tempo,
                guint    steps_per_beat,
                double   swing,
                guint64  step)
{
  double step_frames = ATU_RATE * 60.0 / (tempo * steps_per_beat);
  double delay = (step & 1) ? step_frames * 0.5 * swing / 100.0 : 0.0;

  return (gint64) floor ((double) step * step_frames + delay + 0.5);
}

static void
test_onsets (void)
{
  const double tempos[] = { 60.0, 97.3, 120.0, 133.0, 174.0, 300.0 };
  const double swings[] = { 0.0, 12.5, 33.0, 66.7, 75.0 };
  const guint spbs[] = { 4, 3 };
  const guint blocks[] = { 128, 997 };
  g_autoptr(TandemSample) impulse = atu_impulse_sample ();

  for (guint ti = 0; ti < G_N_ELEMENTS (tempos); ti++)
    for (guint si = 0; si < G_N_ELEMENTS (swings); si++)
      for (guint bi = 0; bi < G_N_ELEMENTS (spbs); bi++)
        {
          g_autoptr(TandemProject) project = impulse_project (tempos[ti], spbs[bi], 12);
          guint64 n_steps = 30;  /* two and a half loops of the pattern */
          gsize n_frames = (gsize) expected_onset (tempos[ti], spbs[bi], 0, n_steps) - 1;
          g_autofree float *out = NULL;
          g_autoptr(GArray) onsets = NULL;

          for (guint s = 0; s < 12; s++)
            atu_set_cell (project, "p0", "imp", s, "velocity", 127);
          atu_set_project (project, "swing", swings[si]);

          out = atu_render (project, impulse, 1, n_frames, blocks[(ti + si) % 2]);
          onsets = atu_onsets (out, n_frames, 0);
          g_assert_cmpuint (onsets->len, ==, n_steps);
          for (guint64 k = 0; k < n_steps; k++)
            {
              gint64 at = g_array_index (onsets, gint64, k);

              g_assert_cmpint (at, ==, expected_onset (tempos[ti], spbs[bi], swings[si], k));
              g_assert_cmpfloat (out[2 * at], ==, IMPULSE);
              g_assert_cmpfloat (out[2 * at + 1], ==, 0.0f);
            }
        }
}

static void
test_block_size_independent (void)
{
  g_autoptr(TandemProject) project = tandem_project_new_demo ();
  const char *pattern = tandem_project_get_current_pattern (project);
  g_autofree char *reference = NULL;
  const guint blocks[] = { 64, 128, 333, 1024, 4096 };

  /* With a synth line too: its filter and oscillators must not care where
   * the buffers start. */
  atu_add_track (project, "bass", "synth");
  for (guint s = 0; s < 16; s += 3)
    {
      atu_set_cell (project, pattern, "bass", s, "velocity", 100);
      atu_set_cell (project, pattern, "bass", s, "note", (int) s - 5);
    }

  for (guint i = 0; i < G_N_ELEMENTS (blocks); i++)
    {
      g_autofree float *out = atu_render (project, NULL, 3, 96000, blocks[i]);
      g_autofree char *hash = atu_hash (out, 96000 * 2);

      g_assert_cmpfloat (atu_peak (out, 96000 * 2), >, 0.05f);
      if (reference == NULL)
        reference = g_steal_pointer (&hash);
      else
        g_assert_cmpstr (hash, ==, reference);
    }
}

static void
test_velocity (void)
{
  g_autoptr(TandemSample) impulse = atu_impulse_sample ();
  g_autoptr(TandemProject) project = impulse_project (120.0, 4, 16);
  const int velocities[] = { 127, 100, 64, 1 };
  g_autofree float *out = NULL;
  gint64 step_frames = ATU_RATE * 60 / (120 * 4);

  for (guint i = 0; i < G_N_ELEMENTS (velocities); i++)
    atu_set_cell (project, "p0", "imp", i * 2, "velocity", velocities[i]);
  out = atu_render (project, impulse, 1, step_frames * 8, 256);
  for (guint i = 0; i < G_N_ELEMENTS (velocities); i++)
    g_assert_cmpfloat (out[2 * (i * 2 * step_frames)], ==, IMPULSE * ((float) velocities[i] / 127.0f));

  /* A synthesized drum gets quieter and darker: not a scaled copy. */
  {
    g_autoptr(TandemProject) drums = atu_project_new (120.0, 4, 16);
    g_autofree float *loud = NULL;
    g_autofree float *soft = NULL;
    gsize n = 12000;

    atu_add_track (drums, "kick", "kick");
    atu_set_track (drums, "kick", "volume", -12.0);
    atu_set_cell (drums, "p0", "kick", 0, "velocity", 127);
    loud = atu_render (drums, NULL, 1, n, 256);
    atu_set_cell (drums, "p0", "kick", 0, "velocity", 64);
    soft = atu_render (drums, NULL, 1, n, 256);
    g_assert_cmpfloat (atu_peak (loud, 2 * n), >, 0.1f);
    g_assert_cmpfloat (atu_peak (soft, 2 * n), <, 0.75f * atu_peak (loud, 2 * n));
    {
      double diff = 0.0, energy = 0.0;

      for (gsize i = 0; i < 2 * n; i++)
        {
          diff += pow (soft[i] - loud[i] * 64.0 / 127.0, 2);
          energy += pow (soft[i], 2);
        }
      g_test_message ("soft kick against the scaled loud one: %.1f dB", 10 * log10 (diff / energy));
      g_assert_cmpfloat (diff, >, 0.01 * energy);
    }
  }
}

static void
test_pan_law (void)
{
  const double pans[] = { -1.0, -0.5, 0.0, 0.25, 1.0 };
  g_autoptr(TandemSample) impulse = atu_impulse_sample ();

  for (guint i = 0; i < G_N_ELEMENTS (pans); i++)
    {
      float l, r;
      double angle = (pans[i] + 1.0) * G_PI / 4.0;

      tandem_pan_gains (pans[i], &l, &r);
      g_assert_cmpfloat_with_epsilon (l, cos (angle), 1e-7);
      g_assert_cmpfloat_with_epsilon (r, sin (angle), 1e-7);
      g_assert_cmpfloat_with_epsilon (l * l + r * r, 1.0, 1e-6);
    }
  {
    float l, r;

    tandem_pan_gains (0.0, &l, &r);
    g_assert_cmpfloat_with_epsilon (l, G_SQRT2 / 2.0, 1e-7);   /* -3 dB */
    g_assert_cmpfloat (l, ==, r);
  }

  /* In a render: centre pan and a fader at -6 dB. */
  {
    g_autoptr(TandemProject) project = impulse_project (120.0, 4, 16);
    g_autofree float *out = NULL;
    float l, r;

    atu_set_cell (project, "p0", "imp", 0, "velocity", 127);
    atu_set_track (project, "imp", "pan", 0.0);
    atu_set_track (project, "imp", "volume", -6.0);
    out = atu_render (project, impulse, 1, 512, 256);
    tandem_pan_gains (0.0, &l, &r);
    g_assert_cmpfloat_with_epsilon (out[0], IMPULSE * pow (10.0, -6.0 / 20.0) * l, 1e-7);
    g_assert_cmpfloat_with_epsilon (out[1], IMPULSE * pow (10.0, -6.0 / 20.0) * r, 1e-7);

    /* -60 dB and below is silence. */
    atu_set_track (project, "imp", "volume", TANDEM_VOLUME_MIN_DB);
    g_free (out);
    out = atu_render (project, impulse, 1, 512, 256);
    g_assert_cmpfloat (atu_peak (out, 1024), ==, 0.0f);
  }
}

static void
test_mute_solo (void)
{
  g_autoptr(TandemSample) impulse = atu_impulse_sample ();
  g_autoptr(TandemProject) project = atu_project_new (120.0, 4, 16);
  const char *ids[] = { "a", "b", "c" };
  gint64 step_frames = ATU_RATE * 60 / (120 * 4);

  atu_add_sample_info (project, ATU_FAKE_HASH, ATU_RATE, 1);
  for (guint t = 0; t < 3; t++)
    {
      atu_add_track (project, ids[t], "sample:" ATU_FAKE_HASH);
      atu_set_track (project, ids[t], "pan", -1.0);
      atu_set_cell (project, "p0", ids[t], t, "velocity", 127);
    }

  /* Every combination of mute and solo on three tracks. */
  for (guint combo = 0; combo < 64; combo++)
    {
      gboolean any_solo = (combo >> 3) != 0;
      g_autofree float *out = NULL;

      for (guint t = 0; t < 3; t++)
        {
          atu_set_track_bool (project, ids[t], "mute", (combo >> t) & 1);
          atu_set_track_bool (project, ids[t], "solo", (combo >> (t + 3)) & 1);
        }
      out = atu_render (project, impulse, 1, step_frames * 3 + 1, 256);
      for (guint t = 0; t < 3; t++)
        {
          gboolean mute = (combo >> t) & 1;
          gboolean solo = (combo >> (t + 3)) & 1;
          gboolean audible = !mute && (!any_solo || solo);

          g_assert_cmpfloat (out[2 * t * step_frames], ==, audible ? IMPULSE : 0.0f);
        }
    }
}

static void
test_master (void)
{
  g_autoptr(TandemSample) impulse = atu_impulse_sample ();
  g_autoptr(TandemProject) project = impulse_project (120.0, 4, 16);
  g_autofree float *out = NULL;

  atu_set_cell (project, "p0", "imp", 0, "velocity", 127);
  atu_set_project (project, "master-volume", -6.0);
  out = atu_render (project, impulse, 1, 64, 64);
  g_assert_cmpfloat_with_epsilon (out[0], IMPULSE * pow (10.0, -6.0 / 20.0), 1e-7);
  /* The master's limiter: tests/audio/test-limiter.c. */
}

static void
test_seed (void)
{
  g_autoptr(TandemProject) project = tandem_project_new_demo ();
  GListModel *tracks = tandem_project_get_tracks (project);
  const char *pattern = tandem_project_get_current_pattern (project);
  gsize n = ATU_RATE * 8;
  g_autofree float *a = NULL;
  g_autofree float *b = NULL;
  g_autofree float *c = NULL;
  g_autofree char *ha = NULL;
  g_autofree char *hb = NULL;
  g_autofree char *hc = NULL;

  /* Half of every hat step is left to chance. */
  for (guint s = 0; s < 16; s++)
    {
      g_autoptr(TandemTrack) hats = g_list_model_get_item (tracks, 2);

      atu_set_cell (project, pattern, tandem_track_get_id (hats), s, "velocity", 90);
      atu_set_cell (project, pattern, tandem_track_get_id (hats), s, "probability", 50);
    }
  a = atu_render (project, NULL, 42, n, 256);
  b = atu_render (project, NULL, 42, n, 512);
  c = atu_render (project, NULL, 43, n, 256);
  ha = atu_hash (a, 2 * n);
  hb = atu_hash (b, 2 * n);
  hc = atu_hash (c, 2 * n);
  g_assert_cmpstr (ha, ==, hb);
  g_assert_cmpstr (ha, !=, hc);
}

static void
test_probability (void)
{
  g_autoptr(TandemSample) impulse = atu_impulse_sample ();
  g_autoptr(TandemProject) project = impulse_project (300.0, 4, 16);
  gsize n = (gsize) expected_onset (300.0, 4, 0, 16 * 50) - 1;
  g_autofree float *out = NULL;
  g_autoptr(GArray) onsets = NULL;

  for (guint s = 0; s < 16; s++)
    {
      atu_set_cell (project, "p0", "imp", s, "velocity", 127);
      atu_set_cell (project, "p0", "imp", s, "probability", s < 8 ? 0 : 30);
    }
  out = atu_render (project, impulse, 9, n, 512);
  onsets = atu_onsets (out, n, 0);
  /* Steps 0-7 never play; 8-15 play about 30 % of 400 times. */
  for (guint i = 0; i < onsets->len; i++)
    {
      gint64 at = g_array_index (onsets, gint64, i);
      guint step = (guint) (llround ((double) at / (ATU_RATE * 60.0 / 1200.0)) % 16);

      g_assert_cmpuint (step, >=, 8);
    }
  g_assert_cmpuint (onsets->len, >, 80);
  g_assert_cmpuint (onsets->len, <, 160);
}

static void
add_clip (TandemProject *project,
          const char    *id,
          const char    *pattern,
          guint          start,
          guint          length)
{
  JsonObject *obj = json_object_new ();

  json_object_set_string_member (obj, "id", id);
  json_object_set_string_member (obj, "pattern", pattern);
  json_object_set_int_member (obj, "start", start);
  json_object_set_int_member (obj, "length", length);
  atu_apply (project, tandem_op_new_insert (TANDEM_ENTITY_CLIP, -1,
                                            json_node_init_object (json_node_alloc (), obj)));
  json_object_unref (obj);
}

static void
test_song_mode (void)
{
  g_autoptr(TandemSample) impulse = atu_impulse_sample ();
  g_autoptr(TandemProject) project = impulse_project (120.0, 4, 16);
  gint64 bar = ATU_RATE * 2;   /* 4 beats at 120 BPM */
  JsonObject *obj = json_object_new ();
  g_autofree float *out = NULL;

  json_object_set_string_member (obj, "id", "p1");
  json_object_set_string_member (obj, "name", "P1");
  json_object_set_int_member (obj, "length", 16);
  atu_apply (project, tandem_op_new_insert (TANDEM_ENTITY_PATTERN, -1,
                                            json_node_init_object (json_node_alloc (), obj)));
  json_object_unref (obj);
  atu_set_cell (project, "p0", "imp", 0, "velocity", 127);
  atu_set_cell (project, "p1", "imp", 0, "velocity", 64);
  add_clip (project, "c0", "p0", 0, 1);
  add_clip (project, "c1", "p1", 1, 2);
  atu_apply (project, tandem_op_new_set_string (TANDEM_ENTITY_PROJECT, NULL, "play-mode", "song"));

  /* Bars: p0, p1, p1, then back to the start. */
  out = atu_render (project, impulse, 1, bar * 4 + 16, 256);
  g_assert_cmpfloat (out[0], ==, IMPULSE);
  g_assert_cmpfloat (out[2 * bar], ==, IMPULSE * 64.0f / 127.0f);
  g_assert_cmpfloat (out[4 * bar], ==, IMPULSE * 64.0f / 127.0f);
  g_assert_cmpfloat (out[6 * bar], ==, IMPULSE);

  /* Loop region bar 2 for one bar: p0, p1, p1, p1… */
  atu_apply (project, tandem_op_new_set_boolean (TANDEM_ENTITY_PROJECT, NULL, "loop-enabled", TRUE));
  atu_apply (project, tandem_op_new_set_int (TANDEM_ENTITY_PROJECT, NULL, "loop-start", 1));
  atu_apply (project, tandem_op_new_set_int (TANDEM_ENTITY_PROJECT, NULL, "loop-length", 1));
  g_free (out);
  out = atu_render (project, impulse, 1, bar * 4 + 16, 256);
  g_assert_cmpfloat (out[0], ==, IMPULSE);
  g_assert_cmpfloat (out[2 * bar], ==, IMPULSE * 64.0f / 127.0f);
  g_assert_cmpfloat (out[4 * bar], ==, IMPULSE * 64.0f / 127.0f);
  g_assert_cmpfloat (out[6 * bar], ==, IMPULSE * 64.0f / 127.0f);
}

static void
test_tempo_change (void)
{
  g_autoptr(TandemSample) impulse = atu_impulse_sample ();
  g_autoptr(TandemProject) project = impulse_project (120.0, 4, 16);
  g_autoptr(TandemRenderPlan) slow = NULL;
  g_autoptr(TandemRenderPlan) fast = NULL;
  TandemRenderer *renderer = tandem_renderer_new (ATU_RATE, 256);
  gsize n = 6000 * 8;
  g_autofree float *out = g_new0 (float, n * 2);
  g_autoptr(GArray) onsets = NULL;

  for (guint s = 0; s < 16; s++)
    atu_set_cell (project, "p0", "imp", s, "velocity", 127);
  slow = atu_compile (project, impulse);
  atu_set_project (project, "tempo", 240.0);
  fast = atu_compile (project, impulse);

  /* Steps are 6000 frames at 120 BPM; switch after 2.5 steps. */
  tandem_renderer_set_plan (renderer, slow);
  tandem_renderer_process (renderer, out, 15000);
  tandem_renderer_set_plan (renderer, fast);
  tandem_renderer_process (renderer, out + 2 * 15000, (guint) n - 15000);
  tandem_renderer_free (renderer);

  onsets = atu_onsets (out, n, 0);
  g_assert_cmpint (g_array_index (onsets, gint64, 0), ==, 0);
  g_assert_cmpint (g_array_index (onsets, gint64, 1), ==, 6000);
  g_assert_cmpint (g_array_index (onsets, gint64, 2), ==, 12000);
  /* Step 3 was due at 18000 at the old tempo; the grid re-anchors there. */
  for (guint i = 3; i < onsets->len; i++)
    g_assert_cmpint (g_array_index (onsets, gint64, i), ==, 18000 + (gint64) (i - 3) * 3000);
  g_assert_cmpuint (onsets->len, ==, 3 + (n - 18000 + 2999) / 3000);
}

static void
test_locate_and_stop (void)
{
  g_autoptr(TandemSample) impulse = atu_impulse_sample ();
  g_autoptr(TandemProject) project = impulse_project (120.0, 4, 16);
  g_autoptr(TandemRenderPlan) playing = NULL;
  g_autoptr(TandemRenderPlan) stopped = NULL;
  TandemRenderer *renderer = tandem_renderer_new (ATU_RATE, 256);
  g_autofree float *out = g_new0 (float, 2 * 12000);

  for (guint s = 0; s < 16; s++)
    atu_set_cell (project, "p0", "imp", s, "velocity", s + 1);
  playing = atu_compile (project, impulse);
  stopped = atu_compile (project, impulse);
  stopped->playing = FALSE;

  /* Play from step 5: the first step heard is step 5, then 6. */
  tandem_renderer_locate (renderer, 5);
  g_assert_cmpint (tandem_renderer_get_position (renderer), ==, -1);
  tandem_renderer_set_plan (renderer, playing);
  tandem_renderer_process (renderer, out, 12000);
  g_assert_true (tandem_renderer_is_playing (renderer));
  g_assert_cmpint (tandem_renderer_get_position (renderer), ==, 6);
  g_assert_cmpfloat (out[0], ==, IMPULSE * 6.0f / 127.0f);
  g_assert_cmpfloat (out[2 * 6000], ==, IMPULSE * 7.0f / 127.0f);

  /* Stop: nothing new starts, the position reads -1. The sequencer runs
   * the limiter's look-ahead ahead of the output, so what it had already
   * played (step 7, due at the first frame) still comes out. */
  tandem_renderer_set_plan (renderer, stopped);
  tandem_renderer_process (renderer, out, 12000);
  g_assert_false (tandem_renderer_is_playing (renderer));
  g_assert_cmpint (tandem_renderer_get_position (renderer), ==, -1);
  g_assert_cmpfloat (out[0], ==, IMPULSE * 8.0f / 127.0f);
  g_assert_cmpfloat (atu_peak (out + 2, 2 * 12000 - 2), ==, 0.0f);

  /* Playing again starts from the located step again, a look-ahead after
   * the buffer that said so. */
  tandem_renderer_set_plan (renderer, playing);
  tandem_renderer_process (renderer, out, 12000);
  g_assert_cmpfloat (atu_peak (out, 2 * TANDEM_LIMITER_LATENCY), ==, 0.0f);
  g_assert_cmpfloat (out[2 * TANDEM_LIMITER_LATENCY], ==, IMPULSE * 6.0f / 127.0f);
  tandem_renderer_free (renderer);
}

static void
test_instruments (void)
{
  const char * const *names = tandem_builtin_instruments ();

  for (guint i = 0; names[i] != NULL; i++)
    {
      g_autoptr(TandemProject) project = atu_project_new (60.0, 1, 16);
      g_autoptr(TandemRenderPlan) plan = NULL;
      TandemRenderer *renderer = tandem_renderer_new (ATU_RATE, 512);
      g_autofree float *out = g_new0 (float, 2 * ATU_RATE);
      float peak;

      atu_add_track (project, "t", names[i]);
      atu_set_cell (project, "p0", "t", 0, "velocity", 127);
      plan = atu_compile (project, NULL);
      tandem_renderer_set_plan (renderer, plan);
      tandem_renderer_process (renderer, out, ATU_RATE);
      g_assert_cmpuint (tandem_renderer_get_active_voices (renderer), <=, 1);

      /* A full-velocity hit is clearly audible, finite, within ±1, and it
       * has died away (its voice freed) well before the next beat. */
      peak = atu_peak (out, 2 * ATU_RATE);
      g_test_message ("%s: peak %.3f", names[i], peak);
      g_assert_cmpfloat (peak, >, 0.1f);
      g_assert_cmpfloat (peak, <=, 1.0f);
      for (guint f = 0; f < 2 * ATU_RATE; f++)
        g_assert_true (isfinite (out[f]));
      tandem_renderer_process (renderer, out, ATU_RATE / 2);
      tandem_renderer_free (renderer);
    }
}

static void
test_synth_pitch (void)
{
  const guint8 *minor;
  guint n = tandem_scale_get_intervals (TANDEM_SCALE_MINOR, &minor);

  /* A minor: degree 0 is A3, 7 is A4, 2 is C4, -1 is G3. */
  g_assert_cmpfloat_with_epsilon (tandem_voice_degree_to_freq (0, 9, minor, n), 220.0, 1e-9);
  g_assert_cmpfloat_with_epsilon (tandem_voice_degree_to_freq (7, 9, minor, n), 440.0, 1e-9);
  g_assert_cmpfloat_with_epsilon (tandem_voice_degree_to_freq (2, 9, minor, n), 261.6255653, 1e-6);
  g_assert_cmpfloat_with_epsilon (tandem_voice_degree_to_freq (-1, 9, minor, n), 195.9977180, 1e-6);
}

/* Pitch of @x by autocorrelation: the shortest lag that correlates nearly
 * as well as the best one (so an octave below does not win). */
static double
estimate_pitch (const float *x,
                gsize        stride,
                gsize        n)
{
  guint min_lag = ATU_RATE / 1200, max_lag = ATU_RATE / 40;
  g_autofree double *r = g_new0 (double, max_lag + 1);
  double best = 0;

  for (guint lag = min_lag; lag <= max_lag; lag++)
    {
      for (gsize i = 0; i + lag < n; i++)
        r[lag] += (double) x[i * stride] * x[(i + lag) * stride];
      best = MAX (best, r[lag]);
    }
  for (guint lag = min_lag + 1; lag < max_lag; lag++)
    if (r[lag] >= 0.9 * best && r[lag] >= r[lag - 1] && r[lag] >= r[lag + 1])
      {
        /* Parabolic interpolation between lags. */
        double d = 0.5 * (r[lag - 1] - r[lag + 1]) / (r[lag - 1] - 2 * r[lag] + r[lag + 1]);

        return ATU_RATE / ((double) lag + d);
      }
  return 0;
}

/* The synth plays the cell's degree in the project's key. */
static void
test_synth_notes (void)
{
  const struct { int key; int scale; int degree; double freq; } cases[] = {
    { 9, TANDEM_SCALE_MINOR, 0, 220.0 },                /* A3 */
    { 9, TANDEM_SCALE_MINOR, 4, 329.6276 },             /* E4 */
    { 0, TANDEM_SCALE_MAJOR, -3, 97.9989 },             /* G2 */
    { 2, TANDEM_SCALE_PENTATONIC_MINOR, 7, 391.9954 },  /* G4 */
  };

  for (guint c = 0; c < G_N_ELEMENTS (cases); c++)
    {
      g_autoptr(TandemProject) project = atu_project_new (60.0, 1, 16);
      g_autofree float *out = NULL;
      double pitch;

      atu_apply (project, tandem_op_new_set_int (TANDEM_ENTITY_PROJECT, NULL, "key-root", cases[c].key));
      atu_apply (project, tandem_op_new_set_string (TANDEM_ENTITY_PROJECT, NULL, "scale",
                                                    tandem_scale_to_string (cases[c].scale)));
      atu_add_track (project, "lead", "synth");
      atu_set_cell (project, "p0", "lead", 0, "velocity", 127);
      atu_set_cell (project, "p0", "lead", 0, "note", cases[c].degree);
      out = atu_render (project, NULL, 1, ATU_RATE, 256);
      pitch = estimate_pitch (out + 2 * (ATU_RATE / 4), 2, ATU_RATE / 4);
      g_test_message ("degree %d: %.2f Hz, expected %.2f Hz", cases[c].degree, pitch, cases[c].freq);
      /* Within 10 cents (the two saws are detuned by ±7). */
      g_assert_cmpfloat (fabs (1200 * log2 (pitch / cases[c].freq)), <, 10.0);
    }
}

static void
test_choke (void)
{
  g_autoptr(TandemProject) project = atu_project_new (120.0, 4, 16);
  gsize n = 24000;
  g_autofree float *ringing = NULL;
  g_autofree float *choked = NULL;
  double e_ringing = 0, e_choked = 0;

  atu_add_track (project, "open", "hat-open");
  atu_add_track (project, "closed", "hat-closed");
  atu_set_track (project, "open", "pan", -1.0);
  atu_set_track (project, "closed", "pan", 1.0);
  atu_set_cell (project, "p0", "open", 0, "velocity", 127);
  ringing = atu_render (project, NULL, 1, n, 256);
  atu_set_cell (project, "p0", "closed", 1, "velocity", 127);
  choked = atu_render (project, NULL, 1, n, 256);

  /* From 20 ms after the closed hat (step 1 at 6000), the open hat is gone. */
  for (gsize i = 6960; i < n; i++)
    {
      e_ringing += ringing[2 * i] * ringing[2 * i];
      e_choked += choked[2 * i] * choked[2 * i];
    }
  g_assert_cmpfloat (e_ringing, >, 1.0);
  g_assert_cmpfloat (e_choked, <, e_ringing * 1e-4);
}

static void
test_voice_stealing (void)
{
  g_autoptr(TandemProject) project = atu_project_new (60.0, 1, 16);
  g_autoptr(TandemRenderPlan) plan = NULL;
  TandemRenderer *renderer = tandem_renderer_new (ATU_RATE, 512);
  g_autofree float *out = g_new0 (float, 2 * 4800);

  for (guint t = 0; t < TANDEM_MAX_VOICES + 20; t++)
    {
      g_autofree char *id = g_strdup_printf ("t%u", t);

      atu_add_track (project, id, "synth");
      atu_set_track (project, id, "volume", -40.0);
      atu_set_cell (project, "p0", id, 0, "velocity", 100);
    }
  plan = atu_compile (project, NULL);
  tandem_renderer_set_plan (renderer, plan);
  tandem_renderer_process (renderer, out, 4800);
  g_assert_cmpuint (tandem_renderer_get_active_voices (renderer), ==, TANDEM_MAX_VOICES);
  g_assert_cmpfloat (atu_peak (out, 2 * 4800), >, 0.0f);
  tandem_renderer_free (renderer);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/audio/render/onsets", test_onsets);
  g_test_add_func ("/audio/render/block-size-independent", test_block_size_independent);
  g_test_add_func ("/audio/render/velocity", test_velocity);
  g_test_add_func ("/audio/render/pan-law", test_pan_law);
  g_test_add_func ("/audio/render/mute-solo", test_mute_solo);
  g_test_add_func ("/audio/render/master", test_master);
  g_test_add_func ("/audio/render/seed", test_seed);
  g_test_add_func ("/audio/render/probability", test_probability);
  g_test_add_func ("/audio/render/song-mode", test_song_mode);
  g_test_add_func ("/audio/render/tempo-change", test_tempo_change);
  g_test_add_func ("/audio/render/locate-and-stop", test_locate_and_stop);
  g_test_add_func ("/audio/render/instruments", test_instruments);
  g_test_add_func ("/audio/render/synth-pitch", test_synth_pitch);
  g_test_add_func ("/audio/render/synth-notes", test_synth_notes);
  g_test_add_func ("/audio/render/choke", test_choke);
  g_test_add_func ("/audio/render/voice-stealing", test_voice_stealing);

  return g_test_run ();
}
