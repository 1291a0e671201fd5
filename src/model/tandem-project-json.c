/* tandem-project-json.c — the property schema, value validation and the
 * canonical JSON form of a project and its entities
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-model"

#include "config.h"

#include <math.h>
#include <string.h>

#include "tandem-model-private.h"

#define PROP(name, check, unit, type, field, settable) \
  { name, check, unit, G_STRUCT_OFFSET (type, field), settable, NULL }

static TandemPropDesc project_props[] = {
  PROP ("name", TANDEM_CHECK_NAME, "", TandemProject, name, TRUE),
  PROP ("tempo", TANDEM_CHECK_NONE, " BPM", TandemProject, tempo, TRUE),
  PROP ("swing", TANDEM_CHECK_NONE, " %", TandemProject, swing, TRUE),
  PROP ("steps-per-beat", TANDEM_CHECK_NONE, "", TandemProject, steps_per_beat, TRUE),
  PROP ("beats-per-bar", TANDEM_CHECK_NONE, "", TandemProject, beats_per_bar, TRUE),
  PROP ("key-root", TANDEM_CHECK_NONE, "", TandemProject, key_root, TRUE),
  PROP ("scale", TANDEM_CHECK_NONE, "", TandemProject, scale, TRUE),
  PROP ("master-volume", TANDEM_CHECK_NONE, " dB", TandemProject, master_volume, TRUE),
  PROP ("playing", TANDEM_CHECK_NONE, "", TandemProject, playing, TRUE),
  PROP ("play-mode", TANDEM_CHECK_NONE, "", TandemProject, play_mode, TRUE),
  PROP ("current-pattern", TANDEM_CHECK_PATTERN_REF_OR_EMPTY, "", TandemProject,
        current_pattern, TRUE),
  PROP ("loop-enabled", TANDEM_CHECK_NONE, "", TandemProject, loop_enabled, TRUE),
  PROP ("loop-start", TANDEM_CHECK_NONE, "", TandemProject, loop_start, TRUE),
  PROP ("loop-length", TANDEM_CHECK_NONE, "", TandemProject, loop_length, TRUE),
  PROP ("anchor-time", TANDEM_CHECK_NONE, " µs", TandemProject, anchor_time, TRUE),
  PROP ("anchor-step", TANDEM_CHECK_NONE, "", TandemProject, anchor_step, TRUE),
  PROP ("seed", TANDEM_CHECK_NONE, "", TandemProject, seed, TRUE),
};

static TandemPropDesc track_props[] = {
  PROP ("name", TANDEM_CHECK_NAME, "", TandemTrack, name, TRUE),
  PROP ("color", TANDEM_CHECK_COLOR, "", TandemTrack, color, TRUE),
  PROP ("instrument", TANDEM_CHECK_INSTRUMENT, "", TandemTrack, instrument, TRUE),
  PROP ("volume", TANDEM_CHECK_NONE, " dB", TandemTrack, volume, TRUE),
  PROP ("pan", TANDEM_CHECK_NONE, "", TandemTrack, pan, TRUE),
  PROP ("mute", TANDEM_CHECK_NONE, "", TandemTrack, mute, TRUE),
  PROP ("solo", TANDEM_CHECK_NONE, "", TandemTrack, solo, TRUE),
  PROP ("harmony", TANDEM_CHECK_NONE, "", TandemTrack, harmony, TRUE),
  PROP ("arp", TANDEM_CHECK_NONE, "", TandemTrack, arp, TRUE),
  PROP ("arp-rate", TANDEM_CHECK_NONE, " steps", TandemTrack, arp_rate, TRUE),
};

static TandemPropDesc pattern_props[] = {
  PROP ("name", TANDEM_CHECK_NAME, "", TandemPattern, name, TRUE),
  PROP ("length", TANDEM_CHECK_NONE, " steps", TandemPattern, length, TRUE),
  PROP ("chords", TANDEM_CHECK_CHORD_LANE, "", TandemPattern, chords, TRUE),
  PROP ("chord-rate", TANDEM_CHECK_NONE, "", TandemPattern, chord_rate, TRUE),
  PROP ("evolve-state", TANDEM_CHECK_NONE, "", TandemPattern, evolve_state, TRUE),
  PROP ("evolve-rule", TANDEM_CHECK_NONE, "", TandemPattern, evolve_rule, TRUE),
  PROP ("evolve-end", TANDEM_CHECK_NONE, "", TandemPattern, evolve_end, TRUE),
  PROP ("evolve-every", TANDEM_CHECK_NONE, " bars", TandemPattern, evolve_every, TRUE),
  PROP ("evolve-steps", TANDEM_CHECK_NONE, "", TandemPattern, evolve_steps, TRUE),
  PROP ("evolve-step", TANDEM_CHECK_NONE, "", TandemPattern, evolve_step, TRUE),
  PROP ("evolve-amount", TANDEM_CHECK_NONE, "", TandemPattern, evolve_amount, TRUE),
  PROP ("evolve-seed", TANDEM_CHECK_NONE, "", TandemPattern, evolve_seed, TRUE),
  PROP ("evolve-author", TANDEM_CHECK_ID_OR_EMPTY, "", TandemPattern, evolve_author, TRUE),
  PROP ("evolve-origin", TANDEM_CHECK_ROWS, "", TandemPattern, evolve_origin, TRUE),
};

static TandemPropDesc clip_props[] = {
  PROP ("pattern", TANDEM_CHECK_PATTERN_REF, "", TandemClip, pattern, TRUE),
  PROP ("start", TANDEM_CHECK_NONE, "", TandemClip, start, TRUE),
  PROP ("length", TANDEM_CHECK_NONE, " bars", TandemClip, length, TRUE),
};

/* Only the name of a sample can change: the rest are facts about its bytes. */
static TandemPropDesc sample_props[] = {
  PROP ("name", TANDEM_CHECK_NAME, "", TandemSampleInfo, name, TRUE),
  PROP ("format", TANDEM_CHECK_FORMAT, "", TandemSampleInfo, format, FALSE),
  PROP ("frames", TANDEM_CHECK_NONE, "", TandemSampleInfo, frames, FALSE),
  PROP ("rate", TANDEM_CHECK_NONE, " Hz", TandemSampleInfo, rate, FALSE),
  PROP ("channels", TANDEM_CHECK_NONE, "", TandemSampleInfo, channels, FALSE),
  PROP ("bytes", TANDEM_CHECK_NONE, "", TandemSampleInfo, bytes, FALSE),
};

