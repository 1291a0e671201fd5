/* test-grid-keys.c — the grid in the real window, driven from the keyboard
 *
 * Keys are delivered to the focused widget the way GTK delivers them: the
 * key controllers and local shortcut controllers of the focus widget and its
 * ancestors, capture phase from the window down, then bubble phase back up.
 * So a key the grid does not take reaches the window's own shortcuts, as it
 * would for a user.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "ui-test-utils.h"

#include <adwaita.h>

#include "tandem-application.h"
#include "tandem-window.h"
#include "tandem-window-private.h"
#include "widgets/tandem-grid-view-private.h"
#include "widgets/tandem-mixer-view.h"

typedef struct
{
  TandemWindow      *window;
  TandemProject     *project;
  TandemGridView    *grid;
} Fixture;

/* ---- delivering keys ----------------------------------------------------- */

static gboolean
trigger_matches (GtkShortcutTrigger *trigger,
                 guint               keyval,
                 GdkModifierType     state)
{
  GdkModifierType mods = state & gtk_accelerator_get_default_mod_mask ();

  if (GTK_IS_ALTERNATIVE_TRIGGER (trigger))
    return trigger_matches (gtk_alternative_trigger_get_first (GTK_ALTERNATIVE_TRIGGER (trigger)),
                            keyval, state) ||
           trigger_matches (gtk_alternative_trigger_get_second (GTK_ALTERNATIVE_TRIGGER (trigger)),
                            keyval, state);
  if (GTK_IS_KEYVAL_TRIGGER (trigger))
    return gdk_keyval_to_lower (gtk_keyval_trigger_get_keyval (GTK_KEYVAL_TRIGGER (trigger))) ==
             gdk_keyval_to_lower (keyval) &&
           gtk_keyval_trigger_get_modifiers (GTK_KEYVAL_TRIGGER (trigger)) == mods;
  return FALSE;
}

static gboolean
run_shortcuts (GtkShortcutController *controller,
               GtkWidget             *widget,
               guint                  keyval,
               GdkModifierType        state)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (controller));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GtkShortcut) shortcut = g_list_model_get_item (G_LIST_MODEL (controller), i);

      if (trigger_matches (gtk_shortcut_get_trigger (shortcut), keyval, state) &&
          gtk_shortcut_action_activate (gtk_shortcut_get_action (shortcut), 0, widget,
                                        gtk_shortcut_get_arguments (shortcut)))
        return TRUE;
    }
  return FALSE;
}

/* Offers the key to @widget's controllers of @phase; TRUE when one took it. */
static gboolean
offer_key (GtkWidget           *widget,
           GtkPropagationPhase  phase,
           guint                keyval,
           GdkModifierType      state)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (widget);
  gboolean is_root = GTK_IS_ROOT (widget);

  if (!gtk_widget_is_sensitive (widget))
    return FALSE;

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GtkEventController) controller = g_list_model_get_item (controllers, i);
      gboolean handled = FALSE;

      if (gtk_event_controller_get_propagation_phase (controller) != phase)
        continue;

      if (GTK_IS_EVENT_CONTROLLER_KEY (controller))
        g_signal_emit_by_name (controller, "key-pressed", keyval, 0, state, &handled);
      /* Managed and global shortcuts act from the window. */
      else if (GTK_IS_SHORTCUT_CONTROLLER (controller) &&
               (is_root ||
                gtk_shortcut_controller_get_scope (GTK_SHORTCUT_CONTROLLER (controller)) ==
                  GTK_SHORTCUT_SCOPE_LOCAL))
        handled = run_shortcuts (GTK_SHORTCUT_CONTROLLER (controller), widget, keyval, state);

      if (handled)
        return TRUE;
    }
  return FALSE;
}

/* Presses @keyval with @state on the focused widget; TRUE when something took it. */
static gboolean
press_key (Fixture         *f,
           guint            keyval,
           GdkModifierType  state)
{
  GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (f->window));
  g_autoptr(GPtrArray) chain = g_ptr_array_new ();  /* focus first, window last */
  gboolean handled = FALSE;

  g_assert_nonnull (focus);
  for (GtkWidget *w = focus; w != NULL; w = gtk_widget_get_parent (w))
    g_ptr_array_add (chain, w);

  for (guint i = chain->len; i > 0 && !handled; i--)
    handled = offer_key (g_ptr_array_index (chain, i - 1), GTK_PHASE_CAPTURE, keyval, state);
  if (!handled)
    handled = offer_key (focus, GTK_PHASE_TARGET, keyval, state);
  for (guint i = 0; i < chain->len && !handled; i++)
    handled = offer_key (g_ptr_array_index (chain, i), GTK_PHASE_BUBBLE, keyval, state);

  while (g_main_context_iteration (NULL, FALSE))
    ;
  return handled;
}

/* ---- the window ---------------------------------------------------------- */

static gboolean
app_has_no_windows (gpointer data)
{
  return gtk_application_get_windows (GTK_APPLICATION (data)) == NULL;
}

/* One app and window serve every test (a window takes a while to open);
 * each test starts on a fresh demo project with its own history. */
static TandemApplication *shared_app;

