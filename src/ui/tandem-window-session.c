/* tandem-window-session.c — hosting, joining and leaving a live session
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-ui"

#include "config.h"

#include <glib/gi18n.h>

#include "tandem-host-dialog.h"
#include "tandem-invite.h"
#include "tandem-invite-dialog.h"
#include "tandem-join-dialog.h"
#include "tandem-window-private.h"
#include "widgets/tandem-grid-cell.h"

static char *
display_name (TandemWindow *self)
{
  g_autofree char *name = g_settings_get_string (self->settings, "display-name");

  if (name[0] != '\0')
    return g_steal_pointer (&name);
  if (g_strcmp0 (g_get_real_name (), "Unknown") != 0)
    return g_strdup (g_get_real_name ());
  return g_strdup (g_get_user_name ());
}

static void show_toast_printf (TandemWindow *self,
                              const char   *format,
                              ...) G_GNUC_PRINTF (2, 3);

static void
show_toast_printf (TandemWindow *self,
                  const char   *format,
                  ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  tandem_window_show_toast (self, message);
}

static void
update_remote_cursors (TandemWindow *self)
{
  g_autoptr(GPtrArray) cursors = g_ptr_array_new_with_free_func ((GDestroyNotify) tandem_grid_cursor_free);
  GListModel *participants;

  if (self->client != NULL)
    {
      participants = tandem_sync_client_get_participants (self->client);
      for (guint i = 0; i < g_list_model_get_n_items (participants); i++)
        {
          g_autoptr(TandemParticipant) p = g_list_model_get_item (participants, i);
          const char *track = tandem_participant_get_cursor_track (p);
          GdkRGBA color;

          if (track == NULL || tandem_participant_get_cursor_step (p) < 0 ||
              g_strcmp0 (tandem_participant_get_cursor_pattern (p),
                         tandem_project_get_current_pattern (self->project)) != 0)
            continue;
          if (!gdk_rgba_parse (&color, tandem_participant_get_color (p)))
            gdk_rgba_parse (&color, "#3584e4");

          g_ptr_array_add (cursors, tandem_grid_cursor_new (tandem_participant_get_name (p), &color,
                                                            track,
                                                            tandem_participant_get_cursor_step (p)));
        }
    }

  tandem_grid_view_set_remote_cursors (self->grid_view, cursors);
}

static char *
describe_activity (TandemWindow      *self,
                   TandemParticipant *participant)
{
  const char *track_id = tandem_participant_get_cursor_track (participant);
  const char *control = tandem_participant_get_cursor_control (participant);
  TandemTrack *track = track_id != NULL ? tandem_project_find_track (self->project, track_id)
                                        : NULL;

  if (track != NULL && tandem_participant_get_cursor_step (participant) >= 0)
    /* Translators: what someone is editing, e.g. “Kick, step 3” */
    return g_strdup_printf (_("%s, step %d"), tandem_track_get_name (track),
                            tandem_participant_get_cursor_step (participant) + 1);
  if (control != NULL && control[0] != '\0')
    return g_strdup (control);
  return NULL;
}

static GtkWidget *
new_person_row (const char *name,
                const char *color,
                const char *detail)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *dot = gtk_label_new (NULL);
  g_autofree char *markup = NULL;
  GdkRGBA rgba;

  if (color == NULL || !gdk_rgba_parse (&rgba, color))
    color = "#3584e4";
  markup = g_markup_printf_escaped ("<span foreground=\"%s\">●</span>", color);
  gtk_label_set_markup (GTK_LABEL (dot), markup);
  gtk_accessible_update_property (GTK_ACCESSIBLE (dot), GTK_ACCESSIBLE_PROPERTY_LABEL, "", -1);
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), dot);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), name);
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  if (detail != NULL)
    adw_action_row_set_subtitle (ADW_ACTION_ROW (row), detail);
  return row;
}

static const char *
role_label (const char *role)
{
  if (g_strcmp0 (role, "owner") == 0)
    return _("Host");
  if (g_strcmp0 (role, "viewer") == 0)
    return _("Listening");
  return _("Editor");
}

