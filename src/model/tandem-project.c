/* tandem-project.c — the project: settings, lists of entities, lookups
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-model"

#include "config.h"

#include "tandem-model-private.h"

G_DEFINE_FINAL_TYPE (TandemProject, tandem_project, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_NAME,
  PROP_TEMPO,
  PROP_SWING,
  PROP_STEPS_PER_BEAT,
  PROP_BEATS_PER_BAR,
  PROP_KEY_ROOT,
  PROP_SCALE,
  PROP_MASTER_VOLUME,
  PROP_PLAYING,
  PROP_PLAY_MODE,
  PROP_CURRENT_PATTERN,
  PROP_LOOP_ENABLED,
  PROP_LOOP_START,
  PROP_LOOP_LENGTH,
  PROP_ANCHOR_TIME,
  PROP_ANCHOR_STEP,
  PROP_SEED,
  N_PROPS
};

enum {
  OP_APPLIED,
  RESET,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void
tandem_project_dispose (GObject *object)
{
  TandemProject *self = (TandemProject *) object;

  /* The indexes borrow from the stores: drop them first. */
  g_clear_pointer (&self->track_by_id, g_hash_table_unref);
  g_clear_pointer (&self->pattern_by_id, g_hash_table_unref);
  g_clear_pointer (&self->clip_by_id, g_hash_table_unref);
  g_clear_pointer (&self->sample_by_id, g_hash_table_unref);
  g_clear_object (&self->tracks);
  g_clear_object (&self->patterns);
  g_clear_object (&self->clips);
  g_clear_object (&self->samples);

  G_OBJECT_CLASS (tandem_project_parent_class)->dispose (object);
}

static void
tandem_project_finalize (GObject *object)
{
  TandemProject *self = (TandemProject *) object;

  g_clear_pointer (&self->name, g_free);
  g_clear_pointer (&self->current_pattern, g_free);

  G_OBJECT_CLASS (tandem_project_parent_class)->finalize (object);
}

