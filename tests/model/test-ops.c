/* test-ops.c — every op kind applies, inverts and round-trips through JSON
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-ops"

#include "config.h"

#include <math.h>
#include <string.h>

#include "test-model-util.h"

#define HASH_A "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define HASH_B "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"

static TandemProject *
demo_with_sample (void)
{
  TandemProject *project = tandem_project_new_demo ();
  g_autoptr(TandemOp) op = NULL;
  g_autoptr(GError) error = NULL;

  op = tandem_op_new_insert (TANDEM_ENTITY_SAMPLE, -1, parse_json (
    "{\"id\":\"" HASH_A "\",\"name\":\"Cowbell\",\"format\":\"wav\",\"frames\":4410,"
    "\"rate\":44100,\"channels\":1,\"bytes\":8864}"));
  g_assert_true (tandem_project_apply (project, op, NULL, &error));
  g_assert_no_error (error);
  return project;
}

static void
test_set_project (void)
{
  g_autoptr(TandemProject) project = tandem_project_new_demo ();
  const char *pattern_id = tandem_pattern_get_id (nth_pattern (project, 0));
  struct { const char *prop; const char *value; } cases[] = {
    { "name", "\"Late Night Jam ✨\"" },
    { "tempo", "128.5" },
    { "tempo", "20" },
    { "tempo", "300" },
    { "swing", "33.25" },
    { "steps-per-beat", "3" },
    { "beats-per-bar", "7" },
    { "key-root", "11" },
    { "scale", "\"pentatonic-minor\"" },
    { "master-volume", "-12.25" },
    { "playing", "true" },
    { "play-mode", "\"song\"" },
    { "current-pattern", "\"\"" },
    { "loop-enabled", "true" },
    { "loop-start", "9998" },
    { "loop-length", "9999" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(TandemOp) op =
        tandem_op_new_set (TANDEM_ENTITY_PROJECT, NULL, cases[i].prop, parse_json (cases[i].value));
      g_autofree char *after = check_apply_and_invert (project, op);
      g_autofree char *needle = g_strdup_printf ("\"%s\":%s", cases[i].prop, cases[i].value);

      /* The value reads back exactly (ints given for doubles print as x.0). */
      if (strchr (cases[i].value, '.') != NULL || cases[i].value[0] == '"'
          || strcmp (cases[i].value, "true") == 0
          || strcmp (cases[i].prop, "steps-per-beat") == 0
          || strcmp (cases[i].prop, "beats-per-bar") == 0
          || strcmp (cases[i].prop, "key-root") == 0
          || g_str_has_prefix (cases[i].prop, "loop-"))
        g_assert_nonnull (strstr (after, needle));
    }

  {
    g_autoptr(TandemOp) op = tandem_op_new_set_string (TANDEM_ENTITY_PROJECT, NULL,
                                                       "current-pattern", pattern_id);
    g_autoptr(GError) error = NULL;

    g_assert_true (tandem_project_apply (project, op, NULL, &error));
    g_assert_cmpstr (tandem_project_get_current_pattern (project), ==, pattern_id);
  }

  g_assert_cmpfloat (tandem_project_get_tempo (project), ==, 300.0);
  g_assert_cmpint (tandem_project_get_scale (project), ==, TANDEM_SCALE_PENTATONIC_MINOR);
  g_assert_cmpint (tandem_project_get_play_mode (project), ==, TANDEM_PLAY_MODE_SONG);
  g_assert_cmpuint (tandem_project_get_loop_length (project), ==, 9999);
}

/* The transport anchor: any whole number of µs / steps up to 2^53 (JSON
 * doubles stay exact), applied with "playing" in one atomic batch, in the
 * canonical JSON, absent from old documents (then 0: not anchored). */
