/* tandem-session-history.c — a session's past: names, save points, and
 * history requests answered from disk on worker threads
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-sync"

#include "config.h"

#include <string.h>

#include "tandem-history-read.h"
#include "tandem-presence.h"
#include "tandem-session-server-private.h"

/* Per client: history requests are disk reads and replays, so they get a
 * budget of their own, apart from edits. */
#define HISTORY_RATE          2.0
#define HISTORY_BURST         6.0
/* History requests in flight per session; beyond, "rate-limited". */
#define MAX_IN_FLIGHT         4
/* One summary page at most. */
#define MAX_SUMMARY_GROUPS    200
#define MAX_SUMMARY_RECORDS   20000
/* Save points a session keeps; the oldest go first. */
#define MAX_SAVE_POINTS       256
/* Batches one history-batches answer carries at most. */
#define MAX_BATCHES_REPLY     2000
/* The largest project a history-project answer carries. */
#define MAX_PROJECT_REPLY     (16 * 1024 * 1024)

struct _TandemSessionHistory
{
  GHashTable *names;       /* client id → name, as journaled */
  GPtrArray  *save_points; /* JsonNode objects, oldest first */
  GHashTable *budgets;     /* client id → TandemRateLimit */
  guint       in_flight;
};

void
_tandem_session_history_init (TandemSession *session)
{
  TandemSessionHistory *h = g_new0 (TandemSessionHistory, 1);

  h->names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  h->save_points = g_ptr_array_new_with_free_func ((GDestroyNotify) json_node_unref);
  h->budgets = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  session->history = h;
}

void
_tandem_session_history_free (TandemSession *session)
{
  TandemSessionHistory *h = session->history;

  if (h == NULL)
    return;
  g_hash_table_unref (h->names);
  g_ptr_array_unref (h->save_points);
  g_hash_table_unref (h->budgets);
  g_clear_pointer (&session->history, g_free);
}

void
_tandem_session_history_add_to_snapshot (TandemSession *session,
                                         JsonBuilder   *b)
{
  TandemSessionHistory *h = session->history;
  GHashTableIter iter;
  gpointer key, value;

  json_builder_set_member_name (b, "names");
  json_builder_begin_object (b);
  g_hash_table_iter_init (&iter, h->names);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      json_builder_set_member_name (b, key);
      json_builder_add_string_value (b, value);
    }
  json_builder_end_object (b);
  json_builder_set_member_name (b, "save_points");
  json_builder_begin_array (b);
  for (guint i = 0; i < h->save_points->len; i++)
    json_builder_add_value (b, json_node_copy (h->save_points->pdata[i]));
  json_builder_end_array (b);
}

static void
add_save_point (TandemSession *session,
                JsonObject    *record)
{
  TandemSessionHistory *h = session->history;
  JsonNode *node = json_node_new (JSON_NODE_OBJECT);
  JsonObject *copy = json_object_new ();
  const char *client = json_object_get_string_member_with_default (record, "client", "");

  /* Only the members a save point has, whatever else the record holds. */
  json_object_set_int_member (copy, "at", json_object_get_int_member_with_default (record, "at", 0));
  json_object_set_string_member (copy, "client", client);
  json_object_set_string_member (copy, "name",
                                 json_object_get_string_member_with_default (record, "name", ""));
  json_object_set_int_member (copy, "time",
                              json_object_get_int_member_with_default (record, "time", 0));
  json_node_take_object (node, copy);
  g_ptr_array_add (h->save_points, node);
  if (h->save_points->len > MAX_SAVE_POINTS)
    g_ptr_array_remove_index (h->save_points, 0);
}

static void
set_name (TandemSession *session,
          const char    *client,
          const char    *name)
{
  if (client && *client && name && *name)
    g_hash_table_insert (session->history->names, g_strdup (client), g_strdup (name));
}

