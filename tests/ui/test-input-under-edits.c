/* test-input-under-edits.c — a model change never pulls a widget out from
 * under the pointer, the focus or the keyboard
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Real input only (XTest under Xvfb): the clicks and keys go through the X
 * server, GTK's gestures and the window's focus handling, as a person's do.
 * The model changes come from the window itself (a field committed by the
 * focus moving away) or from another participant (an op applied straight to
 * the project) while a button is held. Criticals are fatal here, so a freed
 * widget or a stale pointer fails the test where it happens.
 */
#include "config.h"

#include "ui-test-utils.h"

#include <adwaita.h>

#include "tandem-application.h"
#include "tandem-window.h"
#include "widgets/tandem-grid-view-private.h"
#include "widgets/tandem-timeline-view-private.h"

typedef struct
{
  TandemApplication *app;
  TandemWindow      *window;
  TandemProject     *project;
  TandemGridView    *grid;
  GtkWidget         *steps;
} Fixture;

static gboolean
window_is_ready (gpointer data)
{
  Fixture *f = data;
  TandemGridCell *cell;

  f->grid = TANDEM_GRID_VIEW (tandem_test_find_widget (GTK_WIDGET (f->window),
                                                       TANDEM_TYPE_GRID_VIEW, NULL));
  cell = _tandem_grid_view_get_cell (f->grid, _tandem_grid_view_get_row_track_id (f->grid, 0),
                                     15);
  return cell != NULL && gtk_widget_get_mapped (GTK_WIDGET (cell)) &&
         gtk_widget_get_width (GTK_WIDGET (cell)) > 0;
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  if (!tandem_test_have_display () || !tandem_test_can_send_input ())
    return;

  f->app = tandem_application_new ();
  g_application_set_flags (G_APPLICATION (f->app),
                           G_APPLICATION_HANDLES_OPEN | G_APPLICATION_NON_UNIQUE);
  g_assert_true (g_application_register (G_APPLICATION (f->app), NULL, &error));
  g_assert_no_error (error);
  g_application_activate (G_APPLICATION (f->app));
  f->window = TANDEM_WINDOW (gtk_application_get_active_window (GTK_APPLICATION (f->app)));
  g_assert_true (TANDEM_IS_WINDOW (f->window));
  gtk_window_set_default_size (GTK_WINDOW (f->window), 1200, 760);
  tandem_test_iterate_until (tandem_test_is_mapped, f->window);
  f->project = tandem_window_get_project (f->window);
  tandem_test_iterate_until (window_is_ready, f);
  f->steps = tandem_test_find_widget (GTK_WIDGET (f->window), GTK_TYPE_SPIN_BUTTON,
                                      "Pattern Length in Steps");
  g_assert_nonnull (f->steps);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  /* Destroyed, not closed: the edits were made to be thrown away. */
  if (f->window != NULL)
    tandem_test_destroy_window (GTK_WIDGET (f->window));
  g_clear_object (&f->app);
}

static TandemPattern *
current_pattern (Fixture *f)
{
  return tandem_project_find_pattern (f->project,
                                      tandem_project_get_current_pattern (f->project));
}

static const char *
track_id (Fixture *f,
          guint    index)
{
  return tandem_track_get_id (tandem_test_track_at (f->project, index));
}

static guint8
velocity (Fixture    *f,
          const char *track,
          guint       step)
{
  return tandem_pattern_get_cell (current_pattern (f), track, step)->velocity;
}

/* Puts the pointer on the middle of @widget. */
static void
point_at (GtkWidget *widget)
{
  tandem_test_move_pointer (widget, gtk_widget_get_width (widget) / 2.,
                            gtk_widget_get_height (widget) / 2.);
}

/* Where the grid's hit test has the cell now, even before the cells are laid
 * out again after a row went. */
static void
point_at_cell (Fixture    *f,
               const char *track,
               guint       step)
{
  graphene_rect_t rect;
  guint row;

  g_assert_nonnull (_tandem_grid_view_find_row (f->grid, track, &row));
  _tandem_grid_body_get_cell_rect (TANDEM_GRID_BODY (f->grid->body), row, step, &rect);
  tandem_test_move_pointer (f->grid->body, rect.origin.x + rect.size.width / 2,
                            rect.origin.y + rect.size.height / 2);
}

typedef struct
{
  Fixture    *f;
  const char *track;
  guint       step;
  guint8      velocity;
  guint       length;
} Expect;

static gboolean
velocity_is (gpointer data)
{
  Expect *e = data;

  return velocity (e->f, e->track, e->step) == e->velocity;
}

