/* tandem-window-rejoin.c — a guest's way back into a session: its draft, and Recent Sessions
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * While a guest's window is in a session, its draft is the live project
 * (what the session confirmed plus the edits it has not yet), kept fresh
 * as either changes, and next to it a record of the session: the link, its
 * name and the client's state (tandem-sync-client-resume.h). After a crash
 * the restored draft offers to rejoin as the same participant, and the
 * edits the host never confirmed are sent then, as after any reconnect.
 * Joined sessions also go to the recent-sessions key, for the main menu.
 */
#define G_LOG_DOMAIN "tandem-ui"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "tandem-invite.h"
#include "tandem-sync-client-resume.h"
#include "tandem-window-private.h"

#define MAX_RECENT_SESSIONS 10
/* At most once a second, on the main thread like every draft: what a crash
 * can lose is this much of the edits not yet confirmed. */
#define SAVE_DELAY_MS 1000

/* Recent sessions */

static char *
session_id_of (const char *link)
{
  g_autoptr(TandemInvite) invite = tandem_invite_parse (link, NULL);

  return invite != NULL ? g_strdup (invite->session_id) : NULL;
}

/* Most recent first, one entry per session (its latest link and name). */
static void
remember_recent (GSettings  *settings,
                 const char *link,
                 const char *name)
{
  g_autoptr(GVariant) old = g_settings_get_value (settings, "recent-sessions");
  g_autofree char *id = session_id_of (link);
  GVariantBuilder builder;
  GVariantIter iter;
  const char *old_link, *old_name;
  guint n = 1;

  if (id == NULL)
    return;
  g_variant_builder_init (&builder, G_VARIANT_TYPE ("a(ss)"));
  g_variant_builder_add (&builder, "(ss)", link, name ? name : "");
  g_variant_iter_init (&iter, old);
  while (n < MAX_RECENT_SESSIONS && g_variant_iter_next (&iter, "(&s&s)", &old_link, &old_name))
    {
      g_autofree char *old_id = session_id_of (old_link);

      if (old_id == NULL || g_strcmp0 (old_id, id) == 0)
        continue;
      g_variant_builder_add (&builder, "(ss)", old_link, old_name);
      n++;
    }
  g_settings_set_value (settings, "recent-sessions", g_variant_builder_end (&builder));
}

/* Menu labels take mnemonics: a name's own underscores are doubled. */
static char *
menu_label (const char *name,
            const char *link)
{
  g_autoptr(TandemInvite) invite = NULL;
  g_autofree char *address = NULL;
  GString *label = g_string_new (NULL);
  const char *text = name;

  if (text == NULL || text[0] == '\0')
    {
      invite = tandem_invite_parse (link, NULL);
      address = invite ? tandem_invite_get_address (invite) : g_strdup (_("Session"));
      text = address;
    }
  for (const char *c = text; *c; c++)
    {
      if (*c == '_')
        g_string_append_c (label, '_');
      g_string_append_c (label, *c);
    }
  return g_string_free (label, FALSE);
}

static void
update_recent_menu (TandemWindow *self)
{
  g_autoptr(GVariant) recent = g_settings_get_value (self->settings, "recent-sessions");
  GVariantIter iter;
  const char *link, *name;

  g_menu_remove_all (self->recent_sessions_menu);
  g_variant_iter_init (&iter, recent);
  while (g_variant_iter_next (&iter, "(&s&s)", &link, &name))
    {
      g_autofree char *label = menu_label (name, link);
      g_autoptr(GMenuItem) item = g_menu_item_new (label, NULL);

      g_menu_item_set_action_and_target (item, "win.rejoin-recent", "s", link);
      g_menu_append_item (self->recent_sessions_menu, item);
    }
  if (g_menu_model_get_n_items (G_MENU_MODEL (self->recent_sessions_menu)) == 0)
    /* No action: shown, insensitive. */
    g_menu_append (self->recent_sessions_menu, _("No Recent Sessions"), "win.no-recent-sessions");
}

