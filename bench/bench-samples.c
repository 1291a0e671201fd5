/* bench-samples.c — a 100 MB sample up and down through a session, against sha256sum
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-bench"

#include "config.h"

#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "tandem-bench.h"
#include "tandem-model.h"
#include "tandem-sync.h"

static gboolean
transfer_done (gpointer data)
{
  return tandem_sample_transfer_is_finished (data);
}

static gboolean
store_has (TandemSampleStore *store,
           const char        *hash)
{
  g_autofree char *path = tandem_sample_store_lookup (store, hash);

  return path != NULL;
}

static void
spin_until (gboolean (*cond) (gpointer),
            gpointer  data)
{
  while (!cond (data))
    g_main_context_iteration (NULL, TRUE);
}

static gboolean
is_live (gpointer data)
{
  return tandem_sync_client_get_state (data) == TANDEM_SYNC_STATE_LIVE;
}

typedef struct
{
  TandemSampleStore *store;
  const char        *hash;
} Has;

static gboolean
has_cb (gpointer data)
{
  Has *h = data;

  return store_has (h->store, h->hash);
}

static double
time_sha256sum (const char *path)
{
  g_autofree char *cmd = g_strdup_printf ("sha256sum %s", path);
  gint64 t0 = g_get_monotonic_time ();
  g_autofree char *out = NULL;
  int status;

  if (!g_spawn_command_line_sync (cmd, &out, NULL, &status, NULL))
    return -1;
  return (g_get_monotonic_time () - t0) / 1e6;
}

int
tandem_bench_samples (int    argc,
                      char **argv)
{
  guint64 size = 100 * 1000 * 1000;
  g_autofree char *tmp = g_dir_make_tmp ("tandem-bench-samples-XXXXXX", NULL);
  g_autofree char *source = g_build_filename (tmp, "big.bin", NULL);
  g_autofree char *dir_a = g_build_filename (tmp, "a", NULL);
  g_autofree char *dir_b = g_build_filename (tmp, "b", NULL);
  g_autoptr(TandemSampleStore) store_a = tandem_sample_store_new (dir_a);
  g_autoptr(TandemSampleStore) store_b = tandem_sample_store_new (dir_b);
  g_autoptr(TandemProject) project = tandem_project_new ();
  g_autoptr(TandemSessionHost) host = tandem_session_host_new ();
  g_autoptr(TandemSyncClient) a = NULL;
  g_autoptr(TandemSyncClient) b = NULL;
  g_autoptr(TandemSampleTransfers) ta = NULL;
  g_autoptr(TandemSampleTransfers) tb = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(TandemOp) op = NULL;
  g_autoptr(JsonNode) json = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *hash = NULL;
  g_autofree char *invite = NULL;
  g_autofree guint8 *buf = g_malloc (1 << 20);
  TandemSampleTransfer *up;
  double t_sum, t_up, t_down, t_sum2;
  gint64 t0;
  FILE *f;
  Has has;

  if (argc > 1)
    size = g_ascii_strtoull (argv[1], NULL, 10) * 1000 * 1000;

  /* Random bytes: nothing compresses or caches better than real audio. */
  f = fopen (source, "wb");
  for (guint64 done = 0; done < size; done += 1 << 20)
    {
      gsize n = MIN ((guint64) 1 << 20, size - done);

      for (gsize i = 0; i < n; i += 4)
        *(guint32 *) (buf + i) = g_random_int ();
      fwrite (buf, 1, n, f);
    }
  fclose (f);
  hash = tandem_sample_store_import_file (store_a, source, NULL, &error);
  g_assert_no_error (error);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "id");
  json_builder_add_string_value (builder, hash);
  json_builder_set_member_name (builder, "bytes");
  json_builder_add_int_value (builder, size);
  json_builder_end_object (builder);
  op = tandem_op_new_insert (TANDEM_ENTITY_SAMPLE, -1, json_builder_get_root (builder));
  g_assert_true (tandem_project_apply (project, op, NULL, &error));
  json = tandem_project_to_json (project);

  /* The server on its own thread, as when the app hosts a session. */
  tandem_session_host_set_bind_address (host, "127.0.0.1");
  g_assert_true (tandem_session_host_start (host, 0, NULL, json, &error));
  invite = tandem_session_host_dup_invite (host, TANDEM_ROLE_EDITOR);

  /* sha256sum reads from the page cache, like the transfers below. */
  time_sha256sum (source);
  t_sum = time_sha256sum (source);

  a = tandem_sync_client_new (tandem_project_new (), NULL);
  g_object_unref (tandem_sync_client_get_project (a));
  ta = tandem_sample_transfers_new (a, store_a);
  g_assert_true (tandem_sync_client_connect (a, invite, &error));
  spin_until (is_live, a);
  /* Being live, A offers what it holds; the first offer is the upload. */
  up = tandem_sample_transfers_find (ta, hash);
  if (up == NULL)
    up = tandem_sample_transfers_upload (ta, hash);
  g_object_ref (up);
  t0 = g_get_monotonic_time ();
  spin_until (transfer_done, up);
  t_up = (g_get_monotonic_time () - t0) / 1e6;
  g_assert_cmpint (tandem_sample_transfer_get_state (up), ==, TANDEM_TRANSFER_DONE);
  g_object_unref (up);

  b = tandem_sync_client_new (tandem_project_new (), NULL);
  g_object_unref (tandem_sync_client_get_project (b));
  tb = tandem_sample_transfers_new (b, store_b);
  t0 = g_get_monotonic_time ();
  g_assert_true (tandem_sync_client_connect (b, invite, &error));
  has.store = store_b;
  has.hash = hash;
  spin_until (has_cb, &has);
  t_down = (g_get_monotonic_time () - t0) / 1e6;
  t_sum2 = time_sha256sum (source);

  g_print ("samples: %.0f MB on loopback (server on its own thread, like an in-app host)\n",
           size / 1e6);
  g_print ("  sha256sum                      %7.3f s  (%.0f MB/s; again after: %.3f s)\n",
           t_sum, size / 1e6 / t_sum, t_sum2);
  g_print ("  upload + server verification   %7.3f s  (%.0f MB/s)  %.2fx sha256sum\n",
           t_up, size / 1e6 / t_up, t_up / t_sum);
  g_print ("  join + download + verification %7.3f s  (%.0f MB/s)  %.2fx sha256sum\n",
           t_down, size / 1e6 / t_down, t_down / t_sum);

  tandem_sync_client_disconnect (a);
  tandem_sync_client_disconnect (b);
  g_clear_object (&ta);
  g_clear_object (&tb);
  tandem_session_host_stop (host);
  {
    g_autofree char *cmd = g_strdup_printf ("rm -rf %s", tmp);
    g_spawn_command_line_sync (cmd, NULL, NULL, NULL, NULL);
  }
  return 0;
}
