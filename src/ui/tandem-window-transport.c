/* tandem-window-transport.c — the shared transport in the window: play and
 * stop as anchored ops, the count-in, and the clock offset the engine uses
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-ui"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "tandem-transport.h"
#include "tandem-window-private.h"

#define TICK_MS          100
#define OFFSET_STEP_US   250                    /* smaller changes are noise */
#define MAX_COUNT_IN_US  (60 * G_USEC_PER_SEC)  /* anchors further off are stale */

static TandemSyncClient *
live_client (TandemWindow *self)
{
  if (self->client == NULL || tandem_sync_client_get_state (self->client) != TANDEM_SYNC_STATE_LIVE
      || tandem_sync_client_get_clock_samples (self->client) == 0)
    return NULL;
  return self->client;
}

/* The bar the timeline's play-start marker is on; the Song page is built
 * when first shown, and until then the marker is on the first bar. */
static guint
play_start_bar (TandemWindow *self)
{
  return self->timeline_view != NULL
         ? tandem_timeline_view_get_play_start_bar (self->timeline_view) : 0;
}

/* The engine hears the anchor through this offset; alone it is 0. While
 * reconnecting it stays the last estimate: the beat must not move. */
static gint64
sync_clock_offset (TandemWindow *self)
{
  gint64 offset = tandem_transport_clock_offset (self->client);
  gint64 current = tandem_engine_get_clock_offset (self->engine);

  if (ABS (offset - current) >= OFFSET_STEP_US || (offset == 0) != (current == 0))
    tandem_engine_set_clock_offset (self->engine, offset);
  return tandem_engine_get_clock_offset (self->engine);
}

static void
update_count_in (TandemWindow *self,
                 gint64        offset)
{
  g_autofree char *text = NULL;
  gint64 at, remaining;
  double beat_us;
  guint beats;

  if (self->play_held_until != 0)
    {
      gtk_label_set_label (self->count_in_label, _("Starting when the session is back…"));
      gtk_widget_set_visible (GTK_WIDGET (self->count_in_label), TRUE);
      return;
    }
  if (self->project == NULL || !tandem_project_get_playing (self->project)
      || (at = (gint64) tandem_project_get_anchor_time (self->project)) == 0)
    {
      gtk_widget_set_visible (GTK_WIDGET (self->count_in_label), FALSE);
      return;
    }
  /* When the audible beat starts: the engine delays it by the output latency. */
  remaining = at - (g_get_monotonic_time () + offset);
  if (remaining <= 0 || remaining > MAX_COUNT_IN_US)
    {
      gtk_widget_set_visible (GTK_WIDGET (self->count_in_label), FALSE);
      return;
    }
  beat_us = 60.0e6 / tandem_project_get_tempo (self->project);
  beats = (guint) ceil ((double) remaining / beat_us);
  /* Translators: the count-in before a shared start, in beats */
  text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Starting in %u beat…", "Starting in %u beats…",
                                       beats), beats);
  gtk_label_set_label (self->count_in_label, text);
  gtk_widget_set_visible (GTK_WIDGET (self->count_in_label), TRUE);
}

static void start_or_stop (TandemWindow *self);

/* With the metronome on, a start leaves at least a whole bar to count in
 * (the start is on a bar of the session clock, so the wait is one to two
 * bars); without it, the start comes as soon as everyone can make it. */
static gint64
count_in_us (TandemWindow *self)
{
  if (!g_settings_get_boolean (self->settings, "metronome"))
    return 0;
  return (gint64) (60.0e6 / tandem_project_get_tempo (self->project)
                   * tandem_project_get_beats_per_bar (self->project));
}

/* A Play held while reconnecting starts once the session is back, or is
 * given up with a message. */
static void
check_held_play (TandemWindow *self)
{
  if (self->play_held_until == 0)
    return;
  if (tandem_transport_session_ready (self->client))
    {
      self->play_held_until = 0;
      if (self->project != NULL && !tandem_project_get_playing (self->project))
        start_or_stop (self);
    }
  else if (g_get_monotonic_time () > self->play_held_until)
    {
      self->play_held_until = 0;
      tandem_window_show_toast (self, _("Not connected to the session: Play did not start"));
    }
}

static gboolean
transport_tick (gpointer data)
{
  TandemWindow *self = data;

  check_held_play (self);
  tandem_transport_bar_set_sync_client (self->transport_bar, self->client);
  update_count_in (self, sync_clock_offset (self));
  return G_SOURCE_CONTINUE;
}

/* Play starts on the next bar of the session clock that everyone can make,
 * in song mode from the bar of the timeline's play-start marker (our own
 * view state; the op carries it as the anchor step, so everyone starts
 * there). Stop is at once. Both are ops, so a session shares them. */
static void
start_or_stop (TandemWindow *self)
{
  TandemSyncClient *client = live_client (self);
  g_autoptr(TandemOp) op = NULL;
  g_autoptr(GError) error = NULL;
  gboolean ok;

  if (tandem_project_get_playing (self->project))
    op = tandem_transport_op_stop ();
  else
    op = tandem_transport_op_start (self->project, tandem_transport_session_now (client),
                                    tandem_transport_session_lead (client) + count_in_us (self),
                                    tandem_transport_start_step (self->project,
                                                                 play_start_bar (self)));
  sync_clock_offset (self);
  /* Transport changes are not worth an undo step. */
  if (self->client != NULL)
    ok = tandem_sync_client_submit (self->client, op, &error);
  else
    ok = tandem_project_apply (self->project, op, NULL, &error);
  if (!ok)
    tandem_window_show_toast (self, error->message);
  update_count_in (self, tandem_engine_get_clock_offset (self->engine));
}

/* Play pressed while the link to the session is down is held, not played
 * on our own clock and not refused: a musician in a jam expects the band
 * to start together, and a drop is usually over within the backoff cap
 * (10 s), so the start waits for the session and then counts in on its
 * next bar like any other. If the session is not back by then, a start
 * out of the blue later would be worse than saying so. Pressing Play
 * again while held cancels it. */
#define PLAY_HOLD_US (12 * G_USEC_PER_SEC)

void
_tandem_window_toggle_play (TandemWindow *self)
{
  if (self->project == NULL || _tandem_window_history_toggle_play (self))
    return;
  if (self->play_held_until != 0)
    self->play_held_until = 0;
  else if (!tandem_project_get_playing (self->project)
           && !tandem_transport_session_ready (self->client))
    self->play_held_until = g_get_monotonic_time () + PLAY_HOLD_US;
  else
    start_or_stop (self);
  update_count_in (self, tandem_engine_get_clock_offset (self->engine));
}

void
_tandem_window_transport_init (TandemWindow *self)
{
  self->transport_source = g_timeout_add (TICK_MS, transport_tick, self);
}

void
_tandem_window_transport_dispose (TandemWindow *self)
{
  g_clear_handle_id (&self->transport_source, g_source_remove);
}
