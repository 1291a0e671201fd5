/* test-together.c — several people in one session, each with their own view
 *
 * One app hosts a session from a real window and opens more windows that
 * join it through its invite links, each with its own sync client, over
 * loopback: each window is one person.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "ui-test-utils.h"
#include "tandem-application.h"
#include "tandem-invite.h"
#include "tandem-window-private.h"
#include "tandem-window-views-file.h"

#define HASH_1 "1111111111111111111111111111111111111111111111111111111111111111"
#define HASH_2 "2222222222222222222222222222222222222222222222222222222222222222"

static gboolean
wake_up (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

static gboolean
is_live (gpointer data)
{
  TandemSyncClient *client = tandem_window_get_sync_client (TANDEM_WINDOW (data));

  return client != NULL && tandem_sync_client_get_state (client) == TANDEM_SYNC_STATE_LIVE;
}

static TandemWindow *
host_window (TandemApplication *app)
{
  TandemWindow *window = tandem_test_activate_and_wait (app);
  g_autoptr(GError) error = NULL;

  g_assert_true (tandem_window_host_session (window, 0, &error));
  g_assert_no_error (error);
  tandem_test_iterate_until (is_live, window);
  return window;
}

typedef struct
{
  TandemWindow *window;
  guint         n;
} CountRef;

static gboolean
has_n_people (gpointer data)
{
  CountRef *ref = data;
  TandemSyncClient *client = tandem_window_get_sync_client (ref->window);

  return client != NULL &&
         g_list_model_get_n_items (tandem_sync_client_get_participants (client)) >= ref->n;
}

/* A new window that joins @host's session with the link for @role. */
static TandemWindow *
join_window (TandemApplication *app,
             TandemWindow      *host,
             TandemRole         role)
{
  TandemWindow *window = tandem_window_new (app);
  g_autofree char *link = tandem_session_host_dup_invite (host->host, role);
  g_autoptr(TandemInvite) invite = tandem_invite_parse (link, NULL);
  g_autofree char *local = NULL;
  g_autoptr(GError) error = NULL;
  CountRef seen = { host, g_list_model_get_n_items (
                            tandem_sync_client_get_participants (host->client)) + 1 };

  g_assert_nonnull (invite);
  g_free (invite->host);
  invite->host = g_strdup ("127.0.0.1");
  local = tandem_invite_to_link (invite);
  gtk_window_present (GTK_WINDOW (window));
  g_assert_true (tandem_window_join_session (window, local, &error));
  g_assert_no_error (error);
  tandem_test_iterate_until (is_live, window);
  tandem_test_iterate_until (has_n_people, &seen);
  return window;
}

/* @window's view of the person whose client is @who's. */
static TandemParticipant *
seen_by (TandemWindow *window,
         TandemWindow *who)
{
  GListModel *list = tandem_sync_client_get_participants (window->client);
  const char *id = tandem_sync_client_get_client_id (who->client);

  for (guint i = 0; i < g_list_model_get_n_items (list); i++)
    {
      g_autoptr(TandemParticipant) p = g_list_model_get_item (list, i);

      if (g_strcmp0 (tandem_participant_get_client_id (p), id) == 0)
        return p;
    }
  return NULL;
}

static guint
row_of (TandemWindow *window,
        TandemWindow *who)
{
  GListModel *list = tandem_sync_client_get_participants (window->client);
  TandemParticipant *p = seen_by (window, who);

  for (guint i = 0; i < g_list_model_get_n_items (list); i++)
    {
      g_autoptr(TandemParticipant) item = g_list_model_get_item (list, i);

      if (item == p)
        return i;
    }
  g_assert_not_reached ();
}

static const char *
shown_pattern (TandemWindow *window)
{
  return tandem_pattern_bar_get_pattern_id (window->pattern_bar);
}

static TandemTrack *
first_track (TandemWindow *window)
{
  return tandem_test_track_at (tandem_window_get_project (window), 0);
}

static guint8
velocity (TandemWindow *window,
          const char   *pattern_id,
          guint         step)
{
  TandemPattern *pattern = tandem_project_find_pattern (tandem_window_get_project (window),
                                                        pattern_id);

  return tandem_pattern_get_cell (pattern, tandem_track_get_id (first_track (window)),
                                  step)->velocity;
}

