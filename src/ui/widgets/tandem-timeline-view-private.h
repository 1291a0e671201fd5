/* tandem-timeline-view-private.h — the state shared by the files that make up the timeline
 *
 * TandemTimelineView is split by concern:
 *   tandem-timeline-view.c      the widget: properties, public API, following the project
 *   tandem-timeline-draw.c      geometry, hit tests and drawing: ruler, loop, lanes, clips
 *   tandem-timeline-input.c     what the pointer and the keyboard do: drags, clicks, zoom, keys
 *   tandem-timeline-edit.c      clip edits: timeline.* actions and the clip's context menu
 * Tests reach the gesture steps through the functions at the end.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "tandem-timeline-view.h"

G_BEGIN_DECLS

/* The geometry shared by drawing and hit tests: a ruler on top, then one
 * lane per pattern; bar 0 starts a little way in from the left. */
#define TANDEM_TIMELINE_RULER_HEIGHT  28
#define TANDEM_TIMELINE_LANE_HEIGHT   44
#define TANDEM_TIMELINE_START_PAD     8
/* How near a clip's right edge (or the loop's end) the pointer resizes it. */
#define TANDEM_TIMELINE_EDGE_GRAB     8

typedef enum
{
  TANDEM_TIMELINE_DRAG_NONE,
  TANDEM_TIMELINE_DRAG_MOVE,
  TANDEM_TIMELINE_DRAG_RESIZE,
  TANDEM_TIMELINE_DRAG_LOOP_MOVE,
  TANDEM_TIMELINE_DRAG_LOOP_RESIZE,
  TANDEM_TIMELINE_DRAG_LOOP_CREATE,
} TandemTimelineDrag;

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

  TandemTimelineDrag drag_mode;
  gboolean       drag_moved;    /* past the drag threshold: not a click */
  double         drag_x;
  double         drag_y;
  char          *drag_clip;
  int            drag_start;    /* the clip's or the loop's start at drag begin */
  int            drag_length;

  GtkWidget     *menu;
  GtkGesture    *drag;         /* owned by the widget */
};

/* tandem-timeline-draw.c */
double          _tandem_timeline_view_bar_to_x     (TandemTimelineView *self,
                                                    double              bar);
double          _tandem_timeline_view_x_to_bar     (TandemTimelineView *self,
                                                    double              x);
/* The lane of a pattern (its index in the project), or -1. */
int             _tandem_timeline_view_pattern_lane (TandemTimelineView *self,
                                                    const char         *pattern_id);
gboolean        _tandem_timeline_view_clip_rect    (TandemTimelineView *self,
                                                    TandemClip         *clip,
                                                    graphene_rect_t    *rect);
/* The topmost (last drawn) clip at (@x, @y), or NULL; borrowed from the project. */
TandemClip     *_tandem_timeline_view_clip_at      (TandemTimelineView *self,
                                                    double              x,
                                                    double              y);
void            _tandem_timeline_view_measure      (GtkWidget          *widget,
                                                    GtkOrientation      orientation,
                                                    int                 for_size,
                                                    int                *minimum,
                                                    int                *natural,
                                                    int                *minimum_baseline,
                                                    int                *natural_baseline);
void            _tandem_timeline_view_snapshot     (GtkWidget          *widget,
                                                    GtkSnapshot        *snapshot);

/* tandem-timeline-input.c */
void            _tandem_timeline_view_add_controllers (TandemTimelineView *self);
/* Ends a drag under way; @completed is FALSE when it was cancelled or the
 * widget is going away, so a click on the ruler only counts when it completed. */
void            _tandem_timeline_view_drag_stop    (TandemTimelineView *self,
                                                    gboolean            completed);

/* tandem-timeline-edit.c */
void            _tandem_timeline_view_class_edit_init (GtkWidgetClass *widget_class);
/* The selected clip, or NULL; borrowed from the project. */
TandemClip     *_tandem_timeline_view_find_selected_clip (TandemTimelineView *self);
/* Each clamps to the song and applies one op when the value changes. */
void            _tandem_timeline_view_move_clip    (TandemTimelineView *self,
                                                    TandemClip         *clip,
                                                    int                 start);
void            _tandem_timeline_view_resize_clip  (TandemTimelineView *self,
                                                    TandemClip         *clip,
                                                    int                 length);
/* Opens the context menu of the selected clip, pointing at it. */
void            _tandem_timeline_view_popup_menu   (TandemTimelineView *self);

/* For the gestures and the tests. */

/* A primary-button drag from (@x, @y): moves or resizes (right edge) a clip,
 * or on the ruler moves, resizes or draws the loop (one undo step); a click
 * on the ruler (no move past the drag threshold) puts the play-start marker
 * on its bar when it ends. */
gboolean _tandem_timeline_view_drag_begin  (TandemTimelineView *self,
                                            double              x,
                                            double              y);
void     _tandem_timeline_view_drag_update (TandemTimelineView *self,
                                            double              dx,
                                            double              dy);
void     _tandem_timeline_view_drag_end    (TandemTimelineView *self);
/* A double click at (@x, @y): adds a clip on empty space. */
gboolean _tandem_timeline_view_double_click (TandemTimelineView *self,
                                             double              x,
                                             double              y);

G_END_DECLS
