/* tandem-timeline-view.h — the song arrangement: pattern clips on bars
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "tandem-model.h"

G_BEGIN_DECLS

#define TANDEM_TYPE_TIMELINE_VIEW (tandem_timeline_view_get_type ())
G_DECLARE_FINAL_TYPE (TandemTimelineView, tandem_timeline_view, TANDEM, TIMELINE_VIEW, GtkWidget)

/*
 * One lane per pattern (in the project's pattern order); each clip is drawn
 * on its pattern's lane from its start bar for its length.
 *
 * Properties: "project", "history", "playhead-bar" (double, -1 = none),
 * "zoom" (pixels per bar), "selected-clip" (clip id or NULL),
 * "play-start-bar" (where Play starts in song mode; local, not an op: a
 * click on the ruler sets it, a drag there draws the loop).
 *
 * Actions: timeline.add-clip (si: pattern id or "" for the current one, bar),
 * timeline.move-selected (i: bars), timeline.resize-selected (i: bars),
 * timeline.delete-selected, timeline.delete-clip (s: clip id),
 * timeline.set-loop (ii: start bar, length in bars),
 * timeline.set-play-start (i: bar).
 *
 * Keys: Up/Down select the previous/next clip (the first arrow picks one
 * when none is), Left/Right move it a bar, Shift+Left/Right resize it,
 * Delete removes it, Menu or Shift+F10 opens its menu, Escape deselects.
 */
GtkWidget     *tandem_timeline_view_new               (void);
TandemProject *tandem_timeline_view_get_project       (TandemTimelineView *self);
void           tandem_timeline_view_set_project       (TandemTimelineView *self,
                                                       TandemProject      *project);
TandemHistory *tandem_timeline_view_get_history       (TandemTimelineView *self);
void           tandem_timeline_view_set_history       (TandemTimelineView *self,
                                                       TandemHistory      *history);
double         tandem_timeline_view_get_playhead_bar  (TandemTimelineView *self);
void           tandem_timeline_view_set_playhead_bar  (TandemTimelineView *self,
                                                       double              bar);
double         tandem_timeline_view_get_zoom          (TandemTimelineView *self);
void           tandem_timeline_view_set_zoom          (TandemTimelineView *self,
                                                       double              pixels_per_bar);
const char    *tandem_timeline_view_get_selected_clip (TandemTimelineView *self);
void           tandem_timeline_view_set_selected_clip (TandemTimelineView *self,
                                                       const char         *clip_id);
guint          tandem_timeline_view_get_play_start_bar (TandemTimelineView *self);
void           tandem_timeline_view_set_play_start_bar (TandemTimelineView *self,
                                                        guint               bar);
/* Where the clip is drawn, in widget coordinates; FALSE if it is not shown. */
gboolean       tandem_timeline_view_get_clip_rect     (TandemTimelineView *self,
                                                       const char         *clip_id,
                                                       graphene_rect_t    *rect);

G_END_DECLS
