/* tandem-session-server.c — WebSocket endpoint, connections and session registry
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-sync"

#include "config.h"

#include <errno.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <linux/sockios.h>
#include <linux/tcp.h>

#include "tandem-invite.h"
#include "tandem-presence.h"
#include "tandem-session-server-private.h"

G_DEFINE_FINAL_TYPE (TandemSessionServer, tandem_session_server, G_TYPE_OBJECT)

void
tandem_server_limits_init_defaults (TandemServerLimits *limits)
{
  limits->max_message_bytes = 1024 * 1024;
  limits->max_ops_per_second = 200;
  limits->ops_burst = 1000;          /* ≥ max_ops_per_batch: any batch can get through */
  limits->max_messages_per_second = 400;
  limits->max_flood_strikes = 50;
  limits->max_ops_per_batch = 1000;
  limits->max_clients_per_session = 64;
  limits->max_sessions = 256;
  limits->max_behind_ms = 10000;
  limits->hello_timeout_ms = 5000;
  limits->max_outbound_bytes = 1024 * 1024;
  limits->max_viewers_per_session = 48;
  limits->idle_timeout_ms = 30000;
  limits->presence_interval_ms = 50;
  limits->snapshot_every = 1000;
  limits->max_catchup = 1000;
  limits->max_sample_bytes = G_GUINT64_CONSTANT (100) * 1024 * 1024;
  limits->max_session_sample_bytes = G_GUINT64_CONSTANT (1024) * 1024 * 1024;
  limits->max_sample_chunk = 8 * 1024 * 1024;
  limits->max_hello_bytes = 8 * 1024;
  limits->request_timeout_ms = 10000;
  limits->body_idle_timeout_ms = 20000;
  limits->max_unauthenticated = 1024;
  limits->max_unauthenticated_per_address = 128;
  limits->fd_headroom = 64;
}

char *
_tandem_random_token (gsize n_bytes)
{
  g_autofree guint8 *buf = g_malloc (n_bytes);
  gsize done = 0;
  char *text;

  while (done < n_bytes)
    {
      ssize_t n = getrandom (buf + done, n_bytes - done, 0);

      if (n < 0)
        g_error ("getrandom failed: %s", g_strerror (errno));
      done += n;
    }
  text = g_base64_encode (buf, n_bytes);
  explicit_bzero (buf, n_bytes);
  for (char *p = text; *p; p++)
    {
      if (*p == '+')
        *p = '-';
      else if (*p == '/')
        *p = '_';
      else if (*p == '=')
        {
          *p = '\0';
          break;
        }
    }
  return text;
}

char *
_tandem_token_hash (const char *token)
{
  return g_compute_checksum_for_string (G_CHECKSUM_SHA256, token, -1);
}

GSource *
_tandem_server_add_timeout (TandemSessionServer *self,
                            guint                ms,
                            GSourceFunc          func,
                            gpointer             data)
{
  GSource *source = g_timeout_source_new (ms);

  g_source_set_callback (source, func, data, NULL);
  g_source_attach (source, self->context);
  return source;
}

/* Connections */

static void peer_detach (TandemPeer *peer);

static void
peer_free (TandemPeer *peer)
{
  if (peer->presence_source)
    {
      g_source_destroy (peer->presence_source);
      g_source_unref (peer->presence_source);
    }
  g_signal_handlers_disconnect_by_data (peer->conn, peer);
  g_object_unref (peer->conn);
  g_clear_object (&peer->stream);
  g_clear_object (&peer->socket);
  g_clear_pointer (&peer->cursor, json_node_unref);
  g_clear_pointer (&peer->view, json_node_unref);
  g_free (peer->path_session);
  g_free (peer->client_id);
  g_free (peer->name);
  g_free (peer->color);
  g_free (peer);
}

/* Bytes written to the socket so far, as the kernel counts them: what it
 * had acknowledged by the peer plus what sits in its send queue. */
static gboolean
kernel_written (TandemPeer *peer,
                guint64    *written)
{
  struct tcp_info info;
  socklen_t len = sizeof info;
  int fd, outq = 0;

  if (peer->socket == NULL)
    return FALSE;
  fd = g_socket_get_fd (peer->socket);
  memset (&info, 0, sizeof info);
  if (getsockopt (fd, IPPROTO_TCP, TCP_INFO, &info, &len) != 0
      || len < G_STRUCT_OFFSET (struct tcp_info, tcpi_bytes_acked) + sizeof info.tcpi_bytes_acked
      || ioctl (fd, SIOCOUTQ, &outq) != 0)
    return FALSE;
  *written = info.tcpi_bytes_acked + (guint64) outq;
  return TRUE;
}

static void
raw_send (TandemPeer *peer,
          const char *text)
{
  gsize len = strlen (text);

  if (peer->closing
      || soup_websocket_connection_get_state (peer->conn) != SOUP_WEBSOCKET_STATE_OPEN)
    return;
  soup_websocket_connection_send_text (peer->conn, text);
  /* Server frames are unmasked: 2, 4 or 10 bytes of header. */
  peer->handed_bytes += len + (len < 126 ? 2 : len < 65536 ? 4 : 10);
}

/* What a client does not read piles up in libsoup's queue, in this
 * process: past the budget (the welcome aside) the client goes, and may
 * come back with its last_seq. Presence and every other message count. */
static gboolean
check_outbound (TandemPeer *peer)
{
  guint64 budget = peer->server->limits.max_outbound_bytes;
  guint64 written, queued, welcome_left;

  /* Two system calls per look: look again only once a good part of the
   * budget more has been handed over since the last one. */
  if (peer->closing || peer->handed_bytes - peer->checked_at < MIN (budget / 8, 64 * 1024))
    return TRUE;
  peer->checked_at = peer->handed_bytes;
  if (!kernel_written (peer, &written))
    return TRUE;
  written -= MIN (written, peer->written_base);
  queued = peer->handed_bytes - MIN (peer->handed_bytes, written);
  welcome_left = peer->welcome_end - MIN (peer->welcome_end, written);
  if (queued - MIN (queued, welcome_left) <= budget)
    return TRUE;
  _tandem_peer_fail (peer, TANDEM_CODE_SLOW_CONSUMER,
                     "The connection does not read what the session sends", TANDEM_CLOSE_SLOW_CONSUMER);
  return FALSE;
}

