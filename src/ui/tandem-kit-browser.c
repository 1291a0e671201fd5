/* tandem-kit-browser.c — choosing a Hydrogen drum kit and its instruments
 *
 * Lists the kits in the kit folders (their drumkit.xml only, so it opens at
 * once), shows who made the chosen one and under which licence, and adds it
 * as tracks or puts one of its instruments on the selected track. Samples
 * are imported on a worker thread; the project changes by one op per
 * choice, so undo takes a whole kit back out.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-ui"

#include "config.h"

#include <glib/gi18n.h>

#include "tandem-kit-browser.h"
#include "tandem-kit-import.h"
#include "tandem-window-private.h"

/* A preview plays one hit, then the engine is closed again. */
#define PREVIEW_SECONDS 4

typedef enum
{
  AFTER_IMPORT_ADD_TRACKS,
  AFTER_IMPORT_SWAP,
  AFTER_IMPORT_PREVIEW,
} AfterImport;

struct _TandemKitBrowser
{
  AdwWindow     parent_instance;

  TandemWindow *window;       /* weak */
  GPtrArray    *kits;         /* TandemKit */
  TandemKit    *kit;          /* the chosen one, borrowed from kits */
  GCancellable *cancellable;
  guint         busy;
  TandemEngine *preview;      /* NULL when no preview plays */
  TandemProject *preview_project;
  char         *preview_pattern;
  guint         preview_stop;

  GtkStack     *stack;
  GtkListBox   *kit_list;
  GtkListBox   *instrument_list;
  GtkLabel     *name_label;
  GtkLabel     *author_label;
  GtkLabel     *licence_label;
  GtkLabel     *folder_label;
  GtkLabel     *info_label;
};

G_DEFINE_FINAL_TYPE (TandemKitBrowser, tandem_kit_browser, ADW_TYPE_WINDOW)

typedef struct
{
  GWeakRef     browser;
  AfterImport  after;
  guint        instrument;
  char        *track_id;
} ImportContext;

static void
import_context_free (ImportContext *ctx)
{
  g_weak_ref_clear (&ctx->browser);
  g_free (ctx->track_id);
  g_free (ctx);
}

static void update_actions (TandemKitBrowser *self);

/* ---- preview ---------------------------------------------------------------- */

static gboolean
stop_preview (gpointer data)
{
  TandemKitBrowser *self = data;

  self->preview_stop = 0;
  if (self->preview != NULL)
    {
      g_signal_handlers_disconnect_by_data (tandem_engine_get_sample_cache (self->preview), self);
      tandem_engine_close (self->preview);
      g_clear_object (&self->preview);
    }
  g_clear_object (&self->preview_project);
  g_clear_pointer (&self->preview_pattern, g_free);
  return G_SOURCE_REMOVE;
}

/* The hit waits for its samples: a plan without them would play silence on
 * the one step there is. */
static void
preview_hit_when_ready (TandemKitBrowser *self)
{
  TandemSampleCache *cache = tandem_engine_get_sample_cache (self->preview);
  GListModel *samples = tandem_project_get_samples (self->preview_project);
  g_autoptr(TandemTrack) track = NULL;
  g_autoptr(TandemOp) hit = NULL;

  if (self->preview_stop != 0)
    return;
  for (guint i = 0; i < g_list_model_get_n_items (samples); i++)
    {
      g_autoptr(TandemSampleInfo) info = g_list_model_get_item (samples, i);
      const char *hash = tandem_sample_info_get_id (info);

      if (tandem_sample_cache_lookup (cache, hash) == NULL
          && tandem_sample_cache_get_error (cache, hash) == NULL)
        return;
    }
  g_signal_handlers_disconnect_by_data (cache, self);
  track = g_list_model_get_item (tandem_project_get_tracks (self->preview_project), 0);
  hit = tandem_op_new_batch ();
  tandem_op_batch_add (hit, tandem_op_new_set_cell (self->preview_pattern, tandem_track_get_id (track),
                                                    0, "velocity", 100));
  tandem_op_batch_add (hit, tandem_op_new_set_boolean (TANDEM_ENTITY_PROJECT, NULL, "playing", TRUE));
  tandem_project_apply (self->preview_project, hit, NULL, NULL);
  self->preview_stop = g_timeout_add_seconds (PREVIEW_SECONDS, stop_preview, self);
}

