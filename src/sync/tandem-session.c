/* tandem-session.c — one hosted session: replica, order, dedupe, journal
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-sync"

#include "config.h"

#include <math.h>
#include <string.h>

#include "tandem-session-server-private.h"

typedef struct
{
  char    *text;
  guint64  seq;     /* 0: not a batch */
  char    *target;  /* client id, or NULL for everyone */
} OutboxEntry;

static void
outbox_entry_free (gpointer data)
{
  OutboxEntry *entry = data;

  g_free (entry->text);
  g_free (entry->target);
  g_free (entry);
}

static gboolean
hex_to_bytes (const char *hex,
              guint8     *out,
              gsize       n)
{
  if (hex == NULL || strlen (hex) != n * 2)
    return FALSE;
  for (gsize i = 0; i < n; i++)
    {
      int hi = g_ascii_xdigit_value (hex[2 * i]);
      int lo = g_ascii_xdigit_value (hex[2 * i + 1]);

      if (hi < 0 || lo < 0)
        return FALSE;
      out[i] = (guint8) (hi << 4 | lo);
    }
  return TRUE;
}

static TandemSession *
session_alloc (TandemSessionServer *server,
               const char          *id,
               const char          *dir)
{
  TandemSession *session = g_new0 (TandemSession, 1);

  session->server = server;
  session->id = g_strdup (id);
  session->dir = g_strdup (dir);
  session->records = g_ptr_array_new_with_free_func (g_free);
  session->clients = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  session->peers = g_ptr_array_new ();
  g_queue_init (&session->outbox);
  return session;
}

void
_tandem_session_free (TandemSession *session)
{
  if (session == NULL)
    return;
  _tandem_session_flush (session);
  if (session->commit_source)
    {
      g_source_destroy (session->commit_source);
      g_source_unref (session->commit_source);
    }
  g_queue_clear_full (&session->outbox, outbox_entry_free);
  g_clear_object (&session->project);
  g_clear_pointer (&session->journal, tandem_journal_free);
  g_ptr_array_unref (session->records);
  g_hash_table_unref (session->clients);
  g_ptr_array_unref (session->peers);
  _tandem_session_samples_free (session);
  explicit_bzero (session->token_hash, sizeof session->token_hash);
  g_free (session->id);
  g_free (session->dir);
  g_free (session);
}

static JsonNode *
build_snapshot (TandemSession *session)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  GHashTableIter iter;
  gpointer key, value;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "format");
  json_builder_add_string_value (b, "tandem-snapshot");
  json_builder_set_member_name (b, "version");
  json_builder_add_int_value (b, 1);
  json_builder_set_member_name (b, "seq");
  json_builder_add_int_value (b, (gint64) session->seq);
  json_builder_set_member_name (b, "project");
  json_builder_add_value (b, tandem_project_to_json (session->project));
  json_builder_set_member_name (b, "clients");
  json_builder_begin_object (b);
  g_hash_table_iter_init (&iter, session->clients);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      json_builder_set_member_name (b, key);
      json_builder_add_int_value (b, (gint64) *(guint64 *) value);
    }
  json_builder_end_object (b);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

static gboolean
write_snapshot (TandemSession  *session,
                GError        **error)
{
  g_autoptr(JsonNode) snapshot = NULL;

  if (session->journal != NULL)
    {
      snapshot = build_snapshot (session);
      if (!tandem_journal_write_snapshot (session->journal, snapshot, error))
        return FALSE;
    }
  return TRUE;
}

