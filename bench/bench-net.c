/* bench-net.c — a real tandem-server under hostile load: peak memory, simultaneous joins, answers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-bench"

#include "config.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include <glib/gstdio.h>
#include <libsoup/soup.h>

#include "tandem-bench.h"
#include "tandem-model.h"
#include "tandem-sync.h"

#define MiB (1024 * 1024)

static char *opt_server = NULL;
static int opt_joins = 300;
static char **opt_server_args = NULL;
static int opt_flooders = 1;

typedef struct
{
  GSubprocess *proc;
  char        *dir;
  char        *token;
  guint16      port;
  char        *editor;   /* invite link */
  char        *session_id;
  char        *ws_token;
} Server;

static guint64
server_kib (Server     *s,
            const char *field)
{
  return tandem_bench_proc_status_kib (g_subprocess_get_identifier (s->proc), field);
}

static gboolean
server_start (Server  *s,
              GError **error)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  g_autoptr(GDataInputStream) out = NULL;
  g_autofree char *line = NULL;
  g_autoptr(SoupSession) session = soup_session_new_with_options ("timeout", 30, NULL);
  g_autoptr(SoupMessage) msg = NULL;
  g_autoptr(GBytes) reply = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *url = NULL;
  g_autofree char *auth = NULL;
  g_autoptr(TandemInvite) invite = NULL;
  JsonObject *root;

  s->dir = g_dir_make_tmp ("tandem-bench-net-XXXXXX", error);
  if (s->dir == NULL)
    return FALSE;
  s->token = g_uuid_string_random ();
  g_subprocess_launcher_setenv (launcher, "TANDEM_ADMIN_TOKEN", s->token, TRUE);
  g_ptr_array_add (args, opt_server);
  g_ptr_array_add (args, (gpointer) "--data-dir");
  g_ptr_array_add (args, s->dir);
  g_ptr_array_add (args, (gpointer) "--port");
  g_ptr_array_add (args, (gpointer) "0");
  g_ptr_array_add (args, (gpointer) "--bind");
  g_ptr_array_add (args, (gpointer) "127.0.0.1");
  for (guint i = 0; opt_server_args && opt_server_args[i]; i++)
    g_ptr_array_add (args, opt_server_args[i]);
  g_ptr_array_add (args, NULL);
  s->proc = g_subprocess_launcher_spawnv (launcher, (const char * const *) args->pdata, error);
  if (s->proc == NULL)
    return FALSE;
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (s->proc));
  line = g_data_input_stream_read_line (out, NULL, NULL, error);
  if (line == NULL || !g_str_has_prefix (line, "tandem-server listening on port "))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "The server did not start");
      return FALSE;
    }
  s->port = atoi (line + strlen ("tandem-server listening on port "));

  url = g_strdup_printf ("http://127.0.0.1:%u/sessions", s->port);
  msg = soup_message_new ("POST", url);
  auth = g_strdup_printf ("Bearer %s", s->token);
  soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", auth);
  if ((reply = soup_session_send_and_read (session, msg, NULL, error)) == NULL)
    return FALSE;
  if (!json_parser_load_from_data (parser, g_bytes_get_data (reply, NULL), g_bytes_get_size (reply), error))
    return FALSE;
  root = json_node_get_object (json_parser_get_root (parser));
  s->editor = g_strdup (json_object_get_string_member (json_object_get_object_member (root, "invites"),
                                                       "editor"));
  invite = tandem_invite_parse (s->editor, error);
  if (invite == NULL)
    return FALSE;
  s->session_id = g_strdup (invite->session_id);
  s->ws_token = g_strdup (invite->token);
  return TRUE;
}

static void
server_stop (Server *s)
{
  if (s->proc)
    {
      g_subprocess_send_signal (s->proc, SIGKILL);
      g_subprocess_wait (s->proc, NULL, NULL);
      g_clear_object (&s->proc);
    }
  if (s->dir)
    {
      g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", s->dir);

      if (system (cmd) != 0)
        g_printerr ("cannot remove %s\n", s->dir);
    }
  g_clear_pointer (&s->dir, g_free);
  g_clear_pointer (&s->token, g_free);
  g_clear_pointer (&s->editor, g_free);
  g_clear_pointer (&s->session_id, g_free);
  g_clear_pointer (&s->ws_token, g_free);
}

/* Raw hostile peers (blocking, on their own threads) */

