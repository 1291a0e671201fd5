/* tandem-session-server.h — hosts Tandem sessions over WebSocket and HTTP
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

#include "tandem-invite.h"
#include "tandem-protocol.h"

G_BEGIN_DECLS

/* Every limit the server enforces; see docs/server.md for the error each
 * one answers with. */
typedef struct
{
  gsize  max_message_bytes;        /* one incoming WebSocket message */
  double max_ops_per_second;       /* per client, sustained */
  double ops_burst;                /* per client, short bursts */
  double max_messages_per_second;  /* per client, every message type */
  guint  max_flood_strikes;        /* refused messages before disconnecting */
  guint  max_ops_per_batch;
  guint  max_clients_per_session;
  guint  max_sessions;
  guint  max_behind_ms;            /* how long a sent batch may go unacknowledged */
  gsize  max_outbound_bytes;       /* bytes waiting in this process to be written to one client */
  guint  max_viewers_per_session;  /* below max_clients_per_session: seats for editors */
  guint  hello_timeout_ms;
  guint  idle_timeout_ms;
  guint  presence_interval_ms;
  guint  snapshot_every;           /* journal records before compaction */
  guint  max_catchup;              /* missed batches sent instead of a snapshot */
  guint64 max_sample_bytes;        /* one sample file */
  guint64 max_session_sample_bytes; /* all the samples of one session */
  gsize  max_sample_chunk;         /* one upload request body */
  /* Before trust: budgets of connections that have not joined. */
  gsize  max_hello_bytes;          /* everything a WebSocket sends before its welcome */
  guint  request_timeout_ms;       /* HTTP request headers (and the upgrade), keep-alive idle */
  guint  body_idle_timeout_ms;     /* an HTTP body or response without progress */
  guint  max_unauthenticated;      /* connections not joined / not authorized, in total */
  guint  max_unauthenticated_per_address;
  guint  fd_headroom;              /* descriptors kept free below the limit: 503 beyond */
} TandemServerLimits;

void tandem_server_limits_init_defaults (TandemServerLimits *limits);

#define TANDEM_TYPE_SESSION_SERVER (tandem_session_server_get_type ())
G_DECLARE_FINAL_TYPE (TandemSessionServer, tandem_session_server, TANDEM, SESSION_SERVER, GObject)

/*
 * The server runs on the thread-default GMainContext of the thread that
 * creates it. With a @data_dir, it recovers every session found there and
 * journals every accepted batch; with NULL, sessions live in memory only.
 */
TandemSessionServer *tandem_session_server_new           (const char          *data_dir,
                                                          GError             **error);
void                 tandem_session_server_set_limits    (TandemSessionServer *self,
                                                          const TandemServerLimits *limits);
const TandemServerLimits *
                     tandem_session_server_get_limits    (TandemSessionServer *self);
/* Session creation over HTTP needs "Authorization: Bearer @token". With no
 * admin token, POST /sessions is refused. */
/* How long a knock waits for the owner's answer (tests shorten it). */
void                 tandem_session_server_set_knock_timeout (TandemSessionServer *self,
                                                              guint                timeout_ms);
void                 tandem_session_server_set_admin_token (TandemSessionServer *self,
                                                          const char          *token);
/* Open sessions: POST /sessions also works without the admin token, at
 * most @per_address_per_hour times an hour from one address (0: no limit);
 * beyond, 429 with Retry-After. */
void                 tandem_session_server_set_open_sessions (TandemSessionServer *self,
                                                          gboolean             open,
                                                          guint                per_address_per_hour);
/* Deletes (memory and disk) a session that had no connection, upload or
 * edit for @ms; 0 (the default) keeps sessions for ever. */
void                 tandem_session_server_set_idle_expiry (TandemSessionServer *self,
                                                          guint64              ms);
/* Journals call fdatasync unless turned off (benchmarks of the network path). */
void                 tandem_session_server_set_fsync     (TandemSessionServer *self,
                                                          gboolean             fsync);
/* History (docs/server.md, "History"): compaction keeps every snapshot
 * and journal segment under <session>/history/ (on by default). The oldest
 * go once history/ holds more than @max_bytes or is older than @max_age_s
 * seconds (0: no limit), at each compaction and when this is called. */
void                 tandem_session_server_set_history_retention (TandemSessionServer *self,
                                                          guint64              max_bytes,
                                                          gint64               max_age_s);
/* Off: compaction discards the journal as before (no history kept). */
void                 tandem_session_server_set_keep_history (TandemSessionServer *self,
                                                          gboolean             keep);
