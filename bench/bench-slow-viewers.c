/* bench-slow-viewers.c — a tandem-server's memory while viewers stop reading
 *
 * Twenty viewers join over bare TCP sockets with tiny receive buffers, never
 * read again and acknowledge seqs far ahead of what they were sent; one
 * editor submits batches of 64 cell edits as fast as they are echoed. The
 * server's RSS is sampled from /proc, and at the end we count the viewers
 * the server still keeps.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-bench"

#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <linux/tcp.h>

#include <glib/gstdio.h>
#include <libsoup/soup.h>

#include "tandem-bench.h"
#include "tandem-model.h"
#include "tandem-sync.h"

#define N_VIEWERS 20
#define ADMIN     "bench-slow-viewers-admin"
#define SECRET    "c2xvdy12aWV3ZXJzLWJlbmNoLXNlY3JldC0zMi1ieXQ="

static char *opt_server = NULL;
static int opt_batches = 3000;
static gboolean opt_no_ack = FALSE;

static GOptionEntry entries[] = {
  { "server", 0, 0, G_OPTION_ARG_FILENAME, &opt_server, "tandem-server to run (default: the one in this build)", "PATH" },
  { "batches", 0, 0, G_OPTION_ARG_INT, &opt_batches, "Batches the editor submits (default 3000)", "N" },
  { "no-ack", 0, 0, G_OPTION_ARG_NONE, &opt_no_ack, "The viewers never ack (only their unread bytes give them away)", NULL },
  { NULL }
};

static void
masked_text_frame (GString    *out,
                   const char *text)
{
  gsize len = strlen (text);

  g_string_append_c (out, (char) 0x81);
  if (len < 126)
    g_string_append_c (out, (char) (0x80 | len));
  else
    {
      g_string_append_c (out, (char) (0x80 | 126));
      g_string_append_c (out, (char) (len >> 8));
      g_string_append_c (out, (char) (len & 0xff));
    }
  g_string_append_len (out, "\0\0\0\0", 4);
  g_string_append_len (out, text, len);
}

static GSocket *
viewer_connect (guint16     port,
                const char *session_id,
                const char *token,
                guint       n)
{
  g_autoptr(GInetAddress) lo = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) addr = g_inet_socket_address_new (lo, port);
  g_autofree char *request = NULL;
  g_autofree char *hello = NULL;
  GSocket *sock = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, 0, NULL);
  GString *frame = g_string_new (NULL);
  char buf[4096];
  gsize got = 0;

  g_socket_set_option (sock, SOL_SOCKET, SO_RCVBUF, 4096, NULL);
  if (!g_socket_connect (sock, addr, NULL, NULL))
    g_error ("cannot connect a viewer");
  request = g_strdup_printf ("GET /session/%s HTTP/1.1\r\nHost: 127.0.0.1:%u\r\nUpgrade: websocket\r\n"
                             "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                             "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: "
                             TANDEM_PROTOCOL_SUBPROTOCOL "\r\n\r\n", session_id, port);
  g_socket_send (sock, request, strlen (request), NULL, NULL);
  while (got < sizeof buf - 1)
    {
      gssize r = g_socket_receive (sock, buf + got, 1, NULL, NULL);

      if (r <= 0)
        break;
      got += r;
      if (got >= 4 && memcmp (buf + got - 4, "\r\n\r\n", 4) == 0)
        break;
    }
  hello = g_strdup_printf ("{\"type\":\"hello\",\"version\":1,\"token\":\"%s\",\"client\":\"sloth%u\","
                           "\"secret\":\"" SECRET "\"}", token, n);
  masked_text_frame (frame, hello);
  /* The lie that hid them from the batch-count limit. */
  if (!opt_no_ack)
    masked_text_frame (frame, "{\"type\":\"ack\",\"seq\":1000000000}");
  g_socket_send (sock, frame->str, frame->len, NULL, NULL);
  g_string_free (frame, TRUE);
  return sock;
}

/* The clients the server counts in the session (GET /sessions). */
static gint64
server_clients (SoupSession *soup,
                guint16      port)
{
  g_autofree char *url = g_strdup_printf ("http://127.0.0.1:%u/sessions", port);
  g_autoptr(SoupMessage) msg = soup_message_new ("GET", url);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GBytes) body = NULL;
  JsonNode *root;
  JsonArray *sessions;

  soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", "Bearer " ADMIN);
  body = soup_session_send_and_read (soup, msg, NULL, NULL);
  if (body == NULL || !json_parser_load_from_data (parser, g_bytes_get_data (body, NULL),
                                                   g_bytes_get_size (body), NULL))
    return -1;
  root = json_parser_get_root (parser);
  if (JSON_NODE_HOLDS_OBJECT (root))
    root = json_object_get_member (json_node_get_object (root), "sessions");
  if (root == NULL || !JSON_NODE_HOLDS_ARRAY (root))
    return -1;
  sessions = json_node_get_array (root);
  if (json_array_get_length (sessions) == 0)
    return -1;
  return json_object_get_int_member (json_array_get_object_element (sessions, 0), "clients");
}

