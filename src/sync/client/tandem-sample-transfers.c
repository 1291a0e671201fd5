/* tandem-sample-transfers.c — the transfer objects, their API, and which samples to move
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-sync"

#include "config.h"

#include <string.h>

#include "tandem-sample-transfers-private.h"
#include "tandem-soup-target.h"

G_DEFINE_FINAL_TYPE (TandemSampleTransfer, tandem_sample_transfer, G_TYPE_OBJECT)
G_DEFINE_FINAL_TYPE (TandemSampleTransfers, tandem_sample_transfers, G_TYPE_OBJECT)

enum {
  T_PROP_0,
  T_PROP_HASH,
  T_PROP_NAME,
  T_PROP_DIRECTION,
  T_PROP_STATE,
  T_PROP_BYTES_DONE,
  T_PROP_BYTES_TOTAL,
  T_PROP_FRACTION,
  T_PROP_ERROR,
  T_N_PROPS
};

static GParamSpec *t_properties[T_N_PROPS];

enum {
  SAMPLE_READY,
  TRANSFER_FAILED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];


/* TandemSampleTransfer */

void
_tandem_sample_transfer_clear_io (TandemSampleTransfer *t)
{
  if (t->retry_source)
    {
      g_source_destroy (t->retry_source);
      g_clear_pointer (&t->retry_source, g_source_unref);
    }
  g_clear_object (&t->body);
  if (t->part)
    g_output_stream_close (t->part, NULL, NULL);
  g_clear_object (&t->part);
  g_clear_pointer (&t->checksum, g_checksum_free);
  g_clear_pointer (&t->pending, g_bytes_unref);
  /* A hash still on a worker frees its checksum when it sees this. */
  t->io_gen++;
  t->hashing = FALSE;
  t->at_end = FALSE;
}

static void
tandem_sample_transfer_finalize (GObject *object)
{
  TandemSampleTransfer *t = TANDEM_SAMPLE_TRANSFER (object);

  _tandem_sample_transfer_clear_io (t);
  g_clear_object (&t->cancellable);
  g_free (t->hash);
  g_free (t->name);
  g_free (t->error);
  G_OBJECT_CLASS (tandem_sample_transfer_parent_class)->finalize (object);
}

