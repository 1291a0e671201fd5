/* tandem-journal.c — snapshot + append-only journal with torn-tail recovery
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-sync"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "tandem-journal.h"
#include "tandem-protocol.h"

struct _TandemJournal
{
  char     *dir;
  char     *journal_path;
  char     *snapshot_path;
  int       fd;
  guint     n_records;
  gboolean  fsync;
  gboolean  dirty;
  gboolean  read_only;   /* opened while the disk refused writes */
  goffset   synced_size; /* the journal up to here is intact and synced */
  gboolean  tail_dirty;  /* bytes past synced_size must go before the next write */
  gboolean  keep_history; /* compaction archives into history/ instead of discarding */
};

static gboolean _tandem_journal_archive (TandemJournal  *self,
                                         JsonNode       *snapshot,
                                         GError        **error);

static guint32 crc_table[256];

static void
crc_table_init (void)
{
  static gsize once = 0;

  if (g_once_init_enter (&once))
    {
      for (guint32 i = 0; i < 256; i++)
        {
          guint32 c = i;

          for (int k = 0; k < 8; k++)
            c = (c & 1) ? 0xedb88320u ^ (c >> 1) : c >> 1;
          crc_table[i] = c;
        }
      g_once_init_leave (&once, 1);
    }
}

guint32
tandem_crc32 (const void *data,
              gsize       length)
{
  const guint8 *p = data;
  guint32 c = 0xffffffffu;

  crc_table_init ();
  for (gsize i = 0; i < length; i++)
    c = crc_table[(c ^ p[i]) & 0xff] ^ (c >> 8);
  return c ^ 0xffffffffu;
}

static gboolean
set_errno_error (GError    **error,
                 const char *what,
                 const char *path)
{
  int saved = errno;

  g_set_error (error, TANDEM_SYNC_ERROR, TANDEM_SYNC_ERROR_JOURNAL,
               "%s “%s”: %s", what, path, g_strerror (saved));
  return FALSE;
}

static gboolean
sync_dir (const char *dir)
{
  int fd = open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

  if (fd < 0)
    return FALSE;
  fsync (fd);
  close (fd);
  return TRUE;
}

TandemJournal *
tandem_journal_open (const char  *dir,
                     GError     **error)
{
  g_autoptr(TandemJournal) self = g_new0 (TandemJournal, 1);

  self->fd = -1;
  self->fsync = TRUE;
  self->dir = g_strdup (dir);
  self->journal_path = g_build_filename (dir, "journal.log", NULL);
  self->snapshot_path = g_build_filename (dir, "snapshot.json", NULL);

  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      set_errno_error (error, "Cannot create", dir);
      return NULL;
    }
  self->fd = open (self->journal_path, O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (self->fd < 0 && (errno == EROFS || errno == EACCES || errno == EPERM))
    {
      /* The data are still there to read: the session loads and refuses
       * edits until the disk takes writes again. */
      self->fd = open (self->journal_path, O_RDONLY | O_CLOEXEC);
      self->read_only = self->fd >= 0;
    }
  if (self->fd < 0)
    {
      set_errno_error (error, "Cannot open", self->journal_path);
      return NULL;
    }
  self->synced_size = lseek (self->fd, 0, SEEK_END);
  return g_steal_pointer (&self);
}

gboolean
tandem_journal_is_read_only (TandemJournal *self)
{
  return self->read_only;
}

/* Makes the journal writable and its tail clean, if the disk allows. */
static gboolean
prepare_write (TandemJournal  *self,
               GError        **error)
{
  if (self->read_only)
    {
      int fd = open (self->journal_path, O_RDWR | O_APPEND | O_CLOEXEC);

      if (fd < 0)
        return set_errno_error (error, "Cannot open", self->journal_path);
      close (self->fd);
      self->fd = fd;
      self->read_only = FALSE;
      self->tail_dirty = TRUE;
    }
  if (self->tail_dirty)
    {
      if (ftruncate (self->fd, self->synced_size) != 0 || fsync (self->fd) != 0)
        return set_errno_error (error, "Cannot truncate", self->journal_path);
      self->tail_dirty = FALSE;
    }
  return TRUE;
}

