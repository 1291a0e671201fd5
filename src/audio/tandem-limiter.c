/* tandem-limiter.c — the master's true-peak limiter
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Each frame's peak is taken at the frame and at three points between it
 * and the next (a 16-tap windowed-sinc interpolator, 4× oversampling). The
 * gain a frame needs is ceiling / peak; the gain applied is the minimum of
 * what the next LOOKAHEAD+1 frames need, recovering with a 60 ms release,
 * then averaged over LOOKAHEAD+1 frames: it glides down before a peak and
 * is at or under what the peak needs when it passes. Where nothing comes
 * near the ceiling every gain is exactly 1 and the signal passes as it is.
 */
#define G_LOG_DOMAIN "tandem-audio"

#include "config.h"

#include <math.h>
#include <string.h>

#include "tandem-limiter.h"

#define LOOK  TANDEM_LIMITER_LOOKAHEAD
#define TAPS  TANDEM_LIMITER_TAPS
#define RING  TANDEM_LIMITER_RING
#define HALF  (TAPS / 2)

void
tandem_limiter_init (TandemLimiter *self,
                     guint          sample_rate)
{
  memset (self, 0, sizeof *self);
  self->l1 = 1.0f;
  for (guint p = 1; p <= 3; p++)
    {
      double sum = 0.0, abs_sum = 0.0, h[TAPS];

      /* Tap k weighs frame d - (HALF - 1) + k for the point d + p/4. */
      for (guint k = 0; k < TAPS; k++)
        {
          double u = (double) p / 4.0 - ((double) k - (HALF - 1));
          double w = 0.42 + 0.5 * cos (G_PI * u / (HALF + 0.5)) + 0.08 * cos (2 * G_PI * u / (HALF + 0.5));

          h[k] = (fabs (u) < 1e-9 ? 1.0 : sin (G_PI * u) / (G_PI * u)) * w;
          sum += h[k];
        }
      for (guint k = 0; k < TAPS; k++)
        {
          self->coeffs[p - 1][k] = (float) (h[k] / sum);
          abs_sum += fabs (h[k] / sum);
        }
      self->l1 = MAX (self->l1, (float) abs_sum);
    }
  self->release = (float) (1.0 - exp (-1.0 / (0.06 * sample_rate)));
  for (guint i = 0; i <= LOOK; i++)
    self->need[i] = self->floor_[i] = 1.0f;
  self->floor_sum = LOOK + 1;
  self->env = 1.0f;
}

/* The 4× peak at frame @d (all of d - HALF + 1 … d + HALF are in the ring). */
TANDEM_REALTIME static float
true_peak (const TandemLimiter *self,
           guint64              d)
{
  float peak = MAX (fabsf (self->x[d % RING][0]), fabsf (self->x[d % RING][1]));

  for (guint p = 0; p < 3; p++)
    {
      float l = 0.0f, r = 0.0f;

      for (guint k = 0; k < TAPS; k++)
        {
          const float *x = self->x[(d - (HALF - 1) + k) % RING];

          l += self->coeffs[p][k] * x[0];
          r += self->coeffs[p][k] * x[1];
        }
      peak = MAX (peak, MAX (fabsf (l), fabsf (r)));
    }
  return peak;
}

/* Nothing near the ceiling in the block or the frames its first peaks
 * look back on, and no gain still below 1: the output is the input
 * delayed, bit for bit, without the per-frame work. */
TANDEM_REALTIME static gboolean
pass_through (TandemLimiter *self,
              float         *io,
              guint          n,
              float          bound)
{
  float held[2 * TANDEM_LIMITER_LATENCY];
  float peak = 0.0f;
  guint64 t0 = self->t;

  if (self->n_need_below > 0 || self->n_floor_below > 0 || self->env < 1.0f
      || t0 < LOOK + TAPS)
    return FALSE;
  for (guint k = 1; k < TAPS; k++)
    {
      const float *x = self->x[(t0 - k) % RING];

      peak = MAX (peak, MAX (fabsf (x[0]), fabsf (x[1])));
    }
  for (guint i = 0; i < 2 * n; i++)
    peak = MAX (peak, fabsf (io[i]));
  if (peak > bound)
    return FALSE;

  /* out[i] = in[i - LATENCY]: the first LATENCY frames come from the ring. */
  for (guint i = 0; i < TANDEM_LIMITER_LATENCY; i++)
    {
      const float *x = self->x[(t0 - TANDEM_LIMITER_LATENCY + i) % RING];

      held[2 * i] = x[0];
      held[2 * i + 1] = x[1];
    }
  for (guint i = n > RING ? n - RING : 0; i < n; i++)
    {
      self->x[(t0 + i) % RING][0] = io[2 * i];
      self->x[(t0 + i) % RING][1] = io[2 * i + 1];
    }
  if (n > TANDEM_LIMITER_LATENCY)
    memmove (io + 2 * TANDEM_LIMITER_LATENCY, io, 2 * (gsize) (n - TANDEM_LIMITER_LATENCY) * sizeof (float));
  memcpy (io, held, 2 * (gsize) MIN (n, TANDEM_LIMITER_LATENCY) * sizeof (float));
  self->t += n;
  return TRUE;
}

