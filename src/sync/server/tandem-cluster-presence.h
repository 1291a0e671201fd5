/* tandem-cluster-presence.h — who is in a session, across the nodes of a cluster
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "tandem-session-server.h"

G_BEGIN_DECLS

typedef struct _TandemClusterPresence TandemClusterPresence;

/* From now on the presence of @server's people reaches the people of the
 * same sessions on the other nodes, and theirs reaches @server's, through
 * Redis pub/sub at @host:@port (tandem_cluster_attach() makes one). */
TandemClusterPresence *_tandem_cluster_presence_new        (const char            *host,
                                                            int                    port,
                                                            const char            *node_id,
                                                            TandemSessionServer   *server);
/* Tests: a heartbeat and an expiry shorter than 5 s and 15 s. */
void                   _tandem_cluster_presence_set_timing (TandemClusterPresence *self,
                                                            guint                  heartbeat_ms,
                                                            guint                  expiry_ms);
/* What came on @session_id's channel (fuzzing and tests; @payload ends
 * with a NUL after @length bytes). */
void                   _tandem_cluster_presence_handle     (TandemClusterPresence *self,
                                                            const char            *session_id,
                                                            const char            *payload,
                                                            gsize                  length);
/* Everyone heard of on other nodes leaves. */
void                   _tandem_cluster_presence_forget     (TandemClusterPresence *self);
/* Goes silent as a crash would: the other nodes see this node's people
 * leave once the expiry has passed. */
void                   _tandem_cluster_presence_free       (TandemClusterPresence *self);

G_END_DECLS
