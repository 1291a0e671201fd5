/* test-disk-faults.c — a full, read-only or stalling disk under a session:
 * nothing unsynced reaches anyone, and the session recovers by itself
 *
 * The faults are real: each test mounts its own small tmpfs in a private
 * mount namespace (the test runs as root; without that it skips).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define _GNU_SOURCE
#define G_LOG_DOMAIN "tandem-sync-test"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "sync-test-utils.h"

static gboolean can_mount;
static const char *why_not;

/* How a test's data directory is made. */
enum
{
  PLAIN_DIR,      /* a temp dir on whatever /tmp is */
  TMPFS,          /* a 2 MiB tmpfs: full and read-only disks */
  EXT4_ON_TMPFS,  /* ext4 on a loop device whose file sits on an 8 MiB tmpfs:
                   * writes land in the page cache, fdatasync fails once the
                   * tmpfs is full */
};

typedef struct
{
  char                *mount_dir;   /* the tmpfs, or a plain temp dir */
  char                *data_dir;    /* where the server keeps its sessions */
  char                *loop_device;
  gboolean             mounted;
  gboolean             skipped;
  TandemSessionServer *server;
  guint16              port;
  char                *session_id;
  char                *tokens[TANDEM_N_ROLES];
} Fixture;

static void
start_server (Fixture *f)
{
  g_autoptr(GError) error = NULL;

  f->server = tandem_session_server_new (f->data_dir, &error);
  g_assert_no_error (error);
  tandem_session_server_listen (f->server, "127.0.0.1", 0, &error);
  g_assert_no_error (error);
  f->port = tandem_session_server_get_port (f->server);
}

static void
stop_server (Fixture *f)
{
  sync_test_server_shutdown (f->server);
  g_clear_object (&f->server);
}

static char *
create_session (Fixture  *f,
                char    **tokens,
                GError  **error)
{
  g_autoptr(TandemProject) demo = tandem_project_new_demo ();
  g_autoptr(JsonNode) project = tandem_project_to_json (demo);

  return tandem_session_server_create_session (f->server, project, tokens, error);
}

static gboolean
run (const char  *command,
     char       **out)
{
  g_autoptr(GError) error = NULL;
  int status = 0;

  if (!g_spawn_command_line_sync (command, out, NULL, &status, &error)
      || !g_spawn_check_wait_status (status, &error))
    {
      g_test_message ("%s: %s", command, error->message);
      return FALSE;
    }
  return TRUE;
}

static gboolean
make_ext4_on_tmpfs (Fixture *f)
{
  g_autofree char *image = g_build_filename (f->mount_dir, "disk.img", NULL);
  g_autofree char *cmd = NULL;
  g_autofree char *device = NULL;
  int fd = open (image, O_WRONLY | O_CREAT, 0600);

  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpint (ftruncate (fd, 32 * 1024 * 1024), ==, 0);
  close (fd);
  cmd = g_strdup_printf ("losetup -f --show %s", image);
  if (!run (cmd, &device))
    return FALSE;
  f->loop_device = g_strstrip (g_steal_pointer (&device));
  g_free (cmd);
  cmd = g_strdup_printf ("mkfs.ext4 -q %s", f->loop_device);
  if (!run (cmd, NULL))
    return FALSE;
  f->data_dir = g_build_filename (f->mount_dir, "fs", NULL);
  g_assert_cmpint (g_mkdir (f->data_dir, 0700), ==, 0);
  return mount (f->loop_device, f->data_dir, "ext4", 0, NULL) == 0;
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  int kind = GPOINTER_TO_INT (data);

  if (kind != PLAIN_DIR && !can_mount)
    {
      g_test_skip (why_not);
      f->skipped = TRUE;
      return;
    }
  f->mount_dir = sync_test_make_tmpdir ();
  if (kind != PLAIN_DIR)
    {
      g_assert_cmpint (mount ("tmpfs", f->mount_dir, "tmpfs", 0,
                              kind == TMPFS ? "size=2m,mode=0700" : "size=8m,mode=0700"), ==, 0);
      f->mounted = TRUE;
    }
  if (kind == EXT4_ON_TMPFS && !make_ext4_on_tmpfs (f))
    {
      g_test_skip ("cannot make an ext4 on a loop device");
      f->skipped = TRUE;
      return;
    }
  if (f->data_dir == NULL)
    f->data_dir = g_strdup (f->mount_dir);
  start_server (f);
  f->session_id = create_session (f, f->tokens, &error);
  g_assert_no_error (error);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  if (f->mount_dir == NULL)
    return;
  if (f->server)
    stop_server (f);
  if (f->loop_device)
    {
      g_autofree char *cmd = g_strdup_printf ("losetup -d %s", f->loop_device);

      umount (f->data_dir);
      run (cmd, NULL);
      g_free (f->loop_device);
    }
  if (f->mounted)
    g_assert_cmpint (umount (f->mount_dir), ==, 0);
  sync_test_rm_rf (f->mount_dir);
  g_free (f->mount_dir);
  g_free (f->data_dir);
  g_free (f->session_id);
  for (guint r = 0; r < TANDEM_N_ROLES; r++)
    g_free (f->tokens[r]);
}

