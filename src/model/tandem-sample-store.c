/* tandem-sample-store.c — content-addressed sample files
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-model"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
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

static gboolean
copy_hashing (GInputStream   *in,
              GOutputStream  *out,
              GChecksum      *checksum,
              GError        **error)
{
  g_autofree guint8 *buf = g_malloc (CHUNK_SIZE);

  for (;;)
    {
      gssize n = g_input_stream_read (in, buf, CHUNK_SIZE, NULL, error);

      if (n < 0)
        return FALSE;
      if (n == 0)
        return TRUE;
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
  g_autoptr(GFile) source = NULL;
  g_autoptr(GFileInputStream) in = NULL;
  g_autoptr(GFileIOStream) tmp_stream = NULL;
  g_autoptr(GFile) tmp = NULL;
  g_autoptr(GChecksum) checksum = NULL;
  g_autofree char *template = NULL;
  g_autofree char *target = NULL;
  g_autofree char *hash = NULL;
  GOutputStream *out;
  gboolean ok;

  g_return_val_if_fail (TANDEM_IS_SAMPLE_STORE (self), NULL);
  g_return_val_if_fail (path != NULL, NULL);

  if (g_mkdir_with_parents (self->dir, 0755) != 0)
    {
      int saved = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   "Cannot create the sample folder “%s”: %s", self->dir, g_strerror (saved));
      return NULL;
    }

  source = g_file_new_for_path (path);
  in = g_file_read (source, NULL, error);
  if (in == NULL)
    return NULL;

  /* The temp file lives in the store so the final rename is atomic. */
  template = g_build_filename (self->dir, ".import-XXXXXX", NULL);
  {
    int fd = g_mkstemp_full (template, O_RDWR, 0644);

    if (fd < 0)
      {
        int saved = errno;

        g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                     "Cannot write into the sample folder: %s", g_strerror (saved));
        return NULL;
      }
    close (fd);
  }
  tmp = g_file_new_for_path (template);
  tmp_stream = g_file_open_readwrite (tmp, NULL, error);
  if (tmp_stream == NULL)
    {
      g_unlink (template);
      return NULL;
    }
  out = g_io_stream_get_output_stream (G_IO_STREAM (tmp_stream));

  checksum = g_checksum_new (G_CHECKSUM_SHA256);
  ok = copy_hashing (G_INPUT_STREAM (in), out, checksum, error)
       && g_io_stream_close (G_IO_STREAM (tmp_stream), NULL, error);
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
