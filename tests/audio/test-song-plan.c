/* test-song-plan.c — the song as compiled note tables, and the clip overlap cap
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "audio-test-utils.h"
#include "tandem-plan-compile.h"

#define IMPULSE 0.5f
#define STEP_FRAMES 2400   /* 300 BPM, 4 steps a beat */
#define MASTER_DB -40.0

static JsonNode *
clip_node (const char *id,
           const char *pattern,
           guint       start,
           guint       length)
{
  JsonObject *obj = json_object_new ();
  JsonNode *node;

  json_object_set_string_member (obj, "id", id);
  json_object_set_string_member (obj, "pattern", pattern);
  json_object_set_int_member (obj, "start", start);
  json_object_set_int_member (obj, "length", length);
  node = json_node_init_object (json_node_alloc (), obj);
  json_object_unref (obj);
  return node;
}

static void
add_pattern (TandemProject *project,
             const char    *id,
             guint          length)
{
  JsonObject *obj = json_object_new ();

  json_object_set_string_member (obj, "id", id);
  json_object_set_string_member (obj, "name", id);
  json_object_set_int_member (obj, "length", length);
  atu_apply (project, tandem_op_new_insert (TANDEM_ENTITY_PATTERN, -1,
                                            json_node_init_object (json_node_alloc (), obj)));
  json_object_unref (obj);
}

static void
test_overlap_cap (void)
{
  g_autoptr(TandemProject) project = atu_project_new (120.0, 4, 16);
  g_autoptr(GError) error = NULL;
  g_autoptr(TandemOp) fifth = NULL;
  g_autoptr(TandemOp) move = NULL;
  g_autoptr(TandemProject) loaded = tandem_project_new ();

  for (guint i = 0; i < TANDEM_MAX_CLIP_OVERLAP; i++)
    {
      g_autofree char *id = g_strdup_printf ("c%u", i);
      atu_apply (project, tandem_op_new_insert (TANDEM_ENTITY_CLIP, -1, clip_node (id, "p0", i, 8)));
    }
  /* Touching is not overlapping: c4 starts where c0 ends. */
  atu_apply (project, tandem_op_new_insert (TANDEM_ENTITY_CLIP, -1, clip_node ("c4", "p0", 8, 4)));

  /* A fifth copy over bars 4–8 is refused, and says why. */
  fifth = tandem_op_new_insert (TANDEM_ENTITY_CLIP, -1, clip_node ("c5", "p0", 5, 1));
  g_assert_false (tandem_project_apply (project, fifth, NULL, &error));
  g_assert_error (error, TANDEM_MODEL_ERROR, TANDEM_MODEL_ERROR_CONSTRAINT);
  g_assert_nonnull (strstr (error->message, "at most 4 clips of one pattern may overlap"));
  g_clear_error (&error);
  g_assert_cmpuint (g_list_model_get_n_items (tandem_project_get_clips (project)), ==, 5);

  /* So is moving c4 into the stack. */
  move = tandem_op_new_set_int (TANDEM_ENTITY_CLIP, "c4", "start", 6);
  g_assert_false (tandem_project_apply (project, move, NULL, &error));
  g_assert_error (error, TANDEM_MODEL_ERROR, TANDEM_MODEL_ERROR_CONSTRAINT);
  g_clear_error (&error);
  g_assert_cmpuint (tandem_clip_get_start (tandem_project_find_clip (project, "c4")), ==, 8);

  /* And a file that stacks five. */
  {
    g_autoptr(JsonNode) doc = tandem_project_to_json (project);
    JsonArray *list = json_object_get_array_member (json_node_get_object (doc), "clips");

    for (guint i = 0; i < json_array_get_length (list); i++)
      {
        JsonObject *clip = json_array_get_object_element (list, i);

        if (g_strcmp0 (json_object_get_string_member (clip, "id"), "c4") == 0)
          json_object_set_int_member (clip, "start", 3);
      }
    g_assert_false (tandem_project_load_json (loaded, doc, &error));
    g_assert_error (error, TANDEM_MODEL_ERROR, TANDEM_MODEL_ERROR_CONSTRAINT);
    g_assert_nonnull (strstr (error->message, "at bar 4"));
  }
}

/* Renders the song and checks every step against the clips, read the slow
 * way: the sum of the notes of every clip that plays there. */
static guint
n_listing_segments (TandemProject *project)
{
  g_autoptr(TandemSample) impulse = atu_impulse_sample ();
  g_autoptr(TandemRenderPlan) plan = atu_compile (project, impulse);
  guint n = 0;

  for (guint i = 0; i < plan->n_segments; i++)
    n += plan->segments[i].n_clips > 0;
  return n;
}

