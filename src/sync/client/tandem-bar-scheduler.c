/* tandem-bar-scheduler.c — sending generated changes in halves around bar boundaries
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-sync"

#include "config.h"

#include <math.h>

#include "tandem-bar-scheduler.h"
#include "tandem-transport.h"

#define TICK_MS 5

struct _TandemBarScheduler
{
  TandemProject        *project;
  TandemSyncClient     *client;
  char                 *pattern_id;
  guint                 every_bars;
  TandemBarProduceFunc  produce;
  gpointer              user_data;
  GDestroyNotify        destroy;

  guint                 tick_id;
  guint                 index;
  guint                 n_done;
  guint64               boundary_step; /* 0: none chosen */
  TandemOp             *second_half;   /* sent at the boundary */
  gint64                last_first, last_second, last_boundary;
};

static void
send_op (TandemBarScheduler *self,
         TandemOp           *op)
{
  g_autoptr(GError) error = NULL;

  if (tandem_op_batch_get_n_ops (op) == 0)
    return;
  if (self->client != NULL)
    tandem_sync_client_submit (self->client, op, &error);
  else
    tandem_project_apply (self->project, op, NULL, &error);
  if (error != NULL)
    g_debug ("A scheduled change did not apply: %s", error->message);
}

static double
step_us (TandemProject *project)
{
  return 60e6 / (tandem_project_get_tempo (project)
                 * tandem_project_get_steps_per_beat (project));
}

/* Splits @op's children into the two halves for a boundary at pattern step @p0. */
static void
split (TandemOp  *op,
       guint      p0,
       guint      length,
       TandemOp  *first,
       TandemOp  *second)
{
  for (guint i = 0; i < tandem_op_batch_get_n_ops (op); i++)
    {
      TandemOp *child = tandem_op_batch_get_op (op, i);

      if (tandem_op_get_kind (child) == TANDEM_OP_SET
          && tandem_op_get_entity (child) == TANDEM_ENTITY_CELL
          && (tandem_op_get_step (child) + length - p0) % length >= (length + 1) / 2)
        tandem_op_batch_add (second, tandem_op_ref (child));
      else
        tandem_op_batch_add (first, tandem_op_ref (child));
    }
}

static void
send_second_half (TandemBarScheduler *self,
                  gint64              now)
{
  g_autoptr(TandemOp) op = g_steal_pointer (&self->second_half);

  send_op (self, op);
  self->last_second = now;
  self->n_done++;
}

