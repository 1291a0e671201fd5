/* test-export.c — rendering a project to .wav and .flac
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>
#include <math.h>
#include <signal.h>
#include <sndfile.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "audio-test-utils.h"

typedef struct
{
  guint  calls;
  double last;
  gboolean monotonic;
} Progress;

static void
on_progress (double   fraction,
             gpointer user_data)
{
  Progress *p = user_data;

  p->monotonic &= fraction >= p->last;
  p->last = fraction;
  p->calls++;
}

static float *
read_all (const char *path,
          SF_INFO    *info)
{
  SNDFILE *file = sf_open (path, SFM_READ, info);
  float *frames;

  g_assert_nonnull (file);
  frames = g_new (float, info->frames * info->channels);
  g_assert_cmpint (sf_readf_float (file, frames, info->frames), ==, info->frames);
  sf_close (file);
  return frames;
}

static void
check_export (const char *name,
              int         major_format)
{
  g_autoptr(TandemProject) project = tandem_project_new_demo ();
  g_autofree char *path = g_build_filename (atu_tmpdir (), name, NULL);
  g_autofree char *part = g_strdup_printf ("%s.part%s", path, strrchr (name, '.'));
  g_autoptr(GError) error = NULL;
  g_autoptr(TandemRenderPlan) plan = NULL;
  g_autofree float *file = NULL;
  g_autofree float *reference = NULL;
  TandemRenderer *renderer;
  Progress progress = { 0, 0.0, TRUE };
  SF_INFO info = { 0 };
  guint64 music;
  double max_diff = 0;

  g_assert_true (tandem_export_render_to_file (project, path, ATU_RATE, on_progress, &progress, NULL, &error));
  g_assert_no_error (error);
  g_assert_false (g_file_test (part, G_FILE_TEST_EXISTS));
  g_assert_true (progress.monotonic);
  g_assert_cmpuint (progress.calls, >=, 10);
  g_assert_cmpfloat (progress.last, ==, 1.0);

  file = read_all (path, &info);
  g_assert_cmpint (info.format & SF_FORMAT_TYPEMASK, ==, major_format);
  g_assert_cmpint (info.samplerate, ==, ATU_RATE);
  g_assert_cmpint (info.channels, ==, 2);

  /* Four bars at 104 BPM, then a tail that ends when the sound does. */
  plan = tandem_export_compile_plan (project, ATU_RATE, NULL);
  music = tandem_export_music_frames (plan);
  g_assert_cmpint (music, ==, (gint64) floor (64 * ATU_RATE * 60.0 / (104.0 * 4) + 0.5));
  g_assert_cmpint (info.frames, >, (sf_count_t) music);
  g_assert_cmpint (info.frames, <=, (sf_count_t) music + ATU_RATE * TANDEM_EXPORT_MAX_TAIL_SECONDS);

  /* The file is the offline render, to 24-bit precision. */
  renderer = tandem_renderer_new (ATU_RATE, 4096);
  tandem_renderer_set_plan (renderer, plan);
  reference = g_new0 (float, 2 * music);
  tandem_renderer_process (renderer, reference, (guint) music);
  tandem_renderer_free (renderer);
  for (gsize i = 0; i < 2 * music; i++)
    max_diff = MAX (max_diff, fabs ((double) file[i] - reference[i]));
  g_assert_cmpfloat (max_diff, <=, 1.01 / (1 << 23));
  g_assert_cmpfloat (atu_peak (file, 2 * music), >, 0.2f);
}

static void
test_wav (void)
{
  check_export ("demo.wav", SF_FORMAT_WAV);
}

static void
test_flac (void)
{
  check_export ("demo.FLAC", SF_FORMAT_FLAC);
}

