/* tandem-server-samples.c — sample blobs over HTTP: resumable verified uploads, ranged downloads
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-sync"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "tandem-invite.h"
#include "tandem-sample-file.h"
#include "tandem-session-server-private.h"

#define READ_CHUNK (256 * 1024)

/* The SHA-256 of an upload runs on a worker thread, one chunk at a time,
 * while the server thread receives the next chunk: a chunk is answered as
 * soon as it is written and its hashing has started, so at most one chunk
 * per upload waits in memory behind the one being hashed. The answer to the
 * last chunk waits for the whole hash. */
typedef struct
{
  SoupServerMessage *msg;
  GBytes            *bytes;
  gboolean           last;
  gboolean           gone;   /* the client disconnected */
} Chunk;

typedef struct
{
  int            ref_count;
  TandemSession *session;   /* NULL once no longer in session->uploads */
  char          *hash;
  GChecksum     *checksum;  /* of the bytes hashed so far; the worker's while hashing */
  guint64        offset;    /* bytes written to the part file */
  guint64        total;     /* 0 until the first chunk says it */
  gboolean       reserved;  /* admitted under the quota: total counts in it */
  int            fd;        /* the part file, open for writing; -1 until needed */
  gboolean       busy;      /* a chunk is on the worker */
  GQueue         queue;     /* Chunk, received and written, waiting for the worker */
  Chunk         *last;      /* the last chunk, answered once every byte is hashed */
  GPtrArray     *waiters;   /* Chunk (no bytes): requests made while the last one is verified */
} Upload;

static void samples_handle (TandemSessionServer *self,
                            SoupServerMessage   *msg,
                            const char          *path,
                            gboolean             count);

static void
on_chunk_disconnected (SoupServerMessage *msg,
                       Chunk             *chunk)
{
  chunk->gone = TRUE;
}

static Chunk *
chunk_new (SoupServerMessage *msg,
           GBytes            *bytes,
           gboolean           last)
{
  Chunk *chunk = g_new0 (Chunk, 1);

  chunk->msg = g_object_ref (msg);
  chunk->bytes = bytes ? g_bytes_ref (bytes) : NULL;
  chunk->last = last;
  g_signal_connect (msg, "disconnected", G_CALLBACK (on_chunk_disconnected), chunk);
  return chunk;
}

/* Answers (when @respond and the client is still there) and frees. */
static void
chunk_release (Chunk    *chunk,
               gboolean  respond)
{
  g_signal_handlers_disconnect_by_func (chunk->msg, on_chunk_disconnected, chunk);
  if (respond && !chunk->gone)
    soup_server_message_unpause (chunk->msg);
  g_object_unref (chunk->msg);
  g_clear_pointer (&chunk->bytes, g_bytes_unref);
  g_free (chunk);
}

static void
chunk_drop (gpointer data)
{
  chunk_release (data, FALSE);
}

static Upload *
upload_new (TandemSession *session,
            const char    *hash)
{
  Upload *up = g_new0 (Upload, 1);

  up->ref_count = 1;
  up->session = session;
  up->hash = g_strdup (hash);
  up->checksum = g_checksum_new (G_CHECKSUM_SHA256);
  up->fd = -1;
  g_queue_init (&up->queue);
  up->waiters = g_ptr_array_new_with_free_func (chunk_drop);
  return up;
}

static Upload *
upload_ref (Upload *up)
{
  up->ref_count++;
  return up;
}

static void
upload_unref (Upload *up)
{
  if (--up->ref_count > 0)
    return;
  if (up->last)
    chunk_release (up->last, FALSE);
  g_queue_clear_full (&up->queue, chunk_drop);
  g_ptr_array_unref (up->waiters);
  if (up->fd >= 0)
    close (up->fd);
  g_checksum_free (up->checksum);
  g_free (up->hash);
  g_free (up);
}

/* session->uploads' destroy notify: whatever is still on the worker
 * finds the upload detached. */
static void
upload_detach (gpointer data)
{
  Upload *up = data;

  up->session = NULL;
  upload_unref (up);
}

