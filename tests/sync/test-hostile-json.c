/* test-hostile-json.c — JSON built to crash or stall a parser gets a clear
 * error over a real socket, and nobody else notices; damaged session files
 * cost only their own session
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-sync-test"

#include "config.h"

#include <string.h>

#include "sync-test-utils.h"
#include "tandem-journal.h"

typedef struct
{
  SyncTestServer   *ts;
  TandemSyncClient *good[2];
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  /* Default limits: 1 MiB messages, as a real server runs. */
  f->ts = sync_test_server_new (NULL, FALSE);
  sync_test_connect_editors (f->ts, f->good, 2);
}

/* Both good clients still get their edits echoed and agree with the server. */
static void
assert_others_unharmed (Fixture *f)
{
  const double tempos[] = { 100, 101 };

  sync_test_assert_clients_edit (f->ts, f->good, 2, tempos);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  assert_others_unharmed (f);
  for (guint i = 0; i < 2; i++)
    g_clear_object (&f->good[i]);
  sync_test_server_free (f->ts);
}

static SoupWebsocketConnection *
raw_connect (Fixture *f)
{
  SoupWebsocketConnection *conn = sync_test_raw_connect (f->ts->port, f->ts->session_id,
                                                         TANDEM_PROTOCOL_SUBPROTOCOL);

  g_assert_nonnull (conn);
  return conn;
}

/* The error the server answers @text with after a hello. */
static void
expect_bad_message (SoupWebsocketConnection *conn,
                    const char              *text,
                    const char              *what)
{
  g_autoptr(GBytes) bytes = g_bytes_new (text, strlen (text));
  g_autoptr(JsonObject) msg = NULL;

  soup_websocket_connection_send_message (conn, SOUP_WEBSOCKET_DATA_TEXT, bytes);
  msg = sync_test_raw_expect (conn, "error", 10000);
  g_assert_nonnull (msg);
  g_assert_cmpstr (json_object_get_string_member (msg, "code"), ==, TANDEM_CODE_BAD_MESSAGE);
  g_assert_nonnull (strstr (json_object_get_string_member (msg, "message"), what));
}

static char *
repeat (const char *open,
        const char *middle,
        const char *close,
        guint       n)
{
  GString *s = g_string_new (NULL);

  for (guint i = 0; i < n; i++)
    g_string_append (s, open);
  g_string_append (s, middle);
  for (guint i = 0; i < n; i++)
    g_string_append (s, close);
  return g_string_free (s, FALSE);
}

/* A raw connection that has joined as an editor: from now on a message up
 * to max_message_bytes reaches the bounded parser. */
static SoupWebsocketConnection *
raw_joined (Fixture    *f,
            const char *client_id)
{
  SoupWebsocketConnection *conn = raw_connect (f);
  g_autoptr(JsonObject) welcome = sync_test_raw_join (conn, f->ts->session_id,
                                                      f->ts->tokens[TANDEM_ROLE_EDITOR], client_id);

  g_assert_nonnull (welcome);
  return conn;
}

/* Before its hello a connection may send one small message: @text is far
 * over that, so the connection ends at the frame's header, unanswered and
 * unparsed, and a newcomer still joins. */
static void
expect_refused_before_hello (Fixture    *f,
                             const char *text)
{
  g_autoptr(SoupWebsocketConnection) c = raw_connect (f);
  g_autoptr(SoupWebsocketConnection) next = NULL;
  g_autoptr(GBytes) bytes = g_bytes_new (text, strlen (text));
  const TandemServerLimits *limits = tandem_session_server_get_limits (f->ts->server);
  JsonObject *msg;

  g_assert_cmpuint (strlen (text), >, limits->max_hello_bytes);
  soup_websocket_connection_send_message (c, SOUP_WEBSOCKET_DATA_TEXT, bytes);
  /* libsoup ends such a connection without a close frame (code 0). */
  while ((msg = sync_test_raw_next (c, 10000)) != NULL)
    {
      g_assert_cmpstr (json_object_get_string_member (msg, "code"), !=, TANDEM_CODE_BAD_MESSAGE);
      json_object_unref (msg);
    }
  g_assert_true (sync_test_raw_wait_closed (c, 10000));
  g_assert_cmpuint (soup_websocket_connection_get_close_code (c), ==, 0);
  next = raw_joined (f, "after-refused");
}

static char *
token_flood (void)
{
  GString *s = g_string_new ("[");

  /* 1 MiB of 349,000 empty objects: too many tokens for any message. */
  for (guint i = 0; i < 349000; i++)
    g_string_append (s, i == 0 ? "{}" : ",{}");
  g_string_append_c (s, ']');
  g_assert_cmpuint (s->len, <=, 1024 * 1024);
  return g_string_free (s, FALSE);
}

