/* tandem-session-remote.c — applying what other nodes wrote to the session's shared log
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-sync"

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "tandem-history-read.h"
#include "tandem-session-server-private.h"

/*
 * With --cluster, every node with clients in a session follows its shared
 * log (tandem-cluster-tail.c) and applies each entry in order, as its own
 * flush would: to the replica, then to the local journal (as "replicated"
 * records, which go to the journal only), then to this node's clients.
 * Validation is deterministic, so a batch the author's node accepted
 * applies here too. The node's own entries are recognised by their seq
 * (batches it holds already) or their node tag (claims and notes).
 *
 * Batches this node accepted but could not append yet (the log was ahead)
 * wait; once the tail has brought the node up to the log, they are
 * validated again against the new state in their order, given new seqs,
 * and flushed again. The author's (client id, cseq) keeps them from being
 * appended twice, here and in the log's script.
 */

/* How long a hello waits for the tail to catch up before it goes on with
 * the state this node has (Redis slow or away: better a stale welcome,
 * followed by the batches, than none). Well below the hello timeout. */
#define HOLD_HELLO_MS        2000

/* Refused flushes in a row before the batches are refused. */
#define MAX_CONFLICTS        8
/* How long a refused flush waits for the tail to catch up. */
#define CATCH_UP_TIMEOUT_MS  10000

void
_tandem_session_follow (TandemSession *session)
{
  TandemSessionServer *server = session->server;
  gboolean want = (session->peers->len > 0
                   || (session->held_hellos != NULL && session->held_hellos->len > 0))
                  && !server->shut_down;

  if (server->tail_start == NULL)
    return;
  if (want && session->tail == NULL)
    {
      session->tail_current = FALSE;
      session->tail = server->tail_start (session, server->tail_data);
    }
  else if (!want && session->tail != NULL)
    {
      server->tail_stop (g_steal_pointer (&session->tail));
      session->tail_current = FALSE;
    }
}

static void
release_held (TandemSession *session)
{
  g_autoptr(GPtrArray) held = g_steal_pointer (&session->held_hellos);

  if (session->hold_source != NULL)
    {
      g_source_destroy (session->hold_source);
      g_clear_pointer (&session->hold_source, g_source_unref);
    }
  for (guint i = 0; held != NULL && i < held->len; i++)
    {
      TandemPeer *peer = held->pdata[i];
      g_autoptr(JsonObject) msg = g_steal_pointer (&peer->held_hello);

      peer->held_in = NULL;
      peer->hello_released = TRUE;
      if (!peer->closing && msg != NULL)
        _tandem_peer_release_hello (peer, msg);
    }
  _tandem_session_follow (session);
}

static gboolean
hold_timeout_cb (gpointer data)
{
  TandemSession *session = data;

  g_debug ("Session %s: welcoming before catching up with the shared log", session->id);
  release_held (session);
  return G_SOURCE_REMOVE;
}

gboolean
_tandem_session_hold_hello (TandemSession *session,
                            TandemPeer    *peer,
                            JsonObject    *msg)
{
  TandemSessionServer *server = session->server;

  if (server->tail_start == NULL || session->tail_current || peer->hello_released
      || peer->held_hello != NULL)
    return FALSE;
  if (session->held_hellos == NULL)
    session->held_hellos = g_ptr_array_new ();
  peer->held_hello = json_object_ref (msg);
  peer->held_in = session;
  g_ptr_array_add (session->held_hellos, peer);
  if (session->hold_source == NULL)
    session->hold_source = _tandem_server_add_timeout (server, HOLD_HELLO_MS, hold_timeout_cb,
                                                       session);
  _tandem_session_follow (session);
  /* A tail that could not start will never catch up. */
  if (session->tail == NULL)
    {
      release_held (session);
      return TRUE;
    }
  return TRUE;
}

void
_tandem_session_caught_up (TandemSession *session)
{
  session->tail_current = TRUE;
  if (session->held_hellos != NULL)
    release_held (session);
}

void
_tandem_peer_drop_held_hello (TandemPeer *peer)
{
  if (peer->held_in != NULL && peer->held_in->held_hellos != NULL)
    g_ptr_array_remove (peer->held_in->held_hellos, peer);
  peer->held_in = NULL;
  g_clear_pointer (&peer->held_hello, json_object_unref);
}

