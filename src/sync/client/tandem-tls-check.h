/* tandem-tls-check.h — judging the host's certificate by the invite link (pin or system trust)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <libsoup/soup.h>

#include "tandem-invite.h"

G_BEGIN_DECLS

typedef enum
{
  TANDEM_TLS_OK,
  TANDEM_TLS_MISMATCH,    /* not the certificate the link pins */
  TANDEM_TLS_EXPIRED,     /* out of its validity period */
  TANDEM_TLS_UNTRUSTED,   /* no pin, and no authority we trust vouches for it */
} TandemTlsVerdict;

/*
 * Prepares @session and @msg for @invite's kind of TLS: with a pin, no
 * trust store at all (so that every certificate, even one an authority
 * signed, comes to the pin check), else the system's. Each verdict is
 * written to *@verdict (which must outlive @msg) from its
 * "accept-certificate" signal. Nothing to do for a plain invite.
 */
void              tandem_tls_check_prepare  (SoupSession        *session,
                                             SoupMessage        *msg,
                                             const TandemInvite *invite,
                                             TandemTlsVerdict   *verdict);
/* The verdict on a peer certificate with the validation @errors GLib found. */
TandemTlsVerdict  tandem_tls_check_judge    (const TandemInvite  *invite,
                                             GTlsCertificate     *certificate,
                                             GTlsCertificateFlags errors);
/* After a successful request: FALSE if the certificate is not the pinned one. */
gboolean          tandem_tls_check_peer     (SoupMessage        *msg,
                                             const TandemInvite *invite);
/* The TANDEM_CODE_… of a verdict, and what it means for people. */
const char       *tandem_tls_verdict_code   (TandemTlsVerdict    verdict);
const char       *tandem_tls_verdict_message (TandemTlsVerdict   verdict);
/* The code and message for a connection error that is about TLS (a plain
 * server, a TLS server answering a plain client with 426), or FALSE. */
gboolean          tandem_tls_check_error    (GError             *error,
                                             guint               status,
                                             const char        **code,
                                             const char        **message);

G_END_DECLS
