/* test-host.c — the in-app host on its own thread, with a client in another process
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-sync-test"

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "sync-test-utils.h"
#include "tandem-host-addresses.h"
#include "tandem-port-mapping.h"

#define CHILD_EDITS 20

static gboolean
child_done (gpointer data)
{
  TandemSyncClient *client = data;

  return tandem_sync_client_get_state (client) == TANDEM_SYNC_STATE_LIVE
         && tandem_sync_client_get_n_pending (client) == 0;
}

/* The separate client process: joins, makes edits, waits for their
 * acknowledgement and prints the project it ends with. */
static int
run_child (const char *invite,
           int         n_edits)
{
  g_autoptr(TandemSyncClient) client = sync_test_client_new ();
  g_autofree char *json = NULL;
  TandemProject *project = tandem_sync_client_get_project (client);
  g_autoptr(TandemTrack) track = NULL;

  if (!tandem_sync_client_connect (client, invite, NULL) || !sync_test_wait_live (client))
    return EXIT_FAILURE;
  track = g_list_model_get_item (tandem_project_get_tracks (project), 1);
  for (int i = 0; i < n_edits; i++)
    {
      g_autoptr(TandemOp) op = tandem_op_new_set_cell (tandem_project_get_current_pattern (project),
                                                       tandem_track_get_id (track), i, "velocity", 100 - i);

      if (!tandem_sync_client_submit (client, op, NULL))
        return EXIT_FAILURE;
    }
  if (!sync_test_wait (child_done, client, 20000))
    return EXIT_FAILURE;
  json = tandem_project_to_string (project);
  g_print ("%s\n", json);
  tandem_sync_client_disconnect (client);
  return EXIT_SUCCESS;
}

static gboolean
at_seq (gpointer data)
{
  TandemSyncClient *client = data;

  return tandem_sync_client_get_seq (client) >= CHILD_EDITS + 1
         && tandem_sync_client_get_n_pending (client) == 0;
}

static gboolean
not_live (gpointer data)
{
  return tandem_sync_client_get_state (data) != TANDEM_SYNC_STATE_LIVE;
}

static void
test_host_thread (void)
{
  g_autoptr(TandemSessionHost) host = tandem_session_host_new ();
  g_autoptr(TandemProject) demo = tandem_project_new_demo ();
  g_autoptr(JsonNode) project = tandem_project_to_json (demo);
  g_autoptr(GError) error = NULL;
  g_autofree char *data_dir = sync_test_make_tmpdir ();
  g_autofree char *owner = NULL;
  g_autofree char *editor = NULL;
  g_autofree char *viewer = NULL;
  g_autofree char *ws = NULL;
  g_autofree char *child_out = NULL;
  g_autofree char *mine = NULL;
  g_autofree char *prefix = NULL;
  g_autoptr(TandemInvite) a = NULL;
  g_autoptr(TandemInvite) b = NULL;
  g_autoptr(TandemSyncClient) client = sync_test_client_new ();
  g_autoptr(TandemOp) tempo = tandem_op_new_set_double (TANDEM_ENTITY_PROJECT, NULL, "tempo", 140);
  g_autoptr(GSubprocess) child = NULL;
  g_autofree char *self_path = g_file_read_link ("/proc/self/exe", NULL);

  tandem_session_host_set_bind_address (host, "127.0.0.1");
  g_assert_true (tandem_session_host_start (host, 0, data_dir, project, &error));
  g_assert_no_error (error);
  g_assert_true (tandem_session_host_is_running (host));
  g_assert_cmpuint (tandem_session_host_get_port (host), >, 0);

  owner = tandem_session_host_dup_invite (host, TANDEM_ROLE_OWNER);
  editor = tandem_session_host_dup_invite (host, TANDEM_ROLE_EDITOR);
  viewer = tandem_session_host_dup_invite (host, TANDEM_ROLE_VIEWER);
  ws = tandem_session_host_dup_ws_url (host, TANDEM_ROLE_EDITOR);
  prefix = g_strdup_printf ("tandem://127.0.0.1:%u/%s?token=", tandem_session_host_get_port (host),
                            tandem_session_host_get_session_id (host));
  g_assert_true (g_str_has_prefix (owner, prefix));
  g_assert_true (g_str_has_prefix (editor, prefix));
  g_assert_true (g_str_has_prefix (viewer, prefix));
  g_assert_cmpstr (owner, !=, editor);
  g_assert_cmpstr (editor, !=, viewer);
  a = tandem_invite_parse (editor, &error);
  b = tandem_invite_parse (ws, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (a->token, ==, b->token);
  g_assert_cmpstr (a->session_id, ==, b->session_id);
  g_assert_cmpuint (a->port, ==, b->port);

  /* The app's own client joins like everyone else. */
  g_assert_true (tandem_sync_client_connect (client, owner, NULL));
  g_assert_true (sync_test_wait_live (client));
  g_assert_cmpstr (tandem_sync_client_get_role (client), ==, "owner");
  g_assert_true (tandem_sync_client_submit (client, tempo, NULL));

  /* Another process edits while this thread is blocked (a busy UI): the
   * host thread serves it regardless. */
  g_assert_nonnull (self_path);
  child = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error, self_path, "--client", editor,
                            G_STRINGIFY (CHILD_EDITS), NULL);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_communicate_utf8 (child, NULL, NULL, &child_out, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (child));
  g_assert_cmpint (g_subprocess_get_exit_status (child), ==, 0);

  g_assert_true (sync_test_wait (at_seq, client, 10000));
  mine = tandem_project_to_string (tandem_sync_client_get_project (client));
  g_strchomp (child_out);
  g_assert_cmpfloat (tandem_project_get_tempo (tandem_sync_client_get_project (client)), ==, 140);
  /* The child finished before it saw our tempo change, or after: either
   * way our replica now holds both. */
  g_assert_nonnull (strstr (mine, "\"tempo\":140"));
  g_assert_true (g_str_has_prefix (child_out, "{"));
  {
    TandemProject *p = tandem_sync_client_get_project (client);
    g_autoptr(TandemTrack) track = g_list_model_get_item (tandem_project_get_tracks (p), 1);
    TandemPattern *pattern = tandem_project_find_pattern (p, tandem_project_get_current_pattern (p));

    for (guint i = 0; i < CHILD_EDITS; i++)
      g_assert_cmpuint (tandem_pattern_get_cell (pattern, tandem_track_get_id (track), i)->velocity, ==, 100 - i);
  }

  tandem_session_host_stop (host);
  g_assert_false (tandem_session_host_is_running (host));
  g_assert_true (sync_test_wait (not_live, client, 10000));
  sync_test_rm_rf (data_dir);
}

