/* tandem-grid-cell.c — one step of one track in the grid
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-ui"

#include "config.h"

#include <glib/gi18n.h>

#include "tandem-grid-view-private.h"
#include "tandem-note-names.h"
#include "tandem-widgets-private.h"

#define CELL_RADIUS 6.f

struct _TandemGridCell
{
  GtkWidget   parent_instance;

  char       *track_id;
  guint       step;
  TandemCell  value;
  GdkRGBA     color;
  gboolean    melodic;     /* the step's note is a pitch, named in the key */
  guint       key_root;
  TandemScale scale;
};

G_DEFINE_FINAL_TYPE (TandemGridCell, tandem_grid_cell, GTK_TYPE_WIDGET)

static void
tandem_grid_cell_toggle (GtkWidget  *widget,
                         const char *action_name,
                         GVariant   *parameter)
{
  TandemGridCell *self = TANDEM_GRID_CELL (widget);

  gtk_widget_activate_action (widget, "grid.toggle-cell", "(si)",
                              self->track_id, (int) self->step);
}

PangoLayout *
_tandem_grid_create_tag_layout (GtkWidget  *widget,
                                const char *text,
                                double      scale)
{
  PangoLayout *layout = gtk_widget_create_pango_layout (widget, text);
  PangoAttrList *attrs = pango_attr_list_new ();

  pango_attr_list_insert (attrs, pango_attr_scale_new (scale));
  pango_attr_list_insert (attrs, pango_attr_weight_new (PANGO_WEIGHT_BOLD));
  pango_layout_set_attributes (layout, attrs);
  pango_attr_list_unref (attrs);
  return layout;
}

void
_tandem_grid_append_layout (GtkSnapshot   *snapshot,
                            PangoLayout   *layout,
                            float          x,
                            float          y,
                            const GdkRGBA *color)
{
  gtk_snapshot_save (snapshot);
  gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (x, y));
  gtk_snapshot_append_layout (snapshot, layout, color);
  gtk_snapshot_restore (snapshot);
}

static void
append_small_text (TandemGridCell *self,
                   GtkSnapshot    *snapshot,
                   const char     *text,
                   float           x,
                   float           y,
                   const GdkRGBA  *color)
{
  g_autoptr(PangoLayout) layout = _tandem_grid_create_tag_layout (GTK_WIDGET (self), text, 0.7);

  _tandem_grid_append_layout (snapshot, layout, x, y, color);
}

static void
tandem_grid_cell_snapshot (GtkWidget   *widget,
                           GtkSnapshot *snapshot)
{
  TandemGridCell *self = TANDEM_GRID_CELL (widget);
  float width = gtk_widget_get_width (widget);
  float height = gtk_widget_get_height (widget);
  graphene_rect_t bounds = GRAPHENE_RECT_INIT (0, 0, width, height);
  GskRoundedRect rounded;
  GdkRGBA fg, base;

  _tandem_widgets_get_fg (widget, &fg);

  gsk_rounded_rect_init_from_rect (&rounded, &bounds, CELL_RADIUS);
  gtk_snapshot_push_rounded_clip (snapshot, &rounded);

  base = fg;
  base.alpha = 0.1f;
  gtk_snapshot_append_color (snapshot, &base, &bounds);

  if (self->value.velocity > 0)
    {
      /* Velocity is the fill height; a less likely step is paler. */
      float level = self->value.velocity / 127.f;
      float strength = 0.45f + 0.55f * self->value.probability / 100.f;
      GdkRGBA tint = self->color;
      GdkRGBA fill = self->color;

      tint.alpha = 0.35f * strength;
      fill.alpha = strength;
      gtk_snapshot_append_color (snapshot, &tint, &bounds);
      gtk_snapshot_append_color (snapshot, &fill,
                                 &GRAPHENE_RECT_INIT (0, height * (1.f - level),
                                                      width, height * level));
    }

  gtk_snapshot_pop (snapshot);

  if (self->value.velocity > 0 && width >= 18)
    {
      GdkRGBA ink = { 1, 1, 1, 0.95f };

      g_autofree char *name = tandem_grid_cell_dup_note_name (self);

      if (name != NULL)
        append_small_text (self, snapshot, name, 3, 1, &ink);
      if (self->value.probability < 100)
        {
          g_autofree char *text = g_strdup_printf ("%u", self->value.probability);

          append_small_text (self, snapshot, text, 3, height - 14, &ink);
        }
    }

  if (gtk_widget_has_visible_focus (widget))
    {
      GdkRGBA accent;

      _tandem_widgets_lookup_color (widget, "accent_color", "#3584e4", &accent);
      _tandem_widgets_append_outline (snapshot, &bounds, CELL_RADIUS, 2.f, &accent);
    }
}

static void
tandem_grid_cell_state_flags_changed (GtkWidget     *widget,
                                      GtkStateFlags  previous)
{
  GtkStateFlags changed = previous ^ gtk_widget_get_state_flags (widget);

  if (changed & (GTK_STATE_FLAG_FOCUSED | GTK_STATE_FLAG_FOCUS_VISIBLE))
    gtk_widget_queue_draw (widget);

  GTK_WIDGET_CLASS (tandem_grid_cell_parent_class)->state_flags_changed (widget, previous);
}

static void
tandem_grid_cell_finalize (GObject *object)
{
  TandemGridCell *self = TANDEM_GRID_CELL (object);

  g_clear_pointer (&self->track_id, g_free);

  G_OBJECT_CLASS (tandem_grid_cell_parent_class)->finalize (object);
}

