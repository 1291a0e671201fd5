/* test-remote-host-client.c — TandemRemoteHost against servers that answer oddly
 *
 * A real tandem-server is in tests/ui/test-remote-host.c; here a small
 * libsoup server answers what each case needs (a refusal with Retry-After,
 * a huge or wrong "session"), and the address forms are checked.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "sync-test-utils.h"

typedef struct
{
  guint       status;
  const char *retry_after;
  char       *body;
  guint       n_requests;
  char       *authorization;
} Answer;

static void
answer_cb (SoupServer        *server,
           SoupServerMessage *msg,
           const char        *path,
           GHashTable        *query,
           gpointer           user_data)
{
  Answer *answer = user_data;
  const char *auth = soup_message_headers_get_one (soup_server_message_get_request_headers (msg),
                                                   "Authorization");

  answer->n_requests++;
  g_free (answer->authorization);
  answer->authorization = g_strdup (auth);
  if (answer->retry_after != NULL)
    soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Retry-After",
                                  answer->retry_after);
  soup_server_message_set_status (msg, answer->status, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_COPY, answer->body,
                                    strlen (answer->body));
}

static SoupServer *
start_server (Answer  *answer,
              guint16 *port)
{
  SoupServer *server = soup_server_new (NULL, NULL);
  g_autoptr(GError) error = NULL;
  GSList *uris;

  soup_server_add_handler (server, "/sessions", answer_cb, answer, NULL);
  g_assert_true (soup_server_listen_local (server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error));
  g_assert_no_error (error);
  uris = soup_server_get_uris (server);
  *port = g_uri_get_port (uris->data);
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
  return server;
}

static void
on_created (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

static gboolean
is_set (gpointer data)
{
  return *(gpointer *) data != NULL;
}

/* Creates a session at 127.0.0.1:@port; returns it or NULL with @error. */
static TandemRemoteSession *
create (TandemRemoteHost *host,
        guint16           port,
        const char       *token,
        GError          **error)
{
  g_autoptr(TandemProject) project = tandem_project_new_demo ();
  g_autofree char *address = g_strdup_printf ("http://127.0.0.1:%u", port);
  g_autoptr(GAsyncResult) result = NULL;

  tandem_remote_host_create_async (host, address, token, project, NULL, on_created, &result);
  g_assert_true (sync_test_wait (is_set, &result, 10000));
  return tandem_remote_host_create_finish (host, result, error);
}

static char *
created_body (const char *id,
              const char *link_id)
{
  return g_strdup_printf ("{\"id\":\"%s\","
                          "\"invites\":{\"owner\":\"tandem://127.0.0.1:1/%s?token=aaaa\","
                          "\"editor\":\"tandem://127.0.0.1:1/%s?token=bbbb\","
                          "\"viewer\":\"tandem://127.0.0.1:1/%s?token=cccc\"},"
                          "\"ws\":{\"owner\":\"ws://x\",\"editor\":\"ws://y\",\"viewer\":\"ws://z\"}}",
                          id, link_id, link_id, link_id);
}

