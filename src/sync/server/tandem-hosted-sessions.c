/* tandem-hosted-sessions.c — hosted.json: what resuming a hosted session needs
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-sync"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "tandem-hosted-sessions.h"
#include "tandem-invite.h"
#include "tandem-json.h"

#define ENTRY_FILE "hosted.json"
#define LOCK_FILE "lock"

/* hosted.json is a few hundred bytes; anything much larger is not ours. */
static const TandemJsonLimits hosted_file_limits = {
  .max_bytes = 64 * 1024,
  .max_depth = 4,
  .max_tokens = 256,
  .immutable = FALSE,
};

static const char *role_names[TANDEM_N_ROLES] = { "owner", "editor", "viewer" };

char *
tandem_hosted_sessions_get_dir (void)
{
  return g_build_filename (g_get_user_data_dir (), "tandem", "hosted", NULL);
}

static gboolean is_key (const char *key);

static char *
entry_dir (const char *key)
{
  g_autofree char *dir = tandem_hosted_sessions_get_dir ();

  return g_build_filename (dir, key, NULL);
}

static void
set_key (TandemHostedSession *self,
         const char          *key)
{
  g_autofree char *dir = entry_dir (key);

  g_free (self->key);
  self->key = g_strdup (key);
  g_free (self->journal_dir);
  self->journal_dir = g_build_filename (dir, "journal", NULL);
}

TandemHostedSession *
tandem_hosted_session_new (void)
{
  TandemHostedSession *self = g_new0 (TandemHostedSession, 1);
  g_autofree char *uuid = g_uuid_string_random ();
  GString *key = g_string_new (NULL);

  self->lock_fd = -1;
  for (const char *c = uuid; *c; c++)
    if (*c != '-')
      g_string_append_c (key, *c);
  set_key (self, key->str);
  g_string_free (key, TRUE);
  return self;
}

void
tandem_hosted_session_free (TandemHostedSession *self)
{
  if (self == NULL)
    return;
  g_free (self->key);
  g_free (self->session_id);
  for (guint r = 0; r < TANDEM_N_ROLES; r++)
    {
      if (self->tokens[r])
        explicit_bzero (self->tokens[r], strlen (self->tokens[r]));
      g_free (self->tokens[r]);
    }
  g_free (self->name);
  g_free (self->bind_address);
  g_free (self->public_host);
  g_free (self->draft_id);
  g_free (self->journal_dir);
  if (self->lock_fd >= 0)
    close (self->lock_fd);
  g_free (self);
}

/* "Hosted right now" is an flock(2) on <folder>/lock rather than a pid in
 * a file: the kernel drops it when the app exits however it exits, so a
 * crashed app never leaves a lock that blocks resuming. */
static gboolean
take_lock (TandemHostedSession  *self,
           const char           *dir,
           GError              **error)
{
  g_autofree char *path = g_build_filename (dir, LOCK_FILE, NULL);
  int fd = open (path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
  int saved_errno;

  if (fd >= 0 && flock (fd, LOCK_EX | LOCK_NB) == 0)
    {
      self->lock_fd = fd;
      return TRUE;
    }
  saved_errno = errno;
  if (fd >= 0)
    close (fd);
  if (saved_errno == EWOULDBLOCK)
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_BUSY,
                 "Another Tandem is hosting this session right now");
  else
    g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                 "Cannot lock “%s”: %s", path, g_strerror (saved_errno));
  return FALSE;
}