static gboolean
length_is (gpointer data)
{
  Expect *e = data;

  return tandem_pattern_get_length (current_pattern (e->f)) == e->length;
}

static gboolean
is_not_painting (gpointer data)
{
  return !TANDEM_GRID_VIEW (data)->painting;
}

static gboolean
is_painting (gpointer data)
{
  return TANDEM_GRID_VIEW (data)->painting;
}

/* A full click on a cell that is still there toggles it: the window still
 * answers the pointer after whatever came before. */
static void
assert_click_toggles (Fixture    *f,
                      const char *track,
                      guint       step)
{
  Expect e = { f, track, step, velocity (f, track, step) > 0 ? 0 : 100, 0 };

  point_at_cell (f, track, step);
  tandem_test_send_button (GTK_WIDGET (f->window), 1, TRUE);
  tandem_test_send_button (GTK_WIDGET (f->window), 1, FALSE);
  tandem_test_iterate_until (velocity_is, &e);
  tandem_test_iterate_until (is_not_painting, f->grid);
}

static void
assert_focus_on_a_cell (Fixture *f)
{
  GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (f->window));
  guint n = tandem_pattern_get_length (current_pattern (f));

  g_assert_true (TANDEM_IS_GRID_CELL (focus));
  g_assert_true (gtk_widget_get_parent (focus) != NULL);
  g_assert_cmpuint (tandem_grid_cell_get_step (TANDEM_GRID_CELL (focus)), <, n);
}

/* Typing a shorter length into Steps (no Enter) and clicking a cell past it:
 * the click moves the focus, the field commits the length on losing it, and
 * that removes the very cell the click is focusing. */
static void
test_steps_typed_then_cell_clicked (Fixture       *f,
                                    gconstpointer  data)
{
  const char *kick, *snare;
  Expect shorter = { f, NULL, 0, 0, 8 };
  guint8 before[8];

  if (f->window == NULL)
    return;

  kick = track_id (f, 0);
  snare = track_id (f, 1);
  g_assert_cmpuint (tandem_pattern_get_length (current_pattern (f)), ==, 16);
  for (guint i = 0; i < 8; i++)
    before[i] = velocity (f, kick, i);

  gtk_widget_grab_focus (f->steps);
  gtk_editable_set_text (GTK_EDITABLE (f->steps), "8");
  /* Typed, not yet committed. */
  g_assert_cmpuint (tandem_pattern_get_length (current_pattern (f)), ==, 16);

  point_at_cell (f, kick, 12);
  tandem_test_send_button (GTK_WIDGET (f->window), 1, TRUE);
  tandem_test_iterate_until (length_is, &shorter);
  tandem_test_send_button (GTK_WIDGET (f->window), 1, FALSE);

  g_assert_null (_tandem_grid_view_get_cell (f->grid, kick, 12));
  g_assert_nonnull (_tandem_grid_view_get_cell (f->grid, kick, 7));
  /* The click on a cell that no longer exists edits nothing. */
  for (guint i = 0; i < 8; i++)
    g_assert_cmpuint (velocity (f, kick, i), ==, before[i]);

  /* The window answers the next click, and the focus is on a live cell. */
  assert_click_toggles (f, snare, 2);
  assert_focus_on_a_cell (f);
  g_assert_cmpuint (tandem_grid_cell_get_step (TANDEM_GRID_CELL (gtk_root_get_focus (
                      GTK_ROOT (f->window)))), ==, 2);
}

/* Ctrl+Z in a field undoes the last edit of the project, not the field's text;
 * Ctrl+Shift+Z redoes it. */
static void
test_undo_keys_in_field (Fixture       *f,
                         gconstpointer  data)
{
  const char *kick;
  Expect undone, redone;
  guint8 was;

  if (f->window == NULL)
    return;

  kick = track_id (f, 0);
  was = velocity (f, kick, 3);
  gtk_widget_activate_action (GTK_WIDGET (f->grid), "grid.toggle-cell", "(si)", kick, 3);
  g_assert_cmpuint (velocity (f, kick, 3), !=, was);

  gtk_widget_grab_focus (f->steps);
  gtk_editable_set_text (GTK_EDITABLE (f->steps), "8");

  undone = (Expect) { f, kick, 3, was, 0 };
  tandem_test_send_key (GTK_WIDGET (f->window), GDK_KEY_z, GDK_CONTROL_MASK);
  tandem_test_iterate_until (velocity_is, &undone);

  redone = (Expect) { f, kick, 3, was > 0 ? 0 : 100, 0 };
  tandem_test_send_key (GTK_WIDGET (f->window), GDK_KEY_z, GDK_CONTROL_MASK | GDK_SHIFT_MASK);
  tandem_test_iterate_until (velocity_is, &redone);

  /* Neither key committed the typed length nor took the focus away. */
  g_assert_cmpuint (tandem_pattern_get_length (current_pattern (f)), ==, 16);
  g_assert_true (gtk_widget_is_ancestor (gtk_root_get_focus (GTK_ROOT (f->window)), f->steps));

  /* And clicking a cell past the typed length from there is safe too. */
  assert_click_toggles (f, track_id (f, 1), 4);
  g_assert_cmpuint (tandem_pattern_get_length (current_pattern (f)), ==, 8);
  assert_focus_on_a_cell (f);
}

