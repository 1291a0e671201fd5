/* tandem-session-log.h — a session's ordered, durable log behind one interface
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

#include "tandem-journal.h"

G_BEGIN_DECLS

/*
 * Where accepted batches become durable before they are acknowledged. The
 * session calls it only from its flush worker (one call at a time per
 * session), so an implementation may block: a local journal fdatasync()s,
 * a cluster log waits for its store. Today's single-node server uses the
 * local journal; tandem-cluster-log.c keeps the log in Redis instead.
 */
typedef struct _TandemSessionLog TandemSessionLog;

typedef struct
{
  const char *name;
  /* Replaces the snapshot: records up to its seq are no longer needed. */
  gboolean (*write_snapshot) (TandemSessionLog *self,
                              JsonNode         *snapshot,
                              GError          **error);
  /* Appends @records durably; on failure none of them is there. */
  gboolean (*write_records)  (TandemSessionLog *self,
                              char            **records,
                              guint             n_records,
                              GError          **error);
  /* Appends @records that are already in the shared log (another node
   * wrote them) to this node's own copy only; NULL: there is no shared log. */
  gboolean (*write_replicated) (TandemSessionLog *self,
                                char            **records,
                                guint             n_records,
                                GError          **error);
  /* Stores a new session's description (session.json) and first snapshot
   * where other nodes can load it from; NULL: nothing to share. Called on
   * the main context, once, before any flush. */
  gboolean (*write_session) (TandemSessionLog *self,
                             const char       *meta,
                             JsonNode         *snapshot,
                             GError          **error);
  /* Records since the last snapshot (compaction is due past a limit). */
  guint    (*get_n_records)  (TandemSessionLog *self);
  void     (*free)           (TandemSessionLog *self);
} TandemSessionLogClass;

struct _TandemSessionLog
{
  const TandemSessionLogClass *klass;
};

/* The local journal of a session folder; @journal stays the caller's. */
TandemSessionLog *tandem_session_log_new_local     (TandemJournal    *journal);

gboolean          tandem_session_log_write_snapshot (TandemSessionLog *self,
                                                     JsonNode         *snapshot,
                                                     GError          **error);
gboolean          tandem_session_log_write_records  (TandemSessionLog *self,
                                                     char            **records,
                                                     guint             n_records,
                                                     GError          **error);
gboolean          tandem_session_log_write_replicated (TandemSessionLog *self,
                                                       char            **records,
                                                       guint             n_records,
                                                       GError          **error);
gboolean          tandem_session_log_write_session (TandemSessionLog *self,
                                                    const char       *meta,
                                                    JsonNode         *snapshot,
                                                    GError          **error);
guint             tandem_session_log_get_n_records  (TandemSessionLog *self);
void              tandem_session_log_free           (TandemSessionLog *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TandemSessionLog, tandem_session_log_free)

G_END_DECLS
