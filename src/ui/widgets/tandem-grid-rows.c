/* tandem-grid-rows.c — one row of the grid per track
 *
 * A row is a header in the left column (a toggle button with the track's
 * colour and name, and a “⋮” menu button with the track menu) and a cell per
 * step in the body. Rows follow their track's name, colour and instrument;
 * the track menu's “row.*” actions forward to the grid's track.* actions.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-ui"

#include "config.h"

#include <glib/gi18n.h>

#include "tandem-grid-view-private.h"
#include "tandem-note-names.h"
#include "tandem-widgets-private.h"

TandemGridRow *
_tandem_grid_view_find_row (TandemGridView *self,
                            const char     *track_id,
                            guint          *index)
{
  for (guint r = 0; r < self->rows->len; r++)
    {
      TandemGridRow *row = g_ptr_array_index (self->rows, r);

      if (g_strcmp0 (tandem_track_get_id (row->track), track_id) == 0)
        {
          if (index != NULL)
            *index = r;
          return row;
        }
    }
  return NULL;
}

TandemGridRow *
_tandem_grid_view_row_at (TandemGridView *self,
                          guint           index)
{
  return index < self->rows->len ? g_ptr_array_index (self->rows, index) : NULL;
}

static void
update_row_cells (TandemGridView *self,
                  TandemGridRow  *row)
{
  const char *track_id = tandem_track_get_id (row->track);
  const char *name = tandem_track_get_name (row->track);
  gboolean had_focus = FALSE;

  while (row->cells->len > self->n_steps)
    {
      GtkWidget *cell = g_ptr_array_steal_index (row->cells, row->cells->len - 1);

      had_focus |= gtk_widget_has_focus (cell);
      gtk_widget_unparent (cell);
    }
  /* The keyboard focus stays in the grid, on the row's new last cell. */
  if (had_focus && row->cells->len > 0)
    gtk_widget_grab_focus (g_ptr_array_index (row->cells, row->cells->len - 1));

  while (row->cells->len < self->n_steps)
    {
      GtkWidget *cell = tandem_grid_cell_new (track_id, row->cells->len);
      GtkWidget *sibling = NULL;
      guint r;

      /* Keep the children in reading order (row by row) for focus and a11y. */
      if (row->cells->len > 0)
        sibling = g_ptr_array_index (row->cells, row->cells->len - 1);
      else
        for (r = 0; r < self->rows->len && g_ptr_array_index (self->rows, r) != row; r++)
          {
            TandemGridRow *before = g_ptr_array_index (self->rows, r);

            if (before->cells->len > 0)
              sibling = g_ptr_array_index (before->cells, before->cells->len - 1);
          }

      tandem_grid_cell_set_color (TANDEM_GRID_CELL (cell), &row->color);
      tandem_grid_cell_set_track_name (TANDEM_GRID_CELL (cell), name);
      gtk_widget_insert_after (cell, self->body, sibling);
      g_ptr_array_add (row->cells, cell);
    }

  for (guint i = 0; i < row->cells->len; i++)
    {
      const TandemCell *value = tandem_pattern_get_cell (self->pattern, track_id, i);

      tandem_grid_cell_set_key (g_ptr_array_index (row->cells, i),
                                _tandem_note_is_melodic (tandem_track_get_instrument (row->track)),
                                tandem_project_get_key_root (self->project),
                                tandem_project_get_scale (self->project));
      tandem_grid_cell_set_value (g_ptr_array_index (row->cells, i), value);
    }
}

/* ---- the header ---------------------------------------------------------- */

static const char *
instrument_label (const char *instrument)
{
  for (guint i = 0; i < _tandem_grid_get_n_instruments (); i++)
    if (g_strcmp0 (_tandem_grid_get_instrument_id (i), instrument) == 0)
      return _tandem_grid_get_instrument_label (i);

  if (g_strcmp0 (instrument, TANDEM_INSTRUMENT_SAMPLER) == 0)
    /* Translators: the instrument of a track that plays a drum kit's sampled instrument */
    return _("Drum Kit");
  /* Translators: the instrument of a track that plays an audio file */
  return tandem_instrument_get_sample (instrument) != NULL ? _("Sample") : instrument;
}

