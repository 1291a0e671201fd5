/* test-session-dialogs.c — the Host, Join and Invite dialogs on their own
 *
 * Enter confirms each, the window learns the answer through a signal, and
 * the extension slots are there; the Host dialog offers the addresses a
 * link can name and says who each kind of link works for.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <adwaita.h>
#include <string.h>

#include "ui-test-utils.h"
#include "tandem-host-dialog.h"
#include "tandem-invite-dialog.h"
#include "tandem-join-dialog.h"

#define LINK "tandem://127.0.0.1:8421/jam?token=abcdefabcdefabcdef"

static gboolean
pointer_is_null (gpointer data)
{
  return *(gpointer *) data == NULL;
}

static gboolean
count_reaches (gpointer data)
{
  guint *count = data;

  return count[0] >= count[1];
}

static void
count_signal (GtkWidget *widget,
              guint     *count)
{
  (*count)++;
}

static void
remember_link (GtkWidget  *widget,
               const char *link,
               char      **out)
{
  g_free (*out);
  *out = g_strdup (link);
}

/* Enter in @widget: its text part activates, as a key press would. */
static void
press_enter_in (GtkWidget *widget)
{
  GtkWidget *text = GTK_IS_TEXT (widget) ? widget
                                         : tandem_test_find_widget (widget, GTK_TYPE_TEXT, NULL);

  g_assert_nonnull (text);
  gtk_widget_grab_focus (text);
  g_signal_emit_by_name (text, "activate");
}

static void
assert_empty_hidden_slot (GtkBox *slot)
{
  g_assert_true (GTK_IS_BOX (slot));
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (slot)));
  g_assert_null (gtk_widget_get_first_child (GTK_WIDGET (slot)));
}

static gboolean
is_shown_label (GtkWidget     *widget,
                gconstpointer  text)
{
  return GTK_IS_LABEL (widget) && gtk_widget_get_mapped (widget)
         && g_strcmp0 (gtk_label_get_label (GTK_LABEL (widget)), text) == 0;
}

static gboolean
shows_label (GtkWidget  *root,
             const char *text)
{
  return tandem_test_find_widget_matching (root, is_shown_label, text) != NULL;
}

typedef struct { GtkWidget *root; const char *text; } LabelWait;

static gboolean
label_shown (gpointer data)
{
  LabelWait *wait = data;

  return shows_label (wait->root, wait->text);
}

static gboolean
is_row_titled (GtkWidget     *widget,
               gconstpointer  title)
{
  return ADW_IS_ACTION_ROW (widget) &&
         tandem_test_label_is (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (widget)),
                               title);
}

/* The address the link names is picked from this machine's, IPv6 in
 * brackets, and the dialog says who such a link works for. */
