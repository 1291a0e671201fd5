/* tandem-window-reach.c — asks the router to open the hosted port, and says
 * who the invite link works for
 *
 * Hosting on this computer makes a link naming its address on the local
 * network. With “Open a port on the router” on, the router is asked (UPnP
 * IGD) to forward the port; the link then names the router's public address,
 * and the invite dialog says which of the two it is, and why.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-ui"

#include "config.h"

#include <glib/gi18n.h>

#include "tandem-invite.h"
#include "tandem-link-kind.h"
#include "tandem-window-private.h"

/* Says in the invite dialog shown, if any, what the link is now. */
static void
update_dialog (TandemWindow *self)
{
  TandemInviteDialog *dialog = TANDEM_INVITE_DIALOG (self->invite_dialog);
  g_autoptr(TandemInvite) invite = NULL;
  g_autofree char *detail = NULL;
  const char *kind, *plain;

  if (dialog == NULL)
    return;
  if (self->reach_error != NULL)
    {
      /* Translators: %s says why, e.g. “no router on this network answered” */
      detail = g_strdup_printf (_("Your router did not open a port: %s. This link works on "
                                  "this network."), self->reach_error);
      tandem_invite_dialog_set_reach (dialog, _("Works on this network"), detail, FALSE);
    }
  else if (self->reach_open)
    tandem_invite_dialog_set_reach (dialog, _("Works from the internet"),
                                    _("Your router forwards the port to this computer: anyone "
                                      "with the link can join."), FALSE);
  else if (self->port_mapping != NULL)
    tandem_invite_dialog_set_reach (dialog, _("Asking your router…"),
                                    _("Until it answers, the link works on this network."), TRUE);
  else
    {
      invite = self->invite_link != NULL ? tandem_invite_parse (self->invite_link, NULL) : NULL;
      tandem_link_kind_describe (invite != NULL ? invite->host : NULL, FALSE, &kind, &plain);
      tandem_invite_dialog_set_reach (dialog, kind, plain, FALSE);
    }
}

static void
on_mapped (GObject      *source,
           GAsyncResult *result,
           gpointer      data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *external_ip = NULL;
  guint16 external_port = 0;
  TandemWindow *self;

  external_ip = tandem_port_mapping_start_finish (TANDEM_PORT_MAPPING (source), result,
                                                  &external_port, &error);
  /* Hosting stopped meanwhile: the window may be gone. */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = TANDEM_WINDOW (data);
  g_clear_object (&self->reach_cancellable);

  /* The router was asked for the same port outside as inside; a link with
   * another one would need every link rewritten, and no router does that. */
  if (external_ip != NULL && external_port != tandem_session_host_get_port (self->host))
    g_set_error (&error, G_IO_ERROR, G_IO_ERROR_FAILED,
                 _("it offered port %u instead of %u"), external_port,
                 tandem_session_host_get_port (self->host));
  if (error != NULL)
    {
      g_debug ("No port forwarded: %s", error->message);
      self->reach_error = g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT)
                          ? g_strdup (_("no router on this network answered"))
                          : g_strdup (error->message);
      /* Nothing to remove on the router. */
      g_clear_object (&self->port_mapping);
      if (self->invite_dialog == NULL)
        tandem_window_show_toast (self, _("Your router did not open a port: the invite link "
                                          "works on this network only"));
    }
  else
    {
      self->reach_open = TRUE;
      /* Links made from now on (Copy Invite Link, listen-only) name it too. */
      tandem_session_host_set_public_host (self->host, external_ip);
      g_free (self->invite_link);
      self->invite_link = tandem_session_host_dup_invite (self->host, TANDEM_ROLE_EDITOR);
      if (self->invite_dialog != NULL)
        _tandem_window_fill_local_invite (self, TANDEM_INVITE_DIALOG (self->invite_dialog));
      else
        tandem_window_show_toast (self, _("Your router opened the port: the invite link works "
                                          "from the internet"));
    }
  update_dialog (self);
}

/**
 * _tandem_window_reach_start:
 * @address: the local address the link names
 * @port: the port the session listens on
 *
 * Asks the router to forward @port to @address, if a router can (a private
 * IPv4 address); the invite dialog shows the answer when it comes.
 */
void
_tandem_window_reach_start (TandemWindow *self,
                            const char   *address,
                            guint16       port)
{
  g_assert (self->host != NULL);

  _tandem_window_reach_stop (self);
  if (!tandem_link_kind_can_forward (address))
    return;
  self->port_mapping = tandem_port_mapping_new ();
  self->reach_cancellable = g_cancellable_new ();
  tandem_port_mapping_start_async (self->port_mapping, address, port,
                                   TANDEM_PORT_MAPPING_TIMEOUT_MS, self->reach_cancellable,
                                   on_mapped, self);
}

static void
on_removed (GObject      *source,
            GAsyncResult *result,
            gpointer      data)
{
  g_autoptr(GApplication) app = data;

  tandem_port_mapping_stop_finish (TANDEM_PORT_MAPPING (source), result, NULL);
  if (app != NULL)
    g_application_release (app);
}

/* Stops asking, and removes what the router forwards. */
void
_tandem_window_reach_stop (TandemWindow *self)
{
  GApplication *app = g_application_get_default ();

  if (self->reach_cancellable != NULL)
    g_cancellable_cancel (self->reach_cancellable);
  g_clear_object (&self->reach_cancellable);
  if (self->port_mapping != NULL)
    {
      /* Quitting waits until the router has heard (a few seconds at most),
       * so the port is not left forwarded to a computer that stopped. */
      if (app != NULL)
        g_application_hold (app);
      tandem_port_mapping_stop_async (self->port_mapping, on_removed,
                                      app != NULL ? g_object_ref (app) : NULL);
      g_clear_object (&self->port_mapping);
    }
  self->reach_open = FALSE;
  g_clear_pointer (&self->reach_error, g_free);
  g_clear_weak_pointer (&self->invite_dialog);
}

/* @dialog shows this window's local links: says who they work for, and
 * follows the router's answer while it shows. */
void
_tandem_window_reach_show (TandemWindow       *self,
                           TandemInviteDialog *dialog)
{
  g_set_weak_pointer (&self->invite_dialog, GTK_WIDGET (dialog));
  update_dialog (self);
}

/* What the router said, for tests: TRUE once it forwards the port. */
gboolean
_tandem_window_reach_is_open (TandemWindow *self)
{
  return self->reach_open;
}