void
_tandem_session_history_recover (TandemSession *session,
                                 JsonObject    *snapshot)
{
  JsonNode *names = json_object_get_member (snapshot, "names");
  JsonNode *points = json_object_get_member (snapshot, "save_points");

  if (names && JSON_NODE_HOLDS_OBJECT (names))
    {
      JsonObject *obj = json_node_get_object (names);
      g_autoptr(GList) members = json_object_get_members (obj);

      for (GList *l = members; l; l = l->next)
        {
          JsonNode *v = json_object_get_member (obj, l->data);

          if (JSON_NODE_HOLDS_VALUE (v) && json_node_get_value_type (v) == G_TYPE_STRING)
            set_name (session, l->data, json_node_get_string (v));
        }
    }
  if (points && JSON_NODE_HOLDS_ARRAY (points))
    for (guint i = 0; i < json_array_get_length (json_node_get_array (points)); i++)
      {
        JsonNode *p = json_array_get_element (json_node_get_array (points), i);

        if (JSON_NODE_HOLDS_OBJECT (p))
          add_save_point (session, json_node_get_object (p));
      }
}

void
_tandem_session_history_replay_note (TandemSession *session,
                                     JsonObject    *record,
                                     const char    *type)
{
  if (g_str_equal (type, "author"))
    set_name (session, json_object_get_string_member_with_default (record, "client", NULL),
              json_object_get_string_member_with_default (record, "name", NULL));
  else if (g_str_equal (type, "save-point"))
    add_save_point (session, record);
}

static void
queue_note (TandemSession *session,
            const char    *client_id,
            char          *text)
{
  TandemUnflushed *u = g_new0 (TandemUnflushed, 1);

  u->text = text;
  u->client_id = g_strdup (client_id);
  u->note = TRUE;
  g_queue_push_tail (&session->unflushed, u);
  _tandem_session_commit (session);
}

static char *
object_to_text (JsonObject *obj)
{
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);

  json_node_set_object (node, obj);
  return json_to_string (node, FALSE);
}

void
_tandem_session_history_note_author (TandemSession *session,
                                     TandemPeer    *peer)
{
  const char *known = g_hash_table_lookup (session->history->names, peer->client_id);
  g_autoptr(JsonObject) obj = NULL;

  if (peer->role == TANDEM_ROLE_VIEWER || peer->name == NULL || *peer->name == '\0'
      || g_strcmp0 (known, peer->name) == 0)
    return;
  /* Known at once, so that a summary asked for right away shows it. */
  set_name (session, peer->client_id, peer->name);
  if (session->journal == NULL)
    return;
  obj = json_object_new ();
  json_object_set_string_member (obj, "type", "author");
  json_object_set_string_member (obj, "client", peer->client_id);
  json_object_set_string_member (obj, "name", peer->name);
  queue_note (session, peer->client_id, object_to_text (obj));
}

void
_tandem_session_history_note_durable (TandemSession *session,
                                      const char    *text)
{
  g_autoptr(JsonObject) obj = NULL;
  const char *type = NULL;
  const char *name;

  obj = tandem_message_parse_bounded (text, strlen (text), &tandem_json_limits_journal_record,
                                      &type, NULL);
  if (obj == NULL || !g_str_equal (type, TANDEM_MSG_SAVE_POINT))
    return;
  add_save_point (session, obj);
  /* Everyone learns of it, with the author's name. */
  name = g_hash_table_lookup (session->history->names,
                              json_object_get_string_member_with_default (obj, "client", ""));
  json_object_set_string_member (obj, "author", name ? name : "");
  {
    g_autofree char *out = object_to_text (obj);

    _tandem_session_broadcast (session, NULL, out);
  }
}

static char *
history_error (const char *type,
               gint64      id,
               const char *code,
               const char *message)
{
  g_autoptr(JsonObject) obj = json_object_new ();
  JsonObject *err = json_object_new ();

  json_object_set_string_member (obj, "type", type);
  json_object_set_int_member (obj, "id", id);
  json_object_set_string_member (err, "code", code);
  json_object_set_string_member (err, "message", message);
  json_object_set_object_member (obj, "error", err);
  return object_to_text (obj);
}

/* A GError from the reader as a protocol code. */
static const char *
error_code (const GError *error)
{
  if (g_str_has_prefix (error->message, TANDEM_CODE_HISTORY_GONE ":"))
    return TANDEM_CODE_HISTORY_GONE;
  if (error->domain == TANDEM_SYNC_ERROR && error->code == TANDEM_SYNC_ERROR_LIMIT)
    return TANDEM_CODE_BAD_MESSAGE;
  return TANDEM_CODE_HISTORY_UNAVAILABLE;
}

