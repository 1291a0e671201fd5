/* test-grid-view.c — the music grid and its pattern bar edit the model
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "ui-test-utils.h"

#include <adwaita.h>

#include "widgets/tandem-grid-view-private.h"
#include "widgets/tandem-pattern-bar.h"

typedef struct
{
  TandemProject  *project;
  TandemHistory  *history;
  GtkWidget      *window;
  TandemGridView *grid;
  GtkWidget      *bar;
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  GtkWidget *box;

  if (!tandem_test_have_display ())
    {
      g_test_skip ("no display");
      return;
    }

  f->project = tandem_project_new_demo ();
  f->history = tandem_history_new (f->project);
  f->grid = TANDEM_GRID_VIEW (tandem_grid_view_new ());
  g_object_set (f->grid, "project", f->project, "history", f->history, NULL);
  f->bar = tandem_pattern_bar_new ();
  g_object_set (f->bar, "project", f->project, "history", f->history, NULL);

  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  gtk_box_append (GTK_BOX (box), f->bar);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (f->grid));
  f->window = tandem_test_show_in_window (box, 800, 600);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  tandem_test_destroy_window (f->window);
  g_clear_object (&f->history);
  g_clear_object (&f->project);
}

static TandemPattern *
current (Fixture *f)
{
  return tandem_project_find_pattern (f->project,
                                      tandem_project_get_current_pattern (f->project));
}

static guint8
velocity (Fixture    *f,
          const char *track_id,
          guint       step)
{
  return tandem_pattern_get_cell (current (f), track_id, step)->velocity;
}

static void
test_toggle_undo_redo (Fixture       *f,
                       gconstpointer  data)
{
  /* The demo's open hat only plays on step 15: step 1 is off. */
  const char *id;
  TandemGridCell *cell;

  if (f->window == NULL)
    return;
  id = tandem_track_get_id (tandem_test_track_at (f->project, 3));

  cell = _tandem_grid_view_get_cell (f->grid, id, 0);
  g_assert_nonnull (cell);
  g_assert_cmpuint (velocity (f, id, 0), ==, 0);
  g_assert_false (tandem_grid_cell_get_active (cell));

  gtk_widget_activate_action (GTK_WIDGET (f->grid), "grid.toggle-cell", "(si)", id, 0);
  g_assert_cmpuint (velocity (f, id, 0), ==, 100);
  g_assert_true (tandem_grid_cell_get_active (cell));

  gtk_widget_activate_action (GTK_WIDGET (f->grid), "grid.toggle-cell", "(si)", id, 0);
  g_assert_cmpuint (velocity (f, id, 0), ==, 0);

  g_assert_true (tandem_history_undo (f->history, NULL));
  g_assert_cmpuint (velocity (f, id, 0), ==, 100);
  g_assert_true (tandem_grid_cell_get_active (cell));
  g_assert_true (tandem_history_undo (f->history, NULL));
  g_assert_cmpuint (velocity (f, id, 0), ==, 0);
  g_assert_false (tandem_grid_cell_get_active (cell));
  g_assert_true (tandem_history_redo (f->history, NULL));
  g_assert_cmpuint (velocity (f, id, 0), ==, 100);
  g_assert_true (tandem_grid_cell_get_active (cell));
}

static void
test_cell_action (Fixture       *f,
                  gconstpointer  data)
{
  /* What an assistive technology does: the cell's own action. */
  const char *id;
  TandemGridCell *cell;

  if (f->window == NULL)
    return;
  id = tandem_track_get_id (tandem_test_track_at (f->project, 0));

  cell = _tandem_grid_view_get_cell (f->grid, id, 0);
  g_assert_cmpuint (velocity (f, id, 0), ==, 120);
  g_assert_true (tandem_grid_cell_get_active (cell));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (cell), "cell.toggle", NULL));
  g_assert_cmpuint (velocity (f, id, 0), ==, 0);
  g_assert_false (tandem_grid_cell_get_active (cell));
  g_assert_cmpstr (tandem_grid_cell_get_track_id (cell), ==, id);
  g_assert_cmpuint (tandem_grid_cell_get_step (cell), ==, 0);
}

