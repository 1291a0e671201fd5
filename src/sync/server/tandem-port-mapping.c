/* tandem-port-mapping.c — asks the home router (UPnP-IGD) to forward the host's port
 *
 * GUPnPSimpleIgd finds the routers and keeps renewing the lease; this only
 * turns its signals into one answer, bounded in time, so the Host dialog can
 * say what happened rather than wait on a router that never answers.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-sync"

#include "config.h"

#include <libgupnp/gupnp.h>
#include <libgupnp-igd/gupnp-simple-igd.h>

#include "tandem-port-mapping.h"

/* Renewed by GUPnPSimpleIgd while it runs; short, so a crash leaves the
 * router forwarding to nothing for minutes, not forever. */
#define LEASE_SECONDS 600

struct _TandemPortMapping
{
  GObject         parent_instance;
  GUPnPSimpleIgd *igd;
  guint16         port;     /* mapped or being mapped; 0: none */
  GTask          *pending;
  guint           timeout_id;
  GSource        *cancel_source;
};

G_DEFINE_FINAL_TYPE (TandemPortMapping, tandem_port_mapping, G_TYPE_OBJECT)

typedef struct
{
  char    *external_ip;
  guint16  external_port;
} Mapped;

static void
mapped_free (Mapped *mapped)
{
  g_free (mapped->external_ip);
  g_free (mapped);
}

/* Ends the pending request with @mapped or @error (one of them). */
static void
finish (TandemPortMapping *self,
        Mapped            *mapped,
        GError            *error)
{
  g_autoptr(GTask) task = g_steal_pointer (&self->pending);

  g_clear_handle_id (&self->timeout_id, g_source_remove);
  if (self->cancel_source != NULL)
    {
      g_source_destroy (self->cancel_source);
      g_clear_pointer (&self->cancel_source, g_source_unref);
    }
  if (task == NULL)
    {
      g_clear_error (&error);
      if (mapped)
        mapped_free (mapped);
      return;
    }
  if (error != NULL)
    {
      /* Nothing forwarded: do not leave GUPnPSimpleIgd retrying. */
      tandem_port_mapping_stop (self);
      g_task_return_error (task, error);
    }
  else
    g_task_return_pointer (task, mapped, (GDestroyNotify) mapped_free);
}

static void
on_mapped (GUPnPSimpleIgd    *igd,
           const char        *proto,
           const char        *external_ip,
           const char        *replaces_external_ip,
           guint              external_port,
           const char        *local_ip,
           guint              local_port,
           const char        *description,
           TandemPortMapping *self)
{
  Mapped *mapped;

  if (local_port != self->port || external_ip == NULL || external_ip[0] == '\0')
    return;
  mapped = g_new0 (Mapped, 1);
  mapped->external_ip = g_strdup (external_ip);
  mapped->external_port = external_port;
  finish (self, mapped, NULL);
}

/* The UPnP errors routers give for AddPortMapping (WANIPConnection:1 and :2),
 * in words a musician can act on. */
static const char *
describe_upnp_error (int code)
{
  switch (code)
    {
    case 606:
      return "it does not let this computer change its settings";
    case 718:
      return "another computer already uses that port on it";
    case 724:
      return "it only forwards a port to the same port number";
    case 725:
      return "it only accepts permanent forwardings";
    case 728:
      return "its table of forwarded ports is full";
    case 729:
      return "it does not forward ports below 1024";
    default:
      return "it refused";
    }
}

static void
on_error (GUPnPSimpleIgd    *igd,
          GError            *error,
          const char        *proto,
          guint              external_port,
          const char        *local_ip,
          guint              local_port,
          const char        *description,
          TandemPortMapping *self)
{
  if (local_port != self->port)
    return;
  /* The router's own words and code stay in the message, for whoever has to
   * look at its settings. */
  if (error != NULL && error->domain == GUPNP_CONTROL_ERROR)
    finish (self, NULL,
            g_error_new (G_IO_ERROR, G_IO_ERROR_FAILED, "%s (UPnP error %d, %s)",
                         describe_upnp_error (error->code), error->code, error->message));
  else
    finish (self, NULL,
            g_error_new (G_IO_ERROR, G_IO_ERROR_FAILED, "it could not (%s)",
                         error != NULL ? error->message : "no reason given"));
}

static gboolean
on_timeout (gpointer data)
{
  TandemPortMapping *self = data;

  self->timeout_id = 0;
  finish (self, NULL,
          g_error_new_literal (G_IO_ERROR, G_IO_ERROR_TIMED_OUT,
                               "no router on this network answered (UPnP)"));
  return G_SOURCE_REMOVE;
}

