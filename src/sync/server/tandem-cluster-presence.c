/* tandem-cluster-presence.c — who is in a session, across the nodes of a cluster
 *
 * Presence changes many times a second and matters only while it is fresh,
 * so it never goes into a session's stream: each node publishes the
 * presence of its own people on the session's channel in Redis
 * (tandem:{<id>}:presence) and subscribes to the channels of the sessions it
 * has people in. A node repeats what it published every heartbeat; the
 * people of a node that has gone silent for the expiry time (crashed, cut
 * off from Redis) leave, for everyone else. A node that starts listening to
 * a session asks the others to repeat themselves, so that its people see
 * everyone at once, not a heartbeat later.
 *
 * Messages on a channel (one line of header, then the body):
 *   P <node>\n<client>\n<presence message>   a person's presence
 *   L <node>\n<client>\n                     they left
 *   W <node>\n                               who is there? (repeat yours)
 *   R <node>\n<client>\n<role>               the owner gave them a role
 *
 * Roles travel the same way: the owner may be on one node and the person
 * on another, whose node applies the change (the same rule as one node:
 * the role holds for the client id while the nodes run).
 *
 * Pub/sub is fire and forget: a message lost while Redis is away is made
 * good by the next heartbeat. All of it runs on the server's main context,
 * through hiredis's GLib adapter.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-sync"

#include "config.h"

#include <string.h>

#include <hiredis/async.h>
#include <hiredis/hiredis.h>
#include <hiredis/adapters/glib.h>

#include "tandem-cluster-presence.h"
#include "tandem-session-server-private.h"

#define DEFAULT_HEARTBEAT_MS 5000
#define DEFAULT_EXPIRY_MS    15000
/* Far above any real presence (a name, a cursor, a view): a bound, so that
 * nothing on the channel can make this node hold much. */
#define MAX_MESSAGE_BYTES    (16 * 1024)

struct _TandemClusterPresence
{
  TandemSessionServer *server;
  char                *host;
  int                  port;
  char                *node_id;
  redisAsyncContext   *pub;
  redisAsyncContext   *sub;
  /* Each context's GLib source: the adapter leaves it attached when the
   * context goes, so it is destroyed here. */
  GSource             *pub_source;
  GSource             *sub_source;
  gboolean             pub_up;
  gboolean             sub_up;
  GHashTable          *local;    /* session id → (client id → presence text) */
  GHashTable          *remote;   /* "<session>\n<client>" → RemoteSeen */
  GSource             *tick;
  guint                heartbeat_ms;
  guint                expiry_ms;
  gboolean             freeing;
};

typedef struct
{
  char   *session_id;
  char   *client_id;
  char   *node;
  gint64  seen_us;
} RemoteSeen;

static void
remote_seen_free (gpointer data)
{
  RemoteSeen *seen = data;

  g_free (seen->session_id);
  g_free (seen->client_id);
  g_free (seen->node);
  g_free (seen);
}

static char *
channel_for (const char *session_id)
{
  return g_strdup_printf ("tandem:{%s}:presence", session_id);
}

/* The session id of a channel name, or NULL. */
static char *
session_of_channel (const char *channel)
{
  const char *open = strchr (channel, '{');
  const char *close = open ? strchr (open, '}') : NULL;
  g_autofree char *id = NULL;

  if (!g_str_has_prefix (channel, "tandem:{") || close == NULL
      || strcmp (close, "}:presence") != 0)
    return NULL;
  id = g_strndup (open + 1, close - open - 1);
  return tandem_invite_is_valid_session_id (id) ? g_steal_pointer (&id) : NULL;
}

static void
publish (TandemClusterPresence *self,
         const char            *session_id,
         const char            *payload)
{
  g_autofree char *channel = NULL;

  if (!self->pub_up)
    return;
  channel = channel_for (session_id);
  redisAsyncCommand (self->pub, NULL, NULL, "PUBLISH %s %s", channel, payload);
}

static void
publish_presence (TandemClusterPresence *self,
                  const char            *session_id,
                  const char            *client_id,
                  const char            *text)
{
  g_autofree char *payload = text != NULL
    ? g_strdup_printf ("P %s\n%s\n%s", self->node_id, client_id, text)
    : g_strdup_printf ("L %s\n%s\n", self->node_id, client_id);

  publish (self, session_id, payload);
}

