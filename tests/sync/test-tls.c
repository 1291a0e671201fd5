/* test-tls.c — wss:// and https:// with pinned certificates: joins, refusals, samples, the host
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Certificates are made here with the host-certificate code (GnuTLS); the
 * server serves them through GLib's TLS (glib-networking), the client
 * checks them as a user's would.
 */
#define G_LOG_DOMAIN "tandem-sync-test"

#include "config.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <glib/gstdio.h>
#include <sndfile.h>

#include "sync-test-proxy.h"
#include "sync-test-utils.h"
#include "tandem-host-certificate.h"
#include "tandem-sample-import.h"

#define DAY (24 * 3600)

static char *tmp;

static GTlsCertificate *
make_certificate (gint64 not_before,
                  gint64 not_after)
{
  const char *hosts[] = { "127.0.0.1", "localhost", NULL };
  g_autoptr(GError) error = NULL;
  g_autofree char *pem = tandem_host_certificate_generate_pem (hosts, not_before, not_after, &error);
  GTlsCertificate *certificate;

  g_assert_no_error (error);
  certificate = g_tls_certificate_new_from_pem (pem, -1, &error);
  g_assert_no_error (error);
  return certificate;
}

static GTlsCertificate *
make_valid_certificate (void)
{
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  return make_certificate (now - 3600, now + 30 * DAY);
}

/* The session server of sync_test_server_new(), serving TLS with @certificate. */
static SyncTestServer *
tls_server_new (GTlsCertificate          *certificate,
                const TandemServerLimits *limits)
{
  SyncTestServer *ts = sync_test_server_new (limits, FALSE);

  tandem_session_server_set_tls_certificate (ts->server, certificate);
  return ts;
}

/* The link the server hands out (pinned to its certificate), or with
 * @other_fp pinned instead, or with no pin when @unpinned. */
static char *
tls_invite (SyncTestServer *ts,
            TandemRole      role,
            GTlsCertificate *other,
            gboolean        unpinned)
{
  g_autoptr(TandemInvite) invite = tandem_invite_new ("127.0.0.1", ts->port, ts->session_id,
                                                      ts->tokens[role]);

  tandem_session_server_secure_invite (ts->server, invite);
  g_assert_true (invite->tls && invite->pinned);
  if (other)
    {
      guint8 fp[TANDEM_FINGERPRINT_SIZE];

      tandem_certificate_fingerprint (other, fp);
      tandem_invite_set_tls (invite, fp);
    }
  if (unpinned)
    tandem_invite_set_tls (invite, NULL);
  return tandem_invite_to_link (invite);
}

/* What the client's error signal said. */
typedef struct
{
  char  *code;
  char  *message;
  guint  n;
} Errors;

static void
on_error (TandemSyncClient *client,
          const char       *code,
          const char       *message,
          Errors           *e)
{
  g_free (e->code);
  g_free (e->message);
  e->code = g_strdup (code);
  e->message = g_strdup (message);
  e->n++;
}

static void
errors_clear (Errors *e)
{
  g_free (e->code);
  g_free (e->message);
}

typedef struct
{
  TandemSyncClient *client;
  Errors           *errors;
} Refusal;

static gboolean
refused_for_good (gpointer data)
{
  Refusal *r = data;

  return r->errors->n > 0 && tandem_sync_client_get_state (r->client) == TANDEM_SYNC_STATE_OFFLINE;
}

/* Joins with @link, expects the error @code and the client to give up
 * (offline: no retry), and returns the message it showed. */
static char *
expect_refusal (const char *link,
                const char *code)
{
  g_autoptr(TandemSyncClient) client = sync_test_client_new ();
  Errors errors = { 0 };
  Refusal r = { client, &errors };
  char *message;

  g_signal_connect (client, "error", G_CALLBACK (on_error), &errors);
  g_assert_true (tandem_sync_client_connect (client, link, NULL));
  g_assert_true (sync_test_wait (refused_for_good, &r, 10000));
  g_assert_cmpstr (errors.code, ==, code);
  g_assert_cmpuint (errors.n, ==, 1);
  g_assert_cmpint (tandem_sync_client_get_state (client), ==, TANDEM_SYNC_STATE_OFFLINE);
  message = g_steal_pointer (&errors.message);
  errors_clear (&errors);
  return message;
}

/* Joining and editing over wss:// with the pinned certificate */

