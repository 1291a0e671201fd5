/* tandem-session-server-private.h — state shared by the server's files
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <libsoup/soup.h>

#include "tandem-journal.h"
#include "tandem-session-log.h"
#include "tandem-model.h"
#include "tandem-rate-limit.h"
#include "tandem-server-conn.h"
#include "tandem-session-server.h"

G_BEGIN_DECLS

typedef struct _TandemSession TandemSession;
typedef struct _TandemPeer TandemPeer;
typedef struct _TandemKnocks TandemKnocks;
typedef struct _TandemFlushJob TandemFlushJob;
typedef struct _TandemSessionHistory TandemSessionHistory;

/* A journal record accepted but not yet synced. */
typedef struct
{
  char     *text;
  guint64   seq;       /* 0: a client claim */
  TandemOp *batch;     /* applied to the durable replica once synced */
  char     *client_id;
  guint64   cseq;
  gboolean  note;      /* an author or save-point record: nothing to apply */
  gboolean  replicated; /* another node's, already in the shared log and applied */
} TandemUnflushed;

/* An entry of the session's shared log, as a tail hands it over. */
typedef struct
{
  char     *id;        /* the stream entry's */
  char     *text;      /* the record, as in journal.log */
  guint64   seq;       /* 0: a claim or note */
  gboolean  own;       /* this node wrote it */
} TandemRemoteRecord;

/* What the session knows about one client id. */
typedef struct
{
  guint64  cseq;            /* last accepted client seq, flushed or not */
  guint64  durable_cseq;    /* last client seq in the synced journal */
  guint8   secret_hash[32]; /* SHA-256 of the client secret */
  gboolean has_secret;
  gboolean secret_durable;  /* the claim is in the synced journal or snapshot */
  gboolean claim_queued;    /* the claim waits in unflushed */
  gboolean role_set;        /* the owner gave this id a role (set-role) */
  int      role;            /* that TandemRole, kept across its reconnects */
} TandemClientRecord;

/* A batch sent to a peer, and when. */
typedef struct
{
  guint64 seq;
  gint64  us;
} TandemSentMark;

#define TANDEM_PEER_SENT_MARKS 32

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
  JsonNode                *view;        /* which pattern and page they are on */
  gint64                   rtt_us;      /* the client's measured round trip; -1: unknown */
  TandemRole               role;
  gboolean                 closing;
  gboolean                 doomed;      /* to be closed once its queued answers are out */
  TandemRateLimit          ops_limit;
  TandemRateLimit          msg_limit;
  TandemRateLimit          refused_limit; /* ops refused without a strike */
  guint                    strikes;
  guint64                  rl_cseq;     /* first submit refused for the rate, not yet resent; 0: none */
  gint64                   rl_retry_us; /* when it may come again */
  gboolean                 rl_told;     /* its refusal is out */
  guint                    rl_blind_ops; /* ops refused since, sent before it could be known */
  guint64                  sent_seq;
  guint64                  acked_seq;
  TandemSentMark           marks[TANDEM_PEER_SENT_MARKS]; /* oldest first, from first_mark */
  guint                    first_mark;
  guint                    n_marks;
  GSocket                 *socket;      /* for the kernel's view of what was written */
  guint64                  handed_bytes; /* frames given to libsoup */
  guint64                  written_base; /* the kernel's count when the WebSocket opened */
  guint64                  welcome_end;  /* handed_bytes after the welcome */
  guint64                  checked_at;   /* handed_bytes at the last look at the kernel */
  gint64                   created_us;
  gint64                   last_recv_us;
  gint64                   last_presence_us;
  gboolean                 presence_dirty;
  GSource                 *presence_source;
  TandemServerConn        *stream;      /* its connection's budgets */
  guint                    n_messages;  /* received before joining */
  gboolean                 knocking;    /* waiting for the owner (tandem-session-knock.c) */
  JsonObject              *held_hello;  /* waiting for this node to catch up (tandem-session-remote.c) */
  TandemSession           *held_in;
  gboolean                 hello_released; /* held once: not again */
};

