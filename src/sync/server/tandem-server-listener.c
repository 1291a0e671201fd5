/* tandem-server-listener.c — listening sockets, accepting, budgets and deadlines per connection
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-sync"

#include "config.h"

#define _GNU_SOURCE 1   /* accept4 */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include "tandem-certificate-pin.h"
#include "tandem-invite.h"
#include "tandem-server-conn.h"
#include "tandem-session-server-private.h"

/* The server owns its listening sockets instead of leaving them to
 * libsoup: libsoup 3.2 stops accepting for good after one failed accept()
 * (EMFILE), and listens with a backlog of 10. Accepted connections are
 * handed to libsoup with soup_server_accept_iostream(), wrapped in a
 * TandemServerConn that keeps their budgets. */

#define ACCEPTS_PER_WAKE  64
#define RETRY_MS          100
#define MAX_HEAD_BYTES    (32 * 1024)
#define CONN_KEY          "tandem-server-conn"

void
tandem_session_server_raise_fd_limit (void)
{
  struct rlimit rl;

  if (getrlimit (RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max)
    {
      rl.rlim_cur = rl.rlim_max;
      if (setrlimit (RLIMIT_NOFILE, &rl) != 0)
        g_debug ("Cannot raise the file descriptor limit: %s", g_strerror (errno));
    }
}

static guint64
fd_soft_limit (void)
{
  struct rlimit rl;

  if (getrlimit (RLIMIT_NOFILE, &rl) != 0 || rl.rlim_cur == RLIM_INFINITY)
    return G_MAXUINT32;
  return rl.rlim_cur;
}

/* The body of a refusal written straight to a socket, before libsoup sees it. */
static char *
error_json (const char *code,
            const char *message)
{
  g_autoptr(JsonNode) root = _tandem_server_error_node (code, message);

  return json_to_string (root, FALSE);
}

static void
warn_rate_limited (TandemSessionServer *self,
                   const char          *what,
                   const char          *detail)
{
  gint64 now = g_get_monotonic_time ();

  if (now - self->last_accept_warning_us < 10 * G_USEC_PER_SEC)
    return;
  self->last_accept_warning_us = now;
  g_warning ("%s: %s", what, detail);
}

/* The unauthenticated count */

static void
uncount (TandemSessionServer *self,
         TandemServerConn    *conn)
{
  guint n;

  if (!conn->counted)
    return;
  conn->counted = FALSE;
  self->n_unauthenticated--;
  n = GPOINTER_TO_UINT (g_hash_table_lookup (self->unauthenticated_by_address, conn->address));
  if (n <= 1)
    g_hash_table_remove (self->unauthenticated_by_address, conn->address);
  else
    g_hash_table_insert (self->unauthenticated_by_address, g_strdup (conn->address),
                         GUINT_TO_POINTER (n - 1));
}

void
_tandem_server_conn_authenticated (TandemSessionServer *self,
                                   TandemServerConn    *conn)
{
  if (conn == NULL)
    return;
  conn->authenticated = TRUE;
  uncount (self, conn);
}

TandemServerConn *
_tandem_server_conn_for_message (SoupServerMessage *msg)
{
  GSocketAddress *remote = soup_server_message_get_remote_address (msg);

  return remote ? g_object_get_data (G_OBJECT (remote), CONN_KEY) : NULL;
}

static void
conn_gone (TandemServerConn *conn,
           gpointer          user_data)
{
  TandemSessionServer *self = user_data;

  if (conn->remote != NULL)
    g_object_set_data (G_OBJECT (conn->remote), CONN_KEY, NULL);

  uncount (self, conn);
  g_hash_table_remove (self->conns, conn);
}

/* Accepting */

static void start_listening (TandemSessionServer *self);

static void
refuse_socket (TandemSessionServer *self,
               GSocket             *socket,
               const char          *code,
               const char          *message)
{
  g_autofree char *body = error_json (code, message);

  /* A TLS client would read a plain answer as "the server speaks no TLS"
   * and give up for good; a closed connection it retries. Answering in TLS
   * would take a handshake, the very work being shed. */
  if (self->tls_certificate != NULL)
    {
      g_socket_close (socket, NULL);
      return;
    }
  tandem_server_refuse_socket (socket, SOUP_STATUS_SERVICE_UNAVAILABLE, body);
}

static void
hand_to_soup (TandemSessionServer *self,
              TandemServerConn    *conn,
              GSocketAddress      *local,
              GSocketAddress      *remote)
{
  g_autoptr(GError) error = NULL;

  conn->handed_over = TRUE;
  if (!soup_server_accept_iostream (self->soup, G_IO_STREAM (conn), local, remote, &error))
    {
      g_debug ("Cannot serve a connection: %s", error->message);
      g_io_stream_close (G_IO_STREAM (conn), NULL, NULL);
    }
}

/* TLS: the stream is handed to libsoup once the handshake is done. Until
 * then the connection counts as unauthenticated and its request deadline
 * runs: a handshake that stalls is cut by the sweep (the socket's shutdown
 * ends the handshake), and the rest of the request must come within what is
 * left of it. */

typedef struct
{
  TandemSessionServer *server;       /* valid until @cancellable is cancelled */
  TandemServerConn    *conn;
  GSocketAddress      *local;
  GSocketAddress      *remote;
  GCancellable        *cancellable;  /* the server's: cancelled at shutdown */
  gboolean             handshaking;  /* handshake_cb owns it, not the first-byte source */
} PendingTls;

static void
pending_tls_free (gpointer data)
{
  PendingTls *p = data;

  g_clear_object (&p->conn);
  g_clear_object (&p->local);
  g_clear_object (&p->remote);
  g_clear_object (&p->cancellable);
  g_free (p);
}

static void
pending_tls_source_done (gpointer data)
{
  PendingTls *p = data;

  if (!p->handshaking)
    pending_tls_free (p);
}

static void
handshake_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      data)
{
  PendingTls *p = data;
  g_autoptr(GError) error = NULL;

  if (!g_tls_connection_handshake_finish (G_TLS_CONNECTION (source), result, &error)
      || g_cancellable_is_cancelled (p->cancellable))
    {
      g_debug ("TLS handshake with %s failed: %s", p->conn->address,
               error ? error->message : "the server is shutting down");
      g_io_stream_close (G_IO_STREAM (p->conn), NULL, NULL);
    }
  else
    hand_to_soup (p->server, p->conn, p->local, p->remote);
  pending_tls_free (p);
}

