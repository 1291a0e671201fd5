/* test-rt-safety.c — the audio callback never allocates, locks or calls the kernel
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The test re-executes itself with rt-interposer in LD_PRELOAD. The
 * interposer counts calls to allocators, locks, sleeps and system-call
 * wrappers made inside the engine's callback. The engine plays through
 * ALSA's null device (unpaced, so thousands of callbacks run) while the main
 * thread edits the project all the time and every edit publishes a plan.
 */
#include "config.h"

/* gcc says __SANITIZE_ADDRESS__, clang has __has_feature. */
#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define TANDEM_HAS_ASAN 1
#endif
#endif
#ifndef TANDEM_HAS_ASAN
#define TANDEM_HAS_ASAN 0
#endif

#include <dlfcn.h>
#include <sndfile.h>
#include <stdlib.h>
#include <unistd.h>

#include "audio-test-utils.h"

typedef unsigned long (*CountFunc) (void);
typedef void (*VoidFunc) (void);
typedef const char *(*NameFunc) (void);

static CountFunc probe_violations;
static CountFunc probe_callbacks;
static VoidFunc probe_enter;
static VoidFunc probe_leave;
static VoidFunc probe_reset;
static NameFunc probe_last;

static void
test_interposer_counts (void)
{
  char *volatile p;

  /* Proof that the counter works: a malloc and a free between the probes. */
  probe_reset ();
  probe_enter ();
  p = malloc (64);
  p[0] = 1;
  free (p);
  probe_leave ();
  g_assert_cmpuint (probe_violations (), ==, 2);
  probe_reset ();
}

static char *
write_sample (void)
{
  char *path = g_build_filename (atu_tmpdir (), "hit.wav", NULL);
  SF_INFO info = { .samplerate = 44100, .channels = 2, .format = SF_FORMAT_WAV | SF_FORMAT_PCM_16 };
  SNDFILE *file = sf_open (path, SFM_WRITE, &info);
  float frames[2 * 4410];

  for (guint i = 0; i < 4410; i++)
    frames[2 * i] = frames[2 * i + 1] = 0.5f * sinf ((float) i * 0.1f) * (1.0f - (float) i / 4410.0f);
  sf_writef_float (file, frames, 4410);
  sf_close (file);
  return path;
}

/* Velocity layers of the hit a fifth up and an octave down: interpolated voices. */
static char *pitched_layers;

static void
edit (TandemProject *project,
      guint          i,
      const char    *pattern,
      const char    *sample_instrument)
{
  const char *tracks[] = { "bass", "lead", "hit" };
  const char *track = tracks[i % 3];

  switch (i % 10)
    {
    case 0:
      atu_set_cell (project, pattern, track, i % 16, "velocity", (int) (i * 7 % 128));
      break;
    case 1:
      atu_set_project (project, "tempo", 90.0 + (double) (i % 90));
      break;
    case 2:
      atu_set_project (project, "swing", (double) (i % 60));
      break;
    case 3:
      atu_set_track (project, track, "volume", -(double) (i % 30));
      break;
    case 4:
      atu_set_track (project, track, "pan", (double) (i % 21) / 10.0 - 1.0);
      break;
    case 5:
      atu_set_track_bool (project, track, "solo", i % 4 == 1);
      break;
    case 6:
      atu_set_cell (project, pattern, track, i % 16, "probability", (int) (i % 101));
      break;
    case 7:
      /* Tracks come and go: voices of a deleted track must be dropped. */
      if (tandem_project_find_track (project, "temp") != NULL)
        atu_apply (project, tandem_op_new_delete (TANDEM_ENTITY_TRACK, "temp"));
      else
        {
          /* It comes back every 20 edits: a clap, a sample, a pitched
           * sampler in turn (whose voices are cut short when it goes). */
          guint kind = i / 20 % 3;

          atu_add_track (project, "temp", kind == 0 ? "clap" : kind == 1 ? sample_instrument
                                                                         : TANDEM_INSTRUMENT_SAMPLER);
          if (kind == 2)
            atu_apply (project, tandem_op_new_set_string (TANDEM_ENTITY_TRACK, "temp", "layers",
                                                          pitched_layers));
          for (guint s = 0; s < 16; s++)
            atu_set_cell (project, pattern, "temp", s, "velocity", 100);
        }
      break;
    case 8:
      atu_apply (project, tandem_op_new_set_string (TANDEM_ENTITY_TRACK, "lead", "instrument",
                                                    i % 20 < 10 ? "synth" : "tom"));
      break;
    default:
      atu_apply (project, tandem_op_new_set_boolean (TANDEM_ENTITY_PROJECT, NULL, "playing", i % 40 != 9));
      break;
    }
}

