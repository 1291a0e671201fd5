/* test-drums.c — the built-in drums sound like the machines they imitate
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>

#include "audio-test-utils.h"

/* Power of @x (@n frames of channel 0 of interleaved stereo) at @freq. */
static double
power_at (const float *x,
          gsize        n,
          double       freq)
{
  double re = 0.0, im = 0.0;

  for (gsize i = 0; i < n; i++)
    {
      /* Hann window: leakage would smear the lines into the floor. */
      double w = 0.5 - 0.5 * cos (2 * G_PI * i / (n - 1));
      double a = 2 * G_PI * freq * i / ATU_RATE;

      re += x[2 * i] * w * cos (a);
      im -= x[2 * i] * w * sin (a);
    }
  return re * re + im * im;
}

static int
double_cmp (gconstpointer a,
            gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

static float *
render_hit (const char *instrument,
            int         velocity,
            guint64     seed,
            gsize       n)
{
  g_autoptr(TandemProject) project = atu_project_new (60.0, 1, 16);

  atu_add_track (project, "d", instrument);
  atu_set_track (project, "d", "pan", -1.0);
  atu_set_cell (project, "p0", "d", 0, "velocity", velocity);
  return atu_render (project, NULL, seed, n, 256);
}

/* The six square oscillators show as lines: the strongest bins between 3
 * and 12 kHz stand far above the median bin (white noise, high-passed, has
 * its largest bins within about 10 dB of its median). */
static void
check_hat_lines (const char *instrument)
{
  gsize n = 4096;
  g_autofree float *out = render_hit (instrument, 127, 1, n);
  g_autoptr(GArray) bins = g_array_new (FALSE, FALSE, sizeof (double));
  double best = 0.0, median;

  /* Bins 5.86 Hz apart (ATU_RATE / 8192, zero-padded resolution). */
  for (double f = 3000.0; f < 12000.0; f += ATU_RATE / 8192.0)
    {
      double p = power_at (out, n, f);

      g_array_append_val (bins, p);
      best = MAX (best, p);
    }
  g_array_sort (bins, double_cmp);
  median = g_array_index (bins, double, bins->len / 2);
  g_test_message ("%s: strongest line %.1f dB over the median bin", instrument, 10 * log10 (best / median));
  g_assert_cmpfloat (10 * log10 (best / median), >, 25.0);
}

static void
test_hat_closed_lines (void)
{
  check_hat_lines ("hat-closed");
}

static void
test_hat_open_lines (void)
{
  check_hat_lines ("hat-open");
}

/* Two hits of one drum differ in their noise (a machine is never the same
 * twice), yet a render is the same for the same seed. */
static void
test_per_hit_variation (void)
{
  g_autoptr(TandemProject) project = atu_project_new (120.0, 4, 16);
  gsize step = ATU_RATE / 8, n = 8 * step;
  g_autofree float *a = NULL;
  g_autofree float *b = NULL;
  g_autofree float *c = NULL;
  guint differing = 0;

  atu_add_track (project, "s", "snare");
  atu_set_track (project, "s", "pan", -1.0);
  atu_set_track (project, "s", "volume", -12.0);
  for (guint s = 0; s < 8; s++)
    atu_set_cell (project, "p0", "s", s, "velocity", 100);
  a = atu_render (project, NULL, 7, n, 256);
  b = atu_render (project, NULL, 7, n, 128);
  c = atu_render (project, NULL, 8, n, 256);
  g_assert_cmpmem (a, 2 * n * sizeof (float), b, 2 * n * sizeof (float));

  /* The hits of one render are not all alike. */
  for (guint s = 1; s < 8; s++)
    {
      double d = 0.0;

      for (gsize i = 0; i < step / 4; i++)
        d = MAX (d, fabs (a[2 * (s * step + i)] - a[2 * i]));
      differing += d > 1e-3;
    }
  g_test_message ("%u of 7 hits differ from the first", differing);
  g_assert_cmpuint (differing, >=, 4);
  /* Another seed, other variants. */
  g_assert_true (memcmp (a, c, 2 * n * sizeof (float)) != 0);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/audio/drums/hat-closed-lines", test_hat_closed_lines);
  g_test_add_func ("/audio/drums/hat-open-lines", test_hat_open_lines);
  g_test_add_func ("/audio/drums/per-hit-variation", test_per_hit_variation);
  return g_test_run ();
}
