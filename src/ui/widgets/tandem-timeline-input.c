/* tandem-timeline-input.c — what the pointer and the keyboard do on the timeline
 *
 * On a clip:
 *   drag                 move it, or resize it by its right edge (one undo step)
 *   right click          its context menu
 * on the ruler:
 *   click                put the play-start marker on that bar
 *   drag                 move the loop, resize it by its end, or draw a new one
 * on empty lanes:
 *   double click         add a clip of the lane's pattern
 *   Ctrl+scroll          zoom
 * and with the keyboard:
 *   Up, Down             select the previous, next clip in song order
 *   Left, Right          move the selected clip a bar; with Shift, resize it
 *   Delete, BackSpace    delete it
 *   Shift+F10, Menu      its context menu
 *   Escape               select no clip
 * Edits go through the timeline.* actions (tandem-timeline-edit.c).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-ui"

#include "config.h"

#include <math.h>

#include "tandem-timeline-view-private.h"

/* ---- the steps of a drag ------------------------------------------------- */

static gboolean
drag_on_ruler (TandemTimelineView *self)
{
  return self->drag_mode == TANDEM_TIMELINE_DRAG_LOOP_MOVE
         || self->drag_mode == TANDEM_TIMELINE_DRAG_LOOP_RESIZE
         || self->drag_mode == TANDEM_TIMELINE_DRAG_LOOP_CREATE;
}

void
_tandem_timeline_view_drag_stop (TandemTimelineView *self,
                                 gboolean            completed)
{
  gboolean click = completed && drag_on_ruler (self) && !self->drag_moved;
  double bar = _tandem_timeline_view_x_to_bar (self, self->drag_x);

  if (self->drag_mode == TANDEM_TIMELINE_DRAG_NONE)
    return;

  self->drag_mode = TANDEM_TIMELINE_DRAG_NONE;
  g_clear_pointer (&self->drag_clip, g_free);
  if (self->history != NULL)
    tandem_history_end_group (self->history);
  if (click)
    gtk_widget_activate_action (GTK_WIDGET (self), "timeline.set-play-start", "i",
                                (int) floor (MAX (bar, 0)));
}

gboolean
_tandem_timeline_view_drag_begin (TandemTimelineView *self,
                                  double              x,
                                  double              y)
{
  TandemClip *clip;

  g_return_val_if_fail (TANDEM_IS_TIMELINE_VIEW (self), FALSE);

  if (self->project == NULL || self->drag_mode != TANDEM_TIMELINE_DRAG_NONE)
    return FALSE;

  self->drag_x = x;
  self->drag_y = y;
  self->drag_moved = FALSE;

  if (y < TANDEM_TIMELINE_RULER_HEIGHT)
    {
      guint loop_start = tandem_project_get_loop_start (self->project);
      guint loop_length = tandem_project_get_loop_length (self->project);
      double loop_end_x = _tandem_timeline_view_bar_to_x (self, loop_start + loop_length);
      double bar = _tandem_timeline_view_x_to_bar (self, x);

      self->drag_start = loop_start;
      self->drag_length = loop_length;
      if (tandem_project_get_loop_enabled (self->project) &&
          fabs (x - loop_end_x) <= TANDEM_TIMELINE_EDGE_GRAB)
        self->drag_mode = TANDEM_TIMELINE_DRAG_LOOP_RESIZE;
      else if (tandem_project_get_loop_enabled (self->project) &&
               bar >= loop_start && bar < loop_start + loop_length)
        self->drag_mode = TANDEM_TIMELINE_DRAG_LOOP_MOVE;
      else
        {
          self->drag_mode = TANDEM_TIMELINE_DRAG_LOOP_CREATE;
          self->drag_start = MAX (0, (int) floor (bar));
          self->drag_length = 1;
        }
    }
  else if ((clip = _tandem_timeline_view_clip_at (self, x, y)) != NULL)
    {
      graphene_rect_t rect;

      _tandem_timeline_view_clip_rect (self, clip, &rect);
      tandem_timeline_view_set_selected_clip (self, tandem_clip_get_id (clip));
      self->drag_clip = g_strdup (tandem_clip_get_id (clip));
      self->drag_start = tandem_clip_get_start (clip);
      self->drag_length = tandem_clip_get_length (clip);
      self->drag_mode = x >= rect.origin.x + rect.size.width - TANDEM_TIMELINE_EDGE_GRAB
                        ? TANDEM_TIMELINE_DRAG_RESIZE
                        : TANDEM_TIMELINE_DRAG_MOVE;
    }
  else
    {
      tandem_timeline_view_set_selected_clip (self, NULL);
      return FALSE;
    }

  /* On the ruler nothing happens before the pointer moves: a click there
   * puts the play-start marker (on drag end), a drag edits the loop. */
  if (self->history != NULL)
    tandem_history_begin_group (self->history);
  return TRUE;
}

