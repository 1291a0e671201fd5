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

#include "tandem-dsp.h"
#include "tandem-mixer.h"
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
  gint64                  position;

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

  guint                   n_active;
  guint64                 voice_serial;
  TandemVoice             voices[TANDEM_MAX_VOICES];

  float                  *bus;
  float                  *mix_left;
  float                  *mix_right;
  float                   track_peaks[TANDEM_METER_MAX_TRACKS];
  TandemMeterLevels       levels;
};

TandemRenderer *
tandem_renderer_new (guint sample_rate,
                     guint max_block)
{
  TandemRenderer *self = g_new0 (TandemRenderer, 1);

  self->sample_rate = sample_rate;
  self->max_block = MAX (max_block, 16);
  self->metering = TRUE;
  self->bus = g_new0 (float, self->max_block);
  self->mix_left = g_new0 (float, self->max_block);
  self->mix_right = g_new0 (float, self->max_block);
  self->position = -1;
  return self;
}

void
tandem_renderer_free (TandemRenderer *self)
{
  if (self == NULL)
    return;
  g_free (self->bus);
  g_free (self->mix_left);
  g_free (self->mix_right);
  g_free (self);
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
  v->kind = TANDEM_VOICE_NONE;
  self->n_active--;
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

  /* Voices follow their track by id; nothing may point into the old plan
   * once this returns, since the main thread frees it after our ack. */
  for (guint i = 0; i < TANDEM_MAX_VOICES; i++)
    {
      TandemVoice *v = &self->voices[i];
      gboolean found = FALSE;

      if (v->kind == TANDEM_VOICE_NONE)
        continue;
      for (guint t = 0; plan != NULL && t < plan->n_tracks; t++)
        if (plan->tracks[t].uid == v->track_uid)
          {
            found = v->kind != TANDEM_VOICE_SAMPLE || plan->tracks[t].sample == v->sample;
            v->track = t;
            break;
          }
      if (!found)
        voice_free (self, v);
    }

  self->plan = plan;
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
  return self->playing ? self->position : -1;
}

TANDEM_REALTIME gboolean
tandem_renderer_is_playing (TandemRenderer *self)
{
  return self->playing;
}

TANDEM_REALTIME guint
tandem_renderer_get_active_voices (TandemRenderer *self)
{
  return self->n_active;
}

TANDEM_REALTIME const TandemMeterLevels *
tandem_renderer_get_levels (TandemRenderer *self)
{
  return &self->levels;
}

TANDEM_REALTIME static TandemVoice *
voice_alloc (TandemRenderer *self)
{
  TandemVoice *oldest = NULL;

  for (guint i = 0; i < TANDEM_MAX_VOICES; i++)
    {
      TandemVoice *v = &self->voices[i];

      if (v->kind == TANDEM_VOICE_NONE)
        {
          self->n_active++;
          return v;
        }
      if (oldest == NULL || v->serial < oldest->serial)
        oldest = v;
    }
  /* Pool full: steal the oldest voice, usually the quietest tail. */
  return oldest;
}

TANDEM_REALTIME static void
trigger (TandemRenderer   *self,
         guint             t,
         const TandemCell *cell)
{
  const TandemRenderPlan *plan = self->plan;
  const TandemPlanTrack *track = &plan->tracks[t];
  float amp = (float) cell->velocity / 127.0f;
  guint32 rng = (guint32) tandem_hash64 (self->seed ^ (self->grid_step * 0x100000001b3ull + track->uid)) | 1;
  TandemVoice *v;

  if (track->kind == TANDEM_VOICE_NONE || (track->kind == TANDEM_VOICE_SAMPLE && track->sample == NULL))
    return;

  if (track->kind == TANDEM_VOICE_HAT_CLOSED)
    for (guint i = 0; i < TANDEM_MAX_VOICES; i++)
      if (self->voices[i].kind == TANDEM_VOICE_HAT_OPEN)
        tandem_voice_choke (&self->voices[i]);

  v = voice_alloc (self);
  switch (track->kind)
    {
    case TANDEM_VOICE_SYNTH:
      tandem_voice_start_synth (v, (float) self->sample_rate, amp,
                                (float) tandem_voice_degree_to_freq (cell->note, plan->key_root,
                                                                     plan->intervals, plan->n_degrees),
                                (guint64) plan->step_frames, rng);
      break;
    case TANDEM_VOICE_SAMPLE:
      tandem_voice_start_sample (v, track->sample, amp);
      break;
    default:
      tandem_voice_start_shot (v, track->kind, track->shot, track->shot_len,
                               (float) self->sample_rate, amp);
      break;
    }
  v->track = t;
  v->track_uid = track->uid;
  v->serial = ++self->voice_serial;
}

