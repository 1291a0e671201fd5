/* fuzz-views-file.c — the file of views each person last had: what parses
 * keeps only well-formed entries, within the bounds
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "fuzz-common.h"
#include "tandem-window-views-file.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GKeyFile) file = NULL;
  g_auto(GStrv) groups = NULL;
  guint n;

  fuzz_init ();
  file = tandem_views_file_parse ((const char *) data, size, NULL);
  if (file == NULL)
    return 0;
  groups = g_key_file_get_groups (file, NULL);
  n = g_strv_length (groups);
  if (n > TANDEM_VIEWS_MAX_ENTRIES)
    abort ();
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *pattern = g_key_file_get_string (file, groups[i], "pattern", NULL);
      g_autofree char *page = g_key_file_get_string (file, groups[i], "page", NULL);

      if (strlen (groups[i]) != 64 || pattern == NULL ||
          strlen (pattern) > TANDEM_VIEWS_MAX_PATTERN_ID || !tandem_views_file_is_page (page))
        abort ();
    }
  return 0;
}
