/* test-hostile-session.c — what someone holding a link can try: take over an
 * id, lie about acks, stop reading, fill every seat, send bad presence
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-sync-test"

#include "config.h"

#include <string.h>
#include <sys/socket.h>

#include "sync-test-utils.h"

typedef struct
{
  SyncTestServer   *ts;
  TandemSyncClient *editor;
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  TandemServerLimits limits;
  g_autofree char *invite = NULL;

  tandem_server_limits_init_defaults (&limits);
  limits.max_clients_per_session = 4;
  limits.max_viewers_per_session = 2;
  limits.max_ops_per_second = 100000;
  limits.ops_burst = 100000;
  limits.max_messages_per_second = 100000;
  limits.max_outbound_bytes = 256 * 1024;
  f->ts = sync_test_server_new (&limits, TRUE);
  invite = sync_test_server_invite (f->ts, TANDEM_ROLE_EDITOR);
  f->editor = sync_test_client_new ();
  g_assert_true (tandem_sync_client_connect (f->editor, invite, NULL));
  g_assert_true (sync_test_wait_live (f->editor));
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_clear_object (&f->editor);
  sync_test_server_free (f->ts);
}

/* The editor still edits, and the server still takes its edits. */
static void
assert_editor_unharmed (Fixture *f)
{
  g_autoptr(TandemOp) op = tandem_op_new_set_double (TANDEM_ENTITY_PROJECT, NULL, "tempo", 133);
  guint64 seq = tandem_session_server_get_seq (f->ts->server, f->ts->session_id);
  g_autofree char *server_json = NULL;
  g_autofree char *json = NULL;

  g_assert_cmpint (tandem_sync_client_get_state (f->editor), ==, TANDEM_SYNC_STATE_LIVE);
  g_assert_true (tandem_sync_client_submit (f->editor, op, NULL));
  g_assert_true (sync_test_wait_converged (f->ts, &f->editor, 1, 10000));
  g_assert_cmpuint (tandem_session_server_get_seq (f->ts->server, f->ts->session_id), ==, seq + 1);
  server_json = sync_test_server_project (f->ts);
  json = tandem_project_to_string (tandem_sync_client_get_project (f->editor));
  g_assert_cmpstr (json, ==, server_json);
}

static SoupWebsocketConnection *
raw_connect (Fixture *f)
{
  SoupWebsocketConnection *conn = sync_test_raw_connect (f->ts->port, f->ts->session_id,
                                                         TANDEM_PROTOCOL_SUBPROTOCOL);

  g_assert_nonnull (conn);
  return conn;
}

static SoupWebsocketConnection *
raw_join (Fixture    *f,
          TandemRole  role,
          const char *client_id)
{
  SoupWebsocketConnection *conn = raw_connect (f);
  g_autoptr(JsonObject) welcome = sync_test_raw_join (conn, f->ts->session_id, f->ts->tokens[role],
                                                      client_id);

  g_assert_nonnull (welcome);
  return conn;
}

static void
send_hello (SoupWebsocketConnection *conn,
            const char              *token,
            const char              *client_id,
            const char              *secret)
{
  g_autofree char *hello = g_strdup_printf ("{\"type\":\"hello\",\"version\":1,\"token\":\"%s\","
                                            "\"client\":\"%s\",\"secret\":\"%s\"}",
                                            token, client_id, secret);

  soup_websocket_connection_send_text (conn, hello);
}

/* Identity */

static void
test_takeover_refused (Fixture *f, gconstpointer data)
{
  g_autoptr(SoupWebsocketConnection) thief = raw_connect (f);
  g_autofree char *secret = sync_test_client_secret ("thief");
  const char *victim = tandem_sync_client_get_client_id (f->editor);

  /* The id is in every welcome; the secret is not. */
  send_hello (thief, f->ts->tokens[TANDEM_ROLE_VIEWER], victim, secret);
  sync_test_raw_expect_error (thief, TANDEM_CODE_WRONG_SECRET);
  sync_test_raw_expect_closed (thief, TANDEM_CLOSE_WRONG_SECRET);
  g_assert_cmpuint (tandem_session_server_get_n_clients (f->ts->server, f->ts->session_id), ==, 1);

  /* A hello without a secret is not a way around it. */
  {
    g_autoptr(SoupWebsocketConnection) c = raw_connect (f);
    g_autofree char *hello = g_strdup_printf ("{\"type\":\"hello\",\"version\":1,\"token\":\"%s\","
                                              "\"client\":\"%s\"}",
                                              f->ts->tokens[TANDEM_ROLE_EDITOR], victim);

    soup_websocket_connection_send_text (c, hello);
    sync_test_raw_expect_error (c, TANDEM_CODE_BAD_MESSAGE);
    sync_test_raw_expect_closed (c, TANDEM_CLOSE_PROTOCOL_ERROR);
  }
  assert_editor_unharmed (f);
}

