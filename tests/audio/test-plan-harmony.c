/* test-plan-harmony.c — the notes of chord-tone, chord and arpeggio tracks, worked by hand
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>

#include "audio-test-utils.h"
#include "tandem-plan-compile.h"
#include "tandem-plan-harmony.h"

static TandemCell row[TANDEM_MAX_STEPS];

static TandemPlanHarmony *
harmony_new (const char  *lane,
             gboolean     per_beat,
             TandemScale  scale,
             guint        seed)
{
  TandemPlanHarmony *h = g_new0 (TandemPlanHarmony, 1);

  tandem_plan_harmony_init (h, lane, per_beat, 4, 4, scale, seed);
  return h;
}

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
  g_autofree TandemPlanHarmony *h = harmony_new ("I V7 I", TRUE, TANDEM_SCALE_MAJOR, 0);
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
  assert_notes (h, &v, whole);

  v.harmony = TANDEM_HARMONY_CHORD_TONE;
  row[4].note = 3;  /* the seventh of V7: F, 17 semitones above C */
  row[5].note = 4;  /* past the four tones: the root an octave up */
  {
    g_autofree char *at4 = notes_at (h, &v, 4);
    g_autofree char *at5 = notes_at (h, &v, 5);

    g_assert_cmpstr (at4, ==, "17");
    g_assert_cmpstr (at5, ==, "19"); /* step 5 is still V7: G an octave up */
  }
  /* On a triad, tone 3 is the root an octave up. */
  {
    g_autofree char *at0 = NULL;

    row[0].note = 3;
    at0 = notes_at (h, &v, 0);
    g_assert_cmpstr (at0, ==, "12");
    row[0].note = -1; /* below the root: the fifth an octave down */
    g_clear_pointer (&at0, g_free);
    at0 = notes_at (h, &v, 0);
    g_assert_cmpstr (at0, ==, "-5");
  }

  /* In A minor, V7 has the raised third: E G# B D over A. */
  {
    g_autofree TandemPlanHarmony *m = harmony_new ("V7", FALSE, TANDEM_SCALE_MINOR, 0);
    TandemPlanVoicing w = { TANDEM_HARMONY_CHORD, TANDEM_ARP_OFF, 1, 1 };
    g_autofree char *got = NULL;

    row[0].note = 0;
    got = notes_at (m, &w, 0);
    g_assert_cmpstr (got, ==, "7 11 14 17");
  }

  /* No chord in the slot: the cell plays as a scale degree. */
  {
    g_autofree TandemPlanHarmony *m = harmony_new ("- I", TRUE, TANDEM_SCALE_MAJOR, 0);
    g_autofree char *got = notes_at (m, &v, 0);

    g_assert_cmpstr (got, ==, "scale");
  }
}

static void
test_arpeggios (void)
{
  g_autofree TandemPlanHarmony *h = harmony_new ("I", FALSE, TANDEM_SCALE_MAJOR, 9);
  TandemPlanVoicing v = { TANDEM_HARMONY_CHORD, TANDEM_ARP_UP, 1, 1 };
  static const char * const up[] = { "0", "4", "7", "0", "4", "7", NULL };
  static const char * const down[] = { "7", "4", "0", "7", NULL };
  static const char * const up_down[] = { "0", "4", "7", "4", "0", "4", "7", NULL };
  static const char * const every2[] = { "0", "-", "4", "-", "7", "-", "0", NULL };
  /* A new cell at step 3 starts the arpeggio again, an inversion up. */
  static const char * const restart[] = { "0", "4", "7", "4", "7", "12", NULL };

  clear_row ();
  row[0].velocity = 100;
  assert_notes (h, &v, up);
  v.arp = TANDEM_ARP_DOWN;
  assert_notes (h, &v, down);
  v.arp = TANDEM_ARP_UP_DOWN;
  assert_notes (h, &v, up_down);
  v.arp = TANDEM_ARP_UP;
  v.arp_rate = 2;
  assert_notes (h, &v, every2);
  v.arp_rate = 1;
  row[3].velocity = 80;
  row[3].note = 1;
  assert_notes (h, &v, restart);

  /* Random: chord tones only, the same for the same seed, another for another. */
  {
    GString *a = g_string_new (NULL), *b = g_string_new (NULL), *c = g_string_new (NULL);

    row[3].velocity = 0;
    v.arp = TANDEM_ARP_RANDOM;
    for (guint s = 0; s < 16; s++)
      {
        g_autofree char *x = notes_at (h, &v, s);
        g_autofree char *y = notes_at (h, &v, s);

        g_assert_true (g_str_equal (x, "0") || g_str_equal (x, "4") || g_str_equal (x, "7"));
        g_string_append (a, x);
        g_string_append (b, y);
      }
    h->seed = 10;
    for (guint s = 0; s < 16; s++)
      {
        g_autofree char *z = notes_at (h, &v, s);

        g_string_append (c, z);
      }
    g_assert_cmpstr (a->str, ==, b->str);
    g_assert_cmpstr (a->str, !=, c->str);
    g_string_free (a, TRUE);
    g_string_free (b, TRUE);
    g_string_free (c, TRUE);
  }
}

