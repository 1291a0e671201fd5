/* bench-audio.c — render speed, callback time percentiles and a JACK soak
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-bench"

#include "config.h"

#include <glib/gstdio.h>
#include <math.h>
#include <signal.h>
#include <sndfile.h>
#include <string.h>
#include <sys/resource.h>

#include "tandem-audio.h"
#include "tandem-bench.h"
#include "tandem-dsp.h"
#include "tandem-engine-private.h"

#define RATE 48000
#define TR808 "/usr/share/hydrogen/data/drumkits/TR808EmulationKit"

static const char *sample_files[] = {
  "808_Kick_Long.flac", "808_Snare_1.flac", "808_Clap.flac", "808_Hat_Closed.flac",
  "808_Hat_Open.flac", "808_Tom_Low.flac", "808_Cowbell.flac", "808_Conga.flac",
};
static const char *builtins[] = {
  "kick", "snare", "hat-closed", "hat-open", "clap", "tom", "rim", "synth",
};

static void
apply (TandemProject *project,
       TandemOp      *op)
{
  g_autoptr(TandemOp) owned = op;
  g_autoptr(GError) error = NULL;

  if (!tandem_project_apply (project, owned, NULL, &error))
    g_error ("bench project: %s", error->message);
}

/* A stand-in when hydrogen-data is missing: a decaying 44.1 kHz noise burst. */
static char *
write_fallback_sample (const char *dir,
                       guint       i)
{
  g_autofree char *name = g_strdup_printf ("fallback-%u.wav", i);
  char *path = g_build_filename (dir, name, NULL);
  SF_INFO info = { .samplerate = 44100, .channels = 1, .format = SF_FORMAT_WAV | SF_FORMAT_PCM_16 };
  SNDFILE *file = sf_open (path, SFM_WRITE, &info);
  g_autofree float *frames = g_new (float, 22050);
  guint32 rng = 1 + i;

  for (guint f = 0; f < 22050; f++)
    frames[f] = 0.5f * expf (-(float) f / 4000.0f) * tandem_rng_float (&rng);
  sf_writef_float (file, frames, 22050);
  sf_close (file);
  return path;
}

static char **
import_samples (TandemSampleStore *store,
                const char        *tmpdir)
{
  char **hashes = g_new0 (char *, G_N_ELEMENTS (sample_files) + 1);

  for (guint i = 0; i < G_N_ELEMENTS (sample_files); i++)
    {
      g_autofree char *path = g_build_filename (TR808, sample_files[i], NULL);
      g_autoptr(GError) error = NULL;

      if (!g_file_test (path, G_FILE_TEST_EXISTS))
        {
          g_free (path);
          path = write_fallback_sample (tmpdir, i);
        }
      hashes[i] = tandem_sample_store_import_file (store, path, NULL, &error);
      if (hashes[i] == NULL)
        g_error ("%s", error->message);
    }
  return hashes;
}

/* Sixteen tracks, eight of them samples; each plays @hits steps per bar. */
static TandemProject *
make_project (char  **hashes,
              guint   hits,
              double  tempo)
{
  TandemProject *project = tandem_project_new ();
  g_autoptr(JsonBuilder) b = NULL;

  b = json_builder_new ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "id");
  json_builder_add_string_value (b, "p");
  json_builder_set_member_name (b, "length");
  json_builder_add_int_value (b, 16);
  json_builder_end_object (b);
  apply (project, tandem_op_new_insert (TANDEM_ENTITY_PATTERN, -1, json_builder_get_root (b)));
  apply (project, tandem_op_new_set_string (TANDEM_ENTITY_PROJECT, NULL, "current-pattern", "p"));
  apply (project, tandem_op_new_set_double (TANDEM_ENTITY_PROJECT, NULL, "tempo", tempo));

  for (guint t = 0; t < 16; t++)
    {
      g_autofree char *id = g_strdup_printf ("t%u", t);
      g_autofree char *instrument = NULL;
      JsonObject *obj = json_object_new ();

      if (t < 8)
        {
          JsonObject *info = json_object_new ();

          json_object_set_string_member (info, "id", hashes[t]);
          json_object_set_string_member (info, "name", sample_files[t]);
          json_object_set_string_member (info, "format", "flac");
          json_object_set_int_member (info, "frames", 44100);
          json_object_set_int_member (info, "rate", 44100);
          json_object_set_int_member (info, "channels", 1);
          json_object_set_int_member (info, "bytes", 1000);
          apply (project, tandem_op_new_insert (TANDEM_ENTITY_SAMPLE, -1,
                                                json_node_init_object (json_node_alloc (), info)));
          json_object_unref (info);
          instrument = g_strconcat ("sample:", hashes[t], NULL);
        }
      else
        instrument = g_strdup (builtins[t - 8]);

      json_object_set_string_member (obj, "id", id);
      json_object_set_string_member (obj, "instrument", instrument);
      json_object_set_double_member (obj, "volume", -12.0);
      json_object_set_double_member (obj, "pan", ((double) t - 7.5) / 8.0);
      apply (project, tandem_op_new_insert (TANDEM_ENTITY_TRACK, -1,
                                            json_node_init_object (json_node_alloc (), obj)));
      json_object_unref (obj);

      for (guint s = 0; s < 16; s++)
        if (s % (16 / hits) == t % (16 / hits))
          apply (project, tandem_op_new_set_cell ("p", id, s, "velocity", 70 + (int) ((s * 7 + t) % 57)));
    }
  return project;
}

