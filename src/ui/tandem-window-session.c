/* tandem-window-session.c — hosting, joining and leaving a live session
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-ui"

#include "config.h"

#include <glib/gi18n.h>

#include "tandem-invite.h"
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
  _tandem_window_history_set_client (self);
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
      _tandem_window_history_set_client (self);
    }
  if (self->project != NULL)
    g_signal_handlers_disconnect_by_func (self->project, on_project_reset, self);
  if (self->host != NULL)
    {
      tandem_session_host_stop (self->host);
      g_clear_object (&self->host);
    }
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
      if (self->host != NULL)
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
on_host_response (AdwMessageDialog *dialog,
                  const char       *response,
                  TandemWindow     *self);

static void
copy_to_clipboard (GtkButton  *button,
                   const char *text)
{
  gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (button)), text);
  gtk_button_set_label (button, _("Copied"));
}

static GtkWidget *
new_link_row (const char *title,
              const char *link)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *copy = gtk_button_new_with_label (_("Copy"));

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), link);
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 3);
  gtk_widget_add_css_class (row, "property");
  gtk_widget_set_valign (copy, GTK_ALIGN_CENTER);
  g_signal_connect_data (copy, "clicked", G_CALLBACK (copy_to_clipboard), g_strdup (link),
                         (GClosureNotify) g_free, 0);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), copy);
  return row;
}

static void
show_invite_dialog (TandemWindow *self)
{
  GtkWidget *dialog;
  GtkWidget *list = gtk_list_box_new ();
  g_autofree char *ws_url = tandem_session_host_dup_ws_url (self->host, TANDEM_ROLE_EDITOR);
  g_autofree char *viewer = tandem_session_host_dup_invite (self->host, TANDEM_ROLE_VIEWER);
  g_autoptr(TandemInvite) invite = tandem_invite_parse (self->invite_link, NULL);
  g_autofree char *endpoint = invite != NULL ? tandem_invite_get_endpoint (invite) : NULL;
  g_autofree char *body = NULL;

  body = g_strdup_printf (_("Send the link to the people you want to play with. Their "
                            "computers must be able to reach this one at %s."),
                          endpoint != NULL ? endpoint : "");
  dialog = adw_message_dialog_new (GTK_WINDOW (self), _("Session Ready"), body);
  gtk_widget_add_css_class (list, "boxed-list");
  gtk_list_box_set_selection_mode (GTK_LIST_BOX (list), GTK_SELECTION_NONE);
  gtk_list_box_append (GTK_LIST_BOX (list), new_link_row (_("Invite Link"), self->invite_link));
  gtk_list_box_append (GTK_LIST_BOX (list), new_link_row (_("Listen-Only Link"), viewer));
  gtk_list_box_append (GTK_LIST_BOX (list), new_link_row (_("WebSocket Address"), ws_url));
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), list);
  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Done"));
  gtk_window_set_default_size (GTK_WINDOW (dialog), 520, -1);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
host_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *param)
{
  TandemWindow *self = TANDEM_WINDOW (widget);
  g_autofree char *name = display_name (self);
  GtkWidget *dialog;
  GtkWidget *list = gtk_list_box_new ();
  GtkWidget *name_row = adw_entry_row_new ();
  GtkWidget *port_row = adw_action_row_new ();
  GtkWidget *port = gtk_spin_button_new_with_range (0, 65535, 1);

  dialog = adw_message_dialog_new (GTK_WINDOW (self), _("Host a Session"),
                                   _("Tandem runs a session on this computer. Everyone you "
                                     "invite hears and edits this project with you."));
  gtk_widget_add_css_class (list, "boxed-list");
  gtk_list_box_set_selection_mode (GTK_LIST_BOX (list), GTK_SELECTION_NONE);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (name_row), _("Your Name"));
  gtk_editable_set_text (GTK_EDITABLE (name_row), name);
  gtk_list_box_append (GTK_LIST_BOX (list), name_row);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (port_row), _("Port"));
  adw_action_row_set_subtitle (ADW_ACTION_ROW (port_row), _("0 picks a free port"));
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (port), 0);
  gtk_widget_set_valign (port, GTK_ALIGN_CENTER);
  gtk_accessible_update_property (GTK_ACCESSIBLE (port), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Port"), -1);
  adw_action_row_add_suffix (ADW_ACTION_ROW (port_row), port);
  gtk_list_box_append (GTK_LIST_BOX (list), port_row);

  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), list);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "host", _("_Host"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "host",
                                              ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "host");
  g_object_set_data (G_OBJECT (dialog), "name-row", name_row);
  g_object_set_data (G_OBJECT (dialog), "port", port);
  g_signal_connect (dialog, "response", G_CALLBACK (on_host_response), self);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
on_host_response (AdwMessageDialog *dialog,
                  const char       *response,
                  TandemWindow     *self)
{
  GtkEditable *name_row = g_object_get_data (G_OBJECT (dialog), "name-row");
  GtkSpinButton *port = g_object_get_data (G_OBJECT (dialog), "port");
  g_autoptr(GError) error = NULL;
  const char *name;

  if (g_strcmp0 (response, "host") != 0)
    return;

  name = gtk_editable_get_text (name_row);
  if (name[0] != '\0')
    g_settings_set_string (self->settings, "display-name", name);

  if (!tandem_window_host_session (self, gtk_spin_button_get_value_as_int (port), &error))
    {
      show_toast_printf (self, _("Could not host a session: %s"), error->message);
      return;
    }

  show_invite_dialog (self);
}

static void
on_join_link_changed (GtkEditable      *entry,
                      AdwMessageDialog *dialog)
{
  g_autoptr(TandemInvite) invite = tandem_invite_parse (gtk_editable_get_text (entry), NULL);

  adw_message_dialog_set_response_enabled (dialog, "join", invite != NULL);
}

static void
on_join_response (AdwMessageDialog *dialog,
                  const char       *response,
                  TandemWindow     *self)
{
  GtkEditable *link_row = g_object_get_data (G_OBJECT (dialog), "link-row");
  g_autoptr(GError) error = NULL;
  const char *link;
  TandemWindow *target = self;

  if (g_strcmp0 (response, "join") != 0)
    return;

  link = gtk_editable_get_text (link_row);

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
  GtkWidget *dialog;
  GtkWidget *list = gtk_list_box_new ();
  GtkWidget *link_row = adw_entry_row_new ();

  dialog = adw_message_dialog_new (GTK_WINDOW (self), _("Join a Session"),
                                   _("Paste the invite link you were given."));
  gtk_widget_add_css_class (list, "boxed-list");
  gtk_list_box_set_selection_mode (GTK_LIST_BOX (list), GTK_SELECTION_NONE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (link_row), _("Invite Link"));
  gtk_list_box_append (GTK_LIST_BOX (list), link_row);
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), list);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "join", _("_Join"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "join",
                                              ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "join");
  adw_message_dialog_set_response_enabled (ADW_MESSAGE_DIALOG (dialog), "join", FALSE);
  g_object_set_data (G_OBJECT (dialog), "link-row", link_row);
  g_signal_connect (link_row, "changed", G_CALLBACK (on_join_link_changed), dialog);
  g_signal_connect (dialog, "response", G_CALLBACK (on_join_response), self);
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
