/* tandem-server-loader.c — sessions found on disk at start, loaded while the
 * server already listens
 *
 * A restart must not keep a port closed while hundreds of sessions replay
 * their journals (seconds), nor stall the sessions already live while the
 * rest load. So the server only lists the session folders when it starts;
 * once it listens, a worker thread recovers them one after another, and
 * the main context installs each as it is ready. A client of a session
 * that has not loaded yet has it loaded at once on the main context (a
 * session replays at most snapshot_every records: milliseconds), or waits
 * for the worker if it is reading that very session.
 *
 * Recovery only touches the new TandemSession and the server's settings,
 * which do not change once it listens; every table the main context owns
 * is only changed there. to_load, loading_id and the loaded queue are
 * shared with the worker, under load_lock.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-sync"

#include "config.h"

#include <errno.h>
#include <string.h>

#include "tandem-session-server-private.h"

typedef struct
{
  char          *id;
  char          *dir;
  TandemSession *session;   /* NULL: it did not load */
  GError        *error;
} Loaded;

static void
loaded_free (Loaded *l)
{
  g_free (l->id);
  g_free (l->dir);
  g_clear_pointer (&l->session, _tandem_session_free);
  g_clear_error (&l->error);
  g_free (l);
}

void
_tandem_server_loader_init (TandemSessionServer *self)
{
  self->to_load = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_mutex_init (&self->load_lock);
  g_cond_init (&self->load_cond);
  g_queue_init (&self->loaded);
}

static void
install (TandemSessionServer *self,
         const char          *id,
         const char          *dir,
         TandemSession       *session,
         const GError        *error)
{
  if (session == NULL)
    {
      /* Its data may be intact on a disk that fails for now: clients
       * are told to try again, and each hello tries to load it. */
      g_warning ("Session %s not loaded: %s", id, error->message);
      g_hash_table_insert (self->unavailable, g_strdup (id), g_strdup (dir));
      return;
    }
  g_hash_table_insert (self->sessions, session->id, session);
}

/* Main context: installs what the worker has recovered so far. */
static void
drain (TandemSessionServer *self)
{
  GQueue ready = G_QUEUE_INIT;
  Loaded *l;

  g_mutex_lock (&self->load_lock);
  if (self->drain_source)
    {
      g_source_destroy (self->drain_source);
      g_clear_pointer (&self->drain_source, g_source_unref);
    }
  while ((l = g_queue_pop_head (&self->loaded)))
    {
      g_hash_table_remove (self->to_load, l->id);
      g_queue_push_tail (&ready, l);
    }
  g_mutex_unlock (&self->load_lock);

  while ((l = g_queue_pop_head (&ready)))
    {
      install (self, l->id, l->dir, g_steal_pointer (&l->session), l->error);
      loaded_free (l);
    }
}

static gboolean
drain_cb (gpointer data)
{
  drain (data);
  return G_SOURCE_REMOVE;
}

static gpointer
loader_thread (gpointer data)
{
  TandemSessionServer *self = data;
  GPtrArray *ids = self->loader_ids;

  for (guint i = 0; i < ids->len && !g_atomic_int_get (&self->stop_loading); i++)
    {
      const char *id = ids->pdata[i];
      Loaded *l;
      char *dir;

      g_mutex_lock (&self->load_lock);
      /* Loaded on the main context meanwhile, for a client. */
      if ((dir = g_strdup (g_hash_table_lookup (self->to_load, id))) == NULL)
        {
          g_mutex_unlock (&self->load_lock);
          continue;
        }
      self->loading_id = id;
      g_mutex_unlock (&self->load_lock);

      l = g_new0 (Loaded, 1);
      l->id = g_strdup (id);
      l->dir = dir;
      l->session = _tandem_session_recover (self, dir, &l->error);

      g_mutex_lock (&self->load_lock);
      g_queue_push_tail (&self->loaded, l);
      self->loading_id = NULL;
      g_cond_broadcast (&self->load_cond);
      if (self->drain_source == NULL)
        {
          self->drain_source = g_idle_source_new ();
          g_source_set_callback (self->drain_source, drain_cb, self, NULL);
          g_source_attach (self->drain_source, self->context);
        }
      g_mutex_unlock (&self->load_lock);
    }
  return NULL;
}

gboolean
_tandem_server_loader_find (TandemSessionServer  *self,
                            GError              **error)
{
  g_autofree char *dir = g_build_filename (self->data_dir, "sessions", NULL);
  g_autoptr(GDir) d = NULL;
  const char *name;

  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      g_set_error (error, TANDEM_SYNC_ERROR, TANDEM_SYNC_ERROR_JOURNAL,
                   "Cannot create “%s”: %s", dir, g_strerror (errno));
      return FALSE;
    }
  if ((d = g_dir_open (dir, 0, error)) == NULL)
    return FALSE;
  g_mutex_lock (&self->load_lock);
  while ((name = g_dir_read_name (d)))
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);

      if (g_file_test (path, G_FILE_TEST_IS_DIR) && tandem_invite_is_valid_session_id (name))
        g_hash_table_insert (self->to_load, g_strdup (name), g_steal_pointer (&path));
    }
  g_mutex_unlock (&self->load_lock);
  return TRUE;
}

