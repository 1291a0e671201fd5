/* tandem-protocol.h — the Tandem session protocol: names, codes and message codec
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

#include "tandem-json.h"

G_BEGIN_DECLS

/* See docs/protocol.md. The version is carried twice: in the WebSocket
 * subprotocol name and in the hello message. */
#define TANDEM_PROTOCOL_VERSION     1
#define TANDEM_PROTOCOL_SUBPROTOCOL "tandem.v1"
#define TANDEM_PROTOCOL_PATH_PREFIX "/session/"

/* Error codes carried by "error" and "reject" messages (the "code" member). */
#define TANDEM_CODE_BAD_MESSAGE         "bad-message"
#define TANDEM_CODE_UNKNOWN_TYPE        "unknown-type"
#define TANDEM_CODE_UNSUPPORTED_VERSION "unsupported-version"
#define TANDEM_CODE_UNAUTHORIZED        "unauthorized"
#define TANDEM_CODE_NO_SUCH_SESSION     "no-such-session"
#define TANDEM_CODE_NOT_JOINED          "not-joined"
#define TANDEM_CODE_FORBIDDEN           "forbidden"
#define TANDEM_CODE_INVALID_OP          "invalid-op"
#define TANDEM_CODE_DUPLICATE           "duplicate"
#define TANDEM_CODE_TOO_LARGE           "message-too-large"
#define TANDEM_CODE_TOO_MANY_OPS        "too-many-ops"
#define TANDEM_CODE_RATE_LIMITED        "rate-limited"
#define TANDEM_CODE_FLOOD               "flood"
#define TANDEM_CODE_SESSION_FULL        "session-full"
#define TANDEM_CODE_SLOW_CONSUMER       "slow-consumer"
#define TANDEM_CODE_BINARY_FRAME        "binary-frame"
#define TANDEM_CODE_TIMEOUT             "timeout"
#define TANDEM_CODE_REPLACED            "replaced"
#define TANDEM_CODE_SHUTDOWN            "shutdown"
#define TANDEM_CODE_INTERNAL            "internal"
#define TANDEM_CODE_SERVER_BUSY         "server-busy"
#define TANDEM_CODE_WRONG_SECRET        "wrong-secret"
#define TANDEM_CODE_BAD_ACK             "bad-ack"
#define TANDEM_CODE_SEAT_YIELDED        "seat-yielded"
#define TANDEM_CODE_INVALID_PRESENCE    "invalid-presence"
/* Retryable: the session's disk refused the write; nothing was applied. */
#define TANDEM_CODE_STORAGE             "storage-unavailable"
/* Retryable: the session exists on disk but cannot be loaded right now. */
#define TANDEM_CODE_SESSION_UNAVAILABLE "session-unavailable"
/* Sample transfer (HTTP, see docs/server.md). */
#define TANDEM_CODE_BAD_NAME            "bad-name"
#define TANDEM_CODE_NOT_IN_SESSION      "not-in-session"
#define TANDEM_CODE_NOT_UPLOADED        "not-uploaded"
#define TANDEM_CODE_SAMPLE_TOO_LARGE    "sample-too-large"
#define TANDEM_CODE_QUOTA_EXCEEDED      "quota-exceeded"
#define TANDEM_CODE_BAD_OFFSET          "bad-offset"
#define TANDEM_CODE_HASH_MISMATCH       "hash-mismatch"
/* Session history (docs/protocol.md, "History"). */
#define TANDEM_CODE_HISTORY_GONE        "history-gone"
#define TANDEM_CODE_HISTORY_UNAVAILABLE "history-unavailable"

/* Knocking: a connection without a token asks the owner to let it in
 * (docs/protocol.md "Knocking"). */
