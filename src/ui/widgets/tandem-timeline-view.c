/* tandem-timeline-view.c — the song arrangement: pattern clips on bars
 *
 * The widget itself: its properties and public API, and following the
 * project. It redraws after any op that can change what it shows, local or
 * remote alike. The play-start marker is local view state, not an op: Play
 * turns it into the anchor of the start it shares. Drawing, input and edits
 * live beside it (tandem-timeline-view-private.h lists them).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-ui"

#include "config.h"

#include <glib/gi18n.h>

#include "tandem-timeline-view-private.h"

#define ZOOM_MIN       12.0
#define ZOOM_MAX       320.0
#define ZOOM_DEFAULT   64.0

G_DEFINE_FINAL_TYPE (TandemTimelineView, tandem_timeline_view, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_PROJECT,
  PROP_HISTORY,
  PROP_PLAYHEAD_BAR,
  PROP_ZOOM,
  PROP_SELECTED_CLIP,
  PROP_PLAY_START_BAR,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* ---- following the model ------------------------------------------------- */

static void
on_op_applied (TandemTimelineView *self,
               TandemOp           *op,
               TandemProject      *project)
{
  /* Cell edits are the bulk of all ops and change nothing here. */
  if (tandem_op_get_kind (op) != TANDEM_OP_BATCH &&
      tandem_op_get_entity (op) == TANDEM_ENTITY_CELL)
    return;
  if (tandem_op_get_kind (op) != TANDEM_OP_BATCH &&
      tandem_op_get_entity (op) == TANDEM_ENTITY_TRACK)
    return;

  /* Someone removed the clip being dragged: the drag ends there (its
   * gesture too, so the pointer edits nothing more until released). */
  if (self->drag_clip != NULL && tandem_project_find_clip (project, self->drag_clip) == NULL)
    {
      _tandem_timeline_view_drag_stop (self, FALSE);
      gtk_event_controller_reset (GTK_EVENT_CONTROLLER (self->drag));
    }
  /* …or the selected one: its menu has nothing left to act on. */
  if (self->selected_clip != NULL &&
      tandem_project_find_clip (project, self->selected_clip) == NULL)
    {
      tandem_timeline_view_set_selected_clip (self, NULL);
      if (self->menu != NULL)
        gtk_popover_popdown (GTK_POPOVER (self->menu));
    }
  gtk_widget_queue_resize (GTK_WIDGET (self));
}

static void
on_project_reset (TandemTimelineView *self,
                  TandemProject      *project)
{
  tandem_timeline_view_set_selected_clip (self, NULL);
  tandem_timeline_view_set_play_start_bar (self, 0);
  gtk_widget_queue_resize (GTK_WIDGET (self));
}

/* ---- GObject ------------------------------------------------------------- */

static void
tandem_timeline_view_size_allocate (GtkWidget *widget,
                                    int        width,
                                    int        height,
                                    int        baseline)
{
  TandemTimelineView *self = TANDEM_TIMELINE_VIEW (widget);

  if (self->menu != NULL)
    gtk_popover_present (GTK_POPOVER (self->menu));
}

static void
tandem_timeline_view_state_flags_changed (GtkWidget     *widget,
                                          GtkStateFlags  previous)
{
  GtkStateFlags changed = previous ^ gtk_widget_get_state_flags (widget);

  if (changed & (GTK_STATE_FLAG_FOCUSED | GTK_STATE_FLAG_FOCUS_VISIBLE))
    gtk_widget_queue_draw (widget);

  GTK_WIDGET_CLASS (tandem_timeline_view_parent_class)->state_flags_changed (widget, previous);
}

static void
tandem_timeline_view_dispose (GObject *object)
{
  TandemTimelineView *self = TANDEM_TIMELINE_VIEW (object);

  _tandem_timeline_view_drag_stop (self, FALSE);
  if (self->project_signals != NULL)
    g_signal_group_set_target (self->project_signals, NULL);
  g_clear_pointer (&self->menu, gtk_widget_unparent);
  g_clear_object (&self->project_signals);
  g_clear_object (&self->project);
  g_clear_object (&self->history);

  G_OBJECT_CLASS (tandem_timeline_view_parent_class)->dispose (object);
}

static void
tandem_timeline_view_finalize (GObject *object)
{
  TandemTimelineView *self = TANDEM_TIMELINE_VIEW (object);

  g_clear_pointer (&self->selected_clip, g_free);
  g_clear_pointer (&self->drag_clip, g_free);

  G_OBJECT_CLASS (tandem_timeline_view_parent_class)->finalize (object);
}

