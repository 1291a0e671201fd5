/* tandem-port-mapping.h — asks the home router (UPnP-IGD) to forward the host's port
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define TANDEM_TYPE_PORT_MAPPING (tandem_port_mapping_get_type ())
G_DECLARE_FINAL_TYPE (TandemPortMapping, tandem_port_mapping, TANDEM, PORT_MAPPING, GObject)

/* How long a router gets to answer before hosting carries on without it. */
#define TANDEM_PORT_MAPPING_TIMEOUT_MS 5000

TandemPortMapping *tandem_port_mapping_new            (void);
/* Asks the routers on the network to forward TCP @port on their public
 * address to @local_ip:@port, for at most @timeout_ms; done once one maps
 * it, or with an error: G_IO_ERROR_TIMED_OUT when none answers,
 * G_IO_ERROR_FAILED when one refuses. Its message, in lower case, says why
 * as a clause ("another computer already uses that port on it (UPnP error
 * 718, …)"). The mapping lasts until tandem_port_mapping_stop() or the
 * object goes. */
void               tandem_port_mapping_start_async    (TandemPortMapping   *self,
                                                       const char          *local_ip,
                                                       guint16              port,
                                                       guint                timeout_ms,
                                                       GCancellable        *cancellable,
                                                       GAsyncReadyCallback  callback,
                                                       gpointer             user_data);
/* The router's public address; @external_port the port there. */
char              *tandem_port_mapping_start_finish   (TandemPortMapping   *self,
                                                       GAsyncResult        *result,
                                                       guint16             *external_port,
                                                       GError             **error);
/* Removes the mapping, if any (the router is told in the background). */
void               tandem_port_mapping_stop           (TandemPortMapping   *self);
/* The same, done once the router answered, or gave up waiting for it (a few
 * seconds): what quitting waits for, so no forwarding outlives the app. A
 * request still unanswered ends first, with G_IO_ERROR_CANCELLED. */
void               tandem_port_mapping_stop_async     (TandemPortMapping   *self,
                                                       GAsyncReadyCallback  callback,
                                                       gpointer             user_data);
gboolean           tandem_port_mapping_stop_finish    (TandemPortMapping   *self,
                                                       GAsyncResult       *result,
                                                       GError            **error);

G_END_DECLS
