/* bench-sync.c — edit → remote-apply latency, server fan-out, raw WebSocket RTT
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-bench"

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <glib/gstdio.h>
#include <libsoup/soup.h>

#include "tandem-bench.h"
#include "tandem-model.h"
#include "tandem-sync.h"

/* Each connection has its own random id; one secret proves any of them. */
#define BENCH_SECRET "YmVuY2gtc3luYy1jbGllbnQtc2VjcmV0LTMyLWJ5dGU="

static double opt_duration = 3.0;
static gboolean opt_no_fsync = FALSE;
static int opt_history_edits = 100000;
static gboolean opt_history_only = FALSE;

static gboolean
set_flag (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

/* Iterates the default context until *done or @timeout_ms. */
static void
run_until (gboolean *done,
           guint     timeout_ms)
{
  gboolean timed_out = FALSE;
  guint id = g_timeout_add (timeout_ms, set_flag, &timed_out);

  while (!*done && !timed_out)
    g_main_context_iteration (NULL, TRUE);
  if (!timed_out)
    g_source_remove (id);
}

static void
print_latency (const char *label,
               GArray     *samples_us)
{
  double *v = (double *) samples_us->data;
  gsize n = samples_us->len;
  double p50 = tandem_bench_percentile (v, n, 50);
  double p99 = tandem_bench_percentile (v, n, 99);
  double max = tandem_bench_percentile (v, n, 100);

  g_print ("  %-34s p50 %7.3f ms   p99 %7.3f ms   max %7.3f ms   (%" G_GSIZE_FORMAT " samples)\n",
           label, p50 / 1000, p99 / 1000, max / 1000, n);
}

/* Raw WebSocket echo: the floor any protocol on libsoup starts from. */

typedef struct
{
  GThread      *thread;
  GMainContext *context;
  GMainLoop    *loop;
  SoupServer   *server;
  guint16       port;
  GMutex        mutex;
  GCond         cond;
  gboolean      ready;
} EchoServer;

static void
echo_message (SoupWebsocketConnection *conn,
              SoupWebsocketDataType    type,
              GBytes                  *message,
              gpointer                 data)
{
  soup_websocket_connection_send_message (conn, type, message);
}

static void
echo_ws (SoupServer              *server,
         SoupServerMessage       *msg,
         const char              *path,
         SoupWebsocketConnection *conn,
         gpointer                 data)
{
  g_object_ref (conn);
  g_signal_connect (conn, "message", G_CALLBACK (echo_message), NULL);
  g_signal_connect (conn, "closed", G_CALLBACK (g_object_unref), NULL);
}

static gpointer
echo_thread (gpointer data)
{
  EchoServer *es = data;
  g_autoptr(GSocketAddress) addr = g_inet_socket_address_new_from_string ("127.0.0.1", 0);
  GSList *uris;

  g_main_context_push_thread_default (es->context);
  es->server = soup_server_new (NULL, NULL);
  soup_server_add_websocket_handler (es->server, "/echo", NULL, NULL, echo_ws, NULL, NULL);
  soup_server_listen (es->server, addr, 0, NULL);
  uris = soup_server_get_uris (es->server);
  es->port = g_uri_get_port (uris->data);
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
  g_mutex_lock (&es->mutex);
  es->ready = TRUE;
  g_cond_signal (&es->cond);
  g_mutex_unlock (&es->mutex);
  g_main_loop_run (es->loop);
  soup_server_disconnect (es->server);
  g_clear_object (&es->server);
  g_main_context_pop_thread_default (es->context);
  return NULL;
}

typedef struct
{
  SoupWebsocketConnection *conn;
  gboolean                 got;
  gboolean                 connected;
} EchoClient;

static void
echo_reply (SoupWebsocketConnection *conn,
            SoupWebsocketDataType    type,
            GBytes                  *message,
            EchoClient              *ec)
{
  ec->got = TRUE;
}

static void
connected_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      data)
{
  EchoClient *ec = data;

  ec->conn = soup_session_websocket_connect_finish (SOUP_SESSION (source), result, NULL);
  ec->connected = TRUE;
}