/* Unlinks what interrupted atomic replacements left behind. */
static void
remove_temp_files (TandemJournal *self)
{
  g_autoptr(GDir) dir = g_dir_open (self->dir, 0, NULL);
  const char *name;

  while (dir && (name = g_dir_read_name (dir)))
    /* g_file_set_contents() names its temp files NAME.XXXXXX. */
    if ((g_str_has_prefix (name, "snapshot.json.") && strlen (name) == strlen ("snapshot.json.XXXXXX"))
        || (g_str_has_prefix (name, "session.json.") && strlen (name) == strlen ("session.json.XXXXXX")))
      {
        g_autofree char *path = g_build_filename (self->dir, name, NULL);

        if (g_unlink (path) == 0)
          g_message ("Removed the unfinished “%s”", path);
      }
}

void
tandem_journal_free (TandemJournal *self)
{
  if (self == NULL)
    return;
  if (self->fd >= 0)
    {
      if (self->dirty && self->fsync)
        fdatasync (self->fd);
      close (self->fd);
    }
  g_free (self->dir);
  g_free (self->journal_path);
  g_free (self->snapshot_path);
  g_free (self);
}

void
tandem_journal_set_fsync (TandemJournal *self,
                          gboolean       fsync)
{
  self->fsync = !!fsync;
}

guint
tandem_journal_get_n_records (TandemJournal *self)
{
  return self->n_records;
}

gboolean
tandem_journal_is_note_type (const char *type)
{
  /* Claims, authors' names and save points carry no seq: they sit between
   * the batches they follow. */
  return g_strcmp0 (type, "claim") == 0 || g_strcmp0 (type, "author") == 0
         || g_strcmp0 (type, "save-point") == 0;
}

void
tandem_journal_set_keep_history (TandemJournal *self,
                                 gboolean       keep)
{
  self->keep_history = !!keep;
}

/* Checks one line (without its newline) and returns its seq, or 0 when the
 * record is damaged. Client claims carry no seq: they return G_MAXUINT64. */
static guint64
check_record (const char *line,
              gsize       length)
{
  g_autoptr(JsonNode) root = NULL;
  char crc_text[9];
  guint64 crc;
  char *end = NULL;
  JsonNode *seq;

  if (length < 10 || line[8] != ' ')
    return 0;
  memcpy (crc_text, line, 8);
  crc_text[8] = '\0';
  crc = g_ascii_strtoull (crc_text, &end, 16);
  if (end != crc_text + 8 || crc != tandem_crc32 (line + 9, length - 9))
    return 0;
  /* A record with a good checksum can still be blank or not JSON (written
   * by something else): damaged, like a torn one. */
  root = tandem_json_parse_bounded (line + 9, length - 9, &tandem_json_limits_journal_record, NULL);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return 0;
  if (tandem_journal_is_note_type (json_object_get_string_member_with_default (json_node_get_object (root),
                                                                               "type", "")))
    return G_MAXUINT64;
  seq = json_object_get_member (json_node_get_object (root), "seq");
  if (seq == NULL || json_node_get_value_type (seq) != G_TYPE_INT64 || json_node_get_int (seq) <= 0)
    return 0;
  return (guint64) json_node_get_int (seq);
}