static void
test_join_pinned (void)
{
  g_autoptr(GTlsCertificate) certificate = make_valid_certificate ();
  SyncTestServer *ts = tls_server_new (certificate, NULL);
  g_autofree char *link = tls_invite (ts, TANDEM_ROLE_EDITOR, NULL, FALSE);
  TandemSyncClient *clients[2];
  const double tempos[] = { 97, 131 };

  g_assert_nonnull (strstr (link, "&fp=sha256:"));
  for (guint i = 0; i < 2; i++)
    {
      clients[i] = sync_test_client_new ();
      g_assert_true (tandem_sync_client_connect (clients[i], link, NULL));
      g_assert_true (sync_test_wait_live (clients[i]));
    }
  sync_test_assert_clients_edit (ts, clients, 2, tempos);
  for (guint i = 0; i < 2; i++)
    {
      tandem_sync_client_disconnect (clients[i]);
      g_object_unref (clients[i]);
    }
  sync_test_server_free (ts);
}

/* Refusals, each with its own reason */

static void
test_wrong_pin (void)
{
  g_autoptr(GTlsCertificate) certificate = make_valid_certificate ();
  g_autoptr(GTlsCertificate) other = make_valid_certificate ();
  SyncTestServer *ts = tls_server_new (certificate, NULL);
  g_autofree char *link = tls_invite (ts, TANDEM_ROLE_EDITOR, other, FALSE);
  g_autofree char *message = expect_refusal (link, TANDEM_CODE_CERTIFICATE_MISMATCH);

  g_assert_nonnull (strstr (message, "does not match the invite link"));
  g_assert_nonnull (strstr (message, "intercepting"));
  /* Nobody joined with the token. */
  g_assert_cmpuint (tandem_session_server_get_n_connections (ts->server), ==, 0);
  sync_test_server_free (ts);
}

static void
test_expired (void)
{
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  g_autoptr(GTlsCertificate) certificate = make_certificate (now - 60 * DAY, now - DAY);
  SyncTestServer *ts = tls_server_new (certificate, NULL);
  g_autofree char *link = tls_invite (ts, TANDEM_ROLE_EDITOR, NULL, FALSE);
  g_autofree char *message = expect_refusal (link, TANDEM_CODE_CERTIFICATE_EXPIRED);

  g_assert_nonnull (strstr (message, "expired"));
  sync_test_server_free (ts);
}

static void
test_unpinned_self_signed (void)
{
  g_autoptr(GTlsCertificate) certificate = make_valid_certificate ();
  SyncTestServer *ts = tls_server_new (certificate, NULL);
  g_autofree char *link = tls_invite (ts, TANDEM_ROLE_EDITOR, NULL, TRUE);
  g_autofree char *message = NULL;

  g_assert_null (strstr (link, "fp="));
  message = expect_refusal (link, TANDEM_CODE_CERTIFICATE_UNTRUSTED);
  g_assert_nonnull (strstr (message, "not signed by an authority"));
  sync_test_server_free (ts);
}

/* A plain client is told to use TLS, and the server goes on serving others. */
static void
test_plain_client (void)
{
  g_autoptr(GTlsCertificate) certificate = make_valid_certificate ();
  SyncTestServer *ts = tls_server_new (certificate, NULL);
  g_autofree char *plain = sync_test_server_invite (ts, TANDEM_ROLE_EDITOR);
  g_autofree char *link = tls_invite (ts, TANDEM_ROLE_EDITOR, NULL, FALSE);
  g_autofree char *message = NULL;
  g_autofree char *reply = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(TandemSyncClient) client = sync_test_client_new ();
  guint status;

  g_assert_nonnull (strstr (plain, "insecure=1"));
  message = expect_refusal (plain, TANDEM_CODE_TLS_REQUIRED);
  g_assert_nonnull (strstr (message, "encrypted"));
  /* Plain HTTP gets the same answer, with the reason in the body. */
  status = sync_test_http_call (ts->port, "GET", "/sessions", NULL, NULL, 5000, &reply, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (status, ==, 426);
  g_assert_nonnull (strstr (reply, TANDEM_CODE_TLS_REQUIRED));

  g_assert_true (tandem_sync_client_connect (client, link, NULL));
  g_assert_true (sync_test_wait_live (client));
  tandem_sync_client_disconnect (client);
  sync_test_server_free (ts);
}

/* A TLS client against a plain server is told the host speaks no TLS. */
static void
test_tls_client_plain_server (void)
{
  g_autoptr(GTlsCertificate) certificate = make_valid_certificate ();
  SyncTestServer *ts = sync_test_server_new (NULL, FALSE);
  g_autoptr(TandemInvite) invite = tandem_invite_new ("127.0.0.1", ts->port, ts->session_id,
                                                      ts->tokens[TANDEM_ROLE_EDITOR]);
  guint8 fp[TANDEM_FINGERPRINT_SIZE];
  g_autofree char *link = NULL;
  g_autofree char *message = NULL;

  tandem_certificate_fingerprint (certificate, fp);
  tandem_invite_set_tls (invite, fp);
  link = tandem_invite_to_link (invite);
  message = expect_refusal (link, TANDEM_CODE_TLS_UNAVAILABLE);
  sync_test_server_free (ts);
}

/* A TLS handshake that stalls is cut at the request deadline */

typedef struct
{
  GSocket *socket;
  gboolean closed;
} Stalled;

static gboolean
stalled_closed (gpointer data)
{
  Stalled *s = data;
  char buf[256];
  gssize n = g_socket_receive_with_blocking (s->socket, buf, sizeof buf, FALSE, NULL, NULL);

  if (n == 0)
    s->closed = TRUE;
  return s->closed;
}

static GSocket *
raw_connect (guint16 port)
{
  g_autoptr(GInetAddress) lo = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) addr = g_inet_socket_address_new (lo, port);
  g_autoptr(GError) error = NULL;
  GSocket *socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
                                  G_SOCKET_PROTOCOL_TCP, &error);

  g_assert_no_error (error);
  g_assert_true (g_socket_connect (socket, addr, NULL, &error));
  g_assert_no_error (error);
  return socket;
}

