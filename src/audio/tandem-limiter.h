/* tandem-limiter.h — the master's true-peak limiter
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

#include "tandem-audio-rt.h"

G_BEGIN_DECLS

/* The ceiling the limiter holds the 4×-oversampled peak of the output
 * under: -1.7 dBFS, so that a true-peak meter (whose interpolator differs a
 * little from ours) reads -1 dBTP or less. Below it the limiter passes the
 * signal bit for bit, only delayed. */
#define TANDEM_LIMITER_CEILING   0.8222f
/* Look-ahead: the gain reaches its floor over this many frames before a
 * peak; the interpolator adds its own half length. */
#define TANDEM_LIMITER_LOOKAHEAD 32
#define TANDEM_LIMITER_TAPS      16
#define TANDEM_LIMITER_LATENCY   (TANDEM_LIMITER_LOOKAHEAD + TANDEM_LIMITER_TAPS / 2)
#define TANDEM_LIMITER_RING      64   /* ≥ latency + taps, a power of two */

typedef struct
{
  float    coeffs[3][TANDEM_LIMITER_TAPS];   /* the 1/4, 2/4, 3/4 phases */
  float    l1;                               /* largest Σ|h| of a phase (and 1) */
  float    release;                          /* per-frame recovery of the gain */
  float    x[TANDEM_LIMITER_RING][2];        /* input frames, by frame index mod RING */
  guint64  t;                                /* frames taken in */
  float    need[TANDEM_LIMITER_LOOKAHEAD + 1];  /* gain each detected frame needs */
  float    floor_[TANDEM_LIMITER_LOOKAHEAD + 1]; /* min over the look-ahead, released */
  guint    n_need_below;                     /* entries of need[] under 1 */
  guint    n_floor_below;
  double   floor_sum;
  float    env;                              /* the released floor */
} TandemLimiter;

void tandem_limiter_init    (TandemLimiter *self,
                             guint          sample_rate);
/* Takes @n interleaved stereo frames from @io and writes back the output
 * TANDEM_LIMITER_LATENCY frames behind, limited. */
TANDEM_REALTIME
void tandem_limiter_process (TandemLimiter *self,
                             float         *io,
                             guint          n);

G_END_DECLS