static TandemWindow *
shared_window (void)
{
  g_autoptr(GError) error = NULL;
  GtkWindow *window;

  if (shared_app == NULL)
    {
      shared_app = tandem_application_new ();
      g_application_set_flags (G_APPLICATION (shared_app),
                               G_APPLICATION_HANDLES_OPEN | G_APPLICATION_NON_UNIQUE);
      g_assert_true (g_application_register (G_APPLICATION (shared_app), NULL, &error));
      g_assert_no_error (error);
      g_application_activate (G_APPLICATION (shared_app));
    }
  window = gtk_application_get_active_window (GTK_APPLICATION (shared_app));
  g_assert_true (TANDEM_IS_WINDOW (window));
  return TANDEM_WINDOW (window);
}

static void
close_shared_window (void)
{
  TandemWindow *window;

  if (shared_app == NULL)
    return;

  /* A fresh project is unmodified, so the window closes without asking and
   * drops its draft, as after a save. */
  window = shared_window ();
  tandem_window_load_demo (window);
  gtk_window_close (GTK_WINDOW (window));
  tandem_test_iterate_until (app_has_no_windows, shared_app);
  g_clear_object (&shared_app);
}

static void
remove_tree (GFile *file)
{
  g_autoptr(GFileEnumerator) children =
    g_file_enumerate_children (file, G_FILE_ATTRIBUTE_STANDARD_NAME,
                               G_FILE_QUERY_INFO_NOFOLLOW_SYMLINKS, NULL, NULL);
  GFile *child;

  while (children != NULL && g_file_enumerator_iterate (children, NULL, &child, NULL, NULL) &&
         child != NULL)
    remove_tree (child);
  g_file_delete (file, NULL, NULL);
}

static gboolean
is_popover (GtkWidget     *widget,
            gconstpointer  data)
{
  return GTK_IS_POPOVER (widget) && gtk_widget_get_visible (widget);
}

/* The grid builds new cells for a new project; until they are laid out, a
 * menu opened on one would point where the cell is not yet. */
static gboolean
cells_laid_out (gpointer data)
{
  Fixture *f = data;
  guint n_tracks = g_list_model_get_n_items (tandem_project_get_tracks (f->project));
  TandemTrack *last = tandem_test_track_at (f->project, n_tracks - 1);
  GtkWidget *cell = GTK_WIDGET (_tandem_grid_view_get_cell (f->grid, tandem_track_get_id (last),
                                                            1));

  return cell != NULL && gtk_widget_get_width (cell) > 0;
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  AdwViewStack *stack;
  GtkWidget *popover;

  if (!tandem_test_have_display ())
    {
      g_test_skip ("no display");
      return;
    }

  f->window = shared_window ();
  /* A menu the last test left open would hold the keyboard. */
  while ((popover = tandem_test_find_widget_matching (GTK_WIDGET (f->window),
                                                      is_popover, NULL)) != NULL)
    gtk_popover_popdown (GTK_POPOVER (popover));
  tandem_window_load_demo (f->window);
  f->project = tandem_window_get_project (f->window);

  stack = ADW_VIEW_STACK (tandem_test_find_widget (GTK_WIDGET (f->window),
                                                   ADW_TYPE_VIEW_STACK, NULL));
  adw_view_stack_set_visible_child_name (stack, "grid");
  f->grid = TANDEM_GRID_VIEW (tandem_test_find_widget (GTK_WIDGET (f->window),
                                                       TANDEM_TYPE_GRID_VIEW, NULL));
  tandem_test_iterate_until (tandem_test_is_mapped, f->grid);
  tandem_test_iterate_until (cells_laid_out, f);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

static const char *
track_id (Fixture *f,
          guint    index)
{
  g_autoptr(TandemTrack) track = g_list_model_get_item (tandem_project_get_tracks (f->project),
                                                        index);
  return tandem_track_get_id (track);
}

static const TandemCell *
model_cell (Fixture *f,
            guint    row,
            guint    step)
{
  TandemPattern *pattern =
    tandem_project_find_pattern (f->project, tandem_project_get_current_pattern (f->project));

  return tandem_pattern_get_cell (pattern, track_id (f, row), step);
}

static GtkWidget *
cell_widget (Fixture *f,
             guint    row,
             guint    step)
{
  return GTK_WIDGET (_tandem_grid_view_get_cell (f->grid, track_id (f, row), step));
}

static void
focus_on (Fixture *f,
          guint    row,
          guint    step)
{
  g_assert_true (gtk_widget_grab_focus (cell_widget (f, row, step)));
}

/* The keyboard focus is on the cell at @row, @step, and the grid knows it. */
#define assert_focus(f, row, step) G_STMT_START {                                        \
  guint focus_row_, focus_step_;                                                         \
  g_assert_true (gtk_root_get_focus (GTK_ROOT ((f)->window)) == cell_widget (f, row, step)); \
  _tandem_grid_view_get_focus_cell ((f)->grid, &focus_row_, &focus_step_);               \
  g_assert_cmpuint (focus_row_, ==, row);                                                \
  g_assert_cmpuint (focus_step_, ==, step);                                              \
} G_STMT_END

/* ---- the tests ----------------------------------------------------------- */