void
_tandem_timeline_view_drag_update (TandemTimelineView *self,
                                   double              dx,
                                   double              dy)
{
  int delta = (int) round (dx / self->zoom);
  TandemClip *clip;

  g_return_if_fail (TANDEM_IS_TIMELINE_VIEW (self));

  if (drag_on_ruler (self) && !self->drag_moved)
    {
      if (!gtk_drag_check_threshold (GTK_WIDGET (self), (int) self->drag_x, (int) self->drag_y,
                                     (int) (self->drag_x + dx), (int) (self->drag_y + dy)))
        return;
      self->drag_moved = TRUE;
    }

  switch (self->drag_mode)
    {
    case TANDEM_TIMELINE_DRAG_MOVE:
      if ((clip = tandem_project_find_clip (self->project, self->drag_clip)) != NULL)
        _tandem_timeline_view_move_clip (self, clip, self->drag_start + delta);
      break;
    case TANDEM_TIMELINE_DRAG_RESIZE:
      if ((clip = tandem_project_find_clip (self->project, self->drag_clip)) != NULL)
        _tandem_timeline_view_resize_clip (self, clip, self->drag_length + delta);
      break;
    case TANDEM_TIMELINE_DRAG_LOOP_MOVE:
      gtk_widget_activate_action (GTK_WIDGET (self), "timeline.set-loop", "(ii)",
                                  MAX (0, self->drag_start + delta), self->drag_length);
      break;
    case TANDEM_TIMELINE_DRAG_LOOP_RESIZE:
      gtk_widget_activate_action (GTK_WIDGET (self), "timeline.set-loop", "(ii)",
                                  self->drag_start, MAX (1, self->drag_length + delta));
      break;
    case TANDEM_TIMELINE_DRAG_LOOP_CREATE:
      {
        int anchor = self->drag_start;
        int other = (int) floor (_tandem_timeline_view_x_to_bar (self, self->drag_x + dx));

        other = MAX (other, 0);
        gtk_widget_activate_action (GTK_WIDGET (self), "timeline.set-loop", "(ii)",
                                    MIN (anchor, other), ABS (other - anchor) + 1);
      }
      break;
    case TANDEM_TIMELINE_DRAG_NONE:
    default:
      break;
    }
}

void
_tandem_timeline_view_drag_end (TandemTimelineView *self)
{
  g_return_if_fail (TANDEM_IS_TIMELINE_VIEW (self));

  _tandem_timeline_view_drag_stop (self, TRUE);
}

gboolean
_tandem_timeline_view_double_click (TandemTimelineView *self,
                                    double              x,
                                    double              y)
{
  g_autoptr(TandemPattern) pattern = NULL;
  GListModel *patterns;
  int lane, bar;

  g_return_val_if_fail (TANDEM_IS_TIMELINE_VIEW (self), FALSE);

  if (self->project == NULL || y < TANDEM_TIMELINE_RULER_HEIGHT ||
      x < TANDEM_TIMELINE_START_PAD || _tandem_timeline_view_clip_at (self, x, y) != NULL)
    return FALSE;

  /* A lane's own pattern; below the lanes, the current pattern. */
  patterns = tandem_project_get_patterns (self->project);
  lane = (int) ((y - TANDEM_TIMELINE_RULER_HEIGHT) / TANDEM_TIMELINE_LANE_HEIGHT);
  if ((guint) lane < g_list_model_get_n_items (patterns))
    pattern = g_list_model_get_item (patterns, lane);

  bar = (int) floor (_tandem_timeline_view_x_to_bar (self, x));
  gtk_widget_activate_action (GTK_WIDGET (self), "timeline.add-clip", "(si)",
                              pattern != NULL ? tandem_pattern_get_id (pattern) : "", bar);
  return TRUE;
}

