/* tandem-rhythm-stream.h — a generator that puts a new rhythm variation on a track every bar
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "tandem-model.h"
#include "tandem-sync-client.h"

G_BEGIN_DECLS

typedef struct _TandemRhythmStream TandemRhythmStream;

typedef void (*TandemRhythmStreamProgress) (TandemRhythmStream *stream,
                                            guint               done,
                                            guint               total,
                                            gpointer            user_data);

/* Streams @n_variations variations of @base (tandem_rhythm_variation: the
 * resultant's circular permutations, then density steps) onto @track_id of
 * @pattern_id, one every @every_bars bars, each as ops landing on the bar
 * (tandem-bar-scheduler.h). @progress is called after each variation is
 * whole on the pattern. */
TandemRhythmStream *tandem_rhythm_stream_new   (TandemProject              *project,
                                                TandemSyncClient           *client,
                                                const char                 *pattern_id,
                                                const char                 *track_id,
                                                const TandemRhythm         *base,
                                                guint                       n_variations,
                                                guint                       every_bars,
                                                TandemRhythmStreamProgress  progress,
                                                gpointer                    user_data);
/* Stops; the pattern is left as the last variation made it. */
void                tandem_rhythm_stream_stop  (TandemRhythmStream *self);
gboolean            tandem_rhythm_stream_is_running (TandemRhythmStream *self);
guint               tandem_rhythm_stream_get_n_done (TandemRhythmStream *self);
void                tandem_rhythm_stream_free  (TandemRhythmStream *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TandemRhythmStream, tandem_rhythm_stream_free)

G_END_DECLS
