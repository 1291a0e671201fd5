/* tandem-presence.h — what a presence (name, colour, cursor) may hold
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* Characters (after NFC normalization and trimming) a display name may have. */
#define TANDEM_PRESENCE_MAX_NAME_CHARS 48
/* The highest cursor step (a pattern has at most 64 steps). */
#define TANDEM_PRESENCE_MAX_STEP       63
#define TANDEM_PRESENCE_MAX_CONTROL    32

/* The name as others see it: NFC, trimmed, at most
 * TANDEM_PRESENCE_MAX_NAME_CHARS characters, with no control, format
 * (bidi overrides, isolates, zero-width) or separator characters other than
 * the plain space. NULL with TANDEM_SYNC_ERROR_PROTOCOL when it cannot be
 * shown safely. */
char     *tandem_presence_clean_name   (const char  *name,
                                        GError     **error);
/* A name that passes tandem_presence_clean_name(), made from any text: the
 * characters that may not be shown dropped, white space folded, cut to
 * TANDEM_PRESENCE_MAX_NAME_CHARS characters. For the names a client sends. */
char     *tandem_presence_make_name    (const char  *name);
/* "" (no colour) or "#rrggbb"; returned in lower case. */
char     *tandem_presence_clean_color  (const char  *color,
                                        GError     **error);
/* NULL (no cursor) or an object with only these optional members:
 * "pattern" and "track" (entity ids), "step" (0 … 63) and "control" (a
 * mixer control name: [a-z0-9-], at most 32 characters). */
gboolean  tandem_presence_check_cursor (JsonNode    *cursor,
                                        GError     **error);
/* NULL (no view) or an object with only these optional members: "pattern"
 * (the id of the pattern the person edits) and "page" (one of
 * tandem_presence_pages). */
gboolean  tandem_presence_check_view   (JsonNode    *view,
                                        GError     **error);
/* The pages a view may name, NULL-terminated: "grid", "mixer", "song". */
extern const char * const tandem_presence_pages[];

/* The colours a session hands out, so that no two people share one. */
#define TANDEM_PRESENCE_N_COLORS 12
extern const char * const tandem_presence_palette[TANDEM_PRESENCE_N_COLORS];
/* The colour someone gets: @wanted ("#rrggbb", "" for none) if nobody in
 * @taken (colours in use, NULL-terminated or NULL) has it, else the first
 * palette colour nobody has, else @wanted or the palette's first. The same
 * inputs always give the same colour. */
const char *tandem_presence_pick_color (const char         *wanted,
                                        const char * const *taken);

G_END_DECLS
