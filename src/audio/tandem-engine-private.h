/* tandem-engine-private.h — engine internals for the benchmark
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "tandem-engine.h"
#include "tandem-pa-output.h"

G_BEGIN_DECLS

/* The running output stream, or NULL. */
TandemPaOutput *_tandem_engine_get_output (TandemEngine *self);

G_END_DECLS
