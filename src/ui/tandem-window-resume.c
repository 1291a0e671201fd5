/* tandem-window-resume.c — hosting that survives a crash, and the bar that says the host is gone
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * While a window hosts, its session is remembered on disk (tandem-hosted-
 * sessions.h) as open. Ending it on purpose (Leave, closing the window,
 * quitting) marks it ended; one still open at start-up is what a crash
 * interrupted, and is offered to resume: the same session id and tokens on
 * the same port, from its own journal, so the links everyone holds work
 * again and nothing anyone saw acknowledged is lost.
 */
#define G_LOG_DOMAIN "tandem-ui"

#include "config.h"

#include <glib/gi18n.h>
#include <stdlib.h>

#include "tandem-invite.h"
#include "tandem-window-private.h"

/* Ended sessions kept on disk (journal and all) besides the open ones. */
#define KEEP_ENDED 8
/* How long reconnecting may fail before the window says the host is gone. */
#define HOST_GONE_DEFAULT_MS 30000

static void
save_entry (TandemWindow *self)
{
  g_autoptr(GError) error = NULL;

  if (self->hosted != NULL && !tandem_hosted_session_save (self->hosted, &error))
    g_warning ("Could not remember the hosted session: %s", error->message);
}

static void
on_project_name_changed (TandemWindow *self)
{
  if (self->hosted == NULL)
    return;
  if (self->host != NULL)
    tandem_session_host_set_lan_names (self->host, tandem_project_get_name (self->project), NULL);
  g_free (self->hosted->name);
  self->hosted->name = g_strdup (tandem_project_get_name (self->project));
  save_entry (self);
}

void
_tandem_window_resume_host_started (TandemWindow        *self,
                                    TandemHostedSession *entry)
{
  TandemSessionHost *host = self->host;

  g_assert (host != NULL);
  g_assert (self->hosted == NULL);

  g_free (entry->session_id);
  entry->session_id = g_strdup (tandem_session_host_get_session_id (host));
  for (guint r = 0; r < TANDEM_N_ROLES; r++)
    {
      g_free (entry->tokens[r]);
      entry->tokens[r] = g_strdup (tandem_session_host_get_token (host, r));
    }
  entry->port = tandem_session_host_get_port (host);
  g_free (entry->name);
  entry->name = g_strdup (tandem_project_get_name (self->project));
  g_free (entry->bind_address);
  entry->bind_address = g_strdup (tandem_session_host_get_bind_address (host));
  g_free (entry->public_host);
  entry->public_host = g_strdup (tandem_session_host_get_public_host (host));
  entry->tls = tandem_session_host_get_certificate (host) != NULL;
  g_free (entry->draft_id);
  entry->draft_id = g_strdup (tandem_draft_get_id (self->draft));
  entry->open = TRUE;
  self->hosted = entry;
  save_entry (self);

  /* The project object stays while hosting: a resumed session is loaded
   * into it, so its name is followed from here. */
  g_signal_connect_object (self->project, "notify::name", G_CALLBACK (on_project_name_changed),
                           self, G_CONNECT_SWAPPED);
}

/* Host gone */

static guint
host_gone_timeout_ms (void)
{
  const char *env = g_getenv ("TANDEM_HOST_GONE_TIMEOUT_MS");
  guint64 ms;

  /* Tests wait a fraction of a second, not half a minute. */
  if (env != NULL && g_ascii_string_to_unsigned (env, 10, 1, G_MAXUINT, &ms, NULL))
    return (guint) ms;
  return HOST_GONE_DEFAULT_MS;
}

static gboolean
host_gone_cb (gpointer data)
{
  TandemWindow *self = data;

  self->host_gone_source = 0;
  gtk_revealer_set_reveal_child (self->host_gone_bar, TRUE);
  return G_SOURCE_REMOVE;
}

static void
hide_host_gone (TandemWindow *self)
{
  g_clear_handle_id (&self->host_gone_source, g_source_remove);
  if (self->host_gone_bar != NULL)
    gtk_revealer_set_reveal_child (self->host_gone_bar, FALSE);
}

/* Reconnecting goes on for ever, with backoff; after a while of failing
 * the window says so in words, and what happens to the edits meanwhile. */
static void
on_client_state (TandemWindow *self)
{
  TandemSyncState state = self->client ? tandem_sync_client_get_state (self->client)
                                       : TANDEM_SYNC_STATE_OFFLINE;

  if (state == TANDEM_SYNC_STATE_RECONNECTING)
    {
      if (self->host_gone_source == 0 && !gtk_revealer_get_reveal_child (self->host_gone_bar))
        self->host_gone_source = g_timeout_add (host_gone_timeout_ms (), host_gone_cb, self);
    }
  else if (state != TANDEM_SYNC_STATE_CONNECTING)
    hide_host_gone (self);
}

void
_tandem_window_resume_joined (TandemWindow *self)
{
  g_assert (self->client != NULL);

  g_signal_connect_object (self->client, "notify::state", G_CALLBACK (on_client_state), self,
                           G_CONNECT_SWAPPED);
  on_client_state (self);
}

