/* tandem-session-knock.c: a connection without a token asks the session's
 * owner to let it in.
 *
 * The server keeps only hashes of the session tokens, so it cannot hand one
 * out itself: the owner's admit carries the token of the role it grants, and
 * the server checks that token against its hashes before passing it on. A
 * knocker's connection is closed once it is answered; it joins with a hello
 * on a new connection, as any invited person does.
 *
 * Whenever a knock leaves the queue, answered or not, the owners hear of it
 * ("knock-ended"), so that no prompt stays up for somebody who is gone.
 */
#include "tandem-session-server-private.h"
#include "tandem-server-conn.h"
#include "tandem-presence.h"

#include <string.h>

#define MAX_ADDRESSES 4096

typedef struct
{
  TandemSessionServer *server;
  char       *id;
  char       *session_id;
  char       *name;
  TandemPeer *peer;        /* the knocker's connection, not yet answered */
  GSource    *expiry;
} Knock;

struct _TandemKnocks
{
  GPtrArray  *pending;     /* Knock, oldest first */
  GHashTable *by_address;  /* address → TandemRateLimit */
  guint       timeout_ms;
};

static void
knock_free (Knock *knock)
{
  if (knock->expiry)
    {
      g_source_destroy (knock->expiry);
      g_source_unref (knock->expiry);
    }
  g_free (knock->id);
  g_free (knock->session_id);
  g_free (knock->name);
  g_free (knock);
}

TandemKnocks *
_tandem_knocks_new (void)
{
  TandemKnocks *self = g_new0 (TandemKnocks, 1);

  self->pending = g_ptr_array_new_with_free_func ((GDestroyNotify) knock_free);
  self->by_address = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->timeout_ms = TANDEM_KNOCK_TIMEOUT_MS;
  return self;
}

void
_tandem_knocks_free (TandemKnocks *self)
{
  if (self == NULL)
    return;
  g_ptr_array_unref (self->pending);
  g_hash_table_unref (self->by_address);
  g_free (self);
}

void
tandem_session_server_set_knock_timeout (TandemSessionServer *self,
                                         guint                timeout_ms)
{
  self->knocks->timeout_ms = timeout_ms;
}

static Knock *
find_knock (TandemKnocks *self,
            const char   *session_id,
            const char   *id)
{
  for (guint i = 0; i < self->pending->len; i++)
    {
      Knock *knock = self->pending->pdata[i];

      if (strcmp (knock->id, id) == 0 && strcmp (knock->session_id, session_id) == 0)
        return knock;
    }
  return NULL;
}

static guint
count_pending (TandemKnocks *self,
               const char   *session_id)
{
  guint n = 0;

  for (guint i = 0; i < self->pending->len; i++)
    n += strcmp (((Knock *) self->pending->pdata[i])->session_id, session_id) == 0;
  return n;
}

static void send_to_owners (TandemSession *session,
                            const char    *text);

/* Tells the owners that @knock no longer waits, and forgets it. */
static void
end_knock (TandemKnocks *self,
           Knock        *knock)
{
  TandemSession *session = _tandem_server_lookup_session (knock->server, knock->session_id);
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *text = NULL;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "type");
  json_builder_add_string_value (b, TANDEM_MSG_KNOCK_ENDED);
  json_builder_set_member_name (b, "knock");
  json_builder_add_string_value (b, knock->id);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  text = tandem_message_to_string (json_node_get_object (root));
  g_ptr_array_remove (self->pending, knock);
  if (session != NULL)
    send_to_owners (session, text);
}

/* Answers the knocker and forgets the knock. */
static void
finish_knock (TandemKnocks *self,
              Knock        *knock,
              char         *answer)
{
  TandemPeer *peer = knock->peer;

  knock->peer = NULL;
  end_knock (self, knock);
  if (peer == NULL || peer->closing)
    {
      g_free (answer);
      return;
    }
  peer->knocking = FALSE;
  _tandem_peer_send (peer, answer);
  peer->doomed = TRUE;
  soup_websocket_connection_close (peer->conn, TANDEM_CLOSE_NORMAL, NULL);
}

