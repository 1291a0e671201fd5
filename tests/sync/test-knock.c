/* test-knock.c — a person without a token asks the owner to let them in
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "sync-test-utils.h"

#include <string.h>

typedef struct
{
  SyncTestServer          *ts;
  SoupWebsocketConnection *owner;
} Fixture;

static SoupWebsocketConnection *
raw_join (Fixture    *f,
          TandemRole  role,
          const char *client_id)
{
  SoupWebsocketConnection *conn = sync_test_raw_connect (f->ts->port, f->ts->session_id,
                                                         TANDEM_PROTOCOL_SUBPROTOCOL);
  g_autoptr(JsonObject) welcome = NULL;

  g_assert_nonnull (conn);
  welcome = sync_test_raw_join (conn, f->ts->session_id, f->ts->tokens[role], client_id);
  g_assert_nonnull (welcome);
  return conn;
}

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  f->ts = sync_test_server_new (NULL, FALSE);
  if (GPOINTER_TO_INT (data) == 0)
    f->owner = raw_join (f, TANDEM_ROLE_OWNER, "owner1");
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  g_clear_object (&f->owner);
  sync_test_server_free (f->ts);
}

static SoupWebsocketConnection *
knock (Fixture    *f,
       const char *client_id,
       const char *name)
{
  SoupWebsocketConnection *conn = sync_test_raw_connect (f->ts->port, f->ts->session_id,
                                                         TANDEM_PROTOCOL_SUBPROTOCOL);
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *text = NULL;

  g_assert_nonnull (conn);
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "type");
  json_builder_add_string_value (b, "knock");
  json_builder_set_member_name (b, "session");
  json_builder_add_string_value (b, f->ts->session_id);
  json_builder_set_member_name (b, "client");
  json_builder_add_string_value (b, client_id);
  json_builder_set_member_name (b, "name");
  json_builder_add_string_value (b, name);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  text = json_to_string (root, FALSE);
  soup_websocket_connection_send_text (conn, text);
  return conn;
}

/* The owner hears that the knock @id no longer waits. */
static void
owner_sees_knock_end (SoupWebsocketConnection *owner,
                      const char              *id)
{
  g_autoptr(JsonObject) msg = sync_test_raw_expect (owner, "knock-ended", 10000);

  g_assert_nonnull (msg);
  g_assert_cmpstr (json_object_get_string_member (msg, "knock"), ==, id);
}

/* The owner sees the knock; returns its id. */
static char *
owner_sees_knock (SoupWebsocketConnection *owner,
                  const char              *name)
{
  g_autoptr(JsonObject) msg = sync_test_raw_expect (owner, "knock", 10000);

  g_assert_nonnull (msg);
  g_assert_cmpstr (json_object_get_string_member (msg, "name"), ==, name);
  return g_strdup (json_object_get_string_member (msg, "knock"));
}

static void
answer (SoupWebsocketConnection *conn,
        const char              *type,
        const char              *id,
        const char              *role,
        const char              *token)
{
  g_autofree char *text = NULL;

  if (role)
    text = g_strdup_printf ("{\"type\":\"%s\",\"knock\":\"%s\",\"role\":\"%s\",\"token\":\"%s\"}",
                            type, id, role, token);
  else
    text = g_strdup_printf ("{\"type\":\"%s\",\"knock\":\"%s\"}", type, id);
  soup_websocket_connection_send_text (conn, text);
}

static void
admit_and_join (Fixture *f, TandemRole role)
{
  g_autoptr(SoupWebsocketConnection) k = knock (f, "guest1", "Ada");
  g_autoptr(SoupWebsocketConnection) joined = NULL;
  g_autoptr(JsonObject) admitted = NULL;
  g_autoptr(JsonObject) welcome = NULL;
  g_autofree char *id = owner_sees_knock (f->owner, "Ada");

  answer (f->owner, "admit", id, tandem_role_to_string (role), f->ts->tokens[role]);
  admitted = sync_test_raw_expect (k, "admitted", 10000);
  g_assert_nonnull (admitted);
  g_assert_cmpstr (json_object_get_string_member (admitted, "role"), ==,
                   tandem_role_to_string (role));
  g_assert_cmpstr (json_object_get_string_member (admitted, "token"), ==, f->ts->tokens[role]);
  g_assert_true (sync_test_raw_wait_closed (k, 10000));

  /* With the token they join as usual. */
  joined = sync_test_raw_connect (f->ts->port, f->ts->session_id, TANDEM_PROTOCOL_SUBPROTOCOL);
  welcome = sync_test_raw_join (joined, f->ts->session_id,
                                json_object_get_string_member (admitted, "token"), "guest1");
  g_assert_nonnull (welcome);
}