static void
stop_waiting (TandemSession *session)
{
  session->behind = FALSE;
  if (session->behind_source)
    {
      g_source_destroy (session->behind_source);
      g_clear_pointer (&session->behind_source, g_source_unref);
    }
}

void
_tandem_session_remote_free (TandemSession *session)
{
  /* Whoever waits for this session to catch up is told to come again. */
  if (session->held_hellos != NULL)
    {
      g_autoptr(GPtrArray) held = g_steal_pointer (&session->held_hellos);

      for (guint i = 0; i < held->len; i++)
        {
          TandemPeer *peer = held->pdata[i];

          peer->held_in = NULL;
          g_clear_pointer (&peer->held_hello, json_object_unref);
          _tandem_peer_fail (peer, TANDEM_CODE_SESSION_UNAVAILABLE,
                             "The session is not available on this server now; try again",
                             TANDEM_CLOSE_TRY_AGAIN);
        }
    }
  if (session->hold_source != NULL)
    {
      g_source_destroy (session->hold_source);
      g_clear_pointer (&session->hold_source, g_source_unref);
    }
  if (session->tail)
    session->server->tail_stop (g_steal_pointer (&session->tail));
  stop_waiting (session);
  g_queue_clear_full (&session->remote_pending, _tandem_remote_record_free);
  g_clear_pointer (&session->tail_after_id, g_free);
  g_clear_pointer (&session->base_snapshot, json_node_unref);
}

/* Into the local journal with the next flush, ahead of this node's own. */
static void
queue_replicated (TandemSession *session,
                  const char    *text)
{
  TandemUnflushed *u = g_new0 (TandemUnflushed, 1);
  GList *l = session->unflushed.head;

  u->text = g_strdup (text);
  u->client_id = g_strdup ("");
  u->replicated = TRUE;
  while (l && ((TandemUnflushed *) l->data)->replicated)
    l = l->next;
  if (l)
    g_queue_insert_before (&session->unflushed, l, u);
  else
    g_queue_push_tail (&session->unflushed, u);
}

/* The log jumps past what this node holds: another node trimmed it at a
 * compaction while this one was not following. The snapshot stored with
 * that compaction is newer than the trimmed part, so the node starts over
 * from it: what waits is refused (its authors send it again), and its
 * clients reconnect to get the new state. */
static gboolean
jump_to_stored_snapshot (TandemSession *session,
                         guint64        next_seq)
{
  TandemSessionServer *server = session->server;
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) refusal = NULL;
  g_autoptr(JsonNode) snapshot = NULL;
  g_autoptr(TandemProject) project = NULL;
  JsonObject *snap;
  GHashTableIter iter;
  gpointer value;
  guint64 seq;

  if (server->fetch_snapshot != NULL)
    snapshot = server->fetch_snapshot (server, session->id, server->tail_data, &error);
  snap = snapshot ? json_node_get_object (snapshot) : NULL;
  seq = snap ? (guint64) json_object_get_int_member_with_default (snap, "seq", 0) : 0;
  if (snap && seq + 1 >= next_seq)
    project = tandem_project_new_from_json (json_object_get_member (snap, "project"), &error);
  if (project == NULL)
    {
      g_warning ("Session %s: the shared log jumps from seq %" G_GUINT64_FORMAT " to %"
                 G_GUINT64_FORMAT " and its stored snapshot does not fill the gap (%s)",
                 session->id, session->durable_seq, next_seq,
                 error ? error->message : "too old");
      return FALSE;
    }
  g_message ("Session %s: the shared log was trimmed past seq %" G_GUINT64_FORMAT
             "; starting again from its snapshot at %" G_GUINT64_FORMAT,
             session->id, session->durable_seq, seq);
  refusal = g_error_new (TANDEM_SYNC_ERROR, TANDEM_SYNC_ERROR_JOURNAL,
                         "the session moved on while this server was away");
  _tandem_session_roll_back (session, refusal);
  g_set_object (&session->durable_project, project);
  g_clear_object (&session->project);
  session->project = _tandem_session_copy_project (project);
  session->seq = session->durable_seq = session->base_seq = seq;
  g_ptr_array_set_size (session->records, 0);
  g_hash_table_iter_init (&iter, session->clients);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    ((TandemClientRecord *) value)->cseq = ((TandemClientRecord *) value)->durable_cseq = 0;
  if (json_object_has_member (snap, "clients")
      && JSON_NODE_HOLDS_OBJECT (json_object_get_member (snap, "clients")))
    {
      JsonObject *clients = json_object_get_object_member (snap, "clients");
      g_autoptr(GList) names = json_object_get_members (clients);

      for (GList *l = names; l; l = l->next)
        {
          TandemClientRecord *record = _tandem_session_get_client (session, l->data);

          record->cseq = record->durable_cseq
            = (guint64) json_object_get_int_member_with_default (clients, l->data, 0);
        }
    }
  if (json_object_has_member (snap, "secrets")
      && JSON_NODE_HOLDS_OBJECT (json_object_get_member (snap, "secrets")))
    {
      JsonObject *secrets = json_object_get_object_member (snap, "secrets");
      g_autoptr(GList) names = json_object_get_members (secrets);

      for (GList *l = names; l; l = l->next)
        {
          g_autoptr(JsonObject) claim = json_object_new ();

          json_object_set_string_member (claim, "client", l->data);
          json_object_set_string_member (claim, "secret_sha256",
                                         json_object_get_string_member_with_default (secrets,
                                                                                     l->data, ""));
          _tandem_session_replay_claim (session, claim, NULL);
        }
    }
  g_clear_pointer (&session->base_snapshot, json_node_unref);
  session->base_snapshot = json_node_ref (snapshot);
  /* Its clients hold the old state: they leave (once the records of this
   * delivery are applied) and come back to the new one. */
  session->jumped = TRUE;
  return TRUE;
}