gboolean
tandem_journal_recover (TandemJournal  *self,
                        JsonNode      **snapshot,
                        guint64        *snapshot_seq,
                        GPtrArray     **records,
                        guint          *n_dropped,
                        GError        **error)
{
  g_autofree char *contents = NULL;
  g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(JsonNode) snap = NULL;
  g_autoptr(GError) local_error = NULL;
  guint64 base = 0;
  guint64 expected;
  gsize length = 0;
  gsize pos = 0;
  guint dropped = 0;

  if (!self->read_only)
    remove_temp_files (self);
  if (g_file_test (self->snapshot_path, G_FILE_TEST_EXISTS))
    {
      g_autoptr(GMappedFile) mapped = NULL;
      JsonObject *obj;
      JsonNode *seq;

      mapped = g_mapped_file_new (self->snapshot_path, FALSE, &local_error);
      if (mapped != NULL)
        snap = tandem_json_parse_bounded (g_mapped_file_get_contents (mapped),
                                          g_mapped_file_get_length (mapped),
                                          &tandem_json_limits_session_file, &local_error);
      if (snap == NULL)
        {
          g_set_error (error, TANDEM_SYNC_ERROR, TANDEM_SYNC_ERROR_JOURNAL,
                       "Cannot read snapshot “%s”: %s", self->snapshot_path,
                       local_error->message);
          return FALSE;
        }
      if (snap == NULL || !JSON_NODE_HOLDS_OBJECT (snap)
          || (seq = json_object_get_member (obj = json_node_get_object (snap), "seq")) == NULL
          || json_node_get_value_type (seq) != G_TYPE_INT64
          || g_strcmp0 (json_object_get_string_member_with_default (obj, "format", ""),
                        "tandem-snapshot") != 0)
        {
          g_set_error (error, TANDEM_SYNC_ERROR, TANDEM_SYNC_ERROR_JOURNAL,
                       "“%s” is not a Tandem snapshot", self->snapshot_path);
          return FALSE;
        }
      base = (guint64) json_node_get_int (seq);
    }

  if (!g_file_get_contents (self->journal_path, &contents, &length, &local_error))
    {
      g_set_error (error, TANDEM_SYNC_ERROR, TANDEM_SYNC_ERROR_JOURNAL,
                   "Cannot read journal: %s", local_error->message);
      return FALSE;
    }

  expected = base + 1;
  while (pos < length)
    {
      const char *line = contents + pos;
      const char *nl = memchr (line, '\n', length - pos);
      guint64 seq;

      if (nl == NULL)
        break;
      seq = check_record (line, nl - line);
      if (seq == 0 || (seq != G_MAXUINT64 && seq > base && seq != expected))
        break;
      if (seq == G_MAXUINT64)
        g_ptr_array_add (out, g_strndup (line + 9, nl - line - 9));
      else if (seq > base)
        {
          g_ptr_array_add (out, g_strndup (line + 9, nl - line - 9));
          expected++;
        }
      pos = nl - contents + 1;
    }

  if (pos < length)
    {
      /* Everything from the first damaged record on is dropped: normally a
       * single record torn by a crash mid-write. */
      for (gsize i = pos; i < length; i++)
        if (contents[i] == '\n')
          dropped++;
      if (contents[length - 1] != '\n')
        dropped++;
      g_warning ("Journal “%s”: dropping %u damaged record(s) at offset %" G_GSIZE_FORMAT,
                 self->journal_path, dropped, pos);
      /* On a read-only disk the torn tail goes once writes are possible. */
      if (self->read_only)
        self->tail_dirty = TRUE;
      else if (ftruncate (self->fd, pos) != 0 || fsync (self->fd) != 0)
        return set_errno_error (error, "Cannot truncate", self->journal_path);
    }
  self->synced_size = pos;

  self->n_records = out->len;
  *snapshot = g_steal_pointer (&snap);
  *snapshot_seq = base;
  *records = g_steal_pointer (&out);
  if (n_dropped)
    *n_dropped = dropped;
  return TRUE;
}

gboolean
tandem_journal_append (TandemJournal  *self,
                       const char     *record,
                       GError        **error)
{
  gsize len = strlen (record);
  g_autofree char *line = g_malloc (len + 10);
  gsize done = 0;

  g_return_val_if_fail (memchr (record, '\n', len) == NULL, FALSE);

  if (!prepare_write (self, error))
    return FALSE;
  g_snprintf (line, 10, "%08x ", tandem_crc32 (record, len));
  memcpy (line + 9, record, len);
  line[len + 9] = '\n';
  while (done < len + 10)
    {
      ssize_t n = write (self->fd, line + done, len + 10 - done);

      if (n < 0)
        {
          if (errno == EINTR)
            continue;
          self->tail_dirty = TRUE;
          return set_errno_error (error, "Cannot write", self->journal_path);
        }
      done += n;
    }
  self->n_records++;
  self->dirty = TRUE;
  return TRUE;
}

gboolean
tandem_journal_sync (TandemJournal  *self,
                     GError        **error)
{
  if (!self->dirty)
    return TRUE;
  if (self->fsync && fdatasync (self->fd) != 0)
    {
      self->tail_dirty = TRUE;
      return set_errno_error (error, "Cannot sync", self->journal_path);
    }
  self->dirty = FALSE;
  self->synced_size = lseek (self->fd, 0, SEEK_END);
  return TRUE;
}