static void
test_paint (Fixture       *f,
            gconstpointer  data)
{
  const char *id;

  if (f->window == NULL)
    return;
  id = tandem_track_get_id (tandem_test_track_at (f->project, 3));

  /* An active cell in the stroke keeps its own velocity. */
  gtk_widget_activate_action (GTK_WIDGET (f->grid), "grid.set-velocity", "(sii)", id, 2, 50);
  g_assert_cmpuint (velocity (f, id, 2), ==, 50);

  _tandem_grid_view_paint_begin (f->grid, id, 0);
  for (guint step = 1; step < 4; step++)
    _tandem_grid_view_paint_to (f->grid, id, step);
  _tandem_grid_view_paint_to (f->grid, id, 3);
  _tandem_grid_view_paint_end (f->grid);

  g_assert_cmpuint (velocity (f, id, 0), ==, 100);
  g_assert_cmpuint (velocity (f, id, 1), ==, 100);
  g_assert_cmpuint (velocity (f, id, 2), ==, 50);
  g_assert_cmpuint (velocity (f, id, 3), ==, 100);
  for (guint step = 0; step < 4; step++)
    g_assert_true (tandem_grid_cell_get_active (_tandem_grid_view_get_cell (f->grid, id, step)));

  /* The whole stroke is one undo step. */
  g_assert_true (tandem_history_undo (f->history, NULL));
  g_assert_cmpuint (velocity (f, id, 0), ==, 0);
  g_assert_cmpuint (velocity (f, id, 1), ==, 0);
  g_assert_cmpuint (velocity (f, id, 2), ==, 50);
  g_assert_cmpuint (velocity (f, id, 3), ==, 0);

  /* A stroke that starts on an active cell erases. */
  _tandem_grid_view_paint_begin (f->grid, id, 2);
  _tandem_grid_view_paint_to (f->grid, id, 3);
  _tandem_grid_view_paint_end (f->grid);
  g_assert_cmpuint (velocity (f, id, 2), ==, 0);
  g_assert_cmpuint (velocity (f, id, 3), ==, 0);
}

static void
test_velocity_drag (Fixture       *f,
                    gconstpointer  data)
{
  const char *id;
  TandemGridCell *cell;

  if (f->window == NULL)
    return;
  id = tandem_track_get_id (tandem_test_track_at (f->project, 0));

  /* Kick step 7 plays at 96. Off cells have no velocity to drag. */
  g_assert_cmpuint (velocity (f, id, 6), ==, 96);
  g_assert_false (_tandem_grid_view_velocity_begin (f->grid, id, 1));

  g_assert_true (_tandem_grid_view_velocity_begin (f->grid, id, 6));
  _tandem_grid_view_velocity_update (f->grid, -10);
  g_assert_cmpuint (velocity (f, id, 6), ==, 101);
  _tandem_grid_view_velocity_update (f->grid, -40);
  g_assert_cmpuint (velocity (f, id, 6), ==, 116);
  _tandem_grid_view_velocity_update (f->grid, -400);
  g_assert_cmpuint (velocity (f, id, 6), ==, 127);
  _tandem_grid_view_velocity_end (f->grid);

  cell = _tandem_grid_view_get_cell (f->grid, id, 6);
  g_assert_cmpuint (tandem_grid_cell_get_value (cell)->velocity, ==, 127);

  g_assert_true (tandem_history_undo (f->history, NULL));
  g_assert_cmpuint (velocity (f, id, 6), ==, 96);
  g_assert_cmpuint (tandem_grid_cell_get_value (cell)->velocity, ==, 96);
  g_assert_false (tandem_history_can_undo (f->history));
}

