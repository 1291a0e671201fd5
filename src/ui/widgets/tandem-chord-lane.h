/* tandem-chord-lane.h — the chord lane under the grid: one chord per bar or beat
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "tandem-model.h"

G_BEGIN_DECLS

#define TANDEM_TYPE_CHORD_LANE (tandem_chord_lane_get_type ())
G_DECLARE_FINAL_TYPE (TandemChordLane, tandem_chord_lane, TANDEM, CHORD_LANE, GtkWidget)

/*
 * Shows the chord lane of the project's current pattern as buttons named in
 * the key ("V7 · G7"). Clicking a slot, or Up/Down on it, steps through the
 * key's diatonic chords and "no chord"; Delete clears it. A preset menu puts a
 * common progression in, "per bar"/"per beat" sets the rate, + and − add and
 * remove a slot. Every change is one op. While the pattern evolves, the lane
 * says so and at which step, for everyone.
 */
GtkWidget *tandem_chord_lane_new          (void);
void       tandem_chord_lane_set_project  (TandemChordLane *self,
                                           TandemProject   *project);
void       tandem_chord_lane_set_pattern_id (TandemChordLane *self,
                                             const char      *pattern_id);
void       tandem_chord_lane_set_history  (TandemChordLane *self,
                                           TandemHistory   *history);
/* Marks the slot playing at grid step @step (-1: not playing). */
void       tandem_chord_lane_set_playing_step (TandemChordLane *self,
                                               int              step);
/* The slot buttons, for tests: slot @i, or NULL. */
GtkWidget *tandem_chord_lane_get_slot     (TandemChordLane *self,
                                           guint            i);
/* "Evolving, step 3 of 16" while the pattern evolves, NULL otherwise. */
const char *tandem_chord_lane_get_evolution_text (TandemChordLane *self);
/* Applies the preset progression number @index (tandem_progressions()). */
void       tandem_chord_lane_apply_preset (TandemChordLane *self,
                                           guint            index);

G_END_DECLS