struct _TandemSession
{
  TandemSessionServer *server;
  char                *id;
  char                *dir;
  guint8               token_hash[TANDEM_N_ROLES][32];
  TandemProject       *project;       /* what batches are validated against, synced or not */
  TandemJournal       *journal;
  TandemSessionLog    *log;           /* where flushes go: the journal, or the cluster */
  TandemProject       *durable_project; /* the state the synced journal describes */
  guint64              seq;           /* last accepted batch, flushed or not */
  guint64              durable_seq;   /* last batch in the synced journal */
  guint64              base_seq;      /* records hold batches base_seq+1 .. durable_seq */
  GPtrArray           *records;       /* recent durable batch messages, for catch-up */
  GHashTable          *clients;       /* client id → TandemClientRecord */
  GPtrArray           *peers;         /* joined TandemPeer */
  GQueue               outbox;        /* OutboxEntry, waiting for the journal sync */
  GQueue               unflushed;     /* TandemUnflushed, in journal order */
  GQueue               passing_claims; /* ids bound in memory only (viewers), oldest first */
  TandemFlushJob      *job;           /* the flush in flight (all of unflushed when it began) */
  GSource             *commit_source;
  guint                flush_delay_ms; /* tests: how long each flush stalls */
  char                *samples_dir;   /* <dir>/samples, or under the server's temp dir */
  GHashTable          *uploads;       /* hash → upload in progress */
  TandemSessionHistory *history;      /* tandem-session-history.c */
  GHashTable          *remote_people; /* client id → TandemRemotePerson: on other nodes */
  /* tandem-session-remote.c */
  gpointer             tail;          /* follows the shared log while clients are here */
  char                *tail_after_id; /* the last entry the tail handed over */
  GQueue               remote_pending; /* TandemRemoteRecord, waiting for the flush in flight */
  gboolean             behind;        /* a flush was refused: waiting for the tail */
  guint64              behind_seq;    /* the shared log's seq then */
  guint                conflicts;     /* refused flushes in a row */
  GSource             *behind_source; /* gives up waiting */
  JsonNode            *base_snapshot; /* taken from the shared store: the next flush writes it */
  gboolean             jumped;        /* to it, just now: the clients here must come again */
  gboolean             tail_current;  /* the tail has reached the shared log's end since it started */
  GPtrArray           *held_hellos;   /* TandemPeer whose hello waits for that */
  GSource             *hold_source;   /* gives up waiting */
};

struct _TandemSessionServer
{
  GObject             parent_instance;

