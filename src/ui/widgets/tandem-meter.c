/* tandem-meter.c — a stereo peak meter with peak hold
 *
 * The meter shows dB on the same scale as the fader next to it (-60..+6):
 * green up to -12 dB, yellow up to -3 dB, red above. The bar falls back at a
 * fixed rate and a thin line holds the highest peak for a moment, as on a
 * hardware desk.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-ui"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "tandem-meter.h"
#include "tandem-model.h"
#include "tandem-widgets-private.h"

#define FALLOFF_DB_PER_SECOND 24.0
#define HOLD_USEC             (1500 * G_TIME_SPAN_MILLISECOND)
#define BAR_WIDTH             5
#define BAR_GAP               2

typedef struct
{
  double level;      /* dB shown */
  double hold;       /* dB of the held peak */
  gint64 hold_since;
} Channel;

struct _TandemMeter
{
  GtkWidget parent_instance;
  Channel   channels[2];
  gint64    last_time;
  int       drawn[4]; /* pixel heights drawn, to redraw only on change */
};

G_DEFINE_FINAL_TYPE (TandemMeter, tandem_meter, GTK_TYPE_WIDGET)

static double
to_db (float peak)
{
  if (!(peak > 0))
    return TANDEM_VOLUME_MIN_DB;
  return CLAMP (20.0 * log10 (peak), TANDEM_VOLUME_MIN_DB, TANDEM_VOLUME_MAX_DB);
}

static double
db_to_fraction (double db)
{
  return (db - TANDEM_VOLUME_MIN_DB) / (TANDEM_VOLUME_MAX_DB - TANDEM_VOLUME_MIN_DB);
}

static void
tandem_meter_measure (GtkWidget      *widget,
                      GtkOrientation  orientation,
                      int             for_size,
                      int            *minimum,
                      int            *natural,
                      int            *minimum_baseline,
                      int            *natural_baseline)
{
  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    *minimum = *natural = 2 * BAR_WIDTH + BAR_GAP;
  else
    {
      *minimum = 60;
      *natural = 160;
    }
}

static void
tandem_meter_snapshot (GtkWidget   *widget,
                       GtkSnapshot *snapshot)
{
  TandemMeter *self = TANDEM_METER (widget);
  float height = gtk_widget_get_height (widget);
  GdkRGBA track, hold;
  GskColorStop stops[] = {
    { 0.0f, { 0.2f, 0.82f, 0.48f, 1 } },                                        /* green */
    { (float) db_to_fraction (-12), { 0.2f, 0.82f, 0.48f, 1 } },
    { (float) db_to_fraction (-6), { 0.96f, 0.83f, 0.18f, 1 } },                /* yellow */
    { (float) db_to_fraction (-3), { 1.0f, 0.47f, 0.0f, 1 } },
    { (float) db_to_fraction (0), { 0.88f, 0.11f, 0.14f, 1 } },                 /* red */
    { 1.0f, { 0.88f, 0.11f, 0.14f, 1 } },
  };

  _tandem_widgets_get_fg (widget, &track);
  track.alpha = 0.1f;

  for (guint c = 0; c < 2; c++)
    {
      Channel *channel = &self->channels[c];
      float x = c * (BAR_WIDTH + BAR_GAP);
      float level_h = roundf (height * db_to_fraction (channel->level));
      float hold_y = roundf (height * (1 - db_to_fraction (channel->hold)));
      graphene_rect_t bar = GRAPHENE_RECT_INIT (x, 0, BAR_WIDTH, height);
      GskRoundedRect rounded;

      gsk_rounded_rect_init_from_rect (&rounded, &bar, BAR_WIDTH / 2.f);
      gtk_snapshot_push_rounded_clip (snapshot, &rounded);
      gtk_snapshot_append_color (snapshot, &track, &bar);

      if (level_h > 0)
        {
          gtk_snapshot_push_clip (snapshot,
                                  &GRAPHENE_RECT_INIT (x, height - level_h, BAR_WIDTH, level_h));
          gtk_snapshot_append_linear_gradient (snapshot, &bar,
                                               &GRAPHENE_POINT_INIT (x, height),
                                               &GRAPHENE_POINT_INIT (x, 0),
                                               stops, G_N_ELEMENTS (stops));
          gtk_snapshot_pop (snapshot);
        }

      if (channel->hold > TANDEM_VOLUME_MIN_DB)
        {
          hold = channel->hold >= 0 ? stops[4].color
               : channel->hold >= -6 ? stops[2].color : stops[0].color;
          gtk_snapshot_append_color (snapshot, &hold,
                                     &GRAPHENE_RECT_INIT (x, MIN (hold_y, height - 2),
                                                          BAR_WIDTH, 2));
        }
      gtk_snapshot_pop (snapshot);

      self->drawn[c * 2] = (int) level_h;
      self->drawn[c * 2 + 1] = (int) hold_y;
    }
}

