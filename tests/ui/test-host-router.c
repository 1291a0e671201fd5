/* test-host-router.c — hosting on this computer behind a home router
 *
 * Runs under tests/sync/netns-env.sh: a network namespace of its own with a
 * home network in it, where this computer is 10.77.0.2 and the tests' UPnP
 * router (sync-test-igd.h) 10.77.0.1. The user turns on “Open a port on the router” in the Host
 * dialog and hosts; the invite dialog says what the router did.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <adwaita.h>
#include <string.h>
#include <unistd.h>

#include "sync-test-igd.h"
#include "tandem-host-dialog.h"
#include "tandem-invite.h"
#include "tandem-invite-dialog.h"
#include "tandem-window-private.h"
#include "ui-test-utils.h"

#define LAN_IP "10.77.0.2"

typedef struct
{
  TandemApplication *app;
  TandemWindow      *window;
} Fixture;

/* Made once the no-router case has run. */
static SyncTestIgd *router;

static void
router_up (void)
{
  if (router == NULL)
    router = sync_test_igd_new ();
}

static GtkWidget *
find_toplevel (GType type)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWidget) widget = g_list_model_get_item (toplevels, i);

      if (G_TYPE_CHECK_INSTANCE_TYPE (widget, type) && gtk_widget_get_visible (widget))
        return widget;
    }
  return NULL;
}

static void
close_toplevels (GType type)
{
  GtkWidget *widget;

  while ((widget = find_toplevel (type)) != NULL)
    gtk_window_destroy (GTK_WINDOW (widget));
}

static gboolean
is_host_button (GtkWidget     *widget,
                gconstpointer  data)
{
  return GTK_IS_BUTTON (widget) && gtk_button_get_label (GTK_BUTTON (widget)) != NULL &&
         tandem_test_label_is (gtk_button_get_label (GTK_BUTTON (widget)), "Host");
}

static gboolean
is_open_port_row (GtkWidget     *widget,
                  gconstpointer  data)
{
  return ADW_IS_ACTION_ROW (widget)
         && tandem_test_label_is (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (widget)),
                                  "Open a port on the router");
}

static TandemInviteDialog *
invite_dialog (void)
{
  return (TandemInviteDialog *) find_toplevel (TANDEM_TYPE_INVITE_DIALOG);
}

static gboolean
invite_dialog_is_up (gpointer data)
{
  return invite_dialog () != NULL;
}

static gboolean
router_answered (gpointer data)
{
  return !tandem_invite_dialog_get_reach_asking (invite_dialog ());
}

static gboolean
router_deleted (gpointer data)
{
  return sync_test_igd_log (router)->n_deleted > GPOINTER_TO_UINT (data);
}

static gboolean
open_port_is_on (gpointer data)
{
  return tandem_host_dialog_get_open_port (data);
}

/* Opens the Host dialog with the switch as last time (@expect_on), turns it
 * on (activating its row, as a click does) unless it is on already, and
 * hosts on this computer. */
static void
host_with_open_port (Fixture  *f,
                     gboolean  expect_on)
{
  TandemHostDialog *dialog;
  GtkWidget *row;

  g_settings_set_boolean (f->window->settings, "host-open-port", expect_on);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.host", NULL));
  dialog = TANDEM_HOST_DIALOG (find_toplevel (TANDEM_TYPE_HOST_DIALOG));
  g_assert_nonnull (dialog);
  tandem_test_iterate_until (tandem_test_is_mapped, dialog);
  tandem_host_dialog_set_where (dialog, "local");
  g_assert_true (tandem_host_dialog_set_address (dialog, LAN_IP));

  /* Remembered from the last time. */
  g_assert_cmpint (tandem_host_dialog_get_open_port (dialog), ==, expect_on);
  row = tandem_test_find_widget_matching (GTK_WIDGET (dialog), is_open_port_row, NULL);
  g_assert_nonnull (row);
  g_assert_true (gtk_widget_get_sensitive (row));
  if (!tandem_host_dialog_get_open_port (dialog))
    adw_action_row_activate (ADW_ACTION_ROW (row));
  tandem_test_iterate_until (open_port_is_on, dialog);
  g_assert_cmpstr (tandem_host_dialog_get_link_kind (dialog), ==,
                   "Works from the internet if your router agrees");

  g_signal_emit_by_name (tandem_test_find_widget_matching (GTK_WIDGET (dialog), is_host_button,
                                                           NULL), "clicked");
  tandem_test_iterate_until (invite_dialog_is_up, NULL);
  /* Said at once, while the router is asked. */
  g_assert_cmpstr (tandem_invite_dialog_get_reach (invite_dialog ()), ==, "Asking your router…");
  g_assert_true (tandem_invite_dialog_get_reach_asking (invite_dialog ()));
  tandem_test_iterate_until (router_answered, NULL);
}

