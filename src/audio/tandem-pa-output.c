/* tandem-pa-output.c — a PortAudio output stream that calls a render function
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-audio"

#include "config.h"

#include <dlfcn.h>
#include <portaudio.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <string.h>
#include <time.h>

#if HAVE_ALSA
#include <alsa/asoundlib.h>
#endif
#if HAVE_JACK
#include <jack/jack.h>
#endif

#include "tandem-pa-output.h"
#include "tandem-sample.h"

/* Optional probes, found at open time with dlsym: the real-time safety test
 * preloads a library that defines them and counts forbidden calls made
 * between enter and leave on the audio thread. */
typedef void (*ProbeFunc) (void);

struct _TandemPaOutput
{
  PaStream           *stream;
  _Atomic (TandemPaRenderFunc) render;
  gpointer            user_data;
  char               *device_name;
  guint               rate;
  ProbeFunc           probe_enter;
  ProbeFunc           probe_leave;
  atomic_ullong       xruns;
  atomic_ullong       callbacks;
  double             *times;
  guint64            *time_frames;
  gsize               times_capacity;
  atomic_size_t       n_times;
};

TANDEM_REALTIME static int
stream_callback (const void                     *input,
                 void                           *output,
                 unsigned long                   frames,
                 const PaStreamCallbackTimeInfo *time_info,
                 PaStreamCallbackFlags           status,
                 void                           *user_data)
{
  TandemPaOutput *self = user_data;
  struct timespec t0, t1;
  gsize n;

  if (self->probe_enter != NULL)
    self->probe_enter ();
  if (self->times != NULL)
    clock_gettime (CLOCK_MONOTONIC, &t0);

  if (status & (paOutputUnderflow | paOutputOverflow))
    atomic_fetch_add_explicit (&self->xruns, 1, memory_order_relaxed);
  atomic_load_explicit (&self->render, memory_order_acquire) (output, (guint) frames, self->user_data);
  atomic_fetch_add_explicit (&self->callbacks, 1, memory_order_relaxed);

  if (self->times != NULL
      && (n = atomic_load_explicit (&self->n_times, memory_order_relaxed)) < self->times_capacity)
    {
      clock_gettime (CLOCK_MONOTONIC, &t1);
      self->times[n] = (double) (t1.tv_sec - t0.tv_sec) * 1e6 + (double) (t1.tv_nsec - t0.tv_nsec) / 1e3;
      self->time_frames[n] = frames;
      atomic_store_explicit (&self->n_times, n + 1, memory_order_release);
    }
  if (self->probe_leave != NULL)
    self->probe_leave ();
  return paContinue;
}

/* Quiet probing
 *
 * Pa_Initialize() tries every PCM of the ALSA configuration and a JACK
 * server; alsa-lib and libjack print each failure to stderr (dozens of
 * "ALSA lib pcm.c:…: Unknown PCM cards.pcm.rear" and "Cannot connect to
 * server socket" lines on an ordinary desktop). None of that is an error
 * for us: what really fails comes back from PortAudio as an error code and
 * reaches the user as a GError. So while PortAudio starts, opens, closes
 * or lists devices, the libraries' own error hooks send their messages to
 * g_debug() (G_MESSAGES_DEBUG=tandem-audio shows them).
 *
 * The hooks are process-wide but only installed around those calls, which
 * run on the main thread, and taken out right after: while a stream plays,
 * the libraries' defaults are back. A message from another thread in that
 * window (PortAudio's audio thread once a stream starts) is dropped before
 * anything is formatted, so the hooks never allocate, lock or log on the
 * audio thread. The render callback itself never calls into ALSA or JACK.
 */

static guint quiet_depth;
static pthread_t quiet_thread;

#if HAVE_ALSA
static snd_lib_error_handler_t saved_alsa_handler;

static void alsa_message_to_debug (const char *file,
                                   int         line,
                                   const char *function,
                                   int         err,
                                   const char *fmt,
                                   ...) G_GNUC_PRINTF (5, 6);

static void
alsa_message_to_debug (const char *file,
                       int         line,
                       const char *function,
                       int         err,
                       const char *fmt,
                       ...)
{
  g_autofree char *message = NULL;
  va_list args;

  if (!pthread_equal (pthread_self (), quiet_thread))
    return;
  va_start (args, fmt);
  message = g_strdup_vprintf (fmt, args);
  va_end (args);
  /* Worded as alsa-lib's default handler prints it. */
  g_debug ("ALSA lib %s:%d:(%s) %s%s%s", file, line, function, g_strchomp (message),
           err != 0 ? ": " : "", err != 0 ? snd_strerror (err) : "");
}
#endif

#if HAVE_JACK
static void (*saved_jack_error) (const char *message);
static void (*saved_jack_info) (const char *message);

