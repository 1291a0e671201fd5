/* tandem-history-panel.c — a session's timeline: who did what when, save points, restore
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-ui"

#include "config.h"

#include <glib/gi18n.h>

#include "tandem-history-panel.h"
#include "tandem-history-replay.h"

/* Edits come in bursts: the list is asked for again at most this often. */
#define REFRESH_DELAY_MS 1000

struct _TandemHistoryPanel
{
  GtkBox            parent_instance;

  TandemSyncClient *client;
  GCancellable     *cancellable;
  GSource          *refresh_source;
  TandemProject    *preview;
  char             *preview_label_text;
  GPtrArray        *row_texts;
  guint64           oldest;       /* from the last summary */
  TandemHistoryReplay *replay;
  TandemHistory    *local;        /* the window's own edits, listed outside a session */

  /* Template children */
  GtkRevealer      *preview_revealer;
  GtkLabel         *preview_label;
  GtkButton        *restore_button;
  GtkEntry         *save_point_entry;
  GtkButton        *save_point_button;
  GtkLabel         *status_label;
  GtkListBox       *list;
  GtkButton        *replay_button;
  GtkDropDown      *speed_dropdown;
};

G_DEFINE_FINAL_TYPE (TandemHistoryPanel, tandem_history_panel, GTK_TYPE_BOX)

enum {
  PREVIEW,
  FORK,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static char *
format_time (gint64 ms)
{
  g_autoptr(GDateTime) dt = ms > 0 ? g_date_time_new_from_unix_local (ms / 1000) : NULL;

  /* Journals from before times were kept have none to show. */
  return dt ? g_date_time_format (dt, "%H:%M") : g_strdup (_("earlier"));
}

static const char *
pattern_name (TandemHistoryPanel *self,
              const char         *id)
{
  TandemProject *project = self->client ? tandem_sync_client_get_project (self->client) : NULL;
  TandemPattern *pattern = project ? tandem_project_find_pattern (project, id) : NULL;

  return pattern ? tandem_pattern_get_name (pattern) : NULL;
}

/* "Ada — 12 grid edits in Chorus, 14:02" */
static char *
describe_group (TandemHistoryPanel *self,
                JsonObject         *group)
{
  const char *name = json_object_get_string_member_with_default (group, "name", "");
  gint64 edits = json_object_get_int_member_with_default (group, "edits", 0);
  JsonObject *kinds = json_object_get_object_member (group, "kinds");
  JsonObject *patterns = json_object_get_object_member (group, "patterns");
  gint64 cells = kinds ? json_object_get_int_member_with_default (kinds, "cell", 0) : 0;
  gint64 all = json_object_get_int_member_with_default (group, "ops", 0);
  g_autofree char *time = format_time (json_object_get_int_member_with_default (group, "minute", 0));
  g_autoptr(GList) ids = patterns ? json_object_get_members (patterns) : NULL;
  const char *where = NULL;
  g_autofree char *what = NULL;

  if (*name == '\0')
    name = _("Someone");
  /* The pattern most edited, by its name now. */
  {
    gint64 best = 0;

    for (GList *l = ids; l; l = l->next)
      if (json_object_get_int_member (patterns, l->data) > best && pattern_name (self, l->data))
        {
          best = json_object_get_int_member (patterns, l->data);
          where = pattern_name (self, l->data);
        }
  }
  /* A page holds at most a few thousand edits: an int is plenty. */
  if (cells > 0 && cells == all)
    what = g_strdup_printf (ngettext ("%d grid edit", "%d grid edits", (int) edits), (int) edits);
  else
    what = g_strdup_printf (ngettext ("%d edit", "%d edits", (int) edits), (int) edits);
  if (where)
    /* Translators: person — what, in which pattern, at what time */
    return g_strdup_printf (_("%s — %s in %s, %s"), name, what, where, time);
  /* Translators: person — what, at what time */
  return g_strdup_printf (_("%s — %s, %s"), name, what, time);
}

static void
add_row (TandemHistoryPanel *self,
         const char         *text,
         guint64             seq,
         const char         *time,
         gboolean            save_point)
{
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_widget_set_margin_start (box, 12);
  gtk_widget_set_margin_end (box, 12);
  gtk_widget_set_margin_top (box, 6);
  gtk_widget_set_margin_bottom (box, 6);
  if (save_point)
    gtk_box_append (GTK_BOX (box), gtk_image_new_from_icon_name ("starred-symbolic"));
  gtk_box_append (GTK_BOX (box), label);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
  g_object_set_data (G_OBJECT (row), "seq", GSIZE_TO_POINTER ((gsize) seq));
  g_object_set_data_full (G_OBJECT (row), "time", g_strdup (time), g_free);
  gtk_list_box_append (self->list, row);
  g_ptr_array_add (self->row_texts, g_strdup (text));
}

static void
clear_rows (TandemHistoryPanel *self)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->list))))
    gtk_list_box_remove (self->list, child);
  g_ptr_array_set_size (self->row_texts, 0);
}

