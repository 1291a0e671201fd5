/* tandem-renderer.c — the sequencer and voice pool that turn a plan into frames
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Timing: grid step g (counted from the transport start) begins at
 *   anchor_frame + (g - anchor_step) × step_frames  (+ swing_frames when g is odd)
 * rounded to the nearest frame. A tempo change re-anchors at the next step so
 * the grid never jumps. Each buffer is cut at step onsets, so a step starts
 * on its exact frame whatever the buffer size.
 */
#define G_LOG_DOMAIN "tandem-audio"

#include "config.h"

#include <math.h>
#include <string.h>

#include "tandem-drum-kit.h"
#include "tandem-dsp.h"
#include "tandem-limiter.h"
#include "tandem-memlock.h"
#include "tandem-metronome.h"
#include "tandem-mixer.h"
#include "tandem-plan-layers.h"
#include "tandem-renderer.h"
#include "tandem-transport-clock.h"
#include "tandem-voice.h"

struct _TandemRenderer
{
  guint                   sample_rate;
  guint                   max_block;
  gboolean                metering;
  const TandemRenderPlan *plan;
  guint64                 seed;

  gboolean                playing;
  guint64                 frame;          /* transport frame at the current block start */
  guint64                 grid_step;      /* next grid step to play */
  guint64                 anchor_step;
  double                  anchor_frame;
  double                  step_frames;
  double                  swing_frames;
  guint64                 seq_step;       /* song or pattern position of the next step */
  guint64                 start_step;     /* where play starts */
  guint64                 first_step;     /* grid step play began on: before it, counting in */
  gint64                  position;
  gint64                  position_before;  /* shown until the output reaches position_at */
  guint64                 position_at;

  /* Shared transport (tandem_renderer_anchor): device frames count always;
   * while anchored the timing comes from the anchor, not the plan's tempo. */
  guint64                 clock;          /* device frames rendered so far */
  guint64                 origin;         /* clock at transport frame 0 */
  gboolean                anchored;
  gboolean                armed;          /* an anchor waits for the plan to play */
  double                  armed_frame;    /* device frames */
  guint64                 armed_step;
  double                  armed_step_frames;
  gboolean                retime;         /* a re-anchor waits for its step */
  guint64                 retime_step;
  double                  retime_frame;   /* transport frames */
  double                  retime_step_frames;

  guint                   n_active;       /* slots in use */
  guint                   n_live;         /* of which not fading out */
  guint64                 voice_serial;
  TandemVoice             voices[TANDEM_VOICE_SLOTS];
  guint8                  free_slots[TANDEM_VOICE_SLOTS];   /* a stack of free voices */
  guint                   n_free;

  /* Every ramp (gain edits, voice fades) follows ramp[0..ramp_len], a raised
   * cosine from 0 to 1: no step, and no corner at either end. */
  const float            *ramp;
  guint                   ramp_len;
  /* A voice whose track goes keeps the next ramp_len frames of its sample
   * here (the plan that owns the sample is freed after our ack). */
  float                  *tails;
  float                   master_from, master_to;
  guint                   master_pos;
  gboolean                master_set;
  guint                   segment;        /* song segment last played (a cursor) */

  TandemMetronomeMode     metronome_mode;
  TandemMetronome         metronome;

  TandemLimiter           limiter;
  gboolean                primed;
  float                  *prime;          /* TANDEM_LIMITER_LATENCY stereo frames */
  float                  *bus;
  float                  *bus_right;
  float                  *mix_left;
  float                  *mix_right;
  float                   track_peaks[TANDEM_METER_MAX_TRACKS];
  TandemMeterLevels       levels;
  gsize                   block_size;
  gboolean                locked;
};

TandemRenderer *
tandem_renderer_new (guint sample_rate,
                     guint max_block)
{
  gsize block = MAX (max_block, 16);
  guint ramp_len = MAX ((guint) (sample_rate * TANDEM_RAMP_SECONDS + 0.5), 1);
  gsize n_floats = 4 * block + (ramp_len + 1) + (gsize) TANDEM_VOICE_SLOTS * ramp_len * 2
                   + 2 * TANDEM_LIMITER_LATENCY + tandem_metronome_storage (sample_rate);
  gsize head = (sizeof (TandemRenderer) + 63) & ~(gsize) 63;
  gsize size = head + n_floats * sizeof (float);
  TandemRenderer *self = tandem_memlock_alloc (size);
  float *ramp;

  /* The state and scratch buffers the callback touches, in one block
   * (locked by tandem_renderer_lock_memory()). */
  self->block_size = size;
  self->sample_rate = sample_rate;
  self->max_block = (guint) block;
  self->metering = TRUE;
  self->bus = (float *) ((guint8 *) self + head);
  self->bus_right = self->bus + block;
  self->mix_left = self->bus_right + block;
  self->mix_right = self->mix_left + block;
  ramp = self->mix_right + block;
  self->tails = ramp + ramp_len + 1;
  self->prime = self->tails + (gsize) TANDEM_VOICE_SLOTS * ramp_len * 2;
  tandem_metronome_init (&self->metronome, sample_rate, self->prime + 2 * TANDEM_LIMITER_LATENCY);
  tandem_limiter_init (&self->limiter, sample_rate);
  for (guint i = 0; i <= ramp_len; i++)
    ramp[i] = (float) (0.5 - 0.5 * cos (G_PI * i / ramp_len));
  self->ramp = ramp;
  self->ramp_len = ramp_len;
  self->position = -1;
  for (guint i = 0; i < TANDEM_VOICE_SLOTS; i++)
    self->free_slots[i] = (guint8) (TANDEM_VOICE_SLOTS - 1 - i);
  self->n_free = TANDEM_VOICE_SLOTS;
  return self;
}

