/* test-device-lost.c — the output goes away while playing, then comes back
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A private jackd (dummy backend, its own server name) stands in for the
 * sound card: the test kills it mid-song and starts it again. The engine
 * must say audio is lost, keep everything else running, never block, and
 * keep trying to reopen the device.
 *
 * With PortAudio 19.6 a JACK stream cannot come back in the same process:
 * its host API keeps the dead client until Pa_Terminate(), which cannot run
 * while the dead stream is open (stopping it blocks for ten minutes). So
 * after the restart the engine either recovers or keeps reporting; both are
 * accepted, a hang or a crash is not.
 */
#include "config.h"

#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

#include "audio-test-utils.h"

static char *server_name;
static GSubprocess *running_jackd;

/* A failed assertion must not leave a jackd behind. */
static void
kill_jackd (void)
{
  if (running_jackd != NULL)
    g_subprocess_force_exit (running_jackd);
}

static GSubprocess *
start_jackd (void)
{
  g_autoptr(GError) error = NULL;
  GSubprocess *jackd;

  jackd = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_SILENCE, &error,
                            "jackd", "-n", server_name, "--no-realtime",
                            "-d", "dummy", "-r", "48000", "-p", "256", NULL);
  g_assert_no_error (error);
  /* Ready when a client can list its ports. */
  for (guint i = 0; i < 100; i++)
    {
      g_autoptr(GSubprocess) lsp = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE
                                                     | G_SUBPROCESS_FLAGS_STDERR_SILENCE, NULL,
                                                     "jack_lsp", "-s", server_name, NULL);

      if (lsp != NULL && g_subprocess_wait_check (lsp, NULL, NULL))
        {
          running_jackd = jackd;
          return jackd;
        }
      g_usleep (50000);
    }
  g_error ("jackd did not come up");
}

static gboolean
time_out (gpointer data)
{
  g_error ("timed out waiting for: %s", (const char *) data);
  return G_SOURCE_REMOVE;
}

static gboolean
quit_loop (gpointer data)
{
  g_main_loop_quit (data);
  return G_SOURCE_REMOVE;
}

static void
wait_for_available (TandemEngine *engine,
                    gboolean      available)
{
  guint id = g_timeout_add_seconds (15, time_out, (gpointer) (available ? "recovery" : "loss"));

  while (tandem_engine_get_available (engine) != available)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (id);
}

static void
test_device_lost (void)
{
  g_autoptr(TandemProject) project = tandem_project_new_demo ();
  g_autoptr(TandemEngine) engine = tandem_engine_new ();
  g_autoptr(GSubprocess) jackd = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *jackd_path = g_find_program_in_path ("jackd");
  g_autofree char *lsp_path = g_find_program_in_path ("jack_lsp");

  if (jackd_path == NULL || lsp_path == NULL)
    {
      g_test_skip ("jackd is not installed");
      return;
    }
  jackd = start_jackd ();

  atu_apply (project, tandem_op_new_set_boolean (TANDEM_ENTITY_PROJECT, NULL, "playing", TRUE));
  tandem_engine_set_project (engine, project);
  tandem_engine_open (engine, "JACK", ATU_RATE, 256, &error);
  g_assert_no_error (error);
  g_assert_true (tandem_engine_get_available (engine));
  atu_wait_frames (engine, 4096);

  /* The server dies mid-song. */
  g_subprocess_force_exit (jackd);
  g_subprocess_wait (jackd, NULL, NULL);
  running_jackd = NULL;
  g_clear_object (&jackd);
  wait_for_available (engine, FALSE);
  g_test_message ("%s", tandem_engine_get_status (engine));
  g_assert_nonnull (strstr (tandem_engine_get_status (engine), "lost"));

  /* Edits still work while the sound is gone. */
  atu_apply (project, tandem_op_new_set_double (TANDEM_ENTITY_PROJECT, NULL, "tempo", 130));
  g_main_context_iteration (NULL, FALSE);

  /* It comes back; the engine retries (every 2 s) without blocking. */
  jackd = start_jackd ();
  {
    g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
    gint64 start = g_get_monotonic_time ();

    g_timeout_add (4500, quit_loop, loop);
    g_main_loop_run (loop);
    /* The main loop stayed responsive through two reopen attempts. */
    g_assert_cmpint (g_get_monotonic_time () - start, <, 8 * G_USEC_PER_SEC);
  }
  g_test_message ("after restart: %s", tandem_engine_get_status (engine));
  if (tandem_engine_get_available (engine))
    atu_wait_frames (engine, 4096);
  else
    g_assert_nonnull (strstr (tandem_engine_get_status (engine), "retrying"));
  tandem_engine_close (engine);
  g_assert_false (tandem_engine_get_available (engine));

  g_subprocess_send_signal (jackd, SIGTERM);
  g_subprocess_wait (jackd, NULL, NULL);
  running_jackd = NULL;
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  /* Our own server, so a jackd someone else runs is left alone. */
  server_name = g_strdup_printf ("tandem-test-%d", (int) getpid ());
  g_setenv ("JACK_DEFAULT_SERVER", server_name, TRUE);
  g_setenv ("JACK_NO_START_SERVER", "1", TRUE);
  g_setenv ("JACK_NO_AUDIO_RESERVATION", "1", TRUE);
  atu_alsa_setup (NULL);
  atexit (kill_jackd);

  g_test_add_func ("/audio/device-lost/reported-without-blocking", test_device_lost);

  return g_test_run ();
}
