/* test-music-state.c — chord lanes, harmony, arpeggiator and evolution as document state
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "test-model-util.h"

static TandemOp *
set_pattern (TandemPattern *pattern,
             const char    *prop,
             const char    *value)
{
  return tandem_op_new_set_string (TANDEM_ENTITY_PATTERN, tandem_pattern_get_id (pattern), prop,
                                   value);
}

static void
test_chord_lane_ops (void)
{
  g_autoptr(TandemProject) project = tandem_project_new_demo ();
  TandemPattern *pattern = nth_pattern (project, 0);
  TandemTrack *track = nth_track (project, 0);
  const char *tid = tandem_track_get_id (track);
  g_autofree char *a = NULL, *b = NULL, *c = NULL, *d = NULL, *e = NULL;
  g_autoptr(TandemOp) lane = set_pattern (pattern, "chords", "I V vi IV");
  g_autoptr(TandemOp) rate = set_pattern (pattern, "chord-rate", "beat");
  g_autoptr(TandemOp) harmony = tandem_op_new_set_string (TANDEM_ENTITY_TRACK, tid, "harmony",
                                                          "chord");
  g_autoptr(TandemOp) arp = tandem_op_new_set_string (TANDEM_ENTITY_TRACK, tid, "arp", "up-down");
  g_autoptr(TandemOp) arp_rate = tandem_op_new_set_int (TANDEM_ENTITY_TRACK, tid, "arp-rate", 2);
  g_autoptr(TandemOp) seed = tandem_op_new_set_int (TANDEM_ENTITY_PROJECT, NULL, "seed", 4242);
  TandemChord chord;
  guint slot;

  g_assert_cmpstr (tandem_pattern_get_chords (pattern), ==, "");
  a = check_apply_and_invert (project, lane);
  g_assert_cmpstr (tandem_pattern_get_chords (pattern), ==, "I V vi IV");
  b = check_apply_and_invert (project, rate);
  g_assert_cmpint (tandem_pattern_get_chord_rate (pattern), ==, TANDEM_CHORD_RATE_BEAT);
  c = check_apply_and_invert (project, harmony);
  d = check_apply_and_invert (project, arp);
  e = check_apply_and_invert (project, arp_rate);
  g_assert_cmpint (tandem_track_get_harmony (track), ==, TANDEM_HARMONY_CHORD);
  g_assert_cmpint (tandem_track_get_arp (track), ==, TANDEM_ARP_UP_DOWN);
  g_assert_cmpuint (tandem_track_get_arp_rate (track), ==, 2);
  g_clear_pointer (&a, g_free);
  a = check_apply_and_invert (project, seed);
  g_assert_cmpuint (tandem_project_get_seed (project), ==, 4242);
  g_assert_nonnull (strstr (a, "\"chords\":\"I V vi IV\",\"chord-rate\":\"beat\""));
  g_assert_nonnull (strstr (a, "\"harmony\":\"chord\",\"arp\":\"up-down\",\"arp-rate\":2"));

  /* Per beat, 4 steps a beat: step 5 is beat 1 (V), step 17 wraps to I. */
  g_assert_true (tandem_chord_lane_chord_at (tandem_pattern_get_chords (pattern), TRUE, 4, 4, 5,
                                             &chord, &slot));
  g_assert_cmpuint (slot, ==, 1);
  g_assert_cmpuint (chord.degree, ==, 4);
  g_assert_true (tandem_chord_lane_chord_at ("I V vi IV", TRUE, 4, 4, 17, &chord, &slot));
  g_assert_cmpuint (slot, ==, 0);
  /* Per bar, 16 steps a bar: step 20 is in bar 1. */
  g_assert_true (tandem_chord_lane_chord_at ("I - vi IV", FALSE, 4, 4, 40, &chord, &slot));
  g_assert_cmpuint (chord.degree, ==, 5);
  g_assert_false (tandem_chord_lane_chord_at ("I - vi IV", FALSE, 4, 4, 20, &chord, &slot));
  g_assert_false (tandem_chord_lane_chord_at ("", FALSE, 4, 4, 0, &chord, NULL));
}

