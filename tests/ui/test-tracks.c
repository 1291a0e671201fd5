/* test-tracks.c — adding, renaming, re-voicing, moving and deleting tracks from the grid
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "ui-test-utils.h"

#include <adwaita.h>

#include "widgets/tandem-grid-view-private.h"

typedef struct
{
  TandemProject  *project;
  TandemHistory  *history;
  GtkWidget      *window;
  TandemGridView *grid;
  char           *chosen_sample;  /* what the window's track.choose-sample got */
} Fixture;

/* Stands in for the window's file chooser. */
static void
choose_sample (GSimpleAction *action,
               GVariant      *parameter,
               gpointer       data)
{
  Fixture *f = data;

  g_free (f->chosen_sample);
  f->chosen_sample = g_variant_dup_string (parameter, NULL);
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  const GActionEntry entries[] = { { "choose-sample", choose_sample, "s" } };
  g_autoptr(GSimpleActionGroup) group = g_simple_action_group_new ();

  if (!tandem_test_have_display ())
    {
      g_test_skip ("no display");
      return;
    }

  f->project = tandem_project_new_demo ();
  /* "empty": the demo's pattern without its tracks. */
  while (data != NULL && g_list_model_get_n_items (tandem_project_get_tracks (f->project)) > 0)
    {
      g_autoptr(TandemTrack) track = g_list_model_get_item (tandem_project_get_tracks (f->project),
                                                            0);
      g_autoptr(TandemOp) op = tandem_op_new_delete (TANDEM_ENTITY_TRACK,
                                                     tandem_track_get_id (track));

      g_assert_true (tandem_project_apply (f->project, op, NULL, NULL));
    }
  f->history = tandem_history_new (f->project);
  f->grid = TANDEM_GRID_VIEW (tandem_grid_view_new ());
  g_object_set (f->grid, "project", f->project, "history", f->history, NULL);

  f->window = gtk_window_new ();
  g_action_map_add_action_entries (G_ACTION_MAP (group), entries, G_N_ELEMENTS (entries), f);
  gtk_widget_insert_action_group (f->window, "track", G_ACTION_GROUP (group));
  gtk_window_set_default_size (GTK_WINDOW (f->window), 900, 600);
  gtk_window_set_child (GTK_WINDOW (f->window), GTK_WIDGET (f->grid));
  gtk_window_present (GTK_WINDOW (f->window));
  tandem_test_iterate_until (tandem_test_is_mapped, f->grid);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  tandem_test_destroy_window (f->window);
  g_clear_object (&f->history);
  g_clear_object (&f->project);
  g_clear_pointer (&f->chosen_sample, g_free);
}

static guint
n_tracks (Fixture *f)
{
  return g_list_model_get_n_items (tandem_project_get_tracks (f->project));
}

static const char *
id_at (Fixture *f,
       guint    index)
{
  return tandem_track_get_id (tandem_test_track_at (f->project, index));
}

static TandemPattern *
current (Fixture *f)
{
  TandemPattern *pattern = tandem_project_find_pattern (f->project,
                                                        tandem_project_get_current_pattern (f->project));
  g_autoptr(TandemPattern) first = NULL;

  if (pattern != NULL)
    return pattern;
  first = g_list_model_get_item (tandem_project_get_patterns (f->project), 0);
  return first;
}

/* The grid shows the tracks in the model's order, each with a full row of cells. */
static void
assert_rows_match (Fixture *f)
{
  guint length = tandem_pattern_get_length (current (f));

  g_assert_cmpuint (_tandem_grid_view_get_n_rows (f->grid), ==, n_tracks (f));
  for (guint i = 0; i < n_tracks (f); i++)
    {
      const char *id = id_at (f, i);
      GtkWidget *header = _tandem_grid_view_get_row_header (f->grid, id);

      g_assert_cmpstr (_tandem_grid_view_get_row_track_id (f->grid, i), ==, id);
      g_assert_nonnull (header);
      g_assert_nonnull (_tandem_grid_view_get_cell (f->grid, id, length - 1));
      g_assert_null (_tandem_grid_view_get_cell (f->grid, id, length));
      for (guint step = 0; step < length; step++)
        g_assert_cmpint (tandem_grid_cell_get_active (_tandem_grid_view_get_cell (f->grid, id,
                                                                                  step)),
                         ==,
                         tandem_pattern_get_cell (current (f), id, step)->velocity > 0);
    }
}