static void
summary_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) summary = tandem_sync_client_history_summary_finish (TANDEM_SYNC_CLIENT (source),
                                                                             result, &error);
  TandemHistoryPanel *self;
  JsonArray *points, *groups;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = TANDEM_HISTORY_PANEL (data);
  if (summary == NULL)
    {
      gtk_label_set_label (self->status_label, error->message);
      return;
    }
  clear_rows (self);
  self->oldest = json_object_get_int_member_with_default (summary, "oldest", 0);
  points = json_object_has_member (summary, "save_points")
           ? json_object_get_array_member (summary, "save_points") : NULL;
  groups = json_object_get_array_member (summary, "groups");
  /* Named moments first: what people come back for. */
  for (guint i = 0; points && i < json_array_get_length (points); i++)
    {
      JsonObject *p = json_array_get_object_element (points, i);
      g_autofree char *time = format_time (json_object_get_int_member_with_default (p, "time", 0));
      const char *author = json_object_get_string_member_with_default (p, "author", "");
      g_autofree char *text = *author
        ? g_strdup_printf (_("%s — saved by %s, %s"), json_object_get_string_member (p, "name"),
                           author, time)
        : g_strdup_printf (_("%s — %s"), json_object_get_string_member (p, "name"), time);

      add_row (self, text, json_object_get_int_member (p, "at"), time, TRUE);
    }
  for (guint i = 0; groups && i < json_array_get_length (groups); i++)
    {
      JsonObject *g = json_array_get_object_element (groups, i);
      g_autofree char *text = describe_group (self, g);
      g_autofree char *time = format_time (json_object_get_int_member_with_default (g, "time", 0));

      add_row (self, text, json_object_get_int_member (g, "last"), time, FALSE);
    }
  gtk_label_set_label (self->status_label,
                       self->row_texts->len == 0 ? _("No edits yet") : "");
}

/* Outside a session: this window's own edits, by minute, newest first. */
static void
list_local (TandemHistoryPanel *self)
{
  guint n = tandem_history_get_log_length (self->local);
  guint i = n;

  clear_rows (self);
  while (i > 0)
    {
      gint64 time = 0, minute, t = 0;
      guint last = i - 1, edits = 0;
      g_autofree char *when = NULL;
      g_autofree char *text = NULL;

      tandem_history_get_log_entry (self->local, last, &time);
      minute = time / 60000;
      while (i > 0 && (tandem_history_get_log_entry (self->local, i - 1, &t), t / 60000 == minute))
        {
          edits++;
          i--;
        }
      when = format_time (time);
      /* Translators: the edits made in this window, at what time */
      text = g_strdup_printf (ngettext ("You — %d edit, %s", "You — %d edits, %s", (int) edits),
                              (int) edits, when);
      add_row (self, text, last, when, FALSE);
    }
  gtk_label_set_label (self->status_label, n == 0 ? _("No edits yet") : "");
}

void
tandem_history_panel_refresh (TandemHistoryPanel *self)
{
  g_return_if_fail (TANDEM_IS_HISTORY_PANEL (self));
  if (self->client == NULL && self->local != NULL)
    {
      list_local (self);
      return;
    }
  if (self->client == NULL
      || tandem_sync_client_get_state (self->client) != TANDEM_SYNC_STATE_LIVE)
    return;
  tandem_sync_client_history_summary_async (self->client, 0, 0, self->cancellable, summary_cb, self);
}

