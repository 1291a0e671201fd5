/* tandem-session-host.c — the in-app session server thread
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-sync"

#include "config.h"

#include <string.h>

#include "tandem-host-addresses.h"
#include "tandem-host-certificate.h"
#include "tandem-invite.h"
#include "tandem-lan-announce.h"
#include "tandem-session-host.h"
#include "tandem-session-server.h"

struct _TandemSessionHost
{
  GObject              parent_instance;

  char                *bind_address;
  char                *public_host;
  TandemServerLimits   limits;
  gboolean             fsync;
  guint                knock_timeout_ms;

  /* TLS (see use_tls()) */
  TandemHostTls        tls_mode;
  char                *certificate_path;
  GTlsCertificate     *certificate;   /* while running with TLS */
  guint8               fingerprint[TANDEM_FINGERPRINT_SIZE];

  /* On the LAN (DNS-SD), while running. */
  char                *lan_session_name;
  char                *lan_host_name;
  TandemLanAnnounce   *announce;

  GThread             *thread;
  GMainContext        *context;   /* the server thread's */
  GMainLoop           *loop;
  GMutex               mutex;
  GCond                cond;
  gboolean             started;
  TandemSessionServer *server;     /* the thread's, while it runs; only for its context */

  /* Start parameters and results, handed over under the mutex. */
  guint16              port;
  char                *data_dir;
  JsonNode            *project;
  char                *resume_id;  /* resume this session from data_dir: no new one */
  GError              *error;
  char                *session_id;
  char                *tokens[TANDEM_N_ROLES];
};

G_DEFINE_FINAL_TYPE (TandemSessionHost, tandem_session_host, G_TYPE_OBJECT)

/* A resumed host serves the one session of its journal folder, or nothing:
 * never an empty one under the same links. */
static gboolean
session_is_served (TandemSessionServer  *server,
                   const char           *id,
                   GError              **error)
{
  g_auto(GStrv) ids = tandem_session_server_list_sessions (server);

  if (g_strv_contains ((const char *const *) ids, id))
    return TRUE;
  g_set_error (error, TANDEM_SYNC_ERROR, TANDEM_SYNC_ERROR_JOURNAL,
               "The journal of session %s is missing or cannot be read", id);
  return FALSE;
}

static gpointer
host_thread (gpointer data)
{
  TandemSessionHost *self = data;
  g_autoptr(TandemSessionServer) server = NULL;
  g_autoptr(GError) error = NULL;
  char *tokens[TANDEM_N_ROLES] = { NULL, };
  char *id = NULL;

  /* libsoup attaches to the thread-default context of its creator. */
  g_main_context_push_thread_default (self->context);
  server = tandem_session_server_new (self->data_dir, &error);
  if (server != NULL)
    {
      tandem_session_server_set_limits (server, &self->limits);
      tandem_session_server_set_fsync (server, self->fsync);
      tandem_session_server_set_knock_timeout (server, self->knock_timeout_ms);
      tandem_session_server_set_tls_certificate (server, self->certificate);
    }
  if (server != NULL
      && tandem_session_server_listen (server, self->bind_address, self->port, &error))
    {
      if (self->resume_id == NULL)
        id = tandem_session_server_create_session (server, self->project, tokens, &error);
      else if (session_is_served (server, self->resume_id, &error))
        id = g_strdup (self->resume_id);
    }

  g_mutex_lock (&self->mutex);
  if (id != NULL)
    {
      self->port = tandem_session_server_get_port (server);
      self->server = server;
      self->session_id = id;
      memcpy (self->tokens, tokens, sizeof tokens);
    }
  else
    self->error = g_steal_pointer (&error);
  self->started = TRUE;
  g_cond_signal (&self->cond);
  g_mutex_unlock (&self->mutex);

  if (id != NULL)
    g_main_loop_run (self->loop);

  /* From here on, changes are no longer sent over; those sent before are
   * made below, while the server is still there. */
  g_mutex_lock (&self->mutex);
  self->server = NULL;
  g_mutex_unlock (&self->mutex);
  if (server)
    tandem_session_server_shutdown (server);
  /* Let the close frames go out before the sockets are dropped. */
  while (g_main_context_iteration (self->context, FALSE))
    ;
  g_clear_object (&server);
  g_main_context_pop_thread_default (self->context);
  return NULL;
}

