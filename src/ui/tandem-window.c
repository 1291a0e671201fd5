/* tandem-window.c — the main window: one project, its history and its file
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-ui"

#include "config.h"

#include <glib/gi18n.h>

#include "tandem-h2song.h"
#include "tandem-window-private.h"

G_DEFINE_FINAL_TYPE (TandemWindow, tandem_window, ADW_TYPE_APPLICATION_WINDOW)

TandemWindow *
tandem_window_new (TandemApplication *app)
{
  return g_object_new (TANDEM_TYPE_WINDOW, "application", app, NULL);
}

/**
 * tandem_window_get_project:
 *
 * Returns: (transfer none): the project shown in the window
 */
TandemProject *
tandem_window_get_project (TandemWindow *self)
{
  g_return_val_if_fail (TANDEM_IS_WINDOW (self), NULL);

  return self->project;
}

/**
 * tandem_window_get_history:
 *
 * Returns: (transfer none): the edit path of the window's project
 */
TandemHistory *
tandem_window_get_history (TandemWindow *self)
{
  g_return_val_if_fail (TANDEM_IS_WINDOW (self), NULL);

  return self->history;
}

void
tandem_window_show_toast (TandemWindow *self,
                          const char   *message)
{
  g_return_if_fail (TANDEM_IS_WINDOW (self));

  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (message));
}

void
_tandem_window_update_status (TandemWindow *self)
{
  g_autofree char *status = NULL;
  g_autofree char *session = _tandem_window_dup_session_status (self);
  const char *saved;

  if (session != NULL)
    saved = session;
  else if (self->file != NULL)
    saved = self->modified ? _("Modified") : _("Saved");
  else
    saved = _("Not Saved");

  if (self->engine != NULL && !tandem_engine_get_available (self->engine))
    /* Translators: “Not Saved · Audio Off” */
    status = g_strdup_printf (_("%s · %s"), saved, _("Audio Off"));
  else
    status = g_strdup (saved);

  gtk_label_set_label (self->status_label, status);
  _tandem_window_samples_update (self);
  if (self->engine != NULL)
    gtk_widget_set_tooltip_text (GTK_WIDGET (self->status_label),
                                 tandem_engine_get_status (self->engine));
}

static void
update_title (TandemWindow *self)
{
  const char *name = tandem_project_get_name (self->project);
  g_autofree char *subtitle = NULL;
  g_autofree char *title = NULL;

  if (self->file != NULL)
    {
      g_autofree char *basename = g_file_get_basename (self->file);

      subtitle = self->modified ? g_strdup_printf ("%s •", basename) : g_strdup (basename);
    }
  else
    {
      subtitle = g_strdup (self->modified ? _("Not Saved •") : _("Not Saved"));
    }

  adw_view_switcher_title_set_title (self->window_title, name);
  adw_view_switcher_title_set_subtitle (self->window_title, subtitle);
  gtk_label_set_label (self->project_label, name);
  _tandem_window_update_status (self);

  title = g_strdup_printf ("%s — %s", name, _("Tandem"));
  gtk_window_set_title (GTK_WINDOW (self), title);
}

static void
on_op_applied (TandemWindow  *self,
               TandemOp      *op,
               TandemProject *project)
{
  update_title (self);
}

#define AUTOSAVE_DELAY_SECONDS 2

static gboolean
autosave_cb (gpointer user_data)
{
  TandemWindow *self = TANDEM_WINDOW (user_data);
  g_autoptr(GError) error = NULL;

  self->autosave_source = 0;
  if (self->modified && (!tandem_draft_write (self->draft, self->project, self->file, &error)
                         || !tandem_draft_write_history (self->draft, self->history, &error)))
    g_warning ("Could not write a draft of the project: %s", error->message);

  return G_SOURCE_REMOVE;
}

static void
on_history_applied (TandemWindow  *self,
                    TandemOp      *op,
                    TandemOp      *inverse,
                    TandemHistory *history)
{
  if (!self->modified)
    {
      self->modified = TRUE;
      update_title (self);
    }

  if (self->autosave_source == 0)
    self->autosave_source = g_timeout_add_seconds (AUTOSAVE_DELAY_SECONDS, autosave_cb, self);
}

