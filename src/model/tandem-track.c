/* tandem-track.c — one instrument row of the grid, with its mixer strip
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-model"

#include "config.h"

#include "tandem-model-private.h"

G_DEFINE_FINAL_TYPE (TandemTrack, tandem_track, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ID,
  PROP_NAME,
  PROP_COLOR,
  PROP_INSTRUMENT,
  PROP_VOLUME,
  PROP_PAN,
  PROP_MUTE,
  PROP_SOLO,
  PROP_LAYERS,
  PROP_CHOKE_GROUP,
  PROP_HARMONY,
  PROP_ARP,
  PROP_ARP_RATE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
tandem_track_finalize (GObject *object)
{
  TandemTrack *self = (TandemTrack *) object;

  g_clear_pointer (&self->id, g_free);
  g_clear_pointer (&self->name, g_free);
  g_clear_pointer (&self->color, g_free);
  g_clear_pointer (&self->instrument, g_free);
  g_clear_pointer (&self->layers, g_free);

  G_OBJECT_CLASS (tandem_track_parent_class)->finalize (object);
}

static void
tandem_track_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  TandemTrack *self = TANDEM_TRACK (object);

  switch (prop_id)
    {
    case PROP_ID: g_value_set_string (value, self->id); break;
    case PROP_NAME: g_value_set_string (value, self->name); break;
    case PROP_COLOR: g_value_set_string (value, self->color); break;
    case PROP_INSTRUMENT: g_value_set_string (value, self->instrument); break;
    case PROP_VOLUME: g_value_set_double (value, self->volume); break;
    case PROP_PAN: g_value_set_double (value, self->pan); break;
    case PROP_MUTE: g_value_set_boolean (value, self->mute); break;
    case PROP_SOLO: g_value_set_boolean (value, self->solo); break;
    case PROP_LAYERS: g_value_set_string (value, self->layers); break;
    case PROP_CHOKE_GROUP: g_value_set_uint (value, self->choke_group); break;
    case PROP_HARMONY: g_value_set_enum (value, self->harmony); break;
    case PROP_ARP: g_value_set_enum (value, self->arp); break;
    case PROP_ARP_RATE: g_value_set_uint (value, self->arp_rate); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tandem_track_set_property (GObject      *object,
                           guint         prop_id,
                           const GValue *value,
                           GParamSpec   *pspec)
{
  TandemTrack *self = TANDEM_TRACK (object);

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
tandem_track_class_init (TandemTrackClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags ro = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->finalize = tandem_track_finalize;
  object_class->get_property = tandem_track_get_property;
  object_class->set_property = tandem_track_set_property;

  properties[PROP_ID] =
    g_param_spec_string ("id", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_NAME] = g_param_spec_string ("name", NULL, NULL, "Track", ro);
  properties[PROP_COLOR] = g_param_spec_string ("color", NULL, NULL, "#3584e4", ro);
  properties[PROP_INSTRUMENT] = g_param_spec_string ("instrument", NULL, NULL, "kick", ro);
  properties[PROP_VOLUME] =
    g_param_spec_double ("volume", NULL, NULL,
                         TANDEM_VOLUME_MIN_DB, TANDEM_VOLUME_MAX_DB, 0.0, ro);
  properties[PROP_PAN] = g_param_spec_double ("pan", NULL, NULL, -1.0, 1.0, 0.0, ro);
  properties[PROP_MUTE] = g_param_spec_boolean ("mute", NULL, NULL, FALSE, ro);
  properties[PROP_SOLO] = g_param_spec_boolean ("solo", NULL, NULL, FALSE, ro);
  properties[PROP_LAYERS] = g_param_spec_string ("layers", NULL, NULL, "", ro);
  properties[PROP_CHOKE_GROUP] =
    g_param_spec_uint ("choke-group", NULL, NULL, 0, TANDEM_MAX_CHOKE_GROUP, 0, ro);
  properties[PROP_HARMONY] = g_param_spec_enum ("harmony", NULL, NULL, TANDEM_TYPE_HARMONY_MODE,
                                                TANDEM_HARMONY_SCALE, ro);
  properties[PROP_ARP] = g_param_spec_enum ("arp", NULL, NULL, TANDEM_TYPE_ARP, TANDEM_ARP_OFF, ro);
  properties[PROP_ARP_RATE] = g_param_spec_uint ("arp-rate", NULL, NULL, 1, TANDEM_ARP_MAX_RATE,
                                                 1, ro);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
tandem_track_init (TandemTrack *self)
{
  self->name = g_strdup ("Track");
  self->color = g_strdup ("#3584e4");
  self->instrument = g_strdup ("kick");
  self->layers = g_strdup ("");
  self->arp_rate = 1;
}

TandemTrack *
_tandem_track_new (const char *id)
{
  return g_object_new (TANDEM_TYPE_TRACK, "id", id, NULL);
}

/** tandem_track_get_harmony: Returns: how the track's notes follow the chord lane */
TandemHarmonyMode
tandem_track_get_harmony (TandemTrack *self)
{
  g_return_val_if_fail (TANDEM_IS_TRACK (self), TANDEM_HARMONY_SCALE);
  return self->harmony;
}

