/* tandem-drum-kit.h — the synthesized drums, rendered once per sample rate
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "tandem-render-plan.h"

G_BEGIN_DECLS

/* One full-velocity hit of every built-in drum, made by the synthesis code
 * in tandem-voice-drums.c and kept as a one-shot. A drum voice then costs
 * what a sample voice costs, which is what lets a callback carry 128 voices.
 * Immutable and shared by all engines; never freed. */
typedef struct
{
  const float *frames[TANDEM_VOICE_RIM + 1];
  gsize        n_frames[TANDEM_VOICE_RIM + 1];
  const float *peaks[TANDEM_VOICE_RIM + 1];   /* per TANDEM_SAMPLE_PEAK_BLOCK frames */
} TandemDrumKit;

/* Thread-safe; builds the kit on first use for @sample_rate (a few ms). */
const TandemDrumKit *tandem_drum_kit_get (guint sample_rate);

G_END_DECLS
