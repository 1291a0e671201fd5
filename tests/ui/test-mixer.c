/* test-mixer.c — the mixer's faders, pans and buttons edit the model
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "ui-test-utils.h"

#include <adwaita.h>
#include <string.h>

#include "widgets/tandem-mixer-view.h"

typedef struct
{
  TandemProject   *project;
  TandemHistory   *history;
  GtkWidget       *window;
  TandemMixerView *mixer;
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  if (!tandem_test_have_display ())
    {
      g_test_skip ("no display");
      return;
    }

  f->project = tandem_project_new_demo ();
  f->history = tandem_history_new (f->project);
  f->mixer = TANDEM_MIXER_VIEW (tandem_mixer_view_new ());
  g_object_set (f->mixer, "project", f->project, "history", f->history, NULL);

  f->window = tandem_test_show_in_window (GTK_WIDGET (f->mixer), 800, 600);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  tandem_test_destroy_window (f->window);
  g_clear_object (&f->history);
  g_clear_object (&f->project);
}

static void
test_strips (Fixture       *f,
             gconstpointer  data)
{
  TandemMixerStrip *strip;

  if (f->window == NULL)
    return;

  for (guint i = 0; i < 4; i++)
    {
      strip = tandem_mixer_view_get_strip (f->mixer, i);
      g_assert_nonnull (strip);
      g_assert_true (tandem_mixer_strip_get_track (strip) == tandem_test_track_at (f->project, i));
    }
  g_assert_null (tandem_mixer_view_get_strip (f->mixer, 4));
  strip = tandem_mixer_view_get_strip (f->mixer, -1);
  g_assert_nonnull (strip);
  g_assert_null (tandem_mixer_strip_get_track (strip));

  /* The controls start at the model's values. */
  strip = tandem_mixer_view_get_strip (f->mixer, 2);
  g_assert_cmpfloat_with_epsilon (gtk_range_get_value (tandem_mixer_strip_get_fader (strip)),
                                  -6.0, 1e-9);
  g_assert_cmpfloat_with_epsilon (gtk_range_get_value (tandem_mixer_strip_get_pan (strip)),
                                  -0.2, 1e-9);
  g_assert_cmpstr (gtk_widget_get_tooltip_text (GTK_WIDGET (tandem_mixer_strip_get_mute (strip))),
                   ==, "Mute");
  g_assert_cmpstr (gtk_widget_get_tooltip_text (GTK_WIDGET (tandem_mixer_strip_get_solo (strip))),
                   ==, "Solo");
}

static void
test_fader (Fixture       *f,
            gconstpointer  data)
{
  TandemMixerStrip *strip;
  GtkRange *fader;

  if (f->window == NULL)
    return;

  strip = tandem_mixer_view_get_strip (f->mixer, 1);
  fader = tandem_mixer_strip_get_fader (strip);
  g_assert_cmpfloat (tandem_track_get_volume (tandem_test_track_at (f->project, 1)), ==, -2.0);

  gtk_range_set_value (fader, -12.0);
  g_assert_cmpfloat (tandem_track_get_volume (tandem_test_track_at (f->project, 1)), ==, -12.0);
  g_assert_true (tandem_history_undo (f->history, NULL));
  g_assert_cmpfloat (tandem_track_get_volume (tandem_test_track_at (f->project, 1)), ==, -2.0);
  g_assert_cmpfloat (gtk_range_get_value (fader), ==, -2.0);

  /* A drag is many edits and one undo step. */
  tandem_mixer_strip_begin_drag (strip);
  gtk_range_set_value (fader, -10.0);
  gtk_range_set_value (fader, -20.0);
  gtk_range_set_value (fader, -30.5);
  tandem_mixer_strip_end_drag (strip);
  g_assert_cmpfloat (tandem_track_get_volume (tandem_test_track_at (f->project, 1)), ==, -30.5);
  g_assert_true (tandem_history_undo (f->history, NULL));
  g_assert_cmpfloat (tandem_track_get_volume (tandem_test_track_at (f->project, 1)), ==, -2.0);
  g_assert_false (tandem_history_can_undo (f->history));

  /* Double click: back to 0 dB. */
  tandem_mixer_strip_reset_volume (strip);
  g_assert_cmpfloat (tandem_track_get_volume (tandem_test_track_at (f->project, 1)), ==, 0.0);
  g_assert_cmpfloat (gtk_range_get_value (fader), ==, 0.0);
}

