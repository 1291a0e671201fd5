/* tandem-evolve.c — evolution rules on rows of cells, and the ops of an evolution
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-model"

#include "config.h"

#include <string.h>

#include "tandem-evolve.h"
#include "tandem-json.h"
#include "tandem-model-private.h"
#include "tandem-rhythm.h"

#define NEW_VELOCITY 100

/* An evolution's origin: rows of cells as a small JSON object. */
static const TandemJsonLimits origin_limits = {
  .max_bytes = TANDEM_EVOLVE_MAX_ORIGIN,
  .max_depth = 4,
  .max_tokens = TANDEM_EVOLVE_MAX_ORIGIN / 2,
};

/* FNV-1a, fixed here so every machine hashes track ids alike. */
static guint64
hash_string (const char *s)
{
  guint64 h = G_GUINT64_CONSTANT (0xcbf29ce484222325);

  for (; *s != '\0'; s++)
    {
      h ^= (guchar) *s;
      h *= G_GUINT64_CONSTANT (0x100000001b3);
    }
  return h;
}

/* splitmix64's finaliser: a well-mixed 64-bit value from any input. */
static guint64
mix (guint64 x)
{
  x += G_GUINT64_CONSTANT (0x9e3779b97f4a7c15);
  x = (x ^ (x >> 30)) * G_GUINT64_CONSTANT (0xbf58476d1ce4e5b9);
  x = (x ^ (x >> 27)) * G_GUINT64_CONSTANT (0x94d049bb133111eb);
  return x ^ (x >> 31);
}

/* A value in 0 … 9999 for (seed, step, track, grid step). */
static guint
chance (guint   seed,
        guint   k,
        guint64 track_hash,
        guint   s)
{
  guint64 x = mix (((guint64) seed << 32) | k);

  x = mix (x ^ track_hash);
  x = mix (x ^ s);
  return (guint) (x % 10000);
}

static void
turn_on (TandemCell       *cell,
         const TandemCell *was)
{
  if (was->velocity > 0)
    *cell = *was;
  else
    cell->velocity = NEW_VELOCITY;
}

void
tandem_evolve_row (TandemEvolveRule  rule,
                   guint             amount,
                   guint             seed,
                   guint             k,
                   guint             length,
                   const char       *track_id,
                   const TandemCell *row,
                   TandemCell       *out)
{
  guint64 th;

  g_return_if_fail (row != NULL && out != NULL && track_id != NULL);
  g_return_if_fail (length >= 1 && length <= TANDEM_MAX_STEPS);

  th = hash_string (track_id);
  memcpy (out, row, sizeof (TandemCell) * TANDEM_MAX_STEPS);

  switch (rule)
    {
    case TANDEM_EVOLVE_MUTATE:
      for (guint s = 0; s < length; s++)
        if (chance (seed, k, th, s) < MIN (amount, 100) * 100)
          {
            if (row[s].velocity > 0)
              out[s].velocity = 0;
            else
              out[s].velocity = NEW_VELOCITY;
          }
      break;

    case TANDEM_EVOLVE_ROTATE:
      {
        guint by = MAX (amount, 1) % length;

        for (guint s = 0; s < length; s++)
          out[(s + by) % length] = row[s];
      }
      break;

    case TANDEM_EVOLVE_DENSITY:
      {
        TandemRhythm e;
        guint count = 0, first = 0;
        gboolean found = FALSE;
        guint target;

        for (guint s = 0; s < length; s++)
          if (row[s].velocity > 0)
            {
              if (!found)
                first = s;
              found = TRUE;
              count++;
            }
        /* One note more or less, the way a hand on a density knob drifts. */
        if (count == 0)
          target = 1;
        else if (count == length)
          target = length - 1;
        else
          target = chance (seed, k, th, G_MAXUINT) < 5000 ? count + 1 : count - 1;
        if (!tandem_rhythm_euclid (&e, target, length, 0, NULL))
          g_assert_not_reached ();
        for (guint s = 0; s < length; s++)
          {
            /* The fill keeps the row's first note where it is. */
            guint src = (s + length - first) % length;

            if (e.onset[src])
              turn_on (&out[s], &row[s]);
            else
              out[s].velocity = 0;
          }
      }
      break;

    case TANDEM_EVOLVE_AUTOMATON:
    default:
      for (guint s = 0; s < length; s++)
        {
          guint l = row[(s + length - 1) % length].velocity > 0;
          guint c = row[s].velocity > 0;
          guint r = row[(s + 1) % length].velocity > 0;

          if ((MIN (amount, 255) >> (l << 2 | c << 1 | r)) & 1)
            turn_on (&out[s], &row[s]);
          else
            out[s].velocity = 0;
        }
      break;
    }
}

