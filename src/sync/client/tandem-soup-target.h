/* tandem-soup-target.h — where a SoupSession connects, so TLS names no address
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <libsoup/soup.h>

G_BEGIN_DECLS

/*
 * GLib's TLS client (glib-networking 2.74) sends the host it was given as
 * the TLS server name (SNI), even an IP address, which RFC 6066 forbids; a
 * host's GnuTLS refuses an IPv6 one ("disallowed SNI server name") and the
 * handshake fails. A session whose "remote-connectable" is the address
 * itself (a GInetSocketAddress) sends no server name, and GLib checks the
 * certificate against the address. That property is construct-only, so an
 * IP literal gets a session of its own.
 */

/* What a session for connections to @host:@port connects to ("remote-
 * connectable"): the address for an IP literal (with or without brackets),
 * NULL for a host name, which libsoup resolves and names as it should. */
GSocketConnectable *tandem_soup_target_new     (const char  *host,
                                                guint16      port);
/* Whether @session connects to @host:@port as tandem_soup_target_new()
 * says: else a new session is needed. */
gboolean            tandem_soup_target_matches (SoupSession *session,
                                                const char  *host,
                                                guint16      port);

G_END_DECLS
