/* tandem-window-samples.c — dropping or choosing audio files for tracks, and sharing them
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-ui"

#include "config.h"

#include <glib/gi18n.h>

#include "tandem-sample-import.h"
#include "tandem-transfers-popover.h"
#include "tandem-window-private.h"

typedef struct
{
  GWeakRef  window;
  char     *track_id;
} ImportContext;

static void
import_context_free (ImportContext *ctx)
{
  g_weak_ref_clear (&ctx->window);
  g_free (ctx->track_id);
  g_free (ctx);
}

static void
import_done (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  ImportContext *ctx = user_data;
  g_autoptr(TandemWindow) self = g_weak_ref_get (&ctx->window);
  g_autoptr(TandemSampleImport) import = NULL;
  g_autoptr(TandemOp) op = NULL;
  g_autoptr(GError) error = NULL;

  import = tandem_sample_import_finish (result, &error);
  if (self == NULL || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      import_context_free (ctx);
      return;
    }
  if (import == NULL)
    {
      tandem_window_show_toast (self, error->message);
      import_context_free (ctx);
      return;
    }
  /* One op: the registry entry and the track's instrument, undone together. */
  op = tandem_sample_import_build_op (self->project, import, ctx->track_id);
  if (!tandem_history_apply (self->history, op, &error))
    {
      g_autofree char *text = g_strdup_printf (_("Cannot use “%s”: %s"), import->name, error->message);

      tandem_window_show_toast (self, text);
    }
  else if (self->transfers != NULL)
    tandem_sample_transfers_upload (self->transfers, import->hash);
  import_context_free (ctx);
}

/* Decodes, hashes and stores @file on a worker thread, then puts it on the
 * track. Works offline: sharing starts when a session does. */
static void
import_file (TandemWindow *self,
             GFile        *file,
             const char   *track_id)
{
  g_autofree char *path = g_file_get_path (file);
  ImportContext *ctx;

  if (path == NULL)
    {
      tandem_window_show_toast (self, _("Only local files can be used as samples"));
      return;
    }
  if (self->samples_cancellable == NULL)
    self->samples_cancellable = g_cancellable_new ();
  ctx = g_new0 (ImportContext, 1);
  g_weak_ref_init (&ctx->window, self);
  ctx->track_id = g_strdup (track_id);
  tandem_sample_import_async (tandem_sample_store_get_default (), path,
                              g_settings_get_uint64 (self->settings, "max-sample-size"),
                              self->samples_cancellable, import_done, ctx);
}

static gboolean
on_drop (GtkDropTarget *target,
         const GValue  *value,
         double         x,
         double         y,
         TandemWindow  *self)
{
  GSList *files;
  const char *track_id;

  if (!G_VALUE_HOLDS (value, GDK_TYPE_FILE_LIST))
    return FALSE;
  files = gdk_file_list_get_files (g_value_get_boxed (value));
  track_id = tandem_grid_view_get_track_at (self->grid_view, x, y);
  if (track_id == NULL)
    track_id = tandem_grid_view_get_selected_track (self->grid_view);
  if (files == NULL)
    return FALSE;
  if (track_id == NULL)
    {
      tandem_window_show_toast (self, _("Drop the file on a track"));
      g_slist_free (files);
      return FALSE;
    }
  import_file (self, files->data, track_id);
  if (files->next != NULL)
    tandem_window_show_toast (self, _("A track takes one sample: only the first file was used"));
  g_slist_free (files);
  return TRUE;
}

G_GNUC_BEGIN_IGNORE_DEPRECATIONS
static void
on_chooser_response (GtkNativeDialog *dialog,
                     int              response,
                     TandemWindow    *self)
{
  const char *track_id = g_object_get_data (G_OBJECT (dialog), "tandem-track-id");

  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));

      if (file != NULL)
        import_file (self, file, track_id);
    }
  gtk_native_dialog_destroy (dialog);
  g_object_unref (dialog);
}

