/* tandem-mixer.h — track faders and pan, master gain
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

#include "tandem-audio-rt.h"

G_BEGIN_DECLS

/* Adds the mono @bus × @gain into the planar stereo mix @left / @right with
 * the pan gains. Returns the post-fader peak of the track for its meter, or
 * 0 without @meter (offline renders have nobody to show it to). */
TANDEM_REALTIME
float tandem_mixer_add_track (const float *bus,
                              guint        n_frames,
                              float        gain,
                              float        pan_left,
                              float        pan_right,
                              float       *left,
                              float       *right,
                              gboolean     meter);

/* Writes the mix × master gain into interleaved stereo @out (the limiter
 * comes after); writes the output peaks. */
TANDEM_REALTIME
void  tandem_mixer_master    (const float *left,
                              const float *right,
                              guint        n_frames,
                              float        master_gain,
                              float       *out,
                              float       *peak_left,
                              float       *peak_right);

G_END_DECLS
