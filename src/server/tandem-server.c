/* tandem-server.c — the headless session server
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-server"

#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib-unix.h>
#include <glib/gstdio.h>

#include "tandem-cluster.h"
#include "tandem-session-server.h"

static int opt_port = 8421;
static char *opt_data_dir = NULL;
static char *opt_bind = NULL;
static char *opt_admin_token = NULL;
static char *opt_public_host = NULL;
static gboolean opt_list = FALSE;
static gboolean opt_version = FALSE;
static gint64 opt_max_message_bytes = 0;
static double opt_max_ops_per_second = 0;
static int opt_max_clients = 0;
static int opt_max_sessions = 0;
static int opt_max_behind = 0;
static gint64 opt_max_queue_bytes = 0;
static int opt_max_viewers = 0;
static gint64 opt_max_sample_bytes = 0;
static gint64 opt_max_session_sample_bytes = 0;
static int opt_snapshot_every = 0;
static int opt_max_unauthenticated = 0;
static int opt_max_unauthenticated_per_address = 0;
static int opt_fd_headroom = -1;
static int opt_request_timeout = 0;
static int opt_hello_timeout = 0;
/* TLS */
static char *opt_tls_cert = NULL;
static char *opt_tls_key = NULL;
static gboolean opt_insecure = FALSE;
/* History retention (docs/server.md, "History"). */
static gint64 opt_history_max_mb = 0;
static int opt_history_max_days = 0;
static gboolean opt_no_history = FALSE;
/* Cluster (docs/cluster.md). */
static char *opt_cluster = NULL;
static char *opt_node_id = NULL;
static int opt_cluster_replicas = 0;
static char *opt_sample_dir = NULL;
static char **opt_invite_also = NULL;

