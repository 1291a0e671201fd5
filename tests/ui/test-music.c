/* test-music.c — the circle of fifths, the chord lane and the Generate panel in real windows
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include "tandem-transport.h"
#include "ui-test-utils.h"
#include "widgets/tandem-chord-lane.h"
#include "widgets/tandem-circle-view.h"
#include "widgets/tandem-generate-panel.h"
#include "widgets/tandem-grid-view.h"

typedef struct
{
  TandemProject *project;
  TandemHistory *history;
  GtkWidget     *window;
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  f->project = tandem_project_new_demo ();
  f->history = tandem_history_new (f->project);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  tandem_test_destroy_window (f->window);
  g_clear_object (&f->history);
  g_clear_object (&f->project);
}

static void
set_key (Fixture    *f,
         guint       root,
         const char *scale)
{
  TandemOp *batch = tandem_op_new_batch ();

  tandem_op_batch_add (batch, tandem_op_new_set_int (TANDEM_ENTITY_PROJECT, NULL, "key-root", root));
  tandem_op_batch_add (batch, tandem_op_new_set_string (TANDEM_ENTITY_PROJECT, NULL, "scale", scale));
  tandem_test_remote_apply (f->project, batch);
}

static void
test_circle_keyboard (Fixture       *f,
                      gconstpointer  data)
{
  GtkWidget *circle = tandem_circle_view_new ();
  g_autoptr(GError) error = NULL;
  gboolean minor;

  tandem_circle_view_set_project (TANDEM_CIRCLE_VIEW (circle), f->project);
  tandem_circle_view_set_history (TANDEM_CIRCLE_VIEW (circle), f->history);
  f->window = tandem_test_show_in_window (circle, 300, 300);
  gtk_widget_grab_focus (circle);

  /* Screen readers get a slider over the twelve positions. */
  g_assert_cmpint (gtk_accessible_get_accessible_role (GTK_ACCESSIBLE (circle)), ==,
                   GTK_ACCESSIBLE_ROLE_SLIDER);
  g_assert_true (gtk_widget_get_focusable (circle));

  /* The demo is in A minor: top of the inner ring. */
  g_assert_cmpuint (tandem_circle_view_get_focus (TANDEM_CIRCLE_VIEW (circle), &minor), ==, 0);
  g_assert_true (minor);

  /* Right: a fifth up (E minor); Up: to the outer ring (G major); Enter picks it. */
  g_assert_true (tandem_test_widget_press_key (circle, GDK_KEY_Right));
  g_assert_true (tandem_test_widget_press_key (circle, GDK_KEY_Up));
  g_assert_cmpuint (tandem_circle_view_get_focus (TANDEM_CIRCLE_VIEW (circle), &minor), ==, 1);
  g_assert_false (minor);
  g_assert_cmpuint (tandem_project_get_key_root (f->project), ==, 9);
  g_assert_true (tandem_test_widget_press_key (circle, GDK_KEY_Return));
  g_assert_cmpuint (tandem_project_get_key_root (f->project), ==, 7);
  g_assert_cmpint (tandem_project_get_scale (f->project), ==, TANDEM_SCALE_MAJOR);

  /* Left goes towards the flats: three fifths down from G is Bb. */
  for (guint i = 0; i < 3; i++)
    g_assert_true (tandem_test_widget_press_key (circle, GDK_KEY_Left));
  g_assert_true (tandem_test_widget_press_key (circle, GDK_KEY_KP_Enter));
  g_assert_cmpuint (tandem_project_get_key_root (f->project), ==, 10);

  /* One op each: undo goes back to G major, then A minor. */
  g_assert_true (tandem_history_undo (f->history, &error));
  g_assert_cmpuint (tandem_project_get_key_root (f->project), ==, 7);
  g_assert_true (tandem_history_undo (f->history, &error));
  g_assert_cmpuint (tandem_project_get_key_root (f->project), ==, 9);
  g_assert_cmpint (tandem_project_get_scale (f->project), ==, TANDEM_SCALE_MINOR);
  g_assert_false (tandem_test_widget_press_key (circle, GDK_KEY_a));
}

static gboolean
is_allocated (gpointer data)
{
  return gtk_widget_get_width (data) > 100 && gtk_widget_get_height (data) > 100;
}

