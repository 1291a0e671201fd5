/* tandem-grid-view.c — the music grid: tracks × steps of the current pattern
 *
 * The grid is made of real widgets so assistive technologies can reach every
 * step: a column of row headers (one toggle button per track) and, in a
 * horizontally scrolling body, one TandemGridCell per step. The body lays the
 * cells out, draws the beat and bar grouping, the playhead and other people's
 * cursors around them, and takes every pointer gesture itself.
 *
 * Edits go through the history as ops; the widgets only change when the model
 * says so, so a remote edit and a local one look the same.
 *
 * This file holds the widget itself and how it follows the project; see
 * tandem-grid-view-private.h for the other files of the grid.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-ui"

#include "config.h"

#include <string.h>

#include <adwaita.h>
#include <glib/gi18n.h>

#include "tandem-grid-view-private.h"

G_DEFINE_FINAL_TYPE (TandemGridView, tandem_grid_view, GTK_TYPE_WIDGET)

G_DEFINE_BOXED_TYPE (TandemGridCursor, tandem_grid_cursor,
                     tandem_grid_cursor_copy, tandem_grid_cursor_free)

enum {
  PROP_0,
  PROP_PROJECT,
  PROP_HISTORY,
  PROP_PLAYHEAD_STEP,
  PROP_SELECTED_TRACK,
  PROP_PATTERN_ID,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* ---- cursors ------------------------------------------------------------- */

TandemGridCursor *
tandem_grid_cursor_new (const char    *name,
                        const GdkRGBA *color,
                        const char    *track_id,
                        int            step)
{
  TandemGridCursor *cursor = g_new0 (TandemGridCursor, 1);

  cursor->name = g_strdup (name);
  cursor->color = *color;
  cursor->track_id = g_strdup (track_id);
  cursor->step = step;
  return cursor;
}

TandemGridCursor *
tandem_grid_cursor_copy (const TandemGridCursor *cursor)
{
  return tandem_grid_cursor_new (cursor->name, &cursor->color, cursor->track_id, cursor->step);
}

void
tandem_grid_cursor_free (TandemGridCursor *cursor)
{
  if (cursor == NULL)
    return;
  g_free (cursor->name);
  g_free (cursor->track_id);
  g_free (cursor);
}

/* ---- following the model ------------------------------------------------- */

static void
update_timing (TandemGridView *self)
{
  guint n_steps = self->pattern != NULL ? tandem_pattern_get_length (self->pattern) : 0;
  guint spb = self->project != NULL ? tandem_project_get_steps_per_beat (self->project) : 4;
  guint bpb = self->project != NULL ? tandem_project_get_beats_per_bar (self->project) : 4;

  spb = MAX (spb, 1);
  bpb = MAX (bpb, 1);
  if (n_steps == self->n_steps && spb == self->steps_per_beat && bpb == self->beats_per_bar)
    return;

  self->n_steps = n_steps;
  self->steps_per_beat = spb;
  self->beats_per_bar = bpb;
  _tandem_grid_view_refresh_cells (self);
  _tandem_grid_view_cells_removed (self);
}

static void
update_pattern (TandemGridView *self)
{
  TandemPattern *pattern = NULL;
  gboolean rows_missing;

  if (self->project != NULL)
    {
      if (self->pattern_id != NULL)
        pattern = tandem_project_find_pattern (self->project, self->pattern_id);
      if (pattern == NULL)
        pattern = tandem_project_find_pattern (self->project,
                                               tandem_project_get_current_pattern (self->project));
      if (pattern == NULL && g_list_model_get_n_items (self->patterns) > 0)
        {
          g_autoptr(TandemPattern) first = g_list_model_get_item (self->patterns, 0);

          pattern = first;
        }
    }

  if (pattern == self->pattern)
    return;

  rows_missing = self->pattern == NULL;
  g_set_object (&self->pattern, pattern);
  g_signal_group_set_target (self->pattern_signals, pattern);

  if (rows_missing || pattern == NULL)
    _tandem_grid_view_rebuild_rows (self);
  update_timing (self);
  _tandem_grid_view_refresh_cells (self);
}

static void
on_key_changed (TandemGridView *self)
{
  if (self->pattern != NULL)
    _tandem_grid_view_refresh_cells (self);
}

