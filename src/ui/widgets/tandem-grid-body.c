/* tandem-grid-body.c — the grid's scrolling body: where the cells are, and
 * what is drawn around them
 *
 * The body lays out one TandemGridCell per step and track, leaving wider gaps
 * between beats and bars. Around the cells it draws the beat and bar grouping
 * with the bar numbers, the playhead, and other people's cursors. It keeps a
 * roving keyboard focus: Tab enters the grid at the last focused cell.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-ui"

#include "config.h"

#include "tandem-grid-view-private.h"
#include "tandem-widgets-private.h"

#define RULER_HEIGHT  TANDEM_GRID_RULER_HEIGHT
#define CELL_HEIGHT   TANDEM_GRID_CELL_HEIGHT
#define ROW_GAP       TANDEM_GRID_ROW_GAP
#define CELL_MIN      20
#define CELL_NATURAL  34
#define CELL_MAX      56
#define STEP_GAP      3
#define BEAT_GAP      8
#define BAR_GAP       14

G_DEFINE_FINAL_TYPE (TandemGridBody, tandem_grid_body, GTK_TYPE_WIDGET)

/* ---- layout -------------------------------------------------------------- */

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
      TandemGridRow *row = g_ptr_array_index (view->rows, r);

      for (guint i = 0; i < row->cells->len; i++)
        gtk_widget_size_allocate (g_ptr_array_index (row->cells, i),
                                  &(GtkAllocation) { (int) self->xs[i], (int) row_y (r),
                                                     (int) self->cell_width, CELL_HEIGHT },
                                  -1);
    }

  if (view->menu != NULL)
    gtk_popover_present (GTK_POPOVER (view->menu));
}

void
_tandem_grid_body_get_cell_rect (TandemGridBody  *self,
                                 guint            row,
                                 guint            step,
                                 graphene_rect_t *rect)
{
  graphene_rect_init (rect, (int) self->xs[step], row_y (row), (int) self->cell_width,
                      CELL_HEIGHT);
}

gboolean
_tandem_grid_body_cell_at (TandemGridBody *self,
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

/* ---- drawing: grouping, playhead, cursors -------------------------------- */

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
          g_autoptr(PangoLayout) layout =
            _tandem_grid_create_tag_layout (GTK_WIDGET (self), number, 0.8);

          _tandem_grid_append_layout (snapshot, layout, x0 + 2, 2, &label);
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

static void
snapshot_playhead (TandemGridBody *self,
                   GtkSnapshot    *snapshot,
                   float           height)
{
  TandemGridView *view = self->view;
  float x = self->xs[view->playhead_step];
  GdkRGBA accent;

  _tandem_widgets_lookup_color (GTK_WIDGET (self), "accent_color", "#3584e4", &accent);
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
      PangoRectangle ink, logical;
      guint r;

      if (cursor->step < 0 || (guint) cursor->step >= view->n_steps ||
          _tandem_grid_view_find_row (view, cursor->track_id, &r) == NULL)
        continue;

      _tandem_grid_body_get_cell_rect (self, r, cursor->step, &rect);
      graphene_rect_inset (&rect, -2, -2);
      _tandem_widgets_append_outline (snapshot, &rect, 8, 2, &cursor->color);

      layout = _tandem_grid_create_tag_layout (GTK_WIDGET (self), cursor->name, 0.7);
      pango_layout_get_pixel_extents (layout, &ink, &logical);

      _tandem_widgets_append_rounded (snapshot,
                                      &GRAPHENE_RECT_INIT (rect.origin.x,
                                                           rect.origin.y - logical.height + 2,
                                                           logical.width + 8,
                                                           logical.height),
                                      4, &cursor->color);
      _tandem_grid_append_layout (snapshot, layout,
                                  rect.origin.x + 4, rect.origin.y - logical.height + 2, &white);
    }
}

