/* test-server.c — clients and an in-process server end to end
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-sync-test"

#include "config.h"

#include <string.h>

#include "sync-test-utils.h"
#include "tandem-presence.h"

static char *
client_json (TandemSyncClient *client)
{
  return tandem_project_to_string (tandem_sync_client_get_project (client));
}

static void
assert_same_as_server (SyncTestServer   *ts,
                       TandemSyncClient *client)
{
  g_autofree char *a = sync_test_server_project (ts);
  g_autofree char *b = client_json (client);

  g_assert_cmpstr (a, ==, b);
}

static TandemSyncClient *
join (SyncTestServer *ts,
      TandemRole      role)
{
  TandemSyncClient *client = sync_test_client_new ();
  g_autofree char *invite = sync_test_server_invite (ts, role);
  g_autoptr(GError) error = NULL;

  g_assert_true (tandem_sync_client_connect (client, invite, &error));
  g_assert_no_error (error);
  g_assert_cmpint (tandem_sync_client_get_state (client), ==, TANDEM_SYNC_STATE_CONNECTING);
  g_assert_true (sync_test_wait_live (client));
  return client;
}

static const char *
first_track (TandemSyncClient *client)
{
  g_autoptr(TandemTrack) t = g_list_model_get_item (tandem_project_get_tracks (tandem_sync_client_get_project (client)), 0);

  return tandem_track_get_id (t);
}

static void
submit (TandemSyncClient *client,
        TandemOp         *op)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TandemOp) owned = op;

  g_assert_true (tandem_sync_client_submit (client, owned, &error));
  g_assert_no_error (error);
}

static gboolean
not_connecting (gpointer data)
{
  return tandem_sync_client_get_state (data) == TANDEM_SYNC_STATE_OFFLINE;
}

static void
test_join_snapshot (void)
{
  SyncTestServer *ts = sync_test_server_new (NULL, FALSE);
  g_autoptr(TandemSyncClient) a = join (ts, TANDEM_ROLE_EDITOR);

  /* A new joiner's empty project is replaced by the session's. */
  assert_same_as_server (ts, a);
  g_assert_cmpstr (tandem_sync_client_get_role (a), ==, "editor");
  g_assert_cmpuint (tandem_sync_client_get_seq (a), ==, 0);
  g_assert_cmpuint (tandem_session_server_get_n_clients (ts->server, ts->session_id), ==, 1);
  tandem_sync_client_disconnect (a);
  g_assert_cmpint (tandem_sync_client_get_state (a), ==, TANDEM_SYNC_STATE_OFFLINE);
  sync_test_server_free (ts);
}

static void
test_edit_propagates (void)
{
  SyncTestServer *ts = sync_test_server_new (NULL, FALSE);
  g_autoptr(TandemSyncClient) a = join (ts, TANDEM_ROLE_EDITOR);
  g_autoptr(TandemSyncClient) b = join (ts, TANDEM_ROLE_OWNER);
  TandemSyncClient *both[] = { a, b };
  g_autofree char *track = g_strdup (first_track (a));
  TandemTrack *tb;

  submit (a, tandem_op_new_set_double (TANDEM_ENTITY_TRACK, track, "volume", -12.5));
  /* Optimistic: visible locally at once, pending until echoed. */
  g_assert_cmpfloat (tandem_track_get_volume (tandem_project_find_track (tandem_sync_client_get_project (a), track)), ==, -12.5);
  g_assert_cmpuint (tandem_sync_client_get_n_pending (a), ==, 1);
  g_assert_true (sync_test_wait_converged (ts, both, 2, 10000));
  tb = tandem_project_find_track (tandem_sync_client_get_project (b), track);
  g_assert_cmpfloat (tandem_track_get_volume (tb), ==, -12.5);
  g_assert_cmpuint (tandem_session_server_get_seq (ts->server, ts->session_id), ==, 1);
  assert_same_as_server (ts, a);
  assert_same_as_server (ts, b);
  sync_test_server_free (ts);
}

static void
on_rejected (TandemSyncClient *client,
             TandemOp         *op,
             const char       *code,
             const char       *message,
             char            **out)
{
  g_free (*out);
  *out = g_strdup (code);
}

