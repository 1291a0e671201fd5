/* tandem-sampler.c — one-shot voices: samples at the engine rate as they are, and pre-rendered drums
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-audio"

#include "config.h"

#include <string.h>

#include "tandem-voice.h"

void
tandem_voice_start_sample (TandemVoice        *v,
                           const TandemSample *sample,
                           float               amp)
{
  memset (v, 0, sizeof *v);
  v->kind = TANDEM_VOICE_SAMPLE;
  v->sr = (float) sample->rate;
  v->amp = amp;
  v->sample = sample;
  v->shot = sample->frames;
  v->shot_len = sample->n_frames;
}

void
tandem_voice_start_shot (TandemVoice     *v,
                         TandemVoiceKind  kind,
                         const float     *frames,
                         gsize            n_frames,
                         float            sample_rate,
                         float            amp)
{
  memset (v, 0, sizeof *v);
  v->kind = kind;
  v->sr = sample_rate;
  v->amp = amp;
  v->shot = frames;
  v->shot_len = n_frames;
}

TANDEM_REALTIME gboolean
_tandem_voice_render_shot (TandemVoice *v,
                           float       *bus,
                           guint        n)
{
  const float *src = v->shot + v->sample_pos;
  guint todo = (guint) MIN ((gsize) n, v->shot_len - v->sample_pos);
  const float amp = v->amp;

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
