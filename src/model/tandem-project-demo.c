/* tandem-project-demo.c — the beat a new project starts with
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-model"

#include "config.h"

#include "tandem-model-private.h"

typedef struct
{
  const char   *name;
  const char   *color;
  const char   *instrument;
  double        volume;
  double        pan;
  /* velocity per step of the 16-step bar; 0 = off */
  const guint8  velocity[16];
  /* probability per step; 0 here means the default 100 % */
  const guint8  probability[16];
} DemoTrack;

/* A laid-back groove: kick on 1, the "and" of 2 and on 3; snare on 2 and 4
 * with a ghost note that plays half the time; accented eighth hats and an
 * open hat on the last off-beat. */
static const DemoTrack demo_tracks[] = {
  { "Kick", "#e66100", "kick", 0.0, 0.0,
    { 120, 0, 0, 0, 0, 0, 96, 0, 112, 0, 0, 0, 0, 0, 0, 0 },
    { 0 } },
  { "Snare", "#3584e4", "snare", -2.0, 0.05,
    { 0, 0, 0, 0, 110, 0, 0, 0, 0, 0, 0, 0, 110, 0, 36, 0 },
    { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 50, 0 } },
  { "Hats", "#2ec27e", "hat-closed", -6.0, -0.2,
    { 92, 0, 54, 0, 84, 0, 54, 0, 92, 0, 54, 0, 84, 0, 0, 0 },
    { 0 } },
  { "Open Hat", "#9141ac", "hat-open", -8.0, 0.2,
    { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 80, 0 },
    { 0 } },
};

/**
 * tandem_project_new_demo:
 *
 * Returns: (transfer full): a project with a four-track drum beat in one
 *   16-step pattern, placed for four bars on the timeline
 */
TandemProject *
tandem_project_new_demo (void)
{
  TandemProject *self = tandem_project_new ();
  g_autofree char *pattern_id = tandem_id_new ();
  g_autofree char *clip_id = tandem_id_new ();
  g_autoptr(TandemPattern) pattern = NULL;
  g_autoptr(TandemClip) clip = NULL;

  g_free (self->name);
  self->name = g_strdup ("New Beat");
  self->tempo = 104.0;
  self->swing = 12.0;
  self->scale = TANDEM_SCALE_MINOR;
  self->key_root = 9; /* A minor */

  pattern = _tandem_pattern_new (pattern_id);
  g_free (pattern->name);
  pattern->name = g_strdup ("Pattern 1");
  pattern->length = 16;

  for (guint i = 0; i < G_N_ELEMENTS (demo_tracks); i++)
    {
      const DemoTrack *d = &demo_tracks[i];
      g_autofree char *track_id = tandem_id_new ();
      g_autoptr(TandemTrack) track = _tandem_track_new (track_id);
      TandemCell row[TANDEM_MAX_STEPS];

      g_free (track->name);
      track->name = g_strdup (d->name);
      g_free (track->color);
      track->color = g_strdup (d->color);
      g_free (track->instrument);
      track->instrument = g_strdup (d->instrument);
      track->volume = d->volume;
      track->pan = d->pan;

      for (guint s = 0; s < TANDEM_MAX_STEPS; s++)
        {
          row[s] = _tandem_cell_default;
          if (s < 16)
            {
              row[s].velocity = d->velocity[s];
              if (d->probability[s] != 0)
                row[s].probability = d->probability[s];
            }
        }
      _tandem_pattern_set_row (pattern, track_id, row, FALSE);

      g_hash_table_insert (self->track_by_id, track->id, track);
      g_list_store_append (self->tracks, track);
    }

  g_hash_table_insert (self->pattern_by_id, pattern->id, pattern);
  g_list_store_append (self->patterns, pattern);
  g_free (self->current_pattern);
  self->current_pattern = g_strdup (pattern_id);

  clip = _tandem_clip_new (clip_id);
  g_free (clip->pattern);
  clip->pattern = g_strdup (pattern_id);
  clip->start = 0;
  clip->length = 4;
  g_hash_table_insert (self->clip_by_id, clip->id, clip);
  g_list_store_append (self->clips, clip);

  self->loop_start = 0;
  self->loop_length = 4;

  return self;
}
