/* tandem-project-file.c — *.tandem files and the samples folder beside them
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-model"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <glib/gstdio.h>

#include "tandem-model-private.h"

/**
 * tandem_project_to_data:
 * @length: (out) (optional): the length of the text
 *
 * Returns: (transfer full): the project as the pretty-printed text of a
 *   *.tandem file
 */
char *
tandem_project_to_data (TandemProject *project,
                        gsize         *length)
{
  g_autoptr(JsonNode) root = NULL;
  JsonObject *obj;

  g_return_val_if_fail (TANDEM_IS_PROJECT (project), NULL);

  obj = json_object_new ();
  json_object_set_string_member (obj, "format", "tandem");
  json_object_set_int_member (obj, "version", TANDEM_FILE_FORMAT_VERSION);
  json_object_set_member (obj, "project", tandem_project_to_json (project));
  root = take_object (obj);
  return _tandem_json_to_string (root, TRUE, length);
}

static gboolean
damaged (GError     **error,
         const char  *detail)
{
  g_set_error (error, TANDEM_MODEL_ERROR, TANDEM_MODEL_ERROR_FILE_FORMAT,
               "The project file is damaged: %s", detail);
  return FALSE;
}

/**
 * tandem_project_new_from_data:
 *
 * Checks size, nesting depth, format name and version of the text of a
 * *.tandem file before building the project from it.
 *
 * Returns: (transfer full) (nullable): the project, or NULL with @error set
 */
TandemProject *
tandem_project_new_from_data (const char  *data,
                              gsize        length,
                              GError     **error)
{
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GError) local_error = NULL;
  TandemProject *project;
  JsonObject *obj;
  JsonNode *member;
  gint64 version;

  g_return_val_if_fail (data != NULL || length == 0, NULL);

  /* Some editors start UTF-8 files with a byte order mark; JSON has none. */
  if (length >= 3 && memcmp (data, "\xef\xbb\xbf", 3) == 0)
    {
      data += 3;
      length -= 3;
    }
  if (length == 0)
    {
      damaged (error, "the file is empty");
      return NULL;
    }
  if (length > TANDEM_FILE_MAX_BYTES)
    {
      g_set_error (error, TANDEM_MODEL_ERROR, TANDEM_MODEL_ERROR_FILE_FORMAT,
                   "The project file is too large (%" G_GSIZE_FORMAT " MB; at most %d MB)",
                   length / (1024 * 1024), TANDEM_FILE_MAX_BYTES / (1024 * 1024));
      return NULL;
    }
  root = tandem_json_parse_bounded (data, length, &tandem_json_limits_project_file,
                                    &local_error);
  if (root == NULL)
    {
      damaged (error, local_error->message);
      return NULL;
    }
  if (!JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error (error, TANDEM_MODEL_ERROR, TANDEM_MODEL_ERROR_FILE_FORMAT,
                   "Not a Tandem project");
      return NULL;
    }
  obj = json_node_get_object (root);
  member = json_object_get_member (obj, "format");
  if (member == NULL || !JSON_NODE_HOLDS_VALUE (member)
      || json_node_get_value_type (member) != G_TYPE_STRING
      || strcmp (json_node_get_string (member), "tandem") != 0)
    {
      g_set_error (error, TANDEM_MODEL_ERROR, TANDEM_MODEL_ERROR_FILE_FORMAT,
                   "Not a Tandem project");
      return NULL;
    }
  member = json_object_get_member (obj, "version");
  if (member == NULL || !_tandem_json_get_int (member, &version) || version < 1)
    {
      damaged (error, "the format version is missing or not a positive integer");
      return NULL;
    }
  if (version > TANDEM_FILE_FORMAT_VERSION)
    {
      g_set_error (error, TANDEM_MODEL_ERROR, TANDEM_MODEL_ERROR_FILE_VERSION,
                   "This project was made by a newer version of Tandem (format %"
                   G_GINT64_FORMAT "); please update Tandem", version);
      return NULL;
    }
  member = json_object_get_member (obj, "project");
  if (member == NULL)
    {
      damaged (error, "it holds no project");
      return NULL;
    }
  project = tandem_project_new_from_json (member, &local_error);
  if (project == NULL)
    {
      damaged (error, local_error->message);
      return NULL;
    }
  /* A file saved while it played opens stopped: its anchor is a reading of
   * a clock that is gone, and nobody expects an opened song to start. */
  if (tandem_project_get_playing (project))
    {
      g_autoptr(TandemOp) stop = tandem_op_new_set_boolean (TANDEM_ENTITY_PROJECT, NULL,
                                                             "playing", FALSE);

      if (!tandem_project_apply (project, stop, NULL, &local_error))
        g_critical ("A project cannot stop: %s", local_error->message);
    }
  return project;
}

