/* tandem-widgets-private.h — helpers shared by the editing widgets
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "tandem-model.h"

G_BEGIN_DECLS

/* Applies @op (transfer full) through @history. A user edit can lose a race
 * against a remote edit (the entity is gone), so failures are only logged. */
gboolean  _tandem_widgets_apply        (TandemHistory *history,
                                        TandemOp      *op);
/* The insert op that puts a copy of pattern @id, named “NAME (Copy)” and
 * with id @copy_id, right after it; NULL when @project has no such
 * pattern. @position is set to the copy's index. */
TandemOp *_tandem_widgets_duplicate_pattern_op (TandemProject *project,
                                                const char    *id,
                                                const char    *copy_id,
                                                guint         *position);
/* Parses "#rrggbb"; falls back to a neutral blue. */
void      _tandem_widgets_parse_color  (const char    *spec,
                                        GdkRGBA       *color);
/* A named colour of the style sheet (“accent_color”), or @fallback. */
void      _tandem_widgets_lookup_color (GtkWidget     *widget,
                                        const char    *name,
                                        const char    *fallback,
                                        GdkRGBA       *color);
/* The widget's foreground colour. */
void      _tandem_widgets_get_fg       (GtkWidget     *widget,
                                        GdkRGBA       *color);
/* The GNOME palette colour number @index (wraps around). */
void      _tandem_widgets_palette      (guint          index,
                                        GdkRGBA       *color);
/* A track's colour as a filled circle centred in @width × @height. */
void      _tandem_widgets_draw_swatch  (cairo_t       *cr,
                                        int            width,
                                        int            height,
                                        const GdkRGBA *color);
void      _tandem_widgets_append_rounded (GtkSnapshot           *snapshot,
                                          const graphene_rect_t *rect,
                                          float                  radius,
                                          const GdkRGBA         *color);
void      _tandem_widgets_append_outline (GtkSnapshot           *snapshot,
                                          const graphene_rect_t *rect,
                                          float                  radius,
                                          float                  width,
                                          const GdkRGBA         *color);

G_END_DECLS
