/* tandem-model-private.h — instance structs and helpers shared inside the model
 *
 * Only the model's own .c files include this. Everyone else reads through the getters
 * and changes the project with ops.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "tandem-model.h"

G_BEGIN_DECLS

struct _TandemTrack
{
  GObject  parent_instance;
  char    *id;
  char    *name;
  char    *color;
  char    *instrument;
  double   volume;
  double   pan;
  gboolean mute;
  gboolean solo;
  /* the chord lane's voice (tandem-music-types.h) */
  int      harmony;   /* TandemHarmonyMode */
  int      arp;       /* TandemArp */
  guint    arp_rate;  /* steps per arpeggio note */
};

struct _TandemPattern
{
  GObject     parent_instance;
  char       *id;
  char       *name;
  guint       length;
  /* track id (owned) → TandemCell[TANDEM_MAX_STEPS] (owned); only rows that
   * are not all default are kept, so equal states serialize equally. */
  GHashTable *rows;

  /* harmony: roman numerals, see tandem-harmony.h */
  char       *chords;
  int         chord_rate;     /* TandemChordRate */
  /* evolution: its rule, where it is and who sends its steps */
  int         evolve_state;   /* TandemEvolveState */
  int         evolve_rule;    /* TandemEvolveRule */
  int         evolve_end;     /* TandemEvolveEnd */
  guint       evolve_every;   /* bars per step */
  guint       evolve_steps;   /* the last step */
  guint       evolve_step;    /* the step the cells show */
  guint       evolve_amount;
  guint       evolve_seed;
  char       *evolve_author;  /* client id, "" when nobody sends the steps */
  char       *evolve_origin;  /* rows it started from (JSON), "" when off */
};

struct _TandemClip
{
  GObject  parent_instance;
  char    *id;
  char    *pattern;
  guint    start;
  guint    length;
};

struct _TandemSampleInfo
{
  GObject  parent_instance;
  char    *id;
  char    *name;
  char    *format;
  guint64  frames;
  guint    rate;
  guint    channels;
  guint64  bytes;
};

struct _TandemProject
{
  GObject         parent_instance;

  char           *name;
  double          tempo;
  double          swing;
  guint           steps_per_beat;
  guint           beats_per_bar;
  guint           key_root;
  TandemScale     scale;
  double          master_volume;
  gboolean        playing;
  TandemPlayMode  play_mode;
  char           *current_pattern;
  gboolean        loop_enabled;
  guint           loop_start;
  guint           loop_length;
  guint64         anchor_time;  /* session clock (µs) when grid step anchor_step begins */
  guint64         anchor_step;
  guint           seed;         /* the session's seed for random choices in the music */

  GListStore     *tracks;
  GListStore     *patterns;
  GListStore     *clips;
  GListStore     *samples;
  /* id → entity, borrowed from the list stores (keys are the entities' ids) */
  GHashTable     *track_by_id;
  GHashTable     *pattern_by_id;
  GHashTable     *clip_by_id;
  GHashTable     *sample_by_id;
};

/* ---- property schema ---------------------------------------------------- */

/* How a string property is checked beyond its JSON type. */
typedef enum
{
  TANDEM_CHECK_NONE,
  TANDEM_CHECK_NAME,
  TANDEM_CHECK_COLOR,
  TANDEM_CHECK_INSTRUMENT,
  TANDEM_CHECK_PATTERN_REF,        /* an existing pattern */
  TANDEM_CHECK_PATTERN_REF_OR_EMPTY,
  TANDEM_CHECK_FORMAT,
  TANDEM_CHECK_CHORD_LANE,         /* tandem_chord_lane_is_valid() */
  TANDEM_CHECK_ID_OR_EMPTY,        /* "" or an id (a participant's) */
  TANDEM_CHECK_ROWS,               /* "" or {track id: row} as JSON text */
} TandemCheck;

/* One settable property of an entity kind. The type and numeric range come
 * from the GParamSpec, so the GObject property is the schema. */
typedef struct
{
  const char  *name;
  TandemCheck  check;
  const char  *unit;     /* for messages: " dB", " %", "" */
  gsize        offset;   /* of the field in the instance struct */
  gboolean     settable; /* FALSE: fixed at insert (sample facts) */
  GParamSpec  *pspec;    /* filled on first use */
} TandemPropDesc;

/* The entity's settable properties in canonical JSON order (no "id"). */
const TandemPropDesc *_tandem_props_get    (TandemEntityKind  kind,
                                            guint            *n_props);
const TandemPropDesc *_tandem_props_lookup (TandemEntityKind  kind,
                                            const char       *name);

/* A validated value: strings are borrowed from the JsonNode. */
typedef union
{
  gboolean    b;
  guint64     u;
  double      d;
  int         e;
  const char *s;
} TandemValue;

/* Checks @node against @desc (JSON type, range, references into @project).
 * @label names the entity for messages ("Track “abc”"). */
gboolean  _tandem_prop_validate  (TandemProject        *project,
                                  const TandemPropDesc *desc,
                                  const char           *label,
                                  JsonNode             *node,
                                  TandemValue          *value,
                                  GError              **error);
/* Stores @value into @object; TRUE (and notify when @notify) if it changed. */
gboolean  _tandem_prop_set       (GObject              *object,
                                  const TandemPropDesc *desc,
                                  const TandemValue    *value,
                                  gboolean              notify);
JsonNode *_tandem_prop_to_json   (GObject              *object,
                                  const TandemPropDesc *desc);

/* "Track “abc”", "Project", "Cell (…)": for error messages. */
char     *_tandem_entity_label   (TandemEntityKind      kind,
                                  const char           *id);

/* Integers given as JSON: ints, or doubles with an integral value. */
gboolean  _tandem_json_get_int   (JsonNode             *node,
                                  gint64               *value);

