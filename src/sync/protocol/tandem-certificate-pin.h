/* tandem-certificate-pin.h — SHA-256 fingerprints of TLS certificates, as invite links carry them
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define TANDEM_FINGERPRINT_SIZE 32

/* The SHA-256 of @certificate's DER encoding into @out. */
void      tandem_certificate_fingerprint   (GTlsCertificate *certificate,
                                            guint8           out[TANDEM_FINGERPRINT_SIZE]);
/* TRUE if @certificate's fingerprint is @pin, compared in constant time. */
gboolean  tandem_certificate_matches_pin   (GTlsCertificate *certificate,
                                            const guint8     pin[TANDEM_FINGERPRINT_SIZE]);
/* "sha256:" and the 43 characters of unpadded base64url. */
char     *tandem_fingerprint_to_string     (const guint8     fingerprint[TANDEM_FINGERPRINT_SIZE]);
/* Reads "sha256:" followed by 43 characters of unpadded base64url or by 64
 * hex digits (either case); FALSE for anything else. */
gboolean  tandem_fingerprint_parse         (const char      *text,
                                            guint8           out[TANDEM_FINGERPRINT_SIZE]);

G_END_DECLS
