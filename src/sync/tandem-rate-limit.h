/* tandem-rate-limit.h — token buckets for the server's per-client limits
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* A bucket holds up to @burst tokens and refills at @rate tokens per second. */
typedef struct
{
  double rate;
  double burst;
  double tokens;
  gint64 last_us;
} TandemRateLimit;

void     tandem_rate_limit_init (TandemRateLimit *self,
                                 double           rate,
                                 double           burst,
                                 gint64           now_us);
/* Takes @n tokens if there are that many; FALSE (and nothing taken) if not. */
gboolean tandem_rate_limit_take (TandemRateLimit *self,
                                 double           n,
                                 gint64           now_us);

G_END_DECLS