static void
test_chord_lane_refused (void)
{
  g_autoptr(TandemProject) project = tandem_project_new_demo ();
  TandemPattern *pattern = nth_pattern (project, 0);
  const char *tid = tandem_track_get_id (nth_track (project, 0));
  static const char * const bad[] = { "I  V", "I X", " I", "V7 ", "I\tV", "Ιv" };
  g_autoptr(GString) long_lane = g_string_new ("I");

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(TandemOp) op = set_pattern (pattern, "chords", bad[i]);

      check_rejected (project, op, TANDEM_MODEL_ERROR_OUT_OF_RANGE);
    }
  for (guint i = 0; i < TANDEM_CHORD_LANE_MAX_SLOTS; i++)
    g_string_append (long_lane, " V7");
  {
    g_autoptr(TandemOp) op = set_pattern (pattern, "chords", long_lane->str);
    g_autoptr(TandemOp) rate = set_pattern (pattern, "chord-rate", "bars");
    g_autoptr(TandemOp) num = tandem_op_new_set_int (TANDEM_ENTITY_PATTERN,
                                                     tandem_pattern_get_id (pattern), "chords", 1);
    g_autoptr(TandemOp) arp = tandem_op_new_set_int (TANDEM_ENTITY_TRACK, tid, "arp-rate", 17);
    g_autoptr(TandemOp) arp0 = tandem_op_new_set_int (TANDEM_ENTITY_TRACK, tid, "arp-rate", 0);
    g_autoptr(TandemOp) mode = tandem_op_new_set_string (TANDEM_ENTITY_TRACK, tid, "harmony",
                                                         "chords");
    g_autoptr(TandemOp) seed = tandem_op_new_set_int (TANDEM_ENTITY_PROJECT, NULL, "seed",
                                                      G_GINT64_CONSTANT (4294967296));

    check_rejected (project, op, TANDEM_MODEL_ERROR_OUT_OF_RANGE);
    check_rejected (project, rate, TANDEM_MODEL_ERROR_OUT_OF_RANGE);
    check_rejected (project, num, TANDEM_MODEL_ERROR_WRONG_TYPE);
    check_rejected (project, arp, TANDEM_MODEL_ERROR_OUT_OF_RANGE);
    check_rejected (project, arp0, TANDEM_MODEL_ERROR_OUT_OF_RANGE);
    check_rejected (project, mode, TANDEM_MODEL_ERROR_OUT_OF_RANGE);
    check_rejected (project, seed, TANDEM_MODEL_ERROR_OUT_OF_RANGE);
  }
}

static void
test_evolve_rows (void)
{
  TandemCell row[TANDEM_MAX_STEPS] = { { 0 } }, out[TANDEM_MAX_STEPS];
  static const guint8 on[] = { 0, 4 };

  for (guint s = 0; s < TANDEM_MAX_STEPS; s++)
    row[s] = (TandemCell) { 0, 100, 0 };
  for (guint i = 0; i < G_N_ELEMENTS (on); i++)
    row[on[i]] = (TandemCell) { 90, 80, 3 };

  /* Rotate by 1 over 8 steps: x...x... → .x...x.., the whole cell moves. */
  tandem_evolve_row (TANDEM_EVOLVE_ROTATE, 1, 0, 1, 8, "t", row, out);
  for (guint s = 0; s < 8; s++)
    g_assert_cmpuint (out[s].velocity, ==, s == 1 || s == 5 ? 90 : 0);
  g_assert_cmpint (out[1].note, ==, 3);
  g_assert_cmpuint (out[1].probability, ==, 80);

  /* Rule 90 (left xor right) over 8: x...x... → .x.x.x.x */
  tandem_evolve_row (TANDEM_EVOLVE_AUTOMATON, 90, 0, 1, 8, "t", row, out);
  for (guint s = 0; s < 8; s++)
    g_assert_cmpuint (out[s].velocity > 0, ==, s % 2 == 1);
  /* Steps past the length stay. */
  g_assert_cmpuint (out[8].velocity, ==, 0);

  /* Mutate at 100 % flips every cell of the length, at 0 % none. */
  tandem_evolve_row (TANDEM_EVOLVE_MUTATE, 100, 7, 1, 8, "t", row, out);
  for (guint s = 0; s < 8; s++)
    g_assert_cmpuint (out[s].velocity > 0, ==, !(s == 0 || s == 4));
  tandem_evolve_row (TANDEM_EVOLVE_MUTATE, 0, 7, 1, 8, "t", row, out);
  for (guint s = 0; s < 8; s++)
    g_assert_cmpuint (out[s].velocity, ==, row[s].velocity);

  /* Density: 2 notes become E(1,8) or E(3,8) from the first note. */
  tandem_evolve_row (TANDEM_EVOLVE_DENSITY, 0, 7, 1, 8, "t", row, out);
  {
    guint n = 0;

    for (guint s = 0; s < 8; s++)
      n += out[s].velocity > 0;
    g_assert_true (n == 1 || n == 3);
    g_assert_cmpuint (out[0].velocity, ==, 90);
    if (n == 3)
      g_assert_true (out[3].velocity > 0 && out[6].velocity > 0);
  }
}

