/* tandem-timeline-view.c — the song arrangement: pattern clips on bars
 *
 * Everything is drawn in one snapshot from the model: a bar ruler with the
 * loop region and the play-start marker, one lane per pattern, the clips and
 * the playhead. It redraws after any op that can change what it shows, local
 * or remote alike. The play-start marker is local view state, not an op:
 * Play turns it into the anchor of the start it shares.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-ui"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "tandem-timeline-view-private.h"
#include "tandem-widgets-private.h"

#define RULER_HEIGHT   28
#define LANE_HEIGHT    44
#define LANE_PAD       4
#define START_PAD      8
#define EDGE_GRAB      8
#define ZOOM_MIN       12.0
#define ZOOM_MAX       320.0
#define ZOOM_DEFAULT   64.0
#define EXTRA_BARS     8
#define MIN_BARS       16

typedef enum
{
  DRAG_NONE,
  DRAG_MOVE,
  DRAG_RESIZE,
  DRAG_LOOP_MOVE,
  DRAG_LOOP_RESIZE,
  DRAG_LOOP_CREATE,
} DragMode;

struct _TandemTimelineView
{
  GtkWidget      parent_instance;

  TandemProject *project;
  TandemHistory *history;
  GSignalGroup  *project_signals;

  double         playhead_bar;
  double         zoom;
  char          *selected_clip;
  guint          play_start_bar;

  DragMode       drag_mode;
  gboolean       drag_moved;    /* past the drag threshold: not a click */
  double         drag_x;
  double         drag_y;
  char          *drag_clip;
  int            drag_start;    /* the clip's or the loop's start at drag begin */
  int            drag_length;

  GtkWidget     *menu;
};

G_DEFINE_FINAL_TYPE (TandemTimelineView, tandem_timeline_view, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_PROJECT,
  PROP_HISTORY,
  PROP_PLAYHEAD_BAR,
  PROP_ZOOM,
  PROP_SELECTED_CLIP,
  PROP_PLAY_START_BAR,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* ---- geometry ------------------------------------------------------------ */

static double
bar_to_x (TandemTimelineView *self,
          double              bar)
{
  return START_PAD + bar * self->zoom;
}

static double
x_to_bar (TandemTimelineView *self,
          double              x)
{
  return (x - START_PAD) / self->zoom;
}

static int
pattern_lane (TandemTimelineView *self,
              const char         *pattern_id)
{
  GListModel *patterns = tandem_project_get_patterns (self->project);
  guint n = g_list_model_get_n_items (patterns);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(TandemPattern) pattern = g_list_model_get_item (patterns, i);

      if (g_strcmp0 (tandem_pattern_get_id (pattern), pattern_id) == 0)
        return i;
    }
  return -1;
}

static guint
content_bars (TandemTimelineView *self)
{
  GListModel *clips;
  guint end = MIN_BARS;

  if (self->project == NULL)
    return end;

  clips = tandem_project_get_clips (self->project);
  for (guint i = 0; i < g_list_model_get_n_items (clips); i++)
    {
      g_autoptr(TandemClip) clip = g_list_model_get_item (clips, i);

      end = MAX (end, tandem_clip_get_start (clip) + tandem_clip_get_length (clip) + EXTRA_BARS);
    }
  if (tandem_project_get_loop_enabled (self->project))
    end = MAX (end, tandem_project_get_loop_start (self->project) +
                    tandem_project_get_loop_length (self->project) + EXTRA_BARS);
  return MIN (end, TANDEM_MAX_BARS);
}

static gboolean
clip_rect (TandemTimelineView *self,
           TandemClip         *clip,
           graphene_rect_t    *rect)
{
  int lane = pattern_lane (self, tandem_clip_get_pattern (clip));
  double x0, x1;

  if (lane < 0)
    return FALSE;

  x0 = bar_to_x (self, tandem_clip_get_start (clip));
  x1 = bar_to_x (self, tandem_clip_get_start (clip) + tandem_clip_get_length (clip));
  graphene_rect_init (rect, x0 + 1, RULER_HEIGHT + lane * LANE_HEIGHT + LANE_PAD,
                      x1 - x0 - 2, LANE_HEIGHT - 2 * LANE_PAD);
  return TRUE;
}

/* The topmost (last drawn) clip at (@x, @y). */
static TandemClip *
clip_at (TandemTimelineView *self,
         double              x,
         double              y)
{
  GListModel *clips = tandem_project_get_clips (self->project);

  for (guint i = g_list_model_get_n_items (clips); i > 0; i--)
    {
      g_autoptr(TandemClip) clip = g_list_model_get_item (clips, i - 1);
      graphene_rect_t rect;

      if (clip_rect (self, clip, &rect) &&
          graphene_rect_contains_point (&rect, &GRAPHENE_POINT_INIT (x, y)))
        return clip;
    }
  return NULL;
}

