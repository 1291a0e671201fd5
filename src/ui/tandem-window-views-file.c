/* tandem-window-views-file.c — reading the file of views each person last had
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * GLib only, so the fuzz target (fuzz/fuzz-views-file.c) builds it without
 * GTK. The file is the user's own, but read as any outside bytes.
 */
#define G_LOG_DOMAIN "tandem-ui"

#include "config.h"

#include <gio/gio.h>
#include <string.h>

#include "tandem-window-views-file.h"

gboolean
tandem_views_file_is_page (const char *page)
{
  return g_strcmp0 (page, "grid") == 0 || g_strcmp0 (page, "mixer") == 0 ||
         g_strcmp0 (page, "song") == 0;
}

static gboolean
is_entry_name (const char *name)
{
  if (strlen (name) != 64)
    return FALSE;
  for (const char *c = name; *c; c++)
    if (!g_ascii_isxdigit (*c))
      return FALSE;
  return TRUE;
}

/* Keeps only well-formed entries of @file; FALSE when there are too many. */
static gboolean
check_entries (GKeyFile *file)
{
  g_auto(GStrv) groups = g_key_file_get_groups (file, NULL);
  guint n = g_strv_length (groups);

  if (n > TANDEM_VIEWS_MAX_ENTRIES)
    return FALSE;
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *pattern = g_key_file_get_string (file, groups[i], "pattern", NULL);
      g_autofree char *page = g_key_file_get_string (file, groups[i], "page", NULL);

      if (!is_entry_name (groups[i]) || pattern == NULL || strlen (pattern) > TANDEM_VIEWS_MAX_PATTERN_ID ||
          !g_utf8_validate (pattern, -1, NULL) || !tandem_views_file_is_page (page))
        g_key_file_remove_group (file, groups[i], NULL);
    }
  return TRUE;
}

/**
 * tandem_views_file_parse:
 * @data: the bytes of a views file
 * @length: how many
 *
 * Reads a views file. Returns: (transfer full) (nullable): its well-formed
 * entries, or NULL with @error when it is too large, has too many entries or
 * is no key file.
 */
GKeyFile *
tandem_views_file_parse (const char  *data,
                         gsize        length,
                         GError     **error)
{
  g_autoptr(GKeyFile) file = g_key_file_new ();

  if (length > TANDEM_VIEWS_MAX_FILE_BYTES)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_MESSAGE_TOO_LARGE,
                   "The views file is larger than %u bytes", TANDEM_VIEWS_MAX_FILE_BYTES);
      return NULL;
    }
  if (!g_key_file_load_from_data (file, data, length, G_KEY_FILE_NONE, error))
    return NULL;
  if (!check_entries (file))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   "The views file has more than %u entries", TANDEM_VIEWS_MAX_ENTRIES);
      return NULL;
    }
  return g_steal_pointer (&file);
}