static gboolean
refresh_cb (gpointer data)
{
  TandemHistoryPanel *self = data;

  g_clear_pointer (&self->refresh_source, g_source_unref);
  tandem_history_panel_refresh (self);
  return G_SOURCE_REMOVE;
}

static void
schedule_refresh (TandemHistoryPanel *self)
{
  if (self->refresh_source || !gtk_widget_get_mapped (GTK_WIDGET (self)))
    return;
  self->refresh_source = g_timeout_source_new (REFRESH_DELAY_MS);
  g_source_set_callback (self->refresh_source, refresh_cb, self, NULL);
  g_source_attach (self->refresh_source, NULL);
}

static void
stop_replay (TandemHistoryPanel *self)
{
  if (self->replay == NULL)
    return;
  g_signal_handlers_disconnect_by_data (self->replay, self);
  tandem_history_replay_stop (self->replay);
  g_clear_object (&self->replay);
}

static void
set_preview (TandemHistoryPanel *self,
             TandemProject      *past,
             const char         *time)
{
  g_autofree char *label = NULL;

  g_set_object (&self->preview, past);
  g_clear_pointer (&self->preview_label_text, g_free);
  if (past)
    {
      self->preview_label_text = g_strdup_printf (_("Previewing %s"), time);
      label = g_strdup (self->preview_label_text);
      gtk_label_set_label (self->preview_label, label);
    }
  gtk_revealer_set_reveal_child (self->preview_revealer, past != NULL);
  gtk_widget_set_sensitive (GTK_WIDGET (self->restore_button),
                            past != NULL && self->client != NULL
                            && g_strcmp0 (tandem_sync_client_get_role (self->client), "viewer") != 0);
  g_signal_emit (self, signals[PREVIEW], 0, past, self->preview_label_text);
}

typedef struct
{
  TandemHistoryPanel *self;
  char               *time;
} PreviewRequest;

static void
project_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      data)
{
  PreviewRequest *req = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(TandemProject) past = tandem_sync_client_history_project_finish (TANDEM_SYNC_CLIENT (source),
                                                                             result, &error);

  if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      if (past)
        set_preview (req->self, past, req->time);
      else
        gtk_label_set_label (req->self->status_label, error->message);
    }
  g_object_unref (req->self);
  g_free (req->time);
  g_free (req);
}

static void
on_row_activated (TandemHistoryPanel *self,
                  GtkListBoxRow      *row)
{
  PreviewRequest *req;

  if (self->client == NULL && self->local != NULL)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(TandemProject) past =
        tandem_history_log_project_at (self->local,
                                       GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (row), "seq")),
                                       &error);

      if (past)
        set_preview (self, past, g_object_get_data (G_OBJECT (row), "time"));
      else
        gtk_label_set_label (self->status_label, error->message);
      return;
    }
  if (self->client == NULL)
    return;
  stop_replay (self);
  req = g_new0 (PreviewRequest, 1);
  req->self = g_object_ref (self);
  req->time = g_strdup (g_object_get_data (G_OBJECT (row), "time"));
  tandem_sync_client_history_project_async (self->client,
                                            GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (row), "seq")),
                                            self->cancellable, project_cb, req);
}

static void
on_live_clicked (TandemHistoryPanel *self)
{
  stop_replay (self);
  gtk_list_box_unselect_all (self->list);
  set_preview (self, NULL, NULL);
}

void
tandem_history_panel_back_to_live (TandemHistoryPanel *self)
{
  g_return_if_fail (TANDEM_IS_HISTORY_PANEL (self));
  on_live_clicked (self);
}

gboolean
tandem_history_panel_restore (TandemHistoryPanel  *self,
                              GError             **error)
{
  g_autoptr(TandemProject) past = NULL;

  g_return_val_if_fail (TANDEM_IS_HISTORY_PANEL (self), FALSE);
  if (self->client == NULL || self->preview == NULL)
    return TRUE;
  past = g_object_ref (self->preview);
  /* Back to the live grid first: it is the one the restore changes. */
  on_live_clicked (self);
  return tandem_sync_client_restore (self->client, past, error);
}

