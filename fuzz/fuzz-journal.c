/* fuzz-journal.c — a session folder's journal.log or snapshot.json as found
 * at start: recovered, every record read as the session replays it, and
 * the folder read back by the history reader (timestamped records, authors'
 * names and save points included)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>

#include "fuzz-common.h"
#include "tandem-history-read.h"
#include "tandem-journal.h"
#include "tandem-model.h"
#include "tandem-protocol.h"

static char *dir;
static char *journal_path;
static char *snapshot_path;

static void
replay (const char *record)
{
  g_autoptr(JsonObject) msg = NULL;
  const char *type;
  JsonNode *ops;

  msg = tandem_message_parse_bounded (record, strlen (record), &tandem_json_limits_journal_record,
                                      &type, NULL);
  if (msg == NULL)
    return;
  ops = json_object_get_member (msg, "ops");
  if (ops == NULL || !JSON_NODE_HOLDS_ARRAY (ops))
    return;
  for (guint i = 0; i < json_array_get_length (json_node_get_array (ops)); i++)
    {
      TandemOp *op = tandem_op_from_json (json_array_get_element (json_node_get_array (ops), i),
                                          NULL);

      g_clear_pointer (&op, tandem_op_unref);
    }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(TandemJournal) journal = NULL;
  g_autoptr(GPtrArray) records = NULL;
  g_autoptr(JsonNode) snapshot = NULL;
  g_autoptr(GError) error = NULL;
  guint64 base = 0;
  guint dropped = 0;
  gboolean as_snapshot;

  fuzz_init ();
  if (dir == NULL)
    {
      dir = g_dir_make_tmp ("tandem-fuzz-journal-XXXXXX", NULL);
      journal_path = g_build_filename (dir, "journal.log", NULL);
      snapshot_path = g_build_filename (dir, "snapshot.json", NULL);
    }
  /* The first byte says which file the rest is. */
  if (size == 0)
    return 0;
  as_snapshot = data[0] & 1;
  g_unlink (snapshot_path);
  if (!g_file_set_contents (as_snapshot ? snapshot_path : journal_path,
                            (const char *) data + 1, size - 1, NULL))
    abort ();
  if (as_snapshot && !g_file_set_contents (journal_path, "", 0, NULL))
    abort ();

  journal = tandem_journal_open (dir, &error);
  if (journal == NULL)
    abort ();
  if (tandem_journal_recover (journal, &snapshot, &base, &records, &dropped, &error))
    {
      JsonNode *project;

      for (guint i = 0; i < records->len; i++)
        replay (records->pdata[i]);
      if (snapshot != NULL && JSON_NODE_HOLDS_OBJECT (snapshot)
          && (project = json_object_get_member (json_node_get_object (snapshot), "project")) != NULL)
        {
          TandemProject *p = tandem_project_new_from_json (project, NULL);

          g_clear_object (&p);
        }
      /* The history reader takes the same files on its own path. */
      {
        guint64 head = base + records->len;
        g_autofree char *past = tandem_history_project_at (dir, head, head, NULL);
        g_autoptr(JsonNode) summary = tandem_history_summary (dir, 0, head, 8, 64, NULL, NULL);
        g_autofree char *batches = tandem_history_batches (dir, base, head, 64, NULL);
      }
    }
  else if (error == NULL)
    abort ();
  return 0;
}
