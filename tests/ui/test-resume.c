/* test-resume.c — hosting and joining that survive a crash, with real app processes
 *
 * - A process of this test hosts from a real window (`--host PORT`) and is
 *   killed with SIGKILL mid-jam; the guest window here keeps editing, says
 *   the host is gone, and the real `tandem --resume-hosting` brings the
 *   session back on the same port and link: everything converges.
 * - The port taken by another program: --resume-hosting says so and fails.
 * - At start-up the app offers to resume, and Resume serves the same session.
 * - A guest process killed offline (`--guest LINK`) comes back (`--rejoin`)
 *   with its draft showing what it last had, and rejoining sends its edits.
 * - Joined sessions fill Recent Sessions: newest first, once each, at most 10.
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
#include <unistd.h>

#include "sync-test-utils.h"
#include "tandem-application.h"
#include "tandem-invite.h"
#include "tandem-sync-client-resume.h"
#include "tandem-window-private.h"
#include "ui-test-utils.h"

#define WAIT_SECONDS 30
/* The real app takes a while to start under Xvfb; the bar must not. */
#define HOST_GONE_MS "400"

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

static guint16
free_port (void)
{
  g_autoptr(GSocket) sock = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, 0, NULL);
  g_autoptr(GInetAddress) lo = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) any = g_inet_socket_address_new (lo, 0);
  g_autoptr(GSocketAddress) bound = NULL;

  g_assert_true (g_socket_bind (sock, any, TRUE, NULL));
  bound = g_socket_get_local_address (sock, NULL);
  return g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
}

static TandemWindow *
open_window (TandemApplication *app)
{
  g_application_activate (G_APPLICATION (app));
  return TANDEM_WINDOW (gtk_application_get_active_window (GTK_APPLICATION (app)));
}

static guint8
cell_velocity (TandemProject *project,
               guint          track,
               guint          step)
{
  TandemPattern *pattern =
    tandem_project_find_pattern (project, tandem_project_get_current_pattern (project));

  return tandem_pattern_get_cell (pattern, tandem_track_get_id (tandem_test_track_at (project, track)),
                                  step)->velocity;
}

/* Through the grid's own action, as a click on a cell. */
static void
toggle_cell (TandemWindow *window,
             guint         track,
             guint         step)
{
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window->grid_view), "grid.toggle-cell",
                                             "(si)",
                                             tandem_track_get_id (tandem_test_track_at (window->project,
                                                                            track)),
                                             (int) step));
}

static gboolean
is_live (gpointer data)
{
  TandemSyncClient *client = tandem_window_get_sync_client (TANDEM_WINDOW (data));

  return client != NULL && tandem_sync_client_get_state (client) == TANDEM_SYNC_STATE_LIVE;
}

static gboolean
is_settled (gpointer data)
{
  TandemSyncClient *client = tandem_window_get_sync_client (TANDEM_WINDOW (data));

  return is_live (data) && tandem_sync_client_get_n_pending (client) == 0;
}

static gboolean
is_reconnecting (gpointer data)
{
  TandemSyncClient *client = tandem_window_get_sync_client (TANDEM_WINDOW (data));

  return client != NULL &&
         tandem_sync_client_get_state (client) == TANDEM_SYNC_STATE_RECONNECTING;
}

/* Invite links name this machine; tests reach it over loopback. */
static char *
loopback_link (const char *link)
{
  g_autoptr(TandemInvite) invite = tandem_invite_parse (link, NULL);

  g_assert_nonnull (invite);
  g_free (invite->host);
  invite->host = g_strdup ("127.0.0.1");
  return tandem_invite_to_link (invite);
}

/* Child processes */

/* `--host PORT`: host from a window, make an edit, print the link, play on
 * until killed. */
static int
run_host (guint16 port)
{
  g_autoptr(TandemApplication) app = NULL;
  g_autoptr(GError) error = NULL;
  TandemWindow *window;

  gtk_init ();
  g_timeout_add (50, wake_up, NULL);
  app = tandem_test_start_app ();
  window = open_window (app);
  if (!tandem_window_host_session (window, port, &error))
    {
      g_print ("ERROR %s\n", error->message);
      return 2;
    }
  toggle_cell (window, 3, 0);
  if (!iterate_until (is_settled, window))
    return 3;
  g_print ("LINK %s\n", tandem_window_get_invite_link (window));
  fflush (stdout);
  while (TRUE)
    g_main_context_iteration (NULL, TRUE);
  return 0;
}