/* Someone else deletes the track a paint stroke is on: the stroke stops
 * there (it does not go on painting the track that slid into its place), and
 * it stays one undo step. */
static void
test_remote_delete_under_stroke (Fixture       *f,
                                 gconstpointer  data)
{
  g_autofree char *snare = NULL;
  g_autofree char *hat = NULL;
  Expect painted;
  guint8 hat_before[16];
  guint crossed = 0;

  if (f->window == NULL)
    return;

  snare = g_strdup (track_id (f, 1));
  hat = g_strdup (track_id (f, 2));
  for (guint i = 0; i < 16; i++)
    hat_before[i] = velocity (f, hat, i);

  painted = (Expect) { f, snare, 9, velocity (f, snare, 9) > 0 ? 0 : 100, 0 };
  point_at_cell (f, snare, 9);
  tandem_test_send_button (GTK_WIDGET (f->window), 1, TRUE);
  tandem_test_iterate_until (velocity_is, &painted);
  tandem_test_iterate_until (is_painting, f->grid);

  tandem_test_remote_apply (f->project, tandem_op_new_delete (TANDEM_ENTITY_TRACK, snare));
  g_assert_null (_tandem_grid_view_get_cell (f->grid, snare, 9));
  /* The keyboard focus moved to the same step of the row now there. */
  g_assert_true (gtk_root_get_focus (GTK_ROOT (f->window)) ==
                 GTK_WIDGET (_tandem_grid_view_get_cell (f->grid, hat, 9)));

  /* The pointer goes on over the row that is now where the snare was, to
   * cells the stroke would change. */
  for (guint i = 10; i < 16; i++)
    if ((hat_before[i] > 0) != (painted.velocity > 0))
      {
        point_at_cell (f, hat, i);
        crossed++;
      }
  g_assert_cmpuint (crossed, >, 0);
  tandem_test_send_button (GTK_WIDGET (f->window), 1, FALSE);
  tandem_test_iterate_until (is_not_painting, f->grid);

  assert_click_toggles (f, hat, 0);
  hat_before[0] = hat_before[0] > 0 ? 0 : 100;
  for (guint i = 0; i < 16; i++)
    g_assert_cmpuint (velocity (f, hat, i), ==, hat_before[i]);

  /* The stroke was closed as its own undo step: one undo takes back the
   * later click only. */
  gtk_widget_activate_action (GTK_WIDGET (f->window), "win.undo", NULL);
  g_assert_cmpuint (velocity (f, hat, 0), !=, hat_before[0]);
  for (guint i = 1; i < 16; i++)
    g_assert_cmpuint (velocity (f, hat, i), ==, hat_before[i]);
}

/* Someone else shortens the pattern under a paint stroke: the cells past the
 * new end go, the stroke stops, and nothing is painted where they were. */
static void
test_remote_length_under_stroke (Fixture       *f,
                                 gconstpointer  data)
{
  const char *kick;
  Expect painted;
  guint8 before[8];

  if (f->window == NULL)
    return;

  kick = track_id (f, 0);
  painted = (Expect) { f, kick, 13, velocity (f, kick, 13) > 0 ? 0 : 100, 0 };
  point_at_cell (f, kick, 13);
  tandem_test_send_button (GTK_WIDGET (f->window), 1, TRUE);
  tandem_test_iterate_until (velocity_is, &painted);

  tandem_test_remote_apply (f->project,
                            tandem_op_new_set_int (TANDEM_ENTITY_PATTERN,
                                                   tandem_pattern_get_id (current_pattern (f)),
                                                   "length", 8));
  g_assert_null (_tandem_grid_view_get_cell (f->grid, kick, 13));
  /* The keyboard focus moved to the row's new last cell. */
  g_assert_true (gtk_root_get_focus (GTK_ROOT (f->window)) ==
                 GTK_WIDGET (_tandem_grid_view_get_cell (f->grid, kick, 7)));
  for (guint i = 0; i < 8; i++)
    before[i] = velocity (f, kick, i);

  point_at_cell (f, kick, 6);
  point_at_cell (f, kick, 2);
  tandem_test_send_button (GTK_WIDGET (f->window), 1, FALSE);
  tandem_test_iterate_until (is_not_painting, f->grid);

  for (guint i = 0; i < 8; i++)
    g_assert_cmpuint (velocity (f, kick, i), ==, before[i]);
  assert_click_toggles (f, kick, 1);
}

