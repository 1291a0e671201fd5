/* tandem-grid-view-private.h — the grid's gesture steps, for its gestures and tests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "tandem-grid-cell.h"
#include "tandem-grid-view.h"

G_BEGIN_DECLS

/* A paint stroke: the first cell decides on or off, one undo step. */
void            _tandem_grid_view_paint_begin    (TandemGridView *self,
                                                  const char     *track_id,
                                                  guint           step);
void            _tandem_grid_view_paint_to       (TandemGridView *self,
                                                  const char     *track_id,
                                                  guint           step);
void            _tandem_grid_view_paint_end      (TandemGridView *self);
/* A velocity drag on an active cell: @dy pixels from the start, up is louder. */
gboolean        _tandem_grid_view_velocity_begin (TandemGridView *self,
                                                  const char     *track_id,
                                                  guint           step);
void            _tandem_grid_view_velocity_update (TandemGridView *self,
                                                   double          dy);
void            _tandem_grid_view_velocity_end   (TandemGridView *self);
/* The cell widget showing @track_id at @step, or NULL. */
TandemGridCell *_tandem_grid_view_get_cell       (TandemGridView *self,
                                                  const char     *track_id,
                                                  guint           step);
/* Where the keyboard focus cell is. */
void            _tandem_grid_view_get_focus_cell (TandemGridView *self,
                                                  guint          *row,
                                                  guint          *step);
/* The rows, in track order, and the widgets of each row's header. */
guint           _tandem_grid_view_get_n_rows     (TandemGridView *self);
const char     *_tandem_grid_view_get_row_track_id (TandemGridView *self,
                                                    guint           index);
GtkWidget      *_tandem_grid_view_get_row_header (TandemGridView *self,
                                                  const char     *track_id);
GtkWidget      *_tandem_grid_view_get_row_menu_button (TandemGridView *self,
                                                       const char     *track_id);
GtkWidget      *_tandem_grid_view_get_add_button (TandemGridView *self);
/* Opens the Rename Track dialog; its answer goes through track.rename. */
GtkWidget      *_tandem_grid_view_show_rename_dialog (TandemGridView *self,
                                                      const char     *track_id);
/* Opens the context menu of a cell; returns the menu's model (owned by the grid). */
GMenuModel     *_tandem_grid_view_popup_menu     (TandemGridView *self,
                                                  const char     *track_id,
                                                  guint           step);

G_END_DECLS