static double
now_us (void)
{
  return (double) g_get_monotonic_time ();
}

static double
wall_precise_us (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (double) ts.tv_sec * 1e6 + (double) ts.tv_nsec / 1e3;
}

/* CPU time of this thread: what the render costs, minus time other
 * processes on a shared machine took from us. */
static double
cpu_us (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts);
  return (double) ts.tv_sec * 1e6 + (double) ts.tv_nsec / 1e3;
}

static void
print_percentiles (const char *what,
                   double     *times,
                   gsize       n,
                   double      period_us)
{
  double p50 = tandem_bench_percentile (times, n, 50);
  double p99 = tandem_bench_percentile (times, n, 99);
  double p999 = tandem_bench_percentile (times, n, 99.9);
  double max = tandem_bench_percentile (times, n, 100);

  g_print ("%s (%" G_GSIZE_FORMAT " callbacks, period %.0f µs):\n", what, n, period_us);
  g_print ("  p50 %7.1f µs  %5.2f %%\n", p50, 100 * p50 / period_us);
  g_print ("  p99 %7.1f µs  %5.2f %%\n", p99, 100 * p99 / period_us);
  g_print ("  p99.9 %5.1f µs  %5.2f %%\n", p999, 100 * p999 / period_us);
  g_print ("  max %7.1f µs  %5.2f %%\n", max, 100 * max / period_us);
}

static void
bench_offline (char              **hashes,
               TandemSampleStore  *store,
               guint               seconds)
{
  g_autoptr(TandemProject) project = make_project (hashes, 4, 124.0);
  g_autoptr(TandemRenderPlan) plan = NULL;
  TandemRenderer *renderer = tandem_renderer_new (RATE, 4096);
  g_autofree float *buf = g_new (float, 2 * 4096);
  guint64 frames = (guint64) seconds * RATE, voices = 0, blocks = 0;
  double t0, c0, elapsed, cpu;

  /* As the export renders: blocks of 4096 frames, no track meters. */
  plan = tandem_export_compile_plan (project, RATE, store);
  tandem_renderer_set_metering (renderer, FALSE);
  tandem_renderer_set_plan (renderer, plan);
  t0 = now_us ();
  c0 = cpu_us ();
  for (guint64 done = 0; done < frames; done += 4096, blocks++)
    {
      tandem_renderer_process (renderer, buf, 4096);
      voices += tandem_renderer_get_active_voices (renderer);
    }
  elapsed = (now_us () - t0) / 1e6;
  cpu = (cpu_us () - c0) / 1e6;
  tandem_renderer_free (renderer);

  g_print ("Offline render, 16 tracks (8 samples, 8 synthesized), 124 BPM, %u s of audio:\n", seconds);
  g_print ("  %.3f s wall: %.0f× real time; %.3f s CPU: %.0f× real time (mean %.1f voices)\n\n",
           elapsed, (double) seconds / elapsed, cpu, (double) seconds / cpu,
           (double) voices / (double) blocks);
}

/* Mean active voices over a few seconds of @project at 128 frames. */
static double
mean_voices (TandemProject     *project,
             TandemSampleStore *store)
{
  g_autoptr(TandemRenderPlan) plan = tandem_export_compile_plan (project, RATE, store);
  TandemRenderer *renderer = tandem_renderer_new (RATE, 128);
  float buf[2 * 128];
  guint64 voices = 0, n = 0;

  tandem_renderer_set_plan (renderer, plan);
  for (guint i = 0; i < 4 * RATE / 128; i++)
    {
      tandem_renderer_process (renderer, buf, 128);
      if (i >= RATE / 128)
        {
          voices += tandem_renderer_get_active_voices (renderer);
          n++;
        }
    }
  tandem_renderer_free (renderer);
  return (double) voices / (double) n;
}