/* ---- cells ------------------------------------------------------------------ */

extern const TandemCell _tandem_cell_default;

typedef enum
{
  TANDEM_CELL_VELOCITY,
  TANDEM_CELL_PROBABILITY,
  TANDEM_CELL_NOTE,
} TandemCellProp;

gboolean  _tandem_cell_prop_from_string (const char     *name,
                                         TandemCellProp *prop);
gboolean  _tandem_row_is_default        (const TandemCell *row);
/* Row encoding: {"velocity":"<128 hex>","probability":…,"note":…}.
 * @prefix starts error messages (may be ""). */
JsonNode *_tandem_row_to_json           (const TandemCell *row);
gboolean  _tandem_row_from_json         (JsonNode         *node,
                                         const char       *prefix,
                                         TandemCell       *row,
                                         GError          **error);

/* Replaces the row of @track_id (NULL or all default: removes it), emitting
 * ::cell-changed for each step whose value changed when @notify. */
void      _tandem_pattern_set_row       (TandemPattern    *self,
                                         const char       *track_id,
                                         const TandemCell *row,
                                         gboolean          notify);
void      _tandem_pattern_set_cell      (TandemPattern    *self,
                                         const char       *track_id,
                                         guint             step,
                                         const TandemCell *cell);

/* ---- entities ---------------------------------------------------------------- */

TandemTrack      *_tandem_track_new       (const char *id);
TandemPattern    *_tandem_pattern_new     (const char *id);
TandemClip       *_tandem_clip_new        (const char *id);
/* At most TANDEM_MAX_CLIP_OVERLAP clips of one pattern may sound on any bar
 * (tandem-clip-overlap.c). The first checks clip @clip_id placed at @start
 * for @length bars against the others; the second a whole loaded project. */
gboolean          _tandem_project_check_clip_overlap      (TandemProject *self,
                                                           const char    *clip_id,
                                                           const char    *pattern,
                                                           guint          start,
                                                           guint          length,
                                                           GError       **error);
gboolean          _tandem_project_check_all_clip_overlaps (TandemProject *self,
                                                           GError       **error);
TandemSampleInfo *_tandem_sample_info_new (const char *id);

/* The entity named by @kind and @id (the project itself for
 * TANDEM_ENTITY_PROJECT), or NULL. */
GObject  *_tandem_project_find_entity (TandemProject    *self,
                                       TandemEntityKind  kind,
                                       const char       *id);
GListStore *_tandem_project_get_store (TandemProject    *self,
                                       TandemEntityKind  kind);
GHashTable *_tandem_project_get_index (TandemProject    *self,
                                       TandemEntityKind  kind);
const char *_tandem_entity_get_id     (GObject          *entity);
/* Position of @entity in its list, or -1. */
int       _tandem_project_index_of    (TandemProject    *self,
                                       TandemEntityKind  kind,
                                       GObject          *entity);
void      _tandem_project_emit_op_applied (TandemProject *self,
                                           TandemOp      *op);
void      _tandem_project_emit_reset      (TandemProject *self);

/* Entity JSON as in project files. A pattern's "cells" follow the project's
 * track order; a track gets "cells" {pattern id: row} only with @with_cells
 * (the insert that undoes a delete). */
JsonNode *_tandem_entity_to_json      (TandemProject    *project,
                                       TandemEntityKind  kind,
                                       GObject          *entity,
                                       gboolean          with_cells);

/* Cells carried by an entity's JSON: (other id, row) pairs. */
typedef struct
{
  char       *other_id; /* the track id (pattern JSON) or pattern id (track JSON) */
  TandemCell  row[TANDEM_MAX_STEPS];
} TandemRowData;

/* tandem-evolve.c: "evolve-origin" is "" or {track id: row} as JSON text. */
gboolean  _tandem_evolve_origin_validate (const char   *origin,
                                          const char   *label,
                                          const char   *prop,
                                          GError      **error);
/* The origin's rows in @project's track order (TandemRowData), tracks that
 * no longer exist left out. */
GPtrArray *_tandem_evolve_origin_rows   (TandemProject *project,
                                         const char    *origin);

/* Builds a new entity from @node, validating every member against @project
 * (references must resolve there). Does not check for duplicate ids.
 * @rows (optional) receives the rows of the "cells" member. */
GObject  *_tandem_entity_from_json    (TandemProject    *project,
                                       TandemEntityKind  kind,
                                       JsonNode         *node,
                                       GPtrArray       **rows,
                                       GError          **error);

/* A node holding @obj / @array, taking over the caller's reference
 * (json_node_init_object() would add one). */
static inline JsonNode *
take_object (JsonObject *obj)
{
  JsonNode *node = json_node_new (JSON_NODE_OBJECT);

  json_node_take_object (node, obj);
  return node;
}

static inline JsonNode *
take_array (JsonArray *array)
{
  JsonNode *node = json_node_new (JSON_NODE_ARRAY);

  json_node_take_array (node, array);
  return node;
}

/* tandem-json-guard.c: json-glib behind a linear pre-scan that refuses
 * more than @max_bytes, nesting deeper than @max_depth and anything
 * RFC 8259 does not allow (json-glib 1.6 is lenient); errors are
 * TANDEM_MODEL_ERROR_INVALID, "line L, column C: …". */
JsonNode *_tandem_json_parse          (const char       *data,
                                       gsize             length,
                                       gsize             max_bytes,
                                       guint             max_depth,
                                       GError          **error);
/* @node as text by JsonGenerator: members in insertion order, so equal
 * trees give equal bytes; @pretty indents by two spaces and ends with a
 * newline. */
char     *_tandem_json_to_string      (JsonNode         *node,
                                       gboolean          pretty,
                                       gsize            *length);

G_END_DECLS
