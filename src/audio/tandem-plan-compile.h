/* tandem-plan-compile.h — builds a render plan from a project (main thread)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "tandem-render-plan.h"

G_BEGIN_DECLS

/* Returns the decoded sample for @hash (borrowed), or NULL when it is not
 * loaded yet (the track is then silent). */
typedef TandemSample *(*TandemSampleLookupFunc) (const char *hash,
                                                 gpointer    user_data);

typedef struct
{
  guint                  sample_rate;
  TandemSampleLookupFunc lookup;
  gpointer               lookup_data;
  /* Overrides for offline renders. */
  gboolean               force_playing;
  gboolean               force_song;      /* song mode from the start, no loop */
  /* For the audio thread: mlock() the plan (offline renders need not). */
  gboolean               lock_memory;
} TandemPlanOptions;

/* Cheap (a copy of the cells and a few gains): called on every model change. */
TandemRenderPlan *tandem_plan_compile      (TandemProject           *project,
                                            const TandemPlanOptions *options);
/* The stable 64-bit id of a track used by plans and voices. */
guint64           tandem_plan_track_uid    (const char              *track_id);

G_END_DECLS