/* What a worker needs: copies only, never the live session. */
typedef struct
{
  TandemSessionServer *server;
  char                *session_id;
  char                *client_id;
  char                *dir;
  char                *type;
  gint64               id;
  guint64              seq;       /* history-project */
  guint64              before;    /* history-summary */
  guint                limit;
  guint64              head;
  GHashTable          *names;
  char                *save_points; /* JSON array text, first page only */
} Request;

static void
request_free (Request *r)
{
  g_object_unref (r->server);
  g_free (r->session_id);
  g_free (r->client_id);
  g_free (r->dir);
  g_free (r->type);
  g_clear_pointer (&r->names, g_hash_table_unref);
  g_free (r->save_points);
  g_free (r);
}

static void
history_worker (GTask        *task,
                gpointer      source,
                gpointer      data,
                GCancellable *cancellable)
{
  Request *r = data;
  g_autoptr(GError) error = NULL;
  GString *out;

  if (g_str_equal (r->type, TANDEM_MSG_HISTORY_PROJECT))
    {
      g_autofree char *project = tandem_history_project_at (r->dir, r->seq, r->head, &error);

      if (project == NULL)
        {
          g_task_return_pointer (task, history_error (r->type, r->id, error_code (error),
                                                      error->message), g_free);
          return;
        }
      if (strlen (project) > MAX_PROJECT_REPLY)
        {
          g_task_return_pointer (task, history_error (r->type, r->id, TANDEM_CODE_TOO_LARGE,
                                                      "That project is too large to send"), g_free);
          return;
        }
      out = g_string_sized_new (strlen (project) + 96);
      g_string_append_printf (out, "{\"type\":\"%s\",\"id\":%" G_GINT64_FORMAT ",\"seq\":%"
                              G_GUINT64_FORMAT ",\"project\":", r->type, r->id, r->seq);
      g_string_append (out, project);
      g_string_append_c (out, '}');
      g_task_return_pointer (task, g_string_free (out, FALSE), g_free);
    }
  else if (g_str_equal (r->type, TANDEM_MSG_HISTORY_BATCHES))
    {
      g_autofree char *batches = tandem_history_batches (r->dir, r->seq, r->head, r->limit, &error);

      if (batches == NULL)
        {
          g_task_return_pointer (task, history_error (r->type, r->id, error_code (error),
                                                      error->message), g_free);
          return;
        }
      out = g_string_sized_new (strlen (batches) + 96);
      g_string_append_printf (out, "{\"type\":\"%s\",\"id\":%" G_GINT64_FORMAT ",\"head\":%"
                              G_GUINT64_FORMAT ",\"after\":%" G_GUINT64_FORMAT ",\"batches\":",
                              r->type, r->id, r->head, r->seq);
      g_string_append (out, batches);
      g_string_append_c (out, '}');
      g_task_return_pointer (task, g_string_free (out, FALSE), g_free);
    }
  else
    {
      g_autoptr(JsonNode) summary = tandem_history_summary (r->dir, r->before, r->head, r->limit,
                                                            MAX_SUMMARY_RECORDS, r->names, &error);
      g_autofree char *body = NULL;

      if (summary == NULL)
        {
          g_task_return_pointer (task, history_error (r->type, r->id, error_code (error),
                                                      error->message), g_free);
          return;
        }
      body = json_to_string (summary, FALSE);
      out = g_string_new (NULL);
      /* The reader's object, with the request's id and the head in front. */
      g_string_append_printf (out, "{\"type\":\"%s\",\"id\":%" G_GINT64_FORMAT ",\"head\":%"
                              G_GUINT64_FORMAT ",", r->type, r->id, r->head);
      if (r->save_points)
        g_string_append_printf (out, "\"save_points\":%s,", r->save_points);
      g_string_append (out, body + 1);
      g_task_return_pointer (task, g_string_free (out, FALSE), g_free);
    }
}

