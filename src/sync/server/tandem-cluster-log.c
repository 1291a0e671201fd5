/* tandem-cluster-log.c — a session's log in a Redis stream
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-cluster"

#include "config.h"

#include <string.h>

#include "tandem-cluster-private.h"
#include "tandem-session-server-private.h"

/*
 * Each session log has its own blocking connection: it is used only by the
 * session's flush worker, one call at a time, so a Redis that stalls stalls
 * that session's acknowledgements and nothing else. Records are written to
 * Redis first (the cluster's order) and then to the local journal, which
 * lets a node restart the way a single server does.
 */

#define CONNECT_TIMEOUT_MS 2000
#define COMMAND_TIMEOUT_MS 5000
#define WAIT_TIMEOUT_MS    5000

/* KEYS[1] the stream, KEYS[2] the session's hash (last seq, last cseq of
 * each client). ARGV[1] the number of records, ARGV[2] this node's id
 * (stored with each entry, so the node knows its own notes when it tails
 * the stream), then per record its text, client id, cseq and seq (client
 * "" and 0, 0 for notes, which carry no seq; for a claim, the client id,
 * the hash of its secret and -1). A claim of a client id that the hash
 * (k:<client id>) binds to another secret is refused: the first claim in
 * the stream holds on every node. A batch whose (client id,
 * cseq) is there already, or whose seq is not the next, means the node has
 * not seen the whole stream: the flush is refused, and the node's tail
 * brings it up to date (the copy it holds is then a duplicate that it
 * drops). Everything is checked before anything is written: a script that
 * fails half-way is not rolled back. Returns the id of the last entry. */
static const char append_script[] =
  "local last = tonumber(redis.call('HGET', KEYS[2], 'seq') or '0')\n"
  "local n = tonumber(ARGV[1])\n"
  "local known = {}\n"
  "local keep = {}\n"
  "local claims = {}\n"
  "for i = 0, n - 1 do\n"
  "  local client, cseq, seq = ARGV[4 + i * 4], tonumber(ARGV[5 + i * 4]), tonumber(ARGV[6 + i * 4])\n"
  "  if seq == -1 then\n"
  "    local secret = ARGV[5 + i * 4]\n"
  "    local have = claims[client] or redis.call('HGET', KEYS[2], 'k:' .. client)\n"
  "    if have and have ~= secret then\n"
  "      return redis.error_reply('CLAIM ' .. client)\n"
  "    end\n"
  "    claims[client] = secret\n"
  "    keep[i] = true\n"
  "  elseif seq == 0 then\n"
  "    keep[i] = true\n"
  "  else\n"
  "    if known[client] == nil then\n"
  "      known[client] = tonumber(redis.call('HGET', KEYS[2], 'c:' .. client) or '0')\n"
  "    end\n"
  "    if cseq <= known[client] then\n"
  "      return redis.error_reply('SEQ stream at ' .. last .. ', ' .. client .. '/' .. cseq .. ' in it already')\n"
  "    end\n"
  "    if seq ~= last + 1 then\n"
  "      return redis.error_reply('SEQ stream at ' .. last .. ', got ' .. seq)\n"
  "    end\n"
  "    last = seq\n"
  "    known[client] = cseq\n"
  "    keep[i] = true\n"
  "  end\n"
  "end\n"
  "local id = redis.call('HGET', KEYS[2], 'last-id') or ''\n"
  "for i = 0, n - 1 do\n"
  "  if keep[i] then\n"
  "    local s = ARGV[6 + i * 4]\n"
  "    if s == '-1' then s = '0' end\n"
  "    id = redis.call('XADD', KEYS[1], '*', 'r', ARGV[3 + i * 4], 's', s, 'n', ARGV[2])\n"
  "  end\n"
  "end\n"
  "redis.call('HSET', KEYS[2], 'seq', last, 'last-id', id)\n"
  "for client, cseq in pairs(known) do\n"
  "  redis.call('HSET', KEYS[2], 'c:' .. client, cseq)\n"
  "end\n"
  "for client, secret in pairs(claims) do\n"
  "  redis.call('HSET', KEYS[2], 'k:' .. client, secret)\n"
  "end\n"
  "return id\n";

typedef struct
{
  TandemSessionLog  parent;
  TandemCluster    *cluster;
  TandemSessionLog *local;       /* the node's own journal, written after Redis */
  char             *log_key;
  char             *meta_key;
  char             *snapshot_key;
  char             *session_key;
  redisContext     *redis;
  char             *last_id;     /* of the last entry written */
  char             *trim_id;     /* last_id at the compaction before, for XTRIM */
  guint             n_batch_flushes; /* tests only: for the sabotage */
} ClusterLog;