static void
test_stalled_handshake (void)
{
  g_autoptr(GTlsCertificate) certificate = make_valid_certificate ();
  TandemServerLimits limits;
  SyncTestServer *ts;
  g_autofree char *link = NULL;
  g_autoptr(TandemSyncClient) client = sync_test_client_new ();
  /* The first bytes of a TLS handshake record, and then nothing. */
  static const guint8 record_start[] = { 0x16, 0x03, 0x01, 0x02, 0x00, 0x01 };
  Stalled silent = { NULL, FALSE }, partial = { NULL, FALSE };
  gint64 start;

  tandem_server_limits_init_defaults (&limits);
  limits.request_timeout_ms = 300;
  ts = tls_server_new (certificate, &limits);
  link = tls_invite (ts, TANDEM_ROLE_EDITOR, NULL, FALSE);
  silent.socket = raw_connect (ts->port);
  partial.socket = raw_connect (ts->port);
  g_assert_cmpint (g_socket_send (partial.socket, (const char *) record_start, sizeof record_start,
                                  NULL, NULL), ==, sizeof record_start);
  start = g_get_monotonic_time ();
  g_assert_true (sync_test_wait (stalled_closed, &partial, 5000));
  g_assert_true (sync_test_wait (stalled_closed, &silent, 5000));
  /* Cut at the deadline, not at some later timeout of the TLS library. */
  g_assert_cmpint ((g_get_monotonic_time () - start) / 1000, <, 3000);

  /* Others still get in. */
  g_assert_true (tandem_sync_client_connect (client, link, NULL));
  g_assert_true (sync_test_wait_live (client));
  tandem_sync_client_disconnect (client);
  g_object_unref (silent.socket);
  g_object_unref (partial.socket);
  sync_test_server_free (ts);
}

/* The hello budget and the hello deadline hold over TLS, counted on the
 * decrypted stream. */
static void
test_guards (void)
{
  g_autoptr(GTlsCertificate) certificate = make_valid_certificate ();
  TandemServerLimits limits;
  SyncTestServer *ts;
  g_autoptr(SoupWebsocketConnection) flood = NULL;
  g_autoptr(SoupWebsocketConnection) silent = NULL;
  g_autofree char *padding = g_strnfill (3000, 'x');
  g_autofree char *chunk = g_strdup_printf ("{\"type\":\"ping\",\"pad\":\"%s\"}", padding);

  tandem_server_limits_init_defaults (&limits);
  limits.hello_timeout_ms = 300;
  ts = tls_server_new (certificate, &limits);

  /* Junk before the hello, past the hello budget: the connection ends. */
  flood = sync_test_raw_connect_tls (ts->port, ts->session_id, TANDEM_PROTOCOL_SUBPROTOCOL, certificate);
  g_assert_nonnull (flood);
  for (guint i = 0; i < 2 * limits.max_hello_bytes / strlen (chunk) + 1; i++)
    soup_websocket_connection_send_text (flood, chunk);
  g_assert_true (sync_test_raw_wait_closed (flood, 5000));

  /* Upgraded and then silent: cut at the hello deadline. */
  silent = sync_test_raw_connect_tls (ts->port, ts->session_id, TANDEM_PROTOCOL_SUBPROTOCOL, certificate);
  g_assert_nonnull (silent);
  g_assert_true (sync_test_raw_wait_closed (silent, 8000));
  sync_test_server_free (ts);
}

