/* fuzz-message.c — protocol messages as a client sends them to the server,
 * and as the server sends them to a client: the decoder, the member readers,
 * and the ops of a submit applied to a project and undone again
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "fuzz-common.h"
#include "tandem-model.h"
#include "tandem-protocol.h"

static void
apply_ops (JsonNode *ops)
{
  g_autoptr(TandemProject) project = tandem_project_new_demo ();
  g_autoptr(TandemOp) batch = tandem_op_new_batch ();
  g_autoptr(TandemOp) inverse = NULL;
  g_autofree char *before = NULL;
  JsonArray *array = json_node_get_array (ops);

  for (guint i = 0; i < json_array_get_length (array) && i < 1000; i++)
    {
      TandemOp *op = tandem_op_from_json (json_array_get_element (array, i), NULL);

      if (op == NULL)
        return;
      tandem_op_batch_add (batch, op);
    }
  before = tandem_project_to_string (project);
  if (tandem_project_apply (project, batch, &inverse, NULL))
    {
      g_autofree char *after = NULL;

      /* Undo is exact: every replica relies on it when it rebases. */
      if (!tandem_project_apply (project, inverse, NULL, NULL))
        abort ();
      after = tandem_project_to_string (project);
      if (strcmp (before, after) != 0)
        abort ();
    }
}

static void
read_members (JsonObject *msg)
{
  const char *s;
  gint64 v;
  JsonNode *ops = json_object_get_member (msg, "ops");

  for (guint i = 0; i < 8; i++)
    {
      static const char * const names[] = {
        "seq", "cseq", "client", "token", "t", "ack", "code", "message",
      };

      tandem_message_get_int (msg, names[i], &v);
      tandem_message_get_string (msg, names[i], &s);
    }
  if (ops != NULL && JSON_NODE_HOLDS_ARRAY (ops))
    apply_ops (ops);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  const TandemJsonLimits *limits[] = {
    &tandem_json_limits_message, &tandem_json_limits_server_message,
  };

  fuzz_init ();
  for (guint i = 0; i < G_N_ELEMENTS (limits); i++)
    {
      g_autoptr(JsonObject) msg = NULL;
      g_autoptr(GError) error = NULL;
      const char *type = NULL;

      msg = tandem_message_parse_bounded ((const char *) data, size, limits[i], &type, &error);
      if (msg == NULL)
        {
          if (error == NULL || error->message[0] == '\0')
            abort ();
          continue;
        }
      if (type == NULL)
        abort ();
      if (i == 0)
        read_members (msg);
    }
  return 0;
}