TandemSession *
_tandem_session_new (TandemSessionServer  *server,
                     const char           *id,
                     const char           *dir,
                     TandemProject        *project,
                     char                **tokens,
                     GError              **error)
{
  TandemSession *session = session_alloc (server, id, dir);
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) meta = NULL;
  g_autofree char *meta_text = NULL;
  g_autofree char *meta_path = NULL;

  session->project = g_object_ref (project);
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "format");
  json_builder_add_string_value (b, "tandem-session");
  json_builder_set_member_name (b, "version");
  json_builder_add_int_value (b, 1);
  json_builder_set_member_name (b, "id");
  json_builder_add_string_value (b, id);
  json_builder_set_member_name (b, "token-sha256");
  json_builder_begin_object (b);
  for (guint r = 0; r < TANDEM_N_ROLES; r++)
    {
      g_autofree char *hash = _tandem_token_hash (tokens[r]);

      hex_to_bytes (hash, session->token_hash[r], 32);
      json_builder_set_member_name (b, tandem_role_to_string (r));
      json_builder_add_string_value (b, hash);
    }
  json_builder_end_object (b);
  json_builder_end_object (b);

  if (dir == NULL)
    return session;

  meta = json_builder_get_root (b);
  meta_text = json_to_string (meta, TRUE);
  meta_path = g_build_filename (dir, "session.json", NULL);
  if ((session->journal = tandem_journal_open (dir, error)) == NULL
      || !g_file_set_contents_full (meta_path, meta_text, -1,
                                    G_FILE_SET_CONTENTS_CONSISTENT | G_FILE_SET_CONTENTS_DURABLE,
                                    0600, error))
    {
      _tandem_session_free (session);
      return NULL;
    }
  tandem_journal_set_fsync (session->journal, server->fsync);
  if (!write_snapshot (session, error))
    {
      _tandem_session_free (session);
      return NULL;
    }
  return session;
}

/* Applies one journaled batch message during recovery. */
static gboolean
replay_record (TandemSession  *session,
               const char     *text,
               GError        **error)
{
  g_autoptr(JsonObject) obj = NULL;
  g_autoptr(TandemOp) batch = tandem_op_new_batch ();
  const char *type;
  const char *client;
  gint64 seq, cseq;
  JsonNode *ops;
  guint64 *last;

  obj = tandem_message_parse_bounded (text, strlen (text), &tandem_json_limits_journal_record,
                                      &type, error);
  if (obj == NULL)
    return FALSE;
  ops = json_object_get_member (obj, "ops");
  if (!tandem_message_get_int (obj, "seq", &seq) || !tandem_message_get_int (obj, "cseq", &cseq)
      || !tandem_message_get_string (obj, "client", &client)
      || ops == NULL || !JSON_NODE_HOLDS_ARRAY (ops))
    {
      g_set_error (error, TANDEM_SYNC_ERROR, TANDEM_SYNC_ERROR_JOURNAL, "Malformed record");
      return FALSE;
    }
  for (guint i = 0; i < json_array_get_length (json_node_get_array (ops)); i++)
    {
      TandemOp *op = tandem_op_from_json (json_array_get_element (json_node_get_array (ops), i),
                                          error);
      if (op == NULL)
        return FALSE;
      tandem_op_batch_add (batch, op);
    }
  if (!tandem_project_apply (session->project, batch, NULL, error))
    return FALSE;
  session->seq = seq;
  last = g_hash_table_lookup (session->clients, client);
  if (last == NULL)
    {
      last = g_new0 (guint64, 1);
      g_hash_table_insert (session->clients, g_strdup (client), last);
    }
  *last = MAX (*last, (guint64) cseq);
  g_ptr_array_add (session->records, g_strdup (text));
  return TRUE;
}

