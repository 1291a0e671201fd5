/* test-session-history.c — a session's history: kept, summarized, replayed, restored
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-sync-test"

#include "config.h"

#include <string.h>

#include "sync-test-utils.h"

/* Quick compactions, so that a short session crosses many snapshots, and
 * budgets that let a test submit quickly. */
static void
history_limits (TandemServerLimits *limits)
{
  tandem_server_limits_init_defaults (limits);
  limits->snapshot_every = 16;
  limits->max_ops_per_second = 5000;
  limits->ops_burst = 5000;
  limits->max_messages_per_second = 5000;
}

static TandemSyncClient *
join_named (guint16         port,
            SyncTestServer *ts,
            TandemRole      role,
            const char     *name)
{
  TandemSyncClient *client = sync_test_client_new ();
  g_autoptr(TandemInvite) invite = tandem_invite_new ("127.0.0.1", port, ts->session_id,
                                                      ts->tokens[role]);
  g_autofree char *link = tandem_invite_to_link (invite);
  g_autoptr(GError) error = NULL;

  if (name)
    tandem_sync_client_set_display_name (client, name);
  g_assert_true (tandem_sync_client_connect (client, link, &error));
  g_assert_no_error (error);
  g_assert_true (sync_test_wait_live (client));
  return client;
}

/* What a replica holds after each batch: the independent replay. */
static void
record_state (TandemSyncClient *client,
              guint64           seq,
              const char       *client_id,
              guint64           cseq,
              GPtrArray        *states)
{
  while (states->len <= seq)
    g_ptr_array_add (states, NULL);
  g_free (states->pdata[seq]);
  states->pdata[seq] = tandem_project_to_string (tandem_sync_client_get_project (client));
}

typedef struct
{
  gboolean   done;
  GObject   *result_object; /* TandemProject */
  JsonObject *summary;
  GError    *error;
} Answer;

static void
answer_clear (Answer *a)
{
  g_clear_object (&a->result_object);
  g_clear_pointer (&a->summary, json_object_unref);
  g_clear_error (&a->error);
  a->done = FALSE;
}

static void
project_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      data)
{
  Answer *a = data;

  a->result_object = G_OBJECT (tandem_sync_client_history_project_finish (TANDEM_SYNC_CLIENT (source),
                                                                          result, &a->error));
  a->done = TRUE;
}

static void
summary_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      data)
{
  Answer *a = data;

  a->summary = tandem_sync_client_history_summary_finish (TANDEM_SYNC_CLIENT (source), result,
                                                          &a->error);
  a->done = TRUE;
}

static gboolean
answered (gpointer data)
{
  return ((Answer *) data)->done;
}

/* The project at @seq, or NULL with @error set. */
static TandemProject *
fetch_project (TandemSyncClient *client,
               guint64           seq,
               GError          **error)
{
  Answer a = { 0 };

  for (;;)
    {
      tandem_sync_client_history_project_async (client, seq, NULL, project_cb, &a);
      g_assert_true (sync_test_wait (answered, &a, 10000));
      /* The per-client budget is part of the protocol: wait and ask again. */
      if (a.error && strstr (a.error->message, TANDEM_CODE_RATE_LIMITED))
        {
          answer_clear (&a);
          sync_test_spin (300);
          continue;
        }
      break;
    }
  if (a.error)
    {
      g_propagate_error (error, g_steal_pointer (&a.error));
      answer_clear (&a);
      return NULL;
    }
  return TANDEM_PROJECT (g_steal_pointer (&a.result_object));
}

static JsonObject *
fetch_summary (TandemSyncClient *client,
               guint64           before)
{
  Answer a = { 0 };
  JsonObject *out;

  tandem_sync_client_history_summary_async (client, before, 0, NULL, summary_cb, &a);
  g_assert_true (sync_test_wait (answered, &a, 10000));
  g_assert_no_error (a.error);
  out = g_steal_pointer (&a.summary);
  answer_clear (&a);
  return out;
}

static void
submit_random (TandemSyncClient *client,
               GRand            *rand,
               guint             n)
{
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(TandemOp) op = sync_test_random_op (tandem_sync_client_get_project (client), rand);
      g_autoptr(GError) error = NULL;

      g_assert_true (tandem_sync_client_submit (client, op, &error));
      g_assert_no_error (error);
    }
}

