/* test-examples.c — the example projects: their generator, and a check that
 * the committed files load and play
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * `test-examples --generate DIR` writes demo.tandem and night-drive.tandem
 * into DIR; examples/ holds their committed output. Night Drive is built
 * with fixed ids so the test can check the committed file is exactly what
 * the generator makes.
 */
#include "config.h"

#include <math.h>
#include <sndfile.h>

#include "audio-test-utils.h"

#define STEPS 16

typedef struct
{
  const char *id;
  const char *name;
  const char *color;
  const char *instrument;
  double      volume;
  double      pan;
} Track;

static const Track tracks[] = {
  { "kick", "Kick", "#e66100", "kick", -1.0, 0.0 },
  { "snare", "Snare", "#3584e4", "snare", -4.0, 0.05 },
  { "clap", "Clap", "#c64600", "clap", -7.0, -0.1 },
  { "hats", "Hats", "#2ec27e", "hat-closed", -9.0, -0.25 },
  { "open-hat", "Open Hat", "#9141ac", "hat-open", -11.0, 0.25 },
  { "tom", "Tom", "#f5c211", "tom", -8.0, 0.3 },
  { "bass", "Bass", "#1c71d8", "synth", -5.0, 0.0 },
  { "lead", "Lead", "#e01b24", "synth", -10.0, 0.15 },
};

/* One row: velocities, then scale degrees (synths) and probabilities (0 = 100). */
typedef struct
{
  const char *track;
  guint8      velocity[STEPS];
  gint8       note[STEPS];
  guint8      probability[STEPS];
} Row;

typedef struct
{
  const char *id;
  const char *name;
  Row         rows[8];
} Pattern;

#define END { NULL, { 0 }, { 0 }, { 0 } }

static const Pattern patterns[] = {
  { "intro", "Intro", {
    { "kick", { 110, 0, 0, 0, 0, 0, 0, 0, 100, 0, 0, 0, 0, 0, 0, 0 }, { 0 }, { 0 } },
    { "hats", { 80, 0, 50, 0, 80, 0, 50, 0, 80, 0, 50, 0, 80, 0, 50, 60 }, { 0 }, { 0 } },
    { "bass", { 100, 0, 0, 90, 0, 0, 90, 0, 100, 0, 0, 90, 0, 0, 80, 0 },
              { 0, 0, 0, 0, 0, 0, 0, 0, -2, 0, 0, -2, 0, 0, -3, 0 }, { 0 } },
    END } },
  { "verse", "Verse", {
    { "kick", { 120, 0, 0, 0, 0, 0, 96, 0, 112, 0, 0, 0, 0, 0, 0, 0 }, { 0 }, { 0 } },
    { "snare", { 0, 0, 0, 0, 110, 0, 0, 0, 0, 0, 0, 0, 110, 0, 0, 40 }, { 0 },
               { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 50 } },
    { "hats", { 90, 40, 60, 40, 90, 40, 60, 40, 90, 40, 60, 40, 90, 40, 0, 40 }, { 0 },
              { 0, 70, 0, 70, 0, 70, 0, 70, 0, 70, 0, 70, 0, 70, 0, 70 } },
    { "open-hat", { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 80, 0 }, { 0 }, { 0 } },
    { "bass", { 110, 0, 90, 0, 0, 90, 0, 90, 100, 0, 90, 0, 100, 0, 90, 0 },
              { 0, 0, 0, 0, 0, 2, 0, 0, -2, 0, -2, 0, -3, 0, -1, 0 }, { 0 } },
    END } },
  { "chorus", "Chorus", {
    { "kick", { 120, 0, 0, 0, 115, 0, 0, 0, 120, 0, 0, 0, 115, 0, 0, 0 }, { 0 }, { 0 } },
    { "snare", { 0, 0, 0, 0, 100, 0, 0, 0, 0, 0, 0, 0, 100, 0, 0, 0 }, { 0 }, { 0 } },
    { "clap", { 0, 0, 0, 0, 110, 0, 0, 0, 0, 0, 0, 0, 110, 0, 0, 0 }, { 0 }, { 0 } },
    { "hats", { 70, 50, 0, 50, 70, 50, 0, 50, 70, 50, 0, 50, 70, 50, 0, 50 }, { 0 }, { 0 } },
    { "open-hat", { 0, 0, 90, 0, 0, 0, 90, 0, 0, 0, 90, 0, 0, 0, 90, 0 }, { 0 }, { 0 } },
    { "bass", { 110, 0, 80, 0, 110, 0, 80, 0, 110, 0, 80, 0, 110, 0, 80, 0 },
              { 0, 0, 7, 0, -2, 0, 5, 0, -3, 0, 4, 0, -1, 0, 6, 0 }, { 0 } },
    { "lead", { 100, 0, 0, 90, 0, 0, 100, 0, 90, 0, 0, 100, 0, 0, 90, 0 },
              { 7, 0, 0, 9, 0, 0, 11, 0, 9, 0, 0, 7, 0, 0, 6, 0 }, { 0 } },
    END } },
  { "break", "Break", {
    { "hats", { 60, 40, 60, 40, 60, 40, 60, 40, 60, 40, 60, 40, 60, 40, 60, 40 }, { 0 },
              { 0, 60, 0, 60, 0, 60, 0, 60, 0, 60, 0, 60, 0, 60, 0, 60 } },
    { "tom", { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 100, 0, 90, 0, 110, 0 }, { 0 }, { 0 } },
    { "lead", { 90, 0, 0, 0, 0, 0, 80, 0, 0, 0, 0, 0, 0, 0, 0, 0 },
              { 4, 0, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0 }, { 0 } },
    END } },
};