/* A private one-track project that plays one hit of the instrument at
 * velocity 100: the same engine, device and sampler as the song. */
static void
play_preview (TandemKitBrowser *self,
              TandemKitImport  *import,
              guint             instrument)
{
  g_autoptr(TandemProject) project = tandem_project_new ();
  g_autoptr(GArray) one = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autoptr(TandemOp) tracks = NULL;
  g_autoptr(TandemOp) setup = tandem_op_new_batch ();
  g_autoptr(GError) error = NULL;
  g_autofree char *pattern_id = tandem_id_new ();
  JsonObject *obj = json_object_new ();
  JsonNode *node = json_node_alloc ();

  g_array_append_val (one, instrument);
  tracks = tandem_kit_import_build_tracks_op (import, project, one, -1);
  json_object_set_string_member (obj, "id", pattern_id);
  json_object_set_int_member (obj, "length", TANDEM_MAX_STEPS);
  json_node_take_object (json_node_init (node, JSON_NODE_OBJECT), obj);
  tandem_op_batch_add (setup, tandem_op_new_insert (TANDEM_ENTITY_PATTERN, -1, node));
  tandem_op_batch_add (setup, tandem_op_new_set_string (TANDEM_ENTITY_PROJECT, NULL,
                                                        "current-pattern", pattern_id));
  tandem_op_batch_add (setup, tandem_op_new_set_double (TANDEM_ENTITY_PROJECT, NULL, "tempo",
                                                        TANDEM_TEMPO_MIN));
  tandem_op_batch_add (setup, tandem_op_new_set_int (TANDEM_ENTITY_PROJECT, NULL,
                                                     "steps-per-beat", 1));
  if (!tandem_project_apply (project, tracks, NULL, &error)
      || !tandem_project_apply (project, setup, NULL, &error))
    {
      g_warning ("Cannot preview: %s", error->message);
      return;
    }
  stop_preview (self);
  g_clear_handle_id (&self->preview_stop, g_source_remove);
  self->preview = tandem_engine_new ();
  self->preview_project = g_object_ref (project);
  self->preview_pattern = g_strdup (pattern_id);
  tandem_engine_set_project (self->preview, project);
  if (!tandem_engine_open (self->preview, NULL, TANDEM_ENGINE_DEFAULT_RATE,
                           TANDEM_ENGINE_DEFAULT_FRAMES, &error))
    {
      g_autofree char *text = g_strdup_printf (_("Cannot preview: %s"), error->message);

      tandem_window_show_toast (self->window, text);
      stop_preview (self);
      return;
    }
  g_signal_connect_object (tandem_engine_get_sample_cache (self->preview), "loaded",
                           G_CALLBACK (preview_hit_when_ready), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (tandem_engine_get_sample_cache (self->preview), "failed",
                           G_CALLBACK (preview_hit_when_ready), self, G_CONNECT_SWAPPED);
  preview_hit_when_ready (self);
}

/* ---- importing ---------------------------------------------------------------- */

static void
upload_samples (TandemKitBrowser *self,
                TandemOp         *batch)
{
  if (self->window->transfers == NULL)
    return;
  for (guint i = 0; i < tandem_op_batch_get_n_ops (batch); i++)
    {
      TandemOp *op = tandem_op_batch_get_op (batch, i);

      if (tandem_op_get_kind (op) == TANDEM_OP_INSERT && tandem_op_get_entity (op) == TANDEM_ENTITY_SAMPLE)
        tandem_sample_transfers_upload (self->window->transfers,
                                        json_object_get_string_member (
                                          json_node_get_object (tandem_op_get_value (op)), "id"));
    }
}

static void
import_done (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  ImportContext *ctx = user_data;
  g_autoptr(TandemKitBrowser) self = g_weak_ref_get (&ctx->browser);
  g_autoptr(TandemKitImport) import = NULL;
  g_autoptr(TandemOp) op = NULL;
  g_autoptr(GError) error = NULL;
  const TandemKit *kit;

  import = tandem_kit_import_finish (result, &error);
  if (self == NULL || self->window == NULL
      || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      import_context_free (ctx);
      return;
    }
  self->busy--;
  update_actions (self);
  if (import == NULL)
    {
      tandem_window_show_toast (self->window, error->message);
      import_context_free (ctx);
      return;
    }
  kit = tandem_kit_import_get_kit (import);

  switch (ctx->after)
    {
    case AFTER_IMPORT_PREVIEW:
      play_preview (self, import, ctx->instrument);
      break;
    case AFTER_IMPORT_ADD_TRACKS:
    case AFTER_IMPORT_SWAP:
      if (ctx->after == AFTER_IMPORT_ADD_TRACKS)
        op = tandem_kit_import_build_tracks_op (import, self->window->project, NULL, -1);
      else
        op = tandem_kit_import_build_swap_op (import, self->window->project, ctx->instrument,
                                              ctx->track_id);
      if (!tandem_history_apply (self->window->history, op, &error))
        {
          g_autofree char *text = g_strdup_printf (_("Cannot use “%s”: %s"), kit->name, error->message);

          tandem_window_show_toast (self->window, text);
          break;
        }
      upload_samples (self, op);
      {
        g_autofree char *text =
          ctx->after == AFTER_IMPORT_ADD_TRACKS
          ? g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Added %u track from “%s”",
                                          "Added %u tracks from “%s”", kit->instruments->len),
                             kit->instruments->len, kit->name)
          : g_strdup_printf (_("The track now plays “%s” from “%s”"),
                             ((TandemKitInstrument *) g_ptr_array_index (kit->instruments,
                                                                         ctx->instrument))->name,
                             kit->name);

        tandem_window_show_toast (self->window, text);
      }
      break;
    default:
      g_assert_not_reached ();
    }
  import_context_free (ctx);
}

