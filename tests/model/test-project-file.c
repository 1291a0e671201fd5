/* test-project-file.c — saving, opening, broken files and the samples folder
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-project-file"

#include "config.h"

#include <string.h>
#include <glib/gstdio.h>

#include "test-model-util.h"

static char *tmp_root;

static char *
corpus_path (const char *name)
{
  const char *srcdir = g_getenv ("G_TEST_SRCDIR");

  /* meson points G_TEST_SRCDIR at tests/; by hand, run from tests/model. */
  if (srcdir != NULL)
    {
      char *path = g_build_filename (srcdir, "model", "files", name, NULL);

      if (g_file_test (path, G_FILE_TEST_EXISTS))
        return path;
      g_free (path);
      return g_build_filename (srcdir, "files", name, NULL);
    }
  return g_build_filename ("files", name, NULL);
}

static char *
tmp_path (const char *first,
          ...)
{
  va_list args;
  g_autofree char *rel = NULL;
  GPtrArray *parts = g_ptr_array_new ();
  char *path;

  g_ptr_array_add (parts, tmp_root);
  g_ptr_array_add (parts, (char *) first);
  va_start (args, first);
  for (const char *p = va_arg (args, const char *); p != NULL; p = va_arg (args, const char *))
    g_ptr_array_add (parts, (char *) p);
  va_end (args);
  g_ptr_array_add (parts, NULL);
  path = g_build_filenamev ((char **) parts->pdata);
  g_ptr_array_free (parts, TRUE);
  return path;
}

static guint
count_entries (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  guint n = 0;

  if (d == NULL)
    return 0;
  while (g_dir_read_name (d) != NULL)
    n++;
  return n;
}

static void
test_save_open (void)
{
  g_autoptr(TandemProject) demo = tandem_project_new_demo ();
  g_autoptr(TandemProject) opened = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = tmp_path ("save-open", NULL);
  g_autofree char *path = g_build_filename (dir, "beat.tandem", NULL);
  g_autofree char *expected = tandem_project_to_string (demo);
  g_autofree char *actual = NULL;
  g_autofree char *contents = NULL;
  gsize length;

  g_mkdir_with_parents (dir, 0755);
  g_assert_true (tandem_project_save_to_file (demo, path, &error));
  g_assert_no_error (error);

  g_assert_true (g_file_get_contents (path, &contents, &length, NULL));
  /* pretty-printed by JsonGenerator, header members first, ending in a newline */
  g_assert_true (g_str_has_prefix (contents, "{\n  \"format\" : \"tandem\",\n  \"version\" : 1,\n"
                                             "  \"project\" : {\n    \"name\" : \"New Beat\","));
  g_assert_true (g_str_has_suffix (contents, "}\n"));
  /* no temp files left beside it, and no samples folder without samples */
  g_assert_cmpuint (count_entries (dir), ==, 1);

  opened = tandem_project_new_from_file (path, &error);
  g_assert_no_error (error);
  actual = tandem_project_to_string (opened);
  g_assert_cmpstr (actual, ==, expected);

  /* Saving again replaces the file whole. */
  {
    g_autoptr(TandemOp) op =
      tandem_op_new_set_string (TANDEM_ENTITY_PROJECT, NULL, "name", "Second");
    g_autoptr(TandemProject) again = NULL;

    g_assert_true (tandem_project_apply (demo, op, NULL, &error));
    g_assert_true (tandem_project_save_to_file (demo, path, &error));
    g_assert_no_error (error);
    g_assert_cmpuint (count_entries (dir), ==, 1);
    again = tandem_project_new_from_file (path, &error);
    g_assert_no_error (error);
    g_assert_cmpstr (tandem_project_get_name (again), ==, "Second");
  }
}

static void
test_data_round_trip (void)
{
  g_autoptr(TandemProject) demo = tandem_project_new_demo ();
  g_autoptr(GError) error = NULL;
  gsize length;
  g_autofree char *data = tandem_project_to_data (demo, &length);
  g_autofree char *expected = tandem_project_to_string (demo);

  g_assert_cmpuint (strlen (data), ==, length);
  {
    g_autoptr(TandemProject) p = tandem_project_new_from_data (data, length, &error);
    g_autofree char *actual = NULL;

    g_assert_no_error (error);
    actual = tandem_project_to_string (p);
    g_assert_cmpstr (actual, ==, expected);
  }

  /* Cut anywhere, the file is refused cleanly, never half-read. */
  for (gsize cut = 0; cut < length - 2; cut += 7)
    {
      g_autoptr(GError) cut_error = NULL;
      g_autoptr(TandemProject) p = tandem_project_new_from_data (data, cut, &cut_error);

      g_assert_null (p);
      g_assert_error (cut_error, TANDEM_MODEL_ERROR, TANDEM_MODEL_ERROR_FILE_FORMAT);
    }
}

