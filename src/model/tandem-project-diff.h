/* tandem-project-diff.h — the one batch op that turns a project into another
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "tandem-op.h"
#include "tandem-project.h"

G_BEGIN_DECLS

/*
 * A batch op that, applied to @from, makes it equal to @to (byte for byte
 * in tandem_project_to_string()) except for the transport: "playing",
 * "anchor-time" and "anchor-step" keep @from's values. Entities are matched
 * by id: kept ones get property and cell sets, others are deleted or
 * inserted, and moves restore the order. It is an ordinary op, so its
 * inverse (from tandem_project_apply()) undoes it. An empty batch when the
 * two are already equal.
 */
TandemOp *tandem_project_diff (TandemProject *from,
                               TandemProject *to);

/* @op without its sets of the transport ("playing", "anchor-time",
 * "anchor-step"), as a new reference; NULL when nothing else is left. A
 * replay of a session plays on the listener's own transport: the starts
 * and stops of the past would start and stop it at moments long gone. */
TandemOp *tandem_op_strip_transport (TandemOp *op);

G_END_DECLS
