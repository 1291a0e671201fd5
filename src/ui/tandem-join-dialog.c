/* tandem-join-dialog.c — asks for the invite link of a session to join
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-ui"

#include "config.h"

#include <glib/gi18n.h>

#include "tandem-invite.h"
#include "tandem-join-dialog.h"

struct _TandemJoinDialog
{
  AdwMessageDialog  parent_instance;

  /* Template children */
  AdwEntryRow      *link_row;
  GtkBox           *nearby_slot;
  GtkBox           *name_slot;
};

G_DEFINE_FINAL_TYPE (TandemJoinDialog, tandem_join_dialog, ADW_TYPE_MESSAGE_DIALOG)

enum {
  PROP_0,
  PROP_LINK,
  N_PROPS
};

enum {
  SIGNAL_JOIN,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void
on_link_changed (TandemJoinDialog *self)
{
  g_autoptr(TandemInvite) invite = tandem_invite_parse (tandem_join_dialog_get_link (self), NULL);

  adw_message_dialog_set_response_enabled (ADW_MESSAGE_DIALOG (self), "join", invite != NULL);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LINK]);
}

/* Enter joins. AdwMessageDialog 1.2 does not make its default response the
 * window's default widget, so activates-default would do nothing. */
static void
on_link_activated (TandemJoinDialog *self)
{
  if (adw_message_dialog_get_response_enabled (ADW_MESSAGE_DIALOG (self), "join"))
    {
      adw_message_dialog_response (ADW_MESSAGE_DIALOG (self), "join");
      gtk_window_close (GTK_WINDOW (self));
    }
}

static void
tandem_join_dialog_response (AdwMessageDialog *dialog,
                             const char       *response)
{
  TandemJoinDialog *self = TANDEM_JOIN_DIALOG (dialog);

  if (ADW_MESSAGE_DIALOG_CLASS (tandem_join_dialog_parent_class)->response != NULL)
    ADW_MESSAGE_DIALOG_CLASS (tandem_join_dialog_parent_class)->response (dialog, response);
  if (g_strcmp0 (response, "join") == 0)
    {
      g_autofree char *link = g_strdup (tandem_join_dialog_get_link (self));

      g_signal_emit (self, signals[SIGNAL_JOIN], 0, link);
    }
}

static void
tandem_join_dialog_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  TandemJoinDialog *self = TANDEM_JOIN_DIALOG (object);

  switch (prop_id)
    {
    case PROP_LINK:
      g_value_set_string (value, tandem_join_dialog_get_link (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tandem_join_dialog_set_property (GObject      *object,
                                 guint         prop_id,
                                 const GValue *value,
                                 GParamSpec   *pspec)
{
  TandemJoinDialog *self = TANDEM_JOIN_DIALOG (object);

  switch (prop_id)
    {
    case PROP_LINK:
      tandem_join_dialog_set_link (self, g_value_get_string (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tandem_join_dialog_class_init (TandemJoinDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  AdwMessageDialogClass *dialog_class = ADW_MESSAGE_DIALOG_CLASS (klass);

  object_class->get_property = tandem_join_dialog_get_property;
  object_class->set_property = tandem_join_dialog_set_property;
  dialog_class->response = tandem_join_dialog_response;

  properties[PROP_LINK] =
    g_param_spec_string ("link", NULL, NULL, "",
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * TandemJoinDialog::join:
   * @link: the invite link, already known to parse
   *
   * The user asked to join the session behind @link.
   */
  signals[SIGNAL_JOIN] = g_signal_new ("join", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                       0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PATH "/tandem-join-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, TandemJoinDialog, link_row);
  gtk_widget_class_bind_template_child (widget_class, TandemJoinDialog, nearby_slot);
  gtk_widget_class_bind_template_child (widget_class, TandemJoinDialog, name_slot);
  gtk_widget_class_bind_template_callback (widget_class, on_link_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_link_activated);
}

static void
tandem_join_dialog_init (TandemJoinDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

/**
 * tandem_join_dialog_new:
 * @parent: (nullable): the window the dialog belongs to
 *
 * Returns: (transfer none): a new, not yet shown dialog
 */
TandemJoinDialog *
tandem_join_dialog_new (GtkWindow *parent)
{
  return g_object_new (TANDEM_TYPE_JOIN_DIALOG, "transient-for", parent, NULL);
}

const char *
tandem_join_dialog_get_link (TandemJoinDialog *self)
{
  g_return_val_if_fail (TANDEM_IS_JOIN_DIALOG (self), NULL);

  return gtk_editable_get_text (GTK_EDITABLE (self->link_row));
}

void
tandem_join_dialog_set_link (TandemJoinDialog *self,
                             const char       *link)
{
  g_return_if_fail (TANDEM_IS_JOIN_DIALOG (self));

  if (g_strcmp0 (link, tandem_join_dialog_get_link (self)) != 0)
    gtk_editable_set_text (GTK_EDITABLE (self->link_row), link != NULL ? link : "");
}

/**
 * tandem_join_dialog_get_nearby_slot:
 *
 * Returns: (transfer none): an empty, hidden box under the link, for the
 *   sessions found nearby; show it when you fill it
 */
GtkBox *
tandem_join_dialog_get_nearby_slot (TandemJoinDialog *self)
{
  g_return_val_if_fail (TANDEM_IS_JOIN_DIALOG (self), NULL);

  return self->nearby_slot;
}

/**
 * tandem_join_dialog_get_name_slot:
 *
 * Returns: (transfer none): an empty, hidden box for the "your name" entry;
 *   show it when you fill it
 */
GtkBox *
tandem_join_dialog_get_name_slot (TandemJoinDialog *self)
{
  g_return_val_if_fail (TANDEM_IS_JOIN_DIALOG (self), NULL);

  return self->name_slot;
}