static void
update_header (TandemGridRow *row)
{
  const char *name = tandem_track_get_name (row->track);
  const char *instrument = instrument_label (tandem_track_get_instrument (row->track));
  g_autofree char *tooltip = NULL;
  g_autofree char *options = NULL;

  gtk_label_set_label (GTK_LABEL (row->label), name);
  /* Translators: tooltip of a track's row header in the grid: track name, instrument */
  tooltip = g_strdup_printf (_("Select “%s” (%s)"), name, instrument);
  gtk_widget_set_tooltip_text (row->header, tooltip);
  /* The button's child is a box, so GTK cannot derive a name from it. */
  gtk_accessible_update_property (GTK_ACCESSIBLE (row->header),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, name,
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, instrument,
                                  -1);

  /* Translators: accessible name of the “⋮” button of a track, e.g. “Kick Options” */
  options = g_strdup_printf (_("%s Options"), name);
  gtk_accessible_update_property (GTK_ACCESSIBLE (row->menu_button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, options,
                                  -1);
}

static void
update_instrument_state (TandemGridRow *row)
{
  GAction *action = g_action_map_lookup_action (G_ACTION_MAP (row->actions), "instrument");

  g_simple_action_set_state (G_SIMPLE_ACTION (action),
                             g_variant_new_string (tandem_track_get_instrument (row->track)));
}

static void
on_track_notify (TandemTrack   *track,
                 GParamSpec    *pspec,
                 TandemGridRow *row)
{
  const char *name = g_param_spec_get_name (pspec);

  if (g_str_equal (name, "name"))
    {
      update_header (row);
      for (guint i = 0; i < row->cells->len; i++)
        tandem_grid_cell_set_track_name (g_ptr_array_index (row->cells, i),
                                         tandem_track_get_name (track));
    }
  else if (g_str_equal (name, "color"))
    {
      _tandem_widgets_parse_color (tandem_track_get_color (track), &row->color);
      gtk_widget_queue_draw (row->swatch);
      for (guint i = 0; i < row->cells->len; i++)
        tandem_grid_cell_set_color (g_ptr_array_index (row->cells, i), &row->color);
    }
  else if (g_str_equal (name, "instrument"))
    {
      update_header (row);
      update_instrument_state (row);
      update_row_cells (row->view, row);
    }
}

static void
swatch_draw (GtkDrawingArea *area,
             cairo_t        *cr,
             int             width,
             int             height,
             gpointer        data)
{
  TandemGridRow *row = data;

  _tandem_widgets_draw_swatch (cr, width, height, &row->color);
}

void
_tandem_grid_view_sync_headers (TandemGridView *self)
{
  self->syncing_headers = TRUE;
  for (guint r = 0; r < self->rows->len; r++)
    {
      TandemGridRow *row = g_ptr_array_index (self->rows, r);

      gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (row->header),
                                    g_strcmp0 (self->selected_track,
                                               tandem_track_get_id (row->track)) == 0);
    }
  self->syncing_headers = FALSE;
}

static void
on_header_clicked (GtkButton     *button,
                   TandemGridRow *row)
{
  TandemGridView *self = row->view;

  if (self->syncing_headers)
    return;

  tandem_grid_view_set_selected_track (self, tandem_track_get_id (row->track));
  /* Clicking the selected header again keeps it selected. */
  _tandem_grid_view_sync_headers (self);
}

/* ---- the track menu ------------------------------------------------------ */

static void
row_rename (GSimpleAction *action,
            GVariant      *parameter,
            gpointer       data)
{
  TandemGridRow *row = data;

  _tandem_grid_view_show_rename_dialog (row->view, tandem_track_get_id (row->track));
}

/* Forwards to the grid's @action for this row's track, with @value after the
 * track id, or the id alone when @value is NULL. */
static void
row_forward (TandemGridRow *row,
             const char    *action,
             GVariant      *value)
{
  const char *track_id = tandem_track_get_id (row->track);
  /* Owned here: GTK sinks the parameter only when an enabled action takes it. */
  g_autoptr(GVariant) parameter =
    g_variant_ref_sink (value != NULL ? g_variant_new ("(s@*)", track_id, value)
                                      : g_variant_new_string (track_id));

  gtk_widget_activate_action_variant (GTK_WIDGET (row->view), action, parameter);
}

static void
row_set_instrument (GSimpleAction *action,
                    GVariant      *value,
                    gpointer       data)
{
  /* The state follows the model (on_track_notify), not the click. */
  row_forward (data, "track.set-instrument", value);
}