static void
on_restore_clicked (TandemHistoryPanel *self)
{
  g_autoptr(GError) error = NULL;

  if (!tandem_history_panel_restore (self, &error))
    gtk_label_set_label (self->status_label, error->message);
}

static const double speeds[] = { 1, 4, 16, 64 };

static void
on_replay_started (TandemHistoryPanel *self,
                   TandemProject      *project)
{
  g_autofree char *text = g_strdup_printf (_("Replaying at %g×"), speeds[MIN (gtk_drop_down_get_selected (self->speed_dropdown), 3)]);

  g_set_object (&self->preview, project);
  g_free (self->preview_label_text);
  self->preview_label_text = g_strdup (text);
  gtk_label_set_label (self->preview_label, text);
  gtk_revealer_set_reveal_child (self->preview_revealer, TRUE);
  gtk_widget_set_sensitive (GTK_WIDGET (self->restore_button), FALSE);
  g_signal_emit (self, signals[PREVIEW], 0, project, self->preview_label_text);
}

static void
on_replay_finished (TandemHistoryPanel *self,
                    const GError       *error)
{
  if (error)
    gtk_label_set_label (self->status_label, error->message);
  else
    gtk_label_set_label (self->preview_label, _("Replay finished"));
  gtk_widget_set_sensitive (GTK_WIDGET (self->restore_button),
                            self->preview != NULL
                            && g_strcmp0 (tandem_sync_client_get_role (self->client), "viewer") != 0);
}

void
tandem_history_panel_replay (TandemHistoryPanel *self,
                             double              speed)
{
  g_return_if_fail (TANDEM_IS_HISTORY_PANEL (self));
  if (self->client == NULL)
    return;
  stop_replay (self);
  self->replay = tandem_history_replay_new (self->client, self->oldest, speed);
  g_signal_connect_swapped (self->replay, "started", G_CALLBACK (on_replay_started), self);
  g_signal_connect_swapped (self->replay, "finished", G_CALLBACK (on_replay_finished), self);
  tandem_history_replay_start (self->replay);
}

gboolean
tandem_history_panel_is_replaying (TandemHistoryPanel *self)
{
  g_return_val_if_fail (TANDEM_IS_HISTORY_PANEL (self), FALSE);
  return self->replay != NULL && tandem_history_replay_is_running (self->replay);
}

static void
on_replay_clicked (TandemHistoryPanel *self)
{
  tandem_history_panel_replay (self, speeds[MIN (gtk_drop_down_get_selected (self->speed_dropdown), 3)]);
}

gboolean
tandem_history_panel_save_copy (TandemHistoryPanel  *self,
                                const char          *path,
                                GError             **error)
{
  g_return_val_if_fail (TANDEM_IS_HISTORY_PANEL (self), FALSE);
  g_return_val_if_fail (self->preview != NULL, FALSE);
  /* The samples come along from the local store, as with any save. */
  return tandem_project_save_to_file (self->preview, path, error);
}

static void
on_save_copy_response (GtkNativeDialog    *dialog,
                       int                 response,
                       TandemHistoryPanel *self)
{
  g_autoptr(GFile) file = NULL;
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;

  if (response == GTK_RESPONSE_ACCEPT
      && (file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog))) != NULL
      && (path = g_file_get_path (file)) != NULL
      && self->preview != NULL
      && !tandem_history_panel_save_copy (self, path, &error))
    gtk_label_set_label (self->status_label, error->message);
  gtk_native_dialog_destroy (dialog);
  g_object_unref (dialog);
  g_object_unref (self);
}

static void
on_save_copy_clicked (TandemHistoryPanel *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkFileChooserNative *dialog;
  g_autofree char *name = NULL;

  if (self->preview == NULL)
    return;
  dialog = gtk_file_chooser_native_new (_("Save a Copy"), GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                        GTK_FILE_CHOOSER_ACTION_SAVE, _("_Save"), _("_Cancel"));
  name = g_strdup_printf ("%s.tandem", tandem_project_get_name (self->preview));
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (dialog), name);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (dialog), TRUE);
  g_signal_connect (dialog, "response", G_CALLBACK (on_save_copy_response), g_object_ref (self));
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}