static void
bench_echo (void)
{
  EchoServer es = { 0, };
  EchoClient ec = { 0, };
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autofree char *url = NULL;
  g_autoptr(SoupMessage) msg = NULL;
  g_autoptr(GArray) samples = g_array_new (FALSE, FALSE, sizeof (double));
  /* About the size of a batch message carrying one cell edit. */
  const char *payload = "{\"type\":\"batch\",\"seq\":1234,\"client\":\"0123456789abcdef0123456789abcdef\","
                        "\"cseq\":42,\"ops\":[{\"op\":\"set\",\"kind\":\"cell\",\"id\":\"0123456789abcdef0123456789abcdef\","
                        "\"track\":\"0123456789abcdef0123456789abcdef\",\"step\":3,\"prop\":\"velocity\",\"value\":100}]}";

  g_mutex_init (&es.mutex);
  g_cond_init (&es.cond);
  es.context = g_main_context_new ();
  es.loop = g_main_loop_new (es.context, FALSE);
  es.thread = g_thread_new ("echo", echo_thread, &es);
  g_mutex_lock (&es.mutex);
  while (!es.ready)
    g_cond_wait (&es.cond, &es.mutex);
  g_mutex_unlock (&es.mutex);

  url = g_strdup_printf ("ws://127.0.0.1:%u/echo", es.port);
  msg = soup_message_new ("GET", url);
  soup_session_websocket_connect_async (session, msg, NULL, NULL, G_PRIORITY_DEFAULT, NULL,
                                        connected_cb, &ec);
  run_until (&ec.connected, 5000);
  g_assert (ec.conn != NULL);
  g_signal_connect (ec.conn, "message", G_CALLBACK (echo_reply), &ec);

  for (guint i = 0; i < 2000; i++)
    {
      gint64 t0 = g_get_monotonic_time ();
      double dt;

      ec.got = FALSE;
      soup_websocket_connection_send_text (ec.conn, payload);
      run_until (&ec.got, 5000);
      dt = (double) (g_get_monotonic_time () - t0);
      if (i >= 100)
        g_array_append_val (samples, dt);
    }
  g_print ("Raw WebSocket echo round trip (libsoup, loopback, server on its own thread):\n");
  print_latency ("echo RTT", samples);

  soup_websocket_connection_close (ec.conn, 1000, NULL);
  g_clear_object (&ec.conn);
  g_main_context_invoke (es.context, (GSourceFunc) g_main_loop_quit, es.loop);
  g_thread_join (es.thread);
  g_main_loop_unref (es.loop);
  g_main_context_unref (es.context);
}

/* Edit → remote-apply latency through TandemSyncClient and the server. */

static void
bench_latency (TandemSessionHost *host,
               guint              n_clients,
               double             rate)
{
  g_autofree char *invite = tandem_session_host_dup_invite (host, TANDEM_ROLE_EDITOR);
  g_autofree const char **links = g_new0 (const char *, n_clients);
  g_autoptr(GArray) samples = g_array_new (FALSE, FALSE, sizeof (double));
  g_autofree char *label = NULL;

  for (guint i = 0; i < n_clients; i++)
    links[i] = invite;
  tandem_bench_edit_latency (links, NULL, n_clients, rate, opt_duration, samples, NULL, NULL);
  label = g_strdup_printf ("%u clients, %.0f edits/s in total", n_clients, rate);
  print_latency (label, samples);
}

/* Fan-out: raw receivers on their own thread count what the server delivers. */

typedef struct
{
  GMainContext *context;
  GMainLoop    *loop;
  GThread      *thread;
  char         *endpoint;
  char         *session;
  char         *token;
  guint         n;
  gint          delivered;
  gint          ready;
} Receivers;

typedef struct
{
  Receivers *rx;
  guint64    last_acked;
  guint      count;
} Receiver;

static void
rx_message (SoupWebsocketConnection *conn,
            SoupWebsocketDataType    type,
            GBytes                  *message,
            Receiver                *r)
{
  gsize size;
  const char *data = g_bytes_get_data (message, &size);
  const char *seq;

  if (size > 15 && memcmp (data, "{\"type\":\"batch\"", 15) == 0)
    {
      g_atomic_int_inc (&r->rx->delivered);
      if (++r->count % 256 == 0 && (seq = strstr (data, "\"seq\":")) != NULL)
        {
          g_autofree char *ack = g_strdup_printf ("{\"type\":\"ack\",\"seq\":%" G_GUINT64_FORMAT "}",
                                                  g_ascii_strtoull (seq + 6, NULL, 10));
          soup_websocket_connection_send_text (conn, ack);
        }
    }
  else if (size > 17 && memcmp (data, "{\"type\":\"welcome\"", 17) == 0)
    g_atomic_int_inc (&r->rx->ready);
}

static void
rx_connected (GObject      *source,
              GAsyncResult *result,
              gpointer      data)
{
  Receiver *r = data;
  SoupWebsocketConnection *conn = soup_session_websocket_connect_finish (SOUP_SESSION (source), result, NULL);
  g_autofree char *hello = NULL;

  g_assert (conn != NULL);
  soup_websocket_connection_set_max_incoming_payload_size (conn, 64 * 1024 * 1024);
  g_signal_connect (conn, "message", G_CALLBACK (rx_message), r);
  hello = g_strdup_printf ("{\"type\":\"hello\",\"version\":1,\"token\":\"%s\",\"client\":\"rx%08x\","
                           "\"secret\":\"%s\"}", r->rx->token, g_random_int (), BENCH_SECRET);
  soup_websocket_connection_send_text (conn, hello);
}

