/* tandem-history-replay.h — a session rebuilt before one's eyes, at 1×–64×
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "tandem-model.h"
#include "tandem-sync-client.h"
#include "tandem-sync-client-history.h"

G_BEGIN_DECLS

#define TANDEM_TYPE_HISTORY_REPLAY (tandem_history_replay_get_type ())
G_DECLARE_FINAL_TYPE (TandemHistoryReplay, tandem_history_replay, TANDEM, HISTORY_REPLAY, GObject)

/*
 * Fetches the project at @from_seq, then the session's batches after it a
 * page at a time, and applies them to that (detached) project with the
 * pauses the server's clock recorded between them, divided by @speed
 * (a pause is at most a second of real time, so long breaks do not stall
 * it). Nothing is sent anywhere.
 *
 * Signals:
 *   ::started (TandemProject *project) — the project being rebuilt.
 *   ::finished (const GError *error or NULL) — the session's seq (as it was
 *     when the replay started) is reached, or it failed.
 */
TandemHistoryReplay *tandem_history_replay_new     (TandemSyncClient    *client,
                                                    guint64              from_seq,
                                                    double               speed);
void                 tandem_history_replay_start   (TandemHistoryReplay *self);
void                 tandem_history_replay_stop    (TandemHistoryReplay *self);
TandemProject       *tandem_history_replay_get_project (TandemHistoryReplay *self);
guint64              tandem_history_replay_get_seq (TandemHistoryReplay *self);
gboolean             tandem_history_replay_is_running (TandemHistoryReplay *self);

G_END_DECLS