static GOptionEntry entries[] = {
  { "port", 'p', 0, G_OPTION_ARG_INT, &opt_port, "Port to listen on (0: any free port; default 8421)", "N" },
  { "data-dir", 'd', 0, G_OPTION_ARG_FILENAME, &opt_data_dir, "Directory of sessions, journals and the admin token (required)", "DIR" },
  { "bind", 'b', 0, G_OPTION_ARG_STRING, &opt_bind, "IP address to listen on (default: all interfaces)", "ADDR" },
  { "admin-token", 0, 0, G_OPTION_ARG_STRING, &opt_admin_token, "Token for the HTTP API (default: $TANDEM_ADMIN_TOKEN, else DIR/admin-token, created if missing)", "TOKEN" },
  { "public-host", 0, 0, G_OPTION_ARG_STRING, &opt_public_host, "Host name to put in invite links (default: the request's Host)", "HOST" },
  { "list", 'l', 0, G_OPTION_ARG_NONE, &opt_list, "List the sessions stored in DIR and exit", NULL },
  { "max-message-bytes", 0, 0, G_OPTION_ARG_INT64, &opt_max_message_bytes, "Largest accepted message (default 1048576)", "BYTES" },
  { "max-ops-per-second", 0, 0, G_OPTION_ARG_DOUBLE, &opt_max_ops_per_second, "Edits per second per client (default 200, bursts of twice that)", "N" },
  { "max-clients", 0, 0, G_OPTION_ARG_INT, &opt_max_clients, "Clients per session (default 64)", "N" },
  { "max-sessions", 0, 0, G_OPTION_ARG_INT, &opt_max_sessions, "Sessions per server (default 256)", "N" },
  { "max-behind", 0, 0, G_OPTION_ARG_INT, &opt_max_behind, "Milliseconds a client may leave a batch unacknowledged before it is dropped (default 10000)", "MS" },
  { "max-queue-bytes", 0, 0, G_OPTION_ARG_INT64, &opt_max_queue_bytes, "Unread bytes per client before it is dropped (default 1048576)", "BYTES" },
  { "max-viewers", 0, 0, G_OPTION_ARG_INT, &opt_max_viewers, "Viewers per session, below --max-clients (default 48)", "N" },
  { "max-sample-bytes", 0, 0, G_OPTION_ARG_INT64, &opt_max_sample_bytes, "Largest sample file (default 104857600)", "BYTES" },
  { "max-session-sample-bytes", 0, 0, G_OPTION_ARG_INT64, &opt_max_session_sample_bytes, "Sample bytes per session (default 1073741824)", "BYTES" },
  { "snapshot-every", 0, 0, G_OPTION_ARG_INT, &opt_snapshot_every, "Journal records between snapshots (default 1000)", "N" },
  { "max-unauthenticated", 0, 0, G_OPTION_ARG_INT, &opt_max_unauthenticated, "Connections not joined or authorized yet (default 1024; beyond: 503)", "N" },
  { "max-unauthenticated-per-address", 0, 0, G_OPTION_ARG_INT, &opt_max_unauthenticated_per_address, "The same from one IP address (default 128)", "N" },
  { "fd-headroom", 0, 0, G_OPTION_ARG_INT, &opt_fd_headroom, "File descriptors kept free below the limit (default 64; beyond: 503)", "N" },
  { "request-timeout", 0, 0, G_OPTION_ARG_INT, &opt_request_timeout, "Milliseconds for the TLS handshake and an HTTP request's headers or the upgrade (default 10000)", "MS" },
  { "hello-timeout", 0, 0, G_OPTION_ARG_INT, &opt_hello_timeout, "Milliseconds from the upgrade to the hello (default 5000)", "MS" },
  { "tls-cert", 0, 0, G_OPTION_ARG_FILENAME, &opt_tls_cert, "PEM certificate (chain) to serve wss:// and https:// with", "FILE" },
  { "tls-key", 0, 0, G_OPTION_ARG_FILENAME, &opt_tls_key, "PEM private key of --tls-cert (default: read from the same file)", "FILE" },
  { "insecure", 0, 0, G_OPTION_ARG_NONE, &opt_insecure, "Serve plain ws:// on a non-loopback address without a certificate: tokens and edits travel in clear", NULL },
  { "history-max-mb", 0, 0, G_OPTION_ARG_INT64, &opt_history_max_mb, "History kept per session, in MiB; the oldest goes first (default: no limit)", "MB" },
  { "history-max-days", 0, 0, G_OPTION_ARG_INT, &opt_history_max_days, "Days of history kept per session (default: no limit)", "DAYS" },
  { "no-history", 0, 0, G_OPTION_ARG_NONE, &opt_no_history, "Discard the journal at each snapshot instead of keeping it as history", NULL },
  { "cluster", 0, 0, G_OPTION_ARG_STRING, &opt_cluster, "Keep each session's log in Redis, shared with other nodes (docs/cluster.md)", "redis://HOST:PORT[/DB]" },
  { "node-id", 0, 0, G_OPTION_ARG_STRING, &opt_node_id, "Name of this node in the cluster (required with --cluster)", "NAME" },
  { "cluster-replicas", 0, 0, G_OPTION_ARG_INT, &opt_cluster_replicas, "Redis replicas that must confirm a write before it is acknowledged (default 0)", "N" },
  { "sample-dir", 0, 0, G_OPTION_ARG_FILENAME, &opt_sample_dir, "Keep every session's samples in DIR/<session id>/, a folder the nodes of a cluster share (default: in each session's folder)", "DIR" },
  { "invite-also", 0, 0, G_OPTION_ARG_STRING_ARRAY, &opt_invite_also, "Another node of the cluster to list in invite links (repeatable, at most 8)", "HOST:PORT" },
  { "version", 0, 0, G_OPTION_ARG_NONE, &opt_version, "Print the version and exit", NULL },
  { NULL }
};

/* Open sessions: anyone may create one, within a rate, and idle ones go. */
static gboolean opt_open_sessions = FALSE;
static int opt_open_sessions_per_hour = 10;
static double opt_idle_expiry_hours = -1;

static GOptionEntry open_entries[] = {
  { "open-sessions", 0, 0, G_OPTION_ARG_NONE, &opt_open_sessions, "Let anyone create a session (POST /sessions) without the admin token", NULL },
  { "open-sessions-per-hour", 0, 0, G_OPTION_ARG_INT, &opt_open_sessions_per_hour, "Sessions one address may create so per hour (default 10; 0: no limit)", "N" },
  { "idle-expiry", 0, 0, G_OPTION_ARG_DOUBLE, &opt_idle_expiry_hours, "Delete a session nobody joined or edited for HOURS (fractions allowed; default 24 with --open-sessions, else never; 0: never)", "HOURS" },
  { NULL }
};

