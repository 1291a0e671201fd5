/* tandem-history.c — local edits with undo and redo
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-model"

#include "config.h"

#include <string.h>

#include "tandem-json.h"
#include "tandem-model-private.h"

/* Old steps are dropped beyond this; a step can be a whole paint stroke. */
#define MAX_UNDO_STEPS 1000

/* The local log of what was applied, kept with a draft so a project
 * opened from a file has a history offline. Older entries are dropped
 * beyond these: on disk it stays a few megabytes. */
#define MAX_LOG_ENTRIES 5000
#define MAX_LOG_BYTES (8 * 1024 * 1024)

static const TandemJsonLimits log_limits = {
  .max_bytes = MAX_LOG_BYTES + 64 * 1024,
  .max_depth = 64,
  .max_tokens = 2 * 1024 * 1024,
  .immutable = FALSE,
};

typedef struct
{
  gint64    time; /* ms since the epoch, when it was applied */
  TandemOp *op;
  TandemOp *inverse; /* walks back from the live project to before it */
  gsize     bytes;   /* of their JSON text, for the cap */
} LogEntry;

typedef struct
{
  TandemOp *op;      /* what the step did */
  TandemOp *inverse; /* what undoes it */
} Step;

struct _TandemHistory
{
  GObject        parent_instance;
  TandemProject *project;
  GQueue         undo;   /* of Step*, newest at the head */
  GQueue         redo;
  guint          group_depth;
  TandemOp      *group_ops;      /* batch being collected */
  GPtrArray     *group_inverses; /* inverses in the order applied */
  TandemHistoryUndoGuard undo_guard;
  gpointer       undo_guard_data;
  GQueue         log;       /* of LogEntry*, oldest at the head */
  gsize          log_bytes;
};

G_DEFINE_FINAL_TYPE (TandemHistory, tandem_history, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_PROJECT,
  PROP_CAN_UNDO,
  PROP_CAN_REDO,
  N_PROPS
};

enum {
  APPLIED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void
step_free (gpointer data)
{
  Step *step = data;

  tandem_op_unref (step->op);
  tandem_op_unref (step->inverse);
  g_free (step);
}

static Step *
step_new (TandemOp *op,
          TandemOp *inverse)
{
  Step *step = g_new (Step, 1);

  step->op = op;
  step->inverse = inverse;
  return step;
}

static void
log_entry_free (gpointer data)
{
  LogEntry *entry = data;

  tandem_op_unref (entry->op);
  tandem_op_unref (entry->inverse);
  g_free (entry);
}

static void
log_append (TandemHistory *self,
            gint64         time,
            TandemOp      *op,
            TandemOp      *inverse)
{
  LogEntry *entry = g_new (LogEntry, 1);
  g_autofree char *text = tandem_op_to_string (op);
  g_autofree char *inverse_text = tandem_op_to_string (inverse);

  entry->time = time;
  entry->op = tandem_op_ref (op);
  entry->inverse = tandem_op_ref (inverse);
  entry->bytes = strlen (text) + strlen (inverse_text);
  g_queue_push_tail (&self->log, entry);
  self->log_bytes += entry->bytes;
  while (self->log.length > 1
         && (self->log.length > MAX_LOG_ENTRIES || self->log_bytes > MAX_LOG_BYTES))
    {
      LogEntry *old = g_queue_pop_head (&self->log);

      self->log_bytes -= old->bytes;
      log_entry_free (old);
    }
}

static void
tandem_history_dispose (GObject *object)
{
  TandemHistory *self = (TandemHistory *) object;

  g_queue_clear_full (&self->log, log_entry_free);
  self->log_bytes = 0;
  g_queue_clear_full (&self->undo, step_free);
  g_queue_clear_full (&self->redo, step_free);
  g_clear_pointer (&self->group_ops, tandem_op_unref);
  g_clear_pointer (&self->group_inverses, g_ptr_array_unref);
  g_clear_object (&self->project);

  G_OBJECT_CLASS (tandem_history_parent_class)->dispose (object);
}

static void
tandem_history_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  TandemHistory *self = TANDEM_HISTORY (object);

