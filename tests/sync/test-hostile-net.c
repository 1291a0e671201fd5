/* test-hostile-net.c — what arrives before any token is checked: budgets, deadlines, listener
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-sync-test"

#include "config.h"

#define _GNU_SOURCE 1   /* prlimit */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "sync-test-utils.h"

#define MiB (1024 * 1024)

/* Hostile peers speak raw TCP from a worker thread with blocking calls,
 * while the main thread iterates the in-process server's main context. */

typedef struct
{
  GThreadFunc func;
  gpointer    data;
  gpointer    result;
  gboolean    done;
} Job;

static gpointer
job_thread (gpointer data)
{
  Job *job = data;

  job->result = job->func (job->data);
  g_atomic_int_set (&job->done, TRUE);
  g_main_context_wakeup (NULL);
  return NULL;
}

static gboolean
job_done (gpointer data)
{
  return g_atomic_int_get (&((Job *) data)->done);
}

static gpointer
run_in_thread (GThreadFunc func,
               gpointer    data)
{
  Job job = { func, data, NULL, FALSE };
  GThread *thread = g_thread_new ("hostile", job_thread, &job);

  g_assert_true (sync_test_wait (job_done, &job, 120000));
  g_thread_join (thread);
  return job.result;
}

static GSocketConnection *
tcp_connect (guint16 port)
{
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *host = g_strdup_printf ("127.0.0.1:%u", port);
  GSocketConnection *conn = g_socket_client_connect_to_host (client, host, port, NULL, &error);

  g_assert_no_error (error);
  g_socket_set_timeout (g_socket_connection_get_socket (conn), 30);
  return conn;
}

static gboolean
send_all (GSocketConnection *conn,
          const void        *data,
          gsize              len)
{
  GOutputStream *out = g_io_stream_get_output_stream (G_IO_STREAM (conn));

  return g_output_stream_write_all (out, data, len, NULL, NULL, NULL);
}

/* Reads the response head (and what follows in the same reads); NULL if
 * the connection ended first. */
static char *
read_head (GSocketConnection *conn)
{
  GInputStream *in = g_io_stream_get_input_stream (G_IO_STREAM (conn));
  GString *text = g_string_new (NULL);
  char buf[4096];

  while (strstr (text->str, "\r\n\r\n") == NULL)
    {
      gssize n = g_input_stream_read (in, buf, sizeof buf, NULL, NULL);

      if (n <= 0)
        break;
      g_string_append_len (text, buf, n);
    }
  if (text->len == 0)
    {
      g_string_free (text, TRUE);
      return NULL;
    }
  return g_string_free (text, FALSE);
}

/* Waits until the peer ends the connection (EOF or reset); FALSE if it is
 * still open after @seconds. */
static gboolean
wait_ended (GSocketConnection *conn,
            guint              seconds)
{
  GSocket *socket = g_socket_connection_get_socket (conn);
  gint64 end = g_get_monotonic_time () + seconds * G_USEC_PER_SEC;
  char buf[4096];

  g_socket_set_timeout (socket, 1);
  while (g_get_monotonic_time () < end)
    {
      g_autoptr(GError) error = NULL;
      gssize n = g_socket_receive (socket, buf, sizeof buf, NULL, &error);

      if (n == 0 || (n < 0 && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT)))
        return TRUE;
    }
  return FALSE;
}

/* NULL if the server did not upgrade (and @must is FALSE). */
static GSocketConnection *
ws_try_open (guint16     port,
             const char *session_id,
             gboolean    must)
{
  GSocketConnection *conn = tcp_connect (port);
  g_autofree char *request = g_strdup_printf ("GET /session/%s HTTP/1.1\r\nHost: 127.0.0.1:%u\r\n"
                                              "Upgrade: websocket\r\nConnection: Upgrade\r\n"
                                              "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                                              "Sec-WebSocket-Version: 13\r\n"
                                              "Sec-WebSocket-Protocol: " TANDEM_PROTOCOL_SUBPROTOCOL "\r\n\r\n",
                                              session_id, port);
  g_autofree char *head = NULL;

  g_assert_true (send_all (conn, request, strlen (request)) || !must);
  head = read_head (conn);
  if (!must && (head == NULL || !g_str_has_prefix (head, "HTTP/1.1 101")))
    {
      g_test_message ("no upgrade: %s", head ? head : "(closed)");
      g_object_unref (conn);
      return NULL;
    }
  g_assert_nonnull (head);
  g_assert_true (g_str_has_prefix (head, "HTTP/1.1 101"));
  return conn;
}