static void
test_transport_anchor (void)
{
  g_autoptr(TandemProject) project = tandem_project_new_demo ();
  g_autoptr(TandemOp) start = tandem_op_new_batch ();
  g_autoptr(TandemOp) bad = tandem_op_new_batch ();
  g_autoptr(GError) error = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *text = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(TandemProject) old = NULL;
  struct { const char *prop; const char *value; int code; } refused[] = {
    { "anchor-time", "-1", TANDEM_MODEL_ERROR_OUT_OF_RANGE },
    { "anchor-time", "9007199254740993", TANDEM_MODEL_ERROR_OUT_OF_RANGE },
    { "anchor-step", "-16", TANDEM_MODEL_ERROR_OUT_OF_RANGE },
    { "anchor-time", "1.5", TANDEM_MODEL_ERROR_WRONG_TYPE },
    { "anchor-step", "\"16\"", TANDEM_MODEL_ERROR_WRONG_TYPE },
    { "anchor-time", "true", TANDEM_MODEL_ERROR_WRONG_TYPE },
  };

  g_assert_cmpuint (tandem_project_get_anchor_time (project), ==, 0);
  g_assert_cmpuint (tandem_project_get_anchor_step (project), ==, 0);

  tandem_op_batch_add (start, tandem_op_new_set_int (TANDEM_ENTITY_PROJECT, NULL, "anchor-time",
                                                     G_GINT64_CONSTANT (5023338120)));
  tandem_op_batch_add (start, tandem_op_new_set_int (TANDEM_ENTITY_PROJECT, NULL, "anchor-step", 32));
  tandem_op_batch_add (start, tandem_op_new_set_boolean (TANDEM_ENTITY_PROJECT, NULL, "playing", TRUE));
  after = check_apply_and_invert (project, start);
  g_assert_nonnull (strstr (after, "\"anchor-time\":5023338120,\"anchor-step\":32"));
  g_assert_cmpuint (tandem_project_get_anchor_time (project), ==, G_GUINT64_CONSTANT (5023338120));
  g_assert_cmpuint (tandem_project_get_anchor_step (project), ==, 32);
  g_assert_true (tandem_project_get_playing (project));

  {
    g_autoptr(TandemOp) max = tandem_op_new_set (TANDEM_ENTITY_PROJECT, NULL, "anchor-time",
                                                 parse_json ("9007199254740992"));
    g_autofree char *max_after = check_apply_and_invert (project, max);

    g_assert_cmpuint (tandem_project_get_anchor_time (project), ==, TANDEM_MAX_ANCHOR);
  }

  for (guint i = 0; i < G_N_ELEMENTS (refused); i++)
    {
      g_autoptr(TandemOp) op = tandem_op_new_set (TANDEM_ENTITY_PROJECT, NULL, refused[i].prop,
                                                  parse_json (refused[i].value));
      g_autoptr(GError) err = NULL;
      g_autofree char *was = tandem_project_to_string (project);
      g_autofree char *is = NULL;

      g_assert_false (tandem_project_apply (project, op, NULL, &err));
      g_assert_error (err, TANDEM_MODEL_ERROR, refused[i].code);
      is = tandem_project_to_string (project);
      g_assert_cmpstr (was, ==, is);
    }

  /* A start whose anchor is refused does not start either. */
  before = tandem_project_to_string (project);
  tandem_op_batch_add (bad, tandem_op_new_set_boolean (TANDEM_ENTITY_PROJECT, NULL, "playing", FALSE));
  tandem_op_batch_add (bad, tandem_op_new_set (TANDEM_ENTITY_PROJECT, NULL, "anchor-step", parse_json ("-1")));
  g_assert_false (tandem_project_apply (project, bad, NULL, &error));
  g_clear_error (&error);
  text = tandem_project_to_string (project);
  g_assert_cmpstr (before, ==, text);
  g_assert_true (tandem_project_get_playing (project));

  /* A document from before the anchor existed loads, unanchored. */
  node = tandem_project_to_json (project);
  json_object_remove_member (json_node_get_object (node), "anchor-time");
  json_object_remove_member (json_node_get_object (node), "anchor-step");
  old = tandem_project_new_from_json (node, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (tandem_project_get_anchor_time (old), ==, 0);
  g_assert_cmpuint (tandem_project_get_anchor_step (old), ==, 0);
}

static void
test_set_track (void)
{
  g_autoptr(TandemProject) project = demo_with_sample ();
  TandemTrack *track = nth_track (project, 1);
  const char *id = tandem_track_get_id (track);
  const char *props[] = { "name", "color", "instrument", "instrument", "volume", "volume",
                          "pan", "mute", "solo" };
  const char *values[] = { "\"Snare 2\"", "\"#c01c28\"", "\"clap\"", "\"sample:" HASH_A "\"",
                           "-60", "5.75", "-1", "true", "true" };

  for (guint i = 0; i < G_N_ELEMENTS (props); i++)
    {
      g_autoptr(TandemOp) op =
        tandem_op_new_set (TANDEM_ENTITY_TRACK, id, props[i], parse_json (values[i]));
      g_autofree char *after = check_apply_and_invert (project, op);
    }
  g_assert_cmpstr (tandem_track_get_name (track), ==, "Snare 2");
  g_assert_cmpstr (tandem_track_get_instrument (track), ==, "sample:" HASH_A);
  g_assert_cmpfloat (tandem_track_get_volume (track), ==, 5.75);
  g_assert_cmpfloat (tandem_track_get_pan (track), ==, -1.0);
  g_assert_true (tandem_track_get_mute (track));
  g_assert_true (tandem_track_get_solo (track));
}

static void
test_set_pattern_clip_sample (void)
{
  g_autoptr(TandemProject) project = demo_with_sample ();
  TandemPattern *pattern = nth_pattern (project, 0);
  g_autoptr(TandemClip) clip = g_list_model_get_item (tandem_project_get_clips (project), 0);
  g_autoptr(TandemOp) insert = NULL;
  g_autoptr(GError) error = NULL;
  struct { TandemEntityKind kind; const char *id; const char *prop; const char *value; } cases[] = {
    { TANDEM_ENTITY_PATTERN, tandem_pattern_get_id (pattern), "name", "\"Verse\"" },
    { TANDEM_ENTITY_PATTERN, tandem_pattern_get_id (pattern), "length", "64" },
    { TANDEM_ENTITY_PATTERN, tandem_pattern_get_id (pattern), "length", "1" },
    { TANDEM_ENTITY_CLIP, tandem_clip_get_id (clip), "pattern", "\"p2\"" },
    { TANDEM_ENTITY_CLIP, tandem_clip_get_id (clip), "start", "12" },
    { TANDEM_ENTITY_CLIP, tandem_clip_get_id (clip), "length", "9999" },
    { TANDEM_ENTITY_SAMPLE, HASH_A, "name", "\"Cowbell (long)\"" },
  };

  insert = tandem_op_new_insert (TANDEM_ENTITY_PATTERN, -1,
                                 parse_json ("{\"id\":\"p2\",\"name\":\"Chorus\"}"));
  g_assert_true (tandem_project_apply (project, insert, NULL, &error));
  g_assert_no_error (error);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(TandemOp) op =
        tandem_op_new_set (cases[i].kind, cases[i].id, cases[i].prop, parse_json (cases[i].value));
      g_autofree char *after = check_apply_and_invert (project, op);
    }
  g_assert_cmpstr (tandem_pattern_get_name (pattern), ==, "Verse");
  g_assert_cmpuint (tandem_pattern_get_length (pattern), ==, 1);
  g_assert_cmpstr (tandem_clip_get_pattern (clip), ==, "p2");
  g_assert_cmpuint (tandem_clip_get_length (clip), ==, 9999);

  /* A sample's facts come from its bytes: they cannot be set. */
  {
    g_autoptr(TandemOp) op = tandem_op_new_set_int (TANDEM_ENTITY_SAMPLE, HASH_A, "frames", 1);
    check_rejected (project, op, TANDEM_MODEL_ERROR_CONSTRAINT);
  }
}

typedef struct
{
  char  *track_id;
  guint  step;
  guint  count;
} CellSpy;

static void
on_cell_changed (TandemPattern *pattern,
                 const char    *track_id,
                 guint          step,
                 CellSpy       *spy)
{
  g_free (spy->track_id);
  spy->track_id = g_strdup (track_id);
  spy->step = step;
  spy->count++;
}

static void
test_set_cell (void)
{
  g_autoptr(TandemProject) project = tandem_project_new_demo ();
  TandemPattern *pattern = nth_pattern (project, 0);
  const char *pid = tandem_pattern_get_id (pattern);
  const char *tid = tandem_track_get_id (nth_track (project, 3));
  CellSpy spy = { NULL, 0, 0 };
  struct { guint step; const char *prop; int value; } cases[] = {
    { 0, "velocity", 127 },
    { 1, "velocity", 1 },
    { 14, "velocity", 0 },
    { 2, "probability", 0 },
    { 3, "note", -24 },
    { 4, "note", 24 },
    { 40, "velocity", 90 },   /* past the pattern's length: kept */
    { 63, "probability", 37 },
  };

  g_signal_connect (pattern, "cell-changed", G_CALLBACK (on_cell_changed), &spy);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(TandemOp) op =
        tandem_op_new_set_cell (pid, tid, cases[i].step, cases[i].prop, cases[i].value);
      g_autofree char *after = NULL;

      spy.count = 0;
      after = check_apply_and_invert (project, op);
      /* applied, inverted, re-applied: one signal each */
      g_assert_cmpuint (spy.count, ==, 3);
      g_assert_cmpstr (spy.track_id, ==, tid);
      g_assert_cmpuint (spy.step, ==, cases[i].step);
    }

  g_assert_cmpuint (tandem_pattern_get_cell (pattern, tid, 0)->velocity, ==, 127);
  g_assert_cmpuint (tandem_pattern_get_cell (pattern, tid, 14)->velocity, ==, 0);
  g_assert_cmpint (tandem_pattern_get_cell (pattern, tid, 3)->note, ==, -24);
  g_assert_cmpuint (tandem_pattern_get_cell (pattern, tid, 40)->velocity, ==, 90);
  g_assert_cmpuint (tandem_pattern_get_cell (pattern, tid, 63)->probability, ==, 37);

  /* Setting a cell to its value changes nothing and says nothing. */
  {
    g_autoptr(TandemOp) op = tandem_op_new_set_cell (pid, tid, 0, "velocity", 127);
    g_autoptr(GError) error = NULL;

    spy.count = 0;
    g_assert_true (tandem_project_apply (project, op, NULL, &error));
    g_assert_cmpuint (spy.count, ==, 0);
  }

  g_signal_handlers_disconnect_by_func (pattern, on_cell_changed, &spy);
  g_free (spy.track_id);
}