  switch (prop_id)
    {
    case PROP_PROJECT: g_value_set_object (value, self->project); break;
    case PROP_CAN_UNDO: g_value_set_boolean (value, tandem_history_can_undo (self)); break;
    case PROP_CAN_REDO: g_value_set_boolean (value, tandem_history_can_redo (self)); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tandem_history_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  TandemHistory *self = TANDEM_HISTORY (object);

  switch (prop_id)
    {
    case PROP_PROJECT:
      g_set_object (&self->project, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tandem_history_class_init (TandemHistoryClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = tandem_history_dispose;
  object_class->get_property = tandem_history_get_property;
  object_class->set_property = tandem_history_set_property;

  properties[PROP_PROJECT] =
    g_param_spec_object ("project", NULL, NULL, TANDEM_TYPE_PROJECT,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CAN_UNDO] =
    g_param_spec_boolean ("can-undo", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_CAN_REDO] =
    g_param_spec_boolean ("can-redo", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * TandemHistory::applied:
   * @op: the op that was applied
   * @inverse: the op that undoes it
   *
   * Emitted after a local edit, an undo or a redo was applied to the project.
   */
  signals[APPLIED] =
    g_signal_new ("applied", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 2,
                  TANDEM_TYPE_OP | G_SIGNAL_TYPE_STATIC_SCOPE,
                  TANDEM_TYPE_OP | G_SIGNAL_TYPE_STATIC_SCOPE);
}

static void
tandem_history_init (TandemHistory *self)
{
  g_queue_init (&self->log);
  g_queue_init (&self->undo);
  g_queue_init (&self->redo);
}

/**
 * tandem_history_new:
 *
 * Returns: (transfer full): an empty history for @project
 */
TandemHistory *
tandem_history_new (TandemProject *project)
{
  g_return_val_if_fail (TANDEM_IS_PROJECT (project), NULL);
  return g_object_new (TANDEM_TYPE_HISTORY, "project", project, NULL);
}

/** tandem_history_get_project: Returns: (transfer none): the project */
TandemProject *
tandem_history_get_project (TandemHistory *self)
{
  g_return_val_if_fail (TANDEM_IS_HISTORY (self), NULL);
  return self->project;
}

/* can-undo / can-redo before a change, to notify only what changed. */
typedef struct
{
  gboolean can_undo;
  gboolean can_redo;
} Snapshot;

static Snapshot
snapshot (TandemHistory *self)
{
  Snapshot s = { tandem_history_can_undo (self), tandem_history_can_redo (self) };
  return s;
}

static void
notify_changes (TandemHistory *self,
                Snapshot       before)
{
  if (before.can_undo != tandem_history_can_undo (self))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CAN_UNDO]);
  if (before.can_redo != tandem_history_can_redo (self))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CAN_REDO]);
}

static void
push_undo (TandemHistory *self,
           Step          *step)
{
  g_queue_push_head (&self->undo, step);
  while (self->undo.length > MAX_UNDO_STEPS)
    step_free (g_queue_pop_tail (&self->undo));
}

/**
 * tandem_history_apply:
 *
 * Applies @op to the project and records how to undo it. Clears redo.
 *
 * Returns: %TRUE on success; on error nothing changed
 */
gboolean
tandem_history_apply (TandemHistory  *self,
                      TandemOp       *op,
                      GError        **error)
{
  TandemOp *inverse = NULL;
  Snapshot before;

  g_return_val_if_fail (TANDEM_IS_HISTORY (self), FALSE);
  g_return_val_if_fail (op != NULL, FALSE);

  if (!tandem_project_apply (self->project, op, &inverse, error))
    return FALSE;

  before = snapshot (self);
  g_queue_clear_full (&self->redo, step_free);
  if (self->group_depth > 0)
    {
      tandem_op_batch_add (self->group_ops, tandem_op_ref (op));
      g_ptr_array_add (self->group_inverses, tandem_op_ref (inverse));
    }
  else
    push_undo (self, step_new (tandem_op_ref (op), tandem_op_ref (inverse)));
  notify_changes (self, before);
  log_append (self, g_get_real_time () / 1000, op, inverse);

  g_signal_emit (self, signals[APPLIED], 0, op, inverse);
  tandem_op_unref (inverse);
  return TRUE;
}

/**
 * tandem_history_begin_group:
 *
 * Starts collecting edits into one undo step. Groups nest.
 */
void
tandem_history_begin_group (TandemHistory *self)
{
  g_return_if_fail (TANDEM_IS_HISTORY (self));

  if (self->group_depth++ == 0)
    {
      self->group_ops = tandem_op_new_batch ();
      self->group_inverses = g_ptr_array_new_with_free_func ((GDestroyNotify) tandem_op_unref);
    }
}

/**
 * tandem_history_end_group:
 *
 * Ends a group; the outermost end records the collected edits as one step.
 */
void
tandem_history_end_group (TandemHistory *self)
{
  g_autoptr(TandemOp) ops = NULL;
  g_autoptr(GPtrArray) inverses = NULL;
  TandemOp *inverse;
  Snapshot before;

  g_return_if_fail (TANDEM_IS_HISTORY (self));
  g_return_if_fail (self->group_depth > 0);

  if (--self->group_depth > 0)
    return;

  ops = g_steal_pointer (&self->group_ops);
  inverses = g_steal_pointer (&self->group_inverses);
  if (inverses->len == 0)
    return;

  before = snapshot (self);
  if (inverses->len == 1)
    push_undo (self, step_new (tandem_op_ref (tandem_op_batch_get_op (ops, 0)),
                               tandem_op_ref (g_ptr_array_index (inverses, 0))));
  else
    {
      inverse = tandem_op_new_batch ();
      for (guint i = inverses->len; i > 0; i--)
        tandem_op_batch_add (inverse, tandem_op_ref (g_ptr_array_index (inverses, i - 1)));
      push_undo (self, step_new (g_steal_pointer (&ops), inverse));
    }
  notify_changes (self, before);
}

/** tandem_history_can_undo: Returns: whether there is a step to undo */
gboolean
tandem_history_can_undo (TandemHistory *self)
{
  g_return_val_if_fail (TANDEM_IS_HISTORY (self), FALSE);
  return self->undo.length > 0;
}

/** tandem_history_can_redo: Returns: whether there is a step to redo */
gboolean
tandem_history_can_redo (TandemHistory *self)
{
  g_return_val_if_fail (TANDEM_IS_HISTORY (self), FALSE);
  return self->redo.length > 0;
}

/* Applies the top step of @from backwards and moves it to @to. A step that
 * no longer applies (someone else deleted what it touches) is dropped. */
static gboolean
travel (TandemHistory  *self,
        GQueue         *from,
        GQueue         *to,
        GError        **error)
{
  Step *step;
  TandemOp *reverse = NULL;
  Snapshot before;
  gboolean ok;

  g_return_val_if_fail (self->group_depth == 0, FALSE);

  if (g_queue_is_empty (from))
    return TRUE;

  before = snapshot (self);
  step = g_queue_pop_head (from);
  if (from == &self->undo && self->undo_guard != NULL &&
      !self->undo_guard (step->inverse, self->undo_guard_data, error))
    {
      step_free (step);
      notify_changes (self, before);
      return FALSE;
    }
  ok = tandem_project_apply (self->project, step->inverse, &reverse, error);
  if (ok)
    {
      /* The new step does what the old one undid, undone by what it did:
       * the freshly computed inverse is exact even after concurrent edits. */
      Step *moved = step_new (tandem_op_ref (step->inverse), reverse);

      if (to == &self->undo)
        push_undo (self, moved);
      else
        g_queue_push_head (to, moved);
    }
  notify_changes (self, before);
  if (ok)
    log_append (self, g_get_real_time () / 1000, step->inverse, reverse);
  if (ok)
    g_signal_emit (self, signals[APPLIED], 0, step->inverse, reverse);
  step_free (step);
  return ok;
}

/**
 * tandem_history_undo:
 *
 * Undoes the last step. When it no longer applies, the step is dropped and
 * @error says why.
 */
gboolean
tandem_history_undo (TandemHistory  *self,
                     GError        **error)
{
  g_return_val_if_fail (TANDEM_IS_HISTORY (self), FALSE);
  return travel (self, &self->undo, &self->redo, error);
}

/** tandem_history_redo: Redoes the last undone step (see tandem_history_undo()). */
gboolean
tandem_history_redo (TandemHistory  *self,
                     GError        **error)
{
  g_return_val_if_fail (TANDEM_IS_HISTORY (self), FALSE);
  return travel (self, &self->redo, &self->undo, error);
}

/** tandem_history_clear: Forgets all steps (after loading another project). */
void
tandem_history_clear (TandemHistory *self)
{
  Snapshot before;

  g_return_if_fail (TANDEM_IS_HISTORY (self));

  before = snapshot (self);
  g_queue_clear_full (&self->undo, step_free);
  g_queue_clear_full (&self->redo, step_free);
  notify_changes (self, before);
}

/**
 * tandem_history_set_undo_guard:
 * @guard: (nullable): asked before each undo; NULL for none
 *
 * Lets the owner of the history refuse an undo that would revert what it
 * knows to be someone else's newer edit.
 */
void
tandem_history_set_undo_guard (TandemHistory          *self,
                               TandemHistoryUndoGuard  guard,
                               gpointer                user_data)
{
  g_return_if_fail (TANDEM_IS_HISTORY (self));

  self->undo_guard = guard;
  self->undo_guard_data = user_data;
}

/** tandem_history_get_log_length: Returns: how many applied ops the log keeps */
guint
tandem_history_get_log_length (TandemHistory *self)
{
  g_return_val_if_fail (TANDEM_IS_HISTORY (self), 0);
  return self->log.length;
}

/**
 * tandem_history_get_log_entry:
 * @time: (out) (optional): when it was applied, in ms since the epoch
 *
 * Returns: (transfer none): the @index-th op applied, oldest first
 */
TandemOp *
tandem_history_get_log_entry (TandemHistory *self,
                              guint          index,
                              gint64        *time)
{
  LogEntry *entry;

  g_return_val_if_fail (TANDEM_IS_HISTORY (self), NULL);
  g_return_val_if_fail (index < self->log.length, NULL);

  entry = g_queue_peek_nth (&self->log, index);
  if (time)
    *time = entry->time;
  return entry->op;
}

/**
 * tandem_history_log_to_string:
 *
 * Returns: (transfer full): the log as JSON text,
 *   {"version":1,"entries":[{"time":ms,"op":{…}},…]}
 */
char *
tandem_history_log_to_string (TandemHistory *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  g_return_val_if_fail (TANDEM_IS_HISTORY (self), NULL);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "version");
  json_builder_add_int_value (builder, 1);
  json_builder_set_member_name (builder, "entries");
  json_builder_begin_array (builder);
  for (GList *l = self->log.head; l; l = l->next)
    {
      LogEntry *entry = l->data;

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "time");
      json_builder_add_int_value (builder, entry->time);
      json_builder_set_member_name (builder, "op");
      json_builder_add_value (builder, tandem_op_to_json (entry->op));
      json_builder_set_member_name (builder, "inverse");
      json_builder_add_value (builder, tandem_op_to_json (entry->inverse));
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  return json_to_string (root, FALSE);
}

