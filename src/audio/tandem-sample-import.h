/* tandem-sample-import.h — audio files into the sample store and the project
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "tandem-model.h"

G_BEGIN_DECLS

/* The default largest sample (the GSettings key max-sample-size). */
#define TANDEM_SAMPLE_DEFAULT_MAX_BYTES TANDEM_SAMPLE_MAX_BYTES

/* What an import found: the registry entry of the sample. */
typedef struct
{
  char    *hash;      /* SHA-256 of the bytes, lowercase hex */
  char    *name;      /* cleaned display name */
  char    *format;    /* "wav", "flac", "ogg", "aiff", … */
  guint64  frames;
  guint    rate;
  guint    channels;
  guint64  bytes;
} TandemSampleImport;

void                tandem_sample_import_free (TandemSampleImport *import);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TandemSampleImport, tandem_sample_import_free)

/* A display name made from a file name: control characters dropped, path
 * separators replaced, at most TANDEM_MAX_NAME_LEN bytes of valid UTF-8, and
 * never empty; always passes tandem_name_is_valid(). */
char               *tandem_sample_clean_name  (const char *file_name);

/*
 * Stores @path in @store (SHA-256 computed while the bytes are copied; a
 * sample already there is kept, so identical files are stored once), then
 * checks the stored copy with tandem_sample_check_file(). Empty, truncated,
 * non-audio, too long and larger than @max_bytes files are refused with a
 * TANDEM_SAMPLE_ERROR and leave nothing new in the store. Blocking: use
 * tandem_sample_import_async() from a UI.
 */
TandemSampleImport *tandem_sample_import_file   (TandemSampleStore   *store,
                                                 const char          *path,
                                                 guint64              max_bytes,
                                                 GCancellable        *cancellable,
                                                 GError             **error);
/* The same on a GTask worker thread. */
void                tandem_sample_import_async  (TandemSampleStore   *store,
                                                 const char          *path,
                                                 guint64              max_bytes,
                                                 GCancellable        *cancellable,
                                                 GAsyncReadyCallback  callback,
                                                 gpointer             user_data);
TandemSampleImport *tandem_sample_import_finish (GAsyncResult        *result,
                                                 GError             **error);

/* The one op that puts an imported sample on a track: a batch inserting the
 * registry entry (unless the project has it already) and setting the
 * track's instrument to "sample:<hash>". */
TandemOp           *tandem_sample_import_build_op (TandemProject            *project,
                                                   const TandemSampleImport *import,
                                                   const char               *track_id);

G_END_DECLS
