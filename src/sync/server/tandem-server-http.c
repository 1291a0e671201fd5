/* tandem-server-http.c — the small HTTP API beside the WebSocket endpoint
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-sync"

#include "config.h"

#include <string.h>

#include "tandem-invite.h"
#include "tandem-session-server-private.h"

#define MAX_CREATE_BODY TANDEM_SERVER_MAX_CREATE_BODY

static void
respond_json (SoupServerMessage *msg,
              guint              status,
              JsonNode          *root)
{
  g_autofree char *body = json_to_string (root, TRUE);
  gsize len = strlen (body);

  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_TAKE,
                                    g_steal_pointer (&body), len);
}

JsonNode *
_tandem_server_error_node (const char *code,
                           const char *message)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "error");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "code");
  json_builder_add_string_value (b, code);
  json_builder_set_member_name (b, "message");
  json_builder_add_string_value (b, message);
  json_builder_end_object (b);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

void
_tandem_server_respond_error (SoupServerMessage *msg,
                              guint              status,
                              const char        *code,
                              const char        *message)
{
  g_autoptr(JsonNode) root = _tandem_server_error_node (code, message);

  respond_json (msg, status, root);
}

#define respond_error _tandem_server_respond_error

static gboolean
check_admin (TandemSessionServer *self,
             SoupServerMessage   *msg)
{
  const char *auth = soup_message_headers_get_one (soup_server_message_get_request_headers (msg),
                                                   "Authorization");
  g_autofree char *hash = NULL;
  guint8 diff = 0;

  if (self->admin_token_hash == NULL)
    {
      respond_error (msg, SOUP_STATUS_FORBIDDEN, TANDEM_CODE_FORBIDDEN,
                     "Session creation over HTTP is disabled on this server");
      return FALSE;
    }
  if (auth == NULL || !g_str_has_prefix (auth, "Bearer "))
    {
      respond_error (msg, SOUP_STATUS_UNAUTHORIZED, TANDEM_CODE_UNAUTHORIZED,
                     "Send the admin token as “Authorization: Bearer TOKEN”");
      return FALSE;
    }
  hash = _tandem_token_hash (auth + strlen ("Bearer "));
  /* Both are 64 hex digits: compare all of them whatever differs. */
  for (guint i = 0; i < 64; i++)
    diff |= hash[i] ^ self->admin_token_hash[i];
  if (diff != 0)
    {
      respond_error (msg, SOUP_STATUS_UNAUTHORIZED, TANDEM_CODE_UNAUTHORIZED,
                     "The admin token is wrong");
      return FALSE;
    }
  _tandem_server_conn_authenticated (self, _tandem_server_conn_for_message (msg));
  return TRUE;
}

/* Who may create a session: the admin, or, on a server with open
 * sessions, anyone without a token within the per-address rate. */
static gboolean
check_create (TandemSessionServer *self,
              SoupServerMessage   *msg)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);

  if (!self->open_sessions || soup_message_headers_get_one (headers, "Authorization") != NULL)
    return check_admin (self, msg);
  return _tandem_server_open_admit (self, msg);
}

static char *
link_host (TandemSessionServer *self,
           SoupServerMessage   *msg)
{
  const char *host;
  g_autoptr(GUri) uri = NULL;
  g_autofree char *with_scheme = NULL;

  if (self->public_host)
    return g_strdup (self->public_host);
  host = soup_message_headers_get_one (soup_server_message_get_request_headers (msg), "Host");
  if (host != NULL)
    {
      with_scheme = g_strdup_printf ("http://%s/", host);
      uri = g_uri_parse (with_scheme, G_URI_FLAGS_NONE, NULL);
      if (uri && g_uri_get_host (uri))
        return g_strdup (g_uri_get_host (uri));
    }
  return g_strdup ("localhost");
}