static void
toggle (TandemWindow *window,
        guint         step)
{
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window->grid_view), "grid.toggle-cell",
                                             "(si)", tandem_track_get_id (first_track (window)),
                                             (int) step));
}

typedef struct
{
  TandemWindow *window;
  const char   *pattern_id;
  guint         step;
} CellRef;

static gboolean
cell_on (gpointer data)
{
  CellRef *ref = data;

  return tandem_project_find_pattern (tandem_window_get_project (ref->window),
                                      ref->pattern_id) != NULL &&
         velocity (ref->window, ref->pattern_id, ref->step) > 0;
}

typedef struct
{
  TandemWindow *window;
  TandemWindow *who;
  const char   *pattern;
  const char   *page;
} ViewRef;

static gboolean
view_seen (gpointer data)
{
  ViewRef *ref = data;
  TandemParticipant *p = seen_by (ref->window, ref->who);

  return p != NULL &&
         (ref->pattern == NULL ||
          g_strcmp0 (tandem_participant_get_view_pattern (p), ref->pattern) == 0) &&
         (ref->page == NULL || g_strcmp0 (tandem_participant_get_view_page (p), ref->page) == 0);
}

typedef struct
{
  TandemWindow *window;
  const char   *page;
} PageRef;

static gboolean
on_page (gpointer data)
{
  PageRef *ref = data;

  return g_strcmp0 (adw_view_stack_get_visible_child_name (ref->window->view_stack),
                    ref->page) == 0;
}

static gboolean
has_pattern (gpointer data)
{
  CellRef *ref = data;

  return tandem_project_find_pattern (tandem_window_get_project (ref->window),
                                      ref->pattern_id) != NULL;
}

/* Runs what the window's own shortcut for @keyval with @mods does, as that
 * key pressed anywhere in the window would (its controller takes the key in
 * the capture phase, before any focused widget). */
static void
press_window_shortcut_trigger (TandemWindow       *window,
                               GtkShortcutTrigger *trigger)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (GTK_WIDGET (window));
  g_autoptr(GtkShortcutTrigger) wanted = trigger;

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GObject) controller = g_list_model_get_item (controllers, i);

      if (!GTK_IS_SHORTCUT_CONTROLLER (controller))
        continue;
      for (guint j = 0; j < g_list_model_get_n_items (G_LIST_MODEL (controller)); j++)
        {
          g_autoptr(GtkShortcut) shortcut = g_list_model_get_item (G_LIST_MODEL (controller), j);

          if (gtk_shortcut_trigger_equal (gtk_shortcut_get_trigger (shortcut), wanted))
            {
              g_assert_true (gtk_shortcut_action_activate (gtk_shortcut_get_action (shortcut), 0,
                                                           GTK_WIDGET (window), NULL));
              return;
            }
        }
    }
  g_assert_not_reached ();
}

static void
press_window_shortcut (TandemWindow    *window,
                       guint            keyval,
                       GdkModifierType  mods)
{
  press_window_shortcut_trigger (window, gtk_keyval_trigger_new (keyval, mods));
}

typedef struct
{
  GtkListBoxRow *row;
  const char    *text;
} SubtitleRef;

static gboolean
subtitle_has (gpointer data)
{
  SubtitleRef *ref = data;

  return strstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (ref->row)), ref->text) != NULL;
}

/* Two people on two patterns edit both without moving each other's grid;
 * one follows the other's view until they choose a pattern themselves. */