static gboolean
tick (gpointer data)
{
  TandemBarScheduler *self = data;
  TandemPattern *pattern = tandem_project_find_pattern (self->project, self->pattern_id);
  guint64 per_bar, every, anchor_step;
  gint64 now, lead, boundary_time;
  double dur, pos;
  guint length;

  if (pattern == NULL)
    {
      tandem_bar_scheduler_stop (self);
      return G_SOURCE_REMOVE;
    }
  now = tandem_transport_session_now (self->client);
  if (self->second_half != NULL)
    {
      if (now >= self->last_boundary)
        send_second_half (self, now);
      return G_SOURCE_CONTINUE;
    }
  if (!tandem_project_get_playing (self->project)
      || tandem_project_get_anchor_time (self->project) == 0)
    {
      self->boundary_step = 0;
      return G_SOURCE_CONTINUE;
    }

  dur = step_us (self->project);
  length = tandem_pattern_get_length (pattern);
  per_bar = (guint64) tandem_project_get_steps_per_beat (self->project)
            * tandem_project_get_beats_per_bar (self->project);
  every = per_bar * self->every_bars;
  lead = MIN (tandem_transport_session_lead (self->client), (gint64) (dur * length / 4));
  anchor_step = tandem_project_get_anchor_step (self->project);
  pos = (double) anchor_step + ((double) now - (double) tandem_project_get_anchor_time (
                                  self->project)) / dur;

  /* The next boundary still a lead away (re-chosen when the tempo moved it). */
  if (self->boundary_step == 0
      || tandem_transport_step_begins_at (self->project, self->boundary_step) - lead < now - dur)
    {
      double from = MAX (pos, (double) anchor_step) + (double) lead / dur;

      self->boundary_step = ((guint64) ceil (from / every)) * every;
      if (self->boundary_step == 0)
        self->boundary_step = every;
    }
  boundary_time = (gint64) llround (tandem_transport_step_begins_at (self->project,
                                                                     self->boundary_step));
  if (now < boundary_time - lead)
    return G_SOURCE_CONTINUE;

  {
    g_autoptr(TandemOp) full = self->produce (self->project, self->index, self->boundary_step,
                                              self->user_data);
    g_autoptr(TandemOp) first = NULL;
    guint p0;

    if (full == NULL)
      {
        tandem_bar_scheduler_stop (self);
        return G_SOURCE_REMOVE;
      }
    /* Which pattern step plays at the boundary: the grid counts from the anchor. */
    p0 = (guint) (self->boundary_step % length);
    first = tandem_op_new_batch ();
    self->second_half = tandem_op_new_batch ();
    if (tandem_op_get_kind (full) == TANDEM_OP_BATCH)
      split (full, p0, length, first, self->second_half);
    else
      tandem_op_batch_add (first, tandem_op_ref (full));
    send_op (self, first);
    self->last_first = now;
    self->last_boundary = boundary_time;
    self->index++;
    self->boundary_step += every;
  }
  return G_SOURCE_CONTINUE;
}

TandemBarScheduler *
tandem_bar_scheduler_new (TandemProject        *project,
                          TandemSyncClient     *client,
                          const char           *pattern_id,
                          guint                 every_bars,
                          TandemBarProduceFunc  produce,
                          gpointer              user_data,
                          GDestroyNotify        destroy)
{
  TandemBarScheduler *self;

  g_return_val_if_fail (TANDEM_IS_PROJECT (project), NULL);
  g_return_val_if_fail (client == NULL || TANDEM_IS_SYNC_CLIENT (client), NULL);
  g_return_val_if_fail (pattern_id != NULL && produce != NULL, NULL);

  self = g_new0 (TandemBarScheduler, 1);
  self->project = g_object_ref (project);
  self->client = client != NULL ? g_object_ref (client) : NULL;
  self->pattern_id = g_strdup (pattern_id);
  self->every_bars = MAX (every_bars, 1);
  self->produce = produce;
  self->user_data = user_data;
  self->destroy = destroy;
  self->tick_id = g_timeout_add (TICK_MS, tick, self);
  return self;
}

void
tandem_bar_scheduler_stop (TandemBarScheduler *self)
{
  g_return_if_fail (self != NULL);

  if (self->second_half != NULL)
    send_second_half (self, tandem_transport_session_now (self->client));
  g_clear_handle_id (&self->tick_id, g_source_remove);
}

gboolean
tandem_bar_scheduler_is_running (TandemBarScheduler *self)
{
  return self->tick_id != 0;
}

guint
tandem_bar_scheduler_get_n_done (TandemBarScheduler *self)
{
  return self->n_done;
}

void
tandem_bar_scheduler_get_last_times (TandemBarScheduler *self,
                                     gint64             *first_half,
                                     gint64             *second_half,
                                     gint64             *boundary)
{
  *first_half = self->last_first;
  *second_half = self->last_second;
  *boundary = self->last_boundary;
}

void
tandem_bar_scheduler_free (TandemBarScheduler *self)
{
  if (self == NULL)
    return;
  g_clear_handle_id (&self->tick_id, g_source_remove);
  g_clear_pointer (&self->second_half, tandem_op_unref);
  if (self->destroy != NULL)
    self->destroy (self->user_data);
  g_clear_object (&self->project);
  g_clear_object (&self->client);
  g_free (self->pattern_id);
  g_free (self);
}
