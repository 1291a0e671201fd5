/* tandem-history-panel.h — a session's timeline: who did what when, save points, restore
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "tandem-model.h"
#include "tandem-sync-client.h"
#include "tandem-sync-client-history.h"

G_BEGIN_DECLS

#define TANDEM_TYPE_HISTORY_PANEL (tandem_history_panel_get_type ())
G_DECLARE_FINAL_TYPE (TandemHistoryPanel, tandem_history_panel, TANDEM, HISTORY_PANEL, GtkBox)

/*
 * Lists the session's save points, then its edits grouped by person and
 * minute, newest first ("Ada — 12 grid edits in Chorus, 14:02"). Activating
 * a row fetches the project as it was there and emits ::preview with it;
 * "Back to Live" emits ::preview with NULL; "Restore This Version" sends it
 * to the session as one edit (tandem_sync_client_restore()) and goes back
 * to live.
 *
 * Signals:
 *   ::preview (TandemProject *past or NULL, const char *label) — show @past
 *     read-only ("Previewing 14:02"), or the live project again.
 *   ::fork (TandemProject *past) — "New Session from Here": host a new
 *     session that starts from @past.
 */
GtkWidget *tandem_history_panel_new        (void);
/* NULL: not in a session (the panel says so). */
void       tandem_history_panel_set_client (TandemHistoryPanel *self,
                                            TandemSyncClient   *client);
/* Outside a session, the panel lists @history's log (the window's own
 * edits, by minute) and previews the project after any of them. */
void       tandem_history_panel_set_local_history (TandemHistoryPanel *self,
                                                   TandemHistory      *history);
/* Fetches the first page again. */
void       tandem_history_panel_refresh    (TandemHistoryPanel *self);
/* For tests: the rows' texts, and previewing the row at @index. */
guint      tandem_history_panel_get_n_rows (TandemHistoryPanel *self);
const char *tandem_history_panel_get_row_text (TandemHistoryPanel *self,
                                               guint               index);
void       tandem_history_panel_activate_row (TandemHistoryPanel *self,
                                              guint               index);
/* The version shown (NULL: live); its banner, when shown and revealed. */
gboolean   tandem_history_panel_get_banner_shown (TandemHistoryPanel *self);
/* The version shown (NULL: live). */
TandemProject *tandem_history_panel_get_preview (TandemHistoryPanel *self);
/* "Replay" at @speed (1–64): the grid shows the session being built from
 * the oldest moment kept, read-only. */
void       tandem_history_panel_replay     (TandemHistoryPanel *self,
                                            double              speed);
gboolean   tandem_history_panel_is_replaying (TandemHistoryPanel *self);
/* "Back to Live", as the button does it. */
void       tandem_history_panel_back_to_live (TandemHistoryPanel *self);
/* "Save a Copy…" to @path (a *.tandem file, its samples beside it). */
gboolean   tandem_history_panel_save_copy  (TandemHistoryPanel *self,
                                            const char         *path,
                                            GError            **error);
/* "Restore This Version", as the button does it. */
gboolean   tandem_history_panel_restore    (TandemHistoryPanel *self,
                                            GError            **error);

G_END_DECLS
