/* tandem-clip-overlap.c — how many clips of one pattern may sound at once
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Clips of the same pattern share a lane of the timeline. Stacking copies
 * of one pattern on the same bars only doubles its notes; a cap keeps the
 * engine's compiled song small whatever a file or a peer sends.
 */
#define G_LOG_DOMAIN "tandem-model"

#include "config.h"

#include <string.h>

#include "tandem-model-private.h"

typedef struct
{
  guint bar;
  int   delta;   /* +1 a clip starts, -1 one ends */
} Edge;

static int
edge_cmp (gconstpointer a,
          gconstpointer b)
{
  const Edge *x = a, *y = b;

  if (x->bar != y->bar)
    return x->bar < y->bar ? -1 : 1;
  return x->delta - y->delta;   /* ends before starts: touching clips do not overlap */
}

/* The most edges open at once, and the first bar where that happens. */
static guint
sweep (GArray *edges,
       guint  *at_bar)
{
  guint open = 0, most = 0;

  g_array_sort (edges, edge_cmp);
  for (guint i = 0; i < edges->len; i++)
    {
      const Edge *e = &g_array_index (edges, Edge, i);

      open += e->delta;
      if (open > most)
        {
          most = open;
          *at_bar = e->bar;
        }
    }
  return most;
}

static void
add_clip (GArray *edges,
          guint   start,
          guint   length)
{
  Edge s = { start, +1 }, e = { start + length, -1 };

  g_array_append_val (edges, s);
  g_array_append_val (edges, e);
}

static gboolean
too_many (const char *clip_id,
          const char *pattern,
          guint       n,
          guint       bar,
          GError    **error)
{
  g_set_error (error, TANDEM_MODEL_ERROR, TANDEM_MODEL_ERROR_CONSTRAINT,
               "Clip “%s”: %u clips of pattern “%s” would play at once at bar %u; "
               "at most %u clips of one pattern may overlap",
               clip_id, n, pattern, bar + 1, TANDEM_MAX_CLIP_OVERLAP);
  return FALSE;
}

gboolean
_tandem_project_check_clip_overlap (TandemProject *self,
                                    const char    *clip_id,
                                    const char    *pattern,
                                    guint          start,
                                    guint          length,
                                    GError       **error)
{
  GListModel *clips = G_LIST_MODEL (self->clips);
  g_autoptr(GArray) edges = g_array_new (FALSE, FALSE, sizeof (Edge));
  guint n = g_list_model_get_n_items (clips), bar = start, most;

  add_clip (edges, start, length);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(TandemClip) clip = g_list_model_get_item (clips, i);

      if (strcmp (clip->id, clip_id) == 0 || strcmp (clip->pattern, pattern) != 0)
        continue;
      if (clip->start >= start + length || clip->start + clip->length <= start)
        continue;
      /* Only what lies inside the new clip's bars can add to its count. */
      add_clip (edges, MAX (clip->start, start),
                MIN (clip->start + clip->length, start + length) - MAX (clip->start, start));
    }
  most = sweep (edges, &bar);
  if (most > TANDEM_MAX_CLIP_OVERLAP)
    return too_many (clip_id, pattern, most, bar, error);
  return TRUE;
}

gboolean
_tandem_project_check_all_clip_overlaps (TandemProject *self,
                                         GError       **error)
{
  GListModel *clips = G_LIST_MODEL (self->clips);
  g_autoptr(GHashTable) lanes = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                                       (GDestroyNotify) g_array_unref);
  guint n = g_list_model_get_n_items (clips);
  GHashTableIter iter;
  gpointer key, value;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(TandemClip) clip = g_list_model_get_item (clips, i);
      GArray *edges = g_hash_table_lookup (lanes, clip->pattern);

      if (edges == NULL)
        {
          edges = g_array_new (FALSE, FALSE, sizeof (Edge));
          g_hash_table_insert (lanes, clip->pattern, edges);
        }
      add_clip (edges, clip->start, clip->length);
    }

  g_hash_table_iter_init (&iter, lanes);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      guint bar = 0, most = sweep (value, &bar);

      if (most > TANDEM_MAX_CLIP_OVERLAP)
        {
          /* Name a clip that starts there, for the message. */
          for (guint i = 0; i < n; i++)
            {
              g_autoptr(TandemClip) clip = g_list_model_get_item (clips, i);

              if (strcmp (clip->pattern, key) == 0 && clip->start <= bar
                  && clip->start + clip->length > bar)
                return too_many (clip->id, key, most, bar, error);
            }
          return too_many ("?", key, most, bar, error);
        }
    }
  return TRUE;
}
