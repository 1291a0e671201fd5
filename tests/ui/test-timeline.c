/* test-timeline.c — the song timeline adds, moves, resizes and deletes clips
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The keyboard tests type real keys: under X11 (Xvfb in CI) they go through
 * XTest into the X server and come back as ordinary key events, so focus,
 * propagation and the window's own shortcuts (Ctrl+Z) all take part. Real
 * keys reach whichever window has the X focus, so this program does not run
 * in parallel with the other UI tests (tests/ui/meson.build).
 */
#include "config.h"

#include "ui-test-utils.h"

#include <adwaita.h>

#include "tandem-application.h"
#include "tandem-window.h"
#include "widgets/tandem-timeline-view-private.h"


typedef struct
{
  TandemProject      *project;
  TandemHistory      *history;
  GtkWidget          *window;
  TandemTimelineView *timeline;
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  GtkWidget *scroller;

  if (!tandem_test_have_display ())
    {
      g_test_skip ("no display");
      return;
    }

  f->project = tandem_project_new_demo ();
  f->history = tandem_history_new (f->project);
  f->timeline = TANDEM_TIMELINE_VIEW (tandem_timeline_view_new ());
  g_object_set (f->timeline, "project", f->project, "history", f->history, NULL);

  scroller = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), GTK_WIDGET (f->timeline));
  f->window = tandem_test_show_in_window (scroller, 800, 600);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  tandem_test_destroy_window (f->window);
  g_clear_object (&f->history);
  g_clear_object (&f->project);
}

static guint
n_clips (Fixture *f)
{
  return g_list_model_get_n_items (tandem_project_get_clips (f->project));
}

static TandemClip *
find_clip (Fixture    *f,
           const char *id)
{
  return tandem_project_find_clip (f->project, id);
}

typedef struct
{
  TandemProject      *project;
  TandemTimelineView *timeline;
  const char         *clip;
  guint               value;
} Expect;

static gboolean
clip_start_is (gpointer data)
{
  Expect *e = data;
  TandemClip *clip = tandem_project_find_clip (e->project, e->clip);

  return clip != NULL && tandem_clip_get_start (clip) == e->value;
}

static gboolean
clip_length_is (gpointer data)
{
  Expect *e = data;
  TandemClip *clip = tandem_project_find_clip (e->project, e->clip);

  return clip != NULL && tandem_clip_get_length (clip) == e->value;
}

static gboolean
clip_is_gone (gpointer data)
{
  Expect *e = data;

  return tandem_project_find_clip (e->project, e->clip) == NULL;
}

static gboolean
clip_is_back (gpointer data)
{
  return !clip_is_gone (data);
}

static gboolean
clip_is_selected (gpointer data)
{
  Expect *e = data;

  return g_strcmp0 (tandem_timeline_view_get_selected_clip (e->timeline), e->clip) == 0;
}

static gboolean
widget_has_focus (gpointer data)
{
  return gtk_widget_has_focus (GTK_WIDGET (data));
}