/** tandem_track_get_arp: Returns: the arpeggiator's order for chord tracks */
TandemArp
tandem_track_get_arp (TandemTrack *self)
{
  g_return_val_if_fail (TANDEM_IS_TRACK (self), TANDEM_ARP_OFF);
  return self->arp;
}

/** tandem_track_get_arp_rate: Returns: steps between arpeggio notes */
guint
tandem_track_get_arp_rate (TandemTrack *self)
{
  g_return_val_if_fail (TANDEM_IS_TRACK (self), 1);
  return self->arp_rate;
}

/**
 * tandem_track_get_id:
 *
 * Returns: the track's id, unique in its project
 */
const char *
tandem_track_get_id (TandemTrack *self)
{
  g_return_val_if_fail (TANDEM_IS_TRACK (self), NULL);
  return self->id;
}

/** tandem_track_get_name: Returns: the display name */
const char *
tandem_track_get_name (TandemTrack *self)
{
  g_return_val_if_fail (TANDEM_IS_TRACK (self), NULL);
  return self->name;
}

/** tandem_track_get_color: Returns: the colour as "#rrggbb" */
const char *
tandem_track_get_color (TandemTrack *self)
{
  g_return_val_if_fail (TANDEM_IS_TRACK (self), NULL);
  return self->color;
}

/** tandem_track_get_instrument: Returns: a built-in instrument or "sample:<sha256>" */
const char *
tandem_track_get_instrument (TandemTrack *self)
{
  g_return_val_if_fail (TANDEM_IS_TRACK (self), NULL);
  return self->instrument;
}

/** tandem_track_get_volume: Returns: the fader in dB */
double
tandem_track_get_volume (TandemTrack *self)
{
  g_return_val_if_fail (TANDEM_IS_TRACK (self), 0.0);
  return self->volume;
}

/** tandem_track_get_pan: Returns: the pan, -1 (left) .. 1 (right) */
double
tandem_track_get_pan (TandemTrack *self)
{
  g_return_val_if_fail (TANDEM_IS_TRACK (self), 0.0);
  return self->pan;
}

/** tandem_track_get_mute: Returns: whether the track is muted */
gboolean
tandem_track_get_mute (TandemTrack *self)
{
  g_return_val_if_fail (TANDEM_IS_TRACK (self), FALSE);
  return self->mute;
}

/** tandem_track_get_solo: Returns: whether the track is soloed */
gboolean
tandem_track_get_solo (TandemTrack *self)
{
  g_return_val_if_fail (TANDEM_IS_TRACK (self), FALSE);
  return self->solo;
}

/** tandem_track_get_layers: Returns: the sampler's layers (tandem-layers.h), "" for none */
const char *
tandem_track_get_layers (TandemTrack *self)
{
  g_return_val_if_fail (TANDEM_IS_TRACK (self), NULL);
  return self->layers;
}

/** tandem_track_get_choke_group: Returns: the choke group, 0 for none */
guint
tandem_track_get_choke_group (TandemTrack *self)
{
  g_return_val_if_fail (TANDEM_IS_TRACK (self), 0);
  return self->choke_group;
}