static void
respond_offset (SoupServerMessage *msg,
                guint              status,
                guint64            offset,
                guint64            total,
                gboolean           complete)
{
  g_autofree char *body = g_strdup_printf ("{\"offset\":%" G_GUINT64_FORMAT ",\"bytes\":%"
                                           G_GUINT64_FORMAT ",\"complete\":%s}\n",
                                           offset, total, complete ? "true" : "false");
  gsize len = strlen (body);

  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_TAKE,
                                    g_steal_pointer (&body), len);
}

/* "/sessions/<id>/samples/<hash>" or ".../uploads/<hash>". Anything that
 * could name another file (separators, "..", escapes) is refused. */
static gboolean
parse_path (const char  *path,
            char       **session_id,
            gboolean    *upload,
            char       **hash)
{
  g_auto(GStrv) parts = NULL;

  if (strstr (path, "..") != NULL || strchr (path, '\\') != NULL || strchr (path, '%') != NULL)
    return FALSE;
  parts = g_strsplit (path, "/", -1);
  if (g_strv_length (parts) != 5 || parts[0][0] != '\0' || strcmp (parts[1], "sessions") != 0
      || !tandem_invite_is_valid_session_id (parts[2])
      || (strcmp (parts[3], "samples") != 0 && strcmp (parts[3], "uploads") != 0)
      || !tandem_sample_hash_is_valid (parts[4]))
    return FALSE;
  for (const char *p = parts[4]; *p; p++)
    if (g_ascii_isupper (*p))
      return FALSE;
  *session_id = g_strdup (parts[2]);
  *upload = strcmp (parts[3], "uploads") == 0;
  *hash = g_strdup (parts[4]);
  return TRUE;
}

static gboolean
authorize (TandemSession     *session,
           SoupServerMessage *msg,
           TandemRole        *role)
{
  const char *auth = soup_message_headers_get_one (soup_server_message_get_request_headers (msg),
                                                   "Authorization");

  if (auth == NULL || !g_str_has_prefix (auth, "Bearer "))
    {
      _tandem_server_respond_error (msg, SOUP_STATUS_UNAUTHORIZED, TANDEM_CODE_UNAUTHORIZED,
                                    "Send the session token as “Authorization: Bearer TOKEN”");
      return FALSE;
    }
  if (!_tandem_session_check_token (session, auth + strlen ("Bearer "), role))
    {
      _tandem_server_respond_error (msg, SOUP_STATUS_UNAUTHORIZED, TANDEM_CODE_UNAUTHORIZED,
                                    "The session token is wrong");
      return FALSE;
    }
  _tandem_server_conn_authenticated (session->server, _tandem_server_conn_for_message (msg));
  return TRUE;
}

static gboolean
rm_rf (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  if (dir != NULL)
    while ((name = g_dir_read_name (dir)))
      {
        g_autofree char *child = g_build_filename (path, name, NULL);

        if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
          rm_rf (child);
        else
          g_unlink (child);
      }
  return g_rmdir (path) == 0;
}

static gboolean
ensure_samples_dir (TandemSession  *session,
                    GError        **error)
{
  TandemSessionServer *self = session->server;

  if (session->samples_dir == NULL)
    {
      if (self->shared_sample_dir != NULL)
        session->samples_dir = g_build_filename (self->shared_sample_dir, session->id, NULL);
      else if (session->dir != NULL)
        session->samples_dir = g_build_filename (session->dir, "samples", NULL);
      else
        {
          if (self->tmp_dir == NULL
              && (self->tmp_dir = g_dir_make_tmp ("tandem-samples-XXXXXX", error)) == NULL)
            return FALSE;
          session->samples_dir = g_build_filename (self->tmp_dir, session->id, NULL);
        }
    }
  if (g_mkdir_with_parents (session->samples_dir, 0700) != 0)
    {
      int saved = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   "Cannot create the sample folder: %s", g_strerror (saved));
      return FALSE;
    }
  if (session->uploads == NULL)
    session->uploads = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, upload_detach);
  return TRUE;
}

static char *
blob_path (TandemSession *session,
           const char    *hash,
           gboolean       part)
{
  const char *suffix = session->server->part_suffix ? session->server->part_suffix : ".part";
  g_autofree char *name = g_strconcat (hash, part ? suffix : NULL, NULL);

  return g_build_filename (session->samples_dir, name, NULL);
}