static gboolean
record_has_two_pending (gpointer data)
{
  TandemWindow *window = data;
  g_autoptr(JsonNode) record = tandem_draft_read_session (window->draft, NULL);
  JsonObject *state;

  if (record == NULL || !JSON_NODE_HOLDS_OBJECT (record))
    return FALSE;
  state = json_object_get_object_member (json_node_get_object (record), "state");
  return state != NULL
         && json_array_get_length (json_object_get_array_member (state, "pending")) == 2;
}

/* `--guest LINK`: join, make an edit the host confirms, then two more once
 * the host is gone; say when they are on disk, and wait to be killed. */
static int
run_guest (const char *link)
{
  g_autoptr(TandemApplication) app = NULL;
  g_autoptr(GError) error = NULL;
  TandemWindow *window;

  gtk_init ();
  g_timeout_add (50, wake_up, NULL);
  app = tandem_test_start_app ();
  window = open_window (app);
  if (!tandem_window_join_session (window, link, &error))
    return 2;
  tandem_sync_client_set_backoff (window->client, 50, 300);
  if (!iterate_until (is_live, window))
    return 3;
  toggle_cell (window, 3, 1);
  if (!iterate_until (is_settled, window))
    return 4;
  g_print ("LIVE\n");
  fflush (stdout);
  if (!iterate_until (is_reconnecting, window))
    return 5;
  toggle_cell (window, 3, 2);
  toggle_cell (window, 3, 3);
  if (!iterate_until (record_has_two_pending, window))
    return 6;
  g_print ("SAVED\n");
  fflush (stdout);
  while (TRUE)
    g_main_context_iteration (NULL, TRUE);
  return 0;
}

static gboolean
rejoin_offered (gpointer data)
{
  TandemWindow *window = data;

  return window->rejoin_bar != NULL && gtk_revealer_get_reveal_child (window->rejoin_bar);
}

/* `--rejoin`: start as after the crash; the draft must show the live state
 * and offer to rejoin; rejoin and wait for the edits to be confirmed. */
static int
run_rejoin (void)
{
  g_autoptr(TandemApplication) app = NULL;
  TandemWindow *window;

  gtk_init ();
  g_timeout_add (50, wake_up, NULL);
  app = tandem_test_start_app ();
  window = open_window (app);
  if (!rejoin_offered (window))
    return 2;
  if (strstr (gtk_label_get_label (window->rejoin_label), "New Beat") == NULL)
    return 3;
  /* The draft is the state it last had: the confirmed edit and the two
   * unconfirmed ones. */
  for (guint step = 1; step <= 3; step++)
    if (cell_velocity (window->project, 3, step) == 0)
      return 10 + step;
  if (!gtk_widget_activate_action (GTK_WIDGET (window), "win.rejoin-session", NULL))
    return 4;
  if (window->client == NULL)
    return 5;
  tandem_sync_client_set_backoff (window->client, 50, 300);
  if (!iterate_until (is_settled, window))
    return 6;
  if (rejoin_offered (window))
    return 7;
  g_print ("DONE\n");
  gtk_window_destroy (GTK_WINDOW (window));
  return 0;
}

/* Spawning */

static void
die_with_parent (gpointer data)
{
  prctl (PR_SET_PDEATHSIG, SIGKILL);
}

typedef struct
{
  GSubprocess      *proc;
  GDataInputStream *out;
} Child;

static void
child_spawn (Child       *c,
             const char  *data_home,
             const char **argv)
{
  g_autoptr(GSubprocessLauncher) launcher =
    g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_autoptr(GError) error = NULL;

  g_subprocess_launcher_setenv (launcher, "XDG_DATA_HOME", data_home, TRUE);
  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  c->proc = g_subprocess_launcher_spawnv (launcher, argv, &error);
  g_assert_no_error (error);
  c->out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (c->proc));
}

typedef struct
{
  char    *line;
  GError  *error;
  gboolean done;
} LineRead;

static void
on_line (GObject      *source,
         GAsyncResult *result,
         gpointer      data)
{
  LineRead *read = data;

  read->line = g_data_input_stream_read_line_finish (G_DATA_INPUT_STREAM (source), result, NULL,
                                                     &read->error);
  read->done = TRUE;
}

static gboolean
line_read (gpointer data)
{
  return ((LineRead *) data)->done;
}

