/* tandem-history.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "tandem-project.h"

G_BEGIN_DECLS

#define TANDEM_TYPE_HISTORY (tandem_history_get_type ())
G_DECLARE_FINAL_TYPE (TandemHistory, tandem_history, TANDEM, HISTORY, GObject)

/*
 * The local edit path: every user edit goes through tandem_history_apply(),
 * which applies the op to the project and records its inverse for undo.
 * Undo and redo apply ops through the same path.
 *
 * Properties: "project", "can-undo", "can-redo".
 *
 * Signals:
 *   ::applied (TandemOp *op, TandemOp *inverse) — after each local edit, undo
 *     or redo was applied. The sync client listens to this to send the edit.
 */
TandemHistory *tandem_history_new         (TandemProject *project);
TandemProject *tandem_history_get_project (TandemHistory *self);
gboolean       tandem_history_apply       (TandemHistory *self,
                                           TandemOp      *op,
                                           GError       **error);
/* Edits between begin and end form one undo step (a drag, a paint stroke).
 * Groups nest; the outermost end closes the step. */
void           tandem_history_begin_group (TandemHistory *self);
void           tandem_history_end_group   (TandemHistory *self);
gboolean       tandem_history_can_undo    (TandemHistory *self);
gboolean       tandem_history_can_redo    (TandemHistory *self);
gboolean       tandem_history_undo        (TandemHistory *self,
                                           GError       **error);
gboolean       tandem_history_redo        (TandemHistory *self,
                                           GError       **error);
void           tandem_history_clear       (TandemHistory *self);

/* Asked before an undo applies @inverse: FALSE (with @error saying why)
 * skips the step, as when it would overwrite someone else's newer edit;
 * the step is dropped and tandem_history_undo() returns that error. */
typedef gboolean (*TandemHistoryUndoGuard) (TandemOp  *inverse,
                                            gpointer   user_data,
                                            GError   **error);
void           tandem_history_set_undo_guard (TandemHistory          *self,
                                              TandemHistoryUndoGuard  guard,
                                              gpointer                user_data);

/* The log: every op applied through the history (edits, undos, redos),
 * oldest first, with when (ms since the epoch). At most 5000 entries and
 * 8 MiB of op text; older ones are dropped. Saved with a draft, so the
 * History panel works for a project opened from a file. */
guint          tandem_history_get_log_length (TandemHistory *self);
TandemOp      *tandem_history_get_log_entry  (TandemHistory *self,
                                              guint          index,
                                              gint64        *time);
char          *tandem_history_log_to_string  (TandemHistory *self);
gboolean       tandem_history_load_log       (TandemHistory *self,
                                              const char    *data,
                                              gsize          length,
                                              GError       **error);
/* The project right after log entry @index (a copy; the live one is untouched). */
TandemProject *tandem_history_log_project_at (TandemHistory *self,
                                              guint          index,
                                              GError       **error);

G_END_DECLS