static void
click_ring (GtkWidget *circle,
            guint      pos,
            gboolean   minor)
{
  double w, h, half, r, angle;

  tandem_test_iterate_until (is_allocated, circle);
  w = gtk_widget_get_width (circle), h = gtk_widget_get_height (circle);
  half = MIN (w, h) / 2.0 - 2, r = half * (minor ? 0.56 : 0.84);
  angle = -G_PI / 2 + pos * G_PI / 6;

  g_assert_true (tandem_test_widget_click (circle, w / 2 + r * cos (angle), h / 2 + r * sin (angle)));
}

static void
test_circle_pointer (Fixture       *f,
                     gconstpointer  data)
{
  GtkWidget *circle = tandem_circle_view_new ();
  TandemChord chord;

  tandem_circle_view_set_project (TANDEM_CIRCLE_VIEW (circle), f->project);
  tandem_circle_view_set_history (TANDEM_CIRCLE_VIEW (circle), f->history);
  f->window = tandem_test_show_in_window (circle, 300, 300);

  click_ring (circle, 0, FALSE);
  g_assert_cmpuint (tandem_project_get_key_root (f->project), ==, 0);
  g_assert_cmpint (tandem_project_get_scale (f->project), ==, TANDEM_SCALE_MAJOR);
  click_ring (circle, 3, TRUE); /* F# minor, right of the inner ring */
  g_assert_cmpuint (tandem_project_get_key_root (f->project), ==, 6);
  g_assert_cmpint (tandem_project_get_scale (f->project), ==, TANDEM_SCALE_MINOR);
  click_ring (circle, 11, FALSE); /* F major, left of the top */
  g_assert_cmpuint (tandem_project_get_key_root (f->project), ==, 5);
  /* The centre is no key. */
  g_assert_true (tandem_test_widget_click (circle, gtk_widget_get_width (circle) / 2.0,
                                           gtk_widget_get_height (circle) / 2.0));
  g_assert_cmpuint (tandem_project_get_key_root (f->project), ==, 5);

  /* The chord playing: V7 in F is C7, on the outer ring at C. */
  g_assert_cmpint (tandem_circle_view_get_chord_position (TANDEM_CIRCLE_VIEW (circle)), ==, -1);
  g_assert_true (tandem_chord_parse ("V7", &chord));
  tandem_circle_view_set_chord (TANDEM_CIRCLE_VIEW (circle), &chord);
  g_assert_cmpint (tandem_circle_view_get_chord_position (TANDEM_CIRCLE_VIEW (circle)), ==, 0);
  g_assert_true (tandem_chord_parse ("vi", &chord)); /* Dm: inside, under F */
  tandem_circle_view_set_chord (TANDEM_CIRCLE_VIEW (circle), &chord);
  g_assert_cmpint (tandem_circle_view_get_chord_position (TANDEM_CIRCLE_VIEW (circle)), ==, 11);
}

static TandemPattern *
first_pattern (TandemProject *project)
{
  g_autoptr(TandemPattern) p = g_list_model_get_item (tandem_project_get_patterns (project), 0);

  return p;
}

static const char *
slot_text (GtkWidget *lane,
           guint      i)
{
  GtkWidget *slot = tandem_chord_lane_get_slot (TANDEM_CHORD_LANE (lane), i);

  g_assert_nonnull (slot);
  return gtk_button_get_label (GTK_BUTTON (slot));
}

