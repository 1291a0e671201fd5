/* tandem-voice-synth.c — the melodic voice
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The synth is a small mono-synth patch: two saws detuned by ±7 cents (with
 * PolyBLEP to keep aliasing down), a resonant low-pass whose cutoff falls
 * after the attack, and an amplitude envelope held for the step's length.
 */
#define G_LOG_DOMAIN "tandem-audio"

#include "config.h"

#include <math.h>
#include <string.h>

#include "tandem-voice.h"

#define SYNTH_LEVEL       0.32f
#define SYNTH_ATTACK_S    0.004f
/* Frames per piece: the filter coefficients and the cutoff and release
 * envelopes step once per piece (0.67 ms at 48 kHz). */
#define FILTER_EVERY      32

double
tandem_voice_degree_to_freq (int           degree,
                             int           key_root,
                             const guint8 *intervals,
                             guint         n_degrees)
{
  int octave, index, semitone;

  if (n_degrees == 0)
    return 440.0;
  octave = degree >= 0 ? degree / (int) n_degrees : -((-degree + (int) n_degrees - 1) / (int) n_degrees);
  index = degree - octave * (int) n_degrees;
  semitone = 48 + key_root + 12 * octave + intervals[index];
  return 440.0 * pow (2.0, (semitone - 69) / 12.0);
}

void
tandem_voice_start_synth (TandemVoice *v,
                          float        sr,
                          float        amp,
                          float        freq,
                          guint64      gate_frames,
                          guint32      seed)
{
  memset (v, 0, sizeof *v);
  v->kind = TANDEM_VOICE_SYNTH;
  v->sample_step = 1.0;
  v->sr = sr;
  v->amp = amp * SYNTH_LEVEL;
  v->rng = seed != 0 ? seed : 1;
  v->freq = freq;
  v->saw_inc[0] = freq * 1.00405f / sr;   /* +7 cents */
  v->saw_inc[1] = freq * 0.99596f / sr;   /* -7 cents */
  /* Start the saws apart so two notes never phase-cancel. */
  v->saw_phase[1] = (float) (seed & 0xffff) / 65536.0f;
  v->gate_frames = MAX (gate_frames, 1);
  v->release_coeff = tandem_decay_coeff (0.07, sr);
  /* The release as it would stand at frame 0 (≤ 4e18 for the longest gate,
   * 3 s), then stepped per piece. */
  v->amp_env = (float) pow ((double) v->release_coeff, 1.0 - (double) v->gate_frames);
  v->release_step = (float) pow ((double) v->release_coeff, FILTER_EVERY);
  v->cutoff_env = 1.0f;
  v->cutoff_coeff = (float) exp (-(double) FILTER_EVERY / (0.16 * sr));
  tandem_svf_set (&v->filter, 3500.0, 1.8, sr);
}

/* tan (x) for 0 ≤ x < 1 (cutoffs below 7.6 kHz at 48 kHz), Padé form, 0.1 %. */
TANDEM_REALTIME static inline float
tan_approx (float x)
{
  float x2 = x * x;

  return x * (15.0f - x2) / (15.0f - 6.0f * x2);
}

/* The SVF (tandem_svf_tick) as a 2×2 state update s' = C s + d x with
 * output lp = o · s + ox x, taken four samples at a time: from the state s
 * at a frame that is a multiple of 4 and the inputs x₀ … x₃,
 *   [ lp₀ lp₁ lp₂ lp₃ ] = out1 s₁ + out2 s₂ + Σ outx[i] xᵢ
 *   s⁗ = C⁴ s + Σ C³⁻ⁱ d xᵢ             (lanes 0 and 1 of next1 s₁ + …)
 * Two four-lane multiply-add chains per four samples instead of about
 * thirty scalar operations per sample, and a quarter of the serial
 * dependency from one state to the next. */
typedef float SynthVec __attribute__ ((vector_size (16)));

typedef struct
{
  SynthVec out1, out2, outx[4];
  SynthVec next1, next2, nextx[4];
} SynthFilter;