static void
on_cell_changed (TandemGridView *self,
                 const char     *track_id,
                 guint           step,
                 TandemPattern  *pattern)
{
  TandemGridRow *row = g_hash_table_lookup (self->row_by_track, track_id);

  if (row == NULL || step >= row->cells->len)
    return;

  tandem_grid_cell_set_value (g_ptr_array_index (row->cells, step),
                              tandem_pattern_get_cell (pattern, track_id, step));
}

static void
on_tracks_changed (TandemGridView *self,
                   guint           position,
                   guint           removed,
                   guint           added,
                   GListModel     *tracks)
{
  GtkWidget *focus = self->body != NULL ? gtk_widget_get_focus_child (self->body) : NULL;
  gboolean lost_focus = FALSE;

  /* Only the rows that changed are replaced, so the keyboard focus and the
   * other rows' widgets survive someone else adding or removing a track. */
  if (self->pattern == NULL || position + removed > self->rows->len)
    {
      _tandem_grid_view_rebuild_rows (self);
      return;
    }

  for (guint i = 0; i < removed; i++)
    {
      TandemGridRow *row = g_ptr_array_index (self->rows, position);

      lost_focus |= focus != NULL && g_ptr_array_find (row->cells, focus, NULL);

      g_hash_table_remove (self->row_by_track, tandem_track_get_id (row->track));
      g_ptr_array_remove_index (self->rows, position);
    }
  if (removed > 0)
    _tandem_grid_view_cells_removed (self);

  for (guint i = 0; i < added; i++)
    {
      g_autoptr(TandemTrack) track = g_list_model_get_item (tracks, position + i);

      _tandem_grid_view_insert_row (self, track, position + i);
    }

  _tandem_grid_view_rows_changed (self);
  /* The focus was on a cell of a removed row: it moves to the row now there. */
  if (lost_focus)
    _tandem_grid_view_focus_cell (self, self->focus_row, self->focus_step);
}

static void
on_patterns_changed (TandemGridView *self,
                     guint           position,
                     guint           removed,
                     guint           added,
                     GListModel     *patterns)
{
  update_pattern (self);
}

static void
on_project_reset (TandemGridView *self,
                  TandemProject  *project)
{
  update_pattern (self);
  update_timing (self);
  _tandem_grid_view_rebuild_rows (self);
}

static void
on_project_bind (TandemGridView *self,
                 TandemProject  *project,
                 GSignalGroup   *group)
{
  self->tracks = g_object_ref (tandem_project_get_tracks (project));
  self->patterns = g_object_ref (tandem_project_get_patterns (project));
  g_signal_connect_object (self->tracks, "items-changed",
                           G_CALLBACK (on_tracks_changed), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->patterns, "items-changed",
                           G_CALLBACK (on_patterns_changed), self, G_CONNECT_SWAPPED);
}

static void
on_project_unbind (TandemGridView *self,
                   GSignalGroup   *group)
{
  if (self->tracks != NULL)
    g_signal_handlers_disconnect_by_data (self->tracks, self);
  if (self->patterns != NULL)
    g_signal_handlers_disconnect_by_data (self->patterns, self);
  g_clear_object (&self->tracks);
  g_clear_object (&self->patterns);
}

/* ---- for the tests ------------------------------------------------------ */

TandemGridCell *
_tandem_grid_view_get_cell (TandemGridView *self,
                            const char     *track_id,
                            guint           step)
{
  TandemGridRow *row;

  g_return_val_if_fail (TANDEM_IS_GRID_VIEW (self), NULL);

  row = g_hash_table_lookup (self->row_by_track, track_id);
  if (row == NULL || step >= row->cells->len)
    return NULL;
  return g_ptr_array_index (row->cells, step);
}

guint
_tandem_grid_view_get_n_rows (TandemGridView *self)
{
  g_return_val_if_fail (TANDEM_IS_GRID_VIEW (self), 0);

  return self->rows->len;
}

const char *
_tandem_grid_view_get_row_track_id (TandemGridView *self,
                                    guint           index)
{
  TandemGridRow *row;

  g_return_val_if_fail (TANDEM_IS_GRID_VIEW (self), NULL);

  row = _tandem_grid_view_row_at (self, index);
  return row != NULL ? tandem_track_get_id (row->track) : NULL;
}

