/* tandem-json.c — a strict, bounded JSON reader for project files and ops
 *
 * json-glib 1.6's parser recurses without a limit and spends most of a large
 * project's load time in its scanner. This reader builds the same JsonNode
 * trees in one linear pass, refuses nesting deeper than a limit, and names
 * the line and column of the first problem.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-model"

#include "config.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "tandem-model-private.h"

typedef struct
{
  const char *start;
  const char *p;
  const char *end;
  guint       depth;
  guint       max_depth;
  GString    *scratch;
  GError    **error;
} Reader;

static JsonNode *read_value (Reader *r);

static gboolean
fail (Reader     *r,
      const char *what)
{
  guint line = 1, column = 1;

  for (const char *q = r->start; q < r->p && q < r->end; q++)
    {
      if (*q == '\n')
        {
          line++;
          column = 1;
        }
      else if (((guchar) *q & 0xc0) != 0x80)
        column++;
    }
  if (r->error != NULL && *r->error == NULL)
    g_set_error (r->error, TANDEM_MODEL_ERROR, TANDEM_MODEL_ERROR_INVALID,
                 "line %u, column %u: %s", line, column, what);
  return FALSE;
}

static inline void
skip_space (Reader *r)
{
  while (r->p < r->end && (*r->p == ' ' || *r->p == '\n' || *r->p == '\r' || *r->p == '\t'))
    r->p++;
}

static int
hex4 (const char *s)
{
  int v = 0;

  for (guint i = 0; i < 4; i++)
    {
      char c = s[i];

      v <<= 4;
      if (c >= '0' && c <= '9')
        v |= c - '0';
      else if (c >= 'a' && c <= 'f')
        v |= c - 'a' + 10;
      else if (c >= 'A' && c <= 'F')
        v |= c - 'A' + 10;
      else
        return -1;
    }
  return v;
}

/* Reads a string into r->scratch (the input is known to be valid UTF-8). */
static gboolean
read_string (Reader *r)
{
  const char *run;

  g_string_truncate (r->scratch, 0);
  r->p++; /* opening quote */
  run = r->p;
  for (;;)
    {
      guchar c;

      if (r->p >= r->end)
        return fail (r, "unterminated string");
      c = (guchar) *r->p;
      if (c == '"')
        {
          g_string_append_len (r->scratch, run, r->p - run);
          r->p++;
          return TRUE;
        }
      if (c < 0x20)
        return fail (r, "control character in a string");
      if (c != '\\')
        {
          r->p++;
          continue;
        }

      g_string_append_len (r->scratch, run, r->p - run);
      if (r->end - r->p < 2)
        return fail (r, "unterminated string");
      switch (r->p[1])
        {
        case '"': g_string_append_c (r->scratch, '"'); break;
        case '\\': g_string_append_c (r->scratch, '\\'); break;
        case '/': g_string_append_c (r->scratch, '/'); break;
        case 'b': g_string_append_c (r->scratch, '\b'); break;
        case 'f': g_string_append_c (r->scratch, '\f'); break;
        case 'n': g_string_append_c (r->scratch, '\n'); break;
        case 'r': g_string_append_c (r->scratch, '\r'); break;
        case 't': g_string_append_c (r->scratch, '\t'); break;
        case 'u':
          {
            int u, lo;

            if (r->end - r->p < 6 || (u = hex4 (r->p + 2)) < 0)
              return fail (r, "bad \\u escape");
            if (u >= 0xd800 && u < 0xdc00)
              {
                /* a surrogate pair */
                if (r->end - r->p < 12 || r->p[6] != '\\' || r->p[7] != 'u'
                    || (lo = hex4 (r->p + 8)) < 0xdc00 || lo > 0xdfff)
                  return fail (r, "unpaired surrogate in a \\u escape");
                u = 0x10000 + ((u - 0xd800) << 10) + (lo - 0xdc00);
                r->p += 6;
              }
            else if (u >= 0xdc00 && u <= 0xdfff)
              return fail (r, "unpaired surrogate in a \\u escape");
            if (u == 0)
              return fail (r, "NUL character in a string");
            g_string_append_unichar (r->scratch, (gunichar) u);
            r->p += 4;
            break;
          }
        default:
          return fail (r, "bad escape in a string");
        }
      r->p += 2;
      run = r->p;
    }
}