static void
check_song (TandemProject *project,
            guint          n_tracks,
            guint64        n_steps)
{
  g_autoptr(TandemSample) impulse = atu_impulse_sample ();
  g_autofree float *out = atu_render (project, impulse, 1, n_steps * STEP_FRAMES, 256);
  GListModel *clips = tandem_project_get_clips (project);
  guint n_clips = g_list_model_get_n_items (clips);
  guint checked = 0;
  guint64 song_end = 0;

  for (guint c = 0; c < n_clips; c++)
    {
      g_autoptr(TandemClip) clip = g_list_model_get_item (clips, c);
      song_end = MAX (song_end, (guint64) (tandem_clip_get_start (clip) + tandem_clip_get_length (clip)) * 16);
    }
  for (guint64 step = 0; step < n_steps; step++)
    {
      guint64 k = step % song_end;   /* the song starts again after its last clip */
      double expected = 0.0;

      for (guint c = 0; c < n_clips; c++)
        {
          g_autoptr(TandemClip) clip = g_list_model_get_item (clips, c);
          TandemPattern *pattern = tandem_project_find_pattern (project, tandem_clip_get_pattern (clip));
          guint64 start = (guint64) tandem_clip_get_start (clip) * 16;
          guint64 end = start + (guint64) tandem_clip_get_length (clip) * 16;
          guint len = tandem_pattern_get_length (pattern);

          if (k < start || k >= end)
            continue;
          for (guint t = 0; t < n_tracks; t++)
            {
              g_autofree char *id = g_strdup_printf ("t%u", t);
              const TandemCell *row = tandem_pattern_get_row (pattern, id);

              if (row != NULL)
                expected += tandem_db_to_gain (MASTER_DB) * IMPULSE * row[(k - start) % len].velocity / 127.0;
            }
        }
      g_assert_cmpfloat_with_epsilon (out[2 * step * STEP_FRAMES], expected, 1e-6);
      checked += expected > 0;
    }
  g_assert_cmpuint (checked, >, n_steps / 4);
}

static TandemProject *
song_project (guint n_tracks)
{
  TandemProject *project = atu_project_new (300.0, 4, 16);

  atu_add_sample_info (project, ATU_FAKE_HASH, ATU_RATE, 1);
  for (guint t = 0; t < n_tracks; t++)
    {
      g_autofree char *id = g_strdup_printf ("t%u", t);

      atu_add_track (project, id, "sample:" ATU_FAKE_HASH);
      atu_set_track (project, id, "pan", -1.0);
    }
  atu_apply (project, tandem_op_new_set_string (TANDEM_ENTITY_PROJECT, NULL, "play-mode", "song"));
  /* Below the master's soft knee however many notes coincide. */
  atu_set_project (project, "master-volume", MASTER_DB);
  return project;
}

static void
test_merged_song (void)
{
  g_autoptr(TandemProject) project = song_project (2);

  /* Lengths 3, 4 and 5 under each other from different bars: the merged
   * table repeats every 60 steps, and starts out of phase. */
  add_pattern (project, "p3", 3);
  add_pattern (project, "p5", 5);
  atu_apply (project, tandem_op_new_set_int (TANDEM_ENTITY_PATTERN, "p0", "length", 4));
  atu_set_cell (project, "p3", "t0", 0, "velocity", 100);
  atu_set_cell (project, "p3", "t1", 2, "velocity", 30);
  atu_set_cell (project, "p0", "t0", 1, "velocity", 50);
  atu_set_cell (project, "p0", "t1", 3, "velocity", 70);
  atu_set_cell (project, "p5", "t0", 4, "velocity", 127);
  atu_set_cell (project, "p5", "t1", 0, "velocity", 11);
  atu_apply (project, tandem_op_new_insert (TANDEM_ENTITY_CLIP, -1, clip_node ("a", "p3", 0, 6)));
  atu_apply (project, tandem_op_new_insert (TANDEM_ENTITY_CLIP, -1, clip_node ("b", "p0", 1, 3)));
  atu_apply (project, tandem_op_new_insert (TANDEM_ENTITY_CLIP, -1, clip_node ("c", "p5", 2, 5)));
  atu_apply (project, tandem_op_new_insert (TANDEM_ENTITY_CLIP, -1, clip_node ("d", "p0", 2, 1)));
  g_assert_cmpuint (n_listing_segments (project), ==, 0);
  check_song (project, 2, 7 * 16 + 20);   /* and round to bar 1 again */
}

static void
test_unmerged_song (void)
{
  g_autoptr(TandemProject) project = song_project (24);
  static const guint lengths[] = { 61, 62, 63, 64 };

  /* Lengths that share almost no factor, all under each other for 9,000
   * bars: the merged table would be far too large, so this segment lists
   * its clips and the callback reads their patterns. */
  atu_apply (project, tandem_op_new_set_int (TANDEM_ENTITY_PATTERN, "p0", "length", 64));
  for (guint p = 0; p < G_N_ELEMENTS (lengths); p++)
    {
      g_autofree char *pid = g_strdup_printf ("q%u", lengths[p]);
      g_autofree char *cid = g_strdup_printf ("c%u", p);

      add_pattern (project, pid, lengths[p]);
      for (guint t = 0; t < 24; t++)
        {
          g_autofree char *tid = g_strdup_printf ("t%u", t);

          for (guint s = 0; s < lengths[p]; s++)
            atu_set_cell (project, pid, tid, s, "velocity", 1 + (s * 7 + t + p) % 127);
        }
      atu_apply (project, tandem_op_new_insert (TANDEM_ENTITY_CLIP, -1, clip_node (cid, pid, p, 9000)));
    }
  g_assert_cmpuint (n_listing_segments (project), ==, 1);
  check_song (project, 24, 6 * 16);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/audio/song-plan/overlap-cap", test_overlap_cap);
  g_test_add_func ("/audio/song-plan/merged", test_merged_song);
  g_test_add_func ("/audio/song-plan/unmerged", test_unmerged_song);
  return g_test_run ();
}
