/* fuzz-hosted-session.c — hosted.json, and a client's saved state: what
 * loads is whole, and what is saved from it loads the same again
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "fuzz-common.h"
#include "tandem-hosted-sessions.h"
#include "tandem-json.h"
#include "tandem-sync-client-resume.h"

/* As the app reads a guest's session record (tandem-autosave.c). */
static const TandemJsonLimits state_limits = {
  .max_bytes = 64 * 1024 * 1024,
  .max_depth = 80,
  .max_tokens = 4 * 1024 * 1024,
  .immutable = FALSE,
};

static void
check_hosted (const uint8_t *data,
              size_t         size)
{
  g_autoptr(TandemHostedSession) entry = NULL;

  entry = tandem_hosted_session_new_from_data ("fuzz", (const char *) data, size, NULL);
  if (entry == NULL)
    return;
  /* A whole entry or none: what resuming needs is all there. */
  if (entry->session_id == NULL || entry->port == 0 || entry->journal_dir == NULL)
    abort ();
  for (guint r = 0; r < TANDEM_N_ROLES; r++)
    if (entry->tokens[r] == NULL)
      abort ();
}

static void
check_state (const uint8_t *data,
             size_t         size)
{
  g_autoptr(JsonNode) state = tandem_json_parse_bounded ((const char *) data, size,
                                                         &state_limits, NULL);
  g_autoptr(TandemProject) project = NULL;
  g_autoptr(TandemProject) project2 = NULL;
  g_autoptr(TandemSyncClient) client = NULL;
  g_autoptr(TandemSyncClient) client2 = NULL;
  g_autoptr(JsonNode) saved = NULL;
  g_autoptr(JsonNode) saved2 = NULL;

  if (state == NULL)
    return;
  tandem_sync_client_state_get_session (state);
  project = tandem_project_new ();
  client = tandem_sync_client_new (project, NULL);
  if (!tandem_sync_client_restore_state (client, state, NULL))
    return;
  saved = tandem_sync_client_save_state (client);
  project2 = tandem_project_new ();
  client2 = tandem_sync_client_new (project2, NULL);
  if (!tandem_sync_client_restore_state (client2, saved, NULL))
    abort ();
  saved2 = tandem_sync_client_save_state (client2);
  if (!json_node_equal (saved, saved2))
    abort ();
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  fuzz_init ();
  check_hosted (data, size);
  check_state (data, size);
  return 0;
}
