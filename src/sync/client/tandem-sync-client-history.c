/* tandem-sync-client-history.c — history requests, save points and restore
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-sync"

#include "config.h"

#include "tandem-sync-client-history.h"
#include "tandem-sync-client-private.h"

#define DEFAULT_TIMEOUT_MS 15000

/* Kept on the client as object data: the requests waiting for answers. */
typedef struct
{
  GHashTable *tasks;      /* request id → GTask */
  gint64      next_id;
  guint       timeout_ms;
} HistoryState;

static GQuark state_quark;
static guint save_point_signal;

static void
state_free (gpointer data)
{
  HistoryState *state = data;

  g_hash_table_unref (state->tasks);
  g_free (state);
}

static HistoryState *
get_state (TandemSyncClient *self)
{
  HistoryState *state = g_object_get_qdata (G_OBJECT (self), state_quark);

  if (state == NULL)
    {
      state = g_new0 (HistoryState, 1);
      state->tasks = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_object_unref);
      state->next_id = 1;
      state->timeout_ms = DEFAULT_TIMEOUT_MS;
      g_object_set_qdata_full (G_OBJECT (self), state_quark, state, state_free);
    }
  return state;
}

void
_tandem_sync_client_history_class_init (GObjectClass *klass)
{
  state_quark = g_quark_from_static_string ("tandem-sync-client-history");
  /**
   * TandemSyncClient::save-point-added:
   * @at: the seq the save point names
   * @name: its name
   * @author: the name of who added it ("" if unknown)
   *
   * A save point was stored in the session (anyone's, ours included).
   */
  save_point_signal =
    g_signal_new ("save-point-added", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 3, G_TYPE_UINT64, G_TYPE_STRING, G_TYPE_STRING);
}

void
tandem_sync_client_set_history_timeout (TandemSyncClient *self,
                                        guint             ms)
{
  g_return_if_fail (TANDEM_IS_SYNC_CLIENT (self));
  get_state (self)->timeout_ms = MAX (ms, 1);
}

static gboolean
request_timeout_cb (gpointer data)
{
  GTask *task = data;
  TandemSyncClient *self = g_task_get_source_object (task);
  gint64 id = GPOINTER_TO_SIZE (g_task_get_task_data (task));
  HistoryState *state = get_state (self);
  g_autoptr(GTask) owned = NULL;
  gpointer key = NULL, value = NULL;

  if (g_hash_table_steal_extended (state->tasks, &id, &key, &value))
    {
      g_free (key);
      owned = value;
      g_task_return_new_error (owned, G_IO_ERROR, G_IO_ERROR_TIMED_OUT,
                               "The server did not answer the history request");
    }
  return G_SOURCE_REMOVE;
}

static void
send_request (TandemSyncClient *self,
              GTask            *task,
              JsonObject       *msg)
{
  HistoryState *state = get_state (self);
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);
  g_autofree char *text = NULL;
  g_autoptr(GSource) timeout = NULL;
  gint64 id = state->next_id++;

  if (!self->joined || self->conn == NULL)
    {
      g_task_return_new_error (task, TANDEM_SYNC_ERROR, TANDEM_SYNC_ERROR_FAILED,
                               "Not connected to the session");
      return;
    }
  json_object_set_int_member (msg, "id", id);
  json_node_set_object (node, msg);
  text = json_to_string (node, FALSE);
  g_task_set_task_data (task, GSIZE_TO_POINTER ((gsize) id), NULL);
  g_hash_table_insert (state->tasks, g_memdup2 (&id, sizeof id), g_object_ref (task));
  timeout = g_timeout_source_new (state->timeout_ms);
  g_task_attach_source (task, timeout, request_timeout_cb);
  /* Gone with the answer: it holds the task. */
  g_object_set_data_full (G_OBJECT (task), "timeout", g_source_ref (timeout),
                          (GDestroyNotify) g_source_unref);
  _tandem_sync_client_send_text (self, text);
}