static gboolean
str_set (gpointer data)
{
  return *(char **) data != NULL;
}

static void
test_viewer_rolled_back (void)
{
  SyncTestServer *ts = sync_test_server_new (NULL, FALSE);
  g_autoptr(TandemSyncClient) v = join (ts, TANDEM_ROLE_VIEWER);
  g_autofree char *code = NULL;
  g_autofree char *before = client_json (v);
  g_autofree char *after = NULL;

  g_assert_cmpstr (tandem_sync_client_get_role (v), ==, "viewer");
  g_signal_connect (v, "rejected", G_CALLBACK (on_rejected), &code);
  submit (v, tandem_op_new_set_double (TANDEM_ENTITY_PROJECT, NULL, "tempo", 150));
  g_assert_cmpfloat (tandem_project_get_tempo (tandem_sync_client_get_project (v)), ==, 150);
  g_assert_true (sync_test_wait (str_set, &code, 10000));
  g_assert_cmpstr (code, ==, TANDEM_CODE_FORBIDDEN);
  after = client_json (v);
  g_assert_cmpstr (after, ==, before);
  g_assert_cmpuint (tandem_sync_client_get_n_pending (v), ==, 0);
  g_assert_cmpuint (tandem_session_server_get_seq (ts->server, ts->session_id), ==, 0);
  sync_test_server_free (ts);
}

static void
on_dropped (TandemSyncClient *client,
            TandemOp         *op,
            const char       *message,
            guint            *count)
{
  (*count)++;
}

static void
test_offline_edits_replayed (void)
{
  SyncTestServer *ts = sync_test_server_new (NULL, FALSE);
  g_autoptr(TandemSyncClient) a = join (ts, TANDEM_ROLE_EDITOR);
  g_autoptr(TandemSyncClient) b = join (ts, TANDEM_ROLE_EDITOR);
  TandemSyncClient *both[] = { a, b };
  g_autofree char *doomed = g_strdup (first_track (a));
  g_autoptr(TandemTrack) second = g_list_model_get_item (tandem_project_get_tracks (tandem_sync_client_get_project (b)), 1);
  guint dropped = 0;

  g_signal_connect (b, "op-dropped", G_CALLBACK (on_dropped), &dropped);
  tandem_sync_client_disconnect (b);

  /* While b is away, a deletes a track b is about to edit. */
  submit (a, tandem_op_new_delete (TANDEM_ENTITY_TRACK, doomed));
  for (int i = 0; i < 5; i++)
    submit (a, tandem_op_new_set_cell (tandem_project_get_current_pattern (tandem_sync_client_get_project (a)),
                                       tandem_track_get_id (second), 8 + i, "velocity", 50 + i));

  submit (b, tandem_op_new_set_double (TANDEM_ENTITY_TRACK, doomed, "volume", -3));
  submit (b, tandem_op_new_set_string (TANDEM_ENTITY_TRACK, tandem_track_get_id (second), "name", "Offline"));
  submit (b, tandem_op_new_set_cell (tandem_project_get_current_pattern (tandem_sync_client_get_project (b)),
                                     tandem_track_get_id (second), 5, "velocity", 77));
  g_assert_cmpuint (tandem_sync_client_get_n_pending (b), ==, 3);

  {
    g_autofree char *invite = sync_test_server_invite (ts, TANDEM_ROLE_EDITOR);

    g_assert_true (tandem_sync_client_connect (b, invite, NULL));
  }
  g_assert_true (sync_test_wait_converged (ts, both, 2, 10000));
  /* The edit of the deleted track is dropped and reported; the others land once. */
  g_assert_cmpuint (dropped, ==, 1);
  g_assert_cmpuint (tandem_session_server_get_seq (ts->server, ts->session_id), ==, 8);
  g_assert_cmpstr (tandem_track_get_name (tandem_project_find_track (tandem_sync_client_get_project (a),
                                                                     tandem_track_get_id (second))), ==, "Offline");
  assert_same_as_server (ts, a);
  assert_same_as_server (ts, b);
  sync_test_server_free (ts);
}

