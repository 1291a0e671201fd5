/* test-samples.c — sample sharing: verified resumable transfer, refusals, quota
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-samples"

#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gstdio.h>
#include <sndfile.h>

#include "sync-test-utils.h"
#include "tandem-engine.h"
#include "tandem-export.h"
#include "tandem-sample-import.h"

static char *tmp;

static char *
make_audio_channels (const char *name,
                     guint       channels,
                     const char *sox_args)
{
  g_autofree char *path = g_build_filename (tmp, name, NULL);
  g_autofree char *cmd = g_strdup_printf ("sox -n -r 48000 -c %u -b 16 %s %s", channels, path, sox_args);
  g_autoptr(GError) error = NULL;
  int status = 0;

  g_assert_true (g_spawn_command_line_sync (cmd, NULL, NULL, &status, &error));
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  return g_steal_pointer (&path);
}

static char *
make_audio (const char *name,
            const char *sox_args)
{
  return make_audio_channels (name, 1, sox_args);
}

static char *
file_sha256 (const char *path)
{
  g_autofree char *data = NULL;
  gsize len;

  if (!g_file_get_contents (path, &data, &len, NULL))
    return NULL;
  return g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) data, len);
}

/* Sharing */

static SyncTestPeer *
peer_new (SyncTestServer *ts,
          const char     *name)
{
  g_autofree char *dir = g_build_filename (tmp, name, NULL);

  return sync_test_peer_new (ts, dir);
}

typedef struct
{
  SyncTestPeer **peers;
  guint          n;
  const char    *hash;
} HoldData;

static gboolean
all_hold (gpointer data)
{
  HoldData *h = data;

  for (guint i = 0; i < h->n; i++)
    {
      g_autofree char *path = tandem_sample_store_lookup (h->peers[i]->store, h->hash);

      if (path == NULL)
        return FALSE;
    }
  return TRUE;
}

static gboolean
transfer_finished (gpointer data)
{
  return tandem_sample_transfer_is_finished (data);
}

/* Peak of the render of @project (others muted but @track_id) with @store. */
static float
render_peak (TandemProject     *source,
             const char        *track_id,
             TandemSampleStore *store)
{
  g_autoptr(JsonNode) json = tandem_project_to_json (source);
  g_autoptr(TandemProject) project = tandem_project_new_from_json (json, NULL);
  g_autofree char *out = g_build_filename (tmp, "render.wav", NULL);
  g_autoptr(GError) error = NULL;
  GListModel *tracks = tandem_project_get_tracks (project);
  g_autofree float *buf = NULL;
  SF_INFO info = { 0 };
  SNDFILE *file;
  float peak = 0;
  sf_count_t n;

  for (guint i = 0; i < g_list_model_get_n_items (tracks); i++)
    {
      g_autoptr(TandemTrack) track = g_list_model_get_item (tracks, i);
      g_autoptr(TandemOp) op = NULL;

      if (strcmp (tandem_track_get_id (track), track_id) == 0)
        continue;
      op = tandem_op_new_set_boolean (TANDEM_ENTITY_TRACK, tandem_track_get_id (track), "mute", TRUE);
      g_assert_true (tandem_project_apply (project, op, NULL, NULL));
    }
  g_assert_true (tandem_export_render_to_file_full (project, out, 48000, store, 0, NULL, NULL, NULL,
                                                    &error));
  g_assert_no_error (error);
  file = sf_open (out, SFM_READ, &info);
  g_assert_nonnull (file);
  buf = g_new (float, info.frames * info.channels);
  n = sf_readf_float (file, buf, info.frames);
  sf_close (file);
  for (sf_count_t i = 0; i < n * info.channels; i++)
    peak = MAX (peak, fabsf (buf[i]));
  g_unlink (out);
  return peak;
}

