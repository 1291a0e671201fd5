/* tandem-sync-client.h — keeps a local project in sync with a session
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "tandem-model.h"
#include "tandem-invite.h"
#include "tandem-participant.h"

G_BEGIN_DECLS

typedef enum
{
  TANDEM_SYNC_STATE_OFFLINE,      /* not connected and not trying */
  TANDEM_SYNC_STATE_CONNECTING,   /* first connection attempt */
  TANDEM_SYNC_STATE_LIVE,         /* joined: edits flow both ways */
  TANDEM_SYNC_STATE_RECONNECTING, /* lost the connection; retrying with backoff */
} TandemSyncState;

#define TANDEM_TYPE_SYNC_STATE (tandem_sync_state_get_type ())
GType tandem_sync_state_get_type (void) G_GNUC_CONST;
const char *tandem_sync_state_to_string (TandemSyncState state);

#define TANDEM_TYPE_SYNC_CLIENT (tandem_sync_client_get_type ())
G_DECLARE_FINAL_TYPE (TandemSyncClient, tandem_sync_client, TANDEM, SYNC_CLIENT, GObject)

/*
 * Local edits (through @history, or tandem_sync_client_submit()) apply at
 * once and stay pending until the server echoes them. Remote batches are
 * shown on top of the confirmed state with the pending edits re-applied.
 * Runs on the thread-default GMainContext of the thread that creates it.
 *
 * Properties: "project", "history", "state" (TandemSyncState), "client-id",
 * "display-name", "color", "role" (NULL until joined), "n-pending".
 *
 * Signals:
 *   ::rejected (TandemOp *op, const char *code, const char *message) — the
 *     server refused a batch of ours; it has been rolled back.
 *   ::op-dropped (TandemOp *op, const char *message) — a pending edit no
 *     longer applied after remote edits (e.g. its entity was deleted) and
 *     was dropped before it was sent.
 *   ::error (const char *code, const char *message) — an error message from
 *     the server; codes are those of docs/protocol.md.
 *   ::participant-joined / ::participant-left / ::participant-updated
 *     (TandemParticipant *participant) — other people in the session.
 *   ::batch-received (guint64 seq, const char *client_id, guint64 client_seq)
 *     — after a batch of the session (anyone's, ours included) was applied.
 *   ::sample-available (const char *hash) — the server verified and stored
 *     an upload of that sample; it can be downloaded now.
 *   ::remote-batch (const char *client_id, TandemOp *batch, guint64 seq) —
 *     someone else's batch is about to be applied to the confirmed state
 *     (the project does not show our pending edits then, and what the batch
 *     deletes is still there). Handlers only look; they never edit.
 *   ::knock-received (const char *knock_id, const char *name) — owners
 *     only: someone without a token asks to come in.
 *   ::knock-ended (const char *knock_id) — owners only: that knock no longer
 *     waits (answered, maybe from another connection of the owner; given
 *     up; or timed out).
 *
 * The server assigns colours: "color" becomes the one it gave us (ours if
 * nobody else had it), and "role" follows a set-role by the owner.
 */
TandemSyncClient *tandem_sync_client_new              (TandemProject    *project,
                                                       TandemHistory    *history);
/* Starts joining the session of @invite (tandem:// or ws:// link with its
 * token). Returns FALSE only when the link is malformed. */
gboolean          tandem_sync_client_connect          (TandemSyncClient *self,
                                                       const char       *invite,
                                                       GError          **error);
/* Says goodbye to the session and goes offline; pending edits are kept and
 * sent after the next connect. */
void              tandem_sync_client_disconnect       (TandemSyncClient *self);

/* Applies @op locally and sends it (for callers without a TandemHistory). */
gboolean          tandem_sync_client_submit           (TandemSyncClient *self,
                                                       TandemOp         *op,
                                                       GError          **error);

TandemSyncState   tandem_sync_client_get_state        (TandemSyncClient *self);
/* The session being joined, with its token (for the sample transfers). */
TandemInvite     *tandem_sync_client_dup_invite       (TandemSyncClient *self);
const char       *tandem_sync_client_get_client_id    (TandemSyncClient *self);
const char       *tandem_sync_client_get_role         (TandemSyncClient *self);
TandemProject    *tandem_sync_client_get_project      (TandemSyncClient *self);
/* The session sequence number the confirmed state reflects. */
guint64           tandem_sync_client_get_seq          (TandemSyncClient *self);
guint             tandem_sync_client_get_n_pending    (TandemSyncClient *self);
/* Other participants (TandemParticipant), in join order. */
GListModel       *tandem_sync_client_get_participants (TandemSyncClient *self);