static void
set_unavailable (GError    **error,
                 const char *why)
{
  g_set_error (error, TANDEM_SYNC_ERROR, TANDEM_SYNC_ERROR_JOURNAL,
               "storage unavailable: %s", why);
}

redisContext *
_tandem_cluster_connect (TandemCluster *cluster,
                         guint          command_timeout_ms,
                         GError       **error)
{
  struct timeval connect_timeout = { CONNECT_TIMEOUT_MS / 1000, (CONNECT_TIMEOUT_MS % 1000) * 1000 };
  struct timeval command_timeout = { command_timeout_ms / 1000, (command_timeout_ms % 1000) * 1000 };
  redisContext *c = redisConnectWithTimeout (cluster->host, cluster->port, connect_timeout);
  redisReply *reply;

  if (c == NULL || c->err)
    {
      set_unavailable (error, c ? c->errstr : "out of memory");
      if (c)
        redisFree (c);
      return NULL;
    }
  redisSetTimeout (c, command_timeout);
  if (cluster->db != 0)
    {
      reply = redisCommand (c, "SELECT %d", cluster->db);
      if (reply == NULL || reply->type == REDIS_REPLY_ERROR)
        {
          set_unavailable (error, reply ? reply->str : c->errstr);
          g_clear_pointer (&reply, freeReplyObject);
          redisFree (c);
          return NULL;
        }
      freeReplyObject (reply);
    }
  return c;
}

/* A reply that is neither NULL (connection lost) nor an error. */
static gboolean
reply_ok (ClusterLog  *self,
          redisReply  *reply,
          GError     **error)
{
  if (reply == NULL)
    {
      set_unavailable (error, self->redis->errstr);
      g_clear_pointer (&self->redis, redisFree);
      return FALSE;
    }
  if (reply->type == REDIS_REPLY_ERROR)
    {
      /* "SEQ stream at N, …": the session's tail brings this node up to N. */
      if (g_str_has_prefix (reply->str, "SEQ "))
        g_set_error (error, TANDEM_SYNC_ERROR, TANDEM_SYNC_ERROR_BEHIND,
                     "another node wrote this session (%s)", reply->str + 4);
      else if (g_str_has_prefix (reply->str, "CLAIM "))
        g_set_error (error, TANDEM_SYNC_ERROR, TANDEM_SYNC_ERROR_CLAIMED,
                     "another node bound this client id to another secret: %s",
                     reply->str + 6);
      else
        set_unavailable (error, reply->str);
      return FALSE;
    }
  return TRUE;
}

static gboolean
ensure_connected (ClusterLog *self,
                  GError    **error)
{
  if (self->redis && self->redis->err)
    g_clear_pointer (&self->redis, redisFree);
  if (self->redis == NULL)
    self->redis = _tandem_cluster_connect (self->cluster, COMMAND_TIMEOUT_MS, error);
  return self->redis != NULL;
}

/* What the script needs of a record: its client id, cseq and seq (notes:
 * "", 0, 0; claims: the client id, the secret's hash and -1). */
static void
record_keys (const char *text,
             char      **client,
             char      **cseq,
             gint64     *seq)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonNode *root;
  JsonObject *obj;

  *client = g_strdup ("");
  *cseq = g_strdup ("0");
  *seq = 0;
  if (!json_parser_load_from_data (parser, text, -1, NULL)
      || (root = json_parser_get_root (parser)) == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return;
  obj = json_node_get_object (root);
  if (g_strcmp0 (json_object_get_string_member_with_default (obj, "type", ""), "claim") == 0)
    {
      g_free (*client);
      g_free (*cseq);
      *client = g_strdup (json_object_get_string_member_with_default (obj, "client", ""));
      *cseq = g_strdup (json_object_get_string_member_with_default (obj, "secret_sha256", ""));
      *seq = -1;
      return;
    }
  if (!json_object_has_member (obj, "seq") || !json_object_has_member (obj, "cseq"))
    return;
  g_free (*client);
  g_free (*cseq);
  *client = g_strdup (json_object_get_string_member_with_default (obj, "client", ""));
  *cseq = g_strdup_printf ("%" G_GINT64_FORMAT,
                           json_object_get_int_member_with_default (obj, "cseq", 0));
  *seq = json_object_get_int_member_with_default (obj, "seq", 0);
}

