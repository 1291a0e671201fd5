/* test-hosted-sessions.c — the app's memory of the sessions it hosts, and resuming one
 *
 * The store on disk (round trip, order, pruning, hostile files), and the
 * in-app host resuming a session from its own journal folder: same id, same
 * links, same port, or a refusal — never another session under that port.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-sync-test"

#include "config.h"

#include <glib/gstdio.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sync-test-utils.h"

static char *data_home;

static guint16
free_port (void)
{
  g_autoptr(GSocket) sock = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, 0, NULL);
  g_autoptr(GInetAddress) lo = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) any = g_inet_socket_address_new (lo, 0);
  g_autoptr(GSocketAddress) bound = NULL;

  g_assert_true (g_socket_bind (sock, any, TRUE, NULL));
  bound = g_socket_get_local_address (sock, NULL);
  return g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
}

static TandemHostedSession *
sample_entry (const char *name,
              gboolean    open)
{
  TandemHostedSession *entry = tandem_hosted_session_new ();

  entry->session_id = g_strdup ("abcDEF012_-session");
  for (guint r = 0; r < TANDEM_N_ROLES; r++)
    entry->tokens[r] = g_strdup_printf ("token-%u-0123456789abcdefghijklmnopqrstuvw", r);
  entry->port = 8421;
  entry->name = g_strdup (name);
  entry->bind_address = g_strdup ("127.0.0.1");
  entry->tls = TRUE;
  entry->draft_id = g_strdup ("draft0123");
  entry->open = open;
  return entry;
}

static char *
entry_path (TandemHostedSession *entry)
{
  g_autofree char *dir = tandem_hosted_sessions_get_dir ();

  return g_build_filename (dir, entry->key, "hosted.json", NULL);
}

static void
clear_store (void)
{
  g_autofree char *dir = tandem_hosted_sessions_get_dir ();

  sync_test_rm_rf (dir);
}

static void
test_store_round_trip (void)
{
  g_autoptr(TandemHostedSession) entry = sample_entry ("New Beat", TRUE);
  g_autoptr(TandemHostedSession) back = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  GStatBuf st;

  clear_store ();
  g_assert_true (tandem_hosted_session_save (entry, &error));
  g_assert_no_error (error);

  /* It holds the tokens: only the user reads it. */
  path = entry_path (entry);
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);

  back = tandem_hosted_session_load (entry->key, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (back->session_id, ==, entry->session_id);
  for (guint r = 0; r < TANDEM_N_ROLES; r++)
    g_assert_cmpstr (back->tokens[r], ==, entry->tokens[r]);
  g_assert_cmpuint (back->port, ==, 8421);
  g_assert_cmpstr (back->name, ==, "New Beat");
  g_assert_cmpstr (back->bind_address, ==, "127.0.0.1");
  g_assert_null (back->public_host);
  g_assert_true (back->tls);
  g_assert_true (back->open);
  g_assert_cmpstr (back->draft_id, ==, "draft0123");
  g_assert_cmpint (back->updated, ==, entry->updated);
  /* Each entry journals in a folder of its own. */
  g_assert_nonnull (strstr (back->journal_dir, entry->key));
  g_assert_cmpstr (back->journal_dir, ==, entry->journal_dir);
}

static void
test_store_list_and_prune (void)
{
  g_autoptr(GPtrArray) all = NULL;
  g_autoptr(GPtrArray) open = NULL;
  g_autoptr(GPtrArray) after = NULL;
  g_autoptr(TandemHostedSession) found = NULL;
  const char *names[] = { "one", "two", "three", "four", "five" };

  clear_store ();
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autoptr(TandemHostedSession) entry = sample_entry (names[i], i == 1);

      g_free (entry->session_id);
      entry->session_id = g_strdup_printf ("session%u", i);
      g_assert_true (tandem_hosted_session_save (entry, NULL));
    }

  all = tandem_hosted_sessions_list (FALSE);
  g_assert_cmpuint (all->len, ==, 5);
  for (guint i = 0; i < all->len; i++)
    g_assert_cmpstr (((TandemHostedSession *) all->pdata[i])->name, ==, names[4 - i]);
  open = tandem_hosted_sessions_list (TRUE);
  g_assert_cmpuint (open->len, ==, 1);
  g_assert_cmpstr (((TandemHostedSession *) open->pdata[0])->name, ==, "two");
  found = tandem_hosted_sessions_find ("session3");
  g_assert_nonnull (found);
  g_assert_cmpstr (found->name, ==, "four");

  /* The two newest ended ones stay, and the open one whatever its age. */
  tandem_hosted_sessions_prune (2);
  after = tandem_hosted_sessions_list (FALSE);
  g_assert_cmpuint (after->len, ==, 3);
  g_assert_cmpstr (((TandemHostedSession *) after->pdata[0])->name, ==, "five");
  g_assert_cmpstr (((TandemHostedSession *) after->pdata[1])->name, ==, "four");
  g_assert_cmpstr (((TandemHostedSession *) after->pdata[2])->name, ==, "two");
}

