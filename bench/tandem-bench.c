/* tandem-bench.c — runs one of Tandem's benchmarks and prints its figures
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-bench"

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <glib/gstdio.h>

#include "tandem-bench.h"

static const struct
{
  const char *name;
  const char *description;
  int (*run) (int argc, char **argv);
} benches[] = {
  { "model", "op apply rate, large project load and save times", tandem_bench_model },
  { "sync", "edit-to-remote-apply latency, server fan-out, raw WebSocket RTT", tandem_bench_sync },
  { "audio", "offline render speed, callback time percentiles, JACK soak xruns", tandem_bench_audio },
  { "ui", "start-up to the first frame of the main window vs a bare GTK window", tandem_bench_ui },
  { "json", "hostile JSON refused by the bounded parser vs json-glib parsing it", tandem_bench_json },
  { "kits", "Hydrogen kits: reading, archives, import into the store; opening demo songs", tandem_bench_kits },
  { "samples", "100 MB sample upload and download with verification vs sha256sum", tandem_bench_samples },
  { "slow-viewers", "tandem-server RSS while 20 viewers stop reading and ack ahead", tandem_bench_slow_viewers },
  { "net", "a real tandem-server under hostile load: peak RSS, simultaneous joins, answers", tandem_bench_net },
  { "restart", "tandem-server restart with many sessions: port open, first welcome, all loaded, RSS", tandem_bench_restart },
  { "cluster", "tandem-server nodes on Redis: same-node and cross-node latency, deliveries per CPU-s", tandem_bench_cluster },
  { "music", "evolution steps, rhythm generation, plan compiles with chord tracks", tandem_bench_music },
};

static int
compare_doubles (const void *a,
                 const void *b)
{
  double x = *(const double *) a;
  double y = *(const double *) b;

  return (x > y) - (x < y);
}

double
tandem_bench_percentile (double *values,
                         gsize   n_values,
                         double  p)
{
  gsize idx;

  if (n_values == 0)
    return 0.0;

  qsort (values, n_values, sizeof *values, compare_doubles);
  idx = (gsize) (p / 100.0 * (double) (n_values - 1) + 0.5);
  return values[MIN (idx, n_values - 1)];
}

char *
tandem_bench_default_server_path (void)
{
  g_autofree char *exe = g_file_read_link ("/proc/self/exe", NULL);
  g_autofree char *dir = exe ? g_path_get_dirname (exe) : NULL;

  return dir ? g_build_filename (dir, "..", "src", "server", "tandem-server", NULL) : NULL;
}

void
tandem_bench_remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir && (name = g_dir_read_name (dir)))
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
        tandem_bench_remove_tree (child);
      else
        g_unlink (child);
    }
  g_rmdir (path);
}

guint64
tandem_bench_proc_status_kib (const char *pid,
                              const char *field)
{
  g_autofree char *path = g_strdup_printf ("/proc/%s/status", pid);
  g_autofree char *status = NULL;
  const char *p;

  if (!g_file_get_contents (path, &status, NULL, NULL) || (p = strstr (status, field)) == NULL)
    return 0;
  return g_ascii_strtoull (p + strlen (field) + 1, NULL, 10);
}

static void
usage (void)
{
  g_print ("Usage: tandem-bench BENCHMARK [OPTION…]\n\nBenchmarks:\n");
  for (guint i = 0; i < G_N_ELEMENTS (benches); i++)
    g_print ("  %-8s %s\n", benches[i].name, benches[i].description);
}

int
main (int    argc,
      char **argv)
{
  if (argc < 2 || strcmp (argv[1], "--help") == 0 || strcmp (argv[1], "-h") == 0)
    {
      usage ();
      return argc < 2 ? EXIT_FAILURE : EXIT_SUCCESS;
    }

  for (guint i = 0; i < G_N_ELEMENTS (benches); i++)
    if (strcmp (argv[1], benches[i].name) == 0)
      return benches[i].run (argc - 1, argv + 1);

  g_printerr ("tandem-bench: unknown benchmark “%s”\n", argv[1]);
  usage ();
  return EXIT_FAILURE;
}
