/* tandem-invite.c — invite link parsing and formatting
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-sync"

#include "config.h"

#include <string.h>

#include "tandem-invite.h"
#include "tandem-protocol.h"

G_DEFINE_BOXED_TYPE (TandemInvite, tandem_invite, tandem_invite_copy, tandem_invite_free)

static gboolean
is_url_safe (const char *s,
             gsize       max_len)
{
  gsize n = 0;

  if (s == NULL || *s == '\0')
    return FALSE;
  for (; *s; s++, n++)
    if (!(g_ascii_isalnum (*s) || *s == '-' || *s == '_') || n >= max_len)
      return FALSE;
  return TRUE;
}

gboolean
tandem_invite_is_valid_session_id (const char *id)
{
  return is_url_safe (id, 64);
}

TandemInvite *
tandem_invite_new (const char *host,
                   guint16     port,
                   const char *session_id,
                   const char *token)
{
  TandemInvite *self = g_new0 (TandemInvite, 1);

  self->host = g_strdup (host);
  self->port = port;
  self->session_id = g_strdup (session_id);
  self->token = g_strdup (token);
  return self;
}

void
tandem_invite_set_tls (TandemInvite *self,
                       const guint8 *fingerprint)
{
  self->tls = TRUE;
  self->pinned = fingerprint != NULL;
  if (fingerprint)
    memcpy (self->fingerprint, fingerprint, TANDEM_FINGERPRINT_SIZE);
  else
    memset (self->fingerprint, 0, TANDEM_FINGERPRINT_SIZE);
}

TandemInvite *
tandem_invite_copy (const TandemInvite *self)
{
  TandemInvite *copy = tandem_invite_new (self->host, self->port, self->session_id, self->token);

  copy->tls = self->tls;
  copy->pinned = self->pinned;
  memcpy (copy->fingerprint, self->fingerprint, TANDEM_FINGERPRINT_SIZE);
  copy->also = g_strdupv (self->also);
  return copy;
}

void
tandem_invite_free (TandemInvite *self)
{
  if (self == NULL)
    return;
  g_free (self->host);
  g_free (self->session_id);
  if (self->token)
    memset (self->token, 0, strlen (self->token));
  g_free (self->token);
  g_strfreev (self->also);
  g_free (self);
}

static gboolean
invite_error (GError    **error,
              const char *link_kind,
              const char *what)
{
  g_set_error (error, TANDEM_SYNC_ERROR, TANDEM_SYNC_ERROR_INVITE,
               "Not a valid %s link: %s", link_kind, what);
  return FALSE;
}

/* A host Tandem connects to is a DNS name (letters, digits and hyphens in
 * dot-separated labels), an IPv4 address or an IPv6 literal. Anything else
 * (percent-encoded bytes, "@", spaces, "/") would format back into a link to
 * somewhere else, or into no link at all. */
static gboolean
is_plain_dns_name (const char *host)
{
  gsize len = strlen (host), label = 0;

  if (len == 0 || len > 253)
    return FALSE;
  for (const char *p = host; ; p++)
    {
      if (*p == '.' || *p == '\0')
        {
          if (label == 0 || p[-1] == '-' || *(p - label) == '-')
            return FALSE;
          if (*p == '\0')
            return TRUE;
          label = 0;
          continue;
        }
      if (!g_ascii_isalnum (*p) && *p != '-')
        return FALSE;
      if (++label > 63)
        return FALSE;
    }
}

/* GUri decodes "%40" in a host to "@" and "%75" to "u", and turns non-ASCII
 * names into punycode: the link's own text must already be plain. */
static gboolean
is_plain_text (const char *start,
               const char *end)
{
  for (const char *p = start; p < end; p++)
    if (*p == '%' || (guchar) *p < 0x21 || (guchar) *p > 0x7e)
      return FALSE;
  return TRUE;
}

static gboolean
is_valid_host (const char *host)
{
  if (strchr (host, ':') != NULL)
    return g_hostname_is_ip_address (host);
  if (g_hostname_is_ip_address (host))
    return TRUE;
  /* All digits and dots but not an address ("1.2.3", "999.1.1.1") is no name either. */
  if (strspn (host, "0123456789.") == strlen (host))
    return FALSE;
  return is_plain_dns_name (host);
}

#define MAX_QUERY_BYTES  4096
#define MAX_QUERY_PARAMS 32
#define MAX_ALSO          8

/* "host:port" or "[v6]:port" of another node, for also=. */
static gboolean
is_also_address (const char *value)
{
  g_autofree char *host = NULL;
  const char *colon = strrchr (value, ':');
  guint64 port;

  if (colon == NULL || colon == value || strlen (value) > 300
      || !g_ascii_string_to_unsigned (colon + 1, 10, 1, 65535, &port, NULL))
    return FALSE;
  if (value[0] == '[')
    {
      if (colon[-1] != ']')
        return FALSE;
      host = g_strndup (value + 1, colon - value - 2);
      return strchr (host, ':') != NULL && g_hostname_is_ip_address (host);
    }
  host = g_strndup (value, colon - value);
  return strchr (host, ':') == NULL && is_valid_host (host);
}

