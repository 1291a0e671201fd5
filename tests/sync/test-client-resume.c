/* test-client-resume.c — a client's saved state carries it on after its process died
 *
 * A client saves its id, secret and unconfirmed edits; a new client (a new
 * process after a crash) restores them and joins: the edits the server never
 * saw arrive once, those it had already applied are not applied again, and
 * a malformed state is refused without changing anything.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-sync-test"

#include "config.h"

#include <string.h>

#include "sync-test-utils.h"

static void
set_cell (TandemSyncClient *client,
          guint             step,
          guint             velocity)
{
  TandemProject *project = tandem_sync_client_get_project (client);
  g_autoptr(TandemTrack) track = g_list_model_get_item (tandem_project_get_tracks (project), 0);
  g_autoptr(TandemOp) op = tandem_op_new_set_cell (tandem_project_get_current_pattern (project),
                                                   tandem_track_get_id (track), step, "velocity",
                                                   velocity);

  g_assert_true (tandem_sync_client_submit (client, op, NULL));
}

static guint
cell (TandemSyncClient *client,
      guint             step)
{
  TandemProject *project = tandem_sync_client_get_project (client);
  g_autoptr(TandemTrack) track = g_list_model_get_item (tandem_project_get_tracks (project), 0);
  TandemPattern *pattern = tandem_project_find_pattern (project,
                                                        tandem_project_get_current_pattern (project));

  return tandem_pattern_get_cell (pattern, tandem_track_get_id (track), step)->velocity;
}

static gboolean
settled (gpointer data)
{
  return tandem_sync_client_get_state (data) == TANDEM_SYNC_STATE_LIVE
         && tandem_sync_client_get_n_pending (data) == 0;
}

static gboolean
is_reconnecting (gpointer data)
{
  return tandem_sync_client_get_state (data) == TANDEM_SYNC_STATE_RECONNECTING;
}

/* What the guest's draft is: its project as it showed it, state and all. */
static TandemSyncClient *
client_from_draft (JsonNode *json,
                   JsonNode *state)
{
  g_autoptr(TandemProject) draft = tandem_project_new_from_json (json, NULL);
  g_autoptr(GError) error = NULL;
  TandemSyncClient *client = tandem_sync_client_new (draft, NULL);

  tandem_sync_client_set_heartbeat (client, 200, 2000);
  tandem_sync_client_set_backoff (client, 10, 200);
  g_assert_true (tandem_sync_client_restore_state (client, state, &error));
  g_assert_no_error (error);
  return client;
}

static void
restart_server (SyncTestServer *ts)
{
  g_autoptr(GError) error = NULL;

  sync_test_server_shutdown (ts->server);
  g_clear_object (&ts->server);
  ts->server = tandem_session_server_new (ts->data_dir, &error);
  g_assert_no_error (error);
  g_assert_true (tandem_session_server_listen (ts->server, "127.0.0.1", ts->port, &error));
}

/* Edits made offline, then the process dies: the restored client sends
 * them once the session is back, as the participant that made them. */
static void
test_unsent_edits_arrive (void)
{
  SyncTestServer *ts = sync_test_server_new (NULL, TRUE);
  g_autofree char *link = sync_test_server_invite (ts, TANDEM_ROLE_EDITOR);
  g_autoptr(TandemSyncClient) crashed = sync_test_client_new ();
  g_autoptr(TandemSyncClient) again = NULL;
  g_autoptr(JsonNode) state = NULL;
  g_autoptr(JsonNode) draft = NULL;
  g_autofree char *server_json = NULL;
  g_autofree char *client_json = NULL;
  g_autofree char *id = NULL;

  g_assert_true (tandem_sync_client_connect (crashed, link, NULL));
  g_assert_true (sync_test_wait_live (crashed));
  set_cell (crashed, 0, 11);
  g_assert_true (sync_test_wait (settled, crashed, 10000));

  /* The host goes away; two edits wait in the queue. */
  sync_test_server_shutdown (ts->server);
  g_assert_true (sync_test_wait (is_reconnecting, crashed, 10000));
  set_cell (crashed, 1, 22);
  set_cell (crashed, 2, 33);
  state = tandem_sync_client_save_state (crashed);
  g_assert_cmpstr (tandem_sync_client_state_get_session (state), ==, ts->session_id);
  id = g_strdup (tandem_sync_client_get_client_id (crashed));
  draft = tandem_project_to_json (tandem_sync_client_get_project (crashed));
  /* The process dies: no leave, nothing more sent. */
  g_clear_object (&crashed);

  restart_server (ts);
  again = client_from_draft (draft, state);
  g_assert_cmpstr (tandem_sync_client_get_client_id (again), ==, id);
  g_assert_cmpuint (tandem_sync_client_get_n_pending (again), ==, 2);
  g_assert_true (tandem_sync_client_connect (again, link, NULL));
  g_assert_true (sync_test_wait (settled, again, 15000));

  g_assert_cmpuint (cell (again, 0), ==, 11);
  g_assert_cmpuint (cell (again, 1), ==, 22);
  g_assert_cmpuint (cell (again, 2), ==, 33);
  g_assert_cmpuint (tandem_session_server_get_seq (ts->server, ts->session_id), ==, 3);
  server_json = sync_test_server_project (ts);
  client_json = tandem_project_to_string (tandem_sync_client_get_project (again));
  g_assert_cmpstr (client_json, ==, server_json);
  tandem_sync_client_disconnect (again);
  sync_test_server_free (ts);
}

static gboolean
server_at (gpointer data)
{
  SyncTestServer *ts = data;

  return tandem_session_server_get_seq (ts->server, ts->session_id) >= 2;
}

/* An edit the server applied after the state was saved (sent, its echo
 * lost with the process) is recognised by its sequence number and not
 * applied a second time over a newer edit of someone else's. */
