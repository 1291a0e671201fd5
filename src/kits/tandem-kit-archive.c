/* tandem-kit-archive.c — .h2drumkit archives (a tar, usually gzip'd) read with libarchive
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-kits"

#include "config.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

#include "tandem-kit.h"
#include "tandem-kit-private.h"

static struct archive *
open_archive (const char  *path,
              GError     **error)
{
  struct archive *a = archive_read_new ();

  archive_read_support_filter_all (a);
  archive_read_support_format_tar (a);
  archive_read_support_format_gnutar (a);
  if (archive_read_open_filename (a, path, 64 * 1024) != ARCHIVE_OK)
    {
      g_set_error (error, TANDEM_KIT_ERROR, TANDEM_KIT_ERROR_ARCHIVE,
                   "“%s” cannot be read as a .h2drumkit: %s", path, archive_error_string (a));
      archive_read_free (a);
      return NULL;
    }
  return a;
}

/* An entry's name without a leading "./". */
static const char *
entry_name (struct archive_entry *entry)
{
  const char *name = archive_entry_pathname (entry);

  while (name != NULL && g_str_has_prefix (name, "./"))
    name += 2;
  return name;
}

static gboolean
archive_fail (struct archive  *a,
              const char      *path,
              GError         **error)
{
  g_set_error (error, TANDEM_KIT_ERROR, TANDEM_KIT_ERROR_ARCHIVE,
               "“%s” is damaged: %s", path,
               archive_error_string (a) != NULL ? archive_error_string (a) : "it ends too early");
  return FALSE;
}

/* First pass: the drumkit.xml nearest the top, and the regular files there are. */
static gboolean
scan (const char  *path,
      char       **xml,
      gsize       *xml_length,
      char       **root,
      GHashTable  *files,
      GError     **error)
{
  struct archive *a = open_archive (path, error);
  struct archive_entry *entry;
  guint64 total = 0;
  guint n = 0;
  int depth = G_MAXINT;
  int r;

  if (a == NULL)
    return FALSE;
  while ((r = archive_read_next_header (a, &entry)) == ARCHIVE_OK)
    {
      const char *name = entry_name (entry);
      la_int64_t size = archive_entry_size (entry);

      if (++n > TANDEM_KIT_MAX_ARCHIVE_ENTRIES || size < 0
          || (total += (guint64) size) > TANDEM_KIT_MAX_ARCHIVE_BYTES)
        {
          g_set_error (error, TANDEM_KIT_ERROR, TANDEM_KIT_ERROR_TOO_LARGE,
                       "“%s” holds more than %d files or %" G_GUINT64_FORMAT " GiB", path,
                       TANDEM_KIT_MAX_ARCHIVE_ENTRIES, TANDEM_KIT_MAX_ARCHIVE_BYTES >> 30);
          archive_read_free (a);
          return FALSE;
        }
      /* Only plain files count: links and devices are never followed or made. */
      if (name == NULL || archive_entry_filetype (entry) != AE_IFREG)
        continue;
      g_hash_table_insert (files, g_strdup (name), GINT_TO_POINTER ((int) MIN (size, G_MAXINT)));

      if (strcmp (name, "drumkit.xml") == 0 || g_str_has_suffix (name, "/drumkit.xml"))
        {
          int d = 0;

          for (const char *p = name; *p != '\0'; p++)
            d += *p == '/';
          if (d >= depth || !_tandem_kit_file_is_safe (name))
            continue;
          if (size > TANDEM_KIT_MAX_XML_BYTES)
            {
              g_set_error (error, TANDEM_KIT_ERROR, TANDEM_KIT_ERROR_TOO_LARGE,
                           "“%s”: drumkit.xml is larger than %d MiB", path,
                           TANDEM_KIT_MAX_XML_BYTES >> 20);
              archive_read_free (a);
              return FALSE;
            }
          depth = d;
          g_free (*xml);
          *xml = g_malloc ((gsize) size + 1);
          /* A read may return less than asked: go on until the entry is in. */
          for (la_int64_t got = 0; got < size;)
            {
              la_ssize_t piece = archive_read_data (a, *xml + got, (size_t) (size - got));

              if (piece <= 0)
                {
                  archive_fail (a, path, error);
                  archive_read_free (a);
                  return FALSE;
                }
              got += piece;
            }
          (*xml)[size] = '\0';
          *xml_length = (gsize) size;
          g_free (*root);
          *root = g_strndup (name, strlen (name) - strlen ("drumkit.xml"));
        }
    }
  if (r != ARCHIVE_EOF)
    {
      archive_fail (a, path, error);
      archive_read_free (a);
      return FALSE;
    }
  archive_read_free (a);
  if (*xml == NULL)
    {
      g_set_error (error, TANDEM_KIT_ERROR, TANDEM_KIT_ERROR_NOT_FOUND,
                   "“%s” has no drumkit.xml", path);
      return FALSE;
    }
  return TRUE;
}

