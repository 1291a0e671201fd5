/* tandem-timeline-edit.c — editing the clips and the loop of the timeline
 *
 * The timeline.* actions (add, move, resize and delete clips, set the loop,
 * set where Play starts) and the context menu of a clip. Every edit is an op
 * through the history; the view redraws when the project says so
 * (tandem-timeline-view.c).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-ui"

#include "config.h"

#include <glib/gi18n.h>

#include "tandem-timeline-view-private.h"
#include "tandem-widgets-private.h"

/* ---- clips --------------------------------------------------------------- */

TandemClip *
_tandem_timeline_view_find_selected_clip (TandemTimelineView *self)
{
  if (self->project == NULL || self->selected_clip == NULL)
    return NULL;
  return tandem_project_find_clip (self->project, self->selected_clip);
}

/* One op, and only when @value is not what the clip has already. */
static void
set_clip_bars (TandemTimelineView *self,
               TandemClip         *clip,
               const char         *prop,
               int                 value,
               guint               current)
{
  if ((guint) value != current)
    _tandem_widgets_apply (self->history,
                           tandem_op_new_set_int (TANDEM_ENTITY_CLIP, tandem_clip_get_id (clip),
                                                  prop, value));
}

void
_tandem_timeline_view_move_clip (TandemTimelineView *self,
                                 TandemClip         *clip,
                                 int                 start)
{
  set_clip_bars (self, clip, "start",
                 CLAMP (start, 0, TANDEM_MAX_BARS - (int) tandem_clip_get_length (clip)),
                 tandem_clip_get_start (clip));
}

void
_tandem_timeline_view_resize_clip (TandemTimelineView *self,
                                   TandemClip         *clip,
                                   int                 length)
{
  set_clip_bars (self, clip, "length",
                 CLAMP (length, 1, TANDEM_MAX_BARS - (int) tandem_clip_get_start (clip)),
                 tandem_clip_get_length (clip));
}

static guint
pattern_bars (TandemTimelineView *self,
              TandemPattern      *pattern)
{
  guint per_bar = tandem_project_get_steps_per_beat (self->project) *
                  tandem_project_get_beats_per_bar (self->project);

  return MAX (1, (tandem_pattern_get_length (pattern) + per_bar - 1) / MAX (per_bar, 1));
}

/* ---- actions ------------------------------------------------------------- */

static void
timeline_add_clip (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  TandemTimelineView *self = TANDEM_TIMELINE_VIEW (widget);
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autofree char *id = tandem_id_new ();
  TandemPattern *pattern;
  const char *pattern_id;
  int bar;

  if (self->project == NULL)
    return;

  g_variant_get (parameter, "(&si)", &pattern_id, &bar);
  if (*pattern_id == '\0')
    pattern_id = tandem_project_get_current_pattern (self->project);
  pattern = tandem_project_find_pattern (self->project, pattern_id);
  if (pattern == NULL || bar < 0 || bar >= TANDEM_MAX_BARS)
    return;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "id");
  json_builder_add_string_value (builder, id);
  json_builder_set_member_name (builder, "pattern");
  json_builder_add_string_value (builder, pattern_id);
  json_builder_set_member_name (builder, "start");
  json_builder_add_int_value (builder, bar);
  json_builder_set_member_name (builder, "length");
  json_builder_add_int_value (builder, MIN (pattern_bars (self, pattern),
                                            (guint) (TANDEM_MAX_BARS - bar)));
  json_builder_end_object (builder);

  if (_tandem_widgets_apply (self->history,
                             tandem_op_new_insert (TANDEM_ENTITY_CLIP, -1,
                                                   json_builder_get_root (builder))))
    tandem_timeline_view_set_selected_clip (self, id);
}

/* timeline.move-selected and timeline.resize-selected: by @parameter bars. */
static void
timeline_nudge_selected (GtkWidget  *widget,
                         const char *action_name,
                         GVariant   *parameter)
{
  TandemTimelineView *self = TANDEM_TIMELINE_VIEW (widget);
  TandemClip *clip = _tandem_timeline_view_find_selected_clip (self);
  int delta = g_variant_get_int32 (parameter);

  if (clip == NULL)
    return;
  if (g_str_equal (action_name, "timeline.resize-selected"))
    _tandem_timeline_view_resize_clip (self, clip, (int) tandem_clip_get_length (clip) + delta);
  else
    _tandem_timeline_view_move_clip (self, clip, (int) tandem_clip_get_start (clip) + delta);
}