GtkWidget *
_tandem_grid_view_get_row_header (TandemGridView *self,
                                  const char     *track_id)
{
  TandemGridRow *row;

  g_return_val_if_fail (TANDEM_IS_GRID_VIEW (self), NULL);

  row = g_hash_table_lookup (self->row_by_track, track_id);
  return row != NULL ? row->header : NULL;
}

GtkWidget *
_tandem_grid_view_get_row_menu_button (TandemGridView *self,
                                       const char     *track_id)
{
  TandemGridRow *row;

  g_return_val_if_fail (TANDEM_IS_GRID_VIEW (self), NULL);

  row = g_hash_table_lookup (self->row_by_track, track_id);
  return row != NULL ? row->menu_button : NULL;
}

GtkWidget *
_tandem_grid_view_get_add_button (TandemGridView *self)
{
  g_return_val_if_fail (TANDEM_IS_GRID_VIEW (self), NULL);

  return self->add_button;
}

void
_tandem_grid_view_get_focus_cell (TandemGridView *self,
                                  guint          *row,
                                  guint          *step)
{
  g_return_if_fail (TANDEM_IS_GRID_VIEW (self));

  *row = self->focus_row;
  *step = self->focus_step;
}

/* ---- GObject ------------------------------------------------------------- */

static void
tandem_grid_view_dispose (GObject *object)
{
  TandemGridView *self = TANDEM_GRID_VIEW (object);

  _tandem_grid_view_end_strokes (self);

  if (self->project_signals != NULL)
    g_signal_group_set_target (self->project_signals, NULL);
  if (self->pattern_signals != NULL)
    g_signal_group_set_target (self->pattern_signals, NULL);
  if (self->rows != NULL)
    g_ptr_array_set_size (self->rows, 0);
  if (self->menu != NULL)
    {
      gtk_widget_unparent (self->menu);
      self->menu = NULL;
    }
  g_clear_handle_id (&self->velocity_hide_source, g_source_remove);
  if (self->velocity_popover != NULL)
    {
      gtk_widget_unparent (self->velocity_popover);
      self->velocity_popover = NULL;
    }

  g_clear_pointer (&self->header_box, gtk_widget_unparent);
  g_clear_pointer (&self->scroller, gtk_widget_unparent);
  self->body = NULL;

  g_clear_object (&self->project_signals);
  g_clear_object (&self->pattern_signals);
  g_clear_object (&self->pattern);
  g_clear_object (&self->project);
  g_clear_object (&self->history);
  g_clear_object (&self->menu_model);

  G_OBJECT_CLASS (tandem_grid_view_parent_class)->dispose (object);
}

static void
tandem_grid_view_finalize (GObject *object)
{
  TandemGridView *self = TANDEM_GRID_VIEW (object);

  g_clear_pointer (&self->rows, g_ptr_array_unref);
  g_clear_pointer (&self->row_by_track, g_hash_table_unref);
  g_clear_pointer (&self->cursors, g_ptr_array_unref);
  g_clear_pointer (&self->selected_track, g_free);
  g_clear_pointer (&self->ghost_track, g_free);
  g_clear_pointer (&self->drag_track, g_free);
  g_clear_pointer (&self->menu_track, g_free);
  g_clear_pointer (&self->pattern_id, g_free);

  G_OBJECT_CLASS (tandem_grid_view_parent_class)->finalize (object);
}