/* Fills the filesystem; returns the filler's path. */
static char *
fill_disk (Fixture *f)
{
  char *path = g_build_filename (f->mount_dir, "filler", NULL);
  int fd = open (path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
  static char block[65536];
  ssize_t n;

  g_assert_cmpint (fd, >=, 0);
  while ((n = write (fd, block, sizeof block)) > 0)
    ;
  g_assert_cmpint (errno, ==, ENOSPC);
  /* The last pages too. */
  while ((n = write (fd, block, 512)) > 0)
    ;
  close (fd);
  return path;
}

static void
remount (Fixture  *f,
         gboolean  read_only)
{
  g_assert_cmpint (mount ("tmpfs", f->mount_dir, "tmpfs", MS_REMOUNT | (read_only ? MS_RDONLY : 0),
                          "size=2m"), ==, 0);
}

static SoupWebsocketConnection *
join (Fixture    *f,
      const char *client_id,
      JsonObject **welcome_out)
{
  SoupWebsocketConnection *conn = sync_test_raw_connect (f->port, f->session_id,
                                                         TANDEM_PROTOCOL_SUBPROTOCOL);
  JsonObject *welcome;

  g_assert_nonnull (conn);
  welcome = sync_test_raw_join (conn, f->session_id, f->tokens[TANDEM_ROLE_EDITOR], client_id);
  g_assert_nonnull (welcome);
  if (welcome_out)
    *welcome_out = welcome;
  else
    json_object_unref (welcome);
  return conn;
}

/* One batch that sets every step of the first track (several KiB of
 * journal: more than the page a full tmpfs may still have room in). */
static void
submit_big (Fixture                 *f,
            SoupWebsocketConnection *conn,
            guint                    cseq,
            guint                    velocity)
{
  g_autofree char *json = tandem_session_server_dup_project_string (f->server, f->session_id);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(TandemProject) project = NULL;
  g_autoptr(TandemTrack) track = NULL;
  GString *text = g_string_new (NULL);

  g_assert_true (json_parser_load_from_data (parser, json, -1, NULL));
  project = tandem_project_new_from_json (json_parser_get_root (parser), NULL);
  track = g_list_model_get_item (tandem_project_get_tracks (project), 0);
  g_string_append_printf (text, "{\"type\":\"submit\",\"cseq\":%u,\"ops\":[", cseq);
  for (guint step = 0; step < 64; step++)
    {
      g_autoptr(TandemOp) op = tandem_op_new_set_cell (tandem_project_get_current_pattern (project),
                                                       tandem_track_get_id (track), step, "velocity",
                                                       velocity);
      g_autoptr(JsonNode) node = tandem_op_to_json (op);
      g_autofree char *op_text = json_to_string (node, FALSE);

      g_string_append_printf (text, "%s%s", step ? "," : "", op_text);
    }
  g_string_append (text, "]}");
  soup_websocket_connection_send_text (conn, text->str);
  g_string_free (text, TRUE);
}

static void
expect_batch (SoupWebsocketConnection *conn,
              gint64                   seq)
{
  g_autoptr(JsonObject) msg = sync_test_raw_expect (conn, "batch", 10000);

  g_assert_nonnull (msg);
  g_assert_cmpint (json_object_get_int_member (msg, "seq"), ==, seq);
}

static guint
first_velocity (const char *project_json)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(TandemProject) project = NULL;
  g_autoptr(TandemTrack) track = NULL;

  g_assert_true (json_parser_load_from_data (parser, project_json, -1, NULL));
  project = tandem_project_new_from_json (json_parser_get_root (parser), NULL);
  track = g_list_model_get_item (tandem_project_get_tracks (project), 0);
  return tandem_pattern_get_cell (tandem_project_find_pattern (project, tandem_project_get_current_pattern (project)),
                                  tandem_track_get_id (track), 5)->velocity;
}