static void
tandem_grid_cell_class_init (TandemGridCellClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = tandem_grid_cell_finalize;
  widget_class->snapshot = tandem_grid_cell_snapshot;
  widget_class->state_flags_changed = tandem_grid_cell_state_flags_changed;

  /* Exposed over AT-SPI as the cell's only action. */
  gtk_widget_class_install_action (widget_class, "cell.toggle", NULL, tandem_grid_cell_toggle);

  gtk_widget_class_set_css_name (widget_class, "gridcell");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_CHECKBOX);
}

static void
tandem_grid_cell_init (TandemGridCell *self)
{
  self->value.velocity = 0;
  self->value.probability = 100;
  self->value.note = 0;
  gdk_rgba_parse (&self->color, "#3584e4");

  /* The grid body takes the pointer; cells only show state and hold focus. */
  gtk_widget_set_can_target (GTK_WIDGET (self), FALSE);
  gtk_widget_set_focusable (GTK_WIDGET (self), TRUE);
  gtk_accessible_update_state (GTK_ACCESSIBLE (self),
                               GTK_ACCESSIBLE_STATE_CHECKED, GTK_ACCESSIBLE_TRISTATE_FALSE,
                               -1);
}

GtkWidget *
tandem_grid_cell_new (const char *track_id,
                      guint       step)
{
  TandemGridCell *self = g_object_new (TANDEM_TYPE_GRID_CELL, NULL);

  self->track_id = g_strdup (track_id);
  self->step = step;
  return GTK_WIDGET (self);
}

const char *
tandem_grid_cell_get_track_id (TandemGridCell *self)
{
  g_return_val_if_fail (TANDEM_IS_GRID_CELL (self), NULL);

  return self->track_id;
}

guint
tandem_grid_cell_get_step (TandemGridCell *self)
{
  g_return_val_if_fail (TANDEM_IS_GRID_CELL (self), 0);

  return self->step;
}

/**
 * tandem_grid_cell_get_active:
 *
 * Returns: whether the cell shows an active (sounding) step
 */
gboolean
tandem_grid_cell_get_active (TandemGridCell *self)
{
  g_return_val_if_fail (TANDEM_IS_GRID_CELL (self), FALSE);

  return self->value.velocity > 0;
}

const TandemCell *
tandem_grid_cell_get_value (TandemGridCell *self)
{
  g_return_val_if_fail (TANDEM_IS_GRID_CELL (self), NULL);

  return &self->value;
}

/**
 * tandem_grid_cell_set_value:
 *
 * Shows @value; redraws and updates the accessible state only on change.
 */
void
tandem_grid_cell_set_value (TandemGridCell   *self,
                            const TandemCell *value)
{
  g_autofree char *description = NULL;
  gboolean was_active;

  g_return_if_fail (TANDEM_IS_GRID_CELL (self));
  g_return_if_fail (value != NULL);

  if (self->value.velocity == value->velocity &&
      self->value.probability == value->probability &&
      self->value.note == value->note)
    return;

  was_active = self->value.velocity > 0;
  self->value = *value;

  if (was_active != (value->velocity > 0))
    gtk_accessible_update_state (GTK_ACCESSIBLE (self),
                                 GTK_ACCESSIBLE_STATE_CHECKED,
                                 value->velocity > 0 ? GTK_ACCESSIBLE_TRISTATE_TRUE
                                                     : GTK_ACCESSIBLE_TRISTATE_FALSE,
                                 -1);

  if (value->velocity > 0)
    /* Translators: the accessible description of an active grid cell */
    description = g_strdup_printf (_("Velocity %u, probability %u %%"),
                                   value->velocity, value->probability);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                  description != NULL ? description : "",
                                  -1);

  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/**
 * tandem_grid_cell_set_key:
 * @melodic: whether the track plays the step's note
 *
 * Names the notes of a melodic track's steps in the key @key_root, @scale.
 */
void
tandem_grid_cell_set_key (TandemGridCell *self,
                          gboolean        melodic,
                          guint           key_root,
                          TandemScale     scale)
{
  g_return_if_fail (TANDEM_IS_GRID_CELL (self));

  if (self->melodic == melodic && self->key_root == key_root && self->scale == scale)
    return;
  self->melodic = melodic;
  self->key_root = key_root;
  self->scale = scale;
  if (self->value.velocity > 0)
    gtk_widget_queue_draw (GTK_WIDGET (self));
}

/**
 * tandem_grid_cell_dup_note_name:
 *
 * Returns: (transfer full) (nullable): the name of the note an active step
 *   of a melodic track plays ("C3", "F#4"), else NULL
 */
char *
tandem_grid_cell_dup_note_name (TandemGridCell *self)
{
  g_return_val_if_fail (TANDEM_IS_GRID_CELL (self), NULL);

  if (!self->melodic || self->value.velocity == 0)
    return NULL;
  return _tandem_note_midi_name (_tandem_note_degree_to_midi (self->value.note, self->key_root,
                                                              self->scale),
                                 self->key_root, self->scale);
}

void
tandem_grid_cell_set_color (TandemGridCell *self,
                            const GdkRGBA  *color)
{
  g_return_if_fail (TANDEM_IS_GRID_CELL (self));

  if (gdk_rgba_equal (&self->color, color))
    return;

  self->color = *color;
  if (self->value.velocity > 0)
    gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
tandem_grid_cell_set_track_name (TandemGridCell *self,
                                 const char     *name)
{
  g_autofree char *label = NULL;

  g_return_if_fail (TANDEM_IS_GRID_CELL (self));

  /* Translators: the accessible name of a grid cell, e.g. “Kick, step 3” */
  label = g_strdup_printf (_("%s, step %u"), name, self->step + 1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, label,
                                  -1);
}
