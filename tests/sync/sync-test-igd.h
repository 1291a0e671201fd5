/* sync-test-igd.h — a home router for tests: a real UPnP Internet Gateway Device
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* TEST-NET-3 (RFC 5737): an address that is public in form, routed nowhere. */
#define SYNC_TEST_IGD_EXTERNAL_IP "203.0.113.7"

/* What the router was asked, and how it answers. */
typedef struct
{
  guint     refuse_code;         /* AddPortMapping answers this UPnP error; 0: OK */
  guint     external_ip_delay_ms; /* GetExternalIPAddress answers this late */
  guint     n_added;
  guint     n_deleted;
  char     *added_proto;
  char     *added_client;
  guint     added_external_port;
  guint     added_internal_port;
  guint     added_lease;
  gboolean  added_enabled;
  char     *deleted_proto;
  guint     deleted_port;
} SyncTestIgdLog;

typedef struct _SyncTestIgd SyncTestIgd;

/* Announces itself over SSDP on the network netns-env.sh makes (10.77.0.1),
 * or loopback, from the thread-default main
 * context, and serves its WANIPConnection there: only ever run it in a
 * network namespace of its own (tests/sync/netns-env.sh). */
SyncTestIgd    *sync_test_igd_new  (void);
SyncTestIgdLog *sync_test_igd_log  (SyncTestIgd *igd);
/* Says byebye and stops serving. */
void            sync_test_igd_free (SyncTestIgd *igd);
/* Whether the test runs where a fake router cannot reach the real one. */
gboolean        sync_test_igd_in_own_network (void);

G_END_DECLS