/* The next line the child prints that starts with @prefix (the rest of
 * it). The main loop runs meanwhile: the child may need a server of ours. */
static char *
child_expect (Child      *c,
              const char *prefix)
{
  while (TRUE)
    {
      LineRead read = { NULL, NULL, FALSE };
      g_autofree char *line = NULL;

      g_data_input_stream_read_line_async (c->out, G_PRIORITY_DEFAULT, NULL, on_line, &read);
      g_assert_true (iterate_until (line_read, &read));
      g_assert_no_error (read.error);
      line = read.line;
      if (line == NULL)
        g_error ("child ended before printing %s", prefix);
      if (g_str_has_prefix (line, "ERROR "))
        g_error ("child: %s", line);
      if (g_str_has_prefix (line, prefix))
        return g_strdup (line + strlen (prefix));
    }
}

static void
child_kill (Child *c)
{
  if (c->proc == NULL)
    return;
  g_subprocess_send_signal (c->proc, SIGKILL);
  g_subprocess_wait (c->proc, NULL, NULL);
  g_clear_object (&c->proc);
  g_clear_object (&c->out);
}

static char *
tandem_path (void)
{
  const char *build = g_getenv ("TANDEM_BUILD_DIR");

  return build != NULL ? g_build_filename (build, "src", "tandem", NULL) : NULL;
}

static char *
make_dir (const char *parent,
          const char *name)
{
  char *dir = g_build_filename (parent, name, NULL);

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  return dir;
}

/* Kill -9 mid-jam, resume with the real app */

static gboolean
host_gone_shown (gpointer data)
{
  TandemWindow *window = data;

  return gtk_revealer_get_reveal_child (window->host_gone_bar);
}

static gboolean
host_gone_hidden (gpointer data)
{
  return !host_gone_shown (data);
}

static gboolean
label_contains (GtkWidget     *widget,
                gconstpointer  data)
{
  return GTK_IS_LABEL (widget) && strstr (gtk_label_get_label (GTK_LABEL (widget)), data);
}

static gboolean
observer_settled (gpointer data)
{
  TandemSyncClient **clients = data;

  return tandem_sync_client_get_state (clients[0]) == TANDEM_SYNC_STATE_LIVE
         && tandem_sync_client_get_n_pending (clients[1]) == 0
         && tandem_sync_client_get_seq (clients[0]) == tandem_sync_client_get_seq (clients[1]);
}

static void
test_kill_host_then_resume (void)
{
  g_autofree char *tandem = tandem_path ();
  g_autofree char *root = g_dir_make_tmp ("tandem-resume-XXXXXX", NULL);
  g_autofree char *host_home = make_dir (root, "host");
  g_autofree char *port_arg = g_strdup_printf ("%u", free_port ());
  g_autoptr(TandemApplication) app = NULL;
  g_autoptr(TandemProject) observer_project = NULL;
  g_autoptr(TandemSyncClient) observer = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *link = NULL;
  g_autofree char *local = NULL;
  g_autofree char *guest_json = NULL;
  g_autofree char *observer_json = NULL;
  Child host = { NULL, }, resumed = { NULL, };
  TandemSyncClient *pair[2];
  TandemWindow *guest;

  if (g_getenv ("DISPLAY") == NULL || tandem == NULL)
    {
      g_test_skip ("needs a display and the built tandem (meson test)");
      return;
    }

  {
    const char *argv[] = { self_path, "--host", port_arg, NULL };

    child_spawn (&host, host_home, argv);
  }
  link = child_expect (&host, "LINK ");
  local = loopback_link (link);

  app = tandem_test_start_app ();
  guest = open_window (app);
  g_assert_true (tandem_window_join_session (guest, local, &error));
  g_assert_no_error (error);
  tandem_sync_client_set_backoff (guest->client, 50, 300);
  g_assert_true (iterate_until (is_live, guest));
  g_assert_cmpuint (cell_velocity (guest->project, 3, 0), >, 0);

  for (guint step = 1; step <= 4; step++)
    toggle_cell (guest, 3, step);
  g_assert_true (iterate_until (is_settled, guest));

  /* Mid-jam: two more edits, and the hosting process dies with them. */
  toggle_cell (guest, 3, 5);
  toggle_cell (guest, 3, 6);
  child_kill (&host);
  g_assert_true (iterate_until (is_reconnecting, guest));

  /* Offline: the guest plays on, and is told plainly where things stand. */
  toggle_cell (guest, 3, 7);
  toggle_cell (guest, 3, 8);
  g_assert_true (iterate_until (host_gone_shown, guest));
  g_assert_nonnull (tandem_test_find_widget_matching (GTK_WIDGET (guest->host_gone_bar),
                                                      label_contains,
                                                      "The host is not reachable"));
  g_assert_true (is_reconnecting (guest));

  /* The real app, as after the crash. */
  {
    const char *argv[] = { tandem, "--resume-hosting", NULL };

    child_spawn (&resumed, host_home, argv);
  }
  g_assert_true (iterate_until (is_settled, guest));
  g_assert_true (iterate_until (host_gone_hidden, guest));

  /* Everyone who joins the same link sees what the guest sees. */
  observer_project = tandem_project_new ();
  observer = tandem_sync_client_new (observer_project, NULL);
  g_assert_true (tandem_sync_client_connect (observer, local, NULL));
  pair[0] = observer;
  pair[1] = guest->client;
  g_assert_true (iterate_until (observer_settled, pair));
  observer_json = tandem_project_to_string (tandem_sync_client_get_project (observer));
  guest_json = tandem_project_to_string (guest->project);
  g_assert_cmpstr (guest_json, ==, observer_json);
  for (guint step = 0; step <= 8; step++)
    g_assert_cmpuint (cell_velocity (tandem_sync_client_get_project (observer), 3, step), >, 0);
  /* The host's edit and the guest's eight, each once. */
  g_assert_cmpuint (tandem_sync_client_get_seq (observer), ==, 9);

  tandem_sync_client_disconnect (observer);
  /* As closing it on purpose would: no draft for the next test to find. */
  tandem_draft_discard (guest->draft);
  gtk_window_destroy (GTK_WINDOW (guest));
  child_kill (&resumed);
  sync_test_rm_rf (root);
}

