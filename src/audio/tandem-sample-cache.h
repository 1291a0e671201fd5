/* tandem-sample-cache.h — decoded samples by hash, loaded on worker threads
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "tandem-model.h"
#include "tandem-sample.h"

G_BEGIN_DECLS

#define TANDEM_TYPE_SAMPLE_CACHE (tandem_sample_cache_get_type ())
G_DECLARE_FINAL_TYPE (TandemSampleCache, tandem_sample_cache, TANDEM, SAMPLE_CACHE, GObject)

/*
 * Main thread only. lookup() returns a sample that is ready, or NULL and
 * starts decoding it (libsndfile + libsamplerate in a GTask thread) if the
 * store holds the file. Nothing ever blocks the caller.
 *
 * Signals:
 *   ::loaded (const char *hash) — a sample finished decoding.
 *   ::failed (const char *hash, const char *message) — a file was refused
 *     (not audio, truncated, too long); lookups of it return NULL from then on.
 */
TandemSampleCache *tandem_sample_cache_new       (TandemSampleStore *store,
                                                  guint              sample_rate);
guint              tandem_sample_cache_get_rate  (TandemSampleCache *self);
TandemSample      *tandem_sample_cache_lookup    (TandemSampleCache *self,
                                                  const char        *hash);
/* The reason @hash was refused, or NULL. */
const char        *tandem_sample_cache_get_error (TandemSampleCache *self,
                                                  const char        *hash);
/* A new table of the samples decoded so far: hash → TandemSample (each
 * referenced). Samples are immutable, so the table may go to another thread
 * (an export reuses them instead of decoding the files again). */
GHashTable        *tandem_sample_cache_dup_ready (TandemSampleCache *self);
/* Number of decodes still running. */
guint              tandem_sample_cache_get_pending (TandemSampleCache *self);

G_END_DECLS