static void
test_rejected_batches_leave_counter (Fixture *f, gconstpointer data)
{
  g_autoptr(SoupWebsocketConnection) viewer = raw_join (f, TANDEM_ROLE_VIEWER, "viewer1");
  g_autoptr(SoupWebsocketConnection) editor = raw_join (f, TANDEM_ROLE_EDITOR, "editor1");
  g_autoptr(JsonObject) r1 = NULL, r2 = NULL, batch = NULL;

  /* Neither a viewer's submit nor an editor's refused one moves the
   * duplicate counter, however large its cseq. */
  soup_websocket_connection_send_text (viewer, "{\"type\":\"submit\",\"cseq\":9223372036854775807,"
                                               "\"ops\":[{\"op\":\"set\",\"kind\":\"project\","
                                               "\"prop\":\"tempo\",\"value\":99}]}");
  r1 = sync_test_raw_expect_reject_msg (viewer, G_MAXINT64, TANDEM_CODE_FORBIDDEN);
  soup_websocket_connection_send_text (editor, "{\"type\":\"submit\",\"cseq\":9223372036854775807,"
                                               "\"ops\":[{\"op\":\"explode\"}]}");
  r2 = sync_test_raw_expect_reject_msg (editor, G_MAXINT64, TANDEM_CODE_INVALID_OP);

  soup_websocket_connection_send_text (editor, "{\"type\":\"submit\",\"cseq\":1,\"ops\":[{\"op\":\"set\","
                                               "\"kind\":\"project\",\"prop\":\"tempo\",\"value\":99}]}");
  batch = sync_test_raw_expect (editor, "batch", 10000);
  g_assert_nonnull (batch);
  g_assert_cmpstr (json_object_get_string_member (batch, "client"), ==, "editor1");
  g_assert_cmpint (json_object_get_int_member (batch, "cseq"), ==, 1);
  assert_editor_unharmed (f);
}

static void
restart_server (Fixture *f)
{
  g_autoptr(GError) error = NULL;

  sync_test_server_shutdown (f->ts->server);
  g_clear_object (&f->ts->server);
  f->ts->server = tandem_session_server_new (f->ts->data_dir, &error);
  g_assert_no_error (error);
  tandem_session_server_listen (f->ts->server, "127.0.0.1", 0, &error);
  g_assert_no_error (error);
  f->ts->port = tandem_session_server_get_port (f->ts->server);
}

static void
test_secret_survives_restart (Fixture *f, gconstpointer data)
{
  g_autoptr(SoupWebsocketConnection) editor = raw_join (f, TANDEM_ROLE_EDITOR, "keeper");
  g_autoptr(SoupWebsocketConnection) thief = NULL;
  g_autoptr(SoupWebsocketConnection) back = NULL;
  g_autoptr(JsonObject) batch = NULL, welcome = NULL;
  g_autofree char *secret = sync_test_client_secret ("thief");

  soup_websocket_connection_send_text (editor, "{\"type\":\"submit\",\"cseq\":1,\"ops\":[{\"op\":\"set\","
                                               "\"kind\":\"project\",\"prop\":\"tempo\",\"value\":97}]}");
  batch = sync_test_raw_expect (editor, "batch", 10000);
  g_assert_nonnull (batch);
  soup_websocket_connection_close (editor, TANDEM_CLOSE_NORMAL, NULL);
  g_assert_true (sync_test_raw_wait_closed (editor, 10000));
  g_clear_object (&f->editor);
  restart_server (f);

  thief = raw_connect (f);
  send_hello (thief, f->ts->tokens[TANDEM_ROLE_EDITOR], "keeper", secret);
  sync_test_raw_expect_error (thief, TANDEM_CODE_WRONG_SECRET);
  sync_test_raw_expect_closed (thief, TANDEM_CLOSE_WRONG_SECRET);

  /* The real one is known again, with its counter. */
  back = raw_connect (f);
  welcome = sync_test_raw_join (back, f->ts->session_id, f->ts->tokens[TANDEM_ROLE_EDITOR], "keeper");
  g_assert_nonnull (welcome);
  g_assert_cmpint (json_object_get_int_member (welcome, "client_seq"), ==, 1);
}