static gpointer
rx_thread (gpointer data)
{
  Receivers *rx = data;
  SoupSession *session;
  char *protocols[] = { (char *) TANDEM_PROTOCOL_SUBPROTOCOL, NULL };

  g_main_context_push_thread_default (rx->context);
  session = soup_session_new_with_options ("max-conns", 256, "max-conns-per-host", 256, NULL);
  for (guint i = 0; i < rx->n; i++)
    {
      Receiver *r = g_new0 (Receiver, 1);
      SoupMessage *msg = soup_message_new ("GET", rx->endpoint);

      r->rx = rx;
      soup_session_websocket_connect_async (session, msg, NULL, protocols, G_PRIORITY_DEFAULT,
                                            NULL, rx_connected, r);
      g_object_unref (msg);
    }
  g_main_loop_run (rx->loop);
  g_main_context_pop_thread_default (rx->context);
  return NULL;
}

typedef struct
{
  SoupWebsocketConnection *conn;
  gboolean                 connected;
  guint64                  echoed;
  gboolean                 joined;
} Sender;

static void
tx_message (SoupWebsocketConnection *conn,
            SoupWebsocketDataType    type,
            GBytes                  *message,
            Sender                  *s)
{
  gsize size;
  const char *data = g_bytes_get_data (message, &size);

  if (size > 15 && memcmp (data, "{\"type\":\"batch\"", 15) == 0)
    s->echoed++;
  else if (size > 17 && memcmp (data, "{\"type\":\"welcome\"", 17) == 0)
    s->joined = TRUE;
}

static void
tx_connected (GObject      *source,
              GAsyncResult *result,
              gpointer      data)
{
  Sender *s = data;

  s->conn = soup_session_websocket_connect_finish (SOUP_SESSION (source), result, NULL);
  s->connected = TRUE;
}

static void
bench_fanout (TandemSessionHost *host,
              guint              n_receivers)
{
  g_autofree char *invite_text = tandem_session_host_dup_invite (host, TANDEM_ROLE_EDITOR);
  g_autoptr(TandemInvite) invite = tandem_invite_parse (invite_text, NULL);
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autoptr(SoupMessage) msg = NULL;
  g_autofree char *hello = NULL;
  char *protocols[] = { (char *) TANDEM_PROTOCOL_SUBPROTOCOL, NULL };
  Receivers rx = { 0, };
  Sender tx = { 0, };
  guint64 sent = 0;
  gint64 t0, t1;
  gint d0, d1;
  guint64 e0, e1;

  rx.endpoint = tandem_invite_get_endpoint (invite);
  rx.token = invite->token;
  rx.n = n_receivers;
  rx.context = g_main_context_new ();
  rx.loop = g_main_loop_new (rx.context, FALSE);
  rx.thread = g_thread_new ("receivers", rx_thread, &rx);
  while (g_atomic_int_get (&rx.ready) < (gint) n_receivers)
    g_usleep (1000);

  msg = soup_message_new ("GET", rx.endpoint);
  soup_session_websocket_connect_async (session, msg, NULL, protocols, G_PRIORITY_DEFAULT, NULL,
                                        tx_connected, &tx);
  run_until (&tx.connected, 5000);
  g_assert (tx.conn != NULL);
  soup_websocket_connection_set_max_incoming_payload_size (tx.conn, 64 * 1024 * 1024);
  g_signal_connect (tx.conn, "message", G_CALLBACK (tx_message), &tx);
  hello = g_strdup_printf ("{\"type\":\"hello\",\"version\":1,\"token\":\"%s\",\"client\":\"tx%08x\","
                           "\"secret\":\"%s\"}", invite->token, g_random_int (), BENCH_SECRET);
  soup_websocket_connection_send_text (tx.conn, hello);
  run_until (&tx.joined, 5000);

  t0 = 0;
  d0 = 0;
  e0 = 0;
  {
    gint64 start = g_get_monotonic_time ();
    gint64 end = start + (gint64) (opt_duration * G_USEC_PER_SEC);
    gboolean measuring = FALSE;

    while (g_get_monotonic_time () < end)
      {
        /* Keep a window of batches in flight; each echo frees a slot. */
        while (sent - tx.echoed < 64)
          {
            g_autofree char *submit = NULL;

            sent++;
            submit = g_strdup_printf ("{\"type\":\"submit\",\"cseq\":%" G_GUINT64_FORMAT ",\"ops\":[{\"op\":\"set\","
                                      "\"kind\":\"project\",\"prop\":\"swing\",\"value\":%" G_GUINT64_FORMAT "}]}",
                                      sent, sent % 50);
            soup_websocket_connection_send_text (tx.conn, submit);
          }
        g_main_context_iteration (NULL, TRUE);
        if (tx.echoed > 0 && tx.echoed % 128 == 0)
          {
            g_autofree char *ack = g_strdup_printf ("{\"type\":\"ack\",\"seq\":%" G_GUINT64_FORMAT "}", tx.echoed);
            soup_websocket_connection_send_text (tx.conn, ack);
          }
        if (!measuring && g_get_monotonic_time () > start + (end - start) / 4)
          {
            measuring = TRUE;
            t0 = g_get_monotonic_time ();
            d0 = g_atomic_int_get (&rx.delivered);
            e0 = tx.echoed;
          }
      }
  }
  t1 = g_get_monotonic_time ();
  d1 = g_atomic_int_get (&rx.delivered);
  e1 = tx.echoed;
  g_print ("  %u receivers + sender: %.0f batches/s accepted, %.0f messages/s delivered\n",
           n_receivers, (double) (e1 - e0) * G_USEC_PER_SEC / (double) (t1 - t0),
           (double) ((d1 - d0) + (gint) (e1 - e0)) * G_USEC_PER_SEC / (double) (t1 - t0));

  if (soup_websocket_connection_get_state (tx.conn) == SOUP_WEBSOCKET_STATE_OPEN)
    soup_websocket_connection_close (tx.conn, 1000, NULL);
  g_clear_object (&tx.conn);
  g_main_context_invoke (rx.context, (GSourceFunc) g_main_loop_quit, rx.loop);
  g_thread_join (rx.thread);
  g_main_loop_unref (rx.loop);
  g_main_context_unref (rx.context);
  g_free (rx.endpoint);
}