static JsonNode *
read_number (Reader *r)
{
  const char *s = r->p;
  gboolean integral = TRUE;
  char buf[64];
  gsize len;

  if (r->p < r->end && *r->p == '-')
    r->p++;
  if (r->p >= r->end || !g_ascii_isdigit (*r->p))
    return fail (r, "bad number"), NULL;
  if (*r->p == '0')
    r->p++;
  else
    while (r->p < r->end && g_ascii_isdigit (*r->p))
      r->p++;
  if (r->p < r->end && *r->p == '.')
    {
      integral = FALSE;
      r->p++;
      if (r->p >= r->end || !g_ascii_isdigit (*r->p))
        return fail (r, "bad number"), NULL;
      while (r->p < r->end && g_ascii_isdigit (*r->p))
        r->p++;
    }
  if (r->p < r->end && (*r->p == 'e' || *r->p == 'E'))
    {
      integral = FALSE;
      r->p++;
      if (r->p < r->end && (*r->p == '+' || *r->p == '-'))
        r->p++;
      if (r->p >= r->end || !g_ascii_isdigit (*r->p))
        return fail (r, "bad number"), NULL;
      while (r->p < r->end && g_ascii_isdigit (*r->p))
        r->p++;
    }

  len = r->p - s;
  if (len >= sizeof buf)
    {
      /* Only absurd inputs are this long; read them as (huge) doubles. */
      g_autofree char *copy = g_strndup (s, len);
      return json_node_init_double (json_node_alloc (), g_ascii_strtod (copy, NULL));
    }
  memcpy (buf, s, len);
  buf[len] = '\0';

  if (integral)
    {
      char *endptr;
      gint64 v;

      errno = 0;
      v = g_ascii_strtoll (buf, &endptr, 10);
      if (errno == 0)
        return json_node_init_int (json_node_alloc (), v);
      /* beyond 64 bits: keep its magnitude as a double */
    }
  return json_node_init_double (json_node_alloc (), g_ascii_strtod (buf, NULL));
}

static gboolean
read_literal (Reader     *r,
              const char *word)
{
  gsize len = strlen (word);

  if ((gsize) (r->end - r->p) < len || memcmp (r->p, word, len) != 0)
    return fail (r, "unexpected character");
  r->p += len;
  return TRUE;
}

static JsonNode *
read_object (Reader *r)
{
  g_autoptr(JsonObject) obj = json_object_new ();

  r->p++; /* { */
  skip_space (r);
  if (r->p < r->end && *r->p == '}')
    {
      r->p++;
      return take_object (g_steal_pointer (&obj));
    }
  for (;;)
    {
      g_autofree char *key = NULL;
      JsonNode *value;

      skip_space (r);
      if (r->p >= r->end || *r->p != '"')
        return fail (r, "expected a member name"), NULL;
      if (!read_string (r))
        return NULL;
      key = g_strndup (r->scratch->str, r->scratch->len);
      skip_space (r);
      if (r->p >= r->end || *r->p != ':')
        return fail (r, "expected ‘:’"), NULL;
      r->p++;
      if ((value = read_value (r)) == NULL)
        return NULL;
      json_object_set_member (obj, key, value);
      skip_space (r);
      if (r->p < r->end && *r->p == ',')
        {
          r->p++;
          continue;
        }
      if (r->p < r->end && *r->p == '}')
        {
          r->p++;
          return take_object (g_steal_pointer (&obj));
        }
      return fail (r, "expected ‘,’ or ‘}’"), NULL;
    }
}

static JsonNode *
read_array (Reader *r)
{
  g_autoptr(JsonArray) array = json_array_new ();

  r->p++; /* [ */
  skip_space (r);
  if (r->p < r->end && *r->p == ']')
    {
      r->p++;
      return take_array (g_steal_pointer (&array));
    }
  for (;;)
    {
      JsonNode *value = read_value (r);

      if (value == NULL)
        return NULL;
      json_array_add_element (array, value);
      skip_space (r);
      if (r->p < r->end && *r->p == ',')
        {
          r->p++;
          continue;
        }
      if (r->p < r->end && *r->p == ']')
        {
          r->p++;
          return take_array (g_steal_pointer (&array));
        }
      return fail (r, "expected ‘,’ or ‘]’"), NULL;
    }
}

static JsonNode *
read_value (Reader *r)
{
  JsonNode *node;

  skip_space (r);
  if (r->p >= r->end)
    return fail (r, "unexpected end of data"), NULL;

  switch (*r->p)
    {
    case '{':
    case '[':
      if (++r->depth > r->max_depth)
        {
          g_autofree char *what = g_strdup_printf ("nested more than %u levels deep",
                                                   r->max_depth);
          return fail (r, what), NULL;
        }
      node = *r->p == '{' ? read_object (r) : read_array (r);
      r->depth--;
      return node;
    case '"':
      if (!read_string (r))
        return NULL;
      node = json_node_alloc ();
      json_node_init_string (node, r->scratch->str);
      return node;
    case 't':
      return read_literal (r, "true") ? json_node_init_boolean (json_node_alloc (), TRUE) : NULL;
    case 'f':
      return read_literal (r, "false") ? json_node_init_boolean (json_node_alloc (), FALSE) : NULL;
    case 'n':
      return read_literal (r, "null") ? json_node_init_null (json_node_alloc ()) : NULL;
    default:
      if (*r->p == '-' || g_ascii_isdigit (*r->p))
        return read_number (r);
      return fail (r, "unexpected character"), NULL;
    }
}