static void
test_host_dialog_addresses (void)
{
  static const char *const addresses[] = { "192.168.1.20", "2001:db8::7", "127.0.0.1", NULL };
  TandemHostDialog *dialog;
  GtkWidget *combo, *open_port_row;
  LabelWait wait;

  if (!tandem_test_have_display ())
    {
      g_test_skip ("no display");
      return;
    }

  dialog = tandem_host_dialog_new (NULL);
  /* By default, the machine's own, the LAN one first. */
  g_assert_nonnull (tandem_host_dialog_get_address (dialog));
  tandem_host_dialog_set_addresses (dialog, addresses);
  gtk_window_present (GTK_WINDOW (dialog));
  tandem_test_iterate_until (tandem_test_is_mapped, dialog);

  combo = tandem_test_find_widget (GTK_WIDGET (dialog), ADW_TYPE_COMBO_ROW, NULL);
  g_assert_nonnull (combo);
  g_assert_cmpuint (g_list_model_get_n_items (adw_combo_row_get_model (ADW_COMBO_ROW (combo))), ==, 3);
  g_assert_cmpstr (tandem_host_dialog_get_address (dialog), ==, "192.168.1.20");
  g_assert_true (shows_label (combo, "192.168.1.20"));
  g_assert_true (shows_label (GTK_WIDGET (dialog), "Works on this network"));

  adw_combo_row_set_selected (ADW_COMBO_ROW (combo), 1);
  wait = (LabelWait) { combo, "[2001:db8::7]" };
  tandem_test_iterate_until (label_shown, &wait);
  g_assert_cmpstr (tandem_host_dialog_get_address (dialog), ==, "2001:db8::7");
  g_assert_true (shows_label (GTK_WIDGET (dialog), "Works from the internet"));

  g_assert_true (tandem_host_dialog_set_address (dialog, "127.0.0.1"));
  g_assert_false (tandem_host_dialog_set_address (dialog, "10.9.9.9"));
  wait = (LabelWait) { combo, "127.0.0.1" };
  tandem_test_iterate_until (label_shown, &wait);
  g_assert_true (shows_label (GTK_WIDGET (dialog), "Only on this computer"));
  g_assert_cmpstr (tandem_host_dialog_get_link_kind (dialog), ==, "Only on this computer");

  /* Opening a port on the router: only for the private IPv4 address, and
   * what it would make said before hosting. */
  g_assert_true (tandem_host_dialog_set_address (dialog, "192.168.1.20"));
  wait = (LabelWait) { combo, "192.168.1.20" };
  tandem_test_iterate_until (label_shown, &wait);
  open_port_row = tandem_test_find_widget_matching (GTK_WIDGET (dialog), is_row_titled,
                                                    "Open a port on the router");
  g_assert_nonnull (open_port_row);
  g_assert_true (gtk_widget_get_sensitive (open_port_row));
  tandem_host_dialog_set_open_port (dialog, TRUE);
  g_assert_cmpstr (tandem_host_dialog_get_link_kind (dialog), ==,
                   "Works from the internet if your router agrees");
  g_assert_true (tandem_host_dialog_set_address (dialog, "2001:db8::7"));
  g_assert_false (gtk_widget_get_sensitive (open_port_row));
  g_assert_cmpstr (tandem_host_dialog_get_link_kind (dialog), ==, "Works from the internet");
  g_assert_true (tandem_host_dialog_set_address (dialog, "127.0.0.1"));
  g_assert_false (gtk_widget_get_sensitive (open_port_row));
  g_assert_cmpstr (tandem_host_dialog_get_link_kind (dialog), ==, "Only on this computer");
  /* The choice stays, for the next time. */
  g_assert_true (tandem_host_dialog_get_open_port (dialog));

  /* A machine on no network still gets a link, for this computer. */
  tandem_host_dialog_set_addresses (dialog, NULL);
  g_assert_cmpstr (tandem_host_dialog_get_address (dialog), ==, "127.0.0.1");
  g_assert_cmpstr (tandem_host_dialog_get_link_kind (dialog), ==, "Only on this computer");

  tandem_test_destroy_window (GTK_WIDGET (dialog));
}

