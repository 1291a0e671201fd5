/* tandem-harmony.c — chords named in a key, spelled with letters, and the circle of fifths
 *
 * Chords are stored as roman numerals, so a chord lane keeps its meaning when
 * the key changes: "V7" is G7 in C and D7 in G. Letter names are derived
 * for display, spelled the way the key's signature spells its degrees.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-model"

#include "config.h"

#include <string.h>

#include "tandem-harmony.h"

/* The seven-note scale chords are built on, per TandemScale. */
static const guint8 parent_major[7]      = { 0, 2, 4, 5, 7, 9, 11 };
static const guint8 parent_minor[7]      = { 0, 2, 3, 5, 7, 8, 10 };
static const guint8 parent_dorian[7]     = { 0, 2, 3, 5, 7, 9, 10 };
static const guint8 parent_mixolydian[7] = { 0, 2, 4, 5, 7, 9, 10 };

static const guint8 *
parent_scale (TandemScale scale)
{
  switch (scale)
    {
    case TANDEM_SCALE_MINOR:
    case TANDEM_SCALE_PENTATONIC_MINOR:
    case TANDEM_SCALE_BLUES:
      return parent_minor;
    case TANDEM_SCALE_DORIAN:
      return parent_dorian;
    case TANDEM_SCALE_MIXOLYDIAN:
      return parent_mixolydian;
    case TANDEM_SCALE_MAJOR:
    case TANDEM_SCALE_PENTATONIC_MAJOR:
    case TANDEM_SCALE_CHROMATIC:
    default:
      return parent_major;
    }
}

typedef struct
{
  const char *upper_suffix; /* NULL: not written on an upper-case numeral */
  const char *lower_suffix; /* NULL: not written on a lower-case numeral */
  const char *name_suffix;  /* after the letter name */
  guint8      n;
  guint8      intervals[TANDEM_CHORD_MAX_TONES];
  guint8      letters[TANDEM_CHORD_MAX_TONES]; /* letter steps above the root */
} QualityInfo;

static const QualityInfo qualities[TANDEM_N_CHORD_QUALITIES] = {
  [TANDEM_CHORD_MAJOR]            = { "", NULL, "", 3, { 0, 4, 7 }, { 0, 2, 4 } },
  [TANDEM_CHORD_MINOR]            = { NULL, "", "m", 3, { 0, 3, 7 }, { 0, 2, 4 } },
  [TANDEM_CHORD_DIMINISHED]       = { NULL, "o", "dim", 3, { 0, 3, 6 }, { 0, 2, 4 } },
  [TANDEM_CHORD_AUGMENTED]        = { "+", NULL, "aug", 3, { 0, 4, 8 }, { 0, 2, 4 } },
  [TANDEM_CHORD_SUS2]             = { "sus2", NULL, "sus2", 3, { 0, 2, 7 }, { 0, 1, 4 } },
  [TANDEM_CHORD_SUS4]             = { "sus4", NULL, "sus4", 3, { 0, 5, 7 }, { 0, 3, 4 } },
  [TANDEM_CHORD_DOMINANT7]        = { "7", NULL, "7", 4, { 0, 4, 7, 10 }, { 0, 2, 4, 6 } },
  [TANDEM_CHORD_MAJOR7]           = { "maj7", NULL, "maj7", 4, { 0, 4, 7, 11 }, { 0, 2, 4, 6 } },
  [TANDEM_CHORD_MINOR7]           = { NULL, "7", "m7", 4, { 0, 3, 7, 10 }, { 0, 2, 4, 6 } },
  [TANDEM_CHORD_HALF_DIMINISHED7] = { NULL, "h7", "m7b5", 4, { 0, 3, 6, 10 }, { 0, 2, 4, 6 } },
  [TANDEM_CHORD_DIMINISHED7]      = { NULL, "o7", "dim7", 4, { 0, 3, 6, 9 }, { 0, 2, 4, 6 } },
};

static const char * const upper_numerals[7] = { "I", "II", "III", "IV", "V", "VI", "VII" };
static const char * const lower_numerals[7] = { "i", "ii", "iii", "iv", "v", "vi", "vii" };

static gboolean
quality_is_upper (TandemChordQuality q)
{
  return qualities[q].upper_suffix != NULL;
}