/* Returns the tempo it settled on, for the clip case to use the same. */
static double
bench_callbacks (char              **hashes,
                 TandemSampleStore  *store,
                 guint               seconds)
{
  double tempo = 120.0, voices;
  g_autoptr(TandemProject) project = NULL;
  g_autoptr(TandemRenderPlan) plan = NULL;
  TandemRenderer *renderer;
  gsize n = (gsize) seconds * RATE / 128;
  g_autofree double *times = g_new (double, n);
  g_autofree double *cpu_times = g_new (double, n);
  float buf[2 * 128];
  guint min_voices = G_MAXUINT;
  guint64 sum_voices = 0;

  /* Find the tempo at which about 64 voices sound at once. */
  project = make_project (hashes, 8, tempo);
  voices = mean_voices (project, store);
  tempo = CLAMP (tempo * 66.0 / MAX (voices, 1.0), TANDEM_TEMPO_MIN, TANDEM_TEMPO_MAX);
  g_clear_object (&project);
  project = make_project (hashes, 8, tempo);

  plan = tandem_export_compile_plan (project, RATE, store);
  renderer = tandem_renderer_new (RATE, 128);
  tandem_renderer_set_plan (renderer, plan);
  for (guint i = 0; i < 2 * RATE / 128; i++)
    tandem_renderer_process (renderer, buf, 128);
  for (gsize i = 0; i < n; i++)
    {
      double t0 = wall_precise_us (), c0 = cpu_us ();
      guint v;

      tandem_renderer_process (renderer, buf, 128);
      cpu_times[i] = cpu_us () - c0;
      times[i] = wall_precise_us () - t0;
      v = tandem_renderer_get_active_voices (renderer);
      min_voices = MIN (min_voices, v);
      sum_voices += v;
    }
  tandem_renderer_free (renderer);

  g_print ("Callback render time, 128 frames at 48 kHz, 16 tracks at %.0f BPM, "
           "%.1f voices on average (min %u):\n", tempo, (double) sum_voices / n, min_voices);
  print_percentiles ("  wall clock (includes preemption by other processes)", times, n, 128.0 * 1e6 / RATE);
  print_percentiles ("  thread CPU time", cpu_times, n, 128.0 * 1e6 / RATE);
  g_print ("\n");
  return tempo;
}


/* The callback bench's song spread over 1,000 clips: four clips of the
 * sixteen-track pattern in a row, and 996 of 249 empty patterns (four of
 * each, overlapping), staggered so the song has many segments. The same
 * notes sound as in the plain case; only the clips differ. */
static void
add_clips (TandemProject *project,
           guint          n_clips)
{
  for (guint p = 0; p < n_clips / 4; p++)
    {
      g_autofree char *pid = p == 0 ? g_strdup ("p") : g_strdup_printf ("e%u", p);

      if (p > 0)
        {
          JsonObject *obj = json_object_new ();

          json_object_set_string_member (obj, "id", pid);
          json_object_set_string_member (obj, "name", pid);
          json_object_set_int_member (obj, "length", 16);
          apply (project, tandem_op_new_insert (TANDEM_ENTITY_PATTERN, -1,
                                                json_node_init_object (json_node_alloc (), obj)));
          json_object_unref (obj);
        }
      for (guint c = 0; c < 4; c++)
        {
          g_autofree char *cid = g_strdup_printf ("c%u-%u", p, c);
          JsonObject *obj = json_object_new ();

          json_object_set_string_member (obj, "id", cid);
          json_object_set_string_member (obj, "pattern", pid);
          /* The song's own pattern in four clips one after the other (its
           * notes as in the plain case); the empty ones overlap. */
          json_object_set_int_member (obj, "start", p == 0 ? c * 16 : (p + c) % 8);
          json_object_set_int_member (obj, "length", p == 0 ? 16 : 56);
          apply (project, tandem_op_new_insert (TANDEM_ENTITY_CLIP, -1,
                                                json_node_init_object (json_node_alloc (), obj)));
          json_object_unref (obj);
        }
    }
  apply (project, tandem_op_new_set_string (TANDEM_ENTITY_PROJECT, NULL, "play-mode", "song"));
}