static void
test_own_patterns_and_follow (void)
{
  g_autoptr(TandemApplication) app = tandem_test_start_app ();
  TandemWindow *ada = host_window (app);
  TandemWindow *ben = join_window (app, ada, TANDEM_ROLE_EDITOR);
  g_autofree char *first = g_strdup (shown_pattern (ada));
  g_autofree char *playing = g_strdup (tandem_project_get_current_pattern (ada->project));
  g_autofree char *second = NULL;
  GtkListBoxRow *row;
  CellRef cell;
  ViewRef view;
  PageRef page;
  SubtitleRef subtitle;
  guint off = 1;
  guint8 before;

  g_assert_cmpstr (shown_pattern (ben), ==, first);

  /* Ada makes a pattern: her grid moves to it, Ben's stays, nothing else plays. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (ada->pattern_bar), "pattern.new", NULL));
  second = g_strdup (shown_pattern (ada));
  g_assert_cmpstr (second, !=, first);
  g_assert_true (tandem_grid_view_get_pattern (ada->grid_view) ==
                 tandem_project_find_pattern (ada->project, second));
  cell = (CellRef) { ben, second, 0 };
  tandem_test_iterate_until (has_pattern, &cell);
  g_assert_cmpstr (shown_pattern (ben), ==, first);
  g_assert_cmpstr (tandem_project_get_current_pattern (ada->project), ==, playing);
  g_assert_cmpstr (tandem_project_get_current_pattern (ben->project), ==, playing);

  /* Each edits their own pattern; each sees the other's edit where it was made. */
  while (velocity (ada, first, off) > 0)
    off++;
  before = velocity (ada, first, 0);
  toggle (ada, 0);
  toggle (ben, off);
  cell = (CellRef) { ben, second, 0 };
  tandem_test_iterate_until (cell_on, &cell);
  cell = (CellRef) { ada, first, off };
  tandem_test_iterate_until (cell_on, &cell);
  g_assert_cmpuint (velocity (ada, first, 0), ==, before);
  g_assert_cmpuint (velocity (ben, second, off), ==, 0);
  g_assert_cmpstr (shown_pattern (ada), ==, second);
  g_assert_cmpstr (shown_pattern (ben), ==, first);

  /* Presence says where Ada is; Ben follows her there. */
  view = (ViewRef) { ben, ada, second, "grid" };
  tandem_test_iterate_until (view_seen, &view);
  row = tandem_participants_popover_get_row (ben->participants_popover, row_of (ben, ada));
  g_assert_nonnull (row);
  g_assert_nonnull (strstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)), "on Pattern"));
  g_assert_nonnull (strstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)), "Grid"));
  /* Renamed, the pattern is named anew where people are. */
  g_assert_true (tandem_history_apply (ada->history,
                                       tandem_op_new_set_string (TANDEM_ENTITY_PATTERN, second,
                                                                 "name", "Chorus"),
                                       NULL));
  subtitle = (SubtitleRef) { row, "on Chorus" };
  tandem_test_iterate_until (subtitle_has, &subtitle);
  /* The list opens as people see it (Ctrl+Shift+P opens it too); a click
   * there follows and closes it. */
  press_window_shortcut (ben, GDK_KEY_p, GDK_CONTROL_MASK | GDK_SHIFT_MASK);
  tandem_test_iterate_until (tandem_test_is_mapped, row);
  gtk_widget_activate (GTK_WIDGET (row));
  g_assert_cmpstr (shown_pattern (ben), ==, second);
  g_assert_true (gtk_revealer_get_reveal_child (ben->follow_bar));
  g_assert_nonnull (strstr (gtk_label_get_text (ben->follow_label), "Following"));

  adw_view_stack_set_visible_child_name (ada->view_stack, "mixer");
  page = (PageRef) { ben, "mixer" };
  tandem_test_iterate_until (on_page, &page);
  g_assert_true (gtk_revealer_get_reveal_child (ben->follow_bar));

  /* Ben picks a pattern himself: following ends, Ada no longer moves him. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (ben->pattern_bar), "pattern.select", "s",
                                             first));
  g_assert_cmpstr (shown_pattern (ben), ==, first);
  g_assert_false (gtk_revealer_get_reveal_child (ben->follow_bar));
  adw_view_stack_set_visible_child_name (ada->view_stack, "song");
  view = (ViewRef) { ben, ada, NULL, "song" };
  tandem_test_iterate_until (view_seen, &view);
  g_assert_cmpstr (adw_view_stack_get_visible_child_name (ben->view_stack), ==, "mixer");
  g_assert_nonnull (strstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)), "Song"));

  /* Following, then an edit of one's own, ends following too. */
  gtk_widget_activate (GTK_WIDGET (row));
  g_assert_true (gtk_revealer_get_reveal_child (ben->follow_bar));
  toggle (ben, 2);
  g_assert_false (gtk_revealer_get_reveal_child (ben->follow_bar));

  tandem_test_destroy_window (GTK_WIDGET (ben));
  tandem_test_destroy_window (GTK_WIDGET (ada));
}

typedef struct
{
  TandemWindow *window;
  TandemWindow *who;
  const char   *name;
} NameRef;