static void
assert_matches_replay (TandemSyncClient *client,
                       GPtrArray        *states,
                       GRand            *rand,
                       guint             n_checks)
{
  for (guint i = 0; i < n_checks; i++)
    {
      guint64 seq = i == 0 ? states->len - 1 : (guint64) g_rand_int_range (rand, 0, states->len);
      g_autoptr(GError) error = NULL;
      g_autoptr(TandemProject) past = fetch_project (client, seq, &error);
      g_autofree char *text = NULL;

      g_assert_no_error (error);
      text = tandem_project_to_string (past);
      g_assert_nonnull (states->pdata[seq]);
      g_assert_cmpstr (text, ==, states->pdata[seq]);
    }
}

static void
batches_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      data)
{
  JsonArray **out = data;

  *out = tandem_sync_client_history_batches_finish (TANDEM_SYNC_CLIENT (source), result, NULL);
  if (*out == NULL)
    *out = json_array_new ();
}

static gboolean
array_set (gpointer data)
{
  return *(JsonArray **) data != NULL;
}

/* Replaying the journal's batches on the project at a seq gives the state
 * at any later seq: what "Replay" shows. */
static void
assert_batches_replay (TandemSyncClient *client,
                       GPtrArray        *states,
                       guint64           from,
                       guint64           to)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TandemProject) project = fetch_project (client, from, &error);
  g_autoptr(JsonArray) batches = NULL;
  g_autofree char *text = NULL;

  g_assert_no_error (error);
  tandem_sync_client_history_batches_async (client, from, (guint) (to - from), NULL, batches_cb,
                                            &batches);
  g_assert_true (sync_test_wait (array_set, &batches, 10000));
  g_assert_cmpuint (json_array_get_length (batches), ==, to - from);
  for (guint i = 0; i < json_array_get_length (batches); i++)
    {
      JsonObject *b = json_array_get_object_element (batches, i);
      JsonArray *ops = json_object_get_array_member (b, "ops");
      g_autoptr(TandemOp) batch = tandem_op_new_batch ();

      g_assert_cmpint (json_object_get_int_member (b, "seq"), ==, from + 1 + i);
      g_assert_cmpint (json_object_get_int_member (b, "time"), >, 0);
      for (guint k = 0; k < json_array_get_length (ops); k++)
        tandem_op_batch_add (batch, tandem_op_from_json (json_array_get_element (ops, k), NULL));
      g_assert_true (tandem_project_apply (project, batch, NULL, NULL));
    }
  text = tandem_project_to_string (project);
  g_assert_cmpstr (text, ==, states->pdata[to]);
}

static void
test_project_at_seq (void)
{
  TandemServerLimits limits;
  SyncTestServer *ts;
  g_autoptr(TandemSyncClient) editor = NULL;
  g_autoptr(TandemSyncClient) watcher = NULL;
  g_autoptr(TandemSyncClient) again = NULL;
  g_autoptr(TandemSessionServer) restarted = NULL;
  g_autoptr(GPtrArray) states = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;
  GRand *rand = g_rand_new_with_seed (g_test_rand_int ());
  g_autofree char *history_dir = NULL;

  history_limits (&limits);
  ts = sync_test_server_new (&limits, TRUE);
  editor = join_named (ts->port, ts, TANDEM_ROLE_EDITOR, "Ada");
  watcher = join_named (ts->port, ts, TANDEM_ROLE_VIEWER, NULL);
  g_ptr_array_add (states, tandem_project_to_string (tandem_sync_client_get_project (watcher)));
  g_signal_connect (watcher, "batch-received", G_CALLBACK (record_state), states);

  /* A long session in bursts, each confirmed before the next. */
  for (guint round = 0; round < 12; round++)
    {
      TandemSyncClient *both[] = { editor, watcher };

      submit_random (editor, rand, 25);
      g_assert_true (sync_test_wait_converged (ts, both, 2, 20000));
    }
  g_assert_cmpuint (states->len - 1, ==, tandem_session_server_get_seq (ts->server, ts->session_id));
  g_assert_cmpuint (states->len, >, 250);

  /* Compaction kept every snapshot: many of them, each a base for replay. */
  history_dir = g_build_filename (ts->data_dir, "sessions", ts->session_id, "history", NULL);
  g_assert_true (g_file_test (history_dir, G_FILE_TEST_IS_DIR));
  {
    g_autoptr(GDir) d = g_dir_open (history_dir, 0, NULL);
    guint n_snapshots = 0;
    const char *name;

    while (d && (name = g_dir_read_name (d)))
      n_snapshots += g_str_has_prefix (name, "snapshot-");
    g_assert_cmpuint (n_snapshots, >, 10);
  }

  assert_matches_replay (editor, states, rand, 24);
  /* A viewer may read the history too. */
  assert_matches_replay (watcher, states, rand, 4);
  /* The batches themselves, across several snapshots. */
  assert_batches_replay (watcher, states, 5, states->len - 1);

  /* After a restart, the same answers from disk. */
  tandem_sync_client_disconnect (editor);
  tandem_sync_client_disconnect (watcher);
  sync_test_server_shutdown (ts->server);
  restarted = tandem_session_server_new (ts->data_dir, &error);
  g_assert_no_error (error);
  tandem_session_server_set_limits (restarted, &limits);
  tandem_session_server_listen (restarted, "127.0.0.1", 0, &error);
  g_assert_no_error (error);
  again = join_named (tandem_session_server_get_port (restarted), ts, TANDEM_ROLE_EDITOR, "Ada");
  assert_matches_replay (again, states, rand, 12);

  tandem_sync_client_disconnect (again);
  sync_test_server_shutdown (restarted);
  g_rand_free (rand);
  sync_test_server_free (ts);
}

