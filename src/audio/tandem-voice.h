/* tandem-voice.h — one sounding note: a drum hit, a synth note or a sample
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "tandem-dsp.h"
#include "tandem-render-plan.h"

G_BEGIN_DECLS

/* A plain struct in a fixed pool: starting a voice only writes fields. */
typedef struct
{
  TandemVoiceKind kind;      /* NONE: the slot is free */
  guint           track;     /* index in the current plan */
  guint64         track_uid;
  guint64         serial;    /* start order, for stealing the oldest */
  float           sr;        /* sample rate */
  guint64         age;       /* frames rendered */
  guint32         rng;
  gboolean        choked;
  guint8          choke_group;   /* 0: none */

  /* Tone: a sine whose frequency glides from f0 to f1. */
  float phase, freq, freq_end, freq_coeff;
  float tone_env, tone_coeff;
  /* Second tone (snare body, tom). */
  float phase2, freq2, tone2_env, tone2_coeff;
  /* Noise through a filter (low-, band- or high-pass). */
  float noise_env, noise_coeff;
  guint filter_mode;
  TandemSvf filter;
  /* Hats: six squares through two band-passes and a high-pass. */
  float sq_phase[6], sq_inc[6];
  float metal_env, metal_coeff;
  TandemSvf metal_bp[2], metal_hp;
  /* Clap: bursts restart the noise envelope; the last one rings longer. */
  guint64 burst_at;
  guint bursts_left, burst_gap;
  float tail_coeff;

  /* Synth: two detuned band-limited saws into a low-pass with an envelope.
   * Oscillators and envelopes are functions of the frame, stepped once per
   * 32-frame piece: amp_env is release_coeff^(piece - gate + 1), scaled by
   * release_step (release_coeff^32) per piece; cutoff_env by cutoff_coeff. */
  float saw_phase[2], saw_inc[2];
  float amp_env, release_coeff, release_step, cutoff_env, cutoff_coeff;
  guint64 gate_frames;

  /* One-shots: samples, and the pre-rendered drums (tandem-drum-kit.h). */
  const TandemSample *sample;
  const float *shot;         /* @channels interleaved */
  gsize shot_len;
  gsize sample_pos;          /* whole frames played; with @sample_frac the position */
  double sample_frac;        /* 0 … 1: between sample_pos and the next frame */
  double sample_step;        /* frames per output frame: 2^(semitones / 12), 1 as recorded */
  guint channels;            /* 1, or 2 for a stereo sample */
  const float *peaks;        /* max |x| per TANDEM_SAMPLE_PEAK_BLOCK frames, or NULL */
  float choke_env, choke_coeff;

  float amp;                 /* velocity gain */

  /* The mixer's side (tandem-renderer.c): the left/right gains the voice is
   * heard at, which ramp from gain_from to gain_to over the renderer's ramp
   * after an edit; and a fade in (fade > 0) or out (fade < 0, then the
   * voice ends) over the same ramp. */
  float gain_from[2], gain_to[2];
  guint gain_pos;
  guint fade_pos;
  gint8 fade;
  gboolean orphan;           /* its track is gone or changed sample: fading out */
} TandemVoice;

/* @velocity (0..1) shapes the timbre; @amp is the level. */
void     tandem_voice_start_drum   (TandemVoice        *voice,
                                    TandemVoiceKind     kind,
                                    float               sample_rate,
                                    float               amp,
                                    float               velocity,
                                    guint32             seed);
void     tandem_voice_start_synth  (TandemVoice        *voice,
                                    float               sample_rate,
                                    float               amp,
                                    float               freq,
                                    guint64             gate_frames,
                                    guint32             seed);
/* @step: sample frames per output frame (2.0 an octave up); 1.0 plays the
 * frames exactly as they are. */
void     tandem_voice_start_sample (TandemVoice        *voice,
                                    const TandemSample *sample,
                                    float               amp,
                                    double              step);
/* A drum from the pre-rendered kit: @frames is one full-velocity hit. */
void     tandem_voice_start_shot   (TandemVoice        *voice,
                                    TandemVoiceKind     kind,
                                    const float        *frames,
                                    gsize               n_frames,
                                    const float        *peaks,
                                    float               sample_rate,
                                    float               amp);
/* A closed hat cuts an open hat short (a 4 ms fade, not a click). */
TANDEM_REALTIME
void     tandem_voice_choke        (TandemVoice        *voice);

