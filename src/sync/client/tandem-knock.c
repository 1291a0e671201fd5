/* tandem-knock.c — asking a session's owner to let one in (docs/protocol.md "Knocking")
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "tandem-knock.h"

#include <libsoup/soup.h>
#include <string.h>

#include "tandem-invite.h"
#include "tandem-soup-target.h"
#include "tandem-tls-check.h"

/* An answer is a few short strings: anything bigger is not one. */
#define MAX_ANSWER_BYTES 4096

typedef struct
{
  TandemInvite            *invite;
  SoupSession             *soup;
  SoupMessage             *msg;
  SoupWebsocketConnection *conn;
  TandemTlsVerdict         verdict;
  char                    *knock_text;
  char                    *token;
  TandemRole               role;
  gboolean                 answered;
  GCancellable            *cancellable;
  gulong                   cancelled_id;
} KnockData;

static void
knock_data_free (KnockData *d)
{
  if (d->cancelled_id != 0)
    g_cancellable_disconnect (d->cancellable, d->cancelled_id);
  g_clear_object (&d->cancellable);
  if (d->conn)
    {
      g_signal_handlers_disconnect_matched (d->conn, G_SIGNAL_MATCH_DATA, 0, 0, NULL, NULL, NULL);
      if (soup_websocket_connection_get_state (d->conn) == SOUP_WEBSOCKET_STATE_OPEN)
        soup_websocket_connection_close (d->conn, TANDEM_CLOSE_NORMAL, NULL);
      g_object_unref (d->conn);
    }
  g_clear_object (&d->msg);
  g_clear_object (&d->soup);
  g_clear_pointer (&d->invite, tandem_invite_free);
  g_free (d->knock_text);
  g_free (d->token);
  g_free (d);
}

static void
on_message (SoupWebsocketConnection *conn,
            gint                     type,
            GBytes                  *message,
            GTask                   *task)
{
  KnockData *d = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) obj = NULL;
  const char *msg_type = NULL, *code = NULL, *text = NULL, *role = NULL, *token = NULL;
  gsize size;
  const char *data = g_bytes_get_data (message, &size);

  if (d->answered)
    return;
  obj = tandem_message_parse (data, size, &msg_type, &error);
  if (obj == NULL)
    return;
  if (strcmp (msg_type, TANDEM_MSG_ADMITTED) == 0)
    {
      if (!tandem_message_get_string (obj, "role", &role) || !tandem_role_from_string (role, &d->role)
          || !tandem_message_get_string (obj, "token", &token) || strlen (token) > 256)
        return;
      d->answered = TRUE;
      d->token = g_strdup (token);
      g_task_return_boolean (task, TRUE);
    }
  else if (strcmp (msg_type, "error") == 0)
    {
      tandem_message_get_string (obj, "code", &code);
      tandem_message_get_string (obj, "message", &text);
      d->answered = TRUE;
      g_task_return_new_error (task, TANDEM_SYNC_ERROR, TANDEM_SYNC_ERROR_REMOTE, "%s: %s",
                               code ? code : "error", text ? text : "The host refused");
    }
}

static void
on_closed (SoupWebsocketConnection *conn,
           GTask                   *task)
{
  KnockData *d = g_task_get_task_data (task);

  if (d->answered)
    return;
  d->answered = TRUE;
  g_task_return_new_error (task, TANDEM_SYNC_ERROR, TANDEM_SYNC_ERROR_FAILED,
                           "The host closed the connection before answering");
}

/* Giving up closes the connection, which takes the knock off the owner's
 * screen. From an idle: the cancelled handler must not free what it is
 * connected with. */
static gboolean
give_up_cb (gpointer data)
{
  GTask *task = data;
  KnockData *d = g_task_get_task_data (task);

  if (!d->answered)
    {
      d->answered = TRUE;
      g_task_return_error_if_cancelled (task);
      if (soup_websocket_connection_get_state (d->conn) == SOUP_WEBSOCKET_STATE_OPEN)
        soup_websocket_connection_close (d->conn, TANDEM_CLOSE_NORMAL, NULL);
    }
  return G_SOURCE_REMOVE;
}

static void
on_cancelled (GCancellable *cancellable,
              GTask        *task)
{
  g_idle_add_full (G_PRIORITY_DEFAULT, give_up_cb, g_object_ref (task), g_object_unref);
}

