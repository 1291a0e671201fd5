/* tandem-rate-limit.c — token buckets
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-sync"

#include "config.h"

#include <math.h>

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

static void
refill (TandemRateLimit *self,
        gint64           now_us)
{
  if (now_us > self->last_us)
    {
      self->tokens = MIN (self->burst,
                          self->tokens + self->rate * (double) (now_us - self->last_us) / G_USEC_PER_SEC);
      self->last_us = now_us;
    }
}

gboolean
tandem_rate_limit_take (TandemRateLimit *self,
                        double           n,
                        gint64           now_us)
{
  refill (self, now_us);
  if (self->tokens < n)
    return FALSE;
  self->tokens -= n;
  return TRUE;
}

void
tandem_rate_limit_charge (TandemRateLimit *self,
                          double           n,
                          gint64           now_us)
{
  refill (self, now_us);
  self->tokens -= n;
}

gint64
tandem_rate_limit_wait_us (TandemRateLimit *self,
                           double           n,
                           gint64           now_us)
{
  double missing;

  refill (self, now_us);
  if (n > self->burst || self->rate <= 0)
    return G_MAXINT64;
  missing = n - self->tokens;
  if (missing <= 0)
    return 0;
  return (gint64) ceil (missing / self->rate * G_USEC_PER_SEC);
}

void
tandem_rate_limit_reset (TandemRateLimit *self,
                         double           tokens,
                         gint64           at_us)
{
  self->tokens = MIN (tokens, self->burst);
  self->last_us = at_us;
}