/* Adds @n_frames of the voice to @bus (and @bus_right for a stereo
 * one-shot). Returns FALSE when the voice has finished (it then frees its
 * slot). */
TANDEM_REALTIME
gboolean tandem_voice_render       (TandemVoice        *voice,
                                    float              *bus,
                                    float              *bus_right,
                                    guint               n_frames);

/* About how loud the voice is now (velocity × envelope), for stealing. */
TANDEM_REALTIME
float    tandem_voice_level        (const TandemVoice  *voice);

/* TRUE for a one-shot (sample or drum) that is not fading out: it can go
 * through tandem_voice_mix_shots(). */
TANDEM_REALTIME static inline gboolean
tandem_voice_is_plain_shot (const TandemVoice *voice)
{
  return voice->kind != TANDEM_VOICE_NONE && voice->kind != TANDEM_VOICE_SYNTH && !voice->choked
         && voice->channels == 1 && voice->sample_step == 1.0;
}

/* Channel @c of the one-shot at @pos + @frac (0 ≤ @frac < 1): a cubic
 * Hermite curve through the four frames around it, silence outside. */
TANDEM_REALTIME static inline float
tandem_voice_read_between (const TandemVoice *voice,
                           gsize              pos,
                           double             frac,
                           guint              c)
{
  const float *s = voice->shot;
  const guint ch = voice->channels;
  const gsize len = voice->shot_len;
  float xm = pos >= 1 && pos - 1 < len ? s[(pos - 1) * ch + c] : 0.0f;
  float x0 = pos < len ? s[pos * ch + c] : 0.0f;
  float x1 = pos + 1 < len ? s[(pos + 1) * ch + c] : 0.0f;
  float x2 = pos + 2 < len ? s[(pos + 2) * ch + c] : 0.0f;
  float t = (float) frac;
  float c1 = 0.5f * (x1 - xm);
  float c2 = xm - 2.5f * x0 + 2.0f * x1 - 0.5f * x2;
  float c3 = 0.5f * (x2 - xm) + 1.5f * (x0 - x1);

  return ((c3 * t + c2) * t + c1) * t + x0;
}

/* Moves the voice on by one output frame at its step. */
TANDEM_REALTIME static inline void
tandem_voice_step_on (TandemVoice *voice)
{
  double f = voice->sample_frac + voice->sample_step;
  gsize whole = (gsize) f;

  voice->sample_pos += whole;
  voice->sample_frac = f - (double) whole;
}

/* Up to TANDEM_MIX_MAX_SHOTS plain one-shots, all that sounds on their
 * track (in voice-pool order): adds them straight into the planar stereo
 * mix with the track's gain × pan gains @gl / @gr in one pass, bit for bit
 * what rendering them into a zeroed bus and tandem_mixer_add_track() would
 * give. With @peak, stores their largest |frame| before the track gain.
 * Then check each voice with tandem_voice_shot_done(). */
#define TANDEM_MIX_MAX_SHOTS 4
TANDEM_REALTIME
void     tandem_voice_mix_shots    (TandemVoice *const *voices,
                                    guint               n_voices,
                                    guint               n_frames,
                                    float               gl,
                                    float               gr,
                                    float              *left,
                                    float              *right,
                                    float              *peak);

TANDEM_REALTIME static inline gboolean
tandem_voice_shot_done (const TandemVoice *voice)
{
  return voice->sample_pos >= voice->shot_len;
}

/* Private to the voice files. */
TANDEM_REALTIME gboolean _tandem_voice_render_drum   (TandemVoice *voice,
                                                      float       *bus,
                                                      guint        n_frames);
TANDEM_REALTIME gboolean _tandem_voice_render_synth  (TandemVoice *voice,
                                                      float       *bus,
                                                      guint        n_frames);
TANDEM_REALTIME gboolean _tandem_voice_render_shot   (TandemVoice *voice,
                                                      float       *bus,
                                                      guint        n_frames);
TANDEM_REALTIME gboolean _tandem_voice_render_stereo (TandemVoice *voice,
                                                      float       *left,
                                                      float       *right,
                                                      guint        n_frames);

/* Equal-tempered frequency of scale degree @degree in @key_root (0 = C) with
 * @intervals of @n_degrees; degree 0 is the root in octave 3 (C3 = 130.8 Hz). */
double   tandem_voice_degree_to_freq (int           degree,
                                      int           key_root,
                                      const guint8 *intervals,
                                      guint         n_degrees);

G_END_DECLS
