/* tandem-voice-drums.c — the synthesized drum kit (808/909-style)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every drum is the same small graph with different settings:
 *   sine with a pitch glide × decay  (kick, tom, snare body, rim)
 * + second sine × decay              (snare, rim)
 * + noise → SVF × decay              (click, snare wires, clap, hats' air)
 * + six squares → two band-passes     (hats: the 808's metal, as on the
 *   × decay → high-pass                  machine: 205–800 Hz squares into
 *                                         3.44 and 7.1 kHz band-passes)
 * Envelopes are one multiply per sample; the voice ends when every part is
 * below -70 dB. @velocity (0..1) shapes the timbre: a harder hit is
 * brighter, rings a little longer and, on the kick, starts higher.
 */
#define G_LOG_DOMAIN "tandem-audio"

#include "config.h"

#include <string.h>

#include "tandem-voice.h"

enum { FILTER_LOW, FILTER_BAND, FILTER_HIGH };

typedef struct
{
  float f0, f1, glide;        /* Hz, Hz, s */
  float tone, tone_decay;     /* level, s */
  float f2, tone2, tone2_decay;
  float noise, noise_decay;
  guint filter_mode;
  float cutoff, q;
  float metal;                /* hats: level of the six squares */
} DrumPreset;

static const DrumPreset presets[] = {
  [TANDEM_VOICE_KICK] = { 155, 46, 0.035f, 0.95f, 0.24f, 0, 0, 0,
                          0.35f, 0.0018f, FILTER_LOW, 3500, 0.7f, 0 },
  [TANDEM_VOICE_SNARE] = { 250, 185, 0.03f, 0.4f, 0.065f, 330, 0.2f, 0.045f,
                           0.45f, 0.08f, FILTER_HIGH, 1400, 0.7f, 0 },
  [TANDEM_VOICE_HAT_CLOSED] = { 0, 0, 0, 0, 0.045f, 0, 0, 0,
                                0.06f, 0.03f, FILTER_HIGH, 8000, 0.7f, 1.6f },
  [TANDEM_VOICE_HAT_OPEN] = { 0, 0, 0, 0, 0.18f, 0, 0, 0,
                              0.05f, 0.2f, FILTER_HIGH, 7500, 0.7f, 1.4f },
  [TANDEM_VOICE_CLAP] = { 0, 0, 0, 0, 0, 0, 0, 0,
                          0.9f, 0.0032f, FILTER_BAND, 1150, 1.3f, 0 },
  [TANDEM_VOICE_TOM] = { 195, 128, 0.08f, 0.8f, 0.17f, 0, 0, 0,
                         0.15f, 0.003f, FILTER_LOW, 2000, 0.7f, 0 },
  [TANDEM_VOICE_RIM] = { 1650, 1650, 1, 0.4f, 0.011f, 470, 0.3f, 0.018f,
                         0.3f, 0.004f, FILTER_BAND, 3000, 1.0f, 0 },
};

/* The 808's six metal oscillators (Hz). */
static const float metal_freqs[6] = { 205.3f, 304.4f, 369.6f, 522.7f, 540.0f, 800.0f };

void
tandem_voice_start_drum (TandemVoice     *v,
                         TandemVoiceKind  kind,
                         float            sr,
                         float            amp,
                         float            velocity,
                         guint32          seed)
{
  const DrumPreset *p;
  float vel = CLAMP (velocity, 0.0f, 1.0f);
  float bright = 0.55f + 0.45f * vel, ring = 0.8f + 0.2f * vel;

  g_assert (kind >= TANDEM_VOICE_KICK && kind <= TANDEM_VOICE_RIM);
  p = &presets[kind];

  memset (v, 0, sizeof *v);
  v->kind = kind;
  v->sample_step = 1.0;
  v->sr = sr;
  v->amp = amp;
  v->rng = seed != 0 ? seed : 0x9e3779b9u;

  v->freq = p->f0 * (kind == TANDEM_VOICE_KICK ? 0.85f + 0.15f * vel : 1.0f) / sr;
  v->freq_end = p->f1 / sr;
  v->freq_coeff = tandem_decay_coeff (p->glide, sr);
  v->tone_env = p->tone;
  v->tone_coeff = p->tone > 0 ? tandem_decay_coeff (p->tone_decay * ring, sr) : 0;
  v->freq2 = p->f2 / sr;
  v->tone2_env = p->tone2;
  v->tone2_coeff = p->tone2 > 0 ? tandem_decay_coeff (p->tone2_decay * ring, sr) : 0;
  v->noise_env = p->noise;
  v->noise_coeff = tandem_decay_coeff (p->noise_decay * ring, sr);
  v->filter_mode = p->filter_mode;
  tandem_svf_set (&v->filter, MIN (p->cutoff * bright, 0.45f * sr), p->q, sr);

  if (p->metal > 0.0f)
    {
      /* Metal: its own decay (stored in tone_decay), its own filters. */
      v->metal_env = p->metal;
      v->metal_coeff = tandem_decay_coeff (p->tone_decay * ring, sr);
      v->tone_env = 0.0f;
      for (guint i = 0; i < 6; i++)
        {
          v->sq_inc[i] = metal_freqs[i] / sr;
          /* Free-running oscillators: each hit catches them elsewhere. */
          v->sq_phase[i] = (float) (tandem_rng_next (&v->rng) >> 8) / 16777216.0f;
        }
      tandem_svf_set (&v->metal_bp[0], MIN (3440.0, 0.45 * sr), 3.0, sr);
      tandem_svf_set (&v->metal_bp[1], MIN (7100.0, 0.45 * sr), 3.0, sr);
      tandem_svf_set (&v->metal_hp, MIN (5500.0 * bright, 0.45 * sr), 0.7, sr);
    }

  if (kind == TANDEM_VOICE_CLAP)
    {
      /* Three quick slaps 11 ms apart, then the room. */
      v->burst_gap = (guint) (0.011f * sr);
      v->burst_at = v->burst_gap;
      v->bursts_left = 3;
      v->tail_coeff = tandem_decay_coeff (0.095 * ring, sr);
    }
}

