/* tandem-op-apply.c — validating and applying ops, and building their inverses
 *
 * Every op is checked completely before anything changes, so a failed op
 * leaves the project as it was. Batches apply their children in order and
 * roll back with the children's inverses when one fails.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-model"

#include "config.h"

#include <math.h>
#include <string.h>

#include "tandem-model-private.h"

static gboolean apply_op (TandemProject  *self,
                          TandemOp       *op,
                          TandemOp      **inverse,
                          GError        **error);

static gboolean
unknown_entity (TandemEntityKind   kind,
                const char        *id,
                GError           **error)
{
  g_autofree char *label = _tandem_entity_label (kind, id);

  g_set_error (error, TANDEM_MODEL_ERROR, TANDEM_MODEL_ERROR_UNKNOWN_ENTITY,
               "%s does not exist", label);
  return FALSE;
}

static gboolean
apply_set_cell (TandemProject  *self,
                TandemOp       *op,
                TandemOp      **inverse,
                GError        **error)
{
  const char *pattern_id = tandem_op_get_id (op);
  const char *track_id = tandem_op_get_track_id (op);
  const char *prop_name = tandem_op_get_prop (op);
  JsonNode *node = tandem_op_get_value (op);
  guint step = tandem_op_get_step (op);
  TandemPattern *pattern;
  TandemCellProp prop;
  TandemCell cell;
  gint64 v, min, max, old;

  pattern = tandem_project_find_pattern (self, pattern_id);
  if (pattern == NULL)
    return unknown_entity (TANDEM_ENTITY_PATTERN, pattern_id, error);
  if (tandem_project_find_track (self, track_id) == NULL)
    return unknown_entity (TANDEM_ENTITY_TRACK, track_id, error);
  if (step >= TANDEM_MAX_STEPS)
    {
      g_set_error (error, TANDEM_MODEL_ERROR, TANDEM_MODEL_ERROR_OUT_OF_RANGE,
                   "Cell of pattern “%s”: step %u is out of range (0 … %u)",
                   pattern_id, step, TANDEM_MAX_STEPS - 1);
      return FALSE;
    }
  if (!_tandem_cell_prop_from_string (prop_name, &prop))
    {
      g_set_error (error, TANDEM_MODEL_ERROR, TANDEM_MODEL_ERROR_UNKNOWN_PROPERTY,
                   "Cells have no property “%s”", prop_name);
      return FALSE;
    }
  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node)
      || (json_node_get_value_type (node) != G_TYPE_INT64
          && json_node_get_value_type (node) != G_TYPE_DOUBLE))
    {
      g_set_error (error, TANDEM_MODEL_ERROR, TANDEM_MODEL_ERROR_WRONG_TYPE,
                   "Cell of pattern “%s”, track “%s”, step %u: %s must be a number",
                   pattern_id, track_id, step, prop_name);
      return FALSE;
    }
  if (!_tandem_json_get_int (node, &v))
    {
      double d = json_node_get_double (node);

      g_set_error (error, TANDEM_MODEL_ERROR,
                   isfinite (d) ? TANDEM_MODEL_ERROR_WRONG_TYPE : TANDEM_MODEL_ERROR_OUT_OF_RANGE,
                   "Cell of pattern “%s”, track “%s”, step %u: %s %g is not a whole number",
                   pattern_id, track_id, step, prop_name, d);
      return FALSE;
    }

  cell = *tandem_pattern_get_cell (pattern, track_id, step);
  switch (prop)
    {
    case TANDEM_CELL_VELOCITY:
      min = 0, max = 127, old = cell.velocity;
      cell.velocity = (guint8) v;
      break;
    case TANDEM_CELL_PROBABILITY:
      min = 0, max = 100, old = cell.probability;
      cell.probability = (guint8) v;
      break;
    case TANDEM_CELL_NOTE:
    default:
      min = TANDEM_NOTE_MIN, max = TANDEM_NOTE_MAX, old = cell.note;
      cell.note = (gint8) v;
      break;
    }
  if (v < min || v > max)
    {
      g_set_error (error, TANDEM_MODEL_ERROR, TANDEM_MODEL_ERROR_OUT_OF_RANGE,
                   "Cell of pattern “%s”, track “%s”, step %u: %s %" G_GINT64_FORMAT
                   " is out of range (%" G_GINT64_FORMAT " … %" G_GINT64_FORMAT ")",
                   pattern_id, track_id, step, prop_name, v, min, max);
      return FALSE;
    }

  _tandem_pattern_set_cell (pattern, track_id, step, &cell);
  *inverse = tandem_op_new_set_cell (pattern_id, track_id, step, prop_name, (int) old);
  return TRUE;
}

static gboolean
apply_set (TandemProject  *self,
           TandemOp       *op,
           TandemOp      **inverse,
           GError        **error)
{
  TandemEntityKind kind = tandem_op_get_entity (op);
  const char *id = tandem_op_get_id (op);
  const char *prop = tandem_op_get_prop (op);
  const TandemPropDesc *desc;
  g_autofree char *label = NULL;
  GObject *entity;
  TandemValue v;
  JsonNode *old;

  if (kind == TANDEM_ENTITY_CELL)
    return apply_set_cell (self, op, inverse, error);

  entity = _tandem_project_find_entity (self, kind, id);
  if (entity == NULL)
    return unknown_entity (kind, id, error);

  label = _tandem_entity_label (kind, id);
  desc = _tandem_props_lookup (kind, prop);
  if (desc == NULL)
    {
      g_set_error (error, TANDEM_MODEL_ERROR, TANDEM_MODEL_ERROR_UNKNOWN_PROPERTY,
                   "%s has no property “%s” that can be set", label, prop);
      return FALSE;
    }
  if (!desc->settable)
    {
      g_set_error (error, TANDEM_MODEL_ERROR, TANDEM_MODEL_ERROR_CONSTRAINT,
                   "%s: %s is fixed when the entity is created", label, prop);
      return FALSE;
    }
  if (!_tandem_prop_validate (self, desc, label, tandem_op_get_value (op), &v, error))
    return FALSE;
  if (kind == TANDEM_ENTITY_CLIP)
    {
      TandemClip *clip = TANDEM_CLIP (entity);
      const char *pattern = strcmp (prop, "pattern") == 0 ? v.s : clip->pattern;
      guint start = strcmp (prop, "start") == 0 ? (guint) v.u : clip->start;
      guint length = strcmp (prop, "length") == 0 ? (guint) v.u : clip->length;

      if (!_tandem_project_check_clip_overlap (self, id, pattern, start, length, error))
        return FALSE;
    }

  old = _tandem_prop_to_json (entity, desc);
  _tandem_prop_set (entity, desc, &v, TRUE);
  *inverse = tandem_op_new_set (kind, id, prop, old);
  return TRUE;
}

static guint
clamp_index (int   index,
             guint n)
{
  return index < 0 || (guint) index > n ? n : (guint) index;
}

static gboolean
check_list_kind (TandemOp  *op,
                 GError   **error)
{
  TandemEntityKind kind = tandem_op_get_entity (op);

  if (kind == TANDEM_ENTITY_PROJECT || kind == TANDEM_ENTITY_CELL)
    {
      g_set_error (error, TANDEM_MODEL_ERROR, TANDEM_MODEL_ERROR_INVALID,
                   "A %s cannot be inserted, deleted or moved",
                   tandem_entity_kind_to_string (kind));
      return FALSE;
    }
  return TRUE;
}

static gboolean
apply_insert (TandemProject  *self,
              TandemOp       *op,
              TandemOp      **inverse,
              GError        **error)
{
  TandemEntityKind kind = tandem_op_get_entity (op);
  g_autoptr(GObject) entity = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  GListStore *store;
  const char *id;
  guint n;

  if (!check_list_kind (op, error))
    return FALSE;

  entity = _tandem_entity_from_json (self, kind, tandem_op_get_value (op), &rows, error);
  if (entity == NULL)
    return FALSE;
  id = _tandem_entity_get_id (entity);
  if (_tandem_project_find_entity (self, kind, id) != NULL)
    {
      g_autofree char *label = _tandem_entity_label (kind, id);

      g_set_error (error, TANDEM_MODEL_ERROR, TANDEM_MODEL_ERROR_DUPLICATE_ID,
                   "%s already exists", label);
      return FALSE;
    }

  if (kind == TANDEM_ENTITY_CLIP)
    {
      TandemClip *clip = TANDEM_CLIP (entity);

      if (!_tandem_project_check_clip_overlap (self, id, clip->pattern, clip->start, clip->length, error))
        return FALSE;
    }

  store = _tandem_project_get_store (self, kind);
  n = g_list_model_get_n_items (G_LIST_MODEL (store));
  g_hash_table_insert (_tandem_project_get_index (self, kind), (gpointer) id, entity);
  g_list_store_insert (store, clamp_index (tandem_op_get_index (op), n), entity);

  /* A track that comes back from a delete brings its cells with it. */
  if (rows != NULL)
    for (guint i = 0; i < rows->len; i++)
      {
        TandemRowData *rd = g_ptr_array_index (rows, i);
        TandemPattern *pattern = tandem_project_find_pattern (self, rd->other_id);

        _tandem_pattern_set_row (pattern, id, rd->row, TRUE);
      }

  *inverse = tandem_op_new_delete (kind, id);
  return TRUE;
}

