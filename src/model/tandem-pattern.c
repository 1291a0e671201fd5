/* tandem-pattern.c — a grid of steps: per track, 64 cells
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-model"

#include "config.h"

#include <string.h>

#include "tandem-model-private.h"

G_DEFINE_FINAL_TYPE (TandemPattern, tandem_pattern, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ID,
  PROP_NAME,
  PROP_LENGTH,
  PROP_CHORDS,
  PROP_CHORD_RATE,
  PROP_EVOLVE_STATE,
  PROP_EVOLVE_RULE,
  PROP_EVOLVE_END,
  PROP_EVOLVE_EVERY,
  PROP_EVOLVE_STEPS,
  PROP_EVOLVE_STEP,
  PROP_EVOLVE_AMOUNT,
  PROP_EVOLVE_SEED,
  PROP_EVOLVE_AUTHOR,
  PROP_EVOLVE_ORIGIN,
  N_PROPS
};

enum {
  CELL_CHANGED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

const TandemCell _tandem_cell_default = { 0, 100, 0 };

static void
tandem_pattern_finalize (GObject *object)
{
  TandemPattern *self = (TandemPattern *) object;

  g_clear_pointer (&self->id, g_free);
  g_clear_pointer (&self->name, g_free);
  g_clear_pointer (&self->rows, g_hash_table_unref);
  g_clear_pointer (&self->chords, g_free);
  g_clear_pointer (&self->evolve_author, g_free);
  g_clear_pointer (&self->evolve_origin, g_free);

  G_OBJECT_CLASS (tandem_pattern_parent_class)->finalize (object);
}

static void
tandem_pattern_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  TandemPattern *self = TANDEM_PATTERN (object);

  switch (prop_id)
    {
    case PROP_ID: g_value_set_string (value, self->id); break;
    case PROP_NAME: g_value_set_string (value, self->name); break;
    case PROP_LENGTH: g_value_set_uint (value, self->length); break;
    case PROP_CHORDS: g_value_set_string (value, self->chords); break;
    case PROP_CHORD_RATE: g_value_set_enum (value, self->chord_rate); break;
    case PROP_EVOLVE_STATE: g_value_set_enum (value, self->evolve_state); break;
    case PROP_EVOLVE_RULE: g_value_set_enum (value, self->evolve_rule); break;
    case PROP_EVOLVE_END: g_value_set_enum (value, self->evolve_end); break;
    case PROP_EVOLVE_EVERY: g_value_set_uint (value, self->evolve_every); break;
    case PROP_EVOLVE_STEPS: g_value_set_uint (value, self->evolve_steps); break;
    case PROP_EVOLVE_STEP: g_value_set_uint (value, self->evolve_step); break;
    case PROP_EVOLVE_AMOUNT: g_value_set_uint (value, self->evolve_amount); break;
    case PROP_EVOLVE_SEED: g_value_set_uint (value, self->evolve_seed); break;
    case PROP_EVOLVE_AUTHOR: g_value_set_string (value, self->evolve_author); break;
    case PROP_EVOLVE_ORIGIN: g_value_set_string (value, self->evolve_origin); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tandem_pattern_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  TandemPattern *self = TANDEM_PATTERN (object);

  switch (prop_id)
    {
    case PROP_ID:
      g_free (self->id);
      self->id = g_value_dup_string (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tandem_pattern_class_init (TandemPatternClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags ro = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->finalize = tandem_pattern_finalize;
  object_class->get_property = tandem_pattern_get_property;
  object_class->set_property = tandem_pattern_set_property;

  properties[PROP_ID] =
    g_param_spec_string ("id", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_NAME] = g_param_spec_string ("name", NULL, NULL, "Pattern", ro);
  properties[PROP_LENGTH] =
    g_param_spec_uint ("length", NULL, NULL, 1, TANDEM_MAX_STEPS, 16, ro);
  properties[PROP_CHORDS] = g_param_spec_string ("chords", NULL, NULL, "", ro);
  properties[PROP_CHORD_RATE] = g_param_spec_enum ("chord-rate", NULL, NULL,
                                                   TANDEM_TYPE_CHORD_RATE,
                                                   TANDEM_CHORD_RATE_BAR, ro);
  properties[PROP_EVOLVE_STATE] = g_param_spec_enum ("evolve-state", NULL, NULL,
                                                     TANDEM_TYPE_EVOLVE_STATE,
                                                     TANDEM_EVOLVE_OFF, ro);
  properties[PROP_EVOLVE_RULE] = g_param_spec_enum ("evolve-rule", NULL, NULL,
                                                    TANDEM_TYPE_EVOLVE_RULE,
                                                    TANDEM_EVOLVE_MUTATE, ro);
  properties[PROP_EVOLVE_END] = g_param_spec_enum ("evolve-end", NULL, NULL,
                                                   TANDEM_TYPE_EVOLVE_END,
                                                   TANDEM_EVOLVE_END_STOP, ro);
  properties[PROP_EVOLVE_EVERY] = g_param_spec_uint ("evolve-every", NULL, NULL, 1,
                                                     TANDEM_EVOLVE_MAX_EVERY, 1, ro);
  properties[PROP_EVOLVE_STEPS] = g_param_spec_uint ("evolve-steps", NULL, NULL, 1,
                                                     TANDEM_EVOLVE_MAX_STEPS, 16, ro);
  properties[PROP_EVOLVE_STEP] = g_param_spec_uint ("evolve-step", NULL, NULL, 0,
                                                    TANDEM_EVOLVE_MAX_STEPS, 0, ro);
  properties[PROP_EVOLVE_AMOUNT] = g_param_spec_uint ("evolve-amount", NULL, NULL, 0, 255, 10,
                                                      ro);
  properties[PROP_EVOLVE_SEED] = g_param_spec_uint ("evolve-seed", NULL, NULL, 0,
                                                    TANDEM_SEED_MAX, 0, ro);
  properties[PROP_EVOLVE_AUTHOR] = g_param_spec_string ("evolve-author", NULL, NULL, "", ro);
  properties[PROP_EVOLVE_ORIGIN] = g_param_spec_string ("evolve-origin", NULL, NULL, "", ro);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * TandemPattern::cell-changed:
   * @track_id: the track whose cell changed
   * @step: the step, 0..63
   *
   * Emitted after a cell's velocity, probability or note changed, including
   * when a track's cells appear or disappear with the track.
   */
  signals[CELL_CHANGED] =
    g_signal_new ("cell-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 2,
                  G_TYPE_STRING | G_SIGNAL_TYPE_STATIC_SCOPE, G_TYPE_UINT);
}

