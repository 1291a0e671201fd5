/* tandem-mixer.c — track faders and pan, master gain
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-audio"

#include "config.h"

#include <math.h>

#if defined(__SSE__) || defined(__x86_64__)
# include <emmintrin.h>
#endif

#include "tandem-dsp.h"
#include "tandem-mixer.h"

TANDEM_REALTIME TANDEM_DSP_CLONES float
tandem_mixer_add_track (const float *bus,
                        guint        n,
                        float        gain,
                        float        pan_left,
                        float        pan_right,
                        float       *left,
                        float       *right,
                        gboolean     meter)
{
  const float gl = gain * pan_left;
  const float gr = gain * pan_right;
  float peak = 0.0f;
  guint i = 0;

  if (gain == 0.0f)
    return 0.0f;

  if (!meter)
    {
      for (i = 0; i < n; i++)
        left[i] += bus[i] * gl;
      for (i = 0; i < n; i++)
        right[i] += bus[i] * gr;
      return 0.0f;
    }

#if defined(__SSE__) || defined(__x86_64__)
  {
    /* One pass: the meter's max |x| (a float max reduction does not
     * vectorize by itself), and both pan sends. */
    const __m128 mask = _mm_castsi128_ps (_mm_set1_epi32 (0x7fffffff));
    const __m128 vl = _mm_set1_ps (gl), vr = _mm_set1_ps (gr);
    __m128 acc = _mm_setzero_ps ();
    float lanes[4];

    for (; i + 4 <= n; i += 4)
      {
        __m128 x = _mm_loadu_ps (bus + i);

        acc = _mm_max_ps (acc, _mm_and_ps (x, mask));
        _mm_storeu_ps (left + i, _mm_add_ps (_mm_loadu_ps (left + i), _mm_mul_ps (x, vl)));
        _mm_storeu_ps (right + i, _mm_add_ps (_mm_loadu_ps (right + i), _mm_mul_ps (x, vr)));
      }
    _mm_storeu_ps (lanes, acc);
    peak = MAX (MAX (lanes[0], lanes[1]), MAX (lanes[2], lanes[3]));
  }
#endif
  for (; i < n; i++)
    {
      peak = MAX (peak, fabsf (bus[i]));
      left[i] += bus[i] * gl;
      right[i] += bus[i] * gr;
    }
  return peak * gain;
}

TANDEM_REALTIME TANDEM_DSP_CLONES void
tandem_mixer_master (const float *restrict left,
                     const float *restrict right,
                     guint        n,
                     float        master_gain,
                     float       *restrict out,
                     float       *peak_left,
                     float       *peak_right)
{
  float pl = 0.0f, pr = 0.0f;
  guint i = 0;

#if defined(__SSE__) || defined(__x86_64__)
  {
    /* Vector max |x| (a float max reduction does not vectorize by itself). */
    const __m128 mask = _mm_castsi128_ps (_mm_set1_epi32 (0x7fffffff));
    __m128 al = _mm_setzero_ps (), ar = _mm_setzero_ps ();
    float lanes[4];

    for (; i + 4 <= n; i += 4)
      {
        al = _mm_max_ps (al, _mm_and_ps (_mm_loadu_ps (left + i), mask));
        ar = _mm_max_ps (ar, _mm_and_ps (_mm_loadu_ps (right + i), mask));
      }
    _mm_storeu_ps (lanes, al);
    pl = MAX (MAX (lanes[0], lanes[1]), MAX (lanes[2], lanes[3]));
    _mm_storeu_ps (lanes, ar);
    pr = MAX (MAX (lanes[0], lanes[1]), MAX (lanes[2], lanes[3]));
  }
#endif
  for (; i < n; i++)
    {
      pl = MAX (pl, fabsf (left[i]));
      pr = MAX (pr, fabsf (right[i]));
    }
  pl *= master_gain;
  pr *= master_gain;

  /* The limiter after the master keeps the peaks in range. */
  i = 0;
#if defined(__SSE__) || defined(__x86_64__)
  {
    const __m128 g = _mm_set1_ps (master_gain);

    for (; i + 4 <= n; i += 4)
      {
        __m128 l = _mm_mul_ps (_mm_loadu_ps (left + i), g);
        __m128 r = _mm_mul_ps (_mm_loadu_ps (right + i), g);

        _mm_storeu_ps (out + 2 * i, _mm_unpacklo_ps (l, r));
        _mm_storeu_ps (out + 2 * i + 4, _mm_unpackhi_ps (l, r));
      }
  }
#endif
  for (; i < n; i++)
    {
      out[2 * i] = left[i] * master_gain;
      out[2 * i + 1] = right[i] * master_gain;
    }
  pl = MIN (pl, 1.0f);
  pr = MIN (pr, 1.0f);
  *peak_left = pl;
  *peak_right = pr;
}
