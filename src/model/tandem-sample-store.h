/* tandem-sample-store.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define TANDEM_TYPE_SAMPLE_STORE (tandem_sample_store_get_type ())
G_DECLARE_FINAL_TYPE (TandemSampleStore, tandem_sample_store, TANDEM, SAMPLE_STORE, GObject)

/*
 * Content-addressed sample files: each is stored once as <dir>/<sha256>,
 * whatever it was called. The default store is $XDG_DATA_HOME/tandem/samples.
 */
/* The largest sample file any path into a store accepts (also the server's
 * default per-sample limit). */
#define TANDEM_SAMPLE_MAX_BYTES (G_GUINT64_CONSTANT (100) * 1024 * 1024)

/* Checks @path as the audio layer would play it: with @header_only, only
 * what the header says (cheap, before anything is copied); otherwise every
 * frame. Messages call the file @name. Refusals are TANDEM_SAMPLE_ERRORs. */
typedef gboolean (*TandemSampleCheckFunc) (const char  *path,
                                           const char  *name,
                                           gboolean     header_only,
                                           GError     **error);

/* Installs the check every store runs on every file it takes in, so that a
 * file the decoder refuses is never copied nor kept. The model cannot decode
 * audio itself; the application installs the audio layer's check at start. */
void               tandem_sample_store_set_check_func (TandemSampleCheckFunc func);

TandemSampleStore *tandem_sample_store_new         (const char        *dir);
TandemSampleStore *tandem_sample_store_get_default (void);
const char        *tandem_sample_store_get_dir     (TandemSampleStore *self);
/* The path of the stored sample, or NULL if the store does not hold it. */
char              *tandem_sample_store_lookup      (TandemSampleStore *self,
                                                    const char        *hash);
/* Copies @path into the store, hashing while reading; returns the hash. When
 * @expected_hash is given, a file whose bytes hash differently is refused.
 * Anything but a regular file, an empty file and one over
 * TANDEM_SAMPLE_MAX_BYTES are refused before a byte is copied, and a file the
 * installed check refuses is refused before it is copied (header) or kept
 * (decoding): TANDEM_SAMPLE_ERRORs. */
char              *tandem_sample_store_import_file (TandemSampleStore *self,
                                                    const char        *path,
                                                    const char        *expected_hash,
                                                    GError           **error);
/* The same; @added (optional) says whether the store did not hold it before. */
char              *tandem_sample_store_import_file_full (TandemSampleStore *self,
                                                         const char        *path,
                                                         const char        *expected_hash,
                                                         gboolean          *added,
                                                         GError           **error);

/* Runs the size checks and the installed check on @path in place (a file
 * that arrived by another path, e.g. a download). */
gboolean           tandem_sample_store_check_file  (const char        *path,
                                                    GError           **error);

G_END_DECLS
