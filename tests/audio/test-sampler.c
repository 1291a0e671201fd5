/* test-sampler.c — decoding, resampling, bad files, and the sample cache
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>
#include <math.h>
#include <sndfile.h>

#include "audio-test-utils.h"

#define TR808 "/usr/share/hydrogen/data/drumkits/TR808EmulationKit"
#define ALSA_SOUNDS "/usr/share/sounds/alsa"

static char *
write_wav (const char  *name,
           const float *frames,
           gsize        n_frames,
           guint        rate,
           int          format)
{
  char *path = g_build_filename (atu_tmpdir (), name, NULL);
  SF_INFO info = { .samplerate = (int) rate, .channels = 1, .format = format };
  SNDFILE *file = sf_open (path, SFM_WRITE, &info);

  g_assert_nonnull (file);
  g_assert_cmpint (sf_writef_float (file, frames, (sf_count_t) n_frames), ==, (sf_count_t) n_frames);
  sf_close (file);
  return path;
}

static float *
test_signal (gsize n)
{
  float *frames = g_new (float, n);
  guint32 rng = 12345;

  /* Quiet noise plus a tone: every frame distinct, below the soft clip. */
  for (gsize i = 0; i < n; i++)
    frames[i] = 0.3f * sinf ((float) i * 0.05f) + 0.1f * tandem_rng_float (&rng);
  return frames;
}

static float *
read_file (const char *path,
           SF_INFO    *info)
{
  SNDFILE *file = sf_open (path, SFM_READ, info);
  float *frames;

  g_assert_nonnull (file);
  frames = g_new (float, info->frames * info->channels);
  g_assert_cmpint (sf_readf_float (file, frames, info->frames), ==, info->frames);
  sf_close (file);
  return frames;
}

static void
test_bit_exact (void)
{
  gsize n = 20000;
  g_autofree float *signal = test_signal (n);
  g_autofree char *path = write_wav ("exact.wav", signal, n, ATU_RATE, SF_FORMAT_WAV | SF_FORMAT_FLOAT);
  g_autoptr(GError) error = NULL;
  g_autoptr(TandemSample) sample = tandem_sample_decode_file (path, ATU_RATE, &error);
  g_autoptr(TandemProject) project = atu_project_new (60.0, 1, 16);
  g_autofree float *out = NULL;

  g_assert_no_error (error);
  g_assert_cmpuint (sample->n_frames, ==, n);
  g_assert_cmpmem (sample->frames, n * sizeof (float), signal, n * sizeof (float));

  /* Played at full velocity, 0 dB, hard left: the output is the file. */
  atu_add_sample_info (project, ATU_FAKE_HASH, ATU_RATE, n);
  atu_add_track (project, "s", "sample:" ATU_FAKE_HASH);
  atu_set_track (project, "s", "pan", -1.0);
  atu_set_cell (project, "p0", "s", 0, "velocity", 127);
  out = atu_render (project, sample, 1, n + 100, 256);
  for (gsize i = 0; i < n; i++)
    {
      if (out[2 * i] != signal[i])
        g_error ("frame %" G_GSIZE_FORMAT ": %.9g != %.9g", i, out[2 * i], signal[i]);
      g_assert_cmpfloat (out[2 * i + 1], ==, 0.0f);
    }
  for (gsize i = n; i < n + 100; i++)
    g_assert_cmpfloat (out[2 * i], ==, 0.0f);
}

