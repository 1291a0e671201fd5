/* bench-cluster.c — tandem-server nodes on one Redis: edit → remote apply
 * between clients on the same node and on different nodes, and deliveries
 * per node CPU-second, for 1, 2 and 3 nodes and for a single-node server
 * without Redis, in the same run with the same load
 *
 * Every server is a real tandem-server process on loopback; Redis is a real
 * redis-server with appendfsync always (what docs/cluster.md asks), one
 * fresh one per configuration. The clients are TandemSyncClients in this
 * process, spread round-robin over the nodes.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-bench"

#include "config.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>
#include <libsoup/soup.h>

#include "tandem-bench.h"
#include "tandem-model.h"
#include "tandem-sync.h"

#define ADMIN     "bench-cluster-admin"
#define MAX_NODES 3

static double opt_duration = 4.0;
static int opt_clients = 8;
static double opt_rate = 500;
static char *opt_server = NULL;

static GOptionEntry entries[] = {
  { "duration", 'd', 0, G_OPTION_ARG_DOUBLE, &opt_duration, "Seconds per configuration (default 4)", "S" },
  { "clients", 'c', 0, G_OPTION_ARG_INT, &opt_clients, "Clients, spread over the nodes (default 8)", "N" },
  { "rate", 'r', 0, G_OPTION_ARG_DOUBLE, &opt_rate, "Edits per second from all clients (default 500)", "N" },
  { "server", 0, 0, G_OPTION_ARG_FILENAME, &opt_server, "tandem-server to run (default: the one in this build)", "PATH" },
  { NULL }
};

typedef struct
{
  GSubprocess *proc;
  char        *dir;
  guint16      port;
} Process;

static guint16
free_port (void)
{
  g_autoptr(GSocketListener) listener = g_socket_listener_new ();
  guint16 port = g_socket_listener_add_any_inet_port (listener, NULL, NULL);

  g_socket_listener_close (listener);
  return port;
}

/* user + system CPU time of @proc so far, in seconds. */
static double
cpu_seconds (Process *p)
{
  g_autofree char *path = g_strdup_printf ("/proc/%s/stat", g_subprocess_get_identifier (p->proc));
  g_autofree char *text = NULL;
  g_auto(GStrv) fields = NULL;
  const char *after;

  if (!g_file_get_contents (path, &text, NULL, NULL) || (after = strrchr (text, ')')) == NULL)
    return 0;
  /* After "pid (comm)": state is field 3, utime 14 and stime 15. */
  fields = g_strsplit (after + 2, " ", 0);
  if (g_strv_length (fields) < 13)
    return 0;
  return (g_ascii_strtod (fields[11], NULL) + g_ascii_strtod (fields[12], NULL))
         / (double) sysconf (_SC_CLK_TCK);
}

static void
process_stop (Process *p)
{
  if (p->proc != NULL)
    {
      g_subprocess_send_signal (p->proc, SIGTERM);
      g_subprocess_wait (p->proc, NULL, NULL);
      g_clear_object (&p->proc);
    }
  if (p->dir != NULL)
    tandem_bench_remove_tree (p->dir);
  g_clear_pointer (&p->dir, g_free);
}

static gboolean
redis_start (Process *redis)
{
  g_autoptr(GSubprocessLauncher) launcher =
    g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_SILENCE);
  g_autoptr(GError) error = NULL;
  g_autofree char *port = NULL;
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  redis->dir = g_dir_make_tmp ("tandem-bench-redis-XXXXXX", NULL);
  redis->port = free_port ();
  port = g_strdup_printf ("%u", redis->port);
  redis->proc = g_subprocess_launcher_spawn (launcher, &error, "redis-server", "--port", port,
                                             "--bind", "127.0.0.1", "--dir", redis->dir,
                                             "--appendonly", "yes", "--appendfsync", "always",
                                             "--save", "", NULL);
  if (redis->proc == NULL)
    {
      g_printerr ("cannot start redis-server: %s\n", error->message);
      return FALSE;
    }
  /* Ready once it accepts a connection. */
  while (g_get_monotonic_time () < deadline)
    {
      g_autoptr(GSocketClient) client = g_socket_client_new ();
      g_autoptr(GSocketConnection) conn = g_socket_client_connect_to_host (client, "127.0.0.1",
                                                                          redis->port, NULL, NULL);
      if (conn != NULL)
        return TRUE;
      g_usleep (20000);
    }
  g_printerr ("redis-server did not start\n");
  return FALSE;
}