void
tandem_evolve_add_row_ops (TandemOp         *batch,
                           TandemPattern    *pattern,
                           const char       *track_id,
                           const TandemCell *row,
                           guint             from_step,
                           guint             to_step)
{
  const char *pid = tandem_pattern_get_id (pattern);

  for (guint s = from_step; s < to_step && s < TANDEM_MAX_STEPS; s++)
    {
      const TandemCell *now = tandem_pattern_get_cell (pattern, track_id, s);

      if (now->velocity != row[s].velocity)
        tandem_op_batch_add (batch, tandem_op_new_set_cell (pid, track_id, s, "velocity",
                                                            row[s].velocity));
      if (now->probability != row[s].probability)
        tandem_op_batch_add (batch, tandem_op_new_set_cell (pid, track_id, s, "probability",
                                                            row[s].probability));
      if (now->note != row[s].note)
        tandem_op_batch_add (batch, tandem_op_new_set_cell (pid, track_id, s, "note",
                                                            row[s].note));
    }
}

gboolean
_tandem_evolve_origin_validate (const char  *origin,
                                const char  *label,
                                const char  *prop,
                                GError     **error)
{
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) local = NULL;
  JsonObjectIter iter;
  const char *track;
  JsonNode *value;

  if (*origin == '\0')
    return TRUE;
  node = tandem_json_parse_bounded (origin, strlen (origin), &origin_limits, &local);
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error (error, TANDEM_MODEL_ERROR, TANDEM_MODEL_ERROR_OUT_OF_RANGE,
                   "%s: %s is not rows of cells as JSON (at most %u bytes)%s%s", label, prop,
                   TANDEM_EVOLVE_MAX_ORIGIN, local != NULL ? ": " : "",
                   local != NULL ? local->message : "");
      return FALSE;
    }
  json_object_iter_init (&iter, json_node_get_object (node));
  while (json_object_iter_next (&iter, &track, &value))
    {
      TandemCell row[TANDEM_MAX_STEPS];

      if (!tandem_id_is_valid (track))
        {
          g_set_error (error, TANDEM_MODEL_ERROR, TANDEM_MODEL_ERROR_OUT_OF_RANGE,
                       "%s: %s names a track with an invalid id", label, prop);
          return FALSE;
        }
      if (!_tandem_row_from_json (value, "", row, &local))
        {
          /* The value is a string; what it holds is out of range. */
          g_set_error (error, TANDEM_MODEL_ERROR, TANDEM_MODEL_ERROR_OUT_OF_RANGE,
                       "%s: %s, cells of “%s”: %s", label, prop, track, local->message);
          return FALSE;
        }
    }
  return TRUE;
}

static void
row_data_free (gpointer data)
{
  TandemRowData *rd = data;

  g_free (rd->other_id);
  g_free (rd);
}

GPtrArray *
_tandem_evolve_origin_rows (TandemProject *project,
                            const char    *origin)
{
  GPtrArray *rows = g_ptr_array_new_with_free_func (row_data_free);
  g_autoptr(JsonNode) node = NULL;
  GListModel *tracks = tandem_project_get_tracks (project);
  JsonObject *obj;

  if (origin == NULL || *origin == '\0')
    return rows;
  node = tandem_json_parse_bounded (origin, strlen (origin), &origin_limits, NULL);
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return rows; /* validated on the way in: cannot happen */
  obj = json_node_get_object (node);
  for (guint i = 0; i < g_list_model_get_n_items (tracks); i++)
    {
      g_autoptr(TandemTrack) track = g_list_model_get_item (tracks, i);
      JsonNode *value = json_object_get_member (obj, tandem_track_get_id (track));
      TandemRowData *rd;

      if (value == NULL)
        continue;
      rd = g_new0 (TandemRowData, 1);
      if (!_tandem_row_from_json (value, "", rd->row, NULL))
        {
          g_free (rd);
          continue;
        }
      rd->other_id = g_strdup (tandem_track_get_id (track));
      g_ptr_array_add (rows, rd);
    }
  return rows;
}

