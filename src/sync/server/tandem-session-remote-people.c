/* tandem-session-remote-people.c — the people of a session who are on other nodes
 *
 * With a cluster, the participants of one session may be spread over
 * several nodes. Each node relays the presence of its own people (through
 * server->relay_presence: tandem-cluster-presence.c) and hears the others'
 * through tandem_session_server_remote_presence(): the last presence of each
 * remote person is kept here, forwarded to this node's people as it comes,
 * listed in welcomes, and counted when colours are handed out. Presence is
 * never journaled, on any node.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-sync"

#include "config.h"

#include <string.h>

#include "tandem-session-server-private.h"

struct _TandemRemotePerson
{
  char       *text;    /* the presence message as relayed */
  JsonObject *fields;  /* its members but "type", for welcomes */
  char       *color;
};

static void
remote_person_free (gpointer data)
{
  TandemRemotePerson *person = data;

  g_free (person->text);
  json_object_unref (person->fields);
  g_free (person->color);
  g_free (person);
}

void
_tandem_session_relay_presence (TandemSession *session,
                                const char    *client_id,
                                const char    *text)
{
  TandemSessionServer *server = session->server;

  if (server->relay_presence != NULL && client_id != NULL)
    server->relay_presence (session, client_id, text, server->relay_presence_data);
}

void
_tandem_session_relay_role (TandemSession *session,
                            const char    *client_id,
                            TandemRole     role)
{
  TandemSessionServer *server = session->server;

  if (server->relay_role != NULL)
    server->relay_role (session, client_id, role, server->relay_presence_data);
}

gboolean
_tandem_session_remote_role (TandemSession *session,
                             const char    *client_id,
                             TandemRole    *role)
{
  TandemRemotePerson *person = session->remote_people
                               ? g_hash_table_lookup (session->remote_people, client_id) : NULL;
  const char *name = NULL;

  return person != NULL && tandem_message_get_string (person->fields, "role", &name)
         && tandem_role_from_string (name, role);
}

/**
 * tandem_session_server_remote_role:
 *
 * The owner of @session_id, on another node, made @client_id @role: if
 * they are on this node, it applies here.
 */
void
tandem_session_server_remote_role (TandemSessionServer *self,
                                   const char          *session_id,
                                   const char          *client_id,
                                   TandemRole           role)
{
  TandemSession *session;

  g_return_if_fail (TANDEM_IS_SESSION_SERVER (self));

  session = g_hash_table_lookup (self->sessions, session_id);
  if (session != NULL && client_id != NULL && role != TANDEM_ROLE_OWNER)
    _tandem_session_set_role (session, client_id, role);
}

void
_tandem_session_add_remote_participants (TandemSession *session,
                                         JsonBuilder   *b)
{
  GHashTableIter iter;
  gpointer value;

  if (session->remote_people == NULL)
    return;
  g_hash_table_iter_init (&iter, session->remote_people);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      TandemRemotePerson *person = value;
      JsonNode *node = json_node_new (JSON_NODE_OBJECT);

      json_node_set_object (node, person->fields);
      json_builder_add_value (b, node);
    }
}

void
_tandem_session_remote_colors (TandemSession *session,
                               GPtrArray     *taken)
{
  GHashTableIter iter;
  gpointer value;

  if (session->remote_people == NULL)
    return;
  g_hash_table_iter_init (&iter, session->remote_people);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    if (((TandemRemotePerson *) value)->color != NULL)
      g_ptr_array_add (taken, ((TandemRemotePerson *) value)->color);
}

static void
broadcast_leave (TandemSession *session,
                 const char    *client_id)
{
  g_autoptr(JsonBuilder) b = json_builder_new_immutable ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *text = NULL;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "type");
  json_builder_add_string_value (b, "leave");
  json_builder_set_member_name (b, "client");
  json_builder_add_string_value (b, client_id);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  text = json_to_string (root, FALSE);
  _tandem_session_broadcast (session, NULL, text);
}

