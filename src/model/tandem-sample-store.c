/* tandem-sample-store.c — content-addressed sample files
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-model"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <glib/gstdio.h>

#include "tandem-model-private.h"

#define CHUNK_SIZE (64 * 1024)

struct _TandemSampleStore
{
  GObject  parent_instance;
  char    *dir;
};

G_DEFINE_FINAL_TYPE (TandemSampleStore, tandem_sample_store, G_TYPE_OBJECT)

static TandemSampleCheckFunc check_func;

enum {
  PROP_0,
  PROP_DIR,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
tandem_sample_store_finalize (GObject *object)
{
  TandemSampleStore *self = (TandemSampleStore *) object;

  g_clear_pointer (&self->dir, g_free);

  G_OBJECT_CLASS (tandem_sample_store_parent_class)->finalize (object);
}

static void
tandem_sample_store_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  TandemSampleStore *self = TANDEM_SAMPLE_STORE (object);

  switch (prop_id)
    {
    case PROP_DIR: g_value_set_string (value, self->dir); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tandem_sample_store_set_property (GObject      *object,
                                  guint         prop_id,
                                  const GValue *value,
                                  GParamSpec   *pspec)
{
  TandemSampleStore *self = TANDEM_SAMPLE_STORE (object);

  switch (prop_id)
    {
    case PROP_DIR:
      g_free (self->dir);
      self->dir = g_value_dup_string (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tandem_sample_store_class_init (TandemSampleStoreClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = tandem_sample_store_finalize;
  object_class->get_property = tandem_sample_store_get_property;
  object_class->set_property = tandem_sample_store_set_property;

  properties[PROP_DIR] =
    g_param_spec_string ("dir", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
tandem_sample_store_init (TandemSampleStore *self)
{
}

/**
 * tandem_sample_store_new:
 * @dir: the folder holding the samples; created when the first one is stored
 *
 * Returns: (transfer full): a store in @dir
 */
TandemSampleStore *
tandem_sample_store_new (const char *dir)
{
  g_return_val_if_fail (dir != NULL, NULL);
  return g_object_new (TANDEM_TYPE_SAMPLE_STORE, "dir", dir, NULL);
}

/**
 * tandem_sample_store_get_default:
 *
 * Returns: (transfer none): the store in $XDG_DATA_HOME/tandem/samples
 */
TandemSampleStore *
tandem_sample_store_get_default (void)
{
  static TandemSampleStore *store = NULL;

  if (g_once_init_enter (&store))
    {
      g_autofree char *dir = g_build_filename (g_get_user_data_dir (), "tandem", "samples", NULL);

      g_once_init_leave (&store, tandem_sample_store_new (dir));
    }
  return store;
}

/** tandem_sample_store_get_dir: Returns: the store's folder */
const char *
tandem_sample_store_get_dir (TandemSampleStore *self)
{
  g_return_val_if_fail (TANDEM_IS_SAMPLE_STORE (self), NULL);
  return self->dir;
}

/**
 * tandem_sample_store_lookup:
 *
 * Returns: (transfer full) (nullable): the path of the sample @hash, or NULL
 *   when the store does not hold it
 */
char *
tandem_sample_store_lookup (TandemSampleStore *self,
                            const char        *hash)
{
  g_autofree char *path = NULL;

  g_return_val_if_fail (TANDEM_IS_SAMPLE_STORE (self), NULL);

  if (!tandem_sample_hash_is_valid (hash))
    return NULL;
  path = g_build_filename (self->dir, hash, NULL);
  if (!g_file_test (path, G_FILE_TEST_IS_REGULAR))
    return NULL;
  return g_steal_pointer (&path);
}

/**
 * tandem_sample_store_set_check_func:
 * @func: (nullable): the audio layer's check, or NULL for size checks only
 */
void
tandem_sample_store_set_check_func (TandemSampleCheckFunc func)
{
  g_atomic_pointer_set (&check_func, func);
}

