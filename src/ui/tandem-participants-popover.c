/* tandem-participants-popover.c — who is in the session, where they are, their roles
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-ui"

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "tandem-participants-popover.h"

#define FALLBACK_COLOR "#3584e4"

struct _TandemParticipantsPopover
{
  GtkPopover     parent_instance;

  GListModel    *participants;
  TandemProject *project;
  gboolean       can_manage;
  char          *following;

  /* Template children */
  GtkListBox    *own_list;
  AdwActionRow  *own_row;
  GtkLabel      *own_dot;
  GtkListBox    *list;
  GtkLabel      *hint_label;
};

G_DEFINE_FINAL_TYPE (TandemParticipantsPopover, tandem_participants_popover, GTK_TYPE_POPOVER)

enum {
  FOLLOW,
  SET_ROLE,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

const char *
tandem_participants_popover_role_label (const char *role)
{
  if (g_strcmp0 (role, "owner") == 0)
    return _("Host");
  if (g_strcmp0 (role, "viewer") == 0)
    return _("Listening");
  return _("Editor");
}

static const char *
page_label (const char *page)
{
  if (g_strcmp0 (page, "grid") == 0)
    return _("Grid");
  if (g_strcmp0 (page, "mixer") == 0)
    return _("Mixer");
  if (g_strcmp0 (page, "song") == 0)
    return _("Song");
  return NULL;
}

static void
set_dot (GtkLabel   *dot,
         const char *color)
{
  g_autofree char *markup = NULL;
  GdkRGBA rgba;

  if (color == NULL || !gdk_rgba_parse (&rgba, color))
    color = FALLBACK_COLOR;
  markup = g_markup_printf_escaped ("<span foreground=\"%s\">●</span>", color);
  gtk_label_set_markup (dot, markup);
  gtk_accessible_update_property (GTK_ACCESSIBLE (dot), GTK_ACCESSIBLE_PROPERTY_LABEL, "", -1);
}

char *
tandem_participants_popover_describe (TandemParticipantsPopover *self,
                                      TandemParticipant         *participant)
{
  GString *text = g_string_new (tandem_participants_popover_role_label (
                                  tandem_participant_get_role (participant)));
  const char *pattern_id = tandem_participant_get_view_pattern (participant);
  const char *page = page_label (tandem_participant_get_view_page (participant));
  TandemPattern *pattern = NULL;
  gint64 rtt = tandem_participant_get_rtt (participant);

  g_return_val_if_fail (TANDEM_IS_PARTICIPANTS_POPOVER (self), NULL);

  if (self->project != NULL && pattern_id != NULL)
    pattern = tandem_project_find_pattern (self->project, pattern_id);
  if (pattern != NULL)
    /* Translators: where someone is, e.g. “Editor · on Pattern 2” */
    g_string_append_printf (text, _(" · on %s"), tandem_pattern_get_name (pattern));
  if (page != NULL)
    g_string_append_printf (text, " · %s", page);
  if (rtt > 0)
    /* Translators: their measured round trip to the server */
    g_string_append_printf (text, _(" · %.1f ms round trip"), rtt / 1000.0);
  return g_string_free (text, FALSE);
}

static void
refresh_row (GtkWidget *row)
{
  TandemParticipantsPopover *self = g_object_get_data (G_OBJECT (row), "popover");
  TandemParticipant *p = g_object_get_data (G_OBJECT (row), "participant");
  GtkWidget *role_button = g_object_get_data (G_OBJECT (row), "role-button");
  gboolean viewer = g_strcmp0 (tandem_participant_get_role (p), "viewer") == 0;
  gboolean followed = g_strcmp0 (self->following, tandem_participant_get_client_id (p)) == 0;
  g_autofree char *detail = tandem_participants_popover_describe (self, p);
  g_autofree char *title = NULL;
  const char *name = tandem_participant_get_name (p);

  if (name == NULL || name[0] == '\0')
    name = _("Someone");
  /* Translators: the row of the person being followed */
  title = followed ? g_strdup_printf (_("%s (Following)"), name) : g_strdup (name);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), detail);
  set_dot (g_object_get_data (G_OBJECT (row), "dot"), tandem_participant_get_color (p));

  gtk_widget_set_visible (role_button, self->can_manage &&
                          g_strcmp0 (tandem_participant_get_role (p), "owner") != 0);
  gtk_button_set_icon_name (GTK_BUTTON (role_button),
                            viewer ? "document-edit-symbolic" : "audio-headphones-symbolic");
  gtk_widget_set_tooltip_text (role_button, viewer ? _("Let Them Edit") : _("Make Them Listen"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (role_button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  viewer ? _("Let Them Edit") : _("Make Them Listen"), -1);
}

static void
on_role_clicked (GtkWidget *row)
{
  TandemParticipantsPopover *self = g_object_get_data (G_OBJECT (row), "popover");
  TandemParticipant *p = g_object_get_data (G_OBJECT (row), "participant");
  gboolean viewer = g_strcmp0 (tandem_participant_get_role (p), "viewer") == 0;

  g_signal_emit (self, signals[SET_ROLE], 0, p, viewer ? "editor" : "viewer");
}

static GtkWidget *
create_row (gpointer item,
            gpointer user_data)
{
  TandemParticipantsPopover *self = user_data;
  TandemParticipant *p = item;
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *dot = gtk_label_new (NULL);
  GtkWidget *role_button = gtk_button_new ();

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), dot);
  gtk_widget_set_valign (role_button, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (role_button, "flat");
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), role_button);

  g_object_set_data (G_OBJECT (row), "popover", self);
  g_object_set_data_full (G_OBJECT (row), "participant", g_object_ref (p), g_object_unref);
  g_object_set_data (G_OBJECT (row), "dot", dot);
  g_object_set_data (G_OBJECT (row), "role-button", role_button);
  g_signal_connect_object (role_button, "clicked", G_CALLBACK (on_role_clicked), row,
                           G_CONNECT_SWAPPED);
  /* The row follows its participant; the list itself only changes when
   * someone joins or leaves. */
  g_signal_connect_object (p, "notify", G_CALLBACK (refresh_row), row, G_CONNECT_SWAPPED);
  refresh_row (row);
  return row;
}

