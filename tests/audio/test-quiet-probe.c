/* test-quiet-probe.c — opening the output prints nothing of ALSA's or JACK's probing
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * PortAudio probes every ALSA PCM and a JACK server when it starts; both
 * libraries print each failure to stderr. Someone who starts Tandem from a
 * terminal must not see that: it goes to g_debug() instead, and a real
 * failure still comes back as a GError. Each case runs in a subprocess
 * whose stderr is checked. The ALSA configuration's default device points
 * to a PCM that does not exist (alsa-lib complains each time PortAudio
 * tries it), and the test environment has no JACK server.
 */
#include "config.h"

#include <string.h>

#include "audio-test-utils.h"
#include "tandem-pa-output.h"

static void
alsa_setup_missing_pcm (void)
{
  g_autofree char *conf = g_build_filename (atu_tmpdir (), "asound.conf", NULL);
  const char *text = "pcm.!default { type plug slave.pcm \"tandem_missing\" }\n";

  g_assert_true (g_file_set_contents (conf, text, -1, NULL));
  g_setenv ("ALSA_CONFIG_PATH", conf, TRUE);
}

static void
render_nothing (float    *out,
                guint     n_frames,
                gpointer  user_data)
{
  memset (out, 0, (gsize) n_frames * 2 * sizeof (float));
}

/* In the subprocess: tries to open the default output, which must fail
 * with a GError since no device works. */
static void
open_default_output (void)
{
  g_autoptr(GError) error = NULL;
  TandemPaOutput *output;

  alsa_setup_missing_pcm ();
  output = tandem_pa_output_open (NULL, ATU_RATE, 256, render_nothing, NULL, &error);
  g_assert_null (output);
  g_assert_error (error, TANDEM_AUDIO_ERROR, TANDEM_AUDIO_ERROR_NO_DEVICE);
  g_printerr ("error: %s\n", error->message);
}

static void
test_open_is_quiet (void)
{
  if (g_test_subprocess ())
    {
      open_default_output ();
      return;
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
  g_test_trap_assert_stderr ("*error: No audio output device*");
  g_test_trap_assert_stderr_unmatched ("*ALSA lib*");
  g_test_trap_assert_stderr_unmatched ("*server*");
  g_test_trap_assert_stdout_unmatched ("*server*");
}

static void
test_debug_shows_probing (void)
{
  if (g_test_subprocess ())
    {
      g_setenv ("G_MESSAGES_DEBUG", "tandem-audio", TRUE);
      open_default_output ();
      return;
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
  g_test_trap_assert_stdout ("*tandem-audio-DEBUG*ALSA lib*");
}

static void
test_list_is_quiet (void)
{
  if (g_test_subprocess ())
    {
      g_auto(GStrv) devices = NULL;

      alsa_setup_missing_pcm ();
      devices = tandem_pa_list_output_devices ();
      g_assert_nonnull (devices);
      return;
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
  g_test_trap_assert_stderr_unmatched ("*ALSA lib*");
  g_test_trap_assert_stderr_unmatched ("*server*");
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/audio/quiet-probe/open", test_open_is_quiet);
  g_test_add_func ("/audio/quiet-probe/debug", test_debug_shows_probing);
  g_test_add_func ("/audio/quiet-probe/list", test_list_is_quiet);
  return g_test_run ();
}
