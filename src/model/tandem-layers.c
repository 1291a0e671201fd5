/* tandem-layers.c — parsing, writing and choosing a sampler track's velocity layers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-model"

#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "tandem-layers.h"
#include "tandem-model-types.h"

static gboolean
fail (GError    **error,
      guint       index,
      const char *why)
{
  g_set_error (error, TANDEM_MODEL_ERROR, TANDEM_MODEL_ERROR_OUT_OF_RANGE,
               "layer %u %s", index + 1, why);
  return FALSE;
}

/* A plain decimal: -?digits(.digits)?, nothing else (no exponent, no
 * "inf"), so every replica reads the same text the same way. */
static gboolean
parse_decimal (const char *s,
               double     *value)
{
  const char *p = s;
  char *end = NULL;

  if (*p == '-')
    p++;
  if (!g_ascii_isdigit (*p))
    return FALSE;
  while (g_ascii_isdigit (*p))
    p++;
  if (*p == '.')
    {
      p++;
      if (!g_ascii_isdigit (*p))
        return FALSE;
      while (g_ascii_isdigit (*p))
        p++;
    }
  if (*p != '\0' || p - s > 24)
    return FALSE;
  *value = g_ascii_strtod (s, &end);
  return end == p && isfinite (*value);
}

static gboolean
parse_velocity (const char *s,
                guint8     *value)
{
  guint64 v;

  if (!g_ascii_string_to_unsigned (s, 10, 0, 127, &v, NULL) || s[0] == '+' || strlen (s) > 3)
    return FALSE;
  *value = (guint8) v;
  return TRUE;
}

static gboolean
parse_layer (const char  *text,
             guint        index,
             TandemLayer *layer,
             GError     **error)
{
  g_auto(GStrv) parts = g_strsplit (text, ":", 0);
  g_auto(GStrv) range = NULL;

  if (g_strv_length (parts) != 4)
    return fail (error, index, "is not “<sha256>:<min>-<max>:<gain>:<pitch>”");
  if (!tandem_sample_hash_is_valid (parts[0]))
    return fail (error, index, "does not start with a sample’s SHA-256");
  memcpy (layer->sample, parts[0], 65);
  range = g_strsplit (parts[1], "-", 0);
  if (g_strv_length (range) != 2 || !parse_velocity (range[0], &layer->min)
      || !parse_velocity (range[1], &layer->max) || layer->min > layer->max)
    return fail (error, index, "has no velocity range “min-max” within 0 … 127");
  if (!parse_decimal (parts[2], &layer->gain) || layer->gain < 0.0 || layer->gain > 4.0)
    return fail (error, index, "has a gain outside 0 … 4");
  if (!parse_decimal (parts[3], &layer->pitch) || layer->pitch < -24.0 || layer->pitch > 24.0)
    return fail (error, index, "has a pitch outside -24 … 24 semitones");
  layer->gain += 0.0;  /* no negative zero */
  layer->pitch += 0.0;
  return TRUE;
}

/**
 * tandem_layers_parse:
 *
 * Returns: (transfer full): an array of #TandemLayer, or %NULL on error
 */
GArray *
tandem_layers_parse (const char  *text,
                     GError     **error)
{
  g_autoptr(GArray) layers = g_array_new (FALSE, TRUE, sizeof (TandemLayer));
  g_auto(GStrv) entries = NULL;
  guint n;

  g_return_val_if_fail (text != NULL, NULL);

  if (*text == '\0')
    return g_steal_pointer (&layers);
  entries = g_strsplit (text, ";", TANDEM_MAX_LAYERS + 1);
  n = g_strv_length (entries);
  if (n > TANDEM_MAX_LAYERS)
    {
      g_set_error (error, TANDEM_MODEL_ERROR, TANDEM_MODEL_ERROR_OUT_OF_RANGE,
                   "more than %d layers", TANDEM_MAX_LAYERS);
      return NULL;
    }
  g_array_set_size (layers, n);
  for (guint i = 0; i < n; i++)
    if (!parse_layer (entries[i], i, &g_array_index (layers, TandemLayer, i), error))
      return NULL;
  return g_steal_pointer (&layers);
}

static void
append_decimal (GString *out,
                double   value)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];
  char *p;

  /* Six decimals, trailing zeros dropped: "1", "0.85", "-2.5". */
  g_ascii_formatd (buf, sizeof buf, "%.6f", value + 0.0);
  p = buf + strlen (buf) - 1;
  while (p > buf && *p == '0')
    *p-- = '\0';
  if (*p == '.')
    *p = '\0';
  if (strcmp (buf, "-0") == 0)
    strcpy (buf, "0");
  g_string_append (out, buf);
}

/**
 * tandem_layers_to_string:
 *
 * Returns: (transfer full): the "layers" value for @layers
 */
char *
tandem_layers_to_string (const TandemLayer *layers,
                         guint              n_layers)
{
  GString *out = g_string_new (NULL);

  g_return_val_if_fail (n_layers <= TANDEM_MAX_LAYERS, g_string_free (out, FALSE));

  for (guint i = 0; i < n_layers; i++)
    {
      const TandemLayer *l = &layers[i];

      g_string_append_printf (out, "%s%s:%u-%u:", i > 0 ? ";" : "", l->sample, l->min, l->max);
      append_decimal (out, CLAMP (l->gain, 0.0, 4.0));
      g_string_append_c (out, ':');
      append_decimal (out, CLAMP (l->pitch, -24.0, 24.0));
    }
  return g_string_free (out, FALSE);
}

/**
 * tandem_layers_pick:
 *
 * Returns: the layer to play for @velocity: the first whose range holds
 *   it, else the one whose range is nearest (the first of equals); -1 when
 *   there are none
 */
int
tandem_layers_pick (const TandemLayer *layers,
                    guint              n_layers,
                    guint              velocity)
{
  int best = -1;
  guint best_distance = G_MAXUINT;

  for (guint i = 0; i < n_layers; i++)
    {
      guint d;

      if (velocity >= layers[i].min && velocity <= layers[i].max)
        return (int) i;
      d = velocity < layers[i].min ? layers[i].min - velocity : velocity - layers[i].max;
      if (d < best_distance)
        {
          best_distance = d;
          best = (int) i;
        }
    }
  return best;
}
