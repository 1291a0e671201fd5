/* tandem-json.h — the one bounded way JSON from outside the process is parsed
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/**
 * TandemJsonLimits:
 * @max_bytes: the longest text accepted
 * @max_depth: how deeply arrays and objects may nest
 * @max_tokens: how many values (objects, arrays, strings, numbers, literals)
 *   and member names the text may hold
 * @immutable: build sealed nodes (json_parser_new_immutable())
 *
 * What a piece of JSON may cost before json-glib sees it. json-glib 1.6
 * recurses once per nesting level and spends time and memory per token, so
 * every text that comes from a socket, a file or the journal is measured
 * against one of these first.
 */
typedef struct
{
  gsize    max_bytes;
  guint    max_depth;
  guint    max_tokens;
  gboolean immutable;
} TandemJsonLimits;

/* A protocol message a client sends (hello, batch, presence, ping, …). */
extern const TandemJsonLimits tandem_json_limits_message;
/* A protocol message from the server: a welcome carries a whole project. */
extern const TandemJsonLimits tandem_json_limits_server_message;
/* A request body the server parses (POST /sessions carries a project). */
extern const TandemJsonLimits tandem_json_limits_http_body;
/* A small JSON answer from the server's HTTP API (sample transfers). */
extern const TandemJsonLimits tandem_json_limits_http_reply;
/* One journal record (a batch the server accepted). */
extern const TandemJsonLimits tandem_json_limits_journal_record;
/* snapshot.json and session.json in a session's folder. */
extern const TandemJsonLimits tandem_json_limits_session_file;
/* A *.tandem project file. */
extern const TandemJsonLimits tandem_json_limits_project_file;
/* One op as text (tandem_op_from_string()). */
extern const TandemJsonLimits tandem_json_limits_op;

/* Parses @data under @limits after one linear pre-scan that also refuses
 * what RFC 8259 does not allow (json-glib is lenient) and integers outside
 * int64 (json-glib would wrap them). Errors are TANDEM_MODEL_ERROR_INVALID,
 * "line L, column C: …" where there is a place. */
JsonNode *tandem_json_parse_bounded (const char              *data,
                                     gsize                    length,
                                     const TandemJsonLimits  *limits,
                                     GError                 **error);

G_END_DECLS
