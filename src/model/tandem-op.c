/* tandem-op.c — ops: small immutable values describing one change
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-model"

#include "config.h"

#include <math.h>
#include <string.h>

#include "tandem-model-private.h"

/* Batches nest (undo groups of batches); deeper than this is hostile input. */
#define MAX_BATCH_DEPTH 32

struct _TandemOp
{
  gatomicrefcount   ref_count;
  TandemOpKind      kind;
  TandemEntityKind  entity;
  int               index;
  guint             step;
  char             *id;
  char             *prop;
  char             *track_id;
  JsonNode         *value;
  GPtrArray        *ops; /* batch children */
};

G_DEFINE_BOXED_TYPE (TandemOp, tandem_op, tandem_op_ref, tandem_op_unref)

static const char * const op_names[] = { "set", "insert", "delete", "move", "batch" };

static TandemOp *
op_alloc (TandemOpKind     kind,
          TandemEntityKind entity)
{
  TandemOp *op = g_new0 (TandemOp, 1);

  g_atomic_ref_count_init (&op->ref_count);
  op->kind = kind;
  op->entity = entity;
  op->index = -1;
  return op;
}

/** tandem_op_ref: Returns: (transfer full): @op */
TandemOp *
tandem_op_ref (TandemOp *op)
{
  g_return_val_if_fail (op != NULL, NULL);
  g_atomic_ref_count_inc (&op->ref_count);
  return op;
}

/** tandem_op_unref: drops a reference, freeing @op with the last one */
void
tandem_op_unref (TandemOp *op)
{
  g_return_if_fail (op != NULL);
  if (!g_atomic_ref_count_dec (&op->ref_count))
    return;
  g_free (op->id);
  g_free (op->prop);
  g_free (op->track_id);
  g_clear_pointer (&op->value, json_node_unref);
  g_clear_pointer (&op->ops, g_ptr_array_unref);
  g_free (op);
}

/**
 * tandem_op_new_set:
 * @id: (nullable): the entity's id; NULL for the project
 * @value: (transfer full): the new value
 *
 * Returns: (transfer full): a set op
 */
TandemOp *
tandem_op_new_set (TandemEntityKind  kind,
                   const char       *id,
                   const char       *prop,
                   JsonNode         *value)
{
  TandemOp *op;

  g_return_val_if_fail (prop != NULL, NULL);
  g_return_val_if_fail (value != NULL, NULL);
  g_return_val_if_fail (kind != TANDEM_ENTITY_CELL, NULL);

  op = op_alloc (TANDEM_OP_SET, kind);
  op->id = kind == TANDEM_ENTITY_PROJECT ? NULL : g_strdup (id);
  op->prop = g_strdup (prop);
  op->value = value;
  return op;
}

/** tandem_op_new_set_int: Returns: (transfer full): a set op with an integer value */
TandemOp *
tandem_op_new_set_int (TandemEntityKind  kind,
                       const char       *id,
                       const char       *prop,
                       gint64            value)
{
  return tandem_op_new_set (kind, id, prop, json_node_init_int (json_node_alloc (), value));
}

/** tandem_op_new_set_double: Returns: (transfer full): a set op with a number value */
TandemOp *
tandem_op_new_set_double (TandemEntityKind  kind,
                          const char       *id,
                          const char       *prop,
                          double            value)
{
  return tandem_op_new_set (kind, id, prop, json_node_init_double (json_node_alloc (), value));
}

/** tandem_op_new_set_boolean: Returns: (transfer full): a set op with a boolean value */
TandemOp *
tandem_op_new_set_boolean (TandemEntityKind  kind,
                           const char       *id,
                           const char       *prop,
                           gboolean          value)
{
  return tandem_op_new_set (kind, id, prop,
                            json_node_init_boolean (json_node_alloc (), value));
}

/** tandem_op_new_set_string: Returns: (transfer full): a set op with a string value */
TandemOp *
tandem_op_new_set_string (TandemEntityKind  kind,
                          const char       *id,
                          const char       *prop,
                          const char       *value)
{
  return tandem_op_new_set (kind, id, prop, json_node_init_string (json_node_alloc (), value));
}