void
_tandem_peer_send (TandemPeer *peer,
                   char       *text)
{
  raw_send (peer, text);
  g_free (text);
  check_outbound (peer);
}

/* How long the oldest batch this client has not acknowledged has been
 * out, to within a sixteenth of the limit: a mark (seq, time) is taken at
 * most that often, so a fast session costs no more than a slow one, and
 * the limit means the same at 10 edits a second as at 10,000. */
static gint64
behind_us (TandemPeer *peer,
           gint64      now)
{
  gint64 every = MAX ((gint64) peer->server->limits.max_behind_ms * 1000 / 16, 1);
  TandemSentMark *last;

  while (peer->n_marks > 0 && peer->marks[peer->first_mark].seq <= peer->acked_seq)
    {
      peer->first_mark = (peer->first_mark + 1) % TANDEM_PEER_SENT_MARKS;
      peer->n_marks--;
    }
  last = peer->n_marks > 0
         ? &peer->marks[(peer->first_mark + peer->n_marks - 1) % TANDEM_PEER_SENT_MARKS]
         : NULL;
  if ((last == NULL || now - last->us >= every) && peer->n_marks < TANDEM_PEER_SENT_MARKS
      && peer->sent_seq > peer->acked_seq)
    {
      TandemSentMark *mark = &peer->marks[(peer->first_mark + peer->n_marks++) % TANDEM_PEER_SENT_MARKS];

      mark->seq = peer->sent_seq;
      mark->us = now;
    }
  return peer->n_marks > 0 ? now - peer->marks[peer->first_mark].us : 0;
}

void
_tandem_peer_send_batch (TandemPeer *peer,
                         const char *text,
                         guint64     seq)
{
  if (peer->closing
      || soup_websocket_connection_get_state (peer->conn) != SOUP_WEBSOCKET_STATE_OPEN)
    return;
  raw_send (peer, text);
  peer->sent_seq = seq;
  if (!check_outbound (peer))
    return;
  if (behind_us (peer, g_get_monotonic_time ())
      > (gint64) peer->server->limits.max_behind_ms * 1000)
    _tandem_peer_fail (peer, TANDEM_CODE_SLOW_CONSUMER,
                       "The connection fell too far behind the session",
                       TANDEM_CLOSE_SLOW_CONSUMER);
}

/* An acknowledgement of what was never sent is a lie about the client's
 * state: it would hide a client that does not read. */
static gboolean
peer_ack (TandemPeer *peer,
          gint64      seq)
{
  if (seq < 0 || (guint64) seq > peer->sent_seq)
    {
      g_autofree char *text = g_strdup_printf ("Acknowledged seq %" G_GINT64_FORMAT " but only "
                                               "%" G_GUINT64_FORMAT " was sent", seq, peer->sent_seq);
      _tandem_peer_fail (peer, TANDEM_CODE_BAD_ACK, text, TANDEM_CLOSE_PROTOCOL_ERROR);
      return FALSE;
    }
  peer->acked_seq = MAX (peer->acked_seq, (guint64) seq);
  return TRUE;
}

void
_tandem_peer_fail (TandemPeer *peer,
                   const char *code,
                   const char *message,
                   gushort     close_code)
{
  g_autofree char *text = NULL;

  if (peer->closing)
    return;
  text = tandem_message_error (code, message);
  g_debug ("Closing client %s: %s", peer->client_id ? peer->client_id : "(not joined)", code);
  raw_send (peer, text);
  peer->closing = TRUE;
  _tandem_knock_forget_peer (peer);
  peer_detach (peer);
  if (soup_websocket_connection_get_state (peer->conn) == SOUP_WEBSOCKET_STATE_OPEN)
    soup_websocket_connection_close (peer->conn, close_code, code);
}

TandemPeer *
_tandem_session_find_peer (TandemSession *session,
                           const char    *client_id)
{
  for (guint i = 0; i < session->peers->len; i++)
    {
      TandemPeer *peer = session->peers->pdata[i];

      if (g_strcmp0 (peer->client_id, client_id) == 0)
        return peer;
    }
  return NULL;
}

/* Leaves the session (if joined) and tells the others. */
static void
peer_detach (TandemPeer *peer)
{
  TandemSession *session = peer->session;
  g_autofree char *leave = NULL;

  if (session == NULL)
    return;
  peer->session = NULL;
  g_ptr_array_remove (session->peers, peer);
  _tandem_session_follow (session);
  leave = _tandem_peer_leave_message (peer);
  _tandem_session_broadcast (session, NULL, leave);
  _tandem_session_relay_presence (session, peer->client_id, NULL);
}

static void
on_closed (SoupWebsocketConnection *conn,
           TandemPeer              *peer)
{
  TandemSessionServer *self = peer->server;

  peer->closing = TRUE;
  /* A knocker who gives up leaves the queue, and the owner's prompt with it. */
  _tandem_knock_forget_peer (peer);
  _tandem_peer_drop_held_hello (peer);
  peer_detach (peer);
  g_ptr_array_remove (self->peers, peer);
  peer_free (peer);
}

static void
on_error (SoupWebsocketConnection *conn,
          GError                  *error,
          TandemPeer              *peer)
{
  g_debug ("Connection error: %s", error->message);
}

static gboolean
is_valid_client_id (const char *id)
{
  return tandem_invite_is_valid_session_id (id);
}

/* The SHA-256 of a client secret: 32 random bytes in base64 (standard or
 * URL-safe alphabet, padding optional). */