static GSocketConnection *
ws_open (guint16     port,
         const char *session_id)
{
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autofree char *host = g_strdup_printf ("127.0.0.1:%u", port);
  GSocketConnection *conn = g_socket_client_connect_to_host (client, host, port, NULL, NULL);
  g_autofree char *request = NULL;
  char buf[4096];
  gssize n;

  if (conn == NULL)
    return NULL;
  request = g_strdup_printf ("GET /session/%s HTTP/1.1\r\nHost: %s\r\nUpgrade: websocket\r\n"
                             "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                             "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: "
                             TANDEM_PROTOCOL_SUBPROTOCOL "\r\n\r\n", session_id, host);
  if (!g_output_stream_write_all (g_io_stream_get_output_stream (G_IO_STREAM (conn)), request,
                                  strlen (request), NULL, NULL, NULL)
      || (n = g_input_stream_read (g_io_stream_get_input_stream (G_IO_STREAM (conn)), buf,
                                   sizeof buf - 1, NULL, NULL)) <= 0)
    {
      g_object_unref (conn);
      return NULL;
    }
  return conn;
}

static gboolean
send_frame (GSocketConnection *conn,
            guint8             opcode,
            gboolean           fin,
            const char        *data,
            gsize              len)
{
  GOutputStream *out = g_io_stream_get_output_stream (G_IO_STREAM (conn));
  guint8 hdr[14];
  gsize n = 0;

  hdr[n++] = (fin ? 0x80 : 0) | opcode;
  if (len < 126)
    hdr[n++] = 0x80 | len;
  else if (len <= G_MAXUINT16)
    {
      hdr[n++] = 0x80 | 126;
      hdr[n++] = len >> 8;
      hdr[n++] = len & 0xff;
    }
  else
    {
      hdr[n++] = 0x80 | 127;
      for (int i = 7; i >= 0; i--)
        hdr[n++] = ((guint64) len >> (8 * i)) & 0xff;
    }
  memset (hdr + n, 0, 4);
  n += 4;
  return g_output_stream_write_all (out, hdr, n, NULL, NULL, NULL)
         && g_output_stream_write_all (out, data, len, NULL, NULL, NULL);
}

/* 200 MiB before any hello, in 64 KiB fragments. */
static void
bench_big_message (Server *s)
{
  g_autoptr(GSocketConnection) conn = ws_open (s->port, s->session_id);
  g_autofree char *chunk = g_malloc (64 * 1024);
  guint64 before = server_kib (s, "VmHWM:");
  guint64 sent = 0, total = 200 * (guint64) MiB;

  memset (chunk, 'x', 64 * 1024);
  while (conn && sent < total)
    {
      gsize n = MIN (64 * 1024, total - sent);

      if (!send_frame (conn, sent == 0 ? 0x1 : 0x0, sent + n == total, chunk, n))
        break;
      sent += n;
    }
  g_usleep (G_USEC_PER_SEC);
  g_print ("  200 MiB message before hello: %6.1f MiB sent before the cut, server peak RSS %.1f → %.1f MB\n",
           sent / (double) MiB, before / 1024.0, server_kib (s, "VmHWM:") / 1024.0);
}

/* Simultaneous joins */

static gboolean
keep_turning (gpointer data)
{
  return G_SOURCE_CONTINUE;
}


/* Lightweight joiners: the WebSocket, the hello, the welcome; nothing is
 * parsed, so the figure is the server's and the listener's, not 300 full
 * clients' in one process. A joiner refused (503, reset) tries again after
 * 100 ms, as a client's first backoff step would. */

typedef struct
{
  Server                  *s;
  SoupSession             *session;
  SoupWebsocketConnection *conn;
  guint                    index;
  gboolean                 joined;
  guint                    attempts;
  guint                   *n_joined;
} Joiner;

static void joiner_start (Joiner *j);

/* Once the figure is taken, late callbacks find the joiners left alone. */
static gboolean joins_over;

static gboolean
joiner_retry (gpointer data)
{
  if (!joins_over)
    joiner_start (data);
  return G_SOURCE_REMOVE;
}

static void
on_joiner_message (SoupWebsocketConnection *conn,
                   SoupWebsocketDataType    type,
                   GBytes                  *message,
                   Joiner                  *j)
{
  if (!j->joined && strstr (g_bytes_get_data (message, NULL), "\"welcome\"") != NULL)
    {
      j->joined = TRUE;
      (*j->n_joined)++;
    }
}

static void
on_joiner_closed (SoupWebsocketConnection *conn,
                  Joiner                  *j)
{
  g_signal_handlers_disconnect_by_data (conn, j);
  g_clear_object (&j->conn);
  if (!j->joined && !joins_over)
    g_timeout_add (100, joiner_retry, j);
}

