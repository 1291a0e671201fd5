/* tandem-cluster-private.h — what the cluster's log and tail share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <hiredis/hiredis.h>

#include "tandem-cluster.h"

G_BEGIN_DECLS

struct _TandemCluster
{
  char    *host;
  int      port;
  int      db;
  char    *node_id;
  guint    replicas;
  gboolean sabotage;     /* tests only: see cluster_write_records */
  char    *script_sha;   /* set once loaded; guarded by lock */
  GMutex   lock;
  TandemClusterPresence *presence; /* of the attached server, on its context */
};

/* A blocking connection whose commands time out after @command_timeout_ms;
 * NULL with a "storage unavailable" error. */
redisContext *_tandem_cluster_connect (TandemCluster  *cluster,
                                       guint           command_timeout_ms,
                                       GError        **error);

/* tandem-cluster-tail.c: follows every session with clients on this node. */
void          _tandem_cluster_tail_attach (TandemCluster       *cluster,
                                           TandemSessionServer *server);

/* tandem-cluster-fetch.c: see TandemSessionServer.fetch_session. */
gboolean      _tandem_cluster_fetch_session (TandemSessionServer *server,
                                             const char          *id,
                                             const char          *dir,
                                             gpointer             data,
                                             GError             **error);

JsonNode     *_tandem_cluster_fetch_snapshot (TandemSessionServer *server,
                                              const char          *id,
                                              gpointer             data,
                                              GError             **error);

G_END_DECLS
