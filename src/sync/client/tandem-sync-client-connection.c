/* tandem-sync-client-connection.c — connecting, joining, heartbeat, reconnecting with backoff
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One WebSocket connection at a time. After it opens we say hello; the
 * server's welcome joins us (tandem-sync-client-rebase.c brings the project
 * up to date). A lost connection is retried with exponential backoff and
 * jitter until the client goes offline or the server refuses us for good.
 */
#define G_LOG_DOMAIN "tandem-sync"

#include "config.h"

#include <netinet/in.h>
#include <netinet/tcp.h>

#include "tandem-soup-target.h"
#include "tandem-sync-client-history.h"
#include "tandem-sync-client-private.h"

#define MAX_INCOMING_BYTES (128 * 1024 * 1024)

static void start_connect (TandemSyncClient *self);

/* Drops the connection and asks for a fresh snapshot on the next one. */
void
_tandem_sync_client_resync (TandemSyncClient *self,
                            const char       *why)
{
  g_warning ("Client %s: %s; fetching a fresh snapshot", self->client_id, why);
  self->want_snapshot = TRUE;
  _tandem_sync_client_connection_lost (self);
}

static void
handle_welcome (TandemSyncClient *self,
                JsonObject       *msg)
{
  JsonNode *snapshot = json_object_get_member (msg, "snapshot");
  JsonNode *batches = json_object_get_member (msg, "batches");
  JsonNode *participants = json_object_get_member (msg, "participants");
  JsonNode *limits = json_object_get_member (msg, "limits");
  const char *role = NULL;
  gint64 seq = 0, client_seq = 0;

  if (!tandem_message_get_int (msg, "seq", &seq)
      || !tandem_message_get_int (msg, "client_seq", &client_seq)
      || (snapshot == NULL && batches == NULL))
    {
      _tandem_sync_client_resync (self, "malformed welcome");
      return;
    }
  tandem_message_get_string (msg, "role", &role);
  g_free (self->role);
  self->role = g_strdup (role);
  _tandem_sync_client_set_limits (self, limits && JSON_NODE_HOLDS_OBJECT (limits)
                                        ? json_node_get_object (limits) : NULL);
  if (limits && JSON_NODE_HOLDS_OBJECT (limits))
    {
      JsonObject *lim = json_node_get_object (limits);
      gint64 behind = json_object_get_int_member_with_default (lim, "max_behind_ms", 10000);

      self->max_message_bytes = json_object_get_int_member_with_default (lim, "max_message_bytes",
                                                                         0);
      /* Acknowledge well before the server thinks we fell behind. */
      self->ack_after_ms = CLAMP (behind / 4, 10, 1000);
    }

  if (!_tandem_sync_client_rebase_on_welcome (self, snapshot, batches, seq, client_seq))
    return;
  _tandem_sync_client_set_participants (self, participants);

  self->joined = TRUE;
  self->attempt = 0;
  _tandem_sync_client_start_clock_burst (self);
  _tandem_sync_client_set_state (self, TANDEM_SYNC_STATE_LIVE);
  g_object_notify_by_pspec (G_OBJECT (self), _tandem_sync_client_properties[PROP_ROLE]);

  _tandem_sync_client_resend_pending (self);
  self->presence_dirty = TRUE;
  self->last_presence_us = 0;
}

static void
handle_error (TandemSyncClient *self,
              JsonObject       *msg)
{
  const char *code = "", *message = "";

  tandem_message_get_string (msg, "code", &code);
  tandem_message_get_string (msg, "message", &message);
  if (json_object_has_member (msg, "cseq"))
    {
      _tandem_sync_client_handle_submit_error (self, msg);
      return;
    }
  if (g_str_equal (code, TANDEM_CODE_RATE_LIMITED))
    {
      gint64 retry_ms = 1000;

      /* A message of ours was dropped (not a submit): slow down. */
      tandem_message_get_int (msg, "retry_after_ms", &retry_ms);
      _tandem_sync_client_hold_submits (self, retry_ms);
    }
  if (g_str_equal (code, TANDEM_CODE_UNAUTHORIZED)
      || g_str_equal (code, TANDEM_CODE_NO_SUCH_SESSION)
      || g_str_equal (code, TANDEM_CODE_UNSUPPORTED_VERSION)
      || g_str_equal (code, TANDEM_CODE_REPLACED)
      || g_str_equal (code, TANDEM_CODE_WRONG_SECRET))
    self->fatal = TRUE;
  g_debug ("Client %s: server error %s: %s", self->client_id, code, message);
  g_signal_emit (self, _tandem_sync_client_signals[ERROR], 0, code, message);
}