static void
test_chord_lane (Fixture       *f,
                 gconstpointer  data)
{
  GtkWidget *lane = tandem_chord_lane_new ();
  TandemPattern *pattern = first_pattern (f->project);
  g_autoptr(GError) error = NULL;

  set_key (f, 0, "major");
  tandem_chord_lane_set_project (TANDEM_CHORD_LANE (lane), f->project);
  tandem_chord_lane_set_history (TANDEM_CHORD_LANE (lane), f->history);
  f->window = tandem_test_show_in_window (lane, 700, 80);
  g_assert_null (tandem_chord_lane_get_slot (TANDEM_CHORD_LANE (lane), 0));

  tandem_chord_lane_apply_preset (TANDEM_CHORD_LANE (lane), 0);
  g_assert_cmpstr (tandem_pattern_get_chords (pattern), ==, "I V vi IV");
  g_assert_cmpstr (slot_text (lane, 1), ==, "V · G");

  /* A click steps a slot on through the key's chords; Up, Down and Delete too. */
  g_signal_emit_by_name (tandem_chord_lane_get_slot (TANDEM_CHORD_LANE (lane), 1), "clicked");
  g_assert_cmpstr (tandem_pattern_get_chords (pattern), ==, "I vi vi IV");
  g_assert_true (tandem_test_widget_press_key (tandem_chord_lane_get_slot (TANDEM_CHORD_LANE (lane), 2),
                                               GDK_KEY_Up));
  g_assert_cmpstr (tandem_pattern_get_chords (pattern), ==, "I vi viio IV");
  g_assert_cmpstr (slot_text (lane, 2), ==, "vii° · Bdim");
  g_assert_true (tandem_test_widget_press_key (tandem_chord_lane_get_slot (TANDEM_CHORD_LANE (lane), 0),
                                               GDK_KEY_Down));
  g_assert_cmpstr (tandem_pattern_get_chords (pattern), ==, "- vi viio IV");
  g_assert_true (tandem_test_widget_press_key (tandem_chord_lane_get_slot (TANDEM_CHORD_LANE (lane), 3),
                                               GDK_KEY_Delete));
  g_assert_cmpstr (tandem_pattern_get_chords (pattern), ==, "- vi viio -");

  /* Undo is one chord at a time. */
  g_assert_true (tandem_history_undo (f->history, &error));
  g_assert_cmpstr (tandem_pattern_get_chords (pattern), ==, "- vi viio IV");

  /* The key renames the slots; someone else's edit rebuilds them. */
  set_key (f, 7, "major");
  g_assert_cmpstr (slot_text (lane, 3), ==, "IV · C");
  tandem_test_remote_apply (f->project,
                            tandem_op_new_set_string (TANDEM_ENTITY_PATTERN,
                                                      tandem_pattern_get_id (pattern), "chords",
                                                      "ii7 V7"));
  g_assert_cmpstr (slot_text (lane, 0), ==, "ii7 · Am7");
  g_assert_null (tandem_chord_lane_get_slot (TANDEM_CHORD_LANE (lane), 2));

  /* While playing, the slot under the playhead is marked: per bar, step 20 is slot 1. */
  tandem_chord_lane_set_playing_step (TANDEM_CHORD_LANE (lane), 20);
  g_assert_true (gtk_widget_has_css_class (tandem_chord_lane_get_slot (TANDEM_CHORD_LANE (lane), 1),
                                           "playing"));
  g_assert_false (gtk_widget_has_css_class (tandem_chord_lane_get_slot (TANDEM_CHORD_LANE (lane), 0),
                                            "playing"));
  tandem_chord_lane_set_playing_step (TANDEM_CHORD_LANE (lane), -1);
  g_assert_false (gtk_widget_has_css_class (tandem_chord_lane_get_slot (TANDEM_CHORD_LANE (lane), 1),
                                            "playing"));

  /* Whoever evolves the pattern, everyone's lane says where it is. */
  g_assert_null (tandem_chord_lane_get_evolution_text (TANDEM_CHORD_LANE (lane)));
  tandem_test_remote_apply (f->project,
                            tandem_evolve_op_start (f->project, pattern, TANDEM_EVOLVE_ROTATE, 1, 1,
                                                    8, TANDEM_EVOLVE_END_STOP, 1, "someone"));
  tandem_test_remote_apply (f->project, tandem_evolve_op_next (f->project, pattern));
  g_assert_cmpstr (tandem_chord_lane_get_evolution_text (TANDEM_CHORD_LANE (lane)), ==,
                   "Evolving, step 1 of 8");
  tandem_test_remote_apply (f->project, tandem_evolve_op_pause (pattern));
  g_assert_cmpstr (tandem_chord_lane_get_evolution_text (TANDEM_CHORD_LANE (lane)), ==,
                   "Evolution paused, step 1 of 8");
  tandem_test_remote_apply (f->project, tandem_evolve_op_keep (pattern));
  g_assert_null (tandem_chord_lane_get_evolution_text (TANDEM_CHORD_LANE (lane)));

  /* + and − grow and shrink the lane; the rate is per beat from its menu. */
  {
    GtkWidget *add = tandem_test_find_widget (lane, GTK_TYPE_BUTTON, "Add a chord");
    GtkWidget *remove = tandem_test_find_widget (lane, GTK_TYPE_BUTTON, "Remove the last chord");
    GtkWidget *rate = tandem_test_find_widget (lane, GTK_TYPE_DROP_DOWN,
                                               "One chord per bar or per beat");

    g_signal_emit_by_name (add, "clicked");
    g_assert_cmpstr (tandem_pattern_get_chords (pattern), ==, "ii7 V7 I");
    g_signal_emit_by_name (remove, "clicked");
    g_signal_emit_by_name (remove, "clicked");
    g_assert_cmpstr (tandem_pattern_get_chords (pattern), ==, "ii7");
    gtk_drop_down_set_selected (GTK_DROP_DOWN (rate), 1);
    g_assert_cmpint (tandem_pattern_get_chord_rate (pattern), ==, TANDEM_CHORD_RATE_BEAT);
  }
}