gboolean
tandem_chord_parse (const char  *text,
                    TandemChord *chord)
{
  /* Longer numerals first, and IV before the I family. */
  static const guint order[7] = { 6, 5, 4, 3, 2, 1, 0 };
  TandemChord c = { 0, 0, TANDEM_CHORD_MAJOR };
  const char *p = text;
  gboolean upper = FALSE, found = FALSE;

  if (text == NULL || strlen (text) > TANDEM_CHORD_MAX_TEXT)
    return FALSE;
  if (*p == 'b' || *p == '#')
    {
      c.accidental = *p == 'b' ? -1 : 1;
      p++;
    }
  for (guint k = 0; k < 7 && !found; k++)
    {
      guint d = order[k];

      for (guint u = 0; u < 2 && !found; u++)
        {
          const char *numeral = u == 0 ? upper_numerals[d] : lower_numerals[d];
          gsize len = strlen (numeral);

          if (strncmp (p, numeral, len) == 0)
            {
              c.degree = d;
              upper = u == 0;
              p += len;
              found = TRUE;
            }
        }
    }
  if (!found)
    return FALSE;

  found = FALSE;
  for (guint q = 0; q < TANDEM_N_CHORD_QUALITIES && !found; q++)
    {
      const char *suffix = upper ? qualities[q].upper_suffix : qualities[q].lower_suffix;

      if (suffix != NULL && strcmp (p, suffix) == 0)
        {
          c.quality = q;
          found = TRUE;
        }
    }
  if (!found)
    return FALSE;
  if (chord != NULL)
    *chord = c;
  return TRUE;
}

char *
tandem_chord_to_string (const TandemChord *chord)
{
  const QualityInfo *q;
  gboolean upper;

  g_return_val_if_fail (chord != NULL && chord->degree < 7
                        && chord->quality < TANDEM_N_CHORD_QUALITIES, NULL);

  q = &qualities[chord->quality];
  upper = quality_is_upper (chord->quality);
  return g_strconcat (chord->accidental < 0 ? "b" : chord->accidental > 0 ? "#" : "",
                      upper ? upper_numerals[chord->degree] : lower_numerals[chord->degree],
                      upper ? q->upper_suffix : q->lower_suffix, NULL);
}

char *
tandem_chord_to_display (const TandemChord *chord)
{
  const QualityInfo *q;
  const char *suffix;
  gboolean upper;

  g_return_val_if_fail (chord != NULL && chord->degree < 7
                        && chord->quality < TANDEM_N_CHORD_QUALITIES, NULL);

  q = &qualities[chord->quality];
  upper = quality_is_upper (chord->quality);
  suffix = upper ? q->upper_suffix : q->lower_suffix;
  if (chord->quality == TANDEM_CHORD_DIMINISHED)
    suffix = "°";
  else if (chord->quality == TANDEM_CHORD_DIMINISHED7)
    suffix = "°7";
  else if (chord->quality == TANDEM_CHORD_HALF_DIMINISHED7)
    suffix = "ø7";
  return g_strconcat (chord->accidental < 0 ? "♭" : chord->accidental > 0 ? "♯" : "",
                      upper ? upper_numerals[chord->degree] : lower_numerals[chord->degree],
                      suffix, NULL);
}

static guint
interval (const guint8 *parent,
          guint         degree,
          guint         steps)
{
  return (parent[(degree + steps) % 7] + 12 - parent[degree]) % 12;
}

TandemChord
tandem_chord_diatonic (TandemScale scale,
                       guint       degree,
                       gboolean    seventh)
{
  const guint8 *parent = parent_scale (scale);
  TandemChord c = { 0, degree % 7, TANDEM_CHORD_MAJOR };
  guint third = interval (parent, c.degree, 2);
  guint fifth = interval (parent, c.degree, 4);
  guint sev = interval (parent, c.degree, 6);

  if (third == 4)
    c.quality = fifth == 8 ? TANDEM_CHORD_AUGMENTED : TANDEM_CHORD_MAJOR;
  else
    c.quality = fifth == 6 ? TANDEM_CHORD_DIMINISHED : TANDEM_CHORD_MINOR;
  if (seventh)
    switch (c.quality)
      {
      case TANDEM_CHORD_MAJOR:
        c.quality = sev == 11 ? TANDEM_CHORD_MAJOR7 : TANDEM_CHORD_DOMINANT7;
        break;
      case TANDEM_CHORD_DIMINISHED:
        c.quality = sev == 9 ? TANDEM_CHORD_DIMINISHED7 : TANDEM_CHORD_HALF_DIMINISHED7;
        break;
      case TANDEM_CHORD_MINOR:
        c.quality = TANDEM_CHORD_MINOR7;
        break;
      default:
        break;
      }
  return c;
}

/* The root's distance above the key's root, 0 … 11. */
static guint
root_offset (const TandemChord *chord,
             TandemScale        scale)
{
  return (parent_scale (scale)[chord->degree % 7] + 12 + chord->accidental) % 12;
}

