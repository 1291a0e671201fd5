/* tandem-renderer.h — the sequencer and voice pool that turn a plan into frames
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "tandem-meter.h"
#include "tandem-metronome.h"
#include "tandem-render-plan.h"

G_BEGIN_DECLS

/* Voices that sound at once; a stolen voice fades out in one of the spare
 * slots while its successor starts. */
#define TANDEM_MAX_VOICES 128
#define TANDEM_VOICE_SLOTS (TANDEM_MAX_VOICES + 32)
/* Length of every gain ramp and voice fade. */
#define TANDEM_RAMP_SECONDS 0.004

/* The whole audio-thread state: transport, voices, scratch buffers. The same
 * code runs in the PortAudio callback and in offline renders (export, tests),
 * which is why an offline render equals what the device played. */
typedef struct _TandemRenderer TandemRenderer;

/* @max_block bounds the scratch buffers; process() accepts any frame count
 * and works through it in pieces of at most @max_block. */
TandemRenderer *tandem_renderer_new          (guint                   sample_rate,
                                              guint                   max_block);
void            tandem_renderer_free         (TandemRenderer         *self);
/* mlock()s the renderer's state for the audio thread where the system
 * allows it (offline renders need not). */
void            tandem_renderer_lock_memory  (TandemRenderer         *self);
/* Track meters cost a little; offline renders turn them off (default: on). */
void            tandem_renderer_set_metering (TandemRenderer         *self,
                                              gboolean                metering);
/* Probability draws hash this seed with the step and track: equal seeds give
 * equal renders. */
void            tandem_renderer_set_seed     (TandemRenderer         *self,
                                              guint64                 seed);
/* Switches to @plan (borrowed: keep it alive until the renderer uses another
 * one). Voices of tracks that are gone, or whose sample changed, stop. */
TANDEM_REALTIME
void            tandem_renderer_set_plan     (TandemRenderer         *self,
                                              const TandemRenderPlan *plan);
/* Whether the click sounds (default: off, as in export renders). */
TANDEM_REALTIME
void            tandem_renderer_set_metronome (TandemRenderer        *self,
                                               TandemMetronomeMode    mode);
TANDEM_REALTIME
const TandemRenderPlan *tandem_renderer_get_plan (TandemRenderer     *self);
/* Renders @n_frames of interleaved stereo float into @out (overwritten). */
TANDEM_REALTIME
void            tandem_renderer_process      (TandemRenderer         *self,
                                              float                  *out,
                                              guint                   n_frames);
/* Moves the song/pattern position: the next step played is @step. */
TANDEM_REALTIME
void            tandem_renderer_locate       (TandemRenderer         *self,
                                              guint64                 step);
/* The shared transport: grid step @grid_step begins at device frame @frame
 * (counted like tandem_renderer_get_clock(); fractional) and the following
 * steps come every @step_frames. Stopped: starts playing as soon as the plan
 * says "playing" (at once if it does); a @frame in the past joins at the
 * next step due, in phase. Playing: the new timing takes
 * over when @grid_step comes (at once if it is already past), which is how
 * a tempo change lands on its bar. The plan's "playing" still stops. */
TANDEM_REALTIME
void            tandem_renderer_anchor       (TandemRenderer         *self,
                                              double                  frame,
                                              guint64                 grid_step,
                                              double                  step_frames);
/* Device frames rendered since the renderer was made: the next process()
 * call renders from this frame on. */
TANDEM_REALTIME
guint64         tandem_renderer_get_clock    (TandemRenderer         *self);
/* The step last played (pattern step, or song step in song mode), -1 when stopped. */
TANDEM_REALTIME
gint64          tandem_renderer_get_position (TandemRenderer         *self);
TANDEM_REALTIME
gboolean        tandem_renderer_is_playing   (TandemRenderer         *self);
/* TRUE when no voice sounds at all (fading ones included). */
TANDEM_REALTIME
gboolean        tandem_renderer_is_silent    (TandemRenderer         *self);
/* Voices sounding, not counting those fading out after a steal or delete. */
TANDEM_REALTIME
guint           tandem_renderer_get_active_voices (TandemRenderer    *self);
TANDEM_REALTIME
const TandemMeterLevels *tandem_renderer_get_levels (TandemRenderer  *self);

G_END_DECLS
