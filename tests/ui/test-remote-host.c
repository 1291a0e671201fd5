/* test-remote-host.c — host the window's project on a real tandem-server
 *
 * Starts the tandem-server binary on a free port in a temp dir (open
 * sessions, then admin-token mode), hosts the window's project, which has
 * a sample on a track, through the Host dialog, and has a second client
 * join with the invite link the Invite dialog shows: it gets the project
 * and downloads the sample, byte for byte.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <adwaita.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>

#include "ui-test-utils.h"
#include "tandem-host-dialog.h"
#include "tandem-invite-dialog.h"
#include "tandem-sample-transfers.h"
#include "tandem-window-private.h"

#define ADMIN "t0ken-for-the-test"

static char *tmp;

static char *
server_path (void)
{
  const char *build = g_getenv ("TANDEM_BUILD_DIR");

  return build != NULL ? g_build_filename (build, "src", "server", "tandem-server", NULL) : NULL;
}

/* A failing test must not leave a server behind. */
static void
die_with_parent (gpointer data)
{
  prctl (PR_SET_PDEATHSIG, SIGKILL);
}

/* The real binary on 127.0.0.1, port 0; the port comes from its stdout. */
static GSubprocess *
start_server (const char * const *extra,
              guint16            *port)
{
  g_autofree char *path = server_path ();
  g_autofree char *data_dir = g_build_filename (tmp, "server", NULL);
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GDataInputStream) out = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *line = NULL;
  GSubprocess *proc;
  guint64 value = 0;

  g_ptr_array_add (argv, path);
  g_ptr_array_add (argv, (char *) "--port");
  g_ptr_array_add (argv, (char *) "0");
  g_ptr_array_add (argv, (char *) "--bind");
  g_ptr_array_add (argv, (char *) "127.0.0.1");
  g_ptr_array_add (argv, (char *) "--data-dir");
  g_ptr_array_add (argv, data_dir);
  for (guint i = 0; extra[i] != NULL; i++)
    g_ptr_array_add (argv, (char *) extra[i]);
  g_ptr_array_add (argv, NULL);

  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  proc = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (proc));
  line = g_data_input_stream_read_line (out, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (line);
  g_assert_true (g_str_has_prefix (line, "tandem-server listening on port "));
  g_assert_true (g_ascii_string_to_unsigned (line + strlen ("tandem-server listening on port "),
                                             10, 1, 65535, &value, NULL));
  *port = value;
  return proc;
}

static void
stop_server (GSubprocess *proc)
{
  g_subprocess_send_signal (proc, SIGTERM);
  g_assert_true (g_subprocess_wait (proc, NULL, NULL));
  g_object_unref (proc);
}

static char *
make_wav (void)
{
  g_autofree char *path = g_build_filename (tmp, "clap.wav", NULL);
  g_autofree char *cmd = g_strdup_printf ("sox -n -r 48000 -c 1 -b 16 %s synth 0.4 pinknoise "
                                          "fade 0 0.4 0.3", path);
  g_autoptr(GError) error = NULL;
  int status = 0;

  g_assert_true (g_spawn_command_line_sync (cmd, NULL, NULL, &status, &error));
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  return g_steal_pointer (&path);
}

typedef struct
{
  TandemProject *project;
  char          *hash;
} SampleRef;

/* The project registers the sample (and only it). */
static gboolean
has_sample (gpointer data)
{
  SampleRef *ref = data;

  return g_list_model_get_n_items (tandem_project_get_samples (ref->project)) == 1
         && tandem_project_find_sample (ref->project, ref->hash) != NULL;
}

/* The first toplevel of @type, if one is up. */
static GtkWidget *
find_toplevel (GType type)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWidget) widget = g_list_model_get_item (toplevels, i);

      if (G_TYPE_CHECK_INSTANCE_TYPE (widget, type) && gtk_widget_get_visible (widget))
        return widget;
    }
  return NULL;
}

static gboolean
invite_dialog_is_up (gpointer data)
{
  GtkWidget *host = find_toplevel (TANDEM_TYPE_HOST_DIALOG);

  /* A failure would never show the links: say why at once. */
  if (host != NULL && tandem_host_dialog_get_error (TANDEM_HOST_DIALOG (host)) != NULL)
    g_error ("Hosting failed: %s", tandem_host_dialog_get_error (TANDEM_HOST_DIALOG (host)));
  return find_toplevel (TANDEM_TYPE_INVITE_DIALOG) != NULL;
}

