/* test-history-panel.c — the History panel of a real window in a real session
 *
 * One window hosts as "Ada", a second window of the same app joins as "Bob".
 * Each edits the grid; Ada's History panel lists both by name, previews the
 * grid as it was while the live project keeps changing, and restores that
 * version, which both windows then show.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "ui-test-utils.h"
#include "tandem-application.h"
#include "tandem-invite.h"
#include "tandem-project-diff.h"
#include "tandem-transport.h"
#include "tandem-window-private.h"

#define WAIT_SECONDS 20

typedef gboolean (*Condition) (gpointer data);

static gboolean
iterate_until (Condition done,
               gpointer  data)
{
  gint64 deadline = g_get_monotonic_time () + WAIT_SECONDS * G_USEC_PER_SEC;

  while (!done (data) && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  return done (data);
}

static gboolean
wake_up (gpointer data)
{
  return G_SOURCE_CONTINUE;
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

static void
toggle_cell (TandemWindow *window,
             guint         track,
             guint         step)
{
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window->grid_view), "grid.toggle-cell",
                                             "(si)", track_id (window->project, track), (int) step));
}

static gboolean
is_live (gpointer data)
{
  TandemSyncClient *client = tandem_window_get_sync_client (TANDEM_WINDOW (data));

  return client != NULL && tandem_sync_client_get_state (client) == TANDEM_SYNC_STATE_LIVE;
}

typedef struct
{
  TandemWindow *a;
  TandemWindow *b;
} Pair;

static gboolean
converged (gpointer data)
{
  Pair *p = data;
  TandemSyncClient *ca = tandem_window_get_sync_client (p->a);
  TandemSyncClient *cb = tandem_window_get_sync_client (p->b);
  g_autofree char *ja = tandem_project_to_string (p->a->project);
  g_autofree char *jb = tandem_project_to_string (p->b->project);

  return tandem_sync_client_get_n_pending (ca) == 0 && tandem_sync_client_get_n_pending (cb) == 0
         && tandem_sync_client_get_seq (ca) == tandem_sync_client_get_seq (cb) && g_str_equal (ja, jb);
}

static int
row_starting_with (TandemHistoryPanel *panel,
                   const char         *prefix)
{
  for (guint i = 0; i < tandem_history_panel_get_n_rows (panel); i++)
    if (g_str_has_prefix (tandem_history_panel_get_row_text (panel, i), prefix))
      return i;
  return -1;
}

static gboolean
lists_both (gpointer data)
{
  TandemHistoryPanel *panel = data;

  return row_starting_with (panel, "Ada — ") >= 0 && row_starting_with (panel, "Bob — ") >= 0;
}

/* Bob's edits, summed over his groups (two in a row in one minute are one
 * group; a minute's turn between them makes two). */
static gboolean
bob_made_two (gpointer data)
{
  guint total = 0;

  for (guint i = 0; i < tandem_history_panel_get_n_rows (data); i++)
    {
      const char *text = tandem_history_panel_get_row_text (data, i);
      int n = 0;

      if (g_str_has_prefix (text, "Bob — ") && sscanf (text + strlen ("Bob — "), "%d", &n) == 1)
        total += n;
    }
  return total == 2;
}

static gboolean
replay_started (gpointer data)
{
  return tandem_history_panel_get_preview (data) != NULL;
}

static gboolean
replay_done (gpointer data)
{
  return !tandem_history_panel_is_replaying (data);
}

static gboolean
revealed (gpointer data)
{
  return gtk_revealer_get_child_revealed (data) && gtk_widget_get_mapped (data);
}

static gboolean
previewing (gpointer data)
{
  return tandem_history_panel_get_preview (data) != NULL && tandem_history_panel_get_banner_shown (data);
}

static TandemProject *
grid_project (TandemWindow *window)
{
  TandemProject *project = NULL;

  g_object_get (window->grid_view, "project", &project, NULL);
  g_object_unref (project);
  return project;
}

typedef struct
{
  TandemWindow *window;
  guint         track, step;
  guint8        velocity;
} CellIs;

static gboolean
cell_is (gpointer data)
{
  CellIs *c = data;

  return velocity (c->window->project, c->track, c->step) == c->velocity;
}

/* With TANDEM_TEST_SCREENSHOT=PATH, the window as it looks, for a person to
 * check. */