/* A TLS connection starts with a handshake record (0x16). Anything else is
 * a plain client: it is told so in its own language instead of reading
 * garbage or waiting for a handshake that never comes. */
#define TLS_RECORD_HANDSHAKE 0x16

static gboolean
on_first_byte (GSocket      *socket,
               GIOCondition  condition,
               gpointer      data)
{
  PendingTls *p = data;
  guint8 first = 0;
  gssize n;

  if (g_cancellable_is_cancelled (p->cancellable))
    {
      g_io_stream_close (G_IO_STREAM (p->conn), NULL, NULL);
      return G_SOURCE_REMOVE;
    }
  n = recv (g_socket_get_fd (socket), &first, 1, MSG_PEEK | MSG_DONTWAIT);
  if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
    return G_SOURCE_CONTINUE;
  if (n <= 0)
    {
      /* Gone, or cut by the deadline. */
      g_io_stream_close (G_IO_STREAM (p->conn), NULL, NULL);
      return G_SOURCE_REMOVE;
    }
  if (first != TLS_RECORD_HANDSHAKE)
    {
      g_autofree char *body = error_json (TANDEM_CODE_TLS_REQUIRED,
                                          "This server only takes encrypted connections: "
                                          "use a tandem:// or wss:// link");

      g_debug ("Plain connection from %s to a TLS port: refused", p->conn->address);
      tandem_server_conn_refuse_plain (p->conn, 426, body);
      g_io_stream_close (G_IO_STREAM (p->conn), NULL, NULL);
      return G_SOURCE_REMOVE;
    }
  p->handshaking = TRUE;
  g_tls_connection_handshake_async (tandem_server_conn_get_tls (p->conn), G_PRIORITY_DEFAULT,
                                    p->cancellable, handshake_cb, p);
  return G_SOURCE_REMOVE;
}