static void
test_answers (void)
{
  g_autoptr(TandemRemoteHost) host = tandem_remote_host_new (NULL);
  g_autoptr(TandemRemoteSession) session = NULL;
  g_autoptr(GError) error = NULL;
  Answer answer = { 0, };
  SoupServer *server;
  guint16 port;

  server = start_server (&answer, &port);

  /* A good answer, and the token went as a bearer. */
  answer.status = 201;
  answer.body = created_body ("abcd", "abcd");
  session = create (host, port, "s3cret", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (session->id, ==, "abcd");
  g_assert_cmpstr (session->links[TANDEM_ROLE_EDITOR], ==, "tandem://127.0.0.1:1/abcd?token=bbbb");
  g_assert_cmpstr (session->ws_urls[TANDEM_ROLE_VIEWER], ==, "ws://z");
  g_assert_cmpstr (answer.authorization, ==, "Bearer s3cret");
  g_assert_cmpint (tandem_remote_host_get_stage (host), ==, TANDEM_REMOTE_HOST_CREATING);
  g_clear_pointer (&session, tandem_remote_session_free);

  /* No token: no Authorization header at all. */
  session = create (host, port, "", &error);
  g_assert_no_error (error);
  g_assert_null (answer.authorization);
  g_clear_pointer (&session, tandem_remote_session_free);

  /* Links that name another session are not taken. */
  g_free (answer.body);
  answer.body = created_body ("abcd", "efgh");
  session = create (host, port, NULL, &error);
  g_assert_error (error, TANDEM_REMOTE_HOST_ERROR, TANDEM_REMOTE_HOST_ERROR_BAD_ANSWER);
  g_clear_error (&error);

  /* An answer far larger than any server's is not read to its end. */
  g_free (answer.body);
  answer.body = g_strnfill (4 * 1024 * 1024, ' ');
  session = create (host, port, NULL, &error);
  g_assert_error (error, TANDEM_REMOTE_HOST_ERROR, TANDEM_REMOTE_HOST_ERROR_BAD_ANSWER);
  g_clear_error (&error);

  /* 429 with the server's reason and its Retry-After. */
  g_free (answer.body);
  answer.status = 429;
  answer.retry_after = "120";
  answer.body = g_strdup ("{\"error\":{\"code\":\"rate-limited\",\"message\":\"Slow down\"}}");
  session = create (host, port, NULL, &error);
  g_assert_error (error, TANDEM_REMOTE_HOST_ERROR, TANDEM_REMOTE_HOST_ERROR_RATE_LIMITED);
  g_assert_cmpstr (error->message, ==, "Slow down");
  g_assert_cmpuint (tandem_remote_host_get_retry_after (host), ==, 120);
  g_assert_cmpint (tandem_remote_host_get_stage (host), ==, TANDEM_REMOTE_HOST_IDLE);
  g_clear_error (&error);

  /* Without the header, the body's retry_after_ms. */
  answer.retry_after = NULL;
  g_free (answer.body);
  answer.body = g_strdup ("{\"error\":{\"code\":\"rate-limited\",\"message\":\"x\","
                          "\"retry_after_ms\":1500}}");
  session = create (host, port, NULL, &error);
  g_assert_error (error, TANDEM_REMOTE_HOST_ERROR, TANDEM_REMOTE_HOST_ERROR_RATE_LIMITED);
  g_assert_cmpuint (tandem_remote_host_get_retry_after (host), ==, 2);
  g_clear_error (&error);

  /* The other refusals, each its own code. */
  {
    const struct { guint status; int code; } cases[] = {
      { 401, TANDEM_REMOTE_HOST_ERROR_UNAUTHORIZED },
      { 403, TANDEM_REMOTE_HOST_ERROR_FORBIDDEN },
      { 413, TANDEM_REMOTE_HOST_ERROR_TOO_LARGE },
      { 503, TANDEM_REMOTE_HOST_ERROR_BUSY },
      { 400, TANDEM_REMOTE_HOST_ERROR_REFUSED },
    };

    for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
      {
        answer.status = cases[i].status;
        session = create (host, port, NULL, &error);
        g_assert_error (error, TANDEM_REMOTE_HOST_ERROR, cases[i].code);
        g_clear_error (&error);
      }
  }

  /* A 404 page from something else. */
  answer.status = 404;
  g_free (answer.body);
  answer.body = g_strdup ("<html>nothing here</html>");
  session = create (host, port, NULL, &error);
  g_assert_error (error, TANDEM_REMOTE_HOST_ERROR, TANDEM_REMOTE_HOST_ERROR_BAD_ANSWER);
  g_clear_error (&error);

  soup_server_disconnect (server);
  g_object_unref (server);
  g_free (answer.body);
  g_free (answer.authorization);
}

static void
test_addresses (void)
{
  const struct { const char *in; const char *out; } good[] = {
    { "jam.example.org", "https://jam.example.org:8421" },
    { " jam.example.org:9000 ", "https://jam.example.org:9000" },
    { "https://jam.example.org:443/", "https://jam.example.org:443" },
    { "HTTPS://jam.example.org", "https://jam.example.org:8421" },
    { "http://127.0.0.1:8421", "http://127.0.0.1:8421" },
    { "http://localhost:1", "http://localhost:1" },
    { "http://[::1]:8421", "http://[::1]:8421" },
    { "[2001:db8::1]:8421", "https://[2001:db8::1]:8421" },
  };
  const char *bad[] = {
    "", "   ", "http://192.0.2.1:8421", "http://jam.example.org", "ftp://jam.example.org",
    "jam.example.org/sessions", "https://user@jam.example.org", "jam.example.org:0",
    "jam.example.org:99999", "https://jam.example.org?x=1", "tandem://jam.example.org:1/abc",
  };

  for (guint i = 0; i < G_N_ELEMENTS (good); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *base = tandem_remote_host_parse_address (good[i].in, &error);

      g_assert_no_error (error);
      g_assert_cmpstr (base, ==, good[i].out);
    }
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *base = tandem_remote_host_parse_address (bad[i], &error);

      g_assert_null (base);
      g_assert_error (error, TANDEM_REMOTE_HOST_ERROR, TANDEM_REMOTE_HOST_ERROR_BAD_ADDRESS);
    }
}

/* Nobody listens: unreachable, in words that name the server. */
static void
test_unreachable (void)
{
  g_autoptr(TandemRemoteHost) host = tandem_remote_host_new (NULL);
  g_autoptr(GSocket) sock = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, 0, NULL);
  g_autoptr(GInetAddress) lo = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) any = g_inet_socket_address_new (lo, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(TandemRemoteSession) session = NULL;

  g_assert_true (g_socket_bind (sock, any, TRUE, NULL));
  bound = g_socket_get_local_address (sock, NULL);
  session = create (host, g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound)), NULL,
                    &error);
  g_assert_error (error, TANDEM_REMOTE_HOST_ERROR, TANDEM_REMOTE_HOST_ERROR_UNREACHABLE);
  g_assert_nonnull (strstr (error->message, "127.0.0.1"));
}

int
main (int   argc,
      char *argv[])
{
  sync_test_init (&argc, &argv);

  g_test_add_func ("/sync/remote-host/addresses", test_addresses);
  g_test_add_func ("/sync/remote-host/answers", test_answers);
  g_test_add_func ("/sync/remote-host/unreachable", test_unreachable);
  return g_test_run ();
}