static redisReply *
run_append (ClusterLog  *self,
            int          argc,
            const char **argv,
            size_t      *argvlen)
{
  TandemCluster *cluster = self->cluster;
  g_autofree char *sha = NULL;
  redisReply *reply;

  g_mutex_lock (&cluster->lock);
  sha = g_strdup (cluster->script_sha);
  g_mutex_unlock (&cluster->lock);
  if (sha == NULL)
    {
      reply = redisCommand (self->redis, "SCRIPT LOAD %s", append_script);
      if (reply == NULL || reply->type != REDIS_REPLY_STRING)
        return reply;
      sha = g_strdup (reply->str);
      freeReplyObject (reply);
      g_mutex_lock (&cluster->lock);
      if (cluster->script_sha == NULL)
        cluster->script_sha = g_strdup (sha);
      g_mutex_unlock (&cluster->lock);
    }
  argv[1] = sha;
  argvlen[1] = strlen (sha);
  reply = redisCommandArgv (self->redis, argc, argv, argvlen);
  if (reply && reply->type == REDIS_REPLY_ERROR && g_str_has_prefix (reply->str, "NOSCRIPT"))
    {
      /* Redis restarted without its script cache. */
      freeReplyObject (reply);
      g_mutex_lock (&cluster->lock);
      g_clear_pointer (&cluster->script_sha, g_free);
      g_mutex_unlock (&cluster->lock);
      argv[0] = "EVAL";
      argvlen[0] = 4;
      argv[1] = append_script;
      argvlen[1] = strlen (append_script);
      reply = redisCommandArgv (self->redis, argc, argv, argvlen);
    }
  return reply;
}

static gboolean
cluster_write_records (TandemSessionLog *log,
                       char            **records,
                       guint             n_records,
                       GError          **error)
{
  ClusterLog *self = (ClusterLog *) log;
  int argc = 7 + 4 * n_records;
  g_autofree const char **argv = g_new0 (const char *, argc);
  g_autofree size_t *argvlen = g_new0 (size_t, argc);
  g_autoptr(GPtrArray) owned = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *n_text = g_strdup_printf ("%u", n_records);
  redisReply *reply;
  gboolean has_batch = FALSE;
  int a = 0;

  if (!ensure_connected (self, error))
    return FALSE;
  argv[a++] = "EVALSHA";
  argv[a++] = NULL;   /* the script's sha, filled in by run_append */
  argv[a++] = "2";
  argv[a++] = self->log_key;
  argv[a++] = self->meta_key;
  argv[a++] = n_text;
  argv[a++] = self->cluster->node_id;
  for (guint i = 0; i < n_records; i++)
    {
      char *client, *cseq;
      gint64 seq;

      record_keys (records[i], &client, &cseq, &seq);
      g_ptr_array_add (owned, client);
      g_ptr_array_add (owned, cseq);
      argv[a++] = records[i];
      argv[a++] = client;
      argv[a++] = cseq;
      g_ptr_array_add (owned, g_strdup_printf ("%" G_GINT64_FORMAT, seq));
      argv[a++] = g_ptr_array_index (owned, owned->len - 1);
      has_batch |= seq > 0;
    }
  g_assert (a == argc);
  /* TEST-ONLY SABOTAGE (TANDEM_CLUSTER_SABOTAGE=1, read once at start):
   * every 16th flush holding a batch skips Redis and is acknowledged all
   * the same, so that tests/sync/test-cluster-faults.c can show its checker
   * catches lost edits. Never set on a real node. */
  if (self->cluster->sabotage && has_batch && ++self->n_batch_flushes % 16 == 0)
    return tandem_session_log_write_records (self->local, records, n_records, error);
  for (int i = 0; i < argc; i++)
    argvlen[i] = argv[i] ? strlen (argv[i]) : 0;

  reply = run_append (self, argc, argv, argvlen);
  if (!reply_ok (self, reply, error))
    {
      g_clear_pointer (&reply, freeReplyObject);
      return FALSE;
    }
  if (reply->type == REDIS_REPLY_STRING && reply->len > 0)
    {
      g_free (self->last_id);
      self->last_id = g_strndup (reply->str, reply->len);
    }
  freeReplyObject (reply);

  if (self->cluster->replicas > 0)
    {
      reply = redisCommand (self->redis, "WAIT %u %d", self->cluster->replicas, WAIT_TIMEOUT_MS);
      if (!reply_ok (self, reply, error))
        {
          g_clear_pointer (&reply, freeReplyObject);
          return FALSE;
        }
      if (reply->type != REDIS_REPLY_INTEGER || reply->integer < (long long) self->cluster->replicas)
        {
          g_autofree char *why = g_strdup_printf ("%lld of %u replicas confirmed the write",
                                                  reply->type == REDIS_REPLY_INTEGER ? reply->integer : 0,
                                                  self->cluster->replicas);

          /* The records are in the primary; a retry of the same cseq is
           * dropped there as a duplicate. */
          freeReplyObject (reply);
          set_unavailable (error, why);
          return FALSE;
        }
      freeReplyObject (reply);
    }
  return tandem_session_log_write_records (self->local, records, n_records, error);
}

