/* tandem-transfers-popover.c — the list of sample uploads and downloads
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-ui"

#include "config.h"

#include <glib/gi18n.h>

#include "tandem-transfers-popover.h"

struct _TandemTransfersPopover
{
  GtkPopover             parent_instance;

  TandemSampleTransfers *transfers;
  GtkListBox            *list;
  GtkButton             *clear_button;
};

G_DEFINE_FINAL_TYPE (TandemTransfersPopover, tandem_transfers_popover, GTK_TYPE_POPOVER)

enum {
  PROP_0,
  PROP_TRANSFERS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

char *
tandem_transfers_popover_describe (TandemSampleTransfer *transfer)
{
  gboolean up = tandem_sample_transfer_get_direction (transfer) == TANDEM_TRANSFER_UPLOAD;
  int percent = (int) (tandem_sample_transfer_get_fraction (transfer) * 100.0);

  switch (tandem_sample_transfer_get_state (transfer))
    {
    case TANDEM_TRANSFER_QUEUED:
      return g_strdup (up ? _("Waiting to upload") : _("Waiting to download"));
    case TANDEM_TRANSFER_RUNNING:
      /* Translators: “Uploading, 45 %” */
      return g_strdup_printf (up ? _("Uploading, %d %%") : _("Downloading, %d %%"), percent);
    case TANDEM_TRANSFER_WAITING:
      return g_strdup (up ? _("Upload interrupted; retrying")
                          : _("Waiting for someone to upload it"));
    case TANDEM_TRANSFER_DONE:
      return g_strdup (up ? _("Uploaded") : _("Downloaded"));
    case TANDEM_TRANSFER_FAILED:
      /* Translators: the reason comes from the server or the network */
      return g_strdup_printf (_("Failed: %s"), tandem_sample_transfer_get_error (transfer));
    case TANDEM_TRANSFER_CANCELLED:
    default:
      return g_strdup (_("Cancelled"));
    }
}

typedef struct
{
  GtkLabel       *status;
  GtkProgressBar *progress;
  GtkButton      *cancel;
} RowWidgets;

static void
update_row (TandemSampleTransfer *transfer,
            GParamSpec           *pspec,
            GtkWidget            *row)
{
  RowWidgets *w = g_object_get_data (G_OBJECT (row), "tandem-row-widgets");
  g_autofree char *text = tandem_transfers_popover_describe (transfer);

  gtk_label_set_label (w->status, text);
  gtk_progress_bar_set_fraction (w->progress, tandem_sample_transfer_get_fraction (transfer));
  gtk_widget_set_visible (GTK_WIDGET (w->cancel), !tandem_sample_transfer_is_finished (transfer));
  gtk_widget_set_visible (GTK_WIDGET (w->progress), !tandem_sample_transfer_is_finished (transfer));
}

static void
on_cancel_clicked (GtkButton            *button,
                   TandemSampleTransfer *transfer)
{
  TandemTransfersPopover *self =
    TANDEM_TRANSFERS_POPOVER (gtk_widget_get_ancestor (GTK_WIDGET (button), TANDEM_TYPE_TRANSFERS_POPOVER));

  if (self != NULL && self->transfers != NULL)
    tandem_sample_transfers_cancel (self->transfers, transfer);
}

static GtkWidget *
create_row (gpointer item,
            gpointer user_data)
{
  TandemSampleTransfer *transfer = item;
  gboolean up = tandem_sample_transfer_get_direction (transfer) == TANDEM_TRANSFER_UPLOAD;
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *grid = gtk_grid_new ();
  GtkWidget *icon = gtk_image_new_from_icon_name (up ? "go-up-symbolic" : "go-down-symbolic");
  GtkWidget *name = gtk_label_new (tandem_sample_transfer_get_name (transfer));
  RowWidgets *w = g_new0 (RowWidgets, 1);

  w->status = GTK_LABEL (gtk_label_new (NULL));
  w->progress = GTK_PROGRESS_BAR (gtk_progress_bar_new ());
  w->cancel = GTK_BUTTON (gtk_button_new_from_icon_name ("process-stop-symbolic"));
  gtk_widget_set_tooltip_text (GTK_WIDGET (w->cancel), _("Cancel"));
  gtk_widget_set_valign (GTK_WIDGET (w->cancel), GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (GTK_WIDGET (w->cancel), "flat");
  gtk_widget_set_tooltip_text (icon, up ? _("Upload") : _("Download"));
  gtk_label_set_xalign (GTK_LABEL (name), 0);
  gtk_label_set_ellipsize (GTK_LABEL (name), PANGO_ELLIPSIZE_MIDDLE);
  gtk_widget_set_hexpand (name, TRUE);
  gtk_label_set_xalign (w->status, 0);
  gtk_label_set_wrap (w->status, TRUE);
  gtk_widget_add_css_class (GTK_WIDGET (w->status), "dim-label");
  gtk_widget_add_css_class (GTK_WIDGET (w->status), "caption");
  gtk_widget_set_margin_start (grid, 8);
  gtk_widget_set_margin_end (grid, 4);
  gtk_widget_set_margin_top (grid, 6);
  gtk_widget_set_margin_bottom (grid, 6);
  gtk_grid_set_column_spacing (GTK_GRID (grid), 8);
  gtk_grid_set_row_spacing (GTK_GRID (grid), 3);
  gtk_grid_attach (GTK_GRID (grid), icon, 0, 0, 1, 1);
  gtk_grid_attach (GTK_GRID (grid), name, 1, 0, 1, 1);
  gtk_grid_attach (GTK_GRID (grid), GTK_WIDGET (w->status), 1, 1, 1, 1);
  gtk_grid_attach (GTK_GRID (grid), GTK_WIDGET (w->progress), 1, 2, 1, 1);
  gtk_grid_attach (GTK_GRID (grid), GTK_WIDGET (w->cancel), 2, 0, 1, 3);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), grid);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);

  g_object_set_data_full (G_OBJECT (row), "tandem-row-widgets", w, g_free);
  g_signal_connect_object (w->cancel, "clicked", G_CALLBACK (on_cancel_clicked), transfer, 0);
  g_signal_connect_object (transfer, "notify", G_CALLBACK (update_row), row, 0);
  update_row (transfer, NULL, row);
  return row;
}