static void
tandem_timeline_view_measure (GtkWidget      *widget,
                              GtkOrientation  orientation,
                              int             for_size,
                              int            *minimum,
                              int            *natural,
                              int            *minimum_baseline,
                              int            *natural_baseline)
{
  TandemTimelineView *self = TANDEM_TIMELINE_VIEW (widget);

  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      *minimum = *natural = (int) ceil (bar_to_x (self, content_bars (self)));
    }
  else
    {
      guint lanes = self->project != NULL
        ? g_list_model_get_n_items (tandem_project_get_patterns (self->project)) : 0;

      *minimum = *natural = RULER_HEIGHT + MAX (lanes, 1) * LANE_HEIGHT + LANE_PAD;
    }
}

/* ---- drawing ------------------------------------------------------------- */

static void
append_label (GtkWidget       *widget,
              GtkSnapshot     *snapshot,
              const char      *text,
              const graphene_rect_t *clip,
              float            x,
              float            y,
              gboolean         bold,
              const GdkRGBA   *color)
{
  g_autoptr(PangoLayout) layout = gtk_widget_create_pango_layout (widget, text);
  PangoAttrList *attrs = pango_attr_list_new ();

  pango_attr_list_insert (attrs, pango_attr_scale_new (0.85));
  if (bold)
    pango_attr_list_insert (attrs, pango_attr_weight_new (PANGO_WEIGHT_BOLD));
  pango_layout_set_attributes (layout, attrs);
  pango_attr_list_unref (attrs);
  if (clip != NULL)
    {
      pango_layout_set_width (layout, MAX (0, (int) (clip->size.width - 12)) * PANGO_SCALE);
      pango_layout_set_ellipsize (layout, PANGO_ELLIPSIZE_END);
    }

  gtk_snapshot_save (snapshot);
  gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (x, y));
  gtk_snapshot_append_layout (snapshot, layout, color);
  gtk_snapshot_restore (snapshot);
}

static void
snapshot_ruler_and_lanes (TandemTimelineView *self,
                          GtkSnapshot        *snapshot,
                          const GdkRGBA      *fg,
                          const GdkRGBA      *accent,
                          float               width,
                          float               height)
{
  GListModel *patterns = tandem_project_get_patterns (self->project);
  guint n_lanes = g_list_model_get_n_items (patterns);
  guint n_bars = (guint) ceil (x_to_bar (self, width));
  guint label_every = 1;
  GdkRGBA lane = *fg, line = *fg, strong = *fg, label = *fg;

  lane.alpha = 0.04f;
  line.alpha = 0.08f;
  strong.alpha = 0.18f;
  label.alpha = 0.65f;

  while (label_every * self->zoom < 36)
    label_every *= 2;

  for (guint i = 0; i < n_lanes; i += 2)
    gtk_snapshot_append_color (snapshot, &lane,
                               &GRAPHENE_RECT_INIT (0, RULER_HEIGHT + i * LANE_HEIGHT,
                                                    width, LANE_HEIGHT));

  if (tandem_project_get_loop_length (self->project) > 0)
    {
      gboolean enabled = tandem_project_get_loop_enabled (self->project);
      double x0 = bar_to_x (self, tandem_project_get_loop_start (self->project));
      double x1 = bar_to_x (self, tandem_project_get_loop_start (self->project) +
                                  tandem_project_get_loop_length (self->project));
      GdkRGBA region = enabled ? *accent : *fg;
      GdkRGBA band = region;

      region.alpha = enabled ? 0.45f : 0.15f;
      band.alpha = enabled ? 0.07f : 0.03f;
      _tandem_widgets_append_rounded (snapshot,
                                      &GRAPHENE_RECT_INIT (x0, 4, x1 - x0, RULER_HEIGHT - 8),
                                      6, &region);
      gtk_snapshot_append_color (snapshot, &band,
                                 &GRAPHENE_RECT_INIT (x0, RULER_HEIGHT, x1 - x0,
                                                      height - RULER_HEIGHT));
    }

  for (guint bar = 0; bar <= n_bars; bar++)
    {
      float x = bar_to_x (self, bar);

      gtk_snapshot_append_color (snapshot, bar % 4 == 0 ? &strong : &line,
                                 &GRAPHENE_RECT_INIT (x, bar % label_every == 0 ? 14 : 20,
                                                      1, height));
      if (bar % label_every == 0)
        {
          g_autofree char *number = g_strdup_printf ("%u", bar + 1);

          append_label (GTK_WIDGET (self), snapshot, number, NULL, x + 4, 2, bar % 4 == 0,
                        &label);
        }
    }
}