/* One entry; @replica_too: no batch of this node waits, so the replica is
 * the durable state and moves with it. */
static void
apply_record (TandemSession      *session,
              TandemRemoteRecord *remote,
              gboolean            replica_too)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) obj = NULL;
  g_autoptr(TandemOp) batch = NULL;
  TandemClientRecord *record;
  const char *type, *client;
  gint64 cseq;

  if (remote->own && remote->seq == 0)
    return;
  if (remote->seq != 0 && remote->seq <= session->durable_seq)
    return;   /* this node's own batch, or one it took already */
  obj = tandem_message_parse_bounded (remote->text, strlen (remote->text),
                                      &tandem_json_limits_journal_record, &type, &error);
  if (obj == NULL)
    {
      g_warning ("Session %s: entry %s of the shared log is not a record: %s",
                 session->id, remote->id, error->message);
      return;
    }
  if (g_str_equal (type, "claim"))
    {
      if (!_tandem_session_replay_claim (session, obj, &error))
        g_warning ("Session %s: entry %s: %s", session->id, remote->id, error->message);
      else
        queue_replicated (session, remote->text);
      return;
    }
  if (tandem_journal_is_note_type (type))
    {
      if (g_str_equal (type, "author"))
        _tandem_session_history_replay_note (session, obj, type);
      else
        _tandem_session_history_note_durable (session, remote->text);
      queue_replicated (session, remote->text);
      return;
    }
  if (remote->seq != session->durable_seq + 1
      && !jump_to_stored_snapshot (session, remote->seq))
    return;
  if (remote->seq <= session->durable_seq)
    return;   /* in the snapshot */
  if (!tandem_message_get_string (obj, "client", &client)
      || !tandem_message_get_int (obj, "cseq", &cseq)
      || (batch = tandem_history_batch_from_record (obj, &error)) == NULL)
    {
      g_warning ("Session %s: batch %" G_GUINT64_FORMAT " of the shared log is malformed: %s",
                 session->id, remote->seq, error ? error->message : "no client or cseq");
      return;
    }
  /* The author's node accepted it against this same state: a failure here
   * means the replicas differ, which no later batch can repair. */
  if (!tandem_project_apply (session->durable_project, batch, NULL, &error))
    g_critical ("Session %s: batch %" G_GUINT64_FORMAT " of the shared log does not apply "
                "here: %s", session->id, remote->seq, error->message);
  if (replica_too)
    {
      g_autoptr(GError) replica_error = NULL;

      tandem_project_apply (session->project, batch, NULL, &replica_error);
      session->seq = remote->seq;
    }
  session->durable_seq = remote->seq;
  record = _tandem_session_get_client (session, client);
  record->durable_cseq = MAX (record->durable_cseq, (guint64) cseq);
  record->cseq = MAX (record->cseq, (guint64) cseq);
  g_ptr_array_add (session->records, g_strdup (remote->text));
  /* Durable already (in the shared log): everyone here sees it now, the
   * author too if it moved to this node. */
  for (guint i = session->peers->len; i > 0; i--)
    if (i <= session->peers->len)
      _tandem_peer_send_batch (session->peers->pdata[i - 1], remote->text, remote->seq);
  queue_replicated (session, remote->text);
}