/* Port taken */

static void
test_resume_refuses_taken_port (void)
{
  g_autofree char *tandem = tandem_path ();
  g_autofree char *root = g_dir_make_tmp ("tandem-resume-XXXXXX", NULL);
  g_autofree char *host_home = make_dir (root, "host");
  guint16 port = free_port ();
  g_autofree char *port_arg = g_strdup_printf ("%u", port);
  g_autofree char *expected = g_strdup_printf ("Port %u is in use", port);
  g_autoptr(GSocket) squatter = NULL;
  g_autoptr(GInetAddress) any = g_inet_address_new_any (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) addr = NULL;
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *err = NULL;
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  Child host = { NULL, };

  if (g_getenv ("DISPLAY") == NULL || tandem == NULL)
    {
      g_test_skip ("needs a display and the built tandem (meson test)");
      return;
    }

  {
    const char *argv[] = { self_path, "--host", port_arg, NULL };

    child_spawn (&host, host_home, argv);
  }
  g_free (child_expect (&host, "LINK "));
  child_kill (&host);

  /* Another program takes the port before Tandem comes back. */
  squatter = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, 0, &error);
  addr = g_inet_socket_address_new (any, port);
  g_assert_true (g_socket_bind (squatter, addr, TRUE, &error));
  g_assert_true (g_socket_listen (squatter, &error));
  g_assert_no_error (error);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_subprocess_launcher_setenv (launcher, "XDG_DATA_HOME", host_home, TRUE);
  g_subprocess_launcher_setenv (launcher, "LANG", "C", TRUE);
  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  proc = g_subprocess_launcher_spawn (launcher, &error, tandem, "--resume-hosting", NULL);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_communicate_utf8 (proc, NULL, NULL, NULL, &err, &error));
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (proc));
  g_assert_cmpint (g_subprocess_get_exit_status (proc), ==, 1);
  g_assert_nonnull (strstr (err, expected));

  /* And with nothing to resume, scripts learn that too. */
  {
    g_autofree char *empty = make_dir (root, "empty");
    g_autoptr(GSubprocessLauncher) none = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDERR_PIPE);
    g_autoptr(GSubprocess) again = NULL;
    g_autofree char *again_err = NULL;

    g_subprocess_launcher_setenv (none, "XDG_DATA_HOME", empty, TRUE);
    g_subprocess_launcher_setenv (none, "LANG", "C", TRUE);
    g_subprocess_launcher_set_child_setup (none, die_with_parent, NULL, NULL);
    again = g_subprocess_launcher_spawn (none, &error, tandem, "--resume-hosting", NULL);
    g_assert_no_error (error);
    g_assert_true (g_subprocess_communicate_utf8 (again, NULL, NULL, NULL, &again_err, &error));
    g_assert_cmpint (g_subprocess_get_exit_status (again), ==, 1);
    g_assert_nonnull (strstr (again_err, "hosting no session"));
  }
  sync_test_rm_rf (root);
}