static void
maybe_screenshot (TandemWindow *window)
{
  const char *path = g_getenv ("TANDEM_TEST_SCREENSHOT");
  g_autoptr(GdkPaintable) paintable = NULL;
  g_autoptr(GtkSnapshot) snapshot = NULL;
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  GskRenderer *renderer;
  int w, h;

  if (path == NULL)
    return;
  w = gtk_widget_get_width (GTK_WIDGET (window));
  h = gtk_widget_get_height (GTK_WIDGET (window));
  paintable = gtk_widget_paintable_new (GTK_WIDGET (window));
  /* The paintable is empty until the window has drawn a frame. */
  for (guint i = 0; node == NULL && i < 200; i++)
    {
      snapshot = gtk_snapshot_new ();
      gdk_paintable_snapshot (paintable, snapshot, w, h);
      node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
      if (node == NULL)
        g_main_context_iteration (NULL, TRUE);
    }
  if (node == NULL)
    return;
  renderer = gtk_native_get_renderer (GTK_NATIVE (window));
  texture = gsk_renderer_render_texture (renderer, node, &GRAPHENE_RECT_INIT (0, 0, w, h));
  gdk_texture_save_to_png (texture, path);
}

static gboolean
ada_playing (gpointer data)
{
  TandemWindow *window = data;

  return tandem_project_get_playing (window->project);
}

