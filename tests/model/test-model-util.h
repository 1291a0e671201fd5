/* test-model-util.h — helpers shared by the model tests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "tandem-model.h"

G_BEGIN_DECLS

static G_GNUC_UNUSED char *
generate (JsonNode *node)
{
  g_autoptr(JsonGenerator) gen = json_generator_new ();

  json_generator_set_root (gen, node);
  return json_generator_to_data (gen, NULL);
}

/* The canonical text and the JSON tree say the same, in the same order
 * (compared through json-glib's own parser and generator). */
static G_GNUC_UNUSED void
check_text_matches_tree (TandemProject *project)
{
  g_autofree char *text = tandem_project_to_string (project);
  g_autoptr(JsonNode) tree = tandem_project_to_json (project);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *a = NULL;
  g_autofree char *b = NULL;

  json_parser_load_from_data (parser, text, -1, &error);
  g_assert_no_error (error);
  a = generate (json_parser_get_root (parser));
  b = generate (tree);
  g_assert_cmpstr (a, ==, b);
}

/* Applies @op after a JSON round trip, then its inverse (also through JSON),
 * and checks the project is back byte for byte; then re-applies @op.
 * Returns the project's text after @op. */
static G_GNUC_UNUSED char *
check_apply_and_invert (TandemProject *project,
                        TandemOp      *op)
{
  g_autofree char *before = tandem_project_to_string (project);
  g_autofree char *op_text = tandem_op_to_string (op);
  g_autofree char *inv_text = NULL;
  g_autofree char *after = NULL;
  g_autofree char *again = NULL;
  g_autoptr(TandemOp) parsed = NULL;
  g_autoptr(TandemOp) inverse = NULL;
  g_autoptr(TandemOp) inverse_parsed = NULL;
  g_autoptr(TandemOp) redo = NULL;
  g_autoptr(TandemProject) reloaded = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) error = NULL;

  parsed = tandem_op_from_string (op_text, &error);
  g_assert_no_error (error);
  {
    g_autofree char *reprinted = tandem_op_to_string (parsed);
    g_assert_cmpstr (reprinted, ==, op_text);
  }

  g_assert_true (tandem_project_apply (project, parsed, &inverse, &error));
  g_assert_no_error (error);
  g_assert_nonnull (inverse);
  after = tandem_project_to_string (project);
  check_text_matches_tree (project);

  /* The state after the op is canonical: it reloads to the same bytes. */
  node = tandem_project_to_json (project);
  reloaded = tandem_project_new_from_json (node, &error);
  g_assert_no_error (error);
  {
    g_autofree char *text = tandem_project_to_string (reloaded);
    g_assert_cmpstr (text, ==, after);
  }

  inv_text = tandem_op_to_string (inverse);
  inverse_parsed = tandem_op_from_string (inv_text, &error);
  g_assert_no_error (error);
  g_assert_true (tandem_project_apply (project, inverse_parsed, &redo, &error));
  g_assert_no_error (error);
  again = tandem_project_to_string (project);
  g_assert_cmpstr (again, ==, before);

  /* The inverse of the inverse redoes the op exactly. */
  g_clear_pointer (&again, g_free);
  g_assert_true (tandem_project_apply (project, redo, NULL, &error));
  g_assert_no_error (error);
  again = tandem_project_to_string (project);
  g_assert_cmpstr (again, ==, after);

  return g_steal_pointer (&after);
}

/* Applies @op, expecting it to fail with @code and change nothing. */
static G_GNUC_UNUSED void
check_rejected (TandemProject *project,
                TandemOp      *op,
                int            code)
{
  g_autofree char *before = tandem_project_to_string (project);
  g_autofree char *after = NULL;
  g_autoptr(TandemOp) inverse = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_false (tandem_project_apply (project, op, &inverse, &error));
  g_assert_error (error, TANDEM_MODEL_ERROR, code);
  g_assert_null (inverse);
  after = tandem_project_to_string (project);
  g_assert_cmpstr (after, ==, before);
}

static G_GNUC_UNUSED JsonNode *
parse_json (const char *text)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  json_parser_load_from_data (parser, text, -1, &error);
  g_assert_no_error (error);
  return json_node_ref (json_parser_get_root (parser));
}

static G_GNUC_UNUSED TandemTrack *
nth_track (TandemProject *project,
           guint          i)
{
  g_autoptr(TandemTrack) track = g_list_model_get_item (tandem_project_get_tracks (project), i);
  return track;
}

static G_GNUC_UNUSED TandemPattern *
nth_pattern (TandemProject *project,
             guint          i)
{
  g_autoptr(TandemPattern) pattern =
    g_list_model_get_item (tandem_project_get_patterns (project), i);
  return pattern;
}

G_END_DECLS