static void
tandem_meter_class_init (TandemMeterClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  widget_class->measure = tandem_meter_measure;
  widget_class->snapshot = tandem_meter_snapshot;

  gtk_widget_class_set_css_name (widget_class, "meter");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_PRESENTATION);
}

static void
tandem_meter_init (TandemMeter *self)
{
  tandem_meter_reset (self);
}

GtkWidget *
tandem_meter_new (void)
{
  return g_object_new (TANDEM_TYPE_METER, NULL);
}

/**
 * tandem_meter_set_peaks:
 *
 * Updates the levels and redraws when a pixel changed.
 */
void
tandem_meter_set_peaks (TandemMeter *self,
                        float        peak_l,
                        float        peak_r,
                        gint64       frame_time)
{
  double elapsed;
  float height;
  gboolean changed = FALSE;

  g_return_if_fail (TANDEM_IS_METER (self));

  elapsed = self->last_time > 0 ? (frame_time - self->last_time) / (double) G_USEC_PER_SEC : 0;
  elapsed = CLAMP (elapsed, 0, 1);
  self->last_time = frame_time;
  height = gtk_widget_get_height (GTK_WIDGET (self));

  for (guint c = 0; c < 2; c++)
    {
      Channel *channel = &self->channels[c];
      double db = to_db (c == 0 ? peak_l : peak_r);
      double fallen = channel->level - FALLOFF_DB_PER_SECOND * elapsed;

      channel->level = MAX (db, MAX (fallen, TANDEM_VOLUME_MIN_DB));
      if (db >= channel->hold || frame_time - channel->hold_since > HOLD_USEC)
        {
          channel->hold = db >= channel->hold ? db : channel->level;
          channel->hold_since = frame_time;
        }

      if ((int) roundf (height * db_to_fraction (channel->level)) != self->drawn[c * 2] ||
          (int) roundf (height * (1 - db_to_fraction (channel->hold))) != self->drawn[c * 2 + 1])
        changed = TRUE;
    }

  if (changed)
    gtk_widget_queue_draw (GTK_WIDGET (self));
}

double
tandem_meter_get_level (TandemMeter *self,
                        guint        channel)
{
  g_return_val_if_fail (TANDEM_IS_METER (self), TANDEM_VOLUME_MIN_DB);
  g_return_val_if_fail (channel < 2, TANDEM_VOLUME_MIN_DB);

  return self->channels[channel].level;
}

/**
 * tandem_meter_reset:
 *
 * Drops to silence at once (the stream stopped).
 */
void
tandem_meter_reset (TandemMeter *self)
{
  g_return_if_fail (TANDEM_IS_METER (self));

  for (guint c = 0; c < 2; c++)
    {
      self->channels[c].level = TANDEM_VOLUME_MIN_DB;
      self->channels[c].hold = TANDEM_VOLUME_MIN_DB;
      self->channels[c].hold_since = 0;
    }
  self->last_time = 0;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}