static void
forget_draft (TandemWindow *self)
{
  g_clear_handle_id (&self->autosave_source, g_source_remove);
  tandem_draft_discard (self->draft);
}

TandemProject *
_tandem_window_audible_project (TandemWindow *self)
{
  return self->preview != NULL ? self->preview : self->project;
}

void
_tandem_window_update_play_button (TandemWindow *self)
{
  TandemProject *project = _tandem_window_audible_project (self);
  gboolean playing = project != NULL && tandem_project_get_playing (project);

  gtk_toggle_button_set_active (self->play_button, playing);
  gtk_button_set_icon_name (GTK_BUTTON (self->play_button),
                            playing ? "media-playback-stop-symbolic"
                                    : "media-playback-start-symbolic");
}

static void
on_playing_changed (TandemWindow *self)
{
  _tandem_window_update_play_button (self);
}

void
_tandem_window_set_project (TandemWindow  *self,
                            TandemProject *project,
                            GFile         *file)
{
  g_assert (TANDEM_IS_WINDOW (self));
  g_assert (TANDEM_IS_PROJECT (project));

  /* A preview is of the project being replaced. */
  if (self->preview != NULL)
    tandem_history_panel_back_to_live (self->history_panel);
  /* A session shares one project: opening another one leaves it. */
  if (self->project != NULL && self->project != project)
    _tandem_window_leave_session (self);
  _tandem_window_views_hold (self);

  if (self->project != NULL)
    g_signal_handlers_disconnect_by_data (self->project, self);
  if (self->history != NULL)
    g_signal_handlers_disconnect_by_data (self->history, self);

  g_set_object (&self->project, project);
  g_set_object (&self->file, file);
  g_clear_object (&self->history);
  self->history = tandem_history_new (project);
  self->modified = FALSE;

  g_signal_connect_object (project, "op-applied", G_CALLBACK (on_op_applied), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (project, "reset", G_CALLBACK (update_title), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (project, "notify::playing", G_CALLBACK (on_playing_changed), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->history, "applied", G_CALLBACK (on_history_applied), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->history, "notify::can-undo",
                           G_CALLBACK (_tandem_window_actions_update), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->history, "notify::can-redo",
                           G_CALLBACK (_tandem_window_actions_update), self,
                           G_CONNECT_SWAPPED);

  tandem_engine_set_project (self->engine, project);
  tandem_transport_bar_set_history (self->transport_bar, self->history);
  tandem_history_panel_set_local_history (self->history_panel, self->history);
  g_object_set (self->pattern_bar, "project", project, "history", self->history, NULL);
  g_object_set (self->grid_view, "project", project, "history", self->history, NULL);
  _tandem_window_pages_set_project (self);
  _tandem_window_music_set_project (self);

  update_title (self);
  _tandem_window_update_play_button (self);
  _tandem_window_actions_update (self);
  _tandem_window_views_restore (self);
}

void
tandem_window_load_demo (TandemWindow *self)
{
  g_autoptr(TandemProject) project = tandem_project_new_demo ();

  g_return_if_fail (TANDEM_IS_WINDOW (self));

  _tandem_window_set_project (self, project, NULL);
}

static void
report_open_error (TandemWindow *self,
                   GFile        *file,
                   const GError *error)
{
  g_autofree char *basename = g_file_get_basename (file);
  g_autofree char *message = g_strdup_printf (_("Could not open “%s”: %s"),
                                              basename, error->message);

  g_warning ("%s", message);
  if (self->project == NULL)
    tandem_window_load_demo (self);
  tandem_window_show_toast (self, message);
}

typedef struct
{
  GWeakRef  window;
  GFile    *file;
} SongOpen;

static void
song_opened (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  SongOpen *op = user_data;
  g_autoptr(TandemWindow) self = g_weak_ref_get (&op->window);
  g_autoptr(TandemProject) project = NULL;
  g_autoptr(GError) error = NULL;

  project = tandem_h2song_load_finish (result, &error);
  if (self != NULL)
    {
      if (project == NULL)
        report_open_error (self, op->file, error);
      else
        /* A Hydrogen song becomes a new Tandem project: saving asks for a name. */
        _tandem_window_set_project (self, project, NULL);
    }
  g_weak_ref_clear (&op->window);
  g_object_unref (op->file);
  g_free (op);
}

/**
 * tandem_window_open_file:
 *
 * Opens @file in the window. A file that cannot be opened leaves the current
 * project as it is and says why in a toast. A Hydrogen song (*.h2song) is
 * read, and its samples imported, on a worker thread: the window shows the
 * new project when that is done.
 */
void
tandem_window_open_file (TandemWindow *self,
                         GFile        *file)
{
  g_autoptr(TandemProject) project = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;

  g_return_if_fail (TANDEM_IS_WINDOW (self));
  g_return_if_fail (G_IS_FILE (file));

  path = g_file_get_path (file);
  if (path != NULL && g_str_has_suffix (path, ".h2song"))
    {
      SongOpen *op = g_new0 (SongOpen, 1);

      g_weak_ref_init (&op->window, self);
      op->file = g_object_ref (file);
      if (self->project == NULL)
        tandem_window_load_demo (self);
      tandem_h2song_load_async (path, tandem_sample_store_get_default (), NULL, song_opened, op);
      return;
    }

  if (path == NULL)
    g_set_error (&error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                 _("Only local files can be opened"));
  else
    project = tandem_project_new_from_file (path, &error);

  if (project == NULL)
    {
      report_open_error (self, file, error);
      return;
    }

  _tandem_window_set_project (self, project, file);
}

gboolean
tandem_window_save_to_file (TandemWindow *self,
                            GFile        *file,
                            GError      **error)
{
  g_autofree char *path = NULL;

  g_return_val_if_fail (TANDEM_IS_WINDOW (self), FALSE);
  g_return_val_if_fail (G_IS_FILE (file), FALSE);

  path = g_file_get_path (file);
  if (path == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                   _("Only local files can be saved"));
      return FALSE;
    }

  if (!tandem_project_save_to_file (self->project, path, error))
    return FALSE;

  g_set_object (&self->file, file);
  self->modified = FALSE;
  forget_draft (self);
  update_title (self);
  return TRUE;
}

/**
 * tandem_window_restore_draft:
 *
 * Shows the draft @draft_id — unsaved work a crash interrupted — as a
 * modified project, so the user can save it.
 */
gboolean
tandem_window_restore_draft (TandemWindow *self,
                             const char   *draft_id,
                             GError      **error)
{
  g_autoptr(TandemDraft) draft = NULL;
  g_autoptr(TandemProject) project = NULL;
  g_autoptr(GFile) file = NULL;
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (TANDEM_IS_WINDOW (self), FALSE);

  draft = tandem_draft_new_for_id (draft_id);
  if (draft == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "Invalid draft id");
      return FALSE;
    }

  project = tandem_draft_read (draft, &file, error);
  if (project == NULL)
    return FALSE;

  _tandem_window_set_project (self, project, file);
  tandem_draft_free (self->draft);
  self->draft = g_steal_pointer (&draft);
  /* The edits still show in History; a bad log costs only that. */
  if (!tandem_draft_read_history (self->draft, self->history, &local_error))
    tandem_window_show_toast (self, local_error->message);
  self->modified = TRUE;
  update_title (self);
  _tandem_window_rejoin_check_draft (self);
  return TRUE;
}