/* A sample from a drum kit carries the kit's licence beside it as
 * <hash>.licence (tandem-kit-import.c): copy it wherever the sample goes.
 * Best effort: the licence is for people, the project plays without it. */
static void
copy_licence (const char *sample_from,
              const char *sample_to)
{
  g_autofree char *from = g_strconcat (sample_from, ".licence", NULL);
  g_autofree char *to = g_strconcat (sample_to, ".licence", NULL);
  g_autofree char *text = NULL;
  gsize length;

  if (g_file_test (to, G_FILE_TEST_EXISTS) || !g_file_get_contents (from, &text, &length, NULL)
      || length > 1024 * 1024)
    return;
  if (!g_file_set_contents (to, text, (gssize) length, NULL))
    g_debug ("Cannot copy the licence of %s to %s", sample_from, to);
}

/* Imports <dir>/samples/<hash> into the default store for every sample the
 * project lists and the store lacks. A missing or damaged copy is not fatal:
 * the project opens and that sample stays silent. */
static void
import_samples (TandemProject *project,
                const char    *path)
{
  TandemSampleStore *store = tandem_sample_store_get_default ();
  g_autofree char *dir = g_path_get_dirname (path);
  GListModel *samples = tandem_project_get_samples (project);
  guint n = g_list_model_get_n_items (samples);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(TandemSampleInfo) info = g_list_model_get_item (samples, i);
      const char *hash = tandem_sample_info_get_id (info);
      g_autofree char *stored = tandem_sample_store_lookup (store, hash);
      g_autofree char *source = NULL;
      g_autofree char *imported = NULL;
      g_autoptr(GError) error = NULL;

      if (stored != NULL)
        continue;
      source = g_build_filename (dir, "samples", hash, NULL);
      if (!g_file_test (source, G_FILE_TEST_IS_REGULAR))
        {
          g_debug ("Sample %s is missing beside %s", hash, path);
          continue;
        }
      imported = tandem_sample_store_import_file (store, source, hash, &error);
      if (imported == NULL)
        g_debug ("Sample %s not imported: %s", hash, error->message);
      else
        {
          g_autofree char *path_in_store = tandem_sample_store_lookup (store, hash);

          if (path_in_store != NULL)
            copy_licence (source, path_in_store);
        }
    }
}

/* Reads at most @max + 1 bytes of the regular file @path. The file is opened
 * without blocking (a FIFO would wait for a writer) and checked on the open
 * descriptor, so a symlink swapped in between cannot get a device or a pipe
 * read: /dev/zero would be read until memory ran out. */
static char *
read_regular_file (const char  *path,
                   gsize        max,
                   gsize       *length,
                   GError     **error)
{
  g_autofree char *data = NULL;
  struct stat st;
  gsize have = 0;
  int fd;

  fd = open (path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
  if (fd < 0)
    {
      int saved = errno;

      g_set_error (error, TANDEM_MODEL_ERROR, TANDEM_MODEL_ERROR_FILE,
                   "Cannot open “%s”: %s", path, g_strerror (saved));
      return NULL;
    }
  if (fstat (fd, &st) != 0 || !S_ISREG (st.st_mode))
    {
      close (fd);
      g_set_error (error, TANDEM_MODEL_ERROR, TANDEM_MODEL_ERROR_FILE,
                   "Cannot open “%s”: it is not a regular file", path);
      return NULL;
    }
  /* Refuse a huge file before reading it into memory. */
  if ((guint64) st.st_size > max)
    {
      close (fd);
      g_set_error (error, TANDEM_MODEL_ERROR, TANDEM_MODEL_ERROR_FILE_FORMAT,
                   "The project file is too large (%" G_GINT64_FORMAT " MB; at most %"
                   G_GSIZE_FORMAT " MB)", (gint64) st.st_size / (1024 * 1024),
                   max / (1024 * 1024));
      return NULL;
    }
  /* The size may change while reading: never read more than the limit. */
  data = g_malloc ((gsize) st.st_size + 1);
  while (have < (gsize) st.st_size)
    {
      gssize n = read (fd, data + have, (gsize) st.st_size - have);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          int saved = errno;

          close (fd);
          g_set_error (error, TANDEM_MODEL_ERROR, TANDEM_MODEL_ERROR_FILE,
                       "Cannot read “%s”: %s", path, g_strerror (saved));
          return NULL;
        }
      if (n == 0)
        break;
      have += n;
    }
  close (fd);
  data[have] = '\0';
  *length = have;
  return g_steal_pointer (&data);
}

