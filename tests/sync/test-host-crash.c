/* test-host-crash.c — a process hosting in-app killed with SIGKILL mid-jam, then resumed
 *
 * The test runs itself as the hosting process (`--host PORT`: a
 * TandemSessionHost remembered in the hosted-sessions store, as the app
 * does), kills it while edits are in flight, lets the guests edit offline,
 * then runs itself again as `--resume KEY`. The guests come back by
 * themselves on the same link and port, and every replica holds every edit.
 * Hosting anew on that port after a crash serves the new session only: the
 * old session's guests are refused, never let into another session.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-sync-test"

#include "config.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>

#include "sync-test-utils.h"

#define N_GUESTS 2
#define STEPS    16

/* The hosting process */

static int
serve_forever (TandemSessionHost *host)
{
  g_autofree char *link = tandem_session_host_dup_invite (host, TANDEM_ROLE_EDITOR);
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);

  g_print ("LINK %s\n", link);
  fflush (stdout);
  g_main_loop_run (loop);
  return EXIT_SUCCESS;
}

static int
run_host (guint16 port)
{
  g_autoptr(TandemSessionHost) host = tandem_session_host_new ();
  g_autoptr(TandemHostedSession) entry = tandem_hosted_session_new ();
  g_autoptr(TandemProject) demo = tandem_project_new_demo ();
  g_autoptr(JsonNode) project = tandem_project_to_json (demo);
  g_autoptr(GError) error = NULL;

  tandem_session_host_set_bind_address (host, "127.0.0.1");
  if (!tandem_session_host_start (host, port, entry->journal_dir, project, &error))
    {
      g_print ("ERROR %s\n", error->message);
      return EXIT_FAILURE;
    }
  entry->session_id = g_strdup (tandem_session_host_get_session_id (host));
  for (guint r = 0; r < TANDEM_N_ROLES; r++)
    entry->tokens[r] = g_strdup (tandem_session_host_get_token (host, r));
  entry->port = tandem_session_host_get_port (host);
  entry->bind_address = g_strdup ("127.0.0.1");
  entry->name = g_strdup ("New Beat");
  entry->open = TRUE;
  if (!tandem_hosted_session_save (entry, &error))
    {
      g_print ("ERROR %s\n", error->message);
      return EXIT_FAILURE;
    }
  g_print ("KEY %s\n", entry->key);
  return serve_forever (host);
}

static int
run_resume (const char *key)
{
  g_autoptr(TandemSessionHost) host = tandem_session_host_new ();
  g_autoptr(TandemHostedSession) entry = NULL;
  g_autoptr(GError) error = NULL;

  if ((entry = tandem_hosted_session_load (key, &error)) == NULL)
    {
      g_print ("ERROR %s\n", error->message);
      return EXIT_FAILURE;
    }
  tandem_session_host_set_bind_address (host, entry->bind_address);
  if (!tandem_session_host_resume (host, entry->port, entry->journal_dir, entry->session_id,
                                   (const char *const *) entry->tokens, &error))
    {
      g_print ("ERROR %s\n", error->message);
      return EXIT_FAILURE;
    }
  return serve_forever (host);
}

/* The test */

static const char *self_path;

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

/* A failing test must not leave a host behind. */
static void
die_with_parent (gpointer data)
{
  prctl (PR_SET_PDEATHSIG, SIGKILL);
}

typedef struct
{
  GSubprocess *proc;
  char        *key;
  char        *link;
} Host;

static void
host_spawn (Host       *h,
            const char *mode,
            const char *arg)
{
  g_autoptr(GSubprocessLauncher) launcher =
    g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_autoptr(GDataInputStream) out = NULL;
  g_autoptr(GError) error = NULL;
  char *line;

  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  h->proc = g_subprocess_launcher_spawn (launcher, &error, self_path, mode, arg, NULL);
  g_assert_no_error (error);
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (h->proc));
  while ((line = g_data_input_stream_read_line (out, NULL, NULL, &error)) != NULL)
    {
      g_autofree char *owned = line;

      g_assert_false (g_str_has_prefix (line, "ERROR "));
      if (g_str_has_prefix (line, "KEY "))
        h->key = g_strdup (line + 4);
      else if (g_str_has_prefix (line, "LINK "))
        {
          h->link = g_strdup (line + 5);
          break;
        }
    }
  g_assert_no_error (error);
  g_assert_nonnull (h->link);
}

static void
host_kill (Host *h)
{
  if (h->proc == NULL)
    return;
  g_subprocess_send_signal (h->proc, SIGKILL);
  g_assert_true (g_subprocess_wait (h->proc, NULL, NULL));
  g_clear_object (&h->proc);
}

static void
host_clear (Host *h)
{
  host_kill (h);
  g_clear_pointer (&h->key, g_free);
  g_clear_pointer (&h->link, g_free);
}