static void
rejoin_recent_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *param)
{
  TandemWindow *self = TANDEM_WINDOW (widget);
  TandemWindow *target = self;
  g_autoptr(GError) error = NULL;
  const char *link = g_variant_get_string (param, NULL);

  /* As Join does: unsaved work keeps its window. */
  if (self->modified)
    {
      GtkApplication *app = gtk_window_get_application (GTK_WINDOW (self));

      target = tandem_window_new (TANDEM_APPLICATION (app));
      gtk_window_present (GTK_WINDOW (target));
    }
  if (!tandem_window_join_session (target, link, &error))
    {
      g_autofree char *message = g_strdup_printf (_("Could not join: %s"), error->message);

      tandem_window_show_toast (target, message);
    }
}

/* The session record */

static gboolean
is_guest (TandemWindow *self)
{
  return self->client != NULL && self->host == NULL;
}

static JsonNode *
build_record (TandemWindow *self)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "link");
  json_builder_add_string_value (b, self->invite_link);
  json_builder_set_member_name (b, "name");
  json_builder_add_string_value (b, tandem_project_get_name (self->project));
  json_builder_set_member_name (b, "state");
  json_builder_add_value (b, tandem_sync_client_save_state (self->client));
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

static void
save_now (TandemWindow *self)
{
  g_autoptr(JsonNode) record = NULL;
  g_autoptr(GError) error = NULL;

  g_clear_handle_id (&self->session_save_source, g_source_remove);
  if (!is_guest (self) || self->invite_link == NULL)
    return;
  record = build_record (self);
  /* The record first: a draft with a record is one that can rejoin. */
  if (!tandem_draft_write_session (self->draft, record, &error)
      || !tandem_draft_write (self->draft, self->project, self->file, &error))
    g_warning ("Could not keep the session's draft: %s", error->message);
}

static gboolean
save_cb (gpointer data)
{
  TandemWindow *self = data;

  self->session_save_source = 0;
  save_now (self);
  return G_SOURCE_REMOVE;
}

static void
save_soon (TandemWindow *self)
{
  if (self->session_save_source == 0)
    self->session_save_source = g_timeout_add (SAVE_DELAY_MS, save_cb, self);
}

static void
on_client_state (TandemWindow *self)
{
  if (!is_guest (self))
    return;
  if (tandem_sync_client_get_state (self->client) == TANDEM_SYNC_STATE_LIVE
      && !self->session_recorded)
    {
      /* Live: the project is the session's, and so is its name. */
      self->session_recorded = TRUE;
      remember_recent (self->settings, self->invite_link, tandem_project_get_name (self->project));
    }
  save_soon (self);
}

void
_tandem_window_rejoin_joined (TandemWindow *self)
{
  if (!is_guest (self))
    return;
  self->session_recorded = FALSE;
  gtk_revealer_set_reveal_child (self->rejoin_bar, FALSE);
  g_signal_connect_object (self->client, "notify::state", G_CALLBACK (on_client_state), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->client, "notify::n-pending", G_CALLBACK (save_soon), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->client, "batch-received", G_CALLBACK (save_soon), self,
                           G_CONNECT_SWAPPED);
  /* At once: from now on a crash leaves a way back in. */
  save_now (self);
}

void
_tandem_window_rejoin_left (TandemWindow *self)
{
  g_clear_handle_id (&self->session_save_source, g_source_remove);
  if (self->client == NULL || self->host != NULL || self->draft == NULL)
    return;
  /* Left on purpose: no way back to offer. The draft of a project without
   * edits of its own was only the session's, and goes too. */
  if (self->modified)
    tandem_draft_forget_session (self->draft);
  else
    tandem_draft_discard (self->draft);
}

/* After a crash */

