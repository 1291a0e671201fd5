/* tandem-sync-client.c — optimistic local edits, rebase on remote batches, reconnects
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-sync"

#include "config.h"

#include <string.h>

#include <libsoup/soup.h>

#include "tandem-clock.h"
#include "tandem-invite.h"
#include "tandem-protocol.h"
#include "tandem-sync-client.h"

#define MAX_INCOMING_BYTES (128 * 1024 * 1024)

typedef struct
{
  TandemOp *op;
  TandemOp *inverse;   /* NULL while not applied locally */
  guint64   cseq;      /* 0 until sent */
  char     *key;       /* coalescing key of a "set", else NULL */
} Pending;

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
  char                    *display_name;
  char                    *color;
  char                    *role;
  JsonNode                *cursor;
  GListStore              *participants;

  GQueue                   pending;
  guint64                  next_cseq;
  guint64                  seq;
  guint64                  acked_seq;
  gboolean                 has_base;
  gboolean                 joined;
  gboolean                 fatal;
  gboolean                 want_snapshot;
  gsize                    max_message_bytes;
  guint                    ack_every;

  guint                    heartbeat_ms;
  guint                    heartbeat_timeout_ms;
  guint                    backoff_min_ms;
  guint                    backoff_max_ms;
  guint                    coalesce_ms;
  guint                    attempt;
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

G_DEFINE_FINAL_TYPE (TandemSyncClient, tandem_sync_client, G_TYPE_OBJECT)

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
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void start_connect (TandemSyncClient *self);
static void connection_lost (TandemSyncClient *self);
static void flush_pending (TandemSyncClient *self);
static gboolean clock_burst_cb (gpointer data);

GType
tandem_sync_state_get_type (void)
{
  static gsize type = 0;
  static const GEnumValue values[] = {
    { TANDEM_SYNC_STATE_OFFLINE, "TANDEM_SYNC_STATE_OFFLINE", "offline" },
    { TANDEM_SYNC_STATE_CONNECTING, "TANDEM_SYNC_STATE_CONNECTING", "connecting" },
    { TANDEM_SYNC_STATE_LIVE, "TANDEM_SYNC_STATE_LIVE", "live" },
    { TANDEM_SYNC_STATE_RECONNECTING, "TANDEM_SYNC_STATE_RECONNECTING", "reconnecting" },
    { 0, NULL, NULL }
  };

  if (g_once_init_enter (&type))
    g_once_init_leave (&type, g_enum_register_static ("TandemSyncState", values));
  return type;
}

const char *
tandem_sync_state_to_string (TandemSyncState state)
{
  static const char * const names[] = { "offline", "connecting", "live", "reconnecting" };

  return state <= TANDEM_SYNC_STATE_RECONNECTING ? names[state] : "unknown";
}

static void
pending_free (gpointer data)
{
  Pending *p = data;

  g_clear_pointer (&p->op, tandem_op_unref);
  g_clear_pointer (&p->inverse, tandem_op_unref);
  g_free (p->key);
  g_free (p);
}

static void
clear_source (GSource **source)
{
  if (*source)
    {
      g_source_destroy (*source);
      g_clear_pointer (source, g_source_unref);
    }
}

static GSource *
add_timeout (TandemSyncClient *self,
             guint             ms,
             GSourceFunc       func)
{
  GSource *source = g_timeout_source_new (ms);

  g_source_set_callback (source, func, self, NULL);
  g_source_attach (source, self->context);
  return source;
}

static void
set_state (TandemSyncClient *self,
           TandemSyncState   state)
{
  if (self->state == state)
    return;
  g_debug ("Client %s: %s → %s", self->client_id, tandem_sync_state_to_string (self->state),
           tandem_sync_state_to_string (state));
  self->state = state;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
}

static void
notify_pending (TandemSyncClient *self)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_PENDING]);
}

static void
send_text (TandemSyncClient *self,
           const char       *text)
{
  if (self->conn && soup_websocket_connection_get_state (self->conn) == SOUP_WEBSOCKET_STATE_OPEN)
    soup_websocket_connection_send_text (self->conn, text);
}

/* Rebasing */

static char *
coalesce_key (TandemOp *op)
{
  if (tandem_op_get_kind (op) != TANDEM_OP_SET)
    return NULL;
  if (tandem_op_get_entity (op) == TANDEM_ENTITY_CELL)
    return g_strdup_printf ("cell/%s/%s/%u/%s", tandem_op_get_id (op), tandem_op_get_track_id (op),
                            tandem_op_get_step (op), tandem_op_get_prop (op));
  return g_strdup_printf ("%s/%s/%s", tandem_entity_kind_to_string (tandem_op_get_entity (op)),
                          tandem_op_get_id (op) ? tandem_op_get_id (op) : "",
                          tandem_op_get_prop (op));
}

/* Undoes every applied pending edit, newest first: the project then shows
 * the confirmed state. Returns FALSE if an inverse failed (a bug). */
static gboolean
rewind_pending (TandemSyncClient *self)
{
  gboolean ok = TRUE;

  for (GList *l = self->pending.tail; l; l = l->prev)
    {
      Pending *p = l->data;
      g_autoptr(GError) error = NULL;

      if (p->inverse == NULL)
        continue;
      if (!tandem_project_apply (self->project, p->inverse, NULL, &error))
        {
          g_warning ("Cannot undo a pending edit: %s", error->message);
          ok = FALSE;
        }
      g_clear_pointer (&p->inverse, tandem_op_unref);
    }
  return ok;
}

/* Re-applies the pending edits on top of the confirmed state. One that no
 * longer applies is dropped if unsent (or if @drop_sent: the server has not
 * seen it and it will not be resent); a sent one waits for the server's
 * verdict without being shown. */