/* Where Play starts in song mode: a flag on the ruler and a faint line down
 * the lanes, under the clips. */
static void
snapshot_play_start (TandemTimelineView *self,
                     GtkSnapshot        *snapshot,
                     const GdkRGBA      *fg,
                     float               height)
{
  float x = bar_to_x (self, self->play_start_bar);
  GdkRGBA line = *fg;
  cairo_t *cr;

  line.alpha = 0.35f;
  gtk_snapshot_append_color (snapshot, &line,
                             &GRAPHENE_RECT_INIT (x, RULER_HEIGHT, 1, height - RULER_HEIGHT));

  cr = gtk_snapshot_append_cairo (snapshot,
                                  &GRAPHENE_RECT_INIT (x - 7, RULER_HEIGHT - 11, 15, 11));
  cairo_move_to (cr, x - 6, RULER_HEIGHT - 10);
  cairo_line_to (cr, x + 7, RULER_HEIGHT - 10);
  cairo_line_to (cr, x + 0.5, RULER_HEIGHT);
  cairo_close_path (cr);
  gdk_cairo_set_source_rgba (cr, fg);
  cairo_fill (cr);
  cairo_destroy (cr);
}

static void
snapshot_clips (TandemTimelineView *self,
                GtkSnapshot        *snapshot,
                const GdkRGBA      *fg,
                const GdkRGBA      *accent)
{
  GListModel *clips = tandem_project_get_clips (self->project);
  const GdkRGBA white = { 1, 1, 1, 1 };
  const GdkRGBA grip = { 1, 1, 1, 0.6f };

  for (guint i = 0; i < g_list_model_get_n_items (clips); i++)
    {
      g_autoptr(TandemClip) clip = g_list_model_get_item (clips, i);
      const char *pattern_id = tandem_clip_get_pattern (clip);
      TandemPattern *pattern = tandem_project_find_pattern (self->project, pattern_id);
      gboolean selected = g_strcmp0 (self->selected_clip, tandem_clip_get_id (clip)) == 0;
      graphene_rect_t rect;
      GdkRGBA color;

      if (pattern == NULL || !clip_rect (self, clip, &rect))
        continue;

      _tandem_widgets_palette (pattern_lane (self, pattern_id), &color);
      color.alpha = selected ? 1.0f : 0.85f;
      _tandem_widgets_append_rounded (snapshot, &rect, 6, &color);

      gtk_snapshot_push_clip (snapshot, &rect);
      append_label (GTK_WIDGET (self), snapshot, tandem_pattern_get_name (pattern), &rect,
                    rect.origin.x + 6, rect.origin.y + (rect.size.height - 16) / 2, TRUE,
                    &white);
      gtk_snapshot_pop (snapshot);

      if (rect.size.width > 2 * EDGE_GRAB)
        {
          float gx = rect.origin.x + rect.size.width - 6;
          float gy = rect.origin.y + rect.size.height / 2 - 6;

          gtk_snapshot_append_color (snapshot, &grip, &GRAPHENE_RECT_INIT (gx, gy, 1, 12));
          gtk_snapshot_append_color (snapshot, &grip, &GRAPHENE_RECT_INIT (gx - 3, gy, 1, 12));
        }

      if (selected)
        {
          GdkRGBA ring = *fg;

          graphene_rect_inset (&rect, -2, -2);
          ring.alpha = gtk_widget_has_visible_focus (GTK_WIDGET (self)) ? 1.0f : 0.7f;
          _tandem_widgets_append_outline (snapshot, &rect, 8, 2,
                                          gtk_widget_has_visible_focus (GTK_WIDGET (self))
                                            ? accent : &ring);
        }
    }
}

static void
tandem_timeline_view_snapshot (GtkWidget   *widget,
                               GtkSnapshot *snapshot)
{
  TandemTimelineView *self = TANDEM_TIMELINE_VIEW (widget);
  float width = gtk_widget_get_width (widget);
  float height = gtk_widget_get_height (widget);
  GdkRGBA fg, accent;

  if (self->project == NULL)
    return;

  _tandem_widgets_get_fg (widget, &fg);
  _tandem_widgets_lookup_color (widget, "accent_color", "#3584e4", &accent);

  snapshot_ruler_and_lanes (self, snapshot, &fg, &accent, width, height);
  snapshot_play_start (self, snapshot, &fg, height);
  snapshot_clips (self, snapshot, &fg, &accent);

  if (self->playhead_bar >= 0)
    {
      float x = bar_to_x (self, self->playhead_bar);
      gtk_snapshot_append_color (snapshot, &accent, &GRAPHENE_RECT_INIT (x - 1, 0, 2, height));
      _tandem_widgets_append_rounded (snapshot, &GRAPHENE_RECT_INIT (x - 5, 0, 10, 10), 5,
                                      &accent);
    }
}

