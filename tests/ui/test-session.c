/* test-session.c — two app processes play together: one hosts, one joins
 *
 * The test hosts a session from a real window, then starts a second process
 * of itself in joiner mode (`test-session --joiner LINK`), which opens its own
 * window and joins through the invite link. Each side toggles a grid cell
 * through the grid's own action and waits to see the other's edit.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>
#include <stdlib.h>
#include <string.h>

#include "ui-test-utils.h"
#include "tandem-application.h"
#include "tandem-invite.h"
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

static TandemApplication *
start_app (void)
{
  TandemApplication *app = tandem_application_new ();

  g_application_set_flags (G_APPLICATION (app),
                           G_APPLICATION_HANDLES_OPEN | G_APPLICATION_NON_UNIQUE);
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, NULL));
  return app;
}

static TandemWindow *
open_window (TandemApplication *app)
{
  g_application_activate (G_APPLICATION (app));
  return TANDEM_WINDOW (gtk_application_get_active_window (GTK_APPLICATION (app)));
}

static TandemTrack *
track_at (TandemWindow *window,
          guint         index)
{
  GListModel *tracks = tandem_project_get_tracks (tandem_window_get_project (window));
  g_autoptr(TandemTrack) track = g_list_model_get_item (tracks, index);

  return track;
}

typedef struct
{
  TandemWindow *window;
  guint         track;
  guint         step;
} CellRef;

static guint8
cell_velocity (CellRef *ref)
{
  TandemProject *project = tandem_window_get_project (ref->window);
  TandemPattern *pattern =
    tandem_project_find_pattern (project, tandem_project_get_current_pattern (project));

  return tandem_pattern_get_cell (pattern, tandem_track_get_id (track_at (ref->window, ref->track)),
                                  ref->step)->velocity;
}

static gboolean
cell_is_on (gpointer data)
{
  return cell_velocity (data) > 0;
}

static void
toggle_cell (CellRef *ref)
{
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (ref->window->grid_view),
                                             "grid.toggle-cell", "(si)",
                                             tandem_track_get_id (track_at (ref->window,
                                                                            ref->track)),
                                             (int) ref->step));
}

static gboolean
is_live (gpointer data)
{
  TandemSyncClient *client = tandem_window_get_sync_client (TANDEM_WINDOW (data));

  return client != NULL && tandem_sync_client_get_state (client) == TANDEM_SYNC_STATE_LIVE;
}

static gboolean
has_peer (gpointer data)
{
  TandemSyncClient *client = tandem_window_get_sync_client (TANDEM_WINDOW (data));

  return client != NULL &&
         g_list_model_get_n_items (tandem_sync_client_get_participants (client)) >= 1;
}

static gboolean
nothing_pending (gpointer data)
{
  TandemSyncClient *client = tandem_window_get_sync_client (TANDEM_WINDOW (data));

  return tandem_sync_client_get_n_pending (client) == 0;
}

/* The second process: join, wait for the host's edit, answer with one. */
static int
run_joiner (const char *link)
{
  g_autoptr(TandemApplication) app = NULL;
  g_autoptr(GError) error = NULL;
  TandemWindow *window;
  CellRef host_cell, own_cell;

  gtk_init ();
  g_timeout_add (50, wake_up, NULL);
  app = start_app ();
  window = open_window (app);

  if (!tandem_window_join_session (window, link, &error))
    {
      g_printerr ("joiner: %s\n", error->message);
      return 2;
    }
  if (!iterate_until (is_live, window))
    {
      g_printerr ("joiner: never got live\n");
      return 3;
    }

  host_cell = (CellRef) { window, 0, 1 };
  if (!iterate_until (cell_is_on, &host_cell))
    {
      g_printerr ("joiner: the host's edit never arrived\n");
      return 4;
    }

  own_cell = (CellRef) { window, 1, 1 };
  toggle_cell (&own_cell);
  if (!iterate_until (nothing_pending, window))
    {
      g_printerr ("joiner: own edit never acknowledged\n");
      return 5;
    }

  gtk_window_destroy (GTK_WINDOW (window));
  return 0;
}

static void
on_child_exit (GPid     pid,
               int      status,
               gpointer user_data)
{
  int *exit_status = user_data;

  *exit_status = status;
  g_spawn_close_pid (pid);
}

static gboolean
child_exited (gpointer data)
{
  return *(int *) data != -1;
}

