/* test-song-view.c — the Song page: a lane per pattern, its menu, clip menus,
 * bars in the project's metre, and a first click that does not scroll
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The click test sends real input (XTest), which goes to whichever window
 * has the X focus, so this program does not run in parallel.
 */
#include "config.h"

#include <math.h>

#include "ui-test-utils.h"

#include <adwaita.h>

#include "widgets/tandem-song-view.h"
#include "widgets/tandem-timeline-view-private.h"

typedef struct
{
  TandemProject      *project;
  TandemHistory      *history;
  GtkWidget          *window;
  TandemSongView     *song;
  TandemTimelineView *timeline;
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
  f->song = TANDEM_SONG_VIEW (tandem_song_view_new ());
  g_object_set (f->song, "project", f->project, "history", f->history, NULL);
  f->timeline = tandem_song_view_get_timeline (f->song);
  f->window = tandem_test_show_in_window (GTK_WIDGET (f->song), GPOINTER_TO_INT (data) > 0
                                          ? GPOINTER_TO_INT (data) : 900, 500);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  GList *toplevels = gtk_window_list_toplevels ();

  /* A dialog a test left open. */
  for (GList *l = toplevels; l != NULL; l = l->next)
    if (ADW_IS_MESSAGE_DIALOG (l->data))
      gtk_window_destroy (l->data);
  g_list_free (toplevels);
  tandem_test_destroy_window (f->window);
  g_clear_object (&f->history);
  g_clear_object (&f->project);
}

static guint
n_patterns (Fixture *f)
{
  return g_list_model_get_n_items (tandem_project_get_patterns (f->project));
}

static TandemPattern *
pattern_at (Fixture *f,
            guint    index)
{
  g_autoptr(TandemPattern) pattern =
    g_list_model_get_item (tandem_project_get_patterns (f->project), index);

  return pattern;   /* the project holds it */
}

static TandemClip *
clip_at (Fixture *f,
         guint    index)
{
  g_autoptr(TandemClip) clip = g_list_model_get_item (tandem_project_get_clips (f->project),
                                                      index);

  return clip;
}

static const char *
lane_label (Fixture *f,
            guint    index)
{
  GtkWidget *header = tandem_song_view_get_lane_header (f->song, index);

  g_assert_nonnull (header);
  return gtk_label_get_label (GTK_LABEL (gtk_menu_button_get_child (GTK_MENU_BUTTON (header))));
}

static void
add_pattern (Fixture    *f,
             const char *id,
             const char *name)
{
  JsonObject *object = json_object_new ();
  JsonNode *node = json_node_alloc ();

  json_object_set_string_member (object, "id", id);
  json_object_set_string_member (object, "name", name);
  json_object_set_int_member (object, "length", 16);
  json_node_take_object (json_node_init (node, JSON_NODE_OBJECT), object);
  g_assert_true (tandem_history_apply (f->history,
                                       tandem_op_new_insert (TANDEM_ENTITY_PATTERN, -1, node),
                                       NULL));
}

/* Every pattern has a lane, with its name, clips or not; lanes follow
 * additions, renames and deletions, the headers as tall as the lanes. */
static void
test_lanes (Fixture       *f,
            gconstpointer  data)
{
  g_autofree char *chorus = tandem_id_new ();
  GtkWidget *header;
  graphene_rect_t bounds;

  if (f->window == NULL)
    return;
  g_assert_cmpuint (n_patterns (f), ==, 1);
  g_assert_cmpstr (lane_label (f, 0), ==, tandem_pattern_get_name (pattern_at (f, 0)));
  g_assert_null (tandem_song_view_get_lane_header (f->song, 1));

  /* A pattern no clip plays yet still has its lane. */
  add_pattern (f, chorus, "Chorus");
  g_assert_cmpstr (lane_label (f, 1), ==, "Chorus");
  g_assert_cmpint (_tandem_timeline_view_pattern_lane (f->timeline, chorus), ==, 1);

  /* The header sits beside its lane. */
  while (g_main_context_iteration (NULL, FALSE))
    ;
  header = gtk_widget_get_parent (tandem_song_view_get_lane_header (f->song, 1));
  tandem_test_iterate_until (tandem_test_is_mapped, header);
  g_assert_true (gtk_widget_compute_bounds (header, GTK_WIDGET (f->timeline), &bounds));
  g_assert_cmpfloat_with_epsilon (bounds.origin.y,
                                  TANDEM_TIMELINE_RULER_HEIGHT + TANDEM_TIMELINE_LANE_HEIGHT, 0.5);
  g_assert_cmpfloat_with_epsilon (bounds.size.height, TANDEM_TIMELINE_LANE_HEIGHT, 0.5);

  /* Renamed by anyone: the header follows. */
  tandem_test_remote_apply (f->project, tandem_op_new_set_string (TANDEM_ENTITY_PATTERN, chorus,
                                                                  "name", "Refrain"));
  g_assert_cmpstr (lane_label (f, 1), ==, "Refrain");
  g_assert_true (tandem_history_undo (f->history, NULL));
  g_assert_null (tandem_song_view_get_lane_header (f->song, 1));
}

