/* test-hostile-files.c — project files and sample folders built to hurt:
 * devices, pipes, huge samples, byte order marks and a million tracks
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-model-test"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <glib/gstdio.h>

#include "tandem-model.h"

static char *tmp_root;

static char *
tmp_path (const char *name)
{
  return g_build_filename (tmp_root, name, NULL);
}

static void
test_bom (void)
{
  g_autofree char *path = tmp_path ("bom.tandem");
  g_autoptr(TandemProject) demo = tandem_project_new_demo ();
  g_autofree char *want = tandem_project_to_string (demo);
  gsize length;
  g_autofree char *text = tandem_project_to_data (demo, &length);
  g_autofree char *with_bom = g_strconcat ("\xef\xbb\xbf", text, NULL);
  g_autoptr(TandemProject) project = NULL;
  g_autofree char *got = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (g_file_set_contents (path, with_bom, length + 3, NULL));
  project = tandem_project_new_from_file (path, &error);
  g_assert_no_error (error);
  got = tandem_project_to_string (project);
  g_assert_cmpstr (got, ==, want);
  g_unlink (path);
}

static void
test_not_regular (void)
{
  g_autofree char *zero = tmp_path ("zero.tandem");
  g_autofree char *fifo = tmp_path ("fifo.tandem");
  g_autofree char *dir = tmp_path ("dir.tandem");
  const char *paths[] = { zero, fifo, dir };

  /* /dev/zero would be read until memory runs out; a FIFO would block. */
  g_assert_cmpint (symlink ("/dev/zero", zero), ==, 0);
  g_assert_cmpint (mkfifo (fifo, 0600), ==, 0);
  g_assert_cmpint (g_mkdir (dir, 0700), ==, 0);
  for (guint i = 0; i < G_N_ELEMENTS (paths); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(TandemProject) project = tandem_project_new_from_file (paths[i], &error);

      g_assert_null (project);
      g_assert_error (error, TANDEM_MODEL_ERROR, TANDEM_MODEL_ERROR_FILE);
      g_assert_nonnull (strstr (error->message, "not a regular file"));
    }
  g_unlink (zero);
  g_unlink (fifo);
  g_rmdir (dir);
}

/* The demo's JSON with @n tracks (copies of its first, new ids). */
/* json_node_copy() shares the object: a copy to change needs new members. */
static JsonNode *
deep_copy (JsonNode *node)
{
  g_autofree char *text = json_to_string (node, FALSE);

  return json_from_string (text, NULL);
}

static JsonNode *
project_with_tracks (guint n)
{
  g_autoptr(TandemProject) demo = tandem_project_new_demo ();
  JsonNode *node = tandem_project_to_json (demo);
  JsonArray *tracks = json_object_get_array_member (json_node_get_object (node), "tracks");
  JsonNode *first = json_array_get_element (tracks, 0);

  for (guint i = json_array_get_length (tracks); i < n; i++)
    {
      JsonNode *copy = deep_copy (first);
      g_autofree char *id = g_strdup_printf ("extra-%u", i);

      json_object_set_string_member (json_node_get_object (copy), "id", id);
      json_array_add_element (tracks, copy);
    }
  return node;
}

static void
test_track_cap (void)
{
  g_autoptr(JsonNode) full = project_with_tracks (TANDEM_MAX_TRACKS);
  g_autoptr(JsonNode) over = project_with_tracks (TANDEM_MAX_TRACKS + 1);
  g_autoptr(TandemProject) project = NULL;
  g_autoptr(TandemProject) refused = NULL;
  g_autoptr(TandemOp) insert = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  JsonNode *track;

  refused = tandem_project_new_from_json (over, &error);
  g_assert_null (refused);
  g_assert_error (error, TANDEM_MODEL_ERROR, TANDEM_MODEL_ERROR_CONSTRAINT);
  g_assert_nonnull (strstr (error->message, "at most 256 tracks"));
  g_clear_error (&error);

  project = tandem_project_new_from_json (full, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (tandem_project_get_tracks (project)), ==,
                    TANDEM_MAX_TRACKS);

  /* The same limit holds for an op, from a peer or the UI. */
  track = deep_copy (json_array_get_element (
    json_object_get_array_member (json_node_get_object (full), "tracks"), 0));
  json_object_set_string_member (json_node_get_object (track), "id", "one-too-many");
  insert = tandem_op_new_insert (TANDEM_ENTITY_TRACK, -1, track);
  before = tandem_project_to_string (project);
  g_assert_false (tandem_project_apply (project, insert, NULL, &error));
  g_assert_error (error, TANDEM_MODEL_ERROR, TANDEM_MODEL_ERROR_CONSTRAINT);
  g_assert_nonnull (strstr (error->message, "at most 256 tracks"));
  after = tandem_project_to_string (project);
  g_assert_cmpstr (after, ==, before);
}

