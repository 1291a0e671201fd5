/* test-kit-share.c — a kit added in a session reaches everyone, samples and all
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-kit-share"

#include "config.h"

#include <string.h>

#include "sync-test-utils.h"
#include "tandem-kit-import.h"

#define SYSTEM_KITS "/usr/share/hydrogen/data/drumkits"

typedef struct
{
  SyncTestPeer *peer;
  GPtrArray    *hashes;
} HoldData;

static gboolean
holds_all (gpointer data)
{
  HoldData *h = data;

  for (guint i = 0; i < h->hashes->len; i++)
    {
      g_autofree char *path = tandem_sample_store_lookup (h->peer->store, g_ptr_array_index (h->hashes, i));

      if (path == NULL)
        return FALSE;
    }
  return TRUE;
}

static void
test_kit_reaches_session (void)
{
  g_autofree char *tmp = sync_test_make_tmpdir ();
  g_autofree char *dir_a = g_build_filename (tmp, "a", NULL);
  g_autofree char *dir_b = g_build_filename (tmp, "b", NULL);
  SyncTestServer *ts = NULL;
  SyncTestPeer *a, *b;
  g_autoptr(TandemKit) kit = NULL;
  g_autoptr(TandemKitImport) import = NULL;
  g_autoptr(TandemOp) op = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) hashes = g_ptr_array_new_with_free_func (g_free);
  TandemProject *pa, *pb;
  guint before;
  HoldData hold;

  if (!g_file_test (SYSTEM_KITS "/TR808EmulationKit/drumkit.xml", G_FILE_TEST_EXISTS))
    {
      g_test_skip ("hydrogen-data is not installed");
      return;
    }
  ts = sync_test_server_new (NULL, FALSE);
  a = sync_test_peer_new (ts, dir_a);
  b = sync_test_peer_new (ts, dir_b);
  g_assert_true (sync_test_wait_converged (ts, (TandemSyncClient *[]) { a->client, b->client }, 2, 10000));
  pa = tandem_sync_client_get_project (a->client);
  pb = tandem_sync_client_get_project (b->client);
  before = g_list_model_get_n_items (tandem_project_get_tracks (pa));

  /* What the browser's Add as Tracks does: import, one batch op, uploads. */
  kit = tandem_kit_load_folder (SYSTEM_KITS "/TR808EmulationKit", &error);
  g_assert_no_error (error);
  import = tandem_kit_import (kit, a->store, TANDEM_SAMPLE_DEFAULT_MAX_BYTES, NULL, &error);
  g_assert_no_error (error);
  op = tandem_kit_import_build_tracks_op (import, pa, NULL, -1);
  g_assert_true (tandem_sync_client_submit (a->client, op, &error));
  g_assert_no_error (error);
  for (guint i = 0; i < tandem_op_batch_get_n_ops (op); i++)
    {
      TandemOp *child = tandem_op_batch_get_op (op, i);

      if (tandem_op_get_entity (child) == TANDEM_ENTITY_SAMPLE)
        {
          const char *hash = json_object_get_string_member (json_node_get_object (tandem_op_get_value (child)), "id");

          g_ptr_array_add (hashes, g_strdup (hash));
          tandem_sample_transfers_upload (a->transfers, hash);
        }
    }
  g_assert_cmpuint (hashes->len, ==, 16);

  /* The other peer gets the same tracks and every sample's bytes. */
  g_assert_true (sync_test_wait_converged (ts, (TandemSyncClient *[]) { a->client, b->client }, 2, 10000));
  hold.peer = b;
  hold.hashes = hashes;
  g_assert_true (sync_test_wait (holds_all, &hold, 30000));
  g_assert_cmpuint (g_list_model_get_n_items (tandem_project_get_tracks (pb)), ==, before + 16);
  for (guint i = before; i < before + 16; i++)
    {
      g_autoptr(TandemTrack) ta = g_list_model_get_item (tandem_project_get_tracks (pa), i);
      g_autoptr(TandemTrack) tb = g_list_model_get_item (tandem_project_get_tracks (pb), i);

      g_assert_cmpstr (tandem_track_get_instrument (tb), ==, "sampler");
      g_assert_cmpstr (tandem_track_get_layers (tb), ==, tandem_track_get_layers (ta));
    }
  {
    g_autofree char *sa = tandem_project_to_string (pa);
    g_autofree char *sb = tandem_project_to_string (pb);

    g_assert_cmpstr (sa, ==, sb);
  }

  sync_test_peer_free (a);
  sync_test_peer_free (b);
  sync_test_server_free (ts);
  sync_test_rm_rf (tmp);
}

int
main (int   argc,
      char *argv[])
{
  sync_test_init (&argc, &argv);

  g_test_add_func ("/kit-share/kit-reaches-session", test_kit_reaches_session);

  return g_test_run ();
}