/* From the main loop rather than the cancelling call, which may hold locks. */
static gboolean
on_cancelled (GCancellable *cancellable,
              gpointer      data)
{
  TandemPortMapping *self = data;

  finish (self, NULL, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                           "asking the router was cancelled"));
  return G_SOURCE_REMOVE;
}

static void
tandem_port_mapping_dispose (GObject *object)
{
  TandemPortMapping *self = TANDEM_PORT_MAPPING (object);

  g_assert (self->pending == NULL);
  tandem_port_mapping_stop (self);
  g_clear_object (&self->igd);
  G_OBJECT_CLASS (tandem_port_mapping_parent_class)->dispose (object);
}

static void
tandem_port_mapping_class_init (TandemPortMappingClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = tandem_port_mapping_dispose;
}

static void
tandem_port_mapping_init (TandemPortMapping *self)
{
}

TandemPortMapping *
tandem_port_mapping_new (void)
{
  return g_object_new (TANDEM_TYPE_PORT_MAPPING, NULL);
}

void
tandem_port_mapping_start_async (TandemPortMapping   *self,
                                 const char          *local_ip,
                                 guint16              port,
                                 guint                timeout_ms,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_return_if_fail (TANDEM_IS_PORT_MAPPING (self));
  g_return_if_fail (local_ip != NULL && port != 0);
  g_return_if_fail (self->pending == NULL);

  tandem_port_mapping_stop (self);
  /* The task holds a reference, so the object outlives the request. */
  self->pending = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (self->pending, tandem_port_mapping_start_async);
  if (self->igd == NULL)
    {
      /* Made here, in the caller's main context, which it then uses. */
      self->igd = gupnp_simple_igd_new ();
      g_signal_connect (self->igd, "mapped-external-port", G_CALLBACK (on_mapped), self);
      g_signal_connect (self->igd, "error-mapping-port", G_CALLBACK (on_error), self);
    }
  self->port = port;
  self->timeout_id = g_timeout_add (timeout_ms, on_timeout, self);
  if (cancellable != NULL)
    {
      self->cancel_source = g_cancellable_source_new (cancellable);
      g_source_set_callback (self->cancel_source, G_SOURCE_FUNC (on_cancelled), self, NULL);
      g_source_attach (self->cancel_source, NULL);
    }
  /* The same port outside as inside: the link then only changes its host. */
  gupnp_simple_igd_add_port (self->igd, "TCP", port, local_ip, port, LEASE_SECONDS,
                             "Tandem session");
}

char *
tandem_port_mapping_start_finish (TandemPortMapping  *self,
                                  GAsyncResult       *result,
                                  guint16            *external_port,
                                  GError            **error)
{
  Mapped *mapped;
  char *ip;

  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  if ((mapped = g_task_propagate_pointer (G_TASK (result), error)) == NULL)
    return NULL;
  if (external_port)
    *external_port = mapped->external_port;
  ip = g_steal_pointer (&mapped->external_ip);
  mapped_free (mapped);
  return ip;
}

static void
on_igd_gone (gpointer  data,
             GObject  *where_the_object_was)
{
  g_autoptr(GTask) task = data;

  g_task_return_boolean (task, TRUE);
}

void
tandem_port_mapping_stop_async (TandemPortMapping   *self,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (TANDEM_IS_PORT_MAPPING (self));

  if (self->pending != NULL)
    finish (self, NULL, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                             "hosting stopped before the router answered"));
  task = g_task_new (self, NULL, callback, user_data);
  g_task_set_source_tag (task, tandem_port_mapping_stop_async);
  tandem_port_mapping_stop (self);
  if (self->igd == NULL)
    {
      g_task_return_boolean (task, TRUE);
      g_object_unref (task);
      return;
    }
  /* GUPnPSimpleIgd holds itself while a DeletePortMapping is unanswered (at
   * most its request timeout): it goes when the router has answered. */
  g_object_weak_ref (G_OBJECT (self->igd), on_igd_gone, task);
  g_clear_object (&self->igd);
}

gboolean
tandem_port_mapping_stop_finish (TandemPortMapping  *self,
                                 GAsyncResult       *result,
                                 GError            **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

void
tandem_port_mapping_stop (TandemPortMapping *self)
{
  g_return_if_fail (TANDEM_IS_PORT_MAPPING (self));

  if (self->igd != NULL && self->port != 0)
    gupnp_simple_igd_remove_port (self->igd, "TCP", self->port);
  self->port = 0;
}
