/* tandem-export.c — renders a project to a .wav or .flac file
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-audio"

#define _GNU_SOURCE 1
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include <glib/gstdio.h>
#include <math.h>
#include <sndfile.h>
#include <string.h>

#include "tandem-export.h"
#include "tandem-limiter.h"
#include "tandem-decoded-cache.h"
#include "tandem-plan-compile.h"
#include "tandem-renderer.h"

#define BLOCK 4096
#define HELD_FRAMES 48000

typedef struct
{
  TandemSampleStore *store;
  guint              rate;
  GHashTable        *decoded;    /* hash → TandemSample someone decoded already, or NULL */
  GHashTable        *samples;    /* hash → TandemSample, NULL value: refused */
  GHashTable        *reasons;    /* hash → why it cannot be played */
} Decoder;

static TandemSample *
decode_sample (const char *hash,
               gpointer    user_data)
{
  Decoder *decoder = user_data;
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;
  TandemSample *sample = NULL;

  if (g_hash_table_contains (decoder->samples, hash))
    return g_hash_table_lookup (decoder->samples, hash);
  /* Decoding and resampling is most of an export's plan compile: a sample
   * the engine already holds at this rate is the same frames. */
  if (decoder->decoded != NULL && (sample = g_hash_table_lookup (decoder->decoded, hash)) != NULL)
    {
      g_return_val_if_fail (sample->rate == decoder->rate, NULL);
      g_hash_table_insert (decoder->samples, g_strdup (hash), tandem_sample_ref (sample));
      return sample;
    }
  /* Missing or refused samples are silent, as they are when playing; the
   * export says so. */
  path = decoder->store != NULL ? tandem_sample_store_lookup (decoder->store, hash) : NULL;
  if (path == NULL)
    g_hash_table_insert (decoder->reasons, g_strdup (hash), g_strdup ("is missing"));
  else if ((sample = tandem_decoded_cache_load (decoder->store, hash, decoder->rate, &error)) == NULL)
    g_hash_table_insert (decoder->reasons, g_strdup (hash),
                         g_strdup_printf ("cannot be played: %s", error->message));
  g_hash_table_insert (decoder->samples, g_strdup (hash), sample);
  return sample;
}

static void
sample_unref0 (gpointer data)
{
  if (data != NULL)
    tandem_sample_unref (data);
}

static char **
list_unplayable (TandemProject *project,
                 GHashTable    *reasons)
{
  GListModel *tracks = tandem_project_get_tracks (project);
  GPtrArray *lines = g_ptr_array_new ();

  for (guint i = 0; i < g_list_model_get_n_items (tracks); i++)
    {
      g_autoptr(TandemTrack) track = g_list_model_get_item (tracks, i);
      const char *hash = tandem_instrument_get_sample (tandem_track_get_instrument (track));
      const char *reason = hash != NULL ? g_hash_table_lookup (reasons, hash) : NULL;
      TandemSampleInfo *info;

      if (reason == NULL)
        continue;
      info = tandem_project_find_sample (project, hash);
      g_ptr_array_add (lines, g_strdup_printf ("Track “%s”: sample “%s” %s", tandem_track_get_name (track),
                                               info != NULL ? tandem_sample_info_get_name (info) : hash,
                                               reason));
    }
  g_ptr_array_add (lines, NULL);
  return (char **) g_ptr_array_free (lines, FALSE);
}

TandemRenderPlan *
tandem_export_compile_plan_full (TandemProject     *project,
                                 guint              sample_rate,
                                 TandemSampleStore *store,
                                 GHashTable        *decoded,
                                 char            ***unplayable)
{
  Decoder decoder = { store, sample_rate, decoded, NULL, NULL };
  TandemPlanOptions options = { 0 };
  TandemRenderPlan *plan;

  g_return_val_if_fail (TANDEM_IS_PROJECT (project), NULL);

  decoder.samples = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, sample_unref0);
  decoder.reasons = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  options.sample_rate = sample_rate;
  options.lookup = decode_sample;
  options.lookup_data = &decoder;
  options.force_playing = TRUE;
  options.force_song = TRUE;
  plan = tandem_plan_compile (project, &options);
  if (unplayable != NULL)
    *unplayable = list_unplayable (project, decoder.reasons);
  g_hash_table_unref (decoder.samples);
  g_hash_table_unref (decoder.reasons);
  return plan;
}

