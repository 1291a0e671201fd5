/* tandem-generate-panel.h — rhythm, harmony, melody and evolution generators
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "tandem-model.h"
#include "tandem-sync-client.h"
#include "widgets/tandem-grid-view.h"

G_BEGIN_DECLS

#define TANDEM_TYPE_GENERATE_PANEL (tandem_generate_panel_get_type ())
G_DECLARE_FINAL_TYPE (TandemGeneratePanel, tandem_generate_panel, TANDEM, GENERATE_PANEL, GtkWidget)

/*
 * The circle of fifths and the generators, working on the project's current
 * pattern and the grid's selected track: a rhythm (Schillinger resultant,
 * fractioning or Euclidean) previewed ghosted on the grid, applied, or
 * streamed one variation a bar; a progression by fifths into the chord lane;
 * a melody of chord tones on the rhythm; and the pattern's evolution (start,
 * pause, resume, keep, revert) with its state for everyone to see.
 */
GtkWidget *tandem_generate_panel_new         (void);
void       tandem_generate_panel_set_project (TandemGeneratePanel *self,
                                              TandemProject       *project,
                                              TandemHistory       *history);
/* The session's client (NULL alone): streams and evolutions go through it. */
void       tandem_generate_panel_set_client  (TandemGeneratePanel *self,
                                              TandemSyncClient    *client);
void       tandem_generate_panel_set_grid    (TandemGeneratePanel *self,
                                              TandemGridView      *grid);
/* Follows the playhead: the circle shows the chord at @step (-1: stopped). */
void       tandem_generate_panel_set_playing_step (TandemGeneratePanel *self,
                                                   int                  step);
/* The rhythm the controls describe now; FALSE when they describe none. */
gboolean   tandem_generate_panel_get_rhythm  (TandemGeneratePanel *self,
                                              TandemRhythm        *rhythm);
GtkWidget *tandem_generate_panel_get_circle  (TandemGeneratePanel *self);

G_END_DECLS