static void
save_window_state (TandemWindow *self)
{
  int width, height;

  gtk_window_get_default_size (GTK_WINDOW (self), &width, &height);
  g_settings_set_int (self->settings, "window-width", width);
  g_settings_set_int (self->settings, "window-height", height);
  g_settings_set_boolean (self->settings, "window-maximized",
                          gtk_window_is_maximized (GTK_WINDOW (self)));
  g_settings_set_string (self->settings, "last-view",
                         adw_view_stack_get_visible_child_name (self->view_stack));
}

static gboolean
close_after_dialog (gpointer data)
{
  TandemWindow *self = data;

  self->close_confirmed = TRUE;
  gtk_window_close (GTK_WINDOW (self));
  return G_SOURCE_REMOVE;
}

static gboolean
save_and_close_after_dialog (gpointer data)
{
  gtk_widget_activate_action (GTK_WIDGET (data), "win.save-and-close", NULL);
  return G_SOURCE_REMOVE;
}

/* The dialog is still answering when this runs (it destroys itself once its
 * handlers have run), and it goes with its window: closing the window from
 * here would free the dialog under its own signal. So the window, held
 * meanwhile, closes from the main loop. */
static void
on_close_response (AdwMessageDialog *dialog,
                   const char       *response,
                   TandemWindow     *self)
{
  if (g_strcmp0 (response, "discard") == 0)
    g_idle_add_full (G_PRIORITY_DEFAULT, close_after_dialog, g_object_ref (self),
                     g_object_unref);
  else if (g_strcmp0 (response, "save") == 0)
    g_idle_add_full (G_PRIORITY_DEFAULT, save_and_close_after_dialog, g_object_ref (self),
                     g_object_unref);
}