static void
test_share (void)
{
  SyncTestServer *ts = sync_test_server_new (NULL, FALSE);
  SyncTestPeer *peers[3];
  g_autofree char *wav = make_audio ("shared.wav", "synth 0.25 square 220 vol 0.5");
  g_autoptr(TandemSampleImport) import = NULL;
  g_autoptr(TandemOp) op = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(TandemTrack) track = NULL;
  g_autofree char *track_id = NULL;
  g_autofree char *empty_dir = g_build_filename (tmp, "empty-store", NULL);
  g_autoptr(TandemSampleStore) empty = tandem_sample_store_new (empty_dir);
  TandemSampleTransfer *up;
  HoldData hold;

  for (guint i = 0; i < 3; i++)
    {
      g_autofree char *name = g_strdup_printf ("peer-%u", i);
      peers[i] = peer_new (ts, name);
    }
  g_assert_true (sync_test_wait_converged (ts, (TandemSyncClient *[]) { peers[0]->client,
                                            peers[1]->client, peers[2]->client }, 3, 10000));
  track = g_list_model_get_item (tandem_project_get_tracks (tandem_sync_client_get_project (peers[0]->client)), 0);
  track_id = g_strdup (tandem_track_get_id (track));

  /* What a drop does: import, one batch op, upload. */
  import = tandem_sample_import_file (peers[0]->store, wav, 0, NULL, &error);
  g_assert_no_error (error);
  op = tandem_sample_import_build_op (tandem_sync_client_get_project (peers[0]->client), import, track_id);
  g_assert_true (tandem_sync_client_submit (peers[0]->client, op, &error));
  g_assert_no_error (error);
  up = g_object_ref (tandem_sample_transfers_upload (peers[0]->transfers, import->hash));

  hold.peers = peers;
  hold.n = 3;
  hold.hash = import->hash;
  g_assert_true (sync_test_wait (all_hold, &hold, 20000));
  g_assert_true (sync_test_wait (transfer_finished, up, 10000));
  g_assert_cmpint (tandem_sample_transfer_get_state (up), ==, TANDEM_TRANSFER_DONE);
  g_object_unref (up);

  for (guint i = 1; i < 3; i++)
    {
      TandemProject *project = tandem_sync_client_get_project (peers[i]->client);
      g_autofree char *path = tandem_sample_store_lookup (peers[i]->store, import->hash);
      g_autofree char *sum = file_sha256 (path);
      TandemTrack *t = tandem_project_find_track (project, track_id);
      g_autofree char *instrument = g_strconcat ("sample:", import->hash, NULL);
      float with, without;

      g_assert_cmpstr (sum, ==, import->hash);
      g_assert_cmpstr (tandem_track_get_instrument (t), ==, instrument);
      g_assert_cmpstr (tandem_sample_info_get_name (tandem_project_find_sample (project, import->hash)),
                       ==, "shared.wav");
      /* The peer's render plays the sample on that track; without the
       * sample's bytes the track is silent. */
      with = render_peak (project, track_id, peers[i]->store);
      without = render_peak (project, track_id, empty);
      g_assert_cmpfloat (with, >, 0.1f);
      g_assert_cmpfloat (without, ==, 0.0f);
    }

  /* A late joiner fetches what the snapshot references. */
  {
    SyncTestPeer *late = peer_new (ts, "peer-late");
    SyncTestPeer *one[] = { late };

    hold.peers = one;
    hold.n = 1;
    g_assert_true (sync_test_wait (all_hold, &hold, 20000));
    sync_test_peer_free (late);
  }

  for (guint i = 0; i < 3; i++)
    sync_test_peer_free (peers[i]);
  sync_test_server_free (ts);
}

static void
test_resume (void)
{
  SyncTestServer *ts = sync_test_server_new (NULL, FALSE);
  SyncTestPeer *a = peer_new (ts, "resume-a");
  SyncTestPeer *b = peer_new (ts, "resume-b");
  /* ~23 MB: six chunks. */
  g_autofree char *wav = make_audio_channels ("big.wav", 4, "synth 60 whitenoise vol 0.3");
  g_autoptr(TandemSampleImport) import = NULL;
  g_autoptr(TandemOp) op = NULL;
  g_autoptr(GError) error = NULL;
  TandemSampleTransfer *up;
  SyncTestPeer *both[] = { b };
  HoldData hold = { both, 1, NULL };
  guint64 received;

  import = tandem_sample_import_file (a->store, wav, 0, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (import->bytes, >, 4 * TANDEM_SAMPLE_CHUNK_BYTES);
  op = tandem_sample_import_build_op (tandem_sync_client_get_project (a->client), import, NULL);
  g_assert_true (tandem_sync_client_submit (a->client, op, &error));
  /* The connection drops in the middle of the fourth chunk. */
  tandem_sample_transfers_drop_upload_at_for_tests (a->transfers, 3 * TANDEM_SAMPLE_CHUNK_BYTES + 100);
  up = g_object_ref (tandem_sample_transfers_upload (a->transfers, import->hash));
  g_assert_true (sync_test_wait (transfer_finished, up, 20000));
  g_assert_cmpint (tandem_sample_transfer_get_state (up), ==, TANDEM_TRANSFER_DONE);
  g_object_unref (up);

  received = tandem_session_server_get_sample_bytes_received (ts->server);
  g_test_message ("server received %" G_GUINT64_FORMAT " bytes for %" G_GUINT64_FORMAT,
                  received, import->bytes);
  g_assert_cmpuint (received, >=, import->bytes);
  g_assert_cmpuint (received, <=, import->bytes + TANDEM_SAMPLE_CHUNK_BYTES);
  /* The client wrote part of the dropped chunk, then went on from the
   * server's offset: at most one chunk more than the file. */
  g_assert_cmpuint (tandem_sample_transfers_get_bytes_sent (a->transfers), >, import->bytes);
  g_assert_cmpuint (tandem_sample_transfers_get_bytes_sent (a->transfers), <=,
                    import->bytes + TANDEM_SAMPLE_CHUNK_BYTES);

  hold.hash = import->hash;
  g_assert_true (sync_test_wait (all_hold, &hold, 20000));
  {
    g_autofree char *path = tandem_sample_store_lookup (b->store, import->hash);
    g_autofree char *sum = file_sha256 (path);

    g_assert_cmpstr (sum, ==, import->hash);
  }
  sync_test_peer_free (a);
  sync_test_peer_free (b);
  sync_test_server_free (ts);
}

/* Refusals over raw HTTP */

static guint
http (guint16      port,
      const char  *method,
      const char  *path,
      const char  *token,
      const char  *content_range,
      GBytes      *body,
      char       **code)
{
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autofree char *url = g_strdup_printf ("http://127.0.0.1:%u%s", port, path);
  g_autoptr(GUri) uri = g_uri_parse (url, G_URI_FLAGS_ENCODED, NULL);
  g_autoptr(SoupMessage) msg = soup_message_new_from_uri (method, uri);
  g_autoptr(GBytes) reply = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();

  if (token)
    {
      g_autofree char *auth = g_strconcat ("Bearer ", token, NULL);
      soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", auth);
    }
  if (content_range)
    soup_message_headers_replace (soup_message_get_request_headers (msg), "Content-Range", content_range);
  if (body)
    soup_message_set_request_body_from_bytes (msg, "application/octet-stream", body);
  reply = soup_session_send_and_read (session, msg, NULL, NULL);
  *code = NULL;
  if (reply && g_bytes_get_size (reply) > 0 && json_parser_load_from_data (parser, g_bytes_get_data (reply, NULL), g_bytes_get_size (reply), NULL)
      && JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      JsonObject *obj = json_node_get_object (json_parser_get_root (parser));

      if (json_object_has_member (obj, "error"))
        *code = g_strdup (json_object_get_string_member (json_object_get_object_member (obj, "error"), "code"));
    }
  return soup_message_get_status (msg);
}

/* A request written by hand, for paths a URI parser would clean up. */
static char *
raw_request (guint16     port,
             const char *request_line)
{
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketConnection) conn = NULL;
  g_autofree char *text = g_strdup_printf ("%s HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n",
                                           request_line);
  GString *reply = g_string_new (NULL);
  char buf[4096];
  gssize n;

  conn = g_socket_client_connect_to_host (client, "127.0.0.1", port, NULL, NULL);
  g_assert_nonnull (conn);
  g_assert_true (g_output_stream_write_all (g_io_stream_get_output_stream (G_IO_STREAM (conn)),
                                            text, strlen (text), NULL, NULL, NULL));
  while ((n = g_input_stream_read (g_io_stream_get_input_stream (G_IO_STREAM (conn)),
                                   buf, sizeof buf, NULL, NULL)) > 0)
    g_string_append_len (reply, buf, n);
  return g_string_free (reply, FALSE);
}

