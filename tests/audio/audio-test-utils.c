/* audio-test-utils.c — projects, renders and files for the audio tests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>
#include <math.h>

#include "audio-test-utils.h"

void
atu_apply (TandemProject *project,
           TandemOp      *op)
{
  g_autoptr(TandemOp) owned = op;
  g_autoptr(GError) error = NULL;

  tandem_project_apply (project, owned, NULL, &error);
  g_assert_no_error (error);
}

static JsonNode *
object_node (const char *first_member,
             ...)
{
  JsonObject *obj = json_object_new ();
  const char *member = first_member;
  JsonNode *node;
  va_list ap;

  va_start (ap, first_member);
  while (member != NULL)
    {
      JsonNode *value = va_arg (ap, JsonNode *);

      json_object_set_member (obj, member, value);
      member = va_arg (ap, const char *);
    }
  va_end (ap);
  node = json_node_init_object (json_node_alloc (), obj);
  json_object_unref (obj);
  return node;
}

static JsonNode *
str_node (const char *s)
{
  return json_node_init_string (json_node_alloc (), s);
}

static JsonNode *
int_node (gint64 v)
{
  return json_node_init_int (json_node_alloc (), v);
}

TandemProject *
atu_project_new (double tempo,
                 guint  steps_per_beat,
                 guint  length)
{
  TandemProject *project = tandem_project_new ();

  atu_apply (project, tandem_op_new_insert (TANDEM_ENTITY_PATTERN, -1,
                                            object_node ("id", str_node ("p0"),
                                                         "name", str_node ("P0"),
                                                         "length", int_node (length), NULL)));
  atu_apply (project, tandem_op_new_set_string (TANDEM_ENTITY_PROJECT, NULL, "current-pattern", "p0"));
  atu_apply (project, tandem_op_new_set_double (TANDEM_ENTITY_PROJECT, NULL, "tempo", tempo));
  atu_apply (project, tandem_op_new_set_int (TANDEM_ENTITY_PROJECT, NULL, "steps-per-beat", steps_per_beat));
  atu_apply (project, tandem_op_new_set_double (TANDEM_ENTITY_PROJECT, NULL, "swing", 0.0));
  return project;
}

void
atu_add_track (TandemProject *project,
               const char    *id,
               const char    *instrument)
{
  atu_apply (project, tandem_op_new_insert (TANDEM_ENTITY_TRACK, -1,
                                            object_node ("id", str_node (id),
                                                         "name", str_node (id),
                                                         "instrument", str_node (instrument), NULL)));
  /* Unity gain unless a test says otherwise. */
  atu_set_track (project, id, "volume", 0.0);
}

void
atu_add_sample_info (TandemProject *project,
                     const char    *hash,
                     guint          rate,
                     guint64        frames)
{
  atu_apply (project, tandem_op_new_insert (TANDEM_ENTITY_SAMPLE, -1,
                                            object_node ("id", str_node (hash),
                                                         "name", str_node ("test"),
                                                         "format", str_node ("wav"),
                                                         "frames", int_node ((gint64) frames),
                                                         "rate", int_node (rate),
                                                         "channels", int_node (1),
                                                         "bytes", int_node ((gint64) frames * 2 + 44),
                                                         NULL)));
}

void
atu_set_cell (TandemProject *project,
              const char    *pattern,
              const char    *track,
              guint          step,
              const char    *prop,
              int            value)
{
  atu_apply (project, tandem_op_new_set_cell (pattern, track, step, prop, value));
}

void
atu_set_track (TandemProject *project,
               const char    *track,
               const char    *prop,
               double         value)
{
  atu_apply (project, tandem_op_new_set_double (TANDEM_ENTITY_TRACK, track, prop, value));
}

void
atu_set_track_bool (TandemProject *project,
                    const char    *track,
                    const char    *prop,
                    gboolean       value)
{
  atu_apply (project, tandem_op_new_set_boolean (TANDEM_ENTITY_TRACK, track, prop, value));
}

void
atu_set_project (TandemProject *project,
                 const char    *prop,
                 double         value)
{
  atu_apply (project, tandem_op_new_set_double (TANDEM_ENTITY_PROJECT, NULL, prop, value));
}

static TandemSample *
lookup_fixed (const char *hash,
              gpointer    user_data)
{
  return user_data;
}

TandemRenderPlan *
atu_compile (TandemProject *project,
             TandemSample  *sample)
{
  TandemPlanOptions options = { 0 };

  options.sample_rate = ATU_RATE;
  options.lookup = lookup_fixed;
  options.lookup_data = sample;
  options.force_playing = TRUE;
  return tandem_plan_compile (project, &options);
}

TandemSample *
atu_impulse_sample (void)
{
  float one = 0.5f;

  return tandem_sample_new_from_frames (&one, 1, ATU_RATE);
}