static void
test_nested_before_hello (Fixture *f, gconstpointer data)
{
  /* 170 KB: json-glib would recurse 85,000 levels deep. */
  g_autofree char *arrays = repeat ("[", "", "]", 85000);
  g_autofree char *tokens = token_flood ();

  expect_refused_before_hello (f, arrays);
  expect_refused_before_hello (f, tokens);
}

static void
test_nested_after_hello (Fixture *f, gconstpointer data)
{
  g_autoptr(SoupWebsocketConnection) c = raw_joined (f, "nester");
  /* 170 KB and 510 KB: json-glib would recurse 85,000 levels deep. */
  g_autofree char *arrays = repeat ("[", "", "]", 85000);
  g_autofree char *objects = repeat ("{\"a\":", "1", "}", 85000);

  expect_bad_message (c, arrays, "nested more than");
  expect_bad_message (c, objects, "nested more than");
}

static void
test_token_flood (Fixture *f, gconstpointer data)
{
  g_autoptr(SoupWebsocketConnection) c = raw_joined (f, "flooder");
  g_autofree char *text = token_flood ();

  expect_bad_message (c, text, "tokens");
}

static void
test_integer_wrap (Fixture *f, gconstpointer data)
{
  g_autoptr(SoupWebsocketConnection) c = raw_connect (f);
  TandemProject *project = tandem_sync_client_get_project (f->good[0]);
  g_autoptr(TandemTrack) track = g_list_model_get_item (tandem_project_get_tracks (project), 0);
  g_autoptr(TandemPattern) pattern = g_list_model_get_item (tandem_project_get_patterns (project), 0);
  g_autoptr(JsonObject) welcome = NULL;
  g_autofree char *before = sync_test_server_project (f->ts);
  g_autofree char *after = NULL;
  g_autofree char *msg = NULL;
  guint64 seq;

  welcome = sync_test_raw_join (c, f->ts->session_id, f->ts->tokens[TANDEM_ROLE_EDITOR],
                                "wrapper");
  g_assert_nonnull (welcome);
  seq = tandem_session_server_get_seq (f->ts->server, f->ts->session_id);
  /* -18446744073709551489 is -(2^64 - 127): json-glib alone reads 127. */
  msg = g_strdup_printf ("{\"type\":\"submit\",\"cseq\":1,\"ops\":[{\"op\":\"set\",\"kind\":\"cell\","
                         "\"id\":\"%s\",\"track\":\"%s\",\"step\":5,\"prop\":\"velocity\","
                         "\"value\":-18446744073709551489}]}",
                         tandem_pattern_get_id (pattern), tandem_track_get_id (track));
  expect_bad_message (c, msg, "beyond 64 bits");
  g_assert_cmpuint (tandem_session_server_get_seq (f->ts->server, f->ts->session_id), ==, seq);
  after = sync_test_server_project (f->ts);
  g_assert_cmpstr (after, ==, before);
}

/* ---- HTTP bodies -------------------------------------------------------------- */

static guint
post_session (Fixture     *f,
              const char  *body,
              char       **reply)
{
  return sync_test_http_call (f->ts->port, "POST", "/sessions", "admin-secret", body, 20000,
                              reply, NULL);
}

/* A body nested 85,000 deep, or a project of 1,000 tracks, is a 400 that
 * names the limit; no session is made and the server goes on. */
static void
test_http_bodies (Fixture *f, gconstpointer data)
{
  g_autofree char *nested = repeat ("{\"project\":", "{}", "}", 85000);
  GString *tracks = g_string_new ("{\"project\":{\"tracks\":[");
  g_autofree char *many = NULL;
  g_autofree char *reply = NULL;
  guint n = tandem_session_server_get_n_sessions (f->ts->server);

  tandem_session_server_set_admin_token (f->ts->server, "admin-secret");
  g_assert_cmpuint (post_session (f, nested, &reply), ==, 400);
  g_assert_nonnull (strstr (reply, "bad-message"));
  g_assert_nonnull (strstr (reply, "nested more than"));
  g_clear_pointer (&reply, g_free);

  for (guint i = 0; i < 1000; i++)
    g_string_append_printf (tracks, "%s{\"id\":\"t%u\"}", i ? "," : "", i);
  g_string_append (tracks, "]}}");
  many = g_string_free (tracks, FALSE);
  g_assert_cmpuint (post_session (f, many, &reply), ==, 400);
  g_assert_nonnull (strstr (reply, "at most 256 tracks"));
  g_assert_cmpuint (tandem_session_server_get_n_sessions (f->ts->server), ==, n);
}

/* ---- session files at server start ------------------------------------------ */

static void
write_file (const char *dir,
            const char *name,
            const char *text)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, text, -1, &error);
  g_assert_no_error (error);
}

