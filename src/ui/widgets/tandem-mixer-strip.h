/* tandem-mixer-strip.h — one channel of the mixer: fader, pan, mute, solo, meter
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "tandem-meter.h"
#include "tandem-model.h"

G_BEGIN_DECLS

#define TANDEM_TYPE_MIXER_STRIP (tandem_mixer_strip_get_type ())
G_DECLARE_FINAL_TYPE (TandemMixerStrip, tandem_mixer_strip, TANDEM, MIXER_STRIP, GtkWidget)

/* A strip for @track, or the master strip when @track is NULL (it edits the
 * project's "master-volume" and has no pan, mute or solo). */
GtkWidget   *tandem_mixer_strip_new          (TandemProject    *project,
                                              TandemTrack      *track);
TandemTrack *tandem_mixer_strip_get_track    (TandemMixerStrip *self);
void         tandem_mixer_strip_set_history  (TandemMixerStrip *self,
                                              TandemHistory    *history);
TandemMeter *tandem_mixer_strip_get_meter    (TandemMixerStrip *self);
GtkRange    *tandem_mixer_strip_get_fader    (TandemMixerStrip *self);
GtkRange    *tandem_mixer_strip_get_pan      (TandemMixerStrip *self);
GtkToggleButton *tandem_mixer_strip_get_mute (TandemMixerStrip *self);
GtkToggleButton *tandem_mixer_strip_get_solo (TandemMixerStrip *self);
/* A fader or pan drag: the edits between begin and end are one undo step.
 * The strip calls these on pointer press and release. */
void         tandem_mixer_strip_begin_drag   (TandemMixerStrip *self);
void         tandem_mixer_strip_end_drag     (TandemMixerStrip *self);
/* What a double click does: volume back to 0 dB (or pan to centre). */
void         tandem_mixer_strip_reset_volume (TandemMixerStrip *self);
void         tandem_mixer_strip_reset_pan    (TandemMixerStrip *self);

G_END_DECLS
