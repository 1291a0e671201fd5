/* tandem-sample-transfers-upload.c — resumable uploads in chunks, from the offset the server has
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-sync"

#include "config.h"

#include "tandem-protocol.h"
#include "tandem-sample-transfers-private.h"

static gboolean
parse_offset (GBytes   *body,
              guint64  *offset,
              guint64  *total,
              gboolean *complete)
{
  g_autoptr(JsonNode) root = NULL;
  JsonObject *obj;
  JsonNode *member;
  gint64 value;
  gsize len = 0;
  const char *data = body ? g_bytes_get_data (body, &len) : NULL;

  if (data != NULL)
    root = tandem_json_parse_bounded (data, len, &tandem_json_limits_http_reply, NULL);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return FALSE;
  obj = json_node_get_object (root);
  /* Members of the wrong type or sign read as absent. */
  *offset = tandem_message_get_int (obj, "offset", &value) && value >= 0 ? (guint64) value : 0;
  *total = tandem_message_get_int (obj, "bytes", &value) && value >= 0 ? (guint64) value : 0;
  member = json_object_get_member (obj, "complete");
  *complete = member != NULL && JSON_NODE_HOLDS_VALUE (member)
              && json_node_get_value_type (member) == G_TYPE_BOOLEAN
              && json_node_get_boolean (member);
  return TRUE;
}

static void upload_next_chunk (TandemSampleTransfer *t,
                               guint64               offset);

static void
on_wrote_body_data (SoupMessage          *msg,
                    guint                 chunk_size,
                    TandemSampleTransfer *t)
{
  TandemSampleTransfers *self = t->owner;

  if (self == NULL)
    return;
  self->bytes_sent += chunk_size;
  if (t->dropping && !g_cancellable_is_cancelled (t->cancellable))
    g_cancellable_cancel (t->cancellable);
}

/* The answer to a status request or to a chunk: the offset to go on from,
 * the whole sample in (someone may have uploaded the same bytes), or a
 * refusal. */
static void
offset_reply_done (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(TandemSampleTransfer) t = user_data;
  SoupMessage *msg = soup_session_get_async_result_message (SOUP_SESSION (source), result);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &error);
  guint status = msg ? soup_message_get_status (msg) : 0;
  guint64 offset, total;
  gboolean complete;

  if (!_tandem_sample_transfer_wants_reply (t, body != NULL, error))
    return;
  if (status == SOUP_STATUS_CONFLICT)
    {
      g_autofree char *code = NULL;
      g_autofree char *reason = NULL;
      gint64 server_offset = -1;

      reason = _tandem_sample_transfer_server_reason (body, &code, &server_offset);
      if (server_offset >= 0)
        {
          upload_next_chunk (t, server_offset);
          return;
        }
    }
  if (!SOUP_STATUS_IS_SUCCESSFUL (status) || !parse_offset (body, &offset, &total, &complete))
    {
      _tandem_sample_transfer_handle_refusal (t, status, body);
      return;
    }
  /* A chunk went through; a status answer alone proves no progress. */
  if (g_strcmp0 (soup_message_get_method (msg), "PUT") == 0)
    t->attempt = 0;
  if (complete)
    {
      _tandem_sample_transfer_set_progress (t, total, total);
      _tandem_sample_transfer_finish (t, TANDEM_TRANSFER_DONE, NULL);
      return;
    }
  upload_next_chunk (t, offset);
}

static void
upload_next_chunk (TandemSampleTransfer *t,
                   guint64               offset)
{
  TandemSampleTransfers *self = t->owner;
  g_autofree char *path = tandem_sample_store_lookup (self->store, t->hash);
  g_autoptr(GFile) file = NULL;
  g_autoptr(GFileInputStream) in = NULL;
  g_autoptr(GFileInfo) info = NULL;
  g_autoptr(GBytes) chunk = NULL;
  g_autoptr(SoupMessage) msg = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *range = NULL;
  guint64 size;
  gsize len;

  if (path == NULL)
    {
      _tandem_sample_transfer_finish (t, TANDEM_TRANSFER_FAILED, "This computer no longer has the sample");
      return;
    }
  file = g_file_new_for_path (path);
  if ((in = g_file_read (file, NULL, &error)) == NULL
      || (info = g_file_input_stream_query_info (in, G_FILE_ATTRIBUTE_STANDARD_SIZE, NULL, &error)) == NULL
      || !g_seekable_seek (G_SEEKABLE (in), offset, G_SEEK_SET, NULL, &error))
    {
      _tandem_sample_transfer_finish (t, TANDEM_TRANSFER_FAILED, error->message);
      return;
    }
  size = g_file_info_get_size (info);
  _tandem_sample_transfer_set_progress (t, offset, size);
  if (offset >= size)
    {
      /* The server has every byte but did not say it is complete. */
      _tandem_sample_transfer_finish (t, TANDEM_TRANSFER_FAILED, "The server did not accept the sample");
      return;
    }
  /* One chunk at a time: never the whole file in memory. */
  len = MIN (TANDEM_SAMPLE_CHUNK_BYTES, size - offset);
  chunk = g_input_stream_read_bytes (G_INPUT_STREAM (in), len, NULL, &error);
  if (chunk == NULL || g_bytes_get_size (chunk) != len)
    {
      _tandem_sample_transfer_finish (t, TANDEM_TRANSFER_FAILED, error ? error->message : "The sample file changed");
      return;
    }
  msg = _tandem_sample_transfer_new_message (t, "PUT", "uploads");
  if (msg == NULL)
    {
      _tandem_sample_transfer_finish (t, TANDEM_TRANSFER_FAILED, "The session address is not valid");
      return;
    }
  range = g_strdup_printf ("bytes %" G_GUINT64_FORMAT "-%" G_GUINT64_FORMAT "/%" G_GUINT64_FORMAT,
                           offset, offset + len - 1, size);
  soup_message_headers_replace (soup_message_get_request_headers (msg), "Content-Range", range);
  soup_message_set_request_body_from_bytes (msg, "application/octet-stream", chunk);
  if (offset + len > self->drop_at)
    {
      self->drop_at = G_MAXUINT64;
      t->dropping = TRUE;
    }
  g_signal_connect_object (msg, "wrote-body-data", G_CALLBACK (on_wrote_body_data), t, 0);
  soup_session_send_and_read_async (self->soup, msg, G_PRIORITY_DEFAULT, t->cancellable,
                                    offset_reply_done, g_object_ref (t));
}

void
_tandem_sample_transfer_start_upload (TandemSampleTransfer *t)
{
  g_autoptr(SoupMessage) msg = _tandem_sample_transfer_new_message (t, "GET", "uploads");

  if (msg == NULL)
    {
      _tandem_sample_transfer_finish (t, TANDEM_TRANSFER_FAILED, "The session address is not valid");
      return;
    }
  /* Ask first how much the server has: a resumed upload continues there. */
  soup_session_send_and_read_async (t->owner->soup, msg, G_PRIORITY_DEFAULT, t->cancellable,
                                    offset_reply_done, g_object_ref (t));
}