/* A tandem-server on @dir; with @redis_port, a node of that cluster. */
static gboolean
node_start (Process    *node,
            const char *server,
            const char *dir,
            guint16     redis_port,
            guint       index)
{
  g_autoptr(GSubprocessLauncher) launcher =
    g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_SILENCE);
  g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GDataInputStream) out = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *line = NULL;
  const char *number;

  node->dir = g_strdup (dir);
  g_ptr_array_add (argv, g_strdup (server));
  for (const char *const *a = (const char *const[]) { "--port", "0", "--bind", "127.0.0.1",
                                                      "--admin-token", ADMIN,
                                                      "--max-ops-per-second", "1000000", NULL };
       *a; a++)
    g_ptr_array_add (argv, g_strdup (*a));
  g_ptr_array_add (argv, g_strdup ("--data-dir"));
  g_ptr_array_add (argv, g_strdup (dir));
  if (redis_port != 0)
    {
      g_ptr_array_add (argv, g_strdup ("--cluster"));
      g_ptr_array_add (argv, g_strdup_printf ("redis://127.0.0.1:%u", redis_port));
      g_ptr_array_add (argv, g_strdup ("--node-id"));
      g_ptr_array_add (argv, g_strdup_printf ("node-%u", index + 1));
    }
  g_ptr_array_add (argv, NULL);
  node->proc = g_subprocess_launcher_spawnv (launcher, (const char *const *) argv->pdata, &error);
  if (node->proc == NULL)
    {
      g_printerr ("cannot start %s: %s\n", server, error->message);
      return FALSE;
    }
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (node->proc));
  /* "tandem-server listening on port N" once it listens. */
  while ((line = g_data_input_stream_read_line (out, NULL, NULL, NULL)) != NULL)
    {
      if ((number = strstr (line, "listening on port ")) != NULL)
        {
          node->port = (guint16) g_ascii_strtoull (number + strlen ("listening on port "), NULL, 10);
          return node->port != 0;
        }
      g_clear_pointer (&line, g_free);
    }
  g_printerr ("%s did not start\n", server);
  return FALSE;
}

/* Creates a session holding the demo project on @node: its id, and the
 * editor's token in *@token. */
