/* test-decoded-cache.c — decoded samples kept between runs, and reused by exports
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>
#include <math.h>
#include <sndfile.h>
#include <utime.h>

#include "audio-test-utils.h"

/* A 44.1 kHz file: every load at ATU_RATE resamples it. */
#define FILE_RATE 44100

static char *
write_wav (const char *name,
           gsize       n_frames,
           float       freq)
{
  char *path = g_build_filename (atu_tmpdir (), name, NULL);
  SF_INFO info = { .samplerate = FILE_RATE, .channels = 2, .format = SF_FORMAT_WAV | SF_FORMAT_FLOAT };
  g_autofree float *frames = g_new (float, 2 * n_frames);
  SNDFILE *file;

  for (gsize i = 0; i < n_frames; i++)
    {
      frames[2 * i] = 0.5f * sinf (2.0f * (float) G_PI * freq * (float) i / FILE_RATE);
      frames[2 * i + 1] = -frames[2 * i];
    }
  file = sf_open (path, SFM_WRITE, &info);
  g_assert_nonnull (file);
  g_assert_cmpint (sf_writef_float (file, frames, (sf_count_t) n_frames), ==, (sf_count_t) n_frames);
  sf_close (file);
  return path;
}

static TandemSampleStore *
new_store (const char *name)
{
  g_autofree char *dir = g_build_filename (atu_tmpdir (), name, NULL);

  return tandem_sample_store_new (dir);
}

static char *
import (TandemSampleStore *store,
        const char        *name,
        gsize              n_frames,
        float              freq)
{
  g_autofree char *wav = write_wav (name, n_frames, freq);
  g_autoptr(GError) error = NULL;
  char *hash = tandem_sample_store_import_file (store, wav, NULL, &error);

  g_assert_no_error (error);
  return hash;
}

static void
assert_same_sample (const TandemSample *a,
                    const TandemSample *b)
{
  g_assert_cmpuint (a->rate, ==, b->rate);
  g_assert_cmpuint (a->channels, ==, b->channels);
  g_assert_cmpuint (a->n_frames, ==, b->n_frames);
  g_assert_cmpmem (a->frames, a->n_frames * a->channels * sizeof (float),
                   b->frames, b->n_frames * b->channels * sizeof (float));
  g_assert_cmpmem (a->peaks, (a->n_frames / TANDEM_SAMPLE_PEAK_BLOCK + 1) * sizeof (float),
                   b->peaks, (b->n_frames / TANDEM_SAMPLE_PEAK_BLOCK + 1) * sizeof (float));
}

/* The second load reads the first one's frames back, bit for bit, and a
 * load of the same file at another rate is another entry. */
static void
test_round_trip (void)
{
  g_autoptr(TandemSampleStore) store = new_store ("store-round-trip");
  g_autofree char *hash = import (store, "round-trip.wav", 30000, 440.0f);
  g_autofree char *cached = tandem_decoded_cache_path_for_tests (hash, ATU_RATE);
  g_autofree char *original = tandem_sample_store_lookup (store, hash);
  g_autoptr(GError) error = NULL;
  TandemSample *decoded, *first, *again, *other_rate;

  g_unlink (cached);
  decoded = tandem_sample_decode_file (original, ATU_RATE, &error);
  g_assert_no_error (error);
  first = tandem_decoded_cache_load (store, hash, ATU_RATE, &error);
  g_assert_no_error (error);
  g_assert_true (g_file_test (cached, G_FILE_TEST_IS_REGULAR));
  assert_same_sample (decoded, first);

  again = tandem_decoded_cache_load (store, hash, ATU_RATE, &error);
  g_assert_no_error (error);
  assert_same_sample (first, again);
  g_assert_cmpuint (again->channels, ==, 2);

  other_rate = tandem_decoded_cache_load (store, hash, 32000, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (other_rate->rate, ==, 32000);
  g_assert_cmpuint (other_rate->n_frames, ==, (gsize) llround (30000.0 * 32000 / FILE_RATE));

  tandem_sample_unref (decoded);
  tandem_sample_unref (first);
  tandem_sample_unref (again);
  tandem_sample_unref (other_rate);
}

static void
overwrite (const char *path,
           const void *bytes,
           gsize       size)
{
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, bytes, (gssize) size, &error);
  g_assert_no_error (error);
}