static guint
count_edits_of (JsonObject *summary,
                const char *name)
{
  JsonArray *groups = json_object_get_array_member (summary, "groups");
  guint n = 0;

  for (guint i = 0; i < json_array_get_length (groups); i++)
    {
      JsonObject *g = json_array_get_object_element (groups, i);

      if (g_strcmp0 (json_object_get_string_member (g, "name"), name) == 0)
        n += json_object_get_int_member (g, "edits");
    }
  return n;
}

static void
test_summary_by_person (void)
{
  TandemServerLimits limits;
  SyncTestServer *ts;
  g_autoptr(TandemSyncClient) ada = NULL;
  g_autoptr(TandemSyncClient) bob = NULL;
  g_autoptr(JsonObject) summary = NULL;
  GRand *rand = g_rand_new_with_seed (3);
  TandemSyncClient *both[2];
  JsonArray *groups;
  gint64 now_ms = g_get_real_time () / 1000;

  history_limits (&limits);
  ts = sync_test_server_new (&limits, TRUE);
  ada = join_named (ts->port, ts, TANDEM_ROLE_EDITOR, "Ada");
  bob = join_named (ts->port, ts, TANDEM_ROLE_EDITOR, "Bob");
  both[0] = ada;
  both[1] = bob;
  submit_random (ada, rand, 30);
  g_assert_true (sync_test_wait_converged (ts, both, 2, 20000));
  submit_random (bob, rand, 12);
  g_assert_true (sync_test_wait_converged (ts, both, 2, 20000));

  summary = fetch_summary (bob, 0);
  groups = json_object_get_array_member (summary, "groups");
  g_assert_cmpuint (json_array_get_length (groups), >=, 2);
  /* Newest first: Bob's edits, then Ada's, each with its name and time. */
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (groups, 0), "name"),
                   ==, "Bob");
  g_assert_cmpuint (count_edits_of (summary, "Ada"), ==, 30);
  g_assert_cmpuint (count_edits_of (summary, "Bob"), ==, 12);
  g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (groups, 0), "time"),
                   >=, now_ms - 60000);
  g_assert_cmpint (json_object_get_int_member (summary, "head"), ==, 42);
  g_assert_cmpint (json_object_get_int_member (summary, "next"), ==, 0);

  tandem_sync_client_disconnect (ada);
  tandem_sync_client_disconnect (bob);
  g_rand_free (rand);
  sync_test_server_free (ts);
}

static void
on_save_point (TandemSyncClient *client,
               guint64           at,
               const char       *name,
               const char       *author,
               GPtrArray        *names)
{
  g_ptr_array_add (names, g_strdup_printf ("%s@%" G_GUINT64_FORMAT " by %s", name, at, author));
}

static gboolean
has_items (gpointer data)
{
  return ((GPtrArray *) data)->len > 0;
}

