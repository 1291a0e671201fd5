/* test-hostile.c — bad input gets its documented error; nobody else notices
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-sync-test"

#include "config.h"

#include <string.h>

#include "sync-test-utils.h"

typedef struct
{
  SyncTestServer   *ts;
  TandemSyncClient *good[2];
  GRand            *rand;
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  TandemServerLimits limits;

  tandem_server_limits_init_defaults (&limits);
  limits.max_message_bytes = 64 * 1024;
  limits.max_ops_per_second = 20;
  limits.ops_burst = 10;
  limits.max_messages_per_second = 1000;
  limits.max_flood_strikes = 10;
  limits.max_clients_per_session = 4;
  limits.max_behind_ms = 300;
  limits.hello_timeout_ms = 400;
  f->ts = sync_test_server_new (&limits, TRUE);
  f->rand = g_rand_new_with_seed (42);
  sync_test_connect_editors (f->ts, f->good, 2);
}

/* The good clients still edit together and agree with the server. */
static void
assert_others_unharmed (Fixture *f)
{
  double tempos[2];

  for (guint i = 0; i < 2; i++)
    tempos[i] = 90 + g_rand_int_range (f->rand, 0, 50);
  sync_test_assert_clients_edit (f->ts, f->good, 2, tempos);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  assert_others_unharmed (f);
  for (guint i = 0; i < 2; i++)
    g_clear_object (&f->good[i]);
  g_rand_free (f->rand);
  sync_test_server_free (f->ts);
}

static SoupWebsocketConnection *
raw_editor (Fixture    *f,
            const char *client_id)
{
  SoupWebsocketConnection *conn = sync_test_raw_connect (f->ts->port, f->ts->session_id,
                                                         TANDEM_PROTOCOL_SUBPROTOCOL);
  g_autoptr(JsonObject) welcome = NULL;

  g_assert_nonnull (conn);
  welcome = sync_test_raw_join (conn, f->ts->session_id, f->ts->tokens[TANDEM_ROLE_EDITOR], client_id);
  g_assert_nonnull (welcome);
  return conn;
}

static void
still_answers (SoupWebsocketConnection *conn)
{
  g_autoptr(JsonObject) pong = NULL;

  soup_websocket_connection_send_text (conn, "{\"type\":\"ping\",\"t\":1}");
  pong = sync_test_raw_expect (conn, "pong", 10000);
  g_assert_nonnull (pong);
  g_assert_cmpint (json_object_get_int_member (pong, "t"), ==, 1);
}

static void
test_malformed_json (Fixture *f, gconstpointer data)
{
  g_autoptr(SoupWebsocketConnection) c = raw_editor (f, "hostile1");

  soup_websocket_connection_send_text (c, "{\"type\":\"submit\",\"cseq\":");
  sync_test_raw_expect_error (c, TANDEM_CODE_BAD_MESSAGE);
  soup_websocket_connection_send_text (c, "[\"not\",\"an\",\"object\"]");
  sync_test_raw_expect_error (c, TANDEM_CODE_BAD_MESSAGE);
  soup_websocket_connection_send_text (c, "{\"type\":\"submit\",\"cseq\":\"one\",\"ops\":{}}");
  sync_test_raw_expect_error (c, TANDEM_CODE_BAD_MESSAGE);
  still_answers (c);
}

static void
test_unknown_type (Fixture *f, gconstpointer data)
{
  g_autoptr(SoupWebsocketConnection) c = raw_editor (f, "hostile2");

  soup_websocket_connection_send_text (c, "{\"type\":\"format-disk\"}");
  sync_test_raw_expect_error (c, TANDEM_CODE_UNKNOWN_TYPE);
  still_answers (c);
}

