/* tandem-generate.c — generated rhythms and melodies as cell ops
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-model"

#include "config.h"

#include "tandem-evolve.h"
#include "tandem-generate.h"

#define NEW_VELOCITY 100

void
tandem_generate_rhythm_row (const TandemRhythm *rhythm,
                            const TandemCell   *row,
                            guint               length,
                            TandemCell         *out)
{
  g_return_if_fail (rhythm != NULL && rhythm->period > 0);

  for (guint s = 0; s < TANDEM_MAX_STEPS; s++)
    {
      out[s] = row[s];
      if (s >= length)
        continue;
      if (!rhythm->onset[s % rhythm->period])
        out[s].velocity = 0;
      else if (row[s].velocity == 0)
        out[s].velocity = NEW_VELOCITY;
    }
}

static void
current_row (TandemPattern *pattern,
             const char    *track_id,
             TandemCell    *row)
{
  for (guint s = 0; s < TANDEM_MAX_STEPS; s++)
    row[s] = *tandem_pattern_get_cell (pattern, track_id, s);
}

TandemOp *
tandem_generate_op_rhythm (TandemProject      *project,
                           TandemPattern      *pattern,
                           const char         *track_id,
                           const TandemRhythm *rhythm)
{
  TandemCell row[TANDEM_MAX_STEPS], out[TANDEM_MAX_STEPS];
  TandemOp *batch;

  g_return_val_if_fail (TANDEM_IS_PROJECT (project), NULL);
  g_return_val_if_fail (TANDEM_IS_PATTERN (pattern), NULL);
  g_return_val_if_fail (track_id != NULL && rhythm != NULL, NULL);

  current_row (pattern, track_id, row);
  tandem_generate_rhythm_row (rhythm, row, tandem_pattern_get_length (pattern), out);
  batch = tandem_op_new_batch ();
  tandem_evolve_add_row_ops (batch, pattern, track_id, out, 0, TANDEM_MAX_STEPS);
  return batch;
}

TandemOp *
tandem_generate_op_melody (TandemProject      *project,
                           TandemPattern      *pattern,
                           const char         *track_id,
                           const TandemRhythm *rhythm,
                           guint               seed)
{
  TandemCell row[TANDEM_MAX_STEPS], out[TANDEM_MAX_STEPS];
  guint length, state = seed * 2654435761u + 1;
  int tone = 0;
  TandemOp *batch;

  g_return_val_if_fail (TANDEM_IS_PROJECT (project), NULL);
  g_return_val_if_fail (TANDEM_IS_PATTERN (pattern), NULL);
  g_return_val_if_fail (track_id != NULL && rhythm != NULL, NULL);

  length = tandem_pattern_get_length (pattern);
  current_row (pattern, track_id, row);
  tandem_generate_rhythm_row (rhythm, row, length, out);
  for (guint s = 0; s < length; s++)
    if (out[s].velocity > 0)
      {
        /* A contour of steps between neighbouring chord tones, from a small LCG. */
        state = state * 1103515245u + 12345u;
        tone += ((state >> 16) & 1) ? 1 : -1;
        tone = CLAMP (tone, 0, 3);
        out[s].note = (gint8) tone;
      }
  batch = tandem_op_new_batch ();
  tandem_op_batch_add (batch, tandem_op_new_set_string (TANDEM_ENTITY_TRACK, track_id, "harmony",
                                                        "chord-tone"));
  tandem_evolve_add_row_ops (batch, pattern, track_id, out, 0, TANDEM_MAX_STEPS);
  return batch;
}