static void
set_cell (TandemSyncClient *client,
          guint             track_index,
          guint             step,
          guint             velocity)
{
  TandemProject *project = tandem_sync_client_get_project (client);
  g_autoptr(TandemTrack) track = g_list_model_get_item (tandem_project_get_tracks (project),
                                                        track_index);
  g_autoptr(TandemOp) op = tandem_op_new_set_cell (tandem_project_get_current_pattern (project),
                                                   tandem_track_get_id (track), step, "velocity",
                                                   velocity);

  g_assert_true (tandem_sync_client_submit (client, op, NULL));
}

static guint
cell (TandemProject *project,
      guint          track_index,
      guint          step)
{
  g_autoptr(TandemTrack) track = g_list_model_get_item (tandem_project_get_tracks (project),
                                                        track_index);
  TandemPattern *pattern = tandem_project_find_pattern (project,
                                                        tandem_project_get_current_pattern (project));

  return tandem_pattern_get_cell (pattern, tandem_track_get_id (track), step)->velocity;
}

/* Each guest owns a track, each phase its steps: a lost or doubled edit
 * shows in the cell it owns. */
static guint
expected_velocity (guint step)
{
  return step < 8 ? 10 + step : step < 12 ? 50 + step : 90 + step;
}

static gboolean
all_settled (gpointer data)
{
  TandemSyncClient **clients = data;
  guint64 seq = tandem_sync_client_get_seq (clients[0]);

  for (guint i = 0; clients[i] != NULL; i++)
    if (tandem_sync_client_get_state (clients[i]) != TANDEM_SYNC_STATE_LIVE
        || tandem_sync_client_get_n_pending (clients[i]) != 0
        || tandem_sync_client_get_seq (clients[i]) != seq)
      return FALSE;
  return TRUE;
}

static gboolean
all_reconnecting (gpointer data)
{
  TandemSyncClient **clients = data;

  for (guint i = 0; clients[i] != NULL; i++)
    if (tandem_sync_client_get_state (clients[i]) != TANDEM_SYNC_STATE_RECONNECTING)
      return FALSE;
  return TRUE;
}

static void
test_kill_mid_jam_and_resume (void)
{
  Host first = { NULL, }, resumed = { NULL, };
  TandemSyncClient *guests[N_GUESTS + 1] = { NULL, };
  g_autoptr(TandemSyncClient) observer = NULL;
  g_autofree char *port_arg = g_strdup_printf ("%u", free_port ());
  g_autofree char *reference = NULL;
  TandemSyncClient *everyone[N_GUESTS + 2] = { NULL, };

  host_spawn (&first, "--host", port_arg);
  for (guint i = 0; i < N_GUESTS; i++)
    {
      guests[i] = sync_test_client_new ();
      g_assert_true (tandem_sync_client_connect (guests[i], first.link, NULL));
      g_assert_true (sync_test_wait_live (guests[i]));
    }

  /* Acknowledged before the crash. */
  for (guint step = 0; step < 8; step++)
    for (guint i = 0; i < N_GUESTS; i++)
      set_cell (guests[i], i, step, expected_velocity (step));
  g_assert_true (sync_test_wait (all_settled, guests, 20000));

  /* In flight when the host dies: acknowledged or not, each arrives once. */
  for (guint step = 8; step < 12; step++)
    for (guint i = 0; i < N_GUESTS; i++)
      set_cell (guests[i], i, step, expected_velocity (step));
  host_kill (&first);

  /* Offline: the guests keep editing. */
  g_assert_true (sync_test_wait (all_reconnecting, guests, 20000));
  for (guint step = 12; step < STEPS; step++)
    for (guint i = 0; i < N_GUESTS; i++)
      set_cell (guests[i], i, step, expected_velocity (step));
  for (guint i = 0; i < N_GUESTS; i++)
    g_assert_cmpuint (tandem_sync_client_get_n_pending (guests[i]), >=, STEPS - 12);

  /* Back on the same port with the same link; the guests find it alone. */
  host_spawn (&resumed, "--resume", first.key);
  g_assert_cmpstr (resumed.link, ==, first.link);
  g_assert_true (sync_test_wait (all_settled, guests, 30000));

  observer = sync_test_client_new ();
  g_assert_true (tandem_sync_client_connect (observer, first.link, NULL));
  g_assert_true (sync_test_wait_live (observer));
  for (guint i = 0; i < N_GUESTS; i++)
    everyone[i] = guests[i];
  everyone[N_GUESTS] = observer;
  g_assert_true (sync_test_wait (all_settled, everyone, 20000));

  reference = tandem_project_to_string (tandem_sync_client_get_project (observer));
  for (guint i = 0; i < N_GUESTS; i++)
    {
      g_autofree char *json = tandem_project_to_string (tandem_sync_client_get_project (guests[i]));

      g_assert_cmpstr (json, ==, reference);
      for (guint step = 0; step < STEPS; step++)
        g_assert_cmpuint (cell (tandem_sync_client_get_project (observer), i, step), ==,
                          expected_velocity (step));
    }
  /* Nothing applied twice: one batch per edit, whatever the crash cut. */
  g_assert_cmpuint (tandem_sync_client_get_seq (observer), ==, N_GUESTS * STEPS);

  for (guint i = 0; i < N_GUESTS; i++)
    {
      tandem_sync_client_disconnect (guests[i]);
      g_object_unref (guests[i]);
    }
  tandem_sync_client_disconnect (observer);
  host_clear (&first);
  host_clear (&resumed);
}

