/* tandem-rhythm.c — Schillinger resultants, Euclidean rhythms and their variations
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-model"

#include "config.h"

#include <string.h>

#include "tandem-model-types.h"
#include "tandem-rhythm.h"

static gboolean
check_generator (guint        g,
                 const char  *name,
                 GError     **error)
{
  if (g < 1 || g > TANDEM_RHYTHM_MAX_GENERATOR)
    {
      g_set_error (error, TANDEM_MODEL_ERROR, TANDEM_MODEL_ERROR_OUT_OF_RANGE,
                   "Generator %s %u is out of range (1 … %u)", name, g,
                   TANDEM_RHYTHM_MAX_GENERATOR);
      return FALSE;
    }
  return TRUE;
}

static void
strike_every (TandemRhythm *r,
              guint         every,
              guint         from,
              guint         to)
{
  for (guint i = from; i < to && i < r->period; i += every)
    r->onset[i] = 1;
}

gboolean
tandem_rhythm_resultant (TandemRhythm  *out,
                         guint          a,
                         guint          b,
                         guint          c,
                         GError       **error)
{
  guint period;

  g_return_val_if_fail (out != NULL, FALSE);

  if (!check_generator (a, "a", error) || !check_generator (b, "b", error)
      || (c != 0 && !check_generator (c, "c", error)))
    return FALSE;

  period = a * b * (c != 0 ? c : 1);
  memset (out, 0, sizeof *out);
  out->period = period;
  strike_every (out, period / a, 0, period);
  strike_every (out, period / b, 0, period);
  if (c != 0)
    strike_every (out, period / c, 0, period);
  return TRUE;
}

gboolean
tandem_rhythm_fractioning (TandemRhythm  *out,
                           guint          a,
                           guint          b,
                           GError       **error)
{
  guint period;

  g_return_val_if_fail (out != NULL, FALSE);

  if (!check_generator (a, "a", error) || !check_generator (b, "b", error))
    return FALSE;
  if (b >= a)
    {
      g_set_error (error, TANDEM_MODEL_ERROR, TANDEM_MODEL_ERROR_OUT_OF_RANGE,
                   "Fractioning needs a major generator larger than the minor one (%u ÷ %u)",
                   a, b);
      return FALSE;
    }

  period = a * a;
  memset (out, 0, sizeof *out);
  out->period = period;
  strike_every (out, a, 0, period);
  /* The minor generator runs a·b units from each end, so the group is a palindrome. */
  for (guint i = 0; i <= a * b; i += b)
    {
      out->onset[i % period] = 1;
      if (i > 0)
        out->onset[period - i] = 1;
    }
  return TRUE;
}

gboolean
tandem_rhythm_euclid (TandemRhythm  *out,
                      guint          k,
                      guint          n,
                      guint          rotation,
                      GError       **error)
{
  /* Bjorklund: sequences of groups, each group a run of bits; the remainder
   * groups are appended to the front groups until at most one is left. */
  g_autofree guint8 *bits = NULL;
  g_autoptr(GPtrArray) front = NULL;
  g_autoptr(GPtrArray) rest = NULL;
  guint pos = 0;

  g_return_val_if_fail (out != NULL, FALSE);

  if (n < 1 || n > TANDEM_MAX_STEPS || k > n)
    {
      g_set_error (error, TANDEM_MODEL_ERROR, TANDEM_MODEL_ERROR_OUT_OF_RANGE,
                   "E(%u,%u) needs 1 … %u steps and at most as many notes as steps", k, n,
                   TANDEM_MAX_STEPS);
      return FALSE;
    }

  front = g_ptr_array_new_with_free_func ((GDestroyNotify) g_byte_array_unref);
  rest = g_ptr_array_new_with_free_func ((GDestroyNotify) g_byte_array_unref);
  for (guint i = 0; i < n; i++)
    {
      GByteArray *g = g_byte_array_new ();
      guint8 bit = i < k ? 1 : 0;

      g_byte_array_append (g, &bit, 1);
      g_ptr_array_add (i < k ? front : rest, g);
    }
  if (k == 0)
    {
      /* No attacks: all rests. */
      g_ptr_array_extend_and_steal (front, g_steal_pointer (&rest));
      rest = g_ptr_array_new_with_free_func ((GDestroyNotify) g_byte_array_unref);
    }
  while (rest->len > 1)
    {
      guint m = MIN (front->len, rest->len);
      g_autoptr(GPtrArray) next_rest = g_ptr_array_new_with_free_func (
        (GDestroyNotify) g_byte_array_unref);

      for (guint i = 0; i < m; i++)
        {
          GByteArray *r = rest->pdata[i];

          g_byte_array_append (front->pdata[i], r->data, r->len);
        }
      if (front->len > m)
        while (front->len > m)
          g_ptr_array_add (next_rest, g_ptr_array_steal_index (front, m));
      else
        for (guint i = m; i < rest->len; i++)
          g_ptr_array_add (next_rest, g_byte_array_ref (rest->pdata[i]));
      g_clear_pointer (&rest, g_ptr_array_unref);
      rest = g_steal_pointer (&next_rest);
    }

  bits = g_new0 (guint8, n);
  for (guint i = 0; i < front->len; i++)
    {
      GByteArray *g = front->pdata[i];

      memcpy (bits + pos, g->data, g->len);
      pos += g->len;
    }
  for (guint i = 0; i < rest->len; i++)
    {
      GByteArray *g = rest->pdata[i];

      memcpy (bits + pos, g->data, g->len);
      pos += g->len;
    }
  g_assert (pos == n);

  memset (out, 0, sizeof *out);
  out->period = n;
  for (guint i = 0; i < n; i++)
    out->onset[i] = bits[(i + rotation) % n];
  return TRUE;
}

