/* tandem-link-kind.c — says, in words, who an invite link works for
 *
 * The Host dialog says it before hosting, from the address alone; the
 * invite dialog after, once the router has answered or not.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-ui"

#include "config.h"

#include <gio/gio.h>
#include <glib/gi18n.h>

#include "tandem-host-addresses.h"
#include "tandem-link-kind.h"

gboolean
tandem_link_kind_can_forward (const char *address)
{
  g_autoptr(GInetAddress) inet = address != NULL ? g_inet_address_new_from_string (address) : NULL;

  return inet != NULL && g_inet_address_get_family (inet) == G_SOCKET_FAMILY_IPV4
         && tandem_host_addresses_classify (address) == TANDEM_HOST_REACH_NETWORK;
}

void
tandem_link_kind_describe (const char  *address,
                           gboolean     forwarding,
                           const char **kind,
                           const char **detail)
{
  g_return_if_fail (kind != NULL && detail != NULL);

  if (forwarding && tandem_link_kind_can_forward (address))
    {
      *kind = _("Works from the internet if your router agrees");
      *detail = _("Tandem asks your router to open the port when you host, "
                  "and says whether it did.");
      return;
    }
  switch (address ? tandem_host_addresses_classify (address) : TANDEM_HOST_REACH_THIS_COMPUTER)
    {
    case TANDEM_HOST_REACH_THIS_COMPUTER:
      *kind = _("Only on this computer");
      *detail = _("Other computers cannot use this link.");
      break;
    case TANDEM_HOST_REACH_NETWORK:
      *kind = _("Works on this network");
      *detail = _("Guests on the same Wi-Fi or wired network can join; "
                  "from elsewhere, host on a server or open a port on your router.");
      break;
    case TANDEM_HOST_REACH_INTERNET:
    default:
      *kind = _("Works from the internet");
      *detail = _("Anyone with the link can join, unless a firewall blocks the port.");
      break;
    }
}
