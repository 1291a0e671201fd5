/* tandem-circle-view.c — the circle of fifths, drawn and operated by pointer and keys
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-ui"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "tandem-circle-view.h"
#include "tandem-widgets-private.h"

#define SIZE   260
#define INNER  0.42 /* radii as fractions of the half size */
#define MIDDLE 0.70
#define OUTER  0.98

struct _TandemCircleView
{
  GtkWidget      parent_instance;

  TandemProject *project;
  TandemHistory *history;
  gulong         notify_id;

  guint          focus_pos;
  gboolean       focus_minor;
  gboolean       has_chord;
  TandemChord    chord;
};

G_DEFINE_FINAL_TYPE (TandemCircleView, tandem_circle_view, GTK_TYPE_WIDGET)

enum { PROP_0, PROP_PROJECT, PROP_HISTORY, N_PROPS };
static GParamSpec *properties[N_PROPS];

static gboolean
project_is_minor (TandemCircleView *self)
{
  return self->project != NULL && tandem_scale_is_minor (tandem_project_get_scale (self->project));
}

static guint
project_position (TandemCircleView *self)
{
  if (self->project == NULL)
    return 0;
  return tandem_circle_get_position (tandem_project_get_key_root (self->project),
                                     project_is_minor (self));
}

static void
update_accessible (TandemCircleView *self)
{
  guint root = tandem_circle_get_root (self->focus_pos, self->focus_minor);
  const char *name = tandem_key_get_name (root, self->focus_minor);
  /* Position p on the circle has p sharps up to 6, then 12 - p flats. */
  guint p = self->focus_pos;
  g_autofree char *text = NULL;

  if (p == 0)
    text = g_strdup_printf (self->focus_minor ? _("%s minor, no sharps or flats")
                                              : _("%s major, no sharps or flats"),
                            self->focus_minor ? tandem_key_get_name (root, FALSE) : name);
  else
    text = g_strdup_printf ("%s %s, %u %s", tandem_key_get_name (root, FALSE),
                            self->focus_minor ? _("minor") : _("major"), p <= 6 ? p : 12 - p,
                            p <= 6 ? _("sharps") : _("flats"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_VALUE_NOW, (double) p,
                                  GTK_ACCESSIBLE_PROPERTY_VALUE_TEXT, text,
                                  -1);
}

static void
apply_key (TandemCircleView *self,
           guint             pos,
           gboolean          minor)
{
  g_autoptr(TandemOp) batch = NULL;
  g_autoptr(GError) error = NULL;

  if (self->project == NULL || self->history == NULL)
    return;
  batch = tandem_op_new_batch ();
  tandem_op_batch_add (batch, tandem_op_new_set_int (TANDEM_ENTITY_PROJECT, NULL, "key-root",
                                                     tandem_circle_get_root (pos, minor)));
  tandem_op_batch_add (batch, tandem_op_new_set_string (TANDEM_ENTITY_PROJECT, NULL, "scale",
                                                        minor ? "minor" : "major"));
  if (!tandem_history_apply (self->history, batch, &error))
    g_warning ("Could not change the key: %s", error->message);
}

static void
segment_path (cairo_t *cr,
              double   cx,
              double   cy,
              double   r0,
              double   r1,
              guint    pos)
{
  double a0 = -G_PI / 2 + (pos - 0.5) * G_PI / 6;
  double a1 = a0 + G_PI / 6;

  cairo_new_path (cr);
  cairo_arc (cr, cx, cy, r1, a0, a1);
  cairo_arc_negative (cr, cx, cy, r0, a1, a0);
  cairo_close_path (cr);
}

static void
draw_label (GtkWidget     *widget,
            cairo_t       *cr,
            const char    *text,
            double         x,
            double         y,
            double         scale,
            const GdkRGBA *color)
{
  PangoLayout *layout = gtk_widget_create_pango_layout (widget, text);
  PangoFontDescription *font = pango_font_description_new ();
  int w, h;

  pango_font_description_set_weight (font, PANGO_WEIGHT_BOLD);
  pango_font_description_set_size (font, (int) (10 * scale * PANGO_SCALE));
  pango_layout_set_font_description (layout, font);
  pango_layout_get_pixel_size (layout, &w, &h);
  gdk_cairo_set_source_rgba (cr, color);
  cairo_move_to (cr, x - w / 2.0, y - h / 2.0);
  pango_cairo_show_layout (cr, layout);
  pango_font_description_free (font);
  g_object_unref (layout);
}

static void
tandem_circle_view_snapshot (GtkWidget   *widget,
                             GtkSnapshot *snapshot)
{
  TandemCircleView *self = TANDEM_CIRCLE_VIEW (widget);
  int width = gtk_widget_get_width (widget), height = gtk_widget_get_height (widget);
  double half = MIN (width, height) / 2.0 - 2, cx = width / 2.0, cy = height / 2.0;
  guint key_pos = project_position (self);
  gboolean key_minor = project_is_minor (self);
  int chord_pos = tandem_circle_view_get_chord_position (self);
  GdkRGBA fg, accent, accent_fg;
  cairo_t *cr;

  if (half <= 0)
    return;
  _tandem_widgets_get_fg (widget, &fg);
  _tandem_widgets_lookup_color (widget, "accent_bg_color", "#3584e4", &accent);
  _tandem_widgets_lookup_color (widget, "accent_fg_color", "#ffffff", &accent_fg);
  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));

  for (guint ring = 0; ring < 2; ring++)
    for (guint pos = 0; pos < 12; pos++)
      {
        gboolean minor = ring == 1;
        double r0 = half * (minor ? INNER : MIDDLE), r1 = half * (minor ? MIDDLE : OUTER);
        double mid = -G_PI / 2 + pos * G_PI / 6, rl = (r0 + r1) / 2;
        guint dist = MIN ((pos + 12 - key_pos) % 12, (key_pos + 12 - pos) % 12);
        gboolean is_key = pos == key_pos && minor == key_minor;
        GdkRGBA fill = fg, text = fg;
        guint root = tandem_circle_get_root (pos, minor);

        fill.alpha = minor ? 0.10 : 0.06;
        if (is_key)
          fill = accent, text = accent_fg;
        else if (dist <= 1)
          fill = accent, fill.alpha = 0.35; /* the key's neighbours and its relative */
        segment_path (cr, cx, cy, r0 + 1, r1 - 1, pos);
        gdk_cairo_set_source_rgba (cr, &fill);
        cairo_fill (cr);
        if (gtk_widget_has_focus (widget) && pos == self->focus_pos && minor == self->focus_minor)
          {
            segment_path (cr, cx, cy, r0 + 2, r1 - 2, pos);
            gdk_cairo_set_source_rgba (cr, &fg);
            cairo_set_line_width (cr, 2);
            cairo_set_dash (cr, (double[]) { 3, 2 }, 2, 0);
            cairo_stroke (cr);
            cairo_set_dash (cr, NULL, 0, 0);
          }
        draw_label (widget, cr, tandem_key_get_name (root, minor), cx + rl * cos (mid),
                    cy + rl * sin (mid), minor ? 0.8 : 1.0, &text);
      }

  if (chord_pos >= 0)
    {
      /* The chord playing now: outlined on the ring of its quality. */
      gboolean minor = self->chord.quality == TANDEM_CHORD_MINOR
                       || self->chord.quality == TANDEM_CHORD_MINOR7;
      g_autofree char *name = tandem_chord_get_name (&self->chord,
                                                     tandem_project_get_key_root (self->project),
                                                     tandem_project_get_scale (self->project));

      segment_path (cr, cx, cy, half * (minor ? INNER : MIDDLE) + 2,
                    half * (minor ? MIDDLE : OUTER) - 2, (guint) chord_pos);
      gdk_cairo_set_source_rgba (cr, &fg);
      cairo_set_line_width (cr, 4);
      cairo_stroke (cr);
      draw_label (widget, cr, name, cx, cy, 1.6, &fg);
    }
  cairo_destroy (cr);
}