#define TANDEM_MSG_KNOCK                "knock"
#define TANDEM_MSG_ADMIT                "admit"
#define TANDEM_MSG_DENY                 "deny"
#define TANDEM_MSG_ADMITTED             "admitted"
#define TANDEM_MSG_KNOCK_ENDED          "knock-ended"
#define TANDEM_CODE_DENIED              "denied"
#define TANDEM_CODE_BUSY                "busy"
#define TANDEM_CODE_EXPIRED             "expired"
#define TANDEM_CODE_NO_HOST             "no-host"
#define TANDEM_CODE_NOT_OWNER           "not-owner"
#define TANDEM_KNOCK_MAX_NAME_CHARS     64
#define TANDEM_KNOCK_MAX_PENDING        8
#define TANDEM_KNOCK_TIMEOUT_MS         120000

/* History message types: a request and its answer share the type. */
#define TANDEM_MSG_HISTORY_SUMMARY      "history-summary"
#define TANDEM_MSG_HISTORY_PROJECT      "history-project"
#define TANDEM_MSG_HISTORY_BATCHES      "history-batches"
#define TANDEM_MSG_SAVE_POINT           "save-point"

/* Refusals of the connection itself, made by the client (TLS) or by a TLS
 * server to a plain client (tls-required). None of them is retried. */
#define TANDEM_CODE_CERTIFICATE_MISMATCH  "certificate-mismatch"
#define TANDEM_CODE_CERTIFICATE_EXPIRED   "certificate-expired"
#define TANDEM_CODE_CERTIFICATE_UNTRUSTED "certificate-untrusted"
#define TANDEM_CODE_TLS_REQUIRED          "tls-required"
#define TANDEM_CODE_TLS_UNAVAILABLE       "tls-unavailable"

/* WebSocket close codes the server uses (4000-4999 is the private range). */
typedef enum
{
  TANDEM_CLOSE_NORMAL              = 1000,
  TANDEM_CLOSE_GOING_AWAY          = 1001,
  TANDEM_CLOSE_PROTOCOL_ERROR      = 1002,
  TANDEM_CLOSE_UNSUPPORTED_DATA    = 1003,
  TANDEM_CLOSE_TOO_BIG             = 1009,
  TANDEM_CLOSE_UNSUPPORTED_VERSION = 4001,
  TANDEM_CLOSE_UNAUTHORIZED        = 4003,
  TANDEM_CLOSE_NO_SUCH_SESSION     = 4004,
  TANDEM_CLOSE_FLOOD               = 4008,
  TANDEM_CLOSE_SESSION_FULL        = 4009,
  TANDEM_CLOSE_SLOW_CONSUMER       = 4010,
  TANDEM_CLOSE_TIMEOUT             = 4011,
  TANDEM_CLOSE_REPLACED            = 4012,
  TANDEM_CLOSE_INTERNAL            = 4013,
  TANDEM_CLOSE_WRONG_SECRET        = 4014,
  TANDEM_CLOSE_SEAT_YIELDED        = 4015,
  /* libsoup refuses to receive 1013 ("try again later"): ours instead. */
  TANDEM_CLOSE_TRY_AGAIN           = 4016,
} TandemCloseCode;

typedef enum
{
  TANDEM_ROLE_OWNER,
  TANDEM_ROLE_EDITOR,
  TANDEM_ROLE_VIEWER,
  TANDEM_N_ROLES
} TandemRole;

const char *tandem_role_to_string   (TandemRole  role);
gboolean    tandem_role_from_string (const char *str,
                                     TandemRole *role);

#define TANDEM_SYNC_ERROR (tandem_sync_error_quark ())

/**
 * TandemSyncError:
 * @TANDEM_SYNC_ERROR_PROTOCOL: a message is not valid protocol JSON
 * @TANDEM_SYNC_ERROR_REMOTE: the peer sent an error message (the GError message
 *   is "code: human message")
 * @TANDEM_SYNC_ERROR_INVITE: an invite link cannot be parsed
 * @TANDEM_SYNC_ERROR_JOURNAL: the journal or snapshot cannot be read or written
 * @TANDEM_SYNC_ERROR_LIMIT: a configured limit was reached
 * @TANDEM_SYNC_ERROR_FAILED: anything else (a socket could not be opened…)
 * @TANDEM_SYNC_ERROR_BEHIND: another server node wrote the session's shared log
 *   past what this node has applied
 * @TANDEM_SYNC_ERROR_CLAIMED: another server node bound a client id to another
 *   secret (the message ends with the client id)
 */