static gboolean
tandem_window_close_request (GtkWindow *window)
{
  TandemWindow *self = TANDEM_WINDOW (window);
  AdwMessageDialog *dialog;

  save_window_state (self);

  if (!self->modified || self->close_confirmed)
    {
      forget_draft (self);
      return GTK_WINDOW_CLASS (tandem_window_parent_class)->close_request (window);
    }

  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (window, _("Save Changes?"),
                                                       _("Unsaved changes to the project "
                                                         "will be lost if you close it now.")));
  adw_message_dialog_add_responses (dialog,
                                    "cancel", _("_Cancel"),
                                    "discard", _("_Discard"),
                                    "save", _("_Save"),
                                    NULL);
  adw_message_dialog_set_response_appearance (dialog, "discard",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_response_appearance (dialog, "save", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (dialog, "save");
  adw_message_dialog_set_close_response (dialog, "cancel");
  g_signal_connect (dialog, "response", G_CALLBACK (on_close_response), self);
  gtk_window_present (GTK_WINDOW (dialog));

  return GDK_EVENT_STOP;
}

static void
tandem_window_dispose (GObject *object)
{
  TandemWindow *self = TANDEM_WINDOW (object);

  _tandem_window_leave_session (self);
  _tandem_window_session_dispose (self);
  _tandem_window_samples_dispose (self);
  if (self->export_cancellable != NULL)
    g_cancellable_cancel (self->export_cancellable);
  g_clear_object (&self->export_cancellable);
  _tandem_window_transport_dispose (self);
  _tandem_window_audio_dispose (self);
  _tandem_window_history_dispose (self);
  g_clear_object (&self->history);
  g_clear_object (&self->project);
  g_clear_object (&self->file);
  g_clear_object (&self->settings);
  g_clear_handle_id (&self->autosave_source, g_source_remove);
  g_clear_pointer (&self->draft, tandem_draft_free);

  G_OBJECT_CLASS (tandem_window_parent_class)->dispose (object);
}

/* For `tandem-bench ui`: say when the first frame is on screen, then quit. */
static void
report_first_frame (GdkFrameClock *clock,
                    TandemWindow  *self)
{
  g_signal_handlers_disconnect_by_func (clock, report_first_frame, self);
  g_print ("first-frame\n");
  g_application_quit (G_APPLICATION (gtk_window_get_application (GTK_WINDOW (self))));
}

static void
tandem_window_map (GtkWidget *widget)
{
  GTK_WIDGET_CLASS (tandem_window_parent_class)->map (widget);

  if (g_getenv ("TANDEM_EXIT_AFTER_FIRST_FRAME") != NULL)
    g_signal_connect (gtk_widget_get_frame_clock (widget), "after-paint",
                      G_CALLBACK (report_first_frame), widget);

  _tandem_window_audio_start (TANDEM_WINDOW (widget));
}

static void
tandem_window_class_init (TandemWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = tandem_window_dispose;
  window_class->close_request = tandem_window_close_request;
  widget_class->map = tandem_window_map;

  g_type_ensure (TANDEM_TYPE_TRANSPORT_BAR);
  g_type_ensure (TANDEM_TYPE_PATTERN_BAR);
  g_type_ensure (TANDEM_TYPE_GRID_VIEW);
  g_type_ensure (TANDEM_TYPE_CHORD_LANE);
  g_type_ensure (TANDEM_TYPE_GENERATE_PANEL);
  g_type_ensure (TANDEM_TYPE_HISTORY_PANEL);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PATH "/tandem-window.ui");
  gtk_widget_class_bind_template_child (widget_class, TandemWindow, window_title);
  gtk_widget_class_bind_template_child (widget_class, TandemWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, TandemWindow, primary_menu_button);
  gtk_widget_class_bind_template_child (widget_class, TandemWindow, primary_menu);
  gtk_widget_class_bind_template_child (widget_class, TandemWindow, play_button);
  gtk_widget_class_bind_template_child (widget_class, TandemWindow, transport_bar);
  gtk_widget_class_bind_template_child (widget_class, TandemWindow, count_in_label);
  gtk_widget_class_bind_template_child (widget_class, TandemWindow, view_stack);
  gtk_widget_class_bind_template_child (widget_class, TandemWindow, project_label);
  gtk_widget_class_bind_template_child (widget_class, TandemWindow, status_label);
  gtk_widget_class_bind_template_child (widget_class, TandemWindow, pattern_bar);
  gtk_widget_class_bind_template_child (widget_class, TandemWindow, grid_view);
  gtk_widget_class_bind_template_child (widget_class, TandemWindow, chord_lane);
  gtk_widget_class_bind_template_child (widget_class, TandemWindow, generate_panel);
  gtk_widget_class_bind_template_child (widget_class, TandemWindow, music_revealer);
  gtk_widget_class_bind_template_child (widget_class, TandemWindow, history_revealer);
  gtk_widget_class_bind_template_child (widget_class, TandemWindow, history_panel);
  gtk_widget_class_bind_template_child (widget_class, TandemWindow, mixer_page);
  gtk_widget_class_bind_template_child (widget_class, TandemWindow, song_page);

  gtk_widget_class_bind_template_child (widget_class, TandemWindow, participants_button);
  gtk_widget_class_bind_template_child (widget_class, TandemWindow, participants_popover);
  gtk_widget_class_bind_template_child (widget_class, TandemWindow, export_revealer);
  gtk_widget_class_bind_template_child (widget_class, TandemWindow, export_progress);

  _tandem_window_class_actions_init (widget_class);
  _tandem_window_class_export_init (widget_class);
  _tandem_window_class_session_init (widget_class);
  _tandem_window_class_samples_init (widget_class);
}

