/* test-open-sessions.c — creating sessions without the admin token, and idle expiry
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <signal.h>
#include <string.h>
#include <sys/prctl.h>

#include "sync-test-utils.h"

/* The server runs on this thread's loop, so requests go from another. */
static guint
post (guint16      port,
      const char  *bearer,
      JsonObject **reply)
{
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  guint status = sync_test_http_call (port, "POST", "/sessions", bearer, NULL, 10000, &text,
                                      &error);

  g_assert_no_error (error);
  g_assert_nonnull (text);
  g_assert_true (json_parser_load_from_data (parser, text, -1, NULL));
  if (reply != NULL)
    *reply = json_object_ref (json_node_get_object (json_parser_get_root (parser)));
  return status;
}

static const char *
error_code (JsonObject *reply)
{
  return json_object_get_string_member (json_object_get_object_member (reply, "error"), "code");
}

/* Admin mode (the default) still needs the token, open sessions or not. */
static void
test_admin_mode (void)
{
  SyncTestServer *ts = sync_test_server_new (NULL, FALSE);
  g_autoptr(JsonObject) reply = NULL;

  tandem_session_server_set_admin_token (ts->server, "s3cret-admin");
  g_assert_cmpuint (post (ts->port, NULL, &reply), ==, 401);
  g_assert_cmpstr (error_code (reply), ==, "unauthorized");
  g_clear_pointer (&reply, json_object_unref);
  g_assert_cmpuint (post (ts->port, "wrong", &reply), ==, 401);
  g_clear_pointer (&reply, json_object_unref);
  g_assert_cmpuint (post (ts->port, "s3cret-admin", &reply), ==, 201);
  g_assert_true (json_object_has_member (reply, "invites"));
  g_assert_cmpuint (tandem_session_server_get_n_sessions (ts->server), ==, 2);

  /* Open sessions do not make a wrong token good. */
  tandem_session_server_set_open_sessions (ts->server, TRUE, 5);
  g_clear_pointer (&reply, json_object_unref);
  g_assert_cmpuint (post (ts->port, "wrong", &reply), ==, 401);
  sync_test_server_free (ts);
}

/* Without a token, an address creates N sessions, then gets 429 naming
 * when to come back; the admin is not limited. */
static void
test_rate_limit (void)
{
  SyncTestServer *ts = sync_test_server_new (NULL, FALSE);
  g_autoptr(JsonObject) reply = NULL;
  const char *message;

  tandem_session_server_set_admin_token (ts->server, "s3cret-admin");
  tandem_session_server_set_open_sessions (ts->server, TRUE, 3);
  for (guint i = 0; i < 3; i++)
    {
      g_clear_pointer (&reply, json_object_unref);
      g_assert_cmpuint (post (ts->port, NULL, &reply), ==, 201);
      g_assert_nonnull (strstr (json_object_get_string_member (
                                  json_object_get_object_member (reply, "invites"), "owner"),
                                "tandem://"));
    }
  g_clear_pointer (&reply, json_object_unref);
  g_assert_cmpuint (post (ts->port, NULL, &reply), ==, 429);
  g_assert_cmpstr (error_code (reply), ==, "rate-limited");
  message = json_object_get_string_member (json_object_get_object_member (reply, "error"),
                                           "message");
  g_assert_nonnull (strstr (message, "3 sessions an hour"));
  g_assert_cmpuint (tandem_session_server_get_n_sessions (ts->server), ==, 4);

  g_clear_pointer (&reply, json_object_unref);
  g_assert_cmpuint (post (ts->port, "s3cret-admin", &reply), ==, 201);
  g_assert_cmpuint (tandem_session_server_get_n_sessions (ts->server), ==, 5);
  sync_test_server_free (ts);
}

static gboolean
no_sessions (gpointer data)
{
  return tandem_session_server_get_n_sessions (data) == 0;
}

static gboolean
is_offline (gpointer data)
{
  return tandem_sync_client_get_state (data) == TANDEM_SYNC_STATE_OFFLINE;
}

/* A session in use stays; once nobody is connected or editing for the
 * expiry, it goes from memory and from disk. */
