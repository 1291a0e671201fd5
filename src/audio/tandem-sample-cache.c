/* tandem-sample-cache.c — decoded samples by hash, loaded on worker threads
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-audio"

#include "config.h"

#include "tandem-decoded-cache.h"
#include "tandem-sample-cache.h"

typedef struct
{
  TandemSample *sample;   /* NULL while loading or when failed */
  char         *error;    /* set when refused */
} Entry;

struct _TandemSampleCache
{
  GObject            parent_instance;
  TandemSampleStore *store;
  guint              rate;
  GHashTable        *entries;   /* hash → Entry */
  GCancellable      *cancellable;
  guint              pending;
};

G_DEFINE_FINAL_TYPE (TandemSampleCache, tandem_sample_cache, G_TYPE_OBJECT)

enum { LOADED, FAILED, N_SIGNALS };
static guint signals[N_SIGNALS];

static void
entry_free (gpointer data)
{
  Entry *entry = data;

  g_clear_pointer (&entry->sample, tandem_sample_unref);
  g_free (entry->error);
  g_free (entry);
}

static void
tandem_sample_cache_dispose (GObject *object)
{
  TandemSampleCache *self = TANDEM_SAMPLE_CACHE (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->store);
  G_OBJECT_CLASS (tandem_sample_cache_parent_class)->dispose (object);
}

static void
tandem_sample_cache_finalize (GObject *object)
{
  TandemSampleCache *self = TANDEM_SAMPLE_CACHE (object);

  g_clear_pointer (&self->entries, g_hash_table_unref);
  g_clear_object (&self->cancellable);
  G_OBJECT_CLASS (tandem_sample_cache_parent_class)->finalize (object);
}

static void
tandem_sample_cache_class_init (TandemSampleCacheClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = tandem_sample_cache_dispose;
  object_class->finalize = tandem_sample_cache_finalize;

  /**
   * TandemSampleCache::loaded:
   * @hash: the sample's SHA-256
   *
   * A sample finished decoding; plans compiled from now on can play it.
   */
  signals[LOADED] = g_signal_new ("loaded", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
  /**
   * TandemSampleCache::failed:
   * @hash: the sample's SHA-256
   * @message: why the file was refused, for people
   */
  signals[FAILED] = g_signal_new ("failed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                  0, NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_STRING);
}

static void
tandem_sample_cache_init (TandemSampleCache *self)
{
  self->entries = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, entry_free);
  self->cancellable = g_cancellable_new ();
}

TandemSampleCache *
tandem_sample_cache_new (TandemSampleStore *store,
                         guint              sample_rate)
{
  TandemSampleCache *self;

  g_return_val_if_fail (TANDEM_IS_SAMPLE_STORE (store), NULL);
  g_return_val_if_fail (sample_rate >= 8000, NULL);

  self = g_object_new (TANDEM_TYPE_SAMPLE_CACHE, NULL);
  self->store = g_object_ref (store);
  self->rate = sample_rate;
  return self;
}

guint
tandem_sample_cache_get_rate (TandemSampleCache *self)
{
  g_return_val_if_fail (TANDEM_IS_SAMPLE_CACHE (self), 0);
  return self->rate;
}

guint
tandem_sample_cache_get_pending (TandemSampleCache *self)
{
  g_return_val_if_fail (TANDEM_IS_SAMPLE_CACHE (self), 0);
  return self->pending;
}

typedef struct
{
  TandemSampleStore *store;
  char              *hash;
  guint              rate;
} Job;

static void
job_free (Job *job)
{
  g_object_unref (job->store);
  g_free (job->hash);
  g_free (job);
}

static void
decode_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  Job *job = task_data;
  GError *error = NULL;
  TandemSample *sample = tandem_decoded_cache_load (job->store, job->hash, job->rate, &error);

  /* The callback will read it: keep it resident. */
  if (sample != NULL)
    tandem_sample_lock (sample);

  if (sample == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, sample, (GDestroyNotify) tandem_sample_unref);
}

static void
decode_done (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  TandemSampleCache *self = TANDEM_SAMPLE_CACHE (source);
  g_autofree char *hash = user_data;
  g_autoptr(GError) error = NULL;
  TandemSample *sample = g_task_propagate_pointer (G_TASK (result), &error);
  Entry *entry;

  self->pending--;
  entry = self->entries != NULL ? g_hash_table_lookup (self->entries, hash) : NULL;
  if (entry == NULL || g_cancellable_is_cancelled (self->cancellable))
    {
      g_clear_pointer (&sample, tandem_sample_unref);
      return;
    }
  if (sample == NULL)
    {
      entry->error = g_strdup (error->message);
      g_signal_emit (self, signals[FAILED], 0, hash, entry->error);
      return;
    }
  entry->sample = sample;
  g_signal_emit (self, signals[LOADED], 0, hash);
}

TandemSample *
tandem_sample_cache_lookup (TandemSampleCache *self,
                            const char        *hash)
{
  g_autoptr(GTask) task = NULL;
  g_autofree char *path = NULL;
  Entry *entry;
  Job *job;

  g_return_val_if_fail (TANDEM_IS_SAMPLE_CACHE (self), NULL);
  g_return_val_if_fail (hash != NULL, NULL);

  entry = g_hash_table_lookup (self->entries, hash);
  if (entry != NULL)
    return entry->sample;

  /* Not in the store yet (the sync layer may still be fetching it): try
   * again on the next lookup. */
  path = tandem_sample_store_lookup (self->store, hash);
  if (path == NULL)
    return NULL;

  g_hash_table_insert (self->entries, g_strdup (hash), g_new0 (Entry, 1));
  self->pending++;
  task = g_task_new (self, self->cancellable, decode_done, g_strdup (hash));
  g_task_set_source_tag (task, tandem_sample_cache_lookup);
  job = g_new0 (Job, 1);
  job->store = g_object_ref (self->store);
  job->hash = g_strdup (hash);
  job->rate = self->rate;
  g_task_set_task_data (task, job, (GDestroyNotify) job_free);
  g_task_run_in_thread (task, decode_thread);
  return NULL;
}

const char *
tandem_sample_cache_get_error (TandemSampleCache *self,
                               const char        *hash)
{
  Entry *entry;

  g_return_val_if_fail (TANDEM_IS_SAMPLE_CACHE (self), NULL);

  entry = g_hash_table_lookup (self->entries, hash);
  return entry != NULL ? entry->error : NULL;
}

GHashTable *
tandem_sample_cache_dup_ready (TandemSampleCache *self)
{
  GHashTable *ready;
  GHashTableIter iter;
  gpointer key, value;

  g_return_val_if_fail (TANDEM_IS_SAMPLE_CACHE (self), NULL);

  ready = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                 (GDestroyNotify) tandem_sample_unref);
  g_hash_table_iter_init (&iter, self->entries);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      Entry *entry = value;

      if (entry->sample != NULL)
        g_hash_table_insert (ready, g_strdup (key), tandem_sample_ref (entry->sample));
    }
  return ready;
}