static int
compare_ids (gconstpointer a,
             gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

/* Called when the server starts listening: its settings are final. */
void
_tandem_server_loader_start (TandemSessionServer *self)
{
  GHashTableIter iter;
  gpointer key;

  if (self->loader != NULL || self->shut_down)
    return;
  self->loader_ids = g_ptr_array_new_with_free_func (g_free);
  g_mutex_lock (&self->load_lock);
  g_hash_table_iter_init (&iter, self->to_load);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    g_ptr_array_add (self->loader_ids, g_strdup (key));
  g_mutex_unlock (&self->load_lock);
  if (self->loader_ids->len == 0)
    return;
  /* Folders in name order, so a restart brings them up the same way. */
  g_ptr_array_sort (self->loader_ids, compare_ids);
  self->loader = g_thread_new ("tandem-loader", loader_thread, self);
}

/* Waits for the worker (at most the session it is reading) and installs
 * what it has recovered. */
void
_tandem_server_loader_stop (TandemSessionServer *self)
{
  if (self->loader == NULL)
    return;
  g_atomic_int_set (&self->stop_loading, TRUE);
  g_thread_join (g_steal_pointer (&self->loader));
  drain (self);
}

void
_tandem_server_loader_finalize (TandemSessionServer *self)
{
  _tandem_server_loader_stop (self);
  g_clear_pointer (&self->loader_ids, g_ptr_array_unref);
  g_queue_clear_full (&self->loaded, (GDestroyNotify) loaded_free);
  g_hash_table_unref (self->to_load);
  g_cond_clear (&self->load_cond);
  g_mutex_clear (&self->load_lock);
}

guint
_tandem_server_loader_get_n_left (TandemSessionServer *self)
{
  guint n;

  g_mutex_lock (&self->load_lock);
  n = g_hash_table_size (self->to_load);
  g_mutex_unlock (&self->load_lock);
  return n;
}

void
_tandem_server_loader_add_ids (TandemSessionServer *self,
                               GStrvBuilder        *builder)
{
  GHashTableIter iter;
  gpointer key;

  g_mutex_lock (&self->load_lock);
  g_hash_table_iter_init (&iter, self->to_load);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    g_strv_builder_add (builder, key);
  g_mutex_unlock (&self->load_lock);
}

/* A session another node of the cluster created: its folder is written
 * from the shared store, then it loads like one found on disk, and its
 * tail brings it up to the shared log. */
static TandemSession *
fetch (TandemSessionServer *self,
       const char          *id)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;
  TandemSession *session;

  if (self->fetch_session == NULL || self->data_dir == NULL || self->shut_down
      || !tandem_invite_is_valid_session_id (id)
      || g_hash_table_size (self->sessions) >= self->limits.max_sessions)
    return NULL;
  dir = g_build_filename (self->data_dir, "sessions", id, NULL);
  if (g_file_test (dir, G_FILE_TEST_EXISTS))
    return NULL;   /* on disk, known, and not loadable: not overwritten */
  if (!self->fetch_session (self, id, dir, self->open_log_data, &error))
    {
      if (error)
        g_warning ("Session %s: cannot load it from the cluster: %s", id, error->message);
      return NULL;
    }
  if ((session = _tandem_session_recover (self, dir, &error)) == NULL)
    {
      g_warning ("Session %s: loaded from the cluster but does not open: %s", id, error->message);
      return NULL;
    }
  g_message ("Session %s loaded from the cluster", id);
  g_hash_table_insert (self->sessions, session->id, session);
  return session;
}

/* Every way to a session by id goes through here: one found on disk at
 * start and not loaded yet is loaded now, and one on a disk that failed
 * gets another try. */
TandemSession *
_tandem_server_lookup_session (TandemSessionServer *self,
                               const char          *id)
{
  TandemSession *session = g_hash_table_lookup (self->sessions, id);
  g_autoptr(GError) error = NULL;
  g_autofree char *key = NULL;
  g_autofree char *dir = NULL;

  if (session != NULL)
    return session;

  g_mutex_lock (&self->load_lock);
  while (self->loading_id != NULL && g_str_equal (self->loading_id, id))
    g_cond_wait (&self->load_cond, &self->load_lock);
  g_mutex_unlock (&self->load_lock);
  drain (self);
  if ((session = g_hash_table_lookup (self->sessions, id)) != NULL)
    return session;

  g_mutex_lock (&self->load_lock);
  if (g_hash_table_steal_extended (self->to_load, id, (gpointer *) &key, (gpointer *) &dir))
    {
      g_mutex_unlock (&self->load_lock);
      session = _tandem_session_recover (self, dir, &error);
      install (self, id, dir, session, error);
      return session;
    }
  g_mutex_unlock (&self->load_lock);

  if ((dir = g_strdup (g_hash_table_lookup (self->unavailable, id))) == NULL)
    return fetch (self, id);
  session = _tandem_session_recover (self, dir, &error);
  if (session == NULL)
    {
      g_debug ("Session %s still not loaded: %s", id, error->message);
      return NULL;
    }
  g_message ("Session %s loaded", id);
  g_hash_table_insert (self->sessions, session->id, session);
  g_hash_table_remove (self->unavailable, id);
  return session;
}
