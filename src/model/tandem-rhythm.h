/* tandem-rhythm.h — rhythms from interfering generators and even distributions
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define TANDEM_RHYTHM_MAX_GENERATOR 16
#define TANDEM_RHYTHM_MAX_UNITS     4096 /* 16 × 16 × 16: the longest three-generator period */

/*
 * A rhythm is one period of attacks over equal time units (grid steps when it is
 * put on a pattern). onset[i] is 1 where a note starts. Functions that read it
 * as a group of durations ("2 1 1 2") start the group at the first attack.
 */
typedef struct
{
  guint    period;
  guint8   onset[TANDEM_RHYTHM_MAX_UNITS]; /* 1 where a note starts */
} TandemRhythm;

/* Schillinger's resultant of interference of generators @a, @b and, unless
 * @c is 0, @c (each 1 … 16): over the period a·b (a·b·c), attacks fall on every
 * multiple of period/a, period/b (and period/c). r(3:2) = 2 1 1 2. */
gboolean  tandem_rhythm_resultant  (TandemRhythm *out,
                                    guint         a,
                                    guint         b,
                                    guint         c,
                                    GError      **error);
/* Schillinger's resultant of fractioning r(a÷b), a > b: over a² units the
 * major generator strikes every a units, the minor generator every b units for
 * a·b units from the start and, mirrored, for a·b units before the end. */
gboolean  tandem_rhythm_fractioning (TandemRhythm *out,
                                     guint         a,
                                     guint         b,
                                     GError      **error);
/* Toussaint's Euclidean rhythm E(@k, @n) by Bjorklund's algorithm, rotated
 * left by @rotation steps: E(3,8) = x..x..x., rotated by 1: ..x..x.x. */
gboolean  tandem_rhythm_euclid     (TandemRhythm *out,
                                    guint         k,
                                    guint         n,
                                    guint         rotation,
                                    GError      **error);

/* Attacks of @r as durations from its first attack; returns how many (0 when
 * @r has no attack). @durations holds TANDEM_RHYTHM_MAX_UNITS entries. */
guint     tandem_rhythm_get_durations (const TandemRhythm *r,
                                       guint              *durations);
/* Makes @out the rhythm of the durations (attack on unit 0, period = their sum). */
gboolean  tandem_rhythm_set_durations (TandemRhythm       *out,
                                       const guint        *durations,
                                       guint               n,
                                       GError            **error);
guint     tandem_rhythm_count_onsets  (const TandemRhythm *r);

/* Inversion: the durations read backwards (2 1 3 → 3 1 2). */
void      tandem_rhythm_invert        (TandemRhythm       *r);
/* Circular permutation: the group started at its @k-th duration (2 1 3, k=1 → 1 3 2). */
void      tandem_rhythm_rotate_group  (TandemRhythm       *r,
                                       guint               k);
/* The @index-th permutation of the durations in lexicographic order of
 * positions (Lehmer code, index taken modulo n!); 0 leaves them as they are. */
void      tandem_rhythm_permute       (TandemRhythm       *r,
                                       guint64             index);
/* Rotates the attack grid left by @steps (a rest may come first). */
void      tandem_rhythm_rotate        (TandemRhythm       *r,
                                       guint               steps);
/* Density change: @delta > 0 splits the longest durations in halves (at most
 * @delta of them), @delta < 0 joins the shortest neighbouring pairs. The
 * period stays. */
void      tandem_rhythm_change_density (TandemRhythm      *r,
                                        int                delta);
/* Variation @index of @base for a stream: circular permutation index mod n,
 * and every n variations one density step up, then down, then back. */
void      tandem_rhythm_variation     (const TandemRhythm *base,
                                       guint               index,
                                       TandemRhythm       *out);

/* "2 1 1 2" */
char     *tandem_rhythm_to_durations_string (const TandemRhythm *r);
/* "x..x..x." */
char     *tandem_rhythm_to_grid_string      (const TandemRhythm *r);

G_END_DECLS