/* Everything this node's people in @session_id look like, again. */
static void
republish_session (TandemClusterPresence *self,
                   const char            *session_id,
                   GHashTable            *people)
{
  GHashTableIter iter;
  gpointer client, text;

  g_hash_table_iter_init (&iter, people);
  while (g_hash_table_iter_next (&iter, &client, &text))
    publish_presence (self, session_id, client, text);
}

static void on_message (redisAsyncContext *ac, void *r, void *data);

static void
subscribe (TandemClusterPresence *self,
           const char            *session_id)
{
  g_autofree char *channel = NULL;
  g_autofree char *who = NULL;

  if (!self->sub_up)
    return;
  channel = channel_for (session_id);
  redisAsyncCommand (self->sub, on_message, self, "SUBSCRIBE %s", channel);
  who = g_strdup_printf ("W %s\n", self->node_id);
  publish (self, session_id, who);
}

/* The people of @session_id seen on other nodes leave, for this node's
 * people; with @node, only that node's. */
static void
forget_remote (TandemClusterPresence *self,
               const char            *session_id,
               const char            *node)
{
  GHashTableIter iter;
  gpointer key, value;
  g_autoptr(GPtrArray) gone = g_ptr_array_new_with_free_func (remote_seen_free);

  g_hash_table_iter_init (&iter, self->remote);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      RemoteSeen *seen = value;

      if ((session_id == NULL || strcmp (seen->session_id, session_id) == 0)
          && (node == NULL || strcmp (seen->node, node) == 0))
        {
          /* Stolen, to be told after the walk: the key is ours to free. */
          g_hash_table_iter_steal (&iter);
          g_free (key);
          g_ptr_array_add (gone, seen);
        }
    }
  for (guint i = 0; i < gone->len; i++)
    {
      RemoteSeen *seen = gone->pdata[i];

      tandem_session_server_remote_presence (self->server, seen->session_id, seen->client_id, NULL);
    }
}

static void
handle_payload (TandemClusterPresence *self,
                const char            *session_id,
                const char            *payload,
                gsize                  length)
{
  g_auto(GStrv) parts = NULL;
  g_autofree char *key = NULL;
  const char *node;
  RemoteSeen *seen;

  if (length < 3 || length > MAX_MESSAGE_BYTES || payload[1] != ' ')
    return;
  parts = g_strsplit (payload + 2, "\n", 3);
  node = parts[0];
  if (node == NULL || *node == '\0' || strcmp (node, self->node_id) == 0)
    return;
  if (payload[0] == 'W')
    {
      GHashTable *people = g_hash_table_lookup (self->local, session_id);

      if (people != NULL)
        republish_session (self, session_id, people);
      return;
    }
  if (parts[1] == NULL || !tandem_invite_is_valid_session_id (parts[1]) || parts[2] == NULL)
    return;
  key = g_strdup_printf ("%s\n%s", session_id, parts[1]);
  if (payload[0] == 'R')
    {
      TandemRole role;

      if (tandem_role_from_string (parts[2], &role))
        tandem_session_server_remote_role (self->server, session_id, parts[1], role);
      return;
    }
  if (payload[0] == 'L')
    {
      if (g_hash_table_remove (self->remote, key))
        tandem_session_server_remote_presence (self->server, session_id, parts[1], NULL);
      return;
    }
  if (payload[0] != 'P')
    return;
  seen = g_hash_table_lookup (self->remote, key);
  if (seen == NULL)
    {
      seen = g_new0 (RemoteSeen, 1);
      seen->session_id = g_strdup (session_id);
      seen->client_id = g_strdup (parts[1]);
      g_hash_table_insert (self->remote, g_steal_pointer (&key), seen);
    }
  g_free (seen->node);
  seen->node = g_strdup (node);
  seen->seen_us = g_get_monotonic_time ();
  tandem_session_server_remote_presence (self->server, session_id, parts[1], parts[2]);
}

void
_tandem_cluster_presence_handle (TandemClusterPresence *self,
                                 const char            *session_id,
                                 const char            *payload,
                                 gsize                  length)
{
  handle_payload (self, session_id, payload, length);
}

void
_tandem_cluster_presence_forget (TandemClusterPresence *self)
{
  forget_remote (self, NULL, NULL);
}

