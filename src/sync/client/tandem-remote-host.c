/* tandem-remote-host.c — creates a session on a tandem-server and uploads its samples
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-sync"

#include "config.h"

#include <string.h>

#include "tandem-invite.h"
#include "tandem-json.h"
#include "tandem-remote-host.h"
#include "tandem-soup-target.h"

#define DEFAULT_PORT 8421
/* The server refuses larger bodies (docs/server.md): say so before sending. */
#define MAX_CREATE_BODY (64 * 1024 * 1024)
/* The answer is a few links; anything much larger is not a Tandem server. */
#define MAX_REPLY_BYTES (64 * 1024)

G_DEFINE_QUARK (tandem-remote-host-error-quark, tandem_remote_host_error)

struct _TandemRemoteHost
{
  GObject                parent_instance;

  SoupSession           *soup;
  gboolean               own_soup;  /* made here: remade for an IP literal's server */
  TandemRemoteHostStage  stage;
  double                 fraction;
  guint                  retry_after;
};

G_DEFINE_FINAL_TYPE (TandemRemoteHost, tandem_remote_host, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_STAGE,
  PROP_FRACTION,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* TandemRemoteSession */

TandemRemoteSession *
tandem_remote_session_copy (const TandemRemoteSession *self)
{
  TandemRemoteSession *copy = g_new0 (TandemRemoteSession, 1);

  copy->id = g_strdup (self->id);
  for (guint r = 0; r < TANDEM_N_ROLES; r++)
    {
      copy->links[r] = g_strdup (self->links[r]);
      copy->ws_urls[r] = g_strdup (self->ws_urls[r]);
    }
  return copy;
}

void
tandem_remote_session_free (TandemRemoteSession *self)
{
  if (self == NULL)
    return;
  g_free (self->id);
  for (guint r = 0; r < TANDEM_N_ROLES; r++)
    {
      /* The links carry the session's tokens. */
      if (self->links[r] != NULL)
        explicit_bzero (self->links[r], strlen (self->links[r]));
      if (self->ws_urls[r] != NULL)
        explicit_bzero (self->ws_urls[r], strlen (self->ws_urls[r]));
      g_free (self->links[r]);
      g_free (self->ws_urls[r]);
    }
  g_free (self);
}

G_DEFINE_BOXED_TYPE (TandemRemoteSession, tandem_remote_session,
                     tandem_remote_session_copy, tandem_remote_session_free)

/* Progress */

static void
set_stage (TandemRemoteHost      *self,
           TandemRemoteHostStage  stage)
{
  if (self->stage == stage)
    return;
  self->stage = stage;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STAGE]);
}

static void
set_fraction (TandemRemoteHost *self,
              double            fraction)
{
  fraction = CLAMP (fraction, 0.0, 1.0);
  if (self->fraction == fraction)
    return;
  self->fraction = fraction;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FRACTION]);
}

/* The address */

static gboolean
is_loopback (const char *host)
{
  g_autoptr(GInetAddress) address = g_inet_address_new_from_string (host);

  if (address != NULL)
    return g_inet_address_get_is_loopback (address);
  return g_ascii_strcasecmp (host, "localhost") == 0;
}