static void
start_tls (TandemSessionServer *self,
           TandemServerConn    *conn,
           GSocketAddress      *local,
           GSocketAddress      *remote)
{
  PendingTls *p = g_new0 (PendingTls, 1);
  g_autoptr(GSource) source = NULL;

  p->server = self;
  p->conn = g_object_ref (conn);
  p->local = g_object_ref (local);
  p->remote = g_object_ref (remote);
  p->cancellable = g_object_ref (self->tls_cancellable);
  source = g_socket_create_source (tandem_server_conn_get_socket (conn),
                                   G_IO_IN | G_IO_HUP | G_IO_ERR, p->cancellable);
  g_source_set_callback (source, G_SOURCE_FUNC (on_first_byte), p, pending_tls_source_done);
  g_source_attach (source, self->context);
}

static void
accept_socket (TandemSessionServer *self,
               GSocket             *socket)
{
  const TandemServerLimits *limits = &self->limits;
  g_autoptr(GSocketAddress) remote = g_socket_get_remote_address (socket, NULL);
  g_autoptr(GSocketAddress) local = g_socket_get_local_address (socket, NULL);
  g_autoptr(GSocketConnection) base = NULL;
  g_autoptr(GIOStream) tls = NULL;
  g_autoptr(TandemServerConn) conn = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *address = NULL;
  guint64 limit = fd_soft_limit ();
  guint64 headroom = MIN ((guint64) limits->fd_headroom, limit / 4);
  guint per_address;

  if (remote == NULL || local == NULL || !G_IS_INET_SOCKET_ADDRESS (remote))
    {
      g_socket_close (socket, NULL);
      return;
    }
  /* Descriptors are handed out lowest first: a high one means few are left
   * for journals, samples and the sessions already running. */
  if ((guint64) g_socket_get_fd (socket) + headroom >= limit)
    {
      refuse_socket (self, socket, TANDEM_CODE_SERVER_BUSY,
                     "The server is out of connections; try again");
      return;
    }
  {
    GInetAddress *inet = g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (remote));
    const guint8 *bytes = g_inet_address_to_bytes (inet);

    if (g_inet_address_get_family (inet) == G_SOCKET_FAMILY_IPV6
        && memcmp (bytes, "\0\0\0\0\0\0\0\0\0\0\xff\xff", 12) == 0)
      address = g_strdup_printf ("%u.%u.%u.%u", bytes[12], bytes[13], bytes[14], bytes[15]);
    else
      address = g_inet_address_to_string (inet);
  }
  per_address = GPOINTER_TO_UINT (g_hash_table_lookup (self->unauthenticated_by_address, address));
  if (self->n_unauthenticated >= limits->max_unauthenticated
      || per_address >= limits->max_unauthenticated_per_address)
    {
      g_debug ("Refusing a connection from %s: %u unauthenticated, %u from there",
               address, self->n_unauthenticated, per_address);
      refuse_socket (self, socket, TANDEM_CODE_SERVER_BUSY,
                     "Too many connections that have not joined yet; try again");
      return;
    }

  base = g_socket_connection_factory_create_connection (socket);
  if (self->tls_certificate != NULL)
    {
      tls = g_tls_server_connection_new (G_IO_STREAM (base), self->tls_certificate, &error);
      if (tls == NULL)
        {
          warn_rate_limited (self, "Cannot set up TLS", error->message);
          g_socket_close (socket, NULL);
          return;
        }
      g_object_set (tls, "authentication-mode", G_TLS_AUTHENTICATION_NONE, NULL);
    }
  conn = tandem_server_conn_new (base, tls, address, MAX_HEAD_BYTES, conn_gone, self);
  conn->counted = TRUE;
  conn->deadline_us = g_get_monotonic_time () + (gint64) limits->request_timeout_ms * 1000;
  tandem_server_conn_set_frame_limits (conn, limits->max_hello_bytes, limits->max_hello_bytes);
  self->n_unauthenticated++;
  g_hash_table_insert (self->unauthenticated_by_address, g_strdup (address),
                       GUINT_TO_POINTER (per_address + 1));
  g_hash_table_add (self->conns, conn);
  g_object_set_data (G_OBJECT (remote), CONN_KEY, conn);
  conn->remote = g_object_ref (remote);
  if (tls != NULL)
    start_tls (self, conn, local, remote);
  else
    hand_to_soup (self, conn, local, remote);
}

/* Out of descriptors: one kept in reserve lets the server take the oldest
 * waiting connection off the backlog and answer it 503 instead of leaving
 * the backlog full (and the listening socket readable, for a busy loop). */