void
_tandem_window_resume_left (TandemWindow *self)
{
  hide_host_gone (self);
  if (self->hosted == NULL)
    return;
  if (self->project != NULL)
    g_signal_handlers_disconnect_by_func (self->project, on_project_name_changed, self);
  /* Ended on purpose: not offered again, kept a while for its history. */
  self->hosted->open = FALSE;
  save_entry (self);
  g_clear_pointer (&self->hosted, tandem_hosted_session_free);
  tandem_hosted_sessions_prune (KEEP_ENDED);
}

/* Resuming */

static TandemWindow *
window_hosting (GtkApplication *app,
                const char     *key)
{
  for (GList *l = app ? gtk_application_get_windows (app) : NULL; l; l = l->next)
    if (TANDEM_IS_WINDOW (l->data) && TANDEM_WINDOW (l->data)->hosted != NULL
        && g_strcmp0 (TANDEM_WINDOW (l->data)->hosted->key, key) == 0)
      return l->data;
  return NULL;
}

/* The router forgot the forwarding when Tandem stopped (it was removed,
 * or its lease will run out): with "Open a port on the router" on, ask
 * again as hosting does, or links naming the router's public address stop
 * working. The entry keeps the local address the links named before the
 * router answered, which is the one to forward to. */
static void
reopen_port (TandemWindow *self)
{
  g_autoptr(TandemInvite) invite = NULL;

  if (!g_settings_get_boolean (self->settings, "host-open-port"))
    return;
  invite = tandem_invite_parse (self->invite_link, NULL);
  if (invite != NULL)
    _tandem_window_reach_start (self, invite->host, tandem_session_host_get_port (self->host));
}

gboolean
tandem_window_resume_hosting (TandemWindow  *self,
                              const char    *key,
                              GError       **error)
{
  g_autoptr(TandemHostedSession) entry = NULL;
  g_autoptr(TandemSessionHost) host = NULL;
  g_autoptr(GError) local_error = NULL;
  const char *name;

  g_return_val_if_fail (TANDEM_IS_WINDOW (self), FALSE);
  g_return_val_if_fail (key != NULL, FALSE);

  if ((entry = tandem_hosted_session_load (key, error)) == NULL)
    return FALSE;
  name = entry->name != NULL && entry->name[0] != '\0' ? entry->name : _("the session");
  if (window_hosting (gtk_window_get_application (GTK_WINDOW (self)), key) != NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_EXISTS,
                   _("“%s” is hosted in another window already"), name);
      return FALSE;
    }

  _tandem_window_leave_session (self);
  host = tandem_session_host_new ();
  tandem_session_host_set_bind_address (host, entry->bind_address);
  tandem_session_host_set_public_host (host, entry->public_host);
  /* The links carry the scheme (and the certificate's pin): keep both. */
  tandem_session_host_set_tls (host, entry->tls ? TANDEM_HOST_TLS_ON : TANDEM_HOST_TLS_OFF);
  tandem_session_host_set_lan_names (host, entry->name, NULL);
  if (!tandem_session_host_resume (host, entry->port, entry->journal_dir, entry->session_id,
                                   (const char *const *) entry->tokens, &local_error))
    {
      if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_ADDRESS_IN_USE))
        /* Translators: %u is a port number, %s the session's name */
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_ADDRESS_IN_USE,
                     _("Port %u is in use by another program, so “%s” cannot be resumed: its "
                       "invite links only work on that port. Close the program using it, then "
                       "try again."), entry->port, name);
      else
        g_set_error (error, local_error->domain, local_error->code,
                     _("“%s” cannot be resumed: %s"), name, local_error->message);
      return FALSE;
    }

  self->host = g_steal_pointer (&host);
  if (!_tandem_window_join_own_host (self, error))
    {
      _tandem_window_leave_session (self);
      return FALSE;
    }
  _tandem_window_resume_host_started (self, g_steal_pointer (&entry));
  reopen_port (self);
  return TRUE;
}

/* The session a crash interrupted, newest first, that no window hosts. */
static TandemHostedSession *
find_interrupted (GtkApplication *app)
{
  g_autoptr(GPtrArray) open = tandem_hosted_sessions_list (TRUE);

  for (guint i = 0; i < open->len; i++)
    {
      TandemHostedSession *entry = open->pdata[i];

      if (window_hosting (app, entry->key) == NULL)
        return g_ptr_array_steal_index (open, i);
    }
  return NULL;
}

/* Where a session resumes: the window restored from the draft of the one
 * that hosted it; else @self, unless that holds work of its own (resuming
 * replaces the project with the session's), which keeps its window. */