/* What the session's quota counts: the samples its project registers, as
 * stored here or admitted as uploads, except @except. A sample no longer
 * registered keeps its file (an undo may register it again; the registry
 * check in tandem-session.c counts it then) but not its bytes. */
static guint64
quota_used (TandemSession *session,
            const char    *except)
{
  GListModel *samples = tandem_project_get_samples (session->project);
  guint n = g_list_model_get_n_items (samples);
  guint64 used = 0;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(TandemSampleInfo) info = g_list_model_get_item (samples, i);
      const char *hash = tandem_sample_info_get_id (info);
      g_autofree char *path = NULL;
      Upload *up;
      GStatBuf st;

      if (g_strcmp0 (hash, except) == 0)
        continue;
      path = blob_path (session, hash, FALSE);
      if (g_stat (path, &st) == 0)
        used += st.st_size;
      else if ((up = g_hash_table_lookup (session->uploads, hash)) != NULL && up->reserved)
        used += up->total;
    }
  return used;
}

/* The upload in progress for @hash, rebuilt from its part file after a
 * restart (the checksum state lives in memory only). */
static Upload *
find_upload (TandemSession *session,
             const char    *hash,
             guint64        registered)
{
  Upload *up = g_hash_table_lookup (session->uploads, hash);
  g_autofree char *part = NULL;
  g_autoptr(GFileInputStream) in = NULL;
  g_autoptr(GFile) file = NULL;
  g_autofree guint8 *buf = NULL;
  gssize n;

  if (up != NULL)
    return up;
  part = blob_path (session, hash, TRUE);
  if (!g_file_test (part, G_FILE_TEST_IS_REGULAR))
    return NULL;
  file = g_file_new_for_path (part);
  if ((in = g_file_read (file, NULL, NULL)) == NULL)
    return NULL;
  /* A part file that already holds every byte was cut off between its last
   * write and its verification: its hash is not known to be right, so the
   * upload starts over rather than never finishing. */
  {
    GStatBuf st;

    if (registered != 0 && g_stat (part, &st) == 0 && (guint64) st.st_size >= registered)
      {
        g_unlink (part);
        return NULL;
      }
  }

  up = upload_new (session, hash);
  up->total = registered;
  buf = g_malloc (READ_CHUNK);
  while ((n = g_input_stream_read (G_INPUT_STREAM (in), buf, READ_CHUNK, NULL, NULL)) > 0)
    {
      g_checksum_update (up->checksum, buf, n);
      up->offset += n;
    }
  g_hash_table_insert (session->uploads, g_strdup (hash), up);
  return up;
}

static void
drop_upload (TandemSession *session,
             const char    *hash)
{
  g_autofree char *part = blob_path (session, hash, TRUE);

  g_hash_table_remove (session->uploads, hash);
  g_unlink (part);
}

static void
announce_sample (TandemSession *session,
                 const char    *hash,
                 guint64        bytes)
{
  g_autofree char *text = g_strdup_printf ("{\"type\":\"sample\",\"id\":\"%s\",\"bytes\":%"
                                           G_GUINT64_FORMAT "}", hash, bytes);

  _tandem_session_broadcast (session, NULL, text);
}

static gboolean
parse_content_range (const char *value,
                     guint64    *start,
                     guint64    *end,
                     guint64    *total)
{
  char *p;

  if (value == NULL || !g_str_has_prefix (value, "bytes "))
    return FALSE;
  value += strlen ("bytes ");
  if (!g_ascii_isdigit (*value))
    return FALSE;
  *start = g_ascii_strtoull (value, &p, 10);
  if (*p != '-' || !g_ascii_isdigit (p[1]))
    return FALSE;
  *end = g_ascii_strtoull (p + 1, &p, 10);
  if (*p != '/' || !g_ascii_isdigit (p[1]))
    return FALSE;
  *total = g_ascii_strtoull (p + 1, &p, 10);
  return *p == '\0' && *start <= *end && *end < *total;
}

/* Writes a chunk at the upload's offset through its part file, opened
 * once per upload (and cut to the offset then, dropping any torn tail). */