static void
test_edit_with_actions (Fixture       *f,
                        gconstpointer  data)
{
  g_autofree char *id = NULL;
  TandemClip *clip;

  if (f->window == NULL)
    return;

  g_assert_cmpuint (n_clips (f), ==, 1);

  /* Add: a clip of the current pattern (16 steps = one 4/4 bar), selected. */
  gtk_widget_activate_action (GTK_WIDGET (f->timeline), "timeline.add-clip", "(si)", "", 6);
  g_assert_cmpuint (n_clips (f), ==, 2);
  id = g_strdup (tandem_timeline_view_get_selected_clip (f->timeline));
  g_assert_nonnull (id);
  clip = find_clip (f, id);
  g_assert_nonnull (clip);
  g_assert_cmpuint (tandem_clip_get_start (clip), ==, 6);
  g_assert_cmpuint (tandem_clip_get_length (clip), ==, 1);
  g_assert_cmpstr (tandem_clip_get_pattern (clip), ==,
                   tandem_project_get_current_pattern (f->project));

  /* Right, Right: two bars later. Shift+Right: one bar longer. */
  gtk_widget_activate_action (GTK_WIDGET (f->timeline), "timeline.move-selected", "i", 1);
  gtk_widget_activate_action (GTK_WIDGET (f->timeline), "timeline.move-selected", "i", 1);
  g_assert_cmpuint (tandem_clip_get_start (clip), ==, 8);
  gtk_widget_activate_action (GTK_WIDGET (f->timeline), "timeline.resize-selected", "i", 1);
  g_assert_cmpuint (tandem_clip_get_length (clip), ==, 2);
  /* Never shorter than a bar, never before the song. */
  gtk_widget_activate_action (GTK_WIDGET (f->timeline), "timeline.resize-selected", "i", -5);
  g_assert_cmpuint (tandem_clip_get_length (clip), ==, 1);
  gtk_widget_activate_action (GTK_WIDGET (f->timeline), "timeline.move-selected", "i", -20);
  g_assert_cmpuint (tandem_clip_get_start (clip), ==, 0);

  /* Delete, then undo everything step by step. */
  gtk_widget_activate_action (GTK_WIDGET (f->timeline), "timeline.delete-selected", NULL);
  g_assert_cmpuint (n_clips (f), ==, 1);
  g_assert_null (find_clip (f, id));
  g_assert_null (tandem_timeline_view_get_selected_clip (f->timeline));

  g_assert_true (tandem_history_undo (f->history, NULL));
  clip = find_clip (f, id);
  g_assert_nonnull (clip);
  g_assert_cmpuint (tandem_clip_get_start (clip), ==, 0);
  for (guint i = 0; i < 5; i++)
    g_assert_true (tandem_history_undo (f->history, NULL));
  g_assert_cmpuint (tandem_clip_get_start (clip), ==, 6);
  g_assert_cmpuint (tandem_clip_get_length (clip), ==, 1);
  g_assert_true (tandem_history_undo (f->history, NULL));
  g_assert_cmpuint (n_clips (f), ==, 1);
  g_assert_false (tandem_history_can_undo (f->history));
}

static void
test_drag (Fixture       *f,
           gconstpointer  data)
{
  g_autoptr(TandemClip) clip = NULL;
  graphene_rect_t rect;
  double zoom;

  if (f->window == NULL)
    return;

  clip = g_list_model_get_item (tandem_project_get_clips (f->project), 0);
  zoom = tandem_timeline_view_get_zoom (f->timeline);
  g_assert_true (tandem_timeline_view_get_clip_rect (f->timeline, tandem_clip_get_id (clip),
                                                     &rect));

  /* Grab the middle, move 2.3 bars right: snaps to 2. */
  g_assert_true (_tandem_timeline_view_drag_begin (f->timeline, rect.origin.x + 20,
                                                   rect.origin.y + rect.size.height / 2));
  g_assert_cmpstr (tandem_timeline_view_get_selected_clip (f->timeline), ==,
                   tandem_clip_get_id (clip));
  _tandem_timeline_view_drag_update (f->timeline, zoom * 1.2, 3);
  _tandem_timeline_view_drag_update (f->timeline, zoom * 2.3, 5);
  _tandem_timeline_view_drag_end (f->timeline);
  g_assert_cmpuint (tandem_clip_get_start (clip), ==, 2);
  g_assert_cmpuint (tandem_clip_get_length (clip), ==, 4);

  /* Grab the right edge, pull 1.6 bars left: two bars shorter. */
  g_assert_true (tandem_timeline_view_get_clip_rect (f->timeline, tandem_clip_get_id (clip),
                                                     &rect));
  g_assert_true (_tandem_timeline_view_drag_begin (f->timeline,
                                                   rect.origin.x + rect.size.width - 2,
                                                   rect.origin.y + 4));
  _tandem_timeline_view_drag_update (f->timeline, -zoom * 1.6, 0);
  _tandem_timeline_view_drag_end (f->timeline);
  g_assert_cmpuint (tandem_clip_get_start (clip), ==, 2);
  g_assert_cmpuint (tandem_clip_get_length (clip), ==, 2);

  /* Each drag is one undo step. */
  g_assert_true (tandem_history_undo (f->history, NULL));
  g_assert_cmpuint (tandem_clip_get_length (clip), ==, 4);
  g_assert_true (tandem_history_undo (f->history, NULL));
  g_assert_cmpuint (tandem_clip_get_start (clip), ==, 0);
  g_assert_false (tandem_history_can_undo (f->history));

  /* Pressing on empty space selects nothing and starts no drag. */
  g_assert_false (_tandem_timeline_view_drag_begin (f->timeline, rect.origin.x + zoom * 10,
                                                    rect.origin.y + 4));
  g_assert_null (tandem_timeline_view_get_selected_clip (f->timeline));
}