static void
test_cells_default_rows_dropped (void)
{
  g_autoptr(TandemProject) project = tandem_project_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *empty = NULL;
  g_autofree char *text = NULL;
  TandemPattern *pattern;
  g_autoptr(TandemOp) on = NULL;
  g_autoptr(TandemOp) off = NULL;
  g_autoptr(JsonNode) node =
    parse_json ("{\"tracks\":[{\"id\":\"t\"}],\"patterns\":[{\"id\":\"p\"}]}");

  g_assert_true (tandem_project_load_json (project, node, &error));
  g_assert_no_error (error);
  empty = tandem_project_to_string (project);
  pattern = tandem_project_find_pattern (project, "p");
  g_assert_null (tandem_pattern_get_row (pattern, "t"));

  on = tandem_op_new_set_cell ("p", "t", 5, "velocity", 100);
  g_assert_true (tandem_project_apply (project, on, NULL, &error));
  g_assert_nonnull (tandem_pattern_get_row (pattern, "t"));
  text = tandem_project_to_string (project);
  g_assert_nonnull (strstr (text, "\"cells\":{\"t\":{\"velocity\":\"0000000000"
                                  "64000000"));
  g_assert_null (strstr (text, "\"probability\":\""));

  /* Back to all-default: the row goes, and the text is as before. */
  off = tandem_op_new_set_cell ("p", "t", 5, "velocity", 0);
  g_assert_true (tandem_project_apply (project, off, NULL, &error));
  g_assert_null (tandem_pattern_get_row (pattern, "t"));
  g_clear_pointer (&text, g_free);
  text = tandem_project_to_string (project);
  g_assert_cmpstr (text, ==, empty);
}

static void
test_insert (void)
{
  g_autoptr(TandemProject) project = demo_with_sample ();
  const char *pid = tandem_pattern_get_id (nth_pattern (project, 0));
  g_autofree char *clip_json =
    g_strdup_printf ("{\"id\":\"c2\",\"pattern\":\"%s\",\"start\":4,\"length\":2}", pid);
  g_autofree char *pattern_json = NULL;
  struct { TandemEntityKind kind; int index; const char *json; } cases[] = {
    { TANDEM_ENTITY_TRACK, 0, "{\"id\":\"t-first\",\"name\":\"Rim\",\"instrument\":\"rim\"}" },
    { TANDEM_ENTITY_TRACK, 2, "{\"id\":\"t-mid\",\"name\":\"Tom\",\"color\":\"#ff7800\","
                              "\"instrument\":\"tom\",\"volume\":-3,\"pan\":0.5,"
                              "\"mute\":true,\"solo\":false}" },
    { TANDEM_ENTITY_TRACK, -1, "{\"id\":\"t-last\",\"instrument\":\"sample:" HASH_A "\"}" },
    { TANDEM_ENTITY_TRACK, 999, "{\"id\":\"t-clamped\"}" },
    { TANDEM_ENTITY_PATTERN, 0, NULL },
    { TANDEM_ENTITY_CLIP, -1, NULL },
    { TANDEM_ENTITY_SAMPLE, 0, "{\"id\":\"" HASH_B "\",\"name\":\"Vox\",\"format\":\"flac\","
                               "\"frames\":96000,\"rate\":48000,\"channels\":2,\"bytes\":123456}" },
  };

  pattern_json = g_strdup_printf ("{\"id\":\"p2\",\"name\":\"Fill\",\"length\":8,\"cells\":"
                                  "{\"%s\":{\"velocity\":\"%s\"}}}",
                                  tandem_track_get_id (nth_track (project, 0)),
                                  "7f7f7f7f7f7f7f7f00000000000000000000000000000000"
                                  "000000000000000000000000000000000000000000000000"
                                  "00000000000000000000000000000000");
  cases[4].json = pattern_json;
  cases[5].json = clip_json;

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(TandemOp) op =
        tandem_op_new_insert (cases[i].kind, cases[i].index, parse_json (cases[i].json));
      g_autofree char *after = check_apply_and_invert (project, op);
    }

  g_assert_cmpstr (tandem_track_get_id (nth_track (project, 0)), ==, "t-first");
  g_assert_cmpstr (tandem_track_get_id (nth_track (project, 2)), ==, "t-mid");
  g_assert_cmpuint (g_list_model_get_n_items (tandem_project_get_tracks (project)), ==, 8);
  g_assert_cmpstr (tandem_track_get_id (nth_track (project, 7)), ==, "t-clamped");
  g_assert_cmpstr (tandem_pattern_get_id (nth_pattern (project, 0)), ==, "p2");
  g_assert_cmpuint (tandem_pattern_get_cell (nth_pattern (project, 0),
                                             tandem_track_get_id (nth_track (project, 1)),
                                             7)->velocity, ==, 127);
  g_assert_nonnull (tandem_project_find_clip (project, "c2"));
  g_assert_cmpuint (tandem_sample_info_get_channels (tandem_project_find_sample (project, HASH_B)),
                    ==, 2);

  /* Defaults fill in what an insert leaves out. */
  g_assert_cmpstr (tandem_track_get_name (tandem_project_find_track (project, "t-clamped")),
                   ==, "Track");
  g_assert_cmpfloat (tandem_track_get_volume (tandem_project_find_track (project, "t-clamped")),
                     ==, 0.0);
}

static void
test_delete (void)
{
  g_autoptr(TandemProject) project = demo_with_sample ();
  g_autoptr(TandemClip) clip = g_list_model_get_item (tandem_project_get_clips (project), 0);
  g_autofree char *tid = g_strdup (tandem_track_get_id (nth_track (project, 1)));
  g_autoptr(GError) error = NULL;
  g_autoptr(TandemOp) op = NULL;
  g_autofree char *after = NULL;

  op = tandem_op_new_delete (TANDEM_ENTITY_TRACK, tid);
  after = check_apply_and_invert (project, op);
  g_assert_null (tandem_project_find_track (project, tid));
  /* its cells left with it */
  g_assert_null (tandem_pattern_get_row (nth_pattern (project, 0), tid));
  g_assert_null (strstr (after, tid));
  g_clear_pointer (&op, tandem_op_unref);
  g_clear_pointer (&after, g_free);

  op = tandem_op_new_delete (TANDEM_ENTITY_CLIP, tandem_clip_get_id (clip));
  after = check_apply_and_invert (project, op);
  g_assert_cmpuint (g_list_model_get_n_items (tandem_project_get_clips (project)), ==, 0);
  g_clear_pointer (&op, tandem_op_unref);
  g_clear_pointer (&after, g_free);

  op = tandem_op_new_delete (TANDEM_ENTITY_SAMPLE, HASH_A);
  after = check_apply_and_invert (project, op);
  g_assert_null (tandem_project_find_sample (project, HASH_A));
  g_clear_pointer (&op, tandem_op_unref);
  g_clear_pointer (&after, g_free);

  /* The last pattern stays. */
  op = tandem_op_new_delete (TANDEM_ENTITY_PATTERN,
                             tandem_pattern_get_id (nth_pattern (project, 0)));
  check_rejected (project, op, TANDEM_MODEL_ERROR_CONSTRAINT);
  g_clear_pointer (&op, tandem_op_unref);

  /* A sample in use stays. */
  {
    g_autoptr(TandemProject) other = demo_with_sample ();
    const char *kick = tandem_track_get_id (nth_track (other, 0));

    op = tandem_op_new_set_string (TANDEM_ENTITY_TRACK, kick, "instrument", "sample:" HASH_A);
    g_assert_true (tandem_project_apply (other, op, NULL, &error));
    g_assert_no_error (error);
    g_clear_pointer (&op, tandem_op_unref);
    op = tandem_op_new_delete (TANDEM_ENTITY_SAMPLE, HASH_A);
    check_rejected (other, op, TANDEM_MODEL_ERROR_CONSTRAINT);
  }
}

