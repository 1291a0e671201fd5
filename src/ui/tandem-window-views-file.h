/* tandem-window-views-file.h — reading the file of views each person last had
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One group per project or session, named by 64 hex digits (a SHA-256),
 * with "pattern" (an id), "page" (grid, mixer or song) and "used" (Unix
 * seconds).
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define TANDEM_VIEWS_MAX_FILE_BYTES (256 * 1024)
#define TANDEM_VIEWS_MAX_ENTRIES    200
#define TANDEM_VIEWS_MAX_PATTERN_ID 128

gboolean  tandem_views_file_is_page (const char  *page);
GKeyFile *tandem_views_file_parse   (const char  *data,
                                     gsize        length,
                                     GError     **error);

G_END_DECLS
