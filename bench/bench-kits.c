/* bench-kits.c — reading, unpacking and importing Hydrogen kits, and opening Hydrogen songs
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-bench"

#include "config.h"

#include <glib/gstdio.h>

#include "tandem-bench.h"
#include "tandem-h2song.h"
#include "tandem-kit-import.h"
#include "tandem-plan-compile.h"

#define RUNS 20

static double
ms_since (gint64 t0)
{
  return (g_get_monotonic_time () - t0) / 1000.0;
}

static TandemSample *
lookup_table (const char *hash,
              gpointer    data)
{
  return g_hash_table_lookup (data, hash);
}

/* What a model change costs the main thread with the kit on tracks: the
 * plan compile resolves every sampler track's layers again. */
static void
bench_plan (TandemKitImport   *import,
            TandemSampleStore *store)
{
  g_autoptr(TandemProject) project = tandem_project_new ();
  g_autoptr(GHashTable) samples = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                         (GDestroyNotify) tandem_sample_unref);
  g_autoptr(TandemOp) op = tandem_kit_import_build_tracks_op (import, project, NULL, -1);
  GListModel *infos;
  TandemPlanOptions options = { 0 };
  double times[200];

  if (!tandem_project_apply (project, op, NULL, NULL))
    return;
  infos = tandem_project_get_samples (project);
  for (guint i = 0; i < g_list_model_get_n_items (infos); i++)
    {
      g_autoptr(TandemSampleInfo) info = g_list_model_get_item (infos, i);
      g_autofree char *path = tandem_sample_store_lookup (store, tandem_sample_info_get_id (info));
      TandemSample *sample = path != NULL ? tandem_sample_decode_file (path, 48000, NULL) : NULL;

      if (sample != NULL)
        g_hash_table_insert (samples, g_strdup (tandem_sample_info_get_id (info)), sample);
    }
  options.sample_rate = 48000;
  options.lookup = lookup_table;
  options.lookup_data = samples;
  for (guint r = 0; r < G_N_ELEMENTS (times); r++)
    {
      gint64 t0 = g_get_monotonic_time ();
      TandemRenderPlan *plan = tandem_plan_compile (project, &options);

      times[r] = (g_get_monotonic_time () - t0) / 1000.0;
      tandem_render_plan_free (plan);
    }
  g_print ("%-20s plan compile with its %u sampler tracks (no notes): median %.3f ms, p99 %.3f ms\n", "",
           g_list_model_get_n_items (tandem_project_get_tracks (project)),
           tandem_bench_percentile (times, G_N_ELEMENTS (times), 50),
           tandem_bench_percentile (times, G_N_ELEMENTS (times), 99));
}