static const char *
string_member (JsonObject *obj,
               const char *name)
{
  JsonNode *node = json_object_get_member (obj, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node)
      || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

static JsonNode *
read_record (TandemWindow  *self,
             const char   **link,
             const char   **name,
             JsonNode     **state,
             GError       **error)
{
  g_autoptr(JsonNode) record = tandem_draft_read_session (self->draft, error);
  JsonObject *obj;
  const char *session;

  if (record == NULL)
    return NULL;
  if (!JSON_NODE_HOLDS_OBJECT (record))
    goto bad;
  obj = json_node_get_object (record);
  *link = string_member (obj, "link");
  *name = string_member (obj, "name");
  *state = json_object_get_member (obj, "state");
  session = tandem_sync_client_state_get_session (*state);
  /* The state belongs to the client of that session only. */
  if (*link == NULL || session == NULL)
    goto bad;
  {
    g_autofree char *id = session_id_of (*link);

    if (g_strcmp0 (id, session) != 0)
      goto bad;
  }
  return g_steal_pointer (&record);

bad:
  g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                       "The draft's session record is not valid");
  return NULL;
}

void
_tandem_window_rejoin_check_draft (TandemWindow *self)
{
  g_autoptr(JsonNode) record = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  const char *link = NULL, *name = NULL;
  JsonNode *state = NULL;

  if ((record = read_record (self, &link, &name, &state, &error)) == NULL)
    {
      if (error != NULL)
        g_warning ("Not offering to rejoin: %s", error->message);
      return;
    }
  /* Translators: %s is the session's name */
  text = g_strdup_printf (_("You were in “%s” when Tandem stopped. Rejoin to carry on — your "
                            "edits the session did not get yet are sent then."),
                          name != NULL && name[0] != '\0' ? name : _("a session"));
  gtk_label_set_text (self->rejoin_label, text);
  gtk_revealer_set_reveal_child (self->rejoin_bar, TRUE);
}

gboolean
tandem_window_rejoin_session (TandemWindow  *self,
                              GError       **error)
{
  g_autoptr(JsonNode) record = NULL;
  g_autoptr(GError) local_error = NULL;
  const char *link = NULL, *name = NULL;
  JsonNode *state = NULL;

  g_return_val_if_fail (TANDEM_IS_WINDOW (self), FALSE);

  if ((record = read_record (self, &link, &name, &state, &local_error)) == NULL)
    {
      if (local_error == NULL)
        g_set_error_literal (&local_error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                             _("This window was in no session"));
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  if (!_tandem_window_join_link (self, link, state, error))
    return FALSE;
  gtk_revealer_set_reveal_child (self->rejoin_bar, FALSE);
  return TRUE;
}

static void
rejoin_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *param)
{
  TandemWindow *self = TANDEM_WINDOW (widget);
  g_autoptr(GError) error = NULL;

  if (!tandem_window_rejoin_session (self, &error))
    {
      g_autofree char *message = g_strdup_printf (_("Could not rejoin: %s"), error->message);

      tandem_window_show_toast (self, message);
    }
}

/* The disabled placeholder of an empty Recent Sessions menu. */
static void
no_action (GtkWidget  *widget,
           const char *action_name,
           GVariant   *param)
{
}

void
_tandem_window_rejoin_init (TandemWindow *self)
{
  self->rejoin_bar = _tandem_window_add_bar (self, "rejoin-bar", &self->rejoin_label,
                                             _("_Rejoin"), "win.rejoin-session");
  update_recent_menu (self);
  g_signal_connect_object (self->settings, "changed::recent-sessions",
                           G_CALLBACK (update_recent_menu), self, G_CONNECT_SWAPPED);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.no-recent-sessions", FALSE);
}

void
_tandem_window_rejoin_dispose (TandemWindow *self)
{
  g_clear_handle_id (&self->session_save_source, g_source_remove);
}

void
_tandem_window_class_rejoin_init (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "win.rejoin-session", NULL, rejoin_action);
  gtk_widget_class_install_action (widget_class, "win.rejoin-recent", "s", rejoin_recent_action);
  gtk_widget_class_install_action (widget_class, "win.no-recent-sessions", NULL, no_action);
  gtk_widget_class_bind_template_child (widget_class, TandemWindow, recent_sessions_menu);
}