static void
test_admit_editor (Fixture *f, gconstpointer data)
{
  admit_and_join (f, TANDEM_ROLE_EDITOR);
}

static void
test_admit_viewer (Fixture *f, gconstpointer data)
{
  admit_and_join (f, TANDEM_ROLE_VIEWER);
}

static void
test_deny (Fixture *f, gconstpointer data)
{
  g_autoptr(SoupWebsocketConnection) k = knock (f, "guest1", "Ada");
  g_autofree char *id = owner_sees_knock (f->owner, "Ada");

  answer (f->owner, "deny", id, NULL, NULL);
  sync_test_raw_expect_error (k, "denied");
  g_assert_true (sync_test_raw_wait_closed (k, 10000));
  /* Every connection of the owner's drops its prompt, the one that answered too. */
  owner_sees_knock_end (f->owner, id);
}

/* A knocker who gives up leaves the owner's queue; the knock after it
 * still waits. */
static void
test_give_up (Fixture *f, gconstpointer data)
{
  g_autoptr(SoupWebsocketConnection) k = knock (f, "guest1", "Ada");
  g_autoptr(SoupWebsocketConnection) k2 = NULL;
  g_autofree char *id = owner_sees_knock (f->owner, "Ada");
  g_autofree char *id2 = NULL;

  k2 = knock (f, "guest2", "Grace");
  id2 = owner_sees_knock (f->owner, "Grace");
  soup_websocket_connection_close (k, TANDEM_CLOSE_NORMAL, NULL);
  owner_sees_knock_end (f->owner, id);
  /* An admit for the one who left finds nobody. */
  answer (f->owner, "admit", id, "editor", f->ts->tokens[TANDEM_ROLE_EDITOR]);
  sync_test_raw_expect_error (f->owner, "expired");
  answer (f->owner, "deny", id2, NULL, NULL);
  sync_test_raw_expect_error (k2, "denied");
}

static void
test_expiry (Fixture *f, gconstpointer data)
{
  g_autoptr(SoupWebsocketConnection) k = NULL;
  g_autofree char *id = NULL;

  tandem_session_server_set_knock_timeout (f->ts->server, 200);
  k = knock (f, "guest1", "Ada");
  id = owner_sees_knock (f->owner, "Ada");
  sync_test_raw_expect_error (k, "expired");
  owner_sees_knock_end (f->owner, id);
  /* A late admit lets nobody in. */
  answer (f->owner, "admit", id, "editor", f->ts->tokens[TANDEM_ROLE_EDITOR]);
  sync_test_raw_expect_error (f->owner, "expired");
}

static void
test_too_many_pending (Fixture *f, gconstpointer data)
{
  SoupWebsocketConnection *waiting[8];
  g_autoptr(SoupWebsocketConnection) extra = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (waiting); i++)
    {
      g_autofree char *cid = g_strdup_printf ("guest%u", i);
      g_autofree char *id = NULL;

      waiting[i] = knock (f, cid, cid);
      id = owner_sees_knock (f->owner, cid);
    }
  extra = knock (f, "guest9", "Ninth");
  sync_test_raw_expect_error (extra, "busy");
  for (guint i = 0; i < G_N_ELEMENTS (waiting); i++)
    g_object_unref (waiting[i]);
}

static void
test_non_owner_admit (Fixture *f, gconstpointer data)
{
  g_autoptr(SoupWebsocketConnection) editor = raw_join (f, TANDEM_ROLE_EDITOR, "editor1");
  g_autoptr(SoupWebsocketConnection) k = knock (f, "guest1", "Ada");
  g_autofree char *id = owner_sees_knock (f->owner, "Ada");
  g_autoptr(JsonObject) pong = NULL;

  answer (editor, "admit", id, "editor", f->ts->tokens[TANDEM_ROLE_EDITOR]);
  sync_test_raw_expect_error (editor, "not-owner");
  /* The knock still waits: the owner can deny it. */
  answer (f->owner, "deny", id, NULL, NULL);
  sync_test_raw_expect_error (k, "denied");
}

