/* tandem-plan-compile.c — builds a render plan from a project (main thread)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-audio"

#include "config.h"

#include <string.h>

#include "tandem-drum-kit.h"
#include "tandem-dsp.h"
#include "tandem-plan-compile.h"

guint64
tandem_plan_track_uid (const char *track_id)
{
  guint64 h = 0xcbf29ce484222325ull;   /* FNV-1a */

  for (const guchar *p = (const guchar *) track_id; *p != '\0'; p++)
    h = (h ^ *p) * 0x100000001b3ull;
  return h;
}

static void
compile_tracks (TandemRenderPlan        *plan,
                GListModel              *tracks,
                const TandemPlanOptions *options)
{
  const TandemDrumKit *kit = tandem_drum_kit_get (plan->sample_rate);
  gboolean any_solo = FALSE;

  plan->n_tracks = g_list_model_get_n_items (tracks);
  plan->tracks = g_new0 (TandemPlanTrack, MAX (plan->n_tracks, 1));

  for (guint i = 0; i < plan->n_tracks; i++)
    {
      g_autoptr(TandemTrack) track = g_list_model_get_item (tracks, i);
      any_solo |= tandem_track_get_solo (track);
    }

  for (guint i = 0; i < plan->n_tracks; i++)
    {
      g_autoptr(TandemTrack) track = g_list_model_get_item (tracks, i);
      TandemPlanTrack *pt = &plan->tracks[i];
      const char *instrument = tandem_track_get_instrument (track);
      gboolean audible = !tandem_track_get_mute (track) && (!any_solo || tandem_track_get_solo (track));

      pt->uid = tandem_plan_track_uid (tandem_track_get_id (track));
      pt->kind = tandem_voice_kind_from_instrument (instrument);
      pt->gain = audible ? (float) tandem_db_to_gain (tandem_track_get_volume (track)) : 0.0f;
      tandem_pan_gains (tandem_track_get_pan (track), &pt->pan_left, &pt->pan_right);
      if (pt->kind >= TANDEM_VOICE_KICK && pt->kind <= TANDEM_VOICE_RIM)
        {
          pt->shot = kit->frames[pt->kind];
          pt->shot_len = kit->n_frames[pt->kind];
        }
      if (pt->kind == TANDEM_VOICE_SAMPLE && options->lookup != NULL)
        {
          const char *hash = tandem_instrument_get_sample (instrument);
          TandemSample *sample = hash != NULL ? options->lookup (hash, options->lookup_data) : NULL;

          if (sample != NULL && sample->rate == plan->sample_rate)
            pt->sample = tandem_sample_ref (sample);
        }
    }
}

static void
compile_patterns (TandemRenderPlan *plan,
                  TandemProject    *project,
                  GHashTable       *pattern_index)
{
  GListModel *patterns = tandem_project_get_patterns (project);
  GListModel *tracks = tandem_project_get_tracks (project);

  plan->n_patterns = g_list_model_get_n_items (patterns);
  plan->patterns = g_new0 (TandemPlanPattern, MAX (plan->n_patterns, 1));

  for (guint p = 0; p < plan->n_patterns; p++)
    {
      g_autoptr(TandemPattern) pattern = g_list_model_get_item (patterns, p);
      TandemPlanPattern *pp = &plan->patterns[p];

      pp->length = CLAMP (tandem_pattern_get_length (pattern), 1, TANDEM_MAX_STEPS);
      pp->cells = g_new0 (TandemCell, (gsize) MAX (plan->n_tracks, 1) * TANDEM_MAX_STEPS);
      for (guint t = 0; t < plan->n_tracks; t++)
        {
          g_autoptr(TandemTrack) track = g_list_model_get_item (tracks, t);
          const TandemCell *row = tandem_pattern_get_row (pattern, tandem_track_get_id (track));

          if (row != NULL)
            memcpy (&pp->cells[(gsize) t * TANDEM_MAX_STEPS], row, TANDEM_MAX_STEPS * sizeof (TandemCell));
        }
      g_hash_table_insert (pattern_index, (gpointer) tandem_pattern_get_id (pattern), GUINT_TO_POINTER (p));
    }

  if (plan->n_patterns == 0)
    {
      /* A project always has a pattern; an empty plan still needs one to loop. */
      plan->n_patterns = 1;
      plan->patterns[0].length = 16;
      plan->patterns[0].cells = g_new0 (TandemCell, (gsize) MAX (plan->n_tracks, 1) * TANDEM_MAX_STEPS);
    }
}

