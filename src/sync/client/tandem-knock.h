/* tandem-knock.h — asking a session's owner to let one in, with a link that has no token
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "tandem-protocol.h"

G_BEGIN_DECLS

/* Knocks on the session of @link (which carries no token) as @client_id,
 * shown to the owner as @name, and waits for the owner's answer (up to the
 * server's knock timeout). Cancelling @cancellable gives up: the knock
 * leaves the owner's queue and the result is G_IO_ERROR_CANCELLED. */
void  tandem_knock_async  (const char          *link,
                           const char          *client_id,
                           const char          *name,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data);
/* The token to join with and its *@role; or NULL and a TANDEM_SYNC_ERROR
 * (REMOTE: "denied: The host did not let you in", "no-host: …", "busy: …",
 * "expired: …"). */
char *tandem_knock_finish (GAsyncResult        *result,
                           TandemRole          *role,
                           GError             **error);

G_END_DECLS