static void
create_session (TandemSessionServer *self,
                SoupServerMessage   *msg)
{
  SoupMessageBody *body = soup_server_message_get_request_body (msg);
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) body_root = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *host = NULL;
  g_autofree char *id = NULL;
  JsonNode *project = NULL;
  char *tokens[TANDEM_N_ROLES] = { NULL, };

  if (body->length > MAX_CREATE_BODY)
    {
      respond_error (msg, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE, TANDEM_CODE_TOO_LARGE,
                     "The request body is larger than 64 MiB");
      return;
    }
  if (body->length > 0)
    {
      body_root = tandem_json_parse_bounded (body->data, body->length,
                                             &tandem_json_limits_http_body, &error);
      if (body_root == NULL || !JSON_NODE_HOLDS_OBJECT (body_root))
        {
          g_autofree char *text = g_strdup_printf ("The body must be a JSON object, e.g. "
                                                   "{\"project\":{…}}%s%s",
                                                   error ? ": " : "", error ? error->message : "");

          respond_error (msg, SOUP_STATUS_BAD_REQUEST, TANDEM_CODE_BAD_MESSAGE, text);
          return;
        }
      project = json_object_get_member (json_node_get_object (body_root), "project");
    }
  id = tandem_session_server_create_session (self, project, tokens, &error);
  if (id == NULL)
    {
      if (g_error_matches (error, TANDEM_SYNC_ERROR, TANDEM_SYNC_ERROR_LIMIT))
        respond_error (msg, SOUP_STATUS_SERVICE_UNAVAILABLE, "too-many-sessions", error->message);
      else if (error->domain == TANDEM_MODEL_ERROR)
        respond_error (msg, SOUP_STATUS_BAD_REQUEST, TANDEM_CODE_INVALID_OP, error->message);
      else
        respond_error (msg, SOUP_STATUS_INTERNAL_SERVER_ERROR, TANDEM_CODE_INTERNAL, error->message);
      return;
    }

  if (self->open_sessions
      && soup_message_headers_get_one (soup_server_message_get_request_headers (msg),
                                       "Authorization") == NULL)
    _tandem_server_open_record (self, msg);

  host = link_host (self, msg);
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "id");
  json_builder_add_string_value (b, id);
  for (guint form = 0; form < 2; form++)
    {
      json_builder_set_member_name (b, form == 0 ? "invites" : "ws");
      json_builder_begin_object (b);
      for (guint r = 0; r < TANDEM_N_ROLES; r++)
        {
          g_autoptr(TandemInvite) invite = tandem_invite_new (host, tandem_session_server_get_port (self),
                                                              id, tokens[r]);
          g_autofree char *link = NULL;

          tandem_session_server_secure_invite (self, invite);
          invite->also = g_strdupv (self->invite_also);
          link = form == 0 ? tandem_invite_to_link (invite) : tandem_invite_to_ws_url (invite);

          json_builder_set_member_name (b, tandem_role_to_string (r));
          json_builder_add_string_value (b, link);
        }
      json_builder_end_object (b);
    }
  json_builder_end_object (b);
  for (guint r = 0; r < TANDEM_N_ROLES; r++)
    {
      explicit_bzero (tokens[r], strlen (tokens[r]));
      g_free (tokens[r]);
    }
  root = json_builder_get_root (b);
  respond_json (msg, SOUP_STATUS_CREATED, root);
}

static void
list_sessions (TandemSessionServer *self,
               SoupServerMessage   *msg)
{
  g_auto(GStrv) ids = tandem_session_server_list_sessions (self);
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "sessions");
  json_builder_begin_array (b);
  for (guint i = 0; ids[i]; i++)
    {
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "id");
      json_builder_add_string_value (b, ids[i]);
      json_builder_set_member_name (b, "seq");
      json_builder_add_int_value (b, tandem_session_server_get_seq (self, ids[i]));
      json_builder_set_member_name (b, "clients");
      json_builder_add_int_value (b, tandem_session_server_get_n_clients (self, ids[i]));
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  respond_json (msg, SOUP_STATUS_OK, root);
}

static void
sessions_cb (SoupServer        *soup,
             SoupServerMessage *msg,
             const char        *path,
             GHashTable        *query,
             gpointer           user_data)
{
  TandemSessionServer *self = user_data;
  const char *method = soup_server_message_get_method (msg);

  if (g_str_has_prefix (path, "/sessions/"))
    {
      _tandem_server_samples_handle (self, msg, path);
      return;
    }
  if (strcmp (path, "/sessions") != 0)
    {
      respond_error (msg, SOUP_STATUS_NOT_FOUND, TANDEM_CODE_NO_SUCH_SESSION, "Not found");
      return;
    }
  if (strcmp (method, "POST") == 0)
    {
      if (check_create (self, msg))
        create_session (self, msg);
    }
  else if (strcmp (method, "GET") == 0)
    {
      if (check_admin (self, msg))
        list_sessions (self, msg);
    }
  else
    {
      soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Allow", "GET, POST");
      respond_error (msg, SOUP_STATUS_METHOD_NOT_ALLOWED, TANDEM_CODE_BAD_MESSAGE,
                     "Use GET or POST");
    }
}

static void
health_cb (SoupServer        *soup,
           SoupServerMessage *msg,
           const char        *path,
           GHashTable        *query,
           gpointer           user_data)
{
  TandemSessionServer *self = user_data;
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "status");
  json_builder_add_string_value (b, "ok");
  json_builder_set_member_name (b, "version");
  json_builder_add_string_value (b, PACKAGE_VERSION);
  json_builder_set_member_name (b, "protocol");
  json_builder_add_string_value (b, TANDEM_PROTOCOL_SUBPROTOCOL);
  json_builder_set_member_name (b, "sessions");
  json_builder_add_int_value (b, tandem_session_server_get_n_sessions (self));
  /* Found on disk at start and not loaded yet: each loads on first use. */
  json_builder_set_member_name (b, "loading");
  json_builder_add_int_value (b, tandem_session_server_get_n_loading (self));
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  respond_json (msg, SOUP_STATUS_OK, root);
}

static void
sessions_early_cb (SoupServer        *soup,
                   SoupServerMessage *msg,
                   const char        *path,
                   GHashTable        *query,
                   gpointer           user_data)
{
  if (g_str_has_prefix (path, "/sessions/"))
    _tandem_server_samples_early (user_data, msg, path);
  /* The token is checked before a body is read (a refusal here ends the
   * connection rather than reading what follows). */
  else if (strcmp (path, "/sessions") == 0
           && strcmp (soup_server_message_get_method (msg), "POST") == 0)
    check_create (user_data, msg);
}

void
_tandem_server_http_init (TandemSessionServer *self)
{
  soup_server_add_early_handler (self->soup, "/sessions", sessions_early_cb, self, NULL);
  soup_server_add_handler (self->soup, "/sessions", sessions_cb, self, NULL);
  soup_server_add_handler (self->soup, "/health", health_cb, self, NULL);
}
