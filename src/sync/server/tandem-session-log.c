/* tandem-session-log.c — the log interface and its local-journal implementation
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-sync"

#include "config.h"

#include "tandem-session-log.h"

typedef struct
{
  TandemSessionLog parent;
  TandemJournal   *journal;   /* borrowed: the session owns it */
} LocalLog;

static gboolean
local_write_snapshot (TandemSessionLog *self,
                      JsonNode         *snapshot,
                      GError          **error)
{
  return tandem_journal_write_snapshot (((LocalLog *) self)->journal, snapshot, error);
}

static gboolean
local_write_records (TandemSessionLog *self,
                     char            **records,
                     guint             n_records,
                     GError          **error)
{
  return tandem_journal_write_records (((LocalLog *) self)->journal, records, n_records, error);
}

static guint
local_get_n_records (TandemSessionLog *self)
{
  return tandem_journal_get_n_records (((LocalLog *) self)->journal);
}

static void
local_free (TandemSessionLog *self)
{
  g_free (self);
}

static const TandemSessionLogClass local_class = {
  .name = "journal",
  .write_snapshot = local_write_snapshot,
  .write_records = local_write_records,
  .get_n_records = local_get_n_records,
  .free = local_free,
};

TandemSessionLog *
tandem_session_log_new_local (TandemJournal *journal)
{
  LocalLog *self = g_new0 (LocalLog, 1);

  g_return_val_if_fail (journal != NULL, NULL);
  self->parent.klass = &local_class;
  self->journal = journal;
  return &self->parent;
}

gboolean
tandem_session_log_write_snapshot (TandemSessionLog *self,
                                   JsonNode         *snapshot,
                                   GError          **error)
{
  return self->klass->write_snapshot (self, snapshot, error);
}

gboolean
tandem_session_log_write_records (TandemSessionLog *self,
                                  char            **records,
                                  guint             n_records,
                                  GError          **error)
{
  return self->klass->write_records (self, records, n_records, error);
}

gboolean
tandem_session_log_write_replicated (TandemSessionLog *self,
                                     char            **records,
                                     guint             n_records,
                                     GError          **error)
{
  if (self->klass->write_replicated == NULL)
    return self->klass->write_records (self, records, n_records, error);
  return self->klass->write_replicated (self, records, n_records, error);
}

gboolean
tandem_session_log_write_session (TandemSessionLog *self,
                                  const char       *meta,
                                  JsonNode         *snapshot,
                                  GError          **error)
{
  if (self->klass->write_session == NULL)
    return TRUE;
  return self->klass->write_session (self, meta, snapshot, error);
}

guint
tandem_session_log_get_n_records (TandemSessionLog *self)
{
  return self->klass->get_n_records (self);
}

void
tandem_session_log_free (TandemSessionLog *self)
{
  if (self)
    self->klass->free (self);
}
