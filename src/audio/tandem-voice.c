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
      return _tandem_voice_render_shot (v, bus, n);
    }
}