static void
apply_ok (TandemProject *project,
          TandemOp      *op)
{
  g_autoptr(GError) error = NULL;

  g_assert_nonnull (op);
  g_assert_true (tandem_project_apply (project, op, NULL, &error));
  g_assert_no_error (error);
}

/* Evolves a replica of @base: every replica has the same ids. */
static char *
evolve_for (const char       *base,
            guint             seed,
            TandemEvolveRule  rule,
            guint             k)
{
  g_autoptr(JsonNode) node = parse_json (base);
  g_autoptr(GError) error = NULL;
  g_autoptr(TandemProject) project = tandem_project_new_from_json (node, &error);
  TandemPattern *pattern = nth_pattern (project, 0);
  g_autoptr(TandemOp) start = tandem_evolve_op_start (project, pattern, rule, 30, 1, 32,
                                                      TANDEM_EVOLVE_END_STOP, seed, "alice");

  apply_ok (project, start);
  for (guint i = 0; i < k; i++)
    {
      g_autoptr(TandemOp) next = tandem_evolve_op_next (project, pattern);

      apply_ok (project, next);
    }
  g_assert_cmpuint (tandem_pattern_get_evolution_step (pattern), ==, k);
  return tandem_project_to_string (project);
}

static void
test_evolve_deterministic (void)
{
  TandemEvolveRule rules[] = { TANDEM_EVOLVE_MUTATE, TANDEM_EVOLVE_DENSITY };
  g_autoptr(TandemProject) demo = tandem_project_new_demo ();
  g_autofree char *base = tandem_project_to_string (demo);

  for (guint r = 0; r < G_N_ELEMENTS (rules); r++)
    {
      g_autofree char *a = evolve_for (base, 11, rules[r], 5);
      g_autofree char *b = evolve_for (base, 11, rules[r], 5);
      g_autofree char *c = evolve_for (base, 12, rules[r], 5);
      g_autofree char *start = evolve_for (base, 11, rules[r], 0);

      g_assert_cmpstr (a, ==, b);
      g_assert_cmpstr (a, !=, c);
      g_assert_cmpstr (a, !=, start);
    }
}

/* The pattern's cells as JSON text: what the evolution changes. */
static char *
cells_of (TandemProject *project)
{
  g_autoptr(JsonNode) node = tandem_project_to_json (project);
  JsonArray *patterns = json_object_get_array_member (json_node_get_object (node), "patterns");
  JsonObject *pattern = json_array_get_object_element (patterns, 0);

  return generate (json_object_get_member (pattern, "cells"));
}

