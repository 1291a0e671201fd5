/* test-window.c — the main window opens, shows the project, edits and closes
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "ui-test-utils.h"

#include <adwaita.h>

#include <glib/gstdio.h>
#include <sndfile.h>
#include <string.h>

#include "tandem-application.h"
#include "tandem-window.h"
#include "widgets/tandem-mixer-view.h"
#include "widgets/tandem-mixer-strip.h"
#include "widgets/tandem-timeline-view.h"

static gboolean
app_has_no_windows (gpointer data)
{
  return gtk_application_get_windows (GTK_APPLICATION (data)) == NULL;
}

static void
close_and_wait (TandemApplication *app,
                TandemWindow      *window)
{
  gtk_window_close (GTK_WINDOW (window));
  tandem_test_iterate_until (app_has_no_windows, app);
}

static const char *
window_title_text (TandemWindow *window)
{
  return gtk_window_get_title (GTK_WINDOW (window));
}

static void
test_window_opens_with_demo (void)
{
  g_autoptr(TandemApplication) app = NULL;
  TandemWindow *window;
  TandemProject *project;
  g_autofree char *expected = NULL;

  if (!tandem_test_have_display ())
    {
      g_test_skip ("no display");
      return;
    }

  app = tandem_test_start_app ();
  window = tandem_test_activate_and_wait (app);
  project = tandem_window_get_project (window);

  /* A new window plays the demo: four drum tracks and a pattern. */
  g_assert_cmpuint (g_list_model_get_n_items (tandem_project_get_tracks (project)), ==, 4);
  g_assert_cmpuint (g_list_model_get_n_items (tandem_project_get_patterns (project)), >=, 1);

  expected = g_strdup_printf ("%s — Tandem", tandem_project_get_name (project));
  g_assert_cmpstr (window_title_text (window), ==, expected);

  /* Play is an op on the shared transport state. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.play", NULL));
  g_assert_true (tandem_project_get_playing (project));
  /* …anchored ahead on the (local) session clock, so it starts on a bar. */
  g_assert_cmpint ((gint64) tandem_project_get_anchor_time (project), >, g_get_monotonic_time ());
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.play", NULL));
  g_assert_false (tandem_project_get_playing (project));

  close_and_wait (app, window);
}

