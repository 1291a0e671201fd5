/* tandem-sample-transfers-queue.c — slots, retries with backoff, and what a failed request means
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-sync"

#include "config.h"

#include <string.h>

#include "tandem-protocol.h"
#include "tandem-sample-transfers-private.h"
#include "tandem-soup-target.h"

static void run_transfer (TandemSampleTransfer *t);

static guint
count_running (TandemSampleTransfers *self)
{
  guint n = 0;

  for (guint i = 0; i < self->active->len; i++)
    if (((TandemSampleTransfer *) self->active->pdata[i])->state == TANDEM_TRANSFER_RUNNING)
      n++;
  return n;
}

gboolean
_tandem_sample_transfers_is_live (TandemSampleTransfers *self)
{
  return self->client != NULL
         && tandem_sync_client_get_state (self->client) == TANDEM_SYNC_STATE_LIVE;
}

void
_tandem_sample_transfers_pump (TandemSampleTransfers *self)
{
  guint running;

  if (!_tandem_sample_transfers_is_live (self))
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
  _tandem_sample_transfer_set_state (t, TANDEM_TRANSFER_QUEUED);
  if (t->owner)
    _tandem_sample_transfers_pump (t->owner);
  return G_SOURCE_REMOVE;
}

void
_tandem_sample_transfer_retry_later (TandemSampleTransfer *t,
             gboolean              counts,
             const char           *reason)
{
  TandemSampleTransfers *self = t->owner;
  guint delay;

  _tandem_sample_transfer_clear_io (t);
  if (self == NULL)
    return;
  if (counts && ++t->attempt >= self->max_attempts)
    {
      _tandem_sample_transfer_finish (t, TANDEM_TRANSFER_FAILED, reason);
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
    delay = TANDEM_SAMPLE_WAIT_POLL_MS;
  g_debug ("Sample %.12s: %s; retrying in %u ms", t->hash, reason, delay);
  _tandem_sample_transfer_set_state (t, TANDEM_TRANSFER_WAITING);
  t->retry_source = g_timeout_source_new (delay);
  g_source_set_callback (t->retry_source, retry_cb, t, NULL);
  g_source_attach (t->retry_source, NULL);
  _tandem_sample_transfers_pump (self);
}

void
_tandem_sample_transfers_kick_waiting (TandemSampleTransfers *self,
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
          _tandem_sample_transfer_set_state (t, TANDEM_TRANSFER_QUEUED);
        }
    }
  _tandem_sample_transfers_pump (self);
}

TandemSampleTransfer *
_tandem_sample_transfers_add (TandemSampleTransfers   *self,
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
  _tandem_sample_transfers_pump (self);
  return t;
}

static void
run_transfer (TandemSampleTransfer *t)
{
  g_autofree char *stored = NULL;

  g_clear_object (&t->cancellable);
  t->cancellable = g_cancellable_new ();
  _tandem_sample_transfer_set_state (t, TANDEM_TRANSFER_RUNNING);
  if (t->direction == TANDEM_TRANSFER_UPLOAD)
    _tandem_sample_transfer_start_upload (t);
  else if ((stored = tandem_sample_store_lookup (t->owner->store, t->hash)) != NULL)
    _tandem_sample_transfer_finish (t, TANDEM_TRANSFER_DONE, NULL);
  else
    _tandem_sample_transfer_start_download (t);
}


/* Requests, and what their failures mean for a transfer */

static char *
build_url (TandemInvite *invite,
           const char   *kind,
           const char   *hash,
           char        **token)
{
  g_autofree char *path = g_strdup_printf ("/sessions/%s/%s/%s", invite->session_id, kind, hash);

  *token = g_strdup (invite->token ? invite->token : "");
  return g_uri_join (G_URI_FLAGS_NONE, tandem_invite_get_http_scheme (invite), NULL, invite->host,
                     invite->port, path, NULL, NULL);
}

SoupMessage *
_tandem_sample_transfer_new_message (TandemSampleTransfer *t,
             const char           *method,
             const char           *kind)
{
  g_autoptr(TandemInvite) invite = t->owner && t->owner->client
                                    ? tandem_sync_client_dup_invite (t->owner->client) : NULL;
  g_autofree char *token = NULL;
  g_autofree char *url = invite ? build_url (invite, kind, t->hash, &token) : NULL;
  g_autofree char *auth = NULL;
  SoupMessage *msg;

  if (url == NULL || (msg = soup_message_new (method, url)) == NULL)
    return NULL;
  _tandem_sample_transfers_use_session_for (t->owner, invite);
  /* The same certificate check as the session's connection, before the
   * token goes out. */
  tandem_tls_check_prepare (t->owner->soup, msg, invite, &t->tls_verdict);
  auth = g_strconcat ("Bearer ", token, NULL);
  soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", auth);
  explicit_bzero (auth, strlen (auth));
  explicit_bzero (token, strlen (token));
  return msg;
}