void
tandem_renderer_lock_memory (TandemRenderer *self)
{
  if (!self->locked)
    self->locked = tandem_memlock_lock (self, self->block_size);
}

void
tandem_renderer_free (TandemRenderer *self)
{
  if (self == NULL)
    return;
  tandem_memlock_free (self, self->block_size, self->locked);
}

void
tandem_renderer_set_metering (TandemRenderer *self,
                              gboolean        metering)
{
  self->metering = metering;
}

void
tandem_renderer_set_seed (TandemRenderer *self,
                          guint64         seed)
{
  self->seed = seed;
}

TANDEM_REALTIME static void
voice_free (TandemRenderer *self,
            TandemVoice    *v)
{
  if (v->fade >= 0)
    self->n_live--;
  v->kind = TANDEM_VOICE_NONE;
  self->n_active--;
  self->free_slots[self->n_free++] = (guint8) (v - self->voices);
}

TANDEM_REALTIME static inline float
ramp_at (const TandemRenderer *self,
         guint                 pos)
{
  return pos >= self->ramp_len ? 1.0f : self->ramp[pos];
}

/* The gains a voice is heard at on @track: constant-power pan for mono
 * sources, balance for stereo ones. */
TANDEM_REALTIME static void
track_gains (const TandemPlanTrack *track,
             guint                  channels,
             float                  g[2])
{
  g[0] = track->gain * (channels == 2 ? track->bal_left : track->pan_left);
  g[1] = track->gain * (channels == 2 ? track->bal_right : track->pan_right);
}

TANDEM_REALTIME static void
voice_gains_now (const TandemRenderer *self,
                 const TandemVoice    *v,
                 float                 g[2])
{
  float r = ramp_at (self, v->gain_pos);

  g[0] = v->gain_from[0] + (v->gain_to[0] - v->gain_from[0]) * r;
  g[1] = v->gain_from[1] + (v->gain_to[1] - v->gain_from[1]) * r;
}

/* Starts the voice's fade to silence over the ramp, from where it is. */
TANDEM_REALTIME static void
voice_fade_out (TandemRenderer *self,
                TandemVoice    *v)
{
  if (v->fade < 0)
    return;
  /* The ramp is symmetric: ramp[len - p] = 1 - ramp[p]. */
  v->fade_pos = v->fade > 0 && v->fade_pos < self->ramp_len ? self->ramp_len - v->fade_pos : 0;
  v->fade = -1;
  self->n_live--;
}

/* The voice's track went away (or changed sample): it fades out on its own,
 * at the gains it had, from a copy of what it would still play. */
/* Whether @track still plays @sample: its own, or one of its layers'. */
TANDEM_REALTIME static gboolean
track_plays (const TandemRenderPlan *plan,
             const TandemPlanTrack  *track,
             const TandemSample     *sample)
{
  return track->sample == sample
         || (track->layers != 0 && tandem_plan_layers_has (&plan->layers[track->layers - 1], sample));
}

TANDEM_REALTIME static void
voice_orphan (TandemRenderer *self,
              TandemVoice    *v)
{
  float g[2];

  voice_gains_now (self, v, g);
  v->gain_from[0] = v->gain_to[0] = g[0];
  v->gain_from[1] = v->gain_to[1] = g[1];
  v->gain_pos = self->ramp_len;
  v->orphan = TRUE;
  v->track = G_MAXUINT;
  voice_fade_out (self, v);
  if (v->kind == TANDEM_VOICE_SAMPLE)
    {
      float *tail = self->tails + (gsize) (v - self->voices) * self->ramp_len * 2;
      gsize left = v->sample_pos < v->shot_len ? v->shot_len - v->sample_pos : 0;
      gsize keep = MIN (left, (gsize) self->ramp_len);

      if (v->sample_step == 1.0)
        memcpy (tail, v->shot + v->sample_pos * v->channels, keep * v->channels * sizeof (float));
      else
        {
          /* A pitched voice's tail is kept as it sounds, to play unpitched. */
          for (keep = 0; keep < self->ramp_len && v->sample_pos < v->shot_len; keep++)
            {
              for (guint c = 0; c < v->channels; c++)
                tail[keep * v->channels + c] = tandem_voice_read_between (v, v->sample_pos, v->sample_frac, c);
              tandem_voice_step_on (v);
            }
          v->sample_step = 1.0;
          v->sample_frac = 0.0;
        }
      v->shot = tail;
      v->shot_len = keep;
      v->sample_pos = 0;
      v->sample = NULL;
      v->peaks = NULL;
    }
}

