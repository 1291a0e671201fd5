/* tandem-sample.h — decoded sample data at the engine's rate
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "tandem-model.h"

G_BEGIN_DECLS

#define TANDEM_AUDIO_ERROR (tandem_audio_error_quark ())

/* A file that is not usable audio is a TANDEM_SAMPLE_ERROR (the model's
 * domain, shared with the sync layer); these are the engine's own failures. */
typedef enum
{
  TANDEM_AUDIO_ERROR_RESAMPLE,    /* libsamplerate failed */
  TANDEM_AUDIO_ERROR_NO_DEVICE,   /* no output device could be opened */
  TANDEM_AUDIO_ERROR_DEVICE,      /* the device failed */
  TANDEM_AUDIO_ERROR_FORMAT,      /* export: unsupported file type */
} TandemAudioError;

GQuark tandem_audio_error_quark (void);

#define TANDEM_SAMPLE_MAX_SECONDS 120

/* Frames per entry of a one-shot's peak envelope (voice stealing). */
#define TANDEM_SAMPLE_PEAK_BLOCK 256

/* Immutable after creation: float frames at @rate, mono or interleaved
 * stereo. Shared between the cache, render plans and voices; freed only on
 * the main thread (when the last plan holding it is freed). The engine's
 * samples are locked in memory (tandem_sample_lock()). */
typedef struct
{
  gatomicrefcount ref_count;
  guint  rate;
  guint  channels;   /* 1 or 2 */
  gsize  n_frames;
  float *frames;
  float *peaks;      /* max |x| of each TANDEM_SAMPLE_PEAK_BLOCK frames */
  gsize  alloc_size;
  gboolean locked;
} TandemSample;

/* What a sample file holds, as libsndfile decodes it. */
typedef struct
{
  char    *format;    /* "wav", "flac", "ogg", "aiff", … */
  guint64  frames;    /* frames actually decoded, at @rate */
  guint    rate;
  guint    channels;
} TandemSampleFileInfo;

void          tandem_sample_file_info_clear (TandemSampleFileInfo *info);

/* Mono frames (NULL: silence). */
TandemSample *tandem_sample_new_from_frames (const float  *frames,
                                             gsize         n_frames,
                                             guint         rate);
/* @channels (1 or 2) interleaved frames (NULL: silence). */
TandemSample *tandem_sample_new             (const float  *frames,
                                             gsize         n_frames,
                                             guint         channels,
                                             guint         rate);
/* Locks the frames in memory where the system allows it (for the audio
 * thread; offline renders need not). Call before sharing the sample. */
void          tandem_sample_lock            (TandemSample *sample);
TandemSample *tandem_sample_ref             (TandemSample *sample);
void          tandem_sample_unref           (TandemSample *sample);

/* Decodes any file libsndfile reads (WAV, FLAC, OGG, AIFF, …; any rate and
 * channel count), keeps mono as mono and more channels as stereo (even
 * channels left, odd right), and resamples it to @rate with
 * libsamplerate. Slow: call it on a worker thread. A file that is not audio,
 * is truncated, is empty or lasts longer than TANDEM_SAMPLE_MAX_SECONDS is
 * refused with a TANDEM_SAMPLE_ERROR; a failed resampling is a
 * TANDEM_AUDIO_ERROR. */
TandemSample *tandem_sample_decode_file     (const char   *path,
                                             guint         rate,
                                             GError      **error);

/* Makes every check tandem_sample_decode_file() makes, decoding every frame
 * but keeping none, and fills @info (cleared with
 * tandem_sample_file_info_clear()). Messages call the file @name (NULL: its
 * base name). Slow: call it on a worker thread. */
gboolean      tandem_sample_check_file      (const char            *path,
                                             const char            *name,
                                             TandemSampleFileInfo  *info,
                                             GCancellable          *cancellable,
                                             GError               **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TandemSample, tandem_sample_unref)
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (TandemSampleFileInfo, tandem_sample_file_info_clear)

G_END_DECLS