char *
tandem_remote_host_parse_address (const char  *address,
                                  GError     **error)
{
  g_autofree char *text = g_strstrip (g_strdup (address != NULL ? address : ""));
  g_autofree char *with_scheme = NULL;
  g_autoptr(GUri) uri = NULL;
  const char *scheme, *host, *path;
  int port;

  if (text[0] == '\0')
    {
      g_set_error_literal (error, TANDEM_REMOTE_HOST_ERROR, TANDEM_REMOTE_HOST_ERROR_BAD_ADDRESS,
                           "No server address");
      return NULL;
    }
  /* A bare HOST:PORT means https: the admin token and the project travel. */
  with_scheme = strstr (text, "://") != NULL ? g_strdup (text)
                                             : g_strconcat ("https://", text, NULL);
  uri = g_uri_parse (with_scheme, G_URI_FLAGS_NONE, NULL);
  if (uri == NULL || g_uri_get_host (uri) == NULL || g_uri_get_host (uri)[0] == '\0'
      || g_uri_get_userinfo (uri) != NULL || g_uri_get_query (uri) != NULL
      || g_uri_get_fragment (uri) != NULL)
    {
      g_set_error (error, TANDEM_REMOTE_HOST_ERROR, TANDEM_REMOTE_HOST_ERROR_BAD_ADDRESS,
                   "“%s” is not a server address (write it as host:port)", text);
      return NULL;
    }
  scheme = g_uri_get_scheme (uri);
  host = g_uri_get_host (uri);
  path = g_uri_get_path (uri);
  port = g_uri_get_port (uri);
  if (path[0] != '\0' && strcmp (path, "/") != 0)
    {
      g_set_error (error, TANDEM_REMOTE_HOST_ERROR, TANDEM_REMOTE_HOST_ERROR_BAD_ADDRESS,
                   "A server address has no path (“%s”)", path);
      return NULL;
    }
  if (g_ascii_strcasecmp (scheme, "https") != 0 && g_ascii_strcasecmp (scheme, "http") != 0)
    {
      g_set_error (error, TANDEM_REMOTE_HOST_ERROR, TANDEM_REMOTE_HOST_ERROR_BAD_ADDRESS,
                   "A server address starts with https:// (not %s://)", scheme);
      return NULL;
    }
  if (g_ascii_strcasecmp (scheme, "http") == 0 && !is_loopback (host))
    {
      g_set_error_literal (error, TANDEM_REMOTE_HOST_ERROR, TANDEM_REMOTE_HOST_ERROR_BAD_ADDRESS,
                           "Plain http:// is only for a server on this computer; "
                           "use https:// for another one");
      return NULL;
    }
  if (port < 0)
    port = DEFAULT_PORT;
  if (port == 0 || port > 65535)
    {
      g_set_error (error, TANDEM_REMOTE_HOST_ERROR, TANDEM_REMOTE_HOST_ERROR_BAD_ADDRESS,
                   "%d is not a port", port);
      return NULL;
    }
  return g_strdup_printf ("%s://%s%s%s:%d",
                          g_ascii_strcasecmp (scheme, "http") == 0 ? "http" : "https",
                          strchr (host, ':') != NULL ? "[" : "", host,
                          strchr (host, ':') != NULL ? "]" : "", port);
}

/* Creating */

typedef struct
{
  SoupMessage  *msg;
  char         *base;
  GInputStream *stream;
  GByteArray   *body;     /* the answer so far, at most MAX_REPLY_BYTES + 1 */
} CreateData;

static void
create_data_free (CreateData *data)
{
  g_clear_object (&data->msg);
  g_clear_object (&data->stream);
  g_clear_pointer (&data->body, g_byte_array_unref);
  g_free (data->base);
  g_free (data);
}

/* The server's own words, from {"error":{"message":…}}, if it sent them. */
static char *
server_message (GBytes *body)
{
  g_autoptr(JsonNode) root = NULL;
  JsonObject *object, *error;
  gsize len = 0;
  const char *data = body != NULL ? g_bytes_get_data (body, &len) : NULL;

  if (data == NULL || len == 0)
    return NULL;
  root = tandem_json_parse_bounded (data, len, &tandem_json_limits_http_reply, NULL);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return NULL;
  object = json_node_get_object (root);
  if (!json_object_has_member (object, "error")
      || !JSON_NODE_HOLDS_OBJECT (json_object_get_member (object, "error")))
    return NULL;
  error = json_object_get_object_member (object, "error");
  return g_strdup (json_object_get_string_member_with_default (error, "message", NULL));
}

static const char *
string_member (JsonObject *object,
               const char *name)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, name) : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node)
      || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