static GSocketConnection *
ws_open (guint16     port,
         const char *session_id)
{
  return ws_try_open (port, session_id, TRUE);
}

/* A masked client frame header for @len payload bytes (mask 0: payload as is). */
static gsize
frame_header (guint8  *hdr,
              guint8   opcode,
              gboolean fin,
              guint64  len)
{
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
        hdr[n++] = (len >> (8 * i)) & 0xff;
    }
  memset (hdr + n, 0, 4);
  return n + 4;
}

/* Sends one message of @len bytes of @fill in frames of @frame bytes; returns
 * how many payload bytes went out before the server ended the connection. */
static guint64
send_message (GSocketConnection *conn,
              guint64            len,
              gsize              frame,
              char               fill)
{
  g_autofree char *chunk = g_malloc (frame);
  guint64 sent = 0;

  memset (chunk, fill, frame);
  while (sent < len)
    {
      gsize n = MIN (frame, len - sent);
      guint8 hdr[14];
      gsize hn = frame_header (hdr, sent == 0 ? 0x1 : 0x0, sent + n == len, n);

      if (!send_all (conn, hdr, hn) || !send_all (conn, chunk, n))
        break;
      sent += n;
    }
  return sent;
}

static guint64
vm_kib (const char *field)
{
  g_autofree char *status = NULL;
  const char *p;

  g_assert_true (g_file_get_contents ("/proc/self/status", &status, NULL, NULL));
  p = strstr (status, field);
  g_assert_nonnull (p);
  return g_ascii_strtoull (p + strlen (field) + 1, NULL, 10);
}

/* The peak resident size starts again from the current one. */
static void
reset_peak_rss (void)
{
  FILE *f = fopen ("/proc/self/clear_refs", "w");

  g_assert_nonnull (f);
  g_assert_cmpint (fputs ("5", f), >=, 0);
  g_assert_cmpint (fclose (f), ==, 0);
}

static SyncTestServer *
server_new (TandemServerLimits *limits)
{
  return sync_test_server_new (limits, FALSE);
}

/* A good participant still gets answers. */
static void
assert_server_serves (SyncTestServer *ts)
{
  g_autoptr(TandemSyncClient) client = sync_test_client_new ();
  g_autofree char *invite = sync_test_server_invite (ts, TANDEM_ROLE_EDITOR);

  g_assert_true (tandem_sync_client_connect (client, invite, NULL));
  g_assert_true (sync_test_wait_live (client));
}

/* Messages before the hello */

typedef struct
{
  guint16     port;
  const char *session_id;
  guint64     len;
  gsize       frame;
  char        fill;
  guint64     sent;
  gboolean    ended;
} BigMessage;

static gpointer
big_message_thread (gpointer data)
{
  BigMessage *b = data;
  g_autoptr(GSocketConnection) conn = ws_open (b->port, b->session_id);

  b->sent = send_message (conn, b->len, b->frame, b->fill);
  b->ended = wait_ended (conn, 30);
  return NULL;
}

static void
test_big_before_hello (void)
{
  SyncTestServer *ts = server_new (NULL);
  /* 200 MiB in 64 KiB fragments, one 1.5 MiB frame, and 170 KB of nested
   * arrays: each is cut at the hello budget, unparsed and unbuffered. */
  BigMessage cases[] = {
    { ts->port, ts->session_id, 200 * MiB, 64 * 1024, 'x' },
    { ts->port, ts->session_id, 1536 * 1024, 1536 * 1024, 'x' },
    { ts->port, ts->session_id, 170 * 1000, 170 * 1000, '[' },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      guint64 before;

      reset_peak_rss ();
      before = vm_kib ("VmHWM:");
      run_in_thread (big_message_thread, &cases[i]);
      g_test_message ("case %u: %" G_GUINT64_FORMAT " bytes sent, peak RSS %" G_GUINT64_FORMAT
                      " → %" G_GUINT64_FORMAT " KiB", i, cases[i].sent, before, vm_kib ("VmHWM:"));
      g_assert_true (cases[i].ended);
      /* (One frame may fit whole in the socket buffers before the cut.) */
      if (cases[i].frame < cases[i].len)
        g_assert_cmpuint (cases[i].sent, <, cases[i].len);
      /* The sender's own buffers included, far from the message's size. */
      g_assert_cmpuint (vm_kib ("VmHWM:") - before, <, 24 * 1024);
    }
  assert_server_serves (ts);
  sync_test_server_free (ts);
}