static void
on_row_activated (TandemParticipantsPopover *self,
                  GtkListBoxRow             *row)
{
  TandemParticipant *p = g_object_get_data (G_OBJECT (row), "participant");

  if (p != NULL)
    g_signal_emit (self, signals[FOLLOW], 0, p);
}

static void
refresh_rows (TandemParticipantsPopover *self)
{
  for (GtkWidget *row = gtk_widget_get_first_child (GTK_WIDGET (self->list)); row != NULL;
       row = gtk_widget_get_next_sibling (row))
    if (g_object_get_data (G_OBJECT (row), "participant") != NULL)
      refresh_row (row);
}

/* A pattern renamed: the rows say where people are by its name. */
static void
on_op_applied (TandemParticipantsPopover *self,
               TandemOp                  *op)
{
  if (tandem_op_get_kind (op) == TANDEM_OP_BATCH ||
      (tandem_op_get_entity (op) == TANDEM_ENTITY_PATTERN &&
       tandem_op_get_kind (op) == TANDEM_OP_SET))
    refresh_rows (self);
}

static void
tandem_participants_popover_dispose (GObject *object)
{
  TandemParticipantsPopover *self = TANDEM_PARTICIPANTS_POPOVER (object);

  if (self->list != NULL)
    gtk_list_box_bind_model (self->list, NULL, NULL, NULL, NULL);
  g_clear_object (&self->participants);
  if (self->project != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->project, self);
      g_signal_handlers_disconnect_by_data (tandem_project_get_patterns (self->project), self);
    }
  g_clear_object (&self->project);
  g_clear_pointer (&self->following, g_free);
  gtk_widget_dispose_template (GTK_WIDGET (self), TANDEM_TYPE_PARTICIPANTS_POPOVER);
  G_OBJECT_CLASS (tandem_participants_popover_parent_class)->dispose (object);
}

static void
tandem_participants_popover_class_init (TandemParticipantsPopoverClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = tandem_participants_popover_dispose;

  signals[FOLLOW] =
    g_signal_new ("follow", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, TANDEM_TYPE_PARTICIPANT);
  signals[SET_ROLE] =
    g_signal_new ("set-role", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, TANDEM_TYPE_PARTICIPANT, G_TYPE_STRING);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/tandemjam/Tandem/"
                                               "tandem-participants-popover.ui");
  gtk_widget_class_bind_template_child (widget_class, TandemParticipantsPopover, own_list);
  gtk_widget_class_bind_template_child (widget_class, TandemParticipantsPopover, own_row);
  gtk_widget_class_bind_template_child (widget_class, TandemParticipantsPopover, own_dot);
  gtk_widget_class_bind_template_child (widget_class, TandemParticipantsPopover, list);
  gtk_widget_class_bind_template_child (widget_class, TandemParticipantsPopover, hint_label);
  gtk_widget_class_bind_template_callback (widget_class, on_row_activated);
}

