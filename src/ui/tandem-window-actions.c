/* tandem-window-actions.c — the win.* actions and which of them are enabled
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-ui"

#include "config.h"

#include <glib/gi18n.h>

#include "tandem-kit-browser.h"
#include "tandem-window-private.h"

static GtkFileFilter *
new_project_filter (void)
{
  GtkFileFilter *filter = gtk_file_filter_new ();

  gtk_file_filter_set_name (filter, _("Tandem Projects"));
  gtk_file_filter_add_pattern (filter, "*.tandem");
  gtk_file_filter_add_mime_type (filter, "application/x-tandem-project");
  return filter;
}

/* GtkFileChooserNative goes through the file chooser portal inside Flatpak.
 * GTK 4.10 replaces it with GtkFileDialog; 4.8 is what we build against. */
G_GNUC_BEGIN_IGNORE_DEPRECATIONS

static GtkFileChooserNative *
new_chooser (TandemWindow         *self,
             const char           *title,
             GtkFileChooserAction  action,
             const char           *accept)
{
  GtkFileChooserNative *chooser;
  g_autoptr(GtkFileFilter) filter = new_project_filter ();

  chooser = gtk_file_chooser_native_new (title, GTK_WINDOW (self), action, accept, NULL);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), filter);
  return chooser;
}

static void
on_open_response (GtkFileChooserNative *chooser,
                  int                   response,
                  TandemWindow         *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));

      if (self->modified)
        {
          TandemWindow *window =
            tandem_window_new (TANDEM_APPLICATION (gtk_window_get_application (GTK_WINDOW (self))));

          tandem_window_open_file (window, file);
          gtk_window_present (GTK_WINDOW (window));
        }
      else
        {
          tandem_window_open_file (self, file);
        }
    }

  g_object_unref (chooser);
}

static void
open_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *param)
{
  TandemWindow *self = TANDEM_WINDOW (widget);
  GtkFileChooserNative *chooser;
  g_autoptr(GtkFileFilter) songs = gtk_file_filter_new ();

  chooser = new_chooser (self, _("Open Project"), GTK_FILE_CHOOSER_ACTION_OPEN, _("_Open"));
  /* A Hydrogen song opens as a new project. */
  gtk_file_filter_set_name (songs, _("Hydrogen Songs"));
  gtk_file_filter_add_pattern (songs, "*.h2song");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), songs);
  g_signal_connect (chooser, "response", G_CALLBACK (on_open_response), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static void
drum_kits_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *param)
{
  TandemKitBrowser *browser = tandem_kit_browser_new (TANDEM_WINDOW (widget), NULL);

  gtk_window_present (GTK_WINDOW (browser));
}

/* From a track's menu: the browser, with that track as the one to re-voice. */
static void
choose_kit_instrument_action (GtkWidget  *widget,
                              const char *action_name,
                              GVariant   *param)
{
  TandemWindow *self = TANDEM_WINDOW (widget);
  const char *track_id = g_variant_get_string (param, NULL);
  TandemKitBrowser *browser;

  if (tandem_project_find_track (self->project, track_id) == NULL)
    return;
  tandem_grid_view_set_selected_track (self->grid_view, track_id);
  browser = tandem_kit_browser_new (self, NULL);
  gtk_window_present (GTK_WINDOW (browser));
}

static void
save_or_toast (TandemWindow *self,
               GFile        *file)
{
  g_autoptr(GError) error = NULL;

  if (!tandem_window_save_to_file (self, file, &error))
    {
      g_autofree char *message = g_strdup_printf (_("Could not save: %s"), error->message);

      tandem_window_show_toast (self, message);
    }
}

static void
on_save_as_response (GtkFileChooserNative *chooser,
                     int                   response,
                     TandemWindow         *self)
{
  gboolean close_after = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (chooser), "close-after"));

  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) chosen = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
      g_autofree char *basename = g_file_get_basename (chosen);
      g_autoptr(GFile) file = NULL;

      if (g_str_has_suffix (basename, ".tandem"))
        {
          file = g_object_ref (chosen);
        }
      else
        {
          g_autoptr(GFile) parent = g_file_get_parent (chosen);
          g_autofree char *name = g_strconcat (basename, ".tandem", NULL);

          file = g_file_get_child (parent, name);
        }

      save_or_toast (self, file);
      if (close_after && !self->modified)
        gtk_window_close (GTK_WINDOW (self));
    }

  g_object_unref (chooser);
}