static void
test_pan (Fixture       *f,
          gconstpointer  data)
{
  TandemMixerStrip *strip;

  if (f->window == NULL)
    return;

  strip = tandem_mixer_view_get_strip (f->mixer, 3);
  gtk_range_set_value (tandem_mixer_strip_get_pan (strip), -0.5);
  g_assert_cmpfloat_with_epsilon (tandem_track_get_pan (tandem_test_track_at (f->project, 3)), -0.5, 1e-9);
  tandem_mixer_strip_reset_pan (strip);
  g_assert_cmpfloat (tandem_track_get_pan (tandem_test_track_at (f->project, 3)), ==, 0.0);
  g_assert_true (tandem_history_undo (f->history, NULL));
  g_assert_true (tandem_history_undo (f->history, NULL));
  g_assert_cmpfloat_with_epsilon (tandem_track_get_pan (tandem_test_track_at (f->project, 3)), 0.2, 1e-9);
}

static void
test_mute_solo (Fixture       *f,
                gconstpointer  data)
{
  TandemMixerStrip *strip;
  GtkToggleButton *mute, *solo;

  if (f->window == NULL)
    return;

  strip = tandem_mixer_view_get_strip (f->mixer, 0);
  mute = tandem_mixer_strip_get_mute (strip);
  solo = tandem_mixer_strip_get_solo (strip);

  gtk_toggle_button_set_active (mute, TRUE);
  g_assert_true (tandem_track_get_mute (tandem_test_track_at (f->project, 0)));
  gtk_toggle_button_set_active (solo, TRUE);
  g_assert_true (tandem_track_get_solo (tandem_test_track_at (f->project, 0)));

  g_assert_true (tandem_history_undo (f->history, NULL));
  g_assert_false (tandem_track_get_solo (tandem_test_track_at (f->project, 0)));
  g_assert_false (gtk_toggle_button_get_active (solo));
  g_assert_true (tandem_history_undo (f->history, NULL));
  g_assert_false (tandem_track_get_mute (tandem_test_track_at (f->project, 0)));
  g_assert_false (gtk_toggle_button_get_active (mute));
  g_assert_true (tandem_history_redo (f->history, NULL));
  g_assert_true (gtk_toggle_button_get_active (mute));
}

static void
test_remote_edit (Fixture       *f,
                  gconstpointer  data)
{
  TandemMixerStrip *strip;
  TandemMixerStrip *master;

  if (f->window == NULL)
    return;

  strip = tandem_mixer_view_get_strip (f->mixer, 0);
  master = tandem_mixer_view_get_strip (f->mixer, -1);

  tandem_test_remote_apply (f->project, tandem_op_new_set_double (TANDEM_ENTITY_TRACK,
                                             tandem_track_get_id (tandem_test_track_at (f->project, 0)),
                                             "volume", -7.5));
  tandem_test_remote_apply (f->project, tandem_op_new_set_boolean (TANDEM_ENTITY_TRACK,
                                              tandem_track_get_id (tandem_test_track_at (f->project, 0)),
                                              "mute", TRUE));
  tandem_test_remote_apply (f->project, tandem_op_new_set_double (TANDEM_ENTITY_PROJECT, NULL,
                                             "master-volume", -3.0));

  g_assert_cmpfloat (gtk_range_get_value (tandem_mixer_strip_get_fader (strip)), ==, -7.5);
  g_assert_true (gtk_toggle_button_get_active (tandem_mixer_strip_get_mute (strip)));
  g_assert_cmpfloat (gtk_range_get_value (tandem_mixer_strip_get_fader (master)), ==, -3.0);
  /* Showing someone else's edit sends no edit back. */
  g_assert_false (tandem_history_can_undo (f->history));
}

static void
test_master (Fixture       *f,
             gconstpointer  data)
{
  TandemMixerStrip *master;

  if (f->window == NULL)
    return;

  master = tandem_mixer_view_get_strip (f->mixer, -1);
  gtk_range_set_value (tandem_mixer_strip_get_fader (master), -9.0);
  g_assert_cmpfloat (tandem_project_get_master_volume (f->project), ==, -9.0);
  tandem_mixer_strip_reset_volume (master);
  g_assert_cmpfloat (tandem_project_get_master_volume (f->project), ==, 0.0);
}

