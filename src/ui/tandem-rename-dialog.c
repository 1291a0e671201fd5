/* tandem-rename-dialog.c — asks for a new name (of a track, a pattern…)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-ui"

#include "config.h"

#include <glib/gi18n.h>

#include "tandem-project.h"
#include "tandem-rename-dialog.h"

struct _TandemRenameDialog
{
  AdwMessageDialog  parent_instance;

  /* Template children */
  GtkEntry         *entry;
};

G_DEFINE_FINAL_TYPE (TandemRenameDialog, tandem_rename_dialog, ADW_TYPE_MESSAGE_DIALOG)

enum {
  PROP_0,
  PROP_NAME,
  N_PROPS
};

enum {
  SIGNAL_RENAME,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void
on_entry_changed (TandemRenameDialog *self)
{
  g_autofree char *name = g_strstrip (g_strdup (tandem_rename_dialog_get_name (self)));

  adw_message_dialog_set_response_enabled (ADW_MESSAGE_DIALOG (self), "rename",
                                           tandem_name_is_valid (name));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NAME]);
}

/* Enter confirms. AdwMessageDialog 1.2 does not make its default response
 * the window's default widget, so activates-default would do nothing. */
static void
on_entry_activate (TandemRenameDialog *self)
{
  if (adw_message_dialog_get_response_enabled (ADW_MESSAGE_DIALOG (self), "rename"))
    {
      adw_message_dialog_response (ADW_MESSAGE_DIALOG (self), "rename");
      gtk_window_close (GTK_WINDOW (self));
    }
}

static void
tandem_rename_dialog_response (AdwMessageDialog *dialog,
                               const char       *response)
{
  TandemRenameDialog *self = TANDEM_RENAME_DIALOG (dialog);

  if (ADW_MESSAGE_DIALOG_CLASS (tandem_rename_dialog_parent_class)->response != NULL)
    ADW_MESSAGE_DIALOG_CLASS (tandem_rename_dialog_parent_class)->response (dialog, response);
  if (g_strcmp0 (response, "rename") == 0)
    {
      g_autofree char *name = g_strstrip (g_strdup (tandem_rename_dialog_get_name (self)));

      g_signal_emit (self, signals[SIGNAL_RENAME], 0, name);
    }
}

static void
tandem_rename_dialog_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  TandemRenameDialog *self = TANDEM_RENAME_DIALOG (object);

  switch (prop_id)
    {
    case PROP_NAME:
      g_value_set_string (value, tandem_rename_dialog_get_name (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tandem_rename_dialog_set_property (GObject      *object,
                                   guint         prop_id,
                                   const GValue *value,
                                   GParamSpec   *pspec)
{
  TandemRenameDialog *self = TANDEM_RENAME_DIALOG (object);

  switch (prop_id)
    {
    case PROP_NAME:
      tandem_rename_dialog_set_name (self, g_value_get_string (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tandem_rename_dialog_class_init (TandemRenameDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  AdwMessageDialogClass *dialog_class = ADW_MESSAGE_DIALOG_CLASS (klass);

  object_class->get_property = tandem_rename_dialog_get_property;
  object_class->set_property = tandem_rename_dialog_set_property;
  dialog_class->response = tandem_rename_dialog_response;

  properties[PROP_NAME] =
    g_param_spec_string ("name", NULL, NULL, "",
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * TandemRenameDialog::rename:
   * @name: the new name, without surrounding blanks
   *
   * The user confirmed a valid name.
   */
  signals[SIGNAL_RENAME] = g_signal_new ("rename", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                         0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PATH "/tandem-rename-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, TandemRenameDialog, entry);
  gtk_widget_class_bind_template_callback (widget_class, on_entry_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_entry_activate);
}

static void
tandem_rename_dialog_init (TandemRenameDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_entry_set_max_length (self->entry, TANDEM_MAX_NAME_LEN);
}

/**
 * tandem_rename_dialog_new:
 * @parent: (nullable): the window the dialog belongs to
 * @heading: (nullable): what is renamed, e.g. “Rename Track”
 * @name: the current name
 *
 * Returns: (transfer none): a new, not yet shown dialog
 */
TandemRenameDialog *
tandem_rename_dialog_new (GtkWindow  *parent,
                          const char *heading,
                          const char *name)
{
  TandemRenameDialog *self = g_object_new (TANDEM_TYPE_RENAME_DIALOG,
                                           "transient-for", parent,
                                           "name", name,
                                           NULL);

  if (heading != NULL)
    adw_message_dialog_set_heading (ADW_MESSAGE_DIALOG (self), heading);
  return self;
}

const char *
tandem_rename_dialog_get_name (TandemRenameDialog *self)
{
  g_return_val_if_fail (TANDEM_IS_RENAME_DIALOG (self), NULL);

  return gtk_editable_get_text (GTK_EDITABLE (self->entry));
}

void
tandem_rename_dialog_set_name (TandemRenameDialog *self,
                               const char         *name)
{
  g_return_if_fail (TANDEM_IS_RENAME_DIALOG (self));

  if (g_strcmp0 (name, tandem_rename_dialog_get_name (self)) != 0)
    gtk_editable_set_text (GTK_EDITABLE (self->entry), name != NULL ? name : "");
}