TANDEM_REALTIME void
tandem_renderer_set_plan (TandemRenderer         *self,
                          const TandemRenderPlan *plan)
{
  if (plan == self->plan)
    return;

  if (self->playing && plan != NULL && plan->step_frames != self->step_frames && !self->anchored)
    {
      self->anchor_frame += (double) (self->grid_step - self->anchor_step) * self->step_frames;
      self->anchor_step = self->grid_step;
    }
  if (plan != NULL && !self->anchored)
    {
      self->step_frames = plan->step_frames;
      self->swing_frames = plan->swing_frames;
    }
  else if (plan != NULL)
    self->swing_frames = plan->step_frames > 0
                         ? self->step_frames * plan->swing_frames / plan->step_frames : 0;

  /* Voices follow their track by id (a hash lookup in the new plan, not a
   * walk over its tracks), and glide to its new gains; nothing may point
   * into the old plan once this returns, since the main thread frees it
   * after our ack. */
  for (guint i = 0; i < TANDEM_VOICE_SLOTS; i++)
    {
      TandemVoice *v = &self->voices[i];
      float g[2];
      int t;

      if (v->kind == TANDEM_VOICE_NONE || v->orphan)
        continue;
      t = plan != NULL ? tandem_plan_find_track (plan, v->track_uid) : -1;
      if (t < 0 || (v->kind == TANDEM_VOICE_SAMPLE && !track_plays (plan, &plan->tracks[t], v->sample)))
        {
          voice_orphan (self, v);
          continue;
        }
      v->track = (guint) t;
      track_gains (&plan->tracks[t], v->channels, g);
      if (g[0] != v->gain_to[0] || g[1] != v->gain_to[1])
        {
          voice_gains_now (self, v, v->gain_from);
          v->gain_to[0] = g[0];
          v->gain_to[1] = g[1];
          v->gain_pos = 0;
        }
    }
  if (plan != NULL && !self->master_set)
    {
      self->master_from = self->master_to = plan->master_gain;
      self->master_pos = self->ramp_len;
      self->master_set = TRUE;
    }
  else if (plan != NULL && plan->master_gain != self->master_to)
    {
      self->master_from += (self->master_to - self->master_from) * ramp_at (self, self->master_pos);
      self->master_to = plan->master_gain;
      self->master_pos = 0;
    }
  self->segment = 0;

  self->plan = plan;
}

TANDEM_REALTIME void
tandem_renderer_set_metronome (TandemRenderer      *self,
                               TandemMetronomeMode  mode)
{
  self->metronome_mode = mode;
}

TANDEM_REALTIME const TandemRenderPlan *
tandem_renderer_get_plan (TandemRenderer *self)
{
  return self->plan;
}

TANDEM_REALTIME void
tandem_renderer_locate (TandemRenderer *self,
                        guint64         step)
{
  self->start_step = step;
  if (self->playing)
    self->seq_step = step;
}

TANDEM_REALTIME gint64
tandem_renderer_get_position (TandemRenderer *self)
{
  if (!self->playing)
    return -1;
  return tandem_renderer_get_clock (self) > self->position_at ? self->position : self->position_before;
}

TANDEM_REALTIME gboolean
tandem_renderer_is_playing (TandemRenderer *self)
{
  return self->playing;
}

TANDEM_REALTIME gboolean
tandem_renderer_is_silent (TandemRenderer *self)
{
  return self->n_active == 0;
}

TANDEM_REALTIME guint
tandem_renderer_get_active_voices (TandemRenderer *self)
{
  return self->n_live;
}

TANDEM_REALTIME const TandemMeterLevels *
tandem_renderer_get_levels (TandemRenderer *self)
{
  return &self->levels;
}

TANDEM_REALTIME static TandemVoice *
voice_alloc (TandemRenderer *self)
{
  if (self->n_live >= TANDEM_MAX_VOICES)
    {
      /* Full: the quietest voice that is not already leaving fades out. */
      TandemVoice *quietest = NULL;
      float least = G_MAXFLOAT;

      for (guint i = 0; i < TANDEM_VOICE_SLOTS; i++)
        {
          TandemVoice *v = &self->voices[i];
          float level;

          if (v->kind == TANDEM_VOICE_NONE || v->fade < 0)
            continue;
          level = tandem_voice_level (v) * MAX (v->gain_to[0], v->gain_to[1]);
          if (level < least)
            {
              least = level;
              quietest = v;
            }
        }
      voice_fade_out (self, quietest);
    }
  if (self->n_free == 0)
    {
      /* Every spare slot is fading: end the one nearest its end. */
      TandemVoice *done = NULL;

      for (guint i = 0; i < TANDEM_VOICE_SLOTS; i++)
        if (self->voices[i].fade < 0 && (done == NULL || self->voices[i].fade_pos > done->fade_pos))
          done = &self->voices[i];
      voice_free (self, done);
    }
  self->n_active++;
  self->n_live++;
  return &self->voices[self->free_slots[--self->n_free]];
}

/* Chord notes are semitones: degrees of the twelve-tone scale. */
static const guint8 chromatic_scale[12] = { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11 };

