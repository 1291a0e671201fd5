/* tandem-server-conn.c — one accepted connection: its stream, budgets and deadline
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-sync"

#include "config.h"

#include <string.h>

#include <libsoup/soup.h>

#include "tandem-server-conn.h"

/* The guard sees every byte on its way to libsoup. libsoup 3.2 checks the
 * size of one WebSocket frame but reassembles fragmented messages without
 * any bound, and reads HTTP bodies whole: so the budgets are kept here,
 * where a frame header is seen before its payload arrives. */

typedef enum
{
  GUARD_HEAD,     /* the first request's header block */
  GUARD_PASS,     /* plain HTTP: the listener's deadlines and limits apply */
  GUARD_FRAMES,   /* WebSocket frames */
  GUARD_CUT,
} GuardMode;

struct _TandemGuardInput
{
  GFilterInputStream parent_instance;

  TandemServerConn  *conn;        /* not a reference */
  GuardMode          mode;
  GByteArray        *head;
  gsize              max_head;
  gboolean           websocket;

  guint8             hdr[14];
  guint              hdr_len;
  guint              hdr_need;
  guint64            payload_left;
  guint64            message;     /* payload of the current data message */
  guint64            total;       /* bytes since the budget was set */
  guint64            budget;
  guint64            max_message;
};

#define TANDEM_TYPE_GUARD_INPUT (tandem_guard_input_get_type ())
G_DECLARE_FINAL_TYPE (TandemGuardInput, tandem_guard_input, TANDEM, GUARD_INPUT, GFilterInputStream)