static void
remove_entity (TandemProject    *self,
               TandemEntityKind  kind,
               GObject          *entity,
               guint             position)
{
  g_autoptr(GObject) hold = g_object_ref (entity);

  g_hash_table_remove (_tandem_project_get_index (self, kind), _tandem_entity_get_id (entity));
  g_list_store_remove (_tandem_project_get_store (self, kind), position);
}

static gboolean
apply_delete (TandemProject  *self,
              TandemOp       *op,
              TandemOp      **inverse,
              GError        **error)
{
  TandemEntityKind kind = tandem_op_get_entity (op);
  const char *id = tandem_op_get_id (op);
  g_autoptr(TandemOp) inv = NULL;
  g_autofree char *label = NULL;
  GObject *entity;
  int position;

  if (!check_list_kind (op, error))
    return FALSE;
  entity = _tandem_project_find_entity (self, kind, id);
  if (entity == NULL)
    return unknown_entity (kind, id, error);
  position = _tandem_project_index_of (self, kind, entity);
  g_assert (position >= 0);
  label = _tandem_entity_label (kind, id);

  switch (kind)
    {
    case TANDEM_ENTITY_TRACK:
      {
        GListModel *patterns = G_LIST_MODEL (self->patterns);
        guint n = g_list_model_get_n_items (patterns);

        inv = tandem_op_new_insert (kind, position,
                                    _tandem_entity_to_json (self, kind, entity, TRUE));
        /* Its cells go while the track still exists, so handlers can look it up. */
        for (guint i = 0; i < n; i++)
          {
            g_autoptr(TandemPattern) pattern = g_list_model_get_item (patterns, i);

            _tandem_pattern_set_row (pattern, id, NULL, TRUE);
          }
        remove_entity (self, kind, entity, position);
        break;
      }

    case TANDEM_ENTITY_PATTERN:
      {
        GListModel *clips = G_LIST_MODEL (self->clips);
        g_autoptr(GArray) doomed = g_array_new (FALSE, FALSE, sizeof (guint));
        g_autoptr(TandemOp) restore = NULL;
        gboolean was_current;
        guint n_clips;

        if (g_list_model_get_n_items (G_LIST_MODEL (self->patterns)) <= 1)
          {
            g_set_error (error, TANDEM_MODEL_ERROR, TANDEM_MODEL_ERROR_CONSTRAINT,
                         "%s is the last pattern; a project keeps at least one", label);
            return FALSE;
          }

        restore = tandem_op_new_insert (kind, position,
                                        _tandem_entity_to_json (self, kind, entity, FALSE));
        n_clips = g_list_model_get_n_items (clips);
        for (guint i = 0; i < n_clips; i++)
          {
            g_autoptr(TandemClip) clip = g_list_model_get_item (clips, i);

            if (strcmp (clip->pattern, id) == 0)
              g_array_append_val (doomed, i);
          }
        was_current = strcmp (self->current_pattern, id) == 0;

        if (doomed->len == 0 && !was_current)
          inv = g_steal_pointer (&restore);
        else
          {
            /* Pattern first, then its clips at their old places (ascending,
             * so each index is right when it is used), then the selection. */
            inv = tandem_op_new_batch ();
            tandem_op_batch_add (inv, g_steal_pointer (&restore));
            for (guint i = 0; i < doomed->len; i++)
              {
                guint pos = g_array_index (doomed, guint, i);
                g_autoptr(GObject) clip = g_list_model_get_item (clips, pos);
                JsonNode *data = _tandem_entity_to_json (self, TANDEM_ENTITY_CLIP, clip, FALSE);

                tandem_op_batch_add (inv, tandem_op_new_insert (TANDEM_ENTITY_CLIP, pos, data));
              }
            if (was_current)
              tandem_op_batch_add (inv, tandem_op_new_set_string (TANDEM_ENTITY_PROJECT, NULL,
                                                                  "current-pattern", id));
          }

        for (guint i = doomed->len; i > 0; i--)
          {
            guint pos = g_array_index (doomed, guint, i - 1);
            g_autoptr(GObject) clip = g_list_model_get_item (clips, pos);

            remove_entity (self, TANDEM_ENTITY_CLIP, clip, pos);
          }
        remove_entity (self, kind, entity, position);
        if (was_current)
          {
            g_autoptr(TandemPattern) first =
              g_list_model_get_item (G_LIST_MODEL (self->patterns), 0);
            const TandemPropDesc *desc =
              _tandem_props_lookup (TANDEM_ENTITY_PROJECT, "current-pattern");
            TandemValue v = { .s = first->id };

            _tandem_prop_set (G_OBJECT (self), desc, &v, TRUE);
          }
        break;
      }

    case TANDEM_ENTITY_SAMPLE:
      {
        GListModel *tracks = G_LIST_MODEL (self->tracks);
        guint n = g_list_model_get_n_items (tracks);

        for (guint i = 0; i < n; i++)
          {
            g_autoptr(TandemTrack) track = g_list_model_get_item (tracks, i);
            const char *hash = tandem_instrument_get_sample (track->instrument);

            if (hash != NULL && strcmp (hash, id) == 0)
              {
                g_set_error (error, TANDEM_MODEL_ERROR, TANDEM_MODEL_ERROR_CONSTRAINT,
                             "%s is used by track “%s”", label, track->name);
                return FALSE;
              }
          }
      }
      G_GNUC_FALLTHROUGH;
    case TANDEM_ENTITY_CLIP:
      inv = tandem_op_new_insert (kind, position,
                                  _tandem_entity_to_json (self, kind, entity, FALSE));
      remove_entity (self, kind, entity, position);
      break;

    case TANDEM_ENTITY_PROJECT:
    case TANDEM_ENTITY_CELL:
    default:
      g_assert_not_reached ();
    }

  *inverse = g_steal_pointer (&inv);
  return TRUE;
}