/* Every address offered is one of this machine's: a socket binds to it. */
static void
test_host_addresses_are_ours (void)
{
  g_autoptr(GPtrArray) list = tandem_host_addresses_list ();

  for (guint i = 0; i < list->len; i++)
    {
      g_autoptr(GInetAddress) inet = g_inet_address_new_from_string (list->pdata[i]);
      g_autoptr(GSocketAddress) address = NULL;
      g_autoptr(GSocket) socket = NULL;
      g_autoptr(GError) error = NULL;

      g_test_message ("address %s", (const char *) list->pdata[i]);
      g_assert_nonnull (inet);
      g_assert_false (g_inet_address_get_is_loopback (inet));
      g_assert_false (g_inet_address_get_is_link_local (inet));
      address = g_inet_socket_address_new (inet, 0);
      socket = g_socket_new (g_inet_address_get_family (inet), G_SOCKET_TYPE_STREAM,
                             G_SOCKET_PROTOCOL_TCP, &error);
      g_assert_no_error (error);
      g_assert_true (g_socket_bind (socket, address, FALSE, &error));
      g_assert_no_error (error);
    }
}

/* What a link naming each kind of address reaches, as the Host dialog says. */
static void
test_host_address_reach (void)
{
  static const struct { const char *host; TandemHostReach reach; } cases[] = {
    { "127.0.0.1", TANDEM_HOST_REACH_THIS_COMPUTER },
    { "::1", TANDEM_HOST_REACH_THIS_COMPUTER },
    { "[::1]", TANDEM_HOST_REACH_THIS_COMPUTER },
    { "localhost", TANDEM_HOST_REACH_THIS_COMPUTER },
    { "0.0.0.0", TANDEM_HOST_REACH_THIS_COMPUTER },
    { "192.168.1.20", TANDEM_HOST_REACH_NETWORK },
    { "10.0.0.5", TANDEM_HOST_REACH_NETWORK },
    { "172.16.3.4", TANDEM_HOST_REACH_NETWORK },
    { "172.31.255.1", TANDEM_HOST_REACH_NETWORK },
    { "169.254.7.7", TANDEM_HOST_REACH_NETWORK },
    { "100.64.0.1", TANDEM_HOST_REACH_NETWORK },
    { "fd12:3456::1", TANDEM_HOST_REACH_NETWORK },
    { "[fd12:3456::1]", TANDEM_HOST_REACH_NETWORK },
    { "fe80::1", TANDEM_HOST_REACH_NETWORK },
    { "studio.local", TANDEM_HOST_REACH_NETWORK },
    { "vm", TANDEM_HOST_REACH_NETWORK },
    { "172.32.0.1", TANDEM_HOST_REACH_INTERNET },
    { "100.128.0.1", TANDEM_HOST_REACH_INTERNET },
    { "203.0.113.9", TANDEM_HOST_REACH_INTERNET },
    { "2001:db8::7", TANDEM_HOST_REACH_INTERNET },
    { "[2a01:4f8::1]", TANDEM_HOST_REACH_INTERNET },
    { "sessions.example.org", TANDEM_HOST_REACH_INTERNET },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_test_message ("%s", cases[i].host);
      g_assert_cmpint (tandem_host_addresses_classify (cases[i].host), ==, cases[i].reach);
    }
}

