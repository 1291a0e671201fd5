/* tandem-grid-tracks.c — the grid's track.* actions
 *
 * Adding, renaming, re-voicing, moving and deleting tracks, each one op
 * through the history. The keyboard focus stays in the header column when
 * the track that had it moves or goes away.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-ui"

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>
#include <math.h>

#include "tandem-grid-view-private.h"
#include "tandem-rename-dialog.h"
#include "tandem-widgets-private.h"

static const struct
{
  const char *id;
  const char *label;
} instruments[] = {
  { "kick", N_("Kick") },
  { "snare", N_("Snare") },
  { "hat-closed", N_("Closed Hat") },
  { "hat-open", N_("Open Hat") },
  { "clap", N_("Clap") },
  { "tom", N_("Tom") },
  { "rim", N_("Rim") },
  { "synth", N_("Synth") },
};

guint
_tandem_grid_get_n_instruments (void)
{
  return G_N_ELEMENTS (instruments);
}

const char *
_tandem_grid_get_instrument_id (guint index)
{
  g_assert (index < G_N_ELEMENTS (instruments));

  return instruments[index].id;
}

const char *
_tandem_grid_get_instrument_label (guint index)
{
  g_assert (index < G_N_ELEMENTS (instruments));

  return _(instruments[index].label);
}

static TandemTrack *
find_track (TandemGridView *self,
            const char     *track_id)
{
  return self->project != NULL ? tandem_project_find_track (self->project, track_id) : NULL;
}

/* ---- the Rename Track dialog --------------------------------------------- */

static void
on_rename (TandemRenameDialog *dialog,
           const char         *name,
           TandemGridView     *self)
{
  const char *track_id = g_object_get_data (G_OBJECT (dialog), "track-id");

  gtk_widget_activate_action (GTK_WIDGET (self), "track.rename", "(ss)", track_id, name);
}

/* Asks for a new name for @track_id; the answer goes through track.rename. */
GtkWidget *
_tandem_grid_view_show_rename_dialog (TandemGridView *self,
                                      const char     *track_id)
{
  TandemRenameDialog *dialog;
  TandemTrack *track;
  GtkRoot *root;

  g_return_val_if_fail (TANDEM_IS_GRID_VIEW (self), NULL);

  if ((track = find_track (self, track_id)) == NULL)
    return NULL;

  root = gtk_widget_get_root (GTK_WIDGET (self));
  dialog = tandem_rename_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                     _("Rename Track"), tandem_track_get_name (track));
  g_object_set_data_full (G_OBJECT (dialog), "track-id", g_strdup (track_id), g_free);
  g_signal_connect_object (dialog, "rename", G_CALLBACK (on_rename), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
  gtk_widget_grab_focus (adw_message_dialog_get_extra_child (ADW_MESSAGE_DIALOG (dialog)));

  return GTK_WIDGET (dialog);
}

/* ---- adding -------------------------------------------------------------- */

static gboolean
track_uses (TandemGridView *self,
            const char     *prop,
            const char     *value)
{
  guint n = g_list_model_get_n_items (self->tracks);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(TandemTrack) track = g_list_model_get_item (self->tracks, i);
      g_autofree char *current = NULL;

      g_object_get (track, prop, &current, NULL);
      if (g_ascii_strcasecmp (current, value) == 0)
        return TRUE;
    }
  return FALSE;
}

static char *
new_track_color (TandemGridView *self)
{
  guint n = g_list_model_get_n_items (self->tracks);
  GdkRGBA rgba;

  /* The first palette colour nobody uses yet, else the next in the cycle. */
  for (guint i = 0; i <= 8; i++)
    {
      g_autofree char *spec = NULL;

      _tandem_widgets_palette (i < 8 ? i : n, &rgba);
      spec = g_strdup_printf ("#%02x%02x%02x",
                              (int) lround (rgba.red * 255), (int) lround (rgba.green * 255),
                              (int) lround (rgba.blue * 255));
      if (i == 8 || !track_uses (self, "color", spec))
        return g_steal_pointer (&spec);
    }
  g_assert_not_reached ();
}

