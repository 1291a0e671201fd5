/* tandem-timeline-view-private.h — the timeline's pointer gesture, for its gestures and tests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "tandem-timeline-view.h"

G_BEGIN_DECLS

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
