/* tandem-engine.h — plays a project: plan publication, transport, device
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "tandem-model.h"
#include "tandem-metronome.h"
#include "tandem-sample-cache.h"

G_BEGIN_DECLS

#define TANDEM_ENGINE_DEFAULT_RATE   48000
#define TANDEM_ENGINE_DEFAULT_FRAMES 256

#define TANDEM_TYPE_ENGINE (tandem_engine_get_type ())
G_DECLARE_FINAL_TYPE (TandemEngine, tandem_engine, TANDEM, ENGINE, GObject)

/*
 * One engine per window. It follows its project: every op and reset
 * recompiles the render plan (at most once per main-loop iteration) and
 * publishes it to the audio thread, and the project's "playing",
 * "play-mode" and loop properties drive the transport.
 *
 * Without an output device everything still works (plans compile, meters
 * read zero) and "available" is FALSE with a "status" saying why.
 *
 * Properties:
 *   "project" (TandemProject, read-write)
 *   "sample-store" (TandemSampleStore, read-write; default: the default store)
 *   "available" (gboolean, read-only): an output stream is running
 *   "status" (string, read-only): a sentence for the UI
 *   "playing" (gboolean, read-only): the transport is running
 *   "seed" (guint64, read-write): seed of the per-step probability draws
 *
 * Signals:
 *   ::sample-error (const char *hash, const char *message) — a sample file
 *     was refused; its track stays silent, everything else plays.
 */
TandemEngine      *tandem_engine_new              (void);
void               tandem_engine_set_project      (TandemEngine      *self,
                                                   TandemProject     *project);
TandemProject     *tandem_engine_get_project      (TandemEngine      *self);
void               tandem_engine_set_sample_store (TandemEngine      *self,
                                                   TandemSampleStore *store);
TandemSampleCache *tandem_engine_get_sample_cache (TandemEngine      *self);
void               tandem_engine_set_seed         (TandemEngine      *self,
                                                   guint64            seed);

/* Opens the output (@device as in tandem_pa_output_open(): NULL for the
 * default) at @sample_rate with buffers of @frames. On failure the engine
 * stays usable without sound, and @error says why. */
gboolean           tandem_engine_open             (TandemEngine      *self,
                                                   const char        *device,
                                                   guint              sample_rate,
                                                   guint              frames,
                                                   GError           **error);
void               tandem_engine_close            (TandemEngine      *self);
gboolean           tandem_engine_get_available    (TandemEngine      *self);
const char        *tandem_engine_get_status       (TandemEngine      *self);
gboolean           tandem_engine_get_playing      (TandemEngine      *self);
guint              tandem_engine_get_sample_rate  (TandemEngine      *self);

/* Compiles and publishes the plan now instead of on the next iteration. */
void               tandem_engine_update_plan      (TandemEngine      *self);
/* Moves the play position to @step (pattern step, or song step in song mode). */
void               tandem_engine_set_position     (TandemEngine      *self,
                                                   guint64            step);

/* The click of the player's own metronome (a personal setting, not part of
 * the project, so never an op); takes effect with the next callback. */
void               tandem_engine_set_metronome    (TandemEngine        *self,
                                                   TandemMetronomeMode  mode);
TandemMetronomeMode tandem_engine_get_metronome   (TandemEngine        *self);

/* The shared transport: the project's "anchor-time" is on the session clock;
 * @offset_us is that clock minus the local monotonic clock (0 when not in a
 * session; the sync client's estimate in one). The engine starts and keeps
 * the beat where the anchor says, after the output latency. */
void               tandem_engine_set_clock_offset (TandemEngine      *self,
                                                   gint64             offset_us);
gint64             tandem_engine_get_clock_offset (TandemEngine      *self);
/* PortAudio's output latency of the running stream (µs), else 0. */
gint64             tandem_engine_get_output_latency (TandemEngine    *self);

/* Polled by the UI (e.g. in a tick callback); lock-free reads. */
gint64             tandem_engine_get_playhead     (TandemEngine      *self);
float              tandem_engine_get_track_peak   (TandemEngine      *self,
                                                   guint              track_index);
void               tandem_engine_get_master_peak  (TandemEngine      *self,
                                                   float             *left,
                                                   float             *right);
/* Frames the audio thread has rendered, plans it has picked up, xruns. */
guint64            tandem_engine_get_frames_rendered (TandemEngine   *self);
guint64            tandem_engine_get_plan_swaps   (TandemEngine      *self);
guint64            tandem_engine_get_xruns        (TandemEngine      *self);
/* Plans compiled so far (edits are coalesced: at most one per iteration). */
guint64            tandem_engine_get_plans_compiled (TandemEngine    *self);

G_END_DECLS