static void
on_clear_clicked (TandemTransfersPopover *self)
{
  if (self->transfers != NULL)
    tandem_sample_transfers_clear_finished (self->transfers);
}

void
tandem_transfers_popover_set_transfers (TandemTransfersPopover *self,
                                        TandemSampleTransfers  *transfers)
{
  g_return_if_fail (TANDEM_IS_TRANSFERS_POPOVER (self));

  if (!g_set_object (&self->transfers, transfers))
    return;
  gtk_list_box_bind_model (self->list,
                           transfers ? tandem_sample_transfers_get_list (transfers) : NULL,
                           transfers ? create_row : NULL, NULL, NULL);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TRANSFERS]);
}

TandemSampleTransfers *
tandem_transfers_popover_get_transfers (TandemTransfersPopover *self)
{
  g_return_val_if_fail (TANDEM_IS_TRANSFERS_POPOVER (self), NULL);
  return self->transfers;
}

static void
tandem_transfers_popover_dispose (GObject *object)
{
  TandemTransfersPopover *self = TANDEM_TRANSFERS_POPOVER (object);

  if (self->list != NULL)
    gtk_list_box_bind_model (self->list, NULL, NULL, NULL, NULL);
  g_clear_object (&self->transfers);
  G_OBJECT_CLASS (tandem_transfers_popover_parent_class)->dispose (object);
}

static void
tandem_transfers_popover_get_property (GObject    *object,
                                       guint       prop_id,
                                       GValue     *value,
                                       GParamSpec *pspec)
{
  TandemTransfersPopover *self = TANDEM_TRANSFERS_POPOVER (object);

  switch (prop_id)
    {
    case PROP_TRANSFERS: g_value_set_object (value, self->transfers); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tandem_transfers_popover_set_property (GObject      *object,
                                       guint         prop_id,
                                       const GValue *value,
                                       GParamSpec   *pspec)
{
  TandemTransfersPopover *self = TANDEM_TRANSFERS_POPOVER (object);

  switch (prop_id)
    {
    case PROP_TRANSFERS: tandem_transfers_popover_set_transfers (self, g_value_get_object (value)); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tandem_transfers_popover_class_init (TandemTransfersPopoverClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = tandem_transfers_popover_dispose;
  object_class->get_property = tandem_transfers_popover_get_property;
  object_class->set_property = tandem_transfers_popover_set_property;

  properties[PROP_TRANSFERS] =
    g_param_spec_object ("transfers", NULL, NULL, TANDEM_TYPE_SAMPLE_TRANSFERS,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PATH "/tandem-transfers-popover.ui");
  gtk_widget_class_bind_template_child (widget_class, TandemTransfersPopover, list);
  gtk_widget_class_bind_template_child (widget_class, TandemTransfersPopover, clear_button);
  gtk_widget_class_bind_template_callback (widget_class, on_clear_clicked);
}

static void
tandem_transfers_popover_init (TandemTransfersPopover *self)
{
  GtkWidget *placeholder;

  gtk_widget_init_template (GTK_WIDGET (self));
  placeholder = gtk_label_new (_("Nothing is being transferred"));
  gtk_widget_add_css_class (placeholder, "dim-label");
  gtk_widget_set_margin_top (placeholder, 12);
  gtk_widget_set_margin_bottom (placeholder, 12);
  gtk_list_box_set_placeholder (self->list, placeholder);
}

GtkWidget *
tandem_transfers_popover_new (void)
{
  return g_object_new (TANDEM_TYPE_TRANSFERS_POPOVER, NULL);
}
