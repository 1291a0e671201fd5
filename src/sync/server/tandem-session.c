/* tandem-session.c — one hosted session: replica, order, dedupe, journal
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-sync"

#include "config.h"

#include <errno.h>
#include <math.h>
#include <string.h>

#include <glib/gstdio.h>

#include "tandem-session-server-private.h"

typedef struct
{
  char    *text;
  guint64  seq;       /* 0: not a batch */
  char    *target;    /* client id, or NULL for everyone */
  char    *author;    /* a batch's client id and client seq, to refuse it */
  guint64  cseq;
  gushort  close_code; /* not 0: close the target with this, text is the code */
  char    *message;
  gboolean refusal;   /* a rate-limited answer to the target's submit cseq */
} OutboxEntry;

typedef TandemUnflushed Unflushed;

static void
outbox_entry_free (gpointer data)
{
  OutboxEntry *entry = data;

  g_free (entry->text);
  g_free (entry->target);
  g_free (entry->author);
  g_free (entry->message);
  g_free (entry);
}

void
_tandem_unflushed_free (gpointer data)
{
  Unflushed *u = data;

  g_free (u->text);
  g_clear_pointer (&u->batch, tandem_op_unref);
  g_free (u->client_id);
  g_free (u);
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

/* Replayed batches kept for catch-up after a restart. */
#define TANDEM_REPLAY_TAIL 64

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
  g_queue_init (&session->unflushed);
  g_queue_init (&session->passing_claims);
  g_queue_init (&session->remote_pending);
  _tandem_session_history_init (session);
  return session;
}

void
_tandem_session_free (TandemSession *session)
{
  if (session == NULL)
    return;
  _tandem_session_remote_free (session);
  _tandem_session_flush (session);
  if (session->commit_source)
    {
      g_source_destroy (session->commit_source);
      g_source_unref (session->commit_source);
    }
  g_queue_clear_full (&session->outbox, outbox_entry_free);
  g_queue_clear_full (&session->unflushed, _tandem_unflushed_free);
  g_queue_clear_full (&session->passing_claims, g_free);
  g_clear_object (&session->project);
  g_clear_object (&session->durable_project);
  g_clear_pointer (&session->log, tandem_session_log_free);
  g_clear_pointer (&session->journal, tandem_journal_free);
  g_ptr_array_unref (session->records);
  g_hash_table_unref (session->clients);
  g_ptr_array_unref (session->peers);
  _tandem_session_samples_free (session);
  _tandem_session_history_free (session);
  _tandem_session_remote_people_free (session);
  explicit_bzero (session->token_hash, sizeof session->token_hash);
  g_free (session->id);
  g_free (session->dir);
  g_free (session);
}

TandemClientRecord *
_tandem_session_get_client (TandemSession *session,
                            const char    *client_id)
{
  TandemClientRecord *record = g_hash_table_lookup (session->clients, client_id);

  if (record == NULL)
    {
      record = g_new0 (TandemClientRecord, 1);
      g_hash_table_insert (session->clients, g_strdup (client_id), record);
    }
  return record;
}

static char *
bytes_to_hex (const guint8 *bytes,
              gsize         n)
{
  char *hex = g_malloc (2 * n + 1);

  for (gsize i = 0; i < n; i++)
    g_snprintf (hex + 2 * i, 3, "%02x", bytes[i]);
  return hex;
}

TandemProject *
_tandem_session_copy_project (TandemProject *project)
{
  g_autoptr(JsonNode) json = tandem_project_to_json (project);
  g_autoptr(GError) error = NULL;
  TandemProject *copy = tandem_project_new_from_json (json, &error);

  /* A project that was valid a moment ago serializes to a valid one. */
  g_assert_no_error (error);
  return copy;
}