#undef PROP

static void
fill_pspecs (TandemPropDesc *props,
             guint           n_props,
             GType           type)
{
  GObjectClass *klass = g_type_class_ref (type);

  for (guint i = 0; i < n_props; i++)
    {
      props[i].pspec = g_object_class_find_property (klass, props[i].name);
      g_assert (props[i].pspec != NULL);
    }
  /* Classes of static types are never finalized: keep the reference. */
}

static void
ensure_schema (void)
{
  static gsize initialized = 0;

  if (g_once_init_enter (&initialized))
    {
      fill_pspecs (project_props, G_N_ELEMENTS (project_props), TANDEM_TYPE_PROJECT);
      fill_pspecs (track_props, G_N_ELEMENTS (track_props), TANDEM_TYPE_TRACK);
      fill_pspecs (pattern_props, G_N_ELEMENTS (pattern_props), TANDEM_TYPE_PATTERN);
      fill_pspecs (clip_props, G_N_ELEMENTS (clip_props), TANDEM_TYPE_CLIP);
      fill_pspecs (sample_props, G_N_ELEMENTS (sample_props), TANDEM_TYPE_SAMPLE_INFO);
      g_once_init_leave (&initialized, 1);
    }
}

const TandemPropDesc *
_tandem_props_get (TandemEntityKind  kind,
                   guint            *n_props)
{
  ensure_schema ();
  switch (kind)
    {
    case TANDEM_ENTITY_PROJECT:
      *n_props = G_N_ELEMENTS (project_props);
      return project_props;
    case TANDEM_ENTITY_TRACK:
      *n_props = G_N_ELEMENTS (track_props);
      return track_props;
    case TANDEM_ENTITY_PATTERN:
      *n_props = G_N_ELEMENTS (pattern_props);
      return pattern_props;
    case TANDEM_ENTITY_CLIP:
      *n_props = G_N_ELEMENTS (clip_props);
      return clip_props;
    case TANDEM_ENTITY_SAMPLE:
      *n_props = G_N_ELEMENTS (sample_props);
      return sample_props;
    case TANDEM_ENTITY_CELL:
    default:
      *n_props = 0;
      return NULL;
    }
}

const TandemPropDesc *
_tandem_props_lookup (TandemEntityKind  kind,
                      const char       *name)
{
  const TandemPropDesc *props;
  guint n;

  if (name == NULL)
    return NULL;
  props = _tandem_props_get (kind, &n);
  for (guint i = 0; i < n; i++)
    if (strcmp (props[i].name, name) == 0)
      return &props[i];
  return NULL;
}

char *
_tandem_entity_label (TandemEntityKind  kind,
                      const char       *id)
{
  switch (kind)
    {
    case TANDEM_ENTITY_PROJECT: return g_strdup ("Project");
    case TANDEM_ENTITY_TRACK: return g_strdup_printf ("Track “%s”", id);
    case TANDEM_ENTITY_PATTERN: return g_strdup_printf ("Pattern “%s”", id);
    case TANDEM_ENTITY_CLIP: return g_strdup_printf ("Clip “%s”", id);
    case TANDEM_ENTITY_SAMPLE: return g_strdup_printf ("Sample “%s”", id);
    case TANDEM_ENTITY_CELL: return g_strdup_printf ("Cell of pattern “%s”", id);
    default: return g_strdup ("Entity");
    }
}

gboolean
_tandem_json_get_int (JsonNode *node,
                      gint64   *value)
{
  GType type;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return FALSE;
  type = json_node_get_value_type (node);
  if (type == G_TYPE_INT64)
    {
      *value = json_node_get_int (node);
      return TRUE;
    }
  if (type == G_TYPE_DOUBLE)
    {
      double d = json_node_get_double (node);

      /* ±2^63 is exact in a double; anything integral inside fits. */
      if (!isfinite (d) || d != floor (d) || d < -9223372036854775808.0
          || d >= 9223372036854775808.0)
        return FALSE;
      *value = (gint64) d;
      return TRUE;
    }
  return FALSE;
}

