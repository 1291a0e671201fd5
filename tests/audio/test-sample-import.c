/* test-sample-import.c — audio files into the sample store: checks, refusals, names
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-sample-import"

#include "config.h"

#include <string.h>

#include "audio-test-utils.h"
#include "tandem-sample-import.h"

static char *
make_audio (const char *name,
            const char *rate,
            const char *seconds)
{
  char *path = g_build_filename (atu_tmpdir (), name, NULL);

  if (!atu_sox ("-n", "-r", rate, "-c", "1", "-b", "16", path, "synth", seconds, "sine", "440",
                NULL))
    g_clear_pointer (&path, g_free);
  return path;
}

static guint
count_files (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  guint n = 0;

  while (d && g_dir_read_name (d))
    n++;
  return n;
}

/* Asserts that importing @path fails with @code, names the file and leaves
 * the store as it was. */
static void
expect_refused (TandemSampleStore *store,
                const char        *path,
                guint64            max_bytes,
                int                code,
                const char        *words)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TandemSampleImport) import = NULL;
  g_autofree char *base = g_path_get_basename (path);
  guint before = count_files (tandem_sample_store_get_dir (store));

  import = tandem_sample_import_file (store, path, max_bytes, NULL, &error);
  g_assert_null (import);
  g_assert_error (error, TANDEM_SAMPLE_ERROR, code);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, base));
  if (words != NULL)
    g_assert_nonnull (strstr (error->message, words));
  g_assert_cmpuint (count_files (tandem_sample_store_get_dir (store)), ==, before);
}

static void
test_import_refusals (void)
{
  g_autofree char *dir = g_build_filename (atu_tmpdir (), "store-refusals", NULL);
  g_autoptr(TandemSampleStore) store = tandem_sample_store_new (dir);
  g_autofree char *good = make_audio ("tone.wav", "48000", "0.2");
  g_autofree char *text = g_build_filename (atu_tmpdir (), "notes.wav", NULL);
  g_autofree char *empty = g_build_filename (atu_tmpdir (), "empty.wav", NULL);
  g_autofree char *cut = g_build_filename (atu_tmpdir (), "cut.wav", NULL);
  g_autofree char *copy = g_build_filename (atu_tmpdir (), "same bytes\ttwice.wav", NULL);
  g_autofree char *data = NULL;
  g_autoptr(TandemSampleImport) a = NULL;
  g_autoptr(TandemSampleImport) b = NULL;
  g_autoptr(GError) error = NULL;
  gsize len;

  if (good == NULL)
    return;
  g_assert_true (g_file_set_contents (text, "this is not audio, just text\n", -1, NULL));
  g_assert_true (g_file_set_contents (empty, "", 0, NULL));
  g_assert_true (g_file_get_contents (good, &data, &len, NULL));
  g_assert_true (g_file_set_contents (cut, data, len / 2, NULL));
  g_assert_true (g_file_set_contents (copy, data, len, NULL));

  expect_refused (store, text, 0, TANDEM_SAMPLE_ERROR_NOT_AUDIO, NULL);
  expect_refused (store, empty, 0, TANDEM_SAMPLE_ERROR_CORRUPT, "empty");
  expect_refused (store, cut, 0, TANDEM_SAMPLE_ERROR_CORRUPT, "truncated");
  expect_refused (store, good, len - 1, TANDEM_SAMPLE_ERROR_TOO_LARGE, NULL);
  /* Refused files leave nothing behind. */
  g_assert_cmpuint (count_files (dir), ==, 0);

  a = tandem_sample_import_file (store, good, 0, NULL, &error);
  g_assert_no_error (error);
  b = tandem_sample_import_file (store, copy, 0, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (a->hash, ==, b->hash);
  g_assert_cmpuint (count_files (dir), ==, 1);     /* stored once */
  g_assert_cmpstr (a->format, ==, "wav");
  g_assert_cmpuint (a->rate, ==, 48000);
  g_assert_cmpuint (a->channels, ==, 1);
  g_assert_cmpuint (a->frames, ==, 9600);
  g_assert_cmpuint (a->bytes, ==, len);
  g_assert_true (tandem_name_is_valid (b->name));
  g_assert_null (strchr (b->name, '\t'));
  {
    g_autofree char *stored = tandem_sample_store_lookup (store, a->hash);
    g_autoptr(GFile) file = g_file_new_for_path (stored);
    g_autoptr(GBytes) bytes = g_file_load_bytes (file, NULL, NULL, NULL);
    g_autofree char *sum = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, bytes);

    /* The store names it by its content. */
    g_assert_cmpstr (sum, ==, a->hash);
  }
}

/* Import and playback make the same checks: what the engine would refuse
 * is refused before anyone shares it, with the same error, and a refused
 * file that was already stored (an earlier download) stays. */
