/* tandem-note-names.c — the pitches of melodic steps, named in the project's key
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-ui"

#include "config.h"

#include <string.h>

#include "tandem-note-names.h"

int
_tandem_note_degree_to_midi (int          degree,
                             guint        key_root,
                             TandemScale  scale)
{
  const guint8 *intervals = NULL;
  int n = (int) tandem_scale_get_intervals (scale, &intervals);
  int octave;

  if (n <= 0)
    return 48 + (int) (key_root % 12) + degree;
  /* Floor division: degree -1 is the top of the octave below. */
  octave = degree >= 0 ? degree / n : -((-degree + n - 1) / n);
  return 48 + (int) (key_root % 12) + 12 * octave + intervals[degree - octave * n];
}

/* Keys whose signature has flats: their names have a "b" after the letter,
 * or they are F major and D minor (one flat, no flat in the name). */
static gboolean
key_uses_flats (guint       key_root,
                TandemScale scale)
{
  const char *key = tandem_key_get_name (key_root % 12, tandem_scale_is_minor (scale));

  return strchr (key + 1, 'b') != NULL || g_str_equal (key, "F") || g_str_equal (key, "Dm");
}

char *
_tandem_note_midi_name (int          midi,
                        guint        key_root,
                        TandemScale  scale)
{
  static const char *sharps[12] = {
    "C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B"
  };
  static const char *flats[12] = {
    "C", "Db", "D", "Eb", "E", "F", "Gb", "G", "Ab", "A", "Bb", "B"
  };
  int pc = ((midi % 12) + 12) % 12;
  int octave = (midi - pc) / 12 - 1;

  return g_strdup_printf ("%s%d", (key_uses_flats (key_root, scale) ? flats : sharps)[pc],
                          octave);
}

gboolean
_tandem_note_midi_to_degree (int          midi,
                             guint        key_root,
                             TandemScale  scale,
                             int         *degree)
{
  for (int d = TANDEM_NOTE_MIN; d <= TANDEM_NOTE_MAX; d++)
    if (_tandem_note_degree_to_midi (d, key_root, scale) == midi)
      {
        *degree = d;
        return TRUE;
      }
  return FALSE;
}

gboolean
_tandem_note_is_melodic (const char *instrument)
{
  return g_strcmp0 (instrument, "synth") == 0;
}
