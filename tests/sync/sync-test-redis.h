/* sync-test-redis.h — a redis-server of the test's own
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>
#include <hiredis/hiredis.h>

G_BEGIN_DECLS

typedef struct
{
  char    *dir;
  guint16  port;
  GPid     pid;
} SyncTestRedis;

/* Starts redis-server on a free port in a new directory, with appendonly
 * yes and appendfsync always (what docs/cluster.md asks of a deployment),
 * and waits until it answers. With @redis->port and @redis->dir set (after
 * sync_test_redis_kill, say) it starts there again, from its append-only
 * file. FALSE (nothing started) without redis-server. It dies with the
 * test. */
gboolean  sync_test_redis_start (SyncTestRedis *redis);
/* kill -9; whatever it acknowledged is in its append-only file. */
void      sync_test_redis_kill  (SyncTestRedis *redis);
/* Kills it and removes its directory. */
void      sync_test_redis_free  (SyncTestRedis *redis);
/* A blocking connection to it, or NULL if it does not answer. */
redisContext *sync_test_redis_connect (SyncTestRedis *redis);
/* "redis://127.0.0.1:PORT" */
char     *sync_test_redis_url   (SyncTestRedis *redis);

G_END_DECLS