static gboolean
apply_move (TandemProject  *self,
            TandemOp       *op,
            TandemOp      **inverse,
            GError        **error)
{
  TandemEntityKind kind = tandem_op_get_entity (op);
  const char *id = tandem_op_get_id (op);
  GListStore *store;
  GObject *entity;
  int position;
  guint n, target;

  if (!check_list_kind (op, error))
    return FALSE;
  entity = _tandem_project_find_entity (self, kind, id);
  if (entity == NULL)
    return unknown_entity (kind, id, error);

  store = _tandem_project_get_store (self, kind);
  position = _tandem_project_index_of (self, kind, entity);
  n = g_list_model_get_n_items (G_LIST_MODEL (store));
  target = clamp_index (tandem_op_get_index (op), n - 1);
  if (target != (guint) position)
    {
      g_autoptr(GObject) hold = g_object_ref (entity);

      g_list_store_remove (store, position);
      g_list_store_insert (store, target, entity);
    }
  *inverse = tandem_op_new_move (kind, id, position);
  return TRUE;
}

static gboolean
apply_batch (TandemProject  *self,
             TandemOp       *op,
             TandemOp      **inverse,
             GError        **error)
{
  guint n = tandem_op_batch_get_n_ops (op);
  g_autoptr(GPtrArray) inverses = g_ptr_array_new_full (n, (GDestroyNotify) tandem_op_unref);
  TandemOp *inv;

  for (guint i = 0; i < n; i++)
    {
      TandemOp *child_inverse = NULL;

      if (!apply_op (self, tandem_op_batch_get_op (op, i), &child_inverse, error))
        {
          for (guint j = inverses->len; j > 0; j--)
            {
              g_autoptr(TandemOp) redo = NULL;
              g_autoptr(GError) rollback_error = NULL;

              if (!apply_op (self, g_ptr_array_index (inverses, j - 1), &redo, &rollback_error))
                g_critical ("Rolling back a batch failed: %s", rollback_error->message);
            }
          return FALSE;
        }
      g_ptr_array_add (inverses, child_inverse);
    }

  inv = tandem_op_new_batch ();
  for (guint j = inverses->len; j > 0; j--)
    tandem_op_batch_add (inv, g_ptr_array_index (inverses, j - 1));
  g_ptr_array_set_free_func (inverses, NULL);
  *inverse = inv;
  return TRUE;
}