static void
test_delete_pattern_cascade (void)
{
  g_autoptr(TandemProject) project = tandem_project_new_demo ();
  const char *p1 = tandem_pattern_get_id (nth_pattern (project, 0));
  g_autofree char *p1_copy = g_strdup (p1);
  g_autoptr(GError) error = NULL;
  g_autoptr(TandemOp) batch = tandem_op_new_batch ();
  g_autoptr(TandemOp) op = NULL;
  g_autoptr(TandemOp) inverse = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *clip_json =
    g_strdup_printf ("{\"id\":\"c-p1\",\"pattern\":\"%s\",\"start\":8}", p1);

  tandem_op_batch_add (batch, tandem_op_new_insert (TANDEM_ENTITY_PATTERN, -1,
                                                    parse_json ("{\"id\":\"p2\",\"name\":\"B\"}")));
  tandem_op_batch_add (batch, tandem_op_new_insert (TANDEM_ENTITY_CLIP, 0, parse_json (
    "{\"id\":\"c-p2\",\"pattern\":\"p2\",\"start\":4}")));
  tandem_op_batch_add (batch,
                       tandem_op_new_insert (TANDEM_ENTITY_CLIP, -1, parse_json (clip_json)));
  g_assert_true (tandem_project_apply (project, batch, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (tandem_project_get_clips (project)), ==, 3);

  before = tandem_project_to_string (project);
  op = tandem_op_new_delete (TANDEM_ENTITY_PATTERN, p1_copy);
  g_assert_true (tandem_project_apply (project, op, &inverse, &error));
  g_assert_no_error (error);
  /* Its clips went with it, and the current pattern moved to the first left. */
  g_assert_cmpuint (g_list_model_get_n_items (tandem_project_get_clips (project)), ==, 1);
  g_assert_nonnull (tandem_project_find_clip (project, "c-p2"));
  g_assert_cmpstr (tandem_project_get_current_pattern (project), ==, "p2");
  g_assert_cmpint (tandem_op_get_kind (inverse), ==, TANDEM_OP_BATCH);

  g_clear_pointer (&op, tandem_op_unref);
  op = tandem_op_new_delete (TANDEM_ENTITY_PATTERN, p1_copy);
  g_assert_true (tandem_project_apply (project, inverse, NULL, &error));
  after = tandem_project_to_string (project);
  g_assert_cmpstr (after, ==, before);
  g_clear_pointer (&after, g_free);
  after = check_apply_and_invert (project, op);
}

static void
test_move (void)
{
  g_autoptr(TandemProject) project = tandem_project_new_demo ();
  g_autofree char *kick = g_strdup (tandem_track_get_id (nth_track (project, 0)));
  g_autofree char *hats = g_strdup (tandem_track_get_id (nth_track (project, 2)));
  int targets[] = { 2, 0, -1, 3, 100 };

  for (guint i = 0; i < G_N_ELEMENTS (targets); i++)
    {
      g_autoptr(TandemOp) op = tandem_op_new_move (TANDEM_ENTITY_TRACK, kick, targets[i]);
      g_autofree char *after = check_apply_and_invert (project, op);
      guint expect = targets[i] < 0 || targets[i] > 3 ? 3 : (guint) targets[i];

      g_assert_cmpstr (tandem_track_get_id (nth_track (project, expect)), ==, kick);
    }

  {
    g_autoptr(TandemOp) op = tandem_op_new_move (TANDEM_ENTITY_TRACK, hats, 0);
    g_autoptr(GError) error = NULL;

    g_assert_true (tandem_project_apply (project, op, NULL, &error));
    g_assert_cmpstr (tandem_track_get_id (nth_track (project, 0)), ==, hats);
  }
}

static void
count_op_applied (TandemProject *project,
                  TandemOp      *op,
                  guint         *count)
{
  (*count)++;
}

static void
test_batch (void)
{
  g_autoptr(TandemProject) project = tandem_project_new_demo ();
  const char *pid = tandem_pattern_get_id (nth_pattern (project, 0));
  const char *tid = tandem_track_get_id (nth_track (project, 0));
  g_autoptr(TandemOp) batch = tandem_op_new_batch ();
  g_autoptr(TandemOp) bad = tandem_op_new_batch ();
  g_autoptr(TandemOp) inverse = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *after = NULL;
  guint applied = 0;

  tandem_op_batch_add (batch, tandem_op_new_set_cell (pid, tid, 1, "velocity", 99));
  tandem_op_batch_add (batch, tandem_op_new_set_double (TANDEM_ENTITY_PROJECT, NULL, "tempo", 90));
  tandem_op_batch_add (batch, tandem_op_new_insert (TANDEM_ENTITY_TRACK, 1,
                                                    parse_json ("{\"id\":\"nt\"}")));
  tandem_op_batch_add (batch, tandem_op_new_set_cell (pid, "nt", 2, "velocity", 64));
  tandem_op_batch_add (batch, tandem_op_new_set_double (TANDEM_ENTITY_TRACK, "nt", "volume", -3));
  tandem_op_batch_add (batch, tandem_op_new_move (TANDEM_ENTITY_TRACK, "nt", 0));
  tandem_op_batch_add (batch, tandem_op_new_delete (TANDEM_ENTITY_TRACK, tid));

  g_signal_connect (project, "op-applied", G_CALLBACK (count_op_applied), &applied);
  after = check_apply_and_invert (project, batch);
  /* once per top-level apply: op, inverse, redo */
  g_assert_cmpuint (applied, ==, 3);

  /* A batch whose third op fails leaves nothing behind. */
  tandem_op_batch_add (bad, tandem_op_new_set_double (TANDEM_ENTITY_PROJECT, NULL, "tempo", 140));
  tandem_op_batch_add (bad, tandem_op_new_delete (TANDEM_ENTITY_TRACK, "nt"));
  tandem_op_batch_add (bad, tandem_op_new_set_double (TANDEM_ENTITY_PROJECT, NULL, "swing", 80));
  applied = 0;
  check_rejected (project, bad, TANDEM_MODEL_ERROR_OUT_OF_RANGE);
  g_assert_cmpuint (applied, ==, 0);
  g_assert_nonnull (tandem_project_find_track (project, "nt"));

  /* An empty batch is fine and its inverse is empty too. */
  {
    g_autoptr(TandemOp) empty = tandem_op_new_batch ();

    g_assert_true (tandem_project_apply (project, empty, &inverse, &error));
    g_assert_cmpuint (tandem_op_batch_get_n_ops (inverse), ==, 0);
  }
}

static void
test_rejected (void)
{
  g_autoptr(TandemProject) project = demo_with_sample ();
  const char *pid = tandem_pattern_get_id (nth_pattern (project, 0));
  const char *tid = tandem_track_get_id (nth_track (project, 0));
  g_autoptr(TandemClip) clip = g_list_model_get_item (tandem_project_get_clips (project), 0);
  const char *cid = tandem_clip_get_id (clip);
  g_autofree char *dup_track = g_strdup_printf ("{\"id\":\"%s\"}", tid);
  struct { TandemOp *op; int code; const char *message; } cases[] = {
    { tandem_op_new_set_double (TANDEM_ENTITY_TRACK, "nope", "volume", 0),
      TANDEM_MODEL_ERROR_UNKNOWN_ENTITY, "Track “nope” does not exist" },
    { tandem_op_new_set_double (TANDEM_ENTITY_TRACK, tid, "volume", 12),
      TANDEM_MODEL_ERROR_OUT_OF_RANGE, "volume 12 is out of range (-60 … 6 dB)" },
    { tandem_op_new_set_double (TANDEM_ENTITY_TRACK, tid, "volume", NAN),
      TANDEM_MODEL_ERROR_OUT_OF_RANGE, "not a finite number" },
    { tandem_op_new_set_double (TANDEM_ENTITY_PROJECT, NULL, "tempo", INFINITY),
      TANDEM_MODEL_ERROR_OUT_OF_RANGE, "not a finite number" },
    { tandem_op_new_set_string (TANDEM_ENTITY_PROJECT, NULL, "tempo", "fast"),
      TANDEM_MODEL_ERROR_WRONG_TYPE, "tempo must be a number" },
    { tandem_op_new_set_double (TANDEM_ENTITY_PROJECT, NULL, "steps-per-beat", 2.5),
      TANDEM_MODEL_ERROR_WRONG_TYPE, "whole number" },
    { tandem_op_new_set_int (TANDEM_ENTITY_PROJECT, NULL, "steps-per-beat", 9),
      TANDEM_MODEL_ERROR_OUT_OF_RANGE, "(1 … 8)" },
    { tandem_op_new_set_int (TANDEM_ENTITY_TRACK, tid, "mute", 1),
      TANDEM_MODEL_ERROR_WRONG_TYPE, "true or false" },
    { tandem_op_new_set_string (TANDEM_ENTITY_TRACK, tid, "color", "#FFF"),
      TANDEM_MODEL_ERROR_OUT_OF_RANGE, "colour" },
    { tandem_op_new_set_string (TANDEM_ENTITY_TRACK, tid, "color", "#AABBCC"),
      TANDEM_MODEL_ERROR_OUT_OF_RANGE, "colour" },
    { tandem_op_new_set_string (TANDEM_ENTITY_TRACK, tid, "name", ""),
      TANDEM_MODEL_ERROR_OUT_OF_RANGE, "not a valid name" },
    { tandem_op_new_set_string (TANDEM_ENTITY_TRACK, tid, "name", "tab\there"),
      TANDEM_MODEL_ERROR_OUT_OF_RANGE, "not a valid name" },
    { tandem_op_new_set_string (TANDEM_ENTITY_TRACK, tid, "instrument", "banjo"),
      TANDEM_MODEL_ERROR_OUT_OF_RANGE, "not an instrument" },
    { tandem_op_new_set_string (TANDEM_ENTITY_TRACK, tid, "instrument", "sample:" HASH_B),
      TANDEM_MODEL_ERROR_UNKNOWN_ENTITY, "does not have" },
    { tandem_op_new_set_double (TANDEM_ENTITY_TRACK, tid, "loudness", 1),
      TANDEM_MODEL_ERROR_UNKNOWN_PROPERTY, "loudness" },
    { tandem_op_new_set_string (TANDEM_ENTITY_TRACK, tid, "id", "x"),
      TANDEM_MODEL_ERROR_UNKNOWN_PROPERTY, "“id”" },
    { tandem_op_new_set_string (TANDEM_ENTITY_PROJECT, NULL, "scale", "lydian"),
      TANDEM_MODEL_ERROR_OUT_OF_RANGE, "is not one of" },
    { tandem_op_new_set_string (TANDEM_ENTITY_PROJECT, NULL, "current-pattern", "nope"),
      TANDEM_MODEL_ERROR_UNKNOWN_ENTITY, "not a pattern" },
    { tandem_op_new_set_string (TANDEM_ENTITY_CLIP, cid, "pattern", "nope"),
      TANDEM_MODEL_ERROR_UNKNOWN_ENTITY, "not a pattern" },
    { tandem_op_new_set_string (TANDEM_ENTITY_CLIP, cid, "pattern", ""),
      TANDEM_MODEL_ERROR_UNKNOWN_ENTITY, "not a pattern" },
    { tandem_op_new_set_int (TANDEM_ENTITY_CLIP, cid, "start", 9999),
      TANDEM_MODEL_ERROR_OUT_OF_RANGE, "out of range" },
    { tandem_op_new_set_int (TANDEM_ENTITY_PATTERN, pid, "length", 65),
      TANDEM_MODEL_ERROR_OUT_OF_RANGE, "out of range" },
    { tandem_op_new_set (TANDEM_ENTITY_PATTERN, pid, "name", json_node_new (JSON_NODE_NULL)),
      TANDEM_MODEL_ERROR_WRONG_TYPE, "must be a string" },
    { tandem_op_new_set_cell (pid, tid, 64, "velocity", 1),
      TANDEM_MODEL_ERROR_OUT_OF_RANGE, "step 64" },
    { tandem_op_new_set_cell (pid, tid, 0, "velocity", 128),
      TANDEM_MODEL_ERROR_OUT_OF_RANGE, "velocity 128" },
    { tandem_op_new_set_cell (pid, tid, 0, "probability", 101),
      TANDEM_MODEL_ERROR_OUT_OF_RANGE, "probability 101" },
    { tandem_op_new_set_cell (pid, tid, 0, "note", -25),
      TANDEM_MODEL_ERROR_OUT_OF_RANGE, "note -25" },
    { tandem_op_new_set_cell (pid, tid, 0, "pitch", 1),
      TANDEM_MODEL_ERROR_UNKNOWN_PROPERTY, "pitch" },
    { tandem_op_new_set_cell ("nope", tid, 0, "velocity", 1),
      TANDEM_MODEL_ERROR_UNKNOWN_ENTITY, "Pattern “nope”" },
    { tandem_op_new_set_cell (pid, "nope", 0, "velocity", 1),
      TANDEM_MODEL_ERROR_UNKNOWN_ENTITY, "Track “nope”" },
    { tandem_op_new_insert (TANDEM_ENTITY_TRACK, 0, parse_json (dup_track)),
      TANDEM_MODEL_ERROR_DUPLICATE_ID, "already exists" },
    { tandem_op_new_insert (TANDEM_ENTITY_TRACK, 0,
                            parse_json ("{\"id\":\"x\",\"volume\":\"loud\"}")),
      TANDEM_MODEL_ERROR_WRONG_TYPE, "volume" },
    { tandem_op_new_insert (TANDEM_ENTITY_TRACK, 0, parse_json ("{\"id\":\"x\",\"gain\":1}")),
      TANDEM_MODEL_ERROR_UNKNOWN_PROPERTY, "gain" },
    { tandem_op_new_insert (TANDEM_ENTITY_TRACK, 0, parse_json ("{\"id\":\"bad id!\"}")),
      TANDEM_MODEL_ERROR_INVALID, "invalid id" },
    { tandem_op_new_insert (TANDEM_ENTITY_TRACK, 0,
                            parse_json ("{\"id\":\"x\",\"cells\":{\"nope\":{}}}")),
      TANDEM_MODEL_ERROR_UNKNOWN_ENTITY, "nope" },
    { tandem_op_new_insert (TANDEM_ENTITY_CLIP, 0,
                            parse_json ("{\"id\":\"x\",\"pattern\":\"nope\"}")),
      TANDEM_MODEL_ERROR_UNKNOWN_ENTITY, "not a pattern" },
    { tandem_op_new_insert (TANDEM_ENTITY_CLIP, 0, parse_json ("{\"id\":\"x\"}")),
      TANDEM_MODEL_ERROR_INVALID, "needs a “pattern”" },
    { tandem_op_new_insert (TANDEM_ENTITY_SAMPLE, 0, parse_json ("{\"id\":\"abc\"}")),
      TANDEM_MODEL_ERROR_INVALID, "invalid id" },
    { tandem_op_new_insert (TANDEM_ENTITY_SAMPLE, 0,
                            parse_json ("{\"id\":\"" HASH_B "\",\"rate\":0}")),
      TANDEM_MODEL_ERROR_OUT_OF_RANGE, "rate 0" },
    { tandem_op_new_insert (TANDEM_ENTITY_CELL, 0, parse_json ("{\"id\":\"x\"}")),
      TANDEM_MODEL_ERROR_INVALID, "cannot be inserted" },
    { tandem_op_new_delete (TANDEM_ENTITY_CLIP, "nope"),
      TANDEM_MODEL_ERROR_UNKNOWN_ENTITY, "Clip “nope” does not exist" },
    { tandem_op_new_move (TANDEM_ENTITY_PATTERN, "nope", 0),
      TANDEM_MODEL_ERROR_UNKNOWN_ENTITY, "does not exist" },
    { tandem_op_new_move (TANDEM_ENTITY_PROJECT, "x", 0),
      TANDEM_MODEL_ERROR_INVALID, "cannot be" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *before = tandem_project_to_string (project);
      g_autofree char *after = NULL;
      g_autoptr(GError) error = NULL;

      g_test_message ("case %u: %s", i, cases[i].message);
      g_assert_false (tandem_project_apply (project, cases[i].op, NULL, &error));
      g_assert_error (error, TANDEM_MODEL_ERROR, cases[i].code);
      g_assert_nonnull (strstr (error->message, cases[i].message));
      after = tandem_project_to_string (project);
      g_assert_cmpstr (after, ==, before);
      tandem_op_unref (cases[i].op);
    }
}

static void
test_op_json_shape (void)
{
  struct { const char *json; int code; } bad[] = {
    { "[]", TANDEM_MODEL_ERROR_INVALID },
    { "{}", TANDEM_MODEL_ERROR_INVALID },
    { "{\"op\":\"frobnicate\",\"kind\":\"track\"}", TANDEM_MODEL_ERROR_UNKNOWN_OP },
    { "{\"op\":7}", TANDEM_MODEL_ERROR_INVALID },
    { "{\"op\":\"set\",\"kind\":\"spaceship\",\"id\":\"a\",\"prop\":\"x\",\"value\":1}",
      TANDEM_MODEL_ERROR_INVALID },
    { "{\"op\":\"set\",\"kind\":\"track\",\"prop\":\"volume\",\"value\":1}",
      TANDEM_MODEL_ERROR_INVALID },
    { "{\"op\":\"set\",\"kind\":\"track\",\"id\":\"a b\",\"prop\":\"volume\",\"value\":1}",
      TANDEM_MODEL_ERROR_INVALID },
    { "{\"op\":\"set\",\"kind\":\"track\",\"id\":\"a\",\"prop\":\"volume\"}",
      TANDEM_MODEL_ERROR_INVALID },
    { "{\"op\":\"set\",\"kind\":\"cell\",\"id\":\"p\",\"track\":\"t\",\"step\":-1,"
      "\"prop\":\"velocity\",\"value\":1}", TANDEM_MODEL_ERROR_OUT_OF_RANGE },
    { "{\"op\":\"set\",\"kind\":\"cell\",\"id\":\"p\",\"track\":\"t\",\"step\":1.5,"
      "\"prop\":\"velocity\",\"value\":1}", TANDEM_MODEL_ERROR_INVALID },
    { "{\"op\":\"insert\",\"kind\":\"track\",\"value\":[]}", TANDEM_MODEL_ERROR_INVALID },
    { "{\"op\":\"insert\",\"kind\":\"track\",\"index\":\"0\",\"value\":{\"id\":\"a\"}}",
      TANDEM_MODEL_ERROR_WRONG_TYPE },
    { "{\"op\":\"move\",\"kind\":\"track\",\"id\":\"a\"}", TANDEM_MODEL_ERROR_INVALID },
    { "{\"op\":\"delete\",\"kind\":\"project\",\"id\":\"a\"}", TANDEM_MODEL_ERROR_INVALID },
    { "{\"op\":\"batch\"}", TANDEM_MODEL_ERROR_INVALID },
    { "{\"op\":\"batch\",\"ops\":[{\"op\":\"nope\"}]}", TANDEM_MODEL_ERROR_UNKNOWN_OP },
    { "not json", TANDEM_MODEL_ERROR_INVALID },
    { "{\"op\":\"delete\",\"kind\":\"clip\",\"id\":\"c\"} {}", TANDEM_MODEL_ERROR_INVALID },
    { "", TANDEM_MODEL_ERROR_INVALID },
  };
  const char *good[] = {
    "{\"op\":\"set\",\"kind\":\"project\",\"prop\":\"tempo\",\"value\":128}",
    "{\"op\":\"set\",\"kind\":\"track\",\"id\":\"a\",\"prop\":\"volume\",\"value\":-3.5}",
    "{\"op\":\"set\",\"kind\":\"cell\",\"id\":\"p\",\"track\":\"t\",\"step\":3,"
    "\"prop\":\"velocity\",\"value\":100}",
    "{\"op\":\"insert\",\"kind\":\"track\",\"index\":2,\"value\":{\"id\":\"a\",\"name\":\"Kick\"}}",
    "{\"op\":\"delete\",\"kind\":\"clip\",\"id\":\"c\"}",
    "{\"op\":\"move\",\"kind\":\"track\",\"id\":\"a\",\"index\":0}",
    "{\"op\":\"batch\",\"ops\":[{\"op\":\"delete\",\"kind\":\"clip\",\"id\":\"c\"}]}",
  };
  GString *deep = g_string_new (NULL);

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(TandemOp) op = tandem_op_from_string (bad[i].json, &error);

      g_test_message ("bad op %u: %s", i, bad[i].json);
      g_assert_null (op);
      g_assert_error (error, TANDEM_MODEL_ERROR, bad[i].code);
    }
  for (guint i = 0; i < G_N_ELEMENTS (good); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(TandemOp) op = tandem_op_from_string (good[i], &error);
      g_autofree char *text = NULL;

      g_assert_no_error (error);
      text = tandem_op_to_string (op);
      g_assert_cmpstr (text, ==, good[i]);
    }

  /* Hostile nesting is refused before the recursive parser sees it. */
  for (guint i = 0; i < 100000; i++)
    g_string_append (deep, "{\"op\":\"batch\",\"ops\":[");
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(TandemOp) op = tandem_op_from_string (deep->str, &error);

    g_assert_null (op);
    g_assert_error (error, TANDEM_MODEL_ERROR, TANDEM_MODEL_ERROR_INVALID);
  }
  g_string_free (deep, TRUE);
}

