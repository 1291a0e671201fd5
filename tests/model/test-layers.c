/* test-layers.c — a sampler track's velocity layers and choke group as properties and ops
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "tandem-model.h"

#define HASH_A "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define HASH_B "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"

static TandemProject *
project_with_track (void)
{
  g_autoptr(TandemProject) project = tandem_project_new ();
  const char *ops[] = {
    "{\"op\":\"insert\",\"kind\":\"sample\",\"index\":-1,\"value\":{\"id\":\"" HASH_A "\",\"name\":\"Soft\"}}",
    "{\"op\":\"insert\",\"kind\":\"sample\",\"index\":-1,\"value\":{\"id\":\"" HASH_B "\",\"name\":\"Hard\"}}",
    "{\"op\":\"insert\",\"kind\":\"track\",\"index\":-1,\"value\":{\"id\":\"t\",\"name\":\"Kick\"}}",
  };

  for (guint i = 0; i < G_N_ELEMENTS (ops); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(TandemOp) op = tandem_op_from_string (ops[i], &error);

      g_assert_no_error (error);
      g_assert_true (tandem_project_apply (project, op, NULL, &error));
      g_assert_no_error (error);
    }
  return g_steal_pointer (&project);
}

static void
test_parse_and_pick (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) layers = tandem_layers_parse (HASH_A ":0-63:1:0;" HASH_B ":70-127:0.85:-2.5", &error);
  g_autofree char *text = NULL;

  g_assert_no_error (error);
  g_assert_cmpuint (layers->len, ==, 2);
  g_assert_cmpuint (g_array_index (layers, TandemLayer, 1).min, ==, 70);
  g_assert_cmpfloat (g_array_index (layers, TandemLayer, 1).gain, ==, 0.85);
  g_assert_cmpfloat (g_array_index (layers, TandemLayer, 1).pitch, ==, -2.5);
  text = tandem_layers_to_string ((TandemLayer *) layers->data, layers->len);
  g_assert_cmpstr (text, ==, HASH_A ":0-63:1:0;" HASH_B ":70-127:0.85:-2.5");

  /* In range, the first layer that holds the velocity; in a gap, the nearest. */
  g_assert_cmpint (tandem_layers_pick ((TandemLayer *) layers->data, 2, 1), ==, 0);
  g_assert_cmpint (tandem_layers_pick ((TandemLayer *) layers->data, 2, 63), ==, 0);
  g_assert_cmpint (tandem_layers_pick ((TandemLayer *) layers->data, 2, 65), ==, 0);
  g_assert_cmpint (tandem_layers_pick ((TandemLayer *) layers->data, 2, 68), ==, 1);
  g_assert_cmpint (tandem_layers_pick ((TandemLayer *) layers->data, 2, 127), ==, 1);
  g_assert_cmpint (tandem_layers_pick (NULL, 0, 100), ==, -1);
}

static void
assert_set_refused (TandemProject *project,
                    const char    *prop,
                    const char    *value_json,
                    int            code,
                    const char    *message_part)
{
  g_autofree char *json = g_strdup_printf ("{\"op\":\"set\",\"kind\":\"track\",\"id\":\"t\","
                                           "\"prop\":\"%s\",\"value\":%s}", prop, value_json);
  g_autoptr(GError) error = NULL;
  g_autoptr(TandemOp) op = tandem_op_from_string (json, &error);
  g_autofree char *before = tandem_project_to_string (project);
  g_autofree char *after = NULL;

  g_assert_no_error (error);
  g_assert_false (tandem_project_apply (project, op, NULL, &error));
  g_assert_error (error, TANDEM_MODEL_ERROR, code);
  g_test_message ("%s", error->message);
  g_assert_true (strstr (error->message, message_part) != NULL);
  after = tandem_project_to_string (project);
  g_assert_cmpstr (after, ==, before);
}

