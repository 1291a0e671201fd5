/* bench-model.c — op apply rate, and load/save times of a large project
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-bench"

#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <glib/gstdio.h>

#include "tandem-bench.h"
#include "tandem-model.h"

#define LARGE_TRACKS   64
#define LARGE_PATTERNS 64

static char *
random_hex_row (GRand *rand,
                int    min,
                int    max,
                int    bias)
{
  GString *s = g_string_sized_new (TANDEM_MAX_STEPS * 2);

  for (guint i = 0; i < TANDEM_MAX_STEPS; i++)
    g_string_append_printf (s, "%02x", g_rand_int_range (rand, min, max + 1) + bias);
  return g_string_free (s, FALSE);
}

/* 64 tracks × 64 patterns with every step on. With @full, probability and
 * note are set everywhere too: the largest grid the format allows. */
static char *
large_project_data (GRand    *rand,
                    gboolean  full,
                    gsize    *length)
{
  GString *s = g_string_new ("{\"format\":\"tandem\",\"version\":1,\"project\":{");

  g_string_append (s, "\"name\":\"Large\",\"tempo\":123.5,\"tracks\":[");
  for (guint t = 0; t < LARGE_TRACKS; t++)
    g_string_append_printf (s, "%s{\"id\":\"track-%02u\",\"name\":\"Track %u\","
                               "\"color\":\"#3584e4\",\"instrument\":\"%s\",\"volume\":-%u.5}",
                            t ? "," : "", t, t + 1, t % 2 ? "snare" : "kick", t % 20);
  g_string_append (s, "],\"patterns\":[");
  for (guint p = 0; p < LARGE_PATTERNS; p++)
    {
      g_string_append_printf (s, "%s{\"id\":\"pattern-%02u\",\"name\":\"Pattern %u\","
                                 "\"length\":64,\"cells\":{", p ? "," : "", p, p + 1);
      for (guint t = 0; t < LARGE_TRACKS; t++)
        {
          g_autofree char *v = random_hex_row (rand, 1, 127, 0);
          g_autofree char *pr = random_hex_row (rand, 0, 99, 0);
          g_autofree char *n = random_hex_row (rand, -24, 24, 64);

          if (full)
            g_string_append_printf (s, "%s\"track-%02u\":{\"velocity\":\"%s\","
                                       "\"probability\":\"%s\",\"note\":\"%s\"}",
                                    t ? "," : "", t, v, pr, n);
          else
            g_string_append_printf (s, "%s\"track-%02u\":{\"velocity\":\"%s\"}",
                                    t ? "," : "", t, v);
        }
      g_string_append (s, "}}");
    }
  g_string_append (s, "],\"clips\":[");
  for (guint c = 0; c < 256; c++)
    g_string_append_printf (s, "%s{\"id\":\"clip-%03u\",\"pattern\":\"pattern-%02u\","
                               "\"start\":%u,\"length\":1}",
                            c ? "," : "", c, c % LARGE_PATTERNS, c);
  g_string_append (s, "],\"current-pattern\":\"pattern-00\"}}");
  *length = s->len;
  return g_string_free (s, FALSE);
}

/* A realistic mix: mostly grid toggles and fader moves, some tempo changes,
 * and clip inserts each followed later by its delete. */
