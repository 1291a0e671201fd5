/* test-knock-ui.c — joining a nearby session: the host is asked to let you in
 *
 * One app hosts a session from a real window; other windows of it open the
 * Join dialog and pick the session from "Nearby Sessions", found through a
 * real avahi-daemon (the test runs under tests/sync/discovery-env.sh). The
 * host's window asks, the test answers as the host would.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <adwaita.h>
#include <string.h>

#include "ui-test-utils.h"
#include "tandem-join-dialog.h"
#include "tandem-lan-browser.h"
#include "tandem-window-private.h"

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

/* A window hosting its project, named @name, as "Ada". */
static TandemWindow *
host_window (TandemApplication *app,
             const char        *name)
{
  TandemWindow *window = tandem_test_activate_and_wait (app);
  g_autoptr(GError) error = NULL;

  g_settings_set_string (window->settings, "display-name", "Ada");
  tandem_test_remote_apply (window->project,
                            tandem_op_new_set_string (TANDEM_ENTITY_PROJECT, NULL, "name", name));
  tandem_test_remote_apply (window->project,
                            tandem_op_new_set_double (TANDEM_ENTITY_PROJECT, NULL, "tempo", 97));
  g_assert_true (tandem_window_host_session (window, 0, &error));
  g_assert_no_error (error);
  tandem_test_iterate_until (is_live, window);
  return window;
}

static TandemJoinDialog *
find_join_dialog (TandemWindow *parent)
{
  g_autoptr(GList) toplevels = gtk_window_list_toplevels ();

  for (GList *l = toplevels; l != NULL; l = l->next)
    if (TANDEM_IS_JOIN_DIALOG (l->data)
        && gtk_window_get_transient_for (l->data) == GTK_WINDOW (parent))
      return l->data;
  return NULL;
}

static gboolean
is_nearby_row_of (GtkWidget     *widget,
                  gconstpointer  data)
{
  TandemLanSession *session = g_object_get_data (G_OBJECT (widget), "tandem-lan-session");

  return session != NULL && g_strcmp0 (tandem_lan_session_get_session_id (session), data) == 0;
}

typedef struct
{
  TandemJoinDialog *dialog;
  TandemWindow     *host;
} RowRef;

static GtkWidget *
find_row (RowRef *ref)
{
  return tandem_test_find_widget_matching (GTK_WIDGET (ref->dialog), is_nearby_row_of,
                                           tandem_session_host_get_session_id (ref->host->host));
}

static gboolean
row_is_listed (gpointer data)
{
  return find_row (data) != NULL;
}

/* @guest opens Join, types @name as theirs and picks @host's session from
 * the nearby ones; returns the dialog, which now asks the host. */
static TandemJoinDialog *
knock (TandemWindow *guest,
       TandemWindow *host,
       const char   *name)
{
  TandemJoinDialog *dialog;
  GtkEditable *name_row;
  GtkWidget *row;
  RowRef ref;

  gtk_widget_activate_action (GTK_WIDGET (guest), "win.join", NULL);
  dialog = find_join_dialog (guest);
  g_assert_nonnull (dialog);
  tandem_test_iterate_until (tandem_test_is_mapped, dialog);
  name_row = g_object_get_data (G_OBJECT (dialog), "name-row");
  gtk_editable_set_text (name_row, name);

  ref = (RowRef) { dialog, host };
  tandem_test_iterate_until (row_is_listed, &ref);
  row = find_row (&ref);
  g_signal_emit_by_name (gtk_widget_get_parent (row), "row-activated", row);
  g_assert_true (tandem_join_dialog_is_knocking (dialog));
  return dialog;
}

static gboolean
label_contains (GtkWidget     *widget,
                gconstpointer  data)
{
  return GTK_IS_LABEL (widget) && gtk_widget_is_visible (widget)
         && strstr (gtk_label_get_label (GTK_LABEL (widget)), data) != NULL;
}

typedef struct
{
  TandemWindow *host;
  const char   *heading;   /* NULL: any */
} PromptRef;

