/* tandem-server-open.c — open session creation and idle expiry
 *
 * With open sessions on, anyone may POST /sessions without the admin token,
 * at most a few times an hour from one address. Sessions made that way
 * would otherwise pile up for ever, so an idle expiry removes a session
 * nobody has been connected to, or edited, for long enough: from memory and
 * from disk. The expiry applies to every session of the server, whoever
 * created it.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-sync"

#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "tandem-session-server-private.h"

#define RATE_WINDOW_US (G_GINT64_CONSTANT (3600) * G_USEC_PER_SEC)
/* Addresses remembered before the old ones are forgotten early. */
#define MAX_RATE_ADDRESSES 4096

typedef struct
{
  guint64 seq;          /* the session's seq when last looked at */
  gint64  last_busy_us; /* when it last had a connection, an upload or an edit */
} IdleRecord;

static void
rate_times_free (gpointer data)
{
  g_array_unref (data);
}

/* Forgets creations older than the window; drops addresses left with none. */
static void
prune_rates (TandemSessionServer *self,
             gint64               now)
{
  GHashTableIter iter;
  gpointer value;

  if (self->open_creations == NULL)
    return;
  g_hash_table_iter_init (&iter, self->open_creations);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      GArray *times = value;
      guint old = 0;

      while (old < times->len && now - g_array_index (times, gint64, old) >= RATE_WINDOW_US)
        old++;
      g_array_remove_range (times, 0, old);
      if (times->len == 0)
        g_hash_table_iter_remove (&iter);
    }
}

static GArray *
times_for (TandemSessionServer *self,
           const char          *address,
           gint64               now)
{
  GArray *times;
  guint old = 0;

  if (self->open_creations == NULL)
    self->open_creations = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                  rate_times_free);
  times = g_hash_table_lookup (self->open_creations, address);
  if (times == NULL)
    return NULL;
  while (old < times->len && now - g_array_index (times, gint64, old) >= RATE_WINDOW_US)
    old++;
  g_array_remove_range (times, 0, old);
  return times;
}

gboolean
_tandem_server_open_admit (TandemSessionServer *self,
                           SoupServerMessage   *msg)
{
  const char *address = soup_server_message_get_remote_host (msg);
  gint64 now = g_get_monotonic_time ();
  GArray *times;
  gint64 wait_us, seconds;
  g_autofree char *retry = NULL;
  g_autofree char *text = NULL;
  g_autofree char *body = NULL;
  g_autoptr(JsonNode) root = NULL;
  gsize len;

  if (self->open_per_hour == 0)
    return TRUE;
  times = times_for (self, address != NULL ? address : "", now);
  if (times == NULL || times->len < self->open_per_hour)
    return TRUE;

  wait_us = g_array_index (times, gint64, 0) + RATE_WINDOW_US - now;
  seconds = MAX (1, (wait_us + G_USEC_PER_SEC - 1) / G_USEC_PER_SEC);
  retry = g_strdup_printf ("%" G_GINT64_FORMAT, seconds);
  text = g_strdup_printf ("This server lets one address create %u sessions an hour; try again "
                          "in %s s", self->open_per_hour, retry);
  /* The wait goes in the body too: a refusal from the early handler (before
   * the body is read) loses the header on the way out in libsoup 3.2. */
  root = _tandem_server_error_node (TANDEM_CODE_RATE_LIMITED, text);
  json_object_set_int_member (json_object_get_object_member (json_node_get_object (root), "error"),
                              "retry_after_ms", seconds * 1000);
  body = json_to_string (root, TRUE);
  len = strlen (body);
  soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                "Retry-After", retry);
  soup_server_message_set_status (msg, 429, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_TAKE,
                                    g_steal_pointer (&body), len);
  return FALSE;
}

void
_tandem_server_open_record (TandemSessionServer *self,
                            SoupServerMessage   *msg)
{
  const char *address = soup_server_message_get_remote_host (msg);
  gint64 now = g_get_monotonic_time ();
  GArray *times;

  if (self->open_per_hour == 0)
    return;
  if (address == NULL)
    address = "";
  times = times_for (self, address, now);
  if (times == NULL)
    {
      if (g_hash_table_size (self->open_creations) >= MAX_RATE_ADDRESSES)
        prune_rates (self, now);
      times = g_array_new (FALSE, FALSE, sizeof (gint64));
      g_hash_table_insert (self->open_creations, g_strdup (address), times);
    }
  g_array_append_val (times, now);
}

/* Idle expiry */