/* The track whose menu is open, or whose rename dialog is up, is deleted by
 * someone else: the menu closes, the dialog's answer changes nothing. */
static gboolean
menu_is_open (gpointer data)
{
  GtkPopover *popover = gtk_menu_button_get_popover (GTK_MENU_BUTTON (data));

  return popover != NULL && gtk_widget_get_mapped (GTK_WIDGET (popover));
}

static gboolean
popover_is_closed (gpointer data)
{
  return !gtk_widget_get_mapped (GTK_WIDGET (data));
}

static gboolean
is_rename_button (GtkWidget     *widget,
                  gconstpointer  data)
{
  return GTK_IS_BUTTON (widget) && gtk_button_get_label (GTK_BUTTON (widget)) != NULL &&
         tandem_test_label_is (gtk_button_get_label (GTK_BUTTON (widget)), "Rename");
}

static gboolean
pointer_is_null (gpointer data)
{
  return *(gpointer *) data == NULL;
}

static void
test_remote_delete_under_track_menu (Fixture       *f,
                                     gconstpointer  data)
{
  g_autofree char *snare = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  GtkWidget *button, *popover, *dialog;

  if (f->window == NULL)
    return;

  snare = g_strdup (track_id (f, 1));
  button = _tandem_grid_view_get_row_menu_button (f->grid, snare);
  point_at (button);
  tandem_test_send_button (GTK_WIDGET (f->window), 1, TRUE);
  tandem_test_send_button (GTK_WIDGET (f->window), 1, FALSE);
  tandem_test_iterate_until (menu_is_open, button);
  popover = g_object_ref (GTK_WIDGET (gtk_menu_button_get_popover (GTK_MENU_BUTTON (button))));

  tandem_test_remote_apply (f->project, tandem_op_new_delete (TANDEM_ENTITY_TRACK, snare));
  tandem_test_iterate_until (popover_is_closed, popover);
  g_object_unref (popover);
  /* Closed, not just destroyed: a popover freed while shown would keep the
   * pointer grabbed, and the window would ignore clicks. */
  assert_click_toggles (f, track_id (f, 0), 6);

  /* The rename dialog of a track deleted meanwhile. */
  dialog = _tandem_grid_view_show_rename_dialog (f->grid, track_id (f, 1));
  tandem_test_iterate_until (tandem_test_is_mapped, dialog);
  before = tandem_project_to_string (f->project);
  tandem_test_remote_apply (f->project,
                            tandem_op_new_delete (TANDEM_ENTITY_TRACK, track_id (f, 1)));
  g_free (before);
  before = tandem_project_to_string (f->project);
  gtk_editable_set_text (GTK_EDITABLE (tandem_test_find_widget (dialog, GTK_TYPE_ENTRY, NULL)),
                         "Gone");
  g_object_add_weak_pointer (G_OBJECT (dialog), (gpointer *) &dialog);
  g_signal_emit_by_name (tandem_test_find_widget_matching (dialog, is_rename_button, NULL),
                         "clicked");
  tandem_test_iterate_until (pointer_is_null, &dialog);
  after = tandem_project_to_string (f->project);
  g_assert_cmpstr (after, ==, before);

  assert_click_toggles (f, track_id (f, 0), 5);
}

typedef struct
{
  TandemTimelineView *timeline;
  const char         *clip;
} SelectedIs;

static gboolean
clip_is_selected (gpointer data)
{
  SelectedIs *s = data;

  return g_strcmp0 (tandem_timeline_view_get_selected_clip (s->timeline), s->clip) == 0;
}

