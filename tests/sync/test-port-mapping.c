/* test-port-mapping.c — asking a real UPnP router to forward the host's port
 *
 * Runs under tests/sync/netns-env.sh, in a network namespace of its own: the
 * router is a GUPnP root device announcing an Internet Gateway Device with a
 * WANIPConnection service over SSDP on loopback, answering over HTTP/SOAP as
 * a home router does; TandemPortMapping finds it as it finds a real one.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-sync-test"

#include "config.h"

#include <string.h>

#include "sync-test-igd.h"
#include "sync-test-utils.h"
#include "tandem-port-mapping.h"

#define LOCAL_IP    "127.0.0.1"
#define PORT        40123
#define WAIT_MS     10000

/* Made once the no-router cases have run. */
static SyncTestIgd    *router_igd;
static SyncTestIgdLog *router;

static void
router_up (void)
{
  if (router_igd != NULL)
    return;
  router_igd = sync_test_igd_new ();
  router = sync_test_igd_log (router_igd);
}

typedef struct
{
  gboolean  done;
  char     *external_ip;
  guint16   external_port;
  GError   *error;
  gint64    elapsed_us;
} Result;

static void
result_clear (Result *r)
{
  g_clear_pointer (&r->external_ip, g_free);
  g_clear_error (&r->error);
}

static gint64 started_at;

static void
on_started (GObject      *source,
            GAsyncResult *result,
            gpointer      data)
{
  Result *r = data;

  r->external_ip = tandem_port_mapping_start_finish (TANDEM_PORT_MAPPING (source), result,
                                                     &r->external_port, &r->error);
  r->elapsed_us = g_get_monotonic_time () - started_at;
  r->done = TRUE;
}

static gboolean
is_done (gpointer data)
{
  return ((Result *) data)->done;
}

static gboolean
was_deleted (gpointer data)
{
  return router->n_deleted > GPOINTER_TO_UINT (data);
}

/* Starts @mapping and waits (iterating) for its answer. */
static void
map (TandemPortMapping *mapping,
     guint              timeout_ms,
     Result            *r)
{
  started_at = g_get_monotonic_time ();
  tandem_port_mapping_start_async (mapping, LOCAL_IP, PORT, timeout_ms, NULL, on_started, r);
  g_assert_true (sync_test_wait (is_done, r, timeout_ms + WAIT_MS));
}

static void
test_no_router (void)
{
  g_autoptr(TandemPortMapping) mapping = tandem_port_mapping_new ();
  Result r = { 0, };

  g_assert_null (router_igd);
  map (mapping, 1000, &r);
  g_assert_null (r.external_ip);
  g_assert_error (r.error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT);
  g_assert_nonnull (strstr (r.error->message, "router"));
  /* Bounded: no sooner than asked, and not much later. */
  g_assert_cmpint (r.elapsed_us, >=, 1000 * 1000);
  g_assert_cmpint (r.elapsed_us, <, 2500 * 1000);
  result_clear (&r);
}