typedef struct
{
  SoupWebsocketConnection *conn;
  gboolean                 joined;
  gboolean                 echoed;
  gboolean                 closed;
} Editor;

static void
editor_message (SoupWebsocketConnection *conn,
                SoupWebsocketDataType    type,
                GBytes                  *bytes,
                Editor                  *e)
{
  gsize size;
  const char *data = g_bytes_get_data (bytes, &size);

  if (g_strstr_len (data, MIN (size, 40), "\"welcome\""))
    e->joined = TRUE;
  else if (g_strstr_len (data, MIN (size, 40), "\"batch\"")
           || g_strstr_len (data, MIN (size, 40), "\"reject\""))
    e->echoed = TRUE;
}

static void
editor_closed (SoupWebsocketConnection *conn,
               Editor                  *e)
{
  e->closed = TRUE;
}

static void
connected_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      data)
{
  Editor *e = data;

  e->conn = soup_session_websocket_connect_finish (SOUP_SESSION (source), result, NULL);
  if (e->conn == NULL)
    e->closed = TRUE;
}

static gboolean
iterate_until (gboolean *flag,
               guint     timeout_ms)
{
  gint64 end = g_get_monotonic_time () + (gint64) timeout_ms * 1000;

  while (!*flag && g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, FALSE) || (g_usleep (200), TRUE);
  return *flag;
}

static char *
batch_text (guint       cseq,
            const char *pattern,
            const char *track)
{
  GString *text = g_string_new (NULL);

  g_string_append_printf (text, "{\"type\":\"submit\",\"cseq\":%u,\"ops\":[", cseq);
  for (guint step = 0; step < 64; step++)
    {
      g_autoptr(TandemOp) op = tandem_op_new_set_cell (pattern, track, step, "velocity",
                                                       1 + (cseq + step) % 127);
      g_autoptr(JsonNode) node = tandem_op_to_json (op);
      g_autofree char *op_text = json_to_string (node, FALSE);

      g_string_append_printf (text, "%s%s", step ? "," : "", op_text);
    }
  g_string_append (text, "]}");
  return g_string_free (text, FALSE);
}

