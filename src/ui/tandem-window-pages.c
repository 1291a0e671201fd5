/* tandem-window-pages.c — the Mixer and Song pages, built when first shown,
 * and the view the window opens on
 *
 * The window opens on one page; the other two hold a few hundred widgets
 * (strips, faders, meters, the timeline) that only cost start-up time until
 * someone looks at them. So they start as empty bins, and the widget is made
 * and given the project the first time its page becomes visible.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-ui"

#include "config.h"

#include "tandem-window-private.h"
#include "widgets/tandem-song-view.h"

/* Gives the built pages the window's project; unbuilt ones get it when built. */
void
_tandem_window_pages_set_project (TandemWindow *self)
{
  if (self->mixer_view != NULL)
    g_object_set (self->mixer_view, "project", self->project, "history", self->history, NULL);
  if (self->timeline_view != NULL)
    g_object_set (gtk_widget_get_ancestor (GTK_WIDGET (self->timeline_view),
                                           TANDEM_TYPE_SONG_VIEW),
                  "project", self->project, "history", self->history, NULL);
}

static void
set_page_margins (GtkWidget *widget)
{
  gtk_widget_set_margin_start (widget, 12);
  gtk_widget_set_margin_end (widget, 12);
  gtk_widget_set_margin_top (widget, 12);
  gtk_widget_set_margin_bottom (widget, 12);
}

static void
build_mixer (TandemWindow *self)
{
  self->mixer_view = TANDEM_MIXER_VIEW (tandem_mixer_view_new ());
  set_page_margins (GTK_WIDGET (self->mixer_view));
  adw_bin_set_child (self->mixer_page, GTK_WIDGET (self->mixer_view));
  _tandem_window_audio_attach_mixer (self);
  _tandem_window_pages_set_project (self);
}

/* The timeline with its lane headers and scrollers (widgets/tandem-song-view.c). */
static void
build_timeline (TandemWindow *self)
{
  GtkWidget *song = tandem_song_view_new ();

  self->timeline_view = tandem_song_view_get_timeline (TANDEM_SONG_VIEW (song));
  adw_bin_set_child (self->song_page, song);
  _tandem_window_pages_set_project (self);
}

static void
on_visible_child_changed (TandemWindow *self)
{
  const char *name = adw_view_stack_get_visible_child_name (self->view_stack);

  if (g_strcmp0 (name, "mixer") == 0 && self->mixer_view == NULL)
    build_mixer (self);
  else if (g_strcmp0 (name, "song") == 0 && self->timeline_view == NULL)
    build_timeline (self);
}

/* Opens on the view shown last; save_window_state() remembers it. */
void
_tandem_window_pages_init (TandemWindow *self)
{
  g_autofree char *last_view = g_settings_get_string (self->settings, "last-view");

  g_signal_connect_object (self->view_stack, "notify::visible-child-name",
                           G_CALLBACK (on_visible_child_changed), self,
                           G_CONNECT_SWAPPED);
  adw_view_stack_set_visible_child_name (self->view_stack, last_view);
}