static void
compile_clips (TandemRenderPlan *plan,
               TandemProject    *project,
               GHashTable       *pattern_index)
{
  GListModel *clips = tandem_project_get_clips (project);
  guint n = g_list_model_get_n_items (clips);

  plan->clips = g_new0 (TandemPlanClip, MAX (n, 1));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(TandemClip) clip = g_list_model_get_item (clips, i);
      gpointer index;
      TandemPlanClip *pc;

      if (!g_hash_table_lookup_extended (pattern_index, tandem_clip_get_pattern (clip), NULL, &index))
        continue;
      pc = &plan->clips[plan->n_clips++];
      pc->pattern = GPOINTER_TO_UINT (index);
      pc->start_step = (guint64) tandem_clip_get_start (clip) * plan->steps_per_bar;
      pc->end_step = pc->start_step + (guint64) tandem_clip_get_length (clip) * plan->steps_per_bar;
      plan->song_end_step = MAX (plan->song_end_step, pc->end_step);
    }
}

TandemRenderPlan *
tandem_plan_compile (TandemProject           *project,
                     const TandemPlanOptions *options)
{
  g_autoptr(GHashTable) pattern_index = g_hash_table_new (g_str_hash, g_str_equal);
  TandemRenderPlan *plan;
  const guint8 *intervals = NULL;
  guint steps_per_beat;
  const char *current_id;
  gpointer current;

  g_return_val_if_fail (TANDEM_IS_PROJECT (project), NULL);
  g_return_val_if_fail (options != NULL && options->sample_rate > 0, NULL);

  plan = g_new0 (TandemRenderPlan, 1);
  plan->sample_rate = options->sample_rate;
  steps_per_beat = MAX (tandem_project_get_steps_per_beat (project), 1);
  plan->steps_per_bar = steps_per_beat * MAX (tandem_project_get_beats_per_bar (project), 1);
  plan->step_frames = tandem_plan_step_frames (plan->sample_rate,
                                               CLAMP (tandem_project_get_tempo (project),
                                                      TANDEM_TEMPO_MIN, TANDEM_TEMPO_MAX),
                                               steps_per_beat);
  plan->swing_frames = tandem_plan_swing_frames (plan->step_frames, tandem_project_get_swing (project));
  plan->master_gain = (float) tandem_db_to_gain (tandem_project_get_master_volume (project));
  plan->key_root = (int) tandem_project_get_key_root (project) % 12;
  plan->n_degrees = tandem_scale_get_intervals (tandem_project_get_scale (project), &intervals);
  plan->n_degrees = MIN (plan->n_degrees, G_N_ELEMENTS (plan->intervals));
  if (intervals != NULL)
    memcpy (plan->intervals, intervals, plan->n_degrees);

  compile_tracks (plan, tandem_project_get_tracks (project), options);
  compile_patterns (plan, project, pattern_index);
  compile_clips (plan, project, pattern_index);

  plan->playing = options->force_playing || tandem_project_get_playing (project);
  plan->play_mode = options->force_song ? TANDEM_PLAY_MODE_SONG : tandem_project_get_play_mode (project);
  /* An empty arrangement has nothing to play: loop the current pattern instead. */
  if (plan->n_clips == 0)
    plan->play_mode = TANDEM_PLAY_MODE_PATTERN;
  current_id = tandem_project_get_current_pattern (project);
  if (current_id != NULL && g_hash_table_lookup_extended (pattern_index, current_id, NULL, &current))
    plan->current_pattern = GPOINTER_TO_UINT (current);

  if (!options->force_song && tandem_project_get_loop_enabled (project)
      && tandem_project_get_loop_length (project) > 0)
    {
      plan->loop = TRUE;
      plan->loop_start_step = (guint64) tandem_project_get_loop_start (project) * plan->steps_per_bar;
      plan->loop_end_step = plan->loop_start_step
                            + (guint64) tandem_project_get_loop_length (project) * plan->steps_per_bar;
    }
  return plan;
}
