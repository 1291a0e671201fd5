/* tandem-plan-layers.c — a sampler track's velocity layers resolved for a render plan
 *
 * The choice of layer by velocity is made here, on the main thread, once per
 * plan: each compiled note carries the exact sample it plays, so the
 * callback does no lookup at all.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-audio"

#include "config.h"

#include <math.h>
#include <string.h>

#include "tandem-plan-layers.h"

gboolean
tandem_plan_layers_resolve (TandemPlanLayers        *out,
                            const char              *layers,
                            guint                    sample_rate,
                            const TandemPlanOptions *options)
{
  g_autoptr(GArray) parsed = NULL;
  const TandemSample *by_layer[TANDEM_MAX_LAYERS] = { NULL };
  gboolean any = FALSE;

  memset (out, 0, sizeof *out);
  /* The model validated the text; a bad one here is simply silent. */
  parsed = layers != NULL ? tandem_layers_parse (layers, NULL) : NULL;
  if (parsed == NULL || parsed->len == 0 || options->lookup == NULL)
    return FALSE;

  for (guint i = 0; i < parsed->len; i++)
    {
      const TandemLayer *layer = &g_array_index (parsed, TandemLayer, i);
      TandemSample *sample = options->lookup (layer->sample, options->lookup_data);

      if (sample == NULL || sample->rate != sample_rate)
        continue;
      by_layer[i] = sample;
      if (!tandem_plan_layers_has (out, sample))
        out->samples[out->n_samples++] = tandem_sample_ref (sample);
    }

  for (guint v = 0; v < 128; v++)
    {
      int pick = tandem_layers_pick ((const TandemLayer *) parsed->data, parsed->len, v);

      if (pick < 0 || by_layer[pick] == NULL)
        continue;
      out->by_velocity[v] = by_layer[pick];
      out->gain[v] = (float) g_array_index (parsed, TandemLayer, pick).gain;
      /* exp2 (0) is exactly 1: an unpitched layer keeps the exact path. */
      out->step[v] = exp2 (g_array_index (parsed, TandemLayer, pick).pitch / 12.0);
      any = TRUE;
    }
  return any;
}

void
tandem_plan_layers_clear (TandemPlanLayers *layers)
{
  for (guint i = 0; i < layers->n_samples; i++)
    tandem_sample_unref (layers->samples[i]);
  memset (layers, 0, sizeof *layers);
}
