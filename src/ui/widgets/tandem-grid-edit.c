/* tandem-grid-edit.c — editing the cells of the grid
 *
 * The grid.* actions, paint strokes and velocity drags, and the context menu
 * of a cell. Every edit is an op through the history; the cells change when
 * the pattern says so (tandem-grid-view.c).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-ui"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "tandem-grid-view-private.h"
#include "tandem-widgets-private.h"

#define DEFAULT_VELOCITY 100

static const TandemCell *
get_model_cell (TandemGridView *self,
                const char     *track_id,
                guint           step)
{
  if (self->pattern == NULL || step >= self->n_steps ||
      g_hash_table_lookup (self->row_by_track, track_id) == NULL)
    return NULL;
  return tandem_pattern_get_cell (self->pattern, track_id, step);
}

static void
set_cell (TandemGridView *self,
          const char     *track_id,
          guint           step,
          const char     *prop,
          int             value)
{
  if (get_model_cell (self, track_id, step) == NULL)
    return;

  _tandem_widgets_apply (self->history,
                         tandem_op_new_set_cell (tandem_pattern_get_id (self->pattern),
                                                 track_id, step, prop, value));
}

/* ---- actions ------------------------------------------------------------- */

static void
grid_toggle_cell (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  TandemGridView *self = TANDEM_GRID_VIEW (widget);
  const TandemCell *cell;
  const char *track_id;
  int step;

  g_variant_get (parameter, "(&si)", &track_id, &step);
  if (step < 0 || (cell = get_model_cell (self, track_id, step)) == NULL)
    return;

  set_cell (self, track_id, step, "velocity", cell->velocity > 0 ? 0 : DEFAULT_VELOCITY);
}

static void
grid_set_cell_prop (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  TandemGridView *self = TANDEM_GRID_VIEW (widget);
  const char *prop = strrchr (action_name, '-') + 1;
  const char *track_id;
  int step, value;

  g_variant_get (parameter, "(&sii)", &track_id, &step, &value);
  if (step < 0)
    return;

  if (g_str_equal (prop, "velocity"))
    value = CLAMP (value, 0, 127);
  else if (g_str_equal (prop, "probability"))
    value = CLAMP (value, 0, 100);
  else
    value = CLAMP (value, TANDEM_NOTE_MIN, TANDEM_NOTE_MAX);

  set_cell (self, track_id, step, prop, value);
}

void
_tandem_grid_view_class_edit_init (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "grid.toggle-cell", "(si)", grid_toggle_cell);
  gtk_widget_class_install_action (widget_class, "grid.set-velocity", "(sii)",
                                   grid_set_cell_prop);
  gtk_widget_class_install_action (widget_class, "grid.set-probability", "(sii)",
                                   grid_set_cell_prop);
  gtk_widget_class_install_action (widget_class, "grid.set-note", "(sii)", grid_set_cell_prop);
}

/* ---- strokes ------------------------------------------------------------- */

void
_tandem_grid_view_paint_begin (TandemGridView *self,
                               const char     *track_id,
                               guint           step)
{
  const TandemCell *cell;

  g_return_if_fail (TANDEM_IS_GRID_VIEW (self));

  if (self->painting || (cell = get_model_cell (self, track_id, step)) == NULL)
    return;

  self->painting = TRUE;
  self->paint_velocity = cell->velocity > 0 ? 0 : DEFAULT_VELOCITY;
  if (self->history != NULL)
    tandem_history_begin_group (self->history);
  set_cell (self, track_id, step, "velocity", self->paint_velocity);
}

void
_tandem_grid_view_paint_to (TandemGridView *self,
                            const char     *track_id,
                            guint           step)
{
  const TandemCell *cell;

  g_return_if_fail (TANDEM_IS_GRID_VIEW (self));

  if (!self->painting || (cell = get_model_cell (self, track_id, step)) == NULL)
    return;

  /* Only cells that differ: an already active cell keeps its velocity. */
  if ((cell->velocity > 0) != (self->paint_velocity > 0))
    set_cell (self, track_id, step, "velocity", self->paint_velocity);
}

void
_tandem_grid_view_paint_end (TandemGridView *self)
{
  g_return_if_fail (TANDEM_IS_GRID_VIEW (self));

  if (!self->painting)
    return;

  self->painting = FALSE;
  if (self->history != NULL)
    tandem_history_end_group (self->history);
}

gboolean
_tandem_grid_view_velocity_begin (TandemGridView *self,
                                  const char     *track_id,
                                  guint           step)
{
  const TandemCell *cell;

  g_return_val_if_fail (TANDEM_IS_GRID_VIEW (self), FALSE);

  if (self->velocity_dragging || (cell = get_model_cell (self, track_id, step)) == NULL ||
      cell->velocity == 0)
    return FALSE;

  self->velocity_dragging = TRUE;
  g_free (self->drag_track);
  self->drag_track = g_strdup (track_id);
  self->drag_step = step;
  self->drag_start_velocity = cell->velocity;
  if (self->history != NULL)
    tandem_history_begin_group (self->history);
  return TRUE;
}

