/* test-sample-store.c — content-addressed sample files
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-sample-store"

#include "config.h"

#include <string.h>
#include <glib/gstdio.h>

#include "tandem-model.h"

static char *tmp_root;

static char *
write_file (const char *name,
            guint       seed,
            gsize       size)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (seed);
  g_autofree guint8 *bytes = g_malloc (size + 1);
  char *path = g_build_filename (tmp_root, name, NULL);

  for (gsize i = 0; i < size; i++)
    bytes[i] = (guint8) g_rand_int (rand);
  g_assert_true (g_file_set_contents (path, (char *) bytes, size, NULL));
  return path;
}

static char *
sha256_of_file (const char *path)
{
  g_autofree char *data = NULL;
  gsize length;

  g_assert_true (g_file_get_contents (path, &data, &length, NULL));
  return g_compute_checksum_for_data (G_CHECKSUM_SHA256, (guint8 *) data, length);
}

static guint
count_entries (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  guint n = 0;

  while (d != NULL && g_dir_read_name (d) != NULL)
    n++;
  return n;
}

static void
test_import_dedupe (void)
{
  g_autofree char *dir = g_build_filename (tmp_root, "store-a", NULL);
  g_autoptr(TandemSampleStore) store = tandem_sample_store_new (dir);
  /* bigger than one 64 KiB chunk, not a multiple of it */
  g_autofree char *a = write_file ("kick.wav", 1, 300 * 1024 + 17);
  g_autofree char *b = NULL;
  g_autofree char *expected = sha256_of_file (a);
  g_autofree char *hash = NULL;
  g_autofree char *hash2 = NULL;
  g_autofree char *stored = NULL;
  g_autofree char *stored_hash = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_cmpstr (tandem_sample_store_get_dir (store), ==, dir);
  g_assert_null (tandem_sample_store_lookup (store, expected));

  hash = tandem_sample_store_import_file (store, a, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (hash, ==, expected);
  g_assert_true (tandem_sample_hash_is_valid (hash));

  stored = tandem_sample_store_lookup (store, hash);
  g_assert_nonnull (stored);
  stored_hash = sha256_of_file (stored);
  g_assert_cmpstr (stored_hash, ==, hash);

  /* The same bytes under another name are stored once. */
  b = g_build_filename (tmp_root, "same-kick-renamed.flac", NULL);
  {
    g_autofree char *data = NULL;
    gsize length;

    g_assert_true (g_file_get_contents (a, &data, &length, NULL));
    g_assert_true (g_file_set_contents (b, data, length, NULL));
  }
  hash2 = tandem_sample_store_import_file (store, b, hash, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (hash2, ==, hash);
  g_assert_cmpuint (count_entries (dir), ==, 1);

  /* An empty file is no sample: refused before anything is copied. */
  {
    g_autofree char *empty = write_file ("empty.wav", 2, 0);
    g_autofree char *h = tandem_sample_store_import_file (store, empty, NULL, &error);

    g_assert_error (error, TANDEM_SAMPLE_ERROR, TANDEM_SAMPLE_ERROR_CORRUPT);
    g_assert_null (h);
    g_clear_error (&error);
    g_assert_cmpuint (count_entries (dir), ==, 1);
  }
}

static void
test_hash_mismatch (void)
{
  g_autofree char *dir = g_build_filename (tmp_root, "store-b", NULL);
  g_autoptr(TandemSampleStore) store = tandem_sample_store_new (dir);
  g_autofree char *a = write_file ("snare.wav", 3, 1000);
  const char *wrong = "0000000000000000000000000000000000000000000000000000000000000000";
  g_autoptr(GError) error = NULL;
  g_autofree char *hash = NULL;

  hash = tandem_sample_store_import_file (store, a, wrong, &error);
  g_assert_null (hash);
  g_assert_error (error, TANDEM_MODEL_ERROR, TANDEM_MODEL_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "does not match"));
  g_clear_error (&error);
  /* nothing stored, no temp file left */
  g_assert_null (tandem_sample_store_lookup (store, wrong));
  g_assert_cmpuint (count_entries (dir), ==, 0);

  {
    g_autofree char *missing = g_build_filename (tmp_root, "no-such.wav", NULL);

    hash = tandem_sample_store_import_file (store, missing, NULL, &error);
    g_assert_null (hash);
    g_assert_error (error, TANDEM_SAMPLE_ERROR, TANDEM_SAMPLE_ERROR_IO);
    g_assert_cmpuint (count_entries (dir), ==, 0);
  }

  g_assert_null (tandem_sample_store_lookup (store, "../../etc/passwd"));
  g_assert_null (tandem_sample_store_lookup (store, "abc"));
}

static void
test_default_store (void)
{
  TandemSampleStore *store = tandem_sample_store_get_default ();
  g_autofree char *expected = g_build_filename (g_get_user_data_dir (), "tandem", "samples", NULL);

  g_assert_true (store == tandem_sample_store_get_default ());
  g_assert_cmpstr (tandem_sample_store_get_dir (store), ==, expected);
}

static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = NULL;
  const char *name;

  if (!g_file_test (path, G_FILE_TEST_IS_DIR))
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
  int ret;

  tmp_root = g_dir_make_tmp ("tandem-test-store-XXXXXX", NULL);
  g_assert_nonnull (tmp_root);

  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/model/sample-store/import-dedupe", test_import_dedupe);
  g_test_add_func ("/model/sample-store/hash-mismatch", test_hash_mismatch);
  g_test_add_func ("/model/sample-store/default", test_default_store);

  ret = g_test_run ();
  remove_tree (tmp_root);
  g_free (tmp_root);
  return ret;
}