static void
test_context_menu (Fixture       *f,
                   gconstpointer  data)
{
  const char *id;
  GMenuModel *menu;
  const TandemCell *cell;

  if (f->window == NULL)
    return;
  id = tandem_track_get_id (tandem_test_track_at (f->project, 0));

  menu = _tandem_grid_view_popup_menu (f->grid, id, 0);
  g_assert_nonnull (menu);
  /* A drum track: probability only, no note section. */
  g_assert_cmpint (g_menu_model_get_n_items (menu), ==, 1);

  gtk_widget_activate_action (GTK_WIDGET (f->grid), "grid.set-probability", "(sii)", id, 0, 50);
  cell = tandem_pattern_get_cell (current (f), id, 0);
  g_assert_cmpuint (cell->probability, ==, 50);
  g_assert_cmpuint (tandem_grid_cell_get_value (_tandem_grid_view_get_cell (f->grid, id, 0))
                      ->probability, ==, 50);

  gtk_widget_activate_action (GTK_WIDGET (f->grid), "grid.set-note", "(sii)", id, 0, 3);
  g_assert_cmpint (tandem_pattern_get_cell (current (f), id, 0)->note, ==, 3);
  g_assert_true (tandem_history_undo (f->history, NULL));
  g_assert_cmpint (tandem_pattern_get_cell (current (f), id, 0)->note, ==, 0);
}

static void
test_remote_edit (Fixture       *f,
                  gconstpointer  data)
{
  const char *id;
  TandemGridCell *cell;

  if (f->window == NULL)
    return;
  id = tandem_track_get_id (tandem_test_track_at (f->project, 3));

  cell = _tandem_grid_view_get_cell (f->grid, id, 5);
  g_assert_false (tandem_grid_cell_get_active (cell));

  /* Not through the history: as the sync layer applies someone else's edit. */
  tandem_test_remote_apply (f->project, tandem_op_new_set_cell (tandem_pattern_get_id (current (f)), id, 5,
                                           "velocity", 64));
  g_assert_true (tandem_grid_cell_get_active (cell));
  g_assert_cmpuint (tandem_grid_cell_get_value (cell)->velocity, ==, 64);
  /* The grid answered with no edit of its own. */
  g_assert_false (tandem_history_can_undo (f->history));

  /* A shorter pattern shows fewer cells. */
  tandem_test_remote_apply (f->project, tandem_op_new_set_int (TANDEM_ENTITY_PATTERN,
                                          tandem_pattern_get_id (current (f)), "length", 8));
  g_assert_nonnull (_tandem_grid_view_get_cell (f->grid, id, 7));
  g_assert_null (_tandem_grid_view_get_cell (f->grid, id, 8));
}

static void
test_playhead_and_cursors (Fixture       *f,
                           gconstpointer  data)
{
  g_autoptr(GPtrArray) cursors = g_ptr_array_new_with_free_func ((GDestroyNotify)
                                                                 tandem_grid_cursor_free);
  GdkRGBA red = { 0.9f, 0.1f, 0.1f, 1 };

  if (f->window == NULL)
    return;

  g_object_set (f->grid, "playhead-step", 3, NULL);
  g_assert_cmpint (tandem_grid_view_get_playhead_step (f->grid), ==, 3);
  g_ptr_array_add (cursors, tandem_grid_cursor_new ("Ana", &red,
                                                    tandem_track_get_id (tandem_test_track_at (f->project, 1)), 4));
  g_ptr_array_add (cursors, tandem_grid_cursor_new ("Gone", &red, "no-such-track", 99));
  tandem_grid_view_set_remote_cursors (f->grid, cursors);

  /* Drawing them must not trip over the cursor that points nowhere. */
  gtk_widget_queue_draw (GTK_WIDGET (f->grid));
  for (guint i = 0; i < 5; i++)
    g_main_context_iteration (NULL, FALSE);
  tandem_grid_view_set_playhead_step (f->grid, -1);
  g_assert_cmpint (tandem_grid_view_get_playhead_step (f->grid), ==, -1);
}