static void
test_reconnect_catch_up (void)
{
  SyncTestServer *ts = sync_test_server_new (NULL, TRUE);
  g_autoptr(TandemSyncClient) a = join (ts, TANDEM_ROLE_EDITOR);
  g_autoptr(TandemSyncClient) b = join (ts, TANDEM_ROLE_EDITOR);
  TandemSyncClient *both[] = { a, b };

  for (int round = 0; round < 3; round++)
    {
      /* b's connection dies (no close frame) with edits in flight both ways. */
      submit (b, tandem_op_new_set_double (TANDEM_ENTITY_PROJECT, NULL, "swing", 10 + round));
      tandem_sync_client_drop_connection_for_tests (b);
      g_assert_cmpint (tandem_sync_client_get_state (b), ==, TANDEM_SYNC_STATE_RECONNECTING);
      for (int i = 0; i < 10; i++)
        submit (a, tandem_op_new_set_cell (tandem_project_get_current_pattern (tandem_sync_client_get_project (a)),
                                           first_track (a), i, "velocity", 20 + i + round));
      g_assert_true (sync_test_wait_converged (ts, both, 2, 10000));
      assert_same_as_server (ts, a);
      assert_same_as_server (ts, b);
    }
  /* Nothing was applied twice: 3 × (1 + 10) batches. */
  g_assert_cmpuint (tandem_session_server_get_seq (ts->server, ts->session_id), ==, 33);
  sync_test_server_free (ts);
}

static void
test_coalescing (void)
{
  SyncTestServer *ts = sync_test_server_new (NULL, FALSE);
  g_autoptr(TandemSyncClient) a = join (ts, TANDEM_ROLE_EDITOR);
  g_autoptr(TandemSyncClient) b = join (ts, TANDEM_ROLE_EDITOR);
  TandemSyncClient *both[] = { a, b };
  g_autofree char *track = g_strdup (first_track (a));
  const char *pattern = tandem_project_get_current_pattern (tandem_sync_client_get_project (a));
  guint64 seq;

  /* A fader drag: 200 updates of one property without a pause. */
  for (int i = 0; i <= 200; i++)
    submit (a, tandem_op_new_set_double (TANDEM_ENTITY_TRACK, track, "volume", -60 + i * 0.3));
  g_assert_true (sync_test_wait_converged (ts, both, 2, 10000));
  seq = tandem_session_server_get_seq (ts->server, ts->session_id);
  g_assert_cmpuint (seq, <=, 3);
  /* The final value always arrives. */
  g_assert_cmpfloat_with_epsilon (tandem_track_get_volume (tandem_project_find_track (tandem_sync_client_get_project (b), track)),
                                  0.0, 1e-9);

  /* Discrete edits of different cells each go at once. */
  for (int step = 0; step < 10; step++)
    submit (a, tandem_op_new_set_cell (pattern, track, step, "velocity", 100));
  g_assert_true (sync_test_wait_converged (ts, both, 2, 10000));
  g_assert_cmpuint (tandem_session_server_get_seq (ts->server, ts->session_id), ==, seq + 10);
  assert_same_as_server (ts, b);
  sync_test_server_free (ts);
}

static void
test_history_undo (void)
{
  SyncTestServer *ts = sync_test_server_new (NULL, FALSE);
  g_autoptr(TandemProject) project = tandem_project_new ();
  g_autoptr(TandemHistory) history = tandem_history_new (project);
  g_autoptr(TandemSyncClient) a = tandem_sync_client_new (project, history);
  g_autoptr(TandemSyncClient) b = join (ts, TANDEM_ROLE_EDITOR);
  g_autofree char *invite = sync_test_server_invite (ts, TANDEM_ROLE_EDITOR);
  TandemSyncClient *both[] = { a, b };
  g_autoptr(GError) error = NULL;
  g_autoptr(TandemOp) op = tandem_op_new_set_double (TANDEM_ENTITY_PROJECT, NULL, "tempo", 133);

  g_assert_true (tandem_sync_client_connect (a, invite, NULL));
  g_assert_true (sync_test_wait_live (a));
  g_assert_true (tandem_history_apply (history, op, &error));
  g_assert_true (sync_test_wait_converged (ts, both, 2, 10000));
  g_assert_cmpfloat (tandem_project_get_tempo (tandem_sync_client_get_project (b)), ==, 133);
  g_assert_true (tandem_history_undo (history, &error));
  g_assert_no_error (error);
  g_assert_true (sync_test_wait_converged (ts, both, 2, 10000));
  g_assert_cmpfloat (tandem_project_get_tempo (tandem_sync_client_get_project (b)), ==, 104);
  assert_same_as_server (ts, a);
  sync_test_server_free (ts);
}