static gboolean
run_check (const char  *path,
           const char  *source,
           gboolean     header_only,
           GError     **error)
{
  TandemSampleCheckFunc func = g_atomic_pointer_get (&check_func);
  g_autofree char *name = NULL;

  if (func == NULL)
    return TRUE;
  name = g_filename_display_basename (source);
  return func (path, name, header_only, error);
}

/* Opens @path without blocking (a FIFO would wait for a writer) and refuses,
 * on the open descriptor, what is not a regular file of a sample's size. */
static int
open_sample (const char  *path,
             goffset     *size,
             GError     **error)
{
  g_autofree char *name = g_filename_display_basename (path);
  struct stat st;
  int fd = open (path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);

  if (fd < 0)
    {
      int saved = errno;

      g_set_error (error, TANDEM_SAMPLE_ERROR, TANDEM_SAMPLE_ERROR_IO,
                   "Cannot read “%s”: %s", name, g_strerror (saved));
      return -1;
    }
  if (fstat (fd, &st) != 0 || !S_ISREG (st.st_mode))
    g_set_error (error, TANDEM_SAMPLE_ERROR, TANDEM_SAMPLE_ERROR_NOT_AUDIO,
                 "“%s” is not a file", name);
  else if (st.st_size == 0)
    g_set_error (error, TANDEM_SAMPLE_ERROR, TANDEM_SAMPLE_ERROR_CORRUPT,
                 "“%s” is empty", name);
  else if ((guint64) st.st_size > TANDEM_SAMPLE_MAX_BYTES)
    {
      g_autofree char *have = g_format_size (st.st_size);
      g_autofree char *limit = g_format_size (TANDEM_SAMPLE_MAX_BYTES);

      g_set_error (error, TANDEM_SAMPLE_ERROR, TANDEM_SAMPLE_ERROR_TOO_LARGE,
                   "“%s” is %s; samples are limited to %s", name, have, limit);
    }
  else
    {
      *size = st.st_size;
      return fd;
    }
  close (fd);
  return -1;
}

/**
 * tandem_sample_store_check_file:
 *
 * Returns: TRUE when @path is a sample file every store would take in
 */
gboolean
tandem_sample_store_check_file (const char  *path,
                                GError     **error)
{
  goffset size;
  int fd;

  g_return_val_if_fail (path != NULL, FALSE);

  fd = open_sample (path, &size, error);
  if (fd < 0)
    return FALSE;
  close (fd);
  return run_check (path, path, FALSE, error);
}

/* Copies at most @size bytes (what fstat said: a file that grows while it is
 * copied is refused rather than followed). */
static gboolean
copy_hashing (int             fd,
              goffset         size,
              GOutputStream  *out,
              GChecksum      *checksum,
              GError        **error)
{
  g_autofree guint8 *buf = g_malloc (CHUNK_SIZE);
  goffset done = 0;

  for (;;)
    {
      gssize n = read (fd, buf, CHUNK_SIZE);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          int saved = errno;

          g_set_error (error, TANDEM_SAMPLE_ERROR, TANDEM_SAMPLE_ERROR_IO,
                       "Cannot read the sample: %s", g_strerror (saved));
          return FALSE;
        }
      if (n == 0)
        return TRUE;
      done += n;
      if (done > size)
        {
          g_set_error (error, TANDEM_SAMPLE_ERROR, TANDEM_SAMPLE_ERROR_IO,
                       "The sample grew while it was being read");
          return FALSE;
        }
      g_checksum_update (checksum, buf, n);
      if (!g_output_stream_write_all (out, buf, n, NULL, NULL, error))
        return FALSE;
    }
}
/**
 * tandem_sample_store_import_file:
 * @expected_hash: (nullable): the SHA-256 the bytes must have
 *
 * Copies @path into the store, hashing while reading, and names the copy by
 * its hash. A sample the store already holds is kept as it is.
 *
 * Returns: (transfer full) (nullable): the hash, or NULL with @error set
 */