static void
jack_message_to_debug (const char *message)
{
  if (pthread_equal (pthread_self (), quiet_thread))
    g_debug ("JACK: %s", message);
}
#endif

static void
quiet_probing_begin (void)
{
  if (quiet_depth++ > 0)
    return;
  quiet_thread = pthread_self ();
#if HAVE_ALSA
  saved_alsa_handler = snd_lib_error;
  snd_lib_error_set_handler (alsa_message_to_debug);
#endif
#if HAVE_JACK
  saved_jack_error = jack_error_callback;
  saved_jack_info = jack_info_callback;
  jack_set_error_function (jack_message_to_debug);
  jack_set_info_function (jack_message_to_debug);
#endif
}

static void
quiet_probing_end (void)
{
  g_assert (quiet_depth > 0);
  if (--quiet_depth > 0)
    return;
  /* Put back only what is still ours: PortAudio installs its own JACK error
   * callback once it has a client. */
#if HAVE_ALSA
  if (snd_lib_error == alsa_message_to_debug)
    snd_lib_error_set_handler (saved_alsa_handler);
#endif
#if HAVE_JACK
  if (jack_error_callback == jack_message_to_debug)
    jack_set_error_function (saved_jack_error);
  if (jack_info_callback == jack_message_to_debug)
    jack_set_info_function (saved_jack_info);
#endif
}

static char *
device_label (PaDeviceIndex index)
{
  const PaDeviceInfo *info = Pa_GetDeviceInfo (index);
  const PaHostApiInfo *api = Pa_GetHostApiInfo (info->hostApi);

  return g_strdup_printf ("%s: %s", api != NULL ? api->name : "?", info->name);
}

static PaDeviceIndex
find_device (const char *spec)
{
  g_autofree char *needle = NULL;
  int n = Pa_GetDeviceCount ();

  if (spec == NULL || *spec == '\0' || g_ascii_strcasecmp (spec, "default") == 0)
    return Pa_GetDefaultOutputDevice ();

  /* A host API by name (or its first word: "JACK", "ALSA") means its default
   * output, so "JACK" is JACK itself, not ALSA's "jack" plugin device. */
  for (int a = 0; a < Pa_GetHostApiCount (); a++)
    {
      const PaHostApiInfo *api = Pa_GetHostApiInfo (a);

      if (api != NULL && api->defaultOutputDevice != paNoDevice
          && g_ascii_strncasecmp (api->name, spec, strlen (spec)) == 0
          && (api->name[strlen (spec)] == '\0' || api->name[strlen (spec)] == ' '))
        return api->defaultOutputDevice;
    }

  needle = g_utf8_casefold (spec, -1);
  for (int i = 0; i < n; i++)
    {
      const PaDeviceInfo *info = Pa_GetDeviceInfo (i);
      g_autofree char *label = NULL;
      g_autofree char *folded = NULL;

      if (info == NULL || info->maxOutputChannels < 2)
        continue;
      label = device_label (i);
      folded = g_utf8_casefold (label, -1);
      if (strstr (folded, needle) != NULL)
        return i;
    }
  return paNoDevice;
}

/* Starts PortAudio and opens and starts @self's stream on @device; on
 * failure PortAudio is terminated again. */
static gboolean
open_stream (TandemPaOutput  *self,
             const char      *device,
             guint            frames,
             GError         **error)
{
  PaStreamParameters params = { 0 };
  const PaDeviceInfo *info;
  PaDeviceIndex index;
  PaError err;

  err = Pa_Initialize ();
  if (err != paNoError)
    {
      g_set_error (error, TANDEM_AUDIO_ERROR, TANDEM_AUDIO_ERROR_NO_DEVICE,
                   "The audio system could not start: %s", Pa_GetErrorText (err));
      return FALSE;
    }

  index = find_device (device);
  if (index == paNoDevice || (info = Pa_GetDeviceInfo (index)) == NULL)
    {
      Pa_Terminate ();
      if (device != NULL && *device != '\0')
        g_set_error (error, TANDEM_AUDIO_ERROR, TANDEM_AUDIO_ERROR_NO_DEVICE,
                     "No audio output device matches “%s”", device);
      else
        g_set_error_literal (error, TANDEM_AUDIO_ERROR, TANDEM_AUDIO_ERROR_NO_DEVICE,
                             "No audio output device");
      return FALSE;
    }
  self->device_name = device_label (index);

  params.device = index;
  params.channelCount = 2;
  params.sampleFormat = paFloat32;
  params.suggestedLatency = MAX (info->defaultLowOutputLatency, (double) frames / self->rate);

  err = Pa_OpenStream (&self->stream, NULL, &params, self->rate,
                       frames > 0 ? frames : paFramesPerBufferUnspecified,
                       paClipOff | paDitherOff, stream_callback, self);
  if (err == paNoError)
    {
      err = Pa_StartStream (self->stream);
      if (err != paNoError)
        Pa_CloseStream (self->stream);
    }
  if (err != paNoError)
    {
      g_set_error (error, TANDEM_AUDIO_ERROR, TANDEM_AUDIO_ERROR_DEVICE,
                   "Could not open “%s” at %u Hz: %s",
                   self->device_name, self->rate, Pa_GetErrorText (err));
      Pa_Terminate ();
      return FALSE;
    }
  return TRUE;
}