static void
test_invalid_ops (Fixture *f, gconstpointer data)
{
  g_autoptr(SoupWebsocketConnection) c = raw_editor (f, "hostile3");
  TandemProject *project = tandem_sync_client_get_project (f->good[0]);
  g_autoptr(TandemTrack) track = g_list_model_get_item (tandem_project_get_tracks (project), 0);
  g_autofree char *id = g_strdup (tandem_track_get_id (track));
  g_autofree char *msg = NULL;
  g_autoptr(TandemOp) del = tandem_op_new_delete (TANDEM_ENTITY_TRACK, id);
  g_autoptr(JsonObject) echo = NULL;
  guint64 seq;

  /* One good client deletes a track; then an op on it arrives. */
  g_assert_true (tandem_sync_client_submit (f->good[0], del, NULL));
  g_assert_true (sync_test_wait_converged (f->ts, f->good, 2, 10000));
  seq = tandem_session_server_get_seq (f->ts->server, f->ts->session_id);
  msg = g_strdup_printf ("{\"type\":\"submit\",\"cseq\":1,\"ops\":[{\"op\":\"set\",\"kind\":\"track\","
                         "\"id\":\"%s\",\"prop\":\"volume\",\"value\":-3}]}", id);
  soup_websocket_connection_send_text (c, msg);
  sync_test_raw_expect_reject (c, 1, TANDEM_CODE_INVALID_OP);
  soup_websocket_connection_send_text (c, "{\"type\":\"submit\",\"cseq\":2,\"ops\":[{\"op\":\"explode\"}]}");
  sync_test_raw_expect_reject (c, 2, TANDEM_CODE_INVALID_OP);
  soup_websocket_connection_send_text (c, "{\"type\":\"submit\",\"cseq\":3,\"ops\":[{\"op\":\"set\","
                                          "\"kind\":\"project\",\"prop\":\"tempo\",\"value\":9000}]}");
  sync_test_raw_expect_reject (c, 3, TANDEM_CODE_INVALID_OP);
  /* A batch is all or nothing: the valid first op is not applied either. */
  soup_websocket_connection_send_text (c, "{\"type\":\"submit\",\"cseq\":4,\"ops\":["
                                          "{\"op\":\"set\",\"kind\":\"project\",\"prop\":\"tempo\",\"value\":99},"
                                          "{\"op\":\"set\",\"kind\":\"project\",\"prop\":\"swing\",\"value\":-5}]}");
  sync_test_raw_expect_reject (c, 4, TANDEM_CODE_INVALID_OP);
  g_assert_cmpuint (tandem_session_server_get_seq (f->ts->server, f->ts->session_id), ==, seq);
  /* A resend of an accepted client sequence is never applied twice. */
  soup_websocket_connection_send_text (c, "{\"type\":\"submit\",\"cseq\":5,\"ops\":["
                                          "{\"op\":\"set\",\"kind\":\"project\",\"prop\":\"tempo\",\"value\":99}]}");
  echo = sync_test_raw_expect (c, "batch", 10000);
  g_assert_nonnull (echo);
  soup_websocket_connection_send_text (c, "{\"type\":\"submit\",\"cseq\":5,\"ops\":["
                                          "{\"op\":\"set\",\"kind\":\"project\",\"prop\":\"tempo\",\"value\":98}]}");
  sync_test_raw_expect_error (c, TANDEM_CODE_DUPLICATE);
  g_assert_cmpuint (tandem_session_server_get_seq (f->ts->server, f->ts->session_id), ==, seq + 1);
  still_answers (c);
}

static void
test_oversize (Fixture *f, gconstpointer data)
{
  g_autoptr(SoupWebsocketConnection) c = raw_editor (f, "hostile4");
  GString *big = g_string_new ("{\"type\":\"presence\",\"name\":\"");

  while (big->len < 100 * 1024)
    g_string_append (big, "xxxxxxxxxxxxxxxx");
  g_string_append (big, "\"}");
  soup_websocket_connection_send_text (c, big->str);
  g_string_free (big, TRUE);
  sync_test_raw_expect_error (c, TANDEM_CODE_TOO_LARGE);
  sync_test_raw_expect_closed (c, TANDEM_CLOSE_TOO_BIG);
}

static void
test_flood (Fixture *f, gconstpointer data)
{
  g_autoptr(SoupWebsocketConnection) c = raw_editor (f, "hostile5");
  gboolean saw_rate_limited = FALSE;
  JsonObject *msg;

  for (int i = 1; i <= 200; i++)
    {
      g_autofree char *text = g_strdup_printf ("{\"type\":\"submit\",\"cseq\":%d,\"ops\":[{\"op\":\"set\","
                                               "\"kind\":\"project\",\"prop\":\"tempo\",\"value\":%d}]}",
                                               i, 60 + i % 100);
      soup_websocket_connection_send_text (c, text);
    }
  while ((msg = sync_test_raw_next (c, 10000)) != NULL)
    {
      const char *type = json_object_get_string_member (msg, "type");

      if (g_str_equal (type, "reject"))
        {
          g_assert_cmpstr (json_object_get_string_member (msg, "code"), ==, TANDEM_CODE_RATE_LIMITED);
          saw_rate_limited = TRUE;
        }
      if (g_str_equal (type, "error"))
        {
          g_assert_cmpstr (json_object_get_string_member (msg, "code"), ==, TANDEM_CODE_FLOOD);
          json_object_unref (msg);
          break;
        }
      json_object_unref (msg);
    }
  g_assert_true (saw_rate_limited);
  sync_test_raw_expect_closed (c, TANDEM_CLOSE_FLOOD);
  /* At most the burst got through. */
  g_assert_cmpuint (tandem_session_server_get_seq (f->ts->server, f->ts->session_id), <=, 25);
}

