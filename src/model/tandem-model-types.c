/* tandem-model-types.c — enums, ids and small validators shared by the model
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-model"

#include "config.h"

#include <string.h>

#include "tandem-model-types.h"

G_DEFINE_QUARK (tandem-model-error-quark, tandem_model_error)

static const char * const entity_names[] = {
  "project", "track", "pattern", "clip", "sample", "cell",
};

static const char * const scale_names[] = {
  "major", "minor", "dorian", "mixolydian",
  "pentatonic-major", "pentatonic-minor", "blues", "chromatic",
};

static const char * const play_mode_names[] = { "pattern", "song" };

static const char * const builtin_instruments[] = {
  "kick", "snare", "hat-closed", "hat-open", "clap", "tom", "rim", "synth", NULL,
};

const char *
tandem_entity_kind_to_string (TandemEntityKind kind)
{
  g_return_val_if_fail ((guint) kind < G_N_ELEMENTS (entity_names), NULL);
  return entity_names[kind];
}

gboolean
tandem_entity_kind_from_string (const char       *str,
                                TandemEntityKind *kind)
{
  if (str == NULL)
    return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (entity_names); i++)
    if (strcmp (str, entity_names[i]) == 0)
      {
        if (kind != NULL)
          *kind = (TandemEntityKind) i;
        return TRUE;
      }
  return FALSE;
}

const char *
tandem_scale_to_string (TandemScale scale)
{
  g_return_val_if_fail ((guint) scale < TANDEM_N_SCALES, NULL);
  return scale_names[scale];
}

gboolean
tandem_scale_from_string (const char  *str,
                          TandemScale *scale)
{
  if (str == NULL)
    return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (scale_names); i++)
    if (strcmp (str, scale_names[i]) == 0)
      {
        if (scale != NULL)
          *scale = (TandemScale) i;
        return TRUE;
      }
  return FALSE;
}

guint
tandem_scale_get_intervals (TandemScale    scale,
                            const guint8 **intervals)
{
  static const guint8 major[] = { 0, 2, 4, 5, 7, 9, 11 };
  static const guint8 minor[] = { 0, 2, 3, 5, 7, 8, 10 };
  static const guint8 dorian[] = { 0, 2, 3, 5, 7, 9, 10 };
  static const guint8 mixolydian[] = { 0, 2, 4, 5, 7, 9, 10 };
  static const guint8 penta_major[] = { 0, 2, 4, 7, 9 };
  static const guint8 penta_minor[] = { 0, 3, 5, 7, 10 };
  static const guint8 blues[] = { 0, 3, 5, 6, 7, 10 };
  static const guint8 chromatic[] = { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11 };
  static const struct { const guint8 *v; guint n; } table[] = {
    { major, G_N_ELEMENTS (major) },
    { minor, G_N_ELEMENTS (minor) },
    { dorian, G_N_ELEMENTS (dorian) },
    { mixolydian, G_N_ELEMENTS (mixolydian) },
    { penta_major, G_N_ELEMENTS (penta_major) },
    { penta_minor, G_N_ELEMENTS (penta_minor) },
    { blues, G_N_ELEMENTS (blues) },
    { chromatic, G_N_ELEMENTS (chromatic) },
  };

  if ((guint) scale >= TANDEM_N_SCALES)
    scale = TANDEM_SCALE_CHROMATIC;
  if (intervals != NULL)
    *intervals = table[scale].v;
  return table[scale].n;
}

const char *
tandem_play_mode_to_string (TandemPlayMode mode)
{
  g_return_val_if_fail ((guint) mode < G_N_ELEMENTS (play_mode_names), NULL);
  return play_mode_names[mode];
}

gboolean
tandem_play_mode_from_string (const char     *str,
                              TandemPlayMode *mode)
{
  if (str == NULL)
    return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (play_mode_names); i++)
    if (strcmp (str, play_mode_names[i]) == 0)
      {
        if (mode != NULL)
          *mode = (TandemPlayMode) i;
        return TRUE;
      }
  return FALSE;
}

GType
tandem_scale_get_type (void)
{
  static gsize type_id = 0;

  if (g_once_init_enter (&type_id))
    {
      static const GEnumValue values[] = {
        { TANDEM_SCALE_MAJOR, "TANDEM_SCALE_MAJOR", "major" },
        { TANDEM_SCALE_MINOR, "TANDEM_SCALE_MINOR", "minor" },
        { TANDEM_SCALE_DORIAN, "TANDEM_SCALE_DORIAN", "dorian" },
        { TANDEM_SCALE_MIXOLYDIAN, "TANDEM_SCALE_MIXOLYDIAN", "mixolydian" },
        { TANDEM_SCALE_PENTATONIC_MAJOR, "TANDEM_SCALE_PENTATONIC_MAJOR", "pentatonic-major" },
        { TANDEM_SCALE_PENTATONIC_MINOR, "TANDEM_SCALE_PENTATONIC_MINOR", "pentatonic-minor" },
        { TANDEM_SCALE_BLUES, "TANDEM_SCALE_BLUES", "blues" },
        { TANDEM_SCALE_CHROMATIC, "TANDEM_SCALE_CHROMATIC", "chromatic" },
        { 0, NULL, NULL },
      };
      GType t = g_enum_register_static ("TandemScale", values);

      g_once_init_leave (&type_id, t);
    }
  return type_id;
}

GType
tandem_play_mode_get_type (void)
{
  static gsize type_id = 0;

  if (g_once_init_enter (&type_id))
    {
      static const GEnumValue values[] = {
        { TANDEM_PLAY_MODE_PATTERN, "TANDEM_PLAY_MODE_PATTERN", "pattern" },
        { TANDEM_PLAY_MODE_SONG, "TANDEM_PLAY_MODE_SONG", "song" },
        { 0, NULL, NULL },
      };
      GType t = g_enum_register_static ("TandemPlayMode", values);

      g_once_init_leave (&type_id, t);
    }
  return type_id;
}

const char * const *
tandem_builtin_instruments (void)
{
  return builtin_instruments;
}

gboolean
tandem_sample_hash_is_valid (const char *hash)
{
  gsize i;

  if (hash == NULL)
    return FALSE;
  for (i = 0; hash[i] != '\0'; i++)
    if (i >= 64 || !((hash[i] >= '0' && hash[i] <= '9') || (hash[i] >= 'a' && hash[i] <= 'f')))
      return FALSE;
  return i == 64;
}

const char *
tandem_instrument_get_sample (const char *instrument)
{
  if (instrument == NULL || strncmp (instrument, "sample:", 7) != 0)
    return NULL;
  if (!tandem_sample_hash_is_valid (instrument + 7))
    return NULL;
  return instrument + 7;
}

gboolean
tandem_instrument_is_valid (const char *instrument)
{
  if (instrument == NULL)
    return FALSE;
  if (tandem_instrument_get_sample (instrument) != NULL)
    return TRUE;
  if (strcmp (instrument, TANDEM_INSTRUMENT_SAMPLER) == 0)
    return TRUE;
  for (guint i = 0; builtin_instruments[i] != NULL; i++)
    if (strcmp (instrument, builtin_instruments[i]) == 0)
      return TRUE;
  return FALSE;
}

G_LOCK_DEFINE_STATIC (id_rand);

char *
tandem_id_new (void)
{
  static GRand *rand = NULL;
  guint32 words[4];

  /* A private generator seeded from /dev/urandom: tests that seed the global
   * one (or g_test_rand) must not make ids collide across replicas. */
  G_LOCK (id_rand);
  if (rand == NULL)
    rand = g_rand_new ();
  for (guint i = 0; i < 4; i++)
    words[i] = g_rand_int (rand);
  G_UNLOCK (id_rand);

  return g_strdup_printf ("%08x%08x%08x%08x", words[0], words[1], words[2], words[3]);
}

gboolean
tandem_id_is_valid (const char *id)
{
  gsize i;

  if (id == NULL)
    return FALSE;
  for (i = 0; id[i] != '\0'; i++)
    {
      char c = id[i];

      if (i >= TANDEM_MAX_ID_LEN)
        return FALSE;
      if (!g_ascii_isalnum (c) && c != '_' && c != '-')
        return FALSE;
    }
  return i > 0;
}

gboolean
tandem_name_is_valid (const char *name)
{
  gsize len;

  if (name == NULL)
    return FALSE;
  len = strlen (name);
  if (len == 0 || len > TANDEM_MAX_NAME_LEN)
    return FALSE;
  if (!g_utf8_validate (name, len, NULL))
    return FALSE;
  for (const char *p = name; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (g_unichar_iscntrl (c))
        return FALSE;
    }
  return TRUE;
}