static GtkWidget *
panel_child (GtkWidget  *panel,
             GType       type,
             const char *tooltip)
{
  GtkWidget *w = tandem_test_find_widget (panel, type, tooltip);

  g_assert_nonnull (w);
  return w;
}

static GtkWidget *
find_button_labelled (GtkWidget  *root,
                      const char *label);

static gboolean
is_button_labelled (GtkWidget     *widget,
                    gconstpointer  data)
{
  return GTK_IS_BUTTON (widget) && gtk_button_get_label (GTK_BUTTON (widget)) != NULL
         && tandem_test_label_is (gtk_button_get_label (GTK_BUTTON (widget)), data);
}

static GtkWidget *
find_button_labelled (GtkWidget  *root,
                      const char *label)
{
  GtkWidget *w = tandem_test_find_widget_matching (root, is_button_labelled, label);

  g_assert_nonnull (w);
  return w;
}

typedef struct
{
  GtkWidget *panel;
  const char *text;
} ProgressWait;

static gboolean
progress_says (gpointer data)
{
  ProgressWait *w = data;
  GtkWidget *bar = tandem_test_find_widget (w->panel, GTK_TYPE_PROGRESS_BAR, NULL);

  return g_strcmp0 (gtk_progress_bar_get_text (GTK_PROGRESS_BAR (bar)), w->text) == 0;
}

static void
assert_row_is (TandemPattern *pattern,
               const char    *track,
               const char    *grid)
{
  for (guint s = 0; s < tandem_pattern_get_length (pattern); s++)
    g_assert_cmpuint (tandem_pattern_get_cell (pattern, track, s)->velocity > 0, ==,
                      grid[s % strlen (grid)] == 'x');
}