static void
tandem_project_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  TandemProject *self = TANDEM_PROJECT (object);

  switch (prop_id)
    {
    case PROP_NAME: g_value_set_string (value, self->name); break;
    case PROP_TEMPO: g_value_set_double (value, self->tempo); break;
    case PROP_SWING: g_value_set_double (value, self->swing); break;
    case PROP_STEPS_PER_BEAT: g_value_set_uint (value, self->steps_per_beat); break;
    case PROP_BEATS_PER_BAR: g_value_set_uint (value, self->beats_per_bar); break;
    case PROP_KEY_ROOT: g_value_set_uint (value, self->key_root); break;
    case PROP_SCALE: g_value_set_enum (value, self->scale); break;
    case PROP_MASTER_VOLUME: g_value_set_double (value, self->master_volume); break;
    case PROP_PLAYING: g_value_set_boolean (value, self->playing); break;
    case PROP_PLAY_MODE: g_value_set_enum (value, self->play_mode); break;
    case PROP_CURRENT_PATTERN: g_value_set_string (value, self->current_pattern); break;
    case PROP_LOOP_ENABLED: g_value_set_boolean (value, self->loop_enabled); break;
    case PROP_LOOP_START: g_value_set_uint (value, self->loop_start); break;
    case PROP_LOOP_LENGTH: g_value_set_uint (value, self->loop_length); break;
    case PROP_ANCHOR_TIME: g_value_set_uint64 (value, self->anchor_time); break;
    case PROP_ANCHOR_STEP: g_value_set_uint64 (value, self->anchor_step); break;
    case PROP_SEED: g_value_set_uint (value, self->seed); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tandem_project_class_init (TandemProjectClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags ro = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->dispose = tandem_project_dispose;
  object_class->finalize = tandem_project_finalize;
  object_class->get_property = tandem_project_get_property;

  properties[PROP_NAME] = g_param_spec_string ("name", NULL, NULL, "New Beat", ro);
  properties[PROP_TEMPO] =
    g_param_spec_double ("tempo", NULL, NULL, TANDEM_TEMPO_MIN, TANDEM_TEMPO_MAX, 120.0, ro);
  properties[PROP_SWING] =
    g_param_spec_double ("swing", NULL, NULL, 0.0, TANDEM_SWING_MAX, 0.0, ro);
  properties[PROP_STEPS_PER_BEAT] =
    g_param_spec_uint ("steps-per-beat", NULL, NULL, 1, TANDEM_MAX_STEPS_PER_BEAT, 4, ro);
  properties[PROP_BEATS_PER_BAR] =
    g_param_spec_uint ("beats-per-bar", NULL, NULL, 1, TANDEM_MAX_BEATS_PER_BAR, 4, ro);
  properties[PROP_KEY_ROOT] = g_param_spec_uint ("key-root", NULL, NULL, 0, 11, 0, ro);
  properties[PROP_SCALE] =
    g_param_spec_enum ("scale", NULL, NULL, TANDEM_TYPE_SCALE, TANDEM_SCALE_MAJOR, ro);
  properties[PROP_MASTER_VOLUME] =
    g_param_spec_double ("master-volume", NULL, NULL,
                         TANDEM_VOLUME_MIN_DB, TANDEM_VOLUME_MAX_DB, 0.0, ro);
  properties[PROP_PLAYING] = g_param_spec_boolean ("playing", NULL, NULL, FALSE, ro);
  properties[PROP_PLAY_MODE] =
    g_param_spec_enum ("play-mode", NULL, NULL, TANDEM_TYPE_PLAY_MODE,
                       TANDEM_PLAY_MODE_PATTERN, ro);
  properties[PROP_CURRENT_PATTERN] =
    g_param_spec_string ("current-pattern", NULL, NULL, "", ro);
  properties[PROP_LOOP_ENABLED] = g_param_spec_boolean ("loop-enabled", NULL, NULL, FALSE, ro);
  properties[PROP_LOOP_START] =
    g_param_spec_uint ("loop-start", NULL, NULL, 0, TANDEM_MAX_BARS - 1, 0, ro);
  properties[PROP_LOOP_LENGTH] =
    g_param_spec_uint ("loop-length", NULL, NULL, 1, TANDEM_MAX_BARS, 4, ro);
  /* The transport anchor: grid step "anchor-step" begins at "anchor-time" µs
   * of the session clock (see docs/protocol.md, "Clock and transport"). */
  properties[PROP_ANCHOR_TIME] =
    g_param_spec_uint64 ("anchor-time", NULL, NULL, 0, TANDEM_MAX_ANCHOR, 0, ro);
  properties[PROP_ANCHOR_STEP] =
    g_param_spec_uint64 ("anchor-step", NULL, NULL, 0, TANDEM_MAX_ANCHOR, 0, ro);

  properties[PROP_SEED] = g_param_spec_uint ("seed", NULL, NULL, 0, TANDEM_SEED_MAX, 0, ro);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * TandemProject::op-applied:
   * @op: the op as applied (a batch once, not per child)
   *
   * Emitted after every op applied successfully with tandem_project_apply().
   */
  signals[OP_APPLIED] =
    g_signal_new ("op-applied", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1,
                  TANDEM_TYPE_OP | G_SIGNAL_TYPE_STATIC_SCOPE);

  /**
   * TandemProject::reset:
   *
   * Emitted after tandem_project_load_json() replaced the whole content.
   */
  signals[RESET] =
    g_signal_new ("reset", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
tandem_project_init (TandemProject *self)
{
  self->name = g_strdup ("New Beat");
  self->tempo = 120.0;
  self->steps_per_beat = 4;
  self->beats_per_bar = 4;
  self->scale = TANDEM_SCALE_MAJOR;
  self->play_mode = TANDEM_PLAY_MODE_PATTERN;
  self->current_pattern = g_strdup ("");
  self->loop_length = 4;

  self->tracks = g_list_store_new (TANDEM_TYPE_TRACK);
  self->patterns = g_list_store_new (TANDEM_TYPE_PATTERN);
  self->clips = g_list_store_new (TANDEM_TYPE_CLIP);
  self->samples = g_list_store_new (TANDEM_TYPE_SAMPLE_INFO);
  self->track_by_id = g_hash_table_new (g_str_hash, g_str_equal);
  self->pattern_by_id = g_hash_table_new (g_str_hash, g_str_equal);
  self->clip_by_id = g_hash_table_new (g_str_hash, g_str_equal);
  self->sample_by_id = g_hash_table_new (g_str_hash, g_str_equal);
}

/**
 * tandem_project_new:
 *
 * Returns: (transfer full): an empty project with default settings and no
 *   tracks, patterns, clips or samples
 */
TandemProject *
tandem_project_new (void)
{
  return g_object_new (TANDEM_TYPE_PROJECT, NULL);
}

void
_tandem_project_emit_op_applied (TandemProject *self,
                                 TandemOp      *op)
{
  g_signal_emit (self, signals[OP_APPLIED], 0, op);
}

void
_tandem_project_emit_reset (TandemProject *self)
{
  g_signal_emit (self, signals[RESET], 0);
}

GListStore *
_tandem_project_get_store (TandemProject    *self,
                           TandemEntityKind  kind)
{
  switch (kind)
    {
    case TANDEM_ENTITY_TRACK: return self->tracks;
    case TANDEM_ENTITY_PATTERN: return self->patterns;
    case TANDEM_ENTITY_CLIP: return self->clips;
    case TANDEM_ENTITY_SAMPLE: return self->samples;
    case TANDEM_ENTITY_PROJECT:
    case TANDEM_ENTITY_CELL:
    default:
      return NULL;
    }
}

GHashTable *
_tandem_project_get_index (TandemProject    *self,
                           TandemEntityKind  kind)
{
  switch (kind)
    {
    case TANDEM_ENTITY_TRACK: return self->track_by_id;
    case TANDEM_ENTITY_PATTERN: return self->pattern_by_id;
    case TANDEM_ENTITY_CLIP: return self->clip_by_id;
    case TANDEM_ENTITY_SAMPLE: return self->sample_by_id;
    case TANDEM_ENTITY_PROJECT:
    case TANDEM_ENTITY_CELL:
    default:
      return NULL;
    }
}

GObject *
_tandem_project_find_entity (TandemProject    *self,
                             TandemEntityKind  kind,
                             const char       *id)
{
  GHashTable *index;

  if (kind == TANDEM_ENTITY_PROJECT)
    return G_OBJECT (self);
  index = _tandem_project_get_index (self, kind);
  if (index == NULL || id == NULL)
    return NULL;
  return g_hash_table_lookup (index, id);
}

const char *
_tandem_entity_get_id (GObject *entity)
{
  if (TANDEM_IS_TRACK (entity))
    return TANDEM_TRACK (entity)->id;
  if (TANDEM_IS_PATTERN (entity))
    return TANDEM_PATTERN (entity)->id;
  if (TANDEM_IS_CLIP (entity))
    return TANDEM_CLIP (entity)->id;
  if (TANDEM_IS_SAMPLE_INFO (entity))
    return TANDEM_SAMPLE_INFO (entity)->id;
  return NULL;
}

int
_tandem_project_index_of (TandemProject    *self,
                          TandemEntityKind  kind,
                          GObject          *entity)
{
  GListStore *store = _tandem_project_get_store (self, kind);
  guint pos;

  if (store != NULL && g_list_store_find (store, entity, &pos))
    return (int) pos;
  return -1;
}

/** tandem_project_get_name: Returns: the project's name */
const char *
tandem_project_get_name (TandemProject *self)
{
  g_return_val_if_fail (TANDEM_IS_PROJECT (self), NULL);
  return self->name;
}

/** tandem_project_get_tempo: Returns: the tempo in BPM */
double
tandem_project_get_tempo (TandemProject *self)
{
  g_return_val_if_fail (TANDEM_IS_PROJECT (self), 120.0);
  return self->tempo;
}

/** tandem_project_get_swing: Returns: the swing in percent, 0..75 */
double
tandem_project_get_swing (TandemProject *self)
{
  g_return_val_if_fail (TANDEM_IS_PROJECT (self), 0.0);
  return self->swing;
}

/** tandem_project_get_steps_per_beat: Returns: grid steps per beat, 1..8 */
guint
tandem_project_get_steps_per_beat (TandemProject *self)
{
  g_return_val_if_fail (TANDEM_IS_PROJECT (self), 4);
  return self->steps_per_beat;
}

/** tandem_project_get_beats_per_bar: Returns: beats per bar, 1..16 */
guint
tandem_project_get_beats_per_bar (TandemProject *self)
{
  g_return_val_if_fail (TANDEM_IS_PROJECT (self), 4);
  return self->beats_per_bar;
}

/** tandem_project_get_key_root: Returns: the key's root, 0 (C) .. 11 (B) */
guint
tandem_project_get_key_root (TandemProject *self)
{
  g_return_val_if_fail (TANDEM_IS_PROJECT (self), 0);
  return self->key_root;
}

/** tandem_project_get_scale: Returns: the scale notes are degrees of */
TandemScale
tandem_project_get_scale (TandemProject *self)
{
  g_return_val_if_fail (TANDEM_IS_PROJECT (self), TANDEM_SCALE_MAJOR);
  return self->scale;
}

/** tandem_project_get_master_volume: Returns: the master fader in dB */
double
tandem_project_get_master_volume (TandemProject *self)
{
  g_return_val_if_fail (TANDEM_IS_PROJECT (self), 0.0);
  return self->master_volume;
}

/** tandem_project_get_playing: Returns: whether the transport runs */
gboolean
tandem_project_get_playing (TandemProject *self)
{
  g_return_val_if_fail (TANDEM_IS_PROJECT (self), FALSE);
  return self->playing;
}

/** tandem_project_get_play_mode: Returns: whether the current pattern or the song plays */
TandemPlayMode
tandem_project_get_play_mode (TandemProject *self)
{
  g_return_val_if_fail (TANDEM_IS_PROJECT (self), TANDEM_PLAY_MODE_PATTERN);
  return self->play_mode;
}

/** tandem_project_get_current_pattern: Returns: the current pattern's id, or "" */
const char *
tandem_project_get_current_pattern (TandemProject *self)
{
  g_return_val_if_fail (TANDEM_IS_PROJECT (self), "");
  return self->current_pattern;
}

/** tandem_project_get_loop_enabled: Returns: whether song mode loops */
gboolean
tandem_project_get_loop_enabled (TandemProject *self)
{
  g_return_val_if_fail (TANDEM_IS_PROJECT (self), FALSE);
  return self->loop_enabled;
}

/** tandem_project_get_loop_start: Returns: the loop's first bar */
guint
tandem_project_get_loop_start (TandemProject *self)
{
  g_return_val_if_fail (TANDEM_IS_PROJECT (self), 0);
  return self->loop_start;
}

/** tandem_project_get_loop_length: Returns: the loop's length in bars */
guint
tandem_project_get_loop_length (TandemProject *self)
{
  g_return_val_if_fail (TANDEM_IS_PROJECT (self), 1);
  return self->loop_length;
}

/** tandem_project_get_anchor_time: Returns: the session clock time (µs) of the anchor step */
guint64
tandem_project_get_anchor_time (TandemProject *self)
{
  g_return_val_if_fail (TANDEM_IS_PROJECT (self), 0);
  return self->anchor_time;
}

/** tandem_project_get_seed: Returns: the session's seed for random choices (arpeggios) */
guint
tandem_project_get_seed (TandemProject *self)
{
  g_return_val_if_fail (TANDEM_IS_PROJECT (self), 0);
  return self->seed;
}

/** tandem_project_get_anchor_step: Returns: the grid step that begins at the anchor time */
guint64
tandem_project_get_anchor_step (TandemProject *self)
{
  g_return_val_if_fail (TANDEM_IS_PROJECT (self), 0);
  return self->anchor_step;
}

/** tandem_project_get_tracks: Returns: (transfer none): the tracks, in grid order */
GListModel *
tandem_project_get_tracks (TandemProject *self)
{
  g_return_val_if_fail (TANDEM_IS_PROJECT (self), NULL);
  return G_LIST_MODEL (self->tracks);
}

/** tandem_project_get_patterns: Returns: (transfer none): the patterns */
GListModel *
tandem_project_get_patterns (TandemProject *self)
{
  g_return_val_if_fail (TANDEM_IS_PROJECT (self), NULL);
  return G_LIST_MODEL (self->patterns);
}

/** tandem_project_get_clips: Returns: (transfer none): the arrangement's clips */
GListModel *
tandem_project_get_clips (TandemProject *self)
{
  g_return_val_if_fail (TANDEM_IS_PROJECT (self), NULL);
  return G_LIST_MODEL (self->clips);
}

/** tandem_project_get_samples: Returns: (transfer none): the sample registry */
GListModel *
tandem_project_get_samples (TandemProject *self)
{
  g_return_val_if_fail (TANDEM_IS_PROJECT (self), NULL);
  return G_LIST_MODEL (self->samples);
}

/** tandem_project_find_track: Returns: (transfer none) (nullable): the track */
TandemTrack *
tandem_project_find_track (TandemProject *self,
                           const char    *id)
{
  g_return_val_if_fail (TANDEM_IS_PROJECT (self), NULL);
  return id != NULL ? g_hash_table_lookup (self->track_by_id, id) : NULL;
}

/** tandem_project_find_pattern: Returns: (transfer none) (nullable): the pattern */
TandemPattern *
tandem_project_find_pattern (TandemProject *self,
                             const char    *id)
{
  g_return_val_if_fail (TANDEM_IS_PROJECT (self), NULL);
  return id != NULL ? g_hash_table_lookup (self->pattern_by_id, id) : NULL;
}

/** tandem_project_find_clip: Returns: (transfer none) (nullable): the clip */
TandemClip *
tandem_project_find_clip (TandemProject *self,
                          const char    *id)
{
  g_return_val_if_fail (TANDEM_IS_PROJECT (self), NULL);
  return id != NULL ? g_hash_table_lookup (self->clip_by_id, id) : NULL;
}

/** tandem_project_find_sample: Returns: (transfer none) (nullable): the sample entry */
TandemSampleInfo *
tandem_project_find_sample (TandemProject *self,
                            const char    *hash)
{
  g_return_val_if_fail (TANDEM_IS_PROJECT (self), NULL);
  return hash != NULL ? g_hash_table_lookup (self->sample_by_id, hash) : NULL;
}
