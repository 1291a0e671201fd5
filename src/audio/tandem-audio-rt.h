/* tandem-audio-rt.h — markers and helpers for code that runs on the audio thread
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

#if defined(__SSE__) || defined(__x86_64__)
# include <xmmintrin.h>
#endif

G_BEGIN_DECLS

/* Marks a function that runs on the audio thread. It must not allocate, free,
 * lock, log, touch GObject or do I/O, and may only call other TANDEM_REALTIME
 * functions or plain arithmetic. The marker expands to nothing; it is for the
 * reader and for grep. */
#define TANDEM_REALTIME

/* Flushes denormals to zero (FTZ and DAZ) for the calling thread. Filters and
 * exponential decays otherwise crawl through subnormal numbers and cost 100×
 * the CPU at the tail of every voice. Voices also end below -70 dB. */
TANDEM_REALTIME static inline void
tandem_rt_flush_denormals (void)
{
#if defined(__SSE__) || defined(__x86_64__)
  _mm_setcsr (_mm_getcsr () | 0x8040);
#endif
}

G_END_DECLS
