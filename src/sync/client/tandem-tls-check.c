/* tandem-tls-check.c — judging the host's certificate by the invite link
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-sync"

#include "config.h"

#include "tandem-protocol.h"
#include "tandem-tls-check.h"

#define INVITE_KEY "tandem-tls-invite"

typedef struct
{
  TandemInvite     *invite;
  TandemTlsVerdict *verdict;
} Watch;

static void
watch_free (gpointer data)
{
  Watch *w = data;

  tandem_invite_free (w->invite);
  g_free (w);
}

/* GLib leaves the validity period unchecked when there is no trust store
 * (as for pinned links): it is checked here in every case. */
static gboolean
out_of_date (GTlsCertificate *certificate)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) from = g_tls_certificate_get_not_valid_before (certificate);
  g_autoptr(GDateTime) until = g_tls_certificate_get_not_valid_after (certificate);

  return (from != NULL && g_date_time_compare (now, from) < 0)
         || (until != NULL && g_date_time_compare (now, until) > 0);
}

TandemTlsVerdict
tandem_tls_check_judge (const TandemInvite  *invite,
                        GTlsCertificate     *certificate,
                        GTlsCertificateFlags errors)
{
  /* What a pin vouches for: who signed it (nobody) and which names it
   * carries (the host's, when the link was made). The clock it does not. */
  GTlsCertificateFlags pin_covers = G_TLS_CERTIFICATE_UNKNOWN_CA | G_TLS_CERTIFICATE_BAD_IDENTITY;

  if (certificate != NULL && out_of_date (certificate))
    errors |= G_TLS_CERTIFICATE_EXPIRED;
  if (invite->pinned)
    {
      if (!tandem_certificate_matches_pin (certificate, invite->fingerprint))
        return TANDEM_TLS_MISMATCH;
      if (errors & (G_TLS_CERTIFICATE_EXPIRED | G_TLS_CERTIFICATE_NOT_ACTIVATED))
        return TANDEM_TLS_EXPIRED;
      return (errors & ~pin_covers) == 0 ? TANDEM_TLS_OK : TANDEM_TLS_UNTRUSTED;
    }
  if (errors & (G_TLS_CERTIFICATE_EXPIRED | G_TLS_CERTIFICATE_NOT_ACTIVATED))
    return TANDEM_TLS_EXPIRED;
  return errors == 0 ? TANDEM_TLS_OK : TANDEM_TLS_UNTRUSTED;
}

static gboolean
on_accept_certificate (SoupMessage         *msg,
                       GTlsCertificate     *certificate,
                       GTlsCertificateFlags errors,
                       Watch               *w)
{
  *w->verdict = tandem_tls_check_judge (w->invite, certificate, errors);
  return *w->verdict == TANDEM_TLS_OK;
}

void
tandem_tls_check_prepare (SoupSession        *session,
                          SoupMessage        *msg,
                          const TandemInvite *invite,
                          TandemTlsVerdict   *verdict)
{
  Watch *w;

  *verdict = TANDEM_TLS_OK;
  if (!invite->tls)
    return;
  /* Without a database GLib flags every certificate UNKNOWN_CA, so
   * "accept-certificate" always runs and the pin is always checked. */
  if (invite->pinned)
    soup_session_set_tls_database (session, NULL);
  else
    {
      g_autoptr(GTlsDatabase) system = g_tls_backend_get_default_database (g_tls_backend_get_default ());

      soup_session_set_tls_database (session, system);
    }
  w = g_new0 (Watch, 1);
  w->invite = tandem_invite_copy (invite);
  w->verdict = verdict;
  g_object_set_data_full (G_OBJECT (msg), INVITE_KEY, w, watch_free);
  g_signal_connect (msg, "accept-certificate", G_CALLBACK (on_accept_certificate), w);
}

gboolean
tandem_tls_check_peer (SoupMessage        *msg,
                       const TandemInvite *invite)
{
  if (!invite->tls || !invite->pinned)
    return TRUE;
  return tandem_certificate_matches_pin (soup_message_get_tls_peer_certificate (msg),
                                         invite->fingerprint);
}

const char *
tandem_tls_verdict_code (TandemTlsVerdict verdict)
{
  switch (verdict)
    {
    case TANDEM_TLS_MISMATCH: return TANDEM_CODE_CERTIFICATE_MISMATCH;
    case TANDEM_TLS_EXPIRED: return TANDEM_CODE_CERTIFICATE_EXPIRED;
    case TANDEM_TLS_UNTRUSTED: return TANDEM_CODE_CERTIFICATE_UNTRUSTED;
    case TANDEM_TLS_OK:
    default: return NULL;
    }
}

const char *
tandem_tls_verdict_message (TandemTlsVerdict verdict)
{
  switch (verdict)
    {
    case TANDEM_TLS_MISMATCH:
      return "The host's certificate does not match the invite link — "
             "someone may be intercepting the connection";
    case TANDEM_TLS_EXPIRED:
      return "The host's certificate has expired (or is not valid yet): check the clocks, "
             "or ask the host for a renewed certificate";
    case TANDEM_TLS_UNTRUSTED:
      return "The host's certificate is not signed by an authority this computer trusts, "
             "and the invite link pins no certificate: ask for the host's full invite link";
    case TANDEM_TLS_OK:
    default:
      return NULL;
    }
}

gboolean
tandem_tls_check_error (GError      *error,
                        guint        status,
                        const char **code,
                        const char **message)
{
  /* GnuTLS reads a plain HTTP answer as NOT_TLS or, under TLS 1.3, as an
   * "unexpected packet" (MISC): either way the handshake cannot succeed
   * however often it is tried. */
  if (g_error_matches (error, G_TLS_ERROR, G_TLS_ERROR_NOT_TLS)
      || g_error_matches (error, G_TLS_ERROR, G_TLS_ERROR_MISC))
    {
      *code = TANDEM_CODE_TLS_UNAVAILABLE;
      *message = "The host does not speak TLS: the link asks for an encrypted connection "
                 "the host cannot make";
      return TRUE;
    }
  if (status == 426)
    {
      *code = TANDEM_CODE_TLS_REQUIRED;
      *message = "The host only accepts encrypted connections: ask for a new invite link";
      return TRUE;
    }
  return FALSE;
}