TandemRenderPlan *
tandem_export_compile_plan (TandemProject     *project,
                            guint              sample_rate,
                            TandemSampleStore *store)
{
  return tandem_export_compile_plan_full (project, sample_rate, store, NULL, NULL);
}

guint64
tandem_export_music_frames (const TandemRenderPlan *plan)
{
  guint64 steps;

  if (plan->play_mode == TANDEM_PLAY_MODE_SONG)
    steps = plan->song_end_step;
  else
    steps = (guint64) plan->patterns[plan->current_pattern].length * TANDEM_EXPORT_PATTERN_LOOPS;
  /* Up to the frame where the step after the last one would start. */
  return (guint64) tandem_plan_onset_frame (plan->step_frames, plan->swing_frames, steps);
}

static gboolean
write_frames (SNDFILE     *file,
              const float *frames,
              guint        n,
              const char  *path,
              GError     **error)
{
  if (n == 0 || sf_writef_float (file, frames, n) == n)
    return TRUE;
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "Cannot write “%s”: %s",
               path, sf_strerror (file));
  return FALSE;
}

static int
format_of (const char *path)
{
  g_autofree char *lower = g_ascii_strdown (path, -1);

  if (g_str_has_suffix (lower, ".wav"))
    return SF_FORMAT_WAV | SF_FORMAT_PCM_24;
  if (g_str_has_suffix (lower, ".flac"))
    return SF_FORMAT_FLAC | SF_FORMAT_PCM_24;
  return 0;
}

/* The file being written: unnamed (O_TMPFILE) in the target's folder and
 * linked in at the end, or, where the filesystem cannot, a ".part" name
 * removed on failure. */
typedef struct
{
  int   fd;
  char *part;      /* NULL with O_TMPFILE */
  char *dir;
} Output;

static gboolean
open_output (const char  *path,
             guint        rate,
             Output      *output,
             SNDFILE    **file,
             GError     **error)
{
  SF_INFO info = { 0 };
  int errsv;

  info.format = format_of (path);
  info.samplerate = (int) rate;
  info.channels = 2;
  output->dir = g_path_get_dirname (path);
  output->fd = open (output->dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0644);
  if (output->fd < 0 && (errno == EOPNOTSUPP || errno == EISDIR || errno == EINVAL))
    {
      /* Written beside the target under a name with the same extension. */
      output->part = g_strdup_printf ("%s.part%s", path, strrchr (path, '.'));
      output->fd = open (output->part, O_CREAT | O_TRUNC | O_RDWR | O_CLOEXEC, 0644);
    }
  if (output->fd < 0)
    {
      errsv = errno;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errsv),
                   "Cannot write “%s”: %s", path, g_strerror (errsv));
      return FALSE;
    }
  *file = sf_open_fd (output->fd, SFM_WRITE, &info, SF_FALSE);
  if (*file == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                   "Cannot write “%s”: %s", path, sf_strerror (NULL));
      return FALSE;
    }
  /* Clip instead of wrapping round, though the limiter keeps us in range. */
  sf_command (*file, SFC_SET_CLIPPING, NULL, SF_TRUE);
  return TRUE;
}

/* Gives the finished file its name, replacing what was there. */
static gboolean
publish_output (Output      *output,
                const char  *path,
                GError     **error)
{
  int errsv;

  if (fsync (output->fd) != 0)
    goto failed;
  if (output->part != NULL)
    {
      if (g_rename (output->part, path) != 0)
        goto failed;
      g_clear_pointer (&output->part, g_free);
      return TRUE;
    }
  {
    /* linkat() cannot replace: link under a fresh name, then rename over. */
    g_autofree char *proc = g_strdup_printf ("/proc/self/fd/%d", output->fd);
    g_autofree char *base = g_path_get_basename (path);

    for (guint attempt = 0; attempt < 100; attempt++)
      {
        g_autofree char *tmp = g_strdup_printf ("%s/.%s.%08x", output->dir, base, g_random_int ());

        if (linkat (AT_FDCWD, proc, AT_FDCWD, tmp, AT_SYMLINK_FOLLOW) == 0)
          {
            if (g_rename (tmp, path) == 0)
              return TRUE;
            errsv = errno;
            g_unlink (tmp);
            errno = errsv;
            goto failed;
          }
        if (errno != EEXIST)
          goto failed;
      }
  }
failed:
  errsv = errno;
  g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errsv),
               "Cannot write “%s”: %s", path, g_strerror (errsv));
  return FALSE;
}