static void
test_bad_tokens (Fixture *f, gconstpointer data)
{
  const char *tokens[] = { "wrong-token", "", NULL };

  for (guint i = 0; i < G_N_ELEMENTS (tokens); i++)
    {
      g_autoptr(SoupWebsocketConnection) c = sync_test_raw_connect (f->ts->port, f->ts->session_id,
                                                                    TANDEM_PROTOCOL_SUBPROTOCOL);
      g_autofree char *hello = NULL;

      if (tokens[i])
        hello = g_strdup_printf ("{\"type\":\"hello\",\"version\":1,\"token\":\"%s\",\"client\":\"x%u\"}",
                                 tokens[i], i);
      else
        hello = g_strdup_printf ("{\"type\":\"hello\",\"version\":1,\"client\":\"x%u\"}", i);
      soup_websocket_connection_send_text (c, hello);
      sync_test_raw_expect_error (c, TANDEM_CODE_UNAUTHORIZED);
      sync_test_raw_expect_closed (c, TANDEM_CLOSE_UNAUTHORIZED);
    }
  /* Nothing but hello before joining. */
  {
    g_autoptr(SoupWebsocketConnection) c = sync_test_raw_connect (f->ts->port, f->ts->session_id,
                                                                  TANDEM_PROTOCOL_SUBPROTOCOL);

    soup_websocket_connection_send_text (c, "{\"type\":\"submit\",\"cseq\":1,\"ops\":[]}");
    sync_test_raw_expect_error (c, TANDEM_CODE_NOT_JOINED);
    /* …and a connection that never says hello is closed. */
    sync_test_raw_expect_error (c, TANDEM_CODE_TIMEOUT);
    sync_test_raw_expect_closed (c, TANDEM_CLOSE_TIMEOUT);
  }
  /* A session that does not exist. */
  {
    g_autoptr(SoupWebsocketConnection) c = sync_test_raw_connect (f->ts->port, "nosuchsession",
                                                                  TANDEM_PROTOCOL_SUBPROTOCOL);

    soup_websocket_connection_send_text (c, "{\"type\":\"hello\",\"version\":1,\"token\":\"t\",\"client\":\"y\"}");
    sync_test_raw_expect_error (c, TANDEM_CODE_NO_SUCH_SESSION);
    sync_test_raw_expect_closed (c, TANDEM_CLOSE_NO_SUCH_SESSION);
  }
}

static void
test_viewer_edits (Fixture *f, gconstpointer data)
{
  g_autoptr(SoupWebsocketConnection) c = sync_test_raw_connect (f->ts->port, f->ts->session_id,
                                                                TANDEM_PROTOCOL_SUBPROTOCOL);
  g_autoptr(JsonObject) welcome = sync_test_raw_join (c, f->ts->session_id,
                                                      f->ts->tokens[TANDEM_ROLE_VIEWER], "viewer1");
  guint64 seq = tandem_session_server_get_seq (f->ts->server, f->ts->session_id);

  g_assert_cmpstr (json_object_get_string_member (welcome, "role"), ==, "viewer");
  soup_websocket_connection_send_text (c, "{\"type\":\"submit\",\"cseq\":1,\"ops\":[{\"op\":\"set\","
                                          "\"kind\":\"project\",\"prop\":\"tempo\",\"value\":99}]}");
  sync_test_raw_expect_reject (c, 1, TANDEM_CODE_FORBIDDEN);
  g_assert_cmpuint (tandem_session_server_get_seq (f->ts->server, f->ts->session_id), ==, seq);
}

static void
test_binary_frame (Fixture *f, gconstpointer data)
{
  g_autoptr(SoupWebsocketConnection) c = raw_editor (f, "hostile6");
  static const guint8 garbage[] = { 0x00, 0xff, 0x13, 0x37, 0xde, 0xad, 0xbe, 0xef };

  soup_websocket_connection_send_binary (c, garbage, sizeof garbage);
  sync_test_raw_expect_error (c, TANDEM_CODE_BINARY_FRAME);
  sync_test_raw_expect_closed (c, TANDEM_CLOSE_UNSUPPORTED_DATA);
}