static gboolean
expire_cb (gpointer data)
{
  Knock *knock = data;
  TandemKnocks *self = knock->server->knocks;

  g_clear_pointer (&knock->expiry, g_source_unref);
  finish_knock (self, knock,
                tandem_message_error (TANDEM_CODE_EXPIRED, "The host did not answer in time"));
  return G_SOURCE_REMOVE;
}

static gboolean
owner_online (TandemSession *session)
{
  for (guint i = 0; i < session->peers->len; i++)
    if (((TandemPeer *) session->peers->pdata[i])->role == TANDEM_ROLE_OWNER)
      return TRUE;
  return FALSE;
}

static void
send_to_owners (TandemSession *session,
                const char    *text)
{
  for (guint i = 0; i < session->peers->len; i++)
    {
      TandemPeer *peer = session->peers->pdata[i];

      if (peer->role == TANDEM_ROLE_OWNER)
        _tandem_peer_send (peer, g_strdup (text));
    }
}

static gboolean
valid_name (const char *name)
{
  return name != NULL && name[0] != '\0'
         && strlen (name) <= TANDEM_KNOCK_MAX_NAME_CHARS * 4
         && g_utf8_validate (name, -1, NULL)
         && g_utf8_strlen (name, -1) <= TANDEM_KNOCK_MAX_NAME_CHARS;
}

void
_tandem_knock_handle (TandemPeer *peer,
                      JsonObject *msg)
{
  TandemSessionServer *server = peer->server;
  TandemKnocks *self = server->knocks;
  const char *session_id = NULL, *client = NULL, *name = NULL;
  const char *address = peer->stream ? tandem_server_conn_get_address (peer->stream) : "";
  TandemRateLimit *limit;
  TandemSession *session;
  g_autofree char *clean_name = NULL;
  g_autoptr(JsonBuilder) b = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *forward = NULL;
  Knock *knock;
  gint64 now = g_get_monotonic_time ();

  if (!tandem_message_get_string (msg, "session", &session_id)
      || !tandem_message_get_string (msg, "client", &client)
      || !tandem_message_get_string (msg, "name", &name) || !valid_name (name)
      || strlen (client) == 0 || strlen (client) > 64)
    {
      _tandem_peer_fail (peer, TANDEM_CODE_BAD_MESSAGE,
                         "A knock needs the session id, a client id and a name "
                         "(1 to 64 characters of UTF-8)",
                         TANDEM_CLOSE_PROTOCOL_ERROR);
      return;
    }
  /* One address may knock ten times in a row, then every six seconds:
   * enough for a household, not for guessing at a host's patience. */
  limit = g_hash_table_lookup (self->by_address, address);
  if (limit == NULL)
    {
      /* Many addresses forget each other's budgets rather than grow the
       * table without end. */
      if (g_hash_table_size (self->by_address) >= MAX_ADDRESSES)
        g_hash_table_remove_all (self->by_address);
      limit = g_new0 (TandemRateLimit, 1);
      tandem_rate_limit_init (limit, 1.0 / 6.0, 10, now);
      g_hash_table_insert (self->by_address, g_strdup (address), limit);
    }
  if (!tandem_rate_limit_take (limit, 1, now))
    {
      _tandem_peer_fail (peer, TANDEM_CODE_RATE_LIMITED, "Too many knocks; wait a little",
                         TANDEM_CLOSE_FLOOD);
      return;
    }
  session = _tandem_server_lookup_session (server, session_id);
  if (session == NULL || g_strcmp0 (session_id, peer->path_session) != 0)
    {
      _tandem_peer_fail (peer, TANDEM_CODE_NO_SUCH_SESSION, "There is no such session",
                         TANDEM_CLOSE_NO_SUCH_SESSION);
      return;
    }
  if (!owner_online (session))
    {
      _tandem_peer_fail (peer, TANDEM_CODE_NO_HOST, "No host is there to let you in",
                         TANDEM_CLOSE_NORMAL);
      return;
    }
  if (count_pending (self, session->id) >= TANDEM_KNOCK_MAX_PENDING)
    {
      _tandem_peer_fail (peer, TANDEM_CODE_BUSY,
                         "Too many people are waiting to be let in; try again later",
                         TANDEM_CLOSE_TRY_AGAIN);
      return;
    }

  clean_name = tandem_presence_clean_name (name, NULL);
  knock = g_new0 (Knock, 1);
  knock->server = server;
  knock->id = _tandem_random_token (9);
  knock->session_id = g_strdup (session->id);
  knock->name = clean_name ? g_steal_pointer (&clean_name) : g_strdup (name);
  knock->peer = peer;
  knock->expiry = g_timeout_source_new (self->timeout_ms);
  g_source_set_callback (knock->expiry, expire_cb, knock, NULL);
  g_source_attach (knock->expiry, g_main_context_get_thread_default ());
  g_ptr_array_add (self->pending, knock);
  peer->knocking = TRUE;
  /* The hello's deadline would cut a knocker who waits for the owner. */
  if (peer->stream != NULL)
    peer->stream->deadline_us = now + ((gint64) self->timeout_ms + 5000) * 1000;

  b = json_builder_new ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "type");
  json_builder_add_string_value (b, TANDEM_MSG_KNOCK);
  json_builder_set_member_name (b, "knock");
  json_builder_add_string_value (b, knock->id);
  json_builder_set_member_name (b, "name");
  json_builder_add_string_value (b, knock->name);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  forward = tandem_message_to_string (json_node_get_object (root));
  send_to_owners (session, forward);
}

