/* tandem-sync-client-rebase.c — the session's batches, shown under our pending edits
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The project shows the confirmed state (the session's batches up to
 * self->seq) with the pending local edits applied on top. A remote batch
 * or a reject rewinds the pending edits, changes the confirmed state and
 * replays them.
 */
#define G_LOG_DOMAIN "tandem-sync"

#include "config.h"

#include <string.h>

#include "tandem-sync-client-private.h"

/* Undoes every applied pending edit, newest first: the project then shows
 * the confirmed state. Returns FALSE if an inverse failed (a bug). */
gboolean
_tandem_sync_client_rewind_pending (TandemSyncClient *self)
{
  gboolean ok = TRUE;

  for (GList *l = self->pending.tail; l; l = l->prev)
    {
      TandemSyncPending *p = l->data;
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
void
_tandem_sync_client_replay_pending (TandemSyncClient *self,
                                    gboolean          drop_sent)
{
  GList *l = self->pending.head;
  gboolean changed = FALSE;

  while (l)
    {
      GList *next = l->next;
      TandemSyncPending *p = l->data;
      g_autoptr(GError) error = NULL;

      if (!tandem_project_apply (self->project, p->op, &p->inverse, &error))
        {
          p->inverse = NULL;
          if (p->cseq == 0 || drop_sent)
            {
              g_queue_delete_link (&self->pending, l);
              g_signal_emit (self, _tandem_sync_client_signals[OP_DROPPED], 0, p->op,
                             error->message);
              _tandem_sync_client_pending_free (p);
              changed = TRUE;
            }
        }
      l = next;
    }
  if (changed)
    _tandem_sync_client_notify_pending (self);
}

static GList *
find_sent (TandemSyncClient *self,
           guint64           cseq)
{
  for (GList *l = self->pending.head; l; l = l->next)
    if (((TandemSyncPending *) l->data)->cseq == cseq)
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
  /* Before it applies, so that what it deletes can still be named. */
  if (strcmp (client, self->client_id) != 0)
    g_signal_emit (self, _tandem_sync_client_signals[REMOTE_BATCH], 0, client, batch,
                   (guint64) seq);
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
          _tandem_sync_client_pending_free (l->data);
          g_queue_delete_link (&self->pending, l);
        }
    }
  *seq_out = seq;
  *client_out = client;
  *cseq_out = cseq;
  return TRUE;
}

static void
send_ack (TandemSyncClient *self)
{
  g_autofree char *text = g_strdup_printf ("{\"type\":\"ack\",\"seq\":%" G_GUINT64_FORMAT "}",
                                           self->seq);

  _tandem_sync_client_clear_source (&self->ack_source);
  _tandem_sync_client_send_text (self, text);
  self->acked_seq = self->seq;
}

static gboolean
ack_cb (gpointer data)
{
  TandemSyncClient *self = data;

  g_clear_pointer (&self->ack_source, g_source_unref);
  if (self->seq > self->acked_seq)
    send_ack (self);
  return G_SOURCE_REMOVE;
}

/* One ack per ack_every batches when they come fast, and none later than
 * ack_after_ms after a batch when they come slowly: the server measures
 * how far behind a client is in time (max_behind_ms). */
static void
maybe_ack (TandemSyncClient *self)
{
  if (self->seq - self->acked_seq >= self->ack_every)
    send_ack (self);
  else if (self->seq > self->acked_seq && self->ack_source == NULL)
    self->ack_source = _tandem_sync_client_add_timeout (self, self->ack_after_ms, ack_cb);
}

static void
emit_batch_received (TandemSyncClient *self,
                     guint64           seq,
                     const char       *client,
                     guint64           cseq)
{
  g_signal_emit (self, _tandem_sync_client_signals[BATCH_RECEIVED], 0, seq, client, cseq);
}