static void
update_participants (TandemWindow *self)
{
  GListModel *participants;
  GtkWidget *child;
  g_autofree char *own_name = display_name (self);
  g_autofree char *own_color = g_settings_get_string (self->settings, "display-color");
  g_autofree char *own_detail = NULL;
  g_autofree char *you = NULL;
  gint64 rtt;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->participants_list))) != NULL)
    gtk_list_box_remove (self->participants_list, child);

  gtk_widget_set_visible (GTK_WIDGET (self->participants_button), self->client != NULL);
  if (self->client == NULL)
    return;

  /* Translators: the user's own row in the participants list */
  you = g_strdup_printf (_("%s (You)"), own_name);
  rtt = tandem_sync_client_get_rtt (self->client);
  if (rtt > 0)
    /* Translators: a role and a network round trip, e.g. “Host · 3 ms round trip” */
    own_detail = g_strdup_printf (_("%s · %.1f ms round trip"),
                                  role_label (tandem_sync_client_get_role (self->client)),
                                  rtt / 1000.0);
  else
    own_detail = g_strdup (role_label (tandem_sync_client_get_role (self->client)));
  gtk_list_box_append (self->participants_list, new_person_row (you, own_color, own_detail));

  participants = tandem_sync_client_get_participants (self->client);
  for (guint i = 0; i < g_list_model_get_n_items (participants); i++)
    {
      g_autoptr(TandemParticipant) p = g_list_model_get_item (participants, i);
      g_autofree char *activity = describe_activity (self, p);
      g_autofree char *detail = NULL;
      gint64 their_rtt = tandem_participant_get_rtt (p);

      if (activity != NULL)
        detail = g_strdup_printf (_("%s · %s"), role_label (tandem_participant_get_role (p)),
                                  activity);
      else
        detail = g_strdup (role_label (tandem_participant_get_role (p)));
      if (their_rtt > 0)
        {
          /* Translators: a participant's detail and their own measured round
           * trip to the server, e.g. “Editor · 12.5 ms round trip” */
          g_autofree char *with_rtt = g_strdup_printf (_("%s · %.1f ms round trip"), detail,
                                                       their_rtt / 1000.0);

          g_free (detail);
          detail = g_steal_pointer (&with_rtt);
        }

      gtk_list_box_append (self->participants_list,
                           new_person_row (tandem_participant_get_name (p),
                                           tandem_participant_get_color (p), detail));
    }
}

static void
on_participant_updated (TandemWindow *self)
{
  update_remote_cursors (self);
  update_participants (self);
}

/* Tells the others which cell has the keyboard focus here. */
static void
on_focus_widget_changed (TandemWindow *self)
{
  GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (self));

  if (self->client == NULL || focus == NULL || !TANDEM_IS_GRID_CELL (focus))
    return;

  tandem_sync_client_set_cursor (self->client,
                                 tandem_project_get_current_pattern (self->project),
                                 tandem_grid_cell_get_track_id (TANDEM_GRID_CELL (focus)),
                                 tandem_grid_cell_get_step (TANDEM_GRID_CELL (focus)),
                                 NULL);
}

static void
on_participant_joined (TandemWindow      *self,
                       TandemParticipant *participant)
{
  /* Translators: a toast, %s is a person's name */
  show_toast_printf (self, _("%s joined"), tandem_participant_get_name (participant));
  _tandem_window_update_status (self);
  on_participant_updated (self);
}

static void
on_participant_left (TandemWindow      *self,
                     TandemParticipant *participant)
{
  /* Translators: a toast, %s is a person's name */
  show_toast_printf (self, _("%s left"), tandem_participant_get_name (participant));
  _tandem_window_update_status (self);
  on_participant_updated (self);
}

static void
on_rejected (TandemWindow *self,
             TandemOp     *op,
             const char   *code,
             const char   *message)
{
  show_toast_printf (self, _("Your edit was refused: %s"), message);
}

static void
on_op_dropped (TandemWindow *self,
               TandemOp     *op,
               const char   *message)
{
  show_toast_printf (self, _("Your edit no longer applies: %s"), message);
}

/* Errors after which retrying cannot help end the session for this window. */
static gboolean
is_fatal (const char *code)
{
  static const char *fatal[] = {
    "unsupported-version", "unauthorized", "no-such-session", "session-full", "replaced", NULL
  };

  return g_strv_contains (fatal, code);
}