typedef struct
{
  guint joined, left, updated;
} PresenceCounts;

static void
count_joined (TandemSyncClient *c, TandemParticipant *p, PresenceCounts *n) { n->joined++; }
static void
count_left (TandemSyncClient *c, TandemParticipant *p, PresenceCounts *n) { n->left++; }
static void
count_updated (TandemSyncClient *c, TandemParticipant *p, PresenceCounts *n) { n->updated++; }

static gboolean
cursor_arrived (gpointer data)
{
  GListModel *list = tandem_sync_client_get_participants (data);
  g_autoptr(TandemParticipant) p = NULL;

  if (g_list_model_get_n_items (list) != 1)
    return FALSE;
  p = g_list_model_get_item (list, 0);
  return tandem_participant_get_cursor_step (p) == 7
         && g_strcmp0 (tandem_participant_get_name (p), "Ada") == 0;
}

static gboolean
nobody_there (gpointer data)
{
  return g_list_model_get_n_items (tandem_sync_client_get_participants (data)) == 0;
}

static void
test_presence (void)
{
  SyncTestServer *ts = sync_test_server_new (NULL, FALSE);
  g_autoptr(TandemSyncClient) a = join (ts, TANDEM_ROLE_EDITOR);
  g_autoptr(TandemSyncClient) b = sync_test_client_new ();
  g_autofree char *invite = sync_test_server_invite (ts, TANDEM_ROLE_EDITOR);
  g_autoptr(TandemParticipant) p = NULL;
  PresenceCounts n = { 0, };

  g_signal_connect (b, "participant-joined", G_CALLBACK (count_joined), &n);
  g_signal_connect (b, "participant-left", G_CALLBACK (count_left), &n);
  g_signal_connect (b, "participant-updated", G_CALLBACK (count_updated), &n);
  g_assert_true (tandem_sync_client_connect (b, invite, NULL));
  g_assert_true (sync_test_wait_live (b));
  g_assert_cmpuint (n.joined, ==, 1);

  tandem_sync_client_set_display_name (a, "Ada");
  /* A colour nobody has (b was given the palette's second). */
  tandem_sync_client_set_color (a, "#9141ac");
  /* A burst of cursor moves: throttled, and the last one wins. */
  for (int step = 0; step <= 7; step++)
    tandem_sync_client_set_cursor (a, "p", "t", step, NULL);
  g_assert_true (sync_test_wait (cursor_arrived, b, 10000));
  p = g_list_model_get_item (tandem_sync_client_get_participants (b), 0);
  g_assert_cmpstr (tandem_participant_get_client_id (p), ==, tandem_sync_client_get_client_id (a));
  g_assert_cmpstr (tandem_participant_get_color (p), ==, "#9141ac");
  g_assert_cmpstr (tandem_participant_get_role (p), ==, "editor");
  g_assert_cmpstr (tandem_participant_get_cursor_pattern (p), ==, "p");
  g_assert_cmpuint (n.updated, >=, 1);
  g_assert_cmpuint (n.updated, <, 8);

  tandem_sync_client_disconnect (a);
  g_assert_true (sync_test_wait (nobody_there, b, 10000));
  g_assert_cmpuint (n.left, ==, 1);
  sync_test_server_free (ts);
}

static gboolean
colors_settled (gpointer data)
{
  TandemSyncClient **c = data;
  g_autoptr(TandemParticipant) a_seen_by_b = NULL;
  GListModel *list = tandem_sync_client_get_participants (c[1]);

  if (g_list_model_get_n_items (list) < 1)
    return FALSE;
  a_seen_by_b = g_list_model_get_item (list, 0);
  return g_strcmp0 (tandem_sync_client_get_color (c[1]), "#e01b24") != 0 &&
         g_strcmp0 (tandem_participant_get_color (a_seen_by_b), "#e01b24") == 0;
}

