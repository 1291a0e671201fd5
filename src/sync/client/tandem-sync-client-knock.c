/* tandem-sync-client-knock.c — the owner's side of knocking: hearing who
 * asks to come in, and letting them in or not (docs/protocol.md "Knocking")
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "tandem-sync-client-private.h"

void
_tandem_sync_client_handle_knock (TandemSyncClient *self,
                                  JsonObject       *msg)
{
  const char *id = NULL, *name = NULL;

  /* The server sends knocks to owners only; the check keeps a confused
   * server from making a viewer's window ask. */
  if (!self->joined || g_strcmp0 (self->role, "owner") != 0
      || !tandem_message_get_string (msg, "knock", &id)
      || !tandem_message_get_string (msg, "name", &name)
      || g_utf8_strlen (name, -1) > TANDEM_KNOCK_MAX_NAME_CHARS)
    return;
  g_signal_emit (self, _tandem_sync_client_signals[KNOCK_RECEIVED], 0, id, name);
}

void
_tandem_sync_client_handle_knock_ended (TandemSyncClient *self,
                                        JsonObject       *msg)
{
  const char *id = NULL;

  if (!self->joined || g_strcmp0 (self->role, "owner") != 0
      || !tandem_message_get_string (msg, "knock", &id))
    return;
  g_signal_emit (self, _tandem_sync_client_signals[KNOCK_ENDED], 0, id);
}

void
tandem_sync_client_answer_knock (TandemSyncClient *self,
                                 const char       *knock_id,
                                 const char       *role,
                                 const char       *token)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *text = NULL;

  g_return_if_fail (TANDEM_IS_SYNC_CLIENT (self));
  g_return_if_fail (knock_id != NULL);
  g_return_if_fail (role == NULL || token != NULL);

  if (!self->joined)
    return;
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "type");
  json_builder_add_string_value (b, role ? TANDEM_MSG_ADMIT : TANDEM_MSG_DENY);
  json_builder_set_member_name (b, "knock");
  json_builder_add_string_value (b, knock_id);
  if (role)
    {
      json_builder_set_member_name (b, "role");
      json_builder_add_string_value (b, role);
      json_builder_set_member_name (b, "token");
      json_builder_add_string_value (b, token);
    }
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  text = json_to_string (root, FALSE);
  _tandem_sync_client_send_text (self, text);
}
