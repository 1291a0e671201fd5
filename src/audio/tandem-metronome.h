/* tandem-metronome.h — the click a musician plays along to
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "tandem-audio-rt.h"

G_BEGIN_DECLS

/* When the click sounds. A personal setting, never part of the project. */
typedef enum
{
  TANDEM_METRONOME_OFF,
  TANDEM_METRONOME_COUNT_IN,   /* the beats before play starts */
  TANDEM_METRONOME_ALWAYS,     /* the count-in, then every beat while playing */
} TandemMetronomeMode;

/* Seconds of one click: a few cycles of a sine under a half-sine envelope,
 * short enough to mark the beat's frame and long enough to have a pitch. */
#define TANDEM_METRONOME_SECONDS 0.002
/* Pitches and peak levels: the first beat of a bar is higher and louder. */
#define TANDEM_METRONOME_HZ         1000.0
#define TANDEM_METRONOME_ACCENT_HZ  1500.0
#define TANDEM_METRONOME_LEVEL      0.25f
#define TANDEM_METRONOME_ACCENT     0.5f

/* A click voice over two precomputed clicks in storage the caller owns, so
 * that starting and rendering one costs no allocation. */
typedef struct
{
  guint        len;        /* frames of one click */
  const float *normal;
  const float *accent;
  const float *sounding;   /* NULL: silent */
  guint        pos;        /* frames of the sounding click already played */
} TandemMetronome;

/* Floats of storage tandem_metronome_init() needs at @sample_rate. */
gsize tandem_metronome_storage (guint            sample_rate);
void  tandem_metronome_init    (TandemMetronome *self,
                                guint            sample_rate,
                                float           *storage);
/* Starts a click with the next frame rendered (cutting off one that sounds). */
TANDEM_REALTIME
void  tandem_metronome_start   (TandemMetronome *self,
                                gboolean         accent);
/* Adds @n frames of the sounding click (if any) to interleaved stereo @out. */
TANDEM_REALTIME
void  tandem_metronome_render  (TandemMetronome *self,
                                float           *out,
                                guint            n);

G_END_DECLS
