/* tandem-pa-output.h — a PortAudio output stream that calls a render function
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

#include "tandem-audio-rt.h"

G_BEGIN_DECLS

/* Fills @out with @n_frames of interleaved stereo float. Runs on the audio thread. */
typedef void (*TandemPaRenderFunc) (float    *out,
                                    guint     n_frames,
                                    gpointer  user_data);

typedef struct _TandemPaOutput TandemPaOutput;

/* Opens and starts a stereo float stream. @device is NULL or "" for the
 * default output; a host API's name or first word ("JACK", "ALSA") for that
 * API's default output; else matched case-insensitively as a substring of
 * "HOST API: DEVICE NAME", e.g. "ALSA: default". @frames is the buffer size
 * asked for; the callback copes with whatever arrives. */
TandemPaOutput *tandem_pa_output_open          (const char         *device,
                                                guint               sample_rate,
                                                guint               frames,
                                                TandemPaRenderFunc  render,
                                                gpointer            user_data,
                                                GError            **error);
/* Stops (letting queued buffers play out) and closes the stream. */
void            tandem_pa_output_close         (TandemPaOutput     *self);
/* For a stream that died (device lost, server gone): never calls into
 * PortAudio for it again, since stopping it can block for minutes; the few
 * bytes it holds are left behind. Afterwards @self must not be used. */
void            tandem_pa_output_abandon       (TandemPaOutput     *self);
/* FALSE once the stream stopped by itself (device lost, server gone). */
gboolean        tandem_pa_output_is_active     (TandemPaOutput     *self);
const char     *tandem_pa_output_get_device_name (TandemPaOutput   *self);
guint           tandem_pa_output_get_rate      (TandemPaOutput     *self);
/* The stream's output latency (Pa_GetStreamInfo outputLatency) in µs. */
gint64          tandem_pa_output_get_latency   (TandemPaOutput     *self);
/* Callbacks PortAudio flagged with an output underflow or overflow. */
guint64         tandem_pa_output_get_xruns     (TandemPaOutput     *self);
guint64         tandem_pa_output_get_callbacks (TandemPaOutput     *self);
/* Records how long each callback took (µs) into @times (up to @capacity
 * entries, preallocated by the caller); for benchmarks. */
void            tandem_pa_output_record_times  (TandemPaOutput     *self,
                                                double             *times,
                                                guint64            *frames,
                                                gsize               capacity);
gsize           tandem_pa_output_get_n_times   (TandemPaOutput     *self);

/* "HOST API: DEVICE" for every output device (for a settings list). */
char          **tandem_pa_list_output_devices  (void);

G_END_DECLS
