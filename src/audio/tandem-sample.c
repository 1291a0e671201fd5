/* tandem-sample.c — decoding and checking with libsndfile, resampling with libsamplerate
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-audio"

#include "config.h"

#include <math.h>
#include <samplerate.h>
#include <sndfile.h>
#include <string.h>

#include "tandem-memlock.h"
#include "tandem-sample.h"

G_DEFINE_QUARK (tandem-audio-error-quark, tandem_audio_error)

/* Frames and peak envelope in one page-aligned block, so it can be locked. */
static TandemSample *
sample_alloc (gsize n_frames,
              guint channels,
              guint rate)
{
  TandemSample *sample = g_new0 (TandemSample, 1);
  gsize n_floats = MAX (n_frames, 1) * channels;
  gsize n_peaks = MAX (n_frames, 1) / TANDEM_SAMPLE_PEAK_BLOCK + 1;

  g_atomic_ref_count_init (&sample->ref_count);
  sample->rate = rate;
  sample->channels = channels;
  sample->n_frames = n_frames;
  sample->alloc_size = (n_floats + n_peaks) * sizeof (float);
  sample->frames = tandem_memlock_alloc (sample->alloc_size);
  sample->peaks = sample->frames + n_floats;
  return sample;
}

/* Fills the peak envelope, once the frames are final. */
static TandemSample *
sample_finish (TandemSample *sample)
{
  for (gsize i = 0; i < sample->n_frames; i++)
    for (guint c = 0; c < sample->channels; c++)
      {
        float *peak = &sample->peaks[i / TANDEM_SAMPLE_PEAK_BLOCK];

        *peak = MAX (*peak, fabsf (sample->frames[i * sample->channels + c]));
      }
  return sample;
}

void
tandem_sample_lock (TandemSample *sample)
{
  g_return_if_fail (sample != NULL);
  if (!sample->locked)
    sample->locked = tandem_memlock_lock (sample->frames, sample->alloc_size);
}

TandemSample *
tandem_sample_new (const float *frames,
                   gsize        n_frames,
                   guint        channels,
                   guint        rate)
{
  TandemSample *sample;

  g_return_val_if_fail (channels == 1 || channels == 2, NULL);
  sample = sample_alloc (n_frames, channels, rate);
  if (frames != NULL)
    memcpy (sample->frames, frames, n_frames * channels * sizeof (float));
  return sample_finish (sample);
}

TandemSample *
tandem_sample_new_from_frames (const float *frames,
                               gsize        n_frames,
                               guint        rate)
{
  return tandem_sample_new (frames, n_frames, 1, rate);
}

TandemSample *
tandem_sample_ref (TandemSample *sample)
{
  g_return_val_if_fail (sample != NULL, NULL);
  g_atomic_ref_count_inc (&sample->ref_count);
  return sample;
}

void
tandem_sample_unref (TandemSample *sample)
{
  g_return_if_fail (sample != NULL);
  if (g_atomic_ref_count_dec (&sample->ref_count))
    {
      tandem_memlock_free (sample->frames, sample->alloc_size, sample->locked);
      g_free (sample);
    }
}

void
tandem_sample_file_info_clear (TandemSampleFileInfo *info)
{
  g_return_if_fail (info != NULL);
  g_clear_pointer (&info->format, g_free);
}

static char *
format_name (int format)
{
  SF_FORMAT_INFO info = { .format = format & SF_FORMAT_TYPEMASK };
  GString *out;

  switch (format & SF_FORMAT_TYPEMASK)
    {
    case SF_FORMAT_WAV:
    case SF_FORMAT_WAVEX:
    case SF_FORMAT_RF64:
      return g_strdup ("wav");
    case SF_FORMAT_AIFF:
      return g_strdup ("aiff");
    case SF_FORMAT_FLAC:
      return g_strdup ("flac");
    case SF_FORMAT_OGG:
      return g_strdup ("ogg");
    default:
      break;
    }
  out = g_string_new (NULL);
  if (sf_command (NULL, SFC_GET_FORMAT_INFO, &info, sizeof info) == 0 && info.extension)
    for (const char *p = info.extension; *p && out->len < 16; p++)
      if (g_ascii_isalnum (*p))
        g_string_append_c (out, g_ascii_tolower (*p));
  if (out->len == 0)
    g_string_assign (out, "audio");
  return g_string_free (out, FALSE);
}

