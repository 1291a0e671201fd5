/* tandem-mixer-view.c — one strip per track plus the master strip
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-ui"

#include "config.h"

#include <glib/gi18n.h>

#include "tandem-mixer-view.h"
#include "tandem-widgets-private.h"

#define METER_INTERVAL_USEC (G_USEC_PER_SEC / 30)

struct _TandemMixerView
{
  GtkWidget        parent_instance;

  TandemProject   *project;
  TandemHistory   *history;
  GSignalGroup    *project_signals;
  GListModel      *tracks;

  GtkWidget       *scroller;
  GtkWidget       *strip_box;
  GtkWidget       *separator;
  GtkWidget       *master;
  GPtrArray       *strips;       /* TandemMixerStrip, in track order */

  TandemMeterFunc  meter_func;
  gpointer         meter_data;
  guint            tick_id;
  gint64           last_poll;
};

G_DEFINE_FINAL_TYPE (TandemMixerView, tandem_mixer_view, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_PROJECT,
  PROP_HISTORY,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static gboolean
poll_meters (GtkWidget     *widget,
             GdkFrameClock *clock,
             gpointer       data)
{
  TandemMixerView *self = TANDEM_MIXER_VIEW (widget);
  gint64 now = gdk_frame_clock_get_frame_time (clock);

  if (self->meter_func == NULL)
    {
      self->tick_id = 0;
      return G_SOURCE_REMOVE;
    }

  if (now - self->last_poll < METER_INTERVAL_USEC)
    return G_SOURCE_CONTINUE;
  self->last_poll = now;

  for (guint i = 0; i < self->strips->len; i++)
    {
      float l = 0, r = 0;

      self->meter_func ((int) i, &l, &r, self->meter_data);
      tandem_meter_set_peaks (tandem_mixer_strip_get_meter (g_ptr_array_index (self->strips, i)),
                              l, r, now);
    }
  if (self->master != NULL)
    {
      float l = 0, r = 0;

      self->meter_func (-1, &l, &r, self->meter_data);
      tandem_meter_set_peaks (tandem_mixer_strip_get_meter (TANDEM_MIXER_STRIP (self->master)),
                              l, r, now);
    }

  return G_SOURCE_CONTINUE;
}

static void
update_ticking (TandemMixerView *self)
{
  gboolean want = self->meter_func != NULL && gtk_widget_get_mapped (GTK_WIDGET (self));

  if (want && self->tick_id == 0)
    self->tick_id = gtk_widget_add_tick_callback (GTK_WIDGET (self), poll_meters, NULL, NULL);
  else if (!want && self->tick_id != 0)
    {
      gtk_widget_remove_tick_callback (GTK_WIDGET (self), self->tick_id);
      self->tick_id = 0;
    }
}

static GtkWidget *
create_strip (TandemMixerView *self,
              TandemTrack     *track)
{
  GtkWidget *strip = tandem_mixer_strip_new (self->project, track);

  tandem_mixer_strip_set_history (TANDEM_MIXER_STRIP (strip), self->history);
  return strip;
}

static void
on_tracks_changed (TandemMixerView *self,
                   guint            position,
                   guint            removed,
                   guint            added,
                   GListModel      *tracks)
{
  GtkWidget *sibling;

  for (guint i = 0; i < removed; i++)
    {
      GtkWidget *strip = g_ptr_array_steal_index (self->strips, position);

      gtk_box_remove (GTK_BOX (self->strip_box), strip);
    }

  sibling = position > 0 ? g_ptr_array_index (self->strips, position - 1) : NULL;
  for (guint i = 0; i < added; i++)
    {
      g_autoptr(TandemTrack) track = g_list_model_get_item (tracks, position + i);
      GtkWidget *strip = create_strip (self, track);

      gtk_box_insert_child_after (GTK_BOX (self->strip_box), strip, sibling);
      g_ptr_array_insert (self->strips, position + i, strip);
      sibling = strip;
    }
}

static void
clear_strips (TandemMixerView *self)
{
  while (self->strips->len > 0)
    {
      GtkWidget *strip = g_ptr_array_steal_index (self->strips, self->strips->len - 1);

      gtk_box_remove (GTK_BOX (self->strip_box), strip);
    }
  if (self->master != NULL)
    {
      gtk_widget_unparent (self->master);
      self->master = NULL;
    }
}

static void
rebuild_strips (TandemMixerView *self)
{
  clear_strips (self);
  if (self->project == NULL)
    return;

  on_tracks_changed (self, 0, 0, g_list_model_get_n_items (self->tracks), self->tracks);
  self->master = create_strip (self, NULL);
  gtk_widget_set_margin_top (self->master, 6);
  gtk_widget_set_margin_bottom (self->master, 6);
  gtk_widget_set_margin_end (self->master, 6);
  gtk_widget_insert_after (self->master, GTK_WIDGET (self), self->separator);
}

static void
on_project_bind (TandemMixerView *self,
                 TandemProject   *project,
                 GSignalGroup    *group)
{
  self->tracks = g_object_ref (tandem_project_get_tracks (project));
  g_signal_connect_object (self->tracks, "items-changed",
                           G_CALLBACK (on_tracks_changed), self, G_CONNECT_SWAPPED);
}

static void
on_project_unbind (TandemMixerView *self,
                   GSignalGroup    *group)
{
  if (self->tracks != NULL)
    g_signal_handlers_disconnect_by_data (self->tracks, self);
  g_clear_object (&self->tracks);
}

static void
tandem_mixer_view_map (GtkWidget *widget)
{
  GTK_WIDGET_CLASS (tandem_mixer_view_parent_class)->map (widget);
  update_ticking (TANDEM_MIXER_VIEW (widget));
}

static void
tandem_mixer_view_unmap (GtkWidget *widget)
{
  GTK_WIDGET_CLASS (tandem_mixer_view_parent_class)->unmap (widget);
  update_ticking (TANDEM_MIXER_VIEW (widget));
}

static void
tandem_mixer_view_dispose (GObject *object)
{
  TandemMixerView *self = TANDEM_MIXER_VIEW (object);

  if (self->project_signals != NULL)
    g_signal_group_set_target (self->project_signals, NULL);
  if (self->strips != NULL)
    clear_strips (self);
  g_clear_pointer (&self->scroller, gtk_widget_unparent);
  g_clear_pointer (&self->separator, gtk_widget_unparent);
  self->strip_box = NULL;

  g_clear_object (&self->project_signals);
  g_clear_object (&self->project);
  g_clear_object (&self->history);

  G_OBJECT_CLASS (tandem_mixer_view_parent_class)->dispose (object);
}

static void
tandem_mixer_view_finalize (GObject *object)
{
  TandemMixerView *self = TANDEM_MIXER_VIEW (object);

  g_clear_pointer (&self->strips, g_ptr_array_unref);

  G_OBJECT_CLASS (tandem_mixer_view_parent_class)->finalize (object);
}

static void
tandem_mixer_view_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  TandemMixerView *self = TANDEM_MIXER_VIEW (object);

  switch (prop_id)
    {
    case PROP_PROJECT:
      g_value_set_object (value, self->project);
      break;
    case PROP_HISTORY:
      g_value_set_object (value, self->history);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tandem_mixer_view_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  TandemMixerView *self = TANDEM_MIXER_VIEW (object);

  switch (prop_id)
    {
    case PROP_PROJECT:
      tandem_mixer_view_set_project (self, g_value_get_object (value));
      break;
    case PROP_HISTORY:
      tandem_mixer_view_set_history (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tandem_mixer_view_class_init (TandemMixerViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = tandem_mixer_view_dispose;
  object_class->finalize = tandem_mixer_view_finalize;
  object_class->get_property = tandem_mixer_view_get_property;
  object_class->set_property = tandem_mixer_view_set_property;
  widget_class->map = tandem_mixer_view_map;
  widget_class->unmap = tandem_mixer_view_unmap;

  properties[PROP_PROJECT] =
    g_param_spec_object ("project", NULL, NULL, TANDEM_TYPE_PROJECT,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_HISTORY] =
    g_param_spec_object ("history", NULL, NULL, TANDEM_TYPE_HISTORY,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BOX_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "mixerview");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
tandem_mixer_view_init (TandemMixerView *self)
{
  self->strips = g_ptr_array_new ();

  gtk_box_layout_set_spacing (GTK_BOX_LAYOUT (gtk_widget_get_layout_manager (GTK_WIDGET (self))),
                              12);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Mixer"), -1);

  self->strip_box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);
  gtk_widget_set_margin_top (self->strip_box, 6);
  gtk_widget_set_margin_bottom (self->strip_box, 6);
  gtk_widget_set_margin_start (self->strip_box, 6);
  self->scroller = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (self->scroller),
                                  GTK_POLICY_AUTOMATIC, GTK_POLICY_NEVER);
  gtk_scrolled_window_set_propagate_natural_width (GTK_SCROLLED_WINDOW (self->scroller), TRUE);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (self->scroller), self->strip_box);
  gtk_widget_set_hexpand (self->scroller, TRUE);
  gtk_widget_set_parent (self->scroller, GTK_WIDGET (self));

  self->separator = gtk_separator_new (GTK_ORIENTATION_VERTICAL);
  gtk_widget_set_parent (self->separator, GTK_WIDGET (self));

  self->project_signals = g_signal_group_new (TANDEM_TYPE_PROJECT);
  g_signal_connect_object (self->project_signals, "bind",
                           G_CALLBACK (on_project_bind), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->project_signals, "unbind",
                           G_CALLBACK (on_project_unbind), self, G_CONNECT_SWAPPED);
  /* A loaded document may bring new values without notifying each one. */
  g_signal_group_connect_object (self->project_signals, "reset",
                                 G_CALLBACK (rebuild_strips), self, G_CONNECT_SWAPPED);
}

GtkWidget *
tandem_mixer_view_new (void)
{
  return g_object_new (TANDEM_TYPE_MIXER_VIEW, NULL);
}

TandemProject *
tandem_mixer_view_get_project (TandemMixerView *self)
{
  g_return_val_if_fail (TANDEM_IS_MIXER_VIEW (self), NULL);

  return self->project;
}

/**
 * tandem_mixer_view_set_project:
 *
 * Shows a strip for each track of @project and its master strip.
 */
void
tandem_mixer_view_set_project (TandemMixerView *self,
                               TandemProject   *project)
{
  g_return_if_fail (TANDEM_IS_MIXER_VIEW (self));
  g_return_if_fail (project == NULL || TANDEM_IS_PROJECT (project));

  if (self->project == project)
    return;

  clear_strips (self);
  g_set_object (&self->project, project);
  g_signal_group_set_target (self->project_signals, project);
  rebuild_strips (self);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROJECT]);
}