static void
test_arrows (Fixture       *f,
             gconstpointer  data)
{
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  guint n_rows;

  if (f->window == NULL)
    return;
  before = tandem_project_to_string (f->project);
  n_rows = g_list_model_get_n_items (tandem_project_get_tracks (f->project));
  g_assert_cmpuint (n_rows, ==, 4);

  focus_on (f, 0, 0);
  assert_focus (f, 0, 0);

  g_assert_true (press_key (f, GDK_KEY_Right, 0));
  g_assert_true (press_key (f, GDK_KEY_Right, 0));
  assert_focus (f, 0, 2);
  g_assert_true (press_key (f, GDK_KEY_Left, 0));
  assert_focus (f, 0, 1);

  /* Up and Down cross rows and keep the step. */
  g_assert_true (press_key (f, GDK_KEY_Down, 0));
  assert_focus (f, 1, 1);
  g_assert_true (press_key (f, GDK_KEY_KP_Down, 0));
  assert_focus (f, 2, 1);
  g_assert_true (press_key (f, GDK_KEY_Up, 0));
  assert_focus (f, 1, 1);

  /* The edges hold the focus inside the grid. */
  for (guint i = 0; i < n_rows + 2; i++)
    g_assert_true (press_key (f, GDK_KEY_Down, 0));
  assert_focus (f, n_rows - 1, 1);
  g_assert_true (press_key (f, GDK_KEY_End, 0));
  assert_focus (f, n_rows - 1, 15);
  g_assert_true (press_key (f, GDK_KEY_Right, 0));
  assert_focus (f, n_rows - 1, 15);
  g_assert_true (press_key (f, GDK_KEY_Home, 0));
  assert_focus (f, n_rows - 1, 0);
  g_assert_true (press_key (f, GDK_KEY_Left, 0));
  assert_focus (f, n_rows - 1, 0);
  for (guint i = 0; i < n_rows + 2; i++)
    g_assert_true (press_key (f, GDK_KEY_Up, 0));
  assert_focus (f, 0, 0);

  /* Moving around edits nothing. */
  after = tandem_project_to_string (f->project);
  g_assert_cmpstr (after, ==, before);
}

static void
test_arrows_from_grabbed_cell (Fixture       *f,
                               gconstpointer  data)
{
  if (f->window == NULL)
    return;

  /* The focus came from elsewhere (a click, a screen reader): arrows start
   * from where it is, not from where the keyboard left it. */
  focus_on (f, 0, 0);
  g_assert_true (press_key (f, GDK_KEY_Right, 0));
  assert_focus (f, 0, 1);

  focus_on (f, 2, 9);
  g_assert_true (press_key (f, GDK_KEY_Right, 0));
  assert_focus (f, 2, 10);
  g_assert_true (press_key (f, GDK_KEY_Up, 0));
  assert_focus (f, 1, 10);
}

static void
test_enter_toggles (Fixture       *f,
                    gconstpointer  data)
{
  if (f->window == NULL)
    return;

  /* The demo's open hat only plays on step 15: step 1 is off. */
  g_assert_cmpuint (model_cell (f, 3, 0)->velocity, ==, 0);
  focus_on (f, 3, 0);

  g_assert_true (press_key (f, GDK_KEY_Return, 0));
  g_assert_cmpuint (model_cell (f, 3, 0)->velocity, ==, 100);
  g_assert_true (tandem_grid_cell_get_active (TANDEM_GRID_CELL (cell_widget (f, 3, 0))));
  /* Enter in the grid is the cell's: it does not play. */
  g_assert_false (tandem_project_get_playing (f->project));
  assert_focus (f, 3, 0);

  /* Then on the next cell, after an arrow. */
  g_assert_true (press_key (f, GDK_KEY_Right, 0));
  g_assert_true (press_key (f, GDK_KEY_KP_Enter, 0));
  g_assert_cmpuint (model_cell (f, 3, 1)->velocity, ==, 100);
  g_assert_true (press_key (f, GDK_KEY_Return, 0));
  g_assert_cmpuint (model_cell (f, 3, 1)->velocity, ==, 0);

  /* An active cell goes off; Ctrl+Z (the window's) brings it back. */
  g_assert_cmpuint (model_cell (f, 0, 0)->velocity, ==, 120);
  focus_on (f, 0, 0);
  g_assert_true (press_key (f, GDK_KEY_Return, 0));
  g_assert_cmpuint (model_cell (f, 0, 0)->velocity, ==, 0);
  g_assert_true (press_key (f, GDK_KEY_z, GDK_CONTROL_MASK));
  g_assert_cmpuint (model_cell (f, 0, 0)->velocity, ==, 120);
  g_assert_true (tandem_grid_cell_get_active (TANDEM_GRID_CELL (cell_widget (f, 0, 0))));
  assert_focus (f, 0, 0);
}

static gboolean
is_text_of_spin (GtkWidget     *widget,
                 gconstpointer  data)
{
  return GTK_IS_TEXT (widget) && gtk_widget_get_ancestor (widget, GTK_TYPE_SPIN_BUTTON) != NULL;
}

static gboolean
is_mixer_toggle (GtkWidget     *widget,
                 gconstpointer  data)
{
  return GTK_IS_TOGGLE_BUTTON (widget)
         && gtk_widget_get_ancestor (widget, TANDEM_TYPE_MIXER_VIEW) != NULL;
}

