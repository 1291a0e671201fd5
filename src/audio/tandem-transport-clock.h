/* tandem-transport-clock.h — where the shared transport is, as pure functions
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "tandem-audio-rt.h"
#include "tandem-render-plan.h"

G_BEGIN_DECLS

/*
 * The transport is anchored in the project: grid step "anchor-step" begins at
 * "anchor-time" µs of the session clock (the server's monotonic clock; the
 * local one when not in a session), and step g begins step_us × (g − anchor-step)
 * later. A client hears it in phase with everyone by converting the anchor to
 * its own clock (local = session − clock offset) and then to a frame of its
 * output device, taking the output latency PortAudio reports into account.
 *
 * A reference pair (ref_frame, ref_time) ties the device to the local clock:
 * frame ref_frame was handed to the device at local time ref_time (µs); it is
 * heard output_latency µs later.
 */

/* µs per grid step at @tempo BPM with @steps_per_beat. */
double   tandem_transport_step_us        (double   tempo,
                                          guint    steps_per_beat);

/* Session time (µs) at which grid step @step begins (no swing). */
double   tandem_transport_step_time      (gint64   anchor_time,
                                          guint64  anchor_step,
                                          double   step_us,
                                          gint64   step);

/* The grid position (fractional step) at session time @time; below
 * @anchor_step before the anchor. */
double   tandem_transport_position_at    (gint64   anchor_time,
                                          guint64  anchor_step,
                                          double   step_us,
                                          gint64   time);

/* The first grid step on a bar boundary (a multiple of @steps_per_bar) that
 * begins at or after session time @time. */
guint64  tandem_transport_next_bar       (gint64   anchor_time,
                                          guint64  anchor_step,
                                          double   step_us,
                                          guint    steps_per_bar,
                                          gint64   time);

/* The device frame at which the sound of session time @session_time must be
 * rendered so that it is heard at that moment. @clock_offset is session
 * minus local clock (µs). */
double   tandem_transport_frame_for_time (gint64   session_time,
                                          gint64   clock_offset,
                                          gint64   output_latency,
                                          gint64   ref_time,
                                          guint64  ref_frame,
                                          guint    sample_rate);

/* The inverse: the session time (µs, fractional) at which device frame
 * @frame is heard. */
double   tandem_transport_time_for_frame (double   frame,
                                          gint64   clock_offset,
                                          gint64   output_latency,
                                          gint64   ref_time,
                                          guint64  ref_frame,
                                          guint    sample_rate);

/* The song or pattern position the renderer plays at grid step @grid_step
 * when it started from position 0 at grid step 0 (pattern mode wraps at the
 * pattern length; song mode wraps at the song end or loops the loop region,
 * exactly as the renderer does). */
TANDEM_REALTIME
guint64  tandem_transport_sequence_step  (const TandemRenderPlan *plan,
                                          guint64                 grid_step);

G_END_DECLS