static void
on_sync_error (TandemWindow *self,
               const char   *code,
               const char   *message)
{
  if (g_strcmp0 (code, "unauthorized") == 0)
    message = _("The invite link is not valid for this session (wrong or missing token)");
  else if (g_strcmp0 (code, "unsupported-version") == 0)
    message = _("The session runs a different version of Tandem");
  else if (g_strcmp0 (code, "no-such-session") == 0)
    message = _("The session does not exist (any more)");

  show_toast_printf (self, _("Session: %s"), message);

  if (is_fatal (code))
    _tandem_window_leave_session (self);
}

static void
on_state_changed (TandemWindow *self)
{
  TandemSyncState state = tandem_sync_client_get_state (self->client);

  if (state == TANDEM_SYNC_STATE_LIVE)
    {
      self->ever_live = TRUE;
    }
  else if (state == TANDEM_SYNC_STATE_RECONNECTING && !self->ever_live &&
           !self->unreachable_reported)
    {
      self->unreachable_reported = TRUE;
      show_toast_printf (self, _("Cannot reach %s — still trying"), self->session_address);
    }

  _tandem_window_update_status (self);
  _tandem_window_actions_update (self);
  update_participants (self);
}

/* The project was replaced by the session's: local undo steps no longer apply. */
static void
on_project_reset (TandemWindow *self)
{
  tandem_history_clear (self->history);
}

static gboolean
join_link (TandemWindow *self,
           const char   *link,
           GError      **error)
{
  g_autoptr(TandemInvite) invite = tandem_invite_parse (link, error);
  g_autofree char *name = NULL;
  g_autofree char *color = NULL;

  if (invite == NULL)
    return FALSE;

  name = display_name (self);
  color = g_settings_get_string (self->settings, "display-color");

  self->client = tandem_sync_client_new (self->project, self->history);
  _tandem_window_music_set_client (self);
  tandem_sync_client_set_display_name (self->client, name);
  tandem_sync_client_set_color (self->client, color);
  g_free (self->session_address);
  self->session_address = tandem_invite_get_address (invite);
  self->ever_live = FALSE;
  self->unreachable_reported = FALSE;

  g_signal_connect_object (self->client, "notify::state", G_CALLBACK (on_state_changed), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->client, "participant-joined",
                           G_CALLBACK (on_participant_joined), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->client, "participant-left",
                           G_CALLBACK (on_participant_left), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->client, "participant-updated",
                           G_CALLBACK (on_participant_updated), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->client, "rejected", G_CALLBACK (on_rejected), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->client, "op-dropped", G_CALLBACK (on_op_dropped), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->client, "error", G_CALLBACK (on_sync_error), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->project, "reset", G_CALLBACK (on_project_reset), self,
                           G_CONNECT_SWAPPED);

  if (!tandem_sync_client_connect (self->client, link, error))
    {
      _tandem_window_leave_session (self);
      return FALSE;
    }

  _tandem_window_update_status (self);
  _tandem_window_actions_update (self);
  return TRUE;
}

/**
 * tandem_window_join_session:
 * @link: a tandem:// or ws:// invite link
 *
 * Joins the session: the window shows the session's project from now on.
 * Returns FALSE with @error only for a malformed link; a host that cannot be
 * reached or refuses the link is reported in the window.
 */
gboolean
tandem_window_join_session (TandemWindow *self,
                            const char   *link,
                            GError      **error)
{
  g_return_val_if_fail (TANDEM_IS_WINDOW (self), FALSE);
  g_return_val_if_fail (link != NULL, FALSE);

  _tandem_window_leave_session (self);
  if (!join_link (self, link, error))
    return FALSE;

  g_free (self->invite_link);
  self->invite_link = g_strdup (link);
  return TRUE;
}

/**
 * tandem_window_host_session:
 * @port: the port to listen on, 0 for any free one
 *
 * Starts a session server inside the app with the window's project and joins
 * it. Afterwards tandem_window_get_invite_link() gives the link to share.
 */
