/* test-rhythm.c — resultants, fractioning, Euclidean rhythms and their variations,
 * checked against values worked out by hand
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "tandem-model.h"

static void
assert_durations (const TandemRhythm *r,
                  guint               period,
                  const char         *expected)
{
  g_autofree char *d = tandem_rhythm_to_durations_string (r);

  g_assert_cmpuint (r->period, ==, period);
  g_assert_cmpstr (d, ==, expected);
}

static void
assert_grid (const TandemRhythm *r,
             const char         *expected)
{
  g_autofree char *g = tandem_rhythm_to_grid_string (r);

  g_assert_cmpstr (g, ==, expected);
}

static void
test_resultant_two (void)
{
  TandemRhythm r;
  g_autoptr(GError) error = NULL;

  /* 3:2 over 6 units: attacks on 0 2 4 (every 2) and 0 3 (every 3). */
  g_assert_true (tandem_rhythm_resultant (&r, 3, 2, 0, &error));
  g_assert_no_error (error);
  assert_durations (&r, 6, "2 1 1 2");
  assert_grid (&r, "x.xxx.");

  /* 4:3 over 12: 0 3 6 9 and 0 4 8. */
  g_assert_true (tandem_rhythm_resultant (&r, 4, 3, 0, &error));
  assert_durations (&r, 12, "3 1 2 2 1 3");

  /* 5:4 over 20: 0 4 8 12 16 and 0 5 10 15. */
  g_assert_true (tandem_rhythm_resultant (&r, 5, 4, 0, &error));
  assert_durations (&r, 20, "4 1 3 2 2 3 1 4");

  /* The order of the generators does not matter. */
  g_assert_true (tandem_rhythm_resultant (&r, 2, 3, 0, &error));
  assert_durations (&r, 6, "2 1 1 2");
}

static void
test_resultant_three (void)
{
  TandemRhythm r;
  g_autoptr(GError) error = NULL;

  /* 5:3:2 over 30: every 6 (0 6 12 18 24), every 10 (0 10 20), every 15 (0 15). */
  g_assert_true (tandem_rhythm_resultant (&r, 5, 3, 2, &error));
  g_assert_no_error (error);
  assert_durations (&r, 30, "6 4 2 3 3 2 4 6");

  /* 4:3:2 over 24: every 6, every 8, every 12 → 0 6 8 12 16 18. */
  g_assert_true (tandem_rhythm_resultant (&r, 4, 3, 2, &error));
  assert_durations (&r, 24, "6 2 4 4 2 6");
}

static void
test_fractioning (void)
{
  TandemRhythm r;
  g_autoptr(GError) error = NULL;

  /* 3÷2 over 9: every 3 (0 3 6), every 2 for 6 units from the start (0 2 4 6)
   * and before the end (7 5 3) → 0 2 3 4 5 6 7. */
  g_assert_true (tandem_rhythm_fractioning (&r, 3, 2, &error));
  g_assert_no_error (error);
  assert_durations (&r, 9, "2 1 1 1 1 1 2");

  /* 4÷3 over 16: 0 4 8 12; 0 3 6 9 12; 13 10 7 4 → 0 3 4 6 7 8 9 10 12 13. */
  g_assert_true (tandem_rhythm_fractioning (&r, 4, 3, &error));
  assert_durations (&r, 16, "3 1 2 1 1 1 1 2 1 3");

  g_assert_false (tandem_rhythm_fractioning (&r, 2, 3, &error));
  g_assert_error (error, TANDEM_MODEL_ERROR, TANDEM_MODEL_ERROR_OUT_OF_RANGE);
}

static void
test_generator_limits (void)
{
  TandemRhythm r;
  g_autoptr(GError) error = NULL;

  g_assert_false (tandem_rhythm_resultant (&r, 0, 2, 0, &error));
  g_assert_error (error, TANDEM_MODEL_ERROR, TANDEM_MODEL_ERROR_OUT_OF_RANGE);
  g_clear_error (&error);
  g_assert_false (tandem_rhythm_resultant (&r, 3, 2, 17, &error));
  g_assert_error (error, TANDEM_MODEL_ERROR, TANDEM_MODEL_ERROR_OUT_OF_RANGE);
  g_clear_error (&error);
  /* The longest period fits. */
  g_assert_true (tandem_rhythm_resultant (&r, 16, 15, 14, &error));
  g_assert_cmpuint (r.period, ==, 16 * 15 * 14);
}