/* Samples over https:// */

static char *
make_wav (const char *name,
          guint       period)
{
  char *path = g_build_filename (tmp, name, NULL);
  SF_INFO info = { .samplerate = 48000, .channels = 1, .format = SF_FORMAT_WAV | SF_FORMAT_PCM_16 };
  SNDFILE *file = sf_open (path, SFM_WRITE, &info);
  short frames[12000];

  g_assert_nonnull (file);
  for (guint i = 0; i < G_N_ELEMENTS (frames); i++)
    frames[i] = (i / period) % 2 ? 12000 : -12000;
  g_assert_cmpint (sf_writef_short (file, frames, G_N_ELEMENTS (frames)), ==, G_N_ELEMENTS (frames));
  sf_close (file);
  return path;
}

static SyncTestPeer *
tls_peer_new (const char *link,
              const char *name)
{
  SyncTestPeer *p = g_new0 (SyncTestPeer, 1);

  p->dir = g_build_filename (tmp, name, NULL);
  p->store = tandem_sample_store_new (p->dir);
  p->client = sync_test_client_new ();
  p->transfers = tandem_sample_transfers_new (p->client, p->store);
  tandem_sample_transfers_set_backoff (p->transfers, 20, 200, 6);
  g_assert_true (tandem_sync_client_connect (p->client, link, NULL));
  g_assert_true (sync_test_wait_live (p->client));
  return p;
}

typedef struct
{
  TandemSampleStore *store;
  const char        *hash;
} Holds;

static gboolean
store_holds (gpointer data)
{
  Holds *h = data;
  g_autofree char *path = tandem_sample_store_lookup (h->store, h->hash);

  return path != NULL;
}

static gboolean
transfer_finished (gpointer data)
{
  return tandem_sample_transfer_is_finished (data);
}

/* Imports @wav into @p's store and registers it in the session. */
static TandemSampleImport *
share_sample (SyncTestPeer *p,
              const char   *wav)
{
  g_autoptr(GError) error = NULL;
  TandemProject *project = tandem_sync_client_get_project (p->client);
  g_autoptr(TandemTrack) track = g_list_model_get_item (tandem_project_get_tracks (project), 0);
  TandemSampleImport *import = tandem_sample_import_file (p->store, wav, 0, NULL, &error);
  g_autoptr(TandemOp) op = NULL;

  g_assert_no_error (error);
  op = tandem_sample_import_build_op (project, import, tandem_track_get_id (track));
  g_assert_true (tandem_sync_client_submit (p->client, op, &error));
  g_assert_no_error (error);
  return import;
}

static void
test_samples (void)
{
  g_autoptr(GTlsCertificate) certificate = make_valid_certificate ();
  g_autoptr(GTlsCertificate) impostor_cert = make_valid_certificate ();
  SyncTestServer *ts = tls_server_new (certificate, NULL);
  SyncTestServer *impostor = tls_server_new (impostor_cert, NULL);
  g_autofree char *link = tls_invite (ts, TANDEM_ROLE_EDITOR, NULL, FALSE);
  g_autofree char *wav = make_wav ("shared.wav", 109);
  g_autofree char *other_wav = make_wav ("other.wav", 73);
  SyncTestProxy *proxy = sync_test_proxy_new (ts->port);
  g_autofree char *proxied = sync_test_proxy_invite (proxy, link, ts->port);
  SyncTestPeer *up = tls_peer_new (link, "up");
  SyncTestPeer *down = tls_peer_new (link, "down");
  SyncTestPeer *fooled = tls_peer_new (proxied, "fooled");
  g_autoptr(TandemSampleImport) import = share_sample (up, wav);
  g_autoptr(TandemSampleImport) other = NULL;
  g_autoptr(TandemSampleTransfer) upload = g_object_ref (tandem_sample_transfers_upload (up->transfers,
                                                                                       import->hash));
  g_autoptr(TandemSampleTransfer) refused = NULL;
  Holds holds = { down->store, import->hash };
  guint accepted;

  /* Uploaded and downloaded over https:// with the pin. */
  g_assert_true (sync_test_wait (transfer_finished, upload, 20000));
  g_assert_cmpint (tandem_sample_transfer_get_state (upload), ==, TANDEM_TRANSFER_DONE);
  g_assert_true (sync_test_wait (store_holds, &holds, 20000));

  /* Someone else answers at the host's address: its certificate is not the
   * pinned one, and the upload is refused at once, never retried. */
  other = tandem_sample_import_file (fooled->store, other_wav, 0, NULL, NULL);
  g_assert_nonnull (other);
  sync_test_proxy_set_target (proxy, impostor->port);
  accepted = sync_test_proxy_get_n_accepted (proxy);
  refused = g_object_ref (tandem_sample_transfers_upload (fooled->transfers, other->hash));
  g_assert_true (sync_test_wait (transfer_finished, refused, 20000));
  g_assert_cmpint (tandem_sample_transfer_get_state (refused), ==, TANDEM_TRANSFER_FAILED);
  g_assert_nonnull (strstr (tandem_sample_transfer_get_error (refused), "does not match the invite link"));
  g_assert_cmpuint (sync_test_proxy_get_n_accepted (proxy) - accepted, ==, 1);

  sync_test_peer_free (fooled);
  sync_test_peer_free (down);
  sync_test_peer_free (up);
  sync_test_proxy_free (proxy);
  sync_test_server_free (impostor);
  sync_test_server_free (ts);
}

