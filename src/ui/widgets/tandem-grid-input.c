/* tandem-grid-input.c — what the pointer and the keyboard do on the grid
 *
 * The body takes every pointer gesture itself (the cells only show state and
 * hold the focus):
 *   drag                 paint cells on or off, one undo step a stroke
 *   Ctrl+drag            change an active cell's velocity
 *   vertical scroll      change the velocity of the active cell under the pointer
 *   right click          the cell's context menu (probability, note)
 * and, on the focused cell:
 *   arrows, Home, End    move the focus between cells and rows
 *   Space                toggle the cell
 *   Ctrl+Up, Ctrl+Down   louder, softer
 *   Shift+F10, Menu      the cell's context menu
 *   Enter                play or stop (the window's win.play)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-ui"

#include "config.h"

#include <math.h>

#include "tandem-grid-view-private.h"

#define VELOCITY_STEP 8

static const char *
row_track_id (TandemGridView *view,
              guint           row)
{
  return tandem_track_get_id (_tandem_grid_view_row_at (view, row)->track);
}

/* Moves the velocity of an active cell by @delta steps; off cells stay off. */
static void
nudge_velocity (TandemGridView *view,
                guint           row,
                guint           step,
                int             delta)
{
  const char *track_id = row_track_id (view, row);
  const TandemCell *cell = tandem_pattern_get_cell (view->pattern, track_id, step);
  int velocity;

  if (cell->velocity == 0)
    return;

  velocity = CLAMP ((int) cell->velocity + delta * VELOCITY_STEP, 1, 127);
  if (velocity != cell->velocity)
    gtk_widget_activate_action (GTK_WIDGET (view), "grid.set-velocity", "(sii)",
                                track_id, (int) step, velocity);
  /* The number, for a moment: a scroll or a key press has no end to wait for. */
  _tandem_grid_view_show_velocity (view, row, step,
                                   tandem_pattern_get_cell (view->pattern, track_id, step)->velocity,
                                   TRUE);
}

/* ---- pointer ------------------------------------------------------------- */

static void
on_drag_begin (GtkGestureDrag *gesture,
               double          x,
               double          y,
               TandemGridBody *self)
{
  TandemGridView *view = self->view;
  g_autofree char *track_id = NULL;
  GdkModifierType state;
  guint r, step;

  if (!_tandem_grid_body_cell_at (self, x, y, FALSE, &r, &step))
    {
      gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_DENIED);
      return;
    }
  track_id = g_strdup (row_track_id (view, r));

  state = gtk_event_controller_get_current_event_state (GTK_EVENT_CONTROLLER (gesture));
  self->drag_x = x;
  self->drag_y = y;
  /* Focusing can commit a field that changes the grid (see
   * _tandem_grid_view_focus_cell): a click on a cell that went meanwhile
   * edits nothing. */
  if (!_tandem_grid_view_focus_cell (view, r, step) ||
      g_strcmp0 (row_track_id (view, r), track_id) != 0)
    {
      gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_DENIED);
      return;
    }
  gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);

  if ((state & GDK_CONTROL_MASK) != 0)
    {
      if (!_tandem_grid_view_velocity_begin (view, track_id, step))
        gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_DENIED);
    }
  else
    {
      _tandem_grid_view_paint_begin (view, track_id, step);
    }
}

static void
on_drag_update (GtkGestureDrag *gesture,
                double          dx,
                double          dy,
                TandemGridBody *self)
{
  TandemGridView *view = self->view;
  guint r, step;

  if (view->velocity_dragging)
    _tandem_grid_view_velocity_update (view, dy);
  else if (view->painting &&
           _tandem_grid_body_cell_at (self, self->drag_x + dx, self->drag_y + dy, TRUE,
                                      &r, &step))
    _tandem_grid_view_paint_to (view, row_track_id (view, r), step);
}

static void
on_drag_end (GtkGestureDrag *gesture,
             double          dx,
             double          dy,
             TandemGridBody *self)
{
  _tandem_grid_view_end_strokes (self->view);
}

static void
on_drag_cancel (GtkGesture       *gesture,
                GdkEventSequence *sequence,
                TandemGridBody   *self)
{
  _tandem_grid_view_end_strokes (self->view);
}

static void
on_secondary_pressed (GtkGestureClick *gesture,
                      int              n_press,
                      double           x,
                      double           y,
                      TandemGridBody  *self)
{
  guint r, step;

  if (!_tandem_grid_body_cell_at (self, x, y, FALSE, &r, &step))
    return;

  gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
  if (_tandem_grid_view_focus_cell (self->view, r, step))
    _tandem_grid_view_popup_menu (self->view, row_track_id (self->view, r), step);
}

static void
on_motion (GtkEventControllerMotion *controller,
           double                    x,
           double                    y,
           TandemGridBody           *self)
{
  self->pointer_x = x;
  self->pointer_y = y;
}

static void
on_scroll_begin (GtkEventControllerScroll *controller,
                 TandemGridBody           *self)
{
  self->scroll_accum = 0;
}