TANDEM_REALTIME static void
trigger (TandemRenderer        *self,
         const TandemPlanEvent *event)
{
  const TandemRenderPlan *plan = self->plan;
  const TandemPlanTrack *track = &plan->tracks[event->track];
  float amp = (float) event->velocity / 127.0f
              * (track->layers != 0 ? plan->layers[track->layers - 1].gain[event->velocity] : 1.0f);
  guint32 rng = (guint32) tandem_hash64 (self->seed ^ (self->grid_step * 0x100000001b3ull + track->uid)) | 1;
  const TandemSample *sample = event->sample != NULL ? event->sample : track->sample;
  TandemVoice *v;

  if (event->choke_group != 0)
    for (guint i = 0; i < TANDEM_VOICE_SLOTS; i++)
      if (self->voices[i].kind != TANDEM_VOICE_NONE && self->voices[i].choke_group == event->choke_group
          && self->voices[i].track_uid != track->uid)
        {
          /* A kit's choke group fades what rings over the ramp (4 ms); the
           * built-in hats keep their own choke. */
          if (event->choke_group > 1)
            voice_fade_out (self, &self->voices[i]);
          else
            tandem_voice_choke (&self->voices[i]);
        }

  v = voice_alloc (self);
  switch (track->kind)
    {
    case TANDEM_VOICE_SYNTH:
      tandem_voice_start_synth (v, (float) self->sample_rate, amp,
                                (float) (event->chromatic
                                         ? tandem_voice_degree_to_freq (event->note, plan->key_root,
                                                                        chromatic_scale, 12)
                                         : tandem_voice_degree_to_freq (event->note, plan->key_root,
                                                                        plan->intervals,
                                                                        plan->n_degrees)),
                                (guint64) plan->step_frames, rng);
      break;
    case TANDEM_VOICE_SAMPLE:
      tandem_voice_start_sample (v, sample, amp,
                                 track->layers != 0 ? plan->layers[track->layers - 1].step[event->velocity]
                                                    : 1.0);
      break;
    default:
      {
        /* A layer for the velocity's timbre, a variant for this hit. */
        const TandemDrumShot *shot =
          &plan->kit->shots[track->kind][tandem_drum_kit_layer (event->velocity)]
                           [(rng >> 8) % TANDEM_DRUM_VARIANTS];

        tandem_voice_start_shot (v, track->kind, shot->frames, shot->n_frames, shot->peaks,
                                 (float) self->sample_rate, amp);
      }
      break;
    }
  /* The synth's saws start on their edge: fade them in. One-shots start
   * as they were recorded (a drum's attack is its first frame). */
  if (track->kind == TANDEM_VOICE_SYNTH)
    v->fade = 1;
  track_gains (track, v->channels, v->gain_to);
  v->gain_from[0] = v->gain_to[0];
  v->gain_from[1] = v->gain_to[1];
  v->gain_pos = self->ramp_len;
  v->track = event->track;
  v->track_uid = track->uid;
  v->choke_group = event->choke_group;
  v->serial = ++self->voice_serial;
}

TANDEM_REALTIME static void
play_events (TandemRenderer        *self,
             const TandemPlanEvent *events,
             guint32                n)
{
  const TandemRenderPlan *plan = self->plan;

  for (guint32 i = 0; i < n; i++)
    {
      const TandemPlanEvent *e = &events[i];

      if (e->probability < 100)
        {
          guint64 h = tandem_hash64 (self->seed ^ tandem_hash64 (self->grid_step ^ plan->tracks[e->track].uid));

          if (h % 100 >= e->probability)
            continue;
        }
      trigger (self, e);
    }
}

TANDEM_REALTIME static void
play_pattern_step (TandemRenderer          *self,
                   const TandemPlanPattern *pattern,
                   guint                    step)
{
  const TandemRenderPlan *plan = self->plan;
  const guint32 *at = &plan->offsets[pattern->notes.first + step];

  play_events (self, &plan->events[at[0]], at[1] - at[0]);
}

/* The song segment that holds step @k, or NULL; moves the cursor, which
 * makes the usual case (the next step) O(1). */
TANDEM_REALTIME static const TandemPlanSequence *
find_segment (TandemRenderer *self,
              guint64         k)
{
  const TandemRenderPlan *plan = self->plan;
  guint lo = 0, hi = plan->n_segments;

  if (plan->n_segments == 0)
    return NULL;
  if (self->segment < plan->n_segments)
    {
      const TandemPlanSequence *seg = &plan->segments[self->segment];
      const TandemPlanSequence *next = self->segment + 1 < plan->n_segments ? seg + 1 : NULL;

      if (k >= seg->start_step && k < seg->end_step)
        return seg;
      if (next != NULL && k >= next->start_step && k < next->end_step)
        {
          self->segment++;
          return next;
        }
      if (k >= seg->end_step && (next == NULL || k < next->start_step))
        return NULL;   /* a gap after the cursor */
    }
  /* Elsewhere (a jump, a loop): binary search for the last segment starting at or before k. */
  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;

      if (plan->segments[mid].start_step <= k)
        lo = mid + 1;
      else
        hi = mid;
    }
  if (lo == 0)
    return NULL;
  self->segment = lo - 1;
  return k < plan->segments[lo - 1].end_step ? &plan->segments[lo - 1] : NULL;
}