static void
test_nested_session_files (void)
{
  g_autofree char *data_dir = sync_test_make_tmpdir ();
  g_autoptr(TandemProject) demo = tandem_project_new_demo ();
  g_autoptr(JsonNode) project = tandem_project_to_json (demo);
  g_autoptr(GError) error = NULL;
  g_autofree char *nested = repeat ("[", "", "]", 85000);
  char *ids[3];

  {
    g_autoptr(TandemSessionServer) server = tandem_session_server_new (data_dir, &error);

    g_assert_no_error (error);
    for (guint i = 0; i < 3; i++)
      {
        char *tokens[TANDEM_N_ROLES] = { NULL, };

        ids[i] = tandem_session_server_create_session (server, project, tokens, &error);
        g_assert_no_error (error);
        for (guint r = 0; r < TANDEM_N_ROLES; r++)
          g_free (tokens[r]);
      }
    tandem_session_server_shutdown (server);
  }
  /* Session 1's snapshot and session 2's metadata become parser bombs. */
  {
    g_autofree char *dir1 = g_build_filename (data_dir, "sessions", ids[1], NULL);
    g_autofree char *dir2 = g_build_filename (data_dir, "sessions", ids[2], NULL);

    write_file (dir1, "snapshot.json", nested);
    write_file (dir2, "session.json", nested);
  }

  /* Sessions load when first asked for, so the warnings come then. */
  g_test_expect_message ("tandem-sync", G_LOG_LEVEL_WARNING, "*not loaded*nested*");
  g_test_expect_message ("tandem-sync", G_LOG_LEVEL_WARNING, "*not loaded*nested*");
  {
    g_autoptr(TandemSessionServer) server = tandem_session_server_new (data_dir, &error);
    g_autofree char *json = NULL;

    g_assert_no_error (error);
    /* The intact session is there, the other two are not. */
    json = tandem_session_server_dup_project_string (server, ids[0]);
    g_assert_nonnull (json);
    g_assert_null (tandem_session_server_dup_project_string (server, ids[1]));
    g_assert_null (tandem_session_server_dup_project_string (server, ids[2]));
    g_test_assert_expected_messages ();
    tandem_session_server_shutdown (server);
  }
  for (guint i = 0; i < 3; i++)
    g_free (ids[i]);
  sync_test_rm_rf (data_dir);
}

/* A record whose checksum is right but whose text is blank or not JSON is
 * damaged like a torn one: dropped with a warning, not a critical. */
static void
test_journal_blank_record (void)
{
  static const char * const bodies[] = { "          ", "not json at all", "[[[[[[[[[[" };

  for (guint b = 0; b < G_N_ELEMENTS (bodies); b++)
    {
      g_autofree char *dir = sync_test_make_tmpdir ();
      g_autoptr(TandemJournal) journal = NULL;
      g_autoptr(GPtrArray) records = NULL;
      g_autoptr(JsonNode) snapshot = NULL;
      g_autoptr(GError) error = NULL;
      const char *good = "{\"type\":\"batch\",\"seq\":1,\"cseq\":1,\"client\":\"a\",\"ops\":[]}";
      g_autofree char *text = g_strdup_printf ("%08x %s\n%08x %s\n",
                                               tandem_crc32 (good, strlen (good)), good,
                                               tandem_crc32 (bodies[b], strlen (bodies[b])),
                                               bodies[b]);
      guint64 base = 0;
      guint dropped = 0;

      write_file (dir, "journal.log", text);
      journal = tandem_journal_open (dir, &error);
      g_assert_no_error (error);
      g_test_expect_message ("tandem-sync", G_LOG_LEVEL_WARNING, "*dropping 1 damaged*");
      g_assert_true (tandem_journal_recover (journal, &snapshot, &base, &records, &dropped, &error));
      g_test_assert_expected_messages ();
      g_assert_no_error (error);
      g_assert_cmpuint (records->len, ==, 1);
      g_assert_cmpuint (dropped, ==, 1);
      g_clear_pointer (&journal, tandem_journal_free);
      sync_test_rm_rf (dir);
    }
}

int
main (int    argc,
      char **argv)
{
  sync_test_init (&argc, &argv);
#define ADD(path, fn) g_test_add ("/sync/hostile-json/" path, Fixture, NULL, fixture_setup, fn, \
                                  fixture_teardown)
  ADD ("nested-before-hello", test_nested_before_hello);
  ADD ("nested-after-hello", test_nested_after_hello);
  ADD ("token-flood", test_token_flood);
  ADD ("integer-wrap", test_integer_wrap);
  ADD ("http-bodies", test_http_bodies);
#undef ADD
  g_test_add_func ("/sync/hostile-json/nested-session-files", test_nested_session_files);
  g_test_add_func ("/sync/hostile-json/journal-blank-record", test_journal_blank_record);
  return g_test_run ();
}
