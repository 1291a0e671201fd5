/* tandem-host-certificate.h — the in-app host's self-signed TLS certificate
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Where the in-app host keeps its certificate and key:
 * $XDG_DATA_HOME/tandem/host-certificate.pem. */
char            *tandem_host_certificate_default_path   (void);

/*
 * A new self-signed certificate and its private key, PEM, in one text
 * (certificate first): an EC P-256 key, a subjectAltName for each of @hosts
 * (names and IP addresses), valid from @not_before to @not_after (Unix
 * seconds). Tests make expired ones with it.
 */
char            *tandem_host_certificate_generate_pem   (const char *const *hosts,
                                                         gint64             not_before,
                                                         gint64             not_after,
                                                         GError           **error);

/*
 * The certificate at @path, or, if there is none (or it has expired or
 * expires within a month), a new one for @hosts and this machine's
 * addresses, valid for ten years, written there atomically with mode 0600.
 * Invite links pin it, so it is kept for as long as it is valid.
 */
GTlsCertificate *tandem_host_certificate_load_or_create (const char         *path,
                                                         const char *const  *hosts,
                                                         GError            **error);

G_END_DECLS
