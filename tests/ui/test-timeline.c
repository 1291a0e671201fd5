/* test-timeline.c — the song timeline adds, moves, resizes and deletes clips
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "ui-test-utils.h"

#include <adwaita.h>

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
  f->window = gtk_window_new ();
  gtk_window_set_default_size (GTK_WINDOW (f->window), 800, 600);
  gtk_window_set_child (GTK_WINDOW (f->window), scroller);
  gtk_window_present (GTK_WINDOW (f->window));
  tandem_test_iterate_until (tandem_test_is_mapped, f->timeline);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  if (f->window != NULL)
    gtk_window_destroy (GTK_WINDOW (f->window));
  while (g_main_context_iteration (NULL, FALSE))
    ;
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

static void
remote_apply (Fixture  *f,
              TandemOp *op)
{
  g_autoptr(TandemOp) owned = op;
  g_autoptr(GError) error = NULL;

  g_assert_true (tandem_project_apply (f->project, owned, NULL, &error));
  g_assert_no_error (error);
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

  remote_apply (f, tandem_op_new_set_int (TANDEM_ENTITY_CLIP, tandem_clip_get_id (clip),
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
  remote_apply (f, tandem_op_new_delete (TANDEM_ENTITY_CLIP, tandem_clip_get_id (clip)));
  g_assert_null (tandem_timeline_view_get_selected_clip (f->timeline));
  g_assert_false (tandem_timeline_view_get_clip_rect (f->timeline, tandem_clip_get_id (clip),
                                                      &after));

  tandem_timeline_view_set_playhead_bar (f->timeline, 2.5);
  g_assert_cmpfloat (tandem_timeline_view_get_playhead_bar (f->timeline), ==, 2.5);
  for (guint i = 0; i < 5; i++)
    g_main_context_iteration (NULL, FALSE);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  if (tandem_test_have_display ())
    {
      gtk_init ();
      adw_init ();
    }

#define ADD(path, func) \
  g_test_add ("/timeline/" path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("edit-with-actions", test_edit_with_actions);
  ADD ("drag", test_drag);
  ADD ("double-click", test_double_click);
  ADD ("loop", test_loop);
  ADD ("remote-edit-and-zoom", test_remote_edit_and_zoom);
#undef ADD

  return g_test_run ();
}
