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
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-ui"

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

#include "tandem-grid-view-private.h"
#include "tandem-widgets-private.h"

#define RULER_HEIGHT  22
#define CELL_HEIGHT   34
#define ROW_GAP       4
#define CELL_MIN      20
#define CELL_NATURAL  34
#define CELL_MAX      56
#define STEP_GAP      3
#define BEAT_GAP      8
#define BAR_GAP       14
#define DEFAULT_VELOCITY 100
#define VELOCITY_STEP 8

typedef struct _TandemGridBody TandemGridBody;

typedef struct
{
  TandemGridView *view;
  TandemTrack    *track;
  gulong          notify_id;
  GtkWidget      *box;          /* in the header column: header + menu button */
  GtkWidget      *header;
  GtkWidget      *swatch;
  GtkWidget      *label;
  GtkWidget      *menu_button;
  GSimpleActionGroup *actions;  /* "row.*": the menu's view of this one track */
  GdkRGBA         color;
  GPtrArray      *cells;  /* TandemGridCell, parented to the body */
} GridRow;

struct _TandemGridView
{
  GtkWidget       parent_instance;

  TandemProject  *project;
  TandemHistory  *history;
  GSignalGroup   *project_signals;
  GSignalGroup   *pattern_signals;
  GListModel     *tracks;       /* followed while project is set */
  GListModel     *patterns;
  TandemPattern  *pattern;      /* the pattern shown */

  GPtrArray      *rows;         /* GridRow */
  GHashTable     *row_by_track; /* track id → GridRow, borrowed */
  guint           n_steps;
  guint           steps_per_beat;
  guint           beats_per_bar;

  GtkWidget      *header_box;
  GtkWidget      *add_button;
  GtkWidget      *scroller;
  GtkWidget      *body;

  int             playhead_step;
  char           *selected_track;
  gboolean        syncing_headers;
  GPtrArray      *cursors;      /* TandemGridCursor */

  guint           focus_row;
  guint           focus_step;

  gboolean        painting;
  guint8          paint_velocity;
  gboolean        velocity_dragging;
  char           *drag_track;
  guint           drag_step;
  int             drag_start_velocity;

  GMenu          *menu_model;
  GtkWidget      *menu;
};

G_DEFINE_FINAL_TYPE (TandemGridView, tandem_grid_view, GTK_TYPE_WIDGET)

G_DEFINE_BOXED_TYPE (TandemGridCursor, tandem_grid_cursor,
                     tandem_grid_cursor_copy, tandem_grid_cursor_free)

enum {
  PROP_0,
  PROP_PROJECT,
  PROP_HISTORY,
  PROP_PLAYHEAD_STEP,
  PROP_SELECTED_TRACK,
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

/* ---- the body: cells, grouping, playhead, cursors ------------------------- */

#define TANDEM_TYPE_GRID_BODY (tandem_grid_body_get_type ())
G_DECLARE_FINAL_TYPE (TandemGridBody, tandem_grid_body, TANDEM, GRID_BODY, GtkWidget)

struct _TandemGridBody
{
  GtkWidget       parent_instance;
  TandemGridView *view;   /* unowned: the view owns the body */
  float           xs[TANDEM_MAX_STEPS];
  float           cell_width;
  double          pointer_x;
  double          pointer_y;
  double          drag_x;
  double          drag_y;
  double          scroll_accum;
};

G_DEFINE_FINAL_TYPE (TandemGridBody, tandem_grid_body, GTK_TYPE_WIDGET)

static guint
gap_after (TandemGridView *view,
           guint           step)
{
  guint per_bar = view->steps_per_beat * view->beats_per_bar;

  if ((step + 1) % per_bar == 0)
    return BAR_GAP;
  if ((step + 1) % view->steps_per_beat == 0)
    return BEAT_GAP;
  return STEP_GAP;
}

static guint
total_gaps (TandemGridView *view)
{
  guint total = 0;

  for (guint i = 0; i + 1 < view->n_steps; i++)
    total += gap_after (view, i);
  return total;
}

static float
row_y (guint row)
{
  return RULER_HEIGHT + row * (CELL_HEIGHT + ROW_GAP);
}

static void
tandem_grid_body_measure (GtkWidget      *widget,
                          GtkOrientation  orientation,
                          int             for_size,
                          int            *minimum,
                          int            *natural,
                          int            *minimum_baseline,
                          int            *natural_baseline)
{
  TandemGridBody *self = TANDEM_GRID_BODY (widget);
  TandemGridView *view = self->view;

  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      guint gaps = total_gaps (view);

      *minimum = gaps + view->n_steps * CELL_MIN + 2;
      *natural = gaps + view->n_steps * CELL_NATURAL + 2;
    }
  else
    {
      guint n_rows = view->rows->len;

      *minimum = *natural = RULER_HEIGHT + n_rows * (CELL_HEIGHT + ROW_GAP);
    }
}

static void
tandem_grid_body_size_allocate (GtkWidget *widget,
                                int        width,
                                int        height,
                                int        baseline)
{
  TandemGridBody *self = TANDEM_GRID_BODY (widget);
  TandemGridView *view = self->view;
  guint gaps = total_gaps (view);
  float x = 1;

  if (view->n_steps > 0)
    self->cell_width = CLAMP ((float) (width - 2 - (int) gaps) / view->n_steps,
                              CELL_MIN, CELL_MAX);
  else
    self->cell_width = CELL_NATURAL;

  for (guint i = 0; i < view->n_steps; i++)
    {
      self->xs[i] = x;
      x += self->cell_width + gap_after (view, i);
    }

  for (guint r = 0; r < view->rows->len; r++)
    {
      GridRow *row = g_ptr_array_index (view->rows, r);

      for (guint i = 0; i < row->cells->len; i++)
        gtk_widget_size_allocate (g_ptr_array_index (row->cells, i),
                                  &(GtkAllocation) { (int) self->xs[i], (int) row_y (r),
                                                     (int) self->cell_width, CELL_HEIGHT },
                                  -1);
    }

  if (view->menu != NULL)
    gtk_popover_present (GTK_POPOVER (view->menu));
}

static void
get_cell_rect (TandemGridBody  *self,
               guint            row,
               guint            step,
               graphene_rect_t *rect)
{
  graphene_rect_init (rect, (int) self->xs[step], row_y (row), (int) self->cell_width,
                      CELL_HEIGHT);
}

static void
append_text (GtkWidget     *widget,
             GtkSnapshot   *snapshot,
             const char    *text,
             float          x,
             float          y,
             double         scale,
             const GdkRGBA *color)
{
  g_autoptr(PangoLayout) layout = gtk_widget_create_pango_layout (widget, text);
  PangoAttrList *attrs = pango_attr_list_new ();

  pango_attr_list_insert (attrs, pango_attr_scale_new (scale));
  pango_attr_list_insert (attrs, pango_attr_weight_new (PANGO_WEIGHT_BOLD));
  pango_layout_set_attributes (layout, attrs);
  pango_attr_list_unref (attrs);

  gtk_snapshot_save (snapshot);
  gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (x, y));
  gtk_snapshot_append_layout (snapshot, layout, color);
  gtk_snapshot_restore (snapshot);
}

