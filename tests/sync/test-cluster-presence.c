/* test-cluster-presence.c — who is in a session, across two cluster nodes
 *
 * Two in-process tandem-server nodes on a real redis-server serve one
 * session; Ada is on the first, Bob and Carl on the second. Each sees the
 * others by name, colours stay unique across the nodes, the owner changes
 * the role of someone on the other node, a cursor moves
 * from one node to the other, a leave reaches the other node at once, and
 * the people of a node that goes silent leave after the expiry.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-sync-test"

#include "config.h"

#include <string.h>

#include "sync-test-redis.h"
#include "sync-test-utils.h"
#include "tandem-cluster.h"

#define HEARTBEAT_MS 150
#define EXPIRY_MS    600

typedef struct
{
  TandemSessionServer *server;
  TandemCluster       *cluster;
  char                *dir;
  guint16              port;
} Node;

typedef struct
{
  SyncTestRedis  redis;
  Node           nodes[2];
  char          *session_id;
  char          *tokens[TANDEM_N_ROLES];
} Fixture;

static void
node_start (Fixture    *f,
            Node       *node,
            const char *name)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *url = sync_test_redis_url (&f->redis);

  node->server = tandem_session_server_new (node->dir, &error);
  g_assert_no_error (error);
  node->cluster = tandem_cluster_new (url, name, 0, &error);
  g_assert_no_error (error);
  tandem_cluster_attach (node->cluster, node->server);
  _tandem_cluster_presence_set_timing (_tandem_cluster_get_presence (node->cluster),
                                       HEARTBEAT_MS, EXPIRY_MS);
  g_assert_true (tandem_session_server_listen (node->server, "127.0.0.1", 0, &error));
  g_assert_no_error (error);
  node->port = tandem_session_server_get_port (node->server);
}

/* The second node starts from the first one's folder of the session, as
 * written when it was created. */
static void
copy_session (Fixture *f)
{
  g_autofree char *from = g_build_filename (f->nodes[0].dir, "sessions", f->session_id, NULL);
  g_autofree char *to = g_build_filename (f->nodes[1].dir, "sessions", NULL);
  g_autofree char *cmd = g_strdup_printf ("cp -a '%s' '%s'", from, to);
  g_autoptr(GError) error = NULL;
  int status;

  g_assert_cmpint (g_mkdir_with_parents (to, 0700), ==, 0);
  g_assert_true (g_spawn_command_line_sync (cmd, NULL, NULL, &status, &error));
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(TandemProject) demo = tandem_project_new_demo ();
  g_autoptr(JsonNode) project = tandem_project_to_json (demo);
  g_autoptr(GError) error = NULL;

  if (!sync_test_redis_start (&f->redis))
    return;
  f->nodes[0].dir = sync_test_make_tmpdir ();
  f->nodes[1].dir = sync_test_make_tmpdir ();
  node_start (f, &f->nodes[0], "node-a");
  f->session_id = tandem_session_server_create_session (f->nodes[0].server, project, f->tokens, &error);
  g_assert_no_error (error);
  copy_session (f);
  node_start (f, &f->nodes[1], "node-b");
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  for (guint i = 0; i < G_N_ELEMENTS (f->nodes); i++)
    {
      Node *node = &f->nodes[i];

      if (node->server != NULL)
        {
          sync_test_server_shutdown (node->server);
          g_clear_object (&node->server);
        }
      g_clear_pointer (&node->cluster, tandem_cluster_free);
      if (node->dir != NULL)
        sync_test_rm_rf (node->dir);
      g_free (node->dir);
    }
  for (guint r = 0; r < TANDEM_N_ROLES; r++)
    g_free (f->tokens[r]);
  g_free (f->session_id);
  sync_test_redis_free (&f->redis);
}

static TandemSyncClient *
join_as (Fixture    *f,
         guint       node,
         const char *name,
         const char *color,
         TandemRole  role)
{
  g_autoptr(TandemInvite) invite = tandem_invite_new ("127.0.0.1", f->nodes[node].port, f->session_id,
                                                      f->tokens[role]);
  g_autofree char *link = tandem_invite_to_link (invite);
  g_autoptr(GError) error = NULL;
  TandemSyncClient *client = sync_test_client_new ();

  tandem_sync_client_set_display_name (client, name);
  if (color)
    tandem_sync_client_set_color (client, color);
  g_assert_true (tandem_sync_client_connect (client, link, &error));
  g_assert_no_error (error);
  g_assert_true (sync_test_wait_live (client));
  return client;
}

static TandemSyncClient *
join (Fixture    *f,
      guint       node,
      const char *name,
      const char *color)
{
  return join_as (f, node, name, color, TANDEM_ROLE_EDITOR);
}

static TandemParticipant *
find_named (TandemSyncClient *client,
            const char       *name)
{
  GListModel *people = tandem_sync_client_get_participants (client);

  for (guint i = 0; i < g_list_model_get_n_items (people); i++)
    {
      g_autoptr(TandemParticipant) p = g_list_model_get_item (people, i);

      if (g_strcmp0 (tandem_participant_get_name (p), name) == 0)
        return p;   /* the list keeps it */
    }
  return NULL;
}

typedef struct
{
  TandemSyncClient *client;
  const char       *name;
  gboolean          present;
  int               step;     /* >= 0: with the cursor on this step */
} Sees;