gboolean
tandem_journal_write_records (TandemJournal  *self,
                              char          **records,
                              guint           n_records,
                              GError        **error)
{
  guint n_before = self->n_records;

  for (guint i = 0; i < n_records; i++)
    if (!tandem_journal_append (self, records[i], error))
      goto failed;
  if (tandem_journal_sync (self, error))
    return TRUE;

failed:
  /* After a failed write or fdatasync nothing says what reached the disk:
   * go back to the synced end, so that no unconfirmed record can replay. */
  self->n_records = n_before;
  self->dirty = FALSE;
  if (ftruncate (self->fd, self->synced_size) == 0 && fsync (self->fd) == 0)
    self->tail_dirty = FALSE;
  return FALSE;
}

gboolean
tandem_journal_write_snapshot (TandemJournal  *self,
                               JsonNode       *snapshot,
                               GError        **error)
{
  g_autofree char *text = json_to_string (snapshot, FALSE);
  g_autoptr(GError) local_error = NULL;

  if (!tandem_journal_sync (self, error) || !prepare_write (self, error))
    return FALSE;
  if (!g_file_set_contents_full (self->snapshot_path, text, -1,
                                 self->fsync ? G_FILE_SET_CONTENTS_CONSISTENT | G_FILE_SET_CONTENTS_DURABLE
                                             : G_FILE_SET_CONTENTS_CONSISTENT,
                                 0600, &local_error))
    {
      g_set_error (error, TANDEM_SYNC_ERROR, TANDEM_SYNC_ERROR_JOURNAL,
                   "Cannot write snapshot: %s", local_error->message);
      return FALSE;
    }
  if (self->fsync)
    sync_dir (self->dir);
  if (self->keep_history)
    return _tandem_journal_archive (self, snapshot, error);
  /* A crash before this truncate leaves old records behind; recovery skips
   * the ones the snapshot already contains. */
  if (ftruncate (self->fd, 0) != 0)
    return set_errno_error (error, "Cannot truncate", self->journal_path);
  self->synced_size = 0;
  self->n_records = 0;
  if (self->fsync && fsync (self->fd) != 0)
    return set_errno_error (error, "Cannot sync", self->journal_path);
  return TRUE;
}

/* The snapshot just written stays as history/snapshot-<seq>.json (a hard
 * link: the next snapshot replaces snapshot.json by rename, so the old inode
 * lives on under its history name), and the journal it makes redundant moves
 * to history/journal-<seq>.log, the segment that ends at that seq. A crash
 * between the steps leaves records that the snapshot already holds in
 * journal.log: recovery skips them, and history readers take each seq once. */
static gboolean
_tandem_journal_archive (TandemJournal  *self,
                         JsonNode       *snapshot,
                         GError        **error)
{
  g_autofree char *history = g_build_filename (self->dir, "history", NULL);
  g_autofree char *snap_name = NULL;
  g_autofree char *seg_name = NULL;
  g_autofree char *snap_path = NULL;
  g_autofree char *seg_path = NULL;
  gint64 seq = json_object_get_int_member_with_default (json_node_get_object (snapshot), "seq", 0);
  int fd;

  if (g_mkdir_with_parents (history, 0700) != 0)
    return set_errno_error (error, "Cannot create", history);
  snap_name = g_strdup_printf ("snapshot-%020" G_GINT64_FORMAT ".json", seq);
  snap_path = g_build_filename (history, snap_name, NULL);
  if (link (self->snapshot_path, snap_path) != 0 && errno != EEXIST)
    return set_errno_error (error, "Cannot keep", snap_path);
  if (self->synced_size > 0)
    {
      seg_name = g_strdup_printf ("journal-%020" G_GINT64_FORMAT ".log", seq);
      seg_path = g_build_filename (history, seg_name, NULL);
      if (g_rename (self->journal_path, seg_path) != 0)
        return set_errno_error (error, "Cannot keep", seg_path);
      fd = open (self->journal_path, O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
      if (fd < 0)
        {
          set_errno_error (error, "Cannot open", self->journal_path);
          /* Back where it was: the records stay in the live journal. */
          g_rename (seg_path, self->journal_path);
          return FALSE;
        }
      close (self->fd);
      self->fd = fd;
    }
  if (self->fsync)
    {
      sync_dir (history);
      sync_dir (self->dir);
    }
  self->synced_size = 0;
  self->n_records = 0;
  return TRUE;
}
