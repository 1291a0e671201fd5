/* tandem-render-plan.h — the immutable snapshot of a project the audio thread plays
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "tandem-model.h"
#include "tandem-audio-rt.h"
#include "tandem-sample.h"

typedef struct _TandemPlanLayers TandemPlanLayers;

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
  float            gain;       /* linear; 0 when muted, not soloed or ≤ -60 dB */
  float            pan_left;   /* constant-power pan gains (mono sources) */
  float            pan_right;
  float            bal_left;   /* balance (stereo samples): 1 at centre, the far side falls */
  float            bal_right;
  guint32          layers;     /* a sampler's velocity layers: 1 + index in the plan's layers; 0: none */
  guint8           choke_group; /* what its notes choke (TandemPlanEvent) */
} TandemPlanTrack;

/* One note the sequencer plays, compiled on the main thread so that the
 * callback's work grows with the notes that sound, not with the number of
 * tracks or clips. */
typedef struct
{
  const TandemSample *sample;      /* the one-shot to play; NULL: the track's own */
  guint32             track;       /* index in the plan's tracks */
  guint8              velocity;    /* 1..127 */
  guint8              probability; /* 1..100 */
  gint8               note;
  guint8              choke_group; /* 0: none; else it silences what rings in its group */
  guint8              chromatic;   /* 1: note is semitones above the key's root (chord
                                    * tracks, tandem-plan-harmony.h), 0: a scale degree */
} TandemPlanEvent;

/* Steps whose notes repeat every @period steps: the notes of step k
 * (start_step <= k < end_step) are events[offsets[first + o]] up to
 * events[offsets[first + o + 1]], o = (k - start_step) % period. A song
 * segment whose table would be too large lists its clips instead
 * (n_clips > 0) and the callback reads their patterns. */
typedef struct
{
  guint64 start_step;
  guint64 end_step;
  guint   period;
  guint   first;
  guint   first_clip;              /* index in the plan's clip_refs */
  guint   n_clips;
} TandemPlanSequence;

typedef struct
{
  guint              length;       /* steps, 1..TANDEM_MAX_STEPS */
  TandemPlanSequence notes;        /* period = length */
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
  const struct _TandemDrumKit *kit;  /* the built-in drums at this rate */
  double             step_frames;    /* frames per step at the tempo */
  double             swing_frames;   /* delay of every odd step */
  guint              steps_per_bar;
  guint              steps_per_beat; /* the metronome's beat */
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
  guint              uid_mask;       /* uid_slots has uid_mask + 1 entries */
  guint32           *uid_slots;      /* track index + 1 by hash of uid, 0: empty */
  guint              n_patterns;     /* at least 1 */
  TandemPlanPattern *patterns;
  guint              n_clips;
  TandemPlanClip    *clips;
  guint              n_segments;     /* song: sorted, disjoint, only where clips play */
  TandemPlanSequence *segments;
  guint32           *clip_refs;      /* clips of the segments that list them */
  guint32           *offsets;        /* into events, see TandemPlanSequence */
  TandemPlanEvent   *events;
  guint              n_layers;
  TandemPlanLayers  *layers;        /* of the sampler tracks (tandem-plan-layers.h) */

  /* All of the above but the samples lives in one block, locked in memory
   * where the system allows it, so the callback never faults on it. */
  gpointer           block;
  gsize              block_size;
  gboolean           locked;
} TandemRenderPlan;

/* The index of the track with @uid in @plan, or -1. */
TANDEM_REALTIME static inline int
tandem_plan_find_track (const TandemRenderPlan *plan,
                        guint64                 uid)
{
  for (guint i = (guint) (uid ^ (uid >> 32)) & plan->uid_mask;; i = (i + 1) & plan->uid_mask)
    {
      guint32 slot = plan->uid_slots[i];

      if (slot == 0)
        return -1;
      if (plan->tracks[slot - 1].uid == uid)
        return (int) slot - 1;
    }
}

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