static gboolean
dialog_shows_error (gpointer data)
{
  return tandem_host_dialog_get_error (data) != NULL;
}

static gboolean
is_host_button (GtkWidget     *widget,
                gconstpointer  data)
{
  return GTK_IS_BUTTON (widget) && gtk_button_get_label (GTK_BUTTON (widget)) != NULL &&
         tandem_test_label_is (gtk_button_get_label (GTK_BUTTON (widget)), "Host");
}

static TandemHostDialog *
open_host_dialog (TandemWindow *window)
{
  GtkWidget *dialog;

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.host", NULL));
  dialog = find_toplevel (TANDEM_TYPE_HOST_DIALOG);
  g_assert_nonnull (dialog);
  tandem_test_iterate_until (tandem_test_is_mapped, dialog);
  return TANDEM_HOST_DIALOG (dialog);
}

/* Fills in the server page and clicks Host, as the user would. */
static void
ask_to_host (TandemHostDialog *dialog,
             guint16           port,
             const char       *token)
{
  g_autofree char *address = g_strdup_printf ("http://127.0.0.1:%u", port);

  tandem_host_dialog_set_where (dialog, "server");
  tandem_host_dialog_set_server_address (dialog, address);
  tandem_host_dialog_set_admin_token (dialog, token);
  g_signal_emit_by_name (tandem_test_find_widget_matching (GTK_WIDGET (dialog), is_host_button,
                                                           NULL), "clicked");
}

static gboolean
is_live (gpointer data)
{
  return tandem_sync_client_get_state (data) == TANDEM_SYNC_STATE_LIVE;
}

typedef struct
{
  TandemSampleStore *store;
  const char        *hash;
} StoreRef;

static gboolean
store_has (gpointer data)
{
  StoreRef *ref = data;
  g_autofree char *path = tandem_sample_store_lookup (ref->store, ref->hash);

  return path != NULL;
}

typedef struct
{
  TandemProject *a;
  TandemProject *b;
} ProjectPair;

static gboolean
same_project (gpointer data)
{
  ProjectPair *pair = data;
  g_autofree char *a = tandem_project_to_string (pair->a);
  g_autofree char *b = tandem_project_to_string (pair->b);

  return g_strcmp0 (a, b) == 0;
}

/* A second client joins with @link and gets the project and the sample. */
static void
assert_joiner_gets_everything (TandemWindow *window,
                               const char   *link,
                               const char   *wav)
{
  static guint n_joiners;
  g_autofree char *store_name = g_strdup_printf ("joiner-store-%u", n_joiners++);
  g_autofree char *store_dir = g_build_filename (tmp, store_name, NULL);
  g_autoptr(TandemProject) project = tandem_project_new ();
  g_autoptr(TandemSyncClient) client = tandem_sync_client_new (project, NULL);
  g_autoptr(TandemSampleStore) store = tandem_sample_store_new (store_dir);
  g_autoptr(TandemSampleTransfers) transfers = tandem_sample_transfers_new (client, store);
  g_autoptr(TandemSampleInfo) info =
    g_list_model_get_item (tandem_project_get_samples (window->project), 0);
  g_autoptr(GError) error = NULL;
  g_autofree char *original = NULL;
  g_autofree char *downloaded = NULL;
  g_autofree char *path = NULL;
  gsize original_len, downloaded_len;
  StoreRef ref = { store, tandem_sample_info_get_id (info) };
  ProjectPair pair = { window->project, project };

  g_assert_true (tandem_sync_client_connect (client, link, &error));
  g_assert_no_error (error);
  tandem_test_iterate_until (is_live, client);
  g_assert_cmpstr (tandem_sync_client_get_role (client), ==, "editor");
  tandem_test_iterate_until (same_project, &pair);

  tandem_test_iterate_until (store_has, &ref);
  path = tandem_sample_store_lookup (store, ref.hash);
  g_assert_true (g_file_get_contents (wav, &original, &original_len, NULL));
  g_assert_true (g_file_get_contents (path, &downloaded, &downloaded_len, NULL));
  g_assert_cmpuint (downloaded_len, ==, original_len);
  g_assert_true (memcmp (downloaded, original, original_len) == 0);

  tandem_sync_client_disconnect (client);
}