static const char *
header_label (Fixture    *f,
              const char *track_id)
{
  GtkWidget *header = _tandem_grid_view_get_row_header (f->grid, track_id);

  for (GtkWidget *w = gtk_widget_get_first_child (header); w != NULL;
       w = gtk_widget_get_first_child (w))
    for (GtkWidget *child = w; child != NULL; child = gtk_widget_get_next_sibling (child))
      if (GTK_IS_LABEL (child))
        return gtk_label_get_label (GTK_LABEL (child));
  return NULL;
}

static void
test_add (Fixture       *f,
          gconstpointer  data)
{
  const char *id;
  TandemTrack *track;
  GdkRGBA color;

  if (f->window == NULL)
    return;
  g_assert_cmpuint (n_tracks (f), ==, 4);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->grid), "track.add", NULL));
  g_assert_cmpuint (n_tracks (f), ==, 5);
  track = tandem_test_track_at (f->project, 4);
  id = tandem_track_get_id (track);
  g_assert_true (tandem_id_is_valid (id));
  /* Named after its instrument. */
  g_assert_cmpstr (tandem_track_get_name (track), ==, "Clap");
  /* The demo has kick, snare and both hats: the next drum voice is free. */
  g_assert_cmpstr (tandem_track_get_instrument (track), ==, "clap");
  g_assert_true (gdk_rgba_parse (&color, tandem_track_get_color (track)));
  g_assert_cmpfloat (tandem_track_get_volume (track), ==, 0);
  g_assert_cmpfloat (tandem_track_get_pan (track), ==, 0);

  assert_rows_match (f);
  g_assert_cmpstr (header_label (f, id), ==, "Clap");
  g_assert_cmpstr (tandem_grid_view_get_selected_track (f->grid), ==, id);

  /* The new row is editable like the others. */
  gtk_widget_activate_action (GTK_WIDGET (f->grid), "grid.toggle-cell", "(si)", id, 3);
  g_assert_true (tandem_grid_cell_get_active (_tandem_grid_view_get_cell (f->grid, id, 3)));

  /* One undo step per edit: toggling, then adding. */
  g_assert_true (tandem_history_undo (f->history, NULL));
  g_assert_true (tandem_history_undo (f->history, NULL));
  g_assert_cmpuint (n_tracks (f), ==, 4);
  assert_rows_match (f);
  g_assert_null (tandem_grid_view_get_selected_track (f->grid));

  /* Adding many tracks runs out of drum voices, then adds synths. */
  for (guint i = 0; i < 6; i++)
    gtk_widget_activate_action (GTK_WIDGET (f->grid), "track.add", NULL);
  g_assert_cmpstr (tandem_track_get_instrument (tandem_test_track_at (f->project, 7)), ==, "synth");
  g_assert_cmpstr (tandem_track_get_instrument (tandem_test_track_at (f->project, 9)), ==, "synth");
  /* A name that is taken gets a number. */
  g_assert_cmpstr (tandem_track_get_name (tandem_test_track_at (f->project, 7)), ==, "Synth");
  g_assert_cmpstr (tandem_track_get_name (tandem_test_track_at (f->project, 8)), ==, "Synth 2");
  g_assert_cmpstr (tandem_track_get_name (tandem_test_track_at (f->project, 9)), ==, "Synth 3");
  /* Each new track gets its own colour while the palette lasts. */
  g_assert_cmpstr (tandem_track_get_color (tandem_test_track_at (f->project, 4)), !=,
                   tandem_track_get_color (tandem_test_track_at (f->project, 5)));
  assert_rows_match (f);
}

