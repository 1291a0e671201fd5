/* tandem-transport-bar.c — tempo, swing, key, scale and play mode
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-ui"

#include "config.h"

#include <glib/gi18n.h>

#include "tandem-transport.h"
#include "tandem-transport-bar.h"

struct _TandemTransportBar
{
  GtkWidget        parent_instance;

  TandemHistory   *history;
  TandemSyncClient *client;    /* weak */
  TandemProject   *project;
  GSignalGroup    *project_signals;
  gboolean         updating;   /* the controls are following the model */

  GtkWidget       *box;
  GtkAdjustment   *tempo_adjustment;
  GtkAdjustment   *swing_adjustment;
  GtkDropDown     *key_dropdown;
  GtkDropDown     *scale_dropdown;
  GtkToggleButton *pattern_mode_button;
  GtkToggleButton *song_mode_button;
  GtkToggleButton *metronome_button;
  GSettings       *settings;   /* the metronome is a personal setting */
};

G_DEFINE_FINAL_TYPE (TandemTransportBar, tandem_transport_bar, GTK_TYPE_WIDGET)

static const char *key_names[] = {
  "C", "C♯", "D", "E♭", "E", "F", "F♯", "G", "A♭", "A", "B♭", "B", NULL
};

/* In TandemScale order. */
static const char *scale_names[] = {
  N_("Major"), N_("Minor"), N_("Dorian"), N_("Mixolydian"),
  N_("Pentatonic Major"), N_("Pentatonic Minor"), N_("Blues"), N_("Chromatic"), NULL
};

/**
 * tandem_transport_bar_get_metronome_button:
 *
 * Returns: (transfer none): the toggle that switches the metronome on
 */
GtkToggleButton *
tandem_transport_bar_get_metronome_button (TandemTransportBar *self)
{
  g_return_val_if_fail (TANDEM_IS_TRANSPORT_BAR (self), NULL);

  return self->metronome_button;
}

GtkWidget *
tandem_transport_bar_new (void)
{
  return g_object_new (TANDEM_TYPE_TRANSPORT_BAR, NULL);
}

static void
submit (TandemTransportBar *self,
        TandemOp           *op)
{
  g_autoptr(GError) error = NULL;

  if (self->updating || self->history == NULL)
    return;

  if (!tandem_history_apply (self->history, op, &error))
    g_warning ("Transport edit refused: %s", error->message);
}

static void
sync_from_project (TandemTransportBar *self)
{
  if (self->project == NULL)
    return;

  self->updating = TRUE;
  gtk_adjustment_set_value (self->tempo_adjustment, tandem_project_get_tempo (self->project));
  gtk_adjustment_set_value (self->swing_adjustment, tandem_project_get_swing (self->project));
  gtk_drop_down_set_selected (self->key_dropdown, tandem_project_get_key_root (self->project));
  gtk_drop_down_set_selected (self->scale_dropdown, tandem_project_get_scale (self->project));
  if (tandem_project_get_play_mode (self->project) == TANDEM_PLAY_MODE_SONG)
    gtk_toggle_button_set_active (self->song_mode_button, TRUE);
  else
    gtk_toggle_button_set_active (self->pattern_mode_button, TRUE);
  self->updating = FALSE;
}

static void
on_tempo_changed (TandemTransportBar *self)
{
  g_autoptr(TandemOp) op = NULL;
  double value = gtk_adjustment_get_value (self->tempo_adjustment);

  if (self->project == NULL || value == tandem_project_get_tempo (self->project))
    return;

  /* While playing, the change lands on the next bar for everyone. */
  op = tandem_transport_op_tempo (self->project, tandem_transport_session_now (self->client),
                                  tandem_transport_session_lead (self->client), value);
  submit (self, op);
}

static void
on_swing_changed (TandemTransportBar *self)
{
  g_autoptr(TandemOp) op = NULL;
  double value = gtk_adjustment_get_value (self->swing_adjustment);

  if (self->project == NULL || value == tandem_project_get_swing (self->project))
    return;

  op = tandem_op_new_set_double (TANDEM_ENTITY_PROJECT, NULL, "swing", value);
  submit (self, op);
}

static void
on_key_selected (TandemTransportBar *self)
{
  g_autoptr(TandemOp) op = NULL;
  guint key = gtk_drop_down_get_selected (self->key_dropdown);

  if (self->project == NULL || key == GTK_INVALID_LIST_POSITION ||
      key == tandem_project_get_key_root (self->project))
    return;

  op = tandem_op_new_set_int (TANDEM_ENTITY_PROJECT, NULL, "key-root", key);
  submit (self, op);
}

static void
on_scale_selected (TandemTransportBar *self)
{
  g_autoptr(TandemOp) op = NULL;
  guint scale = gtk_drop_down_get_selected (self->scale_dropdown);

  if (self->project == NULL || scale >= TANDEM_N_SCALES ||
      scale == tandem_project_get_scale (self->project))
    return;

  op = tandem_op_new_set_string (TANDEM_ENTITY_PROJECT, NULL, "scale",
                                 tandem_scale_to_string (scale));
  submit (self, op);
}

