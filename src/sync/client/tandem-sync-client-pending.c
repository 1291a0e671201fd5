/* tandem-sync-client-pending.c — optimistic local edits: queueing, coalescing, paced sending
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A local edit is applied at once and queued until the server echoes it.
 * Edits not sent yet (offline, or waiting for the rate budget) coalesce:
 * a set makes an unsent set of the same value moot, and an unsent insert
 * followed by the delete of that entity is nothing at all. While a fader
 * is dragged, its sets go out at most every coalesce_ms. The queue goes
 * out paced to the limits the welcome announced, with token buckets of
 * our own, so the server's budget is never the one that says no; when it
 * does ("rate-limited"), the refused edit and everything after it are sent
 * again, in order, after the time the server gave (go-back-N).
 */
#define G_LOG_DOMAIN "tandem-sync"

#include "config.h"

#include <string.h>

#include "tandem-sync-client-private.h"

/* We pace a little below the server's rates and keep a few messages of its
 * budget for pings, acks and presence, so jitter on the way does not push
 * our edits over its limit. */
#define PACE_RATE        0.95
#define MESSAGE_RESERVE  16
/* No limits announced (or a server without them): no pacing. */
#define UNLIMITED        1e12

void
_tandem_sync_client_pending_free (TandemSyncPending *p)
{
  g_clear_pointer (&p->op, tandem_op_unref);
  g_clear_pointer (&p->inverse, tandem_op_unref);
  g_free (p->key);
  g_free (p->text);
  g_free (p);
}

/* Two sets with the same key change the same value: the later one makes
 * the earlier one moot. */
char *
_tandem_sync_client_coalesce_key (TandemOp *op)
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

static const char *
pending_text (TandemSyncPending *p)
{
  if (p->text == NULL)
    p->text = tandem_op_to_string (p->op);
  return p->text;
}

static gboolean
mentions (TandemSyncPending *p,
          const char        *id)
{
  return id != NULL && *id != '\0' && strstr (pending_text (p), id) != NULL;
}

/* Whether the set @op can move past the unsent edit @q: two sets of
 * different values commute (values are absolute), and an insert, delete or
 * move commutes with a set unless it names the set's entity or the entity
 * the set refers to. A batch could hold anything. */
static gboolean
set_commutes_with (TandemOp          *op,
                   const char        *key,
                   TandemSyncPending *q)
{
  JsonNode *value = tandem_op_get_value (op);

  if (tandem_op_get_kind (q->op) == TANDEM_OP_SET)
    return g_strcmp0 (q->key, key) != 0;
  if (tandem_op_get_kind (q->op) == TANDEM_OP_BATCH)
    return FALSE;
  if (mentions (q, tandem_op_get_id (op)))
    return FALSE;
  if (tandem_op_get_entity (op) == TANDEM_ENTITY_CELL && mentions (q, tandem_op_get_track_id (op)))
    return FALSE;
  if (value && JSON_NODE_HOLDS_VALUE (value) && json_node_get_value_type (value) == G_TYPE_STRING
      && mentions (q, json_node_get_string (value)))
    return FALSE;
  return TRUE;
}

/* The newest unsent set of @key, if the edits after it let a new set of the
 * same value take its place. */
static GList *
find_mergeable_set (TandemSyncClient *self,
                    TandemOp         *op,
                    const char       *key)
{
  for (GList *l = self->pending.tail; l; l = l->prev)
    {
      TandemSyncPending *q = l->data;

      if (q->cseq != 0 || q->inverse == NULL)
        return NULL;
      if (q->key && strcmp (q->key, key) == 0)
        return l;
      if (!set_commutes_with (op, key, q))
        return NULL;
    }
  return NULL;
}

static gboolean
sets_entity (TandemSyncPending *q,
             TandemEntityKind   kind,
             const char        *id)
{
  TandemOp *op = q->op;

  if (tandem_op_get_kind (op) != TANDEM_OP_SET)
    return FALSE;
  if (tandem_op_get_entity (op) == kind)
    return g_strcmp0 (tandem_op_get_id (op), id) == 0;
  if (tandem_op_get_entity (op) == TANDEM_ENTITY_CELL)
    return (kind == TANDEM_ENTITY_PATTERN && g_strcmp0 (tandem_op_get_id (op), id) == 0)
           || (kind == TANDEM_ENTITY_TRACK && g_strcmp0 (tandem_op_get_track_id (op), id) == 0);
  return FALSE;
}

