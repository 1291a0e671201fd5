/* tandem-plan-compile.c — builds a render plan from a project (main thread)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The callback only reads per-step note lists: each pattern's steps, and the
 * song cut into segments at clip edges, each with the merged notes of the
 * clips that play there over one period (the least common multiple of their
 * pattern lengths). All of it is packed into one locked block.
 */
#define G_LOG_DOMAIN "tandem-audio"

#include "config.h"

#include <string.h>

#include "tandem-drum-kit.h"
#include "tandem-dsp.h"
#include "tandem-memlock.h"
#include "tandem-plan-compile.h"
#include "tandem-plan-layers.h"
#include "tandem-plan-harmony.h"

/* Notes a plan's merged song tables may hold (16 bytes each); a segment that
 * would go over lists its clips instead. */
#define SONG_EVENT_BUDGET (1u << 21)

guint64
tandem_plan_track_uid (const char *track_id)
{
  guint64 h = 0xcbf29ce484222325ull;   /* FNV-1a */

  for (const guchar *p = (const guchar *) track_id; *p != '\0'; p++)
    h = (h ^ *p) * 0x100000001b3ull;
  return h;
}

/* What compile builds before packing it into the plan's block. */
typedef struct
{
  GArray *tracks;      /* TandemPlanTrack */
  GArray *patterns;    /* TandemPlanPattern */
  GArray *clips;       /* TandemPlanClip */
  GArray *segments;    /* TandemPlanSequence */
  GArray *clip_refs;   /* guint32 */
  GArray *offsets;     /* guint32 */
  GArray *events;      /* TandemPlanEvent */
  GArray *layers;      /* TandemPlanLayers */
} Build;

static void
compile_tracks (TandemRenderPlan        *plan,
                Build                   *b,
                GListModel              *tracks,
                const TandemPlanOptions *options)
{
  guint n = g_list_model_get_n_items (tracks);
  gboolean any_solo = FALSE;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(TandemTrack) track = g_list_model_get_item (tracks, i);
      any_solo |= tandem_track_get_solo (track);
    }

  g_array_set_size (b->tracks, n);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(TandemTrack) track = g_list_model_get_item (tracks, i);
      TandemPlanTrack *pt = &g_array_index (b->tracks, TandemPlanTrack, i);
      const char *instrument = tandem_track_get_instrument (track);
      gboolean audible = !tandem_track_get_mute (track) && (!any_solo || tandem_track_get_solo (track));

      pt->uid = tandem_plan_track_uid (tandem_track_get_id (track));
      pt->kind = tandem_voice_kind_from_instrument (instrument);
      /* The drum's one-shots exist before any plan that plays them. */
      if (pt->kind >= TANDEM_VOICE_KICK && pt->kind <= TANDEM_VOICE_RIM)
        tandem_drum_kit_get (plan->sample_rate, pt->kind);
      pt->gain = audible ? (float) tandem_db_to_gain (tandem_track_get_volume (track)) : 0.0f;
      tandem_pan_gains (tandem_track_get_pan (track), &pt->pan_left, &pt->pan_right);
      tandem_balance_gains (tandem_track_get_pan (track), &pt->bal_left, &pt->bal_right);
      /* Kit choke groups come after the built-in hats' group 1. */
      if (tandem_track_get_choke_group (track) > 0)
        pt->choke_group = (guint8) (tandem_track_get_choke_group (track) + 1);
      else if (pt->kind == TANDEM_VOICE_HAT_CLOSED || pt->kind == TANDEM_VOICE_HAT_OPEN)
        pt->choke_group = 1;
      if (g_strcmp0 (instrument, TANDEM_INSTRUMENT_SAMPLER) == 0)
        {
          TandemPlanLayers layers;

          pt->kind = TANDEM_VOICE_SAMPLE;
          if (tandem_plan_layers_resolve (&layers, tandem_track_get_layers (track),
                                          plan->sample_rate, options))
            {
              g_array_append_val (b->layers, layers);
              pt->layers = b->layers->len;
            }
          else
            tandem_plan_layers_clear (&layers);
        }
      else if (pt->kind == TANDEM_VOICE_SAMPLE && options->lookup != NULL)
        {
          const char *hash = tandem_instrument_get_sample (instrument);
          TandemSample *sample = hash != NULL ? options->lookup (hash, options->lookup_data) : NULL;

          if (sample != NULL && sample->rate == plan->sample_rate)
            pt->sample = tandem_sample_ref (sample);
        }
    }
}

