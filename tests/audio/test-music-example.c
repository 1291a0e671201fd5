/* test-music-example.c — the example song that uses the chord lane, a generated
 * rhythm and melody, and an evolution; and a check that the committed file is
 * what the generator makes and that it plays
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * `test-music-example --generate DIR` writes circle-song.tandem into DIR;
 * examples/ holds its committed output.
 */
#include "config.h"

#include <math.h>

#include "audio-test-utils.h"
#include "tandem-plan-compile.h"

#define RATE 48000

static JsonNode *
object (JsonObject *obj)
{
  JsonNode *node = json_node_init_object (json_node_alloc (), obj);

  json_object_unref (obj);
  return node;
}

static void
add_track (TandemProject *project,
           const char    *id,
           const char    *name,
           const char    *color,
           const char    *instrument,
           double         volume)
{
  JsonObject *obj = json_object_new ();

  json_object_set_string_member (obj, "id", id);
  json_object_set_string_member (obj, "name", name);
  json_object_set_string_member (obj, "color", color);
  json_object_set_string_member (obj, "instrument", instrument);
  json_object_set_double_member (obj, "volume", volume);
  atu_apply (project, tandem_op_new_insert (TANDEM_ENTITY_TRACK, -1, object (obj)));
}

static void
add_pattern (TandemProject *project,
             const char    *id,
             const char    *name,
             guint          length)
{
  JsonObject *obj = json_object_new ();

  json_object_set_string_member (obj, "id", id);
  json_object_set_string_member (obj, "name", name);
  json_object_set_int_member (obj, "length", length);
  atu_apply (project, tandem_op_new_insert (TANDEM_ENTITY_PATTERN, -1, object (obj)));
}

static void
add_clip (TandemProject *project,
          const char    *id,
          const char    *pattern,
          guint          start,
          guint          length)
{
  JsonObject *obj = json_object_new ();

  json_object_set_string_member (obj, "id", id);
  json_object_set_string_member (obj, "pattern", pattern);
  json_object_set_int_member (obj, "start", start);
  json_object_set_int_member (obj, "length", length);
  atu_apply (project, tandem_op_new_insert (TANDEM_ENTITY_CLIP, -1, object (obj)));
}

static void
put_rhythm (TandemProject      *project,
            const char         *pattern,
            const char         *track,
            const TandemRhythm *rhythm)
{
  atu_apply (project, tandem_generate_op_rhythm (project,
                                                 tandem_project_find_pattern (project, pattern),
                                                 track, rhythm));
}

static TandemProject *
make_circle_song (void)
{
  TandemProject *project = tandem_project_new ();
  TandemRhythm r;

  atu_apply (project, tandem_op_new_set_string (TANDEM_ENTITY_PROJECT, NULL, "name", "Circle Song"));
  atu_set_project (project, "tempo", 96.0);
  /* D major, picked on the circle two fifths up from C. */
  atu_apply (project, tandem_op_new_set_int (TANDEM_ENTITY_PROJECT, NULL, "key-root",
                                             tandem_circle_step (0, 2)));
  atu_apply (project, tandem_op_new_set_string (TANDEM_ENTITY_PROJECT, NULL, "scale", "major"));
  atu_apply (project, tandem_op_new_set_int (TANDEM_ENTITY_PROJECT, NULL, "seed", 2026));
  atu_set_project (project, "master-volume", -3.0);

  add_track (project, "kick", "Kick", "#e66100", "kick", -1.0);
  add_track (project, "snare", "Snare", "#3584e4", "snare", -5.0);
  add_track (project, "hats", "Hats", "#2ec27e", "hat-closed", -10.0);
  add_track (project, "chords", "Chords", "#9141ac", "synth", -9.0);
  add_track (project, "lead", "Lead", "#c64600", "synth", -8.0);
  atu_apply (project, tandem_op_new_set_string (TANDEM_ENTITY_TRACK, "chords", "harmony", "chord"));
  atu_apply (project, tandem_op_new_set_string (TANDEM_ENTITY_TRACK, "chords", "arp", "up-down"));
  atu_apply (project, tandem_op_new_set_int (TANDEM_ENTITY_TRACK, "chords", "arp-rate", 2));

  /* The verse: four bars of I–V–vi–IV, hats on r(3:2), kick on E(5,16),
   * a melody of chord tones on r(4:3). */
  add_pattern (project, "verse", "Verse", 64);
  atu_apply (project, tandem_op_new_set_string (TANDEM_ENTITY_PATTERN, "verse", "chords",
                                                tandem_progressions ()[0].chords));
  g_assert_true (tandem_rhythm_resultant (&r, 3, 2, 0, NULL));
  put_rhythm (project, "verse", "hats", &r);
  g_assert_true (tandem_rhythm_euclid (&r, 5, 16, 0, NULL));
  put_rhythm (project, "verse", "kick", &r);
  for (guint bar = 0; bar < 4; bar++)
    {
      atu_set_cell (project, "verse", "snare", bar * 16 + 4, "velocity", 100);
      atu_set_cell (project, "verse", "snare", bar * 16 + 12, "velocity", 100);
      atu_set_cell (project, "verse", "chords", bar * 16, "velocity", 90);
    }
  g_assert_true (tandem_rhythm_resultant (&r, 4, 3, 0, NULL));
  atu_apply (project, tandem_generate_op_melody (project,
                                                 tandem_project_find_pattern (project, "verse"),
                                                 "lead", &r, 7));

  /* The bridge falls by fifths from vi, and evolves: three steps of the
   * automaton are done, and it is paused for whoever plays it next. */
  add_pattern (project, "bridge", "Bridge", 16);
  {
    g_autofree char *fifths = tandem_progression_by_fifths (TANDEM_SCALE_MAJOR, 5, -1, 4, TRUE);

    atu_apply (project, tandem_op_new_set_string (TANDEM_ENTITY_PATTERN, "bridge", "chords",
                                                  fifths));
    atu_apply (project, tandem_op_new_set_string (TANDEM_ENTITY_PATTERN, "bridge", "chord-rate",
                                                  "beat"));
  }
  g_assert_true (tandem_rhythm_fractioning (&r, 3, 2, NULL));
  put_rhythm (project, "bridge", "hats", &r);
  g_assert_true (tandem_rhythm_euclid (&r, 3, 8, 0, NULL));
  put_rhythm (project, "bridge", "kick", &r);
  atu_set_cell (project, "bridge", "chords", 0, "velocity", 90);
  atu_set_cell (project, "bridge", "chords", 8, "velocity", 90);
  {
    TandemPattern *bridge = tandem_project_find_pattern (project, "bridge");

    atu_apply (project, tandem_evolve_op_start (project, bridge, TANDEM_EVOLVE_AUTOMATON, 90, 2,
                                                8, TANDEM_EVOLVE_END_LOOP, 2026, "composer"));
    for (guint k = 0; k < 3; k++)
      atu_apply (project, tandem_evolve_op_next (project, bridge));
    atu_apply (project, tandem_evolve_op_pause (bridge));
  }

  add_clip (project, "clip-verse", "verse", 0, 4);
  add_clip (project, "clip-bridge", "bridge", 4, 2);
  add_clip (project, "clip-verse-2", "verse", 6, 4);
  atu_apply (project, tandem_op_new_set_string (TANDEM_ENTITY_PROJECT, NULL, "current-pattern",
                                                "verse"));
  atu_apply (project, tandem_op_new_set_string (TANDEM_ENTITY_PROJECT, NULL, "play-mode", "song"));
  return project;
}

