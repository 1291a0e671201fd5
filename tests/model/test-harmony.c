/* test-harmony.c — chords spelled in several keys, progressions and the circle of fifths
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "tandem-model.h"

enum { C = 0, Db = 1, D = 2, Eb = 3, E = 4, F = 5, Gb = 6, G = 7, Ab = 8, A = 9, Bb = 10, B = 11 };

typedef struct
{
  guint        key;
  TandemScale  scale;
  const char  *roman;
  const char  *name;
  const char  *tones;
} Spelling;

static void
test_spelling (void)
{
  static const Spelling cases[] = {
    { C, TANDEM_SCALE_MAJOR, "I", "C", "C E G" },
    { C, TANDEM_SCALE_MAJOR, "ii", "Dm", "D F A" },
    { C, TANDEM_SCALE_MAJOR, "V7", "G7", "G B D F" },
    { C, TANDEM_SCALE_MAJOR, "vi", "Am", "A C E" },
    { C, TANDEM_SCALE_MAJOR, "viio", "Bdim", "B D F" },
    { C, TANDEM_SCALE_MAJOR, "Imaj7", "Cmaj7", "C E G B" },
    { C, TANDEM_SCALE_MAJOR, "bVII", "Bb", "Bb D F" },
    { C, TANDEM_SCALE_MAJOR, "bVI", "Ab", "Ab C Eb" },
    { C, TANDEM_SCALE_MAJOR, "iv", "Fm", "F Ab C" },
    { C, TANDEM_SCALE_MAJOR, "#IV", "F#", "F# A# C#" },
    { G, TANDEM_SCALE_MAJOR, "IV", "C", "C E G" },
    { G, TANDEM_SCALE_MAJOR, "V7", "D7", "D F# A C" },
    { G, TANDEM_SCALE_MAJOR, "viio", "F#dim", "F# A C" },
    { F, TANDEM_SCALE_MAJOR, "IV", "Bb", "Bb D F" },
    { F, TANDEM_SCALE_MAJOR, "iih7", "Gm7b5", "G Bb Db F" },
    { Eb, TANDEM_SCALE_MAJOR, "ii7", "Fm7", "F Ab C Eb" },
    { Eb, TANDEM_SCALE_MAJOR, "V7", "Bb7", "Bb D F Ab" },
    { Db, TANDEM_SCALE_MAJOR, "IV", "Gb", "Gb Bb Db" },
    { Db, TANDEM_SCALE_MAJOR, "ii", "Ebm", "Eb Gb Bb" },
    { D, TANDEM_SCALE_MAJOR, "iii", "F#m", "F# A C#" },
    { Gb, TANDEM_SCALE_MAJOR, "viio", "E#dim", "E# G# B" },
    { A, TANDEM_SCALE_MINOR, "i", "Am", "A C E" },
    { A, TANDEM_SCALE_MINOR, "III", "C", "C E G" },
    { A, TANDEM_SCALE_MINOR, "V7", "E7", "E G# B D" },
    { A, TANDEM_SCALE_MINOR, "#viio7", "G#dim7", "G# B D F" },
    { E, TANDEM_SCALE_MINOR, "VI", "C", "C E G" },
    { C, TANDEM_SCALE_MINOR, "iv", "Fm", "F Ab C" },
    { C, TANDEM_SCALE_MINOR, "VII", "Bb", "Bb D F" },
    { B, TANDEM_SCALE_MINOR, "iio", "C#dim", "C# E G" },
    { D, TANDEM_SCALE_DORIAN, "IV", "G", "G B D" },
    { G, TANDEM_SCALE_MIXOLYDIAN, "VII", "F", "F A C" },
    { C, TANDEM_SCALE_MAJOR, "Vsus4", "Gsus4", "G C D" },
    { C, TANDEM_SCALE_MAJOR, "III+", "Eaug", "E G# B#" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      TandemChord chord;
      g_autofree char *name = NULL;
      g_autofree char *tones = NULL;
      g_autofree char *back = NULL;

      g_test_message ("%s in %s", cases[i].roman,
                      tandem_key_get_name (cases[i].key, tandem_scale_is_minor (cases[i].scale)));
      g_assert_true (tandem_chord_parse (cases[i].roman, &chord));
      name = tandem_chord_get_name (&chord, cases[i].key, cases[i].scale);
      tones = tandem_chord_spell_tones (&chord, cases[i].key, cases[i].scale);
      back = tandem_chord_to_string (&chord);
      g_assert_cmpstr (name, ==, cases[i].name);
      g_assert_cmpstr (tones, ==, cases[i].tones);
      g_assert_cmpstr (back, ==, cases[i].roman);
    }
}

static void
test_tones (void)
{
  TandemChord chord;
  guint t[TANDEM_CHORD_MAX_TONES];

  /* V7 in D: A C# E G, as semitones above D. */
  g_assert_true (tandem_chord_parse ("V7", &chord));
  g_assert_cmpuint (tandem_chord_get_tones (&chord, D, TANDEM_SCALE_MAJOR, t), ==, 4);
  g_assert_cmpuint (t[0], ==, 7);
  g_assert_cmpuint (t[1], ==, 11);
  g_assert_cmpuint (t[2], ==, 14);
  g_assert_cmpuint (t[3], ==, 17);
  g_assert_cmpuint (tandem_chord_get_root (&chord, D, TANDEM_SCALE_MAJOR), ==, A);

  /* bVI in C minor is relative to the minor scale: Ab → G. */
  g_assert_true (tandem_chord_parse ("bVI", &chord));
  g_assert_cmpuint (tandem_chord_get_root (&chord, C, TANDEM_SCALE_MINOR), ==, G);
}