static gboolean
on_scroll (GtkEventControllerScroll *controller,
           double                    dx,
           double                    dy,
           TandemGridBody           *self)
{
  TandemGridView *view = self->view;
  guint r, step;
  int delta;

  /* Only a vertical scroll over an active cell is ours; the rest scrolls. */
  if (fabs (dy) <= fabs (dx) || view->pattern == NULL ||
      !_tandem_grid_body_cell_at (self, self->pointer_x, self->pointer_y, FALSE, &r, &step))
    return GDK_EVENT_PROPAGATE;

  if (tandem_pattern_get_cell (view->pattern, row_track_id (view, r), step)->velocity == 0)
    return GDK_EVENT_PROPAGATE;

  self->scroll_accum += dy;
  delta = (int) self->scroll_accum;
  if (delta == 0)
    return GDK_EVENT_STOP;
  self->scroll_accum -= delta;

  /* Scrolling up (negative) is louder. */
  nudge_velocity (view, r, step, -delta);
  return GDK_EVENT_STOP;
}

/* ---- keyboard ------------------------------------------------------------ */

static gboolean
on_key_pressed (GtkEventControllerKey *controller,
                guint                  keyval,
                guint                  keycode,
                GdkModifierType        state,
                TandemGridBody        *self)
{
  TandemGridView *view = self->view;
  guint n_rows = view->rows->len;
  guint row = MIN (view->focus_row, n_rows > 0 ? n_rows - 1 : 0);
  guint step = MIN (view->focus_step, view->n_steps > 0 ? view->n_steps - 1 : 0);
  gboolean ctrl = (state & GDK_CONTROL_MASK) != 0;

  if (n_rows == 0 || view->n_steps == 0)
    return GDK_EVENT_PROPAGATE;

  switch (keyval)
    {
    case GDK_KEY_Left:
    case GDK_KEY_KP_Left:
      step = step > 0 ? step - 1 : 0;
      break;
    case GDK_KEY_Right:
    case GDK_KEY_KP_Right:
      step = MIN (step + 1, view->n_steps - 1);
      break;
    case GDK_KEY_Up:
    case GDK_KEY_KP_Up:
    case GDK_KEY_Down:
    case GDK_KEY_KP_Down:
      {
        gboolean up = keyval == GDK_KEY_Up || keyval == GDK_KEY_KP_Up;

        if (ctrl && view->pattern != NULL)
          {
            nudge_velocity (view, row, step, up ? 1 : -1);
            return GDK_EVENT_STOP;
          }
        if (up)
          row = row > 0 ? row - 1 : 0;
        else
          row = MIN (row + 1, n_rows - 1);
      }
      break;
    case GDK_KEY_Home:
    case GDK_KEY_KP_Home:
      step = 0;
      break;
    case GDK_KEY_End:
    case GDK_KEY_KP_End:
      step = view->n_steps - 1;
      break;
    case GDK_KEY_Return:
    case GDK_KEY_KP_Enter:
    case GDK_KEY_ISO_Enter:
      /* Space is play and stop everywhere (the window's); Enter toggles. */
      if ((state & (GDK_CONTROL_MASK | GDK_ALT_MASK | GDK_SHIFT_MASK)) != 0)
        return GDK_EVENT_PROPAGATE;
      gtk_widget_activate_action (GTK_WIDGET (view), "grid.toggle-cell", "(si)",
                                  row_track_id (view, row), (int) step);
      return GDK_EVENT_STOP;
    case GDK_KEY_Menu:
      _tandem_grid_view_popup_menu (view, row_track_id (view, row), step);
      return GDK_EVENT_STOP;
    case GDK_KEY_F10:
      if ((state & GDK_SHIFT_MASK) == 0)
        return GDK_EVENT_PROPAGATE;
      _tandem_grid_view_popup_menu (view, row_track_id (view, row), step);
      return GDK_EVENT_STOP;
    default:
      return GDK_EVENT_PROPAGATE;
    }

  _tandem_grid_view_focus_cell (view, row, step);
  return GDK_EVENT_STOP;
}

void
_tandem_grid_body_add_controllers (TandemGridBody *self)
{
  GtkGesture *drag = gtk_gesture_drag_new ();
  GtkGesture *click = gtk_gesture_click_new ();
  GtkEventController *motion = gtk_event_controller_motion_new ();
  GtkEventController *scroll =
    gtk_event_controller_scroll_new (GTK_EVENT_CONTROLLER_SCROLL_BOTH_AXES);
  GtkEventController *key = gtk_event_controller_key_new ();

  self->drag = drag;
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (drag), GDK_BUTTON_PRIMARY);
  g_signal_connect (drag, "drag-begin", G_CALLBACK (on_drag_begin), self);
  g_signal_connect (drag, "drag-update", G_CALLBACK (on_drag_update), self);
  g_signal_connect (drag, "drag-end", G_CALLBACK (on_drag_end), self);
  g_signal_connect (drag, "cancel", G_CALLBACK (on_drag_cancel), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drag));

  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (click), GDK_BUTTON_SECONDARY);
  g_signal_connect (click, "pressed", G_CALLBACK (on_secondary_pressed), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (click));

  g_signal_connect (motion, "enter", G_CALLBACK (on_motion), self);
  g_signal_connect (motion, "motion", G_CALLBACK (on_motion), self);
  gtk_widget_add_controller (GTK_WIDGET (self), motion);

  g_signal_connect (scroll, "scroll-begin", G_CALLBACK (on_scroll_begin), self);
  g_signal_connect (scroll, "scroll", G_CALLBACK (on_scroll), self);
  gtk_widget_add_controller (GTK_WIDGET (self), scroll);

  g_signal_connect (key, "key-pressed", G_CALLBACK (on_key_pressed), self);
  gtk_widget_add_controller (GTK_WIDGET (self), key);
}
