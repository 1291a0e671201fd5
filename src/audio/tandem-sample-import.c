/* tandem-sample-import.c — audio files into the sample store and the project
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-audio"

#include "config.h"

#include <string.h>

#include <glib/gstdio.h>

#include "tandem-sample.h"
#include "tandem-sample-import.h"

void
tandem_sample_import_free (TandemSampleImport *import)
{
  if (import == NULL)
    return;
  g_free (import->hash);
  g_free (import->name);
  g_free (import->format);
  g_free (import);
}

/**
 * tandem_sample_clean_name:
 * @file_name: (nullable): a file's base name, in any encoding
 *
 * Returns: (transfer full): a valid display name for the sample
 */
char *
tandem_sample_clean_name (const char *file_name)
{
  g_autofree char *utf8 = NULL;
  GString *out = g_string_new (NULL);

  if (file_name != NULL)
    utf8 = g_utf8_make_valid (file_name, -1);
  for (const char *p = utf8; p != NULL && *p; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);
      char buf[6];
      int len;

      if (g_unichar_iscntrl (c) || c == 0x7f || g_unichar_type (c) == G_UNICODE_FORMAT)
        continue;
      if (c == '/' || c == '\\')
        c = '_';
      len = g_unichar_to_utf8 (c, buf);
      if (out->len + len > TANDEM_MAX_NAME_LEN)
        break;
      g_string_append_len (out, buf, len);
    }
  g_strstrip (out->str);
  out->len = strlen (out->str);
  if (out->len == 0 || g_str_equal (out->str, ".") || g_str_equal (out->str, ".."))
    g_string_assign (out, "Sample");
  g_assert (tandem_name_is_valid (out->str));
  return g_string_free (out, FALSE);
}

/**
 * tandem_sample_import_file:
 * @max_bytes: the largest file accepted (0: TANDEM_SAMPLE_DEFAULT_MAX_BYTES)
 *
 * Returns: (transfer full) (nullable): the registry entry, or NULL with @error set
 */
TandemSampleImport *
tandem_sample_import_file (TandemSampleStore  *store,
                           const char         *path,
                           guint64             max_bytes,
                           GCancellable       *cancellable,
                           GError            **error)
{
  g_autoptr(TandemSampleImport) import = g_new0 (TandemSampleImport, 1);
  g_autoptr(GFile) file = NULL;
  g_autoptr(GFileInfo) info = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *base = NULL;
  g_autofree char *display = NULL;
  g_autofree char *stored = NULL;
  g_auto(TandemSampleFileInfo) audio = { 0 };
  gboolean added = FALSE;
  goffset size;

  g_return_val_if_fail (TANDEM_IS_SAMPLE_STORE (store), NULL);
  g_return_val_if_fail (path != NULL, NULL);

  if (max_bytes == 0)
    max_bytes = TANDEM_SAMPLE_DEFAULT_MAX_BYTES;
  base = g_path_get_basename (path);
  display = g_filename_display_name (base);
  import->name = tandem_sample_clean_name (display);

  file = g_file_new_for_path (path);
  info = g_file_query_info (file, G_FILE_ATTRIBUTE_STANDARD_SIZE "," G_FILE_ATTRIBUTE_STANDARD_TYPE,
                            G_FILE_QUERY_INFO_NONE, cancellable, &local_error);
  if (info == NULL)
    {
      g_set_error (error, TANDEM_SAMPLE_ERROR, TANDEM_SAMPLE_ERROR_IO,
                   "Cannot read “%s”: %s", import->name, local_error->message);
      return NULL;
    }
  if (g_file_info_get_file_type (info) != G_FILE_TYPE_REGULAR)
    {
      g_set_error (error, TANDEM_SAMPLE_ERROR, TANDEM_SAMPLE_ERROR_NOT_AUDIO,
                   "“%s” is not a file", import->name);
      return NULL;
    }
  size = g_file_info_get_size (info);
  if (size == 0)
    {
      g_set_error (error, TANDEM_SAMPLE_ERROR, TANDEM_SAMPLE_ERROR_CORRUPT,
                   "“%s” is empty", import->name);
      return NULL;
    }
  if ((guint64) size > max_bytes)
    {
      g_autofree char *have = g_format_size (size);
      g_autofree char *limit = g_format_size (max_bytes);

      g_set_error (error, TANDEM_SAMPLE_ERROR, TANDEM_SAMPLE_ERROR_TOO_LARGE,
                   "“%s” is %s; samples are limited to %s", import->name, have, limit);
      return NULL;
    }

  /* Hash while copying, then decode the stored copy: what was checked is
   * exactly what will be shared. */
  import->hash = tandem_sample_store_import_file_full (store, path, NULL, &added, &local_error);
  if (import->hash == NULL && local_error->domain == TANDEM_SAMPLE_ERROR)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  if (import->hash == NULL)
    {
      g_set_error (error, TANDEM_SAMPLE_ERROR, TANDEM_SAMPLE_ERROR_IO,
                   "Cannot import “%s”: %s", import->name, local_error->message);
      return NULL;
    }
  /* The engine refuses what it cannot play (too long, cut off); refusing it
   * here gives the user the reason before anyone else downloads it. */
  stored = g_build_filename (tandem_sample_store_get_dir (store), import->hash, NULL);
  if (!tandem_sample_check_file (stored, import->name, &audio, cancellable, error))
    {
      /* A sample the store held before (an earlier import or download) stays. */
      if (added)
        g_unlink (stored);
      return NULL;
    }
  import->format = g_steal_pointer (&audio.format);
  import->frames = audio.frames;
  import->rate = audio.rate;
  import->channels = audio.channels;
  import->bytes = size;
  return g_steal_pointer (&import);
}

