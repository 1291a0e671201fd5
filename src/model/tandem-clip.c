/* tandem-clip.c — one pattern placed on the song timeline
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-model"

#include "config.h"

#include "tandem-model-private.h"

G_DEFINE_FINAL_TYPE (TandemClip, tandem_clip, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ID,
  PROP_PATTERN,
  PROP_START,
  PROP_LENGTH,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
tandem_clip_finalize (GObject *object)
{
  TandemClip *self = (TandemClip *) object;

  g_clear_pointer (&self->id, g_free);
  g_clear_pointer (&self->pattern, g_free);

  G_OBJECT_CLASS (tandem_clip_parent_class)->finalize (object);
}

static void
tandem_clip_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  TandemClip *self = TANDEM_CLIP (object);

  switch (prop_id)
    {
    case PROP_ID: g_value_set_string (value, self->id); break;
    case PROP_PATTERN: g_value_set_string (value, self->pattern); break;
    case PROP_START: g_value_set_uint (value, self->start); break;
    case PROP_LENGTH: g_value_set_uint (value, self->length); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tandem_clip_set_property (GObject      *object,
                          guint         prop_id,
                          const GValue *value,
                          GParamSpec   *pspec)
{
  TandemClip *self = TANDEM_CLIP (object);

  switch (prop_id)
    {
    case PROP_ID:
      g_free (self->id);
      self->id = g_value_dup_string (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tandem_clip_class_init (TandemClipClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags ro = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->finalize = tandem_clip_finalize;
  object_class->get_property = tandem_clip_get_property;
  object_class->set_property = tandem_clip_set_property;

  properties[PROP_ID] =
    g_param_spec_string ("id", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_PATTERN] = g_param_spec_string ("pattern", NULL, NULL, "", ro);
  properties[PROP_START] =
    g_param_spec_uint ("start", NULL, NULL, 0, TANDEM_MAX_BARS - 1, 0, ro);
  properties[PROP_LENGTH] =
    g_param_spec_uint ("length", NULL, NULL, 1, TANDEM_MAX_BARS, 1, ro);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
tandem_clip_init (TandemClip *self)
{
  self->pattern = g_strdup ("");
  self->length = 1;
}

TandemClip *
_tandem_clip_new (const char *id)
{
  return g_object_new (TANDEM_TYPE_CLIP, "id", id, NULL);
}

/** tandem_clip_get_id: Returns: the clip's id */
const char *
tandem_clip_get_id (TandemClip *self)
{
  g_return_val_if_fail (TANDEM_IS_CLIP (self), NULL);
  return self->id;
}

/** tandem_clip_get_pattern: Returns: the id of the pattern the clip plays */
const char *
tandem_clip_get_pattern (TandemClip *self)
{
  g_return_val_if_fail (TANDEM_IS_CLIP (self), NULL);
  return self->pattern;
}

/** tandem_clip_get_start: Returns: the first bar */
guint
tandem_clip_get_start (TandemClip *self)
{
  g_return_val_if_fail (TANDEM_IS_CLIP (self), 0);
  return self->start;
}

/** tandem_clip_get_length: Returns: the length in bars */
guint
tandem_clip_get_length (TandemClip *self)
{
  g_return_val_if_fail (TANDEM_IS_CLIP (self), 1);
  return self->length;
}
