/* tandem-history-read.h — a session's past, read from its folder on demand
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>
#include "tandem-op.h"

G_BEGIN_DECLS

/*
 * With history kept, a session folder holds besides snapshot.json and
 * journal.log (tandem-journal.h):
 *   history/snapshot-<seq>.json  every snapshot the session ever wrote
 *                                (seq as 20 decimal digits)
 *   history/journal-<seq>.log    the journal that the snapshot at <seq>
 *                                made redundant: the records after the
 *                                snapshot before it, up to <seq>
 * Every function here reads files only (never the live session), so it may
 * run on any thread; the live journal may grow meanwhile, and @head bounds
 * what is read to the records known to be synced.
 */

/* The smallest seq whose state can still be rebuilt (the oldest snapshot
 * kept), or G_MAXUINT64 with an error when there is none. */
guint64    tandem_history_oldest      (const char  *dir,
                                       GError     **error);

/* The project at @seq (≤ @head) as canonical JSON text: the nearest
 * snapshot at or before it plus the records up to it. Below the oldest
 * snapshot kept: TANDEM_SYNC_ERROR_LIMIT, "history-gone". */
char      *tandem_history_project_at  (const char  *dir,
                                       guint64      seq,
                                       guint64      head,
                                       GError     **error);

/* What happened before @before (exclusive; ≤ @head + 1), newest first:
 * runs of batches by one client within one minute of the server clock.
 * Stops after @max_groups groups or @max_records records. @names maps
 * client ids to names (may be NULL). Returns an object
 *   {"oldest":S,"groups":[{"client","name","minute","time","first","last",
 *    "edits","ops","kinds":{…},"patterns":{…}}…],"next":N}
 * where "next" is the "before" of the following page (0: none). */
JsonNode  *tandem_history_summary     (const char  *dir,
                                       guint64      before,
                                       guint64      head,
                                       guint        max_groups,
                                       guint        max_records,
                                       GHashTable  *names,
                                       GError     **error);

/* The batch records with @after < seq ≤ MIN (@after + @max, @head), in
 * order, as a JSON array text (each record as journaled). Below the oldest
 * kept state: "history-gone", as above. */
char      *tandem_history_batches     (const char  *dir,
                                       guint64      after,
                                       guint64      head,
                                       guint        max,
                                       GError     **error);

/* Deletes the oldest snapshots and segments until history/ holds at most
 * @max_bytes (0: no limit) and nothing older than @max_age_s seconds (0: no
 * limit). The newest snapshot always stays. Returns how many files went. */
guint      tandem_history_prune       (const char  *dir,
                                       guint64      max_bytes,
                                       gint64       max_age_s);

/* The ops of a journal record ("ops": an array of ops) as one batch; NULL
 * with @error for a malformed record. Shared by the history reader and a
 * cluster node applying another node's records. */
TandemOp  *tandem_history_batch_from_record (JsonObject  *obj,
                                             GError     **error);

G_END_DECLS