/* Saved while playing (a preview, an autosave mid-song), it opens stopped. */
static void
test_opens_stopped (void)
{
  g_autoptr(TandemProject) demo = tandem_project_new_demo ();
  g_autoptr(TandemOp) start = tandem_op_new_batch ();
  g_autoptr(TandemProject) opened = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *data = NULL;
  gsize length;

  tandem_op_batch_add (start, tandem_op_new_set_int (TANDEM_ENTITY_PROJECT, NULL, "anchor-time", 123456));
  tandem_op_batch_add (start, tandem_op_new_set_boolean (TANDEM_ENTITY_PROJECT, NULL, "playing", TRUE));
  g_assert_true (tandem_project_apply (demo, start, NULL, &error));
  data = tandem_project_to_data (demo, &length);

  opened = tandem_project_new_from_data (data, length, &error);
  g_assert_no_error (error);
  g_assert_false (tandem_project_get_playing (opened));
  g_assert_cmpfloat (tandem_project_get_tempo (opened), ==, tandem_project_get_tempo (demo));
}

static void
test_atomic_save (void)
{
  g_autoptr(TandemProject) demo = tandem_project_new_demo ();
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = tmp_path ("atomic", NULL);
  g_autofree char *good = g_build_filename (dir, "good.tandem", NULL);
  g_autofree char *missing = g_build_filename (dir, "no-such-dir", "x.tandem", NULL);
  g_autofree char *blocked = g_build_filename (dir, "blocked.tandem", NULL);
  g_autofree char *inside = g_build_filename (blocked, "keep", NULL);
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;

  g_mkdir_with_parents (dir, 0755);
  g_assert_true (tandem_project_save_to_file (demo, good, &error));
  g_assert_true (g_file_get_contents (good, &before, NULL, NULL));

  /* A path whose folder does not exist fails and touches nothing. */
  g_assert_false (tandem_project_save_to_file (demo, missing, &error));
  g_assert_error (error, TANDEM_MODEL_ERROR, TANDEM_MODEL_ERROR_FILE);
  g_assert_nonnull (strstr (error->message, "Cannot save"));
  g_clear_error (&error);

  /* The rename over the target fails (it is a folder): the temp file is
   * removed and what was there stays. */
  g_mkdir_with_parents (blocked, 0755);
  g_assert_true (g_file_set_contents (inside, "precious", -1, NULL));
  g_assert_false (tandem_project_save_to_file (demo, blocked, &error));
  g_assert_error (error, TANDEM_MODEL_ERROR, TANDEM_MODEL_ERROR_FILE);
  g_clear_error (&error);
  g_assert_true (g_file_test (inside, G_FILE_TEST_IS_REGULAR));
  g_assert_cmpuint (count_entries (dir), ==, 2); /* good.tandem and blocked.tandem */

  g_assert_true (g_file_get_contents (good, &after, NULL, NULL));
  g_assert_cmpstr (after, ==, before);
}

typedef struct
{
  const char *file;
  int         code;
  const char *message;
} BrokenFile;

