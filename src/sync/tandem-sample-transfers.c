/* tandem-sample-transfers.c — resumable, verified uploads and downloads of samples
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-sync"

#include "config.h"

#include <string.h>

#include <glib/gstdio.h>
#include <libsoup/soup.h>

#include "tandem-protocol.h"
#include "tandem-sample-import.h"
#include "tandem-sample-transfers.h"

#define READ_CHUNK   (1024 * 1024)
#define WAIT_POLL_MS 10000

struct _TandemSampleTransfer
{
  GObject                  parent_instance;

  TandemSampleTransfers   *owner;   /* unowned; NULL once the owner is gone */
  char                    *hash;
  char                    *name;
  TandemTransferDirection  direction;
  TandemTransferState      state;
  guint64                  done;
  guint64                  total;
  char                    *error;

  GCancellable            *cancellable;
  GSource                 *retry_source;
  guint                    attempt;
  gboolean                 dropping;  /* the test hook cut this request */
  guint64                  chunk_len;
  /* downloads */
  GInputStream            *body;
  GOutputStream           *part;
  GChecksum               *checksum;  /* NULL while a worker hashes into it */
  guint                    io_gen;    /* bumped when the I/O above is dropped */
  gboolean                 hashing;
  gboolean                 at_end;    /* the body ended while hashing */
  GBytes                  *pending;   /* read and written, waiting for the worker */
};

struct _TandemSampleTransfers
{
  GObject             parent_instance;

  TandemSyncClient   *client;
  TandemProject      *project;
  TandemSampleStore  *store;
  SoupSession        *soup;
  GListStore         *list;
  GPtrArray          *active;       /* TandemSampleTransfer, unfinished */
  guint               max_parallel;
  guint               backoff_min_ms;
  guint               backoff_max_ms;
  guint               max_attempts;
  guint64             bytes_sent;
  guint64             drop_at;      /* G_MAXUINT64: off */
  gulong              state_id;
  gulong              sample_id;
  gulong              batch_id;
  gulong              applied_id;
  gulong              reset_id;
};

G_DEFINE_FINAL_TYPE (TandemSampleTransfer, tandem_sample_transfer, G_TYPE_OBJECT)
G_DEFINE_FINAL_TYPE (TandemSampleTransfers, tandem_sample_transfers, G_TYPE_OBJECT)

enum {
  T_PROP_0,
  T_PROP_HASH,
  T_PROP_NAME,
  T_PROP_DIRECTION,
  T_PROP_STATE,
  T_PROP_BYTES_DONE,
  T_PROP_BYTES_TOTAL,
  T_PROP_FRACTION,
  T_PROP_ERROR,
  T_N_PROPS
};

static GParamSpec *t_properties[T_N_PROPS];