gboolean
tandem_window_host_session (TandemWindow *self,
                            guint16       port,
                            GError      **error)
{
  g_autoptr(TandemSessionHost) host = tandem_session_host_new ();
  g_autoptr(JsonNode) project = NULL;
  g_autoptr(TandemInvite) local = NULL;
  g_autofree char *owner_link = NULL;
  g_autofree char *local_link = NULL;
  g_autofree char *data_dir = NULL;

  g_return_val_if_fail (TANDEM_IS_WINDOW (self), FALSE);

  _tandem_window_leave_session (self);

  data_dir = g_build_filename (g_get_user_data_dir (), "tandem", "sessions", NULL);
  project = tandem_project_to_json (self->project);
  if (!tandem_session_host_start (host, port, data_dir, project, error))
    return FALSE;

  /* The window joins its own session over loopback, like everyone else. */
  owner_link = tandem_session_host_dup_invite (host, TANDEM_ROLE_OWNER);
  local = tandem_invite_parse (owner_link, error);
  if (local == NULL)
    return FALSE;
  g_free (local->host);
  local->host = g_strdup ("127.0.0.1");
  local_link = tandem_invite_to_link (local);

  self->host = g_steal_pointer (&host);
  if (!join_link (self, local_link, error))
    {
      _tandem_window_leave_session (self);
      return FALSE;
    }

  g_free (self->invite_link);
  self->invite_link = tandem_session_host_dup_invite (self->host, TANDEM_ROLE_EDITOR);
  _tandem_window_update_status (self);
  _tandem_window_actions_update (self);
  return TRUE;
}

const char *
tandem_window_get_invite_link (TandemWindow *self)
{
  g_return_val_if_fail (TANDEM_IS_WINDOW (self), NULL);

  return self->invite_link;
}

/**
 * tandem_window_get_sync_client:
 *
 * Returns: (transfer none) (nullable): the window's connection to its session
 */
TandemSyncClient *
tandem_window_get_sync_client (TandemWindow *self)
{
  g_return_val_if_fail (TANDEM_IS_WINDOW (self), NULL);

  return self->client;
}

void
_tandem_window_leave_session (TandemWindow *self)
{
  if (self->client != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->client, self);
      tandem_sync_client_disconnect (self->client);
      g_clear_object (&self->client);
      _tandem_window_music_set_client (self);
    }
  if (self->project != NULL)
    g_signal_handlers_disconnect_by_func (self->project, on_project_reset, self);
  if (self->host != NULL)
    {
      tandem_session_host_stop (self->host);
      g_clear_object (&self->host);
    }
  g_clear_pointer (&self->remote_session, tandem_remote_session_free);
  g_clear_pointer (&self->invite_link, g_free);
  g_clear_pointer (&self->session_address, g_free);

  if (self->grid_view != NULL)
    update_remote_cursors (self);
  if (self->participants_list != NULL)
    update_participants (self);
  if (self->status_label != NULL)
    {
      _tandem_window_update_status (self);
      _tandem_window_actions_update (self);
    }
}

char *
_tandem_window_dup_session_status (TandemWindow *self)
{
  guint n_people;

  if (self->client == NULL)
    return NULL;

  n_people = g_list_model_get_n_items (tandem_sync_client_get_participants (self->client)) + 1;

  switch (tandem_sync_client_get_state (self->client))
    {
    case TANDEM_SYNC_STATE_CONNECTING:
      return g_strdup (_("Connecting…"));
    case TANDEM_SYNC_STATE_RECONNECTING:
      return g_strdup (_("Reconnecting…"));
    case TANDEM_SYNC_STATE_LIVE:
      if (self->host != NULL || self->remote_session != NULL)
        return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Hosting · %u person",
                                             "Hosting · %u people", n_people), n_people);
      return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Connected · %u person",
                                           "Connected · %u people", n_people), n_people);
    case TANDEM_SYNC_STATE_OFFLINE:
    default:
      return g_strdup (_("Offline"));
    }
}

/* Dialogs */