/* The query is read as written, one "key=value" at a time, so that a
 * parameter may repeat where that means something (a list) and anything
 * unknown, from a newer Tandem, is skipped. Known keys may appear once. */
static gboolean
parse_param (const char    *key,
             const char    *value,
             const char    *kind,
             TandemInvite  *invite,
             guint         *seen,
             GError       **error)
{
  enum { SEEN_TOKEN = 1, SEEN_FP = 2, SEEN_INSECURE = 4 };
  guint bit = g_str_equal (key, "token") ? SEEN_TOKEN
              : g_str_equal (key, "fp") ? SEEN_FP
              : g_str_equal (key, "insecure") ? SEEN_INSECURE : 0;

  if (g_str_equal (key, "also"))
    {
      guint n = invite->also ? g_strv_length (invite->also) : 0;

      if (n >= MAX_ALSO)
        return invite_error (error, kind, "too many also= addresses");
      if (!is_also_address (value))
        return invite_error (error, kind, "an also= address is not host:port");
      invite->also = g_renew (char *, invite->also, n + 2);
      invite->also[n] = g_strdup (value);
      invite->also[n + 1] = NULL;
      return TRUE;
    }
  if (bit == 0)
    return TRUE;
  if (*seen & bit)
    return invite_error (error, kind, "a parameter appears twice");
  *seen |= bit;
  if (bit == SEEN_TOKEN)
    {
      if (!is_url_safe (value, 256))
        return invite_error (error, kind, "the token is malformed");
      g_free (invite->token);
      invite->token = g_strdup (value);
    }
  else if (bit == SEEN_FP)
    {
      guint8 fp[TANDEM_FINGERPRINT_SIZE];

      if (!invite->tls)
        return invite_error (error, kind, "a plain ws:// link cannot pin a certificate");
      if (!tandem_fingerprint_parse (value, fp))
        return invite_error (error, kind,
                             "the certificate fingerprint is malformed (expected fp=sha256:…)");
      tandem_invite_set_tls (invite, fp);
    }
  else
    {
      if (!g_str_equal (value, "1"))
        return invite_error (error, kind, "insecure takes no value but 1");
      if (g_str_equal (kind, "wss"))
        return invite_error (error, kind, "a wss:// link cannot be insecure");
      invite->tls = FALSE;
    }
  if ((*seen & SEEN_FP) && (*seen & SEEN_INSECURE))
    return invite_error (error, kind, "a plain link cannot pin a certificate");
  return TRUE;
}

static gboolean
parse_query (const char    *query,
             const char    *kind,
             TandemInvite  *invite,
             GError       **error)
{
  g_auto(GStrv) pairs = NULL;
  guint seen = 0;

  if (strlen (query) > MAX_QUERY_BYTES)
    return invite_error (error, kind, "the query is too long");
  pairs = g_strsplit (query, "&", MAX_QUERY_PARAMS + 1);
  if (g_strv_length (pairs) > MAX_QUERY_PARAMS)
    return invite_error (error, kind, "the query has too many parameters");
  for (guint i = 0; pairs[i]; i++)
    {
      const char *eq = strchr (pairs[i], '=');
      g_autofree char *key = NULL;

      if (*pairs[i] == '\0')
        continue;
      if (eq == NULL)
        return invite_error (error, kind, "the query is malformed");
      key = g_strndup (pairs[i], eq - pairs[i]);
      if (!parse_param (key, eq + 1, kind, invite, &seen, error))
        return FALSE;
    }
  return TRUE;
}

