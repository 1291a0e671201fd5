/* tandem-timeline-draw.c — where things are on the timeline, and drawing them
 *
 * Everything is drawn in one snapshot from the model: a bar ruler with the
 * loop region and the play-start marker, one lane per pattern, the clips and
 * the playhead. The same geometry answers the hit tests of the gestures.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-ui"

#include "config.h"

#include <math.h>

#include "tandem-timeline-view-private.h"
#include "tandem-widgets-private.h"

#define LANE_PAD       4
#define EXTRA_BARS     8
#define MIN_BARS       16

/* ---- geometry ------------------------------------------------------------ */

double
_tandem_timeline_view_bar_to_x (TandemTimelineView *self,
                                double              bar)
{
  return TANDEM_TIMELINE_START_PAD + bar * self->zoom;
}

double
_tandem_timeline_view_x_to_bar (TandemTimelineView *self,
                                double              x)
{
  return (x - TANDEM_TIMELINE_START_PAD) / self->zoom;
}

int
_tandem_timeline_view_pattern_lane (TandemTimelineView *self,
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

gboolean
_tandem_timeline_view_clip_rect (TandemTimelineView *self,
                                 TandemClip         *clip,
                                 graphene_rect_t    *rect)
{
  int lane = _tandem_timeline_view_pattern_lane (self, tandem_clip_get_pattern (clip));
  double x0, x1;

  if (lane < 0)
    return FALSE;

  x0 = _tandem_timeline_view_bar_to_x (self, tandem_clip_get_start (clip));
  x1 = _tandem_timeline_view_bar_to_x (self, tandem_clip_get_start (clip) +
                                             tandem_clip_get_length (clip));
  graphene_rect_init (rect, x0 + 1,
                      TANDEM_TIMELINE_RULER_HEIGHT + lane * TANDEM_TIMELINE_LANE_HEIGHT + LANE_PAD,
                      x1 - x0 - 2, TANDEM_TIMELINE_LANE_HEIGHT - 2 * LANE_PAD);
  return TRUE;
}

TandemClip *
_tandem_timeline_view_clip_at (TandemTimelineView *self,
                               double              x,
                               double              y)
{
  GListModel *clips = tandem_project_get_clips (self->project);

  for (guint i = g_list_model_get_n_items (clips); i > 0; i--)
    {
      g_autoptr(TandemClip) clip = g_list_model_get_item (clips, i - 1);
      graphene_rect_t rect;

      if (_tandem_timeline_view_clip_rect (self, clip, &rect) &&
          graphene_rect_contains_point (&rect, &GRAPHENE_POINT_INIT (x, y)))
        return clip;
    }
  return NULL;
}

void
_tandem_timeline_view_measure (GtkWidget      *widget,
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
      double end = _tandem_timeline_view_bar_to_x (self, content_bars (self));

      *minimum = *natural = (int) ceil (end);
    }
  else
    {
      guint lanes = self->project != NULL
        ? g_list_model_get_n_items (tandem_project_get_patterns (self->project)) : 0;

      *minimum = *natural = TANDEM_TIMELINE_RULER_HEIGHT +
                            MAX (lanes, 1) * TANDEM_TIMELINE_LANE_HEIGHT + LANE_PAD;
    }
}

/* ---- drawing ------------------------------------------------------------- */

