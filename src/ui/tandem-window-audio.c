/* tandem-window-audio.c — the window's engine: output device, playhead, meters
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-ui"

#include "config.h"

#include <glib/gi18n.h>

#include "tandem-window-private.h"

static void
read_meter (int      track_index,
            float   *peak_l,
            float   *peak_r,
            gpointer user_data)
{
  TandemEngine *engine = TANDEM_ENGINE (user_data);

  if (track_index < 0)
    {
      tandem_engine_get_master_peak (engine, peak_l, peak_r);
      return;
    }

  *peak_l = *peak_r = tandem_engine_get_track_peak (engine, track_index);
}

/* Follows the audio thread's position once per frame while playing. */
static gboolean
playhead_tick (GtkWidget     *widget,
               GdkFrameClock *frame_clock,
               gpointer       user_data)
{
  TandemWindow *self = TANDEM_WINDOW (widget);
  TandemProject *project = _tandem_window_audible_project (self);
  gint64 position = tandem_engine_get_playhead (self->engine);
  const char *pattern_id = tandem_project_get_current_pattern (project);
  TandemPattern *pattern = tandem_project_find_pattern (project, pattern_id);
  guint steps_per_bar = tandem_project_get_steps_per_beat (project) *
                        tandem_project_get_beats_per_bar (project);
  gboolean song = tandem_project_get_play_mode (project) == TANDEM_PLAY_MODE_SONG;
  int step = -1;
  double bar = -1.0;

  if (position >= 0)
    {
      /* A grid showing another pattern than the one playing shows no playhead. */
      if (pattern != NULL && (song || tandem_grid_view_get_pattern (self->grid_view) == pattern))
        step = (int) (position % tandem_pattern_get_length (pattern));
      if (song && steps_per_bar > 0)
        bar = (double) position / steps_per_bar;
    }

  tandem_grid_view_set_playhead_step (self->grid_view, step);
  if (self->timeline_view != NULL)
    tandem_timeline_view_set_playhead_bar (self->timeline_view, bar);

  return G_SOURCE_CONTINUE;
}

static void
update_audio_status (TandemWindow *self)
{
  gboolean available = tandem_engine_get_available (self->engine);

  if (!available && !self->audio_off_reported)
    {
      self->audio_off_reported = TRUE;
      tandem_window_show_toast (self, tandem_engine_get_status (self->engine));
    }
  else if (available)
    {
      self->audio_off_reported = FALSE;
    }

  _tandem_window_update_status (self);
}

static void
on_sample_error (TandemWindow *self,
                 const char   *hash,
                 const char   *message)
{
  g_autofree char *text = g_strdup_printf (_("A sample could not be played: %s"), message);

  tandem_window_show_toast (self, text);
}

/* Opening a device can take a moment (ALSA probes its plugins): do it after
 * the first frame, so the window shows at once. */
static gboolean
open_output_idle (gpointer user_data)
{
  TandemWindow *self = TANDEM_WINDOW (user_data);
  g_autofree char *device = g_settings_get_string (self->settings, "audio-device");
  g_autoptr(GError) error = NULL;

  self->open_output_source = 0;
  if (!tandem_engine_open (self->engine, device[0] != '\0' ? device : NULL,
                           g_settings_get_uint (self->settings, "sample-rate"),
                           g_settings_get_uint (self->settings, "buffer-size"), &error))
    g_message ("Audio is off: %s", error->message);

  update_audio_status (self);
  return G_SOURCE_REMOVE;
}

static void
reopen_output (TandemWindow *self)
{
  tandem_engine_close (self->engine);
  if (self->open_output_source == 0)
    self->open_output_source = g_idle_add (open_output_idle, self);
}

/* The metronome is the player's own setting, handed to the engine only:
 * never an op, so a session never hears it. */
static void
apply_metronome (TandemWindow *self)
{
  TandemMetronomeMode mode = TANDEM_METRONOME_OFF;

  if (g_settings_get_boolean (self->settings, "metronome"))
    mode = g_settings_get_boolean (self->settings, "metronome-while-playing")
           ? TANDEM_METRONOME_ALWAYS : TANDEM_METRONOME_COUNT_IN;
  tandem_engine_set_metronome (self->engine, mode);
}

void
_tandem_window_audio_init (TandemWindow *self)
{
  self->engine = tandem_engine_new ();

  g_signal_connect_object (self->engine, "notify::available",
                           G_CALLBACK (update_audio_status), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->engine, "notify::status",
                           G_CALLBACK (update_audio_status), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->engine, "sample-error",
                           G_CALLBACK (on_sample_error), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->settings, "changed::audio-device",
                           G_CALLBACK (reopen_output), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->settings, "changed::sample-rate",
                           G_CALLBACK (reopen_output), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->settings, "changed::buffer-size",
                           G_CALLBACK (reopen_output), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->settings, "changed::metronome",
                           G_CALLBACK (apply_metronome), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->settings, "changed::metronome-while-playing",
                           G_CALLBACK (apply_metronome), self, G_CONNECT_SWAPPED);
  apply_metronome (self);

  gtk_widget_add_tick_callback (GTK_WIDGET (self), playhead_tick, NULL, NULL);
}

void
_tandem_window_audio_attach_mixer (TandemWindow *self)
{
  tandem_mixer_view_set_meter_source (self->mixer_view, read_meter, self->engine);
}

void
_tandem_window_audio_start (TandemWindow *self)
{
  if (self->open_output_source == 0 && !tandem_engine_get_available (self->engine))
    self->open_output_source = g_idle_add (open_output_idle, self);
}

void
_tandem_window_audio_dispose (TandemWindow *self)
{
  g_clear_handle_id (&self->open_output_source, g_source_remove);
  if (self->mixer_view != NULL)
    tandem_mixer_view_set_meter_source (self->mixer_view, NULL, NULL);
  if (self->engine != NULL)
    {
      tandem_engine_close (self->engine);
      g_clear_object (&self->engine);
    }
}