static void
test_callback_is_realtime_safe (void)
{
  g_autofree char *store_dir = g_build_filename (atu_tmpdir (), "store", NULL);
  g_autoptr(TandemSampleStore) store = tandem_sample_store_new (store_dir);
  g_autoptr(TandemProject) project = tandem_project_new_demo ();
  g_autoptr(TandemEngine) engine = tandem_engine_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *sample_path = write_sample ();
  g_autofree char *hash = NULL;
  g_autofree char *instrument = NULL;
  const char *pattern = tandem_project_get_current_pattern (project);
  guint64 swaps;

  hash = tandem_sample_store_import_file (store, sample_path, NULL, &error);
  g_assert_no_error (error);
  instrument = g_strconcat ("sample:", hash, NULL);
  atu_add_sample_info (project, hash, 44100, 4410);
  atu_add_track (project, "bass", "synth");
  atu_add_track (project, "lead", "synth");
  atu_add_track (project, "hit", instrument);
  pitched_layers = g_strdup_printf ("%s:0-63:1:7;%s:64-127:1:-12", hash, hash);
  atu_add_track (project, "kit", TANDEM_INSTRUMENT_SAMPLER);
  atu_apply (project, tandem_op_new_set_string (TANDEM_ENTITY_TRACK, "kit", "layers", pitched_layers));
  for (guint s = 0; s < 16; s++)
    {
      atu_set_cell (project, pattern, "kit", s, "velocity", s % 2 ? 40 : 100);
      atu_set_cell (project, pattern, "bass", s, "velocity", 90);
      atu_set_cell (project, pattern, "bass", s, "note", (int) (s % 7));
      atu_set_cell (project, pattern, "lead", s, "velocity", 70);
      atu_set_cell (project, pattern, "hit", s, "velocity", 110);
    }
  atu_apply (project, tandem_op_new_set_boolean (TANDEM_ENTITY_PROJECT, NULL, "playing", TRUE));

  tandem_engine_set_sample_store (engine, store);
  tandem_engine_set_project (engine, project);
  /* The metronome clicks in the callback too. */
  tandem_engine_set_metronome (engine, TANDEM_METRONOME_ALWAYS);
  /* The sample decodes on a worker thread; wait until plans can carry it. */
  while (tandem_sample_cache_lookup (tandem_engine_get_sample_cache (engine), hash) == NULL)
    g_main_context_iteration (NULL, TRUE);

  probe_reset ();
  tandem_engine_open (engine, NULL, ATU_RATE, 128, &error);
  g_assert_no_error (error);

  swaps = tandem_engine_get_plan_swaps (engine);
  for (guint i = 0; i < 400; i++)
    {
      edit (project, i, pattern, instrument);
      /* Publish, then let the callback pick the plan up and play it a while. */
      g_main_context_iteration (NULL, FALSE);
      atu_wait_frames (engine, 512);
    }
  tandem_engine_close (engine);

  g_test_message ("%lu callbacks, %" G_GUINT64_FORMAT " plan swaps, %lu violations (last: %s)",
                  probe_callbacks (), tandem_engine_get_plan_swaps (engine) - swaps,
                  probe_violations (), probe_last () != NULL ? probe_last () : "none");
  g_assert_cmpuint (probe_callbacks (), >, 1000);
  g_assert_cmpuint (tandem_engine_get_plan_swaps (engine) - swaps, >=, 380);
  g_assert_cmpuint (probe_violations (), ==, 0);
  g_clear_pointer (&pitched_layers, g_free);
}

int
main (int    argc,
      char **argv)
{
#if defined(__SANITIZE_ADDRESS__) || TANDEM_HAS_ASAN
  /* The interposer replaces malloc and free, and so does ASan: they cannot
   * share a process. The normal build runs this test. A skip is 77, as
   * GLib's own is, except in TAP (meson's protocol here), where the plan
   * says it and the exit status must be 0. */
  g_print ("1..0 # SKIP the real-time interposer cannot run beside AddressSanitizer\n");
  for (int i = 1; i < argc; i++)
    if (g_str_equal (argv[i], "--tap"))
      return 0;
  return 77;
#endif
  probe_violations = (CountFunc) dlsym (RTLD_DEFAULT, "tandem_rt_probe_violations");
  if (probe_violations == NULL)
    {
      /* Not preloaded yet: start again with the interposer. */
      if (g_getenv ("TANDEM_RT_REEXEC") != NULL)
        g_error ("the interposer %s did not load", RT_INTERPOSER);
      g_setenv ("TANDEM_RT_REEXEC", "1", TRUE);
      g_setenv ("LD_PRELOAD", RT_INTERPOSER, TRUE);
      execv ("/proc/self/exe", argv);
      g_error ("could not re-execute: %s", g_strerror (errno));
    }
  g_unsetenv ("LD_PRELOAD");
  probe_callbacks = (CountFunc) dlsym (RTLD_DEFAULT, "tandem_rt_probe_callbacks");
  probe_enter = (VoidFunc) dlsym (RTLD_DEFAULT, "tandem_rt_probe_enter");
  probe_leave = (VoidFunc) dlsym (RTLD_DEFAULT, "tandem_rt_probe_leave");
  probe_reset = (VoidFunc) dlsym (RTLD_DEFAULT, "tandem_rt_probe_reset");
  probe_last = (NameFunc) dlsym (RTLD_DEFAULT, "tandem_rt_probe_last");

  g_test_init (&argc, &argv, NULL);
  atu_alsa_setup ("/dev/null");

  g_test_add_func ("/audio/rt-safety/interposer-counts", test_interposer_counts);
  g_test_add_func ("/audio/rt-safety/callback-is-realtime-safe", test_callback_is_realtime_safe);

  return g_test_run ();
}
