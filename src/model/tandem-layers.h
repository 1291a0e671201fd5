/* tandem-layers.h — the velocity layers of a sampler track
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * A "sampler" track plays one of its layers per hit: the first whose
 * velocity range holds the hit's velocity (or, in a gap between ranges, the
 * nearest one). A track's "layers" property holds them as one string, so a
 * change is one last-writer-wins set op like any other property:
 *
 *   <sha256>:<min>-<max>:<gain>:<pitch>[;<next layer>…]
 *
 * min and max are velocities 0 … 127 (min ≤ max), gain a linear factor
 * 0 … 4 and pitch semitones -24 … 24, both written as plain decimals
 * ("1", "0.85", "-2.5"). "" is no layer.
 */
typedef struct
{
  char   sample[65];  /* SHA-256, lowercase hex */
  guint8 min;         /* velocities, inclusive */
  guint8 max;
  double gain;
  double pitch;
} TandemLayer;

/* Parses @text into an array of TandemLayer, or NULL with a message in @error
 * (TANDEM_MODEL_ERROR_OUT_OF_RANGE) saying which layer is wrong and why. */
GArray   *tandem_layers_parse      (const char        *text,
                                    GError           **error);
/* The string for @layers (at most TANDEM_MAX_LAYERS). */
char     *tandem_layers_to_string  (const TandemLayer *layers,
                                    guint              n_layers);
/* Index of the layer a hit of @velocity plays, or -1 with no layers. */
int       tandem_layers_pick       (const TandemLayer *layers,
                                    guint              n_layers,
                                    guint              velocity);

G_END_DECLS
