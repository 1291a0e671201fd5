/* tandem-decoded-cache.h — stored samples decoded at a rate, kept between runs
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "tandem-model.h"
#include "tandem-sample.h"

G_BEGIN_DECLS

/* The most the cache folder holds; past it the least recently used files go. */
#define TANDEM_DECODED_CACHE_MAX_BYTES (G_GUINT64_CONSTANT (1) << 30)

/*
 * Decoding a sample and resampling it to the output rate (libsndfile and
 * libsamplerate's sinc converter) is the slow part of opening a project and
 * of an export from the command line. The store's files are named by the
 * SHA-256 of their bytes, so what one decodes to at a rate never changes:
 * the frames are kept in $XDG_CACHE_HOME/tandem/decoded/ and read back the
 * next time, by any process.
 *
 * tandem_decoded_cache_load() returns @hash from @store decoded at @rate:
 * from the cache when it holds a valid copy, else decoded (and then written
 * to the cache; a cache that cannot be written only costs the next run the
 * decode). Errors are those of tandem_sample_decode_file(), or
 * G_IO_ERROR_NOT_FOUND when the store does not hold @hash. Blocking: call it
 * on a worker thread.
 */
TandemSample *tandem_decoded_cache_load (TandemSampleStore *store,
                                         const char        *hash,
                                         guint              rate,
                                         GError           **error);

/* For tests: where the cache file of @hash at @rate is, and a smaller limit. */
char         *tandem_decoded_cache_path_for_tests      (const char *hash,
                                                        guint       rate);
void          tandem_decoded_cache_set_limit_for_tests (guint64     max_bytes);

G_END_DECLS
