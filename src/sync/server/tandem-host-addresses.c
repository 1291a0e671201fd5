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
#include <string.h>
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

/* 100.64.0.0/10: a carrier's shared space (CGNAT), as private as 10/8 to
 * anyone outside that carrier. */
static gboolean
is_shared_ipv4 (const guint8 *b)
{
  return b[0] == 100 && (b[1] & 0xc0) == 64;
}

TandemHostReach
tandem_host_addresses_classify (const char *host)
{
  g_autoptr(GInetAddress) inet = NULL;
  g_autofree char *bare = NULL;
  gsize len;

  g_return_val_if_fail (host != NULL, TANDEM_HOST_REACH_THIS_COMPUTER);
  len = strlen (host);
  if (len >= 2 && host[0] == '[' && host[len - 1] == ']')
    bare = g_strndup (host + 1, len - 2);
  else
    bare = g_strdup (host);

  if ((inet = g_inet_address_new_from_string (bare)) == NULL)
    {
      /* A name: only its resolver knows, so go by what names usually mean. */
      if (g_ascii_strcasecmp (bare, "localhost") == 0
          || g_str_has_suffix (bare, ".localhost"))
        return TANDEM_HOST_REACH_THIS_COMPUTER;
      if (strchr (bare, '.') == NULL || g_str_has_suffix (bare, ".local")
          || g_str_has_suffix (bare, ".lan") || g_str_has_suffix (bare, ".home.arpa"))
        return TANDEM_HOST_REACH_NETWORK;
      return TANDEM_HOST_REACH_INTERNET;
    }
  if (g_inet_address_get_is_loopback (inet) || g_inet_address_get_is_any (inet))
    return TANDEM_HOST_REACH_THIS_COMPUTER;
  if (g_inet_address_get_is_site_local (inet) || g_inet_address_get_is_link_local (inet))
    return TANDEM_HOST_REACH_NETWORK;
  if (g_inet_address_get_family (inet) == G_SOCKET_FAMILY_IPV4)
    {
      if (is_shared_ipv4 (g_inet_address_to_bytes (inet)))
        return TANDEM_HOST_REACH_NETWORK;
    }
  else
    {
      const guint8 *b = g_inet_address_to_bytes (inet);

      /* fc00::/7, unique local: never routed on the internet. */
      if ((b[0] & 0xfe) == 0xfc)
        return TANDEM_HOST_REACH_NETWORK;
    }
  return TANDEM_HOST_REACH_INTERNET;
}
