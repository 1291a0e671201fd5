/* tandem-plan-harmony.h — the notes of tracks that follow the chord lane (main thread)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "tandem-model.h"

G_BEGIN_DECLS

#define TANDEM_PLAN_MAX_CHORD_NOTES TANDEM_CHORD_MAX_TONES

/* What the plan compiler needs of a pattern's harmony: the chord at each
 * step, parsed once per pattern (tandem_plan_harmony_init). */
typedef struct
{
  TandemScale  scale;
  guint        seed;           /* the project's: the random arpeggio */
  gboolean     has[TANDEM_MAX_STEPS];
  TandemChord  chord[TANDEM_MAX_STEPS];
} TandemPlanHarmony;

void tandem_plan_harmony_init (TandemPlanHarmony *harmony,
                               const char        *lane,
                               gboolean           per_beat,
                               guint              steps_per_beat,
                               guint              beats_per_bar,
                               TandemScale        scale,
                               guint              seed);

/* …and of a track's. */
typedef struct
{
  TandemHarmonyMode harmony;
  TandemArp         arp;
  guint             arp_rate;
  guint64           uid;
} TandemPlanVoicing;

/*
 * The notes @voicing plays at step @step of a pattern of @length steps whose
 * track row is @row, as semitones above the key's root (octave 3), and the
 * cell they come from (velocity, probability) in @from. Returns how many
 * (0 … TANDEM_PLAN_MAX_CHORD_NOTES); -1 when the step has no chord, so the
 * cell plays as a scale degree as usual.
 *
 *   chord-tone — an on cell plays tone @note of the chord (0 the root; past
 *                the last tone, the next octave);
 *   chord      — an on cell plays the whole chord, @note inversions up;
 *                with the arpeggiator, its tones one at a time every
 *                arp-rate steps from the cell until the next on cell.
 */
int tandem_plan_harmony_notes (const TandemPlanHarmony *harmony,
                               const TandemPlanVoicing *voicing,
                               const TandemCell        *row,
                               guint                    length,
                               guint                    step,
                               int                     *notes,
                               const TandemCell       **from);

G_END_DECLS