TandemPaOutput *
tandem_pa_output_open (const char          *device,
                       guint                sample_rate,
                       guint                frames,
                       TandemPaRenderFunc   render,
                       gpointer             user_data,
                       GError             **error)
{
  TandemPaOutput *self;
  gboolean opened;

  g_return_val_if_fail (render != NULL, NULL);

  self = g_new0 (TandemPaOutput, 1);
  atomic_init (&self->render, render);
  self->user_data = user_data;
  self->rate = sample_rate;
  self->probe_enter = (ProbeFunc) dlsym (RTLD_DEFAULT, "tandem_rt_probe_enter");
  self->probe_leave = (ProbeFunc) dlsym (RTLD_DEFAULT, "tandem_rt_probe_leave");
  atomic_init (&self->xruns, 0);
  atomic_init (&self->callbacks, 0);
  atomic_init (&self->n_times, 0);

  quiet_probing_begin ();
  opened = open_stream (self, device, frames, error);
  quiet_probing_end ();
  if (!opened)
    {
      g_free (self->device_name);
      g_free (self);
      return NULL;
    }
  return self;
}

void
tandem_pa_output_close (TandemPaOutput *self)
{
  if (self == NULL)
    return;
  quiet_probing_begin ();
  if (Pa_IsStreamStopped (self->stream) == 0)
    Pa_StopStream (self->stream);
  Pa_CloseStream (self->stream);
  Pa_Terminate ();
  quiet_probing_end ();
  g_free (self->device_name);
  g_free (self);
}

TANDEM_REALTIME static void
render_silence (float    *out,
                guint     n_frames,
                gpointer  user_data)
{
  memset (out, 0, (gsize) n_frames * 2 * sizeof (float));
}

void
tandem_pa_output_abandon (TandemPaOutput *self)
{
  if (self == NULL)
    return;
  /* Stopping a stream whose server died blocks in PortAudio 19.6 (JACK
   * waits up to ten minutes for a process callback that never comes), and
   * so would Pa_Terminate(). Leave the stream and its Pa_Initialize()
   * reference alone for good; should a callback ever run again, it renders
   * silence and no longer touches the owner. */
  atomic_store_explicit (&self->render, render_silence, memory_order_release);
}

gboolean
tandem_pa_output_is_active (TandemPaOutput *self)
{
  return Pa_IsStreamActive (self->stream) == 1;
}

const char *
tandem_pa_output_get_device_name (TandemPaOutput *self)
{
  return self->device_name;
}

guint
tandem_pa_output_get_rate (TandemPaOutput *self)
{
  return self->rate;
}

gint64
tandem_pa_output_get_latency (TandemPaOutput *self)
{
  const PaStreamInfo *info = self->stream != NULL ? Pa_GetStreamInfo (self->stream) : NULL;

  return info != NULL ? (gint64) (info->outputLatency * 1.0e6) : 0;
}

guint64
tandem_pa_output_get_xruns (TandemPaOutput *self)
{
  return atomic_load (&self->xruns);
}

guint64
tandem_pa_output_get_callbacks (TandemPaOutput *self)
{
  return atomic_load (&self->callbacks);
}

void
tandem_pa_output_record_times (TandemPaOutput *self,
                               double         *times,
                               guint64        *frames,
                               gsize           capacity)
{
  /* Set before the callback reads them: the stream sees either NULL or all. */
  self->times_capacity = capacity;
  self->time_frames = frames;
  atomic_store (&self->n_times, 0);
  atomic_thread_fence (memory_order_release);
  self->times = times;
}

gsize
tandem_pa_output_get_n_times (TandemPaOutput *self)
{
  return atomic_load_explicit (&self->n_times, memory_order_acquire);
}

char **
tandem_pa_list_output_devices (void)
{
  GPtrArray *names = g_ptr_array_new ();

  quiet_probing_begin ();
  if (Pa_Initialize () == paNoError)
    {
      for (int i = 0; i < Pa_GetDeviceCount (); i++)
        {
          const PaDeviceInfo *info = Pa_GetDeviceInfo (i);

          if (info != NULL && info->maxOutputChannels >= 2)
            g_ptr_array_add (names, device_label (i));
        }
      Pa_Terminate ();
    }
  quiet_probing_end ();
  g_ptr_array_add (names, NULL);
  return (char **) g_ptr_array_free (names, FALSE);
}
