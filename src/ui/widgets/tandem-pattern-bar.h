/* tandem-pattern-bar.h — pick, add, copy and remove patterns; set their length
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "tandem-model.h"

G_BEGIN_DECLS

#define TANDEM_TYPE_PATTERN_BAR (tandem_pattern_bar_get_type ())
G_DECLARE_FINAL_TYPE (TandemPatternBar, tandem_pattern_bar, TANDEM, PATTERN_BAR, GtkWidget)

/*
 * Properties: "project", "history", "pattern-id" (the pattern shown and
 * edited here: view state, never dangling), "links-playing" (TRUE: choosing
 * a pattern also sets the project's playing "current-pattern").
 *
 * Actions: pattern.new, pattern.duplicate, pattern.delete (the shown
 * pattern), pattern.select (s: pattern id), pattern.play (make the shown
 * pattern the playing one), pattern.set-length (i: steps).
 */
GtkWidget     *tandem_pattern_bar_new         (void);
TandemProject *tandem_pattern_bar_get_project (TandemPatternBar *self);
void           tandem_pattern_bar_set_project (TandemPatternBar *self,
                                               TandemProject    *project);
TandemHistory *tandem_pattern_bar_get_history (TandemPatternBar *self);
void           tandem_pattern_bar_set_history (TandemPatternBar *self,
                                               TandemHistory    *history);
const char    *tandem_pattern_bar_get_pattern_id    (TandemPatternBar *self);
void           tandem_pattern_bar_set_pattern_id    (TandemPatternBar *self,
                                                     const char       *pattern_id);
void           tandem_pattern_bar_set_links_playing (TandemPatternBar *self,
                                                     gboolean          links_playing);

G_END_DECLS