static void
tandem_grid_view_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  TandemGridView *self = TANDEM_GRID_VIEW (object);

  switch (prop_id)
    {
    case PROP_PROJECT:
      g_value_set_object (value, self->project);
      break;
    case PROP_HISTORY:
      g_value_set_object (value, self->history);
      break;
    case PROP_PLAYHEAD_STEP:
      g_value_set_int (value, self->playhead_step);
      break;
    case PROP_SELECTED_TRACK:
      g_value_set_string (value, self->selected_track);
      break;
    case PROP_PATTERN_ID:
      g_value_set_string (value, self->pattern_id);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tandem_grid_view_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  TandemGridView *self = TANDEM_GRID_VIEW (object);

  switch (prop_id)
    {
    case PROP_PROJECT:
      tandem_grid_view_set_project (self, g_value_get_object (value));
      break;
    case PROP_HISTORY:
      tandem_grid_view_set_history (self, g_value_get_object (value));
      break;
    case PROP_PLAYHEAD_STEP:
      tandem_grid_view_set_playhead_step (self, g_value_get_int (value));
      break;
    case PROP_SELECTED_TRACK:
      tandem_grid_view_set_selected_track (self, g_value_get_string (value));
      break;
    case PROP_PATTERN_ID:
      tandem_grid_view_set_pattern_id (self, g_value_get_string (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tandem_grid_view_class_init (TandemGridViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = tandem_grid_view_dispose;
  object_class->finalize = tandem_grid_view_finalize;
  object_class->get_property = tandem_grid_view_get_property;
  object_class->set_property = tandem_grid_view_set_property;

  properties[PROP_PROJECT] =
    g_param_spec_object ("project", NULL, NULL, TANDEM_TYPE_PROJECT,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_HISTORY] =
    g_param_spec_object ("history", NULL, NULL, TANDEM_TYPE_HISTORY,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_PLAYHEAD_STEP] =
    g_param_spec_int ("playhead-step", NULL, NULL, -1, G_MAXINT, -1,
                      G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_SELECTED_TRACK] =
    g_param_spec_string ("selected-track", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_PATTERN_ID] =
    g_param_spec_string ("pattern-id", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  _tandem_grid_view_class_edit_init (widget_class);
  _tandem_grid_view_class_tracks_init (widget_class);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BOX_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "gridview");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);

  g_type_ensure (TANDEM_TYPE_GRID_CELL);
}

static void
tandem_grid_view_init (TandemGridView *self)
{
  GtkWidget *viewport;

  self->playhead_step = -1;
  self->steps_per_beat = 4;
  self->beats_per_bar = 4;
  self->rows = g_ptr_array_new_with_free_func ((GDestroyNotify) _tandem_grid_row_free);
  self->row_by_track = g_hash_table_new (g_str_hash, g_str_equal);
  self->cursors = g_ptr_array_new_with_free_func ((GDestroyNotify) tandem_grid_cursor_free);

  gtk_box_layout_set_spacing (GTK_BOX_LAYOUT (gtk_widget_get_layout_manager (GTK_WIDGET (self))),
                              6);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Pattern grid"),
                                  -1);

  self->header_box = gtk_box_new (GTK_ORIENTATION_VERTICAL, TANDEM_GRID_ROW_GAP);
  gtk_widget_set_margin_top (self->header_box, TANDEM_GRID_RULER_HEIGHT);
  gtk_widget_add_css_class (self->header_box, "grid-row-headers");
  /* The headers' labels expand inside their buttons; the column itself keeps
   * its natural width and leaves the room to the cells. */
  gtk_widget_set_hexpand (self->header_box, FALSE);
  gtk_widget_set_parent (self->header_box, GTK_WIDGET (self));

  self->add_button = g_object_new (GTK_TYPE_BUTTON,
                                   "action-name", "track.add",
                                   "tooltip-text", _("Add a track at the end"),
                                   "child", g_object_new (ADW_TYPE_BUTTON_CONTENT,
                                                          "icon-name", "list-add-symbolic",
                                                          "label", _("_Add Track"),
                                                          "use-underline", TRUE,
                                                          NULL),
                                   "halign", GTK_ALIGN_START,
                                   NULL);
  gtk_widget_add_css_class (self->add_button, "flat");
  gtk_widget_add_css_class (self->add_button, "grid-add-track");
  gtk_box_append (GTK_BOX (self->header_box), self->add_button);

  self->body = _tandem_grid_body_new (self);
  viewport = gtk_viewport_new (NULL, NULL);
  gtk_viewport_set_scroll_to_focus (GTK_VIEWPORT (viewport), TRUE);
  gtk_viewport_set_child (GTK_VIEWPORT (viewport), self->body);
  self->scroller = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (self->scroller),
                                  GTK_POLICY_AUTOMATIC, GTK_POLICY_NEVER);
  gtk_scrolled_window_set_propagate_natural_width (GTK_SCROLLED_WINDOW (self->scroller), TRUE);
  gtk_scrolled_window_set_propagate_natural_height (GTK_SCROLLED_WINDOW (self->scroller), TRUE);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (self->scroller), viewport);
  gtk_widget_set_hexpand (self->scroller, TRUE);
  gtk_widget_set_parent (self->scroller, GTK_WIDGET (self));

  self->project_signals = g_signal_group_new (TANDEM_TYPE_PROJECT);
  g_signal_connect_object (self->project_signals, "bind",
                           G_CALLBACK (on_project_bind), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->project_signals, "unbind",
                           G_CALLBACK (on_project_unbind), self, G_CONNECT_SWAPPED);
  g_signal_group_connect_object (self->project_signals, "notify::current-pattern",
                                 G_CALLBACK (update_pattern), self, G_CONNECT_SWAPPED);
  g_signal_group_connect_object (self->project_signals, "notify::steps-per-beat",
                                 G_CALLBACK (update_timing), self, G_CONNECT_SWAPPED);
  g_signal_group_connect_object (self->project_signals, "notify::beats-per-bar",
                                 G_CALLBACK (update_timing), self, G_CONNECT_SWAPPED);
  g_signal_group_connect_object (self->project_signals, "reset",
                                 G_CALLBACK (on_project_reset), self, G_CONNECT_SWAPPED);
  /* Melodic steps name their notes in the key. */
  g_signal_group_connect_object (self->project_signals, "notify::key-root",
                                 G_CALLBACK (on_key_changed), self, G_CONNECT_SWAPPED);
  g_signal_group_connect_object (self->project_signals, "notify::scale",
                                 G_CALLBACK (on_key_changed), self, G_CONNECT_SWAPPED);

  self->pattern_signals = g_signal_group_new (TANDEM_TYPE_PATTERN);
  g_signal_group_connect_object (self->pattern_signals, "cell-changed",
                                 G_CALLBACK (on_cell_changed), self, G_CONNECT_SWAPPED);
  g_signal_group_connect_object (self->pattern_signals, "notify::length",
                                 G_CALLBACK (update_timing), self, G_CONNECT_SWAPPED);
}

