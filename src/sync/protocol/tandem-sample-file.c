/* tandem-sample-file.c — durable publishing and off-thread hashing of sample bytes
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-sync"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "tandem-sample-file.h"

static gboolean
fail (GError     **error,
      int          saved,
      const char  *what)
{
  g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved), "Cannot store the sample (%s): %s",
               what, g_strerror (saved));
  return FALSE;
}

gboolean
_tandem_sample_file_publish (int          fd,
                             const char  *part,
                             const char  *target,
                             gboolean     durable,
                             GError     **error)
{
  g_autofree char *dir = NULL;
  int own_fd = -1;
  int dir_fd;
  int status;

  g_return_val_if_fail (part != NULL && target != NULL, FALSE);

  if (durable)
    {
      if (fd < 0 && (fd = own_fd = g_open (part, O_RDONLY | O_CLOEXEC, 0)) < 0)
        return fail (error, errno, "open");
      status = fdatasync (fd);
      if (own_fd >= 0)
        close (own_fd);
      if (status != 0)
        return fail (error, errno, "sync");
    }
  if (g_rename (part, target) != 0)
    return fail (error, errno, "rename");
  if (!durable)
    return TRUE;
  /* The rename is only durable once the folder is. */
  dir = g_path_get_dirname (target);
  dir_fd = g_open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);
  if (dir_fd < 0)
    return fail (error, errno, "open folder");
  status = fsync (dir_fd);
  close (dir_fd);
  if (status != 0)
    return fail (error, errno, "sync folder");
  return TRUE;
}

typedef struct
{
  GChecksum *checksum;
  GBytes    *bytes;
} HashJob;

static void
hash_job_free (gpointer data)
{
  HashJob *job = data;

  g_bytes_unref (job->bytes);
  g_free (job);
}

static void
hash_in_thread (GTask        *task,
                gpointer      source,
                gpointer      task_data,
                GCancellable *cancellable)
{
  HashJob *job = task_data;
  gsize len;
  const guchar *data = g_bytes_get_data (job->bytes, &len);

  g_checksum_update (job->checksum, data, len);
  g_task_return_boolean (task, TRUE);
}

void
_tandem_sample_hash_async (GChecksum           *checksum,
                           GBytes              *bytes,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  HashJob *job = g_new0 (HashJob, 1);
  g_autoptr(GTask) task = g_task_new (NULL, NULL, callback, user_data);

  job->checksum = checksum;
  job->bytes = g_bytes_ref (bytes);
  g_task_set_task_data (task, job, hash_job_free);
  g_task_run_in_thread (task, hash_in_thread);
}