TANDEM_REALTIME static gint64 next_onset (TandemRenderer *self);

/* The sequencer runs ahead of the output: the step it plays now is heard
 * TANDEM_LIMITER_LATENCY frames later, and shown from then on. */
TANDEM_REALTIME static void
set_position (TandemRenderer *self,
              gint64          position)
{
  self->position_before = self->position;
  self->position = position;
  self->position_at = self->origin + (guint64) MAX (next_onset (self), 0);
}

TANDEM_REALTIME static void
play_step (TandemRenderer *self)
{
  const TandemRenderPlan *plan = self->plan;

  if (plan->play_mode == TANDEM_PLAY_MODE_PATTERN)
    {
      const TandemPlanPattern *pattern = &plan->patterns[plan->current_pattern];
      guint step = (guint) (self->seq_step % pattern->length);

      play_pattern_step (self, pattern, step);
      set_position (self, step);
      self->seq_step = step + 1;
    }
  else
    {
      guint64 k = self->seq_step;
      guint64 end = MAX (plan->song_end_step, plan->loop ? plan->loop_end_step : 0);
      const TandemPlanSequence *seg;

      if (plan->loop && k == plan->loop_end_step)
        k = plan->loop_start_step;
      else if (k >= end)
        k = plan->loop ? plan->loop_start_step : 0;

      seg = find_segment (self, k);
      if (seg != NULL && seg->n_clips == 0)
        {
          const guint32 *at = &plan->offsets[seg->first + (k - seg->start_step) % seg->period];

          play_events (self, &plan->events[at[0]], at[1] - at[0]);
        }
      else if (seg != NULL)
        for (guint c = 0; c < seg->n_clips; c++)
          {
            const TandemPlanClip *clip = &plan->clips[plan->clip_refs[seg->first_clip + c]];
            const TandemPlanPattern *pattern = &plan->patterns[clip->pattern];

            play_pattern_step (self, pattern, (guint) ((k - clip->start_step) % pattern->length));
          }
      set_position (self, (gint64) k);
      self->seq_step = k + 1;
    }
  self->grid_step++;
}

/* The first grid step at or after @step whose onset is not before transport
 * frame @frame. */
TANDEM_REALTIME static guint64
first_step_from (TandemRenderer *self,
                 guint64         step,
                 double          frame)
{
  double onset = self->anchor_frame + (double) (step - self->anchor_step) * self->step_frames;
  double ahead = frame - onset;
  guint64 g = step;

  if (ahead > 0.0)
    g += (guint64) ceil (ahead / self->step_frames);
  /* Swing makes odd steps late: the one before may still be ahead. */
  if (g > step && ((g - 1) & 1)
      && self->anchor_frame + (double) (g - 1 - self->anchor_step) * self->step_frames
         + self->swing_frames >= frame - 0.5)
    g--;
  return g;
}

TANDEM_REALTIME static void
take_anchor (TandemRenderer *self,
             double          frame,
             guint64         step,
             double          step_frames)
{
  guint64 g;

  self->anchor_frame = frame;
  self->anchor_step = step;
  self->swing_frames = self->step_frames > 0
                       ? self->swing_frames * step_frames / self->step_frames : 0;
  self->step_frames = step_frames;
  g = first_step_from (self, MAX (step, self->grid_step), (double) self->frame);
  if (g != self->grid_step)
    {
      /* Joined late, or the clock estimate moved: skip to the step due now. */
      self->grid_step = g;
      self->seq_step = tandem_transport_sequence_step (self->plan, g);
    }
}

TANDEM_REALTIME static void
start_armed (TandemRenderer *self)
{
  const TandemRenderPlan *plan = self->plan;

  self->armed = FALSE;
  self->playing = TRUE;
  self->anchored = TRUE;
  self->retime = FALSE;
  self->frame = 0;
  self->origin = self->clock;
  self->position = -1;
  self->step_frames = self->armed_step_frames;
  self->swing_frames = plan->step_frames > 0
                       ? self->step_frames * plan->swing_frames / plan->step_frames : 0;
  self->anchor_frame = self->armed_frame - (double) self->origin;
  self->anchor_step = self->armed_step;
  self->first_step = self->armed_step;
  self->grid_step = first_step_from (self, self->armed_step, 0.0);
  self->seq_step = tandem_transport_sequence_step (plan, self->grid_step);
}

TANDEM_REALTIME void
tandem_renderer_anchor (TandemRenderer *self,
                        double          frame,
                        guint64         grid_step,
                        double          step_frames)
{
  if (step_frames <= 0.0)
    return;
  if (!self->playing)
    {
      /* Started when the plan says so (at once if it already does). */
      self->armed = TRUE;
      self->armed_frame = frame;
      self->armed_step = grid_step;
      self->armed_step_frames = step_frames;
      if (self->plan != NULL && self->plan->playing)
        start_armed (self);
      return;
    }
  self->anchored = TRUE;
  if (grid_step <= self->grid_step)
    {
      self->retime = FALSE;
      take_anchor (self, frame - (double) self->origin, grid_step, step_frames);
    }
  else
    {
      self->retime = TRUE;
      self->retime_step = grid_step;
      self->retime_frame = frame - (double) self->origin;
      self->retime_step_frames = step_frames;
    }
}