static void
time_callbacks (const char        *what,
                TandemProject     *project,
                TandemSampleStore *store,
                guint              seconds)
{
  g_autoptr(TandemRenderPlan) plan = tandem_export_compile_plan (project, RATE, store);
  TandemRenderer *renderer = tandem_renderer_new (RATE, 128);
  gsize n = (gsize) seconds * RATE / 128;
  g_autofree double *times = g_new (double, n);
  g_autofree double *cpu_times = g_new (double, n);
  float buf[2 * 128];
  guint64 sum_voices = 0;

  tandem_renderer_set_plan (renderer, plan);
  for (guint i = 0; i < 2 * RATE / 128; i++)
    tandem_renderer_process (renderer, buf, 128);
  for (gsize i = 0; i < n; i++)
    {
      double t0 = wall_precise_us (), c0 = cpu_us ();

      tandem_renderer_process (renderer, buf, 128);
      cpu_times[i] = cpu_us () - c0;
      times[i] = wall_precise_us () - t0;
      sum_voices += tandem_renderer_get_active_voices (renderer);
    }
  tandem_renderer_free (renderer);
  g_print ("%s, %.1f voices on average, %u clips, %u song segments:\n",
           what, (double) sum_voices / n, plan->n_clips, plan->n_segments);
  print_percentiles ("  wall clock (includes preemption by other processes)", times, n, 128.0 * 1e6 / RATE);
  print_percentiles ("  thread CPU time", cpu_times, n, 128.0 * 1e6 / RATE);
  g_print ("\n");
}

static void
bench_clips (char              **hashes,
             TandemSampleStore  *store,
             guint               seconds,
             double              tempo)
{
  g_autoptr(TandemProject) project = make_project (hashes, 8, tempo);

  add_clips (project, 1000);
  time_callbacks ("Callback render time, 128 frames at 48 kHz, the 16-track song in 1,000 overlapping clips",
                  project, store, seconds);
}

/* The bench song as a Hydrogen song: the TR-808 demo's sixteen
 * instruments (its kit's samples) playing the same cells, one pattern
 * repeated for @bars bars. */
static char *
write_h2song (TandemProject *project,
              const char    *dir,
              guint          bars,
              double         tempo)
{
  g_autofree char *demo = NULL;
  g_autoptr(GString) out = g_string_new (NULL);
  TandemPattern *pattern = tandem_project_find_pattern (project, "p");
  GListModel *tracks = tandem_project_get_tracks (project);
  char *path = g_build_filename (dir, "bench.h2song", NULL);
  const char *list, *end, *bpm;

  if (!g_file_get_contents ("/usr/share/hydrogen/data/demo_songs/TR808kit-demo.h2song", &demo, NULL, NULL))
    return NULL;
  list = strstr (demo, "<patternList>");
  end = strstr (demo, "</patternSequence>");
  bpm = strstr (demo, "<bpm>");
  if (list == NULL || end == NULL || bpm == NULL)
    return NULL;
  g_string_append_len (out, demo, bpm - demo);
  g_string_append_printf (out, "<bpm>%g</bpm>", tempo);
  bpm = strstr (bpm, "</bpm>") + strlen ("</bpm>");
  g_string_append_len (out, bpm, list - bpm);
  g_string_append (out, "<patternList><pattern><name>Bench</name><category></category><size>192</size>"
                        "<denominator>4</denominator><info></info><noteList>\n");
  for (guint t = 0; t < g_list_model_get_n_items (tracks); t++)
    {
      g_autoptr(TandemTrack) track = g_list_model_get_item (tracks, t);
      const TandemCell *row = tandem_pattern_get_row (pattern, tandem_track_get_id (track));

      for (guint step = 0; row != NULL && step < 16; step++)
        if (row[step].velocity > 0)
          g_string_append_printf (out, "<note><position>%u</position><leadlag>0</leadlag>"
                                       "<velocity>%.4f</velocity><pan>0</pan><pitch>0</pitch>"
                                       "<probability>1</probability><key>C0</key><length>-1</length>"
                                       "<instrument>%u</instrument><note_off>false</note_off></note>\n",
                                  step * 12, row[step].velocity / 127.0, t);
    }
  g_string_append (out, "</noteList></pattern></patternList>\n<patternSequence>\n");
  for (guint b = 0; b < bars; b++)
    g_string_append (out, "<group><patternID>Bench</patternID></group>\n");
  g_string_append (out, end);
  if (!g_file_set_contents (path, out->str, (gssize) out->len, NULL))
    g_clear_pointer (&path, g_free);
  return path;
}

static double
children_cpu_s (void)
{
  struct rusage ru;

  getrusage (RUSAGE_CHILDREN, &ru);
  return (double) ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6
         + (double) ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
}

/* The samples as the window's engine holds them: decoded at @rate on its
 * cache's worker threads, ready before anyone exports. */
static GHashTable *
engine_samples (TandemSampleStore  *store,
                char              **hashes,
                guint               rate)
{
  g_autoptr(TandemSampleCache) cache = tandem_sample_cache_new (store, rate);

  for (guint i = 0; hashes[i] != NULL; i++)
    tandem_sample_cache_lookup (cache, hashes[i]);
  while (tandem_sample_cache_get_pending (cache) > 0)
    g_main_context_iteration (NULL, TRUE);
  return tandem_sample_cache_dup_ready (cache);
}

