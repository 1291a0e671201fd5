/* tandem-sample-transfers-download.c — ranged downloads, hashed while they arrive, published durably
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-sync"

#include "config.h"

#include <errno.h>
#include <string.h>

#include <glib/gstdio.h>

#include "tandem-sample-file.h"
#include "tandem-sample-transfers-private.h"

#define READ_CHUNK (1024 * 1024)

static char *
part_path (TandemSampleTransfers *self,
           const char            *hash)
{
  g_autofree char *name = g_strconcat (".download-", hash, ".part", NULL);

  return g_build_filename (tandem_sample_store_get_dir (self->store), name, NULL);
}

static void read_more (TandemSampleTransfer *t);

static void
check_thread (GTask        *task,
              gpointer      source,
              gpointer      task_data,
              GCancellable *cancellable)
{
  GError *error = NULL;

  if (tandem_sample_store_check_file (task_data, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

/* The bytes are the sample's; now the same check every path into the store
 * makes (size, header, every frame decoded), off the main thread. */
static void
check_done (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(TandemSampleTransfer) t = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *part = NULL;
  g_autofree char *target = NULL;
  gboolean ok = g_task_propagate_boolean (G_TASK (result), &error);

  if (t->owner == NULL || t->state != TANDEM_TRANSFER_RUNNING)
    return;
  part = part_path (t->owner, t->hash);
  if (!ok)
    {
      /* Never keep what the decoder refuses. */
      g_unlink (part);
      _tandem_sample_transfer_finish (t, TANDEM_TRANSFER_FAILED, error->message);
      return;
    }
  target = g_build_filename (tandem_sample_store_get_dir (t->owner->store), t->hash, NULL);
  /* Durable before the name appears: a crash never leaves a torn file
   * under a hash that other code trusts without checking. */
  if (!_tandem_sample_file_publish (-1, part, target, TRUE, &error))
    {
      _tandem_sample_transfer_finish (t, TANDEM_TRANSFER_FAILED, error->message);
      return;
    }
  _tandem_sample_transfer_finish (t, TANDEM_TRANSFER_DONE, NULL);
}

static void
download_complete (TandemSampleTransfer *t)
{
  TandemSampleTransfers *self = t->owner;
  g_autofree char *part = part_path (self, t->hash);
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;

  if (!g_output_stream_close (t->part, NULL, &error))
    {
      _tandem_sample_transfer_retry_later (t, TRUE, error->message);
      return;
    }
  if (strcmp (g_checksum_get_string (t->checksum), t->hash) != 0)
    {
      /* Never let other bytes into the store under this name. */
      g_unlink (part);
      _tandem_sample_transfer_retry_later (t, TRUE, "The downloaded bytes do not match the sample’s SHA-256");
      return;
    }
  task = g_task_new (NULL, NULL, check_done, g_object_ref (t));
  g_task_set_task_data (task, g_steal_pointer (&part), g_free);
  g_task_run_in_thread (task, check_thread);
}

/* SHA-256 of downloads runs on a worker thread while the next bytes are
 * read: one block on the worker, at most one waiting. */
typedef struct
{
  TandemSampleTransfer *t;
  guint                 gen;
  GChecksum            *checksum;
} HashJob;

static void hash_done (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data);

static void
hash_start (TandemSampleTransfer *t,
            GBytes               *bytes)
{
  HashJob *job = g_new0 (HashJob, 1);

  job->t = g_object_ref (t);
  job->gen = t->io_gen;
  job->checksum = g_steal_pointer (&t->checksum);
  t->hashing = TRUE;
  _tandem_sample_hash_async (job->checksum, bytes, hash_done, job);
}

static void
hash_done (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  HashJob *job = user_data;
  g_autoptr(TandemSampleTransfer) t = g_steal_pointer (&job->t);
  g_autoptr(GChecksum) checksum = g_steal_pointer (&job->checksum);
  guint gen = job->gen;

  g_free (job);
  if (gen != t->io_gen || t->owner == NULL || t->state != TANDEM_TRANSFER_RUNNING)
    return;   /* the transfer moved on: its checksum goes */
  t->checksum = g_steal_pointer (&checksum);
  t->hashing = FALSE;
  if (t->pending != NULL)
    {
      g_autoptr(GBytes) next = g_steal_pointer (&t->pending);

      hash_start (t, next);
      read_more (t);
    }
  else if (t->at_end)
    download_complete (t);
}

static void
read_done (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(TandemSampleTransfer) t = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = g_input_stream_read_bytes_finish (G_INPUT_STREAM (source), result, &error);
  gsize len;
  const guchar *data;

  if (!_tandem_sample_transfer_wants_reply (t, bytes != NULL, error))
    return;
  data = g_bytes_get_data (bytes, &len);
  if (len == 0)
    {
      if (t->total != 0 && t->done != t->total)
        {
          _tandem_sample_transfer_retry_later (t, TRUE, "The download ended early");
          return;
        }
      if (t->hashing)
        t->at_end = TRUE;
      else
        download_complete (t);
      return;
    }
  /* Every path into the store has the same size limit: a server that
   * streams on (or a registry entry that claims gigabytes) is cut off. */
  if (t->done + len > TANDEM_SAMPLE_MAX_BYTES)
    {
      g_autofree char *part = part_path (t->owner, t->hash);

      g_unlink (part);
      _tandem_sample_transfer_finish (t, TANDEM_TRANSFER_FAILED,
                                      "The sample is larger than samples may be (100 MiB)");
      return;
    }
  if (t->total != 0 && t->done + len > t->total)
    {
      _tandem_sample_transfer_retry_later (t, TRUE, "The server sent more bytes than the sample has");
      return;
    }
  if (!g_output_stream_write_all (t->part, data, len, NULL, NULL, &error))
    {
      _tandem_sample_transfer_finish (t, TANDEM_TRANSFER_FAILED, error->message);
      return;
    }
  _tandem_sample_transfer_set_progress (t, t->done + len, t->total);
  if (t->hashing)
    {
      /* Read on once the worker takes these bytes. */
      t->pending = g_steal_pointer (&bytes);
      return;
    }
  hash_start (t, bytes);
  read_more (t);
}

