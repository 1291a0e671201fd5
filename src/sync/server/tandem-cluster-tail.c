/* tandem-cluster-tail.c — following a session's Redis stream on a worker thread
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-cluster"

#include "config.h"

#include <string.h>

#include "tandem-cluster-private.h"
#include "tandem-session-server-private.h"

/*
 * Every session with clients on this node has a tail: a thread with its
 * own blocking connection, reading the stream with XREAD BLOCK from the
 * last entry the node took. It hands the entries, in stream order, to the
 * main context, where the session applies them (tandem-session-remote.c).
 * The block is bounded so that a stopped tail notices within a second; it
 * is never joined, so stopping one never blocks the main thread.
 */

#define BLOCK_MS           1000
#define TAIL_TIMEOUT_MS    (BLOCK_MS + 4000)
#define READ_COUNT         256
#define SCAN_PAGE          128
#define RETRY_MS           200

typedef struct
{
  gint           ref_count;      /* atomic */
  TandemCluster  where;          /* a copy of the cluster's address: the cluster may go first */
  char          *log_key;
  char          *node_id;
  char          *after_id;       /* worker only: the last entry taken; NULL: to be found */
  guint64        durable_seq;    /* worker only: what the node holds, to find after_id */
  gint           stop;           /* atomic */
  GMainContext  *context;
  TandemSession *session;        /* main context only; NULL once stopped */

  GMutex         lock;
  GPtrArray     *inbox;          /* TandemRemoteRecord, guarded by lock */
  gboolean       current;        /* caught up with the stream: to tell the session (lock) */
  GSource       *deliver_source; /* guarded by lock */
} Tail;

static Tail *
tail_ref (Tail *tail)
{
  g_atomic_int_inc (&tail->ref_count);
  return tail;
}

static void
tail_unref (gpointer data)
{
  Tail *tail = data;

  if (!g_atomic_int_dec_and_test (&tail->ref_count))
    return;
  g_free (tail->where.host);
  g_free (tail->log_key);
  g_free (tail->node_id);
  g_free (tail->after_id);
  g_ptr_array_unref (tail->inbox);
  g_clear_pointer (&tail->deliver_source, g_source_unref);
  g_main_context_unref (tail->context);
  g_mutex_clear (&tail->lock);
  g_free (tail);
}

void
_tandem_remote_record_free (gpointer data)
{
  TandemRemoteRecord *record = data;

  g_free (record->id);
  g_free (record->text);
  g_free (record);
}

/* Main context. */
static gboolean
deliver_cb (gpointer data)
{
  Tail *tail = data;
  g_autoptr(GPtrArray) records = NULL;

  gboolean current;

  g_mutex_lock (&tail->lock);
  records = g_steal_pointer (&tail->inbox);
  tail->inbox = g_ptr_array_new_with_free_func (_tandem_remote_record_free);
  g_clear_pointer (&tail->deliver_source, g_source_unref);
  current = tail->current;
  tail->current = FALSE;
  g_mutex_unlock (&tail->lock);
  if (tail->session && records->len > 0)
    _tandem_session_receive_remote (tail->session, records);
  /* After the records: what the session has now is the stream's end. */
  if (tail->session && current)
    _tandem_session_caught_up (tail->session);
  return G_SOURCE_REMOVE;
}

static const char *
field (redisReply *fields,
       const char *name)
{
  for (size_t k = 0; k + 1 < fields->elements; k += 2)
    if (fields->element[k]->type == REDIS_REPLY_STRING
        && fields->element[k + 1]->type == REDIS_REPLY_STRING
        && g_str_equal (fields->element[k]->str, name))
      return fields->element[k + 1]->str;
  return NULL;
}

static gboolean
entry_ok (redisReply *entry)
{
  return entry->type == REDIS_REPLY_ARRAY && entry->elements == 2
         && entry->element[0]->type == REDIS_REPLY_STRING
         && entry->element[1]->type == REDIS_REPLY_ARRAY;
}