/* TLS */

/* Plain ws:// only where nothing leaves the machine: a host bound to a
 * loopback address (tests, a window joining itself), unless told otherwise. */
static gboolean
use_tls (TandemSessionHost *self)
{
  g_autoptr(GInetAddress) inet = NULL;

  if (self->tls_mode != TANDEM_HOST_TLS_AUTO)
    return self->tls_mode == TANDEM_HOST_TLS_ON;
  if (self->bind_address == NULL)
    return TRUE;
  inet = g_inet_address_new_from_string (self->bind_address);
  return inet == NULL || !g_inet_address_get_is_loopback (inet);
}

static gboolean
load_certificate (TandemSessionHost  *self,
                  GError            **error)
{
  g_autofree char *path = self->certificate_path ? g_strdup (self->certificate_path)
                                                 : tandem_host_certificate_default_path ();
  const char *hosts[3] = { NULL, };
  guint n = 0;

  g_clear_object (&self->certificate);
  if (!use_tls (self))
    return TRUE;
  /* The names the links use come first (the certificate's common name). */
  if (self->public_host)
    hosts[n++] = self->public_host;
  if (self->bind_address)
    hosts[n++] = self->bind_address;
  self->certificate = tandem_host_certificate_load_or_create (path, hosts, error);
  if (self->certificate == NULL)
    return FALSE;
  tandem_certificate_fingerprint (self->certificate, self->fingerprint);
  return TRUE;
}

void
tandem_session_host_set_tls (TandemSessionHost *self,
                             TandemHostTls      mode)
{
  g_return_if_fail (TANDEM_IS_SESSION_HOST (self));
  self->tls_mode = mode;
}

void
tandem_session_host_set_certificate_path (TandemSessionHost *self,
                                          const char        *path)
{
  g_return_if_fail (TANDEM_IS_SESSION_HOST (self));
  g_free (self->certificate_path);
  self->certificate_path = g_strdup (path);
}

GTlsCertificate *
tandem_session_host_get_certificate (TandemSessionHost *self)
{
  g_return_val_if_fail (TANDEM_IS_SESSION_HOST (self), NULL);
  return self->thread ? self->certificate : NULL;
}

static gboolean
start_thread (TandemSessionHost  *self,
              guint16             port,
              const char         *data_dir,
              JsonNode           *project,
              const char         *resume_id,
              const char * const *tokens,
              GError            **error)
{
  g_return_val_if_fail (TANDEM_IS_SESSION_HOST (self), FALSE);
  g_return_val_if_fail (self->thread == NULL, FALSE);

  if (!load_certificate (self, error))
    return FALSE;
  self->port = port;
  g_free (self->data_dir);
  self->data_dir = g_strdup (data_dir);
  g_clear_pointer (&self->project, json_node_unref);
  self->project = project ? json_node_copy (project) : NULL;
  g_free (self->resume_id);
  self->resume_id = g_strdup (resume_id);
  self->started = FALSE;
  self->context = g_main_context_new ();
  self->loop = g_main_loop_new (self->context, FALSE);
  self->thread = g_thread_new ("tandem-session-host", host_thread, self);

  g_mutex_lock (&self->mutex);
  while (!self->started)
    g_cond_wait (&self->cond, &self->mutex);
  g_mutex_unlock (&self->mutex);

  if (self->error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&self->error));
      g_thread_join (g_steal_pointer (&self->thread));
      g_clear_pointer (&self->loop, g_main_loop_unref);
      g_clear_pointer (&self->context, g_main_context_unref);
      g_clear_object (&self->certificate);
      return FALSE;
    }
  if (tokens != NULL)
    for (guint r = 0; r < TANDEM_N_ROLES; r++)
      self->tokens[r] = g_strdup (tokens[r]);
  {
    g_autofree char *fp = self->certificate ? tandem_fingerprint_to_string (self->fingerprint) : NULL;

    self->announce = tandem_lan_announce_new (self->session_id, self->lan_session_name,
                                              self->lan_host_name, self->port, fp);
  }
  g_message ("%s session %s on port %u", resume_id ? "Resumed hosting" : "Hosting",
             self->session_id, self->port);
  return TRUE;
}