static void
connect_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  KnockData *d = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  const char *code = NULL, *text = NULL;

  d->conn = soup_session_websocket_connect_finish (SOUP_SESSION (source), result, &error);
  if (d->conn == NULL)
    {
      if (d->verdict != TANDEM_TLS_OK)
        g_task_return_new_error (task, TANDEM_SYNC_ERROR, TANDEM_SYNC_ERROR_REMOTE, "%s: %s",
                                 tandem_tls_verdict_code (d->verdict),
                                 tandem_tls_verdict_message (d->verdict));
      else if (tandem_tls_check_error (error, soup_message_get_status (d->msg), &code, &text))
        g_task_return_new_error (task, TANDEM_SYNC_ERROR, TANDEM_SYNC_ERROR_REMOTE, "%s: %s",
                                 code, text);
      else
        g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (!tandem_tls_check_peer (d->msg, d->invite))
    {
      g_task_return_new_error (task, TANDEM_SYNC_ERROR, TANDEM_SYNC_ERROR_REMOTE, "%s: %s",
                               tandem_tls_verdict_code (TANDEM_TLS_MISMATCH),
                               tandem_tls_verdict_message (TANDEM_TLS_MISMATCH));
      return;
    }
  soup_websocket_connection_set_max_incoming_payload_size (d->conn, MAX_ANSWER_BYTES);
  soup_websocket_connection_set_keepalive_interval (d->conn, 0);
  g_signal_connect_object (d->conn, "message", G_CALLBACK (on_message), task, 0);
  g_signal_connect_object (d->conn, "closed", G_CALLBACK (on_closed), task, 0);
  soup_websocket_connection_send_text (d->conn, d->knock_text);
  /* The handlers hold the task until an answer or the close comes. */
  g_object_ref (task);
  g_signal_connect_swapped (d->conn, "closed", G_CALLBACK (g_object_unref), task);
  if (d->cancellable != NULL)
    d->cancelled_id = g_cancellable_connect (d->cancellable, G_CALLBACK (on_cancelled), task,
                                             NULL);
}

void
tandem_knock_async (const char          *link,
                    const char          *client_id,
                    const char          *name,
                    GCancellable        *cancellable,
                    GAsyncReadyCallback  callback,
                    gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *endpoint = NULL;
  char *protocols[] = { (char *) TANDEM_PROTOCOL_SUBPROTOCOL, NULL };
  KnockData *d = g_new0 (KnockData, 1);

  g_task_set_source_tag (task, tandem_knock_async);
  g_task_set_task_data (task, d, (GDestroyNotify) knock_data_free);
  d->cancellable = cancellable ? g_object_ref (cancellable) : NULL;
  d->invite = tandem_invite_parse (link, &error);
  if (d->invite == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (name == NULL || !g_utf8_validate (name, -1, NULL) || *name == '\0'
      || g_utf8_strlen (name, -1) > TANDEM_KNOCK_MAX_NAME_CHARS)
    {
      g_task_return_new_error (task, TANDEM_SYNC_ERROR, TANDEM_SYNC_ERROR_LIMIT,
                               "A name has 1 to %d characters", TANDEM_KNOCK_MAX_NAME_CHARS);
      return;
    }
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "type");
  json_builder_add_string_value (b, TANDEM_MSG_KNOCK);
  json_builder_set_member_name (b, "session");
  json_builder_add_string_value (b, d->invite->session_id);
  json_builder_set_member_name (b, "client");
  json_builder_add_string_value (b, client_id);
  json_builder_set_member_name (b, "name");
  json_builder_add_string_value (b, name);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  d->knock_text = tandem_message_to_string (json_node_get_object (root));

  endpoint = tandem_invite_get_endpoint (d->invite);
  {
    /* An IP address is no TLS server name (tandem-soup-target.h). */
    g_autoptr(GSocketConnectable) target = tandem_soup_target_new (d->invite->host,
                                                                   d->invite->port);

    d->soup = soup_session_new_with_options ("remote-connectable", target, NULL);
  }
  d->msg = soup_message_new ("GET", endpoint);
  if (d->msg == NULL)
    {
      g_task_return_new_error (task, TANDEM_SYNC_ERROR, TANDEM_SYNC_ERROR_INVITE,
                               "The link does not name a reachable host");
      return;
    }
  tandem_tls_check_prepare (d->soup, d->msg, d->invite, &d->verdict);
  soup_session_websocket_connect_async (d->soup, d->msg, NULL, protocols, G_PRIORITY_DEFAULT,
                                        cancellable, connect_cb, g_object_ref (task));
}

char *
tandem_knock_finish (GAsyncResult  *result,
                     TandemRole    *role,
                     GError       **error)
{
  KnockData *d;

  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  if (!g_task_propagate_boolean (G_TASK (result), error))
    return NULL;
  d = g_task_get_task_data (G_TASK (result));
  if (role)
    *role = d->role;
  return g_strdup (d->token);
}
