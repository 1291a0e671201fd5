/* test-kit-render.c — kit tracks and Hydrogen songs, rendered offline
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include "audio-test-utils.h"
#include "tandem-h2song.h"
#include "tandem-kit-import.h"
#include "tandem-xml-tree.h"

#define SYSTEM_KITS "/usr/share/hydrogen/data/drumkits"
#define DEMO_SONGS "/usr/share/hydrogen/data/demo_songs"

static gboolean
have_hydrogen_data (void)
{
  if (g_file_test (SYSTEM_KITS "/GMRockKit/drumkit.xml", G_FILE_TEST_EXISTS)
      && g_file_test (DEMO_SONGS "/GM_kit_demo2.h2song", G_FILE_TEST_EXISTS))
    return TRUE;
  g_test_skip ("hydrogen-data is not installed");
  return FALSE;
}

static TandemSample *
lookup_table (const char *hash,
              gpointer    data)
{
  return g_hash_table_lookup (data, hash);
}

static float *
render_with (TandemProject *project,
             GHashTable    *samples,
             gboolean       song,
             gsize          n_frames)
{
  TandemPlanOptions options = { 0 };
  g_autoptr(TandemRenderPlan) plan = NULL;
  TandemRenderer *renderer = tandem_renderer_new (ATU_RATE, 256);
  float *out = g_new0 (float, n_frames * 2);

  options.sample_rate = ATU_RATE;
  options.lookup = lookup_table;
  options.lookup_data = samples;
  options.force_playing = TRUE;
  options.force_song = song;
  plan = tandem_plan_compile (project, &options);
  tandem_renderer_set_plan (renderer, plan);
  for (gsize at = 0; at < n_frames; at += 256)
    tandem_renderer_process (renderer, out + 2 * at, (guint) MIN (256, n_frames - at));
  tandem_renderer_free (renderer);
  return out;
}

static GHashTable *
decode_samples (TandemProject *project,
                TandemSampleStore *store)
{
  GHashTable *samples = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                               (GDestroyNotify) tandem_sample_unref);
  GListModel *infos = tandem_project_get_samples (project);

  for (guint i = 0; i < g_list_model_get_n_items (infos); i++)
    {
      g_autoptr(TandemSampleInfo) info = g_list_model_get_item (infos, i);
      g_autofree char *path = tandem_sample_store_lookup (store, tandem_sample_info_get_id (info));
      g_autoptr(GError) error = NULL;
      TandemSample *sample = tandem_sample_decode_file (path, ATU_RATE, &error);

      g_assert_no_error (error);
      g_hash_table_insert (samples, g_strdup (tandem_sample_info_get_id (info)), sample);
    }
  return samples;
}

/* GMRockKit's kick has five velocity layers: each hit plays the one its
 * velocity falls in, sample for sample. */