typedef struct
{
  TandemApplication *app;
  TandemWindow      *window;
  char              *wav;
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GFile) file = NULL;
  g_autofree char *bytes = NULL;
  SampleRef ref;
  const char *track_id;
  gsize len;

  f->app = tandem_test_start_app ();
  g_application_activate (G_APPLICATION (f->app));
  f->window = TANDEM_WINDOW (gtk_application_get_active_window (GTK_APPLICATION (f->app)));
  tandem_test_iterate_until (tandem_test_is_mapped, f->window);

  /* The project's first track plays a sample, as after a drop. */
  f->wav = make_wav ();
  file = g_file_new_for_path (f->wav);
  track_id = tandem_track_get_id (tandem_test_track_at (f->window->project, 0));
  g_assert_true (g_file_get_contents (f->wav, &bytes, &len, NULL));
  ref.project = f->window->project;
  ref.hash = g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) bytes, len);
  g_assert_null (tandem_project_find_sample (ref.project, ref.hash));
  _tandem_window_import_sample (f->window, file, track_id);
  tandem_test_iterate_until (has_sample, &ref);
  g_free (ref.hash);
}

static void
close_toplevels (GType type)
{
  GtkWidget *widget;

  while ((widget = find_toplevel (type)) != NULL)
    gtk_window_destroy (GTK_WINDOW (widget));
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  close_toplevels (TANDEM_TYPE_INVITE_DIALOG);
  close_toplevels (TANDEM_TYPE_HOST_DIALOG);
  if (f->window != NULL)
    tandem_test_destroy_window (GTK_WIDGET (f->window));
  g_clear_object (&f->app);
  g_free (f->wav);
}

static const char *
editor_link_shown (void)
{
  GtkWidget *invite = find_toplevel (TANDEM_TYPE_INVITE_DIALOG);

  g_assert_nonnull (invite);
  return tandem_invite_dialog_get_editor_link (TANDEM_INVITE_DIALOG (invite));
}

/* Anyone may create a session; the second one within the hour is refused,
 * and the dialog says when to come back. */
static void
test_open_sessions (Fixture       *f,
                    gconstpointer  data)
{
  const char * const args[] = { "--open-sessions", "--open-sessions-per-hour", "1", NULL };
  GSubprocess *server;
  TandemHostDialog *dialog;
  guint16 port;

  if (!tandem_test_have_display () || server_path () == NULL)
    {
      g_test_skip ("needs a display and TANDEM_BUILD_DIR");
      return;
    }
  server = start_server (args, &port);

  dialog = open_host_dialog (f->window);
  ask_to_host (dialog, port, "");
  tandem_test_iterate_until (invite_dialog_is_up, NULL);
  g_assert_null (find_toplevel (TANDEM_TYPE_HOST_DIALOG));

  /* The window joined as the owner, and says it hosts. */
  g_assert_cmpstr (tandem_sync_client_get_role (f->window->client), ==, "owner");
  g_assert_nonnull (strstr (gtk_label_get_label (f->window->status_label), "Hosting"));
  g_assert_cmpstr (tandem_window_get_invite_link (f->window), ==, editor_link_shown ());
  g_assert_nonnull (tandem_invite_dialog_get_listener_link (
                      TANDEM_INVITE_DIALOG (find_toplevel (TANDEM_TYPE_INVITE_DIALOG))));

  assert_joiner_gets_everything (f->window, editor_link_shown (), f->wav);
  close_toplevels (TANDEM_TYPE_INVITE_DIALOG);

  /* Once an hour from here: the next try is refused with when to retry. */
  dialog = open_host_dialog (f->window);
  g_assert_cmpstr (tandem_host_dialog_get_where (dialog), ==, "server");
  ask_to_host (dialog, port, "");
  tandem_test_iterate_until (dialog_shows_error, dialog);
  g_test_message ("%s", tandem_host_dialog_get_error (dialog));
  g_assert_nonnull (strstr (tandem_host_dialog_get_error (dialog), "Try again in 60 minutes"));
  gtk_window_destroy (GTK_WINDOW (dialog));

  stop_server (server);
}

