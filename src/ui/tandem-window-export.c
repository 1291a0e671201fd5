/* tandem-window-export.c — Export Audio…: render the song to WAV or FLAC
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-ui"

#include "config.h"

#include <glib/gi18n.h>

#include "tandem-export.h"
#include "tandem-window-private.h"

#define EXPORT_SAMPLE_RATE 48000

typedef struct
{
  GWeakRef       window;
  TandemProject *project;   /* a copy: the render runs on a worker thread */
  char          *path;
  int            permille;  /* written by the worker, read on the main thread */
  guint          progress_source;
  char         **unplayable; /* tracks the file has silent, set by the worker */
  GHashTable    *decoded;   /* the engine's samples at the export's rate, or NULL */
} ExportJob;

static void
export_job_free (ExportJob *job)
{
  g_clear_handle_id (&job->progress_source, g_source_remove);
  g_weak_ref_clear (&job->window);
  g_clear_object (&job->project);
  g_free (job->path);
  g_strfreev (job->unplayable);
  g_clear_pointer (&job->decoded, g_hash_table_unref);
  g_free (job);
}

static void
on_progress (double   fraction,
             gpointer user_data)
{
  ExportJob *job = user_data;

  g_atomic_int_set (&job->permille, (int) (fraction * 1000.0));
}

static gboolean
show_progress (gpointer user_data)
{
  ExportJob *job = user_data;
  g_autoptr(TandemWindow) self = g_weak_ref_get (&job->window);

  if (self != NULL)
    gtk_progress_bar_set_fraction (self->export_progress,
                                   g_atomic_int_get (&job->permille) / 1000.0);

  return G_SOURCE_CONTINUE;
}

static void
export_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  ExportJob *job = task_data;
  GError *error = NULL;

  if (tandem_export_render_to_file_report (job->project, job->path, EXPORT_SAMPLE_RATE, NULL, job->decoded, 0,
                                           on_progress, job, cancellable, &job->unplayable, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static void
export_done (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  TandemWindow *self = TANDEM_WINDOW (object);
  ExportJob *job = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;
  g_autofree char *basename = g_path_get_basename (job->path);
  g_autofree char *message = NULL;

  gtk_revealer_set_reveal_child (self->export_revealer, FALSE);
  g_clear_object (&self->export_cancellable);

  if (g_task_propagate_boolean (G_TASK (result), &error) && job->unplayable[0] != NULL)
    {
      g_autofree char *tracks = g_strjoinv ("; ", job->unplayable);

      /* The file has these tracks silent: say so, not just "Exported". */
      message = g_strdup_printf (_("Exported “%s”, but: %s"), basename, tracks);
    }
  else if (error == NULL)
    message = g_strdup_printf (_("Exported “%s”"), basename);
  else if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    message = g_strdup_printf (_("Could not export “%s”: %s"), basename, error->message);

  if (message != NULL)
    tandem_window_show_toast (self, message);
}

static void
start_export (TandemWindow *self,
              GFile        *file)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) snapshot = tandem_project_to_json (self->project);
  ExportJob *job;

  job = g_new0 (ExportJob, 1);
  g_weak_ref_init (&job->window, self);
  job->project = tandem_project_new_from_json (snapshot, &error);
  job->path = g_file_get_path (file);
  g_assert (job->project != NULL);
  {
    /* What the engine has decoded at the export's rate need not be decoded
     * again: most of an export's set-up time is decoding samples. */
    TandemSampleCache *cache = tandem_engine_get_sample_cache (self->engine);

    if (cache != NULL && tandem_sample_cache_get_rate (cache) == EXPORT_SAMPLE_RATE)
      job->decoded = tandem_sample_cache_dup_ready (cache);
  }

  if (job->path == NULL)
    {
      tandem_window_show_toast (self, _("Audio can only be exported to a local file"));
      export_job_free (job);
      return;
    }

  self->export_cancellable = g_cancellable_new ();
  gtk_progress_bar_set_fraction (self->export_progress, 0.0);
  gtk_revealer_set_reveal_child (self->export_revealer, TRUE);
  job->progress_source = g_timeout_add (100, show_progress, job);

  task = g_task_new (self, self->export_cancellable, export_done, NULL);
  g_task_set_task_data (task, job, (GDestroyNotify) export_job_free);
  g_task_run_in_thread (task, export_thread);
}

G_GNUC_BEGIN_IGNORE_DEPRECATIONS

static void
on_export_response (GtkFileChooserNative *chooser,
                    int                   response,
                    TandemWindow         *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
      g_autofree char *basename = g_file_get_basename (file);

      if (g_str_has_suffix (basename, ".wav") || g_str_has_suffix (basename, ".flac"))
        {
          start_export (self, file);
        }
      else
        {
          g_autoptr(GFile) parent = g_file_get_parent (file);
          g_autofree char *name = g_strconcat (basename, ".wav", NULL);
          g_autoptr(GFile) wav = g_file_get_child (parent, name);

          start_export (self, wav);
        }
    }

  g_object_unref (chooser);
}

static void
export_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *param)
{
  TandemWindow *self = TANDEM_WINDOW (widget);
  GtkFileChooserNative *chooser;
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();
  g_autofree char *name = NULL;

  if (self->export_cancellable != NULL)
    return;

  gtk_file_filter_set_name (filter, _("WAV or FLAC Audio"));
  gtk_file_filter_add_pattern (filter, "*.wav");
  gtk_file_filter_add_pattern (filter, "*.flac");

  chooser = gtk_file_chooser_native_new (_("Export Audio"), GTK_WINDOW (self),
                                         GTK_FILE_CHOOSER_ACTION_SAVE, _("_Export"), NULL);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), filter);
  name = g_strconcat (tandem_project_get_name (self->project), ".wav", NULL);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), name);
  g_signal_connect (chooser, "response", G_CALLBACK (on_export_response), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

G_GNUC_END_IGNORE_DEPRECATIONS

static void
cancel_export_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *param)
{
  TandemWindow *self = TANDEM_WINDOW (widget);

  if (self->export_cancellable != NULL)
    g_cancellable_cancel (self->export_cancellable);
}

/**
 * tandem_window_export_to_file:
 *
 * Renders the project to @file (.wav or .flac) in the background, with the
 * progress shown in the window. The Export Audio… action ends here.
 */
void
tandem_window_export_to_file (TandemWindow *self,
                              GFile        *file)
{
  g_return_if_fail (TANDEM_IS_WINDOW (self));
  g_return_if_fail (G_IS_FILE (file));

  if (self->export_cancellable == NULL)
    start_export (self, file);
}

gboolean
tandem_window_is_exporting (TandemWindow *self)
{
  g_return_val_if_fail (TANDEM_IS_WINDOW (self), FALSE);

  return self->export_cancellable != NULL;
}

void
_tandem_window_class_export_init (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "win.export", NULL, export_action);
  gtk_widget_class_install_action (widget_class, "win.cancel-export", NULL,
                                   cancel_export_action);
}
