/* bench-restart.c — a tandem-server restarted on many sessions: how soon it
 * listens, answers a client, has everything loaded, and what it holds
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-bench"

#include "config.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include <libsoup/soup.h>

#include "tandem-bench.h"
#include "tandem-model.h"
#include "tandem-sync.h"

static char *opt_server = NULL;
static char *opt_peer = NULL;
static int opt_sessions = 200;
static int opt_edits = 999;
static int opt_runs = 3;
static int opt_joins = 20;

typedef struct
{
  double listen_ms;      /* spawn → "listening" on stdout */
  double welcome_ms;     /* spawn → the first client live */
  double join_p50_ms;    /* joins of sessions not loaded yet, one after another */
  double join_max_ms;
  double loaded_ms;      /* spawn → /health says nothing is left to load */
  double rss_mib;        /* VmRSS once everything is loaded */
} Run;

static char *
session_id (guint i)
{
  return g_strdup_printf ("bench-restart-%04u", i);
}

/* Joins @id as an editor and returns once the welcome has been applied. */
static gboolean
join (guint16     port,
      const char *id)
{
  g_autoptr(TandemProject) empty = tandem_project_new ();
  g_autoptr(TandemSyncClient) client = tandem_sync_client_new (empty, NULL);
  g_autoptr(TandemInvite) invite = tandem_invite_new ("127.0.0.1", port, id, TANDEM_BENCH_SESSION_TOKEN);
  g_autofree char *link = tandem_invite_to_link (invite);
  gint64 deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;
  gboolean live;

  if (!tandem_sync_client_connect (client, link, NULL))
    return FALSE;
  while (tandem_sync_client_get_state (client) != TANDEM_SYNC_STATE_LIVE
         && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  live = tandem_sync_client_get_state (client) == TANDEM_SYNC_STATE_LIVE;
  tandem_sync_client_disconnect (client);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  return live;
}

/* How many sessions the server has still to load; a server that loads
 * everything before it listens has no such field, and nothing left. */
static int
n_loading (SoupSession *http,
           guint16      port)
{
  g_autofree char *url = g_strdup_printf ("http://127.0.0.1:%u/health", port);
  g_autoptr(SoupMessage) msg = soup_message_new ("GET", url);
  g_autoptr(GBytes) body = soup_session_send_and_read (http, msg, NULL, NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonNode *root;

  if (body == NULL || soup_message_get_status (msg) != SOUP_STATUS_OK
      || !json_parser_load_from_data (parser, g_bytes_get_data (body, NULL), g_bytes_get_size (body), NULL)
      || (root = json_parser_get_root (parser)) == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return -1;
  return json_object_get_int_member_with_default (json_node_get_object (root), "loading", 0);
}

static gboolean
run_once (const char *server,
          const char *data_dir,
          guint       round,
          Run        *run,
          GError    **error)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GDataInputStream) out = NULL;
  g_autoptr(SoupSession) http = soup_session_new ();
  g_autofree char *line = NULL;
  g_autofree double *joins = g_new0 (double, opt_joins);
  guint16 port;
  gint64 t0;
  int left;

  g_subprocess_launcher_setenv (launcher, "TANDEM_ADMIN_TOKEN", "bench-restart-admin", TRUE);
  t0 = g_get_monotonic_time ();
  proc = g_subprocess_launcher_spawn (launcher, error, server, "--data-dir", data_dir,
                                      "--port", "0", "--bind", "127.0.0.1", NULL);
  if (proc == NULL)
    return FALSE;
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (proc));
  line = g_data_input_stream_read_line (out, NULL, NULL, error);
  if (line == NULL || !g_str_has_prefix (line, "tandem-server listening on port "))
    {
      g_subprocess_force_exit (proc);
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "%s did not start", server);
      return FALSE;
    }
  run->listen_ms = (g_get_monotonic_time () - t0) / 1000.0;
  port = atoi (line + strlen ("tandem-server listening on port "));

  /* Sessions people come back to in a different order each run. */
  for (int i = 0; i < opt_joins; i++)
    {
      g_autofree char *id = session_id ((round * 7919 + (guint) i * 104729) % (guint) opt_sessions);
      gint64 t = g_get_monotonic_time ();

      if (!join (port, id))
        {
          g_subprocess_force_exit (proc);
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "cannot join %s", id);
          return FALSE;
        }
      joins[i] = (g_get_monotonic_time () - t) / 1000.0;
      if (i == 0)
        run->welcome_ms = (g_get_monotonic_time () - t0) / 1000.0;
    }
  while ((left = n_loading (http, port)) != 0)
    {
      if (left < 0)
        {
          g_subprocess_force_exit (proc);
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "/health did not answer");
          return FALSE;
        }
      g_usleep (2000);
    }
  run->loaded_ms = (g_get_monotonic_time () - t0) / 1000.0;
  run->rss_mib = tandem_bench_proc_status_kib (g_subprocess_get_identifier (proc), "VmRSS:") / 1024.0;
  run->join_p50_ms = tandem_bench_percentile (joins, opt_joins, 50);
  run->join_max_ms = tandem_bench_percentile (joins, opt_joins, 100);
  g_subprocess_send_signal (proc, SIGTERM);
  g_subprocess_wait (proc, NULL, NULL);
  return TRUE;
}