static gboolean
colors_given (gpointer data)
{
  TandemWindow **w = data;
  TandemParticipant *ada_seen = seen_by (w[1], w[0]);
  TandemParticipant *ben_seen = seen_by (w[0], w[1]);

  return ada_seen != NULL && ben_seen != NULL &&
         g_strcmp0 (tandem_participant_get_color (ada_seen),
                    tandem_sync_client_get_color (w[0]->client)) == 0 &&
         g_strcmp0 (tandem_participant_get_color (ben_seen),
                    tandem_sync_client_get_color (w[1]->client)) == 0 &&
         g_strcmp0 (tandem_sync_client_get_color (w[0]->client),
                    tandem_sync_client_get_color (w[1]->client)) != 0;
}

/* Both asked for #9141ac: one has it, the other another, and each sees so. */
static gboolean
wish_granted_once (gpointer data)
{
  TandemWindow **w = data;

  return colors_given (data) &&
         (g_strcmp0 (tandem_sync_client_get_color (w[0]->client), "#9141ac") == 0 ||
          g_strcmp0 (tandem_sync_client_get_color (w[1]->client), "#9141ac") == 0);
}

static gboolean
name_seen (gpointer data)
{
  NameRef *ref = data;
  TandemParticipant *p = seen_by (ref->window, ref->who);

  return p != NULL && g_strcmp0 (tandem_participant_get_name (p), ref->name) == 0;
}

/* Two people of the same name and colour still get two colours; a name
 * changed in Preferences reaches everyone, and whoever joins later. */
static void
test_names_and_colors (void)
{
  g_autoptr(TandemApplication) app = tandem_test_start_app ();
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  TandemWindow *ada, *ben, *cleo;
  TandemWindow *pair[2];
  NameRef name;

  /* Both windows read the same settings: the same name, the same colour. */
  g_settings_set_string (settings, "display-name", "Sam");
  g_settings_set_string (settings, "display-color", "#e01b24");
  ada = host_window (app);
  ben = join_window (app, ada, TANDEM_ROLE_EDITOR);
  pair[0] = ada;
  pair[1] = ben;
  tandem_test_iterate_until (colors_given, pair);
  g_assert_cmpstr (tandem_participant_get_name (seen_by (ben, ada)), ==, "Sam");
  g_assert_cmpstr (tandem_sync_client_get_color (ada->client), ==, "#e01b24");

  g_settings_set_string (settings, "display-name", "Ada Lovelace");
  name = (NameRef) { ben, ada, "Ada Lovelace" };
  tandem_test_iterate_until (name_seen, &name);
  g_assert_nonnull (strstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (
                      tandem_participants_popover_get_own_row (ada->participants_popover))),
                    "Ada Lovelace"));

  /* A colour chosen in Preferences reaches the others; still no two alike. */
  g_settings_set_string (settings, "display-color", "#9141ac");
  tandem_test_iterate_until (wish_granted_once, pair);

  cleo = join_window (app, ada, TANDEM_ROLE_EDITOR);
  name = (NameRef) { cleo, ada, "Ada Lovelace" };
  tandem_test_iterate_until (name_seen, &name);
  g_assert_cmpstr (tandem_participant_get_color (seen_by (cleo, ada)), !=,
                   tandem_participant_get_color (seen_by (cleo, ben)));
  g_assert_cmpstr (tandem_sync_client_get_color (cleo->client), !=,
                   tandem_participant_get_color (seen_by (cleo, ben)));

  g_settings_reset (settings, "display-name");
  g_settings_reset (settings, "display-color");
  tandem_test_destroy_window (GTK_WIDGET (cleo));
  tandem_test_destroy_window (GTK_WIDGET (ben));
  tandem_test_destroy_window (GTK_WIDGET (ada));
}

typedef struct
{
  TandemWindow *window;
  const char   *role;
} RoleRef;

static gboolean
has_role (gpointer data)
{
  RoleRef *ref = data;

  return g_strcmp0 (tandem_sync_client_get_role (ref->window->client), ref->role) == 0;
}

static void
assert_listening (TandemWindow *window,
                  gboolean      listening)
{
  GtkWidget *editors[] = {
    GTK_WIDGET (window->grid_view), GTK_WIDGET (window->pattern_bar),
    GTK_WIDGET (window->mixer_page), GTK_WIDGET (window->song_page),
    GTK_WIDGET (window->transport_bar), GTK_WIDGET (window->chord_lane),
  };

  for (guint i = 0; i < G_N_ELEMENTS (editors); i++)
    g_assert_true (gtk_widget_is_sensitive (editors[i]) == !listening);
  g_assert_true (gtk_widget_is_sensitive (GTK_WIDGET (window->play_button)) == !listening);
  g_assert_true (gtk_revealer_get_reveal_child (window->listener_banner) == listening);
}

