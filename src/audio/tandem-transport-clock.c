/* tandem-transport-clock.c — where the shared transport is, as pure functions
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-audio"

#include "config.h"

#include <math.h>

#include "tandem-transport-clock.h"

double
tandem_transport_step_us (double tempo,
                          guint  steps_per_beat)
{
  return 60.0e6 / (tempo * (double) MAX (steps_per_beat, 1u));
}

double
tandem_transport_step_time (gint64  anchor_time,
                            guint64 anchor_step,
                            double  step_us,
                            gint64  step)
{
  return (double) anchor_time + (double) (step - (gint64) anchor_step) * step_us;
}

double
tandem_transport_position_at (gint64  anchor_time,
                              guint64 anchor_step,
                              double  step_us,
                              gint64  time)
{
  return (double) anchor_step + (double) (time - anchor_time) / step_us;
}

guint64
tandem_transport_next_bar (gint64  anchor_time,
                           guint64 anchor_step,
                           double  step_us,
                           guint   steps_per_bar,
                           gint64  time)
{
  double pos = tandem_transport_position_at (anchor_time, anchor_step, step_us, time);
  guint64 step, bar = MAX (steps_per_bar, 1u);

  if (pos <= 0.0)
    return 0;
  /* A hair of tolerance, so a time computed from a bar's own onset
   * (rounded to µs) still lands on that bar. */
  step = (guint64) ceil (pos - 1e-6);
  return (step + bar - 1) / bar * bar;
}

double
tandem_transport_frame_for_time (gint64  session_time,
                                 gint64  clock_offset,
                                 gint64  output_latency,
                                 gint64  ref_time,
                                 guint64 ref_frame,
                                 guint   sample_rate)
{
  gint64 local = session_time - clock_offset;

  return (double) ref_frame + (double) (local - output_latency - ref_time) * sample_rate / 1.0e6;
}

double
tandem_transport_time_for_frame (double  frame,
                                 gint64  clock_offset,
                                 gint64  output_latency,
                                 gint64  ref_time,
                                 guint64 ref_frame,
                                 guint   sample_rate)
{
  return (double) (ref_time + output_latency + clock_offset)
         + (frame - (double) ref_frame) * 1.0e6 / sample_rate;
}

TANDEM_REALTIME guint64
tandem_transport_sequence_step (const TandemRenderPlan *plan,
                                guint64                 grid_step)
{
  guint64 end, first_wrap, period, base;

  if (plan->play_mode == TANDEM_PLAY_MODE_PATTERN)
    return grid_step % MAX (plan->patterns[plan->current_pattern].length, 1u);

  /* Song mode, as tandem-renderer.c's play_step(): from 0 up to the loop
   * end (or the song end), then the loop region (or the whole song) again
   * and again. */
  end = MAX (plan->song_end_step, plan->loop ? plan->loop_end_step : 0);
  if (plan->loop && plan->loop_end_step > plan->loop_start_step)
    {
      first_wrap = plan->loop_end_step;
      base = plan->loop_start_step;
      period = plan->loop_end_step - plan->loop_start_step;
    }
  else
    {
      first_wrap = MAX (end, 1);
      base = plan->loop ? plan->loop_start_step : 0;
      period = MAX (first_wrap - base, 1);
    }
  if (grid_step < first_wrap)
    return grid_step;
  return base + (grid_step - first_wrap) % period;
}
