/* tandem-history-replay.c — a session rebuilt before one's eyes, at 1×–64×
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-ui"

#include "config.h"

#include "tandem-history-replay.h"
#include "tandem-project-diff.h"
#include "tandem-protocol.h"

#define TICK_MS        16
#define MAX_PAUSE_MS   1000
#define PAGE           2000

struct _TandemHistoryReplay
{
  GObject           parent_instance;

  TandemSyncClient *client;
  GCancellable     *cancellable;
  double            speed;
  guint64           from_seq;
  guint64           target;      /* the session's seq when started */
  guint64           seq;         /* applied up to here */
  TandemProject    *project;
  GQueue            queue;       /* JsonObject batches fetched, not yet applied */
  gboolean          fetching;
  gboolean          running;
  gint64            last_time;   /* server time of the last batch applied */
  gint64            due_us;      /* when the next batch is due */
  gint64            retry_us;    /* rate-limited: fetch again not before */
  guint             tick_id;
};

G_DEFINE_FINAL_TYPE (TandemHistoryReplay, tandem_history_replay, G_TYPE_OBJECT)

enum {
  STARTED,
  FINISHED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
finish (TandemHistoryReplay *self,
        const GError        *error)
{
  if (!self->running)
    return;
  self->running = FALSE;
  g_clear_handle_id (&self->tick_id, g_source_remove);
  g_signal_emit (self, signals[FINISHED], 0, error);
}

static void fetch_more (TandemHistoryReplay *self);

static gboolean
tick_cb (gpointer data)
{
  TandemHistoryReplay *self = data;
  gint64 now = g_get_monotonic_time ();
  JsonObject *batch;

  /* Every batch that is due by now, then wait for the next. */
  while ((batch = g_queue_peek_head (&self->queue)) && now >= self->due_us)
    {
      g_autoptr(TandemOp) op = tandem_op_new_batch ();
      g_autoptr(GError) error = NULL;
      JsonArray *ops = json_object_get_array_member (batch, "ops");
      gint64 time = json_object_get_int_member_with_default (batch, "time", 0);
      gint64 next_time;
      JsonObject *next;

      for (guint i = 0; ops && i < json_array_get_length (ops); i++)
        {
          g_autoptr(TandemOp) child = tandem_op_from_json (json_array_get_element (ops, i), &error);
          TandemOp *kept;

          if (child == NULL)
            break;
          if ((kept = tandem_op_strip_transport (child)) != NULL)
            tandem_op_batch_add (op, kept);
        }
      if (error == NULL)
        tandem_project_apply (self->project, op, NULL, &error);
      if (error != NULL)
        {
          self->tick_id = 0;
          finish (self, error);
          return G_SOURCE_REMOVE;
        }
      self->seq = json_object_get_int_member (batch, "seq");
      self->last_time = time;
      json_object_unref (g_queue_pop_head (&self->queue));
      if (self->seq >= self->target)
        {
          self->tick_id = 0;
          finish (self, NULL);
          return G_SOURCE_REMOVE;
        }
      next = g_queue_peek_head (&self->queue);
      next_time = next ? json_object_get_int_member_with_default (next, "time", 0) : time;
      self->due_us = now + (gint64) (CLAMP (next_time - time, 0, MAX_PAUSE_MS) * 1000 / self->speed);
    }
  if (g_queue_get_length (&self->queue) < PAGE / 4)
    fetch_more (self);
  return G_SOURCE_CONTINUE;
}

static void
batches_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      data)
{
  g_autoptr(TandemHistoryReplay) self = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonArray) batches = tandem_sync_client_history_batches_finish (TANDEM_SYNC_CLIENT (source),
                                                                             result, &error);

  self->fetching = FALSE;
  if (!self->running)
    return;
  if (batches == NULL)
    {
      /* The history budget is per client: a full page waits its turn. */
      if (g_str_has_prefix (error->message, TANDEM_CODE_RATE_LIMITED))
        {
          self->retry_us = g_get_monotonic_time () + 600 * 1000;
          return;
        }
      finish (self, error);
      return;
    }
  for (guint i = 0; i < json_array_get_length (batches); i++)
    g_queue_push_tail (&self->queue, json_object_ref (json_array_get_object_element (batches, i)));
}