static void
test_pattern_loops (void)
{
  g_autoptr(TandemProject) project = atu_project_new (120.0, 4, 12);
  g_autofree char *path = g_build_filename (atu_tmpdir (), "loops.wav", NULL);
  g_autoptr(GError) error = NULL;
  SF_INFO info = { 0 };
  g_autofree float *frames = NULL;

  atu_add_track (project, "kick", "kick");
  atu_set_cell (project, "p0", "kick", 0, "velocity", 127);
  /* No arrangement: the current pattern plays four times. */
  g_assert_true (tandem_export_render_to_file (project, path, ATU_RATE, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  frames = read_all (path, &info);
  g_assert_cmpint (info.frames, >, 4 * 12 * 6000);
  for (guint loop = 0; loop < 4; loop++)
    g_assert_cmpfloat (fabsf (frames[2 * (loop * 12 * 6000 + 100)]), >, 0.01f);
}

static void
test_errors (void)
{
  g_autoptr(TandemProject) project = tandem_project_new_demo ();
  g_autofree char *mp3 = g_build_filename (atu_tmpdir (), "song.mp3", NULL);
  g_autofree char *wav = g_build_filename (atu_tmpdir (), "cancelled.wav", NULL);
  g_autofree char *nodir = g_build_filename (atu_tmpdir (), "no", "such", "dir.wav", NULL);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;

  g_assert_false (tandem_export_render_to_file (project, mp3, ATU_RATE, NULL, NULL, NULL, &error));
  g_assert_error (error, TANDEM_AUDIO_ERROR, TANDEM_AUDIO_ERROR_FORMAT);
  g_assert_false (g_file_test (mp3, G_FILE_TEST_EXISTS));
  g_clear_error (&error);

  g_cancellable_cancel (cancellable);
  g_assert_false (tandem_export_render_to_file (project, wav, ATU_RATE, NULL, NULL, cancellable, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_false (g_file_test (wav, G_FILE_TEST_EXISTS));
  g_clear_error (&error);

  g_assert_false (tandem_export_render_to_file (project, nodir, ATU_RATE, NULL, NULL, NULL, &error));
  g_assert_nonnull (error);
  g_test_message ("%s", error->message);
}

/* A one-bar song with an 8 s sample on its first step: the file holds the
 * whole sample (the tail is not cut at a fixed length), and ends with it. */
static void
test_long_tail (void)
{
  g_autofree char *dir = g_build_filename (atu_tmpdir (), "tail", NULL);
  g_autofree char *store_dir = g_build_filename (dir, "store", NULL);
  g_autofree char *wav = g_build_filename (dir, "long.wav", NULL);
  g_autofree char *out = g_build_filename (dir, "song.wav", NULL);
  g_autoptr(TandemSampleStore) store = NULL;
  g_autoptr(TandemProject) project = atu_project_new (120.0, 4, 16);
  g_autoptr(GError) error = NULL;
  g_autofree float *frames = NULL;
  g_autofree char *hash = NULL;
  g_autofree char *instrument = NULL;
  gsize n = 8 * ATU_RATE;
  g_auto(GStrv) unplayable = NULL;
  SF_INFO info = { 0 };
  SNDFILE *file;
  JsonObject *clip = json_object_new ();

  g_mkdir_with_parents (dir, 0700);
  frames = g_new (float, n);
  for (gsize i = 0; i < n; i++)
    frames[i] = 0.5f * (float) sin (2 * G_PI * 330.0 * i / ATU_RATE);
  info.samplerate = ATU_RATE;
  info.channels = 1;
  info.format = SF_FORMAT_WAV | SF_FORMAT_FLOAT;
  file = sf_open (wav, SFM_WRITE, &info);
  g_assert_nonnull (file);
  g_assert_cmpint (sf_writef_float (file, frames, n), ==, (sf_count_t) n);
  sf_close (file);
  g_clear_pointer (&frames, g_free);

  store = tandem_sample_store_new (store_dir);
  hash = tandem_sample_store_import_file (store, wav, NULL, &error);
  g_assert_no_error (error);
  atu_add_sample_info (project, hash, ATU_RATE, n);
  instrument = g_strconcat ("sample:", hash, NULL);
  atu_add_track (project, "long", instrument);
  atu_set_track (project, "long", "pan", -1.0);
  atu_set_cell (project, "p0", "long", 0, "velocity", 127);
  json_object_set_string_member (clip, "id", "c");
  json_object_set_string_member (clip, "pattern", "p0");
  json_object_set_int_member (clip, "start", 0);
  json_object_set_int_member (clip, "length", 1);
  atu_apply (project, tandem_op_new_insert (TANDEM_ENTITY_CLIP, -1,
                                            json_node_init_object (json_node_alloc (), clip)));
  json_object_unref (clip);

  g_assert_true (tandem_export_render_to_file_report (project, out, ATU_RATE, store, NULL, 0,
                                                      NULL, NULL, NULL, &unplayable, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (g_strv_length (unplayable), ==, 0);
  memset (&info, 0, sizeof info);
  frames = read_all (out, &info);
  g_test_message ("2 s of music, an 8 s sample: %.3f s exported", (double) info.frames / ATU_RATE);
  /* Up to the sample's last loud frame (within one sine period). */
  g_assert_cmpint (info.frames, >=, (sf_count_t) n - ATU_RATE / 330);
  g_assert_cmpint (info.frames, <=, (sf_count_t) n);
  /* Still at full level in its last 100 ms. */
  g_assert_cmpfloat (atu_peak (frames + 2 * (n - ATU_RATE / 10), 2 * (ATU_RATE / 10 - ATU_RATE / 330)),
                     >, 0.49f);
}

static void
add_clip (TandemProject *project,
          guint          bars)
{
  JsonObject *clip = json_object_new ();

  json_object_set_string_member (clip, "id", "c");
  json_object_set_string_member (clip, "pattern", "p0");
  json_object_set_int_member (clip, "start", 0);
  json_object_set_int_member (clip, "length", bars);
  atu_apply (project, tandem_op_new_insert (TANDEM_ENTITY_CLIP, -1,
                                            json_node_init_object (json_node_alloc (), clip)));
  json_object_unref (clip);
}

static guint
count_entries (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  guint n = 0;

  while (d != NULL && g_dir_read_name (d) != NULL)
    n++;
  return n;
}

/* 9,999 bars at 20 BPM (a file of a few hundred bytes) is 3.3 days of
 * music: refused at once, nothing written. So is a WAV that could pass
 * 4 GiB (RIFF sizes are 32-bit). */
static void
test_bounds (void)
{
  g_autofree char *dir = g_build_filename (atu_tmpdir (), "bounds", NULL);
  g_autofree char *wav = g_build_filename (dir, "huge.wav", NULL);
  g_autofree char *flac = g_build_filename (dir, "huge.flac", NULL);
  g_autoptr(TandemProject) endless = atu_project_new (20.0, 4, 16);
  g_autoptr(TandemProject) long_song = atu_project_new (120.0, 4, 16);
  g_autoptr(GError) error = NULL;
  gint64 t0 = g_get_monotonic_time ();

  g_mkdir_with_parents (dir, 0700);
  atu_add_track (endless, "kick", "kick");
  atu_set_cell (endless, "p0", "kick", 0, "velocity", 127);
  add_clip (endless, 9999);
  g_assert_false (tandem_export_render_to_file (endless, flac, ATU_RATE, NULL, NULL, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NO_SPACE);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "the song lasts 33 h 19 min"));
  g_clear_error (&error);

  /* 2 h at 192 kHz in 24-bit stereo: 8.3 GB. */
  add_clip (long_song, 3600);
  g_assert_false (tandem_export_render_to_file (long_song, wav, 192000, NULL, NULL, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NO_SPACE);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "4 GiB"));
  g_assert_cmpuint (count_entries (dir), ==, 0);
  g_assert_cmpint (g_get_monotonic_time () - t0, <, 10 * G_USEC_PER_SEC);
}

static void
on_progress_signal (double   fraction,
                    gpointer user_data)
{
  int fd = GPOINTER_TO_INT (user_data);

  if (fraction > 0.0)
    {
      char c = 'p';

      if (write (fd, &c, 1) < 0)
        _exit (2);
    }
}

/* An export killed half way leaves no file, not even a partial one. */
static void
test_killed (void)
{
  g_autofree char *dir = g_build_filename (atu_tmpdir (), "killed", NULL);
  g_autofree char *wav = g_build_filename (dir, "song.wav", NULL);
  g_autoptr(TandemProject) project = atu_project_new (120.0, 4, 16);
  int pipefd[2];
  char c;
  pid_t pid;
  int status;

  g_mkdir_with_parents (dir, 0700);
  atu_add_track (project, "kick", "kick");
  atu_set_cell (project, "p0", "kick", 0, "velocity", 127);
  add_clip (project, 2000);   /* over an hour */
  g_assert_cmpint (pipe (pipefd), ==, 0);
  pid = fork ();
  g_assert_cmpint (pid, >=, 0);
  if (pid == 0)
    {
      close (pipefd[0]);
      tandem_export_render_to_file (project, wav, ATU_RATE, on_progress_signal,
                                    GINT_TO_POINTER (pipefd[1]), NULL, NULL);
      _exit (0);
    }
  close (pipefd[1]);
  /* Frames are being written once progress moves. */
  g_assert_cmpint (read (pipefd[0], &c, 1), ==, 1);
  kill (pid, SIGKILL);
  g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
  close (pipefd[0]);
  g_assert_true (WIFSIGNALED (status));
  g_assert_cmpuint (count_entries (dir), ==, 0);
}

/* The export names the tracks it played silent, and why. */
static void
test_unplayable (void)
{
  g_autofree char *dir = g_build_filename (atu_tmpdir (), "unplayable", NULL);
  g_autofree char *store_dir = g_build_filename (dir, "store", NULL);
  g_autofree char *text = g_build_filename (dir, "notes.wav", NULL);
  g_autofree char *out = g_build_filename (dir, "out.wav", NULL);
  g_autoptr(TandemSampleStore) store = NULL;
  g_autoptr(TandemProject) project = atu_project_new (120.0, 4, 16);
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) unplayable = NULL;
  g_autofree char *bad = NULL;
  g_autofree char *bad_instrument = NULL;

  g_mkdir_with_parents (dir, 0700);
  g_assert_true (g_file_set_contents (text, "not audio at all", -1, NULL));
  store = tandem_sample_store_new (store_dir);
  bad = tandem_sample_store_import_file (store, text, NULL, &error);
  g_assert_no_error (error);
  atu_add_sample_info (project, bad, ATU_RATE, 100);
  atu_add_sample_info (project, ATU_FAKE_HASH, ATU_RATE, 100);
  bad_instrument = g_strconcat ("sample:", bad, NULL);
  atu_add_track (project, "kick", "kick");
  atu_add_track (project, "gone", "sample:" ATU_FAKE_HASH);
  atu_add_track (project, "broken", bad_instrument);
  atu_set_cell (project, "p0", "kick", 0, "velocity", 127);

  g_assert_true (tandem_export_render_to_file_report (project, out, ATU_RATE, store, NULL, 0,
                                                      NULL, NULL, NULL, &unplayable, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (g_strv_length (unplayable), ==, 2);
  g_test_message ("%s\n%s", unplayable[0], unplayable[1]);
  g_assert_true (g_str_has_prefix (unplayable[0], "Track “gone”: sample "));
  g_assert_true (g_str_has_suffix (unplayable[0], " is missing"));
  g_assert_true (g_str_has_prefix (unplayable[1], "Track “broken”: sample "));
  g_assert_nonnull (strstr (unplayable[1], "cannot be played: "));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/audio/export/bounds", test_bounds);
  g_test_add_func ("/audio/export/killed", test_killed);
  g_test_add_func ("/audio/export/unplayable", test_unplayable);
  g_test_add_func ("/audio/export/long-tail", test_long_tail);

  g_test_add_func ("/audio/export/wav", test_wav);
  g_test_add_func ("/audio/export/flac", test_flac);
  g_test_add_func ("/audio/export/pattern-loops", test_pattern_loops);
  g_test_add_func ("/audio/export/errors", test_errors);

  return g_test_run ();
}