/* libsndfile quietly shortens a WAV or AIFF whose data chunk runs past the
 * end of the file; its log says "data : 142084 (should be 71020)". A header
 * that promises more than the file holds means the file was cut off, unless
 * it is a streaming placeholder (0 or 0xFFFFFFFF). */
static gboolean
is_cut_off (SNDFILE *file)
{
  char log[8192] = "";
  g_auto(GStrv) lines = NULL;

  sf_command (file, SFC_GET_LOG_INFO, log, sizeof log);
  lines = g_strsplit (log, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      guint64 declared, actual;
      const char *should;

      if (!g_str_has_prefix (lines[i], "data :") && !g_str_has_prefix (lines[i], "SSND :"))
        continue;
      should = strstr (lines[i], "(should be ");
      if (should == NULL)
        continue;
      declared = g_ascii_strtoull (lines[i] + 6, NULL, 10);
      actual = g_ascii_strtoull (should + strlen ("(should be "), NULL, 10);
      if (declared != 0 && declared < 0xFFFFFF00u && declared > actual)
        return TRUE;
    }
  return FALSE;
}

/* Refuses what the header of the opened @file alone shows to be unusable;
 * closes @file then. */
static SNDFILE *
check_opened (SNDFILE     *file,
              const char  *name,
              SF_INFO     *info,
              GError     **error)
{
  if (file == NULL)
    {
      g_set_error (error, TANDEM_SAMPLE_ERROR, TANDEM_SAMPLE_ERROR_NOT_AUDIO,
                   "“%s” is not an audio file Tandem can read: %s", name, sf_strerror (NULL));
      return NULL;
    }
  if (info->channels < 1 || info->channels > 64 || info->samplerate < 1000
      || info->samplerate > TANDEM_SAMPLE_MAX_RATE || info->frames <= 0)
    g_set_error (error, TANDEM_SAMPLE_ERROR, TANDEM_SAMPLE_ERROR_CORRUPT,
                 "“%s” holds no usable audio (%d channels at %d Hz, %" G_GINT64_FORMAT " frames)",
                 name, info->channels, info->samplerate, (gint64) info->frames);
  else if (info->frames > (sf_count_t) info->samplerate * TANDEM_SAMPLE_MAX_SECONDS)
    g_set_error (error, TANDEM_SAMPLE_ERROR, TANDEM_SAMPLE_ERROR_TOO_LONG,
                 "“%s” is longer than %d seconds", name, TANDEM_SAMPLE_MAX_SECONDS);
  else if (is_cut_off (file))
    g_set_error (error, TANDEM_SAMPLE_ERROR, TANDEM_SAMPLE_ERROR_CORRUPT,
                 "“%s” is truncated: the file ends before its audio data does", name);
  else
    return file;
  sf_close (file);
  return NULL;
}

static SNDFILE *
open_checked (const char  *path,
              const char  *name,
              SF_INFO     *info,
              GError     **error)
{
  return check_opened (sf_open (path, SFM_READ, info), name, info, error);
}

static gboolean read_checked (SNDFILE        *file,
                              const SF_INFO  *info,
                              const char     *name,
                              float         **out,
                              guint           out_channels,
                              gsize          *n_read,
                              GCancellable   *cancellable,
                              GError        **error);

/* libsndfile's virtual IO over bytes in memory. */
typedef struct
{
  const guint8 *data;
  sf_count_t    length;
  sf_count_t    pos;
} MemoryFile;

/* Decodes every frame of the opened @file to check it, closes it, and on
 * success fills @info: the common end of checking a file and checking bytes. */
static gboolean
check_opened_file (SNDFILE               *file,
                   const SF_INFO         *sf_info,
                   const char            *name,
                   GCancellable          *cancellable,
                   TandemSampleFileInfo  *info,
                   GError               **error)
{
  gsize n_frames = 0;
  gboolean ok = read_checked (file, sf_info, name, NULL, 1, &n_frames, cancellable, error);

  sf_close (file);
  if (!ok)
    return FALSE;
  info->format = format_name (sf_info->format);
  info->frames = n_frames;
  info->rate = sf_info->samplerate;
  info->channels = sf_info->channels;
  return TRUE;
}

static sf_count_t
mem_get_filelen (void *user_data)
{
  return ((MemoryFile *) user_data)->length;
}