static void
assert_link_names (const char *link,
                   const char *host,
                   guint16     port)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TandemInvite) invite = tandem_invite_parse (link, &error);

  g_assert_no_error (error);
  g_assert_cmpstr (invite->host, ==, host);
  g_assert_cmpuint (invite->port, ==, port);
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  f->app = tandem_test_start_app ();
  g_application_activate (G_APPLICATION (f->app));
  f->window = TANDEM_WINDOW (gtk_application_get_active_window (GTK_APPLICATION (f->app)));
  tandem_test_iterate_until (tandem_test_is_mapped, f->window);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  close_toplevels (TANDEM_TYPE_INVITE_DIALOG);
  close_toplevels (TANDEM_TYPE_HOST_DIALOG);
  if (f->window != NULL)
    tandem_test_destroy_window (GTK_WIDGET (f->window));
  g_clear_object (&f->app);
}

/* No router on the network: the link stays the local one, and the dialog
 * says why once the bound has passed. */
static void
test_no_router (Fixture       *f,
                gconstpointer  data)
{
  g_assert_null (router);
  host_with_open_port (f, FALSE);
  g_assert_cmpstr (tandem_invite_dialog_get_reach (invite_dialog ()), ==,
                   "Works on this network");
  g_assert_cmpstr (tandem_invite_dialog_get_reach_detail (invite_dialog ()), ==,
                   "Your router did not open a port: no router on this network answered. "
                   "This link works on this network.");
  assert_link_names (tandem_invite_dialog_get_editor_link (invite_dialog ()), LAN_IP,
                     tandem_session_host_get_port (f->window->host));
}

/* The router forwards the port: every link names its public address. */
static void
test_opens_port (Fixture       *f,
                 gconstpointer  data)
{
  SyncTestIgdLog *log;
  guint16 port;
  guint deleted;

  router_up ();
  log = sync_test_igd_log (router);
  host_with_open_port (f, FALSE);
  port = tandem_session_host_get_port (f->window->host);
  /* Remembered for the next time. */
  g_assert_true (g_settings_get_boolean (f->window->settings, "host-open-port"));

  g_assert_cmpstr (tandem_invite_dialog_get_reach (invite_dialog ()), ==,
                   "Works from the internet");
  assert_link_names (tandem_invite_dialog_get_editor_link (invite_dialog ()),
                     SYNC_TEST_IGD_EXTERNAL_IP, port);
  assert_link_names (tandem_invite_dialog_get_listener_link (invite_dialog ()),
                     SYNC_TEST_IGD_EXTERNAL_IP, port);
  assert_link_names (tandem_window_get_invite_link (f->window), SYNC_TEST_IGD_EXTERNAL_IP, port);
  /* Forwarded to this computer's address on the network, same port. */
  g_assert_cmpstr (log->added_client, ==, LAN_IP);
  g_assert_cmpuint (log->added_internal_port, ==, port);
  g_assert_cmpuint (log->added_external_port, ==, port);
  g_assert_cmpstr (log->added_proto, ==, "TCP");

  /* Leaving removes it from the router. */
  deleted = log->n_deleted;
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.leave", NULL));
  tandem_test_iterate_until (router_deleted, GUINT_TO_POINTER (deleted));
  g_assert_cmpuint (log->deleted_port, ==, port);
}

/* The router says no: the dialog says why, plainly, and the link stays. */
static void
test_refused (Fixture       *f,
              gconstpointer  data)
{
  const char *detail;

  router_up ();
  sync_test_igd_log (router)->refuse_code = 718;
  host_with_open_port (f, TRUE);
  sync_test_igd_log (router)->refuse_code = 0;

  detail = tandem_invite_dialog_get_reach_detail (invite_dialog ());
  g_test_message ("%s", detail);
  g_assert_cmpstr (tandem_invite_dialog_get_reach (invite_dialog ()), ==,
                   "Works on this network");
  g_assert_true (g_str_has_prefix (detail, "Your router did not open a port: another computer "
                                           "already uses that port on it (UPnP error 718"));
  g_assert_true (g_str_has_suffix (detail, ". This link works on this network."));
  assert_link_names (tandem_invite_dialog_get_editor_link (invite_dialog ()), LAN_IP,
                     tandem_session_host_get_port (f->window->host));
}

/* Closing the window while hosting removes the forwarding, and the app
 * stays until the router has heard. */