char *
_tandem_sample_transfer_server_reason (GBytes  *body,
               char   **code,
               gint64  *offset)
{
  g_autoptr(JsonNode) root = NULL;
  JsonObject *obj, *err;
  const char *text;
  gsize len = 0;
  const char *data = body ? g_bytes_get_data (body, &len) : NULL;

  *code = NULL;
  if (data != NULL)
    root = tandem_json_parse_bounded (data, len, &tandem_json_limits_http_reply, NULL);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return NULL;
  obj = json_node_get_object (root);
  /* The server's answer is checked like any message: members of the wrong
   * type read as absent. */
  if (offset)
    tandem_message_get_int (obj, "offset", offset);
  if (!json_object_has_member (obj, "error")
      || !JSON_NODE_HOLDS_OBJECT (json_object_get_member (obj, "error")))
    return NULL;
  err = json_object_get_object_member (obj, "error");
  *code = g_strdup (tandem_message_get_string (err, "code", &text) ? text : "");
  return g_strdup (tandem_message_get_string (err, "message", &text) ? text : "");
}


void
_tandem_sample_transfer_handle_refusal (TandemSampleTransfer *t,
                guint                 status,
                GBytes               *body)
{
  g_autofree char *code = NULL;
  g_autofree char *reason = _tandem_sample_transfer_server_reason (body, &code, NULL);
  g_autofree char *text = NULL;

  if (t->owner && tandem_project_find_sample (t->owner->project, t->hash) == NULL)
    {
      _tandem_sample_transfer_finish (t, TANDEM_TRANSFER_CANCELLED, "The project no longer uses this sample");
      return;
    }
  if (g_strcmp0 (code, TANDEM_CODE_NOT_UPLOADED) == 0)
    {
      _tandem_sample_transfer_retry_later (t, FALSE, "not uploaded yet");
      return;
    }
  /* Our registry op may not have reached the server yet. */
  if (g_strcmp0 (code, TANDEM_CODE_NOT_IN_SESSION) == 0)
    {
      _tandem_sample_transfer_retry_later (t, TRUE, reason);
      return;
    }
  if (status >= 500 || status < 100)
    {
      text = g_strdup_printf ("The server failed (HTTP %u)", status);
      _tandem_sample_transfer_retry_later (t, TRUE, reason ? reason : text);
      return;
    }
  if (reason == NULL)
    reason = g_strdup_printf ("The server refused the transfer (HTTP %u)", status);
  _tandem_sample_transfer_finish (t, TANDEM_TRANSFER_FAILED, reason);
}

void
_tandem_sample_transfer_network_error (TandemSampleTransfer *t,
               GError               *error)
{
  if (t->dropping)
    {
      t->dropping = FALSE;
      _tandem_sample_transfer_retry_later (t, TRUE, "connection lost (test)");
      return;
    }
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;   /* cancel() has finished it already */
  /* A refused certificate stays refused: no retry, and the reason. */
  if (t->tls_verdict != TANDEM_TLS_OK)
    {
      _tandem_sample_transfer_finish (t, TANDEM_TRANSFER_FAILED,
                                      tandem_tls_verdict_message (t->tls_verdict));
      return;
    }
  {
    const char *code, *message;

    if (tandem_tls_check_error (error, 0, &code, &message))
      {
        _tandem_sample_transfer_finish (t, TANDEM_TRANSFER_FAILED, message);
        return;
      }
  }
  _tandem_sample_transfer_retry_later (t, TRUE, error->message);
}

gboolean
_tandem_sample_transfer_wants_reply (TandemSampleTransfer *t,
                                     gboolean              arrived,
                                     GError               *error)
{
  if (t->owner == NULL || t->state != TANDEM_TRANSFER_RUNNING)
    return FALSE;
  if (!arrived)
    {
      _tandem_sample_transfer_network_error (t, error);
      return FALSE;
    }
  return TRUE;
}

