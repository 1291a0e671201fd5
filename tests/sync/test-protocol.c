/* test-protocol.c — invite links, message codec, journal recovery, rate limits
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-sync-test"

#include "config.h"

#include <string.h>

#include <glib/gstdio.h>

#include "sync-test-utils.h"

static void
test_invite_forms (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TandemInvite) a = tandem_invite_parse ("tandem://studio.local:8421/AbC-_9?token=tok_en-1", &error);
  g_autoptr(TandemInvite) b = NULL;
  g_autoptr(TandemInvite) v6 = NULL;
  g_autofree char *link = NULL;
  g_autofree char *ws = NULL;
  g_autofree char *endpoint = NULL;
  g_autofree char *v6_link = NULL;
  g_autofree char *address = NULL;
  g_autofree char *v6_address = NULL;

  g_assert_no_error (error);
  g_assert_cmpstr (a->host, ==, "studio.local");
  g_assert_cmpuint (a->port, ==, 8421);
  g_assert_cmpstr (a->session_id, ==, "AbC-_9");
  g_assert_cmpstr (a->token, ==, "tok_en-1");

  ws = tandem_invite_to_ws_url (a);
  g_assert_cmpstr (ws, ==, "wss://studio.local:8421/session/AbC-_9?token=tok_en-1");
  endpoint = tandem_invite_get_endpoint (a);
  g_assert_cmpstr (endpoint, ==, "wss://studio.local:8421/session/AbC-_9");
  g_assert_null (strstr (endpoint, "tok_en"));
  address = tandem_invite_get_address (a);
  g_assert_cmpstr (address, ==, "studio.local:8421");

  b = tandem_invite_parse (ws, &error);
  g_assert_no_error (error);
  link = tandem_invite_to_link (b);
  g_assert_cmpstr (link, ==, "tandem://studio.local:8421/AbC-_9?token=tok_en-1");

  v6 = tandem_invite_new ("::1", 9000, "s1", "t");
  v6_link = tandem_invite_to_link (v6);
  g_assert_cmpstr (v6_link, ==, "tandem://[::1]:9000/s1?token=t&insecure=1");
  g_clear_pointer (&v6, tandem_invite_free);
  v6 = tandem_invite_parse (v6_link, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (v6->host, ==, "::1");
  v6_address = tandem_invite_get_address (v6);
  g_assert_cmpstr (v6_address, ==, "[::1]:9000");
}

static void
test_invite_errors (void)
{
  static const struct { const char *link; const char *says; } cases[] = {
    { "", "empty" },
    { "not a link", "not a URL" },
    { "http://h:1/s?token=t", "scheme" },
    { "tandem://:1/s?token=t", "host" },
    { "tandem://h/s?token=t", "port" },
    { "tandem://h:1/?token=t", "session id" },
    { "tandem://h:1/a/b?token=t", "session id" },
    { "ws://h:1/other/s?token=t", "/session/" },
    { "tandem://h:1/s?token=a%20b", "token" },
    /* Hosts that are no plain name or address would format back into a link
     * to somewhere else. */
    { "tandem://%40evil.example:1/s?token=t", "host must be" },
    { "tandem://a%2Fb:1/s?token=t", "host must be" },
    { "tandem://me@studio.local:1/s?token=t", "host must be" },
    { "tandem://a%0Ab:1/s?token=t", "host must be" },
    { "tandem://a%20b:1/s?token=t", "host must be" },
    { "tandem://st%75dio:1/s?token=t", "host must be" },
    { "tandem://under_score:1/s?token=t", "host must be" },
    { "tandem://-lead.example:1/s?token=t", "host must be" },
    { "tandem://trail-.example:1/s?token=t", "host must be" },
    { "tandem://a..b:1/s?token=t", "host must be" },
    { "tandem://999.1.1.1:1/s?token=t", "host must be" },
    { "tandem://[fe80::1%25eth0]:1/s?token=t", "host must be" },
    { "tandem://h\xc3\xa9:1/s?token=t", "" },
    { "tandem://h:1/%41bc?token=t", "session id" },
    /* TLS forms */
    { "tandem://h:1/s?token=t&fp=sha256:abc", "fingerprint" },
    { "tandem://h:1/s?token=t&fp=md5:" "0123456789abcdef0123456789abcdef", "fingerprint" },
    { "tandem://h:1/s?token=t&fp=sha256:" "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAB", "fingerprint" },
    { "tandem://h:1/s?token=t&fp=sha256:" "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA&insecure=1", "cannot pin" },
    { "tandem://h:1/s?insecure=1&fp=sha256:" "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "cannot pin" },
    { "ws://h:1/session/s?fp=sha256:" "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "cannot pin" },
    { "wss://h:1/session/s?insecure=1", "cannot be insecure" },
    { "tandem://h:1/s?insecure=yes", "insecure" },
    { "tandem://h:1/s?token=a&token=b", "twice" },
    { "tandem://h:1/s?token", "malformed" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(TandemInvite) invite = tandem_invite_parse (cases[i].link, &error);

      g_assert_null (invite);
      g_assert_error (error, TANDEM_SYNC_ERROR, TANDEM_SYNC_ERROR_INVITE);
      if (strstr (error->message, cases[i].says) == NULL)
        g_error ("“%s”: message “%s” does not mention “%s”", cases[i].link, error->message,
                 cases[i].says);
    }
}

/* Every host form Tandem accepts formats back to a link that parses to the
 * same invite. */
static void
test_invite_round_trip (void)
{
  static const char * const links[] = {
    "tandem://studio.local:8421/s1?token=t",
    "tandem://127.0.0.1:8421/s1?token=t",
    "tandem://[::1]:8421/s1?token=t",
    "tandem://[2001:db8::7]:9/s-2_x",
    "tandem://localhost:1/s",
    "ws://jam-room.example.org:8421/session/abc?token=xyz",
    "tandem://127.0.0.1:8421/s1?token=t&insecure=1",
    "wss://jam-room.example.org:8421/session/abc?token=xyz",
    "tandem://[::1]:8421/s1?token=t&fp=sha256:"
      "0123456789ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef",
    "wss://h.example:9/session/s?fp=sha256:q80Ldp2hKWC3Jj6fN5aC_cZR3t9AxT_-SCzJVxXlV_E&token=t",
    "tandem://h:1/s?token=t&later=unknown",
  };

  for (guint i = 0; i < G_N_ELEMENTS (links); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(TandemInvite) a = tandem_invite_parse (links[i], &error);
      g_autoptr(TandemInvite) b = NULL;
      g_autofree char *link = NULL;
      g_autofree char *again = NULL;

      g_assert_no_error (error);
      link = tandem_invite_to_link (a);
      b = tandem_invite_parse (link, &error);
      g_assert_no_error (error);
      g_assert_cmpstr (b->host, ==, a->host);
      g_assert_cmpuint (b->port, ==, a->port);
      g_assert_cmpstr (b->session_id, ==, a->session_id);
      g_assert_cmpstr (b->token, ==, a->token);
      g_assert_cmpint (b->tls, ==, a->tls);
      g_assert_cmpint (b->pinned, ==, a->pinned);
      g_assert_cmpmem (b->fingerprint, sizeof b->fingerprint, a->fingerprint, sizeof a->fingerprint);
      again = tandem_invite_to_link (b);
      g_assert_cmpstr (again, ==, link);
    }
}

/* tandem:// means wss://; the pin and the plain form carry over to every form. */
static void
test_invite_tls_forms (void)
{
  static const guint8 fp[TANDEM_FINGERPRINT_SIZE] = { 0xab, 0xcd, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11,
                                                      12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23,
                                                      24, 25, 26, 27, 28, 29, 0xff };
  g_autoptr(GError) error = NULL;
  g_autoptr(TandemInvite) pinned = tandem_invite_new ("studio.local", 8421, "s1", "t");
  g_autoptr(TandemInvite) again = NULL;
  g_autoptr(TandemInvite) hex = NULL;
  g_autoptr(TandemInvite) plain = NULL;
  g_autofree char *link = NULL;
  g_autofree char *ws = NULL;
  g_autofree char *fp_text = tandem_fingerprint_to_string (fp);
  g_autofree char *hex_link = NULL;
  g_autofree char *plain_ws = NULL;

  tandem_invite_set_tls (pinned, fp);
  link = tandem_invite_to_link (pinned);
  g_assert_true (g_str_has_prefix (link, "tandem://studio.local:8421/s1?token=t&fp=sha256:"));
  g_assert_cmpuint (strlen (fp_text), ==, strlen ("sha256:") + 43);
  ws = tandem_invite_to_ws_url (pinned);
  g_assert_true (g_str_has_prefix (ws, "wss://studio.local:8421/session/s1?token=t&fp=sha256:"));
  g_assert_cmpstr (tandem_invite_get_http_scheme (pinned), ==, "https");
  again = tandem_invite_parse (ws, &error);
  g_assert_no_error (error);
  g_assert_true (again->tls && again->pinned);
  g_assert_cmpmem (again->fingerprint, sizeof fp, fp, sizeof fp);

  /* The same fingerprint in hex reads the same. */
  hex_link = g_strdup_printf ("tandem://studio.local:8421/s1?token=t&fp=sha256:%s",
                              "ABCD0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1dff");
  hex = tandem_invite_parse (hex_link, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (hex->fingerprint, sizeof fp, fp, sizeof fp);

  plain = tandem_invite_parse ("tandem://127.0.0.1:9/s1?token=t&insecure=1", &error);
  g_assert_no_error (error);
  g_assert_false (plain->tls);
  plain_ws = tandem_invite_to_ws_url (plain);
  g_assert_cmpstr (plain_ws, ==, "ws://127.0.0.1:9/session/s1?token=t");
  g_assert_cmpstr (tandem_invite_get_http_scheme (plain), ==, "http");
}

/* json-glib wraps integer literals beyond 64 bits; a message never does. */
static void
test_codec_integer_range (void)
{
  static const char * const refused[] = {
    "{\"type\":\"ping\",\"t\":-18446744073709551489}",
    "{\"type\":\"ping\",\"t\":9223372036854775808}",
    "{\"type\":\"ping\",\"t\":-9223372036854775809}",
    "{\"type\":\"ping\",\"t\":100000000000000000000}",
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) obj = NULL;
  const char *type;
  gint64 v;

  for (guint i = 0; i < G_N_ELEMENTS (refused); i++)
    {
      g_autoptr(JsonObject) bad = tandem_message_parse (refused[i], strlen (refused[i]), &type,
                                                        &error);

      g_assert_null (bad);
      g_assert_error (error, TANDEM_SYNC_ERROR, TANDEM_SYNC_ERROR_PROTOCOL);
      g_assert_nonnull (strstr (error->message, "beyond 64 bits"));
      g_clear_error (&error);
    }
  obj = tandem_message_parse ("{\"type\":\"ping\",\"t\":-9223372036854775808}",
                              strlen ("{\"type\":\"ping\",\"t\":-9223372036854775808}"), &type,
                              &error);
  g_assert_no_error (error);
  g_assert_true (tandem_message_get_int (obj, "t", &v));
  g_assert_cmpint (v, ==, G_MININT64);
}

static void
test_codec (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) obj = NULL;
  g_autoptr(TandemOp) op = tandem_op_new_set_double (TANDEM_ENTITY_PROJECT, NULL, "tempo", 120);
  g_autoptr(JsonNode) ops = json_node_new (JSON_NODE_ARRAY);
  g_autofree char *text = NULL;
  g_autofree char *err = tandem_message_error ("flood", "Too many");
  const char *type = NULL;
  gint64 v;

  json_node_take_array (ops, json_array_new ());
  json_array_add_element (json_node_get_array (ops), tandem_op_to_json (op));
  text = tandem_message_batch (7, "c1", 3, ops);
  obj = tandem_message_parse (text, strlen (text), &type, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (type, ==, "batch");
  g_assert_true (tandem_message_get_int (obj, "seq", &v));
  g_assert_cmpint (v, ==, 7);
  g_assert_true (tandem_message_get_int (obj, "cseq", &v));
  g_assert_cmpint (v, ==, 3);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (obj, "ops")), ==, 1);
  g_assert_nonnull (strstr (err, "\"code\":\"flood\""));

  g_clear_pointer (&obj, json_object_unref);
  obj = tandem_message_parse ("{\"type\":", 8, &type, &error);
  g_assert_null (obj);
  g_assert_error (error, TANDEM_SYNC_ERROR, TANDEM_SYNC_ERROR_PROTOCOL);
  g_clear_error (&error);
  obj = tandem_message_parse ("[1,2]", 5, &type, &error);
  g_assert_error (error, TANDEM_SYNC_ERROR, TANDEM_SYNC_ERROR_PROTOCOL);
  g_clear_error (&error);
  obj = tandem_message_parse ("{\"type\":3}", 10, &type, &error);
  g_assert_error (error, TANDEM_SYNC_ERROR, TANDEM_SYNC_ERROR_PROTOCOL);
}