typedef struct
{
  TandemSampleStore *store;
  char              *path;
  guint64            max_bytes;
} ImportData;

static void
import_data_free (gpointer data)
{
  ImportData *d = data;

  g_object_unref (d->store);
  g_free (d->path);
  g_free (d);
}

static void
import_thread (GTask        *task,
               gpointer      source,
               gpointer      task_data,
               GCancellable *cancellable)
{
  ImportData *d = task_data;
  GError *error = NULL;
  TandemSampleImport *import = tandem_sample_import_file (d->store, d->path, d->max_bytes,
                                                          cancellable, &error);

  if (import == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, import, (GDestroyNotify) tandem_sample_import_free);
}

void
tandem_sample_import_async (TandemSampleStore   *store,
                            const char          *path,
                            guint64              max_bytes,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  ImportData *d;

  g_return_if_fail (TANDEM_IS_SAMPLE_STORE (store));
  g_return_if_fail (path != NULL);

  d = g_new0 (ImportData, 1);
  d->store = g_object_ref (store);
  d->path = g_strdup (path);
  d->max_bytes = max_bytes;
  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, tandem_sample_import_async);
  g_task_set_task_data (task, d, import_data_free);
  g_task_run_in_thread (task, import_thread);
}

/**
 * tandem_sample_import_finish:
 *
 * Returns: (transfer full) (nullable): the registry entry, or NULL with @error set
 */
TandemSampleImport *
tandem_sample_import_finish (GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * tandem_sample_import_build_op:
 *
 * Returns: (transfer full): the batch op to submit
 */
TandemOp *
tandem_sample_import_build_op (TandemProject            *project,
                               const TandemSampleImport *import,
                               const char               *track_id)
{
  TandemOp *batch = tandem_op_new_batch ();
  g_autofree char *instrument = g_strconcat ("sample:", import->hash, NULL);

  g_return_val_if_fail (TANDEM_IS_PROJECT (project), batch);

  if (tandem_project_find_sample (project, import->hash) == NULL)
    {
      JsonObject *entry = json_object_new ();
      JsonNode *node = json_node_alloc ();

      json_object_set_string_member (entry, "id", import->hash);
      json_object_set_string_member (entry, "name", import->name);
      json_object_set_string_member (entry, "format", import->format);
      json_object_set_int_member (entry, "frames", import->frames);
      json_object_set_int_member (entry, "rate", import->rate);
      json_object_set_int_member (entry, "channels", import->channels);
      json_object_set_int_member (entry, "bytes", import->bytes);
      json_node_take_object (json_node_init (node, JSON_NODE_OBJECT), entry);
      tandem_op_batch_add (batch, tandem_op_new_insert (TANDEM_ENTITY_SAMPLE, -1, node));
    }
  if (track_id != NULL)
    tandem_op_batch_add (batch, tandem_op_new_set_string (TANDEM_ENTITY_TRACK, track_id,
                                                          "instrument", instrument));
  return batch;
}