static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = NULL;
  const char *name;

  if (!g_file_test (path, G_FILE_TEST_IS_DIR) || g_file_test (path, G_FILE_TEST_IS_SYMLINK))
    {
      g_remove (path);
      return;
    }
  dir = g_dir_open (path, 0, NULL);
  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      remove_tree (child);
    }
  if (g_rmdir (path) != 0)
    g_warning ("Could not remove %s of an expired session", path);
}

static void
expire_session (TandemSessionServer *self,
                const char          *id)
{
  TandemSession *session = g_hash_table_lookup (self->sessions, id);
  g_autofree char *copy = g_strdup (id);
  g_autofree char *dir = g_strdup (session->dir);
  /* Memory-only sessions keep their samples under the server's temp dir. */
  g_autofree char *samples = session->dir == NULL ? g_strdup (session->samples_dir) : NULL;

  g_hash_table_remove (self->idle_seen, copy);
  g_hash_table_remove (self->sessions, copy);
  if (dir != NULL)
    remove_tree (dir);
  if (samples != NULL)
    remove_tree (samples);
  g_info ("Session %s expired: nobody used it for %" G_GUINT64_FORMAT " s", copy,
          self->idle_expiry_ms / 1000);
}

static gboolean
expiry_sweep_cb (gpointer data)
{
  TandemSessionServer *self = data;
  gint64 now = g_get_monotonic_time ();
  g_autoptr(GPtrArray) expired = g_ptr_array_new_with_free_func (g_free);
  GHashTableIter iter;
  gpointer key, value;

  g_hash_table_iter_init (&iter, self->sessions);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      TandemSession *session = value;
      IdleRecord *record = g_hash_table_lookup (self->idle_seen, key);
      gboolean busy = session->peers->len > 0
                      || (session->uploads != NULL && g_hash_table_size (session->uploads) > 0)
                      || session->job != NULL
                      || record == NULL || record->seq != session->seq;

      if (record == NULL)
        {
          record = g_new0 (IdleRecord, 1);
          g_hash_table_insert (self->idle_seen, g_strdup (key), record);
        }
      if (busy)
        {
          record->seq = session->seq;
          record->last_busy_us = now;
        }
      else if ((guint64) (now - record->last_busy_us) >= self->idle_expiry_ms * 1000)
        g_ptr_array_add (expired, g_strdup (key));
    }
  for (guint i = 0; i < expired->len; i++)
    expire_session (self, expired->pdata[i]);

  /* Forget sessions removed another way. */
  g_hash_table_iter_init (&iter, self->idle_seen);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    if (!g_hash_table_contains (self->sessions, key))
      g_hash_table_iter_remove (&iter);

  prune_rates (self, now);
  return G_SOURCE_CONTINUE;
}

static void
stop_sweep (TandemSessionServer *self)
{
  if (self->expiry_source != NULL)
    {
      g_source_destroy (self->expiry_source);
      g_clear_pointer (&self->expiry_source, g_source_unref);
    }
}

/**
 * tandem_session_server_set_open_sessions:
 * @open: whether POST /sessions works without the admin token
 * @per_address_per_hour: how many sessions one address may create so in an
 *   hour (0: no limit); the admin token is never limited
 */
void
tandem_session_server_set_open_sessions (TandemSessionServer *self,
                                         gboolean             open,
                                         guint                per_address_per_hour)
{
  g_return_if_fail (TANDEM_IS_SESSION_SERVER (self));

  self->open_sessions = open;
  self->open_per_hour = per_address_per_hour;
}

/**
 * tandem_session_server_set_idle_expiry:
 * @ms: how long a session may go without a connection, an upload or an
 *   edit before it is deleted (0: never)
 *
 * Looks every quarter of @ms (at most every minute), so a session goes
 * between @ms and a quarter more after it fell idle.
 */
void
tandem_session_server_set_idle_expiry (TandemSessionServer *self,
                                       guint64              ms)
{
  g_return_if_fail (TANDEM_IS_SESSION_SERVER (self));

  stop_sweep (self);
  self->idle_expiry_ms = ms;
  if (self->idle_seen == NULL)
    self->idle_seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_hash_table_remove_all (self->idle_seen);
  if (ms == 0 || self->shut_down)
    return;
  self->expiry_source = _tandem_server_add_timeout (self, (guint) CLAMP (ms / 4, 20, 60000),
                                                    expiry_sweep_cb, self);
}

void
_tandem_server_open_shutdown (TandemSessionServer *self)
{
  stop_sweep (self);
}

void
_tandem_server_open_finalize (TandemSessionServer *self)
{
  stop_sweep (self);
  g_clear_pointer (&self->open_creations, g_hash_table_unref);
  g_clear_pointer (&self->idle_seen, g_hash_table_unref);
}
