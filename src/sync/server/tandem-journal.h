/* tandem-journal.h — a session's durable state: snapshot plus append-only journal
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/*
 * A session directory holds:
 *   snapshot.json  {"format":"tandem-snapshot","version":1,"seq":N,
 *                   "project":{…},"clients":{"<client id>":<last client seq>,…},
 *                   "secrets":{"<client id>":"<SHA-256 of its secret, hex>",…}}
 *   journal.log    one record per accepted batch with seq > N, each a line
 *                  "<crc32 as 8 hex digits> <batch message JSON>\n", and
 *                  client claims {"type":"claim","client":…,"secret_sha256":…}
 *                  (no seq) in the same framing
 *
 * Appending writes records and fdatasync()s them (on a worker thread: the
 * journal is used by one thread at a time); only then may a batch be
 * broadcast. A torn final record (crash mid-write) fails its CRC or lacks its
 * newline: recovery drops it and truncates the file to the last good record.
 */
typedef struct _TandemJournal TandemJournal;

/* Opens (creating if needed) the journal of @dir. On a disk that refuses
 * writes, an existing journal opens read-only; every write first tries to
 * reopen it for writing. */
TandemJournal *tandem_journal_open          (const char     *dir,
                                             GError        **error);
void           tandem_journal_free          (TandemJournal  *self);

/* Reads the snapshot (NULL when there is none yet: @snapshot_seq is 0) and
 * every intact journal record after it, in order (GPtrArray of char *
 * message texts). A torn tail is truncated away and counted in @n_dropped. */
gboolean       tandem_journal_recover       (TandemJournal  *self,
                                             JsonNode      **snapshot,
                                             guint64        *snapshot_seq,
                                             GPtrArray     **records,
                                             guint          *n_dropped,
                                             GError        **error);

/* Writes one record without syncing; tandem_journal_sync() makes every
 * record written so far durable. */
gboolean       tandem_journal_append        (TandemJournal  *self,
                                             const char     *record,
                                             GError        **error);
gboolean       tandem_journal_sync          (TandemJournal  *self,
                                             GError        **error);
/* Appends @records and syncs them. On failure the journal is cut back to
 * what was synced before (the records are not there) and FALSE returned. */
gboolean       tandem_journal_write_records (TandemJournal  *self,
                                             char          **records,
                                             guint           n_records,
                                             GError        **error);
gboolean       tandem_journal_is_read_only  (TandemJournal  *self);
/* Whether fdatasync is called (on by default; off only for benchmarks of
 * the network path). */
void           tandem_journal_set_fsync     (TandemJournal  *self,
                                             gboolean        fsync);

/* Atomically replaces the snapshot (temp file, fsync, rename) and empties
 * the journal: records up to the snapshot's seq are no longer needed. */
gboolean       tandem_journal_write_snapshot (TandemJournal *self,
                                              JsonNode      *snapshot,
                                              GError       **error);
guint          tandem_journal_get_n_records (TandemJournal  *self);
/* With history kept, compaction moves the journal to history/ (see
 * tandem-session-history.h) instead of emptying it. */
void           tandem_journal_set_keep_history (TandemJournal *self,
                                             gboolean       keep);
/* Whether records of @type carry no seq (claims, authors, save points). */
gboolean       tandem_journal_is_note_type  (const char     *type);

/* Exposed for tests. */
guint32        tandem_crc32                 (const void     *data,
                                             gsize           length);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TandemJournal, tandem_journal_free)

G_END_DECLS