static gboolean
shed_with_reserve (TandemSessionServer *self,
                   GSocket             *listener)
{
  int fd;

  if (self->reserve_fd < 0)
    return FALSE;
  close (self->reserve_fd);
  self->reserve_fd = -1;
  fd = accept4 (g_socket_get_fd (listener), NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
  if (fd >= 0 && self->tls_certificate != NULL)
    close (fd);
  else if (fd >= 0)
    {
      g_autofree char *body = error_json (TANDEM_CODE_SERVER_BUSY,
                                          "The server is out of connections; try again");
      g_autofree char *text = g_strdup_printf ("HTTP/1.1 503 Service Unavailable\r\n"
                                               "Content-Type: application/json\r\n"
                                               "Content-Length: %" G_GSIZE_FORMAT "\r\n"
                                               "Retry-After: 2\r\nConnection: close\r\n\r\n%s",
                                               strlen (body), body);

      if (send (fd, text, strlen (text), MSG_NOSIGNAL | MSG_DONTWAIT) < 0)
        g_debug ("Cannot answer a shed connection: %s", g_strerror (errno));
      close (fd);
    }
  self->reserve_fd = open ("/dev/null", O_RDONLY | O_CLOEXEC);
  return fd >= 0 && self->reserve_fd >= 0;
}

static gboolean
retry_listening_cb (gpointer data)
{
  TandemSessionServer *self = data;

  g_clear_pointer (&self->listen_retry_source, g_source_unref);
  if (self->reserve_fd < 0)
    self->reserve_fd = open ("/dev/null", O_RDONLY | O_CLOEXEC);
  start_listening (self);
  return G_SOURCE_REMOVE;
}

static void
stop_listening (TandemSessionServer *self)
{
  for (guint i = 0; i < self->listen_sources->len; i++)
    g_source_destroy (self->listen_sources->pdata[i]);
  g_ptr_array_set_size (self->listen_sources, 0);
}

static gboolean
on_incoming (GSocket      *listener,
             GIOCondition  condition,
             gpointer      data)
{
  TandemSessionServer *self = data;

  for (guint i = 0; i < ACCEPTS_PER_WAKE; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GSocket) socket = g_socket_accept (listener, NULL, &error);

      if (socket != NULL)
        {
          accept_socket (self, socket);
          continue;
        }
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
        break;
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TOO_MANY_OPEN_FILES))
        {
          warn_rate_limited (self, "Out of file descriptors; refusing connections", error->message);
          if (shed_with_reserve (self, listener))
            continue;
          /* Not even that: stop watching for a moment, then accept again. */
          stop_listening (self);
          if (self->listen_retry_source == NULL)
            self->listen_retry_source = _tandem_server_add_timeout (self, RETRY_MS,
                                                                    retry_listening_cb, self);
          return G_SOURCE_REMOVE;
        }
      /* ECONNABORTED and the like concern one client only. */
      warn_rate_limited (self, "accept() failed", error->message);
    }
  return G_SOURCE_CONTINUE;
}

static void
start_listening (TandemSessionServer *self)
{
  stop_listening (self);
  if (self->shut_down)
    return;
  for (guint i = 0; i < self->listen_sockets->len; i++)
    {
      GSource *source = g_socket_create_source (self->listen_sockets->pdata[i], G_IO_IN, NULL);

      g_source_set_callback (source, G_SOURCE_FUNC (on_incoming), self, NULL);
      g_source_attach (source, self->context);
      g_ptr_array_add (self->listen_sources, source);
    }
}

static GSocket *
open_listener (GInetAddress  *inet,
               guint16        port,
               GError       **error)
{
  GSocketFamily family = g_inet_address_get_family (inet);
  g_autoptr(GSocket) socket = g_socket_new (family, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, error);
  g_autoptr(GSocketAddress) addr = NULL;

  if (socket == NULL)
    return NULL;
  /* IPv4 gets its own socket, so an IPv6 one takes IPv6 only. */
  if (family == G_SOCKET_FAMILY_IPV6
      && !g_socket_set_option (socket, IPPROTO_IPV6, IPV6_V6ONLY, 1, error))
    return NULL;
  addr = g_inet_socket_address_new (inet, port);
  g_socket_set_blocking (socket, FALSE);
  g_socket_set_listen_backlog (socket, SOMAXCONN);
  if (!g_socket_bind (socket, addr, TRUE, error) || !g_socket_listen (socket, error))
    return NULL;
  return g_steal_pointer (&socket);
}