gboolean
tandem_session_host_start (TandemSessionHost  *self,
                           guint16             port,
                           const char         *data_dir,
                           JsonNode           *project,
                           GError            **error)
{
  return start_thread (self, port, data_dir, project, NULL, NULL, error);
}

gboolean
tandem_session_host_resume (TandemSessionHost  *self,
                            guint16             port,
                            const char         *data_dir,
                            const char         *session_id,
                            const char * const *tokens,
                            GError            **error)
{
  g_return_val_if_fail (port != 0, FALSE);
  g_return_val_if_fail (data_dir != NULL, FALSE);
  g_return_val_if_fail (session_id != NULL && tokens != NULL, FALSE);

  return start_thread (self, port, data_dir, NULL, session_id, tokens, error);
}

static gboolean
quit_cb (gpointer data)
{
  g_main_loop_quit (data);
  return G_SOURCE_REMOVE;
}

void
tandem_session_host_stop (TandemSessionHost *self)
{
  g_return_if_fail (TANDEM_IS_SESSION_HOST (self));
  if (self->thread == NULL)
    return;
  g_clear_pointer (&self->announce, tandem_lan_announce_free);
  g_main_context_invoke (self->context, quit_cb, self->loop);
  g_thread_join (g_steal_pointer (&self->thread));
  g_clear_pointer (&self->loop, g_main_loop_unref);
  g_clear_pointer (&self->context, g_main_context_unref);
  g_clear_pointer (&self->session_id, g_free);
  g_clear_object (&self->certificate);
  for (guint r = 0; r < TANDEM_N_ROLES; r++)
    {
      if (self->tokens[r])
        explicit_bzero (self->tokens[r], strlen (self->tokens[r]));
      g_clear_pointer (&self->tokens[r], g_free);
    }
}

gboolean
tandem_session_host_is_running (TandemSessionHost *self)
{
  return self->thread != NULL;
}

guint16
tandem_session_host_get_port (TandemSessionHost *self)
{
  return self->thread ? self->port : 0;
}

const char *
tandem_session_host_get_session_id (TandemSessionHost *self)
{
  return self->session_id;
}

const char *
tandem_session_host_get_token (TandemSessionHost *self,
                               TandemRole         role)
{
  g_return_val_if_fail (TANDEM_IS_SESSION_HOST (self), NULL);
  g_return_val_if_fail (role < TANDEM_N_ROLES, NULL);
  return self->thread ? self->tokens[role] : NULL;
}

static TandemInvite *
make_invite (TandemSessionHost *self,
             TandemRole         role)
{
  g_autofree char *host = NULL;
  TandemInvite *invite;

  if (self->thread == NULL || role >= TANDEM_N_ROLES)
    return NULL;
  if (self->public_host)
    host = g_strdup (self->public_host);
  else if (self->bind_address && strcmp (self->bind_address, "0.0.0.0") != 0
           && strcmp (self->bind_address, "::") != 0)
    host = g_strdup (self->bind_address);
  else
    host = tandem_host_addresses_dup_default ();
  invite = tandem_invite_new (host, self->port, self->session_id, self->tokens[role]);
  if (self->certificate != NULL)
    tandem_invite_set_tls (invite, self->fingerprint);
  return invite;
}

char *
tandem_session_host_dup_invite (TandemSessionHost *self,
                                TandemRole         role)
{
  g_autoptr(TandemInvite) invite = make_invite (self, role);

  return invite ? tandem_invite_to_link (invite) : NULL;
}

char *
tandem_session_host_dup_ws_url (TandemSessionHost *self,
                                TandemRole         role)
{
  g_autoptr(TandemInvite) invite = make_invite (self, role);

  return invite ? tandem_invite_to_ws_url (invite) : NULL;
}

void
tandem_session_host_set_bind_address (TandemSessionHost *self,
                                      const char        *address)
{
  g_free (self->bind_address);
  self->bind_address = g_strdup (address);
}