static gboolean
apply_open_sessions_options (TandemSessionServer *server,
                             GError             **error)
{
  double hours = opt_idle_expiry_hours >= 0 ? opt_idle_expiry_hours
                                            : opt_open_sessions ? 24 : 0;

  if (opt_open_sessions_per_hour < 0 || hours > 24 * 365 * 10)
    {
      g_set_error_literal (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                           "--open-sessions-per-hour and --idle-expiry take positive values");
      return FALSE;
    }
  tandem_session_server_set_open_sessions (server, opt_open_sessions,
                                           opt_open_sessions_per_hour);
  tandem_session_server_set_idle_expiry (server, (guint64) (hours * 3600 * 1000));
  if (opt_open_sessions)
    g_message ("Open sessions: anyone may create %d an hour per address; idle ones go after "
               "%g h", opt_open_sessions_per_hour, hours);
  return TRUE;
}

static char *
load_admin_token (GError **error)
{
  g_autofree char *path = g_build_filename (opt_data_dir, "admin-token", NULL);
  g_autofree char *contents = NULL;
  const char *env = g_getenv ("TANDEM_ADMIN_TOKEN");

  if (opt_admin_token)
    return g_strdup (opt_admin_token);
  if (env && *env)
    return g_strdup (env);
  if (g_file_get_contents (path, &contents, NULL, NULL))
    return g_strdup (g_strstrip (contents));

  /* 256 random bits, URL-safe. */
  {
    guint8 raw[32];
    g_autofree char *token = NULL;
    FILE *f = fopen ("/dev/urandom", "rb");

    if (f == NULL || fread (raw, 1, sizeof raw, f) != sizeof raw)
      {
        if (f)
          fclose (f);
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "Cannot read /dev/urandom");
        return NULL;
      }
    fclose (f);
    token = g_base64_encode (raw, sizeof raw);
    for (char *p = token; *p; p++)
      *p = *p == '+' ? '-' : *p == '/' ? '_' : *p == '=' ? '\0' : *p;
    if (!g_file_set_contents_full (path, token, -1, G_FILE_SET_CONTENTS_CONSISTENT, 0600, error))
      return NULL;
    g_message ("Created a new admin token in %s", path);
    return g_steal_pointer (&token);
  }
}

/* TLS: a certificate, or plain only where nothing leaves the machine (a
 * loopback bind address) or where the operator said so (--insecure). */
static gboolean
bind_is_loopback (void)
{
  g_autoptr(GInetAddress) inet = opt_bind ? g_inet_address_new_from_string (opt_bind) : NULL;

  return inet != NULL && g_inet_address_get_is_loopback (inet);
}

static gboolean
load_tls (GTlsCertificate **out)
{
  g_autoptr(GTlsCertificate) certificate = NULL;
  g_autoptr(GError) error = NULL;

  if (opt_tls_cert == NULL && opt_tls_key != NULL)
    {
      g_printerr ("tandem-server: --tls-key needs --tls-cert\n");
      return FALSE;
    }
  if (opt_tls_cert == NULL)
    {
      if (bind_is_loopback ())
        return TRUE;
      if (opt_insecure)
        {
          g_warning ("Serving plain ws:// with --insecure: tokens and edits travel in clear");
          return TRUE;
        }
      g_printerr ("tandem-server: refusing to serve a network without encryption.\n"
                  "  Give a certificate:  --tls-cert FILE.pem --tls-key KEY.pem\n"
                  "  or listen on this machine only:  --bind 127.0.0.1\n"
                  "  or accept that invite tokens travel in clear:  --insecure\n");
      return FALSE;
    }
  certificate = opt_tls_key ? g_tls_certificate_new_from_files (opt_tls_cert, opt_tls_key, &error)
                            : g_tls_certificate_new_from_file (opt_tls_cert, &error);
  if (certificate == NULL)
    {
      g_printerr ("tandem-server: cannot load the TLS certificate: %s\n", error->message);
      return FALSE;
    }
  g_message ("Serving wss:// and https:// with %s", opt_tls_cert);
  *out = g_steal_pointer (&certificate);
  return TRUE;
}

static gboolean
quit_cb (gpointer data)
{
  g_message ("Shutting down");
  g_main_loop_quit (data);
  return G_SOURCE_REMOVE;
}

