/* test-transport-drop.c — the beat survives a dropped link, and Play waits for the session
 *
 * One window hosts a session; a second joins it through a TCP proxy that
 * can cut the link (tests/sync/sync-test-proxy.c), with a clock 40 s off
 * the host's (test hook). While the link is down, the joiner's engine must
 * keep the clock offset it had, and Play must not start on the joiner's own
 * clock: it is held, and starts on the session clock once the link is back.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "sync-test-proxy.h"
#include "sync-test-utils.h"
#include "tandem-application.h"
#include "tandem-invite.h"
#include "tandem-window-private.h"
#include "ui-test-utils.h"

#define SKEW_US (40 * G_USEC_PER_SEC)
#define CLOSE_US (20 * G_TIME_SPAN_MILLISECOND)

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

static gboolean
not_live (gpointer data)
{
  return !is_live (data);
}

/* The joiner's engine plays with the true offset (same machine: −skew). */
static gboolean
engine_has_true_offset (gpointer data)
{
  TandemWindow *window = data;

  return is_live (window)
         && ABS (tandem_engine_get_clock_offset (window->engine) + SKEW_US) < CLOSE_US;
}

static gboolean
is_playing (gpointer data)
{
  return tandem_project_get_playing (tandem_window_get_project (data));
}

static gboolean
time_passed (gpointer data)
{
  return g_get_monotonic_time () >= *(gint64 *) data;
}

static void
test_play_while_reconnecting (void)
{
  g_autoptr(TandemApplication) app = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(TandemInvite) invite = NULL;
  g_autofree char *proxied = NULL;
  TandemWindow *host, *joiner;
  TandemSyncClient *client;
  SyncTestProxy *proxy;
  gint64 until, anchor, now;
  guint pending;

  if (!tandem_test_have_display ())
    {
      g_test_skip ("no display");
      return;
    }

  app = tandem_application_new ();
  g_application_set_flags (G_APPLICATION (app),
                           G_APPLICATION_HANDLES_OPEN | G_APPLICATION_NON_UNIQUE);
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, NULL));
  g_application_activate (G_APPLICATION (app));
  host = TANDEM_WINDOW (gtk_application_get_active_window (GTK_APPLICATION (app)));
  g_assert_true (tandem_window_host_session (host, 0, &error));
  g_assert_no_error (error);
  g_assert_true (sync_test_wait (is_live, host, 20000));

  invite = tandem_invite_parse (tandem_window_get_invite_link (host), &error);
  g_assert_no_error (error);
  g_free (invite->host);
  invite->host = g_strdup ("127.0.0.1");
  proxy = sync_test_proxy_new (invite->port);
  invite->port = sync_test_proxy_get_port (proxy);
  proxied = tandem_invite_to_link (invite);

  joiner = tandem_window_new (app);
  gtk_window_present (GTK_WINDOW (joiner));
  g_assert_true (tandem_window_join_session (joiner, proxied, &error));
  g_assert_no_error (error);
  g_assert_true (sync_test_wait (is_live, joiner, 20000));
  client = tandem_window_get_sync_client (joiner);
  /* Its machine's clock is 40 s ahead; a fresh connection estimates it. */
  tandem_sync_client_set_clock_skew_for_tests (client, SKEW_US);
  tandem_sync_client_set_heartbeat (client, 200, 1000);
  tandem_sync_client_drop_connection_for_tests (client);
  g_assert_true (sync_test_wait (engine_has_true_offset, joiner, 20000));

  sync_test_proxy_cut (proxy);
  g_assert_true (sync_test_wait (not_live, joiner, 20000));
  /* Several ticks of the window's transport while reconnecting: the offset
   * stays (it must not fall back to 0, which would move the beat by 40 s). */
  until = g_get_monotonic_time () + 500 * G_TIME_SPAN_MILLISECOND;
  g_assert_true (sync_test_wait (time_passed, &until, 5000));
  g_assert_cmpint (tandem_sync_client_get_state (client), ==, TANDEM_SYNC_STATE_RECONNECTING);
  g_assert_cmpint (ABS (tandem_engine_get_clock_offset (joiner->engine) + SKEW_US), <, CLOSE_US);

  /* Play while reconnecting is held: no start on our own clock. */
  pending = tandem_sync_client_get_n_pending (client);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (joiner), "win.play", NULL));
  g_assert_false (tandem_project_get_playing (tandem_window_get_project (joiner)));
  g_assert_cmpuint (tandem_sync_client_get_n_pending (client), ==, pending);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (joiner->count_in_label)));
  g_assert_nonnull (strstr (gtk_label_get_label (joiner->count_in_label), "session is back"));

  /* Back: the start goes out, anchored on the session clock (the host's,
   * here the monotonic clock), a bar or so ahead, for everyone. */
  sync_test_proxy_restore (proxy);
  g_assert_true (sync_test_wait (is_playing, host, 20000));
  anchor = (gint64) tandem_project_get_anchor_time (tandem_window_get_project (host));
  now = g_get_monotonic_time ();
  g_test_message ("start anchored %.3f s ahead of the session clock",
                  (double) (anchor - now) / G_USEC_PER_SEC);
  g_assert_cmpint (anchor, >, now - G_USEC_PER_SEC);
  g_assert_cmpint (anchor, <, now + 10 * G_USEC_PER_SEC);
  g_assert_true (is_playing (joiner));

  gtk_window_destroy (GTK_WINDOW (joiner));
  gtk_window_destroy (GTK_WINDOW (host));
  sync_test_proxy_free (proxy);
}

int
main (int    argc,
      char **argv)
{
  tandem_test_use_fresh_data_home ();
  g_test_init (&argc, &argv, NULL);
  g_timeout_add (50, wake_up, NULL);
  g_test_add_func ("/ui/transport/play-while-reconnecting", test_play_while_reconnecting);
  return g_test_run ();
}
