/* tandem-sampler.c — one-shot voices: samples at the engine rate, as they are or pitched, and pre-rendered drums
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-audio"

#include "config.h"

#include <math.h>
#include <string.h>

#if defined(__SSE__) || defined(__x86_64__)
# include <emmintrin.h>
#endif

#include "tandem-voice.h"

void
tandem_voice_start_sample (TandemVoice        *v,
                           const TandemSample *sample,
                           float               amp,
                           double              step)
{
  memset (v, 0, sizeof *v);
  v->kind = TANDEM_VOICE_SAMPLE;
  v->sample_step = step;
  v->sr = (float) sample->rate;
  v->amp = amp;
  v->sample = sample;
  v->shot = sample->frames;
  v->shot_len = sample->n_frames;
  v->channels = sample->channels;
  v->peaks = sample->peaks;
}

void
tandem_voice_start_shot (TandemVoice     *v,
                         TandemVoiceKind  kind,
                         const float     *frames,
                         gsize            n_frames,
                         const float     *peaks,
                         float            sample_rate,
                         float            amp)
{
  memset (v, 0, sizeof *v);
  v->kind = kind;
  v->sr = sample_rate;
  v->amp = amp;
  v->shot = frames;
  v->shot_len = n_frames;
  v->sample_step = 1.0;
  v->channels = 1;
  v->peaks = peaks;
}

/* A pitched one-shot: the position moves by the step each frame and the
 * frames in between are interpolated. It ends once the position is past
 * the last frame. @right only for a stereo one. */
TANDEM_REALTIME static gboolean
render_pitched (TandemVoice *v,
                float       *left,
                float       *right,
                guint        n)
{
  const float amp = v->amp;
  float env = v->choked ? v->choke_env : 1.0f;

  for (guint i = 0; i < n && v->sample_pos < v->shot_len; i++)
    {
      float g = amp * env;

      /* Choked: end on this very frame, whatever the buffer size. */
      if (v->choked && env < TANDEM_DSP_SILENCE)
        return FALSE;
      left[i] += tandem_voice_read_between (v, v->sample_pos, v->sample_frac, 0) * g;
      if (v->channels == 2)
        right[i] += tandem_voice_read_between (v, v->sample_pos, v->sample_frac, 1) * g;
      if (v->choked)
        env *= v->choke_coeff;
      tandem_voice_step_on (v);
    }
  v->choke_env = env;
  v->age += n;
  return v->sample_pos < v->shot_len;
}

TANDEM_REALTIME gboolean
_tandem_voice_render_stereo (TandemVoice *v,
                             float       *left,
                             float       *right,
                             guint        n)
{
  const float *src = v->shot + 2 * v->sample_pos;
  guint todo = (guint) MIN ((gsize) n, v->shot_len - v->sample_pos);
  const float amp = v->amp;
  float env = v->choked ? v->choke_env : 1.0f;

  if (v->sample_step != 1.0)
    return render_pitched (v, left, right, n);

  for (guint i = 0; i < todo; i++)
    {
      /* Choked: end on this very frame, whatever the buffer size. */
      if (v->choked && env < TANDEM_DSP_SILENCE)
        return FALSE;
      left[i] += src[2 * i] * amp * env;
      right[i] += src[2 * i + 1] * amp * env;
      if (v->choked)
        env *= v->choke_coeff;
    }
  v->choke_env = env;
  v->sample_pos += todo;
  v->age += n;
  return v->sample_pos < v->shot_len;
}

TANDEM_REALTIME gboolean
_tandem_voice_render_shot (TandemVoice *v,
                           float       *bus,
                           guint        n)
{
  const float *src = v->shot + v->sample_pos;
  guint todo = (guint) MIN ((gsize) n, v->shot_len - v->sample_pos);
  const float amp = v->amp;

  if (v->sample_step != 1.0)
    return render_pitched (v, bus, NULL, n);
  if (!v->choked)
    {
      /* The common case: a multiply-add the compiler vectorizes. */
      for (guint i = 0; i < todo; i++)
        bus[i] += src[i] * amp;
    }
  else
    {
      float env = v->choke_env;

      for (guint i = 0; i < todo; i++)
        {
          /* End on this very frame, whatever the buffer size. */
          if (env < TANDEM_DSP_SILENCE)
            return FALSE;
          bus[i] += src[i] * amp * env;
          env *= v->choke_coeff;
        }
      v->choke_env = env;
    }
  v->sample_pos += todo;
  v->age += n;
  return v->sample_pos < v->shot_len;
}

/* left/right[i] += x × gl/gr for i < @n, where x = src[0][i] × amp[0] +
 * src[1][i] × amp[1] + … summed in that order (1 ≤ @n_src ≤
 * TANDEM_MIX_MAX_SHOTS); returns max |x| (0 without @meter). */