/* ---- pointer ------------------------------------------------------------- */

static void
on_drag_begin (GtkGestureDrag     *gesture,
               double              x,
               double              y,
               TandemTimelineView *self)
{
  gtk_widget_grab_focus (GTK_WIDGET (self));
  if (_tandem_timeline_view_drag_begin (self, x, y))
    gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
}

static void
on_drag_update (GtkGestureDrag     *gesture,
                double              dx,
                double              dy,
                TandemTimelineView *self)
{
  _tandem_timeline_view_drag_update (self, dx, dy);
}

static void
on_drag_end (GtkGestureDrag     *gesture,
             double              dx,
             double              dy,
             TandemTimelineView *self)
{
  _tandem_timeline_view_drag_end (self);
}

static void
on_drag_cancel (GtkGesture         *gesture,
                GdkEventSequence   *sequence,
                TandemTimelineView *self)
{
  _tandem_timeline_view_drag_stop (self, FALSE);
}

static void
on_primary_pressed (GtkGestureClick    *gesture,
                    int                 n_press,
                    double              x,
                    double              y,
                    TandemTimelineView *self)
{
  if (n_press == 2 && _tandem_timeline_view_double_click (self, x, y))
    gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
}

static void
on_secondary_pressed (GtkGestureClick    *gesture,
                      int                 n_press,
                      double              x,
                      double              y,
                      TandemTimelineView *self)
{
  TandemClip *clip;

  if (self->project == NULL || (clip = _tandem_timeline_view_clip_at (self, x, y)) == NULL)
    return;

  gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
  gtk_widget_grab_focus (GTK_WIDGET (self));
  tandem_timeline_view_set_selected_clip (self, tandem_clip_get_id (clip));
  _tandem_timeline_view_popup_menu (self);
}

static gboolean
on_scroll (GtkEventControllerScroll *controller,
           double                    dx,
           double                    dy,
           TandemTimelineView       *self)
{
  GdkModifierType state =
    gtk_event_controller_get_current_event_state (GTK_EVENT_CONTROLLER (controller));

  if ((state & GDK_CONTROL_MASK) == 0 || dy == 0)
    return GDK_EVENT_PROPAGATE;

  tandem_timeline_view_set_zoom (self, self->zoom * pow (1.2, -dy));
  return GDK_EVENT_STOP;
}

/* ---- keyboard ------------------------------------------------------------ */

typedef struct
{
  guint       start;
  int         lane;
  const char *id;
} ClipOrder;

static int
compare_clip_order (gconstpointer a,
                    gconstpointer b)
{
  const ClipOrder *x = a, *y = b;

  if (x->start != y->start)
    return x->start < y->start ? -1 : 1;
  return x->lane - y->lane;
}

/* Selects the clip after (@direction 1) or before (-1) the selected one, in
 * song order (by start bar, then lane); with none selected, the first. */
static void
select_next_clip (TandemTimelineView *self,
                  int                 direction)
{
  GListModel *clips = tandem_project_get_clips (self->project);
  guint n = g_list_model_get_n_items (clips);
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GArray) order = g_array_sized_new (FALSE, FALSE, sizeof (ClipOrder), n);
  int current = -1, next;

  for (guint i = 0; i < n; i++)
    {
      TandemClip *clip = g_list_model_get_item (clips, i);
      ClipOrder entry = { tandem_clip_get_start (clip),
                          _tandem_timeline_view_pattern_lane (self,
                                                              tandem_clip_get_pattern (clip)),
                          tandem_clip_get_id (clip) };

      g_ptr_array_add (items, clip);
      if (entry.lane >= 0)
        g_array_append_val (order, entry);
    }
  if (order->len == 0)
    return;
  g_array_sort (order, compare_clip_order);

  for (guint i = 0; i < order->len && self->selected_clip != NULL; i++)
    if (g_str_equal (g_array_index (order, ClipOrder, i).id, self->selected_clip))
      current = (int) i;

  next = current < 0 ? 0 : CLAMP (current + direction, 0, (int) order->len - 1);
  tandem_timeline_view_set_selected_clip (self, g_array_index (order, ClipOrder, next).id);
}