/* Two people asking for the same colour (and with the same name) get two:
 * the first keeps it, the second gets the palette's first free one. */
static void
test_distinct_colors (void)
{
  SyncTestServer *ts = sync_test_server_new (NULL, FALSE);
  g_autoptr(TandemSyncClient) a = sync_test_client_new ();
  g_autoptr(TandemSyncClient) b = sync_test_client_new ();
  g_autofree char *invite = sync_test_server_invite (ts, TANDEM_ROLE_EDITOR);
  TandemSyncClient *both[] = { a, b };

  tandem_sync_client_set_display_name (a, "Sam");
  tandem_sync_client_set_display_name (b, "Sam");
  tandem_sync_client_set_color (a, "#e01b24");
  tandem_sync_client_set_color (b, "#e01b24");
  g_assert_true (tandem_sync_client_connect (a, invite, NULL));
  g_assert_true (sync_test_wait_live (a));
  g_assert_true (tandem_sync_client_connect (b, invite, NULL));
  g_assert_true (sync_test_wait_live (b));
  g_assert_true (sync_test_wait (colors_settled, both, 10000));
  g_assert_cmpstr (tandem_sync_client_get_color (a), ==, "#e01b24");
  g_assert_cmpstr (tandem_sync_client_get_color (b), ==, tandem_presence_palette[0]);

  /* Asking later for a colour someone has keeps the one given. */
  tandem_sync_client_set_color (b, "#e01b24");
  g_assert_true (sync_test_wait (colors_settled, both, 10000));

  tandem_sync_client_disconnect (a);
  tandem_sync_client_disconnect (b);
  sync_test_server_free (ts);
}

static gboolean
has_clock_samples (gpointer data)
{
  return tandem_sync_client_get_clock_samples (data) >= 3;
}

static void
test_clock_offset (void)
{
  SyncTestServer *ts = sync_test_server_new (NULL, FALSE);
  g_autoptr(TandemSyncClient) a = join (ts, TANDEM_ROLE_EDITOR);
  gint64 offset, rtt;

  /* The pings of the join burst. */
  g_assert_true (sync_test_wait (has_clock_samples, a, 10000));
  rtt = tandem_sync_client_get_rtt (a);
  offset = tandem_sync_client_get_clock_offset (a);
  g_assert_cmpint (rtt, >, 0);
  /* Same process, same clock: the estimate is off by at most half the RTT. */
  g_assert_cmpint (ABS (offset), <=, rtt / 2 + 1);
  sync_test_server_free (ts);
}

static void
test_restart_recovers (void)
{
  SyncTestServer *ts = sync_test_server_new (NULL, TRUE);
  TandemServerLimits limits;
  g_autoptr(TandemSyncClient) a = join (ts, TANDEM_ROLE_EDITOR);
  g_autoptr(TandemSessionServer) again = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  GRand *rand = g_rand_new_with_seed (7);

  /* Small snapshot interval: recovery reads a snapshot plus a journal tail. */
  tandem_server_limits_init_defaults (&limits);
  limits.snapshot_every = 16;
  tandem_session_server_set_limits (ts->server, &limits);
  for (int i = 0; i < 50; i++)
    {
      g_autoptr(TandemOp) op = sync_test_random_op (tandem_sync_client_get_project (a), rand);
      TandemSyncClient *one[] = { a };

      tandem_sync_client_submit (a, op, NULL);
      /* In batches of ten, each confirmed before the next. */
      if (i % 10 == 9)
        g_assert_true (sync_test_wait_converged (ts, one, 1, 10000));
    }
  before = sync_test_server_project (ts);
  tandem_sync_client_disconnect (a);
  tandem_session_server_shutdown (ts->server);

  again = tandem_session_server_new (ts->data_dir, &error);
  g_assert_no_error (error);
  after = tandem_session_server_dup_project_string (again, ts->session_id);
  g_assert_cmpstr (before, ==, after);
  g_assert_cmpuint (tandem_session_server_get_seq (again, ts->session_id), ==,
                    tandem_session_server_get_seq (ts->server, ts->session_id));
  g_rand_free (rand);
  sync_test_server_free (ts);
}