static void
test_set_validation (void)
{
  g_autoptr(TandemProject) project = project_with_track ();

  assert_set_refused (project, "layers", "\"" HASH_A ":0-300:1:0\"", TANDEM_MODEL_ERROR_OUT_OF_RANGE,
                      "layer 1 has no velocity range");
  assert_set_refused (project, "layers", "\"" HASH_A ":90-10:1:0\"", TANDEM_MODEL_ERROR_OUT_OF_RANGE,
                      "velocity range");
  assert_set_refused (project, "layers", "\"" HASH_A ":0-127:1e3:0\"", TANDEM_MODEL_ERROR_OUT_OF_RANGE,
                      "gain");
  assert_set_refused (project, "layers", "\"" HASH_A ":0-127:1:99\"", TANDEM_MODEL_ERROR_OUT_OF_RANGE,
                      "pitch");
  assert_set_refused (project, "layers", "\"kick\"", TANDEM_MODEL_ERROR_OUT_OF_RANGE, "is not a list of layers");
  assert_set_refused (project, "layers",
                      "\"cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc:0-127:1:0\"",
                      TANDEM_MODEL_ERROR_UNKNOWN_ENTITY, "which the project does not have");
  assert_set_refused (project, "layers", "7", TANDEM_MODEL_ERROR_WRONG_TYPE, "must be a string");
  assert_set_refused (project, "choke-group", "65", TANDEM_MODEL_ERROR_OUT_OF_RANGE, "out of range");
}

static void
test_ops_and_json (void)
{
  g_autoptr(TandemProject) project = project_with_track ();
  g_autofree char *plain = tandem_project_to_string (project);
  g_autoptr(TandemOp) op = tandem_op_new_batch ();
  g_autoptr(TandemOp) inverse = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *with_layers = NULL;
  g_autofree char *undone = NULL;
  g_autoptr(TandemProject) copy = NULL;
  g_autoptr(JsonNode) tree = NULL;
  TandemTrack *track;

  /* Defaults are left out of a track's JSON: older files keep their text. */
  g_assert_null (strstr (plain, "layers"));
  g_assert_null (strstr (plain, "choke-group"));

  tandem_op_batch_add (op, tandem_op_new_set_string (TANDEM_ENTITY_TRACK, "t", "layers",
                                                     HASH_A ":0-63:1:0;" HASH_B ":64-127:1:0"));
  tandem_op_batch_add (op, tandem_op_new_set_int (TANDEM_ENTITY_TRACK, "t", "choke-group", 3));
  tandem_op_batch_add (op, tandem_op_new_set_string (TANDEM_ENTITY_TRACK, "t", "instrument", "sampler"));
  g_assert_true (tandem_project_apply (project, op, &inverse, &error));
  g_assert_no_error (error);
  track = tandem_project_find_track (project, "t");
  g_assert_cmpuint (tandem_track_get_choke_group (track), ==, 3);
  g_assert_cmpstr (tandem_track_get_instrument (track), ==, "sampler");
  with_layers = tandem_project_to_string (project);
  g_assert_nonnull (strstr (with_layers, "\"choke-group\":3"));

  /* The project reads back the same, byte for byte. */
  tree = tandem_project_to_json (project);
  copy = tandem_project_new_from_json (tree, &error);
  g_assert_no_error (error);
  {
    g_autofree char *again = tandem_project_to_string (copy);

    g_assert_cmpstr (again, ==, with_layers);
  }

  /* A sample a layer plays cannot go. */
  {
    g_autoptr(TandemOp) del = tandem_op_new_delete (TANDEM_ENTITY_SAMPLE, HASH_B);

    g_assert_false (tandem_project_apply (project, del, NULL, &error));
    g_assert_error (error, TANDEM_MODEL_ERROR, TANDEM_MODEL_ERROR_CONSTRAINT);
    g_clear_error (&error);
  }

  g_assert_true (tandem_project_apply (project, inverse, NULL, &error));
  undone = tandem_project_to_string (project);
  g_assert_cmpstr (undone, ==, plain);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/layers/parse-and-pick", test_parse_and_pick);
  g_test_add_func ("/layers/set-validation", test_set_validation);
  g_test_add_func ("/layers/ops-and-json", test_ops_and_json);

  return g_test_run ();
}