static void
test_json_reader (void)
{
  g_autoptr(TandemProject) project = tandem_project_new_demo ();
  struct { const char *value; const char *expected; } strings[] = {
    { "\"plain\"", "plain" },
    { "\"caf\\u00e9 \\\"q\\\" back\\\\slash \\/\"", "café \"q\" back\\slash /" },
    { "\"drum \\ud83e\\udd41\"", "drum 🥁" },
    { "\"ü ✨ raw UTF-8\"", "ü ✨ raw UTF-8" },
  };
  struct { const char *value; double expected; } numbers[] = {
    { "120", 120 }, { "120.5", 120.5 }, { "1.205e2", 120.5 }, { "12050E-2", 120.5 },
    { "2.0e1", 20 }, { "299.99999999999994", 299.99999999999994 },
  };
  const char *bad[] = {
    "\"unpaired \\ud83e\"", "\"bad \\x escape\"", "\"tab\there\"", "01", "1.", "-", "+1",
    ".5", "1e", "tru", "nul", "\"unterminated", "[1,]", "{\"a\":1,}", "NaN", "Infinity",
    "1 2", "\"a\" \"b\"",
    /* json-glib 1.6 alone would take these: the pre-scan refuses them */
    "0x10", "'single'", "/* comment */ 1", "\"nul \\u0000 cut\"", "12345678901234567890123",
    "-9223372036854775809", "\"raw\001control\"",
  };
  g_autofree char *brackets = g_strnfill (100, '[');

  for (guint i = 0; i < G_N_ELEMENTS (strings); i++)
    {
      g_autofree char *json = g_strdup_printf ("{\"op\":\"set\",\"kind\":\"project\","
                                               "\"prop\":\"name\",\"value\":%s}",
                                               strings[i].value);
      g_autoptr(GError) error = NULL;
      g_autoptr(TandemOp) op = tandem_op_from_string (json, &error);
      g_autofree char *again = NULL;
      g_autoptr(TandemOp) reparsed = NULL;

      g_assert_no_error (error);
      g_assert_cmpstr (json_node_get_string (tandem_op_get_value (op)), ==, strings[i].expected);
      g_assert_true (tandem_project_apply (project, op, NULL, &error));
      g_assert_cmpstr (tandem_project_get_name (project), ==, strings[i].expected);
      /* what we write reads back the same */
      again = tandem_op_to_string (op);
      reparsed = tandem_op_from_string (again, &error);
      g_assert_no_error (error);
      g_assert_cmpstr (json_node_get_string (tandem_op_get_value (reparsed)), ==,
                       strings[i].expected);
    }

  /* brackets inside a string are not nesting */
  {
    g_autofree char *json = g_strdup_printf ("{\"op\":\"set\",\"kind\":\"project\","
                                             "\"prop\":\"name\",\"value\":\"%s\\\"{\"}",
                                             brackets);
    g_autofree char *expected = g_strconcat (brackets, "\"{", NULL);
    g_autoptr(GError) error = NULL;
    g_autoptr(TandemOp) op = tandem_op_from_string (json, &error);

    g_assert_no_error (error);
    g_assert_cmpstr (json_node_get_string (tandem_op_get_value (op)), ==, expected);
  }

  for (guint i = 0; i < G_N_ELEMENTS (numbers); i++)
    {
      g_autofree char *json = g_strdup_printf ("{\"op\":\"set\",\"kind\":\"project\","
                                               "\"prop\":\"tempo\",\"value\":%s}",
                                               numbers[i].value);
      g_autoptr(GError) error = NULL;
      g_autoptr(TandemOp) op = tandem_op_from_string (json, &error);

      g_assert_no_error (error);
      g_assert_true (tandem_project_apply (project, op, NULL, &error));
      g_assert_cmpfloat (tandem_project_get_tempo (project), ==, numbers[i].expected);
    }

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autofree char *json = g_strdup_printf ("{\"op\":\"set\",\"kind\":\"project\","
                                               "\"prop\":\"name\",\"value\":%s}", bad[i]);
      g_autoptr(GError) error = NULL;
      g_autoptr(TandemOp) op = tandem_op_from_string (json, &error);

      g_test_message ("bad JSON value %s", bad[i]);
      g_assert_null (op);
      g_assert_error (error, TANDEM_MODEL_ERROR, TANDEM_MODEL_ERROR_INVALID);
      g_assert_nonnull (strstr (error->message, "line 1, column"));
    }
}