static void
tandem_participants_popover_init (TandemParticipantsPopover *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
tandem_participants_popover_new (void)
{
  return g_object_new (TANDEM_TYPE_PARTICIPANTS_POPOVER, NULL);
}

void
tandem_participants_popover_set_model (TandemParticipantsPopover *self,
                                       GListModel                *participants)
{
  g_return_if_fail (TANDEM_IS_PARTICIPANTS_POPOVER (self));
  g_return_if_fail (participants == NULL || G_IS_LIST_MODEL (participants));

  if (!g_set_object (&self->participants, participants))
    return;
  gtk_list_box_bind_model (self->list, participants, participants ? create_row : NULL, self,
                           NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->hint_label), participants != NULL);
}

void
tandem_participants_popover_set_project (TandemParticipantsPopover *self,
                                         TandemProject             *project)
{
  g_return_if_fail (TANDEM_IS_PARTICIPANTS_POPOVER (self));

  if (self->project == project)
    return;
  if (self->project != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->project, self);
      g_signal_handlers_disconnect_by_data (tandem_project_get_patterns (self->project), self);
    }
  g_set_object (&self->project, project);
  if (project != NULL)
    {
      g_signal_connect_object (project, "reset", G_CALLBACK (refresh_rows), self,
                               G_CONNECT_SWAPPED);
      g_signal_connect_object (project, "op-applied", G_CALLBACK (on_op_applied), self,
                               G_CONNECT_SWAPPED);
      /* Someone's view may name a pattern before it has arrived here. */
      g_signal_connect_object (tandem_project_get_patterns (project), "items-changed",
                               G_CALLBACK (refresh_rows), self, G_CONNECT_SWAPPED);
    }
  refresh_rows (self);
}

void
tandem_participants_popover_set_own (TandemParticipantsPopover *self,
                                     const char                *name,
                                     const char                *color,
                                     const char                *detail)
{
  /* Translators: the user's own row in the participants list */
  g_autofree char *you = g_strdup_printf (_("%s (You)"), name);

  g_return_if_fail (TANDEM_IS_PARTICIPANTS_POPOVER (self));

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->own_row), you);
  adw_action_row_set_subtitle (self->own_row, detail != NULL ? detail : "");
  set_dot (self->own_dot, color);
}

void
tandem_participants_popover_set_can_manage (TandemParticipantsPopover *self,
                                            gboolean                   can_manage)
{
  g_return_if_fail (TANDEM_IS_PARTICIPANTS_POPOVER (self));

  if (self->can_manage == !!can_manage)
    return;
  self->can_manage = !!can_manage;
  refresh_rows (self);
}

void
tandem_participants_popover_set_following (TandemParticipantsPopover *self,
                                           const char                *client_id)
{
  g_return_if_fail (TANDEM_IS_PARTICIPANTS_POPOVER (self));

  if (g_strcmp0 (self->following, client_id) == 0)
    return;
  g_free (self->following);
  self->following = g_strdup (client_id);
  refresh_rows (self);
}

/**
 * tandem_participants_popover_get_row:
 * @index: 0 for the first other person
 *
 * Returns: (transfer none) (nullable): that person's row (an AdwActionRow)
 */
GtkListBoxRow *
tandem_participants_popover_get_row (TandemParticipantsPopover *self,
                                     guint                      index)
{
  g_return_val_if_fail (TANDEM_IS_PARTICIPANTS_POPOVER (self), NULL);

  return gtk_list_box_get_row_at_index (self->list, index);
}

/**
 * tandem_participants_popover_get_own_row:
 *
 * Returns: (transfer none): the user's own row
 */
AdwActionRow *
tandem_participants_popover_get_own_row (TandemParticipantsPopover *self)
{
  g_return_val_if_fail (TANDEM_IS_PARTICIPANTS_POPOVER (self), NULL);

  return self->own_row;
}