  GMainContext       *context;
  SoupServer         *soup;
  char               *data_dir;
  /* The log each session writes to; NULL: its local journal. */
  TandemSessionLog *(*open_log) (TandemSession *session, gpointer data);
  gpointer            open_log_data;
  /* Where the presence of this node's participants goes beyond them (the
   * other nodes of a cluster): @text a presence message, NULL when
   * @client_id left. NULL: nowhere. */
  void              (*relay_presence) (TandemSession *session, const char *client_id,
                                       const char *text, gpointer data);
  /* The owner here gave @client_id @role: their node, wherever it is, applies it. */
  void              (*relay_role) (TandemSession *session, const char *client_id,
                                   TandemRole role, gpointer data);
  gpointer            relay_presence_data;
  /* Follows a session's shared log (tandem-cluster-tail.c); NULL: none. */
  gpointer          (*tail_start) (TandemSession *session, gpointer data);
  void              (*tail_stop)  (gpointer tail);
  gpointer            tail_data;
  /* Writes the folder @dir of session @id from the shared store, if it is
   * there (tandem-cluster-fetch.c); NULL: sessions live on this node only. */
  gboolean          (*fetch_session) (TandemSessionServer *server, const char *id,
                                      const char *dir, gpointer data, GError **error);
  /* The shared store's last snapshot of session @id (tandem-cluster-fetch.c). */
  JsonNode         *(*fetch_snapshot) (TandemSessionServer *server, const char *id,
                                       gpointer data, GError **error);
  char               *admin_token_hash;
  char               *public_host;
  char              **invite_also;  /* other nodes, put into invite links as also= */
  TandemServerLimits  limits;
  gboolean            fsync;
  GHashTable         *sessions;      /* id → TandemSession */
  TandemKnocks       *knocks;        /* tandem-session-knock.c */
  GHashTable         *unavailable;   /* id → dir of sessions on disk that did not load */
  GThreadPool        *flush_pool;
  GPtrArray          *peers;         /* every connection, joined or not */
  GSource            *sweep_source;
  gboolean            shut_down;
  char               *tmp_dir;       /* samples of memory-only sessions */
  char               *shared_sample_dir; /* <dir>/<session id>/, shared by nodes */
  char               *part_suffix;   /* of upload part files: ".part", ".<node>.part" */
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
  GTlsCertificate    *tls_certificate; /* NULL: plain ws:// and http:// */
  GCancellable       *tls_cancellable; /* handshakes under way */

  /* tandem-server-open.c */
  gboolean            open_sessions;   /* POST /sessions without the admin token */
  guint               open_per_hour;   /* such creations per address per hour; 0: any */
  GHashTable         *open_creations;  /* address → GArray of creation times (monotonic µs) */
  guint64             idle_expiry_ms;  /* 0: sessions never expire */
  GHashTable         *idle_seen;       /* session id → when it was last busy */
  GSource            *expiry_source;
  /* tandem-server-loader.c */
  GHashTable         *to_load;       /* id → dir of sessions on disk not loaded yet (load_lock) */
  GMutex              load_lock;
  GCond               load_cond;     /* signalled when the worker finishes a session */
  GThread            *loader;
  GPtrArray          *loader_ids;    /* what the worker goes through, in order */
  const char         *loading_id;    /* the session the worker reads now (load_lock) */
  GQueue              loaded;        /* recovered, not installed yet (load_lock) */
  GSource            *drain_source;  /* installs them on the main context (load_lock) */
  gint                stop_loading;  /* atomic */
  /* tandem-session-history.c */
  gboolean            keep_history;
  guint64             history_max_bytes; /* 0: no limit */
  gint64              history_max_age_s; /* 0: no limit */
};

/* tandem-session-remote-people.c: people of a session on other nodes */
typedef struct _TandemRemotePerson TandemRemotePerson;
void           _tandem_session_relay_presence (TandemSession       *session,
                                               const char          *client_id,
                                               const char          *text);
void           _tandem_session_add_remote_participants (TandemSession *session,
                                                        JsonBuilder   *b);
/* The colours of people on other nodes, added to @taken. */
void           _tandem_session_remote_colors  (TandemSession       *session,
                                               GPtrArray           *taken);
/* A person of this node joined as @client_id: if they were seen on another
 * node (they moved), they are here now. */
void           _tandem_session_forget_remote  (TandemSession       *session,
                                               const char          *client_id);
void           _tandem_session_remote_people_free (TandemSession    *session);
/* tandem-server-presence.c: presence, colours and roles */
char          *_tandem_peer_presence_message  (TandemPeer          *peer);
void           _tandem_peer_add_presence_members (JsonBuilder     *b,
                                                  TandemPeer      *peer);
char          *_tandem_peer_leave_message     (TandemPeer          *peer);
/* Tells the others in @peer's session (and the other nodes) how it looks now. */
void           _tandem_peer_announce          (TandemPeer          *peer);
/* Tells @peer what the others see of it (its colour, its role). */
void           _tandem_peer_send_own_presence (TandemPeer          *peer);
/* @wanted if nobody else in @session has it, else the first free colour. */
char          *_tandem_peer_pick_color        (TandemSession       *session,
                                               TandemPeer          *peer,
                                               const char          *wanted);