static void
test_select_track (Fixture       *f,
                   gconstpointer  data)
{
  if (f->window == NULL)
    return;

  g_assert_null (tandem_grid_view_get_selected_track (f->grid));
  tandem_grid_view_set_selected_track (f->grid, tandem_track_get_id (tandem_test_track_at (f->project, 2)));
  g_assert_cmpstr (tandem_grid_view_get_selected_track (f->grid), ==,
                   tandem_track_get_id (tandem_test_track_at (f->project, 2)));

  /* Deleting the selected track clears the selection and its row. */
  tandem_test_remote_apply (f->project, tandem_op_new_delete (TANDEM_ENTITY_TRACK,
                                         tandem_track_get_id (tandem_test_track_at (f->project, 2))));
  g_assert_null (tandem_grid_view_get_selected_track (f->grid));
}

static void
test_pattern_bar (Fixture       *f,
                  gconstpointer  data)
{
  GListModel *patterns;
  g_autofree char *first = NULL;
  const char *kick;
  const char *second;

  if (f->window == NULL)
    return;

  patterns = tandem_project_get_patterns (f->project);
  first = g_strdup (tandem_project_get_current_pattern (f->project));
  kick = tandem_track_get_id (tandem_test_track_at (f->project, 0));

  /* New: an empty pattern becomes current, and the grid shows it. */
  gtk_widget_activate_action (f->bar, "pattern.new", NULL);
  g_assert_cmpuint (g_list_model_get_n_items (patterns), ==, 2);
  second = tandem_project_get_current_pattern (f->project);
  g_assert_cmpstr (second, !=, first);
  g_assert_cmpstr (tandem_pattern_get_name (current (f)), ==, "Pattern 2");
  g_assert_cmpuint (tandem_pattern_get_length (current (f)), ==, 16);
  g_assert_false (tandem_grid_cell_get_active (_tandem_grid_view_get_cell (f->grid, kick, 0)));

  /* Length through the spin button's action. */
  gtk_widget_activate_action (f->bar, "pattern.set-length", "i", 32);
  g_assert_cmpuint (tandem_pattern_get_length (current (f)), ==, 32);
  g_assert_nonnull (_tandem_grid_view_get_cell (f->grid, kick, 31));

  /* Back to the first pattern, then copy it: cells come along. */
  gtk_widget_activate_action (f->bar, "pattern.select", "s", first);
  g_assert_cmpstr (tandem_project_get_current_pattern (f->project), ==, first);
  g_assert_true (tandem_grid_cell_get_active (_tandem_grid_view_get_cell (f->grid, kick, 0)));
  gtk_widget_activate_action (f->bar, "pattern.duplicate", NULL);
  g_assert_cmpuint (g_list_model_get_n_items (patterns), ==, 3);
  g_assert_cmpstr (tandem_project_get_current_pattern (f->project), !=, first);
  g_assert_cmpuint (velocity (f, kick, 0), ==, 120);
  g_assert_cmpuint (velocity (f, kick, 6), ==, 96);

  /* Delete the copy: the neighbour becomes current. */
  gtk_widget_activate_action (f->bar, "pattern.delete", NULL);
  g_assert_cmpuint (g_list_model_get_n_items (patterns), ==, 2);
  g_assert_cmpstr (tandem_project_get_current_pattern (f->project), ==, first);

  /* Each of those was one undo step. */
  g_assert_true (tandem_history_undo (f->history, NULL));
  g_assert_cmpuint (g_list_model_get_n_items (patterns), ==, 3);
  g_assert_true (tandem_history_undo (f->history, NULL));
  g_assert_cmpuint (g_list_model_get_n_items (patterns), ==, 2);
  g_assert_cmpstr (tandem_project_get_current_pattern (f->project), ==, first);
}