/* A damaged cache file (a crash, a full disk, another version) is a miss:
 * the sample decodes as if it were not there, and the file is replaced. */
static void
test_damaged_files_are_misses (void)
{
  g_autoptr(TandemSampleStore) store = new_store ("store-damaged");
  g_autofree char *hash = import (store, "damaged.wav", 20000, 220.0f);
  g_autofree char *cached = tandem_decoded_cache_path_for_tests (hash, ATU_RATE);
  g_autoptr(GError) error = NULL;
  g_autofree char *good = NULL;
  gsize good_size;
  TandemSample *reference;
  struct
  {
    const char *what;
    gsize       size;     /* bytes of the good file kept */
    gsize       poke_at;  /* then this byte … */
    guint8      poke;     /* … set to this (poke_at 0: none) */
  } cases[] = {
    { "empty", 0, 0, 0 },
    { "header only", 32, 0, 0 },
    { "cut short", 32 + 1000, 0, 0 },
    { "bad magic", G_MAXSIZE, 1, 'X' },
    { "other format version", G_MAXSIZE, 4, 99 },
    { "other channel count", G_MAXSIZE, 12, 7 },
    { "a huge frame count", G_MAXSIZE, 23, 0x7f },
  };

  reference = tandem_decoded_cache_load (store, hash, ATU_RATE, &error);
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (cached, &good, &good_size, NULL));

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *bad = g_memdup2 (good, good_size);
      g_autofree char *rewritten = NULL;
      gsize rewritten_size;
      TandemSample *sample;

      g_test_message ("%s", cases[i].what);
      if (cases[i].poke_at > 0)
        bad[cases[i].poke_at] = (char) cases[i].poke;
      overwrite (cached, bad, MIN (cases[i].size, good_size));
      sample = tandem_decoded_cache_load (store, hash, ATU_RATE, &error);
      g_assert_no_error (error);
      assert_same_sample (reference, sample);
      g_assert_true (g_file_get_contents (cached, &rewritten, &rewritten_size, NULL));
      g_assert_cmpmem (rewritten, rewritten_size, good, good_size);
      tandem_sample_unref (sample);
    }
  tandem_sample_unref (reference);
}

static gint64
mtime_of (const char *path)
{
  GStatBuf st;

  g_assert_cmpint (g_stat (path, &st), ==, 0);
  return (gint64) st.st_mtime;
}

static void
age (const char *path,
     gint64      seconds_ago)
{
  struct utimbuf times;

  times.actime = times.modtime = (time_t) (g_get_real_time () / G_USEC_PER_SEC - seconds_ago);
  g_assert_cmpint (g_utime (path, &times), ==, 0);
}

/* Past its limit the folder drops the least recently used files first; a
 * file read again counts as used. */