/**
 * tandem_project_new_from_file:
 *
 * Reads a *.tandem file and imports the samples stored beside it into the
 * default sample store (each checked as tandem_sample_store_import_file()
 * checks it). Anything but a regular file is refused before reading.
 *
 * Returns: (transfer full) (nullable): the project, or NULL with @error set
 */
TandemProject *
tandem_project_new_from_file (const char  *path,
                              GError     **error)
{
  g_autofree char *data = NULL;
  TandemProject *project;
  gsize length = 0;

  g_return_val_if_fail (path != NULL, NULL);

  data = read_regular_file (path, TANDEM_FILE_MAX_BYTES, &length, error);
  if (data == NULL)
    return NULL;
  project = tandem_project_new_from_data (data, length, error);
  if (project != NULL)
    import_samples (project, path);
  return project;
}

/* Copies each registered sample the default store holds into
 * <dir>/samples/<hash>, atomically, skipping those already there. */
static gboolean
export_samples (TandemProject  *project,
                const char     *path,
                GError        **error)
{
  TandemSampleStore *store = tandem_sample_store_get_default ();
  GListModel *samples = tandem_project_get_samples (project);
  guint n = g_list_model_get_n_items (samples);
  g_autofree char *dir = NULL;
  g_autofree char *samples_dir = NULL;

  if (n == 0)
    return TRUE;

  dir = g_path_get_dirname (path);
  samples_dir = g_build_filename (dir, "samples", NULL);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(TandemSampleInfo) info = g_list_model_get_item (samples, i);
      const char *hash = tandem_sample_info_get_id (info);
      g_autofree char *stored = tandem_sample_store_lookup (store, hash);
      g_autofree char *target = NULL;
      g_autofree char *tmp_path = NULL;
      g_autoptr(GFile) source = NULL;
      g_autoptr(GFile) tmp = NULL;
      g_autoptr(GError) local_error = NULL;

      if (stored == NULL)
        continue;
      target = g_build_filename (samples_dir, hash, NULL);
      if (g_file_test (target, G_FILE_TEST_IS_REGULAR))
        {
          copy_licence (stored, target);
          continue;
        }
      if (g_mkdir_with_parents (samples_dir, 0755) != 0)
        {
          int saved = errno;

          g_set_error (error, TANDEM_MODEL_ERROR, TANDEM_MODEL_ERROR_FILE,
                       "Cannot create “%s”: %s", samples_dir, g_strerror (saved));
          return FALSE;
        }
      tmp_path = g_strconcat (target, ".part", NULL);
      source = g_file_new_for_path (stored);
      tmp = g_file_new_for_path (tmp_path);
      if (!g_file_copy (source, tmp, G_FILE_COPY_OVERWRITE, NULL, NULL, NULL, &local_error)
          || g_rename (tmp_path, target) != 0)
        {
          g_unlink (tmp_path);
          g_set_error (error, TANDEM_MODEL_ERROR, TANDEM_MODEL_ERROR_FILE,
                       "Cannot save sample “%s”: %s", tandem_sample_info_get_name (info),
                       local_error != NULL ? local_error->message : g_strerror (errno));
          return FALSE;
        }
      copy_licence (stored, target);
    }
  return TRUE;
}

/**
 * tandem_project_save_to_file:
 *
 * Writes @project to @path atomically (temp file, fsync, rename): a crash
 * mid-save leaves the previous file intact. The samples the default store
 * holds are copied into a "samples" folder beside the file first.
 */
gboolean
tandem_project_save_to_file (TandemProject  *project,
                             const char     *path,
                             GError        **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autofree char *data = NULL;
  gsize length;

  g_return_val_if_fail (TANDEM_IS_PROJECT (project), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  if (!export_samples (project, path, error))
    return FALSE;

  data = tandem_project_to_data (project, &length);
  if (!g_file_set_contents_full (path, data, (gssize) length,
                                 G_FILE_SET_CONTENTS_CONSISTENT | G_FILE_SET_CONTENTS_DURABLE,
                                 0644, &local_error))
    {
      g_set_error (error, TANDEM_MODEL_ERROR, TANDEM_MODEL_ERROR_FILE,
                   "Cannot save “%s”: %s", path, local_error->message);
      return FALSE;
    }
  return TRUE;
}
