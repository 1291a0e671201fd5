/* tandem-server-presence.c — who is in a session and how they look: presence,
 * colours and roles, as the server keeps and hands them out
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-sync"

#include "config.h"

#include "tandem-presence.h"
#include "tandem-session-server-private.h"

char *
_tandem_peer_leave_message (TandemPeer *peer)
{
  g_autoptr(JsonBuilder) b = json_builder_new_immutable ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "type");
  json_builder_add_string_value (b, "leave");
  json_builder_set_member_name (b, "client");
  json_builder_add_string_value (b, peer->client_id);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  return json_to_string (root, FALSE);
}

/* What others see of @peer: the members of its presence and of its entry
 * in a welcome's participants. */
void
_tandem_peer_add_presence_members (JsonBuilder *b,
                                   TandemPeer  *peer)
{
  json_builder_set_member_name (b, "client");
  json_builder_add_string_value (b, peer->client_id);
  json_builder_set_member_name (b, "name");
  json_builder_add_string_value (b, peer->name ? peer->name : "");
  json_builder_set_member_name (b, "color");
  json_builder_add_string_value (b, peer->color ? peer->color : "");
  json_builder_set_member_name (b, "role");
  json_builder_add_string_value (b, tandem_role_to_string (peer->role));
  if (peer->cursor)
    {
      json_builder_set_member_name (b, "cursor");
      json_builder_add_value (b, json_node_copy (peer->cursor));
    }
  if (peer->view)
    {
      json_builder_set_member_name (b, "view");
      json_builder_add_value (b, json_node_copy (peer->view));
    }
  if (peer->rtt_us >= 0)
    {
      json_builder_set_member_name (b, "rtt");
      json_builder_add_int_value (b, peer->rtt_us);
    }
}

char *
_tandem_peer_presence_message (TandemPeer *peer)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "type");
  json_builder_add_string_value (b, "presence");
  _tandem_peer_add_presence_members (b, peer);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  return json_to_string (root, FALSE);
}

void
_tandem_peer_announce (TandemPeer *peer)
{
  g_autofree char *text = NULL;

  peer->presence_dirty = FALSE;
  peer->last_presence_us = g_get_monotonic_time ();
  if (peer->session == NULL)
    return;
  text = _tandem_peer_presence_message (peer);
  _tandem_session_broadcast (peer->session, peer, text);
  _tandem_session_relay_presence (peer->session, peer->client_id, text);
}

static gboolean
presence_timeout_cb (gpointer data)
{
  TandemPeer *peer = data;

  g_clear_pointer (&peer->presence_source, g_source_unref);
  if (peer->presence_dirty)
    _tandem_peer_announce (peer);
  return G_SOURCE_REMOVE;
}

static void
presence_error (TandemPeer *peer,
                GError     *error)
{
  _tandem_peer_send (peer, tandem_message_error (TANDEM_CODE_INVALID_PRESENCE, error->message));
}

/* The server is the one place that sees everyone, so it hands out the
 * colours: @wanted if nobody else in the session has it, else the first
 * free colour of the palette. */
char *
_tandem_peer_pick_color (TandemSession *session,
                         TandemPeer    *peer,
                         const char    *wanted)
{
  g_autoptr(GPtrArray) taken = g_ptr_array_new ();

  for (guint i = 0; session != NULL && i < session->peers->len; i++)
    {
      TandemPeer *other = session->peers->pdata[i];

      /* A connection this one replaces gives its colour back. */
      if (other != peer && other->color != NULL
          && g_strcmp0 (other->client_id, peer->client_id) != 0)
        g_ptr_array_add (taken, other->color);
    }
  if (session != NULL)
    _tandem_session_remote_colors (session, taken);
  g_ptr_array_add (taken, NULL);
  return g_strdup (tandem_presence_pick_color (wanted, (const char * const *) taken->pdata));
}

/* Tells @peer what the others see of it (its colour, its role). */
void
_tandem_peer_send_own_presence (TandemPeer *peer)
{
  _tandem_peer_send (peer, _tandem_peer_presence_message (peer));
}

void
_tandem_peer_give_another_color (TandemPeer *peer)
{
  /* Its own colour counts as free: @peer is the one giving it up. */
  g_clear_pointer (&peer->color, g_free);
  peer->color = _tandem_peer_pick_color (peer->session, peer, "");
  _tandem_peer_send_own_presence (peer);
  _tandem_peer_announce (peer);
}