static void
show_save_as (TandemWindow *self,
              gboolean      close_after)
{
  GtkFileChooserNative *chooser;
  g_autofree char *name = NULL;

  chooser = new_chooser (self, _("Save Project"), GTK_FILE_CHOOSER_ACTION_SAVE, _("_Save"));
  name = g_strconcat (tandem_project_get_name (self->project), ".tandem", NULL);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), name);
  g_object_set_data (G_OBJECT (chooser), "close-after", GINT_TO_POINTER (close_after));
  g_signal_connect (chooser, "response", G_CALLBACK (on_save_as_response), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

G_GNUC_END_IGNORE_DEPRECATIONS

static void
save_as_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *param)
{
  show_save_as (TANDEM_WINDOW (widget), FALSE);
}

static void
save_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *param)
{
  TandemWindow *self = TANDEM_WINDOW (widget);

  if (self->file == NULL)
    show_save_as (self, FALSE);
  else
    save_or_toast (self, self->file);
}

static void
save_and_close_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *param)
{
  TandemWindow *self = TANDEM_WINDOW (widget);

  if (self->file == NULL)
    {
      show_save_as (self, TRUE);
      return;
    }

  save_or_toast (self, self->file);
  if (!self->modified)
    gtk_window_close (GTK_WINDOW (self));
}

static void
history_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *param)
{
  TandemWindow *self = TANDEM_WINDOW (widget);
  g_autoptr(GError) error = NULL;
  gboolean ok;

  /* A listener's undo would only be refused by the server: nothing leaves. */
  if (_tandem_window_is_listening (self))
    {
      _tandem_window_tell_listening (self);
      return;
    }
  if (g_str_equal (action_name, "win.undo"))
    ok = tandem_history_undo (self->history, &error);
  else
    ok = tandem_history_redo (self->history, &error);

  if (!ok && error != NULL)
    tandem_window_show_toast (self, error->message);
}

static void
play_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *param)
{
  /* A start anchored on the session clock (tandem-window-transport.c). */
  _tandem_window_toggle_play (TANDEM_WINDOW (widget));
}

/* Built on demand: GTK would build it with every window, before the first frame. */
static void
shortcuts_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *param)
{
  g_autoptr(GtkBuilder) builder =
    gtk_builder_new_from_resource (RESOURCE_PATH "/tandem-shortcuts-window.ui");
  GtkWindow *shortcuts = GTK_WINDOW (gtk_builder_get_object (builder, "help_overlay"));

  gtk_window_set_transient_for (shortcuts, GTK_WINDOW (widget));
  gtk_window_set_modal (shortcuts, TRUE);
  gtk_window_present (shortcuts);
}

void
_tandem_window_actions_update (TandemWindow *self)
{
  GtkWidget *widget = GTK_WIDGET (self);
  gboolean editing = !_tandem_window_is_listening (self);

  g_assert (TANDEM_IS_WINDOW (self));

  gtk_widget_action_set_enabled (widget, "win.undo",
                                 editing && tandem_history_can_undo (self->history));
  gtk_widget_action_set_enabled (widget, "win.redo",
                                 editing && tandem_history_can_redo (self->history));
  gtk_widget_action_set_enabled (widget, "win.copy-invite", self->invite_link != NULL);
  gtk_widget_action_set_enabled (widget, "win.leave", self->client != NULL);
}

static gboolean
activate_history_shortcut (GtkWidget *widget,
                           GVariant  *args,
                           gpointer   action_name)
{
  /* Handled even when there is nothing to undo: the key must not fall
   * through to a field's own text undo. A listener is told why nothing
   * happens (the actions are off for them). */
  if (_tandem_window_is_listening (TANDEM_WINDOW (widget)))
    _tandem_window_tell_listening (TANDEM_WINDOW (widget));
  else
    gtk_widget_activate_action (widget, action_name, NULL);
  return TRUE;
}

/* Whether Space typed at @focus is text: in an entry or a text view, but not
 * in a spin button, whose field takes digits only. */