static gboolean
sees (gpointer data)
{
  Sees *s = data;
  TandemParticipant *p = find_named (s->client, s->name);

  if (!s->present)
    return p == NULL;
  return p != NULL && (s->step < 0 || tandem_participant_get_cursor_step (p) == s->step);
}

typedef struct
{
  TandemSyncClient *client;
  const char       *name;   /* NULL: the client's own role */
  const char       *role;
} RoleIs;

static gboolean
has_role (gpointer data)
{
  RoleIs *r = data;
  TandemParticipant *p;

  if (r->name == NULL)
    return g_strcmp0 (tandem_sync_client_get_role (r->client), r->role) == 0;
  p = find_named (r->client, r->name);
  return p != NULL && g_strcmp0 (tandem_participant_get_role (p), r->role) == 0;
}

static gboolean
colours_settled (gpointer data)
{
  TandemSyncClient **pair = data;
  TandemParticipant *bob_seen = find_named (pair[0], "Bob");
  TandemParticipant *ada_seen = find_named (pair[1], "Ada");

  return bob_seen != NULL && ada_seen != NULL
         && g_strcmp0 (tandem_sync_client_get_color (pair[0]), tandem_sync_client_get_color (pair[1])) != 0
         && g_strcmp0 (tandem_participant_get_color (bob_seen), tandem_sync_client_get_color (pair[1])) == 0
         && g_strcmp0 (tandem_participant_get_color (ada_seen), tandem_sync_client_get_color (pair[0])) == 0;
}

static void
test_presence_across_nodes (Fixture       *f,
                            gconstpointer  data)
{
  g_autoptr(TandemSyncClient) ada = NULL, bob = NULL, carl = NULL;
  Sees s;

  if (f->session_id == NULL)
    {
      g_test_skip ("redis-server is not installed");
      return;
    }

  /* Ada joins the first node; Bob the second, wishing for Ada's colour
   * before his node has heard of her. */
  ada = join_as (f, 0, "Ada", "#e01b24", TANDEM_ROLE_OWNER);
  g_assert_cmpstr (tandem_sync_client_get_color (ada), ==, "#e01b24");
  bob = join (f, 1, "Bob", "#e01b24");
  s = (Sees) { ada, "Bob", TRUE, -1 };
  g_assert_true (sync_test_wait (sees, &s, 5000));
  s = (Sees) { bob, "Ada", TRUE, -1 };
  g_assert_true (sync_test_wait (sees, &s, 5000));

  /* No two people share a colour for long, whichever node they are on,
   * and each sees the other's as it is. */
  {
    TandemSyncClient *pair[] = { ada, bob };

    g_assert_true (sync_test_wait (colours_settled, pair, 5000));
  }

  /* Ada, the owner, makes Bob a listener from the other node: his node
   * applies it, and both see it. */
  tandem_sync_client_set_role_of (ada, tandem_participant_get_client_id (find_named (ada, "Bob")),
                                  "viewer");
  g_assert_true (sync_test_wait (has_role, &(RoleIs) { bob, NULL, "viewer" }, 5000));
  g_assert_true (sync_test_wait (has_role, &(RoleIs) { ada, "Bob", "viewer" }, 5000));
  tandem_sync_client_set_role_of (ada, tandem_participant_get_client_id (find_named (ada, "Bob")),
                                  "editor");
  g_assert_true (sync_test_wait (has_role, &(RoleIs) { bob, NULL, "editor" }, 5000));
  g_assert_true (sync_test_wait (has_role, &(RoleIs) { ada, "Bob", "editor" }, 5000));

  /* Bob's cursor reaches Ada on the other node. */
  tandem_sync_client_set_cursor (bob, NULL, NULL, 7, NULL);
  s = (Sees) { ada, "Bob", TRUE, 7 };
  g_assert_true (sync_test_wait (sees, &s, 5000));

  /* A newcomer on the second node sees Ada at once, from its welcome. */
  carl = join (f, 1, "Carl", NULL);
  g_assert_nonnull (find_named (carl, "Ada"));
  g_assert_nonnull (find_named (carl, "Bob"));
  s = (Sees) { ada, "Carl", TRUE, -1 };
  g_assert_true (sync_test_wait (sees, &s, 5000));

  /* Bob leaves: gone for Ada well before any expiry. */
  tandem_sync_client_disconnect (bob);
  s = (Sees) { ada, "Bob", FALSE, -1 };
  g_assert_true (sync_test_wait (sees, &s, EXPIRY_MS / 2));

  /* The second node goes silent: Carl leaves for Ada after the expiry,
   * and not before (he is still connected there). */
  _tandem_cluster_drop_presence (f->nodes[1].cluster);
  g_assert_nonnull (find_named (ada, "Carl"));
  s = (Sees) { ada, "Carl", FALSE, -1 };
  g_assert_true (sync_test_wait (sees, &s, EXPIRY_MS * 4));
  g_assert_cmpint (tandem_sync_client_get_state (carl), ==, TANDEM_SYNC_STATE_LIVE);

  tandem_sync_client_disconnect (ada);
  tandem_sync_client_disconnect (carl);
}

int
main (int    argc,
      char **argv)
{
  sync_test_init (&argc, &argv);
  g_test_add ("/sync/cluster/presence-across-nodes", Fixture, NULL,
              fixture_setup, test_presence_across_nodes,
              fixture_teardown);
  return g_test_run ();
}
