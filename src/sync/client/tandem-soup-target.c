/* tandem-soup-target.c — where a SoupSession connects, so TLS names no address
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-sync"

#include "config.h"

#include <string.h>

#include "tandem-soup-target.h"

static GInetAddress *
parse_literal (const char *host)
{
  g_autofree char *bare = NULL;
  gsize len;

  if (host == NULL)
    return NULL;
  len = strlen (host);
  if (len > 2 && host[0] == '[' && host[len - 1] == ']')
    bare = g_strndup (host + 1, len - 2);
  return g_inet_address_new_from_string (bare != NULL ? bare : host);
}

GSocketConnectable *
tandem_soup_target_new (const char *host,
                        guint16     port)
{
  g_autoptr(GInetAddress) address = parse_literal (host);

  if (address == NULL)
    return NULL;
  return G_SOCKET_CONNECTABLE (g_inet_socket_address_new (address, port));
}

gboolean
tandem_soup_target_matches (SoupSession *session,
                            const char  *host,
                            guint16      port)
{
  g_autoptr(GSocketConnectable) current = NULL;
  g_autoptr(GInetAddress) address = NULL;
  GInetSocketAddress *target;

  g_return_val_if_fail (SOUP_IS_SESSION (session), FALSE);

  g_object_get (session, "remote-connectable", &current, NULL);
  address = parse_literal (host);
  if (address == NULL || current == NULL)
    return address == NULL && current == NULL;
  if (!G_IS_INET_SOCKET_ADDRESS (current))
    return FALSE;
  target = G_INET_SOCKET_ADDRESS (current);
  return g_inet_socket_address_get_port (target) == port
         && g_inet_address_equal (g_inet_socket_address_get_address (target), address);
}
