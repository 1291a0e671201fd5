/* tandem-h2song.h — a Hydrogen song (.h2song) as a new Tandem project
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "tandem-audio.h"

G_BEGIN_DECLS

/* Hydrogen counts 48 ticks to a quarter note. */
#define TANDEM_H2SONG_TICKS_PER_BEAT 48

/*
 * Reads @path and builds a project: the song's name and tempo, one sampler
 * track per instrument (its samples found beside the kit the song names, in
 * @kit_folders or the standard kit folders when NULL, and imported into
 * @store), one pattern per pattern with its notes (velocity, probability),
 * and the pattern sequence as clips, one bar per group, in song mode. Steps
 * are 16ths, or 32nds when a note needs them; a note between steps goes to
 * the nearest. A sample that cannot be found leaves its layer out.
 * Blocking (it imports samples).
 */
TandemProject *tandem_h2song_load (const char         *path,
                                   const char * const *kit_folders,
                                   TandemSampleStore  *store,
                                   GError            **error);

/* The same on a GTask worker thread (the project is not shared until it
 * is handed over by the finish function). */
void           tandem_h2song_load_async  (const char          *path,
                                          TandemSampleStore   *store,
                                          GCancellable        *cancellable,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data);
TandemProject *tandem_h2song_load_finish (GAsyncResult        *result,
                                          GError             **error);

G_END_DECLS