guint
tandem_chord_get_root (const TandemChord *chord,
                       guint              key_root,
                       TandemScale        scale)
{
  g_return_val_if_fail (chord != NULL, 0);
  return (key_root + root_offset (chord, scale)) % 12;
}

guint
tandem_chord_get_tones (const TandemChord *chord,
                        guint              key_root,
                        TandemScale        scale,
                        guint             *semitones)
{
  const QualityInfo *q;
  guint root;

  g_return_val_if_fail (chord != NULL && chord->quality < TANDEM_N_CHORD_QUALITIES, 0);
  (void) key_root; /* tones are relative to the key's root, whatever it is */

  q = &qualities[chord->quality];
  root = root_offset (chord, scale);
  for (guint i = 0; i < q->n; i++)
    semitones[i] = root + q->intervals[i];
  return q->n;
}

/* Letter names: C D E F G A B and their pitch classes. */
static const char letters[7] = { 'C', 'D', 'E', 'F', 'G', 'A', 'B' };
static const guint8 letter_pc[7] = { 0, 2, 4, 5, 7, 9, 11 };

static const char * const major_key_names[12] = {
  "C", "Db", "D", "Eb", "E", "F", "F#", "G", "Ab", "A", "Bb", "B",
};
static const char * const minor_key_names[12] = {
  "Cm", "C#m", "Dm", "D#m", "Em", "Fm", "F#m", "Gm", "G#m", "Am", "Bbm", "Bm",
};

gboolean
tandem_scale_is_minor (TandemScale scale)
{
  return parent_scale (scale)[2] == 3;
}

const char *
tandem_key_get_name (guint    key_root,
                     gboolean minor)
{
  return (minor ? minor_key_names : major_key_names)[key_root % 12];
}

static guint
letter_index (char letter)
{
  for (guint i = 0; i < 7; i++)
    if (letters[i] == letter)
      return i;
  g_return_val_if_reached (0);
}

/* Appends the note with letter @letter (0 … 6) and pitch class @pc. */
static void
append_note (GString *s,
             guint    letter,
             guint    pc)
{
  int acc = ((int) pc - (int) letter_pc[letter] + 18) % 12 - 6;

  g_string_append_c (s, letters[letter]);
  for (; acc < 0; acc++)
    g_string_append_c (s, 'b');
  for (; acc > 0; acc--)
    g_string_append_c (s, '#');
}

/* The letter of the chord's root: the key's letter plus the degree. */
static guint
root_letter (const TandemChord *chord,
             guint              key_root,
             TandemScale        scale)
{
  const char *key = tandem_key_get_name (key_root, tandem_scale_is_minor (scale));

  return (letter_index (key[0]) + chord->degree) % 7;
}

char *
tandem_chord_get_name (const TandemChord *chord,
                       guint              key_root,
                       TandemScale        scale)
{
  GString *s;

  g_return_val_if_fail (chord != NULL && chord->quality < TANDEM_N_CHORD_QUALITIES, NULL);

  s = g_string_new (NULL);
  append_note (s, root_letter (chord, key_root, scale), tandem_chord_get_root (chord, key_root,
                                                                               scale));
  g_string_append (s, qualities[chord->quality].name_suffix);
  return g_string_free (s, FALSE);
}

char *
tandem_chord_spell_tones (const TandemChord *chord,
                          guint              key_root,
                          TandemScale        scale)
{
  const QualityInfo *q;
  guint letter, root;
  GString *s;

  g_return_val_if_fail (chord != NULL && chord->quality < TANDEM_N_CHORD_QUALITIES, NULL);

  q = &qualities[chord->quality];
  letter = root_letter (chord, key_root, scale);
  root = tandem_chord_get_root (chord, key_root, scale);
  s = g_string_new (NULL);
  for (guint i = 0; i < q->n; i++)
    {
      if (i > 0)
        g_string_append_c (s, ' ');
      append_note (s, (letter + q->letters[i]) % 7, (root + q->intervals[i]) % 12);
    }
  return g_string_free (s, FALSE);
}

guint
tandem_key_relative_minor (guint major_root)
{
  return (major_root + 9) % 12;
}

guint
tandem_key_relative_major (guint minor_root)
{
  return (minor_root + 3) % 12;
}

/* 7 is its own inverse modulo 12, so one multiplication goes both ways
 * between pitch classes and circle positions. */
guint
tandem_circle_get_position (guint    key_root,
                            gboolean minor)
{
  guint major = minor ? tandem_key_relative_major (key_root) : key_root % 12;

  return (major * 7) % 12;
}

guint
tandem_circle_get_root (guint    position,
                        gboolean minor)
{
  guint major = (position % 12) * 7 % 12;

  return minor ? tandem_key_relative_minor (major) : major;
}