/* A short rendering of a JSON value for messages. */
static char *
describe_value (JsonNode *node)
{
  GType type;

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return g_strdup ("null");
  if (JSON_NODE_HOLDS_OBJECT (node))
    return g_strdup ("{…}");
  if (JSON_NODE_HOLDS_ARRAY (node))
    return g_strdup ("[…]");
  type = json_node_get_value_type (node);
  if (type == G_TYPE_INT64)
    return g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (node));
  if (type == G_TYPE_DOUBLE)
    return g_strdup_printf ("%g", json_node_get_double (node));
  if (type == G_TYPE_BOOLEAN)
    return g_strdup (json_node_get_boolean (node) ? "true" : "false");
  if (type == G_TYPE_STRING)
    {
      const char *s = json_node_get_string (node);
      g_autofree char *valid = g_utf8_make_valid (s, MIN (strlen (s), 40));

      return g_strdup_printf ("“%s”%s", valid, strlen (s) > 40 ? "…" : "");
    }
  return g_strdup ("?");
}

static const char *
json_type_name (JsonNode *node)
{
  GType type;

  if (JSON_NODE_HOLDS_NULL (node))
    return "null";
  if (JSON_NODE_HOLDS_OBJECT (node))
    return "an object";
  if (JSON_NODE_HOLDS_ARRAY (node))
    return "an array";
  type = json_node_get_value_type (node);
  if (type == G_TYPE_STRING)
    return "a string";
  if (type == G_TYPE_BOOLEAN)
    return "a boolean";
  return "a number";
}

static gboolean
wrong_type (const char  *label,
            const char  *prop,
            JsonNode    *node,
            const char  *expected,
            GError     **error)
{
  g_set_error (error, TANDEM_MODEL_ERROR, TANDEM_MODEL_ERROR_WRONG_TYPE,
               "%s: %s must be %s, not %s", label, prop, expected, json_type_name (node));
  return FALSE;
}

static gboolean
out_of_range (const char  *label,
              const char  *prop,
              JsonNode    *node,
              const char  *why,
              GError     **error)
{
  g_autofree char *shown = describe_value (node);

  g_set_error (error, TANDEM_MODEL_ERROR, TANDEM_MODEL_ERROR_OUT_OF_RANGE,
               "%s: %s %s %s", label, prop, shown, why);
  return FALSE;
}

static gboolean
is_color (const char *s)
{
  if (strlen (s) != 7 || s[0] != '#')
    return FALSE;
  for (guint i = 1; i < 7; i++)
    if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
      return FALSE;
  return TRUE;
}