TANDEM_REALTIME guint64
tandem_renderer_get_clock (TandemRenderer *self)
{
  /* The output's frames, which the sequencer's run ahead of. */
  return self->primed ? self->clock - TANDEM_LIMITER_LATENCY : self->clock;
}

TANDEM_REALTIME static gint64
next_onset (TandemRenderer *self)
{
  double t = self->anchor_frame
             + (double) (self->grid_step - self->anchor_step) * self->step_frames
             + ((self->grid_step & 1) ? self->swing_frames : 0.0);

  return (gint64) floor (t + 0.5);
}

/* A voice that is gliding to new gains or fading: rendered on its own into
 * the bus, then into the mix with its gains and fade frame by frame.
 * Returns FALSE when it has finished. */
TANDEM_REALTIME static gboolean
mix_moving_voice (TandemRenderer *self,
                  TandemVoice    *v,
                  guint           n,
                  float          *left,
                  float          *right)
{
  const gboolean stereo = v->channels == 2;
  const float *in_r = stereo ? self->bus_right : self->bus;
  gboolean more;

  memset (self->bus, 0, n * sizeof (float));
  if (stereo)
    memset (self->bus_right, 0, n * sizeof (float));
  more = tandem_voice_render (v, self->bus, self->bus_right, n);

  for (guint i = 0; i < n; i++)
    {
      float r = ramp_at (self, v->gain_pos + i);
      float gl = v->gain_from[0] + (v->gain_to[0] - v->gain_from[0]) * r;
      float gr = v->gain_from[1] + (v->gain_to[1] - v->gain_from[1]) * r;
      float e = v->fade > 0 ? ramp_at (self, v->fade_pos + i)
                : v->fade < 0 ? 1.0f - ramp_at (self, v->fade_pos + i) : 1.0f;

      left[i] += self->bus[i] * gl * e;
      right[i] += in_r[i] * gr * e;
    }
  v->gain_pos = MIN (v->gain_pos + n, self->ramp_len);
  if (v->fade != 0)
    {
      v->fade_pos = MIN (v->fade_pos + n, self->ramp_len);
      if (v->fade_pos >= self->ramp_len)
        {
          if (v->fade < 0)
            return FALSE;
          v->fade = 0;
        }
    }
  return more;
}

TANDEM_REALTIME static inline gboolean
voice_is_steady (const TandemRenderer *self,
                 const TandemVoice    *v)
{
  return v->fade == 0 && v->gain_pos >= self->ramp_len;
}

/* The voices of track @t that sound at its gains: a few mono one-shots go
 * straight into the mix; the rest through a mono and a stereo bus. */
TANDEM_REALTIME static float
mix_steady_voices (TandemRenderer        *self,
                   const TandemPlanTrack *track,
                   TandemVoice          **voices,
                   guint                  n_voices,
                   guint                  n,
                   float                 *left,
                   float                 *right)
{
  gboolean plain = n_voices <= TANDEM_MIX_MAX_SHOTS;
  gboolean mono = FALSE, stereo = FALSE;
  float peak = 0.0f;

  for (guint m = 0; m < n_voices && plain; m++)
    plain = tandem_voice_is_plain_shot (voices[m]);
  if (plain)
    {
      /* The common case: a few hits ringing on the track, straight into
       * the mix (no bus to clear, fill and read back). */
      float gain = track->gain;

      tandem_voice_mix_shots (voices, n_voices, n, gain * track->pan_left, gain * track->pan_right,
                              left, right, self->metering ? &peak : NULL);
      for (guint m = 0; m < n_voices; m++)
        if (tandem_voice_shot_done (voices[m]))
          voice_free (self, voices[m]);
      return peak * gain;
    }

  for (guint m = 0; m < n_voices; m++)
    {
      mono |= voices[m]->channels != 2;
      stereo |= voices[m]->channels == 2;
    }
  if (mono)
    {
      memset (self->bus, 0, n * sizeof (float));
      for (guint m = 0; m < n_voices; m++)
        if (voices[m]->channels != 2 && !tandem_voice_render (voices[m], self->bus, NULL, n))
          voice_free (self, voices[m]);
      peak = tandem_mixer_add_track (self->bus, n, track->gain, track->pan_left, track->pan_right,
                                     left, right, self->metering);
    }
  if (stereo)
    {
      float pl, pr;

      memset (self->bus, 0, n * sizeof (float));
      memset (self->bus_right, 0, n * sizeof (float));
      for (guint m = 0; m < n_voices; m++)
        if (voices[m]->kind != TANDEM_VOICE_NONE && voices[m]->channels == 2
            && !tandem_voice_render (voices[m], self->bus, self->bus_right, n))
          voice_free (self, voices[m]);
      /* (MAX would evaluate the mixing twice.) */
      pl = tandem_mixer_add_track (self->bus, n, track->gain, track->bal_left, 0.0f,
                                         left, right, self->metering);
      pr = tandem_mixer_add_track (self->bus_right, n, track->gain, 0.0f, track->bal_right,
                                         left, right, self->metering);

      peak = MAX (peak, MAX (pl, pr));
    }
  return peak;
}