static void
test_double_click (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(TandemClip) clip = NULL;
  g_autoptr(TandemClip) added = NULL;
  graphene_rect_t rect;
  double zoom;

  if (f->window == NULL)
    return;

  clip = g_list_model_get_item (tandem_project_get_clips (f->project), 0);
  zoom = tandem_timeline_view_get_zoom (f->timeline);
  g_assert_true (tandem_timeline_view_get_clip_rect (f->timeline, tandem_clip_get_id (clip),
                                                     &rect));

  /* On a clip: nothing. On the lane at bar 7 (index 6) and a half: a clip at bar 7. */
  g_assert_false (_tandem_timeline_view_double_click (f->timeline, rect.origin.x + 10,
                                                      rect.origin.y + 10));
  g_assert_true (_tandem_timeline_view_double_click (f->timeline,
                                                     rect.origin.x + zoom * 6.5,
                                                     rect.origin.y + 10));
  g_assert_cmpuint (n_clips (f), ==, 2);
  added = g_list_model_get_item (tandem_project_get_clips (f->project), 1);
  g_assert_cmpuint (tandem_clip_get_start (added), ==, 6);
  g_assert_cmpstr (tandem_clip_get_pattern (added), ==, tandem_clip_get_pattern (clip));
}

static void
test_loop (Fixture       *f,
           gconstpointer  data)
{
  double zoom;
  graphene_rect_t rect;
  g_autoptr(TandemClip) clip = NULL;

  if (f->window == NULL)
    return;

  clip = g_list_model_get_item (tandem_project_get_clips (f->project), 0);
  zoom = tandem_timeline_view_get_zoom (f->timeline);
  g_assert_true (tandem_timeline_view_get_clip_rect (f->timeline, tandem_clip_get_id (clip),
                                                     &rect));

  /* Draw a loop on the ruler from bar 3 to bar 6 (indexes 2..5). */
  g_assert_false (tandem_project_get_loop_enabled (f->project));
  g_assert_true (_tandem_timeline_view_drag_begin (f->timeline,
                                                   rect.origin.x + zoom * 2.5, 10));
  _tandem_timeline_view_drag_update (f->timeline, zoom * 3, 0);
  _tandem_timeline_view_drag_end (f->timeline);
  g_assert_true (tandem_project_get_loop_enabled (f->project));
  g_assert_cmpuint (tandem_project_get_loop_start (f->project), ==, 2);
  g_assert_cmpuint (tandem_project_get_loop_length (f->project), ==, 4);

  /* Drag it by its middle one bar right. */
  g_assert_true (_tandem_timeline_view_drag_begin (f->timeline,
                                                   rect.origin.x + zoom * 3.5, 10));
  _tandem_timeline_view_drag_update (f->timeline, zoom, 0);
  _tandem_timeline_view_drag_end (f->timeline);
  g_assert_cmpuint (tandem_project_get_loop_start (f->project), ==, 3);
  g_assert_cmpuint (tandem_project_get_loop_length (f->project), ==, 4);

  g_assert_true (tandem_history_undo (f->history, NULL));
  g_assert_cmpuint (tandem_project_get_loop_start (f->project), ==, 2);
  g_assert_true (tandem_history_undo (f->history, NULL));
  g_assert_false (tandem_project_get_loop_enabled (f->project));
}