static void
test_full_disk_recovers (Fixture *f, gconstpointer data)
{
  g_autoptr(SoupWebsocketConnection) editor = NULL;
  g_autoptr(SoupWebsocketConnection) late = NULL;
  g_autoptr(JsonObject) welcome = NULL;
  g_autofree char *filler = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;

  if (f->skipped)
    return;
  editor = join (f, "editor", NULL);
  before = tandem_session_server_dup_project_string (f->server, f->session_id);
  filler = fill_disk (f);

  /* Refused with a code that says "try again", and nothing of it stays:
   * not in the server's state, not in what a late joiner is told. */
  submit_big (f, editor, 1, 77);
  sync_test_raw_expect_reject (editor, 1, TANDEM_CODE_STORAGE);
  g_assert_cmpuint (tandem_session_server_get_seq (f->server, f->session_id), ==, 0);
  after = tandem_session_server_dup_project_string (f->server, f->session_id);
  g_assert_cmpstr (after, ==, before);
  late = sync_test_raw_connect (f->port, f->session_id, TANDEM_PROTOCOL_SUBPROTOCOL);
  welcome = sync_test_raw_join (late, f->session_id, f->tokens[TANDEM_ROLE_VIEWER], "late");
  g_assert_nonnull (welcome);
  g_assert_cmpint (json_object_get_int_member (welcome, "head"), ==, 0);
  {
    g_autoptr(JsonNode) snap = json_node_copy (json_object_get_member (welcome, "snapshot"));
    g_autofree char *snap_text = json_to_string (snap, FALSE);

    g_assert_cmpuint (first_velocity (snap_text), !=, 77);
  }

  /* Space again: the same batch goes through, without a restart. */
  g_assert_cmpint (g_unlink (filler), ==, 0);
  submit_big (f, editor, 1, 77);
  expect_batch (editor, 1);
  expect_batch (late, 1);
  g_clear_pointer (&after, g_free);
  after = tandem_session_server_dup_project_string (f->server, f->session_id);
  g_assert_cmpuint (first_velocity (after), ==, 77);

  /* And it is on the disk: a restart has it. */
  stop_server (f);
  start_server (f);
  g_assert_cmpuint (tandem_session_server_get_seq (f->server, f->session_id), ==, 1);
}

typedef struct
{
  guint storage_refused;
  guint rejected;
} Refusals;

static void
on_storage_refused (TandemSyncClient *client,
                    const char       *message,
                    Refusals         *r)
{
  r->storage_refused++;
}

static void
on_client_rejected (TandemSyncClient *client,
                    TandemOp         *op,
                    const char       *code,
                    const char       *message,
                    Refusals         *r)
{
  r->rejected++;
}

static gboolean
storage_refused (gpointer data)
{
  return ((Refusals *) data)->storage_refused > 0;
}

static gboolean
nothing_pending (gpointer data)
{
  return tandem_sync_client_get_n_pending (data) == 0;
}

/* What the musician did while the server's disk was full is theirs: the
 * app's client keeps the edit (shown, pending, never rolled back), sends it
 * again on its own, and it lands once there is room. */
static void
test_full_disk_client_keeps_edit (Fixture *f, gconstpointer data)
{
  g_autoptr(TandemSyncClient) client = NULL;
  g_autoptr(TandemInvite) invite = NULL;
  g_autoptr(TandemTrack) track = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *link = NULL, *filler = NULL, *after = NULL;
  TandemProject *project;
  TandemOp *batch;
  Refusals r = { 0 };

  if (f->skipped)
    return;
  invite = tandem_invite_new ("127.0.0.1", f->port, f->session_id, f->tokens[TANDEM_ROLE_EDITOR]);
  link = tandem_invite_to_link (invite);
  client = sync_test_client_new ();
  g_signal_connect (client, "storage-refused", G_CALLBACK (on_storage_refused), &r);
  g_signal_connect (client, "rejected", G_CALLBACK (on_client_rejected), &r);
  g_assert_true (tandem_sync_client_connect (client, link, &error));
  g_assert_true (sync_test_wait_live (client));
  project = tandem_sync_client_get_project (client);
  track = g_list_model_get_item (tandem_project_get_tracks (project), 0);
  filler = fill_disk (f);

  /* Big enough not to fit in what a full tmpfs may still have. */
  batch = tandem_op_new_batch ();
  for (guint step = 0; step < 64; step++)
    tandem_op_batch_add (batch, tandem_op_new_set_cell (tandem_project_get_current_pattern (project),
                                                        tandem_track_get_id (track), step,
                                                        "velocity", 77));
  g_assert_true (tandem_sync_client_submit (client, batch, &error));
  g_assert_no_error (error);
  tandem_op_unref (batch);
  g_assert_true (sync_test_wait (storage_refused, &r, 10000));
  g_assert_cmpuint (r.rejected, ==, 0);
  g_assert_cmpuint (tandem_sync_client_get_n_pending (client), ==, 1);
  {
    g_autofree char *shown = tandem_project_to_string (project);

    g_assert_cmpuint (first_velocity (shown), ==, 77);
  }

  g_assert_cmpint (g_unlink (filler), ==, 0);
  g_assert_true (sync_test_wait (nothing_pending, client, 20000));
  g_assert_cmpuint (r.rejected, ==, 0);
  after = tandem_session_server_dup_project_string (f->server, f->session_id);
  g_assert_cmpuint (first_velocity (after), ==, 77);
  tandem_sync_client_disconnect (client);
}