static void
test_panel_preview_restore (void)
{
  g_autoptr(TandemApplication) app = NULL;
  g_autoptr(TandemInvite) invite = NULL;
  g_autoptr(GSettings) settings = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *link = NULL;
  TandemWindow *ada, *bob;
  TandemHistoryPanel *panel;
  TandemProject *past;
  Pair pair;
  CellIs ada_cell, bob_cell, later_cell;
  int row;

  if (g_getenv ("DISPLAY") == NULL)
    {
      g_test_skip ("no display");
      return;
    }
  app = tandem_test_start_app ();
  settings = g_settings_new (APP_ID);

  g_settings_set_string (settings, "display-name", "Ada");
  ada = tandem_window_new (app);
  gtk_window_present (GTK_WINDOW (ada));
  g_assert_true (tandem_window_host_session (ada, 0, &error));
  g_assert_no_error (error);
  g_assert_true (iterate_until (is_live, ada));
  invite = tandem_invite_parse (tandem_window_get_invite_link (ada), &error);
  g_assert_no_error (error);
  g_free (invite->host);
  invite->host = g_strdup ("127.0.0.1");
  link = tandem_invite_to_link (invite);

  g_settings_set_string (settings, "display-name", "Bob");
  bob = tandem_window_new (app);
  gtk_window_present (GTK_WINDOW (bob));
  g_assert_true (tandem_window_join_session (bob, link, &error));
  g_assert_no_error (error);
  g_assert_true (iterate_until (is_live, bob));
  pair = (Pair) { ada, bob };
  g_assert_true (iterate_until (converged, &pair));

  /* Cells that start off, so every edit is a real change. */
  g_assert_cmpuint (velocity (ada->project, 0, 1), ==, 0);
  g_assert_cmpuint (velocity (ada->project, 1, 2), ==, 0);
  g_assert_cmpuint (velocity (ada->project, 2, 3), ==, 0);
  toggle_cell (ada, 0, 1);
  g_assert_true (iterate_until (converged, &pair));
  toggle_cell (bob, 1, 2);
  g_assert_true (iterate_until (converged, &pair));

  /* Ada opens the History: both people, by name, Bob's edit newest. */
  panel = ada->history_panel;
  gtk_revealer_set_reveal_child (ada->history_revealer, TRUE);
  g_assert_true (iterate_until (revealed, ada->history_revealer));
  g_assert_true (iterate_until (lists_both, panel));
  g_assert_cmpint (row_starting_with (panel, "Bob — "), <, row_starting_with (panel, "Ada — "));
  g_assert_nonnull (strstr (tandem_history_panel_get_row_text (panel, row_starting_with (panel, "Ada — ")),
                            "1 grid edit"));

  /* Preview the moment after Ada's edit: the grid shows it, read-only. */
  row = row_starting_with (panel, "Ada — ");
  tandem_history_panel_activate_row (panel, row);
  g_assert_true (iterate_until (previewing, panel));
  past = tandem_history_panel_get_preview (panel);
  g_assert_true (grid_project (ada) == past);
  g_assert_false (gtk_widget_get_sensitive (GTK_WIDGET (ada->grid_view)));
  g_assert_cmpuint (velocity (past, 0, 1), >, 0);
  g_assert_cmpuint (velocity (past, 1, 2), ==, 0);

  /* The live session goes on meanwhile: Bob edits, Ada's project follows,
   * her grid still shows the old version. */
  toggle_cell (bob, 2, 3);
  later_cell = (CellIs) { ada, 2, 3, 0 };
  g_assert_true (iterate_until (converged, &pair));
  g_assert_false (cell_is (&later_cell));
  g_assert_true (grid_project (ada) == past);
  g_assert_cmpuint (velocity (past, 2, 3), ==, 0);
  /* The list follows the live session (at most once a second). */
  g_assert_true (iterate_until (bob_made_two, panel));
  maybe_screenshot (ada);

  /* The engine plays the version shown. Play and Stop while previewing are
   * Ada's own: the preview starts, the session's transport does not. */
  g_assert_true (tandem_engine_get_project (ada->engine) == past);
  g_assert_false (tandem_project_get_playing (past));
  _tandem_window_toggle_play (ada);
  g_assert_true (tandem_project_get_playing (past));
  g_assert_true (gtk_toggle_button_get_active (ada->play_button));
  g_assert_false (tandem_project_get_playing (ada->project));
  /* A later edit of Bob's reaching Ada shows no start was sent before it. */
  toggle_cell (bob, 3, 5);
  g_assert_true (iterate_until (converged, &pair));
  g_assert_false (tandem_project_get_playing (bob->project));
  g_assert_false (tandem_project_get_playing (ada->project));
  _tandem_window_toggle_play (ada);
  g_assert_false (tandem_project_get_playing (past));
  g_assert_false (gtk_toggle_button_get_active (ada->play_button));

  /* Bob starts the band: Ada's preview, stopped, stays so, and her button
   * shows the preview, not the session. */
  _tandem_window_toggle_play (bob);
  g_assert_true (iterate_until (ada_playing, ada));
  g_assert_false (tandem_project_get_playing (past));
  g_assert_false (gtk_toggle_button_get_active (ada->play_button));
  g_assert_true (tandem_engine_get_project (ada->engine) == past);

  /* Save a copy of that version, with its samples, as a project file. */
  {
    g_autofree char *dir = g_dir_make_tmp ("tandem-history-copy-XXXXXX", NULL);
    g_autofree char *path = g_build_filename (dir, "copy.tandem", NULL);
    g_autoptr(TandemProject) copy = NULL;
    g_autofree char *a = NULL, *b = NULL;

    g_assert_true (tandem_history_panel_save_copy (panel, path, &error));
    g_assert_no_error (error);
    copy = tandem_project_new_from_file (path, &error);
    g_assert_no_error (error);
    a = tandem_project_to_string (copy);
    b = tandem_project_to_string (past);
    g_assert_cmpstr (a, ==, b);
  }

  /* A new session from there: another window hosts it, starting as it was. */
  {
    GList *before = gtk_application_get_windows (GTK_APPLICATION (app));
    guint n_before = g_list_length (before);
    TandemWindow *forked;
    g_autofree char *a = NULL, *b = NULL;

    g_signal_emit_by_name (panel, "fork", past);
    g_assert_cmpuint (g_list_length (gtk_application_get_windows (GTK_APPLICATION (app))), ==,
                      n_before + 1);
    forked = TANDEM_WINDOW (gtk_application_get_windows (GTK_APPLICATION (app))->data);
    g_assert_true (forked != ada && forked != bob);
    g_assert_true (iterate_until (is_live, forked));
    a = tandem_project_to_string (forked->project);
    b = tandem_project_to_string (past);
    g_assert_cmpstr (a, ==, b);
    g_assert_cmpstr (tandem_window_get_invite_link (forked), !=, tandem_window_get_invite_link (ada));
    gtk_window_destroy (GTK_WINDOW (forked));
  }

  /* Restore: one edit, and both windows show that version. */
  g_assert_true (tandem_history_panel_restore (panel, &error));
  g_assert_no_error (error);
  g_assert_true (grid_project (ada) == ada->project);
  g_assert_true (gtk_widget_get_sensitive (GTK_WIDGET (ada->grid_view)));
  ada_cell = (CellIs) { bob, 1, 2, 0 };
  bob_cell = (CellIs) { bob, 2, 3, 0 };
  g_assert_true (iterate_until (cell_is, &ada_cell));
  g_assert_true (iterate_until (cell_is, &bob_cell));
  g_assert_true (iterate_until (converged, &pair));
  g_assert_cmpuint (velocity (bob->project, 0, 1), >, 0);
  g_assert_cmpuint (velocity (ada->project, 1, 2), ==, 0);
  g_assert_cmpuint (velocity (ada->project, 2, 3), ==, 0);

  /* Replay at 64×: the grid fills in up to what everyone has now. */
  tandem_history_panel_replay (panel, 64);
  g_assert_true (iterate_until (replay_started, panel));
  g_assert_true (grid_project (ada) == tandem_history_panel_get_preview (panel));
  g_assert_true (iterate_until (replay_done, panel));
  {
    /* Everything but the transport: the replay plays on Ada's own. */
    g_autoptr(TandemOp) difference = tandem_project_diff (tandem_history_panel_get_preview (panel),
                                                          ada->project);

    g_assert_cmpuint (tandem_op_batch_get_n_ops (difference), ==, 0);
  }
  /* The replay plays on Ada's transport: the session plays, so does it,
   * in step with it. */
  g_assert_true (tandem_engine_get_project (ada->engine) == tandem_history_panel_get_preview (panel));
  g_assert_true (tandem_project_get_playing (tandem_history_panel_get_preview (panel)));
  g_assert_cmpfloat (tandem_transport_step_begins_at (tandem_history_panel_get_preview (panel),
                                                      tandem_project_get_anchor_step (tandem_history_panel_get_preview (panel))),
                     ==,
                     tandem_transport_step_begins_at (ada->project,
                                                      tandem_project_get_anchor_step (tandem_history_panel_get_preview (panel))));
  tandem_history_panel_back_to_live (panel);
  g_assert_true (grid_project (ada) == ada->project);
  g_assert_true (gtk_widget_get_sensitive (GTK_WIDGET (ada->grid_view)));
  /* Back to live: the engine plays the session again, which still plays. */
  g_assert_true (tandem_engine_get_project (ada->engine) == ada->project);
  g_assert_true (gtk_toggle_button_get_active (ada->play_button));

  gtk_window_destroy (GTK_WINDOW (bob));
  gtk_window_destroy (GTK_WINDOW (ada));
}

