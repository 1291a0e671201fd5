/* fuzz-http-body.c — JSON bodies over HTTP: what POST /sessions carries to
 * the server (parsed and made into a session, as the handler does), and the
 * answers of the server's sample API that a client reads
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "fuzz-common.h"
#include "tandem-sample-transfers-private.h"
#include "tandem-sync.h"

static void
create_session (JsonNode *body)
{
  g_autoptr(TandemSessionServer) server = tandem_session_server_new (NULL, NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *id = NULL;
  char *tokens[TANDEM_N_ROLES] = { NULL, };
  JsonNode *project = json_object_get_member (json_node_get_object (body), "project");

  id = tandem_session_server_create_session (server, project, tokens, &error);
  if (id == NULL && error == NULL)
    abort ();
  if (id != NULL)
    {
      g_autofree char *json = tandem_session_server_dup_project_string (server, id);

      if (json == NULL)
        abort ();
    }
  for (guint r = 0; r < TANDEM_N_ROLES; r++)
    g_free (tokens[r]);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GBytes) bytes = g_bytes_new_static (data, size);
  g_autoptr(JsonNode) body = NULL;
  g_autofree char *reason = NULL;
  g_autofree char *code = NULL;
  gint64 offset = 0;

  fuzz_init ();
  body = tandem_json_parse_bounded ((const char *) data, size, &tandem_json_limits_http_body,
                                    NULL);
  if (body != NULL && JSON_NODE_HOLDS_OBJECT (body))
    create_session (body);
  reason = _tandem_sample_transfer_server_reason (bytes, &code, &offset);
  if (reason != NULL && code == NULL)
    abort ();
  return 0;
}