/* A generated rhythm, before it is applied: outlines where its notes would go. */
static void
snapshot_ghost (TandemGridBody *self,
                GtkSnapshot    *snapshot)
{
  TandemGridView *view = self->view;
  GdkRGBA color;
  guint r;

  if (view->ghost_track == NULL || _tandem_grid_view_find_row (view, view->ghost_track, &r) == NULL)
    return;
  _tandem_widgets_lookup_color (GTK_WIDGET (self), "accent_color", "#3584e4", &color);
  color.alpha = 0.8;
  for (guint s = 0; s < view->n_steps; s++)
    if (view->ghost[s])
      {
        graphene_rect_t rect;

        _tandem_grid_body_get_cell_rect (self, r, s, &rect);
        graphene_rect_inset (&rect, 4, 4);
        _tandem_widgets_append_outline (snapshot, &rect, 6, 2, &color);
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
    snapshot_playhead (self, snapshot, height);

  snapshot_ghost (self, snapshot);
  snapshot_cursors (self, snapshot);
}

/* ---- roving focus -------------------------------------------------------- */

gboolean
_tandem_grid_view_focus_cell (TandemGridView *self,
                              guint           row,
                              guint           step)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkWidget *focus = root != NULL ? gtk_root_get_focus (root) : NULL;
  TandemGridRow *r;

  /* Taking the focus from a field makes it commit what was typed (a spin
   * button updates on focus-out), and that can change the grid: a shorter
   * pattern removes cells, maybe the one we are about to focus. So the
   * field lets go first, with the focus nowhere, and only then is the cell
   * looked up, by its place, in the grid as it is now. */
  if (focus != NULL && !gtk_widget_is_ancestor (focus, self->body))
    gtk_root_set_focus (root, NULL);

  if (self->rows->len == 0)
    return FALSE;
  r = _tandem_grid_view_row_at (self, MIN (row, self->rows->len - 1));
  if (r->cells->len == 0)
    return FALSE;

  self->focus_row = MIN (row, self->rows->len - 1);
  self->focus_step = MIN (step, r->cells->len - 1);
  gtk_widget_grab_focus (g_ptr_array_index (r->cells, self->focus_step));
  return self->focus_row == row && self->focus_step == step;
}

/* Tab enters the grid at the focus cell and leaves it at once; arrows move
 * between cells (tandem-grid-input.c). */
static gboolean
tandem_grid_body_focus (GtkWidget        *widget,
                        GtkDirectionType  direction)
{
  TandemGridBody *self = TANDEM_GRID_BODY (widget);
  TandemGridView *view = self->view;
  TandemGridRow *row;

  if (gtk_widget_get_focus_child (widget) != NULL)
    return FALSE;

  row = _tandem_grid_view_row_at (view, MIN (view->focus_row, view->rows->len - 1));
  if (row == NULL || row->cells->len == 0)
    return FALSE;

  _tandem_grid_view_focus_cell (view, MIN (view->focus_row, view->rows->len - 1),
                                MIN (view->focus_step, row->cells->len - 1));
  return TRUE;
}

static gboolean
tandem_grid_body_grab_focus (GtkWidget *widget)
{
  return tandem_grid_body_focus (widget, GTK_DIR_TAB_FORWARD);
}

/* The focus can reach a cell without the keyboard (a click, a screen reader,
 * the window): the arrows go on from there. */
static void
tandem_grid_body_set_focus_child (GtkWidget *widget,
                                  GtkWidget *child)
{
  TandemGridView *view = TANDEM_GRID_BODY (widget)->view;
  guint row;

  GTK_WIDGET_CLASS (tandem_grid_body_parent_class)->set_focus_child (widget, child);

  if (TANDEM_IS_GRID_CELL (child) &&
      _tandem_grid_view_find_row (view, tandem_grid_cell_get_track_id (TANDEM_GRID_CELL (child)),
                                  &row) != NULL)
    {
      view->focus_row = row;
      view->focus_step = tandem_grid_cell_get_step (TANDEM_GRID_CELL (child));
    }
}

/* ---- GObject ------------------------------------------------------------- */

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
  widget_class->set_focus_child = tandem_grid_body_set_focus_child;

  gtk_widget_class_set_css_name (widget_class, "gridbody");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GRID);
}

static void
tandem_grid_body_init (TandemGridBody *self)
{
  gtk_widget_set_focusable (GTK_WIDGET (self), TRUE);
  gtk_widget_set_overflow (GTK_WIDGET (self), GTK_OVERFLOW_VISIBLE);
  _tandem_grid_body_add_controllers (self);
}

GtkWidget *
_tandem_grid_body_new (TandemGridView *view)
{
  TandemGridBody *self = g_object_new (TANDEM_TYPE_GRID_BODY, NULL);

  self->view = view;
  return GTK_WIDGET (self);
}