TANDEM_REALTIME TANDEM_DSP_CLONES static float
mix_frames (const float *const *src,
            const float        *amp,
            guint               n_src,
            guint               n,
            float               gl,
            float               gr,
            float     *restrict left,
            float     *restrict right,
            gboolean            meter)
{
  float m = 0.0f;
  guint i = 0;

  if (!meter)
    {
      /* Plain loops by source count, which GCC vectorizes. */
      const float *restrict a = src[0], *restrict b = src[MIN (n_src - 1, 1)];
      const float *restrict c = src[MIN (n_src - 1, 2)], *restrict d = src[MIN (n_src - 1, 3)];
      const float ka = amp[0], kb = amp[MIN (n_src - 1, 1)];
      const float kc = amp[MIN (n_src - 1, 2)], kd = amp[MIN (n_src - 1, 3)];

      switch (n_src)
        {
        case 1:
          for (i = 0; i < n; i++)
            {
              float x = a[i] * ka;

              left[i] += x * gl;
              right[i] += x * gr;
            }
          return 0.0f;
        case 2:
          for (i = 0; i < n; i++)
            {
              float x = a[i] * ka + b[i] * kb;

              left[i] += x * gl;
              right[i] += x * gr;
            }
          return 0.0f;
        case 3:
          for (i = 0; i < n; i++)
            {
              float x = (a[i] * ka + b[i] * kb) + c[i] * kc;

              left[i] += x * gl;
              right[i] += x * gr;
            }
          return 0.0f;
        case 4:
          for (i = 0; i < n; i++)
            {
              float x = ((a[i] * ka + b[i] * kb) + c[i] * kc) + d[i] * kd;

              left[i] += x * gl;
              right[i] += x * gr;
            }
          return 0.0f;
        default:
          break;
        }
    }

#if defined(__SSE__) || defined(__x86_64__)
  {
    const __m128 mask = _mm_castsi128_ps (_mm_set1_epi32 (0x7fffffff));
    const __m128 vl = _mm_set1_ps (gl), vr = _mm_set1_ps (gr);
    __m128 va[TANDEM_MIX_MAX_SHOTS];
    __m128 acc = _mm_setzero_ps ();
    float lanes[4];

    for (guint s = 0; s < n_src; s++)
      va[s] = _mm_set1_ps (amp[s]);
    for (; i + 4 <= n; i += 4)
      {
        __m128 x = _mm_mul_ps (_mm_loadu_ps (src[0] + i), va[0]);

        for (guint s = 1; s < n_src; s++)
          x = _mm_add_ps (x, _mm_mul_ps (_mm_loadu_ps (src[s] + i), va[s]));
        if (meter)
          acc = _mm_max_ps (acc, _mm_and_ps (x, mask));
        _mm_storeu_ps (left + i, _mm_add_ps (_mm_loadu_ps (left + i), _mm_mul_ps (x, vl)));
        _mm_storeu_ps (right + i, _mm_add_ps (_mm_loadu_ps (right + i), _mm_mul_ps (x, vr)));
      }
    _mm_storeu_ps (lanes, acc);
    m = MAX (MAX (lanes[0], lanes[1]), MAX (lanes[2], lanes[3]));
  }
#endif
  for (; i < n; i++)
    {
      float x = src[0][i] * amp[0];

      for (guint s = 1; s < n_src; s++)
        x += src[s][i] * amp[s];
      m = MAX (m, fabsf (x));
      left[i] += x * gl;
      right[i] += x * gr;
    }
  return meter ? m : 0.0f;
}

TANDEM_REALTIME void
tandem_voice_mix_shots (TandemVoice *const *voices,
                        guint               n_voices,
                        guint               n,
                        float               gl,
                        float               gr,
                        float              *left,
                        float              *right,
                        float              *peak)
{
  guint todo[TANDEM_MIX_MAX_SHOTS];
  guint at = 0;
  float m = 0.0f;

  for (guint k = 0; k < n_voices; k++)
    todo[k] = (guint) MIN ((gsize) n, voices[k]->shot_len - voices[k]->sample_pos);

  /* The bus would hold x = ((0 + a × amp) + b × amp') + …, which is exactly
   * (a × amp + b × amp') + … : the same sums in the same order, with the
   * products and sums that tandem_mixer_add_track() then makes. Frames go
   * in stretches over which the same voices sound. */
  while (gl != 0.0f || gr != 0.0f || peak != NULL)
    {
      const float *src[TANDEM_MIX_MAX_SHOTS];
      float amp[TANDEM_MIX_MAX_SHOTS];
      guint n_src = 0, until = n;
      float stretch;

      for (guint k = 0; k < n_voices; k++)
        if (todo[k] > at)
          {
            src[n_src] = voices[k]->shot + voices[k]->sample_pos + at;
            amp[n_src++] = voices[k]->amp;
            until = MIN (until, todo[k]);
          }
      if (n_src == 0)
        break;
      stretch = mix_frames (src, amp, n_src, until - at, gl, gr, left + at, right + at, peak != NULL);
      m = MAX (m, stretch);
      at = until;
    }
  if (peak != NULL)
    *peak = m;

  for (guint k = 0; k < n_voices; k++)
    {
      voices[k]->sample_pos += todo[k];
      voices[k]->age += n;
    }
}