/* Slow peers */

typedef struct
{
  guint16     port;
  const char *session_id;
  gboolean    websocket;   /* trickle a frame after the upgrade, else the HTTP head */
  gboolean    ended;
} Loris;

static gpointer
loris_thread (gpointer data)
{
  Loris *l = data;
  g_autoptr(GSocketConnection) conn = l->websocket ? ws_open (l->port, l->session_id)
                                                   : tcp_connect (l->port);
  GSocket *socket = g_socket_connection_get_socket (conn);
  const char *head = "GET /session/x HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ";
  gint64 end = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;
  guint8 hdr[14];
  gsize hn = frame_header (hdr, 0x1, TRUE, 4000);

  if (!send_all (conn, l->websocket ? (const char *) hdr : head, l->websocket ? hn : strlen (head)))
    {
      l->ended = TRUE;
      return NULL;
    }
  /* A byte every 200 ms: never idle, never done. */
  g_socket_set_timeout (socket, 1);
  while (g_get_monotonic_time () < end)
    {
      g_autoptr(GError) error = NULL;
      char buf[256];
      gssize n;

      if (g_socket_send (socket, "a", 1, NULL, NULL) != 1)
        break;
      g_socket_condition_timed_wait (socket, G_IO_IN, 200000, NULL, NULL);
      if (g_socket_condition_check (socket, G_IO_IN | G_IO_HUP | G_IO_ERR))
        {
          n = g_socket_receive (socket, buf, sizeof buf, NULL, &error);
          if (n <= 0)
            break;
        }
    }
  l->ended = g_get_monotonic_time () < end;
  return NULL;
}

static gpointer
lorises_thread (gpointer data)
{
  Loris *lorises = data;
  GThread *threads[8];

  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    threads[i] = g_thread_new ("loris", loris_thread, &lorises[i]);
  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    g_thread_join (threads[i]);
  return NULL;
}

static void
test_slow_loris (void)
{
  TandemServerLimits limits;
  SyncTestServer *ts;
  Loris lorises[8];

  tandem_server_limits_init_defaults (&limits);
  limits.request_timeout_ms = 1500;
  limits.hello_timeout_ms = 1500;
  ts = server_new (&limits);
  for (guint i = 0; i < G_N_ELEMENTS (lorises); i++)
    lorises[i] = (Loris) { ts->port, ts->session_id, i % 2 == 1, FALSE };
  run_in_thread (lorises_thread, lorises);
  for (guint i = 0; i < G_N_ELEMENTS (lorises); i++)
    g_assert_true (lorises[i].ended);
  assert_server_serves (ts);
  sync_test_server_free (ts);
}

/* Connections that never finish the upgrade, held open by the hundred. */
static gpointer
idle_thread (gpointer data)
{
  guint16 port = GPOINTER_TO_UINT (data);
  GSocketConnection *conns[100];
  guint ended = 0;

  for (guint i = 0; i < G_N_ELEMENTS (conns); i++)
    {
      conns[i] = tcp_connect (port);
      send_all (conns[i], "GET /session/", strlen ("GET /session/"));
    }
  for (guint i = 0; i < G_N_ELEMENTS (conns); i++)
    {
      ended += wait_ended (conns[i], 20);
      g_object_unref (conns[i]);
    }
  return GUINT_TO_POINTER (ended);
}

static void
test_upgrade_timeout (void)
{
  TandemServerLimits limits;
  SyncTestServer *ts;

  tandem_server_limits_init_defaults (&limits);
  limits.request_timeout_ms = 1000;
  ts = server_new (&limits);
  g_assert_cmpuint (GPOINTER_TO_UINT (run_in_thread (idle_thread, GUINT_TO_POINTER (ts->port))), ==, 100);
  assert_server_serves (ts);
  sync_test_server_free (ts);
}

/* HTTP bodies */

typedef struct
{
  guint16     port;
  const char *request;    /* the head */
  gboolean    chunked;    /* then send chunks until refused */
  char       *answer;
  guint64     sent;
} BodyCase;