/* ---- through the plan and the renderer ----------------------------------- */

static TandemProject *
chord_project (const char *harmony,
               const char *arp,
               const char *lane,
               int         note)
{
  TandemProject *project = atu_project_new (120.0, 4, 16);

  atu_add_track (project, "s", "synth");
  atu_set_track (project, "s", "volume", -24.0);
  atu_apply (project, tandem_op_new_set_string (TANDEM_ENTITY_TRACK, "s", "harmony", harmony));
  atu_apply (project, tandem_op_new_set_string (TANDEM_ENTITY_TRACK, "s", "arp", arp));
  atu_apply (project, tandem_op_new_set_string (TANDEM_ENTITY_PATTERN, "p0", "chords", lane));
  atu_set_cell (project, "p0", "s", 0, "velocity", 100);
  if (note != 0)
    atu_set_cell (project, "p0", "s", 0, "note", note);
  return project;
}

/* The plan's notes at step 0 of the pattern. */
static char *
plan_notes (TandemProject *project)
{
  g_autoptr(TandemRenderPlan) plan = atu_compile (project, NULL);
  const TandemPlanPattern *pattern = &plan->patterns[0];
  GString *s = g_string_new (NULL);

  for (guint32 e = plan->offsets[pattern->notes.first]; e < plan->offsets[pattern->notes.first + 1]; e++)
    g_string_append_printf (s, "%s%s%d", s->len > 0 ? " " : "",
                            plan->events[e].chromatic ? "" : "degree ", plan->events[e].note);
  return g_string_free (s, FALSE);
}

static void
test_plan_events (void)
{
  g_autoptr(TandemProject) chord = chord_project ("chord", "off", "V7", 0);
  g_autoptr(TandemProject) tone = chord_project ("chord-tone", "off", "V7", 1);
  g_autoptr(TandemProject) scale = chord_project ("scale", "off", "V7", 1);
  g_autofree char *a = plan_notes (chord);
  g_autofree char *b = plan_notes (tone);
  g_autofree char *c = plan_notes (scale);

  g_assert_cmpstr (a, ==, "7 11 14 17");
  g_assert_cmpstr (b, ==, "11");
  g_assert_cmpstr (c, ==, "degree 1");
}

/* A chord sounds as its notes played together: the render of the chord is
 * the sum of the renders of each tone alone (the voices mix linearly at a
 * level the limiter leaves alone). */
static void
test_render_polyphony (void)
{
  const gsize n = 48000 / 4;
  g_autoptr(TandemProject) chord = chord_project ("chord", "off", "I", 0);
  g_autofree float *all = atu_render (chord, NULL, 1, n, 256);
  g_autofree float *sum = g_new0 (float, n * 2);
  float diff = 0, peak;

  for (int k = 0; k < 3; k++)
    {
      g_autoptr(TandemProject) one = chord_project ("chord-tone", "off", "I", k);
      g_autofree float *out = atu_render (one, NULL, 1, n, 256);

      for (gsize i = 0; i < n * 2; i++)
        sum[i] += out[i];
    }
  peak = atu_peak (all, n * 2);
  for (gsize i = 0; i < n * 2; i++)
    diff = MAX (diff, fabsf (all[i] - sum[i]));
  g_test_message ("chord peak %.4f, largest difference from the sum of its tones %.6f", peak, diff);
  g_assert_cmpfloat (peak, >, 0.01f);
  g_assert_cmpfloat (diff, <, peak * 1e-3f);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/audio/plan-harmony/chords", test_chords);
  g_test_add_func ("/audio/plan-harmony/arpeggios", test_arpeggios);
  g_test_add_func ("/audio/plan-harmony/plan-events", test_plan_events);
  g_test_add_func ("/audio/plan-harmony/render-polyphony", test_render_polyphony);
  return g_test_run ();
}