static guint16
socket_port (GSocket *socket)
{
  g_autoptr(GSocketAddress) addr = g_socket_get_local_address (socket, NULL);

  return addr ? g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (addr)) : 0;
}

gboolean
tandem_session_server_listen (TandemSessionServer  *self,
                              const char           *address,
                              guint16               port,
                              GError              **error)
{
  g_autoptr(GInetAddress) inet = NULL;
  GSocket *socket;

  g_return_val_if_fail (TANDEM_IS_SESSION_SERVER (self), FALSE);
  tandem_session_server_raise_fd_limit ();
  if (address != NULL && (inet = g_inet_address_new_from_string (address)) == NULL)
    {
      g_set_error (error, TANDEM_SYNC_ERROR, TANDEM_SYNC_ERROR_FAILED,
                   "“%s” is not an IP address", address);
      return FALSE;
    }
  if (inet == NULL)
    inet = g_inet_address_new_any (G_SOCKET_FAMILY_IPV4);
  if ((socket = open_listener (inet, port, error)) == NULL)
    return FALSE;
  g_ptr_array_add (self->listen_sockets, socket);
  self->port = socket_port (socket);
  if (address == NULL)
    {
      /* Both families on the same port, as far as the machine has IPv6. */
      g_autoptr(GInetAddress) any6 = g_inet_address_new_any (G_SOCKET_FAMILY_IPV6);
      g_autoptr(GError) local_error = NULL;

      if ((socket = open_listener (any6, self->port, &local_error)) != NULL)
        g_ptr_array_add (self->listen_sockets, socket);
      else
        g_debug ("Not listening on IPv6: %s", local_error->message);
    }
  if (self->reserve_fd < 0)
    self->reserve_fd = open ("/dev/null", O_RDONLY | O_CLOEXEC);
  start_listening (self);
  /* Sessions on disk come up behind the open port. */
  _tandem_server_loader_start (self);
  return TRUE;
}

guint16
tandem_session_server_get_port (TandemSessionServer *self)
{
  g_return_val_if_fail (TANDEM_IS_SESSION_SERVER (self), 0);
  return self->port;
}

/* Deadlines */

static gboolean
conn_sweep_cb (gpointer data)
{
  TandemSessionServer *self = data;
  gint64 now = g_get_monotonic_time ();
  g_autofree gpointer *conns = (gpointer *) g_hash_table_get_keys_as_array (self->conns, NULL);

  for (guint i = 0; conns[i]; i++)
    {
      TandemServerConn *conn = conns[i];

      if (conn->deadline_us != 0 && now > conn->deadline_us)
        {
          g_debug ("Connection from %s timed out", conn->address);
          conn->deadline_us = 0;
          tandem_server_conn_kill (conn);
        }
    }
  return G_SOURCE_CONTINUE;
}

void
_tandem_server_listener_restart_sweep (TandemSessionServer *self)
{
  guint interval = MIN (self->limits.request_timeout_ms, self->limits.body_idle_timeout_ms) / 4;

  if (self->conn_sweep_source)
    {
      g_source_destroy (self->conn_sweep_source);
      g_source_unref (self->conn_sweep_source);
    }
  self->conn_sweep_source = _tandem_server_add_timeout (self, CLAMP (interval, 10, 500),
                                                        conn_sweep_cb, self);
}

/* HTTP requests: every one must come in within its deadlines and carry no
 * more body than its endpoint takes, refused from its declared length
 * before anything of it is read. */

static void
refuse_now (TandemServerConn  *conn,
            SoupServerMessage *msg)
{
  SoupMessageBody *body = soup_server_message_get_response_body (msg);
  g_autoptr(GBytes) bytes = soup_message_body_flatten (body);
  g_autofree char *text = g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));

  tandem_server_conn_refuse (conn, soup_server_message_get_status (msg), text);
}

static guint64
body_limit (TandemSessionServer *self,
            SoupServerMessage   *msg)
{
  const char *method = soup_server_message_get_method (msg);
  const char *path = g_uri_get_path (soup_server_message_get_uri (msg));

  if (strcmp (method, "POST") == 0 && strcmp (path, "/sessions") == 0)
    return TANDEM_SERVER_MAX_CREATE_BODY;
  if (strcmp (method, "PUT") == 0 && g_str_has_prefix (path, "/sessions/"))
    return self->limits.max_sample_chunk;
  return 0;
}