static void
test_parse_refuses (void)
{
  static const char * const bad[] = {
    "", "X", "IIII", "vii7b5", "Io", "vsus4", "bbVII", "I ", "V77", "Vmaj", "viiø7", "iv9",
  };
  TandemChord chord;
  g_autofree char *display = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    g_assert_false (tandem_chord_parse (bad[i], &chord));

  g_assert_true (tandem_chord_parse ("viih7", &chord));
  display = tandem_chord_to_display (&chord);
  g_assert_cmpstr (display, ==, "viiø7");
}

static void
test_diatonic (void)
{
  static const char * const major[] = { "I", "ii", "iii", "IV", "V", "vi", "viio" };
  static const char * const major7[] = {
    "Imaj7", "ii7", "iii7", "IVmaj7", "V7", "vi7", "viih7",
  };
  static const char * const minor[] = { "i", "iio", "III", "iv", "v", "VI", "VII" };

  for (guint d = 0; d < 7; d++)
    {
      TandemChord c = tandem_chord_diatonic (TANDEM_SCALE_MAJOR, d, FALSE);
      TandemChord c7 = tandem_chord_diatonic (TANDEM_SCALE_MAJOR, d, TRUE);
      TandemChord m = tandem_chord_diatonic (TANDEM_SCALE_MINOR, d, FALSE);
      g_autofree char *s = tandem_chord_to_string (&c);
      g_autofree char *s7 = tandem_chord_to_string (&c7);
      g_autofree char *sm = tandem_chord_to_string (&m);

      g_assert_cmpstr (s, ==, major[d]);
      g_assert_cmpstr (s7, ==, major7[d]);
      g_assert_cmpstr (sm, ==, minor[d]);
    }
}