static void
timeline_delete_clip (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  TandemTimelineView *self = TANDEM_TIMELINE_VIEW (widget);
  const char *id = parameter != NULL ? g_variant_get_string (parameter, NULL) : self->selected_clip;

  if (self->project == NULL || id == NULL || tandem_project_find_clip (self->project, id) == NULL)
    return;

  _tandem_widgets_apply (self->history, tandem_op_new_delete (TANDEM_ENTITY_CLIP, id));
}

/* A copy of the clip right after it (or as near as the song allows),
 * selected so the keys move it on. */
static void
timeline_duplicate_clip (GtkWidget  *widget,
                         const char *action_name,
                         GVariant   *parameter)
{
  TandemTimelineView *self = TANDEM_TIMELINE_VIEW (widget);
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autofree char *id = tandem_id_new ();
  TandemClip *clip;
  guint length, start;

  if (self->project == NULL ||
      (clip = tandem_project_find_clip (self->project, g_variant_get_string (parameter, NULL)))
        == NULL)
    return;

  length = tandem_clip_get_length (clip);
  start = MIN (tandem_clip_get_start (clip) + length, (guint) TANDEM_MAX_BARS - length);
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "id");
  json_builder_add_string_value (builder, id);
  json_builder_set_member_name (builder, "pattern");
  json_builder_add_string_value (builder, tandem_clip_get_pattern (clip));
  json_builder_set_member_name (builder, "start");
  json_builder_add_int_value (builder, start);
  json_builder_set_member_name (builder, "length");
  json_builder_add_int_value (builder, length);
  json_builder_end_object (builder);

  if (_tandem_widgets_apply (self->history,
                             tandem_op_new_insert (TANDEM_ENTITY_CLIP, -1,
                                                   json_builder_get_root (builder))))
    tandem_timeline_view_set_selected_clip (self, id);
}

/* The clip plays another pattern from the same bars (it moves to that lane). */
static void
timeline_set_clip_pattern (GtkWidget  *widget,
                           const char *action_name,
                           GVariant   *parameter)
{
  TandemTimelineView *self = TANDEM_TIMELINE_VIEW (widget);
  const char *clip_id, *pattern_id;
  TandemClip *clip;

  g_variant_get (parameter, "(&s&s)", &clip_id, &pattern_id);
  if (self->project == NULL || (clip = tandem_project_find_clip (self->project, clip_id)) == NULL
      || tandem_project_find_pattern (self->project, pattern_id) == NULL
      || g_str_equal (tandem_clip_get_pattern (clip), pattern_id))
    return;
  _tandem_widgets_apply (self->history,
                         tandem_op_new_set_string (TANDEM_ENTITY_CLIP, clip_id, "pattern",
                                                   pattern_id));
}

static void
timeline_set_loop (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  TandemTimelineView *self = TANDEM_TIMELINE_VIEW (widget);
  TandemOp *batch;
  int start, length;

  if (self->project == NULL)
    return;

  g_variant_get (parameter, "(ii)", &start, &length);
  start = CLAMP (start, 0, TANDEM_MAX_BARS - 1);
  length = CLAMP (length, 1, TANDEM_MAX_BARS - start);

  batch = tandem_op_new_batch ();
  if ((guint) start != tandem_project_get_loop_start (self->project))
    tandem_op_batch_add (batch, tandem_op_new_set_int (TANDEM_ENTITY_PROJECT, NULL,
                                                       "loop-start", start));
  if ((guint) length != tandem_project_get_loop_length (self->project))
    tandem_op_batch_add (batch, tandem_op_new_set_int (TANDEM_ENTITY_PROJECT, NULL,
                                                       "loop-length", length));
  if (!tandem_project_get_loop_enabled (self->project))
    tandem_op_batch_add (batch, tandem_op_new_set_boolean (TANDEM_ENTITY_PROJECT, NULL,
                                                           "loop-enabled", TRUE));

  if (tandem_op_batch_get_n_ops (batch) > 0)
    _tandem_widgets_apply (self->history, batch);
  else
    tandem_op_unref (batch);
}

static void
timeline_set_play_start (GtkWidget  *widget,
                         const char *action_name,
                         GVariant   *parameter)
{
  int bar = g_variant_get_int32 (parameter);

  tandem_timeline_view_set_play_start_bar (TANDEM_TIMELINE_VIEW (widget),
                                           (guint) CLAMP (bar, 0, TANDEM_MAX_BARS - 1));
}

