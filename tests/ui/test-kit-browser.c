/* test-kit-browser.c — adding Hydrogen kits from the kit browser, and opening a Hydrogen song
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "ui-test-utils.h"

#include <adwaita.h>

#include "tandem-kit-browser.h"
#include "tandem-window-private.h"

#define SYSTEM_KITS "/usr/share/hydrogen/data/drumkits"

static gboolean
app_has_no_windows (gpointer data)
{
  return gtk_application_get_windows (GTK_APPLICATION (data)) == NULL;
}

static gboolean
no_browser_left (gpointer data)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) w = g_list_model_get_item (toplevels, i);

      if (TANDEM_IS_KIT_BROWSER (w))
        return FALSE;
    }
  return TRUE;
}

static gboolean
skip_without_kits (void)
{
  if (!tandem_test_have_display ())
    {
      g_test_skip ("no display");
      return TRUE;
    }
  if (!g_file_test (SYSTEM_KITS "/TR808EmulationKit/drumkit.xml", G_FILE_TEST_EXISTS))
    {
      g_test_skip ("hydrogen-data is not installed");
      return TRUE;
    }
  return FALSE;
}

/* The browser that @window opened. */
static TandemKitBrowser *
find_browser (TandemWindow *window)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) w = g_list_model_get_item (toplevels, i);

      if (TANDEM_IS_KIT_BROWSER (w)
          && gtk_window_get_transient_for (GTK_WINDOW (w)) == GTK_WINDOW (window))
        return TANDEM_KIT_BROWSER (w);
    }
  return NULL;
}

static gboolean
row_titled (GtkWidget     *widget,
            gconstpointer  data)
{
  return ADW_IS_ACTION_ROW (widget)
         && g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (widget)), data) == 0;
}

static gboolean
label_says (GtkWidget     *widget,
            gconstpointer  data)
{
  return GTK_IS_LABEL (widget) && g_strcmp0 (gtk_label_get_text (GTK_LABEL (widget)), data) == 0;
}

typedef struct
{
  TandemProject *project;
  guint          n_tracks;
} TrackCount;

static gboolean
has_n_tracks (gpointer data)
{
  TrackCount *c = data;

  return g_list_model_get_n_items (tandem_project_get_tracks (c->project)) == c->n_tracks;
}

static gboolean
browser_idle (gpointer data)
{
  return !tandem_kit_browser_is_busy (data);
}

static gboolean
browser_busy (gpointer data)
{
  return tandem_kit_browser_is_busy (data);
}

static void
select_row (GtkWidget *row)
{
  GtkWidget *list = gtk_widget_get_ancestor (row, GTK_TYPE_LIST_BOX);

  gtk_list_box_select_row (GTK_LIST_BOX (list), GTK_LIST_BOX_ROW (row));
}

