/* tandem-widgets-util.c — small drawing and editing helpers for the widgets
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-ui"

#include "config.h"

#include <glib/gi18n.h>

#include "tandem-widgets-private.h"

TandemOp *
_tandem_widgets_duplicate_pattern_op (TandemProject *project,
                                      const char    *id,
                                      const char    *copy_id,
                                      guint         *position)
{
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *name = NULL;
  TandemPattern *pattern;
  JsonObject *object;
  JsonArray *patterns;

  if ((pattern = tandem_project_find_pattern (project, id)) == NULL)
    return NULL;
  root = tandem_project_to_json (project);
  object = json_node_get_object (root);
  if (!json_object_has_member (object, "patterns"))
    return NULL;
  patterns = json_object_get_array_member (object, "patterns");
  for (guint i = 0; i < json_array_get_length (patterns); i++)
    {
      JsonObject *found = json_array_get_object_element (patterns, i);
      JsonNode *data;

      if (g_strcmp0 (json_object_get_string_member_with_default (found, "id", NULL), id) != 0)
        continue;
      data = json_node_copy (json_array_get_element (patterns, i));
      /* Translators: the name of a copied pattern, “Verse (Copy)” */
      name = g_strdup_printf (_("%s (Copy)"), tandem_pattern_get_name (pattern));
      json_object_set_string_member (json_node_get_object (data), "id", copy_id);
      json_object_set_string_member (json_node_get_object (data), "name",
                                     tandem_name_is_valid (name) ? name
                                                                 : tandem_pattern_get_name (pattern));
      *position = i + 1;
      return tandem_op_new_insert (TANDEM_ENTITY_PATTERN, (int) i + 1, data);
    }
  return NULL;
}

gboolean
_tandem_widgets_apply (TandemHistory *history,
                       TandemOp      *op)
{
  g_autoptr(TandemOp) owned = op;
  g_autoptr(GError) error = NULL;

  g_return_val_if_fail (op != NULL, FALSE);

  /* Without a history the widget is read-only. */
  if (history == NULL)
    return FALSE;

  if (!tandem_history_apply (history, owned, &error))
    {
      g_debug ("Edit not applied: %s", error->message);
      return FALSE;
    }

  return TRUE;
}

void
_tandem_widgets_parse_color (const char *spec,
                             GdkRGBA    *color)
{
  if (spec == NULL || !gdk_rgba_parse (color, spec))
    gdk_rgba_parse (color, "#3584e4");
}

void
_tandem_widgets_lookup_color (GtkWidget  *widget,
                              const char *name,
                              const char *fallback,
                              GdkRGBA    *color)
{
  GtkStyleContext *context;
  gboolean found;

  /* gtk_style_context_lookup_color is the only way to read a named colour in
   * GTK 4.8; it is deprecated from 4.10 on. */
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  context = gtk_widget_get_style_context (widget);
  found = gtk_style_context_lookup_color (context, name, color);
  G_GNUC_END_IGNORE_DEPRECATIONS

  if (!found)
    gdk_rgba_parse (color, fallback);
}

void
_tandem_widgets_get_fg (GtkWidget *widget,
                        GdkRGBA   *color)
{
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  gtk_style_context_get_color (gtk_widget_get_style_context (widget), color);
  G_GNUC_END_IGNORE_DEPRECATIONS
}

void
_tandem_widgets_palette (guint    index,
                         GdkRGBA *color)
{
  /* GNOME HIG palette, the “3” shades: readable in light and dark mode. */
  static const char * const palette[] = {
    "#3584e4", "#33d17a", "#f6d32d", "#ff7800", "#e01b24", "#9141ac", "#986a44",
    "#2190a4",
  };

  gdk_rgba_parse (color, palette[index % G_N_ELEMENTS (palette)]);
}

void
_tandem_widgets_append_rounded (GtkSnapshot           *snapshot,
                                const graphene_rect_t *rect,
                                float                  radius,
                                const GdkRGBA         *color)
{
  GskRoundedRect rounded;

  gsk_rounded_rect_init_from_rect (&rounded, rect, radius);
  gtk_snapshot_push_rounded_clip (snapshot, &rounded);
  gtk_snapshot_append_color (snapshot, color, rect);
  gtk_snapshot_pop (snapshot);
}

void
_tandem_widgets_append_outline (GtkSnapshot           *snapshot,
                                const graphene_rect_t *rect,
                                float                  radius,
                                float                  width,
                                const GdkRGBA         *color)
{
  GskRoundedRect rounded;
  const float widths[4] = { width, width, width, width };
  const GdkRGBA colors[4] = { *color, *color, *color, *color };

  gsk_rounded_rect_init_from_rect (&rounded, rect, radius);
  gtk_snapshot_append_border (snapshot, &rounded, widths, colors);
}

void
_tandem_widgets_draw_swatch (cairo_t       *cr,
                             int            width,
                             int            height,
                             const GdkRGBA *color)
{
  gdk_cairo_set_source_rgba (cr, color);
  cairo_arc (cr, width / 2., height / 2., MIN (width, height) / 2., 0, 2 * G_PI);
  cairo_fill (cr);
}