static void
test_generate_panel (Fixture       *f,
                     gconstpointer  data)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 0);
  GtkWidget *grid = g_object_new (TANDEM_TYPE_GRID_VIEW, NULL);
  GtkWidget *panel = tandem_generate_panel_new ();
  TandemPattern *pattern = first_pattern (f->project);
  const char *track = tandem_track_get_id (tandem_test_track_at (f->project, 1));
  g_autoptr(GError) error = NULL;
  TandemEvolution ev;

  set_key (f, 0, "major");
  g_object_set (grid, "project", f->project, "history", f->history, NULL);
  tandem_grid_view_set_selected_track (TANDEM_GRID_VIEW (grid), track);
  gtk_widget_set_hexpand (grid, TRUE);
  gtk_box_append (GTK_BOX (box), grid);
  gtk_box_append (GTK_BOX (box), panel);
  tandem_generate_panel_set_project (TANDEM_GENERATE_PANEL (panel), f->project, f->history);
  tandem_generate_panel_set_grid (TANDEM_GENERATE_PANEL (panel), TANDEM_GRID_VIEW (grid));
  f->window = tandem_test_show_in_window (box, 1200, 800);

  /* r(3:2) by default. */
  {
    TandemRhythm r;

    g_assert_true (tandem_generate_panel_get_rhythm (TANDEM_GENERATE_PANEL (panel), &r));
    g_assert_cmpuint (r.period, ==, 6);
  }

  /* Preview: ghosted on the selected track, nothing changed yet. */
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (panel_child (panel, GTK_TYPE_TOGGLE_BUTTON,
                                                                "Show the rhythm ghosted on the selected track")),
                                TRUE);
  g_assert_cmpstr (tandem_grid_view_get_ghost_track (TANDEM_GRID_VIEW (grid)), ==, track);
  g_signal_emit_by_name (panel_child (panel, GTK_TYPE_BUTTON, "Put the rhythm on the selected track"),
                         "clicked");
  assert_row_is (pattern, track, "x.xxx.");

  /* Euclidean 3 in 8, rotated 0: the spins drive it. */
  gtk_drop_down_set_selected (GTK_DROP_DOWN (tandem_test_find_widget (panel, GTK_TYPE_DROP_DOWN, NULL)), 3);
  {
    GtkWidget *spins[3];
    GtkWidget *first = tandem_test_find_widget (panel, GTK_TYPE_SPIN_BUTTON, NULL);
    GtkWidget *row = gtk_widget_get_parent (first);

    spins[0] = gtk_widget_get_first_child (row);
    spins[1] = gtk_widget_get_next_sibling (spins[0]);
    spins[2] = gtk_widget_get_next_sibling (spins[1]);
    gtk_spin_button_set_value (GTK_SPIN_BUTTON (spins[0]), 3);
    gtk_spin_button_set_value (GTK_SPIN_BUTTON (spins[1]), 8);
    gtk_spin_button_set_value (GTK_SPIN_BUTTON (spins[2]), 0);
  }
  g_signal_emit_by_name (panel_child (panel, GTK_TYPE_BUTTON, "Put the rhythm on the selected track"),
                         "clicked");
  assert_row_is (pattern, track, "x..x..x.");
  /* Applying is one op: undo brings r(3:2) back. */
  g_assert_true (tandem_history_undo (f->history, &error));
  assert_row_is (pattern, track, "x.xxx.");

  /* Harmony: falling fifths from vi, four chords. */
  g_signal_emit_by_name (panel_child (panel, GTK_TYPE_BUTTON,
                                      "A progression falling by fifths into the chord lane"),
                         "clicked");
  g_assert_cmpstr (tandem_pattern_get_chords (pattern), ==, "vi ii V I");

  /* Melody: chord tones on the rhythm, the track follows the chords. */
  g_signal_emit_by_name (panel_child (panel, GTK_TYPE_BUTTON,
                                      "Chord tones on the rhythm, on the selected track"),
                         "clicked");
  g_assert_cmpint (tandem_track_get_harmony (tandem_test_track_at (f->project, 1)), ==,
                   TANDEM_HARMONY_CHORD_TONE);

  /* The selected track's voice: whole chords, arpeggiated up and down every 2 steps. */
  gtk_drop_down_set_selected (GTK_DROP_DOWN (panel_child (panel, GTK_TYPE_DROP_DOWN,
                                                          "How the selected track's notes follow the chords")),
                              2);
  gtk_drop_down_set_selected (GTK_DROP_DOWN (panel_child (panel, GTK_TYPE_DROP_DOWN,
                                                          "Arpeggiator of the selected track")),
                              3);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (panel_child (panel, GTK_TYPE_SPIN_BUTTON,
                                                           "Steps between arpeggio notes")),
                             2);
  g_assert_cmpint (tandem_track_get_harmony (tandem_test_track_at (f->project, 1)), ==,
                   TANDEM_HARMONY_CHORD);
  g_assert_cmpint (tandem_track_get_arp (tandem_test_track_at (f->project, 1)), ==,
                   TANDEM_ARP_UP_DOWN);
  g_assert_cmpuint (tandem_track_get_arp_rate (tandem_test_track_at (f->project, 1)), ==, 2);
  /* Another track selected: the controls show its voice. */
  tandem_grid_view_set_selected_track (TANDEM_GRID_VIEW (grid),
                                       tandem_track_get_id (tandem_test_track_at (f->project, 0)));
  g_assert_cmpuint (gtk_drop_down_get_selected (GTK_DROP_DOWN (panel_child (panel, GTK_TYPE_DROP_DOWN,
                                                                            "Arpeggiator of the selected track"))),
                    ==, 0);

  /* Evolution: start, its state for everyone, pause, resume, keep. */
  g_signal_emit_by_name (find_button_labelled (panel, "Evolve"), "clicked");
  tandem_pattern_get_evolution (pattern, &ev);
  g_assert_cmpint (ev.state, ==, TANDEM_EVOLVE_RUNNING);
  g_assert_cmpstr (ev.origin, !=, "");
  g_assert_nonnull (tandem_test_find_widget_matching (panel, is_button_labelled, "Pause"));
  g_signal_emit_by_name (find_button_labelled (panel, "Pause"), "clicked");
  tandem_pattern_get_evolution (pattern, &ev);
  g_assert_cmpint (ev.state, ==, TANDEM_EVOLVE_PAUSED);
  g_signal_emit_by_name (find_button_labelled (panel, "Resume"), "clicked");
  tandem_pattern_get_evolution (pattern, &ev);
  g_assert_cmpint (ev.state, ==, TANDEM_EVOLVE_RUNNING);
  g_signal_emit_by_name (find_button_labelled (panel, "Keep"), "clicked");
  tandem_pattern_get_evolution (pattern, &ev);
  g_assert_cmpint (ev.state, ==, TANDEM_EVOLVE_OFF);
  g_assert_cmpstr (ev.origin, ==, "");
}