/* The durable state only: what the synced journal says. */
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
  json_builder_add_int_value (b, (gint64) session->durable_seq);
  json_builder_set_member_name (b, "project");
  json_builder_add_value (b, tandem_project_to_json (session->durable_project));
  json_builder_set_member_name (b, "clients");
  json_builder_begin_object (b);
  g_hash_table_iter_init (&iter, session->clients);
  while (g_hash_table_iter_next (&iter, &key, &value))
    if (((TandemClientRecord *) value)->durable_cseq > 0)
      {
        json_builder_set_member_name (b, key);
        json_builder_add_int_value (b, (gint64) ((TandemClientRecord *) value)->durable_cseq);
      }
  json_builder_end_object (b);
  json_builder_set_member_name (b, "secrets");
  json_builder_begin_object (b);
  g_hash_table_iter_init (&iter, session->clients);
  while (g_hash_table_iter_next (&iter, &key, &value))
    if (((TandemClientRecord *) value)->secret_durable)
      {
        g_autofree char *hex = bytes_to_hex (((TandemClientRecord *) value)->secret_hash, 32);

        json_builder_set_member_name (b, key);
        json_builder_add_string_value (b, hex);
      }
  json_builder_end_object (b);
  _tandem_session_history_add_to_snapshot (session, b);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

JsonNode *
_tandem_session_take_snapshot (TandemSession *session)
{
  if (session->log == NULL
      || tandem_session_log_get_n_records (session->log) < session->server->limits.snapshot_every)
    return NULL;
  return build_snapshot (session);
}

/* Removes what a failed creation left of a new session's folder. */
void
_tandem_session_remove_dir (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  g_autofree char *samples = g_build_filename (dir, "samples", NULL);
  g_autofree char *history = g_build_filename (dir, "history", NULL);
  const char *name;

  if (g_file_test (samples, G_FILE_TEST_IS_DIR))
    _tandem_session_remove_dir (samples);
  if (g_file_test (history, G_FILE_TEST_IS_DIR))
    _tandem_session_remove_dir (history);
  while (d && (name = g_dir_read_name (d)))
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);

      g_unlink (path);
    }
  if (g_rmdir (dir) != 0 && g_file_test (dir, G_FILE_TEST_EXISTS))
    g_warning ("Cannot remove the unfinished session folder “%s”: %s", dir, g_strerror (errno));
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
  g_autoptr(JsonNode) snapshot = NULL;
  g_autofree char *meta_text = NULL;
  g_autofree char *meta_path = NULL;

  session->project = g_object_ref (project);
  session->durable_project = _tandem_session_copy_project (project);
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
  snapshot = build_snapshot (session);
  if ((session->journal = tandem_journal_open (dir, error)) == NULL
      || tandem_journal_is_read_only (session->journal)
      || !g_file_set_contents_full (meta_path, meta_text, -1,
                                    G_FILE_SET_CONTENTS_CONSISTENT | G_FILE_SET_CONTENTS_DURABLE,
                                    0600, error)
      || (tandem_journal_set_fsync (session->journal, server->fsync),
          tandem_journal_set_keep_history (session->journal, server->keep_history),
          !tandem_journal_write_snapshot (session->journal, snapshot, error)))
    {
      if (session->journal && tandem_journal_is_read_only (session->journal))
        g_set_error (error, TANDEM_SYNC_ERROR, TANDEM_SYNC_ERROR_JOURNAL,
                     "“%s” is read-only", dir);
      /* A session is made whole or not at all: a folder without its
       * snapshot would fail to load at every start. */
      g_clear_pointer (&session->journal, tandem_journal_free);
      _tandem_session_remove_dir (dir);
      _tandem_session_free (session);
      return NULL;
    }
  session->log = _tandem_session_open_log (session);
  if (!tandem_session_log_write_session (session->log, meta_text, snapshot, error))
    {
      /* A session other nodes cannot load would be one node's only. */
      g_clear_pointer (&session->log, tandem_session_log_free);
      g_clear_pointer (&session->journal, tandem_journal_free);
      _tandem_session_remove_dir (dir);
      _tandem_session_free (session);
      return NULL;
    }
  return session;
}

