/* tandem-pattern.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "tandem-model-types.h"
#include "tandem-music-types.h"

G_BEGIN_DECLS

/* One step of one track in a pattern. velocity 0 means the step is off. */
typedef struct
{
  guint8 velocity;    /* 0..127 */
  guint8 probability; /* 0..100 percent, default 100 */
  gint8  note;        /* scale degree, TANDEM_NOTE_MIN..MAX, default 0 */
} TandemCell;

#define TANDEM_TYPE_PATTERN (tandem_pattern_get_type ())
G_DECLARE_FINAL_TYPE (TandemPattern, tandem_pattern, TANDEM, PATTERN, GObject)

/* Properties: "id" (construct-only), "name", "length" (1..64 steps),
 * "chords" (the chord lane, tandem-harmony.h), "chord-rate" (TandemChordRate),
 * and the evolution: "evolve-state", "evolve-rule", "evolve-end",
 * "evolve-every" (bars), "evolve-steps", "evolve-step", "evolve-amount",
 * "evolve-seed", "evolve-author" (client id), "evolve-origin" (rows, JSON).
 *
 * Cells exist for all 64 steps of every track; steps past "length" keep their
 * values so shortening and lengthening a pattern loses nothing.
 *
 * Signals:
 *   ::cell-changed (const char *track_id, guint step) — after any cell value changed.
 */
const char       *tandem_pattern_get_id     (TandemPattern *self);
const char       *tandem_pattern_get_name   (TandemPattern *self);
guint             tandem_pattern_get_length (TandemPattern *self);
/* Never NULL: a track without stored cells reads as default (off) cells. */
const TandemCell *tandem_pattern_get_cell   (TandemPattern *self,
                                             const char    *track_id,
                                             guint          step);
/* The 64 cells of @track_id, or NULL when they are all default. */
const TandemCell *tandem_pattern_get_row    (TandemPattern *self,
                                             const char    *track_id);

const char       *tandem_pattern_get_chords     (TandemPattern *self);
TandemChordRate   tandem_pattern_get_chord_rate (TandemPattern *self);

/* A pattern's evolution, as its properties hold it (see tandem-evolve.h). */
typedef struct
{
  TandemEvolveState  state;
  TandemEvolveRule   rule;
  TandemEvolveEnd    end;
  guint              every;
  guint              steps;
  guint              step;
  guint              amount;
  guint              seed;
  const char        *author;
  const char        *origin;
} TandemEvolution;

void              tandem_pattern_get_evolution  (TandemPattern   *self,
                                                 TandemEvolution *evolution);
guint             tandem_pattern_get_evolution_step (TandemPattern *self);

G_END_DECLS