static void
on_got_headers (SoupServerMessage   *msg,
                TandemSessionServer *self)
{
  TandemServerConn *conn = _tandem_server_conn_for_message (msg);
  SoupMessageHeaders *req = soup_server_message_get_request_headers (msg);
  SoupEncoding encoding = soup_message_headers_get_encoding (req);
  goffset length = encoding == SOUP_ENCODING_CONTENT_LENGTH
                   ? soup_message_headers_get_content_length (req) : 0;
  gboolean has_body = encoding == SOUP_ENCODING_CHUNKED || length > 0;
  gboolean waits = (soup_message_headers_get_expectations (req) & SOUP_EXPECTATION_CONTINUE) != 0;
  guint64 limit;

  if (conn == NULL)
    return;
  /* libsoup keeps a connection alive only while it has a listener of its
   * own, and these are handed to it: one request per connection, said so
   * to the client, so that it never reuses one the server is closing. */
  if (!tandem_server_conn_is_websocket (conn))
    soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Connection", "close");
  conn->deadline_us = g_get_monotonic_time () + (gint64) self->limits.body_idle_timeout_ms * 1000;
  if (soup_server_message_get_status (msg) == 0)
    {
      limit = body_limit (self, msg);
      conn->body_limit = limit;
      if (has_body && (limit == 0 || (guint64) length > limit))
        {
          g_autofree char *size = g_format_size (limit);
          g_autofree char *text = limit == 0 ? g_strdup ("This request takes no body")
                                             : g_strdup_printf ("The request body is larger than %s",
                                                                size);

          _tandem_server_respond_error (msg, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE,
                                        TANDEM_CODE_TOO_LARGE, text);
        }
    }
  /* Refused (here or by an early handler): unless the client waits for a
   * 100 Continue, its body is on the way and libsoup would read it whole
   * before answering. Answer now and end the connection instead. */
  if (soup_server_message_get_status (msg) != 0 && has_body && !waits)
    refuse_now (conn, msg);
}

static void
on_got_chunk (SoupServerMessage   *msg,
              GBytes              *chunk,
              TandemSessionServer *self)
{
  TandemServerConn *conn = _tandem_server_conn_for_message (msg);
  SoupMessageBody *body = soup_server_message_get_request_body (msg);

  if (conn == NULL)
    return;
  conn->deadline_us = g_get_monotonic_time () + (gint64) self->limits.body_idle_timeout_ms * 1000;
  /* A chunked body has no declared length: it is cut where it passes the limit. */
  if (conn->body_limit != 0 && (guint64) body->length > conn->body_limit)
    {
      g_autofree char *size = g_format_size (conn->body_limit);
      g_autofree char *text = g_strdup_printf ("The request body is larger than %s", size);

      conn->body_limit = 0;
      _tandem_server_respond_error (msg, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE,
                                    TANDEM_CODE_TOO_LARGE, text);
      refuse_now (conn, msg);
    }
}

static void
on_progress (SoupServerMessage   *msg,
             TandemSessionServer *self)
{
  TandemServerConn *conn = _tandem_server_conn_for_message (msg);

  if (conn != NULL && !conn->upgraded)
    conn->deadline_us = g_get_monotonic_time () + (gint64) self->limits.body_idle_timeout_ms * 1000;
}

static void
on_wrote_body_data (SoupServerMessage   *msg,
                    guint                n_bytes,
                    TandemSessionServer *self)
{
  on_progress (msg, self);
}

static void
on_finished (SoupServerMessage   *msg,
             TandemSessionServer *self)
{
  TandemServerConn *conn = _tandem_server_conn_for_message (msg);

  /* Waiting for the next request on a kept-alive connection. */
  if (conn != NULL && !conn->upgraded)
    conn->deadline_us = g_get_monotonic_time () + (gint64) self->limits.request_timeout_ms * 1000;
  g_signal_handlers_disconnect_by_data (msg, self);
}

