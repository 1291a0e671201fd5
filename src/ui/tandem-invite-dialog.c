/* tandem-invite-dialog.c — shows the links that invite people to a session
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-ui"

#include "config.h"

#include <glib/gi18n.h>

#include "tandem-invite-dialog.h"

struct _TandemInviteDialog
{
  AdwMessageDialog  parent_instance;

  char             *links[3];  /* indexed by LinkKind */
  char             *endpoint;
  gboolean          on_server;

  /* Template children */
  AdwActionRow     *editor_row;
  AdwActionRow     *listener_row;
  AdwActionRow     *ws_row;
  GtkButton        *editor_copy;
  GtkButton        *listener_copy;
  GtkButton        *ws_copy;
  GtkBox           *extra_slot;
  GtkBox           *reach_box;
  GtkSpinner       *reach_spinner;
  GtkLabel         *reach_label;
  GtkLabel         *reach_detail;
};

G_DEFINE_FINAL_TYPE (TandemInviteDialog, tandem_invite_dialog, ADW_TYPE_MESSAGE_DIALOG)

typedef enum {
  LINK_EDITOR,
  LINK_LISTENER,
  LINK_WS,
} LinkKind;

enum {
  PROP_0,
  PROP_EDITOR_LINK,
  PROP_LISTENER_LINK,
  PROP_WS_URL,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* g_set_str() arrived in GLib 2.76. */
static gboolean
replace_str (char       **dest,
             const char  *value)
{
  if (g_strcmp0 (*dest, value) == 0)
    return FALSE;
  g_free (*dest);
  *dest = g_strdup (value);
  return TRUE;
}

static AdwActionRow *
row_for (TandemInviteDialog *self,
         LinkKind            kind)
{
  AdwActionRow *rows[] = { self->editor_row, self->listener_row, self->ws_row };

  return rows[kind];
}

static void
set_link (TandemInviteDialog *self,
          LinkKind            kind,
          const char         *link)
{
  AdwActionRow *row = row_for (self, kind);

  if (!replace_str (&self->links[kind], link))
    return;

  {
    /* A row's subtitle is markup: a link's "&" must be escaped. */
    g_autofree char *escaped = g_markup_escape_text (link != NULL ? link : "", -1);

    adw_action_row_set_subtitle (row, escaped);
  }
  gtk_widget_set_visible (GTK_WIDGET (row), link != NULL);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_EDITOR_LINK + kind]);
}

static void
on_copy_clicked (GtkButton          *button,
                 TandemInviteDialog *self)
{
  LinkKind kind = button == self->editor_copy ? LINK_EDITOR
                : button == self->listener_copy ? LINK_LISTENER
                : LINK_WS;

  if (self->links[kind] == NULL)
    return;
  gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (button)), self->links[kind]);
  gtk_button_set_label (button, _("Copied"));
}

static void
update_body (TandemInviteDialog *self)
{
  g_autofree char *body = NULL;

  if (self->on_server)
    body = g_strdup_printf (_("The session runs on the server at %s. Send the link to the "
                              "people you want to play with; it works for as long as the "
                              "server keeps the session."),
                            self->endpoint != NULL ? self->endpoint : "");
  else
    body = g_strdup_printf (_("Send the link to the people you want to play with. Their "
                              "computers must be able to reach this one at %s."),
                            self->endpoint != NULL ? self->endpoint : "");
  adw_message_dialog_set_body (ADW_MESSAGE_DIALOG (self), body);
}

static void
tandem_invite_dialog_finalize (GObject *object)
{
  TandemInviteDialog *self = TANDEM_INVITE_DIALOG (object);

  for (guint i = 0; i < G_N_ELEMENTS (self->links); i++)
    g_clear_pointer (&self->links[i], g_free);
  g_clear_pointer (&self->endpoint, g_free);

  G_OBJECT_CLASS (tandem_invite_dialog_parent_class)->finalize (object);
}

