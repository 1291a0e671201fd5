/* tandem-sync-client-pending.c — optimistic local edits: queueing, coalescing, sending
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A local edit is applied at once and queued until the server echoes it.
 * While a fader is dragged, the sets of one property merge into one
 * pending edit and go out at most every coalesce_ms.
 */
#define G_LOG_DOMAIN "tandem-sync"

#include "config.h"

#include <string.h>

#include "tandem-sync-client-private.h"

void
_tandem_sync_client_pending_free (TandemSyncPending *p)
{
  g_clear_pointer (&p->op, tandem_op_unref);
  g_clear_pointer (&p->inverse, tandem_op_unref);
  g_free (p->key);
  g_free (p);
}

/* Two sets with the same key change the same value: the later one makes
 * the earlier one moot. */
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

/* Sends the pending edits not sent yet, oldest first. */
void
_tandem_sync_client_flush_pending (TandemSyncClient *self)
{
  GList *l;

  _tandem_sync_client_clear_source (&self->flush_source);
  /* A viewer's edits go out too: the server's reject rolls them back. */
  if (!self->joined)
    return;

  l = self->pending.head;
  while (l)
    {
      GList *next = l->next;
      TandemSyncPending *p = l->data;
      g_autofree char *text = NULL;

      if (p->cseq != 0)
        {
          l = next;
          continue;
        }
      text = submit_text (self, p, self->next_cseq + 1);
      if (self->max_message_bytes > 0 && strlen (text) > self->max_message_bytes)
        {
          drop_unsendable (self, l, "The edit is larger than the server accepts");
          l = self->pending.head;
          continue;
        }
      p->cseq = ++self->next_cseq;
      _tandem_sync_client_send_text (self, text);
      g_free (self->last_sent_key);
      self->last_sent_key = g_strdup (p->key);
      self->last_sent_us = g_get_monotonic_time ();
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

      if (p->cseq != 0 && p->inverse != NULL)
        {
          g_autofree char *text = submit_text (self, p, p->cseq);

          _tandem_sync_client_send_text (self, text);
        }
    }
  _tandem_sync_client_flush_pending (self);
}

static gboolean
flush_timeout_cb (gpointer data)
{
  TandemSyncClient *self = data;

  g_clear_pointer (&self->flush_source, g_source_unref);
  _tandem_sync_client_flush_pending (self);
  return G_SOURCE_REMOVE;
}

/* Queues an edit that is already applied to the project. */
void
_tandem_sync_client_queue_local (TandemSyncClient *self,
                                 TandemOp         *op,
                                 TandemOp         *inverse)
{
  TandemSyncPending *last = g_queue_peek_tail (&self->pending);
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
      TandemSyncPending *p = g_new0 (TandemSyncPending, 1);

      p->op = tandem_op_ref (op);
      p->inverse = tandem_op_ref (inverse);
      p->key = g_steal_pointer (&key);
      g_queue_push_tail (&self->pending, p);
      _tandem_sync_client_notify_pending (self);
      key = g_strdup (p->key);
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