static void
test_layers_by_velocity (void)
{
  g_autofree char *store_dir = g_dir_make_tmp ("tandem-kit-store-XXXXXX", NULL);
  g_autoptr(TandemSampleStore) store = tandem_sample_store_new (store_dir);
  g_autoptr(TandemProject) project = atu_project_new (60.0, 1, 16);
  g_autoptr(TandemKit) kit = NULL;
  g_autoptr(TandemKitImport) import = NULL;
  g_autoptr(GArray) only_kick = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autoptr(GArray) layers = NULL;
  g_autoptr(GHashTable) samples = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(TandemTrack) kick = NULL;
  g_autofree float *out = NULL;
  static const guint velocities[] = { 10, 40, 127 };
  static const guint expected_layer[] = { 0, 1, 4 };
  guint zero = 0;
  float gl, gr;

  if (!have_hydrogen_data ())
    return;
  kit = tandem_kit_load_folder (SYSTEM_KITS "/GMRockKit", &error);
  g_assert_no_error (error);
  import = tandem_kit_import (kit, store, TANDEM_SAMPLE_DEFAULT_MAX_BYTES, NULL, &error);
  g_assert_no_error (error);
  g_array_append_val (only_kick, zero);
  atu_apply (project, tandem_kit_import_build_tracks_op (import, project, only_kick, -1));
  kick = g_list_model_get_item (tandem_project_get_tracks (project), 0);
  layers = tandem_layers_parse (tandem_track_get_layers (kick), &error);
  g_assert_no_error (error);
  for (guint i = 0; i < G_N_ELEMENTS (velocities); i++)
    atu_set_cell (project, "p0", tandem_track_get_id (kick), i, "velocity", (int) velocities[i]);

  samples = decode_samples (project, store);
  out = render_with (project, samples, FALSE, 3 * ATU_RATE);
  tandem_pan_gains (tandem_track_get_pan (kick), &gl, &gr);
  gl *= (float) tandem_db_to_gain (tandem_track_get_volume (kick));

  /* One hit a second. From 10 ms in (past any start ramp) to 200 ms, the
   * left channel is the chosen layer's frames × velocity × gains and no
   * other layer's. */
  for (guint i = 0; i < G_N_ELEMENTS (velocities); i++)
    {
      const TandemLayer *want = &g_array_index (layers, TandemLayer, expected_layer[i]);
      TandemSample *sample = g_hash_table_lookup (samples, want->sample);
      float amp = (float) velocities[i] / 127.0f * (float) want->gain * gl;
      double err = 0.0, energy = 0.0;

      g_assert_nonnull (sample);
      for (gsize f = ATU_RATE / 100; f < ATU_RATE / 5; f++)
        {
          float got = out[2 * ((gsize) i * ATU_RATE + f)];

          err = MAX (err, fabs (got - sample->frames[f] * amp));
          energy += fabs (got);
        }
      g_test_message ("velocity %u: layer %u, largest difference %.3g", velocities[i],
                      expected_layer[i], err);
      g_assert_cmpfloat (energy, >, 1.0);
      g_assert_cmpfloat (err, <, 1e-6);
      for (guint other = 0; other < layers->len; other++)
        {
          TandemSample *o = g_hash_table_lookup (samples, g_array_index (layers, TandemLayer, other).sample);
          double diff = 0.0;

          if (other == expected_layer[i])
            continue;
          for (gsize f = ATU_RATE / 100; f < ATU_RATE / 5; f++)
            diff = MAX (diff, fabs (out[2 * ((gsize) i * ATU_RATE + f)] - o->frames[f] * amp));
          g_assert_cmpfloat (diff, >, 1e-3);
        }
    }
}

/* Two tracks with a long constant sample, A hard left, B hard right. */
static float *
render_choke (guint group_a,
              guint group_b)
{
  g_autoptr(TandemProject) project = atu_project_new (60.0, 1, 16);
  g_autoptr(GHashTable) samples = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                         (GDestroyNotify) tandem_sample_unref);
  g_autofree float *dc = g_new (float, 3 * ATU_RATE);
  g_autofree char *layers = g_strconcat (ATU_FAKE_HASH, ":0-127:1:0", NULL);
  const char *tracks[] = { "a", "b" };
  guint groups[] = { group_a, group_b };

  for (guint f = 0; f < 3 * ATU_RATE; f++)
    dc[f] = 0.5f;
  g_hash_table_insert (samples, g_strdup (ATU_FAKE_HASH),
                       tandem_sample_new_from_frames (dc, 3 * ATU_RATE, ATU_RATE));
  atu_add_sample_info (project, ATU_FAKE_HASH, ATU_RATE, 3 * ATU_RATE);
  for (guint i = 0; i < 2; i++)
    {
      atu_add_track (project, tracks[i], TANDEM_INSTRUMENT_SAMPLER);
      atu_apply (project, tandem_op_new_set_string (TANDEM_ENTITY_TRACK, tracks[i], "layers", layers));
      atu_apply (project, tandem_op_new_set_int (TANDEM_ENTITY_TRACK, tracks[i], "choke-group", groups[i]));
      atu_set_track (project, tracks[i], "pan", i == 0 ? -1.0 : 1.0);
      atu_set_cell (project, "p0", tracks[i], i, "velocity", 127);
    }
  return render_with (project, samples, FALSE, 2 * ATU_RATE);
}

