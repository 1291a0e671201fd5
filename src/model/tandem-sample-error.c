/* tandem-sample-error.c — the sample error domain
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-model"

#include "config.h"

#include "tandem-sample-error.h"

G_DEFINE_QUARK (tandem-sample-error-quark, tandem_sample_error)