void
_tandem_session_forget_remote (TandemSession *session,
                               const char    *client_id)
{
  /* No leave for them: they are still in the session, here. */
  if (session->remote_people != NULL)
    g_hash_table_remove (session->remote_people, client_id);
}

void
_tandem_session_remote_people_free (TandemSession *session)
{
  g_clear_pointer (&session->remote_people, g_hash_table_unref);
}

/* A relayed presence is another node's, not a client's: it was checked
 * there. Only its shape is checked here, so that a stray message on the
 * channel cannot break welcomes. */
static JsonObject *
parse_presence (const char *text,
                const char *client_id)
{
  g_autoptr(JsonNode) root = tandem_json_parse_bounded (text, strlen (text),
                                                        &tandem_json_limits_message, NULL);
  JsonObject *obj, *fields;
  JsonObjectIter iter;
  const char *member, *type = NULL, *client = NULL;
  JsonNode *value;

  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return NULL;
  obj = json_node_get_object (root);
  /* Typed reads: json-glib's own getters complain of a member of another type. */
  if (!tandem_message_get_string (obj, "type", &type) || g_strcmp0 (type, "presence") != 0
      || !tandem_message_get_string (obj, "client", &client) || g_strcmp0 (client, client_id) != 0)
    return NULL;
  fields = json_object_new ();
  json_object_iter_init (&iter, obj);
  while (json_object_iter_next (&iter, &member, &value))
    if (strcmp (member, "type") != 0)
      json_object_set_member (fields, member, json_node_copy (value));
  return fields;
}

/**
 * tandem_session_server_remote_presence:
 * @text: (nullable): the presence message another node relayed, or NULL
 *   when @client_id left there (or that node went silent)
 *
 * What the cluster hears of the people of @session_id on other nodes.
 * Ignored for a session this node does not hold and for a person who is
 * on this node now (a message from the node they left, late).
 */
void
tandem_session_server_remote_presence (TandemSessionServer *self,
                                       const char          *session_id,
                                       const char          *client_id,
                                       const char          *text)
{
  TandemSession *session;
  TandemRemotePerson *person, *known;
  JsonObject *fields;
  const char *color = NULL;

  g_return_if_fail (TANDEM_IS_SESSION_SERVER (self));

  session = g_hash_table_lookup (self->sessions, session_id);
  if (session == NULL || client_id == NULL || _tandem_session_find_peer (session, client_id) != NULL)
    return;
  known = session->remote_people ? g_hash_table_lookup (session->remote_people, client_id) : NULL;
  if (text == NULL)
    {
      if (known != NULL)
        {
          g_hash_table_remove (session->remote_people, client_id);
          broadcast_leave (session, client_id);
        }
      return;
    }
  /* The same state again (a heartbeat) reaches nobody. */
  if (known != NULL && strcmp (known->text, text) == 0)
    return;
  if ((fields = parse_presence (text, client_id)) == NULL)
    {
      g_debug ("Session %s: a relayed presence of %s is not one", session_id, client_id);
      return;
    }
  if (session->remote_people == NULL)
    session->remote_people = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                    remote_person_free);
  person = g_new0 (TandemRemotePerson, 1);
  person->text = g_strdup (text);
  person->fields = fields;
  if (tandem_message_get_string (fields, "color", &color))
    person->color = g_strdup (color);
  g_hash_table_replace (session->remote_people, g_strdup (client_id), person);
  _tandem_session_broadcast (session, NULL, text);

  /* Two nodes may hand out one colour before they hear of each other. The
   * same rule on every node settles it: the lower client id keeps it. */
  for (guint i = 0; person->color != NULL && *person->color != '\0' && i < session->peers->len; i++)
    {
      TandemPeer *peer = session->peers->pdata[i];

      if (g_strcmp0 (peer->color, person->color) == 0 && strcmp (client_id, peer->client_id) < 0)
        _tandem_peer_give_another_color (peer);
    }
}
