/* tandem-meter.h — a stereo peak meter with peak hold
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define TANDEM_TYPE_METER (tandem_meter_get_type ())
G_DECLARE_FINAL_TYPE (TandemMeter, tandem_meter, TANDEM, METER, GtkWidget)

GtkWidget *tandem_meter_new        (void);
/* Feeds the peaks (linear, 1.0 = full scale) measured since the last call;
 * @frame_time is the frame clock time in µs, for the falloff and the hold. */
void       tandem_meter_set_peaks  (TandemMeter *self,
                                    float        peak_l,
                                    float        peak_r,
                                    gint64       frame_time);
/* The level shown, in dB (-60 = silence), for @channel 0 or 1. */
double     tandem_meter_get_level  (TandemMeter *self,
                                    guint        channel);
void       tandem_meter_reset      (TandemMeter *self);

G_END_DECLS
