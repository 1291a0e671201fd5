/* tandem-mixer-strip.c — one channel of the mixer: fader, pan, mute, solo, meter
 *
 * The controls show the model and turn user changes into ops. While the
 * strip writes a model value into a control it sets `syncing`, so the
 * control's change signal is not mistaken for a user edit (no op is ever
 * sent in reply to a model change).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-ui"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "tandem-mixer-strip.h"
#include "tandem-widgets-private.h"

struct _TandemMixerStrip
{
  GtkWidget      parent_instance;

  TandemProject *project;       /* master strip only */
  TandemTrack   *track;         /* NULL for the master strip */
  TandemHistory *history;
  GSignalGroup  *signals;
  GdkRGBA        color;

  GtkWidget     *swatch;
  GtkWidget     *name_label;
  GtkWidget     *meter;
  GtkWidget     *fader;
  GtkWidget     *pan;
  GtkWidget     *mute;
  GtkWidget     *solo;
  GtkWidget     *header;
  GtkWidget     *middle;
  GtkWidget     *buttons;

  guint          syncing;
  gboolean       dragging;
  guint32        last_press_time;
  GtkWidget     *last_press_widget;
};

G_DEFINE_FINAL_TYPE (TandemMixerStrip, tandem_mixer_strip, GTK_TYPE_WIDGET)

static void
apply (TandemMixerStrip *self,
       TandemOp         *op)
{
  _tandem_widgets_apply (self->history, op);
}

static void
apply_double (TandemMixerStrip *self,
              const char       *prop,
              double            value)
{
  if (self->track != NULL)
    apply (self, tandem_op_new_set_double (TANDEM_ENTITY_TRACK,
                                           tandem_track_get_id (self->track),
                                           prop, value));
  else
    apply (self, tandem_op_new_set_double (TANDEM_ENTITY_PROJECT, NULL,
                                           "master-volume", value));
}

/* ---- model → widgets ----------------------------------------------------- */

static double
model_volume (TandemMixerStrip *self)
{
  return self->track != NULL ? tandem_track_get_volume (self->track)
                             : tandem_project_get_master_volume (self->project);
}

static void
sync_values (TandemMixerStrip *self)
{
  self->syncing++;
  gtk_range_set_value (GTK_RANGE (self->fader), model_volume (self));
  if (self->track != NULL)
    {
      gtk_range_set_value (GTK_RANGE (self->pan), tandem_track_get_pan (self->track));
      gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (self->mute),
                                    tandem_track_get_mute (self->track));
      gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (self->solo),
                                    tandem_track_get_solo (self->track));
    }
  self->syncing--;
}

static void
sync_name (TandemMixerStrip *self)
{
  g_autofree char *mute = NULL;
  g_autofree char *solo = NULL;
  g_autofree char *volume = NULL;
  g_autofree char *pan = NULL;
  const char *name;

  if (self->track == NULL)
    return;

  name = tandem_track_get_name (self->track);
  gtk_label_set_label (GTK_LABEL (self->name_label), name);
  gtk_widget_set_tooltip_text (self->name_label, name);
  _tandem_widgets_parse_color (tandem_track_get_color (self->track), &self->color);
  gtk_widget_queue_draw (self->swatch);

  /* Translators: accessible name of a track's mute button, “Mute Kick” */
  mute = g_strdup_printf (_("Mute %s"), name);
  /* Translators: accessible name of a track's solo button, “Solo Kick” */
  solo = g_strdup_printf (_("Solo %s"), name);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->mute),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, mute, -1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->solo),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, solo, -1);
  /* Translators: accessible name of a track's fader, “Kick Volume” */
  volume = g_strdup_printf (_("%s Volume"), name);
  /* Translators: accessible name of a track's pan control, “Kick Pan” */
  pan = g_strdup_printf (_("%s Pan"), name);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->fader),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, volume, -1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->pan),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, pan, -1);
}