static void
test_choke_group (void)
{
  g_autofree float *choked = render_choke (1, 1);
  g_autofree float *apart = render_choke (1, 2);
  const gsize onset_b = ATU_RATE;
  const gsize fade = ATU_RATE * 5 / 1000;
  float largest_step = 0.0f;

  /* A rings alone until B starts, in both renders. */
  g_assert_cmpfloat (fabsf (choked[2 * (onset_b - 1)]), >, 0.1f);
  g_assert_cmpfloat (choked[2 * (onset_b - 1) + 1], ==, 0.0f);
  g_assert_cmpfloat (fabsf (apart[2 * (onset_b + fade)]), >, 0.1f);

  /* In one group, B silences A within 5 ms, fading rather than stepping. */
  g_assert_cmpfloat (fabsf (choked[2 * (onset_b + 1) + 1]), >, 0.1f);
  for (gsize f = onset_b + fade; f < onset_b + ATU_RATE / 2; f++)
    g_assert_cmpfloat (fabsf (choked[2 * f]), <, 1e-4f);
  for (gsize f = onset_b - 10; f < onset_b + fade; f++)
    largest_step = MAX (largest_step, fabsf (choked[2 * f + 2] - choked[2 * f]));
  g_test_message ("choke: largest step %.4f of a level of %.3f", largest_step,
                  fabsf (choked[2 * (onset_b - 1)]));
  g_assert_cmpfloat (largest_step, <, fabsf (choked[2 * (onset_b - 1)]) / 4.0f);
}

/* A 0.4 s sine of @freq Hz (a second one of 2 × @freq on the right when
 * @stereo) on a sampler layer of @pitch semitones, hit once hard left (mono)
 * or centred (stereo). */
#define PITCH_SINE_FRAMES (ATU_RATE * 2 / 5)
#define PITCH_RENDER_FRAMES (2 * ATU_RATE)

static float *
render_pitched_sine (double   pitch,
                     gboolean stereo,
                     float   *sine)
{
  g_autoptr(TandemProject) project = atu_project_new (60.0, 1, 16);
  g_autoptr(GHashTable) samples = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                         (GDestroyNotify) tandem_sample_unref);
  guint channels = stereo ? 2 : 1;
  g_autofree char *layers = g_strdup_printf ("%s:0-127:1:%g", ATU_FAKE_HASH, pitch);

  for (guint f = 0; f < PITCH_SINE_FRAMES; f++)
    for (guint c = 0; c < channels; c++)
      sine[f * channels + c] = 0.5f * (float) sin (2.0 * G_PI * 480.0 * (c + 1) * f / ATU_RATE);
  g_hash_table_insert (samples, g_strdup (ATU_FAKE_HASH),
                       tandem_sample_new (sine, PITCH_SINE_FRAMES, channels, ATU_RATE));
  atu_add_sample_info (project, ATU_FAKE_HASH, ATU_RATE, PITCH_SINE_FRAMES);
  atu_add_track (project, "s", TANDEM_INSTRUMENT_SAMPLER);
  atu_apply (project, tandem_op_new_set_string (TANDEM_ENTITY_TRACK, "s", "layers", layers));
  atu_set_track (project, "s", "pan", stereo ? 0.0 : -1.0);
  atu_set_cell (project, "p0", "s", 0, "velocity", 127);
  return render_with (project, samples, FALSE, PITCH_RENDER_FRAMES);
}

/* Frames until the last one that sounds on channel @c of the stereo render. */
static gsize
sounding_length (const float *out,
                 guint        c)
{
  gsize last = 0;

  for (gsize f = 0; f < PITCH_RENDER_FRAMES; f++)
    if (fabsf (out[2 * f + c]) > 1e-6f)
      last = f + 1;
  return last;
}

/* Frequency from the upward zero crossings over the first @n frames. */
static double
measured_freq (const float *out,
               guint        c,
               gsize        n)
{
  guint up = 0;
  gsize first = 0, last = 0;

  for (gsize f = 1; f < n; f++)
    if (out[2 * (f - 1) + c] < 0.0f && out[2 * f + c] >= 0.0f)
      {
        if (up++ == 0)
          first = f;
        last = f;
      }
  g_assert_cmpuint (up, >, 10);
  return (double) (up - 1) * ATU_RATE / (double) (last - first);
}

/* A layer's pitch plays: +12 an octave up (half as long, twice the
 * frequency), -12 an octave down, 0 the recorded frames exactly. */