static double
median (const double *values,
        guint         n)
{
  g_autofree double *copy = g_memdup2 (values, n * sizeof (double));

  return tandem_bench_percentile (copy, n, 50);
}

/* Forgets the decoded copies of the bench's samples, as on a machine that
 * never played them. */
static void
forget_decoded (char **hashes)
{
  for (guint i = 0; hashes[i] != NULL; i++)
    {
      g_autofree char *path = tandem_decoded_cache_path_for_tests (hashes[i], RATE);

      g_unlink (path);
    }
}

/* Tandem's export paths and h2cli on the same sixteen-track song, measured
 * alternately in one run: the export as `tandem --export` runs it the first
 * time on a machine (every sample decoded and resampled) and after that
 * (the decoded samples read from the cache), the export from the window
 * (the engine has the samples decoded already), and h2cli's whole process. */
static void
bench_h2cli (char              **hashes,
             TandemSampleStore  *store,
             const char         *tmpdir,
             guint               seconds,
             guint               rounds)
{
  const double tempo = 124.0;
  guint bars = (guint) ceil (seconds * tempo / 60.0 / 4.0);
  g_autoptr(TandemProject) project = make_project (hashes, 4, tempo);
  g_autoptr(GHashTable) decoded = NULL;
  g_autofree char *song = NULL;
  g_autofree char *wav = g_build_filename (tmpdir, "h2cli.wav", NULL);
  g_autofree char *tandem_wav = g_build_filename (tmpdir, "tandem.wav", NULL);
  g_autofree double *f_wall = g_new (double, rounds), *f_cpu = g_new (double, rounds);
  g_autofree double *c_wall = g_new (double, rounds), *c_cpu = g_new (double, rounds);
  g_autofree double *w_wall = g_new (double, rounds), *w_cpu = g_new (double, rounds);
  g_autofree double *h_wall = g_new (double, rounds), *h_cpu = g_new (double, rounds);
  double audio_s = bars * 4 * 60.0 / tempo;

  if (!g_file_test ("/usr/bin/h2cli", G_FILE_TEST_IS_EXECUTABLE))
    {
      g_print ("h2cli comparison: skipped (no /usr/bin/h2cli)\n\n");
      return;
    }
  {
    JsonObject *obj = json_object_new ();

    json_object_set_string_member (obj, "id", "c");
    json_object_set_string_member (obj, "pattern", "p");
    json_object_set_int_member (obj, "start", 0);
    json_object_set_int_member (obj, "length", bars);
    apply (project, tandem_op_new_insert (TANDEM_ENTITY_CLIP, -1,
                                          json_node_init_object (json_node_alloc (), obj)));
    json_object_unref (obj);
  }
  song = write_h2song (project, tmpdir, bars, tempo);
  if (song == NULL)
    {
      g_print ("h2cli comparison: skipped (no Hydrogen demo song to borrow the kit from)\n\n");
      return;
    }
  decoded = engine_samples (store, hashes, RATE);

  for (guint r = 0; r < rounds; r++)
    {
      g_autoptr(GError) error = NULL;
      double w0 = now_us (), c0 = cpu_us ();
      int status = 0;
      g_autofree char *cmd = NULL;

      /* Tandem from the command line, the first time: decode, render,
       * 24-bit WAV. */
      forget_decoded (hashes);
      if (!tandem_export_render_to_file_report (project, tandem_wav, RATE, store, NULL, 0,
                                                NULL, NULL, NULL, NULL, &error))
        g_error ("%s", error->message);
      f_wall[r] = (now_us () - w0) / 1e6;
      f_cpu[r] = (cpu_us () - c0) / 1e6;

      /* And again: the decoded samples come from the cache. */
      w0 = now_us ();
      c0 = cpu_us ();
      if (!tandem_export_render_to_file_report (project, tandem_wav, RATE, store, NULL, 0,
                                                NULL, NULL, NULL, NULL, &error))
        g_error ("%s", error->message);
      c_wall[r] = (now_us () - w0) / 1e6;
      c_cpu[r] = (cpu_us () - c0) / 1e6;

      /* Tandem from the window: the same with the engine's samples. */
      w0 = now_us ();
      c0 = cpu_us ();
      if (!tandem_export_render_to_file_report (project, tandem_wav, RATE, store, decoded, 0,
                                                NULL, NULL, NULL, NULL, &error))
        g_error ("%s", error->message);
      w_wall[r] = (now_us () - w0) / 1e6;
      w_cpu[r] = (cpu_us () - c0) / 1e6;

      cmd = g_strdup_printf ("/usr/bin/h2cli -s '%s' -o '%s' -r %d -b 24", song, wav, RATE);
      w0 = now_us ();
      c0 = children_cpu_s ();
      g_spawn_command_line_sync (cmd, NULL, NULL, &status, NULL);
      h_wall[r] = (now_us () - w0) / 1e6;
      h_cpu[r] = children_cpu_s () - c0;
    }
  g_print ("Offline render against h2cli, the 16-track song (%u bars at %.0f BPM, %.1f s of audio), "
           "%u rounds alternating:\n", bars, tempo, audio_s, rounds);
  {
    /* Where the first export's extra time goes: the plan with its samples decoded. */
    double c0;
    TandemRenderPlan *plan;

    forget_decoded (hashes);
    c0 = cpu_us ();
    plan = tandem_export_compile_plan (project, RATE, store);
    g_print ("  (Tandem's plan compile with the 8 samples decoded and resampled: %.3f s CPU",
             (cpu_us () - c0) / 1e6);
    tandem_render_plan_free (plan);
    c0 = cpu_us ();
    plan = tandem_export_compile_plan (project, RATE, store);
    g_print ("; read from the decoded-sample cache: %.3f s CPU)\n", (cpu_us () - c0) / 1e6);
    tandem_render_plan_free (plan);
  }
  for (guint r = 0; r < rounds; r++)
    g_print ("  round %u: Tandem --export first time %.3f s wall, %.3f s CPU; again %.3f s wall, %.3f s CPU; "
             "from the window %.3f s wall, %.3f s CPU; h2cli %.2f s wall, %.2f s CPU\n",
             r + 1, f_wall[r], f_cpu[r], c_wall[r], c_cpu[r], w_wall[r], w_cpu[r], h_wall[r], h_cpu[r]);
  {
    double fw = median (f_wall, rounds), fc = median (f_cpu, rounds);
    double cw = median (c_wall, rounds), cc = median (c_cpu, rounds);
    double ww = median (w_wall, rounds), wc = median (w_cpu, rounds);
    double hw = median (h_wall, rounds), hc = median (h_cpu, rounds);

    g_print ("  medians: Tandem --export first time %.0f× real time (CPU), %.0f× (wall); again %.0f× (CPU), "
             "%.0f× (wall); from the window %.0f× (CPU), %.0f× (wall); h2cli %.0f× (CPU), %.1f× (wall)\n",
             audio_s / fc, audio_s / fw, audio_s / cc, audio_s / cw, audio_s / wc, audio_s / ww,
             audio_s / hc, audio_s / hw);
    g_print ("  Tandem is faster than h2cli by CPU time %.1f× (--export, first time), %.1f× (--export again), "
             "%.1f× (from the window); by wall clock %.0f×, %.0f×, %.0f×\n\n",
             hc / fc, hc / cc, hc / wc, hw / fw, hw / cw, hw / ww);
  }
}