static void
bench_kit (TandemKit *kit)
{
  double parse[RUNS], archive_list[RUNS];
  g_autofree char *tmp = g_dir_make_tmp ("tandem-bench-kits-XXXXXX", NULL);
  g_autofree char *archive = g_build_filename (tmp, "kit.h2drumkit", NULL);
  g_autofree char *parent = g_path_get_dirname (kit->folder);
  g_autofree char *base = g_path_get_basename (kit->folder);
  g_autofree char *store_dir = g_build_filename (tmp, "store", NULL);
  g_autofree char *unpacked = g_build_filename (tmp, "unpacked", NULL);
  g_autoptr(TandemSampleStore) store = tandem_sample_store_new (store_dir);
  g_autoptr(TandemKit) extracted = NULL;
  g_autoptr(TandemKitImport) import = NULL;
  g_autoptr(GError) error = NULL;
  const char *tar[] = { "tar", "-czf", archive, "-C", parent, base, NULL };
  guint n_layers = 0;
  gint64 t0;
  double unpack_ms, import_ms, again_ms;

  for (guint i = 0; i < kit->instruments->len; i++)
    n_layers += ((TandemKitInstrument *) g_ptr_array_index (kit->instruments, i))->layers->len;

  for (guint r = 0; r < RUNS; r++)
    {
      g_autoptr(TandemKit) k = NULL;

      t0 = g_get_monotonic_time ();
      k = tandem_kit_load_folder (kit->folder, NULL);
      parse[r] = ms_since (t0);
    }
  g_spawn_sync (NULL, (char **) tar, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, NULL, NULL);
  for (guint r = 0; r < RUNS; r++)
    {
      g_autoptr(TandemKit) k = NULL;

      t0 = g_get_monotonic_time ();
      k = tandem_kit_load_archive (archive, NULL, NULL);
      archive_list[r] = ms_since (t0);
    }
  t0 = g_get_monotonic_time ();
  extracted = tandem_kit_load_archive (archive, unpacked, &error);
  unpack_ms = ms_since (t0);
  t0 = g_get_monotonic_time ();
  import = tandem_kit_import (kit, store, TANDEM_SAMPLE_DEFAULT_MAX_BYTES, NULL, &error);
  import_ms = ms_since (t0);
  g_clear_pointer (&import, tandem_kit_import_free);
  t0 = g_get_monotonic_time ();
  import = tandem_kit_import (kit, store, TANDEM_SAMPLE_DEFAULT_MAX_BYTES, NULL, &error);
  again_ms = ms_since (t0);

  g_print ("%-20s %3u instruments %4u layers | drumkit.xml + file checks: median %.2f ms | "
           ".h2drumkit listing: median %.2f ms, unpacking %.1f ms | import into the store: "
           "%.0f ms (again: %.0f ms)\n",
           kit->name, kit->instruments->len, n_layers,
           tandem_bench_percentile (parse, RUNS, 50), tandem_bench_percentile (archive_list, RUNS, 50),
           unpack_ms, import_ms, again_ms);
  if (import != NULL)
    bench_plan (import, store);
  tandem_bench_remove_tree (tmp);
}

int
tandem_bench_kits (int    argc,
                   char **argv)
{
  g_autoptr(GPtrArray) kits = NULL;
  g_autoptr(GDir) songs = NULL;
  const char *songs_dir = "/usr/share/hydrogen/data/demo_songs";
  const char *name;
  gint64 t0 = g_get_monotonic_time ();

  kits = tandem_kit_find_all (NULL, NULL);
  g_print ("Finding %u kits in the standard folders: %.2f ms\n", kits->len, ms_since (t0));
  for (guint i = 0; i < kits->len; i++)
    {
      TandemKit *kit = g_ptr_array_index (kits, i);

      if (kit->folder != NULL)
        bench_kit (kit);
    }

  songs = g_dir_open (songs_dir, 0, NULL);
  while (songs != NULL && (name = g_dir_read_name (songs)) != NULL)
    {
      g_autofree char *path = g_build_filename (songs_dir, name, NULL);
      g_autofree char *tmp = g_dir_make_tmp ("tandem-bench-song-XXXXXX", NULL);
      g_autoptr(TandemSampleStore) store = tandem_sample_store_new (tmp);
      g_autoptr(TandemProject) project = NULL;
      g_autoptr(TandemProject) again = NULL;
      g_autoptr(GError) error = NULL;
      double first, second;

      if (!g_str_has_suffix (name, ".h2song"))
        continue;
      t0 = g_get_monotonic_time ();
      project = tandem_h2song_load (path, NULL, store, &error);
      first = ms_since (t0);
      t0 = g_get_monotonic_time ();
      again = tandem_h2song_load (path, NULL, store, NULL);
      second = ms_since (t0);
      if (project == NULL)
        g_print ("%-28s refused: %s\n", name, error->message);
      else
        g_print ("%-28s %2u tracks %2u patterns %3u clips | opened in %.0f ms "
                 "(samples already stored: %.0f ms)\n", name,
                 g_list_model_get_n_items (tandem_project_get_tracks (project)),
                 g_list_model_get_n_items (tandem_project_get_patterns (project)),
                 g_list_model_get_n_items (tandem_project_get_clips (project)), first, second);
      tandem_bench_remove_tree (tmp);
    }
  return 0;
}