static void
tandem_pattern_init (TandemPattern *self)
{
  self->name = g_strdup ("Pattern");
  self->length = 16;
  self->chords = g_strdup ("");
  self->evolve_every = 1;
  self->evolve_steps = 16;
  self->evolve_amount = 10;
  self->evolve_author = g_strdup ("");
  self->evolve_origin = g_strdup ("");
  self->rows = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
}

TandemPattern *
_tandem_pattern_new (const char *id)
{
  return g_object_new (TANDEM_TYPE_PATTERN, "id", id, NULL);
}

static inline gboolean
cell_is_default (const TandemCell *c)
{
  return c->velocity == 0 && c->probability == 100 && c->note == 0;
}

static inline gboolean
cell_equal (const TandemCell *a,
            const TandemCell *b)
{
  return a->velocity == b->velocity && a->probability == b->probability && a->note == b->note;
}

gboolean
_tandem_row_is_default (const TandemCell *row)
{
  for (guint i = 0; i < TANDEM_MAX_STEPS; i++)
    if (!cell_is_default (&row[i]))
      return FALSE;
  return TRUE;
}

void
_tandem_pattern_set_row (TandemPattern    *self,
                         const char       *track_id,
                         const TandemCell *row,
                         gboolean          notify)
{
  TandemCell old[TANDEM_MAX_STEPS];
  TandemCell *stored;
  const TandemCell *now;

  stored = g_hash_table_lookup (self->rows, track_id);
  if (notify)
    for (guint i = 0; i < TANDEM_MAX_STEPS; i++)
      old[i] = stored != NULL ? stored[i] : _tandem_cell_default;

  if (row == NULL || _tandem_row_is_default (row))
    {
      if (stored == NULL)
        return;
      g_hash_table_remove (self->rows, track_id);
      now = NULL;
    }
  else if (stored != NULL)
    {
      memcpy (stored, row, sizeof old);
      now = stored;
    }
  else
    {
      g_hash_table_insert (self->rows, g_strdup (track_id), g_memdup2 (row, sizeof old));
      now = row;
    }

  if (!notify)
    return;
  for (guint i = 0; i < TANDEM_MAX_STEPS; i++)
    {
      const TandemCell *c = now != NULL ? &now[i] : &_tandem_cell_default;

      if (!cell_equal (c, &old[i]))
        g_signal_emit (self, signals[CELL_CHANGED], 0, track_id, i);
    }
}