static void
test_layer_pitch (void)
{
  static const struct { double pitch; double factor; } cases[] = {
    { 12.0, 2.0 }, { -12.0, 0.5 }, { 7.0, 1.4983070768766815 },
  };
  g_autofree float *sine = g_new (float, 2 * PITCH_SINE_FRAMES);
  g_autofree float *flat = render_pitched_sine (0.0, FALSE, sine);

  /* Unpitched: bit for bit the sample on the left, nothing after it. */
  for (gsize f = 0; f < PITCH_SINE_FRAMES; f++)
    g_assert_cmpfloat (flat[2 * f], ==, sine[f]);
  g_assert_cmpuint (sounding_length (flat, 0), <=, PITCH_SINE_FRAMES);

  for (guint stereo = 0; stereo < 2; stereo++)
    for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
      {
        g_autofree float *out = render_pitched_sine (cases[i].pitch, stereo, sine);

        for (guint c = 0; c < (stereo ? 2u : 1u); c++)
          {
            gsize len = sounding_length (out, c);
            double want_len = PITCH_SINE_FRAMES / cases[i].factor;
            double freq = measured_freq (out, c, len);
            double want_freq = 480.0 * (c + 1) * cases[i].factor;

            g_test_message ("%s pitch %+g channel %u: %" G_GSIZE_FORMAT " frames (want %.0f), "
                            "%.2f Hz (want %.2f)", stereo ? "stereo" : "mono", cases[i].pitch, c,
                            len, want_len, freq, want_freq);
            g_assert_cmpfloat (fabs ((double) len - want_len), <=, 3.0);
            g_assert_cmpfloat (fabs (freq / want_freq - 1.0), <, 0.002);
          }
      }
}

/* The notated onsets of a song: the frame of every note of every pattern of
 * every group (one bar per group, as the song has them). */
static GArray *
song_onsets (const char *path,
             double      bpm)
{
  g_autofree char *xml = NULL;
  g_autoptr(TandemXmlNode) song = NULL;
  g_autoptr(GHashTable) patterns = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) seen = g_hash_table_new (NULL, NULL);
  GArray *onsets = g_array_new (FALSE, FALSE, sizeof (gint64));
  TandemXmlNode *list, *sequence;
  gsize length;
  double frames_per_tick = ATU_RATE * 60.0 / (bpm * 48.0);

  g_assert_true (g_file_get_contents (path, &xml, &length, NULL));
  song = tandem_xml_parse (xml, length, NULL);
  list = tandem_xml_child (song, "patternList");
  for (guint i = 0; i < list->children->len; i++)
    {
      TandemXmlNode *p = g_ptr_array_index (list->children, i);

      g_hash_table_insert (patterns, (gpointer) tandem_xml_child_text (p, "name", ""), p);
    }
  sequence = tandem_xml_child (song, "patternSequence");
  for (guint g = 0; g < sequence->children->len; g++)
    {
      TandemXmlNode *group = g_ptr_array_index (sequence->children, g);

      for (guint k = 0; k < group->children->len; k++)
        {
          TandemXmlNode *ref = g_ptr_array_index (group->children, k);
          TandemXmlNode *p = g_hash_table_lookup (patterns, g_strstrip (ref->text->str));
          TandemXmlNode *notes = tandem_xml_child (p, "noteList");

          for (guint n = 0; notes != NULL && n < notes->children->len; n++)
            {
              double pos = tandem_xml_child_double (g_ptr_array_index (notes->children, n), "position", 0);
              gint64 frame = (gint64) llround ((g * 192.0 + pos) * frames_per_tick);

              if (!g_hash_table_contains (seen, GSIZE_TO_POINTER (frame)))
                {
                  g_hash_table_add (seen, GSIZE_TO_POINTER (frame));
                  g_array_append_val (onsets, frame);
                }
            }
        }
    }
  return onsets;
}

static int
compare_frames (gconstpointer a,
                gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;

  return x < y ? -1 : x > y;
}