static void
on_model_notify (TandemMixerStrip *self,
                 GParamSpec       *pspec,
                 GObject          *object)
{
  const char *name = g_param_spec_get_name (pspec);

  if (g_str_equal (name, "name") || g_str_equal (name, "color"))
    sync_name (self);
  else
    sync_values (self);
}

/* ---- widgets → ops ------------------------------------------------------- */

static void
on_fader_changed (TandemMixerStrip *self,
                  GtkRange         *range)
{
  double value = gtk_range_get_value (range);

  if (self->syncing > 0 || fabs (value - model_volume (self)) < 1e-9)
    return;
  apply_double (self, "volume", value);
}

static void
on_pan_changed (TandemMixerStrip *self,
                GtkRange         *range)
{
  double value = gtk_range_get_value (range);

  if (self->syncing > 0 || self->track == NULL ||
      fabs (value - tandem_track_get_pan (self->track)) < 1e-9)
    return;
  apply_double (self, "pan", value);
}

static void
on_toggled (TandemMixerStrip *self,
            GtkToggleButton  *button)
{
  const char *prop = GTK_WIDGET (button) == self->mute ? "mute" : "solo";
  gboolean active = gtk_toggle_button_get_active (button);

  if (self->syncing > 0 || self->track == NULL)
    return;

  apply (self, tandem_op_new_set_boolean (TANDEM_ENTITY_TRACK,
                                          tandem_track_get_id (self->track),
                                          prop, active));
  /* A refused edit (say the track was deleted meanwhile) snaps back. */
  sync_values (self);
}

/* The range's own gestures claim the pointer, so a legacy controller in the
 * capture phase is what reliably sees both press and release. */
static gboolean
on_range_event (GtkEventControllerLegacy *controller,
                GdkEvent                 *event,
                TandemMixerStrip         *self)
{
  GtkWidget *range = gtk_event_controller_get_widget (GTK_EVENT_CONTROLLER (controller));
  GdkEventType type = gdk_event_get_event_type (event);

  if (type == GDK_BUTTON_PRESS && gdk_button_event_get_button (event) == GDK_BUTTON_PRIMARY)
    {
      guint32 time = gdk_event_get_time (event);
      int double_click_time = 400;

      g_object_get (gtk_widget_get_settings (range),
                    "gtk-double-click-time", &double_click_time, NULL);
      if (self->last_press_widget == range &&
          time - self->last_press_time <= (guint32) double_click_time)
        {
          self->last_press_widget = NULL;
          if (range == self->fader)
            tandem_mixer_strip_reset_volume (self);
          else
            tandem_mixer_strip_reset_pan (self);
          return GDK_EVENT_STOP;
        }
      self->last_press_widget = range;
      self->last_press_time = time;
      tandem_mixer_strip_begin_drag (self);
    }
  else if (type == GDK_BUTTON_RELEASE || type == GDK_TOUCH_END || type == GDK_TOUCH_CANCEL)
    {
      tandem_mixer_strip_end_drag (self);
    }
  else if (type == GDK_TOUCH_BEGIN)
    {
      tandem_mixer_strip_begin_drag (self);
    }

  return GDK_EVENT_PROPAGATE;
}

static char *
format_volume (GtkScale *scale,
               double    value,
               gpointer  data)
{
  double rounded = round (value * 10) / 10;

  if (value <= TANDEM_VOLUME_MIN_DB)
    return g_strdup ("−∞");
  if (rounded < 0)
    /* Translators: a volume below 0 dB on a fader, with a typographic
     * minus sign (U+2212), as in “−6.5 dB” */
    return g_strdup_printf (_("−%.1f dB"), -rounded);
  /* Translators: a volume in decibels on a fader */
  return g_strdup_printf (_("%.1f dB"), fabs (rounded));
}

static char *
format_pan (GtkScale *scale,
            double    value,
            gpointer  data)
{
  int percent = (int) round (value * 100);

  if (percent == 0)
    /* Translators: pan centred */
    return g_strdup (C_("pan", "C"));
  if (percent < 0)
    /* Translators: pan to the left, “L 40” */
    return g_strdup_printf (_("L %d"), -percent);
  /* Translators: pan to the right, “R 40” */
  return g_strdup_printf (_("R %d"), percent);
}