/* Hosting stops while no router has answered yet: at once, not at the bound. */
static void
test_cancelled (void)
{
  g_autoptr(TandemPortMapping) mapping = tandem_port_mapping_new ();
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  Result r = { 0, };

  g_assert_null (router_igd);
  started_at = g_get_monotonic_time ();
  tandem_port_mapping_start_async (mapping, LOCAL_IP, PORT, TANDEM_PORT_MAPPING_TIMEOUT_MS,
                                   cancellable, on_started, &r);
  g_cancellable_cancel (cancellable);
  g_assert_true (sync_test_wait (is_done, &r, WAIT_MS));
  g_assert_error (r.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpint (r.elapsed_us, <, TANDEM_PORT_MAPPING_TIMEOUT_MS * 1000 / 2);
  result_clear (&r);
}

static void
test_maps (void)
{
  g_autoptr(TandemPortMapping) mapping = tandem_port_mapping_new ();
  Result r = { 0, };

  router_up ();
  router->refuse_code = 0;
  router->n_added = 0;
  map (mapping, TANDEM_PORT_MAPPING_TIMEOUT_MS, &r);
  g_assert_no_error (r.error);
  g_assert_cmpstr (r.external_ip, ==, SYNC_TEST_IGD_EXTERNAL_IP);
  g_assert_cmpuint (r.external_port, ==, PORT);
  /* What the router was asked: this computer's port, the same outside, with
   * a lease the library renews (a crash leaves no mapping for long). */
  g_assert_cmpuint (router->n_added, >=, 1);
  g_assert_cmpstr (router->added_proto, ==, "TCP");
  g_assert_cmpstr (router->added_client, ==, LOCAL_IP);
  g_assert_cmpuint (router->added_internal_port, ==, PORT);
  g_assert_cmpuint (router->added_external_port, ==, PORT);
  g_assert_true (router->added_enabled);
  g_assert_cmpuint (router->added_lease, >, 0);
  g_assert_cmpuint (router->added_lease, <=, 3600);
  result_clear (&r);
}

/* The router says its address only after it made the mapping: its event
 * with the address completes the answer, well within the bound. */
static void
test_address_after_mapping (void)
{
  g_autoptr(TandemPortMapping) mapping = tandem_port_mapping_new ();
  Result r = { 0, };
  guint deleted_before;

  router_up ();
  router->refuse_code = 0;
  router->external_ip_delay_ms = 1500;
  map (mapping, TANDEM_PORT_MAPPING_TIMEOUT_MS, &r);
  router->external_ip_delay_ms = 0;
  g_assert_no_error (r.error);
  g_assert_cmpstr (r.external_ip, ==, SYNC_TEST_IGD_EXTERNAL_IP);
  g_assert_cmpuint (r.external_port, ==, PORT);
  result_clear (&r);
  /* Removed before the next case counts removals. */
  deleted_before = router->n_deleted;
  tandem_port_mapping_stop (mapping);
  g_assert_true (sync_test_wait (was_deleted, GUINT_TO_POINTER (deleted_before), WAIT_MS));
}

static void
test_stop_deletes (void)
{
  g_autoptr(TandemPortMapping) mapping = tandem_port_mapping_new ();
  Result r = { 0, };
  guint deleted_before;

  router_up ();
  router->refuse_code = 0;
  map (mapping, TANDEM_PORT_MAPPING_TIMEOUT_MS, &r);
  g_assert_no_error (r.error);
  deleted_before = router->n_deleted;
  tandem_port_mapping_stop (mapping);
  g_assert_true (sync_test_wait (was_deleted, GUINT_TO_POINTER (deleted_before), WAIT_MS));
  g_assert_cmpuint (router->deleted_port, ==, PORT);
  g_assert_cmpstr (router->deleted_proto, ==, "TCP");
  result_clear (&r);
}

static void
on_stopped (GObject      *source,
            GAsyncResult *result,
            gpointer      data)
{
  g_autoptr(GError) error = NULL;
  guint *deleted_then = data;

  g_assert_true (tandem_port_mapping_stop_finish (TANDEM_PORT_MAPPING (source), result, &error));
  g_assert_no_error (error);
  *deleted_then = router->n_deleted;
}

static gboolean
is_set (gpointer data)
{
  return *(guint *) data != G_MAXUINT;
}

/* What quitting waits on: done only once the router has removed it. */
static void
test_stop_async_waits_for_router (void)
{
  g_autoptr(TandemPortMapping) mapping = tandem_port_mapping_new ();
  Result r = { 0, };
  guint deleted_before, deleted_then = G_MAXUINT;

  router_up ();
  router->refuse_code = 0;
  map (mapping, TANDEM_PORT_MAPPING_TIMEOUT_MS, &r);
  g_assert_no_error (r.error);
  deleted_before = router->n_deleted;
  tandem_port_mapping_stop_async (mapping, on_stopped, &deleted_then);
  g_assert_true (sync_test_wait (is_set, &deleted_then, WAIT_MS));
  g_assert_cmpuint (deleted_then, ==, deleted_before + 1);
  g_assert_cmpuint (router->deleted_port, ==, PORT);
  result_clear (&r);
}

static void
test_refused (void)
{
  g_autoptr(TandemPortMapping) mapping = tandem_port_mapping_new ();
  Result r = { 0, };

  router_up ();
  router->refuse_code = 718;
  router->n_added = 0;
  map (mapping, TANDEM_PORT_MAPPING_TIMEOUT_MS, &r);
  g_assert_null (r.external_ip);
  g_assert_error (r.error, G_IO_ERROR, G_IO_ERROR_FAILED);
  g_assert_cmpuint (router->n_added, >=, 1);
  /* Said plainly, with the router's own words for whoever looks further. */
  g_assert_nonnull (strstr (r.error->message, "another computer"));
  g_assert_nonnull (strstr (r.error->message, "718"));
  /* The router's answer, not the timeout. */
  g_assert_cmpint (r.elapsed_us, <, TANDEM_PORT_MAPPING_TIMEOUT_MS * 1000);
  router->refuse_code = 0;
  result_clear (&r);
}

int
main (int    argc,
      char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  /* Outside the namespace this would ask the machine's real router. */
  if (!sync_test_igd_in_own_network ())
    {
      g_print ("1..0 # SKIP run through tests/sync/netns-env.sh (a network namespace of its "
               "own)\n");
      return 77;
    }

  g_test_add_func ("/port-mapping/no-router", test_no_router);
  g_test_add_func ("/port-mapping/cancelled", test_cancelled);
  g_test_add_func ("/port-mapping/maps", test_maps);
  g_test_add_func ("/port-mapping/address-after-mapping", test_address_after_mapping);
  g_test_add_func ("/port-mapping/stop-deletes", test_stop_deletes);
  g_test_add_func ("/port-mapping/stop-async-waits-for-router", test_stop_async_waits_for_router);
  g_test_add_func ("/port-mapping/refused", test_refused);
  status = g_test_run ();
  sync_test_igd_free (router_igd);
  return status;
}
