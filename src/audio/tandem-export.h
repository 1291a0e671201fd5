/* tandem-export.h — renders a project to a .wav or .flac file
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "tandem-model.h"
#include "tandem-render-plan.h"

G_BEGIN_DECLS

/* Loops of the current pattern rendered when the arrangement is empty. */
#define TANDEM_EXPORT_PATTERN_LOOPS 4
/* After the last step the export renders until every voice has ended, and
 * ends the file after the last frame louder than -90 dBFS; the tail lasts at
 * most this long (a sample is at most TANDEM_SAMPLE_MAX_SECONDS long). */
#define TANDEM_EXPORT_MAX_TAIL_SECONDS (TANDEM_SAMPLE_MAX_SECONDS + 10)
#define TANDEM_EXPORT_TAIL_LEVEL 3.1623e-5f   /* -90 dBFS */
/* The longest song an export renders (before the tail): a longer one is
 * refused before anything is written (a tiny file can describe 9,999 bars
 * at 20 BPM, 3.3 days). */
#define TANDEM_EXPORT_MAX_SECONDS (3 * 60 * 60)
/* A WAV's RIFF sizes are 32-bit: an export that could pass this is refused
 * (FLAC has no such limit). */
#define TANDEM_EXPORT_MAX_WAV_BYTES G_GUINT64_CONSTANT (0xFFFFFFFF)

/* @fraction goes from 0 to 1. Called on the thread that runs the export. */
typedef void (*TandemExportProgress) (double   fraction,
                                      gpointer user_data);

/**
 * tandem_export_render_to_file:
 * @path: ends in .wav or .flac (24-bit PCM either way)
 *
 * Renders the song from its first bar to the end of the last clip (or the
 * current pattern TANDEM_EXPORT_PATTERN_LOOPS times when the arrangement is
 * empty), then the tail until every voice has decayed below -90 dBFS (at
 * most TANDEM_EXPORT_MAX_TAIL_SECONDS), with the same code the audio
 * callback runs. Samples come from the default sample store and are decoded
 * synchronously, so call this from a worker thread in an app. The file only
 * appears when the render succeeded: it is written as an unnamed file in the
 * target folder and linked into place when complete, so a killed export
 * leaves nothing behind. Probability draws use seed 0. A song longer than
 * TANDEM_EXPORT_MAX_SECONDS, or a WAV that could outgrow 4 GiB, is refused
 * with G_IO_ERROR_NO_SPACE before anything is written.
 */
gboolean tandem_export_render_to_file      (TandemProject        *project,
                                            const char           *path,
                                            guint                 sample_rate,
                                            TandemExportProgress  progress,
                                            gpointer              user_data,
                                            GCancellable         *cancellable,
                                            GError              **error);
/* The same with an explicit sample store (NULL: the default) and seed. */
gboolean tandem_export_render_to_file_full (TandemProject        *project,
                                            const char           *path,
                                            guint                 sample_rate,
                                            TandemSampleStore    *store,
                                            guint64               seed,
                                            TandemExportProgress  progress,
                                            gpointer              user_data,
                                            GCancellable         *cancellable,
                                            GError              **error);
/* And with @unplayable: a NULL-terminated list of the tracks the file plays
 * silent and why ("Track “Kick”: sample “kick.wav” is missing"), empty when
 * every track played; and with @decoded (hash → TandemSample, may be NULL):
 * samples already decoded at @sample_rate, used instead of decoding them
 * again (the window passes its engine's, so an export from the window
 * decodes only what the engine does not hold). */
gboolean tandem_export_render_to_file_report (TandemProject        *project,
                                              const char           *path,
                                              guint                 sample_rate,
                                              TandemSampleStore    *store,
                                              GHashTable           *decoded,
                                              guint64               seed,
                                              TandemExportProgress  progress,
                                              gpointer              user_data,
                                              GCancellable         *cancellable,
                                              char               ***unplayable,
                                              GError              **error);

/* The plan an export plays: song mode from bar 1 (or the current pattern),
 * playing, with samples taken from @decoded or decoded from @store (NULL:
 * no samples). With @unplayable, the tracks that stay silent (as above). */
TandemRenderPlan *tandem_export_compile_plan  (TandemProject     *project,
                                               guint              sample_rate,
                                               TandemSampleStore *store);
TandemRenderPlan *tandem_export_compile_plan_full (TandemProject     *project,
                                                   guint              sample_rate,
                                                   TandemSampleStore *store,
                                                   GHashTable        *decoded,
                                                   char            ***unplayable);
/* Frames of music in @plan before the tail. */
guint64           tandem_export_music_frames  (const TandemRenderPlan *plan);

G_END_DECLS