static void
track_add (GtkWidget  *widget,
           const char *action_name,
           GVariant   *parameter)
{
  TandemGridView *self = TANDEM_GRID_VIEW (widget);
  g_autoptr(JsonBuilder) builder = NULL;
  g_autofree char *id = NULL;
  g_autofree char *name = NULL;
  g_autofree char *color = NULL;
  const char *instrument = "synth";
  const char *label = NULL;
  guint number;

  if (self->project == NULL || self->history == NULL)
    return;

  /* A drum voice the beat does not have yet, else a synth. */
  for (guint i = 0; i < G_N_ELEMENTS (instruments); i++)
    if (!track_uses (self, "instrument", instruments[i].id))
      {
        instrument = instruments[i].id;
        break;
      }

  /* Named after what it plays, numbered when that name is taken: “Synth 2”. */
  for (guint i = 0; i < G_N_ELEMENTS (instruments); i++)
    if (g_str_equal (instruments[i].id, instrument))
      label = _(instruments[i].label);
  name = g_strdup (label);
  for (number = 2; track_uses (self, "name", name); number++)
    {
      g_free (name);
      /* Translators: a new track named after its instrument, taken: “Kick 2” */
      name = g_strdup_printf (C_("track name", "%s %u"), label, number);
    }

  id = tandem_id_new ();
  color = new_track_color (self);

  builder = json_builder_new ();
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "id");
  json_builder_add_string_value (builder, id);
  json_builder_set_member_name (builder, "name");
  json_builder_add_string_value (builder, name);
  json_builder_set_member_name (builder, "color");
  json_builder_add_string_value (builder, color);
  json_builder_set_member_name (builder, "instrument");
  json_builder_add_string_value (builder, instrument);
  json_builder_set_member_name (builder, "volume");
  json_builder_add_double_value (builder, 0.0);
  json_builder_set_member_name (builder, "pan");
  json_builder_add_double_value (builder, 0.0);
  json_builder_set_member_name (builder, "mute");
  json_builder_add_boolean_value (builder, FALSE);
  json_builder_set_member_name (builder, "solo");
  json_builder_add_boolean_value (builder, FALSE);
  json_builder_end_object (builder);

  if (_tandem_widgets_apply (self->history,
                             tandem_op_new_insert (TANDEM_ENTITY_TRACK, -1,
                                                   json_builder_get_root (builder))))
    tandem_grid_view_set_selected_track (self, id);
}

/* ---- changing ------------------------------------------------------------ */

/* Applies a string property edit of @track_id unless it changes nothing. */
static void
set_track_string (TandemGridView *self,
                  const char     *track_id,
                  const char     *prop,
                  const char     *value)
{
  TandemTrack *track;
  g_autofree char *current = NULL;

  if ((track = find_track (self, track_id)) == NULL)
    return;
  g_object_get (track, prop, &current, NULL);
  if (g_strcmp0 (current, value) == 0)
    return;

  _tandem_widgets_apply (self->history,
                         tandem_op_new_set_string (TANDEM_ENTITY_TRACK, track_id, prop, value));
}

static void
track_rename (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  g_autofree char *name = NULL;
  const char *track_id;

  g_variant_get (parameter, "(&ss)", &track_id, &name);
  g_strstrip (name);
  if (tandem_name_is_valid (name))
    set_track_string (TANDEM_GRID_VIEW (widget), track_id, "name", name);
}

static void
track_set_instrument (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  const char *track_id, *instrument;

  g_variant_get (parameter, "(&s&s)", &track_id, &instrument);
  if (tandem_instrument_is_valid (instrument))
    set_track_string (TANDEM_GRID_VIEW (widget), track_id, "instrument", instrument);
}

/* Whether the keyboard focus is in @row's header (or a menu opened from it). */
static gboolean
row_has_focus (TandemGridView *self,
               TandemGridRow  *row)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkWidget *focus = root != NULL ? gtk_root_get_focus (root) : NULL;

  return focus != NULL && (focus == row->box || gtk_widget_is_ancestor (focus, row->box));
}

static void
track_move (GtkWidget  *widget,
            const char *action_name,
            GVariant   *parameter)
{
  TandemGridView *self = TANDEM_GRID_VIEW (widget);
  const char *track_id;
  gboolean had_focus;
  TandemGridRow *row;
  guint from;
  int index;

  g_variant_get (parameter, "(&si)", &track_id, &index);
  if (self->project == NULL || (row = _tandem_grid_view_find_row (self, track_id, &from)) == NULL)
    return;
  index = CLAMP (index, 0, (int) self->rows->len - 1);
  if ((guint) index == from)
    return;

  had_focus = row_has_focus (self, row);
  if (_tandem_widgets_apply (self->history,
                             tandem_op_new_move (TANDEM_ENTITY_TRACK, track_id, index)) &&
      had_focus && (row = _tandem_grid_view_find_row (self, track_id, NULL)) != NULL)
    gtk_widget_grab_focus (row->header);  /* the row was rebuilt at its new place */
}

static void
track_delete (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  TandemGridView *self = TANDEM_GRID_VIEW (widget);
  const char *track_id = g_variant_get_string (parameter, NULL);
  gboolean had_focus;
  TandemGridRow *row;
  guint index;

  if (self->project == NULL || (row = _tandem_grid_view_find_row (self, track_id, &index)) == NULL)
    return;

  had_focus = row_has_focus (self, row);
  if (_tandem_widgets_apply (self->history, tandem_op_new_delete (TANDEM_ENTITY_TRACK, track_id)) &&
      had_focus)
    {
      /* Keep the keyboard in the header column: the next row, or Add Track. */
      row = _tandem_grid_view_row_at (self, MIN (index, self->rows->len - 1));
      gtk_widget_grab_focus (row != NULL ? row->header : self->add_button);
    }
}

void
_tandem_grid_view_class_tracks_init (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "track.add", NULL, track_add);
  gtk_widget_class_install_action (widget_class, "track.rename", "(ss)", track_rename);
  gtk_widget_class_install_action (widget_class, "track.set-instrument", "(ss)",
                                   track_set_instrument);
  gtk_widget_class_install_action (widget_class, "track.move", "(si)", track_move);
  gtk_widget_class_install_action (widget_class, "track.delete", "s", track_delete);
}
