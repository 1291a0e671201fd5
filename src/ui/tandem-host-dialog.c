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

#include "tandem-host-dialog.h"

struct _TandemHostDialog
{
  AdwWindow       parent_instance;

  /* Template children */
  GtkButton      *host_button;
  AdwEntryRow    *name_row;
  AdwViewStack   *mode_stack;
  GtkSpinButton  *port_spin;
  GtkBox         *address_slot;
  GtkBox         *link_kind_slot;
};

G_DEFINE_FINAL_TYPE (TandemHostDialog, tandem_host_dialog, ADW_TYPE_WINDOW)

enum {
  PROP_0,
  PROP_DISPLAY_NAME,
  PROP_PORT,
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
  if (gtk_widget_get_sensitive (GTK_WIDGET (self->host_button)))
    g_signal_emit (self, signals[SIGNAL_HOST], 0);
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
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tandem_host_dialog_class_init (TandemHostDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->get_property = tandem_host_dialog_get_property;
  object_class->set_property = tandem_host_dialog_set_property;

  properties[PROP_DISPLAY_NAME] =
    g_param_spec_string ("display-name", NULL, NULL, "",
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_PORT] =
    g_param_spec_uint ("port", NULL, NULL, 0, G_MAXUINT16, 0,
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
  gtk_widget_class_bind_template_child (widget_class, TandemHostDialog, name_row);
  gtk_widget_class_bind_template_child (widget_class, TandemHostDialog, mode_stack);
  gtk_widget_class_bind_template_child (widget_class, TandemHostDialog, port_spin);
  gtk_widget_class_bind_template_child (widget_class, TandemHostDialog, address_slot);
  gtk_widget_class_bind_template_child (widget_class, TandemHostDialog, link_kind_slot);
  gtk_widget_class_bind_template_callback (widget_class, on_host_clicked);
}

static void
tandem_host_dialog_init (TandemHostDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  /* GtkSpinButton has no activates-default before GTK 4.14; its text has. */
  gtk_text_set_activates_default (GTK_TEXT (gtk_editable_get_delegate (GTK_EDITABLE (self->port_spin))),
                                  TRUE);

  g_signal_connect_object (self->name_row, "changed", G_CALLBACK (on_name_changed), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->port_spin, "value-changed", G_CALLBACK (on_port_changed), self,
                           G_CONNECT_SWAPPED);
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