static GPtrArray *
make_ops (TandemProject *project,
          GRand         *rand,
          guint          n_ops)
{
  GPtrArray *ops = g_ptr_array_new_full (n_ops, (GDestroyNotify) tandem_op_unref);
  GListModel *tracks = tandem_project_get_tracks (project);
  GListModel *patterns = tandem_project_get_patterns (project);
  guint n_tracks = g_list_model_get_n_items (tracks);
  guint n_patterns = g_list_model_get_n_items (patterns);
  g_autofree char *pending_clip = NULL;
  guint serial = 0;

  while (ops->len < n_ops)
    {
      g_autoptr(TandemTrack) track =
        g_list_model_get_item (tracks, g_rand_int_range (rand, 0, n_tracks));
      g_autoptr(TandemPattern) pattern =
        g_list_model_get_item (patterns, g_rand_int_range (rand, 0, n_patterns));
      int dice = g_rand_int_range (rand, 0, 100);

      if (dice < 60)
        g_ptr_array_add (ops, tandem_op_new_set_cell (tandem_pattern_get_id (pattern),
                                                      tandem_track_get_id (track),
                                                      g_rand_int_range (rand, 0, 16), "velocity",
                                                      g_rand_boolean (rand) ? 100 : 0));
      else if (dice < 85)
        g_ptr_array_add (ops, tandem_op_new_set_double (TANDEM_ENTITY_TRACK,
                                                        tandem_track_get_id (track), "volume",
                                                        g_rand_double_range (rand, -60, 6)));
      else if (dice < 90)
        g_ptr_array_add (ops, tandem_op_new_set_double (TANDEM_ENTITY_PROJECT, NULL, "tempo",
                                                        g_rand_double_range (rand, 60, 180)));
      else if (pending_clip == NULL)
        {
          g_autofree char *json = NULL;
          g_autoptr(JsonParser) parser = json_parser_new ();

          pending_clip = g_strdup_printf ("bench-clip-%u", serial++);
          json = g_strdup_printf ("{\"id\":\"%s\",\"pattern\":\"%s\",\"start\":%d,\"length\":2}",
                                  pending_clip, tandem_pattern_get_id (pattern),
                                  g_rand_int_range (rand, 0, 64));
          json_parser_load_from_data (parser, json, -1, NULL);
          g_ptr_array_add (ops,
                           tandem_op_new_insert (TANDEM_ENTITY_CLIP, -1,
                                                 json_node_copy (json_parser_get_root (parser))));
        }
      else
        {
          g_ptr_array_add (ops, tandem_op_new_delete (TANDEM_ENTITY_CLIP, pending_clip));
          g_clear_pointer (&pending_clip, g_free);
        }
    }
  return ops;
}

static double
apply_rate (TandemProject *project,
            GPtrArray     *ops,
            gboolean       through_json)
{
  g_autoptr(GPtrArray) texts = NULL;
  gint64 start, end;

  if (through_json)
    {
      texts = g_ptr_array_new_full (ops->len, g_free);
      for (guint i = 0; i < ops->len; i++)
        g_ptr_array_add (texts, tandem_op_to_string (g_ptr_array_index (ops, i)));
    }

  start = g_get_monotonic_time ();
  for (guint i = 0; i < ops->len; i++)
    {
      g_autoptr(TandemOp) parsed = NULL;
      TandemOp *op = g_ptr_array_index (ops, i);
      TandemOp *inverse = NULL;
      GError *error = NULL;

      if (through_json)
        op = parsed = tandem_op_from_string (g_ptr_array_index (texts, i), &error);
      if (op == NULL || !tandem_project_apply (project, op, &inverse, &error))
        g_error ("op %u failed: %s", i, error->message);
      tandem_op_unref (inverse);
    }
  end = g_get_monotonic_time ();
  return ops->len / ((end - start) / 1e6);
}

static void
report_rates (const char    *label,
              TandemProject *project,
              GRand         *rand,
              guint          n_ops)
{
  g_autoptr(GPtrArray) ops = make_ops (project, rand, n_ops);
  g_autoptr(GPtrArray) ops_json = make_ops (project, rand, n_ops / 4);
  double direct = apply_rate (project, ops, FALSE);
  double json = apply_rate (project, ops_json, TRUE);

  g_print ("%-14s apply:            %10.0f ops/s  (%u ops, with inverses)\n", label, direct, n_ops);
  g_print ("%-14s parse JSON+apply: %10.0f ops/s\n", label, json);
}

#define RUNS 15