/**
 * tandem_grid_view_new:
 *
 * Returns: a new grid; set its "project" and "history"
 */
GtkWidget *
tandem_grid_view_new (void)
{
  return g_object_new (TANDEM_TYPE_GRID_VIEW, NULL);
}

TandemProject *
tandem_grid_view_get_project (TandemGridView *self)
{
  g_return_val_if_fail (TANDEM_IS_GRID_VIEW (self), NULL);

  return self->project;
}

/**
 * tandem_grid_view_set_project:
 *
 * Shows the current pattern of @project and follows its changes.
 */
void
tandem_grid_view_set_project (TandemGridView *self,
                              TandemProject  *project)
{
  g_return_if_fail (TANDEM_IS_GRID_VIEW (self));
  g_return_if_fail (project == NULL || TANDEM_IS_PROJECT (project));

  if (self->project == project)
    return;

  _tandem_grid_view_end_strokes (self);
  g_set_object (&self->project, project);
  g_signal_group_set_target (self->project_signals, project);
  g_clear_object (&self->pattern);
  g_signal_group_set_target (self->pattern_signals, NULL);
  self->focus_row = self->focus_step = 0;
  update_pattern (self);
  update_timing (self);
  _tandem_grid_view_rebuild_rows (self);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROJECT]);
}

TandemHistory *
tandem_grid_view_get_history (TandemGridView *self)
{
  g_return_val_if_fail (TANDEM_IS_GRID_VIEW (self), NULL);

  return self->history;
}

/**
 * tandem_grid_view_set_history:
 *
 * Sets where the grid's edits go; without a history the grid is read-only.
 */
void
tandem_grid_view_set_history (TandemGridView *self,
                              TandemHistory  *history)
{
  g_return_if_fail (TANDEM_IS_GRID_VIEW (self));
  g_return_if_fail (history == NULL || TANDEM_IS_HISTORY (history));

  if (self->history == history)
    return;

  _tandem_grid_view_end_strokes (self);
  g_set_object (&self->history, history);
  _tandem_grid_view_update_row_actions (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HISTORY]);
}

int
tandem_grid_view_get_playhead_step (TandemGridView *self)
{
  g_return_val_if_fail (TANDEM_IS_GRID_VIEW (self), -1);

  return self->playhead_step;
}

/**
 * tandem_grid_view_set_playhead_step:
 * @step: the step being played, or -1 when stopped
 */
void
tandem_grid_view_set_playhead_step (TandemGridView *self,
                                    int             step)
{
  g_return_if_fail (TANDEM_IS_GRID_VIEW (self));

  step = MAX (step, -1);
  if (self->playhead_step == step)
    return;

  self->playhead_step = step;
  gtk_widget_queue_draw (self->body);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PLAYHEAD_STEP]);
}