static void
on_mode_toggled (TandemTransportBar *self,
                 GtkToggleButton    *button)
{
  g_autoptr(TandemOp) op = NULL;
  TandemPlayMode mode;

  if (self->project == NULL || !gtk_toggle_button_get_active (button))
    return;

  mode = button == self->song_mode_button ? TANDEM_PLAY_MODE_SONG : TANDEM_PLAY_MODE_PATTERN;
  if (mode == tandem_project_get_play_mode (self->project))
    return;

  op = tandem_op_new_set_string (TANDEM_ENTITY_PROJECT, NULL, "play-mode",
                                 tandem_play_mode_to_string (mode));
  submit (self, op);
}

/**
 * tandem_transport_bar_set_history:
 *
 * Shows the project of @history and submits edits through it.
 */
void
tandem_transport_bar_set_history (TandemTransportBar *self,
                                  TandemHistory      *history)
{
  g_return_if_fail (TANDEM_IS_TRANSPORT_BAR (self));
  g_return_if_fail (!history || TANDEM_IS_HISTORY (history));

  if (!g_set_object (&self->history, history))
    return;

  g_clear_object (&self->project);
  if (history != NULL)
    self->project = g_object_ref (tandem_history_get_project (history));
  g_signal_group_set_target (self->project_signals, self->project);
  sync_from_project (self);
}

static void
tandem_transport_bar_dispose (GObject *object)
{
  TandemTransportBar *self = TANDEM_TRANSPORT_BAR (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), TANDEM_TYPE_TRANSPORT_BAR);
  g_clear_object (&self->project_signals);
  g_clear_object (&self->history);
  g_clear_object (&self->project);
  g_clear_weak_pointer (&self->client);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (tandem_transport_bar_parent_class)->dispose (object);
}

static void
tandem_transport_bar_class_init (TandemTransportBarClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = tandem_transport_bar_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PATH "/tandem-transport-bar.ui");
  gtk_widget_class_bind_template_child (widget_class, TandemTransportBar, box);
  gtk_widget_class_bind_template_child (widget_class, TandemTransportBar, tempo_adjustment);
  gtk_widget_class_bind_template_child (widget_class, TandemTransportBar, swing_adjustment);
  gtk_widget_class_bind_template_child (widget_class, TandemTransportBar, key_dropdown);
  gtk_widget_class_bind_template_child (widget_class, TandemTransportBar, scale_dropdown);
  gtk_widget_class_bind_template_child (widget_class, TandemTransportBar, pattern_mode_button);
  gtk_widget_class_bind_template_child (widget_class, TandemTransportBar, song_mode_button);
  gtk_widget_class_bind_template_child (widget_class, TandemTransportBar, metronome_button);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "transportbar");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_TOOLBAR);
}

static void
tandem_transport_bar_init (TandemTransportBar *self)
{
  g_autoptr(GtkStringList) keys = gtk_string_list_new (key_names);
  g_autoptr(GtkStringList) scales = gtk_string_list_new (NULL);

  gtk_widget_init_template (GTK_WIDGET (self));

  for (guint i = 0; scale_names[i] != NULL; i++)
    gtk_string_list_append (scales, _(scale_names[i]));
  gtk_drop_down_set_model (self->key_dropdown, G_LIST_MODEL (keys));
  gtk_drop_down_set_model (self->scale_dropdown, G_LIST_MODEL (scales));
  self->settings = g_settings_new (APP_ID);
  g_settings_bind (self->settings, "metronome", self->metronome_button, "active",
                   G_SETTINGS_BIND_DEFAULT);

  self->project_signals = g_signal_group_new (TANDEM_TYPE_PROJECT);
  g_signal_group_connect_swapped (self->project_signals, "notify::tempo",
                                  G_CALLBACK (sync_from_project), self);
  g_signal_group_connect_swapped (self->project_signals, "notify::swing",
                                  G_CALLBACK (sync_from_project), self);
  g_signal_group_connect_swapped (self->project_signals, "notify::key-root",
                                  G_CALLBACK (sync_from_project), self);
  g_signal_group_connect_swapped (self->project_signals, "notify::scale",
                                  G_CALLBACK (sync_from_project), self);
  g_signal_group_connect_swapped (self->project_signals, "notify::play-mode",
                                  G_CALLBACK (sync_from_project), self);
  g_signal_group_connect_swapped (self->project_signals, "reset",
                                  G_CALLBACK (sync_from_project), self);

  g_signal_connect_swapped (self->tempo_adjustment, "value-changed",
                            G_CALLBACK (on_tempo_changed), self);
  g_signal_connect_swapped (self->swing_adjustment, "value-changed",
                            G_CALLBACK (on_swing_changed), self);
  g_signal_connect_swapped (self->key_dropdown, "notify::selected",
                            G_CALLBACK (on_key_selected), self);
  g_signal_connect_swapped (self->scale_dropdown, "notify::selected",
                            G_CALLBACK (on_scale_selected), self);
  g_signal_connect_swapped (self->pattern_mode_button, "toggled",
                            G_CALLBACK (on_mode_toggled), self);
  g_signal_connect_swapped (self->song_mode_button, "toggled",
                            G_CALLBACK (on_mode_toggled), self);
}

void
tandem_transport_bar_set_sync_client (TandemTransportBar *self,
                                      TandemSyncClient   *client)
{
  g_return_if_fail (TANDEM_IS_TRANSPORT_BAR (self));
  g_return_if_fail (client == NULL || TANDEM_IS_SYNC_CLIENT (client));

  g_set_weak_pointer (&self->client, client);
}