TandemHistory *
tandem_mixer_view_get_history (TandemMixerView *self)
{
  g_return_val_if_fail (TANDEM_IS_MIXER_VIEW (self), NULL);

  return self->history;
}

void
tandem_mixer_view_set_history (TandemMixerView *self,
                               TandemHistory   *history)
{
  g_return_if_fail (TANDEM_IS_MIXER_VIEW (self));
  g_return_if_fail (history == NULL || TANDEM_IS_HISTORY (history));

  if (!g_set_object (&self->history, history))
    return;

  for (guint i = 0; i < self->strips->len; i++)
    tandem_mixer_strip_set_history (g_ptr_array_index (self->strips, i), history);
  if (self->master != NULL)
    tandem_mixer_strip_set_history (TANDEM_MIXER_STRIP (self->master), history);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HISTORY]);
}

/**
 * tandem_mixer_view_set_meter_source:
 * @func: (nullable): reads a strip's peaks; NULL stops metering
 *
 * The meters are polled from a tick callback, only while the mixer is mapped.
 */
void
tandem_mixer_view_set_meter_source (TandemMixerView *self,
                                    TandemMeterFunc  func,
                                    gpointer         user_data)
{
  g_return_if_fail (TANDEM_IS_MIXER_VIEW (self));

  self->meter_func = func;
  self->meter_data = user_data;
  update_ticking (self);

  if (func == NULL)
    {
      for (guint i = 0; i < self->strips->len; i++)
        tandem_meter_reset (tandem_mixer_strip_get_meter (g_ptr_array_index (self->strips, i)));
      if (self->master != NULL)
        tandem_meter_reset (tandem_mixer_strip_get_meter (TANDEM_MIXER_STRIP (self->master)));
    }
}

TandemMixerStrip *
tandem_mixer_view_get_strip (TandemMixerView *self,
                             int              index)
{
  g_return_val_if_fail (TANDEM_IS_MIXER_VIEW (self), NULL);

  if (index < 0)
    return self->master != NULL ? TANDEM_MIXER_STRIP (self->master) : NULL;
  if ((guint) index >= self->strips->len)
    return NULL;
  return g_ptr_array_index (self->strips, index);
}