static void
replay_pending_full (TandemSyncClient *self,
                     gboolean          drop_sent)
{
  GList *l = self->pending.head;
  gboolean changed = FALSE;

  while (l)
    {
      GList *next = l->next;
      Pending *p = l->data;
      g_autoptr(GError) error = NULL;

      if (!tandem_project_apply (self->project, p->op, &p->inverse, &error))
        {
          p->inverse = NULL;
          if (p->cseq == 0 || drop_sent)
            {
              g_queue_delete_link (&self->pending, l);
              g_signal_emit (self, signals[OP_DROPPED], 0, p->op, error->message);
              pending_free (p);
              changed = TRUE;
            }
        }
      l = next;
    }
  if (changed)
    notify_pending (self);
}

static void
replay_pending (TandemSyncClient *self)
{
  replay_pending_full (self, FALSE);
}

static GList *
find_sent (TandemSyncClient *self,
           guint64           cseq)
{
  for (GList *l = self->pending.head; l; l = l->next)
    if (((Pending *) l->data)->cseq == cseq)
      return l;
  return NULL;
}

static TandemOp *
ops_from_json (JsonNode  *ops,
               GError   **error)
{
  g_autoptr(TandemOp) batch = tandem_op_new_batch ();

  if (ops == NULL || !JSON_NODE_HOLDS_ARRAY (ops))
    {
      g_set_error_literal (error, TANDEM_SYNC_ERROR, TANDEM_SYNC_ERROR_PROTOCOL, "No ops array");
      return NULL;
    }
  for (guint i = 0; i < json_array_get_length (json_node_get_array (ops)); i++)
    {
      TandemOp *op = tandem_op_from_json (json_array_get_element (json_node_get_array (ops), i),
                                          error);
      if (op == NULL)
        return NULL;
      tandem_op_batch_add (batch, op);
    }
  return g_steal_pointer (&batch);
}

static void
resync (TandemSyncClient *self,
        const char       *why)
{
  g_warning ("Client %s: %s; fetching a fresh snapshot", self->client_id, why);
  self->want_snapshot = TRUE;
  connection_lost (self);
}

/* Applies one batch of the session's order while the pending edits are
 * rewound. Returns FALSE when the replica cannot follow (then resync). */
static gboolean
apply_confirmed (TandemSyncClient *self,
                 JsonObject       *batch_msg,
                 guint64          *seq_out,
                 const char      **client_out,
                 guint64          *cseq_out)
{
  g_autoptr(TandemOp) batch = NULL;
  g_autoptr(GError) error = NULL;
  const char *client = NULL;
  gint64 seq = 0, cseq = 0;

  if (!tandem_message_get_int (batch_msg, "seq", &seq)
      || !tandem_message_get_string (batch_msg, "client", &client)
      || !tandem_message_get_int (batch_msg, "cseq", &cseq)
      || (batch = ops_from_json (json_object_get_member (batch_msg, "ops"), &error)) == NULL)
    return FALSE;
  if ((guint64) seq != self->seq + 1)
    return FALSE;
  if (!tandem_project_apply (self->project, batch, NULL, &error))
    {
      g_warning ("Batch %" G_GINT64_FORMAT " does not apply: %s", seq, error->message);
      return FALSE;
    }
  self->seq = seq;
  if (strcmp (client, self->client_id) == 0)
    {
      GList *l = find_sent (self, cseq);

      if (l)
        {
          pending_free (l->data);
          g_queue_delete_link (&self->pending, l);
        }
    }
  *seq_out = seq;
  *client_out = client;
  *cseq_out = cseq;
  return TRUE;
}

static void
maybe_ack (TandemSyncClient *self)
{
  if (self->seq - self->acked_seq >= self->ack_every)
    {
      g_autofree char *text = g_strdup_printf ("{\"type\":\"ack\",\"seq\":%" G_GUINT64_FORMAT "}",
                                               self->seq);
      send_text (self, text);
      self->acked_seq = self->seq;
    }
}

static void
handle_batch (TandemSyncClient *self,
              JsonObject       *msg)
{
  Pending *first = g_queue_peek_head (&self->pending);
  const char *client = NULL;
  gint64 seq = 0, cseq = 0;
  guint64 applied_seq, applied_cseq;
  const char *applied_client;

  if (!tandem_message_get_int (msg, "seq", &seq) || !tandem_message_get_string (msg, "client", &client)
      || !tandem_message_get_int (msg, "cseq", &cseq))
    {
      resync (self, "malformed batch");
      return;
    }
  if ((guint64) seq <= self->seq)
    return;

  /* Our oldest pending edit came back: it was applied on the very state it
   * was applied on here, so the project already shows the result. */
  if (first && first->cseq != 0 && first->inverse != NULL && (guint64) seq == self->seq + 1
      && (guint64) cseq == first->cseq && strcmp (client, self->client_id) == 0)
    {
      g_queue_pop_head (&self->pending);
      pending_free (first);
      self->seq = seq;
      notify_pending (self);
      g_signal_emit (self, signals[BATCH_RECEIVED], 0, (guint64) seq, client, (guint64) cseq);
      maybe_ack (self);
      return;
    }

  if (!rewind_pending (self))
    {
      resync (self, "pending edits do not rewind");
      return;
    }
  if (!apply_confirmed (self, msg, &applied_seq, &applied_client, &applied_cseq))
    {
      replay_pending (self);
      resync (self, "a batch of the session does not apply");
      return;
    }
  replay_pending (self);
  notify_pending (self);
  g_signal_emit (self, signals[BATCH_RECEIVED], 0, applied_seq, applied_client, applied_cseq);
  maybe_ack (self);
}

static void
handle_reject (TandemSyncClient *self,
               JsonObject       *msg)
{
  const char *code = "rejected", *message = "";
  gint64 cseq = 0;
  GList *l;
  Pending *p;

  tandem_message_get_string (msg, "code", &code);
  tandem_message_get_string (msg, "message", &message);
  if (!tandem_message_get_int (msg, "cseq", &cseq) || (l = find_sent (self, cseq)) == NULL)
    return;
  p = l->data;
  if (!rewind_pending (self))
    {
      resync (self, "pending edits do not rewind");
      return;
    }
  g_queue_delete_link (&self->pending, l);
  replay_pending (self);
  notify_pending (self);
  g_debug ("Client %s: batch %" G_GINT64_FORMAT " rejected: %s", self->client_id, cseq, message);
  g_signal_emit (self, signals[REJECTED], 0, p->op, code, message);
  pending_free (p);
}