static gboolean
hash_client_secret (const char *secret,
                    guint8     *hash)
{
  g_autoptr(GChecksum) checksum = NULL;
  g_autofree guchar *raw = NULL;
  char text[45];
  gsize len = strlen (secret), raw_len = 0, hash_len = 32;

  if (len < 43 || len > 44 || (len == 44 && secret[43] != '='))
    return FALSE;
  for (gsize i = 0; i < 43; i++)
    {
      char c = secret[i];

      if (c == '-')
        c = '+';
      else if (c == '_')
        c = '/';
      else if (!g_ascii_isalnum (c) && c != '+' && c != '/')
        return FALSE;
      text[i] = c;
    }
  text[43] = '=';
  text[44] = '\0';
  raw = g_base64_decode (text, &raw_len);
  explicit_bzero (text, sizeof text);
  if (raw_len != 32)
    return FALSE;
  checksum = g_checksum_new (G_CHECKSUM_SHA256);
  g_checksum_update (checksum, raw, raw_len);
  g_checksum_get_digest (checksum, hash, &hash_len);
  explicit_bzero (raw, raw_len);
  return TRUE;
}

/* Viewers never lock out the owner or an editor: they have their own cap
 * below the session's, and when the session is full the viewer that came
 * first gives up its seat to an arriving editor. */
static gboolean
take_seat (TandemSession *session,
           TandemRole     role)
{
  const TandemServerLimits *limits = &session->server->limits;
  TandemPeer *oldest_viewer = NULL;
  guint n_viewers = 0;

  for (guint i = 0; i < session->peers->len; i++)
    {
      TandemPeer *other = session->peers->pdata[i];

      if (other->role == TANDEM_ROLE_VIEWER)
        {
          if (oldest_viewer == NULL)
            oldest_viewer = other;
          n_viewers++;
        }
    }
  if (role == TANDEM_ROLE_VIEWER)
    return n_viewers < limits->max_viewers_per_session
           && session->peers->len < limits->max_clients_per_session;
  if (session->peers->len < limits->max_clients_per_session)
    return TRUE;
  if (oldest_viewer == NULL)
    return FALSE;
  _tandem_peer_fail (oldest_viewer, TANDEM_CODE_SEAT_YIELDED,
                     "Your seat went to an editor: the session is full", TANDEM_CLOSE_SEAT_YIELDED);
  return session->peers->len < limits->max_clients_per_session;
}

static void
handle_hello (TandemPeer *peer,
              JsonObject *msg)
{
  TandemSessionServer *self = peer->server;
  TandemSession *session;
  TandemPeer *old;
  const char *token = NULL, *client = NULL, *name = NULL, *color = NULL, *secret = NULL;
  g_autofree char *welcome = NULL;
  g_autofree char *clean_name = NULL, *clean_color = NULL;
  g_autoptr(GError) presence_error = NULL;
  guint8 secret_hash[32];
  gint64 version = 0;
  gint64 last_seq = -1;
  TandemRole role;

  if (!tandem_message_get_int (msg, "version", &version) || version != TANDEM_PROTOCOL_VERSION)
    {
      g_autofree char *text = g_strdup_printf ("This server speaks protocol version %d (%s) only",
                                               TANDEM_PROTOCOL_VERSION,
                                               TANDEM_PROTOCOL_SUBPROTOCOL);
      _tandem_peer_fail (peer, TANDEM_CODE_UNSUPPORTED_VERSION, text,
                         TANDEM_CLOSE_UNSUPPORTED_VERSION);
      return;
    }
  session = _tandem_server_lookup_session (self, peer->path_session);
  if (session == NULL && g_hash_table_contains (self->unavailable, peer->path_session))
    {
      _tandem_peer_fail (peer, TANDEM_CODE_SESSION_UNAVAILABLE,
                         "The session's data cannot be read right now; try again later",
                         TANDEM_CLOSE_TRY_AGAIN);
      return;
    }
  if (session == NULL)
    {
      _tandem_peer_fail (peer, TANDEM_CODE_NO_SUCH_SESSION, "There is no such session",
                         TANDEM_CLOSE_NO_SUCH_SESSION);
      return;
    }
  tandem_message_get_string (msg, "token", &token);
  if (!_tandem_session_check_token (session, token, &role))
    {
      _tandem_peer_fail (peer, TANDEM_CODE_UNAUTHORIZED,
                         token ? "The session token is wrong" : "The hello carries no session token",
                         TANDEM_CLOSE_UNAUTHORIZED);
      return;
    }
  /* In a cluster, a node that was not following this session catches up
   * first: the rest of the hello (whose secret another node may have
   * bound) and the welcome then meet the session as it is. */
  if (_tandem_session_hold_hello (session, peer, msg))
    return;
  if (!tandem_message_get_string (msg, "client", &client) || !is_valid_client_id (client)
      || !tandem_message_get_string (msg, "secret", &secret) || !hash_client_secret (secret, secret_hash)
      || (json_object_has_member (msg, "last_seq") && !tandem_message_get_int (msg, "last_seq", &last_seq))
      || (json_object_has_member (msg, "name") && !tandem_message_get_string (msg, "name", &name))
      || (json_object_has_member (msg, "color") && !tandem_message_get_string (msg, "color", &color)))
    {
      _tandem_peer_fail (peer, TANDEM_CODE_BAD_MESSAGE,
                         "The hello needs a client id ([A-Za-z0-9_-], ≤ 64 characters) and its "
                         "secret (32 random bytes in base64), and may carry last_seq, name and color",
                         TANDEM_CLOSE_PROTOCOL_ERROR);
      return;
    }
  /* Seeing an id in a welcome gives nothing: only its secret does. The
   * client holding the id stays connected. */
  if (!_tandem_session_check_client (session, client, secret_hash))
    {
      explicit_bzero (secret_hash, sizeof secret_hash);
      _tandem_peer_fail (peer, TANDEM_CODE_WRONG_SECRET,
                         "This client id belongs to another client (wrong client secret)",
                         TANDEM_CLOSE_WRONG_SECRET);
      return;
    }
  /* A role the owner gave this id outlives its connection: a listener
   * made an editor stays one through a dropped Wi-Fi, and an editor made a
   * listener cannot edit again by reconnecting. The owner's own link
   * always makes an owner. */
  if (role != TANDEM_ROLE_OWNER)
    {
      TandemClientRecord *record = g_hash_table_lookup (session->clients, client);

      if (record != NULL && record->role_set)
        role = record->role;
    }
  /* A name or colour that cannot be shown is left out, not fatal: the
   * error tells why once joined. */
  if (name)
    clean_name = tandem_presence_clean_name (name, &presence_error);
  if (color)
    clean_color = tandem_presence_clean_color (color, presence_error ? NULL : &presence_error);

  old = _tandem_session_find_peer (session, client);
  if (old != NULL)
    _tandem_peer_fail (old, TANDEM_CODE_REPLACED, "This client connected again",
                       TANDEM_CLOSE_REPLACED);
  if (!take_seat (session, role))
    {
      _tandem_peer_fail (peer, TANDEM_CODE_SESSION_FULL,
                         role == TANDEM_ROLE_VIEWER ? "Every viewer seat is taken"
                                                    : "The session is full",
                         TANDEM_CLOSE_SESSION_FULL);
      return;
    }
  /* Viewers leave nothing durable behind, so only the ids that can edit
   * are journaled. */
  _tandem_session_claim_client (session, client, secret_hash, role != TANDEM_ROLE_VIEWER);
  explicit_bzero (secret_hash, sizeof secret_hash);

  peer->client_id = g_strdup (client);
  peer->name = g_strdup (clean_name ? clean_name : "");
  /* Someone who moved here from another node is no longer there. */
  _tandem_session_forget_remote (session, client);
  peer->color = _tandem_peer_pick_color (session, peer, clean_color);
  peer->role = role;
  /* The welcome describes the synced state only; batches in flight follow
   * once their flush is done. */
  welcome = _tandem_session_build_welcome (session, peer, last_seq);
  peer->session = session;
  peer->sent_seq = peer->acked_seq = session->durable_seq;
  g_ptr_array_add (session->peers, peer);
  _tandem_session_follow (session);
  _tandem_peer_send (peer, g_steal_pointer (&welcome));
  peer->welcome_end = peer->handed_bytes;
  _tandem_session_history_note_author (session, peer);
  if (presence_error)
    _tandem_peer_send (peer, tandem_message_error (TANDEM_CODE_INVALID_PRESENCE,
                                                   presence_error->message));
  _tandem_peer_send_own_presence (peer);
  _tandem_peer_announce (peer);
}