static const struct { const char *id; const char *pattern; guint start, length; } clips[] = {
  { "clip-intro", "intro", 0, 2 },
  { "clip-verse", "verse", 2, 4 },
  { "clip-chorus-1", "chorus", 6, 4 },
  { "clip-break", "break", 10, 2 },
  { "clip-chorus-2", "chorus", 12, 4 },
};

static JsonNode *
object (JsonObject *obj)
{
  JsonNode *node = json_node_init_object (json_node_alloc (), obj);

  json_object_unref (obj);
  return node;
}

static TandemProject *
make_night_drive (void)
{
  TandemProject *project = tandem_project_new ();

  atu_apply (project, tandem_op_new_set_string (TANDEM_ENTITY_PROJECT, NULL, "name", "Night Drive"));
  atu_set_project (project, "tempo", 100.0);
  atu_set_project (project, "swing", 8.0);
  atu_apply (project, tandem_op_new_set_int (TANDEM_ENTITY_PROJECT, NULL, "key-root", 2));
  atu_apply (project, tandem_op_new_set_string (TANDEM_ENTITY_PROJECT, NULL, "scale",
                                                tandem_scale_to_string (TANDEM_SCALE_MINOR)));
  atu_set_project (project, "master-volume", -2.0);

  for (guint i = 0; i < G_N_ELEMENTS (tracks); i++)
    {
      JsonObject *obj = json_object_new ();

      json_object_set_string_member (obj, "id", tracks[i].id);
      json_object_set_string_member (obj, "name", tracks[i].name);
      json_object_set_string_member (obj, "color", tracks[i].color);
      json_object_set_string_member (obj, "instrument", tracks[i].instrument);
      json_object_set_double_member (obj, "volume", tracks[i].volume);
      json_object_set_double_member (obj, "pan", tracks[i].pan);
      atu_apply (project, tandem_op_new_insert (TANDEM_ENTITY_TRACK, -1, object (obj)));
    }

  for (guint p = 0; p < G_N_ELEMENTS (patterns); p++)
    {
      JsonObject *obj = json_object_new ();

      json_object_set_string_member (obj, "id", patterns[p].id);
      json_object_set_string_member (obj, "name", patterns[p].name);
      json_object_set_int_member (obj, "length", STEPS);
      atu_apply (project, tandem_op_new_insert (TANDEM_ENTITY_PATTERN, -1, object (obj)));

      for (const Row *row = patterns[p].rows; row->track != NULL; row++)
        for (guint s = 0; s < STEPS; s++)
          {
            if (row->velocity[s] == 0)
              continue;
            atu_set_cell (project, patterns[p].id, row->track, s, "velocity", row->velocity[s]);
            if (row->note[s] != 0)
              atu_set_cell (project, patterns[p].id, row->track, s, "note", row->note[s]);
            if (row->probability[s] != 0)
              atu_set_cell (project, patterns[p].id, row->track, s, "probability", row->probability[s]);
          }
    }

  for (guint c = 0; c < G_N_ELEMENTS (clips); c++)
    {
      JsonObject *obj = json_object_new ();

      json_object_set_string_member (obj, "id", clips[c].id);
      json_object_set_string_member (obj, "pattern", clips[c].pattern);
      json_object_set_int_member (obj, "start", clips[c].start);
      json_object_set_int_member (obj, "length", clips[c].length);
      atu_apply (project, tandem_op_new_insert (TANDEM_ENTITY_CLIP, -1, object (obj)));
    }

  atu_apply (project, tandem_op_new_set_string (TANDEM_ENTITY_PROJECT, NULL, "current-pattern", "verse"));
  atu_apply (project, tandem_op_new_set_string (TANDEM_ENTITY_PROJECT, NULL, "play-mode",
                                                tandem_play_mode_to_string (TANDEM_PLAY_MODE_SONG)));
  return project;
}