/* Participants */

static TandemParticipant *
find_participant (TandemSyncClient *self,
                  const char       *client_id,
                  guint            *position)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->participants));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(TandemParticipant) p = g_list_model_get_item (G_LIST_MODEL (self->participants), i);

      if (g_strcmp0 (tandem_participant_get_client_id (p), client_id) == 0)
        {
          if (position)
            *position = i;
          return p;
        }
    }
  return NULL;
}

static void
update_participant (TandemSyncClient *self,
                    JsonObject       *obj)
{
  const char *client = NULL;
  TandemParticipant *p;

  if (!tandem_message_get_string (obj, "client", &client) || strcmp (client, self->client_id) == 0)
    return;
  p = find_participant (self, client, NULL);
  if (p == NULL)
    {
      g_autoptr(TandemParticipant) np = tandem_participant_new (client);

      tandem_participant_update_from_json (np, obj);
      g_list_store_append (self->participants, np);
      g_signal_emit (self, signals[PARTICIPANT_JOINED], 0, np);
      return;
    }
  tandem_participant_update_from_json (p, obj);
  g_signal_emit (self, signals[PARTICIPANT_UPDATED], 0, p);
}

static void
remove_participant (TandemSyncClient *self,
                    const char       *client_id)
{
  g_autoptr(TandemParticipant) held = NULL;
  guint pos;
  TandemParticipant *p = find_participant (self, client_id, &pos);

  if (p == NULL)
    return;
  held = g_object_ref (p);
  g_list_store_remove (self->participants, pos);
  g_signal_emit (self, signals[PARTICIPANT_LEFT], 0, held);
}

static void
clear_participants (TandemSyncClient *self)
{
  while (g_list_model_get_n_items (G_LIST_MODEL (self->participants)) > 0)
    {
      g_autoptr(TandemParticipant) p = g_list_model_get_item (G_LIST_MODEL (self->participants), 0);

      remove_participant (self, tandem_participant_get_client_id (p));
    }
}

/* Welcome */

static void
handle_welcome (TandemSyncClient *self,
                JsonObject       *msg)
{
  JsonNode *snapshot = json_object_get_member (msg, "snapshot");
  JsonNode *batches = json_object_get_member (msg, "batches");
  JsonNode *participants = json_object_get_member (msg, "participants");
  JsonNode *limits = json_object_get_member (msg, "limits");
  const char *role = NULL;
  gint64 seq = 0, client_seq = 0;
  GList *l;

  if (!tandem_message_get_int (msg, "seq", &seq) || !tandem_message_get_int (msg, "client_seq", &client_seq)
      || (snapshot == NULL && batches == NULL))
    {
      resync (self, "malformed welcome");
      return;
    }
  tandem_message_get_string (msg, "role", &role);
  g_free (self->role);
  self->role = g_strdup (role);
  if (limits && JSON_NODE_HOLDS_OBJECT (limits))
    {
      JsonObject *lim = json_node_get_object (limits);
      gint64 queue = json_object_get_int_member_with_default (lim, "max_outbound_queue", 4096);

      self->max_message_bytes = json_object_get_int_member_with_default (lim, "max_message_bytes", 0);
      /* Acknowledge well before the server thinks we fell behind. */
      self->ack_every = CLAMP (queue / 4, 1, 64);
    }

  rewind_pending (self);
  if (snapshot)
    {
      g_autoptr(GError) error = NULL;

      if (!tandem_project_load_json (self->project, snapshot, &error))
        {
          g_warning ("The session snapshot does not load: %s", error->message);
          self->fatal = TRUE;
          g_signal_emit (self, signals[ERROR], 0, TANDEM_CODE_INTERNAL, error->message);
          replay_pending (self);
          soup_websocket_connection_close (self->conn, TANDEM_CLOSE_NORMAL, NULL);
          return;
        }
      if (self->history)
        tandem_history_clear (self->history);
      self->seq = seq;
    }
  else
    {
      JsonArray *array;

      if (!JSON_NODE_HOLDS_ARRAY (batches) || (guint64) seq != self->seq)
        {
          replay_pending (self);
          resync (self, "welcome does not continue from our state");
          return;
        }
      array = json_node_get_array (batches);
      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          JsonNode *node = json_array_get_element (array, i);
          guint64 s, c;
          const char *who;

          if (!JSON_NODE_HOLDS_OBJECT (node)
              || !apply_confirmed (self, json_node_get_object (node), &s, &who, &c))
            {
              replay_pending (self);
              resync (self, "a missed batch does not apply");
              return;
            }
          g_signal_emit (self, signals[BATCH_RECEIVED], 0, s, who, c);
        }
    }
  self->has_base = TRUE;
  self->want_snapshot = FALSE;
  self->acked_seq = self->seq;

  /* Sent edits the server has already processed but we saw no echo of
   * were refused while we were away. */
  l = self->pending.head;
  while (l)
    {
      GList *next = l->next;
      Pending *p = l->data;

      if (p->cseq != 0 && p->cseq <= (guint64) client_seq)
        {
          g_queue_delete_link (&self->pending, l);
          if (!snapshot)
            g_signal_emit (self, signals[REJECTED], 0, p->op, "rejected",
                           "The server refused this edit while the connection was down");
          pending_free (p);
        }
      l = next;
    }
  self->next_cseq = MAX (self->next_cseq, (guint64) client_seq);
  replay_pending_full (self, TRUE);
  notify_pending (self);

  clear_participants (self);
  if (participants && JSON_NODE_HOLDS_ARRAY (participants))
    for (guint i = 0; i < json_array_get_length (json_node_get_array (participants)); i++)
      {
        JsonNode *node = json_array_get_element (json_node_get_array (participants), i);

        if (JSON_NODE_HOLDS_OBJECT (node))
          update_participant (self, json_node_get_object (node));
      }

  self->joined = TRUE;
  self->attempt = 0;
  /* A quick burst of pings fills the clock estimate before anyone presses Play. */
  self->clock_stale = TRUE;
  self->clock_burst = 8;
  clear_source (&self->clock_source);
  self->clock_source = add_timeout (self, 50, clock_burst_cb);
  set_state (self, TANDEM_SYNC_STATE_LIVE);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ROLE]);

  /* Resend what the server has not seen, in order, with the same client
   * sequence numbers: the server's dedupe makes this safe. */
  for (l = self->pending.head; l; l = l->next)
    {
      Pending *p = l->data;

      if (p->cseq != 0 && p->inverse != NULL)
        {
          g_autoptr(JsonNode) ops = json_node_new (JSON_NODE_ARRAY);
          g_autofree char *text = NULL;

          json_node_take_array (ops, json_array_new ());
          json_array_add_element (json_node_get_array (ops), tandem_op_to_json (p->op));
          text = tandem_message_submit (self->client_id, p->cseq, ops);
          send_text (self, text);
        }
    }
  flush_pending (self);
  self->presence_dirty = TRUE;
  self->last_presence_us = 0;
}