static void
snapshot_grouping (TandemGridBody *self,
                   GtkSnapshot    *snapshot,
                   const GdkRGBA  *fg,
                   float           height)
{
  TandemGridView *view = self->view;
  guint spb = view->steps_per_beat;
  guint per_bar = spb * view->beats_per_bar;
  GdkRGBA band = *fg, line = *fg, label = *fg, dot = *fg;

  band.alpha = 0.05f;
  line.alpha = 0.22f;
  label.alpha = 0.7f;
  dot.alpha = 0.35f;

  for (guint first = 0; first < view->n_steps; first += spb)
    {
      guint last = MIN (first + spb, view->n_steps) - 1;
      guint beat_in_bar = (first / spb) % view->beats_per_bar;
      float x0 = self->xs[first];
      float x1 = self->xs[last] + self->cell_width;

      /* Every other beat sits on a faint band, so beats read at a glance. */
      if (beat_in_bar % 2 == 1)
        _tandem_widgets_append_rounded (snapshot,
                                        &GRAPHENE_RECT_INIT (x0 - 2, RULER_HEIGHT - 3,
                                                             x1 - x0 + 4,
                                                             height - RULER_HEIGHT + 3),
                                        8, &band);

      if (first % per_bar == 0)
        {
          g_autofree char *number = g_strdup_printf ("%u", first / per_bar + 1);

          append_text (GTK_WIDGET (self), snapshot, number, x0 + 2, 2, 0.8, &label);
          if (first > 0)
            gtk_snapshot_append_color (snapshot, &line,
                                       &GRAPHENE_RECT_INIT (x0 - BAR_GAP / 2.f - 1,
                                                            RULER_HEIGHT - 6, 2,
                                                            height - RULER_HEIGHT + 6));
        }
      else
        {
          _tandem_widgets_append_rounded (snapshot,
                                          &GRAPHENE_RECT_INIT (x0 + 4, 9, 4, 4), 2, &dot);
        }
    }
}

static GridRow *
find_row (TandemGridView *view,
          const char     *track_id,
          guint          *index)
{
  for (guint r = 0; r < view->rows->len; r++)
    {
      GridRow *row = g_ptr_array_index (view->rows, r);

      if (g_strcmp0 (tandem_track_get_id (row->track), track_id) == 0)
        {
          if (index != NULL)
            *index = r;
          return row;
        }
    }
  return NULL;
}

static void
snapshot_cursors (TandemGridBody *self,
                  GtkSnapshot    *snapshot)
{
  TandemGridView *view = self->view;

  for (guint i = 0; i < view->cursors->len; i++)
    {
      TandemGridCursor *cursor = g_ptr_array_index (view->cursors, i);
      g_autoptr(PangoLayout) layout = NULL;
      GdkRGBA white = { 1, 1, 1, 1 };
      graphene_rect_t rect;
      PangoAttrList *attrs;
      PangoRectangle ink, logical;
      guint r;

      if (cursor->step < 0 || (guint) cursor->step >= view->n_steps ||
          find_row (view, cursor->track_id, &r) == NULL)
        continue;

      get_cell_rect (self, r, cursor->step, &rect);
      graphene_rect_inset (&rect, -2, -2);
      _tandem_widgets_append_outline (snapshot, &rect, 8, 2, &cursor->color);

      layout = gtk_widget_create_pango_layout (GTK_WIDGET (self), cursor->name);
      attrs = pango_attr_list_new ();
      pango_attr_list_insert (attrs, pango_attr_scale_new (0.7));
      pango_attr_list_insert (attrs, pango_attr_weight_new (PANGO_WEIGHT_BOLD));
      pango_layout_set_attributes (layout, attrs);
      pango_attr_list_unref (attrs);
      pango_layout_get_pixel_extents (layout, &ink, &logical);

      _tandem_widgets_append_rounded (snapshot,
                                      &GRAPHENE_RECT_INIT (rect.origin.x,
                                                           rect.origin.y - logical.height + 2,
                                                           logical.width + 8,
                                                           logical.height),
                                      4, &cursor->color);
      gtk_snapshot_save (snapshot);
      gtk_snapshot_translate (snapshot,
                              &GRAPHENE_POINT_INIT (rect.origin.x + 4,
                                                    rect.origin.y - logical.height + 2));
      gtk_snapshot_append_layout (snapshot, layout, &white);
      gtk_snapshot_restore (snapshot);
    }
}

static void
tandem_grid_body_snapshot (GtkWidget   *widget,
                           GtkSnapshot *snapshot)
{
  TandemGridBody *self = TANDEM_GRID_BODY (widget);
  TandemGridView *view = self->view;
  /* The body may be taller than its rows (the header column has Add Track). */
  float height = MIN (gtk_widget_get_height (widget), row_y (view->rows->len) - ROW_GAP);
  GdkRGBA fg;

  if (view->n_steps == 0 || view->rows->len == 0)
    return;

  _tandem_widgets_get_fg (widget, &fg);
  snapshot_grouping (self, snapshot, &fg, height);

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    gtk_widget_snapshot_child (widget, child, snapshot);

  if (view->playhead_step >= 0 && (guint) view->playhead_step < view->n_steps)
    {
      float x = self->xs[view->playhead_step];
      GdkRGBA accent;

      _tandem_widgets_lookup_color (widget, "accent_color", "#3584e4", &accent);
      _tandem_widgets_append_rounded (snapshot,
                                      &GRAPHENE_RECT_INIT (x + 2, 6, self->cell_width - 4, 10),
                                      5, &accent);
      accent.alpha = 0.22f;
      _tandem_widgets_append_rounded (snapshot,
                                      &GRAPHENE_RECT_INIT (x - 2, RULER_HEIGHT - 3,
                                                           self->cell_width + 4,
                                                           height - RULER_HEIGHT + 3),
                                      8, &accent);
    }

  snapshot_cursors (self, snapshot);
}

/* Which cell is at (@x, @y). With @lenient, gaps count as the nearest cell,
 * so a paint stroke does not skip cells between them. */
static gboolean
cell_at (TandemGridBody *self,
         double          x,
         double          y,
         gboolean        lenient,
         guint          *row,
         guint          *step)
{
  TandemGridView *view = self->view;
  double ry = y - RULER_HEIGHT;
  int r;

  if (view->n_steps == 0 || view->rows->len == 0)
    return FALSE;

  if (ry < 0 && !lenient)
    return FALSE;
  r = (int) (ry / (CELL_HEIGHT + ROW_GAP));
  if (!lenient && (ry - r * (CELL_HEIGHT + ROW_GAP) > CELL_HEIGHT || r >= (int) view->rows->len))
    return FALSE;
  r = CLAMP (r, 0, (int) view->rows->len - 1);

  for (guint i = 0; i < view->n_steps; i++)
    {
      float x0 = self->xs[i];
      float x1 = i + 1 < view->n_steps ? self->xs[i + 1] : G_MAXFLOAT;

      if (i == 0 && x < x0 && !lenient)
        return FALSE;
      if (x < x1 || i + 1 == view->n_steps)
        {
          if (!lenient && x > x0 + self->cell_width)
            return FALSE;
          *row = r;
          *step = i;
          return TRUE;
        }
    }
  return FALSE;
}

static GridRow *
row_at (TandemGridView *view,
        guint           index)
{
  return index < view->rows->len ? g_ptr_array_index (view->rows, index) : NULL;
}

static void
focus_cell (TandemGridView *view,
            guint           row,
            guint           step)
{
  GridRow *r = row_at (view, row);

  view->focus_row = row;
  view->focus_step = step;
  if (r != NULL && step < r->cells->len)
    gtk_widget_grab_focus (g_ptr_array_index (r->cells, step));
}

static void
on_drag_begin (GtkGestureDrag *gesture,
               double          x,
               double          y,
               TandemGridBody *self)
{
  TandemGridView *view = self->view;
  GdkModifierType state;
  guint r, step;
  GridRow *row;

  if (!cell_at (self, x, y, FALSE, &r, &step))
    {
      gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_DENIED);
      return;
    }

  row = g_ptr_array_index (view->rows, r);
  state = gtk_event_controller_get_current_event_state (GTK_EVENT_CONTROLLER (gesture));
  self->drag_x = x;
  self->drag_y = y;
  gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
  focus_cell (view, r, step);

  if ((state & GDK_CONTROL_MASK) != 0)
    {
      if (!_tandem_grid_view_velocity_begin (view, tandem_track_get_id (row->track), step))
        gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_DENIED);
    }
  else
    {
      _tandem_grid_view_paint_begin (view, tandem_track_get_id (row->track), step);
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
    {
      _tandem_grid_view_velocity_update (view, dy);
    }
  else if (view->painting &&
           cell_at (self, self->drag_x + dx, self->drag_y + dy, TRUE, &r, &step))
    {
      GridRow *row = g_ptr_array_index (view->rows, r);

      _tandem_grid_view_paint_to (view, tandem_track_get_id (row->track), step);
    }
}

