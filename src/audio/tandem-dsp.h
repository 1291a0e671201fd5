/* tandem-dsp.h — small DSP building blocks shared by voices and the mixer
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>
#include <math.h>

#include "tandem-audio-rt.h"

G_BEGIN_DECLS

/* For the loops that stream through every frame of every track: an AVX2
 * build next to the baseline one, picked once when the program loads. They
 * are element-wise multiplies and adds (no FMA: -ffp-contract=off), so both
 * give the same bits. */
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && defined(__gnu_linux__)
# define TANDEM_DSP_CLONES __attribute__ ((target_clones ("avx2", "default")))
#else
# define TANDEM_DSP_CLONES
#endif

/* Level below which an envelope counts as finished: -70 dB. */
#define TANDEM_DSP_SILENCE 3.2e-4f

/* xorshift32: deterministic, cheap white noise. The state must not be 0. */
TANDEM_REALTIME static inline guint32
tandem_rng_next (guint32 *state)
{
  guint32 x = *state;

  x ^= x << 13;
  x ^= x >> 17;
  x ^= x << 5;
  return *state = x;
}

/* Uniform in [-1, 1). */
TANDEM_REALTIME static inline float
tandem_rng_float (guint32 *state)
{
  return (float) (gint32) tandem_rng_next (state) * (1.0f / 2147483648.0f);
}

/* A 64-bit mix (splitmix64 finalizer) for stateless per-step decisions. */
TANDEM_REALTIME static inline guint64
tandem_hash64 (guint64 x)
{
  x += 0x9e3779b97f4a7c15ull;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}

/* sin (2π phase) for phase in [0, 1), max error ~0.001 (parabola, refined). */
TANDEM_REALTIME static inline float
tandem_fast_sin (float phase)
{
  float x = phase * 2.0f - 1.0f;    /* [-1, 1) ↔ [-π, π) */
  float y = -4.0f * x * (1.0f - fabsf (x));

  return 0.225f * (y * fabsf (y) - y) + y;
}

/* Per-sample multiplier of an exponential decay with time constant @tau (s). */
static inline float
tandem_decay_coeff (double tau,
                    double sample_rate)
{
  return (float) exp (-1.0 / (tau * sample_rate));
}

/* Track and master volume: dB to linear, TANDEM_VOLUME_MIN_DB (-60) and below is silence. */
double tandem_db_to_gain (double db);

/* Constant-power pan law: @pan in [-1, 1]; centre is -3 dB on both sides. */
void   tandem_pan_gains  (double pan,
                          float *left,
                          float *right);

/* Balance for stereo sources: @pan in [-1, 1]; both sides 1 at centre, the
 * side panned away from falls as cos (|pan| π/2) to 0 at the end. */
void   tandem_balance_gains (double pan,
                             float *left,
                             float *right);

/* Zavalishin's topology-preserving state-variable filter. */
typedef struct
{
  float a1, a2, a3, k;
  float ic1, ic2;
} TandemSvf;

void tandem_svf_set (TandemSvf *svf,
                     double     cutoff,
                     double     q,
                     double     sample_rate);

/* One sample; writes low-, band- and high-pass outputs. */
TANDEM_REALTIME static inline void
tandem_svf_tick (TandemSvf *s,
                 float      x,
                 float     *lp,
                 float     *bp,
                 float     *hp)
{
  float v3 = x - s->ic2;
  float v1 = s->a1 * s->ic1 + s->a2 * v3;
  float v2 = s->ic2 + s->a2 * s->ic1 + s->a3 * v3;

  s->ic1 = 2.0f * v1 - s->ic1;
  s->ic2 = 2.0f * v2 - s->ic2;
  *lp = v2;
  *bp = v1;
  *hp = x - s->k * v1 - v2;
}

G_END_DECLS