static void
click_role_button (TandemWindow *owner,
                   TandemWindow *who,
                   const char   *tooltip)
{
  GtkListBoxRow *row = tandem_participants_popover_get_row (owner->participants_popover,
                                                           row_of (owner, who));
  GtkWidget *button = tandem_test_find_widget (GTK_WIDGET (row), GTK_TYPE_BUTTON, tooltip);

  g_assert_nonnull (button);
  g_assert_true (gtk_widget_get_visible (button));
  g_signal_emit_by_name (button, "clicked");
}

typedef struct
{
  TandemWindow *window;
  const char   *text;
} ToastRef;

static gboolean shows_toast (gpointer data);

static gboolean
no_listening_toast (gpointer data)
{
  return TANDEM_WINDOW (data)->listening_toast == NULL;
}

static gboolean
shows_no_toast (gpointer data)
{
  return !shows_toast (data);
}


/* A listener's window edits nothing and says why; the owner lets them edit
 * from the participants list, and takes it back. */
static void
test_listener_and_roles (void)
{
  g_autoptr(TandemApplication) app = tandem_test_start_app ();
  TandemWindow *ada = host_window (app);
  TandemWindow *lis = join_window (app, ada, TANDEM_ROLE_VIEWER);
  RoleRef role;
  CellRef cell;
  ToastRef toast;
  guint off = 0;

  g_assert_cmpstr (tandem_sync_client_get_role (lis->client), ==, "viewer");
  assert_listening (lis, TRUE);
  assert_listening (ada, FALSE);
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (lis)));

  click_role_button (ada, lis, "Let Them Edit");
  role = (RoleRef) { lis, "editor" };
  tandem_test_iterate_until (has_role, &role);
  assert_listening (lis, FALSE);
  toast = (ToastRef) { lis, "lets you edit" };
  tandem_test_iterate_until (shows_toast, &toast);
  while (velocity (lis, shown_pattern (lis), off) > 0)
    off++;
  toggle (lis, off);
  cell = (CellRef) { ada, shown_pattern (lis), off };
  tandem_test_iterate_until (cell_on, &cell);

  click_role_button (ada, lis, "Make Them Listen");
  role = (RoleRef) { lis, "viewer" };
  tandem_test_iterate_until (has_role, &role);
  assert_listening (lis, TRUE);
  toast = (ToastRef) { lis, "made you a listener" };
  tandem_test_iterate_until (shows_toast, &toast);

  /* Their own edit is still in their history, but Ctrl+Z as a listener
   * changes nothing, sends nothing and says why. */
  g_assert_true (tandem_history_can_undo (lis->history));
  press_window_shortcut (lis, GDK_KEY_z, GDK_CONTROL_MASK);
  press_window_shortcut (lis, GDK_KEY_z, GDK_CONTROL_MASK | GDK_SHIFT_MASK);
  g_assert_cmpuint (tandem_sync_client_get_n_pending (lis->client), ==, 0);
  g_assert_cmpuint (velocity (lis, shown_pattern (lis), off), >, 0);
  toast = (ToastRef) { lis, "You are listening" };
  tandem_test_iterate_until (shows_toast, &toast);
  /* Nor from a menu or a button. */
  gtk_widget_activate_action (GTK_WIDGET (lis), "win.undo", NULL);
  g_assert_true (tandem_history_can_undo (lis->history));
  g_assert_cmpuint (tandem_sync_client_get_n_pending (lis->client), ==, 0);
  g_assert_cmpuint (velocity (lis, shown_pattern (lis), off), >, 0);
  g_assert_cmpuint (velocity (ada, shown_pattern (lis), off), >, 0);

  /* Space does not start the session's beat for them either; it says why. */
  tandem_test_iterate_until (no_listening_toast, lis);
  tandem_test_iterate_until (shows_no_toast, &toast);
  press_window_shortcut_trigger (lis, gtk_alternative_trigger_new (
                                        gtk_keyval_trigger_new (GDK_KEY_space, 0),
                                        gtk_keyval_trigger_new (GDK_KEY_KP_Space, 0)));
  toast = (ToastRef) { lis, "You are listening" };
  tandem_test_iterate_until (shows_toast, &toast);
  g_assert_false (tandem_project_get_playing (lis->project));
  g_assert_cmpuint (tandem_sync_client_get_n_pending (lis->client), ==, 0);

  tandem_test_destroy_window (GTK_WIDGET (lis));
  tandem_test_destroy_window (GTK_WIDGET (ada));
}

