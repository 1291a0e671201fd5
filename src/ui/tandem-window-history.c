/* tandem-window-history.c — the History panel beside the grid, and previews
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-ui"

#include "config.h"

#include "tandem-transport.h"
#include "tandem-window-private.h"

/* The engine plays what is shown. A version taken from the history carries
 * the transport of its own moment (playing long ago, anchored to a clock
 * reading long gone): it takes over the beat that is playing now instead,
 * and from then on keeps a transport of its own, never sent. */
static void
play_preview (TandemWindow  *self,
              TandemProject *past)
{
  g_autoptr(TandemOp) follow = NULL;
  g_autoptr(GError) error = NULL;

  if (past == self->preview)
    return;
  if (self->preview != NULL)
    g_signal_handlers_disconnect_by_data (self->preview, self);
  g_set_object (&self->preview, past);
  if (past != NULL)
    {
      follow = tandem_transport_op_follow (past, self->project,
                                           tandem_transport_session_now (self->client));
      if (!tandem_project_apply (past, follow, NULL, &error))
        g_warning ("The preview cannot follow the transport: %s", error->message);
      g_signal_connect_object (past, "notify::playing",
                               G_CALLBACK (_tandem_window_update_play_button), self,
                               G_CONNECT_SWAPPED);
    }
  tandem_engine_set_project (self->engine, past != NULL ? past : self->project);
  _tandem_window_update_play_button (self);
}

/* Shows @past in the grid (read-only: nothing there is sent, and the grid
 * takes no input) and plays it, or, with NULL, the live project again. The
 * live project and the session go on untouched meanwhile. */
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
  play_preview (self, past);
}

/* Play and Stop while previewing are the listener's own: they start and
 * stop the preview at once, and the session's transport is not touched. */
gboolean
_tandem_window_history_toggle_play (TandemWindow *self)
{
  g_autoptr(TandemOp) op = NULL;
  g_autoptr(GError) error = NULL;

  if (self->preview == NULL)
    return FALSE;
  if (tandem_project_get_playing (self->preview))
    op = tandem_transport_op_stop ();
  else
    op = tandem_transport_op_start (self->preview, tandem_transport_session_now (self->client),
                                    TANDEM_TRANSPORT_MIN_LEAD_US, 0);
  if (!tandem_project_apply (self->preview, op, NULL, &error))
    tandem_window_show_toast (self, error->message);
  return TRUE;
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
  if (self->preview != NULL)
    g_signal_handlers_disconnect_by_data (self->preview, self);
  g_clear_object (&self->preview);
}