static void
test_viewer_id_then_editor (Fixture *f, gconstpointer data)
{
  g_autoptr(SoupWebsocketConnection) as_viewer = raw_join (f, TANDEM_ROLE_VIEWER, "two-hats");
  g_autoptr(SoupWebsocketConnection) as_editor = NULL;
  g_autoptr(SoupWebsocketConnection) thief = NULL;
  g_autoptr(JsonObject) batch = NULL;
  g_autofree char *secret = sync_test_client_secret ("thief");

  /* Bound in memory as a viewer's; journaled once it edits. */
  soup_websocket_connection_close (as_viewer, TANDEM_CLOSE_NORMAL, NULL);
  g_assert_true (sync_test_raw_wait_closed (as_viewer, 10000));
  as_editor = raw_join (f, TANDEM_ROLE_EDITOR, "two-hats");
  soup_websocket_connection_send_text (as_editor, "{\"type\":\"submit\",\"cseq\":1,\"ops\":[{\"op\":\"set\","
                                                  "\"kind\":\"project\",\"prop\":\"tempo\",\"value\":96}]}");
  batch = sync_test_raw_expect (as_editor, "batch", 10000);
  g_assert_nonnull (batch);
  soup_websocket_connection_close (as_editor, TANDEM_CLOSE_NORMAL, NULL);
  g_assert_true (sync_test_raw_wait_closed (as_editor, 10000));
  g_clear_object (&f->editor);
  restart_server (f);

  thief = raw_connect (f);
  send_hello (thief, f->ts->tokens[TANDEM_ROLE_EDITOR], "two-hats", secret);
  sync_test_raw_expect_error (thief, TANDEM_CODE_WRONG_SECRET);
  sync_test_raw_expect_closed (thief, TANDEM_CLOSE_WRONG_SECRET);
}

/* Acks and the outbound budget */

static void
test_ack_ahead (Fixture *f, gconstpointer data)
{
  g_autoptr(SoupWebsocketConnection) viewer = raw_join (f, TANDEM_ROLE_VIEWER, "liar");
  g_autoptr(SoupWebsocketConnection) pinger = raw_join (f, TANDEM_ROLE_VIEWER, "liar2");

  soup_websocket_connection_send_text (viewer, "{\"type\":\"ack\",\"seq\":1000000000}");
  sync_test_raw_expect_error (viewer, TANDEM_CODE_BAD_ACK);
  sync_test_raw_expect_closed (viewer, TANDEM_CLOSE_PROTOCOL_ERROR);
  /* Pings carry an ack too. */
  soup_websocket_connection_send_text (pinger, "{\"type\":\"ping\",\"t\":1,\"seq\":1000000000}");
  sync_test_raw_expect_error (pinger, TANDEM_CODE_BAD_ACK);
  sync_test_raw_expect_closed (pinger, TANDEM_CLOSE_PROTOCOL_ERROR);
  assert_editor_unharmed (f);
}

/* A WebSocket client on a bare TCP socket with a tiny receive buffer, that
 * joins and then never reads again. */