static void
row_move (TandemGridRow *row,
          int            delta)
{
  guint index;

  if (_tandem_grid_view_find_row (row->view, tandem_track_get_id (row->track), &index) == NULL ||
      ((int) index + delta) < 0)
    return;

  row_forward (row, "track.move", g_variant_new_int32 ((int) index + delta));
}

static void
row_move_up (GSimpleAction *action,
             GVariant      *parameter,
             gpointer       data)
{
  row_move (data, -1);
}

static void
row_move_down (GSimpleAction *action,
               GVariant      *parameter,
               gpointer       data)
{
  row_move (data, 1);
}

static void
row_delete (GSimpleAction *action,
            GVariant      *parameter,
            gpointer       data)
{
  row_forward (data, "track.delete", NULL);
}

static const GActionEntry row_action_entries[] = {
  { "rename", row_rename },
  { "instrument", NULL, "s", "'kick'", row_set_instrument },
  { "move-up", row_move_up },
  { "move-down", row_move_down },
  { "delete", row_delete },
};

static GMenuModel *
track_menu_new (const char *track_id)
{
  GMenu *menu = g_menu_new ();
  g_autoptr(GMenu) section = g_menu_new ();
  g_autoptr(GMenu) instrument = g_menu_new ();
  g_autoptr(GMenu) voices = g_menu_new ();
  g_autoptr(GMenu) sample = g_menu_new ();
  g_autoptr(GMenuItem) item = NULL;

  g_menu_append (section, _("_Rename…"), "row.rename");
  for (guint i = 0; i < _tandem_grid_get_n_instruments (); i++)
    {
      g_autoptr(GMenuItem) voice = g_menu_item_new (_tandem_grid_get_instrument_label (i), NULL);

      g_menu_item_set_action_and_target_value (voice, "row.instrument",
                                               g_variant_new_string (
                                                 _tandem_grid_get_instrument_id (i)));
      g_menu_append_item (voices, voice);
    }
  g_menu_append_section (instrument, NULL, G_MENU_MODEL (voices));
  /* The window owns track.choose-sample; without it the item is insensitive. */
  item = g_menu_item_new (_("_Sample…"), NULL);
  g_menu_item_set_action_and_target_value (item, "track.choose-sample",
                                           g_variant_new_string (track_id));
  g_menu_append_item (sample, item);
  g_clear_object (&item);
  /* The window owns track.choose-kit-instrument too. */
  item = g_menu_item_new (_("_Drum Kit Instrument…"), NULL);
  g_menu_item_set_action_and_target_value (item, "track.choose-kit-instrument",
                                           g_variant_new_string (track_id));
  g_menu_append_item (sample, item);
  g_menu_append_section (instrument, NULL, G_MENU_MODEL (sample));
  g_menu_append_submenu (section, _("_Instrument"), G_MENU_MODEL (instrument));
  g_menu_append_section (menu, NULL, G_MENU_MODEL (section));

  g_clear_object (&section);
  section = g_menu_new ();
  g_menu_append (section, _("Move _Up"), "row.move-up");
  g_menu_append (section, _("Move _Down"), "row.move-down");
  g_menu_append_section (menu, NULL, G_MENU_MODEL (section));

  g_clear_object (&section);
  section = g_menu_new ();
  g_menu_append (section, _("_Delete"), "row.delete");
  g_menu_append_section (menu, NULL, G_MENU_MODEL (section));

  return G_MENU_MODEL (menu);
}

static gboolean
on_row_key_pressed (GtkEventControllerKey *controller,
                    guint                  keyval,
                    guint                  keycode,
                    GdkModifierType        state,
                    TandemGridRow         *row)
{
  GdkModifierType mods = state & gtk_accelerator_get_default_mod_mask ();

  if ((keyval == GDK_KEY_F10 && mods == GDK_SHIFT_MASK) ||
      (keyval == GDK_KEY_Menu && mods == 0))
    {
      gtk_menu_button_popup (GTK_MENU_BUTTON (row->menu_button));
      return GDK_EVENT_STOP;
    }
  if (keyval == GDK_KEY_F2 && mods == 0)
    {
      g_action_group_activate_action (G_ACTION_GROUP (row->actions), "rename", NULL);
      return GDK_EVENT_STOP;
    }
  /* Alt+arrows reorder, as in GNOME's list editors. */
  if ((keyval == GDK_KEY_Up || keyval == GDK_KEY_Down) && mods == GDK_ALT_MASK)
    {
      row_move (row, keyval == GDK_KEY_Up ? -1 : 1);
      return GDK_EVENT_STOP;
    }

  return GDK_EVENT_PROPAGATE;
}

