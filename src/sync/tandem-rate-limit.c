/* tandem-rate-limit.c — token buckets
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-sync"

#include "config.h"

#include "tandem-rate-limit.h"

void
tandem_rate_limit_init (TandemRateLimit *self,
                        double           rate,
                        double           burst,
                        gint64           now_us)
{
  self->rate = rate;
  self->burst = burst;
  self->tokens = burst;
  self->last_us = now_us;
}

gboolean
tandem_rate_limit_take (TandemRateLimit *self,
                        double           n,
                        gint64           now_us)
{
  if (now_us > self->last_us)
    {
      self->tokens = MIN (self->burst,
                          self->tokens + self->rate * (double) (now_us - self->last_us) / G_USEC_PER_SEC);
      self->last_us = now_us;
    }
  if (self->tokens < n)
    return FALSE;
  self->tokens -= n;
  return TRUE;
}