typedef enum
{
  TANDEM_SYNC_ERROR_PROTOCOL,
  TANDEM_SYNC_ERROR_REMOTE,
  TANDEM_SYNC_ERROR_INVITE,
  TANDEM_SYNC_ERROR_JOURNAL,
  TANDEM_SYNC_ERROR_LIMIT,
  TANDEM_SYNC_ERROR_FAILED,
  TANDEM_SYNC_ERROR_BEHIND,
  TANDEM_SYNC_ERROR_CLAIMED,
} TandemSyncError;

GQuark      tandem_sync_error_quark (void);

/* Monotonic and wall clocks in microseconds, as carried by ping/pong. */
gint64      tandem_protocol_now_us  (void);

/*
 * Parsing. tandem_message_parse() returns the message object (a new ref of
 * the parser's root) and its "type", or NULL with TANDEM_SYNC_ERROR_PROTOCOL.
 * It parses under tandem_json_limits_message (what a client may send);
 * tandem_message_parse_bounded() takes the limits for other sources (the
 * server's messages to a client, journal records).
 * The helpers below read optional members with type checks.
 */
JsonObject *tandem_message_parse        (const char  *text,
                                         gsize        length,
                                         const char **type,
                                         GError     **error);
JsonObject *tandem_message_parse_bounded (const char              *text,
                                          gsize                    length,
                                          const TandemJsonLimits  *limits,
                                          const char             **type,
                                          GError                 **error);
gboolean    tandem_message_get_string   (JsonObject  *obj,
                                         const char  *member,
                                         const char **value);
gboolean    tandem_message_get_int      (JsonObject  *obj,
                                         const char  *member,
                                         gint64      *value);
char       *tandem_message_to_string    (JsonObject  *obj);

/* Builders: each returns the message as compact JSON text. */
char       *tandem_message_error        (const char  *code,
                                         const char  *message);
/* An error that asks to wait @retry_after_ms before sending more. */
char       *tandem_message_error_retry  (const char  *code,
                                         const char  *message,
                                         gint64       retry_after_ms);
/* An error about one submit names its @client_seq; @retry_after_ms ≥ 0
 * adds "retry_after_ms" (-1: none). */
char       *tandem_message_submit_error (guint64      client_seq,
                                         const char  *code,
                                         const char  *message,
                                         gint64       retry_after_ms);
char       *tandem_message_reject       (guint64      client_seq,
                                         const char  *code,
                                         const char  *message);
/* A reject that asks for the same batch again after @retry_after_ms. */
char       *tandem_message_reject_retry (guint64      client_seq,
                                         const char  *code,
                                         const char  *message,
                                         gint64       retry_after_ms);
char       *tandem_message_ping         (gint64       client_time,
                                         guint64      last_seq);
char       *tandem_message_pong         (gint64       client_time,
                                         gint64       server_time);
/* @ops is an array node of op objects; it is copied. */
char       *tandem_message_batch        (guint64      seq,
                                         const char  *client_id,
                                         guint64      client_seq,
                                         JsonNode    *ops);
/* The same with the time the server accepted it (@time_ms, ms since the
 * epoch, server clock) in "time"; readers of records without it see 0. */
char       *tandem_message_batch_at     (guint64      seq,
                                         const char  *client_id,
                                         guint64      client_seq,
                                         JsonNode    *ops,
                                         gint64       time_ms);
char       *tandem_message_submit       (const char  *client_id,
                                         guint64      client_seq,
                                         JsonNode    *ops);

/* A human message for a WebSocket close code. */
const char *tandem_close_code_describe  (gushort      code);

G_END_DECLS
