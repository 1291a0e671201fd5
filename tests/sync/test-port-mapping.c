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

#include <libgupnp/gupnp.h>
#include <string.h>

#include "sync-test-utils.h"
#include "tandem-port-mapping.h"

#define WAN_IP_CONNECTION "urn:schemas-upnp-org:service:WANIPConnection:1"
/* TEST-NET-3 (RFC 5737): an address that is public in form, routed nowhere. */
#define EXTERNAL_IP "203.0.113.7"
#define LOCAL_IP    "127.0.0.1"
#define PORT        40123
#define WAIT_MS     10000

/* The router, and what it was asked. */
typedef struct
{
  GUPnPContext     *context;
  GUPnPRootDevice  *device;
  GUPnPServiceInfo *service;
  guint             refuse_code; /* AddPortMapping answers this UPnP error; 0: OK */
  guint             n_added;
  guint             n_deleted;
  char             *added_proto;
  char             *added_client;
  guint             added_external_port;
  guint             added_internal_port;
  guint             added_lease;
  gboolean          added_enabled;
  char             *deleted_proto;
  guint             deleted_port;
} Router;

static Router router;

static void
on_get_external_ip (GUPnPService       *service,
                    GUPnPServiceAction *action,
                    gpointer            data)
{
  gupnp_service_action_set (action, "NewExternalIPAddress", G_TYPE_STRING, EXTERNAL_IP, NULL);
  gupnp_service_action_return_success (action);
}

static void
on_query_external_ip (GUPnPService *service,
                      const char   *variable,
                      GValue       *value,
                      gpointer      data)
{
  g_value_init (value, G_TYPE_STRING);
  g_value_set_string (value, EXTERNAL_IP);
}

static void
on_add_port_mapping (GUPnPService       *service,
                     GUPnPServiceAction *action,
                     gpointer            data)
{
  g_autofree char *remote_host = NULL;
  g_autofree char *description = NULL;

  g_clear_pointer (&router.added_proto, g_free);
  g_clear_pointer (&router.added_client, g_free);
  gupnp_service_action_get (action,
                            "NewRemoteHost", G_TYPE_STRING, &remote_host,
                            "NewExternalPort", G_TYPE_UINT, &router.added_external_port,
                            "NewProtocol", G_TYPE_STRING, &router.added_proto,
                            "NewInternalPort", G_TYPE_UINT, &router.added_internal_port,
                            "NewInternalClient", G_TYPE_STRING, &router.added_client,
                            "NewEnabled", G_TYPE_BOOLEAN, &router.added_enabled,
                            "NewPortMappingDescription", G_TYPE_STRING, &description,
                            "NewLeaseDuration", G_TYPE_UINT, &router.added_lease,
                            NULL);
  router.n_added++;
  if (router.refuse_code != 0)
    gupnp_service_action_return_error (action, router.refuse_code, "ConflictInMappingEntry");
  else
    gupnp_service_action_return_success (action);
}

static void
on_delete_port_mapping (GUPnPService       *service,
                        GUPnPServiceAction *action,
                        gpointer            data)
{
  g_autofree char *remote_host = NULL;

  g_clear_pointer (&router.deleted_proto, g_free);
  gupnp_service_action_get (action,
                            "NewRemoteHost", G_TYPE_STRING, &remote_host,
                            "NewExternalPort", G_TYPE_UINT, &router.deleted_port,
                            "NewProtocol", G_TYPE_STRING, &router.deleted_proto,
                            NULL);
  router.n_deleted++;
  gupnp_service_action_return_success (action);
}

/* Switches the router on, once; the no-router case runs before. */
static void
router_up (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GUPnPDeviceInfo) wan = NULL;
  g_autoptr(GUPnPDeviceInfo) connection = NULL;

  if (router.device != NULL)
    return;
  router.context = gupnp_context_new_full ("lo", NULL, 0, GSSDP_UDA_VERSION_1_0, &error);
  g_assert_no_error (error);
  gupnp_context_host_path (router.context, IGD_DATA_DIR, "");
  router.device = gupnp_root_device_new (router.context, "gateway.xml", IGD_DATA_DIR, &error);
  g_assert_no_error (error);

  wan = gupnp_device_info_get_device (GUPNP_DEVICE_INFO (router.device),
                                      "urn:schemas-upnp-org:device:WANDevice:1");
  g_assert_nonnull (wan);
  connection = gupnp_device_info_get_device (wan,
                                             "urn:schemas-upnp-org:device:WANConnectionDevice:1");
  g_assert_nonnull (connection);
  router.service = gupnp_device_info_get_service (connection, WAN_IP_CONNECTION);
  g_assert_nonnull (router.service);
  g_signal_connect (router.service, "action-invoked::GetExternalIPAddress",
                    G_CALLBACK (on_get_external_ip), NULL);
  g_signal_connect (router.service, "action-invoked::AddPortMapping",
                    G_CALLBACK (on_add_port_mapping), NULL);
  g_signal_connect (router.service, "action-invoked::DeletePortMapping",
                    G_CALLBACK (on_delete_port_mapping), NULL);
  g_signal_connect (router.service, "query-variable::ExternalIPAddress",
                    G_CALLBACK (on_query_external_ip), NULL);
  gupnp_root_device_set_available (router.device, TRUE);
}