/* A host at an IPv6 address, as a nearby session found only over IPv6:
 * the address is no TLS server name, and is not sent as one. */

static gboolean
have_ipv6_loopback (void)
{
  g_autoptr(GSocket) sock = g_socket_new (G_SOCKET_FAMILY_IPV6, G_SOCKET_TYPE_STREAM, 0, NULL);
  g_autoptr(GInetAddress) lo = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV6);
  g_autoptr(GSocketAddress) any = g_inet_socket_address_new (lo, 0);

  return sock != NULL && g_socket_bind (sock, any, TRUE, NULL);
}

/* Like tls_server_new(), listening on ::1 with a certificate for it
 * (its PEM in *@pem_out, if given). */
static SyncTestServer *
ipv6_server_new (char **pem_out)
{
  const char *hosts[] = { "::1", NULL };
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  SyncTestServer *ts = g_new0 (SyncTestServer, 1);
  g_autoptr(GError) error = NULL;
  g_autofree char *pem = NULL;
  g_autoptr(GTlsCertificate) certificate = NULL;
  g_autoptr(TandemProject) demo = tandem_project_new_demo ();
  g_autoptr(JsonNode) project = tandem_project_to_json (demo);

  pem = tandem_host_certificate_generate_pem (hosts, now - 3600, now + 30 * DAY, &error);
  g_assert_no_error (error);
  certificate = g_tls_certificate_new_from_pem (pem, -1, &error);
  g_assert_no_error (error);
  ts->server = tandem_session_server_new (NULL, &error);
  g_assert_no_error (error);
  tandem_session_server_set_tls_certificate (ts->server, certificate);
  g_assert_true (tandem_session_server_listen (ts->server, "::1", 0, &error));
  g_assert_no_error (error);
  ts->port = tandem_session_server_get_port (ts->server);
  ts->session_id = tandem_session_server_create_session (ts->server, project, ts->tokens, &error);
  g_assert_no_error (error);
  if (pem_out)
    *pem_out = g_steal_pointer (&pem);
  return ts;
}

static void
knocked_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      data)
{
  *(GAsyncResult **) data = g_object_ref (result);
}

static gboolean
is_set (gpointer data)
{
  return *(gpointer *) data != NULL;
}