guint
tandem_circle_step (guint key_root,
                    int   steps)
{
  int r = ((int) (key_root % 12) + 7 * (steps % 12)) % 12;

  return (guint) (r < 0 ? r + 12 : r);
}

guint
tandem_chord_lane_parse (const char  *lane,
                         TandemChord *chords,
                         gboolean    *has_chord)
{
  g_auto(GStrv) tokens = NULL;
  guint n = 0;

  if (lane == NULL || *lane == '\0')
    return 0;
  tokens = g_strsplit (lane, " ", TANDEM_CHORD_LANE_MAX_SLOTS + 1);
  for (guint i = 0; tokens[i] != NULL && n < TANDEM_CHORD_LANE_MAX_SLOTS; i++, n++)
    {
      TandemChord c = { 0, 0, TANDEM_CHORD_MAJOR };
      gboolean ok = strcmp (tokens[i], "-") != 0 && tandem_chord_parse (tokens[i], &c);

      if (chords != NULL)
        chords[n] = c;
      if (has_chord != NULL)
        has_chord[n] = ok;
    }
  return n;
}

gboolean
tandem_chord_lane_chord_at (const char  *lane,
                            gboolean     per_beat,
                            guint        steps_per_beat,
                            guint        beats_per_bar,
                            guint        step,
                            TandemChord *chord,
                            guint       *slot)
{
  TandemChord chords[TANDEM_CHORD_LANE_MAX_SLOTS];
  gboolean has[TANDEM_CHORD_LANE_MAX_SLOTS];
  guint n, per_slot, i;

  n = tandem_chord_lane_parse (lane, chords, has);
  if (n == 0)
    return FALSE;
  per_slot = MAX (steps_per_beat, 1) * (per_beat ? 1 : MAX (beats_per_bar, 1));
  i = (step / per_slot) % n;
  if (slot != NULL)
    *slot = i;
  if (!has[i])
    return FALSE;
  if (chord != NULL)
    *chord = chords[i];
  return TRUE;
}

gboolean
tandem_chord_lane_is_valid (const char *lane)
{
  g_auto(GStrv) tokens = NULL;
  guint n;

  if (lane == NULL)
    return FALSE;
  if (*lane == '\0')
    return TRUE;
  if (strlen (lane) > TANDEM_CHORD_LANE_MAX_BYTES)
    return FALSE;
  tokens = g_strsplit (lane, " ", -1);
  n = g_strv_length (tokens);
  if (n > TANDEM_CHORD_LANE_MAX_SLOTS)
    return FALSE;
  for (guint i = 0; i < n; i++)
    if (strcmp (tokens[i], "-") != 0 && !tandem_chord_parse (tokens[i], NULL))
      return FALSE; /* also an empty token: a double, leading or trailing space */
  return TRUE;
}

static const TandemProgression progressions[] = {
  { "Pop (I–V–vi–IV)", "I V vi IV" },
  { "Fifties (I–vi–IV–V)", "I vi IV V" },
  { "Circle (vi–ii–V–I)", "vi ii V I" },
  { "Jazz (ii7–V7–Imaj7)", "ii7 V7 Imaj7 Imaj7" },
  { "Plagal, borrowed iv (I–IV–iv–I)", "I IV iv I" },
  { "Rock (I–♭VII–IV–I)", "I bVII IV I" },
  { "Epic (I–♭VI–♭VII–I)", "I bVI bVII I" },
  { "Andalusian, in minor (i–VII–VI–V)", "i VII VI V" },
  { "Twelve-bar blues", "I7 I7 I7 I7 IV7 IV7 I7 I7 V7 IV7 I7 V7" },
  { NULL, NULL },
};

const TandemProgression *
tandem_progressions (void)
{
  return progressions;
}

char *
tandem_progression_by_fifths (TandemScale scale,
                              guint       start_degree,
                              int         fifths,
                              guint       n,
                              gboolean    seventh)
{
  GString *s = g_string_new (NULL);
  int degree = (int) (start_degree % 7);

  n = MIN (n, TANDEM_CHORD_LANE_MAX_SLOTS);
  for (guint i = 0; i < n; i++)
    {
      TandemChord c = tandem_chord_diatonic (scale, (guint) degree, seventh);
      g_autofree char *text = tandem_chord_to_string (&c);

      if (i > 0)
        g_string_append_c (s, ' ');
      g_string_append (s, text);
      /* A diatonic fifth is four scale steps up (three down). */
      degree = ((degree + 4 * fifths) % 7 + 7) % 7;
    }
  return g_string_free (s, FALSE);
}
