/* tandem-meter.c — peak meters published lock-free from the audio thread
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-audio"

#include "config.h"

#include <math.h>
#include <stdatomic.h>
#include <string.h>

#include "tandem-meter.h"

/* Floats travel as their bit patterns in 32-bit atomics: one relaxed store per
 * meter, no tearing, and only the audio thread writes. */
struct _TandemMeterBank
{
  atomic_uint track[TANDEM_METER_MAX_TRACKS];
  atomic_uint master[2];
};

TANDEM_REALTIME static inline guint32
float_bits (float f)
{
  union { float f; guint32 u; } v = { .f = f };
  return v.u;
}

static inline float
bits_float (guint32 u)
{
  union { guint32 u; float f; } v = { .u = u };
  return v.f;
}

TANDEM_REALTIME void
tandem_meter_levels_update (float *level,
                            float  block_peak,
                            float  falloff)
{
  float decayed = *level * falloff;

  *level = block_peak > decayed ? block_peak : (decayed < 1e-6f ? 0.0f : decayed);
}

float
tandem_meter_falloff (guint n_frames,
                      float sample_rate)
{
  /* 26 dB per second: e^(-3 t). */
  return expf (-3.0f * (float) n_frames / sample_rate);
}

TandemMeterBank *
tandem_meter_bank_new (void)
{
  TandemMeterBank *bank = g_new (TandemMeterBank, 1);

  for (guint i = 0; i < TANDEM_METER_MAX_TRACKS; i++)
    atomic_init (&bank->track[i], 0);
  atomic_init (&bank->master[0], 0);
  atomic_init (&bank->master[1], 0);
  return bank;
}

void
tandem_meter_bank_free (TandemMeterBank *bank)
{
  g_free (bank);
}

TANDEM_REALTIME void
tandem_meter_bank_publish (TandemMeterBank         *bank,
                           const TandemMeterLevels *levels)
{
  for (guint i = 0; i < TANDEM_METER_MAX_TRACKS; i++)
    atomic_store_explicit (&bank->track[i],
                           i < levels->n_tracks ? float_bits (levels->track[i]) : 0,
                           memory_order_relaxed);
  atomic_store_explicit (&bank->master[0], float_bits (levels->master[0]), memory_order_relaxed);
  atomic_store_explicit (&bank->master[1], float_bits (levels->master[1]), memory_order_relaxed);
}

float
tandem_meter_bank_get_track (TandemMeterBank *bank,
                             guint            index)
{
  if (index >= TANDEM_METER_MAX_TRACKS)
    return 0.0f;
  return bits_float (atomic_load_explicit (&bank->track[index], memory_order_relaxed));
}

void
tandem_meter_bank_get_master (TandemMeterBank *bank,
                              float           *left,
                              float           *right)
{
  *left = bits_float (atomic_load_explicit (&bank->master[0], memory_order_relaxed));
  *right = bits_float (atomic_load_explicit (&bank->master[1], memory_order_relaxed));
}

void
tandem_meter_bank_clear (TandemMeterBank *bank)
{
  for (guint i = 0; i < TANDEM_METER_MAX_TRACKS; i++)
    atomic_store_explicit (&bank->track[i], 0, memory_order_relaxed);
  atomic_store_explicit (&bank->master[0], 0, memory_order_relaxed);
  atomic_store_explicit (&bank->master[1], 0, memory_order_relaxed);
}
