/* test-crash.c — the real tandem-server killed with SIGKILL mid-stream and
 * restarted from its data dir: nothing acknowledged is lost, nothing is
 * applied twice, and the clients come back by themselves
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-sync-test"

#include "config.h"

#include <signal.h>
#include <string.h>
#include <sys/prctl.h>

#include "sync-test-utils.h"

#define N_CLIENTS 3
#define N_OPS     60
#define ADMIN     "crash-test-admin-token"

typedef struct
{
  TandemSyncClient *client;
  GHashTable       *acked;    /* cseq → TRUE */
  guint             track;    /* this client's track index */
} Peer;

static char *
server_path (void)
{
  const char *build = g_getenv ("TANDEM_BUILD_DIR");

  if (build == NULL)
    return NULL;
  return g_build_filename (build, "src", "server", "tandem-server", NULL);
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

/* A failing test must not leave a server behind. */
static void
die_with_parent (gpointer data)
{
  prctl (PR_SET_PDEATHSIG, SIGKILL);
}

static GSubprocess *
start_server (const char *path,
              const char *data_dir,
              guint16     port)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *port_arg = g_strdup_printf ("%u", port);
  g_autoptr(GDataInputStream) out = NULL;
  g_autofree char *line = NULL;
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  GSubprocess *proc;

  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  proc = g_subprocess_launcher_spawn (launcher, &error, path, "--port", port_arg,
                                      "--bind", "127.0.0.1", "--data-dir", data_dir,
                                      "--admin-token", ADMIN, "--snapshot-every", "100000", NULL);
  g_assert_no_error (error);
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (proc));
  line = g_data_input_stream_read_line (out, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (line);
  g_assert_true (g_str_has_prefix (line, "tandem-server listening on port "));
  return proc;
}

static char *
create_session (guint16  port,
                char   **session_id)
{
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autofree char *url = g_strdup_printf ("http://127.0.0.1:%u/sessions", port);
  g_autoptr(SoupMessage) msg = soup_message_new ("POST", url);
  g_autoptr(GBytes) body = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(TandemProject) demo = tandem_project_new_demo ();
  g_autoptr(JsonNode) project = tandem_project_to_json (demo);
  g_autofree char *project_text = json_to_string (project, FALSE);
  g_autofree char *request = g_strdup_printf ("{\"project\":%s}", project_text);
  g_autoptr(GBytes) request_bytes = g_bytes_new (request, strlen (request));
  g_autoptr(GError) error = NULL;
  JsonObject *reply;

  soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization",
                                "Bearer " ADMIN);
  soup_message_set_request_body_from_bytes (msg, "application/json", request_bytes);
  body = soup_session_send_and_read (session, msg, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (soup_message_get_status (msg), ==, 201);
  g_assert_true (json_parser_load_from_data (parser, g_bytes_get_data (body, NULL),
                                             g_bytes_get_size (body), NULL));
  reply = json_node_get_object (json_parser_get_root (parser));
  *session_id = g_strdup (json_object_get_string_member (reply, "id"));
  return g_strdup (json_object_get_string_member (json_object_get_object_member (reply, "invites"),
                                                  "editor"));
}

static void
on_batch (TandemSyncClient *client,
          guint64           seq,
          const char       *client_id,
          guint64           cseq,
          Peer             *peer)
{
  if (g_strcmp0 (client_id, tandem_sync_client_get_client_id (client)) == 0)
    g_hash_table_add (peer->acked, GUINT_TO_POINTER ((guint) cseq));
}

static TandemOp *
nth_op (TandemProject *project,
        Peer          *peer,
        guint          i)
{
  g_autoptr(TandemTrack) track = g_list_model_get_item (tandem_project_get_tracks (project), peer->track);

  /* Each op owns one cell: a lost or doubled op cannot hide behind another. */
  return tandem_op_new_set_cell (tandem_project_get_current_pattern (project),
                                 tandem_track_get_id (track), i, "velocity", 1 + i);
}