static gboolean
is_format (const char *s)
{
  gsize i;

  for (i = 0; s[i] != '\0'; i++)
    if (i >= 16 || !((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9')))
      return FALSE;
  return i > 0;
}

static gboolean
check_string (TandemProject        *project,
              const TandemPropDesc *desc,
              const char           *label,
              JsonNode             *node,
              const char           *s,
              GError              **error)
{
  switch (desc->check)
    {
    case TANDEM_CHECK_NAME:
      if (!tandem_name_is_valid (s))
        return out_of_range (label, desc->name, node,
                             "is not a valid name "
                             "(1 … 128 bytes of UTF-8, no control characters)",
                             error);
      return TRUE;
    case TANDEM_CHECK_COLOR:
      if (!is_color (s))
        return out_of_range (label, desc->name, node, "is not a colour like “#3584e4”", error);
      return TRUE;
    case TANDEM_CHECK_FORMAT:
      if (!is_format (s))
        return out_of_range (label, desc->name, node,
                             "is not a format name (a short lowercase word)", error);
      return TRUE;
    case TANDEM_CHECK_INSTRUMENT:
      {
        const char *hash;

        if (!tandem_instrument_is_valid (s))
          return out_of_range (label, desc->name, node, "is not an instrument", error);
        hash = tandem_instrument_get_sample (s);
        if (hash != NULL && tandem_project_find_sample (project, hash) == NULL)
          {
            g_set_error (error, TANDEM_MODEL_ERROR, TANDEM_MODEL_ERROR_UNKNOWN_ENTITY,
                         "%s: instrument uses sample “%s”, which the project does not have",
                         label, hash);
            return FALSE;
          }
        return TRUE;
      }
    case TANDEM_CHECK_CHORD_LANE:
      if (!tandem_chord_lane_is_valid (s))
        return out_of_range (label, desc->name, node,
                             "is not a chord lane (up to 64 chords like “I”, “vi”, “V7”, "
                             "“bVII” or “-”, one space apart)",
                             error);
      return TRUE;
    case TANDEM_CHECK_ID_OR_EMPTY:
      if (*s != '\0' && !tandem_id_is_valid (s))
        return out_of_range (label, desc->name, node, "is not an id", error);
      return TRUE;
    case TANDEM_CHECK_ROWS:
      return _tandem_evolve_origin_validate (s, label, desc->name, error);
    case TANDEM_CHECK_PATTERN_REF_OR_EMPTY:
      if (*s == '\0')
        return TRUE;
      G_GNUC_FALLTHROUGH;
    case TANDEM_CHECK_PATTERN_REF:
      if (tandem_project_find_pattern (project, s) == NULL)
        {
          g_autofree char *shown = describe_value (node);

          g_set_error (error, TANDEM_MODEL_ERROR, TANDEM_MODEL_ERROR_UNKNOWN_ENTITY,
                       "%s: %s %s is not a pattern of the project", label, desc->name, shown);
          return FALSE;
        }
      return TRUE;
    case TANDEM_CHECK_NONE:
    default:
      return TRUE;
    }
}

gboolean
_tandem_prop_validate (TandemProject        *project,
                       const TandemPropDesc *desc,
                       const char           *label,
                       JsonNode             *node,
                       TandemValue          *value,
                       GError              **error)
{
  GParamSpec *pspec = desc->pspec;
  GType type = pspec->value_type;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    {
      const char *expected = "a value";

      if (type == G_TYPE_BOOLEAN)
        expected = "true or false";
      else if (type == G_TYPE_DOUBLE || type == G_TYPE_UINT || type == G_TYPE_UINT64)
        expected = "a number";
      else if (type == G_TYPE_STRING || G_TYPE_IS_ENUM (type))
        expected = "a string";
      return wrong_type (label, desc->name, node != NULL ? node : NULL, expected, error);
    }

  if (type == G_TYPE_BOOLEAN)
    {
      if (json_node_get_value_type (node) != G_TYPE_BOOLEAN)
        return wrong_type (label, desc->name, node, "true or false", error);
      value->b = json_node_get_boolean (node) ? TRUE : FALSE;
      return TRUE;
    }

  if (type == G_TYPE_DOUBLE)
    {
      GParamSpecDouble *ps = G_PARAM_SPEC_DOUBLE (pspec);
      GType vt = json_node_get_value_type (node);
      double d;

      if (vt == G_TYPE_INT64)
        d = (double) json_node_get_int (node);
      else if (vt == G_TYPE_DOUBLE)
        d = json_node_get_double (node);
      else
        return wrong_type (label, desc->name, node, "a number", error);
      if (!isfinite (d))
        return out_of_range (label, desc->name, node, "is not a finite number", error);
      if (d < ps->minimum || d > ps->maximum)
        {
          g_autofree char *why = g_strdup_printf ("is out of range (%g … %g%s)",
                                                  ps->minimum, ps->maximum, desc->unit);
          return out_of_range (label, desc->name, node, why, error);
        }
      /* No negative zero: it would serialize differently from zero. */
      value->d = d + 0.0;
      return TRUE;
    }

  if (type == G_TYPE_UINT || type == G_TYPE_UINT64)
    {
      guint64 min, max;
      gint64 v;
      GType vt = json_node_get_value_type (node);

      if (vt != G_TYPE_INT64 && vt != G_TYPE_DOUBLE)
        return wrong_type (label, desc->name, node, "a number", error);
      if (type == G_TYPE_UINT)
        {
          min = G_PARAM_SPEC_UINT (pspec)->minimum;
          max = G_PARAM_SPEC_UINT (pspec)->maximum;
        }
      else
        {
          min = G_PARAM_SPEC_UINT64 (pspec)->minimum;
          max = G_PARAM_SPEC_UINT64 (pspec)->maximum;
        }
      if (!_tandem_json_get_int (node, &v))
        {
          double d = json_node_get_double (node);

          if (!isfinite (d))
            return out_of_range (label, desc->name, node, "is not a finite number", error);
          if (d == floor (d))
            v = -1; /* integral but beyond 64 bits: out of range below */
          else
            {
              g_autofree char *shown = describe_value (node);

              g_set_error (error, TANDEM_MODEL_ERROR, TANDEM_MODEL_ERROR_WRONG_TYPE,
                           "%s: %s %s is not a whole number", label, desc->name, shown);
              return FALSE;
            }
        }
      if (v < 0 || (guint64) v < min || (guint64) v > max)
        {
          g_autofree char *why =
            g_strdup_printf ("is out of range (%" G_GUINT64_FORMAT " … %" G_GUINT64_FORMAT "%s)",
                             min, max, desc->unit);
          return out_of_range (label, desc->name, node, why, error);
        }
      value->u = (guint64) v;
      return TRUE;
    }

  if (json_node_get_value_type (node) != G_TYPE_STRING)
    return wrong_type (label, desc->name, node, "a string", error);

  if (G_TYPE_IS_ENUM (type))
    {
      GEnumClass *klass = G_PARAM_SPEC_ENUM (pspec)->enum_class;
      GEnumValue *ev = g_enum_get_value_by_nick (klass, json_node_get_string (node));

      if (ev == NULL)
        {
          g_autoptr(GString) why = g_string_new ("is not one of ");

          for (guint i = 0; i < klass->n_values; i++)
            g_string_append_printf (why, "%s“%s”", i > 0 ? ", " : "",
                                    klass->values[i].value_nick);
          return out_of_range (label, desc->name, node, why->str, error);
        }
      value->e = ev->value;
      return TRUE;
    }

  g_assert (type == G_TYPE_STRING);
  if (!check_string (project, desc, label, node, json_node_get_string (node), error))
    return FALSE;
  value->s = json_node_get_string (node);
  return TRUE;
}

gboolean
_tandem_prop_set (GObject              *object,
                  const TandemPropDesc *desc,
                  const TandemValue    *value,
                  gboolean              notify)
{
  gpointer field = G_STRUCT_MEMBER_P (object, desc->offset);
  GType type = desc->pspec->value_type;

  if (type == G_TYPE_BOOLEAN)
    {
      gboolean *p = field;

      if (*p == value->b)
        return FALSE;
      *p = value->b;
    }
  else if (type == G_TYPE_DOUBLE)
    {
      double *p = field;

      if (*p == value->d)
        return FALSE;
      *p = value->d;
    }
  else if (type == G_TYPE_UINT)
    {
      guint *p = field;

      if (*p == (guint) value->u)
        return FALSE;
      *p = (guint) value->u;
    }
  else if (type == G_TYPE_UINT64)
    {
      guint64 *p = field;

      if (*p == value->u)
        return FALSE;
      *p = value->u;
    }
  else if (G_TYPE_IS_ENUM (type))
    {
      int *p = field;

      if (*p == value->e)
        return FALSE;
      *p = value->e;
    }
  else
    {
      char **p = field;

      if (g_strcmp0 (*p, value->s) == 0)
        return FALSE;
      g_free (*p);
      *p = g_strdup (value->s);
    }

  if (notify)
    g_object_notify_by_pspec (object, desc->pspec);
  return TRUE;
}

JsonNode *
_tandem_prop_to_json (GObject              *object,
                      const TandemPropDesc *desc)
{
  gpointer field = G_STRUCT_MEMBER_P (object, desc->offset);
  GType type = desc->pspec->value_type;
  JsonNode *node = json_node_alloc ();

  if (type == G_TYPE_BOOLEAN)
    return json_node_init_boolean (node, *(gboolean *) field);
  if (type == G_TYPE_DOUBLE)
    return json_node_init_double (node, *(double *) field);
  if (type == G_TYPE_UINT)
    return json_node_init_int (node, *(guint *) field);
  if (type == G_TYPE_UINT64)
    return json_node_init_int (node, (gint64) *(guint64 *) field);
  if (G_TYPE_IS_ENUM (type))
    {
      GEnumValue *ev = g_enum_get_value (G_PARAM_SPEC_ENUM (desc->pspec)->enum_class,
                                         *(int *) field);
      return json_node_init_string (node, ev->value_nick);
    }
  return json_node_init_string (node, *(char **) field);
}

/* Copies one property from @src to @dst (same type), notifying on change. */
static void
prop_copy (GObject              *dst,
           GObject              *src,
           const TandemPropDesc *desc)
{
  gpointer field = G_STRUCT_MEMBER_P (src, desc->offset);
  GType type = desc->pspec->value_type;
  TandemValue v;

  if (type == G_TYPE_BOOLEAN)
    v.b = *(gboolean *) field;
  else if (type == G_TYPE_DOUBLE)
    v.d = *(double *) field;
  else if (type == G_TYPE_UINT)
    v.u = *(guint *) field;
  else if (type == G_TYPE_UINT64)
    v.u = *(guint64 *) field;
  else if (G_TYPE_IS_ENUM (type))
    v.e = *(int *) field;
  else
    v.s = *(char **) field;
  _tandem_prop_set (dst, desc, &v, TRUE);
}

static TandemEntityKind
entity_kind_of (GObject *entity)
{
  if (TANDEM_IS_TRACK (entity))
    return TANDEM_ENTITY_TRACK;
  if (TANDEM_IS_PATTERN (entity))
    return TANDEM_ENTITY_PATTERN;
  if (TANDEM_IS_CLIP (entity))
    return TANDEM_ENTITY_CLIP;
  if (TANDEM_IS_SAMPLE_INFO (entity))
    return TANDEM_ENTITY_SAMPLE;
  return TANDEM_ENTITY_PROJECT;
}

static JsonNode *
store_to_json (TandemProject *project,
               GListStore    *store)
{
  GListModel *model = G_LIST_MODEL (store);
  guint n = g_list_model_get_n_items (model);
  JsonArray *array = json_array_sized_new (n);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GObject) item = g_list_model_get_item (model, i);

      json_array_add_element (array, _tandem_entity_to_json (project, entity_kind_of (item),
                                                             item, FALSE));
    }
  return take_array (array);
}

JsonNode *
_tandem_entity_to_json (TandemProject    *project,
                        TandemEntityKind  kind,
                        GObject          *entity,
                        gboolean          with_cells)
{
  JsonObject *obj = json_object_new ();
  const TandemPropDesc *props;
  guint n_props;

  if (kind != TANDEM_ENTITY_PROJECT)
    json_object_set_string_member (obj, "id", _tandem_entity_get_id (entity));
  props = _tandem_props_get (kind, &n_props);
  for (guint i = 0; i < n_props; i++)
    json_object_set_member (obj, props[i].name, _tandem_prop_to_json (entity, &props[i]));

  if (kind == TANDEM_ENTITY_PATTERN)
    {
      TandemPattern *pattern = TANDEM_PATTERN (entity);
      JsonObject *cells = json_object_new ();
      GListModel *tracks = G_LIST_MODEL (project->tracks);
      guint n = g_list_model_get_n_items (tracks);

      /* Rows in track order keep the text canonical. */
      if (g_hash_table_size (pattern->rows) > 0)
        for (guint i = 0; i < n; i++)
          {
            g_autoptr(TandemTrack) track = g_list_model_get_item (tracks, i);
            const TandemCell *row = g_hash_table_lookup (pattern->rows, track->id);

            if (row != NULL)
              json_object_set_member (cells, track->id, _tandem_row_to_json (row));
          }
      json_object_set_object_member (obj, "cells", cells);
    }
  else if (kind == TANDEM_ENTITY_TRACK && with_cells)
    {
      TandemTrack *track = TANDEM_TRACK (entity);
      JsonObject *cells = json_object_new ();
      GListModel *patterns = G_LIST_MODEL (project->patterns);
      guint n = g_list_model_get_n_items (patterns);

      for (guint i = 0; i < n; i++)
        {
          g_autoptr(TandemPattern) pattern = g_list_model_get_item (patterns, i);
          const TandemCell *row = g_hash_table_lookup (pattern->rows, track->id);

          if (row != NULL)
            json_object_set_member (cells, pattern->id, _tandem_row_to_json (row));
        }
      if (json_object_get_size (cells) > 0)
        json_object_set_object_member (obj, "cells", cells);
      else
        json_object_unref (cells);
    }
  else if (kind == TANDEM_ENTITY_PROJECT)
    {
      json_object_set_member (obj, "samples", store_to_json (project, project->samples));
      json_object_set_member (obj, "tracks", store_to_json (project, project->tracks));
      json_object_set_member (obj, "patterns", store_to_json (project, project->patterns));
      json_object_set_member (obj, "clips", store_to_json (project, project->clips));
    }

  return take_object (obj);
}

static void
row_data_free (gpointer data)
{
  TandemRowData *rd = data;

  g_free (rd->other_id);
  g_free (rd);
}

/* A pattern's "cells" go straight into @entity; a track's are returned in
 * @rows, since they belong to other patterns. */
static gboolean
cells_from_json (TandemProject     *project,
                 TandemEntityKind   kind,
                 GObject           *entity,
                 const char        *label,
                 JsonNode          *node,
                 GPtrArray        **rows,
                 GError           **error)
{
  g_autoptr(GPtrArray) result = NULL;
  JsonObjectIter iter;
  const char *other;
  JsonNode *value;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error (error, TANDEM_MODEL_ERROR, TANDEM_MODEL_ERROR_WRONG_TYPE,
                   "%s: cells must be an object", label);
      return FALSE;
    }

  if (kind == TANDEM_ENTITY_TRACK)
    result = g_ptr_array_new_with_free_func (row_data_free);
  json_object_iter_init (&iter, json_node_get_object (node));
  while (json_object_iter_next (&iter, &other, &value))
    {
      TandemCell row[TANDEM_MAX_STEPS];

      /* A pattern's rows are keyed by track, a track's by pattern. */
      if (kind == TANDEM_ENTITY_PATTERN ? tandem_project_find_track (project, other) == NULL
                                        : tandem_project_find_pattern (project, other) == NULL)
        {
          g_set_error (error, TANDEM_MODEL_ERROR, TANDEM_MODEL_ERROR_UNKNOWN_ENTITY,
                       "%s: cells name %s “%s”, which the project does not have", label,
                       kind == TANDEM_ENTITY_PATTERN ? "track" : "pattern", other);
          return FALSE;
        }
      if (!_tandem_row_from_json (value, "", row, error))
        {
          g_prefix_error (error, "%s, cells of “%s”: ", label, other);
          return FALSE;
        }
      if (kind == TANDEM_ENTITY_PATTERN)
        _tandem_pattern_set_row (TANDEM_PATTERN (entity), other, row, FALSE);
      else
        {
          TandemRowData *rd = g_new (TandemRowData, 1);

          rd->other_id = g_strdup (other);
          memcpy (rd->row, row, sizeof row);
          g_ptr_array_add (result, rd);
        }
    }
  if (rows != NULL)
    *rows = g_steal_pointer (&result);
  return TRUE;
}

