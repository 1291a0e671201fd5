/* tandem-cluster.h — tandem-server nodes sharing each session's log in Redis
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "tandem-cluster-presence.h"
#include "tandem-session-server.h"

G_BEGIN_DECLS

/*
 * With --cluster, every accepted record goes to a Redis stream per session
 * (tandem:{<session id>}:log; the hash tag keeps a session's keys in one
 * slot) before it is acknowledged, appended by one Lua script that drops a
 * (client id, cseq) it already holds and refuses a seq that is not the
 * next one, so two nodes can never give one seq to two batches. See
 * docs/cluster.md for what is and is not guaranteed.
 */
typedef struct _TandemCluster TandemCluster;

/* Parses redis://HOST:PORT[/DB]; no connection is made yet. */
TandemCluster *tandem_cluster_new          (const char           *url,
                                            const char           *node_id,
                                            guint                 replicas,
                                            GError              **error);
void           tandem_cluster_free         (TandemCluster        *self);
/* Connects once to say early whether Redis answers (and warns when it
 * does not fsync every write); sessions reconnect on their own later. */
gboolean       tandem_cluster_check        (TandemCluster        *self,
                                            GError              **error);
/* From now on, sessions of @server log to the cluster. @self must outlive
 * @server. */
void           tandem_cluster_attach       (TandemCluster        *self,
                                            TandemSessionServer  *server);

/* Presence across the nodes (tandem-cluster-presence.c), once attached. */
TandemClusterPresence *_tandem_cluster_get_presence (TandemCluster *self);
/* Tests: the node's presence goes silent, as in a crash or a partition. */
void                   _tandem_cluster_drop_presence (TandemCluster *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TandemCluster, tandem_cluster_free)

G_END_DECLS