static void
test_space_plays (Fixture       *f,
                  gconstpointer  data)
{
  g_autofree char *cells = NULL;
  AdwViewStack *stack;
  GtkWidget *spin_text, *button;
  gboolean button_active;

  if (f->window == NULL)
    return;

  cells = tandem_project_to_string (f->project);
  focus_on (f, 1, 4);
  g_assert_false (tandem_project_get_playing (f->project));

  g_assert_true (press_key (f, GDK_KEY_space, 0));
  g_assert_true (tandem_project_get_playing (f->project));
  assert_focus (f, 1, 4);
  g_assert_true (press_key (f, GDK_KEY_space, 0));
  g_assert_false (tandem_project_get_playing (f->project));
  g_assert_true (press_key (f, GDK_KEY_KP_Space, 0));
  g_assert_true (tandem_project_get_playing (f->project));
  g_assert_true (press_key (f, GDK_KEY_KP_Space, 0));
  g_assert_false (tandem_project_get_playing (f->project));
  /* Playing is not a cell edit. */
  g_assert_cmpuint (model_cell (f, 1, 4)->velocity, >, 0);

  /* In the tempo field (a spin button's text): still play and stop. */
  spin_text = tandem_test_find_widget_matching (GTK_WIDGET (f->window), is_text_of_spin, NULL);
  g_assert_nonnull (spin_text);
  g_assert_true (gtk_widget_grab_focus (spin_text));
  g_assert_true (press_key (f, GDK_KEY_space, 0));
  g_assert_true (tandem_project_get_playing (f->project));
  g_assert_true (press_key (f, GDK_KEY_space, 0));
  g_assert_false (tandem_project_get_playing (f->project));

  /* Ctrl+Z there undoes the project, not the field's text. */
  gtk_widget_activate_action (GTK_WIDGET (f->grid), "grid.toggle-cell", "(si)", track_id (f, 3), 0);
  g_assert_cmpuint (model_cell (f, 3, 0)->velocity, ==, 100);
  g_assert_true (gtk_widget_grab_focus (spin_text));
  g_assert_true (press_key (f, GDK_KEY_z, GDK_CONTROL_MASK));
  g_assert_cmpuint (model_cell (f, 3, 0)->velocity, ==, 0);
  g_assert_true (press_key (f, GDK_KEY_z, GDK_CONTROL_MASK | GDK_SHIFT_MASK));
  g_assert_cmpuint (model_cell (f, 3, 0)->velocity, ==, 100);

  /* On a mixer button: play, and the button is not clicked. */
  stack = ADW_VIEW_STACK (tandem_test_find_widget (GTK_WIDGET (f->window),
                                                   ADW_TYPE_VIEW_STACK, NULL));
  adw_view_stack_set_visible_child_name (stack, "mixer");
  button = tandem_test_find_widget_matching (GTK_WIDGET (f->window), is_mixer_toggle, NULL);
  g_assert_nonnull (button);
  tandem_test_iterate_until (tandem_test_is_mapped, button);
  g_assert_true (gtk_widget_grab_focus (button));
  button_active = gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (button));
  g_assert_true (press_key (f, GDK_KEY_space, 0));
  g_assert_true (tandem_project_get_playing (f->project));
  g_assert_true (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (button)) == button_active);
  g_assert_true (press_key (f, GDK_KEY_space, 0));
  g_assert_false (tandem_project_get_playing (f->project));
  adw_view_stack_set_visible_child_name (stack, "grid");
}

/* A text field keeps its spaces. */
static void
test_space_in_entry (Fixture       *f,
                     gconstpointer  data)
{
  GtkWidget *entry;

  if (f->window == NULL)
    return;
  entry = gtk_entry_new ();
  /* An entry borrowed into the header bar is as good as any in the window. */
  adw_header_bar_pack_end (ADW_HEADER_BAR (tandem_test_find_widget (GTK_WIDGET (f->window),
                                                                    ADW_TYPE_HEADER_BAR, NULL)),
                           entry);
  tandem_test_iterate_until (tandem_test_is_mapped, entry);
  g_assert_true (gtk_widget_grab_focus (entry));
  press_key (f, GDK_KEY_space, 0);
  g_assert_false (tandem_project_get_playing (f->project));
  gtk_widget_unparent (entry);
  focus_on (f, 0, 0);
}

/* The metronome toggle is a personal setting: it reaches the engine, makes
 * a start count in a whole bar, and is never a project edit. */