static void
test_close_removes (Fixture       *f,
                    gconstpointer  data)
{
  SyncTestIgdLog *log;
  guint16 port;
  guint deleted;

  router_up ();
  log = sync_test_igd_log (router);
  host_with_open_port (f, TRUE);
  g_test_message ("%s", tandem_invite_dialog_get_reach_detail (invite_dialog ()));
  g_assert_true (_tandem_window_reach_is_open (f->window));
  port = tandem_session_host_get_port (f->window->host);
  deleted = log->n_deleted;
  close_toplevels (TANDEM_TYPE_INVITE_DIALOG);
  tandem_test_destroy_window (GTK_WIDGET (g_steal_pointer (&f->window)));
  tandem_test_iterate_until (router_deleted, GUINT_TO_POINTER (deleted));
  g_assert_cmpuint (log->deleted_port, ==, port);
}

/* Resumed after a crash, the session asks the router again: the links
 * naming its public address work again, and the invite says so. */
static void
test_resume_reopens (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(TandemHostedSession) crashed = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *link = NULL;
  SyncTestIgdLog *log;
  guint16 port;
  guint added, deleted;

  router_up ();
  log = sync_test_igd_log (router);
  host_with_open_port (f, TRUE);
  g_assert_true (_tandem_window_reach_is_open (f->window));
  port = tandem_session_host_get_port (f->window->host);
  link = g_strdup (tandem_window_get_invite_link (f->window));
  assert_link_names (link, SYNC_TEST_IGD_EXTERNAL_IP, port);
  crashed = tandem_hosted_session_load (f->window->hosted->key, &error);
  g_assert_no_error (error);

  /* The window goes, and the forwarding with it, as when the router's
   * lease ran out after a crash; then the entry is put back as a crash
   * leaves it: open, and its lock gone with the app. */
  deleted = log->n_deleted;
  close_toplevels (TANDEM_TYPE_INVITE_DIALOG);
  tandem_test_destroy_window (GTK_WIDGET (g_steal_pointer (&f->window)));
  tandem_test_iterate_until (router_deleted, GUINT_TO_POINTER (deleted));
  g_assert_true (tandem_hosted_session_save (crashed, &error));
  g_assert_no_error (error);
  close (crashed->lock_fd);
  crashed->lock_fd = -1;

  added = log->n_added;
  f->window = tandem_window_new (f->app);
  gtk_window_present (GTK_WINDOW (f->window));
  tandem_test_iterate_until (tandem_test_is_mapped, f->window);
  g_assert_true (tandem_window_resume_hosting (f->window, crashed->key, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (tandem_session_host_get_port (f->window->host), ==, port);

  _tandem_window_show_invite_dialog (f->window);
  tandem_test_iterate_until (invite_dialog_is_up, NULL);
  tandem_test_iterate_until (router_answered, NULL);
  g_assert_cmpuint (log->n_added, >, added);
  g_assert_cmpstr (log->added_client, ==, LAN_IP);
  g_assert_cmpuint (log->added_internal_port, ==, port);
  g_assert_cmpuint (log->added_external_port, ==, port);
  g_assert_cmpstr (tandem_invite_dialog_get_reach (invite_dialog ()), ==,
                   "Works from the internet");
  assert_link_names (tandem_invite_dialog_get_editor_link (invite_dialog ()),
                     SYNC_TEST_IGD_EXTERNAL_IP, port);
  /* The very link the guests hold. */
  g_assert_cmpstr (tandem_window_get_invite_link (f->window), ==, link);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);
  tandem_test_use_fresh_data_home ();
  tandem_test_init_gtk ();
  /* The home network is a veth pair, which not every kernel offers. */
  if (!sync_test_igd_in_own_network () || g_getenv ("TANDEM_TEST_ROUTER_IFACE") == NULL
      || !tandem_test_have_display ())
    {
      g_print ("1..0 # SKIP needs a display and tests/sync/netns-env.sh with its home "
               "network (veth)\n");
      return 77;
    }

  /* A spinner animating while the machine is busy (Xvfb renders on the CPU)
   * keeps a redraw always due, and GLib then never runs the idle sources
   * GUPnP finds the network interfaces from. */
  g_object_set (gtk_settings_get_default (), "gtk-enable-animations", FALSE, NULL);

#define ADD(path, func) \
  g_test_add ("/ui/host-router/" path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("no-router", test_no_router);
  ADD ("opens-port", test_opens_port);
  ADD ("refused", test_refused);
  ADD ("close-removes", test_close_removes);
  ADD ("resume-reopens", test_resume_reopens);
#undef ADD

  status = g_test_run ();
  sync_test_igd_free (router);
  return status;
}