static void
on_message (SoupWebsocketConnection *conn,
            SoupWebsocketDataType    type,
            GBytes                  *bytes,
            TandemSyncClient        *self)
{
  g_autoptr(JsonObject) msg = NULL;
  g_autoptr(GError) error = NULL;
  const char *msg_type;
  gsize size;
  const char *data = g_bytes_get_data (bytes, &size);

  self->last_recv_us = g_get_monotonic_time ();
  if (type != SOUP_WEBSOCKET_DATA_TEXT)
    return;
  msg = tandem_message_parse_bounded (data, size, &tandem_json_limits_server_message, &msg_type,
                                      &error);
  if (msg == NULL)
    {
      g_warning ("Client %s: %s", self->client_id, error->message);
      return;
    }
  g_object_ref (self);
  if (g_str_equal (msg_type, "batch"))
    {
      if (self->joined)
        _tandem_sync_client_handle_batch (self, msg);
    }
  else if (g_str_equal (msg_type, "welcome"))
    handle_welcome (self, msg);
  else if (g_str_equal (msg_type, "reject"))
    _tandem_sync_client_handle_reject (self, msg);
  else if (g_str_equal (msg_type, "presence"))
    _tandem_sync_client_update_participant (self, msg);
  else if (g_str_equal (msg_type, "leave"))
    {
      const char *client;

      if (tandem_message_get_string (msg, "client", &client))
        _tandem_sync_client_remove_participant (self, client);
    }
  else if (g_str_equal (msg_type, TANDEM_MSG_KNOCK))
    _tandem_sync_client_handle_knock (self, msg);
  else if (g_str_equal (msg_type, TANDEM_MSG_KNOCK_ENDED))
    _tandem_sync_client_handle_knock_ended (self, msg);
  else if (g_str_equal (msg_type, "pong"))
    _tandem_sync_client_handle_pong (self, msg);
  else if (g_str_equal (msg_type, "error"))
    handle_error (self, msg);
  else if (_tandem_sync_client_history_handle (self, msg, msg_type))
    ;
  else if (g_str_equal (msg_type, "sample"))
    {
      const char *id;

      if (tandem_message_get_string (msg, "id", &id) && tandem_sample_hash_is_valid (id))
        g_signal_emit (self, _tandem_sync_client_signals[SAMPLE_AVAILABLE], 0, id);
    }
  g_object_unref (self);
}

static void
drop_conn (TandemSyncClient *self)
{
  if (self->conn == NULL)
    return;
  g_signal_handlers_disconnect_by_data (self->conn, self);
  if (soup_websocket_connection_get_state (self->conn) == SOUP_WEBSOCKET_STATE_OPEN)
    g_io_stream_close (soup_websocket_connection_get_io_stream (self->conn), NULL, NULL);
  g_clear_object (&self->conn);
}

static gboolean
reconnect_cb (gpointer data)
{
  TandemSyncClient *self = data;

  g_clear_pointer (&self->reconnect_source, g_source_unref);
  start_connect (self);
  return G_SOURCE_REMOVE;
}

/* Gives up the current connection and, unless offline or told to stop,
 * tries again after an exponential backoff with jitter. */