static sf_count_t
mem_seek (sf_count_t  offset,
          int         whence,
          void       *user_data)
{
  MemoryFile *m = user_data;
  sf_count_t base = whence == SEEK_CUR ? m->pos : whence == SEEK_END ? m->length : 0;

  if (offset < -base || base + offset > m->length)
    return -1;
  m->pos = base + offset;
  return m->pos;
}

static sf_count_t
mem_read (void       *ptr,
          sf_count_t  count,
          void       *user_data)
{
  MemoryFile *m = user_data;
  sf_count_t n = MAX (MIN (count, m->length - m->pos), 0);

  memcpy (ptr, m->data + m->pos, n);
  m->pos += n;
  return n;
}

static sf_count_t
mem_write (const void *ptr,
           sf_count_t  count,
           void       *user_data)
{
  return 0;
}

static sf_count_t
mem_tell (void *user_data)
{
  return ((MemoryFile *) user_data)->pos;
}

/**
 * tandem_sample_check_bytes:
 * @name: what to call the data in messages
 * @info: (out caller-allocates): what the data holds, on success
 *
 * tandem_sample_check_file() on bytes in memory (libsndfile's virtual IO).
 *
 * Returns: TRUE if every frame decodes, else FALSE with a TANDEM_SAMPLE_ERROR
 */
gboolean
tandem_sample_check_bytes (GBytes                *bytes,
                           const char            *name,
                           TandemSampleFileInfo  *info,
                           GError               **error)
{
  SF_VIRTUAL_IO io = { mem_get_filelen, mem_seek, mem_read, mem_write, mem_tell };
  MemoryFile m = { 0 };
  SF_INFO sf_info = { 0 };
  SNDFILE *file;
  gsize length;

  g_return_val_if_fail (bytes != NULL, FALSE);
  g_return_val_if_fail (name != NULL, FALSE);
  g_return_val_if_fail (info != NULL, FALSE);

  m.data = g_bytes_get_data (bytes, &length);
  m.length = length;
  file = check_opened (sf_open_virtual (&io, SFM_READ, &sf_info, &m), name, &sf_info, error);
  if (file == NULL)
    return FALSE;
  return check_opened_file (file, &sf_info, name, NULL, info, error);
}

/* Reads every frame of @file into *@out (info->frames × @out_channels at
 * most) when @out is not NULL — mono as it is, more channels folded to
 * stereo (even channels left, odd right) — and refuses a file that ends
 * early. The buffer grows with what is decoded: a header's promise alone
 * allocates nothing. */
static gboolean
read_checked (SNDFILE        *file,
              const SF_INFO  *info,
              const char     *name,
              float         **out,
              guint           out_channels,
              gsize          *n_read,
              GCancellable   *cancellable,
              GError        **error)
{
  enum { CHUNK = 4096 };
  g_autofree float *buf = g_new (float, (gsize) CHUNK * info->channels);
  gsize capacity = 0;
  gsize done = 0;
  const int n_in = info->channels;

  while (done < (gsize) info->frames)
    {
      sf_count_t want = MIN (CHUNK, (sf_count_t) (info->frames - done));
      sf_count_t got = sf_readf_float (file, buf, want);

      if (out != NULL && got > 0 && done + got > capacity)
        {
          capacity = MIN (MAX (capacity * 2, (gsize) 65536), (gsize) info->frames);
          *out = g_renew (float, *out, MAX (capacity, done + got) * out_channels);
        }
      for (sf_count_t i = 0; out != NULL && i < got; i++)
        for (guint o = 0; o < out_channels; o++)
          {
            float sum = 0.0f;
            int n = 0;

            for (int c = (int) o; c < n_in; c += (int) out_channels, n++)
              sum += buf[i * n_in + c];
            sum /= (float) MAX (n, 1);
            /* Float files can hold NaN or huge values; they would poison the mix. */
            (*out)[(done + i) * out_channels + o] = isfinite (sum) ? CLAMP (sum, -4.0f, 4.0f) : 0.0f;
          }
      done += MAX (got, 0);
      if (got < want)
        break;
      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return FALSE;
    }

  if (done == 0)
    {
      g_set_error (error, TANDEM_SAMPLE_ERROR, TANDEM_SAMPLE_ERROR_CORRUPT,
                   "“%s” contains no audio", name);
      return FALSE;
    }
  /* Ogg Vorbis frame counts are estimates; elsewhere a short read means the
   * file was cut off. */
  if (done < (gsize) info->frames
      && (info->format & SF_FORMAT_TYPEMASK) != SF_FORMAT_OGG)
    {
      g_set_error (error, TANDEM_SAMPLE_ERROR, TANDEM_SAMPLE_ERROR_CORRUPT,
                   "“%s” is truncated: %" G_GSIZE_FORMAT " of %" G_GINT64_FORMAT " frames",
                   name, done, (gint64) info->frames);
      return FALSE;
    }
  *n_read = done;
  return TRUE;
}

