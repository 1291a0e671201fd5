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
TandemSampleStore *tandem_sample_store_new         (const char        *dir);
TandemSampleStore *tandem_sample_store_get_default (void);
const char        *tandem_sample_store_get_dir     (TandemSampleStore *self);
/* The path of the stored sample, or NULL if the store does not hold it. */
char              *tandem_sample_store_lookup      (TandemSampleStore *self,
                                                    const char        *hash);
/* Copies @path into the store, hashing while reading; returns the hash. When
 * @expected_hash is given, a file whose bytes hash differently is refused. */
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

G_END_DECLS
