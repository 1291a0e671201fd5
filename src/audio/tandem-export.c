/* tandem-export.c — renders a project to a .wav or .flac file
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-audio"

#include "config.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <math.h>
#include <sndfile.h>
#include <string.h>

#include "tandem-export.h"
#include "tandem-limiter.h"
#include "tandem-plan-compile.h"
#include "tandem-renderer.h"

#define BLOCK 4096
#define HELD_FRAMES 48000

typedef struct
{
  TandemSampleStore *store;
  guint              rate;
  GHashTable        *samples;    /* hash → TandemSample, NULL value: refused */
} Decoder;

static TandemSample *
decode_sample (const char *hash,
               gpointer    user_data)
{
  Decoder *decoder = user_data;
  g_autofree char *path = NULL;
  TandemSample *sample;

  if (g_hash_table_contains (decoder->samples, hash))
    return g_hash_table_lookup (decoder->samples, hash);
  path = decoder->store != NULL ? tandem_sample_store_lookup (decoder->store, hash) : NULL;
  /* Missing or refused samples are silent, as they are when playing. */
  sample = path != NULL ? tandem_sample_decode_file (path, decoder->rate, NULL) : NULL;
  g_hash_table_insert (decoder->samples, g_strdup (hash), sample);
  return sample;
}

static void
sample_unref0 (gpointer data)
{
  if (data != NULL)
    tandem_sample_unref (data);
}

TandemRenderPlan *
tandem_export_compile_plan (TandemProject     *project,
                            guint              sample_rate,
                            TandemSampleStore *store)
{
  Decoder decoder = { store, sample_rate, NULL };
  TandemPlanOptions options = { 0 };
  TandemRenderPlan *plan;

  g_return_val_if_fail (TANDEM_IS_PROJECT (project), NULL);

  decoder.samples = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, sample_unref0);
  options.sample_rate = sample_rate;
  options.lookup = decode_sample;
  options.lookup_data = &decoder;
  options.force_playing = TRUE;
  options.force_song = TRUE;
  plan = tandem_plan_compile (project, &options);
  g_hash_table_unref (decoder.samples);
  return plan;
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

static gboolean
open_output (const char  *path,
             const char  *display_path,
             guint        rate,
             SNDFILE    **file,
             GError     **error)
{
  g_autofree char *lower = g_ascii_strdown (path, -1);
  SF_INFO info = { 0 };

  if (g_str_has_suffix (lower, ".wav"))
    info.format = SF_FORMAT_WAV | SF_FORMAT_PCM_24;
  else if (g_str_has_suffix (lower, ".flac"))
    info.format = SF_FORMAT_FLAC | SF_FORMAT_PCM_24;
  else
    {
      g_set_error (error, TANDEM_AUDIO_ERROR, TANDEM_AUDIO_ERROR_FORMAT,
                   "Cannot export to “%s”: the name must end in .wav or .flac", display_path);
      return FALSE;
    }
  info.samplerate = (int) rate;
  info.channels = 2;
  *file = sf_open (path, SFM_WRITE, &info);
  if (*file == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                   "Cannot write “%s”: %s", display_path, sf_strerror (NULL));
      return FALSE;
    }
  /* Clip instead of wrapping round, though the soft clip keeps us in range. */
  sf_command (*file, SFC_SET_CLIPPING, NULL, SF_TRUE);
  return TRUE;
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
  g_autoptr(TandemRenderPlan) plan = NULL;
  g_autofree char *part = NULL;
  g_autofree float *buf = NULL;
  TandemRenderer *renderer;
  SNDFILE *file = NULL;
  guint64 music, max_frames, stop, done = 0;
  g_autofree float *held = NULL;
  guint n_held = 0;
  gboolean ok = TRUE;
  double last_report = -1.0;

  g_return_val_if_fail (TANDEM_IS_PROJECT (project), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (sample_rate >= 8000 && sample_rate <= 384000, FALSE);

  /* Written beside the target under a name with the same extension (which
   * picks the format), renamed into place when complete. */
  part = g_strdup_printf ("%s.part%s", path, strrchr (path, '.') != NULL ? strrchr (path, '.') : "");
  if (!open_output (part, path, sample_rate, &file, error))
    return FALSE;

  plan = tandem_export_compile_plan (project, sample_rate,
                                     store != NULL ? store : tandem_sample_store_get_default ());
  music = tandem_export_music_frames (plan);
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
  if (ok && g_rename (part, path) != 0)
    {
      int errsv = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errsv),
                   "Cannot write “%s”: %s", path, g_strerror (errsv));
      ok = FALSE;
    }
  if (!ok)
    {
      g_unlink (part);
      return FALSE;
    }
  if (progress != NULL)
    progress (1.0, user_data);
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
  return tandem_export_render_to_file_full (project, path, sample_rate, NULL, 0,
                                            progress, user_data, cancellable, error);
}