static void
test_broken_files (void)
{
  static const BrokenFile cases[] = {
    { "empty.tandem", TANDEM_MODEL_ERROR_FILE_FORMAT, "empty" },
    { "truncated.tandem", TANDEM_MODEL_ERROR_FILE_FORMAT, "The project file is damaged" },
    { "not-json.tandem", TANDEM_MODEL_ERROR_FILE_FORMAT, "The project file is damaged" },
    { "json-array.tandem", TANDEM_MODEL_ERROR_FILE_FORMAT, "Not a Tandem project" },
    { "wrong-format.tandem", TANDEM_MODEL_ERROR_FILE_FORMAT, "Not a Tandem project" },
    { "no-format.tandem", TANDEM_MODEL_ERROR_FILE_FORMAT, "Not a Tandem project" },
    { "newer-version.tandem", TANDEM_MODEL_ERROR_FILE_VERSION,
      "made by a newer version of Tandem (format 7); please update Tandem" },
    { "version-string.tandem", TANDEM_MODEL_ERROR_FILE_FORMAT, "version" },
    { "no-project.tandem", TANDEM_MODEL_ERROR_FILE_FORMAT, "no project" },
    { "deep-nesting.tandem", TANDEM_MODEL_ERROR_FILE_FORMAT, "nested" },
    { "huge-number.tandem", TANDEM_MODEL_ERROR_FILE_FORMAT, "The project file is damaged" },
    { "huge-integer.tandem", TANDEM_MODEL_ERROR_FILE_FORMAT, "The project file is damaged" },
    { "wrong-type.tandem", TANDEM_MODEL_ERROR_FILE_FORMAT, "tempo must be a number" },
    { "bad-id.tandem", TANDEM_MODEL_ERROR_FILE_FORMAT, "invalid id" },
    { "duplicate-id.tandem", TANDEM_MODEL_ERROR_FILE_FORMAT, "Track “t1” appears twice" },
    { "dangling-clip.tandem", TANDEM_MODEL_ERROR_FILE_FORMAT, "“ghost” is not a pattern" },
    { "dangling-current-pattern.tandem", TANDEM_MODEL_ERROR_FILE_FORMAT, "current-pattern" },
    { "dangling-cell-track.tandem", TANDEM_MODEL_ERROR_FILE_FORMAT, "track “ghost”" },
    { "cell-step-99.tandem", TANDEM_MODEL_ERROR_FILE_FORMAT, "128 hex digits" },
    { "cell-velocity-out-of-range.tandem", TANDEM_MODEL_ERROR_FILE_FORMAT, "velocity 255" },
    { "cell-not-hex.tandem", TANDEM_MODEL_ERROR_FILE_FORMAT, "not hex" },
    { "unknown-member.tandem", TANDEM_MODEL_ERROR_FILE_FORMAT, "unknown member “gain”" },
    { "unknown-sample.tandem", TANDEM_MODEL_ERROR_FILE_FORMAT, "does not have" },
    { "out-of-range.tandem", TANDEM_MODEL_ERROR_FILE_FORMAT, "volume 12 is out of range" },
    { "invalid-utf8.tandem", TANDEM_MODEL_ERROR_FILE_FORMAT, "" },
    { "nul-byte.tandem", TANDEM_MODEL_ERROR_FILE_FORMAT, "" },
  };
  g_autofree char *valid = corpus_path ("valid-minimal.tandem");
  g_autoptr(GError) error = NULL;
  g_autoptr(TandemProject) ok = tandem_project_new_from_file (valid, &error);

  /* The corpus is made of small edits of this file, which opens. */
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (tandem_project_get_tracks (ok)), ==, 1);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *path = corpus_path (cases[i].file);
      g_autoptr(GError) file_error = NULL;
      g_autoptr(TandemProject) project = NULL;

      g_test_message ("%s", cases[i].file);
      g_assert_true (g_file_test (path, G_FILE_TEST_IS_REGULAR));
      project = tandem_project_new_from_file (path, &file_error);
      g_assert_null (project);
      g_assert_error (file_error, TANDEM_MODEL_ERROR, cases[i].code);
      g_test_message ("  → %s", file_error->message);
      g_assert_nonnull (strstr (file_error->message, cases[i].message));
    }

  {
    g_autoptr(GError) missing_error = NULL;
    g_autofree char *missing = tmp_path ("does-not-exist.tandem", NULL);
    g_autoptr(TandemProject) project = tandem_project_new_from_file (missing, &missing_error);

    g_assert_null (project);
    g_assert_error (missing_error, TANDEM_MODEL_ERROR, TANDEM_MODEL_ERROR_FILE);
    g_assert_nonnull (strstr (missing_error->message, "Cannot open"));
  }
}

static void
test_huge_file (void)
{
  g_autofree char *path = tmp_path ("huge.tandem", NULL);
  gsize size = 70 * 1024 * 1024;
  g_autofree char *data = g_malloc (size);
  g_autoptr(GError) error = NULL;
  g_autoptr(TandemProject) project = NULL;

  /* Valid-looking JSON, padded with whitespace past the limit. */
  memset (data, ' ', size);
  memcpy (data, "{\"format\":\"tandem\",\"version\":1,\"project\":{}}", 44);
  g_assert_true (g_file_set_contents (path, data, size, NULL));

  project = tandem_project_new_from_file (path, &error);
  g_assert_null (project);
  g_assert_error (error, TANDEM_MODEL_ERROR, TANDEM_MODEL_ERROR_FILE_FORMAT);
  g_assert_nonnull (strstr (error->message, "too large"));
  g_clear_error (&error);

  project = tandem_project_new_from_data (data, size, &error);
  g_assert_null (project);
  g_assert_error (error, TANDEM_MODEL_ERROR, TANDEM_MODEL_ERROR_FILE_FORMAT);
  g_unlink (path);
}

static char *
write_sample (const char *name,
              guint       seed,
              gsize       size)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (seed);
  g_autofree guint8 *bytes = g_malloc (size);
  char *path = tmp_path (name, NULL);

  for (gsize i = 0; i < size; i++)
    bytes[i] = (guint8) g_rand_int (rand);
  g_assert_true (g_file_set_contents (path, (char *) bytes, size, NULL));
  return path;
}