static void
test_ipv6 (void)
{
  SyncTestServer *ts = NULL;
  g_autoptr(TandemInvite) invite = NULL;
  g_autoptr(GAsyncResult) knocked = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *link = NULL;
  g_autofree char *tokenless = NULL;
  g_autofree char *token = NULL;
  g_autofree char *wav = NULL;
  g_autoptr(TandemSampleImport) import = NULL;
  g_autoptr(TandemSampleTransfer) upload = NULL;
  SyncTestPeer *up, *down;
  Holds holds;

  if (!have_ipv6_loopback ())
    {
      g_test_skip ("::1 is not available here (no IPv6 on loopback)");
      return;
    }
  ts = ipv6_server_new (NULL);
  invite = tandem_invite_new ("::1", ts->port, ts->session_id, NULL);
  tandem_session_server_secure_invite (ts->server, invite);
  g_assert_true (invite->tls && invite->pinned);
  tokenless = tandem_invite_to_link (invite);
  invite->token = g_strdup (ts->tokens[TANDEM_ROLE_EDITOR]);
  link = tandem_invite_to_link (invite);
  g_assert_true (g_str_has_prefix (link, "tandem://[::1]:"));

  /* Knocking gets through the handshake to the host's answer: nobody is
   * there to let anyone in. */
  tandem_knock_async (tokenless, "guest1", "Ada", NULL, knocked_cb, &knocked);
  g_assert_true (sync_test_wait (is_set, &knocked, 10000));
  token = tandem_knock_finish (knocked, NULL, &error);
  g_assert_null (token);
  g_assert_error (error, TANDEM_SYNC_ERROR, TANDEM_SYNC_ERROR_REMOTE);
  g_assert_true (g_str_has_prefix (error->message, TANDEM_CODE_NO_HOST ":"));

  /* Joining (the wss:// link, pinned), and a sample both ways over https://. */
  up = tls_peer_new (link, "ipv6-up");
  down = tls_peer_new (link, "ipv6-down");
  g_assert_cmpuint (tandem_session_server_get_n_connections (ts->server), ==, 2);
  wav = make_wav ("ipv6.wav", 89);
  import = share_sample (up, wav);
  upload = g_object_ref (tandem_sample_transfers_upload (up->transfers, import->hash));
  g_assert_true (sync_test_wait (transfer_finished, upload, 20000));
  g_assert_cmpint (tandem_sample_transfer_get_state (upload), ==, TANDEM_TRANSFER_DONE);
  holds = (Holds) { down->store, import->hash };
  g_assert_true (sync_test_wait (store_holds, &holds, 20000));

  sync_test_peer_free (down);
  sync_test_peer_free (up);
  sync_test_server_free (ts);
}

static void
created_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      data)
{
  *(GAsyncResult **) data = g_object_ref (result);
}

/* Hosting on a server given by its IPv6 address (https://[::1]:PORT) with a
 * certificate the system trusts: the app's request to create the session
 * names no address as TLS server, so the handshake goes through. */
static void
test_ipv6_remote_host (void)
{
  SyncTestServer *ts = NULL;
  g_autoptr(TandemRemoteHost) remote = NULL;
  g_autoptr(TandemRemoteSession) created = NULL;
  g_autoptr(TandemProject) demo = tandem_project_new_demo ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GTlsDatabase) database = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *pem = NULL, *ca = NULL, *address = NULL;
  GTlsBackend *backend = g_tls_backend_get_default ();
  g_autoptr(GTlsDatabase) before = g_tls_backend_get_default_database (backend);

  if (!have_ipv6_loopback ())
    {
      g_test_skip ("::1 is not available here (no IPv6 on loopback)");
      return;
    }
  ts = ipv6_server_new (&pem);
  tandem_session_server_set_admin_token (ts->server, "ipv6-admin-token");
  /* The server's certificate as the system's trust store would hold a CA's. */
  ca = g_build_filename (tmp, "ipv6-ca.pem", NULL);
  g_assert_true (g_file_set_contents (ca, pem, -1, NULL));
  database = g_tls_file_database_new (ca, &error);
  g_assert_no_error (error);
  g_tls_backend_set_default_database (backend, database);

  remote = tandem_remote_host_new (NULL);
  address = g_strdup_printf ("https://[::1]:%u", ts->port);
  tandem_remote_host_create_async (remote, address, "ipv6-admin-token", demo, NULL, created_cb,
                                   &result);
  g_assert_true (sync_test_wait (is_set, &result, 10000));
  created = tandem_remote_host_create_finish (remote, result, &error);
  g_assert_no_error (error);
  g_assert_nonnull (created);
  g_assert_cmpuint (tandem_session_server_get_n_sessions (ts->server), ==, 2);

  g_tls_backend_set_default_database (backend, before);
  g_clear_object (&remote);
  sync_test_server_free (ts);
}

/* The in-app host: its own certificate, pinned in its links, kept */

static gboolean
at_tempo_133 (gpointer data)
{
  return tandem_project_get_tempo (tandem_sync_client_get_project (data)) == 133;
}

