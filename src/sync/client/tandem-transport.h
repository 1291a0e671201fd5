/* tandem-transport.h — the ops that start, retime and stop the shared transport
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "tandem-model.h"
#include "tandem-sync-client.h"

G_BEGIN_DECLS

/*
 * Play, stop and tempo are ops like any other edit, so the server orders,
 * journals and broadcasts them and every replica applies the same thing.
 * The client that makes one computes its anchor on the session clock
 * (see docs/protocol.md, "Clock and transport"):
 *
 *   start — {anchor-time = the next bar of the session clock at least
 *           @lead_us from now, anchor-step = @from_step, playing = true};
 *           @from_step is 0, or in song mode the first step of the bar
 *           Play starts from (tandem_transport_start_step())
 *   tempo — while playing: {anchor-time, anchor-step = the next bar at least
 *           @lead_us from now at the old tempo, tempo}: the change lands on
 *           that bar for everyone; stopped: a plain tempo set
 *   stop  — {playing = false}, at once
 *
 * The lead covers the trip of the op to every participant: twice the
 * largest round trip anyone reports, plus TANDEM_TRANSPORT_MIN_LEAD_US for
 * scheduling and output buffers.
 */
#define TANDEM_TRANSPORT_MIN_LEAD_US (150 * G_TIME_SPAN_MILLISECOND)

/* The lead for round trips up to @max_rtt_us. */
gint64    tandem_transport_lead_time      (gint64            max_rtt_us);

TandemOp *tandem_transport_op_start       (TandemProject    *project,
                                           gint64            session_now,
                                           gint64            lead_us,
                                           guint64           from_step);
TandemOp *tandem_transport_op_tempo       (TandemProject    *project,
                                           gint64            session_now,
                                           gint64            lead_us,
                                           double            tempo);
TandemOp *tandem_transport_op_stop        (void);
/* An op that makes @project play in step with @leader from @leader's next
 * step after @session_now on (stopped when @leader is stopped), at
 * @project's own tempo from there: how a preview of another version takes
 * over the beat that is playing, without a count-in. Applied locally only;
 * it never goes to a session. */
TandemOp *tandem_transport_op_follow      (TandemProject    *project,
                                           TandemProject    *leader,
                                           gint64            session_now);

/* The anchor step of a start that plays from song bar @bar (0-based): in
 * song mode the first step of that bar, when the song reaches it before it
 * wraps (before the loop end with a loop, before the song end without);
 * past that, where the song wraps to (the loop start, or bar 1). Pattern
 * mode, and a song without clips (which plays the current pattern), start
 * at step 0. */
guint64   tandem_transport_start_step     (TandemProject    *project,
                                           guint             bar);

/* The session clock now: @client's estimate of the server clock — the last
 * one while the connection is down, so a drop never moves the beat — or
 * the local monotonic clock when @client is NULL or has no estimate yet
 * (alone, the local clock is the session clock, with offset 0). */
gint64    tandem_transport_session_now    (TandemSyncClient *client);
/* The offset the engine plays anchors with (session − local clock): the
 * client's estimate, kept while reconnecting; 0 alone or with none yet. */
gint64    tandem_transport_clock_offset   (TandemSyncClient *client);
/* Whether a start can be anchored now so that everyone hears it: alone, or
 * live in the session with a clock estimate. While the link is down a
 * start would only reach the others after it was due. */
gboolean  tandem_transport_session_ready  (TandemSyncClient *client);
/* The lead for @client's session: from its own round trip and those the
 * other participants share; TANDEM_TRANSPORT_MIN_LEAD_US alone. */
gint64    tandem_transport_session_lead   (TandemSyncClient *client);
/* Session time (µs) at which grid step @step begins with @project's anchor
 * and tempo (swing aside). */
double    tandem_transport_step_begins_at (TandemProject    *project,
                                           guint64           step);

G_END_DECLS