static char *
create_session (SoupSession  *soup,
                Process      *node,
                char        **token)
{
  g_autoptr(TandemProject) demo = tandem_project_new_demo ();
  g_autoptr(JsonNode) project = tandem_project_to_json (demo);
  g_autofree char *project_text = json_to_string (project, FALSE);
  g_autofree char *body_text = g_strdup_printf ("{\"project\":%s}", project_text);
  g_autofree char *url = g_strdup_printf ("http://127.0.0.1:%u/sessions", node->port);
  g_autoptr(SoupMessage) msg = soup_message_new ("POST", url);
  g_autoptr(GBytes) body = g_bytes_new (body_text, strlen (body_text));
  g_autoptr(GBytes) reply = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(TandemInvite) invite = NULL;
  JsonObject *invites;

  soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", "Bearer " ADMIN);
  soup_message_set_request_body_from_bytes (msg, "application/json", body);
  reply = soup_session_send_and_read (soup, msg, NULL, NULL);
  if (reply == NULL || !json_parser_load_from_data (parser, g_bytes_get_data (reply, NULL),
                                                    g_bytes_get_size (reply), NULL)
      || !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    return NULL;
  invites = json_object_get_object_member (json_node_get_object (json_parser_get_root (parser)), "invites");
  if (invites == NULL
      || (invite = tandem_invite_parse (json_object_get_string_member (invites, "editor"), NULL)) == NULL)
    return NULL;
  *token = g_strdup (invite->token);
  return g_strdup (invite->session_id);
}

/* The other nodes start with the session's folder as the first node wrote
 * it (seq 0): from there, everything comes through the stream. */
static gboolean
copy_session (const char *from_data_dir,
              const char *to_data_dir,
              const char *session_id)
{
  g_autofree char *from = g_build_filename (from_data_dir, "sessions", session_id, NULL);
  g_autofree char *to = g_build_filename (to_data_dir, "sessions", NULL);
  g_autofree char *cmd = NULL;
  int status = 0;

  if (g_mkdir_with_parents (to, 0700) != 0)
    return FALSE;
  cmd = g_strdup_printf ("cp -a '%s' '%s'", from, to);
  return g_spawn_command_line_sync (cmd, NULL, NULL, &status, NULL)
         && g_spawn_check_wait_status (status, NULL);
}

static void
print_percentiles (const char *label,
                   GArray     *samples_us)
{
  if (samples_us->len == 0)
    {
      g_print ("    %-12s no samples\n", label);
      return;
    }
  g_print ("    %-12s p50 %7.3f ms   p99 %7.3f ms   (%u samples)\n", label,
           tandem_bench_percentile ((double *) samples_us->data, samples_us->len, 50) / 1000,
           tandem_bench_percentile ((double *) samples_us->data, samples_us->len, 99) / 1000,
           samples_us->len);
}

/* One configuration: @n_nodes nodes on a fresh Redis, or (@n_nodes 0) one
 * tandem-server without --cluster. */
static gboolean
run_configuration (const char *server,
                   guint       n_nodes)
{
  g_autoptr(SoupSession) soup = soup_session_new ();
  g_autoptr(GArray) same = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) cross = g_array_new (FALSE, FALSE, sizeof (double));
  g_autofree guint64 *delivered = g_new0 (guint64, opt_clients);
  g_autofree guint *node_of = g_new0 (guint, opt_clients);
  g_autofree char **links = g_new0 (char *, opt_clients + 1);
  g_autofree char *session_id = NULL, *token = NULL;
  Process redis = { 0 }, nodes[MAX_NODES] = { { 0 } };
  double cpu_before[MAX_NODES] = { 0 }, cpu[MAX_NODES] = { 0 };
  double redis_before = 0, redis_cpu = 0;
  guint n_procs = MAX (n_nodes, 1);
  gboolean ok = FALSE;

  if (n_nodes > 0 && !redis_start (&redis))
    goto out;
  for (guint i = 0; i < n_procs; i++)
    {
      g_autofree char *dir = g_dir_make_tmp ("tandem-bench-node-XXXXXX", NULL);

      /* Later nodes start from the first node's copy of the session. */
      if (i > 0 && !copy_session (nodes[0].dir, dir, session_id))
        goto out;
      if (!node_start (&nodes[i], server, dir, redis.port, i))
        goto out;
      if (i == 0 && (session_id = create_session (soup, &nodes[0], &token)) == NULL)
        {
          g_printerr ("cannot create a session\n");
          goto out;
        }
    }
  for (guint c = 0; c < (guint) opt_clients; c++)
    {
      g_autoptr(TandemInvite) invite = NULL;

      node_of[c] = c % n_procs;
      invite = tandem_invite_new ("127.0.0.1", nodes[node_of[c]].port, session_id, token);
      links[c] = tandem_invite_to_link (invite);
    }
  for (guint i = 0; i < n_procs; i++)
    cpu_before[i] = cpu_seconds (&nodes[i]);
  if (n_nodes > 0)
    redis_before = cpu_seconds (&redis);
  ok = tandem_bench_edit_latency ((const char **) links, node_of, opt_clients, opt_rate, opt_duration,
                                  same, cross, delivered);
  for (guint i = 0; i < n_procs; i++)
    cpu[i] = cpu_seconds (&nodes[i]) - cpu_before[i];
  if (n_nodes > 0)
    redis_cpu = cpu_seconds (&redis) - redis_before;

  if (n_nodes == 0)
    g_print ("  single-node tandem-server, no Redis:\n");
  else
    g_print ("  %u node%s on one Redis:\n", n_nodes, n_nodes > 1 ? "s" : "");
  if (!ok)
    g_print ("    the clients did not all join\n");
  print_percentiles ("same node", same);
  if (n_procs > 1)
    print_percentiles ("other node", cross);
  for (guint i = 0; i < n_procs; i++)
    {
      guint64 sum = 0;

      for (guint c = 0; c < (guint) opt_clients; c++)
        if (node_of[c] == i)
          sum += delivered[c];
      g_print ("    node %u: %" G_GUINT64_FORMAT " deliveries in %.2f CPU-s: %.0f per CPU-s\n",
               i + 1, sum, cpu[i], cpu[i] > 0 ? (double) sum / cpu[i] : 0.0);
    }
  /* What Redis spends per edit says how many one Redis core carries. */
  if (n_nodes > 0)
    g_print ("    redis-server: %.2f CPU-s for %.0f edits: %.0f edits per Redis CPU-s\n",
             redis_cpu, opt_rate * opt_duration,
             redis_cpu > 0 ? opt_rate * opt_duration / redis_cpu : 0.0);

out:
  g_strfreev (links);
  links = NULL;
  for (guint i = 0; i < n_procs; i++)
    process_stop (&nodes[i]);
  process_stop (&redis);
  return ok;
}

int
tandem_bench_cluster (int    argc,
                      char **argv)
{
  g_autoptr(GOptionContext) context =
    g_option_context_new ("- tandem-server nodes on Redis against a single node");
  g_autoptr(GError) error = NULL;
  g_autofree char *server = NULL;
  g_autofree char *redis = g_find_program_in_path ("redis-server");
  gboolean ok = TRUE;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }
  if (opt_clients < 2 || opt_rate <= 0 || opt_duration <= 0)
    {
      g_printerr ("--clients must be at least 2, --rate and --duration positive\n");
      return 2;
    }
  if (redis == NULL)
    {
      g_printerr ("tandem-bench cluster needs redis-server (Debian: redis-server)\n");
      return 1;
    }
  server = opt_server ? g_strdup (opt_server) : tandem_bench_default_server_path ();
  g_print ("Edit to remote apply, %d clients, %.0f edits/s in all, %.1f s each "
           "(server: %s; Redis with appendfsync always):\n", opt_clients, opt_rate, opt_duration, server);
  for (guint n = 0; n <= MAX_NODES; n++)
    ok = run_configuration (server, n) && ok;
  return ok ? 0 : 1;
}
