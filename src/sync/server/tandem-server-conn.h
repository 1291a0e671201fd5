/* tandem-server-conn.h — one accepted connection: its stream, budgets and deadline
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define TANDEM_TYPE_SERVER_CONN (tandem_server_conn_get_type ())
G_DECLARE_FINAL_TYPE (TandemServerConn, tandem_server_conn, TANDEM, SERVER_CONN, GIOStream)

typedef struct _TandemGuardInput TandemGuardInput;

struct _TandemServerConn
{
  GIOStream          parent_instance;

  GSocketConnection *base;
  GIOStream         *stream;         /* what libsoup reads and writes: @base, or TLS over it */
  TandemGuardInput  *input;
  char              *address;
  gpointer           gone_func;
  gpointer           gone_data;
  gboolean           closed;
  GSocketAddress    *remote;         /* as handed to libsoup */

  /* Kept by the listener (tandem-server-listener.c). */
  gint64             deadline_us;    /* 0: none */
  gboolean           authenticated;  /* a token or hello was accepted on it */
  gboolean           counted;        /* counts among the unauthenticated */
  gboolean           upgraded;       /* a WebSocket now: the peer's timeouts apply */
  guint64            body_limit;     /* of the request being read */
  gboolean           handed_over;    /* libsoup has it (after the TLS handshake, if any) */
};

/* Called once when the stream is closed (by libsoup, or at finalize). */
typedef void (*TandemServerConnGone) (TandemServerConn *conn,
                                      gpointer          user_data);

/*
 * Wraps an accepted @base so that every byte libsoup reads passes a guard
 * first: the first request's header block is bounded by @max_head_bytes; if
 * that request is a WebSocket upgrade, every frame header that follows is
 * checked against the connection's budgets (see
 * tandem_server_conn_set_frame_limits) before its payload is read. A
 * connection over budget reads as closed, so nothing beyond it is buffered.
 * @stream is what carries the bytes over @base: NULL for @base itself, or a
 * GTlsServerConnection over it (the guard then sees decrypted bytes).
 */
TandemServerConn *tandem_server_conn_new               (GSocketConnection   *base,
                                                        GIOStream           *stream,
                                                        const char          *address,
                                                        gsize                max_head_bytes,
                                                        TandemServerConnGone gone,
                                                        gpointer             user_data);
GSocket          *tandem_server_conn_get_socket        (TandemServerConn    *conn);
/* The GTlsServerConnection, or NULL on a plain connection. */
GTlsConnection   *tandem_server_conn_get_tls           (TandemServerConn    *conn);
/* The remote IP address as text (IPv4-mapped IPv6 addresses as IPv4). */
const char       *tandem_server_conn_get_address       (TandemServerConn    *conn);
/* TRUE once the first request was seen to be a WebSocket upgrade. */
gboolean          tandem_server_conn_is_websocket      (TandemServerConn    *conn);
/* @total_budget: WebSocket bytes (headers included) the peer may send from
 * now on, 0 for no limit; @max_message: the payload of one message,
 * fragments summed. */
void              tandem_server_conn_set_frame_limits  (TandemServerConn    *conn,
                                                        guint64              total_budget,
                                                        guint64              max_message);
/* TRUE if the guard cut the connection (over a budget). */
gboolean          tandem_server_conn_was_cut           (TandemServerConn    *conn);
/* Ends the connection now: libsoup sees the end of the stream and drops it. */
void              tandem_server_conn_kill              (TandemServerConn    *conn);
/* Writes a complete HTTP response (Connection: close) straight to the stream,
 * without waiting for a request body, then ends the connection. For
 * refusals made before a body is read. */
void              tandem_server_conn_refuse            (TandemServerConn    *conn,
                                                        guint                status,
                                                        const char          *json_body);
/* The same in clear on the socket under a TLS connection not yet set up:
 * the answer a TLS server gives a plain client. */
void              tandem_server_conn_refuse_plain      (TandemServerConn    *conn,
                                                        guint                status,
                                                        const char          *json_body);
/* The same on a bare socket that never reached libsoup. */
void              tandem_server_refuse_socket          (GSocket             *socket,
                                                        guint                status,
                                                        const char          *json_body);

G_END_DECLS
