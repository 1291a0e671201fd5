/* tandem-meter.h — peak meters published lock-free from the audio thread
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

#include "tandem-audio-rt.h"

G_BEGIN_DECLS

/* Tracks past this index have no meter (they still play). */
#define TANDEM_METER_MAX_TRACKS 128

/* Levels held by the renderer: a peak with a falloff of ~26 dB/s, the
 * ballistics of a PPM-ish meter, so a UI polling at 30 Hz misses no peak. */
typedef struct
{
  guint n_tracks;
  float track[TANDEM_METER_MAX_TRACKS];
  float master[2];
} TandemMeterLevels;

TANDEM_REALTIME
void tandem_meter_levels_update (float *level,
                                 float  block_peak,
                                 float  falloff);
/* Per-block falloff multiplier for @n_frames at @sample_rate. */
float tandem_meter_falloff      (guint  n_frames,
                                 float  sample_rate);

/* The published copy: written only by the audio thread, read by the UI. */
typedef struct _TandemMeterBank TandemMeterBank;

TandemMeterBank *tandem_meter_bank_new         (void);
void             tandem_meter_bank_free        (TandemMeterBank         *bank);
TANDEM_REALTIME
void             tandem_meter_bank_publish     (TandemMeterBank         *bank,
                                                const TandemMeterLevels *levels);
/* Linear peak of track @index (0 when it has no meter) and of the master. */
float            tandem_meter_bank_get_track   (TandemMeterBank         *bank,
                                                guint                    index);
void             tandem_meter_bank_get_master  (TandemMeterBank         *bank,
                                                float                   *left,
                                                float                   *right);
void             tandem_meter_bank_clear       (TandemMeterBank         *bank);

G_END_DECLS