static void
on_drag_end (GtkGestureDrag *gesture,
             double          dx,
             double          dy,
             TandemGridBody *self)
{
  _tandem_grid_view_velocity_end (self->view);
  _tandem_grid_view_paint_end (self->view);
}

static void
on_drag_cancel (GtkGesture       *gesture,
                GdkEventSequence *sequence,
                TandemGridBody   *self)
{
  _tandem_grid_view_velocity_end (self->view);
  _tandem_grid_view_paint_end (self->view);
}

static void
on_secondary_pressed (GtkGestureClick *gesture,
                      int              n_press,
                      double           x,
                      double           y,
                      TandemGridBody  *self)
{
  guint r, step;

  if (!cell_at (self, x, y, FALSE, &r, &step))
    return;

  gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
  focus_cell (self->view, r, step);
  _tandem_grid_view_popup_menu (self->view,
                                tandem_track_get_id (row_at (self->view, r)->track), step);
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
  const TandemCell *cell;
  GridRow *row;
  guint r, step;
  int delta, velocity;

  /* Only a vertical scroll over an active cell is ours; the rest scrolls. */
  if (fabs (dy) <= fabs (dx) || view->pattern == NULL ||
      !cell_at (self, self->pointer_x, self->pointer_y, FALSE, &r, &step))
    return GDK_EVENT_PROPAGATE;

  row = g_ptr_array_index (view->rows, r);
  cell = tandem_pattern_get_cell (view->pattern, tandem_track_get_id (row->track), step);
  if (cell->velocity == 0)
    return GDK_EVENT_PROPAGATE;

  self->scroll_accum += dy;
  delta = (int) self->scroll_accum;
  if (delta == 0)
    return GDK_EVENT_STOP;
  self->scroll_accum -= delta;

  velocity = CLAMP ((int) cell->velocity - delta * VELOCITY_STEP, 1, 127);
  if (velocity != cell->velocity)
    gtk_widget_activate_action (GTK_WIDGET (view), "grid.set-velocity", "(sii)",
                                tandem_track_get_id (row->track), (int) step, velocity);
  return GDK_EVENT_STOP;
}

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
  GridRow *r;

  if (n_rows == 0 || view->n_steps == 0)
    return GDK_EVENT_PROPAGATE;
  r = g_ptr_array_index (view->rows, row);

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
            const TandemCell *cell =
              tandem_pattern_get_cell (view->pattern, tandem_track_get_id (r->track), step);

            if (cell->velocity > 0)
              gtk_widget_activate_action (GTK_WIDGET (view), "grid.set-velocity", "(sii)",
                                          tandem_track_get_id (r->track), (int) step,
                                          CLAMP ((int) cell->velocity +
                                                 (up ? VELOCITY_STEP : -VELOCITY_STEP),
                                                 1, 127));
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
    case GDK_KEY_space:
    case GDK_KEY_KP_Space:
      if ((state & (GDK_CONTROL_MASK | GDK_ALT_MASK | GDK_SHIFT_MASK)) != 0)
        return GDK_EVENT_PROPAGATE;
      gtk_widget_activate_action (GTK_WIDGET (view), "grid.toggle-cell", "(si)",
                                  tandem_track_get_id (r->track), (int) step);
      return GDK_EVENT_STOP;
    case GDK_KEY_Menu:
      _tandem_grid_view_popup_menu (view, tandem_track_get_id (r->track), step);
      return GDK_EVENT_STOP;
    case GDK_KEY_F10:
      if ((state & GDK_SHIFT_MASK) == 0)
        return GDK_EVENT_PROPAGATE;
      _tandem_grid_view_popup_menu (view, tandem_track_get_id (r->track), step);
      return GDK_EVENT_STOP;
    default:
      return GDK_EVENT_PROPAGATE;
    }

  focus_cell (view, row, step);
  return GDK_EVENT_STOP;
}

/* Roving focus: Tab enters the grid at the focus cell and leaves it at once;
 * arrows move between cells (see on_key_pressed). */
static gboolean
tandem_grid_body_focus (GtkWidget        *widget,
                        GtkDirectionType  direction)
{
  TandemGridBody *self = TANDEM_GRID_BODY (widget);
  TandemGridView *view = self->view;
  GridRow *row;

  if (gtk_widget_get_focus_child (widget) != NULL)
    return FALSE;

  row = row_at (view, MIN (view->focus_row, view->rows->len - 1));
  if (row == NULL || row->cells->len == 0)
    return FALSE;

  focus_cell (view, MIN (view->focus_row, view->rows->len - 1),
              MIN (view->focus_step, row->cells->len - 1));
  return TRUE;
}

static gboolean
tandem_grid_body_grab_focus (GtkWidget *widget)
{
  return tandem_grid_body_focus (widget, GTK_DIR_TAB_FORWARD);
}

static void
tandem_grid_body_dispose (GObject *object)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (object))) != NULL)
    gtk_widget_unparent (child);

  G_OBJECT_CLASS (tandem_grid_body_parent_class)->dispose (object);
}

static void
tandem_grid_body_class_init (TandemGridBodyClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = tandem_grid_body_dispose;
  widget_class->measure = tandem_grid_body_measure;
  widget_class->size_allocate = tandem_grid_body_size_allocate;
  widget_class->snapshot = tandem_grid_body_snapshot;
  widget_class->focus = tandem_grid_body_focus;
  widget_class->grab_focus = tandem_grid_body_grab_focus;

  gtk_widget_class_set_css_name (widget_class, "gridbody");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GRID);
}

