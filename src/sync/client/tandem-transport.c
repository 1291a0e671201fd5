/* tandem-transport.c — the ops that start, retime and stop the shared transport
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-sync"

#include "config.h"

#include <math.h>

#include "tandem-transport.h"

static double
step_us (TandemProject *project)
{
  return 60.0e6 / (tandem_project_get_tempo (project)
                   * tandem_project_get_steps_per_beat (project));
}

static guint
steps_per_bar (TandemProject *project)
{
  return tandem_project_get_steps_per_beat (project) * tandem_project_get_beats_per_bar (project);
}

gint64
tandem_transport_lead_time (gint64 max_rtt_us)
{
  return TANDEM_TRANSPORT_MIN_LEAD_US + 2 * MAX (max_rtt_us, 0);
}

double
tandem_transport_step_begins_at (TandemProject *project,
                                 guint64        step)
{
  g_return_val_if_fail (TANDEM_IS_PROJECT (project), 0.0);

  return (double) tandem_project_get_anchor_time (project)
         + ((double) step - (double) tandem_project_get_anchor_step (project)) * step_us (project);
}

static void
add_anchor (TandemOp *batch,
            gint64    time,
            guint64   step)
{
  tandem_op_batch_add (batch, tandem_op_new_set_int (TANDEM_ENTITY_PROJECT, NULL, "anchor-time",
                                                     CLAMP (time, 1, (gint64) TANDEM_MAX_ANCHOR)));
  tandem_op_batch_add (batch, tandem_op_new_set_int (TANDEM_ENTITY_PROJECT, NULL, "anchor-step",
                                                     (gint64) MIN (step, TANDEM_MAX_ANCHOR)));
}

TandemOp *
tandem_transport_op_start (TandemProject *project,
                           gint64         session_now,
                           gint64         lead_us,
                           guint64        from_step)
{
  TandemOp *batch;
  double bar_us, at;

  g_return_val_if_fail (TANDEM_IS_PROJECT (project), NULL);

  /* Bars of the session clock itself, so that starts line up with each
   * other; the count-in is the wait until then. */
  bar_us = step_us (project) * steps_per_bar (project);
  at = ceil ((double) (session_now + lead_us) / bar_us) * bar_us;
  batch = tandem_op_new_batch ();
  add_anchor (batch, (gint64) llround (at), from_step);
  tandem_op_batch_add (batch, tandem_op_new_set_boolean (TANDEM_ENTITY_PROJECT, NULL,
                                                         "playing", TRUE));
  return batch;
}

TandemOp *
tandem_transport_op_tempo (TandemProject *project,
                           gint64         session_now,
                           gint64         lead_us,
                           double         tempo)
{
  TandemOp *batch;
  gint64 anchor_time, due;
  guint64 anchor_step, step, bar;
  double pos;

  g_return_val_if_fail (TANDEM_IS_PROJECT (project), NULL);

  anchor_time = (gint64) tandem_project_get_anchor_time (project);
  if (!tandem_project_get_playing (project) || anchor_time == 0)
    return tandem_op_new_set_double (TANDEM_ENTITY_PROJECT, NULL, "tempo", tempo);

  anchor_step = tandem_project_get_anchor_step (project);
  due = session_now + lead_us;
  if (due <= anchor_time)
    step = anchor_step;    /* not started yet: the start keeps its time */
  else
    {
      bar = steps_per_bar (project);
      pos = (double) anchor_step + (double) (due - anchor_time) / step_us (project);
      step = (guint64) ceil (pos - 1e-6);
      step = (step + bar - 1) / bar * bar;
    }
  batch = tandem_op_new_batch ();
  add_anchor (batch, (gint64) llround (tandem_transport_step_begins_at (project, step)), step);
  tandem_op_batch_add (batch, tandem_op_new_set_double (TANDEM_ENTITY_PROJECT, NULL,
                                                        "tempo", tempo));
  return batch;
}

/* A moment after now, so that the engine has compiled the other project's
 * plan before the step it joins on begins: short enough not to be heard as
 * a gap, long enough for a plan (a few ms even for big projects). */
#define FOLLOW_MARGIN_US (40 * G_TIME_SPAN_MILLISECOND)

