/* tandem-sample.h — decoded sample data at the engine's rate
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define TANDEM_AUDIO_ERROR (tandem_audio_error_quark ())

typedef enum
{
  TANDEM_AUDIO_ERROR_NOT_AUDIO,   /* libsndfile cannot read the file */
  TANDEM_AUDIO_ERROR_CORRUPT,     /* truncated, empty or unreasonable contents */
  TANDEM_AUDIO_ERROR_TOO_LONG,    /* longer than TANDEM_SAMPLE_MAX_SECONDS */
  TANDEM_AUDIO_ERROR_RESAMPLE,    /* libsamplerate failed */
  TANDEM_AUDIO_ERROR_NO_DEVICE,   /* no output device could be opened */
  TANDEM_AUDIO_ERROR_DEVICE,      /* the device failed */
  TANDEM_AUDIO_ERROR_FORMAT,      /* export: unsupported file type */
} TandemAudioError;

GQuark tandem_audio_error_quark (void);

#define TANDEM_SAMPLE_MAX_SECONDS 120

/* Immutable after creation: mono float frames at @rate. Shared between the
 * cache, render plans and voices; freed only on the main thread (when the
 * last plan holding it is freed). */
typedef struct
{
  gatomicrefcount ref_count;
  guint  rate;
  gsize  n_frames;
  float *frames;
} TandemSample;

TandemSample *tandem_sample_new_from_frames (const float  *frames,
                                             gsize         n_frames,
                                             guint         rate);
TandemSample *tandem_sample_ref             (TandemSample *sample);
void          tandem_sample_unref           (TandemSample *sample);

/* Decodes any file libsndfile reads (WAV, FLAC, OGG, AIFF, …; any rate and
 * channel count), mixes it down to mono and resamples it to @rate with
 * libsamplerate. Slow: call it on a worker thread. A file that is not audio,
 * is truncated or is empty is refused with a TANDEM_AUDIO_ERROR. */
TandemSample *tandem_sample_decode_file     (const char   *path,
                                             guint         rate,
                                             GError      **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TandemSample, tandem_sample_unref)

G_END_DECLS