GObject *
_tandem_entity_from_json (TandemProject     *project,
                          TandemEntityKind   kind,
                          JsonNode          *node,
                          GPtrArray        **rows,
                          GError           **error)
{
  g_autoptr(GObject) entity = NULL;
  g_autoptr(GPtrArray) cell_rows = NULL;
  g_autofree char *label = NULL;
  const char *kind_name = tandem_entity_kind_to_string (kind);
  JsonObjectIter iter;
  const char *member;
  JsonNode *value, *id_node;
  JsonObject *obj;
  const char *id;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error (error, TANDEM_MODEL_ERROR, TANDEM_MODEL_ERROR_WRONG_TYPE,
                   "A %s must be a JSON object", kind_name);
      return NULL;
    }
  obj = json_node_get_object (node);
  id_node = json_object_get_member (obj, "id");
  if (id_node == NULL || !JSON_NODE_HOLDS_VALUE (id_node)
      || json_node_get_value_type (id_node) != G_TYPE_STRING)
    {
      g_set_error (error, TANDEM_MODEL_ERROR, TANDEM_MODEL_ERROR_INVALID,
                   "A %s needs a string “id”", kind_name);
      return NULL;
    }
  id = json_node_get_string (id_node);
  if (kind == TANDEM_ENTITY_SAMPLE ? !tandem_sample_hash_is_valid (id) : !tandem_id_is_valid (id))
    {
      g_autofree char *shown = describe_value (id_node);

      g_set_error (error, TANDEM_MODEL_ERROR, TANDEM_MODEL_ERROR_INVALID,
                   "A %s has the invalid id %s", kind_name, shown);
      return NULL;
    }

  switch (kind)
    {
    case TANDEM_ENTITY_TRACK: entity = G_OBJECT (_tandem_track_new (id)); break;
    case TANDEM_ENTITY_PATTERN: entity = G_OBJECT (_tandem_pattern_new (id)); break;
    case TANDEM_ENTITY_CLIP: entity = G_OBJECT (_tandem_clip_new (id)); break;
    case TANDEM_ENTITY_SAMPLE: entity = G_OBJECT (_tandem_sample_info_new (id)); break;
    case TANDEM_ENTITY_PROJECT:
    case TANDEM_ENTITY_CELL:
    default:
      g_return_val_if_reached (NULL);
    }
  label = _tandem_entity_label (kind, id);

  json_object_iter_init (&iter, obj);
  while (json_object_iter_next (&iter, &member, &value))
    {
      const TandemPropDesc *desc;
      TandemValue v;

      if (strcmp (member, "id") == 0)
        continue;
      if (strcmp (member, "cells") == 0
          && (kind == TANDEM_ENTITY_PATTERN || kind == TANDEM_ENTITY_TRACK))
        {
          if (!cells_from_json (project, kind, entity, label, value, &cell_rows, error))
            return NULL;
          continue;
        }
      desc = _tandem_props_lookup (kind, member);
      if (desc == NULL)
        {
          g_set_error (error, TANDEM_MODEL_ERROR, TANDEM_MODEL_ERROR_UNKNOWN_PROPERTY,
                       "%s: unknown member “%s”", label, member);
          return NULL;
        }
      if (!_tandem_prop_validate (project, desc, label, value, &v, error))
        return NULL;
      _tandem_prop_set (entity, desc, &v, FALSE);
    }

  if (kind == TANDEM_ENTITY_CLIP && *TANDEM_CLIP (entity)->pattern == '\0')
    {
      g_set_error (error, TANDEM_MODEL_ERROR, TANDEM_MODEL_ERROR_INVALID,
                   "%s needs a “pattern”", label);
      return NULL;
    }

  if (rows != NULL)
    *rows = g_steal_pointer (&cell_rows);
  return g_steal_pointer (&entity);
}

