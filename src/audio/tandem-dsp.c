/* tandem-dsp.c — gain, pan law and filter set-up (main or audio thread, no state)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-audio"

#include "config.h"

#include "tandem-dsp.h"
#include "tandem-model.h"

double
tandem_db_to_gain (double db)
{
  if (db <= TANDEM_VOLUME_MIN_DB)
    return 0.0;
  if (db == 0.0)
    return 1.0;
  return pow (10.0, db / 20.0);
}

void
tandem_pan_gains (double pan,
                  float *left,
                  float *right)
{
  double angle = (CLAMP (pan, -1.0, 1.0) + 1.0) * G_PI / 4.0;

  /* Exact at the ends so a hard-panned source passes bit for bit. */
  if (pan <= -1.0)
    {
      *left = 1.0f;
      *right = 0.0f;
      return;
    }
  if (pan >= 1.0)
    {
      *left = 0.0f;
      *right = 1.0f;
      return;
    }
  *left = (float) cos (angle);
  *right = (float) sin (angle);
}

void
tandem_svf_set (TandemSvf *svf,
                double     cutoff,
                double     q,
                double     sample_rate)
{
  double g;

  cutoff = CLAMP (cutoff, 10.0, sample_rate * 0.49);
  g = tan (G_PI * cutoff / sample_rate);
  svf->k = (float) (1.0 / q);
  svf->a1 = (float) (1.0 / (1.0 + g * (g + svf->k)));
  svf->a2 = (float) g * svf->a1;
  svf->a3 = (float) g * svf->a2;
}

void
tandem_balance_gains (double pan,
                      float *left,
                      float *right)
{
  double p = CLAMP (pan, -1.0, 1.0);

  *left = p <= 0.0 ? 1.0f : (p >= 1.0 ? 0.0f : (float) cos (p * G_PI / 2.0));
  *right = p >= 0.0 ? 1.0f : (p <= -1.0 ? 0.0f : (float) cos (-p * G_PI / 2.0));
}