static void
read_more (TandemSampleTransfer *t)
{
  g_input_stream_read_bytes_async (t->body, READ_CHUNK, G_PRIORITY_DEFAULT, t->cancellable,
                                   read_done, g_object_ref (t));
}

static gboolean
open_part (TandemSampleTransfer  *t,
           gboolean               resume,
           GError               **error)
{
  g_autofree char *path = part_path (t->owner, t->hash);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFileInputStream) in = NULL;
  g_autofree guint8 *buf = NULL;
  guint64 have = 0;
  gssize n;

  if (g_mkdir_with_parents (tandem_sample_store_get_dir (t->owner->store), 0755) != 0)
    {
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errno),
                   "Cannot create the sample folder: %s", g_strerror (errno));
      return FALSE;
    }
  t->checksum = g_checksum_new (G_CHECKSUM_SHA256);
  if (resume && (in = g_file_read (file, NULL, NULL)) != NULL)
    {
      /* The bytes already here are hashed again: only the hash of what is
       * finally in the file matters. */
      buf = g_malloc (READ_CHUNK);
      while ((n = g_input_stream_read (G_INPUT_STREAM (in), buf, READ_CHUNK, NULL, NULL)) > 0)
        {
          g_checksum_update (t->checksum, buf, n);
          have += n;
        }
      t->part = G_OUTPUT_STREAM (g_file_append_to (file, G_FILE_CREATE_PRIVATE, NULL, error));
    }
  else
    t->part = G_OUTPUT_STREAM (g_file_replace (file, NULL, FALSE, G_FILE_CREATE_PRIVATE, NULL, error));
  if (t->part == NULL)
    return FALSE;
  _tandem_sample_transfer_set_progress (t, have, t->total);
  return TRUE;
}

static void
get_done (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(TandemSampleTransfer) t = user_data;
  SoupMessage *msg = soup_session_get_async_result_message (SOUP_SESSION (source), result);
  g_autoptr(GError) error = NULL;
  g_autoptr(GInputStream) body = soup_session_send_finish (SOUP_SESSION (source), result, &error);
  guint status = msg ? soup_message_get_status (msg) : 0;
  goffset start = 0, end = 0, total = 0;

  if (!_tandem_sample_transfer_wants_reply (t, body != NULL, error))
    return;
  if (status == SOUP_STATUS_OK)
    {
      /* A whole body: start the part over. */
      _tandem_sample_transfer_clear_io (t);
      if (!open_part (t, FALSE, &error))
        {
          _tandem_sample_transfer_finish (t, TANDEM_TRANSFER_FAILED, error->message);
          return;
        }
      total = soup_message_headers_get_content_length (soup_message_get_response_headers (msg));
      _tandem_sample_transfer_set_progress (t, 0, total > 0 ? (guint64) total : t->total);
    }
  else if (status == SOUP_STATUS_PARTIAL_CONTENT)
    {
      if (!soup_message_headers_get_content_range (soup_message_get_response_headers (msg),
                                                   &start, &end, &total)
          || (guint64) start != t->done)
        {
          _tandem_sample_transfer_retry_later (t, TRUE, "The server sent another byte range");
          return;
        }
      _tandem_sample_transfer_set_progress (t, t->done, total);
    }
  else if (status == SOUP_STATUS_REQUESTED_RANGE_NOT_SATISFIABLE)
    {
      /* Our part is longer than the sample: it is not a prefix of it. */
      g_autofree char *part = part_path (t->owner, t->hash);

      g_unlink (part);
      _tandem_sample_transfer_retry_later (t, TRUE, "The partial download was not valid");
      return;
    }
  else
    {
      g_autoptr(GBytes) bytes = g_input_stream_read_bytes (body, 64 * 1024, NULL, NULL);

      _tandem_sample_transfer_handle_refusal (t, status, bytes);
      return;
    }
  t->attempt = 0;
  t->body = g_steal_pointer (&body);
  read_more (t);
}

void
_tandem_sample_transfer_start_download (TandemSampleTransfer *t)
{
  g_autoptr(SoupMessage) msg = _tandem_sample_transfer_new_message (t, "GET", "samples");
  g_autoptr(GError) error = NULL;

  if (msg == NULL)
    {
      _tandem_sample_transfer_finish (t, TANDEM_TRANSFER_FAILED, "The session address is not valid");
      return;
    }
  if (!open_part (t, TRUE, &error))
    {
      _tandem_sample_transfer_finish (t, TANDEM_TRANSFER_FAILED, error->message);
      return;
    }
  if (t->done > 0)
    soup_message_headers_set_range (soup_message_get_request_headers (msg), t->done, -1);
  soup_session_send_async (t->owner->soup, msg, G_PRIORITY_DEFAULT, t->cancellable,
                           get_done, g_object_ref (t));
}