TandemSession *
_tandem_session_recover (TandemSessionServer  *server,
                         const char           *dir,
                         GError              **error)
{
  g_autofree char *meta_path = g_build_filename (dir, "session.json", NULL);
  g_autofree char *meta_text = NULL;
  g_autoptr(JsonNode) meta_root = NULL;
  g_autoptr(GError) parse_error = NULL;
  gsize meta_length = 0;
  g_autoptr(JsonNode) snapshot = NULL;
  g_autoptr(GPtrArray) records = NULL;
  TandemSession *session;
  JsonObject *meta;
  JsonObject *hashes;
  JsonObject *snap;
  JsonNode *project;
  const char *id;
  guint n_dropped = 0;
  guint64 base = 0;

  if (!g_file_get_contents (meta_path, &meta_text, &meta_length, error))
    return NULL;
  meta_root = tandem_json_parse_bounded (meta_text, meta_length, &tandem_json_limits_session_file,
                                         &parse_error);
  if (meta_root == NULL)
    {
      g_set_error (error, TANDEM_SYNC_ERROR, TANDEM_SYNC_ERROR_JOURNAL,
                   "Cannot read “%s”: %s", meta_path, parse_error->message);
      return NULL;
    }
  if (!JSON_NODE_HOLDS_OBJECT (meta_root)
      || (meta = json_node_get_object (meta_root)) == NULL
      || !tandem_message_get_string (meta, "id", &id)
      || !json_object_has_member (meta, "token-sha256")
      || !JSON_NODE_HOLDS_OBJECT (json_object_get_member (meta, "token-sha256")))
    {
      g_set_error (error, TANDEM_SYNC_ERROR, TANDEM_SYNC_ERROR_JOURNAL,
                   "“%s” is not a Tandem session file", meta_path);
      return NULL;
    }
  session = session_alloc (server, id, dir);
  hashes = json_object_get_object_member (meta, "token-sha256");
  for (guint r = 0; r < TANDEM_N_ROLES; r++)
    if (!hex_to_bytes (json_object_get_string_member_with_default (hashes, tandem_role_to_string (r), ""),
                       session->token_hash[r], 32))
      {
        g_set_error (error, TANDEM_SYNC_ERROR, TANDEM_SYNC_ERROR_JOURNAL,
                     "“%s” has no valid %s token hash", meta_path, tandem_role_to_string (r));
        _tandem_session_free (session);
        return NULL;
      }

  if ((session->journal = tandem_journal_open (dir, error)) == NULL
      || !tandem_journal_recover (session->journal, &snapshot, &base, &records, &n_dropped, error))
    {
      _tandem_session_free (session);
      return NULL;
    }
  tandem_journal_set_fsync (session->journal, server->fsync);
  if (snapshot == NULL
      || (project = json_object_get_member (snap = json_node_get_object (snapshot), "project")) == NULL
      || (session->project = tandem_project_new_from_json (project, error)) == NULL)
    {
      if (error && *error == NULL)
        g_set_error (error, TANDEM_SYNC_ERROR, TANDEM_SYNC_ERROR_JOURNAL,
                     "Session “%s” has no snapshot", id);
      _tandem_session_free (session);
      return NULL;
    }
  session->seq = session->base_seq = base;
  if (json_object_has_member (snap, "clients")
      && JSON_NODE_HOLDS_OBJECT (json_object_get_member (snap, "clients")))
    {
      JsonObject *clients = json_object_get_object_member (snap, "clients");
      g_autoptr(GList) names = json_object_get_members (clients);

      for (GList *l = names; l; l = l->next)
        {
          guint64 *last = g_new (guint64, 1);

          *last = (guint64) json_object_get_int_member (clients, l->data);
          g_hash_table_insert (session->clients, g_strdup (l->data), last);
        }
    }
  for (guint i = 0; i < records->len; i++)
    {
      g_autoptr(GError) local_error = NULL;

      if (!replay_record (session, records->pdata[i], &local_error))
        {
          /* The record passed its CRC, so this is not a torn write; keep
           * what replayed so far rather than lose the session. */
          g_warning ("Session %s: journal record %u does not replay: %s",
                      id, i, local_error->message);
          break;
        }
    }
  if (n_dropped > 0)
    g_message ("Session %s: dropped %u torn journal record(s)", id, n_dropped);
  g_debug ("Session %s recovered at seq %" G_GUINT64_FORMAT, id, session->seq);
  return session;
}

gboolean
_tandem_session_check_token (TandemSession *session,
                             const char    *token,
                             TandemRole    *role)
{
  g_autofree char *hash_hex = NULL;
  guint8 hash[32];
  int found = -1;

  if (token == NULL)
    return FALSE;
  hash_hex = _tandem_token_hash (token);
  hex_to_bytes (hash_hex, hash, 32);
  /* Every role is compared, each over all 32 bytes, so the time taken says
   * nothing about the token. */
  for (guint r = 0; r < TANDEM_N_ROLES; r++)
    {
      guint8 diff = 0;

      for (guint i = 0; i < 32; i++)
        diff |= hash[i] ^ session->token_hash[r][i];
      if (diff == 0 && found < 0)
        found = r;
    }
  if (found < 0)
    return FALSE;
  *role = found;
  return TRUE;
}

guint64
_tandem_session_get_client_seq (TandemSession *session,
                                const char    *client_id)
{
  guint64 *last = g_hash_table_lookup (session->clients, client_id);

  return last ? *last : 0;
}

static gboolean
commit_cb (gpointer data)
{
  TandemSession *session = data;

  g_clear_pointer (&session->commit_source, g_source_unref);
  _tandem_session_commit (session);
  return G_SOURCE_REMOVE;
}