static void
tandem_circle_view_measure (GtkWidget      *widget,
                            GtkOrientation  orientation,
                            int             for_size,
                            int            *minimum,
                            int            *natural,
                            int            *minimum_baseline,
                            int            *natural_baseline)
{
  *minimum = SIZE * 3 / 4;
  *natural = SIZE;
}

static void
move_focus (TandemCircleView *self,
            int               by,
            gboolean          ring)
{
  if (ring)
    self->focus_minor = !self->focus_minor;
  self->focus_pos = (self->focus_pos + 12 + by) % 12;
  update_accessible (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static gboolean
on_key_pressed (GtkEventControllerKey *controller,
                guint                  keyval,
                guint                  keycode,
                GdkModifierType        state,
                TandemCircleView      *self)
{
  switch (keyval)
    {
    case GDK_KEY_Left:
    case GDK_KEY_KP_Left:
      move_focus (self, -1, FALSE);
      return TRUE;
    case GDK_KEY_Right:
    case GDK_KEY_KP_Right:
      move_focus (self, 1, FALSE);
      return TRUE;
    case GDK_KEY_Up:
    case GDK_KEY_Down:
    case GDK_KEY_KP_Up:
    case GDK_KEY_KP_Down:
      move_focus (self, 0, TRUE);
      return TRUE;
    case GDK_KEY_Return:
    case GDK_KEY_KP_Enter:
      /* Space is play and stop, the window's. */
      apply_key (self, self->focus_pos, self->focus_minor);
      return TRUE;
    default:
      return FALSE;
    }
}

static void
on_pressed (GtkGestureClick  *gesture,
            int               n_press,
            double            x,
            double            y,
            TandemCircleView *self)
{
  GtkWidget *widget = GTK_WIDGET (self);
  double half = MIN (gtk_widget_get_width (widget), gtk_widget_get_height (widget)) / 2.0 - 2;
  double dx = x - gtk_widget_get_width (widget) / 2.0;
  double dy = y - gtk_widget_get_height (widget) / 2.0;
  double r = sqrt (dx * dx + dy * dy) / half;
  double angle = atan2 (dy, dx) + G_PI / 2; /* 0 at the top, clockwise */
  guint pos;

  if (half <= 0 || r < INNER || r > OUTER)
    return;
  pos = ((int) floor (angle / (G_PI / 6) + 0.5) % 12 + 12) % 12;
  self->focus_pos = pos;
  self->focus_minor = r < MIDDLE;
  gtk_widget_grab_focus (widget);
  update_accessible (self);
  apply_key (self, pos, self->focus_minor);
}

static void
on_project_notify (TandemCircleView *self)
{
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
tandem_circle_view_set_project (TandemCircleView *self,
                                TandemProject    *project)
{
  g_return_if_fail (TANDEM_IS_CIRCLE_VIEW (self));

  if (self->project == project)
    return;
  if (self->project != NULL)
    g_clear_signal_handler (&self->notify_id, self->project);
  g_set_object (&self->project, project);
  if (project != NULL)
    self->notify_id = g_signal_connect_swapped (project, "notify", G_CALLBACK (on_project_notify),
                                                self);
  self->focus_pos = project_position (self);
  self->focus_minor = project_is_minor (self);
  self->has_chord = FALSE;
  update_accessible (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROJECT]);
}

void
tandem_circle_view_set_history (TandemCircleView *self,
                                TandemHistory    *history)
{
  g_return_if_fail (TANDEM_IS_CIRCLE_VIEW (self));

  if (g_set_object (&self->history, history))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HISTORY]);
}

