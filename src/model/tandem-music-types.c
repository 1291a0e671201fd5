/* tandem-music-types.c — GEnum types whose nicks are the JSON names
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-model"

#include "config.h"

#include "tandem-music-types.h"

#define DEFINE_ENUM(func, Name, ...)                                  \
  GType                                                               \
  func (void)                                                         \
  {                                                                   \
    static gsize type_id = 0;                                         \
                                                                      \
    if (g_once_init_enter (&type_id))                                 \
      {                                                               \
        static const GEnumValue values[] = { __VA_ARGS__, { 0, NULL, NULL } }; \
        GType t = g_enum_register_static (Name, values);              \
                                                                      \
        g_once_init_leave (&type_id, t);                              \
      }                                                               \
    return type_id;                                                   \
  }

DEFINE_ENUM (tandem_chord_rate_get_type, "TandemChordRate",
             { TANDEM_CHORD_RATE_BAR, "TANDEM_CHORD_RATE_BAR", "bar" },
             { TANDEM_CHORD_RATE_BEAT, "TANDEM_CHORD_RATE_BEAT", "beat" })

DEFINE_ENUM (tandem_harmony_mode_get_type, "TandemHarmonyMode",
             { TANDEM_HARMONY_SCALE, "TANDEM_HARMONY_SCALE", "scale" },
             { TANDEM_HARMONY_CHORD_TONE, "TANDEM_HARMONY_CHORD_TONE", "chord-tone" },
             { TANDEM_HARMONY_CHORD, "TANDEM_HARMONY_CHORD", "chord" })

DEFINE_ENUM (tandem_arp_get_type, "TandemArp",
             { TANDEM_ARP_OFF, "TANDEM_ARP_OFF", "off" },
             { TANDEM_ARP_UP, "TANDEM_ARP_UP", "up" },
             { TANDEM_ARP_DOWN, "TANDEM_ARP_DOWN", "down" },
             { TANDEM_ARP_UP_DOWN, "TANDEM_ARP_UP_DOWN", "up-down" },
             { TANDEM_ARP_RANDOM, "TANDEM_ARP_RANDOM", "random" })

DEFINE_ENUM (tandem_evolve_state_get_type, "TandemEvolveState",
             { TANDEM_EVOLVE_OFF, "TANDEM_EVOLVE_OFF", "off" },
             { TANDEM_EVOLVE_RUNNING, "TANDEM_EVOLVE_RUNNING", "running" },
             { TANDEM_EVOLVE_PAUSED, "TANDEM_EVOLVE_PAUSED", "paused" })

DEFINE_ENUM (tandem_evolve_rule_get_type, "TandemEvolveRule",
             { TANDEM_EVOLVE_MUTATE, "TANDEM_EVOLVE_MUTATE", "mutate" },
             { TANDEM_EVOLVE_ROTATE, "TANDEM_EVOLVE_ROTATE", "rotate" },
             { TANDEM_EVOLVE_DENSITY, "TANDEM_EVOLVE_DENSITY", "density" },
             { TANDEM_EVOLVE_AUTOMATON, "TANDEM_EVOLVE_AUTOMATON", "automaton" })

DEFINE_ENUM (tandem_evolve_end_get_type, "TandemEvolveEnd",
             { TANDEM_EVOLVE_END_STOP, "TANDEM_EVOLVE_END_STOP", "stop" },
             { TANDEM_EVOLVE_END_LOOP, "TANDEM_EVOLVE_END_LOOP", "loop" })

const char *
tandem_music_enum_to_string (GType type,
                             int   value)
{
  g_autoptr(GEnumClass) klass = g_type_class_ref (type);
  GEnumValue *ev = g_enum_get_value (klass, value);

  return ev != NULL ? ev->value_nick : NULL;
}