static void
count_notify (GObject    *object,
              GParamSpec *pspec,
              guint      *count)
{
  (*count)++;
}

static void
test_notify_only_on_change (void)
{
  g_autoptr(TandemProject) project = tandem_project_new_demo ();
  TandemTrack *track = nth_track (project, 0);
  guint tempo = 0, volume = 0;
  g_autoptr(GError) error = NULL;
  double values[] = { 104, 110, 110, 110.5 };

  g_signal_connect (project, "notify::tempo", G_CALLBACK (count_notify), &tempo);
  g_signal_connect (track, "notify::volume", G_CALLBACK (count_notify), &volume);
  for (guint i = 0; i < G_N_ELEMENTS (values); i++)
    {
      g_autoptr(TandemOp) op =
        tandem_op_new_set_double (TANDEM_ENTITY_PROJECT, NULL, "tempo", values[i]);

      g_assert_true (tandem_project_apply (project, op, NULL, &error));
    }
  g_assert_cmpuint (tempo, ==, 2);

  {
    g_autoptr(TandemOp) op =
      tandem_op_new_set_double (TANDEM_ENTITY_TRACK, tandem_track_get_id (track), "volume", -1);
    g_assert_true (tandem_project_apply (project, op, NULL, &error));
  }
  g_assert_cmpuint (volume, ==, 1);
  g_assert_cmpuint (tempo, ==, 2);
}