static gboolean
write_entry (struct archive  *a,
             const char      *archive_path,
             const char      *dest,
             GError         **error)
{
  g_autofree char *dir = g_path_get_dirname (dest);
  char buf[64 * 1024];
  la_ssize_t got;
  int fd;

  if (g_mkdir_with_parents (dir, 0755) != 0)
    {
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (errno),
                   "Cannot make “%s”: %s", dir, g_strerror (errno));
      return FALSE;
    }
  /* Never through a link someone left there. */
  fd = g_open (dest, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0644);
  if (fd < 0)
    {
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (errno),
                   "Cannot write “%s”: %s", dest, g_strerror (errno));
      return FALSE;
    }
  while ((got = archive_read_data (a, buf, sizeof buf)) > 0)
    if (write (fd, buf, (size_t) got) != got)
      {
        g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (errno),
                     "Cannot write “%s”: %s", dest, g_strerror (errno));
        close (fd);
        return FALSE;
      }
  close (fd);
  if (got < 0)
    return archive_fail (a, archive_path, error);
  return TRUE;
}

/* Second pass: writes the files in @wanted (archive names → kit-relative
 * names) under @extract_to. */
static gboolean
extract (const char  *path,
         GHashTable  *wanted,
         const char  *extract_to,
         GError     **error)
{
  struct archive *a = open_archive (path, error);
  struct archive_entry *entry;
  int r;

  if (a == NULL)
    return FALSE;
  while ((r = archive_read_next_header (a, &entry)) == ARCHIVE_OK)
    {
      const char *name = entry_name (entry);
      const char *file;

      if (name == NULL || archive_entry_filetype (entry) != AE_IFREG)
        continue;
      file = g_hash_table_lookup (wanted, name);
      if (file != NULL)
        {
          g_autofree char *dest = g_build_filename (extract_to, file, NULL);

          if (!write_entry (a, path, dest, error))
            {
              archive_read_free (a);
              return FALSE;
            }
        }
    }
  if (r != ARCHIVE_EOF)
    {
      archive_fail (a, path, error);
      archive_read_free (a);
      return FALSE;
    }
  archive_read_free (a);
  return TRUE;
}

TandemKit *
tandem_kit_load_archive (const char  *archive,
                         const char  *extract_to,
                         GError     **error)
{
  g_autoptr(GHashTable) files = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GHashTable) wanted = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autofree char *xml = NULL;
  g_autofree char *root = NULL;
  g_autoptr(TandemKit) kit = NULL;
  gsize length = 0;

  g_return_val_if_fail (archive != NULL, NULL);

  if (!scan (archive, &xml, &length, &root, files, error))
    return NULL;
  kit = tandem_kit_parse (xml, length, error);
  if (kit == NULL)
    {
      g_prefix_error (error, "%s: ", archive);
      return NULL;
    }
  kit->source = g_strdup (archive);
  if (!_tandem_kit_check_paths (kit, error))
    return NULL;

  for (guint i = 0; i < kit->instruments->len; i++)
    {
      TandemKitInstrument *inst = g_ptr_array_index (kit->instruments, i);

      for (guint j = 0; j < inst->layers->len; j++)
        {
          TandemKitLayer *layer = g_ptr_array_index (inst->layers, j);
          g_autofree char *name = g_strconcat (root, layer->file, NULL);
          gpointer size;

          if (!g_hash_table_lookup_extended (files, name, NULL, &size))
            {
              g_set_error (error, TANDEM_KIT_ERROR, TANDEM_KIT_ERROR_MISSING_FILE,
                           "Kit “%s”: instrument “%s” needs “%s”, which is missing from “%s”",
                           kit->name, inst->name, layer->file, archive);
              return NULL;
            }
          if ((guint64) GPOINTER_TO_INT (size) > TANDEM_KIT_MAX_SAMPLE_BYTES)
            {
              g_set_error (error, TANDEM_KIT_ERROR, TANDEM_KIT_ERROR_TOO_LARGE,
                           "Kit “%s”: “%s” is larger than %" G_GUINT64_FORMAT " MiB", kit->name,
                           layer->file, TANDEM_KIT_MAX_SAMPLE_BYTES >> 20);
              return NULL;
            }
          g_hash_table_insert (wanted, g_steal_pointer (&name), layer->file);
        }
    }
  if (extract_to == NULL)
    return g_steal_pointer (&kit);
  if (!extract (archive, wanted, extract_to, error)
      || !_tandem_kit_resolve_files (kit, extract_to, error))
    return NULL;
  return g_steal_pointer (&kit);
}