static JsonObject *
object_member (JsonObject *object,
               const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  return node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

#define MAX_RETRY_AFTER (7 * 24 * 3600)

/* Retry-After in seconds (an HTTP date is not worth parsing for a hint),
 * else the body's "retry_after_ms". */
static guint
parse_retry_after (SoupMessage *msg,
                   GBytes      *body)
{
  const char *value = soup_message_headers_get_one (soup_message_get_response_headers (msg),
                                                    "Retry-After");
  g_autoptr(JsonNode) root = NULL;
  guint64 seconds = 0;
  gsize len = 0;
  const char *data = body != NULL ? g_bytes_get_data (body, &len) : NULL;
  JsonObject *error;
  JsonNode *ms;

  if (value != NULL && g_ascii_string_to_unsigned (value, 10, 0, MAX_RETRY_AFTER, &seconds, NULL))
    return (guint) seconds;
  if (data == NULL || len == 0)
    return 0;
  root = tandem_json_parse_bounded (data, len, &tandem_json_limits_http_reply, NULL);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root)
      || (error = object_member (json_node_get_object (root), "error")) == NULL
      || (ms = json_object_get_member (error, "retry_after_ms")) == NULL
      || !JSON_NODE_HOLDS_VALUE (ms) || json_node_get_value_type (ms) != G_TYPE_INT64
      || json_node_get_int (ms) <= 0)
    return 0;
  return (guint) MIN ((json_node_get_int (ms) + 999) / 1000, MAX_RETRY_AFTER);
}

static TandemRemoteSession *
parse_created (GBytes  *body,
               GError **error)
{
  g_autoptr(TandemRemoteSession) session = g_new0 (TandemRemoteSession, 1);
  g_autoptr(JsonNode) root = NULL;
  JsonObject *object, *invites, *ws;
  gsize len = 0;
  const char *data = g_bytes_get_data (body, &len);

  root = tandem_json_parse_bounded (data, len, &tandem_json_limits_http_reply, NULL);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    goto bad;
  object = json_node_get_object (root);
  invites = object_member (object, "invites");
  ws = object_member (object, "ws");
  if (invites == NULL || ws == NULL || string_member (object, "id") == NULL)
    goto bad;
  session->id = g_strdup (string_member (object, "id"));
  for (guint r = 0; r < TANDEM_N_ROLES; r++)
    {
      const char *link = string_member (invites, tandem_role_to_string (r));
      const char *url = string_member (ws, tandem_role_to_string (r));
      g_autoptr(TandemInvite) invite = link != NULL ? tandem_invite_parse (link, NULL) : NULL;

      if (invite == NULL || url == NULL || g_strcmp0 (invite->session_id, session->id) != 0)
        goto bad;
      session->links[r] = g_strdup (link);
      session->ws_urls[r] = g_strdup (url);
    }
  return g_steal_pointer (&session);

bad:
  g_set_error_literal (error, TANDEM_REMOTE_HOST_ERROR, TANDEM_REMOTE_HOST_ERROR_BAD_ANSWER,
                       "The server's answer is not a new Tandem session");
  return NULL;
}

static void read_answer (GTask *task);

static void
return_unreachable (GTask  *task,
                    GError *error)
{
  TandemRemoteHost *self = g_task_get_source_object (task);
  CreateData *data = g_task_get_task_data (task);

  set_stage (self, TANDEM_REMOTE_HOST_IDLE);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_task_return_error (task, error);
  else
    {
      g_task_return_new_error (task, TANDEM_REMOTE_HOST_ERROR,
                               TANDEM_REMOTE_HOST_ERROR_UNREACHABLE,
                               "Cannot reach %s: %s", data->base, error->message);
      g_error_free (error);
    }
}

static void answer_read (GTask  *task,
                         GBytes *body);

static void
on_answer_chunk (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  CreateData *data = g_task_get_task_data (task);
  g_autoptr(GBytes) chunk = NULL;
  GError *error = NULL;

  chunk = g_input_stream_read_bytes_finish (G_INPUT_STREAM (source), result, &error);
  if (chunk == NULL)
    {
      return_unreachable (task, error);
      return;
    }
  if (g_bytes_get_size (chunk) > 0 && data->body->len <= MAX_REPLY_BYTES)
    {
      g_byte_array_append (data->body, g_bytes_get_data (chunk, NULL), g_bytes_get_size (chunk));
      read_answer (g_steal_pointer (&task));
      return;
    }
  /* The end, or more than any answer of a Tandem server: read no further. */
  g_input_stream_close_async (data->stream, G_PRIORITY_DEFAULT, NULL, NULL, NULL);
  if (data->body->len > MAX_REPLY_BYTES)
    answer_read (task, NULL);
  else
    {
      g_autoptr(GBytes) body = g_bytes_new (data->body->data, data->body->len);

      answer_read (task, body);
    }
}

