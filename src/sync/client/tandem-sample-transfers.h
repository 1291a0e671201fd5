/* tandem-sample-transfers.h — uploads and downloads of a session's samples
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "tandem-model.h"
#include "tandem-sync-client.h"

G_BEGIN_DECLS

/* Bytes per upload request (the most a dropped connection makes us resend). */
#define TANDEM_SAMPLE_CHUNK_BYTES (4 * 1024 * 1024)

typedef enum
{
  TANDEM_TRANSFER_UPLOAD,
  TANDEM_TRANSFER_DOWNLOAD,
} TandemTransferDirection;

typedef enum
{
  TANDEM_TRANSFER_QUEUED,    /* waiting for a free slot or for the session */
  TANDEM_TRANSFER_RUNNING,
  TANDEM_TRANSFER_WAITING,   /* retrying after an error, or (downloads) until someone uploads it */
  TANDEM_TRANSFER_DONE,
  TANDEM_TRANSFER_FAILED,
  TANDEM_TRANSFER_CANCELLED,
} TandemTransferState;

#define TANDEM_TYPE_SAMPLE_TRANSFER (tandem_sample_transfer_get_type ())
G_DECLARE_FINAL_TYPE (TandemSampleTransfer, tandem_sample_transfer, TANDEM, SAMPLE_TRANSFER, GObject)

/* One sample going up or down. Properties (read-only, notified on the main
 * context): "hash", "name", "direction", "state", "bytes-done",
 * "bytes-total", "fraction" (0..1), "error" (the reason of a failure). */
const char             *tandem_sample_transfer_get_hash        (TandemSampleTransfer *self);
const char             *tandem_sample_transfer_get_name        (TandemSampleTransfer *self);
TandemTransferDirection tandem_sample_transfer_get_direction   (TandemSampleTransfer *self);
TandemTransferState     tandem_sample_transfer_get_state       (TandemSampleTransfer *self);
guint64                 tandem_sample_transfer_get_bytes_done  (TandemSampleTransfer *self);
guint64                 tandem_sample_transfer_get_bytes_total (TandemSampleTransfer *self);
double                  tandem_sample_transfer_get_fraction    (TandemSampleTransfer *self);
const char             *tandem_sample_transfer_get_error       (TandemSampleTransfer *self);
gboolean                tandem_sample_transfer_is_finished     (TandemSampleTransfer *self);

#define TANDEM_TYPE_SAMPLE_TRANSFERS (tandem_sample_transfers_get_type ())
G_DECLARE_FINAL_TYPE (TandemSampleTransfers, tandem_sample_transfers, TANDEM, SAMPLE_TRANSFERS, GObject)

/*
 * Moves samples between @store and the session @client is in, over HTTP on
 * the session server's port with the session token (docs/server.md):
 *
 * - Downloads start by themselves as soon as the project references a
 *   sample the store lacks (a registry insert, a track instrument, a
 *   snapshot), resume with Range, are verified against their SHA-256 before
 *   they enter the store, and run several at a time.
 * - Uploads go in TANDEM_SAMPLE_CHUNK_BYTES chunks and resume from what the
 *   server says it has. Whenever the client joins, samples the project
 *   registers and the store holds are offered to the server too.
 * - Network errors retry with exponential backoff; refusals (quota, size,
 *   hash) fail with the server's reason.
 *
 * Signals:
 *   ::sample-ready (const char *hash) — a download was verified and stored.
 *   ::transfer-failed (TandemSampleTransfer *transfer) — gave up; see "error".
 */
TandemSampleTransfers *tandem_sample_transfers_new          (TandemSyncClient      *client,
                                                             TandemSampleStore     *store);
/* The transfers not yet cleared (TandemSampleTransfer), newest last. */
GListModel            *tandem_sample_transfers_get_list     (TandemSampleTransfers *self);
/* Queues an upload of @hash (which the store holds); it starts once the
 * client is live. Returns the transfer. */
TandemSampleTransfer  *tandem_sample_transfers_upload       (TandemSampleTransfers *self,
                                                             const char            *hash);
/* The unfinished transfer of @hash, if any. */
TandemSampleTransfer  *tandem_sample_transfers_find         (TandemSampleTransfers *self,
                                                             const char            *hash);
void                   tandem_sample_transfers_cancel       (TandemSampleTransfers *self,
                                                             TandemSampleTransfer  *transfer);
/* Removes finished transfers from the list. */
void                   tandem_sample_transfers_clear_finished (TandemSampleTransfers *self);
/* Number of transfers queued, running or waiting. */
guint                  tandem_sample_transfers_get_n_active (TandemSampleTransfers *self);

/* Tuning (defaults: 3 at a time; retries after 250 ms doubling to 8 s, at
 * most 6 attempts). */
void                   tandem_sample_transfers_set_max_parallel (TandemSampleTransfers *self,
                                                             guint                  n);
void                   tandem_sample_transfers_set_backoff  (TandemSampleTransfers *self,
                                                             guint                  min_ms,
                                                             guint                  max_ms,
                                                             guint                  max_attempts);
/* Bytes of request bodies written to the network (uploads, all attempts). */
guint64                tandem_sample_transfers_get_bytes_sent (TandemSampleTransfers *self);
/* Test hook: the next upload request that crosses @offset bytes of its
 * sample loses its connection mid-body, as a network failure would. */
void                   tandem_sample_transfers_drop_upload_at_for_tests (TandemSampleTransfers *self,
                                                             guint64                offset);

G_END_DECLS
