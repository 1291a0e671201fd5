/* tandem-render-plan.c — plan lifetime and timing formulas
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-audio"

#include "config.h"

#include <math.h>
#include <string.h>

#include "tandem-memlock.h"
#include "tandem-render-plan.h"

TandemVoiceKind
tandem_voice_kind_from_instrument (const char *instrument)
{
  static const struct { const char *name; TandemVoiceKind kind; } map[] = {
    { "kick", TANDEM_VOICE_KICK },
    { "snare", TANDEM_VOICE_SNARE },
    { "hat-closed", TANDEM_VOICE_HAT_CLOSED },
    { "hat-open", TANDEM_VOICE_HAT_OPEN },
    { "clap", TANDEM_VOICE_CLAP },
    { "tom", TANDEM_VOICE_TOM },
    { "rim", TANDEM_VOICE_RIM },
    { "synth", TANDEM_VOICE_SYNTH },
  };

  if (instrument == NULL)
    return TANDEM_VOICE_NONE;
  if (g_str_has_prefix (instrument, "sample:"))
    return TANDEM_VOICE_SAMPLE;
  for (guint i = 0; i < G_N_ELEMENTS (map); i++)
    if (strcmp (instrument, map[i].name) == 0)
      return map[i].kind;
  return TANDEM_VOICE_NONE;
}

void
tandem_render_plan_free (TandemRenderPlan *plan)
{
  if (plan == NULL)
    return;
  for (guint i = 0; i < plan->n_tracks; i++)
    g_clear_pointer (&plan->tracks[i].sample, tandem_sample_unref);
  tandem_memlock_free (plan->block, plan->block_size, plan->locked);
  g_free (plan);
}

double
tandem_plan_step_frames (double sample_rate,
                         double tempo,
                         guint  steps_per_beat)
{
  return sample_rate * 60.0 / (tempo * (double) MAX (steps_per_beat, 1));
}

double
tandem_plan_swing_frames (double step_frames,
                          double swing)
{
  return step_frames * 0.5 * CLAMP (swing, 0.0, 100.0) / 100.0;
}

gint64
tandem_plan_onset_frame (double  step_frames,
                         double  swing_frames,
                         guint64 step)
{
  return (gint64) floor ((double) step * step_frames + ((step & 1) ? swing_frames : 0.0) + 0.5);
}