/** tandem_op_new_set_cell: Returns: (transfer full): an op setting one cell's @prop */
TandemOp *
tandem_op_new_set_cell (const char *pattern_id,
                        const char *track_id,
                        guint       step,
                        const char *prop,
                        int         value)
{
  TandemOp *op;

  g_return_val_if_fail (pattern_id != NULL, NULL);
  g_return_val_if_fail (track_id != NULL, NULL);
  g_return_val_if_fail (prop != NULL, NULL);

  op = op_alloc (TANDEM_OP_SET, TANDEM_ENTITY_CELL);
  op->id = g_strdup (pattern_id);
  op->track_id = g_strdup (track_id);
  op->step = step;
  op->prop = g_strdup (prop);
  op->value = json_node_init_int (json_node_alloc (), value);
  return op;
}

/**
 * tandem_op_new_insert:
 * @index: the position, clamped into the list; -1 for the end
 * @data: (transfer full): the entity's JSON object, including "id"
 *
 * Returns: (transfer full): an insert op
 */
TandemOp *
tandem_op_new_insert (TandemEntityKind  kind,
                      int               index,
                      JsonNode         *data)
{
  TandemOp *op;
  JsonNode *id_node;

  g_return_val_if_fail (data != NULL, NULL);

  op = op_alloc (TANDEM_OP_INSERT, kind);
  op->index = index;
  op->value = data;
  if (JSON_NODE_HOLDS_OBJECT (data)
      && (id_node = json_object_get_member (json_node_get_object (data), "id")) != NULL
      && JSON_NODE_HOLDS_VALUE (id_node)
      && json_node_get_value_type (id_node) == G_TYPE_STRING)
    op->id = g_strdup (json_node_get_string (id_node));
  return op;
}

/** tandem_op_new_delete: Returns: (transfer full): an op deleting the entity @id */
TandemOp *
tandem_op_new_delete (TandemEntityKind  kind,
                      const char       *id)
{
  TandemOp *op;

  g_return_val_if_fail (id != NULL, NULL);

  op = op_alloc (TANDEM_OP_DELETE, kind);
  op->id = g_strdup (id);
  return op;
}

/** tandem_op_new_move: Returns: (transfer full): an op moving @id to @index (-1: the end) */
TandemOp *
tandem_op_new_move (TandemEntityKind  kind,
                    const char       *id,
                    int               index)
{
  TandemOp *op;

  g_return_val_if_fail (id != NULL, NULL);

  op = op_alloc (TANDEM_OP_MOVE, kind);
  op->id = g_strdup (id);
  op->index = index;
  return op;
}

/** tandem_op_new_batch: Returns: (transfer full): an empty batch */
TandemOp *
tandem_op_new_batch (void)
{
  TandemOp *op = op_alloc (TANDEM_OP_BATCH, TANDEM_ENTITY_PROJECT);

  op->ops = g_ptr_array_new_with_free_func ((GDestroyNotify) tandem_op_unref);
  return op;
}

/**
 * tandem_op_batch_add:
 * @child: (transfer full): the op to append
 */
void
tandem_op_batch_add (TandemOp *batch,
                     TandemOp *child)
{
  g_return_if_fail (batch != NULL && batch->kind == TANDEM_OP_BATCH);
  g_return_if_fail (child != NULL);

  g_ptr_array_add (batch->ops, child);
}

/** tandem_op_get_kind: Returns: what the op does */
TandemOpKind
tandem_op_get_kind (const TandemOp *op)
{
  g_return_val_if_fail (op != NULL, TANDEM_OP_BATCH);
  return op->kind;
}

/** tandem_op_get_entity: Returns: the kind of entity the op addresses */
TandemEntityKind
tandem_op_get_entity (const TandemOp *op)
{
  g_return_val_if_fail (op != NULL, TANDEM_ENTITY_PROJECT);
  return op->entity;
}