/* A menu's popover is some seventy widgets: made on first use, not at start-up. */
static void
create_primary_menu (GtkMenuButton *button,
                     gpointer       user_data)
{
  TandemWindow *self = TANDEM_WINDOW (user_data);

  if (gtk_menu_button_get_menu_model (button) == NULL)
    gtk_menu_button_set_menu_model (button, self->primary_menu);
}

static void
tandem_window_init (TandemWindow *self)
{
  g_autoptr(TandemProject) project = NULL;

  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_menu_button_set_create_popup_func (self->primary_menu_button, create_primary_menu,
                                         self, NULL);

  self->settings = g_settings_new (APP_ID);
  self->draft = tandem_draft_new ();
  _tandem_window_audio_init (self);
  _tandem_window_session_init (self);
  _tandem_window_samples_init (self);
  _tandem_window_transport_init (self);
  _tandem_window_actions_init (self);
  gtk_window_set_default_size (GTK_WINDOW (self),
                               g_settings_get_int (self->settings, "window-width"),
                               g_settings_get_int (self->settings, "window-height"));
  if (g_settings_get_boolean (self->settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));

  if (DEVELOPMENT)
    gtk_widget_add_css_class (GTK_WIDGET (self), "devel");

  project = tandem_project_new_demo ();
  _tandem_window_set_project (self, project, NULL);
  _tandem_window_pages_init (self);
  _tandem_window_music_init (self);
  _tandem_window_history_init (self);
}