static gboolean
write_chunk (Upload      *up,
             const char  *part,
             const char  *data,
             gsize        len,
             GError     **error)
{
  gsize done = 0;

  if (up->fd < 0)
    {
      up->fd = g_open (part, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
      if (up->fd < 0 || ftruncate (up->fd, up->offset) != 0)
        goto fail;
    }
  while (done < len)
    {
      ssize_t n = pwrite (up->fd, data + done, len - done, up->offset + done);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        goto fail;
      done += n;
    }
  return TRUE;

fail:
  {
    int saved = errno;

    if (up->fd >= 0)
      close (up->fd);
    up->fd = -1;
    g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                 "Cannot store the upload: %s", g_strerror (saved));
  }
  return FALSE;
}

static void hash_done (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data);

static void
upload_hash_start (Upload *up,
                   GBytes *bytes)
{
  _tandem_sample_hash_async (up->checksum, bytes, hash_done, upload_ref (up));
}

/* Every byte is hashed: compare, make durable, publish. */
static void
upload_verify (Upload *up)
{
  TandemSession *session = up->session;
  TandemSessionServer *self = session->server;
  g_autofree char *hash = g_strdup (up->hash);
  g_autofree char *done_path = blob_path (session, hash, FALSE);
  g_autofree char *part = blob_path (session, hash, TRUE);
  g_autoptr(GPtrArray) waiters = g_steal_pointer (&up->waiters);
  g_autoptr(GError) error = NULL;
  Chunk *last = g_steal_pointer (&up->last);
  SoupServerMessage *msg = last->msg;
  guint64 total = up->total;

  up->waiters = g_ptr_array_new_with_free_func (chunk_drop);
  if (strcmp (g_checksum_get_string (up->checksum), hash) != 0)
    {
      drop_upload (session, hash);
      _tandem_server_respond_error (msg, 422, TANDEM_CODE_HASH_MISMATCH,
                                    "The uploaded bytes do not have the SHA-256 they were sent "
                                    "as; the upload was discarded");
    }
  /* One sync for the whole sample, before the name makes it available. */
  else if (!_tandem_sample_file_publish (up->fd, part, done_path, self->fsync && session->dir != NULL,
                                         &error))
    {
      g_warning ("Session %s: %s", session->id, error->message);
      drop_upload (session, hash);
      _tandem_server_respond_error (msg, SOUP_STATUS_INTERNAL_SERVER_ERROR, TANDEM_CODE_INTERNAL,
                                    "The server cannot store the upload");
    }
  else
    {
      g_hash_table_remove (session->uploads, hash);
      respond_offset (msg, SOUP_STATUS_CREATED, total, total, TRUE);
      g_debug ("Session %s: sample %s stored (%" G_GUINT64_FORMAT " bytes)", session->id, hash, total);
      announce_sample (session, hash, total);
    }
  chunk_release (last, TRUE);

  /* Requests that arrived meanwhile see the outcome now. */
  for (guint i = 0; i < waiters->len; i++)
    {
      Chunk *waiter = waiters->pdata[i];

      if (waiter->gone)
        continue;
      samples_handle (self, waiter->msg,
                      g_uri_get_path (soup_server_message_get_uri (waiter->msg)), FALSE);
      if (!waiter->gone)
        soup_server_message_unpause (waiter->msg);
      waiter->gone = TRUE;   /* answered */
    }
}

static void
hash_done (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  Upload *up = user_data;
  Chunk *chunk;

  up->busy = FALSE;
  if (up->session == NULL)
    {
      /* Dropped, or the session is gone. */
      upload_unref (up);
      return;
    }
  if ((chunk = g_queue_pop_head (&up->queue)) != NULL)
    {
      up->busy = TRUE;
      upload_hash_start (up, chunk->bytes);
      if (chunk->last)
        up->last = chunk;
      else
        chunk_release (chunk, TRUE);   /* its answer is set */
    }
  else if (up->last != NULL)
    upload_verify (up);
  upload_unref (up);
}