static void
history_done (GObject      *source,
              GAsyncResult *result,
              gpointer      data)
{
  TandemSessionServer *server = TANDEM_SESSION_SERVER (source);
  Request *r = g_task_get_task_data (G_TASK (result));
  g_autofree char *text = g_task_propagate_pointer (G_TASK (result), NULL);
  TandemSession *session;
  TandemPeer *peer;

  if (server->shut_down || server->sessions == NULL
      || (session = g_hash_table_lookup (server->sessions, r->session_id)) == NULL)
    return;
  session->history->in_flight--;
  /* The asker may have gone, or come back on another connection: the
   * answer goes to whoever holds its id now. */
  peer = _tandem_session_find_peer (session, r->client_id);
  if (peer == NULL || text == NULL)
    return;
  _tandem_peer_send (peer, g_steal_pointer (&text));
  /* Like a welcome, an answer that carries a project does not count
   * against the connection's outbound budget (it is rate-limited instead). */
  peer->welcome_end = peer->handed_bytes;
}

static char *
save_points_text (TandemSession *session)
{
  TandemSessionHistory *h = session->history;
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  /* Newest first: what a person looks for. */
  json_builder_begin_array (b);
  for (guint i = h->save_points->len; i > 0; i--)
    {
      JsonObject *p = json_node_get_object (h->save_points->pdata[i - 1]);
      const char *name = g_hash_table_lookup (h->names,
                                              json_object_get_string_member_with_default (p, "client", ""));
      JsonNode *copy = json_node_copy (h->save_points->pdata[i - 1]);

      json_object_set_string_member (json_node_get_object (copy), "author", name ? name : "");
      json_builder_add_value (b, copy);
    }
  json_builder_end_array (b);
  root = json_builder_get_root (b);
  return json_to_string (root, FALSE);
}

static gboolean
take_budget (TandemPeer *peer,
             gint64      id,
             const char *type)
{
  TandemSession *session = peer->session;
  TandemRateLimit *budget = g_hash_table_lookup (session->history->budgets, peer->client_id);
  gint64 now = g_get_monotonic_time ();

  if (budget == NULL)
    {
      budget = g_new0 (TandemRateLimit, 1);
      tandem_rate_limit_init (budget, HISTORY_RATE, HISTORY_BURST, now);
      g_hash_table_insert (session->history->budgets, g_strdup (peer->client_id), budget);
    }
  if (session->history->in_flight < MAX_IN_FLIGHT && tandem_rate_limit_take (budget, 1, now))
    return TRUE;
  _tandem_peer_send (peer, history_error (type, id, TANDEM_CODE_RATE_LIMITED,
                                          "Too many history requests; ask again in a moment"));
  return FALSE;
}

static void
handle_save_point (TandemPeer *peer,
                   JsonObject *msg)
{
  TandemSession *session = peer->session;
  g_autoptr(JsonObject) obj = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *name = NULL;
  const char *raw = NULL;

  if (peer->role == TANDEM_ROLE_VIEWER)
    {
      _tandem_peer_send (peer, tandem_message_error (TANDEM_CODE_FORBIDDEN,
                                                     "Viewers cannot add save points"));
      return;
    }
  if (!tandem_message_get_string (msg, "name", &raw)
      || (name = tandem_presence_clean_name (raw, &error)) == NULL || *name == '\0')
    {
      _tandem_peer_send (peer, tandem_message_error (TANDEM_CODE_BAD_MESSAGE,
                                                     "A save point needs a name that can be shown"));
      return;
    }
  obj = json_object_new ();
  json_object_set_string_member (obj, "type", TANDEM_MSG_SAVE_POINT);
  /* The moment is the last batch the session accepted: the journal puts the
   * record right after it. */
  json_object_set_int_member (obj, "at", (gint64) session->seq);
  json_object_set_string_member (obj, "client", peer->client_id);
  json_object_set_string_member (obj, "name", name);
  json_object_set_int_member (obj, "time", g_get_real_time () / 1000);
  if (session->journal == NULL)
    {
      g_autofree char *text = object_to_text (obj);

      /* Memory only: durable at once, as much as anything here is. */
      _tandem_session_history_note_durable (session, text);
      return;
    }
  queue_note (session, peer->client_id, object_to_text (obj));
}