static GSocket *
non_reading_viewer (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GInetAddress) lo = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) addr = g_inet_socket_address_new (lo, f->ts->port);
  g_autofree char *request = NULL;
  g_autofree char *secret = sync_test_client_secret ("sloth");
  g_autofree char *hello = NULL;
  GSocket *sock = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, 0, &error);
  GString *frame = g_string_new (NULL);
  char response[4096];
  gsize got = 0, len;

  g_assert_no_error (error);
  g_assert_true (g_socket_set_option (sock, SOL_SOCKET, SO_RCVBUF, 4096, &error));
  g_assert_true (g_socket_connect (sock, addr, NULL, &error));
  request = g_strdup_printf ("GET /session/%s HTTP/1.1\r\nHost: 127.0.0.1:%u\r\n"
                             "Upgrade: websocket\r\nConnection: Upgrade\r\n"
                             "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                             "Sec-WebSocket-Version: 13\r\n"
                             "Sec-WebSocket-Protocol: " TANDEM_PROTOCOL_SUBPROTOCOL "\r\n\r\n",
                             f->ts->session_id, f->ts->port);
  g_assert_cmpint (g_socket_send (sock, request, strlen (request), NULL, &error), ==, strlen (request));
  g_socket_set_blocking (sock, FALSE);
  /* The 101 answer (read while the server's main loop runs). */
  while (got < 4 || g_strstr_len (response, got, "\r\n\r\n") == NULL)
    {
      gssize n = g_socket_receive (sock, response + got, sizeof response - got - 1, NULL, NULL);

      if (n > 0)
        got += n;
      else
        g_main_context_iteration (NULL, TRUE);
    }
  response[got] = '\0';
  g_assert_nonnull (strstr (response, " 101 "));

  hello = g_strdup_printf ("{\"type\":\"hello\",\"version\":1,\"token\":\"%s\",\"client\":\"sloth\","
                           "\"secret\":\"%s\"}", f->ts->tokens[TANDEM_ROLE_VIEWER], secret);
  len = strlen (hello);
  g_assert_cmpuint (len, <, 65536);
  /* A masked text frame; the mask of zeros leaves the payload as it is. */
  g_string_append_c (frame, (char) 0x81);
  g_string_append_c (frame, (char) (0x80 | 126));
  g_string_append_c (frame, (char) (len >> 8));
  g_string_append_c (frame, (char) (len & 0xff));
  g_string_append_len (frame, "\0\0\0\0", 4);
  g_string_append_len (frame, hello, len);
  g_assert_cmpint (g_socket_send (sock, frame->str, frame->len, NULL, &error), ==, frame->len);
  g_string_free (frame, TRUE);
  return sock;
}

typedef struct
{
  Fixture *f;
  guint    n;
} ClientCount;

static gboolean
n_clients_is (gpointer data)
{
  ClientCount *c = data;

  return tandem_session_server_get_n_clients (c->f->ts->server, c->f->ts->session_id) == c->n;
}

static gboolean
echoed (gpointer data)
{
  return tandem_sync_client_get_n_pending (data) == 0;
}

static void
test_non_reader_dropped (Fixture *f, gconstpointer data)
{
  g_autoptr(GSocket) sloth = non_reading_viewer (f);
  ClientCount two = { f, 2 }, one = { f, 1 };
  TandemProject *project = tandem_sync_client_get_project (f->editor);
  g_autoptr(TandemTrack) track = g_list_model_get_item (tandem_project_get_tracks (project), 0);
  const char *pattern = tandem_project_get_current_pattern (project);
  guint n_batches = 0;
  gint64 start;

  g_assert_true (sync_test_wait (n_clients_is, &two, 10000));
  /* Long before the time limit, far more bytes than the byte budget and
   * every kernel buffer: only counting bytes catches it. */
  start = g_get_monotonic_time ();
  while (!n_clients_is (&one) && n_batches < 2000)
    {
      g_autoptr(TandemOp) batch = tandem_op_new_batch ();

      for (int step = 0; step < 64; step++)
        tandem_op_batch_add (batch, tandem_op_new_set_cell (pattern, tandem_track_get_id (track), step,
                                                            "velocity", 1 + (n_batches + step) % 127));
      g_assert_true (tandem_sync_client_submit (f->editor, batch, NULL));
      g_assert_true (sync_test_wait (echoed, f->editor, 10000));
      n_batches++;
    }
  g_test_message ("the non-reading viewer was dropped after %u batches", n_batches);
  g_assert_true (n_clients_is (&one));
  g_assert_cmpint (g_get_monotonic_time () - start, <,
                   (gint64) tandem_session_server_get_limits (f->ts->server)->max_behind_ms * 1000);
  assert_editor_unharmed (f);
  g_socket_close (sloth, NULL);
}

