/* tandem-drum-kit.c — the synthesized drums, rendered once per sample rate
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-audio"

#include "config.h"

#include <math.h>

#include "tandem-drum-kit.h"
#include "tandem-memlock.h"
#include "tandem-voice.h"

/* Fixed so every render of a project is the same, whatever the rate. */
#define KIT_SEED 0x2545f491u

static GMutex kits_lock;
static GHashTable *kits;   /* rate → TandemDrumKit */

static TandemDrumShot
render_shot (TandemVoiceKind kind,
             guint           sample_rate,
             float           velocity,
             guint32         seed)
{
  GArray *frames = g_array_new (FALSE, TRUE, sizeof (float));
  TandemDrumShot shot;
  TandemVoice voice;
  gboolean more = TRUE;
  float *peaks;
  gsize n_peaks;

  tandem_voice_start_drum (&voice, kind, (float) sample_rate, 1.0f, velocity, seed);
  while (more)
    {
      guint at = frames->len;

      g_array_set_size (frames, at + 256);
      more = _tandem_voice_render_drum (&voice, &g_array_index (frames, float, at), 256);
    }
  n_peaks = frames->len / TANDEM_SAMPLE_PEAK_BLOCK + 1;
  peaks = g_new0 (float, n_peaks);
  for (guint i = 0; i < frames->len; i++)
    peaks[i / TANDEM_SAMPLE_PEAK_BLOCK] = MAX (peaks[i / TANDEM_SAMPLE_PEAK_BLOCK],
                                                fabsf (g_array_index (frames, float, i)));
  /* Never freed, so never unlocked: locking part of a shared page is harmless. */
  tandem_memlock_lock (frames->data, frames->len * sizeof (float));
  tandem_memlock_lock (peaks, n_peaks * sizeof (float));
  shot.n_frames = frames->len;
  shot.frames = (const float *) g_array_free (frames, FALSE);
  shot.peaks = peaks;
  return shot;
}

static void
build_drum (TandemDrumKit  *kit,
            TandemVoiceKind kind,
            guint           sample_rate)
{
  for (guint layer = 0; layer < TANDEM_DRUM_LAYERS; layer++)
    for (guint variant = 0; variant < TANDEM_DRUM_VARIANTS; variant++)
      kit->shots[kind][layer][variant] =
        render_shot (kind, sample_rate, (float) (layer + 1) / TANDEM_DRUM_LAYERS,
                     KIT_SEED + kind * 64 + layer * 8 + variant);
  kit->built[kind] = TRUE;
}

const TandemDrumKit *
tandem_drum_kit_get (guint           sample_rate,
                     TandemVoiceKind kind)
{
  TandemDrumKit *kit;

  g_mutex_lock (&kits_lock);
  if (kits == NULL)
    kits = g_hash_table_new (NULL, NULL);
  kit = g_hash_table_lookup (kits, GUINT_TO_POINTER (sample_rate));
  if (kit == NULL)
    {
      kit = g_new0 (TandemDrumKit, 1);
      g_hash_table_insert (kits, GUINT_TO_POINTER (sample_rate), kit);
    }
  if (kind >= TANDEM_VOICE_KICK && kind <= TANDEM_VOICE_RIM && !kit->built[kind])
    build_drum (kit, kind, sample_rate);
  g_mutex_unlock (&kits_lock);
  return kit;
}