static void
test_crc (void)
{
  /* The standard check value of CRC-32/ISO-HDLC. */
  g_assert_cmphex (tandem_crc32 ("123456789", 9), ==, 0xcbf43926);
}

static char *
record (guint64 seq)
{
  g_autoptr(TandemOp) op = tandem_op_new_set_double (TANDEM_ENTITY_PROJECT, NULL, "tempo", 60 + seq);
  g_autoptr(JsonNode) ops = json_node_new (JSON_NODE_ARRAY);

  json_node_take_array (ops, json_array_new ());
  json_array_add_element (json_node_get_array (ops), tandem_op_to_json (op));
  return tandem_message_batch (seq, "client", seq, ops);
}

static void
test_journal_torn_tail (void)
{
  g_autofree char *dir = sync_test_make_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "journal.log", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) snapshot = NULL;
  g_autoptr(GPtrArray) records = NULL;
  g_autofree char *contents = NULL;
  gsize length;
  guint64 base = 99;
  guint dropped = 0;

  {
    g_autoptr(TandemJournal) j = tandem_journal_open (dir, &error);

    g_assert_no_error (error);
    for (guint64 s = 1; s <= 5; s++)
      {
        g_autofree char *r = record (s);

        g_assert_true (tandem_journal_append (j, r, &error));
      }
    g_assert_true (tandem_journal_sync (j, &error));
  }

  /* A crash in the middle of writing record 6: half a line, no newline. */
  g_assert_true (g_file_get_contents (path, &contents, &length, NULL));
  {
    g_autofree char *r = record (6);
    g_autofree char *torn = g_strdup_printf ("%s%08x %.*s", contents, tandem_crc32 (r, strlen (r)),
                                             (int) strlen (r) / 2, r);

    g_assert_true (g_file_set_contents (path, torn, -1, NULL));
  }

  {
    g_autoptr(TandemJournal) j = tandem_journal_open (dir, &error);

    g_assert_true (tandem_journal_recover (j, &snapshot, &base, &records, &dropped, &error));
    g_assert_no_error (error);
    g_assert_null (snapshot);
    g_assert_cmpuint (base, ==, 0);
    g_assert_cmpuint (records->len, ==, 5);
    g_assert_cmpuint (dropped, ==, 1);
    g_clear_pointer (&records, g_ptr_array_unref);

    /* The torn bytes are gone: appending continues a clean file. */
    {
      g_autofree char *r = record (6);

      g_assert_true (tandem_journal_append (j, r, &error));
      g_assert_true (tandem_journal_sync (j, &error));
    }
  }
  {
    g_autoptr(TandemJournal) j = tandem_journal_open (dir, &error);

    g_assert_true (tandem_journal_recover (j, &snapshot, &base, &records, &dropped, &error));
    g_assert_cmpuint (records->len, ==, 6);
    g_assert_cmpuint (dropped, ==, 0);
    g_clear_pointer (&records, g_ptr_array_unref);
  }

  /* A flipped byte inside the last complete record fails its CRC. */
  g_clear_pointer (&contents, g_free);
  g_assert_true (g_file_get_contents (path, &contents, &length, NULL));
  contents[length - 5] ^= 0x01;
  g_assert_true (g_file_set_contents (path, contents, length, NULL));
  {
    g_autoptr(TandemJournal) j = tandem_journal_open (dir, &error);

    g_assert_true (tandem_journal_recover (j, &snapshot, &base, &records, &dropped, &error));
    g_assert_cmpuint (records->len, ==, 5);
    g_assert_cmpuint (dropped, ==, 1);
  }
  sync_test_rm_rf (dir);
}

