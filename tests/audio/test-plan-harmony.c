/* test-plan-harmony.c — the notes of chord-tone, chord and arpeggio tracks, worked by hand
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "tandem-plan-harmony.h"

static TandemCell row[TANDEM_MAX_STEPS];

static void
clear_row (void)
{
  for (guint s = 0; s < TANDEM_MAX_STEPS; s++)
    row[s] = (TandemCell) { 0, 100, 0 };
}

/* The notes at @step as "0 4 7", "-" for none, "scale" when there is no chord. */
static char *
notes_at (const TandemPlanHarmony *h,
          const TandemPlanVoicing *v,
          guint                    step)
{
  int notes[TANDEM_PLAN_MAX_CHORD_NOTES];
  const TandemCell *from = NULL;
  int n = tandem_plan_harmony_notes (h, v, row, 16, step, notes, &from);
  GString *s = g_string_new (NULL);

  if (n < 0)
    {
      g_string_free (s, TRUE);
      return g_strdup ("scale");
    }
  if (n == 0)
    g_string_append (s, "-");
  for (int i = 0; i < n; i++)
    g_string_append_printf (s, "%s%d", i > 0 ? " " : "", notes[i]);
  return g_string_free (s, FALSE);
}

static void
assert_notes (const TandemPlanHarmony *h,
              const TandemPlanVoicing *v,
              const char * const      *expected)
{
  for (guint s = 0; expected[s] != NULL; s++)
    {
      g_autofree char *got = notes_at (h, v, s);

      g_test_message ("step %u", s);
      g_assert_cmpstr (got, ==, expected[s]);
    }
}

static void
test_chords (void)
{
  TandemPlanHarmony h = { "I V7", TRUE, 4, 4, TANDEM_SCALE_MAJOR, 0 };
  TandemPlanVoicing v = { TANDEM_HARMONY_CHORD, TANDEM_ARP_OFF, 1, 1 };
  /* Step 5 is still in beat 1 (V7), a first inversion: B D F G. */
  static const char * const whole[] = { "0 4 7", "-", "-", "-", "7 11 14 17", "11 14 17 19", NULL };

  clear_row ();
  row[0].velocity = 100;
  row[4].velocity = 100;
  row[4].note = 0;
  row[5].velocity = 100;
  row[5].note = 1;
  /* Per beat: steps 0-3 play I, steps 4-7 V7, 8-11 I again. */
  h.lane = "I V7 I";
  assert_notes (&h, &v, whole);

  v.harmony = TANDEM_HARMONY_CHORD_TONE;
  row[4].note = 3;  /* the seventh of V7: F, 17 semitones above C */
  row[5].note = 4;  /* past the four tones: the root an octave up */
  h.lane = "I V7 I";
  {
    g_autofree char *at4 = notes_at (&h, &v, 4);
    g_autofree char *at5 = notes_at (&h, &v, 5);

    g_assert_cmpstr (at4, ==, "17");
    g_assert_cmpstr (at5, ==, "19"); /* step 5 is still V7: G an octave up */
  }
  /* On a triad, tone 3 is the root an octave up. */
  {
    g_autofree char *at0 = NULL;

    row[0].note = 3;
    at0 = notes_at (&h, &v, 0);
    g_assert_cmpstr (at0, ==, "12");
    row[0].note = -1; /* below the root: the fifth an octave down */
    g_clear_pointer (&at0, g_free);
    at0 = notes_at (&h, &v, 0);
    g_assert_cmpstr (at0, ==, "-5");
  }

  /* In A minor, V7 has the raised third: E G# B D over A. */
  {
    TandemPlanHarmony m = { "V7", FALSE, 4, 4, TANDEM_SCALE_MINOR, 0 };
    TandemPlanVoicing w = { TANDEM_HARMONY_CHORD, TANDEM_ARP_OFF, 1, 1 };
    g_autofree char *got = NULL;

    row[0].note = 0;
    got = notes_at (&m, &w, 0);
    g_assert_cmpstr (got, ==, "7 11 14 17");
  }

  /* No chord in the slot: the cell plays as a scale degree. */
  {
    TandemPlanHarmony m = { "- I", TRUE, 4, 4, TANDEM_SCALE_MAJOR, 0 };
    g_autofree char *got = notes_at (&m, &v, 0);

    g_assert_cmpstr (got, ==, "scale");
  }
}

static void
test_arpeggios (void)
{
  TandemPlanHarmony h = { "I", FALSE, 4, 4, TANDEM_SCALE_MAJOR, 9 };
  TandemPlanVoicing v = { TANDEM_HARMONY_CHORD, TANDEM_ARP_UP, 1, 1 };
  static const char * const up[] = { "0", "4", "7", "0", "4", "7", NULL };
  static const char * const down[] = { "7", "4", "0", "7", NULL };
  static const char * const up_down[] = { "0", "4", "7", "4", "0", "4", "7", NULL };
  static const char * const every2[] = { "0", "-", "4", "-", "7", "-", "0", NULL };
  /* A new cell at step 3 starts the arpeggio again, an inversion up. */
  static const char * const restart[] = { "0", "4", "7", "4", "7", "12", NULL };

  clear_row ();
  row[0].velocity = 100;
  assert_notes (&h, &v, up);
  v.arp = TANDEM_ARP_DOWN;
  assert_notes (&h, &v, down);
  v.arp = TANDEM_ARP_UP_DOWN;
  assert_notes (&h, &v, up_down);
  v.arp = TANDEM_ARP_UP;
  v.arp_rate = 2;
  assert_notes (&h, &v, every2);
  v.arp_rate = 1;
  row[3].velocity = 80;
  row[3].note = 1;
  assert_notes (&h, &v, restart);

  /* Random: chord tones only, the same for the same seed, another for another. */
  {
    GString *a = g_string_new (NULL), *b = g_string_new (NULL), *c = g_string_new (NULL);

    row[3].velocity = 0;
    v.arp = TANDEM_ARP_RANDOM;
    for (guint s = 0; s < 16; s++)
      {
        g_autofree char *x = notes_at (&h, &v, s);
        g_autofree char *y = notes_at (&h, &v, s);

        g_assert_true (g_str_equal (x, "0") || g_str_equal (x, "4") || g_str_equal (x, "7"));
        g_string_append (a, x);
        g_string_append (b, y);
      }
    h.seed = 10;
    for (guint s = 0; s < 16; s++)
      {
        g_autofree char *z = notes_at (&h, &v, s);

        g_string_append (c, z);
      }
    g_assert_cmpstr (a->str, ==, b->str);
    g_assert_cmpstr (a->str, !=, c->str);
    g_string_free (a, TRUE);
    g_string_free (b, TRUE);
    g_string_free (c, TRUE);
  }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/audio/plan-harmony/chords", test_chords);
  g_test_add_func ("/audio/plan-harmony/arpeggios", test_arpeggios);
  return g_test_run ();
}