static void
test_wrong_version (Fixture *f, gconstpointer data)
{
  g_autoptr(SoupWebsocketConnection) c = sync_test_raw_connect (f->ts->port, f->ts->session_id,
                                                                TANDEM_PROTOCOL_SUBPROTOCOL);
  g_autofree char *hello = g_strdup_printf ("{\"type\":\"hello\",\"version\":2,\"token\":\"%s\",\"client\":\"v2\"}",
                                            f->ts->tokens[TANDEM_ROLE_EDITOR]);
  g_autoptr(SoupWebsocketConnection) other = NULL;

  soup_websocket_connection_send_text (c, hello);
  sync_test_raw_expect_error (c, TANDEM_CODE_UNSUPPORTED_VERSION);
  sync_test_raw_expect_closed (c, TANDEM_CLOSE_UNSUPPORTED_VERSION);

  /* A client of another subprotocol never gets a WebSocket. */
  other = sync_test_raw_connect (f->ts->port, f->ts->session_id, "tandem.v2");
  g_assert_null (other);
}

static void
test_session_full (Fixture *f, gconstpointer data)
{
  g_autoptr(SoupWebsocketConnection) c1 = raw_editor (f, "filler1");
  g_autoptr(SoupWebsocketConnection) c2 = raw_editor (f, "filler2");
  g_autoptr(SoupWebsocketConnection) c3 = sync_test_raw_connect (f->ts->port, f->ts->session_id,
                                                                 TANDEM_PROTOCOL_SUBPROTOCOL);
  g_autofree char *secret = sync_test_client_secret ("extra");
  g_autofree char *hello = g_strdup_printf ("{\"type\":\"hello\",\"version\":1,\"token\":\"%s\",\"client\":\"extra\","
                                            "\"secret\":\"%s\"}",
                                            f->ts->tokens[TANDEM_ROLE_EDITOR], secret);

  soup_websocket_connection_send_text (c3, hello);
  sync_test_raw_expect_error (c3, TANDEM_CODE_SESSION_FULL);
  sync_test_raw_expect_closed (c3, TANDEM_CLOSE_SESSION_FULL);
  soup_websocket_connection_close (c1, 1000, NULL);
  soup_websocket_connection_close (c2, 1000, NULL);
  g_assert_true (sync_test_raw_wait_closed (c1, 10000));
  g_assert_true (sync_test_raw_wait_closed (c2, 10000));
}

static void
test_slow_consumer (Fixture *f, gconstpointer data)
{
  /* A participant that never acknowledges what it was sent. */
  g_autoptr(SoupWebsocketConnection) slow = raw_editor (f, "sloth");
  GListModel *tracks = tandem_project_get_tracks (tandem_sync_client_get_project (f->good[0]));
  g_autoptr(TandemTrack) track = g_list_model_get_item (tracks, 0);
  const char *pattern = tandem_project_get_current_pattern (tandem_sync_client_get_project (f->good[0]));

  gint64 start = g_get_monotonic_time ();

  /* Paced edits past the limit: the good clients keep acknowledging, the
   * slow one not. */
  for (int step = 0; g_get_monotonic_time () - start < 2 * 300 * 1000; step++)
    {
      g_autoptr(TandemOp) op = tandem_op_new_set_cell (pattern, tandem_track_get_id (track), step % 16,
                                                       "velocity", 10 + step % 100);

      g_assert_true (tandem_sync_client_submit (f->good[step % 2], op, NULL));
      g_assert_true (sync_test_wait_converged (f->ts, f->good, 2, 10000));
      sync_test_spin (5);
    }
  sync_test_raw_expect_error (slow, TANDEM_CODE_SLOW_CONSUMER);
  sync_test_raw_expect_closed (slow, TANDEM_CLOSE_SLOW_CONSUMER);
}

int
main (int    argc,
      char **argv)
{
  sync_test_init (&argc, &argv);
#define ADD(path, fn) g_test_add ("/sync/hostile/" path, Fixture, NULL, fixture_setup, fn, fixture_teardown)
  ADD ("malformed-json", test_malformed_json);
  ADD ("unknown-type", test_unknown_type);
  ADD ("invalid-ops", test_invalid_ops);
  ADD ("oversize", test_oversize);
  ADD ("flood", test_flood);
  ADD ("bad-tokens", test_bad_tokens);
  ADD ("viewer-edits", test_viewer_edits);
  ADD ("binary-frame", test_binary_frame);
  ADD ("wrong-version", test_wrong_version);
  ADD ("session-full", test_session_full);
  ADD ("slow-consumer", test_slow_consumer);
#undef ADD
  return g_test_run ();
}