static char *
renumber_text (const char *text,
               guint64     seq)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *obj;

  /* The server wrote it a moment ago. */
  if (!json_parser_load_from_data (parser, text, -1, NULL))
    g_assert_not_reached ();
  obj = json_node_get_object (json_parser_get_root (parser));
  json_object_set_int_member (obj, "seq", (gint64) seq);
  return json_to_string (json_parser_get_root (parser), FALSE);
}

/* The batches of this node that wait, again in order against the new
 * durable state, as a single node treats a batch based on an older seq. */
static void
rebase_waiting (TandemSession *session)
{
  GHashTableIter iter;
  gpointer value;
  GList *l;

  g_object_unref (session->project);
  session->project = _tandem_session_copy_project (session->durable_project);
  session->seq = session->durable_seq;
  g_hash_table_iter_init (&iter, session->clients);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    ((TandemClientRecord *) value)->cseq = ((TandemClientRecord *) value)->durable_cseq;

  l = session->unflushed.head;
  while (l)
    {
      GList *next = l->next;
      TandemUnflushed *u = l->data;
      TandemClientRecord *record;
      g_autofree char *reason = NULL;
      const char *code = NULL;

      if (u->replicated || u->seq == 0)
        {
          l = next;
          continue;
        }
      record = _tandem_session_get_client (session, u->client_id);
      if (u->cseq <= record->cseq)
        {
          /* Its author sent it through another node too (after a fail-over),
           * and that copy is in the log: this one goes. */
          g_autofree char *msg = g_strdup_printf ("Batch %" G_GUINT64_FORMAT
                                                  " was already processed", u->cseq);
          char *answer = tandem_message_submit_error (u->cseq, TANDEM_CODE_DUPLICATE, msg, -1);

          _tandem_session_outbox_answer (session, u->client_id, u->cseq, answer);
          _tandem_unflushed_free (u);
          g_queue_delete_link (&session->unflushed, l);
        }
      else if (!_tandem_session_apply_checked (session, u->batch, &code, &reason))
        {
          _tandem_session_outbox_answer (session, u->client_id, u->cseq,
                                         tandem_message_reject (u->cseq, code, reason));
          _tandem_unflushed_free (u);
          g_queue_delete_link (&session->unflushed, l);
        }
      else
        {
          char *text = renumber_text (u->text, ++session->seq);

          g_free (u->text);
          u->text = text;
          u->seq = session->seq;
          record->cseq = u->cseq;
          _tandem_session_outbox_renumber (session, u->client_id, u->cseq, u->seq, u->text);
        }
      l = next;
    }
}

void
_tandem_session_process_remote (TandemSession *session)
{
  gboolean waiting = FALSE;
  TandemRemoteRecord *remote;

  if (session->job != NULL || session->remote_pending.length == 0)
    return;
  /* Echoes of this node's flushed batches go out before anything newer. */
  _tandem_session_drain_outbox (session);
  for (GList *l = session->unflushed.head; l && !waiting; l = l->next)
    waiting = ((TandemUnflushed *) l->data)->seq != 0 && !((TandemUnflushed *) l->data)->replicated;
  while ((remote = g_queue_pop_head (&session->remote_pending)))
    {
      apply_record (session, remote, !waiting);
      _tandem_remote_record_free (remote);
    }
  if (waiting)
    {
      g_debug ("Session %s: validating this node's waiting batches again at seq %"
               G_GUINT64_FORMAT, session->id, session->durable_seq);
      rebase_waiting (session);
    }
  _tandem_session_trim_records (session);
  if (session->behind && session->durable_seq >= session->behind_seq)
    stop_waiting (session);
  _tandem_session_commit (session);
  if (session->jumped)
    {
      session->jumped = FALSE;
      for (guint i = session->peers->len; i > 0; i--)
        if (i <= session->peers->len)
          _tandem_peer_fail (session->peers->pdata[i - 1], TANDEM_CODE_SHUTDOWN,
                             "The session moved on while this server was away; connect again",
                             TANDEM_CLOSE_GOING_AWAY);
    }
}