static void
test_save_points_survive_restart (void)
{
  TandemServerLimits limits;
  SyncTestServer *ts;
  g_autoptr(TandemSyncClient) ada = NULL;
  g_autoptr(TandemSyncClient) viewer = NULL;
  g_autoptr(TandemSyncClient) again = NULL;
  g_autoptr(TandemSessionServer) restarted = NULL;
  g_autoptr(GPtrArray) seen = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(JsonObject) summary = NULL;
  g_autoptr(GError) error = NULL;
  GRand *rand = g_rand_new_with_seed (5);
  TandemSyncClient *one[1];
  JsonArray *points;

  history_limits (&limits);
  ts = sync_test_server_new (&limits, TRUE);
  ada = join_named (ts->port, ts, TANDEM_ROLE_EDITOR, "Ada");
  viewer = join_named (ts->port, ts, TANDEM_ROLE_VIEWER, "Vi");
  one[0] = ada;
  submit_random (ada, rand, 10);
  g_assert_true (sync_test_wait_converged (ts, one, 1, 20000));
  g_signal_connect (viewer, "save-point-added", G_CALLBACK (on_save_point), seen);
  g_assert_true (tandem_sync_client_add_save_point (ada, "First chorus", &error));
  g_assert_no_error (error);
  g_assert_true (sync_test_wait (has_items, seen, 10000));
  g_assert_cmpstr (seen->pdata[0], ==, "First chorus@10 by Ada");
  /* Past a compaction or two, then a restart. */
  submit_random (ada, rand, 40);
  g_assert_true (sync_test_wait_converged (ts, one, 1, 20000));

  tandem_sync_client_disconnect (ada);
  tandem_sync_client_disconnect (viewer);
  sync_test_server_shutdown (ts->server);
  restarted = tandem_session_server_new (ts->data_dir, &error);
  g_assert_no_error (error);
  tandem_session_server_listen (restarted, "127.0.0.1", 0, &error);
  g_assert_no_error (error);
  again = join_named (tandem_session_server_get_port (restarted), ts, TANDEM_ROLE_VIEWER, NULL);
  summary = fetch_summary (again, 0);
  points = json_object_get_array_member (summary, "save_points");
  g_assert_cmpuint (json_array_get_length (points), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (points, 0), "name"),
                   ==, "First chorus");
  g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (points, 0), "at"),
                   ==, 10);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (points, 0), "author"),
                   ==, "Ada");

  tandem_sync_client_disconnect (again);
  sync_test_server_shutdown (restarted);
  g_rand_free (rand);
  sync_test_server_free (ts);
}

static gboolean
holds_project (gpointer data)
{
  gpointer *pair = data;
  g_autofree char *text = tandem_project_to_string (tandem_sync_client_get_project (pair[0]));

  return tandem_sync_client_get_n_pending (pair[0]) == 0 && g_str_equal (text, pair[1]);
}

static void
on_error (TandemSyncClient *client,
          const char       *code,
          const char       *message,
          GPtrArray        *codes)
{
  g_ptr_array_add (codes, g_strdup (code));
}