static gboolean
jack_is_up (void)
{
  g_autoptr(GSubprocess) lsp = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE
                                                 | G_SUBPROCESS_FLAGS_STDERR_SILENCE,
                                                 NULL, "jack_lsp", NULL);

  return lsp != NULL && g_subprocess_wait_check (lsp, NULL, NULL);
}

#define JACKD_RT    "jackd -R -P 70 -d dummy -r 48000 -p 256"
#define JACKD_PLAIN "jackd --no-realtime -d dummy -r 48000 -p 256"

static GSubprocess *
start_jackd (gboolean   realtime,
             GError   **error)
{
  g_autoptr(GSubprocessLauncher) launcher =
    g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_SILENCE);
  g_auto(GStrv) argv = g_strsplit (realtime ? JACKD_RT : JACKD_PLAIN, " ", -1);
  g_autoptr(GSubprocess) jackd = NULL;

  g_subprocess_launcher_setenv (launcher, "JACK_NO_AUDIO_RESERVATION", "1", TRUE);
  jackd = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv, error);
  if (jackd == NULL)
    return NULL;
  for (guint i = 0; i < 50 && !jack_is_up (); i++)
    {
      if (g_subprocess_get_identifier (jackd) == NULL)
        break;
      g_usleep (100000);
    }
  if (!jack_is_up ())
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "the server did not come up");
      g_subprocess_force_exit (jackd);
      g_subprocess_wait (jackd, NULL, NULL);
      return NULL;
    }
  return g_steal_pointer (&jackd);
}

/* Threads of process @pid ("self" or a number) running SCHED_FIFO or
 * SCHED_RR; @max_prio gets the highest real-time priority among them. */