/* Seats */

static void
test_viewers_yield_seats (Fixture *f, gconstpointer data)
{
  g_autoptr(SoupWebsocketConnection) v1 = raw_join (f, TANDEM_ROLE_VIEWER, "seat-v1");
  g_autoptr(SoupWebsocketConnection) v2 = raw_join (f, TANDEM_ROLE_VIEWER, "seat-v2");
  g_autoptr(SoupWebsocketConnection) v3 = raw_connect (f);
  g_autoptr(SoupWebsocketConnection) e1 = NULL;
  g_autoptr(SoupWebsocketConnection) e2 = NULL;
  g_autoptr(JsonObject) welcome = NULL;
  g_autofree char *secret = sync_test_client_secret ("seat-v3");

  /* Viewers have their own cap… */
  send_hello (v3, f->ts->tokens[TANDEM_ROLE_VIEWER], "seat-v3", secret);
  sync_test_raw_expect_error (v3, TANDEM_CODE_SESSION_FULL);
  sync_test_raw_expect_closed (v3, TANDEM_CLOSE_SESSION_FULL);
  /* …so an editor still finds a seat… */
  e1 = raw_join (f, TANDEM_ROLE_EDITOR, "seat-e1");
  g_assert_cmpuint (tandem_session_server_get_n_clients (f->ts->server, f->ts->session_id), ==, 4);
  /* …and when the session is full, the first viewer gives up its own. */
  e2 = raw_connect (f);
  welcome = sync_test_raw_join (e2, f->ts->session_id, f->ts->tokens[TANDEM_ROLE_OWNER], "seat-owner");
  g_assert_nonnull (welcome);
  sync_test_raw_expect_error (v1, TANDEM_CODE_SEAT_YIELDED);
  sync_test_raw_expect_closed (v1, TANDEM_CLOSE_SEAT_YIELDED);
  g_assert_cmpint (soup_websocket_connection_get_state (v2), ==, SOUP_WEBSOCKET_STATE_OPEN);
  assert_editor_unharmed (f);
}

/* Presence */

static void
send_presence (SoupWebsocketConnection *conn,
               const char              *members)
{
  g_autofree char *text = g_strdup_printf ("{\"type\":\"presence\",%s}", members);

  soup_websocket_connection_send_text (conn, text);
}

static void
test_presence_validated (Fixture *f, gconstpointer data)
{
  static const char *bad[] = {
    "\"name\":\"evil\\u202egnp.exe\"",          /* bidi override */
    "\"name\":\"iso\\u2067late\"",              /* bidi isolate */
    "\"name\":\"ding\\u0007\"",                 /* BEL */
    "\"name\":\"\\u001b[31mred\\u001b[0m\"",    /* ANSI escape */
    "\"name\":\"zero\\u200bwidth\"",            /* invisible */
    "\"name\":\"two\\nlines\"",
    "\"name\":\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"",
    "\"color\":\"red\"",
    "\"color\":\"#12345g\"",
    "\"color\":\"#1234567\"",
    "\"cursor\":{\"step\":\"seven\"}",
    "\"cursor\":{\"step\":64}",
    "\"cursor\":{\"step\":-1}",
    "\"cursor\":{\"track\":\"../../etc\"}",
    "\"cursor\":{\"pattern\":12}",
    "\"cursor\":{\"control\":\"Volume!\"}",
    "\"cursor\":{\"evil\":[1,2,3]}",
    "\"cursor\":[1]",
    "\"view\":{\"page\":\"kitchen\"}",
    "\"view\":{\"page\":7}",
    "\"view\":{\"pattern\":\"../../etc\"}",
    "\"view\":{\"pattern\":\"p1\",\"scroll\":3}",
    "\"view\":\"grid\"",
  };
  g_autoptr(SoupWebsocketConnection) sender = raw_join (f, TANDEM_ROLE_EDITOR, "presenter");
  g_autoptr(SoupWebsocketConnection) watcher = raw_join (f, TANDEM_ROLE_VIEWER, "watcher");
  JsonObject *msg, *view;

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_test_message ("presence %s", bad[i]);
      send_presence (sender, bad[i]);
      sync_test_raw_expect_error (sender, TANDEM_CODE_INVALID_PRESENCE);
    }
  /* Decomposed "ë", padded: others see it composed and trimmed. */
  send_presence (sender, "\"name\":\"  Zoe\\u0308  \",\"color\":\"#A0B1C2\","
                         "\"cursor\":{\"step\":63,\"control\":\"volume\"},"
                         "\"view\":{\"pattern\":\"p1\",\"page\":\"mixer\"}");
  while ((msg = sync_test_raw_expect (watcher, "presence", 10000)) != NULL)
    {
      const char *name = json_object_get_string_member (msg, "name");

      if (g_strcmp0 (json_object_get_string_member (msg, "client"), "presenter") == 0
          && g_strcmp0 (name, "raw") != 0)
        {
          /* Nothing invalid was forwarded before it. */
          g_assert_cmpstr (name, ==, "Zo\xc3\xab");
          g_assert_cmpstr (json_object_get_string_member (msg, "color"), ==, "#a0b1c2");
          g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (msg, "cursor"),
                                                       "step"), ==, 63);
          view = json_object_get_object_member (msg, "view");
          g_assert_cmpstr (json_object_get_string_member (view, "page"), ==, "mixer");
          json_object_unref (msg);
          break;
        }
      json_object_unref (msg);
    }
  g_assert_nonnull (msg);
  assert_editor_unharmed (f);
}

