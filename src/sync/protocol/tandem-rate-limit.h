/* tandem-rate-limit.h — token buckets: the server's per-client limits, the client's pacing
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
/* Takes @n tokens even if that leaves the bucket below zero: for messages
 * that cannot wait, so that what can wait waits longer. */
void     tandem_rate_limit_charge (TandemRateLimit *self,
                                   double           n,
                                   gint64           now_us);
/* How long until @n tokens are there (0: now; G_MAXINT64: never, @n is over
 * the burst). */
gint64   tandem_rate_limit_wait_us (TandemRateLimit *self,
                                    double           n,
                                    gint64           now_us);
/* Sets the bucket to hold @tokens at @at_us (which may be in the future). */
void     tandem_rate_limit_reset (TandemRateLimit *self,
                                  double           tokens,
                                  gint64           at_us);

G_END_DECLS