void
_tandem_sync_client_connection_lost (TandemSyncClient *self)
{
  guint delay;

  drop_conn (self);
  _tandem_sync_client_clear_source (&self->connect_timeout_source);
  _tandem_sync_client_clear_source (&self->heartbeat_source);
  _tandem_sync_client_clear_source (&self->flush_source);
  _tandem_sync_client_clear_source (&self->clock_source);
  _tandem_sync_client_clear_source (&self->ack_source);
  self->joined = FALSE;
  if (self->state == TANDEM_SYNC_STATE_OFFLINE)
    return;
  if (self->fatal)
    {
      _tandem_sync_client_clear_participants (self);
      _tandem_sync_client_set_state (self, TANDEM_SYNC_STATE_OFFLINE);
      return;
    }
  _tandem_sync_client_set_state (self, TANDEM_SYNC_STATE_RECONNECTING);
  /* Another node of a cluster may serve the session: try it next (it
   * resumes from last_seq like the same node would). */
  if (self->invite && tandem_invite_rotate_address (self->invite))
    g_debug ("Client %s: trying %s:%u next", self->client_id, self->invite->host, self->invite->port);
  delay = self->backoff_min_ms << MIN (self->attempt, 16u);
  delay = MIN (delay, self->backoff_max_ms);
  delay = delay / 2 + g_random_int_range (0, delay / 2 + 1);
  /* Attempts start at most a backoff apart, however long the failed one
   * took: once the network is back, we are back within the backoff cap. */
  if (self->attempt_start_us != 0)
    {
      gint64 spent_ms = (g_get_monotonic_time () - self->attempt_start_us) / 1000;

      delay = (guint) MAX ((gint64) delay - spent_ms, 0);
      self->attempt_start_us = 0;
    }
  self->attempt++;
  _tandem_sync_client_clear_source (&self->reconnect_source);
  self->reconnect_source = _tandem_sync_client_add_timeout (self, delay, reconnect_cb);
}

static void
on_closed (SoupWebsocketConnection *conn,
           TandemSyncClient        *self)
{
  gushort code = soup_websocket_connection_get_close_code (conn);

  g_debug ("Client %s: connection closed (%u, %s)", self->client_id, code,
           tandem_close_code_describe (code));
  if (code == TANDEM_CLOSE_UNAUTHORIZED || code == TANDEM_CLOSE_NO_SUCH_SESSION
      || code == TANDEM_CLOSE_UNSUPPORTED_VERSION || code == TANDEM_CLOSE_REPLACED
      || code == TANDEM_CLOSE_WRONG_SECRET)
    self->fatal = TRUE;
  _tandem_sync_client_connection_lost (self);
}

static gboolean
heartbeat_cb (gpointer data)
{
  TandemSyncClient *self = data;
  gint64 now = g_get_monotonic_time ();

  if (now - self->last_recv_us > (gint64) self->heartbeat_timeout_ms * 1000)
    {
      g_debug ("Client %s: heartbeat timeout", self->client_id);
      g_clear_pointer (&self->heartbeat_source, g_source_unref);
      _tandem_sync_client_connection_lost (self);
      return G_SOURCE_REMOVE;
    }
  _tandem_sync_client_send_ping (self);
  return G_SOURCE_CONTINUE;
}

static void
send_hello (TandemSyncClient *self)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *text = NULL;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "type");
  json_builder_add_string_value (b, "hello");
  json_builder_set_member_name (b, "version");
  json_builder_add_int_value (b, TANDEM_PROTOCOL_VERSION);
  json_builder_set_member_name (b, "session");
  json_builder_add_string_value (b, self->invite->session_id);
  json_builder_set_member_name (b, "token");
  json_builder_add_string_value (b, self->invite->token ? self->invite->token : "");
  json_builder_set_member_name (b, "client");
  json_builder_add_string_value (b, self->client_id);
  json_builder_set_member_name (b, "secret");
  json_builder_add_string_value (b, self->client_secret);
  json_builder_set_member_name (b, "name");
  json_builder_add_string_value (b, self->display_name ? self->display_name : "");
  json_builder_set_member_name (b, "color");
  json_builder_add_string_value (b, self->color ? self->color : "");
  if (self->has_base && !self->want_snapshot)
    {
      json_builder_set_member_name (b, "last_seq");
      json_builder_add_int_value (b, (gint64) self->seq);
    }
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  text = json_to_string (root, FALSE);
  _tandem_sync_client_send_text (self, text);
}

/* TLS: a certificate refused (wrong pin, expired, untrusted), a plain host
 * behind a wss:// link or a TLS host behind a plain one. Trying again would
 * meet the same certificate and, for a pin, hand a token to whoever holds
 * it: these end the connection for good, with an error that says why. */
static gboolean
tls_refusal (TandemSyncClient *self,
             SoupMessage      *msg,
             GError           *error)
{
  const char *code = tandem_tls_verdict_code (self->tls_verdict);
  const char *message = tandem_tls_verdict_message (self->tls_verdict);

  if (code == NULL && !tandem_tls_check_error (error, msg ? soup_message_get_status (msg) : 0,
                                               &code, &message))
    return FALSE;
  g_debug ("Client %s: %s: %s", self->client_id, code, error ? error->message : message);
  self->fatal = TRUE;
  g_signal_emit (self, _tandem_sync_client_signals[ERROR], 0, code, message);
  return TRUE;
}