static void
on_mapping_done (GObject      *source,
                 GAsyncResult *result,
                 gpointer      data)
{
  GError **error = data;
  g_autofree char *ip = NULL;

  ip = tandem_port_mapping_start_finish (TANDEM_PORT_MAPPING (source), result, NULL, error);
  g_assert_null (ip);
  g_assert_nonnull (*error);
}

static gboolean
error_set (gpointer data)
{
  return *(GError **) data != NULL;
}

/* With no router answering, asking for a port mapping ends within its
 * bound, saying so, and the host carries on with its network link. (No
 * router fixture here: this is the failure path only.) */
static void
test_host_port_mapping_no_router (void)
{
  g_autoptr(TandemPortMapping) mapping = tandem_port_mapping_new ();
  g_autoptr(GError) error = NULL;
  gint64 start = g_get_monotonic_time ();

  tandem_port_mapping_start_async (mapping, "127.0.0.1", 8421, 300, NULL,
                                   on_mapping_done, &error);
  g_assert_true (sync_test_wait (error_set, &error, 10000));
  g_assert_true (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT)
                 || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_FAILED));
  g_assert_cmpint (g_get_monotonic_time () - start, <, 5 * G_USEC_PER_SEC);
  tandem_port_mapping_stop (mapping);
}

/* A host listening on every interface names an address in its links, never
 * the bare host name other machines cannot resolve, and a guest joins
 * through it. */
static void
test_host_link_names_an_address (void)
{
  g_autoptr(TandemSessionHost) host = tandem_session_host_new ();
  g_autoptr(TandemSyncClient) client = sync_test_client_new ();
  g_autoptr(GPtrArray) list = tandem_host_addresses_list ();
  g_autoptr(GInetAddress) inet = NULL;
  g_autoptr(TandemInvite) invite = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *data_dir = sync_test_make_tmpdir ();
  g_autofree char *cert = g_build_filename (data_dir, "host.pem", NULL);
  g_autofree char *link = NULL;

  tandem_session_host_set_certificate_path (host, cert);
  g_assert_true (tandem_session_host_start (host, 0, data_dir, NULL, &error));
  g_assert_no_error (error);
  link = tandem_session_host_dup_invite (host, TANDEM_ROLE_EDITOR);
  g_test_message ("link %s", link);
  invite = tandem_invite_parse (link, &error);
  g_assert_no_error (error);
  inet = g_inet_address_new_from_string (invite->host);
  g_assert_nonnull (inet);
  if (list->len > 0)
    g_assert_cmpstr (invite->host, ==, list->pdata[0]);
  else
    g_assert_true (g_inet_address_get_is_loopback (inet));

  g_assert_true (tandem_sync_client_connect (client, link, NULL));
  g_assert_true (sync_test_wait_live (client));
  tandem_session_host_stop (host);
  sync_test_rm_rf (data_dir);
}

static void
test_host_port_in_use (void)
{
  g_autoptr(TandemSessionHost) first = tandem_session_host_new ();
  g_autoptr(TandemSessionHost) second = tandem_session_host_new ();
  g_autoptr(GError) error = NULL;

  tandem_session_host_set_bind_address (first, "127.0.0.1");
  tandem_session_host_set_bind_address (second, "127.0.0.1");
  g_assert_true (tandem_session_host_start (first, 0, NULL, NULL, &error));
  g_assert_false (tandem_session_host_start (second, tandem_session_host_get_port (first), NULL, NULL,
                                             &error));
  g_assert_nonnull (error);
  g_assert_false (tandem_session_host_is_running (second));
  tandem_session_host_stop (first);
}

int
main (int    argc,
      char **argv)
{
  if (argc == 4 && strcmp (argv[1], "--client") == 0)
    return run_child (argv[2], atoi (argv[3]));

  sync_test_init (&argc, &argv);
  g_test_add_func ("/sync/host/thread", test_host_thread);
  g_test_add_func ("/sync/host/port-in-use", test_host_port_in_use);
  g_test_add_func ("/sync/host/addresses-are-ours", test_host_addresses_are_ours);
  g_test_add_func ("/sync/host/address-reach", test_host_address_reach);
  g_test_add_func ("/sync/host/port-mapping-no-router", test_host_port_mapping_no_router);
  g_test_add_func ("/sync/host/link-names-an-address", test_host_link_names_an_address);
  return g_test_run ();
}