/* ---- editing ------------------------------------------------------------- */

static TandemClip *
selected_clip (TandemTimelineView *self)
{
  if (self->project == NULL || self->selected_clip == NULL)
    return NULL;
  return tandem_project_find_clip (self->project, self->selected_clip);
}

static void
set_clip_prop (TandemTimelineView *self,
               TandemClip         *clip,
               const char         *prop,
               gint64              value)
{
  _tandem_widgets_apply (self->history,
                         tandem_op_new_set_int (TANDEM_ENTITY_CLIP, tandem_clip_get_id (clip),
                                                prop, value));
}

static void
move_clip_to (TandemTimelineView *self,
              TandemClip         *clip,
              int                 start)
{
  start = CLAMP (start, 0, TANDEM_MAX_BARS - (int) tandem_clip_get_length (clip));
  if ((guint) start != tandem_clip_get_start (clip))
    set_clip_prop (self, clip, "start", start);
}

static void
resize_clip_to (TandemTimelineView *self,
                TandemClip         *clip,
                int                 length)
{
  length = CLAMP (length, 1, TANDEM_MAX_BARS - (int) tandem_clip_get_start (clip));
  if ((guint) length != tandem_clip_get_length (clip))
    set_clip_prop (self, clip, "length", length);
}

static guint
pattern_bars (TandemTimelineView *self,
              TandemPattern      *pattern)
{
  guint per_bar = tandem_project_get_steps_per_beat (self->project) *
                  tandem_project_get_beats_per_bar (self->project);

  return MAX (1, (tandem_pattern_get_length (pattern) + per_bar - 1) / MAX (per_bar, 1));
}

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

static void
timeline_move_selected (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *parameter)
{
  TandemTimelineView *self = TANDEM_TIMELINE_VIEW (widget);
  TandemClip *clip = selected_clip (self);

  if (clip != NULL)
    move_clip_to (self, clip, (int) tandem_clip_get_start (clip) + g_variant_get_int32 (parameter));
}