/* A delete of an entity whose insert was never sent: the two, and the sets
 * of that entity between them, are nothing to the server. Only when nothing
 * else in between refers to it and every edit in between is a set (which
 * does not depend on where the entity was in its list), so the other edits
 * keep their meaning. Returns TRUE if @delete_op was absorbed. */
static gboolean
cancel_insert (TandemSyncClient *self,
               TandemOp         *delete_op)
{
  TandemEntityKind kind = tandem_op_get_entity (delete_op);
  const char *id = tandem_op_get_id (delete_op);
  GList *insert = NULL;

  for (GList *l = self->pending.tail; l; l = l->prev)
    {
      TandemSyncPending *q = l->data;
      JsonNode *data;

      if (q->cseq != 0 || q->inverse == NULL)
        return FALSE;
      if (tandem_op_get_kind (q->op) == TANDEM_OP_INSERT && tandem_op_get_entity (q->op) == kind
          && (data = tandem_op_get_value (q->op)) != NULL && JSON_NODE_HOLDS_OBJECT (data)
          && g_strcmp0 (json_object_get_string_member_with_default (json_node_get_object (data),
                                                                    "id", NULL), id) == 0)
        {
          insert = l;
          break;
        }
      if (tandem_op_get_kind (q->op) != TANDEM_OP_SET)
        return FALSE;
      if (!sets_entity (q, kind, id) && mentions (q, id))
        return FALSE;
    }
  if (insert == NULL)
    return FALSE;

  for (GList *l = insert; l;)
    {
      GList *next = l->next;
      TandemSyncPending *q = l->data;

      if (l == insert || sets_entity (q, kind, id))
        {
          g_queue_delete_link (&self->pending, l);
          _tandem_sync_client_pending_free (q);
        }
      l = next;
    }
  return TRUE;
}

/* The submit message for one pending edit under client sequence @cseq. */
static char *
submit_text (TandemSyncClient  *self,
             TandemSyncPending *p,
             guint64            cseq)
{
  g_autoptr(JsonNode) ops = json_node_new (JSON_NODE_ARRAY);

  json_node_take_array (ops, json_array_new ());
  json_array_add_element (json_node_get_array (ops), tandem_op_to_json (p->op));
  return tandem_message_submit (self->client_id, cseq, ops);
}

static void
drop_unsendable (TandemSyncClient *self,
                 GList            *link,
                 const char       *why)
{
  TandemSyncPending *p = link->data;

  _tandem_sync_client_rewind_pending (self);
  g_queue_delete_link (&self->pending, link);
  _tandem_sync_client_replay_pending (self, FALSE);
  g_signal_emit (self, _tandem_sync_client_signals[OP_DROPPED], 0, p->op, why);
  _tandem_sync_client_pending_free (p);
  _tandem_sync_client_notify_pending (self);
}

static gboolean
flush_timeout_cb (gpointer data)
{
  TandemSyncClient *self = data;

  g_clear_pointer (&self->flush_source, g_source_unref);
  _tandem_sync_client_flush_pending (self);
  return G_SOURCE_REMOVE;
}

static void
flush_later (TandemSyncClient *self,
             gint64            wait_us)
{
  if (self->flush_source != NULL)
    return;
  self->flush_source = _tandem_sync_client_add_timeout (self, (guint) MIN (wait_us / 1000 + 1,
                                                                           G_MAXUINT),
                                                        flush_timeout_cb);
}

/* Sends the pending edits not sent on this connection, oldest first, as
 * fast as our buckets allow. */
void
_tandem_sync_client_flush_pending (TandemSyncClient *self)
{
  gint64 now = g_get_monotonic_time ();
  GList *l;

  _tandem_sync_client_clear_source (&self->flush_source);
  /* A viewer's edits go out too: the server's reject rolls them back. */
  if (!self->joined)
    return;
  /* After a refusal, the refused edit goes again only once every submit
   * still in flight got its answer: none of them can then overtake it. */
  if (self->held && self->n_unanswered > 0)
    return;
  self->held = FALSE;
  if (now < self->hold_until_us)
    {
      flush_later (self, self->hold_until_us - now);
      return;
    }

  l = self->pending.head;
  while (l)
    {
      GList *next = l->next;
      TandemSyncPending *p = l->data;
      g_autofree char *text = NULL;
      gint64 wait;

      if (p->sent)
        {
          l = next;
          continue;
        }
      text = submit_text (self, p, p->cseq != 0 ? p->cseq : self->next_cseq + 1);
      if (p->cseq == 0 && self->max_message_bytes > 0 && strlen (text) > self->max_message_bytes)
        {
          drop_unsendable (self, l, "The edit is larger than the server accepts");
          l = self->pending.head;
          continue;
        }
      wait = MAX (tandem_rate_limit_wait_us (&self->ops_bucket, 1, now),
                  tandem_rate_limit_wait_us (&self->msg_bucket, 1, now));
      if (wait > 0)
        {
          flush_later (self, MIN (wait, G_USEC_PER_SEC));
          return;
        }
      tandem_rate_limit_take (&self->ops_bucket, 1, now);
      if (p->cseq == 0)
        p->cseq = ++self->next_cseq;
      p->sent = TRUE;
      p->in_flight++;
      self->n_unanswered++;
      _tandem_sync_client_send_text (self, text);
      g_free (self->last_sent_key);
      self->last_sent_key = g_strdup (p->key);
      self->last_sent_us = now;
      l = next;
    }
}