static gpointer
body_thread (gpointer data)
{
  BodyCase *c = data;
  g_autoptr(GSocketConnection) conn = tcp_connect (c->port);

  g_assert_true (send_all (conn, c->request, strlen (c->request)));
  if (c->chunked)
    {
      g_autofree char *chunk = g_malloc (MiB);
      g_autofree char *size = g_strdup_printf ("%x\r\n", MiB);

      memset (chunk, ' ', MiB);
      while (c->sent < 256 * (guint64) MiB
             && send_all (conn, size, strlen (size)) && send_all (conn, chunk, MiB)
             && send_all (conn, "\r\n", 2))
        c->sent += MiB;
    }
  /* Nothing of a declared body is sent: the answer must come without it. */
  c->answer = read_head (conn);
  return NULL;
}

static void
test_http_bodies (void)
{
  SyncTestServer *ts = server_new (NULL);
  g_autofree char *token = g_uuid_string_random ();
  g_autofree char *auth = NULL;
  g_autofree char *upload = NULL;
  g_autofree char *huge_put = NULL;
  g_autofree char *create_unauth = NULL;
  g_autofree char *create_huge = NULL;
  g_autofree char *create_chunked = NULL;
  g_autofree char *health_body = NULL;
  BodyCase c;
  guint64 before;

  tandem_session_server_set_admin_token (ts->server, token);
  auth = g_strdup_printf ("Authorization: Bearer %s\r\n", token);
  create_unauth = g_strdup ("POST /sessions HTTP/1.1\r\nHost: a\r\nContent-Length: 268435456\r\n\r\n");
  create_huge = g_strdup_printf ("POST /sessions HTTP/1.1\r\nHost: a\r\n%sContent-Length: 268435456\r\n\r\n",
                                 auth);
  create_chunked = g_strdup_printf ("POST /sessions HTTP/1.1\r\nHost: a\r\n%s"
                                    "Transfer-Encoding: chunked\r\n\r\n", auth);
  health_body = g_strdup ("GET /health HTTP/1.1\r\nHost: a\r\nContent-Length: 268435456\r\n\r\n");
  upload = g_strdup_printf ("/sessions/%s/uploads/%064d", ts->session_id, 0);
  huge_put = g_strdup_printf ("PUT %s HTTP/1.1\r\nHost: a\r\nAuthorization: Bearer %s\r\n"
                              "Content-Range: bytes 0-268435455/268435456\r\n"
                              "Content-Length: 268435456\r\n\r\n",
                              upload, ts->tokens[TANDEM_ROLE_EDITOR]);

  /* Refused from the headers: no token, then too large a declared length. */
  c = (BodyCase) { ts->port, create_unauth };
  run_in_thread (body_thread, &c);
  g_assert_nonnull (c.answer);
  g_assert_true (g_str_has_prefix (c.answer, "HTTP/1.1 401"));
  g_free (c.answer);

  c = (BodyCase) { ts->port, create_huge };
  run_in_thread (body_thread, &c);
  g_assert_nonnull (c.answer);
  g_assert_true (g_str_has_prefix (c.answer, "HTTP/1.1 413"));
  g_free (c.answer);

  c = (BodyCase) { ts->port, huge_put };
  run_in_thread (body_thread, &c);
  g_assert_nonnull (c.answer);
  g_assert_true (g_str_has_prefix (c.answer, "HTTP/1.1 413"));
  g_free (c.answer);

  c = (BodyCase) { ts->port, health_body };
  run_in_thread (body_thread, &c);
  g_assert_nonnull (c.answer);
  g_assert_true (g_str_has_prefix (c.answer, "HTTP/1.1 413"));
  g_free (c.answer);

  /* Chunked: cut where it passes the limit, not read to its end. */
  reset_peak_rss ();
  before = vm_kib ("VmHWM:");
  c = (BodyCase) { ts->port, create_chunked, TRUE };
  run_in_thread (body_thread, &c);
  g_test_message ("chunked: %" G_GUINT64_FORMAT " MiB sent, peak RSS %" G_GUINT64_FORMAT
                  " → %" G_GUINT64_FORMAT " KiB", c.sent / MiB, before, vm_kib ("VmHWM:"));
  g_assert_cmpuint (c.sent, <, 200 * (guint64) MiB);
  g_assert_cmpuint (vm_kib ("VmHWM:") - before, <, 200 * 1024);
  g_free (c.answer);

  assert_server_serves (ts);
  sync_test_server_free (ts);
}

/* Caps on connections that have not joined */

typedef struct
{
  guint16 port;
  guint   n_held;
  char   *answer;   /* of the connection past the cap */
} CapCase;