static void peer_trust (TandemPeer *peer);

void
_tandem_peer_release_hello (TandemPeer *peer,
                            JsonObject *msg)
{
  handle_hello (peer, msg);
  if (peer->session != NULL)
    peer_trust (peer);
}

static gint64
retry_after_ms (gint64 wait_us)
{
  return wait_us <= 0 ? 0 : (wait_us + 999) / 1000;
}

static gboolean
add_strike (TandemPeer *peer)
{
  if (++peer->strikes <= peer->server->limits.max_flood_strikes)
    return TRUE;
  /* The rejects queued so far go out before the final error, without
   * waiting on the disk here. */
  if (peer->session)
    _tandem_session_fail_after (peer->session, peer, TANDEM_CODE_FLOOD,
                                "Too many messages or edits: disconnected", TANDEM_CLOSE_FLOOD);
  else
    _tandem_peer_fail (peer, TANDEM_CODE_FLOOD, "Too many messages or edits: disconnected",
                       TANDEM_CLOSE_FLOOD);
  return FALSE;
}

void
_tandem_peer_refusal_sent (TandemPeer *peer,
                           guint64     cseq)
{
  if (cseq == peer->rl_cseq)
    peer->rl_told = TRUE;
}

/* Refuses submit @cseq for now, without processing it (go-back-N): until
 * the first refused cseq comes again, every later one is refused too, so a
 * client's edits can never land out of order. @wait_us is how long until
 * this one would fit the budget. A client that waits as told never gets a
 * strike: refusals cost one (and towards "flood") only when it resends
 * before the time it was given, or when the ops it keeps sending while
 * refused exceed another burst — more than can be in flight at once.
 * The refusal waits in the outbox behind the echoes of earlier batches,
 * which wait for the journal's flush; until it is out the client cannot
 * know, so what it sends until then is measured against one burst of its
 * own, and only what follows against the refused-ops bucket. */
static void
refuse_submit (TandemPeer *peer,
               guint64     cseq,
               guint       n_ops,
               gint64      wait_us,
               gint64      now)
{
  const TandemServerLimits *limits = &peer->server->limits;
  gboolean early = peer->rl_cseq != 0 && cseq <= peer->rl_cseq && now < peer->rl_retry_us;
  g_autofree char *text = NULL;
  gboolean too_many;
  gint64 ms;

  if (peer->rl_cseq == 0 || cseq <= peer->rl_cseq)
    {
      peer->rl_cseq = cseq;
      peer->rl_retry_us = MAX (peer->rl_retry_us, now + retry_after_ms (wait_us) * 1000);
      peer->rl_told = FALSE;
      peer->rl_blind_ops = 0;
    }
  ms = retry_after_ms (peer->rl_retry_us - now);
  text = g_strdup_printf ("More than %g ops per second; send batch %" G_GUINT64_FORMAT
                          " again in %" G_GINT64_FORMAT " ms", limits->max_ops_per_second,
                          peer->rl_cseq, ms);
  _tandem_session_refuse (peer->session, peer, cseq, text, ms);
  if (peer->rl_told)
    too_many = !tandem_rate_limit_take (&peer->refused_limit, n_ops, now);
  else
    too_many = (peer->rl_blind_ops += n_ops) > limits->ops_burst;
  if (early || too_many)
    add_strike (peer);
}

/* The hello was accepted: the connection gets the budgets of a participant. */
static void
peer_trust (TandemPeer *peer)
{
  const TandemServerLimits *limits = &peer->server->limits;
  guint64 max_frame = (guint64) limits->max_message_bytes * 2 + 65536;

  /* libsoup's own limit drops the connection without a close frame, so it
   * sits well above ours: we answer oversize messages ourselves. */
  soup_websocket_connection_set_max_incoming_payload_size (peer->conn, max_frame);
  if (peer->stream != NULL)
    {
      tandem_server_conn_set_frame_limits (peer->stream, 0, max_frame);
      peer->stream->deadline_us = 0;
      _tandem_server_conn_authenticated (peer->server, peer->stream);
    }
}