static void
test_add_kit_as_tracks (void)
{
  g_autoptr(TandemApplication) app = NULL;
  TandemWindow *window;
  TandemProject *project;
  TandemKitBrowser *browser;
  GtkWidget *row, *add;
  TrackCount count;
  guint before;

  if (skip_without_kits ())
    return;
  g_setenv ("TANDEM_KIT_PATH", SYSTEM_KITS, TRUE);
  app = tandem_test_start_app ();
  window = tandem_test_activate_and_wait (app);
  project = tandem_window_get_project (window);
  before = g_list_model_get_n_items (tandem_project_get_tracks (project));

  /* The window's menu item opens the browser, listing the installed kits. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.drum-kits", NULL));
  browser = find_browser (window);
  g_assert_nonnull (browser);
  tandem_test_iterate_until (tandem_test_is_mapped, browser);
  g_assert_cmpuint (tandem_kit_browser_get_n_kits (browser), >=, 2);

  /* Choosing a kit shows who made it, its licence and its instruments. */
  row = tandem_test_find_widget_matching (GTK_WIDGET (browser), row_titled, "TR808EmulationKit");
  g_assert_nonnull (row);
  select_row (row);
  g_assert_nonnull (tandem_test_find_widget_matching (GTK_WIDGET (browser), label_says,
                                                      "By ArtemioLabs [http://artemiolabs.com]"));
  g_assert_nonnull (tandem_test_find_widget_matching (GTK_WIDGET (browser), row_titled, "Kick Long"));
  g_assert_nonnull (tandem_test_find_widget_matching (GTK_WIDGET (browser), label_says, "Licence: GPL"));
  g_assert_nonnull (tandem_test_find_widget (GTK_WIDGET (browser), GTK_TYPE_BUTTON, "Preview “Kick Long”"));

  /* Previewing changes nothing in the project (and works without a sound card). */
  {
    g_autofree char *before_preview = tandem_project_to_string (project);
    g_autofree char *after_preview = NULL;
    GtkWidget *preview = tandem_test_find_widget (GTK_WIDGET (browser), GTK_TYPE_BUTTON,
                                                  "Preview “Kick Long”");

    tandem_test_iterate_until (tandem_test_is_mapped, preview);
    g_assert_true (gtk_widget_is_sensitive (preview));
    /* A button's activation clicks it a moment later, as a key press would. */
    g_assert_true (gtk_widget_activate (preview));
    tandem_test_iterate_until (browser_busy, browser);
    tandem_test_iterate_until (browser_idle, browser);
    after_preview = tandem_project_to_string (project);
    g_assert_cmpstr (after_preview, ==, before_preview);
  }

  /* Add as Tracks: one sampler track per instrument, in one undoable edit. */
  add = tandem_test_find_widget (GTK_WIDGET (browser), GTK_TYPE_BUTTON,
                                 "Add every instrument of the kit as a track");
  g_assert_nonnull (add);
  g_assert_true (gtk_widget_is_sensitive (add));
  gtk_widget_activate (add);
  count.project = project;
  count.n_tracks = before + 16;
  tandem_test_iterate_until (has_n_tracks, &count);
  tandem_test_iterate_until (browser_idle, browser);
  for (guint i = before; i < count.n_tracks; i++)
    {
      TandemTrack *track = tandem_test_track_at (project, i);

      g_assert_cmpstr (tandem_track_get_instrument (track), ==, "sampler");
      g_assert_cmpstr (tandem_track_get_layers (track), !=, "");
    }
  g_assert_cmpstr (tandem_track_get_name (tandem_test_track_at (project, before)), ==, "Kick Long");
  g_assert_cmpuint (g_list_model_get_n_items (tandem_project_get_samples (project)), >=, 16);

  /* Use for Track: the selected track plays the chosen kit instrument. */
  {
    TandemTrack *first = tandem_test_track_at (project, 0);
    g_autofree char *id = g_strdup (tandem_track_get_id (first));
    g_autofree char *name = g_strdup (tandem_track_get_name (first));

    tandem_grid_view_set_selected_track (window->grid_view, id);
    select_row (tandem_test_find_widget_matching (GTK_WIDGET (browser), row_titled, "Snare 1"));
    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (browser), "kit.use-for-track", NULL));
    tandem_test_iterate_until (browser_idle, browser);
    g_assert_cmpstr (tandem_track_get_instrument (first), ==, "sampler");
    g_assert_cmpstr (tandem_track_get_name (first), ==, name);
    g_assert_cmpstr (tandem_track_get_layers (first), ==,
                     tandem_track_get_layers (tandem_test_track_at (project, before + 2)));
  }

  /* Undo takes the instrument swap, then the whole kit, back out. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.undo", NULL));
  g_assert_cmpstr (tandem_track_get_instrument (tandem_test_track_at (project, 0)), !=, "sampler");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.undo", NULL));
  g_assert_cmpuint (g_list_model_get_n_items (tandem_project_get_tracks (project)), ==, before);

  /* Destroyed, not closed: closing would ask about the unsaved changes. The
   * browser goes with its window. */
  gtk_window_destroy (GTK_WINDOW (window));
  tandem_test_iterate_until (app_has_no_windows, app);
  tandem_test_iterate_until (no_browser_left, NULL);
}