static void
test_journal_snapshot (void)
{
  g_autofree char *dir = sync_test_make_tmpdir ();
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) snapshot = NULL;
  g_autoptr(GPtrArray) records = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  guint64 base = 0;
  guint dropped = 0;

  {
    g_autoptr(TandemJournal) j = tandem_journal_open (dir, &error);

    for (guint64 s = 1; s <= 3; s++)
      {
        g_autofree char *r = record (s);

        g_assert_true (tandem_journal_append (j, r, &error));
      }
    g_assert_true (json_parser_load_from_data (parser,
                   "{\"format\":\"tandem-snapshot\",\"version\":1,\"seq\":3,\"project\":{}}", -1, NULL));
    g_assert_true (tandem_journal_write_snapshot (j, json_parser_get_root (parser), &error));
    g_assert_no_error (error);
    g_assert_cmpuint (tandem_journal_get_n_records (j), ==, 0);
    for (guint64 s = 4; s <= 5; s++)
      {
        g_autofree char *r = record (s);

        g_assert_true (tandem_journal_append (j, r, &error));
      }
    g_assert_true (tandem_journal_sync (j, &error));
  }
  {
    g_autoptr(TandemJournal) j = tandem_journal_open (dir, &error);

    g_assert_true (tandem_journal_recover (j, &snapshot, &base, &records, &dropped, &error));
    g_assert_nonnull (snapshot);
    g_assert_cmpuint (base, ==, 3);
    g_assert_cmpuint (records->len, ==, 2);
    g_assert_nonnull (strstr (records->pdata[0], "\"seq\":4"));
  }
  sync_test_rm_rf (dir);
}