static void
test_bit_exact_system_file (void)
{
  const char *path = ALSA_SOUNDS "/Front_Center.wav";
  g_autoptr(GError) error = NULL;
  g_autoptr(TandemSample) sample = NULL;
  g_autofree float *frames = NULL;
  SF_INFO info = { 0 };

  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    {
      g_test_skip ("alsa-utils sounds are not installed");
      return;
    }
  frames = read_file (path, &info);
  g_assert_cmpint (info.samplerate, ==, ATU_RATE);
  g_assert_cmpint (info.channels, ==, 1);
  sample = tandem_sample_decode_file (path, ATU_RATE, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (sample->frames, sample->n_frames * sizeof (float), frames, info.frames * sizeof (float));
}

static double
rms (const float *frames,
     gsize        n)
{
  double sum = 0;

  for (gsize i = 0; i < n; i++)
    sum += (double) frames[i] * frames[i];
  return sqrt (sum / (double) MAX (n, 1));
}

static void
check_resampled (const char *path,
                 guint       rate)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TandemSample) sample = NULL;
  g_autofree float *frames = NULL;
  SF_INFO info = { 0 };
  gsize expected;

  frames = read_file (path, &info);
  g_assert_cmpint (info.channels, <=, 2);
  expected = (gsize) llround ((double) info.frames * rate / info.samplerate);

  sample = tandem_sample_decode_file (path, rate, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (sample->rate, ==, rate);
  g_assert_cmpuint (sample->n_frames, ==, expected);
  /* Channels are kept: a stereo file stays stereo. */
  g_assert_cmpuint (sample->channels, ==, (guint) info.channels);
  /* Same loudness after the rate change (within 0.5 dB). */
  g_assert_cmpfloat (fabs (20 * log10 (rms (sample->frames, sample->n_frames * sample->channels)
                                       / rms (frames, (gsize) info.frames * info.channels))), <, 0.5);
}

static void
test_resampled (void)
{
  const char *kick = TR808 "/808_Kick_Long.flac";
  const char *voice = ALSA_SOUNDS "/Front_Left.wav";
  g_autofree char *ogg = g_build_filename (atu_tmpdir (), "voice.ogg", NULL);
  g_autofree char *aiff = g_build_filename (atu_tmpdir (), "voice.aiff", NULL);
  g_autofree char *wav = g_build_filename (atu_tmpdir (), "voice-96k.wav", NULL);

  if (!g_file_test (kick, G_FILE_TEST_EXISTS) || !g_file_test (voice, G_FILE_TEST_EXISTS))
    {
      g_test_skip ("hydrogen-data or alsa-utils sounds are not installed");
      return;
    }
  /* FLAC 44.1 kHz, to 48 kHz. */
  check_resampled (kick, ATU_RATE);
  /* OGG at 22.05 kHz stereo, AIFF at 32 kHz, WAV at 96 kHz 24-bit stereo. */
  if (!atu_sox (voice, "-r", "22050", "-c", "2", ogg, NULL))
    return;
  atu_sox (voice, "-r", "32000", aiff, NULL);
  atu_sox (voice, "-r", "96000", "-b", "24", "-c", "2", wav, NULL);
  check_resampled (aiff, ATU_RATE);
  check_resampled (wav, ATU_RATE);
  {
    /* Vorbis is lossy and its frame count comes from the stream: check the
     * length against what libsndfile reports, loudness loosely. */
    g_autoptr(GError) error = NULL;
    g_autoptr(TandemSample) sample = tandem_sample_decode_file (ogg, ATU_RATE, &error);
    SF_INFO info = { 0 };
    g_autofree float *frames = read_file (ogg, &info);

    g_assert_no_error (error);
    g_assert_cmpuint (sample->n_frames, ==, (gsize) llround ((double) info.frames * ATU_RATE / 22050));
    g_assert_cmpfloat (rms (sample->frames, sample->n_frames), >, 0.01);
  }
  /* And to 44.1 kHz, for an engine running there. */
  check_resampled (voice, 44100);
}

static void
expect_refused (const char *path,
                int         code)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TandemSample) sample = tandem_sample_decode_file (path, ATU_RATE, &error);
  g_autofree char *base = g_path_get_basename (path);

  g_assert_null (sample);
  g_assert_error (error, TANDEM_SAMPLE_ERROR, code);
  /* The message names the file, so a person knows which one. */
  g_assert_nonnull (strstr (error->message, base));
  g_test_message ("%s", error->message);
}