/* Sending */

static void
drop_unsendable (TandemSyncClient *self,
                 GList            *link,
                 const char       *why)
{
  Pending *p = link->data;

  rewind_pending (self);
  g_queue_delete_link (&self->pending, link);
  replay_pending (self);
  g_signal_emit (self, signals[OP_DROPPED], 0, p->op, why);
  pending_free (p);
  notify_pending (self);
}

static void
flush_pending (TandemSyncClient *self)
{
  GList *l;

  clear_source (&self->flush_source);
  /* A viewer's edits go out too: the server's reject rolls them back. */
  if (!self->joined)
    return;

  l = self->pending.head;
  while (l)
    {
      GList *next = l->next;
      Pending *p = l->data;
      g_autoptr(JsonNode) ops = NULL;
      g_autofree char *text = NULL;

      if (p->cseq != 0)
        {
          l = next;
          continue;
        }
      ops = json_node_new (JSON_NODE_ARRAY);
      json_node_take_array (ops, json_array_new ());
      json_array_add_element (json_node_get_array (ops), tandem_op_to_json (p->op));
      text = tandem_message_submit (self->client_id, self->next_cseq + 1, ops);
      if (self->max_message_bytes > 0 && strlen (text) > self->max_message_bytes)
        {
          drop_unsendable (self, l, "The edit is larger than the server accepts");
          l = self->pending.head;
          continue;
        }
      p->cseq = ++self->next_cseq;
      send_text (self, text);
      g_free (self->last_sent_key);
      self->last_sent_key = g_strdup (p->key);
      self->last_sent_us = g_get_monotonic_time ();
      l = next;
    }
}

static gboolean
flush_timeout_cb (gpointer data)
{
  TandemSyncClient *self = data;

  g_clear_pointer (&self->flush_source, g_source_unref);
  flush_pending (self);
  return G_SOURCE_REMOVE;
}

/* Queues an edit that is already applied to the project. */
static void
queue_local (TandemSyncClient *self,
             TandemOp         *op,
             TandemOp         *inverse)
{
  Pending *last = g_queue_peek_tail (&self->pending);
  g_autofree char *key = coalesce_key (op);
  gint64 now = g_get_monotonic_time ();
  gint64 due;

  /* A run of unsent sets of one property keeps the newest value and the
   * oldest inverse. */
  if (key && last && last->cseq == 0 && last->inverse && g_strcmp0 (last->key, key) == 0)
    {
      tandem_op_unref (last->op);
      last->op = tandem_op_ref (op);
    }
  else
    {
      Pending *p = g_new0 (Pending, 1);

      p->op = tandem_op_ref (op);
      p->inverse = tandem_op_ref (inverse);
      p->key = g_steal_pointer (&key);
      g_queue_push_tail (&self->pending, p);
      notify_pending (self);
      key = g_strdup (p->key);
    }

  if (!self->joined)
    return;
  due = self->last_sent_us + (gint64) self->coalesce_ms * 1000;
  if (key && g_strcmp0 (key, self->last_sent_key) == 0 && now < due)
    {
      if (self->flush_source == NULL)
        self->flush_source = add_timeout (self, (due - now) / 1000 + 1, flush_timeout_cb);
      return;
    }
  flush_pending (self);
}

static void
on_history_applied (TandemHistory    *history,
                    TandemOp         *op,
                    TandemOp         *inverse,
                    TandemSyncClient *self)
{
  queue_local (self, op, inverse);
}

gboolean
tandem_sync_client_submit (TandemSyncClient  *self,
                           TandemOp          *op,
                           GError           **error)
{
  g_autoptr(TandemOp) inverse = NULL;

  g_return_val_if_fail (TANDEM_IS_SYNC_CLIENT (self), FALSE);
  if (!tandem_project_apply (self->project, op, &inverse, error))
    return FALSE;
  queue_local (self, op, inverse);
  return TRUE;
}

/* Presence */

static void
send_presence (TandemSyncClient *self)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *text = NULL;

  self->presence_dirty = FALSE;
  self->last_presence_us = g_get_monotonic_time ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "type");
  json_builder_add_string_value (b, "presence");
  json_builder_set_member_name (b, "name");
  json_builder_add_string_value (b, self->display_name ? self->display_name : "");
  json_builder_set_member_name (b, "color");
  json_builder_add_string_value (b, self->color ? self->color : "");
  if (self->cursor)
    {
      json_builder_set_member_name (b, "cursor");
      json_builder_add_value (b, json_node_copy (self->cursor));
    }
  if (self->shared_rtt > 0)
    {
      json_builder_set_member_name (b, "rtt");
      json_builder_add_int_value (b, self->shared_rtt);
    }
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  text = json_to_string (root, FALSE);
  send_text (self, text);
}

static gboolean
presence_timeout_cb (gpointer data)
{
  TandemSyncClient *self = data;

  g_clear_pointer (&self->presence_source, g_source_unref);
  if (self->presence_dirty && self->joined)
    send_presence (self);
  return G_SOURCE_REMOVE;
}

