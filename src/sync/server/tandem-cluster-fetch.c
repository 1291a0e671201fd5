/* tandem-cluster-fetch.c — loading a session another node created, from Redis
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-cluster"

#include "config.h"

#include <errno.h>
#include <string.h>

#include <glib/gstdio.h>

#include "tandem-cluster-private.h"
#include "tandem-session-server-private.h"

/*
 * A node that creates a session stores its session.json (id and token
 * hashes) in tandem:{<id>}:session and its first snapshot in
 * tandem:{<id>}:snapshot. Another node asked for that id writes both into
 * a folder of its own and opens it like a session found on disk; its tail
 * then applies the stream from the snapshot's seq on. It happens on the
 * main context, once per session and node: two short reads, bounded by
 * FETCH_TIMEOUT_MS.
 */

#define FETCH_TIMEOUT_MS 2000

static char *
get_string (redisContext *c,
            const char   *format,
            const char   *key,
            GError      **error)
{
  redisReply *reply = redisCommand (c, format, key);
  char *value = NULL;

  if (reply == NULL || reply->type == REDIS_REPLY_ERROR)
    g_set_error (error, TANDEM_SYNC_ERROR, TANDEM_SYNC_ERROR_JOURNAL, "storage unavailable: %s",
                 reply ? reply->str : c->errstr);
  else if (reply->type == REDIS_REPLY_STRING)
    value = g_strndup (reply->str, reply->len);
  g_clear_pointer (&reply, freeReplyObject);
  return value;
}

/* @meta names session @id and @snapshot is a snapshot. */
static gboolean
check_session (const char  *id,
               const char  *meta,
               const char  *snapshot,
               GError     **error)
{
  const TandemJsonLimits *limits = &tandem_json_limits_session_file;
  g_autoptr(JsonNode) meta_root = tandem_json_parse_bounded (meta, strlen (meta), limits, error);
  g_autoptr(JsonNode) snap_root = NULL;
  JsonObject *obj;

  if (meta_root == NULL)
    return FALSE;
  if (!JSON_NODE_HOLDS_OBJECT (meta_root) || (obj = json_node_get_object (meta_root)) == NULL
      || g_strcmp0 (json_object_get_string_member_with_default (obj, "id", NULL), id) != 0)
    {
      g_set_error (error, TANDEM_SYNC_ERROR, TANDEM_SYNC_ERROR_JOURNAL,
                   "the stored description is not that of this session");
      return FALSE;
    }
  snap_root = tandem_json_parse_bounded (snapshot, strlen (snapshot), limits, error);
  if (snap_root == NULL)
    return FALSE;
  if (!JSON_NODE_HOLDS_OBJECT (snap_root)
      || !json_object_has_member (json_node_get_object (snap_root), "project"))
    {
      g_set_error (error, TANDEM_SYNC_ERROR, TANDEM_SYNC_ERROR_JOURNAL,
                   "the stored snapshot holds no project");
      return FALSE;
    }
  return TRUE;
}

static gboolean
write_folder (TandemSessionServer *server,
              const char          *dir,
              const char          *meta,
              const char          *snapshot,
              GError             **error)
{
  g_autofree char *meta_path = g_build_filename (dir, "session.json", NULL);
  g_autoptr(JsonNode) snap_root = json_from_string (snapshot, NULL);
  g_autoptr(TandemJournal) journal = NULL;

  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      g_set_error (error, TANDEM_SYNC_ERROR, TANDEM_SYNC_ERROR_JOURNAL,
                   "Cannot create “%s”: %s", dir, g_strerror (errno));
      return FALSE;
    }
  /* The snapshot before session.json: a folder without it is no session. */
  if ((journal = tandem_journal_open (dir, error)) == NULL
      || (tandem_journal_set_fsync (journal, server->fsync),
          !tandem_journal_write_snapshot (journal, snap_root, error))
      || !g_file_set_contents_full (meta_path, meta, -1,
                                    G_FILE_SET_CONTENTS_CONSISTENT | G_FILE_SET_CONTENTS_DURABLE,
                                    0600, error))
    {
      g_clear_pointer (&journal, tandem_journal_free);
      _tandem_session_remove_dir (dir);
      return FALSE;
    }
  return TRUE;
}

gboolean
_tandem_cluster_fetch_session (TandemSessionServer *server,
                               const char          *id,
                               const char          *dir,
                               gpointer             data,
                               GError             **error)
{
  TandemCluster *cluster = data;
  g_autofree char *session_key = g_strdup_printf ("tandem:{%s}:session", id);
  g_autofree char *snapshot_key = g_strdup_printf ("tandem:{%s}:snapshot", id);
  g_autofree char *meta = NULL;
  g_autofree char *snapshot = NULL;
  redisContext *c = _tandem_cluster_connect (cluster, FETCH_TIMEOUT_MS, error);

  if (c == NULL)
    return FALSE;
  meta = get_string (c, "HGET %s meta", session_key, error);
  if (meta != NULL)
    snapshot = get_string (c, "GET %s", snapshot_key, error);
  redisFree (c);
  if (meta == NULL || snapshot == NULL)
    return FALSE;   /* not there (no error), or Redis failed */
  if (!check_session (id, meta, snapshot, error))
    return FALSE;
  return write_folder (server, dir, meta, snapshot, error);
}

JsonNode *
_tandem_cluster_fetch_snapshot (TandemSessionServer *server,
                                const char          *id,
                                gpointer             data,
                                GError             **error)
{
  TandemCluster *cluster = data;
  g_autofree char *snapshot_key = g_strdup_printf ("tandem:{%s}:snapshot", id);
  g_autofree char *text = NULL;
  g_autoptr(JsonNode) root = NULL;
  redisContext *c = _tandem_cluster_connect (cluster, FETCH_TIMEOUT_MS, error);

  if (c == NULL)
    return NULL;
  text = get_string (c, "GET %s", snapshot_key, error);
  redisFree (c);
  if (text == NULL)
    {
      if (error && *error == NULL)
        g_set_error (error, TANDEM_SYNC_ERROR, TANDEM_SYNC_ERROR_JOURNAL, "no snapshot stored");
      return NULL;
    }
  root = tandem_json_parse_bounded (text, strlen (text), &tandem_json_limits_session_file, error);
  if (root == NULL)
    return NULL;
  if (!JSON_NODE_HOLDS_OBJECT (root)
      || !json_object_has_member (json_node_get_object (root), "project")
      || !json_object_has_member (json_node_get_object (root), "seq"))
    {
      g_set_error (error, TANDEM_SYNC_ERROR, TANDEM_SYNC_ERROR_JOURNAL,
                   "the stored snapshot is not a snapshot");
      return NULL;
    }
  return g_steal_pointer (&root);
}