static void
test_bad_files (void)
{
  g_autofree char *text = g_build_filename (atu_tmpdir (), "notes.wav", NULL);
  g_autofree char *empty = g_build_filename (atu_tmpdir (), "empty.flac", NULL);
  g_autofree char *noise = g_build_filename (atu_tmpdir (), "noise.ogg", NULL);
  g_autofree char *cut = NULL;
  g_autofree char *header = NULL;
  g_autofree guchar *bytes = g_malloc (4096);
  g_autofree float *signal = test_signal (48000);
  g_autofree char *whole = write_wav ("whole.wav", signal, 48000, ATU_RATE, SF_FORMAT_WAV | SF_FORMAT_PCM_16);
  g_autofree char *contents = NULL;
  gsize length;
  guint32 rng = 7;

  g_assert_true (g_file_set_contents (text, "this is not audio\n", -1, NULL));
  g_assert_true (g_file_set_contents (empty, "", 0, NULL));
  for (guint i = 0; i < 4096; i++)
    bytes[i] = (guchar) tandem_rng_next (&rng);
  g_assert_true (g_file_set_contents (noise, (const char *) bytes, 4096, NULL));

  /* A WAV cut off half-way, and one with only its header left. */
  g_assert_true (g_file_get_contents (whole, &contents, &length, NULL));
  cut = g_build_filename (atu_tmpdir (), "cut.wav", NULL);
  g_assert_true (g_file_set_contents (cut, contents, length / 2, NULL));
  header = g_build_filename (atu_tmpdir (), "header-only.wav", NULL);
  g_assert_true (g_file_set_contents (header, contents, 44, NULL));

  expect_refused (text, TANDEM_SAMPLE_ERROR_NOT_AUDIO);
  expect_refused (empty, TANDEM_SAMPLE_ERROR_NOT_AUDIO);
  expect_refused (noise, TANDEM_SAMPLE_ERROR_NOT_AUDIO);
  expect_refused (cut, TANDEM_SAMPLE_ERROR_CORRUPT);
  if (g_file_test (TR808 "/808_Kick_Long.flac", G_FILE_TEST_EXISTS))
    {
      g_autofree char *flac = NULL;
      g_autofree char *cut_flac = g_build_filename (atu_tmpdir (), "cut.flac", NULL);

      g_assert_true (g_file_get_contents (TR808 "/808_Kick_Long.flac", &flac, &length, NULL));
      g_assert_true (g_file_set_contents (cut_flac, flac, length / 2, NULL));
      expect_refused (cut_flac, TANDEM_SAMPLE_ERROR_CORRUPT);
    }
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(TandemSample) sample = tandem_sample_decode_file (header, ATU_RATE, &error);

    /* libsndfile may see either no audio or a broken header: refused either way. */
    g_assert_null (sample);
    g_assert_true (error->domain == TANDEM_SAMPLE_ERROR);
  }
}

typedef struct
{
  guint  loaded;
  guint  failed;
  char  *message;
} CacheEvents;

static void
on_loaded (TandemSampleCache *cache,
           const char        *hash,
           CacheEvents       *events)
{
  events->loaded++;
}

static void
on_failed (TandemSampleCache *cache,
           const char        *hash,
           const char        *message,
           CacheEvents       *events)
{
  events->failed++;
  g_free (events->message);
  events->message = g_strdup (message);
}

static void
on_engine_error (TandemEngine *engine,
                 const char   *hash,
                 const char   *message,
                 char        **out)
{
  g_free (*out);
  *out = g_strdup (message);
}

static TandemSample *
cache_lookup (const char *hash,
              gpointer    user_data)
{
  return tandem_sample_cache_lookup (user_data, hash);
}

/* A corrupt sample on one track: refused with a message through the cache
 * (the engine forwards it as ::sample-error), silent, and the other tracks
 * and a good sample play. */
