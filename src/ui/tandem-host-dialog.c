/* tandem-host-dialog.c — asks how and where to host a session
 *
 * A window with a header bar rather than a message dialog: it stays open
 * while the window works on the answer, so progress and errors can show in it.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-ui"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "tandem-host-addresses.h"
#include "tandem-host-dialog.h"
#include "tandem-link-kind.h"

struct _TandemHostDialog
{
  AdwWindow       parent_instance;

  /* Template children */
  GtkButton      *host_button;
  GtkButton      *cancel_button;
  AdwEntryRow    *name_row;
  AdwViewStack   *mode_stack;
  GtkSpinButton  *port_spin;
  GtkBox         *address_slot;
  AdwComboRow    *address_row;
  AdwActionRow   *open_port_row;
  GtkSwitch      *open_port_switch;
  GtkBox         *link_kind_slot;
  GtkLabel       *link_kind_label;
  GtkLabel       *link_kind_detail;
  GtkLabel       *description_label;
  AdwEntryRow    *server_row;
  AdwPasswordEntryRow *token_row;
  GtkSwitch      *remember_switch;
  GtkBox         *status_box;
  GtkSpinner     *spinner;
  GtkLabel       *status_label;
  GtkProgressBar *progress_bar;
  GtkLabel       *error_label;
  GtkWidget      *mode_switcher;
  GtkWidget      *local_page;
  GtkWidget      *server_page;
  gboolean        busy;
  GStrv           addresses;   /* what address_row offers, bare (no brackets) */
};

G_DEFINE_FINAL_TYPE (TandemHostDialog, tandem_host_dialog, ADW_TYPE_WINDOW)

enum {
  PROP_0,
  PROP_DISPLAY_NAME,
  PROP_PORT,
  PROP_WHERE,
  PROP_SERVER_ADDRESS,
  PROP_ADMIN_TOKEN,
  PROP_REMEMBER_TOKEN,
  PROP_OPEN_PORT,
  N_PROPS
};

enum {
  SIGNAL_HOST,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void
on_host_clicked (TandemHostDialog *self)
{
  if (gtk_widget_get_sensitive (GTK_WIDGET (self->host_button)) && !self->busy)
    g_signal_emit (self, signals[SIGNAL_HOST], 0);
}

static void
update_description (TandemHostDialog *self)
{
  if (g_strcmp0 (tandem_host_dialog_get_where (self), "server") == 0)
    gtk_label_set_label (self->description_label,
                         _("Tandem creates the session on a server running tandem-server and "
                           "sends it this project with its samples. The session stays there "
                           "even when this computer is off."));
  else
    gtk_label_set_label (self->description_label,
                         _("Tandem runs a session on this computer. Everyone you invite hears "
                           "and edits this project with you."));
}

/* Said before hosting, from the address and the switch: what the link will be. */
static void
update_link_kind (TandemHostDialog *self)
{
  const char *address = tandem_host_dialog_get_address (self);
  const char *kind = "", *detail = "";

  /* Only a private IPv4 address is behind a router that can forward it. */
  gtk_widget_set_sensitive (GTK_WIDGET (self->open_port_row),
                            tandem_link_kind_can_forward (address));
  tandem_link_kind_describe (address, gtk_switch_get_active (self->open_port_switch),
                             &kind, &detail);
  gtk_label_set_label (self->link_kind_label, kind);
  gtk_label_set_label (self->link_kind_detail, detail);
}

static void
on_where_changed (TandemHostDialog *self)
{
  update_description (self);
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), FALSE);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_WHERE]);
}

static void
on_server_changed (TandemHostDialog *self)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SERVER_ADDRESS]);
}

static void
on_token_changed (TandemHostDialog *self)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ADMIN_TOKEN]);
}

static void
on_remember_changed (TandemHostDialog *self)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_REMEMBER_TOKEN]);
}

static void
on_open_port_changed (TandemHostDialog *self)
{
  update_link_kind (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_OPEN_PORT]);
}

static void
on_name_changed (TandemHostDialog *self)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DISPLAY_NAME]);
}

static void
on_port_changed (TandemHostDialog *self)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PORT]);
}