static void
test_applied_edits_not_doubled (void)
{
  SyncTestServer *ts = sync_test_server_new (NULL, TRUE);
  g_autofree char *link = sync_test_server_invite (ts, TANDEM_ROLE_EDITOR);
  g_autoptr(TandemSyncClient) crashed = sync_test_client_new ();
  g_autoptr(TandemSyncClient) other = sync_test_client_new ();
  g_autoptr(TandemSyncClient) again = NULL;
  g_autoptr(JsonNode) state = NULL;
  g_autoptr(JsonNode) project = NULL;

  g_assert_true (tandem_sync_client_connect (crashed, link, NULL));
  g_assert_true (tandem_sync_client_connect (other, link, NULL));
  g_assert_true (sync_test_wait_live (crashed));
  g_assert_true (sync_test_wait_live (other));

  set_cell (crashed, 4, 40);
  /* Saved while the edit is on its way. */
  state = tandem_sync_client_save_state (crashed);
  project = tandem_project_to_json (tandem_sync_client_get_project (crashed));
  g_assert_true (sync_test_wait (settled, crashed, 10000));
  /* Someone else's newer edit of the same cell. */
  set_cell (other, 4, 99);
  g_assert_true (sync_test_wait (server_at, ts, 10000));
  g_assert_true (sync_test_wait (settled, other, 10000));
  g_clear_object (&crashed);

  again = client_from_draft (project, state);
  g_assert_true (tandem_sync_client_connect (again, link, NULL));
  g_assert_true (sync_test_wait (settled, again, 10000));
  g_assert_cmpuint (tandem_session_server_get_seq (ts->server, ts->session_id), ==, 2);
  g_assert_cmpuint (cell (again, 4), ==, 99);
  tandem_sync_client_disconnect (again);
  tandem_sync_client_disconnect (other);
  sync_test_server_free (ts);
}

static JsonNode *
parse (const char *text)
{
  return json_from_string (text, NULL);
}

/* A state that is not one we wrote changes nothing. */
static void
test_malformed_state_refused (void)
{
  const char *secret = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";
  g_autofree char *good_op = NULL;
  g_autoptr(TandemOp) op = tandem_op_new_set_cell ("p", "t", 1, "velocity", 3);
  const char *templates[] = {
    "[]",
    "{\"secret\":\"SECRET\",\"next_cseq\":0,\"pending\":[]}",
    "{\"client\":\"bad id!\",\"secret\":\"SECRET\",\"next_cseq\":0,\"pending\":[]}",
    "{\"client\":\"abc\",\"secret\":\"short\",\"next_cseq\":0,\"pending\":[]}",
    "{\"client\":\"abc\",\"secret\":\"SECRET\",\"next_cseq\":-1,\"pending\":[]}",
    "{\"client\":\"abc\",\"secret\":\"SECRET\",\"next_cseq\":0}",
    "{\"client\":\"abc\",\"secret\":\"SECRET\",\"next_cseq\":0,"
    "\"pending\":[{\"cseq\":1,\"op\":OP}]}",
    "{\"client\":\"abc\",\"secret\":\"SECRET\",\"next_cseq\":5,\"pending\":[{\"cseq\":1}]}",
    "{\"client\":\"abc\",\"secret\":\"SECRET\",\"next_cseq\":5,\"pending\":[{\"cseq\":1,"
    "\"op\":{\"op\":\"explode\"}}]}",
    "{\"client\":\"abc\",\"secret\":\"SECRET\",\"next_cseq\":5,\"pending\":[7]}",
  };
  g_autoptr(TandemSyncClient) client = sync_test_client_new ();
  g_autofree char *id = g_strdup (tandem_sync_client_get_client_id (client));
  g_autofree char *good = NULL;
  g_autoptr(JsonNode) good_state = NULL;

  good_op = tandem_op_to_string (op);
  for (guint i = 0; i < G_N_ELEMENTS (templates); i++)
    {
      g_autoptr(GString) text = g_string_new (templates[i]);
      g_autoptr(JsonNode) state = NULL;
      g_autoptr(GError) error = NULL;

      g_string_replace (text, "SECRET", secret, 0);
      g_string_replace (text, "OP", good_op, 0);
      state = parse (text->str);

      g_assert_nonnull (state);
      g_assert_false (tandem_sync_client_restore_state (client, state, &error));
      g_assert_nonnull (error);
      g_assert_cmpstr (tandem_sync_client_get_client_id (client), ==, id);
      g_assert_cmpuint (tandem_sync_client_get_n_pending (client), ==, 0);
    }

  /* A good one is taken, once, and never by a client that has connected. */
  good = g_strdup_printf ("{\"client\":\"abc\",\"secret\":\"%s\",\"next_cseq\":1,"
                          "\"pending\":[{\"cseq\":1,\"op\":%s}]}", secret, good_op);
  good_state = parse (good);
  g_assert_true (tandem_sync_client_restore_state (client, good_state, NULL));
  g_assert_cmpstr (tandem_sync_client_get_client_id (client), ==, "abc");
  g_assert_cmpuint (tandem_sync_client_get_n_pending (client), ==, 1);
  {
    g_autoptr(GError) error = NULL;

    g_assert_false (tandem_sync_client_restore_state (client, good_state, &error));
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_BUSY);
  }
}

int
main (int    argc,
      char **argv)
{
  sync_test_init (&argc, &argv);

  g_test_add_func ("/sync/client-resume/unsent-edits-arrive", test_unsent_edits_arrive);
  g_test_add_func ("/sync/client-resume/applied-edits-not-doubled",
                   test_applied_edits_not_doubled);
  g_test_add_func ("/sync/client-resume/malformed-state-refused", test_malformed_state_refused);
  return g_test_run ();
}