static gpointer
cap_thread (gpointer data)
{
  CapCase *c = data;
  GSocketConnection *held[8];
  g_autoptr(GSocketConnection) extra = NULL;

  for (guint i = 0; i < c->n_held; i++)
    held[i] = tcp_connect (c->port);
  /* The server has them all once the extra one's answer comes. */
  extra = tcp_connect (c->port);
  send_all (extra, "GET /health HTTP/1.1\r\nHost: a\r\n\r\n", strlen ("GET /health HTTP/1.1\r\nHost: a\r\n\r\n"));
  c->answer = read_head (extra);
  for (guint i = 0; i < c->n_held; i++)
    g_object_unref (held[i]);
  return NULL;
}

static void
test_unauthenticated_caps (void)
{
  TandemServerLimits limits;
  SyncTestServer *ts;
  g_autoptr(TandemSyncClient) joined = sync_test_client_new ();
  g_autofree char *invite = NULL;
  CapCase c;

  tandem_server_limits_init_defaults (&limits);
  limits.max_unauthenticated_per_address = 4;
  ts = server_new (&limits);
  /* A participant that joined does not count. */
  invite = sync_test_server_invite (ts, TANDEM_ROLE_EDITOR);
  g_assert_true (tandem_sync_client_connect (joined, invite, NULL));
  g_assert_true (sync_test_wait_live (joined));

  c = (CapCase) { ts->port, 4 };
  run_in_thread (cap_thread, &c);
  g_assert_nonnull (c.answer);
  g_assert_true (g_str_has_prefix (c.answer, "HTTP/1.1 503"));
  g_assert_nonnull (strstr (c.answer, TANDEM_CODE_SERVER_BUSY));
  g_free (c.answer);
  g_assert_cmpint (tandem_sync_client_get_state (joined), ==, TANDEM_SYNC_STATE_LIVE);

  /* Once they are gone, others come in again. */
  assert_server_serves (ts);
  sync_test_server_free (ts);
}

/* A good participant's answers while another socket floods without a hello */

typedef struct
{
  guint16     port;
  const char *session_id;
  gint        stop;
  gint        sent;
} Flood;

static gpointer
flood_thread (gpointer data)
{
  Flood *f = data;
  GString *text = g_string_new ("{\"type\":\"x\",\"x\":[");

  /* About 1 MiB of empty objects: the most expensive thing to parse. */
  while (text->len < MiB - 16)
    g_string_append (text, "{},");
  g_string_append (text, "{}]}");
  while (!g_atomic_int_get (&f->stop))
    {
      g_autoptr(GSocketConnection) conn = ws_try_open (f->port, f->session_id, FALSE);

      if (conn == NULL)
        g_usleep (G_USEC_PER_SEC / 20);
      /* Five a second, on the one socket for as long as it stays open. */
      while (conn != NULL && !g_atomic_int_get (&f->stop))
        {
          guint8 hdr[14];
          gsize hn = frame_header (hdr, 0x1, TRUE, text->len);

          if (!send_all (conn, hdr, hn) || !send_all (conn, text->str, text->len))
            break;
          g_atomic_int_inc (&f->sent);
          g_usleep (G_USEC_PER_SEC / 5);
        }
    }
  g_string_free (text, TRUE);
  return NULL;
}

static void
test_flood_before_hello (void)
{
  SyncTestServer *ts = server_new (NULL);
  g_autoptr(SoupWebsocketConnection) good = sync_test_raw_connect (ts->port, ts->session_id,
                                                                   TANDEM_PROTOCOL_SUBPROTOCOL);
  g_autoptr(JsonObject) welcome = sync_test_raw_join (good, ts->session_id,
                                                      ts->tokens[TANDEM_ROLE_EDITOR], "good");
  Flood flood = { ts->port, ts->session_id };
  GThread *threads[6];
  gint64 end;
  guint pongs = 0;

  g_assert_nonnull (welcome);
  /* Six sockets, each sending five 1 MiB messages a second. */
  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    threads[i] = g_thread_new ("flood", flood_thread, &flood);
  /* Five seconds of pings, one at a time. */
  end = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;
  while (g_get_monotonic_time () < end)
    {
      g_autoptr(JsonObject) pong = NULL;

      soup_websocket_connection_send_text (good, "{\"type\":\"ping\",\"t\":1}");
      pong = sync_test_raw_expect (good, "pong", 5000);
      g_assert_nonnull (pong);
      pongs++;
      /* Well under the server's message rate limit. */
      sync_test_spin (5);
    }
  g_atomic_int_set (&flood.stop, TRUE);
  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    g_thread_join (threads[i]);
  g_test_message ("%u answers in 5 s while %d hostile messages were sent", pongs, flood.sent);
  g_assert_cmpuint (flood.sent, >, 5);
  /* Hundreds when nothing is wrong; a few dozen at most when every
   * hostile message is parsed on the server's one thread. */
  g_assert_cmpuint (pongs, >=, 100);
  sync_test_server_free (ts);
}