static void
close_output (Output *output)
{
  if (output->fd >= 0)
    close (output->fd);
  if (output->part != NULL)
    g_unlink (output->part);
  g_free (output->part);
  g_free (output->dir);
}

static char *
format_duration (double seconds)
{
  guint64 s = (guint64) seconds;

  if (s >= 3600)
    return g_strdup_printf ("%" G_GUINT64_FORMAT " h %02u min", s / 3600, (guint) (s % 3600 / 60));
  return g_strdup_printf ("%u min %02u s", (guint) (s / 60), (guint) (s % 60));
}

/* Refuses what would not fit before anything is written. */
static gboolean
check_bounds (const char *path,
              guint64     music,
              guint       rate,
              GError    **error)
{
  g_autofree char *display = g_filename_display_basename (path);
  guint64 frames = music + (guint64) rate * TANDEM_EXPORT_MAX_TAIL_SECONDS;

  if (format_of (path) == 0)
    {
      g_set_error (error, TANDEM_AUDIO_ERROR, TANDEM_AUDIO_ERROR_FORMAT,
                   "Cannot export to “%s”: the name must end in .wav or .flac", display);
      return FALSE;
    }
  if (music > (guint64) rate * TANDEM_EXPORT_MAX_SECONDS)
    {
      g_autofree char *length = format_duration ((double) music / rate);
      g_autofree char *most = format_duration (TANDEM_EXPORT_MAX_SECONDS);

      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NO_SPACE,
                   "Cannot export “%s”: the song lasts %s, longer than the %s an export may last",
                   display, length, most);
      return FALSE;
    }
  /* 24-bit stereo: 6 bytes a frame, plus the header. */
  if ((format_of (path) & SF_FORMAT_TYPEMASK) == SF_FORMAT_WAV
      && frames * 6 + 4096 > TANDEM_EXPORT_MAX_WAV_BYTES)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NO_SPACE,
                   "Cannot export “%s”: a WAV file this long could pass 4 GiB, which WAV cannot hold; "
                   "export to .flac instead", display);
      return FALSE;
    }
  return TRUE;
}

