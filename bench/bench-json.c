/* bench-json.c — what hostile JSON costs: the bounded entry point's refusals
 * next to json-glib parsing the same text unguarded
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-bench"

#include "config.h"

#include <stdio.h>
#include <string.h>

#include "tandem-bench.h"
#include "tandem-model.h"

#define ROUNDS 20

static char *
empty_objects (guint  n,
               gsize *length)
{
  GString *s = g_string_new ("[");

  for (guint i = 0; i < n; i++)
    g_string_append (s, i == 0 ? "{}" : ",{}");
  g_string_append_c (s, ']');
  *length = s->len;
  return g_string_free (s, FALSE);
}

static char *
nested (guint  n,
        gsize *length)
{
  char *s = g_malloc (2 * n + 1);

  memset (s, '[', n);
  memset (s + n, ']', n);
  s[2 * n] = '\0';
  *length = 2 * n;
  return s;
}

/* Median milliseconds of ROUNDS runs of the bounded parse (@bounded) or of
 * json-glib alone. */
static double
time_parse (const char *text,
            gsize       length,
            gboolean    bounded,
            gboolean   *refused)
{
  double ms[ROUNDS];

  for (guint r = 0; r < ROUNDS; r++)
    {
      gint64 start = g_get_monotonic_time ();

      if (bounded)
        {
          g_autoptr(GError) error = NULL;
          g_autoptr(JsonNode) node = tandem_json_parse_bounded (text, length,
                                                                &tandem_json_limits_message,
                                                                &error);

          *refused = node == NULL;
        }
      else
        {
          g_autoptr(JsonParser) parser = json_parser_new_immutable ();

          *refused = !json_parser_load_from_data (parser, text, length, NULL);
        }
      ms[r] = (g_get_monotonic_time () - start) / 1000.0;
    }
  return tandem_bench_percentile (ms, ROUNDS, 50);
}

int
tandem_bench_json (int    argc,
                   char **argv)
{
  gsize length;
  g_autofree char *flood = empty_objects (349000, &length);
  gsize nested_length;
  g_autofree char *deep = nested (85000, &nested_length);
  gboolean refused = FALSE;
  double guarded, raw;

  guarded = time_parse (flood, length, TRUE, &refused);
  g_assert_true (refused);
  raw = time_parse (flood, length, FALSE, &refused);
  printf ("349,000 {} (%" G_GSIZE_FORMAT " bytes): refused in %.2f ms (median of %d); "
          "json-glib alone parses it in %.1f ms\n", length, guarded, ROUNDS, raw);

  guarded = time_parse (deep, nested_length, TRUE, &refused);
  g_assert_true (refused);
  printf ("85,000 nested [ (%" G_GSIZE_FORMAT " bytes): refused in %.3f ms "
          "(json-glib alone recurses 85,000 deep)\n", nested_length, guarded);
  return 0;
}