/* Roles */

static void
send_set_role (SoupWebsocketConnection *conn,
               const char              *members)
{
  g_autofree char *text = g_strdup_printf ("{\"type\":\"set-role\",%s}", members);

  soup_websocket_connection_send_text (conn, text);
}

static void
send_tempo (SoupWebsocketConnection *conn,
            gint64                   cseq)
{
  g_autofree char *text =
    g_strdup_printf ("{\"type\":\"submit\",\"cseq\":%" G_GINT64_FORMAT ",\"ops\":[{\"op\":"
                     "\"set\",\"kind\":\"project\",\"prop\":\"tempo\",\"value\":121}]}", cseq);

  soup_websocket_connection_send_text (conn, text);
}

/* The next presence about @client_id says it has @role. */
static void
expect_role (SoupWebsocketConnection *conn,
             const char              *client_id,
             const char              *role)
{
  JsonObject *msg;

  while ((msg = sync_test_raw_expect (conn, "presence", 10000)) != NULL)
    {
      gboolean done = g_strcmp0 (json_object_get_string_member (msg, "client"), client_id) == 0 &&
                      g_strcmp0 (json_object_get_string_member (msg, "role"), role) == 0;

      json_object_unref (msg);
      if (done)
        return;
    }
  g_assert_not_reached ();
}

/* Only the owner changes roles, to editor or viewer, of someone there; an
 * editor made a listener has its next edit refused, a listener made an
 * editor can edit, and everyone hears of it. */
