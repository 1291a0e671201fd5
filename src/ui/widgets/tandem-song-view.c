/* tandem-song-view.c — the Song page: pattern lanes beside the timeline
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-ui"

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "tandem-song-view.h"
#include "tandem-timeline-view-private.h"
#include "tandem-widgets-private.h"

struct _TandemSongView
{
  GtkWidget           parent_instance;

  TandemProject      *project;
  TandemHistory      *history;
  GSignalGroup       *project_signals;
  GPtrArray          *watched;     /* patterns whose "notify::name" we follow */

  GtkWidget          *outer;
  GtkWidget          *lanes_box;
  GtkWidget          *scroller;
  TandemTimelineView *timeline;
};

G_DEFINE_FINAL_TYPE (TandemSongView, tandem_song_view, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_PROJECT,
  PROP_HISTORY,
  N_PROPS
};
static GParamSpec *properties[N_PROPS];

static void rebuild_lanes (TandemSongView *self);

/* ---- the lane headers ---------------------------------------------------- */

static GMenuModel *
lane_menu (const char *pattern_id)
{
  GMenu *menu = g_menu_new ();
  g_autoptr(GMenuItem) rename = g_menu_item_new (_("_Rename…"), NULL);
  g_autoptr(GMenuItem) duplicate = g_menu_item_new (_("_Duplicate"), NULL);

  g_menu_item_set_action_and_target_value (rename, "song.rename-pattern",
                                           g_variant_new_string (pattern_id));
  g_menu_item_set_action_and_target_value (duplicate, "song.duplicate-pattern",
                                           g_variant_new_string (pattern_id));
  g_menu_append_item (menu, rename);
  g_menu_append_item (menu, duplicate);
  return G_MENU_MODEL (menu);
}

static void
unwatch_patterns (TandemSongView *self)
{
  for (guint i = 0; i < self->watched->len; i++)
    g_signal_handlers_disconnect_by_func (g_ptr_array_index (self->watched, i),
                                          rebuild_lanes, self);
  g_ptr_array_set_size (self->watched, 0);
}

/* A header per pattern, as tall as its lane; rebuilt whole when the
 * patterns or their names change (a song has a handful). */
static void
rebuild_lanes (TandemSongView *self)
{
  GListModel *patterns;
  GtkWidget *child;
  GtkWidget *spacer;

  unwatch_patterns (self);
  while ((child = gtk_widget_get_first_child (self->lanes_box)) != NULL)
    gtk_box_remove (GTK_BOX (self->lanes_box), child);
  if (self->project == NULL)
    return;

  spacer = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  gtk_widget_set_size_request (spacer, -1, TANDEM_TIMELINE_RULER_HEIGHT);
  gtk_box_append (GTK_BOX (self->lanes_box), spacer);

  patterns = tandem_project_get_patterns (self->project);
  for (guint i = 0; i < g_list_model_get_n_items (patterns); i++)
    {
      g_autoptr(TandemPattern) pattern = g_list_model_get_item (patterns, i);
      g_autoptr(GMenuModel) menu = lane_menu (tandem_pattern_get_id (pattern));
      g_autofree char *options = NULL;
      GtkWidget *row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 0);
      GtkWidget *button = gtk_menu_button_new ();
      GtkWidget *label = gtk_label_new (tandem_pattern_get_name (pattern));

      gtk_widget_set_size_request (row, -1, TANDEM_TIMELINE_LANE_HEIGHT);
      gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
      gtk_label_set_xalign (GTK_LABEL (label), 0);
      gtk_menu_button_set_child (GTK_MENU_BUTTON (button), label);
      gtk_menu_button_set_menu_model (GTK_MENU_BUTTON (button), menu);
      gtk_widget_add_css_class (button, "flat");
      /* Fills the column, and does not widen it: the timeline takes the room. */
      gtk_widget_set_hexpand (button, FALSE);
      gtk_widget_set_size_request (button, 140, -1);
      gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
      gtk_widget_set_tooltip_text (button, tandem_pattern_get_name (pattern));
      /* Translators: accessible name of a song lane's header, “Verse Options” */
      options = g_strdup_printf (_("%s Options"), tandem_pattern_get_name (pattern));
      gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      options, -1);
      gtk_box_append (GTK_BOX (row), button);
      gtk_box_append (GTK_BOX (self->lanes_box), row);

      g_signal_connect_object (pattern, "notify::name", G_CALLBACK (rebuild_lanes), self,
                               G_CONNECT_SWAPPED);
      g_ptr_array_add (self->watched, g_object_ref (pattern));
    }
}

/* ---- actions ------------------------------------------------------------- */