static void
test_remote_edit_and_zoom (Fixture       *f,
                           gconstpointer  data)
{
  g_autoptr(TandemClip) clip = NULL;
  graphene_rect_t before, after;
  double zoom;

  if (f->window == NULL)
    return;

  clip = g_list_model_get_item (tandem_project_get_clips (f->project), 0);
  zoom = tandem_timeline_view_get_zoom (f->timeline);
  g_assert_true (tandem_timeline_view_get_clip_rect (f->timeline, tandem_clip_get_id (clip),
                                                     &before));

  tandem_test_remote_apply (f->project, tandem_op_new_set_int (TANDEM_ENTITY_CLIP, tandem_clip_get_id (clip),
                                          "start", 5));
  g_assert_true (tandem_timeline_view_get_clip_rect (f->timeline, tandem_clip_get_id (clip),
                                                     &after));
  g_assert_cmpfloat_with_epsilon (after.origin.x - before.origin.x, 5 * zoom, 0.01);
  g_assert_false (tandem_history_can_undo (f->history));

  tandem_timeline_view_set_zoom (f->timeline, zoom / 2);
  g_assert_true (tandem_timeline_view_get_clip_rect (f->timeline, tandem_clip_get_id (clip),
                                                     &after));
  g_assert_cmpfloat_with_epsilon (after.size.width + 2, (before.size.width + 2) / 2, 0.01);

  /* A remote delete of the selected clip clears the selection. */
  tandem_timeline_view_set_selected_clip (f->timeline, tandem_clip_get_id (clip));
  tandem_test_remote_apply (f->project, tandem_op_new_delete (TANDEM_ENTITY_CLIP, tandem_clip_get_id (clip)));
  g_assert_null (tandem_timeline_view_get_selected_clip (f->timeline));
  g_assert_false (tandem_timeline_view_get_clip_rect (f->timeline, tandem_clip_get_id (clip),
                                                      &after));

  tandem_timeline_view_set_playhead_bar (f->timeline, 2.5);
  g_assert_cmpfloat (tandem_timeline_view_get_playhead_bar (f->timeline), ==, 2.5);
  for (guint i = 0; i < 5; i++)
    g_main_context_iteration (NULL, FALSE);
}

/* Arrows pick and move a clip, Shift+arrows resize it, Delete removes it. */
static void
test_keys_edit (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(TandemClip) first = NULL;
  g_autofree char *second = NULL;
  Expect e = { 0 };

  if (f->window == NULL || !tandem_test_can_send_input ())
    return;

  first = g_list_model_get_item (tandem_project_get_clips (f->project), 0);
  e.project = f->project;
  e.timeline = f->timeline;
  gtk_widget_grab_focus (GTK_WIDGET (f->timeline));
  tandem_test_iterate_until (widget_has_focus, f->timeline);
  g_assert_null (tandem_timeline_view_get_selected_clip (f->timeline));

  /* Nothing selected: the first arrow selects the first clip, moving nothing. */
  e.clip = tandem_clip_get_id (first);
  tandem_test_send_key (f->window, GDK_KEY_Right, 0);
  tandem_test_iterate_until (clip_is_selected, &e);
  g_assert_cmpuint (tandem_clip_get_start (first), ==, 0);

  /* A second clip at bar 7; Up and Down walk between the two. */
  gtk_widget_activate_action (GTK_WIDGET (f->timeline), "timeline.add-clip", "(si)", "", 6);
  second = g_strdup (tandem_timeline_view_get_selected_clip (f->timeline));
  g_assert_cmpstr (second, !=, tandem_clip_get_id (first));
  tandem_test_send_key (f->window, GDK_KEY_Up, 0);
  tandem_test_iterate_until (clip_is_selected, &e);
  e.clip = second;
  tandem_test_send_key (f->window, GDK_KEY_Down, 0);
  tandem_test_iterate_until (clip_is_selected, &e);

  /* Right, Right: two bars later; Left: one back; Shift+Right: a bar longer. */
  tandem_test_send_key (f->window, GDK_KEY_Right, 0);
  tandem_test_send_key (f->window, GDK_KEY_Right, 0);
  e.value = 8;
  tandem_test_iterate_until (clip_start_is, &e);
  tandem_test_send_key (f->window, GDK_KEY_Left, 0);
  e.value = 7;
  tandem_test_iterate_until (clip_start_is, &e);
  tandem_test_send_key (f->window, GDK_KEY_Right, GDK_SHIFT_MASK);
  e.value = 2;
  tandem_test_iterate_until (clip_length_is, &e);
  g_assert_cmpuint (tandem_clip_get_start (tandem_project_find_clip (f->project, second)), ==, 7);
  /* The first clip never moved. */
  g_assert_cmpuint (tandem_clip_get_start (first), ==, 0);
  g_assert_cmpuint (tandem_clip_get_length (first), ==, 4);

  /* Delete removes the selected clip and nothing else. */
  tandem_test_send_key (f->window, GDK_KEY_Delete, 0);
  tandem_test_iterate_until (clip_is_gone, &e);
  g_assert_cmpuint (n_clips (f), ==, 1);
  g_assert_null (tandem_timeline_view_get_selected_clip (f->timeline));

  /* Undo brings it back where the keys left it, then walks the keys back. */
  g_assert_true (tandem_history_undo (f->history, NULL));
  g_assert_cmpuint (tandem_clip_get_start (tandem_project_find_clip (f->project, second)), ==, 7);
  g_assert_cmpuint (tandem_clip_get_length (tandem_project_find_clip (f->project, second)), ==, 2);
  for (guint i = 0; i < 4; i++)
    g_assert_true (tandem_history_undo (f->history, NULL));
  g_assert_cmpuint (tandem_clip_get_start (tandem_project_find_clip (f->project, second)), ==, 6);
  g_assert_cmpuint (tandem_clip_get_length (tandem_project_find_clip (f->project, second)), ==, 1);

  /* Escape deselects; keys with nothing selected leave the song alone. */
  tandem_timeline_view_set_selected_clip (f->timeline, second);
  tandem_test_send_key (f->window, GDK_KEY_Escape, 0);
  e.clip = NULL;
  tandem_test_iterate_until (clip_is_selected, &e);
  tandem_test_send_key (f->window, GDK_KEY_Delete, 0);
  tandem_test_send_key (f->window, GDK_KEY_Down, 0);
  e.clip = tandem_clip_get_id (first);
  tandem_test_iterate_until (clip_is_selected, &e);
  g_assert_cmpuint (n_clips (f), ==, 2);
}