/* The prompts open over @host, as the person at it sees them. */
static GPtrArray *
prompts_of (TandemWindow *host)
{
  g_autoptr(GList) toplevels = gtk_window_list_toplevels ();
  GPtrArray *prompts = g_ptr_array_new ();

  for (GList *l = toplevels; l != NULL; l = l->next)
    if (ADW_IS_MESSAGE_DIALOG (l->data) && !TANDEM_IS_JOIN_DIALOG (l->data)
        && gtk_window_get_transient_for (l->data) == GTK_WINDOW (host)
        && gtk_widget_get_visible (l->data)
        && strstr (adw_message_dialog_get_heading (l->data), "wants to join") != NULL)
      g_ptr_array_add (prompts, l->data);
  return prompts;
}

static gboolean
prompt_is_up (gpointer data)
{
  PromptRef *ref = data;
  g_autoptr(GPtrArray) prompts = prompts_of (ref->host);

  return prompts->len == 1
         && (ref->heading == NULL
             || g_strcmp0 (adw_message_dialog_get_heading (prompts->pdata[0]), ref->heading) == 0);
}

static gboolean
no_prompt (gpointer data)
{
  g_autoptr(GPtrArray) prompts = prompts_of (data);

  return prompts->len == 0;
}

/* Waits for one prompt (headed @heading unless NULL) and returns it. */
static AdwMessageDialog *
wait_prompt (TandemWindow *host,
             const char   *heading)
{
  PromptRef ref = { host, heading };
  g_autoptr(GPtrArray) prompts = NULL;

  tandem_test_iterate_until (prompt_is_up, &ref);
  prompts = prompts_of (host);
  return prompts->pdata[0];
}

static gboolean
is_button_labelled (GtkWidget     *widget,
                    gconstpointer  data)
{
  return GTK_IS_BUTTON (widget) && gtk_button_get_label (GTK_BUTTON (widget)) != NULL
         && tandem_test_label_is (gtk_button_get_label (GTK_BUTTON (widget)), data);
}

/* Clicks the button labelled @label in @root. */
static void
click (GtkWidget  *root,
       const char *label)
{
  GtkWidget *button = tandem_test_find_widget_matching (root, is_button_labelled, label);

  g_assert_nonnull (button);
  g_signal_emit_by_name (button, "clicked");
}

static gboolean
is_destroyed (gpointer data)
{
  return *(gpointer *) data == NULL;
}

static gboolean
stopped_knocking (gpointer data)
{
  return !tandem_join_dialog_is_knocking (data);
}

/* Allowed as a listener, the guest joins as a viewer and has the host's
 * project. */
static void
test_allow_as_listener (void)
{
  g_autoptr(TandemApplication) app = tandem_test_start_app ();
  TandemWindow *ada = host_window (app, "Jam one");
  TandemWindow *bob = tandem_window_new (app);
  TandemJoinDialog *dialog;
  AdwMessageDialog *prompt;

  gtk_window_present (GTK_WINDOW (bob));
  dialog = knock (bob, ada, "Bob");
  g_assert_nonnull (tandem_test_find_widget_matching (GTK_WIDGET (dialog), label_contains,
                                                      "Asking Ada to let you in"));

  prompt = wait_prompt (ada, "Bob wants to join");
  g_assert_nonnull (strstr (adw_message_dialog_get_body (prompt), "network"));
  g_assert_true (adw_message_dialog_get_response_appearance (prompt, "editor")
                 == ADW_RESPONSE_SUGGESTED);
  g_object_add_weak_pointer (G_OBJECT (dialog), (gpointer *) &dialog);
  click (GTK_WIDGET (prompt), "Allow as Listener");
  tandem_test_iterate_until (no_prompt, ada);

  /* The Join dialog closes and the window joins, as a listener. */
  tandem_test_iterate_until (is_destroyed, &dialog);
  tandem_test_iterate_until (is_live, bob);
  g_assert_cmpstr (tandem_sync_client_get_role (bob->client), ==, "viewer");
  g_assert_true (_tandem_window_is_listening (bob));
  /* Only the owner is asked about knocks. */
  g_assert_null (bob->knock_prompt);
  g_assert_nonnull (ada->knock_prompt);
  g_assert_cmpstr (tandem_project_get_name (bob->project), ==, "Jam one");
  g_assert_cmpfloat (tandem_project_get_tempo (bob->project), ==, 97);

  tandem_test_destroy_window (GTK_WIDGET (bob));
  tandem_test_destroy_window (GTK_WIDGET (ada));
}

