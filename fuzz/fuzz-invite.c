/* fuzz-invite.c — invite links: what parses formats back to a link that
 * parses to the same invite (TLS, pin and plain form included)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "fuzz-common.h"
#include "tandem-invite.h"

static void
same_or_abort (const TandemInvite *a,
               const char         *link)
{
  g_autoptr(TandemInvite) b = tandem_invite_parse (link, NULL);

  if (b == NULL || g_strcmp0 (a->host, b->host) != 0 || a->port != b->port
      || g_strcmp0 (a->session_id, b->session_id) != 0 || g_strcmp0 (a->token, b->token) != 0
      || a->tls != b->tls || a->pinned != b->pinned
      || memcmp (a->fingerprint, b->fingerprint, sizeof a->fingerprint) != 0)
    abort ();
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autofree char *text = fuzz_strndup (data, size);
  g_autoptr(TandemInvite) invite = NULL;
  g_autofree char *link = NULL;
  g_autofree char *ws = NULL;
  g_autofree char *address = NULL;
  g_autofree char *endpoint = NULL;

  fuzz_init ();
  invite = tandem_invite_parse (text, NULL);
  if (invite == NULL)
    return 0;
  link = tandem_invite_to_link (invite);
  ws = tandem_invite_to_ws_url (invite);
  address = tandem_invite_get_address (invite);
  endpoint = tandem_invite_get_endpoint (invite);
  /* The endpoint's scheme is the link's promise: wss:// for any TLS link. */
  if (invite->tls != g_str_has_prefix (endpoint, "wss://"))
    abort ();
  same_or_abort (invite, link);
  same_or_abort (invite, ws);
  return 0;
}