static void
test_tracks_follow (Fixture       *f,
                    gconstpointer  data)
{
  g_autofree char *deleted = NULL;

  if (f->window == NULL)
    return;

  deleted = g_strdup (tandem_track_get_id (tandem_test_track_at (f->project, 1)));
  tandem_test_remote_apply (f->project, tandem_op_new_delete (TANDEM_ENTITY_TRACK, deleted));
  g_assert_true (tandem_mixer_strip_get_track (tandem_mixer_view_get_strip (f->mixer, 1)) ==
                 tandem_test_track_at (f->project, 1));
  g_assert_null (tandem_mixer_view_get_strip (f->mixer, 3));

  /* Following the list sent no edit back. */
  g_assert_false (tandem_history_can_undo (f->history));
}

typedef struct
{
  guint calls;
  guint master_calls;
} MeterSource;

static void
meter_source (int       track_index,
              float    *peak_l,
              float    *peak_r,
              gpointer  user_data)
{
  MeterSource *source = user_data;

  source->calls++;
  if (track_index < 0)
    source->master_calls++;
  *peak_l = track_index == 0 ? 0.5f : 0.0f;
  *peak_r = track_index == 0 ? 1.0f : 0.0f;
}

static gboolean
meters_polled (gpointer data)
{
  MeterSource *source = data;

  return source->master_calls >= 2;
}

static void
test_meters (Fixture       *f,
             gconstpointer  data)
{
  MeterSource source = { 0 };
  TandemMeter *meter;

  if (f->window == NULL)
    return;

  tandem_mixer_view_set_meter_source (f->mixer, meter_source, &source);
  tandem_test_iterate_until (meters_polled, &source);

  meter = tandem_mixer_strip_get_meter (tandem_mixer_view_get_strip (f->mixer, 0));
  g_assert_cmpfloat_with_epsilon (tandem_meter_get_level (meter, 0), -6.02, 0.5);
  g_assert_cmpfloat_with_epsilon (tandem_meter_get_level (meter, 1), 0.0, 0.5);
  meter = tandem_mixer_strip_get_meter (tandem_mixer_view_get_strip (f->mixer, 1));
  g_assert_cmpfloat (tandem_meter_get_level (meter, 0), <=, -59.9);

  /* Off screen, nobody polls. */
  tandem_mixer_view_set_meter_source (f->mixer, NULL, NULL);
  meter = tandem_mixer_strip_get_meter (tandem_mixer_view_get_strip (f->mixer, 0));
  g_assert_cmpfloat (tandem_meter_get_level (meter, 0), <=, -59.9);
  source.calls = 0;
  gtk_widget_set_visible (GTK_WIDGET (f->mixer), FALSE);
  tandem_mixer_view_set_meter_source (f->mixer, meter_source, &source);
  for (guint i = 0; i < 10; i++)
    g_main_context_iteration (NULL, FALSE);
  g_assert_cmpuint (source.calls, ==, 0);
  tandem_mixer_view_set_meter_source (f->mixer, NULL, NULL);
}

static void
collect_labels (GtkWidget *widget,
                GString   *texts)
{
  if (GTK_IS_LABEL (widget) && gtk_widget_get_visible (widget))
    g_string_append_printf (texts, "[%s]", gtk_label_get_label (GTK_LABEL (widget)));
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c != NULL;
       c = gtk_widget_get_next_sibling (c))
    collect_labels (c, texts);
}

/* The fader's scale and value read with typographic minus signs (U+2212). */
static void
test_minus_signs (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(GString) texts = g_string_new (NULL);
  TandemMixerStrip *strip;
  GtkRange *fader;

  if (f->window == NULL)
    return;
  strip = tandem_mixer_view_get_strip (f->mixer, 1);
  fader = tandem_mixer_strip_get_fader (strip);
  gtk_range_set_value (fader, -6.5);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  collect_labels (GTK_WIDGET (fader), texts);
  g_assert_nonnull (strstr (texts->str, "[−6.5 dB]"));
  g_assert_nonnull (strstr (texts->str, "[−12]"));
  g_assert_nonnull (strstr (texts->str, "[−48]"));
  g_assert_nonnull (strstr (texts->str, "[0]"));
  g_assert_null (strchr (texts->str, '-'));

  /* Near zero is 0.0, not “−0.0”. */
  gtk_range_set_value (fader, -0.01);
  g_string_truncate (texts, 0);
  collect_labels (GTK_WIDGET (fader), texts);
  g_assert_nonnull (strstr (texts->str, "[0.0 dB]"));
}