static void
test_least_recently_used_go (void)
{
  g_autoptr(TandemSampleStore) store = new_store ("store-lru");
  g_autofree char *a = import (store, "lru-a.wav", 44100, 100.0f);
  g_autofree char *b = import (store, "lru-b.wav", 44100, 200.0f);
  g_autofree char *c = import (store, "lru-c.wav", 44100, 300.0f);
  g_autofree char *path_a = tandem_decoded_cache_path_for_tests (a, ATU_RATE);
  g_autofree char *path_b = tandem_decoded_cache_path_for_tests (b, ATU_RATE);
  g_autofree char *path_c = tandem_decoded_cache_path_for_tests (c, ATU_RATE);
  g_autoptr(GError) error = NULL;
  TandemSample *sample;
  guint64 one;

  /* Only these three in the folder. */
  {
    g_autofree char *dir = g_path_get_dirname (path_a);
    g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
    const char *name;

    while (d != NULL && (name = g_dir_read_name (d)) != NULL)
      {
        g_autofree char *path = g_build_filename (dir, name, NULL);

        g_unlink (path);
      }
  }
  /* Each file is 1 s of stereo at ATU_RATE: room for two. */
  one = 32 + (guint64) ATU_RATE * 2 * sizeof (float);
  tandem_decoded_cache_set_limit_for_tests (2 * one + 100);

  sample = tandem_decoded_cache_load (store, a, ATU_RATE, &error);
  g_assert_no_error (error);
  tandem_sample_unref (sample);
  age (path_a, 300);
  sample = tandem_decoded_cache_load (store, b, ATU_RATE, &error);
  g_assert_no_error (error);
  tandem_sample_unref (sample);
  age (path_b, 200);

  /* a is read again: now b is the oldest. */
  sample = tandem_decoded_cache_load (store, a, ATU_RATE, &error);
  g_assert_no_error (error);
  tandem_sample_unref (sample);
  g_assert_cmpint (mtime_of (path_a), >, mtime_of (path_b));

  sample = tandem_decoded_cache_load (store, c, ATU_RATE, &error);
  g_assert_no_error (error);
  tandem_sample_unref (sample);
  g_assert_true (g_file_test (path_a, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (path_b, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (path_c, G_FILE_TEST_EXISTS));

  tandem_decoded_cache_set_limit_for_tests (TANDEM_DECODED_CACHE_MAX_BYTES);
}

/* An export given the engine's decoded samples plays those frames and does
 * not decode the file: here the table holds a different sound under the
 * file's hash, and the export is that sound. */
static void
test_export_uses_engine_samples (void)
{
  g_autoptr(TandemSampleStore) store = new_store ("store-export");
  g_autofree char *hash = import (store, "export.wav", 4800, 1000.0f);
  g_autoptr(TandemProject) project = atu_project_new (120.0, 4, 16);
  g_autofree char *instrument = g_strdup_printf ("sample:%s", hash);
  g_autoptr(GHashTable) decoded = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                        (GDestroyNotify) tandem_sample_unref);
  g_autofree char *out = g_build_filename (atu_tmpdir (), "engine-samples.wav", NULL);
  g_autofree float *dc = g_new (float, 4800);
  g_autofree float *frames = NULL;
  g_autoptr(GError) error = NULL;
  SF_INFO info = { 0 };
  SNDFILE *file;
  sf_count_t n;
  double sum = 0.0;

  for (guint i = 0; i < 4800; i++)
    dc[i] = 0.25f;
  g_hash_table_insert (decoded, g_strdup (hash), tandem_sample_new_from_frames (dc, 4800, ATU_RATE));

  atu_add_sample_info (project, hash, FILE_RATE, 4800);
  atu_add_track (project, "t", instrument);
  atu_set_cell (project, "p0", "t", 0, "velocity", 127);
  g_assert_true (tandem_export_render_to_file_report (project, out, ATU_RATE, store, decoded, 0,
                                                      NULL, NULL, NULL, NULL, &error));
  g_assert_no_error (error);

  file = sf_open (out, SFM_READ, &info);
  g_assert_nonnull (file);
  frames = g_new (float, info.frames * info.channels);
  n = sf_readf_float (file, frames, info.frames);
  sf_close (file);
  /* The 1 kHz sine in the file averages to zero; the table's constant does
   * not. */
  for (sf_count_t i = 0; i < MIN (n, 4000); i++)
    sum += frames[2 * i] + frames[2 * i + 1];
  g_assert_cmpfloat (sum / (2.0 * MIN (n, 4000)), >, 0.02);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/decoded-cache/round-trip", test_round_trip);
  g_test_add_func ("/decoded-cache/damaged-files-are-misses", test_damaged_files_are_misses);
  g_test_add_func ("/decoded-cache/least-recently-used-go", test_least_recently_used_go);
  g_test_add_func ("/decoded-cache/export-uses-engine-samples", test_export_uses_engine_samples);

  return g_test_run ();
}