static void
swatch_draw (GtkDrawingArea *area,
             cairo_t        *cr,
             int             width,
             int             height,
             gpointer        data)
{
  TandemMixerStrip *self = data;

  _tandem_widgets_draw_swatch (cr, width, height, &self->color);
}

static void
add_range_controller (TandemMixerStrip *self,
                      GtkWidget        *range)
{
  GtkEventController *legacy = gtk_event_controller_legacy_new ();

  gtk_event_controller_set_propagation_phase (legacy, GTK_PHASE_CAPTURE);
  g_signal_connect (legacy, "event", G_CALLBACK (on_range_event), self);
  gtk_widget_add_controller (range, legacy);
}

/* Pan is drawn from the centre: a bar on the trough from the middle to the
 * value, so left and right read alike (GtkScale would fill from the left). */
static void
snapshot_pan_fill (TandemMixerStrip *self,
                   GtkSnapshot      *snapshot)
{
  GtkWidget *pan = self->pan;
  GdkRectangle trough;
  graphene_point_t at;
  double value, centre, x, width;
  GdkRGBA accent;

  if (!gtk_widget_get_visible (pan) || gtk_widget_get_width (pan) <= 0)
    return;
  gtk_range_get_range_rect (GTK_RANGE (pan), &trough);
  if (trough.width <= 0 ||
      !gtk_widget_compute_point (pan, GTK_WIDGET (self),
                                 &GRAPHENE_POINT_INIT (trough.x, trough.y), &at))
    return;
  value = CLAMP (gtk_range_get_value (GTK_RANGE (pan)), -1.0, 1.0);
  centre = at.x + trough.width / 2.0;
  x = value < 0 ? centre + value * trough.width / 2.0 : centre;
  width = fabs (value) * trough.width / 2.0;
  if (width < 0.5)
    return;
  /* GTK 4.10 deprecates named colours; 4.8 has nothing else. */
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  if (!gtk_style_context_lookup_color (gtk_widget_get_style_context (GTK_WIDGET (self)),
                                       "accent_bg_color", &accent))
    gdk_rgba_parse (&accent, "#3584e4");
  G_GNUC_END_IGNORE_DEPRECATIONS
  gtk_snapshot_append_color (snapshot, &accent,
                             &GRAPHENE_RECT_INIT (x, at.y + trough.height / 2.0 - 2, width, 4));
}

static void
tandem_mixer_strip_snapshot (GtkWidget   *widget,
                             GtkSnapshot *snapshot)
{
  TandemMixerStrip *self = TANDEM_MIXER_STRIP (widget);

  GTK_WIDGET_CLASS (tandem_mixer_strip_parent_class)->snapshot (widget, snapshot);
  if (self->track != NULL)
    snapshot_pan_fill (self, snapshot);
}

