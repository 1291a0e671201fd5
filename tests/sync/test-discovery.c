/* test-discovery.c — a hosted session announced on the LAN, found and joined
 *
 * Runs under tests/sync/discovery-env.sh: a real avahi-daemon on a private
 * D-Bus system bus, in a network namespace of its own: loopback only, or a
 * network of IPv6 only (its address in TANDEM_TEST_IPV6), or one with both
 * (and TANDEM_TEST_IPV4).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-sync-test"

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "sync-test-utils.h"
#include "tandem-certificate-pin.h"
#include "tandem-invite.h"
#include "tandem-lan-browser.h"
#include "tandem-session-host.h"

typedef struct
{
  TandemLanBrowser *browser;
  const char       *session_id;
  const char       *name;     /* NULL: any */
} Lookup;

static TandemLanSession *
find_session (Lookup *l)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (l->browser));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(TandemLanSession) s = g_list_model_get_item (G_LIST_MODEL (l->browser), i);

      if (g_strcmp0 (tandem_lan_session_get_session_id (s), l->session_id) == 0
          && (l->name == NULL || g_strcmp0 (tandem_lan_session_get_name (s), l->name) == 0))
        return g_steal_pointer (&s);
    }
  return NULL;
}

static gboolean
is_listed (gpointer data)
{
  g_autoptr(TandemLanSession) s = find_session (data);

  return s != NULL;
}

static gboolean
is_gone (gpointer data)
{
  return !is_listed (data);
}

/* The session is listed once, at TANDEM_TEST_IPV4. */
static gboolean
once_at_ipv4 (gpointer data)
{
  Lookup *l = data;
  guint n = g_list_model_get_n_items (G_LIST_MODEL (l->browser));
  guint listed = 0;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(TandemLanSession) s = g_list_model_get_item (G_LIST_MODEL (l->browser), i);

      if (g_strcmp0 (tandem_lan_session_get_session_id (s), l->session_id) != 0)
        continue;
      if (g_strcmp0 (tandem_lan_session_get_address (s), g_getenv ("TANDEM_TEST_IPV4")) != 0)
        return FALSE;
      listed++;
    }
  return listed == 1;
}

static gboolean
is_announced (gpointer data)
{
  return tandem_session_host_is_announced (data);
}

static void
test_announce_browse_join (void)
{
  g_autofree char *session_id = NULL;
  g_autofree char *dir = sync_test_make_tmpdir ();
  g_autofree char *cert = g_build_filename (dir, "host.pem", NULL);
  g_autoptr(TandemSessionHost) host = tandem_session_host_new ();
  g_autoptr(TandemLanBrowser) browser = tandem_lan_browser_new ();
  g_autoptr(TandemSyncClient) client = sync_test_client_new ();
  g_autoptr(TandemLanSession) found = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *pin = NULL;
  g_autofree char *link = NULL;
  TandemInvite *invite;
  guint8 fp[TANDEM_FINGERPRINT_SIZE];
  Lookup lookup = { browser, NULL, "Friday jam" };

  tandem_session_host_set_tls (host, TANDEM_HOST_TLS_ON);
  tandem_session_host_set_certificate_path (host, cert);
  tandem_session_host_set_fsync (host, FALSE);
  tandem_session_host_set_lan_names (host, "Friday jam", "Ada");
  g_assert_true (tandem_session_host_start (host, 0, NULL, NULL, &error));
  g_assert_no_error (error);
  /* A copy: the host's own goes when it stops. */
  session_id = g_strdup (tandem_session_host_get_session_id (host));
  lookup.session_id = session_id;

  g_assert_true (sync_test_wait (is_announced, host, 10000));
  g_assert_true (sync_test_wait (is_listed, &lookup, 10000));
  found = find_session (&lookup);
  g_assert_cmpstr (tandem_lan_session_get_host_name (found), ==, "Ada");
  g_assert_cmpuint (tandem_lan_session_get_port (found), ==, tandem_session_host_get_port (host));
  tandem_certificate_fingerprint (tandem_session_host_get_certificate (host), fp);
  pin = tandem_fingerprint_to_string (fp);
  g_assert_cmpstr (tandem_lan_session_get_fingerprint (found), ==, pin);
  g_assert_nonnull (tandem_lan_session_get_address (found));
  if (g_getenv ("TANDEM_TEST_IPV4") != NULL)
    {
      /* Seen over IPv4 and over IPv6, listed once, at the IPv4 address. */
      g_clear_object (&found);
      g_assert_true (sync_test_wait (once_at_ipv4, &lookup, 10000));
      found = find_session (&lookup);
      g_assert_cmpstr (tandem_lan_session_get_address (found), ==, g_getenv ("TANDEM_TEST_IPV4"));
    }
  else if (g_getenv ("TANDEM_TEST_IPV6") != NULL)
    g_assert_cmpstr (tandem_lan_session_get_address (found), ==, g_getenv ("TANDEM_TEST_IPV6"));

  /* What the listing gives is enough to reach the host and verify its
   * certificate; the token comes from elsewhere (it is never announced). */
  invite = tandem_invite_new (tandem_lan_session_get_address (found),
                              tandem_lan_session_get_port (found),
                              tandem_lan_session_get_session_id (found),
                              tandem_session_host_get_token (host, TANDEM_ROLE_EDITOR));
  g_assert_true (tandem_fingerprint_parse (tandem_lan_session_get_fingerprint (found), fp));
  tandem_invite_set_tls (invite, fp);
  link = tandem_invite_to_link (invite);
  tandem_invite_free (invite);
  g_assert_true (tandem_sync_client_connect (client, link, &error));
  g_assert_no_error (error);
  g_assert_true (sync_test_wait_live (client));

  /* A rename reaches the listing. */
  tandem_session_host_set_lan_names (host, "Saturday jam", NULL);
  lookup.name = "Saturday jam";
  g_assert_true (sync_test_wait (is_listed, &lookup, 10000));

  /* A host that stops leaves the listing. */
  tandem_sync_client_disconnect (client);
  lookup.name = NULL;
  tandem_session_host_stop (host);
  g_assert_true (sync_test_wait (is_gone, &lookup, 10000));
  sync_test_rm_rf (dir);
}

int
main (int argc, char **argv)
{
  if (g_getenv ("TANDEM_TEST_AVAHI") == NULL)
    {
      g_print ("1..0 # SKIP run through discovery-env.sh (needs its own avahi-daemon)\n");
      return 77;
    }
  sync_test_init (&argc, &argv);
  g_test_add_func ("/discovery/announce-browse-join", test_announce_browse_join);
  return g_test_run ();
}