static void
queue_message (TandemSession *session,
               char          *text,
               guint64        seq,
               const char    *target)
{
  OutboxEntry *entry = g_new0 (OutboxEntry, 1);

  entry->text = text;
  entry->seq = seq;
  entry->target = g_strdup (target);
  g_queue_push_tail (&session->outbox, entry);
  if (session->commit_source == NULL)
    {
      /* One sync covers every batch accepted in this main-loop iteration. */
      session->commit_source = g_idle_source_new ();
      g_source_set_priority (session->commit_source, G_PRIORITY_HIGH);
      g_source_set_callback (session->commit_source, commit_cb, session, NULL);
      g_source_attach (session->commit_source, session->server->context);
    }
}

static void
queue_reject (TandemSession *session,
              TandemPeer    *author,
              guint64        client_seq,
              const char    *code,
              const char    *message)
{
  queue_message (session, tandem_message_reject (client_seq, code, message), 0,
                 author->client_id);
}

void
_tandem_session_reject (TandemSession *session,
                        TandemPeer    *author,
                        guint64        client_seq,
                        const char    *code,
                        const char    *message)
{
  guint64 *last = g_hash_table_lookup (session->clients, author->client_id);

  if (last == NULL)
    {
      last = g_new0 (guint64, 1);
      g_hash_table_insert (session->clients, g_strdup (author->client_id), last);
    }
  *last = MAX (*last, client_seq);
  queue_reject (session, author, client_seq, code, message);
}

void
_tandem_session_refuse (TandemSession *session,
                        TandemPeer    *author,
                        guint64        client_seq,
                        const char    *message,
                        gint64         retry_after_ms)
{
  queue_message (session, tandem_message_reject_retry (client_seq, TANDEM_CODE_RATE_LIMITED, message,
                                                       retry_after_ms),
                 0, author->client_id);
}

guint
_tandem_server_limits_max_batch (const TandemServerLimits *limits)
{
  return (guint) MAX (1, MIN ((double) limits->max_ops_per_batch, floor (limits->ops_burst)));
}

static gboolean
touches_samples (TandemOp *op)
{
  if (tandem_op_get_kind (op) == TANDEM_OP_BATCH)
    {
      for (guint i = 0; i < tandem_op_batch_get_n_ops (op); i++)
        if (touches_samples (tandem_op_batch_get_op (op, i)))
          return TRUE;
      return FALSE;
    }
  return tandem_op_get_kind (op) == TANDEM_OP_INSERT
         && tandem_op_get_entity (op) == TANDEM_ENTITY_SAMPLE;
}