/* After a (re)join: resends what the server has not seen, in order, with
 * the same client sequence numbers (the server's dedupe makes this safe),
 * then sends the edits made while offline. */
void
_tandem_sync_client_resend_pending (TandemSyncClient *self)
{
  for (GList *l = self->pending.head; l; l = l->next)
    {
      TandemSyncPending *p = l->data;

      p->sent = FALSE;
      p->in_flight = 0;
    }
  self->n_unanswered = 0;
  self->held = FALSE;
  self->hold_until_us = 0;
  _tandem_sync_client_flush_pending (self);
}

static double
limit_member (JsonObject *limits,
              const char *name,
              double      fallback)
{
  JsonNode *node = limits ? json_object_get_member (limits, name) : NULL;
  double v;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node)
      || (json_node_get_value_type (node) != G_TYPE_INT64
          && json_node_get_value_type (node) != G_TYPE_DOUBLE))
    return fallback;
  v = json_node_get_double (node);
  return v > 0 ? v : fallback;
}

/* Our buckets, from the limits of the welcome. A server that announces
 * only max_ops_per_second had bursts of twice that and a message budget of
 * twice that. */
void
_tandem_sync_client_set_limits (TandemSyncClient *self,
                                JsonObject       *limits)
{
  gint64 now = g_get_monotonic_time ();
  double ops = limit_member (limits, "max_ops_per_second", UNLIMITED);
  double burst = limit_member (limits, "ops_burst", ops < UNLIMITED ? 2 * ops : UNLIMITED);
  double msgs = limit_member (limits, "max_messages_per_second",
                              ops < UNLIMITED ? 2 * ops : UNLIMITED);

  double f = self->pace_factor;

  tandem_rate_limit_init (&self->ops_bucket, ops * PACE_RATE * f, MAX (burst, 1), now);
  tandem_rate_limit_init (&self->msg_bucket, msgs * PACE_RATE * f, MAX (msgs - MESSAGE_RESERVE, 1),
                          now);
}

void
tandem_sync_client_set_pace_factor_for_tests (TandemSyncClient *self,
                                              double            factor)
{
  g_return_if_fail (TANDEM_IS_SYNC_CLIENT (self));
  self->pace_factor = factor > 0 ? factor : 1;
}

void
_tandem_sync_client_answered (TandemSyncClient  *self,
                              TandemSyncPending *p)
{
  if (p == NULL || p->in_flight == 0)
    return;
  p->in_flight--;
  if (self->n_unanswered > 0)
    self->n_unanswered--;
  /* Later: this runs while a batch is being handled. */
  if (self->held && self->n_unanswered == 0)
    flush_later (self, 0);
}

/* Sends nothing for @retry_after_ms. */
void
_tandem_sync_client_hold_submits (TandemSyncClient *self,
                                  gint64            retry_after_ms)
{
  gint64 until = g_get_monotonic_time () + CLAMP (retry_after_ms, 0, 60000) * 1000;

  if (until > self->hold_until_us)
    {
      self->hold_until_us = until;
      /* The server's bucket has just enough for one edit then. */
      tandem_rate_limit_reset (&self->ops_bucket, 1, until);
    }
}

/* The server refused the pending edit at @link for now: it and every later
 * one go again, in order, after @retry_after_ms. Nothing is rolled back. */
void
_tandem_sync_client_handle_rate_limited (TandemSyncClient *self,
                                         GList            *link,
                                         gint64            retry_after_ms)
{
  TandemSyncPending *p = link->data;

  _tandem_sync_client_answered (self, p);
  /* An answer to a copy sent before the last go-back: already to resend. */
  if (!p->sent)
    return;
  for (GList *l = link; l; l = l->next)
    ((TandemSyncPending *) l->data)->sent = FALSE;
  g_debug ("Client %s: batch %" G_GUINT64_FORMAT " rate-limited, again in %" G_GINT64_FORMAT " ms",
           self->client_id, p->cseq, retry_after_ms);
  _tandem_sync_client_hold_submits (self, retry_after_ms);
  self->held = TRUE;
  _tandem_sync_client_flush_pending (self);
}

