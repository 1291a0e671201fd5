/* bench-ui.c — start-up to the first frame of the main window, against a bare
 * GTK 4 window measured in the same run
 *
 * Each program is started N times; the time runs from the spawn until the
 * program reports its first painted frame on stdout. Needs a display (run it
 * under xvfb-run on a headless machine).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-bench"

#include "config.h"

#include <gio/gio.h>
#include <stdlib.h>

#include "tandem-bench.h"

#define DEFAULT_RUNS 10

/* Milliseconds from spawning @argv until it prints its first-frame line. */
static double
time_first_frame (const char * const *argv,
                  GError            **error)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GDataInputStream) lines = NULL;
  g_autofree char *line = NULL;
  gint64 start = g_get_monotonic_time ();
  double elapsed;

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                        G_SUBPROCESS_FLAGS_STDERR_SILENCE);
  g_subprocess_launcher_setenv (launcher, "TANDEM_EXIT_AFTER_FIRST_FRAME", "1", TRUE);
  process = g_subprocess_launcher_spawnv (launcher, argv, error);
  if (process == NULL)
    return -1.0;

  lines = g_data_input_stream_new (g_subprocess_get_stdout_pipe (process));
  while ((line = g_data_input_stream_read_line (lines, NULL, NULL, error)) != NULL)
    {
      if (g_str_equal (line, "first-frame"))
        break;
      g_clear_pointer (&line, g_free);
    }
  elapsed = (g_get_monotonic_time () - start) / 1000.0;

  g_subprocess_force_exit (process);
  g_subprocess_wait (process, NULL, NULL);

  if (line == NULL)
    {
      if (error != NULL && *error == NULL)
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                     "%s exited before its first frame", argv[0]);
      return -1.0;
    }
  return elapsed;
}

int
tandem_bench_ui (int    argc,
                 char **argv)
{
  g_autofree char *exe = g_file_read_link ("/proc/self/exe", NULL);
  g_autofree char *bench_dir = NULL;
  g_autofree char *tandem = NULL;
  g_autofree char *bare = NULL;
  g_autofree char *schema_dir = NULL;
  g_autofree double *app_ms = NULL;
  g_autofree double *bare_ms = NULL;
  int runs = argc > 1 ? atoi (argv[1]) : DEFAULT_RUNS;
  double app_median, bare_median;

  if (g_getenv ("DISPLAY") == NULL && g_getenv ("WAYLAND_DISPLAY") == NULL)
    {
      g_printerr ("tandem-bench ui needs a display; run it under xvfb-run\n");
      return EXIT_FAILURE;
    }
  if (runs < 1)
    runs = DEFAULT_RUNS;

  bench_dir = g_path_get_dirname (exe);
  tandem = g_build_filename (bench_dir, "..", "src", "tandem", NULL);
  schema_dir = g_build_filename (bench_dir, "..", "data", NULL);
  /* Run from the build tree, the app's settings schema is not installed. */
  g_setenv ("GSETTINGS_SCHEMA_DIR", schema_dir, FALSE);
  bare = g_build_filename (bench_dir, "tandem-bench-bare-window", NULL);
  app_ms = g_new0 (double, runs);
  bare_ms = g_new0 (double, runs);

  /* Alternate the two, so a busy moment of the machine hits both alike. */
  for (int i = 0; i < runs; i++)
    {
      const char *bare_argv[] = { bare, NULL };
      const char *app_argv[] = { tandem, NULL };
      g_autoptr(GError) error = NULL;

      if ((bare_ms[i] = time_first_frame (bare_argv, &error)) < 0 ||
          (app_ms[i] = time_first_frame (app_argv, &error)) < 0)
        {
          g_printerr ("tandem-bench ui: %s\n", error->message);
          return EXIT_FAILURE;
        }
    }

  bare_median = tandem_bench_percentile (bare_ms, runs, 50);
  app_median = tandem_bench_percentile (app_ms, runs, 50);

  g_print ("start-up to first frame, %d runs each (median, min – max)\n", runs);
  g_print ("  bare GTK 4 window   %7.1f ms  (%.1f – %.1f)\n",
           bare_median, bare_ms[0], bare_ms[runs - 1]);
  g_print ("  Tandem main window  %7.1f ms  (%.1f – %.1f)\n",
           app_median, app_ms[0], app_ms[runs - 1]);
  g_print ("  ratio               %7.2f×  (target ≤ 1.5×)\n", app_median / bare_median);
  return EXIT_SUCCESS;
}