static void
choose_sample_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  TandemWindow *self = TANDEM_WINDOW (widget);
  const char *track_id = g_variant_get_string (parameter, NULL);
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();
  GtkFileChooserNative *dialog;

  if (tandem_project_find_track (self->project, track_id) == NULL)
    return;
  gtk_file_filter_set_name (filter, _("Audio Files"));
  gtk_file_filter_add_mime_type (filter, "audio/*");
  dialog = gtk_file_chooser_native_new (_("Choose a Sample"), GTK_WINDOW (self),
                                        GTK_FILE_CHOOSER_ACTION_OPEN, _("_Use Sample"), NULL);
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (dialog), filter);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (dialog), TRUE);
  g_object_set_data_full (G_OBJECT (dialog), "tandem-track-id", g_strdup (track_id), g_free);
  g_signal_connect (dialog, "response", G_CALLBACK (on_chooser_response), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}
G_GNUC_END_IGNORE_DEPRECATIONS

/* Tooltips over a track whose sample is still on its way. */
static gboolean
on_query_tooltip (GtkWidget    *widget,
                  int           x,
                  int           y,
                  gboolean      keyboard,
                  GtkTooltip   *tooltip,
                  TandemWindow *self)
{
  const char *track_id = tandem_grid_view_get_track_at (self->grid_view, x, y);
  TandemTrack *track = track_id ? tandem_project_find_track (self->project, track_id) : NULL;
  const char *hash = track ? tandem_instrument_get_sample (tandem_track_get_instrument (track)) : NULL;
  TandemSampleTransfer *transfer;
  TandemSampleInfo *info;
  g_autofree char *path = NULL;
  g_autofree char *text = NULL;

  if (hash == NULL)
    return FALSE;
  info = tandem_project_find_sample (self->project, hash);
  transfer = self->transfers ? tandem_sample_transfers_find (self->transfers, hash) : NULL;
  path = tandem_sample_store_lookup (tandem_sample_store_get_default (), hash);
  if (transfer != NULL && tandem_sample_transfer_get_direction (transfer) == TANDEM_TRANSFER_DOWNLOAD)
    {
      g_autofree char *state = tandem_transfers_popover_describe (transfer);

      /* Translators: “Sample “kick.wav” is arriving (Downloading, 45 %); the track is silent until then” */
      text = g_strdup_printf (_("Sample “%s” is arriving (%s); the track is silent until then"),
                              info ? tandem_sample_info_get_name (info) : hash, state);
    }
  else if (path == NULL)
    text = g_strdup_printf (_("Sample “%s” is not on this computer yet; the track is silent"),
                            info ? tandem_sample_info_get_name (info) : hash);
  else if (transfer != NULL)
    {
      g_autofree char *state = tandem_transfers_popover_describe (transfer);

      text = g_strdup_printf (_("Sample “%s”: %s"), info ? tandem_sample_info_get_name (info) : hash,
                              state);
    }
  else
    return FALSE;
  gtk_tooltip_set_text (tooltip, text);
  return TRUE;
}

static void
on_sample_ready (TandemSampleTransfers *transfers,
                 const char            *hash,
                 TandemWindow          *self)
{
  /* The engine looks samples up when it compiles a plan: compile again now
   * that the store holds this one, so the track becomes audible. */
  if (self->engine != NULL)
    tandem_engine_update_plan (self->engine);
}

static void
on_transfer_failed (TandemSampleTransfers *transfers,
                    TandemSampleTransfer  *transfer,
                    TandemWindow          *self)
{
  g_autofree char *text = NULL;

  if (tandem_sample_transfer_get_direction (transfer) == TANDEM_TRANSFER_UPLOAD)
    text = g_strdup_printf (_("Could not share “%s”: %s"), tandem_sample_transfer_get_name (transfer),
                            tandem_sample_transfer_get_error (transfer));
  else
    text = g_strdup_printf (_("Could not download “%s”: %s"),
                            tandem_sample_transfer_get_name (transfer),
                            tandem_sample_transfer_get_error (transfer));
  tandem_window_show_toast (self, text);
}

