/* tandem-harmony.h — keys, chords named in a key, progressions and the circle of fifths
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

#include "tandem-model-types.h"

G_BEGIN_DECLS

typedef enum
{
  TANDEM_CHORD_MAJOR,           /* I      */
  TANDEM_CHORD_MINOR,           /* i      */
  TANDEM_CHORD_DIMINISHED,      /* io     */
  TANDEM_CHORD_AUGMENTED,       /* I+     */
  TANDEM_CHORD_SUS2,            /* Isus2  */
  TANDEM_CHORD_SUS4,            /* Isus4  */
  TANDEM_CHORD_DOMINANT7,       /* I7     */
  TANDEM_CHORD_MAJOR7,          /* Imaj7  */
  TANDEM_CHORD_MINOR7,          /* i7     */
  TANDEM_CHORD_HALF_DIMINISHED7, /* ih7   */
  TANDEM_CHORD_DIMINISHED7,     /* io7    */
  TANDEM_N_CHORD_QUALITIES
} TandemChordQuality;

/*
 * A chord named in a key, as a roman numeral: the scale degree of its root
 * (0 = I … 6 = VII) in the key's seven-note scale, an accidental that moves
 * the root by semitones (borrowed chords: bVII, bVI, #IV), and a quality.
 *
 * Text form (project files, ops, the chord lane): an optional "b" or "#", the
 * numeral in upper case for major-based chords and lower case for minor-based
 * ones, then a suffix: "" (triad), "o" (diminished), "+" (augmented),
 * "sus2", "sus4", "7" (dominant on upper case, minor seventh on lower case),
 * "maj7", "h7" (half-diminished), "o7" (diminished seventh). At most 8 bytes.
 */
typedef struct
{
  gint8              accidental; /* -1 flat, 0, +1 sharp */
  guint8             degree;     /* 0 … 6 */
  TandemChordQuality quality;
} TandemChord;

#define TANDEM_CHORD_MAX_TEXT  8
#define TANDEM_CHORD_MAX_TONES 4

gboolean     tandem_chord_parse        (const char        *text,
                                        TandemChord       *chord);
/* The canonical text ("bVII", "V7", "viio"). */
char        *tandem_chord_to_string    (const TandemChord *chord);
/* For display: "vii°", "iiø7", "V7", "♭VII". */
char        *tandem_chord_to_display   (const TandemChord *chord);

/* The diatonic triad (or seventh chord) on @degree of @scale. */
TandemChord  tandem_chord_diatonic     (TandemScale        scale,
                                        guint              degree,
                                        gboolean           seventh);

/* The chord's root as a pitch class (0 = C) in the key @key_root / @scale. */
guint        tandem_chord_get_root     (const TandemChord *chord,
                                        guint              key_root,
                                        TandemScale        scale);
/* Semitones of the chord's tones above the key's root (root first, each
 * 0 … 23, rising); returns how many (3 or 4). */
guint        tandem_chord_get_tones    (const TandemChord *chord,
                                        guint              key_root,
                                        TandemScale        scale,
                                        guint             *semitones);
/* The letter name, spelled in the key: "G7", "Bb", "F#m", "Bdim", "Ebmaj7". */
char        *tandem_chord_get_name     (const TandemChord *chord,
                                        guint              key_root,
                                        TandemScale        scale);
/* The tones spelled in the key: "G B D F". */
char        *tandem_chord_spell_tones  (const TandemChord *chord,
                                        guint              key_root,
                                        TandemScale        scale);

/* Keys. A scale is minor-based when its third is minor (minor, dorian,
 * pentatonic-minor, blues); chords are named over its seven-note parent. */
gboolean     tandem_scale_is_minor     (TandemScale        scale);
/* "C", "F#", "Eb" (major) or "Am", "C#m", "Ebm" (minor): the spelling a key
 * signature uses, sharps up to six, then flats. */
const char  *tandem_key_get_name       (guint              key_root,
                                        gboolean           minor);
/* The relative minor's root of a major key, and back. */
guint        tandem_key_relative_minor (guint              major_root);
guint        tandem_key_relative_major (guint              minor_root);

/* The circle of fifths: position 0 is C (or A minor), 1 is G, 11 is F. */
guint        tandem_circle_get_position (guint             key_root,
                                         gboolean          minor);
guint        tandem_circle_get_root     (guint             position,
                                         gboolean          minor);
/* The key @steps fifths away (negative: towards the flats). */
guint        tandem_circle_step         (guint             key_root,
                                         int               steps);

/* A chord lane: chord texts separated by single spaces, "-" for a slot
 * without a chord. At most TANDEM_CHORD_LANE_MAX_SLOTS slots. */
#define TANDEM_CHORD_LANE_MAX_SLOTS 64
#define TANDEM_CHORD_LANE_MAX_BYTES (TANDEM_CHORD_LANE_MAX_SLOTS * (TANDEM_CHORD_MAX_TEXT + 1))
gboolean     tandem_chord_lane_is_valid (const char       *lane);
/* The chords of @lane (no chord: slot holds FALSE in @has_chord); returns the
 * slot count. Arrays hold TANDEM_CHORD_LANE_MAX_SLOTS entries. */
guint        tandem_chord_lane_parse    (const char       *lane,
                                         TandemChord      *chords,
                                         gboolean         *has_chord);

/* The chord of @lane sounding at grid @step of a pattern: slot = the bar
 * (one chord per bar) or the beat (per beat) of @step, wrapping around the
 * lane. FALSE when the lane is empty or the slot holds "-". @slot (optional)
 * receives the slot index. */
gboolean     tandem_chord_lane_chord_at (const char       *lane,
                                         gboolean          per_beat,
                                         guint             steps_per_beat,
                                         guint             beats_per_bar,
                                         guint             step,
                                         TandemChord      *chord,
                                         guint            *slot);

typedef struct
{
  const char *name;   /* "Pop (I–V–vi–IV)" — translatable in the UI */
  const char *chords; /* a chord lane */
} TandemProgression;

/* The presets, ending with { NULL, NULL }. */
const TandemProgression *tandem_progressions (void);

/* The harmony generator: @n chords from @start_degree, each root @fifths
 * diatonic fifths from the previous (-1: down a fifth, the strongest
 * cadence; +1: up), sevenths when @seventh. Returns a chord lane. */
char        *tandem_progression_by_fifths (TandemScale  scale,
                                           guint        start_degree,
                                           int          fifths,
                                           guint        n,
                                           gboolean     seventh);

G_END_DECLS