TANDEM_REALTIME void
tandem_voice_choke (TandemVoice *v)
{
  if (v->choked)
    return;
  v->choked = TRUE;
  /* About 4 ms: fast enough to read as a choke, slow enough not to click. */
  v->choke_env = 1.0f;
  v->choke_coeff = 1.0f - 1.0f / (0.004f * v->sr);
  v->noise_coeff = MIN (v->noise_coeff, v->choke_coeff);
  v->metal_coeff = MIN (v->metal_coeff, v->choke_coeff);
}

TANDEM_REALTIME gboolean
_tandem_voice_render_drum (TandemVoice *v,
                           float       *bus,
                           guint        n)
{
  const float amp = v->amp;

  for (guint i = 0; i < n; i++)
    {
      float out = 0.0f;

      if (v->tone_env > TANDEM_DSP_SILENCE)
        {
          v->freq = v->freq_end + (v->freq - v->freq_end) * v->freq_coeff;
          v->phase += v->freq;
          if (v->phase >= 1.0f)
            v->phase -= 1.0f;
          out += tandem_fast_sin (v->phase) * v->tone_env;
          v->tone_env *= v->tone_coeff;
        }
      if (v->tone2_env > TANDEM_DSP_SILENCE)
        {
          v->phase2 += v->freq2;
          if (v->phase2 >= 1.0f)
            v->phase2 -= 1.0f;
          out += tandem_fast_sin (v->phase2) * v->tone2_env;
          v->tone2_env *= v->tone2_coeff;
        }
      if (v->bursts_left > 0 && v->age + i == v->burst_at)
        {
          v->noise_env = 0.9f;
          v->burst_at += v->burst_gap;
          if (--v->bursts_left == 0)
            v->noise_coeff = v->tail_coeff;
        }
      if (v->noise_env > TANDEM_DSP_SILENCE)
        {
          float src = tandem_rng_float (&v->rng);
          float lp, bp, hp, f;

          tandem_svf_tick (&v->filter, src, &lp, &bp, &hp);
          f = v->filter_mode == FILTER_LOW ? lp : v->filter_mode == FILTER_BAND ? bp : hp;
          out += f * v->noise_env;
          v->noise_env *= v->noise_coeff;
        }
      if (v->metal_env > TANDEM_DSP_SILENCE)
        {
          float sq = 0.0f, lo, b1, b2, h, hp;

          for (guint k = 0; k < 6; k++)
            {
              v->sq_phase[k] += v->sq_inc[k];
              if (v->sq_phase[k] >= 1.0f)
                v->sq_phase[k] -= 1.0f;
              sq += v->sq_phase[k] < 0.5f ? 1.0f / 6.0f : -1.0f / 6.0f;
            }
          tandem_svf_tick (&v->metal_bp[0], sq, &lo, &b1, &h);
          tandem_svf_tick (&v->metal_bp[1], sq, &lo, &b2, &h);
          tandem_svf_tick (&v->metal_hp, (0.5f * b1 + b2) * v->metal_env, &lo, &h, &hp);
          out += hp;
          v->metal_env *= v->metal_coeff;
        }
      bus[i] += out * amp;
    }
  v->age += n;

  return v->tone_env > TANDEM_DSP_SILENCE
         || v->tone2_env > TANDEM_DSP_SILENCE
         || v->noise_env > TANDEM_DSP_SILENCE
         || v->metal_env > TANDEM_DSP_SILENCE
         || v->bursts_left > 0;
}