typedef struct
{
  SyncTestServer *ts;
  char           *reply;
  const char     *request;
  gboolean        done;
} RawData;

static gpointer
raw_thread (gpointer data)
{
  RawData *r = data;

  r->reply = raw_request (r->ts->port, r->request);
  g_atomic_int_set (&r->done, TRUE);
  return NULL;
}

static gboolean
raw_done (gpointer data)
{
  return g_atomic_int_get (&((RawData *) data)->done);
}

typedef struct
{
  guint16     port;
  const char *method;
  char       *path;
  const char *token;
  const char *range;
  GBytes     *body;
  guint       status;
  char       *code;
  gboolean    done;
} HttpCall;

static gpointer
call_thread (gpointer data)
{
  HttpCall *c = data;
  g_autoptr(GMainContext) context = g_main_context_new ();

  g_main_context_push_thread_default (context);
  c->status = http (c->port, c->method, c->path, c->token, c->range, c->body, &c->code);
  g_main_context_pop_thread_default (context);
  g_atomic_int_set (&c->done, TRUE);
  return NULL;
}

static gboolean
call_done (gpointer data)
{
  return g_atomic_int_get (&((HttpCall *) data)->done);
}

/* The server runs on this thread's main context: requests go from another. */
static guint
call (SyncTestServer *ts,
      const char     *method,
      const char     *path,
      const char     *token,
      const char     *range,
      GBytes         *body,
      char          **code)
{
  HttpCall c = { ts->port, method, g_strdup (path), token, range, body, 0, NULL, FALSE };
  GThread *thread = g_thread_new ("http", call_thread, &c);

  g_assert_true (sync_test_wait (call_done, &c, 10000));
  g_thread_join (thread);
  g_free (c.path);
  *code = c.code;
  return c.status;
}

static guint
call_raw (SyncTestServer *ts,
          const char     *request,
          char          **code)
{
  RawData r = { ts, NULL, request, FALSE };
  GThread *thread = g_thread_new ("raw", raw_thread, &r);
  guint status = 0;
  const char *json;

  g_assert_true (sync_test_wait (raw_done, &r, 10000));
  g_thread_join (thread);
  sscanf (r.reply, "HTTP/1.1 %u", &status);
  json = strstr (r.reply, "\"code\"");
  *code = NULL;
  if (json)
    {
      const char *start = strchr (json + 6, '"');
      const char *end = start ? strchr (start + 1, '"') : NULL;

      if (end)
        *code = g_strndup (start + 1, end - start - 1);
    }
  g_free (r.reply);
  return status;
}

static void
register_sample (TandemSyncClient *client,
                 const char       *hash,
                 guint64           bytes,
                 const char       *expect_reject)
{
  sync_test_register_sample (client, hash, bytes);
}

static char *last_reject;

static void
on_rejected (TandemSyncClient *client,
             TandemOp         *op,
             const char       *code,
             const char       *message,
             gpointer          data)
{
  g_free (last_reject);
  last_reject = g_strdup (code);
}

static gboolean
no_pending (gpointer data)
{
  return tandem_sync_client_get_n_pending (data) == 0;
}