JsonNode *
_tandem_json_parse (const char  *data,
                    gsize        length,
                    guint        max_depth,
                    GError     **error)
{
  g_autoptr(GString) scratch = g_string_sized_new (256);
  Reader r = { data, data, data + length, 0, max_depth, scratch, error };
  const char *bad;
  JsonNode *root;

  if (!g_utf8_validate_len (data, length, &bad))
    {
      r.p = bad;
      fail (&r, *bad == '\0' ? "NUL byte in the data" : "the data is not valid UTF-8");
      return NULL;
    }
  root = read_value (&r);
  if (root == NULL)
    return NULL;
  skip_space (&r);
  if (r.p != r.end)
    {
      fail (&r, "unexpected data after the end");
      json_node_unref (root);
      return NULL;
    }
  return root;
}

/* Writes doubles in the shortest form that reads back to the same value,
 * always with a fraction or exponent so they read back as doubles. */
void
_tandem_json_write_double (GString *out,
                           double   value)
{
  static const char * const formats[] = { "%.15g", "%.16g", "%.17g" };
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  if (!isfinite (value))
    {
      /* JSON has no NaN or infinity; validation refuses them anyway. */
      g_string_append (out, "null");
      return;
    }
  for (guint i = 0; i < G_N_ELEMENTS (formats); i++)
    {
      g_ascii_formatd (buf, sizeof buf, formats[i], value);
      if (g_ascii_strtod (buf, NULL) == value)
        break;
    }
  g_string_append (out, buf);
  if (strpbrk (buf, ".eE") == NULL)
    g_string_append (out, ".0");
}

void
_tandem_json_write_string (GString    *out,
                           const char *s)
{
  const char *run = s;

  g_string_append_c (out, '"');
  for (; *s != '\0'; s++)
    {
      guchar c = (guchar) *s;

      if (c >= 0x20 && c != '"' && c != '\\')
        continue;
      g_string_append_len (out, run, s - run);
      switch (c)
        {
        case '"': g_string_append (out, "\\\""); break;
        case '\\': g_string_append (out, "\\\\"); break;
        case '\n': g_string_append (out, "\\n"); break;
        case '\t': g_string_append (out, "\\t"); break;
        case '\r': g_string_append (out, "\\r"); break;
        case '\b': g_string_append (out, "\\b"); break;
        case '\f': g_string_append (out, "\\f"); break;
        default: g_string_append_printf (out, "\\u%04x", c); break;
        }
      run = s + 1;
    }
  g_string_append_len (out, run, s - run);
  g_string_append_c (out, '"');
}

static void
write_newline (GString *out,
               int      indent)
{
  if (indent < 0)
    return;
  g_string_append_c (out, '\n');
  for (int i = 0; i < indent; i++)
    g_string_append (out, "  ");
}

static void
write_node (GString  *out,
            JsonNode *node,
            int       indent) /* -1: compact */
{
  switch (json_node_get_node_type (node))
    {
    case JSON_NODE_OBJECT:
      {
        JsonObjectIter iter;
        const char *name;
        JsonNode *member;
        gboolean first = TRUE;

        g_string_append_c (out, '{');
        json_object_iter_init_ordered (&iter, json_node_get_object (node));
        while (json_object_iter_next_ordered (&iter, &name, &member))
          {
            if (!first)
              g_string_append_c (out, ',');
            first = FALSE;
            write_newline (out, indent < 0 ? -1 : indent + 1);
            _tandem_json_write_string (out, name);
            g_string_append (out, indent < 0 ? ":" : ": ");
            write_node (out, member, indent < 0 ? -1 : indent + 1);
          }
        if (!first)
          write_newline (out, indent);
        g_string_append_c (out, '}');
        break;
      }
    case JSON_NODE_ARRAY:
      {
        JsonArray *array = json_node_get_array (node);
        guint n = json_array_get_length (array);

        g_string_append_c (out, '[');
        for (guint i = 0; i < n; i++)
          {
            if (i > 0)
              g_string_append_c (out, ',');
            write_newline (out, indent < 0 ? -1 : indent + 1);
            write_node (out, json_array_get_element (array, i), indent < 0 ? -1 : indent + 1);
          }
        if (n > 0)
          write_newline (out, indent);
        g_string_append_c (out, ']');
        break;
      }
    case JSON_NODE_NULL:
      g_string_append (out, "null");
      break;
    case JSON_NODE_VALUE:
    default:
      {
        GType type = json_node_get_value_type (node);

        if (type == G_TYPE_INT64)
          g_string_append_printf (out, "%" G_GINT64_FORMAT, json_node_get_int (node));
        else if (type == G_TYPE_DOUBLE)
          _tandem_json_write_double (out, json_node_get_double (node));
        else if (type == G_TYPE_BOOLEAN)
          g_string_append (out, json_node_get_boolean (node) ? "true" : "false");
        else if (type == G_TYPE_STRING)
          _tandem_json_write_string (out, json_node_get_string (node));
        else
          g_string_append (out, "null");
        break;
      }
    }
}

char *
_tandem_json_to_string (JsonNode *node,
                        gboolean  pretty,
                        gsize    *length)
{
  GString *out = g_string_sized_new (4096);

  write_node (out, node, pretty ? 0 : -1);
  if (pretty)
    g_string_append_c (out, '\n');
  if (length != NULL)
    *length = out->len;
  return g_string_free (out, FALSE);
}