gboolean
tandem_hosted_sessions_is_hosted (const char *key)
{
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  gboolean held;
  int fd;

  g_return_val_if_fail (is_key (key), FALSE);
  dir = entry_dir (key);
  path = g_build_filename (dir, LOCK_FILE, NULL);
  if ((fd = open (path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) < 0)
    return FALSE;
  /* A lock on another open file description conflicts even in this
   * process, so the app's own hosting windows count too. */
  held = flock (fd, LOCK_SH | LOCK_NB) != 0 && errno == EWOULDBLOCK;
  close (fd);
  return held;
}

static void
add_string (JsonBuilder *b,
            const char  *name,
            const char  *value)
{
  if (value == NULL)
    return;
  json_builder_set_member_name (b, name);
  json_builder_add_string_value (b, value);
}

gboolean
tandem_hosted_session_save (TandemHostedSession  *self,
                            GError              **error)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  g_autofree char *text = NULL;

  g_return_val_if_fail (self != NULL && self->key != NULL, FALSE);
  g_return_val_if_fail (self->session_id != NULL, FALSE);

  dir = entry_dir (self->key);
  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   "Cannot create “%s”: %s", dir, g_strerror (saved_errno));
      return FALSE;
    }
  if (self->open && self->lock_fd < 0 && !take_lock (self, dir, error))
    return FALSE;
  self->updated = g_get_real_time ();

  json_builder_begin_object (b);
  add_string (b, "session", self->session_id);
  json_builder_set_member_name (b, "tokens");
  json_builder_begin_object (b);
  for (guint r = 0; r < TANDEM_N_ROLES; r++)
    add_string (b, role_names[r], self->tokens[r]);
  json_builder_end_object (b);
  json_builder_set_member_name (b, "port");
  json_builder_add_int_value (b, self->port);
  add_string (b, "name", self->name);
  add_string (b, "bind", self->bind_address);
  add_string (b, "public_host", self->public_host);
  json_builder_set_member_name (b, "tls");
  json_builder_add_boolean_value (b, self->tls);
  add_string (b, "draft", self->draft_id);
  json_builder_set_member_name (b, "open");
  json_builder_add_boolean_value (b, self->open);
  json_builder_set_member_name (b, "updated");
  json_builder_add_int_value (b, self->updated);
  json_builder_end_object (b);

  root = json_builder_get_root (b);
  text = json_to_string (root, TRUE);
  path = g_build_filename (dir, ENTRY_FILE, NULL);
  if (!g_file_set_contents_full (path, text, -1,
                                 G_FILE_SET_CONTENTS_CONSISTENT | G_FILE_SET_CONTENTS_DURABLE,
                                 0600, error))
    return FALSE;
  /* Ended for good: only now may another app take it up. */
  if (!self->open && self->lock_fd >= 0)
    {
      close (self->lock_fd);
      self->lock_fd = -1;
    }
  return TRUE;
}

static gboolean
is_key (const char *key)
{
  return key != NULL && key[0] != '\0' && key[0] != '.' && tandem_invite_is_valid_session_id (key);
}

/* A string member, or NULL when absent; FALSE when present but not a
 * string, or when it is not a text we could ever have written. */
static gboolean
get_string (JsonObject  *obj,
            const char  *name,
            gsize        max_len,
            char       **out)
{
  JsonNode *node = json_object_get_member (obj, name);
  const char *s;

  *out = NULL;
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return FALSE;
  s = json_node_get_string (node);
  if (strlen (s) > max_len || !g_utf8_validate (s, -1, NULL))
    return FALSE;
  *out = g_strdup (s);
  return TRUE;
}

static gboolean
get_bool (JsonObject *obj,
          const char *name,
          gboolean   *out)
{
  JsonNode *node = json_object_get_member (obj, name);

  if (node == NULL)
    return TRUE;
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_BOOLEAN)
    return FALSE;
  *out = json_node_get_boolean (node);
  return TRUE;
}

static gboolean
get_int (JsonObject *obj,
         const char *name,
         gint64      min,
         gint64      max,
         gint64     *out)
{
  JsonNode *node = json_object_get_member (obj, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node)
      || json_node_get_value_type (node) != G_TYPE_INT64)
    return FALSE;
  *out = json_node_get_int (node);
  return *out >= min && *out <= max;
}

static gboolean
parse_entry (TandemHostedSession *self,
             JsonNode            *root)
{
  JsonObject *obj, *tokens;
  JsonNode *tokens_node;
  gint64 port = 0, updated = 0;

  if (!JSON_NODE_HOLDS_OBJECT (root))
    return FALSE;
  obj = json_node_get_object (root);
  if (!get_string (obj, "session", 64, &self->session_id) || self->session_id == NULL
      || !tandem_invite_is_valid_session_id (self->session_id))
    return FALSE;
  tokens_node = json_object_get_member (obj, "tokens");
  if (tokens_node == NULL || !JSON_NODE_HOLDS_OBJECT (tokens_node))
    return FALSE;
  tokens = json_node_get_object (tokens_node);
  for (guint r = 0; r < TANDEM_N_ROLES; r++)
    if (!get_string (tokens, role_names[r], 64, &self->tokens[r]) || self->tokens[r] == NULL
        || !tandem_invite_is_valid_session_id (self->tokens[r]))
      return FALSE;
  /* A resumed session must come back where its links point. */
  if (!get_int (obj, "port", 1, G_MAXUINT16, &port))
    return FALSE;
  self->port = (guint16) port;
  if (get_int (obj, "updated", 0, G_MAXINT64, &updated))
    self->updated = updated;
  return get_string (obj, "name", 1024, &self->name)
         && get_string (obj, "bind", 64, &self->bind_address)
         && get_string (obj, "public_host", 256, &self->public_host)
         && get_bool (obj, "tls", &self->tls)
         && get_string (obj, "draft", 64, &self->draft_id)
         && (self->draft_id == NULL || is_key (self->draft_id))
         && get_bool (obj, "open", &self->open);
}