typedef struct
{
  float m11, m12, m21, m22;
} Mat2;

TANDEM_REALTIME static inline Mat2
mat2_mul (Mat2 a,
          Mat2 b)
{
  return (Mat2) { a.m11 * b.m11 + a.m12 * b.m21, a.m11 * b.m12 + a.m12 * b.m22,
                  a.m21 * b.m11 + a.m22 * b.m21, a.m21 * b.m12 + a.m22 * b.m22 };
}

TANDEM_REALTIME static void
synth_filter_coeffs (const TandemVoice *v,
                     float              cutoff_env,
                     SynthFilter       *f)
{
  float cutoff = 250.0f + 2.0f * v->freq + 3800.0f * cutoff_env;
  float g = tan_approx ((float) G_PI * MIN (cutoff, 0.15f * v->sr) / v->sr);
  float a1 = 1.0f / (1.0f + g * (g + v->filter.k));
  float a2 = g * a1;
  float a3 = g * a2;
  float d1 = 2.0f * a2, d2 = 2.0f * a3;
  float o1 = a2, o2 = 1.0f - a3, ox = a3;
  Mat2 p[5];                 /* C⁰ … C⁴ */
  float r1[4], r2[4];        /* o · Cᵐ */
  float pd1[4], pd2[4];      /* Cᵐ d */
  float h[3];                /* o · Cᵐ d */

  p[0] = (Mat2) { 1.0f, 0.0f, 0.0f, 1.0f };
  p[1] = (Mat2) { 2.0f * a1 - 1.0f, -2.0f * a2, 2.0f * a2, 1.0f - 2.0f * a3 };
  for (guint m = 2; m <= 4; m++)
    p[m] = mat2_mul (p[1], p[m - 1]);
  for (guint m = 0; m < 4; m++)
    {
      r1[m] = o1 * p[m].m11 + o2 * p[m].m21;
      r2[m] = o1 * p[m].m12 + o2 * p[m].m22;
      pd1[m] = p[m].m11 * d1 + p[m].m12 * d2;
      pd2[m] = p[m].m21 * d1 + p[m].m22 * d2;
    }
  for (guint m = 0; m < 3; m++)
    h[m] = o1 * pd1[m] + o2 * pd2[m];

  f->out1 = (SynthVec) { r1[0], r1[1], r1[2], r1[3] };
  f->out2 = (SynthVec) { r2[0], r2[1], r2[2], r2[3] };
  /* lpₖ takes x_k directly and xᵢ (i < k) through the state. */
  f->outx[0] = (SynthVec) { ox, h[0], h[1], h[2] };
  f->outx[1] = (SynthVec) { 0.0f, ox, h[0], h[1] };
  f->outx[2] = (SynthVec) { 0.0f, 0.0f, ox, h[0] };
  f->outx[3] = (SynthVec) { 0.0f, 0.0f, 0.0f, ox };
  f->next1 = (SynthVec) { p[4].m11, p[4].m21, 0.0f, 0.0f };
  f->next2 = (SynthVec) { p[4].m12, p[4].m22, 0.0f, 0.0f };
  for (guint i = 0; i < 4; i++)
    f->nextx[i] = (SynthVec) { pd1[3 - i], pd2[3 - i], 0.0f, 0.0f };
}

/* The only arithmetic that ever touches the filter; every path below goes
 * through it, so results do not depend on where a render starts or stops.
 * First what the inputs of a quad add (no dependency between quads)... */
TANDEM_REALTIME static inline void
synth_filter_inputs (const SynthFilter *f,
                     const float       *x,
                     SynthVec          *in_out,
                     SynthVec          *in_next)
{
  in_out[0] = (f->outx[0] * x[0] + f->outx[1] * x[1]) + (f->outx[2] * x[2] + f->outx[3] * x[3]);
  in_next[0] = (f->nextx[0] * x[0] + f->nextx[1] * x[1]) + (f->nextx[2] * x[2] + f->nextx[3] * x[3]);
}

/* ... then the serial part: writes the quad's four outputs to @lp and
 * returns the state four frames on. */
