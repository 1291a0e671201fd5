/* tandem-sync-client-private.h — state shared by the files that make up the sync client
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * tandem-sync-client.c             the GObject: properties, signals, getters
 * tandem-sync-client-connection.c  connect, join (welcome), heartbeat, reconnect with backoff
 * tandem-sync-client-pending.c     the queue of optimistic local edits: coalescing, sending
 * tandem-sync-client-rebase.c      remote batches and rejects, replayed under the pending edits
 * tandem-sync-client-presence.c    our presence and the other participants
 * tandem-sync-client-clock.c       pings, pongs and the server clock estimate
 * tandem-sync-client-resume.c      the identity and pending edits kept across a crash
 */
#pragma once

#include <libsoup/soup.h>

#include "tandem-clock.h"
#include "tandem-invite.h"
#include "tandem-protocol.h"
#include "tandem-rate-limit.h"
#include "tandem-sync-client.h"
#include "tandem-tls-check.h"

G_BEGIN_DECLS

/* A local edit the server has not confirmed yet. */
typedef struct
{
  TandemOp *op;
  TandemOp *inverse;   /* NULL while not applied locally */
  guint64   cseq;      /* 0 until sent */
  char     *key;       /* coalescing key of a "set", else NULL */
  gboolean  sent;      /* sent on this connection (else to send, or to send again) */
  guint     in_flight; /* copies sent on this connection with no answer yet */
  char     *text;      /* the op as JSON, for structural ops (see coalescing) */
} TandemSyncPending;

/* The pause before an edit the server could not store goes again, doubling
 * from the first to the last while the refusals go on. */
#define STORAGE_RETRY_MIN_MS 250
#define STORAGE_RETRY_MAX_MS 4000

struct _TandemSyncClient
{
  GObject                  parent_instance;

  GMainContext            *context;
  TandemProject           *project;
  TandemHistory           *history;
  SoupSession             *soup;
  SoupWebsocketConnection *conn;
  GCancellable            *cancellable;
  TandemInvite            *invite;
  TandemSyncState          state;
  char                    *client_id;
  char                    *client_secret; /* proves client_id to the server; never shown */
  char                    *display_name;
  char                    *color;         /* the colour we ask for */
  char                    *assigned_color; /* the one the server gave us; NULL: none yet */
  gboolean                 color_dirty;   /* asked for since the last presence */
  char                    *role;
  JsonNode                *cursor;
  JsonNode                *view;          /* pattern and page shown here, for presence */
  GListStore              *participants;

  GQueue                   pending;       /* of TandemSyncPending, oldest first */
  guint64                  next_cseq;
  guint64                  seq;
  guint64                  acked_seq;
  gboolean                 has_base;
  gboolean                 joined;
  gboolean                 fatal;
  gboolean                 want_snapshot;
  gsize                    max_message_bytes;
  guint                    ack_every;
  guint                    ack_after_ms;  /* a batch waits at most this long for its ack */
  GSource                 *ack_source;

  guint                    heartbeat_ms;
  guint                    heartbeat_timeout_ms;
  guint                    backoff_min_ms;
  guint                    backoff_max_ms;
  guint                    coalesce_ms;
  guint                    attempt;
  guint                    connect_timeout_ms;
  gint64                   attempt_start_us;
  gboolean                 connect_timed_out;
  GSource                 *connect_timeout_source;
  /* TLS: the verdict on the host's certificate during the current attempt
   * (tandem-tls-check.c), and that attempt's upgrade request. */
  TandemTlsVerdict         tls_verdict;
  SoupMessage             *connect_msg;

  /* Pacing to the limits of the welcome (tandem-sync-client-pending.c). */
  TandemRateLimit          ops_bucket;
  TandemRateLimit          msg_bucket;
  guint                    n_unanswered;  /* submits sent on this connection, no answer yet */
  gint64                   hold_until_us; /* after a rate-limited answer: send nothing before */
  gboolean                 held;          /* resend from the refused one once all are answered */
  guint                    storage_retry_ms; /* the last pause after a storage refusal; 0: none */
  double                   pace_factor;   /* test hook: pace this much faster than announced */
  gint64                   last_recv_us;
  TandemClock             *clock;         /* server clock estimate (tandem-clock.h) */
  gboolean                 clock_stale;    /* new connection: replace the samples */
  gint64                   clock_skew;     /* test hook: added to the local clock */
  gint64                   shared_rtt;     /* the round trip last sent in presence */
  guint                    clock_burst;    /* quick pings left after joining */
  GSource                 *clock_source;
  char                    *last_sent_key;
  gint64                   last_sent_us;
  gint64                   last_presence_us;
  gboolean                 presence_dirty;

  GSource                 *heartbeat_source;
  GSource                 *reconnect_source;
  GSource                 *flush_source;
  GSource                 *presence_source;
  gulong                   applied_id;
};