/* Menu and Shift+F10 open the clip's menu; its items work from the keyboard. */
static void
test_keys_menu (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(TandemClip) clip = NULL;
  Expect e = { 0 };

  if (f->window == NULL || !tandem_test_can_send_input ())
    return;

  clip = g_list_model_get_item (tandem_project_get_clips (f->project), 0);
  e.project = f->project;
  e.timeline = f->timeline;
  e.clip = tandem_clip_get_id (clip);
  gtk_widget_grab_focus (GTK_WIDGET (f->timeline));
  tandem_test_iterate_until (widget_has_focus, f->timeline);

  /* With nothing selected there is no menu to open. */
  tandem_test_send_key (f->window, GDK_KEY_Menu, 0);
  tandem_test_send_key (f->window, GDK_KEY_Down, 0);
  tandem_test_iterate_until (clip_is_selected, &e);
  g_assert_false (tandem_test_menu_is_open (f->timeline));

  tandem_test_send_key (f->window, GDK_KEY_Menu, 0);
  tandem_test_iterate_until (tandem_test_menu_is_open, f->timeline);
  tandem_test_send_key (f->window, GDK_KEY_Escape, 0);
  tandem_test_iterate_until (tandem_test_menu_is_closed, f->timeline);
  g_assert_nonnull (tandem_project_find_clip (f->project, e.clip));

  tandem_test_send_key (f->window, GDK_KEY_F10, GDK_SHIFT_MASK);
  tandem_test_iterate_until (tandem_test_menu_is_open, f->timeline);
  /* The last item is Delete Clip: Up from the top wraps to it. */
  tandem_test_send_key (f->window, GDK_KEY_Up, 0);
  tandem_test_send_key (f->window, GDK_KEY_Return, 0);
  tandem_test_iterate_until (clip_is_gone, &e);
  tandem_test_iterate_until (tandem_test_menu_is_closed, f->timeline);
  g_assert_cmpuint (n_clips (f), ==, 0);

  g_assert_true (tandem_history_undo (f->history, NULL));
  g_assert_nonnull (tandem_project_find_clip (f->project, e.clip));
  g_assert_cmpuint (tandem_clip_get_start (clip), ==, 0);
  g_assert_cmpuint (tandem_clip_get_length (clip), ==, 4);
}

static gboolean
app_has_no_windows (gpointer data)
{
  return gtk_application_get_windows (GTK_APPLICATION (data)) == NULL;
}

/* A real window of a real application, showing the Song page. */
static GtkWidget *
open_song_page (TandemApplication  *app,
                GtkWidget         **timeline)
{
  g_autoptr(GError) error = NULL;
  GtkWidget *window, *stack;

  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, &error));
  g_assert_no_error (error);
  g_application_activate (G_APPLICATION (app));
  window = GTK_WIDGET (gtk_application_get_active_window (GTK_APPLICATION (app)));
  g_assert_true (TANDEM_IS_WINDOW (window));
  tandem_test_iterate_until (tandem_test_is_mapped, window);

  stack = tandem_test_find_widget (window, ADW_TYPE_VIEW_STACK, NULL);
  g_assert_nonnull (stack);
  adw_view_stack_set_visible_child_name (ADW_VIEW_STACK (stack), "song");
  *timeline = tandem_test_find_widget (window, TANDEM_TYPE_TIMELINE_VIEW, NULL);
  g_assert_nonnull (*timeline);
  tandem_test_iterate_until (tandem_test_is_mapped, *timeline);
  return window;
}

