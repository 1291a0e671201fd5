/* fuzz-cluster-presence.c — what arrives on a session's presence channel in
 * Redis from "another node": what this node keeps of it, forwards and lists
 * in welcomes stays bounded and well formed
 *
 * One in-memory server with one session, its presence relay pointed at a
 * Redis that is not there (the connection fails in the background; only the
 * decoding is exercised). Each input is one channel message; after it,
 * everyone heard of leaves again, so inputs do not pile up.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "fuzz-common.h"
#include "tandem-cluster-presence.h"
#include "tandem-model.h"

static TandemSessionServer   *server;
static TandemClusterPresence *presence;
static char                  *session_id;
static guint                  runs;

/* The session keeps what roles say of client ids (it must, for people who
 * move between nodes): a fresh one now and then keeps the fuzzer's memory
 * flat across millions of made-up ids. */
#define RUNS_PER_SERVER 2000

static void
teardown (void)
{
  g_clear_pointer (&presence, _tandem_cluster_presence_free);
  g_clear_object (&server);
  g_clear_pointer (&session_id, g_free);
}

static void
setup (void)
{
  g_autoptr(TandemProject) demo = tandem_project_new_demo ();
  g_autoptr(JsonNode) project = tandem_project_to_json (demo);
  char *tokens[TANDEM_N_ROLES] = { NULL };

  server = tandem_session_server_new (NULL, NULL);
  session_id = tandem_session_server_create_session (server, project, tokens, NULL);
  if (session_id == NULL)
    abort ();
  for (guint r = 0; r < TANDEM_N_ROLES; r++)
    g_free (tokens[r]);
  /* Port 1: nothing answers, so nothing is published or heard. */
  presence = _tandem_cluster_presence_new ("127.0.0.1", 1, "fuzz-node", server);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autofree char *payload = NULL;
  g_autofree char *state = NULL;

  fuzz_init ();
  if (runs++ % RUNS_PER_SERVER == 0)
    {
      teardown ();
      setup ();
    }
  payload = g_strndup ((const char *) data, size);
  _tandem_cluster_presence_handle (presence, session_id, payload, strlen (payload));
  /* The session is intact whatever came. */
  state = tandem_session_server_dup_project_string (server, session_id);
  if (state == NULL)
    abort ();
  _tandem_cluster_presence_forget (presence);
  return 0;
}
