/* tandem-window-music.c — the window's chord lane and Generate panel
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-ui"

#include "config.h"

#include "tandem-window-private.h"

/* The chord lane and the circle follow the playhead the grid shows. */
static void
on_playhead (TandemWindow *self)
{
  int step = tandem_grid_view_get_playhead_step (self->grid_view);

  tandem_chord_lane_set_playing_step (self->chord_lane, step);
  tandem_generate_panel_set_playing_step (self->generate_panel, step);
}

void
_tandem_window_music_init (TandemWindow *self)
{
  tandem_generate_panel_set_grid (self->generate_panel, self->grid_view);
  g_signal_connect_object (self->grid_view, "notify::playhead-step", G_CALLBACK (on_playhead),
                           self, G_CONNECT_SWAPPED);
}

void
_tandem_window_music_set_project (TandemWindow *self)
{
  tandem_chord_lane_set_project (self->chord_lane, self->project);
  tandem_chord_lane_set_history (self->chord_lane, self->history);
  tandem_generate_panel_set_project (self->generate_panel, self->project, self->history);
}

void
_tandem_window_music_set_client (TandemWindow *self)
{
  tandem_generate_panel_set_client (self->generate_panel, self->client);
}