static void
read_answer (GTask *task)
{
  CreateData *data = g_task_get_task_data (task);

  g_input_stream_read_bytes_async (data->stream, 16 * 1024, G_PRIORITY_DEFAULT,
                                   g_task_get_cancellable (task), on_answer_chunk, task);
}

static void
on_sent (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  GTask *task = user_data;
  CreateData *data = g_task_get_task_data (task);
  GError *error = NULL;

  data->stream = soup_session_send_finish (SOUP_SESSION (source), result, &error);
  if (data->stream == NULL)
    {
      return_unreachable (task, error);
      g_object_unref (task);
      return;
    }
  data->body = g_byte_array_new ();
  read_answer (task);
}

/* @body: the whole answer, or NULL if it was too large to read. */
static void
answer_read (GTask  *task,
             GBytes *body)
{
  TandemRemoteHost *self = g_task_get_source_object (task);
  CreateData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autofree char *said = NULL;
  TandemRemoteSession *session;
  guint status;

  status = soup_message_get_status (data->msg);
  if (status == SOUP_STATUS_CREATED && body != NULL
      && (session = parse_created (body, &error)) != NULL)
    {
      g_task_return_pointer (task, session, (GDestroyNotify) tandem_remote_session_free);
      return;
    }

  set_stage (self, TANDEM_REMOTE_HOST_IDLE);
  if (status == SOUP_STATUS_CREATED)
    {
      if (error == NULL)
        g_set_error_literal (&error, TANDEM_REMOTE_HOST_ERROR,
                             TANDEM_REMOTE_HOST_ERROR_BAD_ANSWER,
                             "The server's answer is too large");
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  said = server_message (body);
  switch (status)
    {
    case SOUP_STATUS_UNAUTHORIZED:
      g_task_return_new_error (task, TANDEM_REMOTE_HOST_ERROR,
                               TANDEM_REMOTE_HOST_ERROR_UNAUTHORIZED, "%s",
                               said ? said : "The admin token is missing or wrong");
      break;
    case SOUP_STATUS_FORBIDDEN:
      g_task_return_new_error (task, TANDEM_REMOTE_HOST_ERROR,
                               TANDEM_REMOTE_HOST_ERROR_FORBIDDEN, "%s",
                               said ? said : "The server does not create sessions over HTTP");
      break;
    case 429:  /* Too Many Requests: libsoup 3.2 has no name for it */
      self->retry_after = parse_retry_after (data->msg, body);
      g_task_return_new_error (task, TANDEM_REMOTE_HOST_ERROR,
                               TANDEM_REMOTE_HOST_ERROR_RATE_LIMITED, "%s",
                               said ? said : "Too many sessions created from here");
      break;
    case SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE:
      g_task_return_new_error (task, TANDEM_REMOTE_HOST_ERROR,
                               TANDEM_REMOTE_HOST_ERROR_TOO_LARGE, "%s",
                               said ? said : "The project is too large for the server");
      break;
    case SOUP_STATUS_SERVICE_UNAVAILABLE:
      g_task_return_new_error (task, TANDEM_REMOTE_HOST_ERROR, TANDEM_REMOTE_HOST_ERROR_BUSY,
                               "%s", said ? said : "The server is busy");
      break;
    default:
      if (said != NULL)
        g_task_return_new_error (task, TANDEM_REMOTE_HOST_ERROR,
                                 TANDEM_REMOTE_HOST_ERROR_REFUSED, "%s", said);
      else
        g_task_return_new_error (task, TANDEM_REMOTE_HOST_ERROR,
                                 TANDEM_REMOTE_HOST_ERROR_BAD_ANSWER,
                                 "%s answered HTTP %u, not as a Tandem server does",
                                 data->base, status);
      break;
    }
}

/**
 * tandem_remote_host_create_async:
 * @address: the server, as the user wrote it (tandem_remote_host_parse_address())
 * @admin_token: (nullable): the server's admin token; NULL or "" for a
 *   server with open sessions
 * @project: what the session starts with
 *
 * Creates a session on the server. Errors are TANDEM_REMOTE_HOST_ERROR.
 */
void
tandem_remote_host_create_async (TandemRemoteHost    *self,
                                 const char          *address,
                                 const char          *admin_token,
                                 TandemProject       *project,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autofree char *url = NULL;
  CreateData *data;
  char *body;

  g_return_if_fail (TANDEM_IS_REMOTE_HOST (self));
  g_return_if_fail (TANDEM_IS_PROJECT (project));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, tandem_remote_host_create_async);
  self->retry_after = 0;

  data = g_new0 (CreateData, 1);
  g_task_set_task_data (task, data, (GDestroyNotify) create_data_free);
  data->base = tandem_remote_host_parse_address (address, &error);
  if (data->base == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "project");
  json_builder_add_value (builder, tandem_project_to_json (project));
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  body = json_to_string (root, FALSE);
  if (strlen (body) > MAX_CREATE_BODY)
    {
      g_free (body);
      g_task_return_new_error (task, TANDEM_REMOTE_HOST_ERROR, TANDEM_REMOTE_HOST_ERROR_TOO_LARGE,
                               "The project is larger than the 64 MiB a server takes");
      return;
    }
  bytes = g_bytes_new_take (body, strlen (body));

  url = g_strconcat (data->base, "/sessions", NULL);
  data->msg = soup_message_new ("POST", url);
  if (data->msg == NULL)
    {
      g_task_return_new_error (task, TANDEM_REMOTE_HOST_ERROR,
                               TANDEM_REMOTE_HOST_ERROR_BAD_ADDRESS,
                               "“%s” is not a server address", address);
      return;
    }
  soup_message_set_request_body_from_bytes (data->msg, "application/json", bytes);
  if (admin_token != NULL && admin_token[0] != '\0')
    {
      g_autofree char *auth = g_strconcat ("Bearer ", admin_token, NULL);

      soup_message_headers_replace (soup_message_get_request_headers (data->msg),
                                    "Authorization", auth);
      explicit_bzero (auth, strlen (auth));
    }

  set_fraction (self, 0);
  set_stage (self, TANDEM_REMOTE_HOST_CREATING);
  /* A server given as an IP address gets a session that connects to the
   * address itself, so TLS sends no server name (tandem-soup-target.h). */
  if (self->own_soup)
    {
      GUri *uri = soup_message_get_uri (data->msg);
      const char *host = g_uri_get_host (uri);
      gint port = g_uri_get_port (uri);

      if (port <= 0)
        port = g_ascii_strcasecmp (g_uri_get_scheme (uri), "https") == 0 ? 443 : 80;
      if (!tandem_soup_target_matches (self->soup, host, (guint16) port))
        {
          g_autoptr(GSocketConnectable) target = tandem_soup_target_new (host, (guint16) port);

          g_object_unref (self->soup);
          self->soup = soup_session_new_with_options ("timeout", 30, "remote-connectable", target,
                                                      NULL);
        }
    }
  /* The answer is read in pieces, to stop at MAX_REPLY_BYTES whatever the
   * other end sends. */
  soup_session_send_async (self->soup, data->msg, G_PRIORITY_DEFAULT, cancellable,
                           on_sent, g_steal_pointer (&task));
}