static void
tandem_host_dialog_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  TandemHostDialog *self = TANDEM_HOST_DIALOG (object);

  switch (prop_id)
    {
    case PROP_DISPLAY_NAME:
      g_value_set_string (value, tandem_host_dialog_get_display_name (self));
      break;
    case PROP_PORT:
      g_value_set_uint (value, tandem_host_dialog_get_port (self));
      break;
    case PROP_WHERE:
      g_value_set_string (value, tandem_host_dialog_get_where (self));
      break;
    case PROP_SERVER_ADDRESS:
      g_value_set_string (value, tandem_host_dialog_get_server_address (self));
      break;
    case PROP_ADMIN_TOKEN:
      g_value_set_string (value, tandem_host_dialog_get_admin_token (self));
      break;
    case PROP_REMEMBER_TOKEN:
      g_value_set_boolean (value, tandem_host_dialog_get_remember_token (self));
      break;
    case PROP_OPEN_PORT:
      g_value_set_boolean (value, tandem_host_dialog_get_open_port (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tandem_host_dialog_set_property (GObject      *object,
                                 guint         prop_id,
                                 const GValue *value,
                                 GParamSpec   *pspec)
{
  TandemHostDialog *self = TANDEM_HOST_DIALOG (object);

  switch (prop_id)
    {
    case PROP_DISPLAY_NAME:
      tandem_host_dialog_set_display_name (self, g_value_get_string (value));
      break;
    case PROP_PORT:
      tandem_host_dialog_set_port (self, g_value_get_uint (value));
      break;
    case PROP_WHERE:
      tandem_host_dialog_set_where (self, g_value_get_string (value));
      break;
    case PROP_SERVER_ADDRESS:
      tandem_host_dialog_set_server_address (self, g_value_get_string (value));
      break;
    case PROP_ADMIN_TOKEN:
      tandem_host_dialog_set_admin_token (self, g_value_get_string (value));
      break;
    case PROP_REMEMBER_TOKEN:
      tandem_host_dialog_set_remember_token (self, g_value_get_boolean (value));
      break;
    case PROP_OPEN_PORT:
      tandem_host_dialog_set_open_port (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tandem_host_dialog_finalize (GObject *object)
{
  TandemHostDialog *self = TANDEM_HOST_DIALOG (object);

  g_strfreev (self->addresses);
  G_OBJECT_CLASS (tandem_host_dialog_parent_class)->finalize (object);
}

static void
tandem_host_dialog_class_init (TandemHostDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = tandem_host_dialog_finalize;

  object_class->get_property = tandem_host_dialog_get_property;
  object_class->set_property = tandem_host_dialog_set_property;

  properties[PROP_DISPLAY_NAME] =
    g_param_spec_string ("display-name", NULL, NULL, "",
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_PORT] =
    g_param_spec_uint ("port", NULL, NULL, 0, G_MAXUINT16, 0,
                       G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_WHERE] =
    g_param_spec_string ("where", NULL, NULL, "local",
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_SERVER_ADDRESS] =
    g_param_spec_string ("server-address", NULL, NULL, "",
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_ADMIN_TOKEN] =
    g_param_spec_string ("admin-token", NULL, NULL, "",
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_REMEMBER_TOKEN] =
    g_param_spec_boolean ("remember-token", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_OPEN_PORT] =
    g_param_spec_boolean ("open-port", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * TandemHostDialog::host:
   *
   * The user asked to host with what the dialog shows.
   */
  signals[SIGNAL_HOST] = g_signal_new ("host", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                       0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PATH "/tandem-host-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, TandemHostDialog, host_button);
  gtk_widget_class_bind_template_child (widget_class, TandemHostDialog, cancel_button);
  gtk_widget_class_bind_template_child (widget_class, TandemHostDialog, name_row);
  gtk_widget_class_bind_template_child (widget_class, TandemHostDialog, mode_stack);
  gtk_widget_class_bind_template_child (widget_class, TandemHostDialog, port_spin);
  gtk_widget_class_bind_template_child (widget_class, TandemHostDialog, address_slot);
  gtk_widget_class_bind_template_child (widget_class, TandemHostDialog, link_kind_slot);
  gtk_widget_class_bind_template_child (widget_class, TandemHostDialog, address_row);
  gtk_widget_class_bind_template_child (widget_class, TandemHostDialog, open_port_row);
  gtk_widget_class_bind_template_child (widget_class, TandemHostDialog, open_port_switch);
  gtk_widget_class_bind_template_child (widget_class, TandemHostDialog, link_kind_label);
  gtk_widget_class_bind_template_child (widget_class, TandemHostDialog, link_kind_detail);
  gtk_widget_class_bind_template_child (widget_class, TandemHostDialog, description_label);
  gtk_widget_class_bind_template_child (widget_class, TandemHostDialog, server_row);
  gtk_widget_class_bind_template_child (widget_class, TandemHostDialog, token_row);
  gtk_widget_class_bind_template_child (widget_class, TandemHostDialog, remember_switch);
  gtk_widget_class_bind_template_child (widget_class, TandemHostDialog, status_box);
  gtk_widget_class_bind_template_child (widget_class, TandemHostDialog, spinner);
  gtk_widget_class_bind_template_child (widget_class, TandemHostDialog, status_label);
  gtk_widget_class_bind_template_child (widget_class, TandemHostDialog, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, TandemHostDialog, error_label);
  gtk_widget_class_bind_template_child (widget_class, TandemHostDialog, mode_switcher);
  gtk_widget_class_bind_template_child (widget_class, TandemHostDialog, local_page);
  gtk_widget_class_bind_template_child (widget_class, TandemHostDialog, server_page);
  gtk_widget_class_bind_template_callback (widget_class, on_host_clicked);
}

static void
tandem_host_dialog_init (TandemHostDialog *self)
{
  g_autoptr(GPtrArray) addresses = tandem_host_addresses_list ();

  gtk_widget_init_template (GTK_WIDGET (self));
  g_signal_connect_object (self->address_row, "notify::selected", G_CALLBACK (update_link_kind),
                           self, G_CONNECT_SWAPPED);
  g_ptr_array_add (addresses, NULL);
  tandem_host_dialog_set_addresses (self, (const char *const *) addresses->pdata);
  /* GtkSpinButton has no activates-default before GTK 4.14; its text has. */
  gtk_text_set_activates_default (GTK_TEXT (gtk_editable_get_delegate (GTK_EDITABLE (self->port_spin))),
                                  TRUE);

  g_signal_connect_object (self->name_row, "changed", G_CALLBACK (on_name_changed), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->port_spin, "value-changed", G_CALLBACK (on_port_changed), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->mode_stack, "notify::visible-child",
                           G_CALLBACK (on_where_changed), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->server_row, "changed", G_CALLBACK (on_server_changed), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->token_row, "changed", G_CALLBACK (on_token_changed), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->remember_switch, "notify::active",
                           G_CALLBACK (on_remember_changed), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->open_port_switch, "notify::active",
                           G_CALLBACK (on_open_port_changed), self, G_CONNECT_SWAPPED);
  update_description (self);
}

/**
 * tandem_host_dialog_new:
 * @parent: (nullable): the window the dialog belongs to
 *
 * Returns: (transfer none): a new, not yet shown dialog
 */
TandemHostDialog *
tandem_host_dialog_new (GtkWindow *parent)
{
  return g_object_new (TANDEM_TYPE_HOST_DIALOG, "transient-for", parent, NULL);
}

const char *
tandem_host_dialog_get_display_name (TandemHostDialog *self)
{
  g_return_val_if_fail (TANDEM_IS_HOST_DIALOG (self), NULL);

  return gtk_editable_get_text (GTK_EDITABLE (self->name_row));
}

void
tandem_host_dialog_set_display_name (TandemHostDialog *self,
                                     const char       *name)
{
  g_return_if_fail (TANDEM_IS_HOST_DIALOG (self));

  if (g_strcmp0 (name, tandem_host_dialog_get_display_name (self)) != 0)
    gtk_editable_set_text (GTK_EDITABLE (self->name_row), name != NULL ? name : "");
}

guint
tandem_host_dialog_get_port (TandemHostDialog *self)
{
  g_return_val_if_fail (TANDEM_IS_HOST_DIALOG (self), 0);

  return (guint) gtk_spin_button_get_value_as_int (self->port_spin);
}

void
tandem_host_dialog_set_port (TandemHostDialog *self,
                             guint             port)
{
  g_return_if_fail (TANDEM_IS_HOST_DIALOG (self));

  gtk_spin_button_set_value (self->port_spin, MIN (port, G_MAXUINT16));
}

/**
 * tandem_host_dialog_get_address_slot:
 *
 * Returns: (transfer none): an empty, hidden box under the port, for the
 *   choice of address the invite link names; show it when you fill it
 */
GtkBox *
tandem_host_dialog_get_address_slot (TandemHostDialog *self)
{
  g_return_val_if_fail (TANDEM_IS_HOST_DIALOG (self), NULL);

  return self->address_slot;
}

/**
 * tandem_host_dialog_get_link_kind_slot:
 *
 * Returns: (transfer none): an empty, hidden box for a label saying what
 *   kind of link the invite will be; show it when you fill it
 */
GtkBox *
tandem_host_dialog_get_link_kind_slot (TandemHostDialog *self)
{
  g_return_val_if_fail (TANDEM_IS_HOST_DIALOG (self), NULL);

  return self->link_kind_slot;
}

/**
 * tandem_host_dialog_get_where:
 *
 * Returns: "local" (this computer) or "server"
 */
const char *
tandem_host_dialog_get_where (TandemHostDialog *self)
{
  g_return_val_if_fail (TANDEM_IS_HOST_DIALOG (self), NULL);

  return adw_view_stack_get_visible_child (self->mode_stack) == self->server_page ? "server"
                                                                                  : "local";
}

void
tandem_host_dialog_set_where (TandemHostDialog *self,
                              const char       *where)
{
  g_return_if_fail (TANDEM_IS_HOST_DIALOG (self));

  adw_view_stack_set_visible_child (self->mode_stack, g_strcmp0 (where, "server") == 0
                                                      ? self->server_page : self->local_page);
}

const char *
tandem_host_dialog_get_server_address (TandemHostDialog *self)
{
  g_return_val_if_fail (TANDEM_IS_HOST_DIALOG (self), NULL);

  return gtk_editable_get_text (GTK_EDITABLE (self->server_row));
}

void
tandem_host_dialog_set_server_address (TandemHostDialog *self,
                                       const char       *address)
{
  g_return_if_fail (TANDEM_IS_HOST_DIALOG (self));

  if (g_strcmp0 (address, tandem_host_dialog_get_server_address (self)) != 0)
    gtk_editable_set_text (GTK_EDITABLE (self->server_row), address != NULL ? address : "");
}

const char *
tandem_host_dialog_get_admin_token (TandemHostDialog *self)
{
  g_return_val_if_fail (TANDEM_IS_HOST_DIALOG (self), NULL);

  return gtk_editable_get_text (GTK_EDITABLE (self->token_row));
}

void
tandem_host_dialog_set_admin_token (TandemHostDialog *self,
                                    const char       *token)
{
  g_return_if_fail (TANDEM_IS_HOST_DIALOG (self));

  if (g_strcmp0 (token, tandem_host_dialog_get_admin_token (self)) != 0)
    gtk_editable_set_text (GTK_EDITABLE (self->token_row), token != NULL ? token : "");
}

gboolean
tandem_host_dialog_get_remember_token (TandemHostDialog *self)
{
  g_return_val_if_fail (TANDEM_IS_HOST_DIALOG (self), FALSE);

  return gtk_switch_get_active (self->remember_switch);
}

void
tandem_host_dialog_set_remember_token (TandemHostDialog *self,
                                       gboolean          remember)
{
  g_return_if_fail (TANDEM_IS_HOST_DIALOG (self));

  gtk_switch_set_active (self->remember_switch, remember);
}

/**
 * tandem_host_dialog_get_open_port:
 *
 * Returns: whether the switch asks to open a port on the router; what to
 *   remember, even when the chosen address cannot use it
 */
gboolean
tandem_host_dialog_get_open_port (TandemHostDialog *self)
{
  g_return_val_if_fail (TANDEM_IS_HOST_DIALOG (self), FALSE);

  return gtk_switch_get_active (self->open_port_switch);
}

void
tandem_host_dialog_set_open_port (TandemHostDialog *self,
                                  gboolean          open_port)
{
  g_return_if_fail (TANDEM_IS_HOST_DIALOG (self));

  gtk_switch_set_active (self->open_port_switch, open_port);
}

/**
 * tandem_host_dialog_set_busy:
 * @status: (nullable): what is happening, shown beside a spinner; NULL
 *   when the work is over
 *
 * While busy, the choices are locked and Host does nothing; Cancel stays.
 */
void
tandem_host_dialog_set_busy (TandemHostDialog *self,
                             const char       *status)
{
  g_return_if_fail (TANDEM_IS_HOST_DIALOG (self));

  /* Move the focus out of the entries before they go insensitive, so they
   * see it leave (and Escape still cancels). */
  if (status != NULL && !self->busy)
    gtk_widget_grab_focus (GTK_WIDGET (self->cancel_button));
  self->busy = status != NULL;
  gtk_widget_set_visible (GTK_WIDGET (self->status_box), self->busy);
  gtk_label_set_label (self->status_label, status != NULL ? status : "");
  gtk_spinner_set_spinning (self->spinner, self->busy);
  if (self->busy)
    gtk_widget_set_visible (GTK_WIDGET (self->error_label), FALSE);
  else
    gtk_widget_set_visible (GTK_WIDGET (self->progress_bar), FALSE);
  gtk_widget_set_sensitive (GTK_WIDGET (self->host_button), !self->busy);
  gtk_widget_set_sensitive (GTK_WIDGET (self->mode_stack), !self->busy);
  gtk_widget_set_sensitive (self->mode_switcher, !self->busy);
  gtk_widget_set_sensitive (GTK_WIDGET (self->name_row), !self->busy);
}

gboolean
tandem_host_dialog_get_busy (TandemHostDialog *self)
{
  g_return_val_if_fail (TANDEM_IS_HOST_DIALOG (self), FALSE);

  return self->busy;
}

/**
 * tandem_host_dialog_set_progress:
 * @fraction: how much is done (0..1), or a negative value to hide the bar
 */
void
tandem_host_dialog_set_progress (TandemHostDialog *self,
                                 double            fraction)
{
  g_return_if_fail (TANDEM_IS_HOST_DIALOG (self));

  gtk_widget_set_visible (GTK_WIDGET (self->progress_bar), fraction >= 0);
  if (fraction >= 0)
    gtk_progress_bar_set_fraction (self->progress_bar, CLAMP (fraction, 0.0, 1.0));
}

/**
 * tandem_host_dialog_show_error:
 * @message: what went wrong, in words for the user
 *
 * Ends the busy state and shows @message; the user can fix and retry.
 */
void
tandem_host_dialog_show_error (TandemHostDialog *self,
                               const char       *message)
{
  g_return_if_fail (TANDEM_IS_HOST_DIALOG (self));

  tandem_host_dialog_set_busy (self, NULL);
  gtk_label_set_label (self->error_label, message);
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), TRUE);
}

/* The message tandem_host_dialog_show_error() shows, or NULL. */
const char *
tandem_host_dialog_get_error (TandemHostDialog *self)
{
  g_return_val_if_fail (TANDEM_IS_HOST_DIALOG (self), NULL);

  return gtk_widget_get_visible (GTK_WIDGET (self->error_label))
         ? gtk_label_get_label (self->error_label) : NULL;
}

/**
 * tandem_host_dialog_set_addresses:
 * @addresses: (array zero-terminated=1): the addresses to offer, best first
 *   (tandem_host_addresses_list() by default); loopback is added when empty
 *
 * The first is chosen. IPv6 addresses show in brackets, as links write them.
 */
void
tandem_host_dialog_set_addresses (TandemHostDialog  *self,
                                  const char *const *addresses)
{
  g_autoptr(GtkStringList) model = gtk_string_list_new (NULL);
  static const char *const loopback[] = { "127.0.0.1", NULL };

  g_return_if_fail (TANDEM_IS_HOST_DIALOG (self));

  if (addresses == NULL || addresses[0] == NULL)
    addresses = loopback;
  g_strfreev (self->addresses);
  self->addresses = g_strdupv ((char **) addresses);
  for (guint i = 0; addresses[i] != NULL; i++)
    {
      g_autofree char *shown = strchr (addresses[i], ':') != NULL
                               ? g_strdup_printf ("[%s]", addresses[i]) : g_strdup (addresses[i]);

      gtk_string_list_append (model, shown);
    }
  adw_combo_row_set_model (self->address_row, G_LIST_MODEL (model));
  adw_combo_row_set_selected (self->address_row, 0);
  update_link_kind (self);
}

/* The chosen address, bare (IPv6 without brackets), for the link. */
const char *
tandem_host_dialog_get_address (TandemHostDialog *self)
{
  guint selected;

  g_return_val_if_fail (TANDEM_IS_HOST_DIALOG (self), NULL);

  selected = adw_combo_row_get_selected (self->address_row);
  if (self->addresses == NULL || selected >= g_strv_length (self->addresses))
    return NULL;
  return self->addresses[selected];
}

/* Chooses @address if it is offered; FALSE if not. */
gboolean
tandem_host_dialog_set_address (TandemHostDialog *self,
                                const char       *address)
{
  g_return_val_if_fail (TANDEM_IS_HOST_DIALOG (self), FALSE);

  for (guint i = 0; self->addresses != NULL && self->addresses[i] != NULL; i++)
    if (g_strcmp0 (self->addresses[i], address) == 0)
      {
        adw_combo_row_set_selected (self->address_row, i);
        return TRUE;
      }
  return FALSE;
}

/* What the dialog says of the chosen address's link ("Works on this network"…). */
const char *
tandem_host_dialog_get_link_kind (TandemHostDialog *self)
{
  g_return_val_if_fail (TANDEM_IS_HOST_DIALOG (self), NULL);

  return gtk_label_get_label (self->link_kind_label);
}
