/* tandem-project.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "tandem-clip.h"
#include "tandem-model-types.h"
#include "tandem-op.h"
#include "tandem-pattern.h"
#include "tandem-sample-info.h"
#include "tandem-track.h"

G_BEGIN_DECLS

#define TANDEM_TYPE_PROJECT (tandem_project_get_type ())
G_DECLARE_FINAL_TYPE (TandemProject, tandem_project, TANDEM, PROJECT, GObject)

/*
 * Properties (names as ops and files use them):
 *   "name", "tempo" (BPM), "swing" (percent), "steps-per-beat", "beats-per-bar",
 *   "key-root" (0..11, 0 = C), "scale" (TandemScale), "master-volume" (dB),
 *   "playing", "play-mode" (TandemPlayMode), "current-pattern" (pattern id or ""),
 *   "loop-enabled", "loop-start" (bar), "loop-length" (bars),
 *   "anchor-time" (µs of the session clock, 0 = not anchored: start at once)
 *   and "anchor-step" (grid step counted from the song/pattern start): while
 *   playing, grid step anchor-step begins at anchor-time and the following
 *   steps follow at the tempo. Ops that start playing or change the tempo
 *   set them (see src/sync/tandem-transport.h).
 *   "seed" (0 … 2^32-1): random choices in the music (the random arpeggio)
 *   follow it, so every replica hears the same.
 *
 * Signals:
 *   ::op-applied (TandemOp *op) — after every op applied successfully, with
 *     the op as applied (batches once, not per child). The audio engine
 *     recompiles its plan from it, the sync layer forwards it.
 *   ::reset — after tandem_project_load_json() replaced the whole content.
 */
TandemProject    *tandem_project_new            (void);
/* A project with the demo beat: four drum tracks and one pattern. */
TandemProject    *tandem_project_new_demo       (void);

const char       *tandem_project_get_name       (TandemProject *self);
double            tandem_project_get_tempo      (TandemProject *self);
double            tandem_project_get_swing      (TandemProject *self);
guint             tandem_project_get_steps_per_beat (TandemProject *self);
guint             tandem_project_get_beats_per_bar  (TandemProject *self);
guint             tandem_project_get_key_root   (TandemProject *self);
TandemScale       tandem_project_get_scale      (TandemProject *self);
double            tandem_project_get_master_volume (TandemProject *self);
gboolean          tandem_project_get_playing    (TandemProject *self);
TandemPlayMode    tandem_project_get_play_mode  (TandemProject *self);
const char       *tandem_project_get_current_pattern (TandemProject *self);
gboolean          tandem_project_get_loop_enabled (TandemProject *self);
guint             tandem_project_get_loop_start (TandemProject *self);
guint             tandem_project_get_loop_length (TandemProject *self);
guint64           tandem_project_get_anchor_time (TandemProject *self);
guint64           tandem_project_get_anchor_step (TandemProject *self);
guint             tandem_project_get_seed       (TandemProject *self);

/* Ordered lists of TandemTrack, TandemPattern, TandemClip, TandemSampleInfo. */
GListModel       *tandem_project_get_tracks     (TandemProject *self);
GListModel       *tandem_project_get_patterns   (TandemProject *self);
GListModel       *tandem_project_get_clips      (TandemProject *self);
GListModel       *tandem_project_get_samples    (TandemProject *self);

/* Lookups by id in O(1); NULL when absent. */
TandemTrack      *tandem_project_find_track     (TandemProject *self,
                                                 const char    *id);
TandemPattern    *tandem_project_find_pattern   (TandemProject *self,
                                                 const char    *id);
TandemClip       *tandem_project_find_clip      (TandemProject *self,
                                                 const char    *id);
TandemSampleInfo *tandem_project_find_sample    (TandemProject *self,
                                                 const char    *hash);

/**
 * tandem_project_apply:
 * @inverse: (out) (optional): the op that exactly undoes @op
 *
 * Validates @op against the project and applies it. On error the project is
 * unchanged and @error names the problem. A batch applies all its ops or none.
 */
gboolean          tandem_project_apply          (TandemProject *self,
                                                 TandemOp      *op,
                                                 TandemOp     **inverse,
                                                 GError       **error);

/* The whole project as canonical JSON: equal projects give equal bytes. */
JsonNode         *tandem_project_to_json        (TandemProject *self);
char             *tandem_project_to_string      (TandemProject *self);
/* Validates @node completely, then replaces the content; on error nothing changes. */
gboolean          tandem_project_load_json      (TandemProject *self,
                                                 JsonNode      *node,
                                                 GError       **error);
TandemProject    *tandem_project_new_from_json  (JsonNode      *node,
                                                 GError       **error);

G_END_DECLS