static void
test_metronome_toggle (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(GSettings) settings = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  GtkWidget *bar;
  GtkToggleButton *button;
  double bar_us;
  gint64 now;

  if (f->window == NULL)
    return;
  settings = g_settings_new (APP_ID);
  bar = tandem_test_find_widget (GTK_WIDGET (f->window), TANDEM_TYPE_TRANSPORT_BAR, NULL);
  g_assert_nonnull (bar);
  button = tandem_transport_bar_get_metronome_button (TANDEM_TRANSPORT_BAR (bar));
  g_assert_false (gtk_toggle_button_get_active (button));
  g_assert_cmpint (tandem_engine_get_metronome (f->window->engine), ==, TANDEM_METRONOME_OFF);

  before = tandem_project_to_string (f->project);
  gtk_toggle_button_set_active (button, TRUE);
  g_assert_true (g_settings_get_boolean (settings, "metronome"));
  g_assert_cmpint (tandem_engine_get_metronome (f->window->engine), ==,
                   TANDEM_METRONOME_COUNT_IN);
  g_settings_set_boolean (settings, "metronome-while-playing", TRUE);
  g_assert_cmpint (tandem_engine_get_metronome (f->window->engine), ==, TANDEM_METRONOME_ALWAYS);
  after = tandem_project_to_string (f->project);
  g_assert_cmpstr (after, ==, before);
  g_assert_false (tandem_history_can_undo (tandem_window_get_history (f->window)));

  /* Space starts after at least a bar to count in. */
  focus_on (f, 0, 0);
  now = g_get_monotonic_time ();
  g_assert_true (press_key (f, GDK_KEY_space, 0));
  g_assert_true (tandem_project_get_playing (f->project));
  bar_us = 60.0e6 / tandem_project_get_tempo (f->project)
           * tandem_project_get_beats_per_bar (f->project);
  g_assert_cmpint ((gint64) tandem_project_get_anchor_time (f->project) - now, >=, (gint64) bar_us);
  g_assert_true (press_key (f, GDK_KEY_space, 0));
  g_assert_false (tandem_project_get_playing (f->project));

  /* And off again from the settings (Preferences): the button follows. */
  g_settings_reset (settings, "metronome");
  g_settings_reset (settings, "metronome-while-playing");
  g_assert_false (gtk_toggle_button_get_active (button));
  g_assert_cmpint (tandem_engine_get_metronome (f->window->engine), ==, TANDEM_METRONOME_OFF);
}

/* Adds the accelerators of @accels ("Left Right", "<Control>w") to @set. */
static void
add_accelerators (GHashTable *set,
                  const char *accels)
{
  g_auto(GStrv) each = g_strsplit (accels, " ", -1);

  for (guint i = 0; each[i] != NULL; i++)
    {
      guint key;
      GdkModifierType mods;

      if (gtk_accelerator_parse (each[i], &key, &mods))
        g_hash_table_add (set, gtk_accelerator_name (key, mods));
    }
}

/* Every key the window and the application bind is in the shortcuts window:
 * either its action or its accelerator. */
static void
test_shortcuts_window_complete (Fixture       *f,
                                gconstpointer  data)
{
  g_autoptr(GtkBuilder) builder = NULL;
  g_autoptr(GHashTable) actions = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GHashTable) accels = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GListModel) controllers = NULL;
  g_auto(GStrv) app_actions = NULL;
  GtkWindow *help;
  GtkWidget *child;
  guint n_checked = 0;

  if (f->window == NULL)
    return;
  builder = gtk_builder_new_from_resource ("/io/github/tandemjam/Tandem/tandem-shortcuts-window.ui");
  help = GTK_WINDOW (gtk_builder_get_object (builder, "help_overlay"));
  child = GTK_WIDGET (help);
  for (GtkWidget *w = child; w != NULL;)
    {
      if (GTK_IS_SHORTCUTS_SHORTCUT (w))
        {
          g_autofree char *action = NULL;
          g_autofree char *accel = NULL;

          g_object_get (w, "action-name", &action, "accelerator", &accel, NULL);
          if (action != NULL)
            g_hash_table_add (actions, g_steal_pointer (&action));
          if (accel != NULL)
            add_accelerators (accels, accel);
        }
      /* Depth first over the whole tree. */
      if (gtk_widget_get_first_child (w) != NULL)
        w = gtk_widget_get_first_child (w);
      else
        {
          while (w != NULL && w != child && gtk_widget_get_next_sibling (w) == NULL)
            w = gtk_widget_get_parent (w);
          w = (w == NULL || w == child) ? NULL : gtk_widget_get_next_sibling (w);
        }
    }

  app_actions = gtk_application_list_action_descriptions (GTK_APPLICATION (shared_app));
  for (guint i = 0; app_actions[i] != NULL; i++)
    {
      g_auto(GStrv) keys = gtk_application_get_accels_for_action (GTK_APPLICATION (shared_app),
                                                                  app_actions[i]);

      if (keys[0] == NULL)
        continue;
      if (!g_hash_table_contains (actions, app_actions[i]))
        g_error ("%s (%s) is not in the shortcuts window", app_actions[i], keys[0]);
      n_checked++;
    }

  controllers = gtk_widget_observe_controllers (GTK_WIDGET (f->window));
  /* Pass 0 gathers the listed actions' keys, pass 1 checks every key. */
  for (guint pass = 0; pass < 2; pass++)
    for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GtkEventController) controller = g_list_model_get_item (controllers, i);

      if (!GTK_IS_SHORTCUT_CONTROLLER (controller))
        continue;
      for (guint k = 0; k < g_list_model_get_n_items (G_LIST_MODEL (controller)); k++)
        {
          g_autoptr(GtkShortcut) shortcut = g_list_model_get_item (G_LIST_MODEL (controller), k);
          GtkShortcutAction *action = gtk_shortcut_get_action (shortcut);
          GtkShortcutTrigger *trigger = gtk_shortcut_get_trigger (shortcut);
          g_autofree char *text = gtk_shortcut_trigger_to_string (trigger);
          /* Alternatives print as "a|b". */
          const char *spaced = g_strdelimit (text, "|", ' ');
          g_autoptr(GHashTable) mine = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                              NULL);
          gboolean listed;

          /* GtkWindow's own (e.g. Ctrl+Shift+D for the inspector) are not ours. */
          if (GTK_IS_NAMED_ACTION (action))
            {
              const char *name = gtk_named_action_get_action_name (GTK_NAMED_ACTION (action));

              if (!g_str_has_prefix (name, "win.") && !g_str_equal (name, "window.close"))
                continue;
              listed = g_hash_table_contains (actions, name);
              /* A window key that runs a callback (so that it is taken even
               * when its action is disabled) is listed by that action. */
              if (listed)
                add_accelerators (accels, spaced);
            }
          else if (GTK_IS_CALLBACK_ACTION (action) && pass == 1)
            listed = FALSE;
          else
            continue;
          add_accelerators (mine, spaced);
          {
            GHashTableIter iter;
            gpointer key;

            g_hash_table_iter_init (&iter, mine);
            while (g_hash_table_iter_next (&iter, &key, NULL))
              listed |= g_hash_table_contains (accels, key);
          }
          if (pass == 0)
            continue;
          if (!listed)
            g_error ("%s is not in the shortcuts window", text);
          n_checked++;
        }
    }
  g_assert_cmpuint (n_checked, >=, 12);
  gtk_window_destroy (help);
}