static void
test_failed_sync_rolls_back (Fixture *f, gconstpointer data)
{
  g_autoptr(SoupWebsocketConnection) editor = NULL;
  g_autoptr(SoupWebsocketConnection) late = NULL;
  g_autoptr(JsonObject) welcome = NULL;
  g_autofree char *filler = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;

  if (f->skipped)
    return;
  editor = join (f, "editor", NULL);
  submit_big (f, editor, 1, 44);
  expect_batch (editor, 1);
  before = tandem_session_server_dup_project_string (f->server, f->session_id);

  /* The write succeeds (page cache); the fdatasync fails: the loop
   * device cannot write its blocks to the full tmpfs. A second fdatasync
   * would succeed without the data, so the server must not trust it. */
  filler = fill_disk (f);
  submit_big (f, editor, 2, 88);
  sync_test_raw_expect_reject (editor, 2, TANDEM_CODE_STORAGE);
  g_assert_cmpuint (tandem_session_server_get_seq (f->server, f->session_id), ==, 1);
  after = tandem_session_server_dup_project_string (f->server, f->session_id);
  g_assert_cmpstr (after, ==, before);
  g_assert_cmpuint (first_velocity (after), ==, 44);

  /* Nobody learns of the unsynced batch, not even from a welcome. */
  late = sync_test_raw_connect (f->port, f->session_id, TANDEM_PROTOCOL_SUBPROTOCOL);
  welcome = sync_test_raw_join (late, f->session_id, f->tokens[TANDEM_ROLE_VIEWER], "late");
  g_assert_nonnull (welcome);
  g_assert_cmpint (json_object_get_int_member (welcome, "head"), ==, 1);
  {
    g_autoptr(JsonNode) snap = json_node_copy (json_object_get_member (welcome, "snapshot"));
    g_autofree char *snap_text = json_to_string (snap, FALSE);

    g_assert_cmpuint (first_velocity (snap_text), ==, 44);
  }
  /* The next edit validates against the synced state, as every replica
   * has it. */
  g_assert_cmpint (g_unlink (filler), ==, 0);
}

static void
test_create_on_full_disk (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *filler = NULL;
  g_autofree char *sessions_dir = NULL;
  g_autoptr(GDir) dir = NULL;
  char *tokens[TANDEM_N_ROLES] = { NULL };
  g_autofree char *id = NULL;
  const char *name;
  guint n_dirs = 0;

  if (f->skipped)
    return;
  filler = fill_disk (f);
  id = create_session (f, tokens, &error);
  g_assert_null (id);
  g_assert_nonnull (error);
  g_test_message ("refused: %s", error->message);
  g_assert_cmpuint (tandem_session_server_get_n_sessions (f->server), ==, 1);

  /* No half-made folder, which would fail to load at every start. */
  sessions_dir = g_build_filename (f->data_dir, "sessions", NULL);
  dir = g_dir_open (sessions_dir, 0, NULL);
  while ((name = g_dir_read_name (dir)))
    {
      g_assert_cmpstr (name, ==, f->session_id);
      n_dirs++;
    }
  g_assert_cmpuint (n_dirs, ==, 1);
}

