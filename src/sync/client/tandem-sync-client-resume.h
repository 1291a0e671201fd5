/* tandem-sync-client-resume.h — what a client keeps on disk to carry on after its process dies
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "tandem-sync-client.h"

G_BEGIN_DECLS

/*
 * A client's identity (its id and the secret that proves it) and its
 * unconfirmed edits with their client sequence numbers are all the server
 * needs to take the client back after a crash: the session's dedupe by
 * (client id, sequence) drops what it has already applied, and the rest is
 * sent as after any reconnect.
 *
 * The state is a JSON object:
 *   {"client": ID, "secret": SECRET, "session": SESSION-ID, "next_cseq": N,
 *    "pending": [{"cseq": N (0: never sent), "op": OP}, …]}
 * It holds the secret: keep it where only the user can read it.
 */

/* The state now (transfer full). */
JsonNode *tandem_sync_client_save_state    (TandemSyncClient *self);
/* Before the first connect: takes over the id, secret and pending edits of
 * @state, which the project is taken to show already (a draft written with
 * the state). The next welcome replaces the project with the session's and
 * replays the edits the server has not seen. FALSE with @error (and
 * nothing changed) when @state is malformed or the client has connected. */
gboolean  tandem_sync_client_restore_state (TandemSyncClient *self,
                                            JsonNode         *state,
                                            GError          **error);
/* The session id @state was saved in (NULL if none): restore it only into
 * a client that joins that session. */
const char *tandem_sync_client_state_get_session (JsonNode *state);

G_END_DECLS
