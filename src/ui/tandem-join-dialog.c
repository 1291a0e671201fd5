/* tandem-join-dialog.c — asks for the invite link of a session to join
 *
 * A session found nearby has no token in its link: picking it asks its
 * host to let us in (docs/protocol.md "Knocking"), and the token the host
 * hands over makes the link to join with.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-ui"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "tandem-certificate-pin.h"
#include "tandem-invite.h"
#include "tandem-join-dialog.h"
#include "tandem-knock.h"
#include "tandem-lan-browser.h"

struct _TandemJoinDialog
{
  AdwMessageDialog  parent_instance;

  /* Template children */
  AdwEntryRow      *link_row;
  GtkBox           *nearby_slot;
  GtkBox           *name_slot;
  GtkListBox       *nearby_list;
  GtkListBox       *link_list;
  GtkBox           *knock_box;
  GtkSpinner       *knock_spinner;
  GtkLabel         *knock_label;
  GtkLabel         *knock_message;
  GtkButton        *knock_cancel;

  TandemLanBrowser *browser;
  char             *display_name;
  /* While knocking: what to give up with, the link without its token, and
   * whom we ask. NULL cancellable: not knocking, or the dialog is gone. */
  GCancellable     *knock_cancellable;
  TandemInvite     *knock_invite;
  char             *knock_host;
};

G_DEFINE_FINAL_TYPE (TandemJoinDialog, tandem_join_dialog, ADW_TYPE_MESSAGE_DIALOG)

enum {
  PROP_0,
  PROP_LINK,
  PROP_DISPLAY_NAME,
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

/* While knocking nothing else can be picked, typed or joined. */
static void
set_knocking (TandemJoinDialog *self,
              gboolean          knocking)
{
  gtk_widget_set_visible (GTK_WIDGET (self->knock_box), knocking);
  gtk_spinner_set_spinning (self->knock_spinner, knocking);
  /* Away from the rows before they go insensitive: a focused entry made
   * insensitive never gets its focus-out. Cancel is what one can do now. */
  if (knocking)
    gtk_widget_grab_focus (GTK_WIDGET (self->knock_cancel));
  gtk_widget_set_sensitive (GTK_WIDGET (self->nearby_list), !knocking);
  gtk_widget_set_sensitive (GTK_WIDGET (self->link_list), !knocking);
  if (knocking)
    adw_message_dialog_set_response_enabled (ADW_MESSAGE_DIALOG (self), "join", FALSE);
  else
    on_link_changed (self);
}

static void
show_knock_message (TandemJoinDialog *self,
                    const char       *message)
{
  gtk_label_set_text (self->knock_message, message != NULL ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->knock_message), message != NULL);
}

/* Plain words for how a knock ended: REMOTE errors read "code: message"
 * (tandem-knock.h). */
static char *
describe_knock_error (const char   *host,
                      const GError *error)
{
  const char *text;

  if (!g_error_matches (error, TANDEM_SYNC_ERROR, TANDEM_SYNC_ERROR_REMOTE))
    return g_strdup (error->message);
  if (g_str_has_prefix (error->message, TANDEM_CODE_DENIED ":"))
    /* Translators: %s is the name of the host of a nearby session */
    return g_strdup_printf (_("%s did not let you in"), host);
  if (g_str_has_prefix (error->message, TANDEM_CODE_EXPIRED ":"))
    /* Translators: %s is the name of the host of a nearby session */
    return g_strdup_printf (_("No answer from %s"), host);
  text = strstr (error->message, ": ");
  return g_strdup (text != NULL ? text + 2 : error->message);
}

static void
knocked_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(TandemJoinDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *token = tandem_knock_finish (result, NULL, &error);
  g_autofree char *link = NULL;

  /* The dialog went away meanwhile. */
  if (self->knock_cancellable == NULL)
    return;
  g_clear_object (&self->knock_cancellable);
  set_knocking (self, FALSE);
  if (token == NULL)
    {
      g_autofree char *message = NULL;

      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        message = describe_knock_error (self->knock_host, error);
      show_knock_message (self, message);
      return;
    }
  /* The token stands for the role the host chose. */
  g_free (self->knock_invite->token);
  self->knock_invite->token = g_steal_pointer (&token);
  link = tandem_invite_to_link (self->knock_invite);
  tandem_join_dialog_set_link (self, link);
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (self), "join");
  gtk_window_close (GTK_WINDOW (self));
}

static void
on_knock_cancel_clicked (TandemJoinDialog *self)
{
  if (self->knock_cancellable != NULL)
    g_cancellable_cancel (self->knock_cancellable);
}

/* Picking a nearby session fills in its link (where it is and the pin to
 * check, but no token, since announcements never carry one) and asks its
 * host to let us in. */