float *
atu_render (TandemProject *project,
            TandemSample  *sample,
            guint64        seed,
            gsize          n_frames,
            guint          block)
{
  g_autoptr(TandemRenderPlan) plan = atu_compile (project, sample);
  TandemRenderer *renderer = tandem_renderer_new (ATU_RATE, 256);
  float *out = g_new0 (float, n_frames * 2);

  tandem_renderer_set_seed (renderer, seed);
  tandem_renderer_set_plan (renderer, plan);
  for (gsize done = 0; done < n_frames; done += block)
    tandem_renderer_process (renderer, out + 2 * done, (guint) MIN (block, n_frames - done));
  tandem_renderer_free (renderer);
  return out;
}

char *
atu_hash (const float *frames,
          gsize        n_floats)
{
  return g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) frames,
                                      n_floats * sizeof (float));
}

float
atu_peak (const float *frames,
          gsize        n_floats)
{
  float peak = 0.0f;

  for (gsize i = 0; i < n_floats; i++)
    peak = MAX (peak, fabsf (frames[i]));
  return peak;
}

GArray *
atu_onsets (const float *frames,
            gsize        n_frames,
            guint        channel)
{
  GArray *onsets = g_array_new (FALSE, FALSE, sizeof (gint64));

  for (gsize i = 0; i < n_frames; i++)
    {
      gboolean on = frames[2 * i + channel] != 0.0f;
      gboolean was = i > 0 && frames[2 * (i - 1) + channel] != 0.0f;

      if (on && !was)
        {
          gint64 f = (gint64) i;
          g_array_append_val (onsets, f);
        }
    }
  return onsets;
}

gboolean
atu_sox (const char *first_arg,
         ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *sox = g_find_program_in_path ("sox");
  g_autofree char *err = NULL;
  const char *arg;
  int status = 0;
  va_list ap;

  if (sox == NULL)
    {
      g_test_skip ("sox is not installed");
      return FALSE;
    }
  g_ptr_array_add (argv, sox);
  va_start (ap, first_arg);
  for (arg = first_arg; arg != NULL; arg = va_arg (ap, const char *))
    g_ptr_array_add (argv, (gpointer) arg);
  va_end (ap);
  g_ptr_array_add (argv, NULL);

  g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL,
                NULL, &err, &status, &error);
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (status, NULL))
    g_error ("sox failed: %s", err);
  return TRUE;
}

static char *tmpdir;

static void
remove_tmpdir (void)
{
  g_autoptr(GFile) dir = NULL;
  g_autoptr(GFileEnumerator) e = NULL;
  GFileInfo *info;

  if (tmpdir == NULL)
    return;
  dir = g_file_new_for_path (tmpdir);
  e = g_file_enumerate_children (dir, G_FILE_ATTRIBUTE_STANDARD_NAME, 0, NULL, NULL);
  while (e != NULL && (info = g_file_enumerator_next_file (e, NULL, NULL)) != NULL)
    {
      g_autoptr(GFile) child = g_file_get_child (dir, g_file_info_get_name (info));
      g_file_delete (child, NULL, NULL);
      g_object_unref (info);
    }
  g_rmdir (tmpdir);
}

const char *
atu_tmpdir (void)
{
  if (tmpdir == NULL)
    {
      g_autoptr(GError) error = NULL;

      tmpdir = g_dir_make_tmp ("tandem-audio-XXXXXX", &error);
      g_assert_no_error (error);
      atexit (remove_tmpdir);
    }
  return tmpdir;
}

void
atu_alsa_setup (const char *raw_path)
{
  g_autofree char *conf = g_build_filename (atu_tmpdir (), "asound.conf", NULL);
  g_autofree char *text = NULL;

  if (raw_path != NULL)
    text = g_strdup_printf ("pcm.!default {\n"
                            "  type file\n"
                            "  slave.pcm { type null }\n"
                            "  file \"%s\"\n"
                            "  format \"raw\"\n"
                            "}\n", raw_path);
  else
    /* A default device on a card that does not exist: PortAudio finds no
     * usable output (an empty file trips an assertion in PortAudio 19.6). */
    text = g_strdup ("pcm.!default { type hw card 99 device 0 }\n");
  g_assert_true (g_file_set_contents (conf, text, -1, NULL));
  g_setenv ("ALSA_CONFIG_PATH", conf, TRUE);
}

void
atu_wait_frames (TandemEngine *engine,
                 guint64       frames)
{
  guint64 target = tandem_engine_get_frames_rendered (engine) + frames;

  while (tandem_engine_get_frames_rendered (engine) < target)
    {
      g_main_context_iteration (NULL, FALSE);
      g_thread_yield ();
    }
}