void           _tandem_peer_handle_presence   (TandemPeer          *peer,
                                               JsonObject          *msg);
void           _tandem_peer_handle_set_role   (TandemPeer          *peer,
                                               JsonObject          *msg);
/* @peer's colour turned out to be taken (by someone on another node with
 * the stronger claim): it gets the first free one, and everyone hears it. */
void           _tandem_peer_give_another_color (TandemPeer         *peer);
/* Whether @client_id is someone on another node, and their @role there. */
gboolean       _tandem_session_remote_role    (TandemSession       *session,
                                               const char          *client_id,
                                               TandemRole          *role);
void           _tandem_session_relay_role     (TandemSession       *session,
                                               const char          *client_id,
                                               TandemRole           role);
/* @client_id is @role from now on (kept for the id while the server runs);
 * if they are here, they and everyone hear it (tandem-session-server.c). */
void           _tandem_session_set_role       (TandemSession       *session,
                                               const char          *client_id,
                                               TandemRole           role);

/* tandem-server-loader.c */
void           _tandem_server_loader_init     (TandemSessionServer  *self);
gboolean       _tandem_server_loader_find     (TandemSessionServer  *self,
                                               GError              **error);
void           _tandem_server_loader_start    (TandemSessionServer  *self);
void           _tandem_server_loader_stop     (TandemSessionServer  *self);
void           _tandem_server_loader_finalize (TandemSessionServer  *self);
guint          _tandem_server_loader_get_n_left (TandemSessionServer *self);
void           _tandem_server_loader_add_ids  (TandemSessionServer  *self,
                                               GStrvBuilder         *builder);
TandemSession *_tandem_server_lookup_session  (TandemSessionServer  *self,
                                               const char           *id);

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
/* Whether @secret_hash (the SHA-256 of a client secret) proves @client_id:
 * TRUE if the session has not seen the id or the hash matches (compared in
 * constant time). */
gboolean       _tandem_session_check_client  (TandemSession       *session,
                                              const char          *client_id,
                                              const guint8        *secret_hash);
/* Binds an id not yet seen to @secret_hash, for good when @durable (the
 * claim is journaled), else until the server restarts or, once the id is
 * gone and many others came, to make room. */
void           _tandem_session_claim_client  (TandemSession       *session,
                                              const char          *client_id,
                                              const guint8        *secret_hash,
                                              gboolean             durable);
/* Validates and applies a submission. On success the batch is journaled
 * (not yet synced) and queued for broadcast; on failure a reject is queued
 * for the author. */
void           _tandem_session_submit        (TandemSession       *session,
                                              TandemPeer          *author,
                                              guint64              client_seq,
                                              JsonArray           *ops);
/* Closes the author's connection with @code once everything queued before
 * (batches in flight, rejects) has gone out; until then it is ignored. */
void           _tandem_session_fail_after    (TandemSession       *session,
                                              TandemPeer          *author,
                                              const char          *code,
                                              const char          *message,
                                              gushort              close_code);
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
/* Starts a flush of what was accepted so far (on a worker) and sends what
 * needs no flush. Batches go out once the flush that covers them is done. */
void           _tandem_session_commit        (TandemSession       *session);
/* The welcome message for a peer that has seen up to @last_seq (-1: none). */
char          *_tandem_session_build_welcome (TandemSession       *session,
                                              TandemPeer          *peer,
                                              gint64               last_seq);
void           _tandem_session_broadcast     (TandemSession       *session,
                                              TandemPeer          *except,
                                              const char          *text);
/* Waits until everything accepted is synced (or refused) and sent. */
void           _tandem_session_flush         (TandemSession       *session);

/* The client record of @client_id, made if new. */
TandemClientRecord *_tandem_session_get_client (TandemSession     *session,
                                              const char          *client_id);