void
tandem_sync_client_history_summary_async (TandemSyncClient    *self,
                                          guint64              before,
                                          guint                limit,
                                          GCancellable        *cancellable,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(JsonObject) msg = json_object_new ();

  g_return_if_fail (TANDEM_IS_SYNC_CLIENT (self));
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, tandem_sync_client_history_summary_async);
  json_object_set_string_member (msg, "type", TANDEM_MSG_HISTORY_SUMMARY);
  if (before > 0)
    json_object_set_int_member (msg, "before", (gint64) before);
  if (limit > 0)
    json_object_set_int_member (msg, "limit", limit);
  send_request (self, task, msg);
}

JsonObject *
tandem_sync_client_history_summary_finish (TandemSyncClient  *self,
                                           GAsyncResult      *result,
                                           GError           **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

void
tandem_sync_client_history_project_async (TandemSyncClient    *self,
                                          guint64              seq,
                                          GCancellable        *cancellable,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(JsonObject) msg = json_object_new ();

  g_return_if_fail (TANDEM_IS_SYNC_CLIENT (self));
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, tandem_sync_client_history_project_async);
  json_object_set_string_member (msg, "type", TANDEM_MSG_HISTORY_PROJECT);
  json_object_set_int_member (msg, "seq", (gint64) seq);
  send_request (self, task, msg);
}

TandemProject *
tandem_sync_client_history_project_finish (TandemSyncClient  *self,
                                           GAsyncResult      *result,
                                           GError           **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

void
tandem_sync_client_history_batches_async (TandemSyncClient    *self,
                                          guint64              after,
                                          guint                limit,
                                          GCancellable        *cancellable,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(JsonObject) msg = json_object_new ();

  g_return_if_fail (TANDEM_IS_SYNC_CLIENT (self));
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, tandem_sync_client_history_batches_async);
  json_object_set_string_member (msg, "type", TANDEM_MSG_HISTORY_BATCHES);
  json_object_set_int_member (msg, "after", (gint64) after);
  if (limit > 0)
    json_object_set_int_member (msg, "limit", limit);
  send_request (self, task, msg);
}