static gboolean
on_key_pressed (GtkEventControllerKey *controller,
                guint                  keyval,
                guint                  keycode,
                GdkModifierType        state,
                TandemTimelineView    *self)
{
  gboolean shift = (state & GDK_SHIFT_MASK) != 0;
  int delta = 0;

  if (self->project == NULL || (state & (GDK_CONTROL_MASK | GDK_ALT_MASK)) != 0)
    return GDK_EVENT_PROPAGATE;

  if (_tandem_timeline_view_find_selected_clip (self) == NULL)
    {
      /* The first arrow picks a clip, so the keyboard alone can edit. */
      switch (keyval)
        {
        case GDK_KEY_Left:
        case GDK_KEY_KP_Left:
        case GDK_KEY_Right:
        case GDK_KEY_KP_Right:
        case GDK_KEY_Up:
        case GDK_KEY_KP_Up:
        case GDK_KEY_Down:
        case GDK_KEY_KP_Down:
          select_next_clip (self, 1);
          return GDK_EVENT_STOP;
        default:
          return GDK_EVENT_PROPAGATE;
        }
    }

  switch (keyval)
    {
    case GDK_KEY_Up:
    case GDK_KEY_KP_Up:
      select_next_clip (self, -1);
      return GDK_EVENT_STOP;
    case GDK_KEY_Down:
    case GDK_KEY_KP_Down:
      select_next_clip (self, 1);
      return GDK_EVENT_STOP;
    case GDK_KEY_Left:
    case GDK_KEY_KP_Left:
      delta = -1;
      break;
    case GDK_KEY_Right:
    case GDK_KEY_KP_Right:
      delta = 1;
      break;
    case GDK_KEY_Delete:
    case GDK_KEY_KP_Delete:
    case GDK_KEY_BackSpace:
      gtk_widget_activate_action (GTK_WIDGET (self), "timeline.delete-selected", NULL);
      return GDK_EVENT_STOP;
    case GDK_KEY_Menu:
      _tandem_timeline_view_popup_menu (self);
      return GDK_EVENT_STOP;
    case GDK_KEY_F10:
      if (!shift)
        return GDK_EVENT_PROPAGATE;
      _tandem_timeline_view_popup_menu (self);
      return GDK_EVENT_STOP;
    case GDK_KEY_Escape:
      tandem_timeline_view_set_selected_clip (self, NULL);
      return GDK_EVENT_STOP;
    default:
      return GDK_EVENT_PROPAGATE;
    }

  gtk_widget_activate_action (GTK_WIDGET (self),
                              shift ? "timeline.resize-selected" : "timeline.move-selected",
                              "i", delta);
  return GDK_EVENT_STOP;
}

/* ---- controllers --------------------------------------------------------- */

void
_tandem_timeline_view_add_controllers (TandemTimelineView *self)
{
  GtkGesture *drag = gtk_gesture_drag_new ();
  GtkGesture *click = gtk_gesture_click_new ();
  GtkGesture *secondary = gtk_gesture_click_new ();
  GtkEventController *scroll =
    gtk_event_controller_scroll_new (GTK_EVENT_CONTROLLER_SCROLL_VERTICAL);
  GtkEventController *key = gtk_event_controller_key_new ();

  self->drag = drag;
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (drag), GDK_BUTTON_PRIMARY);
  g_signal_connect (drag, "drag-begin", G_CALLBACK (on_drag_begin), self);
  g_signal_connect (drag, "drag-update", G_CALLBACK (on_drag_update), self);
  g_signal_connect (drag, "drag-end", G_CALLBACK (on_drag_end), self);
  g_signal_connect (drag, "cancel", G_CALLBACK (on_drag_cancel), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drag));

  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (click), GDK_BUTTON_PRIMARY);
  g_signal_connect (click, "pressed", G_CALLBACK (on_primary_pressed), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (click));

  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (secondary), GDK_BUTTON_SECONDARY);
  g_signal_connect (secondary, "pressed", G_CALLBACK (on_secondary_pressed), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (secondary));

  g_signal_connect (scroll, "scroll", G_CALLBACK (on_scroll), self);
  gtk_widget_add_controller (GTK_WIDGET (self), scroll);

  g_signal_connect (key, "key-pressed", G_CALLBACK (on_key_pressed), self);
  gtk_widget_add_controller (GTK_WIDGET (self), key);
}