static void
on_pan_redraw (TandemMixerStrip *self)
{
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/* What the template cannot say: the ranges of the model, the master strip's
 * shape, and the callbacks. */
static void
build (TandemMixerStrip *self)
{
  gtk_range_set_range (GTK_RANGE (self->fader), TANDEM_VOLUME_MIN_DB, TANDEM_VOLUME_MAX_DB);
  gtk_scale_set_format_value_func (GTK_SCALE (self->fader), format_volume, NULL, NULL);
  gtk_scale_set_format_value_func (GTK_SCALE (self->pan), format_pan, NULL, NULL);
  gtk_drawing_area_set_draw_func (GTK_DRAWING_AREA (self->swatch), swatch_draw, self, NULL);
  gtk_widget_set_visible (self->swatch, self->track != NULL);
  if (self->track == NULL)
    {
      gtk_label_set_label (GTK_LABEL (self->name_label), _("Master"));
      gtk_accessible_update_property (GTK_ACCESSIBLE (self->fader),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, _("Master Volume"), -1);
    }
  add_range_controller (self, self->fader);
  add_range_controller (self, self->pan);

  /* The master strip has only a fader; its box stretches it to the others' height. */
  gtk_widget_set_visible (self->pan, self->track != NULL);
  gtk_widget_set_visible (self->buttons, self->track != NULL);
  if (self->track == NULL)
    gtk_widget_set_margin_bottom (self->middle, 10);

  g_signal_connect_object (self->fader, "value-changed",
                           G_CALLBACK (on_fader_changed), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->pan, "value-changed",
                           G_CALLBACK (on_pan_changed), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->pan, "value-changed",
                           G_CALLBACK (on_pan_redraw), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->mute, "toggled",
                           G_CALLBACK (on_toggled), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->solo, "toggled",
                           G_CALLBACK (on_toggled), self, G_CONNECT_SWAPPED);
}

static void
tandem_mixer_strip_unmap (GtkWidget *widget)
{
  TandemMixerStrip *self = TANDEM_MIXER_STRIP (widget);

  tandem_mixer_strip_end_drag (self);
  tandem_meter_reset (TANDEM_METER (self->meter));

  GTK_WIDGET_CLASS (tandem_mixer_strip_parent_class)->unmap (widget);
}

static void
tandem_mixer_strip_dispose (GObject *object)
{
  TandemMixerStrip *self = TANDEM_MIXER_STRIP (object);

  tandem_mixer_strip_end_drag (self);
  if (self->signals != NULL)
    g_signal_group_set_target (self->signals, NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), TANDEM_TYPE_MIXER_STRIP);

  g_clear_object (&self->signals);
  g_clear_object (&self->track);
  g_clear_object (&self->project);
  g_clear_object (&self->history);

  G_OBJECT_CLASS (tandem_mixer_strip_parent_class)->dispose (object);
}

static void
tandem_mixer_strip_class_init (TandemMixerStripClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = tandem_mixer_strip_dispose;
  widget_class->unmap = tandem_mixer_strip_unmap;
  widget_class->snapshot = tandem_mixer_strip_snapshot;

  g_type_ensure (TANDEM_TYPE_METER);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_PATH "/widgets/tandem-mixer-strip.ui");
  gtk_widget_class_bind_template_child (widget_class, TandemMixerStrip, swatch);
  gtk_widget_class_bind_template_child (widget_class, TandemMixerStrip, name_label);
  gtk_widget_class_bind_template_child (widget_class, TandemMixerStrip, meter);
  gtk_widget_class_bind_template_child (widget_class, TandemMixerStrip, fader);
  gtk_widget_class_bind_template_child (widget_class, TandemMixerStrip, pan);
  gtk_widget_class_bind_template_child (widget_class, TandemMixerStrip, mute);
  gtk_widget_class_bind_template_child (widget_class, TandemMixerStrip, solo);
  gtk_widget_class_bind_template_child (widget_class, TandemMixerStrip, header);
  gtk_widget_class_bind_template_child (widget_class, TandemMixerStrip, middle);
  gtk_widget_class_bind_template_child (widget_class, TandemMixerStrip, buttons);
  gtk_widget_class_set_css_name (widget_class, "mixerstrip");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