JsonArray *
tandem_sync_client_history_batches_finish (TandemSyncClient  *self,
                                           GAsyncResult      *result,
                                           GError           **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
return_answer (GTask      *task,
               JsonObject *msg,
               const char *type)
{
  JsonNode *err = json_object_get_member (msg, "error");

  if (err && JSON_NODE_HOLDS_OBJECT (err))
    {
      JsonObject *e = json_node_get_object (err);

      g_task_return_new_error (task, TANDEM_SYNC_ERROR, TANDEM_SYNC_ERROR_REMOTE, "%s: %s",
                               json_object_get_string_member_with_default (e, "code", "internal"),
                               json_object_get_string_member_with_default (e, "message", ""));
    }
  else if (g_str_equal (type, TANDEM_MSG_HISTORY_PROJECT))
    {
      JsonNode *project = json_object_get_member (msg, "project");
      GError *error = NULL;
      TandemProject *past = project ? tandem_project_new_from_json (project, &error) : NULL;

      if (past)
        g_task_return_pointer (task, past, g_object_unref);
      else if (error)
        g_task_return_error (task, error);
      else
        g_task_return_new_error (task, TANDEM_SYNC_ERROR, TANDEM_SYNC_ERROR_PROTOCOL,
                                 "The answer carries no project");
    }
  else if (g_str_equal (type, TANDEM_MSG_HISTORY_BATCHES))
    {
      JsonNode *batches = json_object_get_member (msg, "batches");

      if (batches && JSON_NODE_HOLDS_ARRAY (batches))
        g_task_return_pointer (task, json_array_ref (json_node_get_array (batches)),
                               (GDestroyNotify) json_array_unref);
      else
        g_task_return_new_error (task, TANDEM_SYNC_ERROR, TANDEM_SYNC_ERROR_PROTOCOL,
                                 "The answer carries no batches");
    }
  else
    g_task_return_pointer (task, json_object_ref (msg), (GDestroyNotify) json_object_unref);
}

gboolean
_tandem_sync_client_history_handle (TandemSyncClient *self,
                                    JsonObject       *msg,
                                    const char       *type)
{
  HistoryState *state;
  gpointer key = NULL, value = NULL;
  gint64 id;

  if (g_str_equal (type, TANDEM_MSG_SAVE_POINT))
    {
      gint64 at = 0;
      const char *name = NULL, *author = NULL;

      if (tandem_message_get_int (msg, "at", &at) && at >= 0
          && tandem_message_get_string (msg, "name", &name))
        {
          if (!tandem_message_get_string (msg, "author", &author))
            author = "";
          g_signal_emit (self, save_point_signal, 0, (guint64) at, name, author);
        }
      return TRUE;
    }
  if (!g_str_equal (type, TANDEM_MSG_HISTORY_SUMMARY) && !g_str_equal (type, TANDEM_MSG_HISTORY_PROJECT)
      && !g_str_equal (type, TANDEM_MSG_HISTORY_BATCHES))
    return FALSE;
  state = get_state (self);
  if (tandem_message_get_int (msg, "id", &id)
      && g_hash_table_steal_extended (state->tasks, &id, &key, &value))
    {
      g_autoptr(GTask) task = value;

      g_free (key);
      g_source_destroy (g_object_get_data (G_OBJECT (task), "timeout"));
      return_answer (task, msg, type);
    }
  return TRUE;
}

void
_tandem_sync_client_history_dispose (TandemSyncClient *self)
{
  HistoryState *state = g_object_get_qdata (G_OBJECT (self), state_quark);
  GHashTableIter iter;
  gpointer key, value;

  if (state == NULL)
    return;
  g_hash_table_iter_init (&iter, state->tasks);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      g_autoptr(GTask) task = value;

      g_hash_table_iter_steal (&iter);
      g_free (key);
      g_source_destroy (g_object_get_data (G_OBJECT (task), "timeout"));
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED, "The client went away");
    }
}

gboolean
tandem_sync_client_add_save_point (TandemSyncClient  *self,
                                   const char        *name,
                                   GError           **error)
{
  g_autoptr(JsonObject) msg = json_object_new ();
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);
  g_autofree char *text = NULL;

  g_return_val_if_fail (TANDEM_IS_SYNC_CLIENT (self), FALSE);
  g_return_val_if_fail (name != NULL, FALSE);
  if (!self->joined || self->conn == NULL)
    {
      g_set_error (error, TANDEM_SYNC_ERROR, TANDEM_SYNC_ERROR_FAILED, "Not connected to the session");
      return FALSE;
    }
  json_object_set_string_member (msg, "type", TANDEM_MSG_SAVE_POINT);
  json_object_set_string_member (msg, "name", name);
  json_node_set_object (node, msg);
  text = json_to_string (node, FALSE);
  _tandem_sync_client_send_text (self, text);
  return TRUE;
}

gboolean
tandem_sync_client_restore (TandemSyncClient  *self,
                            TandemProject     *past,
                            GError           **error)
{
  g_autoptr(TandemOp) diff = NULL;

  g_return_val_if_fail (TANDEM_IS_SYNC_CLIENT (self), FALSE);
  g_return_val_if_fail (TANDEM_IS_PROJECT (past), FALSE);
  if (self->role && g_str_equal (self->role, tandem_role_to_string (TANDEM_ROLE_VIEWER)))
    {
      g_set_error (error, TANDEM_SYNC_ERROR, TANDEM_SYNC_ERROR_REMOTE,
                   TANDEM_CODE_FORBIDDEN ": Viewers cannot restore a version");
      return FALSE;
    }
  diff = tandem_project_diff (self->project, past);
  if (tandem_op_batch_get_n_ops (diff) == 0)
    return TRUE;
  /* One op: one undo step, one submit, applied whole or not at all. */
  if (self->history)
    return tandem_history_apply (self->history, diff, error);
  return tandem_sync_client_submit (self, diff, error);
}