static gboolean
is_message_dialog (GtkWidget     *widget,
                   gconstpointer  data)
{
  return ADW_IS_MESSAGE_DIALOG (widget);
}

static AdwMessageDialog *
find_dialog (void)
{
  GList *toplevels = gtk_window_list_toplevels ();
  AdwMessageDialog *dialog = NULL;

  for (GList *l = toplevels; l != NULL && dialog == NULL; l = l->next)
    if (is_message_dialog (l->data, NULL) && gtk_widget_get_visible (l->data))
      dialog = l->data;
  g_list_free (toplevels);
  return dialog;
}

/* The lane's menu renames and duplicates its pattern, without changing the
 * pattern being edited. */
static void
test_lane_menu (Fixture       *f,
                gconstpointer  data)
{
  const char *id, *current;
  GMenuModel *menu;
  AdwMessageDialog *dialog;
  GtkWidget *entry;
  g_autofree char *label = NULL;

  if (f->window == NULL)
    return;
  id = tandem_pattern_get_id (pattern_at (f, 0));
  current = tandem_project_get_current_pattern (f->project);

  menu = gtk_menu_button_get_menu_model (GTK_MENU_BUTTON (tandem_song_view_get_lane_header (f->song,
                                                                                            0)));
  g_assert_cmpint (g_menu_model_get_n_items (menu), ==, 2);
  g_menu_model_get_item_attribute (menu, 0, G_MENU_ATTRIBUTE_LABEL, "s", &label);
  g_assert_cmpstr (label, ==, "_Rename…");

  /* Rename: a dialog asks; Enter in its field confirms. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->song), "song.rename-pattern", "s", id));
  dialog = find_dialog ();
  g_assert_nonnull (dialog);
  entry = adw_message_dialog_get_extra_child (dialog);
  gtk_editable_set_text (GTK_EDITABLE (entry), "  ");
  g_assert_false (adw_message_dialog_get_response_enabled (dialog, "rename"));
  gtk_editable_set_text (GTK_EDITABLE (entry), "Verse");
  g_signal_emit_by_name (entry, "activate");
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_cmpstr (tandem_pattern_get_name (pattern_at (f, 0)), ==, "Verse");
  g_assert_cmpstr (lane_label (f, 0), ==, "Verse");

  /* Duplicate: a copy after it, named so, and the current pattern stays. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->song), "song.duplicate-pattern", "s",
                                             id));
  g_assert_cmpuint (n_patterns (f), ==, 2);
  g_assert_cmpstr (tandem_pattern_get_name (pattern_at (f, 1)), ==, "Verse (Copy)");
  g_assert_cmpstr (lane_label (f, 1), ==, "Verse (Copy)");
  g_assert_cmpstr (tandem_project_get_current_pattern (f->project), ==, current);
  /* With the same steps. */
  for (guint s = 0; s < 16; s++)
    g_assert_cmpuint (tandem_pattern_get_cell (pattern_at (f, 1),
                                               tandem_track_get_id (tandem_test_track_at (f->project, 0)),
                                               s)->velocity, ==,
                      tandem_pattern_get_cell (pattern_at (f, 0),
                                               tandem_track_get_id (tandem_test_track_at (f->project, 0)),
                                               s)->velocity);
}

/* The index of the item labelled @label in @menu (its submenus too), or -1;
 * @in receives the menu holding it. */
static int
find_item (GMenuModel  *menu,
           const char  *label,
           GMenuModel **in)
{
  for (int i = 0; i < g_menu_model_get_n_items (menu); i++)
    {
      g_autofree char *text = NULL;
      g_autoptr(GMenuModel) sub = g_menu_model_get_item_link (menu, i, G_MENU_LINK_SUBMENU);

      if (g_menu_model_get_item_attribute (menu, i, G_MENU_ATTRIBUTE_LABEL, "s", &text)
          && g_strcmp0 (text, label) == 0)
        {
          *in = menu;
          return i;
        }
      if (sub != NULL)
        {
          int found = find_item (sub, label, in);

          if (found >= 0)
            return found;
        }
    }
  return -1;
}