/* Small text at (@x, @y); with @clip, ellipsized to fit the clip's width. */
static void
append_label (GtkWidget       *widget,
              GtkSnapshot     *snapshot,
              float            x,
              float            y,
              const char      *text,
              const graphene_rect_t *clip,
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
  guint n_bars = (guint) ceil (_tandem_timeline_view_x_to_bar (self, width));
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
                               &GRAPHENE_RECT_INIT (0, TANDEM_TIMELINE_RULER_HEIGHT +
                                                       i * TANDEM_TIMELINE_LANE_HEIGHT,
                                                    width, TANDEM_TIMELINE_LANE_HEIGHT));

  if (tandem_project_get_loop_length (self->project) > 0)
    {
      gboolean enabled = tandem_project_get_loop_enabled (self->project);
      guint loop_start = tandem_project_get_loop_start (self->project);
      double x0 = _tandem_timeline_view_bar_to_x (self, loop_start);
      double x1 = _tandem_timeline_view_bar_to_x (self, loop_start +
                                                  tandem_project_get_loop_length (self->project));
      GdkRGBA region = enabled ? *accent : *fg;
      GdkRGBA band = region;

      region.alpha = enabled ? 0.45f : 0.15f;
      band.alpha = enabled ? 0.07f : 0.03f;
      _tandem_widgets_append_rounded (snapshot,
                                      &GRAPHENE_RECT_INIT (x0, 4, x1 - x0,
                                                           TANDEM_TIMELINE_RULER_HEIGHT - 8),
                                      6, &region);
      gtk_snapshot_append_color (snapshot, &band,
                                 &GRAPHENE_RECT_INIT (x0, TANDEM_TIMELINE_RULER_HEIGHT, x1 - x0,
                                                      height - TANDEM_TIMELINE_RULER_HEIGHT));
    }

  for (guint bar = 0; bar <= n_bars; bar++)
    {
      float x = _tandem_timeline_view_bar_to_x (self, bar);
      guint beats = MAX (tandem_project_get_beats_per_bar (self->project), 1);

      /* The bar's beats, as the project counts them, when there is room. */
      if (self->zoom / beats >= 6 && bar < n_bars)
        for (guint b = 1; b < beats; b++)
          gtk_snapshot_append_color (snapshot, &line,
                                     &GRAPHENE_RECT_INIT (x + b * self->zoom / beats,
                                                          TANDEM_TIMELINE_RULER_HEIGHT - 5, 1, 5));

      gtk_snapshot_append_color (snapshot, bar % 4 == 0 ? &strong : &line,
                                 &GRAPHENE_RECT_INIT (x, bar % label_every == 0 ? 14 : 20,
                                                      1, height));
      if (bar % label_every == 0)
        {
          g_autofree char *number = g_strdup_printf ("%u", bar + 1);

          append_label (GTK_WIDGET (self), snapshot, x + 4, 2, number, NULL, bar % 4 == 0,
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
  float x = _tandem_timeline_view_bar_to_x (self, self->play_start_bar);
  GdkRGBA line = *fg;
  cairo_t *cr;

  line.alpha = 0.35f;
  gtk_snapshot_append_color (snapshot, &line,
                             &GRAPHENE_RECT_INIT (x, TANDEM_TIMELINE_RULER_HEIGHT,
                                                  1, height - TANDEM_TIMELINE_RULER_HEIGHT));

  cr = gtk_snapshot_append_cairo (snapshot,
                                  &GRAPHENE_RECT_INIT (x - 7, TANDEM_TIMELINE_RULER_HEIGHT - 11,
                                                       15, 11));
  cairo_move_to (cr, x - 6, TANDEM_TIMELINE_RULER_HEIGHT - 10);
  cairo_line_to (cr, x + 7, TANDEM_TIMELINE_RULER_HEIGHT - 10);
  cairo_line_to (cr, x + 0.5, TANDEM_TIMELINE_RULER_HEIGHT);
  cairo_close_path (cr);
  gdk_cairo_set_source_rgba (cr, fg);
  cairo_fill (cr);
  cairo_destroy (cr);
}

/* Where the pattern starts again inside a clip: its steps need not fill
 * whole bars (16 steps in bars of 3 beats come round every 1⅓ bars). */
static void
snapshot_repeats (TandemTimelineView    *self,
                  GtkSnapshot           *snapshot,
                  TandemClip            *clip,
                  TandemPattern         *pattern,
                  const graphene_rect_t *rect)
{
  const GdkRGBA mark = { 1, 1, 1, 0.35f };
  double per_bar = (double) tandem_project_get_steps_per_beat (self->project)
                   * tandem_project_get_beats_per_bar (self->project);
  double every = tandem_pattern_get_length (pattern) / MAX (per_bar, 1.0);
  guint length = tandem_clip_get_length (clip);

  if (every * self->zoom < 4)
    return;
  for (double at = every; at < length - 1e-9; at += every)
    gtk_snapshot_append_color (snapshot, &mark,
                               &GRAPHENE_RECT_INIT (rect->origin.x + at * self->zoom - 1,
                                                    rect->origin.y + 4, 1,
                                                    rect->size.height - 8));
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

      if (pattern == NULL || !_tandem_timeline_view_clip_rect (self, clip, &rect))
        continue;

      _tandem_widgets_palette (_tandem_timeline_view_pattern_lane (self, pattern_id), &color);
      color.alpha = selected ? 1.0f : 0.85f;
      _tandem_widgets_append_rounded (snapshot, &rect, 6, &color);

      gtk_snapshot_push_clip (snapshot, &rect);
      snapshot_repeats (self, snapshot, clip, pattern, &rect);
      append_label (GTK_WIDGET (self), snapshot,
                    rect.origin.x + 6, rect.origin.y + (rect.size.height - 16) / 2,
                    tandem_pattern_get_name (pattern), &rect, TRUE, &white);
      gtk_snapshot_pop (snapshot);

      if (rect.size.width > 2 * TANDEM_TIMELINE_EDGE_GRAB)
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

void
_tandem_timeline_view_snapshot (GtkWidget   *widget,
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
      float x = _tandem_timeline_view_bar_to_x (self, self->playhead_bar);
      gtk_snapshot_append_color (snapshot, &accent, &GRAPHENE_RECT_INIT (x - 1, 0, 2, height));
      _tandem_widgets_append_rounded (snapshot, &GRAPHENE_RECT_INIT (x - 5, 0, 10, 10), 5,
                                      &accent);
    }
}