/**
 * tandem_project_to_json:
 *
 * Returns: (transfer full): the whole project as canonical JSON: fixed member
 *   order, lists in list order, cells as hex rows in track order
 */
JsonNode *
tandem_project_to_json (TandemProject *self)
{
  g_return_val_if_fail (TANDEM_IS_PROJECT (self), NULL);
  return _tandem_entity_to_json (self, TANDEM_ENTITY_PROJECT, G_OBJECT (self), FALSE);
}

/**
 * tandem_project_to_string:
 *
 * Returns: (transfer full): the canonical JSON as compact text; equal
 *   projects give equal bytes
 */
char *
tandem_project_to_string (TandemProject *self)
{
  g_autoptr(JsonNode) node = NULL;

  g_return_val_if_fail (TANDEM_IS_PROJECT (self), NULL);

  node = tandem_project_to_json (self);
  return _tandem_json_to_string (node, FALSE, NULL);
}

static const char * const list_members[] = { "samples", "tracks", "patterns", "clips" };
static const TandemEntityKind list_kinds[] = {
  TANDEM_ENTITY_SAMPLE, TANDEM_ENTITY_TRACK, TANDEM_ENTITY_PATTERN, TANDEM_ENTITY_CLIP,
};

static gboolean
load_list (TandemProject     *fresh,
           JsonObject        *obj,
           guint              which,
           GError           **error)
{
  TandemEntityKind kind = list_kinds[which];
  JsonNode *node = json_object_get_member (obj, list_members[which]);
  GListStore *store = _tandem_project_get_store (fresh, kind);
  GHashTable *index = _tandem_project_get_index (fresh, kind);
  g_autoptr(GPtrArray) items = NULL;
  JsonArray *array;
  guint n;

  if (node == NULL)
    return TRUE;
  if (!JSON_NODE_HOLDS_ARRAY (node))
    {
      g_set_error (error, TANDEM_MODEL_ERROR, TANDEM_MODEL_ERROR_WRONG_TYPE,
                   "Project: “%s” must be an array", list_members[which]);
      return FALSE;
    }
  array = json_node_get_array (node);
  n = json_array_get_length (array);
  items = g_ptr_array_new_full (n, g_object_unref);
  for (guint i = 0; i < n; i++)
    {
      GObject *entity = _tandem_entity_from_json (fresh, kind, json_array_get_element (array, i),
                                                  NULL, error);
      const char *id;

      if (entity == NULL)
        return FALSE;
      g_ptr_array_add (items, entity);
      id = _tandem_entity_get_id (entity);
      if (g_hash_table_contains (index, id))
        {
          g_autofree char *label = _tandem_entity_label (kind, id);

          g_set_error (error, TANDEM_MODEL_ERROR, TANDEM_MODEL_ERROR_DUPLICATE_ID,
                       "%s appears twice", label);
          return FALSE;
        }
      g_hash_table_insert (index, (gpointer) id, entity);
    }
  g_list_store_splice (store, 0, 0, items->pdata, items->len);
  return TRUE;
}