static void
activate_item (GtkWidget  *widget,
               GMenuModel *menu,
               int         index)
{
  g_autofree char *action = NULL;
  g_autoptr(GVariant) target = NULL;

  g_assert_true (g_menu_model_get_item_attribute (menu, index, G_MENU_ATTRIBUTE_ACTION, "s",
                                                  &action));
  target = g_menu_model_get_item_attribute_value (menu, index, G_MENU_ATTRIBUTE_TARGET, NULL);
  g_assert_true (gtk_widget_activate_action_variant (widget, action, target));
}

/* A clip's menu duplicates it and switches it to another pattern. */
static void
test_clip_menu (Fixture       *f,
                gconstpointer  data)
{
  g_autofree char *chorus = tandem_id_new ();
  TandemClip *clip, *copy;
  GMenuModel *menu, *in = NULL;
  int index;

  if (f->window == NULL)
    return;
  add_pattern (f, chorus, "Chorus");
  clip = clip_at (f, 0);
  tandem_timeline_view_set_selected_clip (f->timeline, tandem_clip_get_id (clip));
  _tandem_timeline_view_popup_menu (f->timeline);
  menu = gtk_popover_menu_get_menu_model (GTK_POPOVER_MENU (f->timeline->menu));

  index = find_item (menu, "D_uplicate Clip", &in);
  g_assert_cmpint (index, >=, 0);
  activate_item (GTK_WIDGET (f->timeline), in, index);
  g_assert_cmpuint (g_list_model_get_n_items (tandem_project_get_clips (f->project)), ==, 2);
  copy = clip_at (f, 1);
  /* Right after the original, the same pattern and length, and selected. */
  g_assert_cmpuint (tandem_clip_get_start (copy), ==,
                    tandem_clip_get_start (clip) + tandem_clip_get_length (clip));
  g_assert_cmpuint (tandem_clip_get_length (copy), ==, tandem_clip_get_length (clip));
  g_assert_cmpstr (tandem_clip_get_pattern (copy), ==, tandem_clip_get_pattern (clip));
  g_assert_cmpstr (tandem_timeline_view_get_selected_clip (f->timeline), ==,
                   tandem_clip_get_id (copy));

  /* The copy's menu offers the other pattern; it moves to that lane. */
  _tandem_timeline_view_popup_menu (f->timeline);
  menu = gtk_popover_menu_get_menu_model (GTK_POPOVER_MENU (f->timeline->menu));
  index = find_item (menu, "Chorus", &in);
  g_assert_cmpint (index, >=, 0);
  activate_item (GTK_WIDGET (f->timeline), in, index);
  g_assert_cmpstr (tandem_clip_get_pattern (copy), ==, chorus);
  g_assert_cmpstr (tandem_clip_get_pattern (clip), !=, chorus);
  gtk_popover_popdown (GTK_POPOVER (f->timeline->menu));

  /* Each was one undo step. */
  g_assert_true (tandem_history_undo (f->history, NULL));
  g_assert_cmpstr (tandem_clip_get_pattern (copy), ==, tandem_clip_get_pattern (clip));
  g_assert_true (tandem_history_undo (f->history, NULL));
  g_assert_cmpuint (g_list_model_get_n_items (tandem_project_get_clips (f->project)), ==, 1);
}

/* Bars are counted in the project's metre: a 16-step pattern fills one bar
 * of 4 beats (of 4 steps), and needs two of 3 beats. */
static void
test_bars_follow_metre (Fixture       *f,
                        gconstpointer  data)
{
  const char *id;

  if (f->window == NULL)
    return;
  id = tandem_pattern_get_id (pattern_at (f, 0));
  g_assert_cmpuint (tandem_project_get_beats_per_bar (f->project), ==, 4);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->timeline), "timeline.add-clip", "(si)",
                                             id, 10));
  g_assert_cmpuint (tandem_clip_get_length (clip_at (f, 1)), ==, 1);

  g_assert_true (tandem_history_apply (f->history,
                                       tandem_op_new_set_int (TANDEM_ENTITY_PROJECT, NULL,
                                                              "beats-per-bar", 3), NULL));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->timeline), "timeline.add-clip", "(si)",
                                             id, 20));
  g_assert_cmpuint (tandem_clip_get_length (clip_at (f, 2)), ==, 2);
}

