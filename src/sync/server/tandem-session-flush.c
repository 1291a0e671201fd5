/* tandem-session-flush.c — journal writes and fdatasync on worker threads
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-sync"

#include "config.h"

#include "tandem-session-server-private.h"

/*
 * A disk that stalls (a frozen filesystem, a slow fdatasync) must stall only
 * the sessions that write to it: the main thread never writes a journal.
 * Each session has at most one flush in flight. While it runs, the main
 * thread goes on validating and applying batches to the session's replica;
 * they form the next group, flushed as soon as this one is done (group
 * commit). A batch is broadcast only after the flush that covers it.
 */
struct _TandemFlushJob
{
  TandemSession *session;
  TandemSessionLog *log;
  GPtrArray     *records;     /* char *, in journal order */
  guint          n_replicated; /* the first ones: already in the shared log */
  guint          n_written;   /* by the worker, under lock */
  JsonNode      *snapshot;    /* written (and the journal emptied) first */
  guint          delay_ms;
  GMainContext  *context;
  char          *history_dir;  /* prune history/ after a compaction; NULL: not kept */
  guint64        history_max_bytes;
  gint64         history_max_age_s;

  GMutex         lock;
  GCond          cond;
  gboolean       done;
  GError        *error;
  GSource       *done_source;
};

static void
job_free (TandemFlushJob *job)
{
  g_ptr_array_unref (job->records);
  g_clear_pointer (&job->snapshot, json_node_unref);
  g_free (job->history_dir);
  g_clear_error (&job->error);
  if (job->done_source)
    {
      g_source_destroy (job->done_source);
      g_source_unref (job->done_source);
    }
  g_mutex_clear (&job->lock);
  g_cond_clear (&job->cond);
  g_main_context_unref (job->context);
  g_free (job);
}

/* Main context. */
static void
job_finish (TandemFlushJob *job)
{
  TandemSession *session = job->session;
  g_autoptr(GError) error = g_steal_pointer (&job->error);
  guint n;

  g_assert (session->job == job);
  /* The worker's unlock is its last touch of the job. */
  g_mutex_lock (&job->lock);
  n = job->n_written;
  g_mutex_unlock (&job->lock);
  session->job = NULL;
  job_free (job);
  _tandem_session_flush_done (session, n, error);
}

static gboolean
job_done_cb (gpointer data)
{
  job_finish (data);
  return G_SOURCE_REMOVE;
}

/* Worker thread: only the log and the job are touched here. */
static void
flush_worker (gpointer data,
              gpointer pool_data)
{
  TandemFlushJob *job = data;
  g_autoptr(GError) snapshot_error = NULL;
  GError *error = NULL;
  guint n_written = 0;

  if (job->delay_ms > 0)
    g_usleep ((gulong) job->delay_ms * 1000);
  if (job->snapshot && !tandem_session_log_write_snapshot (job->log, job->snapshot, &snapshot_error))
    g_warning ("Compaction failed: %s", snapshot_error->message);
  else if (job->snapshot && job->history_dir)
    _tandem_session_history_prune (job->history_dir, job->history_max_bytes,
                                   job->history_max_age_s);
  /* Other nodes' records first: they come before this node's in the shared
   * log, and the local journal keeps that order. */
  if (job->n_replicated > 0
      && tandem_session_log_write_replicated (job->log, (char **) job->records->pdata,
                                              job->n_replicated, &error))
    n_written = job->n_replicated;
  if (error == NULL && job->records->len > job->n_replicated
      && tandem_session_log_write_records (job->log,
                                           (char **) job->records->pdata + job->n_replicated,
                                           job->records->len - job->n_replicated, &error))
    n_written = job->records->len;

  g_mutex_lock (&job->lock);
  job->n_written = n_written;
  job->error = error;
  job->done = TRUE;
  job->done_source = g_idle_source_new ();
  g_source_set_priority (job->done_source, G_PRIORITY_HIGH);
  g_source_set_callback (job->done_source, job_done_cb, job, NULL);
  g_source_attach (job->done_source, job->context);
  g_cond_signal (&job->cond);
  g_mutex_unlock (&job->lock);
}

void
_tandem_session_flush_start (TandemSession *session)
{
  TandemSessionServer *server = session->server;
  TandemFlushJob *job;
  GError *error = NULL;

  g_assert (session->job == NULL);
  /* Behind the shared log, a flush would only be refused again. */
  if (session->unflushed.length == 0 || session->behind)
    return;
  if (session->log == NULL)
    {
      /* Memory only: nothing to wait for. */
      _tandem_session_flush_done (session, session->unflushed.length, NULL);
      return;
    }

  job = g_new0 (TandemFlushJob, 1);
  job->session = session;
  job->log = session->log;
  job->records = g_ptr_array_new_with_free_func (g_free);
  /* After a jump to the shared store's snapshot, the journal starts from it. */
  job->snapshot = session->base_snapshot ? g_steal_pointer (&session->base_snapshot)
                                         : _tandem_session_take_snapshot (session);
  job->delay_ms = session->flush_delay_ms;
  if (job->snapshot && server->keep_history)
    {
      job->history_dir = g_strdup (session->dir);
      job->history_max_bytes = server->history_max_bytes;
      job->history_max_age_s = server->history_max_age_s;
    }
  job->context = g_main_context_ref (server->context);
  g_mutex_init (&job->lock);
  g_cond_init (&job->cond);
  for (GList *l = session->unflushed.head; l; l = l->next)
    {
      TandemUnflushed *u = l->data;

      /* Replicated records are kept at the head of the queue. */
      if (u->replicated)
        job->n_replicated++;
      g_ptr_array_add (job->records, g_strdup (u->text));
    }
  session->job = job;

  if (server->flush_pool == NULL)
    server->flush_pool = g_thread_pool_new (flush_worker, NULL, 64, FALSE, &error);
  if (server->flush_pool == NULL || !g_thread_pool_push (server->flush_pool, job, &error))
    {
      /* No thread: write here rather than not at all. */
      g_warning ("No flush thread (%s); writing on the main thread", error->message);
      g_clear_error (&error);
      flush_worker (job, NULL);
    }
}

void
_tandem_session_flush_wait (TandemSession *session)
{
  TandemFlushJob *job = session->job;

  if (job == NULL)
    return;
  g_mutex_lock (&job->lock);
  while (!job->done)
    g_cond_wait (&job->cond, &job->lock);
  g_mutex_unlock (&job->lock);
  job_finish (job);
}

void
_tandem_server_flush_pool_free (TandemSessionServer *self)
{
  if (self->flush_pool)
    g_thread_pool_free (g_steal_pointer (&self->flush_pool), FALSE, TRUE);
}

TandemSessionLog *
_tandem_session_open_log (TandemSession *session)
{
  TandemSessionServer *server = session->server;

  if (server->open_log)
    return server->open_log (session, server->open_log_data);
  return tandem_session_log_new_local (session->journal);
}