static void
tandem_grid_body_init (TandemGridBody *self)
{
  GtkGesture *drag = gtk_gesture_drag_new ();
  GtkGesture *click = gtk_gesture_click_new ();
  GtkEventController *motion = gtk_event_controller_motion_new ();
  GtkEventController *scroll =
    gtk_event_controller_scroll_new (GTK_EVENT_CONTROLLER_SCROLL_BOTH_AXES);
  GtkEventController *key = gtk_event_controller_key_new ();

  gtk_widget_set_focusable (GTK_WIDGET (self), TRUE);
  gtk_widget_set_overflow (GTK_WIDGET (self), GTK_OVERFLOW_VISIBLE);

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

/* ---- rows ---------------------------------------------------------------- */

static void
update_row_cells (TandemGridView *self,
                  GridRow        *row)
{
  const char *track_id = tandem_track_get_id (row->track);
  const char *name = tandem_track_get_name (row->track);
  TandemGridBody *body = TANDEM_GRID_BODY (self->body);

  while (row->cells->len > self->n_steps)
    {
      GtkWidget *cell = g_ptr_array_steal_index (row->cells, row->cells->len - 1);

      gtk_widget_unparent (cell);
    }

  while (row->cells->len < self->n_steps)
    {
      GtkWidget *cell = tandem_grid_cell_new (track_id, row->cells->len);
      GtkWidget *sibling = NULL;
      guint r;

      /* Keep the children in reading order (row by row) for focus and a11y. */
      if (row->cells->len > 0)
        sibling = g_ptr_array_index (row->cells, row->cells->len - 1);
      else
        for (r = 0; r < self->rows->len && g_ptr_array_index (self->rows, r) != row; r++)
          {
            GridRow *before = g_ptr_array_index (self->rows, r);

            if (before->cells->len > 0)
              sibling = g_ptr_array_index (before->cells, before->cells->len - 1);
          }

      tandem_grid_cell_set_color (TANDEM_GRID_CELL (cell), &row->color);
      tandem_grid_cell_set_track_name (TANDEM_GRID_CELL (cell), name);
      gtk_widget_insert_after (cell, GTK_WIDGET (body), sibling);
      g_ptr_array_add (row->cells, cell);
    }

  for (guint i = 0; i < row->cells->len; i++)
    {
      const TandemCell *value = tandem_pattern_get_cell (self->pattern, track_id, i);

      tandem_grid_cell_set_value (g_ptr_array_index (row->cells, i), value);
    }
}

/* The instruments a track can play without a sample, in menu order. */
static const struct
{
  const char *id;
  const char *label;
} instruments[] = {
  { "kick", N_("Kick") },
  { "snare", N_("Snare") },
  { "hat-closed", N_("Closed Hat") },
  { "hat-open", N_("Open Hat") },
  { "clap", N_("Clap") },
  { "tom", N_("Tom") },
  { "rim", N_("Rim") },
  { "synth", N_("Synth") },
};

static const char *
instrument_label (const char *instrument)
{
  for (guint i = 0; i < G_N_ELEMENTS (instruments); i++)
    if (g_strcmp0 (instruments[i].id, instrument) == 0)
      return _(instruments[i].label);

  /* Translators: the instrument of a track that plays an audio file */
  return tandem_instrument_get_sample (instrument) != NULL ? _("Sample") : instrument;
}

static void
update_header (GridRow *row)
{
  const char *name = tandem_track_get_name (row->track);
  const char *instrument = instrument_label (tandem_track_get_instrument (row->track));
  g_autofree char *tooltip = NULL;
  g_autofree char *options = NULL;

  gtk_label_set_label (GTK_LABEL (row->label), name);
  /* Translators: tooltip of a track's row header in the grid: track name, instrument */
  tooltip = g_strdup_printf (_("Select “%s” (%s)"), name, instrument);
  gtk_widget_set_tooltip_text (row->header, tooltip);
  /* The button's child is a box, so GTK cannot derive a name from it. */
  gtk_accessible_update_property (GTK_ACCESSIBLE (row->header),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, name,
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, instrument,
                                  -1);

  /* Translators: accessible name of the “⋮” button of a track, e.g. “Kick Options” */
  options = g_strdup_printf (_("%s Options"), name);
  gtk_accessible_update_property (GTK_ACCESSIBLE (row->menu_button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, options,
                                  -1);
}

static void
update_instrument_state (GridRow *row)
{
  GAction *action = g_action_map_lookup_action (G_ACTION_MAP (row->actions), "instrument");

  g_simple_action_set_state (G_SIMPLE_ACTION (action),
                             g_variant_new_string (tandem_track_get_instrument (row->track)));
}

static void
on_track_notify (TandemTrack *track,
                 GParamSpec  *pspec,
                 GridRow     *row)
{
  const char *name = g_param_spec_get_name (pspec);

  if (g_str_equal (name, "name"))
    {
      update_header (row);
      for (guint i = 0; i < row->cells->len; i++)
        tandem_grid_cell_set_track_name (g_ptr_array_index (row->cells, i),
                                         tandem_track_get_name (track));
    }
  else if (g_str_equal (name, "color"))
    {
      _tandem_widgets_parse_color (tandem_track_get_color (track), &row->color);
      gtk_widget_queue_draw (row->swatch);
      for (guint i = 0; i < row->cells->len; i++)
        tandem_grid_cell_set_color (g_ptr_array_index (row->cells, i), &row->color);
    }
  else if (g_str_equal (name, "instrument"))
    {
      update_header (row);
      update_instrument_state (row);
    }
}

static void
swatch_draw (GtkDrawingArea *area,
             cairo_t        *cr,
             int             width,
             int             height,
             gpointer        data)
{
  GridRow *row = data;
  double size = MIN (width, height);

  gdk_cairo_set_source_rgba (cr, &row->color);
  cairo_arc (cr, width / 2., height / 2., size / 2., 0, 2 * G_PI);
  cairo_fill (cr);
}

static void
sync_headers (TandemGridView *self)
{
  self->syncing_headers = TRUE;
  for (guint r = 0; r < self->rows->len; r++)
    {
      GridRow *row = g_ptr_array_index (self->rows, r);

      gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (row->header),
                                    g_strcmp0 (self->selected_track,
                                               tandem_track_get_id (row->track)) == 0);
    }
  self->syncing_headers = FALSE;
}

static void
on_header_clicked (GtkButton *button,
                   GridRow   *row)
{
  TandemGridView *self = row->view;

  if (self->syncing_headers)
    return;

  tandem_grid_view_set_selected_track (self, tandem_track_get_id (row->track));
  /* Clicking the selected header again keeps it selected. */
  sync_headers (self);
}

/* ---- the track menu ------------------------------------------------------- */

static void
on_rename_response (AdwMessageDialog *dialog,
                    const char       *response,
                    TandemGridView   *self)
{
  GtkEditable *entry = GTK_EDITABLE (adw_message_dialog_get_extra_child (dialog));
  const char *track_id = g_object_get_data (G_OBJECT (dialog), "track-id");

  if (g_strcmp0 (response, "rename") == 0)
    gtk_widget_activate_action (GTK_WIDGET (self), "track.rename", "(ss)",
                                track_id, gtk_editable_get_text (entry));
}

static void
on_rename_entry_changed (GtkEditable      *entry,
                         AdwMessageDialog *dialog)
{
  g_autofree char *name = g_strstrip (g_strdup (gtk_editable_get_text (entry)));

  adw_message_dialog_set_response_enabled (dialog, "rename", tandem_name_is_valid (name));
}

static void
on_rename_entry_activate (GtkEntry         *entry,
                          AdwMessageDialog *dialog)
{
  if (adw_message_dialog_get_response_enabled (dialog, "rename"))
    adw_message_dialog_response (dialog, "rename");
}

/* Asks for a new name for @track_id; the answer goes through track.rename. */
GtkWidget *
_tandem_grid_view_show_rename_dialog (TandemGridView *self,
                                      const char     *track_id)
{
  TandemTrack *track;
  GtkWidget *dialog, *entry;
  GtkRoot *root;

  g_return_val_if_fail (TANDEM_IS_GRID_VIEW (self), NULL);

  if (self->project == NULL || (track = tandem_project_find_track (self->project, track_id)) == NULL)
    return NULL;

  root = gtk_widget_get_root (GTK_WIDGET (self));
  dialog = adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                   _("Rename Track"), NULL);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "rename", _("_Rename"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "rename",
                                              ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "rename");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");

  entry = gtk_entry_new ();
  gtk_editable_set_text (GTK_EDITABLE (entry), tandem_track_get_name (track));
  gtk_entry_set_max_length (GTK_ENTRY (entry), TANDEM_MAX_NAME_LEN);
  gtk_accessible_update_property (GTK_ACCESSIBLE (entry),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Track name"),
                                  -1);
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), entry);
  g_signal_connect (entry, "changed", G_CALLBACK (on_rename_entry_changed), dialog);
  g_signal_connect (entry, "activate", G_CALLBACK (on_rename_entry_activate), dialog);

  g_object_set_data_full (G_OBJECT (dialog), "track-id", g_strdup (track_id), g_free);
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_rename_response), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
  gtk_widget_grab_focus (entry);

  return dialog;
}

static void
row_rename (GSimpleAction *action,
            GVariant      *parameter,
            gpointer       data)
{
  GridRow *row = data;

  _tandem_grid_view_show_rename_dialog (row->view, tandem_track_get_id (row->track));
}

static void
row_set_instrument (GSimpleAction *action,
                    GVariant      *value,
                    gpointer       data)
{
  GridRow *row = data;

  /* The state follows the model (on_track_notify), not the click. */
  gtk_widget_activate_action (GTK_WIDGET (row->view), "track.set-instrument", "(ss)",
                              tandem_track_get_id (row->track),
                              g_variant_get_string (value, NULL));
}

static void
row_move (GridRow *row,
          int      delta)
{
  TandemGridView *self = row->view;
  guint index;

  if (find_row (self, tandem_track_get_id (row->track), &index) == NULL ||
      ((int) index + delta) < 0)
    return;

  gtk_widget_activate_action (GTK_WIDGET (self), "track.move", "(si)",
                              tandem_track_get_id (row->track), (int) index + delta);
}