/**
 * tandem_remote_host_create_finish:
 *
 * Returns: (transfer full): the new session's links, or NULL with @error
 */
TandemRemoteSession *
tandem_remote_host_create_finish (TandemRemoteHost  *self,
                                  GAsyncResult      *result,
                                  GError           **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

guint
tandem_remote_host_get_retry_after (TandemRemoteHost *self)
{
  g_return_val_if_fail (TANDEM_IS_REMOTE_HOST (self), 0);

  return self->retry_after;
}

/* Uploading */

typedef struct
{
  GTask        *task;       /* owns this (no reference back) */
  GPtrArray    *transfers;  /* TandemSampleTransfer being waited for */
  gulong        cancelled_id;
  GCancellable *cancellable;
  gboolean      returned;
} UploadData;

static void
upload_data_free (UploadData *data)
{
  for (guint i = 0; i < data->transfers->len; i++)
    g_signal_handlers_disconnect_matched (data->transfers->pdata[i], G_SIGNAL_MATCH_DATA,
                                          0, 0, NULL, NULL, data);
  g_ptr_array_unref (data->transfers);
  if (data->cancellable != NULL)
    g_cancellable_disconnect (data->cancellable, data->cancelled_id);
  g_clear_object (&data->cancellable);
  g_free (data);
}

/* Looks at every transfer: all done, one failed, or still going. The
 * operation holds a reference on @task until it returns. */
static void
check_uploads (GTask *task)
{
  TandemRemoteHost *self = g_task_get_source_object (task);
  UploadData *data = g_task_get_task_data (task);
  guint64 done = 0, total = 0;
  gboolean finished = TRUE;

  if (data->returned)
    return;
  for (guint i = 0; i < data->transfers->len; i++)
    {
      TandemSampleTransfer *t = data->transfers->pdata[i];
      TandemTransferState state = tandem_sample_transfer_get_state (t);

      if (state == TANDEM_TRANSFER_FAILED || state == TANDEM_TRANSFER_CANCELLED)
        {
          data->returned = TRUE;
          set_stage (self, TANDEM_REMOTE_HOST_IDLE);
          g_task_return_new_error (task, TANDEM_REMOTE_HOST_ERROR, TANDEM_REMOTE_HOST_ERROR_UPLOAD,
                                   "Could not upload the sample “%s”: %s",
                                   tandem_sample_transfer_get_name (t),
                                   state == TANDEM_TRANSFER_FAILED
                                   ? tandem_sample_transfer_get_error (t) : "cancelled");
          g_object_unref (task);
          return;
        }
      total += tandem_sample_transfer_get_bytes_total (t);
      if (state == TANDEM_TRANSFER_DONE)
        done += tandem_sample_transfer_get_bytes_total (t);
      else
        {
          done += tandem_sample_transfer_get_bytes_done (t);
          finished = FALSE;
        }
    }
  set_fraction (self, total > 0 ? (double) done / total : 1.0);
  if (finished)
    {
      data->returned = TRUE;
      set_stage (self, TANDEM_REMOTE_HOST_DONE);
      g_task_return_boolean (task, TRUE);
      g_object_unref (task);
    }
}

static void
on_transfer_notify (TandemSampleTransfer *transfer,
                    GParamSpec           *pspec,
                    UploadData           *data)
{
  check_uploads (data->task);
}

static gboolean
return_cancelled (gpointer user_data)
{
  GTask *task = user_data;
  UploadData *data = g_task_get_task_data (task);

  if (!data->returned)
    {
      data->returned = TRUE;
      set_stage (g_task_get_source_object (task), TANDEM_REMOTE_HOST_IDLE);
      g_task_return_error_if_cancelled (task);
      g_object_unref (task);  /* the operation's */
    }
  return G_SOURCE_REMOVE;
}

static void
on_cancelled (GCancellable *cancellable,
              UploadData   *data)
{
  /* May run in another thread: answer on the task's context. */
  g_main_context_invoke_full (g_task_get_context (data->task), G_PRIORITY_DEFAULT,
                              return_cancelled, g_object_ref (data->task), g_object_unref);
}

/**
 * tandem_remote_host_upload_samples_async:
 * @transfers: the sample transfers of the client that joined the session
 * @project: the project whose registered samples to upload
 * @store: where the samples are
 *
 * Uploads every sample @project registers that @store holds and finishes
 * once the server has verified them all (samples the store lacks are left
 * for whoever has them). A refusal (size, quota) fails with
 * TANDEM_REMOTE_HOST_ERROR_UPLOAD and the server's reason.
 */
void
tandem_remote_host_upload_samples_async (TandemRemoteHost      *self,
                                         TandemSampleTransfers *transfers,
                                         TandemProject         *project,
                                         TandemSampleStore     *store,
                                         GCancellable          *cancellable,
                                         GAsyncReadyCallback    callback,
                                         gpointer               user_data)
{
  GTask *task;
  GListModel *samples;
  UploadData *data;

  g_return_if_fail (TANDEM_IS_REMOTE_HOST (self));
  g_return_if_fail (TANDEM_IS_SAMPLE_TRANSFERS (transfers));
  g_return_if_fail (TANDEM_IS_PROJECT (project));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, tandem_remote_host_upload_samples_async);
  data = g_new0 (UploadData, 1);
  data->task = task;
  data->transfers = g_ptr_array_new_with_free_func (g_object_unref);
  g_task_set_task_data (task, data, (GDestroyNotify) upload_data_free);

  samples = tandem_project_get_samples (project);
  for (guint i = 0; i < g_list_model_get_n_items (samples); i++)
    {
      g_autoptr(TandemSampleInfo) info = g_list_model_get_item (samples, i);
      const char *hash = tandem_sample_info_get_id (info);
      g_autofree char *path = tandem_sample_store_lookup (store, hash);
      TandemSampleTransfer *t;

      if (path == NULL)
        continue;
      t = tandem_sample_transfers_upload (transfers, hash);
      g_ptr_array_add (data->transfers, g_object_ref (t));
      g_signal_connect (t, "notify", G_CALLBACK (on_transfer_notify), data);
    }

  set_fraction (self, 0);
  set_stage (self, TANDEM_REMOTE_HOST_UPLOADING);
  if (cancellable != NULL)
    {
      data->cancellable = g_object_ref (cancellable);
      data->cancelled_id = g_cancellable_connect (cancellable, G_CALLBACK (on_cancelled),
                                                  data, NULL);
    }
  /* The reference from g_task_new() is the operation's, until it returns. */
  check_uploads (task);
}