static gboolean
track_can_play (const TandemPlanTrack *track)
{
  return track->kind != TANDEM_VOICE_NONE
         && (track->kind != TANDEM_VOICE_SAMPLE || track->sample != NULL || track->layers != 0);
}

static guint8
choke_group_of (const TandemPlanTrack *track)
{
  /* The hats of a kit are one cymbal: either cuts the other short. */
  return track->choke_group;
}

/* Adds the chord-lane notes of @voicing at step @s; FALSE when the step has no
 * chord, so the cell plays as a scale degree. */
static gboolean
add_harmony_events (Build                   *b,
                    const TandemPlanHarmony *harmony,
                    const TandemPlanVoicing *voicing,
                    const TandemCell        *row,
                    guint                    length,
                    guint                    s,
                    guint                    t,
                    const TandemPlanTrack   *track)
{
  int notes[TANDEM_PLAN_MAX_CHORD_NOTES];
  const TandemCell *from = NULL;
  int n = tandem_plan_harmony_notes (harmony, voicing, row, length, s, notes, &from);

  if (n < 0)
    return FALSE;
  for (int i = 0; i < n; i++)
    {
      TandemPlanEvent e = { 0 };

      e.track = t;
      e.velocity = from->velocity;
      e.probability = MIN (from->probability, 100);
      e.note = (gint8) CLAMP (notes[i], G_MININT8, G_MAXINT8);
      e.chromatic = 1;
      e.choke_group = choke_group_of (track);
      g_array_append_val (b->events, e);
    }
  return TRUE;
}

static void
compile_patterns (TandemRenderPlan *plan,
                  Build            *b,
                  TandemProject    *project,
                  GHashTable       *pattern_index)
{
  GListModel *patterns = tandem_project_get_patterns (project);
  GListModel *tracks = tandem_project_get_tracks (project);
  guint n = g_list_model_get_n_items (patterns);
  guint n_tracks = b->tracks->len;
  g_autofree const TandemCell **rows = g_new0 (const TandemCell *, MAX (n_tracks, 1));
  g_autofree TandemPlanVoicing *voicings = g_new0 (TandemPlanVoicing, MAX (n_tracks, 1));
  g_autoptr(GPtrArray) track_ids = g_ptr_array_new ();
  g_autofree TandemPlanHarmony *harmony = g_new0 (TandemPlanHarmony, 1);

  for (guint t = 0; t < n_tracks; t++)
    {
      g_autoptr(TandemTrack) track = g_list_model_get_item (tracks, t);
      g_ptr_array_add (track_ids, (gpointer) tandem_track_get_id (track));
      voicings[t].harmony = tandem_track_get_harmony (track);
      voicings[t].arp = tandem_track_get_arp (track);
      voicings[t].arp_rate = tandem_track_get_arp_rate (track);
      voicings[t].uid = g_array_index (b->tracks, TandemPlanTrack, t).uid;
    }

  for (guint p = 0; p < MAX (n, 1); p++)
    {
      g_autoptr(TandemPattern) pattern = p < n ? g_list_model_get_item (patterns, p) : NULL;
      TandemPlanPattern pp = { 0 };

      /* A project always has a pattern; an empty plan still needs one to loop. */
      pp.length = pattern != NULL ? CLAMP (tandem_pattern_get_length (pattern), 1, TANDEM_MAX_STEPS) : 16;
      pp.notes.period = pp.length;
      pp.notes.end_step = G_MAXUINT64;
      pp.notes.first = b->offsets->len;
      for (guint t = 0; t < n_tracks; t++)
        rows[t] = pattern != NULL ? tandem_pattern_get_row (pattern, track_ids->pdata[t]) : NULL;
      tandem_plan_harmony_init (harmony, pattern != NULL ? tandem_pattern_get_chords (pattern) : "",
                                pattern != NULL
                                && tandem_pattern_get_chord_rate (pattern) == TANDEM_CHORD_RATE_BEAT,
                                tandem_project_get_steps_per_beat (project),
                                tandem_project_get_beats_per_bar (project),
                                tandem_project_get_scale (project),
                                tandem_project_get_seed (project));

      for (guint s = 0; s < pp.length; s++)
        {
          guint32 at = b->events->len;

          g_array_append_val (b->offsets, at);
          for (guint t = 0; t < n_tracks; t++)
            {
              const TandemPlanTrack *track = &g_array_index (b->tracks, TandemPlanTrack, t);
              const TandemCell *cell = rows[t] != NULL ? &rows[t][s] : NULL;
              TandemPlanEvent e = { 0 };

              /* Chord tracks: their notes come from the chord lane, several a step. */
              if (voicings[t].harmony != TANDEM_HARMONY_SCALE && track->kind == TANDEM_VOICE_SYNTH
                  && rows[t] != NULL && track_can_play (track)
                  && add_harmony_events (b, harmony, &voicings[t], rows[t], pp.length, s, t, track))
                continue;
              if (cell == NULL || cell->velocity == 0 || cell->probability == 0 || !track_can_play (track))
                continue;
              /* A sampler's note carries the very layer its velocity picks. */
              if (track->layers != 0)
                {
                  const TandemPlanLayers *layers =
                    &g_array_index (b->layers, TandemPlanLayers, track->layers - 1);

                  e.sample = layers->by_velocity[MIN (cell->velocity, 127)];
                  if (e.sample == NULL)
                    continue;
                }
              e.track = t;
              e.velocity = cell->velocity;
              e.probability = MIN (cell->probability, 100);
              e.note = cell->note;
              e.choke_group = choke_group_of (track);
              g_array_append_val (b->events, e);
            }
        }
      {
        guint32 end = b->events->len;
        g_array_append_val (b->offsets, end);
      }
      g_array_append_val (b->patterns, pp);
      if (pattern != NULL)
        g_hash_table_insert (pattern_index, (gpointer) tandem_pattern_get_id (pattern), GUINT_TO_POINTER (p));
    }
}