static void
on_joiner_connected (GObject      *source,
                     GAsyncResult *result,
                     gpointer      data)
{
  Joiner *j = data;
  g_autofree char *hello = NULL;

  if (joins_over)
    {
      g_autoptr(SoupWebsocketConnection) late = soup_session_websocket_connect_finish (SOUP_SESSION (source),
                                                                                      result, NULL);
      return;
    }
  j->conn = soup_session_websocket_connect_finish (SOUP_SESSION (source), result, NULL);
  if (j->conn == NULL)
    {
      g_timeout_add (100, joiner_retry, j);
      return;
    }
  soup_websocket_connection_set_max_incoming_payload_size (j->conn, 0);
  g_signal_connect (j->conn, "message", G_CALLBACK (on_joiner_message), j);
  g_signal_connect (j->conn, "closed", G_CALLBACK (on_joiner_closed), j);
  hello = g_strdup_printf ("{\"type\":\"hello\",\"version\":1,\"token\":\"%s\",\"client\":\"joiner%u\"}",
                           j->s->ws_token, j->index);
  soup_websocket_connection_send_text (j->conn, hello);
}

static void
joiner_start (Joiner *j)
{
  g_autofree char *url = g_strdup_printf ("ws://127.0.0.1:%u/session/%s", j->s->port, j->s->session_id);
  g_autoptr(SoupMessage) msg = soup_message_new ("GET", url);
  char *protocols[] = { (char *) TANDEM_PROTOCOL_SUBPROTOCOL, NULL };

  j->attempts++;
  soup_session_websocket_connect_async (j->session, msg, NULL, protocols, G_PRIORITY_DEFAULT, NULL,
                                        on_joiner_connected, j);
}