void
_tandem_session_receive_remote (TandemSession *session,
                                GPtrArray     *records)
{
  for (guint i = 0; i < records->len; i++)
    {
      TandemRemoteRecord *remote = g_ptr_array_steal_index (records, i--);

      g_free (session->tail_after_id);
      session->tail_after_id = g_strdup (remote->id);
      g_queue_push_tail (&session->remote_pending, remote);
    }
  _tandem_session_process_remote (session);
}

static gboolean
give_up_cb (gpointer data)
{
  TandemSession *session = data;
  g_autoptr(GError) error = g_error_new (TANDEM_SYNC_ERROR, TANDEM_SYNC_ERROR_JOURNAL,
                                         "this node could not catch up with the other nodes "
                                         "writing this session");

  g_clear_pointer (&session->behind_source, g_source_unref);
  session->behind = FALSE;
  /* Refuses what waits, like any failed flush. */
  _tandem_session_flush_done (session, 0, error);
  return G_SOURCE_REMOVE;
}

gboolean
_tandem_session_fell_behind (TandemSession *session,
                             const GError  *error)
{
  const char *at;

  if (!g_error_matches (error, TANDEM_SYNC_ERROR, TANDEM_SYNC_ERROR_BEHIND)
      || session->tail == NULL)
    return FALSE;
  if (++session->conflicts > MAX_CONFLICTS)
    {
      g_warning ("Session %s: other nodes wrote ahead of this one %u times in a row",
                 session->id, MAX_CONFLICTS);
      session->conflicts = 0;
      return FALSE;
    }
  /* "… (stream at N, got M)" */
  at = strstr (error->message, "stream at ");
  session->behind_seq = at ? g_ascii_strtoull (at + strlen ("stream at "), NULL, 10)
                           : session->durable_seq + 1;
  /* Not behind at all: the log lost what this node holds (a Redis that
   * did not fsync), and waiting would not help. */
  if (session->behind_seq <= session->durable_seq && session->remote_pending.length == 0)
    return FALSE;
  session->behind = TRUE;
  g_debug ("Session %s: the shared log is at seq %" G_GUINT64_FORMAT ", this node at %"
           G_GUINT64_FORMAT "; catching up", session->id, session->behind_seq,
           session->durable_seq);
  if (session->behind_source == NULL)
    session->behind_source = _tandem_server_add_timeout (session->server, CATCH_UP_TIMEOUT_MS,
                                                         give_up_cb, session);
  return TRUE;
}

gboolean
_tandem_session_claim_refused (TandemSession *session,
                               const GError  *error)
{
  const char *client_id;
  TandemClientRecord *record;
  TandemPeer *peer;

  if (!g_error_matches (error, TANDEM_SYNC_ERROR, TANDEM_SYNC_ERROR_CLAIMED)
      || (client_id = strrchr (error->message, ' ')) == NULL)
    return FALSE;
  client_id++;
  g_warning ("Session %s: client id %s was claimed here with another secret than on another "
             "node; refused", session->id, client_id);
  _tandem_session_roll_back (session, error);
  for (GList *l = session->unflushed.head; l; l = l->next)
    {
      TandemUnflushed *u = l->data;

      if (u->seq == 0 && !u->note && !u->replicated && g_strcmp0 (u->client_id, client_id) == 0)
        {
          _tandem_unflushed_free (u);
          g_queue_delete_link (&session->unflushed, l);
          break;
        }
    }
  /* Until the other node's claim comes with the tail, the id is bound to
   * nothing here (its next hello claims it again, and is refused again). */
  record = _tandem_session_get_client (session, client_id);
  explicit_bzero (record->secret_hash, sizeof record->secret_hash);
  record->has_secret = record->secret_durable = record->claim_queued = FALSE;
  if ((peer = _tandem_session_find_peer (session, client_id)) != NULL)
    _tandem_peer_fail (peer, TANDEM_CODE_WRONG_SECRET,
                       "This client id is in use with another secret", TANDEM_CLOSE_WRONG_SECRET);
  return TRUE;
}