static void
schedule_delivery (Tail *tail)
{
  if (tail->deliver_source == NULL)
    {
      tail->deliver_source = g_idle_source_new ();
      g_source_set_priority (tail->deliver_source, G_PRIORITY_HIGH);
      g_source_set_callback (tail->deliver_source, deliver_cb, tail_ref (tail), tail_unref);
      g_source_attach (tail->deliver_source, tail->context);
    }
}

/* Worker: the reads so far reached the stream's end. */
static void
post_current (Tail *tail)
{
  g_mutex_lock (&tail->lock);
  tail->current = TRUE;
  schedule_delivery (tail);
  g_mutex_unlock (&tail->lock);
}

/* Worker: queues the entries of an XREAD reply for the main context. */
static void
take_entries (Tail       *tail,
              redisReply *entries)
{
  g_mutex_lock (&tail->lock);
  for (size_t i = 0; i < entries->elements; i++)
    {
      redisReply *entry = entries->element[i];
      TandemRemoteRecord *record;
      const char *text, *seq;

      if (!entry_ok (entry))
        continue;
      g_free (tail->after_id);
      tail->after_id = g_strdup (entry->element[0]->str);
      if ((text = field (entry->element[1], "r")) == NULL)
        {
          g_warning ("Stream %s: entry %s has no record", tail->log_key, tail->after_id);
          continue;
        }
      seq = field (entry->element[1], "s");
      record = g_new0 (TandemRemoteRecord, 1);
      record->id = g_strdup (tail->after_id);
      record->text = g_strdup (text);
      record->seq = seq ? g_ascii_strtoull (seq, NULL, 10) : 0;
      record->own = g_strcmp0 (field (entry->element[1], "n"), tail->node_id) == 0;
      g_ptr_array_add (tail->inbox, record);
    }
  if (tail->inbox->len > 0)
    schedule_delivery (tail);
  g_mutex_unlock (&tail->lock);
}

/* Worker: the newest entry holding a batch the node already has (entries
 * after it are new to the node), scanning back from the end; the stream's
 * start if there is none. FALSE if Redis did not answer. */
static gboolean
find_start (Tail         *tail,
            redisContext *c)
{
  g_autofree char *end = g_strdup ("+");

  for (;;)
    {
      redisReply *reply = redisCommand (c, "XREVRANGE %s %s - COUNT %d", tail->log_key, end,
                                        SCAN_PAGE);
      size_t n;

      if (reply == NULL || reply->type != REDIS_REPLY_ARRAY)
        {
          g_clear_pointer (&reply, freeReplyObject);
          return FALSE;
        }
      n = reply->elements;
      for (size_t i = 0; i < n; i++)
        {
          redisReply *entry = reply->element[i];
          const char *seq;
          guint64 s;

          if (!entry_ok (entry))
            continue;
          seq = field (entry->element[1], "s");
          s = seq ? g_ascii_strtoull (seq, NULL, 10) : 0;
          g_free (end);
          end = g_strdup_printf ("(%s", entry->element[0]->str);
          if (s != 0 && s <= tail->durable_seq)
            {
              tail->after_id = g_strdup (entry->element[0]->str);
              freeReplyObject (reply);
              return TRUE;
            }
        }
      freeReplyObject (reply);
      if (n < SCAN_PAGE)
        {
          tail->after_id = g_strdup ("0-0");
          return TRUE;
        }
    }
}

