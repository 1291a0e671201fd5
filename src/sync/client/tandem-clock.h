/* tandem-clock.h — NTP-style estimate of the session server's clock
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * Every ping/pong exchange is one sample: the client sent at t0 and received
 * at t1 (its own clock), the server stamped server_time in between. If the
 * two legs took as long, the offset (server − client) is
 * server_time − (t0 + t1) / 2, wrong by at most half the round trip. So the
 * estimator keeps the last TANDEM_CLOCK_WINDOW samples (old ones age out:
 * clocks drift, routes change), takes the TANDEM_CLOCK_BEST with the smallest
 * round trips (the least queueing, hence the least asymmetry) and uses their
 * median offset. The uncertainty is half the smallest round trip plus the
 * spread of the offsets kept: a bound on the error, since the quickest
 * exchange is within half its round trip of the truth and the median within
 * the spread of that one.
 */
#define TANDEM_CLOCK_WINDOW 16
#define TANDEM_CLOCK_BEST   4

typedef struct _TandemClock TandemClock;

TandemClock *tandem_clock_new             (void);
void         tandem_clock_free            (TandemClock *self);
/* Forgets every sample (a new connection may reach another server). */
void         tandem_clock_reset           (TandemClock *self);
/* Adds one exchange; FALSE (ignored) when t1 < t0. */
gboolean     tandem_clock_add_sample      (TandemClock *self,
                                           gint64       t0,
                                           gint64       server_time,
                                           gint64       t1);
guint        tandem_clock_get_n_samples   (TandemClock *self);
/* Server clock minus local clock (µs); 0 without samples. */
gint64       tandem_clock_get_offset      (TandemClock *self);
/* The smallest round trip in the window (µs); 0 without samples. */
gint64       tandem_clock_get_rtt         (TandemClock *self);
/* The median round trip in the window (µs): what a message usually takes. */
gint64       tandem_clock_get_typical_rtt (TandemClock *self);
/* ± µs around the offset; G_MAXINT64 without samples. */
gint64       tandem_clock_get_uncertainty (TandemClock *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TandemClock, tandem_clock_free)

G_END_DECLS