void
_tandem_grid_view_velocity_update (TandemGridView *self,
                                   double          dy)
{
  const TandemCell *cell;
  int velocity;

  g_return_if_fail (TANDEM_IS_GRID_VIEW (self));

  if (!self->velocity_dragging ||
      (cell = get_model_cell (self, self->drag_track, self->drag_step)) == NULL)
    return;

  /* Half a velocity unit per pixel: the full range in about 250 px. */
  velocity = CLAMP (self->drag_start_velocity - (int) (dy / 2), 1, 127);
  if (velocity != cell->velocity)
    set_cell (self, self->drag_track, self->drag_step, "velocity", velocity);
}

void
_tandem_grid_view_velocity_end (TandemGridView *self)
{
  g_return_if_fail (TANDEM_IS_GRID_VIEW (self));

  if (!self->velocity_dragging)
    return;

  self->velocity_dragging = FALSE;
  g_clear_pointer (&self->drag_track, g_free);
  if (self->history != NULL)
    tandem_history_end_group (self->history);
}

void
_tandem_grid_view_end_strokes (TandemGridView *self)
{
  _tandem_grid_view_velocity_end (self);
  _tandem_grid_view_paint_end (self);
}

void
_tandem_grid_view_cells_removed (TandemGridView *self)
{
  TandemGridRow *row;

  if (self->painting || self->velocity_dragging)
    {
      _tandem_grid_view_end_strokes (self);
      /* The button is still down: without this the next motion would go on
       * painting whatever slid under the pointer. */
      if (self->body != NULL)
        gtk_event_controller_reset (GTK_EVENT_CONTROLLER (TANDEM_GRID_BODY (self->body)->drag));
    }

  if (self->menu != NULL && gtk_widget_get_visible (self->menu) &&
      ((row = g_hash_table_lookup (self->row_by_track, self->menu_track)) == NULL ||
       self->menu_step >= row->cells->len))
    gtk_popover_popdown (GTK_POPOVER (self->menu));
}

/* ---- the context menu of a cell ------------------------------------------ */

static void
add_cell_item (GMenu      *section,
               const char *label,
               const char *action,
               const char *track_id,
               guint       step,
               int         value)
{
  g_autoptr(GMenuItem) item = g_menu_item_new (label, NULL);

  g_menu_item_set_action_and_target_value (item, action,
                                           g_variant_new ("(sii)", track_id, (int) step, value));
  g_menu_append_item (section, item);
}

GMenuModel *
_tandem_grid_view_popup_menu (TandemGridView *self,
                              const char     *track_id,
                              guint           step)
{
  static const int probabilities[] = { 100, 75, 50, 25 };
  g_autoptr(GMenu) probability = g_menu_new ();
  const TandemCell *cell;
  TandemGridRow *row;
  graphene_rect_t rect;
  guint r = 0;

  g_return_val_if_fail (TANDEM_IS_GRID_VIEW (self), NULL);

  if ((cell = get_model_cell (self, track_id, step)) == NULL)
    return NULL;
  row = _tandem_grid_view_find_row (self, track_id, &r);

  g_clear_object (&self->menu_model);
  self->menu_model = g_menu_new ();
  g_free (self->menu_track);
  self->menu_track = g_strdup (track_id);
  self->menu_step = step;

  for (guint i = 0; i < G_N_ELEMENTS (probabilities); i++)
    {
      /* Translators: a step's probability in the grid's context menu, “75 %” */
      g_autofree char *label = g_strdup_printf (_("%d %%"), probabilities[i]);

      add_cell_item (probability, label, "grid.set-probability", track_id, step,
                     probabilities[i]);
    }
  g_menu_append_section (self->menu_model, _("Probability"), G_MENU_MODEL (probability));

  if (g_strcmp0 (tandem_track_get_instrument (row->track), "synth") == 0)
    {
      g_autoptr(GMenu) note = g_menu_new ();

      if (cell->note < TANDEM_NOTE_MAX)
        add_cell_item (note, _("Note Up"), "grid.set-note", track_id, step, cell->note + 1);
      if (cell->note > TANDEM_NOTE_MIN)
        add_cell_item (note, _("Note Down"), "grid.set-note", track_id, step, cell->note - 1);
      if (cell->note != 0)
        add_cell_item (note, _("Reset Note"), "grid.set-note", track_id, step, 0);
      g_menu_append_section (self->menu_model, _("Note"), G_MENU_MODEL (note));
    }

  if (self->menu == NULL)
    {
      self->menu = gtk_popover_menu_new_from_model (G_MENU_MODEL (self->menu_model));
      gtk_widget_set_parent (self->menu, self->body);
      gtk_popover_set_position (GTK_POPOVER (self->menu), GTK_POS_BOTTOM);
    }
  else
    {
      gtk_popover_menu_set_menu_model (GTK_POPOVER_MENU (self->menu),
                                       G_MENU_MODEL (self->menu_model));
    }

  _tandem_grid_body_get_cell_rect (TANDEM_GRID_BODY (self->body), r, step, &rect);
  gtk_popover_set_pointing_to (GTK_POPOVER (self->menu),
                               &(GdkRectangle) { rect.origin.x, rect.origin.y,
                                                 rect.size.width, rect.size.height });
  if (gtk_widget_get_mapped (self->body))
    gtk_popover_popup (GTK_POPOVER (self->menu));

  return G_MENU_MODEL (self->menu_model);
}

GtkWidget *
_tandem_grid_view_get_cell_menu (TandemGridView *self)
{
  g_return_val_if_fail (TANDEM_IS_GRID_VIEW (self), NULL);

  return self->menu;
}