static void
show_remote_invite_dialog (TandemWindow *self)
{
  TandemInviteDialog *dialog = tandem_invite_dialog_new (GTK_WINDOW (self));
  TandemRemoteSession *session = self->remote_session;
  g_autoptr(TandemInvite) invite = tandem_invite_parse (session->links[TANDEM_ROLE_EDITOR], NULL);
  g_autofree char *address = invite != NULL ? tandem_invite_get_address (invite) : NULL;

  tandem_invite_dialog_set_editor_link (dialog, session->links[TANDEM_ROLE_EDITOR]);
  tandem_invite_dialog_set_listener_link (dialog, session->links[TANDEM_ROLE_VIEWER]);
  tandem_invite_dialog_set_ws_url (dialog, session->ws_urls[TANDEM_ROLE_EDITOR]);
  tandem_invite_dialog_set_endpoint (dialog, address, TRUE);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
show_local_invite_dialog (TandemWindow *self)
{
  TandemInviteDialog *dialog = tandem_invite_dialog_new (GTK_WINDOW (self));
  g_autofree char *ws_url = tandem_session_host_dup_ws_url (self->host, TANDEM_ROLE_EDITOR);
  g_autofree char *viewer = tandem_session_host_dup_invite (self->host, TANDEM_ROLE_VIEWER);
  g_autoptr(TandemInvite) invite = tandem_invite_parse (self->invite_link, NULL);
  g_autofree char *endpoint = invite != NULL ? tandem_invite_get_endpoint (invite) : NULL;

  tandem_invite_dialog_set_editor_link (dialog, self->invite_link);
  tandem_invite_dialog_set_listener_link (dialog, viewer);
  tandem_invite_dialog_set_ws_url (dialog, ws_url);
  tandem_invite_dialog_set_endpoint (dialog, endpoint, FALSE);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
show_invite_dialog (TandemWindow *self)
{
  if (self->remote_session != NULL)
    show_remote_invite_dialog (self);
  else
    show_local_invite_dialog (self);
}

/* Hosting on a server: create the session there with this project, join
 * it as its owner, upload the samples, then show the links. The Host dialog
 * stays up meanwhile with what is happening, and any error. */

typedef struct
{
  TandemWindow     *window;
  TandemHostDialog *dialog;
  TandemRemoteHost *remote;
  GCancellable     *cancellable;
  char             *address;
  gboolean          had_token;
} RemoteHostJob;

static void
remote_host_job_free (RemoteHostJob *job)
{
  g_signal_handlers_disconnect_by_data (job->remote, job);
  g_signal_handlers_disconnect_by_data (job->dialog, job);
  g_object_unref (job->window);
  g_object_unref (job->dialog);
  g_object_unref (job->remote);
  g_object_unref (job->cancellable);
  g_free (job->address);
  g_free (job);
}

static char *
describe_remote_error (RemoteHostJob *job,
                       const GError  *error)
{
  guint wait;

  if (error->domain != TANDEM_REMOTE_HOST_ERROR)
    return g_strdup (error->message);

  switch ((TandemRemoteHostError) error->code)
    {
    case TANDEM_REMOTE_HOST_ERROR_BAD_ADDRESS:
      return g_strdup_printf (_("Check the server address: %s"), error->message);
    case TANDEM_REMOTE_HOST_ERROR_UNREACHABLE:
      /* Translators: %s is the server address, then the network's reason */
      return g_strdup_printf (_("Cannot reach the server at %s. Is the address right, and "
                                "does tandem-server run there?\n%s"),
                              job->address, error->message);
    case TANDEM_REMOTE_HOST_ERROR_UNAUTHORIZED:
      if (!job->had_token)
        return g_strdup (_("This server needs its admin token to create a session."));
      return g_strdup (_("The server refused the admin token: it is not the right one."));
    case TANDEM_REMOTE_HOST_ERROR_FORBIDDEN:
      return g_strdup (_("This server does not create sessions for the app."));
    case TANDEM_REMOTE_HOST_ERROR_RATE_LIMITED:
      wait = tandem_remote_host_get_retry_after (job->remote);
      if (wait == 0)
        return g_strdup (_("This server has created enough sessions for this address for now. "
                           "Try again later."));
      if (wait < 120)
        return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                             "This server has created enough sessions for this "
                                             "address for now. Try again in %u second.",
                                             "This server has created enough sessions for this "
                                             "address for now. Try again in %u seconds.", wait),
                                wait);
      wait = (wait + 59) / 60;
      return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                           "This server has created enough sessions for this "
                                           "address for now. Try again in %u minute.",
                                           "This server has created enough sessions for this "
                                           "address for now. Try again in %u minutes.", wait),
                              wait);
    case TANDEM_REMOTE_HOST_ERROR_TOO_LARGE:
      return g_strdup_printf (_("The project is too large for this server: %s"), error->message);
    case TANDEM_REMOTE_HOST_ERROR_BUSY:
      return g_strdup_printf (_("The server is busy or full: %s"), error->message);
    case TANDEM_REMOTE_HOST_ERROR_UPLOAD:
      return g_strdup_printf (_("The session is ready, but a sample did not upload. %s"),
                              error->message);
    case TANDEM_REMOTE_HOST_ERROR_REFUSED:
    case TANDEM_REMOTE_HOST_ERROR_BAD_ANSWER:
    default:
      return g_strdup_printf (_("The server refused: %s"), error->message);
    }
}