static void
test_add_to_empty (Fixture       *f,
                   gconstpointer  data)
{
  GtkWidget *button;

  if (f->window == NULL)
    return;
  g_assert_cmpuint (n_tracks (f), ==, 0);
  g_assert_cmpuint (_tandem_grid_view_get_n_rows (f->grid), ==, 0);

  /* What a click on “Add Track” does. */
  button = _tandem_grid_view_get_add_button (f->grid);
  g_assert_true (gtk_widget_get_sensitive (button));
  g_signal_emit_by_name (button, "clicked");
  g_assert_cmpuint (n_tracks (f), ==, 1);
  g_assert_cmpstr (tandem_track_get_instrument (tandem_test_track_at (f->project, 0)), ==, "kick");
  g_assert_cmpstr (tandem_track_get_name (tandem_test_track_at (f->project, 0)), ==, "Kick");
  assert_rows_match (f);

  /* Without a history the grid is read-only, and says so. */
  tandem_grid_view_set_history (f->grid, NULL);
  g_assert_false (gtk_widget_get_sensitive (button));
  gtk_widget_activate_action (GTK_WIDGET (f->grid), "track.add", NULL);
  g_assert_cmpuint (n_tracks (f), ==, 1);
}

static void
test_rename (Fixture       *f,
             gconstpointer  data)
{
  g_autofree char *id = NULL;
  GtkWidget *dialog, *entry;

  if (f->window == NULL)
    return;
  id = g_strdup (id_at (f, 1));

  gtk_widget_activate_action (GTK_WIDGET (f->grid), "track.rename", "(ss)", id, "  Backbeat ");
  g_assert_cmpstr (tandem_track_get_name (tandem_test_track_at (f->project, 1)), ==, "Backbeat");
  g_assert_cmpstr (header_label (f, id), ==, "Backbeat");

  /* Names the model refuses are not sent. */
  gtk_widget_activate_action (GTK_WIDGET (f->grid), "track.rename", "(ss)", id, "   ");
  gtk_widget_activate_action (GTK_WIDGET (f->grid), "track.rename", "(ss)", id, "a\tb");
  g_assert_cmpstr (tandem_track_get_name (tandem_test_track_at (f->project, 1)), ==, "Backbeat");

  /* The dialog: an emptied entry cannot be confirmed, a name can. */
  dialog = _tandem_grid_view_show_rename_dialog (f->grid, id);
  g_assert_true (ADW_IS_MESSAGE_DIALOG (dialog));
  entry = adw_message_dialog_get_extra_child (ADW_MESSAGE_DIALOG (dialog));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (entry)), ==, "Backbeat");
  gtk_editable_set_text (GTK_EDITABLE (entry), "");
  g_assert_false (adw_message_dialog_get_response_enabled (ADW_MESSAGE_DIALOG (dialog), "rename"));
  gtk_editable_set_text (GTK_EDITABLE (entry), "Snare Roll");
  g_assert_true (adw_message_dialog_get_response_enabled (ADW_MESSAGE_DIALOG (dialog), "rename"));
  g_signal_emit_by_name (entry, "activate");
  g_assert_cmpstr (tandem_track_get_name (tandem_test_track_at (f->project, 1)), ==, "Snare Roll");

  g_assert_true (tandem_history_undo (f->history, NULL));
  g_assert_cmpstr (header_label (f, id), ==, "Backbeat");

  /* Cancelling changes nothing. */
  dialog = _tandem_grid_view_show_rename_dialog (f->grid, id);
  entry = adw_message_dialog_get_extra_child (ADW_MESSAGE_DIALOG (dialog));
  gtk_editable_set_text (GTK_EDITABLE (entry), "Nope");
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_assert_cmpstr (tandem_track_get_name (tandem_test_track_at (f->project, 1)), ==, "Backbeat");
}

