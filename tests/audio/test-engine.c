/* test-engine.c — the engine without a sound card: status, plans, transport
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "audio-test-utils.h"

static void
on_notify (GObject    *object,
           GParamSpec *pspec,
           guint      *count)
{
  (*count)++;
}

static void
test_no_device (void)
{
  g_autoptr(TandemEngine) engine = tandem_engine_new ();
  g_autoptr(TandemProject) project = tandem_project_new_demo ();
  g_autoptr(GError) error = NULL;
  guint status_changes = 0;
  float l, r;

  g_assert_false (tandem_engine_get_available (engine));
  g_assert_cmpstr (tandem_engine_get_status (engine), ==, "Audio is off");
  g_signal_connect (engine, "notify::status", G_CALLBACK (on_notify), &status_changes);

  tandem_engine_set_project (engine, project);
  g_assert_false (tandem_engine_open (engine, NULL, ATU_RATE, 256, &error));
  g_assert_error (error, TANDEM_AUDIO_ERROR, TANDEM_AUDIO_ERROR_NO_DEVICE);
  g_assert_false (tandem_engine_get_available (engine));
  g_assert_true (g_str_has_prefix (tandem_engine_get_status (engine), "Audio is off: "));
  g_assert_cmpuint (status_changes, ==, 1);
  g_test_message ("%s", tandem_engine_get_status (engine));
  g_clear_error (&error);

  /* A device name that matches nothing says so. */
  g_assert_false (tandem_engine_open (engine, "Nonexistent Card 9000", 44100, 128, &error));
  g_assert_error (error, TANDEM_AUDIO_ERROR, TANDEM_AUDIO_ERROR_NO_DEVICE);
  g_assert_nonnull (strstr (error->message, "Nonexistent Card 9000"));

  /* Everything else keeps working. */
  atu_apply (project, tandem_op_new_set_boolean (TANDEM_ENTITY_PROJECT, NULL, "playing", TRUE));
  g_assert_true (tandem_engine_get_playing (engine));
  atu_apply (project, tandem_op_new_set_double (TANDEM_ENTITY_PROJECT, NULL, "tempo", 150));
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_cmpint (tandem_engine_get_playhead (engine), ==, -1);
  tandem_engine_get_master_peak (engine, &l, &r);
  g_assert_cmpfloat (l, ==, 0.0f);
  g_assert_cmpfloat (tandem_engine_get_track_peak (engine, 0), ==, 0.0f);
  tandem_engine_close (engine);
}

static void
test_coalesced_compiles (void)
{
  g_autoptr(TandemEngine) engine = tandem_engine_new ();
  g_autoptr(TandemProject) project = tandem_project_new_demo ();
  GListModel *tracks = tandem_project_get_tracks (project);
  guint64 compiled;

  tandem_engine_set_project (engine, project);
  compiled = tandem_engine_get_plans_compiled (engine);

  /* A burst of edits (a sync batch, a paint stroke) compiles once, on the
   * next main-loop iteration. */
  for (guint i = 0; i < 100; i++)
    {
      g_autoptr(TandemTrack) track = g_list_model_get_item (tracks, i % 4);

      atu_set_track (project, tandem_track_get_id (track), "volume", -(double) (i % 20));
    }
  g_assert_cmpuint (tandem_engine_get_plans_compiled (engine), ==, compiled);
  g_main_context_iteration (NULL, FALSE);
  g_assert_cmpuint (tandem_engine_get_plans_compiled (engine), ==, compiled + 1);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_cmpuint (tandem_engine_get_plans_compiled (engine), ==, compiled + 1);

  /* A reset (a whole new document) recompiles too. */
  {
    g_autoptr(TandemProject) other = tandem_project_new_demo ();
    g_autoptr(JsonNode) json = tandem_project_to_json (other);
    g_autoptr(GError) error = NULL;

    tandem_project_load_json (project, json, &error);
    g_assert_no_error (error);
    g_main_context_iteration (NULL, FALSE);
    g_assert_cmpuint (tandem_engine_get_plans_compiled (engine), ==, compiled + 2);
  }
}

static void
test_engines_per_window (void)
{
  g_autoptr(TandemProject) project = tandem_project_new_demo ();
  TandemEngine *a = tandem_engine_new ();
  TandemEngine *b = tandem_engine_new ();
  guint playing_changes = 0;

  /* Two windows on one project, then one closes. */
  tandem_engine_set_project (a, project);
  tandem_engine_set_project (b, project);
  g_signal_connect (b, "notify::playing", G_CALLBACK (on_notify), &playing_changes);
  g_object_unref (a);
  atu_apply (project, tandem_op_new_set_boolean (TANDEM_ENTITY_PROJECT, NULL, "playing", TRUE));
  g_main_context_iteration (NULL, FALSE);
  g_assert_true (tandem_engine_get_playing (b));
  g_assert_cmpuint (playing_changes, ==, 1);
  g_assert_cmpuint (tandem_engine_get_plans_compiled (b), >=, 2);

  tandem_engine_set_project (b, NULL);
  g_assert_false (tandem_engine_get_playing (b));
  g_assert_null (tandem_engine_get_project (b));
  g_object_unref (b);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  atu_alsa_setup (NULL);

  g_test_add_func ("/audio/engine/no-device", test_no_device);
  g_test_add_func ("/audio/engine/coalesced-compiles", test_coalesced_compiles);
  g_test_add_func ("/audio/engine/engines-per-window", test_engines_per_window);

  return g_test_run ();
}