/* A project opened from a file, not in a session: its edits, kept with
 * the draft, are listed and previewed by the window restored from it. */
static void
test_panel_offline_draft (void)
{
  g_autoptr(TandemApplication) app = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(TandemOp) tempo = tandem_op_new_set_double (TANDEM_ENTITY_PROJECT, NULL, "tempo", 90);
  g_autoptr(TandemOp) tempo2 = tandem_op_new_set_double (TANDEM_ENTITY_PROJECT, NULL, "tempo", 95);
  g_autofree char *id = NULL;
  TandemWindow *first, *second;
  TandemHistoryPanel *panel;
  const char *text;

  if (g_getenv ("DISPLAY") == NULL)
    {
      g_test_skip ("no display");
      return;
    }
  app = tandem_test_start_app ();
  first = tandem_window_new (app);
  gtk_window_present (GTK_WINDOW (first));
  g_assert_true (tandem_history_apply (first->history, tempo, &error));
  g_assert_true (tandem_history_apply (first->history, tempo2, &error));
  g_assert_no_error (error);
  tandem_history_panel_refresh (first->history_panel);
  g_assert_cmpuint (tandem_history_panel_get_n_rows (first->history_panel), ==, 1);
  /* As the autosave writes it; the crash is the window going without a word. */
  g_assert_true (tandem_draft_write (first->draft, first->project, NULL, &error));
  g_assert_true (tandem_draft_write_history (first->draft, first->history, &error));
  g_assert_no_error (error);
  id = g_strdup (tandem_draft_get_id (first->draft));

  second = tandem_window_new (app);
  gtk_window_present (GTK_WINDOW (second));
  g_assert_true (tandem_window_restore_draft (second, id, &error));
  g_assert_no_error (error);
  panel = second->history_panel;
  tandem_history_panel_refresh (panel);
  g_assert_cmpuint (tandem_history_panel_get_n_rows (panel), ==, 1);
  text = tandem_history_panel_get_row_text (panel, 0);
  g_assert_true (g_str_has_prefix (text, "You — 2 edits, "));

  tandem_history_panel_activate_row (panel, 0);
  g_assert_nonnull (tandem_history_panel_get_preview (panel));
  g_assert_true (grid_project (second) == tandem_history_panel_get_preview (panel));
  g_assert_cmpfloat (tandem_project_get_tempo (tandem_history_panel_get_preview (panel)), ==, 95);
  g_assert_false (gtk_widget_get_sensitive (GTK_WIDGET (second->grid_view)));
  tandem_history_panel_back_to_live (panel);
  g_assert_true (grid_project (second) == second->project);

  gtk_window_destroy (GTK_WINDOW (second));
  gtk_window_destroy (GTK_WINDOW (first));
}