static gboolean
label_contains (GtkWidget     *widget,
                gconstpointer  data)
{
  return GTK_IS_LABEL (widget) && strstr (gtk_label_get_label (GTK_LABEL (widget)), data) != NULL;
}

static gboolean
shows_toast (gpointer data)
{
  ToastRef *ref = data;

  return tandem_test_find_widget_matching (GTK_WIDGET (ref->window->toast_overlay),
                                           label_contains, ref->text) != NULL;
}

typedef struct
{
  TandemWindow *window;
  double        volume;
} VolumeRef;

static gboolean
has_volume (gpointer data)
{
  VolumeRef *ref = data;

  return tandem_track_get_volume (first_track (ref->window)) == ref->volume;
}

static void
set_volume (TandemWindow *window,
            double        volume)
{
  const char *track_id = tandem_track_get_id (first_track (window));
  g_autoptr(GError) error = NULL;

  g_assert_true (tandem_history_apply (window->history,
                                       tandem_op_new_set_double (TANDEM_ENTITY_TRACK, track_id,
                                                                 "volume", volume),
                                       &error));
  g_assert_no_error (error);
}

/* Registers a sample of @hash (no audio behind it: only who did what matters
 * here) and plays it on the first track. */
static void
use_sample (TandemWindow *window,
            const char   *hash)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *instrument = g_strconcat ("sample:", hash, NULL);
  TandemOp *batch = tandem_op_new_batch ();

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "id");
  json_builder_add_string_value (b, hash);
  json_builder_set_member_name (b, "name");
  json_builder_add_string_value (b, "Hit");
  json_builder_set_member_name (b, "format");
  json_builder_add_string_value (b, "wav");
  json_builder_end_object (b);
  tandem_op_batch_add (batch, tandem_op_new_insert (TANDEM_ENTITY_SAMPLE, -1,
                                                    json_builder_get_root (b)));
  tandem_op_batch_add (batch, tandem_op_new_set_string (TANDEM_ENTITY_TRACK,
                                                        tandem_track_get_id (first_track (window)),
                                                        "instrument", instrument));
  g_assert_true (tandem_history_apply (window->history, batch, &error));
  g_assert_no_error (error);
}

typedef struct
{
  TandemWindow *window;
  const char   *instrument;
} InstrumentRef;

static gboolean
has_instrument (gpointer data)
{
  InstrumentRef *ref = data;

  return g_strcmp0 (tandem_track_get_instrument (first_track (ref->window)),
                    ref->instrument) == 0;
}

static gboolean
pattern_gone (gpointer data)
{
  return !has_pattern (data);
}

/* A delete by someone else names them; their undo still works for them;
 * an undo that would overwrite someone's newer edit keeps it and says so. */