TandemOp *
tandem_transport_op_follow (TandemProject *project,
                            TandemProject *leader,
                            gint64         session_now)
{
  TandemOp *batch;
  double from, step;

  g_return_val_if_fail (TANDEM_IS_PROJECT (project), NULL);
  g_return_val_if_fail (TANDEM_IS_PROJECT (leader), NULL);

  if (!tandem_project_get_playing (leader))
    return tandem_transport_op_stop ();

  /* The first of the leader's steps still to come; during a count-in,
   * the leader's own anchor. */
  from = (double) tandem_project_get_anchor_step (leader)
         + ((double) (session_now + FOLLOW_MARGIN_US)
            - (double) tandem_project_get_anchor_time (leader)) / step_us (leader);
  step = MAX (ceil (from), (double) tandem_project_get_anchor_step (leader));
  step = MIN (step, (double) TANDEM_MAX_ANCHOR);

  batch = tandem_op_new_batch ();
  add_anchor (batch, (gint64) llround (tandem_transport_step_begins_at (leader, (guint64) step)),
              (guint64) step);
  tandem_op_batch_add (batch, tandem_op_new_set_boolean (TANDEM_ENTITY_PROJECT, NULL,
                                                         "playing", TRUE));
  return batch;
}

TandemOp *
tandem_transport_op_stop (void)
{
  return tandem_op_new_set_boolean (TANDEM_ENTITY_PROJECT, NULL, "playing", FALSE);
}

guint64
tandem_transport_start_step (TandemProject *project,
                             guint          bar)
{
  GListModel *clips;
  guint64 per_bar, song_end = 0, first_wrap, wrap_to, step;
  gboolean any = FALSE;

  g_return_val_if_fail (TANDEM_IS_PROJECT (project), 0);

  if (tandem_project_get_play_mode (project) != TANDEM_PLAY_MODE_SONG)
    return 0;

  /* The song end as the audio plan sees it (clips of known patterns), and
   * where its position first wraps: the sequence position of grid step g is
   * g itself up to there (src/audio/tandem-transport-clock.c), so an anchor
   * step before it plays that very bar. */
  per_bar = steps_per_bar (project);
  clips = tandem_project_get_clips (project);
  for (guint i = 0; i < g_list_model_get_n_items (clips); i++)
    {
      g_autoptr(TandemClip) clip = g_list_model_get_item (clips, i);

      if (tandem_project_find_pattern (project, tandem_clip_get_pattern (clip)) == NULL)
        continue;
      any = TRUE;
      song_end = MAX (song_end, (guint64) (tandem_clip_get_start (clip)
                                           + tandem_clip_get_length (clip)) * per_bar);
    }
  if (!any)
    return 0;

  if (tandem_project_get_loop_enabled (project) && tandem_project_get_loop_length (project) > 0)
    {
      wrap_to = (guint64) tandem_project_get_loop_start (project) * per_bar;
      first_wrap = wrap_to + (guint64) tandem_project_get_loop_length (project) * per_bar;
    }
  else
    {
      wrap_to = 0;
      first_wrap = song_end;
    }
  step = (guint64) bar * per_bar;
  return step < first_wrap ? step : wrap_to;
}

static gboolean
client_is_live (TandemSyncClient *client)
{
  return client != NULL && tandem_sync_client_get_state (client) == TANDEM_SYNC_STATE_LIVE
         && tandem_sync_client_get_clock_samples (client) > 0;
}

static gboolean
client_has_clock (TandemSyncClient *client)
{
  return client != NULL && tandem_sync_client_get_clock_samples (client) > 0;
}

gint64
tandem_transport_session_now (TandemSyncClient *client)
{
  return client_has_clock (client) ? tandem_sync_client_get_session_time (client)
                                   : g_get_monotonic_time ();
}

gint64
tandem_transport_clock_offset (TandemSyncClient *client)
{
  return client_has_clock (client) ? tandem_sync_client_get_clock_offset (client) : 0;
}

gboolean
tandem_transport_session_ready (TandemSyncClient *client)
{
  return client == NULL || tandem_sync_client_get_state (client) == TANDEM_SYNC_STATE_OFFLINE
         || client_is_live (client);
}

gint64
tandem_transport_session_lead (TandemSyncClient *client)
{
  GListModel *people;
  gint64 rtt;

  if (!client_is_live (client))
    return tandem_transport_lead_time (0);
  rtt = tandem_sync_client_get_typical_rtt (client);
  people = tandem_sync_client_get_participants (client);
  for (guint i = 0; i < g_list_model_get_n_items (people); i++)
    {
      g_autoptr(TandemParticipant) p = g_list_model_get_item (people, i);

      rtt = MAX (rtt, tandem_participant_get_rtt (p));
    }
  return tandem_transport_lead_time (rtt);
}
