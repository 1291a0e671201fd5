/* tandem-window-views.c — the pattern and page a person last had in each
 * project and session
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Which pattern someone edits and which page they look at is their own view
 * (DESIGN.md), so it is not in the project: it is kept here, per project
 * file and per session, in one key file of the user's
 * ($XDG_DATA_HOME/tandem/views.ini). Each entry is named by a SHA-256 of the
 * file's URI or the session's id, so the file holds no paths or links.
 * Opening a project or joining a session again shows that view, not the
 * first pattern.
 *
 * All windows of the process share one copy in memory; it is written at most
 * once a second, atomically. The file is the user's own but read as any
 * outside bytes: bounded in size and entries, every value checked, and a
 * file that is not as expected is set aside with a warning.
 */
#define G_LOG_DOMAIN "tandem-ui"

#include "config.h"

#include <errno.h>
#include <string.h>

#include "tandem-invite.h"
#include "tandem-window-views-file.h"
#include "tandem-window-private.h"

#define SAVE_DELAY_MS 1000

static GKeyFile *views;
static guint     save_source;

static char *
views_path (void)
{
  return g_build_filename (g_get_user_data_dir (), "tandem", "views.ini", NULL);
}

static GKeyFile *
get_views (void)
{
  g_autofree char *path = NULL;
  g_autofree char *data = NULL;
  g_autoptr(GError) error = NULL;
  gsize length = 0;

  if (views != NULL)
    return views;

  path = views_path ();
  if (g_file_get_contents (path, &data, &length, &error))
    views = tandem_views_file_parse (data, length, &error);
  if (views == NULL)
    {
      if (!g_error_matches (error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        g_warning ("Not using the remembered views in %s: %s", path, error->message);
      views = g_key_file_new ();
    }
  return views;
}

static gboolean
save_cb (gpointer data)
{
  g_autofree char *path = views_path ();
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;
  gsize length;

  save_source = 0;
  text = g_key_file_to_data (get_views (), &length, NULL);
  if (g_mkdir_with_parents (dir, 0700) != 0 ||
      !g_file_set_contents_full (path, text, length, G_FILE_SET_CONTENTS_CONSISTENT, 0600,
                                 &error))
    g_warning ("Could not remember the views in %s: %s", path,
               error != NULL ? error->message : g_strerror (errno));
  return G_SOURCE_REMOVE;
}

/* Drops the entries used longest ago, so the file stays small. */
static void
evict_old (GKeyFile *file)
{
  g_auto(GStrv) groups = g_key_file_get_groups (file, NULL);
  guint n = g_strv_length (groups);

  while (n > TANDEM_VIEWS_MAX_ENTRIES)
    {
      const char *oldest = NULL;
      gint64 oldest_used = G_MAXINT64;

      for (guint i = 0; i < n; i++)
        {
          gint64 used;

          if (!g_key_file_has_group (file, groups[i]))
            continue;
          used = g_key_file_get_int64 (file, groups[i], "used", NULL);
          if (used < oldest_used)
            {
              oldest_used = used;
              oldest = groups[i];
            }
        }
      g_key_file_remove_group (file, oldest, NULL);
      n--;
    }
}

/* The entry of what the window shows: its session, else its file; NULL for
 * a project never saved. */
static char *
entry_name (TandemWindow *self)
{
  g_autofree char *key = NULL;

  if (self->client != NULL)
    {
      g_autoptr(TandemInvite) invite = self->invite_link != NULL
                                         ? tandem_invite_parse (self->invite_link, NULL)
                                         : NULL;

      if (invite == NULL)
        return NULL;
      key = g_strconcat ("session:", invite->session_id, NULL);
    }
  else if (self->file != NULL)
    {
      g_autofree char *uri = g_file_get_uri (self->file);

      key = g_strconcat ("file:", uri, NULL);
    }
  else
    {
      return NULL;
    }
  return g_compute_checksum_for_string (G_CHECKSUM_SHA256, key, -1);
}

/**
 * _tandem_window_views_remember:
 *
 * Remembers the pattern and page the window shows for its project or
 * session, unless it is still showing what it opened with.
 */
void
_tandem_window_views_remember (TandemWindow *self)
{
  g_autofree char *name = NULL;
  const char *pattern = tandem_pattern_bar_get_pattern_id (self->pattern_bar);
  const char *page = adw_view_stack_get_visible_child_name (self->view_stack);
  GKeyFile *file;

  if (!self->views_ready || (name = entry_name (self)) == NULL || pattern == NULL ||
      strlen (pattern) > TANDEM_VIEWS_MAX_PATTERN_ID || !tandem_views_file_is_page (page))
    return;

  file = get_views ();
  g_key_file_set_string (file, name, "pattern", pattern);
  g_key_file_set_string (file, name, "page", page);
  g_key_file_set_int64 (file, name, "used", g_get_real_time () / G_USEC_PER_SEC);
  evict_old (file);
  if (save_source == 0)
    save_source = g_timeout_add (SAVE_DELAY_MS, save_cb, NULL);
}

/**
 * _tandem_window_views_hold:
 *
 * The window is about to show another project or session: what it shows
 * until _tandem_window_views_restore() is not a choice to remember.
 */
void
_tandem_window_views_hold (TandemWindow *self)
{
  self->views_ready = FALSE;
}

/**
 * _tandem_window_views_restore:
 *
 * Shows the pattern and page last remembered for the window's project or
 * session, when that pattern is still there, and remembers from now on.
 * Alone, the pattern edited is the one that plays: it is set in the project
 * as opening it would, not as an edit to undo or save.
 */
void
_tandem_window_views_restore (TandemWindow *self)
{
  g_autofree char *name = entry_name (self);
  g_autofree char *pattern = NULL;
  g_autofree char *page = NULL;
  GKeyFile *file = get_views ();

  self->views_ready = TRUE;
  if (name == NULL || !g_key_file_has_group (file, name))
    return;

  pattern = g_key_file_get_string (file, name, "pattern", NULL);
  page = g_key_file_get_string (file, name, "page", NULL);
  self->views_ready = FALSE;
  if (pattern != NULL && tandem_project_find_pattern (self->project, pattern) != NULL)
    {
      if (self->client == NULL)
        {
          g_autoptr(TandemOp) op = tandem_op_new_set_string (TANDEM_ENTITY_PROJECT, NULL,
                                                             "current-pattern", pattern);

          if (g_strcmp0 (tandem_project_get_current_pattern (self->project), pattern) != 0)
            tandem_project_apply (self->project, op, NULL, NULL);
        }
      else
        {
          tandem_pattern_bar_set_pattern_id (self->pattern_bar, pattern);
        }
    }
  if (tandem_views_file_is_page (page))
    adw_view_stack_set_visible_child_name (self->view_stack, page);
  self->views_ready = TRUE;
  _tandem_window_views_remember (self);
}

/* Writes what is waiting to be written, before the app quits. */
void
_tandem_window_views_flush (void)
{
  if (save_source != 0)
    {
      g_clear_handle_id (&save_source, g_source_remove);
      save_cb (NULL);
    }
}