static void
on_request_started (SoupServer          *soup,
                    SoupServerMessage   *msg,
                    TandemSessionServer *self)
{
  g_signal_connect (msg, "got-headers", G_CALLBACK (on_got_headers), self);
  g_signal_connect (msg, "got-chunk", G_CALLBACK (on_got_chunk), self);
  g_signal_connect (msg, "got-body", G_CALLBACK (on_progress), self);
  g_signal_connect (msg, "wrote-body-data", G_CALLBACK (on_wrote_body_data), self);
  g_signal_connect (msg, "finished", G_CALLBACK (on_finished), self);
}

void
_tandem_server_listener_init (TandemSessionServer *self)
{
  self->listen_sockets = g_ptr_array_new_with_free_func (g_object_unref);
  self->listen_sources = g_ptr_array_new_with_free_func ((GDestroyNotify) g_source_unref);
  self->conns = g_hash_table_new (NULL, NULL);
  self->unauthenticated_by_address = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->reserve_fd = -1;
  self->tls_cancellable = g_cancellable_new ();
  g_signal_connect (self->soup, "request-started", G_CALLBACK (on_request_started), self);
  _tandem_server_listener_restart_sweep (self);
}

void
_tandem_server_listener_shutdown (TandemSessionServer *self)
{
  stop_listening (self);
  g_cancellable_cancel (self->tls_cancellable);
  if (self->listen_retry_source)
    {
      g_source_destroy (self->listen_retry_source);
      g_clear_pointer (&self->listen_retry_source, g_source_unref);
    }
  if (self->conn_sweep_source)
    {
      g_source_destroy (self->conn_sweep_source);
      g_clear_pointer (&self->conn_sweep_source, g_source_unref);
    }
  for (guint i = 0; i < self->listen_sockets->len; i++)
    g_socket_close (self->listen_sockets->pdata[i], NULL);
  g_ptr_array_set_size (self->listen_sockets, 0);
  if (self->reserve_fd >= 0)
    close (self->reserve_fd);
  self->reserve_fd = -1;
}

void
_tandem_server_listener_finalize (TandemSessionServer *self)
{
  GHashTableIter iter;
  gpointer key;

  /* Connections that outlive the server no longer report to it. */
  g_hash_table_iter_init (&iter, self->conns);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    ((TandemServerConn *) key)->gone_func = NULL;
  g_clear_pointer (&self->conns, g_hash_table_unref);
  g_clear_pointer (&self->unauthenticated_by_address, g_hash_table_unref);
  g_clear_pointer (&self->listen_sockets, g_ptr_array_unref);
  g_clear_pointer (&self->listen_sources, g_ptr_array_unref);
  g_cancellable_cancel (self->tls_cancellable);
  g_clear_object (&self->tls_cancellable);
  g_clear_object (&self->tls_certificate);
}

/* TLS */

void
tandem_session_server_set_tls_certificate (TandemSessionServer *self,
                                           GTlsCertificate     *certificate)
{
  g_return_if_fail (TANDEM_IS_SESSION_SERVER (self));
  g_return_if_fail (certificate == NULL || G_IS_TLS_CERTIFICATE (certificate));
  g_set_object (&self->tls_certificate, certificate);
}

GTlsCertificate *
tandem_session_server_get_tls_certificate (TandemSessionServer *self)
{
  g_return_val_if_fail (TANDEM_IS_SESSION_SERVER (self), NULL);
  return self->tls_certificate;
}

/* A certificate that signed itself can only be trusted by its fingerprint;
 * one from an authority is checked against the system's, and keeps working
 * when it is renewed. */
static gboolean
is_self_signed (GTlsCertificate *certificate)
{
  g_autofree char *subject = g_tls_certificate_get_subject_name (certificate);
  g_autofree char *issuer = g_tls_certificate_get_issuer_name (certificate);

  return subject == NULL || issuer == NULL || g_str_equal (subject, issuer);
}

void
tandem_session_server_secure_invite (TandemSessionServer *self,
                                     TandemInvite        *invite)
{
  guint8 fp[TANDEM_FINGERPRINT_SIZE];

  g_return_if_fail (TANDEM_IS_SESSION_SERVER (self));
  if (self->tls_certificate == NULL)
    return;
  if (!is_self_signed (self->tls_certificate))
    {
      tandem_invite_set_tls (invite, NULL);
      return;
    }
  tandem_certificate_fingerprint (self->tls_certificate, fp);
  tandem_invite_set_tls (invite, fp);
}