static void
start_import (TandemKitBrowser *self,
              AfterImport       after,
              guint             instrument,
              const char       *track_id)
{
  ImportContext *ctx = g_new0 (ImportContext, 1);

  g_weak_ref_init (&ctx->browser, self);
  ctx->after = after;
  ctx->instrument = instrument;
  ctx->track_id = g_strdup (track_id);
  self->busy++;
  update_actions (self);
  tandem_kit_import_async (self->kit, tandem_sample_store_get_default (),
                           g_settings_get_uint64 (self->window->settings, "max-sample-size"),
                           self->cancellable, import_done, ctx);
}

/* ---- actions ---------------------------------------------------------------- */

static int
selected_instrument (TandemKitBrowser *self)
{
  GtkListBoxRow *row = gtk_list_box_get_selected_row (self->instrument_list);

  return row != NULL ? gtk_list_box_row_get_index (row) : -1;
}

static void
update_actions (TandemKitBrowser *self)
{
  const char *track;

  if (self->window == NULL)
    return;
  track = tandem_grid_view_get_selected_track (self->window->grid_view);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "kit.add-tracks",
                                 self->kit != NULL && self->busy == 0);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "kit.use-for-track",
                                 self->kit != NULL && self->busy == 0 && track != NULL
                                 && selected_instrument (self) >= 0);
}

static void
add_tracks_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *param)
{
  TandemKitBrowser *self = TANDEM_KIT_BROWSER (widget);

  if (self->kit != NULL && self->window != NULL)
    start_import (self, AFTER_IMPORT_ADD_TRACKS, 0, NULL);
}

static void
use_for_track_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *param)
{
  TandemKitBrowser *self = TANDEM_KIT_BROWSER (widget);
  const char *track;
  int instrument = selected_instrument (self);

  if (self->window == NULL)
    return;
  track = tandem_grid_view_get_selected_track (self->window->grid_view);
  if (self->kit != NULL && track != NULL && instrument >= 0)
    start_import (self, AFTER_IMPORT_SWAP, (guint) instrument, track);
}

