/* tandem-plan-harmony.c — chord tones, chords and arpeggios as plan notes
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-audio"

#include "config.h"

#include "tandem-plan-harmony.h"

static int
floor_div (int a,
           int b)
{
  return a >= 0 ? a / b : -((-a + b - 1) / b);
}

/* Tone @index of the chord, counting on through the octaves (-1 is the top
 * tone an octave down). */
static int
tone (const guint *tones,
      guint        n,
      int          index)
{
  int octave = floor_div (index, (int) n);

  return (int) tones[index - octave * (int) n] + 12 * octave;
}

static guint
arp_index (TandemArp arp,
           guint     j,
           guint     n,
           guint64   hash)
{
  guint period;

  switch (arp)
    {
    case TANDEM_ARP_DOWN:
      return n - 1 - j % n;
    case TANDEM_ARP_UP_DOWN:
      /* 0 1 2 1 0 1 2 …: the turning tones are not repeated. */
      if (n < 2)
        return 0;
      period = 2 * n - 2;
      return j % period < n ? j % period : period - j % period;
    case TANDEM_ARP_RANDOM:
      return (guint) (hash % n);
    case TANDEM_ARP_UP:
    case TANDEM_ARP_OFF:
    default:
      return j % n;
    }
}

/* splitmix64's finaliser, for the random arpeggio. */
static guint64
mix (guint64 x)
{
  x += G_GUINT64_CONSTANT (0x9e3779b97f4a7c15);
  x = (x ^ (x >> 30)) * G_GUINT64_CONSTANT (0xbf58476d1ce4e5b9);
  x = (x ^ (x >> 27)) * G_GUINT64_CONSTANT (0x94d049bb133111eb);
  return x ^ (x >> 31);
}

static gboolean
is_on (const TandemCell *cell)
{
  return cell->velocity > 0 && cell->probability > 0;
}

void
tandem_plan_harmony_init (TandemPlanHarmony *harmony,
                          const char        *lane,
                          gboolean           per_beat,
                          guint              steps_per_beat,
                          guint              beats_per_bar,
                          TandemScale        scale,
                          guint              seed)
{
  TandemChord chords[TANDEM_CHORD_LANE_MAX_SLOTS];
  gboolean has[TANDEM_CHORD_LANE_MAX_SLOTS];
  guint n = tandem_chord_lane_parse (lane, chords, has);
  guint per_slot = MAX (steps_per_beat, 1) * (per_beat ? 1 : MAX (beats_per_bar, 1));

  harmony->scale = scale;
  harmony->seed = seed;
  for (guint s = 0; s < TANDEM_MAX_STEPS; s++)
    {
      /* As tandem_chord_lane_chord_at(), without parsing the lane per step. */
      guint slot = n > 0 ? (s / per_slot) % n : 0;

      harmony->has[s] = n > 0 && has[slot];
      harmony->chord[s] = n > 0 ? chords[slot] : (TandemChord) { 0, 0, TANDEM_CHORD_MAJOR };
    }
}

int
tandem_plan_harmony_notes (const TandemPlanHarmony *harmony,
                           const TandemPlanVoicing *voicing,
                           const TandemCell        *row,
                           guint                    length,
                           guint                    step,
                           int                     *notes,
                           const TandemCell       **from)
{
  guint tones[TANDEM_CHORD_MAX_TONES];
  guint n;

  if (row == NULL || step >= length || step >= TANDEM_MAX_STEPS)
    return 0;
  if (!harmony->has[step])
    return -1;
  n = tandem_chord_get_tones (&harmony->chord[step], 0, harmony->scale, tones);

  if (voicing->harmony == TANDEM_HARMONY_CHORD_TONE
      || (voicing->harmony == TANDEM_HARMONY_CHORD && voicing->arp == TANDEM_ARP_OFF))
    {
      if (!is_on (&row[step]))
        return 0;
      *from = &row[step];
      if (voicing->harmony == TANDEM_HARMONY_CHORD_TONE)
        {
          notes[0] = tone (tones, n, row[step].note);
          return 1;
        }
      for (guint i = 0; i < n; i++)
        notes[i] = tone (tones, n, (int) i + row[step].note);
      return (int) n;
    }

  /* Arpeggio: from the latest on cell at or before @step, a tone every rate steps. */
  for (int s0 = (int) step; s0 >= 0; s0--)
    if (is_on (&row[s0]))
      {
        guint j, rate = MAX (voicing->arp_rate, 1);

        if ((step - (guint) s0) % rate != 0)
          return 0;
        j = (step - (guint) s0) / rate;
        *from = &row[s0];
        notes[0] = tone (tones, n, (int) arp_index (voicing->arp, j, n,
                                                    mix (((guint64) harmony->seed << 32 | step)
                                                         ^ voicing->uid))
                                   + row[s0].note);
        return 1;
      }
  return 0;
}