void
_tandem_sync_client_handle_batch (TandemSyncClient *self,
                                  JsonObject       *msg)
{
  TandemSyncPending *first = g_queue_peek_head (&self->pending);
  const char *client = NULL;
  gint64 seq = 0, cseq = 0;
  guint64 applied_seq, applied_cseq;
  const char *applied_client;

  if (!tandem_message_get_int (msg, "seq", &seq)
      || !tandem_message_get_string (msg, "client", &client)
      || !tandem_message_get_int (msg, "cseq", &cseq))
    {
      _tandem_sync_client_resync (self, "malformed batch");
      return;
    }
  if ((guint64) seq <= self->seq)
    return;
  if (strcmp (client, self->client_id) == 0)
    {
      GList *mine = find_sent (self, cseq);

      if (mine)
        _tandem_sync_client_answered (self, mine->data);
      /* The server's storage takes writes again. */
      self->storage_retry_ms = 0;
    }

  /* Our oldest pending edit came back: it was applied on the very state it
   * was applied on here, so the project already shows the result. */
  if (first && first->cseq != 0 && first->inverse != NULL && (guint64) seq == self->seq + 1
      && (guint64) cseq == first->cseq && strcmp (client, self->client_id) == 0)
    {
      g_queue_pop_head (&self->pending);
      _tandem_sync_client_pending_free (first);
      self->seq = seq;
      _tandem_sync_client_notify_pending (self);
      emit_batch_received (self, seq, client, cseq);
      maybe_ack (self);
      return;
    }

  if (!_tandem_sync_client_rewind_pending (self))
    {
      _tandem_sync_client_resync (self, "pending edits do not rewind");
      return;
    }
  if (!apply_confirmed (self, msg, &applied_seq, &applied_client, &applied_cseq))
    {
      _tandem_sync_client_replay_pending (self, FALSE);
      _tandem_sync_client_resync (self, "a batch of the session does not apply");
      return;
    }
  _tandem_sync_client_replay_pending (self, FALSE);
  _tandem_sync_client_notify_pending (self);
  emit_batch_received (self, applied_seq, applied_client, applied_cseq);
  maybe_ack (self);
}

void
_tandem_sync_client_handle_reject (TandemSyncClient *self,
                                   JsonObject       *msg)
{
  const char *code = "rejected", *message = "";
  gint64 cseq = 0;
  GList *l;
  TandemSyncPending *p;

  tandem_message_get_string (msg, "code", &code);
  tandem_message_get_string (msg, "message", &message);
  if (!tandem_message_get_int (msg, "cseq", &cseq) || cseq <= 0
      || (l = find_sent (self, cseq)) == NULL)
    return;
  p = l->data;
  /* Not processed: the same edit goes again later, never rolled back. */
  if (g_str_equal (code, TANDEM_CODE_RATE_LIMITED))
    {
      gint64 retry_ms = 1000;

      tandem_message_get_int (msg, "retry_after_ms", &retry_ms);
      _tandem_sync_client_handle_rate_limited (self, l, retry_ms);
      return;
    }
  /* The server could not store it (a full disk, Redis away) and applied
   * nothing: the edit is the musician's, so it is never rolled back for
   * that; it goes again, in order, after a pause that grows while the
   * refusals last, like an edit made offline. */
  if (g_str_equal (code, TANDEM_CODE_STORAGE))
    {
      self->storage_retry_ms = CLAMP (self->storage_retry_ms * 2, STORAGE_RETRY_MIN_MS,
                                      STORAGE_RETRY_MAX_MS);
      g_debug ("Client %s: batch %" G_GINT64_FORMAT " not stored: %s; again in %u ms",
               self->client_id, cseq, message, self->storage_retry_ms);
      _tandem_sync_client_handle_rate_limited (self, l, self->storage_retry_ms);
      g_signal_emit (self, _tandem_sync_client_signals[STORAGE_REFUSED], 0, message);
      return;
    }
  _tandem_sync_client_answered (self, p);
  if (!_tandem_sync_client_rewind_pending (self))
    {
      _tandem_sync_client_resync (self, "pending edits do not rewind");
      return;
    }
  g_queue_delete_link (&self->pending, l);
  _tandem_sync_client_replay_pending (self, FALSE);
  _tandem_sync_client_notify_pending (self);
  g_debug ("Client %s: batch %" G_GINT64_FORMAT " rejected: %s", self->client_id, cseq, message);
  g_signal_emit (self, _tandem_sync_client_signals[REJECTED], 0, p->op, code, message);
  _tandem_sync_client_pending_free (p);
}