static void
on_remote_fraction (TandemRemoteHost *remote,
                    GParamSpec       *pspec,
                    RemoteHostJob    *job)
{
  tandem_host_dialog_set_progress (job->dialog, tandem_remote_host_get_fraction (remote));
}

static void
on_host_dialog_destroyed (RemoteHostJob *job)
{
  g_cancellable_cancel (job->cancellable);
}

static void
on_remote_uploaded (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  RemoteHostJob *job = user_data;
  g_autoptr(GError) error = NULL;

  if (!tandem_remote_host_upload_samples_finish (job->remote, result, &error))
    {
      /* The session stays: its links work, the samples can come later. */
      if (!g_cancellable_is_cancelled (job->cancellable))
        {
          g_autofree char *message = describe_remote_error (job, error);

          tandem_host_dialog_show_error (job->dialog, message);
        }
      remote_host_job_free (job);
      return;
    }

  gtk_window_destroy (GTK_WINDOW (job->dialog));
  if (job->window->remote_session != NULL)
    show_invite_dialog (job->window);
  remote_host_job_free (job);
}

static void
on_remote_created (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  RemoteHostJob *job = user_data;
  TandemWindow *self = job->window;
  g_autoptr(TandemRemoteSession) session = NULL;
  g_autoptr(GError) error = NULL;

  session = tandem_remote_host_create_finish (job->remote, result, &error);
  if (g_cancellable_is_cancelled (job->cancellable))
    {
      remote_host_job_free (job);
      return;
    }
  if (session == NULL)
    {
      g_autofree char *message = describe_remote_error (job, error);

      tandem_host_dialog_show_error (job->dialog, message);
      remote_host_job_free (job);
      return;
    }

  _tandem_window_leave_session (self);
  if (!join_link (self, session->links[TANDEM_ROLE_OWNER], &error))
    {
      g_autofree char *message = g_strdup_printf (_("Could not join the new session: %s"),
                                                  error->message);

      tandem_host_dialog_show_error (job->dialog, message);
      remote_host_job_free (job);
      return;
    }
  g_free (self->invite_link);
  self->invite_link = g_strdup (session->links[TANDEM_ROLE_EDITOR]);
  self->remote_session = g_steal_pointer (&session);
  _tandem_window_update_status (self);
  _tandem_window_actions_update (self);

  /* Translators: the samples of the project go to the server */
  tandem_host_dialog_set_busy (job->dialog, _("Uploading the samples…"));
  tandem_host_dialog_set_progress (job->dialog, 0);
  g_signal_connect (job->remote, "notify::fraction", G_CALLBACK (on_remote_fraction), job);
  tandem_remote_host_upload_samples_async (job->remote, self->transfers, self->project,
                                           tandem_sample_store_get_default (),
                                           job->cancellable, on_remote_uploaded, job);
}

static void
host_on_server (TandemWindow     *self,
                TandemHostDialog *dialog)
{
  const char *address = tandem_host_dialog_get_server_address (dialog);
  const char *token = tandem_host_dialog_get_admin_token (dialog);
  g_autofree char *base = NULL;
  g_autofree char *status = NULL;
  g_autoptr(GError) error = NULL;
  RemoteHostJob *job;

  if ((base = tandem_remote_host_parse_address (address, &error)) == NULL)
    {
      g_autofree char *message = g_strdup_printf (_("Check the server address: %s"),
                                                  error->message);

      tandem_host_dialog_show_error (dialog, message);
      return;
    }

  /* libsecret would be the place for the token; until then it is kept,
   * in plain text in GSettings, only when the user asks for it. */
  g_settings_set_string (self->settings, "host-server-address", address);
  g_settings_set_string (self->settings, "host-server-token",
                         tandem_host_dialog_get_remember_token (dialog) ? token : "");

  job = g_new0 (RemoteHostJob, 1);
  job->window = g_object_ref (self);
  job->dialog = g_object_ref (dialog);
  job->remote = tandem_remote_host_new (NULL);
  job->cancellable = g_cancellable_new ();
  job->address = g_strstrip (g_strdup (address));
  job->had_token = token[0] != '\0';
  g_signal_connect_swapped (dialog, "destroy", G_CALLBACK (on_host_dialog_destroyed), job);

  /* Translators: %s is the server's address */
  status = g_strdup_printf (_("Creating the session on %s…"), job->address);
  tandem_host_dialog_set_busy (dialog, status);
  tandem_remote_host_create_async (job->remote, address, token, self->project, job->cancellable,
                                   on_remote_created, job);
}

