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
#include "tandem-note-names.h"
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

/* ---- the velocity label -------------------------------------------------- */

static gboolean
hide_velocity_later (gpointer data)
{
  TandemGridView *self = data;

  self->velocity_hide_source = 0;
  _tandem_grid_view_hide_velocity (self);
  return G_SOURCE_REMOVE;
}

void
_tandem_grid_view_show_velocity (TandemGridView *self,
                                 guint           row,
                                 guint           step,
                                 guint           velocity,
                                 gboolean        brief)
{
  g_autofree char *text = NULL;
  graphene_rect_t rect;

  g_return_if_fail (TANDEM_IS_GRID_VIEW (self));

  if (self->body == NULL || row >= self->rows->len)
    return;
  if (self->velocity_popover == NULL)
    {
      /* A popover that neither grabs the pointer nor takes the focus: the
       * drag and the keys stay with the grid. */
      self->velocity_popover = gtk_popover_new ();
      gtk_popover_set_autohide (GTK_POPOVER (self->velocity_popover), FALSE);
      gtk_popover_set_position (GTK_POPOVER (self->velocity_popover), GTK_POS_TOP);
      gtk_widget_set_can_target (self->velocity_popover, FALSE);
      gtk_widget_set_can_focus (self->velocity_popover, FALSE);
      gtk_widget_add_css_class (self->velocity_popover, "velocity-label");
      self->velocity_label = gtk_label_new (NULL);
      gtk_widget_add_css_class (self->velocity_label, "numeric");
      gtk_popover_set_child (GTK_POPOVER (self->velocity_popover), self->velocity_label);
      gtk_widget_set_parent (self->velocity_popover, self->body);
    }
  /* Translators: the velocity shown over a grid cell while it changes, 1 … 127 */
  text = g_strdup_printf (_("Velocity %u"), velocity);
  gtk_label_set_label (GTK_LABEL (self->velocity_label), text);
  _tandem_grid_body_get_cell_rect (TANDEM_GRID_BODY (self->body), row, step, &rect);
  gtk_popover_set_pointing_to (GTK_POPOVER (self->velocity_popover),
                               &(GdkRectangle) { rect.origin.x, rect.origin.y,
                                                 rect.size.width, rect.size.height });
  if (gtk_widget_get_mapped (self->body) && !gtk_widget_get_visible (self->velocity_popover))
    gtk_popover_popup (GTK_POPOVER (self->velocity_popover));
  g_clear_handle_id (&self->velocity_hide_source, g_source_remove);
  if (brief)
    self->velocity_hide_source = g_timeout_add (900, hide_velocity_later, self);
}

static void
show_velocity_of (TandemGridView *self,
                  const char     *track_id,
                  guint           step,
                  guint           velocity,
                  gboolean        brief)
{
  guint r;

  if (_tandem_grid_view_find_row (self, track_id, &r) != NULL)
    _tandem_grid_view_show_velocity (self, r, step, velocity, brief);
}

void
_tandem_grid_view_hide_velocity (TandemGridView *self)
{
  g_return_if_fail (TANDEM_IS_GRID_VIEW (self));

  g_clear_handle_id (&self->velocity_hide_source, g_source_remove);
  if (self->velocity_popover != NULL)
    gtk_popover_popdown (GTK_POPOVER (self->velocity_popover));
}

GtkWidget *
_tandem_grid_view_get_velocity_label (TandemGridView *self)
{
  g_return_val_if_fail (TANDEM_IS_GRID_VIEW (self), NULL);

  return self->velocity_label;
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
  show_velocity_of (self, track_id, step, cell->velocity, FALSE);
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
  if ((cell = get_model_cell (self, self->drag_track, self->drag_step)) != NULL)
    show_velocity_of (self, self->drag_track, self->drag_step, cell->velocity, FALSE);
}

void
_tandem_grid_view_velocity_end (TandemGridView *self)
{
  g_return_if_fail (TANDEM_IS_GRID_VIEW (self));

  if (!self->velocity_dragging)
    return;

  self->velocity_dragging = FALSE;
  g_clear_pointer (&self->drag_track, g_free);
  _tandem_grid_view_hide_velocity (self);
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
on_probability_changed (GtkSpinButton  *spin,
                        TandemGridView *self)
{
  const TandemCell *cell;
  int value = gtk_spin_button_get_value_as_int (spin);

  if (self->menu_track == NULL ||
      (cell = get_model_cell (self, self->menu_track, self->menu_step)) == NULL ||
      cell->probability == value)
    return;
  set_cell (self, self->menu_track, self->menu_step, "probability", CLAMP (value, 0, 100));
}

/* Any whole percent: a spin button with a "%" after it. */
static GtkWidget *
new_probability_field (TandemGridView   *self,
                       const TandemCell *cell)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *spin = gtk_spin_button_new_with_range (0, 100, 1);
  GtkWidget *percent = gtk_label_new ("%");

  gtk_widget_set_margin_start (box, 12);
  gtk_widget_set_margin_end (box, 12);
  gtk_widget_set_halign (box, GTK_ALIGN_START);
  gtk_spin_button_set_numeric (GTK_SPIN_BUTTON (spin), TRUE);
  gtk_spin_button_set_digits (GTK_SPIN_BUTTON (spin), 0);
  gtk_spin_button_set_increments (GTK_SPIN_BUTTON (spin), 1, 10);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (spin), cell->probability);
  gtk_widget_set_tooltip_text (spin, _("How likely the step plays, in percent"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (spin), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Probability"), -1);
  gtk_widget_add_css_class (percent, "dim-label");
  g_signal_connect_object (spin, "value-changed", G_CALLBACK (on_probability_changed), self, 0);
  gtk_box_append (GTK_BOX (box), spin);
  gtk_box_append (GTK_BOX (box), percent);
  self->probability_spin = spin;
  return box;
}

static void
on_pitch_clicked (GtkButton      *button,
                  TandemGridView *self)
{
  int degree = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (button), "degree"));

  if (self->menu_track != NULL)
    set_cell (self, self->menu_track, self->menu_step, "note",
              CLAMP (degree, TANDEM_NOTE_MIN, TANDEM_NOTE_MAX));
  if (self->menu != NULL)
    gtk_popover_popdown (GTK_POPOVER (self->menu));
}

