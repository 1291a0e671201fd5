/* tandem-clock.c — NTP-style estimate of the session server's clock
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-sync"

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "tandem-clock.h"

typedef struct
{
  gint64 offset;
  gint64 rtt;
} Sample;

struct _TandemClock
{
  Sample samples[TANDEM_CLOCK_WINDOW];
  guint  n;          /* samples held, ≤ WINDOW */
  guint  next;       /* ring position of the next sample */
  gint64 offset;
  gint64 rtt;
  gint64 typical_rtt;
  gint64 uncertainty;
};

TandemClock *
tandem_clock_new (void)
{
  TandemClock *self = g_new0 (TandemClock, 1);

  tandem_clock_reset (self);
  return self;
}

void
tandem_clock_free (TandemClock *self)
{
  g_free (self);
}

void
tandem_clock_reset (TandemClock *self)
{
  g_return_if_fail (self != NULL);

  memset (self, 0, sizeof *self);
  self->uncertainty = G_MAXINT64;
}

static int
compare_rtt (gconstpointer a,
             gconstpointer b)
{
  const Sample *x = a, *y = b;

  return (x->rtt > y->rtt) - (x->rtt < y->rtt);
}

static int
compare_offset (gconstpointer a,
                gconstpointer b)
{
  const Sample *x = a, *y = b;

  return (x->offset > y->offset) - (x->offset < y->offset);
}

static void
estimate (TandemClock *self)
{
  Sample sorted[TANDEM_CLOCK_WINDOW];
  guint k = MIN (self->n, TANDEM_CLOCK_BEST);

  memcpy (sorted, self->samples, self->n * sizeof (Sample));
  qsort (sorted, self->n, sizeof (Sample), compare_rtt);
  self->rtt = sorted[0].rtt;
  self->typical_rtt = sorted[self->n / 2].rtt;

  /* The k quickest exchanges; their median offset (mean of the middle two
   * when k is even) resists one leg that was held up. */
  qsort (sorted, k, sizeof (Sample), compare_offset);
  if (k % 2 == 1)
    self->offset = sorted[k / 2].offset;
  else
    self->offset = sorted[k / 2 - 1].offset + (sorted[k / 2].offset - sorted[k / 2 - 1].offset) / 2;
  /* The quickest sample is within rtt/2 of the truth, the median within
   * the spread of it. */
  self->uncertainty = self->rtt / 2 + (sorted[k - 1].offset - sorted[0].offset);
}

gboolean
tandem_clock_add_sample (TandemClock *self,
                         gint64       t0,
                         gint64       server_time,
                         gint64       t1)
{
  Sample *s;

  g_return_val_if_fail (self != NULL, FALSE);

  if (t1 < t0)
    return FALSE;
  s = &self->samples[self->next];
  s->rtt = t1 - t0;
  /* server_time − (t0 + t1) / 2 without overflowing the sum */
  s->offset = server_time - (t0 + s->rtt / 2);
  self->next = (self->next + 1) % TANDEM_CLOCK_WINDOW;
  self->n = MIN (self->n + 1, TANDEM_CLOCK_WINDOW);
  estimate (self);
  return TRUE;
}

guint
tandem_clock_get_n_samples (TandemClock *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->n;
}

gint64
tandem_clock_get_offset (TandemClock *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->offset;
}

gint64
tandem_clock_get_rtt (TandemClock *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->rtt;
}

gint64
tandem_clock_get_typical_rtt (TandemClock *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->typical_rtt;
}

gint64
tandem_clock_get_uncertainty (TandemClock *self)
{
  g_return_val_if_fail (self != NULL, G_MAXINT64);
  return self->uncertainty;
}
