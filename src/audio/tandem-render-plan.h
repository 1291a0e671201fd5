/* tandem-render-plan.h — the immutable snapshot of a project the audio thread plays
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "tandem-model.h"
#include "tandem-sample.h"

G_BEGIN_DECLS

typedef enum
{
  TANDEM_VOICE_NONE,
  TANDEM_VOICE_KICK,
  TANDEM_VOICE_SNARE,
  TANDEM_VOICE_HAT_CLOSED,
  TANDEM_VOICE_HAT_OPEN,
  TANDEM_VOICE_CLAP,
  TANDEM_VOICE_TOM,
  TANDEM_VOICE_RIM,
  TANDEM_VOICE_SYNTH,
  TANDEM_VOICE_SAMPLE,
} TandemVoiceKind;

/* Maps an instrument name ("kick", "synth", "sample:…") to its voice. */
TandemVoiceKind tandem_voice_kind_from_instrument (const char *instrument);

typedef struct
{
  guint64          uid;        /* hash of the track id: stable across plans and renders */
  TandemVoiceKind  kind;
  TandemSample    *sample;     /* SAMPLE only; NULL until decoded: silent */
  const float     *shot;       /* drums: the pre-rendered hit (tandem-drum-kit.h) */
  gsize            shot_len;
  float            gain;       /* linear; 0 when muted, not soloed or ≤ -60 dB */
  float            pan_left;   /* constant-power pan gains */
  float            pan_right;
} TandemPlanTrack;

typedef struct
{
  guint       length;          /* steps, 1..TANDEM_MAX_STEPS */
  TandemCell *cells;           /* n_tracks rows of TANDEM_MAX_STEPS cells */
} TandemPlanPattern;

typedef struct
{
  guint64 start_step;
  guint64 end_step;
  guint   pattern;
} TandemPlanClip;

/* Everything the callback needs, resolved to indices and linear gains. The
 * main thread builds it, the audio thread only reads it, and the main thread
 * frees it after the audio thread has moved on to a newer one. */
typedef struct
{
  guint              sample_rate;
  double             step_frames;    /* frames per step at the tempo */
  double             swing_frames;   /* delay of every odd step */
  guint              steps_per_bar;
  float              master_gain;
  int                key_root;
  guint              n_degrees;
  guint8             intervals[12];

  gboolean           playing;
  TandemPlayMode     play_mode;      /* SONG only when the arrangement is not empty */
  guint              current_pattern;
  guint64            song_end_step;
  gboolean           loop;
  guint64            loop_start_step;
  guint64            loop_end_step;

  guint              n_tracks;
  TandemPlanTrack   *tracks;
  guint              n_patterns;     /* at least 1 */
  TandemPlanPattern *patterns;
  guint              n_clips;
  TandemPlanClip    *clips;
} TandemRenderPlan;

void tandem_render_plan_free (TandemRenderPlan *plan);

/* Frames per step and swing delay for @tempo, @swing (percent) and @steps_per_beat:
 * an odd step is late by swing/100 of half a step (66.7 % is a triplet feel). */
double tandem_plan_step_frames  (double sample_rate,
                                 double tempo,
                                 guint  steps_per_beat);
double tandem_plan_swing_frames (double step_frames,
                                 double swing);
/* The first frame of grid step @step (counted from the transport start)
 * with a constant tempo: what the renderer does, for tests and export. */
gint64 tandem_plan_onset_frame  (double  step_frames,
                                 double  swing_frames,
                                 guint64 step);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TandemRenderPlan, tandem_render_plan_free)

G_END_DECLS