static gboolean
focus_takes_space (GtkWidget *focus)
{
  if (focus == NULL)
    return FALSE;
  if (gtk_widget_get_ancestor (focus, GTK_TYPE_SPIN_BUTTON) != NULL)
    return FALSE;
  return GTK_IS_TEXT (focus) || GTK_IS_TEXT_VIEW (focus) || GTK_IS_EDITABLE (focus);
}

static gboolean
activate_play_shortcut (GtkWidget *widget,
                        GVariant  *args,
                        gpointer   data)
{
  GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (widget));

  /* Not handled: the entry types its space. */
  if (focus_takes_space (focus))
    return FALSE;
  /* What plays is the session's: a listener is told why nothing starts. */
  if (_tandem_window_is_listening (TANDEM_WINDOW (widget)))
    _tandem_window_tell_listening (TANDEM_WINDOW (widget));
  else
    gtk_widget_activate_action (widget, "win.play", NULL);
  return TRUE;
}

/* Keys that belong to the window wherever the focus is, so the window takes
 * them first, in the capture phase:
 * - Ctrl+Z and Ctrl+Shift+Z undo and redo the project. Fields (spin buttons,
 *   entries) bind the same keys to their own text undo, which would win in
 *   the bubble phase and leave a half-typed value behind.
 * - Space plays and stops, as in every sequencer, even on a focused button
 *   (which would click) or spin button; only text fields keep it. */
void
_tandem_window_actions_init (TandemWindow *self)
{
  GtkEventController *controller = gtk_shortcut_controller_new ();
  const struct { guint key; GdkModifierType mods; const char *action; } keys[] = {
    { GDK_KEY_z, GDK_CONTROL_MASK, "win.undo" },
    { GDK_KEY_z, GDK_CONTROL_MASK | GDK_SHIFT_MASK, "win.redo" },
  };

  gtk_event_controller_set_propagation_phase (controller, GTK_PHASE_CAPTURE);
  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    gtk_shortcut_controller_add_shortcut (
      GTK_SHORTCUT_CONTROLLER (controller),
      gtk_shortcut_new (gtk_keyval_trigger_new (keys[i].key, keys[i].mods),
                        gtk_callback_action_new (activate_history_shortcut,
                                                 (gpointer) keys[i].action, NULL)));
  gtk_shortcut_controller_add_shortcut (
    GTK_SHORTCUT_CONTROLLER (controller),
    gtk_shortcut_new (gtk_alternative_trigger_new (gtk_keyval_trigger_new (GDK_KEY_space, 0),
                                                   gtk_keyval_trigger_new (GDK_KEY_KP_Space, 0)),
                      gtk_callback_action_new (activate_play_shortcut, NULL, NULL)));
  gtk_widget_add_controller (GTK_WIDGET (self), controller);
}

void
_tandem_window_class_actions_init (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "win.open", NULL, open_action);
  gtk_widget_class_install_action (widget_class, "win.drum-kits", NULL, drum_kits_action);
  gtk_widget_class_install_action (widget_class, "track.choose-kit-instrument", "s",
                                   choose_kit_instrument_action);
  gtk_widget_class_install_action (widget_class, "win.save", NULL, save_action);
  gtk_widget_class_install_action (widget_class, "win.save-as", NULL, save_as_action);
  gtk_widget_class_install_action (widget_class, "win.save-and-close", NULL,
                                   save_and_close_action);
  gtk_widget_class_install_action (widget_class, "win.undo", NULL, history_action);
  gtk_widget_class_install_action (widget_class, "win.redo", NULL, history_action);
  gtk_widget_class_install_action (widget_class, "win.play", NULL, play_action);
  gtk_widget_class_install_action (widget_class, "win.show-help-overlay", NULL, shortcuts_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_o, GDK_CONTROL_MASK, "win.open", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_s, GDK_CONTROL_MASK, "win.save", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_s, GDK_CONTROL_MASK | GDK_SHIFT_MASK,
                                       "win.save-as", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_e, GDK_CONTROL_MASK, "win.export", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_z, GDK_CONTROL_MASK, "win.undo", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_z, GDK_CONTROL_MASK | GDK_SHIFT_MASK,
                                       "win.redo", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_w, GDK_CONTROL_MASK, "window.close",
                                       NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_question, GDK_CONTROL_MASK,
                                       "win.show-help-overlay", NULL);
}