int
tandem_bench_slow_viewers (int    argc,
                           char **argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new ("- memory of a server whose viewers stop reading");
  g_autoptr(GError) error = NULL;
  g_autofree char *data_dir = NULL;
  g_autofree char *server = NULL;
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GDataInputStream) out = NULL;
  g_autofree char *line = NULL;
  g_autoptr(SoupSession) soup = soup_session_new ();
  g_autoptr(TandemProject) demo = tandem_project_new_demo ();
  g_autoptr(TandemTrack) track = g_list_model_get_item (tandem_project_get_tracks (demo), 0);
  g_autoptr(JsonNode) project = tandem_project_to_json (demo);
  g_autofree char *project_text = json_to_string (project, FALSE);
  g_autofree char *body_text = g_strdup_printf ("{\"project\":%s}", project_text);
  g_autoptr(GBytes) body = NULL;
  g_autoptr(SoupMessage) msg = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(TandemInvite) viewer = NULL, editor_invite = NULL;
  g_autofree char *url = NULL, *ws_url = NULL, *hello = NULL;
  GSocket *viewers[N_VIEWERS];
  Editor editor = { 0 };
  char *protocols[] = { (char *) TANDEM_PROTOCOL_SUBPROTOCOL, NULL };
  guint16 port = 18000 + g_random_int_range (0, 20000);
  g_autofree char *port_arg = g_strdup_printf ("%u", port);
  guint64 rss0, rss_peak = 0, rss;
  gint64 last_ping;
  guint n_open = 0, n_sent = 0;
  const char *server_pid;
  JsonObject *reply;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }
  server = opt_server ? g_strdup (opt_server) : tandem_bench_default_server_path ();
  data_dir = g_dir_make_tmp ("tandem-bench-XXXXXX", NULL);
  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_SILENCE);
  proc = g_subprocess_launcher_spawn (launcher, &error, server, "--port", port_arg, "--bind", "127.0.0.1",
                                      "--data-dir", data_dir, "--admin-token", ADMIN,
                                      "--max-ops-per-second", "1000000", NULL);
  if (proc == NULL)
    {
      g_printerr ("cannot start %s: %s\n", server, error->message);
      return 1;
    }
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (proc));
  line = g_data_input_stream_read_line (out, NULL, NULL, NULL);
  server_pid = g_subprocess_get_identifier (proc);

  url = g_strdup_printf ("http://127.0.0.1:%u/sessions", port);
  msg = soup_message_new ("POST", url);
  soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", "Bearer " ADMIN);
  body = g_bytes_new (body_text, strlen (body_text));
  soup_message_set_request_body_from_bytes (msg, "application/json", body);
  g_clear_pointer (&body, g_bytes_unref);
  body = soup_session_send_and_read (soup, msg, NULL, &error);
  if (body == NULL || !json_parser_load_from_data (parser, g_bytes_get_data (body, NULL),
                                                   g_bytes_get_size (body), NULL))
    {
      g_printerr ("cannot create a session\n");
      return 1;
    }
  reply = json_object_get_object_member (json_node_get_object (json_parser_get_root (parser)), "invites");
  viewer = tandem_invite_parse (json_object_get_string_member (reply, "viewer"), NULL);
  editor_invite = tandem_invite_parse (json_object_get_string_member (reply, "editor"), NULL);

  rss0 = tandem_bench_proc_status_kib (server_pid, "VmRSS:");
  for (guint i = 0; i < N_VIEWERS; i++)
    viewers[i] = viewer_connect (port, viewer->session_id, viewer->token, i);

  ws_url = g_strdup_printf ("ws://127.0.0.1:%u/session/%s", port, editor_invite->session_id);
  g_clear_object (&msg);
  msg = soup_message_new ("GET", ws_url);
  soup_session_websocket_connect_async (soup, msg, NULL, protocols, G_PRIORITY_DEFAULT, NULL,
                                        connected_cb, &editor);
  while (editor.conn == NULL && !editor.closed)
    g_main_context_iteration (NULL, TRUE);
  if (editor.conn == NULL)
    return 1;
  soup_websocket_connection_set_max_incoming_payload_size (editor.conn, 64 * 1024 * 1024);
  g_signal_connect (editor.conn, "message", G_CALLBACK (editor_message), &editor);
  g_signal_connect (editor.conn, "closed", G_CALLBACK (editor_closed), &editor);
  hello = g_strdup_printf ("{\"type\":\"hello\",\"version\":1,\"token\":\"%s\",\"client\":\"editor\","
                           "\"secret\":\"" SECRET "\"}", editor_invite->token);
  soup_websocket_connection_send_text (editor.conn, hello);
  iterate_until (&editor.joined, 5000);

  last_ping = g_get_monotonic_time ();
  for (guint cseq = 1; cseq <= (guint) opt_batches && !editor.closed; cseq++)
    {
      g_autofree char *text = batch_text (cseq, tandem_project_get_current_pattern (demo),
                                          tandem_track_get_id (track));

      editor.echoed = FALSE;
      soup_websocket_connection_send_text (editor.conn, text);
      if (!iterate_until (&editor.echoed, 10000))
        break;
      n_sent++;
      if (g_get_monotonic_time () - last_ping > 2 * G_USEC_PER_SEC)
        {
          /* Alive, as far as the idle timeout can tell (pings still ack ahead). */
          GString *frame = g_string_new (NULL);

          masked_text_frame (frame, opt_no_ack ? "{\"type\":\"ping\",\"t\":1}"
                                               : "{\"type\":\"ping\",\"t\":1,\"seq\":1000000000}");
          for (guint i = 0; i < N_VIEWERS; i++)
            g_socket_send_with_blocking (viewers[i], frame->str, frame->len, FALSE, NULL, NULL);
          g_string_free (frame, TRUE);
          last_ping = g_get_monotonic_time ();
        }
      if (cseq % 20 == 0)
        rss_peak = MAX (rss_peak, tandem_bench_proc_status_kib (server_pid, "VmRSS:"));
    }
  rss = tandem_bench_proc_status_kib (server_pid, "VmRSS:");
  rss_peak = MAX (rss_peak, rss);
  n_open = (guint) CLAMP (server_clients (soup, port) - 1, 0, N_VIEWERS);

  g_print ("server: %s\n", server);
  g_print ("%u viewers not reading%s, %u batches of 64 edits echoed to the editor\n",
           N_VIEWERS, opt_no_ack ? " and never acking" : " and acking ahead", n_sent);
  g_print ("server RSS: %.1f MB before the viewers, %.1f MB peak, %.1f MB at the end\n",
           rss0 / 1024.0, rss_peak / 1024.0, rss / 1024.0);
  g_print ("viewers the server still serves: %u of %u\n", n_open, N_VIEWERS);

  for (guint i = 0; i < N_VIEWERS; i++)
    {
      g_socket_close (viewers[i], NULL);
      g_object_unref (viewers[i]);
    }
  g_clear_object (&editor.conn);
  g_subprocess_force_exit (proc);
  g_subprocess_wait (proc, NULL, NULL);
  tandem_bench_remove_tree (data_dir);
  return 0;
}
