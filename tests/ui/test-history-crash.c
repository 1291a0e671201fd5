/* test-history-crash.c — the local history of a file-opened project survives kill -9
 *
 * A process of this test runs the app with a real window, opens a .tandem
 * file as `tandem FILE` does, and edits the grid through the grid's own
 * action, as clicks do. Once the autosave has written the edits it is
 * killed with SIGKILL. The app started again (here, on the same data
 * folder) recovers the draft — the file's name and the edits — and its
 * History panel lists the edits and previews the project before them.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>

#include "tandem-application.h"
#include "tandem-window-private.h"
#include "ui-test-utils.h"

#define WAIT_SECONDS 30
#define N_EDITS 3
#define TRACK 2

typedef gboolean (*Condition) (gpointer data);

static const char *self_path;

static gboolean
wake_up (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

static gboolean
iterate_until (Condition done,
               gpointer  data)
{
  gint64 deadline = g_get_monotonic_time () + WAIT_SECONDS * G_USEC_PER_SEC;

  while (!done (data) && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  return done (data);
}

static const char *
track_id (TandemProject *project,
          guint          index)
{
  g_autoptr(TandemTrack) track = g_list_model_get_item (tandem_project_get_tracks (project), index);

  return tandem_track_get_id (track);
}

static guint8
velocity (TandemProject *project,
          guint          track,
          guint          step)
{
  TandemPattern *pattern =
    tandem_project_find_pattern (project, tandem_project_get_current_pattern (project));

  return tandem_pattern_get_cell (pattern, track_id (project, track), step)->velocity;
}

/* How many entries the local history on disk holds (of the one draft). */
static guint
history_on_disk (void)
{
  g_auto(GStrv) drafts = tandem_draft_list ();
  g_autoptr(TandemProject) project = NULL;
  g_autoptr(TandemHistory) history = NULL;
  TandemDraft *draft;
  guint n;

  if (drafts[0] == NULL)
    return 0;
  draft = tandem_draft_new_for_id (drafts[0]);
  project = tandem_project_new_demo ();
  history = tandem_history_new (project);
  n = tandem_draft_read_history (draft, history, NULL) ? tandem_history_get_log_length (history) : 0;
  tandem_draft_free (draft);
  return n;
}

static gboolean
edits_on_disk (gpointer data)
{
  return history_on_disk () >= N_EDITS;
}

/* `--edit FILE`: open FILE in a real window, toggle N_EDITS empty cells,
 * say when the autosave has them, and wait to be killed. */
static int
run_editor (const char *path)
{
  g_autoptr(TandemApplication) app = NULL;
  g_autoptr(GFile) file = g_file_new_for_path (path);
  TandemWindow *window;

  gtk_init ();
  g_timeout_add (50, wake_up, NULL);
  app = tandem_test_start_app ();
  g_application_open (G_APPLICATION (app), &file, 1, "");
  window = TANDEM_WINDOW (gtk_application_get_active_window (GTK_APPLICATION (app)));
  if (window == NULL || window->file == NULL || !g_file_equal (window->file, file))
    return 2;
  for (guint step = 0; step < N_EDITS; step++)
    if (!gtk_widget_activate_action (GTK_WIDGET (window->grid_view), "grid.toggle-cell", "(si)",
                                     track_id (window->project, TRACK), (int) (1 + 4 * step)))
      return 3;
  if (!iterate_until (edits_on_disk, NULL))
    return 4;
  g_print ("SAVED\n");
  fflush (stdout);
  while (TRUE)
    g_main_context_iteration (NULL, TRUE);
  return 0;
}

static void
die_with_parent (gpointer data)
{
  prctl (PR_SET_PDEATHSIG, SIGKILL);
}

static void
test_crash_keeps_history (void)
{
  g_autofree char *dir = g_dir_make_tmp ("tandem-crash-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "Song.tandem", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(TandemProject) original = tandem_project_new_demo ();
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) editor = NULL;
  g_autoptr(GDataInputStream) out = NULL;
  g_autoptr(TandemApplication) app = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *line = NULL;
  TandemHistoryPanel *panel;
  TandemProject *preview;
  TandemWindow *window;
  const char *text;

  if (g_getenv ("DISPLAY") == NULL)
    {
      g_test_skip ("no display");
      return;
    }
  /* Steps the editor toggles on are empty in the file. */
  for (guint step = 0; step < N_EDITS; step++)
    g_assert_cmpuint (velocity (original, TRACK, 1 + 4 * step), ==, 0);
  g_assert_true (tandem_project_save_to_file (original, path, &error));
  g_assert_no_error (error);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  editor = g_subprocess_launcher_spawn (launcher, &error, self_path, "--edit", path, NULL);
  g_assert_no_error (error);
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (editor));
  line = g_data_input_stream_read_line (out, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (line, ==, "SAVED");
  g_subprocess_send_signal (editor, SIGKILL);
  g_assert_true (g_subprocess_wait (editor, NULL, &error));
  g_assert_true (g_subprocess_get_if_signaled (editor));
  g_assert_cmpint (g_subprocess_get_term_sig (editor), ==, SIGKILL);

  /* Started again, as after the crash: the draft comes back. */
  app = tandem_test_start_app ();
  window = tandem_test_activate_and_wait (app);
  g_assert_nonnull (window->file);
  g_assert_true (g_file_equal (window->file, file));
  for (guint step = 0; step < N_EDITS; step++)
    g_assert_cmpuint (velocity (window->project, TRACK, 1 + 4 * step), >, 0);

  panel = window->history_panel;
  tandem_history_panel_refresh (panel);
  g_assert_cmpuint (tandem_history_panel_get_n_rows (panel), ==, 1);
  text = tandem_history_panel_get_row_text (panel, 0);
  g_assert_true (g_str_has_prefix (text, "You — 3 edits, "));

  /* The moment is after all three; the file on disk is still as it was. */
  tandem_history_panel_activate_row (panel, 0);
  preview = tandem_history_panel_get_preview (panel);
  g_assert_nonnull (preview);
  for (guint step = 0; step < N_EDITS; step++)
    g_assert_cmpuint (velocity (preview, TRACK, 1 + 4 * step), >, 0);
  tandem_history_panel_back_to_live (panel);
  {
    g_autoptr(TandemProject) on_disk = tandem_project_new_from_file (path, &error);

    g_assert_no_error (error);
    g_assert_cmpuint (velocity (on_disk, TRACK, 1), ==, 0);
  }

  gtk_window_destroy (GTK_WINDOW (window));
  g_unlink (path);
  g_rmdir (dir);
}

int
main (int    argc,
      char **argv)
{
  g_autofree char *exe = NULL;

  if (argc == 3 && g_str_equal (argv[1], "--edit"))
    return run_editor (argv[2]);

  /* The editor inherits it: both runs share one data folder. */
  tandem_test_use_fresh_data_home ();
  g_test_init (&argc, &argv, NULL);
  tandem_test_init_gtk ();
  g_timeout_add (50, wake_up, NULL);

  exe = g_file_read_link ("/proc/self/exe", NULL);
  self_path = exe != NULL ? exe : argv[0];
  g_test_add_func ("/ui/history/crash-keeps-history", test_crash_keeps_history);
  return g_test_run ();
}