static guint64
gcd64 (guint64 a,
       guint64 b)
{
  while (b != 0)
    {
      guint64 t = a % b;
      a = b;
      b = t;
    }
  return a;
}

static int
guint64_cmp (gconstpointer a,
             gconstpointer b)
{
  guint64 x = *(const guint64 *) a, y = *(const guint64 *) b;

  return x < y ? -1 : x > y;
}

static int
clip_start_cmp (gconstpointer a,
                gconstpointer b,
                gpointer      user_data)
{
  const TandemPlanClip *clips = user_data;
  const TandemPlanClip *x = &clips[*(const guint32 *) a], *y = &clips[*(const guint32 *) b];

  if (x->start_step != y->start_step)
    return x->start_step < y->start_step ? -1 : 1;
  return (int) *(const guint32 *) a - (int) *(const guint32 *) b;
}

static int
guint32_cmp (gconstpointer a,
             gconstpointer b)
{
  guint32 x = *(const guint32 *) a, y = *(const guint32 *) b;

  return x < y ? -1 : x > y;
}

/* One segment [start, end) where the clips @active (ascending clip index,
 * so notes keep the arrangement's order) play. */
static void
compile_segment (Build         *b,
                 guint64        start,
                 guint64        end,
                 const guint32 *active,
                 guint          n_active,
                 guint         *budget)
{
  const TandemPlanClip *clips = (const TandemPlanClip *) b->clips->data;
  const TandemPlanPattern *patterns = (const TandemPlanPattern *) b->patterns->data;
  const guint32 *offsets = (const guint32 *) b->offsets->data;
  TandemPlanSequence seg = { start, end, 1, b->offsets->len, 0, 0 };
  guint64 period = 1, notes = 0;

  for (guint i = 0; i < n_active && period < end - start; i++)
    {
      guint64 len = patterns[clips[active[i]].pattern].length;
      period = period / gcd64 (period, len) * len;
    }
  period = MIN (period, end - start);
  for (guint i = 0; i < n_active; i++)
    {
      const TandemPlanPattern *p = &patterns[clips[active[i]].pattern];
      guint64 per_loop = offsets[p->notes.first + p->length] - offsets[p->notes.first];

      notes += per_loop * ((period + p->length - 1) / p->length);
    }

  if (notes + period > *budget)
    {
      /* Too large to merge (lengths that share no factor, over many bars):
       * the callback reads the clips' own pattern tables here. */
      seg.first_clip = b->clip_refs->len;
      seg.n_clips = n_active;
      g_array_append_vals (b->clip_refs, active, n_active);
      g_array_append_val (b->segments, seg);
      return;
    }
  *budget -= (guint) (notes + period);
  seg.period = (guint) period;
  for (guint64 o = 0; o < period; o++)
    {
      guint32 at = b->events->len;

      g_array_append_val (b->offsets, at);
      for (guint i = 0; i < n_active; i++)
        {
          const TandemPlanClip *clip = &clips[active[i]];
          const TandemPlanPattern *p = &patterns[clip->pattern];
          guint s = (guint) ((start + o - clip->start_step) % p->length);
          guint32 from = ((const guint32 *) b->offsets->data)[p->notes.first + s];
          guint32 to = ((const guint32 *) b->offsets->data)[p->notes.first + s + 1];

          for (guint32 e = from; e < to; e++)
            {
              TandemPlanEvent copy = g_array_index (b->events, TandemPlanEvent, e);
              g_array_append_val (b->events, copy);
            }
        }
    }
  {
    guint32 at = b->events->len;
    g_array_append_val (b->offsets, at);
  }
  g_array_append_val (b->segments, seg);
}

