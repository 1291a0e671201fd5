/* test-device-lost.c — the output goes away while playing: the engine says
 * so, keeps trying to reopen it, and never holds up the main loop
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A private jackd (dummy backend, its own server name) stands in for the
 * sound card, and the test kills it mid-song. The engine must report the
 * loss, keep applying edits, try the device again (each failed attempt says
 * why) and let the main loop run between attempts.
 *
 * What this does not assert: that the sound comes back once the server
 * does. With PortAudio 19.6 a JACK stream cannot come back in the same
 * process: its host API keeps the dead client until Pa_Terminate(), which
 * cannot run while the dead stream is open (docs/audio.md).
 */
#include "config.h"

#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

#include "audio-test-utils.h"

static char *server_name;
static GSubprocess *running_jackd;

/* A jackd killed outright keeps its slot in JACK's shared-memory registry
 * (eight servers at most, per machine, until a reboot): stopping it with
 * SIGTERM lets it leave, so test runs cannot use the slots up. */
static void
stop_jackd (GSubprocess *jackd)
{
  g_subprocess_send_signal (jackd, SIGTERM);
  g_subprocess_wait (jackd, NULL, NULL);
}

/* A failed assertion must not leave a jackd behind. */
static void
kill_jackd (void)
{
  if (running_jackd != NULL)
    stop_jackd (running_jackd);
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
  /* Ready when a client can list its ports; a loaded machine can take many
   * seconds to start it. */
  for (gint64 deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;
       g_get_monotonic_time () < deadline;)
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

static void
wait_for_available (TandemEngine *engine,
                    gboolean      available)
{
  guint id = g_timeout_add_seconds (15, time_out, (gpointer) (available ? "recovery" : "loss"));

  while (tandem_engine_get_available (engine) != available)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (id);
}

typedef struct
{
  TandemEngine *engine;
  guint         ticks;              /* of a 10 ms source, since the loss */
  gboolean      attempted;          /* a reopen attempt failed */
  guint         ticks_at_attempt;
} RetryWatch;

static gboolean
count_tick (gpointer data)
{
  (*(guint *) data)++;
  return G_SOURCE_CONTINUE;
}

static void
on_status (TandemEngine *engine,
           GParamSpec   *pspec,
           RetryWatch   *watch)
{
  /* A failed attempt names its error after "retrying". */
  if (!watch->attempted && strstr (tandem_engine_get_status (engine), "retrying (") != NULL)
    {
      watch->attempted = TRUE;
      watch->ticks_at_attempt = watch->ticks;
    }
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

  /* The server goes away mid-song. */
  stop_jackd (jackd);
  running_jackd = NULL;
  g_clear_object (&jackd);
  wait_for_available (engine, FALSE);
  g_test_message ("%s", tandem_engine_get_status (engine));
  g_assert_nonnull (strstr (tandem_engine_get_status (engine), "lost"));

  /* Edits still work while the sound is gone. */
  atu_apply (project, tandem_op_new_set_double (TANDEM_ENTITY_PROJECT, NULL, "tempo", 130));
  g_assert_cmpfloat (tandem_project_get_tempo (project), ==, 130);

  /* The engine tries the device again; with no server each attempt fails
   * and says why. Meanwhile the main loop goes on running other sources. */
  {
    RetryWatch watch = { engine, 0, FALSE, 0 };
    guint ticker = g_timeout_add (10, count_tick, &watch.ticks);
    guint guard = g_timeout_add_seconds (15, time_out, (gpointer) "a reopen attempt");
    gulong id = g_signal_connect (engine, "notify::status", G_CALLBACK (on_status), &watch);

    while (!watch.attempted)
      g_main_context_iteration (NULL, TRUE);
    g_signal_handler_disconnect (engine, id);
    g_source_remove (guard);
    g_source_remove (ticker);
    g_test_message ("%s", tandem_engine_get_status (engine));
    g_assert_false (tandem_engine_get_available (engine));
    g_assert_nonnull (strstr (tandem_engine_get_status (engine), "retrying ("));
    g_assert_cmpuint (watch.ticks_at_attempt, >, 0);
  }

  tandem_engine_close (engine);
  g_assert_false (tandem_engine_get_available (engine));
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

  g_test_add_func ("/audio/device-lost/reported-and-retried-without-blocking",
                   test_device_lost);

  return g_test_run ();
}