static void
test_others_edits (void)
{
  g_autoptr(TandemApplication) app = tandem_test_start_app ();
  TandemWindow *ada = host_window (app);
  TandemWindow *ben = join_window (app, ada, TANDEM_ROLE_EDITOR);
  g_autoptr(GError) error = NULL;
  g_autofree char *doomed = NULL;
  g_autofree char *doomed_name = NULL;
  g_autofree char *expected = NULL;
  NameRef name;
  CellRef cell;
  ToastRef toast;
  VolumeRef volume;
  InstrumentRef instrument;

  tandem_sync_client_set_display_name (ada->client, "Ada");
  tandem_sync_client_set_display_name (ben->client, "Ben");
  name = (NameRef) { ben, ada, "Ada" };
  tandem_test_iterate_until (name_seen, &name);
  name = (NameRef) { ada, ben, "Ben" };
  tandem_test_iterate_until (name_seen, &name);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (ada->pattern_bar), "pattern.new", NULL));
  doomed = g_strdup (shown_pattern (ada));
  doomed_name = g_strdup (tandem_pattern_get_name (tandem_project_find_pattern (ada->project,
                                                                                doomed)));
  cell = (CellRef) { ben, doomed, 0 };
  tandem_test_iterate_until (has_pattern, &cell);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (ada->pattern_bar), "pattern.delete",
                                             NULL));
  tandem_test_iterate_until (pattern_gone, &cell);
  expected = g_strdup_printf ("Ada deleted %s", doomed_name);
  toast = (ToastRef) { ben, expected };
  tandem_test_iterate_until (shows_toast, &toast);

  /* Her undo brings it back, for everyone. */
  g_assert_true (tandem_history_undo (ada->history, &error));
  g_assert_no_error (error);
  tandem_test_iterate_until (has_pattern, &cell);

  /* Ada sets the volume, Ben sets it after her: her undo keeps his. */
  set_volume (ada, -3.0);
  volume = (VolumeRef) { ben, -3.0 };
  tandem_test_iterate_until (has_volume, &volume);
  set_volume (ben, -6.0);
  volume = (VolumeRef) { ada, -6.0 };
  tandem_test_iterate_until (has_volume, &volume);
  g_clear_pointer (&expected, g_free);
  expected = g_strdup_printf ("Kept Ben’s newer change to %s volume",
                              tandem_track_get_name (first_track (ada)));
  g_assert_false (tandem_history_undo (ada->history, &error));
  g_assert_nonnull (error);
  g_assert_cmpstr (error->message, ==, expected);
  g_clear_error (&error);
  g_assert_cmpfloat (tandem_track_get_volume (first_track (ada)), ==, -6.0);

  /* Ben's own undo is his to make. */
  g_assert_true (tandem_history_undo (ben->history, &error));
  g_assert_no_error (error);
  volume = (VolumeRef) { ada, -3.0 };
  tandem_test_iterate_until (has_volume, &volume);

  /* Ben replaces the sample Ada put on the track: she is told. */
  use_sample (ada, HASH_1);
  instrument = (InstrumentRef) { ben, "sample:" HASH_1 };
  tandem_test_iterate_until (has_instrument, &instrument);
  use_sample (ben, HASH_2);
  g_clear_pointer (&expected, g_free);
  expected = g_strdup_printf ("Ben replaced the sample of %s",
                              tandem_track_get_name (first_track (ada)));
  toast = (ToastRef) { ada, expected };
  tandem_test_iterate_until (shows_toast, &toast);

  tandem_test_destroy_window (GTK_WIDGET (ben));
  tandem_test_destroy_window (GTK_WIDGET (ada));
}

static gboolean
views_written (gpointer data)
{
  g_autofree char *path = g_build_filename (g_get_user_data_dir (), "tandem", "views.ini", NULL);

  return g_file_test (path, G_FILE_TEST_EXISTS);
}

/* Leaving a session and coming back, in a new window, shows the pattern and
 * page that person had there, not the one that plays. */
static void
test_view_remembered_in_session (void)
{
  g_autoptr(TandemApplication) app = tandem_test_start_app ();
  TandemWindow *ada = host_window (app);
  TandemWindow *ben = join_window (app, ada, TANDEM_ROLE_EDITOR);
  g_autofree char *first = g_strdup (shown_pattern (ada));
  g_autofree char *second = NULL;
  CellRef cell;
  PageRef page;

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (ada->pattern_bar), "pattern.new", NULL));
  second = g_strdup (shown_pattern (ada));
  cell = (CellRef) { ben, second, 0 };
  tandem_test_iterate_until (has_pattern, &cell);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (ben->pattern_bar), "pattern.select", "s",
                                             second));
  adw_view_stack_set_visible_child_name (ben->view_stack, "mixer");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (ben), "win.leave", NULL));
  tandem_test_destroy_window (GTK_WIDGET (ben));
  /* Kept on disk too, and without a link or path in it. */
  tandem_test_iterate_until (views_written, NULL);

  ben = join_window (app, ada, TANDEM_ROLE_EDITOR);
  page = (PageRef) { ben, "mixer" };
  tandem_test_iterate_until (on_page, &page);
  g_assert_cmpstr (shown_pattern (ben), ==, second);
  g_assert_cmpstr (tandem_project_get_current_pattern (ben->project), ==,
                   tandem_project_get_current_pattern (ada->project));
  g_assert_cmpstr (shown_pattern (ada), ==, second);
  g_assert_cmpstr (first, !=, second);

  tandem_test_destroy_window (GTK_WIDGET (ben));
  tandem_test_destroy_window (GTK_WIDGET (ada));
}