static gboolean
listed_open (const char *key)
{
  g_autoptr(GPtrArray) open = tandem_hosted_sessions_list (TRUE);

  for (guint i = 0; i < open->len; i++)
    if (g_strcmp0 (((TandemHostedSession *) open->pdata[i])->key, key) == 0)
      return TRUE;
  return FALSE;
}

/* A session another running Tandem hosts is not offered for resuming; once
 * that app dies, however it dies, it is. */
static void
test_store_hosted_elsewhere (void)
{
  g_autoptr(TandemHostedSession) held = sample_entry ("held", TRUE);
  g_autoptr(TandemHostedSession) copy = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *key = NULL;
  int ready[2], status;
  char byte;
  pid_t child;

  clear_store ();
  g_assert_true (tandem_hosted_session_save (held, NULL));
  g_assert_true (tandem_hosted_sessions_is_hosted (held->key));
  g_assert_false (listed_open (held->key));
  /* A second taker of the same session is refused. */
  copy = tandem_hosted_session_load (held->key, NULL);
  g_assert_nonnull (copy);
  g_assert_false (tandem_hosted_session_save (copy, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_BUSY);
  /* Ended on purpose: free for anyone. */
  held->open = FALSE;
  g_assert_true (tandem_hosted_session_save (held, NULL));
  g_assert_false (tandem_hosted_sessions_is_hosted (held->key));
  g_clear_pointer (&copy, tandem_hosted_session_free);

  /* Another process hosting it, then killed mid-session. */
  key = g_strdup (held->key);
  g_assert_cmpint (pipe (ready), ==, 0);
  child = fork ();
  g_assert_cmpint (child, >=, 0);
  if (child == 0)
    {
      TandemHostedSession *mine = tandem_hosted_session_load (key, NULL);

      close (ready[0]);
      mine->open = TRUE;
      byte = tandem_hosted_session_save (mine, NULL) ? 'y' : 'n';
      if (write (ready[1], &byte, 1) != 1)
        _exit (1);
      pause ();
      _exit (0);
    }
  close (ready[1]);
  g_assert_cmpint (read (ready[0], &byte, 1), ==, 1);
  close (ready[0]);
  g_assert_cmpint (byte, ==, 'y');
  g_assert_true (tandem_hosted_sessions_is_hosted (key));
  g_assert_false (listed_open (key));

  kill (child, SIGKILL);
  g_assert_cmpint (waitpid (child, &status, 0), ==, child);
  g_assert_false (tandem_hosted_sessions_is_hosted (key));
  g_assert_true (listed_open (key));
  copy = tandem_hosted_session_load (key, NULL);
  g_assert_true (tandem_hosted_session_save (copy, NULL));
}

/* Whatever is in hosted.json, loading says no or gives a whole entry. */
static void
test_store_hostile_files (void)
{
  const char *bad[] = {
    "",
    "{",
    "[]",
    "{\"session\":\"x\"}",
    "{\"session\":\"s1\",\"tokens\":{\"owner\":\"a\",\"editor\":\"b\"},\"port\":1}",
    "{\"session\":\"s1\",\"tokens\":{\"owner\":\"a\",\"editor\":\"b\",\"viewer\":\"c\"},\"port\":0}",
    "{\"session\":\"s1\",\"tokens\":{\"owner\":\"a\",\"editor\":\"b\",\"viewer\":\"c\"},\"port\":70000}",
    "{\"session\":\"../../etc\",\"tokens\":{\"owner\":\"a\",\"editor\":\"b\",\"viewer\":\"c\"},\"port\":1}",
    "{\"session\":\"s1\",\"tokens\":{\"owner\":\"a b\",\"editor\":\"b\",\"viewer\":\"c\"},\"port\":1}",
    "{\"session\":\"s1\",\"tokens\":{\"owner\":\"a\",\"editor\":\"b\",\"viewer\":\"c\"},\"port\":\"1\"}",
    "{\"session\":\"s1\",\"tokens\":{\"owner\":\"a\",\"editor\":\"b\",\"viewer\":\"c\"},\"port\":1,"
    "\"open\":\"yes\"}",
    "{\"session\":\"s1\",\"tokens\":{\"owner\":\"a\",\"editor\":\"b\",\"viewer\":\"c\"},\"port\":1,"
    "\"draft\":\"../x\"}",
    "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]",
  };
  g_autoptr(TandemHostedSession) good = sample_entry ("Good", TRUE);
  g_autofree char *good_path = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) listed = NULL;
  g_autoptr(GString) big = g_string_new ("{\"name\":\"");

  clear_store ();
  g_assert_true (tandem_hosted_session_save (good, NULL));
  for (guint i = 0; i < G_N_ELEMENTS (bad) + 1; i++)
    {
      g_autoptr(TandemHostedSession) entry = tandem_hosted_session_new ();
      g_autoptr(TandemHostedSession) back = NULL;
      g_autofree char *dir = g_path_get_dirname (entry_path (entry));
      g_autofree char *path = entry_path (entry);
      g_autoptr(GError) load_error = NULL;

      if (i == G_N_ELEMENTS (bad))
        {
          /* Larger than any entry we write. */
          while (big->len < 200 * 1024)
            g_string_append (big, "aaaaaaaaaaaaaaaa");
          g_string_append (big, "\"}");
        }
      g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
      g_assert_true (g_file_set_contents (path, i < G_N_ELEMENTS (bad) ? bad[i] : big->str, -1,
                                          NULL));
      back = tandem_hosted_session_load (entry->key, &load_error);
      g_assert_null (back);
      g_assert_nonnull (load_error);
    }
  /* A name that is no folder of ours is refused before any file is read. */
  g_assert_null (tandem_hosted_session_load ("../hosted", &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);

  listed = tandem_hosted_sessions_list (FALSE);
  /* Only the good one is listed; the bad ones are skipped, not fatal. */
  g_assert_cmpuint (listed->len, ==, 1);
  g_assert_cmpstr (((TandemHostedSession *) listed->pdata[0])->name, ==, "Good");
  good_path = entry_path (good);
  g_assert_true (g_file_test (good_path, G_FILE_TEST_EXISTS));
}

/* Hosting */

typedef struct
{
  TandemSessionHost   *host;
  TandemHostedSession *entry;
} Hosted;

static void
host_new (Hosted  *h,
          guint16  port)
{
  g_autoptr(TandemProject) demo = tandem_project_new_demo ();
  g_autoptr(JsonNode) project = tandem_project_to_json (demo);
  g_autoptr(GError) error = NULL;

  h->host = tandem_session_host_new ();
  tandem_session_host_set_bind_address (h->host, "127.0.0.1");
  tandem_session_host_set_fsync (h->host, FALSE);
  h->entry = tandem_hosted_session_new ();
  g_assert_true (tandem_session_host_start (h->host, port, h->entry->journal_dir, project,
                                            &error));
  g_assert_no_error (error);
  h->entry->session_id = g_strdup (tandem_session_host_get_session_id (h->host));
  for (guint r = 0; r < TANDEM_N_ROLES; r++)
    h->entry->tokens[r] = g_strdup (tandem_session_host_get_token (h->host, r));
  h->entry->port = tandem_session_host_get_port (h->host);
  h->entry->bind_address = g_strdup ("127.0.0.1");
  h->entry->open = TRUE;
  g_assert_true (tandem_hosted_session_save (h->entry, &error));
  g_assert_no_error (error);
}

static void
hosted_clear (Hosted *h)
{
  g_clear_object (&h->host);
  g_clear_pointer (&h->entry, tandem_hosted_session_free);
}

static gboolean
resume (TandemSessionHost   *host,
        TandemHostedSession *entry,
        GError             **error)
{
  tandem_session_host_set_bind_address (host, entry->bind_address);
  tandem_session_host_set_fsync (host, FALSE);
  return tandem_session_host_resume (host, entry->port, entry->journal_dir, entry->session_id,
                                     (const char *const *) entry->tokens, error);
}

static gboolean
settled (gpointer data)
{
  TandemSyncClient *client = data;

  return tandem_sync_client_get_state (client) == TANDEM_SYNC_STATE_LIVE
         && tandem_sync_client_get_n_pending (client) == 0;
}

static gboolean
is_reconnecting (gpointer data)
{
  return tandem_sync_client_get_state (data) == TANDEM_SYNC_STATE_RECONNECTING;
}

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

/* Stopped and resumed: the same link works on the same port, the edits are
 * there, and the client carries on by itself. */
static void
test_resume_same_session (void)
{
  Hosted h = { NULL, };
  g_autoptr(TandemSessionHost) again = tandem_session_host_new ();
  g_autoptr(TandemSyncClient) client = sync_test_client_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *link = NULL;
  g_autofree char *link_again = NULL;

  clear_store ();
  host_new (&h, 0);
  link = tandem_session_host_dup_invite (h.host, TANDEM_ROLE_EDITOR);
  g_assert_true (tandem_sync_client_connect (client, link, NULL));
  g_assert_true (sync_test_wait_live (client));
  set_cell (client, 0, 90);
  g_assert_true (sync_test_wait (settled, client, 10000));

  tandem_session_host_stop (h.host);
  g_assert_true (sync_test_wait (is_reconnecting, client, 10000));
  set_cell (client, 1, 80);

  g_assert_true (resume (again, h.entry, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (tandem_session_host_get_session_id (again), ==, h.entry->session_id);
  g_assert_cmpuint (tandem_session_host_get_port (again), ==, h.entry->port);
  link_again = tandem_session_host_dup_invite (again, TANDEM_ROLE_EDITOR);
  g_assert_cmpstr (link_again, ==, link);

  g_assert_true (sync_test_wait (settled, client, 15000));
  g_assert_cmpuint (cell (client, 0), ==, 90);
  g_assert_cmpuint (cell (client, 1), ==, 80);
  g_assert_cmpuint (tandem_sync_client_get_seq (client), ==, 2);
  tandem_sync_client_disconnect (client);
  hosted_clear (&h);
}

/* The port is someone else's: say so, and serve nothing at all. */
static void
test_resume_port_taken (void)
{
  Hosted h = { NULL, };
  g_autoptr(TandemSessionHost) again = tandem_session_host_new ();
  g_autoptr(GSocket) squatter = NULL;
  g_autoptr(GInetAddress) lo = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) addr = NULL;
  g_autoptr(GError) error = NULL;

  clear_store ();
  host_new (&h, 0);
  tandem_session_host_stop (h.host);

  squatter = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, 0, &error);
  addr = g_inet_socket_address_new (lo, h.entry->port);
  g_assert_true (g_socket_bind (squatter, addr, TRUE, &error));
  g_assert_true (g_socket_listen (squatter, &error));

  g_assert_false (resume (again, h.entry, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_ADDRESS_IN_USE);
  g_assert_false (tandem_session_host_is_running (again));
  g_assert_null (tandem_session_host_dup_invite (again, TANDEM_ROLE_EDITOR));
  hosted_clear (&h);
}

/* A journal folder that lost its session is no reason to serve an empty one. */
static void
test_resume_without_journal (void)
{
  g_autoptr(TandemHostedSession) entry = sample_entry ("Lost", TRUE);
  g_autoptr(TandemSessionHost) host = tandem_session_host_new ();
  g_autoptr(GError) error = NULL;

  clear_store ();
  tandem_session_host_set_bind_address (host, "127.0.0.1");
  g_assert_false (tandem_session_host_resume (host, free_port (), entry->journal_dir,
                                              entry->session_id,
                                              (const char *const *) entry->tokens, &error));
  g_assert_nonnull (error);
  g_assert_false (tandem_session_host_is_running (host));
}

static gboolean
is_offline (gpointer data)
{
  return tandem_sync_client_get_state (data) == TANDEM_SYNC_STATE_OFFLINE;
}

static gboolean
got_error (gpointer data)
{
  return *(char **) data != NULL;
}

static void
on_error (TandemSyncClient *client,
          const char       *code,
          const char       *message,
          char            **out)
{
  g_free (*out);
  *out = g_strdup (code);
}

/* After a crash, hosting anew on the same port is a new session in a new
 * folder: a guest of the old one is refused, never let into some other
 * session, and the old journal stays intact for a resume. */
static void
test_new_host_never_serves_old_session (void)
{
  Hosted old = { NULL, }, fresh = { NULL, };
  g_autoptr(TandemSyncClient) guest = sync_test_client_new ();
  g_autoptr(TandemSyncClient) late = sync_test_client_new ();
  g_autoptr(TandemSessionHost) resumed = tandem_session_host_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *old_link = NULL;
  g_autofree char *code = NULL;
  guint16 port;

  clear_store ();
  host_new (&old, 0);
  port = old.entry->port;
  old_link = tandem_session_host_dup_invite (old.host, TANDEM_ROLE_EDITOR);
  g_assert_true (tandem_sync_client_connect (guest, old_link, NULL));
  g_assert_true (sync_test_wait_live (guest));
  set_cell (guest, 3, 77);
  g_assert_true (sync_test_wait (settled, guest, 10000));
  tandem_session_host_stop (old.host);
  g_assert_true (sync_test_wait (is_reconnecting, guest, 10000));

  g_signal_connect (guest, "error", G_CALLBACK (on_error), &code);
  host_new (&fresh, port);
  g_assert_cmpstr (fresh.entry->session_id, !=, old.entry->session_id);
  g_assert_cmpstr (fresh.entry->journal_dir, !=, old.entry->journal_dir);
  g_assert_true (sync_test_wait (got_error, &code, 15000));
  g_assert_cmpstr (code, ==, "no-such-session");
  g_assert_true (sync_test_wait (is_offline, guest, 10000));
  tandem_session_host_stop (fresh.host);

  /* The old session is all there for whoever resumes it. */
  g_assert_true (resume (resumed, old.entry, &error));
  g_assert_no_error (error);
  g_assert_true (tandem_sync_client_connect (late, old_link, NULL));
  g_assert_true (sync_test_wait_live (late));
  g_assert_cmpuint (cell (late, 3), ==, 77);
  tandem_sync_client_disconnect (late);
  hosted_clear (&old);
  hosted_clear (&fresh);
}

int
main (int    argc,
      char **argv)
{
  int status;

  /* The store lives in the user data dir: a folder of this run's own. */
  data_home = g_dir_make_tmp ("tandem-hosted-XXXXXX", NULL);
  g_setenv ("XDG_DATA_HOME", data_home, TRUE);
  sync_test_init (&argc, &argv);

  g_test_add_func ("/sync/hosted/store-round-trip", test_store_round_trip);
  g_test_add_func ("/sync/hosted/store-list-and-prune", test_store_list_and_prune);
  g_test_add_func ("/sync/hosted/store-hostile-files", test_store_hostile_files);
  g_test_add_func ("/sync/hosted/store-hosted-elsewhere", test_store_hosted_elsewhere);
  g_test_add_func ("/sync/hosted/resume-same-session", test_resume_same_session);
  g_test_add_func ("/sync/hosted/resume-port-taken", test_resume_port_taken);
  g_test_add_func ("/sync/hosted/resume-without-journal", test_resume_without_journal);
  g_test_add_func ("/sync/hosted/new-host-never-serves-old-session",
                   test_new_host_never_serves_old_session);

  status = g_test_run ();
  sync_test_rm_rf (data_home);
  g_free (data_home);
  return status;
}