static void
bench_joins (Server *s)
{
  Joiner *joiners = g_new0 (Joiner, opt_joins);
  gint64 start = g_get_monotonic_time (), end = start + 120 * G_USEC_PER_SEC;
  guint n_joined = 0, attempts = 0, timer;

  for (int i = 0; i < opt_joins; i++)
    {
      joiners[i] = (Joiner) { s, soup_session_new_with_options ("max-conns", 1000,
                                                                "max-conns-per-host", 1000,
                                                                "timeout", 60, NULL),
                              NULL, i, FALSE, 0, &n_joined };
      joiner_start (&joiners[i]);
    }
  timer = g_timeout_add (10, keep_turning, NULL);
  while (n_joined < (guint) opt_joins && g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (timer);
  for (int i = 0; i < opt_joins; i++)
    attempts += joiners[i].attempts;
  g_print ("  %d simultaneous joins: %u joined after %.2f s (%u attempts)\n", opt_joins, n_joined,
           (g_get_monotonic_time () - start) / 1e6, attempts);
  /* The server goes first: what is still pending ends with it. The
   * joiners stay allocated for callbacks still on their way. */
  joins_over = TRUE;
  server_stop (s);
  for (int i = 0; i < opt_joins; i++)
    {
      if (joiners[i].conn)
        g_signal_handlers_disconnect_by_data (joiners[i].conn, &joiners[i]);
      g_clear_object (&joiners[i].conn);
    }
}

/* A good client's answers while another socket floods without a hello */

typedef struct
{
  Server *s;
  gint    stop;
  gint    sent;
} Flood;

static gpointer
flood_thread (gpointer data)
{
  Flood *f = data;
  GString *text = g_string_new ("{\"type\":\"x\",\"x\":[");

  while (text->len < MiB - 16)
    g_string_append (text, "{},");
  g_string_append (text, "{}]}");
  while (!g_atomic_int_get (&f->stop))
    {
      g_autoptr(GSocketConnection) conn = ws_open (f->s->port, f->s->session_id);

      while (conn && !g_atomic_int_get (&f->stop))
        {
          if (!send_frame (conn, 0x1, TRUE, text->str, text->len))
            break;
          g_atomic_int_inc (&f->sent);
          g_usleep (G_USEC_PER_SEC / 5);
        }
      if (conn == NULL)
        g_usleep (G_USEC_PER_SEC / 5);
    }
  g_string_free (text, TRUE);
  return NULL;
}

typedef struct
{
  SoupWebsocketConnection *conn;
  guint                    pongs;
  gboolean                 waiting;
  gboolean                 closed;
} Good;

static void
on_good_message (SoupWebsocketConnection *conn,
                 SoupWebsocketDataType    type,
                 GBytes                  *message,
                 Good                    *g)
{
  if (strstr (g_bytes_get_data (message, NULL), "\"pong\"") != NULL)
    {
      g->pongs++;
      g->waiting = FALSE;
    }
}

static void
on_good_closed (SoupWebsocketConnection *conn,
                Good                    *g)
{
  g->closed = TRUE;
}

static void
on_good_connected (GObject      *source,
                   GAsyncResult *result,
                   gpointer      data)
{
  Good *g = data;

  g->conn = soup_session_websocket_connect_finish (SOUP_SESSION (source), result, NULL);
  g->waiting = FALSE;
}

static guint
count_answers (Server *s,
               double  seconds)
{
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autofree char *url = g_strdup_printf ("ws://127.0.0.1:%u/session/%s", s->port, s->session_id);
  g_autoptr(SoupMessage) msg = soup_message_new ("GET", url);
  char *protocols[] = { (char *) TANDEM_PROTOCOL_SUBPROTOCOL, NULL };
  g_autofree char *hello = NULL;
  Good g = { NULL, 0, TRUE, FALSE };
  gint64 end;

  soup_session_websocket_connect_async (session, msg, NULL, protocols, G_PRIORITY_DEFAULT, NULL,
                                        on_good_connected, &g);
  while (g.waiting)
    g_main_context_iteration (NULL, TRUE);
  if (g.conn == NULL)
    return 0;
  g_signal_connect (g.conn, "message", G_CALLBACK (on_good_message), &g);
  g_signal_connect (g.conn, "closed", G_CALLBACK (on_good_closed), &g);
  hello = g_strdup_printf ("{\"type\":\"hello\",\"version\":1,\"token\":\"%s\",\"client\":\"bench%u\"}",
                           s->ws_token, g_random_int ());
  soup_websocket_connection_send_text (g.conn, hello);
  end = g_get_monotonic_time () + seconds * G_USEC_PER_SEC;
  while (g_get_monotonic_time () < end && !g.closed)
    {
      if (!g.waiting)
        {
          g.waiting = TRUE;
          soup_websocket_connection_send_text (g.conn, "{\"type\":\"ping\",\"t\":1}");
        }
      g_main_context_iteration (NULL, TRUE);
    }
  if (!g.closed)
    soup_websocket_connection_close (g.conn, 1000, NULL);
  g_object_unref (g.conn);
  return g.pongs;
}

static void
bench_flood (Server *s)
{
  Flood f = { s };
  GThread *threads[16];
  int n_threads = CLAMP (opt_flooders, 1, 16);
  guint quiet, attacked;
  guint timer;

  /* A timeout keeps the loop turning while the answer is awaited. */
  timer = g_timeout_add (10, keep_turning, NULL);
  quiet = count_answers (s, 5);
  for (int i = 0; i < n_threads; i++)
    threads[i] = g_thread_new ("flood", flood_thread, &f);
  attacked = count_answers (s, 5);
  g_atomic_int_set (&f.stop, TRUE);
  for (int i = 0; i < n_threads; i++)
    g_thread_join (threads[i]);
  g_source_remove (timer);
  g_print ("  ping answers in 5 s: %u quiet, %u while %d socket(s) send 1 MiB messages 5/s without hello "
           "(%u sent)\n", quiet, attacked, n_threads, f.sent);
}

static GOptionEntry entries[] = {
  { "server", 0, 0, G_OPTION_ARG_FILENAME, &opt_server, "tandem-server to run (default: the one built beside)", "PATH" },
  { "joins", 0, 0, G_OPTION_ARG_INT, &opt_joins, "Clients joining at once (default 300)", "N" },
  { "flooders", 0, 0, G_OPTION_ARG_INT, &opt_flooders, "Sockets flooding at once (default 1)", "N" },
  { "server-arg", 0, 0, G_OPTION_ARG_STRING_ARRAY, &opt_server_args, "Extra tandem-server option (repeatable)", "ARG" },
  { NULL }
};

int
tandem_bench_net (int    argc,
                  char **argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new ("- tandem-server under hostile load");
  g_autoptr(GError) error = NULL;
  Server s = { 0 };

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return EXIT_FAILURE;
    }
  if (opt_server == NULL)
    opt_server = tandem_bench_default_server_path ();
  g_print ("net (%s)\n", opt_server);
  for (guint round = g_getenv ("TANDEM_BENCH_NET_ROUND") ? atoi (g_getenv ("TANDEM_BENCH_NET_ROUND")) : 0;
       round < 3; round++)
    {
      if (!server_start (&s, &error))
        {
          g_printerr ("cannot start %s: %s\n", opt_server, error->message);
          server_stop (&s);
          return EXIT_FAILURE;
        }
      if (round == 0)
        bench_big_message (&s);
      else if (round == 1)
        bench_joins (&s);
      else
        bench_flood (&s);
      server_stop (&s);
    }
  return EXIT_SUCCESS;
}