static void
test_host (void)
{
  g_autofree char *dir = g_build_filename (tmp, "host-data", NULL);
  g_autofree char *path = g_build_filename (dir, "host-certificate.pem", NULL);
  g_autoptr(TandemSessionHost) host = tandem_session_host_new ();
  g_autoptr(TandemSessionHost) loopback = tandem_session_host_new ();
  g_autoptr(TandemSyncClient) owner = sync_test_client_new ();
  g_autoptr(TandemSyncClient) guest = sync_test_client_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(TandemInvite) invite = NULL;
  g_autoptr(TandemInvite) again = NULL;
  g_autofree char *owner_link = NULL;
  g_autofree char *editor_link = NULL;
  g_autofree char *second_link = NULL;
  g_autofree char *plain_link = NULL;
  guint8 served[TANDEM_FINGERPRINT_SIZE];
  GStatBuf st;

  tandem_session_host_set_bind_address (host, "127.0.0.1");
  tandem_session_host_set_tls (host, TANDEM_HOST_TLS_ON);
  tandem_session_host_set_certificate_path (host, path);
  g_assert_true (tandem_session_host_start (host, 0, NULL, NULL, &error));
  g_assert_no_error (error);
  /* Made on first use, for this user's eyes only. */
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  tandem_certificate_fingerprint (tandem_session_host_get_certificate (host), served);

  owner_link = tandem_session_host_dup_invite (host, TANDEM_ROLE_OWNER);
  editor_link = tandem_session_host_dup_invite (host, TANDEM_ROLE_EDITOR);
  g_assert_nonnull (strstr (editor_link, "&fp=sha256:"));
  invite = tandem_invite_parse (editor_link, &error);
  g_assert_no_error (error);
  g_assert_true (invite->tls && invite->pinned);
  g_assert_cmpmem (invite->fingerprint, sizeof served, served, sizeof served);

  g_assert_true (tandem_sync_client_connect (owner, owner_link, NULL));
  g_assert_true (tandem_sync_client_connect (guest, editor_link, NULL));
  g_assert_true (sync_test_wait_live (owner));
  g_assert_true (sync_test_wait_live (guest));
  {
    g_autoptr(TandemOp) op = tandem_op_new_set_double (TANDEM_ENTITY_PROJECT, NULL, "tempo", 133);

    g_assert_true (tandem_sync_client_submit (guest, op, NULL));
  }
  g_assert_true (sync_test_wait (at_tempo_133, owner, 10000));
  tandem_sync_client_disconnect (owner);
  tandem_sync_client_disconnect (guest);
  tandem_session_host_stop (host);

  /* Started again: the same certificate, so old links still pin it. */
  g_assert_true (tandem_session_host_start (host, 0, NULL, NULL, &error));
  g_assert_no_error (error);
  second_link = tandem_session_host_dup_invite (host, TANDEM_ROLE_EDITOR);
  again = tandem_invite_parse (second_link, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (again->fingerprint, sizeof served, served, sizeof served);
  tandem_session_host_stop (host);

  /* A host on loopback only stays plain unless told otherwise. */
  tandem_session_host_set_bind_address (loopback, "127.0.0.1");
  g_assert_true (tandem_session_host_start (loopback, 0, NULL, NULL, &error));
  g_assert_no_error (error);
  plain_link = tandem_session_host_dup_invite (loopback, TANDEM_ROLE_EDITOR);
  g_assert_nonnull (strstr (plain_link, "insecure=1"));
  g_assert_null (tandem_session_host_get_certificate (loopback));
  tandem_session_host_stop (loopback);
}

/* The headless tandem-server: no network in clear, and TLS from files */

static char *
server_path (void)
{
  const char *build = g_getenv ("TANDEM_BUILD_DIR");

  return build ? g_build_filename (build, "src", "server", "tandem-server", NULL) : NULL;
}

static gboolean
accept_pinned (SoupMessage         *msg,
               GTlsCertificate     *certificate,
               GTlsCertificateFlags errors,
               GTlsCertificate     *expected)
{
  guint8 fp[TANDEM_FINGERPRINT_SIZE];

  tandem_certificate_fingerprint (expected, fp);
  return tandem_certificate_matches_pin (certificate, fp);
}

static void
test_headless (void)
{
  g_autofree char *path = server_path ();
  g_autofree char *dir = g_build_filename (tmp, "headless", NULL);
  g_autofree char *cert_file = g_build_filename (tmp, "server-cert.pem", NULL);
  g_autofree char *key_file = g_build_filename (tmp, "server-key.pem", NULL);
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  const char *hosts[] = { "127.0.0.1", NULL };
  g_autofree char *pem = tandem_host_certificate_generate_pem (hosts, now - 3600, now + DAY, NULL);
  const char *key_start = strstr (pem, "-----BEGIN PRIVATE KEY-----");
  g_autoptr(GTlsCertificate) certificate = g_tls_certificate_new_from_pem (pem, -1, NULL);
  g_autoptr(GSubprocess) refused = NULL;
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GDataInputStream) out = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *err_text = NULL;
  g_autofree char *line = NULL;
  g_autofree char *url = NULL;
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autoptr(SoupMessage) msg = NULL;
  g_autoptr(GBytes) reply = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(TandemSyncClient) client = sync_test_client_new ();
  const char *link;
  guint port;

  if (path == NULL || !g_file_test (path, G_FILE_TEST_IS_EXECUTABLE))
    {
      g_test_skip ("tandem-server not found (set TANDEM_BUILD_DIR)");
      return;
    }
  g_assert_nonnull (key_start);
  g_assert_true (g_file_set_contents (cert_file, pem, key_start - pem, NULL));
  g_assert_true (g_file_set_contents_full (key_file, key_start, -1, 0, 0600, NULL));

  /* On every interface without a certificate: refused, saying how to fix it. */
  refused = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_PIPE, &error,
                              path, "--data-dir", dir, "--port", "0", "--bind", "0.0.0.0", NULL);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_communicate_utf8 (refused, NULL, NULL, NULL, &err_text, &error));
  g_assert_no_error (error);
  g_assert_false (g_subprocess_get_successful (refused));
  g_assert_nonnull (strstr (err_text, "--tls-cert"));
  g_assert_nonnull (strstr (err_text, "--insecure"));

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  proc = g_subprocess_launcher_spawn (launcher, &error, path, "--data-dir", dir, "--port", "0",
                                      "--bind", "127.0.0.1", "--admin-token", "admin",
                                      "--tls-cert", cert_file, "--tls-key", key_file, NULL);
  g_assert_no_error (error);
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (proc));
  line = g_data_input_stream_read_line (out, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (line, "tandem-server listening on port "));
  port = atoi (line + strlen ("tandem-server listening on port "));

  /* The HTTP API over https://, and the links it makes pin the certificate. */
  url = g_strdup_printf ("https://127.0.0.1:%u/sessions", port);
  msg = soup_message_new ("POST", url);
  soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", "Bearer admin");
  g_signal_connect (msg, "accept-certificate", G_CALLBACK (accept_pinned), certificate);
  reply = soup_session_send_and_read (session, msg, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (soup_message_get_status (msg), ==, SOUP_STATUS_CREATED);
  root = json_from_string (g_bytes_get_data (reply, NULL), &error);
  g_assert_no_error (error);
  link = json_object_get_string_member (json_object_get_object_member (json_node_get_object (root),
                                                                       "invites"), "editor");
  g_assert_true (g_str_has_prefix (link, "tandem://"));
  g_assert_nonnull (strstr (link, "&fp=sha256:"));
  g_assert_true (tandem_sync_client_connect (client, link, NULL));
  g_assert_true (sync_test_wait_live (client));
  tandem_sync_client_disconnect (client);

  g_subprocess_send_signal (proc, SIGTERM);
  g_assert_true (g_subprocess_wait (proc, NULL, &error));
  g_assert_no_error (error);
}