static gboolean
clip_is_laid_out (gpointer data)
{
  g_autoptr(TandemClip) clip =
    g_list_model_get_item (tandem_project_get_clips (TANDEM_TIMELINE_VIEW (data)->project), 0);
  graphene_rect_t rect;

  return clip != NULL && gtk_widget_get_width (GTK_WIDGET (data)) > 0 &&
         tandem_timeline_view_get_clip_rect (data, tandem_clip_get_id (clip), &rect) &&
         rect.size.width > 0;
}

/* Someone else deletes the clip being dragged on the song timeline, then the
 * one whose menu is open. */
static void
test_remote_delete_under_clip_drag (Fixture       *f,
                                    gconstpointer  data)
{
  g_autoptr(TandemClip) clip = NULL;
  g_autofree char *clip_id = NULL;
  TandemTimelineView *timeline;
  AdwViewStack *stack;
  graphene_rect_t rect;

  if (f->window == NULL)
    return;

  stack = ADW_VIEW_STACK (tandem_test_find_widget (GTK_WIDGET (f->window), ADW_TYPE_VIEW_STACK,
                                                   NULL));
  adw_view_stack_set_visible_child_name (stack, "song");
  timeline = TANDEM_TIMELINE_VIEW (tandem_test_find_widget (GTK_WIDGET (f->window),
                                                            TANDEM_TYPE_TIMELINE_VIEW, NULL));
  tandem_test_iterate_until (tandem_test_is_mapped, timeline);
  /* A second clip, for the menu. */
  gtk_widget_activate_action (GTK_WIDGET (timeline), "timeline.add-clip", "(si)", "", 6);
  g_assert_cmpuint (g_list_model_get_n_items (tandem_project_get_clips (f->project)), ==, 2);
  tandem_test_iterate_until (clip_is_laid_out, timeline);

  clip = g_list_model_get_item (tandem_project_get_clips (f->project), 0);
  clip_id = g_strdup (tandem_clip_get_id (clip));
  g_assert_true (tandem_timeline_view_get_clip_rect (timeline, clip_id, &rect));
  tandem_test_move_pointer (GTK_WIDGET (timeline), rect.origin.x + 10,
                            rect.origin.y + rect.size.height / 2);
  tandem_test_send_button (GTK_WIDGET (f->window), 1, TRUE);
  /* The press picked the clip up (selected it). */
  {
    SelectedIs selected = { timeline, clip_id };

    tandem_test_iterate_until (clip_is_selected, &selected);
  }
  tandem_test_remote_apply (f->project, tandem_op_new_delete (TANDEM_ENTITY_CLIP, clip_id));
  tandem_test_move_pointer (GTK_WIDGET (timeline), rect.origin.x + 200,
                            rect.origin.y + rect.size.height / 2);
  tandem_test_send_button (GTK_WIDGET (f->window), 1, FALSE);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_null (tandem_project_find_clip (f->project, clip_id));
  g_assert_null (tandem_timeline_view_get_selected_clip (timeline));

  /* The context menu of a clip someone else deletes closes. */
  g_clear_object (&clip);
  g_clear_pointer (&clip_id, g_free);
  clip = g_list_model_get_item (tandem_project_get_clips (f->project), 0);
  g_assert_nonnull (clip);
  clip_id = g_strdup (tandem_clip_get_id (clip));
  tandem_test_iterate_until (clip_is_laid_out, timeline);
  g_assert_true (tandem_timeline_view_get_clip_rect (timeline, clip_id, &rect));
  tandem_test_move_pointer (GTK_WIDGET (timeline), rect.origin.x + 10,
                            rect.origin.y + rect.size.height / 2);
  tandem_test_send_button (GTK_WIDGET (f->window), 3, TRUE);
  tandem_test_send_button (GTK_WIDGET (f->window), 3, FALSE);
  tandem_test_iterate_until (tandem_test_menu_is_open, timeline);
  tandem_test_remote_apply (f->project, tandem_op_new_delete (TANDEM_ENTITY_CLIP, clip_id));
  tandem_test_iterate_until (tandem_test_menu_is_closed, timeline);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);
  tandem_test_init_gtk ();

#define ADD(path, func) \
  g_test_add ("/input-under-edits/" path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("steps-typed-then-cell-clicked", test_steps_typed_then_cell_clicked);
  ADD ("undo-keys-in-field", test_undo_keys_in_field);
  ADD ("remote-delete-under-stroke", test_remote_delete_under_stroke);
  ADD ("remote-length-under-stroke", test_remote_length_under_stroke);
  ADD ("remote-delete-under-track-menu", test_remote_delete_under_track_menu);
  ADD ("remote-delete-under-clip-drag", test_remote_delete_under_clip_drag);
#undef ADD

  return g_test_run ();
}