static void
test_cache_bad_sample_keeps_playing (void)
{
  g_autofree char *store_dir = g_build_filename (atu_tmpdir (), "store", NULL);
  g_autoptr(TandemSampleStore) store = tandem_sample_store_new (store_dir);
  g_autoptr(TandemSampleCache) cache = tandem_sample_cache_new (store, ATU_RATE);
  g_autoptr(TandemEngine) engine = tandem_engine_new ();
  g_autoptr(TandemProject) project = atu_project_new (120.0, 4, 16);
  g_autofree char *bad = g_build_filename (atu_tmpdir (), "bad.wav", NULL);
  g_autofree float *signal = test_signal (4800);
  g_autofree char *good = write_wav ("good.wav", signal, 4800, ATU_RATE, SF_FORMAT_WAV | SF_FORMAT_FLOAT);
  g_autofree char *bad_hash = NULL;
  g_autofree char *good_hash = NULL;
  g_autofree char *bad_instrument = NULL;
  g_autofree char *good_instrument = NULL;
  g_autoptr(GError) error = NULL;
  TandemPlanOptions options = { ATU_RATE, cache_lookup, NULL, TRUE, FALSE };
  CacheEvents events = { 0 };
  char *engine_message = NULL;
  g_autoptr(TandemRenderPlan) plan = NULL;
  TandemRenderer *renderer;
  g_autofree float *out = g_new0 (float, 2 * 6000);

  g_assert_true (g_file_set_contents (bad, "RIFF\x24\x00\x00\x00WAVEjunkjunkjunk", 20, NULL));
  bad_hash = tandem_sample_store_import_file (store, bad, NULL, &error);
  g_assert_no_error (error);
  good_hash = tandem_sample_store_import_file (store, good, NULL, &error);
  g_assert_no_error (error);
  bad_instrument = g_strconcat ("sample:", bad_hash, NULL);
  good_instrument = g_strconcat ("sample:", good_hash, NULL);

  atu_add_sample_info (project, bad_hash, ATU_RATE, 4800);
  atu_add_sample_info (project, good_hash, ATU_RATE, 4800);
  atu_add_track (project, "kick", "kick");
  atu_add_track (project, "bad", bad_instrument);
  atu_add_track (project, "good", good_instrument);
  atu_set_track (project, "kick", "pan", 1.0);
  /* Under the master limiter's ceiling, which would turn both sides down. */
  atu_set_track (project, "kick", "volume", -6.0);
  atu_set_track (project, "bad", "pan", -1.0);
  atu_set_track (project, "good", "pan", -1.0);
  for (guint t = 0; t < 3; t++)
    atu_set_cell (project, "p0", t == 0 ? "kick" : t == 1 ? "bad" : "good", 0, "velocity", 127);

  /* The engine reports the refusal as a signal. */
  tandem_engine_set_sample_store (engine, store);
  g_signal_connect (engine, "sample-error", G_CALLBACK (on_engine_error), &engine_message);
  tandem_engine_set_project (engine, project);

  g_signal_connect (cache, "loaded", G_CALLBACK (on_loaded), &events);
  g_signal_connect (cache, "failed", G_CALLBACK (on_failed), &events);
  options.lookup_data = cache;
  tandem_render_plan_free (tandem_plan_compile (project, &options));
  while (events.loaded + events.failed < 2 || engine_message == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (events.loaded, ==, 1);
  g_assert_cmpuint (events.failed, ==, 1);
  g_test_message ("refused: %s", engine_message);
  g_assert_nonnull (strstr (events.message, "not an audio file"));
  /* The engine names the sample as the project knows it. */
  g_assert_true (g_str_has_prefix (engine_message, "Sample “test” cannot be played: "));
  g_assert_nonnull (tandem_sample_cache_get_error (cache, bad_hash));

  plan = tandem_plan_compile (project, &options);
  renderer = tandem_renderer_new (ATU_RATE, 512);
  tandem_renderer_set_plan (renderer, plan);
  tandem_renderer_process (renderer, out, 6000);
  tandem_renderer_free (renderer);
  /* Right: the kick. Left: exactly the good sample, nothing from the bad one. */
  g_assert_cmpfloat (atu_peak (out, 2 * 6000), >, 0.1f);
  for (guint i = 0; i < 4800; i++)
    g_assert_cmpfloat (out[2 * i], ==, signal[i]);
  g_free (events.message);
  g_free (engine_message);
}

/* Writes a 0.5 s stereo WAV whose right channel is @right_sign × left. */
static char *
write_stereo (const char *name,
              float       right_sign)
{
  char *path = g_build_filename (atu_tmpdir (), name, NULL);
  gsize n = ATU_RATE / 2;
  g_autofree float *frames = g_new (float, 2 * n);
  SF_INFO info = { ATU_RATE / 2, ATU_RATE, 2, SF_FORMAT_WAV | SF_FORMAT_FLOAT, 0, 0 };
  SNDFILE *file;

  for (gsize i = 0; i < n; i++)
    {
      frames[2 * i] = 0.5f * (float) sin (2 * G_PI * 440.0 * i / ATU_RATE);
      frames[2 * i + 1] = right_sign * frames[2 * i];
    }
  file = sf_open (path, SFM_WRITE, &info);
  g_assert_nonnull (file);
  g_assert_cmpint (sf_writef_float (file, frames, n), ==, (sf_count_t) n);
  sf_close (file);
  return path;
}

/* Plays @path once on a centred track; returns the output peaks. */
static void
play_stereo (const char *path,
             double      pan,
             float      *left,
             float      *right)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TandemSample) sample = tandem_sample_decode_file (path, ATU_RATE, &error);
  g_autoptr(TandemProject) project = atu_project_new (120.0, 4, 16);
  g_autofree float *out = NULL;
  gsize n = ATU_RATE / 2;

  g_assert_no_error (error);
  g_assert_cmpuint (sample->channels, ==, 2);
  atu_add_sample_info (project, ATU_FAKE_HASH, ATU_RATE, n);
  atu_add_track (project, "s", "sample:" ATU_FAKE_HASH);
  atu_set_track (project, "s", "pan", pan);
  atu_set_track (project, "s", "volume", -6.0);   /* under the master's knee */
  atu_set_cell (project, "p0", "s", 0, "velocity", 127);
  out = atu_render (project, sample, 1, n, 256);
  *left = *right = 0.0f;
  for (gsize i = 0; i < n; i++)
    {
      *left = MAX (*left, fabsf (out[2 * i]));
      *right = MAX (*right, fabsf (out[2 * i + 1]));
    }
}