static void
test_read_only_restart (Fixture *f, gconstpointer data)
{
  g_autoptr(SoupWebsocketConnection) editor = NULL;
  g_autoptr(JsonObject) welcome = NULL;

  if (f->skipped)
    return;
  editor = join (f, "editor", NULL);
  submit_big (f, editor, 1, 55);
  expect_batch (editor, 1);
  soup_websocket_connection_close (editor, TANDEM_CLOSE_NORMAL, NULL);
  g_assert_true (sync_test_raw_wait_closed (editor, 10000));
  g_clear_object (&editor);
  stop_server (f);

  /* The data are intact on a disk that takes no writes: the session is
   * there, and says so. */
  remount (f, TRUE);
  start_server (f);
  g_assert_cmpuint (tandem_session_server_get_n_sessions (f->server), ==, 1);
  editor = join (f, "editor", &welcome);
  g_assert_cmpint (json_object_get_int_member (welcome, "head"), ==, 1);
  submit_big (f, editor, 2, 66);
  sync_test_raw_expect_reject (editor, 2, TANDEM_CODE_STORAGE);
  g_assert_cmpuint (tandem_session_server_get_seq (f->server, f->session_id), ==, 1);

  /* Writable again: the session takes edits without a restart. */
  remount (f, FALSE);
  submit_big (f, editor, 2, 66);
  expect_batch (editor, 2);
}