static void
handle_put (TandemSession     *session,
            SoupServerMessage *msg,
            const char        *hash,
            guint64            registered,
            gboolean           count)
{
  TandemSessionServer *self = session->server;
  SoupMessageBody *body = soup_server_message_get_request_body (msg);
  const char *range = soup_message_headers_get_one (soup_server_message_get_request_headers (msg),
                                                    "Content-Range");
  g_autofree char *done_path = blob_path (session, hash, FALSE);
  g_autofree char *part = blob_path (session, hash, TRUE);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  guint64 start, end, total;
  gboolean last;
  GStatBuf st;
  Upload *up;

  if (count)
    self->sample_bytes_received += body->length;
  if (g_stat (done_path, &st) == 0)
    {
      /* Someone uploaded the same bytes already. */
      respond_offset (msg, SOUP_STATUS_OK, st.st_size, st.st_size, TRUE);
      return;
    }
  if (!parse_content_range (range, &start, &end, &total) || end - start + 1 != (guint64) body->length)
    {
      _tandem_server_respond_error (msg, SOUP_STATUS_BAD_REQUEST, TANDEM_CODE_BAD_MESSAGE,
                                    "An upload chunk needs “Content-Range: bytes START-END/TOTAL” "
                                    "matching its body");
      return;
    }
  if (total > self->limits.max_sample_bytes)
    {
      g_autofree char *limit = g_format_size (self->limits.max_sample_bytes);
      g_autofree char *text = g_strdup_printf ("Samples are limited to %s on this server", limit);

      _tandem_server_respond_error (msg, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE,
                                    TANDEM_CODE_SAMPLE_TOO_LARGE, text);
      return;
    }
  if (registered != 0 && total != registered)
    {
      _tandem_server_respond_error (msg, SOUP_STATUS_BAD_REQUEST, TANDEM_CODE_BAD_MESSAGE,
                                    "The upload’s size differs from the sample’s registered size");
      return;
    }
  up = find_upload (session, hash, registered);
  if (up == NULL)
    {
      up = upload_new (session, hash);
      g_hash_table_insert (session->uploads, g_strdup (hash), up);
    }
  if (up->last != NULL)
    {
      /* The last chunk is being verified: answer once that is decided. */
      soup_server_message_pause (msg);
      g_ptr_array_add (up->waiters, chunk_new (msg, NULL, FALSE));
      return;
    }
  if (up->total == 0)
    up->total = total;
  if (up->total != total)
    {
      _tandem_server_respond_error (msg, SOUP_STATUS_BAD_REQUEST, TANDEM_CODE_BAD_MESSAGE,
                                    "The upload’s size changed");
      return;
    }
  if (!up->reserved)
    {
      if (quota_used (session, hash) + total > self->limits.max_session_sample_bytes)
        {
          g_autofree char *limit = g_format_size (self->limits.max_session_sample_bytes);
          g_autofree char *text = g_strdup_printf ("The session’s samples would exceed its quota of %s",
                                                   limit);

          drop_upload (session, hash);
          _tandem_server_respond_error (msg, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE,
                                        TANDEM_CODE_QUOTA_EXCEEDED, text);
          return;
        }
      up->reserved = TRUE;
    }
  if (start != up->offset)
    {
      g_autofree char *text = g_strdup_printf ("{\"error\":{\"code\":\"%s\",\"message\":\"The server "
                                               "has %" G_GUINT64_FORMAT " bytes; continue from there\"},"
                                               "\"offset\":%" G_GUINT64_FORMAT "}\n",
                                               TANDEM_CODE_BAD_OFFSET, up->offset, up->offset);
      gsize len = strlen (text);

      soup_server_message_set_status (msg, SOUP_STATUS_CONFLICT, NULL);
      soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_TAKE,
                                        g_steal_pointer (&text), len);
      return;
    }
  /* The body as received, shared with the hashing thread, never copied. */
  bytes = soup_message_body_flatten (body);
  if (!write_chunk (up, part, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), &error))
    {
      g_warning ("Session %s: %s", session->id, error->message);
      _tandem_server_respond_error (msg, SOUP_STATUS_INTERNAL_SERVER_ERROR, TANDEM_CODE_INTERNAL,
                                    "The server cannot store the upload");
      return;
    }
  up->offset += g_bytes_get_size (bytes);
  last = up->offset == up->total;
  /* No descriptor is held between chunks (the next one reopens the part
   * file): uploads that stop halfway cannot pin the server's descriptors. */
  if (!last)
    {
      close (up->fd);
      up->fd = -1;
    }
  if (!last)
    respond_offset (msg, SOUP_STATUS_OK, up->offset, up->total, FALSE);
  if (!up->busy)
    {
      up->busy = TRUE;
      upload_hash_start (up, bytes);
      if (last)
        {
          soup_server_message_pause (msg);
          up->last = chunk_new (msg, bytes, TRUE);
        }
      return;
    }
  /* The previous chunk is still being hashed: this one waits (and so does
   * its client), so memory holds at most two chunks per upload. */
  soup_server_message_pause (msg);
  g_queue_push_tail (&up->queue, chunk_new (msg, bytes, last));
}