int
main (int    argc,
      char **argv)
{
  int status;

  sync_test_init (&argc, &argv);
  tmp = sync_test_make_tmpdir ();
  if (!g_tls_backend_supports_tls (g_tls_backend_get_default ()))
    {
      g_printerr ("No TLS backend (glib-networking): skipping\n");
      return 77;
    }
  g_test_add_func ("/tls/join-pinned", test_join_pinned);
  g_test_add_func ("/tls/wrong-pin", test_wrong_pin);
  g_test_add_func ("/tls/expired", test_expired);
  g_test_add_func ("/tls/unpinned-self-signed", test_unpinned_self_signed);
  g_test_add_func ("/tls/plain-client", test_plain_client);
  g_test_add_func ("/tls/tls-client-plain-server", test_tls_client_plain_server);
  g_test_add_func ("/tls/stalled-handshake", test_stalled_handshake);
  g_test_add_func ("/tls/guards", test_guards);
  g_test_add_func ("/tls/samples", test_samples);
  g_test_add_func ("/tls/ipv6", test_ipv6);
  g_test_add_func ("/tls/ipv6-remote-host", test_ipv6_remote_host);
  g_test_add_func ("/tls/host", test_host);
  g_test_add_func ("/tls/headless", test_headless);
  status = g_test_run ();
  sync_test_rm_rf (tmp);
  g_free (tmp);
  return status;
}