/* Reopening a project shows the pattern and page last shown with it, even
 * when that was not saved; that is no edit of the project. */
static void
test_view_remembered_in_file (void)
{
  g_autoptr(TandemApplication) app = tandem_test_start_app ();
  TandemWindow *window = tandem_test_activate_and_wait (app);
  g_autofree char *dir = g_dir_make_tmp ("tandem-views-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "song.tandem", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;
  g_autofree char *first = g_strdup (shown_pattern (window));
  g_autofree char *second = NULL;
  g_autofree char *views = NULL;
  g_autofree char *views_path = NULL;

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window->pattern_bar), "pattern.new",
                                             NULL));
  second = g_strdup (shown_pattern (window));
  g_assert_true (tandem_window_save_to_file (window, file, &error));
  g_assert_no_error (error);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window->pattern_bar), "pattern.select",
                                             "s", first));
  adw_view_stack_set_visible_child_name (window->view_stack, "song");
  tandem_test_destroy_window (GTK_WIDGET (window));

  window = tandem_window_new (app);
  gtk_window_present (GTK_WINDOW (window));
  adw_view_stack_set_visible_child_name (window->view_stack, "grid");
  tandem_window_open_file (window, file);
  g_assert_cmpstr (shown_pattern (window), ==, first);
  g_assert_cmpstr (adw_view_stack_get_visible_child_name (window->view_stack), ==, "song");
  g_assert_false (window->modified);

  /* A file of its own: the same project elsewhere has its own view. */
  tandem_test_destroy_window (GTK_WIDGET (window));
  tandem_test_iterate_until (views_written, NULL);
  views_path = g_build_filename (g_get_user_data_dir (), "tandem", "views.ini", NULL);
  g_assert_true (g_file_get_contents (views_path, &views, NULL, NULL));
  g_assert_null (strstr (views, "song.tandem"));
  g_assert_nonnull (strstr (views, first));

  g_unlink (path);
  g_rmdir (dir);
}

/* What a views file can hold, and what is set aside. */
static void
test_views_file_bounds (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GKeyFile) file = NULL;
  g_auto(GStrv) groups = NULL;
  g_autoptr(GString) many = g_string_new (NULL);
  g_autofree char *big = g_strnfill (300 * 1024, 'x');
  const char *mixed =
    "[" "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef" "]\n"
    "pattern=p1\npage=mixer\nused=5\n"
    "[not-a-hash]\npattern=p1\npage=grid\n"
    "[" "1123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef" "]\n"
    "pattern=p1\npage=../../etc\n";

  file = tandem_views_file_parse (mixed, strlen (mixed), &error);
  g_assert_no_error (error);
  groups = g_key_file_get_groups (file, NULL);
  g_assert_cmpuint (g_strv_length (groups), ==, 1);
  g_clear_pointer (&file, g_key_file_unref);

  file = tandem_views_file_parse (big, strlen (big), &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_MESSAGE_TOO_LARGE);
  g_assert_null (file);
  g_clear_error (&error);

  for (guint i = 0; i < 201; i++)
    g_string_append_printf (many, "[%064x]\npattern=p\npage=grid\n", i);
  file = tandem_views_file_parse (many->str, many->len, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
  g_assert_null (file);
  g_clear_error (&error);

  file = tandem_views_file_parse ("\x01[", 2, &error);
  g_assert_nonnull (error);
  g_assert_null (file);
}

int
main (int    argc,
      char **argv)
{
  tandem_test_use_fresh_data_home ();
  g_test_init (&argc, &argv, NULL);
  tandem_test_init_gtk ();
  g_timeout_add (50, wake_up, NULL);

  g_test_add_func ("/ui/together/own-patterns-and-follow", test_own_patterns_and_follow);
  g_test_add_func ("/ui/together/names-and-colors", test_names_and_colors);
  g_test_add_func ("/ui/together/listener-and-roles", test_listener_and_roles);
  g_test_add_func ("/ui/together/others-edits", test_others_edits);
  g_test_add_func ("/ui/together/view-remembered-in-session", test_view_remembered_in_session);
  g_test_add_func ("/ui/together/view-remembered-in-file", test_view_remembered_in_file);
  g_test_add_func ("/ui/together/views-file-bounds", test_views_file_bounds);

  return g_test_run ();
}