void              tandem_sync_client_set_display_name (TandemSyncClient *self,
                                                       const char       *name);
void              tandem_sync_client_set_color        (TandemSyncClient *self,
                                                       const char       *color);
const char       *tandem_sync_client_get_color        (TandemSyncClient *self);
/* Where this user is: any of the fields may be NULL / -1. Throttled. */
void              tandem_sync_client_set_cursor       (TandemSyncClient *self,
                                                       const char       *pattern_id,
                                                       const char       *track_id,
                                                       int               step,
                                                       const char       *control);

/* Which pattern (id or NULL) and page ("grid", "mixer", "song" or NULL)
 * this user looks at, for the others to see and follow. Throttled. */
void              tandem_sync_client_set_view         (TandemSyncClient *self,
                                                       const char       *pattern_id,
                                                       const char       *page);
/* Whether an unconfirmed edit of ours sets what the "set" op @set_op sets. */
gboolean          tandem_sync_client_has_pending_set  (TandemSyncClient *self,
                                                       const TandemOp   *set_op);
/* Owner only: makes @client_id an editor or a listener ("editor",
 * "viewer") for the rest of their connection. */
void              tandem_sync_client_set_role_of      (TandemSyncClient *self,
                                                       const char       *client_id,
                                                       const char       *role);
/* Lets in the person of a "knock-received" as @role ("editor" or "viewer"),
 * handing them @token, the session's token for that role; @role NULL
 * turns them away. Owners only. */
void              tandem_sync_client_answer_knock     (TandemSyncClient *self,
                                                       const char       *knock_id,
                                                       const char       *role,
                                                       const char       *token);

/* The server clock (NTP-style, see tandem-clock.h): estimated server clock
 * minus local monotonic clock in µs, ± the uncertainty; the smallest and the
 * median round trip of the recent pings; how many pings the estimate uses
 * (0: no estimate yet). A burst of pings follows every join, then one every
 * heartbeat keeps the estimate fresh. */
gint64            tandem_sync_client_get_clock_offset (TandemSyncClient *self);
gint64            tandem_sync_client_get_clock_uncertainty (TandemSyncClient *self);
guint             tandem_sync_client_get_clock_samples (TandemSyncClient *self);
gint64            tandem_sync_client_get_rtt          (TandemSyncClient *self);
gint64            tandem_sync_client_get_typical_rtt  (TandemSyncClient *self);
/* This client's clock (the monotonic clock, in µs) and its estimate of the
 * session clock now: local + offset. */
gint64            tandem_sync_client_get_local_time   (TandemSyncClient *self);
gint64            tandem_sync_client_get_session_time (TandemSyncClient *self);

/* Tuning (defaults: ping every 2 s, dead after 6 s of silence; reconnect
 * after 250 ms doubling up to 10 s, with jitter; continuous edits sent at
 * most every 33 ms). */
void              tandem_sync_client_set_heartbeat    (TandemSyncClient *self,
                                                       guint             interval_ms,
                                                       guint             timeout_ms);
void              tandem_sync_client_set_backoff      (TandemSyncClient *self,
                                                       guint             min_ms,
                                                       guint             max_ms);
void              tandem_sync_client_set_coalesce_interval (TandemSyncClient *self,
                                                       guint             ms);
/* How long one connect attempt (TCP, WebSocket upgrade) may take before it
 * is given up and retried (default 4 s): the kernel's SYN backoff would
 * otherwise keep an attempt hanging long after the network is back. */
void              tandem_sync_client_set_connect_timeout (TandemSyncClient *self,
                                                       guint             ms);

/* Test hook: this client's clock runs @skew_us ahead of the monotonic
 * clock (a machine whose clock differs from the server's). */
void              tandem_sync_client_set_clock_skew_for_tests (TandemSyncClient *self,
                                                       gint64            skew_us);

/* Test hook: sends @factor times faster than the rates the server
 * announced, so that the server's rate-limited answers and our retries get
 * exercised. */
void              tandem_sync_client_set_pace_factor_for_tests (TandemSyncClient *self,
                                                       double            factor);

/* Test hook: drops the connection as a network failure would (no close
 * frame); the client then reconnects by itself. */
void              tandem_sync_client_drop_connection_for_tests (TandemSyncClient *self);

G_END_DECLS