/* The offer at start-up */

static AdwMessageDialog *
find_dialog (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) window = g_list_model_get_item (toplevels, i);

      if (ADW_IS_MESSAGE_DIALOG (window) && gtk_widget_get_visible (GTK_WIDGET (window)))
        return ADW_MESSAGE_DIALOG (window);
    }
  return NULL;
}

static gboolean
has_dialog (gpointer data)
{
  return find_dialog () != NULL;
}

static gboolean
has_no_dialog (gpointer data)
{
  return find_dialog () == NULL;
}

static void
test_offer_to_resume (void)
{
  g_autoptr(TandemApplication) app = NULL;
  g_autoptr(TandemHostedSession) crashed = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *first_link = NULL;
  AdwMessageDialog *dialog;
  TandemWindow *window, *again;
  guint16 port;

  if (g_getenv ("DISPLAY") == NULL)
    {
      g_test_skip ("no display");
      return;
    }
  app = tandem_test_start_app ();
  window = open_window (app);
  g_assert_true (tandem_window_host_session (window, 0, &error));
  g_assert_no_error (error);
  g_assert_nonnull (window->hosted);
  port = window->hosted->port;
  first_link = g_strdup (tandem_window_get_invite_link (window));
  crashed = tandem_hosted_session_load (window->hosted->key, &error);
  g_assert_no_error (error);
  g_assert_true (crashed->open);
  g_assert_cmpstr (crashed->name, ==, "New Beat");

  /* Closing the window ends the session on purpose: no offer then. */
  gtk_window_destroy (GTK_WINDOW (window));
  {
    g_autoptr(TandemHostedSession) ended = tandem_hosted_session_load (crashed->key, NULL);

    g_assert_false (ended->open);
  }
  again = tandem_window_new (app);
  gtk_window_present (GTK_WINDOW (again));
  g_assert_true (tandem_window_recover_hosting (again, TRUE, NULL));
  g_assert_null (find_dialog ());

  /* What a crash leaves: the entry still open. Hosting anew on its port
   * would turn its guests away: refused, with the offer to resume. */
  g_assert_true (tandem_hosted_session_save (crashed, NULL));
  /* The crashed app's lock went with it. */
  close (crashed->lock_fd);
  crashed->lock_fd = -1;
  g_assert_false (tandem_window_host_session (again, port, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_EXISTS);
  g_clear_error (&error);
  g_assert_null (again->host);
  g_assert_true (iterate_until (has_dialog, NULL));
  dialog = find_dialog ();
  adw_message_dialog_response (dialog, "later");
  /* A click closes the dialog after its response; this is no click. */
  gtk_window_destroy (GTK_WINDOW (dialog));
  g_assert_true (iterate_until (has_no_dialog, NULL));

  /* At start-up, the same offer. */
  g_assert_true (tandem_window_recover_hosting (again, TRUE, NULL));
  g_assert_true (iterate_until (has_dialog, NULL));
  dialog = find_dialog ();
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, "Resume Hosting “New Beat”?");
  adw_message_dialog_response (dialog, "resume");
  gtk_window_destroy (GTK_WINDOW (dialog));

  g_assert_nonnull (again->host);
  g_assert_cmpstr (tandem_session_host_get_session_id (again->host), ==, crashed->session_id);
  g_assert_cmpuint (tandem_session_host_get_port (again->host), ==, port);
  g_assert_cmpstr (tandem_window_get_invite_link (again), ==, first_link);
  g_assert_true (iterate_until (is_live, again));
  gtk_window_destroy (GTK_WINDOW (again));
}

/* A guest killed offline, back with its draft */

static gboolean
server_has_three_edits (gpointer data)
{
  SyncTestServer *ts = data;

  return tandem_session_server_get_seq (ts->server, ts->session_id) >= 3;
}

