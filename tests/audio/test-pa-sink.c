/* test-pa-sink.c — the real PortAudio path into ALSA's file plugin
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * ALSA's file plugin gives PortAudio a real "default" device that writes
 * every frame the callback produced into a file (unpaced: ~1000× real
 * time). What it recorded must equal an offline render of the same plan.
 */
#include "config.h"

#include "audio-test-utils.h"

static char *raw_path;

static TandemProject *
busy_project (void)
{
  TandemProject *project = tandem_project_new_demo ();
  const char *pattern = tandem_project_get_current_pattern (project);
  const int notes[] = { 0, 0, 3, 0, 5, 0, 7, 6 };

  atu_add_track (project, "bass", "synth");
  atu_set_track (project, "bass", "volume", -6.0);
  for (guint s = 0; s < 16; s += 2)
    {
      atu_set_cell (project, pattern, "bass", s, "velocity", 100);
      atu_set_cell (project, pattern, "bass", s, "note", notes[s / 2]);
    }
  atu_apply (project, tandem_op_new_set_boolean (TANDEM_ENTITY_PROJECT, NULL, "playing", TRUE));
  return project;
}

static void
test_callback_equals_offline (void)
{
  g_autoptr(TandemProject) project = busy_project ();
  g_autoptr(TandemEngine) engine = tandem_engine_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(TandemRenderPlan) plan = NULL;
  g_autofree char *contents = NULL;
  g_autofree float *offline = NULL;
  TandemPlanOptions options = { ATU_RATE, NULL, NULL, FALSE, FALSE };
  TandemRenderer *renderer;
  const float *played;
  gsize length, n_played, n_rendered, offset, overlap;
  gboolean found = FALSE;

  tandem_engine_set_seed (engine, 5);
  tandem_engine_set_project (engine, project);
  tandem_engine_open (engine, NULL, ATU_RATE, 256, &error);
  g_assert_no_error (error);
  g_assert_true (tandem_engine_get_available (engine));
  g_assert_true (g_str_has_prefix (tandem_engine_get_status (engine), "Audio on: "));
  g_test_message ("%s", tandem_engine_get_status (engine));

  atu_wait_frames (engine, ATU_RATE * 4);
  g_assert_cmpint (tandem_engine_get_playhead (engine), >=, 0);
  {
    float l, r;

    /* Meters move while it plays: the master, and the kick's track. */
    tandem_engine_get_master_peak (engine, &l, &r);
    g_assert_cmpfloat (l + r, >, 0.0f);
    g_assert_cmpfloat (tandem_engine_get_track_peak (engine, 0), >, 0.0f);
  }
  tandem_engine_close (engine);
  g_assert_false (tandem_engine_get_available (engine));
  n_rendered = tandem_engine_get_frames_rendered (engine);

  g_assert_true (g_file_get_contents (raw_path, &contents, &length, NULL));
  played = (const float *) contents;
  n_played = length / (2 * sizeof (float));
  g_test_message ("callback rendered %" G_GSIZE_FORMAT " frames, the device got %" G_GSIZE_FORMAT,
                  n_rendered, n_played);

  /* The same plan, rendered offline. */
  plan = tandem_plan_compile (project, &options);
  renderer = tandem_renderer_new (ATU_RATE, 512);
  tandem_renderer_set_seed (renderer, 5);
  tandem_renderer_set_plan (renderer, plan);
  offline = g_new0 (float, 2 * n_rendered);
  for (gsize done = 0; done < n_rendered; done += 256)
    tandem_renderer_process (renderer, offline + 2 * done, (guint) MIN (256, n_rendered - done));
  tandem_renderer_free (renderer);

  /* ALSA may put a few periods of silence before the first callback's frames. */
  for (offset = 0; offset + 4096 < n_played && offset < 65536; offset++)
    if (memcmp (played + 2 * offset, offline, 4096 * 2 * sizeof (float)) == 0)
      {
        found = TRUE;
        break;
      }
  g_assert_true (found);
  for (gsize i = 0; i < offset * 2; i++)
    g_assert_cmpfloat (played[i], ==, 0.0f);
  overlap = MIN (n_played - offset, n_rendered);
  g_test_message ("device output starts at frame %" G_GSIZE_FORMAT "; %" G_GSIZE_FORMAT " frames compared",
                  offset, overlap);
  g_assert_cmpuint (overlap, >=, ATU_RATE * 3);
  g_assert_cmpfloat (atu_peak (offline, 2 * overlap), >, 0.1f);
  g_assert_cmpmem (played + 2 * offset, overlap * 2 * sizeof (float), offline, overlap * 2 * sizeof (float));
}

/* An edit reaches the audio thread on the next callback after the main loop
 * ran once, and the plan it replaced is freed. */
static void
test_edit_reaches_callback (void)
{
  g_autoptr(TandemProject) project = busy_project ();
  g_autoptr(TandemEngine) engine = tandem_engine_new ();
  g_autoptr(GError) error = NULL;
  GListModel *tracks = tandem_project_get_tracks (project);

  tandem_engine_set_project (engine, project);
  tandem_engine_open (engine, NULL, ATU_RATE, 128, &error);
  g_assert_no_error (error);
  atu_wait_frames (engine, 1024);

  for (guint i = 0; i < 50; i++)
    {
      g_autoptr(TandemTrack) track = g_list_model_get_item (tracks, i % 4);
      guint64 swaps = tandem_engine_get_plan_swaps (engine);
      guint64 compiled = tandem_engine_get_plans_compiled (engine);

      atu_set_track_bool (project, tandem_track_get_id (track), "mute", i % 2 == 0);
      /* One main-loop iteration compiles and publishes. */
      g_main_context_iteration (NULL, FALSE);
      g_assert_cmpuint (tandem_engine_get_plans_compiled (engine), ==, compiled + 1);
      while (tandem_engine_get_plan_swaps (engine) == swaps)
        g_thread_yield ();
    }
  tandem_engine_close (engine);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  raw_path = g_build_filename (atu_tmpdir (), "played.raw", NULL);
  atu_alsa_setup (raw_path);

  g_test_add_func ("/audio/pa-sink/callback-equals-offline", test_callback_equals_offline);
  g_test_add_func ("/audio/pa-sink/edit-reaches-callback", test_edit_reaches_callback);

  return g_test_run ();
}