static void
test_samples_folder (void)
{
  TandemSampleStore *store = tandem_sample_store_get_default ();
  g_autofree char *source = write_sample ("cowbell.wav", 1, 200 * 1024);
  g_autoptr(GError) error = NULL;
  g_autofree char *hash = tandem_sample_store_import_file (store, source, NULL, &error);
  g_autoptr(TandemProject) project = tandem_project_new_demo ();
  g_autoptr(TandemProject) opened = NULL;
  g_autofree char *dir = tmp_path ("with-samples", NULL);
  g_autofree char *path = g_build_filename (dir, "song.tandem", NULL);
  g_autofree char *copy = NULL;
  g_autofree char *stored = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *actual = NULL;
  g_autofree char *json = NULL;
  g_autoptr(TandemOp) insert = NULL;
  g_autoptr(TandemOp) use = NULL;
  g_autofree char *instrument = NULL;

  g_assert_no_error (error);
  g_mkdir_with_parents (dir, 0755);

  json = g_strdup_printf ("{\"id\":\"%s\",\"name\":\"cowbell.wav\",\"format\":\"wav\","
                          "\"frames\":51200,\"rate\":48000,\"channels\":1,\"bytes\":204800}", hash);
  insert = tandem_op_new_insert (TANDEM_ENTITY_SAMPLE, -1, parse_json (json));
  g_assert_true (tandem_project_apply (project, insert, NULL, &error));
  instrument = g_strconcat ("sample:", hash, NULL);
  use = tandem_op_new_set_string (TANDEM_ENTITY_TRACK, tandem_track_get_id (nth_track (project, 0)),
                                  "instrument", instrument);
  g_assert_true (tandem_project_apply (project, use, NULL, &error));
  g_assert_no_error (error);

  g_assert_true (tandem_project_save_to_file (project, path, &error));
  g_assert_no_error (error);
  copy = g_build_filename (dir, "samples", hash, NULL);
  g_assert_true (g_file_test (copy, G_FILE_TEST_IS_REGULAR));
  {
    g_autofree char *samples_dir = g_path_get_dirname (copy);
    g_assert_cmpuint (count_entries (samples_dir), ==, 1);
  }

  /* Opened on a machine without the sample: it comes back from the folder. */
  stored = tandem_sample_store_lookup (store, hash);
  g_assert_nonnull (stored);
  g_unlink (stored);
  g_clear_pointer (&stored, g_free);
  g_assert_null (tandem_sample_store_lookup (store, hash));

  opened = tandem_project_new_from_file (path, &error);
  g_assert_no_error (error);
  expected = tandem_project_to_string (project);
  actual = tandem_project_to_string (opened);
  g_assert_cmpstr (actual, ==, expected);
  stored = tandem_sample_store_lookup (store, hash);
  g_assert_nonnull (stored);
  g_clear_object (&opened);

  /* A damaged copy is not imported, yet the project opens. */
  g_unlink (stored);
  g_assert_true (g_file_set_contents (copy, "not the sample", -1, NULL));
  opened = tandem_project_new_from_file (path, &error);
  g_assert_no_error (error);
  g_assert_nonnull (opened);
  g_clear_pointer (&stored, g_free);
  stored = tandem_sample_store_lookup (store, hash);
  g_assert_null (stored);
  g_clear_object (&opened);

  /* And so does a missing one. */
  g_unlink (copy);
  opened = tandem_project_new_from_file (path, &error);
  g_assert_no_error (error);
  g_assert_nonnull (opened);
}

static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = NULL;
  const char *name;

  if (!g_file_test (path, G_FILE_TEST_IS_DIR) || g_file_test (path, G_FILE_TEST_IS_SYMLINK))
    {
      g_unlink (path);
      return;
    }
  dir = g_dir_open (path, 0, NULL);
  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);
      remove_tree (child);
    }
  g_rmdir (path);
}

int
main (int    argc,
      char **argv)
{
  g_autofree char *data_home = NULL;
  int ret;

  tmp_root = g_dir_make_tmp ("tandem-test-file-XXXXXX", NULL);
  g_assert_nonnull (tmp_root);
  /* The default sample store lives under XDG_DATA_HOME: keep it ours. */
  data_home = g_build_filename (tmp_root, "data", NULL);
  g_setenv ("XDG_DATA_HOME", data_home, TRUE);

  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/model/file/save-open", test_save_open);
  g_test_add_func ("/model/file/data-round-trip", test_data_round_trip);
  g_test_add_func ("/model/file/opens-stopped", test_opens_stopped);
  g_test_add_func ("/model/file/atomic-save", test_atomic_save);
  g_test_add_func ("/model/file/broken-files", test_broken_files);
  g_test_add_func ("/model/file/huge-file", test_huge_file);
  g_test_add_func ("/model/file/samples-folder", test_samples_folder);

  ret = g_test_run ();
  remove_tree (tmp_root);
  g_free (tmp_root);
  return ret;
}