guint
tandem_rhythm_get_durations (const TandemRhythm *r,
                             guint              *durations)
{
  guint first = G_MAXUINT, n = 0, prev;

  g_return_val_if_fail (r != NULL && durations != NULL, 0);

  for (guint i = 0; i < r->period; i++)
    if (r->onset[i])
      {
        first = i;
        break;
      }
  if (first == G_MAXUINT)
    return 0;

  prev = first;
  for (guint j = 1; j <= r->period; j++)
    {
      guint i = (first + j) % r->period;

      if (j == r->period || r->onset[i])
        {
          durations[n++] = first + j - prev;
          prev = first + j;
        }
    }
  return n;
}

gboolean
tandem_rhythm_set_durations (TandemRhythm  *out,
                             const guint   *durations,
                             guint          n,
                             GError       **error)
{
  guint sum = 0, pos = 0;

  g_return_val_if_fail (out != NULL, FALSE);

  for (guint i = 0; i < n; i++)
    {
      if (durations[i] == 0 || durations[i] > TANDEM_RHYTHM_MAX_UNITS
          || sum + durations[i] > TANDEM_RHYTHM_MAX_UNITS)
        {
          g_set_error (error, TANDEM_MODEL_ERROR, TANDEM_MODEL_ERROR_OUT_OF_RANGE,
                       "A rhythm needs durations of at least 1 unit, %u units in all at most",
                       TANDEM_RHYTHM_MAX_UNITS);
          return FALSE;
        }
      sum += durations[i];
    }
  if (sum == 0)
    {
      g_set_error (error, TANDEM_MODEL_ERROR, TANDEM_MODEL_ERROR_OUT_OF_RANGE,
                   "A rhythm needs at least one duration");
      return FALSE;
    }

  memset (out, 0, sizeof *out);
  out->period = sum;
  for (guint i = 0; i < n; i++)
    {
      out->onset[pos] = 1;
      pos += durations[i];
    }
  return TRUE;
}

guint
tandem_rhythm_count_onsets (const TandemRhythm *r)
{
  guint n = 0;

  for (guint i = 0; i < r->period; i++)
    n += r->onset[i] ? 1 : 0;
  return n;
}

/* Replaces @r by @durations, keeping the period (the durations sum to it). */
static void
reset_from (TandemRhythm *r,
            const guint  *durations,
            guint         n)
{
  g_autoptr(GError) error = NULL;
  G_GNUC_UNUSED guint period = r->period;

  if (!tandem_rhythm_set_durations (r, durations, n, &error))
    g_assert_not_reached ();
  g_assert (r->period == period);
}

void
tandem_rhythm_invert (TandemRhythm *r)
{
  g_autofree guint *d = g_new (guint, TANDEM_RHYTHM_MAX_UNITS);
  guint n;

  g_return_if_fail (r != NULL);

  n = tandem_rhythm_get_durations (r, d);
  for (guint i = 0; i < n / 2; i++)
    {
      guint t = d[i];

      d[i] = d[n - 1 - i];
      d[n - 1 - i] = t;
    }
  if (n > 0)
    reset_from (r, d, n);
}

void
tandem_rhythm_rotate_group (TandemRhythm *r,
                            guint         k)
{
  g_autofree guint *d = g_new (guint, TANDEM_RHYTHM_MAX_UNITS);
  g_autofree guint *e = g_new (guint, TANDEM_RHYTHM_MAX_UNITS);
  guint n;

  g_return_if_fail (r != NULL);

  n = tandem_rhythm_get_durations (r, d);
  if (n == 0)
    return;
  for (guint i = 0; i < n; i++)
    e[i] = d[(i + k) % n];
  reset_from (r, e, n);
}