TANDEM_REALTIME void
tandem_limiter_process (TandemLimiter *self,
                        float         *io,
                        guint          n)
{
  const float bound = TANDEM_LIMITER_CEILING / self->l1;

  float chunk_near = G_MAXFLOAT;

  if (pass_through (self, io, n, bound))
    return;

  for (guint i = 0; i < n; i++)
    {
      float need = 1.0f, floor_, out_l, out_r, gain;
      float *slot;
      guint64 t, d;

      if (i % TAPS == 0)
        {
          /* The windows of the next TAPS detected frames span the TAPS - 1
           * frames before frame i and TAPS from it: if none of them comes
           * near, none of those frames needs the interpolator. */
          chunk_near = 0.0f;
          for (guint k = 1; k < TAPS && self->t >= k; k++)
            {
              const float *x = self->x[(self->t - k) % RING];

              chunk_near = MAX (chunk_near, MAX (fabsf (x[0]), fabsf (x[1])));
            }
          for (guint k = i; k < MIN (i + TAPS, n); k++)
            chunk_near = MAX (chunk_near, MAX (fabsf (io[2 * k]), fabsf (io[2 * k + 1])));
        }
      t = self->t++;
      slot = self->x[t % RING];

      slot[0] = io[2 * i];
      slot[1] = io[2 * i + 1];
      if (t < LOOK + TAPS)
        {
          /* Priming: the frames before the first are silence. */
          io[2 * i] = io[2 * i + 1] = 0.0f;
          if (t < HALF)
            continue;
        }

      /* The frame whose peak is now known: HALF behind the newest. */
      d = t - HALF;
      if (chunk_near > bound)
      {
        float near = 0.0f;

        /* Only a window that comes near the ceiling can need the
         * interpolated points (each is at most l1 × the window's peak). */
        for (guint k = 0; k < TAPS; k++)
          {
            const float *x = self->x[(d - (HALF - 1) + k) % RING];

            near = MAX (near, MAX (fabsf (x[0]), fabsf (x[1])));
          }
        if (near > bound)
          {
            float peak = true_peak (self, d);

            if (peak > TANDEM_LIMITER_CEILING)
              need = TANDEM_LIMITER_CEILING / peak;
          }
      }

      /* need[] is a ring over the last LOOK+1 detected frames. */
      {
        guint at = (guint) (d % (LOOK + 1));

        self->n_need_below += (need < 1.0f) - (self->need[at] < 1.0f);
        self->need[at] = need;
      }
      floor_ = 1.0f;
      if (self->n_need_below > 0)
        for (guint k = 0; k <= LOOK; k++)
          floor_ = MIN (floor_, self->need[k]);

      /* Release: the floor may fall at once but rises slowly. */
      if (self->env < 1.0f)
        {
          self->env += (1.0f - self->env) * self->release;
          if (self->env > 0.999999f)
            self->env = 1.0f;
        }
      self->env = MIN (self->env, floor_);

      {
        guint at = (guint) (d % (LOOK + 1));

        self->n_floor_below += (self->env < 1.0f) - (self->floor_[at] < 1.0f);
        self->floor_sum += (double) self->env - (double) self->floor_[at];
        self->floor_[at] = self->env;
      }
      /* Exactly 1 when nothing in the window needed less. */
      gain = self->n_floor_below == 0 ? 1.0f : (float) (self->floor_sum / (LOOK + 1));
      if (self->n_floor_below == 0)
        self->floor_sum = LOOK + 1;

      if (t < TANDEM_LIMITER_LATENCY)
        continue;
      {
        const float *x = self->x[(t - TANDEM_LIMITER_LATENCY) % RING];

        out_l = x[0] * gain;
        out_r = x[1] * gain;
      }
      io[2 * i] = out_l;
      io[2 * i + 1] = out_r;
    }
}
