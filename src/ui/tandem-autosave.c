/* tandem-autosave.c — drafts of unsaved projects, so a crash loses nothing
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-ui"

#include "config.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <string.h>

#include "tandem-autosave.h"
#include "tandem-json.h"

struct _TandemDraft
{
  char *id;
  char *project_path;
  char *info_path;
  char *session_path;
  char *history_path;
};

/* A session record holds a link, a name and the unconfirmed edits: a
 * guest's offline edits can be many, but never a project file's worth. */
static const TandemJsonLimits session_record_limits = {
  .max_bytes = 64 * 1024 * 1024,
  .max_depth = 80,
  .max_tokens = 4 * 1024 * 1024,
  .immutable = FALSE,
};

static char *
drafts_dir (void)
{
  return g_build_filename (g_get_user_data_dir (), "tandem", "drafts", NULL);
}

TandemDraft *
tandem_draft_new_for_id (const char *id)
{
  TandemDraft *draft;
  g_autofree char *dir = drafts_dir ();
  g_autofree char *project_name = NULL;
  g_autofree char *info_name = NULL;
  g_autofree char *session_name = NULL;
  g_autofree char *history_name = NULL;

  g_return_val_if_fail (tandem_id_is_valid (id), NULL);

  project_name = g_strconcat (id, ".tandem", NULL);
  info_name = g_strconcat (id, ".ini", NULL);
  session_name = g_strconcat (id, ".session", NULL);
  history_name = g_strconcat (id, ".history", NULL);

  draft = g_new0 (TandemDraft, 1);
  draft->id = g_strdup (id);
  draft->project_path = g_build_filename (dir, project_name, NULL);
  draft->info_path = g_build_filename (dir, info_name, NULL);
  draft->session_path = g_build_filename (dir, session_name, NULL);
  draft->history_path = g_build_filename (dir, history_name, NULL);
  return draft;
}

TandemDraft *
tandem_draft_new (void)
{
  g_autofree char *id = tandem_id_new ();

  return tandem_draft_new_for_id (id);
}

void
tandem_draft_free (TandemDraft *draft)
{
  if (draft == NULL)
    return;

  g_free (draft->id);
  g_free (draft->project_path);
  g_free (draft->info_path);
  g_free (draft->session_path);
  g_free (draft->history_path);
  g_free (draft);
}

const char *
tandem_draft_get_id (TandemDraft *draft)
{
  return draft->id;
}

/* The drafts folder, created if missing. */
static gboolean
ensure_drafts_dir (GError **error)
{
  g_autofree char *dir = drafts_dir ();

  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   "Could not create %s: %s", dir, g_strerror (saved_errno));
      return FALSE;
    }
  return TRUE;
}

gboolean
tandem_draft_write (TandemDraft   *draft,
                    TandemProject *project,
                    GFile         *file,
                    GError       **error)
{
  g_autoptr(GKeyFile) info = g_key_file_new ();
  g_autofree char *data = NULL;
  gsize length;

  g_return_val_if_fail (draft != NULL, FALSE);
  g_return_val_if_fail (TANDEM_IS_PROJECT (project), FALSE);

  if (!ensure_drafts_dir (error))
    return FALSE;

  if (file != NULL)
    {
      g_autofree char *path = g_file_get_path (file);

      if (path != NULL)
        g_key_file_set_string (info, "Draft", "File", path);
    }
  g_key_file_set_int64 (info, "Draft", "Saved", g_get_real_time ());
  data = g_key_file_to_data (info, &length, NULL);

  /* The info file first: a draft without info is still recovered. */
  return g_file_set_contents_full (draft->info_path, data, length,
                                   G_FILE_SET_CONTENTS_CONSISTENT, 0600, error) &&
         tandem_project_save_to_file (project, draft->project_path, error);
}

TandemProject *
tandem_draft_read (TandemDraft *draft,
                   GFile      **file,
                   GError     **error)
{
  g_autoptr(GKeyFile) info = g_key_file_new ();
  g_autofree char *path = NULL;

  g_return_val_if_fail (draft != NULL, NULL);

  if (file != NULL)
    {
      *file = NULL;
      if (g_key_file_load_from_file (info, draft->info_path, G_KEY_FILE_NONE, NULL) &&
          (path = g_key_file_get_string (info, "Draft", "File", NULL)) != NULL)
        *file = g_file_new_for_path (path);
    }

  return tandem_project_new_from_file (draft->project_path, error);
}

