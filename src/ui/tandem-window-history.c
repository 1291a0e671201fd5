/* tandem-window-history.c — the History panel beside the grid, and previews
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-ui"

#include "config.h"

#include "tandem-window-private.h"

/* Shows @past in the grid (read-only: nothing there is sent, and the grid
 * takes no input) or, with NULL, the live project again. The live project,
 * the session and the engine go on untouched meanwhile. */
static void
on_preview (TandemWindow  *self,
            TandemProject *past,
            const char    *label)
{
  g_clear_object (&self->preview_history);
  if (past)
    {
      /* Edits of a preview would go nowhere: its own history, never sent. */
      self->preview_history = tandem_history_new (past);
      g_object_set (self->grid_view, "project", past, "history", self->preview_history, NULL);
      gtk_widget_set_sensitive (GTK_WIDGET (self->grid_view), FALSE);
      gtk_widget_add_css_class (GTK_WIDGET (self->grid_view), "history-preview");
    }
  else
    {
      g_object_set (self->grid_view, "project", self->project, "history", self->history, NULL);
      gtk_widget_set_sensitive (GTK_WIDGET (self->grid_view), TRUE);
      gtk_widget_remove_css_class (GTK_WIDGET (self->grid_view), "history-preview");
    }
}

/* "New session from here": a window of its own hosts a new session that
 * starts from @past; this window stays in its session. */
static void
on_fork (TandemWindow  *self,
         TandemProject *past)
{
  GtkApplication *app = gtk_window_get_application (GTK_WINDOW (self));
  g_autoptr(JsonNode) json = tandem_project_to_json (past);
  g_autoptr(GError) error = NULL;
  g_autoptr(TandemProject) copy = tandem_project_new_from_json (json, &error);
  TandemWindow *window;

  if (copy == NULL || app == NULL)
    return;
  window = tandem_window_new (TANDEM_APPLICATION (app));
  _tandem_window_set_project (window, copy, NULL);
  gtk_window_present (GTK_WINDOW (window));
  if (!tandem_window_host_session (window, 0, &error))
    tandem_window_show_toast (window, error->message);
}

void
_tandem_window_history_init (TandemWindow *self)
{
  g_signal_connect_object (self->history_panel, "preview", G_CALLBACK (on_preview), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->history_panel, "fork", G_CALLBACK (on_fork), self,
                           G_CONNECT_SWAPPED);
}

void
_tandem_window_history_set_client (TandemWindow *self)
{
  tandem_history_panel_set_client (self->history_panel, self->client);
}

void
_tandem_window_history_dispose (TandemWindow *self)
{
  g_clear_object (&self->preview_history);
}