static void
song_duplicate_pattern (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *parameter)
{
  TandemSongView *self = TANDEM_SONG_VIEW (widget);
  g_autofree char *copy_id = tandem_id_new ();
  TandemOp *op;
  guint position;

  if (self->project != NULL
      && (op = _tandem_widgets_duplicate_pattern_op (self->project, g_variant_get_string (parameter, NULL),
                                                     copy_id, &position)) != NULL)
    _tandem_widgets_apply (self->history, op);
}

static void
song_set_pattern_name (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  TandemSongView *self = TANDEM_SONG_VIEW (widget);
  g_autofree char *name = NULL;
  const char *id;
  TandemPattern *pattern;

  g_variant_get (parameter, "(&ss)", &id, &name);
  g_strstrip (name);
  if (self->project == NULL || (pattern = tandem_project_find_pattern (self->project, id)) == NULL
      || !tandem_name_is_valid (name) || g_str_equal (name, tandem_pattern_get_name (pattern)))
    return;
  _tandem_widgets_apply (self->history,
                         tandem_op_new_set_string (TANDEM_ENTITY_PATTERN, id, "name", name));
}

static void
on_rename_response (AdwMessageDialog *dialog,
                    const char       *response,
                    TandemSongView   *self)
{
  GtkWidget *entry = adw_message_dialog_get_extra_child (dialog);

  if (g_strcmp0 (response, "rename") == 0)
    gtk_widget_activate_action (GTK_WIDGET (self), "song.set-pattern-name", "(ss)",
                                g_object_get_data (G_OBJECT (dialog), "pattern-id"),
                                gtk_editable_get_text (GTK_EDITABLE (entry)));
}

static void
on_rename_changed (GtkEditable      *entry,
                   AdwMessageDialog *dialog)
{
  g_autofree char *name = g_strstrip (g_strdup (gtk_editable_get_text (entry)));

  adw_message_dialog_set_response_enabled (dialog, "rename", tandem_name_is_valid (name));
}

static void
on_rename_activate (GtkEntry         *entry,
                    AdwMessageDialog *dialog)
{
  if (adw_message_dialog_get_response_enabled (dialog, "rename"))
    adw_message_dialog_response (dialog, "rename");
}

static void
song_rename_pattern (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  TandemSongView *self = TANDEM_SONG_VIEW (widget);
  const char *id = g_variant_get_string (parameter, NULL);
  TandemPattern *pattern;
  GtkWidget *dialog, *entry;
  GtkRoot *root;

  if (self->project == NULL || (pattern = tandem_project_find_pattern (self->project, id)) == NULL)
    return;

  root = gtk_widget_get_root (widget);
  dialog = adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                   _("Rename Pattern"), NULL);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "rename", _("_Rename"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "rename",
                                              ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "rename");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");

  entry = gtk_entry_new ();
  gtk_editable_set_text (GTK_EDITABLE (entry), tandem_pattern_get_name (pattern));
  gtk_entry_set_max_length (GTK_ENTRY (entry), TANDEM_MAX_NAME_LEN);
  gtk_accessible_update_property (GTK_ACCESSIBLE (entry), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Pattern name"), -1);
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), entry);
  g_signal_connect (entry, "changed", G_CALLBACK (on_rename_changed), dialog);
  g_signal_connect (entry, "activate", G_CALLBACK (on_rename_activate), dialog);
  g_object_set_data_full (G_OBJECT (dialog), "pattern-id", g_strdup (id), g_free);
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_rename_response), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
  gtk_widget_grab_focus (entry);
}

/* ---- the project --------------------------------------------------------- */

static void
on_project_bind (TandemSongView *self,
                 TandemProject  *project)
{
  g_signal_connect_object (tandem_project_get_patterns (project), "items-changed",
                           G_CALLBACK (rebuild_lanes), self, G_CONNECT_SWAPPED);
}

static void
on_project_unbind (TandemSongView *self)
{
  if (self->project != NULL)
    g_signal_handlers_disconnect_by_func (tandem_project_get_patterns (self->project),
                                          rebuild_lanes, self);
}

static void
set_project (TandemSongView *self,
             TandemProject  *project)
{
  if (self->project == project)
    return;
  g_signal_group_set_target (self->project_signals, NULL);
  g_set_object (&self->project, project);
  g_signal_group_set_target (self->project_signals, project);
  tandem_timeline_view_set_project (self->timeline, project);
  rebuild_lanes (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROJECT]);
}

static void
set_history (TandemSongView *self,
             TandemHistory  *history)
{
  if (g_set_object (&self->history, history))
    {
      tandem_timeline_view_set_history (self->timeline, history);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HISTORY]);
    }
}

/* ---- GObject ------------------------------------------------------------- */

