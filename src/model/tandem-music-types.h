/* tandem-music-types.h — the enums of the chord lane, harmony, arpeggiator and evolution
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/* A pattern's chord lane has one chord per bar or per beat ("chord-rate"). */
typedef enum
{
  TANDEM_CHORD_RATE_BAR,  /* "bar" */
  TANDEM_CHORD_RATE_BEAT, /* "beat" */
} TandemChordRate;

/* How a track's cell notes are read ("harmony"). */
typedef enum
{
  TANDEM_HARMONY_SCALE,      /* "scale": note = scale degree (the default) */
  TANDEM_HARMONY_CHORD_TONE, /* "chord-tone": note = tone of the current chord, 0 = root */
  TANDEM_HARMONY_CHORD,      /* "chord": each cell plays the whole chord, note = inversion */
} TandemHarmonyMode;

/* The arpeggiator of a chord track ("arp"). */
typedef enum
{
  TANDEM_ARP_OFF,
  TANDEM_ARP_UP,
  TANDEM_ARP_DOWN,
  TANDEM_ARP_UP_DOWN,
  TANDEM_ARP_RANDOM,
} TandemArp;

typedef enum
{
  TANDEM_EVOLVE_OFF,     /* "off" */
  TANDEM_EVOLVE_RUNNING, /* "running": its author sends the steps */
  TANDEM_EVOLVE_PAUSED,  /* "paused": its author left or paused; anyone may resume */
} TandemEvolveState;

typedef enum
{
  TANDEM_EVOLVE_MUTATE,    /* flip cells with probability amount % */
  TANDEM_EVOLVE_ROTATE,    /* rotate each row by amount steps */
  TANDEM_EVOLVE_DENSITY,   /* Euclidean fill of each row drifts one note up or down */
  TANDEM_EVOLVE_AUTOMATON, /* elementary cellular automaton rule amount on each row */
} TandemEvolveRule;

typedef enum
{
  TANDEM_EVOLVE_END_STOP, /* "stop" after the last step */
  TANDEM_EVOLVE_END_LOOP, /* "loop": back to where it started, and on */
} TandemEvolveEnd;

#define TANDEM_EVOLVE_MAX_EVERY  64
#define TANDEM_EVOLVE_MAX_STEPS  9999
#define TANDEM_ARP_MAX_RATE      16
#define TANDEM_SEED_MAX          G_MAXUINT32
/* The rows an evolution started from (JSON text) are at most this long. */
#define TANDEM_EVOLVE_MAX_ORIGIN (64 * 1024)

#define TANDEM_TYPE_CHORD_RATE    (tandem_chord_rate_get_type ())
#define TANDEM_TYPE_HARMONY_MODE  (tandem_harmony_mode_get_type ())
#define TANDEM_TYPE_ARP           (tandem_arp_get_type ())
#define TANDEM_TYPE_EVOLVE_STATE  (tandem_evolve_state_get_type ())
#define TANDEM_TYPE_EVOLVE_RULE   (tandem_evolve_rule_get_type ())
#define TANDEM_TYPE_EVOLVE_END    (tandem_evolve_end_get_type ())
GType tandem_chord_rate_get_type   (void) G_GNUC_CONST;
GType tandem_harmony_mode_get_type (void) G_GNUC_CONST;
GType tandem_arp_get_type          (void) G_GNUC_CONST;
GType tandem_evolve_state_get_type (void) G_GNUC_CONST;
GType tandem_evolve_rule_get_type  (void) G_GNUC_CONST;
GType tandem_evolve_end_get_type   (void) G_GNUC_CONST;

/* The JSON name of @value of the enum @type ("up-down"). */
const char *tandem_music_enum_to_string (GType type,
                                         int   value);

G_END_DECLS