static void
connect_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  TandemSyncClient *self = user_data;
  g_autoptr(GError) error = NULL;
  SoupWebsocketConnection *conn;
  gboolean current = G_IS_TASK (result)
                     && g_task_get_cancellable (G_TASK (result)) == self->cancellable;

  g_autoptr(SoupMessage) msg = current ? g_steal_pointer (&self->connect_msg) : NULL;

  conn = soup_session_websocket_connect_finish (SOUP_SESSION (source), result, &error);
  if (current)
    _tandem_sync_client_clear_source (&self->connect_timeout_source);
  if (conn == NULL)
    {
      if (current && tls_refusal (self, msg, error))
        _tandem_sync_client_connection_lost (self);
      else if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED)
               || (current && self->connect_timed_out))
        {
          g_debug ("Client %s: cannot connect: %s (%s %d)", self->client_id, error->message,
                   g_quark_to_string (error->domain), error->code);
          _tandem_sync_client_connection_lost (self);
        }
      g_object_unref (self);
      return;
    }
  /* A certificate an authority vouched for never reached the pin check. */
  if (msg != NULL && !tandem_tls_check_peer (msg, self->invite))
    {
      self->tls_verdict = TANDEM_TLS_MISMATCH;
      tls_refusal (self, msg, NULL);
      soup_websocket_connection_close (conn, TANDEM_CLOSE_NORMAL, NULL);
      g_object_unref (conn);
      _tandem_sync_client_connection_lost (self);
      g_object_unref (self);
      return;
    }
  if (self->state == TANDEM_SYNC_STATE_OFFLINE)
    {
      soup_websocket_connection_close (conn, TANDEM_CLOSE_NORMAL, NULL);
      g_object_unref (conn);
      g_object_unref (self);
      return;
    }
  self->conn = conn;
  self->attempt_start_us = 0;
  soup_websocket_connection_set_max_incoming_payload_size (conn, MAX_INCOMING_BYTES);
  soup_websocket_connection_set_keepalive_interval (conn, 0);
  g_signal_connect (conn, "message", G_CALLBACK (on_message), self);
  g_signal_connect (conn, "closed", G_CALLBACK (on_closed), self);
  self->last_recv_us = g_get_monotonic_time ();
  _tandem_sync_client_clear_source (&self->heartbeat_source);
  self->heartbeat_source = _tandem_sync_client_add_timeout (self, self->heartbeat_ms,
                                                            heartbeat_cb);
  send_hello (self);
  g_object_unref (self);
}

/* The kernel retries an unanswered SYN after 1, 3, 7, 15, 31 … s, and
 * libsoup waits a minute: an attempt made while the network was down would
 * hang on long after it is back. Ours give up after connect_timeout_ms. */
static gboolean
connect_timeout_cb (gpointer data)
{
  TandemSyncClient *self = data;

  g_clear_pointer (&self->connect_timeout_source, g_source_unref);
  g_debug ("Client %s: connect attempt timed out", self->client_id);
  self->connect_timed_out = TRUE;
  g_cancellable_cancel (self->cancellable);
  return G_SOURCE_REMOVE;
}

/* Edits and acks are small messages that must leave at once: without
 * this, Nagle's algorithm holds each behind the ack of the one before. */
static void
network_event_cb (SoupMessage        *msg,
                  GSocketClientEvent  event,
                  GIOStream          *connection,
                  gpointer            data)
{
  GSocket *socket;

  if (event != G_SOCKET_CLIENT_CONNECTED || !G_IS_SOCKET_CONNECTION (connection))
    return;
  socket = g_socket_connection_get_socket (G_SOCKET_CONNECTION (connection));
  g_socket_set_option (socket, IPPROTO_TCP, TCP_NODELAY, 1, NULL);
}

/* An IP address gets a session of its own (tandem-soup-target.h), made
 * again when the link or the node tried next is another address. */
static void
use_session_for (TandemSyncClient   *self,
                 const TandemInvite *invite)
{
  g_autoptr(GSocketConnectable) target = NULL;

  if (tandem_soup_target_matches (self->soup, invite->host, invite->port))
    return;
  target = tandem_soup_target_new (invite->host, invite->port);
  g_clear_object (&self->soup);
  /* A session runs on the thread-default context of its creation. */
  g_main_context_push_thread_default (self->context);
  self->soup = soup_session_new_with_options ("remote-connectable", target, NULL);
  g_main_context_pop_thread_default (self->context);
}