static void
on_row_secondary_pressed (GtkGestureClick *gesture,
                          int              n_press,
                          double           x,
                          double           y,
                          TandemGridRow   *row)
{
  gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
  gtk_menu_button_popup (GTK_MENU_BUTTON (row->menu_button));
}

static void
set_row_action_enabled (TandemGridRow *row,
                        const char    *name,
                        gboolean       enabled)
{
  g_simple_action_set_enabled (G_SIMPLE_ACTION (g_action_map_lookup_action (
                                 G_ACTION_MAP (row->actions), name)),
                               enabled);
}

/* Which row actions make sense where the row is now. */
void
_tandem_grid_view_update_row_actions (TandemGridView *self)
{
  for (guint r = 0; r < self->rows->len; r++)
    {
      TandemGridRow *row = g_ptr_array_index (self->rows, r);
      gboolean editable = self->history != NULL;
      const char * const names[] = { "rename", "instrument", "delete" };

      for (guint i = 0; i < G_N_ELEMENTS (names); i++)
        set_row_action_enabled (row, names[i], editable);
      set_row_action_enabled (row, "move-up", editable && r > 0);
      set_row_action_enabled (row, "move-down", editable && r + 1 < self->rows->len);
    }

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "track.add",
                                 self->history != NULL && self->pattern != NULL);
}

/* ---- rows ---------------------------------------------------------------- */

void
_tandem_grid_row_free (TandemGridRow *row)
{
  g_clear_signal_handler (&row->notify_id, row->track);
  for (guint i = 0; i < row->cells->len; i++)
    gtk_widget_unparent (g_ptr_array_index (row->cells, i));
  g_ptr_array_unref (row->cells);

  /* A menu may still be closing on the removed row: cut its actions loose. */
  for (guint i = 0; i < G_N_ELEMENTS (row_action_entries); i++)
    g_signal_handlers_disconnect_by_data (g_action_map_lookup_action (G_ACTION_MAP (row->actions),
                                                                      row_action_entries[i].name),
                                          row);
  g_clear_object (&row->actions);
  /* An open menu is closed before its button goes: a popover destroyed
   * while shown keeps the pointer grabbed, and the window stops answering
   * clicks. */
  if (row->menu_button != NULL)
    gtk_menu_button_popdown (GTK_MENU_BUTTON (row->menu_button));
  if (row->box != NULL && row->view->header_box != NULL)
    gtk_box_remove (GTK_BOX (row->view->header_box), row->box);
  g_clear_object (&row->track);
  g_free (row);
}

static GtkWidget *
header_new (TandemGridRow *row)
{
  GtkWidget *header = gtk_toggle_button_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);

  gtk_widget_add_css_class (header, "flat");
  gtk_widget_add_css_class (header, "grid-row-header");
  gtk_widget_set_hexpand (header, TRUE);
  row->swatch = gtk_drawing_area_new ();
  gtk_widget_set_size_request (row->swatch, 12, 12);
  gtk_widget_set_valign (row->swatch, GTK_ALIGN_CENTER);
  gtk_drawing_area_set_draw_func (GTK_DRAWING_AREA (row->swatch), swatch_draw, row, NULL);
  row->label = gtk_label_new (NULL);
  gtk_label_set_xalign (GTK_LABEL (row->label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (row->label), PANGO_ELLIPSIZE_END);
  gtk_label_set_max_width_chars (GTK_LABEL (row->label), 14);
  gtk_widget_set_hexpand (row->label, TRUE);
  gtk_box_append (GTK_BOX (box), row->swatch);
  gtk_box_append (GTK_BOX (box), row->label);
  gtk_button_set_child (GTK_BUTTON (header), box);
  g_signal_connect (header, "clicked", G_CALLBACK (on_header_clicked), row);
  return header;
}

/* Each row's menu is some seventy widgets: made when first opened, so a
 * project's tracks do not cost start-up time. */
static void
create_track_menu (GtkMenuButton *button,
                   gpointer       user_data)
{
  const char *track_id = user_data;

  if (gtk_menu_button_get_menu_model (button) == NULL)
    {
      g_autoptr(GMenuModel) menu = track_menu_new (track_id);

      gtk_menu_button_set_menu_model (button, menu);
    }
}

