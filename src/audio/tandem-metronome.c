/* tandem-metronome.c — the click a musician plays along to
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-audio"

#include "config.h"

#include <math.h>

#include "tandem-metronome.h"

static guint
click_frames (guint sample_rate)
{
  return MAX ((guint) (sample_rate * TANDEM_METRONOME_SECONDS + 0.5), 8);
}

gsize
tandem_metronome_storage (guint sample_rate)
{
  return 2 * (gsize) click_frames (sample_rate);
}

/* A sine under a half-sine envelope: it starts and ends at zero with no
 * step, so it clicks at the beat and does not crackle. */
static void
fill_click (float  *click,
            guint   len,
            guint   sample_rate,
            double  hz,
            float   level)
{
  for (guint i = 0; i < len; i++)
    click[i] = level * (float) (sin (G_PI * (i + 0.5) / len)
                                * sin (2.0 * G_PI * hz * (i + 0.5) / sample_rate));
}

void
tandem_metronome_init (TandemMetronome *self,
                       guint            sample_rate,
                       float           *storage)
{
  guint len = click_frames (sample_rate);

  fill_click (storage, len, sample_rate, TANDEM_METRONOME_HZ, TANDEM_METRONOME_LEVEL);
  fill_click (storage + len, len, sample_rate, TANDEM_METRONOME_ACCENT_HZ,
              TANDEM_METRONOME_ACCENT);
  self->len = len;
  self->normal = storage;
  self->accent = storage + len;
  self->sounding = NULL;
  self->pos = 0;
}

TANDEM_REALTIME void
tandem_metronome_start (TandemMetronome *self,
                        gboolean         accent)
{
  self->sounding = accent ? self->accent : self->normal;
  self->pos = 0;
}

TANDEM_REALTIME void
tandem_metronome_render (TandemMetronome *self,
                         float           *out,
                         guint            n)
{
  guint m;

  if (self->sounding == NULL)
    return;
  m = MIN (n, self->len - self->pos);
  for (guint i = 0; i < m; i++)
    {
      float s = self->sounding[self->pos + i];

      out[2 * i] += s;
      out[2 * i + 1] += s;
    }
  self->pos += m;
  if (self->pos >= self->len)
    self->sounding = NULL;
}