tandem_mixer_strip_init (TandemMixerStrip *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

/**
 * tandem_mixer_strip_new:
 * @project: the project (the master strip edits its "master-volume")
 * @track: (nullable): the track, or NULL for the master strip
 */
GtkWidget *
tandem_mixer_strip_new (TandemProject *project,
                        TandemTrack   *track)
{
  TandemMixerStrip *self;

  g_return_val_if_fail (TANDEM_IS_PROJECT (project), NULL);
  g_return_val_if_fail (track == NULL || TANDEM_IS_TRACK (track), NULL);

  self = g_object_new (TANDEM_TYPE_MIXER_STRIP, NULL);
  if (track != NULL)
    self->track = g_object_ref (track);
  else
    self->project = g_object_ref (project);
  gdk_rgba_parse (&self->color, "#3584e4");

  build (self);
  if (track == NULL)
    gtk_widget_add_css_class (GTK_WIDGET (self), "master");

  self->signals = g_signal_group_new (track != NULL ? TANDEM_TYPE_TRACK : TANDEM_TYPE_PROJECT);
  if (track != NULL)
    g_signal_group_connect_object (self->signals, "notify",
                                   G_CALLBACK (on_model_notify), self, G_CONNECT_SWAPPED);
  else
    g_signal_group_connect_object (self->signals, "notify::master-volume",
                                   G_CALLBACK (on_model_notify), self, G_CONNECT_SWAPPED);
  g_signal_group_set_target (self->signals,
                             track != NULL ? (gpointer) track : (gpointer) project);

  sync_name (self);
  sync_values (self);
  return GTK_WIDGET (self);
}

TandemTrack *
tandem_mixer_strip_get_track (TandemMixerStrip *self)
{
  g_return_val_if_fail (TANDEM_IS_MIXER_STRIP (self), NULL);

  return self->track;
}

void
tandem_mixer_strip_set_history (TandemMixerStrip *self,
                                TandemHistory    *history)
{
  g_return_if_fail (TANDEM_IS_MIXER_STRIP (self));

  if (self->history == history)
    return;
  tandem_mixer_strip_end_drag (self);
  g_set_object (&self->history, history);
}

TandemMeter *
tandem_mixer_strip_get_meter (TandemMixerStrip *self)
{
  g_return_val_if_fail (TANDEM_IS_MIXER_STRIP (self), NULL);

  return TANDEM_METER (self->meter);
}

GtkRange *
tandem_mixer_strip_get_fader (TandemMixerStrip *self)
{
  g_return_val_if_fail (TANDEM_IS_MIXER_STRIP (self), NULL);

  return GTK_RANGE (self->fader);
}

GtkRange *
tandem_mixer_strip_get_pan (TandemMixerStrip *self)
{
  g_return_val_if_fail (TANDEM_IS_MIXER_STRIP (self), NULL);

  return GTK_RANGE (self->pan);
}

GtkToggleButton *
tandem_mixer_strip_get_mute (TandemMixerStrip *self)
{
  g_return_val_if_fail (TANDEM_IS_MIXER_STRIP (self), NULL);

  return GTK_TOGGLE_BUTTON (self->mute);
}

GtkToggleButton *
tandem_mixer_strip_get_solo (TandemMixerStrip *self)
{
  g_return_val_if_fail (TANDEM_IS_MIXER_STRIP (self), NULL);

  return GTK_TOGGLE_BUTTON (self->solo);
}

void
tandem_mixer_strip_begin_drag (TandemMixerStrip *self)
{
  g_return_if_fail (TANDEM_IS_MIXER_STRIP (self));

  if (self->dragging || self->history == NULL)
    return;
  self->dragging = TRUE;
  tandem_history_begin_group (self->history);
}

void
tandem_mixer_strip_end_drag (TandemMixerStrip *self)
{
  g_return_if_fail (TANDEM_IS_MIXER_STRIP (self));

  if (!self->dragging)
    return;
  self->dragging = FALSE;
  if (self->history != NULL)
    tandem_history_end_group (self->history);
}

void
tandem_mixer_strip_reset_volume (TandemMixerStrip *self)
{
  g_return_if_fail (TANDEM_IS_MIXER_STRIP (self));

  tandem_mixer_strip_end_drag (self);
  if (model_volume (self) != 0)
    apply_double (self, "volume", 0);
}

void
tandem_mixer_strip_reset_pan (TandemMixerStrip *self)
{
  g_return_if_fail (TANDEM_IS_MIXER_STRIP (self));

  tandem_mixer_strip_end_drag (self);
  if (self->track != NULL && tandem_track_get_pan (self->track) != 0)
    apply_double (self, "pan", 0);
}
