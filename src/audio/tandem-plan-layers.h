/* tandem-plan-layers.h — a sampler track's velocity layers resolved for a render plan
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "tandem-plan-compile.h"
#include "tandem-audio-rt.h"

G_BEGIN_DECLS

/* Main thread only, while compiling a plan: for every velocity the sample
 * its hit plays (the layer tandem_layers_pick() chooses) and that layer's
 * gain and playback step (2^(pitch / 12) sample frames per output frame:
 * 1 for an unpitched layer, which then plays its frames exactly). A layer whose sample is not decoded yet (or not at the plan's rate)
 * is silent until it is; the lookup starts its decoding. */
struct _TandemPlanLayers
{
  const TandemSample *by_velocity[128];  /* borrowed from @samples; NULL: silent */
  float               gain[128];
  double              step[128];
  guint               n_samples;
  TandemSample       *samples[TANDEM_MAX_LAYERS];   /* distinct, one reference each */
};

/* Resolves @layers (a track's "layers" value). Returns FALSE when no
 * velocity has a sample to play. */
gboolean tandem_plan_layers_resolve (TandemPlanLayers        *out,
                                     const char              *layers,
                                     guint                    sample_rate,
                                     const TandemPlanOptions *options);
/* Whether @sample is one of the resolved layers' samples (a few pointer
 * compares: the callback asks it when a plan arrives). */
TANDEM_REALTIME static inline gboolean
tandem_plan_layers_has (const TandemPlanLayers *layers,
                        const TandemSample     *sample)
{
  for (guint i = 0; i < layers->n_samples; i++)
    if (layers->samples[i] == sample)
      return TRUE;
  return FALSE;
}
/* Drops the references. */
void     tandem_plan_layers_clear   (TandemPlanLayers        *layers);

G_END_DECLS