static gboolean
window_is_gone (gpointer data)
{
  return gtk_application_get_windows (GTK_APPLICATION (data)) == NULL;
}

/* Ctrl+W closes the window (the last test: the next would open a new one). */
static void
test_ctrl_w_closes (Fixture       *f,
                    gconstpointer  data)
{
  if (f->window == NULL)
    return;
  focus_on (f, 0, 0);
  g_assert_true (press_key (f, GDK_KEY_w, GDK_CONTROL_MASK));
  tandem_test_iterate_until (window_is_gone, shared_app);
  g_clear_object (&shared_app);
}

static void
test_velocity_keys (Fixture       *f,
                    gconstpointer  data)
{
  TandemHistory *history;

  if (f->window == NULL)
    return;
  history = tandem_window_get_history (f->window);

  /* Kick step 7 plays at 96; Ctrl+Up and Ctrl+Down move it by 8. */
  g_assert_cmpuint (model_cell (f, 0, 6)->velocity, ==, 96);
  focus_on (f, 0, 6);
  g_assert_true (press_key (f, GDK_KEY_Up, GDK_CONTROL_MASK));
  g_assert_cmpuint (model_cell (f, 0, 6)->velocity, ==, 104);
  g_assert_cmpuint (tandem_grid_cell_get_value (TANDEM_GRID_CELL (cell_widget (f, 0, 6)))
                      ->velocity, ==, 104);
  g_assert_true (press_key (f, GDK_KEY_Down, GDK_CONTROL_MASK));
  g_assert_true (press_key (f, GDK_KEY_Down, GDK_CONTROL_MASK));
  g_assert_cmpuint (model_cell (f, 0, 6)->velocity, ==, 88);
  /* The focus stayed: Ctrl+arrows are not moves. */
  assert_focus (f, 0, 6);

  /* Never past the loudest, and never down to off. */
  for (guint i = 0; i < 10; i++)
    g_assert_true (press_key (f, GDK_KEY_Up, GDK_CONTROL_MASK));
  g_assert_cmpuint (model_cell (f, 0, 6)->velocity, ==, 127);
  for (guint i = 0; i < 20; i++)
    g_assert_true (press_key (f, GDK_KEY_Down, GDK_CONTROL_MASK));
  g_assert_cmpuint (model_cell (f, 0, 6)->velocity, ==, 1);

  /* Each press was one undo step. */
  g_assert_true (tandem_history_undo (history, NULL));
  g_assert_cmpuint (model_cell (f, 0, 6)->velocity, ==, 7);

  /* An off cell has no velocity to change. */
  g_assert_cmpuint (model_cell (f, 0, 1)->velocity, ==, 0);
  focus_on (f, 0, 1);
  g_assert_true (press_key (f, GDK_KEY_Up, GDK_CONTROL_MASK));
  g_assert_cmpuint (model_cell (f, 0, 1)->velocity, ==, 0);
  assert_focus (f, 0, 1);
}

static void
assert_menu_open_on (Fixture *f,
                     guint    row,
                     guint    step)
{
  GtkWidget *menu = _tandem_grid_view_get_cell_menu (f->grid);
  GtkSpinButton *spin = _tandem_grid_view_get_probability_spin (f->grid);
  graphene_rect_t bounds;
  GdkRectangle pointing;

  g_assert_nonnull (menu);
  g_assert_true (gtk_widget_get_visible (menu));

  /* It is this cell's menu: it points at the cell and shows its value. */
  g_assert_true (gtk_popover_get_pointing_to (GTK_POPOVER (menu), &pointing));
  g_assert_true (gtk_widget_compute_bounds (cell_widget (f, row, step),
                                            gtk_widget_get_parent (menu), &bounds));
  g_assert_cmpint (pointing.x, ==, (int) bounds.origin.x);
  g_assert_cmpint (pointing.y, ==, (int) bounds.origin.y);
  g_assert_nonnull (spin);
  g_assert_cmpint (gtk_spin_button_get_value_as_int (spin), ==, model_cell (f, row, step)->probability);
}