static void
handle_status (TandemSession     *session,
               SoupServerMessage *msg,
               const char        *hash,
               guint64            registered)
{
  g_autofree char *done_path = blob_path (session, hash, FALSE);
  GStatBuf st;
  Upload *up;

  if (g_stat (done_path, &st) == 0)
    {
      respond_offset (msg, SOUP_STATUS_OK, st.st_size, st.st_size, TRUE);
      return;
    }
  up = find_upload (session, hash, registered);
  if (up != NULL && up->last != NULL)
    {
      /* The last chunk is being verified: answer once that is decided. */
      soup_server_message_pause (msg);
      g_ptr_array_add (up->waiters, chunk_new (msg, NULL, FALSE));
      return;
    }
  respond_offset (msg, SOUP_STATUS_OK, up ? up->offset : 0, up && up->total ? up->total : registered,
                  FALSE);
}

static void
handle_download (TandemSession     *session,
                 SoupServerMessage *msg,
                 const char        *hash)
{
  SoupMessageHeaders *req = soup_server_message_get_request_headers (msg);
  SoupMessageHeaders *resp = soup_server_message_get_response_headers (msg);
  g_autofree char *path = blob_path (session, hash, FALSE);
  g_autoptr(GMappedFile) mapped = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GBytes) slice = NULL;
  SoupRange *ranges = NULL;
  int n_ranges = 0;
  gsize size;

  if (!g_file_test (path, G_FILE_TEST_IS_REGULAR))
    {
      _tandem_server_respond_error (msg, SOUP_STATUS_NOT_FOUND, TANDEM_CODE_NOT_UPLOADED,
                                    "Nobody has uploaded this sample yet");
      return;
    }
  /* Mapped, not read: a large sample is never copied into memory. */
  mapped = g_mapped_file_new (path, FALSE, NULL);
  if (mapped == NULL)
    {
      _tandem_server_respond_error (msg, SOUP_STATUS_INTERNAL_SERVER_ERROR, TANDEM_CODE_INTERNAL,
                                    "The server cannot read the sample");
      return;
    }
  bytes = g_mapped_file_get_bytes (mapped);
  size = g_bytes_get_size (bytes);
  soup_message_headers_replace (resp, "Accept-Ranges", "bytes");
  if (soup_message_headers_get_one (req, "Range") != NULL)
    {
      /* libsoup 3.2 hands back a range that starts past the end as it is
       * (and so a bogus 206): every bound is checked against the size. */
      if (size == 0 || !soup_message_headers_get_ranges (req, size, &ranges, &n_ranges)
          || n_ranges != 1 || ranges[0].start < 0 || (guint64) ranges[0].start >= size
          || ranges[0].end < ranges[0].start)
        {
          g_autofree char *cr = g_strdup_printf ("bytes */%" G_GSIZE_FORMAT, size);

          if (ranges)
            soup_message_headers_free_ranges (req, ranges);
          soup_message_headers_replace (resp, "Content-Range", cr);
          _tandem_server_respond_error (msg, SOUP_STATUS_REQUESTED_RANGE_NOT_SATISFIABLE,
                                        TANDEM_CODE_BAD_MESSAGE, "Ask for one satisfiable byte range");
          return;
        }
      /* A last byte past the end means "to the end" (RFC 9110 14.1.2). */
      ranges[0].end = MIN ((guint64) ranges[0].end, size - 1);
      slice = g_bytes_new_from_bytes (bytes, ranges[0].start, ranges[0].end - ranges[0].start + 1);
      soup_message_headers_set_content_range (resp, ranges[0].start, ranges[0].end, size);
      soup_message_headers_free_ranges (req, ranges);
      soup_server_message_set_status (msg, SOUP_STATUS_PARTIAL_CONTENT, NULL);
    }
  else
    {
      slice = g_bytes_ref (bytes);
      soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
    }
  soup_message_headers_set_content_type (resp, "application/octet-stream", NULL);
  soup_message_body_append_bytes (soup_server_message_get_response_body (msg), slice);
}