static int
list_sessions (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TandemSessionServer) server = tandem_session_server_new (opt_data_dir, &error);
  g_auto(GStrv) ids = NULL;

  if (server == NULL)
    {
      g_printerr ("tandem-server: %s\n", error->message);
      return EXIT_FAILURE;
    }
  ids = tandem_session_server_list_sessions (server);
  g_print ("%-24s %10s\n", "SESSION", "SEQ");
  for (guint i = 0; ids[i]; i++)
    g_print ("%-24s %10" G_GUINT64_FORMAT "\n", ids[i], tandem_session_server_get_seq (server, ids[i]));
  g_print ("%u session(s) in %s\n", g_strv_length (ids), opt_data_dir);
  return EXIT_SUCCESS;
}

/* Redis must answer at start; later outages refuse edits until it is back. */
static gboolean
open_cluster (TandemCluster **out)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TandemCluster) cluster = NULL;

  if (opt_cluster_replicas < 0)
    {
      g_printerr ("tandem-server: --cluster-replicas cannot be negative\n");
      return FALSE;
    }
  if ((cluster = tandem_cluster_new (opt_cluster, opt_node_id, (guint) opt_cluster_replicas, &error)) == NULL
      || !tandem_cluster_check (cluster, &error))
    {
      g_printerr ("tandem-server: %s\n", error->message);
      return FALSE;
    }
  *out = g_steal_pointer (&cluster);
  return TRUE;
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new ("- host Tandem sessions");
  g_autoptr(GError) error = NULL;
  /* Before the server: freed after it. */
  g_autoptr(TandemCluster) cluster = NULL;
  g_autoptr(TandemSessionServer) server = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  g_autofree char *admin_token = NULL;
  g_autoptr(GTlsCertificate) certificate = NULL;
  TandemServerLimits limits;

  g_log_writer_default_set_use_stderr (TRUE);
  /* Every connection is a descriptor: take all the system allows. */
  tandem_session_server_raise_fd_limit ();
  g_option_context_add_main_entries (context, entries, NULL);
  g_option_context_add_main_entries (context, open_entries, NULL);
  g_option_context_set_description (context,
    "Sessions are created with the HTTP API on the same port:\n"
    "  curl -X POST -H \"Authorization: Bearer $(cat DIR/admin-token)\" http://HOST:PORT/sessions\n"
    "  (https:// with --tls-cert)\n"
    "With --tls-cert (and --tls-key) the same port serves https:// and wss:// only,\n"
    "and invite links are tandem://...; a self-signed certificate is pinned in them\n"
    "(...&fp=sha256:...). Without a certificate tandem-server only listens on a\n"
    "loopback --bind address, unless --insecure is given (links then say\n"
    "...&insecure=1, and tokens travel in clear).\n"
    "With --open-sessions, no token is needed.\n"
    "See docs/server.md for the data directory, the API, the limits and the errors.");
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("tandem-server: %s\nTry \"tandem-server --help\".\n", error->message);
      return EXIT_FAILURE;
    }
  if (opt_version)
    {
      g_print ("tandem-server %s (protocol %s)\n", PACKAGE_VERSION, TANDEM_PROTOCOL_SUBPROTOCOL);
      return EXIT_SUCCESS;
    }
  if (opt_data_dir == NULL)
    {
      g_printerr ("tandem-server: --data-dir is required\nTry \"tandem-server --help\".\n");
      return EXIT_FAILURE;
    }
  if (opt_port < 0 || opt_port > 65535)
    {
      g_printerr ("tandem-server: --port must be 0..65535\n");
      return EXIT_FAILURE;
    }
  if (g_mkdir_with_parents (opt_data_dir, 0700) != 0)
    {
      g_printerr ("tandem-server: cannot create %s: %s\n", opt_data_dir, g_strerror (errno));
      return EXIT_FAILURE;
    }
  if (opt_list)
    return list_sessions ();
  if (!load_tls (&certificate))
    return EXIT_FAILURE;

  if ((admin_token = load_admin_token (&error)) == NULL)
    {
      g_printerr ("tandem-server: %s\n", error->message);
      return EXIT_FAILURE;
    }
  if (opt_cluster && !open_cluster (&cluster))
    return EXIT_FAILURE;
  server = tandem_session_server_new (opt_data_dir, &error);
  if (server == NULL)
    {
      g_printerr ("tandem-server: %s\n", error->message);
      return EXIT_FAILURE;
    }
  if (cluster)
    tandem_cluster_attach (cluster, server);
  if (opt_sample_dir
      && !tandem_session_server_set_sample_dir (server, opt_sample_dir,
                                                opt_node_id ? opt_node_id : "node", &error))
    {
      g_printerr ("tandem-server: --sample-dir: %s\n", error->message);
      return EXIT_FAILURE;
    }
  if (opt_invite_also)
    {
      /* The same rules as a link that carries them. */
      g_autoptr(GString) probe = g_string_new ("tandem://localhost:1/s?token=t");
      g_autoptr(TandemInvite) parsed = NULL;

      for (guint i = 0; opt_invite_also[i]; i++)
        g_string_append_printf (probe, "&also=%s", opt_invite_also[i]);
      if ((parsed = tandem_invite_parse (probe->str, &error)) == NULL)
        {
          g_printerr ("tandem-server: --invite-also: %s\n", error->message);
          return EXIT_FAILURE;
        }
      tandem_session_server_set_invite_also (server, (const char * const *) parsed->also);
    }
  limits = *tandem_session_server_get_limits (server);
  if (opt_max_message_bytes > 0)
    limits.max_message_bytes = opt_max_message_bytes;
  if (opt_max_ops_per_second > 0)
    {
      limits.max_ops_per_second = opt_max_ops_per_second;
      limits.ops_burst = MAX (2 * opt_max_ops_per_second, limits.max_ops_per_batch);
      limits.max_messages_per_second = MAX (limits.max_messages_per_second, 2 * opt_max_ops_per_second);
    }
  if (opt_max_clients > 0)
    limits.max_clients_per_session = opt_max_clients;
  if (opt_max_sessions > 0)
    limits.max_sessions = opt_max_sessions;
  if (opt_max_behind > 0)
    limits.max_behind_ms = opt_max_behind;
  if (opt_max_queue_bytes > 0)
    limits.max_outbound_bytes = opt_max_queue_bytes;
  if (opt_max_viewers > 0)
    limits.max_viewers_per_session = opt_max_viewers;
  if (opt_max_sample_bytes > 0)
    limits.max_sample_bytes = opt_max_sample_bytes;
  if (opt_max_session_sample_bytes > 0)
    limits.max_session_sample_bytes = opt_max_session_sample_bytes;
  if (opt_snapshot_every > 0)
    limits.snapshot_every = opt_snapshot_every;
  if (opt_max_unauthenticated > 0)
    limits.max_unauthenticated = opt_max_unauthenticated;
  if (opt_max_unauthenticated_per_address > 0)
    limits.max_unauthenticated_per_address = opt_max_unauthenticated_per_address;
  if (opt_fd_headroom >= 0)
    limits.fd_headroom = opt_fd_headroom;
  if (opt_request_timeout > 0)
    limits.request_timeout_ms = opt_request_timeout;
  if (opt_hello_timeout > 0)
    limits.hello_timeout_ms = opt_hello_timeout;
  tandem_session_server_set_limits (server, &limits);
  tandem_session_server_set_keep_history (server, !opt_no_history);
  if (opt_history_max_mb < 0 || opt_history_max_days < 0)
    {
      g_printerr ("tandem-server: history limits cannot be negative\n");
      return EXIT_FAILURE;
    }
  tandem_session_server_set_history_retention (server, (guint64) opt_history_max_mb * 1024 * 1024,
                                               (gint64) opt_history_max_days * 24 * 3600);
  tandem_session_server_set_admin_token (server, admin_token);
  explicit_bzero (admin_token, strlen (admin_token));
  if (opt_public_host)
    tandem_session_server_set_public_host (server, opt_public_host);
  tandem_session_server_set_tls_certificate (server, certificate);
  if (!apply_open_sessions_options (server, &error))
    {
      g_printerr ("tandem-server: %s\n", error->message);
      return EXIT_FAILURE;
    }

  if (!tandem_session_server_listen (server, opt_bind, opt_port, &error))
    {
      g_printerr ("tandem-server: cannot listen: %s\n", error->message);
      return EXIT_FAILURE;
    }
  g_message ("%u session(s) recovered from %s", tandem_session_server_get_n_sessions (server),
             opt_data_dir);
  /* The one line on stdout: tools and tests read the port from it. */
  g_print ("tandem-server listening on port %u\n", tandem_session_server_get_port (server));
  fflush (stdout);

  loop = g_main_loop_new (NULL, FALSE);
  g_unix_signal_add (SIGTERM, quit_cb, loop);
  g_unix_signal_add (SIGINT, quit_cb, loop);
  g_main_loop_run (loop);

  tandem_session_server_shutdown (server);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  return EXIT_SUCCESS;
}
