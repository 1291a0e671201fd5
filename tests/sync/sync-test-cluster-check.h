/* sync-test-cluster-check.h — what a cluster of nodes promised, checked
 * against what Redis and the replicas hold
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* One batch: its author's client id and cseq, and the seq it was given. */
typedef struct
{
  char    *client_id;
  guint64  cseq;
  guint64  seq;
} SyncTestBatch;

/* One copy of the project: who holds it, at which seq, as JSON. */
typedef struct
{
  char    *name;
  guint64  seq;
  char    *project;
} SyncTestReplica;

SyncTestBatch   *sync_test_batch_new    (const char *client_id,
                                         guint64     cseq,
                                         guint64     seq);
void             sync_test_batch_free   (gpointer    batch);
SyncTestReplica *sync_test_replica_new  (const char *name,
                                         guint64     seq,
                                         char       *project);
void             sync_test_replica_free (gpointer    replica);
/* How many different (client id, cseq) @batches holds. */
guint            sync_test_batches_count_distinct (GPtrArray *batches);

/*
 * The checker. @acks: every batch acknowledged to its author (the author
 * saw it echoed with that seq), repeats allowed; @stream: the batches of
 * the session's Redis stream in stream order, from the session's start
 * (the stream was never trimmed); @replicas: every copy of the project
 * that should be the same. Returns one sentence (in an array that frees
 * them) for each violation, none when all holds:
 *
 * - an acknowledged batch that is not in the stream, or is there at
 *   another seq than its author was told, or was acknowledged with two seqs;
 * - a (client id, cseq) in the stream twice;
 * - seqs in the stream that do not run 1, 2, 3… (a gap, a repeat, a step
 *   back);
 * - a replica not at the stream's last seq, or replicas that differ.
 */
GPtrArray       *sync_test_cluster_check (GPtrArray *acks,
                                          GPtrArray *stream,
                                          GPtrArray *replicas);

G_END_DECLS