static void
handle_submit (TandemPeer *peer,
               JsonObject *msg,
               gboolean    over_budget)
{
  const TandemServerLimits *limits = &peer->server->limits;
  JsonNode *ops = json_object_get_member (msg, "ops");
  const char *client = NULL;
  gint64 cseq = 0;
  gint64 now = g_get_monotonic_time ();
  guint n_ops, max_ops = _tandem_server_limits_max_batch (limits);

  if (!tandem_message_get_int (msg, "cseq", &cseq) || cseq <= 0
      || ops == NULL || !JSON_NODE_HOLDS_ARRAY (ops)
      || (json_object_has_member (msg, "client")
          && (!tandem_message_get_string (msg, "client", &client)
              || strcmp (client, peer->client_id) != 0)))
    {
      const char *text = "A submit needs cseq (> 0), an ops array and the client id of this "
                         "connection";

      _tandem_peer_send (peer, cseq > 0
                               ? tandem_message_submit_error (cseq, TANDEM_CODE_BAD_MESSAGE, text, -1)
                               : tandem_message_error (TANDEM_CODE_BAD_MESSAGE, text));
      return;
    }
  n_ops = json_array_get_length (json_node_get_array (ops));
  /* A batch the server has processed is answered "duplicate" whatever the budget. */
  if ((guint64) cseq <= _tandem_session_get_client_seq (peer->session, peer->client_id))
    {
      _tandem_session_submit (peer->session, peer, cseq, json_node_get_array (ops));
      return;
    }
  if (over_budget)
    {
      refuse_submit (peer, cseq, n_ops,
                     tandem_rate_limit_wait_us (&peer->msg_limit, 1, now), now);
      return;
    }
  if (n_ops == 0 || n_ops > max_ops)
    {
      g_autofree char *text = g_strdup_printf ("A batch holds 1 to %u ops", max_ops);
      _tandem_session_reject (peer->session, peer, cseq, TANDEM_CODE_TOO_MANY_OPS, text);
      return;
    }
  if (peer->rl_cseq != 0 && (guint64) cseq > peer->rl_cseq)
    {
      refuse_submit (peer, cseq, n_ops, 0, now);
      return;
    }
  if (!tandem_rate_limit_take (&peer->ops_limit, n_ops, now))
    {
      refuse_submit (peer, cseq, n_ops, tandem_rate_limit_wait_us (&peer->ops_limit, n_ops, now),
                     now);
      return;
    }
  if ((guint64) cseq == peer->rl_cseq)
    peer->rl_cseq = 0;
  _tandem_session_submit (peer->session, peer, cseq, json_node_get_array (ops));
}

static void
on_message (SoupWebsocketConnection *conn,
            SoupWebsocketDataType    data_type,
            GBytes                  *message,
            TandemPeer              *peer)
{
  const TandemServerLimits *limits = &peer->server->limits;
  g_autoptr(JsonObject) msg = NULL;
  g_autoptr(GError) error = NULL;
  const char *type = NULL;
  gsize size;
  const char *data = g_bytes_get_data (message, &size);
  gint64 now = g_get_monotonic_time ();
  gboolean over_budget;

  if (peer->closing || peer->doomed)
    return;
  peer->last_recv_us = now;
  if (data_type != SOUP_WEBSOCKET_DATA_TEXT)
    {
      _tandem_peer_fail (peer, TANDEM_CODE_BINARY_FRAME, "Only JSON text messages are accepted",
                         TANDEM_CLOSE_UNSUPPORTED_DATA);
      return;
    }
  if (size > limits->max_message_bytes)
    {
      g_autofree char *text = g_strdup_printf ("Messages are limited to %" G_GSIZE_FORMAT " bytes",
                                               limits->max_message_bytes);
      _tandem_peer_fail (peer, TANDEM_CODE_TOO_LARGE, text, TANDEM_CLOSE_TOO_BIG);
      return;
    }
  /* Before joining, one message (the hello) is all a connection may send. */
  if (peer->session == NULL && peer->n_messages++ > 0)
    {
      _tandem_peer_fail (peer, TANDEM_CODE_NOT_JOINED, "Nothing but one hello before joining",
                         TANDEM_CLOSE_PROTOCOL_ERROR);
      return;
    }
  /* Over the message budget a message costs a strike; it is still read, at
   * most max_flood_strikes times, so that a submit can be refused by its
   * cseq (and sent again) rather than silently lost. */
  over_budget = !tandem_rate_limit_take (&peer->msg_limit, 1, now);
  if (over_budget && !add_strike (peer))
    return;
  if (peer->strikes > 0 && !over_budget && tandem_rate_limit_take (&peer->ops_limit, 0, now)
      && peer->ops_limit.tokens >= peer->ops_limit.burst)
    peer->strikes = 0;

  msg = tandem_message_parse (data, size, &type, &error);
  if (msg == NULL)
    {
      _tandem_peer_send (peer, tandem_message_error (TANDEM_CODE_BAD_MESSAGE, error->message));
      return;
    }
  if (over_budget && !(peer->session != NULL && strcmp (type, "submit") == 0))
    {
      gint64 ms = retry_after_ms (tandem_rate_limit_wait_us (&peer->msg_limit, 1, now));

      _tandem_peer_send (peer, tandem_message_error_retry (TANDEM_CODE_RATE_LIMITED,
                                                           "Too many messages; this one was dropped",
                                                           ms));
      return;
    }

  if (strcmp (type, "hello") == 0)
    {
      if (peer->session != NULL || peer->held_hello != NULL)
        _tandem_peer_send (peer, tandem_message_error (TANDEM_CODE_BAD_MESSAGE,
                                                       "Already joined"));
      else
        {
          handle_hello (peer, msg);
          if (peer->session != NULL)
            peer_trust (peer);
        }
      return;
    }
  if (strcmp (type, TANDEM_MSG_KNOCK) == 0 && peer->session == NULL)
    {
      _tandem_knock_handle (peer, msg);
      return;
    }
  if (strcmp (type, "ping") == 0)
    {
      gint64 t = 0, seq;

      tandem_message_get_int (msg, "t", &t);
      if (peer->session && tandem_message_get_int (msg, "seq", &seq) && !peer_ack (peer, seq))
        return;
      _tandem_peer_send (peer, tandem_message_pong (t, tandem_protocol_now_us ()));
      return;
    }
  if (peer->session == NULL)
    {
      _tandem_peer_send (peer, tandem_message_error (TANDEM_CODE_NOT_JOINED,
                                                     "Send a hello with the session token first"));
      return;
    }
  if (strcmp (type, "submit") == 0)
    handle_submit (peer, msg, over_budget);
  else if (strcmp (type, TANDEM_MSG_ADMIT) == 0 || strcmp (type, TANDEM_MSG_DENY) == 0)
    _tandem_knock_handle_answer (peer, msg, strcmp (type, TANDEM_MSG_ADMIT) == 0);
  else if (strcmp (type, "ack") == 0)
    {
      gint64 seq;

      if (tandem_message_get_int (msg, "seq", &seq))
        peer_ack (peer, seq);
    }
  else if (strcmp (type, "presence") == 0)
    _tandem_peer_handle_presence (peer, msg);
  else if (strcmp (type, "set-role") == 0)
    _tandem_peer_handle_set_role (peer, msg);
  else if (_tandem_session_history_handle (peer, msg, type))
    ;
  else if (strcmp (type, "leave") == 0)
    {
      peer->closing = TRUE;
      peer_detach (peer);
      soup_websocket_connection_close (peer->conn, TANDEM_CLOSE_NORMAL, "leave");
    }
  else
    {
      g_autofree char *text = g_strdup_printf ("Unknown message type “%s”", type);
      _tandem_peer_send (peer, tandem_message_error (TANDEM_CODE_UNKNOWN_TYPE, text));
    }
}

