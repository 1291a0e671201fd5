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
               const char         *link,
               gboolean            with_also)
{
  g_autoptr(TandemInvite) b = tandem_invite_parse (link, NULL);

  if (b == NULL
      || (with_also && (a->also == NULL) != (b->also == NULL))
      || (with_also && a->also && !g_strv_equal ((const char * const *) a->also,
                                                 (const char * const *) b->also)) || g_strcmp0 (a->host, b->host) != 0 || a->port != b->port
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
  same_or_abort (invite, link, TRUE);
  same_or_abort (invite, ws, FALSE);
  /* Going round every address comes back to the first. */
  if (invite->also)
    {
      g_autoptr(TandemInvite) round = tandem_invite_copy (invite);
      guint n = g_strv_length (invite->also);

      for (guint i = 0; i <= n; i++)
        if (!tandem_invite_rotate_address (round))
          abort ();
      if (g_strcmp0 (round->host, invite->host) != 0 || round->port != invite->port)
        abort ();
    }
  return 0;
}