static void
test_pattern_cap (void)
{
  g_autoptr(TandemProject) demo = tandem_project_new_demo ();
  g_autoptr(JsonNode) node = tandem_project_to_json (demo);
  JsonArray *patterns = json_object_get_array_member (json_node_get_object (node), "patterns");
  JsonNode *first = json_array_get_element (patterns, 0);
  g_autoptr(TandemProject) project = NULL;
  g_autoptr(GError) error = NULL;

  for (guint i = json_array_get_length (patterns); i <= TANDEM_MAX_PATTERNS; i++)
    {
      JsonNode *copy = deep_copy (first);
      g_autofree char *id = g_strdup_printf ("extra-%u", i);

      json_object_set_string_member (json_node_get_object (copy), "id", id);
      json_array_add_element (patterns, copy);
    }
  project = tandem_project_new_from_json (node, &error);
  g_assert_null (project);
  g_assert_error (error, TANDEM_MODEL_ERROR, TANDEM_MODEL_ERROR_CONSTRAINT);
  g_assert_nonnull (strstr (error->message, "at most 256 patterns"));
}

/* A sample over the size limit beside a project is not copied into the
 * store, however well its name matches its bytes. Sparse: no disk used. */
static void
test_huge_sample_not_copied (void)
{
  TandemSampleStore *store = tandem_sample_store_get_default ();
  goffset size = TANDEM_SAMPLE_MAX_BYTES + 1024 * 1024;
  g_autofree char *dir = tmp_path ("huge-sample");
  g_autofree char *samples = g_build_filename (dir, "samples", NULL);
  g_autofree char *project_path = g_build_filename (dir, "song.tandem", NULL);
  g_autofree char *sample_path = NULL;
  g_autofree guint8 *zeros = g_malloc0 (1024 * 1024);
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  g_autoptr(TandemProject) project = tandem_project_new_demo ();
  g_autoptr(TandemProject) opened = NULL;
  g_autofree char *json = NULL;
  g_autoptr(TandemOp) op = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GDir) store_dir = NULL;
  const char *hash;
  int fd;

  for (goffset done = 0; done < size; done += 1024 * 1024)
    g_checksum_update (checksum, zeros, 1024 * 1024);
  hash = g_checksum_get_string (checksum);
  g_assert_cmpint (g_mkdir_with_parents (samples, 0700), ==, 0);
  sample_path = g_build_filename (samples, hash, NULL);
  fd = open (sample_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpint (ftruncate (fd, size), ==, 0);
  close (fd);

  json = g_strdup_printf ("{\"id\":\"%s\",\"name\":\"huge.wav\",\"format\":\"wav\","
                          "\"frames\":48000,\"rate\":48000,\"channels\":1,\"bytes\":%"
                          G_GINT64_FORMAT "}", hash, (gint64) size);
  op = tandem_op_new_insert (TANDEM_ENTITY_SAMPLE, -1, json_from_string (json, NULL));
  g_assert_true (tandem_project_apply (project, op, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (tandem_project_save_to_file (project, project_path, &error));
  g_assert_no_error (error);

  opened = tandem_project_new_from_file (project_path, &error);
  g_assert_no_error (error);
  g_assert_nonnull (opened);
  /* The project opens; the store holds neither the sample nor a temp copy. */
  g_assert_null (tandem_sample_store_lookup (store, hash));
  store_dir = g_dir_open (tandem_sample_store_get_dir (store), 0, NULL);
  if (store_dir != NULL)
    {
      const char *name;

      while ((name = g_dir_read_name (store_dir)) != NULL)
        g_assert_false (g_str_has_prefix (name, ".import-"));
    }
  g_unlink (sample_path);
  g_unlink (project_path);
  g_rmdir (samples);
  g_rmdir (dir);
}

int
main (int    argc,
      char **argv)
{
  g_autofree char *data_home = NULL;
  int ret;

  tmp_root = g_dir_make_tmp ("tandem-test-hostile-XXXXXX", NULL);
  g_assert_nonnull (tmp_root);
  /* The default sample store lives under XDG_DATA_HOME: keep it ours. */
  data_home = g_build_filename (tmp_root, "data", NULL);
  g_setenv ("XDG_DATA_HOME", data_home, TRUE);

  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/model/hostile-files/bom", test_bom);
  g_test_add_func ("/model/hostile-files/not-regular", test_not_regular);
  g_test_add_func ("/model/hostile-files/track-cap", test_track_cap);
  g_test_add_func ("/model/hostile-files/pattern-cap", test_pattern_cap);
  g_test_add_func ("/model/hostile-files/huge-sample-not-copied", test_huge_sample_not_copied);
  ret = g_test_run ();
  {
    g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", tmp_root);

    if (system (cmd) != 0)
      g_warning ("could not remove %s", tmp_root);
  }
  g_free (tmp_root);
  return ret;
}
