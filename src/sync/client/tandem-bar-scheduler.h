/* tandem-bar-scheduler.h — edits that land on bar boundaries of the shared transport
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "tandem-model.h"
#include "tandem-sync-client.h"

G_BEGIN_DECLS

/*
 * Generated edits (an evolution's steps, a streamed rhythm's variations) must
 * be heard from a bar boundary on, on every machine. Ops apply when they
 * arrive, so the scheduler sends each change in two halves, by the grid steps
 * of the cells it sets, counted from the pattern position at the boundary:
 *
 *   first half  — the cells that play in the first half of the pattern after
 *                 the boundary, sent a lead before it (they played more than
 *                 half a pattern ago, so nothing of the old bar changes);
 *   second half — the other cells, sent at the boundary (they play half a
 *                 pattern later, so they arrive in time).
 *
 * So a change is heard exactly from the boundary for anyone whose ops arrive
 * within half a pattern, less the lead. Ops that are not cell sets go with the
 * first half. The lead is the session's (tandem_transport_session_lead), at most
 * a quarter of the pattern.
 *
 * The produce function computes the change for the @index-th boundary (0, 1, …)
 * from the project as it is a lead before that boundary; it returns NULL to
 * end the run. Boundaries are every @every_bars bars of the grid.
 */
typedef TandemOp *(*TandemBarProduceFunc) (TandemProject *project,
                                           guint          index,
                                           guint64        bar_step,
                                           gpointer       user_data);

/* Sends @op: through the sync client when there is one, else applied locally. */
typedef struct _TandemBarScheduler TandemBarScheduler;

TandemBarScheduler *tandem_bar_scheduler_new  (TandemProject        *project,
                                               TandemSyncClient     *client,
                                               const char           *pattern_id,
                                               guint                 every_bars,
                                               TandemBarProduceFunc  produce,
                                               gpointer              user_data,
                                               GDestroyNotify        destroy);
/* Stops producing; a change whose first half went out gets its second half
 * now, so the pattern is left whole as at the last boundary. */
void                tandem_bar_scheduler_stop (TandemBarScheduler   *self);
void                tandem_bar_scheduler_free (TandemBarScheduler   *self);
gboolean            tandem_bar_scheduler_is_running (TandemBarScheduler *self);
/* How many changes were sent whole. */
guint               tandem_bar_scheduler_get_n_done (TandemBarScheduler *self);
/* Test hook: the session time (µs) the first and second half of the last
 * change were sent at, and the boundary it landed on. */
void                tandem_bar_scheduler_get_last_times (TandemBarScheduler *self,
                                                         gint64             *first_half,
                                                         gint64             *second_half,
                                                         gint64             *boundary);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TandemBarScheduler, tandem_bar_scheduler_free)

G_END_DECLS