static void
test_two_processes_edit_together (gconstpointer data)
{
  const char *self_path = data;
  g_autoptr(TandemApplication) app = NULL;
  g_autoptr(TandemInvite) invite = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *link = NULL;
  TandemWindow *window;
  CellRef host_cell, joiner_cell;
  int child_status = -1;
  GPid pid;

  if (g_getenv ("DISPLAY") == NULL)
    {
      g_test_skip ("no display");
      return;
    }

  app = start_app ();
  window = open_window (app);

  /* The joiner's step-1 cells start off, so each side sees a real change. */
  host_cell = (CellRef) { window, 0, 1 };
  joiner_cell = (CellRef) { window, 1, 1 };
  g_assert_cmpuint (cell_velocity (&host_cell), ==, 0);
  g_assert_cmpuint (cell_velocity (&joiner_cell), ==, 0);

  g_assert_true (tandem_window_host_session (window, 0, &error));
  g_assert_no_error (error);
  g_assert_true (iterate_until (is_live, window));

  /* Invite links name this machine; the test reaches it over loopback. */
  invite = tandem_invite_parse (tandem_window_get_invite_link (window), &error);
  g_assert_no_error (error);
  g_free (invite->host);
  invite->host = g_strdup ("127.0.0.1");
  link = tandem_invite_to_link (invite);

  {
    const char *argv[] = { self_path, "--joiner", link, NULL };

    g_assert_true (g_spawn_async (NULL, (char **) argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD,
                                  NULL, NULL, &pid, &error));
    g_assert_no_error (error);
    g_child_watch_add (pid, on_child_exit, &child_status);
  }

  g_assert_true (iterate_until (has_peer, window));

  /* The window says it hosts two people and lists them. */
  g_assert_nonnull (strstr (gtk_label_get_label (window->status_label), "Hosting · 2 people"));
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (window->participants_button)));
  g_assert_nonnull (tandem_participants_popover_get_row (window->participants_popover, 0));
  g_assert_null (tandem_participants_popover_get_row (window->participants_popover, 1));

  toggle_cell (&host_cell);
  g_assert_true (iterate_until (cell_is_on, &joiner_cell));

  g_assert_true (iterate_until (child_exited, &child_status));
  g_assert_true (g_spawn_check_wait_status (child_status, NULL));

  gtk_window_destroy (GTK_WINDOW (window));
}

static gboolean
label_contains (GtkWidget     *widget,
                gconstpointer  data)
{
  return GTK_IS_LABEL (widget) &&
         strstr (gtk_label_get_label (GTK_LABEL (widget)), data) != NULL;
}

typedef struct
{
  TandemWindow *window;
  const char   *text;
} ToastRef;

/* A toast shows @text in the window (toasts are labels in the overlay). */
static gboolean
shows_toast (gpointer data)
{
  ToastRef *ref = data;

  return tandem_test_find_widget_matching (GTK_WIDGET (ref->window->toast_overlay),
                                           label_contains, ref->text) != NULL;
}

static gboolean
left_session (gpointer data)
{
  return tandem_window_get_sync_client (TANDEM_WINDOW (data)) == NULL;
}

static gboolean
is_reconnecting (gpointer data)
{
  TandemSyncClient *client = tandem_window_get_sync_client (TANDEM_WINDOW (data));

  return client != NULL &&
         tandem_sync_client_get_state (client) == TANDEM_SYNC_STATE_RECONNECTING;
}

/* Joining with a wrong token, or a host nobody answers at, says so in the
 * window, in words, and leaves the joiner's own project alone. */
