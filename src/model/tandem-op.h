/* tandem-op.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

#include "tandem-model-types.h"

G_BEGIN_DECLS

/*
 * An op is a small immutable value that describes one change to a project.
 * Ops are the only way to change the model: the UI, undo/redo, the sync
 * client and the session server all apply ops with tandem_project_apply().
 *
 * JSON forms (see docs/ops.md):
 *   {"op":"set","kind":"track","id":"…","prop":"volume","value":-3.5}
 *   {"op":"set","kind":"project","prop":"tempo","value":128}
 *   {"op":"set","kind":"cell","id":"<pattern>","track":"<track>","step":3,
 *    "prop":"velocity","value":100}
 *   {"op":"insert","kind":"track","index":2,"value":{"id":"…","name":"Kick",…}}
 *   {"op":"delete","kind":"clip","id":"…"}
 *   {"op":"move","kind":"track","id":"…","index":0}
 *   {"op":"batch","ops":[…]}
 *
 * Insert and move clamp the index into the list (-1 means the end), so they
 * stay valid whatever other people inserted or deleted concurrently.
 */
typedef enum
{
  TANDEM_OP_SET,
  TANDEM_OP_INSERT,
  TANDEM_OP_DELETE,
  TANDEM_OP_MOVE,
  TANDEM_OP_BATCH,
} TandemOpKind;

typedef struct _TandemOp TandemOp;

#define TANDEM_TYPE_OP (tandem_op_get_type ())
GType         tandem_op_get_type        (void) G_GNUC_CONST;

TandemOp     *tandem_op_ref             (TandemOp         *op);
void          tandem_op_unref           (TandemOp         *op);

/* Constructors. @value / @data are taken over (transfer full). */
TandemOp     *tandem_op_new_set         (TandemEntityKind  kind,
                                         const char       *id,
                                         const char       *prop,
                                         JsonNode         *value);
TandemOp     *tandem_op_new_set_int     (TandemEntityKind  kind,
                                         const char       *id,
                                         const char       *prop,
                                         gint64            value);
TandemOp     *tandem_op_new_set_double  (TandemEntityKind  kind,
                                         const char       *id,
                                         const char       *prop,
                                         double            value);
TandemOp     *tandem_op_new_set_boolean (TandemEntityKind  kind,
                                         const char       *id,
                                         const char       *prop,
                                         gboolean          value);
TandemOp     *tandem_op_new_set_string  (TandemEntityKind  kind,
                                         const char       *id,
                                         const char       *prop,
                                         const char       *value);
/* @prop is "velocity", "probability" or "note". */
TandemOp     *tandem_op_new_set_cell    (const char       *pattern_id,
                                         const char       *track_id,
                                         guint             step,
                                         const char       *prop,
                                         int               value);
/* @data is the entity's JSON object, as in a project file, including "id". */
TandemOp     *tandem_op_new_insert      (TandemEntityKind  kind,
                                         int               index,
                                         JsonNode         *data);
TandemOp     *tandem_op_new_delete      (TandemEntityKind  kind,
                                         const char       *id);
TandemOp     *tandem_op_new_move        (TandemEntityKind  kind,
                                         const char       *id,
                                         int               index);
TandemOp     *tandem_op_new_batch       (void);
/* Appends @child (transfer full) to a batch op that is not yet shared. */
void          tandem_op_batch_add       (TandemOp         *batch,
                                         TandemOp         *child);

TandemOpKind      tandem_op_get_kind     (const TandemOp *op);
TandemEntityKind  tandem_op_get_entity   (const TandemOp *op);
const char       *tandem_op_get_id       (const TandemOp *op);
const char       *tandem_op_get_prop     (const TandemOp *op);
JsonNode         *tandem_op_get_value    (const TandemOp *op); /* set: value; insert: data */
int               tandem_op_get_index    (const TandemOp *op);
const char       *tandem_op_get_track_id (const TandemOp *op); /* cell ops */
guint             tandem_op_get_step     (const TandemOp *op); /* cell ops */
guint             tandem_op_batch_get_n_ops (const TandemOp *op);
TandemOp         *tandem_op_batch_get_op    (const TandemOp *op,
                                             guint           i);

/* Serialization. from_json checks the op's shape (members, types, ids,
 * known op and entity kinds), not whether it applies to a given project. */
JsonNode     *tandem_op_to_json         (const TandemOp   *op);
TandemOp     *tandem_op_from_json       (JsonNode         *node,
                                         GError          **error);
char         *tandem_op_to_string       (const TandemOp   *op);
TandemOp     *tandem_op_from_string     (const char       *json,
                                         GError          **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TandemOp, tandem_op_unref)

G_END_DECLS
