/* tandem-project-diff.c — the one batch op that turns a project into another
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-model"

#include "config.h"

#include "tandem-model-private.h"
#include "tandem-project-diff.h"

/* Transport state belongs to the moment, not to the version: a restore
 * keeps what is playing now (anchors are session-clock values). */
static gboolean
is_transport_prop (const char *name)
{
  return g_str_equal (name, "playing") || g_str_equal (name, "anchor-time")
         || g_str_equal (name, "anchor-step");
}

TandemOp *
tandem_op_strip_transport (TandemOp *op)
{
  TandemOp *kept;

  g_return_val_if_fail (op != NULL, NULL);

  if (tandem_op_get_kind (op) == TANDEM_OP_SET)
    return tandem_op_get_entity (op) == TANDEM_ENTITY_PROJECT
             && is_transport_prop (tandem_op_get_prop (op))
           ? NULL : tandem_op_ref (op);
  if (tandem_op_get_kind (op) != TANDEM_OP_BATCH)
    return tandem_op_ref (op);

  kept = tandem_op_new_batch ();
  for (guint i = 0; i < tandem_op_batch_get_n_ops (op); i++)
    {
      TandemOp *child = tandem_op_strip_transport (tandem_op_batch_get_op (op, i));

      if (child != NULL)
        tandem_op_batch_add (kept, child);
    }
  if (tandem_op_batch_get_n_ops (kept) == 0)
    g_clear_pointer (&kept, tandem_op_unref);
  return kept;
}

static GHashTable *
index_by_id (GListModel *list)
{
  GHashTable *table = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_object_unref);

  for (guint i = 0; i < g_list_model_get_n_items (list); i++)
    {
      GObject *item = g_list_model_get_item (list, i);

      g_hash_table_insert (table, (gpointer) _tandem_entity_get_id (item), item);
    }
  return table;
}

/* Sets of every settable property whose value differs. */
static void
diff_props (TandemOp         *batch,
            TandemEntityKind  kind,
            const char       *id,
            GObject          *from,
            GObject          *to,
            gboolean          skip_current_pattern)
{
  const TandemPropDesc *props;
  guint n_props;

  props = _tandem_props_get (kind, &n_props);
  for (guint i = 0; i < n_props; i++)
    {
      g_autoptr(JsonNode) a = NULL;
      JsonNode *b;

      if (!props[i].settable || (kind == TANDEM_ENTITY_PROJECT && is_transport_prop (props[i].name))
          || (skip_current_pattern && g_str_equal (props[i].name, "current-pattern")))
        continue;
      a = _tandem_prop_to_json (from, &props[i]);
      b = _tandem_prop_to_json (to, &props[i]);
      if (json_node_equal (a, b))
        json_node_unref (b);
      else
        tandem_op_batch_add (batch, tandem_op_new_set (kind, id, props[i].name, b));
    }
}

/* Moves that put the items of @order (ids, as they stand after the
 * deletes and inserts) into the order of @target. */
static void
diff_order (TandemOp         *batch,
            TandemEntityKind  kind,
            GPtrArray        *order,
            GListModel       *target)
{
  for (guint i = 0; i < g_list_model_get_n_items (target); i++)
    {
      g_autoptr(GObject) item = g_list_model_get_item (target, i);
      const char *id = _tandem_entity_get_id (item);
      guint at = 0;

      if (i < order->len && g_str_equal (order->pdata[i], id))
        continue;
      for (at = i; at < order->len && !g_str_equal (order->pdata[at], id); at++)
        ;
      g_assert (at < order->len);
      g_ptr_array_steal_index (order, at);
      g_ptr_array_insert (order, i, (gpointer) id);
      tandem_op_batch_add (batch, tandem_op_new_move (kind, id, (int) i));
    }
}

/* The ids as they stand after the deletes and inserts: those of @from
 * that stay (@keep) in their order, then those only in @to, appended. The
 * strings belong to the items, which the id indexes keep alive. */
static GPtrArray *
order_after_edits (GListModel *from,
                   GHashTable *keep,
                   GListModel *to)
{
  GPtrArray *order = g_ptr_array_new ();

  for (guint i = 0; i < g_list_model_get_n_items (from); i++)
    {
      g_autoptr(GObject) item = g_list_model_get_item (from, i);

      if (g_hash_table_contains (keep, _tandem_entity_get_id (item)))
        g_ptr_array_add (order, (gpointer) _tandem_entity_get_id (item));
    }
  for (guint i = 0; i < g_list_model_get_n_items (to); i++)
    {
      g_autoptr(GObject) item = g_list_model_get_item (to, i);

      if (!g_hash_table_contains (keep, _tandem_entity_get_id (item)))
        g_ptr_array_add (order, (gpointer) _tandem_entity_get_id (item));
    }
  return order;
}

