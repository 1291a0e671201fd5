/* tandem-presence.c — validation of what participants say about themselves
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-sync"

#include "config.h"

#include <string.h>

#include "tandem-model.h"
#include "tandem-presence.h"
#include "tandem-protocol.h"

/* Names are shown in toasts, avatars and terminals (the server logs them):
 * nothing may reorder the text around them, hide in them or steer a
 * terminal. */
static gboolean
is_forbidden_char (gunichar c)
{
  /* Joiners shape emoji sequences and many scripts; they reorder nothing. */
  if (c == ' ' || c == 0x200c || c == 0x200d)
    return FALSE;
  if ((c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069))
    return TRUE;   /* bidi embeddings, overrides and isolates */
  switch (g_unichar_type (c))
    {
    case G_UNICODE_CONTROL:
    case G_UNICODE_FORMAT:
    case G_UNICODE_UNASSIGNED:
    case G_UNICODE_PRIVATE_USE:
    case G_UNICODE_SURROGATE:
    case G_UNICODE_LINE_SEPARATOR:
    case G_UNICODE_PARAGRAPH_SEPARATOR:
    case G_UNICODE_SPACE_SEPARATOR:
      return TRUE;
    default:
      return FALSE;
    }
}

char *
tandem_presence_clean_name (const char  *name,
                            GError     **error)
{
  g_autofree char *nfc = NULL;
  const char *start, *end;
  glong n_chars;

  if (!g_utf8_validate (name, -1, NULL)
      || (nfc = g_utf8_normalize (name, -1, G_NORMALIZE_NFC)) == NULL)
    {
      g_set_error (error, TANDEM_SYNC_ERROR, TANDEM_SYNC_ERROR_PROTOCOL,
                   "The name is not valid UTF-8");
      return NULL;
    }
  start = nfc;
  while (*start && g_unichar_isspace (g_utf8_get_char (start)))
    start = g_utf8_next_char (start);
  end = start + strlen (start);
  while (end > start)
    {
      const char *prev = g_utf8_prev_char (end);

      if (!g_unichar_isspace (g_utf8_get_char (prev)))
        break;
      end = prev;
    }
  n_chars = g_utf8_strlen (start, end - start);
  if (n_chars > TANDEM_PRESENCE_MAX_NAME_CHARS)
    {
      g_set_error (error, TANDEM_SYNC_ERROR, TANDEM_SYNC_ERROR_PROTOCOL,
                   "A name has at most %d characters", TANDEM_PRESENCE_MAX_NAME_CHARS);
      return NULL;
    }
  for (const char *p = start; p < end; p = g_utf8_next_char (p))
    if (is_forbidden_char (g_utf8_get_char (p)))
      {
        g_set_error (error, TANDEM_SYNC_ERROR, TANDEM_SYNC_ERROR_PROTOCOL,
                     "The name holds a control, formatting or bidirectional character "
                     "(U+%04X)", g_utf8_get_char (p));
        return NULL;
      }
  return g_strndup (start, end - start);
}

char *
tandem_presence_make_name (const char *name)
{
  g_autofree char *valid = g_utf8_make_valid (name ? name : "", -1);
  g_autofree char *nfc = g_utf8_normalize (valid, -1, G_NORMALIZE_NFC);
  GString *out = g_string_new (NULL);
  guint n_chars = 0;
  char *clean;

  for (const char *p = nfc ? nfc : ""; *p && n_chars < TANDEM_PRESENCE_MAX_NAME_CHARS; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (g_unichar_isspace (c))
        c = ' ';
      else if (is_forbidden_char (c))
        continue;
      if (c == ' ' && (out->len == 0 || out->str[out->len - 1] == ' '))
        continue;
      g_string_append_unichar (out, c);
      n_chars++;
    }
  clean = tandem_presence_clean_name (out->str, NULL);
  g_string_free (out, TRUE);
  return clean ? clean : g_strdup ("");
}

char *
tandem_presence_clean_color (const char  *color,
                             GError     **error)
{
  if (*color == '\0')
    return g_strdup ("");
  if (strlen (color) != 7 || color[0] != '#')
    goto bad;
  for (guint i = 1; i < 7; i++)
    if (!g_ascii_isxdigit (color[i]))
      goto bad;
  return g_ascii_strdown (color, -1);

bad:
  g_set_error (error, TANDEM_SYNC_ERROR, TANDEM_SYNC_ERROR_PROTOCOL,
               "A colour is written #rrggbb");
  return NULL;
}