gboolean
_tandem_session_history_handle (TandemPeer *peer,
                                JsonObject *msg,
                                const char *type)
{
  TandemSession *session = peer->session;
  TandemSessionServer *server = peer->server;
  g_autoptr(GTask) task = NULL;
  Request *r;
  gint64 id = 0, value = 0;
  guint budget_limit = 0;

  if (g_str_equal (type, TANDEM_MSG_SAVE_POINT))
    {
      handle_save_point (peer, msg);
      return TRUE;
    }
  if (!g_str_equal (type, TANDEM_MSG_HISTORY_SUMMARY) && !g_str_equal (type, TANDEM_MSG_HISTORY_PROJECT)
      && !g_str_equal (type, TANDEM_MSG_HISTORY_BATCHES))
    return FALSE;

  /* Every role may read the history: it holds what a viewer could have
   * watched happen. */
  if (!tandem_message_get_int (msg, "id", &id) || id < 0)
    {
      _tandem_peer_send (peer, tandem_message_error (TANDEM_CODE_BAD_MESSAGE,
                                                     "A history request needs an \"id\" ≥ 0"));
      return TRUE;
    }
  if (session->dir == NULL || session->journal == NULL)
    {
      _tandem_peer_send (peer, history_error (type, id, TANDEM_CODE_HISTORY_UNAVAILABLE,
                                              "This session keeps no history (memory only)"));
      return TRUE;
    }
  if (g_str_equal (type, TANDEM_MSG_HISTORY_BATCHES))
    {
      gint64 limit = MAX_BATCHES_REPLY;

      if (!tandem_message_get_int (msg, "after", &value) || value < 0
          || (guint64) value > session->durable_seq)
        {
          _tandem_peer_send (peer, history_error (type, id, TANDEM_CODE_BAD_MESSAGE,
                                                  "\"after\" must be between 0 and the session's seq"));
          return TRUE;
        }
      if (tandem_message_get_int (msg, "limit", &limit))
        limit = CLAMP (limit, 1, MAX_BATCHES_REPLY);
      budget_limit = (guint) limit;
    }
  else if (g_str_equal (type, TANDEM_MSG_HISTORY_PROJECT)
      && (!tandem_message_get_int (msg, "seq", &value) || value < 0
          || (guint64) value > session->durable_seq))
    {
      _tandem_peer_send (peer, history_error (type, id, TANDEM_CODE_BAD_MESSAGE,
                                              "\"seq\" must be between 0 and the session's seq"));
      return TRUE;
    }
  if (!take_budget (peer, id, type))
    return TRUE;

  r = g_new0 (Request, 1);
  r->server = g_object_ref (server);
  r->session_id = g_strdup (session->id);
  r->client_id = g_strdup (peer->client_id);
  r->dir = g_strdup (session->dir);
  r->type = g_strdup (type);
  r->id = id;
  r->head = session->durable_seq;
  r->seq = (guint64) value;
  r->limit = budget_limit;
  if (g_str_equal (type, TANDEM_MSG_HISTORY_SUMMARY))
    {
      GHashTableIter iter;
      gpointer k, v;
      gint64 before = 0, limit = MAX_SUMMARY_GROUPS;

      if (tandem_message_get_int (msg, "before", &before) && before > 0)
        r->before = (guint64) before;
      if (tandem_message_get_int (msg, "limit", &limit))
        limit = CLAMP (limit, 1, MAX_SUMMARY_GROUPS);
      r->limit = (guint) limit;
      r->names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
      g_hash_table_iter_init (&iter, session->history->names);
      while (g_hash_table_iter_next (&iter, &k, &v))
        g_hash_table_insert (r->names, g_strdup (k), g_strdup (v));
      /* Save points come first, on the first page. */
      if (r->before == 0)
        r->save_points = save_points_text (session);
    }
  session->history->in_flight++;
  task = g_task_new (server, NULL, history_done, NULL);
  g_task_set_task_data (task, r, (GDestroyNotify) request_free);
  g_task_run_in_thread (task, history_worker);
  return TRUE;
}

void
_tandem_session_history_prune (const char *dir,
                               guint64     max_bytes,
                               gint64      max_age_s)
{
  tandem_history_prune (dir, max_bytes, max_age_s);
}