void
tandem_circle_view_set_chord (TandemCircleView  *self,
                              const TandemChord *chord)
{
  g_return_if_fail (TANDEM_IS_CIRCLE_VIEW (self));

  if (chord == NULL && !self->has_chord)
    return;
  if (chord != NULL && self->has_chord && chord->degree == self->chord.degree
      && chord->accidental == self->chord.accidental && chord->quality == self->chord.quality)
    return;
  self->has_chord = chord != NULL;
  if (chord != NULL)
    self->chord = *chord;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

guint
tandem_circle_view_get_focus (TandemCircleView *self,
                              gboolean         *minor)
{
  if (minor != NULL)
    *minor = self->focus_minor;
  return self->focus_pos;
}

int
tandem_circle_view_get_chord_position (TandemCircleView *self)
{
  gboolean minor;
  guint root;

  if (!self->has_chord || self->project == NULL)
    return -1;
  root = tandem_chord_get_root (&self->chord, tandem_project_get_key_root (self->project),
                                tandem_project_get_scale (self->project));
  minor = self->chord.quality == TANDEM_CHORD_MINOR || self->chord.quality == TANDEM_CHORD_MINOR7;
  return (int) tandem_circle_get_position (root, minor);
}

static void
tandem_circle_view_dispose (GObject *object)
{
  TandemCircleView *self = TANDEM_CIRCLE_VIEW (object);

  tandem_circle_view_set_project (self, NULL);
  g_clear_object (&self->history);
  G_OBJECT_CLASS (tandem_circle_view_parent_class)->dispose (object);
}

static void
tandem_circle_view_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  TandemCircleView *self = TANDEM_CIRCLE_VIEW (object);

  switch (prop_id)
    {
    case PROP_PROJECT: g_value_set_object (value, self->project); break;
    case PROP_HISTORY: g_value_set_object (value, self->history); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tandem_circle_view_set_property (GObject      *object,
                                 guint         prop_id,
                                 const GValue *value,
                                 GParamSpec   *pspec)
{
  TandemCircleView *self = TANDEM_CIRCLE_VIEW (object);

  switch (prop_id)
    {
    case PROP_PROJECT: tandem_circle_view_set_project (self, g_value_get_object (value)); break;
    case PROP_HISTORY: tandem_circle_view_set_history (self, g_value_get_object (value)); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tandem_circle_view_class_init (TandemCircleViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = tandem_circle_view_dispose;
  object_class->get_property = tandem_circle_view_get_property;
  object_class->set_property = tandem_circle_view_set_property;
  widget_class->snapshot = tandem_circle_view_snapshot;
  widget_class->measure = tandem_circle_view_measure;

  properties[PROP_PROJECT] =
    g_param_spec_object ("project", NULL, NULL, TANDEM_TYPE_PROJECT,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_HISTORY] =
    g_param_spec_object ("history", NULL, NULL, TANDEM_TYPE_HISTORY,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_css_name (widget_class, "circleoffifths");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_SLIDER);
}

static void
tandem_circle_view_init (TandemCircleView *self)
{
  GtkEventController *key = gtk_event_controller_key_new ();
  GtkEventController *focus = gtk_event_controller_focus_new ();
  GtkGesture *click = gtk_gesture_click_new ();

  gtk_widget_set_focusable (GTK_WIDGET (self), TRUE);
  g_signal_connect (key, "key-pressed", G_CALLBACK (on_key_pressed), self);
  gtk_widget_add_controller (GTK_WIDGET (self), key);
  g_signal_connect (click, "pressed", G_CALLBACK (on_pressed), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (click));
  /* The focus ring is drawn only while focused. */
  g_signal_connect_swapped (focus, "enter", G_CALLBACK (gtk_widget_queue_draw), self);
  g_signal_connect_swapped (focus, "leave", G_CALLBACK (gtk_widget_queue_draw), self);
  gtk_widget_add_controller (GTK_WIDGET (self), focus);

  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Key on the circle of fifths"),
                                  GTK_ACCESSIBLE_PROPERTY_VALUE_MIN, 0.0,
                                  GTK_ACCESSIBLE_PROPERTY_VALUE_MAX, 11.0,
                                  -1);
  update_accessible (self);
}

GtkWidget *
tandem_circle_view_new (void)
{
  return g_object_new (TANDEM_TYPE_CIRCLE_VIEW, NULL);
}
