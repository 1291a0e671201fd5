/* tandem-hosted-sessions.h — the sessions this app hosts, remembered so a crash can resume them
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "tandem-protocol.h"

G_BEGIN_DECLS

/*
 * Each session the app hosts has a folder of its own,
 * $XDG_DATA_HOME/tandem/hosted/<key>/, holding hosted.json (what follows,
 * written atomically) and journal/, the server's data folder for that one
 * session. Hosting anew makes a new folder, so it never picks up another
 * session's journal; resuming reads the folder back and serves the same
 * session id and tokens on the same port.
 */
typedef struct
{
  char     *key;          /* the folder's name: [A-Za-z0-9_-] */
  char     *session_id;
  char     *tokens[TANDEM_N_ROLES];
  guint16   port;
  char     *name;         /* the project's name, for "Resume hosting …?" */
  char     *bind_address; /* NULL: all interfaces */
  char     *public_host;  /* NULL: the default the host picks */
  gboolean  tls;
  char     *draft_id;     /* the hosting window's draft, or NULL */
  /* TRUE while hosted: still TRUE at start-up means the app stopped without
   * ending the session (a crash, a power cut), so it is offered to resume. */
  gboolean  open;
  gint64    updated;      /* real time (µs) of the last save */
  char     *journal_dir;  /* <folder>/journal (not stored: made from the key) */
  int       lock_fd;      /* <folder>/lock, flock()ed while open; -1 when not held */
} TandemHostedSession;

/* $XDG_DATA_HOME/tandem/hosted */
char                *tandem_hosted_sessions_get_dir (void);
/* A new entry with a fresh key and folder name; nothing is written yet. */
TandemHostedSession *tandem_hosted_session_new      (void);
void                 tandem_hosted_session_free     (TandemHostedSession  *self);
/* Writes hosted.json (temp file, fsync, rename; mode 0600: it holds the
 * tokens) and sets @updated. Saving an open entry takes the folder's lock
 * (held until it is saved ended or freed), and fails with
 * G_IO_ERROR_BUSY when another entry or app holds it; saving it ended
 * lets the lock go. */
gboolean             tandem_hosted_session_save     (TandemHostedSession  *self,
                                                     GError              **error);
/* Reads the entry of @key back; a missing, truncated or hostile file is an
 * error, never a half-filled entry. */
TandemHostedSession *tandem_hosted_session_load     (const char           *key,
                                                     GError              **error);
/* The same from hosted.json's bytes (what the fuzzer feeds). */
TandemHostedSession *tandem_hosted_session_new_from_data (const char  *key,
                                                          const char  *data,
                                                          gsize        length,
                                                          GError     **error);
/* Deletes the entry's folder, journal included. */
gboolean             tandem_hosted_session_delete   (TandemHostedSession  *self,
                                                     GError              **error);
/* Every readable entry, most recently saved first (unreadable ones are
 * skipped with a warning); if @open_only, only the open ones that no
 * running app hosts right now — those a crash left behind. */
GPtrArray           *tandem_hosted_sessions_list    (gboolean              open_only);
/* TRUE while a running app (this one included) holds @key's lock. */
gboolean             tandem_hosted_sessions_is_hosted (const char         *key);
/* The open entry of @session_id, or NULL. */
TandemHostedSession *tandem_hosted_sessions_find    (const char           *session_id);
/* Deletes the ended entries beyond the @keep most recent ones. */
void                 tandem_hosted_sessions_prune   (guint                 keep);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TandemHostedSession, tandem_hosted_session_free)

G_END_DECLS
