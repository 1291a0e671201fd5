/* tandem-sync-client-history.h — a session's history, asked of its server
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "tandem-sync-client.h"

G_BEGIN_DECLS

/*
 * History requests (docs/protocol.md, "History"). Every role may read;
 * restoring is an edit, so only editors can. A request that gets no answer
 * within the timeout (the connection dropped) fails with G_IO_ERROR_TIMED_OUT;
 * a refused one with TANDEM_SYNC_ERROR_REMOTE, "code: message"
 * (e.g. "history-gone: …").
 */

/* The page of the summary before seq @before (0: the newest), at most
 * @limit groups (0: the server's page size). The answer object holds
 * "head", "oldest", "groups" (newest first), "next" (the @before of the next
 * page, 0: none) and, on the first page, "save_points" (newest first). */
void        tandem_sync_client_history_summary_async  (TandemSyncClient    *self,
                                                       guint64              before,
                                                       guint                limit,
                                                       GCancellable        *cancellable,
                                                       GAsyncReadyCallback  callback,
                                                       gpointer             user_data);
JsonObject *tandem_sync_client_history_summary_finish (TandemSyncClient    *self,
                                                       GAsyncResult        *result,
                                                       GError             **error);

/* The project as it was right after batch @seq (a new, detached project:
 * edits to it go nowhere). */
void           tandem_sync_client_history_project_async  (TandemSyncClient    *self,
                                                          guint64              seq,
                                                          GCancellable        *cancellable,
                                                          GAsyncReadyCallback  callback,
                                                          gpointer             user_data);
TandemProject *tandem_sync_client_history_project_finish (TandemSyncClient    *self,
                                                          GAsyncResult        *result,
                                                          GError             **error);

/* The session's batches after seq @after, at most @limit (0: the server's
 * page, 2000), oldest first, each as the server journaled it (with "seq",
 * "client", "time" and "ops"): for replaying how the session was built. */
void        tandem_sync_client_history_batches_async  (TandemSyncClient    *self,
                                                       guint64              after,
                                                       guint                limit,
                                                       GCancellable        *cancellable,
                                                       GAsyncReadyCallback  callback,
                                                       gpointer             user_data);
JsonArray  *tandem_sync_client_history_batches_finish (TandemSyncClient    *self,
                                                       GAsyncResult        *result,
                                                       GError             **error);

/* Names the current moment of the session; everyone gets ::save-point-added
 * once it is stored. FALSE when not connected. */
gboolean    tandem_sync_client_add_save_point         (TandemSyncClient    *self,
                                                       const char          *name,
                                                       GError             **error);

/* Turns the live project into @past with one batch op, sent like any edit:
 * through the client's history when it has one, so its author can undo it. */
gboolean    tandem_sync_client_restore                (TandemSyncClient    *self,
                                                       TandemProject       *past,
                                                       GError             **error);

/* How long a history request may wait for its answer (default 15 s). */
void        tandem_sync_client_set_history_timeout    (TandemSyncClient    *self,
                                                       guint                ms);

/* Private to the client's files. */
void        _tandem_sync_client_history_class_init    (GObjectClass        *klass);
gboolean    _tandem_sync_client_history_handle        (TandemSyncClient    *self,
                                                       JsonObject          *msg,
                                                       const char          *type);
void        _tandem_sync_client_history_dispose       (TandemSyncClient    *self);

G_END_DECLS