static void
test_join_errors (void)
{
  g_autoptr(TandemApplication) app = NULL;
  g_autoptr(TandemInvite) invite = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GSocket) socket = NULL;
  g_autoptr(GSocketAddress) address = NULL;
  g_autoptr(GInetAddress) loopback = NULL;
  g_autofree char *bad_token = NULL;
  g_autofree char *nobody = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  TandemWindow *host, *joiner;
  ToastRef toast;

  if (g_getenv ("DISPLAY") == NULL)
    {
      g_test_skip ("no display");
      return;
    }

  app = start_app ();
  host = open_window (app);
  g_assert_true (tandem_window_host_session (host, 0, &error));
  g_assert_no_error (error);
  g_assert_true (iterate_until (is_live, host));

  joiner = tandem_window_new (app);
  gtk_window_present (GTK_WINDOW (joiner));
  before = tandem_project_to_string (tandem_window_get_project (joiner));

  /* The right session on the right host, with somebody else's token. */
  invite = tandem_invite_parse (tandem_window_get_invite_link (host), &error);
  g_assert_no_error (error);
  g_free (invite->host);
  invite->host = g_strdup ("127.0.0.1");
  g_free (invite->token);
  invite->token = g_strdup ("not-the-token-of-this-session");
  bad_token = tandem_invite_to_link (invite);

  g_assert_true (tandem_window_join_session (joiner, bad_token, &error));
  g_assert_no_error (error);
  toast = (ToastRef) { joiner, "not valid for this session" };
  g_assert_true (iterate_until (shows_toast, &toast));
  g_assert_true (iterate_until (left_session, joiner));
  after = tandem_project_to_string (tandem_window_get_project (joiner));
  g_assert_cmpstr (after, ==, before);
  g_assert_null (strstr (gtk_label_get_label (joiner->status_label), "Connect"));

  /* A port on this machine that nobody listens on: bound, never listening. */
  socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP,
                         &error);
  g_assert_no_error (error);
  loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  address = g_inet_socket_address_new (loopback, 0);
  g_assert_true (g_socket_bind (socket, address, FALSE, &error));
  g_assert_no_error (error);
  g_clear_object (&address);
  address = g_socket_get_local_address (socket, &error);
  g_assert_no_error (error);
  invite->port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (address));
  nobody = tandem_invite_to_link (invite);

  g_assert_true (tandem_window_join_session (joiner, nobody, &error));
  g_assert_no_error (error);
  toast = (ToastRef) { joiner, "Cannot reach 127.0.0.1:" };
  g_assert_true (iterate_until (shows_toast, &toast));
  g_assert_true (is_reconnecting (joiner));
  g_assert_nonnull (strstr (gtk_label_get_label (joiner->status_label), "Reconnecting"));

  gtk_window_destroy (GTK_WINDOW (joiner));
  gtk_window_destroy (GTK_WINDOW (host));
}

static gboolean
gone_banner_shown (gpointer data)
{
  return gtk_revealer_get_reveal_child (TANDEM_WINDOW (data)->host_gone_bar);
}

/* A guest whose host goes away is told so in words after a bounded time
 * (one second here), while it keeps trying. */
static void
test_host_gone_banner (void)
{
  g_autoptr(TandemApplication) app = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *link = NULL;
  TandemWindow *host, *joiner;

  if (g_getenv ("DISPLAY") == NULL)
    {
      g_test_skip ("no display");
      return;
    }
  g_setenv ("TANDEM_HOST_GONE_TIMEOUT_MS", "1000", TRUE);

  app = start_app ();
  host = open_window (app);
  g_assert_true (tandem_window_host_session (host, 0, &error));
  g_assert_no_error (error);
  g_assert_true (iterate_until (is_live, host));
  link = g_strdup (tandem_window_get_invite_link (host));

  joiner = tandem_window_new (app);
  gtk_window_present (GTK_WINDOW (joiner));
  g_assert_true (tandem_window_join_session (joiner, link, &error));
  g_assert_no_error (error);
  g_assert_true (iterate_until (is_live, joiner));
  g_assert_false (gone_banner_shown (joiner));

  gtk_window_destroy (GTK_WINDOW (host));
  g_assert_true (iterate_until (is_reconnecting, joiner));
  g_assert_true (iterate_until (gone_banner_shown, joiner));
  g_assert_true (is_reconnecting (joiner));

  gtk_window_destroy (GTK_WINDOW (joiner));
  g_unsetenv ("TANDEM_HOST_GONE_TIMEOUT_MS");
}

int
main (int    argc,
      char **argv)
{
  g_autofree char *self_path = NULL;

  if (argc == 3 && g_str_equal (argv[1], "--joiner"))
    return run_joiner (argv[2]);

  tandem_test_use_fresh_data_home ();
  g_test_init (&argc, &argv, NULL);
  g_timeout_add (50, wake_up, NULL);

  self_path = g_file_read_link ("/proc/self/exe", NULL);
  g_test_add_data_func ("/ui/session/two-processes-edit-together",
                        self_path != NULL ? self_path : argv[0],
                        test_two_processes_edit_together);
  g_test_add_func ("/ui/session/join-errors", test_join_errors);
  g_test_add_func ("/ui/session/host-gone-banner", test_host_gone_banner);

  return g_test_run ();
}