static void
row_move_up (GSimpleAction *action,
             GVariant      *parameter,
             gpointer       data)
{
  row_move (data, -1);
}

static void
row_move_down (GSimpleAction *action,
               GVariant      *parameter,
               gpointer       data)
{
  row_move (data, 1);
}

static void
row_delete (GSimpleAction *action,
            GVariant      *parameter,
            gpointer       data)
{
  GridRow *row = data;

  gtk_widget_activate_action (GTK_WIDGET (row->view), "track.delete", "s",
                              tandem_track_get_id (row->track));
}

static const GActionEntry row_action_entries[] = {
  { "rename", row_rename },
  { "instrument", NULL, "s", "'kick'", row_set_instrument },
  { "move-up", row_move_up },
  { "move-down", row_move_down },
  { "delete", row_delete },
};

static GMenuModel *
track_menu_new (const char *track_id)
{
  GMenu *menu = g_menu_new ();
  g_autoptr(GMenu) section = g_menu_new ();
  g_autoptr(GMenu) instrument = g_menu_new ();
  g_autoptr(GMenu) voices = g_menu_new ();
  g_autoptr(GMenu) sample = g_menu_new ();
  g_autoptr(GMenuItem) item = NULL;

  g_menu_append (section, _("_Rename…"), "row.rename");
  for (guint i = 0; i < G_N_ELEMENTS (instruments); i++)
    {
      g_autoptr(GMenuItem) voice = g_menu_item_new (_(instruments[i].label), NULL);

      g_menu_item_set_action_and_target_value (voice, "row.instrument",
                                               g_variant_new_string (instruments[i].id));
      g_menu_append_item (voices, voice);
    }
  g_menu_append_section (instrument, NULL, G_MENU_MODEL (voices));
  /* The window owns track.choose-sample; without it the item is insensitive. */
  item = g_menu_item_new (_("_Sample…"), NULL);
  g_menu_item_set_action_and_target_value (item, "track.choose-sample",
                                           g_variant_new_string (track_id));
  g_menu_append_item (sample, item);
  g_menu_append_section (instrument, NULL, G_MENU_MODEL (sample));
  g_menu_append_submenu (section, _("_Instrument"), G_MENU_MODEL (instrument));
  g_menu_append_section (menu, NULL, G_MENU_MODEL (section));

  g_clear_object (&section);
  section = g_menu_new ();
  g_menu_append (section, _("Move _Up"), "row.move-up");
  g_menu_append (section, _("Move _Down"), "row.move-down");
  g_menu_append_section (menu, NULL, G_MENU_MODEL (section));

  g_clear_object (&section);
  section = g_menu_new ();
  g_menu_append (section, _("_Delete"), "row.delete");
  g_menu_append_section (menu, NULL, G_MENU_MODEL (section));

  return G_MENU_MODEL (menu);
}

static gboolean
on_row_key_pressed (GtkEventControllerKey *controller,
                    guint                  keyval,
                    guint                  keycode,
                    GdkModifierType        state,
                    GridRow               *row)
{
  GdkModifierType mods = state & gtk_accelerator_get_default_mod_mask ();

  if ((keyval == GDK_KEY_F10 && mods == GDK_SHIFT_MASK) ||
      (keyval == GDK_KEY_Menu && mods == 0))
    {
      gtk_menu_button_popup (GTK_MENU_BUTTON (row->menu_button));
      return GDK_EVENT_STOP;
    }
  if (keyval == GDK_KEY_F2 && mods == 0)
    {
      g_action_group_activate_action (G_ACTION_GROUP (row->actions), "rename", NULL);
      return GDK_EVENT_STOP;
    }
  /* Alt+arrows reorder, as in GNOME's list editors. */
  if ((keyval == GDK_KEY_Up || keyval == GDK_KEY_Down) && mods == GDK_ALT_MASK)
    {
      row_move (row, keyval == GDK_KEY_Up ? -1 : 1);
      return GDK_EVENT_STOP;
    }

  return GDK_EVENT_PROPAGATE;
}

static void
on_row_secondary_pressed (GtkGestureClick *gesture,
                          int              n_press,
                          double           x,
                          double           y,
                          GridRow         *row)
{
  gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
  gtk_menu_button_popup (GTK_MENU_BUTTON (row->menu_button));
}

/* Which row actions make sense where the row is now. */
static void
update_row_actions (TandemGridView *self)
{
  for (guint r = 0; r < self->rows->len; r++)
    {
      GridRow *row = g_ptr_array_index (self->rows, r);
      gboolean editable = self->history != NULL;
      const char * const names[] = { "rename", "instrument", "delete" };

      for (guint i = 0; i < G_N_ELEMENTS (names); i++)
        g_simple_action_set_enabled (G_SIMPLE_ACTION (g_action_map_lookup_action (
                                       G_ACTION_MAP (row->actions), names[i])),
                                     editable);
      g_simple_action_set_enabled (G_SIMPLE_ACTION (g_action_map_lookup_action (
                                     G_ACTION_MAP (row->actions), "move-up")),
                                   editable && r > 0);
      g_simple_action_set_enabled (G_SIMPLE_ACTION (g_action_map_lookup_action (
                                     G_ACTION_MAP (row->actions), "move-down")),
                                   editable && r + 1 < self->rows->len);
    }

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "track.add",
                                 self->history != NULL && self->pattern != NULL);
}

/* ---- rows ------------------------------------------------------------------ */

static void
grid_row_free (GridRow *row)
{
  g_clear_signal_handler (&row->notify_id, row->track);
  for (guint i = 0; i < row->cells->len; i++)
    gtk_widget_unparent (g_ptr_array_index (row->cells, i));
  g_ptr_array_unref (row->cells);

  /* A menu may still be closing on the removed row: cut its actions loose. */
  for (guint i = 0; i < G_N_ELEMENTS (row_action_entries); i++)
    g_signal_handlers_disconnect_by_data (g_action_map_lookup_action (G_ACTION_MAP (row->actions),
                                                                      row_action_entries[i].name),
                                          row);
  g_clear_object (&row->actions);
  if (row->box != NULL && row->view->header_box != NULL)
    gtk_box_remove (GTK_BOX (row->view->header_box), row->box);
  g_clear_object (&row->track);
  g_free (row);
}