static void
test_guest_crash_rejoins (void)
{
  g_autofree char *root = g_dir_make_tmp ("tandem-resume-XXXXXX", NULL);
  g_autofree char *guest_home = make_dir (root, "guest");
  SyncTestServer *ts = NULL;
  g_autofree char *link = NULL;
  g_autofree char *project = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(TandemProject) server_project = NULL;
  Child guest = { NULL, }, back = { NULL, };

  if (g_getenv ("DISPLAY") == NULL)
    {
      g_test_skip ("no display");
      return;
    }
  ts = sync_test_server_new (NULL, TRUE);
  link = sync_test_server_invite (ts, TANDEM_ROLE_EDITOR);

  {
    const char *argv[] = { self_path, "--guest", link, NULL };

    child_spawn (&guest, guest_home, argv);
  }
  g_free (child_expect (&guest, "LIVE"));
  sync_test_server_shutdown (ts->server);
  g_free (child_expect (&guest, "SAVED"));
  child_kill (&guest);

  /* The host is back; so is the guest, as after its crash. */
  g_clear_object (&ts->server);
  ts->server = tandem_session_server_new (ts->data_dir, &error);
  g_assert_no_error (error);
  g_assert_true (tandem_session_server_listen (ts->server, "127.0.0.1", ts->port, &error));
  {
    const char *argv[] = { self_path, "--rejoin", NULL };

    child_spawn (&back, guest_home, argv);
  }
  g_assert_true (iterate_until (server_has_three_edits, ts));
  g_free (child_expect (&back, "DONE"));
  g_assert_true (g_subprocess_wait_check (back.proc, NULL, &error));
  g_assert_no_error (error);

  project = sync_test_server_project (ts);
  {
    g_autoptr(JsonNode) json = json_from_string (project, &error);

    g_assert_no_error (error);
    server_project = tandem_project_new_from_json (json, &error);
    g_assert_no_error (error);
  }
  for (guint step = 1; step <= 3; step++)
    g_assert_cmpuint (cell_velocity (server_project, 3, step), >, 0);
  /* Each once: the confirmed edit was not sent again. */
  g_assert_cmpuint (tandem_session_server_get_seq (ts->server, ts->session_id), ==, 3);

  g_clear_object (&back.proc);
  g_clear_object (&back.out);
  sync_test_server_free (ts);
  sync_test_rm_rf (root);
}

/* Recent Sessions */

static gboolean
is_live_in (gpointer data)
{
  return is_live (data);
}

static char *
recent_link (GSettings *settings,
             guint      index,
             char     **name)
{
  g_autoptr(GVariant) recent = g_settings_get_value (settings, "recent-sessions");
  const char *link, *label;

  if (index >= g_variant_n_children (recent))
    return NULL;
  g_variant_get_child (recent, index, "(&s&s)", &link, &label);
  if (name != NULL)
    *name = g_strdup (label);
  return g_strdup (link);
}