TANDEM_REALTIME static inline SynthVec
synth_filter_quad (const SynthFilter *f,
                   SynthVec           state,
                   SynthVec           in_out,
                   SynthVec           in_next,
                   float             *lp)
{
  SynthVec out = (f->out1 * state[0] + in_out) + f->out2 * state[1];

  memcpy (lp, &out, sizeof out);
  return (f->next1 * state[0] + in_next) + f->next2 * state[1];
}

/* One saw over a FILTER_EVERY-frame piece starting at @base, with PolyBLEP: a
 * polynomial correction within one increment of the wrap. Branch-free and
 * of fixed length, so it vectorizes. */
TANDEM_REALTIME static inline void
synth_saw (float              base,
           float              inc,
           float              scale,
           float *restrict    x)
{
  const float inv_inc = 1.0f / inc;

  for (guint j = 0; j < FILTER_EVERY; j++)
    {
      float p = base + (float) j * inc;
      float lo, hi, blep_lo, blep_hi, saw;

      p -= (float) (int) p;
      /* Both corrections computed, then selected: no branch. */
      lo = p * inv_inc;
      hi = (p - 1.0f) * inv_inc;
      blep_lo = lo + lo - lo * lo - 1.0f;
      blep_hi = hi * hi + hi + hi + 1.0f;
      saw = 2.0f * p - 1.0f;
      saw -= p < inc ? blep_lo : 0.0f;
      saw -= p > 1.0f - inc ? blep_hi : 0.0f;
      x[j] += saw * scale;
    }
}

/* The frames of the piece from @piece (a multiple of FILTER_EVERY) of the
 * two saws into @x.
 * Their phases are a function of the frame, not a running sum, so a render
 * may start anywhere and every frame is computed the same way. */
TANDEM_REALTIME static void
synth_oscillators (const TandemVoice *v,
                   guint64            piece,
                   float             *restrict x)
{
  float base[2];
  gboolean ramp = TRUE;

  for (guint k = 0; k < 2; k++)
    {
      const float inc = v->saw_inc[k];
      double start = (double) v->saw_phase[k] + (double) piece * (double) inc;

      base[k] = (float) (start - (double) (gint64) start);     /* start ≥ 0 */
      ramp = ramp && base[k] >= inc && base[k] + (float) (FILTER_EVERY - 1) * inc <= 1.0f - inc;
    }

  if (ramp)
    {
      /* Most pieces: no frame within one increment of either saw's wrap,
       * so nothing to correct and the sum of the saws is one ramp. */
      const float c0 = base[0] + base[1] - 1.0f, c1 = v->saw_inc[0] + v->saw_inc[1];

      for (guint j = 0; j < FILTER_EVERY; j++)
        x[j] = c0 + (float) j * c1;
    }
  else
    {
      memset (x, 0, FILTER_EVERY * sizeof (float));
      synth_saw (base[0], v->saw_inc[0], 0.5f, x);
      synth_saw (base[1], v->saw_inc[1], 0.5f, x);
    }
}

/* The filter state (v->filter.ic1/ic2) is always the one at a frame that is
 * a multiple of 4: frames go through in quads; a render that stops inside
 * one leaves the state at its start, and the next one takes that quad again
 * (the oscillators are a function of the frame). So every frame takes the
 * same arithmetic whatever the buffer size, and renders are bit-identical
 * across block sizes. */
