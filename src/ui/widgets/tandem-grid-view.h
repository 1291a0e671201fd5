/* tandem-grid-view.h — the music grid: tracks × steps of the current pattern
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "tandem-model.h"

G_BEGIN_DECLS

/* Another participant's cursor, as the sync layer's presence reports it. */
typedef struct
{
  char    *name;
  GdkRGBA  color;
  char    *track_id;
  int      step;
} TandemGridCursor;

#define TANDEM_TYPE_GRID_CURSOR (tandem_grid_cursor_get_type ())
GType             tandem_grid_cursor_get_type (void) G_GNUC_CONST;
TandemGridCursor *tandem_grid_cursor_new      (const char             *name,
                                               const GdkRGBA          *color,
                                               const char             *track_id,
                                               int                     step);
TandemGridCursor *tandem_grid_cursor_copy     (const TandemGridCursor *cursor);
void              tandem_grid_cursor_free     (TandemGridCursor       *cursor);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TandemGridCursor, tandem_grid_cursor_free)

#define TANDEM_TYPE_GRID_VIEW (tandem_grid_view_get_type ())
G_DECLARE_FINAL_TYPE (TandemGridView, tandem_grid_view, TANDEM, GRID_VIEW, GtkWidget)

/*
 * Properties:
 *   "project" (TandemProject), "history" (TandemHistory): what to show and
 *     where edits go;
 *   "playhead-step" (int, -1 = none): the step being played;
 *   "selected-track" (string or NULL): the track whose header was clicked;
 *   "pattern-id" (string or NULL): the pattern shown (view state), NULL for
 *     the project's playing "current-pattern".
 *
 * Actions (parameters are the track id and the step; values are ints):
 *   grid.toggle-cell (si), grid.set-velocity (sii), grid.set-probability (sii),
 *   grid.set-note (sii).
 */
GtkWidget     *tandem_grid_view_new                (void);
TandemProject *tandem_grid_view_get_project        (TandemGridView *self);
void           tandem_grid_view_set_project        (TandemGridView *self,
                                                    TandemProject  *project);
TandemHistory *tandem_grid_view_get_history        (TandemGridView *self);
void           tandem_grid_view_set_history        (TandemGridView *self,
                                                    TandemHistory  *history);
int            tandem_grid_view_get_playhead_step  (TandemGridView *self);
void           tandem_grid_view_set_playhead_step  (TandemGridView *self,
                                                    int             step);
void           tandem_grid_view_set_pattern_id     (TandemGridView *self,
                                                    const char     *pattern_id);
TandemPattern *tandem_grid_view_get_pattern        (TandemGridView *self);
const char    *tandem_grid_view_get_selected_track (TandemGridView *self);
void           tandem_grid_view_set_selected_track (TandemGridView *self,
                                                    const char     *track_id);
/* A rhythm drawn ghosted over @track_id's row (@onsets: TANDEM_MAX_STEPS
 * entries, nonzero where a note would start); NULL clears it. */
void           tandem_grid_view_set_ghost          (TandemGridView *self,
                                                    const char     *track_id,
                                                    const guint8   *onsets);
const char    *tandem_grid_view_get_ghost_track    (TandemGridView *self);
void           tandem_grid_view_set_remote_cursors (TandemGridView *self,
                                                    GPtrArray      *cursors);
/* The id of the track whose row is under (@x, @y), in @self's coordinates. */
const char    *tandem_grid_view_get_track_at       (TandemGridView *self,
                                                    double          x,
                                                    double          y);

G_END_DECLS