static void
presence_changed (TandemSyncClient *self)
{
  gint64 now = g_get_monotonic_time ();
  gint64 due = self->last_presence_us + 50 * 1000;

  self->presence_dirty = TRUE;
  if (!self->joined)
    return;
  if (now >= due)
    send_presence (self);
  else if (self->presence_source == NULL)
    self->presence_source = add_timeout (self, (due - now) / 1000 + 1, presence_timeout_cb);
}

/* Connection */

static gint64
local_now (TandemSyncClient *self)
{
  return tandem_protocol_now_us () + self->clock_skew;
}

static void
handle_pong (TandemSyncClient *self,
             JsonObject       *msg)
{
  gint64 t = 0, server_time = 0;
  gint64 now = local_now (self);
  gint64 rtt;

  if (!tandem_message_get_int (msg, "t", &t) || !tandem_message_get_int (msg, "server_time", &server_time))
    return;
  if (self->clock_stale && now >= t)
    {
      self->clock_stale = FALSE;
      tandem_clock_reset (self->clock);
    }
  if (!tandem_clock_add_sample (self->clock, t, server_time, now))
    return;
  /* Others schedule starts from everyone's round trip: share ours at first
   * and whenever it moved by over a millisecond and a tenth. */
  rtt = MAX (tandem_clock_get_typical_rtt (self->clock), 1);
  if (self->shared_rtt == 0 || ABS (rtt - self->shared_rtt) > MAX (1000, self->shared_rtt / 10))
    {
      self->shared_rtt = rtt;
      presence_changed (self);
    }
}

static gboolean
clock_burst_cb (gpointer data)
{
  TandemSyncClient *self = data;
  g_autofree char *ping = tandem_message_ping (local_now (self), self->seq);

  self->acked_seq = self->seq;
  send_text (self, ping);
  if (self->clock_burst > 0 && --self->clock_burst > 0)
    return G_SOURCE_CONTINUE;
  g_clear_pointer (&self->clock_source, g_source_unref);
  return G_SOURCE_REMOVE;
}

static void
handle_error (TandemSyncClient *self,
              JsonObject       *msg)
{
  const char *code = "", *message = "";

  tandem_message_get_string (msg, "code", &code);
  tandem_message_get_string (msg, "message", &message);
  if (g_str_equal (code, TANDEM_CODE_UNAUTHORIZED) || g_str_equal (code, TANDEM_CODE_NO_SUCH_SESSION)
      || g_str_equal (code, TANDEM_CODE_UNSUPPORTED_VERSION) || g_str_equal (code, TANDEM_CODE_REPLACED))
    self->fatal = TRUE;
  g_debug ("Client %s: server error %s: %s", self->client_id, code, message);
  g_signal_emit (self, signals[ERROR], 0, code, message);
}

static void
on_message (SoupWebsocketConnection *conn,
            SoupWebsocketDataType    type,
            GBytes                  *bytes,
            TandemSyncClient        *self)
{
  g_autoptr(JsonObject) msg = NULL;
  g_autoptr(GError) error = NULL;
  const char *msg_type;
  gsize size;
  const char *data = g_bytes_get_data (bytes, &size);

  self->last_recv_us = g_get_monotonic_time ();
  if (type != SOUP_WEBSOCKET_DATA_TEXT)
    return;
  msg = tandem_message_parse (data, size, &msg_type, &error);
  if (msg == NULL)
    {
      g_warning ("Client %s: %s", self->client_id, error->message);
      return;
    }
  g_object_ref (self);
  if (g_str_equal (msg_type, "batch"))
    {
      if (self->joined)
        handle_batch (self, msg);
    }
  else if (g_str_equal (msg_type, "welcome"))
    handle_welcome (self, msg);
  else if (g_str_equal (msg_type, "reject"))
    handle_reject (self, msg);
  else if (g_str_equal (msg_type, "presence"))
    update_participant (self, msg);
  else if (g_str_equal (msg_type, "leave"))
    {
      const char *client;

      if (tandem_message_get_string (msg, "client", &client))
        remove_participant (self, client);
    }
  else if (g_str_equal (msg_type, "pong"))
    handle_pong (self, msg);
  else if (g_str_equal (msg_type, "error"))
    handle_error (self, msg);
  else if (g_str_equal (msg_type, "sample"))
    {
      const char *id;

      if (tandem_message_get_string (msg, "id", &id) && tandem_sample_hash_is_valid (id))
        g_signal_emit (self, signals[SAMPLE_AVAILABLE], 0, id);
    }
  g_object_unref (self);
}

static void
drop_conn (TandemSyncClient *self)
{
  if (self->conn == NULL)
    return;
  g_signal_handlers_disconnect_by_data (self->conn, self);
  if (soup_websocket_connection_get_state (self->conn) == SOUP_WEBSOCKET_STATE_OPEN)
    g_io_stream_close (soup_websocket_connection_get_io_stream (self->conn), NULL, NULL);
  g_clear_object (&self->conn);
}

static gboolean
reconnect_cb (gpointer data)
{
  TandemSyncClient *self = data;

  g_clear_pointer (&self->reconnect_source, g_source_unref);
  start_connect (self);
  return G_SOURCE_REMOVE;
}

/* Gives up the current connection and, unless offline or told to stop,
 * tries again after an exponential backoff with jitter. */
static void
connection_lost (TandemSyncClient *self)
{
  guint delay;

  drop_conn (self);
  clear_source (&self->heartbeat_source);
  clear_source (&self->flush_source);
  clear_source (&self->clock_source);
  self->joined = FALSE;
  if (self->state == TANDEM_SYNC_STATE_OFFLINE)
    return;
  if (self->fatal)
    {
      clear_participants (self);
      set_state (self, TANDEM_SYNC_STATE_OFFLINE);
      return;
    }
  set_state (self, TANDEM_SYNC_STATE_RECONNECTING);
  delay = self->backoff_min_ms << MIN (self->attempt, 16u);
  delay = MIN (delay, self->backoff_max_ms);
  delay = delay / 2 + g_random_int_range (0, delay / 2 + 1);
  self->attempt++;
  clear_source (&self->reconnect_source);
  self->reconnect_source = add_timeout (self, delay, reconnect_cb);
}

