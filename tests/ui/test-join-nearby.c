/* test-join-nearby.c — the Join dialog lists a session hosted nearby, live
 *
 * Runs under tests/sync/discovery-env.sh: a real avahi-daemon on a private
 * bus, in a network namespace of its own.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>
#include <string.h>

#include "ui-test-utils.h"
#include "tandem-certificate-pin.h"
#include "tandem-invite.h"
#include "tandem-join-dialog.h"
#include "tandem-session-host.h"

static gboolean
is_row_titled (GtkWidget     *widget,
               gconstpointer  title)
{
  return ADW_IS_ACTION_ROW (widget)
         && g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (widget)), title) == 0;
}

typedef struct
{
  TandemJoinDialog *dialog;
  const char       *title;
} RowLookup;

static gboolean
row_is_listed (gpointer data)
{
  RowLookup *l = data;

  return gtk_widget_get_visible (GTK_WIDGET (tandem_join_dialog_get_nearby_slot (l->dialog)))
         && tandem_test_find_widget_matching (GTK_WIDGET (l->dialog), is_row_titled, l->title) != NULL;
}

static gboolean
slot_is_hidden (gpointer data)
{
  return !gtk_widget_get_visible (GTK_WIDGET (tandem_join_dialog_get_nearby_slot (data)));
}

static void
test_nearby_session (void)
{
  g_autofree char *dir = g_dir_make_tmp ("tandem-nearby-XXXXXX", NULL);
  g_autofree char *cert = g_build_filename (dir, "host.pem", NULL);
  g_autoptr(TandemSessionHost) host = tandem_session_host_new ();
  g_autoptr(TandemInvite) invite = NULL;
  g_autoptr(GError) error = NULL;
  TandemJoinDialog *dialog;
  GtkWidget *parent, *row;
  guint8 fp[TANDEM_FINGERPRINT_SIZE];
  RowLookup lookup;

  if (!tandem_test_have_display ())
    {
      g_test_skip ("no display");
      return;
    }

  tandem_session_host_set_tls (host, TANDEM_HOST_TLS_ON);
  tandem_session_host_set_certificate_path (host, cert);
  tandem_session_host_set_fsync (host, FALSE);
  tandem_session_host_set_lan_names (host, "Friday jam", "Ada");
  g_assert_true (tandem_session_host_start (host, 0, NULL, NULL, &error));
  g_assert_no_error (error);

  parent = gtk_window_new ();
  gtk_window_present (GTK_WINDOW (parent));
  dialog = tandem_join_dialog_new (GTK_WINDOW (parent));
  gtk_window_present (GTK_WINDOW (dialog));
  tandem_test_iterate_until (tandem_test_is_mapped, dialog);

  /* The session shows up under "Nearby Sessions" by its name. */
  lookup = (RowLookup) { dialog, "Friday jam" };
  tandem_test_iterate_until (row_is_listed, &lookup);
  row = tandem_test_find_widget_matching (GTK_WIDGET (dialog), is_row_titled, "Friday jam");
  g_assert_nonnull (strstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)), "Ada"));

  /* Picking it fills in a link to it, pinned to the host's certificate,
   * without a token. */
  g_signal_emit_by_name (gtk_widget_get_parent (row), "row-activated", row);
  invite = tandem_invite_parse (tandem_join_dialog_get_link (dialog), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (invite->session_id, ==, tandem_session_host_get_session_id (host));
  g_assert_cmpuint (invite->port, ==, tandem_session_host_get_port (host));
  g_assert_null (invite->token);
  g_assert_true (invite->tls && invite->pinned);
  tandem_certificate_fingerprint (tandem_session_host_get_certificate (host), fp);
  g_assert_cmpmem (invite->fingerprint, sizeof fp, fp, sizeof fp);

  /* A rename shows live. */
  tandem_session_host_set_lan_names (host, "Saturday jam", NULL);
  lookup.title = "Saturday jam";
  tandem_test_iterate_until (row_is_listed, &lookup);

  /* A host that stops goes away. */
  tandem_session_host_stop (host);
  tandem_test_iterate_until (slot_is_hidden, dialog);

  tandem_test_destroy_window (GTK_WIDGET (dialog));
  tandem_test_destroy_window (parent);
  g_remove (cert);
  g_rmdir (dir);
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
  g_test_init (&argc, &argv, NULL);
  tandem_test_init_gtk ();
  g_test_add_func ("/join-dialog/nearby-session", test_nearby_session);
  return g_test_run ();
}