static char *
encode_origin (TandemProject *project,
               TandemPattern *pattern)
{
  g_autoptr(JsonNode) node = NULL;
  GListModel *tracks = tandem_project_get_tracks (project);
  JsonObject *obj = json_object_new ();

  for (guint i = 0; i < g_list_model_get_n_items (tracks); i++)
    {
      g_autoptr(TandemTrack) track = g_list_model_get_item (tracks, i);
      const TandemCell *row = tandem_pattern_get_row (pattern, tandem_track_get_id (track));

      if (row != NULL)
        json_object_set_member (obj, tandem_track_get_id (track), _tandem_row_to_json (row));
    }
  node = take_object (obj);
  return _tandem_json_to_string (node, FALSE, NULL);
}

static void
add_set_uint (TandemOp   *batch,
              const char *pid,
              const char *prop,
              guint       value)
{
  tandem_op_batch_add (batch, tandem_op_new_set_int (TANDEM_ENTITY_PATTERN, pid, prop, value));
}

static void
add_set_enum (TandemOp   *batch,
              const char *pid,
              const char *prop,
              GType       type,
              int         value)
{
  tandem_op_batch_add (batch, tandem_op_new_set_string (TANDEM_ENTITY_PATTERN, pid, prop,
                                                        tandem_music_enum_to_string (type,
                                                                                     value)));
}

static void
add_set_string (TandemOp   *batch,
                const char *pid,
                const char *prop,
                const char *value)
{
  tandem_op_batch_add (batch, tandem_op_new_set_string (TANDEM_ENTITY_PATTERN, pid, prop, value));
}

/* Sets the cells of the origin's tracks back to the origin. */
static void
add_origin_ops (TandemOp      *batch,
                TandemProject *project,
                TandemPattern *pattern)
{
  g_autoptr(GPtrArray) rows = _tandem_evolve_origin_rows (project, pattern->evolve_origin);

  for (guint i = 0; i < rows->len; i++)
    {
      TandemRowData *rd = rows->pdata[i];

      tandem_evolve_add_row_ops (batch, pattern, rd->other_id, rd->row, 0, TANDEM_MAX_STEPS);
    }
}

TandemOp *
tandem_evolve_op_next (TandemProject *project,
                       TandemPattern *pattern)
{
  g_autoptr(GPtrArray) rows = NULL;
  TandemOp *batch;
  const char *pid;

  g_return_val_if_fail (TANDEM_IS_PROJECT (project), NULL);
  g_return_val_if_fail (TANDEM_IS_PATTERN (pattern), NULL);

  if (pattern->evolve_state != TANDEM_EVOLVE_RUNNING)
    return NULL;

  pid = pattern->id;
  batch = tandem_op_new_batch ();
  if (pattern->evolve_step >= pattern->evolve_steps)
    {
      if (pattern->evolve_end == TANDEM_EVOLVE_END_LOOP)
        {
          add_origin_ops (batch, project, pattern);
          add_set_uint (batch, pid, "evolve-step", 0);
        }
      else
        {
          add_set_enum (batch, pid, "evolve-state", TANDEM_TYPE_EVOLVE_STATE, TANDEM_EVOLVE_OFF);
          add_set_string (batch, pid, "evolve-author", "");
        }
      return batch;
    }

  rows = _tandem_evolve_origin_rows (project, pattern->evolve_origin);
  for (guint i = 0; i < rows->len; i++)
    {
      TandemRowData *rd = rows->pdata[i];
      const char *tid = rd->other_id;
      TandemCell now[TANDEM_MAX_STEPS], next[TANDEM_MAX_STEPS];

      for (guint s = 0; s < TANDEM_MAX_STEPS; s++)
        now[s] = *tandem_pattern_get_cell (pattern, tid, s);
      tandem_evolve_row (pattern->evolve_rule, pattern->evolve_amount, pattern->evolve_seed,
                         pattern->evolve_step + 1, pattern->length, tid, now, next);
      tandem_evolve_add_row_ops (batch, pattern, tid, next, 0, pattern->length);
    }
  add_set_uint (batch, pid, "evolve-step", pattern->evolve_step + 1);
  return batch;
}

