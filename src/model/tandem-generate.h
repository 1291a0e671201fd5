/* tandem-generate.h — the ops that put generated rhythms, progressions and melodies on a pattern
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "tandem-project.h"
#include "tandem-rhythm.h"

G_BEGIN_DECLS

/* The row of @track_id with @rhythm's attacks (one unit = one grid step,
 * repeated over the pattern): attacks keep a note already there or get
 * velocity 100, the other steps go off. */
void      tandem_generate_rhythm_row  (const TandemRhythm *rhythm,
                                       const TandemCell   *row,
                                       guint               length,
                                       TandemCell         *out);
TandemOp *tandem_generate_op_rhythm   (TandemProject      *project,
                                       TandemPattern      *pattern,
                                       const char         *track_id,
                                       const TandemRhythm *rhythm);
/* A melody: @rhythm's attacks on @track_id, each note a tone of the chord
 * sounding there (0 root, 1 third, 2 fifth, 3 root an octave up), in a contour
 * that steps up and down from @seed; the track is set to follow the chords. */
TandemOp *tandem_generate_op_melody   (TandemProject      *project,
                                       TandemPattern      *pattern,
                                       const char         *track_id,
                                       const TandemRhythm *rhythm,
                                       guint               seed);

G_END_DECLS