static void
test_instrument (Fixture       *f,
                 gconstpointer  data)
{
  const char *id;
  GtkWidget *menu_button;

  if (f->window == NULL)
    return;
  id = id_at (f, 0);

  gtk_widget_activate_action (GTK_WIDGET (f->grid), "track.set-instrument", "(ss)", id, "tom");
  g_assert_cmpstr (tandem_track_get_instrument (tandem_test_track_at (f->project, 0)), ==, "tom");
  gtk_widget_activate_action (GTK_WIDGET (f->grid), "track.set-instrument", "(ss)", id, "bogus");
  g_assert_cmpstr (tandem_track_get_instrument (tandem_test_track_at (f->project, 0)), ==, "tom");

  /* The menu's radio items go the same way. */
  menu_button = _tandem_grid_view_get_row_menu_button (f->grid, id);
  g_assert_true (gtk_widget_activate_action (menu_button, "row.instrument", "s", "synth"));
  g_assert_cmpstr (tandem_track_get_instrument (tandem_test_track_at (f->project, 0)), ==, "synth");
  g_assert_true (tandem_history_undo (f->history, NULL));
  g_assert_cmpstr (tandem_track_get_instrument (tandem_test_track_at (f->project, 0)), ==, "tom");

  /* “Sample…” reaches the window's track.choose-sample with the track id,
   * past the grid's own track.* actions. */
  g_assert_true (gtk_widget_activate_action (menu_button, "track.choose-sample", "s", id));
  g_assert_cmpstr (f->chosen_sample, ==, id);
}

/* The item labelled @label in the menu of @track_id's row, opened as a
 * click on the row's menu button opens it (the menu is built then). */
static GtkWidget *
row_menu_item (Fixture    *f,
               const char *track_id,
               const char *label)
{
  GtkWidget *button = _tandem_grid_view_get_row_menu_button (f->grid, track_id);
  GtkPopover *popover;

  g_assert_null (gtk_menu_button_get_popover (GTK_MENU_BUTTON (button)));
  gtk_menu_button_popup (GTK_MENU_BUTTON (button));
  popover = gtk_menu_button_get_popover (GTK_MENU_BUTTON (button));
  g_assert_nonnull (popover);
  return tandem_test_find_menu_item (GTK_WIDGET (popover), label);
}

static void
test_move (Fixture       *f,
           gconstpointer  data)
{
  g_autofree char *kick = NULL;
  g_autofree char *snare = NULL;
  GtkWidget *item;

  if (f->window == NULL)
    return;
  kick = g_strdup (id_at (f, 0));
  snare = g_strdup (id_at (f, 1));

  /* Moving keeps the keyboard on the moved track. */
  gtk_widget_grab_focus (_tandem_grid_view_get_row_header (f->grid, kick));
  gtk_widget_activate_action (GTK_WIDGET (f->grid), "track.move", "(si)", kick, 2);
  g_assert_cmpstr (id_at (f, 2), ==, kick);
  g_assert_cmpstr (id_at (f, 0), ==, snare);
  assert_rows_match (f);
  g_assert_true (gtk_root_get_focus (GTK_ROOT (f->window)) ==
                 _tandem_grid_view_get_row_header (f->grid, kick));

  /* Past the end clamps to the last row. */
  gtk_widget_activate_action (GTK_WIDGET (f->grid), "track.move", "(si)", kick, 99);
  g_assert_cmpstr (id_at (f, 3), ==, kick);
  assert_rows_match (f);

  /* Move Up from the row's menu, as a click on the item does it. */
  item = row_menu_item (f, kick, "Move Up");
  g_assert_nonnull (item);
  g_signal_emit_by_name (item, "clicked");
  g_assert_cmpstr (id_at (f, 2), ==, kick);
  assert_rows_match (f);

  g_assert_true (tandem_history_undo (f->history, NULL));
  g_assert_true (tandem_history_undo (f->history, NULL));
  g_assert_true (tandem_history_undo (f->history, NULL));
  g_assert_cmpstr (id_at (f, 0), ==, kick);
  g_assert_cmpstr (id_at (f, 1), ==, snare);
  assert_rows_match (f);
}

