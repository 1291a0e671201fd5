/* sync-test-igd.c — a home router for tests: a real UPnP Internet Gateway Device
 *
 * A GUPnP root device from tests/data/igd/ (InternetGatewayDevice, WANDevice,
 * WANConnectionDevice, WANIPConnection), answering GetExternalIPAddress,
 * AddPortMapping and DeletePortMapping over SOAP as a router does.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-sync-test"

#include "config.h"

#include <libgupnp/gupnp.h>

#include "sync-test-igd.h"

#define WAN_IP_CONNECTION "urn:schemas-upnp-org:service:WANIPConnection:1"

struct _SyncTestIgd
{
  GUPnPContext     *context;
  GUPnPRootDevice  *device;
  GUPnPServiceInfo *service;
  SyncTestIgdLog    log;
};

static gboolean
return_external_ip (gpointer data)
{
  GUPnPServiceAction *action = data;

  gupnp_service_action_set (action, "NewExternalIPAddress", G_TYPE_STRING,
                            SYNC_TEST_IGD_EXTERNAL_IP, NULL);
  gupnp_service_action_return_success (action);
  return G_SOURCE_REMOVE;
}

static void
on_get_external_ip (GUPnPService       *service,
                    GUPnPServiceAction *action,
                    SyncTestIgd        *igd)
{
  /* A router busy elsewhere: the address comes after the mapping is made. */
  if (igd->log.external_ip_delay_ms > 0)
    g_timeout_add (igd->log.external_ip_delay_ms, return_external_ip, action);
  else
    return_external_ip (action);
}

/* The evented variable a subscriber gets first. */
static void
on_query_external_ip (GUPnPService *service,
                      const char   *variable,
                      GValue       *value,
                      SyncTestIgd  *igd)
{
  g_value_init (value, G_TYPE_STRING);
  g_value_set_string (value, SYNC_TEST_IGD_EXTERNAL_IP);
}

static void
on_add_port_mapping (GUPnPService       *service,
                     GUPnPServiceAction *action,
                     SyncTestIgd        *igd)
{
  SyncTestIgdLog *log = &igd->log;
  g_autofree char *remote_host = NULL;
  g_autofree char *description = NULL;

  g_clear_pointer (&log->added_proto, g_free);
  g_clear_pointer (&log->added_client, g_free);
  gupnp_service_action_get (action,
                            "NewRemoteHost", G_TYPE_STRING, &remote_host,
                            "NewExternalPort", G_TYPE_UINT, &log->added_external_port,
                            "NewProtocol", G_TYPE_STRING, &log->added_proto,
                            "NewInternalPort", G_TYPE_UINT, &log->added_internal_port,
                            "NewInternalClient", G_TYPE_STRING, &log->added_client,
                            "NewEnabled", G_TYPE_BOOLEAN, &log->added_enabled,
                            "NewPortMappingDescription", G_TYPE_STRING, &description,
                            "NewLeaseDuration", G_TYPE_UINT, &log->added_lease,
                            NULL);
  log->n_added++;
  if (log->refuse_code != 0)
    gupnp_service_action_return_error (action, log->refuse_code, "ConflictInMappingEntry");
  else
    gupnp_service_action_return_success (action);
}

static void
on_delete_port_mapping (GUPnPService       *service,
                        GUPnPServiceAction *action,
                        SyncTestIgd        *igd)
{
  SyncTestIgdLog *log = &igd->log;
  g_autofree char *remote_host = NULL;

  g_clear_pointer (&log->deleted_proto, g_free);
  gupnp_service_action_get (action,
                            "NewRemoteHost", G_TYPE_STRING, &remote_host,
                            "NewExternalPort", G_TYPE_UINT, &log->deleted_port,
                            "NewProtocol", G_TYPE_STRING, &log->deleted_proto,
                            NULL);
  log->n_deleted++;
  gupnp_service_action_return_success (action);
}

SyncTestIgd *
sync_test_igd_new (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GUPnPDeviceInfo) wan = NULL;
  g_autoptr(GUPnPDeviceInfo) connection = NULL;
  SyncTestIgd *igd = g_new0 (SyncTestIgd, 1);
  const char *iface;

  g_assert_true (sync_test_igd_in_own_network ());
  /* On the home network netns-env.sh makes (loopback without it): a router
   * only accepts event subscribers on its own network, so it must not share
   * an interface with another one. */
  iface = g_getenv ("TANDEM_TEST_ROUTER_IFACE");
  igd->context = gupnp_context_new_full (iface != NULL ? iface : "lo", NULL, 0,
                                         GSSDP_UDA_VERSION_1_0, &error);
  g_assert_no_error (error);
  gupnp_context_host_path (igd->context, IGD_DATA_DIR, "");
  igd->device = gupnp_root_device_new (igd->context, "gateway.xml", IGD_DATA_DIR, &error);
  g_assert_no_error (error);

  wan = gupnp_device_info_get_device (GUPNP_DEVICE_INFO (igd->device),
                                      "urn:schemas-upnp-org:device:WANDevice:1");
  g_assert_nonnull (wan);
  connection = gupnp_device_info_get_device (wan,
                                             "urn:schemas-upnp-org:device:WANConnectionDevice:1");
  g_assert_nonnull (connection);
  igd->service = gupnp_device_info_get_service (connection, WAN_IP_CONNECTION);
  g_assert_nonnull (igd->service);
  g_signal_connect (igd->service, "action-invoked::GetExternalIPAddress",
                    G_CALLBACK (on_get_external_ip), igd);
  g_signal_connect (igd->service, "action-invoked::AddPortMapping",
                    G_CALLBACK (on_add_port_mapping), igd);
  g_signal_connect (igd->service, "action-invoked::DeletePortMapping",
                    G_CALLBACK (on_delete_port_mapping), igd);
  g_signal_connect (igd->service, "query-variable::ExternalIPAddress",
                    G_CALLBACK (on_query_external_ip), igd);
  gupnp_root_device_set_available (igd->device, TRUE);
  return igd;
}

SyncTestIgdLog *
sync_test_igd_log (SyncTestIgd *igd)
{
  return &igd->log;
}

void
sync_test_igd_free (SyncTestIgd *igd)
{
  if (igd == NULL)
    return;
  gupnp_root_device_set_available (igd->device, FALSE);
  g_signal_handlers_disconnect_by_data (igd->service, igd);
  g_clear_object (&igd->service);
  g_clear_object (&igd->device);
  g_clear_object (&igd->context);
  g_free (igd->log.added_proto);
  g_free (igd->log.added_client);
  g_free (igd->log.deleted_proto);
  g_free (igd);
}

gboolean
sync_test_igd_in_own_network (void)
{
  return g_getenv ("TANDEM_TEST_NETNS") != NULL;
}
