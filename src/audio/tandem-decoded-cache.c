/* tandem-decoded-cache.c — stored samples decoded at a rate, kept between runs
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A cache file is a 32-byte header and the interleaved float frames as this
 * machine stores floats:
 *
 *   magic "TDC1"  u32 format  u32 rate  u32 channels  u64 n_frames  u64 0
 *
 * `format` names how the frames were made (decoder and converter); a file
 * of another format, rate, size or byte order is not used, and is replaced.
 */
#define G_LOG_DOMAIN "tandem-audio"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tandem-decoded-cache.h"

/* Bump when decoding or resampling changes what a file decodes to. */
#define FORMAT 1
#define HEADER_BYTES 32

typedef struct
{
  char    magic[4];
  guint32 format;
  guint32 rate;
  guint32 channels;
  guint64 n_frames;
  guint64 reserved;
} Header;

G_STATIC_ASSERT (sizeof (Header) == HEADER_BYTES);

static guint64 max_bytes = TANDEM_DECODED_CACHE_MAX_BYTES;

void
tandem_decoded_cache_set_limit_for_tests (guint64 bytes)
{
  max_bytes = bytes;
}

static char *
cache_dir (void)
{
  return g_build_filename (g_get_user_cache_dir (), "tandem", "decoded", NULL);
}

char *
tandem_decoded_cache_path_for_tests (const char *hash,
                                     guint       rate)
{
  g_autofree char *dir = cache_dir ();
  g_autofree char *name = g_strdup_printf ("%s-%u.f32", hash, rate);

  return g_build_filename (dir, name, NULL);
}

static gboolean
read_all (int     fd,
          void   *buf,
          gsize   size)
{
  char *p = buf;

  while (size > 0)
    {
      gssize n = read (fd, p, size);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        return FALSE;
      p += n;
      size -= (gsize) n;
    }
  return TRUE;
}

static gboolean
write_all (int         fd,
           const void *buf,
           gsize       size)
{
  const char *p = buf;

  while (size > 0)
    {
      gssize n = write (fd, p, size);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        return FALSE;
      p += n;
      size -= (gsize) n;
    }
  return TRUE;
}

/* The cached frames, or NULL when there is no valid copy. */
static TandemSample *
read_cached (const char *path,
             guint       rate)
{
  g_autofree float *frames = NULL;
  struct stat st;
  Header header;
  gsize bytes;
  int fd;
  TandemSample *sample = NULL;

  fd = g_open (path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW, 0);
  if (fd < 0)
    return NULL;
  /* Every field is checked against the file's size before a byte of frames
   * is allocated: a damaged file is a miss, never a huge allocation. */
  if (fstat (fd, &st) != 0 || !S_ISREG (st.st_mode) || st.st_size < HEADER_BYTES
      || !read_all (fd, &header, sizeof header)
      || memcmp (header.magic, "TDC1", 4) != 0 || header.format != FORMAT || header.rate != rate
      || (header.channels != 1 && header.channels != 2)
      || header.n_frames == 0
      || header.n_frames > (guint64) TANDEM_SAMPLE_MAX_SECONDS * rate + rate
      || (guint64) st.st_size != HEADER_BYTES + header.n_frames * header.channels * sizeof (float))
    goto out;
  bytes = (gsize) header.n_frames * header.channels * sizeof (float);
  frames = g_malloc (bytes);
  if (!read_all (fd, frames, bytes))
    goto out;
  sample = tandem_sample_new (frames, (gsize) header.n_frames, header.channels, rate);
  /* Used now: the least recently used files are the ones that go. */
  futimens (fd, NULL);
out:
  close (fd);
  return sample;
}

typedef struct
{
  char   *path;
  gint64  mtime;   /* ns */
  guint64 size;
} Entry;

static int
by_age (gconstpointer a,
        gconstpointer b)
{
  const Entry *x = a, *y = b;

  return (x->mtime > y->mtime) - (x->mtime < y->mtime);
}

/* Removes the least recently used files until the folder is under the
 * limit. Called after each write, so the folder passes it by one file at
 * most, and only while a sample is being decoded anyway. */
static void
trim (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  g_autoptr(GArray) entries = g_array_new (FALSE, FALSE, sizeof (Entry));
  guint64 total = 0;
  const char *name;

  if (d == NULL)
    return;
  while ((name = g_dir_read_name (d)) != NULL)
    {
      Entry entry;
      GStatBuf st;

      entry.path = g_build_filename (dir, name, NULL);
      if (g_lstat (entry.path, &st) != 0 || !S_ISREG (st.st_mode))
        {
          g_free (entry.path);
          continue;
        }
      entry.mtime = (gint64) st.st_mtim.tv_sec * G_GINT64_CONSTANT (1000000000) + st.st_mtim.tv_nsec;
      entry.size = (guint64) st.st_size;
      total += entry.size;
      g_array_append_val (entries, entry);
    }
  g_array_sort (entries, by_age);
  for (guint i = 0; i < entries->len; i++)
    {
      Entry *entry = &g_array_index (entries, Entry, i);

      if (total > max_bytes && g_unlink (entry->path) == 0)
        total -= entry->size;
      g_free (entry->path);
    }
}

static void
write_cached (const char         *path,
              const TandemSample *sample)
{
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *tmp = g_strconcat (path, ".XXXXXX", NULL);
  Header header = { { 'T', 'D', 'C', '1' }, FORMAT, sample->rate, sample->channels, sample->n_frames, 0 };
  gsize bytes = sample->n_frames * sample->channels * sizeof (float);
  int fd;

  if (bytes + HEADER_BYTES > max_bytes)
    return;
  if (g_mkdir_with_parents (dir, 0700) != 0 || (fd = g_mkstemp_full (tmp, O_WRONLY | O_CLOEXEC, 0600)) < 0)
    {
      g_debug ("Decoded samples are not kept: %s", g_strerror (errno));
      return;
    }
  /* Renamed into place only once whole: a crash leaves a temporary name,
   * never a short file under the real one. */
  if (!write_all (fd, &header, sizeof header) || !write_all (fd, sample->frames, bytes)
      || close (fd) != 0 || g_rename (tmp, path) != 0)
    {
      g_debug ("Could not keep a decoded sample in %s: %s", dir, g_strerror (errno));
      g_unlink (tmp);
      return;
    }
  trim (dir);
}

TandemSample *
tandem_decoded_cache_load (TandemSampleStore *store,
                           const char        *hash,
                           guint              rate,
                           GError           **error)
{
  g_autofree char *file = NULL;
  g_autofree char *cached = NULL;
  TandemSample *sample;

  g_return_val_if_fail (TANDEM_IS_SAMPLE_STORE (store), NULL);
  g_return_val_if_fail (hash != NULL, NULL);

  file = tandem_sample_store_lookup (store, hash);
  if (file == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "The sample store does not hold %s", hash);
      return NULL;
    }
  /* Only a content address may name a cache file. */
  if (!tandem_sample_hash_is_valid (hash))
    return tandem_sample_decode_file (file, rate, error);

  cached = tandem_decoded_cache_path_for_tests (hash, rate);
  if ((sample = read_cached (cached, rate)) != NULL)
    return sample;
  if ((sample = tandem_sample_decode_file (file, rate, error)) != NULL)
    write_cached (cached, sample);
  return sample;
}