static void
save (TandemProject *project,
      const char    *dir,
      const char    *name)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autoptr(GError) error = NULL;

  tandem_project_save_to_file (project, path, &error);
  g_assert_no_error (error);
}

static void
generate (const char *dir)
{
  g_autoptr(TandemProject) demo = tandem_project_new_demo ();
  g_autoptr(TandemProject) night = make_night_drive ();

  save (demo, dir, "demo.tandem");
  save (night, dir, "night-drive.tandem");
}

/* Exports @project and returns the peak and RMS of the file. */
static void
render_levels (TandemProject *project,
               const char    *name,
               float         *peak,
               double        *rms)
{
  g_autofree char *path = g_build_filename (atu_tmpdir (), name, NULL);
  g_autoptr(GError) error = NULL;
  g_autofree float *frames = NULL;
  SF_INFO info = { 0 };
  SNDFILE *file;
  double sum = 0;

  tandem_export_render_to_file (project, path, ATU_RATE, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  file = sf_open (path, SFM_READ, &info);
  g_assert_nonnull (file);
  frames = g_new (float, info.frames * 2);
  g_assert_cmpint (sf_readf_float (file, frames, info.frames), ==, info.frames);
  sf_close (file);
  for (sf_count_t i = 0; i < info.frames * 2; i++)
    sum += (double) frames[i] * frames[i];
  *peak = atu_peak (frames, info.frames * 2);
  *rms = sqrt (sum / (double) (info.frames * 2));
  g_test_message ("%s: %.1f s, peak %.2f, RMS %.1f dBFS", name,
                  (double) info.frames / ATU_RATE, *peak, 20 * log10 (*rms));
}

static void
test_generated (void)
{
  g_autoptr(TandemProject) loaded = NULL;
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;
  float peak;
  double rms;

  generate (atu_tmpdir ());
  path = g_build_filename (atu_tmpdir (), "night-drive.tandem", NULL);
  loaded = tandem_project_new_from_file (path, &error);
  g_assert_no_error (error);

  g_assert_cmpuint (g_list_model_get_n_items (tandem_project_get_patterns (loaded)), ==, 4);
  g_assert_cmpuint (g_list_model_get_n_items (tandem_project_get_clips (loaded)), ==, 5);
  g_assert_cmpint (tandem_project_get_scale (loaded), ==, TANDEM_SCALE_MINOR);
  g_assert_cmpint (tandem_project_get_play_mode (loaded), ==, TANDEM_PLAY_MODE_SONG);
  render_levels (loaded, "night-drive-generated.wav", &peak, &rms);
  g_assert_cmpfloat (peak, >, 0.3f);
  g_assert_cmpfloat (peak, <=, 1.0f);
  g_assert_cmpfloat (rms, >, 0.03);
}

static void
test_committed (void)
{
  const char *names[] = { "demo.tandem", "night-drive.tandem" };
  const char *srcdir = g_getenv ("TANDEM_SOURCE_DIR");

  g_assert_nonnull (srcdir);
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *path = g_build_filename (srcdir, "examples", names[i], NULL);
      g_autofree char *wav = g_strconcat (names[i], ".wav", NULL);
      g_autoptr(GError) error = NULL;
      g_autoptr(TandemProject) project = tandem_project_new_from_file (path, &error);
      float peak;
      double rms;

      g_assert_no_error (error);
      render_levels (project, wav, &peak, &rms);
      g_assert_cmpfloat (peak, >, 0.2f);
      g_assert_cmpfloat (rms, >, 0.02);

      /* The committed Night Drive is what the generator makes today. */
      if (i == 1)
        {
          g_autoptr(TandemProject) fresh = make_night_drive ();
          g_autofree char *a = tandem_project_to_string (fresh);
          g_autofree char *b = tandem_project_to_string (project);

          g_assert_cmpstr (a, ==, b);
        }
    }
}

int
main (int    argc,
      char **argv)
{
  if (argc == 3 && g_strcmp0 (argv[1], "--generate") == 0)
    {
      generate (argv[2]);
      return 0;
    }

  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/audio/examples/generated", test_generated);
  g_test_add_func ("/audio/examples/committed", test_committed);
  return g_test_run ();
}