/* Range */

static gboolean
no_pending (gpointer data)
{
  return tandem_sync_client_get_n_pending (data) == 0;
}

typedef struct
{
  guint16     port;
  const char *request;
  char       *answer;
} Request;

static gpointer
request_thread (gpointer data)
{
  Request *r = data;
  g_autoptr(GSocketConnection) conn = tcp_connect (r->port);

  g_assert_true (send_all (conn, r->request, strlen (r->request)));
  r->answer = read_head (conn);
  return NULL;
}

static char *
request (guint16     port,
         const char *text)
{
  Request r = { port, text };

  run_in_thread (request_thread, &r);
  g_assert_nonnull (r.answer);
  return r.answer;
}

static void
test_range_past_end (void)
{
  SyncTestServer *ts = server_new (NULL);
  g_autoptr(TandemSyncClient) client = sync_test_client_new ();
  g_autofree char *invite = sync_test_server_invite (ts, TANDEM_ROLE_EDITOR);
  const char *body = "0123456789abcdef";
  g_autofree char *hash = g_compute_checksum_for_string (G_CHECKSUM_SHA256, body, -1);
  const char *token = ts->tokens[TANDEM_ROLE_EDITOR];
  g_autofree char *put = NULL;
  g_autofree char *answer = NULL;
  const char *ranges[] = { "bytes=100-", "bytes=16-20", "bytes=16-" };

  g_assert_true (tandem_sync_client_connect (client, invite, NULL));
  g_assert_true (sync_test_wait_live (client));
  sync_test_register_sample (client, hash, 16);
  g_assert_true (sync_test_wait (no_pending, client, 10000));
  put = g_strdup_printf ("PUT /sessions/%s/uploads/%s HTTP/1.1\r\nHost: a\r\n"
                         "Authorization: Bearer %s\r\nContent-Range: bytes 0-15/16\r\n"
                         "Content-Length: 16\r\n\r\n%s", ts->session_id, hash, token, body);
  answer = request (ts->port, put);
  g_assert_true (g_str_has_prefix (answer, "HTTP/1.1 201"));

  for (guint i = 0; i < G_N_ELEMENTS (ranges); i++)
    {
      g_autofree char *get = g_strdup_printf ("GET /sessions/%s/samples/%s HTTP/1.1\r\nHost: a\r\n"
                                              "Authorization: Bearer %s\r\nRange: %s\r\n\r\n",
                                              ts->session_id, hash, token, ranges[i]);
      g_autofree char *got = request (ts->port, get);
      g_autofree char *lower = g_ascii_strdown (got, -1);

      g_assert_true (g_str_has_prefix (got, "HTTP/1.1 416"));
      g_assert_nonnull (strstr (lower, "content-range: bytes */16\r\n"));
    }
  /* A last byte past the end is the end. */
  {
    g_autofree char *get = g_strdup_printf ("GET /sessions/%s/samples/%s HTTP/1.1\r\nHost: a\r\n"
                                            "Authorization: Bearer %s\r\nRange: bytes=10-99\r\n\r\n",
                                            ts->session_id, hash, token);
    g_autofree char *got = request (ts->port, get);
    g_autofree char *lower = g_ascii_strdown (got, -1);

    g_assert_true (g_str_has_prefix (got, "HTTP/1.1 206"));
    g_assert_nonnull (strstr (lower, "content-range: bytes 10-15/16\r\n"));
  }
  sync_test_server_free (ts);
}

/* Uploads left halfway pin nothing */

static guint
count_fds (void)
{
  g_autoptr(GDir) dir = g_dir_open ("/proc/self/fd", 0, NULL);
  guint n = 0;

  while (dir && g_dir_read_name (dir))
    n++;
  return n;
}

typedef struct
{
  guint baseline;
} FdCount;

static gboolean
fds_back (gpointer data)
{
  return count_fds () <= ((FdCount *) data)->baseline + 2;
}

