/* tandem-track.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "tandem-model-types.h"
#include "tandem-music-types.h"

G_BEGIN_DECLS

#define TANDEM_TYPE_TRACK (tandem_track_get_type ())
G_DECLARE_FINAL_TYPE (TandemTrack, tandem_track, TANDEM, TRACK, GObject)

/* Properties (also the names ops and files use): "id" (construct-only),
 * "name", "color" ("#rrggbb"), "instrument", "volume" (dB), "pan" (-1..1),
 * "mute", "solo", "layers" (a "sampler" instrument's velocity layers, see
 * tandem-layers.h), "choke-group" (0 = none; a hit silences the other tracks
 * of its group), "harmony" (TandemHarmonyMode), "arp" (TandemArp), "arp-rate"
 * (1 … 16 steps). Setters are for the model's op code; everyone else submits ops. */
const char *tandem_track_get_id         (TandemTrack *self);
const char *tandem_track_get_name       (TandemTrack *self);
const char *tandem_track_get_color      (TandemTrack *self);
const char *tandem_track_get_instrument (TandemTrack *self);
double      tandem_track_get_volume     (TandemTrack *self);
double      tandem_track_get_pan        (TandemTrack *self);
gboolean    tandem_track_get_mute       (TandemTrack *self);
gboolean    tandem_track_get_solo       (TandemTrack *self);
const char *tandem_track_get_layers     (TandemTrack *self);
guint       tandem_track_get_choke_group (TandemTrack *self);
TandemHarmonyMode tandem_track_get_harmony (TandemTrack *self);
TandemArp   tandem_track_get_arp        (TandemTrack *self);
guint       tandem_track_get_arp_rate   (TandemTrack *self);

G_END_DECLS