static void
test_doubles_round_trip (void)
{
  g_autoptr(TandemProject) project = tandem_project_new_demo ();
  double values[] = { 120.1, 20.000000000000004, 299.99999999999994, 33.333333333333336,
                      1.0 / 3.0 + 100, 65.5 };
  g_autoptr(GRand) rand = g_rand_new_with_seed (7);

  for (guint i = 0; i < G_N_ELEMENTS (values) + 200; i++)
    {
      double v = i < G_N_ELEMENTS (values) ? values[i] : g_rand_double_range (rand, 20, 300);
      g_autoptr(TandemOp) op = tandem_op_new_set_double (TANDEM_ENTITY_PROJECT, NULL, "tempo", v);
      g_autoptr(GError) error = NULL;
      g_autoptr(TandemProject) copy = NULL;
      g_autoptr(JsonNode) node = NULL;
      g_autofree char *text = NULL;

      g_assert_true (tandem_project_apply (project, op, NULL, &error));
      text = tandem_project_to_string (project);
      node = parse_json (text);
      copy = tandem_project_new_from_json (node, &error);
      g_assert_no_error (error);
      g_assert_cmpfloat (tandem_project_get_tempo (copy), ==, v);
    }

  /* -0 is stored as 0, so it cannot make two equal states print differently. */
  {
    g_autoptr(TandemOp) op = tandem_op_new_set_double (TANDEM_ENTITY_PROJECT, NULL,
                                                       "master-volume", -0.0);
    g_autoptr(GError) error = NULL;
    g_autofree char *text = NULL;

    g_assert_true (tandem_project_apply (project, op, NULL, &error));
    g_assert_false (signbit (tandem_project_get_master_volume (project)));
    text = tandem_project_to_string (project);
    g_assert_nonnull (strstr (text, "\"master-volume\":0.0,"));
  }
}

static void
on_reset (TandemProject *project,
          guint         *count)
{
  (*count)++;
}

