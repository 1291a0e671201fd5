/* tandem-sync-client-clock.c — pings and pongs: the estimate of the server's clock
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every ping carries our clock; the pong adds the server's. tandem-clock.c
 * turns those into an offset (NTP-style). The heartbeat pings keep the
 * estimate fresh; a quick burst after each join fills it.
 */
#define G_LOG_DOMAIN "tandem-sync"

#include "config.h"

#include "tandem-sync-client-private.h"

/* Pings sent right after joining, and the time between them. */
#define CLOCK_BURST_PINGS 8
#define CLOCK_BURST_INTERVAL_MS 50

gint64
_tandem_sync_client_local_now (TandemSyncClient *self)
{
  return tandem_protocol_now_us () + self->clock_skew;
}

/* A ping also acknowledges every batch up to self->seq. */
void
_tandem_sync_client_send_ping (TandemSyncClient *self)
{
  g_autofree char *ping = tandem_message_ping (_tandem_sync_client_local_now (self), self->seq);

  self->acked_seq = self->seq;
  _tandem_sync_client_send_text (self, ping);
}

void
_tandem_sync_client_handle_pong (TandemSyncClient *self,
                                 JsonObject       *msg)
{
  gint64 t = 0, server_time = 0;
  gint64 now = _tandem_sync_client_local_now (self);
  gint64 rtt;

  if (!tandem_message_get_int (msg, "t", &t)
      || !tandem_message_get_int (msg, "server_time", &server_time))
    return;
  if (self->clock_stale && now >= t)
    {
      self->clock_stale = FALSE;
      tandem_clock_reset (self->clock);
    }
  if (!tandem_clock_add_sample (self->clock, t, server_time, now))
    return;
  /* Others schedule starts from everyone's round trip: share ours at first
   * and whenever it moved by over a millisecond and a tenth. */
  rtt = MAX (tandem_clock_get_typical_rtt (self->clock), 1);
  if (self->shared_rtt == 0 || ABS (rtt - self->shared_rtt) > MAX (1000, self->shared_rtt / 10))
    {
      self->shared_rtt = rtt;
      _tandem_sync_client_presence_changed (self);
    }
}

static gboolean
clock_burst_cb (gpointer data)
{
  TandemSyncClient *self = data;

  _tandem_sync_client_send_ping (self);
  if (self->clock_burst > 0 && --self->clock_burst > 0)
    return G_SOURCE_CONTINUE;
  g_clear_pointer (&self->clock_source, g_source_unref);
  return G_SOURCE_REMOVE;
}

/* After joining: the samples of the last connection are replaced by a
 * quick burst of pings, so the estimate is good before anyone presses Play. */
void
_tandem_sync_client_start_clock_burst (TandemSyncClient *self)
{
  self->clock_stale = TRUE;
  self->clock_burst = CLOCK_BURST_PINGS;
  _tandem_sync_client_clear_source (&self->clock_source);
  self->clock_source = _tandem_sync_client_add_timeout (self, CLOCK_BURST_INTERVAL_MS,
                                                        clock_burst_cb);
}

gint64
tandem_sync_client_get_clock_offset (TandemSyncClient *self)
{
  g_return_val_if_fail (TANDEM_IS_SYNC_CLIENT (self), 0);
  return tandem_clock_get_offset (self->clock);
}

gint64
tandem_sync_client_get_rtt (TandemSyncClient *self)
{
  g_return_val_if_fail (TANDEM_IS_SYNC_CLIENT (self), 0);
  return tandem_clock_get_rtt (self->clock);
}

gint64
tandem_sync_client_get_typical_rtt (TandemSyncClient *self)
{
  g_return_val_if_fail (TANDEM_IS_SYNC_CLIENT (self), 0);
  return tandem_clock_get_typical_rtt (self->clock);
}

gint64
tandem_sync_client_get_clock_uncertainty (TandemSyncClient *self)
{
  g_return_val_if_fail (TANDEM_IS_SYNC_CLIENT (self), G_MAXINT64);
  return tandem_clock_get_uncertainty (self->clock);
}

guint
tandem_sync_client_get_clock_samples (TandemSyncClient *self)
{
  g_return_val_if_fail (TANDEM_IS_SYNC_CLIENT (self), 0);
  return tandem_clock_get_n_samples (self->clock);
}

gint64
tandem_sync_client_get_local_time (TandemSyncClient *self)
{
  g_return_val_if_fail (TANDEM_IS_SYNC_CLIENT (self), 0);
  return _tandem_sync_client_local_now (self);
}

gint64
tandem_sync_client_get_session_time (TandemSyncClient *self)
{
  g_return_val_if_fail (TANDEM_IS_SYNC_CLIENT (self), 0);
  return _tandem_sync_client_local_now (self) + tandem_clock_get_offset (self->clock);
}

void
tandem_sync_client_set_clock_skew_for_tests (TandemSyncClient *self,
                                             gint64            skew_us)
{
  g_return_if_fail (TANDEM_IS_SYNC_CLIENT (self));
  self->clock_skew = skew_us;
}