/** tandem_op_get_id: Returns: (nullable): the entity's id (the pattern's for cells) */
const char *
tandem_op_get_id (const TandemOp *op)
{
  g_return_val_if_fail (op != NULL, NULL);
  return op->id;
}

/** tandem_op_get_prop: Returns: (nullable): the property a set op changes */
const char *
tandem_op_get_prop (const TandemOp *op)
{
  g_return_val_if_fail (op != NULL, NULL);
  return op->prop;
}

/** tandem_op_get_value: Returns: (transfer none) (nullable): the value (set) or data (insert) */
JsonNode *
tandem_op_get_value (const TandemOp *op)
{
  g_return_val_if_fail (op != NULL, NULL);
  return op->value;
}

/** tandem_op_get_index: Returns: the index of an insert or move (-1: the end) */
int
tandem_op_get_index (const TandemOp *op)
{
  g_return_val_if_fail (op != NULL, -1);
  return op->index;
}

/** tandem_op_get_track_id: Returns: (nullable): the track of a cell op */
const char *
tandem_op_get_track_id (const TandemOp *op)
{
  g_return_val_if_fail (op != NULL, NULL);
  return op->track_id;
}

/** tandem_op_get_step: Returns: the step of a cell op */
guint
tandem_op_get_step (const TandemOp *op)
{
  g_return_val_if_fail (op != NULL, 0);
  return op->step;
}

/** tandem_op_batch_get_n_ops: Returns: the number of ops in a batch (0 for others) */
guint
tandem_op_batch_get_n_ops (const TandemOp *op)
{
  g_return_val_if_fail (op != NULL, 0);
  return op->kind == TANDEM_OP_BATCH ? op->ops->len : 0;
}

/** tandem_op_batch_get_op: Returns: (transfer none): the @i-th op of a batch */
TandemOp *
tandem_op_batch_get_op (const TandemOp *op,
                        guint           i)
{
  g_return_val_if_fail (op != NULL && op->kind == TANDEM_OP_BATCH, NULL);
  g_return_val_if_fail (i < op->ops->len, NULL);
  return g_ptr_array_index (op->ops, i);
}

static void
add_string (JsonObject *obj,
            const char *name,
            const char *value)
{
  json_object_set_member (obj, name, json_node_init_string (json_node_alloc (), value));
}

/* Whether json-glib writes @value as a number JSON readers take. It writes
 * g_ascii_dtostr()'s text and adds ".0" when that has no point, so NaN and
 * infinity become "nan.0" and "inf.0", and any number %.17g prints as one
 * digit and an exponent ("7e+67", "2e-66") becomes "7e+67.0": none reads
 * back. */
static gboolean
writes_readably (double value)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  g_ascii_dtostr (buf, sizeof buf, value);
  return isfinite (value) && (strchr (buf, '.') != NULL || strpbrk (buf, "eE") == NULL);
}

/* An op holding a number json-glib cannot write readably writes null there
 * instead, and is refused when applied either way (no property takes such
 * a number: they are huge, tiny or not numbers). */
static gboolean
has_non_finite (JsonNode *node)
{
  switch (JSON_NODE_TYPE (node))
    {
    case JSON_NODE_OBJECT:
      {
        JsonObjectIter iter;
        const char *name;
        JsonNode *member;

        json_object_iter_init (&iter, json_node_get_object (node));
        while (json_object_iter_next (&iter, &name, &member))
          if (has_non_finite (member))
            return TRUE;
        return FALSE;
      }
    case JSON_NODE_ARRAY:
      {
        JsonArray *array = json_node_get_array (node);
        guint n = json_array_get_length (array);

        for (guint i = 0; i < n; i++)
          if (has_non_finite (json_array_get_element (array, i)))
            return TRUE;
        return FALSE;
      }
    case JSON_NODE_VALUE:
      return json_node_get_value_type (node) == G_TYPE_DOUBLE
             && !writes_readably (json_node_get_double (node));
    case JSON_NODE_NULL:
    default:
      return FALSE;
    }
}