static TandemSession *
lookup_request (TandemSessionServer *self,
                SoupServerMessage   *msg,
                const char          *path,
                gboolean            *upload,
                char               **hash,
                TandemRole          *role)
{
  g_autofree char *session_id = NULL;
  TandemSession *session;

  if (!parse_path (path, &session_id, upload, hash))
    {
      _tandem_server_respond_error (msg, SOUP_STATUS_BAD_REQUEST, TANDEM_CODE_BAD_NAME,
                                    "Sample paths are /sessions/ID/samples/SHA256 or "
                                    "/sessions/ID/uploads/SHA256 (no separators or “..” in names)");
      return NULL;
    }
  session = _tandem_server_lookup_session (self, session_id);
  if (session == NULL)
    {
      _tandem_server_respond_error (msg, SOUP_STATUS_NOT_FOUND, TANDEM_CODE_NO_SUCH_SESSION,
                                    "There is no such session");
      return NULL;
    }
  if (!authorize (session, msg, role))
    return NULL;
  return session;
}

gboolean
_tandem_server_samples_early (TandemSessionServer *self,
                              SoupServerMessage   *msg,
                              const char          *path)
{
  SoupMessageHeaders *req = soup_server_message_get_request_headers (msg);
  g_autofree char *hash = NULL;
  gboolean upload;
  TandemRole role;

  if (strcmp (soup_server_message_get_method (msg), "PUT") != 0)
    return TRUE;
  if (lookup_request (self, msg, path, &upload, &hash, &role) == NULL)
    return FALSE;
  if (soup_message_headers_get_encoding (req) != SOUP_ENCODING_CONTENT_LENGTH
      || soup_message_headers_get_content_length (req) > (goffset) self->limits.max_sample_chunk)
    {
      g_autofree char *text = g_strdup_printf ("Upload chunks carry a Content-Length of at most %"
                                               G_GSIZE_FORMAT " bytes", self->limits.max_sample_chunk);

      _tandem_server_respond_error (msg, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE,
                                    TANDEM_CODE_TOO_LARGE, text);
      return FALSE;
    }
  return TRUE;
}

void
_tandem_server_samples_handle (TandemSessionServer *self,
                               SoupServerMessage   *msg,
                               const char          *path)
{
  samples_handle (self, msg, path, TRUE);
}

/* @count: FALSE when a request is handled again after waiting. */
static void
samples_handle (TandemSessionServer *self,
                SoupServerMessage   *msg,
                const char          *path,
                gboolean             count)
{
  const char *method = soup_server_message_get_method (msg);
  g_autofree char *hash = NULL;
  g_autoptr(GError) error = NULL;
  TandemSampleInfo *info;
  TandemSession *session;
  gboolean upload;
  TandemRole role;

  session = lookup_request (self, msg, path, &upload, &hash, &role);
  if (session == NULL)
    return;
  info = tandem_project_find_sample (session->project, hash);
  if (info == NULL)
    {
      _tandem_server_respond_error (msg, SOUP_STATUS_FORBIDDEN, TANDEM_CODE_NOT_IN_SESSION,
                                    "This session does not use that sample");
      return;
    }
  if (!ensure_samples_dir (session, &error))
    {
      g_warning ("Session %s: %s", session->id, error->message);
      _tandem_server_respond_error (msg, SOUP_STATUS_INTERNAL_SERVER_ERROR, TANDEM_CODE_INTERNAL,
                                    "The server cannot store samples");
      return;
    }

  if (!upload && (strcmp (method, "GET") == 0 || strcmp (method, "HEAD") == 0))
    handle_download (session, msg, hash);
  else if (upload && strcmp (method, "GET") == 0)
    handle_status (session, msg, hash, tandem_sample_info_get_bytes (info));
  else if (upload && strcmp (method, "PUT") == 0)
    {
      if (role == TANDEM_ROLE_VIEWER)
        _tandem_server_respond_error (msg, SOUP_STATUS_FORBIDDEN, TANDEM_CODE_FORBIDDEN,
                                      "Viewers cannot upload samples");
      else
        handle_put (session, msg, hash, tandem_sample_info_get_bytes (info), count);
    }
  else
    {
      soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Allow",
                                    upload ? "GET, PUT" : "GET, HEAD");
      _tandem_server_respond_error (msg, SOUP_STATUS_METHOD_NOT_ALLOWED, TANDEM_CODE_BAD_MESSAGE,
                                    upload ? "Use GET or PUT" : "Use GET or HEAD");
    }
}

