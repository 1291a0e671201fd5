/* tandem-voice.c — dispatch to the voice kinds
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-audio"

#include "config.h"

#include <string.h>

#include "tandem-voice.h"

TANDEM_REALTIME gboolean
tandem_voice_render (TandemVoice *v,
                     float       *bus,
                     float       *bus_right,
                     guint        n)
{
  switch (v->kind)
    {
    case TANDEM_VOICE_SYNTH:
      return _tandem_voice_render_synth (v, bus, n);
    case TANDEM_VOICE_NONE:
      return FALSE;
    default:
      /* Samples and drums: drums are pre-rendered (tandem-drum-kit.c). */
      if (v->channels == 2)
        return _tandem_voice_render_stereo (v, bus, bus_right, n);
      return _tandem_voice_render_shot (v, bus, n);
    }
}

TANDEM_REALTIME float
tandem_voice_level (const TandemVoice *v)
{
  float env = 1.0f;

  if (v->kind == TANDEM_VOICE_SYNTH)
    env = MIN (v->amp_env, 1.0f);
  else if (v->peaks != NULL && v->sample_pos < v->shot_len)
    env = v->peaks[v->sample_pos / TANDEM_SAMPLE_PEAK_BLOCK];
  else if (v->sample_pos >= v->shot_len)
    env = 0.0f;
  if (v->choked)
    env *= v->choke_env;
  return v->amp * env;
}