TandemInvite *
tandem_invite_parse (const char  *link,
                     GError     **error)
{
  g_autoptr(GUri) uri = NULL;
  g_autoptr(TandemInvite) invite = NULL;
  g_autofree char *session = NULL;
  const char *authority, *authority_end, *path_end;
  const char *scheme;
  const char *path;
  const char *host;
  const char *kind;
  gboolean ws;
  int port;

  if (link == NULL || *link == '\0')
    {
      invite_error (error, "session", "the link is empty");
      return NULL;
    }
  uri = g_uri_parse (link, G_URI_FLAGS_ENCODED_QUERY, NULL);
  if (uri == NULL)
    {
      invite_error (error, "session", "it is not a URL (expected tandem://HOST:PORT/SESSION?token=…)");
      return NULL;
    }
  scheme = g_uri_get_scheme (uri);
  if (g_ascii_strcasecmp (scheme, "tandem") == 0)
    kind = "tandem";
  else if (g_ascii_strcasecmp (scheme, "ws") == 0)
    kind = "ws";
  else if (g_ascii_strcasecmp (scheme, "wss") == 0)
    kind = "wss";
  else
    {
      invite_error (error, "session", "the scheme must be tandem://, wss:// or ws://");
      return NULL;
    }
  ws = !g_str_equal (kind, "tandem");
  host = g_uri_get_host (uri);
  if (host == NULL || *host == '\0')
    {
      invite_error (error, scheme, "the host is missing");
      return NULL;
    }
  /* GUri parsed the link, so it holds "://" and the authority follows. */
  authority = strstr (link, "://") + 3;
  authority_end = authority + strcspn (authority, "/?#");
  path_end = authority_end + strcspn (authority_end, "?#");
  /* "user@" before the host would be dropped when formatting. */
  if (!is_plain_text (authority, authority_end)
      || memchr (authority, '@', authority_end - authority) != NULL || !is_valid_host (host))
    {
      invite_error (error, scheme, "the host must be a name, an IPv4 address or [an IPv6 address]");
      return NULL;
    }
  port = g_uri_get_port (uri);
  if (port <= 0 || port > 65535)
    {
      invite_error (error, scheme, "the port is missing");
      return NULL;
    }
  /* The session id is checked as written: "%41" is not a session id. */
  if (!is_plain_text (authority_end, path_end))
    {
      invite_error (error, scheme, "the session id is missing or malformed");
      return NULL;
    }
  path = g_uri_get_path (uri);
  if (ws)
    {
      if (!g_str_has_prefix (path, TANDEM_PROTOCOL_PATH_PREFIX))
        {
          invite_error (error, scheme, "the path must be /session/SESSION");
          return NULL;
        }
      session = g_strdup (path + strlen (TANDEM_PROTOCOL_PATH_PREFIX));
    }
  else
    session = g_strdup (path[0] == '/' ? path + 1 : path);
  if (!tandem_invite_is_valid_session_id (session))
    {
      invite_error (error, scheme, "the session id is missing or malformed");
      return NULL;
    }
  invite = tandem_invite_new (host, port, session, NULL);
  if (!g_str_equal (kind, "ws"))
    tandem_invite_set_tls (invite, NULL);
  if (g_uri_get_query (uri) != NULL && !parse_query (g_uri_get_query (uri), kind, invite, error))
    return NULL;
  return g_steal_pointer (&invite);
}

static char *
format_host (const char *host)
{
  if (strchr (host, ':') != NULL)
    return g_strdup_printf ("[%s]", host);
  return g_strdup (host);
}

/* "?token=…&fp=…&insecure=1", as far as the invite has them; @plain_flag
 * says whether a plain invite needs saying so (tandem:// means TLS). */
static void
append_query (GString            *out,
              const TandemInvite *self,
              gboolean            plain_flag)
{
  char sep = '?';

  if (self->token)
    {
      g_string_append_printf (out, "%ctoken=%s", sep, self->token);
      sep = '&';
    }
  if (self->tls && self->pinned)
    {
      g_autofree char *fp = tandem_fingerprint_to_string (self->fingerprint);

      g_string_append_printf (out, "%cfp=%s", sep, fp);
      sep = '&';
    }
  if (!self->tls && plain_flag)
    g_string_append_printf (out, "%cinsecure=1", sep);
}

char *
tandem_invite_to_link (const TandemInvite *self)
{
  g_autofree char *host = format_host (self->host);
  GString *out = g_string_new (NULL);

  g_string_append_printf (out, "tandem://%s:%u/%s", host, self->port, self->session_id);
  append_query (out, self, TRUE);
  for (guint i = 0; self->also && self->also[i]; i++)
    g_string_append_printf (out, "%calso=%s", strchr (out->str, '?') ? '&' : '?', self->also[i]);
  return g_string_free (out, FALSE);
}

char *
tandem_invite_to_ws_url (const TandemInvite *self)
{
  g_autofree char *endpoint = tandem_invite_get_endpoint (self);
  GString *out = g_string_new (endpoint);

  append_query (out, self, FALSE);
  return g_string_free (out, FALSE);
}

char *
tandem_invite_get_endpoint (const TandemInvite *self)
{
  g_autofree char *host = format_host (self->host);

  return g_strdup_printf ("%s://%s:%u" TANDEM_PROTOCOL_PATH_PREFIX "%s", self->tls ? "wss" : "ws",
                          host, self->port, self->session_id);
}

const char *
tandem_invite_get_http_scheme (const TandemInvite *self)
{
  return self->tls ? "https" : "http";
}

char *
tandem_invite_get_address (const TandemInvite *self)
{
  g_autofree char *host = format_host (self->host);

  return g_strdup_printf ("%s:%u", host, self->port);
}

gboolean
tandem_invite_rotate_address (TandemInvite *self)
{
  g_autofree char *next = NULL;
  g_autofree char *current = NULL;
  guint n;
  char *colon;

  g_return_val_if_fail (self != NULL, FALSE);
  if (self->also == NULL || self->also[0] == NULL)
    return FALSE;
  n = g_strv_length (self->also);
  current = tandem_invite_get_address (self);
  next = self->also[0];
  memmove (self->also, self->also + 1, (n - 1) * sizeof (char *));
  self->also[n - 1] = g_steal_pointer (&current);
  /* Checked when parsed: "host:port" or "[v6]:port". */
  colon = strrchr (next, ':');
  self->port = (guint16) g_ascii_strtoull (colon + 1, NULL, 10);
  *colon = '\0';
  g_free (self->host);
  if (next[0] == '[')
    self->host = g_strndup (next + 1, strlen (next) - 2);
  else
    self->host = g_strdup (next);
  return TRUE;
}