enum {
  PROP_0,
  PROP_PROJECT,
  PROP_HISTORY,
  PROP_STATE,
  PROP_CLIENT_ID,
  PROP_DISPLAY_NAME,
  PROP_COLOR,
  PROP_ROLE,
  PROP_N_PENDING,
  N_PROPS
};

enum {
  REJECTED,
  OP_DROPPED,
  ERROR,
  PARTICIPANT_JOINED,
  PARTICIPANT_LEFT,
  PARTICIPANT_UPDATED,
  BATCH_RECEIVED,
  SAMPLE_AVAILABLE,
  REMOTE_BATCH,
  KNOCK_RECEIVED,
  KNOCK_ENDED,
  STORAGE_REFUSED,
  N_SIGNALS
};

/* Defined in tandem-sync-client.c. */
extern GParamSpec *_tandem_sync_client_properties[N_PROPS];
extern guint _tandem_sync_client_signals[N_SIGNALS];

/* tandem-sync-client.c */
void      _tandem_sync_client_clear_source   (GSource          **source);
GSource  *_tandem_sync_client_add_timeout    (TandemSyncClient  *self,
                                              guint              ms,
                                              GSourceFunc        func);
void      _tandem_sync_client_set_state      (TandemSyncClient  *self,
                                              TandemSyncState    state);
void      _tandem_sync_client_notify_pending (TandemSyncClient  *self);
void      _tandem_sync_client_send_text      (TandemSyncClient  *self,
                                              const char        *text);

/* tandem-sync-client-knock.c */
void      _tandem_sync_client_handle_knock   (TandemSyncClient  *self,
                                              JsonObject        *msg);
void      _tandem_sync_client_handle_knock_ended (TandemSyncClient *self,
                                                  JsonObject       *msg);

/* tandem-sync-client-connection.c */
void      _tandem_sync_client_connection_lost (TandemSyncClient *self);
void      _tandem_sync_client_resync          (TandemSyncClient *self,
                                               const char       *why);

/* tandem-sync-client-pending.c */
void      _tandem_sync_client_pending_free    (TandemSyncPending *pending);
/* Two sets with the same key change the same value; NULL for other ops. */
char     *_tandem_sync_client_coalesce_key    (TandemOp         *op);
void      _tandem_sync_client_queue_local     (TandemSyncClient *self,
                                               TandemOp         *op,
                                               TandemOp         *inverse);
void      _tandem_sync_client_flush_pending   (TandemSyncClient *self);
void      _tandem_sync_client_resend_pending  (TandemSyncClient *self);
void      _tandem_sync_client_set_limits      (TandemSyncClient *self,
                                               JsonObject       *limits);
/* A submit of ours got its answer (echo, reject or error). */
void      _tandem_sync_client_answered        (TandemSyncClient  *self,
                                               TandemSyncPending *pending);
void      _tandem_sync_client_handle_rate_limited (TandemSyncClient *self,
                                                   GList            *link,
                                                   gint64            retry_after_ms);
void      _tandem_sync_client_hold_submits    (TandemSyncClient *self,
                                               gint64            retry_after_ms);

/* tandem-sync-client-rebase.c */
gboolean  _tandem_sync_client_rewind_pending  (TandemSyncClient *self);
void      _tandem_sync_client_replay_pending  (TandemSyncClient *self,
                                               gboolean          drop_sent);
gboolean  _tandem_sync_client_rebase_on_welcome (TandemSyncClient *self,
                                                 JsonNode         *snapshot,
                                                 JsonNode         *batches,
                                                 gint64            seq,
                                                 gint64            client_seq);
void      _tandem_sync_client_handle_batch    (TandemSyncClient *self,
                                               JsonObject       *msg);
void      _tandem_sync_client_handle_reject   (TandemSyncClient *self,
                                               JsonObject       *msg);
void      _tandem_sync_client_handle_submit_error (TandemSyncClient *self,
                                                   JsonObject       *msg);

/* tandem-sync-client-presence.c */
void      _tandem_sync_client_presence_changed    (TandemSyncClient *self);
void      _tandem_sync_client_update_participant  (TandemSyncClient *self,
                                                   JsonObject       *obj);
void      _tandem_sync_client_remove_participant  (TandemSyncClient *self,
                                                   const char       *client_id);
void      _tandem_sync_client_clear_participants  (TandemSyncClient *self);
void      _tandem_sync_client_set_participants    (TandemSyncClient *self,
                                                   JsonNode         *participants);

/* tandem-sync-client-clock.c */
gint64    _tandem_sync_client_local_now         (TandemSyncClient *self);
void      _tandem_sync_client_send_ping         (TandemSyncClient *self);
void      _tandem_sync_client_start_clock_burst (TandemSyncClient *self);
void      _tandem_sync_client_handle_pong       (TandemSyncClient *self,
                                                 JsonObject       *msg);

G_END_DECLS