gboolean
tandem_export_render_to_file_report (TandemProject         *project,
                                     const char            *path,
                                     guint                  sample_rate,
                                     TandemSampleStore     *store,
                                     GHashTable            *decoded,
                                     guint64                seed,
                                     TandemExportProgress   progress,
                                     gpointer               user_data,
                                     GCancellable          *cancellable,
                                     char                ***unplayable,
                                     GError               **error)
{
  g_autoptr(TandemRenderPlan) plan = NULL;
  g_autofree float *buf = NULL;
  g_auto(GStrv) silent = NULL;
  TandemRenderer *renderer;
  SNDFILE *file = NULL;
  Output output = { -1, NULL, NULL };
  guint64 music, max_frames, stop, done = 0;
  g_autofree float *held = NULL;
  guint n_held = 0;
  gboolean ok = TRUE;
  double last_report = -1.0;

  g_return_val_if_fail (TANDEM_IS_PROJECT (project), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (sample_rate >= 8000 && sample_rate <= 384000, FALSE);

  /* The plan first (cheap next to the render): its length decides. */
  plan = tandem_export_compile_plan_full (project, sample_rate,
                                          store != NULL ? store : tandem_sample_store_get_default (),
                                          decoded, &silent);
  music = tandem_export_music_frames (plan);
  if (!check_bounds (path, music, sample_rate, error))
    return FALSE;
  if (!open_output (path, sample_rate, &output, &file, error))
    {
      close_output (&output);
      return FALSE;
    }
  max_frames = music + (guint64) sample_rate * TANDEM_EXPORT_MAX_TAIL_SECONDS;
  stop = music > TANDEM_LIMITER_LATENCY ? music - TANDEM_LIMITER_LATENCY : 0;

  renderer = tandem_renderer_new (sample_rate, BLOCK);
  tandem_renderer_set_seed (renderer, seed);
  tandem_renderer_set_metering (renderer, FALSE);
  tandem_renderer_set_plan (renderer, plan);
  buf = g_new (float, BLOCK * 2);

  /* The music is written as it comes; in the tail, frames after the last
   * one above -90 dBFS wait in @held until something louder follows (up to
   * a second of them: a longer quiet stretch inside the tail is kept). */
  held = g_new (float, 2 * (gsize) HELD_FRAMES);
  while (done < max_frames)
    {
      guint n = (guint) MIN ((guint64) BLOCK, (done < stop ? stop : done < music ? music : max_frames) - done);
      double fraction;
      guint keep = n;

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        {
          ok = FALSE;
          break;
        }
      tandem_renderer_process (renderer, buf, n);
      if (done >= music)
        {
          /* Frames up to the last loud one are kept, the rest held. */
          keep = 0;
          for (guint i = n; i > 0 && keep == 0; i--)
            if (fabsf (buf[2 * i - 2]) >= TANDEM_EXPORT_TAIL_LEVEL
                || fabsf (buf[2 * i - 1]) >= TANDEM_EXPORT_TAIL_LEVEL)
              keep = i;
          if (keep > 0 || n_held + n > HELD_FRAMES)
            {
              ok = write_frames (file, held, n_held, path, error);
              n_held = 0;
              if (!ok)
                break;
            }
          if (keep == 0)
            {
              memcpy (held + 2 * n_held, buf, 2 * (gsize) n * sizeof (float));
              n_held += n;
            }
          else
            {
              memcpy (held, buf + 2 * keep, 2 * (gsize) (n - keep) * sizeof (float));
              n_held = n - keep;
            }
        }
      if (!write_frames (file, buf, keep, path, error))
        {
          ok = FALSE;
          break;
        }
      done += n;

      /* No step may start in the tail: the renderer stops its transport
       * when it sees this at the next block, and the notes ring out. It
       * plays TANDEM_LIMITER_LATENCY frames ahead of what comes out. */
      if (done == stop)
        plan->playing = FALSE;
      /* Every voice has ended: the rest would be silence. */
      if (done > music && tandem_renderer_is_silent (renderer))
        break;

      fraction = MIN ((double) done / (double) MAX (music, 1), 1.0);
      if (progress != NULL && fraction - last_report >= 0.01)
        {
          progress (fraction, user_data);
          last_report = fraction;
        }
    }

  tandem_renderer_free (renderer);
  if (sf_close (file) != 0 && ok)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "Cannot finish “%s”", path);
      ok = FALSE;
    }
  if (ok)
    ok = publish_output (&output, path, error);
  close_output (&output);
  if (!ok)
    return FALSE;
  if (progress != NULL)
    progress (1.0, user_data);
  if (unplayable != NULL)
    *unplayable = g_steal_pointer (&silent);
  return TRUE;
}

gboolean
tandem_export_render_to_file (TandemProject         *project,
                              const char            *path,
                              guint                  sample_rate,
                              TandemExportProgress   progress,
                              gpointer               user_data,
                              GCancellable          *cancellable,
                              GError               **error)
{
  return tandem_export_render_to_file_report (project, path, sample_rate, NULL, NULL, 0,
                                              progress, user_data, cancellable, NULL, error);
}

gboolean
tandem_export_render_to_file_full (TandemProject         *project,
                                   const char            *path,
                                   guint                  sample_rate,
                                   TandemSampleStore     *store,
                                   guint64                seed,
                                   TandemExportProgress   progress,
                                   gpointer               user_data,
                                   GCancellable          *cancellable,
                                   GError               **error)
{
  return tandem_export_render_to_file_report (project, path, sample_rate, store, NULL, seed,
                                              progress, user_data, cancellable, NULL, error);
}
