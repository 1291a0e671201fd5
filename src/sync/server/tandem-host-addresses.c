/* tandem-host-addresses.c — the addresses other machines can reach this one at
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-sync"

#include "config.h"

#include <gio/gio.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "tandem-host-addresses.h"

/* An invite link has to name something the guest's machine can use. The
 * machine's bare host name ("vm") resolves nowhere else, and a link-local
 * IPv6 address needs a zone that a link cannot carry, so neither is
 * offered. IPv4 comes first: it is what a home network hands out to all. */
static int
rank (GInetAddress *inet)
{
  if (g_inet_address_get_is_loopback (inet) || g_inet_address_get_is_link_local (inet)
      || g_inet_address_get_is_any (inet) || g_inet_address_get_is_multicast (inet))
    return -1;
  return g_inet_address_get_family (inet) == G_SOCKET_FAMILY_IPV4 ? 0 : 1;
}

/* The machine's usable addresses as strings, IPv4 then IPv6, each once, in
 * interface order; empty when it has only loopback. */
GPtrArray *
tandem_host_addresses_list (void)
{
  GPtrArray *out = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) v6 = g_ptr_array_new_with_free_func (g_free);
  struct ifaddrs *list = NULL;

  if (getifaddrs (&list) != 0)
    return out;
  for (struct ifaddrs *ifa = list; ifa != NULL; ifa = ifa->ifa_next)
    {
      g_autoptr(GSocketAddress) address = NULL;
      GInetAddress *inet;
      gsize size;
      char *text;
      int r;

      if (ifa->ifa_addr == NULL || (ifa->ifa_flags & IFF_UP) == 0)
        continue;
      if (ifa->ifa_addr->sa_family == AF_INET)
        size = sizeof (struct sockaddr_in);
      else if (ifa->ifa_addr->sa_family == AF_INET6)
        size = sizeof (struct sockaddr_in6);
      else
        continue;
      address = g_socket_address_new_from_native (ifa->ifa_addr, size);
      if (address == NULL || !G_IS_INET_SOCKET_ADDRESS (address))
        continue;
      inet = g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (address));
      r = rank (inet);
      if (r < 0)
        continue;
      text = g_inet_address_to_string (inet);
      if (g_ptr_array_find_with_equal_func (out, text, g_str_equal, NULL)
          || g_ptr_array_find_with_equal_func (v6, text, g_str_equal, NULL))
        g_free (text);
      else
        g_ptr_array_add (r == 0 ? out : v6, text);
    }
  freeifaddrs (list);
  for (guint i = 0; i < v6->len; i++)
    g_ptr_array_add (out, g_strdup (v6->pdata[i]));
  return out;
}

/* The address a link names by default: the first usable one, or loopback
 * when the machine is on no network (the link then works on this computer
 * only, which is all there is to reach). */
char *
tandem_host_addresses_dup_default (void)
{
  g_autoptr(GPtrArray) list = tandem_host_addresses_list ();

  return g_strdup (list->len > 0 ? list->pdata[0] : "127.0.0.1");
}