static void
preview_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *param)
{
  TandemKitBrowser *self = TANDEM_KIT_BROWSER (widget);
  int instrument = g_variant_get_int32 (param);

  if (self->kit != NULL && self->window != NULL && instrument >= 0
      && (guint) instrument < self->kit->instruments->len)
    start_import (self, AFTER_IMPORT_PREVIEW, (guint) instrument, NULL);
}

/* ---- the lists -------------------------------------------------------------- */

static GtkWidget *
instrument_row (const TandemKitInstrument *inst,
                guint                      index)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *play = gtk_button_new_from_icon_name ("media-playback-start-symbolic");
  g_autofree char *tooltip = g_strdup_printf (_("Preview “%s”"), inst->name);
  g_autofree char *subtitle = NULL;
  g_autofree char *layers = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u layer", "%u layers",
                                                          inst->layers->len),
                                             inst->layers->len);

  if (inst->mute_group >= 0)
    /* Translators: "5 layers · choke group 2" */
    subtitle = g_strdup_printf (_("%s · choke group %d"), layers, inst->mute_group + 1);
  else
    subtitle = g_steal_pointer (&layers);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), inst->name);
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  gtk_widget_set_tooltip_text (play, tooltip);
  gtk_widget_set_valign (play, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (play, "flat");
  gtk_actionable_set_action_name (GTK_ACTIONABLE (play), "kit.preview");
  gtk_actionable_set_action_target_value (GTK_ACTIONABLE (play), g_variant_new_int32 ((int) index));
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), play);
  return row;
}

static void
show_kit (TandemKitBrowser *self,
          TandemKit        *kit)
{
  GtkWidget *child;
  g_autofree char *author = NULL;
  g_autofree char *licence = NULL;

  self->kit = kit;
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->instrument_list))) != NULL)
    gtk_list_box_remove (self->instrument_list, child);
  if (kit == NULL)
    return;
  /* Translators: who made a drum kit */
  author = g_strdup_printf (_("By %s"), *kit->author != '\0' ? kit->author : _("an unknown author"));
  /* Translators: the licence a drum kit's samples come under */
  licence = g_strdup_printf (_("Licence: %s"), *kit->license != '\0' ? kit->license : _("none given"));
  gtk_label_set_text (self->name_label, kit->name);
  gtk_label_set_text (self->author_label, author);
  gtk_label_set_text (self->licence_label, licence);
  gtk_label_set_text (self->folder_label, kit->source);
  {
    g_autofree char *info = tandem_kit_get_plain_info (kit);

    gtk_label_set_text (self->info_label, info);
    gtk_widget_set_visible (GTK_WIDGET (self->info_label), *info != '\0');
  }
  for (guint i = 0; i < kit->instruments->len; i++)
    gtk_list_box_append (self->instrument_list,
                         instrument_row (g_ptr_array_index (kit->instruments, i), i));
  update_actions (self);
}

static void
on_kit_selected (GtkListBox       *list,
                 GtkListBoxRow    *row,
                 TandemKitBrowser *self)
{
  show_kit (self, row != NULL ? g_ptr_array_index (self->kits, gtk_list_box_row_get_index (row)) : NULL);
}

static void
on_instrument_selected (GtkListBox       *list,
                        GtkListBoxRow    *row,
                        TandemKitBrowser *self)
{
  update_actions (self);
}

static void
fill (TandemKitBrowser   *self,
      const char * const *folders)
{
  g_autoptr(GPtrArray) failed = NULL;

  self->kits = tandem_kit_find_all (folders, &failed);
  for (guint i = 0; i < failed->len; i++)
    g_message ("Skipping a drum kit: %s", (const char *) g_ptr_array_index (failed, i));
  for (guint i = 0; i < self->kits->len; i++)
    {
      TandemKit *kit = g_ptr_array_index (self->kits, i);
      GtkWidget *row = adw_action_row_new ();

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), kit->name);
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), kit->author);
      gtk_list_box_append (self->kit_list, row);
    }
  gtk_stack_set_visible_child_name (self->stack, self->kits->len > 0 ? "kits" : "empty");
  if (self->kits->len > 0)
    gtk_list_box_select_row (self->kit_list, gtk_list_box_get_row_at_index (self->kit_list, 0));
  update_actions (self);
}