/* In the real window, on the Song page: the keys edit the song and the
 * window's Ctrl+Z undoes it, key by key. */
static void
test_keys_in_window (void)
{
  g_autoptr(TandemApplication) app = NULL;
  g_autoptr(TandemClip) clip = NULL;
  g_autofree char *id = NULL;
  TandemProject *project;
  GtkWidget *window, *timeline;
  Expect e = { 0 };

  if (!tandem_test_have_display ())
    {
      g_test_skip ("no display");
      return;
    }
  if (!tandem_test_can_send_input ())
    return;

  app = tandem_application_new ();
  window = open_song_page (app, &timeline);
  gtk_widget_grab_focus (timeline);
  tandem_test_iterate_until (widget_has_focus, timeline);

  project = tandem_window_get_project (TANDEM_WINDOW (window));
  clip = g_list_model_get_item (tandem_project_get_clips (project), 0);
  id = g_strdup (tandem_clip_get_id (clip));
  e.project = project;
  e.timeline = TANDEM_TIMELINE_VIEW (timeline);
  e.clip = id;

  tandem_test_send_key (window, GDK_KEY_Down, 0);
  tandem_test_iterate_until (clip_is_selected, &e);
  tandem_test_send_key (window, GDK_KEY_Right, 0);
  e.value = 1;
  tandem_test_iterate_until (clip_start_is, &e);
  tandem_test_send_key (window, GDK_KEY_Delete, 0);
  tandem_test_iterate_until (clip_is_gone, &e);
  g_assert_cmpuint (g_list_model_get_n_items (tandem_project_get_clips (project)), ==, 0);

  /* Ctrl+Z: the clip is back at bar 2; again: back at bar 1. */
  tandem_test_send_key (window, GDK_KEY_z, GDK_CONTROL_MASK);
  tandem_test_iterate_until (clip_is_back, &e);
  g_assert_cmpuint (tandem_clip_get_start (tandem_project_find_clip (project, id)), ==, 1);
  tandem_test_send_key (window, GDK_KEY_z, GDK_CONTROL_MASK);
  e.value = 0;
  tandem_test_iterate_until (clip_start_is, &e);
  g_assert_false (tandem_history_can_undo (tandem_window_get_history (TANDEM_WINDOW (window))));

  /* Modified: closing would ask to save; this test has nothing to keep. */
  gtk_window_destroy (GTK_WINDOW (window));
  tandem_test_iterate_until (app_has_no_windows, app);
}

/* Presses Play, returns the anchor step its op set, and stops again. */
static guint64
play_and_stop (GtkWidget     *window,
               TandemProject *project)
{
  guint64 step;

  g_assert_false (tandem_project_get_playing (project));
  g_assert_true (gtk_widget_activate_action (window, "win.play", NULL));
  g_assert_true (tandem_project_get_playing (project));
  g_assert_cmpuint (tandem_project_get_anchor_time (project), >, 0);
  step = tandem_project_get_anchor_step (project);
  g_assert_true (gtk_widget_activate_action (window, "win.play", NULL));
  g_assert_false (tandem_project_get_playing (project));
  return step;
}

static void
set_play_mode (TandemProject *project,
               const char    *mode)
{
  g_autoptr(TandemOp) op = tandem_op_new_set_string (TANDEM_ENTITY_PROJECT, NULL, "play-mode",
                                                     mode);
  g_autoptr(GError) error = NULL;

  g_assert_true (tandem_project_apply (project, op, NULL, &error));
  g_assert_no_error (error);
}

/* A click on the ruler puts the play-start marker; in song mode Play's op
 * starts from that bar (inside a loop too), pattern mode from step 0. */
