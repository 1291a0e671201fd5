/* test-window.c — the main window opens, shows the project, edits and closes
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>

#include "tandem-application.h"
#include "tandem-window.h"

static gboolean
have_display (void)
{
  return g_getenv ("DISPLAY") != NULL || g_getenv ("WAYLAND_DISPLAY") != NULL;
}

static void
iterate_until (gboolean (*done) (gpointer),
               gpointer  data)
{
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  while (!done (data) && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (done (data));
}

static gboolean
window_is_mapped (gpointer data)
{
  return gtk_widget_get_mapped (GTK_WIDGET (data));
}

static gboolean
app_has_no_windows (gpointer data)
{
  return gtk_application_get_windows (GTK_APPLICATION (data)) == NULL;
}

static gboolean
wake_up (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

static TandemApplication *
start_app (void)
{
  TandemApplication *app = tandem_application_new ();
  g_autoptr(GError) error = NULL;

  g_application_set_flags (G_APPLICATION (app),
                           G_APPLICATION_HANDLES_OPEN | G_APPLICATION_NON_UNIQUE);
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, &error));
  g_assert_no_error (error);
  return app;
}

static TandemWindow *
activate_and_wait (TandemApplication *app)
{
  GtkWindow *window;

  g_application_activate (G_APPLICATION (app));
  window = gtk_application_get_active_window (GTK_APPLICATION (app));
  g_assert_true (TANDEM_IS_WINDOW (window));
  iterate_until (window_is_mapped, window);
  return TANDEM_WINDOW (window);
}

static void
close_and_wait (TandemApplication *app,
                TandemWindow      *window)
{
  gtk_window_close (GTK_WINDOW (window));
  iterate_until (app_has_no_windows, app);
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

  if (!have_display ())
    {
      g_test_skip ("no display");
      return;
    }

  app = start_app ();
  window = activate_and_wait (app);
  project = tandem_window_get_project (window);

  /* A new window plays the demo: four drum tracks and a pattern. */
  g_assert_cmpuint (g_list_model_get_n_items (tandem_project_get_tracks (project)), ==, 4);
  g_assert_cmpuint (g_list_model_get_n_items (tandem_project_get_patterns (project)), >=, 1);

  expected = g_strdup_printf ("%s — Tandem", tandem_project_get_name (project));
  g_assert_cmpstr (window_title_text (window), ==, expected);

  /* Play is an op on the shared transport state. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.play", NULL));
  g_assert_true (tandem_project_get_playing (project));
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

  if (!have_display ())
    {
      g_test_skip ("no display");
      return;
    }

  app = start_app ();
  window = activate_and_wait (app);
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
    window = activate_and_wait (app);
    tandem_window_open_file (window, file);
    g_assert_cmpstr (tandem_project_get_name (tandem_window_get_project (window)), ==,
                     "Night Drive");
    close_and_wait (app, window);
    g_unlink (path);
    g_rmdir (dir);
  }
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

  if (!have_display ())
    {
      g_test_skip ("no display");
      return;
    }

  dir = g_dir_make_tmp ("tandem-ui-XXXXXX", NULL);
  path = g_build_filename (dir, "broken.tandem", NULL);
  g_assert_true (g_file_set_contents (path, "{\"format\":\"tandem\",\"vers", -1, NULL));
  file = g_file_new_for_path (path);

  app = start_app ();
  window = activate_and_wait (app);
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

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  /* Keeps the main context waking up while a test waits for a frame. */
  g_timeout_add (50, wake_up, NULL);

  g_test_add_func ("/ui/window/opens-with-demo", test_window_opens_with_demo);
  g_test_add_func ("/ui/window/edit-undo-redo", test_window_edit_undo_redo);
  g_test_add_func ("/ui/window/refuses-broken-file", test_window_refuses_broken_file);

  return g_test_run ();
}