void
_tandem_session_submit (TandemSession *session,
                        TandemPeer    *author,
                        guint64        client_seq,
                        JsonArray     *ops)
{
  g_autoptr(TandemOp) batch = tandem_op_new_batch ();
  g_autoptr(TandemOp) inverse = NULL;
  g_autoptr(JsonNode) canonical = json_node_new (JSON_NODE_ARRAY);
  g_autoptr(GError) error = NULL;
  JsonArray *canonical_ops = json_array_new ();
  guint64 *last;
  char *text;

  json_node_take_array (canonical, canonical_ops);
  last = g_hash_table_lookup (session->clients, author->client_id);
  if (last == NULL)
    {
      last = g_new0 (guint64, 1);
      g_hash_table_insert (session->clients, g_strdup (author->client_id), last);
    }
  if (client_seq <= *last)
    {
      g_autofree char *msg = g_strdup_printf ("Batch %" G_GUINT64_FORMAT " was already processed",
                                              client_seq);
      /* Through the outbox: after the echo of that batch, if it is still queued. */
      queue_message (session, tandem_message_submit_error (client_seq, TANDEM_CODE_DUPLICATE, msg, -1),
                     0, author->client_id);
      return;
    }
  /* Rejected batches count as processed too: the client learns which of its
   * batches the server has seen from the welcome's "client_seq". */
  *last = client_seq;

  if (author->role == TANDEM_ROLE_VIEWER)
    {
      queue_reject (session, author, client_seq, TANDEM_CODE_FORBIDDEN,
                    "Viewers cannot edit this session");
      return;
    }
  if (session->broken)
    {
      queue_reject (session, author, client_seq, TANDEM_CODE_INTERNAL,
                    "The session cannot store edits right now");
      return;
    }

  for (guint i = 0; i < json_array_get_length (ops); i++)
    {
      TandemOp *op = tandem_op_from_json (json_array_get_element (ops, i), &error);

      if (op == NULL)
        {
          g_autofree char *msg = g_strdup_printf ("Op %u: %s", i, error->message);
          queue_reject (session, author, client_seq, TANDEM_CODE_INVALID_OP, msg);
          return;
        }
      json_array_add_element (canonical_ops, tandem_op_to_json (op));
      tandem_op_batch_add (batch, op);
    }

  if (!tandem_project_apply (session->project, batch, &inverse, &error))
    {
      queue_reject (session, author, client_seq, TANDEM_CODE_INVALID_OP, error->message);
      return;
    }
  if (touches_samples (batch))
    {
      g_autofree char *msg = NULL;
      const char *code = _tandem_session_check_samples (session, &msg);

      if (code != NULL)
        {
          tandem_project_apply (session->project, inverse, NULL, NULL);
          queue_reject (session, author, client_seq, code, msg);
          return;
        }
    }

  text = tandem_message_batch (session->seq + 1, author->client_id, client_seq, canonical);
  if (session->journal && !tandem_journal_append (session->journal, text, &error))
    {
      g_critical ("Session %s: %s", session->id, error->message);
      tandem_project_apply (session->project, inverse, NULL, NULL);
      session->broken = TRUE;
      g_free (text);
      queue_reject (session, author, client_seq, TANDEM_CODE_INTERNAL,
                    "The session cannot store edits right now");
      return;
    }
  session->seq++;
  g_ptr_array_add (session->records, g_strdup (text));
  if (session->records->len > 2 * session->server->limits.max_catchup)
    {
      guint n = session->records->len - session->server->limits.max_catchup;

      g_ptr_array_remove_range (session->records, 0, n);
      session->base_seq += n;
    }
  queue_message (session, text, session->seq, NULL);
}

void
_tandem_session_commit (TandemSession *session)
{
  g_autoptr(GError) error = NULL;
  OutboxEntry *entry;

  if (session->commit_source)
    {
      g_source_destroy (session->commit_source);
      g_clear_pointer (&session->commit_source, g_source_unref);
    }
  if (g_queue_is_empty (&session->outbox))
    return;

  if (session->journal && !tandem_journal_sync (session->journal, &error))
    {
      /* Nothing unsynced may reach a client: drop the connections instead. */
      g_critical ("Session %s: %s", session->id, error->message);
      session->broken = TRUE;
      g_queue_clear_full (&session->outbox, outbox_entry_free);
      while (session->peers->len > 0)
        _tandem_peer_fail (session->peers->pdata[0], TANDEM_CODE_INTERNAL,
                           "The session cannot store edits", TANDEM_CLOSE_INTERNAL);
      return;
    }

  while ((entry = g_queue_pop_head (&session->outbox)))
    {
      if (entry->target)
        {
          TandemPeer *peer = _tandem_session_find_peer (session, entry->target);

          if (peer)
            _tandem_peer_send (peer, g_steal_pointer (&entry->text));
        }
      else
        {
          /* Peers may be dropped (slow consumers) while iterating. */
          for (guint i = session->peers->len; i > 0; i--)
            if (i <= session->peers->len)
              _tandem_peer_send_batch (session->peers->pdata[i - 1], entry->text, entry->seq);
        }
      outbox_entry_free (entry);
    }

  if (session->journal
      && tandem_journal_get_n_records (session->journal) >= session->server->limits.snapshot_every)
    {
      if (!write_snapshot (session, &error))
        g_warning ("Session %s: compaction failed: %s", session->id, error->message);
    }
}

void
_tandem_session_flush (TandemSession *session)
{
  _tandem_session_commit (session);
}

void
_tandem_session_broadcast (TandemSession *session,
                           TandemPeer    *except,
                           const char    *text)
{
  for (guint i = 0; i < session->peers->len; i++)
    if (session->peers->pdata[i] != except)
      _tandem_peer_send (session->peers->pdata[i], g_strdup (text));
}