static gboolean
log_invalid (GError    **error,
             const char *why)
{
  g_set_error (error, TANDEM_MODEL_ERROR, TANDEM_MODEL_ERROR_INVALID,
               "The local history is not valid: %s", why);
  return FALSE;
}

/**
 * tandem_history_load_log:
 *
 * Replaces the log with the one in @data (as written by
 * tandem_history_log_to_string()), read through the bounded parser. On
 * error (too big, broken, an invalid op) the log is left as it was.
 */
gboolean
tandem_history_load_log (TandemHistory  *self,
                         const char     *data,
                         gsize           length,
                         GError        **error)
{
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GPtrArray) ops = g_ptr_array_new_with_free_func ((GDestroyNotify) tandem_op_unref);
  g_autoptr(GPtrArray) inverses = g_ptr_array_new_with_free_func ((GDestroyNotify) tandem_op_unref);
  g_autoptr(GArray) times = g_array_new (FALSE, FALSE, sizeof (gint64));
  JsonObject *object;
  JsonNode *version;
  JsonArray *entries;
  guint n;

  g_return_val_if_fail (TANDEM_IS_HISTORY (self), FALSE);
  g_return_val_if_fail (data != NULL, FALSE);

  root = tandem_json_parse_bounded (data, length, &log_limits, error);
  if (root == NULL)
    return FALSE;
  if (!JSON_NODE_HOLDS_OBJECT (root))
    return log_invalid (error, "not an object");
  object = json_node_get_object (root);
  /* json-glib's getters warn on a member of another kind: check it first. */
  version = json_object_get_member (object, "version");
  if (version == NULL || !JSON_NODE_HOLDS_VALUE (version)
      || json_node_get_value_type (version) != G_TYPE_INT64 || json_node_get_int (version) != 1)
    return log_invalid (error, "unknown version");
  if (!json_object_has_member (object, "entries")
      || !JSON_NODE_HOLDS_ARRAY (json_object_get_member (object, "entries")))
    return log_invalid (error, "no entries");
  entries = json_object_get_array_member (object, "entries");
  n = json_array_get_length (entries);
  if (n > MAX_LOG_ENTRIES)
    return log_invalid (error, "too many entries");
  for (guint i = 0; i < n; i++)
    {
      JsonNode *node = json_array_get_element (entries, i);
      JsonObject *entry;
      JsonNode *time;
      TandemOp *op, *inverse;
      gint64 ms;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        return log_invalid (error, "an entry is not an object");
      entry = json_node_get_object (node);
      time = json_object_get_member (entry, "time");
      if (time == NULL || !JSON_NODE_HOLDS_VALUE (time)
          || json_node_get_value_type (time) != G_TYPE_INT64
          || (ms = json_node_get_int (time)) < 0)
        return log_invalid (error, "an entry has no valid time");
      if (!json_object_has_member (entry, "op") || !json_object_has_member (entry, "inverse"))
        return log_invalid (error, "an entry has no op or no inverse");
      op = tandem_op_from_json (json_object_get_member (entry, "op"), error);
      if (op == NULL)
        return FALSE;
      g_ptr_array_add (ops, op);
      inverse = tandem_op_from_json (json_object_get_member (entry, "inverse"), error);
      if (inverse == NULL)
        return FALSE;
      g_ptr_array_add (inverses, inverse);
      g_array_append_val (times, ms);
    }

  g_queue_clear_full (&self->log, log_entry_free);
  self->log_bytes = 0;
  for (guint i = 0; i < ops->len; i++)
    log_append (self, g_array_index (times, gint64, i), ops->pdata[i], inverses->pdata[i]);
  return TRUE;
}

/**
 * tandem_history_log_project_at:
 *
 * The project as it was right after log entry @index: a copy of the live
 * project with the later entries' inverses applied, newest first. An
 * inverse that no longer applies (its entity went since) is skipped, the
 * same way everywhere.
 *
 * Returns: (transfer full): the past project, or NULL with @error
 */
TandemProject *
tandem_history_log_project_at (TandemHistory  *self,
                           guint           index,
                           GError        **error)
{
  g_autoptr(JsonNode) json = NULL;
  TandemProject *past;

  g_return_val_if_fail (TANDEM_IS_HISTORY (self), NULL);
  g_return_val_if_fail (index < self->log.length, NULL);

  json = tandem_project_to_json (self->project);
  past = tandem_project_new_from_json (json, error);
  if (past == NULL)
    return NULL;
  for (guint i = self->log.length - 1; i > index; i--)
    {
      LogEntry *entry = g_queue_peek_nth (&self->log, i);

      tandem_project_apply (past, entry->inverse, NULL, NULL);
    }
  return past;
}