static GOptionEntry entries[] = {
  { "duration", 'd', 0, G_OPTION_ARG_DOUBLE, &opt_duration, "Seconds per measurement (default 3)", "S" },
  { "no-fsync", 0, 0, G_OPTION_ARG_NONE, &opt_no_fsync, "Do not fsync the journal (network path only)", NULL },
  { "history-edits", 0, 0, G_OPTION_ARG_INT, &opt_history_edits, "Edits in the history benchmark's session (default 100000; 0: skip it)", "N" },
  { "history-only", 0, 0, G_OPTION_ARG_NONE, &opt_history_only, "Run only the history benchmark", NULL },
  { NULL }
};

int
tandem_bench_sync (int    argc,
                   char **argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new ("- sync latency and throughput");
  g_autoptr(GError) error = NULL;
  g_autoptr(TandemSessionHost) host = tandem_session_host_new ();
  g_autoptr(TandemProject) demo = tandem_project_new_demo ();
  g_autoptr(JsonNode) project = tandem_project_to_json (demo);
  g_autofree char *data_dir = g_dir_make_tmp ("tandem-bench-sync-XXXXXX", NULL);
  TandemServerLimits limits;
  static const guint sizes[] = { 2, 8, 32 };

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return EXIT_FAILURE;
    }

  if (opt_history_only)
    {
      tandem_bench_sync_history (MAX (opt_history_edits, 1));
      return EXIT_SUCCESS;
    }
  bench_echo ();

  /* One process: the server on its own thread (as the app hosts it), the
   * clients on the main thread. The benchmark's own load is above the
   * default per-client limits, so they are raised. */
  tandem_server_limits_init_defaults (&limits);
  limits.max_ops_per_second = 1e6;
  limits.ops_burst = 1e6;
  limits.max_messages_per_second = 1e6;
  tandem_session_host_set_limits (host, &limits);
  tandem_session_host_set_fsync (host, !opt_no_fsync);
  tandem_session_host_set_bind_address (host, "127.0.0.1");
  if (!tandem_session_host_start (host, 0, data_dir, project, &error))
    {
      g_printerr ("%s\n", error->message);
      return EXIT_FAILURE;
    }

  g_print ("\nEdit -> remote apply (TandemSyncClient -> server -> other TandemSyncClients; journal %s):\n",
           opt_no_fsync ? "not fsync'ed" : "fdatasync'ed before broadcast");
  for (guint i = 0; i < G_N_ELEMENTS (sizes); i++)
    bench_latency (host, sizes[i], 500);

  g_print ("\nServer fan-out (raw receivers on their own thread, one sender keeping 64 batches in flight):\n");
  bench_fanout (host, 8);
  bench_fanout (host, 32);

  tandem_session_host_stop (host);
  if (opt_history_edits > 0)
    tandem_bench_sync_history (opt_history_edits);
  /* The benchmark's journal, its history and whatever else the host kept. */
  tandem_bench_remove_tree (data_dir);
  return EXIT_SUCCESS;
}