static void
test_euclid (void)
{
  TandemRhythm r;
  g_autoptr(GError) error = NULL;
  static const struct { guint k, n; const char *grid; } cases[] = {
    { 3, 8, "x..x..x." },
    { 5, 8, "x.xx.xx." },
    { 2, 5, "x.x.." },
    { 4, 12, "x..x..x..x.." },
    { 5, 12, "x..x.x..x.x." },
    { 7, 12, "x.xx.x.xx.x." },
    { 0, 4, "...." },
    { 4, 4, "xxxx" },
    { 1, 1, "x" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_assert_true (tandem_rhythm_euclid (&r, cases[i].k, cases[i].n, 0, &error));
      g_assert_no_error (error);
      assert_grid (&r, cases[i].grid);
    }

  g_assert_true (tandem_rhythm_euclid (&r, 3, 8, 1, &error));
  assert_grid (&r, "..x..x.x");
  g_assert_true (tandem_rhythm_euclid (&r, 3, 8, 3, &error));
  assert_grid (&r, "x..x.x..");
  g_assert_true (tandem_rhythm_euclid (&r, 3, 8, 8, &error));
  assert_grid (&r, "x..x..x.");

  g_assert_false (tandem_rhythm_euclid (&r, 9, 8, 0, &error));
  g_assert_error (error, TANDEM_MODEL_ERROR, TANDEM_MODEL_ERROR_OUT_OF_RANGE);
}

static void
test_inversion_and_permutations (void)
{
  static const guint d[] = { 3, 1, 2 };
  TandemRhythm r, base;
  g_autoptr(GError) error = NULL;

  g_assert_true (tandem_rhythm_set_durations (&base, d, 3, &error));
  g_assert_no_error (error);
  assert_grid (&base, "x..xx.");

  r = base;
  tandem_rhythm_invert (&r);
  assert_durations (&r, 6, "2 1 3");

  /* Circular permutations of 3 1 2. */
  r = base;
  tandem_rhythm_rotate_group (&r, 1);
  assert_durations (&r, 6, "1 2 3");
  r = base;
  tandem_rhythm_rotate_group (&r, 2);
  assert_durations (&r, 6, "2 3 1");

  /* All six permutations in lexicographic order of positions. */
  {
    static const char * const all[] = {
      "3 1 2", "3 2 1", "1 3 2", "1 2 3", "2 3 1", "2 1 3", "3 1 2",
    };

    for (guint i = 0; i < G_N_ELEMENTS (all); i++)
      {
        r = base;
        tandem_rhythm_permute (&r, i);
        assert_durations (&r, 6, all[i]);
      }
  }

  /* r(4:3) is a palindrome: its inversion is itself. */
  g_assert_true (tandem_rhythm_resultant (&r, 4, 3, 0, &error));
  tandem_rhythm_invert (&r);
  assert_durations (&r, 12, "3 1 2 2 1 3");
}

static void
test_density_and_variation (void)
{
  TandemRhythm r, base, v;
  g_autoptr(GError) error = NULL;

  g_assert_true (tandem_rhythm_resultant (&base, 3, 2, 0, &error));

  /* Denser: the first longest duration (2 at unit 0) splits in halves. */
  r = base;
  tandem_rhythm_change_density (&r, 1);
  assert_durations (&r, 6, "1 1 1 1 2");
  /* Sparser: the first shortest duration's ending attack goes (unit 3). */
  r = base;
  tandem_rhythm_change_density (&r, -1);
  assert_durations (&r, 6, "2 2 2");

  /* Variations: circular permutations first, then a density step up. */
  tandem_rhythm_variation (&base, 0, &v);
  assert_durations (&v, 6, "2 1 1 2");
  tandem_rhythm_variation (&base, 1, &v);
  assert_durations (&v, 6, "1 1 2 2");
  tandem_rhythm_variation (&base, 3, &v);
  assert_durations (&v, 6, "2 2 1 1");
  tandem_rhythm_variation (&base, 4, &v);
  assert_durations (&v, 6, "1 1 1 1 2");
  tandem_rhythm_variation (&base, 12, &v);
  assert_durations (&v, 6, "2 2 2");
  tandem_rhythm_variation (&base, 16, &v);
  assert_durations (&v, 6, "2 1 1 2");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/rhythm/resultant/two", test_resultant_two);
  g_test_add_func ("/rhythm/resultant/three", test_resultant_three);
  g_test_add_func ("/rhythm/fractioning", test_fractioning);
  g_test_add_func ("/rhythm/generator-limits", test_generator_limits);
  g_test_add_func ("/rhythm/euclid", test_euclid);
  g_test_add_func ("/rhythm/inversion-permutations", test_inversion_and_permutations);
  g_test_add_func ("/rhythm/density-variation", test_density_and_variation);
  return g_test_run ();
}