static TandemWindow *
window_for_resume (TandemWindow *self,
                   const char   *draft_id)
{
  GtkApplication *app = gtk_window_get_application (GTK_WINDOW (self));
  TandemWindow *window;

  for (GList *l = app ? gtk_application_get_windows (app) : NULL; l; l = l->next)
    if (TANDEM_IS_WINDOW (l->data) && draft_id != NULL && TANDEM_WINDOW (l->data)->draft != NULL
        && g_strcmp0 (tandem_draft_get_id (TANDEM_WINDOW (l->data)->draft), draft_id) == 0)
      return l->data;
  if (!self->modified && self->client == NULL)
    return self;
  window = tandem_window_new (TANDEM_APPLICATION (app));
  gtk_window_present (GTK_WINDOW (window));
  return window;
}

static void
show_resume_error (TandemWindow *self,
                   const char   *message)
{
  AdwMessageDialog *dialog;

  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (self),
                                                       _("Cannot Resume Hosting"), message));
  adw_message_dialog_add_response (dialog, "close", _("_Close"));
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
on_resume_response (AdwMessageDialog *dialog,
                    const char       *response,
                    TandemWindow     *self)
{
  const char *key = g_object_get_data (G_OBJECT (dialog), "hosted-key");
  g_autoptr(TandemHostedSession) entry = NULL;
  g_autoptr(GError) error = NULL;

  if (g_strcmp0 (response, "resume") == 0)
    {
      if (!tandem_window_resume_hosting (self, key, &error))
        show_resume_error (self, error->message);
    }
  else if (g_strcmp0 (response, "end") == 0 && (entry = tandem_hosted_session_load (key, NULL)))
    {
      /* Kept a while (its history), never offered again. */
      entry->open = FALSE;
      if (!tandem_hosted_session_save (entry, &error))
        g_warning ("Could not end the hosted session: %s", error->message);
    }
}

static void
offer_resume (TandemWindow        *self,
              TandemHostedSession *entry)
{
  g_autofree char *heading = NULL;
  g_autofree char *body = NULL;
  AdwMessageDialog *dialog;

  /* Translators: %s is the session's (project's) name */
  heading = g_strdup_printf (_("Resume Hosting “%s”?"),
                             entry->name != NULL ? entry->name : _("Untitled"));
  body = g_strdup_printf (_("Tandem stopped while you were hosting this session. Resume it on "
                            "port %u, and everyone’s invite links work again with nothing "
                            "lost."), entry->port);
  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (self), heading, body));
  adw_message_dialog_add_responses (dialog,
                                    "later", _("_Not Now"),
                                    "end", _("_End Session"),
                                    "resume", _("_Resume"),
                                    NULL);
  adw_message_dialog_set_response_appearance (dialog, "end", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_response_appearance (dialog, "resume", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (dialog, "resume");
  adw_message_dialog_set_close_response (dialog, "later");
  g_object_set_data_full (G_OBJECT (dialog), "hosted-key", g_strdup (entry->key), g_free);
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_resume_response), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

gboolean
tandem_window_recover_hosting (TandemWindow  *self,
                               gboolean       ask,
                               GError       **error)
{
  GtkApplication *app = NULL;
  g_autoptr(TandemHostedSession) entry = NULL;
  TandemWindow *window;

  g_return_val_if_fail (TANDEM_IS_WINDOW (self), FALSE);

  app = gtk_window_get_application (GTK_WINDOW (self));
  entry = find_interrupted (app);
  if (entry == NULL && ask)
    return TRUE;
  if (entry == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                           _("Tandem was hosting no session when it stopped"));
      return FALSE;
    }
  window = window_for_resume (self, entry->draft_id);
  if (!ask)
    return tandem_window_resume_hosting (window, entry->key, error);
  offer_resume (window, entry);
  return TRUE;
}

gboolean
_tandem_window_resume_check_port (TandemWindow  *self,
                                  guint16        port,
                                  GError       **error)
{
  GtkApplication *app = gtk_window_get_application (GTK_WINDOW (self));
  g_autoptr(GPtrArray) open = NULL;

  if (port == 0)
    return TRUE;
  open = tandem_hosted_sessions_list (TRUE);
  for (guint i = 0; i < open->len; i++)
    {
      TandemHostedSession *entry = open->pdata[i];

      if (entry->port != port || window_hosting (app, entry->key) != NULL)
        continue;
      /* Its guests' links point here: a new session under them would turn
       * them away for good. Resuming it, or ending it, comes first. */
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_EXISTS,
                   _("“%s” is waiting to be resumed on port %u: resume it or end it before "
                     "hosting a new session on that port"),
                   entry->name != NULL ? entry->name : _("Untitled"), port);
      offer_resume (window_for_resume (self, entry->draft_id), entry);
      return FALSE;
    }
  return TRUE;
}

void
_tandem_window_resume_init (TandemWindow *self)
{
  GtkLabel *label;

  self->host_gone_bar = _tandem_window_add_bar (self, "host-gone-bar", &label, NULL, NULL);
  gtk_label_set_text (label, _("The host is not reachable — your edits are kept and will be "
                               "sent when it is back"));
}

void
_tandem_window_resume_dispose (TandemWindow *self)
{
  g_clear_handle_id (&self->host_gone_source, g_source_remove);
  g_clear_pointer (&self->hosted, tandem_hosted_session_free);
}
