/* tandem-circle-view.h — the circle of fifths: pick the key, see the chord
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "tandem-model.h"

G_BEGIN_DECLS

#define TANDEM_TYPE_CIRCLE_VIEW (tandem_circle_view_get_type ())
G_DECLARE_FINAL_TYPE (TandemCircleView, tandem_circle_view, TANDEM, CIRCLE_VIEW, GtkWidget)

/*
 * Majors on the outer ring, their relative minors inside, C at the top and
 * sharps clockwise. The project's key is filled, its two neighbours shaded;
 * the chord playing now (set by whoever follows the playhead) is outlined.
 * A click or Enter on a key sets "key-root" and "scale" in one op.
 * Keys: Left/Right move a fifth, Up/Down switch between the rings.
 *
 * Properties: "project", "history".
 */
GtkWidget *tandem_circle_view_new         (void);
void       tandem_circle_view_set_project (TandemCircleView  *self,
                                           TandemProject     *project);
void       tandem_circle_view_set_history (TandemCircleView  *self,
                                           TandemHistory     *history);
/* The chord sounding now, or NULL for none. */
void       tandem_circle_view_set_chord   (TandemCircleView  *self,
                                           const TandemChord *chord);
/* Where the keyboard focus is on the circle: position 0 … 11, and the ring. */
guint      tandem_circle_view_get_focus   (TandemCircleView  *self,
                                           gboolean          *minor);
/* The position of the chord outlined, or -1. */
int        tandem_circle_view_get_chord_position (TandemCircleView *self);

G_END_DECLS