static guint
rt_threads (const char *pid,
            guint      *max_prio)
{
  g_autofree char *dir_path = NULL;
  g_autoptr(GDir) dir = NULL;
  const char *tid;
  guint count = 0;

  if (pid == NULL)
    return 0;
  dir_path = g_strdup_printf ("/proc/%s/task", pid);
  dir = g_dir_open (dir_path, 0, NULL);
  while (dir != NULL && (tid = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir_path, tid, "stat", NULL);
      g_autofree char *stat = NULL;
      g_auto(GStrv) fields = NULL;
      const char *rest;

      if (!g_file_get_contents (path, &stat, NULL, NULL) || (rest = strrchr (stat, ')')) == NULL)
        continue;
      /* After "pid (comm)": field 3 (state) is fields[0]; rt_priority is
       * field 40 and policy field 41 (proc(5)). */
      fields = g_strsplit (rest + 2, " ", -1);
      if (g_strv_length (fields) > 38)
        {
          guint policy = (guint) g_ascii_strtoull (fields[38], NULL, 10);
          guint prio = (guint) g_ascii_strtoull (fields[37], NULL, 10);

          if (policy == 1 || policy == 2)
            {
              count++;
              if (max_prio != NULL)
                *max_prio = MAX (*max_prio, prio);
            }
        }
    }
  return count;
}

typedef struct
{
  TandemProject  *project;
  GMainLoop      *loop;
  guint           edits;
  TandemPaOutput *output;
  guint64         warmup_xruns;
} Soak;

static gboolean
soak_warmed_up (gpointer data)
{
  Soak *soak = data;

  soak->warmup_xruns = tandem_pa_output_get_xruns (soak->output);
  return G_SOURCE_REMOVE;
}

static gboolean
soak_edit (gpointer data)
{
  Soak *soak = data;
  g_autofree char *id = g_strdup_printf ("t%u", soak->edits % 16);

  /* Someone is always turning a knob: every edit republishes the plan. */
  apply (soak->project, tandem_op_new_set_double (TANDEM_ENTITY_TRACK, id, "volume",
                                                  -12.0 - (double) (soak->edits % 7)));
  soak->edits++;
  return G_SOURCE_CONTINUE;
}

static gboolean
soak_done (gpointer data)
{
  g_main_loop_quit (((Soak *) data)->loop);
  return G_SOURCE_REMOVE;
}