static void
test_pattern_bar_follows_remote (Fixture       *f,
                                 gconstpointer  data)
{
  g_autofree char *first = NULL;
  GtkWidget *dropdown = NULL;

  if (f->window == NULL)
    return;

  first = g_strdup (tandem_project_get_current_pattern (f->project));
  gtk_widget_activate_action (f->bar, "pattern.new", NULL);
  g_assert_true (tandem_history_undo (f->history, NULL));
  g_assert_true (tandem_history_redo (f->history, NULL));

  for (GtkWidget *child = gtk_widget_get_first_child (f->bar); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (GTK_IS_DROP_DOWN (child))
      dropdown = child;
  g_assert_nonnull (dropdown);
  g_assert_cmpuint (gtk_drop_down_get_selected (GTK_DROP_DOWN (dropdown)), ==, 1);

  tandem_test_remote_apply (f->project, tandem_op_new_set_string (TANDEM_ENTITY_PROJECT, NULL,
                                             "current-pattern", first));
  g_assert_cmpuint (gtk_drop_down_get_selected (GTK_DROP_DOWN (dropdown)), ==, 0);
  /* Showing the remote choice sent nothing back. */
  g_assert_cmpstr (tandem_project_get_current_pattern (f->project), ==, first);
  g_assert_true (tandem_history_undo (f->history, NULL));
  g_assert_cmpuint (g_list_model_get_n_items (tandem_project_get_patterns (f->project)), ==, 1);
  g_assert_false (tandem_history_can_undo (f->history));

  /* The user picks from the drop-down: that is an edit. */
  tandem_test_remote_apply (f->project, tandem_op_new_set_string (TANDEM_ENTITY_PROJECT, NULL,
                                             "current-pattern", first));
  gtk_widget_activate_action (f->bar, "pattern.new", NULL);
  gtk_drop_down_set_selected (GTK_DROP_DOWN (dropdown), 0);
  g_assert_cmpstr (tandem_project_get_current_pattern (f->project), ==, first);
}

static void
test_reset (Fixture       *f,
            gconstpointer  data)
{
  g_autoptr(TandemProject) other = NULL;
  g_autoptr(JsonNode) json = NULL;
  g_autoptr(GError) error = NULL;
  const char *id;

  if (f->window == NULL)
    return;

  /* Another document replaces everything: new tracks, new pattern. */
  other = tandem_project_new_demo ();
  tandem_test_remote_apply (f->project, tandem_op_new_delete (TANDEM_ENTITY_TRACK,
                                         tandem_track_get_id (tandem_test_track_at (f->project, 0))));
  json = tandem_project_to_json (other);
  g_assert_true (tandem_project_load_json (f->project, json, &error));
  g_assert_no_error (error);

  id = tandem_track_get_id (tandem_test_track_at (f->project, 0));
  g_assert_nonnull (_tandem_grid_view_get_cell (f->grid, id, 15));
  g_assert_true (tandem_grid_cell_get_active (_tandem_grid_view_get_cell (f->grid, id, 0)));
  g_assert_false (tandem_grid_cell_get_active (_tandem_grid_view_get_cell (f->grid, id, 1)));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  tandem_test_init_gtk ();

#define ADD(path, func) \
  g_test_add ("/grid-view/" path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("toggle-undo-redo", test_toggle_undo_redo);
  ADD ("cell-action", test_cell_action);
  ADD ("paint", test_paint);
  ADD ("velocity-drag", test_velocity_drag);
  ADD ("context-menu", test_context_menu);
  ADD ("remote-edit", test_remote_edit);
  ADD ("playhead-and-cursors", test_playhead_and_cursors);
  ADD ("select-track", test_select_track);
  ADD ("pattern-bar", test_pattern_bar);
  ADD ("pattern-bar-follows-remote", test_pattern_bar_follows_remote);
  ADD ("reset", test_reset);
#undef ADD

  return g_test_run ();
}
