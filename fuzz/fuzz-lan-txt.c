/* fuzz-lan-txt.c — a TXT record as a nearby "host" may announce it: what
 * the browser accepts is bounded and fit for an invite link
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <avahi-common/malloc.h>

#include "fuzz-common.h"
#include "tandem-invite.h"
#include "tandem-lan-browser-private.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  AvahiStringList *txt = NULL;
  g_autoptr(TandemLanSession) session = NULL;
  g_autoptr(TandemInvite) invite = NULL;
  g_autofree char *link = NULL;

  fuzz_init ();
  if (avahi_string_list_parse (data, size, &txt) < 0)
    return 0;
  session = _tandem_lan_session_new_from_txt ("Service", "host.local", "192.0.2.1", 8421, txt);
  avahi_string_list_free (txt);
  if (session == NULL)
    return 0;
  if (strlen (tandem_lan_session_get_name (session)) > 200
      || strlen (tandem_lan_session_get_host_name (session)) > 200
      || !g_utf8_validate (tandem_lan_session_get_name (session), -1, NULL)
      || !g_utf8_validate (tandem_lan_session_get_host_name (session), -1, NULL))
    abort ();
  /* What the Join dialog makes of it must be a link that parses. */
  invite = tandem_invite_new (tandem_lan_session_get_address (session),
                              tandem_lan_session_get_port (session),
                              tandem_lan_session_get_session_id (session), NULL);
  link = tandem_invite_to_link (invite);
  g_clear_pointer (&invite, tandem_invite_free);
  invite = tandem_invite_parse (link, NULL);
  if (invite == NULL)
    abort ();
  return 0;
}
