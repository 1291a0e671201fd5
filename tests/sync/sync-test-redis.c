/* sync-test-redis.c — a redis-server of the test's own
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <hiredis/hiredis.h>
#include <signal.h>
#include <sys/wait.h>

#include "sync-test-redis.h"
#include "sync-test-utils.h"

redisContext *
sync_test_redis_connect (SyncTestRedis *redis)
{
  redisContext *c = redisConnect ("127.0.0.1", redis->port);

  if (c && c->err)
    g_clear_pointer (&c, redisFree);
  return c;
}

static gboolean
answers (SyncTestRedis *redis)
{
  redisContext *c = sync_test_redis_connect (redis);
  redisReply *reply = c ? redisCommand (c, "PING") : NULL;
  gboolean ok = reply && reply->type == REDIS_REPLY_STATUS;

  g_clear_pointer (&reply, freeReplyObject);
  g_clear_pointer (&c, redisFree);
  return ok;
}

gboolean
sync_test_redis_start (SyncTestRedis *redis)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *server = g_find_program_in_path ("redis-server");
  g_autofree char *port = NULL;

  if (server == NULL)
    return FALSE;
  if (redis->dir == NULL)
    redis->dir = sync_test_make_tmpdir ();
  if (redis->port == 0)
    redis->port = sync_test_free_port ();
  port = g_strdup_printf ("%u", redis->port);
  {
    const char *argv[] = { server, "--port", port, "--bind", "127.0.0.1",
                           "--dir", redis->dir, "--appendonly", "yes",
                           "--appendfsync", "always", "--save", "", NULL };

    g_assert_true (g_spawn_async (NULL, (char **) argv, NULL,
                                  G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_STDOUT_TO_DEV_NULL
                                  | G_SPAWN_STDERR_TO_DEV_NULL,
                                  sync_test_die_with_parent, NULL, &redis->pid, &error));
    g_assert_no_error (error);
  }
  /* Nothing on our main context wakes when it starts listening: poll. */
  for (guint i = 0; !answers (redis); i++)
    {
      g_assert_cmpuint (i, <, 500);
      sync_test_spin (20);
    }
  return TRUE;
}

void
sync_test_redis_kill (SyncTestRedis *redis)
{
  int status;

  if (redis->pid == 0)
    return;
  kill (redis->pid, SIGKILL);
  waitpid (redis->pid, &status, 0);
  g_spawn_close_pid (redis->pid);
  redis->pid = 0;
}

void
sync_test_redis_free (SyncTestRedis *redis)
{
  sync_test_redis_kill (redis);
  if (redis->dir != NULL)
    sync_test_rm_rf (redis->dir);
  g_clear_pointer (&redis->dir, g_free);
}

char *
sync_test_redis_url (SyncTestRedis *redis)
{
  return g_strdup_printf ("redis://127.0.0.1:%u", redis->port);
}