static gboolean
cluster_write_snapshot (TandemSessionLog *log,
                        JsonNode         *snapshot,
                        GError          **error)
{
  ClusterLog *self = (ClusterLog *) log;
  g_autofree char *text = json_to_string (snapshot, FALSE);
  redisReply *reply;

  if (!tandem_session_log_write_snapshot (self->local, snapshot, error))
    return FALSE;
  if (!ensure_connected (self, error))
    return FALSE;
  reply = redisCommand (self->redis, "SET %s %b", self->snapshot_key, text, strlen (text));
  if (!reply_ok (self, reply, error))
    {
      g_clear_pointer (&reply, freeReplyObject);
      return FALSE;
    }
  freeReplyObject (reply);
  /* Up to where this node was at the compaction before, not to where it
   * is: the other nodes' tails may not be as far yet. */
  if (self->trim_id)
    {
      g_auto(GStrv) parts = g_strsplit (self->trim_id, "-", 2);
      g_autofree char *min_id = g_strdup_printf ("%s-%" G_GUINT64_FORMAT, parts[0],
                                                 g_ascii_strtoull (parts[1] ? parts[1] : "0", NULL, 10) + 1);

      reply = redisCommand (self->redis, "XTRIM %s MINID %s", self->log_key, min_id);
      if (!reply_ok (self, reply, error))
        {
          g_clear_pointer (&reply, freeReplyObject);
          return FALSE;
        }
      freeReplyObject (reply);
    }
  g_free (self->trim_id);
  self->trim_id = g_strdup (self->last_id);
  return TRUE;
}

/* Records another node put in the stream: only the local journal lacks them. */
static gboolean
cluster_write_replicated (TandemSessionLog *log,
                          char            **records,
                          guint             n_records,
                          GError          **error)
{
  return tandem_session_log_write_records (((ClusterLog *) log)->local, records, n_records, error);
}

static gboolean
cluster_write_session (TandemSessionLog *log,
                       const char       *meta,
                       JsonNode         *snapshot,
                       GError          **error)
{
  ClusterLog *self = (ClusterLog *) log;
  g_autofree char *text = json_to_string (snapshot, FALSE);
  redisReply *reply;

  if (!ensure_connected (self, error))
    return FALSE;
  /* The snapshot first: a description in the store means a whole session. */
  reply = redisCommand (self->redis, "SET %s %b", self->snapshot_key, text, strlen (text));
  if (!reply_ok (self, reply, error))
    {
      g_clear_pointer (&reply, freeReplyObject);
      return FALSE;
    }
  freeReplyObject (reply);
  reply = redisCommand (self->redis, "HSET %s meta %b", self->session_key, meta, strlen (meta));
  if (!reply_ok (self, reply, error))
    {
      g_clear_pointer (&reply, freeReplyObject);
      return FALSE;
    }
  freeReplyObject (reply);
  return TRUE;
}

static guint
cluster_get_n_records (TandemSessionLog *log)
{
  return tandem_session_log_get_n_records (((ClusterLog *) log)->local);
}

static void
cluster_free (TandemSessionLog *log)
{
  ClusterLog *self = (ClusterLog *) log;

  tandem_session_log_free (self->local);
  g_clear_pointer (&self->redis, redisFree);
  g_free (self->log_key);
  g_free (self->meta_key);
  g_free (self->snapshot_key);
  g_free (self->session_key);
  g_free (self->last_id);
  g_free (self->trim_id);
  g_free (self);
}

static const TandemSessionLogClass cluster_class = {
  .name = "redis",
  .write_snapshot = cluster_write_snapshot,
  .write_records = cluster_write_records,
  .write_replicated = cluster_write_replicated,
  .write_session = cluster_write_session,
  .get_n_records = cluster_get_n_records,
  .free = cluster_free,
};