static void
test_recent_sessions (void)
{
  g_autoptr(TandemApplication) app = NULL;
  g_autoptr(GSettings) settings = NULL;
  g_autoptr(TandemSessionServer) server = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) links = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GVariant) recent = NULL;
  g_autofree char *first = NULL;
  g_autofree char *first_name = NULL;
  TandemWindow *window;
  guint16 port;

  if (g_getenv ("DISPLAY") == NULL)
    {
      g_test_skip ("no display");
      return;
    }
  app = tandem_test_start_app ();
  window = open_window (app);
  g_assert_false (window->modified);
  settings = g_settings_new (APP_ID);
  g_settings_reset (settings, "recent-sessions");

  server = tandem_session_server_new (NULL, &error);
  g_assert_no_error (error);
  g_assert_true (tandem_session_server_listen (server, "127.0.0.1", 0, &error));
  port = tandem_session_server_get_port (server);
  for (guint i = 0; i < 12; i++)
    {
      g_autoptr(TandemProject) project = tandem_project_new ();
      g_autoptr(JsonNode) json = NULL;
      g_autoptr(TandemInvite) invite = NULL;
      g_autofree char *id = NULL;
      g_autofree char *name = g_strdup_printf ("Beat_%u", i);
      char *tokens[TANDEM_N_ROLES] = { NULL, };

      {
        g_autoptr(TandemOp) rename = tandem_op_new_set_string (TANDEM_ENTITY_PROJECT, NULL,
                                                               "name", name);

        g_assert_true (tandem_project_apply (project, rename, NULL, NULL));
      }
      json = tandem_project_to_json (project);
      id = tandem_session_server_create_session (server, json, tokens, &error);
      g_assert_no_error (error);
      invite = tandem_invite_new ("127.0.0.1", port, id, tokens[TANDEM_ROLE_EDITOR]);
      g_ptr_array_add (links, tandem_invite_to_link (invite));
      for (guint r = 0; r < TANDEM_N_ROLES; r++)
        g_free (tokens[r]);
    }

  /* Each join goes first once live, under the session's name. */
  for (guint i = 0; i < links->len; i++)
    {
      g_autofree char *link = NULL;
      g_autofree char *name = NULL;
      g_autofree char *want = g_strdup_printf ("Beat_%u", i);

      g_assert_true (tandem_window_join_session (window, links->pdata[i], &error));
      g_assert_true (iterate_until (is_live_in, window));
      link = recent_link (settings, 0, &name);
      g_assert_cmpstr (link, ==, links->pdata[i]);
      g_assert_cmpstr (name, ==, want);
    }
  recent = g_settings_get_value (settings, "recent-sessions");
  g_assert_cmpuint (g_variant_n_children (recent), ==, 10);
  g_clear_pointer (&recent, g_variant_unref);

  /* Joining one again moves it first; it is listed once. */
  g_assert_true (tandem_window_join_session (window, links->pdata[5], &error));
  g_assert_true (iterate_until (is_live_in, window));
  recent = g_settings_get_value (settings, "recent-sessions");
  g_assert_cmpuint (g_variant_n_children (recent), ==, 10);
  first = recent_link (settings, 0, &first_name);
  g_assert_cmpstr (first, ==, links->pdata[5]);
  for (guint i = 1; i < 10; i++)
    {
      g_autofree char *link = recent_link (settings, i, NULL);

      g_assert_cmpstr (link, !=, links->pdata[5]);
    }

  /* The menu lists them, a name's underscore kept as one. */
  g_assert_cmpint (g_menu_model_get_n_items (G_MENU_MODEL (window->recent_sessions_menu)), ==, 10);
  {
    g_autofree char *label = NULL;
    g_autoptr(GVariant) target = NULL;

    g_menu_model_get_item_attribute (G_MENU_MODEL (window->recent_sessions_menu), 0, "label",
                                     "s", &label);
    g_assert_cmpstr (label, ==, "Beat__5");
    target = g_menu_model_get_item_attribute_value (G_MENU_MODEL (window->recent_sessions_menu),
                                                    0, "target", G_VARIANT_TYPE_STRING);
    g_assert_cmpstr (g_variant_get_string (target, NULL), ==, links->pdata[5]);
  }

  /* And rejoining from it joins. */
  tandem_window_join_session (window, links->pdata[0], NULL);
  g_assert_true (iterate_until (is_live_in, window));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.rejoin-recent", "s",
                                             links->pdata[11]));
  g_assert_true (iterate_until (is_live_in, window));
  g_assert_cmpstr (tandem_window_get_invite_link (window), ==, links->pdata[11]);

  gtk_window_destroy (GTK_WINDOW (window));
  sync_test_server_shutdown (server);
}

int
main (int    argc,
      char **argv)
{
  g_autofree char *exe = NULL;

  if (argc == 3 && g_str_equal (argv[1], "--host"))
    return run_host ((guint16) atoi (argv[2]));
  if (argc == 3 && g_str_equal (argv[1], "--guest"))
    return run_guest (argv[2]);
  if (argc == 2 && g_str_equal (argv[1], "--rejoin"))
    return run_rejoin ();

  tandem_test_use_fresh_data_home ();
  /* Children inherit it: the bar comes quickly in every process. */
  g_setenv ("TANDEM_HOST_GONE_TIMEOUT_MS", HOST_GONE_MS, TRUE);
  g_test_init (&argc, &argv, NULL);
  g_timeout_add (50, wake_up, NULL);

  exe = g_file_read_link ("/proc/self/exe", NULL);
  self_path = exe != NULL ? exe : argv[0];
  g_test_add_func ("/ui/resume/kill-host-then-resume", test_kill_host_then_resume);
  g_test_add_func ("/ui/resume/refuses-taken-port", test_resume_refuses_taken_port);
  g_test_add_func ("/ui/resume/offer-to-resume", test_offer_to_resume);
  g_test_add_func ("/ui/resume/guest-crash-rejoins", test_guest_crash_rejoins);
  g_test_add_func ("/ui/resume/recent-sessions", test_recent_sessions);

  return g_test_run ();
}