static gboolean
all_loaded (gpointer data)
{
  return tandem_session_server_get_n_loading (data) == 0;
}

/* A restart with many sessions on disk listens before it has read any of
 * them: the first client of a session that has not loaded yet gets it
 * whole, at once, and the rest load in the background. */
static void
test_restart_listens_at_once (void)
{
  SyncTestServer *ts = sync_test_server_new (NULL, TRUE);
  g_autoptr(TandemSyncClient) a = join (ts, TANDEM_ROLE_EDITOR);
  g_autoptr(TandemSyncClient) b = NULL;
  g_autoptr(TandemSessionServer) again = NULL;
  g_autoptr(TandemProject) demo = tandem_project_new_demo ();
  g_autoptr(JsonNode) project = tandem_project_to_json (demo);
  g_autoptr(TandemInvite) invite = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *link = NULL;
  GRand *rand = g_rand_new_with_seed (11);
  const guint n_other = 24;

  for (guint i = 0; i < n_other; i++)
    {
      char *tokens[TANDEM_N_ROLES] = { 0 };
      g_autofree char *id = tandem_session_server_create_session (ts->server, project, tokens, &error);

      g_assert_no_error (error);
      for (guint r = 0; r < TANDEM_N_ROLES; r++)
        g_free (tokens[r]);
    }
  /* More batches than a restart keeps in memory. */
  for (int i = 0; i < 200; i++)
    {
      g_autoptr(TandemOp) op = sync_test_random_op (tandem_sync_client_get_project (a), rand);
      TandemSyncClient *one[] = { a };

      tandem_sync_client_submit (a, op, NULL);
      if (i % 20 == 19)
        g_assert_true (sync_test_wait_converged (ts, one, 1, 10000));
    }
  before = sync_test_server_project (ts);
  tandem_sync_client_disconnect (a);
  sync_test_server_shutdown (ts->server);

  again = tandem_session_server_new (ts->data_dir, &error);
  g_assert_no_error (error);
  tandem_session_server_listen (again, "127.0.0.1", 0, &error);
  g_assert_no_error (error);
  /* Listening, every session counted, none read yet. */
  g_assert_cmpuint (tandem_session_server_get_n_sessions (again), ==, n_other + 1);
  g_assert_cmpuint (tandem_session_server_get_n_loading (again), ==, n_other + 1);

  invite = tandem_invite_new ("127.0.0.1", tandem_session_server_get_port (again),
                              ts->session_id, ts->tokens[TANDEM_ROLE_EDITOR]);
  link = tandem_invite_to_link (invite);
  b = sync_test_client_new ();
  g_assert_true (tandem_sync_client_connect (b, link, &error));
  g_assert_no_error (error);
  g_assert_true (sync_test_wait_live (b));
  {
    SyncTestServer now = *ts;
    TandemSyncClient *one[] = { b };

    now.server = again;
    g_assert_true (sync_test_wait_converged (&now, one, 1, 10000));
  }
  after = tandem_session_server_dup_project_string (again, ts->session_id);
  g_assert_cmpstr (before, ==, after);
  g_assert_cmpuint (tandem_session_server_get_seq (again, ts->session_id), ==,
                    tandem_session_server_get_seq (ts->server, ts->session_id));

  g_assert_true (sync_test_wait (all_loaded, again, 10000));
  g_assert_cmpuint (tandem_session_server_get_n_sessions (again), ==, n_other + 1);

  tandem_sync_client_disconnect (b);
  sync_test_server_shutdown (again);
  g_rand_free (rand);
  sync_test_server_free (ts);
}

/* Heartbeat: a server that accepts the WebSocket and then never answers. */

static void
swallow_ws (SoupServer              *server,
            SoupServerMessage       *msg,
            const char              *path,
            SoupWebsocketConnection *conn,
            gpointer                 data)
{
  g_ptr_array_add (data, g_object_ref (conn));
}