static char *
admitted_message (TandemRole  role,
                  const char *token)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "type");
  json_builder_add_string_value (b, TANDEM_MSG_ADMITTED);
  json_builder_set_member_name (b, "role");
  json_builder_add_string_value (b, tandem_role_to_string (role));
  json_builder_set_member_name (b, "token");
  json_builder_add_string_value (b, token);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  return tandem_message_to_string (json_node_get_object (root));
}

void
_tandem_knock_handle_answer (TandemPeer *peer,
                             JsonObject *msg,
                             gboolean    admit)
{
  TandemKnocks *self = peer->server->knocks;
  const char *id = NULL, *role_str = NULL, *token = NULL;
  TandemRole role = TANDEM_ROLE_VIEWER, token_role;
  Knock *knock;

  if (peer->role != TANDEM_ROLE_OWNER)
    {
      _tandem_peer_send (peer, tandem_message_error (TANDEM_CODE_NOT_OWNER,
                                                     "Only the session's owner lets people in"));
      return;
    }
  if (!tandem_message_get_string (msg, "knock", &id)
      || (admit && (!tandem_message_get_string (msg, "role", &role_str)
                    || !tandem_role_from_string (role_str, &role)
                    || role == TANDEM_ROLE_OWNER
                    || !tandem_message_get_string (msg, "token", &token))))
    {
      _tandem_peer_send (peer, tandem_message_error (TANDEM_CODE_BAD_MESSAGE,
                                                     "An admit needs the knock id, a role "
                                                     "(editor or viewer) and its token; "
                                                     "a deny the knock id"));
      return;
    }
  knock = find_knock (self, peer->session->id, id);
  if (knock == NULL)
    {
      _tandem_peer_send (peer, tandem_message_error (TANDEM_CODE_EXPIRED,
                                                     "Nobody is waiting with that knock"));
      return;
    }
  if (!admit)
    {
      finish_knock (self, knock,
                    tandem_message_error (TANDEM_CODE_DENIED, "The host did not let you in"));
      return;
    }
  if (!_tandem_session_check_token (peer->session, token, &token_role) || token_role != role)
    {
      _tandem_peer_send (peer, tandem_message_error (TANDEM_CODE_BAD_MESSAGE,
                                                     "That token is not the session's token "
                                                     "for that role"));
      return;
    }
  finish_knock (self, knock, admitted_message (role, token));
}

/* The knocker's connection is going away. */
void
_tandem_knock_forget_peer (TandemPeer *peer)
{
  TandemKnocks *self = peer->server->knocks;

  if (!peer->knocking || self == NULL)
    return;
  for (guint i = 0; i < self->pending->len; i++)
    {
      Knock *knock = self->pending->pdata[i];

      if (knock->peer == peer)
        {
          knock->peer = NULL;
          end_knock (self, knock);
          break;
        }
    }
  peer->knocking = FALSE;
}