/* ---- GObject ---------------------------------------------------------------- */

static void
tandem_kit_browser_dispose (GObject *object)
{
  TandemKitBrowser *self = TANDEM_KIT_BROWSER (object);

  g_cancellable_cancel (self->cancellable);
  /* The lists empty themselves as they go: nothing to show any more. */
  if (self->kit_list != NULL)
    g_signal_handlers_disconnect_by_data (self->kit_list, self);
  if (self->instrument_list != NULL)
    g_signal_handlers_disconnect_by_data (self->instrument_list, self);
  g_clear_handle_id (&self->preview_stop, g_source_remove);
  stop_preview (self);
  gtk_widget_dispose_template (GTK_WIDGET (self), TANDEM_TYPE_KIT_BROWSER);
  g_clear_weak_pointer (&self->window);
  G_OBJECT_CLASS (tandem_kit_browser_parent_class)->dispose (object);
}

static void
tandem_kit_browser_finalize (GObject *object)
{
  TandemKitBrowser *self = TANDEM_KIT_BROWSER (object);

  g_clear_pointer (&self->kits, g_ptr_array_unref);
  g_clear_object (&self->cancellable);
  G_OBJECT_CLASS (tandem_kit_browser_parent_class)->finalize (object);
}

static void
tandem_kit_browser_class_init (TandemKitBrowserClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = tandem_kit_browser_dispose;
  object_class->finalize = tandem_kit_browser_finalize;

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PATH "/tandem-kit-browser.ui");
  gtk_widget_class_bind_template_child (widget_class, TandemKitBrowser, stack);
  gtk_widget_class_bind_template_child (widget_class, TandemKitBrowser, kit_list);
  gtk_widget_class_bind_template_child (widget_class, TandemKitBrowser, instrument_list);
  gtk_widget_class_bind_template_child (widget_class, TandemKitBrowser, name_label);
  gtk_widget_class_bind_template_child (widget_class, TandemKitBrowser, author_label);
  gtk_widget_class_bind_template_child (widget_class, TandemKitBrowser, licence_label);
  gtk_widget_class_bind_template_child (widget_class, TandemKitBrowser, folder_label);
  gtk_widget_class_bind_template_child (widget_class, TandemKitBrowser, info_label);

  gtk_widget_class_install_action (widget_class, "kit.add-tracks", NULL, add_tracks_action);
  gtk_widget_class_install_action (widget_class, "kit.use-for-track", NULL, use_for_track_action);
  gtk_widget_class_install_action (widget_class, "kit.preview", "i", preview_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
tandem_kit_browser_init (TandemKitBrowser *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  g_signal_connect (self->kit_list, "row-selected", G_CALLBACK (on_kit_selected), self);
  g_signal_connect (self->instrument_list, "row-selected", G_CALLBACK (on_instrument_selected), self);
}

/**
 * tandem_kit_browser_new:
 *
 * Returns: (transfer full): a new browser, transient for @window
 */
TandemKitBrowser *
tandem_kit_browser_new (TandemWindow       *window,
                        const char * const *folders)
{
  TandemKitBrowser *self;

  g_return_val_if_fail (TANDEM_IS_WINDOW (window), NULL);

  self = g_object_new (TANDEM_TYPE_KIT_BROWSER, "transient-for", window, NULL);
  /* Not a reference: the window's dispose is what tells the browser to go. */
  g_set_weak_pointer (&self->window, window);
  /* It edits that window's project: it goes when the window does. */
  g_signal_connect_object (window, "destroy", G_CALLBACK (gtk_window_destroy), self,
                           G_CONNECT_SWAPPED);
  fill (self, folders);
  return self;
}

guint
tandem_kit_browser_get_n_kits (TandemKitBrowser *self)
{
  g_return_val_if_fail (TANDEM_IS_KIT_BROWSER (self), 0);
  return self->kits->len;
}

gboolean
tandem_kit_browser_is_busy (TandemKitBrowser *self)
{
  g_return_val_if_fail (TANDEM_IS_KIT_BROWSER (self), FALSE);
  return self->busy > 0;
}