typedef struct
{
  guint16     port;
  char      **requests;
  guint       ended;
} Stalled;

static gpointer
stalled_thread (gpointer data)
{
  Stalled *st = data;
  guint n = g_strv_length (st->requests);
  GSocketConnection **conns = g_new0 (GSocketConnection *, n);

  for (guint i = 0; i < n; i++)
    {
      conns[i] = tcp_connect (st->port);
      send_all (conns[i], st->requests[i], strlen (st->requests[i]));
    }
  for (guint i = 0; i < n; i++)
    {
      st->ended += wait_ended (conns[i], 20);
      g_object_unref (conns[i]);
    }
  g_free (conns);
  return NULL;
}

static void
test_stale_uploads (void)
{
  TandemServerLimits limits;
  SyncTestServer *ts;
  g_autoptr(TandemSyncClient) client = sync_test_client_new ();
  g_autofree char *invite = NULL;
  g_autoptr(GPtrArray) stalled = g_ptr_array_new_with_free_func (g_free);
  const char *token;
  FdCount fds;
  Stalled st;

  tandem_server_limits_init_defaults (&limits);
  limits.body_idle_timeout_ms = 1000;
  ts = server_new (&limits);
  token = ts->tokens[TANDEM_ROLE_EDITOR];
  invite = sync_test_server_invite (ts, TANDEM_ROLE_EDITOR);
  g_assert_true (tandem_sync_client_connect (client, invite, NULL));
  g_assert_true (sync_test_wait_live (client));
  for (guint i = 0; i < 40; i++)
    {
      g_autofree char *hash = g_strdup_printf ("%064x", i + 1);

      sync_test_register_sample (client, hash, 1000);
    }
  g_assert_true (sync_test_wait (no_pending, client, 10000));
  fds.baseline = count_fds ();

  /* Twenty uploads that stop after their first byte. */
  for (guint i = 0; i < 20; i++)
    {
      g_autofree char *hash = g_strdup_printf ("%064x", i + 1);
      g_autofree char *put = g_strdup_printf ("PUT /sessions/%s/uploads/%s HTTP/1.1\r\nHost: a\r\n"
                                              "Authorization: Bearer %s\r\n"
                                              "Content-Range: bytes 0-0/1000\r\n"
                                              "Content-Length: 1\r\n\r\nx", ts->session_id, hash, token);
      g_autofree char *answer = request (ts->port, put);

      g_assert_true (g_str_has_prefix (answer, "HTTP/1.1 200"));
    }
  g_assert_true (sync_test_wait (fds_back, &fds, 10000));

  /* Twenty more whose request body stops after one byte. */
  for (guint i = 20; i < 40; i++)
    g_ptr_array_add (stalled, g_strdup_printf ("PUT /sessions/%s/uploads/%064x HTTP/1.1\r\nHost: a\r\n"
                                               "Authorization: Bearer %s\r\n"
                                               "Content-Range: bytes 0-999/1000\r\n"
                                               "Content-Length: 1000\r\n\r\nx", ts->session_id,
                                               i + 1, token));
  g_ptr_array_add (stalled, NULL);
  st = (Stalled) { ts->port, (char **) stalled->pdata, 0 };
  run_in_thread (stalled_thread, &st);
  g_assert_cmpuint (st.ended, ==, 20);
  g_assert_true (sync_test_wait (fds_back, &fds, 10000));
  sync_test_server_free (ts);
}

/* The listener survives running out of descriptors (a real tandem-server) */

static char *
server_path (void)
{
  const char *build = g_getenv ("TANDEM_BUILD_DIR");

  return build ? g_build_filename (build, "src", "server", "tandem-server", NULL) : NULL;
}

typedef struct
{
  guint16  port;
  guint    n;
  guint    refused;   /* answered 503 or closed at once */
} Exhaust;

static gpointer
exhaust_thread (gpointer data)
{
  Exhaust *e = data;
  GPtrArray *conns = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < e->n; i++)
    {
      GSocketConnection *conn = tcp_connect (e->port);

      send_all (conn, "GET /session/", strlen ("GET /session/"));
      g_ptr_array_add (conns, conn);
    }
  /* Those the server could not keep are answered and closed: wait for
   * the last one, which came when the server had no descriptor left. */
  g_socket_condition_timed_wait (g_socket_connection_get_socket (conns->pdata[conns->len - 1]),
                                 G_IO_IN | G_IO_HUP, 20 * G_USEC_PER_SEC, NULL, NULL);
  for (guint i = 0; i < conns->len; i++)
    if (g_socket_condition_check (g_socket_connection_get_socket (conns->pdata[i]), G_IO_IN | G_IO_HUP))
      e->refused++;
  g_ptr_array_unref (conns);
  return NULL;
}