static gboolean
is_control_name (const char *s)
{
  gsize n = strlen (s);

  if (n == 0 || n > TANDEM_PRESENCE_MAX_CONTROL)
    return FALSE;
  for (gsize i = 0; i < n; i++)
    if (!g_ascii_islower (s[i]) && !g_ascii_isdigit (s[i]) && s[i] != '-')
      return FALSE;
  return TRUE;
}

static gboolean
member_is_string (JsonNode *node)
{
  return JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING;
}

gboolean
tandem_presence_check_cursor (JsonNode  *cursor,
                              GError   **error)
{
  g_autoptr(GList) members = NULL;
  JsonObject *obj;

  if (cursor == NULL || JSON_NODE_HOLDS_NULL (cursor))
    return TRUE;
  if (!JSON_NODE_HOLDS_OBJECT (cursor))
    goto bad;
  obj = json_node_get_object (cursor);
  members = json_object_get_members (obj);
  for (GList *l = members; l; l = l->next)
    {
      const char *name = l->data;
      JsonNode *node = json_object_get_member (obj, name);

      if (g_str_equal (name, "pattern") || g_str_equal (name, "track"))
        {
          if (!member_is_string (node) || !tandem_id_is_valid (json_node_get_string (node)))
            goto bad;
        }
      else if (g_str_equal (name, "step"))
        {
          if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64
              || json_node_get_int (node) < 0 || json_node_get_int (node) > TANDEM_PRESENCE_MAX_STEP)
            goto bad;
        }
      else if (g_str_equal (name, "control"))
        {
          if (!member_is_string (node) || !is_control_name (json_node_get_string (node)))
            goto bad;
        }
      else
        goto bad;
    }
  return TRUE;

bad:
  g_set_error (error, TANDEM_SYNC_ERROR, TANDEM_SYNC_ERROR_PROTOCOL,
               "A cursor is null or an object of pattern and track (ids), step (0 … %d) "
               "and control ([a-z0-9-], ≤ %d characters), each optional",
               TANDEM_PRESENCE_MAX_STEP, TANDEM_PRESENCE_MAX_CONTROL);
  return FALSE;
}

const char * const tandem_presence_pages[] = { "grid", "mixer", "song", NULL };

gboolean
tandem_presence_check_view (JsonNode  *view,
                            GError   **error)
{
  g_autoptr(GList) members = NULL;
  JsonObject *obj;

  if (view == NULL || JSON_NODE_HOLDS_NULL (view))
    return TRUE;
  if (!JSON_NODE_HOLDS_OBJECT (view))
    goto bad;
  obj = json_node_get_object (view);
  members = json_object_get_members (obj);
  for (GList *l = members; l; l = l->next)
    {
      const char *name = l->data;
      JsonNode *node = json_object_get_member (obj, name);

      if (g_str_equal (name, "pattern"))
        {
          if (!member_is_string (node) || !tandem_id_is_valid (json_node_get_string (node)))
            goto bad;
        }
      else if (g_str_equal (name, "page"))
        {
          if (!member_is_string (node)
              || !g_strv_contains (tandem_presence_pages, json_node_get_string (node)))
            goto bad;
        }
      else
        goto bad;
    }
  return TRUE;

bad:
  g_set_error (error, TANDEM_SYNC_ERROR, TANDEM_SYNC_ERROR_PROTOCOL,
               "A view is null or an object of pattern (an id) and page (grid, mixer or "
               "song), each optional");
  return FALSE;
}

/* GNOME's palette (the 3 shades), in an order where neighbours differ most. */
const char * const tandem_presence_palette[TANDEM_PRESENCE_N_COLORS] = {
  "#3584e4", "#e01b24", "#33d17a", "#ff7800", "#9141ac", "#f6d32d",
  "#986a44", "#2190a4", "#d56199", "#1a5fb4", "#26a269", "#c64600",
};

static gboolean
color_is_taken (const char         *color,
                const char * const *taken)
{
  for (guint i = 0; taken != NULL && taken[i] != NULL; i++)
    if (g_ascii_strcasecmp (taken[i], color) == 0)
      return TRUE;
  return FALSE;
}

const char *
tandem_presence_pick_color (const char         *wanted,
                            const char * const *taken)
{
  if (wanted != NULL && wanted[0] != '\0' && !color_is_taken (wanted, taken))
    return wanted;
  for (guint i = 0; i < TANDEM_PRESENCE_N_COLORS; i++)
    if (!color_is_taken (tandem_presence_palette[i], taken))
      return tandem_presence_palette[i];
  /* More people than colours: sharing cannot be avoided. */
  return wanted != NULL && wanted[0] != '\0' ? wanted : tandem_presence_palette[0];
}