static void
test_play_from_marker (void)
{
  g_autoptr(TandemApplication) app = NULL;
  g_autoptr(TandemClip) clip = NULL;
  TandemTimelineView *timeline;
  TandemProject *project;
  TandemHistory *history;
  GtkWidget *window, *widget;
  graphene_rect_t rect;
  double zoom, bar0;
  guint per_bar;

  if (!tandem_test_have_display ())
    {
      g_test_skip ("no display");
      return;
    }

  app = tandem_application_new ();
  window = open_song_page (app, &widget);
  timeline = TANDEM_TIMELINE_VIEW (widget);
  project = tandem_window_get_project (TANDEM_WINDOW (window));
  history = tandem_window_get_history (TANDEM_WINDOW (window));
  per_bar = tandem_project_get_steps_per_beat (project) * tandem_project_get_beats_per_bar (project);

  /* The demo song: one four-bar clip from bar 1. */
  clip = g_list_model_get_item (tandem_project_get_clips (project), 0);
  g_assert_cmpuint (tandem_clip_get_start (clip), ==, 0);
  g_assert_cmpuint (tandem_clip_get_length (clip), ==, 4);
  zoom = tandem_timeline_view_get_zoom (timeline);
  g_assert_true (tandem_timeline_view_get_clip_rect (timeline, tandem_clip_get_id (clip), &rect));
  bar0 = rect.origin.x - 1;
  g_assert_cmpuint (tandem_timeline_view_get_play_start_bar (timeline), ==, 0);

  /* A click (no drag) on the ruler in bar 3: the marker, and nothing else. */
  g_assert_true (_tandem_timeline_view_drag_begin (timeline, bar0 + zoom * 2.5, 10));
  _tandem_timeline_view_drag_update (timeline, 1, 0);
  _tandem_timeline_view_drag_end (timeline);
  g_assert_cmpuint (tandem_timeline_view_get_play_start_bar (timeline), ==, 2);
  g_assert_false (tandem_project_get_loop_enabled (project));
  g_assert_false (tandem_history_can_undo (history));

  /* Pattern mode always starts at the top of the pattern. */
  set_play_mode (project, "pattern");
  g_assert_cmpuint (play_and_stop (window, project), ==, 0);

  /* Song mode: from bar 3. */
  set_play_mode (project, "song");
  g_assert_cmpuint (play_and_stop (window, project), ==, 2 * per_bar);

  /* Past the song's end there is nothing: from the top. */
  tandem_timeline_view_set_play_start_bar (timeline, 6);
  g_assert_cmpuint (play_and_stop (window, project), ==, 0);

  /* A loop over bars 2–3: starting in it plays on into it; starting after
   * it starts at its beginning. */
  gtk_widget_activate_action (widget, "timeline.set-loop", "(ii)", 1, 2);
  g_assert_true (tandem_project_get_loop_enabled (project));
  tandem_timeline_view_set_play_start_bar (timeline, 2);
  g_assert_cmpuint (play_and_stop (window, project), ==, 2 * per_bar);
  tandem_timeline_view_set_play_start_bar (timeline, 3);
  g_assert_cmpuint (play_and_stop (window, project), ==, 1 * per_bar);
  /* Before the loop: from there, into the loop. */
  tandem_timeline_view_set_play_start_bar (timeline, 0);
  g_assert_cmpuint (play_and_stop (window, project), ==, 0);

  /* The clip's menu item "Play From Here" moves the marker to its start. */
  g_assert_true (gtk_widget_activate_action (widget, "timeline.set-play-start", "i", 1));
  g_assert_cmpuint (tandem_timeline_view_get_play_start_bar (timeline), ==, 1);
  g_assert_cmpuint (play_and_stop (window, project), ==, 1 * per_bar);

  gtk_window_destroy (GTK_WINDOW (window));
  tandem_test_iterate_until (app_has_no_windows, app);
}

int
main (int   argc,
      char *argv[])
{
  /* Its own home: a window left modified by a failed test leaves a draft
   * there, which must not greet the next test program. */
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  tandem_test_init_gtk ();

#define ADD(path, func) \
  g_test_add ("/timeline/" path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("edit-with-actions", test_edit_with_actions);
  ADD ("drag", test_drag);
  ADD ("double-click", test_double_click);
  ADD ("loop", test_loop);
  ADD ("remote-edit-and-zoom", test_remote_edit_and_zoom);
  ADD ("keys-edit", test_keys_edit);
  ADD ("keys-menu", test_keys_menu);
#undef ADD
  g_test_add_func ("/timeline/keys-in-window", test_keys_in_window);
  g_test_add_func ("/timeline/play-from-marker", test_play_from_marker);

  return g_test_run ();
}
