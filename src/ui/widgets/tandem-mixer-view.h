/* tandem-mixer-view.h — one strip per track plus the master strip
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "tandem-mixer-strip.h"
#include "tandem-model.h"

G_BEGIN_DECLS

/**
 * TandemMeterFunc:
 * @track_index: the track's position in the project's track list, or -1 for master
 * @peak_l: (out): the left peak since the last call, linear (1.0 = full scale)
 * @peak_r: (out): the right peak
 * @user_data: the data given to tandem_mixer_view_set_meter_source()
 *
 * Reads the meters; called on the main thread about 30 times a second while
 * the mixer is on screen.
 */
typedef void (*TandemMeterFunc) (int       track_index,
                                 float    *peak_l,
                                 float    *peak_r,
                                 gpointer  user_data);

#define TANDEM_TYPE_MIXER_VIEW (tandem_mixer_view_get_type ())
G_DECLARE_FINAL_TYPE (TandemMixerView, tandem_mixer_view, TANDEM, MIXER_VIEW, GtkWidget)

/* Properties: "project", "history". */
GtkWidget        *tandem_mixer_view_new              (void);
TandemProject    *tandem_mixer_view_get_project      (TandemMixerView *self);
void              tandem_mixer_view_set_project      (TandemMixerView *self,
                                                      TandemProject   *project);
TandemHistory    *tandem_mixer_view_get_history      (TandemMixerView *self);
void              tandem_mixer_view_set_history      (TandemMixerView *self,
                                                      TandemHistory   *history);
void              tandem_mixer_view_set_meter_source (TandemMixerView *self,
                                                      TandemMeterFunc  func,
                                                      gpointer         user_data);
/* The strip of the track at @index, or the master strip for -1. */
TandemMixerStrip *tandem_mixer_view_get_strip        (TandemMixerView *self,
                                                      int              index);

G_END_DECLS