static void
test_temp_files_removed (Fixture *f, gconstpointer data)
{
  g_autofree char *dir = g_build_filename (f->data_dir, "sessions", f->session_id, NULL);
  g_autofree char *temp = g_build_filename (dir, "snapshot.json.K3J2X1", NULL);
  g_autofree char *snapshot = g_build_filename (dir, "snapshot.json", NULL);
  g_autofree char *project = NULL;

  stop_server (f);
  /* What a snapshot interrupted by a crash leaves behind. */
  g_assert_true (g_file_set_contents (temp, "{\"format\":\"tandem-snap", -1, NULL));
  start_server (f);
  g_assert_cmpuint (tandem_session_server_get_n_sessions (f->server), ==, 1);
  /* Loaded (on first use, or in the background), the session is clean. */
  project = tandem_session_server_dup_project_string (f->server, f->session_id);
  g_assert_nonnull (project);
  g_assert_false (g_file_test (temp, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (snapshot, G_FILE_TEST_EXISTS));
}

static void
test_unloadable_session_retried (Fixture *f, gconstpointer data)
{
  g_autofree char *dir = g_build_filename (f->data_dir, "sessions", f->session_id, NULL);
  g_autofree char *meta = g_build_filename (dir, "session.json", NULL);
  g_autofree char *aside = g_build_filename (f->data_dir, "held-aside.json", NULL);
  g_autoptr(SoupWebsocketConnection) early = NULL;
  g_autoptr(SoupWebsocketConnection) editor = NULL;
  g_autofree char *secret = sync_test_client_secret ("early");
  g_autofree char *hello = NULL;
  g_autoptr(JsonObject) error_msg = NULL;

  /* A session whose files cannot be read at start: its data are on the
   * disk, so clients must hear "later", never "no such session". */
  stop_server (f);
  g_assert_cmpint (g_rename (meta, aside), ==, 0);
  g_assert_cmpint (g_mkdir (meta, 0700), ==, 0);
  start_server (f);
  early = sync_test_raw_connect (f->port, f->session_id, TANDEM_PROTOCOL_SUBPROTOCOL);
  hello = g_strdup_printf ("{\"type\":\"hello\",\"version\":1,\"token\":\"%s\",\"client\":\"early\","
                           "\"secret\":\"%s\"}", f->tokens[TANDEM_ROLE_EDITOR], secret);
  soup_websocket_connection_send_text (early, hello);
  error_msg = sync_test_raw_expect (early, "error", 10000);
  g_assert_nonnull (error_msg);
  g_assert_cmpstr (json_object_get_string_member (error_msg, "code"), ==, TANDEM_CODE_SESSION_UNAVAILABLE);
  g_assert_true (sync_test_raw_wait_closed (early, 10000));
  g_assert_cmpuint (soup_websocket_connection_get_close_code (early), ==, TANDEM_CLOSE_TRY_AGAIN);
  g_assert_cmpuint (tandem_session_server_get_n_sessions (f->server), ==, 0);

  /* Readable again: the next hello loads it. */
  g_assert_cmpint (g_rmdir (meta), ==, 0);
  g_assert_cmpint (g_rename (aside, meta), ==, 0);
  editor = join (f, "editor", NULL);
  g_assert_cmpuint (tandem_session_server_get_n_sessions (f->server), ==, 1);
}

static void
test_slow_flush_isolated (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  char *other_tokens[TANDEM_N_ROLES] = { NULL };
  g_autofree char *other_id = create_session (f, other_tokens, &error);
  g_autoptr(SoupWebsocketConnection) slow = NULL;
  g_autoptr(SoupWebsocketConnection) fast = NULL;
  g_autoptr(SoupWebsocketConnection) joiner = NULL;
  g_autoptr(JsonObject) welcome = NULL;
  g_autoptr(JsonObject) msg = NULL;

  g_assert_no_error (error);
  slow = join (f, "slow-editor", NULL);
  fast = sync_test_raw_connect (f->port, other_id, TANDEM_PROTOCOL_SUBPROTOCOL);
  welcome = sync_test_raw_join (fast, other_id, other_tokens[TANDEM_ROLE_EDITOR], "fast-editor");
  g_assert_nonnull (welcome);
  g_clear_pointer (&welcome, json_object_unref);

  /* The first session's disk stalls for 5 s on every flush. */
  tandem_session_server_set_flush_delay_for_tests (f->server, f->session_id, 5000);
  submit_big (f, slow, 1, 11);
  sync_test_spin (50);
  soup_websocket_connection_send_text (fast, "{\"type\":\"submit\",\"cseq\":1,\"ops\":[{\"op\":\"set\","
                                             "\"kind\":\"project\",\"prop\":\"tempo\",\"value\":101}]}");
  /* The other session is not held up… */
  expect_batch (fast, 1);
  /* …nor is the stalled one's main loop: it answers, and a joiner gets
   * the synced state (the batch follows once its flush is done). */
  soup_websocket_connection_send_text (slow, "{\"type\":\"ping\",\"t\":7}");
  /* Presence (a colour assigned, a participant seen) may come first. */
  while ((msg = sync_test_raw_next (slow, 10000)) != NULL
         && g_strcmp0 (json_object_get_string_member (msg, "type"), "presence") == 0)
    json_object_unref (msg);
  g_assert_nonnull (msg);
  g_assert_cmpstr (json_object_get_string_member (msg, "type"), ==, "pong");
  g_assert_cmpuint (tandem_session_server_get_seq (f->server, f->session_id), ==, 0);
  joiner = join (f, "joiner", &welcome);
  g_assert_cmpint (json_object_get_int_member (welcome, "head"), ==, 0);
  expect_batch (slow, 1);
  expect_batch (joiner, 1);
  g_assert_cmpuint (tandem_session_server_get_seq (f->server, f->session_id), ==, 1);
  for (guint r = 0; r < TANDEM_N_ROLES; r++)
    g_free (other_tokens[r]);
}

/* A mount namespace of our own, so that nothing stays mounted if a test
 * dies. */
static void
check_mount (void)
{
  g_autofree char *probe = NULL;

  if (unshare (CLONE_NEWNS) != 0)
    {
      why_not = "cannot make a mount namespace (needs root)";
      return;
    }
  if (mount (NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0)
    {
      why_not = "cannot make mounts private";
      return;
    }
  probe = sync_test_make_tmpdir ();
  if (mount ("tmpfs", probe, "tmpfs", 0, "size=64k") != 0)
    why_not = "cannot mount a tmpfs";
  else
    {
      umount (probe);
      can_mount = TRUE;
    }
  g_rmdir (probe);
}

int
main (int    argc,
      char **argv)
{
  sync_test_init (&argc, &argv);
  check_mount ();
#define ADD(path, kind, fn) g_test_add ("/sync/disk-faults/" path, Fixture, GINT_TO_POINTER (kind), \
                                         fixture_setup, fn, fixture_teardown)
  ADD ("full-disk-recovers", TMPFS, test_full_disk_recovers);
  ADD ("full-disk-client-keeps-edit", TMPFS, test_full_disk_client_keeps_edit);
  ADD ("failed-sync-rolls-back", EXT4_ON_TMPFS, test_failed_sync_rolls_back);
  ADD ("create-on-full-disk", TMPFS, test_create_on_full_disk);
  ADD ("read-only-restart", TMPFS, test_read_only_restart);
  ADD ("temp-files-removed", PLAIN_DIR, test_temp_files_removed);
  ADD ("unloadable-session-retried", PLAIN_DIR, test_unloadable_session_retried);
  ADD ("slow-flush-isolated", PLAIN_DIR, test_slow_flush_isolated);
#undef ADD
  return g_test_run ();
}