static JsonNode *
copy_finite (JsonNode *node)
{
  if (!has_non_finite (node))
    return json_node_copy (node);

  switch (JSON_NODE_TYPE (node))
    {
    case JSON_NODE_OBJECT:
      {
        JsonObject *copy = json_object_new ();
        JsonObjectIter iter;
        const char *name;
        JsonNode *member;

        json_object_iter_init_ordered (&iter, json_node_get_object (node));
        while (json_object_iter_next_ordered (&iter, &name, &member))
          json_object_set_member (copy, name, copy_finite (member));
        return take_object (copy);
      }
    case JSON_NODE_ARRAY:
      {
        JsonArray *array = json_node_get_array (node);
        guint n = json_array_get_length (array);
        JsonArray *copy = json_array_sized_new (n);

        for (guint i = 0; i < n; i++)
          json_array_add_element (copy, copy_finite (json_array_get_element (array, i)));
        return take_array (copy);
      }
    case JSON_NODE_VALUE:
    case JSON_NODE_NULL:
    default:
      return json_node_new (JSON_NODE_NULL);
    }
}

/** tandem_op_to_json: Returns: (transfer full): the op's JSON form (docs/ops.md) */
JsonNode *
tandem_op_to_json (const TandemOp *op)
{
  JsonObject *obj;

  g_return_val_if_fail (op != NULL, NULL);

  obj = json_object_new ();
  add_string (obj, "op", op_names[op->kind]);
  if (op->kind == TANDEM_OP_BATCH)
    {
      JsonArray *array = json_array_sized_new (op->ops->len);

      for (guint i = 0; i < op->ops->len; i++)
        json_array_add_element (array, tandem_op_to_json (g_ptr_array_index (op->ops, i)));
      json_object_set_array_member (obj, "ops", array);
      return take_object (obj);
    }

  add_string (obj, "kind", tandem_entity_kind_to_string (op->entity));
  switch (op->kind)
    {
    case TANDEM_OP_SET:
      if (op->entity != TANDEM_ENTITY_PROJECT)
        add_string (obj, "id", op->id);
      if (op->entity == TANDEM_ENTITY_CELL)
        {
          add_string (obj, "track", op->track_id);
          json_object_set_int_member (obj, "step", op->step);
        }
      add_string (obj, "prop", op->prop);
      json_object_set_member (obj, "value", copy_finite (op->value));
      break;
    case TANDEM_OP_INSERT:
      json_object_set_int_member (obj, "index", op->index);
      json_object_set_member (obj, "value", copy_finite (op->value));
      break;
    case TANDEM_OP_DELETE:
      add_string (obj, "id", op->id);
      break;
    case TANDEM_OP_MOVE:
      add_string (obj, "id", op->id);
      json_object_set_int_member (obj, "index", op->index);
      break;
    case TANDEM_OP_BATCH:
    default:
      g_assert_not_reached ();
    }
  return take_object (obj);
}

static const char *
get_string_member (JsonObject  *obj,
                   const char  *member,
                   gboolean     required,
                   GError     **error)
{
  JsonNode *node = json_object_get_member (obj, member);

  if (node == NULL)
    {
      if (required)
        g_set_error (error, TANDEM_MODEL_ERROR, TANDEM_MODEL_ERROR_INVALID,
                     "The op has no “%s”", member);
      return NULL;
    }
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    {
      g_set_error (error, TANDEM_MODEL_ERROR, TANDEM_MODEL_ERROR_INVALID,
                   "The op's “%s” must be a string", member);
      return NULL;
    }
  return json_node_get_string (node);
}

static gboolean
get_id_member (JsonObject        *obj,
               const char        *member,
               TandemEntityKind   kind,
               const char       **id,
               GError           **error)
{
  *id = get_string_member (obj, member, TRUE, error);
  if (*id == NULL)
    return FALSE;
  if (kind == TANDEM_ENTITY_SAMPLE ? !tandem_sample_hash_is_valid (*id)
                                   : !tandem_id_is_valid (*id))
    {
      g_set_error (error, TANDEM_MODEL_ERROR, TANDEM_MODEL_ERROR_INVALID,
                   "The op's “%s” is not a valid id", member);
      return FALSE;
    }
  return TRUE;
}