static TandemProject *
project_from_json (JsonNode  *node,
                   GError   **error)
{
  g_autoptr(TandemProject) fresh = NULL;
  JsonObjectIter iter;
  const char *member;
  JsonNode *value;
  JsonObject *obj;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error (error, TANDEM_MODEL_ERROR, TANDEM_MODEL_ERROR_WRONG_TYPE,
                   "A project must be a JSON object");
      return NULL;
    }
  obj = json_node_get_object (node);
  fresh = tandem_project_new ();

  /* Lists first, in dependency order: tracks name samples, patterns name
   * tracks, clips and current-pattern name patterns. */
  for (guint i = 0; i < G_N_ELEMENTS (list_members); i++)
    if (!load_list (fresh, obj, i, error))
      return NULL;
  if (!_tandem_project_check_all_clip_overlaps (fresh, error))
    return NULL;

  json_object_iter_init (&iter, obj);
  while (json_object_iter_next (&iter, &member, &value))
    {
      const TandemPropDesc *desc;
      gboolean is_list = FALSE;
      TandemValue v;

      for (guint i = 0; i < G_N_ELEMENTS (list_members); i++)
        is_list |= strcmp (member, list_members[i]) == 0;
      if (is_list)
        continue;
      desc = _tandem_props_lookup (TANDEM_ENTITY_PROJECT, member);
      if (desc == NULL)
        {
          g_set_error (error, TANDEM_MODEL_ERROR, TANDEM_MODEL_ERROR_UNKNOWN_PROPERTY,
                       "Project: unknown member “%s”", member);
          return NULL;
        }
      if (!_tandem_prop_validate (fresh, desc, "Project", value, &v, error))
        return NULL;
      _tandem_prop_set (G_OBJECT (fresh), desc, &v, FALSE);
    }
  return g_steal_pointer (&fresh);
}