static void
start_connect (TandemSyncClient *self)
{
  g_autofree char *endpoint = tandem_invite_get_endpoint (self->invite);
  g_autoptr(SoupMessage) msg = soup_message_new ("GET", endpoint);
  char *protocols[] = { (char *) TANDEM_PROTOCOL_SUBPROTOCOL, NULL };

  if (msg == NULL)
    {
      self->fatal = TRUE;
      _tandem_sync_client_connection_lost (self);
      return;
    }
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  self->connect_timed_out = FALSE;
  use_session_for (self, self->invite);
  tandem_tls_check_prepare (self->soup, msg, self->invite, &self->tls_verdict);
  g_signal_connect (msg, "network-event", G_CALLBACK (network_event_cb), NULL);
  g_set_object (&self->connect_msg, msg);
  self->attempt_start_us = g_get_monotonic_time ();
  _tandem_sync_client_clear_source (&self->connect_timeout_source);
  self->connect_timeout_source = _tandem_sync_client_add_timeout (self, self->connect_timeout_ms,
                                                                  connect_timeout_cb);
  soup_session_websocket_connect_async (self->soup, msg, NULL, protocols, G_PRIORITY_DEFAULT,
                                        self->cancellable, connect_cb, g_object_ref (self));
}

gboolean
tandem_sync_client_connect (TandemSyncClient  *self,
                            const char        *invite,
                            GError           **error)
{
  g_autoptr(TandemInvite) parsed = NULL;

  g_return_val_if_fail (TANDEM_IS_SYNC_CLIENT (self), FALSE);
  parsed = tandem_invite_parse (invite, error);
  if (parsed == NULL)
    return FALSE;
  if (self->invite && g_strcmp0 (self->invite->session_id, parsed->session_id) != 0)
    {
      self->has_base = FALSE;
      self->seq = 0;
    }
  tandem_sync_client_disconnect (self);
  g_clear_pointer (&self->invite, tandem_invite_free);
  self->invite = g_steal_pointer (&parsed);
  self->fatal = FALSE;
  self->attempt = 0;
  _tandem_sync_client_set_state (self, TANDEM_SYNC_STATE_CONNECTING);
  start_connect (self);
  return TRUE;
}

void
tandem_sync_client_disconnect (TandemSyncClient *self)
{
  g_return_if_fail (TANDEM_IS_SYNC_CLIENT (self));
  if (self->conn && self->joined)
    _tandem_sync_client_send_text (self, "{\"type\":\"leave\"}");
  _tandem_sync_client_set_state (self, TANDEM_SYNC_STATE_OFFLINE);
  g_cancellable_cancel (self->cancellable);
  _tandem_sync_client_clear_source (&self->reconnect_source);
  if (self->conn)
    {
      g_signal_handlers_disconnect_by_data (self->conn, self);
      if (soup_websocket_connection_get_state (self->conn) == SOUP_WEBSOCKET_STATE_OPEN)
        soup_websocket_connection_close (self->conn, TANDEM_CLOSE_NORMAL, "leave");
      g_clear_object (&self->conn);
    }
  _tandem_sync_client_connection_lost (self);
  _tandem_sync_client_clear_participants (self);
}

void
tandem_sync_client_drop_connection_for_tests (TandemSyncClient *self)
{
  if (self->conn == NULL)
    return;
  _tandem_sync_client_connection_lost (self);
}

void
tandem_sync_client_set_heartbeat (TandemSyncClient *self,
                                  guint             interval_ms,
                                  guint             timeout_ms)
{
  self->heartbeat_ms = MAX (interval_ms, 1);
  self->heartbeat_timeout_ms = MAX (timeout_ms, interval_ms);
}

void
tandem_sync_client_set_backoff (TandemSyncClient *self,
                                guint             min_ms,
                                guint             max_ms)
{
  self->backoff_min_ms = MAX (min_ms, 1);
  self->backoff_max_ms = MAX (max_ms, self->backoff_min_ms);
}

void
tandem_sync_client_set_connect_timeout (TandemSyncClient *self,
                                        guint             ms)
{
  g_return_if_fail (TANDEM_IS_SYNC_CLIENT (self));
  self->connect_timeout_ms = MAX (ms, 1);
}