void
_tandem_timeline_view_class_edit_init (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "timeline.add-clip", "(si)", timeline_add_clip);
  gtk_widget_class_install_action (widget_class, "timeline.move-selected", "i",
                                   timeline_nudge_selected);
  gtk_widget_class_install_action (widget_class, "timeline.resize-selected", "i",
                                   timeline_nudge_selected);
  gtk_widget_class_install_action (widget_class, "timeline.delete-selected", NULL,
                                   timeline_delete_clip);
  gtk_widget_class_install_action (widget_class, "timeline.delete-clip", "s",
                                   timeline_delete_clip);
  gtk_widget_class_install_action (widget_class, "timeline.duplicate-clip", "s",
                                   timeline_duplicate_clip);
  gtk_widget_class_install_action (widget_class, "timeline.set-clip-pattern", "(ss)",
                                   timeline_set_clip_pattern);
  gtk_widget_class_install_action (widget_class, "timeline.set-loop", "(ii)", timeline_set_loop);
  gtk_widget_class_install_action (widget_class, "timeline.set-play-start", "i",
                                   timeline_set_play_start);
}

/* ---- context menu -------------------------------------------------------- */

/* GTK 4.8 leaves the focus on the hidden menu item, where keys go nowhere:
 * give it back to the timeline, as the menu was opened from here. */
static void
on_menu_closed (TandemTimelineView *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkWidget *focus = root != NULL ? gtk_root_get_focus (root) : NULL;

  if (focus == NULL || focus == self->menu || gtk_widget_is_ancestor (focus, self->menu))
    gtk_widget_grab_focus (GTK_WIDGET (self));
}

void
_tandem_timeline_view_popup_menu (TandemTimelineView *self)
{
  g_autoptr(GMenu) menu = g_menu_new ();
  g_autoptr(GMenu) switch_to = g_menu_new ();
  g_autoptr(GMenuItem) item = NULL;
  TandemClip *clip = _tandem_timeline_view_find_selected_clip (self);
  GListModel *patterns;
  graphene_rect_t rect;
  gint32 start;

  if (clip == NULL || !_tandem_timeline_view_clip_rect (self, clip, &rect))
    return;

  start = (gint32) tandem_clip_get_start (clip);
  item = g_menu_item_new (_("_Play From Here"), NULL);
  g_menu_item_set_action_and_target_value (item, "timeline.set-play-start",
                                           g_variant_new_int32 (start));
  g_menu_append_item (menu, item);
  g_clear_object (&item);

  item = g_menu_item_new (_("D_uplicate Clip"), NULL);
  g_menu_item_set_action_and_target_value (item, "timeline.duplicate-clip",
                                           g_variant_new_string (tandem_clip_get_id (clip)));
  g_menu_append_item (menu, item);
  g_clear_object (&item);

  /* Every other pattern, in the lanes' order. */
  patterns = tandem_project_get_patterns (self->project);
  for (guint i = 0; i < g_list_model_get_n_items (patterns); i++)
    {
      g_autoptr(TandemPattern) pattern = g_list_model_get_item (patterns, i);
      g_autoptr(GMenuItem) other = NULL;

      if (g_str_equal (tandem_pattern_get_id (pattern), tandem_clip_get_pattern (clip)))
        continue;
      other = g_menu_item_new (tandem_pattern_get_name (pattern), NULL);
      g_menu_item_set_action_and_target_value (other, "timeline.set-clip-pattern",
                                               g_variant_new ("(ss)", tandem_clip_get_id (clip),
                                                              tandem_pattern_get_id (pattern)));
      g_menu_append_item (switch_to, other);
    }
  if (g_menu_model_get_n_items (G_MENU_MODEL (switch_to)) > 0)
    g_menu_append_submenu (menu, _("_Switch Pattern"), G_MENU_MODEL (switch_to));

  item = g_menu_item_new (_("_Delete Clip"), NULL);
  g_menu_item_set_action_and_target_value (item, "timeline.delete-clip",
                                           g_variant_new_string (tandem_clip_get_id (clip)));
  g_menu_append_item (menu, item);

  if (self->menu == NULL)
    {
      self->menu = gtk_popover_menu_new_from_model (G_MENU_MODEL (menu));
      gtk_widget_set_parent (self->menu, GTK_WIDGET (self));
      g_signal_connect_object (self->menu, "closed", G_CALLBACK (on_menu_closed), self,
                               G_CONNECT_SWAPPED);
    }
  else
    {
      gtk_popover_menu_set_menu_model (GTK_POPOVER_MENU (self->menu), G_MENU_MODEL (menu));
    }
  gtk_popover_set_pointing_to (GTK_POPOVER (self->menu),
                               &(GdkRectangle) { rect.origin.x, rect.origin.y,
                                                 rect.size.width, rect.size.height });
  gtk_popover_popup (GTK_POPOVER (self->menu));
}