static void
swap_list (TandemProject    *self,
           TandemProject    *fresh,
           TandemEntityKind  kind)
{
  GListStore *store = _tandem_project_get_store (self, kind);
  GListModel *src = G_LIST_MODEL (_tandem_project_get_store (fresh, kind));
  GHashTable **dst_index, **src_index, *tmp;
  g_autoptr(GPtrArray) items = NULL;
  guint n = g_list_model_get_n_items (src);

  switch (kind)
    {
    case TANDEM_ENTITY_TRACK:
      dst_index = &self->track_by_id;
      src_index = &fresh->track_by_id;
      break;
    case TANDEM_ENTITY_PATTERN:
      dst_index = &self->pattern_by_id;
      src_index = &fresh->pattern_by_id;
      break;
    case TANDEM_ENTITY_CLIP:
      dst_index = &self->clip_by_id;
      src_index = &fresh->clip_by_id;
      break;
    case TANDEM_ENTITY_SAMPLE:
    default:
      dst_index = &self->sample_by_id;
      src_index = &fresh->sample_by_id;
      break;
    }

  items = g_ptr_array_new_full (n, g_object_unref);
  for (guint i = 0; i < n; i++)
    g_ptr_array_add (items, g_list_model_get_item (src, i));

  /* Lookups answer for the new content by the time items-changed runs. */
  tmp = *dst_index;
  *dst_index = *src_index;
  *src_index = tmp;
  g_hash_table_remove_all (*src_index);
  g_list_store_splice (store, 0, g_list_model_get_n_items (G_LIST_MODEL (store)),
                       items->pdata, items->len);
}

/**
 * tandem_project_load_json:
 *
 * Validates @node completely into a fresh project, then replaces the content
 * of @self with it (items-changed on the lists, notify on changed
 * properties) and emits ::reset. On error nothing changes.
 */
gboolean
tandem_project_load_json (TandemProject  *self,
                          JsonNode       *node,
                          GError        **error)
{
  g_autoptr(TandemProject) fresh = NULL;
  const TandemPropDesc *props;
  guint n_props;

  g_return_val_if_fail (TANDEM_IS_PROJECT (self), FALSE);

  fresh = project_from_json (node, error);
  if (fresh == NULL)
    return FALSE;

  g_object_freeze_notify (G_OBJECT (self));
  swap_list (self, fresh, TANDEM_ENTITY_SAMPLE);
  swap_list (self, fresh, TANDEM_ENTITY_TRACK);
  swap_list (self, fresh, TANDEM_ENTITY_PATTERN);
  swap_list (self, fresh, TANDEM_ENTITY_CLIP);
  props = _tandem_props_get (TANDEM_ENTITY_PROJECT, &n_props);
  for (guint i = 0; i < n_props; i++)
    prop_copy (G_OBJECT (self), G_OBJECT (fresh), &props[i]);
  g_object_thaw_notify (G_OBJECT (self));

  _tandem_project_emit_reset (self);
  return TRUE;
}

/**
 * tandem_project_new_from_json:
 *
 * Returns: (transfer full) (nullable): a project validated from @node
 */
TandemProject *
tandem_project_new_from_json (JsonNode  *node,
                              GError   **error)
{
  return project_from_json (node, error);
}