static void
timeline_resize_selected (GtkWidget  *widget,
                          const char *action_name,
                          GVariant   *parameter)
{
  TandemTimelineView *self = TANDEM_TIMELINE_VIEW (widget);
  TandemClip *clip = selected_clip (self);

  if (clip != NULL)
    resize_clip_to (self, clip,
                    (int) tandem_clip_get_length (clip) + g_variant_get_int32 (parameter));
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

static gboolean
drag_on_ruler (TandemTimelineView *self)
{
  return self->drag_mode == DRAG_LOOP_MOVE || self->drag_mode == DRAG_LOOP_RESIZE
         || self->drag_mode == DRAG_LOOP_CREATE;
}

/* Ends the gesture; @completed is FALSE when it was cancelled or the widget
 * is going away, so a click on the ruler only counts when it completed. */
static void
drag_stop (TandemTimelineView *self,
           gboolean            completed)
{
  gboolean click = completed && drag_on_ruler (self) && !self->drag_moved;
  double bar = x_to_bar (self, self->drag_x);

  if (self->drag_mode == DRAG_NONE)
    return;

  self->drag_mode = DRAG_NONE;
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

  if (self->project == NULL || self->drag_mode != DRAG_NONE)
    return FALSE;

  self->drag_x = x;
  self->drag_y = y;
  self->drag_moved = FALSE;

  if (y < RULER_HEIGHT)
    {
      guint loop_start = tandem_project_get_loop_start (self->project);
      guint loop_length = tandem_project_get_loop_length (self->project);
      double loop_end_x = bar_to_x (self, loop_start + loop_length);
      double bar = x_to_bar (self, x);

      self->drag_start = loop_start;
      self->drag_length = loop_length;
      if (tandem_project_get_loop_enabled (self->project) && fabs (x - loop_end_x) <= EDGE_GRAB)
        self->drag_mode = DRAG_LOOP_RESIZE;
      else if (tandem_project_get_loop_enabled (self->project) &&
               bar >= loop_start && bar < loop_start + loop_length)
        self->drag_mode = DRAG_LOOP_MOVE;
      else
        {
          self->drag_mode = DRAG_LOOP_CREATE;
          self->drag_start = MAX (0, (int) floor (bar));
          self->drag_length = 1;
        }
    }
  else if ((clip = clip_at (self, x, y)) != NULL)
    {
      graphene_rect_t rect;

      clip_rect (self, clip, &rect);
      tandem_timeline_view_set_selected_clip (self, tandem_clip_get_id (clip));
      self->drag_clip = g_strdup (tandem_clip_get_id (clip));
      self->drag_start = tandem_clip_get_start (clip);
      self->drag_length = tandem_clip_get_length (clip);
      self->drag_mode = x >= rect.origin.x + rect.size.width - EDGE_GRAB ? DRAG_RESIZE
                                                                          : DRAG_MOVE;
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
    case DRAG_MOVE:
      if ((clip = tandem_project_find_clip (self->project, self->drag_clip)) != NULL)
        move_clip_to (self, clip, self->drag_start + delta);
      break;
    case DRAG_RESIZE:
      if ((clip = tandem_project_find_clip (self->project, self->drag_clip)) != NULL)
        resize_clip_to (self, clip, self->drag_length + delta);
      break;
    case DRAG_LOOP_MOVE:
      gtk_widget_activate_action (GTK_WIDGET (self), "timeline.set-loop", "(ii)",
                                  MAX (0, self->drag_start + delta), self->drag_length);
      break;
    case DRAG_LOOP_RESIZE:
      gtk_widget_activate_action (GTK_WIDGET (self), "timeline.set-loop", "(ii)",
                                  self->drag_start, MAX (1, self->drag_length + delta));
      break;
    case DRAG_LOOP_CREATE:
      {
        int anchor = self->drag_start;
        int other = (int) floor (x_to_bar (self, self->drag_x + dx));

        other = MAX (other, 0);
        gtk_widget_activate_action (GTK_WIDGET (self), "timeline.set-loop", "(ii)",
                                    MIN (anchor, other), ABS (other - anchor) + 1);
      }
      break;
    case DRAG_NONE:
    default:
      break;
    }
}

void
_tandem_timeline_view_drag_end (TandemTimelineView *self)
{
  g_return_if_fail (TANDEM_IS_TIMELINE_VIEW (self));

  drag_stop (self, TRUE);
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

  if (self->project == NULL || y < RULER_HEIGHT || x < START_PAD || clip_at (self, x, y) != NULL)
    return FALSE;

  /* A lane's own pattern; below the lanes, the current pattern. */
  patterns = tandem_project_get_patterns (self->project);
  lane = (int) ((y - RULER_HEIGHT) / LANE_HEIGHT);
  if ((guint) lane < g_list_model_get_n_items (patterns))
    pattern = g_list_model_get_item (patterns, lane);

  bar = (int) floor (x_to_bar (self, x));
  gtk_widget_activate_action (GTK_WIDGET (self), "timeline.add-clip", "(si)",
                              pattern != NULL ? tandem_pattern_get_id (pattern) : "", bar);
  return TRUE;
}

/* ---- input --------------------------------------------------------------- */

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

static void
popup_menu (TandemTimelineView *self)
{
  g_autoptr(GMenu) menu = g_menu_new ();
  g_autoptr(GMenuItem) item = NULL;
  TandemClip *clip = selected_clip (self);
  graphene_rect_t rect;

  if (clip == NULL || !clip_rect (self, clip, &rect))
    return;

  item = g_menu_item_new (_("_Play From Here"), NULL);
  g_menu_item_set_action_and_target_value (item, "timeline.set-play-start",
                                           g_variant_new_int32 ((gint32) tandem_clip_get_start (clip)));
  g_menu_append_item (menu, item);
  g_clear_object (&item);

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
  drag_stop (self, FALSE);
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

  if (self->project == NULL || (clip = clip_at (self, x, y)) == NULL)
    return;

  gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
  gtk_widget_grab_focus (GTK_WIDGET (self));
  tandem_timeline_view_set_selected_clip (self, tandem_clip_get_id (clip));
  popup_menu (self);
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
                          pattern_lane (self, tandem_clip_get_pattern (clip)),
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

  if (selected_clip (self) == NULL)
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
      popup_menu (self);
      return GDK_EVENT_STOP;
    case GDK_KEY_F10:
      if (!shift)
        return GDK_EVENT_PROPAGATE;
      popup_menu (self);
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

/* ---- following the model ------------------------------------------------- */

static void
on_op_applied (TandemTimelineView *self,
               TandemOp           *op,
               TandemProject      *project)
{
  /* Cell edits are the bulk of all ops and change nothing here. */
  if (tandem_op_get_kind (op) != TANDEM_OP_BATCH &&
      tandem_op_get_entity (op) == TANDEM_ENTITY_CELL)
    return;
  if (tandem_op_get_kind (op) != TANDEM_OP_BATCH &&
      tandem_op_get_entity (op) == TANDEM_ENTITY_TRACK)
    return;

  if (self->selected_clip != NULL &&
      tandem_project_find_clip (project, self->selected_clip) == NULL)
    tandem_timeline_view_set_selected_clip (self, NULL);
  gtk_widget_queue_resize (GTK_WIDGET (self));
}

static void
on_project_reset (TandemTimelineView *self,
                  TandemProject      *project)
{
  tandem_timeline_view_set_selected_clip (self, NULL);
  tandem_timeline_view_set_play_start_bar (self, 0);
  gtk_widget_queue_resize (GTK_WIDGET (self));
}

/* ---- GObject ------------------------------------------------------------- */

static void
tandem_timeline_view_size_allocate (GtkWidget *widget,
                                    int        width,
                                    int        height,
                                    int        baseline)
{
  TandemTimelineView *self = TANDEM_TIMELINE_VIEW (widget);

  if (self->menu != NULL)
    gtk_popover_present (GTK_POPOVER (self->menu));
}

static void
tandem_timeline_view_state_flags_changed (GtkWidget     *widget,
                                          GtkStateFlags  previous)
{
  GtkStateFlags changed = previous ^ gtk_widget_get_state_flags (widget);

  if (changed & (GTK_STATE_FLAG_FOCUSED | GTK_STATE_FLAG_FOCUS_VISIBLE))
    gtk_widget_queue_draw (widget);

  GTK_WIDGET_CLASS (tandem_timeline_view_parent_class)->state_flags_changed (widget, previous);
}

static void
tandem_timeline_view_dispose (GObject *object)
{
  TandemTimelineView *self = TANDEM_TIMELINE_VIEW (object);

  drag_stop (self, FALSE);
  if (self->project_signals != NULL)
    g_signal_group_set_target (self->project_signals, NULL);
  g_clear_pointer (&self->menu, gtk_widget_unparent);
  g_clear_object (&self->project_signals);
  g_clear_object (&self->project);
  g_clear_object (&self->history);

  G_OBJECT_CLASS (tandem_timeline_view_parent_class)->dispose (object);
}

static void
tandem_timeline_view_finalize (GObject *object)
{
  TandemTimelineView *self = TANDEM_TIMELINE_VIEW (object);

  g_clear_pointer (&self->selected_clip, g_free);
  g_clear_pointer (&self->drag_clip, g_free);

  G_OBJECT_CLASS (tandem_timeline_view_parent_class)->finalize (object);
}

static void
tandem_timeline_view_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  TandemTimelineView *self = TANDEM_TIMELINE_VIEW (object);

  switch (prop_id)
    {
    case PROP_PROJECT:
      g_value_set_object (value, self->project);
      break;
    case PROP_HISTORY:
      g_value_set_object (value, self->history);
      break;
    case PROP_PLAYHEAD_BAR:
      g_value_set_double (value, self->playhead_bar);
      break;
    case PROP_ZOOM:
      g_value_set_double (value, self->zoom);
      break;
    case PROP_SELECTED_CLIP:
      g_value_set_string (value, self->selected_clip);
      break;
    case PROP_PLAY_START_BAR:
      g_value_set_uint (value, self->play_start_bar);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tandem_timeline_view_set_property (GObject      *object,
                                   guint         prop_id,
                                   const GValue *value,
                                   GParamSpec   *pspec)
{
  TandemTimelineView *self = TANDEM_TIMELINE_VIEW (object);

  switch (prop_id)
    {
    case PROP_PROJECT:
      tandem_timeline_view_set_project (self, g_value_get_object (value));
      break;
    case PROP_HISTORY:
      tandem_timeline_view_set_history (self, g_value_get_object (value));
      break;
    case PROP_PLAYHEAD_BAR:
      tandem_timeline_view_set_playhead_bar (self, g_value_get_double (value));
      break;
    case PROP_ZOOM:
      tandem_timeline_view_set_zoom (self, g_value_get_double (value));
      break;
    case PROP_SELECTED_CLIP:
      tandem_timeline_view_set_selected_clip (self, g_value_get_string (value));
      break;
    case PROP_PLAY_START_BAR:
      tandem_timeline_view_set_play_start_bar (self, g_value_get_uint (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tandem_timeline_view_class_init (TandemTimelineViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = tandem_timeline_view_dispose;
  object_class->finalize = tandem_timeline_view_finalize;
  object_class->get_property = tandem_timeline_view_get_property;
  object_class->set_property = tandem_timeline_view_set_property;
  widget_class->measure = tandem_timeline_view_measure;
  widget_class->size_allocate = tandem_timeline_view_size_allocate;
  widget_class->snapshot = tandem_timeline_view_snapshot;
  widget_class->state_flags_changed = tandem_timeline_view_state_flags_changed;

  properties[PROP_PROJECT] =
    g_param_spec_object ("project", NULL, NULL, TANDEM_TYPE_PROJECT,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_HISTORY] =
    g_param_spec_object ("history", NULL, NULL, TANDEM_TYPE_HISTORY,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_PLAYHEAD_BAR] =
    g_param_spec_double ("playhead-bar", NULL, NULL, -1, TANDEM_MAX_BARS, -1,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_ZOOM] =
    g_param_spec_double ("zoom", NULL, NULL, ZOOM_MIN, ZOOM_MAX, ZOOM_DEFAULT,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_SELECTED_CLIP] =
    g_param_spec_string ("selected-clip", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_PLAY_START_BAR] =
    g_param_spec_uint ("play-start-bar", NULL, NULL, 0, TANDEM_MAX_BARS - 1, 0,
                       G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_install_action (widget_class, "timeline.add-clip", "(si)", timeline_add_clip);
  gtk_widget_class_install_action (widget_class, "timeline.move-selected", "i",
                                   timeline_move_selected);
  gtk_widget_class_install_action (widget_class, "timeline.resize-selected", "i",
                                   timeline_resize_selected);
  gtk_widget_class_install_action (widget_class, "timeline.delete-selected", NULL,
                                   timeline_delete_clip);
  gtk_widget_class_install_action (widget_class, "timeline.delete-clip", "s",
                                   timeline_delete_clip);
  gtk_widget_class_install_action (widget_class, "timeline.set-loop", "(ii)", timeline_set_loop);
  gtk_widget_class_install_action (widget_class, "timeline.set-play-start", "i",
                                   timeline_set_play_start);

  gtk_widget_class_set_css_name (widget_class, "timelineview");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
tandem_timeline_view_init (TandemTimelineView *self)
{
  GtkGesture *drag = gtk_gesture_drag_new ();
  GtkGesture *click = gtk_gesture_click_new ();
  GtkGesture *secondary = gtk_gesture_click_new ();
  GtkEventController *scroll =
    gtk_event_controller_scroll_new (GTK_EVENT_CONTROLLER_SCROLL_VERTICAL);
  GtkEventController *key = gtk_event_controller_key_new ();

  self->playhead_bar = -1;
  self->zoom = ZOOM_DEFAULT;
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "timeline.delete-selected", FALSE);

  gtk_widget_set_focusable (GTK_WIDGET (self), TRUE);
  gtk_widget_set_focus_on_click (GTK_WIDGET (self), TRUE);
  gtk_widget_set_overflow (GTK_WIDGET (self), GTK_OVERFLOW_HIDDEN);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Song timeline"),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                  _("Double-click to add a clip; click the ruler to choose where "
                                    "Play starts in song mode. Up and Down select a clip, Left "
                                    "and Right move it, Shift and arrow keys resize it, Delete "
                                    "removes it"),
                                  -1);

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

  self->project_signals = g_signal_group_new (TANDEM_TYPE_PROJECT);
  g_signal_group_connect_object (self->project_signals, "op-applied",
                                 G_CALLBACK (on_op_applied), self, G_CONNECT_SWAPPED);
  g_signal_group_connect_object (self->project_signals, "reset",
                                 G_CALLBACK (on_project_reset), self, G_CONNECT_SWAPPED);
}

GtkWidget *
tandem_timeline_view_new (void)
{
  return g_object_new (TANDEM_TYPE_TIMELINE_VIEW, NULL);
}

TandemProject *
tandem_timeline_view_get_project (TandemTimelineView *self)
{
  g_return_val_if_fail (TANDEM_IS_TIMELINE_VIEW (self), NULL);

  return self->project;
}

void
tandem_timeline_view_set_project (TandemTimelineView *self,
                                  TandemProject      *project)
{
  g_return_if_fail (TANDEM_IS_TIMELINE_VIEW (self));
  g_return_if_fail (project == NULL || TANDEM_IS_PROJECT (project));

  if (self->project == project)
    return;

  drag_stop (self, FALSE);
  g_set_object (&self->project, project);
  g_signal_group_set_target (self->project_signals, project);
  tandem_timeline_view_set_selected_clip (self, NULL);
  tandem_timeline_view_set_play_start_bar (self, 0);
  gtk_widget_queue_resize (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROJECT]);
}

TandemHistory *
tandem_timeline_view_get_history (TandemTimelineView *self)
{
  g_return_val_if_fail (TANDEM_IS_TIMELINE_VIEW (self), NULL);

  return self->history;
}

void
tandem_timeline_view_set_history (TandemTimelineView *self,
                                  TandemHistory      *history)
{
  g_return_if_fail (TANDEM_IS_TIMELINE_VIEW (self));
  g_return_if_fail (history == NULL || TANDEM_IS_HISTORY (history));

  if (self->history == history)
    return;

  drag_stop (self, FALSE);
  g_set_object (&self->history, history);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HISTORY]);
}

double
tandem_timeline_view_get_playhead_bar (TandemTimelineView *self)
{
  g_return_val_if_fail (TANDEM_IS_TIMELINE_VIEW (self), -1);

  return self->playhead_bar;
}

/**
 * tandem_timeline_view_set_playhead_bar:
 * @bar: the position being played in bars (fractional), or -1 when stopped
 */
void
tandem_timeline_view_set_playhead_bar (TandemTimelineView *self,
                                       double              bar)
{
  g_return_if_fail (TANDEM_IS_TIMELINE_VIEW (self));

  bar = bar < 0 ? -1 : MIN (bar, TANDEM_MAX_BARS);
  if (self->playhead_bar == bar)
    return;

  self->playhead_bar = bar;
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PLAYHEAD_BAR]);
}

double
tandem_timeline_view_get_zoom (TandemTimelineView *self)
{
  g_return_val_if_fail (TANDEM_IS_TIMELINE_VIEW (self), ZOOM_DEFAULT);

  return self->zoom;
}

/**
 * tandem_timeline_view_set_zoom:
 * @pixels_per_bar: the width of one bar, clamped to 12..320
 */
void
tandem_timeline_view_set_zoom (TandemTimelineView *self,
                               double              pixels_per_bar)
{
  g_return_if_fail (TANDEM_IS_TIMELINE_VIEW (self));

  pixels_per_bar = CLAMP (pixels_per_bar, ZOOM_MIN, ZOOM_MAX);
  if (self->zoom == pixels_per_bar)
    return;

  self->zoom = pixels_per_bar;
  gtk_widget_queue_resize (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ZOOM]);
}