static GtkWidget *
menu_button_new (const char *track_id)
{
  GtkWidget *button = gtk_menu_button_new ();

  gtk_menu_button_set_icon_name (GTK_MENU_BUTTON (button), "view-more-symbolic");
  gtk_menu_button_set_create_popup_func (GTK_MENU_BUTTON (button), create_track_menu,
                                         g_strdup (track_id), g_free);
  gtk_widget_set_tooltip_text (button, _("Track Options (Shift+F10)"));
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (button, "flat");
  gtk_widget_add_css_class (button, "grid-row-menu");
  return button;
}

static TandemGridRow *
grid_row_new (TandemGridView *self,
              TandemTrack    *track,
              GtkWidget      *after)
{
  TandemGridRow *row = g_new0 (TandemGridRow, 1);
  GtkEventController *key;
  GtkGesture *click;

  row->view = self;
  row->track = g_object_ref (track);
  row->cells = g_ptr_array_new ();
  _tandem_widgets_parse_color (tandem_track_get_color (track), &row->color);

  row->box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 2);
  gtk_widget_add_css_class (row->box, "grid-row");
  gtk_widget_set_size_request (row->box, 150, TANDEM_GRID_CELL_HEIGHT);
  gtk_widget_set_valign (row->box, GTK_ALIGN_START);

  row->header = header_new (row);
  gtk_box_append (GTK_BOX (row->box), row->header);
  row->menu_button = menu_button_new (tandem_track_get_id (track));
  gtk_box_append (GTK_BOX (row->box), row->menu_button);

  row->actions = g_simple_action_group_new ();
  g_action_map_add_action_entries (G_ACTION_MAP (row->actions), row_action_entries,
                                   G_N_ELEMENTS (row_action_entries), row);
  gtk_widget_insert_action_group (row->box, "row", G_ACTION_GROUP (row->actions));
  update_instrument_state (row);

  key = gtk_event_controller_key_new ();
  g_signal_connect (key, "key-pressed", G_CALLBACK (on_row_key_pressed), row);
  gtk_widget_add_controller (row->box, key);
  click = gtk_gesture_click_new ();
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (click), GDK_BUTTON_SECONDARY);
  g_signal_connect (click, "pressed", G_CALLBACK (on_row_secondary_pressed), row);
  gtk_widget_add_controller (row->box, GTK_EVENT_CONTROLLER (click));

  gtk_box_insert_child_after (GTK_BOX (self->header_box), row->box, after);
  update_header (row);

  row->notify_id = g_signal_connect (track, "notify", G_CALLBACK (on_track_notify), row);
  return row;
}

/* Adds a row for @track at @index of the rows, with its cells. */
void
_tandem_grid_view_insert_row (TandemGridView *self,
                              TandemTrack    *track,
                              guint           index)
{
  GtkWidget *after = index > 0 ? ((TandemGridRow *) g_ptr_array_index (self->rows,
                                                                        index - 1))->box
                               : NULL;
  TandemGridRow *row = grid_row_new (self, track, after);

  g_ptr_array_insert (self->rows, index, row);
  g_hash_table_insert (self->row_by_track, (gpointer) tandem_track_get_id (track), row);
  update_row_cells (self, row);
}

void
_tandem_grid_view_rows_changed (TandemGridView *self)
{
  if (self->selected_track != NULL &&
      g_hash_table_lookup (self->row_by_track, self->selected_track) == NULL)
    tandem_grid_view_set_selected_track (self, NULL);
  _tandem_grid_view_sync_headers (self);
  _tandem_grid_view_update_row_actions (self);
  if (self->rows->len > 0)
    self->focus_row = MIN (self->focus_row, self->rows->len - 1);

  gtk_widget_queue_resize (self->body);
}

void
_tandem_grid_view_rebuild_rows (TandemGridView *self)
{
  guint n;

  g_hash_table_remove_all (self->row_by_track);
  g_ptr_array_set_size (self->rows, 0);
  _tandem_grid_view_cells_removed (self);

  n = self->tracks != NULL && self->pattern != NULL ? g_list_model_get_n_items (self->tracks) : 0;
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(TandemTrack) track = g_list_model_get_item (self->tracks, i);

      _tandem_grid_view_insert_row (self, track, i);
    }

  _tandem_grid_view_rows_changed (self);
}

void
_tandem_grid_view_refresh_cells (TandemGridView *self)
{
  for (guint r = 0; r < self->rows->len; r++)
    update_row_cells (self, g_ptr_array_index (self->rows, r));
  gtk_widget_queue_resize (self->body);
}