/* The host name put into invite links made by the HTTP API (default: the
 * request's Host header). */
void                 tandem_session_server_set_public_host (TandemSessionServer *self,
                                                          const char          *host);
/* Other nodes of a cluster ("HOST:PORT"), listed in invite links made by
 * the HTTP API as also= (docs/cluster.md); NULL: none. */
void                 tandem_session_server_set_invite_also (TandemSessionServer *self,
                                                          const char * const  *also);
/* Before listen: serve wss:// and https:// on the listening port with
 * @certificate (which holds its private key); NULL (the default) serves
 * plain ws:// and http://, for loopback and explicitly insecure servers. */
void                 tandem_session_server_set_tls_certificate (TandemSessionServer *self,
                                                          GTlsCertificate     *certificate);
GTlsCertificate     *tandem_session_server_get_tls_certificate (TandemSessionServer *self);
/* Makes @invite say how to reach this server: plain, wss:// with the
 * certificate's fingerprint (self-signed), or wss:// checked against the
 * system's authorities (a certificate from one). */
void                 tandem_session_server_secure_invite (TandemSessionServer *self,
                                                          TandemInvite        *invite);
/* Keeps every session's samples in @dir/<session id>/ instead of its own
 * folder, so that the nodes of a cluster which share @dir (a network file
 * system) serve each other's uploads. @node_id names this node's part files,
 * so that two nodes receiving the same sample never write one file; a
 * finished sample is renamed into place, and the same name always holds the
 * same bytes. Before any session loads. */
gboolean             tandem_session_server_set_sample_dir (TandemSessionServer *self,
                                                          const char          *dir,
                                                          const char          *node_id,
                                                          GError             **error);
/* The presence of a person of @session_id on another node of a cluster
 * (@text, a presence message), or NULL when they left there
 * (tandem-session-remote-people.c). */
void                 tandem_session_server_remote_presence (TandemSessionServer *self,
                                                          const char          *session_id,
                                                          const char          *client_id,
                                                          const char          *text);
/* The owner of @session_id, on another node, gave @client_id @role
 * (editor or viewer). */
void                 tandem_session_server_remote_role (TandemSessionServer *self,
                                                      const char          *session_id,
                                                      const char          *client_id,
                                                      TandemRole           role);
/* Raises the soft limit on open files to the hard limit (done by listen). */
void                 tandem_session_server_raise_fd_limit (void);
/* @address NULL listens on all interfaces; @port 0 picks a free port. */
gboolean             tandem_session_server_listen        (TandemSessionServer *self,
                                                          const char          *address,
                                                          guint16              port,
                                                          GError             **error);
guint16              tandem_session_server_get_port      (TandemSessionServer *self);

/* Creates a session holding @project (a project JSON object, or NULL for an
 * empty project). Returns the session id and the three role tokens
 * (indexed by TandemRole); the server keeps only their hashes. */
char                *tandem_session_server_create_session (TandemSessionServer *self,
                                                          JsonNode            *project,
                                                          char               **tokens,
                                                          GError             **error);
guint                tandem_session_server_get_n_sessions (TandemSessionServer *self);
/* Sessions found on disk at start that have not loaded yet: each loads on
 * first use or in the background, while the server already listens. */
guint                tandem_session_server_get_n_loading  (TandemSessionServer *self);
/* Session ids, sorted; free with g_strfreev(). */
char               **tandem_session_server_list_sessions (TandemSessionServer *self);
/* The session's canonical project JSON, as every replica must have it. */
char                *tandem_session_server_dup_project_string (TandemSessionServer *self,
                                                          const char          *session_id);
guint64              tandem_session_server_get_seq       (TandemSessionServer *self,
                                                          const char          *session_id);
guint                tandem_session_server_get_n_clients (TandemSessionServer *self,
                                                          const char          *session_id);
/* Bytes of sample upload bodies received so far (all sessions). */
/* Open connections, joined or not (they close after shutdown). */
guint                tandem_session_server_get_n_connections (TandemSessionServer *self);
guint64              tandem_session_server_get_sample_bytes_received (TandemSessionServer *self);
/* Tests: every flush of the session's journal first waits @ms on its
 * worker thread, as a frozen or very slow disk would. */
void                 tandem_session_server_set_flush_delay_for_tests (TandemSessionServer *self,
                                                          const char          *session_id,
                                                          guint                ms);
/* Flushes every journal, closes every connection (1001) and stops listening. */
void                 tandem_session_server_shutdown      (TandemSessionServer *self);

G_END_DECLS