static GridRow *
grid_row_new (TandemGridView *self,
              TandemTrack    *track,
              GtkWidget      *after)
{
  GridRow *row = g_new0 (GridRow, 1);
  g_autoptr(GMenuModel) menu = track_menu_new (tandem_track_get_id (track));
  GtkEventController *key;
  GtkGesture *click;
  GtkWidget *box;

  row->view = self;
  row->track = g_object_ref (track);
  row->cells = g_ptr_array_new ();
  _tandem_widgets_parse_color (tandem_track_get_color (track), &row->color);

  row->box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 2);
  gtk_widget_add_css_class (row->box, "grid-row");
  gtk_widget_set_size_request (row->box, 150, CELL_HEIGHT);
  gtk_widget_set_valign (row->box, GTK_ALIGN_START);

  row->header = gtk_toggle_button_new ();
  gtk_widget_add_css_class (row->header, "flat");
  gtk_widget_add_css_class (row->header, "grid-row-header");
  gtk_widget_set_hexpand (row->header, TRUE);
  box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);
  row->swatch = gtk_drawing_area_new ();
  gtk_widget_set_size_request (row->swatch, 12, 12);
  gtk_widget_set_valign (row->swatch, GTK_ALIGN_CENTER);
  gtk_drawing_area_set_draw_func (GTK_DRAWING_AREA (row->swatch), swatch_draw, row, NULL);
  row->label = gtk_label_new (NULL);
  gtk_label_set_xalign (GTK_LABEL (row->label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (row->label), PANGO_ELLIPSIZE_END);
  gtk_label_set_max_width_chars (GTK_LABEL (row->label), 14);
  gtk_widget_set_hexpand (row->label, TRUE);
  gtk_box_append (GTK_BOX (box), row->swatch);
  gtk_box_append (GTK_BOX (box), row->label);
  gtk_button_set_child (GTK_BUTTON (row->header), box);
  g_signal_connect (row->header, "clicked", G_CALLBACK (on_header_clicked), row);
  gtk_box_append (GTK_BOX (row->box), row->header);

  row->menu_button = gtk_menu_button_new ();
  gtk_menu_button_set_icon_name (GTK_MENU_BUTTON (row->menu_button), "view-more-symbolic");
  gtk_menu_button_set_menu_model (GTK_MENU_BUTTON (row->menu_button), menu);
  gtk_widget_set_tooltip_text (row->menu_button, _("Track Options (Shift+F10)"));
  gtk_widget_set_valign (row->menu_button, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (row->menu_button, "flat");
  gtk_widget_add_css_class (row->menu_button, "grid-row-menu");
  gtk_box_append (GTK_BOX (row->box), row->menu_button);

  row->actions = g_simple_action_group_new ();
  g_action_map_add_action_entries (G_ACTION_MAP (row->actions), row_action_entries,
                                   G_N_ELEMENTS (row_action_entries), row);
  gtk_widget_insert_action_group (row->box, "row", G_ACTION_GROUP (row->actions));
  update_instrument_state (row);

  key = gtk_event_controller_key_new ();
  g_signal_connect (key, "key-pressed", G_CALLBACK (on_row_key_pressed), row);
  gtk_widget_add_controller (row->box, key);
  click = gtk_gesture_click_new ();
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (click), GDK_BUTTON_SECONDARY);
  g_signal_connect (click, "pressed", G_CALLBACK (on_row_secondary_pressed), row);
  gtk_widget_add_controller (row->box, GTK_EVENT_CONTROLLER (click));

  gtk_box_insert_child_after (GTK_BOX (self->header_box), row->box, after);
  update_header (row);

  row->notify_id = g_signal_connect (track, "notify", G_CALLBACK (on_track_notify), row);
  return row;
}

/* Adds a row for @track at @index of the rows, with its cells. */
static void
insert_row (TandemGridView *self,
            TandemTrack    *track,
            guint           index)
{
  GtkWidget *after = index > 0 ? ((GridRow *) g_ptr_array_index (self->rows, index - 1))->box
                               : NULL;
  GridRow *row = grid_row_new (self, track, after);

  g_ptr_array_insert (self->rows, index, row);
  g_hash_table_insert (self->row_by_track, (gpointer) tandem_track_get_id (track), row);
  update_row_cells (self, row);
}

static void
rows_changed (TandemGridView *self)
{
  if (self->selected_track != NULL &&
      g_hash_table_lookup (self->row_by_track, self->selected_track) == NULL)
    tandem_grid_view_set_selected_track (self, NULL);
  sync_headers (self);
  update_row_actions (self);
  if (self->rows->len > 0)
    self->focus_row = MIN (self->focus_row, self->rows->len - 1);

  gtk_widget_queue_resize (self->body);
}

static void
rebuild_rows (TandemGridView *self)
{
  guint n;

  g_hash_table_remove_all (self->row_by_track);
  g_ptr_array_set_size (self->rows, 0);

  n = self->tracks != NULL && self->pattern != NULL ? g_list_model_get_n_items (self->tracks) : 0;
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(TandemTrack) track = g_list_model_get_item (self->tracks, i);

      insert_row (self, track, i);
    }

  rows_changed (self);
}

static void
refresh_cells (TandemGridView *self)
{
  for (guint r = 0; r < self->rows->len; r++)
    update_row_cells (self, g_ptr_array_index (self->rows, r));
  gtk_widget_queue_resize (self->body);
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
  refresh_cells (self);
}

static void
update_pattern (TandemGridView *self)
{
  TandemPattern *pattern = NULL;
  gboolean rows_missing;

  if (self->project != NULL)
    {
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
    rebuild_rows (self);
  update_timing (self);
  refresh_cells (self);
}

static void
on_cell_changed (TandemGridView *self,
                 const char     *track_id,
                 guint           step,
                 TandemPattern  *pattern)
{
  GridRow *row = g_hash_table_lookup (self->row_by_track, track_id);

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
  /* Only the rows that changed are replaced, so the keyboard focus and the
   * other rows' widgets survive someone else adding or removing a track. */
  if (self->pattern == NULL || position + removed > self->rows->len)
    {
      rebuild_rows (self);
      return;
    }

  for (guint i = 0; i < removed; i++)
    {
      GridRow *row = g_ptr_array_index (self->rows, position);

      g_hash_table_remove (self->row_by_track, tandem_track_get_id (row->track));
      g_ptr_array_remove_index (self->rows, position);
    }

  for (guint i = 0; i < added; i++)
    {
      g_autoptr(TandemTrack) track = g_list_model_get_item (tracks, position + i);

      insert_row (self, track, position + i);
    }

  rows_changed (self);
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
  rebuild_rows (self);
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

/* ---- editing ------------------------------------------------------------- */

static const TandemCell *
get_model_cell (TandemGridView *self,
                const char     *track_id,
                guint           step)
{
  if (self->pattern == NULL || step >= self->n_steps ||
      g_hash_table_lookup (self->row_by_track, track_id) == NULL)
    return NULL;
  return tandem_pattern_get_cell (self->pattern, track_id, step);
}

static void
set_cell (TandemGridView *self,
          const char     *track_id,
          guint           step,
          const char     *prop,
          int             value)
{
  if (get_model_cell (self, track_id, step) == NULL)
    return;

  _tandem_widgets_apply (self->history,
                         tandem_op_new_set_cell (tandem_pattern_get_id (self->pattern),
                                                 track_id, step, prop, value));
}

static void
grid_toggle_cell (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  TandemGridView *self = TANDEM_GRID_VIEW (widget);
  const TandemCell *cell;
  const char *track_id;
  int step;

  g_variant_get (parameter, "(&si)", &track_id, &step);
  if (step < 0 || (cell = get_model_cell (self, track_id, step)) == NULL)
    return;

  set_cell (self, track_id, step, "velocity", cell->velocity > 0 ? 0 : DEFAULT_VELOCITY);
}

static void
grid_set_cell_prop (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  TandemGridView *self = TANDEM_GRID_VIEW (widget);
  const char *prop = strrchr (action_name, '-') + 1;
  const char *track_id;
  int step, value;

  g_variant_get (parameter, "(&sii)", &track_id, &step, &value);
  if (step < 0)
    return;

  if (g_str_equal (prop, "velocity"))
    value = CLAMP (value, 0, 127);
  else if (g_str_equal (prop, "probability"))
    value = CLAMP (value, 0, 100);
  else
    value = CLAMP (value, TANDEM_NOTE_MIN, TANDEM_NOTE_MAX);

  set_cell (self, track_id, step, prop, value);
}

/* ---- track actions -------------------------------------------------------- */

static gboolean
track_uses (TandemGridView *self,
            const char     *prop,
            const char     *value)
{
  guint n = g_list_model_get_n_items (self->tracks);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(TandemTrack) track = g_list_model_get_item (self->tracks, i);
      g_autofree char *current = NULL;

      g_object_get (track, prop, &current, NULL);
      if (g_ascii_strcasecmp (current, value) == 0)
        return TRUE;
    }
  return FALSE;
}

static char *
new_track_color (TandemGridView *self)
{
  guint n = g_list_model_get_n_items (self->tracks);
  GdkRGBA rgba;

  /* The first palette colour nobody uses yet, else the next in the cycle. */
  for (guint i = 0; i <= 8; i++)
    {
      g_autofree char *spec = NULL;

      _tandem_widgets_palette (i < 8 ? i : n, &rgba);
      spec = g_strdup_printf ("#%02x%02x%02x",
                              (int) lround (rgba.red * 255), (int) lround (rgba.green * 255),
                              (int) lround (rgba.blue * 255));
      if (i == 8 || !track_uses (self, "color", spec))
        return g_steal_pointer (&spec);
    }
  g_assert_not_reached ();
}

static void
track_add (GtkWidget  *widget,
           const char *action_name,
           GVariant   *parameter)
{
  TandemGridView *self = TANDEM_GRID_VIEW (widget);
  g_autoptr(JsonBuilder) builder = NULL;
  g_autofree char *id = NULL;
  g_autofree char *name = NULL;
  g_autofree char *color = NULL;
  const char *instrument = "synth";
  guint number;

  if (self->project == NULL || self->history == NULL)
    return;

  number = g_list_model_get_n_items (self->tracks) + 1;
  do
    {
      g_free (name);
      /* Translators: the name of a new track in the grid, “Track 5” */
      name = g_strdup_printf (_("Track %u"), number++);
    }
  while (track_uses (self, "name", name));

  /* A drum voice the beat does not have yet, else a synth. */
  for (guint i = 0; i < G_N_ELEMENTS (instruments); i++)
    if (!track_uses (self, "instrument", instruments[i].id))
      {
        instrument = instruments[i].id;
        break;
      }

  id = tandem_id_new ();
  color = new_track_color (self);

  builder = json_builder_new ();
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "id");
  json_builder_add_string_value (builder, id);
  json_builder_set_member_name (builder, "name");
  json_builder_add_string_value (builder, name);
  json_builder_set_member_name (builder, "color");
  json_builder_add_string_value (builder, color);
  json_builder_set_member_name (builder, "instrument");
  json_builder_add_string_value (builder, instrument);
  json_builder_set_member_name (builder, "volume");
  json_builder_add_double_value (builder, 0.0);
  json_builder_set_member_name (builder, "pan");
  json_builder_add_double_value (builder, 0.0);
  json_builder_set_member_name (builder, "mute");
  json_builder_add_boolean_value (builder, FALSE);
  json_builder_set_member_name (builder, "solo");
  json_builder_add_boolean_value (builder, FALSE);
  json_builder_end_object (builder);

  if (_tandem_widgets_apply (self->history,
                             tandem_op_new_insert (TANDEM_ENTITY_TRACK, -1,
                                                   json_builder_get_root (builder))))
    tandem_grid_view_set_selected_track (self, id);
}