static void
on_closed (SoupWebsocketConnection *conn,
           TandemSyncClient        *self)
{
  gushort code = soup_websocket_connection_get_close_code (conn);

  g_debug ("Client %s: connection closed (%u, %s)", self->client_id, code,
           tandem_close_code_describe (code));
  if (code == TANDEM_CLOSE_UNAUTHORIZED || code == TANDEM_CLOSE_NO_SUCH_SESSION
      || code == TANDEM_CLOSE_UNSUPPORTED_VERSION || code == TANDEM_CLOSE_REPLACED)
    self->fatal = TRUE;
  connection_lost (self);
}

static gboolean
heartbeat_cb (gpointer data)
{
  TandemSyncClient *self = data;
  g_autofree char *ping = NULL;
  gint64 now = g_get_monotonic_time ();

  if (now - self->last_recv_us > (gint64) self->heartbeat_timeout_ms * 1000)
    {
      g_debug ("Client %s: heartbeat timeout", self->client_id);
      g_clear_pointer (&self->heartbeat_source, g_source_unref);
      connection_lost (self);
      return G_SOURCE_REMOVE;
    }
  ping = tandem_message_ping (local_now (self), self->seq);
  self->acked_seq = self->seq;
  send_text (self, ping);
  return G_SOURCE_CONTINUE;
}

static void
send_hello (TandemSyncClient *self)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *text = NULL;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "type");
  json_builder_add_string_value (b, "hello");
  json_builder_set_member_name (b, "version");
  json_builder_add_int_value (b, TANDEM_PROTOCOL_VERSION);
  json_builder_set_member_name (b, "session");
  json_builder_add_string_value (b, self->invite->session_id);
  json_builder_set_member_name (b, "token");
  json_builder_add_string_value (b, self->invite->token ? self->invite->token : "");
  json_builder_set_member_name (b, "client");
  json_builder_add_string_value (b, self->client_id);
  json_builder_set_member_name (b, "name");
  json_builder_add_string_value (b, self->display_name ? self->display_name : "");
  json_builder_set_member_name (b, "color");
  json_builder_add_string_value (b, self->color ? self->color : "");
  if (self->has_base && !self->want_snapshot)
    {
      json_builder_set_member_name (b, "last_seq");
      json_builder_add_int_value (b, (gint64) self->seq);
    }
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  text = json_to_string (root, FALSE);
  send_text (self, text);
}

static void
connect_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  TandemSyncClient *self = user_data;
  g_autoptr(GError) error = NULL;
  SoupWebsocketConnection *conn;

  conn = soup_session_websocket_connect_finish (SOUP_SESSION (source), result, &error);
  if (conn == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_debug ("Client %s: cannot connect: %s", self->client_id, error->message);
          connection_lost (self);
        }
      g_object_unref (self);
      return;
    }
  if (self->state == TANDEM_SYNC_STATE_OFFLINE)
    {
      soup_websocket_connection_close (conn, TANDEM_CLOSE_NORMAL, NULL);
      g_object_unref (conn);
      g_object_unref (self);
      return;
    }
  self->conn = conn;
  soup_websocket_connection_set_max_incoming_payload_size (conn, MAX_INCOMING_BYTES);
  soup_websocket_connection_set_keepalive_interval (conn, 0);
  g_signal_connect (conn, "message", G_CALLBACK (on_message), self);
  g_signal_connect (conn, "closed", G_CALLBACK (on_closed), self);
  self->last_recv_us = g_get_monotonic_time ();
  clear_source (&self->heartbeat_source);
  self->heartbeat_source = add_timeout (self, self->heartbeat_ms, heartbeat_cb);
  send_hello (self);
  g_object_unref (self);
}

static void
start_connect (TandemSyncClient *self)
{
  g_autofree char *endpoint = tandem_invite_get_endpoint (self->invite);
  g_autoptr(SoupMessage) msg = soup_message_new ("GET", endpoint);
  char *protocols[] = { (char *) TANDEM_PROTOCOL_SUBPROTOCOL, NULL };

  if (msg == NULL)
    {
      self->fatal = TRUE;
      connection_lost (self);
      return;
    }
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  soup_session_websocket_connect_async (self->soup, msg, NULL, protocols, G_PRIORITY_DEFAULT,
                                        self->cancellable, connect_cb, g_object_ref (self));
}

gboolean
tandem_sync_client_connect (TandemSyncClient  *self,
                            const char        *invite,
                            GError           **error)
{
  g_autoptr(TandemInvite) parsed = NULL;

  g_return_val_if_fail (TANDEM_IS_SYNC_CLIENT (self), FALSE);
  parsed = tandem_invite_parse (invite, error);
  if (parsed == NULL)
    return FALSE;
  if (self->invite && g_strcmp0 (self->invite->session_id, parsed->session_id) != 0)
    {
      self->has_base = FALSE;
      self->seq = 0;
    }
  tandem_sync_client_disconnect (self);
  g_clear_pointer (&self->invite, tandem_invite_free);
  self->invite = g_steal_pointer (&parsed);
  self->fatal = FALSE;
  self->attempt = 0;
  set_state (self, TANDEM_SYNC_STATE_CONNECTING);
  start_connect (self);
  return TRUE;
}

void
tandem_sync_client_disconnect (TandemSyncClient *self)
{
  g_return_if_fail (TANDEM_IS_SYNC_CLIENT (self));
  if (self->conn && self->joined)
    send_text (self, "{\"type\":\"leave\"}");
  set_state (self, TANDEM_SYNC_STATE_OFFLINE);
  g_cancellable_cancel (self->cancellable);
  clear_source (&self->reconnect_source);
  if (self->conn)
    {
      g_signal_handlers_disconnect_by_data (self->conn, self);
      if (soup_websocket_connection_get_state (self->conn) == SOUP_WEBSOCKET_STATE_OPEN)
        soup_websocket_connection_close (self->conn, TANDEM_CLOSE_NORMAL, "leave");
      g_clear_object (&self->conn);
    }
  connection_lost (self);
  clear_participants (self);
}

