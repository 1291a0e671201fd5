/* tandem-session-server-private.h — state shared by the server's files
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <libsoup/soup.h>

#include "tandem-journal.h"
#include "tandem-model.h"
#include "tandem-rate-limit.h"
#include "tandem-server-conn.h"
#include "tandem-session-server.h"

G_BEGIN_DECLS

typedef struct _TandemSession TandemSession;
typedef struct _TandemPeer TandemPeer;

struct _TandemPeer
{
  TandemSessionServer     *server;
  SoupWebsocketConnection *conn;
  char                    *path_session;
  TandemSession           *session;     /* set once joined */
  char                    *client_id;
  char                    *name;
  char                    *color;
  JsonNode                *cursor;
  gint64                   rtt_us;      /* the client's measured round trip; -1: unknown */
  TandemRole               role;
  gboolean                 closing;
  TandemRateLimit          ops_limit;
  TandemRateLimit          msg_limit;
  TandemRateLimit          refused_limit; /* ops refused without a strike */
  guint                    strikes;
  guint64                  rl_cseq;     /* first submit refused for the rate, not yet resent; 0: none */
  gint64                   rl_retry_us; /* when it may come again */
  guint64                  sent_seq;
  guint64                  acked_seq;
  gint64                   created_us;
  gint64                   last_recv_us;
  gint64                   last_presence_us;
  gboolean                 presence_dirty;
  GSource                 *presence_source;
  TandemServerConn        *stream;      /* its connection's budgets */
  guint                    n_messages;  /* received before joining */
};

struct _TandemSession
{
  TandemSessionServer *server;
  char                *id;
  char                *dir;
  guint8               token_hash[TANDEM_N_ROLES][32];
  TandemProject       *project;
  TandemJournal       *journal;
  guint64              seq;
  guint64              base_seq;      /* records hold batches base_seq+1 .. seq */
  GPtrArray           *records;       /* recent batch messages, for catch-up */
  GHashTable          *clients;       /* client id → guint64 * last client seq */
  GPtrArray           *peers;         /* joined TandemPeer */
  GQueue               outbox;        /* OutboxEntry, waiting for the journal sync */
  GSource             *commit_source;
  gboolean             broken;
  char                *samples_dir;   /* <dir>/samples, or under the server's temp dir */
  GHashTable          *uploads;       /* hash → upload in progress */
};

struct _TandemSessionServer
{
  GObject             parent_instance;

  GMainContext       *context;
  SoupServer         *soup;
  char               *data_dir;
  char               *admin_token_hash;
  char               *public_host;
  TandemServerLimits  limits;
  gboolean            fsync;
  GHashTable         *sessions;      /* id → TandemSession */
  GPtrArray          *peers;         /* every connection, joined or not */
  GSource            *sweep_source;
  gboolean            shut_down;
  char               *tmp_dir;       /* samples of memory-only sessions */
  guint64             sample_bytes_received;

  /* tandem-server-listener.c */
  GPtrArray          *listen_sockets;
  GPtrArray          *listen_sources;
  GSource            *listen_retry_source;
  GSource            *conn_sweep_source;
  int                 reserve_fd;    /* given up to answer 503 when out of descriptors */
  guint16             port;
  GHashTable         *conns;         /* TandemServerConn (no references) */
  GHashTable         *unauthenticated_by_address; /* address → count */
  guint               n_unauthenticated;
  gint64              last_accept_warning_us;
};

/* The largest POST /sessions body (a project). */
#define TANDEM_SERVER_MAX_CREATE_BODY (64 * 1024 * 1024)

/* tandem-session.c */
TandemSession *_tandem_session_new           (TandemSessionServer *server,
                                              const char          *id,
                                              const char          *dir,
                                              TandemProject       *project,
                                              char               **tokens,
                                              GError             **error);
TandemSession *_tandem_session_recover       (TandemSessionServer *server,
                                              const char          *dir,
                                              GError             **error);
void           _tandem_session_free          (TandemSession       *session);
/* Which role @token grants, compared in constant time; FALSE if none. */
gboolean       _tandem_session_check_token   (TandemSession       *session,
                                              const char          *token,
                                              TandemRole          *role);
guint64        _tandem_session_get_client_seq (TandemSession      *session,
                                              const char          *client_id);