static int
bench_soak (char              **hashes,
            TandemSampleStore  *store,
            guint               seconds)
{
  g_autoptr(GSubprocess) jackd = NULL;
  g_autoptr(TandemProject) project = make_project (hashes, 4, 124.0);
  g_autoptr(TandemEngine) engine = tandem_engine_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  gsize capacity = (gsize) (seconds + 5) * RATE / 64;
  /* Zeroed, so the callback never takes a page fault writing them. */
  g_autofree double *times = g_new0 (double, capacity);
  g_autofree guint64 *frames = g_new0 (guint64, capacity);
  Soak soak = { project, loop, 0, NULL, 0 };
  TandemPaOutput *output;
  guint64 xruns, callbacks;
  const char *server = "an already running JACK server";
  guint client_rt, client_prio = 0;
  gsize n;

  if (!jack_is_up ())
    {
      /* Real-time first: JACK's process thread, which runs our callback,
       * is then SCHED_FIFO and other processes cannot preempt it. Without
       * the privilege (no root, no rtkit/limits.conf) jackd would either
       * refuse or quietly run its threads as ordinary ones. */
      jackd = start_jackd (TRUE, &error);
      if (jackd == NULL || rt_threads (g_subprocess_get_identifier (jackd), NULL) == 0)
        {
          g_autofree char *why = error != NULL ? g_strdup (error->message)
                                               : g_strdup ("its threads are not SCHED_FIFO");

          g_clear_error (&error);
          if (jackd != NULL)
            {
              g_subprocess_send_signal (jackd, SIGTERM);
              g_subprocess_wait (jackd, NULL, NULL);
              g_clear_object (&jackd);
            }
          g_print ("Note: jackd -R failed (%s); falling back to --no-realtime\n", why);
          jackd = start_jackd (FALSE, &error);
          if (jackd == NULL)
            {
              g_printerr ("Soak skipped: cannot start jackd: %s\n", error->message);
              return 1;
            }
          server = JACKD_PLAIN;
        }
      else
        server = JACKD_RT;
    }
  g_setenv ("JACK_NO_START_SERVER", "1", TRUE);

  tandem_engine_set_sample_store (engine, store);
  tandem_engine_set_project (engine, project);
  apply (project, tandem_op_new_set_boolean (TANDEM_ENTITY_PROJECT, NULL, "playing", TRUE));
  while (tandem_sample_cache_get_pending (tandem_engine_get_sample_cache (engine)) > 0)
    g_main_context_iteration (NULL, TRUE);
  tandem_engine_update_plan (engine);

  if (!tandem_engine_open (engine, "JACK", RATE, 256, &error))
    {
      g_printerr ("Soak skipped: %s\n", error->message);
      if (jackd != NULL)
        g_subprocess_send_signal (jackd, SIGTERM);
      return 1;
    }
  output = _tandem_engine_get_output (engine);
  tandem_pa_output_record_times (output, times, frames, capacity);
  soak.output = output;

  /* PortAudio's JACK client thread exists once the stream runs. */
  client_rt = rt_threads ("self", &client_prio);
  g_timeout_add (1000, soak_warmed_up, &soak);
  g_timeout_add (100, soak_edit, &soak);
  g_timeout_add_seconds (seconds, soak_done, &soak);
  g_main_loop_run (loop);

  xruns = tandem_pa_output_get_xruns (output);
  callbacks = tandem_pa_output_get_callbacks (output);
  n = tandem_pa_output_get_n_times (output);
  g_print ("JACK soak (%s), %s, %u s, %u edits republishing the plan:\n",
           server, tandem_engine_get_status (engine), seconds, soak.edits);
  if (client_rt > 0)
    g_print ("  callback thread: SCHED_FIFO, priority %u\n", client_prio);
  else
    g_print ("  callback thread: not real-time (SCHED_OTHER)\n");
  g_print ("  %" G_GUINT64_FORMAT " callbacks, %" G_GUINT64_FORMAT " xruns (%" G_GUINT64_FORMAT
           " in the first second, while JACK connects the client)\n",
           callbacks, xruns, soak.warmup_xruns);
  if (n > 0)
    print_percentiles ("  callback time", times, n, (double) frames[0] * 1e6 / RATE);
  tandem_engine_close (engine);

  g_source_remove_by_user_data (&soak);
  if (jackd != NULL)
    {
      g_subprocess_send_signal (jackd, SIGTERM);
      g_subprocess_wait (jackd, NULL, NULL);
    }
  return 0;
}

int
tandem_bench_audio (int    argc,
                    char **argv)
{
  int soak_seconds = 20;
  int offline_seconds = 60;
  int callback_seconds = 20;
  int h2cli_seconds = 30;
  int h2cli_rounds = 3;
  GOptionEntry entries[] = {
    { "soak", 0, 0, G_OPTION_ARG_INT, &soak_seconds, "Seconds of JACK soak (0: skip)", "SECONDS" },
    { "offline", 0, 0, G_OPTION_ARG_INT, &offline_seconds, "Seconds of audio to render offline", "SECONDS" },
    { "callbacks", 0, 0, G_OPTION_ARG_INT, &callback_seconds, "Seconds of 128-frame callbacks to time (0: skip)", "SECONDS" },
    { "h2cli", 0, 0, G_OPTION_ARG_INT, &h2cli_seconds, "Seconds of song to render with Tandem and h2cli (0: skip)", "SECONDS" },
    { "h2cli-rounds", 0, 0, G_OPTION_ARG_INT, &h2cli_rounds, "Alternating rounds of the h2cli comparison", "N" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("— audio engine benchmark");
  g_autoptr(GError) error = NULL;
  g_autoptr(TandemSampleStore) store = NULL;
  g_autofree char *tmpdir = NULL;
  g_auto(GStrv) hashes = NULL;
  int status = 0;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }

  tmpdir = g_dir_make_tmp ("tandem-bench-audio-XXXXXX", &error);
  g_assert_no_error (error);
  {
    g_autofree char *store_dir = g_build_filename (tmpdir, "samples", NULL);

    store = tandem_sample_store_new (store_dir);
  }
  hashes = import_samples (store, tmpdir);

  bench_offline (hashes, store, (guint) MAX (offline_seconds, 1));
  if (callback_seconds > 0)
    {
      double tempo = bench_callbacks (hashes, store, (guint) callback_seconds);

      bench_clips (hashes, store, (guint) callback_seconds, tempo);
    }
  if (h2cli_seconds > 0)
    bench_h2cli (hashes, store, tmpdir, (guint) h2cli_seconds, (guint) MAX (h2cli_rounds, 1));
  if (soak_seconds > 0)
    status = bench_soak (hashes, store, (guint) soak_seconds);

  {
    g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", tmpdir);
    g_spawn_command_line_sync (cmd, NULL, NULL, NULL, NULL);
  }
  return status;
}