typedef struct
{
  TandemWindow *window;
  guint         length;
} LogOnDisk;

static gboolean
log_on_disk_has (gpointer data)
{
  LogOnDisk *l = data;
  g_autoptr(TandemProject) scratch = tandem_project_new_demo ();
  g_autoptr(TandemHistory) read = tandem_history_new (scratch);

  return tandem_draft_read_history (l->window->draft, read, NULL)
         && tandem_history_get_log_length (read) == l->length;
}

/* A damaged history beside a draft costs only the history: the project
 * comes back, the panel is empty, and the next autosave writes a good log
 * over the bad one. */
static void
test_panel_damaged_log (void)
{
  g_autoptr(TandemApplication) app = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(TandemOp) tempo = tandem_op_new_set_double (TANDEM_ENTITY_PROJECT, NULL, "tempo", 90);
  g_autoptr(TandemOp) tempo2 = tandem_op_new_set_double (TANDEM_ENTITY_PROJECT, NULL, "tempo", 97);
  g_autofree char *id = NULL, *path = NULL, *name = NULL;
  TandemWindow *first, *second;
  LogOnDisk log;

  if (g_getenv ("DISPLAY") == NULL)
    {
      g_test_skip ("no display");
      return;
    }
  app = tandem_test_start_app ();
  first = tandem_window_new (app);
  gtk_window_present (GTK_WINDOW (first));
  g_assert_true (tandem_history_apply (first->history, tempo, &error));
  g_assert_true (tandem_draft_write (first->draft, first->project, NULL, &error));
  g_assert_no_error (error);
  id = g_strdup (tandem_draft_get_id (first->draft));
  name = g_strconcat (id, ".history", NULL);
  path = g_build_filename (g_get_user_data_dir (), "tandem", "drafts", name, NULL);
  g_assert_true (g_file_set_contents (path, "{\"format\": \"tandem-history\", \"ops\": [[[[", -1, &error));

  second = tandem_window_new (app);
  gtk_window_present (GTK_WINDOW (second));
  g_assert_true (tandem_window_restore_draft (second, id, &error));
  g_assert_no_error (error);
  g_assert_cmpfloat (tandem_project_get_tempo (second->project), ==, 90);
  tandem_history_panel_refresh (second->history_panel);
  g_assert_cmpuint (tandem_history_panel_get_n_rows (second->history_panel), ==, 0);

  g_assert_true (tandem_history_apply (second->history, tempo2, &error));
  g_assert_no_error (error);
  log = (LogOnDisk) { second, 1 };
  g_assert_true (iterate_until (log_on_disk_has, &log));

  gtk_window_destroy (GTK_WINDOW (second));
  gtk_window_destroy (GTK_WINDOW (first));
}

int
main (int   argc,
      char *argv[])
{
  tandem_test_use_fresh_data_home ();
  g_test_init (&argc, &argv, NULL);
  tandem_test_init_gtk ();
  g_timeout_add (50, wake_up, NULL);
  g_test_add_func ("/ui/history/panel-preview-restore", test_panel_preview_restore);
  g_test_add_func ("/ui/history/panel-offline-draft", test_panel_offline_draft);
  g_test_add_func ("/ui/history/panel-damaged-log", test_panel_damaged_log);
  return g_test_run ();
}
