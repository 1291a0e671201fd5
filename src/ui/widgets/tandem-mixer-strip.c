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
  if (value <= TANDEM_VOLUME_MIN_DB)
    return g_strdup ("−∞");
  /* Translators: a volume in decibels on a fader */
  return g_strdup_printf (_("%.1f dB"), value);
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

static void
build (TandemMixerStrip *self)
{
  static const double marks[] = { 0, -6, -12, -24, -48 };
  GtkWidget *header, *middle, *buttons;

  header = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  gtk_widget_set_halign (header, GTK_ALIGN_CENTER);
  self->swatch = gtk_drawing_area_new ();
  gtk_widget_set_size_request (self->swatch, 10, 10);
  gtk_widget_set_valign (self->swatch, GTK_ALIGN_CENTER);
  gtk_drawing_area_set_draw_func (GTK_DRAWING_AREA (self->swatch), swatch_draw, self, NULL);
  gtk_widget_set_visible (self->swatch, self->track != NULL);
  self->name_label = gtk_label_new (self->track != NULL ? NULL : _("Master"));
  gtk_label_set_ellipsize (GTK_LABEL (self->name_label), PANGO_ELLIPSIZE_END);
  gtk_label_set_max_width_chars (GTK_LABEL (self->name_label), 8);
  gtk_widget_add_css_class (self->name_label, "heading");
  gtk_widget_set_margin_top (header, 10);
  gtk_widget_set_margin_start (header, 8);
  gtk_widget_set_margin_end (header, 8);
  gtk_box_append (GTK_BOX (header), self->swatch);
  gtk_box_append (GTK_BOX (header), self->name_label);
  gtk_widget_set_parent (header, GTK_WIDGET (self));

  middle = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 4);
  gtk_widget_set_vexpand (middle, TRUE);
  gtk_widget_set_halign (middle, GTK_ALIGN_CENTER);
  gtk_widget_set_margin_bottom (middle, 4);
  self->meter = tandem_meter_new ();
  gtk_widget_set_margin_top (self->meter, 10);
  gtk_widget_set_margin_bottom (self->meter, 30);
  self->fader = gtk_scale_new_with_range (GTK_ORIENTATION_VERTICAL,
                                          TANDEM_VOLUME_MIN_DB, TANDEM_VOLUME_MAX_DB, 0.5);
  gtk_range_set_inverted (GTK_RANGE (self->fader), TRUE);
  gtk_range_set_round_digits (GTK_RANGE (self->fader), 1);
  gtk_scale_set_draw_value (GTK_SCALE (self->fader), TRUE);
  gtk_scale_set_value_pos (GTK_SCALE (self->fader), GTK_POS_BOTTOM);
  gtk_scale_set_format_value_func (GTK_SCALE (self->fader), format_volume, NULL, NULL);
  for (guint i = 0; i < G_N_ELEMENTS (marks); i++)
    {
      /* A typographic minus, as in “−12” */
      g_autofree char *label = marks[i] == 0 ? g_strdup ("0")
                                             : g_strdup_printf ("−%g", -marks[i]);

      gtk_scale_add_mark (GTK_SCALE (self->fader), marks[i], GTK_POS_RIGHT, label);
    }
  gtk_widget_set_vexpand (self->fader, TRUE);
  gtk_widget_set_size_request (self->fader, -1, 200);
  gtk_widget_set_tooltip_text (self->fader, _("Volume (double-click for 0 dB)"));
  if (self->track == NULL)
    gtk_accessible_update_property (GTK_ACCESSIBLE (self->fader),
                                    GTK_ACCESSIBLE_PROPERTY_LABEL, _("Master Volume"), -1);
  add_range_controller (self, self->fader);
  gtk_box_append (GTK_BOX (middle), self->meter);
  gtk_box_append (GTK_BOX (middle), self->fader);
  gtk_widget_set_parent (middle, GTK_WIDGET (self));

  self->pan = gtk_scale_new_with_range (GTK_ORIENTATION_HORIZONTAL, -1, 1, 0.05);
  gtk_range_set_round_digits (GTK_RANGE (self->pan), 2);
  gtk_scale_add_mark (GTK_SCALE (self->pan), 0, GTK_POS_BOTTOM, NULL);
  gtk_scale_set_draw_value (GTK_SCALE (self->pan), TRUE);
  gtk_scale_set_value_pos (GTK_SCALE (self->pan), GTK_POS_TOP);
  gtk_scale_set_format_value_func (GTK_SCALE (self->pan), format_pan, NULL, NULL);
  gtk_widget_set_tooltip_text (self->pan, _("Pan (double-click to centre)"));
  gtk_widget_set_margin_start (self->pan, 8);
  gtk_widget_set_margin_end (self->pan, 8);
  add_range_controller (self, self->pan);
  gtk_widget_set_parent (self->pan, GTK_WIDGET (self));

  buttons = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  gtk_widget_set_halign (buttons, GTK_ALIGN_CENTER);
  gtk_widget_set_margin_bottom (buttons, 10);
  /* Translators: the label of a track's mute button, keep it one letter */
  self->mute = gtk_toggle_button_new_with_label (C_("mixer", "M"));
  gtk_widget_set_tooltip_text (self->mute, _("Mute"));
  gtk_widget_add_css_class (self->mute, "circular");
  gtk_widget_add_css_class (self->mute, "mixer-mute");
  /* Translators: the label of a track's solo button, keep it one letter */
  self->solo = gtk_toggle_button_new_with_label (C_("mixer", "S"));
  gtk_widget_set_tooltip_text (self->solo, _("Solo"));
  gtk_widget_add_css_class (self->solo, "circular");
  gtk_widget_add_css_class (self->solo, "mixer-solo");
  gtk_box_append (GTK_BOX (buttons), self->mute);
  gtk_box_append (GTK_BOX (buttons), self->solo);
  gtk_widget_set_parent (buttons, GTK_WIDGET (self));

  /* The master strip has only a fader; its box stretches it to the others' height. */
  gtk_widget_set_visible (self->pan, self->track != NULL);
  gtk_widget_set_visible (buttons, self->track != NULL);
  if (self->track == NULL)
    gtk_widget_set_margin_bottom (middle, 10);

  g_signal_connect_object (self->fader, "value-changed",
                           G_CALLBACK (on_fader_changed), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->pan, "value-changed",
                           G_CALLBACK (on_pan_changed), self, G_CONNECT_SWAPPED);
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
  GtkWidget *child;

  tandem_mixer_strip_end_drag (self);
  if (self->signals != NULL)
    g_signal_group_set_target (self->signals, NULL);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);

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

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BOX_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "mixerstrip");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
tandem_mixer_strip_init (TandemMixerStrip *self)
{
  GtkLayoutManager *layout = gtk_widget_get_layout_manager (GTK_WIDGET (self));

  gtk_orientable_set_orientation (GTK_ORIENTABLE (layout), GTK_ORIENTATION_VERTICAL);
  gtk_box_layout_set_spacing (GTK_BOX_LAYOUT (layout), 8);
  gtk_widget_add_css_class (GTK_WIDGET (self), "card");
  gtk_widget_set_size_request (GTK_WIDGET (self), 96, -1);
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