/* Every reply on the subscription: confirmations, then each message. */
static void
on_message (redisAsyncContext *ac,
            void              *r,
            void              *data)
{
  TandemClusterPresence *self = data;
  redisReply *reply = r;
  g_autofree char *session_id = NULL;

  if (reply == NULL || self->freeing || reply->type != REDIS_REPLY_ARRAY || reply->elements != 3
      || reply->element[0]->type != REDIS_REPLY_STRING
      || strcmp (reply->element[0]->str, "message") != 0
      || reply->element[1]->type != REDIS_REPLY_STRING
      || reply->element[2]->type != REDIS_REPLY_STRING)
    return;
  session_id = session_of_channel (reply->element[1]->str);
  if (session_id != NULL)
    handle_payload (self, session_id, reply->element[2]->str, reply->element[2]->len);
}

static void
drop_source (GSource **source)
{
  if (*source != NULL)
    {
      g_source_destroy (*source);
      g_source_unref (*source);
      *source = NULL;
    }
}

static void
on_connect (const redisAsyncContext *ac,
            int                      status)
{
  TandemClusterPresence *self = ac->data;
  gboolean is_sub = ac == self->sub;

  if (status != REDIS_OK)
    {
      /* hiredis frees the context after this. */
      if (is_sub)
        {
          self->sub = NULL;
          drop_source (&self->sub_source);
        }
      else
        {
          self->pub = NULL;
          drop_source (&self->pub_source);
        }
      return;
    }
  if (is_sub)
    {
      GHashTableIter iter;
      gpointer id;

      self->sub_up = TRUE;
      g_hash_table_iter_init (&iter, self->local);
      while (g_hash_table_iter_next (&iter, &id, NULL))
        subscribe (self, id);
    }
  else
    self->pub_up = TRUE;
}

static void
on_disconnect (const redisAsyncContext *ac,
               int                      status)
{
  TandemClusterPresence *self = ac->data;

  if (self->freeing)
    return;
  if (ac == self->sub)
    {
      self->sub = NULL;
      self->sub_up = FALSE;
      drop_source (&self->sub_source);
    }
  else if (ac == self->pub)
    {
      self->pub = NULL;
      self->pub_up = FALSE;
      drop_source (&self->pub_source);
    }
}

static redisAsyncContext *
connect_async (TandemClusterPresence  *self,
               GSource               **source)
{
  redisAsyncContext *ac = redisAsyncConnect (self->host, self->port);

  if (ac == NULL)
    return NULL;
  if (ac->err)
    {
      g_debug ("Presence cannot reach Redis: %s", ac->errstr);
      redisAsyncFree (ac);
      return NULL;
    }
  ac->data = self;
  *source = redis_source_new (ac);
  g_source_attach (*source, self->server->context);
  redisAsyncSetConnectCallback (ac, on_connect);
  redisAsyncSetDisconnectCallback (ac, on_disconnect);
  return ac;
}

static gboolean
tick_cb (gpointer data)
{
  TandemClusterPresence *self = data;
  gint64 now = g_get_monotonic_time ();
  GHashTableIter iter;
  gpointer key, value;
  g_autoptr(GPtrArray) silent = g_ptr_array_new_with_free_func (remote_seen_free);

  /* Reconnect, in the background, whatever went away. */
  if (self->pub == NULL)
    self->pub = connect_async (self, &self->pub_source);
  if (self->sub == NULL)
    self->sub = connect_async (self, &self->sub_source);

  g_hash_table_iter_init (&iter, self->local);
  while (g_hash_table_iter_next (&iter, &key, &value))
    republish_session (self, key, value);

  g_hash_table_iter_init (&iter, self->remote);
  while (g_hash_table_iter_next (&iter, &key, &value))
    if (now - ((RemoteSeen *) value)->seen_us > (gint64) self->expiry_ms * 1000)
      {
        g_hash_table_iter_steal (&iter);
        g_free (key);
        g_ptr_array_add (silent, value);
      }
  for (guint i = 0; i < silent->len; i++)
    {
      RemoteSeen *seen = silent->pdata[i];

      g_debug ("Session %s: %s on node %s went silent", seen->session_id, seen->client_id, seen->node);
      tandem_session_server_remote_presence (self->server, seen->session_id, seen->client_id, NULL);
    }
  return G_SOURCE_CONTINUE;
}