static void
on_nearby_activated (TandemJoinDialog *self,
                     GtkListBoxRow    *row)
{
  TandemLanSession *session = g_object_get_data (G_OBJECT (row), "tandem-lan-session");
  g_autoptr(TandemInvite) invite = NULL;
  g_autofree char *link = NULL;
  g_autofree char *client_id = NULL;
  g_autofree char *asking = NULL;
  guint8 fp[TANDEM_FINGERPRINT_SIZE];
  const char *pin = tandem_lan_session_get_fingerprint (session);
  const char *host = tandem_lan_session_get_host_name (session);
  const char *name = self->display_name;

  if (self->knock_cancellable != NULL)
    return;
  invite = tandem_invite_new (tandem_lan_session_get_address (session),
                              tandem_lan_session_get_port (session),
                              tandem_lan_session_get_session_id (session), NULL);
  if (pin != NULL && tandem_fingerprint_parse (pin, fp))
    tandem_invite_set_tls (invite, fp);
  link = tandem_invite_to_link (invite);
  tandem_join_dialog_set_link (self, link);

  g_clear_pointer (&self->knock_invite, tandem_invite_free);
  self->knock_invite = g_steal_pointer (&invite);
  g_free (self->knock_host);
  self->knock_host = g_strdup (host != NULL && host[0] != '\0' ? host : _("the host"));
  /* Translators: %s is the name of the host of a nearby session */
  asking = g_strdup_printf (_("Asking %s to let you in…"), self->knock_host);
  gtk_label_set_text (self->knock_label, asking);
  show_knock_message (self, NULL);
  set_knocking (self, TRUE);

  /* The knock's client id only names the knock: joining makes a client of
   * its own. */
  client_id = g_uuid_string_random ();
  self->knock_cancellable = g_cancellable_new ();
  tandem_knock_async (link, client_id,
                      name != NULL && name[0] != '\0' ? name : g_get_user_name (),
                      self->knock_cancellable, knocked_cb, g_object_ref (self));
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
    case PROP_DISPLAY_NAME:
      g_value_set_string (value, self->display_name);
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
    case PROP_DISPLAY_NAME:
      tandem_join_dialog_set_display_name (self, g_value_get_string (value));
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
  /* Closing the dialog gives up knocking. */
  if (self->knock_cancellable != NULL)
    g_cancellable_cancel (self->knock_cancellable);
  g_clear_object (&self->knock_cancellable);
  G_OBJECT_CLASS (tandem_join_dialog_parent_class)->dispose (object);
}

static void
tandem_join_dialog_finalize (GObject *object)
{
  TandemJoinDialog *self = TANDEM_JOIN_DIALOG (object);

  g_clear_pointer (&self->knock_invite, tandem_invite_free);
  g_free (self->knock_host);
  g_free (self->display_name);
  G_OBJECT_CLASS (tandem_join_dialog_parent_class)->finalize (object);
}

static void
tandem_join_dialog_class_init (TandemJoinDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  AdwMessageDialogClass *dialog_class = ADW_MESSAGE_DIALOG_CLASS (klass);

  object_class->dispose = tandem_join_dialog_dispose;
  object_class->finalize = tandem_join_dialog_finalize;
  object_class->get_property = tandem_join_dialog_get_property;
  object_class->set_property = tandem_join_dialog_set_property;
  dialog_class->response = tandem_join_dialog_response;

  properties[PROP_LINK] =
    g_param_spec_string ("link", NULL, NULL, "",
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_DISPLAY_NAME] =
    g_param_spec_string ("display-name", NULL, NULL, NULL,
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
  gtk_widget_class_bind_template_child (widget_class, TandemJoinDialog, link_list);
  gtk_widget_class_bind_template_child (widget_class, TandemJoinDialog, knock_box);
  gtk_widget_class_bind_template_child (widget_class, TandemJoinDialog, knock_spinner);
  gtk_widget_class_bind_template_child (widget_class, TandemJoinDialog, knock_label);
  gtk_widget_class_bind_template_child (widget_class, TandemJoinDialog, knock_message);
  gtk_widget_class_bind_template_child (widget_class, TandemJoinDialog, knock_cancel);
  gtk_widget_class_bind_template_callback (widget_class, on_knock_cancel_clicked);
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

/**
 * tandem_join_dialog_set_display_name:
 * @name: (nullable): the name the host of a nearby session is asked about
 *   (NULL or empty: the account's user name)
 */
void
tandem_join_dialog_set_display_name (TandemJoinDialog *self,
                                     const char       *name)
{
  g_return_if_fail (TANDEM_IS_JOIN_DIALOG (self));

  /* g_set_str() arrived after GLib 2.74. */
  if (g_strcmp0 (self->display_name, name) == 0)
    return;
  g_free (self->display_name);
  self->display_name = g_strdup (name);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DISPLAY_NAME]);
}

/**
 * tandem_join_dialog_get_knock_message:
 *
 * Returns: (transfer none) (nullable): why the host of a nearby session did
 *   not let us in, as the dialog shows it; NULL when it shows nothing
 */
const char *
tandem_join_dialog_get_knock_message (TandemJoinDialog *self)
{
  g_return_val_if_fail (TANDEM_IS_JOIN_DIALOG (self), NULL);

  if (!gtk_widget_get_visible (GTK_WIDGET (self->knock_message)))
    return NULL;
  return gtk_label_get_text (self->knock_message);
}

/**
 * tandem_join_dialog_is_knocking:
 *
 * Returns: whether the dialog waits for a nearby session's host to answer
 */
gboolean
tandem_join_dialog_is_knocking (TandemJoinDialog *self)
{
  g_return_val_if_fail (TANDEM_IS_JOIN_DIALOG (self), FALSE);

  return self->knock_cancellable != NULL;
}