static void
test_out_of_descriptors (void)
{
  g_autofree char *path = server_path ();
  g_autofree char *dir = NULL;
  g_autofree char *port_arg = NULL;
  g_autofree char *line = NULL;
  g_autofree char *token = g_uuid_string_random ();
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GDataInputStream) out = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(SoupSession) session = soup_session_new_with_options ("timeout", 10, NULL);
  g_autoptr(SoupMessage) msg = NULL;
  g_autoptr(GBytes) reply = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(TandemSyncClient) client = sync_test_client_new ();
  g_autofree char *auth = NULL;
  g_autofree char *url = NULL;
  struct rlimit rl = { 128, 128 };
  const char *editor;
  Exhaust e;
  guint16 port;

  if (path == NULL || !g_file_test (path, G_FILE_TEST_IS_EXECUTABLE))
    {
      g_test_skip ("tandem-server not found (set TANDEM_BUILD_DIR)");
      return;
    }
  dir = sync_test_make_tmpdir ();
  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_subprocess_launcher_setenv (launcher, "TANDEM_ADMIN_TOKEN", token, TRUE);
  /* No headroom and no per-address cap: accept() itself runs out. */
  proc = g_subprocess_launcher_spawn (launcher, &error, path, "--data-dir", dir, "--port", "0",
                                      "--bind", "127.0.0.1", "--fd-headroom", "0",
                                      "--max-unauthenticated-per-address", "10000", NULL);
  g_assert_no_error (error);
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (proc));
  line = g_data_input_stream_read_line (out, NULL, NULL, &error);
  g_assert_nonnull (line);
  g_assert_true (g_str_has_prefix (line, "tandem-server listening on port "));
  port = atoi (line + strlen ("tandem-server listening on port "));
  g_assert_cmpint (prlimit (atoi (g_subprocess_get_identifier (proc)), RLIMIT_NOFILE, &rl, NULL), ==, 0);

  e = (Exhaust) { port, 200 };
  run_in_thread (exhaust_thread, &e);
  g_test_message ("%u of %u connections refused at 128 descriptors", e.refused, e.n);
  g_assert_cmpuint (e.refused, >, 0);

  /* Descriptors are free again: the server accepts, and a join succeeds. */
  url = g_strdup_printf ("http://127.0.0.1:%u/sessions", port);
  msg = soup_message_new ("POST", url);
  auth = g_strdup_printf ("Bearer %s", token);
  soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", auth);
  reply = soup_session_send_and_read (session, msg, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (soup_message_get_status (msg), ==, 201);
  g_assert_true (json_parser_load_from_data (parser, g_bytes_get_data (reply, NULL),
                                             g_bytes_get_size (reply), NULL));
  editor = json_object_get_string_member (json_object_get_object_member (
             json_node_get_object (json_parser_get_root (parser)), "invites"), "editor");
  g_assert_true (tandem_sync_client_connect (client, editor, NULL));
  g_assert_true (sync_test_wait_live (client));

  g_subprocess_send_signal (proc, SIGTERM);
  g_subprocess_wait (proc, NULL, NULL);
  sync_test_rm_rf (dir);
}

int
main (int    argc,
      char **argv)
{
  sync_test_init (&argc, &argv);
  g_test_add_func ("/sync/hostile-net/big-before-hello", test_big_before_hello);
  g_test_add_func ("/sync/hostile-net/slow-loris", test_slow_loris);
  g_test_add_func ("/sync/hostile-net/upgrade-timeout", test_upgrade_timeout);
  g_test_add_func ("/sync/hostile-net/http-bodies", test_http_bodies);
  g_test_add_func ("/sync/hostile-net/unauthenticated-caps", test_unauthenticated_caps);
  g_test_add_func ("/sync/hostile-net/flood-before-hello", test_flood_before_hello);
  g_test_add_func ("/sync/hostile-net/range-past-end", test_range_past_end);
  g_test_add_func ("/sync/hostile-net/stale-uploads", test_stale_uploads);
  g_test_add_func ("/sync/hostile-net/out-of-descriptors", test_out_of_descriptors);
  return g_test_run ();
}