static void
tandem_invite_dialog_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  TandemInviteDialog *self = TANDEM_INVITE_DIALOG (object);

  switch (prop_id)
    {
    case PROP_EDITOR_LINK:
    case PROP_LISTENER_LINK:
    case PROP_WS_URL:
      g_value_set_string (value, self->links[prop_id - PROP_EDITOR_LINK]);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tandem_invite_dialog_set_property (GObject      *object,
                                   guint         prop_id,
                                   const GValue *value,
                                   GParamSpec   *pspec)
{
  TandemInviteDialog *self = TANDEM_INVITE_DIALOG (object);

  switch (prop_id)
    {
    case PROP_EDITOR_LINK:
    case PROP_LISTENER_LINK:
    case PROP_WS_URL:
      set_link (self, prop_id - PROP_EDITOR_LINK, g_value_get_string (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tandem_invite_dialog_class_init (TandemInviteDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = tandem_invite_dialog_finalize;
  object_class->get_property = tandem_invite_dialog_get_property;
  object_class->set_property = tandem_invite_dialog_set_property;

  properties[PROP_EDITOR_LINK] =
    g_param_spec_string ("editor-link", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_LISTENER_LINK] =
    g_param_spec_string ("listener-link", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_WS_URL] =
    g_param_spec_string ("ws-url", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PATH "/tandem-invite-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, TandemInviteDialog, editor_row);
  gtk_widget_class_bind_template_child (widget_class, TandemInviteDialog, listener_row);
  gtk_widget_class_bind_template_child (widget_class, TandemInviteDialog, ws_row);
  gtk_widget_class_bind_template_child (widget_class, TandemInviteDialog, editor_copy);
  gtk_widget_class_bind_template_child (widget_class, TandemInviteDialog, listener_copy);
  gtk_widget_class_bind_template_child (widget_class, TandemInviteDialog, ws_copy);
  gtk_widget_class_bind_template_child (widget_class, TandemInviteDialog, extra_slot);
  gtk_widget_class_bind_template_child (widget_class, TandemInviteDialog, reach_box);
  gtk_widget_class_bind_template_child (widget_class, TandemInviteDialog, reach_spinner);
  gtk_widget_class_bind_template_child (widget_class, TandemInviteDialog, reach_label);
  gtk_widget_class_bind_template_child (widget_class, TandemInviteDialog, reach_detail);
  gtk_widget_class_bind_template_callback (widget_class, on_copy_clicked);
}

static void
tandem_invite_dialog_init (TandemInviteDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_widget_set_visible (GTK_WIDGET (self->editor_row), FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->listener_row), FALSE);
  update_body (self);
}

/**
 * tandem_invite_dialog_new:
 * @parent: (nullable): the window the dialog belongs to
 *
 * Returns: (transfer none): a new, not yet shown dialog
 */
TandemInviteDialog *
tandem_invite_dialog_new (GtkWindow *parent)
{
  return g_object_new (TANDEM_TYPE_INVITE_DIALOG, "transient-for", parent, NULL);
}

void
tandem_invite_dialog_set_editor_link (TandemInviteDialog *self,
                                      const char         *link)
{
  g_return_if_fail (TANDEM_IS_INVITE_DIALOG (self));

  set_link (self, LINK_EDITOR, link);
}

const char *
tandem_invite_dialog_get_editor_link (TandemInviteDialog *self)
{
  g_return_val_if_fail (TANDEM_IS_INVITE_DIALOG (self), NULL);

  return self->links[LINK_EDITOR];
}

void
tandem_invite_dialog_set_listener_link (TandemInviteDialog *self,
                                        const char         *link)
{
  g_return_if_fail (TANDEM_IS_INVITE_DIALOG (self));

  set_link (self, LINK_LISTENER, link);
}

const char *
tandem_invite_dialog_get_listener_link (TandemInviteDialog *self)
{
  g_return_val_if_fail (TANDEM_IS_INVITE_DIALOG (self), NULL);

  return self->links[LINK_LISTENER];
}

void
tandem_invite_dialog_set_ws_url (TandemInviteDialog *self,
                                 const char         *url)
{
  g_return_if_fail (TANDEM_IS_INVITE_DIALOG (self));

  set_link (self, LINK_WS, url);
}

/**
 * tandem_invite_dialog_set_endpoint:
 * @endpoint: (nullable): the host:port the others must reach
 * @on_server: whether the session runs on a server rather than here
 *
 * Says in the body where the session runs.
 */
void
tandem_invite_dialog_set_endpoint (TandemInviteDialog *self,
                                   const char         *endpoint,
                                   gboolean            on_server)
{
  g_return_if_fail (TANDEM_IS_INVITE_DIALOG (self));

  replace_str (&self->endpoint, endpoint);
  self->on_server = on_server;
  update_body (self);
}

/**
 * tandem_invite_dialog_get_extra_slot:
 *
 * Returns: (transfer none): an empty, hidden box under the links; show it
 *   when you fill it
 */
GtkBox *
tandem_invite_dialog_get_extra_slot (TandemInviteDialog *self)
{
  g_return_val_if_fail (TANDEM_IS_INVITE_DIALOG (self), NULL);

  return self->extra_slot;
}

/**
 * tandem_invite_dialog_set_reach:
 * @kind: (nullable): who the links work for (“Works on this network”), in a
 *   heading; NULL hides it
 * @detail: (nullable): a sentence under it: why, or what to do
 * @asking: whether it may still change (the router is being asked): a
 *   spinner shows beside it
 */
void
tandem_invite_dialog_set_reach (TandemInviteDialog *self,
                                const char         *kind,
                                const char         *detail,
                                gboolean            asking)
{
  g_return_if_fail (TANDEM_IS_INVITE_DIALOG (self));

  gtk_label_set_label (self->reach_label, kind != NULL ? kind : "");
  gtk_label_set_label (self->reach_detail, detail != NULL ? detail : "");
  gtk_widget_set_visible (GTK_WIDGET (self->reach_detail), detail != NULL && detail[0] != '\0');
  gtk_widget_set_visible (GTK_WIDGET (self->reach_spinner), asking);
  gtk_spinner_set_spinning (self->reach_spinner, asking);
  gtk_widget_set_visible (GTK_WIDGET (self->reach_box), kind != NULL);
}

/* The heading tandem_invite_dialog_set_reach() shows, or NULL. */
const char *
tandem_invite_dialog_get_reach (TandemInviteDialog *self)
{
  g_return_val_if_fail (TANDEM_IS_INVITE_DIALOG (self), NULL);

  return gtk_widget_get_visible (GTK_WIDGET (self->reach_box))
         ? gtk_label_get_label (self->reach_label) : NULL;
}

/* The sentence under it, or NULL. */
const char *
tandem_invite_dialog_get_reach_detail (TandemInviteDialog *self)
{
  g_return_val_if_fail (TANDEM_IS_INVITE_DIALOG (self), NULL);

  return gtk_widget_get_visible (GTK_WIDGET (self->reach_box))
         ? gtk_label_get_label (self->reach_detail) : NULL;
}

/* Whether the spinner says the router is still being asked. */
gboolean
tandem_invite_dialog_get_reach_asking (TandemInviteDialog *self)
{
  g_return_val_if_fail (TANDEM_IS_INVITE_DIALOG (self), FALSE);

  return gtk_widget_get_visible (GTK_WIDGET (self->reach_spinner));
}
