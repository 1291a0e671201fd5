/* sync-test-cluster.h — real tandem-server nodes on a redis-server of the
 * test's own, editors spread over them, and what they were told
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "sync-test-cluster-check.h"
#include "sync-test-redis.h"
#include "sync-test-utils.h"

G_BEGIN_DECLS

#define SYNC_TEST_CLUSTER_NODES   3
#define SYNC_TEST_CLUSTER_CLIENTS 12

typedef struct
{
  TandemSyncClient *client;
  guint             home;     /* the node of its link; the others are its also= */
  guint             n_lost;   /* times it stopped being live */
} SyncTestClusterPeer;

typedef struct
{
  SyncTestRedis        redis;
  char                *server_path;
  char               **node_env;   /* NAME=VALUE for the nodes */
  char                *data_dirs[SYNC_TEST_CLUSTER_NODES];
  guint16              ports[SYNC_TEST_CLUSTER_NODES];
  GSubprocess         *nodes[SYNC_TEST_CLUSTER_NODES];   /* NULL while down */
  char                *session_id;
  /* An editor's link to each node, the next ones (in a ring) as also=. */
  char                *links[SYNC_TEST_CLUSTER_NODES];
  SyncTestClusterPeer  peers[SYNC_TEST_CLUSTER_CLIENTS];
  GPtrArray           *acks;       /* SyncTestBatch: every batch as its author saw it echoed */
  guint                n_rejected; /* edits the nodes refused */
  GHashTable          *rejected_codes; /* code → how many, of those */
  GRand               *rand;       /* for the edits */
} SyncTestCluster;

/* Starts redis-server and the nodes ("node-1"…, each with a data dir and a
 * port of its own, and @node_env, NULL or NAME=VALUE strings, in its
 * environment) and creates a session holding the demo project on the
 * first. With @copy_session the others are given its folder before they
 * start; without, they load it from Redis when clients come. The edits are
 * drawn from @seed. FALSE, with nothing started, without redis-server or a
 * built tandem-server (TANDEM_BUILD_DIR). */
gboolean  sync_test_cluster_start        (SyncTestCluster   *c,
                                          guint32            seed,
                                          gboolean           copy_session,
                                          const char *const *node_env);
/* Disconnects the clients, kills every process and removes their dirs. */
void      sync_test_cluster_free         (SyncTestCluster   *c);

/* (Re)starts node @i with its data dir, port and node id; iterates the
 * main context until it listens. */
void      sync_test_cluster_start_node   (SyncTestCluster   *c,
                                          guint              i);
/* kill -9 */
void      sync_test_cluster_kill_node    (SyncTestCluster   *c,
                                          guint              i);

/* Twelve editors, four on each node; waits until each is live. */
void      sync_test_cluster_connect_peers (SyncTestCluster  *c);
/* The node @peer is connected (or connecting) to. */
guint     sync_test_cluster_peer_node    (SyncTestCluster   *c,
                                          SyncTestClusterPeer *peer);
/* Each live client with at most one edit pending makes a random edit,
 * valid in what it sees; returns how many did. */
guint     sync_test_cluster_edit         (SyncTestCluster   *c);
/* Conditions for sync_test_wait (data: the cluster). Caught up: every live
 * client has at most one edit pending. Quiet: every client is live, has
 * nothing pending and is at (or, if a node wrongly runs ahead of Redis,
 * past) the stream's seq. */
gboolean  sync_test_cluster_caught_up    (gpointer           data);
gboolean  sync_test_cluster_quiet        (gpointer           data);

/* The seq of the stream's last batch (its meta hash); 0 if Redis does not
 * answer. */
guint64   sync_test_cluster_stream_seq   (SyncTestCluster   *c);
/* The batches of the session's stream (SyncTestBatch), in stream order
 * (XRANGE). */
GPtrArray *sync_test_cluster_read_stream (SyncTestCluster   *c);
/* The projects (SyncTestReplica) of every client and of a newcomer on each
 * running node, who waits (20 s at most) to be at the stream's seq. */
GPtrArray *sync_test_cluster_replicas    (SyncTestCluster   *c);

/* Reads the stream and the replicas and hands them, with what the clients
 * were told, to sync_test_cluster_check(); prints each violation (20 at
 * most) and returns them all. */
GPtrArray *sync_test_cluster_check_all   (SyncTestCluster   *c);

G_END_DECLS