/* Denied, the guest's dialog stays open and says so; nothing is joined. */
static void
test_deny (void)
{
  g_autoptr(TandemApplication) app = tandem_test_start_app ();
  TandemWindow *ada = host_window (app, "Jam two");
  TandemWindow *bob = tandem_window_new (app);
  TandemJoinDialog *dialog;
  AdwMessageDialog *prompt;

  gtk_window_present (GTK_WINDOW (bob));
  dialog = knock (bob, ada, "Bob");
  prompt = wait_prompt (ada, "Bob wants to join");
  click (GTK_WIDGET (prompt), "Deny");
  tandem_test_iterate_until (no_prompt, ada);

  tandem_test_iterate_until (stopped_knocking, dialog);
  g_assert_cmpstr (tandem_join_dialog_get_knock_message (dialog), ==, "Ada did not let you in");
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (dialog)));
  g_assert_null (bob->client);
  g_assert_cmpuint (g_list_model_get_n_items (tandem_sync_client_get_participants (ada->client)),
                    ==, 0);

  tandem_test_destroy_window (GTK_WIDGET (dialog));
  tandem_test_destroy_window (GTK_WIDGET (bob));
  tandem_test_destroy_window (GTK_WIDGET (ada));
}

typedef struct
{
  TandemKnockPrompt *prompt;
  guint              n;
} WaitingRef;

static gboolean
n_waiting (gpointer data)
{
  WaitingRef *ref = data;

  return tandem_knock_prompt_get_n_waiting (ref->prompt) == ref->n;
}

/* Two knocks at once: two questions, one after the other. */
static void
test_two_at_once (void)
{
  g_autoptr(TandemApplication) app = tandem_test_start_app ();
  TandemWindow *ada = host_window (app, "Jam three");
  TandemWindow *bob = tandem_window_new (app);
  TandemWindow *cy = tandem_window_new (app);
  TandemJoinDialog *bob_dialog, *cy_dialog;
  AdwMessageDialog *first, *second;
  const char *first_heading;
  gboolean bob_first;
  WaitingRef waiting;

  gtk_window_present (GTK_WINDOW (bob));
  gtk_window_present (GTK_WINDOW (cy));
  bob_dialog = knock (bob, ada, "Bob");
  cy_dialog = knock (cy, ada, "Cy");

  /* Both wait, and one question shows. */
  waiting = (WaitingRef) { ada->knock_prompt, 2 };
  tandem_test_iterate_until (n_waiting, &waiting);
  first = wait_prompt (ada, NULL);
  first_heading = adw_message_dialog_get_heading (first);
  bob_first = g_strcmp0 (first_heading, "Bob wants to join") == 0;
  g_assert_true (bob_first || g_strcmp0 (first_heading, "Cy wants to join") == 0);

  /* Turning the first away brings up the second. */
  g_object_add_weak_pointer (G_OBJECT (first), (gpointer *) &first);
  click (GTK_WIDGET (first), "Deny");
  tandem_test_iterate_until (is_destroyed, &first);
  second = wait_prompt (ada, bob_first ? "Cy wants to join" : "Bob wants to join");
  click (GTK_WIDGET (second), "Allow as Editor");
  tandem_test_iterate_until (no_prompt, ada);

  tandem_test_iterate_until (stopped_knocking, bob_first ? bob_dialog : cy_dialog);
  g_assert_cmpstr (tandem_join_dialog_get_knock_message (bob_first ? bob_dialog : cy_dialog), ==,
                   "Ada did not let you in");
  tandem_test_iterate_until (is_live, bob_first ? cy : bob);
  g_assert_cmpstr (tandem_sync_client_get_role ((bob_first ? cy : bob)->client), ==, "editor");
  g_assert_null ((bob_first ? bob : cy)->client);

  tandem_test_destroy_window (GTK_WIDGET (bob_first ? bob_dialog : cy_dialog));
  tandem_test_destroy_window (GTK_WIDGET (cy));
  tandem_test_destroy_window (GTK_WIDGET (bob));
  tandem_test_destroy_window (GTK_WIDGET (ada));
}