static void
tandem_sample_transfer_get_property (GObject    *object,
                                     guint       prop_id,
                                     GValue     *value,
                                     GParamSpec *pspec)
{
  TandemSampleTransfer *t = TANDEM_SAMPLE_TRANSFER (object);

  switch (prop_id)
    {
    case T_PROP_HASH: g_value_set_string (value, t->hash); break;
    case T_PROP_NAME: g_value_set_string (value, t->name); break;
    case T_PROP_DIRECTION: g_value_set_int (value, t->direction); break;
    case T_PROP_STATE: g_value_set_int (value, t->state); break;
    case T_PROP_BYTES_DONE: g_value_set_uint64 (value, t->done); break;
    case T_PROP_BYTES_TOTAL: g_value_set_uint64 (value, t->total); break;
    case T_PROP_FRACTION: g_value_set_double (value, tandem_sample_transfer_get_fraction (t)); break;
    case T_PROP_ERROR: g_value_set_string (value, t->error); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tandem_sample_transfer_class_init (TandemSampleTransferClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags ro = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->finalize = tandem_sample_transfer_finalize;
  object_class->get_property = tandem_sample_transfer_get_property;

  t_properties[T_PROP_HASH] = g_param_spec_string ("hash", NULL, NULL, NULL, ro);
  t_properties[T_PROP_NAME] = g_param_spec_string ("name", NULL, NULL, NULL, ro);
  t_properties[T_PROP_DIRECTION] = g_param_spec_int ("direction", NULL, NULL, 0, 1, 0, ro);
  t_properties[T_PROP_STATE] = g_param_spec_int ("state", NULL, NULL, 0, TANDEM_TRANSFER_CANCELLED, 0, ro);
  t_properties[T_PROP_BYTES_DONE] = g_param_spec_uint64 ("bytes-done", NULL, NULL, 0, G_MAXUINT64, 0, ro);
  t_properties[T_PROP_BYTES_TOTAL] = g_param_spec_uint64 ("bytes-total", NULL, NULL, 0, G_MAXUINT64, 0, ro);
  t_properties[T_PROP_FRACTION] = g_param_spec_double ("fraction", NULL, NULL, 0, 1, 0, ro);
  t_properties[T_PROP_ERROR] = g_param_spec_string ("error", NULL, NULL, NULL, ro);
  g_object_class_install_properties (object_class, T_N_PROPS, t_properties);
}

static void
tandem_sample_transfer_init (TandemSampleTransfer *t)
{
}

const char *
tandem_sample_transfer_get_hash (TandemSampleTransfer *self)
{
  g_return_val_if_fail (TANDEM_IS_SAMPLE_TRANSFER (self), NULL);
  return self->hash;
}

const char *
tandem_sample_transfer_get_name (TandemSampleTransfer *self)
{
  g_return_val_if_fail (TANDEM_IS_SAMPLE_TRANSFER (self), NULL);
  return self->name;
}

TandemTransferDirection
tandem_sample_transfer_get_direction (TandemSampleTransfer *self)
{
  g_return_val_if_fail (TANDEM_IS_SAMPLE_TRANSFER (self), 0);
  return self->direction;
}

TandemTransferState
tandem_sample_transfer_get_state (TandemSampleTransfer *self)
{
  g_return_val_if_fail (TANDEM_IS_SAMPLE_TRANSFER (self), 0);
  return self->state;
}

guint64
tandem_sample_transfer_get_bytes_done (TandemSampleTransfer *self)
{
  g_return_val_if_fail (TANDEM_IS_SAMPLE_TRANSFER (self), 0);
  return self->done;
}

guint64
tandem_sample_transfer_get_bytes_total (TandemSampleTransfer *self)
{
  g_return_val_if_fail (TANDEM_IS_SAMPLE_TRANSFER (self), 0);
  return self->total;
}

double
tandem_sample_transfer_get_fraction (TandemSampleTransfer *self)
{
  g_return_val_if_fail (TANDEM_IS_SAMPLE_TRANSFER (self), 0);
  if (self->state == TANDEM_TRANSFER_DONE)
    return 1.0;
  return self->total > 0 ? CLAMP ((double) self->done / (double) self->total, 0.0, 1.0) : 0.0;
}

const char *
tandem_sample_transfer_get_error (TandemSampleTransfer *self)
{
  g_return_val_if_fail (TANDEM_IS_SAMPLE_TRANSFER (self), NULL);
  return self->error;
}

gboolean
tandem_sample_transfer_is_finished (TandemSampleTransfer *self)
{
  g_return_val_if_fail (TANDEM_IS_SAMPLE_TRANSFER (self), TRUE);
  return self->state >= TANDEM_TRANSFER_DONE;
}

void
_tandem_sample_transfer_set_progress (TandemSampleTransfer *t,
              guint64               done,
              guint64               total)
{
  gboolean total_changed = t->total != total;

  if (t->done == done && !total_changed)
    return;
  t->done = done;
  t->total = total;
  g_object_notify_by_pspec (G_OBJECT (t), t_properties[T_PROP_BYTES_DONE]);
  if (total_changed)
    g_object_notify_by_pspec (G_OBJECT (t), t_properties[T_PROP_BYTES_TOTAL]);
  g_object_notify_by_pspec (G_OBJECT (t), t_properties[T_PROP_FRACTION]);
}

void
_tandem_sample_transfer_set_state (TandemSampleTransfer *t,
           TandemTransferState   state)
{
  if (t->state == state)
    return;
  t->state = state;
  g_object_notify_by_pspec (G_OBJECT (t), t_properties[T_PROP_STATE]);
  g_object_notify_by_pspec (G_OBJECT (t), t_properties[T_PROP_FRACTION]);
}


/* Ending a transfer */

void
_tandem_sample_transfer_finish (TandemSampleTransfer *t,
        TandemTransferState   state,
        const char           *error)
{
  TandemSampleTransfers *self = t->owner;

  g_object_ref (t);
  _tandem_sample_transfer_clear_io (t);
  if (error != NULL && g_strcmp0 (t->error, error) != 0)
    {
      g_free (t->error);
      t->error = g_strdup (error);
      g_object_notify_by_pspec (G_OBJECT (t), t_properties[T_PROP_ERROR]);
    }
  if (state == TANDEM_TRANSFER_DONE)
    _tandem_sample_transfer_set_progress (t, t->total, t->total);
  _tandem_sample_transfer_set_state (t, state);
  if (self != NULL)
    {
      g_ptr_array_remove (self->active, t);
      if (state == TANDEM_TRANSFER_DONE && t->direction == TANDEM_TRANSFER_DOWNLOAD)
        g_signal_emit (self, signals[SAMPLE_READY], 0, t->hash);
      else if (state == TANDEM_TRANSFER_FAILED)
        g_signal_emit (self, signals[TRANSFER_FAILED], 0, t);
      _tandem_sample_transfers_pump (self);
    }
  g_object_unref (t);
}

/* Following the project */

static void
want_sample (TandemSampleTransfers *self,
             const char            *hash,
             gboolean               offer)
{
  g_autofree char *path = NULL;

  if (hash == NULL || !tandem_sample_hash_is_valid (hash))
    return;
  path = tandem_sample_store_lookup (self->store, hash);
  if (path == NULL)
    _tandem_sample_transfers_add (self, hash, TANDEM_TRANSFER_DOWNLOAD);
  else if (offer)
    _tandem_sample_transfers_add (self, hash, TANDEM_TRANSFER_UPLOAD);
}

static void
scan_project (TandemSampleTransfers *self,
              gboolean               offer)
{
  GListModel *samples = tandem_project_get_samples (self->project);

  for (guint i = 0; i < g_list_model_get_n_items (samples); i++)
    {
      g_autoptr(TandemSampleInfo) info = g_list_model_get_item (samples, i);

      want_sample (self, tandem_sample_info_get_id (info), offer);
    }
}

static void
scan_op (TandemSampleTransfers *self,
         TandemOp              *op)
{
  JsonNode *value;

  switch (tandem_op_get_kind (op))
    {
    case TANDEM_OP_BATCH:
      for (guint i = 0; i < tandem_op_batch_get_n_ops (op); i++)
        scan_op (self, tandem_op_batch_get_op (op, i));
      break;
    case TANDEM_OP_INSERT:
      value = tandem_op_get_value (op);
      if (tandem_op_get_entity (op) == TANDEM_ENTITY_SAMPLE && value && JSON_NODE_HOLDS_OBJECT (value))
        want_sample (self, json_object_get_string_member_with_default (json_node_get_object (value),
                                                                       "id", NULL), FALSE);
      else if (tandem_op_get_entity (op) == TANDEM_ENTITY_TRACK && value && JSON_NODE_HOLDS_OBJECT (value))
        want_sample (self, tandem_instrument_get_sample (
                       json_object_get_string_member_with_default (json_node_get_object (value),
                                                                   "instrument", NULL)), FALSE);
      break;
    case TANDEM_OP_SET:
      value = tandem_op_get_value (op);
      if (tandem_op_get_entity (op) == TANDEM_ENTITY_TRACK
          && g_strcmp0 (tandem_op_get_prop (op), "instrument") == 0
          && value && JSON_NODE_HOLDS_VALUE (value) && json_node_get_value_type (value) == G_TYPE_STRING)
        want_sample (self, tandem_instrument_get_sample (json_node_get_string (value)), FALSE);
      break;
    default:
      break;
    }
}

static void
on_op_applied (TandemProject         *project,
               TandemOp              *op,
               TandemSampleTransfers *self)
{
  scan_op (self, op);
}

static void
on_reset (TandemProject         *project,
          TandemSampleTransfers *self)
{
  scan_project (self, FALSE);
}

static void
on_state (TandemSyncClient      *client,
          GParamSpec            *pspec,
          TandemSampleTransfers *self)
{
  if (!_tandem_sample_transfers_is_live (self))
    return;
  /* Offer what we hold (a project opened from a file, a host that just
   * started) and fetch what we lack. */
  scan_project (self, TRUE);
  _tandem_sample_transfers_kick_waiting (self, NULL);
}

static void
on_sample_available (TandemSyncClient      *client,
                     const char            *hash,
                     TandemSampleTransfers *self)
{
  _tandem_sample_transfers_kick_waiting (self, hash);
}

static void
on_batch_received (TandemSyncClient      *client,
                   guint64                seq,
                   const char            *client_id,
                   guint64                client_seq,
                   TandemSampleTransfers *self)
{
  /* An upload waiting for its registry op to reach the server may go now. */
  if (g_strcmp0 (client_id, tandem_sync_client_get_client_id (client)) != 0)
    return;
  for (guint i = 0; i < self->active->len; i++)
    {
      TandemSampleTransfer *t = self->active->pdata[i];

      if (t->direction == TANDEM_TRANSFER_UPLOAD && t->state == TANDEM_TRANSFER_WAITING)
        _tandem_sample_transfers_kick_waiting (self, t->hash);
    }
}

/* GObject */

static void
tandem_sample_transfers_dispose (GObject *object)
{
  TandemSampleTransfers *self = TANDEM_SAMPLE_TRANSFERS (object);

  if (self->active)
    while (self->active->len > 0)
      {
        TandemSampleTransfer *t = g_ptr_array_steal_index (self->active, self->active->len - 1);

        if (t->cancellable)
          g_cancellable_cancel (t->cancellable);
        _tandem_sample_transfer_clear_io (t);
        t->owner = NULL;
        g_object_unref (t);
      }
  if (self->client)
    {
      g_clear_signal_handler (&self->state_id, self->client);
      g_clear_signal_handler (&self->sample_id, self->client);
      g_clear_signal_handler (&self->batch_id, self->client);
    }
  if (self->project)
    {
      g_clear_signal_handler (&self->applied_id, self->project);
      g_clear_signal_handler (&self->reset_id, self->project);
    }
  if (self->soup)
    soup_session_abort (self->soup);
  g_clear_object (&self->soup);
  g_clear_object (&self->client);
  g_clear_object (&self->project);
  g_clear_object (&self->store);
  G_OBJECT_CLASS (tandem_sample_transfers_parent_class)->dispose (object);
}

static void
tandem_sample_transfers_finalize (GObject *object)
{
  TandemSampleTransfers *self = TANDEM_SAMPLE_TRANSFERS (object);

  g_clear_pointer (&self->active, g_ptr_array_unref);
  g_clear_object (&self->list);
  G_OBJECT_CLASS (tandem_sample_transfers_parent_class)->finalize (object);
}

static void
tandem_sample_transfers_class_init (TandemSampleTransfersClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = tandem_sample_transfers_dispose;
  object_class->finalize = tandem_sample_transfers_finalize;

  /**
   * TandemSampleTransfers::sample-ready:
   * @hash: the sample's SHA-256
   *
   * A download was verified and is in the store: the sample can be played.
   */
  signals[SAMPLE_READY] =
    g_signal_new ("sample-ready", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
  /**
   * TandemSampleTransfers::transfer-failed:
   * @transfer: the transfer; its "error" says why
   */
  signals[TRANSFER_FAILED] =
    g_signal_new ("transfer-failed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1, TANDEM_TYPE_SAMPLE_TRANSFER);
}

static SoupSession *
new_session (GSocketConnectable *target)
{
  return soup_session_new_with_options ("remote-connectable", target, "max-conns", 16,
                                        "max-conns-per-host", 8, "timeout", 60, NULL);
}

/* An IP address gets a session of its own (tandem-soup-target.h), made
 * again when the session's address changes. Transfers still running on the
 * one before keep it until they end. */
void
_tandem_sample_transfers_use_session_for (TandemSampleTransfers *self,
                                          const TandemInvite    *invite)
{
  g_autoptr(GSocketConnectable) target = NULL;

  if (tandem_soup_target_matches (self->soup, invite->host, invite->port))
    return;
  target = tandem_soup_target_new (invite->host, invite->port);
  g_clear_object (&self->soup);
  self->soup = new_session (target);
}

static void
tandem_sample_transfers_init (TandemSampleTransfers *self)
{
  self->list = g_list_store_new (TANDEM_TYPE_SAMPLE_TRANSFER);
  self->active = g_ptr_array_new_with_free_func (g_object_unref);
  self->max_parallel = 3;
  self->backoff_min_ms = 250;
  self->backoff_max_ms = 8000;
  self->max_attempts = 6;
  self->drop_at = G_MAXUINT64;
  self->soup = new_session (NULL);
}

/**
 * tandem_sample_transfers_new:
 * @store: where samples are read from and downloaded into
 *
 * Returns: (transfer full): transfers for the session of @client
 */
TandemSampleTransfers *
tandem_sample_transfers_new (TandemSyncClient  *client,
                             TandemSampleStore *store)
{
  TandemSampleTransfers *self;

  g_return_val_if_fail (TANDEM_IS_SYNC_CLIENT (client), NULL);
  g_return_val_if_fail (TANDEM_IS_SAMPLE_STORE (store), NULL);

  self = g_object_new (TANDEM_TYPE_SAMPLE_TRANSFERS, NULL);
  self->client = g_object_ref (client);
  self->project = g_object_ref (tandem_sync_client_get_project (client));
  self->store = g_object_ref (store);
  self->state_id = g_signal_connect (client, "notify::state", G_CALLBACK (on_state), self);
  self->sample_id = g_signal_connect (client, "sample-available", G_CALLBACK (on_sample_available), self);
  self->batch_id = g_signal_connect (client, "batch-received", G_CALLBACK (on_batch_received), self);
  self->applied_id = g_signal_connect (self->project, "op-applied", G_CALLBACK (on_op_applied), self);
  self->reset_id = g_signal_connect (self->project, "reset", G_CALLBACK (on_reset), self);
  if (_tandem_sample_transfers_is_live (self))
    on_state (client, NULL, self);
  return self;
}

GListModel *
tandem_sample_transfers_get_list (TandemSampleTransfers *self)
{
  g_return_val_if_fail (TANDEM_IS_SAMPLE_TRANSFERS (self), NULL);
  return G_LIST_MODEL (self->list);
}

TandemSampleTransfer *
tandem_sample_transfers_upload (TandemSampleTransfers *self,
                                const char            *hash)
{
  g_return_val_if_fail (TANDEM_IS_SAMPLE_TRANSFERS (self), NULL);
  g_return_val_if_fail (tandem_sample_hash_is_valid (hash), NULL);
  return _tandem_sample_transfers_add (self, hash, TANDEM_TRANSFER_UPLOAD);
}

TandemSampleTransfer *
tandem_sample_transfers_find (TandemSampleTransfers *self,
                              const char            *hash)
{
  g_return_val_if_fail (TANDEM_IS_SAMPLE_TRANSFERS (self), NULL);
  for (guint i = 0; i < self->active->len; i++)
    {
      TandemSampleTransfer *t = self->active->pdata[i];

      if (g_strcmp0 (t->hash, hash) == 0)
        return t;
    }
  return NULL;
}

void
tandem_sample_transfers_cancel (TandemSampleTransfers *self,
                                TandemSampleTransfer  *transfer)
{
  g_return_if_fail (TANDEM_IS_SAMPLE_TRANSFERS (self));
  g_return_if_fail (TANDEM_IS_SAMPLE_TRANSFER (transfer));

  if (transfer->owner != self || tandem_sample_transfer_is_finished (transfer))
    return;
  if (transfer->cancellable)
    g_cancellable_cancel (transfer->cancellable);
  _tandem_sample_transfer_finish (transfer, TANDEM_TRANSFER_CANCELLED, NULL);
}

void
tandem_sample_transfers_clear_finished (TandemSampleTransfers *self)
{
  g_return_if_fail (TANDEM_IS_SAMPLE_TRANSFERS (self));
  for (guint i = g_list_model_get_n_items (G_LIST_MODEL (self->list)); i > 0; i--)
    {
      g_autoptr(TandemSampleTransfer) t = g_list_model_get_item (G_LIST_MODEL (self->list), i - 1);

      if (tandem_sample_transfer_is_finished (t))
        g_list_store_remove (self->list, i - 1);
    }
}

guint
tandem_sample_transfers_get_n_active (TandemSampleTransfers *self)
{
  g_return_val_if_fail (TANDEM_IS_SAMPLE_TRANSFERS (self), 0);
  return self->active->len;
}

void
tandem_sample_transfers_set_max_parallel (TandemSampleTransfers *self,
                                          guint                  n)
{
  g_return_if_fail (TANDEM_IS_SAMPLE_TRANSFERS (self));
  self->max_parallel = MAX (n, 1);
  _tandem_sample_transfers_pump (self);
}

void
tandem_sample_transfers_set_backoff (TandemSampleTransfers *self,
                                     guint                  min_ms,
                                     guint                  max_ms,
                                     guint                  max_attempts)
{
  g_return_if_fail (TANDEM_IS_SAMPLE_TRANSFERS (self));
  self->backoff_min_ms = MAX (min_ms, 1);
  self->backoff_max_ms = MAX (max_ms, self->backoff_min_ms);
  self->max_attempts = MAX (max_attempts, 1);
}

guint64
tandem_sample_transfers_get_bytes_sent (TandemSampleTransfers *self)
{
  g_return_val_if_fail (TANDEM_IS_SAMPLE_TRANSFERS (self), 0);
  return self->bytes_sent;
}

void
tandem_sample_transfers_drop_upload_at_for_tests (TandemSampleTransfers *self,
                                                  guint64                offset)
{
  g_return_if_fail (TANDEM_IS_SAMPLE_TRANSFERS (self));
  self->drop_at = offset;
}

