/* tandem-rhythm-stream.c — rhythm variations sent bar after bar
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-sync"

#include "config.h"

#include "tandem-bar-scheduler.h"
#include "tandem-rhythm-stream.h"

#define POLL_MS 10

struct _TandemRhythmStream
{
  TandemBarScheduler         *scheduler;
  char                       *pattern_id;
  char                       *track_id;
  TandemRhythm               *base;
  guint                       total;
  guint                       reported;
  guint                       poll_id;
  TandemRhythmStreamProgress  progress;
  gpointer                    user_data;
};

static TandemOp *
produce (TandemProject *project,
         guint          index,
         guint64        bar_step,
         gpointer       data)
{
  TandemRhythmStream *self = data;
  g_autofree TandemRhythm *v = NULL;
  TandemPattern *pattern = tandem_project_find_pattern (project, self->pattern_id);

  if (index >= self->total || pattern == NULL
      || tandem_project_find_track (project, self->track_id) == NULL)
    return NULL;
  v = g_new (TandemRhythm, 1);
  tandem_rhythm_variation (self->base, index, v);
  return tandem_generate_op_rhythm (project, pattern, self->track_id, v);
}

/* Progress counts variations that are whole on the pattern (both halves sent). */
static gboolean
poll_progress (gpointer data)
{
  TandemRhythmStream *self = data;
  guint done = tandem_bar_scheduler_get_n_done (self->scheduler);

  if (done != self->reported)
    {
      self->reported = done;
      if (self->progress != NULL)
        self->progress (self, done, self->total, self->user_data);
    }
  if (!tandem_bar_scheduler_is_running (self->scheduler))
    {
      self->poll_id = 0;
      return G_SOURCE_REMOVE;
    }
  return G_SOURCE_CONTINUE;
}

TandemRhythmStream *
tandem_rhythm_stream_new (TandemProject              *project,
                          TandemSyncClient           *client,
                          const char                 *pattern_id,
                          const char                 *track_id,
                          const TandemRhythm         *base,
                          guint                       n_variations,
                          guint                       every_bars,
                          TandemRhythmStreamProgress  progress,
                          gpointer                    user_data)
{
  TandemRhythmStream *self;

  g_return_val_if_fail (TANDEM_IS_PROJECT (project), NULL);
  g_return_val_if_fail (pattern_id != NULL && track_id != NULL && base != NULL, NULL);

  self = g_new0 (TandemRhythmStream, 1);
  self->pattern_id = g_strdup (pattern_id);
  self->track_id = g_strdup (track_id);
  self->base = g_memdup2 (base, sizeof *base);
  self->total = n_variations;
  self->progress = progress;
  self->user_data = user_data;
  self->scheduler = tandem_bar_scheduler_new (project, client, pattern_id, every_bars, produce,
                                              self, NULL);
  self->poll_id = g_timeout_add (POLL_MS, poll_progress, self);
  return self;
}

void
tandem_rhythm_stream_stop (TandemRhythmStream *self)
{
  g_return_if_fail (self != NULL);

  tandem_bar_scheduler_stop (self->scheduler);
  if (self->poll_id != 0)
    {
      g_clear_handle_id (&self->poll_id, g_source_remove);
      self->poll_id = g_timeout_add (POLL_MS, poll_progress, self);
    }
}

gboolean
tandem_rhythm_stream_is_running (TandemRhythmStream *self)
{
  return tandem_bar_scheduler_is_running (self->scheduler);
}

guint
tandem_rhythm_stream_get_n_done (TandemRhythmStream *self)
{
  return tandem_bar_scheduler_get_n_done (self->scheduler);
}

void
tandem_rhythm_stream_free (TandemRhythmStream *self)
{
  if (self == NULL)
    return;
  g_clear_handle_id (&self->poll_id, g_source_remove);
  g_clear_pointer (&self->scheduler, tandem_bar_scheduler_free);
  g_free (self->pattern_id);
  g_free (self->track_id);
  g_free (self->base);
  g_free (self);
}