static void
test_generate_stream (Fixture       *f,
                      gconstpointer  data)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 0);
  GtkWidget *grid = g_object_new (TANDEM_TYPE_GRID_VIEW, NULL);
  GtkWidget *panel = tandem_generate_panel_new ();
  TandemPattern *pattern = first_pattern (f->project);
  const char *track = tandem_track_get_id (tandem_test_track_at (f->project, 0));
  ProgressWait w = { panel, "Variation 2 of 2" };
  TandemRhythm base, v;
  TandemOp *batch;

  g_object_set (grid, "project", f->project, "history", f->history, NULL);
  tandem_grid_view_set_selected_track (TANDEM_GRID_VIEW (grid), track);
  gtk_box_append (GTK_BOX (box), grid);
  gtk_box_append (GTK_BOX (box), panel);
  tandem_generate_panel_set_project (TANDEM_GENERATE_PANEL (panel), f->project, f->history);
  tandem_generate_panel_set_grid (TANDEM_GENERATE_PANEL (panel), TANDEM_GRID_VIEW (grid));
  f->window = tandem_test_show_in_window (box, 1200, 800);

  /* Playing fast, alone: a bar is 0.8 s. */
  batch = tandem_op_new_batch ();
  tandem_op_batch_add (batch, tandem_op_new_set_double (TANDEM_ENTITY_PROJECT, NULL, "tempo", 300));
  tandem_test_remote_apply (f->project, batch);
  tandem_test_remote_apply (f->project,
                            tandem_transport_op_start (f->project, tandem_transport_session_now (NULL),
                                                       tandem_transport_session_lead (NULL), 0));

  gtk_spin_button_set_value (GTK_SPIN_BUTTON (tandem_test_find_widget (panel, GTK_TYPE_SPIN_BUTTON,
                                                                       NULL)), 3);
  {
    GtkWidget *variations = gtk_widget_get_next_sibling (
      panel_child (panel, GTK_TYPE_BUTTON, "A new variation on every bar"));

    gtk_spin_button_set_value (GTK_SPIN_BUTTON (variations), 2);
  }
  g_signal_emit_by_name (panel_child (panel, GTK_TYPE_BUTTON, "A new variation on every bar"),
                         "clicked");
  g_assert_true (gtk_widget_get_sensitive (find_button_labelled (panel, "Stop")));
  tandem_test_iterate_until (progress_says, &w);

  /* The last variation of r(3:2) is on the track: its first circular permutation. */
  g_assert_true (tandem_rhythm_resultant (&base, 3, 2, 0, NULL));
  tandem_rhythm_variation (&base, 1, &v);
  for (guint s = 0; s < tandem_pattern_get_length (pattern); s++)
    g_assert_cmpuint (tandem_pattern_get_cell (pattern, track, s)->velocity > 0, ==,
                      v.onset[s % v.period]);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  tandem_test_init_gtk ();
  if (!tandem_test_have_display ())
    {
      g_test_skip ("no display");
      return g_test_run ();
    }
  g_test_add ("/music/circle-keyboard", Fixture, NULL, fixture_set_up, test_circle_keyboard,
              fixture_tear_down);
  g_test_add ("/music/circle-pointer", Fixture, NULL, fixture_set_up, test_circle_pointer,
              fixture_tear_down);
  g_test_add ("/music/chord-lane", Fixture, NULL, fixture_set_up, test_chord_lane,
              fixture_tear_down);
  g_test_add ("/music/generate-panel", Fixture, NULL, fixture_set_up, test_generate_panel,
              fixture_tear_down);
  g_test_add ("/music/generate-stream", Fixture, NULL, fixture_set_up, test_generate_stream,
              fixture_tear_down);
  return g_test_run ();
}