static void
test_evolve_lifecycle (void)
{
  g_autoptr(TandemProject) project = tandem_project_new_demo ();
  TandemPattern *pattern = nth_pattern (project, 0);
  g_autofree char *before = cells_of (project);
  g_autofree char *cells_before = NULL;
  TandemEvolution ev;

  {
    g_autoptr(TandemOp) start = tandem_evolve_op_start (project, pattern, TANDEM_EVOLVE_ROTATE, 1,
                                                        2, 3, TANDEM_EVOLVE_END_LOOP, 5,
                                                        "alice");
    g_autofree char *unused = check_apply_and_invert (project, start);
  }
  tandem_pattern_get_evolution (pattern, &ev);
  g_assert_cmpint (ev.state, ==, TANDEM_EVOLVE_RUNNING);
  g_assert_cmpstr (ev.author, ==, "alice");
  g_assert_cmpuint (ev.every, ==, 2);
  g_assert_cmpuint (ev.steps, ==, 3);
  g_assert_cmpstr (ev.origin, !=, "");

  /* Three steps of rotation, then the loop comes back to the start. */
  for (guint k = 1; k <= 3; k++)
    {
      g_autoptr(TandemOp) next = tandem_evolve_op_next (project, pattern);
      g_autofree char *unused = check_apply_and_invert (project, next);

      g_assert_cmpuint (tandem_pattern_get_evolution_step (pattern), ==, k);
    }
  {
    g_autoptr(TandemOp) next = tandem_evolve_op_next (project, pattern);
    g_autoptr(TandemOp) keep = NULL;
    g_autofree char *now = NULL;

    apply_ok (project, next);
    g_assert_cmpuint (tandem_pattern_get_evolution_step (pattern), ==, 0);
    now = cells_of (project);
    g_assert_cmpstr (now, ==, before);
    keep = tandem_evolve_op_keep (pattern);
    apply_ok (project, keep);
    tandem_pattern_get_evolution (pattern, &ev);
    g_assert_cmpint (ev.state, ==, TANDEM_EVOLVE_OFF);
    g_assert_cmpstr (ev.origin, ==, "");
  }

  /* Pause and resume hand the steps to someone else. */
  {
    g_autoptr(TandemOp) start = tandem_evolve_op_start (project, pattern, TANDEM_EVOLVE_MUTATE, 50,
                                                        1, 2, TANDEM_EVOLVE_END_STOP, 9, "alice");
    g_autoptr(TandemOp) pause = NULL, resume = NULL, next = NULL, last = NULL, after = NULL;
    g_autoptr(TandemOp) revert = NULL;
    g_autofree char *now = NULL;

    apply_ok (project, start);
    pause = tandem_evolve_op_pause (pattern);
    apply_ok (project, pause);
    tandem_pattern_get_evolution (pattern, &ev);
    g_assert_cmpint (ev.state, ==, TANDEM_EVOLVE_PAUSED);
    g_assert_cmpstr (ev.author, ==, "");
    g_assert_null (tandem_evolve_op_next (project, pattern));
    resume = tandem_evolve_op_resume (pattern, "bob");
    apply_ok (project, resume);
    next = tandem_evolve_op_next (project, pattern);
    apply_ok (project, next);
    last = tandem_evolve_op_next (project, pattern);
    apply_ok (project, last);
    cells_before = cells_of (project);
    g_assert_cmpstr (cells_before, !=, before);
    /* After the last step, a stop: the cells stay, the state goes off. */
    after = tandem_evolve_op_next (project, pattern);
    apply_ok (project, after);
    tandem_pattern_get_evolution (pattern, &ev);
    g_assert_cmpint (ev.state, ==, TANDEM_EVOLVE_OFF);
    g_assert_cmpuint (ev.step, ==, 2);
    revert = tandem_evolve_op_revert (project, pattern);
    apply_ok (project, revert);
    now = cells_of (project);
    g_assert_cmpstr (now, ==, before);
  }
}

static void
test_evolve_origin_refused (void)
{
  g_autoptr(TandemProject) project = tandem_project_new_demo ();
  TandemPattern *pattern = nth_pattern (project, 0);
  static const char * const bad[] = {
    "{", "[]", "{\"bad id!\":{}}", "{\"abc\":{\"velocity\":\"zz\"}}", "{\"abc\":1}",
  };
  g_autoptr(GString) big = g_string_new ("{\"a\":{\"velocity\":\"");

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(TandemOp) op = set_pattern (pattern, "evolve-origin", bad[i]);

      check_rejected (project, op, TANDEM_MODEL_ERROR_OUT_OF_RANGE);
    }
  while (big->len <= TANDEM_EVOLVE_MAX_ORIGIN)
    g_string_append (big, "00");
  g_string_append (big, "\"}}");
  {
    g_autoptr(TandemOp) op = set_pattern (pattern, "evolve-origin", big->str);
    g_autoptr(TandemOp) author = set_pattern (pattern, "evolve-author", "not an id");
    g_autoptr(TandemOp) state = set_pattern (pattern, "evolve-state", "evolving");
    g_autoptr(TandemOp) every = tandem_op_new_set_int (TANDEM_ENTITY_PATTERN,
                                                       tandem_pattern_get_id (pattern),
                                                       "evolve-every", 0);

    check_rejected (project, op, TANDEM_MODEL_ERROR_OUT_OF_RANGE);
    check_rejected (project, author, TANDEM_MODEL_ERROR_OUT_OF_RANGE);
    check_rejected (project, state, TANDEM_MODEL_ERROR_OUT_OF_RANGE);
    check_rejected (project, every, TANDEM_MODEL_ERROR_OUT_OF_RANGE);
  }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/music-state/chord-lane", test_chord_lane_ops);
  g_test_add_func ("/music-state/chord-lane-refused", test_chord_lane_refused);
  g_test_add_func ("/music-state/evolve-rows", test_evolve_rows);
  g_test_add_func ("/music-state/evolve-deterministic", test_evolve_deterministic);
  g_test_add_func ("/music-state/evolve-lifecycle", test_evolve_lifecycle);
  g_test_add_func ("/music-state/evolve-origin-refused", test_evolve_origin_refused);
  return g_test_run ();
}