static void
test_import_matches_decode (void)
{
  g_autofree char *dir = g_build_filename (atu_tmpdir (), "store-decode", NULL);
  g_autoptr(TandemSampleStore) store = tandem_sample_store_new (dir);
  g_autofree char *long_file = make_audio ("long.wav", "1000", "121");
  g_autofree char *good = make_audio ("short.wav", "22050", "0.1");
  g_autofree char *header = g_build_filename (atu_tmpdir (), "header-only.wav", NULL);
  g_autofree char *data = NULL;
  g_autofree char *stored_hash = NULL;
  g_autoptr(TandemSample) sample = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) decode_error = NULL;
  g_autoptr(TandemSampleImport) import = NULL;
  gsize len;

  if (long_file == NULL || good == NULL)
    return;
  expect_refused (store, long_file, 0, TANDEM_SAMPLE_ERROR_TOO_LONG, "120 seconds");
  g_assert_null (tandem_sample_decode_file (long_file, ATU_RATE, &decode_error));
  g_assert_error (decode_error, TANDEM_SAMPLE_ERROR, TANDEM_SAMPLE_ERROR_TOO_LONG);
  g_clear_error (&decode_error);

  g_assert_true (g_file_get_contents (good, &data, &len, NULL));
  g_assert_true (g_file_set_contents (header, data, 44, NULL));
  import = tandem_sample_import_file (store, header, 0, NULL, &error);
  sample = tandem_sample_decode_file (header, ATU_RATE, &decode_error);
  g_assert_null (import);
  g_assert_null (sample);
  g_assert_true (error->domain == TANDEM_SAMPLE_ERROR);
  g_assert_true (decode_error->domain == TANDEM_SAMPLE_ERROR);
  g_assert_cmpint (error->code, ==, decode_error->code);
  g_clear_error (&error);

  /* Bytes the store already held (say, a download the engine refused) are
   * not the import's to delete. */
  stored_hash = tandem_sample_store_import_file (store, header, NULL, &error);
  g_assert_no_error (error);
  g_clear_pointer (&import, tandem_sample_import_free);
  import = tandem_sample_import_file (store, header, 0, NULL, &error);
  g_assert_null (import);
  g_clear_error (&error);
  {
    g_autofree char *path = tandem_sample_store_lookup (store, stored_hash);

    g_assert_nonnull (path);
  }

  /* A file at another rate reports its own rate and frames. */
  import = tandem_sample_import_file (store, good, 0, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (import->rate, ==, 22050);
  g_assert_cmpuint (import->frames, ==, 2205);
}

typedef struct
{
  TandemSampleImport *import;
  GError             *error;
  gboolean            done;
} AsyncResult;

static void
import_done (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  AsyncResult *r = user_data;

  r->import = tandem_sample_import_finish (result, &r->error);
  r->done = TRUE;
}

static void
test_import_async (void)
{
  g_autofree char *dir = g_build_filename (atu_tmpdir (), "store-async", NULL);
  g_autoptr(TandemSampleStore) store = tandem_sample_store_new (dir);
  g_autofree char *good = make_audio ("async.wav", "48000", "0.1");
  g_autoptr(TandemOp) op = NULL;
  g_autoptr(TandemProject) project = atu_project_new (120.0, 4, 16);
  AsyncResult r = { 0 };
  g_autofree char *instrument = NULL;

  if (good == NULL)
    return;
  atu_add_track (project, "t1", "kick");
  tandem_sample_import_async (store, good, 0, NULL, import_done, &r);
  while (!r.done)
    g_main_context_iteration (NULL, TRUE);
  g_assert_no_error (r.error);
  g_assert_nonnull (r.import);

  /* One batch: the registry entry and the track's instrument. */
  op = tandem_sample_import_build_op (project, r.import, "t1");
  g_assert_true (tandem_project_apply (project, op, NULL, NULL));
  instrument = g_strconcat ("sample:", r.import->hash, NULL);
  g_assert_cmpstr (tandem_track_get_instrument (tandem_project_find_track (project, "t1")), ==,
                   instrument);
  g_assert_cmpstr (tandem_sample_info_get_name (tandem_project_find_sample (project, r.import->hash)),
                   ==, "async.wav");
  tandem_sample_import_free (r.import);
}

/* A header at 768 kHz is refused before any frame is decoded: 120 s of it
 * would be 365 MB of floats. */
static void
test_rate_bound (void)
{
  g_autofree char *dir = g_build_filename (atu_tmpdir (), "store-rate", NULL);
  g_autoptr(TandemSampleStore) store = tandem_sample_store_new (dir);
  g_autofree char *ultra = make_audio ("ultra.wav", "768000", "0.05");
  g_autoptr(GError) error = NULL;
  g_autoptr(TandemSample) sample = NULL;

  if (ultra == NULL)
    return;
  expect_refused (store, ultra, 0, TANDEM_SAMPLE_ERROR_CORRUPT, "768000 Hz");
  sample = tandem_sample_decode_file (ultra, 48000, &error);
  g_assert_null (sample);
  g_assert_error (error, TANDEM_SAMPLE_ERROR, TANDEM_SAMPLE_ERROR_CORRUPT);
  g_assert_false (tandem_sample_check_header (ultra, NULL, NULL));
}

