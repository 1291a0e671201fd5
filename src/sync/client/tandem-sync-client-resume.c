/* tandem-sync-client-resume.c — saving and restoring a client's identity and pending edits
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-sync"

#include "config.h"

#include <string.h>

#include "tandem-sync-client-private.h"
#include "tandem-sync-client-resume.h"

/* More unconfirmed edits than anyone makes offline: a bound on the file. */
#define MAX_PENDING 100000

JsonNode *
tandem_sync_client_save_state (TandemSyncClient *self)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();

  g_return_val_if_fail (TANDEM_IS_SYNC_CLIENT (self), NULL);

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "client");
  json_builder_add_string_value (b, self->client_id);
  json_builder_set_member_name (b, "secret");
  json_builder_add_string_value (b, self->client_secret);
  if (self->invite != NULL)
    {
      json_builder_set_member_name (b, "session");
      json_builder_add_string_value (b, self->invite->session_id);
    }
  json_builder_set_member_name (b, "next_cseq");
  json_builder_add_int_value (b, (gint64) self->next_cseq);
  json_builder_set_member_name (b, "pending");
  json_builder_begin_array (b);
  for (GList *l = self->pending.head; l; l = l->next)
    {
      TandemSyncPending *p = l->data;

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "cseq");
      json_builder_add_int_value (b, (gint64) p->cseq);
      json_builder_set_member_name (b, "op");
      json_builder_add_value (b, tandem_op_to_json (p->op));
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

const char *
tandem_sync_client_state_get_session (JsonNode *state)
{
  JsonNode *node;

  if (state == NULL || !JSON_NODE_HOLDS_OBJECT (state))
    return NULL;
  node = json_object_get_member (json_node_get_object (state), "session");
  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node)
      || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

static const char *
string_member (JsonObject *obj,
               const char *name)
{
  JsonNode *node = json_object_get_member (obj, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node)
      || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

static gboolean
int_member (JsonObject *obj,
            const char *name,
            gint64     *out)
{
  JsonNode *node = json_object_get_member (obj, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node)
      || json_node_get_value_type (node) != G_TYPE_INT64)
    return FALSE;
  *out = json_node_get_int (node);
  return *out >= 0;
}

/* What the server accepts in a hello: see hash_client_secret() there. */
static gboolean
is_secret (const char *s)
{
  gsize len = s ? strlen (s) : 0;

  if (len < 43 || len > 44)
    return FALSE;
  for (gsize i = 0; i < len; i++)
    if (!g_ascii_isalnum (s[i]) && strchr ("+/-_=", s[i]) == NULL)
      return FALSE;
  return TRUE;
}

static gboolean
malformed (GError     **error,
           const char  *what)
{
  g_set_error (error, TANDEM_SYNC_ERROR, TANDEM_SYNC_ERROR_PROTOCOL,
               "The saved session state is not valid: %s", what);
  return FALSE;
}

gboolean
tandem_sync_client_restore_state (TandemSyncClient  *self,
                                  JsonNode          *state,
                                  GError           **error)
{
  g_autoptr(GPtrArray) ops = g_ptr_array_new_with_free_func ((GDestroyNotify) tandem_op_unref);
  g_autoptr(GArray) cseqs = g_array_new (FALSE, FALSE, sizeof (guint64));
  JsonObject *obj;
  JsonNode *pending;
  JsonArray *array;
  const char *client, *secret;
  gint64 next_cseq = 0;

  g_return_val_if_fail (TANDEM_IS_SYNC_CLIENT (self), FALSE);

  if (self->invite != NULL || self->state != TANDEM_SYNC_STATE_OFFLINE
      || !g_queue_is_empty (&self->pending))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_BUSY,
                           "A client that has connected cannot take over a saved state");
      return FALSE;
    }
  if (state == NULL || !JSON_NODE_HOLDS_OBJECT (state))
    return malformed (error, "not an object");
  obj = json_node_get_object (state);
  client = string_member (obj, "client");
  secret = string_member (obj, "secret");
  if (client == NULL || !tandem_invite_is_valid_session_id (client))
    return malformed (error, "no client id");
  if (!is_secret (secret))
    return malformed (error, "no client secret");
  if (!int_member (obj, "next_cseq", &next_cseq))
    return malformed (error, "no next_cseq");
  pending = json_object_get_member (obj, "pending");
  if (pending == NULL || !JSON_NODE_HOLDS_ARRAY (pending))
    return malformed (error, "no pending array");
  array = json_node_get_array (pending);
  if (json_array_get_length (array) > MAX_PENDING)
    return malformed (error, "too many pending edits");

  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *item = json_array_get_element (array, i);
      JsonNode *op_node;
      g_autoptr(GError) op_error = NULL;
      TandemOp *op;
      gint64 cseq = 0;
      guint64 value;

      if (!JSON_NODE_HOLDS_OBJECT (item)
          || !int_member (json_node_get_object (item), "cseq", &cseq) || cseq > next_cseq
          || (op_node = json_object_get_member (json_node_get_object (item), "op")) == NULL)
        return malformed (error, "a pending edit has no op or a wrong cseq");
      if ((op = tandem_op_from_json (op_node, &op_error)) == NULL)
        return malformed (error, op_error->message);
      g_ptr_array_add (ops, op);
      value = (guint64) cseq;
      g_array_append_val (cseqs, value);
    }

  g_free (self->client_id);
  self->client_id = g_strdup (client);
  explicit_bzero (self->client_secret, strlen (self->client_secret));
  g_free (self->client_secret);
  self->client_secret = g_strdup (secret);
  self->next_cseq = (guint64) next_cseq;
  for (guint i = 0; i < ops->len; i++)
    {
      TandemSyncPending *p = g_new0 (TandemSyncPending, 1);

      /* Shown already (the draft), so there is nothing to rewind: the
       * welcome's snapshot replaces the project and replays them. */
      p->op = tandem_op_ref (ops->pdata[i]);
      p->cseq = g_array_index (cseqs, guint64, i);
      p->key = _tandem_sync_client_coalesce_key (p->op);
      g_queue_push_tail (&self->pending, p);
    }
  g_object_notify_by_pspec (G_OBJECT (self), _tandem_sync_client_properties[PROP_CLIENT_ID]);
  _tandem_sync_client_notify_pending (self);
  return TRUE;
}