char *
tandem_sample_store_import_file (TandemSampleStore  *self,
                                 const char         *path,
                                 const char         *expected_hash,
                                 GError            **error)
{
  return tandem_sample_store_import_file_full (self, path, expected_hash, NULL, error);
}

/**
 * tandem_sample_store_import_file_full:
 * @added: (out) (optional): TRUE when the store did not hold the sample before
 *
 * Like tandem_sample_store_import_file(), and says whether the sample is new.
 *
 * Returns: (transfer full) (nullable): the hash, or NULL with @error set
 */
char *
tandem_sample_store_import_file_full (TandemSampleStore  *self,
                                      const char         *path,
                                      const char         *expected_hash,
                                      gboolean           *added,
                                      GError            **error)
{
  g_autoptr(GFileIOStream) tmp_stream = NULL;
  g_autoptr(GFile) tmp = NULL;
  g_autoptr(GChecksum) checksum = NULL;
  g_autofree char *template = NULL;
  g_autofree char *target = NULL;
  g_autofree char *hash = NULL;
  GOutputStream *out;
  goffset size = 0;
  gboolean ok;
  int fd;

  g_return_val_if_fail (TANDEM_IS_SAMPLE_STORE (self), NULL);
  g_return_val_if_fail (path != NULL, NULL);

  /* Size and header first: a 2 GiB file or one that is not audio is never
   * copied. */
  fd = open_sample (path, &size, error);
  if (fd < 0)
    return NULL;
  if (!run_check (path, path, TRUE, error))
    {
      close (fd);
      return NULL;
    }

  if (g_mkdir_with_parents (self->dir, 0755) != 0)
    {
      int saved = errno;

      close (fd);
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   "Cannot create the sample folder “%s”: %s", self->dir, g_strerror (saved));
      return NULL;
    }

  /* The temp file lives in the store so the final rename is atomic. */
  template = g_build_filename (self->dir, ".import-XXXXXX", NULL);
  {
    int tmp_fd = g_mkstemp_full (template, O_RDWR, 0644);

    if (tmp_fd < 0)
      {
        int saved = errno;

        close (fd);
        g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                     "Cannot write into the sample folder: %s", g_strerror (saved));
        return NULL;
      }
    close (tmp_fd);
  }
  tmp = g_file_new_for_path (template);
  tmp_stream = g_file_open_readwrite (tmp, NULL, error);
  if (tmp_stream == NULL)
    {
      close (fd);
      g_unlink (template);
      return NULL;
    }
  out = g_io_stream_get_output_stream (G_IO_STREAM (tmp_stream));

  checksum = g_checksum_new (G_CHECKSUM_SHA256);
  ok = copy_hashing (fd, size, out, checksum, error)
       && g_io_stream_close (G_IO_STREAM (tmp_stream), NULL, error);
  close (fd);
  if (!ok)
    {
      g_unlink (template);
      return NULL;
    }

  hash = g_strdup (g_checksum_get_string (checksum));
  if (expected_hash != NULL && g_ascii_strcasecmp (hash, expected_hash) != 0)
    {
      g_unlink (template);
      g_set_error (error, TANDEM_MODEL_ERROR, TANDEM_MODEL_ERROR_INVALID,
                   "The sample “%s” does not match its hash (expected %s, got %s)",
                   path, expected_hash, hash);
      return NULL;
    }

  target = g_build_filename (self->dir, hash, NULL);
  if (added != NULL)
    *added = FALSE;
  if (g_file_test (target, G_FILE_TEST_IS_REGULAR))
    g_unlink (template);
  /* Decode the copy before it gets its name: what the decoder refuses is
   * never kept, and what was checked is exactly what will be shared. */
  else if (!run_check (template, path, FALSE, error))
    {
      g_unlink (template);
      return NULL;
    }
  else if (g_rename (template, target) != 0)
    {
      int saved = errno;

      g_unlink (template);
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   "Cannot store the sample: %s", g_strerror (saved));
      return NULL;
    }
  else if (added != NULL)
    *added = TRUE;
  return g_steal_pointer (&hash);
}