TandemProject *_tandem_session_copy_project  (TandemProject       *project);
/* Applies @batch to the replica if it is valid there (and within the
 * sample limits); else *@code and *@message say why not. */
gboolean       _tandem_session_apply_checked (TandemSession       *session,
                                              TandemOp            *batch,
                                              const char         **code,
                                              char               **message);
/* The queued echo of @client_id's batch @cseq now has @seq and @text. */
void           _tandem_session_outbox_renumber (TandemSession     *session,
                                                const char        *client_id,
                                                guint64            cseq,
                                                guint64            seq,
                                                const char        *text);
/* The queued echo of @client_id's batch @cseq becomes @answer (taken
 * over), sent to that client only. */
void           _tandem_session_outbox_answer (TandemSession       *session,
                                              const char          *client_id,
                                              guint64              cseq,
                                              char                *answer);
void           _tandem_session_drain_outbox  (TandemSession       *session);
void           _tandem_session_trim_records  (TandemSession       *session);
/* Replays a claim record (journal or shared log). */
gboolean       _tandem_session_replay_claim  (TandemSession       *session,
                                              JsonObject          *obj,
                                              GError             **error);
void           _tandem_unflushed_free        (gpointer             data);
/* Back to the durable state: every batch not synced is refused with @error. */
void           _tandem_session_roll_back     (TandemSession       *session,
                                              const GError        *error);
/* Removes a session folder that is not (or no longer) a session. */
void           _tandem_session_remove_dir    (const char          *dir);

/* tandem-session-remote.c */
/* Starts or stops following the shared log as clients come and go. */
void           _tandem_session_follow        (TandemSession       *session);
/* Entries of the shared log from the tail, in order (taken over). */
void           _tandem_session_receive_remote (TandemSession      *session,
                                               GPtrArray          *records);
/* Applies what the tail brought, if no flush is in flight. */
void           _tandem_session_process_remote (TandemSession      *session);
/* A flush was refused with @error: TRUE if the session waits for the tail
 * to bring it up to the shared log and then tries again; FALSE to refuse
 * the batches. */
gboolean       _tandem_session_fell_behind   (TandemSession       *session,
                                              const GError        *error);
/* A flush was refused with @error: TRUE if because of a claim of a client
 * id that another node bound first; the claim is dropped, its client sent
 * away and the rest refused, to be flushed again. */
gboolean       _tandem_session_claim_refused (TandemSession       *session,
                                              const GError        *error);
void           _tandem_session_remote_free   (TandemSession       *session);
/* A hello to a session this node has not caught up with yet (it follows
 * the shared log only while it has clients): TRUE if it is held until the
 * tail reaches the log's end (or a short while passes), so that the welcome
 * and the first submits meet the session as it is, not as it was. */
gboolean       _tandem_session_hold_hello    (TandemSession       *session,
                                              TandemPeer          *peer,
                                              JsonObject          *msg);
/* The tail reached the shared log's end (tandem-cluster-tail.c). */
void           _tandem_session_caught_up     (TandemSession       *session);
/* @peer closes: a hello it left waiting goes. */
void           _tandem_peer_drop_held_hello  (TandemPeer          *peer);
/* tandem-session-server.c: the hello of @peer, held, goes on. */
void           _tandem_peer_release_hello    (TandemPeer          *peer,
                                              JsonObject          *msg);
void           _tandem_remote_record_free    (gpointer             data);

/* tandem-session-flush.c */
/* Writes and syncs the unflushed records of @session on a worker thread;
 * on the main context, @done is called with the outcome. */
void           _tandem_session_flush_start   (TandemSession       *session);
/* The log of a session whose journal is open (see open_log). */
TandemSessionLog *_tandem_session_open_log  (TandemSession       *session);
/* Blocks until the flush in flight (if any) finished and was handled. */
void           _tandem_session_flush_wait    (TandemSession       *session);
void           _tandem_server_flush_pool_free (TandemSessionServer *self);
/* Called on the main context when a flush finished: @n_done records were
 * synced, or (@error set) none and the journal was put back as it was. */