const char *
_tandem_session_check_samples (TandemSession  *session,
                               char          **message)
{
  const TandemServerLimits *limits = &session->server->limits;
  GListModel *samples = tandem_project_get_samples (session->project);
  guint n = g_list_model_get_n_items (samples);
  guint64 sum = 0;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(TandemSampleInfo) info = g_list_model_get_item (samples, i);
      guint64 bytes = tandem_sample_info_get_bytes (info);

      if (bytes > limits->max_sample_bytes)
        {
          g_autofree char *limit = g_format_size (limits->max_sample_bytes);

          *message = g_strdup_printf ("Sample “%s” is larger than this server’s limit of %s",
                                      tandem_sample_info_get_name (info), limit);
          return TANDEM_CODE_SAMPLE_TOO_LARGE;
        }
      sum += bytes;
    }
  if (sum > limits->max_session_sample_bytes)
    {
      g_autofree char *limit = g_format_size (limits->max_session_sample_bytes);

      *message = g_strdup_printf ("The session’s samples would exceed its quota of %s", limit);
      return TANDEM_CODE_QUOTA_EXCEEDED;
    }
  return NULL;
}

void
_tandem_session_samples_free (TandemSession *session)
{
  g_clear_pointer (&session->uploads, g_hash_table_unref);
  g_clear_pointer (&session->samples_dir, g_free);
}

void
_tandem_server_samples_cleanup (TandemSessionServer *self)
{
  if (self->tmp_dir != NULL)
    rm_rf (self->tmp_dir);
  g_clear_pointer (&self->tmp_dir, g_free);
  g_clear_pointer (&self->shared_sample_dir, g_free);
  g_clear_pointer (&self->part_suffix, g_free);
}

/* A node id goes into file names: letters, digits, '-', '_' and '.' only. */
static gboolean
is_file_name_part (const char *text)
{
  if (text == NULL || *text == '\0' || *text == '.')
    return FALSE;
  for (const char *c = text; *c; c++)
    if (!g_ascii_isalnum (*c) && *c != '-' && *c != '_' && *c != '.')
      return FALSE;
  return TRUE;
}

gboolean
tandem_session_server_set_sample_dir (TandemSessionServer  *self,
                                      const char           *dir,
                                      const char           *node_id,
                                      GError              **error)
{
  g_return_val_if_fail (TANDEM_IS_SESSION_SERVER (self), FALSE);

  if (dir != NULL && !is_file_name_part (node_id))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "A shared sample folder needs a node id of letters, digits, “-”, “_” and “.”");
      return FALSE;
    }
  if (dir != NULL && g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   "Cannot create the sample folder %s: %s", dir, g_strerror (saved));
      return FALSE;
    }
  if (dir != NULL && g_access (dir, W_OK) != 0)
    {
      int saved = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   "Cannot write to the sample folder %s: %s", dir, g_strerror (saved));
      return FALSE;
    }

  g_free (self->shared_sample_dir);
  self->shared_sample_dir = g_strdup (dir);
  g_free (self->part_suffix);
  self->part_suffix = dir != NULL ? g_strdup_printf (".%s.part", node_id) : NULL;
  return TRUE;
}

guint64
tandem_session_server_get_sample_bytes_received (TandemSessionServer *self)
{
  g_return_val_if_fail (TANDEM_IS_SESSION_SERVER (self), 0);
  return self->sample_bytes_received;
}