/* Validates and applies a submission. On success the batch is journaled
 * (not yet synced) and queued for broadcast; on failure a reject is queued
 * for the author. */
void           _tandem_session_submit        (TandemSession       *session,
                                              TandemPeer          *author,
                                              guint64              client_seq,
                                              JsonArray           *ops);
/* Queues a reject for the author, ordered after the batches before it. */
void           _tandem_session_reject        (TandemSession       *session,
                                              TandemPeer          *author,
                                              guint64              client_seq,
                                              const char          *code,
                                              const char          *message);
/* Queues a "rate-limited" reject that does not process @client_seq: the
 * duplicate counter stays, so the same batch can come again. */
void           _tandem_session_refuse        (TandemSession       *session,
                                              TandemPeer          *author,
                                              guint64              client_seq,
                                              const char          *message,
                                              gint64               retry_after_ms);
/* The most ops one batch may hold: never more than the ops burst, or a
 * batch that the limits allow could never get through the rate limit. */
guint          _tandem_server_limits_max_batch (const TandemServerLimits *limits);
/* Syncs the journal and sends everything queued. */
void           _tandem_session_commit        (TandemSession       *session);
/* The welcome message for a peer that has seen up to @last_seq (-1: none). */
char          *_tandem_session_build_welcome (TandemSession       *session,
                                              TandemPeer          *peer,
                                              gint64               last_seq);
void           _tandem_session_broadcast     (TandemSession       *session,
                                              TandemPeer          *except,
                                              const char          *text);
void           _tandem_session_flush         (TandemSession       *session);

/* tandem-session-server.c */
/* Takes @text over. */
void           _tandem_peer_send             (TandemPeer          *peer,
                                              char                *text);
void           _tandem_peer_send_batch       (TandemPeer          *peer,
                                              const char          *text,
                                              guint64              seq);
void           _tandem_peer_fail             (TandemPeer          *peer,
                                              const char          *code,
                                              const char          *message,
                                              gushort              close_code);
TandemPeer    *_tandem_session_find_peer     (TandemSession       *session,
                                              const char          *client_id);
GSource       *_tandem_server_add_timeout    (TandemSessionServer *self,
                                              guint                ms,
                                              GSourceFunc          func,
                                              gpointer             data);
/* Random URL-safe text with @n_bytes of entropy from the system's CSPRNG. */
char          *_tandem_random_token          (gsize                n_bytes);
char          *_tandem_token_hash            (const char          *token);

/* tandem-server-listener.c */
void           _tandem_server_listener_init  (TandemSessionServer *self);
void           _tandem_server_listener_restart_sweep (TandemSessionServer *self);
void           _tandem_server_listener_shutdown (TandemSessionServer *self);
void           _tandem_server_listener_finalize (TandemSessionServer *self);
/* The connection a request came on (NULL once it is gone). */
TandemServerConn *_tandem_server_conn_for_message (SoupServerMessage *msg);
/* A token or hello was accepted on @conn: it no longer counts against the
 * caps on unauthenticated connections. */
void           _tandem_server_conn_authenticated (TandemSessionServer *self,
                                                  TandemServerConn    *conn);

/* tandem-server-http.c */
void           _tandem_server_http_init      (TandemSessionServer *self);
void           _tandem_server_respond_error  (SoupServerMessage   *msg,
                                              guint                status,
                                              const char          *code,
                                              const char          *message);

/* tandem-server-samples.c */
/* Handles /sessions/<id>/samples/<hash> and /sessions/<id>/uploads/<hash>. */
void           _tandem_server_samples_handle (TandemSessionServer *self,
                                              SoupServerMessage   *msg,
                                              const char          *path);
/* Refuses oversized or unauthenticated uploads before their body is read. */
gboolean       _tandem_server_samples_early  (TandemSessionServer *self,
                                              SoupServerMessage   *msg,
                                              const char          *path);
/* Checks the sample registry after a batch: NULL if within the limits,
 * else the reject code and a message in @message. */
const char    *_tandem_session_check_samples (TandemSession       *session,
                                              char               **message);
void           _tandem_session_samples_free  (TandemSession       *session);
void           _tandem_server_samples_cleanup (TandemSessionServer *self);

G_END_DECLS