/* Renders every voice into the mix from frame @offset for @n frames, track
 * by track: the voices sorted by track, so the work follows the voices that
 * sound, not the number of tracks. Voices whose track is gone come last,
 * each at its own gains. */
TANDEM_REALTIME static void
render_chunk (TandemRenderer *self,
              guint           offset,
              guint           n)
{
  const TandemRenderPlan *plan = self->plan;
  float *left = self->mix_left + offset, *right = self->mix_right + offset;
  guint8 active[TANDEM_VOICE_SLOTS];
  guint n_active = 0;

  if (self->n_active == 0 || n == 0)
    return;

  /* Insertion sort by (track, slot): stable, and few voices move. */
  for (guint i = 0; i < TANDEM_VOICE_SLOTS; i++)
    if (self->voices[i].kind != TANDEM_VOICE_NONE)
      {
        guint j = n_active++;
        guint t = self->voices[i].track;

        while (j > 0 && self->voices[active[j - 1]].track > t)
          {
            active[j] = active[j - 1];
            j--;
          }
        active[j] = (guint8) i;
      }

  for (guint a = 0; a < n_active;)
    {
      guint t = self->voices[active[a]].track;
      TandemVoice *steady[TANDEM_VOICE_SLOTS];
      guint n_mine = 0, n_steady = 0;
      float peak = 0.0f;

      while (a + n_mine < n_active && self->voices[active[a + n_mine]].track == t)
        n_mine++;
      for (guint m = 0; m < n_mine; m++)
        {
          TandemVoice *v = &self->voices[active[a + m]];

          if (t != G_MAXUINT && voice_is_steady (self, v))
            steady[n_steady++] = v;
          else if (!mix_moving_voice (self, v, n, left, right))
            voice_free (self, v);
        }
      a += n_mine;
      if (n_steady > 0)
        peak = mix_steady_voices (self, &plan->tracks[t], steady, n_steady, n, left, right);
      if (t < TANDEM_METER_MAX_TRACKS)
        self->track_peaks[t] = MAX (self->track_peaks[t], peak);
    }
}

/* Cuts @n frames where a ramp ends, so a voice goes from its own gliding
 * path to its track's shared one on the same frame whatever the block size
 * (the two sum in a different order). */
TANDEM_REALTIME static void
render_voices (TandemRenderer *self,
               guint           offset,
               guint           n)
{
  while (n > 0 && self->n_active > 0)
    {
      guint m = n;

      for (guint i = 0; i < TANDEM_VOICE_SLOTS; i++)
        {
          const TandemVoice *v = &self->voices[i];

          if (v->kind == TANDEM_VOICE_NONE)
            continue;
          if (v->gain_pos < self->ramp_len)
            m = MIN (m, self->ramp_len - v->gain_pos);
          if (v->fade != 0 && v->fade_pos < self->ramp_len)
            m = MIN (m, self->ramp_len - v->fade_pos);
        }
      render_chunk (self, offset, m);
      offset += m;
      n -= m;
    }
}

/* The metronome: a click on every beat boundary of the grid in transport
 * frames [frame, frame + n) that the mode asks for, rendered sample-exactly
 * into the interleaved @out (after the master gain: the click is the
 * player's own, at its own level). Beats before first_step are the count-in,
 * which the anchor puts ahead of the start; the first of each bar is
 * accented. Straight time: the click does not swing. */
TANDEM_REALTIME static void
render_clicks (TandemRenderer *self,
               guint64         frame,
               float          *out,
               guint           n)
{
  const TandemRenderPlan *plan = self->plan;
  guint spb = MAX (plan->steps_per_beat, 1);
  guint bpb = MAX (plan->steps_per_bar / spb, 1);
  guint done = 0;
  gint64 beat;

  if (self->metronome_mode != TANDEM_METRONOME_OFF && self->playing && self->step_frames > 0.0)
    {
      /* The beat just before this block; each beat is at least a few
       * hundred frames long, so the loop runs a few times at most. */
      beat = (gint64) floor ((((double) frame - self->anchor_frame) / self->step_frames
                              + (double) self->anchor_step) / spb) - 1;
      for (guint guard = 0; guard < 64; guard++, beat++)
        {
          gint64 step = beat * (gint64) spb;
          gint64 onset = (gint64) floor (self->anchor_frame
                                         + (double) (step - (gint64) self->anchor_step)
                                           * self->step_frames + 0.5);
          gint64 at = onset - (gint64) frame;
          gint64 in_bar = ((beat % bpb) + bpb) % bpb;

          if (at >= (gint64) n)
            break;
          if (at < 0 || (self->metronome_mode == TANDEM_METRONOME_COUNT_IN
                         && step >= (gint64) self->first_step))
            continue;
          tandem_metronome_render (&self->metronome, out + 2 * done, (guint) at - done);
          done = (guint) at;
          tandem_metronome_start (&self->metronome, in_bar == 0);
        }
    }
  tandem_metronome_render (&self->metronome, out + 2 * done, n - done);
}

