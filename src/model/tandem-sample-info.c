/* tandem-sample-info.c — an entry of the project's sample registry
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-model"

#include "config.h"

#include "tandem-model-private.h"

G_DEFINE_FINAL_TYPE (TandemSampleInfo, tandem_sample_info, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ID,
  PROP_NAME,
  PROP_FORMAT,
  PROP_FRAMES,
  PROP_RATE,
  PROP_CHANNELS,
  PROP_BYTES,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
tandem_sample_info_finalize (GObject *object)
{
  TandemSampleInfo *self = (TandemSampleInfo *) object;

  g_clear_pointer (&self->id, g_free);
  g_clear_pointer (&self->name, g_free);
  g_clear_pointer (&self->format, g_free);

  G_OBJECT_CLASS (tandem_sample_info_parent_class)->finalize (object);
}

static void
tandem_sample_info_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  TandemSampleInfo *self = TANDEM_SAMPLE_INFO (object);

  switch (prop_id)
    {
    case PROP_ID: g_value_set_string (value, self->id); break;
    case PROP_NAME: g_value_set_string (value, self->name); break;
    case PROP_FORMAT: g_value_set_string (value, self->format); break;
    case PROP_FRAMES: g_value_set_uint64 (value, self->frames); break;
    case PROP_RATE: g_value_set_uint (value, self->rate); break;
    case PROP_CHANNELS: g_value_set_uint (value, self->channels); break;
    case PROP_BYTES: g_value_set_uint64 (value, self->bytes); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tandem_sample_info_set_property (GObject      *object,
                                 guint         prop_id,
                                 const GValue *value,
                                 GParamSpec   *pspec)
{
  TandemSampleInfo *self = TANDEM_SAMPLE_INFO (object);

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
tandem_sample_info_class_init (TandemSampleInfoClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags ro = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->finalize = tandem_sample_info_finalize;
  object_class->get_property = tandem_sample_info_get_property;
  object_class->set_property = tandem_sample_info_set_property;

  properties[PROP_ID] =
    g_param_spec_string ("id", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_NAME] = g_param_spec_string ("name", NULL, NULL, "Sample", ro);
  properties[PROP_FORMAT] = g_param_spec_string ("format", NULL, NULL, "wav", ro);
  /* JSON numbers are exact up to 2^53; a sample is far below either bound. */
  properties[PROP_FRAMES] =
    g_param_spec_uint64 ("frames", NULL, NULL, 0, G_GUINT64_CONSTANT (1) << 53, 0, ro);
  properties[PROP_RATE] = g_param_spec_uint ("rate", NULL, NULL, 1, 768000, 48000, ro);
  properties[PROP_CHANNELS] = g_param_spec_uint ("channels", NULL, NULL, 1, 32, 1, ro);
  properties[PROP_BYTES] =
    g_param_spec_uint64 ("bytes", NULL, NULL, 0, G_GUINT64_CONSTANT (1) << 53, 0, ro);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
tandem_sample_info_init (TandemSampleInfo *self)
{
  self->name = g_strdup ("Sample");
  self->format = g_strdup ("wav");
  self->rate = 48000;
  self->channels = 1;
}

TandemSampleInfo *
_tandem_sample_info_new (const char *id)
{
  return g_object_new (TANDEM_TYPE_SAMPLE_INFO, "id", id, NULL);
}

/** tandem_sample_info_get_id: Returns: the SHA-256 of the sample's bytes, lowercase hex */
const char *
tandem_sample_info_get_id (TandemSampleInfo *self)
{
  g_return_val_if_fail (TANDEM_IS_SAMPLE_INFO (self), NULL);
  return self->id;
}

/** tandem_sample_info_get_name: Returns: the display name */
const char *
tandem_sample_info_get_name (TandemSampleInfo *self)
{
  g_return_val_if_fail (TANDEM_IS_SAMPLE_INFO (self), NULL);
  return self->name;
}

/** tandem_sample_info_get_format: Returns: the container format, e.g. "wav" */
const char *
tandem_sample_info_get_format (TandemSampleInfo *self)
{
  g_return_val_if_fail (TANDEM_IS_SAMPLE_INFO (self), NULL);
  return self->format;
}

/** tandem_sample_info_get_frames: Returns: the number of frames */
guint64
tandem_sample_info_get_frames (TandemSampleInfo *self)
{
  g_return_val_if_fail (TANDEM_IS_SAMPLE_INFO (self), 0);
  return self->frames;
}

/** tandem_sample_info_get_rate: Returns: the sample rate in Hz */
guint
tandem_sample_info_get_rate (TandemSampleInfo *self)
{
  g_return_val_if_fail (TANDEM_IS_SAMPLE_INFO (self), 0);
  return self->rate;
}

/** tandem_sample_info_get_channels: Returns: the number of channels */
guint
tandem_sample_info_get_channels (TandemSampleInfo *self)
{
  g_return_val_if_fail (TANDEM_IS_SAMPLE_INFO (self), 0);
  return self->channels;
}

/** tandem_sample_info_get_bytes: Returns: the file size in bytes */
guint64
tandem_sample_info_get_bytes (TandemSampleInfo *self)
{
  g_return_val_if_fail (TANDEM_IS_SAMPLE_INFO (self), 0);
  return self->bytes;
}