void
tandem_rhythm_permute (TandemRhythm *r,
                       guint64       index)
{
  g_autofree guint *d = g_new (guint, TANDEM_RHYTHM_MAX_UNITS);
  g_autofree guint *e = g_new (guint, TANDEM_RHYTHM_MAX_UNITS);
  guint64 fact = 1;
  guint n, left;

  g_return_if_fail (r != NULL);

  n = tandem_rhythm_get_durations (r, d);
  if (n < 2)
    return;
  /* n! overflows 64 bits past 20: permute only the first 20 durations then. */
  left = MIN (n, 20);
  for (guint i = 2; i <= left; i++)
    fact *= i;
  index %= fact;
  for (guint i = 0; i < left; i++)
    {
      guint64 block;
      guint pick;

      fact /= (left - i);
      block = fact;
      pick = (guint) (index / block);
      index %= block;
      e[i] = d[pick];
      memmove (d + pick, d + pick + 1, (left - i - pick - 1) * sizeof *d);
    }
  /* The memmoves stayed inside the first @left entries: the rest keep their places. */
  for (guint i = left; i < n; i++)
    e[i] = d[i];
  reset_from (r, e, n);
}

void
tandem_rhythm_rotate (TandemRhythm *r,
                      guint         steps)
{
  g_autofree guint8 *copy = NULL;

  g_return_if_fail (r != NULL);
  if (r->period == 0)
    return;
  copy = g_memdup2 (r->onset, r->period);
  for (guint i = 0; i < r->period; i++)
    r->onset[i] = copy[(i + steps) % r->period];
}

void
tandem_rhythm_change_density (TandemRhythm *r,
                              int           delta)
{
  g_return_if_fail (r != NULL);

  for (; delta > 0; delta--)
    {
      /* Split the first of the longest durations (≥ 2 units) at its middle. */
      guint best = 0, best_len = 1, start = G_MAXUINT;

      for (guint i = 0; i < r->period; i++)
        if (r->onset[i])
          {
            guint len = 1;

            while (len < r->period && !r->onset[(i + len) % r->period])
              len++;
            if (len > best_len)
              {
                best = i;
                best_len = len;
              }
            if (start == G_MAXUINT)
              start = i;
          }
      if (start == G_MAXUINT)
        {
          r->onset[0] = 1;
          continue;
        }
      if (best_len < 2)
        return;
      r->onset[(best + best_len / 2) % r->period] = 1;
    }
  for (; delta < 0; delta++)
    {
      /* Drop the attack that ends the shortest duration, joining it to the next. */
      guint best = G_MAXUINT, best_len = G_MAXUINT, first = G_MAXUINT;

      if (tandem_rhythm_count_onsets (r) < 2)
        return;
      for (guint i = 0; i < r->period; i++)
        if (r->onset[i])
          {
            guint len = 1;

            if (first == G_MAXUINT)
              first = i;
            while (!r->onset[(i + len) % r->period])
              len++;
            /* Never drop the first attack: the group keeps its downbeat. */
            if (len < best_len && (i + len) % r->period != first)
              {
                best = (i + len) % r->period;
                best_len = len;
              }
          }
      if (best == G_MAXUINT)
        return;
      r->onset[best] = 0;
    }
}

void
tandem_rhythm_variation (const TandemRhythm *base,
                         guint               index,
                         TandemRhythm       *out)
{
  g_autofree guint *d = g_new (guint, TANDEM_RHYTHM_MAX_UNITS);
  static const int density[] = { 0, 1, 0, -1 };
  guint n;

  g_return_if_fail (base != NULL && out != NULL);

  *out = *base;
  n = tandem_rhythm_get_durations (base, d);
  if (n == 0)
    return;
  tandem_rhythm_rotate_group (out, index % n);
  tandem_rhythm_change_density (out, density[(index / n) % G_N_ELEMENTS (density)]);
}

char *
tandem_rhythm_to_durations_string (const TandemRhythm *r)
{
  g_autofree guint *d = g_new (guint, TANDEM_RHYTHM_MAX_UNITS);
  GString *s = g_string_new (NULL);
  guint n = tandem_rhythm_get_durations (r, d);

  for (guint i = 0; i < n; i++)
    g_string_append_printf (s, "%s%u", i > 0 ? " " : "", d[i]);
  return g_string_free (s, FALSE);
}

char *
tandem_rhythm_to_grid_string (const TandemRhythm *r)
{
  char *s = g_new (char, r->period + 1);

  for (guint i = 0; i < r->period; i++)
    s[i] = r->onset[i] ? 'x' : '.';
  s[r->period] = '\0';
  return s;
}