TANDEM_REALTIME static void
process_block (TandemRenderer *self,
               float          *out,
               guint           n)
{
  const TandemRenderPlan *plan = self->plan;
  guint64 block_frame = self->frame;
  gboolean was_playing = self->playing;
  guint done = 0;
  float falloff, peak_l, peak_r;

  memset (self->track_peaks, 0, sizeof self->track_peaks);
  memset (self->mix_left, 0, n * sizeof (float));
  memset (self->mix_right, 0, n * sizeof (float));

  while (self->playing)
    {
      gint64 onset;

      if (self->retime && self->grid_step >= self->retime_step)
        {
          self->retime = FALSE;
          take_anchor (self, self->retime_frame, self->retime_step, self->retime_step_frames);
        }
      onset = next_onset (self) - (gint64) self->frame;

      if (onset >= (gint64) n)
        break;
      if (onset > (gint64) done)
        {
          render_voices (self, done, (guint) onset - done);
          done = (guint) onset;
        }
      play_step (self);
    }
  render_voices (self, done, n - done);
  if (self->playing)
    self->frame += n;

  if (self->master_pos < self->ramp_len)
    {
      /* A master edit glides over the ramp, like a fader. */
      for (guint i = 0; i < n; i++)
        {
          float g = self->master_pos + i >= self->ramp_len ? self->master_to
                    : self->master_from + (self->master_to - self->master_from)
                      * self->ramp[self->master_pos + i];

          self->mix_left[i] *= g;
          self->mix_right[i] *= g;
        }
      self->master_pos = MIN (self->master_pos + n, self->ramp_len);
      tandem_mixer_master (self->mix_left, self->mix_right, n, 1.0f, out, &peak_l, &peak_r);
    }
  else
    tandem_mixer_master (self->mix_left, self->mix_right, n, plan->master_gain, out, &peak_l, &peak_r);
  if (was_playing || self->metronome.sounding != NULL)
    render_clicks (self, block_frame, out, n);

  falloff = tandem_meter_falloff (n, (float) self->sample_rate);
  self->levels.n_tracks = MIN (plan->n_tracks, TANDEM_METER_MAX_TRACKS);
  for (guint t = 0; t < self->levels.n_tracks; t++)
    tandem_meter_levels_update (&self->levels.track[t], self->track_peaks[t], falloff);
  tandem_meter_levels_update (&self->levels.master[0], peak_l, falloff);
  tandem_meter_levels_update (&self->levels.master[1], peak_r, falloff);
}

TANDEM_REALTIME static void
follow_transport (TandemRenderer *self)
{
  const TandemRenderPlan *plan = self->plan;

  if (plan->playing && !self->playing && self->armed)
    start_armed (self);
  else if (plan->playing && !self->playing)
    {
      self->playing = TRUE;
      self->frame = 0;
      self->origin = self->clock;
      self->grid_step = 0;
      self->first_step = 0;
      self->anchor_step = 0;
      self->anchor_frame = 0.0;
      self->seq_step = self->start_step;
      self->position = -1;
    }
  else if (!plan->playing && self->playing)
    {
      /* Notes ring out; nothing new starts. */
      self->playing = FALSE;
      self->anchored = FALSE;
      self->armed = FALSE;
      self->retime = FALSE;
      self->position = -1;
    }
}

/* Renders @n_frames of the sequencer's time into @out, before the limiter. */
TANDEM_REALTIME static void
render_ahead (TandemRenderer *self,
              float          *out,
              guint           n_frames)
{
  if (self->plan == NULL)
    {
      memset (out, 0, (gsize) n_frames * 2 * sizeof (float));
      self->clock += n_frames;
      return;
    }
  follow_transport (self);
  for (guint done = 0; done < n_frames;)
    {
      guint n = MIN (n_frames - done, self->max_block);

      process_block (self, out + 2 * done, n);
      done += n;
    }
  self->clock += n_frames;
}

/* The sequencer runs TANDEM_LIMITER_LATENCY frames ahead of the output (the
 * limiter's look-ahead), so what it plays for frame F still comes out at
 * frame F: the first call renders that much more. */
TANDEM_REALTIME void
tandem_renderer_process (TandemRenderer *self,
                         float          *out,
                         guint           n_frames)
{
#if defined(__SSE__) || defined(__x86_64__)
  guint csr = _mm_getcsr ();
#endif

  tandem_rt_flush_denormals ();
  if (!self->primed)
    {
      self->primed = TRUE;
      render_ahead (self, self->prime, TANDEM_LIMITER_LATENCY);
      tandem_limiter_process (&self->limiter, self->prime, TANDEM_LIMITER_LATENCY);
    }
  render_ahead (self, out, n_frames);
  tandem_limiter_process (&self->limiter, out, n_frames);
#if defined(__SSE__) || defined(__x86_64__)
  _mm_setcsr (csr);
#endif
}