/* A track's menu opens the browser ready to re-voice that track. */
static void
test_from_track_menu (void)
{
  g_autoptr(TandemApplication) app = NULL;
  TandemWindow *window;
  TandemProject *project;
  TandemKitBrowser *browser;
  TandemTrack *track;
  g_autofree char *id = NULL;

  if (skip_without_kits ())
    return;
  g_setenv ("TANDEM_KIT_PATH", SYSTEM_KITS, TRUE);
  app = tandem_test_start_app ();
  window = tandem_test_activate_and_wait (app);
  project = tandem_window_get_project (window);
  track = tandem_test_track_at (project, 1);
  id = g_strdup (tandem_track_get_id (track));

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "track.choose-kit-instrument",
                                             "s", id));
  browser = find_browser (window);
  g_assert_nonnull (browser);
  tandem_test_iterate_until (tandem_test_is_mapped, browser);
  g_assert_cmpstr (tandem_grid_view_get_selected_track (window->grid_view), ==, id);
  select_row (tandem_test_find_widget_matching (GTK_WIDGET (browser), row_titled, "TR808EmulationKit"));
  select_row (tandem_test_find_widget_matching (GTK_WIDGET (browser), row_titled, "Clap"));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (browser), "kit.use-for-track", NULL));
  tandem_test_iterate_until (browser_idle, browser);
  g_assert_cmpstr (tandem_track_get_instrument (track), ==, "sampler");
  g_assert_cmpuint (tandem_track_get_choke_group (track), ==, 0);
  g_assert_true (g_str_has_suffix (tandem_track_get_layers (track), ":0-127:1:0"));

  gtk_window_destroy (GTK_WINDOW (window));
  tandem_test_iterate_until (app_has_no_windows, app);
}

static gboolean
shows_song (gpointer data)
{
  return g_strcmp0 (tandem_project_get_name (tandem_window_get_project (data)),
                    "TR-808 Emulation Kit demo") == 0;
}

static void
test_open_h2song (void)
{
  g_autoptr(TandemApplication) app = NULL;
  g_autoptr(GFile) file = g_file_new_for_path ("/usr/share/hydrogen/data/demo_songs/TR808kit-demo.h2song");
  TandemWindow *window;
  TandemProject *project;

  if (skip_without_kits ())
    return;
  g_setenv ("TANDEM_KIT_PATH", SYSTEM_KITS, TRUE);
  app = tandem_test_start_app ();
  window = tandem_test_activate_and_wait (app);
  tandem_window_open_file (window, file);
  /* Read on a worker thread; the window switches when it is done. */
  tandem_test_iterate_until (shows_song, window);
  project = tandem_window_get_project (window);
  g_assert_cmpstr (tandem_project_get_name (project), ==, "TR-808 Emulation Kit demo");
  g_assert_cmpfloat (tandem_project_get_tempo (project), ==, 125.0);
  g_assert_cmpuint (g_list_model_get_n_items (tandem_project_get_tracks (project)), ==, 16);
  g_assert_cmpuint (g_list_model_get_n_items (tandem_project_get_patterns (project)), ==, 10);
  /* Hydrogen's song loop: all twelve bars of the sequence, again and again. */
  g_assert_true (tandem_project_get_loop_enabled (project));
  g_assert_cmpuint (tandem_project_get_loop_start (project), ==, 0);
  g_assert_cmpuint (tandem_project_get_loop_length (project), ==, 12);
  /* A new project: saving asks where. */
  g_assert_null (window->file);

  /* Destroyed, not closed: closing would ask about the unsaved changes. */
  gtk_window_destroy (GTK_WINDOW (window));
  tandem_test_iterate_until (app_has_no_windows, app);
}

int
main (int   argc,
      char *argv[])
{
  tandem_test_use_fresh_data_home ();
  g_test_init (&argc, &argv, NULL);
  tandem_test_init_gtk ();

  g_test_add_func ("/kit-browser/add-kit-as-tracks", test_add_kit_as_tracks);
  g_test_add_func ("/kit-browser/from-track-menu", test_from_track_menu);
  g_test_add_func ("/kit-browser/open-h2song", test_open_h2song);

  return g_test_run ();
}