static void
test_restore_one_op_undo (void)
{
  TandemServerLimits limits;
  SyncTestServer *ts;
  g_autoptr(TandemProject) local = tandem_project_new ();
  g_autoptr(TandemHistory) history = tandem_history_new (local);
  g_autoptr(TandemSyncClient) ada = tandem_sync_client_new (local, history);
  g_autoptr(TandemSyncClient) bob = NULL;
  g_autoptr(TandemSyncClient) viewer = NULL;
  g_autoptr(TandemProject) past = NULL;
  g_autoptr(TandemProject) seen_by_viewer = NULL;
  g_autoptr(GPtrArray) codes = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;
  g_autofree char *link = NULL;
  g_autofree char *past_text = NULL;
  g_autofree char *before_restore = NULL;
  g_autofree char *after_restore = NULL;
  g_autofree char *fork_id = NULL;
  g_autofree char *fork_text = NULL;
  char *fork_tokens[TANDEM_N_ROLES] = { NULL };
  g_autoptr(JsonNode) past_json = NULL;
  GRand *rand = g_rand_new_with_seed (11);
  TandemSyncClient *all[3];
  gpointer pair[2];
  guint64 seq_before;

  history_limits (&limits);
  ts = sync_test_server_new (&limits, TRUE);
  tandem_sync_client_set_heartbeat (ada, 200, 2000);
  tandem_sync_client_set_display_name (ada, "Ada");
  link = sync_test_server_invite (ts, TANDEM_ROLE_EDITOR);
  g_assert_true (tandem_sync_client_connect (ada, link, &error));
  g_assert_no_error (error);
  g_assert_true (sync_test_wait_live (ada));
  bob = join_named (ts->port, ts, TANDEM_ROLE_EDITOR, "Bob");
  viewer = join_named (ts->port, ts, TANDEM_ROLE_VIEWER, NULL);
  all[0] = ada;
  all[1] = bob;
  all[2] = viewer;
  submit_random (bob, rand, 40);
  g_assert_true (sync_test_wait_converged (ts, all, 3, 20000));
  past_text = sync_test_server_project (ts);
  seq_before = tandem_session_server_get_seq (ts->server, ts->session_id);
  submit_random (bob, rand, 60);
  g_assert_true (sync_test_wait_converged (ts, all, 3, 20000));

  /* A viewer can read a version, but not restore it. */
  seen_by_viewer = fetch_project (viewer, seq_before, &error);
  g_assert_no_error (error);
  g_assert_false (tandem_sync_client_restore (viewer, seen_by_viewer, &error));
  g_assert_error (error, TANDEM_SYNC_ERROR, TANDEM_SYNC_ERROR_REMOTE);
  g_clear_error (&error);
  g_signal_connect (viewer, "error", G_CALLBACK (on_error), codes);
  g_assert_true (tandem_sync_client_add_save_point (viewer, "Mine", &error));
  g_assert_true (sync_test_wait (has_items, codes, 10000));
  g_assert_cmpstr (codes->pdata[0], ==, TANDEM_CODE_FORBIDDEN);

  /* The editor restores: one op, one seq, and everyone holds the old state. */
  past = fetch_project (ada, seq_before, &error);
  g_assert_no_error (error);
  before_restore = sync_test_server_project (ts);
  g_assert_cmpstr (before_restore, !=, past_text);
  seq_before = tandem_session_server_get_seq (ts->server, ts->session_id);
  g_assert_true (tandem_sync_client_restore (ada, past, &error));
  g_assert_no_error (error);
  g_assert_true (sync_test_wait_converged (ts, all, 3, 20000));
  g_assert_cmpuint (tandem_session_server_get_seq (ts->server, ts->session_id), ==, seq_before + 1);
  after_restore = sync_test_server_project (ts);
  g_assert_cmpstr (after_restore, ==, past_text);
  pair[0] = bob;
  pair[1] = past_text;
  g_assert_true (sync_test_wait (holds_project, pair, 10000));

  /* Its author undoes it like any edit. */
  g_assert_true (tandem_history_can_undo (history));
  g_assert_true (tandem_history_undo (history, &error));
  g_assert_no_error (error);
  g_assert_true (sync_test_wait_converged (ts, all, 3, 20000));
  g_clear_pointer (&after_restore, g_free);
  after_restore = sync_test_server_project (ts);
  g_assert_cmpstr (after_restore, ==, before_restore);

  /* A new session from that moment starts as it was. */
  past_json = tandem_project_to_json (past);
  fork_id = tandem_session_server_create_session (ts->server, past_json, fork_tokens, &error);
  g_assert_no_error (error);
  fork_text = tandem_session_server_dup_project_string (ts->server, fork_id);
  g_assert_cmpstr (fork_text, ==, past_text);
  for (guint r = 0; r < TANDEM_N_ROLES; r++)
    g_free (fork_tokens[r]);

  tandem_sync_client_disconnect (ada);
  tandem_sync_client_disconnect (bob);
  tandem_sync_client_disconnect (viewer);
  g_rand_free (rand);
  sync_test_server_free (ts);
}