static void
tandem_timeline_view_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  TandemTimelineView *self = TANDEM_TIMELINE_VIEW (object);

  switch (prop_id)
    {
    case PROP_PROJECT:
      g_value_set_object (value, self->project);
      break;
    case PROP_HISTORY:
      g_value_set_object (value, self->history);
      break;
    case PROP_PLAYHEAD_BAR:
      g_value_set_double (value, self->playhead_bar);
      break;
    case PROP_ZOOM:
      g_value_set_double (value, self->zoom);
      break;
    case PROP_SELECTED_CLIP:
      g_value_set_string (value, self->selected_clip);
      break;
    case PROP_PLAY_START_BAR:
      g_value_set_uint (value, self->play_start_bar);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tandem_timeline_view_set_property (GObject      *object,
                                   guint         prop_id,
                                   const GValue *value,
                                   GParamSpec   *pspec)
{
  TandemTimelineView *self = TANDEM_TIMELINE_VIEW (object);

  switch (prop_id)
    {
    case PROP_PROJECT:
      tandem_timeline_view_set_project (self, g_value_get_object (value));
      break;
    case PROP_HISTORY:
      tandem_timeline_view_set_history (self, g_value_get_object (value));
      break;
    case PROP_PLAYHEAD_BAR:
      tandem_timeline_view_set_playhead_bar (self, g_value_get_double (value));
      break;
    case PROP_ZOOM:
      tandem_timeline_view_set_zoom (self, g_value_get_double (value));
      break;
    case PROP_SELECTED_CLIP:
      tandem_timeline_view_set_selected_clip (self, g_value_get_string (value));
      break;
    case PROP_PLAY_START_BAR:
      tandem_timeline_view_set_play_start_bar (self, g_value_get_uint (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tandem_timeline_view_class_init (TandemTimelineViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = tandem_timeline_view_dispose;
  object_class->finalize = tandem_timeline_view_finalize;
  object_class->get_property = tandem_timeline_view_get_property;
  object_class->set_property = tandem_timeline_view_set_property;
  widget_class->measure = _tandem_timeline_view_measure;
  widget_class->size_allocate = tandem_timeline_view_size_allocate;
  widget_class->snapshot = _tandem_timeline_view_snapshot;
  widget_class->state_flags_changed = tandem_timeline_view_state_flags_changed;

  properties[PROP_PROJECT] =
    g_param_spec_object ("project", NULL, NULL, TANDEM_TYPE_PROJECT,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_HISTORY] =
    g_param_spec_object ("history", NULL, NULL, TANDEM_TYPE_HISTORY,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_PLAYHEAD_BAR] =
    g_param_spec_double ("playhead-bar", NULL, NULL, -1, TANDEM_MAX_BARS, -1,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_ZOOM] =
    g_param_spec_double ("zoom", NULL, NULL, ZOOM_MIN, ZOOM_MAX, ZOOM_DEFAULT,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_SELECTED_CLIP] =
    g_param_spec_string ("selected-clip", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_PLAY_START_BAR] =
    g_param_spec_uint ("play-start-bar", NULL, NULL, 0, TANDEM_MAX_BARS - 1, 0,
                       G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  _tandem_timeline_view_class_edit_init (widget_class);

  gtk_widget_class_set_css_name (widget_class, "timelineview");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
tandem_timeline_view_init (TandemTimelineView *self)
{
  self->playhead_bar = -1;
  self->zoom = ZOOM_DEFAULT;
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "timeline.delete-selected", FALSE);

  gtk_widget_set_focusable (GTK_WIDGET (self), TRUE);
  gtk_widget_set_focus_on_click (GTK_WIDGET (self), TRUE);
  gtk_widget_set_overflow (GTK_WIDGET (self), GTK_OVERFLOW_HIDDEN);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Song timeline"),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                  _("Double-click to add a clip; click the ruler to choose where "
                                    "Play starts in song mode. Up and Down select a clip, Left "
                                    "and Right move it, Shift and arrow keys resize it, Delete "
                                    "removes it"),
                                  -1);

  _tandem_timeline_view_add_controllers (self);

  self->project_signals = g_signal_group_new (TANDEM_TYPE_PROJECT);
  g_signal_group_connect_object (self->project_signals, "op-applied",
                                 G_CALLBACK (on_op_applied), self, G_CONNECT_SWAPPED);
  g_signal_group_connect_object (self->project_signals, "reset",
                                 G_CALLBACK (on_project_reset), self, G_CONNECT_SWAPPED);
}

GtkWidget *
tandem_timeline_view_new (void)
{
  return g_object_new (TANDEM_TYPE_TIMELINE_VIEW, NULL);
}

TandemProject *
tandem_timeline_view_get_project (TandemTimelineView *self)
{
  g_return_val_if_fail (TANDEM_IS_TIMELINE_VIEW (self), NULL);

  return self->project;
}

void
tandem_timeline_view_set_project (TandemTimelineView *self,
                                  TandemProject      *project)
{
  g_return_if_fail (TANDEM_IS_TIMELINE_VIEW (self));
  g_return_if_fail (project == NULL || TANDEM_IS_PROJECT (project));

  if (self->project == project)
    return;

  _tandem_timeline_view_drag_stop (self, FALSE);
  g_set_object (&self->project, project);
  g_signal_group_set_target (self->project_signals, project);
  tandem_timeline_view_set_selected_clip (self, NULL);
  tandem_timeline_view_set_play_start_bar (self, 0);
  gtk_widget_queue_resize (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROJECT]);
}

TandemHistory *
tandem_timeline_view_get_history (TandemTimelineView *self)
{
  g_return_val_if_fail (TANDEM_IS_TIMELINE_VIEW (self), NULL);

  return self->history;
}

void
tandem_timeline_view_set_history (TandemTimelineView *self,
                                  TandemHistory      *history)
{
  g_return_if_fail (TANDEM_IS_TIMELINE_VIEW (self));
  g_return_if_fail (history == NULL || TANDEM_IS_HISTORY (history));

  if (self->history == history)
    return;

  _tandem_timeline_view_drag_stop (self, FALSE);
  g_set_object (&self->history, history);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HISTORY]);
}

double
tandem_timeline_view_get_playhead_bar (TandemTimelineView *self)
{
  g_return_val_if_fail (TANDEM_IS_TIMELINE_VIEW (self), -1);

  return self->playhead_bar;
}

/**
 * tandem_timeline_view_set_playhead_bar:
 * @bar: the position being played in bars (fractional), or -1 when stopped
 */
void
tandem_timeline_view_set_playhead_bar (TandemTimelineView *self,
                                       double              bar)
{
  g_return_if_fail (TANDEM_IS_TIMELINE_VIEW (self));

  bar = bar < 0 ? -1 : MIN (bar, TANDEM_MAX_BARS);
  if (self->playhead_bar == bar)
    return;

  self->playhead_bar = bar;
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PLAYHEAD_BAR]);
}