static void
test_set_role_validated (Fixture *f, gconstpointer data)
{
  static const char *bad[] = {
    "\"client\":\"lis\"",
    "\"role\":\"editor\"",
    "\"client\":\"lis\",\"role\":\"owner\"",
    "\"client\":\"lis\",\"role\":\"king\"",
    "\"client\":7,\"role\":\"editor\"",
  };
  g_autoptr(SoupWebsocketConnection) owner = raw_join (f, TANDEM_ROLE_OWNER, "own");
  g_autoptr(SoupWebsocketConnection) editor = raw_join (f, TANDEM_ROLE_EDITOR, "ed");
  g_autoptr(SoupWebsocketConnection) listener = raw_join (f, TANDEM_ROLE_VIEWER, "lis");

  /* An editor may not promote anyone, nor itself. */
  send_set_role (editor, "\"client\":\"lis\",\"role\":\"editor\"");
  sync_test_raw_expect_error (editor, TANDEM_CODE_FORBIDDEN);
  send_set_role (listener, "\"client\":\"lis\",\"role\":\"editor\"");
  sync_test_raw_expect_error (listener, TANDEM_CODE_FORBIDDEN);
  send_tempo (listener, 1);
  sync_test_raw_expect_reject (listener, 1, TANDEM_CODE_FORBIDDEN);

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_test_message ("set-role %s", bad[i]);
      send_set_role (owner, bad[i]);
      sync_test_raw_expect_error (owner, TANDEM_CODE_BAD_MESSAGE);
    }
  send_set_role (owner, "\"client\":\"nobody\",\"role\":\"editor\"");
  sync_test_raw_expect_error (owner, TANDEM_CODE_NOT_IN_SESSION);
  send_set_role (editor, "\"client\":\"own\",\"role\":\"viewer\"");
  sync_test_raw_expect_error (editor, TANDEM_CODE_FORBIDDEN);

  /* Demoted: the editor itself and the others hear it; its edit is refused. */
  send_set_role (owner, "\"client\":\"ed\",\"role\":\"viewer\"");
  expect_role (editor, "ed", "viewer");
  expect_role (listener, "ed", "viewer");
  send_tempo (editor, 1);
  sync_test_raw_expect_reject (editor, 1, TANDEM_CODE_FORBIDDEN);

  /* Promoted: the listener's edit goes through. */
  send_set_role (owner, "\"client\":\"lis\",\"role\":\"editor\"");
  expect_role (listener, "lis", "editor");
  send_tempo (listener, 2);
  {
    g_autoptr(JsonObject) batch = sync_test_raw_expect (listener, "batch", 10000);

    g_assert_nonnull (batch);
    g_assert_cmpstr (json_object_get_string_member (batch, "client"), ==, "lis");
  }
  assert_editor_unharmed (f);
}

/* A role the owner gave outlives the connection: the demoted editor
 * cannot edit again by reconnecting with its editor's link, and the
 * promoted listener is still an editor after its Wi-Fi drops. */
static void
test_set_role_survives_reconnect (Fixture *f, gconstpointer data)
{
  g_autoptr(SoupWebsocketConnection) owner = raw_join (f, TANDEM_ROLE_OWNER, "own");
  g_autoptr(SoupWebsocketConnection) editor = raw_join (f, TANDEM_ROLE_EDITOR, "ed");
  g_autoptr(SoupWebsocketConnection) listener = raw_join (f, TANDEM_ROLE_VIEWER, "lis");
  g_autoptr(SoupWebsocketConnection) editor_again = NULL;
  g_autoptr(SoupWebsocketConnection) listener_again = NULL;
  g_autoptr(JsonObject) batch = NULL;

  send_set_role (owner, "\"client\":\"ed\",\"role\":\"viewer\"");
  expect_role (owner, "ed", "viewer");
  send_set_role (owner, "\"client\":\"lis\",\"role\":\"editor\"");
  expect_role (owner, "lis", "editor");

  editor_again = raw_join (f, TANDEM_ROLE_EDITOR, "ed");
  listener_again = raw_join (f, TANDEM_ROLE_VIEWER, "lis");
  send_tempo (editor_again, 1);
  sync_test_raw_expect_reject (editor_again, 1, TANDEM_CODE_FORBIDDEN);
  send_tempo (listener_again, 1);
  batch = sync_test_raw_expect (listener_again, "batch", 10000);
  g_assert_nonnull (batch);
  g_assert_cmpstr (json_object_get_string_member (batch, "client"), ==, "lis");
  assert_editor_unharmed (f);
}

int
main (int    argc,
      char **argv)
{
  sync_test_init (&argc, &argv);
#define ADD(path, fn) g_test_add ("/sync/hostile-session/" path, Fixture, NULL, fixture_setup, fn, fixture_teardown)
  ADD ("takeover-refused", test_takeover_refused);
  ADD ("rejected-batches-leave-counter", test_rejected_batches_leave_counter);
  ADD ("secret-survives-restart", test_secret_survives_restart);
  ADD ("viewer-id-then-editor", test_viewer_id_then_editor);
  ADD ("ack-ahead", test_ack_ahead);
  ADD ("non-reader-dropped", test_non_reader_dropped);
  ADD ("viewers-yield-seats", test_viewers_yield_seats);
  ADD ("presence-validated", test_presence_validated);
  ADD ("set-role-validated", test_set_role_validated);
  ADD ("set-role-survives-reconnect", test_set_role_survives_reconnect);
#undef ADD
  return g_test_run ();
}