static void
restart_tick (TandemClusterPresence *self)
{
  drop_source (&self->tick);
  self->tick = _tandem_server_add_timeout (self->server, self->heartbeat_ms, tick_cb, self);
}

/* From the server: one of this node's people in @session. */
static void
relay (TandemSession *session,
       const char    *client_id,
       const char    *text,
       gpointer       data)
{
  TandemClusterPresence *self = data;
  GHashTable *people = g_hash_table_lookup (self->local, session->id);

  if (text != NULL)
    {
      if (people == NULL)
        {
          people = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
          g_hash_table_insert (self->local, g_strdup (session->id), people);
          subscribe (self, session->id);
        }
      g_hash_table_replace (people, g_strdup (client_id), g_strdup (text));
    }
  else if (people != NULL)
    {
      g_hash_table_remove (people, client_id);
    }
  publish_presence (self, session->id, client_id, text);

  /* Nobody of this node left in the session: nothing to hear of it. */
  if (people != NULL && g_hash_table_size (people) == 0)
    {
      g_autofree char *channel = channel_for (session->id);

      if (self->sub_up)
        redisAsyncCommand (self->sub, NULL, NULL, "UNSUBSCRIBE %s", channel);
      forget_remote (self, session->id, NULL);
      g_hash_table_remove (self->local, session->id);
    }
}

static void on_server_gone (gpointer data, GObject *where_it_was);

static void
relay_role (TandemSession *session,
            const char    *client_id,
            TandemRole     role,
            gpointer       data)
{
  TandemClusterPresence *self = data;
  g_autofree char *payload = g_strdup_printf ("R %s\n%s\n%s", self->node_id, client_id,
                                              tandem_role_to_string (role));

  publish (self, session->id, payload);
}

TandemClusterPresence *
_tandem_cluster_presence_new (const char          *host,
                              int                  port,
                              const char          *node_id,
                              TandemSessionServer *server)
{
  TandemClusterPresence *self = g_new0 (TandemClusterPresence, 1);

  self->server = server;
  self->host = g_strdup (host);
  self->port = port;
  self->node_id = g_strdup (node_id);
  self->heartbeat_ms = DEFAULT_HEARTBEAT_MS;
  self->expiry_ms = DEFAULT_EXPIRY_MS;
  self->local = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                       (GDestroyNotify) g_hash_table_unref);
  self->remote = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, remote_seen_free);
  self->pub = connect_async (self, &self->pub_source);
  self->sub = connect_async (self, &self->sub_source);
  restart_tick (self);
  /* The server may go first (tandem-server frees it before the cluster). */
  g_object_weak_ref (G_OBJECT (server), on_server_gone, self);
  server->relay_presence = relay;
  server->relay_role = relay_role;
  server->relay_presence_data = self;
  return self;
}

void
_tandem_cluster_presence_set_timing (TandemClusterPresence *self,
                                     guint                  heartbeat_ms,
                                     guint                  expiry_ms)
{
  self->heartbeat_ms = heartbeat_ms;
  self->expiry_ms = expiry_ms;
  restart_tick (self);
}

/* Everything that runs on the server's context stops. */
static void
stop (TandemClusterPresence *self)
{
  self->freeing = TRUE;
  drop_source (&self->tick);
  if (self->pub != NULL)
    redisAsyncFree (self->pub);
  if (self->sub != NULL)
    redisAsyncFree (self->sub);
  self->pub = self->sub = NULL;
  drop_source (&self->pub_source);
  drop_source (&self->sub_source);
}

static void
on_server_gone (gpointer  data,
                GObject  *where_it_was)
{
  TandemClusterPresence *self = data;

  stop (self);
  self->server = NULL;
}

/* Goes silent, as a crash would: no leaves are published. */
void
_tandem_cluster_presence_free (TandemClusterPresence *self)
{
  if (self == NULL)
    return;
  if (self->server != NULL)
    {
      if (self->server->relay_presence_data == self)
        {
          self->server->relay_presence = NULL;
          self->server->relay_role = NULL;
          self->server->relay_presence_data = NULL;
        }
      g_object_weak_unref (G_OBJECT (self->server), on_server_gone, self);
      stop (self);
    }
  g_hash_table_unref (self->local);
  g_hash_table_unref (self->remote);
  g_free (self->host);
  g_free (self->node_id);
  g_free (self);
}