double
tandem_timeline_view_get_zoom (TandemTimelineView *self)
{
  g_return_val_if_fail (TANDEM_IS_TIMELINE_VIEW (self), ZOOM_DEFAULT);

  return self->zoom;
}

/**
 * tandem_timeline_view_set_zoom:
 * @pixels_per_bar: the width of one bar, clamped to 12..320
 */
void
tandem_timeline_view_set_zoom (TandemTimelineView *self,
                               double              pixels_per_bar)
{
  g_return_if_fail (TANDEM_IS_TIMELINE_VIEW (self));

  pixels_per_bar = CLAMP (pixels_per_bar, ZOOM_MIN, ZOOM_MAX);
  if (self->zoom == pixels_per_bar)
    return;

  self->zoom = pixels_per_bar;
  gtk_widget_queue_resize (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ZOOM]);
}

const char *
tandem_timeline_view_get_selected_clip (TandemTimelineView *self)
{
  g_return_val_if_fail (TANDEM_IS_TIMELINE_VIEW (self), NULL);

  return self->selected_clip;
}

void
tandem_timeline_view_set_selected_clip (TandemTimelineView *self,
                                        const char         *clip_id)
{
  g_return_if_fail (TANDEM_IS_TIMELINE_VIEW (self));

  if (g_strcmp0 (self->selected_clip, clip_id) == 0)
    return;

  g_free (self->selected_clip);
  self->selected_clip = g_strdup (clip_id);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "timeline.delete-selected", clip_id != NULL);
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SELECTED_CLIP]);
}

gboolean
tandem_timeline_view_get_clip_rect (TandemTimelineView *self,
                                    const char         *clip_id,
                                    graphene_rect_t    *rect)
{
  TandemClip *clip;

  g_return_val_if_fail (TANDEM_IS_TIMELINE_VIEW (self), FALSE);
  g_return_val_if_fail (rect != NULL, FALSE);

  if (self->project == NULL || (clip = tandem_project_find_clip (self->project, clip_id)) == NULL)
    return FALSE;
  return _tandem_timeline_view_clip_rect (self, clip, rect);
}

guint
tandem_timeline_view_get_play_start_bar (TandemTimelineView *self)
{
  g_return_val_if_fail (TANDEM_IS_TIMELINE_VIEW (self), 0);

  return self->play_start_bar;
}

/**
 * tandem_timeline_view_set_play_start_bar:
 * @bar: the bar (0-based) where Play starts in song mode
 *
 * Local to this view: Play shares it as the anchor step of its start.
 */
void
tandem_timeline_view_set_play_start_bar (TandemTimelineView *self,
                                         guint               bar)
{
  g_return_if_fail (TANDEM_IS_TIMELINE_VIEW (self));

  bar = MIN (bar, TANDEM_MAX_BARS - 1);
  if (self->play_start_bar == bar)
    return;

  self->play_start_bar = bar;
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PLAY_START_BAR]);
}