static void
on_host_requested (TandemHostDialog *dialog,
                   TandemWindow     *self)
{
  g_autoptr(GError) error = NULL;
  const char *name = tandem_host_dialog_get_display_name (dialog);
  guint port = tandem_host_dialog_get_port (dialog);

  if (name[0] != '\0')
    g_settings_set_string (self->settings, "display-name", name);
  g_settings_set_string (self->settings, "host-where", tandem_host_dialog_get_where (dialog));
  if (g_strcmp0 (tandem_host_dialog_get_where (dialog), "server") == 0)
    {
      host_on_server (self, dialog);
      return;
    }
  gtk_window_destroy (GTK_WINDOW (dialog));

  if (!tandem_window_host_session (self, port, &error))
    {
      show_toast_printf (self, _("Could not host a session: %s"), error->message);
      return;
    }

  show_invite_dialog (self);
}

static void
host_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *param)
{
  TandemWindow *self = TANDEM_WINDOW (widget);
  TandemHostDialog *dialog = tandem_host_dialog_new (GTK_WINDOW (self));
  g_autofree char *name = display_name (self);
  g_autofree char *where = g_settings_get_string (self->settings, "host-where");
  g_autofree char *server = g_settings_get_string (self->settings, "host-server-address");
  g_autofree char *token = g_settings_get_string (self->settings, "host-server-token");

  tandem_host_dialog_set_display_name (dialog, name);
  tandem_host_dialog_set_where (dialog, where);
  tandem_host_dialog_set_server_address (dialog, server);
  tandem_host_dialog_set_admin_token (dialog, token);
  tandem_host_dialog_set_remember_token (dialog, token[0] != '\0');
  g_signal_connect_object (dialog, "host", G_CALLBACK (on_host_requested), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
on_join_requested (TandemJoinDialog *dialog,
                   const char       *link,
                   TandemWindow     *self)
{
  g_autoptr(GError) error = NULL;
  TandemWindow *target = self;

  /* Joining replaces the window's project: keep unsaved work in its window. */
  if (self->modified)
    {
      GtkApplication *app = gtk_window_get_application (GTK_WINDOW (self));

      target = tandem_window_new (TANDEM_APPLICATION (app));
      gtk_window_present (GTK_WINDOW (target));
    }

  if (!tandem_window_join_session (target, link, &error))
    show_toast_printf (target, _("Could not join: %s"), error->message);
}

static void
join_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *param)
{
  TandemWindow *self = TANDEM_WINDOW (widget);
  TandemJoinDialog *dialog = tandem_join_dialog_new (GTK_WINDOW (self));

  g_signal_connect_object (dialog, "join", G_CALLBACK (on_join_requested), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
copy_invite_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *param)
{
  TandemWindow *self = TANDEM_WINDOW (widget);

  if (self->invite_link == NULL)
    return;

  gdk_clipboard_set_text (gtk_widget_get_clipboard (widget), self->invite_link);
  tandem_window_show_toast (self, _("Invite link copied"));
}

static void
leave_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *param)
{
  TandemWindow *self = TANDEM_WINDOW (widget);

  _tandem_window_leave_session (self);
  tandem_window_show_toast (self, _("You left the session; the project stays here"));
}

void
_tandem_window_session_init (TandemWindow *self)
{
  g_signal_connect_object (self, "notify::focus-widget", G_CALLBACK (on_focus_widget_changed),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->participants_button, "notify::active",
                           G_CALLBACK (update_participants), self, G_CONNECT_SWAPPED);
}

void
_tandem_window_class_session_init (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "win.host", NULL, host_action);
  gtk_widget_class_install_action (widget_class, "win.join", NULL, join_action);
  gtk_widget_class_install_action (widget_class, "win.copy-invite", NULL, copy_invite_action);
  gtk_widget_class_install_action (widget_class, "win.leave", NULL, leave_action);
}