TANDEM_REALTIME gboolean
_tandem_voice_render_synth (TandemVoice *v,
                            float       *restrict bus,
                            guint        n)
{
  const float inv_attack = 1.0f / (SYNTH_ATTACK_S * v->sr);
  const guint64 attack = (guint64) ceilf (SYNTH_ATTACK_S * v->sr);
  const float amp = v->amp, release_step = v->release_step, cutoff_step = v->cutoff_coeff;
  const guint64 gate = v->gate_frames;
  float release_at = v->amp_env, cutoff_env = v->cutoff_env;
  float release_pow[FILTER_EVERY];
  SynthVec state = { v->filter.ic1, v->filter.ic2, 0.0f, 0.0f };
  guint64 t = v->age;
  gboolean done = FALSE;
  guint i = 0;

  /* release_coeff^k, the same products on every call. */
  release_pow[0] = 1.0f;
  for (guint k = 1; k < FILTER_EVERY; k++)
    release_pow[k] = release_pow[k - 1] * v->release_coeff;

  while (i < n && !done)
    {
      /* A piece of FILTER_EVERY frames from the note start: the filter
       * coefficients follow the cutoff envelope, which steps once per
       * piece. Frames first … end - 1 of the piece are the quads that cover
       * t … t + run - 1. */
      const guint64 piece = t - t % FILTER_EVERY;
      const guint from = (guint) (t - piece);
      const guint run = (guint) MIN ((guint64) (n - i), FILTER_EVERY - from);
      const guint first = from & ~3u;
      guint end = from + run;
      float x[FILTER_EVERY], gain[FILTER_EVERY], lp[FILTER_EVERY];
      SynthVec in_out[FILTER_EVERY / 4], in_next[FILTER_EVERY / 4];
      float *restrict out = bus + i;
      SynthFilter f;

      /* Envelope: a linear attack, held to the gate, then a decay that ends
       * the voice on the very frame it falls below -70 dB. */
      {
        const guint gate_at = (guint) MIN (gate - MIN (gate, piece), FILTER_EVERY);
        const guint attack_at = (guint) MIN (attack - MIN (attack, piece), FILTER_EVERY);
        const float from_frame = (float) (guint) MIN (piece, attack);

        if (gate_at == 0)
          {
            const float level = release_at * amp;

            for (guint k = 0; k < FILTER_EVERY; k++)
              gain[k] = level * release_pow[k];
          }
        else if (attack_at == 0 && gate_at == FILTER_EVERY)
          for (guint k = 0; k < FILTER_EVERY; k++)
            gain[k] = amp;
        else
          for (guint k = 0; k < FILTER_EVERY; k++)
            {
              float hold = k < attack_at ? (from_frame + (float) k) * inv_attack : 1.0f;

              gain[k] = (k < gate_at ? hold : release_at * release_pow[k]) * amp;
            }
        if (gate_at < end && release_at * release_pow[end - 1] < TANDEM_DSP_SILENCE)
          for (guint k = MAX (gate_at, from); k < end; k++)
            if (release_at * release_pow[k] < TANDEM_DSP_SILENCE)
              {
                end = k;
                done = TRUE;
                break;
              }
      }

      synth_oscillators (v, piece, x);
      synth_filter_coeffs (v, cutoff_env, &f);
      for (guint j = first; j < end; j += 4)
        synth_filter_inputs (&f, x + j, &in_out[j / 4], &in_next[j / 4]);
      if (end == FILTER_EVERY && first == 0)
        for (guint q = 0; q < FILTER_EVERY / 4; q++)
          state = synth_filter_quad (&f, state, in_out[q], in_next[q], lp + 4 * q);
      else
        {
          guint j = first;

          for (; j + 4 <= end; j += 4)
            state = synth_filter_quad (&f, state, in_out[j / 4], in_next[j / 4], lp + j);
          /* Stopping inside a quad: its outputs only; the state stays at
           * its start, where the next render takes it up again. */
          if (j < end)
            synth_filter_quad (&f, state, in_out[j / 4], in_next[j / 4], lp + j);
        }
      if (from == 0 && end == FILTER_EVERY)
        for (guint k = 0; k < FILTER_EVERY; k++)
          out[k] += lp[k] * gain[k];
      else
        for (guint k = from; k < end; k++)
          out[k - from] += lp[k] * gain[k];

      i += run;
      t += run;
      if (t % FILTER_EVERY == 0)
        {
          cutoff_env *= cutoff_step;
          release_at *= release_step;
        }
    }

  v->amp_env = release_at;
  v->cutoff_env = cutoff_env;
  v->filter.ic1 = state[0];
  v->filter.ic2 = state[1];
  v->age = t;

  return !done;
}