static void
fetch_more (TandemHistoryReplay *self)
{
  JsonObject *last = g_queue_peek_tail (&self->queue);
  guint64 after = last ? (guint64) json_object_get_int_member (last, "seq") : self->seq;

  if (self->fetching || after >= self->target || g_get_monotonic_time () < self->retry_us)
    return;
  self->fetching = TRUE;
  tandem_sync_client_history_batches_async (self->client, after, PAGE, self->cancellable,
                                            batches_cb, g_object_ref (self));
}

static void
project_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      data)
{
  g_autoptr(TandemHistoryReplay) self = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(TandemProject) project = tandem_sync_client_history_project_finish (TANDEM_SYNC_CLIENT (source),
                                                                                result, &error);

  if (!self->running)
    return;
  if (project == NULL)
    {
      finish (self, error);
      return;
    }
  g_set_object (&self->project, project);
  self->seq = self->from_seq;
  self->due_us = g_get_monotonic_time ();
  g_signal_emit (self, signals[STARTED], 0, self->project);
  if (self->seq >= self->target)
    {
      finish (self, NULL);
      return;
    }
  fetch_more (self);
  self->tick_id = g_timeout_add (TICK_MS, tick_cb, self);
}

void
tandem_history_replay_start (TandemHistoryReplay *self)
{
  g_return_if_fail (TANDEM_IS_HISTORY_REPLAY (self));
  g_return_if_fail (!self->running);
  self->running = TRUE;
  self->target = tandem_sync_client_get_seq (self->client);
  tandem_sync_client_history_project_async (self->client, self->from_seq, self->cancellable,
                                            project_cb, g_object_ref (self));
}

void
tandem_history_replay_stop (TandemHistoryReplay *self)
{
  g_return_if_fail (TANDEM_IS_HISTORY_REPLAY (self));
  g_cancellable_cancel (self->cancellable);
  finish (self, NULL);
}

TandemProject *
tandem_history_replay_get_project (TandemHistoryReplay *self)
{
  g_return_val_if_fail (TANDEM_IS_HISTORY_REPLAY (self), NULL);
  return self->project;
}

guint64
tandem_history_replay_get_seq (TandemHistoryReplay *self)
{
  g_return_val_if_fail (TANDEM_IS_HISTORY_REPLAY (self), 0);
  return self->seq;
}

gboolean
tandem_history_replay_is_running (TandemHistoryReplay *self)
{
  g_return_val_if_fail (TANDEM_IS_HISTORY_REPLAY (self), FALSE);
  return self->running;
}

static void
tandem_history_replay_dispose (GObject *object)
{
  TandemHistoryReplay *self = TANDEM_HISTORY_REPLAY (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->tick_id, g_source_remove);
  g_queue_clear_full (&self->queue, (GDestroyNotify) json_object_unref);
  g_clear_object (&self->project);
  g_clear_object (&self->client);
  g_clear_object (&self->cancellable);
  G_OBJECT_CLASS (tandem_history_replay_parent_class)->dispose (object);
}

static void
tandem_history_replay_class_init (TandemHistoryReplayClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = tandem_history_replay_dispose;

  /**
   * TandemHistoryReplay::started:
   * @project: the detached project being rebuilt
   */
  signals[STARTED] =
    g_signal_new ("started", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, TANDEM_TYPE_PROJECT);
  /**
   * TandemHistoryReplay::finished:
   * @error: (nullable): why it stopped early
   */
  signals[FINISHED] =
    g_signal_new ("finished", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_ERROR);
}

static void
tandem_history_replay_init (TandemHistoryReplay *self)
{
  self->cancellable = g_cancellable_new ();
  g_queue_init (&self->queue);
}

TandemHistoryReplay *
tandem_history_replay_new (TandemSyncClient *client,
                           guint64           from_seq,
                           double            speed)
{
  TandemHistoryReplay *self;

  g_return_val_if_fail (TANDEM_IS_SYNC_CLIENT (client), NULL);
  self = g_object_new (TANDEM_TYPE_HISTORY_REPLAY, NULL);
  self->client = g_object_ref (client);
  self->from_seq = from_seq;
  self->speed = CLAMP (speed, 1, 64);
  return self;
}
