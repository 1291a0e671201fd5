/* bench-ui.c — start-up to the first frame of the main window, against a bare
 * GTK 4 window measured in the same run
 *
 * Each program is started N times; the time runs from the spawn until the
 * program reports its first painted frame on stdout. Needs a display and a
 * session bus, as on a desktop: on a headless machine run it under
 * `xvfb-run -a dbus-run-session --`. Without a bus every program would
 * spawn one of its own (D-Bus autolaunch) and time that instead.
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
  g_autofree char *schema_dir = NULL;
  /* The yardsticks first, Tandem last; the ratios are against the first. */
  const char *names[] = { "bare GTK 4 window", "libadwaita window", "Tandem main window" };
  char *programs[G_N_ELEMENTS (names)];
  double *ms[G_N_ELEMENTS (names)];
  double median[G_N_ELEMENTS (names)];
  int runs = argc > 1 ? atoi (argv[1]) : DEFAULT_RUNS;

  if (g_getenv ("DISPLAY") == NULL && g_getenv ("WAYLAND_DISPLAY") == NULL)
    {
      g_printerr ("tandem-bench ui needs a display; run it under xvfb-run\n");
      return EXIT_FAILURE;
    }
  if (g_getenv ("DBUS_SESSION_BUS_ADDRESS") == NULL)
    {
      g_printerr ("tandem-bench ui needs a session bus; run it under dbus-run-session\n");
      return EXIT_FAILURE;
    }
  if (runs < 1)
    runs = DEFAULT_RUNS;

  bench_dir = g_path_get_dirname (exe);
  schema_dir = g_build_filename (bench_dir, "..", "data", NULL);
  /* Run from the build tree, the app's settings schema is not installed. */
  g_setenv ("GSETTINGS_SCHEMA_DIR", schema_dir, FALSE);
  programs[0] = g_build_filename (bench_dir, "tandem-bench-bare-window", NULL);
  programs[1] = g_build_filename (bench_dir, "tandem-bench-adw-window", NULL);
  programs[2] = g_build_filename (bench_dir, "..", "src", "tandem", NULL);
  for (guint p = 0; p < G_N_ELEMENTS (names); p++)
    ms[p] = g_new0 (double, runs);

  /* Take turns, so a busy moment of the machine hits all alike. */
  for (int i = 0; i < runs; i++)
    for (guint p = 0; p < G_N_ELEMENTS (names); p++)
      {
        const char *program_argv[] = { programs[p], NULL };
        g_autoptr(GError) error = NULL;

        if ((ms[p][i] = time_first_frame (program_argv, &error)) < 0)
          {
            g_printerr ("tandem-bench ui: %s\n", error->message);
            return EXIT_FAILURE;
          }
      }

  g_print ("start-up to first frame, %d runs each (median, min – max)\n", runs);
  for (guint p = 0; p < G_N_ELEMENTS (names); p++)
    {
      median[p] = tandem_bench_percentile (ms[p], runs, 50);
      g_print ("  %-20s %7.1f ms  (%.1f – %.1f)  %5.2f×\n", names[p], median[p],
               ms[p][0], ms[p][runs - 1], median[p] / median[0]);
    }
  g_print ("  Tandem against the bare GTK 4 window: %.2f× (target ≤ 1.5×); "
           "against the libadwaita window: %.2f×\n",
           median[2] / median[0], median[2] / median[1]);

  for (guint p = 0; p < G_N_ELEMENTS (names); p++)
    {
      g_free (programs[p]);
      g_free (ms[p]);
    }
  return EXIT_SUCCESS;
}