#define PIANO_ROLL_REACH 7   /* semitones above and below the current note */

/* A strip of pitches around the step's note, highest on top like a piano
 * roll: the notes of the key can be chosen (a step plays a degree of the
 * key), the others are shown dimmed between them, as black keys are. */
static GtkWidget *
new_piano_roll (TandemGridView   *self,
                const TandemCell *cell)
{
  guint root = tandem_project_get_key_root (self->project);
  TandemScale scale = tandem_project_get_scale (self->project);
  int current = _tandem_note_degree_to_midi (cell->note, root, scale);
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);

  gtk_widget_add_css_class (box, "piano-roll");
  gtk_widget_set_margin_start (box, 12);
  gtk_widget_set_margin_end (box, 12);
  gtk_accessible_update_property (GTK_ACCESSIBLE (box), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Note"), -1);
  for (int midi = current + PIANO_ROLL_REACH; midi >= current - PIANO_ROLL_REACH; midi--)
    {
      g_autofree char *name = _tandem_note_midi_name (midi, root, scale);
      GtkWidget *button = gtk_button_new_with_label (name);
      int degree;

      gtk_widget_add_css_class (button, "flat");
      if (_tandem_note_midi_to_degree (midi, root, scale, &degree))
        {
          gtk_widget_add_css_class (button, "in-key");
          g_object_set_data (G_OBJECT (button), "degree", GINT_TO_POINTER (degree));
          g_signal_connect_object (button, "clicked", G_CALLBACK (on_pitch_clicked), self, 0);
          if (midi == current)
            gtk_widget_add_css_class (button, "current");
        }
      else
        {
          gtk_widget_add_css_class (button, "out-of-key");
          gtk_widget_set_sensitive (button, FALSE);
        }
      gtk_box_append (GTK_BOX (box), button);
    }
  self->piano_roll = box;
  return box;
}

/* A section holding one custom widget, added once the model is set. */
static void
append_custom (GMenu      *into,
               const char *section_label,
               const char *custom_id)
{
  g_autoptr(GMenu) section = g_menu_new ();
  g_autoptr(GMenuItem) item = g_menu_item_new (NULL, NULL);

  g_menu_item_set_attribute (item, "custom", "s", custom_id);
  g_menu_append_item (section, item);
  g_menu_append_section (into, section_label, G_MENU_MODEL (section));
}

GMenuModel *
_tandem_grid_view_popup_menu (TandemGridView *self,
                              const char     *track_id,
                              guint           step)
{
  const TandemCell *cell;
  TandemGridRow *row;
  graphene_rect_t rect;
  gboolean melodic;
  guint r = 0;

  g_return_val_if_fail (TANDEM_IS_GRID_VIEW (self), NULL);

  if ((cell = get_model_cell (self, track_id, step)) == NULL)
    return NULL;
  row = _tandem_grid_view_find_row (self, track_id, &r);
  melodic = _tandem_note_is_melodic (tandem_track_get_instrument (row->track));

  g_clear_object (&self->menu_model);
  self->menu_model = g_menu_new ();
  g_free (self->menu_track);
  self->menu_track = NULL;
  self->menu_step = step;
  self->probability_spin = NULL;
  self->piano_roll = NULL;

  append_custom (self->menu_model, _("Probability"), "probability");
  if (melodic)
    append_custom (self->menu_model, _("Note"), "piano-roll");

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
  gtk_popover_menu_add_child (GTK_POPOVER_MENU (self->menu), new_probability_field (self, cell),
                              "probability");
  if (melodic)
    gtk_popover_menu_add_child (GTK_POPOVER_MENU (self->menu), new_piano_roll (self, cell),
                                "piano-roll");
  /* Set last: building the fields is not an edit. */
  self->menu_track = g_strdup (track_id);

  _tandem_grid_body_get_cell_rect (TANDEM_GRID_BODY (self->body), r, step, &rect);
  gtk_popover_set_pointing_to (GTK_POPOVER (self->menu),
                               &(GdkRectangle) { rect.origin.x, rect.origin.y,
                                                 rect.size.width, rect.size.height });
  if (gtk_widget_get_mapped (self->body))
    gtk_popover_popup (GTK_POPOVER (self->menu));

  return G_MENU_MODEL (self->menu_model);
}

GtkSpinButton *
_tandem_grid_view_get_probability_spin (TandemGridView *self)
{
  g_return_val_if_fail (TANDEM_IS_GRID_VIEW (self), NULL);

  return self->probability_spin != NULL ? GTK_SPIN_BUTTON (self->probability_spin) : NULL;
}

GtkWidget *
_tandem_grid_view_get_piano_roll (TandemGridView *self)
{
  g_return_val_if_fail (TANDEM_IS_GRID_VIEW (self), NULL);

  return self->piano_roll;
}

GtkWidget *
_tandem_grid_view_get_cell_menu (TandemGridView *self)
{
  g_return_val_if_fail (TANDEM_IS_GRID_VIEW (self), NULL);

  return self->menu;
}