TandemHostedSession *
tandem_hosted_session_new_from_data (const char  *key,
                                     const char  *data,
                                     gsize        length,
                                     GError     **error)
{
  g_autoptr(TandemHostedSession) self = NULL;
  g_autoptr(JsonNode) root = NULL;

  if (!is_key (key))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "“%s” does not name a hosted session", key ? key : "");
      return NULL;
    }
  if ((root = tandem_json_parse_bounded (data, length, &hosted_file_limits, error)) == NULL)
    return NULL;
  self = g_new0 (TandemHostedSession, 1);
  self->lock_fd = -1;
  set_key (self, key);
  if (!parse_entry (self, root))
    {
      g_set_error_literal (error, TANDEM_SYNC_ERROR, TANDEM_SYNC_ERROR_JOURNAL,
                           "This does not describe a hosted session");
      return NULL;
    }
  return g_steal_pointer (&self);
}

TandemHostedSession *
tandem_hosted_session_load (const char  *key,
                            GError     **error)
{
  TandemHostedSession *self;
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  g_autofree char *text = NULL;
  gsize length;

  if (!is_key (key))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "“%s” does not name a hosted session", key ? key : "");
      return NULL;
    }
  dir = entry_dir (key);
  path = g_build_filename (dir, ENTRY_FILE, NULL);
  if (!g_file_get_contents (path, &text, &length, error))
    return NULL;
  if ((self = tandem_hosted_session_new_from_data (key, text, length, error)) == NULL)
    g_prefix_error (error, "%s: ", path);
  return self;
}

static gboolean
rm_rf (const char  *path,
       GError     **error)
{
  g_autoptr(GDir) dir = NULL;
  const char *name;

  if (g_file_test (path, G_FILE_TEST_IS_DIR) && !g_file_test (path, G_FILE_TEST_IS_SYMLINK))
    {
      if ((dir = g_dir_open (path, 0, error)) == NULL)
        return FALSE;
      while ((name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *child = g_build_filename (path, name, NULL);

          if (!rm_rf (child, error))
            return FALSE;
        }
      g_clear_pointer (&dir, g_dir_close);
    }
  if (g_remove (path) != 0 && errno != ENOENT)
    {
      int saved_errno = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   "Cannot delete “%s”: %s", path, g_strerror (saved_errno));
      return FALSE;
    }
  return TRUE;
}

gboolean
tandem_hosted_session_delete (TandemHostedSession  *self,
                              GError              **error)
{
  g_autofree char *dir = NULL;

  g_return_val_if_fail (self != NULL && is_key (self->key), FALSE);
  dir = entry_dir (self->key);
  return rm_rf (dir, error);
}

static int
compare_newest_first (gconstpointer a,
                      gconstpointer b)
{
  const TandemHostedSession *x = *(TandemHostedSession **) a;
  const TandemHostedSession *y = *(TandemHostedSession **) b;

  return (y->updated > x->updated) - (y->updated < x->updated);
}

GPtrArray *
tandem_hosted_sessions_list (gboolean open_only)
{
  g_autofree char *path = tandem_hosted_sessions_get_dir ();
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  GPtrArray *entries = g_ptr_array_new_with_free_func ((GDestroyNotify) tandem_hosted_session_free);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autoptr(GError) error = NULL;
      TandemHostedSession *entry;

      if (!is_key (name))
        continue;
      /* A folder made for a session that never started has no entry. */
      if ((entry = tandem_hosted_session_load (name, &error)) == NULL)
        {
          if (!g_error_matches (error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
            g_warning ("Skipping hosted session %s: %s", name, error->message);
          continue;
        }
      if (open_only && (!entry->open || tandem_hosted_sessions_is_hosted (name)))
        tandem_hosted_session_free (entry);
      else
        g_ptr_array_add (entries, entry);
    }
  g_ptr_array_sort (entries, compare_newest_first);
  return entries;
}

TandemHostedSession *
tandem_hosted_sessions_find (const char *session_id)
{
  g_autoptr(GPtrArray) entries = tandem_hosted_sessions_list (FALSE);

  for (guint i = 0; i < entries->len; i++)
    {
      TandemHostedSession *entry = entries->pdata[i];

      if (g_strcmp0 (entry->session_id, session_id) == 0)
        return g_ptr_array_steal_index (entries, i);
    }
  return NULL;
}

void
tandem_hosted_sessions_prune (guint keep)
{
  g_autoptr(GPtrArray) entries = tandem_hosted_sessions_list (FALSE);
  guint kept = 0;

  for (guint i = 0; i < entries->len; i++)
    {
      TandemHostedSession *entry = entries->pdata[i];
      g_autoptr(GError) error = NULL;

      if (entry->open || kept++ < keep)
        continue;
      if (!tandem_hosted_session_delete (entry, &error))
        g_warning ("Could not delete hosted session %s: %s", entry->key, error->message);
    }
}