void
_tandem_peer_handle_presence (TandemPeer *peer,
                              JsonObject *msg)
{
  const TandemServerLimits *limits = &peer->server->limits;
  const char *name = NULL, *color = NULL;
  g_autofree char *clean_name = NULL, *clean_color = NULL;
  g_autoptr(GError) error = NULL;
  JsonNode *cursor = json_object_get_member (msg, "cursor");
  JsonNode *view = json_object_get_member (msg, "view");
  gint64 now = g_get_monotonic_time ();
  gint64 wait_us, rtt = -1;

  /* All or nothing, like a batch: an invalid presence changes nothing and
   * reaches nobody. Wrong types make a bad message; values that cannot be
   * shown, an invalid presence. */
  if ((json_object_has_member (msg, "name") && !tandem_message_get_string (msg, "name", &name))
      || (json_object_has_member (msg, "color") && !tandem_message_get_string (msg, "color", &color))
      || (json_object_has_member (msg, "rtt")
          && (!tandem_message_get_int (msg, "rtt", &rtt) || rtt < 0 || rtt > 60 * G_USEC_PER_SEC)))
    {
      _tandem_peer_send (peer, tandem_message_error (TANDEM_CODE_BAD_MESSAGE,
                                                     "Presence may carry a name and a colour "
                                                     "(strings), a cursor and a round trip of "
                                                     "0 … 60 s (µs)"));
      return;
    }
  if ((name && (clean_name = tandem_presence_clean_name (name, &error)) == NULL)
      || (color && (clean_color = tandem_presence_clean_color (color, &error)) == NULL)
      || !tandem_presence_check_cursor (cursor, &error)
      || !tandem_presence_check_view (view, &error))
    {
      presence_error (peer, error);
      return;
    }
  if (view)
    {
      g_clear_pointer (&peer->view, json_node_unref);
      if (!JSON_NODE_HOLDS_NULL (view))
        peer->view = json_node_copy (view);
    }
  if (cursor)
    {
      g_clear_pointer (&peer->cursor, json_node_unref);
      if (!JSON_NODE_HOLDS_NULL (cursor))
        peer->cursor = json_node_copy (cursor);
    }
  if (rtt >= 0)
    peer->rtt_us = rtt;
  if (clean_name)
    { g_free (peer->name); peer->name = g_steal_pointer (&clean_name); }
  if (clean_color)
    {
      g_free (peer->color);
      peer->color = _tandem_peer_pick_color (peer->session, peer, clean_color);
      /* Every wish is answered with the colour given, in order, so the
       * client's last answer is the one that holds. */
      _tandem_peer_send_own_presence (peer);
    }

  /* Throttled, trailing edge: the latest state always goes out. */
  peer->presence_dirty = TRUE;
  wait_us = peer->last_presence_us + (gint64) limits->presence_interval_ms * 1000 - now;
  if (wait_us <= 0)
    _tandem_peer_announce (peer);
  else if (peer->presence_source == NULL)
    peer->presence_source = _tandem_server_add_timeout (peer->server, wait_us / 1000 + 1,
                                                        presence_timeout_cb, peer);
}

/* The owner gives someone another role, kept for their client id while
 * the server runs (so it holds across reconnects, not across a restart of
 * the server: the link they hold decides it then). An editor made a
 * listener gets every later submit refused as "forbidden". */
void
_tandem_peer_handle_set_role (TandemPeer *peer,
                              JsonObject *msg)
{
  const char *client = NULL, *role_name = NULL;
  TandemPeer *target;
  TandemRole role, current;

  if (!tandem_message_get_string (msg, "client", &client)
      || !tandem_message_get_string (msg, "role", &role_name)
      || !tandem_role_from_string (role_name, &role) || role == TANDEM_ROLE_OWNER)
    {
      _tandem_peer_send (peer, tandem_message_error (TANDEM_CODE_BAD_MESSAGE,
                                                     "set-role needs a client id and a role "
                                                     "(editor or viewer)"));
      return;
    }
  if (peer->role != TANDEM_ROLE_OWNER)
    {
      _tandem_peer_send (peer, tandem_message_error (TANDEM_CODE_FORBIDDEN,
                                                     "Only the session's owner changes roles"));
      return;
    }
  target = _tandem_session_find_peer (peer->session, client);
  /* Someone on another node of a cluster: their node makes the change. */
  if (target == NULL && _tandem_session_remote_role (peer->session, client, &current)
      && current != TANDEM_ROLE_OWNER)
    {
      if (current != role)
        {
          _tandem_session_relay_role (peer->session, client, role);
          _tandem_session_set_role (peer->session, client, role);
        }
      return;
    }
  if (target == NULL || target->role == TANDEM_ROLE_OWNER)
    {
      _tandem_peer_send (peer, tandem_message_error (TANDEM_CODE_NOT_IN_SESSION,
                                                     "No editor or listener with that client "
                                                     "id is connected"));
      return;
    }
  if (target->role == role)
    return;
  _tandem_session_relay_role (peer->session, client, role);
  _tandem_session_set_role (peer->session, client, role);
}

void
_tandem_session_set_role (TandemSession *session,
                          const char    *client,
                          TandemRole     role)
{
  TandemPeer *target = _tandem_session_find_peer (session, client);
  TandemClientRecord *record;
  g_autofree char *text = NULL;

  if (target != NULL && target->role == TANDEM_ROLE_OWNER)
    return;
  if (target != NULL && role != TANDEM_ROLE_VIEWER)
    {
      guint8 unused[32] = { 0 };

      /* It may own durable state from now on: journal its id's binding. */
      _tandem_session_claim_client (session, client, unused, TRUE);
    }
  /* Kept for the id, so that it holds when they come back (here or, in a
   * cluster, after moving to this node). */
  record = _tandem_session_get_client (session, client);
  record->role_set = TRUE;
  record->role = role;
  if (target == NULL || target->role == role)
    return;
  target->role = role;
  g_message ("Session %s: %s is now %s", session->id, client, tandem_role_to_string (role));
  /* Everyone, the target included, hears it at once. */
  text = _tandem_peer_presence_message (target);
  _tandem_session_broadcast (session, NULL, text);
  _tandem_session_relay_presence (session, target->client_id, text);
}