/* Without open sessions the admin token is needed, and a wrong one says so. */
static void
test_admin_token (Fixture       *f,
                  gconstpointer  data)
{
  const char * const args[] = { "--admin-token", ADMIN, NULL };
  GSubprocess *server;
  TandemHostDialog *dialog;
  guint16 port;

  if (!tandem_test_have_display () || server_path () == NULL)
    {
      g_test_skip ("needs a display and TANDEM_BUILD_DIR");
      return;
    }
  server = start_server (args, &port);

  dialog = open_host_dialog (f->window);
  ask_to_host (dialog, port, "");
  tandem_test_iterate_until (dialog_shows_error, dialog);
  g_assert_nonnull (strstr (tandem_host_dialog_get_error (dialog), "needs its admin token"));

  ask_to_host (dialog, port, "not-the-token");
  tandem_test_iterate_until (dialog_shows_error, dialog);
  g_assert_nonnull (strstr (tandem_host_dialog_get_error (dialog), "not the right one"));
  g_assert_null (f->window->client);

  ask_to_host (dialog, port, ADMIN);
  tandem_test_iterate_until (invite_dialog_is_up, NULL);
  g_assert_cmpstr (tandem_sync_client_get_role (f->window->client), ==, "owner");
  assert_joiner_gets_everything (f->window, editor_link_shown (), f->wav);

  stop_server (server);
}

/* A server that takes no sample this large: the session is made, the
 * upload refused, and the dialog says which sample and why. */
static void
test_sample_too_large (Fixture       *f,
                       gconstpointer  data)
{
  const char * const args[] = { "--open-sessions", "--max-sample-bytes", "1000", NULL };
  GSubprocess *server;
  TandemHostDialog *dialog;
  guint16 port;

  if (!tandem_test_have_display () || server_path () == NULL)
    {
      g_test_skip ("needs a display and TANDEM_BUILD_DIR");
      return;
    }
  server = start_server (args, &port);

  dialog = open_host_dialog (f->window);
  ask_to_host (dialog, port, "");
  tandem_test_iterate_until (dialog_shows_error, dialog);
  g_test_message ("%s", tandem_host_dialog_get_error (dialog));
  g_assert_nonnull (strstr (tandem_host_dialog_get_error (dialog), "did not upload"));
  g_assert_nonnull (strstr (tandem_host_dialog_get_error (dialog), "clap.wav"));
  g_assert_nonnull (f->window->client);
  gtk_window_destroy (GTK_WINDOW (dialog));

  stop_server (server);
}

/* Nobody listens there: the dialog says the server cannot be reached. */
static void
test_unreachable (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(GSocket) sock = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, 0, NULL);
  g_autoptr(GInetAddress) lo = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) any = g_inet_socket_address_new (lo, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  TandemHostDialog *dialog;

  if (!tandem_test_have_display ())
    {
      g_test_skip ("no display");
      return;
    }
  /* Bound, never listening: connections are refused. */
  g_assert_true (g_socket_bind (sock, any, TRUE, NULL));
  bound = g_socket_get_local_address (sock, NULL);

  dialog = open_host_dialog (f->window);
  ask_to_host (dialog, g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound)), "");
  tandem_test_iterate_until (dialog_shows_error, dialog);
  g_assert_nonnull (strstr (tandem_host_dialog_get_error (dialog), "Cannot reach the server"));

  /* Plain http to another computer is refused before anything is sent. */
  tandem_host_dialog_set_server_address (dialog, "http://192.0.2.1:8421");
  g_signal_emit_by_name (dialog, "host");
  g_assert_nonnull (strstr (tandem_host_dialog_get_error (dialog), "https://"));
  gtk_window_destroy (GTK_WINDOW (dialog));
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);
  /* Before GTK caches it: no draft of an earlier run comes back. */
  tandem_test_use_fresh_data_home ();
  tandem_test_init_gtk ();
  tmp = g_dir_make_tmp ("tandem-remote-host-XXXXXX", NULL);

#define ADD(path, func) \
  g_test_add ("/ui/remote-host/" path, Fixture, NULL, \
              tandem_test_have_display () ? fixture_setup : NULL, func, \
              tandem_test_have_display () ? fixture_teardown : NULL)
  ADD ("open-sessions", test_open_sessions);
  ADD ("admin-token", test_admin_token);
  ADD ("sample-too-large", test_sample_too_large);
  ADD ("unreachable", test_unreachable);
#undef ADD

  status = g_test_run ();
  {
    g_autofree char *cmd = g_strdup_printf ("rm -rf %s", tmp);

    g_spawn_command_line_sync (cmd, NULL, NULL, NULL, NULL);
  }
  return status;
}