/* An "error" that names one of our submits. "duplicate": the server has
 * processed it already; if its echo was seen, the pending edit is gone and
 * there is nothing to do, else its outcome reached us on no connection and
 * only a fresh snapshot says what it was. A rate-limited one goes again;
 * anything else refuses it, like a reject. */
void
_tandem_sync_client_handle_submit_error (TandemSyncClient *self,
                                         JsonObject       *msg)
{
  const char *code = "";
  gint64 cseq = 0, retry_ms = 1000;
  GList *l;

  tandem_message_get_string (msg, "code", &code);
  if (!tandem_message_get_int (msg, "cseq", &cseq) || cseq <= 0
      || (l = find_sent (self, cseq)) == NULL)
    return;
  if (g_str_equal (code, TANDEM_CODE_DUPLICATE))
    {
      _tandem_sync_client_answered (self, l->data);
      _tandem_sync_client_resync (self, "the server saw an edit whose outcome we missed");
    }
  else if (g_str_equal (code, TANDEM_CODE_RATE_LIMITED))
    {
      tandem_message_get_int (msg, "retry_after_ms", &retry_ms);
      _tandem_sync_client_handle_rate_limited (self, l, retry_ms);
    }
  else
    _tandem_sync_client_handle_reject (self, msg);
}

/* Moves the confirmed state to the welcome's: its @snapshot, or the
 * @batches we missed since self->seq. Then drops the pending edits the
 * server already processed (up to @client_seq) and replays the others.
 * Returns FALSE when the client cannot join on this connection (it has
 * already resynced or given up). */
gboolean
_tandem_sync_client_rebase_on_welcome (TandemSyncClient *self,
                                       JsonNode         *snapshot,
                                       JsonNode         *batches,
                                       gint64            seq,
                                       gint64            client_seq)
{
  GList *l;

  _tandem_sync_client_rewind_pending (self);
  if (snapshot)
    {
      g_autoptr(GError) error = NULL;

      if (!tandem_project_load_json (self->project, snapshot, &error))
        {
          g_warning ("The session snapshot does not load: %s", error->message);
          self->fatal = TRUE;
          g_signal_emit (self, _tandem_sync_client_signals[ERROR], 0, TANDEM_CODE_INTERNAL,
                         error->message);
          _tandem_sync_client_replay_pending (self, FALSE);
          soup_websocket_connection_close (self->conn, TANDEM_CLOSE_NORMAL, NULL);
          return FALSE;
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
          _tandem_sync_client_replay_pending (self, FALSE);
          _tandem_sync_client_resync (self, "welcome does not continue from our state");
          return FALSE;
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
              _tandem_sync_client_replay_pending (self, FALSE);
              _tandem_sync_client_resync (self, "a missed batch does not apply");
              return FALSE;
            }
          emit_batch_received (self, s, who, c);
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
      TandemSyncPending *p = l->data;

      if (p->cseq != 0 && p->cseq <= (guint64) client_seq)
        {
          g_queue_delete_link (&self->pending, l);
          if (!snapshot)
            g_signal_emit (self, _tandem_sync_client_signals[REJECTED], 0, p->op, "rejected",
                           "The server refused this edit while the connection was down");
          _tandem_sync_client_pending_free (p);
        }
      l = next;
    }
  self->next_cseq = MAX (self->next_cseq, (guint64) client_seq);
  _tandem_sync_client_replay_pending (self, TRUE);
  _tandem_sync_client_notify_pending (self);
  return TRUE;
}