static void
record_state (TandemSyncClient *client,
              GParamSpec       *pspec,
              GArray           *states)
{
  TandemSyncState state = tandem_sync_client_get_state (client);

  g_array_append_val (states, state);
}

static gboolean
two_attempts (gpointer data)
{
  return ((GPtrArray *) data)->len >= 2;
}

static void
test_heartbeat_timeout (void)
{
  g_autoptr(SoupServer) mute = soup_server_new (NULL, NULL);
  g_autoptr(GPtrArray) conns = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GArray) states = g_array_new (FALSE, FALSE, sizeof (TandemSyncState));
  g_autoptr(TandemSyncClient) client = sync_test_client_new ();
  g_autoptr(GSocketAddress) addr = g_inet_socket_address_new_from_string ("127.0.0.1", 0);
  g_autoptr(GError) error = NULL;
  g_autofree char *invite = NULL;
  char *protocols[] = { (char *) TANDEM_PROTOCOL_SUBPROTOCOL, NULL };
  GSList *uris;

  soup_server_add_websocket_handler (mute, "/session", NULL, protocols, swallow_ws, conns, NULL);
  g_assert_true (soup_server_listen (mute, addr, 0, &error));
  uris = soup_server_get_uris (mute);
  invite = g_strdup_printf ("tandem://127.0.0.1:%d/s1?token=t&insecure=1", g_uri_get_port (uris->data));
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);

  tandem_sync_client_set_heartbeat (client, 50, 300);
  g_signal_connect (client, "notify::state", G_CALLBACK (record_state), states);
  g_assert_true (tandem_sync_client_connect (client, invite, NULL));
  /* No welcome, no pong: the heartbeat gives up and the client retries. */
  g_assert_true (sync_test_wait (two_attempts, conns, 10000));
  g_assert_cmpuint (states->len, >=, 2);
  g_assert_cmpint (g_array_index (states, TandemSyncState, 0), ==, TANDEM_SYNC_STATE_CONNECTING);
  g_assert_cmpint (g_array_index (states, TandemSyncState, 1), ==, TANDEM_SYNC_STATE_RECONNECTING);
  tandem_sync_client_disconnect (client);
  g_assert_cmpint (tandem_sync_client_get_state (client), ==, TANDEM_SYNC_STATE_OFFLINE);
  soup_server_disconnect (mute);
}

static void
test_states (void)
{
  SyncTestServer *ts = sync_test_server_new (NULL, FALSE);
  g_autoptr(TandemSyncClient) c = sync_test_client_new ();
  g_autoptr(GArray) states = g_array_new (FALSE, FALSE, sizeof (TandemSyncState));
  g_autofree char *invite = sync_test_server_invite (ts, TANDEM_ROLE_EDITOR);
  static const TandemSyncState expected[] = {
    TANDEM_SYNC_STATE_CONNECTING, TANDEM_SYNC_STATE_LIVE, TANDEM_SYNC_STATE_RECONNECTING,
    TANDEM_SYNC_STATE_LIVE, TANDEM_SYNC_STATE_OFFLINE,
  };

  g_signal_connect (c, "notify::state", G_CALLBACK (record_state), states);
  g_assert_true (tandem_sync_client_connect (c, invite, NULL));
  g_assert_true (sync_test_wait_live (c));
  tandem_sync_client_drop_connection_for_tests (c);
  g_assert_true (sync_test_wait_live (c));
  tandem_sync_client_disconnect (c);
  g_assert_cmpuint (states->len, ==, G_N_ELEMENTS (expected));
  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    g_assert_cmpint (g_array_index (states, TandemSyncState, i), ==, expected[i]);

  /* A wrong token is final: no retry loop. */
  {
    g_autoptr(TandemInvite) bad = tandem_invite_new ("127.0.0.1", ts->port, ts->session_id, "nope");
    g_autofree char *link = tandem_invite_to_link (bad);

    g_array_set_size (states, 0);
    g_assert_true (tandem_sync_client_connect (c, link, NULL));
    g_assert_true (sync_test_wait (not_connecting, c, 10000));
    g_assert_cmpint (tandem_sync_client_get_state (c), ==, TANDEM_SYNC_STATE_OFFLINE);
  }
  sync_test_server_free (ts);
}

