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
#define FILTER_EVERY      16

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
  v->cutoff_env = 1.0f;
  v->cutoff_at_update = 1.0f;
  v->cutoff_coeff = tandem_decay_coeff (0.16, sr);
  tandem_svf_set (&v->filter, 3500.0, 1.8, sr);
}

TANDEM_REALTIME static inline float
poly_blep_saw (float t,
               float dt)
{
  float v = 2.0f * t - 1.0f;

  if (t < dt)
    {
      float x = t / dt;
      v -= x + x - x * x - 1.0f;
    }
  else if (t > 1.0f - dt)
    {
      float x = (t - 1.0f) / dt;
      v -= x * x + x + x + 1.0f;
    }
  return v;
}

/* tan (x) for 0 ≤ x < 1 (cutoffs below 7.6 kHz at 48 kHz), Padé form, 0.1 %. */
TANDEM_REALTIME static inline float
tan_approx (float x)
{
  float x2 = x * x;

  return x * (15.0f - x2) / (15.0f - 6.0f * x2);
}

TANDEM_REALTIME gboolean
_tandem_voice_render_synth (TandemVoice *v,
                            float       *bus,
                            guint        n)
{
  const float attack = SYNTH_ATTACK_S * v->sr;
  const float inc0 = v->saw_inc[0], inc1 = v->saw_inc[1];
  const float amp = v->amp, release = v->release_coeff, cutoff_coeff = v->cutoff_coeff;
  const guint64 gate = v->gate_frames;
  /* State in locals: stores to bus[] could alias *v and force reloads. */
  float ph0 = v->saw_phase[0], ph1 = v->saw_phase[1];
  float amp_env = v->amp_env, cutoff_env = v->cutoff_env;
  float s1 = v->filter.ic1, s2 = v->filter.ic2;
  float c11 = 0, c12 = 0, c21 = 0, c22 = 0, d1 = 0, d2 = 0, o1 = 0, o2 = 0, ox = 0;
  guint64 t = v->age;
  gboolean done = FALSE;
  guint i = 0;

  while (i < n && !done)
    {
      /* Filter coefficients change every 16 frames counted from the note
       * start, so block sizes do not change the sound. */
      guint run = (guint) MIN ((guint64) (n - i), FILTER_EVERY - t % FILTER_EVERY);

      /* Coefficients follow the envelope as it was at the last 16-frame
       * boundary; a render that starts mid-way recomputes the same ones. */
      if (t % FILTER_EVERY == 0)
        v->cutoff_at_update = cutoff_env;
      if (t % FILTER_EVERY == 0 || i == 0)
        {
          float cutoff = 250.0f + 2.0f * v->freq + 3800.0f * v->cutoff_at_update;
          float g = tan_approx ((float) G_PI * MIN (cutoff, 0.15f * v->sr) / v->sr);
          float a1 = 1.0f / (1.0f + g * (g + v->filter.k));
          float a2 = g * a1;
          float a3 = g * a2;

          /* The SVF (tandem_svf_tick) written as a 2×2 state update: the
           * same filter with a dependency chain of one multiply-add per
           * sample instead of five operations, which is what bounds it. */
          c11 = 2.0f * a1 - 1.0f;
          c12 = -2.0f * a2;
          d1 = 2.0f * a2;
          c21 = 2.0f * a2;
          c22 = 1.0f - 2.0f * a3;
          d2 = 2.0f * a3;
          o1 = a2;
          o2 = 1.0f - a3;
          ox = a3;
        }

      for (guint end = i + run; i < end; i++, t++)
        {
          float saw, x, lp, n1, n2;

          cutoff_env *= cutoff_coeff;
          if (t < gate)
            amp_env = t < attack ? (float) t / attack : 1.0f;
          else if ((amp_env *= release) < TANDEM_DSP_SILENCE)
            {
              /* End on this very frame, whatever the buffer size. */
              done = TRUE;
              break;
            }

          saw = poly_blep_saw (ph0, inc0) + poly_blep_saw (ph1, inc1);
          ph0 += inc0;
          ph1 += inc1;
          if (ph0 >= 1.0f)
            ph0 -= 1.0f;
          if (ph1 >= 1.0f)
            ph1 -= 1.0f;

          x = saw * 0.5f;
          lp = o2 * s2 + o1 * s1 + ox * x;
          n1 = c11 * s1 + (c12 * s2 + d1 * x);
          n2 = c22 * s2 + (c21 * s1 + d2 * x);
          s1 = n1;
          s2 = n2;
          bus[i] += lp * amp_env * amp;
        }
    }

  v->saw_phase[0] = ph0;
  v->saw_phase[1] = ph1;
  v->amp_env = amp_env;
  v->cutoff_env = cutoff_env;
  v->filter.ic1 = s1;
  v->filter.ic2 = s2;
  v->age = t;

  return !done;
}