gboolean
_tandem_session_replay_claim (TandemSession  *session,
                              JsonObject     *obj,
                              GError        **error)
{
  const char *client, *hex;
  TandemClientRecord *record;
  guint8 hash[32];

  if (!tandem_message_get_string (obj, "client", &client)
      || !tandem_message_get_string (obj, "secret_sha256", &hex)
      || !hex_to_bytes (hex, hash, 32))
    {
      g_set_error (error, TANDEM_SYNC_ERROR, TANDEM_SYNC_ERROR_JOURNAL, "Malformed claim");
      return FALSE;
    }
  record = _tandem_session_get_client (session, client);
  memcpy (record->secret_hash, hash, 32);
  record->has_secret = record->secret_durable = TRUE;
  return TRUE;
}

/* Applies one journaled record during recovery. */
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
  TandemClientRecord *record;

  obj = tandem_message_parse_bounded (text, strlen (text), &tandem_json_limits_journal_record,
                                      &type, error);
  if (obj == NULL)
    return FALSE;
  if (g_str_equal (type, "claim"))
    return _tandem_session_replay_claim (session, obj, error);
  if (tandem_journal_is_note_type (type))
    {
      _tandem_session_history_replay_note (session, obj, type);
      return TRUE;
    }
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
  record = _tandem_session_get_client (session, client);
  record->cseq = MAX (record->cseq, (guint64) cseq);
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
  GHashTableIter iter;
  gpointer value;

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
  tandem_journal_set_keep_history (session->journal, server->keep_history);
  session->log = _tandem_session_open_log (session);
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
  _tandem_session_history_recover (session, snap);
  if (server->keep_history && !tandem_journal_is_read_only (session->journal))
    _tandem_session_history_prune (dir, server->history_max_bytes, server->history_max_age_s);
  if (json_object_has_member (snap, "clients")
      && JSON_NODE_HOLDS_OBJECT (json_object_get_member (snap, "clients")))
    {
      JsonObject *clients = json_object_get_object_member (snap, "clients");
      g_autoptr(GList) names = json_object_get_members (clients);

      for (GList *l = names; l; l = l->next)
        _tandem_session_get_client (session, l->data)->cseq
          = (guint64) json_object_get_int_member (clients, l->data);
    }
  if (json_object_has_member (snap, "secrets")
      && JSON_NODE_HOLDS_OBJECT (json_object_get_member (snap, "secrets")))
    {
      JsonObject *secrets = json_object_get_object_member (snap, "secrets");
      g_autoptr(GList) names = json_object_get_members (secrets);

      for (GList *l = names; l; l = l->next)
        {
          guint8 hash[32];

          if (hex_to_bytes (json_object_get_string_member_with_default (secrets, l->data, ""), hash, 32))
            {
              TandemClientRecord *record = _tandem_session_get_client (session, l->data);

              memcpy (record->secret_hash, hash, 32);
              record->has_secret = record->secret_durable = TRUE;
            }
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
  /* Only clients that were connected at the crash catch up on these, and
   * they missed a few batches at most: the rest would stay in memory for
   * nothing (a hundred thousand records across sessions are tens of MB).
   * A client further behind gets the snapshot. */
  if (session->records->len > TANDEM_REPLAY_TAIL)
    {
      guint n = session->records->len - TANDEM_REPLAY_TAIL;

      g_ptr_array_remove_range (session->records, 0, n);
      session->base_seq += n;
    }
  /* Everything recovered is durable. */
  session->durable_seq = session->seq;
  session->durable_project = _tandem_session_copy_project (session->project);
  g_hash_table_iter_init (&iter, session->clients);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    ((TandemClientRecord *) value)->durable_cseq = ((TandemClientRecord *) value)->cseq;
  if (n_dropped > 0)
    g_message ("Session %s: dropped %u torn journal record(s)", id, n_dropped);
  if (tandem_journal_is_read_only (session->journal))
    g_warning ("Session %s: the disk is read-only; edits wait until it takes writes", id);
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
  TandemClientRecord *record = g_hash_table_lookup (session->clients, client_id);

  return record ? record->durable_cseq : 0;
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
schedule_commit (TandemSession *session)
{
  if (session->commit_source == NULL)
    {
      /* One flush covers every batch accepted in this main-loop iteration,
       * and every one accepted while the previous flush was in flight. */
      session->commit_source = g_idle_source_new ();
      g_source_set_priority (session->commit_source, G_PRIORITY_HIGH);
      g_source_set_callback (session->commit_source, commit_cb, session, NULL);
      g_source_attach (session->commit_source, session->server->context);
    }
}

gboolean
_tandem_session_check_client (TandemSession *session,
                              const char    *client_id,
                              const guint8  *secret_hash)
{
  TandemClientRecord *record = g_hash_table_lookup (session->clients, client_id);
  guint8 diff = 0;

  if (record == NULL || !record->has_secret)
    return TRUE;
  for (guint i = 0; i < 32; i++)
    diff |= record->secret_hash[i] ^ secret_hash[i];
  return diff == 0;
}

/* Viewers come and go with new ids; what is bound in memory for them must
 * not grow without end. The oldest bindings of ids that are not connected
 * and own nothing durable go first. */
static void
forget_passing_claims (TandemSession *session)
{
  guint max = 4 * session->server->limits.max_clients_per_session;
  GList *l = session->passing_claims.head;

  /* The newest is the id saying hello right now. */
  while (session->passing_claims.length > max && l != NULL && l != session->passing_claims.tail)
    {
      GList *next = l->next;
      const char *id = l->data;
      TandemClientRecord *record = g_hash_table_lookup (session->clients, id);

      if (record == NULL || record->claim_queued || record->secret_durable || record->cseq > 0
          || record->role_set)
        {
          g_free (l->data);
          g_queue_delete_link (&session->passing_claims, l);
        }
      else if (_tandem_session_find_peer (session, id) == NULL)
        {
          g_hash_table_remove (session->clients, id);
          g_free (l->data);
          g_queue_delete_link (&session->passing_claims, l);
        }
      l = next;
    }
}

void
_tandem_session_claim_client (TandemSession *session,
                              const char    *client_id,
                              const guint8  *secret_hash,
                              gboolean       durable)
{
  TandemClientRecord *record = _tandem_session_get_client (session, client_id);
  g_autofree char *hex = NULL;
  Unflushed *u;

  /* An id known from before secrets existed is bound by its first hello. */
  if (!record->has_secret)
    {
      memcpy (record->secret_hash, secret_hash, 32);
      record->has_secret = TRUE;
      if (!durable)
        {
          g_queue_push_tail (&session->passing_claims, g_strdup (client_id));
          forget_passing_claims (session);
        }
    }
  /* An id first seen with a viewer's token may come back with an editor's:
   * from then on it can own durable state, so its binding is journaled. */
  if (!durable || session->journal == NULL || record->secret_durable || record->claim_queued)
    return;
  /* Journaled ahead of the client's batches: it is durable before any of
   * them can be acknowledged. */
  hex = bytes_to_hex (record->secret_hash, 32);
  u = g_new0 (Unflushed, 1);
  u->text = g_strdup_printf ("{\"type\":\"claim\",\"client\":\"%s\",\"secret_sha256\":\"%s\"}",
                             client_id, hex);
  u->client_id = g_strdup (client_id);
  record->claim_queued = TRUE;
  g_queue_push_tail (&session->unflushed, u);
  schedule_commit (session);
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
  schedule_commit (session);
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
_tandem_session_fail_after (TandemSession *session,
                            TandemPeer    *author,
                            const char    *code,
                            const char    *message,
                            gushort        close_code)
{
  OutboxEntry *entry;

  author->doomed = TRUE;
  queue_message (session, g_strdup (code), 0, author->client_id);
  entry = g_queue_peek_tail (&session->outbox);
  entry->close_code = close_code;
  entry->message = g_strdup (message);
}

void
_tandem_session_reject (TandemSession *session,
                        TandemPeer    *author,
                        guint64        client_seq,
                        const char    *code,
                        const char    *message)
{
  /* A refused batch leaves the duplicate counter alone: only accepted
   * batches may move it, or anyone could make a client's later edits
   * duplicates. */
  queue_reject (session, author, client_seq, code, message);
}

void
_tandem_session_refuse (TandemSession *session,
                        TandemPeer    *author,
                        guint64        client_seq,
                        const char    *message,
                        gint64         retry_after_ms)
{
  OutboxEntry *entry;

  /* In the outbox like every answer, so it follows the echoes of the
   * batches before it; the client can only stop sending once it is out. */
  queue_message (session, tandem_message_reject_retry (client_seq, TANDEM_CODE_RATE_LIMITED, message,
                                                       retry_after_ms),
                 0, author->client_id);
  entry = g_queue_peek_tail (&session->outbox);
  entry->refusal = TRUE;
  entry->cseq = client_seq;
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

gboolean
_tandem_session_apply_checked (TandemSession *session,
                               TandemOp      *batch,
                               const char   **code,
                               char         **message)
{
  g_autoptr(TandemOp) inverse = NULL;
  g_autoptr(GError) error = NULL;

  if (!tandem_project_apply (session->project, batch, &inverse, &error))
    {
      *code = TANDEM_CODE_INVALID_OP;
      *message = g_strdup (error->message);
      return FALSE;
    }
  if (touches_samples (batch) && (*code = _tandem_session_check_samples (session, message)) != NULL)
    {
      tandem_project_apply (session->project, inverse, NULL, NULL);
      return FALSE;
    }
  return TRUE;
}

void
_tandem_session_submit (TandemSession *session,
                        TandemPeer    *author,
                        guint64        client_seq,
                        JsonArray     *ops)
{
  g_autoptr(TandemOp) batch = tandem_op_new_batch ();
  g_autoptr(JsonNode) canonical = json_node_new (JSON_NODE_ARRAY);
  g_autofree char *reason = NULL;
  const char *code = NULL;
  g_autoptr(GError) error = NULL;
  JsonArray *canonical_ops = json_array_new ();
  TandemClientRecord *record;
  OutboxEntry *entry;
  Unflushed *u;
  char *text;

  json_node_take_array (canonical, canonical_ops);
  if (author->role == TANDEM_ROLE_VIEWER)
    {
      queue_reject (session, author, client_seq, TANDEM_CODE_FORBIDDEN,
                    "Viewers cannot edit this session");
      return;
    }
  record = _tandem_session_get_client (session, author->client_id);
  if (client_seq <= record->cseq)
    {
      g_autofree char *msg = g_strdup_printf ("Batch %" G_GUINT64_FORMAT " was already processed",
                                              client_seq);
      /* Through the outbox: after the echo of that batch, if it is still queued. */
      queue_message (session, tandem_message_submit_error (client_seq, TANDEM_CODE_DUPLICATE, msg, -1),
                     0, author->client_id);
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

  if (!_tandem_session_apply_checked (session, batch, &code, &reason))
    {
      queue_reject (session, author, client_seq, code, reason);
      return;
    }

  /* Accepted: it reaches the journal, and then everyone, once a flush
   * covers it. Until then it is in the replica only, for validating the
   * next batches. */
  session->seq++;
  record->cseq = client_seq;
  /* The server's clock says when: the history shows it. */
  text = tandem_message_batch_at (session->seq, author->client_id, client_seq, canonical,
                                  g_get_real_time () / 1000);
  u = g_new0 (Unflushed, 1);
  u->text = g_strdup (text);
  u->seq = session->seq;
  u->batch = g_steal_pointer (&batch);
  u->client_id = g_strdup (author->client_id);
  u->cseq = client_seq;
  g_queue_push_tail (&session->unflushed, u);
  queue_message (session, text, session->seq, NULL);
  entry = g_queue_peek_tail (&session->outbox);
  entry->author = g_strdup (author->client_id);
  entry->cseq = client_seq;
}

void
_tandem_session_outbox_renumber (TandemSession *session,
                                 const char    *client_id,
                                 guint64        cseq,
                                 guint64        seq,
                                 const char    *text)
{
  for (GList *l = session->outbox.head; l; l = l->next)
    {
      OutboxEntry *entry = l->data;

      if (entry->seq > 0 && entry->cseq == cseq && g_strcmp0 (entry->author, client_id) == 0)
        {
          entry->seq = seq;
          g_free (entry->text);
          entry->text = g_strdup (text);
          return;
        }
    }
}

void
_tandem_session_outbox_answer (TandemSession *session,
                               const char    *client_id,
                               guint64        cseq,
                               char          *answer)
{
  for (GList *l = session->outbox.head; l; l = l->next)
    {
      OutboxEntry *entry = l->data;

      if (entry->seq > 0 && entry->cseq == cseq && g_strcmp0 (entry->author, client_id) == 0)
        {
          g_free (entry->text);
          entry->text = answer;
          entry->target = g_steal_pointer (&entry->author);
          entry->seq = 0;
          return;
        }
    }
  g_free (answer);
}

/* Sends what is queued, up to the first batch not yet synced. */
static void
drain_outbox (TandemSession *session)
{
  OutboxEntry *entry;

  while ((entry = g_queue_peek_head (&session->outbox))
         && (entry->seq == 0 || entry->seq <= session->durable_seq))
    {
      g_queue_pop_head (&session->outbox);
      if (entry->target)
        {
          TandemPeer *peer = _tandem_session_find_peer (session, entry->target);

          if (peer && entry->close_code)
            _tandem_peer_fail (peer, entry->text, entry->message, entry->close_code);
          else if (peer)
            {
              _tandem_peer_send (peer, g_steal_pointer (&entry->text));
              if (entry->refusal)
                _tandem_peer_refusal_sent (peer, entry->cseq);
            }
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
}

void
_tandem_session_commit (TandemSession *session)
{
  if (session->commit_source)
    {
      g_source_destroy (session->commit_source);
      g_clear_pointer (&session->commit_source, g_source_unref);
    }
  if (session->job == NULL && session->unflushed.length > 0)
    _tandem_session_flush_start (session);
  drain_outbox (session);
}

void
_tandem_session_drain_outbox (TandemSession *session)
{
  drain_outbox (session);
}

void
_tandem_session_trim_records (TandemSession *session)
{
  guint max = session->server->limits.max_catchup;

  if (session->records->len > 2 * max)
    {
      guint n = session->records->len - max;

      g_ptr_array_remove_range (session->records, 0, n);
      session->base_seq += n;
    }
}

/* Back to what the journal holds: every batch not synced is refused. */
void
_tandem_session_roll_back (TandemSession *session,
                           const GError  *error)
{
  g_autoptr(GQueue) kept = g_queue_new ();
  g_autofree char *message = g_strdup_printf ("The server could not store this batch (%s); "
                                              "nothing of it was applied, send it again",
                                              error->message);
  GHashTableIter iter;
  gpointer value;
  Unflushed *u;

  g_warning ("Session %s: %s; back to seq %" G_GUINT64_FORMAT, session->id, error->message,
             session->durable_seq);
  g_object_unref (session->project);
  session->project = _tandem_session_copy_project (session->durable_project);
  session->seq = session->durable_seq;
  g_hash_table_iter_init (&iter, session->clients);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    ((TandemClientRecord *) value)->cseq = ((TandemClientRecord *) value)->durable_cseq;
  /* Claims stay: their clients are connected with them; they go with the
   * next flush. */
  while ((u = g_queue_pop_head (&session->unflushed)))
    {
      if (u->seq == 0 || u->replicated)
        g_queue_push_tail (kept, u);
      else
        _tandem_unflushed_free (u);
    }
  while ((u = g_queue_pop_head (kept)))
    g_queue_push_tail (&session->unflushed, u);
  for (GList *l = session->outbox.head; l; l = l->next)
    {
      OutboxEntry *entry = l->data;

      if (entry->seq > session->durable_seq)
        {
          g_free (entry->text);
          entry->text = tandem_message_reject (entry->cseq, TANDEM_CODE_STORAGE, message);
          entry->target = g_steal_pointer (&entry->author);
          entry->seq = 0;
        }
    }
}

void
_tandem_session_flush_done (TandemSession *session,
                            guint          n_done,
                            const GError  *error)
{
  gboolean retry = FALSE;

  /* On error, only records that were already in the shared log can be done. */
  for (guint i = 0; i < n_done; i++)
    {
      g_autoptr(GError) local_error = NULL;
      Unflushed *u = g_queue_pop_head (&session->unflushed);
      TandemClientRecord *record = _tandem_session_get_client (session, u->client_id);

      if (u->replicated)
        ;   /* applied when the tail brought it */
      else if (u->note)
            _tandem_session_history_note_durable (session, u->text);
      else if (u->seq == 0)
        {
          record->secret_durable = TRUE;
          record->claim_queued = FALSE;
        }
      else
        {
          if (!tandem_project_apply (session->durable_project, u->batch, NULL, &local_error))
            g_error ("Session %s: batch %" G_GUINT64_FORMAT " does not apply twice: %s",
                     session->id, u->seq, local_error->message);
          session->durable_seq = u->seq;
          record->durable_cseq = MAX (record->durable_cseq, u->cseq);
          g_ptr_array_add (session->records, g_steal_pointer (&u->text));
        }
      _tandem_unflushed_free (u);
    }
  _tandem_session_trim_records (session);
  if (error == NULL)
    session->conflicts = 0;
  else if (_tandem_session_claim_refused (session, error))
    retry = TRUE;
  else if (!_tandem_session_fell_behind (session, error))
    _tandem_session_roll_back (session, error);
  drain_outbox (session);
  /* What the other nodes wrote while this flush ran comes before the next group. */
  _tandem_session_process_remote (session);
  /* The next group: whatever was accepted while this flush ran. */
  if (session->job == NULL && session->unflushed.length > 0 && (error == NULL || retry))
    _tandem_session_flush_start (session);
  drain_outbox (session);
}

void
_tandem_session_flush (TandemSession *session)
{
  if (session->commit_source)
    {
      g_source_destroy (session->commit_source);
      g_clear_pointer (&session->commit_source, g_source_unref);
    }
  /* A successful flush starts the next group by itself; a refused one does
   * not, so the rest gets one more try here. */
  while (session->job)
    _tandem_session_flush_wait (session);
  if (session->unflushed.length > 0)
    {
      _tandem_session_flush_start (session);
      while (session->job)
        _tandem_session_flush_wait (session);
    }
  drain_outbox (session);
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
  _tandem_peer_add_presence_members (b, peer);
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

  /* Only what is synced: a batch still in flight may yet be refused. */
  resume = last_seq >= 0 && (guint64) last_seq >= session->base_seq
           && (guint64) last_seq <= session->durable_seq
           && session->durable_seq - (guint64) last_seq <= limits->max_catchup;

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
  json_builder_add_int_value (b, resume ? last_seq : (gint64) session->durable_seq);
  json_builder_set_member_name (b, "head");
  json_builder_add_int_value (b, (gint64) session->durable_seq);
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
  json_builder_set_member_name (b, "max_behind_ms");
  json_builder_add_int_value (b, limits->max_behind_ms);
  json_builder_set_member_name (b, "max_outbound_bytes");
  json_builder_add_int_value (b, limits->max_outbound_bytes);
  json_builder_set_member_name (b, "idle_timeout_ms");
  json_builder_add_int_value (b, limits->idle_timeout_ms);
  json_builder_end_object (b);
  json_builder_set_member_name (b, "participants");
  json_builder_begin_array (b);
  for (guint i = 0; i < session->peers->len; i++)
    if (session->peers->pdata[i] != peer)
      add_participant (b, session->peers->pdata[i]);
  _tandem_session_add_remote_participants (session, b);
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
      for (guint64 s = last_seq + 1; s <= session->durable_seq; s++)
        {
          if (s > (guint64) last_seq + 1)
            g_string_append_c (text, ',');
          g_string_append (text, session->records->pdata[s - session->base_seq - 1]);
        }
      g_string_append (text, "]}");
    }
  else
    {
      g_autofree char *project = tandem_project_to_string (session->durable_project);

      g_string_append (text, ",\"snapshot\":");
      g_string_append (text, project);
      g_string_append_c (text, '}');
    }
  return g_string_free (text, FALSE);
}