static void
test_stereo (void)
{
  g_autofree char *anti = write_stereo ("anti-phase.wav", -1.0f);
  g_autofree char *left_only = write_stereo ("left-only.wav", 0.0f);
  float gain = (float) tandem_db_to_gain (-6.0), l, r;

  /* Anti-phase: both sides play (a mono mix-down would be silence). */
  play_stereo (anti, 0.0, &l, &r);
  g_test_message ("anti-phase: left %.4f, right %.4f", l, r);
  g_assert_cmpfloat_with_epsilon (l, 0.5f * gain, 1e-4);
  g_assert_cmpfloat_with_epsilon (r, 0.5f * gain, 1e-4);

  /* Left only: the left side keeps its level, nothing leaks right. */
  play_stereo (left_only, 0.0, &l, &r);
  g_test_message ("left only: left %.4f, right %.4f", l, r);
  g_assert_cmpfloat_with_epsilon (l, 0.5f * gain, 1e-4);
  g_assert_cmpfloat (r, ==, 0.0f);

  /* The track's pan is a balance: hard right drops the left side. */
  play_stereo (anti, 1.0, &l, &r);
  g_assert_cmpfloat (l, ==, 0.0f);
  g_assert_cmpfloat_with_epsilon (r, 0.5f * gain, 1e-4);
  play_stereo (anti, -0.5, &l, &r);
  g_assert_cmpfloat_with_epsilon (l, 0.5f * gain, 1e-4);
  g_assert_cmpfloat_with_epsilon (r, 0.5f * gain * (float) cos (G_PI / 4), 1e-4);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/audio/sampler/bit-exact", test_bit_exact);
  g_test_add_func ("/audio/sampler/bit-exact-system-file", test_bit_exact_system_file);
  g_test_add_func ("/audio/sampler/resampled", test_resampled);
  g_test_add_func ("/audio/sampler/stereo", test_stereo);
  g_test_add_func ("/audio/sampler/bad-files", test_bad_files);
  g_test_add_func ("/audio/sampler/cache-bad-sample-keeps-playing", test_cache_bad_sample_keeps_playing);

  return g_test_run ();
}