static void
diff_cells (TandemOp      *batch,
            TandemPattern *from,
            TandemPattern *to,
            GListModel    *tracks)
{
  const char *pattern_id = tandem_pattern_get_id (to);

  for (guint t = 0; t < g_list_model_get_n_items (tracks); t++)
    {
      g_autoptr(TandemTrack) track = g_list_model_get_item (tracks, t);
      const char *track_id = tandem_track_get_id (track);

      if (tandem_pattern_get_row (from, track_id) == NULL && tandem_pattern_get_row (to, track_id) == NULL)
        continue;
      for (guint s = 0; s < TANDEM_MAX_STEPS; s++)
        {
          const TandemCell *a = tandem_pattern_get_cell (from, track_id, s);
          const TandemCell *b = tandem_pattern_get_cell (to, track_id, s);

          if (a->velocity != b->velocity)
            tandem_op_batch_add (batch, tandem_op_new_set_cell (pattern_id, track_id, s, "velocity",
                                                                b->velocity));
          if (a->probability != b->probability)
            tandem_op_batch_add (batch, tandem_op_new_set_cell (pattern_id, track_id, s,
                                                                "probability", b->probability));
          if (a->note != b->note)
            tandem_op_batch_add (batch, tandem_op_new_set_cell (pattern_id, track_id, s, "note",
                                                                b->note));
        }
    }
}