static void
test_refusals (void)
{
  TandemServerLimits limits;
  SyncTestServer *ts;
  TandemSyncClient *client = sync_test_client_new ();
  g_autofree char *invite = NULL;
  g_autofree char *path = NULL;
  g_autofree char *code = NULL;
  g_autoptr(GBytes) body = g_bytes_new_static ("0123456789abcdef", 16);
  const char *editor;
  const char *viewer;
  const char *fake = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
  const char *other = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";
  const char *unsized = "cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc";
  g_autofree char *real_hash = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, body);

  tandem_server_limits_init_defaults (&limits);
  limits.max_sample_bytes = 64 * 1024;
  limits.max_session_sample_bytes = 100 * 1024;
  ts = sync_test_server_new (&limits, FALSE);
  editor = ts->tokens[TANDEM_ROLE_EDITOR];
  viewer = ts->tokens[TANDEM_ROLE_VIEWER];
  invite = sync_test_server_invite (ts, TANDEM_ROLE_EDITOR);
  g_assert_true (tandem_sync_client_connect (client, invite, NULL));
  g_assert_true (sync_test_wait_live (client));
  g_signal_connect (client, "rejected", G_CALLBACK (on_rejected), NULL);

  register_sample (client, fake, 16, NULL);
  register_sample (client, unsized, 0, NULL);
  g_assert_true (sync_test_wait (no_pending, client, 10000));
  g_assert_null (last_reject);

#define EXPECT(status_, code_, expr)                                          \
  G_STMT_START {                                                              \
    g_clear_pointer (&code, g_free);                                          \
    g_assert_cmpuint ((expr), ==, (status_));                                 \
    g_assert_cmpstr (code, ==, (code_));                                      \
  } G_STMT_END

  /* Wrong hash: the 16 bytes hash to something else; discarded. */
  g_free (path);
  path = g_strdup_printf ("/sessions/%s/uploads/%s", ts->session_id, fake);
  EXPECT (422, "hash-mismatch", call (ts, "PUT", path, editor, "bytes 0-15/16", body, &code));
  EXPECT (200, NULL, call (ts, "GET", path, editor, NULL, NULL, &code));
  g_free (path);
  path = g_strdup_printf ("/sessions/%s/samples/%s", ts->session_id, fake);
  EXPECT (404, "not-uploaded", call (ts, "GET", path, editor, NULL, NULL, &code));

  /* Tokens: none, wrong, viewer uploading. */
  g_free (path);
  path = g_strdup_printf ("/sessions/%s/uploads/%s", ts->session_id, fake);
  EXPECT (401, "unauthorized", call (ts, "GET", path, NULL, NULL, NULL, &code));
  EXPECT (401, "unauthorized", call (ts, "GET", path, "not-the-token", NULL, NULL, &code));
  EXPECT (401, "unauthorized", call (ts, "PUT", path, "not-the-token", "bytes 0-15/16", body, &code));
  EXPECT (403, "forbidden", call (ts, "PUT", path, viewer, "bytes 0-15/16", body, &code));

  /* A hash the session does not use. */
  g_free (path);
  path = g_strdup_printf ("/sessions/%s/samples/%s", ts->session_id, other);
  EXPECT (403, "not-in-session", call (ts, "GET", path, editor, NULL, NULL, &code));
  g_free (path);
  path = g_strdup_printf ("/sessions/%s/uploads/%s", ts->session_id, real_hash);
  EXPECT (403, "not-in-session", call (ts, "PUT", path, editor, "bytes 0-15/16", body, &code));

  /* Names that could reach other files. */
  g_free (path);
  path = g_strdup_printf ("/sessions/%s/samples/..%%2F..%%2Fsession.json", ts->session_id);
  /* libsoup refuses escaped ".." segments itself (bare 400), before any handler. */
  g_clear_pointer (&code, g_free);
  g_assert_cmpuint (call (ts, "GET", path, editor, NULL, NULL, &code), ==, 400);
  g_assert_true (code == NULL || g_str_equal (code, "bad-name"));
  g_free (path);
  path = g_strdup_printf ("/sessions/%s/samples/session.json%%2Fx", ts->session_id);
  EXPECT (400, "bad-name", call (ts, "GET", path, editor, NULL, NULL, &code));
  g_free (path);
  path = g_strdup_printf ("/sessions/%s/samples/..", ts->session_id);
  EXPECT (400, "bad-name", call_raw (ts, "GET /sessions/x/samples/..", &code));
  g_free (path);
  path = g_strdup_printf ("/sessions/%s/samples/%s/x", ts->session_id, fake);
  EXPECT (400, "bad-name", call (ts, "GET", path, editor, NULL, NULL, &code));
  g_free (path);
  path = g_strdup_printf ("GET /sessions/%s/samples/../../sessions/%s/samples/%s", ts->session_id,
                          ts->session_id, fake);
  {
    guint status = call_raw (ts, path, &code);

    /* libsoup refuses new ".." segments itself, before any handler. */
    g_assert_cmpuint (status, ==, 400);
    g_clear_pointer (&code, g_free);
  }
  g_free (path);
  path = g_strdup_printf ("GET /sessions/%s/samples/a\\b", ts->session_id);
  EXPECT (400, "bad-name", call_raw (ts, path, &code));

  /* Over the size limit: by Content-Range, and by registry op. */
  g_free (path);
  path = g_strdup_printf ("/sessions/%s/uploads/%s", ts->session_id, unsized);
  EXPECT (413, "sample-too-large", call (ts, "PUT", path, editor, "bytes 0-15/1000000", body, &code));
  register_sample (client, other, 1000000, NULL);
  g_assert_true (sync_test_wait (no_pending, client, 10000));
  g_assert_cmpstr (last_reject, ==, "sample-too-large");
  g_clear_pointer (&last_reject, g_free);

  /* Quota: 100 KiB per session. */
  EXPECT (200, NULL, call (ts, "PUT", path, editor, "bytes 0-15/60000", body, &code));
  register_sample (client, "eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee", 0, NULL);
  g_assert_true (sync_test_wait (no_pending, client, 10000));
  g_free (path);
  path = g_strdup_printf ("/sessions/%s/uploads/%s", ts->session_id,
                          "eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee");
  EXPECT (413, "quota-exceeded", call (ts, "PUT", path, editor, "bytes 0-15/60000", body, &code));
  register_sample (client, other, 60000, NULL);
  g_assert_true (sync_test_wait (no_pending, client, 10000));
  g_assert_null (last_reject);
  register_sample (client, "dddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddd", 50000, NULL);
  g_assert_true (sync_test_wait (no_pending, client, 10000));
  g_assert_cmpstr (last_reject, ==, "quota-exceeded");
  g_clear_pointer (&last_reject, g_free);