static void
compile_clips (TandemRenderPlan *plan,
               Build            *b,
               TandemProject    *project,
               GHashTable       *pattern_index)
{
  GListModel *clips = tandem_project_get_clips (project);
  guint n = g_list_model_get_n_items (clips);
  g_autoptr(GArray) edges = g_array_new (FALSE, FALSE, sizeof (guint64));
  g_autoptr(GArray) order = g_array_new (FALSE, FALSE, sizeof (guint32));
  g_autoptr(GArray) active = g_array_new (FALSE, FALSE, sizeof (guint32));
  guint budget = SONG_EVENT_BUDGET, next = 0;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(TandemClip) clip = g_list_model_get_item (clips, i);
      TandemPlanClip pc;
      gpointer index;

      if (!g_hash_table_lookup_extended (pattern_index, tandem_clip_get_pattern (clip), NULL, &index))
        continue;
      pc.pattern = GPOINTER_TO_UINT (index);
      pc.start_step = (guint64) tandem_clip_get_start (clip) * plan->steps_per_bar;
      pc.end_step = pc.start_step + (guint64) tandem_clip_get_length (clip) * plan->steps_per_bar;
      plan->song_end_step = MAX (plan->song_end_step, pc.end_step);
      g_array_append_val (b->clips, pc);
      g_array_append_val (edges, pc.start_step);
      g_array_append_val (edges, pc.end_step);
    }

  for (guint32 i = 0; i < b->clips->len; i++)
    g_array_append_val (order, i);
  g_array_sort_with_data (order, clip_start_cmp, b->clips->data);
  g_array_sort (edges, guint64_cmp);

  /* Sweep the edges: between two of them the same clips play. */
  for (guint e = 0; e + 1 < edges->len; e++)
    {
      guint64 from = g_array_index (edges, guint64, e), to = g_array_index (edges, guint64, e + 1);
      const TandemPlanClip *all = (const TandemPlanClip *) b->clips->data;

      if (from == to)
        continue;
      for (guint a = 0; a < active->len;)
        if (all[g_array_index (active, guint32, a)].end_step <= from)
          g_array_remove_index (active, a);
        else
          a++;
      while (next < order->len && all[g_array_index (order, guint32, next)].start_step <= from)
        {
          g_array_append_val (active, g_array_index (order, guint32, next));
          next++;
        }
      if (active->len == 0)
        continue;
      g_array_sort (active, guint32_cmp);
      compile_segment (b, from, to, (const guint32 *) active->data, active->len, &budget);
    }
}

static gsize
align16 (gsize n)
{
  return (n + 15) & ~(gsize) 15;
}