const char *
tandem_grid_view_get_selected_track (TandemGridView *self)
{
  g_return_val_if_fail (TANDEM_IS_GRID_VIEW (self), NULL);

  return self->selected_track;
}

void
tandem_grid_view_set_selected_track (TandemGridView *self,
                                     const char     *track_id)
{
  g_return_if_fail (TANDEM_IS_GRID_VIEW (self));

  if (g_strcmp0 (self->selected_track, track_id) == 0)
    return;

  g_free (self->selected_track);
  self->selected_track = g_strdup (track_id);
  _tandem_grid_view_sync_headers (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SELECTED_TRACK]);
}

/**
 * tandem_grid_view_set_remote_cursors:
 * @cursors: (element-type TandemGridCursor) (nullable): where the other
 *   participants are; copied
 *
 * Draws each cursor as a coloured outline with a name tag.
 */
void
tandem_grid_view_set_remote_cursors (TandemGridView *self,
                                     GPtrArray      *cursors)
{
  g_return_if_fail (TANDEM_IS_GRID_VIEW (self));

  g_ptr_array_set_size (self->cursors, 0);
  for (guint i = 0; cursors != NULL && i < cursors->len; i++)
    g_ptr_array_add (self->cursors, tandem_grid_cursor_copy (g_ptr_array_index (cursors, i)));
  gtk_widget_queue_draw (self->body);
}

/**
 * tandem_grid_view_get_track_at:
 * @x: @y: a point in @self's coordinates
 *
 * Returns: (nullable): the id of the track whose row is under the point
 */
const char *
tandem_grid_view_get_track_at (TandemGridView *self,
                               double          x,
                               double          y)
{
  g_return_val_if_fail (TANDEM_IS_GRID_VIEW (self), NULL);

  for (guint i = 0; i < self->rows->len; i++)
    {
      TandemGridRow *row = g_ptr_array_index (self->rows, i);
      GtkWidget *probes[2] = { row->box,
                               row->cells->len > 0 ? g_ptr_array_index (row->cells, 0) : NULL };

      for (guint p = 0; p < G_N_ELEMENTS (probes); p++)
        {
          graphene_rect_t bounds;

          if (probes[p] != NULL
              && gtk_widget_compute_bounds (probes[p], GTK_WIDGET (self), &bounds)
              && y >= bounds.origin.y && y < bounds.origin.y + bounds.size.height)
            return tandem_track_get_id (row->track);
        }
    }
  return NULL;
}

void
tandem_grid_view_set_ghost (TandemGridView *self,
                            const char     *track_id,
                            const guint8   *onsets)
{
  g_return_if_fail (TANDEM_IS_GRID_VIEW (self));

  g_free (self->ghost_track);
  self->ghost_track = onsets != NULL ? g_strdup (track_id) : NULL;
  if (onsets != NULL)
    memcpy (self->ghost, onsets, sizeof self->ghost);
  if (self->body != NULL)
    gtk_widget_queue_draw (self->body);
}

const char *
tandem_grid_view_get_ghost_track (TandemGridView *self)
{
  g_return_val_if_fail (TANDEM_IS_GRID_VIEW (self), NULL);
  return self->ghost_track;
}

/**
 * tandem_grid_view_set_pattern_id:
 * @pattern_id: (nullable): the pattern to show; NULL shows the playing one
 *
 * Which pattern this grid edits is the window's own view: it changes no
 * project state. A missing pattern shows the playing one.
 */
void
tandem_grid_view_set_pattern_id (TandemGridView *self,
                                 const char     *pattern_id)
{
  g_return_if_fail (TANDEM_IS_GRID_VIEW (self));

  if (g_strcmp0 (self->pattern_id, pattern_id) == 0)
    return;
  g_free (self->pattern_id);
  self->pattern_id = g_strdup (pattern_id);
  _tandem_grid_view_end_strokes (self);
  update_pattern (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PATTERN_ID]);
}

/**
 * tandem_grid_view_get_pattern:
 *
 * Returns: (transfer none) (nullable): the pattern the grid shows
 */
TandemPattern *
tandem_grid_view_get_pattern (TandemGridView *self)
{
  g_return_val_if_fail (TANDEM_IS_GRID_VIEW (self), NULL);

  return self->pattern;
}