/* Queues an edit that is already applied to the project. */
void
_tandem_sync_client_queue_local (TandemSyncClient *self,
                                 TandemOp         *op,
                                 TandemOp         *inverse)
{
  g_autofree char *key = _tandem_sync_client_coalesce_key (op);
  gint64 now = g_get_monotonic_time ();
  GList *merge = key ? find_mergeable_set (self, op, key) : NULL;
  gint64 due;

  if (merge)
    {
      /* The newest value with the oldest inverse, at the newest place; a
       * value back to what it was before is no edit at all. */
      TandemSyncPending *p = merge->data;
      JsonNode *before = tandem_op_get_value (p->inverse);

      g_queue_unlink (&self->pending, merge);
      g_list_free (merge);
      if (before && tandem_op_get_value (op) && json_node_equal (before, tandem_op_get_value (op)))
        _tandem_sync_client_pending_free (p);
      else
        {
          tandem_op_unref (p->op);
          p->op = tandem_op_ref (op);
          g_clear_pointer (&p->text, g_free);
          g_queue_push_tail (&self->pending, p);
        }
      _tandem_sync_client_notify_pending (self);
    }
  else if (tandem_op_get_kind (op) == TANDEM_OP_DELETE && cancel_insert (self, op))
    _tandem_sync_client_notify_pending (self);
  else
    {
      TandemSyncPending *p = g_new0 (TandemSyncPending, 1);

      p->op = tandem_op_ref (op);
      p->inverse = tandem_op_ref (inverse);
      p->key = g_strdup (key);
      g_queue_push_tail (&self->pending, p);
      _tandem_sync_client_notify_pending (self);
    }

  if (!self->joined)
    return;
  due = self->last_sent_us + (gint64) self->coalesce_ms * 1000;
  if (key && g_strcmp0 (key, self->last_sent_key) == 0 && now < due)
    {
      if (self->flush_source == NULL)
        self->flush_source = _tandem_sync_client_add_timeout (self, (due - now) / 1000 + 1,
                                                              flush_timeout_cb);
      return;
    }
  _tandem_sync_client_flush_pending (self);
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
  _tandem_sync_client_queue_local (self, op, inverse);
  return TRUE;
}

void
tandem_sync_client_set_coalesce_interval (TandemSyncClient *self,
                                          guint             ms)
{
  self->coalesce_ms = ms;
}

static gboolean
same_target (const TandemOp *a,
             const TandemOp *b)
{
  if (tandem_op_get_kind (a) == TANDEM_OP_BATCH)
    {
      for (guint i = 0; i < tandem_op_batch_get_n_ops (a); i++)
        if (same_target (tandem_op_batch_get_op (a, i), b))
          return TRUE;
      return FALSE;
    }
  return tandem_op_get_kind (a) == TANDEM_OP_SET
         && tandem_op_get_entity (a) == tandem_op_get_entity (b)
         && g_strcmp0 (tandem_op_get_id (a), tandem_op_get_id (b)) == 0
         && g_strcmp0 (tandem_op_get_prop (a), tandem_op_get_prop (b)) == 0
         && (tandem_op_get_entity (a) != TANDEM_ENTITY_CELL
             || (g_strcmp0 (tandem_op_get_track_id (a), tandem_op_get_track_id (b)) == 0
                 && tandem_op_get_step (a) == tandem_op_get_step (b)));
}

/**
 * tandem_sync_client_has_pending_set:
 * @set_op: a "set" op
 *
 * Whether an edit of ours not yet confirmed sets what @set_op sets. A
 * confirmed batch that sets it too was then ordered before ours.
 */
gboolean
tandem_sync_client_has_pending_set (TandemSyncClient *self,
                                    const TandemOp   *set_op)
{
  g_return_val_if_fail (TANDEM_IS_SYNC_CLIENT (self), FALSE);
  g_return_val_if_fail (set_op != NULL && tandem_op_get_kind (set_op) == TANDEM_OP_SET, FALSE);

  for (GList *l = self->pending.head; l != NULL; l = l->next)
    if (same_target (((TandemSyncPending *) l->data)->op, set_op))
      return TRUE;
  return FALSE;
}
