/* tandem-evolve.h — the steps of a pattern's evolution, as ops
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "tandem-project.h"

G_BEGIN_DECLS

/*
 * An evolution changes a pattern's cells by a rule, one step every N bars, up
 * to a number of steps. Its state lives in the pattern's "evolve-*"
 * properties, so everyone sees it. The participant named "evolve-author"
 * computes each step from the cells and the seed and sends it as ordinary ops
 * (src/sync/tandem-bar-scheduler.h says when); the same cells, seed and step
 * give the same result on every machine.
 *
 * Only the tracks that had cells when the evolution started (its origin) evolve.
 * Randomness is a hash of (seed, step, track id, grid step): no state.
 */

/* The row of @track_id after step @k (1-based) of @rule from @row, for a
 * pattern of @length steps. Steps past @length stay as they are. */
void      tandem_evolve_row         (TandemEvolveRule  rule,
                                     guint             amount,
                                     guint             seed,
                                     guint             k,
                                     guint             length,
                                     const char       *track_id,
                                     const TandemCell *row,
                                     TandemCell       *out);

/* The ops that set @pattern's cells from @track_id's @row (only the values
 * that differ), appended to @batch. */
void      tandem_evolve_add_row_ops (TandemOp         *batch,
                                     TandemPattern    *pattern,
                                     const char       *track_id,
                                     const TandemCell *row,
                                     guint             from_step,
                                     guint             to_step);

/* The next step of @pattern's evolution as one batch: the cells of step
 * evolve-step + 1 and the new evolve-step; after the last step, a stop
 * ("evolve-state" off, the cells stay) or a loop back to the origin (step
 * 0). NULL when the evolution is not running. */
TandemOp *tandem_evolve_op_next     (TandemProject    *project,
                                     TandemPattern    *pattern);
/* Starts evolving @pattern from its cells now. */
TandemOp *tandem_evolve_op_start    (TandemProject    *project,
                                     TandemPattern    *pattern,
                                     TandemEvolveRule  rule,
                                     guint             amount,
                                     guint             every,
                                     guint             steps,
                                     TandemEvolveEnd   end,
                                     guint             seed,
                                     const char       *author);
/* Pauses (nobody sends steps), or resumes with @author sending them. */
TandemOp *tandem_evolve_op_pause    (TandemPattern    *pattern);
TandemOp *tandem_evolve_op_resume   (TandemPattern    *pattern,
                                     const char       *author);
/* Keep: ends the evolution and keeps the cells. Revert: ends it and puts the
 * cells back as they were when it started. */
TandemOp *tandem_evolve_op_keep     (TandemPattern    *pattern);
TandemOp *tandem_evolve_op_revert   (TandemProject    *project,
                                     TandemPattern    *pattern);

G_END_DECLS