static void
test_demo_song (void)
{
  const char *path = DEMO_SONGS "/GM_kit_demo2.h2song";
  g_autofree char *store_dir = g_dir_make_tmp ("tandem-song-store-XXXXXX", NULL);
  g_autoptr(TandemSampleStore) store = tandem_sample_store_new (store_dir);
  const char *folders[] = { SYSTEM_KITS, NULL };
  g_autoptr(TandemProject) project = NULL;
  g_autoptr(GHashTable) samples = NULL;
  g_autoptr(GArray) expected = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree float *out = NULL;
  g_autofree float *mono = NULL;
  GListModel *tracks;
  GHashTableIter iter;
  gpointer value;
  gsize n_frames;
  guint matched = 0, k = 0;
  gint64 t0;

  if (!have_hydrogen_data ())
    return;
  t0 = g_get_monotonic_time ();
  project = tandem_h2song_load (path, folders, store, &error);
  g_assert_no_error (error);
  g_test_message ("%s opened in %.1f ms", path, (g_get_monotonic_time () - t0) / 1000.0);
  g_assert_cmpfloat (tandem_project_get_tempo (project), ==, 110.0);
  g_assert_cmpuint (tandem_project_get_steps_per_beat (project), ==, 8);
  g_assert_cmpint (tandem_project_get_play_mode (project), ==, TANDEM_PLAY_MODE_SONG);
  g_assert_cmpuint (g_list_model_get_n_items (tandem_project_get_patterns (project)), ==, 20);
  g_assert_cmpuint (g_list_model_get_n_items (tandem_project_get_clips (project)), >=, 18);
  tracks = tandem_project_get_tracks (project);
  g_assert_cmpuint (g_list_model_get_n_items (tracks), >, 10);
  /* Each sample keeps the licence of the kit it came from. */
  {
    g_autoptr(TandemSampleInfo) info = g_list_model_get_item (tandem_project_get_samples (project), 0);
    g_autofree char *licence_path = g_strdup_printf ("%s/%s.licence", store_dir, tandem_sample_info_get_id (info));
    g_autofree char *licence = NULL;

    g_assert_true (g_file_get_contents (licence_path, &licence, NULL, NULL));
    g_assert_true (strstr (licence, "Hydrogen song: ") != NULL);
    g_assert_true (strstr (licence, "Samples from the Hydrogen drum kit “GMRockKit” by Glen MacArthur "
                                    "/ Sebastian Moors, licence: GPL") != NULL);
  }
  for (guint i = 0; i < g_list_model_get_n_items (tracks); i++)
    {
      g_autoptr(TandemTrack) track = g_list_model_get_item (tracks, i);

      g_assert_cmpstr (tandem_track_get_instrument (track), ==, "sampler");
      g_assert_cmpstr (tandem_track_get_layers (track), !=, "");
      /* Pan stays centred so that no onset hides in a silent channel. */
      atu_set_track (project, tandem_track_get_id (track), "pan", 0.0);
    }

  /* Every sample an impulse: each note is one frame at its onset. */
  samples = decode_samples (project, store);
  g_hash_table_iter_init (&iter, samples);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    g_hash_table_iter_replace (&iter, atu_impulse_sample ());

  expected = song_onsets (path, 110.0);
  g_array_sort (expected, compare_frames);
  n_frames = (gsize) g_array_index (expected, gint64, expected->len - 1) + ATU_RATE;
  out = render_with (project, samples, TRUE, n_frames);
  mono = g_new (float, n_frames);
  for (gsize f = 0; f < n_frames; f++)
    mono[f] = out[2 * f] + out[2 * f + 1];

  for (gsize f = 0; f < n_frames; f++)
    if (fabsf (mono[f]) > 1e-6f)
      {
        g_assert_cmpuint (k, <, expected->len);
        g_assert_cmpint ((gint64) f, ==, g_array_index (expected, gint64, k));
        k++;
        matched++;
      }
  g_test_message ("%u onsets, all on their notated frames", matched);
  g_assert_cmpuint (matched, ==, expected->len);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/kit-render/layers-by-velocity", test_layers_by_velocity);
  g_test_add_func ("/kit-render/choke-group", test_choke_group);
  g_test_add_func ("/kit-render/layer-pitch", test_layer_pitch);
  g_test_add_func ("/kit-render/demo-song", test_demo_song);

  return g_test_run ();
}