static void
test_retention (void)
{
  TandemServerLimits limits;
  SyncTestServer *ts;
  g_autoptr(TandemSyncClient) ada = NULL;
  g_autoptr(TandemProject) gone = NULL;
  g_autoptr(TandemProject) kept = NULL;
  g_autoptr(JsonObject) summary = NULL;
  g_autoptr(GError) error = NULL;
  GRand *rand = g_rand_new_with_seed (13);
  TandemSyncClient *one[1];
  guint64 head, oldest;

  history_limits (&limits);
  limits.snapshot_every = 8;
  ts = sync_test_server_new (&limits, TRUE);
  /* Room for a few snapshots of the demo project only. */
  tandem_session_server_set_history_retention (ts->server, 64 * 1024, 0);
  ada = join_named (ts->port, ts, TANDEM_ROLE_EDITOR, "Ada");
  one[0] = ada;
  for (guint round = 0; round < 10; round++)
    {
      submit_random (ada, rand, 20);
      g_assert_true (sync_test_wait_converged (ts, one, 1, 20000));
    }
  head = tandem_session_server_get_seq (ts->server, ts->session_id);

  summary = fetch_summary (ada, 0);
  oldest = json_object_get_int_member (summary, "oldest");
  g_assert_cmpuint (oldest, >, 0);
  g_assert_cmpuint (oldest, <, head);
  /* Before the oldest kept state: a clear refusal. */
  gone = fetch_project (ada, 1, &error);
  g_assert_null (gone);
  g_assert_error (error, TANDEM_SYNC_ERROR, TANDEM_SYNC_ERROR_REMOTE);
  g_assert_true (g_str_has_prefix (error->message, TANDEM_CODE_HISTORY_GONE));
  g_clear_error (&error);
  /* From it on, everything is there. */
  kept = fetch_project (ada, oldest, &error);
  g_assert_no_error (error);
  g_assert_nonnull (kept);

  tandem_sync_client_disconnect (ada);
  g_rand_free (rand);
  sync_test_server_free (ts);
}

/* The reader straight on a folder: a journal written by an older server
 * (records without "time") still replays and summarizes. */
static void
test_untimed_records (void)
{
  g_autofree char *dir = sync_test_make_tmpdir ();
  g_autoptr(TandemJournal) journal = NULL;
  g_autoptr(TandemProject) project = tandem_project_new_demo ();
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) snapshot = NULL;
  g_autoptr(JsonNode) summary = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *text = NULL;
  GRand *rand = g_rand_new_with_seed (17);

  journal = tandem_journal_open (dir, &error);
  g_assert_no_error (error);
  tandem_journal_set_fsync (journal, FALSE);
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "format");
  json_builder_add_string_value (b, "tandem-snapshot");
  json_builder_set_member_name (b, "version");
  json_builder_add_int_value (b, 1);
  json_builder_set_member_name (b, "seq");
  json_builder_add_int_value (b, 0);
  json_builder_set_member_name (b, "project");
  json_builder_add_value (b, tandem_project_to_json (project));
  json_builder_end_object (b);
  snapshot = json_builder_get_root (b);
  g_assert_true (tandem_journal_write_snapshot (journal, snapshot, &error));
  for (guint seq = 1; seq <= 20; seq++)
    {
      g_autoptr(TandemOp) op = sync_test_random_op (project, rand);
      g_autoptr(JsonNode) ops = json_node_new (JSON_NODE_ARRAY);
      g_autofree char *record = NULL;

      json_node_take_array (ops, json_array_new ());
      json_array_add_element (json_node_get_array (ops), tandem_op_to_json (op));
      g_assert_true (tandem_project_apply (project, op, NULL, NULL));
      record = tandem_message_batch (seq, "old-client", seq, ops);
      g_assert_true (tandem_journal_append (journal, record, &error));
    }
  g_assert_true (tandem_journal_sync (journal, &error));
  expected = tandem_project_to_string (project);
  text = tandem_history_project_at (dir, 20, 20, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (text, ==, expected);
  summary = tandem_history_summary (dir, 0, 20, 10, 1000, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (
                     json_object_get_array_member (json_node_get_object (summary), "groups"), 0),
                     "edits"), ==, 20);
  g_rand_free (rand);
  sync_test_rm_rf (dir);
}

int
main (int   argc,
      char *argv[])
{
  sync_test_init (&argc, &argv);
  g_test_add_func ("/sync/history/project-at-seq", test_project_at_seq);
  g_test_add_func ("/sync/history/summary-by-person", test_summary_by_person);
  g_test_add_func ("/sync/history/save-points-survive-restart", test_save_points_survive_restart);
  g_test_add_func ("/sync/history/restore-one-op-undo", test_restore_one_op_undo);
  g_test_add_func ("/sync/history/retention", test_retention);
  g_test_add_func ("/sync/history/untimed-records", test_untimed_records);
  return g_test_run ();
}