const char *
tandem_timeline_view_get_selected_clip (TandemTimelineView *self)
{
  g_return_val_if_fail (TANDEM_IS_TIMELINE_VIEW (self), NULL);

  return self->selected_clip;
}

void
tandem_timeline_view_set_selected_clip (TandemTimelineView *self,
                                        const char         *clip_id)
{
  g_return_if_fail (TANDEM_IS_TIMELINE_VIEW (self));

  if (g_strcmp0 (self->selected_clip, clip_id) == 0)
    return;

  g_free (self->selected_clip);
  self->selected_clip = g_strdup (clip_id);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "timeline.delete-selected", clip_id != NULL);
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SELECTED_CLIP]);
}

gboolean
tandem_timeline_view_get_clip_rect (TandemTimelineView *self,
                                    const char         *clip_id,
                                    graphene_rect_t    *rect)
{
  TandemClip *clip;

  g_return_val_if_fail (TANDEM_IS_TIMELINE_VIEW (self), FALSE);
  g_return_val_if_fail (rect != NULL, FALSE);

  if (self->project == NULL || (clip = tandem_project_find_clip (self->project, clip_id)) == NULL)
    return FALSE;
  return clip_rect (self, clip, rect);
}

guint
tandem_timeline_view_get_play_start_bar (TandemTimelineView *self)
{
  g_return_val_if_fail (TANDEM_IS_TIMELINE_VIEW (self), 0);

  return self->play_start_bar;
}

/**
 * tandem_timeline_view_set_play_start_bar:
 * @bar: the bar (0-based) where Play starts in song mode
 *
 * Local to this view: Play shares it as the anchor step of its start.
 */
void
tandem_timeline_view_set_play_start_bar (TandemTimelineView *self,
                                         guint               bar)
{
  g_return_if_fail (TANDEM_IS_TIMELINE_VIEW (self));

  bar = MIN (bar, TANDEM_MAX_BARS - 1);
  if (self->play_start_bar == bar)
    return;

  self->play_start_bar = bar;
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PLAY_START_BAR]);
}