static void
tandem_song_view_dispose (GObject *object)
{
  TandemSongView *self = TANDEM_SONG_VIEW (object);

  if (self->project_signals != NULL)
    g_signal_group_set_target (self->project_signals, NULL);
  if (self->watched != NULL)
    unwatch_patterns (self);
  gtk_widget_dispose_template (GTK_WIDGET (self), TANDEM_TYPE_SONG_VIEW);
  g_clear_object (&self->project_signals);
  g_clear_object (&self->project);
  g_clear_object (&self->history);

  G_OBJECT_CLASS (tandem_song_view_parent_class)->dispose (object);
}

static void
tandem_song_view_finalize (GObject *object)
{
  TandemSongView *self = TANDEM_SONG_VIEW (object);

  g_clear_pointer (&self->watched, g_ptr_array_unref);

  G_OBJECT_CLASS (tandem_song_view_parent_class)->finalize (object);
}

static void
tandem_song_view_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  TandemSongView *self = TANDEM_SONG_VIEW (object);

  switch (prop_id)
    {
    case PROP_PROJECT:
      g_value_set_object (value, self->project);
      break;
    case PROP_HISTORY:
      g_value_set_object (value, self->history);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tandem_song_view_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  TandemSongView *self = TANDEM_SONG_VIEW (object);

  switch (prop_id)
    {
    case PROP_PROJECT:
      set_project (self, g_value_get_object (value));
      break;
    case PROP_HISTORY:
      set_history (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tandem_song_view_class_init (TandemSongViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = tandem_song_view_dispose;
  object_class->finalize = tandem_song_view_finalize;
  object_class->get_property = tandem_song_view_get_property;
  object_class->set_property = tandem_song_view_set_property;

  properties[PROP_PROJECT] =
    g_param_spec_object ("project", NULL, NULL, TANDEM_TYPE_PROJECT,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_HISTORY] =
    g_param_spec_object ("history", NULL, NULL, TANDEM_TYPE_HISTORY,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_install_action (widget_class, "song.rename-pattern", "s",
                                   song_rename_pattern);
  gtk_widget_class_install_action (widget_class, "song.set-pattern-name", "(ss)",
                                   song_set_pattern_name);
  gtk_widget_class_install_action (widget_class, "song.duplicate-pattern", "s",
                                   song_duplicate_pattern);

  g_type_ensure (TANDEM_TYPE_TIMELINE_VIEW);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PATH "/widgets/tandem-song-view.ui");
  gtk_widget_class_bind_template_child (widget_class, TandemSongView, outer);
  gtk_widget_class_bind_template_child (widget_class, TandemSongView, lanes_box);
  gtk_widget_class_bind_template_child (widget_class, TandemSongView, scroller);
  gtk_widget_class_bind_template_child (widget_class, TandemSongView, timeline);
  gtk_widget_class_set_css_name (widget_class, "songview");
}

static void
tandem_song_view_init (TandemSongView *self)
{
  self->watched = g_ptr_array_new_with_free_func (g_object_unref);
  gtk_widget_init_template (GTK_WIDGET (self));

  self->project_signals = g_signal_group_new (TANDEM_TYPE_PROJECT);
  g_signal_connect_object (self->project_signals, "bind", G_CALLBACK (on_project_bind), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->project_signals, "unbind", G_CALLBACK (on_project_unbind), self,
                           G_CONNECT_SWAPPED);
  g_signal_group_connect_object (self->project_signals, "reset", G_CALLBACK (rebuild_lanes),
                                 self, G_CONNECT_SWAPPED);
}

GtkWidget *
tandem_song_view_new (void)
{
  return g_object_new (TANDEM_TYPE_SONG_VIEW, NULL);
}

TandemTimelineView *
tandem_song_view_get_timeline (TandemSongView *self)
{
  g_return_val_if_fail (TANDEM_IS_SONG_VIEW (self), NULL);

  return self->timeline;
}

GtkWidget *
tandem_song_view_get_lane_header (TandemSongView *self,
                                  guint           index)
{
  GtkWidget *row;

  g_return_val_if_fail (TANDEM_IS_SONG_VIEW (self), NULL);

  /* Past the ruler's spacer. */
  row = gtk_widget_get_first_child (self->lanes_box);
  for (guint i = 0; row != NULL && i <= index; i++)
    row = gtk_widget_get_next_sibling (row);
  return row != NULL ? gtk_widget_get_first_child (row) : NULL;
}

GtkScrolledWindow *
tandem_song_view_get_scroller (TandemSongView *self)
{
  g_return_val_if_fail (TANDEM_IS_SONG_VIEW (self), NULL);

  return GTK_SCROLLED_WINDOW (self->scroller);
}
