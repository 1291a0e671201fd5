/* tandem-note-names.h — the pitches of melodic steps, named in the project's key
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "tandem-model.h"

G_BEGIN_DECLS

/* A melodic step's note is a scale degree of the key (0: the root in the
 * octave of MIDI 48, as the synth plays it). These give its MIDI pitch, its
 * name spelled the way the key's signature spells it ("C4", "F#3", "Eb4";
 * MIDI 60 is C4), and back. */
int       _tandem_note_degree_to_midi (int          degree,
                                       guint        key_root,
                                       TandemScale  scale);
char     *_tandem_note_midi_name      (int          midi,
                                       guint        key_root,
                                       TandemScale  scale);
/* The degree within TANDEM_NOTE_MIN … TANDEM_NOTE_MAX that sounds @midi;
 * FALSE when @midi is not in the key. */
gboolean  _tandem_note_midi_to_degree (int          midi,
                                       guint        key_root,
                                       TandemScale  scale,
                                       int         *degree);
/* Whether the instrument plays the step's note (so the grid names it). */
gboolean  _tandem_note_is_melodic     (const char  *instrument);

G_END_DECLS