/* A guest who stops asking takes the question off the host's screen. */
static void
test_give_up (void)
{
  g_autoptr(TandemApplication) app = tandem_test_start_app ();
  TandemWindow *ada = host_window (app, "Jam four");
  TandemWindow *bob = tandem_window_new (app);
  TandemJoinDialog *dialog;
  GtkWidget *spinner;

  gtk_window_present (GTK_WINDOW (bob));
  dialog = knock (bob, ada, "Bob");
  wait_prompt (ada, "Bob wants to join");

  spinner = tandem_test_find_widget (GTK_WIDGET (dialog), GTK_TYPE_SPINNER, NULL);
  click (gtk_widget_get_parent (spinner), "Cancel");
  tandem_test_iterate_until (stopped_knocking, dialog);
  g_assert_null (tandem_join_dialog_get_knock_message (dialog));
  tandem_test_iterate_until (no_prompt, ada);
  g_assert_cmpuint (tandem_knock_prompt_get_n_waiting (ada->knock_prompt), ==, 0);

  tandem_test_destroy_window (GTK_WIDGET (dialog));
  tandem_test_destroy_window (GTK_WIDGET (bob));
  tandem_test_destroy_window (GTK_WIDGET (ada));
}

/* A host who never answers: once the knock's time is up, the guest reads
 * that nobody answered, joins nothing, and the question leaves the host's
 * screen. */
static void
test_no_answer (void)
{
  g_autoptr(TandemApplication) app = tandem_test_start_app ();
  TandemWindow *ada = host_window (app, "Jam five");
  TandemWindow *bob = tandem_window_new (app);
  TandemJoinDialog *dialog;

  /* Two minutes in the app; long enough here to see the question up. */
  tandem_session_host_set_knock_timeout (ada->host, 3000);
  gtk_window_present (GTK_WINDOW (bob));
  dialog = knock (bob, ada, "Bob");
  wait_prompt (ada, "Bob wants to join");

  tandem_test_iterate_until (stopped_knocking, dialog);
  g_assert_cmpstr (tandem_join_dialog_get_knock_message (dialog), ==, "No answer from Ada");
  g_assert_nonnull (tandem_test_find_widget_matching (GTK_WIDGET (dialog), label_contains,
                                                      "No answer from Ada"));
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (dialog)));
  tandem_test_iterate_until (no_prompt, ada);
  g_assert_cmpuint (tandem_knock_prompt_get_n_waiting (ada->knock_prompt), ==, 0);
  g_assert_null (bob->client);
  g_assert_cmpuint (g_list_model_get_n_items (tandem_sync_client_get_participants (ada->client)),
                    ==, 0);

  tandem_test_destroy_window (GTK_WIDGET (dialog));
  tandem_test_destroy_window (GTK_WIDGET (bob));
  tandem_test_destroy_window (GTK_WIDGET (ada));
}

int
main (int   argc,
      char *argv[])
{
  if (g_getenv ("TANDEM_TEST_AVAHI") == NULL)
    {
      g_print ("1..0 # SKIP run through discovery-env.sh (needs its own avahi-daemon)\n");
      return 77;
    }
  if (!tandem_test_have_display ())
    {
      g_print ("1..0 # SKIP no display\n");
      return 77;
    }
  tandem_test_use_fresh_data_home ();
  g_test_init (&argc, &argv, NULL);
  tandem_test_init_gtk ();
  g_timeout_add (50, wake_up, NULL);

  g_test_add_func ("/ui/knock/allow-as-listener", test_allow_as_listener);
  g_test_add_func ("/ui/knock/deny", test_deny);
  g_test_add_func ("/ui/knock/two-at-once", test_two_at_once);
  g_test_add_func ("/ui/knock/give-up", test_give_up);
  g_test_add_func ("/ui/knock/no-answer", test_no_answer);
  return g_test_run ();
}