void
tandem_sync_client_drop_connection_for_tests (TandemSyncClient *self)
{
  if (self->conn == NULL)
    return;
  connection_lost (self);
}

/* GObject */

static void
tandem_sync_client_dispose (GObject *object)
{
  TandemSyncClient *self = TANDEM_SYNC_CLIENT (object);

  if (self->state != TANDEM_SYNC_STATE_OFFLINE)
    tandem_sync_client_disconnect (self);
  g_cancellable_cancel (self->cancellable);
  clear_source (&self->heartbeat_source);
  clear_source (&self->reconnect_source);
  clear_source (&self->flush_source);
  clear_source (&self->presence_source);
  clear_source (&self->clock_source);
  if (self->history && self->applied_id)
    g_clear_signal_handler (&self->applied_id, self->history);
  g_clear_object (&self->history);
  g_clear_object (&self->project);
  g_clear_object (&self->soup);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->participants);
  G_OBJECT_CLASS (tandem_sync_client_parent_class)->dispose (object);
}

static void
tandem_sync_client_finalize (GObject *object)
{
  TandemSyncClient *self = TANDEM_SYNC_CLIENT (object);

  g_queue_clear_full (&self->pending, pending_free);
  g_clear_pointer (&self->invite, tandem_invite_free);
  g_clear_pointer (&self->cursor, json_node_unref);
  g_clear_pointer (&self->clock, tandem_clock_free);
  g_main_context_unref (self->context);
  g_free (self->client_id);
  g_free (self->display_name);
  g_free (self->color);
  g_free (self->role);
  g_free (self->last_sent_key);
  G_OBJECT_CLASS (tandem_sync_client_parent_class)->finalize (object);
}