gboolean
tandem_remote_host_upload_samples_finish (TandemRemoteHost  *self,
                                          GAsyncResult      *result,
                                          GError           **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

TandemRemoteHostStage
tandem_remote_host_get_stage (TandemRemoteHost *self)
{
  g_return_val_if_fail (TANDEM_IS_REMOTE_HOST (self), TANDEM_REMOTE_HOST_IDLE);

  return self->stage;
}

double
tandem_remote_host_get_fraction (TandemRemoteHost *self)
{
  g_return_val_if_fail (TANDEM_IS_REMOTE_HOST (self), 0);

  return self->fraction;
}

/* GObject */

static void
tandem_remote_host_finalize (GObject *object)
{
  TandemRemoteHost *self = TANDEM_REMOTE_HOST (object);

  g_clear_object (&self->soup);
  G_OBJECT_CLASS (tandem_remote_host_parent_class)->finalize (object);
}

static void
tandem_remote_host_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  TandemRemoteHost *self = TANDEM_REMOTE_HOST (object);

  switch (prop_id)
    {
    case PROP_STAGE:
      g_value_set_int (value, self->stage);
      break;
    case PROP_FRACTION:
      g_value_set_double (value, self->fraction);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tandem_remote_host_class_init (TandemRemoteHostClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = tandem_remote_host_finalize;
  object_class->get_property = tandem_remote_host_get_property;

  properties[PROP_STAGE] =
    g_param_spec_int ("stage", NULL, NULL, TANDEM_REMOTE_HOST_IDLE, TANDEM_REMOTE_HOST_DONE,
                      TANDEM_REMOTE_HOST_IDLE,
                      G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_FRACTION] =
    g_param_spec_double ("fraction", NULL, NULL, 0, 1, 0,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
tandem_remote_host_init (TandemRemoteHost *self)
{
}

/**
 * tandem_remote_host_new:
 * @session: (nullable): the HTTP session to send requests with (its TLS
 *   settings apply); NULL makes one
 */
TandemRemoteHost *
tandem_remote_host_new (SoupSession *session)
{
  TandemRemoteHost *self = g_object_new (TANDEM_TYPE_REMOTE_HOST, NULL);

  self->soup = session != NULL ? g_object_ref (session)
                               : soup_session_new_with_options ("timeout", 30, NULL);
  self->own_soup = session == NULL;
  return self;
}
