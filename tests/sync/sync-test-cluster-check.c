/* sync-test-cluster-check.c — what a cluster of nodes promised, checked
 * against what Redis and the replicas hold
 *
 * Pure data in, sentences out: it knows nothing of processes, so a test
 * that sabotages a node (TANDEM_CLUSTER_SABOTAGE) can show it fails.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-sync-test"

#include "config.h"

#include "sync-test-cluster-check.h"

SyncTestBatch *
sync_test_batch_new (const char *client_id,
                     guint64     cseq,
                     guint64     seq)
{
  SyncTestBatch *batch = g_new0 (SyncTestBatch, 1);

  batch->client_id = g_strdup (client_id);
  batch->cseq = cseq;
  batch->seq = seq;
  return batch;
}

void
sync_test_batch_free (gpointer data)
{
  SyncTestBatch *batch = data;

  g_free (batch->client_id);
  g_free (batch);
}

SyncTestReplica *
sync_test_replica_new (const char *name,
                       guint64     seq,
                       char       *project)
{
  SyncTestReplica *replica = g_new0 (SyncTestReplica, 1);

  replica->name = g_strdup (name);
  replica->seq = seq;
  replica->project = project;
  return replica;
}

void
sync_test_replica_free (gpointer data)
{
  SyncTestReplica *replica = data;

  g_free (replica->name);
  g_free (replica->project);
  g_free (replica);
}

static char *
batch_key (const SyncTestBatch *batch)
{
  return g_strdup_printf ("%s/%" G_GUINT64_FORMAT, batch->client_id, batch->cseq);
}

guint
sync_test_batches_count_distinct (GPtrArray *batches)
{
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  for (guint i = 0; i < batches->len; i++)
    g_hash_table_add (seen, batch_key (g_ptr_array_index (batches, i)));
  return g_hash_table_size (seen);
}

/* Seqs run 1, 2, 3…; each (client id, cseq) once. Fills @placed with
 * "client/cseq" → its (first) batch in the stream; returns the last seq. */
static guint64
check_stream (GPtrArray  *stream,
              GHashTable *placed,
              GPtrArray  *out)
{
  guint64 last = 0;

  for (guint i = 0; i < stream->len; i++)
    {
      SyncTestBatch *batch = g_ptr_array_index (stream, i);
      g_autofree char *key = batch_key (batch);
      SyncTestBatch *before = g_hash_table_lookup (placed, key);

      if (batch->seq == last + 2)
        g_ptr_array_add (out, g_strdup_printf ("seq %" G_GUINT64_FORMAT " is missing from the "
                                               "stream", last + 1));
      else if (batch->seq > last + 2)
        g_ptr_array_add (out, g_strdup_printf ("seqs %" G_GUINT64_FORMAT " to %" G_GUINT64_FORMAT
                                               " are missing from the stream",
                                               last + 1, batch->seq - 1));
      else if (batch->seq <= last)
        g_ptr_array_add (out, g_strdup_printf ("seq %" G_GUINT64_FORMAT " (%s) follows seq %"
                                               G_GUINT64_FORMAT " in the stream: a seq given twice"
                                               " or out of order", batch->seq, key, last));
      if (before != NULL)
        g_ptr_array_add (out, g_strdup_printf ("batch %s is in the stream twice, as seq %"
                                               G_GUINT64_FORMAT " and seq %" G_GUINT64_FORMAT,
                                               key, before->seq, batch->seq));
      else
        g_hash_table_insert (placed, g_steal_pointer (&key), batch);
      last = MAX (last, batch->seq);
    }
  return last;
}

/* Every acknowledged batch is in the stream, at the seq its author was
 * told, and was told one seq only. */
static void
check_acks (GPtrArray  *acks,
            GHashTable *placed,
            GPtrArray  *out)
{
  g_autoptr(GHashTable) told = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  for (guint i = 0; i < acks->len; i++)
    {
      SyncTestBatch *ack = g_ptr_array_index (acks, i);
      g_autofree char *key = batch_key (ack);
      SyncTestBatch *first = g_hash_table_lookup (told, key);
      SyncTestBatch *in_stream = g_hash_table_lookup (placed, key);

      if (first != NULL)
        {
          if (first->seq != ack->seq)
            g_ptr_array_add (out, g_strdup_printf ("batch %s was acknowledged twice, as seq %"
                                                   G_GUINT64_FORMAT " and seq %" G_GUINT64_FORMAT,
                                                   key, first->seq, ack->seq));
          continue;
        }
      if (in_stream == NULL)
        g_ptr_array_add (out, g_strdup_printf ("batch %s, acknowledged to its author as seq %"
                                               G_GUINT64_FORMAT ", is not in the stream",
                                               key, ack->seq));
      else if (in_stream->seq != ack->seq)
        g_ptr_array_add (out, g_strdup_printf ("batch %s was acknowledged as seq %" G_GUINT64_FORMAT
                                               " but is seq %" G_GUINT64_FORMAT " in the stream",
                                               key, ack->seq, in_stream->seq));
      g_hash_table_insert (told, g_steal_pointer (&key), ack);
    }
}

/* Everyone at the stream's last seq, holding one project. */
static void
check_replicas (GPtrArray *replicas,
                guint64    last,
                GPtrArray *out)
{
  /* project → the names that hold it, in first-seen order */
  g_autoptr(GHashTable) holders = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                                         (GDestroyNotify) g_ptr_array_unref);
  g_autoptr(GPtrArray) order = g_ptr_array_new ();

  for (guint i = 0; i < replicas->len; i++)
    {
      SyncTestReplica *replica = g_ptr_array_index (replicas, i);
      GPtrArray *names = g_hash_table_lookup (holders, replica->project);

      if (replica->seq != last)
        g_ptr_array_add (out, g_strdup_printf ("%s is at seq %" G_GUINT64_FORMAT ", the stream at "
                                               "seq %" G_GUINT64_FORMAT,
                                               replica->name, replica->seq, last));
      if (names == NULL)
        {
          names = g_ptr_array_new ();
          g_hash_table_insert (holders, replica->project, names);
          g_ptr_array_add (order, replica->project);
        }
      g_ptr_array_add (names, replica->name);
    }
  if (order->len < 2)
    return;
  for (guint i = 0; i < order->len; i++)
    {
      GPtrArray *names = g_hash_table_lookup (holders, g_ptr_array_index (order, i));
      g_autoptr(GString) list = g_string_new (NULL);

      for (guint k = 0; k < names->len; k++)
        g_string_append_printf (list, "%s%s", k ? ", " : "", (char *) g_ptr_array_index (names, k));
      g_ptr_array_add (out, g_strdup_printf ("the replicas differ: version %u of %u is held by %s",
                                             i + 1, order->len, list->str));
    }
}

GPtrArray *
sync_test_cluster_check (GPtrArray *acks,
                         GPtrArray *stream,
                         GPtrArray *replicas)
{
  GPtrArray *out = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GHashTable) placed = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  guint64 last = check_stream (stream, placed, out);

  check_acks (acks, placed, out);
  check_replicas (replicas, last, out);
  return out;
}
