/* test-limiter.c — the master holds the true peak under -1 dBTP
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>
#include <samplerate.h>

#include "audio-test-utils.h"

/* The true peak as a meter measures it (ITU-R BS.1770: 4× oversampling),
 * here with libsamplerate's best sinc, independent of the engine's own. */
static double
true_peak_dbtp (const float *frames,
                gsize        n)
{
  g_autofree float *up = g_new0 (float, 2 * n * 4 + 64);
  SRC_DATA data = { 0 };
  double peak = 0.0;

  data.data_in = frames;
  data.input_frames = (long) n;
  data.data_out = up;
  data.output_frames = (long) (n * 4 + 32);
  data.src_ratio = 4.0;
  g_assert_cmpint (src_simple (&data, SRC_SINC_BEST_QUALITY, 2), ==, 0);
  for (long i = 0; i < 2 * data.output_frames_gen; i++)
    peak = MAX (peak, fabs (up[i]));
  return 20 * log10 (peak);
}

/* A dense, loud bar: every drum and the synth on most steps. */
static TandemProject *
loud_project (double master_db)
{
  static const char *instruments[] = { "kick", "snare", "hat-closed", "clap", "tom", "synth" };
  TandemProject *project = atu_project_new (130.0, 4, 16);

  for (guint t = 0; t < G_N_ELEMENTS (instruments); t++)
    {
      atu_add_track (project, instruments[t], instruments[t]);
      for (guint s = 0; s < 16; s++)
        if ((s + t) % 3 != 0 || t == 0)
          atu_set_cell (project, "p0", instruments[t], s, "velocity", 127);
    }
  atu_set_project (project, "master-volume", master_db);
  return project;
}

static void
test_true_peak (void)
{
  const double masters[] = { -6.0, 0.0, 6.0 };

  for (guint m = 0; m < G_N_ELEMENTS (masters); m++)
    {
      g_autoptr(TandemProject) project = loud_project (masters[m]);
      gsize n = 2 * ATU_RATE;
      g_autofree float *out = atu_render (project, NULL, 1, n, 256);
      double tp = true_peak_dbtp (out, n);

      g_test_message ("master %+.0f dB: true peak %.2f dBTP, sample peak %.2f dBFS",
                      masters[m], tp, 20 * log10 (atu_peak (out, 2 * n)));
      g_assert_cmpfloat (tp, <=, -1.0);
      /* Limited, not silenced. */
      g_assert_cmpfloat (tp, >, -3.0);
    }
}

/* Below the ceiling nothing changes: the same project 20 dB down renders
 * exactly 10× smaller (the gains are exact powers of ten apart only in
 * dB, so compare to the master gain itself). */
static void
test_transparent (void)
{
  g_autoptr(TandemProject) quiet = loud_project (-20.0);
  g_autoptr(TandemProject) quieter = loud_project (-26.0);
  gsize n = ATU_RATE;
  g_autofree float *a = atu_render (quiet, NULL, 1, n, 256);
  g_autofree float *b = atu_render (quieter, NULL, 1, n, 256);
  double ratio = tandem_db_to_gain (-6.0), worst = 0.0;

  g_assert_cmpfloat (atu_peak (a, 2 * n), <, 0.5f);
  for (gsize i = 0; i < 2 * n; i++)
    worst = MAX (worst, fabs (a[i] * ratio - b[i]));
  /* Only float rounding of the master gain: no gain riding. */
  g_assert_cmpfloat (worst, <, 1e-6);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/audio/limiter/true-peak", test_true_peak);
  g_test_add_func ("/audio/limiter/transparent", test_transparent);
  return g_test_run ();
}