static gboolean
bench_server (const char *server,
              const char *data_dir)
{
  g_autoptr(GError) error = NULL;

  g_print ("\n%s\n", server);
  g_print ("  %-5s %10s %14s %16s %12s %10s\n", "run", "listening", "first welcome",
           "joins p50 / max", "all loaded", "RSS");
  for (int r = 0; r < opt_runs; r++)
    {
      Run run = { 0 };

      if (!run_once (server, data_dir, r, &run, &error))
        {
          g_printerr ("  %s\n", error->message);
          return FALSE;
        }
      g_print ("  %-5d %7.0f ms %11.0f ms %7.1f / %5.0f ms %9.0f ms %6.1f MiB\n", r + 1,
               run.listen_ms, run.welcome_ms, run.join_p50_ms, run.join_max_ms, run.loaded_ms,
               run.rss_mib);
    }
  return TRUE;
}

static GOptionEntry entries[] = {
  { "server", 0, 0, G_OPTION_ARG_FILENAME, &opt_server, "tandem-server to run (default: the one built beside)", "PATH" },
  { "peer", 0, 0, G_OPTION_ARG_FILENAME, &opt_peer, "Another tandem-server to run on the same sessions (e.g. an older build)", "PATH" },
  { "sessions", 0, 0, G_OPTION_ARG_INT, &opt_sessions, "Sessions on disk (default 200)", "N" },
  { "edits", 0, 0, G_OPTION_ARG_INT, &opt_edits, "Batches since each session's last snapshot (default 999)", "N" },
  { "runs", 0, 0, G_OPTION_ARG_INT, &opt_runs, "Restarts per server (default 3)", "N" },
  { "joins", 0, 0, G_OPTION_ARG_INT, &opt_joins, "Sessions joined right after the restart (default 20)", "N" },
  { NULL }
};

int
tandem_bench_restart (int    argc,
                      char **argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new ("- tandem-server restarted on many sessions");
  g_autoptr(GError) error = NULL;
  g_autofree char *data_dir = NULL;
  g_autofree char *cmd = NULL;
  gboolean ok;
  gint64 t;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return EXIT_FAILURE;
    }
  if (opt_server == NULL)
    opt_server = tandem_bench_default_server_path ();
  opt_sessions = CLAMP (opt_sessions, 1, 100000);
  opt_joins = CLAMP (opt_joins, 1, opt_sessions);
  opt_runs = MAX (opt_runs, 1);

  data_dir = g_dir_make_tmp ("tandem-bench-restart-XXXXXX", &error);
  if (data_dir == NULL)
    {
      g_printerr ("%s\n", error->message);
      return EXIT_FAILURE;
    }
  g_print ("restart: %d sessions on disk, %d batches each since its last snapshot\n",
           opt_sessions, opt_edits);
  t = g_get_monotonic_time ();
  for (int i = 0; i < opt_sessions; i++)
    {
      g_autofree char *id = session_id (i);
      g_autofree char *dir = g_build_filename (data_dir, "sessions", id, NULL);

      g_mkdir_with_parents (dir, 0700);
      if (!tandem_bench_write_session (dir, id, opt_edits, &error))
        {
          g_printerr ("Cannot write %s: %s\n", dir, error->message);
          return EXIT_FAILURE;
        }
    }
  g_print ("  written in %.1f s\n", (g_get_monotonic_time () - t) / 1e6);

  ok = bench_server (opt_server, data_dir);
  if (ok && opt_peer)
    ok = bench_server (opt_peer, data_dir);

  cmd = g_strdup_printf ("rm -rf '%s'", data_dir);
  if (system (cmd) != 0)
    g_printerr ("cannot remove %s\n", data_dir);
  return ok ? EXIT_SUCCESS : EXIT_FAILURE;
}