static void
tandem_sync_client_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  TandemSyncClient *self = TANDEM_SYNC_CLIENT (object);

  switch (prop_id)
    {
    case PROP_PROJECT: g_value_set_object (value, self->project); break;
    case PROP_HISTORY: g_value_set_object (value, self->history); break;
    case PROP_STATE: g_value_set_enum (value, self->state); break;
    case PROP_CLIENT_ID: g_value_set_string (value, self->client_id); break;
    case PROP_DISPLAY_NAME: g_value_set_string (value, self->display_name); break;
    case PROP_COLOR: g_value_set_string (value, self->color); break;
    case PROP_ROLE: g_value_set_string (value, self->role); break;
    case PROP_N_PENDING: g_value_set_uint (value, self->pending.length); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tandem_sync_client_set_property (GObject      *object,
                                 guint         prop_id,
                                 const GValue *value,
                                 GParamSpec   *pspec)
{
  TandemSyncClient *self = TANDEM_SYNC_CLIENT (object);

  switch (prop_id)
    {
    case PROP_PROJECT:
      self->project = g_value_dup_object (value);
      break;
    case PROP_HISTORY:
      self->history = g_value_dup_object (value);
      break;
    case PROP_DISPLAY_NAME:
      tandem_sync_client_set_display_name (self, g_value_get_string (value));
      break;
    case PROP_COLOR:
      tandem_sync_client_set_color (self, g_value_get_string (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tandem_sync_client_constructed (GObject *object)
{
  TandemSyncClient *self = TANDEM_SYNC_CLIENT (object);

  G_OBJECT_CLASS (tandem_sync_client_parent_class)->constructed (object);
  g_assert (self->project != NULL);
  if (self->history)
    self->applied_id = g_signal_connect (self->history, "applied",
                                         G_CALLBACK (on_history_applied), self);
}

static void
tandem_sync_client_class_init (TandemSyncClientClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags rw = G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;
  GParamFlags ro = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->dispose = tandem_sync_client_dispose;
  object_class->finalize = tandem_sync_client_finalize;
  object_class->get_property = tandem_sync_client_get_property;
  object_class->set_property = tandem_sync_client_set_property;
  object_class->constructed = tandem_sync_client_constructed;

  properties[PROP_PROJECT] =
    g_param_spec_object ("project", NULL, NULL, TANDEM_TYPE_PROJECT,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_HISTORY] =
    g_param_spec_object ("history", NULL, NULL, TANDEM_TYPE_HISTORY,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_STATE] =
    g_param_spec_enum ("state", NULL, NULL, TANDEM_TYPE_SYNC_STATE, TANDEM_SYNC_STATE_OFFLINE, ro);
  properties[PROP_CLIENT_ID] = g_param_spec_string ("client-id", NULL, NULL, NULL, ro);
  properties[PROP_DISPLAY_NAME] = g_param_spec_string ("display-name", NULL, NULL, NULL, rw);
  properties[PROP_COLOR] = g_param_spec_string ("color", NULL, NULL, NULL, rw);
  properties[PROP_ROLE] = g_param_spec_string ("role", NULL, NULL, NULL, ro);
  properties[PROP_N_PENDING] = g_param_spec_uint ("n-pending", NULL, NULL, 0, G_MAXUINT, 0, ro);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[REJECTED] =
    g_signal_new ("rejected", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 3, TANDEM_TYPE_OP, G_TYPE_STRING, G_TYPE_STRING);
  signals[OP_DROPPED] =
    g_signal_new ("op-dropped", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, TANDEM_TYPE_OP, G_TYPE_STRING);
  signals[ERROR] =
    g_signal_new ("error", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_STRING);
  signals[PARTICIPANT_JOINED] =
    g_signal_new ("participant-joined", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1, TANDEM_TYPE_PARTICIPANT);
  signals[PARTICIPANT_LEFT] =
    g_signal_new ("participant-left", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1, TANDEM_TYPE_PARTICIPANT);
  signals[PARTICIPANT_UPDATED] =
    g_signal_new ("participant-updated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1, TANDEM_TYPE_PARTICIPANT);
  signals[BATCH_RECEIVED] =
    g_signal_new ("batch-received", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 3, G_TYPE_UINT64, G_TYPE_STRING, G_TYPE_UINT64);
  signals[SAMPLE_AVAILABLE] =
    g_signal_new ("sample-available", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
tandem_sync_client_init (TandemSyncClient *self)
{
  g_autofree char *random = g_strdup_printf ("%08x%08x%08x%08x", g_random_int (), g_random_int (),
                                             g_random_int (), g_random_int ());

  self->context = g_main_context_ref_thread_default ();
  self->soup = soup_session_new ();
  self->client_id = g_steal_pointer (&random);
  self->participants = g_list_store_new (TANDEM_TYPE_PARTICIPANT);
  self->clock = tandem_clock_new ();
  g_queue_init (&self->pending);
  self->heartbeat_ms = 2000;
  self->heartbeat_timeout_ms = 6000;
  self->backoff_min_ms = 250;
  self->backoff_max_ms = 10000;
  self->coalesce_ms = 33;
  self->ack_every = 64;
}

TandemSyncClient *
tandem_sync_client_new (TandemProject *project,
                        TandemHistory *history)
{
  g_return_val_if_fail (TANDEM_IS_PROJECT (project), NULL);
  return g_object_new (TANDEM_TYPE_SYNC_CLIENT, "project", project, "history", history, NULL);
}

/**
 * tandem_sync_client_dup_invite:
 *
 * Returns: (transfer full) (nullable): the session this client joins (with
 *   its token), or NULL before the first connect
 */
TandemInvite *
tandem_sync_client_dup_invite (TandemSyncClient *self)
{
  g_return_val_if_fail (TANDEM_IS_SYNC_CLIENT (self), NULL);
  return self->invite ? tandem_invite_copy (self->invite) : NULL;
}

TandemSyncState
tandem_sync_client_get_state (TandemSyncClient *self)
{
  return self->state;
}

const char *
tandem_sync_client_get_client_id (TandemSyncClient *self)
{
  return self->client_id;
}

const char *
tandem_sync_client_get_role (TandemSyncClient *self)
{
  return self->role;
}

TandemProject *
tandem_sync_client_get_project (TandemSyncClient *self)
{
  return self->project;
}

guint64
tandem_sync_client_get_seq (TandemSyncClient *self)
{
  return self->seq;
}

guint
tandem_sync_client_get_n_pending (TandemSyncClient *self)
{
  return self->pending.length;
}

GListModel *
tandem_sync_client_get_participants (TandemSyncClient *self)
{
  return G_LIST_MODEL (self->participants);
}

void
tandem_sync_client_set_display_name (TandemSyncClient *self,
                                     const char       *name)
{
  if (g_strcmp0 (self->display_name, name) == 0)
    return;
  g_free (self->display_name);
  self->display_name = g_strdup (name);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DISPLAY_NAME]);
  presence_changed (self);
}

void
tandem_sync_client_set_color (TandemSyncClient *self,
                              const char       *color)
{
  if (g_strcmp0 (self->color, color) == 0)
    return;
  g_free (self->color);
  self->color = g_strdup (color);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_COLOR]);
  presence_changed (self);
}

void
tandem_sync_client_set_cursor (TandemSyncClient *self,
                               const char       *pattern_id,
                               const char       *track_id,
                               int               step,
                               const char       *control)
{
  g_clear_pointer (&self->cursor, json_node_unref);
  self->cursor = tandem_participant_cursor_to_json (pattern_id, track_id, step, control);
  presence_changed (self);
}

gint64
tandem_sync_client_get_clock_offset (TandemSyncClient *self)
{
  g_return_val_if_fail (TANDEM_IS_SYNC_CLIENT (self), 0);
  return tandem_clock_get_offset (self->clock);
}

gint64
tandem_sync_client_get_rtt (TandemSyncClient *self)
{
  g_return_val_if_fail (TANDEM_IS_SYNC_CLIENT (self), 0);
  return tandem_clock_get_rtt (self->clock);
}

gint64
tandem_sync_client_get_typical_rtt (TandemSyncClient *self)
{
  g_return_val_if_fail (TANDEM_IS_SYNC_CLIENT (self), 0);
  return tandem_clock_get_typical_rtt (self->clock);
}

gint64
tandem_sync_client_get_clock_uncertainty (TandemSyncClient *self)
{
  g_return_val_if_fail (TANDEM_IS_SYNC_CLIENT (self), G_MAXINT64);
  return tandem_clock_get_uncertainty (self->clock);
}

guint
tandem_sync_client_get_clock_samples (TandemSyncClient *self)
{
  g_return_val_if_fail (TANDEM_IS_SYNC_CLIENT (self), 0);
  return tandem_clock_get_n_samples (self->clock);
}

gint64
tandem_sync_client_get_local_time (TandemSyncClient *self)
{
  g_return_val_if_fail (TANDEM_IS_SYNC_CLIENT (self), 0);
  return local_now (self);
}

gint64
tandem_sync_client_get_session_time (TandemSyncClient *self)
{
  g_return_val_if_fail (TANDEM_IS_SYNC_CLIENT (self), 0);
  return local_now (self) + tandem_clock_get_offset (self->clock);
}

void
tandem_sync_client_set_clock_skew_for_tests (TandemSyncClient *self,
                                             gint64            skew_us)
{
  g_return_if_fail (TANDEM_IS_SYNC_CLIENT (self));
  self->clock_skew = skew_us;
}

void
tandem_sync_client_set_heartbeat (TandemSyncClient *self,
                                  guint             interval_ms,
                                  guint             timeout_ms)
{
  self->heartbeat_ms = MAX (interval_ms, 1);
  self->heartbeat_timeout_ms = MAX (timeout_ms, interval_ms);
}

void
tandem_sync_client_set_backoff (TandemSyncClient *self,
                                guint             min_ms,
                                guint             max_ms)
{
  self->backoff_min_ms = MAX (min_ms, 1);
  self->backoff_max_ms = MAX (max_ms, self->backoff_min_ms);
}

void
tandem_sync_client_set_coalesce_interval (TandemSyncClient *self,
                                          guint             ms)
{
  self->coalesce_ms = ms;
}