static gboolean
apply_op (TandemProject  *self,
          TandemOp       *op,
          TandemOp      **inverse,
          GError        **error)
{
  switch (tandem_op_get_kind (op))
    {
    case TANDEM_OP_SET: return apply_set (self, op, inverse, error);
    case TANDEM_OP_INSERT: return apply_insert (self, op, inverse, error);
    case TANDEM_OP_DELETE: return apply_delete (self, op, inverse, error);
    case TANDEM_OP_MOVE: return apply_move (self, op, inverse, error);
    case TANDEM_OP_BATCH: return apply_batch (self, op, inverse, error);
    default:
      g_set_error (error, TANDEM_MODEL_ERROR, TANDEM_MODEL_ERROR_UNKNOWN_OP, "Unknown op");
      return FALSE;
    }
}

/**
 * tandem_project_apply:
 * @inverse: (out) (optional): the op that exactly undoes @op
 *
 * Validates @op against the project and applies it, then emits ::op-applied.
 * On error the project is unchanged and @error names the problem. A batch
 * applies all its ops or none.
 */
gboolean
tandem_project_apply (TandemProject  *self,
                      TandemOp       *op,
                      TandemOp      **inverse,
                      GError        **error)
{
  TandemOp *inv = NULL;

  g_return_val_if_fail (TANDEM_IS_PROJECT (self), FALSE);
  g_return_val_if_fail (op != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!apply_op (self, op, &inv, error))
    return FALSE;

  _tandem_project_emit_op_applied (self, op);
  if (inverse != NULL)
    *inverse = inv;
  else
    tandem_op_unref (inv);
  return TRUE;
}