static void tandem_guard_input_pollable_init (GPollableInputStreamInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (TandemGuardInput, tandem_guard_input, G_TYPE_FILTER_INPUT_STREAM,
                               G_IMPLEMENT_INTERFACE (G_TYPE_POLLABLE_INPUT_STREAM,
                                                      tandem_guard_input_pollable_init))

static gboolean
head_is_upgrade (GByteArray *head)
{
  g_autofree char *text = g_ascii_strdown ((const char *) head->data, head->len);
  const char *line;

  if (!g_str_has_prefix (text, "get "))
    return FALSE;
  for (line = strchr (text, '\n'); line != NULL; line = strchr (line + 1, '\n'))
    {
      const char *end = strchr (line + 1, '\n');
      g_autofree char *value = NULL;

      if (!g_str_has_prefix (line + 1, "upgrade:"))
        continue;
      value = g_strndup (line + 1 + strlen ("upgrade:"),
                         end ? (gsize) (end - line - 1 - strlen ("upgrade:")) : strlen (line));
      return strstr (value, "websocket") != NULL;
    }
  return FALSE;
}

static gboolean
frame_header_done (TandemGuardInput *self)
{
  guint8 opcode = self->hdr[0] & 0x0f;
  guint len7 = self->hdr[1] & 0x7f;
  guint64 payload = len7;

  if (len7 == 126)
    payload = ((guint64) self->hdr[2] << 8) | self->hdr[3];
  else if (len7 == 127)
    {
      payload = 0;
      for (guint i = 2; i < 10; i++)
        payload = (payload << 8) | self->hdr[i];
    }
  if (payload > G_MAXUINT32)
    return FALSE;
  self->total += self->hdr_need + payload;
  if (self->budget != 0 && self->total > self->budget)
    return FALSE;
  if ((opcode & 0x08) == 0)
    {
      if (opcode != 0)
        self->message = 0;
      self->message += payload;
      if (self->max_message != 0 && self->message > self->max_message)
        return FALSE;
    }
  self->payload_left = payload;
  return TRUE;
}

static gboolean
scan_frames (TandemGuardInput *self,
             const guint8     *p,
             gsize             n)
{
  while (n > 0)
    {
      if (self->payload_left > 0)
        {
          gsize take = MIN (n, self->payload_left);

          self->payload_left -= take;
          p += take;
          n -= take;
          continue;
        }
      self->hdr[self->hdr_len++] = *p++;
      n--;
      if (self->hdr_len == 2)
        {
          guint len7 = self->hdr[1] & 0x7f;

          self->hdr_need = 2 + (len7 == 126 ? 2 : len7 == 127 ? 8 : 0) + ((self->hdr[1] & 0x80) ? 4 : 0);
        }
      if (self->hdr_len >= 2 && self->hdr_len == self->hdr_need)
        {
          if (!frame_header_done (self))
            return FALSE;
          self->hdr_len = 0;
          self->hdr_need = 2;
        }
    }
  return TRUE;
}

/* FALSE: the connection is over a budget. */
static gboolean
scan (TandemGuardInput *self,
      const guint8     *p,
      gsize             n)
{
  if (self->mode == GUARD_HEAD)
    {
      gsize start = self->head->len >= 3 ? self->head->len - 3 : 0;
      gsize keep = MIN (n, self->max_head + 1 - MIN (self->head->len, self->max_head));
      const guint8 *end = NULL;

      g_byte_array_append (self->head, p, keep);
      for (gsize i = start; i + 3 < self->head->len; i++)
        if (memcmp (self->head->data + i, "\r\n\r\n", 4) == 0)
          {
            end = self->head->data + i + 4;
            break;
          }
      if (end == NULL)
        return self->head->len <= self->max_head;
      {
        gsize used = end - self->head->data;
        gsize rest = n - (used - (self->head->len - keep));

        g_byte_array_set_size (self->head, used);
        self->websocket = head_is_upgrade (self->head);
        g_clear_pointer (&self->head, g_byte_array_unref);
        self->mode = self->websocket ? GUARD_FRAMES : GUARD_PASS;
        p += n - rest;
        n = rest;
      }
    }
  if (self->mode == GUARD_FRAMES)
    return scan_frames (self, p, n);
  return TRUE;
}

static void refuse_tls_client (TandemServerConn *conn);

static gssize
guard_after_read (TandemGuardInput *self,
                  void             *buffer,
                  gssize            n)
{
  /* A TLS handshake record (0x16) where a plain request should start: a
   * wss:// client at a plain port. It is told so in clear, which its TLS
   * library reads as "not TLS", instead of waiting for a header block that
   * never ends. */
  if (n > 0 && self->mode == GUARD_HEAD && self->head->len == 0 && ((guint8 *) buffer)[0] == 0x16
      && self->conn != NULL && tandem_server_conn_get_tls (self->conn) == NULL)
    {
      self->mode = GUARD_CUT;
      refuse_tls_client (self->conn);
      return 0;
    }
  if (n > 0 && self->mode != GUARD_CUT && !scan (self, buffer, n))
    {
      self->mode = GUARD_CUT;
      g_debug ("Connection from %s over its budget: cut", self->conn ? self->conn->address : "?");
      if (self->conn)
        tandem_server_conn_kill (self->conn);
      return 0;
    }
  return n;
}

static gssize
guard_read (GInputStream  *stream,
            void          *buffer,
            gsize          count,
            GCancellable  *cancellable,
            GError       **error)
{
  TandemGuardInput *self = TANDEM_GUARD_INPUT (stream);
  GInputStream *base = g_filter_input_stream_get_base_stream (G_FILTER_INPUT_STREAM (stream));

  if (self->mode == GUARD_CUT)
    return 0;
  return guard_after_read (self, buffer, g_input_stream_read (base, buffer, count, cancellable, error));
}

static gssize
guard_skip (GInputStream  *stream,
            gsize          count,
            GCancellable  *cancellable,
            GError       **error)
{
  guint8 buf[4096];

  return guard_read (stream, buf, MIN (count, sizeof buf), cancellable, error);
}

static gboolean
guard_can_poll (GPollableInputStream *stream)
{
  return TRUE;
}

static gboolean
guard_is_readable (GPollableInputStream *stream)
{
  TandemGuardInput *self = TANDEM_GUARD_INPUT (stream);
  GInputStream *base = g_filter_input_stream_get_base_stream (G_FILTER_INPUT_STREAM (stream));

  return self->mode == GUARD_CUT || g_pollable_input_stream_is_readable (G_POLLABLE_INPUT_STREAM (base));
}

static GSource *
guard_create_source (GPollableInputStream *stream,
                     GCancellable         *cancellable)
{
  GInputStream *base = g_filter_input_stream_get_base_stream (G_FILTER_INPUT_STREAM (stream));
  g_autoptr(GSource) base_source = g_pollable_input_stream_create_source (G_POLLABLE_INPUT_STREAM (base),
                                                                          NULL);

  return g_pollable_source_new_full (stream, base_source, cancellable);
}

static gssize
guard_read_nonblocking (GPollableInputStream  *stream,
                        void                  *buffer,
                        gsize                  count,
                        GError               **error)
{
  TandemGuardInput *self = TANDEM_GUARD_INPUT (stream);
  GInputStream *base = g_filter_input_stream_get_base_stream (G_FILTER_INPUT_STREAM (stream));

  if (self->mode == GUARD_CUT)
    return 0;
  return guard_after_read (self, buffer,
                           g_pollable_input_stream_read_nonblocking (G_POLLABLE_INPUT_STREAM (base),
                                                                     buffer, count, NULL, error));
}

static void
tandem_guard_input_pollable_init (GPollableInputStreamInterface *iface)
{
  iface->can_poll = guard_can_poll;
  iface->is_readable = guard_is_readable;
  iface->create_source = guard_create_source;
  iface->read_nonblocking = guard_read_nonblocking;
}

static void
tandem_guard_input_finalize (GObject *object)
{
  TandemGuardInput *self = TANDEM_GUARD_INPUT (object);

  g_clear_pointer (&self->head, g_byte_array_unref);
  G_OBJECT_CLASS (tandem_guard_input_parent_class)->finalize (object);
}

static void
tandem_guard_input_class_init (TandemGuardInputClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GInputStreamClass *input_class = G_INPUT_STREAM_CLASS (klass);

  object_class->finalize = tandem_guard_input_finalize;
  input_class->read_fn = guard_read;
  input_class->skip = guard_skip;
}

static void
tandem_guard_input_init (TandemGuardInput *self)
{
  self->mode = GUARD_HEAD;
  self->head = g_byte_array_new ();
  self->hdr_need = 2;
}

/* The connection */

G_DEFINE_FINAL_TYPE (TandemServerConn, tandem_server_conn, G_TYPE_IO_STREAM)

static GInputStream *
conn_get_input_stream (GIOStream *stream)
{
  return G_INPUT_STREAM (TANDEM_SERVER_CONN (stream)->input);
}

static GOutputStream *
conn_get_output_stream (GIOStream *stream)
{
  return g_io_stream_get_output_stream (TANDEM_SERVER_CONN (stream)->stream);
}

static void
conn_gone (TandemServerConn *self)
{
  TandemServerConnGone gone = self->gone_func;

  self->gone_func = NULL;
  if (gone)
    gone (self, self->gone_data);
}

static gboolean
conn_close (GIOStream     *stream,
            GCancellable  *cancellable,
            GError       **error)
{
  TandemServerConn *self = TANDEM_SERVER_CONN (stream);
  /* Over TLS too the socket is closed as it is: a close_notify is a write
   * that a peer who stopped reading would hold up, on the server's thread. */
  gboolean ok = g_io_stream_close (G_IO_STREAM (self->base), cancellable, error);

  self->closed = TRUE;
  conn_gone (self);
  return ok;
}

/* Closing a socket does not block: do it on the caller's thread, so that
 * the listener hears of it on the server's main context. */
static void
conn_close_async (GIOStream           *stream,
                  int                  io_priority,
                  GCancellable        *cancellable,
                  GAsyncReadyCallback  callback,
                  gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (stream, cancellable, callback, user_data);
  GError *error = NULL;

  if (conn_close (stream, cancellable, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static gboolean
conn_close_finish (GIOStream     *stream,
                   GAsyncResult  *result,
                   GError       **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
tandem_server_conn_dispose (GObject *object)
{
  conn_gone (TANDEM_SERVER_CONN (object));
  G_OBJECT_CLASS (tandem_server_conn_parent_class)->dispose (object);
}

static void
tandem_server_conn_finalize (GObject *object)
{
  TandemServerConn *self = TANDEM_SERVER_CONN (object);

  self->input->conn = NULL;
  g_clear_object (&self->input);
  g_clear_object (&self->stream);
  g_clear_object (&self->base);
  g_clear_object (&self->remote);
  g_free (self->address);
  G_OBJECT_CLASS (tandem_server_conn_parent_class)->finalize (object);
}

static void
tandem_server_conn_class_init (TandemServerConnClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GIOStreamClass *stream_class = G_IO_STREAM_CLASS (klass);

  object_class->dispose = tandem_server_conn_dispose;
  object_class->finalize = tandem_server_conn_finalize;
  stream_class->get_input_stream = conn_get_input_stream;
  stream_class->get_output_stream = conn_get_output_stream;
  stream_class->close_fn = conn_close;
  stream_class->close_async = conn_close_async;
  stream_class->close_finish = conn_close_finish;
}

static void
tandem_server_conn_init (TandemServerConn *self)
{
}

TandemServerConn *
tandem_server_conn_new (GSocketConnection   *base,
                        GIOStream           *stream,
                        const char          *address,
                        gsize                max_head_bytes,
                        TandemServerConnGone gone,
                        gpointer             user_data)
{
  TandemServerConn *self = g_object_new (TANDEM_TYPE_SERVER_CONN, NULL);

  self->base = g_object_ref (base);
  self->stream = g_object_ref (stream ? stream : G_IO_STREAM (base));
  self->address = g_strdup (address);
  self->gone_func = gone;
  self->gone_data = user_data;
  self->input = g_object_new (TANDEM_TYPE_GUARD_INPUT,
                              "base-stream", g_io_stream_get_input_stream (self->stream),
                              "close-base-stream", FALSE,
                              NULL);
  self->input->conn = self;
  self->input->max_head = max_head_bytes;
  return self;
}

GSocket *
tandem_server_conn_get_socket (TandemServerConn *conn)
{
  return g_socket_connection_get_socket (conn->base);
}

GTlsConnection *
tandem_server_conn_get_tls (TandemServerConn *conn)
{
  return G_IS_TLS_CONNECTION (conn->stream) ? G_TLS_CONNECTION (conn->stream) : NULL;
}

const char *
tandem_server_conn_get_address (TandemServerConn *conn)
{
  return conn->address;
}

gboolean
tandem_server_conn_is_websocket (TandemServerConn *conn)
{
  return conn->input->websocket;
}

void
tandem_server_conn_set_frame_limits (TandemServerConn *conn,
                                     guint64           total_budget,
                                     guint64           max_message)
{
  conn->input->total = 0;
  conn->input->budget = total_budget;
  conn->input->max_message = max_message;
}

gboolean
tandem_server_conn_was_cut (TandemServerConn *conn)
{
  return conn->input->mode == GUARD_CUT;
}

void
tandem_server_conn_kill (TandemServerConn *conn)
{
  if (!conn->closed)
    g_socket_shutdown (tandem_server_conn_get_socket (conn), TRUE, TRUE, NULL);
}

static char *
response_text (guint       status,
               const char *json_body)
{
  const char *body = json_body ? json_body : "";
  /* libsoup 3.2 knows no phrase for 426: the one TLS servers answer plain clients with. */
  const char *phrase = status == 426 ? "Upgrade Required" : soup_status_get_phrase (status);

  return g_strdup_printf ("HTTP/1.1 %u %s\r\nServer: tandem-server/" PACKAGE_VERSION "\r\n"
                          "Content-Type: application/json\r\nContent-Length: %" G_GSIZE_FORMAT "\r\n"
                          "Connection: close\r\n%s\r\n%s",
                          status, phrase, strlen (body),
                          status == SOUP_STATUS_SERVICE_UNAVAILABLE ? "Retry-After: 2\r\n"
                          : status == 426 ? "Upgrade: TLS/1.3, TLS/1.2\r\n" : "", body);
}

/* A short answer fits in a fresh socket's send buffer; if it does not, the
 * peer was not reading and loses nothing it wanted. The peer's request is
 * drained first so that the close does not reset the answer away. */
static void
send_and_end (GSocket    *socket,
              const char *text)
{
  guint8 drain[16384];

  g_socket_send_with_blocking (socket, text, strlen (text), FALSE, NULL, NULL);
  g_socket_receive_with_blocking (socket, (char *) drain, sizeof drain, FALSE, NULL, NULL);
  g_socket_shutdown (socket, TRUE, TRUE, NULL);
}

void
tandem_server_conn_refuse (TandemServerConn *conn,
                           guint             status,
                           const char       *json_body)
{
  g_autofree char *text = response_text (status, json_body);

  if (conn->closed)
    return;
  /* Nothing of the body is read any more. */
  conn->input->mode = GUARD_CUT;
  if (tandem_server_conn_get_tls (conn) != NULL)
    {
      GOutputStream *out = g_io_stream_get_output_stream (conn->stream);
      guint8 drain[16384];

      /* Encrypted, so through the TLS stream; as on a bare socket, what does
       * not go out at once is not waited for. */
      g_pollable_output_stream_write_nonblocking (G_POLLABLE_OUTPUT_STREAM (out), text,
                                                  strlen (text), NULL, NULL);
      g_socket_receive_with_blocking (tandem_server_conn_get_socket (conn), (char *) drain,
                                      sizeof drain, FALSE, NULL, NULL);
      g_socket_shutdown (tandem_server_conn_get_socket (conn), TRUE, TRUE, NULL);
      return;
    }
  send_and_end (tandem_server_conn_get_socket (conn), text);
}

static void
refuse_tls_client (TandemServerConn *conn)
{
  g_autofree char *text = response_text (SOUP_STATUS_BAD_REQUEST,
                                         "{\"error\":{\"code\":\"tls-unavailable\","
                                         "\"message\":\"This server takes plain connections only\"}}");

  g_debug ("TLS client from %s at a plain port: refused", conn->address);
  send_and_end (tandem_server_conn_get_socket (conn), text);
}

void
tandem_server_conn_refuse_plain (TandemServerConn *conn,
                                 guint             status,
                                 const char       *json_body)
{
  g_autofree char *text = response_text (status, json_body);

  if (conn->closed)
    return;
  conn->input->mode = GUARD_CUT;
  send_and_end (tandem_server_conn_get_socket (conn), text);
}

void
tandem_server_refuse_socket (GSocket    *socket,
                             guint       status,
                             const char *json_body)
{
  g_autofree char *text = response_text (status, json_body);

  send_and_end (socket, text);
  g_socket_close (socket, NULL);
}
