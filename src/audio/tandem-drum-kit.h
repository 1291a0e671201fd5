/* tandem-drum-kit.h — the synthesized drums, rendered once per sample rate
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "tandem-render-plan.h"

G_BEGIN_DECLS

/* Velocity layers (timbre) and per-hit variants (the noise parts differ)
 * of each drum. */
#define TANDEM_DRUM_LAYERS   4
#define TANDEM_DRUM_VARIANTS 4

typedef struct
{
  const float *frames;
  gsize        n_frames;
  const float *peaks;      /* per TANDEM_SAMPLE_PEAK_BLOCK frames */
} TandemDrumShot;

/* The built-in drums made by the synthesis code in tandem-voice-drums.c,
 * at TANDEM_DRUM_LAYERS velocities and in TANDEM_DRUM_VARIANTS noise
 * variants, kept as one-shots. A drum voice then costs what a sample voice
 * costs, which is what lets a callback carry 128 voices. Immutable and
 * shared by all engines; never freed. */
typedef struct _TandemDrumKit
{
  TandemDrumShot shots[TANDEM_VOICE_RIM + 1][TANDEM_DRUM_LAYERS][TANDEM_DRUM_VARIANTS];
  gboolean       built[TANDEM_VOICE_RIM + 1];
} TandemDrumKit;

/* The layer that plays @velocity (1..127). */
TANDEM_REALTIME static inline guint
tandem_drum_kit_layer (guint velocity)
{
  return MIN ((MAX (velocity, 1u) - 1) / 32, TANDEM_DRUM_LAYERS - 1u);
}

/* Thread-safe: the kit for @sample_rate, with drum @kind built (a few ms
 * the first time; each drum is built when a plan first needs it, before
 * the audio thread can see that plan). */
const TandemDrumKit *tandem_drum_kit_get (guint           sample_rate,
                                          TandemVoiceKind kind);

G_END_DECLS