#undef EXPECT
  tandem_sync_client_disconnect (client);
  g_object_unref (client);
  sync_test_server_free (ts);
}

/* Restarts, quota, bad bytes */

static char *
session_samples_dir (SyncTestServer *ts)
{
  return g_build_filename (ts->data_dir, "sessions", ts->session_id, "samples", NULL);
}

/* Stops @ts's server as a crash would leave it (its files as they are) and
 * starts a new one on the same data folder. */
static void
restart_server (SyncTestServer *ts)
{
  g_autoptr(GError) error = NULL;

  tandem_session_server_shutdown (ts->server);
  /* Whatever the shutdown left ready to run (closing connections) runs
   * before the server goes; nothing waits on the clock. */
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_clear_object (&ts->server);
  ts->server = tandem_session_server_new (ts->data_dir, &error);
  g_assert_no_error (error);
  tandem_session_server_listen (ts->server, "127.0.0.1", 0, &error);
  g_assert_no_error (error);
  ts->port = tandem_session_server_get_port (ts->server);
}

static void
on_transfer_failed (TandemSampleTransfers *transfers,
                    TandemSampleTransfer  *transfer,
                    char                 **error)
{
  g_free (*error);
  *error = g_strdup (tandem_sample_transfer_get_error (transfer));
}

typedef struct
{
  const char  *path;
  const char  *hash;
  char       **failure;
} StoredData;

/* The server holds the sample, or the upload gave up. */
static gboolean
server_stored (gpointer data)
{
  StoredData *d = data;
  g_autofree char *sum = file_sha256 (d->path);

  return g_strcmp0 (sum, d->hash) == 0 || *d->failure != NULL;
}

/* A server died after writing an upload's last byte and before verifying
 * it: the part file is complete (here with a torn, zeroed tail). The next
 * server must not trust it: the resumed upload starts over and the sample
 * ends verified, byte for byte the author's. */