static void
on_fork_clicked (TandemHistoryPanel *self)
{
  if (self->preview)
    g_signal_emit (self, signals[FORK], 0, self->preview);
}

static void
on_save_point (TandemHistoryPanel *self)
{
  const char *name = gtk_editable_get_text (GTK_EDITABLE (self->save_point_entry));
  g_autoptr(GError) error = NULL;

  if (self->client == NULL || *name == '\0')
    return;
  if (!tandem_sync_client_add_save_point (self->client, name, &error))
    gtk_label_set_label (self->status_label, error->message);
  else
    gtk_editable_set_text (GTK_EDITABLE (self->save_point_entry), "");
}

static void
on_client_changed (TandemHistoryPanel *self)
{
  gboolean live = self->client != NULL
                  && tandem_sync_client_get_state (self->client) == TANDEM_SYNC_STATE_LIVE;
  gboolean editor = live && g_strcmp0 (tandem_sync_client_get_role (self->client), "viewer") != 0;

  gtk_widget_set_sensitive (GTK_WIDGET (self->save_point_entry), editor);
  gtk_widget_set_sensitive (GTK_WIDGET (self->save_point_button), editor);
  gtk_widget_set_sensitive (GTK_WIDGET (self->replay_button), live);
  if (self->client == NULL && self->local != NULL)
    list_local (self);
  else if (self->client == NULL)
    {
      clear_rows (self);
      gtk_label_set_label (self->status_label, _("Host or join a session to see how it was made"));
    }
  else if (live)
    tandem_history_panel_refresh (self);
}

void
tandem_history_panel_set_client (TandemHistoryPanel *self,
                                 TandemSyncClient   *client)
{
  g_return_if_fail (TANDEM_IS_HISTORY_PANEL (self));
  if (self->client == client)
    return;
  if (self->client)
    g_signal_handlers_disconnect_by_data (self->client, self);
  stop_replay (self);
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  if (self->preview)
    set_preview (self, NULL, NULL);
  g_set_object (&self->client, client);
  if (client)
    {
      g_signal_connect_swapped (client, "notify::state", G_CALLBACK (on_client_changed), self);
      g_signal_connect_swapped (client, "batch-received", G_CALLBACK (schedule_refresh), self);
      g_signal_connect_swapped (client, "save-point-added", G_CALLBACK (tandem_history_panel_refresh),
                                self);
    }
  on_client_changed (self);
}

void
tandem_history_panel_set_local_history (TandemHistoryPanel *self,
                                        TandemHistory      *history)
{
  g_return_if_fail (TANDEM_IS_HISTORY_PANEL (self));
  g_return_if_fail (history == NULL || TANDEM_IS_HISTORY (history));
  if (self->local == history)
    return;
  if (self->local)
    g_signal_handlers_disconnect_by_data (self->local, self);
  if (self->preview && self->client == NULL)
    set_preview (self, NULL, NULL);
  g_set_object (&self->local, history);
  if (history)
    g_signal_connect_swapped (history, "applied", G_CALLBACK (schedule_refresh), self);
  on_client_changed (self);
}

guint
tandem_history_panel_get_n_rows (TandemHistoryPanel *self)
{
  g_return_val_if_fail (TANDEM_IS_HISTORY_PANEL (self), 0);
  return self->row_texts->len;
}

const char *
tandem_history_panel_get_row_text (TandemHistoryPanel *self,
                                   guint               index)
{
  g_return_val_if_fail (TANDEM_IS_HISTORY_PANEL (self), NULL);
  return index < self->row_texts->len ? self->row_texts->pdata[index] : NULL;
}

void
tandem_history_panel_activate_row (TandemHistoryPanel *self,
                                   guint               index)
{
  GtkListBoxRow *row = gtk_list_box_get_row_at_index (self->list, index);

  g_return_if_fail (row != NULL);
  gtk_list_box_select_row (self->list, row);
  on_row_activated (self, row);
}

gboolean
tandem_history_panel_get_banner_shown (TandemHistoryPanel *self)
{
  g_return_val_if_fail (TANDEM_IS_HISTORY_PANEL (self), FALSE);
  return gtk_revealer_get_child_revealed (self->preview_revealer);
}