static void
test_no_owner (Fixture *f, gconstpointer data)
{
  g_autoptr(SoupWebsocketConnection) k = knock (f, "guest1", "Ada");

  sync_test_raw_expect_error (k, "no-host");
}

/* One address knocking again and again is told to wait. */
static void
test_rate_limited (Fixture *f, gconstpointer data)
{
  for (guint i = 0; i < 10; i++)
    {
      g_autoptr(SoupWebsocketConnection) k = knock (f, "guest1", "Ada");

      sync_test_raw_expect_error (k, "no-host");
    }
  {
    g_autoptr(SoupWebsocketConnection) k = knock (f, "guest1", "Ada");

    sync_test_raw_expect_error (k, "rate-limited");
  }
}

static void
test_long_name (Fixture *f, gconstpointer data)
{
  g_autofree char *name = g_strnfill (65, 'a');
  g_autoptr(SoupWebsocketConnection) k = knock (f, "guest1", name);

  sync_test_raw_expect_error (k, "bad-message");
}

static void
knocked_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  GAsyncResult **out = data;

  *out = g_object_ref (result);
}

static gboolean
is_set (gpointer data)
{
  return *(gpointer *) data != NULL;
}

static char *
tokenless_link (Fixture *f)
{
  g_autoptr(TandemInvite) invite = tandem_invite_new ("127.0.0.1", f->ts->port,
                                                      f->ts->session_id, NULL);

  return tandem_invite_to_link (invite);
}