void
tandem_draft_discard (TandemDraft *draft)
{
  g_return_if_fail (draft != NULL);

  g_unlink (draft->project_path);
  g_unlink (draft->info_path);
  g_unlink (draft->session_path);
  g_unlink (draft->history_path);
}

gboolean
tandem_draft_write_history (TandemDraft   *draft,
                            TandemHistory *history,
                            GError       **error)
{
  g_autofree char *text = NULL;

  g_return_val_if_fail (draft != NULL, FALSE);
  g_return_val_if_fail (TANDEM_IS_HISTORY (history), FALSE);

  if (!ensure_drafts_dir (error))
    return FALSE;
  text = tandem_history_log_to_string (history);
  return g_file_set_contents_full (draft->history_path, text, -1,
                                   G_FILE_SET_CONTENTS_CONSISTENT, 0600, error);
}

gboolean
tandem_draft_read_history (TandemDraft   *draft,
                           TandemHistory *history,
                           GError       **error)
{
  g_autofree char *text = NULL;
  g_autoptr(GError) local_error = NULL;
  gsize length;

  g_return_val_if_fail (draft != NULL, FALSE);
  g_return_val_if_fail (TANDEM_IS_HISTORY (history), FALSE);

  if (!g_file_get_contents (draft->history_path, &text, &length, &local_error))
    {
      if (g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        return TRUE;
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  return tandem_history_load_log (history, text, length, error);
}

gboolean
tandem_draft_write_session (TandemDraft  *draft,
                            JsonNode     *session,
                            GError      **error)
{
  g_autofree char *text = NULL;

  g_return_val_if_fail (draft != NULL, FALSE);
  g_return_val_if_fail (session != NULL, FALSE);

  if (!ensure_drafts_dir (error))
    return FALSE;
  text = json_to_string (session, FALSE);
  return g_file_set_contents_full (draft->session_path, text, -1,
                                   G_FILE_SET_CONTENTS_CONSISTENT, 0600, error);
}

JsonNode *
tandem_draft_read_session (TandemDraft  *draft,
                           GError      **error)
{
  g_autofree char *text = NULL;
  g_autoptr(GError) local_error = NULL;
  gsize length;

  g_return_val_if_fail (draft != NULL, NULL);

  if (!g_file_get_contents (draft->session_path, &text, &length, &local_error))
    {
      if (!g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  return tandem_json_parse_bounded (text, length, &session_record_limits, error);
}

void
tandem_draft_forget_session (TandemDraft *draft)
{
  g_return_if_fail (draft != NULL);

  g_unlink (draft->session_path);
}

typedef struct
{
  char   *id;
  gint64  mtime;
} DraftEntry;

static int
compare_newest_first (gconstpointer a,
                      gconstpointer b)
{
  const DraftEntry *x = a;
  const DraftEntry *y = b;

  return (y->mtime > x->mtime) - (y->mtime < x->mtime);
}

GStrv
tandem_draft_list (void)
{
  g_autofree char *dir = drafts_dir ();
  g_autoptr(GDir) gdir = g_dir_open (dir, 0, NULL);
  g_autoptr(GArray) entries = g_array_new (FALSE, FALSE, sizeof (DraftEntry));
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  const char *name;

  while (gdir != NULL && (name = g_dir_read_name (gdir)) != NULL)
    {
      g_autofree char *path = NULL;
      DraftEntry entry;
      GStatBuf st;

      if (!g_str_has_suffix (name, ".tandem"))
        continue;

      entry.id = g_strndup (name, strlen (name) - strlen (".tandem"));
      path = g_build_filename (dir, name, NULL);
      if (!tandem_id_is_valid (entry.id) || g_stat (path, &st) != 0)
        {
          g_free (entry.id);
          continue;
        }
      entry.mtime = st.st_mtime;
      g_array_append_val (entries, entry);
    }

  g_array_sort (entries, compare_newest_first);
  for (guint i = 0; i < entries->len; i++)
    {
      DraftEntry *entry = &g_array_index (entries, DraftEntry, i);

      g_strv_builder_add (builder, entry->id);
      g_free (entry->id);
    }

  return g_strv_builder_end (builder);
}