void
_tandem_pattern_set_cell (TandemPattern    *self,
                          const char       *track_id,
                          guint             step,
                          const TandemCell *cell)
{
  TandemCell *row;

  g_assert (step < TANDEM_MAX_STEPS);

  row = g_hash_table_lookup (self->rows, track_id);
  if (row == NULL)
    {
      if (cell_is_default (cell))
        return;
      row = g_new (TandemCell, TANDEM_MAX_STEPS);
      for (guint i = 0; i < TANDEM_MAX_STEPS; i++)
        row[i] = _tandem_cell_default;
      g_hash_table_insert (self->rows, g_strdup (track_id), row);
    }
  if (cell_equal (&row[step], cell))
    return;
  row[step] = *cell;
  /* Only a cell that became default can make the whole row default. */
  if (cell_is_default (cell) && _tandem_row_is_default (row))
    g_hash_table_remove (self->rows, track_id);

  g_signal_emit (self, signals[CELL_CHANGED], 0, track_id, step);
}

gboolean
_tandem_cell_prop_from_string (const char     *name,
                               TandemCellProp *prop)
{
  if (name == NULL)
    return FALSE;
  if (strcmp (name, "velocity") == 0)
    *prop = TANDEM_CELL_VELOCITY;
  else if (strcmp (name, "probability") == 0)
    *prop = TANDEM_CELL_PROBABILITY;
  else if (strcmp (name, "note") == 0)
    *prop = TANDEM_CELL_NOTE;
  else
    return FALSE;
  return TRUE;
}

static const char hex_digits[] = "0123456789abcdef";

static JsonNode *
hex_node (const guint8 *bytes)
{
  char buf[TANDEM_MAX_STEPS * 2 + 1];

  for (guint i = 0; i < TANDEM_MAX_STEPS; i++)
    {
      buf[2 * i] = hex_digits[bytes[i] >> 4];
      buf[2 * i + 1] = hex_digits[bytes[i] & 0xf];
    }
  buf[TANDEM_MAX_STEPS * 2] = '\0';
  return json_node_init_string (json_node_alloc (), buf);
}

JsonNode *
_tandem_row_to_json (const TandemCell *row)
{
  JsonObject *obj = json_object_new ();
  guint8 bytes[TANDEM_MAX_STEPS];
  gboolean prob_default = TRUE, note_default = TRUE;

  for (guint i = 0; i < TANDEM_MAX_STEPS; i++)
    {
      bytes[i] = row[i].velocity;
      prob_default &= row[i].probability == 100;
      note_default &= row[i].note == 0;
    }
  json_object_set_member (obj, "velocity", hex_node (bytes));
  if (!prob_default)
    {
      for (guint i = 0; i < TANDEM_MAX_STEPS; i++)
        bytes[i] = row[i].probability;
      json_object_set_member (obj, "probability", hex_node (bytes));
    }
  if (!note_default)
    {
      for (guint i = 0; i < TANDEM_MAX_STEPS; i++)
        bytes[i] = (guint8) (row[i].note + 64);
      json_object_set_member (obj, "note", hex_node (bytes));
    }
  return take_object (obj);
}

/* Hex digit values plus one; 0 for anything else (the table is zero-filled). */
static const guint8 hex_table[256] = {
  ['0'] = 1, ['1'] = 2, ['2'] = 3, ['3'] = 4, ['4'] = 5,
  ['5'] = 6, ['6'] = 7, ['7'] = 8, ['8'] = 9, ['9'] = 10,
  ['a'] = 11, ['b'] = 12, ['c'] = 13, ['d'] = 14, ['e'] = 15, ['f'] = 16,
  ['A'] = 11, ['B'] = 12, ['C'] = 13, ['D'] = 14, ['E'] = 15, ['F'] = 16,
};