/* The client API: a link without a token gets the owner's token. */
static void
test_client_admitted (Fixture *f, gconstpointer data)
{
  g_autofree char *link = tokenless_link (f);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *id = NULL;
  g_autofree char *token = NULL;
  TandemRole role = TANDEM_ROLE_OWNER;

  tandem_knock_async (link, "guest1", "Ada", NULL, knocked_cb, &result);
  id = owner_sees_knock (f->owner, "Ada");
  answer (f->owner, "admit", id, "editor", f->ts->tokens[TANDEM_ROLE_EDITOR]);
  g_assert_true (sync_test_wait (is_set, &result, 10000));
  token = tandem_knock_finish (result, &role, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (token, ==, f->ts->tokens[TANDEM_ROLE_EDITOR]);
  g_assert_cmpint (role, ==, TANDEM_ROLE_EDITOR);
}

static void
test_client_denied (Fixture *f, gconstpointer data)
{
  g_autofree char *link = tokenless_link (f);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *id = NULL;
  g_autofree char *token = NULL;

  tandem_knock_async (link, "guest1", "Ada", NULL, knocked_cb, &result);
  id = owner_sees_knock (f->owner, "Ada");
  answer (f->owner, "deny", id, NULL, NULL);
  g_assert_true (sync_test_wait (is_set, &result, 10000));
  token = tandem_knock_finish (result, NULL, &error);
  g_assert_null (token);
  g_assert_error (error, TANDEM_SYNC_ERROR, TANDEM_SYNC_ERROR_REMOTE);
  g_assert_cmpstr (error->message, ==, "denied: The host did not let you in");
}

typedef struct
{
  char *id;
  char *name;
  char *ended;
} Heard;

static void
knock_received_cb (TandemSyncClient *client, const char *id, const char *name, Heard *heard)
{
  g_free (heard->id);
  g_free (heard->name);
  heard->id = g_strdup (id);
  heard->name = g_strdup (name);
}

static gboolean
heard_knock (gpointer data)
{
  return ((Heard *) data)->id != NULL;
}

static void
knock_ended_cb (TandemSyncClient *client, const char *id, Heard *heard)
{
  g_free (heard->ended);
  heard->ended = g_strdup (id);
}

static gboolean
heard_end (gpointer data)
{
  return ((Heard *) data)->ended != NULL;
}

/* Cancelling a knock gives up: the knocker gets G_IO_ERROR_CANCELLED and
 * the owner's client hears that the knock ended. */
static void
test_clients_give_up (Fixture *f, gconstpointer data)
{
  g_autofree char *owner_link = sync_test_server_invite (f->ts, TANDEM_ROLE_OWNER);
  g_autofree char *link = tokenless_link (f);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(TandemSyncClient) owner = sync_test_client_new ();
  g_autofree char *token = NULL;
  Heard heard = { 0 };

  g_signal_connect (owner, "knock-received", G_CALLBACK (knock_received_cb), &heard);
  g_signal_connect (owner, "knock-ended", G_CALLBACK (knock_ended_cb), &heard);
  g_assert_true (tandem_sync_client_connect (owner, owner_link, NULL));
  g_assert_true (sync_test_wait_live (owner));

  tandem_knock_async (link, "guest1", "Ada", cancellable, knocked_cb, &result);
  g_assert_true (sync_test_wait (heard_knock, &heard, 10000));
  g_cancellable_cancel (cancellable);
  g_assert_true (sync_test_wait (is_set, &result, 10000));
  token = tandem_knock_finish (result, NULL, &error);
  g_assert_null (token);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_true (sync_test_wait (heard_end, &heard, 10000));
  g_assert_cmpstr (heard.ended, ==, heard.id);

  g_free (heard.id);
  g_free (heard.name);
  g_free (heard.ended);
}

/* Both sides through TandemSyncClient: the owner's client hears the knock
 * and admits; the knocker joins with the token and edits. */
static void
test_clients_admit_and_edit (Fixture *f, gconstpointer data)
{
  g_autofree char *owner_link = sync_test_server_invite (f->ts, TANDEM_ROLE_OWNER);
  g_autofree char *link = tokenless_link (f);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *token = NULL;
  g_autofree char *guest_link = NULL;
  g_autoptr(TandemInvite) guest_invite = NULL;
  TandemSyncClient *clients[2];
  const double tempos[] = { 101, 133 };
  Heard heard = { 0 };
  TandemRole role;

  clients[0] = sync_test_client_new ();
  g_signal_connect (clients[0], "knock-received", G_CALLBACK (knock_received_cb), &heard);
  g_assert_true (tandem_sync_client_connect (clients[0], owner_link, NULL));
  g_assert_true (sync_test_wait_live (clients[0]));

  tandem_knock_async (link, "guest1", "Ada", NULL, knocked_cb, &result);
  g_assert_true (sync_test_wait (heard_knock, &heard, 10000));
  g_assert_cmpstr (heard.name, ==, "Ada");
  tandem_sync_client_answer_knock (clients[0], heard.id, "editor",
                                   f->ts->tokens[TANDEM_ROLE_EDITOR]);
  g_assert_true (sync_test_wait (is_set, &result, 10000));
  token = tandem_knock_finish (result, &role, &error);
  g_assert_no_error (error);
  g_assert_cmpint (role, ==, TANDEM_ROLE_EDITOR);

  guest_invite = tandem_invite_new ("127.0.0.1", f->ts->port, f->ts->session_id, token);
  guest_link = tandem_invite_to_link (guest_invite);
  clients[1] = sync_test_client_new ();
  g_assert_true (tandem_sync_client_connect (clients[1], guest_link, NULL));
  g_assert_true (sync_test_wait_live (clients[1]));
  sync_test_assert_clients_edit (f->ts, clients, 2, tempos);

  for (guint i = 0; i < 2; i++)
    g_object_unref (clients[i]);
  g_free (heard.id);
  g_free (heard.name);
}

int
main (int argc, char **argv)
{
  sync_test_init (&argc, &argv);
#define ADD(path, fn, no_owner) \
  g_test_add ("/knock/" path, Fixture, GINT_TO_POINTER (no_owner), fixture_setup, fn, fixture_teardown)
  ADD ("admit-editor", test_admit_editor, 0);
  ADD ("admit-viewer", test_admit_viewer, 0);
  ADD ("deny", test_deny, 0);
  ADD ("give-up", test_give_up, 0);
  ADD ("expiry", test_expiry, 0);
  ADD ("too-many-pending", test_too_many_pending, 0);
  ADD ("non-owner-admit", test_non_owner_admit, 0);
  ADD ("no-owner", test_no_owner, 1);
  ADD ("long-name", test_long_name, 0);
  ADD ("rate-limited", test_rate_limited, 1);
  ADD ("client-admitted", test_client_admitted, 0);
  ADD ("client-denied", test_client_denied, 0);
  ADD ("clients-admit-and-edit", test_clients_admit_and_edit, 1);
  ADD ("clients-give-up", test_clients_give_up, 1);
  return g_test_run ();
}