/* CPU time of this thread in ms: steadier than wall time on a shared machine. */
static double
cpu_ms (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* Loads, reloads and saves the large project; returns it. */
static TandemProject *
report_large (GRand      *rand,
              gboolean    full,
              const char *dir)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (dir, "large.tandem", NULL);
  g_autofree char *data = NULL;
  g_autofree char *text = NULL;
  g_autofree char *file = NULL;
  TandemProject *large = NULL;
  double load_ms[RUNS], load_cpu[RUNS], reload_ms[RUNS], save_ms[RUNS], string_ms[RUNS];
  gsize length, file_len = 0;

  data = large_project_data (rand, full, &length);
  for (guint i = 0; i < RUNS; i++)
    {
      gint64 t0 = g_get_monotonic_time ();
      double c0 = cpu_ms ();
      TandemProject *p = tandem_project_new_from_data (data, length, &error);

      if (p == NULL)
        g_error ("large project failed to load: %s", error->message);
      load_ms[i] = (g_get_monotonic_time () - t0) / 1000.0;
      load_cpu[i] = cpu_ms () - c0;
      if (large == NULL)
        large = p;
      else
        g_object_unref (p);
    }

  /* load_json into a live project: validation, swap and signals */
  for (guint i = 0; i < RUNS; i++)
    {
      g_autoptr(JsonNode) node = tandem_project_to_json (large);
      double c0 = cpu_ms ();

      if (!tandem_project_load_json (large, node, &error))
        g_error ("reload failed: %s", error->message);
      reload_ms[i] = cpu_ms () - c0;
    }

  for (guint i = 0; i < RUNS; i++)
    {
      gint64 t0 = g_get_monotonic_time ();
      double c0;
      g_autofree char *s = NULL;

      if (!tandem_project_save_to_file (large, path, &error))
        g_error ("save failed: %s", error->message);
      save_ms[i] = (g_get_monotonic_time () - t0) / 1000.0;

      c0 = cpu_ms ();
      s = tandem_project_to_string (large);
      string_ms[i] = cpu_ms () - c0;
      if (text == NULL)
        text = g_steal_pointer (&s);
    }
  g_file_get_contents (path, &file, &file_len, NULL);
  g_unlink (path);

  g_print ("\nLarge project: %d tracks x %d patterns x %d steps, every step on%s,"
           " 256 clips\n",
           LARGE_TRACKS, LARGE_PATTERNS, TANDEM_MAX_STEPS,
           full ? ", probability and note set everywhere" : "");
  g_print ("  canonical text (to_string)          %8.2f MB\n", strlen (text) / 1e6);
  g_print ("  project file (pretty-printed)       %8.2f MB\n", file_len / 1e6);
  g_print ("  open from data (parse + validate)   %8.1f ms median wall, %.1f ms p90; "
           "%.1f ms median CPU (%d runs)\n",
           tandem_bench_percentile (load_ms, RUNS, 50), tandem_bench_percentile (load_ms, RUNS, 90),
           tandem_bench_percentile (load_cpu, RUNS, 50), RUNS);
  g_print ("  load_json into a live project       %8.1f ms median CPU\n",
           tandem_bench_percentile (reload_ms, RUNS, 50));
  g_print ("  to_string                           %8.1f ms median CPU\n",
           tandem_bench_percentile (string_ms, RUNS, 50));
  g_print ("  save (to_data + durable atomic write) %6.1f ms median, %.1f ms p90\n",
           tandem_bench_percentile (save_ms, RUNS, 50),
           tandem_bench_percentile (save_ms, RUNS, 90));
  return large;
}

int
tandem_bench_model (int    argc,
                    char **argv)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (42);
  g_autoptr(TandemProject) demo = tandem_project_new_demo ();
  g_autoptr(TandemProject) typical = NULL;
  g_autoptr(TandemProject) full = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *tmpdir = NULL;
  guint n_ops = 300000;

  if (argc > 1)
    n_ops = (guint) MAX (1000, atoi (argv[1]));

  tmpdir = g_dir_make_tmp ("tandem-bench-XXXXXX", &error);
  if (tmpdir == NULL)
    g_error ("%s", error->message);

  g_print ("Tandem model benchmark (usage: tandem-bench model [N_OPS])\n\n");
  report_rates ("demo", demo, rand, n_ops);

  typical = report_large (rand, FALSE, tmpdir);
  full = report_large (rand, TRUE, tmpdir);

  g_print ("\n");
  report_rates ("large", full, rand, n_ops);

  g_rmdir (tmpdir);
  return EXIT_SUCCESS;
}