static void
test_committed (void)
{
  const char *srcdir = g_getenv ("TANDEM_SOURCE_DIR");
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(TandemProject) project = NULL;
  g_autoptr(TandemProject) fresh = make_circle_song ();
  g_autofree char *a = NULL;
  g_autofree char *b = NULL;
  g_autofree float *out = NULL;
  gsize n = (gsize) RATE * 5;
  TandemEvolution ev;

  g_assert_nonnull (srcdir);
  path = g_build_filename (srcdir, "examples", "circle-song.tandem", NULL);
  project = tandem_project_new_from_file (path, &error);
  g_assert_no_error (error);
  a = tandem_project_to_string (fresh);
  b = tandem_project_to_string (project);
  g_assert_cmpstr (a, ==, b);

  /* All three are in it: chords, generated rhythms, a paused evolution. */
  g_assert_cmpstr (tandem_pattern_get_chords (tandem_project_find_pattern (project, "verse")), ==,
                   "I V vi IV");
  g_assert_cmpstr (tandem_pattern_get_chords (tandem_project_find_pattern (project, "bridge")), ==,
                   "vi7 ii7 V7 Imaj7");
  tandem_pattern_get_evolution (tandem_project_find_pattern (project, "bridge"), &ev);
  g_assert_cmpint (ev.state, ==, TANDEM_EVOLVE_PAUSED);
  g_assert_cmpuint (ev.step, ==, 3);

  /* The chords and the lead play notes from the chord lane. */
  {
    g_autoptr(TandemRenderPlan) plan = atu_compile (project, NULL);
    const TandemPlanPattern *verse = &plan->patterns[0];
    guint chromatic = 0;

    for (guint32 e = plan->offsets[verse->notes.first];
         e < plan->offsets[verse->notes.first + verse->length]; e++)
      chromatic += plan->events[e].chromatic;
    g_test_message ("%u chord-lane notes in the verse", chromatic);
    g_assert_cmpuint (chromatic, >, 40);
  }

  out = atu_render (project, NULL, 1, n, 256);
  g_assert_cmpfloat (atu_peak (out, n * 2), >, 0.2f);
}

int
main (int    argc,
      char **argv)
{
  if (argc == 3 && g_strcmp0 (argv[1], "--generate") == 0)
    {
      g_autoptr(TandemProject) song = make_circle_song ();
      g_autofree char *path = g_build_filename (argv[2], "circle-song.tandem", NULL);
      g_autoptr(GError) error = NULL;

      if (!tandem_project_save_to_file (song, path, &error))
        g_error ("%s", error->message);
      return 0;
    }

  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/audio/examples/circle-song", test_committed);
  return g_test_run ();
}
