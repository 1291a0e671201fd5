/* tandem-protocol.c — message codec for the Tandem session protocol
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-sync"

#include "config.h"

#include <string.h>

#include "tandem-protocol.h"

G_DEFINE_QUARK (tandem-sync-error-quark, tandem_sync_error)

static const char * const role_names[] = { "owner", "editor", "viewer" };

const char *
tandem_role_to_string (TandemRole role)
{
  g_return_val_if_fail (role < TANDEM_N_ROLES, NULL);
  return role_names[role];
}

gboolean
tandem_role_from_string (const char *str,
                         TandemRole *role)
{
  for (guint i = 0; i < TANDEM_N_ROLES; i++)
    if (g_strcmp0 (str, role_names[i]) == 0)
      {
        *role = i;
        return TRUE;
      }
  return FALSE;
}

gint64
tandem_protocol_now_us (void)
{
  return g_get_monotonic_time ();
}

JsonObject *
tandem_message_parse (const char  *text,
                      gsize        length,
                      const char **type,
                      GError     **error)
{
  return tandem_message_parse_bounded (text, length, &tandem_json_limits_message, type, error);
}

JsonObject *
tandem_message_parse_bounded (const char              *text,
                              gsize                    length,
                              const TandemJsonLimits  *limits,
                              const char             **type,
                              GError                 **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(JsonNode) root = NULL;
  JsonObject *obj;
  JsonNode *type_node;

  root = tandem_json_parse_bounded (text, length, limits, &local_error);
  if (root == NULL)
    {
      g_set_error (error, TANDEM_SYNC_ERROR, TANDEM_SYNC_ERROR_PROTOCOL,
                   "Malformed JSON: %s", local_error->message);
      return NULL;
    }
  if (!JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error_literal (error, TANDEM_SYNC_ERROR, TANDEM_SYNC_ERROR_PROTOCOL,
                           "A message must be a JSON object");
      return NULL;
    }
  obj = json_node_get_object (root);
  type_node = json_object_get_member (obj, "type");
  if (type_node == NULL || !JSON_NODE_HOLDS_VALUE (type_node)
      || json_node_get_value_type (type_node) != G_TYPE_STRING)
    {
      g_set_error_literal (error, TANDEM_SYNC_ERROR, TANDEM_SYNC_ERROR_PROTOCOL,
                           "A message needs a string member “type”");
      return NULL;
    }
  *type = json_node_get_string (type_node);
  return json_object_ref (obj);
}

gboolean
tandem_message_get_string (JsonObject  *obj,
                           const char  *member,
                           const char **value)
{
  JsonNode *node = json_object_get_member (obj, member);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node)
      || json_node_get_value_type (node) != G_TYPE_STRING)
    return FALSE;
  *value = json_node_get_string (node);
  return TRUE;
}

gboolean
tandem_message_get_int (JsonObject *obj,
                        const char *member,
                        gint64     *value)
{
  JsonNode *node = json_object_get_member (obj, member);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node)
      || json_node_get_value_type (node) != G_TYPE_INT64)
    return FALSE;
  *value = json_node_get_int (node);
  return TRUE;
}

char *
tandem_message_to_string (JsonObject *obj)
{
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);

  json_node_set_object (node, obj);
  return json_to_string (node, FALSE);
}

static JsonBuilder *
begin_message (const char *type)
{
  JsonBuilder *builder = json_builder_new_immutable ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "type");
  json_builder_add_string_value (builder, type);
  return builder;
}

static char *
end_message (JsonBuilder *builder)
{
  g_autoptr(JsonNode) root = NULL;

  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  g_object_unref (builder);
  return json_to_string (root, FALSE);
}

char *
tandem_message_error (const char *code,
                      const char *message)
{
  JsonBuilder *b = begin_message ("error");

  json_builder_set_member_name (b, "code");
  json_builder_add_string_value (b, code);
  json_builder_set_member_name (b, "message");
  json_builder_add_string_value (b, message);
  return end_message (b);
}

char *
tandem_message_error_retry (const char *code,
                            const char *message,
                            gint64      retry_after_ms)
{
  JsonBuilder *b = begin_message ("error");

  json_builder_set_member_name (b, "code");
  json_builder_add_string_value (b, code);
  json_builder_set_member_name (b, "message");
  json_builder_add_string_value (b, message);
  json_builder_set_member_name (b, "retry_after_ms");
  json_builder_add_int_value (b, retry_after_ms);
  return end_message (b);
}

static char *
submit_answer (const char *type,
               guint64     client_seq,
               const char *code,
               const char *message,
               gint64      retry_after_ms)
{
  JsonBuilder *b = begin_message (type);

  json_builder_set_member_name (b, "cseq");
  json_builder_add_int_value (b, (gint64) client_seq);
  json_builder_set_member_name (b, "code");
  json_builder_add_string_value (b, code);
  json_builder_set_member_name (b, "message");
  json_builder_add_string_value (b, message);
  if (retry_after_ms >= 0)
    {
      json_builder_set_member_name (b, "retry_after_ms");
      json_builder_add_int_value (b, retry_after_ms);
    }
  return end_message (b);
}

char *
tandem_message_submit_error (guint64     client_seq,
                             const char *code,
                             const char *message,
                             gint64      retry_after_ms)
{
  return submit_answer ("error", client_seq, code, message, retry_after_ms);
}

char *
tandem_message_reject (guint64     client_seq,
                       const char *code,
                       const char *message)
{
  return submit_answer ("reject", client_seq, code, message, -1);
}

char *
tandem_message_reject_retry (guint64     client_seq,
                             const char *code,
                             const char *message,
                             gint64      retry_after_ms)
{
  return submit_answer ("reject", client_seq, code, message, retry_after_ms);
}

char *
tandem_message_ping (gint64  client_time,
                     guint64 last_seq)
{
  JsonBuilder *b = begin_message ("ping");

  json_builder_set_member_name (b, "t");
  json_builder_add_int_value (b, client_time);
  json_builder_set_member_name (b, "seq");
  json_builder_add_int_value (b, (gint64) last_seq);
  return end_message (b);
}

char *
tandem_message_pong (gint64 client_time,
                     gint64 server_time)
{
  JsonBuilder *b = begin_message ("pong");

  json_builder_set_member_name (b, "t");
  json_builder_add_int_value (b, client_time);
  json_builder_set_member_name (b, "server_time");
  json_builder_add_int_value (b, server_time);
  return end_message (b);
}

char *
tandem_message_batch (guint64     seq,
                      const char *client_id,
                      guint64     client_seq,
                      JsonNode   *ops)
{
  JsonBuilder *b = begin_message ("batch");

  json_builder_set_member_name (b, "seq");
  json_builder_add_int_value (b, (gint64) seq);
  json_builder_set_member_name (b, "client");
  json_builder_add_string_value (b, client_id);
  json_builder_set_member_name (b, "cseq");
  json_builder_add_int_value (b, (gint64) client_seq);
  json_builder_set_member_name (b, "ops");
  json_builder_add_value (b, json_node_copy (ops));
  return end_message (b);
}

char *
tandem_message_batch_at (guint64     seq,
                         const char *client_id,
                         guint64     client_seq,
                         JsonNode   *ops,
                         gint64      time_ms)
{
  JsonBuilder *b = begin_message ("batch");

  json_builder_set_member_name (b, "seq");
  json_builder_add_int_value (b, (gint64) seq);
  json_builder_set_member_name (b, "client");
  json_builder_add_string_value (b, client_id);
  json_builder_set_member_name (b, "cseq");
  json_builder_add_int_value (b, (gint64) client_seq);
  json_builder_set_member_name (b, "time");
  json_builder_add_int_value (b, time_ms);
  json_builder_set_member_name (b, "ops");
  json_builder_add_value (b, json_node_copy (ops));
  return end_message (b);
}

char *
tandem_message_submit (const char *client_id,
                       guint64     client_seq,
                       JsonNode   *ops)
{
  JsonBuilder *b = begin_message ("submit");

  json_builder_set_member_name (b, "client");
  json_builder_add_string_value (b, client_id);
  json_builder_set_member_name (b, "cseq");
  json_builder_add_int_value (b, (gint64) client_seq);
  json_builder_set_member_name (b, "ops");
  json_builder_add_value (b, json_node_copy (ops));
  return end_message (b);
}

const char *
tandem_close_code_describe (gushort code)
{
  switch (code)
    {
    case TANDEM_CLOSE_NORMAL: return "closed normally";
    case TANDEM_CLOSE_GOING_AWAY: return "the server is shutting down";
    case TANDEM_CLOSE_PROTOCOL_ERROR: return "protocol error";
    case TANDEM_CLOSE_UNSUPPORTED_DATA: return "binary frames are not accepted";
    case TANDEM_CLOSE_TOO_BIG: return "message too large";
    case TANDEM_CLOSE_UNSUPPORTED_VERSION: return "unsupported protocol version";
    case TANDEM_CLOSE_UNAUTHORIZED: return "missing or wrong session token";
    case TANDEM_CLOSE_NO_SUCH_SESSION: return "no such session";
    case TANDEM_CLOSE_FLOOD: return "too many messages (flood)";
    case TANDEM_CLOSE_SESSION_FULL: return "the session is full";
    case TANDEM_CLOSE_SLOW_CONSUMER: return "the connection fell too far behind";
    case TANDEM_CLOSE_TIMEOUT: return "the connection timed out";
    case TANDEM_CLOSE_REPLACED: return "replaced by a newer connection of the same client";
    case TANDEM_CLOSE_INTERNAL: return "internal server error";
    case TANDEM_CLOSE_TRY_AGAIN: return "the session is unavailable right now; try again later";
    case TANDEM_CLOSE_WRONG_SECRET: return "another client holds this client id";
    case TANDEM_CLOSE_SEAT_YIELDED: return "a viewer seat was given to an editor";
    default: return "connection closed";
    }
}
