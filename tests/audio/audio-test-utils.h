/* audio-test-utils.h — projects, renders and files for the audio tests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "tandem-audio.h"
#include "tandem-dsp.h"
#include "tandem-voice.h"
#include "tandem-model.h"

G_BEGIN_DECLS

#define ATU_RATE 48000
/* A made-up sample hash for samples the tests hand to the plan directly. */
#define ATU_FAKE_HASH "00000000000000000000000000000000000000000000000000000000000000aa"

/* Applies @op (transfer full) and asserts it was accepted. */
void           atu_apply            (TandemProject *project,
                                     TandemOp      *op);
/* An empty project with pattern "p0" (@length steps) selected. */
TandemProject *atu_project_new      (double         tempo,
                                     guint          steps_per_beat,
                                     guint          length);
void           atu_add_track        (TandemProject *project,
                                     const char    *id,
                                     const char    *instrument);
/* Registers a sample entry so "sample:@hash" is a valid instrument. */
void           atu_add_sample_info  (TandemProject *project,
                                     const char    *hash,
                                     guint          rate,
                                     guint64        frames);
void           atu_set_cell         (TandemProject *project,
                                     const char    *pattern,
                                     const char    *track,
                                     guint          step,
                                     const char    *prop,
                                     int            value);
void           atu_set_track        (TandemProject *project,
                                     const char    *track,
                                     const char    *prop,
                                     double         value);
void           atu_set_track_bool   (TandemProject *project,
                                     const char    *track,
                                     const char    *prop,
                                     gboolean       value);
void           atu_set_project      (TandemProject *project,
                                     const char    *prop,
                                     double         value);

/* Compiles @project as playing (samples: @sample for every sample track, may
 * be NULL) and renders @n_frames in callbacks of @block frames. Returns
 * interleaved stereo. */
float         *atu_render           (TandemProject *project,
                                     TandemSample  *sample,
                                     guint64        seed,
                                     gsize          n_frames,
                                     guint          block);
TandemRenderPlan *atu_compile       (TandemProject *project,
                                     TandemSample  *sample);
/* One frame at 0.5: a sample track playing it marks each onset exactly. */
TandemSample  *atu_impulse_sample   (void);
char          *atu_hash             (const float   *frames,
                                     gsize          n_floats);
float          atu_peak             (const float   *frames,
                                     gsize          n_floats);
/* Frames where channel @channel goes from (near) zero to non-zero. */
GArray        *atu_onsets           (const float   *frames,
                                     gsize          n_frames,
                                     guint          channel);

/* Runs sox with the arguments; FALSE (and a test skip) when sox is missing. */
gboolean       atu_sox              (const char    *first_arg,
                                     ...) G_GNUC_NULL_TERMINATED;
/* Points ALSA (via ALSA_CONFIG_PATH) at a generated standalone config: a
 * "default" device that writes raw frames to @raw_path through the file
 * plugin, or no device at all when @raw_path is NULL. Call before PortAudio
 * starts. */
void           atu_alsa_setup       (const char    *raw_path);
/* Iterates the default main context until the audio thread has rendered
 * @frames more frames than it had. */
void           atu_wait_frames      (TandemEngine  *engine,
                                     guint64        frames);
/* A fresh temporary directory, removed at exit. */
const char    *atu_tmpdir           (void);

G_END_DECLS