const char *
tandem_session_host_get_bind_address (TandemSessionHost *self)
{
  g_return_val_if_fail (TANDEM_IS_SESSION_HOST (self), NULL);
  return self->bind_address;
}

const char *
tandem_session_host_get_public_host (TandemSessionHost *self)
{
  g_return_val_if_fail (TANDEM_IS_SESSION_HOST (self), NULL);
  return self->public_host;
}

void
tandem_session_host_set_limits (TandemSessionHost        *self,
                                const TandemServerLimits *limits)
{
  self->limits = *limits;
}

void
tandem_session_host_set_fsync (TandemSessionHost *self,
                               gboolean           fsync)
{
  self->fsync = !!fsync;
}

typedef struct
{
  TandemSessionServer *server;
  guint                timeout_ms;
} KnockTimeout;

static void
knock_timeout_free (KnockTimeout *change)
{
  g_object_unref (change->server);
  g_free (change);
}

static gboolean
set_knock_timeout_cb (gpointer data)
{
  KnockTimeout *change = data;

  tandem_session_server_set_knock_timeout (change->server, change->timeout_ms);
  return G_SOURCE_REMOVE;
}

void
tandem_session_host_set_knock_timeout (TandemSessionHost *self,
                                       guint              timeout_ms)
{
  KnockTimeout *change;

  g_return_if_fail (TANDEM_IS_SESSION_HOST (self));
  self->knock_timeout_ms = timeout_ms;
  /* The server belongs to its thread: the change is made there. */
  g_mutex_lock (&self->mutex);
  if (self->server != NULL)
    {
      change = g_new0 (KnockTimeout, 1);
      change->server = g_object_ref (self->server);
      change->timeout_ms = timeout_ms;
      g_main_context_invoke_full (self->context, G_PRIORITY_DEFAULT, set_knock_timeout_cb,
                                  change, (GDestroyNotify) knock_timeout_free);
    }
  g_mutex_unlock (&self->mutex);
}

void
tandem_session_host_set_public_host (TandemSessionHost *self,
                                     const char        *host)
{
  g_free (self->public_host);
  self->public_host = g_strdup (host);
}

void
tandem_session_host_set_lan_names (TandemSessionHost *self,
                                   const char        *session_name,
                                   const char        *host_name)
{
  g_return_if_fail (TANDEM_IS_SESSION_HOST (self));
  if (session_name)
    {
      g_free (self->lan_session_name);
      self->lan_session_name = g_strdup (session_name);
    }
  if (host_name)
    {
      g_free (self->lan_host_name);
      self->lan_host_name = g_strdup (host_name);
    }
  if (self->announce)
    tandem_lan_announce_set_names (self->announce, session_name, host_name);
}

gboolean
tandem_session_host_is_announced (TandemSessionHost *self)
{
  return self->announce && tandem_lan_announce_is_published (self->announce);
}

static void
tandem_session_host_finalize (GObject *object)
{
  TandemSessionHost *self = TANDEM_SESSION_HOST (object);

  tandem_session_host_stop (self);
  g_mutex_clear (&self->mutex);
  g_cond_clear (&self->cond);
  g_clear_pointer (&self->project, json_node_unref);
  g_clear_error (&self->error);
  g_free (self->data_dir);
  g_free (self->resume_id);
  g_free (self->bind_address);
  g_free (self->public_host);
  g_free (self->certificate_path);
  g_free (self->lan_session_name);
  g_free (self->lan_host_name);
  G_OBJECT_CLASS (tandem_session_host_parent_class)->finalize (object);
}

static void
tandem_session_host_class_init (TandemSessionHostClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = tandem_session_host_finalize;
}

static void
tandem_session_host_init (TandemSessionHost *self)
{
  tandem_server_limits_init_defaults (&self->limits);
  self->fsync = TRUE;
  self->knock_timeout_ms = TANDEM_KNOCK_TIMEOUT_MS;
  g_mutex_init (&self->mutex);
  g_cond_init (&self->cond);
}

TandemSessionHost *
tandem_session_host_new (void)
{
  return g_object_new (TANDEM_TYPE_SESSION_HOST, NULL);
}