static void
test_host_dialog (void)
{
  TandemHostDialog *dialog;
  GtkWidget *name_row, *spin;
  guint hosted[2] = { 0, 0 };  /* how many times, how many to wait for */

  if (!tandem_test_have_display ())
    {
      g_test_skip ("no display");
      return;
    }

  dialog = tandem_host_dialog_new (NULL);
  tandem_host_dialog_set_display_name (dialog, "Ada");
  tandem_host_dialog_set_port (dialog, 8421);
  g_signal_connect (dialog, "host", G_CALLBACK (count_signal), hosted);
  gtk_window_present (GTK_WINDOW (dialog));
  tandem_test_iterate_until (tandem_test_is_mapped, dialog);

  g_assert_cmpstr (tandem_host_dialog_get_display_name (dialog), ==, "Ada");
  g_assert_cmpuint (tandem_host_dialog_get_port (dialog), ==, 8421);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (tandem_host_dialog_get_address_slot (dialog))));
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (tandem_host_dialog_get_link_kind_slot (dialog))));

  /* Enter in the name, and in the port, hosts; the dialog stays up for the
   * window to close when it is done. */
  name_row = tandem_test_find_widget (GTK_WIDGET (dialog), ADW_TYPE_ENTRY_ROW, NULL);
  g_assert_true (GTK_IS_BUTTON (gtk_window_get_default_widget (GTK_WINDOW (dialog))));
  g_assert_true (gtk_widget_is_ancestor (gtk_root_get_focus (GTK_ROOT (dialog)), name_row));
  press_enter_in (name_row);
  /* A button activated by Enter clicks once its pressed look has shown. */
  hosted[1] = 1;
  tandem_test_iterate_until (count_reaches, hosted);
  g_assert_cmpuint (hosted[0], ==, 1);
  spin = tandem_test_find_widget (GTK_WIDGET (dialog), GTK_TYPE_SPIN_BUTTON, NULL);
  press_enter_in (spin);
  hosted[1] = 2;
  tandem_test_iterate_until (count_reaches, hosted);
  g_assert_cmpuint (hosted[0], ==, 2);

  g_object_add_weak_pointer (G_OBJECT (dialog), (gpointer *) &dialog);
  gtk_window_destroy (GTK_WINDOW (dialog));
  tandem_test_iterate_until (pointer_is_null, &dialog);
}

static void
test_join_dialog (void)
{
  TandemJoinDialog *dialog;
  GtkWidget *parent, *link_row;
  g_autofree char *joined = NULL;

  if (!tandem_test_have_display ())
    {
      g_test_skip ("no display");
      return;
    }

  parent = gtk_window_new ();
  gtk_window_present (GTK_WINDOW (parent));
  dialog = tandem_join_dialog_new (GTK_WINDOW (parent));
  g_signal_connect (dialog, "join", G_CALLBACK (remember_link), &joined);
  gtk_window_present (GTK_WINDOW (dialog));
  tandem_test_iterate_until (tandem_test_is_mapped, dialog);
  /* No Avahi daemon here: nothing nearby, so no "Nearby Sessions". */
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (tandem_join_dialog_get_nearby_slot (dialog))));
  assert_empty_hidden_slot (tandem_join_dialog_get_name_slot (dialog));

  /* Enter on something that is not a link does nothing. */
  link_row = tandem_test_find_widget (GTK_WIDGET (dialog), ADW_TYPE_ENTRY_ROW, NULL);
  gtk_editable_set_text (GTK_EDITABLE (link_row), "hello");
  g_assert_false (adw_message_dialog_get_response_enabled (ADW_MESSAGE_DIALOG (dialog), "join"));
  press_enter_in (link_row);
  g_assert_null (joined);

  /* Enter on a link joins it, and the dialog goes. */
  g_object_add_weak_pointer (G_OBJECT (dialog), (gpointer *) &dialog);
  tandem_join_dialog_set_link (dialog, LINK);
  g_assert_true (adw_message_dialog_get_response_enabled (ADW_MESSAGE_DIALOG (dialog), "join"));
  press_enter_in (link_row);
  g_assert_cmpstr (joined, ==, LINK);
  tandem_test_iterate_until (pointer_is_null, &dialog);
  g_assert_null (dialog);
  tandem_test_destroy_window (parent);
}

static gboolean
is_copy_button (GtkWidget     *widget,
                gconstpointer  data)
{
  return GTK_IS_BUTTON (widget) && gtk_widget_get_visible (widget) &&
         gtk_widget_get_visible (gtk_widget_get_parent (widget)) &&
         gtk_widget_is_ancestor (widget, (GtkWidget *) data) &&
         tandem_test_label_is (gtk_button_get_label (GTK_BUTTON (widget)) ?: "", "Copy");
}

typedef struct
{
  GdkClipboard *clipboard;
  char         *text;
} ClipboardRead;

static void
on_clipboard_read (GObject      *source,
                   GAsyncResult *result,
                   gpointer      data)
{
  ClipboardRead *read = data;

  read->text = gdk_clipboard_read_text_finish (GDK_CLIPBOARD (source), result, NULL);
  if (read->text == NULL)
    read->text = g_strdup ("");
}

