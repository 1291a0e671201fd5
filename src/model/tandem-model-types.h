/* tandem-model-types.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define TANDEM_MODEL_ERROR (tandem_model_error_quark ())

/**
 * TandemModelError:
 * @TANDEM_MODEL_ERROR_INVALID: the op or document is malformed (missing member, bad id)
 * @TANDEM_MODEL_ERROR_UNKNOWN_OP: the op kind is not one Tandem knows
 * @TANDEM_MODEL_ERROR_UNKNOWN_ENTITY: the op names an entity that does not exist
 * @TANDEM_MODEL_ERROR_UNKNOWN_PROPERTY: the entity has no such property
 * @TANDEM_MODEL_ERROR_WRONG_TYPE: the value has the wrong JSON type for the property
 * @TANDEM_MODEL_ERROR_OUT_OF_RANGE: the value is outside the property's range
 * @TANDEM_MODEL_ERROR_DUPLICATE_ID: an insert reuses an id that exists
 * @TANDEM_MODEL_ERROR_CONSTRAINT: the op would break an invariant (last pattern, sample in use)
 * @TANDEM_MODEL_ERROR_FILE: the project file cannot be read or written
 * @TANDEM_MODEL_ERROR_FILE_FORMAT: the project file is not a valid Tandem document
 * @TANDEM_MODEL_ERROR_FILE_VERSION: the project file was written by a newer Tandem
 */
typedef enum
{
  TANDEM_MODEL_ERROR_INVALID,
  TANDEM_MODEL_ERROR_UNKNOWN_OP,
  TANDEM_MODEL_ERROR_UNKNOWN_ENTITY,
  TANDEM_MODEL_ERROR_UNKNOWN_PROPERTY,
  TANDEM_MODEL_ERROR_WRONG_TYPE,
  TANDEM_MODEL_ERROR_OUT_OF_RANGE,
  TANDEM_MODEL_ERROR_DUPLICATE_ID,
  TANDEM_MODEL_ERROR_CONSTRAINT,
  TANDEM_MODEL_ERROR_FILE,
  TANDEM_MODEL_ERROR_FILE_FORMAT,
  TANDEM_MODEL_ERROR_FILE_VERSION,
} TandemModelError;

/* Kinds of entity an op can address. The JSON names are in brackets. */
typedef enum
{
  TANDEM_ENTITY_PROJECT, /* "project": the singleton; ops carry no id */
  TANDEM_ENTITY_TRACK,   /* "track" */
  TANDEM_ENTITY_PATTERN, /* "pattern" */
  TANDEM_ENTITY_CLIP,    /* "clip" */
  TANDEM_ENTITY_SAMPLE,  /* "sample": id is the SHA-256 in lowercase hex */
  TANDEM_ENTITY_CELL,    /* "cell": id is the pattern id, plus track id and step */
} TandemEntityKind;

typedef enum
{
  TANDEM_SCALE_MAJOR,
  TANDEM_SCALE_MINOR,
  TANDEM_SCALE_DORIAN,
  TANDEM_SCALE_MIXOLYDIAN,
  TANDEM_SCALE_PENTATONIC_MAJOR,
  TANDEM_SCALE_PENTATONIC_MINOR,
  TANDEM_SCALE_BLUES,
  TANDEM_SCALE_CHROMATIC,
  TANDEM_N_SCALES
} TandemScale;

typedef enum
{
  TANDEM_PLAY_MODE_PATTERN,
  TANDEM_PLAY_MODE_SONG,
} TandemPlayMode;

/* Limits shared by validation, the UI and the audio engine. */
#define TANDEM_TEMPO_MIN          20.0
#define TANDEM_TEMPO_MAX          300.0
#define TANDEM_SWING_MAX          75.0   /* percent */
#define TANDEM_VOLUME_MIN_DB      -60.0  /* at or below: silent */
#define TANDEM_VOLUME_MAX_DB      6.0
#define TANDEM_MAX_STEPS          64
#define TANDEM_MAX_STEPS_PER_BEAT 8
#define TANDEM_MAX_BEATS_PER_BAR  16
#define TANDEM_MAX_BARS           9999
#define TANDEM_MAX_CLIP_OVERLAP   4      /* clips of one pattern sounding at once */
#define TANDEM_NOTE_MIN           -24    /* scale degrees */
#define TANDEM_NOTE_MAX           24
#define TANDEM_MAX_NAME_LEN       128    /* bytes of UTF-8 */
#define TANDEM_MAX_ID_LEN         64
#define TANDEM_MAX_ANCHOR         (G_GUINT64_CONSTANT (1) << 53) /* anchor-time, anchor-step */

GQuark       tandem_model_error_quark      (void);
const char  *tandem_entity_kind_to_string  (TandemEntityKind kind);
gboolean     tandem_entity_kind_from_string (const char       *str,
                                             TandemEntityKind *kind);
const char  *tandem_scale_to_string        (TandemScale       scale);
gboolean     tandem_scale_from_string      (const char       *str,
                                            TandemScale      *scale);
/* Semitone offsets of one octave of @scale; returns the number of degrees. */
guint        tandem_scale_get_intervals    (TandemScale       scale,
                                            const guint8    **intervals);
const char  *tandem_play_mode_to_string    (TandemPlayMode    mode);
gboolean     tandem_play_mode_from_string  (const char       *str,
                                            TandemPlayMode   *mode);

/* Built-in instruments: "kick", "snare", "hat-closed", "hat-open", "clap",
 * "tom", "rim", "synth". A sample instrument is "sample:<sha256>". */
const char * const *tandem_builtin_instruments (void);
gboolean     tandem_instrument_is_valid     (const char *instrument);
/* Returns the hash if @instrument is "sample:<sha256>", else NULL. */
const char  *tandem_instrument_get_sample   (const char *instrument);

/* A new id, unique without coordination (128 random bits, hex). */
char        *tandem_id_new                  (void);
gboolean     tandem_id_is_valid             (const char *id);
gboolean     tandem_sample_hash_is_valid    (const char *hash);
/* A display name: 1..TANDEM_MAX_NAME_LEN bytes of UTF-8, no control characters. */
gboolean     tandem_name_is_valid           (const char *name);

/* GEnum types whose nicks are the JSON names ("minor", "song"). */
#define TANDEM_TYPE_SCALE     (tandem_scale_get_type ())
#define TANDEM_TYPE_PLAY_MODE (tandem_play_mode_get_type ())
GType        tandem_scale_get_type          (void) G_GNUC_CONST;
GType        tandem_play_mode_get_type      (void) G_GNUC_CONST;

G_END_DECLS