TANDEM_REALTIME static void
play_pattern_step (TandemRenderer          *self,
                   const TandemPlanPattern *pattern,
                   guint                    step)
{
  const TandemRenderPlan *plan = self->plan;

  for (guint t = 0; t < plan->n_tracks; t++)
    {
      const TandemCell *cell = &pattern->cells[(gsize) t * TANDEM_MAX_STEPS + step];

      if (cell->velocity == 0)
        continue;
      if (cell->probability < 100)
        {
          guint64 h = tandem_hash64 (self->seed ^ tandem_hash64 (self->grid_step ^ plan->tracks[t].uid));

          if (h % 100 >= cell->probability)
            continue;
        }
      trigger (self, t, cell);
    }
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
      self->position = step;
      self->seq_step = step + 1;
    }
  else
    {
      guint64 k = self->seq_step;
      guint64 end = MAX (plan->song_end_step, plan->loop ? plan->loop_end_step : 0);

      if (plan->loop && k == plan->loop_end_step)
        k = plan->loop_start_step;
      else if (k >= end)
        k = plan->loop ? plan->loop_start_step : 0;

      for (guint c = 0; c < plan->n_clips; c++)
        {
          const TandemPlanClip *clip = &plan->clips[c];
          const TandemPlanPattern *pattern = &plan->patterns[clip->pattern];

          if (k >= clip->start_step && k < clip->end_step)
            play_pattern_step (self, pattern, (guint) ((k - clip->start_step) % pattern->length));
        }
      self->position = (gint64) k;
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
  return self->clock;
}

TANDEM_REALTIME static gint64
next_onset (TandemRenderer *self)
{
  double t = self->anchor_frame
             + (double) (self->grid_step - self->anchor_step) * self->step_frames
             + ((self->grid_step & 1) ? self->swing_frames : 0.0);

  return (gint64) floor (t + 0.5);
}

/* Renders every voice into the mix from frame @offset for @n frames, track by track. */
TANDEM_REALTIME static void
render_voices (TandemRenderer *self,
               guint           offset,
               guint           n)
{
  const TandemRenderPlan *plan = self->plan;
  guint8 active[TANDEM_MAX_VOICES];
  guint n_active = 0;

  if (self->n_active == 0 || n == 0)
    return;

  for (guint i = 0; i < TANDEM_MAX_VOICES; i++)
    if (self->voices[i].kind != TANDEM_VOICE_NONE)
      active[n_active++] = (guint8) i;

  for (guint t = 0; t < plan->n_tracks && n_active > 0; t++)
    {
      const TandemPlanTrack *track = &plan->tracks[t];
      guint8 mine[TANDEM_MAX_VOICES];
      guint n_mine = 0, kept = 0;
      gboolean plain = TRUE;
      float peak = 0.0f;

      /* Take this track's voices out of the active list. */
      for (guint a = 0; a < n_active; a++)
        {
          if (self->voices[active[a]].track == t)
            mine[n_mine++] = active[a];
          else
            active[kept++] = active[a];
        }
      n_active = kept;
      if (n_mine == 0)
        continue;

      for (guint a = 0; a < n_mine && plain; a++)
        plain = tandem_voice_is_plain_shot (&self->voices[mine[a]]);
      if (plain && n_mine <= TANDEM_MIX_MAX_SHOTS)
        {
          /* The common case: a few hits ringing on the track, straight into
           * the mix (no bus to clear, fill and read back). */
          TandemVoice *shots[TANDEM_MIX_MAX_SHOTS];
          float gain = track->gain;

          for (guint a = 0; a < n_mine; a++)
            shots[a] = &self->voices[mine[a]];
          tandem_voice_mix_shots (shots, n_mine, n, gain * track->pan_left, gain * track->pan_right,
                                  self->mix_left + offset, self->mix_right + offset,
                                  self->metering ? &peak : NULL);
          for (guint a = 0; a < n_mine; a++)
            if (tandem_voice_shot_done (shots[a]))
              voice_free (self, shots[a]);
          peak *= gain;
        }
      else
        {
          memset (self->bus, 0, n * sizeof (float));
          for (guint a = 0; a < n_mine; a++)
            {
              TandemVoice *v = &self->voices[mine[a]];

              if (!tandem_voice_render (v, self->bus, n))
                voice_free (self, v);
            }
          peak = tandem_mixer_add_track (self->bus, n, track->gain, track->pan_left, track->pan_right,
                                         self->mix_left + offset, self->mix_right + offset,
                                         self->metering);
        }
      if (t < TANDEM_METER_MAX_TRACKS)
        self->track_peaks[t] = MAX (self->track_peaks[t], peak);
    }
}

TANDEM_REALTIME static void
process_block (TandemRenderer *self,
               float          *out,
               guint           n)
{
  const TandemRenderPlan *plan = self->plan;
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

  tandem_mixer_master (self->mix_left, self->mix_right, n, plan->master_gain, out, &peak_l, &peak_r);

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

TANDEM_REALTIME void
tandem_renderer_process (TandemRenderer *self,
                         float          *out,
                         guint           n_frames)
{
#if defined(__SSE__) || defined(__x86_64__)
  guint csr = _mm_getcsr ();
#endif

  /* With a plan, the master writes every frame of @out. */
  if (self->plan == NULL)
    {
      memset (out, 0, (gsize) n_frames * 2 * sizeof (float));
      self->clock += n_frames;
      return;
    }

  tandem_rt_flush_denormals ();
  follow_transport (self);
  for (guint done = 0; done < n_frames;)
    {
      guint n = MIN (n_frames - done, self->max_block);

      process_block (self, out + 2 * done, n);
      done += n;
    }
  self->clock += n_frames;
#if defined(__SSE__) || defined(__x86_64__)
  _mm_setcsr (csr);
#endif
}