/* The colour at (@x, @y) of @texture, as 0xRRGGBB. */
static guint32
pixel_at (GdkTexture *texture,
          int         x,
          int         y)
{
  int width = gdk_texture_get_width (texture);
  int height = gdk_texture_get_height (texture);
  g_autofree guint8 *data = g_malloc ((gsize) width * height * 4);
  guint32 argb;

  gdk_texture_download (texture, data, (gsize) width * 4);
  memcpy (&argb, data + ((gsize) y * width + x) * 4, 4);
  return argb & 0xffffff;
}

static gboolean
count_frame (GtkWidget     *widget,
             GdkFrameClock *clock,
             gpointer       data)
{
  guint *frames = data;

  return ++*frames < 3 ? G_SOURCE_CONTINUE : G_SOURCE_REMOVE;
}

static gboolean
drawn (gpointer data)
{
  return *(guint *) data >= 3;
}

/* What @widget shows, once it has drawn a few frames since the last change. */
static GdkTexture *
render_widget (GtkWidget *widget)
{
  GtkSnapshot *snapshot = gtk_snapshot_new ();
  int width = gtk_widget_get_width (widget), height = gtk_widget_get_height (widget);
  g_autoptr(GskRenderNode) node = NULL;
  guint frames = 0;

  gtk_widget_queue_draw (widget);
  gtk_widget_add_tick_callback (widget, count_frame, &frames, NULL);
  tandem_test_iterate_until (drawn, &frames);
  /* The widget's own snapshot: its children and what it draws over them. */
  GTK_WIDGET_GET_CLASS (widget)->snapshot (widget, snapshot);
  node = gtk_snapshot_free_to_node (snapshot);
  g_assert_nonnull (node);
  return gsk_renderer_render_texture (gtk_native_get_renderer (gtk_widget_get_native (widget)),
                                      node, &GRAPHENE_RECT_INIT (0, 0, width, height));
}

static gboolean
has_width (gpointer data)
{
  return gtk_widget_get_width (data) > 0;
}

/* Pan is a bar from the centre to the value: left of centre when panned
 * left, nothing to the right of it; and the other way round. */
static void
test_pan_from_centre (Fixture       *f,
                      gconstpointer  data)
{
  TandemMixerStrip *strip;
  GtkRange *pan;
  GdkRectangle trough;
  graphene_point_t at;
  g_autoptr(GdkTexture) left = NULL;
  g_autoptr(GdkTexture) right = NULL;
  int centre, y, off;

  if (f->window == NULL)
    return;
  strip = tandem_mixer_view_get_strip (f->mixer, 2);
  pan = tandem_mixer_strip_get_pan (strip);
  g_assert_cmpfloat_with_epsilon (gtk_range_get_value (pan), -0.2, 1e-9);
  tandem_test_iterate_until (has_width, pan);
  gtk_range_get_range_rect (pan, &trough);
  g_assert_true (gtk_widget_compute_point (GTK_WIDGET (pan), GTK_WIDGET (strip),
                                           &GRAPHENE_POINT_INIT (trough.x, trough.y), &at));
  centre = (int) (at.x + trough.width / 2.0);
  y = (int) (at.y + trough.height / 2.0);
  off = MAX (trough.width / 25, 2);   /* inside the bar, clear of the knob */

  left = render_widget (GTK_WIDGET (strip));
  gtk_range_set_value (pan, 0.2);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  right = render_widget (GTK_WIDGET (strip));

  /* The bar's colour is on the panned side only, and mirrors. */
  g_assert_cmphex (pixel_at (left, centre - off, y), !=, pixel_at (left, centre + off, y));
  g_assert_cmphex (pixel_at (left, centre - off, y), ==, pixel_at (right, centre + off, y));
  g_assert_cmphex (pixel_at (left, centre + off, y), ==, pixel_at (right, centre - off, y));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  tandem_test_init_gtk ();

#define ADD(path, func) \
  g_test_add ("/mixer/" path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("strips", test_strips);
  ADD ("fader", test_fader);
  ADD ("pan", test_pan);
  ADD ("mute-solo", test_mute_solo);
  ADD ("remote-edit", test_remote_edit);
  ADD ("master", test_master);
  ADD ("tracks-follow", test_tracks_follow);
  ADD ("meters", test_meters);
  ADD ("minus-signs", test_minus_signs);
  ADD ("pan-from-centre", test_pan_from_centre);
#undef ADD

  return g_test_run ();
}