TandemProject *
tandem_history_panel_get_preview (TandemHistoryPanel *self)
{
  g_return_val_if_fail (TANDEM_IS_HISTORY_PANEL (self), NULL);
  return self->preview;
}

static void
tandem_history_panel_map (GtkWidget *widget)
{
  GTK_WIDGET_CLASS (tandem_history_panel_parent_class)->map (widget);
  /* Shown again: what happened meanwhile. */
  tandem_history_panel_refresh (TANDEM_HISTORY_PANEL (widget));
}

static void
tandem_history_panel_dispose (GObject *object)
{
  TandemHistoryPanel *self = TANDEM_HISTORY_PANEL (object);

  if (self->refresh_source)
    {
      g_source_destroy (self->refresh_source);
      g_clear_pointer (&self->refresh_source, g_source_unref);
    }
  stop_replay (self);
  if (self->client)
    g_signal_handlers_disconnect_by_data (self->client, self);
  if (self->local)
    g_signal_handlers_disconnect_by_data (self->local, self);
  g_clear_object (&self->local);
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->client);
  g_clear_object (&self->preview);
  gtk_widget_dispose_template (GTK_WIDGET (self), TANDEM_TYPE_HISTORY_PANEL);
  G_OBJECT_CLASS (tandem_history_panel_parent_class)->dispose (object);
}

static void
tandem_history_panel_finalize (GObject *object)
{
  TandemHistoryPanel *self = TANDEM_HISTORY_PANEL (object);

  g_free (self->preview_label_text);
  g_ptr_array_unref (self->row_texts);
  G_OBJECT_CLASS (tandem_history_panel_parent_class)->finalize (object);
}

static void
tandem_history_panel_class_init (TandemHistoryPanelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = tandem_history_panel_dispose;
  object_class->finalize = tandem_history_panel_finalize;
  widget_class->map = tandem_history_panel_map;

  /**
   * TandemHistoryPanel::preview:
   * @past: (nullable): the version to show read-only, or NULL for live
   * @label: (nullable): what to mark it with ("Previewing 14:02")
   */
  signals[PREVIEW] =
    g_signal_new ("preview", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, TANDEM_TYPE_PROJECT, G_TYPE_STRING);

  /**
   * TandemHistoryPanel::fork:
   * @past: the version a new session should start from
   */
  signals[FORK] =
    g_signal_new ("fork", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, TANDEM_TYPE_PROJECT);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/tandemjam/Tandem/tandem-history-panel.ui");
  gtk_widget_class_bind_template_child (widget_class, TandemHistoryPanel, preview_revealer);
  gtk_widget_class_bind_template_child (widget_class, TandemHistoryPanel, preview_label);
  gtk_widget_class_bind_template_child (widget_class, TandemHistoryPanel, restore_button);
  gtk_widget_class_bind_template_child (widget_class, TandemHistoryPanel, save_point_entry);
  gtk_widget_class_bind_template_child (widget_class, TandemHistoryPanel, save_point_button);
  gtk_widget_class_bind_template_child (widget_class, TandemHistoryPanel, status_label);
  gtk_widget_class_bind_template_child (widget_class, TandemHistoryPanel, list);
  gtk_widget_class_bind_template_child (widget_class, TandemHistoryPanel, replay_button);
  gtk_widget_class_bind_template_child (widget_class, TandemHistoryPanel, speed_dropdown);
  gtk_widget_class_bind_template_callback (widget_class, on_replay_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_live_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_restore_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_save_copy_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_fork_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_save_point);
  gtk_widget_class_bind_template_callback (widget_class, on_row_activated);
  gtk_widget_class_set_css_name (widget_class, "historypanel");
}

static void
tandem_history_panel_init (TandemHistoryPanel *self)
{
  self->row_texts = g_ptr_array_new_with_free_func (g_free);
  self->cancellable = g_cancellable_new ();
  gtk_widget_init_template (GTK_WIDGET (self));
  on_client_changed (self);
}

GtkWidget *
tandem_history_panel_new (void)
{
  return g_object_new (TANDEM_TYPE_HISTORY_PANEL, NULL);
}