/**
 * tandem_sample_check_file:
 * @name: (nullable): what to call the file in messages
 * @info: (out caller-allocates): what the file holds, on success
 *
 * Returns: TRUE if every frame decodes, else FALSE with a TANDEM_SAMPLE_ERROR
 */
gboolean
tandem_sample_check_file (const char            *path,
                          const char            *name,
                          TandemSampleFileInfo  *info,
                          GCancellable          *cancellable,
                          GError               **error)
{
  g_autofree char *base = NULL;
  SF_INFO sf_info = { 0 };
  SNDFILE *file;

  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (info != NULL, FALSE);

  if (name == NULL)
    name = base = g_filename_display_basename (path);
  file = open_checked (path, name, &sf_info, error);
  if (file == NULL)
    return FALSE;
  return check_opened_file (file, &sf_info, name, cancellable, info, error);
}

/**
 * tandem_sample_check_header:
 * @name: (nullable): what to call the file in messages
 *
 * Returns: TRUE if the header describes audio Tandem plays
 */
gboolean
tandem_sample_check_header (const char  *path,
                            const char  *name,
                            GError     **error)
{
  g_autofree char *base = NULL;
  SF_INFO sf_info = { 0 };
  SNDFILE *file;

  g_return_val_if_fail (path != NULL, FALSE);

  if (name == NULL)
    name = base = g_filename_display_basename (path);
  file = open_checked (path, name, &sf_info, error);
  if (file == NULL)
    return FALSE;
  sf_close (file);
  return TRUE;
}

/**
 * tandem_sample_store_check:
 *
 * Returns: TRUE if @path passes tandem_sample_check_header() (@header_only)
 *   or tandem_sample_check_file()
 */
gboolean
tandem_sample_store_check (const char  *path,
                           const char  *name,
                           gboolean     header_only,
                           GError     **error)
{
  g_auto(TandemSampleFileInfo) info = { 0 };

  if (header_only)
    return tandem_sample_check_header (path, name, error);
  return tandem_sample_check_file (path, name, &info, NULL, error);
}

TandemSample *
tandem_sample_decode_file (const char *path,
                           guint       rate,
                           GError    **error)
{
  g_autofree char *name = NULL;
  g_autofree float *decoded = NULL;
  SF_INFO info = { 0 };
  SNDFILE *file;
  gsize n_frames = 0;
  guint channels;
  gboolean ok;
  TandemSample *sample;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (rate >= 8000, NULL);

  name = g_filename_display_basename (path);
  file = open_checked (path, name, &info, error);
  if (file == NULL)
    return NULL;
  channels = info.channels > 1 ? 2 : 1;
  ok = read_checked (file, &info, name, &decoded, channels, &n_frames, NULL, error);
  sf_close (file);
  if (!ok)
    return NULL;

  if ((guint) info.samplerate == rate)
    return tandem_sample_new (decoded, n_frames, channels, rate);

  {
    double ratio = (double) rate / (double) info.samplerate;
    gsize out_frames = (gsize) llround ((double) n_frames * ratio);
    gsize capacity = out_frames + 64;
    SRC_DATA data = { 0 };
    int err;

    sample = sample_alloc (capacity, channels, rate);
    data.data_in = decoded;
    data.input_frames = (long) n_frames;
    data.data_out = sample->frames;
    data.output_frames = (long) capacity;
    data.src_ratio = ratio;
    err = src_simple (&data, SRC_SINC_MEDIUM_QUALITY, (int) channels);
    if (err != 0)
      {
        tandem_sample_unref (sample);
        g_set_error (error, TANDEM_AUDIO_ERROR, TANDEM_AUDIO_ERROR_RESAMPLE,
                     "Could not resample “%s”: %s", name, src_strerror (err));
        return NULL;
      }
    /* The length is what the rate change implies; the converter may stop a
     * few frames short, which stay zero (the buffer was zero-filled). */
    sample->n_frames = out_frames;
  }
  return sample_finish (sample);
}