static void
websocket_cb (SoupServer              *soup,
              SoupServerMessage       *msg,
              const char              *path,
              SoupWebsocketConnection *conn,
              gpointer                 user_data)
{
  TandemSessionServer *self = user_data;
  TandemPeer *peer = g_new0 (TandemPeer, 1);
  const TandemServerLimits *limits = &self->limits;
  TandemServerConn *stream = _tandem_server_conn_for_message (msg);
  gint64 now = g_get_monotonic_time ();

  peer->server = self;
  peer->conn = g_object_ref (conn);
  peer->created_us = peer->last_recv_us = now;
  peer->rtt_us = -1;
  peer->path_session = g_strdup (g_str_has_prefix (path, TANDEM_PROTOCOL_PATH_PREFIX)
                                 ? path + strlen (TANDEM_PROTOCOL_PATH_PREFIX) : "");
  tandem_rate_limit_init (&peer->ops_limit, limits->max_ops_per_second, limits->ops_burst, now);
  tandem_rate_limit_init (&peer->msg_limit, limits->max_messages_per_second,
                          limits->max_messages_per_second, now);
  tandem_rate_limit_init (&peer->refused_limit, limits->max_ops_per_second, limits->ops_burst, now);
  g_ptr_array_add (self->peers, peer);
  /* Our listener hands libsoup a wrapped stream, not a socket connection:
   * libsoup then knows no socket, and the kernel's counts come from ours. */
  if (stream != NULL)
    g_set_object (&peer->socket, tandem_server_conn_get_socket (stream));
  else if (soup_server_message_get_socket (msg))
    g_set_object (&peer->socket, soup_server_message_get_socket (msg));
  if (peer->socket != NULL && !kernel_written (peer, &peer->written_base))
    g_clear_object (&peer->socket);

  /* Until the welcome, a frame over the hello budget is refused from its
   * header (libsoup), and so is a message fragmented past it (the
   * connection's guard); the hello timeout gets a grace period for the
   * close handshake, then the socket is cut whatever the peer does. */
  soup_websocket_connection_set_max_incoming_payload_size (conn, limits->max_hello_bytes);
  if (stream != NULL)
    {
      peer->stream = g_object_ref (stream);
      stream->upgraded = TRUE;
      stream->deadline_us = now + ((gint64) limits->hello_timeout_ms + 5000) * 1000;
    }
  soup_websocket_connection_set_keepalive_interval (conn, 0);
  g_signal_connect (conn, "message", G_CALLBACK (on_message), peer);
  g_signal_connect (conn, "closed", G_CALLBACK (on_closed), peer);
  g_signal_connect (conn, "error", G_CALLBACK (on_error), peer);

  if (self->shut_down)
    _tandem_peer_fail (peer, TANDEM_CODE_SHUTDOWN, "The server is shutting down",
                       TANDEM_CLOSE_GOING_AWAY);
}

static void
early_cb (SoupServer        *soup,
          SoupServerMessage *msg,
          const char        *path,
          GHashTable        *query,
          gpointer           user_data)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  const char *protocols = soup_message_headers_get_list (headers, "Sec-WebSocket-Protocol");
  g_autofree char *body = NULL;
  TandemServerConn *stream = _tandem_server_conn_for_message (msg);

  /* Budgets before a hello are kept on connections that start with the
   * upgrade; one that served other requests first gets no WebSocket. */
  if (stream != NULL && !tandem_server_conn_is_websocket (stream))
    {
      _tandem_server_respond_error (msg, SOUP_STATUS_BAD_REQUEST, TANDEM_CODE_BAD_MESSAGE,
                                    "Open a new connection for the WebSocket");
      return;
    }
  /* A client of another protocol version gets a clear answer instead of
   * libsoup's bare 400. */
  if (protocols == NULL
      || soup_header_contains (protocols, TANDEM_PROTOCOL_SUBPROTOCOL))
    return;
  body = tandem_message_error (TANDEM_CODE_UNSUPPORTED_VERSION,
                               "This server speaks the " TANDEM_PROTOCOL_SUBPROTOCOL " subprotocol only");
  soup_server_message_set_status (msg, SOUP_STATUS_BAD_REQUEST, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_COPY, body, strlen (body));
}