static void
test_rate_limit (void)
{
  TandemRateLimit rl;
  gint64 t = 1000000;
  guint taken = 0;

  tandem_rate_limit_init (&rl, 10, 5, t);
  while (tandem_rate_limit_take (&rl, 1, t))
    taken++;
  g_assert_cmpuint (taken, ==, 5);
  g_assert_false (tandem_rate_limit_take (&rl, 1, t + 50000));
  g_assert_true (tandem_rate_limit_take (&rl, 1, t + 100000));
  /* Refill stops at the burst size. */
  g_assert_true (tandem_rate_limit_take (&rl, 5, t + 100 * G_USEC_PER_SEC));
  g_assert_false (tandem_rate_limit_take (&rl, 1, t + 100 * G_USEC_PER_SEC));
}

/* also= lists other nodes of the same session, in order, and survives a
 * round trip; anything that is not host:port is refused. */
static void
test_invite_also (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TandemInvite) invite = tandem_invite_parse (
    "tandem://a.example:8421/s1?token=t&also=b.example:8422&also=[::1]:9000", &error);
  g_autoptr(TandemInvite) copy = NULL;
  g_autofree char *link = NULL;
  g_autoptr(TandemInvite) again = NULL;
  g_autoptr(TandemInvite) plain = NULL;
  const char *bad[] = {
    "tandem://a.example:8421/s1?also=b.example",
    "tandem://a.example:8421/s1?also=b.example:0",
    "tandem://a.example:8421/s1?also=::1:80",
    "tandem://a.example:8421/s1?also=%40evil:80",
    "tandem://h:1/s?also=a:1&also=a:2&also=a:3&also=a:4&also=a:5&also=a:6&also=a:7&also=a:8&also=a:9",
  };

  g_assert_no_error (error);
  g_assert_cmpuint (g_strv_length (invite->also), ==, 2);
  g_assert_cmpstr (invite->also[0], ==, "b.example:8422");
  g_assert_cmpstr (invite->also[1], ==, "[::1]:9000");
  copy = tandem_invite_copy (invite);
  g_assert_true (g_strv_equal ((const char * const *) copy->also, (const char * const *) invite->also));
  link = tandem_invite_to_link (invite);
  again = tandem_invite_parse (link, &error);
  g_assert_no_error (error);
  g_assert_true (g_strv_equal ((const char * const *) again->also, (const char * const *) invite->also));
  plain = tandem_invite_parse ("tandem://h:1/s?token=t", &error);
  g_assert_no_error (error);
  g_assert_null (plain->also);
  g_assert_false (tandem_invite_rotate_address (plain));

  /* A client that cannot reach a node moves on to the next, round. */
  g_assert_true (tandem_invite_rotate_address (copy));
  g_assert_cmpstr (copy->host, ==, "b.example");
  g_assert_cmpuint (copy->port, ==, 8422);
  g_assert_true (tandem_invite_rotate_address (copy));
  g_assert_cmpstr (copy->host, ==, "::1");
  g_assert_cmpuint (copy->port, ==, 9000);
  g_assert_true (tandem_invite_rotate_address (copy));
  g_assert_cmpstr (copy->host, ==, "a.example");
  g_assert_cmpuint (copy->port, ==, 8421);
  g_assert_cmpstr (copy->also[0], ==, "b.example:8422");
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) bad_error = NULL;
      g_autoptr(TandemInvite) none = tandem_invite_parse (bad[i], &bad_error);

      g_assert_null (none);
      g_assert_error (bad_error, TANDEM_SYNC_ERROR, TANDEM_SYNC_ERROR_INVITE);
    }
}

int
main (int    argc,
      char **argv)
{
  sync_test_init (&argc, &argv);
  g_test_add_func ("/sync/invite/forms", test_invite_forms);
  g_test_add_func ("/sync/invite/errors", test_invite_errors);
  g_test_add_func ("/sync/invite/round-trip", test_invite_round_trip);
  g_test_add_func ("/sync/invite/tls-forms", test_invite_tls_forms);
  g_test_add_func ("/sync/invite/also", test_invite_also);
  g_test_add_func ("/sync/codec/integer-range", test_codec_integer_range);
  g_test_add_func ("/sync/protocol/codec", test_codec);
  g_test_add_func ("/sync/journal/crc", test_crc);
  g_test_add_func ("/sync/journal/torn-tail", test_journal_torn_tail);
  g_test_add_func ("/sync/journal/snapshot", test_journal_snapshot);
  g_test_add_func ("/sync/rate-limit", test_rate_limit);
  return g_test_run ();
}