static void
test_load_json (void)
{
  g_autoptr(TandemProject) demo = tandem_project_new_demo ();
  g_autoptr(TandemProject) project = tandem_project_new ();
  g_autoptr(JsonNode) node = tandem_project_to_json (demo);
  g_autoptr(GError) error = NULL;
  g_autofree char *expected = tandem_project_to_string (demo);
  g_autofree char *text = NULL;
  g_autofree char *empty = tandem_project_to_string (project);
  guint resets = 0, tempo = 0;
  const char *broken[] = {
    "[]",
    "{\"tempo\":\"fast\"}",
    "{\"tempo\":1e308}",
    "{\"tracks\":[{\"id\":\"a\"},{\"id\":\"a\"}]}",
    "{\"patterns\":[{\"id\":\"p\",\"cells\":{\"ghost\":{\"velocity\":\"00\"}}}]}",
    "{\"clips\":[{\"id\":\"c\",\"pattern\":\"p\"}]}",
    "{\"current-pattern\":\"p\"}",
    "{\"bogus\":1}",
  };

  g_signal_connect (project, "reset", G_CALLBACK (on_reset), &resets);
  g_signal_connect (project, "notify::tempo", G_CALLBACK (count_notify), &tempo);

  for (guint i = 0; i < G_N_ELEMENTS (broken); i++)
    {
      g_autoptr(JsonNode) bad = parse_json (broken[i]);
      g_autoptr(GError) bad_error = NULL;

      g_assert_false (tandem_project_load_json (project, bad, &bad_error));
      g_assert_nonnull (bad_error);
      g_assert_cmpuint (resets, ==, 0);
      g_clear_pointer (&text, g_free);
      text = tandem_project_to_string (project);
      g_assert_cmpstr (text, ==, empty);
    }

  g_assert_true (tandem_project_load_json (project, node, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (resets, ==, 1);
  g_assert_cmpuint (tempo, ==, 1);
  g_clear_pointer (&text, g_free);
  text = tandem_project_to_string (project);
  g_assert_cmpstr (text, ==, expected);
  g_assert_cmpuint (g_list_model_get_n_items (tandem_project_get_tracks (project)), ==, 4);
  g_assert_nonnull (tandem_project_find_track (project, tandem_track_get_id (nth_track (demo, 2))));
}

static void
test_demo (void)
{
  g_autoptr(TandemProject) demo = tandem_project_new_demo ();
  TandemPattern *pattern = nth_pattern (demo, 0);
  GListModel *tracks = tandem_project_get_tracks (demo);
  const char *kick, *snare;
  guint hits = 0;

  g_assert_cmpstr (tandem_project_get_name (demo), ==, "New Beat");
  g_assert_cmpfloat (tandem_project_get_tempo (demo), >=, 100);
  g_assert_cmpfloat (tandem_project_get_tempo (demo), <=, 110);
  g_assert_cmpfloat (tandem_project_get_swing (demo), >, 0);
  g_assert_cmpuint (g_list_model_get_n_items (tracks), ==, 4);
  g_assert_cmpuint (g_list_model_get_n_items (tandem_project_get_patterns (demo)), ==, 1);
  g_assert_cmpuint (g_list_model_get_n_items (tandem_project_get_clips (demo)), ==, 1);
  g_assert_cmpstr (tandem_project_get_current_pattern (demo), ==, tandem_pattern_get_id (pattern));
  g_assert_cmpuint (tandem_pattern_get_length (pattern), ==, 16);

  kick = tandem_track_get_id (nth_track (demo, 0));
  snare = tandem_track_get_id (nth_track (demo, 1));
  g_assert_cmpstr (tandem_track_get_instrument (nth_track (demo, 0)), ==, "kick");
  g_assert_cmpuint (tandem_pattern_get_cell (pattern, kick, 0)->velocity, >, 0);
  g_assert_cmpuint (tandem_pattern_get_cell (pattern, snare, 4)->velocity, >, 0);
  g_assert_cmpuint (tandem_pattern_get_cell (pattern, snare, 12)->velocity, >, 0);
  for (guint s = 0; s < 16; s++)
    if (tandem_pattern_get_cell (pattern, snare, s)->probability == 50)
      hits++;
  g_assert_cmpuint (hits, ==, 1);

  for (guint i = 0; i < 4; i++)
    {
      TandemTrack *track = nth_track (demo, i);

      g_assert_true (tandem_id_is_valid (tandem_track_get_id (track)));
      g_assert_true (tandem_instrument_is_valid (tandem_track_get_instrument (track)));
    }

  /* It validates: it loads back to the same text. */
  {
    g_autoptr(JsonNode) node = tandem_project_to_json (demo);
    g_autoptr(GError) error = NULL;
    g_autoptr(TandemProject) copy = tandem_project_new_from_json (node, &error);
    g_autofree char *a = tandem_project_to_string (demo);
    g_autofree char *b = NULL;

    g_assert_no_error (error);
    b = tandem_project_to_string (copy);
    g_assert_cmpstr (a, ==, b);
  }
}

static void
test_ids (void)
{
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  for (guint i = 0; i < 10000; i++)
    {
      char *id = tandem_id_new ();

      g_assert_cmpuint (strlen (id), ==, 32);
      g_assert_true (tandem_id_is_valid (id));
      for (const char *p = id; *p; p++)
        g_assert_true (g_ascii_isxdigit (*p) && !g_ascii_isupper (*p));
      g_assert_false (g_hash_table_contains (seen, id));
      g_hash_table_add (seen, id);
    }
  g_assert_true (tandem_id_is_valid ("a"));
  g_assert_true (tandem_id_is_valid ("Track_1-b"));
  g_assert_false (tandem_id_is_valid (""));
  g_assert_false (tandem_id_is_valid ("a b"));
  g_assert_false (tandem_id_is_valid ("ü"));
  {
    g_autofree char *long_id = g_strnfill (65, 'a');

    g_assert_false (tandem_id_is_valid (long_id));
    long_id[64] = '\0';
    g_assert_true (tandem_id_is_valid (long_id));
  }
  g_assert_true (tandem_sample_hash_is_valid (HASH_A));
  {
    g_autofree char *upper = g_ascii_strup (HASH_A, -1);

    g_assert_false (tandem_sample_hash_is_valid (upper));
  }
  g_assert_true (tandem_instrument_is_valid ("sample:" HASH_A));
  g_assert_cmpstr (tandem_instrument_get_sample ("sample:" HASH_A), ==, HASH_A);
  g_assert_false (tandem_instrument_is_valid ("sample:abc"));
}

/* Every op's text reads back, whatever number it holds: json-glib writes
 * NaN as "nan.0" and a one-digit number with an exponent as "7e+67.0" or
 * "2e-66.0", which no reader takes, so those are written as null (and
 * refused when applied). */
static void
test_unwritable_numbers_read_back (void)
{
  const double values[] = { NAN, INFINITY, -INFINITY, 1e17, 7e67, -2e300, 1e16, 0.5e-300, 2e-66, -1e-7, 1e21, 120.0, 0.25 };

  for (guint i = 0; i < G_N_ELEMENTS (values); i++)
    {
      g_autoptr(TandemOp) op = tandem_op_new_set_double (TANDEM_ENTITY_PROJECT, NULL, "tempo", values[i]);
      g_autofree char *text = tandem_op_to_string (op);
      g_autoptr(GError) error = NULL;
      g_autoptr(TandemOp) again = tandem_op_from_string (text, &error);

      g_test_message ("%g: %s", values[i], text);
      g_assert_no_error (error);
      g_assert_nonnull (again);
    }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/model/ops/set-project", test_set_project);
  g_test_add_func ("/model/ops/unwritable-numbers-read-back", test_unwritable_numbers_read_back);
  g_test_add_func ("/model/ops/transport-anchor", test_transport_anchor);
  g_test_add_func ("/model/ops/set-track", test_set_track);
  g_test_add_func ("/model/ops/set-pattern-clip-sample", test_set_pattern_clip_sample);
  g_test_add_func ("/model/ops/set-cell", test_set_cell);
  g_test_add_func ("/model/ops/default-rows-dropped", test_cells_default_rows_dropped);
  g_test_add_func ("/model/ops/insert", test_insert);
  g_test_add_func ("/model/ops/delete", test_delete);
  g_test_add_func ("/model/ops/delete-pattern-cascade", test_delete_pattern_cascade);
  g_test_add_func ("/model/ops/move", test_move);
  g_test_add_func ("/model/ops/batch", test_batch);
  g_test_add_func ("/model/ops/rejected", test_rejected);
  g_test_add_func ("/model/ops/json-shape", test_op_json_shape);
  g_test_add_func ("/model/ops/json-reader", test_json_reader);
  g_test_add_func ("/model/ops/notify-only-on-change", test_notify_only_on_change);
  g_test_add_func ("/model/ops/doubles-round-trip", test_doubles_round_trip);
  g_test_add_func ("/model/project/load-json", test_load_json);
  g_test_add_func ("/model/project/demo", test_demo);
  g_test_add_func ("/model/ids", test_ids);

  return g_test_run ();
}