TandemOp *
tandem_project_diff (TandemProject *from,
                     TandemProject *to)
{
  g_autoptr(GHashTable) from_samples = NULL, from_tracks = NULL, from_patterns = NULL, from_clips = NULL;
  g_autoptr(GHashTable) to_samples = NULL, to_tracks = NULL, to_patterns = NULL, to_clips = NULL;
  g_autoptr(GHashTable) keep_clips = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) keep_patterns = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) keep_tracks = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GPtrArray) order = NULL;
  GListModel *list;
  TandemOp *batch = tandem_op_new_batch ();
  const char *current_from, *current_to;
  gboolean current_gone;

  g_return_val_if_fail (TANDEM_IS_PROJECT (from) && TANDEM_IS_PROJECT (to), NULL);

  from_samples = index_by_id (tandem_project_get_samples (from));
  from_tracks = index_by_id (tandem_project_get_tracks (from));
  from_patterns = index_by_id (tandem_project_get_patterns (from));
  from_clips = index_by_id (tandem_project_get_clips (from));
  to_samples = index_by_id (tandem_project_get_samples (to));
  to_tracks = index_by_id (tandem_project_get_tracks (to));
  to_patterns = index_by_id (tandem_project_get_patterns (to));
  to_clips = index_by_id (tandem_project_get_clips (to));

  /* Samples first: tracks may play them. */
  list = tandem_project_get_samples (to);
  for (guint i = 0; i < g_list_model_get_n_items (list); i++)
    {
      g_autoptr(GObject) item = g_list_model_get_item (list, i);

      if (!g_hash_table_contains (from_samples, _tandem_entity_get_id (item)))
        tandem_op_batch_add (batch, tandem_op_new_insert (TANDEM_ENTITY_SAMPLE, -1,
                                                          _tandem_entity_to_json (to, TANDEM_ENTITY_SAMPLE, item, FALSE)));
    }

  /* Deletes, clips before the patterns they show, patterns and tracks.
   * A clip whose pattern goes would go with it: it is deleted here and
   * inserted again below. */
  list = tandem_project_get_clips (from);
  for (guint i = 0; i < g_list_model_get_n_items (list); i++)
    {
      g_autoptr(TandemClip) clip = g_list_model_get_item (list, i);
      const char *id = tandem_clip_get_id (clip);

      if (g_hash_table_contains (to_clips, id)
          && g_hash_table_contains (to_patterns, tandem_clip_get_pattern (clip)))
        g_hash_table_add (keep_clips, (gpointer) id);
      else
        tandem_op_batch_add (batch, tandem_op_new_delete (TANDEM_ENTITY_CLIP, id));
    }
  list = tandem_project_get_patterns (from);
  for (guint i = 0; i < g_list_model_get_n_items (list); i++)
    {
      g_autoptr(GObject) item = g_list_model_get_item (list, i);
      const char *id = _tandem_entity_get_id (item);

      if (g_hash_table_contains (to_patterns, id))
        g_hash_table_add (keep_patterns, (gpointer) id);
      else
        tandem_op_batch_add (batch, tandem_op_new_delete (TANDEM_ENTITY_PATTERN, id));
    }
  list = tandem_project_get_tracks (from);
  for (guint i = 0; i < g_list_model_get_n_items (list); i++)
    {
      g_autoptr(GObject) item = g_list_model_get_item (list, i);
      const char *id = _tandem_entity_get_id (item);

      if (g_hash_table_contains (to_tracks, id))
        g_hash_table_add (keep_tracks, (gpointer) id);
      else
        tandem_op_batch_add (batch, tandem_op_new_delete (TANDEM_ENTITY_TRACK, id));
    }

  /* Tracks: new ones at the end, then every property, then the order.
   * Cells come with the patterns. */
  list = tandem_project_get_tracks (to);
  for (guint i = 0; i < g_list_model_get_n_items (list); i++)
    {
      g_autoptr(GObject) item = g_list_model_get_item (list, i);
      const char *id = _tandem_entity_get_id (item);

      if (g_hash_table_contains (keep_tracks, id))
        diff_props (batch, TANDEM_ENTITY_TRACK, id, g_hash_table_lookup (from_tracks, id), item, FALSE);
      else
        tandem_op_batch_add (batch, tandem_op_new_insert (TANDEM_ENTITY_TRACK, -1,
                                                          _tandem_entity_to_json (to, TANDEM_ENTITY_TRACK, item, FALSE)));
    }
  order = order_after_edits (tandem_project_get_tracks (from), keep_tracks, list);
  diff_order (batch, TANDEM_ENTITY_TRACK, order, list);
  g_clear_pointer (&order, g_ptr_array_unref);

  /* Patterns: a new one carries its cells; a kept one gets cell sets. */
  list = tandem_project_get_patterns (to);
  for (guint i = 0; i < g_list_model_get_n_items (list); i++)
    {
      g_autoptr(GObject) item = g_list_model_get_item (list, i);
      const char *id = _tandem_entity_get_id (item);

      if (g_hash_table_contains (keep_patterns, id))
        {
          TandemPattern *old = g_hash_table_lookup (from_patterns, id);

          diff_props (batch, TANDEM_ENTITY_PATTERN, id, G_OBJECT (old), item, FALSE);
          diff_cells (batch, old, TANDEM_PATTERN (item), tandem_project_get_tracks (to));
        }
      else
        tandem_op_batch_add (batch, tandem_op_new_insert (TANDEM_ENTITY_PATTERN, -1,
                                                          _tandem_entity_to_json (to, TANDEM_ENTITY_PATTERN, item, FALSE)));
    }
  order = order_after_edits (tandem_project_get_patterns (from), keep_patterns, list);
  diff_order (batch, TANDEM_ENTITY_PATTERN, order, list);
  g_clear_pointer (&order, g_ptr_array_unref);

  list = tandem_project_get_clips (to);
  for (guint i = 0; i < g_list_model_get_n_items (list); i++)
    {
      g_autoptr(GObject) item = g_list_model_get_item (list, i);
      const char *id = _tandem_entity_get_id (item);

      if (g_hash_table_contains (keep_clips, id))
        diff_props (batch, TANDEM_ENTITY_CLIP, id, g_hash_table_lookup (from_clips, id), item, FALSE);
      else
        tandem_op_batch_add (batch, tandem_op_new_insert (TANDEM_ENTITY_CLIP, -1,
                                                          _tandem_entity_to_json (to, TANDEM_ENTITY_CLIP, item, FALSE)));
    }
  order = order_after_edits (tandem_project_get_clips (from), keep_clips, list);
  diff_order (batch, TANDEM_ENTITY_CLIP, order, list);

  /* Samples no track plays any more leave the registry last. */
  list = tandem_project_get_samples (from);
  for (guint i = 0; i < g_list_model_get_n_items (list); i++)
    {
      g_autoptr(GObject) item = g_list_model_get_item (list, i);

      if (!g_hash_table_contains (to_samples, _tandem_entity_get_id (item)))
        tandem_op_batch_add (batch, tandem_op_new_delete (TANDEM_ENTITY_SAMPLE,
                                                          _tandem_entity_get_id (item)));
    }

  /* The project's own properties; the current pattern once the patterns
   * are there (a deleted current pattern was cleared by its delete). */
  diff_props (batch, TANDEM_ENTITY_PROJECT, NULL, G_OBJECT (from), G_OBJECT (to), TRUE);
  current_from = tandem_project_get_current_pattern (from);
  current_to = tandem_project_get_current_pattern (to);
  current_gone = *current_from && !g_hash_table_contains (keep_patterns, current_from);
  if (g_strcmp0 (current_from, current_to) != 0 || (current_gone && *current_to))
    tandem_op_batch_add (batch, tandem_op_new_set_string (TANDEM_ENTITY_PROJECT, NULL,
                                                          "current-pattern", current_to));
  return batch;
}
