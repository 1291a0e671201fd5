/* tandem-json-guard.c — the bounded pre-scan in front of json-glib, and its
 * generator for Tandem's canonical text
 *
 * json-glib parses and writes all of Tandem's JSON. Everything it parses comes
 * from other people (sockets, files, the journal), though, and json-glib
 * 1.6's parser recurses once per nesting level without a limit and spends
 * about half a microsecond and a node per token, while its scanner accepts
 * more than RFC 8259 (comments, single quotes, hex and leading-zero numbers,
 * unknown escapes, raw control characters, "\u0000" that cuts a string
 * short) and wraps integers beyond 64 bits to other values. One linear pass
 * over the bytes refuses all of that, and anything larger, deeper or with
 * more tokens than the caller's limits, before the parser runs; json-glib
 * then checks the grammar and builds the tree. The pass keeps no state but a
 * depth and a token counter: it checks tokens, not the order they come in;
 * UTF-8 is json-glib's to check (it does, first).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-model"

#include "config.h"

#include <stdio.h>
#include <string.h>

#include "tandem-model-private.h"

/* The limits say what a legitimate text of each kind can need: a project of
 * 256 tracks × 256 patterns with every row set holds about 600,000 tokens, a
 * batch of 1,000 cell edits about 15,000, and ops nest 32 batches deep. */
const TandemJsonLimits tandem_json_limits_message = {
  .max_bytes = 64 * 1024 * 1024,
  .max_depth = 80,
  .max_tokens = 128 * 1024,
  .immutable = TRUE,
};
const TandemJsonLimits tandem_json_limits_server_message = {
  .max_bytes = 128 * 1024 * 1024,
  .max_depth = 80,
  .max_tokens = 5 * 1024 * 1024,
  .immutable = TRUE,
};
const TandemJsonLimits tandem_json_limits_http_body = {
  .max_bytes = 64 * 1024 * 1024,
  .max_depth = 40,
  .max_tokens = 4 * 1024 * 1024,
  .immutable = FALSE,
};
const TandemJsonLimits tandem_json_limits_http_reply = {
  .max_bytes = 64 * 1024,
  .max_depth = 8,
  .max_tokens = 4096,
  .immutable = FALSE,
};
const TandemJsonLimits tandem_json_limits_journal_record = {
  .max_bytes = 64 * 1024 * 1024,
  .max_depth = 80,
  .max_tokens = 4 * 1024 * 1024,
  .immutable = TRUE,
};
const TandemJsonLimits tandem_json_limits_session_file = {
  .max_bytes = 128 * 1024 * 1024,
  .max_depth = 40,
  .max_tokens = 5 * 1024 * 1024,
  .immutable = FALSE,
};
const TandemJsonLimits tandem_json_limits_project_file = {
  .max_bytes = TANDEM_FILE_MAX_BYTES,
  .max_depth = TANDEM_FILE_MAX_DEPTH,
  .max_tokens = 4 * 1024 * 1024,
  .immutable = FALSE,
};
const TandemJsonLimits tandem_json_limits_op = {
  .max_bytes = TANDEM_FILE_MAX_BYTES,
  .max_depth = 80,
  .max_tokens = 4 * 1024 * 1024,
  .immutable = FALSE,
};

typedef struct
{
  const char *start;
  const char *end;
  const char *p;
} Scan;