static void
test_window_edit_undo_redo (void)
{
  g_autoptr(TandemApplication) app = NULL;
  g_autoptr(TandemOp) op = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *before = NULL;
  TandemWindow *window;
  TandemProject *project;

  if (!tandem_test_have_display ())
    {
      g_test_skip ("no display");
      return;
    }

  app = tandem_test_start_app ();
  window = tandem_test_activate_and_wait (app);
  project = tandem_window_get_project (window);
  before = tandem_project_to_string (project);

  op = tandem_op_new_set_string (TANDEM_ENTITY_PROJECT, NULL, "name", "Night Drive");
  g_assert_true (tandem_history_apply (tandem_window_get_history (window), op, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (window_title_text (window), ==, "Night Drive — Tandem");

  /* Ctrl+Z goes through the same action as the menu. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.undo", NULL));
  {
    g_autofree char *after_undo = tandem_project_to_string (project);

    g_assert_cmpstr (after_undo, ==, before);
  }
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.redo", NULL));
  g_assert_cmpstr (tandem_project_get_name (project), ==, "Night Drive");

  /* Saving clears the modified state, so closing asks nothing. */
  {
    g_autofree char *dir = g_dir_make_tmp ("tandem-ui-XXXXXX", NULL);
    g_autofree char *path = g_build_filename (dir, "night-drive.tandem", NULL);
    g_autoptr(GFile) file = g_file_new_for_path (path);

    g_assert_true (tandem_window_save_to_file (window, file, &error));
    g_assert_no_error (error);
    g_assert_true (g_file_test (path, G_FILE_TEST_IS_REGULAR));
    close_and_wait (app, window);

    /* Reopening the file shows the same project. */
    window = tandem_test_activate_and_wait (app);
    tandem_window_open_file (window, file);
    g_assert_cmpstr (tandem_project_get_name (tandem_window_get_project (window)), ==,
                     "Night Drive");
    close_and_wait (app, window);
    g_unlink (path);
    g_rmdir (dir);
  }
}

static AdwMessageDialog *
find_dialog_of (GtkWindow *window)
{
  g_autoptr(GList) toplevels = gtk_window_list_toplevels ();

  for (GList *l = toplevels; l != NULL; l = l->next)
    if (ADW_IS_MESSAGE_DIALOG (l->data) &&
        gtk_window_get_transient_for (GTK_WINDOW (l->data)) == window)
      return l->data;
  return NULL;
}

static gboolean
is_button_labelled (GtkWidget     *widget,
                    gconstpointer  label)
{
  return GTK_IS_BUTTON (widget) && gtk_button_get_label (GTK_BUTTON (widget)) != NULL &&
         tandem_test_label_is (gtk_button_get_label (GTK_BUTTON (widget)), label);
}

/* Clicks the dialog's button for @label, as the pointer would. */
static void
click_response (AdwMessageDialog *dialog,
                const char       *label)
{
  GtkWidget *button = tandem_test_find_widget_matching (GTK_WIDGET (dialog), is_button_labelled,
                                                        label);

  g_assert_nonnull (button);
  g_signal_emit_by_name (button, "clicked");
}

static gboolean
has_dialog (gpointer data)
{
  AdwMessageDialog *dialog = find_dialog_of (GTK_WINDOW (data));

  return dialog != NULL && gtk_widget_get_mapped (GTK_WIDGET (dialog));
}

/* Closing with unsaved changes asks; Cancel keeps the window, Discard
 * closes it, and the dialog goes before its window does (criticals are fatal
 * here: a dialog outliving its window warns as it is freed). */
static void
test_window_close_discard (void)
{
  g_autoptr(TandemApplication) app = NULL;
  g_autoptr(TandemOp) op = NULL;
  g_autoptr(GError) error = NULL;
  TandemWindow *window;

  if (!tandem_test_have_display ())
    {
      g_test_skip ("no display");
      return;
    }

  app = tandem_test_start_app ();
  window = tandem_test_activate_and_wait (app);
  op = tandem_op_new_set_string (TANDEM_ENTITY_PROJECT, NULL, "name", "Unsaved");
  g_assert_true (tandem_history_apply (tandem_window_get_history (window), op, &error));
  g_assert_no_error (error);

  gtk_window_close (GTK_WINDOW (window));
  tandem_test_iterate_until (has_dialog, window);
  click_response (find_dialog_of (GTK_WINDOW (window)), "Cancel");
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_nonnull (gtk_application_get_windows (GTK_APPLICATION (app)));
  g_assert_cmpstr (tandem_project_get_name (tandem_window_get_project (window)), ==, "Unsaved");

  gtk_window_close (GTK_WINDOW (window));
  tandem_test_iterate_until (has_dialog, window);
  click_response (find_dialog_of (GTK_WINDOW (window)), "Discard");
  tandem_test_iterate_until (app_has_no_windows, app);
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

static void
test_window_views_and_menu (void)
{
  g_autoptr(TandemApplication) app = NULL;
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  g_autofree char *last_view = NULL;
  g_autoptr(TandemOp) op = NULL;
  g_autoptr(GError) error = NULL;
  TandemWindow *window;
  TandemProject *project;
  TandemMixerStrip *strip;
  AdwViewStack *stack;
  GtkWidget *mixer, *menu_button;
  GtkWindow *shortcuts;
  TandemTrack *kick;

  if (!tandem_test_have_display ())
    {
      g_test_skip ("no display");
      return;
    }

  g_settings_set_string (settings, "last-view", "grid");
  app = tandem_test_start_app ();
  window = tandem_test_activate_and_wait (app);
  project = tandem_window_get_project (window);
  stack = ADW_VIEW_STACK (tandem_test_find_widget (GTK_WIDGET (window),
                                                   ADW_TYPE_VIEW_STACK, NULL));
  g_assert_cmpstr (adw_view_stack_get_visible_child_name (stack), ==, "grid");

  /* The Mixer shows the project as it is when first opened, including an
   * edit (here as if from another participant) made before. */
  kick = g_list_model_get_item (tandem_project_get_tracks (project), 0);
  g_object_unref (kick);
  op = tandem_op_new_set_boolean (TANDEM_ENTITY_TRACK, tandem_track_get_id (kick), "mute", TRUE);
  g_assert_true (tandem_project_apply (project, op, NULL, &error));
  g_assert_no_error (error);

  adw_view_stack_set_visible_child_name (stack, "mixer");
  g_assert_null (tandem_test_find_widget (GTK_WIDGET (window),
                                          TANDEM_TYPE_TIMELINE_VIEW, NULL));
  mixer = tandem_test_find_widget (GTK_WIDGET (window), TANDEM_TYPE_MIXER_VIEW, NULL);
  g_assert_nonnull (mixer);
  tandem_test_iterate_until (tandem_test_is_mapped, mixer);
  g_assert_nonnull (tandem_mixer_view_get_strip (TANDEM_MIXER_VIEW (mixer), 3));
  g_assert_null (tandem_mixer_view_get_strip (TANDEM_MIXER_VIEW (mixer), 4));
  strip = tandem_mixer_view_get_strip (TANDEM_MIXER_VIEW (mixer), 0);
  g_assert_true (tandem_mixer_strip_get_track (strip) == kick);
  g_assert_true (gtk_toggle_button_get_active (tandem_mixer_strip_get_mute (strip)));

  /* The main menu holds every command once opened (F10 does the same). */
  menu_button = tandem_test_find_widget (GTK_WIDGET (window), GTK_TYPE_MENU_BUTTON,
                                         "Main Menu");
  g_assert_nonnull (menu_button);
  gtk_menu_button_popup (GTK_MENU_BUTTON (menu_button));
  g_assert_nonnull (gtk_menu_button_get_popover (GTK_MENU_BUTTON (menu_button)));
  g_assert_cmpint (g_menu_model_get_n_items (gtk_menu_button_get_menu_model (GTK_MENU_BUTTON (menu_button))),
                   ==, 3);
  gtk_menu_button_popdown (GTK_MENU_BUTTON (menu_button));

  /* So does the shortcuts window, which opens over this window. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.show-help-overlay", NULL));
  shortcuts = NULL;
  for (guint i = 0; i < g_list_model_get_n_items (gtk_window_get_toplevels ()); i++)
    {
      g_autoptr(GtkWindow) toplevel = g_list_model_get_item (gtk_window_get_toplevels (), i);

      if (GTK_IS_SHORTCUTS_WINDOW (toplevel))
        shortcuts = toplevel;
    }
  g_assert_nonnull (shortcuts);
  g_assert_true (gtk_window_get_transient_for (shortcuts) == GTK_WINDOW (window));
  gtk_window_destroy (shortcuts);

  /* The next window opens on the view shown last, built and ready. */
  close_and_wait (app, window);
  last_view = g_settings_get_string (settings, "last-view");
  g_assert_cmpstr (last_view, ==, "mixer");
  window = tandem_test_activate_and_wait (app);
  mixer = tandem_test_find_widget (GTK_WIDGET (window), TANDEM_TYPE_MIXER_VIEW, NULL);
  g_assert_nonnull (mixer);
  g_assert_true (gtk_widget_get_mapped (mixer));
  close_and_wait (app, window);
  g_settings_set_string (settings, "last-view", "grid");
}

/* The whole window, every view, fits a small 800×600 screen: its minimum
 * size, header and transport bar included, is within it. */
static void
test_window_fits_small_screen (void)
{
  static const char *views[] = { "grid", "mixer", "song" };
  g_autoptr(TandemApplication) app = NULL;
  TandemWindow *window;
  AdwViewStack *stack;

  if (!tandem_test_have_display ())
    {
      g_test_skip ("no display");
      return;
    }

  app = tandem_test_start_app ();
  window = tandem_test_activate_and_wait (app);
  stack = ADW_VIEW_STACK (tandem_test_find_widget (GTK_WIDGET (window),
                                                   ADW_TYPE_VIEW_STACK, NULL));
  for (guint i = 0; i < G_N_ELEMENTS (views); i++)
    {
      int min_width, min_height;

      adw_view_stack_set_visible_child_name (stack, views[i]);
      tandem_test_iterate_until (tandem_test_is_mapped,
                                 adw_view_stack_get_visible_child (stack));
      gtk_widget_measure (GTK_WIDGET (window), GTK_ORIENTATION_HORIZONTAL, -1,
                          &min_width, NULL, NULL, NULL);
      gtk_widget_measure (GTK_WIDGET (window), GTK_ORIENTATION_VERTICAL, 800,
                          &min_height, NULL, NULL, NULL);
      g_test_message ("%s view: at least %d×%d", views[i], min_width, min_height);
      g_assert_cmpint (min_width, <=, 800);
      g_assert_cmpint (min_height, <=, 600);
    }
  close_and_wait (app, window);
}

static void
test_window_refuses_broken_file (void)
{
  g_autoptr(TandemApplication) app = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autoptr(GFile) file = NULL;
  TandemWindow *window;

  if (!tandem_test_have_display ())
    {
      g_test_skip ("no display");
      return;
    }

  dir = g_dir_make_tmp ("tandem-ui-XXXXXX", NULL);
  path = g_build_filename (dir, "broken.tandem", NULL);
  g_assert_true (g_file_set_contents (path, "{\"format\":\"tandem\",\"vers", -1, NULL));
  file = g_file_new_for_path (path);

  app = tandem_test_start_app ();
  window = tandem_test_activate_and_wait (app);
  before = tandem_project_to_string (tandem_window_get_project (window));

  g_test_expect_message ("tandem-ui", G_LOG_LEVEL_WARNING, "*Could not open*broken.tandem*");
  tandem_window_open_file (window, file);
  g_test_assert_expected_messages ();

  /* The project the user had is still there. */
  after = tandem_project_to_string (tandem_window_get_project (window));
  g_assert_cmpstr (after, ==, before);

  close_and_wait (app, window);
  g_unlink (path);
  g_rmdir (dir);
}

static gboolean
export_finished (gpointer data)
{
  return !tandem_window_is_exporting (TANDEM_WINDOW (data));
}

/* Reads @path with libsndfile: a real audio file of about @seconds, not silent. */
static void
assert_audio_file (const char *path,
                   double      min_seconds)
{
  SF_INFO info = { 0 };
  SNDFILE *sf = sf_open (path, SFM_READ, &info);
  float buffer[4096];
  sf_count_t n;
  float peak = 0.0f;

  g_assert_nonnull (sf);
  g_assert_cmpint (info.samplerate, ==, 48000);
  g_assert_cmpint (info.channels, ==, 2);
  g_assert_cmpfloat ((double) info.frames / info.samplerate, >=, min_seconds);
  while ((n = sf_read_float (sf, buffer, G_N_ELEMENTS (buffer))) > 0)
    for (sf_count_t i = 0; i < n; i++)
      peak = MAX (peak, ABS (buffer[i]));
  sf_close (sf);
  g_assert_cmpfloat (peak, >, 0.05f);
  g_assert_cmpfloat (peak, <=, 1.0f);
}

static void
test_window_exports_audio (void)
{
  g_autoptr(TandemApplication) app = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  g_autoptr(GFile) file = NULL;
  TandemWindow *window;

  if (!tandem_test_have_display ())
    {
      g_test_skip ("no display");
      return;
    }

  dir = g_dir_make_tmp ("tandem-ui-XXXXXX", NULL);
  path = g_build_filename (dir, "beat.flac", NULL);
  file = g_file_new_for_path (path);

  app = tandem_test_start_app ();
  window = tandem_test_activate_and_wait (app);
  tandem_window_export_to_file (window, file);
  g_assert_true (tandem_window_is_exporting (window));
  tandem_test_iterate_until (export_finished, window);

  /* The demo beat: four loops of a 16-step pattern at 104 BPM is over 9 s. */
  assert_audio_file (path, 9.0);

  close_and_wait (app, window);
  g_unlink (path);
  g_rmdir (dir);
}

/* `tandem --export` works without a display and says why when it cannot. */
static void
test_export_command (void)
{
  const char *build_dir = g_getenv ("TANDEM_BUILD_DIR");
  const char *source_dir = g_getenv ("TANDEM_SOURCE_DIR");
  g_autofree char *tandem = NULL;
  g_autofree char *example = NULL;
  g_autofree char *dir = g_dir_make_tmp ("tandem-export-XXXXXX", NULL);
  g_autofree char *out = g_build_filename (dir, "demo.wav", NULL);
  g_autofree char *err = NULL;
  g_autoptr(GError) error = NULL;
  int status;

  if (build_dir == NULL || source_dir == NULL)
    {
      g_test_skip ("run through meson test");
      return;
    }

  tandem = g_build_filename (build_dir, "src", "tandem", NULL);
  example = g_build_filename (source_dir, "examples", "demo.tandem", NULL);

  {
    const char *argv[] = { tandem, "--export", example, out, NULL };
    const char *envp[] = { "LANG=C", NULL };

    g_assert_true (g_spawn_sync (NULL, (char **) argv, (char **) envp, G_SPAWN_DEFAULT,
                                 NULL, NULL, NULL, &err, &status, &error));
    g_assert_no_error (error);
    g_assert_true (g_spawn_check_wait_status (status, NULL));
    assert_audio_file (out, 9.0);
  }

  /* A missing input is refused with its reason, and no file appears. */
  {
    g_autofree char *missing = g_build_filename (dir, "missing.tandem", NULL);
    g_autofree char *out2 = g_build_filename (dir, "never.wav", NULL);
    const char *argv[] = { tandem, "--export", missing, out2, NULL };
    const char *envp[] = { "LANG=C", NULL };

    g_clear_pointer (&err, g_free);
    g_assert_true (g_spawn_sync (NULL, (char **) argv, (char **) envp, G_SPAWN_DEFAULT,
                                 NULL, NULL, NULL, &err, &status, &error));
    g_assert_false (g_spawn_check_wait_status (status, NULL));
    g_assert_nonnull (strstr (err, "missing.tandem"));
    g_assert_false (g_file_test (out2, G_FILE_TEST_EXISTS));
  }

  g_unlink (out);
  g_rmdir (dir);
}

int
main (int    argc,
      char **argv)
{
  tandem_test_use_fresh_data_home ();
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/ui/window/opens-with-demo", test_window_opens_with_demo);
  g_test_add_func ("/ui/window/edit-undo-redo", test_window_edit_undo_redo);
  g_test_add_func ("/ui/window/close-discard", test_window_close_discard);
  g_test_add_func ("/ui/window/views-and-menu", test_window_views_and_menu);
  g_test_add_func ("/ui/window/fits-small-screen", test_window_fits_small_screen);
  g_test_add_func ("/ui/window/refuses-broken-file", test_window_refuses_broken_file);
  g_test_add_func ("/ui/window/exports-audio", test_window_exports_audio);
  g_test_add_func ("/ui/export-command", test_export_command);

  return g_test_run ();
}