static gboolean
clipboard_was_read (gpointer data)
{
  return ((ClipboardRead *) data)->text != NULL;
}

static void
test_invite_dialog (void)
{
  TandemInviteDialog *dialog;
  GtkWidget *parent, *editor_row, *ws_row, *copy;
  ClipboardRead read = { NULL, NULL };

  if (!tandem_test_have_display ())
    {
      g_test_skip ("no display");
      return;
    }

  parent = gtk_window_new ();
  gtk_window_present (GTK_WINDOW (parent));
  dialog = tandem_invite_dialog_new (GTK_WINDOW (parent));
  tandem_invite_dialog_set_editor_link (dialog, LINK);
  tandem_invite_dialog_set_listener_link (dialog, LINK "-listen");
  tandem_invite_dialog_set_endpoint (dialog, "127.0.0.1:8421", FALSE);
  gtk_window_present (GTK_WINDOW (dialog));
  tandem_test_iterate_until (tandem_test_is_mapped, dialog);
  assert_empty_hidden_slot (tandem_invite_dialog_get_extra_slot (dialog));

  /* The body names where the others must reach; a link not given has no row. */
  g_assert_nonnull (strstr (adw_message_dialog_get_body (ADW_MESSAGE_DIALOG (dialog)),
                            "127.0.0.1:8421"));
  editor_row = tandem_test_find_widget_matching (GTK_WIDGET (dialog), is_row_titled,
                                                 "Invite Link");
  g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (editor_row)), ==, LINK);
  /* Who the links work for: unsaid until the window says it. */
  g_assert_null (tandem_invite_dialog_get_reach (dialog));
  tandem_invite_dialog_set_reach (dialog, "Asking your router…", "Meanwhile…", TRUE);
  g_assert_true (shows_label (GTK_WIDGET (dialog), "Asking your router…"));
  g_assert_true (tandem_invite_dialog_get_reach_asking (dialog));
  g_assert_nonnull (tandem_test_find_widget (GTK_WIDGET (dialog), GTK_TYPE_SPINNER, NULL));
  tandem_invite_dialog_set_reach (dialog, "Works on this network", "Because.", FALSE);
  g_assert_false (tandem_invite_dialog_get_reach_asking (dialog));
  g_assert_cmpstr (tandem_invite_dialog_get_reach_detail (dialog), ==, "Because.");
  ws_row = tandem_test_find_widget_matching (GTK_WIDGET (dialog), is_row_titled,
                                             "WebSocket Address");
  g_assert_false (gtk_widget_get_visible (ws_row));

  /* Copy puts the link on the clipboard. */
  copy = tandem_test_find_widget_matching (editor_row, is_copy_button, editor_row);
  g_signal_emit_by_name (copy, "clicked");
  read.clipboard = gtk_widget_get_clipboard (copy);
  gdk_clipboard_read_text_async (read.clipboard, NULL, on_clipboard_read, &read);
  tandem_test_iterate_until (clipboard_was_read, &read);
  g_assert_cmpstr (read.text, ==, LINK);
  g_free (read.text);

  tandem_invite_dialog_set_endpoint (dialog, "jam.example.org:8421", TRUE);
  g_assert_nonnull (strstr (adw_message_dialog_get_body (ADW_MESSAGE_DIALOG (dialog)),
                            "server"));

  g_object_add_weak_pointer (G_OBJECT (dialog), (gpointer *) &dialog);
  gtk_window_destroy (GTK_WINDOW (dialog));
  tandem_test_iterate_until (pointer_is_null, &dialog);
  tandem_test_destroy_window (parent);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  tandem_test_init_gtk ();

  g_test_add_func ("/ui/session-dialogs/host", test_host_dialog);
  g_test_add_func ("/ui/session-dialogs/host-addresses", test_host_dialog_addresses);
  g_test_add_func ("/ui/session-dialogs/join", test_join_dialog);
  g_test_add_func ("/ui/session-dialogs/invite", test_invite_dialog);
  return g_test_run ();
}