/* Decodes one 128-digit member into @values; FALSE with @bad_step set when
 * a digit is not hex (values[bad_step] = G_MININT) or a value is outside
 * @min..@max. A project file holds thousands of rows: the loops have no
 * early exits, so the compiler can keep them tight; errors are looked for
 * afterwards. */
static gboolean
decode_hex_row (const char *str,
                int         bias,
                int         min,
                int         max,
                int        *values,
                guint      *bad_step)
{
  guint8 bad = 0;
  gboolean in_range = TRUE;

  for (guint i = 0; i < TANDEM_MAX_STEPS; i++)
    {
      /* an invalid digit wraps to 0xff */
      guint8 hi = (guint8) (hex_table[(guchar) str[2 * i]] - 1);
      guint8 lo = (guint8) (hex_table[(guchar) str[2 * i + 1]] - 1);

      bad |= hi | lo;
      values[i] = (hi << 4 | lo) - bias;
    }
  for (guint i = 0; i < TANDEM_MAX_STEPS; i++)
    in_range &= values[i] >= min && values[i] <= max;
  if (bad <= 0xf && in_range)
    return TRUE;

  /* the first bad step, as a reader going step by step would see it */
  for (guint i = 0; i < TANDEM_MAX_STEPS; i++)
    {
      if (hex_table[(guchar) str[2 * i]] == 0 || hex_table[(guchar) str[2 * i + 1]] == 0)
        {
          *bad_step = i;
          values[i] = G_MININT;
          return FALSE;
        }
      if (values[i] < min || values[i] > max)
        {
          *bad_step = i;
          return FALSE;
        }
    }
  return TRUE;
}

gboolean
_tandem_row_from_json (JsonNode    *node,
                       const char  *label,
                       TandemCell  *row,
                       GError     **error)
{
  JsonObjectIter iter;
  const char *member;
  JsonNode *value;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error (error, TANDEM_MODEL_ERROR, TANDEM_MODEL_ERROR_WRONG_TYPE,
                   "%sa row of cells must be an object", label);
      return FALSE;
    }

  for (guint i = 0; i < TANDEM_MAX_STEPS; i++)
    row[i] = _tandem_cell_default;

  json_object_iter_init (&iter, json_node_get_object (node));
  while (json_object_iter_next (&iter, &member, &value))
    {
      int values[TANDEM_MAX_STEPS];
      TandemCellProp prop;
      const char *str;
      int min, max, bias = 0;
      guint bad_step = 0;

      if (!_tandem_cell_prop_from_string (member, &prop))
        {
          g_set_error (error, TANDEM_MODEL_ERROR, TANDEM_MODEL_ERROR_UNKNOWN_PROPERTY,
                       "%scells have no member “%s”", label, member);
          return FALSE;
        }
      if (!JSON_NODE_HOLDS_VALUE (value) || json_node_get_value_type (value) != G_TYPE_STRING)
        {
          g_set_error (error, TANDEM_MODEL_ERROR, TANDEM_MODEL_ERROR_WRONG_TYPE,
                       "%scell %s must be a string of hex digits", label, member);
          return FALSE;
        }
      str = json_node_get_string (value);
      if (strlen (str) != TANDEM_MAX_STEPS * 2)
        {
          g_set_error (error, TANDEM_MODEL_ERROR, TANDEM_MODEL_ERROR_INVALID,
                       "%scell %s must have %u hex digits", label, member,
                       TANDEM_MAX_STEPS * 2);
          return FALSE;
        }
      switch (prop)
        {
        case TANDEM_CELL_VELOCITY: min = 0; max = 127; break;
        case TANDEM_CELL_PROBABILITY: min = 0; max = 100; break;
        case TANDEM_CELL_NOTE:
        default:
          min = TANDEM_NOTE_MIN;
          max = TANDEM_NOTE_MAX;
          bias = 64;
          break;
        }
      if (!decode_hex_row (str, bias, min, max, values, &bad_step))
        {
          if (values[bad_step] == G_MININT)
            g_set_error (error, TANDEM_MODEL_ERROR, TANDEM_MODEL_ERROR_INVALID,
                         "%scell %s is not hex", label, member);
          else
            g_set_error (error, TANDEM_MODEL_ERROR, TANDEM_MODEL_ERROR_OUT_OF_RANGE,
                         "%sstep %u: %s %d is out of range (%d … %d)",
                         label, bad_step, member, values[bad_step], min, max);
          return FALSE;
        }
      switch (prop)
        {
        case TANDEM_CELL_VELOCITY:
          for (guint i = 0; i < TANDEM_MAX_STEPS; i++)
            row[i].velocity = (guint8) values[i];
          break;
        case TANDEM_CELL_PROBABILITY:
          for (guint i = 0; i < TANDEM_MAX_STEPS; i++)
            row[i].probability = (guint8) values[i];
          break;
        case TANDEM_CELL_NOTE:
        default:
          for (guint i = 0; i < TANDEM_MAX_STEPS; i++)
            row[i].note = (gint8) values[i];
          break;
        }
    }
  return TRUE;
}