static void
test_keys_and_circle (void)
{
  static const char * const clockwise[] = {
    "C", "G", "D", "A", "E", "B", "F#", "Db", "Ab", "Eb", "Bb", "F",
  };
  static const char * const inside[] = {
    "Am", "Em", "Bm", "F#m", "C#m", "G#m", "D#m", "Bbm", "Fm", "Cm", "Gm", "Dm",
  };

  for (guint p = 0; p < 12; p++)
    {
      guint major = tandem_circle_get_root (p, FALSE);
      guint minor = tandem_circle_get_root (p, TRUE);

      g_assert_cmpstr (tandem_key_get_name (major, FALSE), ==, clockwise[p]);
      g_assert_cmpstr (tandem_key_get_name (minor, TRUE), ==, inside[p]);
      g_assert_cmpuint (tandem_circle_get_position (major, FALSE), ==, p);
      g_assert_cmpuint (tandem_circle_get_position (minor, TRUE), ==, p);
      g_assert_cmpuint (tandem_key_relative_major (minor), ==, major);
    }
  g_assert_cmpuint (tandem_circle_step (C, 1), ==, G);
  g_assert_cmpuint (tandem_circle_step (C, -1), ==, F);
  g_assert_cmpuint (tandem_circle_step (Eb, -3), ==, Gb);
  g_assert_cmpuint (tandem_circle_step (A, 12), ==, A);
  g_assert_cmpuint (tandem_circle_step (A, -13), ==, D);
  g_assert_true (tandem_scale_is_minor (TANDEM_SCALE_DORIAN));
  g_assert_false (tandem_scale_is_minor (TANDEM_SCALE_MIXOLYDIAN));
}

static void
test_lanes_and_progressions (void)
{
  const TandemProgression *p = tandem_progressions ();
  TandemChord chords[TANDEM_CHORD_LANE_MAX_SLOTS];
  gboolean has[TANDEM_CHORD_LANE_MAX_SLOTS];
  g_autofree char *fifths = NULL;
  g_autofree char *fifths7 = NULL;
  g_autofree char *up = NULL;
  g_autoptr(GString) long_lane = g_string_new ("I");
  guint n;

  for (guint i = 0; p[i].name != NULL; i++)
    g_assert_true (tandem_chord_lane_is_valid (p[i].chords));

  g_assert_true (tandem_chord_lane_is_valid (""));
  g_assert_true (tandem_chord_lane_is_valid ("I - V7 -"));
  g_assert_false (tandem_chord_lane_is_valid ("I  V"));
  g_assert_false (tandem_chord_lane_is_valid (" I"));
  g_assert_false (tandem_chord_lane_is_valid ("I V "));
  g_assert_false (tandem_chord_lane_is_valid ("I Q"));
  for (guint i = 1; i < TANDEM_CHORD_LANE_MAX_SLOTS; i++)
    g_string_append (long_lane, " V");
  g_assert_true (tandem_chord_lane_is_valid (long_lane->str));
  g_string_append (long_lane, " I");
  g_assert_false (tandem_chord_lane_is_valid (long_lane->str));

  n = tandem_chord_lane_parse ("vi - V7", chords, has);
  g_assert_cmpuint (n, ==, 3);
  g_assert_true (has[0] && !has[1] && has[2]);
  g_assert_cmpuint (chords[2].degree, ==, 4);
  g_assert_cmpint (chords[2].quality, ==, TANDEM_CHORD_DOMINANT7);

  /* Down by fifths from vi: vi ii V I IV viio iii vi. */
  fifths = tandem_progression_by_fifths (TANDEM_SCALE_MAJOR, 5, -1, 8, FALSE);
  g_assert_cmpstr (fifths, ==, "vi ii V I IV viio iii vi");
  fifths7 = tandem_progression_by_fifths (TANDEM_SCALE_MAJOR, 1, -1, 3, TRUE);
  g_assert_cmpstr (fifths7, ==, "ii7 V7 Imaj7");
  up = tandem_progression_by_fifths (TANDEM_SCALE_MINOR, 0, 1, 4, FALSE);
  g_assert_cmpstr (up, ==, "i v iio VI");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/harmony/spelling", test_spelling);
  g_test_add_func ("/harmony/tones", test_tones);
  g_test_add_func ("/harmony/parse-refuses", test_parse_refuses);
  g_test_add_func ("/harmony/diatonic", test_diatonic);
  g_test_add_func ("/harmony/keys-circle", test_keys_and_circle);
  g_test_add_func ("/harmony/lanes-progressions", test_lanes_and_progressions);
  return g_test_run ();
}