static void
test_complete_part_after_crash (void)
{
  SyncTestServer *ts = sync_test_server_new (NULL, TRUE);
  g_autofree char *wav = make_audio ("crash.wav", "synth 1 sine 330 vol 0.5");
  g_autofree char *samples_dir = session_samples_dir (ts);
  g_autofree char *part = NULL;
  g_autofree char *stored = NULL;
  g_autofree char *data = NULL;
  g_autofree char *torn = NULL;
  g_autofree char *served = NULL;
  g_autofree char *failure = NULL;
  g_autoptr(TandemSampleImport) import = NULL;
  g_autoptr(TandemOp) op = NULL;
  g_autoptr(GError) error = NULL;
  gsize len, served_len;
  StoredData stored_data;
  SyncTestPeer *author = peer_new (ts, "crash-author");
  SyncTestPeer *reader;
  HoldData hold = { &reader, 1, NULL };

  import = tandem_sample_import_file (author->store, wav, 0, NULL, &error);
  g_assert_no_error (error);
  op = tandem_sample_import_build_op (tandem_sync_client_get_project (author->client), import, NULL);
  g_assert_true (tandem_sync_client_submit (author->client, op, &error));
  g_assert_true (sync_test_wait (no_pending, author->client, 10000));
  sync_test_peer_free (author);

  /* What the crash left: every byte written, the tail never flushed. */
  g_assert_true (g_file_get_contents (wav, &data, &len, NULL));
  torn = g_memdup2 (data, len);
  memset (torn + len - 4096, 0, 4096);
  part = g_strconcat (samples_dir, G_DIR_SEPARATOR_S, import->hash, ".part", NULL);
  stored = g_build_filename (samples_dir, import->hash, NULL);
  g_assert_cmpint (g_mkdir_with_parents (samples_dir, 0700), ==, 0);
  g_assert_true (g_file_set_contents (part, torn, len, NULL));
  restart_server (ts);

  /* The author comes back and offers what it holds. */
  author = peer_new (ts, "crash-author");
  g_signal_connect (author->transfers, "transfer-failed", G_CALLBACK (on_transfer_failed), &failure);
  stored_data.path = stored;
  stored_data.hash = import->hash;
  stored_data.failure = &failure;
  g_assert_true (sync_test_wait (server_stored, &stored_data, 20000));
  g_assert_cmpstr (failure, ==, NULL);
  g_assert_false (g_file_test (part, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_get_contents (stored, &served, &served_len, NULL));
  g_assert_cmpmem (served, served_len, data, len);

  /* And another participant gets the same bytes. */
  reader = peer_new (ts, "crash-reader");
  hold.hash = import->hash;
  g_assert_true (sync_test_wait (all_hold, &hold, 20000));
  {
    g_autofree char *path = tandem_sample_store_lookup (reader->store, import->hash);
    g_autofree char *copy = NULL;
    gsize copy_len;

    g_assert_true (g_file_get_contents (path, &copy, &copy_len, NULL));
    g_assert_cmpmem (copy, copy_len, data, len);
  }
  sync_test_peer_free (reader);
  sync_test_peer_free (author);
  sync_test_server_free (ts);
}

static TandemSampleTransfer *
share_on_track (SyncTestPeer               *peer,
                TandemSampleImport *import,
                const char         *track_id)
{
  g_autoptr(TandemOp) op = NULL;
  g_autoptr(GError) error = NULL;

  op = tandem_sample_import_build_op (tandem_sync_client_get_project (peer->client), import, track_id);
  g_assert_true (tandem_sync_client_submit (peer->client, op, &error));
  g_assert_no_error (error);
  g_assert_true (sync_test_wait (no_pending, peer->client, 10000));
  g_assert_null (last_reject);
  return g_object_ref (tandem_sample_transfers_upload (peer->transfers, import->hash));
}

/* The quota counts the samples the project uses, not every file the
 * session ever stored: after a sample is taken off its track and out of
 * the registry, another one fits where it was. Its file stays (an undo may
 * bring it back), and bringing it back is then refused by the quota. */
static void
test_quota_counts_project (void)
{
  TandemServerLimits limits;
  SyncTestServer *ts;
  SyncTestPeer *peer;
  /* 0.9 s and 0.5 s of 16-bit mono at 48 kHz: 86 KB and 48 KB. */
  g_autofree char *first_wav = make_audio ("first.wav", "synth 0.9 sine 220 vol 0.5");
  g_autofree char *second_wav = make_audio ("second.wav", "synth 0.5 sine 440 vol 0.5");
  g_autoptr(TandemSampleImport) first = NULL;
  g_autoptr(TandemSampleImport) second = NULL;
  g_autoptr(TandemTrack) track = NULL;
  g_autoptr(TandemOp) unuse = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *samples_dir = NULL;
  g_autofree char *first_path = NULL;
  g_autofree char *second_path = NULL;
  TandemSampleTransfer *up;

  tandem_server_limits_init_defaults (&limits);
  limits.max_sample_bytes = 100 * 1024;
  limits.max_session_sample_bytes = 100 * 1024;
  ts = sync_test_server_new (&limits, TRUE);
  samples_dir = session_samples_dir (ts);
  peer = peer_new (ts, "quota");
  g_signal_connect (peer->client, "rejected", G_CALLBACK (on_rejected), NULL);
  track = g_list_model_get_item (tandem_project_get_tracks (tandem_sync_client_get_project (peer->client)), 0);

  /* Nearly full. */
  first = tandem_sample_import_file (peer->store, first_wav, 0, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (first->bytes, >, limits.max_session_sample_bytes * 8 / 10);
  up = share_on_track (peer, first, tandem_track_get_id (track));
  g_assert_true (sync_test_wait (transfer_finished, up, 10000));
  g_assert_cmpint (tandem_sample_transfer_get_state (up), ==, TANDEM_TRANSFER_DONE);
  g_object_unref (up);

  /* The track goes back to a drum; the sample leaves the registry. */
  unuse = tandem_op_new_batch ();
  tandem_op_batch_add (unuse, tandem_op_new_set_string (TANDEM_ENTITY_TRACK, tandem_track_get_id (track),
                                                        "instrument", "kick"));
  tandem_op_batch_add (unuse, tandem_op_new_delete (TANDEM_ENTITY_SAMPLE, first->hash));
  g_assert_true (tandem_sync_client_submit (peer->client, unuse, &error));
  g_assert_true (sync_test_wait (no_pending, peer->client, 10000));
  g_assert_null (last_reject);

  /* Another sample now fits, although the first one's file is still there. */
  second = tandem_sample_import_file (peer->store, second_wav, 0, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (first->bytes + second->bytes, >, limits.max_session_sample_bytes);
  up = share_on_track (peer, second, tandem_track_get_id (track));
  g_assert_true (sync_test_wait (transfer_finished, up, 10000));
  g_assert_cmpstr (tandem_sample_transfer_get_error (up), ==, NULL);
  g_assert_cmpint (tandem_sample_transfer_get_state (up), ==, TANDEM_TRANSFER_DONE);
  g_object_unref (up);
  first_path = g_build_filename (samples_dir, first->hash, NULL);
  second_path = g_build_filename (samples_dir, second->hash, NULL);
  g_assert_true (g_file_test (first_path, G_FILE_TEST_IS_REGULAR));
  g_assert_true (g_file_test (second_path, G_FILE_TEST_IS_REGULAR));

  /* Registering the first one again (an undo) would pass the quota. */
  {
    g_autoptr(TandemOp) op = NULL;

    op = tandem_sample_import_build_op (tandem_sync_client_get_project (peer->client), first, NULL);
    g_assert_true (tandem_sync_client_submit (peer->client, op, &error));
    g_assert_true (sync_test_wait (no_pending, peer->client, 10000));
    g_assert_cmpstr (last_reject, ==, "quota-exceeded");
    g_clear_pointer (&last_reject, g_free);
    g_assert_null (tandem_project_find_sample (tandem_sync_client_get_project (peer->client), first->hash));
  }
  sync_test_peer_free (peer);
  sync_test_server_free (ts);
}

static void
on_sample_error (TandemEngine *engine,
                 const char   *hash,
                 const char   *message,
                 char        **out)
{
  g_free (*out);
  *out = g_strdup (message);
}

static gboolean
string_set (gpointer data)
{
  return *(char **) data != NULL;
}

/* The server checks a sample's size and SHA-256, not that it is audio (it
 * links no decoder). Bytes that are not audio, shared by a client that
 * skipped the import checks, reach the others intact: their engine refuses
 * them with a message naming the sample, and the track stays silent. */
static void
test_download_not_audio (void)
{
  SyncTestServer *ts = sync_test_server_new (NULL, FALSE);
  SyncTestPeer *author = peer_new (ts, "junk-author");
  SyncTestPeer *reader = peer_new (ts, "junk-reader");
  SyncTestPeer *one[] = { reader };
  HoldData hold = { one, 1, NULL };
  g_autofree char *junk = g_build_filename (tmp, "junk.wav", NULL);
  g_autofree char *text = g_strnfill (20000, 'x');
  g_autoptr(TandemTrack) track = NULL;
  g_autoptr(TandemEngine) engine = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;
  TandemSampleImport import = { NULL, (char *) "broken.wav", (char *) "wav", 10000, 48000, 1, 20000 };
  TandemSampleTransfer *up;
  TandemProject *project;

  g_assert_true (g_file_set_contents (junk, text, 20000, NULL));
  import.hash = tandem_sample_store_import_file (author->store, junk, NULL, &error);
  g_assert_no_error (error);
  track = g_list_model_get_item (tandem_project_get_tracks (tandem_sync_client_get_project (author->client)), 0);
  up = share_on_track (author, &import, tandem_track_get_id (track));
  g_assert_true (sync_test_wait (transfer_finished, up, 10000));
  g_assert_cmpint (tandem_sample_transfer_get_state (up), ==, TANDEM_TRANSFER_DONE);
  g_object_unref (up);
  hold.hash = import.hash;
  g_assert_true (sync_test_wait (all_hold, &hold, 20000));

  project = tandem_sync_client_get_project (reader->client);
  engine = tandem_engine_new ();
  tandem_engine_set_sample_store (engine, reader->store);
  g_signal_connect (engine, "sample-error", G_CALLBACK (on_sample_error), &message);
  tandem_engine_set_project (engine, project);
  g_assert_true (sync_test_wait (string_set, &message, 10000));
  g_test_message ("%s", message);
  g_assert_true (g_str_has_prefix (message, "Sample “broken.wav” cannot be played: "));
  g_assert_nonnull (strstr (message, "not an audio file"));
  g_assert_cmpfloat (render_peak (project, tandem_track_get_id (track), reader->store), ==, 0.0f);

  tandem_engine_set_project (engine, NULL);
  g_clear_object (&engine);
  g_free (import.hash);
  sync_test_peer_free (reader);
  sync_test_peer_free (author);
  sync_test_server_free (ts);
}

typedef struct
{
  SyncTestPeer *peer;
  const char   *hash;
} FailedData;

/* The peer has a finished download of @hash that failed. */
static gboolean
download_failed (gpointer data)
{
  FailedData *f = data;
  GListModel *list = tandem_sample_transfers_get_list (f->peer->transfers);

  for (guint i = 0; i < g_list_model_get_n_items (list); i++)
    {
      g_autoptr(TandemSampleTransfer) t = g_list_model_get_item (list, i);

      if (tandem_sample_transfer_get_state (t) == TANDEM_TRANSFER_FAILED)
        return TRUE;
    }
  return FALSE;
}

/* With the audio layer's check installed (as the application does), the
 * same junk is refused on download: the reader's store never keeps it, and
 * the transfer says why. */
static void
test_download_checked (void)
{
  SyncTestServer *ts = sync_test_server_new (NULL, FALSE);
  SyncTestPeer *author = peer_new (ts, "checked-author");
  SyncTestPeer *reader = peer_new (ts, "checked-reader");
  g_autofree char *junk = g_build_filename (tmp, "junk2.wav", NULL);
  g_autofree char *text = g_strnfill (20000, 'y');
  g_autoptr(TandemTrack) track = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *stored = NULL;
  TandemSampleImport import = { NULL, (char *) "broken.wav", (char *) "wav", 10000, 48000, 1, 20000 };
  TandemSampleTransfer *up;
  FailedData failed = { reader, NULL };

  g_assert_true (g_file_set_contents (junk, text, 20000, NULL));
  import.hash = tandem_sample_store_import_file (author->store, junk, NULL, &error);
  g_assert_no_error (error);
  failed.hash = import.hash;
  tandem_sample_store_set_check_func (tandem_sample_store_check);
  track = g_list_model_get_item (tandem_project_get_tracks (tandem_sync_client_get_project (author->client)), 0);
  up = share_on_track (author, &import, tandem_track_get_id (track));
  g_assert_true (sync_test_wait (transfer_finished, up, 10000));
  g_assert_cmpint (tandem_sample_transfer_get_state (up), ==, TANDEM_TRANSFER_DONE);
  g_object_unref (up);

  g_assert_true (sync_test_wait (download_failed, &failed, 20000));
  stored = tandem_sample_store_lookup (reader->store, import.hash);
  g_assert_null (stored);
  tandem_sample_store_set_check_func (NULL);
  g_free (import.hash);
  sync_test_peer_free (reader);
  sync_test_peer_free (author);
  sync_test_server_free (ts);
}

static gboolean
acked (gpointer data)
{
  return tandem_sync_client_get_n_pending (data) == 0;
}

/* Two nodes serving one session from a sample folder they share (as
 * --sample-dir on a network file system): a sample uploaded through one is
 * downloaded through the other, and no node's part file is left behind. */
static void
test_shared_folder (void)
{
  SyncTestServer *a = sync_test_server_new (NULL, TRUE);
  SyncTestServer b = { 0, };
  g_autofree char *shared = g_build_filename (tmp, "shared-samples", NULL);
  g_autofree char *wav = make_audio ("across.wav", "synth 0.2 sine 330 vol 0.5");
  g_autofree char *from = g_build_filename (a->data_dir, "sessions", a->session_id, NULL);
  g_autofree char *to_dir = sync_test_make_tmpdir ();
  g_autofree char *to_parent = g_build_filename (to_dir, "sessions", NULL);
  g_autofree char *to = g_build_filename (to_parent, a->session_id, NULL);
  g_autofree char *to_samples = g_build_filename (to, "samples", NULL);
  g_autofree char *blob = NULL, *sum = NULL, *path = NULL;
  g_autoptr(TandemSampleImport) import = NULL;
  g_autoptr(TandemTrack) track = NULL;
  g_autoptr(TandemOp) op = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GDir) dir = NULL;
  SyncTestPeer *author, *reader;
  SyncTestPeer *one[1];
  TandemSampleTransfer *up;
  HoldData hold;
  const char *name;
  int status;

  g_assert_true (tandem_session_server_set_sample_dir (a->server, shared, "node-a", &error));
  g_assert_no_error (error);
  /* A node id becomes part of file names: a path in it is refused. */
  g_assert_false (tandem_session_server_set_sample_dir (a->server, shared, "../x", &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);

  /* The sample is registered through node A... */
  author = peer_new (a, "across-author");
  import = tandem_sample_import_file (author->store, wav, 0, NULL, &error);
  g_assert_no_error (error);
  track = g_list_model_get_item (tandem_project_get_tracks (tandem_sync_client_get_project (author->client)), 0);
  op = tandem_sample_import_build_op (tandem_sync_client_get_project (author->client), import,
                                      tandem_track_get_id (track));
  g_assert_true (tandem_sync_client_submit (author->client, op, &error));
  g_assert_no_error (error);
  g_assert_true (sync_test_wait (acked, author->client, 10000));

  /* ...node B holds the same session (its journal, without the samples
   * folder of its own)... */
  {
    g_autofree char *cmd = g_strdup_printf ("cp -a '%s' '%s'", from, to);

    g_assert_cmpint (g_mkdir_with_parents (to_parent, 0700), ==, 0);

    g_assert_true (g_spawn_command_line_sync (cmd, NULL, NULL, &status, &error));
    g_assert_no_error (error);
    g_assert_true (g_spawn_check_wait_status (status, NULL));
    sync_test_rm_rf (to_samples);
  }
  b.data_dir = g_steal_pointer (&to_dir);
  b.server = tandem_session_server_new (b.data_dir, &error);
  g_assert_no_error (error);
  g_assert_true (tandem_session_server_set_sample_dir (b.server, shared, "node-b", &error));
  g_assert_true (tandem_session_server_listen (b.server, "127.0.0.1", 0, &error));
  g_assert_no_error (error);
  b.port = tandem_session_server_get_port (b.server);
  b.session_id = a->session_id;
  for (guint r = 0; r < TANDEM_N_ROLES; r++)
    b.tokens[r] = a->tokens[r];

  /* ...the bytes go up through A, and a reader on B gets them. */
  up = g_object_ref (tandem_sample_transfers_upload (author->transfers, import->hash));
  g_assert_true (sync_test_wait (transfer_finished, up, 10000));
  g_assert_cmpint (tandem_sample_transfer_get_state (up), ==, TANDEM_TRANSFER_DONE);
  g_object_unref (up);

  reader = peer_new (&b, "across-reader");
  one[0] = reader;
  hold = (HoldData) { one, 1, import->hash };
  g_assert_true (sync_test_wait (all_hold, &hold, 20000));
  path = tandem_sample_store_lookup (reader->store, import->hash);
  sum = file_sha256 (path);
  g_assert_cmpstr (sum, ==, import->hash);

  blob = g_build_filename (shared, a->session_id, import->hash, NULL);
  g_assert_true (g_file_test (blob, G_FILE_TEST_IS_REGULAR));
  dir = g_dir_open (g_path_get_dirname (blob), 0, &error);
  g_assert_no_error (error);
  while ((name = g_dir_read_name (dir)) != NULL)
    g_assert_false (g_str_has_suffix (name, ".part"));

  sync_test_peer_free (reader);
  sync_test_peer_free (author);
  sync_test_server_shutdown (b.server);
  g_object_unref (b.server);
  sync_test_rm_rf (b.data_dir);
  g_free (b.data_dir);
  sync_test_server_free (a);
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  sync_test_init (&argc, &argv);
  tmp = sync_test_make_tmpdir ();
  g_test_add_func ("/samples/share", test_share);
  g_test_add_func ("/samples/resume", test_resume);
  g_test_add_func ("/samples/refusals", test_refusals);
  g_test_add_func ("/samples/complete-part-after-crash", test_complete_part_after_crash);
  g_test_add_func ("/samples/quota-counts-project", test_quota_counts_project);
  g_test_add_func ("/samples/download-not-audio", test_download_not_audio);
  g_test_add_func ("/samples/download-checked", test_download_checked);
  g_test_add_func ("/samples/shared-folder", test_shared_folder);
  ret = g_test_run ();
  sync_test_rm_rf (tmp);
  g_free (tmp);
  return ret;
}