/** tandem_pattern_get_id: Returns: the pattern's id */
const char *
tandem_pattern_get_id (TandemPattern *self)
{
  g_return_val_if_fail (TANDEM_IS_PATTERN (self), NULL);
  return self->id;
}

/** tandem_pattern_get_name: Returns: the display name */
const char *
tandem_pattern_get_name (TandemPattern *self)
{
  g_return_val_if_fail (TANDEM_IS_PATTERN (self), NULL);
  return self->name;
}

/** tandem_pattern_get_length: Returns: the number of steps that play, 1..64 */
guint
tandem_pattern_get_length (TandemPattern *self)
{
  g_return_val_if_fail (TANDEM_IS_PATTERN (self), 16);
  return self->length;
}

/**
 * tandem_pattern_get_cell:
 *
 * Returns: the cell of @track_id at @step; a default cell when none is stored
 */
const TandemCell *
tandem_pattern_get_cell (TandemPattern *self,
                         const char    *track_id,
                         guint          step)
{
  const TandemCell *row;

  g_return_val_if_fail (TANDEM_IS_PATTERN (self), &_tandem_cell_default);
  g_return_val_if_fail (step < TANDEM_MAX_STEPS, &_tandem_cell_default);

  if (track_id == NULL)
    return &_tandem_cell_default;
  row = g_hash_table_lookup (self->rows, track_id);
  return row != NULL ? &row[step] : &_tandem_cell_default;
}

/**
 * tandem_pattern_get_row:
 *
 * Returns: (nullable): the 64 cells of @track_id, NULL when all are default
 */
const TandemCell *
tandem_pattern_get_row (TandemPattern *self,
                        const char    *track_id)
{
  g_return_val_if_fail (TANDEM_IS_PATTERN (self), NULL);

  if (track_id == NULL)
    return NULL;
  return g_hash_table_lookup (self->rows, track_id);
}

/** tandem_pattern_get_chords: Returns: the chord lane ("I V vi IV"), "" for none */
const char *
tandem_pattern_get_chords (TandemPattern *self)
{
  g_return_val_if_fail (TANDEM_IS_PATTERN (self), NULL);
  return self->chords;
}

/** tandem_pattern_get_chord_rate: Returns: one chord per bar or per beat */
TandemChordRate
tandem_pattern_get_chord_rate (TandemPattern *self)
{
  g_return_val_if_fail (TANDEM_IS_PATTERN (self), TANDEM_CHORD_RATE_BAR);
  return self->chord_rate;
}

/**
 * tandem_pattern_get_evolution:
 *
 * Fills @evolution with the pattern's evolution state; the strings are the
 * pattern's and stay valid until the next op.
 */
void
tandem_pattern_get_evolution (TandemPattern   *self,
                              TandemEvolution *evolution)
{
  g_return_if_fail (TANDEM_IS_PATTERN (self));
  g_return_if_fail (evolution != NULL);

  evolution->state = self->evolve_state;
  evolution->rule = self->evolve_rule;
  evolution->end = self->evolve_end;
  evolution->every = self->evolve_every;
  evolution->steps = self->evolve_steps;
  evolution->step = self->evolve_step;
  evolution->amount = self->evolve_amount;
  evolution->seed = self->evolve_seed;
  evolution->author = self->evolve_author;
  evolution->origin = self->evolve_origin;
}

/** tandem_pattern_get_evolution_step: Returns: the evolution step the cells show */
guint
tandem_pattern_get_evolution_step (TandemPattern *self)
{
  g_return_val_if_fail (TANDEM_IS_PATTERN (self), 0);
  return self->evolve_step;
}