static void
track_rename (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  TandemGridView *self = TANDEM_GRID_VIEW (widget);
  g_autofree char *name = NULL;
  const char *track_id;
  TandemTrack *track;

  g_variant_get (parameter, "(&ss)", &track_id, &name);
  g_strstrip (name);
  if (self->project == NULL || !tandem_name_is_valid (name) ||
      (track = tandem_project_find_track (self->project, track_id)) == NULL ||
      g_strcmp0 (tandem_track_get_name (track), name) == 0)
    return;

  _tandem_widgets_apply (self->history,
                         tandem_op_new_set_string (TANDEM_ENTITY_TRACK, track_id, "name", name));
}

static void
track_set_instrument (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  TandemGridView *self = TANDEM_GRID_VIEW (widget);
  const char *track_id, *instrument;
  TandemTrack *track;

  g_variant_get (parameter, "(&s&s)", &track_id, &instrument);
  if (self->project == NULL || !tandem_instrument_is_valid (instrument) ||
      (track = tandem_project_find_track (self->project, track_id)) == NULL ||
      g_strcmp0 (tandem_track_get_instrument (track), instrument) == 0)
    return;

  _tandem_widgets_apply (self->history,
                         tandem_op_new_set_string (TANDEM_ENTITY_TRACK, track_id, "instrument",
                                                   instrument));
}

/* Whether the keyboard focus is in @row's header (or a menu opened from it). */
static gboolean
row_has_focus (TandemGridView *self,
               GridRow        *row)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkWidget *focus = root != NULL ? gtk_root_get_focus (root) : NULL;

  return focus != NULL && (focus == row->box || gtk_widget_is_ancestor (focus, row->box));
}

static void
track_move (GtkWidget  *widget,
            const char *action_name,
            GVariant   *parameter)
{
  TandemGridView *self = TANDEM_GRID_VIEW (widget);
  const char *track_id;
  gboolean had_focus;
  GridRow *row;
  guint from;
  int index;

  g_variant_get (parameter, "(&si)", &track_id, &index);
  if (self->project == NULL || (row = find_row (self, track_id, &from)) == NULL)
    return;
  index = CLAMP (index, 0, (int) self->rows->len - 1);
  if ((guint) index == from)
    return;

  had_focus = row_has_focus (self, row);
  if (_tandem_widgets_apply (self->history,
                             tandem_op_new_move (TANDEM_ENTITY_TRACK, track_id, index)) &&
      had_focus && (row = find_row (self, track_id, NULL)) != NULL)
    gtk_widget_grab_focus (row->header);  /* the row was rebuilt at its new place */
}

static void
track_delete (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  TandemGridView *self = TANDEM_GRID_VIEW (widget);
  const char *track_id = g_variant_get_string (parameter, NULL);
  gboolean had_focus;
  GridRow *row;
  guint index;

  if (self->project == NULL || (row = find_row (self, track_id, &index)) == NULL)
    return;

  had_focus = row_has_focus (self, row);
  if (_tandem_widgets_apply (self->history, tandem_op_new_delete (TANDEM_ENTITY_TRACK, track_id)) &&
      had_focus)
    {
      /* Keep the keyboard in the header column: the next row, or Add Track. */
      row = row_at (self, MIN (index, self->rows->len - 1));
      gtk_widget_grab_focus (row != NULL ? row->header : self->add_button);
    }
}

void
_tandem_grid_view_paint_begin (TandemGridView *self,
                               const char     *track_id,
                               guint           step)
{
  const TandemCell *cell;

  g_return_if_fail (TANDEM_IS_GRID_VIEW (self));

  if (self->painting || (cell = get_model_cell (self, track_id, step)) == NULL)
    return;

  self->painting = TRUE;
  self->paint_velocity = cell->velocity > 0 ? 0 : DEFAULT_VELOCITY;
  if (self->history != NULL)
    tandem_history_begin_group (self->history);
  set_cell (self, track_id, step, "velocity", self->paint_velocity);
}

void
_tandem_grid_view_paint_to (TandemGridView *self,
                            const char     *track_id,
                            guint           step)
{
  const TandemCell *cell;

  g_return_if_fail (TANDEM_IS_GRID_VIEW (self));

  if (!self->painting || (cell = get_model_cell (self, track_id, step)) == NULL)
    return;

  /* Only cells that differ: an already active cell keeps its velocity. */
  if ((cell->velocity > 0) != (self->paint_velocity > 0))
    set_cell (self, track_id, step, "velocity", self->paint_velocity);
}

void
_tandem_grid_view_paint_end (TandemGridView *self)
{
  g_return_if_fail (TANDEM_IS_GRID_VIEW (self));

  if (!self->painting)
    return;

  self->painting = FALSE;
  if (self->history != NULL)
    tandem_history_end_group (self->history);
}

gboolean
_tandem_grid_view_velocity_begin (TandemGridView *self,
                                  const char     *track_id,
                                  guint           step)
{
  const TandemCell *cell;

  g_return_val_if_fail (TANDEM_IS_GRID_VIEW (self), FALSE);

  if (self->velocity_dragging || (cell = get_model_cell (self, track_id, step)) == NULL ||
      cell->velocity == 0)
    return FALSE;

  self->velocity_dragging = TRUE;
  g_free (self->drag_track);
  self->drag_track = g_strdup (track_id);
  self->drag_step = step;
  self->drag_start_velocity = cell->velocity;
  if (self->history != NULL)
    tandem_history_begin_group (self->history);
  return TRUE;
}