static gboolean
sweep_cb (gpointer data)
{
  TandemSessionServer *self = data;
  gint64 now = g_get_monotonic_time ();

  for (guint i = self->peers->len; i > 0; i--)
    {
      TandemPeer *peer;

      if (i > self->peers->len)
        continue;
      peer = self->peers->pdata[i - 1];
      if (peer->closing)
        continue;
      if (peer->knocking || peer->held_hello != NULL)
        continue;  /* its knock's, or its hold's, own timeout ends it */
      if (peer->session == NULL
          && now - peer->created_us > (gint64) self->limits.hello_timeout_ms * 1000)
        _tandem_peer_fail (peer, TANDEM_CODE_TIMEOUT, "No hello in time", TANDEM_CLOSE_TIMEOUT);
      else if (now - peer->last_recv_us > (gint64) self->limits.idle_timeout_ms * 1000)
        _tandem_peer_fail (peer, TANDEM_CODE_TIMEOUT, "No message in time (send pings)",
                           TANDEM_CLOSE_TIMEOUT);
    }
  return G_SOURCE_CONTINUE;
}

static void
restart_sweep (TandemSessionServer *self)
{
  guint interval = MIN (self->limits.hello_timeout_ms, self->limits.idle_timeout_ms) / 4;

  if (self->sweep_source)
    {
      g_source_destroy (self->sweep_source);
      g_source_unref (self->sweep_source);
    }
  self->sweep_source = _tandem_server_add_timeout (self, CLAMP (interval, 10, 1000), sweep_cb, self);
  _tandem_server_listener_restart_sweep (self);
}

/* GObject */

static void
tandem_session_server_dispose (GObject *object)
{
  TandemSessionServer *self = TANDEM_SESSION_SERVER (object);

  tandem_session_server_shutdown (self);
  G_OBJECT_CLASS (tandem_session_server_parent_class)->dispose (object);
}

static void
tandem_session_server_finalize (GObject *object)
{
  TandemSessionServer *self = TANDEM_SESSION_SERVER (object);

  while (self->peers->len > 0)
    {
      TandemPeer *peer = g_ptr_array_steal_index (self->peers, self->peers->len - 1);

      peer->session = NULL;
      peer_free (peer);
    }
  g_ptr_array_unref (self->peers);
  _tandem_server_open_finalize (self);
  _tandem_server_loader_finalize (self);
  g_hash_table_unref (self->sessions);
  g_hash_table_unref (self->unavailable);
  g_clear_pointer (&self->knocks, _tandem_knocks_free);
  _tandem_server_flush_pool_free (self);
  _tandem_server_samples_cleanup (self);
  g_clear_object (&self->soup);
  _tandem_server_listener_finalize (self);
  g_main_context_unref (self->context);
  g_free (self->data_dir);
  g_free (self->admin_token_hash);
  g_free (self->public_host);
  g_strfreev (self->invite_also);
  G_OBJECT_CLASS (tandem_session_server_parent_class)->finalize (object);
}

static void
tandem_session_server_class_init (TandemSessionServerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = tandem_session_server_dispose;
  object_class->finalize = tandem_session_server_finalize;
}

static void
tandem_session_server_init (TandemSessionServer *self)
{
  char *protocols[] = { (char *) TANDEM_PROTOCOL_SUBPROTOCOL, NULL };

  self->context = g_main_context_ref_thread_default ();
  self->fsync = TRUE;
  self->keep_history = TRUE;
  tandem_server_limits_init_defaults (&self->limits);
  self->sessions = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                          (GDestroyNotify) _tandem_session_free);
  self->knocks = _tandem_knocks_new ();
  self->unavailable = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  _tandem_server_loader_init (self);
  self->peers = g_ptr_array_new ();
  self->soup = soup_server_new ("server-header", "tandem-server/" PACKAGE_VERSION, NULL);
  soup_server_add_early_handler (self->soup, "/session", early_cb, self, NULL);
  soup_server_add_websocket_handler (self->soup, "/session", NULL, protocols,
                                     websocket_cb, self, NULL);
  _tandem_server_http_init (self);
  _tandem_server_listener_init (self);
  restart_sweep (self);
}

TandemSessionServer *
tandem_session_server_new (const char  *data_dir,
                           GError     **error)
{
  g_autoptr(TandemSessionServer) self = g_object_new (TANDEM_TYPE_SESSION_SERVER, NULL);

  if (data_dir != NULL)
    {
      self->data_dir = g_strdup (data_dir);
      /* Only listed here: they load once the server listens. */
      if (!_tandem_server_loader_find (self, error))
        return NULL;
    }
  return g_steal_pointer (&self);
}

void
tandem_session_server_set_limits (TandemSessionServer      *self,
                                  const TandemServerLimits *limits)
{
  g_return_if_fail (TANDEM_IS_SESSION_SERVER (self));
  self->limits = *limits;
  restart_sweep (self);
}

const TandemServerLimits *
tandem_session_server_get_limits (TandemSessionServer *self)
{
  return &self->limits;
}

void
tandem_session_server_set_admin_token (TandemSessionServer *self,
                                       const char          *token)
{
  g_return_if_fail (TANDEM_IS_SESSION_SERVER (self));
  g_free (self->admin_token_hash);
  self->admin_token_hash = token ? _tandem_token_hash (token) : NULL;
}

void
tandem_session_server_set_fsync (TandemSessionServer *self,
                                 gboolean             fsync)
{
  GHashTableIter iter;
  gpointer value;

  self->fsync = !!fsync;
  g_hash_table_iter_init (&iter, self->sessions);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    if (((TandemSession *) value)->journal)
      tandem_journal_set_fsync (((TandemSession *) value)->journal, self->fsync);
}