static gpointer
tail_thread (gpointer data)
{
  Tail *tail = data;
  redisContext *c = NULL;
  gboolean warned = FALSE;
  /* Until the first time the reads reach the stream's end, they do not
   * block: a client waits for that to be welcomed. */
  gboolean posted_current = FALSE;

  while (!g_atomic_int_get (&tail->stop))
    {
      g_autoptr(GError) error = NULL;
      redisReply *reply;

      if (c == NULL)
        c = _tandem_cluster_connect (&tail->where, TAIL_TIMEOUT_MS, &error);
      if (c == NULL)
        {
          if (!warned && !g_atomic_int_get (&tail->stop))
            g_warning ("Cannot follow %s: %s", tail->log_key, error->message);
          warned = TRUE;
          g_usleep (RETRY_MS * 1000);
          continue;
        }
      if (tail->after_id == NULL && !find_start (tail, c))
        {
          g_clear_pointer (&c, redisFree);
          g_usleep (RETRY_MS * 1000);
          continue;
        }
      if (posted_current)
        reply = redisCommand (c, "XREAD COUNT %d BLOCK %d STREAMS %s %s", READ_COUNT, BLOCK_MS,
                              tail->log_key, tail->after_id);
      else
        reply = redisCommand (c, "XREAD COUNT %d STREAMS %s %s", READ_COUNT,
                              tail->log_key, tail->after_id);
      if (reply == NULL)
        {
          if (!warned && !g_atomic_int_get (&tail->stop))
            g_warning ("Lost %s: %s", tail->log_key, c->errstr);
          warned = TRUE;
          g_clear_pointer (&c, redisFree);
          g_usleep (RETRY_MS * 1000);
          continue;
        }
      warned = FALSE;
      if (reply->type == REDIS_REPLY_ARRAY && reply->elements == 1
          && reply->element[0]->type == REDIS_REPLY_ARRAY && reply->element[0]->elements == 2
          && reply->element[0]->element[1]->type == REDIS_REPLY_ARRAY)
        {
          take_entries (tail, reply->element[0]->element[1]);
          if (!posted_current && reply->element[0]->element[1]->elements < READ_COUNT)
            {
              post_current (tail);
              posted_current = TRUE;
            }
        }
      else if (reply->type == REDIS_REPLY_NIL && !posted_current)
        {
          post_current (tail);
          posted_current = TRUE;
        }
      else if (reply->type == REDIS_REPLY_ERROR)
        {
          g_warning ("Cannot read %s: %s", tail->log_key, reply->str);
          g_usleep (RETRY_MS * 1000);
        }
      freeReplyObject (reply);
    }
  g_clear_pointer (&c, redisFree);
  tail_unref (tail);
  return NULL;
}

/* Main context. */
static gpointer
tail_start (TandemSession *session,
            gpointer       data)
{
  TandemCluster *cluster = data;
  g_autoptr(GError) error = NULL;
  Tail *tail = g_new0 (Tail, 1);
  GThread *thread;

  tail->ref_count = 1;
  tail->where.host = g_strdup (cluster->host);
  tail->where.port = cluster->port;
  tail->where.db = cluster->db;
  tail->log_key = g_strdup_printf ("tandem:{%s}:log", session->id);
  tail->node_id = g_strdup (cluster->node_id);
  tail->after_id = g_strdup (session->tail_after_id);
  tail->durable_seq = session->durable_seq;
  tail->context = g_main_context_ref (session->server->context);
  tail->session = session;
  tail->inbox = g_ptr_array_new_with_free_func (_tandem_remote_record_free);
  g_mutex_init (&tail->lock);
  thread = g_thread_try_new ("tandem-tail", tail_thread, tail_ref (tail), &error);
  if (thread == NULL)
    {
      g_warning ("Session %s: cannot follow the other nodes: %s", session->id, error->message);
      tail_unref (tail);
      tail_unref (tail);
      return NULL;
    }
  g_thread_unref (thread);
  return tail;
}

/* Main context: no record is delivered after this. */
static void
tail_stop (gpointer data)
{
  Tail *tail = data;

  tail->session = NULL;
  g_atomic_int_set (&tail->stop, TRUE);
  tail_unref (tail);
}

void
_tandem_cluster_tail_attach (TandemCluster       *cluster,
                             TandemSessionServer *server)
{
  server->tail_start = tail_start;
  server->tail_stop = tail_stop;
  server->tail_data = cluster;
}