static void
add_participant (JsonBuilder *b,
                 TandemPeer  *peer)
{
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "client");
  json_builder_add_string_value (b, peer->client_id);
  json_builder_set_member_name (b, "name");
  json_builder_add_string_value (b, peer->name ? peer->name : "");
  json_builder_set_member_name (b, "color");
  json_builder_add_string_value (b, peer->color ? peer->color : "");
  json_builder_set_member_name (b, "role");
  json_builder_add_string_value (b, tandem_role_to_string (peer->role));
  if (peer->cursor)
    {
      json_builder_set_member_name (b, "cursor");
      json_builder_add_value (b, json_node_copy (peer->cursor));
    }
  if (peer->rtt_us >= 0)
    {
      json_builder_set_member_name (b, "rtt");
      json_builder_add_int_value (b, peer->rtt_us);
    }
  json_builder_end_object (b);
}

char *
_tandem_session_build_welcome (TandemSession *session,
                               TandemPeer    *peer,
                               gint64         last_seq)
{
  const TandemServerLimits *limits = &session->server->limits;
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *head = NULL;
  GString *text;
  gboolean resume;

  resume = last_seq >= 0 && (guint64) last_seq >= session->base_seq
           && (guint64) last_seq <= session->seq
           && session->seq - (guint64) last_seq <= limits->max_catchup;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "type");
  json_builder_add_string_value (b, "welcome");
  json_builder_set_member_name (b, "version");
  json_builder_add_int_value (b, TANDEM_PROTOCOL_VERSION);
  json_builder_set_member_name (b, "session");
  json_builder_add_string_value (b, session->id);
  json_builder_set_member_name (b, "client");
  json_builder_add_string_value (b, peer->client_id);
  json_builder_set_member_name (b, "role");
  json_builder_add_string_value (b, tandem_role_to_string (peer->role));
  json_builder_set_member_name (b, "seq");
  json_builder_add_int_value (b, resume ? last_seq : (gint64) session->seq);
  json_builder_set_member_name (b, "head");
  json_builder_add_int_value (b, (gint64) session->seq);
  json_builder_set_member_name (b, "client_seq");
  json_builder_add_int_value (b, (gint64) _tandem_session_get_client_seq (session, peer->client_id));
  json_builder_set_member_name (b, "server_time");
  json_builder_add_int_value (b, tandem_protocol_now_us ());
  json_builder_set_member_name (b, "limits");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "max_message_bytes");
  json_builder_add_int_value (b, limits->max_message_bytes);
  json_builder_set_member_name (b, "max_ops_per_batch");
  json_builder_add_int_value (b, _tandem_server_limits_max_batch (limits));
  json_builder_set_member_name (b, "max_ops_per_second");
  json_builder_add_double_value (b, limits->max_ops_per_second);
  json_builder_set_member_name (b, "ops_burst");
  json_builder_add_double_value (b, limits->ops_burst);
  json_builder_set_member_name (b, "max_messages_per_second");
  json_builder_add_double_value (b, limits->max_messages_per_second);
  json_builder_set_member_name (b, "max_outbound_queue");
  json_builder_add_int_value (b, limits->max_outbound_queue);
  json_builder_set_member_name (b, "idle_timeout_ms");
  json_builder_add_int_value (b, limits->idle_timeout_ms);
  json_builder_end_object (b);
  json_builder_set_member_name (b, "participants");
  json_builder_begin_array (b);
  for (guint i = 0; i < session->peers->len; i++)
    if (session->peers->pdata[i] != peer)
      add_participant (b, session->peers->pdata[i]);
  json_builder_end_array (b);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  head = json_to_string (root, FALSE);

  /* The snapshot and the missed batches are spliced in as text: they are
   * already serialized, and projects can be large. */
  text = g_string_new (head);
  g_string_truncate (text, text->len - 1);
  if (resume)
    {
      g_string_append (text, ",\"batches\":[");
      for (guint64 s = last_seq + 1; s <= session->seq; s++)
        {
          if (s > (guint64) last_seq + 1)
            g_string_append_c (text, ',');
          g_string_append (text, session->records->pdata[s - session->base_seq - 1]);
        }
      g_string_append (text, "]}");
    }
  else
    {
      g_autofree char *project = tandem_project_to_string (session->project);

      g_string_append (text, ",\"snapshot\":");
      g_string_append (text, project);
      g_string_append_c (text, '}');
    }
  return g_string_free (text, FALSE);
}