typedef struct
{
  Peer *peers;
} AllDone;

static gboolean
all_settled (gpointer data)
{
  Peer *peers = data;
  guint64 seq = tandem_sync_client_get_seq (peers[0].client);

  for (guint i = 0; i < N_CLIENTS; i++)
    if (tandem_sync_client_get_state (peers[i].client) != TANDEM_SYNC_STATE_LIVE
        || tandem_sync_client_get_n_pending (peers[i].client) != 0
        || tandem_sync_client_get_seq (peers[i].client) != seq)
      return FALSE;
  return TRUE;
}

static gboolean
is_reconnecting (gpointer data)
{
  return tandem_sync_client_get_state (data) == TANDEM_SYNC_STATE_RECONNECTING;
}

static void
test_kill_and_restart (void)
{
  g_autofree char *path = server_path ();
  g_autofree char *data_dir = NULL;
  g_autofree char *invite = NULL;
  g_autofree char *session_id = NULL;
  g_autofree char *journal_path = NULL;
  g_autofree char *journal = NULL;
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(TandemSyncClient) observer = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *observer_json = NULL;
  Peer peers[N_CLIENTS];
  guint16 port;
  guint acked_before_kill = 0;
  g_auto(GStrv) lines = NULL;

  if (path == NULL || !g_file_test (path, G_FILE_TEST_IS_EXECUTABLE))
    {
      g_test_skip ("tandem-server not found (set TANDEM_BUILD_DIR)");
      return;
    }
  data_dir = sync_test_make_tmpdir ();
  port = free_port ();
  proc = start_server (path, data_dir, port);
  invite = create_session (port, &session_id);

  for (guint i = 0; i < N_CLIENTS; i++)
    {
      peers[i].client = sync_test_client_new ();
      peers[i].acked = g_hash_table_new (NULL, NULL);
      peers[i].track = i;
      g_signal_connect (peers[i].client, "batch-received", G_CALLBACK (on_batch), &peers[i]);
      g_assert_true (tandem_sync_client_connect (peers[i].client, invite, NULL));
      g_assert_true (sync_test_wait_live (peers[i].client));
    }

  for (guint n = 0; n < N_OPS; n++)
    {
      for (guint i = 0; i < N_CLIENTS; i++)
        {
          g_autoptr(TandemOp) op = nth_op (tandem_sync_client_get_project (peers[i].client), &peers[i], n);

          g_assert_true (tandem_sync_client_submit (peers[i].client, op, &error));
          g_assert_no_error (error);
        }
      for (int k = 0; k < 3; k++)
        g_main_context_iteration (NULL, FALSE);
      if (n % 5 == 0)
        sync_test_spin (10);

      if (n == N_OPS / 2)
        {
          /* Mid-stream: edits in flight, some acknowledged, some not. */
          for (guint i = 0; i < N_CLIENTS; i++)
            acked_before_kill += g_hash_table_size (peers[i].acked);
          g_subprocess_send_signal (proc, SIGKILL);
          g_assert_true (g_subprocess_wait (proc, NULL, NULL));
          g_clear_object (&proc);
          g_assert_true (sync_test_wait (is_reconnecting, peers[0].client, 10000));
        }
      if (n == N_OPS / 2 + 10)
        proc = start_server (path, data_dir, port);
    }
  g_test_message ("%u edits acknowledged before the kill", acked_before_kill);
  g_assert_cmpuint (acked_before_kill, >, 0);

  /* The clients find the restarted server by themselves. */
  g_assert_true (sync_test_wait (all_settled, peers, 30000));

  /* Every edit is there (all were acknowledged in the end, the ones
   * acknowledged before the kill included). */
  for (guint i = 0; i < N_CLIENTS; i++)
    {
      TandemProject *project = tandem_sync_client_get_project (peers[i].client);

      g_assert_cmpuint (g_hash_table_size (peers[i].acked), ==, N_OPS);
      for (guint c = 0; c < N_CLIENTS; c++)
        {
          g_autoptr(TandemTrack) track = g_list_model_get_item (tandem_project_get_tracks (project), c);

          for (guint n = 0; n < N_OPS; n++)
            g_assert_cmpuint (tandem_pattern_get_cell (tandem_project_find_pattern (project,
                                                         tandem_project_get_current_pattern (project)),
                                                       tandem_track_get_id (track), n)->velocity, ==, 1 + n);
        }
    }

  /* The journal holds each (client, client seq) exactly once. */
  journal_path = g_build_filename (data_dir, "sessions", session_id, "journal.log", NULL);
  g_assert_true (g_file_get_contents (journal_path, &journal, NULL, NULL));
  lines = g_strsplit (journal, "\n", -1);
  for (guint l = 0, n_batches = 0; lines[l] && *lines[l]; l++)
    {
      g_autoptr(JsonObject) rec = NULL;
      const char *type;
      g_autofree char *key = NULL;

      rec = tandem_message_parse (lines[l] + 9, strlen (lines[l] + 9), &type, NULL);
      g_assert_nonnull (rec);
      /* Client claims (id and secret hash) come before their batches. */
      if (g_str_equal (type, "claim"))
        continue;
      g_assert_cmpstr (type, ==, "batch");
      n_batches++;
      key = g_strdup_printf ("%s/%" G_GINT64_FORMAT, json_object_get_string_member (rec, "client"),
                             json_object_get_int_member (rec, "cseq"));
      g_assert_false (g_hash_table_contains (seen, key));
      g_assert_cmpint (json_object_get_int_member (rec, "seq"), ==, n_batches);
      g_hash_table_add (seen, g_steal_pointer (&key));
    }
  g_assert_cmpuint (g_hash_table_size (seen), ==, N_CLIENTS * N_OPS);
  g_assert_cmpuint (tandem_sync_client_get_seq (peers[0].client), ==, N_CLIENTS * N_OPS);

  /* A late joiner, and every client, agree byte for byte. */
  observer = sync_test_client_new ();
  g_assert_true (tandem_sync_client_connect (observer, invite, NULL));
  g_assert_true (sync_test_wait_live (observer));
  observer_json = tandem_project_to_string (tandem_sync_client_get_project (observer));
  for (guint i = 0; i < N_CLIENTS; i++)
    {
      g_autofree char *json = tandem_project_to_string (tandem_sync_client_get_project (peers[i].client));

      g_assert_cmpstr (json, ==, observer_json);
    }

  /* SIGTERM is a clean shutdown. */
  g_subprocess_send_signal (proc, SIGTERM);
  g_assert_true (g_subprocess_wait (proc, NULL, NULL));
  g_assert_true (g_subprocess_get_if_exited (proc));
  g_assert_cmpint (g_subprocess_get_exit_status (proc), ==, 0);

  /* The operator's listing shows the session. */
  {
    g_autoptr(GSubprocess) list = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error, path,
                                                    "--list", "--data-dir", data_dir, NULL);
    g_autofree char *stdout_text = NULL;

    g_assert_no_error (error);
    g_assert_true (g_subprocess_communicate_utf8 (list, NULL, NULL, &stdout_text, NULL, &error));
    g_assert_nonnull (strstr (stdout_text, session_id));
    g_assert_nonnull (strstr (stdout_text, "180"));
  }

  g_object_unref (observer);
  observer = NULL;
  for (guint i = 0; i < N_CLIENTS; i++)
    {
      g_object_unref (peers[i].client);
      g_hash_table_unref (peers[i].acked);
    }
  sync_test_rm_rf (data_dir);
}

int
main (int    argc,
      char **argv)
{
  sync_test_init (&argc, &argv);
  g_test_add_func ("/sync/crash/kill-and-restart", test_kill_and_restart);
  return g_test_run ();
}