static TandemSessionLog *
open_cluster_log (TandemSession *session,
                  gpointer       data)
{
  ClusterLog *self = g_new0 (ClusterLog, 1);

  self->parent.klass = &cluster_class;
  self->cluster = data;
  self->local = tandem_session_log_new_local (session->journal);
  self->log_key = g_strdup_printf ("tandem:{%s}:log", session->id);
  self->meta_key = g_strdup_printf ("tandem:{%s}:meta", session->id);
  self->snapshot_key = g_strdup_printf ("tandem:{%s}:snapshot", session->id);
  self->session_key = g_strdup_printf ("tandem:{%s}:session", session->id);
  /* Connects at the first write, on the flush worker. */
  return &self->parent;
}

TandemCluster *
tandem_cluster_new (const char *url,
                    const char *node_id,
                    guint       replicas,
                    GError    **error)
{
  g_autoptr(GUri) uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);
  TandemCluster *self;
  const char *path;
  gint64 db = 0;

  if (uri == NULL || g_strcmp0 (g_uri_get_scheme (uri), "redis") != 0
      || g_uri_get_host (uri) == NULL || *g_uri_get_host (uri) == '\0')
    {
      g_set_error (error, TANDEM_SYNC_ERROR, TANDEM_SYNC_ERROR_FAILED,
                   "“%s” is not redis://HOST:PORT[/DB]", url);
      return NULL;
    }
  path = g_uri_get_path (uri);
  if (path && *path == '/')
    path++;
  if (path && *path && (!g_ascii_string_to_signed (path, 10, 0, 15, &db, NULL)))
    {
      g_set_error (error, TANDEM_SYNC_ERROR, TANDEM_SYNC_ERROR_FAILED,
                   "“%s”: the database must be a number from 0 to 15", url);
      return NULL;
    }
  if (node_id == NULL || *node_id == '\0' || strlen (node_id) > 64)
    {
      g_set_error (error, TANDEM_SYNC_ERROR, TANDEM_SYNC_ERROR_FAILED,
                   "--node-id must name this node (1 to 64 characters)");
      return NULL;
    }
  self = g_new0 (TandemCluster, 1);
  self->host = g_strdup (g_uri_get_host (uri));
  self->port = g_uri_get_port (uri) > 0 ? g_uri_get_port (uri) : 6379;
  self->db = (int) db;
  self->node_id = g_strdup (node_id);
  self->replicas = replicas;
  /* Test-only: see cluster_write_records. */
  self->sabotage = g_strcmp0 (g_getenv ("TANDEM_CLUSTER_SABOTAGE"), "1") == 0;
  if (self->sabotage)
    g_warning ("TANDEM_CLUSTER_SABOTAGE=1: this node loses acknowledged edits (for tests only)");
  g_mutex_init (&self->lock);
  return self;
}

void
tandem_cluster_free (TandemCluster *self)
{
  if (self == NULL)
    return;
  g_clear_pointer (&self->presence, _tandem_cluster_presence_free);
  g_free (self->host);
  g_free (self->node_id);
  g_free (self->script_sha);
  g_mutex_clear (&self->lock);
  g_free (self);
}

gboolean
tandem_cluster_check (TandemCluster *self,
                      GError       **error)
{
  redisContext *c = _tandem_cluster_connect (self, COMMAND_TIMEOUT_MS, error);
  redisReply *reply;

  if (c == NULL)
    return FALSE;
  reply = redisCommand (c, "CONFIG GET appendfsync");
  if (reply && reply->type == REDIS_REPLY_ARRAY && reply->elements == 2
      && reply->element[1]->type == REDIS_REPLY_STRING
      && g_strcmp0 (reply->element[1]->str, "always") != 0)
    g_warning ("Redis has appendfsync %s: acknowledged edits can be lost if it crashes "
               "(set appendonly yes, appendfsync always)", reply->element[1]->str);
  g_clear_pointer (&reply, freeReplyObject);
  redisFree (c);
  return TRUE;
}

void
tandem_cluster_attach (TandemCluster       *self,
                       TandemSessionServer *server)
{
  server->open_log = open_cluster_log;
  server->open_log_data = self;
  _tandem_cluster_tail_attach (self, server);
  server->fetch_session = _tandem_cluster_fetch_session;
  server->fetch_snapshot = _tandem_cluster_fetch_snapshot;
  g_clear_pointer (&self->presence, _tandem_cluster_presence_free);
  self->presence = _tandem_cluster_presence_new (self->host, self->port, self->node_id, server);
}

TandemClusterPresence *
_tandem_cluster_get_presence (TandemCluster *self)
{
  return self->presence;
}

void
_tandem_cluster_drop_presence (TandemCluster *self)
{
  g_clear_pointer (&self->presence, _tandem_cluster_presence_free);
}