void
tandem_session_server_set_history_retention (TandemSessionServer *self,
                                             guint64              max_bytes,
                                             gint64               max_age_s)
{
  GHashTableIter iter;
  gpointer value;

  g_return_if_fail (TANDEM_IS_SESSION_SERVER (self));
  self->history_max_bytes = max_bytes;
  self->history_max_age_s = MAX (max_age_s, 0);
  /* Sessions recovered before the policy was known get it applied now;
   * from here on, each compaction applies it. */
  g_hash_table_iter_init (&iter, self->sessions);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    if (((TandemSession *) value)->dir && self->keep_history)
      _tandem_session_history_prune (((TandemSession *) value)->dir, self->history_max_bytes,
                                     self->history_max_age_s);
}

void
tandem_session_server_set_keep_history (TandemSessionServer *self,
                                        gboolean             keep)
{
  GHashTableIter iter;
  gpointer value;

  g_return_if_fail (TANDEM_IS_SESSION_SERVER (self));
  self->keep_history = !!keep;
  g_hash_table_iter_init (&iter, self->sessions);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    if (((TandemSession *) value)->journal)
      tandem_journal_set_keep_history (((TandemSession *) value)->journal, self->keep_history);
}

void
tandem_session_server_set_public_host (TandemSessionServer *self,
                                       const char          *host)
{
  g_free (self->public_host);
  self->public_host = g_strdup (host);
}

char *
tandem_session_server_create_session (TandemSessionServer  *self,
                                      JsonNode             *project_json,
                                      char                **tokens,
                                      GError              **error)
{
  g_autoptr(TandemProject) project = NULL;
  g_autofree char *id = NULL;
  g_autofree char *dir = NULL;
  TandemSession *session;

  g_return_val_if_fail (TANDEM_IS_SESSION_SERVER (self), NULL);
  if (tandem_session_server_get_n_sessions (self) >= self->limits.max_sessions)
    {
      g_set_error (error, TANDEM_SYNC_ERROR, TANDEM_SYNC_ERROR_LIMIT,
                   "This server hosts at most %u sessions", self->limits.max_sessions);
      return NULL;
    }
  project = project_json ? tandem_project_new_from_json (project_json, error) : tandem_project_new ();
  if (project == NULL)
    return NULL;
  id = _tandem_random_token (16);
  for (guint r = 0; r < TANDEM_N_ROLES; r++)
    tokens[r] = _tandem_random_token (32);
  if (self->data_dir)
    dir = g_build_filename (self->data_dir, "sessions", id, NULL);
  session = _tandem_session_new (self, id, dir, project, tokens, error);
  if (session == NULL)
    {
      for (guint r = 0; r < TANDEM_N_ROLES; r++)
        g_clear_pointer (&tokens[r], g_free);
      return NULL;
    }
  g_hash_table_insert (self->sessions, session->id, session);
  g_info ("Session %s created", id);
  return g_steal_pointer (&id);
}

guint
tandem_session_server_get_n_sessions (TandemSessionServer *self)
{
  return g_hash_table_size (self->sessions) + _tandem_server_loader_get_n_left (self);
}

guint
tandem_session_server_get_n_loading (TandemSessionServer *self)
{
  return _tandem_server_loader_get_n_left (self);
}

char **
tandem_session_server_list_sessions (TandemSessionServer *self)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  GHashTableIter iter;
  gpointer key;
  char **ids;

  g_hash_table_iter_init (&iter, self->sessions);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    g_strv_builder_add (builder, key);
  _tandem_server_loader_add_ids (self, builder);
  ids = g_strv_builder_end (builder);

  qsort (ids, g_strv_length (ids), sizeof (char *), (GCompareFunc) g_strcmp0);
  return ids;
}

char *
tandem_session_server_dup_project_string (TandemSessionServer *self,
                                          const char          *session_id)
{
  TandemSession *session = _tandem_server_lookup_session (self, session_id);

  return session ? tandem_project_to_string (session->durable_project) : NULL;
}

guint64
tandem_session_server_get_seq (TandemSessionServer *self,
                               const char          *session_id)
{
  TandemSession *session = _tandem_server_lookup_session (self, session_id);

  return session ? session->durable_seq : 0;
}

void
tandem_session_server_set_flush_delay_for_tests (TandemSessionServer *self,
                                                 const char          *session_id,
                                                 guint                ms)
{
  TandemSession *session = _tandem_server_lookup_session (self, session_id);

  g_return_if_fail (session != NULL);
  session->flush_delay_ms = ms;
}

guint
tandem_session_server_get_n_clients (TandemSessionServer *self,
                                     const char          *session_id)
{
  TandemSession *session = _tandem_server_lookup_session (self, session_id);

  return session ? session->peers->len : 0;
}

guint
tandem_session_server_get_n_connections (TandemSessionServer *self)
{
  g_return_val_if_fail (TANDEM_IS_SESSION_SERVER (self), 0);
  return self->peers->len;
}

void
tandem_session_server_shutdown (TandemSessionServer *self)
{
  GHashTableIter iter;
  gpointer value;

  if (self->shut_down)
    return;
  self->shut_down = TRUE;
  _tandem_server_loader_stop (self);
  g_hash_table_iter_init (&iter, self->sessions);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      _tandem_session_follow (value);
      _tandem_session_flush (value);
    }
  for (guint i = self->peers->len; i > 0; i--)
    if (i <= self->peers->len)
      _tandem_peer_fail (self->peers->pdata[i - 1], TANDEM_CODE_SHUTDOWN,
                         "The server is shutting down", TANDEM_CLOSE_GOING_AWAY);
  if (self->sweep_source)
    {
      g_source_destroy (self->sweep_source);
      g_clear_pointer (&self->sweep_source, g_source_unref);
    }
  _tandem_server_open_shutdown (self);
  _tandem_server_listener_shutdown (self);
  if (self->soup)
    soup_server_disconnect (self->soup);
}

void
tandem_session_server_set_invite_also (TandemSessionServer *self,
                                       const char * const  *also)
{
  g_return_if_fail (TANDEM_IS_SESSION_SERVER (self));
  g_strfreev (self->invite_also);
  self->invite_also = also && also[0] ? g_strdupv ((char **) also) : NULL;
}