static gboolean
timeline_laid_out (gpointer data)
{
  Fixture *f = data;
  GtkAdjustment *h = gtk_scrolled_window_get_hadjustment (tandem_song_view_get_scroller (f->song));

  return gtk_widget_get_width (GTK_WIDGET (f->timeline)) > 0
         && gtk_adjustment_get_upper (h) > gtk_adjustment_get_page_size (h) + 300;
}

typedef struct
{
  Fixture *f;
  double   value;
} Scroll;

static gboolean
focus_is_timeline (gpointer data)
{
  Fixture *f = data;

  return gtk_widget_has_focus (GTK_WIDGET (f->timeline));
}

/* The timeline has been laid out at the scroll position: a click sent now
 * lands where the test computes it (the cairo renderer can take more than
 * one main-loop turn to get there). */
static gboolean
timeline_at_scroll (gpointer data)
{
  Scroll *scroll = data;
  GtkWidget *scroller = GTK_WIDGET (tandem_song_view_get_scroller (scroll->f->song));
  graphene_point_t origin = GRAPHENE_POINT_INIT (0, 0), in_scroller;

  return gtk_widget_compute_point (GTK_WIDGET (scroll->f->timeline), scroller, &origin, &in_scroller)
         && fabs (in_scroller.x + scroll->value) < 0.5;
}

/* Clicks the first lane at the middle of the visible part (past its clip). */
static void
click_timeline (Fixture *f)
{
  GtkAdjustment *h = gtk_scrolled_window_get_hadjustment (tandem_song_view_get_scroller (f->song));
  double x = gtk_adjustment_get_value (h) + gtk_adjustment_get_page_size (h) / 2;
  double y = TANDEM_TIMELINE_RULER_HEIGHT + TANDEM_TIMELINE_LANE_HEIGHT * 0.5;

  tandem_test_move_pointer (GTK_WIDGET (f->timeline), x, y);
  tandem_test_send_button (GTK_WIDGET (f->timeline), 1, TRUE);
  tandem_test_send_button (GTK_WIDGET (f->timeline), 1, FALSE);
  tandem_test_iterate_until (focus_is_timeline, f);
  /* Whatever a focus change queues (a scroll to it) runs in the next frames. */
  for (guint i = 0; i < 5; i++)
    {
      gint64 until = g_get_monotonic_time () + 20 * G_TIME_SPAN_MILLISECOND;

      while (g_get_monotonic_time () < until)
        g_main_context_iteration (NULL, FALSE);
    }
}

/* Scrolled along the song, the first click in the timeline (which gives it
 * the focus) leaves the view where it is. */
static void
test_first_click_keeps_scroll (Fixture       *f,
                               gconstpointer  data)
{
  GtkAdjustment *h;
  GtkWidget *other;

  if (f->window == NULL || !tandem_test_can_send_input ())
    return;
  tandem_timeline_view_set_zoom (f->timeline, 80);
  tandem_test_iterate_until (timeline_laid_out, f);
  h = gtk_scrolled_window_get_hadjustment (tandem_song_view_get_scroller (f->song));

  /* The focus starts elsewhere (a lane header), as after opening the page. */
  other = tandem_song_view_get_lane_header (f->song, 0);
  g_assert_true (gtk_widget_grab_focus (other));
  gtk_adjustment_set_value (h, 400);
  tandem_test_iterate_until (timeline_at_scroll, &(Scroll) { f, 400 });
  g_assert_cmpfloat (gtk_adjustment_get_value (h), ==, 400);

  click_timeline (f);
  g_assert_cmpfloat (gtk_adjustment_get_value (h), ==, 400);
}

int
main (int   argc,
      char *argv[])
{
  tandem_test_use_fresh_data_home ();
  g_test_init (&argc, &argv, NULL);
  tandem_test_init_gtk ();

#define ADD(path, func, width) \
  g_test_add ("/song-view/" path, Fixture, GINT_TO_POINTER (width), fixture_setup, func, \
              fixture_teardown)
  ADD ("lanes", test_lanes, 0);
  ADD ("lane-menu", test_lane_menu, 0);
  ADD ("clip-menu", test_clip_menu, 0);
  ADD ("bars-follow-metre", test_bars_follow_metre, 0);
  ADD ("first-click-keeps-scroll", test_first_click_keeps_scroll, 500);
#undef ADD

  return g_test_run ();
}