/* HTTP API */

/* The server runs on this thread's loop, so requests go from another. */
static guint
http (guint16      port,
      const char  *method,
      const char  *bearer,
      const char  *body,
      JsonObject **reply)
{
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;
  guint status = sync_test_http_call (port, method, "/sessions", bearer, body, 10000, &text, &error);

  g_assert_no_error (error);
  if (reply)
    {
      g_autoptr(JsonParser) parser = json_parser_new ();

      g_assert_nonnull (text);
      g_assert_true (json_parser_load_from_data (parser, text, -1, NULL));
      *reply = json_object_ref (json_node_get_object (json_parser_get_root (parser)));
    }
  return status;
}

static void
test_http_api (void)
{
  SyncTestServer *ts = sync_test_server_new (NULL, TRUE);
  g_autoptr(JsonObject) reply = NULL;
  g_autoptr(TandemSyncClient) c = NULL;
  const char *link;

  tandem_session_server_set_admin_token (ts->server, "s3cret-admin");
  g_assert_cmpuint (http (ts->port, "POST", NULL, NULL, &reply), ==, 401);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (reply, "error"), "code"),
                   ==, "unauthorized");
  g_clear_pointer (&reply, json_object_unref);
  g_assert_cmpuint (http (ts->port, "POST", "wrong", NULL, &reply), ==, 401);
  g_clear_pointer (&reply, json_object_unref);
  g_assert_cmpuint (http (ts->port, "POST", "s3cret-admin", "{not json", &reply), ==, 400);
  g_clear_pointer (&reply, json_object_unref);
  g_assert_cmpuint (http (ts->port, "POST", "s3cret-admin", NULL, &reply), ==, 201);
  g_assert_true (tandem_invite_is_valid_session_id (json_object_get_string_member (reply, "id")));
  link = json_object_get_string_member (json_object_get_object_member (reply, "invites"), "editor");
  g_assert_true (g_str_has_prefix (link, "tandem://127.0.0.1:"));
  g_assert_true (g_str_has_prefix (json_object_get_string_member (json_object_get_object_member (reply, "ws"), "viewer"),
                                   "ws://127.0.0.1:"));
  g_assert_cmpuint (tandem_session_server_get_n_sessions (ts->server), ==, 2);

  c = sync_test_client_new ();
  g_assert_true (tandem_sync_client_connect (c, link, NULL));
  g_assert_true (sync_test_wait_live (c));
  g_assert_cmpstr (tandem_sync_client_get_role (c), ==, "editor");
  g_clear_pointer (&reply, json_object_unref);
  g_assert_cmpuint (http (ts->port, "GET", "s3cret-admin", NULL, &reply), ==, 200);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (reply, "sessions")), ==, 2);
  sync_test_server_free (ts);
}

int
main (int    argc,
      char **argv)
{
  sync_test_init (&argc, &argv);
  g_test_add_func ("/sync/server/join-snapshot", test_join_snapshot);
  g_test_add_func ("/sync/server/edit-propagates", test_edit_propagates);
  g_test_add_func ("/sync/server/viewer-rolled-back", test_viewer_rolled_back);
  g_test_add_func ("/sync/server/offline-edits-replayed", test_offline_edits_replayed);
  g_test_add_func ("/sync/server/reconnect-catch-up", test_reconnect_catch_up);
  g_test_add_func ("/sync/server/coalescing", test_coalescing);
  g_test_add_func ("/sync/server/history-undo", test_history_undo);
  g_test_add_func ("/sync/server/presence", test_presence);
  g_test_add_func ("/sync/server/distinct-colors", test_distinct_colors);
  g_test_add_func ("/sync/server/clock-offset", test_clock_offset);
  g_test_add_func ("/sync/server/restart-recovers", test_restart_recovers);
  g_test_add_func ("/sync/server/restart-listens-at-once", test_restart_listens_at_once);
  g_test_add_func ("/sync/server/http-api", test_http_api);
  g_test_add_func ("/sync/server/heartbeat-timeout", test_heartbeat_timeout);
  g_test_add_func ("/sync/server/states", test_states);
  return g_test_run ();
}
