/* tandem-grid-cell.h — one step of one track in the grid
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "tandem-model.h"

G_BEGIN_DECLS

#define TANDEM_TYPE_GRID_CELL (tandem_grid_cell_get_type ())
G_DECLARE_FINAL_TYPE (TandemGridCell, tandem_grid_cell, TANDEM, GRID_CELL, GtkWidget)

/*
 * A cell is a real widget so that assistive technologies see the grid: it
 * is a checkbox named “Kick, step 3” whose action “cell.toggle” toggles the
 * step through the grid's “grid.toggle-cell” action. It never changes its
 * own state: TandemGridView pushes the model's value with _set_value().
 */
GtkWidget  *tandem_grid_cell_new          (const char       *track_id,
                                           guint             step);
const char *tandem_grid_cell_get_track_id (TandemGridCell   *self);
guint       tandem_grid_cell_get_step     (TandemGridCell   *self);
gboolean    tandem_grid_cell_get_active   (TandemGridCell   *self);
const TandemCell *tandem_grid_cell_get_value (TandemGridCell *self);
void        tandem_grid_cell_set_value    (TandemGridCell   *self,
                                           const TandemCell *value);
void        tandem_grid_cell_set_color    (TandemGridCell   *self,
                                           const GdkRGBA    *color);
void        tandem_grid_cell_set_key      (TandemGridCell   *self,
                                           gboolean          melodic,
                                           guint             key_root,
                                           TandemScale       scale);
char       *tandem_grid_cell_dup_note_name (TandemGridCell  *self);
void        tandem_grid_cell_set_track_name (TandemGridCell *self,
                                             const char     *name);

G_END_DECLS