static void
test_idle_expiry (void)
{
  SyncTestServer *ts = sync_test_server_new (NULL, TRUE);
  g_autoptr(TandemSyncClient) client = sync_test_client_new ();
  g_autofree char *link = sync_test_server_invite (ts, TANDEM_ROLE_EDITOR);
  g_autofree char *dir = g_build_filename (ts->data_dir, "sessions", ts->session_id, NULL);
  g_autoptr(GError) error = NULL;

  g_assert_true (g_file_test (dir, G_FILE_TEST_IS_DIR));
  g_assert_true (tandem_sync_client_connect (client, link, &error));
  g_assert_no_error (error);
  g_assert_true (sync_test_wait_live (client));

  tandem_session_server_set_idle_expiry (ts->server, 300);
  /* Connected for four expiries: still there. */
  sync_test_spin (1200);
  g_assert_cmpuint (tandem_session_server_get_n_sessions (ts->server), ==, 1);

  tandem_sync_client_disconnect (client);
  g_assert_true (sync_test_wait (is_offline, client, 5000));
  g_assert_true (sync_test_wait (no_sessions, ts->server, 5000));
  g_assert_false (g_file_test (dir, G_FILE_TEST_EXISTS));

  /* The link now names a session that does not exist. */
  g_clear_object (&client);
  client = sync_test_client_new ();
  g_assert_true (tandem_sync_client_connect (client, link, &error));
  g_assert_true (sync_test_wait (is_offline, client, 5000));
  sync_test_server_free (ts);
}

/* The binary's options: --open-sessions and a tiny --idle-expiry (in hours,
 * fractions allowed). */
static gboolean
dir_is_gone (gpointer data)
{
  return !g_file_test (data, G_FILE_TEST_EXISTS);
}

static gboolean
keep_polling (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

static void
die_with_parent (gpointer data)
{
  prctl (PR_SET_PDEATHSIG, SIGKILL);
}

static void
test_binary_options (void)
{
  const char *build = g_getenv ("TANDEM_BUILD_DIR");
  g_autofree char *path = build ? g_build_filename (build, "src", "server", "tandem-server", NULL)
                                : NULL;
  g_autofree char *data_dir = sync_test_make_tmpdir ();
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GDataInputStream) out = NULL;
  g_autoptr(JsonObject) reply = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *line = NULL;
  g_autofree char *dir = NULL;
  guint64 port = 0;
  guint poll_id;

  if (path == NULL || !g_file_test (path, G_FILE_TEST_IS_EXECUTABLE))
    {
      g_test_skip ("tandem-server not found (set TANDEM_BUILD_DIR)");
      return;
    }
  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  /* 0.0002 h is 0.72 s. */
  proc = g_subprocess_launcher_spawn (launcher, &error, path, "--port", "0", "--bind",
                                      "127.0.0.1", "--data-dir", data_dir, "--open-sessions",
                                      "--open-sessions-per-hour", "1", "--idle-expiry", "0.0002",
                                      NULL);
  g_assert_no_error (error);
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (proc));
  line = g_data_input_stream_read_line (out, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (line);
  g_assert_true (g_str_has_prefix (line, "tandem-server listening on port "));
  g_assert_true (g_ascii_string_to_unsigned (line + strlen ("tandem-server listening on port "),
                                             10, 1, 65535, &port, NULL));

  g_assert_cmpuint (post (port, NULL, &reply), ==, 201);
  dir = g_build_filename (data_dir, "sessions", json_object_get_string_member (reply, "id"), NULL);
  g_assert_true (g_file_test (dir, G_FILE_TEST_IS_DIR));
  g_clear_pointer (&reply, json_object_unref);
  g_assert_cmpuint (post (port, NULL, &reply), ==, 429);

  /* Another process removes it: look again every 20 ms. */
  poll_id = g_timeout_add (20, keep_polling, NULL);
  g_assert_true (sync_test_wait (dir_is_gone, dir, 10000));
  g_source_remove (poll_id);

  g_subprocess_send_signal (proc, SIGTERM);
  g_assert_true (g_subprocess_wait (proc, NULL, NULL));
  sync_test_rm_rf (data_dir);
}

int
main (int   argc,
      char *argv[])
{
  sync_test_init (&argc, &argv);

  g_test_add_func ("/sync/open-sessions/admin-mode", test_admin_mode);
  g_test_add_func ("/sync/open-sessions/rate-limit", test_rate_limit);
  g_test_add_func ("/sync/open-sessions/idle-expiry", test_idle_expiry);
  g_test_add_func ("/sync/open-sessions/binary-options", test_binary_options);
  return g_test_run ();
}