enum {
  SAMPLE_READY,
  TRANSFER_FAILED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void pump (TandemSampleTransfers *self);
static void run_transfer (TandemSampleTransfer *t);

/* TandemSampleTransfer */

static void
transfer_clear_io (TandemSampleTransfer *t)
{
  if (t->retry_source)
    {
      g_source_destroy (t->retry_source);
      g_clear_pointer (&t->retry_source, g_source_unref);
    }
  g_clear_object (&t->body);
  if (t->part)
    g_output_stream_close (t->part, NULL, NULL);
  g_clear_object (&t->part);
  g_clear_pointer (&t->checksum, g_checksum_free);
  g_clear_pointer (&t->pending, g_bytes_unref);
  /* A hash still on a worker frees its checksum when it sees this. */
  t->io_gen++;
  t->hashing = FALSE;
  t->at_end = FALSE;
}

static void
tandem_sample_transfer_finalize (GObject *object)
{
  TandemSampleTransfer *t = TANDEM_SAMPLE_TRANSFER (object);

  transfer_clear_io (t);
  g_clear_object (&t->cancellable);
  g_free (t->hash);
  g_free (t->name);
  g_free (t->error);
  G_OBJECT_CLASS (tandem_sample_transfer_parent_class)->finalize (object);
}

static void
tandem_sample_transfer_get_property (GObject    *object,
                                     guint       prop_id,
                                     GValue     *value,
                                     GParamSpec *pspec)
{
  TandemSampleTransfer *t = TANDEM_SAMPLE_TRANSFER (object);

  switch (prop_id)
    {
    case T_PROP_HASH: g_value_set_string (value, t->hash); break;
    case T_PROP_NAME: g_value_set_string (value, t->name); break;
    case T_PROP_DIRECTION: g_value_set_int (value, t->direction); break;
    case T_PROP_STATE: g_value_set_int (value, t->state); break;
    case T_PROP_BYTES_DONE: g_value_set_uint64 (value, t->done); break;
    case T_PROP_BYTES_TOTAL: g_value_set_uint64 (value, t->total); break;
    case T_PROP_FRACTION: g_value_set_double (value, tandem_sample_transfer_get_fraction (t)); break;
    case T_PROP_ERROR: g_value_set_string (value, t->error); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tandem_sample_transfer_class_init (TandemSampleTransferClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags ro = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->finalize = tandem_sample_transfer_finalize;
  object_class->get_property = tandem_sample_transfer_get_property;

  t_properties[T_PROP_HASH] = g_param_spec_string ("hash", NULL, NULL, NULL, ro);
  t_properties[T_PROP_NAME] = g_param_spec_string ("name", NULL, NULL, NULL, ro);
  t_properties[T_PROP_DIRECTION] = g_param_spec_int ("direction", NULL, NULL, 0, 1, 0, ro);
  t_properties[T_PROP_STATE] = g_param_spec_int ("state", NULL, NULL, 0, TANDEM_TRANSFER_CANCELLED, 0, ro);
  t_properties[T_PROP_BYTES_DONE] = g_param_spec_uint64 ("bytes-done", NULL, NULL, 0, G_MAXUINT64, 0, ro);
  t_properties[T_PROP_BYTES_TOTAL] = g_param_spec_uint64 ("bytes-total", NULL, NULL, 0, G_MAXUINT64, 0, ro);
  t_properties[T_PROP_FRACTION] = g_param_spec_double ("fraction", NULL, NULL, 0, 1, 0, ro);
  t_properties[T_PROP_ERROR] = g_param_spec_string ("error", NULL, NULL, NULL, ro);
  g_object_class_install_properties (object_class, T_N_PROPS, t_properties);
}

static void
tandem_sample_transfer_init (TandemSampleTransfer *t)
{
}

const char *
tandem_sample_transfer_get_hash (TandemSampleTransfer *self)
{
  g_return_val_if_fail (TANDEM_IS_SAMPLE_TRANSFER (self), NULL);
  return self->hash;
}

const char *
tandem_sample_transfer_get_name (TandemSampleTransfer *self)
{
  g_return_val_if_fail (TANDEM_IS_SAMPLE_TRANSFER (self), NULL);
  return self->name;
}

TandemTransferDirection
tandem_sample_transfer_get_direction (TandemSampleTransfer *self)
{
  g_return_val_if_fail (TANDEM_IS_SAMPLE_TRANSFER (self), 0);
  return self->direction;
}

TandemTransferState
tandem_sample_transfer_get_state (TandemSampleTransfer *self)
{
  g_return_val_if_fail (TANDEM_IS_SAMPLE_TRANSFER (self), 0);
  return self->state;
}

guint64
tandem_sample_transfer_get_bytes_done (TandemSampleTransfer *self)
{
  g_return_val_if_fail (TANDEM_IS_SAMPLE_TRANSFER (self), 0);
  return self->done;
}

guint64
tandem_sample_transfer_get_bytes_total (TandemSampleTransfer *self)
{
  g_return_val_if_fail (TANDEM_IS_SAMPLE_TRANSFER (self), 0);
  return self->total;
}

double
tandem_sample_transfer_get_fraction (TandemSampleTransfer *self)
{
  g_return_val_if_fail (TANDEM_IS_SAMPLE_TRANSFER (self), 0);
  if (self->state == TANDEM_TRANSFER_DONE)
    return 1.0;
  return self->total > 0 ? CLAMP ((double) self->done / (double) self->total, 0.0, 1.0) : 0.0;
}

const char *
tandem_sample_transfer_get_error (TandemSampleTransfer *self)
{
  g_return_val_if_fail (TANDEM_IS_SAMPLE_TRANSFER (self), NULL);
  return self->error;
}

gboolean
tandem_sample_transfer_is_finished (TandemSampleTransfer *self)
{
  g_return_val_if_fail (TANDEM_IS_SAMPLE_TRANSFER (self), TRUE);
  return self->state >= TANDEM_TRANSFER_DONE;
}

static void
set_progress (TandemSampleTransfer *t,
              guint64               done,
              guint64               total)
{
  gboolean total_changed = t->total != total;

  if (t->done == done && !total_changed)
    return;
  t->done = done;
  t->total = total;
  g_object_notify_by_pspec (G_OBJECT (t), t_properties[T_PROP_BYTES_DONE]);
  if (total_changed)
    g_object_notify_by_pspec (G_OBJECT (t), t_properties[T_PROP_BYTES_TOTAL]);
  g_object_notify_by_pspec (G_OBJECT (t), t_properties[T_PROP_FRACTION]);
}

static void
set_state (TandemSampleTransfer *t,
           TandemTransferState   state)
{
  if (t->state == state)
    return;
  t->state = state;
  g_object_notify_by_pspec (G_OBJECT (t), t_properties[T_PROP_STATE]);
  g_object_notify_by_pspec (G_OBJECT (t), t_properties[T_PROP_FRACTION]);
}

/* TandemSampleTransfers: bookkeeping */

static void
finish (TandemSampleTransfer *t,
        TandemTransferState   state,
        const char           *error)
{
  TandemSampleTransfers *self = t->owner;

  g_object_ref (t);
  transfer_clear_io (t);
  if (error != NULL && g_strcmp0 (t->error, error) != 0)
    {
      g_free (t->error);
      t->error = g_strdup (error);
      g_object_notify_by_pspec (G_OBJECT (t), t_properties[T_PROP_ERROR]);
    }
  if (state == TANDEM_TRANSFER_DONE)
    set_progress (t, t->total, t->total);
  set_state (t, state);
  if (self != NULL)
    {
      g_ptr_array_remove (self->active, t);
      if (state == TANDEM_TRANSFER_DONE && t->direction == TANDEM_TRANSFER_DOWNLOAD)
        g_signal_emit (self, signals[SAMPLE_READY], 0, t->hash);
      else if (state == TANDEM_TRANSFER_FAILED)
        g_signal_emit (self, signals[TRANSFER_FAILED], 0, t);
      pump (self);
    }
  g_object_unref (t);
}

static guint
count_running (TandemSampleTransfers *self)
{
  guint n = 0;

  for (guint i = 0; i < self->active->len; i++)
    if (((TandemSampleTransfer *) self->active->pdata[i])->state == TANDEM_TRANSFER_RUNNING)
      n++;
  return n;
}

static gboolean
is_live (TandemSampleTransfers *self)
{
  return self->client != NULL
         && tandem_sync_client_get_state (self->client) == TANDEM_SYNC_STATE_LIVE;
}

static void
pump (TandemSampleTransfers *self)
{
  guint running;

  if (!is_live (self))
    return;
  running = count_running (self);
  for (guint i = 0; i < self->active->len && running < self->max_parallel; i++)
    {
      TandemSampleTransfer *t = self->active->pdata[i];

      if (t->state != TANDEM_TRANSFER_QUEUED)
        continue;
      running++;
      run_transfer (t);
    }
}

static gboolean
retry_cb (gpointer data)
{
  TandemSampleTransfer *t = data;

  g_clear_pointer (&t->retry_source, g_source_unref);
  set_state (t, TANDEM_TRANSFER_QUEUED);
  if (t->owner)
    pump (t->owner);
  return G_SOURCE_REMOVE;
}

/* Waits and tries again; @counts is FALSE while only waiting for someone
 * else (an upload by another participant, the server applying our op). */
static void
retry_later (TandemSampleTransfer *t,
             gboolean              counts,
             const char           *reason)
{
  TandemSampleTransfers *self = t->owner;
  guint delay;

  transfer_clear_io (t);
  if (self == NULL)
    return;
  if (counts && ++t->attempt >= self->max_attempts)
    {
      finish (t, TANDEM_TRANSFER_FAILED, reason);
      return;
    }
  if (counts)
    {
      delay = self->backoff_min_ms << MIN (t->attempt - 1, 16u);
      delay = MIN (delay, self->backoff_max_ms);
      /* Jitter: uniform in [d/2, d], so peers do not retry in lockstep. */
      delay = g_random_int_range (delay / 2, delay + 1);
    }
  else
    delay = WAIT_POLL_MS;
  g_debug ("Sample %.12s: %s; retrying in %u ms", t->hash, reason, delay);
  set_state (t, TANDEM_TRANSFER_WAITING);
  t->retry_source = g_timeout_source_new (delay);
  g_source_set_callback (t->retry_source, retry_cb, t, NULL);
  g_source_attach (t->retry_source, NULL);
  pump (self);
}

/* Kicks transfers waiting for something that may just have happened. */
static void
kick_waiting (TandemSampleTransfers *self,
              const char            *hash)
{
  for (guint i = 0; i < self->active->len; i++)
    {
      TandemSampleTransfer *t = self->active->pdata[i];

      if (t->state == TANDEM_TRANSFER_WAITING && (hash == NULL || strcmp (t->hash, hash) == 0)
          && t->retry_source != NULL)
        {
          g_source_destroy (t->retry_source);
          g_clear_pointer (&t->retry_source, g_source_unref);
          set_state (t, TANDEM_TRANSFER_QUEUED);
        }
    }
  pump (self);
}

static TandemSampleTransfer *
add_transfer (TandemSampleTransfers   *self,
              const char              *hash,
              TandemTransferDirection  direction)
{
  TandemSampleTransfer *t = tandem_sample_transfers_find (self, hash);
  TandemSampleInfo *info = tandem_project_find_sample (self->project, hash);

  if (t != NULL)
    return t;
  t = g_object_new (TANDEM_TYPE_SAMPLE_TRANSFER, NULL);
  t->owner = self;
  t->hash = g_strdup (hash);
  t->name = g_strdup (info ? tandem_sample_info_get_name (info) : hash);
  t->direction = direction;
  t->total = info ? tandem_sample_info_get_bytes (info) : 0;
  t->state = TANDEM_TRANSFER_QUEUED;
  g_ptr_array_add (self->active, t);   /* takes the new reference */
  g_list_store_append (self->list, t);
  pump (self);
  return t;
}

/* HTTP */

static char *
build_url (TandemSampleTransfers *self,
           const char            *kind,
           const char            *hash,
           char                 **token)
{
  g_autoptr(TandemInvite) invite = self->client ? tandem_sync_client_dup_invite (self->client) : NULL;
  g_autofree char *path = NULL;

  if (invite == NULL)
    return NULL;
  path = g_strdup_printf ("/sessions/%s/%s/%s", invite->session_id, kind, hash);
  *token = g_strdup (invite->token ? invite->token : "");
  return g_uri_join (G_URI_FLAGS_NONE, "http", NULL, invite->host, invite->port, path, NULL, NULL);
}

static SoupMessage *
new_message (TandemSampleTransfer *t,
             const char           *method,
             const char           *kind)
{
  g_autofree char *token = NULL;
  g_autofree char *url = build_url (t->owner, kind, t->hash, &token);
  g_autofree char *auth = NULL;
  SoupMessage *msg;

  if (url == NULL || (msg = soup_message_new (method, url)) == NULL)
    return NULL;
  auth = g_strconcat ("Bearer ", token, NULL);
  soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", auth);
  explicit_bzero (auth, strlen (auth));
  explicit_bzero (token, strlen (token));
  return msg;
}

/* The server's error code and message from a JSON error body. */
static char *
server_reason (GBytes  *body,
               char   **code,
               gint64  *offset)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *obj, *err;
  gsize len = 0;
  const char *data = body ? g_bytes_get_data (body, &len) : NULL;

  *code = NULL;
  if (data == NULL || len == 0 || !json_parser_load_from_data (parser, data, len, NULL)
      || !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    return NULL;
  obj = json_node_get_object (json_parser_get_root (parser));
  if (offset && json_object_has_member (obj, "offset"))
    *offset = json_object_get_int_member (obj, "offset");
  if (!json_object_has_member (obj, "error")
      || !JSON_NODE_HOLDS_OBJECT (json_object_get_member (obj, "error")))
    return NULL;
  err = json_object_get_object_member (obj, "error");
  *code = g_strdup (json_object_get_string_member_with_default (err, "code", ""));
  return g_strdup (json_object_get_string_member_with_default (err, "message", ""));
}

static gboolean
parse_offset (GBytes   *body,
              guint64  *offset,
              guint64  *total,
              gboolean *complete)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *obj;
  gsize len = 0;
  const char *data = body ? g_bytes_get_data (body, &len) : NULL;

  if (data == NULL || !json_parser_load_from_data (parser, data, len, NULL)
      || !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    return FALSE;
  obj = json_node_get_object (json_parser_get_root (parser));
  *offset = json_object_get_int_member_with_default (obj, "offset", 0);
  *total = json_object_get_int_member_with_default (obj, "bytes", 0);
  *complete = json_object_get_boolean_member_with_default (obj, "complete", FALSE);
  return TRUE;
}

/* Handles a refused request: waits for what it needs, retries, or fails. */
static void
handle_refusal (TandemSampleTransfer *t,
                guint                 status,
                GBytes               *body)
{
  g_autofree char *code = NULL;
  g_autofree char *reason = server_reason (body, &code, NULL);
  g_autofree char *text = NULL;

  if (t->owner && tandem_project_find_sample (t->owner->project, t->hash) == NULL)
    {
      finish (t, TANDEM_TRANSFER_CANCELLED, "The project no longer uses this sample");
      return;
    }
  if (g_strcmp0 (code, TANDEM_CODE_NOT_UPLOADED) == 0)
    {
      retry_later (t, FALSE, "not uploaded yet");
      return;
    }
  /* Our registry op may not have reached the server yet. */
  if (g_strcmp0 (code, TANDEM_CODE_NOT_IN_SESSION) == 0)
    {
      retry_later (t, TRUE, reason);
      return;
    }
  if (status >= 500 || status < 100)
    {
      text = g_strdup_printf ("The server failed (HTTP %u)", status);
      retry_later (t, TRUE, reason ? reason : text);
      return;
    }
  if (reason == NULL)
    reason = g_strdup_printf ("The server refused the transfer (HTTP %u)", status);
  finish (t, TANDEM_TRANSFER_FAILED, reason);
}

static void
network_error (TandemSampleTransfer *t,
               GError               *error)
{
  if (t->dropping)
    {
      t->dropping = FALSE;
      retry_later (t, TRUE, "connection lost (test)");
      return;
    }
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;   /* cancel() has finished it already */
  retry_later (t, TRUE, error->message);
}

/* Uploads */

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

static void
put_done (GObject      *source,
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

  if (t->owner == NULL || t->state != TANDEM_TRANSFER_RUNNING)
    return;
  if (body == NULL)
    {
      network_error (t, error);
      return;
    }
  if (status == SOUP_STATUS_CONFLICT)
    {
      g_autofree char *code = NULL;
      g_autofree char *reason = NULL;
      gint64 server_offset = -1;

      reason = server_reason (body, &code, &server_offset);
      if (server_offset >= 0)
        {
          upload_next_chunk (t, server_offset);
          return;
        }
    }
  if (!SOUP_STATUS_IS_SUCCESSFUL (status) || !parse_offset (body, &offset, &total, &complete))
    {
      handle_refusal (t, status, body);
      return;
    }
  t->attempt = 0;
  if (complete)
    {
      finish (t, TANDEM_TRANSFER_DONE, NULL);
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
      finish (t, TANDEM_TRANSFER_FAILED, "This computer no longer has the sample");
      return;
    }
  file = g_file_new_for_path (path);
  if ((in = g_file_read (file, NULL, &error)) == NULL
      || (info = g_file_input_stream_query_info (in, G_FILE_ATTRIBUTE_STANDARD_SIZE, NULL, &error)) == NULL
      || !g_seekable_seek (G_SEEKABLE (in), offset, G_SEEK_SET, NULL, &error))
    {
      finish (t, TANDEM_TRANSFER_FAILED, error->message);
      return;
    }
  size = g_file_info_get_size (info);
  set_progress (t, offset, size);
  if (offset >= size)
    {
      /* The server has every byte but did not say it is complete. */
      finish (t, TANDEM_TRANSFER_FAILED, "The server did not accept the sample");
      return;
    }
  /* One chunk at a time: never the whole file in memory. */
  len = MIN (TANDEM_SAMPLE_CHUNK_BYTES, size - offset);
  chunk = g_input_stream_read_bytes (G_INPUT_STREAM (in), len, NULL, &error);
  if (chunk == NULL || g_bytes_get_size (chunk) != len)
    {
      finish (t, TANDEM_TRANSFER_FAILED, error ? error->message : "The sample file changed");
      return;
    }
  msg = new_message (t, "PUT", "uploads");
  if (msg == NULL)
    {
      finish (t, TANDEM_TRANSFER_FAILED, "The session address is not valid");
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
                                    put_done, g_object_ref (t));
}

static void
status_done (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(TandemSampleTransfer) t = user_data;
  SoupMessage *msg = soup_session_get_async_result_message (SOUP_SESSION (source), result);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &error);
  guint64 offset, total;
  gboolean complete;

  if (t->owner == NULL || t->state != TANDEM_TRANSFER_RUNNING)
    return;
  if (body == NULL)
    {
      network_error (t, error);
      return;
    }
  if (!SOUP_STATUS_IS_SUCCESSFUL (soup_message_get_status (msg))
      || !parse_offset (body, &offset, &total, &complete))
    {
      handle_refusal (t, soup_message_get_status (msg), body);
      return;
    }
  if (complete)
    {
      /* The server had it already (someone else uploaded the same bytes);
       * nothing to show. */
      set_progress (t, total, total);
      finish (t, TANDEM_TRANSFER_DONE, NULL);
      return;
    }
  upload_next_chunk (t, offset);
}

static void
start_upload (TandemSampleTransfer *t)
{
  g_autoptr(SoupMessage) msg = new_message (t, "GET", "uploads");

  if (msg == NULL)
    {
      finish (t, TANDEM_TRANSFER_FAILED, "The session address is not valid");
      return;
    }
  /* Ask first how much the server has: a resumed upload continues there. */
  soup_session_send_and_read_async (t->owner->soup, msg, G_PRIORITY_DEFAULT, t->cancellable,
                                    status_done, g_object_ref (t));
}

/* Downloads */

static char *
part_path (TandemSampleTransfers *self,
           const char            *hash)
{
  g_autofree char *name = g_strconcat (".download-", hash, ".part", NULL);

  return g_build_filename (tandem_sample_store_get_dir (self->store), name, NULL);
}

static void read_more (TandemSampleTransfer *t);

static void
download_complete (TandemSampleTransfer *t)
{
  TandemSampleTransfers *self = t->owner;
  g_autofree char *part = part_path (self, t->hash);
  g_autofree char *target = g_build_filename (tandem_sample_store_get_dir (self->store), t->hash, NULL);
  g_autoptr(GError) error = NULL;

  if (!g_output_stream_close (t->part, NULL, &error))
    {
      retry_later (t, TRUE, error->message);
      return;
    }
  if (strcmp (g_checksum_get_string (t->checksum), t->hash) != 0)
    {
      /* Never let other bytes into the store under this name. */
      g_unlink (part);
      retry_later (t, TRUE, "The downloaded bytes do not match the sample’s SHA-256");
      return;
    }
  if (g_rename (part, target) != 0)
    {
      finish (t, TANDEM_TRANSFER_FAILED, g_strerror (errno));
      return;
    }
  finish (t, TANDEM_TRANSFER_DONE, NULL);
}

/* SHA-256 of downloads runs on a worker thread while the next bytes are
 * read: one block on the worker, at most one waiting. */
typedef struct
{
  TandemSampleTransfer *t;
  guint                 gen;
  GChecksum            *checksum;
  GBytes               *bytes;
} HashJob;

static void
hash_job_free (gpointer data)
{
  HashJob *job = data;

  g_clear_pointer (&job->checksum, g_checksum_free);
  g_bytes_unref (job->bytes);
  g_object_unref (job->t);
  g_free (job);
}

static void
hash_in_thread (GTask        *task,
                gpointer      source,
                gpointer      task_data,
                GCancellable *cancellable)
{
  HashJob *job = task_data;
  gsize len;
  const guchar *data = g_bytes_get_data (job->bytes, &len);

  g_checksum_update (job->checksum, data, len);
  g_task_return_boolean (task, TRUE);
}

static void hash_done (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data);

static void
hash_start (TandemSampleTransfer *t,
            GBytes               *bytes)
{
  HashJob *job = g_new0 (HashJob, 1);
  GTask *task = g_task_new (NULL, NULL, hash_done, NULL);

  job->t = g_object_ref (t);
  job->gen = t->io_gen;
  job->checksum = g_steal_pointer (&t->checksum);
  job->bytes = g_bytes_ref (bytes);
  t->hashing = TRUE;
  g_task_set_task_data (task, job, hash_job_free);
  g_task_run_in_thread (task, hash_in_thread);
  g_object_unref (task);
}

static void
hash_done (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  HashJob *job = g_task_get_task_data (G_TASK (result));
  TandemSampleTransfer *t = job->t;

  if (job->gen != t->io_gen || t->owner == NULL || t->state != TANDEM_TRANSFER_RUNNING)
    return;   /* the transfer moved on; the job frees its checksum */
  t->checksum = g_steal_pointer (&job->checksum);
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

  if (t->owner == NULL || t->state != TANDEM_TRANSFER_RUNNING)
    return;
  if (bytes == NULL)
    {
      network_error (t, error);
      return;
    }
  data = g_bytes_get_data (bytes, &len);
  if (len == 0)
    {
      if (t->total != 0 && t->done != t->total)
        {
          retry_later (t, TRUE, "The download ended early");
          return;
        }
      if (t->hashing)
        t->at_end = TRUE;
      else
        download_complete (t);
      return;
    }
  if (t->total != 0 && t->done + len > t->total)
    {
      retry_later (t, TRUE, "The server sent more bytes than the sample has");
      return;
    }
  if (!g_output_stream_write_all (t->part, data, len, NULL, NULL, &error))
    {
      finish (t, TANDEM_TRANSFER_FAILED, error->message);
      return;
    }
  set_progress (t, t->done + len, t->total);
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
  set_progress (t, have, t->total);
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

  if (t->owner == NULL || t->state != TANDEM_TRANSFER_RUNNING)
    return;
  if (body == NULL)
    {
      network_error (t, error);
      return;
    }
  if (status == SOUP_STATUS_OK)
    {
      /* A whole body: start the part over. */
      transfer_clear_io (t);
      if (!open_part (t, FALSE, &error))
        {
          finish (t, TANDEM_TRANSFER_FAILED, error->message);
          return;
        }
      total = soup_message_headers_get_content_length (soup_message_get_response_headers (msg));
      set_progress (t, 0, total > 0 ? (guint64) total : t->total);
    }
  else if (status == SOUP_STATUS_PARTIAL_CONTENT)
    {
      if (!soup_message_headers_get_content_range (soup_message_get_response_headers (msg),
                                                   &start, &end, &total)
          || (guint64) start != t->done)
        {
          retry_later (t, TRUE, "The server sent another byte range");
          return;
        }
      set_progress (t, t->done, total);
    }
  else if (status == SOUP_STATUS_REQUESTED_RANGE_NOT_SATISFIABLE)
    {
      /* Our part is longer than the sample: it is not a prefix of it. */
      g_autofree char *part = part_path (t->owner, t->hash);

      g_unlink (part);
      retry_later (t, TRUE, "The partial download was not valid");
      return;
    }
  else
    {
      g_autoptr(GBytes) bytes = g_input_stream_read_bytes (body, 64 * 1024, NULL, NULL);

      handle_refusal (t, status, bytes);
      return;
    }
  t->attempt = 0;
  t->body = g_steal_pointer (&body);
  read_more (t);
}

static void
start_download (TandemSampleTransfer *t)
{
  g_autoptr(SoupMessage) msg = new_message (t, "GET", "samples");
  g_autoptr(GError) error = NULL;

  if (msg == NULL)
    {
      finish (t, TANDEM_TRANSFER_FAILED, "The session address is not valid");
      return;
    }
  if (!open_part (t, TRUE, &error))
    {
      finish (t, TANDEM_TRANSFER_FAILED, error->message);
      return;
    }
  if (t->done > 0)
    soup_message_headers_set_range (soup_message_get_request_headers (msg), t->done, -1);
  soup_session_send_async (t->owner->soup, msg, G_PRIORITY_DEFAULT, t->cancellable,
                           get_done, g_object_ref (t));
}

static void
run_transfer (TandemSampleTransfer *t)
{
  g_clear_object (&t->cancellable);
  t->cancellable = g_cancellable_new ();
  set_state (t, TANDEM_TRANSFER_RUNNING);
  if (t->direction == TANDEM_TRANSFER_UPLOAD)
    start_upload (t);
  else if (tandem_sample_store_lookup (t->owner->store, t->hash) != NULL)
    finish (t, TANDEM_TRANSFER_DONE, NULL);
  else
    start_download (t);
}

/* Following the project */

static void
want_sample (TandemSampleTransfers *self,
             const char            *hash,
             gboolean               offer)
{
  g_autofree char *path = NULL;

  if (hash == NULL || !tandem_sample_hash_is_valid (hash))
    return;
  path = tandem_sample_store_lookup (self->store, hash);
  if (path == NULL)
    add_transfer (self, hash, TANDEM_TRANSFER_DOWNLOAD);
  else if (offer)
    add_transfer (self, hash, TANDEM_TRANSFER_UPLOAD);
}

static void
scan_project (TandemSampleTransfers *self,
              gboolean               offer)
{
  GListModel *samples = tandem_project_get_samples (self->project);

  for (guint i = 0; i < g_list_model_get_n_items (samples); i++)
    {
      g_autoptr(TandemSampleInfo) info = g_list_model_get_item (samples, i);

      want_sample (self, tandem_sample_info_get_id (info), offer);
    }
}

static void
scan_op (TandemSampleTransfers *self,
         TandemOp              *op)
{
  JsonNode *value;

  switch (tandem_op_get_kind (op))
    {
    case TANDEM_OP_BATCH:
      for (guint i = 0; i < tandem_op_batch_get_n_ops (op); i++)
        scan_op (self, tandem_op_batch_get_op (op, i));
      break;
    case TANDEM_OP_INSERT:
      value = tandem_op_get_value (op);
      if (tandem_op_get_entity (op) == TANDEM_ENTITY_SAMPLE && value && JSON_NODE_HOLDS_OBJECT (value))
        want_sample (self, json_object_get_string_member_with_default (json_node_get_object (value),
                                                                       "id", NULL), FALSE);
      else if (tandem_op_get_entity (op) == TANDEM_ENTITY_TRACK && value && JSON_NODE_HOLDS_OBJECT (value))
        want_sample (self, tandem_instrument_get_sample (
                       json_object_get_string_member_with_default (json_node_get_object (value),
                                                                   "instrument", NULL)), FALSE);
      break;
    case TANDEM_OP_SET:
      value = tandem_op_get_value (op);
      if (tandem_op_get_entity (op) == TANDEM_ENTITY_TRACK
          && g_strcmp0 (tandem_op_get_prop (op), "instrument") == 0
          && value && JSON_NODE_HOLDS_VALUE (value) && json_node_get_value_type (value) == G_TYPE_STRING)
        want_sample (self, tandem_instrument_get_sample (json_node_get_string (value)), FALSE);
      break;
    default:
      break;
    }
}

static void
on_op_applied (TandemProject         *project,
               TandemOp              *op,
               TandemSampleTransfers *self)
{
  scan_op (self, op);
}

static void
on_reset (TandemProject         *project,
          TandemSampleTransfers *self)
{
  scan_project (self, FALSE);
}

static void
on_state (TandemSyncClient      *client,
          GParamSpec            *pspec,
          TandemSampleTransfers *self)
{
  if (!is_live (self))
    return;
  /* Offer what we hold (a project opened from a file, a host that just
   * started) and fetch what we lack. */
  scan_project (self, TRUE);
  kick_waiting (self, NULL);
}

static void
on_sample_available (TandemSyncClient      *client,
                     const char            *hash,
                     TandemSampleTransfers *self)
{
  kick_waiting (self, hash);
}

static void
on_batch_received (TandemSyncClient      *client,
                   guint64                seq,
                   const char            *client_id,
                   guint64                client_seq,
                   TandemSampleTransfers *self)
{
  /* An upload waiting for its registry op to reach the server may go now. */
  if (g_strcmp0 (client_id, tandem_sync_client_get_client_id (client)) != 0)
    return;
  for (guint i = 0; i < self->active->len; i++)
    {
      TandemSampleTransfer *t = self->active->pdata[i];

      if (t->direction == TANDEM_TRANSFER_UPLOAD && t->state == TANDEM_TRANSFER_WAITING)
        kick_waiting (self, t->hash);
    }
}

/* GObject */

static void
tandem_sample_transfers_dispose (GObject *object)
{
  TandemSampleTransfers *self = TANDEM_SAMPLE_TRANSFERS (object);

  if (self->active)
    while (self->active->len > 0)
      {
        TandemSampleTransfer *t = g_ptr_array_steal_index (self->active, self->active->len - 1);

        if (t->cancellable)
          g_cancellable_cancel (t->cancellable);
        transfer_clear_io (t);
        t->owner = NULL;
        g_object_unref (t);
      }
  if (self->client)
    {
      g_clear_signal_handler (&self->state_id, self->client);
      g_clear_signal_handler (&self->sample_id, self->client);
      g_clear_signal_handler (&self->batch_id, self->client);
    }
  if (self->project)
    {
      g_clear_signal_handler (&self->applied_id, self->project);
      g_clear_signal_handler (&self->reset_id, self->project);
    }
  if (self->soup)
    soup_session_abort (self->soup);
  g_clear_object (&self->soup);
  g_clear_object (&self->client);
  g_clear_object (&self->project);
  g_clear_object (&self->store);
  G_OBJECT_CLASS (tandem_sample_transfers_parent_class)->dispose (object);
}

static void
tandem_sample_transfers_finalize (GObject *object)
{
  TandemSampleTransfers *self = TANDEM_SAMPLE_TRANSFERS (object);

  g_clear_pointer (&self->active, g_ptr_array_unref);
  g_clear_object (&self->list);
  G_OBJECT_CLASS (tandem_sample_transfers_parent_class)->finalize (object);
}

static void
tandem_sample_transfers_class_init (TandemSampleTransfersClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = tandem_sample_transfers_dispose;
  object_class->finalize = tandem_sample_transfers_finalize;

  /**
   * TandemSampleTransfers::sample-ready:
   * @hash: the sample's SHA-256
   *
   * A download was verified and is in the store: the sample can be played.
   */
  signals[SAMPLE_READY] =
    g_signal_new ("sample-ready", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
  /**
   * TandemSampleTransfers::transfer-failed:
   * @transfer: the transfer; its "error" says why
   */
  signals[TRANSFER_FAILED] =
    g_signal_new ("transfer-failed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1, TANDEM_TYPE_SAMPLE_TRANSFER);
}

static void
tandem_sample_transfers_init (TandemSampleTransfers *self)
{
  self->list = g_list_store_new (TANDEM_TYPE_SAMPLE_TRANSFER);
  self->active = g_ptr_array_new_with_free_func (g_object_unref);
  self->max_parallel = 3;
  self->backoff_min_ms = 250;
  self->backoff_max_ms = 8000;
  self->max_attempts = 6;
  self->drop_at = G_MAXUINT64;
  self->soup = soup_session_new_with_options ("max-conns", 16, "max-conns-per-host", 8,
                                              "timeout", 60, NULL);
}

/**
 * tandem_sample_transfers_new:
 * @store: where samples are read from and downloaded into
 *
 * Returns: (transfer full): transfers for the session of @client
 */
TandemSampleTransfers *
tandem_sample_transfers_new (TandemSyncClient  *client,
                             TandemSampleStore *store)
{
  TandemSampleTransfers *self;

  g_return_val_if_fail (TANDEM_IS_SYNC_CLIENT (client), NULL);
  g_return_val_if_fail (TANDEM_IS_SAMPLE_STORE (store), NULL);

  self = g_object_new (TANDEM_TYPE_SAMPLE_TRANSFERS, NULL);
  self->client = g_object_ref (client);
  self->project = g_object_ref (tandem_sync_client_get_project (client));
  self->store = g_object_ref (store);
  self->state_id = g_signal_connect (client, "notify::state", G_CALLBACK (on_state), self);
  self->sample_id = g_signal_connect (client, "sample-available", G_CALLBACK (on_sample_available), self);
  self->batch_id = g_signal_connect (client, "batch-received", G_CALLBACK (on_batch_received), self);
  self->applied_id = g_signal_connect (self->project, "op-applied", G_CALLBACK (on_op_applied), self);
  self->reset_id = g_signal_connect (self->project, "reset", G_CALLBACK (on_reset), self);
  if (is_live (self))
    on_state (client, NULL, self);
  return self;
}

GListModel *
tandem_sample_transfers_get_list (TandemSampleTransfers *self)
{
  g_return_val_if_fail (TANDEM_IS_SAMPLE_TRANSFERS (self), NULL);
  return G_LIST_MODEL (self->list);
}

TandemSampleTransfer *
tandem_sample_transfers_upload (TandemSampleTransfers *self,
                                const char            *hash)
{
  g_return_val_if_fail (TANDEM_IS_SAMPLE_TRANSFERS (self), NULL);
  g_return_val_if_fail (tandem_sample_hash_is_valid (hash), NULL);
  return add_transfer (self, hash, TANDEM_TRANSFER_UPLOAD);
}

TandemSampleTransfer *
tandem_sample_transfers_find (TandemSampleTransfers *self,
                              const char            *hash)
{
  g_return_val_if_fail (TANDEM_IS_SAMPLE_TRANSFERS (self), NULL);
  for (guint i = 0; i < self->active->len; i++)
    {
      TandemSampleTransfer *t = self->active->pdata[i];

      if (g_strcmp0 (t->hash, hash) == 0)
        return t;
    }
  return NULL;
}

void
tandem_sample_transfers_cancel (TandemSampleTransfers *self,
                                TandemSampleTransfer  *transfer)
{
  g_return_if_fail (TANDEM_IS_SAMPLE_TRANSFERS (self));
  g_return_if_fail (TANDEM_IS_SAMPLE_TRANSFER (transfer));

  if (transfer->owner != self || tandem_sample_transfer_is_finished (transfer))
    return;
  if (transfer->cancellable)
    g_cancellable_cancel (transfer->cancellable);
  finish (transfer, TANDEM_TRANSFER_CANCELLED, NULL);
}

void
tandem_sample_transfers_clear_finished (TandemSampleTransfers *self)
{
  g_return_if_fail (TANDEM_IS_SAMPLE_TRANSFERS (self));
  for (guint i = g_list_model_get_n_items (G_LIST_MODEL (self->list)); i > 0; i--)
    {
      g_autoptr(TandemSampleTransfer) t = g_list_model_get_item (G_LIST_MODEL (self->list), i - 1);

      if (tandem_sample_transfer_is_finished (t))
        g_list_store_remove (self->list, i - 1);
    }
}

guint
tandem_sample_transfers_get_n_active (TandemSampleTransfers *self)
{
  g_return_val_if_fail (TANDEM_IS_SAMPLE_TRANSFERS (self), 0);
  return self->active->len;
}

void
tandem_sample_transfers_set_max_parallel (TandemSampleTransfers *self,
                                          guint                  n)
{
  g_return_if_fail (TANDEM_IS_SAMPLE_TRANSFERS (self));
  self->max_parallel = MAX (n, 1);
  pump (self);
}

void
tandem_sample_transfers_set_backoff (TandemSampleTransfers *self,
                                     guint                  min_ms,
                                     guint                  max_ms,
                                     guint                  max_attempts)
{
  g_return_if_fail (TANDEM_IS_SAMPLE_TRANSFERS (self));
  self->backoff_min_ms = MAX (min_ms, 1);
  self->backoff_max_ms = MAX (max_ms, self->backoff_min_ms);
  self->max_attempts = MAX (max_attempts, 1);
}

guint64
tandem_sample_transfers_get_bytes_sent (TandemSampleTransfers *self)
{
  g_return_val_if_fail (TANDEM_IS_SAMPLE_TRANSFERS (self), 0);
  return self->bytes_sent;
}

void
tandem_sample_transfers_drop_upload_at_for_tests (TandemSampleTransfers *self,
                                                  guint64                offset)
{
  g_return_if_fail (TANDEM_IS_SAMPLE_TRANSFERS (self));
  self->drop_at = offset;
}