void           _tandem_session_flush_done    (TandemSession       *session,
                                              guint                n_done,
                                              const GError        *error);
/* The snapshot of the durable state to write before the next records
 * (compaction), or NULL when the journal is short enough. */
JsonNode      *_tandem_session_take_snapshot (TandemSession       *session);

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
/* The rate-limited answer to submit @cseq was handed to @peer's connection. */
void           _tandem_peer_refusal_sent     (TandemPeer          *peer,
                                              guint64              cseq);
TandemPeer    *_tandem_session_find_peer     (TandemSession       *session,
                                              const char          *client_id);
GSource       *_tandem_server_add_timeout    (TandemSessionServer *self,
                                              guint                ms,
                                              GSourceFunc          func,
                                              gpointer             data);
/* Random URL-safe text with @n_bytes of entropy from the system's CSPRNG. */
char          *_tandem_random_token          (gsize                n_bytes);

/* tandem-session-knock.c */
TandemKnocks  *_tandem_knocks_new            (void);
void           _tandem_knocks_free           (TandemKnocks        *self);
void           _tandem_knock_handle          (TandemPeer          *peer,
                                              JsonObject          *msg);
void           _tandem_knock_handle_answer   (TandemPeer          *peer,
                                              JsonObject          *msg,
                                              gboolean             admit);
void           _tandem_knock_forget_peer     (TandemPeer          *peer);
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
/* {"error":{"code":@code,"message":@message}}, the body of every refusal. */
JsonNode      *_tandem_server_error_node     (const char          *code,
                                              const char          *message);
void           _tandem_server_respond_error  (SoupServerMessage   *msg,
                                              guint                status,
                                              const char          *code,
                                              const char          *message);

/* tandem-server-open.c */
/* Whether @msg, which has no admin token, may create a session now; if
 * not, it is answered 429 with Retry-After. */
gboolean       _tandem_server_open_admit     (TandemSessionServer *self,
                                              SoupServerMessage   *msg);
/* A session was created for @msg without the admin token. */
void           _tandem_server_open_record    (TandemSessionServer *self,
                                              SoupServerMessage   *msg);
void           _tandem_server_open_shutdown  (TandemSessionServer *self);
void           _tandem_server_open_finalize  (TandemSessionServer *self);

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

/* tandem-session-history.c */
void           _tandem_session_history_init  (TandemSession       *session);
void           _tandem_session_history_free  (TandemSession       *session);
/* Adds "names" and "save_points" to a snapshot being built. */
void           _tandem_session_history_add_to_snapshot (TandemSession *session,
                                                        JsonBuilder   *b);
/* Reads them back from a recovered snapshot. */
void           _tandem_session_history_recover (TandemSession     *session,
                                                JsonObject        *snapshot);
/* Replays an author or save-point record found in the journal. */
void           _tandem_session_history_replay_note (TandemSession *session,
                                                    JsonObject    *record,
                                                    const char    *type);
/* An editor joined: journals its name if it is new for its client id. */
void           _tandem_session_history_note_author (TandemSession *session,
                                                    TandemPeer    *peer);
/* A note record became durable. */
void           _tandem_session_history_note_durable (TandemSession *session,
                                                     const char    *text);
/* Handles history-summary, history-project and save-point; FALSE when
 * @type is none of them. */
gboolean       _tandem_session_history_handle (TandemPeer         *peer,
                                               JsonObject         *msg,
                                               const char         *type);
/* After a compaction on the flush worker: applies the retention policy. */
void           _tandem_session_history_prune (const char          *dir,
                                              guint64              max_bytes,
                                              gint64               max_age_s);

G_END_DECLS