static void
router_down (void)
{
  if (router.device != NULL)
    gupnp_root_device_set_available (router.device, FALSE);
  g_clear_object (&router.service);
  g_clear_object (&router.device);
  g_clear_object (&router.context);
  g_clear_pointer (&router.added_proto, g_free);
  g_clear_pointer (&router.added_client, g_free);
  g_clear_pointer (&router.deleted_proto, g_free);
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
  return router.n_deleted > GPOINTER_TO_UINT (data);
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

  g_assert_null (router.device);
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

  g_assert_null (router.device);
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
  router.refuse_code = 0;
  router.n_added = 0;
  map (mapping, TANDEM_PORT_MAPPING_TIMEOUT_MS, &r);
  g_assert_no_error (r.error);
  g_assert_cmpstr (r.external_ip, ==, EXTERNAL_IP);
  g_assert_cmpuint (r.external_port, ==, PORT);
  /* What the router was asked: this computer's port, the same outside, with
   * a lease the library renews (a crash leaves no mapping for long). */
  g_assert_cmpuint (router.n_added, >=, 1);
  g_assert_cmpstr (router.added_proto, ==, "TCP");
  g_assert_cmpstr (router.added_client, ==, LOCAL_IP);
  g_assert_cmpuint (router.added_internal_port, ==, PORT);
  g_assert_cmpuint (router.added_external_port, ==, PORT);
  g_assert_true (router.added_enabled);
  g_assert_cmpuint (router.added_lease, >, 0);
  g_assert_cmpuint (router.added_lease, <=, 3600);
  result_clear (&r);
}

static void
test_stop_deletes (void)
{
  g_autoptr(TandemPortMapping) mapping = tandem_port_mapping_new ();
  Result r = { 0, };
  guint deleted_before;

  router_up ();
  router.refuse_code = 0;
  map (mapping, TANDEM_PORT_MAPPING_TIMEOUT_MS, &r);
  g_assert_no_error (r.error);
  deleted_before = router.n_deleted;
  tandem_port_mapping_stop (mapping);
  g_assert_true (sync_test_wait (was_deleted, GUINT_TO_POINTER (deleted_before), WAIT_MS));
  g_assert_cmpuint (router.deleted_port, ==, PORT);
  g_assert_cmpstr (router.deleted_proto, ==, "TCP");
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
  *deleted_then = router.n_deleted;
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
  router.refuse_code = 0;
  map (mapping, TANDEM_PORT_MAPPING_TIMEOUT_MS, &r);
  g_assert_no_error (r.error);
  deleted_before = router.n_deleted;
  tandem_port_mapping_stop_async (mapping, on_stopped, &deleted_then);
  g_assert_true (sync_test_wait (is_set, &deleted_then, WAIT_MS));
  g_assert_cmpuint (deleted_then, ==, deleted_before + 1);
  g_assert_cmpuint (router.deleted_port, ==, PORT);
  result_clear (&r);
}

static void
test_refused (void)
{
  g_autoptr(TandemPortMapping) mapping = tandem_port_mapping_new ();
  Result r = { 0, };

  router_up ();
  router.refuse_code = 718;
  router.n_added = 0;
  map (mapping, TANDEM_PORT_MAPPING_TIMEOUT_MS, &r);
  g_assert_null (r.external_ip);
  g_assert_error (r.error, G_IO_ERROR, G_IO_ERROR_FAILED);
  g_assert_cmpuint (router.n_added, >=, 1);
  /* Said plainly, with the router's own words for whoever looks further. */
  g_assert_nonnull (strstr (r.error->message, "another computer"));
  g_assert_nonnull (strstr (r.error->message, "718"));
  /* The router's answer, not the timeout. */
  g_assert_cmpint (r.elapsed_us, <, TANDEM_PORT_MAPPING_TIMEOUT_MS * 1000);
  router.refuse_code = 0;
  result_clear (&r);
}

int
main (int    argc,
      char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  /* Outside the namespace this would ask the machine's real router. */
  if (g_getenv ("TANDEM_TEST_NETNS") == NULL)
    {
      g_test_skip ("run through tests/sync/netns-env.sh (a network namespace of its own)");
      return g_test_run ();
    }

  g_test_add_func ("/port-mapping/no-router", test_no_router);
  g_test_add_func ("/port-mapping/cancelled", test_cancelled);
  g_test_add_func ("/port-mapping/maps", test_maps);
  g_test_add_func ("/port-mapping/stop-deletes", test_stop_deletes);
  g_test_add_func ("/port-mapping/stop-async-waits-for-router", test_stop_async_waits_for_router);
  g_test_add_func ("/port-mapping/refused", test_refused);
  status = g_test_run ();
  router_down ();
  return status;
}