static void
test_context_menu_keys (Fixture       *f,
                        gconstpointer  data)
{
  GtkWidget *menu;

  if (f->window == NULL)
    return;

  g_assert_null (_tandem_grid_view_get_cell_menu (f->grid));
  focus_on (f, 0, 0);
  g_assert_true (press_key (f, GDK_KEY_Right, 0));
  g_assert_true (press_key (f, GDK_KEY_Down, 0));
  g_assert_true (press_key (f, GDK_KEY_F10, GDK_SHIFT_MASK));
  assert_menu_open_on (f, 1, 1);
  menu = _tandem_grid_view_get_cell_menu (f->grid);

  /* Any whole percent: 37 % sets the probability of that cell. */
  gtk_spin_button_set_value (_tandem_grid_view_get_probability_spin (f->grid), 37);
  g_assert_cmpuint (model_cell (f, 1, 1)->probability, ==, 37);
  gtk_popover_popdown (GTK_POPOVER (menu));

  /* The Menu key opens the menu of the cell the focus is on now. */
  focus_on (f, 2, 5);
  g_assert_true (press_key (f, GDK_KEY_Menu, 0));
  assert_menu_open_on (f, 2, 5);
  gtk_spin_button_set_value (_tandem_grid_view_get_probability_spin (f->grid), 25);
  g_assert_cmpuint (model_cell (f, 2, 5)->probability, ==, 25);
  g_assert_cmpuint (model_cell (f, 1, 1)->probability, ==, 37);
  gtk_popover_popdown (GTK_POPOVER (menu));

  /* F10 alone is not the cell's: the window's main menu takes it. */
  focus_on (f, 0, 0);
  press_key (f, GDK_KEY_F10, 0);
  g_assert_false (gtk_widget_get_visible (menu));
}

/* 37 % is kept in the file and comes back from it. */
static void
test_probability_saved (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(TandemProject) loaded = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *bytes = NULL;
  const char *pattern_id;
  gsize length;

  if (f->window == NULL)
    return;
  focus_on (f, 0, 4);
  g_assert_true (press_key (f, GDK_KEY_Menu, 0));
  gtk_spin_button_set_value (_tandem_grid_view_get_probability_spin (f->grid), 37);
  gtk_popover_popdown (GTK_POPOVER (_tandem_grid_view_get_cell_menu (f->grid)));
  g_assert_cmpuint (model_cell (f, 0, 4)->probability, ==, 37);
  g_assert_cmpuint (tandem_grid_cell_get_value (TANDEM_GRID_CELL (cell_widget (f, 0, 4)))
                      ->probability, ==, 37);

  bytes = tandem_project_to_data (f->project, &length);
  loaded = tandem_project_new_from_data (bytes, length, &error);
  g_assert_no_error (error);
  pattern_id = tandem_project_get_current_pattern (f->project);
  g_assert_cmpuint (tandem_pattern_get_cell (tandem_project_find_pattern (loaded, pattern_id),
                                             track_id (f, 0), 4)->probability, ==, 37);
  /* One undo step takes it back. */
  g_assert_true (tandem_history_undo (tandem_window_get_history (f->window), NULL));
  g_assert_cmpuint (model_cell (f, 0, 4)->probability, ==, 100);
}

static gboolean
popover_hidden (gpointer data)
{
  return !gtk_widget_get_visible (data);
}

static gboolean
is_labelled_button (GtkWidget     *widget,
                    gconstpointer  label)
{
  return GTK_IS_BUTTON (widget) && g_strcmp0 (gtk_button_get_label (GTK_BUTTON (widget)), label) == 0;
}

/* A melodic step shows its note's name in the key, and its menu has a piano
 * roll of the pitches around it, the key's notes the ones to click. */