/* Sets "line L, column C: what", counting columns in characters. */
static gboolean
fail_at (const char  *start,
         const char  *end,
         const char  *at,
         const char  *what,
         GError     **error)
{
  guint line = 1, column = 1;

  for (const char *q = start; q < at && q < end; q++)
    {
      if (*q == '\n')
        {
          line++;
          column = 1;
        }
      else if (((guchar) *q & 0xc0) != 0x80)
        column++;
    }
  g_set_error (error, TANDEM_MODEL_ERROR, TANDEM_MODEL_ERROR_INVALID,
               "line %u, column %u: %s", line, column, what);
  return FALSE;
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

/* Bytes that end a run of plain string content: the quote, the backslash
 * and control characters. UTF-8 is left to json-glib, which validates it
 * before parsing. */
static guint8 string_stop[256];

static void
init_tables (void)
{
  static gsize initialized = 0;

  if (g_once_init_enter (&initialized))
    {
      for (guint c = 0; c < 0x20; c++)
        string_stop[c] = 1;
      string_stop['"'] = 1;
      string_stop['\\'] = 1;
      g_once_init_leave (&initialized, 1);
    }
}

static gboolean
scan_string (Scan    *s,
             GError **error)
{
  s->p++; /* opening quote */
  while (s->p < s->end)
    {
      guchar c;
      int u, lo;

      while (s->p < s->end && !string_stop[(guchar) *s->p])
        s->p++;
      if (s->p >= s->end)
        break;
      c = (guchar) *s->p;
      if (c == '"')
        {
          s->p++;
          return TRUE;
        }
      if (c < 0x20)
        return fail_at (s->start, s->end, s->p,
                        c == 0 ? "NUL byte in the data" : "control character in a string", error);
      if (s->end - s->p < 2)
        break;
      switch (s->p[1])
        {
        case '"': case '\\': case '/': case 'b': case 'f': case 'n': case 'r': case 't':
          s->p += 2;
          break;
        case 'u':
          if (s->end - s->p < 6 || (u = hex4 (s->p + 2)) < 0)
            return fail_at (s->start, s->end, s->p, "bad \\u escape", error);
          if (u == 0)
            return fail_at (s->start, s->end, s->p, "NUL character in a string", error);
          if (u >= 0xdc00 && u <= 0xdfff)
            return fail_at (s->start, s->end, s->p, "unpaired surrogate in a \\u escape", error);
          if (u >= 0xd800 && u < 0xdc00)
            {
              if (s->end - s->p < 12 || s->p[6] != '\\' || s->p[7] != 'u'
                  || (lo = hex4 (s->p + 8)) < 0xdc00 || lo > 0xdfff)
                return fail_at (s->start, s->end, s->p, "unpaired surrogate in a \\u escape",
                                error);
              s->p += 6;
            }
          s->p += 6;
          break;
        default:
          return fail_at (s->start, s->end, s->p, "bad escape in a string", error);
        }
    }
  return fail_at (s->start, s->end, s->p, "unterminated string", error);
}

static inline gboolean
is_digit (const Scan *s)
{
  return s->p < s->end && *s->p >= '0' && *s->p <= '9';
}

static gboolean
scan_number (Scan    *s,
             GError **error)
{
  const char *first = s->p, *digits;
  gboolean negative = *s->p == '-';
  gboolean integral = TRUE;
  gsize n_digits;

  if (*s->p == '-')
    s->p++;
  digits = s->p;
  if (!is_digit (s))
    return fail_at (s->start, s->end, first, "bad number", error);
  if (*s->p == '0')
    s->p++;
  else
    while (is_digit (s))
      s->p++;
  n_digits = s->p - digits;
  if (s->p < s->end && *s->p == '.')
    {
      integral = FALSE;
      s->p++;
      if (!is_digit (s))
        return fail_at (s->start, s->end, first, "bad number", error);
      while (is_digit (s))
        s->p++;
    }
  if (s->p < s->end && (*s->p == 'e' || *s->p == 'E'))
    {
      integral = FALSE;
      s->p++;
      if (s->p < s->end && (*s->p == '+' || *s->p == '-'))
        s->p++;
      if (!is_digit (s))
        return fail_at (s->start, s->end, first, "bad number", error);
      while (is_digit (s))
        s->p++;
    }
  /* A number ends at a delimiter: json-glib would read "01" as 1. */
  if (s->p < s->end && strchr (" \t\r\n,]}", *s->p) == NULL)
    return fail_at (s->start, s->end, first, "bad number", error);
  /* json-glib would wrap these around to other values. */
  if (integral && (n_digits > 19
                   || (n_digits == 19
                       && memcmp (digits, negative ? "9223372036854775808"
                                                   : "9223372036854775807", 19) > 0)))
    return fail_at (s->start, s->end, first, "integer beyond 64 bits", error);
  return TRUE;
}

static gboolean
scan_literal (Scan       *s,
              const char *word,
              GError    **error)
{
  gsize len = strlen (word);

  if ((gsize) (s->end - s->p) < len || memcmp (s->p, word, len) != 0)
    return fail_at (s->start, s->end, s->p, "unexpected character", error);
  s->p += len;
  return TRUE;
}

static const char *
unexpected_byte (const char *start,
                 const char *end,
                 const char *at)
{
  if (*at == '\0')
    return "NUL byte in the data";
  if ((guchar) *at >= 0x80 && g_utf8_get_char_validated (at, end - at) >= (gunichar) -2)
    return "the data is not valid UTF-8";
  return "unexpected character";
}

static gboolean
too_many_tokens (const char  *data,
                 const char  *end,
                 const char  *at,
                 guint        max_tokens,
                 GError     **error)
{
  g_autofree char *what = g_strdup_printf ("more than %u tokens", max_tokens);

  return fail_at (data, end, at, what, error);
}

static gboolean
prescan (const char              *data,
         gsize                    length,
         const TandemJsonLimits  *limits,
         GError                 **error)
{
  Scan s = { data, data + length, data };
  gboolean have_root = FALSE;
  guint max_depth = limits->max_depth;
  guint max_tokens = limits->max_tokens;
  guint depth = 0;
  guint tokens = 0;

  init_tables ();
  while (s.p < s.end)
    {
      gboolean ok = TRUE;
      char c = *s.p;

      if (c == ' ' || c == '\n' || c == '\r' || c == '\t')
        {
          do
            s.p++;
          while (s.p < s.end && (*s.p == ' ' || *s.p == '\n' || *s.p == '\r' || *s.p == '\t'));
          continue;
        }
      if (depth == 0 && have_root)
        return fail_at (data, s.end, s.p, "unexpected data after the end", error);

      switch (c)
        {
        case '{':
        case '[':
          if (++tokens > max_tokens)
            return too_many_tokens (data, s.end, s.p, max_tokens, error);
          if (++depth > max_depth)
            {
              g_autofree char *what = g_strdup_printf ("nested more than %u levels deep",
                                                       max_depth);
              return fail_at (data, s.end, s.p, what, error);
            }
          s.p++;
          continue;
        case '}':
        case ']':
        case ',':
        case ':':
          if (depth == 0)
            return fail_at (data, s.end, s.p, "unexpected character", error);
          if (c == '}' || c == ']')
            depth--;
          s.p++;
          break;
        case '"':
          if (++tokens > max_tokens)
            return too_many_tokens (data, s.end, s.p, max_tokens, error);
          ok = scan_string (&s, error);
          break;
        case 't':
          ok = scan_literal (&s, "true", error);
          break;
        case 'f':
          ok = scan_literal (&s, "false", error);
          break;
        case 'n':
          ok = scan_literal (&s, "null", error);
          break;
        default:
          if (c == '-' || (c >= '0' && c <= '9'))
            ok = scan_number (&s, error);
          else
            return fail_at (data, s.end, s.p, unexpected_byte (data, s.end, s.p), error);
          break;
        }
      /* Literals and numbers count once they are read. */
      if (ok && c != '"' && c != '}' && c != ']' && c != ',' && c != ':'
          && ++tokens > max_tokens)
        return too_many_tokens (data, s.end, s.p, max_tokens, error);
      if (!ok)
        return FALSE;
      if (depth == 0)
        have_root = TRUE;
    }
  if (!have_root || depth > 0)
    return fail_at (data, s.end, s.end, "unexpected end of data", error);
  return TRUE;
}

/* json-glib 1.6 says "<data>:LINE:BYTE-COLUMN: Parse error: what", or
 * "JSON data must be UTF-8 encoded" without a place. */
static void
set_parser_error (const char  *data,
                  gsize        length,
                  GError      *parser_error,
                  GError     **error)
{
  const char *end = data + length, *at = data;
  const char *message = parser_error->message;
  guint line, column;
  int consumed = 0;

  if (sscanf (message, "<data>:%u:%u: %n", &line, &column, &consumed) < 2 || consumed == 0)
    {
      const char *bad;

      /* an encoding error: find the place */
      if (!g_utf8_validate_len (data, length, &bad))
        fail_at (data, end, bad,
                 *bad == '\0' ? "NUL byte in the data" : "the data is not valid UTF-8", error);
      else
        g_set_error_literal (error, TANDEM_MODEL_ERROR, TANDEM_MODEL_ERROR_INVALID, message);
      return;
    }
  message += consumed;
  if (g_str_has_prefix (message, "Parse error: "))
    message += strlen ("Parse error: ");

  for (guint l = 1; l < line && at < end; at++)
    if (*at == '\n')
      l++;
  for (guint c = 1; c < column && at < end && *at != '\n'; c++)
    at++;
  fail_at (data, end, at, message, error);
}

/**
 * tandem_json_parse_bounded:
 * @data: (array length=length) (nullable): the text, not necessarily NUL-terminated
 * @limits: the preset for what the text is (tandem_json_limits_message, …)
 *
 * The only way Tandem parses JSON it did not make itself in this process.
 *
 * Returns: (transfer full) (nullable): the root, or NULL with @error set
 *   (TANDEM_MODEL_ERROR_INVALID)
 */
JsonNode *
tandem_json_parse_bounded (const char              *data,
                           gsize                    length,
                           const TandemJsonLimits  *limits,
                           GError                 **error)
{
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (data != NULL || length == 0, NULL);
  g_return_val_if_fail (limits != NULL, NULL);

  if (length > limits->max_bytes)
    {
      g_set_error (error, TANDEM_MODEL_ERROR, TANDEM_MODEL_ERROR_INVALID,
                   "the text is too large (%" G_GSIZE_FORMAT " bytes; at most %" G_GSIZE_FORMAT
                   ")", length, limits->max_bytes);
      return NULL;
    }
  if (length == 0)
    {
      g_set_error_literal (error, TANDEM_MODEL_ERROR, TANDEM_MODEL_ERROR_INVALID,
                           "the text is empty");
      return NULL;
    }
  if (!prescan (data, length, limits, error))
    return NULL;

  parser = limits->immutable ? json_parser_new_immutable () : json_parser_new ();
  if (!json_parser_load_from_data (parser, data, (gssize) length, &local_error))
    {
      set_parser_error (data, length, local_error, error);
      return NULL;
    }
  /* The pre-scan saw a value, so there is a root. */
  return json_parser_steal_root (parser);
}

char *
_tandem_json_to_string (JsonNode *node,
                        gboolean  pretty,
                        gsize    *length)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  GString *out = g_string_sized_new (4096);

  json_generator_set_pretty (generator, pretty);
  json_generator_set_root (generator, node);
  json_generator_to_gstring (generator, out);
  if (pretty)
    g_string_append_c (out, '\n');
  if (length != NULL)
    *length = out->len;
  return g_string_free (out, FALSE);
}
