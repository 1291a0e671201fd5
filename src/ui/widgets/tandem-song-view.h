/* tandem-song-view.h — the Song page: pattern lanes beside the timeline
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "tandem-model.h"
#include "tandem-timeline-view.h"

G_BEGIN_DECLS

#define TANDEM_TYPE_SONG_VIEW (tandem_song_view_get_type ())
G_DECLARE_FINAL_TYPE (TandemSongView, tandem_song_view, TANDEM, SONG_VIEW, GtkWidget)

/*
 * The timeline in a scroller, with a header for every pattern's lane to its
 * left that stays put while the timeline scrolls sideways: the pattern's
 * name, and a menu to rename or duplicate it. Every pattern has a lane,
 * clips or not.
 *
 * Properties: "project", "history" (handed to the timeline too).
 *
 * Actions: song.rename-pattern (s: pattern id) asks for a name;
 * song.set-pattern-name ((ss): pattern id, name); song.duplicate-pattern
 * (s: pattern id) inserts a copy after it. Neither changes the pattern
 * being edited or played.
 */
GtkWidget          *tandem_song_view_new          (void);
TandemTimelineView *tandem_song_view_get_timeline (TandemSongView *self);
/* The header of the lane at @index (for tests), or NULL. */
GtkWidget          *tandem_song_view_get_lane_header (TandemSongView *self,
                                                      guint           index);
/* The scroller that moves the timeline sideways. */
GtkScrolledWindow  *tandem_song_view_get_scroller (TandemSongView *self);

G_END_DECLS