/* Moves everything the callback reads into one locked block. */
static void
pack (TandemRenderPlan *plan,
      Build            *b,
      gboolean          lock)
{
  guint uid_slots = 4;
  gsize size = 0, at = 0;
  guint8 *block;

  while (uid_slots < 2 * b->tracks->len)
    uid_slots *= 2;
#define ROOM(arr, type) size += align16 ((gsize) MAX ((arr)->len, 1) * sizeof (type))
  ROOM (b->tracks, TandemPlanTrack);
  ROOM (b->patterns, TandemPlanPattern);
  ROOM (b->clips, TandemPlanClip);
  ROOM (b->segments, TandemPlanSequence);
  ROOM (b->clip_refs, guint32);
  ROOM (b->offsets, guint32);
  ROOM (b->events, TandemPlanEvent);
  ROOM (b->layers, TandemPlanLayers);
  size += align16 (uid_slots * sizeof (guint32));
#undef ROOM

  block = tandem_memlock_alloc (size);
#define TAKE(field, arr, type) \
  G_STMT_START { \
    plan->field = (type *) (block + at); \
    if ((arr)->len > 0) \
      memcpy (plan->field, (arr)->data, (gsize) (arr)->len * sizeof (type)); \
    at += align16 ((gsize) MAX ((arr)->len, 1) * sizeof (type)); \
  } G_STMT_END
  TAKE (tracks, b->tracks, TandemPlanTrack);
  TAKE (patterns, b->patterns, TandemPlanPattern);
  TAKE (clips, b->clips, TandemPlanClip);
  TAKE (segments, b->segments, TandemPlanSequence);
  TAKE (clip_refs, b->clip_refs, guint32);
  TAKE (offsets, b->offsets, guint32);
  TAKE (events, b->events, TandemPlanEvent);
  TAKE (layers, b->layers, TandemPlanLayers);
#undef TAKE
  plan->uid_slots = (guint32 *) (block + at);
  plan->uid_mask = uid_slots - 1;
  plan->n_tracks = b->tracks->len;
  plan->n_patterns = b->patterns->len;
  plan->n_clips = b->clips->len;
  plan->n_segments = b->segments->len;
  plan->n_layers = b->layers->len;

  for (guint t = 0; t < plan->n_tracks; t++)
    {
      guint64 uid = plan->tracks[t].uid;
      guint i = (guint) (uid ^ (uid >> 32)) & plan->uid_mask;

      while (plan->uid_slots[i] != 0 && plan->tracks[plan->uid_slots[i] - 1].uid != uid)
        i = (i + 1) & plan->uid_mask;
      /* Two tracks cannot share an id; the first keeps the slot. */
      if (plan->uid_slots[i] == 0)
        plan->uid_slots[i] = t + 1;
    }

  plan->block = block;
  plan->block_size = size;
  plan->locked = lock && tandem_memlock_lock (block, size);
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
  Build b;

  g_return_val_if_fail (TANDEM_IS_PROJECT (project), NULL);
  g_return_val_if_fail (options != NULL && options->sample_rate > 0, NULL);

  plan = g_new0 (TandemRenderPlan, 1);
  plan->sample_rate = options->sample_rate;
  plan->kit = tandem_drum_kit_get (plan->sample_rate, TANDEM_VOICE_NONE);
  steps_per_beat = MAX (tandem_project_get_steps_per_beat (project), 1);
  plan->steps_per_beat = steps_per_beat;
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

  b.tracks = g_array_new (FALSE, TRUE, sizeof (TandemPlanTrack));
  b.patterns = g_array_new (FALSE, TRUE, sizeof (TandemPlanPattern));
  b.clips = g_array_new (FALSE, TRUE, sizeof (TandemPlanClip));
  b.segments = g_array_new (FALSE, TRUE, sizeof (TandemPlanSequence));
  b.clip_refs = g_array_new (FALSE, TRUE, sizeof (guint32));
  b.offsets = g_array_new (FALSE, TRUE, sizeof (guint32));
  b.events = g_array_new (FALSE, TRUE, sizeof (TandemPlanEvent));
  b.layers = g_array_new (FALSE, TRUE, sizeof (TandemPlanLayers));

  compile_tracks (plan, &b, tandem_project_get_tracks (project), options);
  compile_patterns (plan, &b, project, pattern_index);
  compile_clips (plan, &b, project, pattern_index);
  pack (plan, &b, options->lock_memory);
  g_array_unref (b.tracks);
  g_array_unref (b.patterns);
  g_array_unref (b.clips);
  g_array_unref (b.segments);
  g_array_unref (b.clip_refs);
  g_array_unref (b.offsets);
  g_array_unref (b.events);
  /* The plan's block took over the layers' sample references. */
  g_array_unref (b.layers);

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
