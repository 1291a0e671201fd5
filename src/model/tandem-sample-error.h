/* tandem-sample-error.h — why a sample file was refused or could not travel
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* In the model so that every layer can report it: the audio layer when it
 * decodes a file, the sync layer when it moves one, the UI when it shows
 * either. */
#define TANDEM_SAMPLE_ERROR (tandem_sample_error_quark ())

/**
 * TandemSampleError:
 * @TANDEM_SAMPLE_ERROR_NOT_AUDIO: libsndfile cannot read the file (or it is not a file)
 * @TANDEM_SAMPLE_ERROR_CORRUPT: the file is empty, truncated or unreasonable
 * @TANDEM_SAMPLE_ERROR_TOO_LARGE: the file is larger than the sample size limit
 * @TANDEM_SAMPLE_ERROR_TOO_LONG: the audio lasts longer than the engine plays
 * @TANDEM_SAMPLE_ERROR_IO: the file or the store cannot be read or written
 * @TANDEM_SAMPLE_ERROR_HASH_MISMATCH: bytes do not hash to the expected SHA-256
 * @TANDEM_SAMPLE_ERROR_REFUSED: the session server refused a transfer (the
 *   message is "code: reason", codes as in docs/server.md)
 * @TANDEM_SAMPLE_ERROR_CANCELLED: the transfer was cancelled
 */
typedef enum
{
  TANDEM_SAMPLE_ERROR_NOT_AUDIO,
  TANDEM_SAMPLE_ERROR_CORRUPT,
  TANDEM_SAMPLE_ERROR_TOO_LARGE,
  TANDEM_SAMPLE_ERROR_TOO_LONG,
  TANDEM_SAMPLE_ERROR_IO,
  TANDEM_SAMPLE_ERROR_HASH_MISMATCH,
  TANDEM_SAMPLE_ERROR_REFUSED,
  TANDEM_SAMPLE_ERROR_CANCELLED,
} TandemSampleError;

GQuark tandem_sample_error_quark (void);

G_END_DECLS