static void
test_delete_undo (Fixture       *f,
                  gconstpointer  data)
{
  g_autofree char *hats = NULL;
  g_autofree char *snare = NULL;
  guint8 before[16];
  GtkWidget *item;

  if (f->window == NULL)
    return;
  hats = g_strdup (id_at (f, 2));
  snare = g_strdup (id_at (f, 1));
  for (guint step = 0; step < 16; step++)
    before[step] = tandem_pattern_get_cell (current (f), hats, step)->velocity;

  gtk_widget_activate_action (GTK_WIDGET (f->grid), "track.delete", "s", hats);
  g_assert_null (tandem_project_find_track (f->project, hats));
  g_assert_null (_tandem_grid_view_get_row_header (f->grid, hats));
  g_assert_null (_tandem_grid_view_get_cell (f->grid, hats, 0));
  assert_rows_match (f);

  /* Ctrl+Z brings the track back in its place, with its beat. */
  g_assert_true (tandem_history_undo (f->history, NULL));
  g_assert_cmpstr (id_at (f, 2), ==, hats);
  assert_rows_match (f);
  for (guint step = 0; step < 16; step++)
    {
      g_assert_cmpuint (tandem_pattern_get_cell (current (f), hats, step)->velocity, ==,
                        before[step]);
      g_assert_cmpint (tandem_grid_cell_get_active (_tandem_grid_view_get_cell (f->grid, hats,
                                                                                step)),
                       ==, before[step] > 0);
    }

  /* Delete from the row's own menu: the row goes away under its menu. */
  gtk_widget_grab_focus (_tandem_grid_view_get_row_header (f->grid, snare));
  item = row_menu_item (f, snare, "Delete");
  g_assert_nonnull (item);
  g_signal_emit_by_name (item, "clicked");
  g_assert_null (tandem_project_find_track (f->project, snare));
  assert_rows_match (f);
  /* The keyboard lands on the next track's header. */
  g_assert_true (gtk_root_get_focus (GTK_ROOT (f->window)) ==
                 _tandem_grid_view_get_row_header (f->grid, id_at (f, 1)));
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

static void
test_remote_insert (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(JsonNode) node = NULL;
  const char *kick;
  TandemGridCell *focused;

  if (f->window == NULL)
    return;
  kick = id_at (f, 0);

  /* Someone else adds a track at the top while we edit the kick. */
  focused = _tandem_grid_view_get_cell (f->grid, kick, 4);
  gtk_widget_grab_focus (GTK_WIDGET (focused));
  node = json_from_string ("{\"id\":\"remote1\",\"name\":\"Cowbell\",\"color\":\"#9141ac\","
                           "\"instrument\":\"rim\",\"volume\":0,\"pan\":0,"
                           "\"mute\":false,\"solo\":false}", NULL);
  tandem_test_remote_apply (f->project, tandem_op_new_insert (TANDEM_ENTITY_TRACK, 0, g_steal_pointer (&node)));

  g_assert_cmpstr (_tandem_grid_view_get_row_track_id (f->grid, 0), ==, "remote1");
  g_assert_cmpstr (header_label (f, "remote1"), ==, "Cowbell");
  assert_rows_match (f);
  /* Our cell kept its widget and the keyboard focus. */
  g_assert_true (_tandem_grid_view_get_cell (f->grid, kick, 4) == focused);
  g_assert_true (gtk_root_get_focus (GTK_ROOT (f->window)) == GTK_WIDGET (focused));

  tandem_test_remote_apply (f->project, tandem_op_new_set_cell (tandem_pattern_get_id (current (f)), "remote1", 2,
                                           "velocity", 90));
  g_assert_true (tandem_grid_cell_get_active (_tandem_grid_view_get_cell (f->grid, "remote1", 2)));

  /* And removes it again. */
  tandem_test_remote_apply (f->project, tandem_op_new_delete (TANDEM_ENTITY_TRACK, "remote1"));
  g_assert_null (_tandem_grid_view_get_row_header (f->grid, "remote1"));
  assert_rows_match (f);
  g_assert_false (tandem_history_can_undo (f->history));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  tandem_test_init_gtk ();

#define ADD(path, func, data) \
  g_test_add ("/tracks/" path, Fixture, data, fixture_setup, func, fixture_teardown)
  ADD ("add", test_add, NULL);
  ADD ("add-to-empty", test_add_to_empty, "empty");
  ADD ("rename", test_rename, NULL);
  ADD ("instrument", test_instrument, NULL);
  ADD ("move", test_move, NULL);
  ADD ("delete-undo", test_delete_undo, NULL);
  ADD ("remote-insert", test_remote_insert, NULL);
#undef ADD

  return g_test_run ();
}