static void
on_error (TandemSyncClient *client,
          const char       *code,
          const char       *message,
          char            **out)
{
  g_free (*out);
  *out = g_strdup (code);
}

static gboolean
is_offline (gpointer data)
{
  return tandem_sync_client_get_state (data) == TANDEM_SYNC_STATE_OFFLINE;
}

static gboolean
is_reconnecting (gpointer data)
{
  return tandem_sync_client_get_state (data) == TANDEM_SYNC_STATE_RECONNECTING;
}

static gboolean
settled (gpointer data)
{
  return tandem_sync_client_get_state (data) == TANDEM_SYNC_STATE_LIVE
         && tandem_sync_client_get_n_pending (data) == 0;
}

/* The split the app used to make: a fresh host on the crashed one's port
 * recovered the old session for its guests while hosting a new one. Now
 * the fresh host serves its own session only; the old one waits, whole,
 * for a resume. */
static void
test_fresh_host_never_splits (void)
{
  Host first = { NULL, }, fresh = { NULL, }, resumed = { NULL, };
  g_autoptr(TandemSyncClient) guest = sync_test_client_new ();
  g_autoptr(TandemSyncClient) late = sync_test_client_new ();
  g_autoptr(TandemHostedSession) old_entry = NULL;
  g_autoptr(TandemInvite) old_invite = NULL;
  g_autoptr(TandemInvite) fresh_invite = NULL;
  g_autofree char *port_arg = g_strdup_printf ("%u", free_port ());
  g_autofree char *code = NULL;

  host_spawn (&first, "--host", port_arg);
  g_assert_true (tandem_sync_client_connect (guest, first.link, NULL));
  g_assert_true (sync_test_wait_live (guest));
  set_cell (guest, 0, 5, 55);
  g_assert_true (sync_test_wait (settled, guest, 20000));
  host_kill (&first);
  g_assert_true (sync_test_wait (is_reconnecting, guest, 20000));

  g_signal_connect (guest, "error", G_CALLBACK (on_error), &code);
  host_spawn (&fresh, "--host", port_arg);
  old_invite = tandem_invite_parse (first.link, NULL);
  fresh_invite = tandem_invite_parse (fresh.link, NULL);
  g_assert_cmpuint (fresh_invite->port, ==, old_invite->port);
  g_assert_cmpstr (fresh_invite->session_id, !=, old_invite->session_id);
  g_assert_true (sync_test_wait (is_offline, guest, 20000));
  g_assert_cmpstr (code, ==, "no-such-session");
  host_kill (&fresh);

  /* Still remembered as interrupted, and resumable with everything. */
  old_entry = tandem_hosted_session_load (first.key, NULL);
  g_assert_nonnull (old_entry);
  g_assert_true (old_entry->open);
  host_spawn (&resumed, "--resume", first.key);
  g_assert_cmpstr (resumed.link, ==, first.link);
  g_assert_true (tandem_sync_client_connect (late, first.link, NULL));
  g_assert_true (sync_test_wait_live (late));
  g_assert_cmpuint (cell (tandem_sync_client_get_project (late), 0, 5), ==, 55);
  tandem_sync_client_disconnect (late);
  host_clear (&first);
  host_clear (&fresh);
  host_clear (&resumed);
}

int
main (int    argc,
      char **argv)
{
  g_autofree char *data_home = NULL;
  int status;

  if (argc == 3 && strcmp (argv[1], "--host") == 0)
    return run_host ((guint16) atoi (argv[2]));
  if (argc == 3 && strcmp (argv[1], "--resume") == 0)
    return run_resume (argv[2]);

  /* The hosts this test starts share a store of this run's own. */
  data_home = g_dir_make_tmp ("tandem-host-crash-XXXXXX", NULL);
  g_setenv ("XDG_DATA_HOME", data_home, TRUE);
  self_path = argv[0];
  sync_test_init (&argc, &argv);

  g_test_add_func ("/sync/host-crash/kill-mid-jam-and-resume", test_kill_mid_jam_and_resume);
  g_test_add_func ("/sync/host-crash/fresh-host-never-splits", test_fresh_host_never_splits);

  status = g_test_run ();
  sync_test_rm_rf (data_home);
  return status;
}