static void
test_note_names (Fixture       *f,
                 gconstpointer  data)
{
  TandemHistory *history;
  TandemGridCell *cell;
  GtkWidget *roll, *button;
  g_autofree char *name = NULL;

  if (f->window == NULL)
    return;
  history = tandem_window_get_history (f->window);
  g_assert_true (tandem_history_apply (history,
                                       tandem_op_new_set_string (TANDEM_ENTITY_TRACK,
                                                                 track_id (f, 3), "instrument",
                                                                 "synth"), NULL));
  g_assert_true (tandem_history_apply (history,
                                       tandem_op_new_set_int (TANDEM_ENTITY_PROJECT, NULL,
                                                              "key-root", 2), NULL));
  g_assert_true (tandem_history_apply (history,
                                       tandem_op_new_set_string (TANDEM_ENTITY_PROJECT, NULL,
                                                                 "scale", "major"), NULL));
  focus_on (f, 3, 2);
  g_assert_true (press_key (f, GDK_KEY_Return, 0));
  cell = TANDEM_GRID_CELL (cell_widget (f, 3, 2));
  /* Degree 0 of D major, the synth's octave. */
  name = tandem_grid_cell_dup_note_name (cell);
  g_assert_cmpstr (name, ==, "D3");
  /* Drum tracks name no notes. */
  g_assert_null (tandem_grid_cell_dup_note_name (TANDEM_GRID_CELL (cell_widget (f, 0, 0))));

  g_assert_true (press_key (f, GDK_KEY_Menu, 0));
  roll = _tandem_grid_view_get_piano_roll (f->grid);
  g_assert_nonnull (roll);
  tandem_test_iterate_until (tandem_test_is_mapped, roll);
  /* F#3 is in D major and clickable; G#3 is not. */
  button = tandem_test_find_widget_matching (roll, is_labelled_button, "G#3");
  g_assert_nonnull (button);
  g_assert_false (gtk_widget_get_sensitive (button));
  button = tandem_test_find_widget_matching (roll, is_labelled_button, "F#3");
  g_assert_nonnull (button);
  g_assert_true (gtk_widget_get_sensitive (button));
  g_signal_emit_by_name (button, "clicked");
  g_assert_cmpint (model_cell (f, 3, 2)->note, ==, 2);
  g_clear_pointer (&name, g_free);
  name = tandem_grid_cell_dup_note_name (cell);
  g_assert_cmpstr (name, ==, "F#3");
  g_assert_false (gtk_widget_get_visible (_tandem_grid_view_get_cell_menu (f->grid)));

  /* A key in flats spells in flats. */
  g_assert_true (tandem_history_apply (history,
                                       tandem_op_new_set_int (TANDEM_ENTITY_PROJECT, NULL,
                                                              "key-root", 3), NULL));
  g_clear_pointer (&name, g_free);
  name = tandem_grid_cell_dup_note_name (cell);
  g_assert_cmpstr (name, ==, "G3");   /* degree 2 of E♭ major */
  g_assert_true (tandem_history_apply (history,
                                       tandem_op_new_set_int (TANDEM_ENTITY_PROJECT, NULL,
                                                              "key-root", 10), NULL));
  g_clear_pointer (&name, g_free);
  name = tandem_grid_cell_dup_note_name (cell);
  g_assert_cmpstr (name, ==, "D4");   /* degree 2 of B♭ major */
}

/* Velocity shows its number while it is dragged, and for a moment after a
 * key nudge. */
static void
test_velocity_label (Fixture       *f,
                     gconstpointer  data)
{
  GtkWidget *label;

  if (f->window == NULL)
    return;
  g_assert_cmpuint (model_cell (f, 0, 0)->velocity, ==, 120);
  g_assert_true (_tandem_grid_view_velocity_begin (f->grid, track_id (f, 0), 0));
  label = _tandem_grid_view_get_velocity_label (f->grid);
  g_assert_nonnull (label);
  tandem_test_iterate_until (tandem_test_is_mapped, label);
  g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (label)), ==, "Velocity 120");
  _tandem_grid_view_velocity_update (f->grid, 20);
  g_assert_cmpuint (model_cell (f, 0, 0)->velocity, ==, 110);
  g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (label)), ==, "Velocity 110");
  _tandem_grid_view_velocity_update (f->grid, -400);
  g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (label)), ==, "Velocity 127");
  _tandem_grid_view_velocity_end (f->grid);
  g_assert_false (gtk_widget_get_visible (gtk_widget_get_ancestor (label, GTK_TYPE_POPOVER)));

  focus_on (f, 0, 0);
  g_assert_true (press_key (f, GDK_KEY_Down, GDK_CONTROL_MASK));
  g_assert_true (gtk_widget_get_visible (gtk_widget_get_ancestor (label, GTK_TYPE_POPOVER)));
  g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (label)), ==, "Velocity 119");
  tandem_test_iterate_until (popover_hidden, gtk_widget_get_ancestor (label, GTK_TYPE_POPOVER));
}


int
main (int   argc,
      char *argv[])
{
  g_autofree char *data_home = g_dir_make_tmp ("tandem-grid-keys-XXXXXX", NULL);
  g_autoptr(GFile) data_dir = g_file_new_for_path (data_home);
  int status;

  /* The window's drafts (autosaves of the edits) stay in a data dir of our
   * own, so a test that stops half-way leaves none for another test's window
   * to restore. */
  g_setenv ("XDG_DATA_HOME", data_home, TRUE);
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/grid-keys/" path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("arrows", test_arrows);
  ADD ("arrows-from-grabbed-cell", test_arrows_from_grabbed_cell);
  ADD ("enter-toggles", test_enter_toggles);
  ADD ("space-plays", test_space_plays);
  ADD ("space-in-entry", test_space_in_entry);
  ADD ("velocity-keys", test_velocity_keys);
  ADD ("context-menu-keys", test_context_menu_keys);
  ADD ("probability-saved", test_probability_saved);
  ADD ("note-names", test_note_names);
  ADD ("velocity-label", test_velocity_label);
  ADD ("metronome-toggle", test_metronome_toggle);
  ADD ("shortcuts-window-complete", test_shortcuts_window_complete);
  ADD ("ctrl-w-closes", test_ctrl_w_closes);

#undef ADD

  status = g_test_run ();
  close_shared_window ();
  remove_tree (data_dir);
  return status;
}