static char *
sha256_of_file (const char *path)
{
  g_autofree char *data = NULL;
  gsize len;

  g_assert_true (g_file_get_contents (path, &data, &len, NULL));
  return g_compute_checksum_for_data (G_CHECKSUM_SHA256, (guchar *) data, len);
}

/* Opening a project copies into the store only what the decoder plays: a
 * file beside it that is not audio (though named by its hash) is not kept. */
static void
test_project_open_checks (void)
{
  TandemSampleStore *store = tandem_sample_store_get_default ();
  g_autofree char *dir = g_build_filename (atu_tmpdir (), "song-dir", NULL);
  g_autofree char *samples = g_build_filename (dir, "samples", NULL);
  g_autofree char *path = g_build_filename (dir, "song.tandem", NULL);
  g_autofree char *good = make_audio ("beside.wav", "44100", "0.1");
  g_autofree char *junk = g_build_filename (atu_tmpdir (), "junk.wav", NULL);
  g_autofree char *good_hash = NULL;
  g_autofree char *junk_hash = NULL;
  g_autofree char *junk_text = NULL;
  g_autofree char *stored = NULL;
  g_autoptr(TandemProject) project = atu_project_new (120, 4, 16);
  g_autoptr(TandemProject) opened = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GDir) store_dir = NULL;
  const char *name;

  if (good == NULL)
    return;
  tandem_sample_store_set_check_func (tandem_sample_store_check);
  /* Unique bytes, so that no other test's store already holds them. */
  junk_text = g_strdup_printf ("not audio %" G_GINT64_FORMAT "\n", g_get_real_time ());
  g_assert_true (g_file_set_contents (junk, junk_text, -1, NULL));
  good_hash = sha256_of_file (good);
  junk_hash = sha256_of_file (junk);
  g_assert_cmpint (g_mkdir_with_parents (samples, 0700), ==, 0);
  {
    g_autofree char *a = g_build_filename (samples, good_hash, NULL);
    g_autofree char *b = g_build_filename (samples, junk_hash, NULL);
    g_autofree char *data = NULL;
    gsize len;

    g_assert_true (g_file_get_contents (good, &data, &len, NULL));
    g_assert_true (g_file_set_contents (a, data, len, NULL));
    g_assert_true (g_file_set_contents (b, junk_text, -1, NULL));
  }
  atu_add_sample_info (project, good_hash, 44100, 4410);
  atu_add_sample_info (project, junk_hash, 48000, 4800);
  {
    g_autofree char *text = tandem_project_to_data (project, NULL);

    g_assert_true (g_file_set_contents (path, text, -1, NULL));
  }

  opened = tandem_project_new_from_file (path, &error);
  g_assert_no_error (error);
  g_assert_nonnull (opened);
  stored = tandem_sample_store_lookup (store, good_hash);
  g_assert_nonnull (stored);
  g_clear_pointer (&stored, g_free);
  stored = tandem_sample_store_lookup (store, junk_hash);
  g_assert_null (stored);
  store_dir = g_dir_open (tandem_sample_store_get_dir (store), 0, NULL);
  while (store_dir != NULL && (name = g_dir_read_name (store_dir)) != NULL)
    g_assert_false (g_str_has_prefix (name, ".import-"));
  tandem_sample_store_set_check_func (NULL);
}

static void
test_clean_name (void)
{
  g_autofree char *long_name = g_strnfill (400, 'x');
  g_autofree char *a = tandem_sample_clean_name ("../../etc/passwd");
  g_autofree char *b = tandem_sample_clean_name ("\x01\x1b[31mred\x7f.wav");
  g_autofree char *c = tandem_sample_clean_name (long_name);
  g_autofree char *d = tandem_sample_clean_name ("..");
  g_autofree char *e = tandem_sample_clean_name ("caf\xc3");

  g_assert_null (strchr (a, '/'));
  g_assert_cmpstr (b, ==, "[31mred.wav");
  g_assert_cmpuint (strlen (c), ==, TANDEM_MAX_NAME_LEN);
  g_assert_cmpstr (d, ==, "Sample");
  g_assert_true (tandem_name_is_valid (a) && tandem_name_is_valid (b) && tandem_name_is_valid (c)
                 && tandem_name_is_valid (d) && tandem_name_is_valid (e));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/audio/sample-import/refusals", test_import_refusals);
  g_test_add_func ("/audio/sample-import/matches-decode", test_import_matches_decode);
  g_test_add_func ("/audio/sample-import/async", test_import_async);
  g_test_add_func ("/audio/sample-import/clean-name", test_clean_name);
  g_test_add_func ("/audio/sample-import/rate-bound", test_rate_bound);
  g_test_add_func ("/audio/sample-import/project-open-checks", test_project_open_checks);

  return g_test_run ();
}
