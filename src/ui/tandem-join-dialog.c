/* tandem-join-dialog.c — asks for the invite link of a session to join
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-ui"

#include "config.h"

#include <glib/gi18n.h>

#include "tandem-certificate-pin.h"
#include "tandem-invite.h"
#include "tandem-join-dialog.h"
#include "tandem-lan-browser.h"

struct _TandemJoinDialog
{
  AdwMessageDialog  parent_instance;

  /* Template children */
  AdwEntryRow      *link_row;
  GtkBox           *nearby_slot;
  GtkBox           *name_slot;
  GtkListBox       *nearby_list;

  TandemLanBrowser *browser;
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

static GtkWidget *
create_nearby_row (gpointer item,
                   gpointer data)
{
  TandemLanSession *session = item;
  GtkWidget *row = adw_action_row_new ();
  g_autofree char *subtitle = NULL;

  /* Names come from the network: shown as text, never as markup. */
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), tandem_lan_session_get_name (session));
  /* TRANSLATORS: "Ada · 192.168.1.20" — who hosts a nearby session, and where */
  subtitle = g_strdup_printf (_("%s · %s"), tandem_lan_session_get_host_name (session),
                              tandem_lan_session_get_address (session));
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
  g_object_set_data_full (G_OBJECT (row), "tandem-lan-session", g_object_ref (session),
                          g_object_unref);
  return row;
}

/* Picking a nearby session fills in its link: where it is and the pin to
 * check, but no token, since announcements never carry one. */
static void
on_nearby_activated (TandemJoinDialog *self,
                     GtkListBoxRow    *row)
{
  TandemLanSession *session = g_object_get_data (G_OBJECT (row), "tandem-lan-session");
  g_autoptr(TandemInvite) invite = NULL;
  g_autofree char *link = NULL;
  guint8 fp[TANDEM_FINGERPRINT_SIZE];
  const char *pin = tandem_lan_session_get_fingerprint (session);

  invite = tandem_invite_new (tandem_lan_session_get_address (session),
                              tandem_lan_session_get_port (session),
                              tandem_lan_session_get_session_id (session), NULL);
  if (pin != NULL && tandem_fingerprint_parse (pin, fp))
    tandem_invite_set_tls (invite, fp);
  link = tandem_invite_to_link (invite);
  tandem_join_dialog_set_link (self, link);
}

static void
on_nearby_changed (TandemJoinDialog *self)
{
  gtk_widget_set_visible (GTK_WIDGET (self->nearby_slot),
                          g_list_model_get_n_items (G_LIST_MODEL (self->browser)) > 0);
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
tandem_join_dialog_dispose (GObject *object)
{
  TandemJoinDialog *self = TANDEM_JOIN_DIALOG (object);

  if (self->browser)
    g_signal_handlers_disconnect_by_data (self->browser, self);
  g_clear_object (&self->browser);
  G_OBJECT_CLASS (tandem_join_dialog_parent_class)->dispose (object);
}

static void
tandem_join_dialog_class_init (TandemJoinDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  AdwMessageDialogClass *dialog_class = ADW_MESSAGE_DIALOG_CLASS (klass);

  object_class->dispose = tandem_join_dialog_dispose;
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
  gtk_widget_class_bind_template_child (widget_class, TandemJoinDialog, nearby_list);
  gtk_widget_class_bind_template_callback (widget_class, on_nearby_activated);
  gtk_widget_class_bind_template_callback (widget_class, on_link_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_link_activated);
}

static void
tandem_join_dialog_init (TandemJoinDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  /* Sessions hosted on the local network, live while the dialog is open. */
  self->browser = tandem_lan_browser_new ();
  gtk_list_box_bind_model (self->nearby_list, G_LIST_MODEL (self->browser),
                           create_nearby_row, NULL, NULL);
  g_signal_connect_swapped (self->browser, "items-changed", G_CALLBACK (on_nearby_changed), self);
  on_nearby_changed (self);
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