static gboolean
get_index_member (JsonObject  *obj,
                  gboolean     required,
                  int         *index,
                  GError     **error)
{
  JsonNode *node = json_object_get_member (obj, "index");
  gint64 v;

  *index = -1;
  if (node == NULL)
    {
      if (required)
        {
          g_set_error (error, TANDEM_MODEL_ERROR, TANDEM_MODEL_ERROR_INVALID,
                       "The op has no “index”");
          return FALSE;
        }
      return TRUE;
    }
  if (!_tandem_json_get_int (node, &v))
    {
      g_set_error (error, TANDEM_MODEL_ERROR, TANDEM_MODEL_ERROR_WRONG_TYPE,
                   "The op's “index” must be an integer");
      return FALSE;
    }
  /* Any negative index means the end; large ones clamp when applied. */
  *index = v < 0 ? -1 : (int) MIN (v, G_MAXINT);
  return TRUE;
}

static TandemOp *
op_from_json (JsonNode  *node,
              guint      depth,
              GError   **error)
{
  g_autoptr(TandemOp) op = NULL;
  const char *name, *kind_name, *id = NULL;
  TandemEntityKind entity;
  TandemOpKind kind;
  JsonObject *obj;
  JsonNode *value;
  guint i;

  if (depth > MAX_BATCH_DEPTH)
    {
      g_set_error (error, TANDEM_MODEL_ERROR, TANDEM_MODEL_ERROR_INVALID,
                   "Batches are nested more than %u deep", MAX_BATCH_DEPTH);
      return NULL;
    }
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error (error, TANDEM_MODEL_ERROR, TANDEM_MODEL_ERROR_INVALID,
                   "An op must be a JSON object");
      return NULL;
    }
  obj = json_node_get_object (node);

  if ((name = get_string_member (obj, "op", TRUE, error)) == NULL)
    return NULL;
  for (i = 0; i < G_N_ELEMENTS (op_names); i++)
    if (strcmp (name, op_names[i]) == 0)
      break;
  if (i == G_N_ELEMENTS (op_names))
    {
      g_set_error (error, TANDEM_MODEL_ERROR, TANDEM_MODEL_ERROR_UNKNOWN_OP,
                   "Unknown op “%s”", name);
      return NULL;
    }
  kind = (TandemOpKind) i;

  if (kind == TANDEM_OP_BATCH)
    {
      JsonNode *ops = json_object_get_member (obj, "ops");
      JsonArray *array;

      if (ops == NULL || !JSON_NODE_HOLDS_ARRAY (ops))
        {
          g_set_error (error, TANDEM_MODEL_ERROR, TANDEM_MODEL_ERROR_INVALID,
                       "A batch needs an “ops” array");
          return NULL;
        }
      array = json_node_get_array (ops);
      op = tandem_op_new_batch ();
      for (i = 0; i < json_array_get_length (array); i++)
        {
          TandemOp *child = op_from_json (json_array_get_element (array, i), depth + 1, error);

          if (child == NULL)
            return NULL;
          tandem_op_batch_add (op, child);
        }
      return g_steal_pointer (&op);
    }

  if ((kind_name = get_string_member (obj, "kind", TRUE, error)) == NULL)
    return NULL;
  if (!tandem_entity_kind_from_string (kind_name, &entity))
    {
      g_set_error (error, TANDEM_MODEL_ERROR, TANDEM_MODEL_ERROR_INVALID,
                   "Unknown entity kind “%s”", kind_name);
      return NULL;
    }
  if (kind != TANDEM_OP_SET
      && (entity == TANDEM_ENTITY_PROJECT || entity == TANDEM_ENTITY_CELL))
    {
      g_set_error (error, TANDEM_MODEL_ERROR, TANDEM_MODEL_ERROR_INVALID,
                   "A %s cannot be the target of “%s”", kind_name, name);
      return NULL;
    }

  switch (kind)
    {
    case TANDEM_OP_SET:
      {
        const char *prop;

        if (entity != TANDEM_ENTITY_PROJECT && !get_id_member (obj, "id", entity, &id, error))
          return NULL;
        if ((prop = get_string_member (obj, "prop", TRUE, error)) == NULL)
          return NULL;
        if ((value = json_object_get_member (obj, "value")) == NULL)
          {
            g_set_error (error, TANDEM_MODEL_ERROR, TANDEM_MODEL_ERROR_INVALID,
                         "The op has no “value”");
            return NULL;
          }
        op = op_alloc (TANDEM_OP_SET, entity);
        op->id = g_strdup (id);
        op->prop = g_strdup (prop);
        op->value = json_node_copy (value);
        if (entity == TANDEM_ENTITY_CELL)
          {
            JsonNode *step = json_object_get_member (obj, "step");
            gint64 s;

            if (!get_id_member (obj, "track", TANDEM_ENTITY_TRACK, &id, error))
              return NULL;
            op->track_id = g_strdup (id);
            if (step == NULL || !_tandem_json_get_int (step, &s))
              {
                g_set_error (error, TANDEM_MODEL_ERROR, TANDEM_MODEL_ERROR_INVALID,
                             "A cell op needs an integer “step”");
                return NULL;
              }
            if (s < 0)
              {
                g_set_error (error, TANDEM_MODEL_ERROR, TANDEM_MODEL_ERROR_OUT_OF_RANGE,
                             "Cell step %" G_GINT64_FORMAT " is out of range (0 … %d)",
                             s, TANDEM_MAX_STEPS - 1);
                return NULL;
              }
            op->step = (guint) MIN (s, G_MAXUINT);
          }
        break;
      }
    case TANDEM_OP_INSERT:
      {
        int index;

        if (!get_index_member (obj, FALSE, &index, error))
          return NULL;
        value = json_object_get_member (obj, "value");
        if (value == NULL || !JSON_NODE_HOLDS_OBJECT (value))
          {
            g_set_error (error, TANDEM_MODEL_ERROR, TANDEM_MODEL_ERROR_INVALID,
                         "An insert needs a “value” object");
            return NULL;
          }
        if (!get_id_member (json_node_get_object (value), "id", entity, &id, error))
          return NULL;
        op = tandem_op_new_insert (entity, index, json_node_copy (value));
        break;
      }
    case TANDEM_OP_DELETE:
      if (!get_id_member (obj, "id", entity, &id, error))
        return NULL;
      op = tandem_op_new_delete (entity, id);
      break;
    case TANDEM_OP_MOVE:
      {
        int index;

        if (!get_id_member (obj, "id", entity, &id, error))
          return NULL;
        if (!get_index_member (obj, TRUE, &index, error))
          return NULL;
        op = tandem_op_new_move (entity, id, index);
        break;
      }
    case TANDEM_OP_BATCH:
    default:
      g_assert_not_reached ();
    }
  return g_steal_pointer (&op);
}

/**
 * tandem_op_from_json:
 *
 * Checks the op's shape (members, types, ids, known op and entity kinds).
 *
 * Returns: (transfer full) (nullable): the op, or NULL with @error set
 */
TandemOp *
tandem_op_from_json (JsonNode  *node,
                     GError   **error)
{
  return op_from_json (node, 0, error);
}

/** tandem_op_to_string: Returns: (transfer full): the op as compact JSON */
char *
tandem_op_to_string (const TandemOp *op)
{
  g_autoptr(JsonNode) node = tandem_op_to_json (op);

  return _tandem_json_to_string (node, FALSE, NULL);
}

/** tandem_op_from_string: Returns: (transfer full) (nullable): the op parsed from @json */
TandemOp *
tandem_op_from_string (const char  *json,
                       GError     **error)
{
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (json != NULL, NULL);

  node = tandem_json_parse_bounded (json, strlen (json), &tandem_json_limits_op, &local_error);
  if (node == NULL)
    {
      g_set_error (error, TANDEM_MODEL_ERROR, TANDEM_MODEL_ERROR_INVALID,
                   "The op is not valid JSON: %s", local_error->message);
      return NULL;
    }
  return tandem_op_from_json (node, error);
}