TandemOp *
tandem_evolve_op_start (TandemProject    *project,
                        TandemPattern    *pattern,
                        TandemEvolveRule  rule,
                        guint             amount,
                        guint             every,
                        guint             steps,
                        TandemEvolveEnd   end,
                        guint             seed,
                        const char       *author)
{
  g_autofree char *origin = NULL;
  TandemOp *batch;
  const char *pid;

  g_return_val_if_fail (TANDEM_IS_PROJECT (project), NULL);
  g_return_val_if_fail (TANDEM_IS_PATTERN (pattern), NULL);
  g_return_val_if_fail (author != NULL, NULL);

  pid = pattern->id;
  /* A new evolution starts from the cells as they are, even from a finished one. */
  origin = encode_origin (project, pattern);
  batch = tandem_op_new_batch ();
  add_set_enum (batch, pid, "evolve-rule", TANDEM_TYPE_EVOLVE_RULE, rule);
  add_set_uint (batch, pid, "evolve-amount", amount);
  add_set_uint (batch, pid, "evolve-every", every);
  add_set_uint (batch, pid, "evolve-steps", steps);
  add_set_enum (batch, pid, "evolve-end", TANDEM_TYPE_EVOLVE_END, end);
  add_set_uint (batch, pid, "evolve-seed", seed);
  add_set_uint (batch, pid, "evolve-step", 0);
  add_set_string (batch, pid, "evolve-origin", origin);
  add_set_string (batch, pid, "evolve-author", author);
  add_set_enum (batch, pid, "evolve-state", TANDEM_TYPE_EVOLVE_STATE, TANDEM_EVOLVE_RUNNING);
  return batch;
}

TandemOp *
tandem_evolve_op_pause (TandemPattern *pattern)
{
  TandemOp *batch;

  g_return_val_if_fail (TANDEM_IS_PATTERN (pattern), NULL);

  batch = tandem_op_new_batch ();
  add_set_enum (batch, pattern->id, "evolve-state", TANDEM_TYPE_EVOLVE_STATE,
                TANDEM_EVOLVE_PAUSED);
  add_set_string (batch, pattern->id, "evolve-author", "");
  return batch;
}

TandemOp *
tandem_evolve_op_resume (TandemPattern *pattern,
                         const char    *author)
{
  TandemOp *batch;

  g_return_val_if_fail (TANDEM_IS_PATTERN (pattern), NULL);
  g_return_val_if_fail (author != NULL, NULL);

  batch = tandem_op_new_batch ();
  add_set_string (batch, pattern->id, "evolve-author", author);
  add_set_enum (batch, pattern->id, "evolve-state", TANDEM_TYPE_EVOLVE_STATE,
                TANDEM_EVOLVE_RUNNING);
  return batch;
}

static void
add_end_ops (TandemOp      *batch,
             TandemPattern *pattern)
{
  add_set_enum (batch, pattern->id, "evolve-state", TANDEM_TYPE_EVOLVE_STATE, TANDEM_EVOLVE_OFF);
  add_set_string (batch, pattern->id, "evolve-author", "");
  add_set_string (batch, pattern->id, "evolve-origin", "");
  add_set_uint (batch, pattern->id, "evolve-step", 0);
}

TandemOp *
tandem_evolve_op_keep (TandemPattern *pattern)
{
  TandemOp *batch;

  g_return_val_if_fail (TANDEM_IS_PATTERN (pattern), NULL);

  batch = tandem_op_new_batch ();
  add_end_ops (batch, pattern);
  return batch;
}

TandemOp *
tandem_evolve_op_revert (TandemProject *project,
                         TandemPattern *pattern)
{
  TandemOp *batch;

  g_return_val_if_fail (TANDEM_IS_PROJECT (project), NULL);
  g_return_val_if_fail (TANDEM_IS_PATTERN (pattern), NULL);

  batch = tandem_op_new_batch ();
  add_origin_ops (batch, project, pattern);
  add_end_ops (batch, pattern);
  return batch;
}