void
_tandem_grid_view_velocity_update (TandemGridView *self,
                                   double          dy)
{
  const TandemCell *cell;
  int velocity;

  g_return_if_fail (TANDEM_IS_GRID_VIEW (self));

  if (!self->velocity_dragging ||
      (cell = get_model_cell (self, self->drag_track, self->drag_step)) == NULL)
    return;

  /* Half a velocity unit per pixel: the full range in about 250 px. */
  velocity = CLAMP (self->drag_start_velocity - (int) (dy / 2), 1, 127);
  if (velocity != cell->velocity)
    set_cell (self, self->drag_track, self->drag_step, "velocity", velocity);
}

void
_tandem_grid_view_velocity_end (TandemGridView *self)
{
  g_return_if_fail (TANDEM_IS_GRID_VIEW (self));

  if (!self->velocity_dragging)
    return;

  self->velocity_dragging = FALSE;
  g_clear_pointer (&self->drag_track, g_free);
  if (self->history != NULL)
    tandem_history_end_group (self->history);
}

TandemGridCell *
_tandem_grid_view_get_cell (TandemGridView *self,
                            const char     *track_id,
                            guint           step)
{
  GridRow *row;

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
  GridRow *row;

  g_return_val_if_fail (TANDEM_IS_GRID_VIEW (self), NULL);

  row = row_at (self, index);
  return row != NULL ? tandem_track_get_id (row->track) : NULL;
}

GtkWidget *
_tandem_grid_view_get_row_header (TandemGridView *self,
                                  const char     *track_id)
{
  GridRow *row;

  g_return_val_if_fail (TANDEM_IS_GRID_VIEW (self), NULL);

  row = g_hash_table_lookup (self->row_by_track, track_id);
  return row != NULL ? row->header : NULL;
}

GtkWidget *
_tandem_grid_view_get_row_menu_button (TandemGridView *self,
                                       const char     *track_id)
{
  GridRow *row;

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

static void
add_cell_item (GMenu      *section,
               const char *label,
               const char *action,
               const char *track_id,
               guint       step,
               int         value)
{
  g_autoptr(GMenuItem) item = g_menu_item_new (label, NULL);

  g_menu_item_set_action_and_target_value (item, action,
                                           g_variant_new ("(sii)", track_id, (int) step, value));
  g_menu_append_item (section, item);
}

GMenuModel *
_tandem_grid_view_popup_menu (TandemGridView *self,
                              const char     *track_id,
                              guint           step)
{
  static const int probabilities[] = { 100, 75, 50, 25 };
  g_autoptr(GMenu) probability = g_menu_new ();
  const TandemCell *cell;
  GridRow *row;
  graphene_rect_t rect;
  guint r = 0;

  g_return_val_if_fail (TANDEM_IS_GRID_VIEW (self), NULL);

  if ((cell = get_model_cell (self, track_id, step)) == NULL)
    return NULL;
  row = find_row (self, track_id, &r);

  g_clear_object (&self->menu_model);
  self->menu_model = g_menu_new ();

  for (guint i = 0; i < G_N_ELEMENTS (probabilities); i++)
    {
      /* Translators: a step's probability in the grid's context menu, “75 %” */
      g_autofree char *label = g_strdup_printf (_("%d %%"), probabilities[i]);

      add_cell_item (probability, label, "grid.set-probability", track_id, step,
                     probabilities[i]);
    }
  g_menu_append_section (self->menu_model, _("Probability"), G_MENU_MODEL (probability));

  if (g_strcmp0 (tandem_track_get_instrument (row->track), "synth") == 0)
    {
      g_autoptr(GMenu) note = g_menu_new ();

      if (cell->note < TANDEM_NOTE_MAX)
        add_cell_item (note, _("Note Up"), "grid.set-note", track_id, step, cell->note + 1);
      if (cell->note > TANDEM_NOTE_MIN)
        add_cell_item (note, _("Note Down"), "grid.set-note", track_id, step, cell->note - 1);
      if (cell->note != 0)
        add_cell_item (note, _("Reset Note"), "grid.set-note", track_id, step, 0);
      g_menu_append_section (self->menu_model, _("Note"), G_MENU_MODEL (note));
    }

  if (self->menu == NULL)
    {
      self->menu = gtk_popover_menu_new_from_model (G_MENU_MODEL (self->menu_model));
      gtk_widget_set_parent (self->menu, self->body);
      gtk_popover_set_position (GTK_POPOVER (self->menu), GTK_POS_BOTTOM);
    }
  else
    {
      gtk_popover_menu_set_menu_model (GTK_POPOVER_MENU (self->menu),
                                       G_MENU_MODEL (self->menu_model));
    }

  get_cell_rect (TANDEM_GRID_BODY (self->body), r, step, &rect);
  gtk_popover_set_pointing_to (GTK_POPOVER (self->menu),
                               &(GdkRectangle) { rect.origin.x, rect.origin.y,
                                                 rect.size.width, rect.size.height });
  if (gtk_widget_get_mapped (self->body))
    gtk_popover_popup (GTK_POPOVER (self->menu));

  return G_MENU_MODEL (self->menu_model);
}

/* ---- GObject ------------------------------------------------------------- */

static void
tandem_grid_view_dispose (GObject *object)
{
  TandemGridView *self = TANDEM_GRID_VIEW (object);

  if (self->history != NULL && (self->painting || self->velocity_dragging))
    tandem_history_end_group (self->history);
  self->painting = self->velocity_dragging = FALSE;

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
  g_clear_pointer (&self->drag_track, g_free);

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
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_install_action (widget_class, "grid.toggle-cell", "(si)", grid_toggle_cell);
  gtk_widget_class_install_action (widget_class, "grid.set-velocity", "(sii)",
                                   grid_set_cell_prop);
  gtk_widget_class_install_action (widget_class, "grid.set-probability", "(sii)",
                                   grid_set_cell_prop);
  gtk_widget_class_install_action (widget_class, "grid.set-note", "(sii)", grid_set_cell_prop);
  gtk_widget_class_install_action (widget_class, "track.add", NULL, track_add);
  gtk_widget_class_install_action (widget_class, "track.rename", "(ss)", track_rename);
  gtk_widget_class_install_action (widget_class, "track.set-instrument", "(ss)",
                                   track_set_instrument);
  gtk_widget_class_install_action (widget_class, "track.move", "(si)", track_move);
  gtk_widget_class_install_action (widget_class, "track.delete", "s", track_delete);

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
  self->rows = g_ptr_array_new_with_free_func ((GDestroyNotify) grid_row_free);
  self->row_by_track = g_hash_table_new (g_str_hash, g_str_equal);
  self->cursors = g_ptr_array_new_with_free_func ((GDestroyNotify) tandem_grid_cursor_free);

  gtk_box_layout_set_spacing (GTK_BOX_LAYOUT (gtk_widget_get_layout_manager (GTK_WIDGET (self))),
                              6);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Pattern grid"),
                                  -1);

  self->header_box = gtk_box_new (GTK_ORIENTATION_VERTICAL, ROW_GAP);
  gtk_widget_set_margin_top (self->header_box, RULER_HEIGHT);
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

  self->body = g_object_new (TANDEM_TYPE_GRID_BODY, NULL);
  TANDEM_GRID_BODY (self->body)->view = self;
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

  _tandem_grid_view_paint_end (self);
  _tandem_grid_view_velocity_end (self);
  g_set_object (&self->project, project);
  g_signal_group_set_target (self->project_signals, project);
  g_clear_object (&self->pattern);
  g_signal_group_set_target (self->pattern_signals, NULL);
  self->focus_row = self->focus_step = 0;
  update_pattern (self);
  update_timing (self);
  rebuild_rows (self);

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

  _tandem_grid_view_paint_end (self);
  _tandem_grid_view_velocity_end (self);
  g_set_object (&self->history, history);
  update_row_actions (self);
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
  sync_headers (self);
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
      GridRow *row = g_ptr_array_index (self->rows, i);
      GtkWidget *probes[2] = { row->box, row->cells->len > 0 ? g_ptr_array_index (row->cells, 0) : NULL };

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