static void
on_sample_rejected (TandemSyncClient *client,
                    TandemOp         *op,
                    const char       *code,
                    const char       *message,
                    TandemWindow     *self)
{
  /* The session refused a sample (quota, size): stop offering its bytes.
   * The general rejection toast says why. */
  for (guint i = 0; self->transfers && i < g_list_model_get_n_items (tandem_sample_transfers_get_list (self->transfers)); i++)
    {
      g_autoptr(TandemSampleTransfer) t =
        g_list_model_get_item (tandem_sample_transfers_get_list (self->transfers), i);

      if (!tandem_sample_transfer_is_finished (t)
          && tandem_project_find_sample (self->project, tandem_sample_transfer_get_hash (t)) == NULL)
        tandem_sample_transfers_cancel (self->transfers, t);
    }
}

/* Follows the window's sync client: transfers exist while it does. */
void
_tandem_window_samples_update (TandemWindow *self)
{
  TandemSyncClient *current = NULL;

  if (self->transfers != NULL)
    current = g_object_get_data (G_OBJECT (self->transfers), "tandem-client");
  if (current == self->client)
    return;
  if (self->transfers != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->transfers, self);
      if (current != NULL)
        g_signal_handlers_disconnect_by_func (current, on_sample_rejected, self);
      g_clear_object (&self->transfers);
    }
  if (self->client != NULL)
    {
      self->transfers = tandem_sample_transfers_new (self->client, tandem_sample_store_get_default ());
      g_object_set_data (G_OBJECT (self->transfers), "tandem-client", self->client);
      g_signal_connect_object (self->transfers, "sample-ready", G_CALLBACK (on_sample_ready), self, 0);
      g_signal_connect_object (self->transfers, "transfer-failed", G_CALLBACK (on_transfer_failed),
                               self, 0);
      g_signal_connect_object (self->client, "rejected", G_CALLBACK (on_sample_rejected), self, 0);
    }
  if (self->transfers_popover != NULL)
    tandem_transfers_popover_set_transfers (self->transfers_popover, self->transfers);
  if (self->transfers_button != NULL)
    gtk_widget_set_visible (GTK_WIDGET (self->transfers_button), self->transfers != NULL);
}

void
_tandem_window_samples_init (TandemWindow *self)
{
  GtkDropTarget *target = gtk_drop_target_new (GDK_TYPE_FILE_LIST, GDK_ACTION_COPY);

  g_signal_connect (target, "drop", G_CALLBACK (on_drop), self);
  gtk_widget_add_controller (GTK_WIDGET (self->grid_view), GTK_EVENT_CONTROLLER (target));
  gtk_widget_set_has_tooltip (GTK_WIDGET (self->grid_view), TRUE);
  g_signal_connect (self->grid_view, "query-tooltip", G_CALLBACK (on_query_tooltip), self);
}

void
_tandem_window_samples_dispose (TandemWindow *self)
{
  if (self->samples_cancellable != NULL)
    g_cancellable_cancel (self->samples_cancellable);
  g_clear_object (&self->samples_cancellable);
  if (self->transfers != NULL)
    g_signal_handlers_disconnect_by_data (self->transfers, self);
  g_clear_object (&self->transfers);
}

/**
 * _tandem_window_import_sample:
 *
 * What a drop on @track_id does (for tests): imports @file on a worker
 * thread and puts it on the track.
 */
void
_tandem_window_import_sample (TandemWindow *self,
                              GFile        *file,
                              const char   *track_id)
{
  import_file (self, file, track_id);
}

void
_tandem_window_class_samples_init (GtkWidgetClass *widget_class)
{
  g_type_ensure (TANDEM_TYPE_TRANSFERS_POPOVER);
  gtk_widget_class_bind_template_child (widget_class, TandemWindow, transfers_button);
  gtk_widget_class_bind_template_child (widget_class, TandemWindow, transfers_popover);
  gtk_widget_class_install_action (widget_class, "track.choose-sample", "s", choose_sample_action);
}
