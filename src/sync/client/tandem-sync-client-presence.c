/* tandem-sync-client-presence.c — our name, color and cursor; the other participants
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-sync"

#include "config.h"

#include <string.h>

#include "tandem-presence.h"
#include "tandem-sync-client-private.h"

/* Presence changes (a moving cursor) go out at most this often. */
#define PRESENCE_INTERVAL_US (50 * 1000)

/* Participants */

static TandemParticipant *
find_participant (TandemSyncClient *self,
                  const char       *client_id,
                  guint            *position)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->participants));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(TandemParticipant) p = g_list_model_get_item (G_LIST_MODEL (self->participants), i);

      if (g_strcmp0 (tandem_participant_get_client_id (p), client_id) == 0)
        {
          if (position)
            *position = i;
          return p;
        }
    }
  return NULL;
}

/* What the server says about us: the colour it gave us, the role the
 * owner gave us. */
static void
update_self (TandemSyncClient *self,
             JsonObject       *obj)
{
  const char *color = NULL, *role_name = NULL;
  g_autofree char *clean = NULL;
  TandemRole role;

  if (tandem_message_get_string (obj, "color", &color)
      && (clean = tandem_presence_clean_color (color, NULL)) != NULL && clean[0] != '\0'
      && g_strcmp0 (clean, self->assigned_color) != 0)
    {
      g_free (self->assigned_color);
      self->assigned_color = g_steal_pointer (&clean);
      g_object_notify_by_pspec (G_OBJECT (self), _tandem_sync_client_properties[PROP_COLOR]);
    }
  if (tandem_message_get_string (obj, "role", &role_name)
      && tandem_role_from_string (role_name, &role) && g_strcmp0 (role_name, self->role) != 0)
    {
      g_free (self->role);
      self->role = g_strdup (role_name);
      g_object_notify_by_pspec (G_OBJECT (self), _tandem_sync_client_properties[PROP_ROLE]);
    }
}

/* Adds or updates someone else from a presence or participant object. */
void
_tandem_sync_client_update_participant (TandemSyncClient *self,
                                        JsonObject       *obj)
{
  const char *client = NULL;
  TandemParticipant *p;

  if (!tandem_message_get_string (obj, "client", &client))
    return;
  if (strcmp (client, self->client_id) == 0)
    {
      update_self (self, obj);
      return;
    }
  p = find_participant (self, client, NULL);
  if (p == NULL)
    {
      g_autoptr(TandemParticipant) np = tandem_participant_new (client);

      tandem_participant_update_from_json (np, obj);
      g_list_store_append (self->participants, np);
      g_signal_emit (self, _tandem_sync_client_signals[PARTICIPANT_JOINED], 0, np);
      return;
    }
  tandem_participant_update_from_json (p, obj);
  g_signal_emit (self, _tandem_sync_client_signals[PARTICIPANT_UPDATED], 0, p);
}

void
_tandem_sync_client_remove_participant (TandemSyncClient *self,
                                        const char       *client_id)
{
  g_autoptr(TandemParticipant) held = NULL;
  guint pos;
  TandemParticipant *p = find_participant (self, client_id, &pos);

  if (p == NULL)
    return;
  held = g_object_ref (p);
  g_list_store_remove (self->participants, pos);
  g_signal_emit (self, _tandem_sync_client_signals[PARTICIPANT_LEFT], 0, held);
}

void
_tandem_sync_client_clear_participants (TandemSyncClient *self)
{
  while (g_list_model_get_n_items (G_LIST_MODEL (self->participants)) > 0)
    {
      g_autoptr(TandemParticipant) p = g_list_model_get_item (G_LIST_MODEL (self->participants), 0);

      _tandem_sync_client_remove_participant (self, tandem_participant_get_client_id (p));
    }
}

/* Replaces the participants with the welcome's list (a JSON array). */
void
_tandem_sync_client_set_participants (TandemSyncClient *self,
                                      JsonNode         *participants)
{
  JsonArray *array;

  _tandem_sync_client_clear_participants (self);
  if (participants == NULL || !JSON_NODE_HOLDS_ARRAY (participants))
    return;
  array = json_node_get_array (participants);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *node = json_array_get_element (array, i);

      if (JSON_NODE_HOLDS_OBJECT (node))
        _tandem_sync_client_update_participant (self, json_node_get_object (node));
    }
}

/* Our presence */

static void
send_presence (TandemSyncClient *self)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *text = NULL;

  self->presence_dirty = FALSE;
  self->last_presence_us = g_get_monotonic_time ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "type");
  json_builder_add_string_value (b, "presence");
  json_builder_set_member_name (b, "name");
  json_builder_add_string_value (b, self->display_name ? self->display_name : "");
  /* Only a new wish: the server answers each one with the colour it gives. */
  if (self->color_dirty)
    {
      json_builder_set_member_name (b, "color");
      json_builder_add_string_value (b, self->color ? self->color : "");
      self->color_dirty = FALSE;
    }
  if (self->cursor)
    {
      json_builder_set_member_name (b, "cursor");
      json_builder_add_value (b, json_node_copy (self->cursor));
    }
  if (self->view)
    {
      json_builder_set_member_name (b, "view");
      json_builder_add_value (b, json_node_copy (self->view));
    }
  if (self->shared_rtt > 0)
    {
      json_builder_set_member_name (b, "rtt");
      json_builder_add_int_value (b, self->shared_rtt);
    }
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  text = json_to_string (root, FALSE);
  _tandem_sync_client_send_text (self, text);
}

static gboolean
presence_timeout_cb (gpointer data)
{
  TandemSyncClient *self = data;

  g_clear_pointer (&self->presence_source, g_source_unref);
  if (self->presence_dirty && self->joined)
    send_presence (self);
  return G_SOURCE_REMOVE;
}

/* Sends our presence now, or when the last one is old enough. */
void
_tandem_sync_client_presence_changed (TandemSyncClient *self)
{
  gint64 now = g_get_monotonic_time ();
  gint64 due = self->last_presence_us + PRESENCE_INTERVAL_US;

  self->presence_dirty = TRUE;
  if (!self->joined)
    return;
  if (now >= due)
    send_presence (self);
  else if (self->presence_source == NULL)
    self->presence_source = _tandem_sync_client_add_timeout (self, (due - now) / 1000 + 1,
                                                             presence_timeout_cb);
}

/* Name and color: stored, notified and sent when they changed. */
static void
set_presence_string (TandemSyncClient  *self,
                     char             **field,
                     const char        *value,
                     guint              prop_id)
{
  if (g_strcmp0 (*field, value) == 0)
    return;
  g_free (*field);
  *field = g_strdup (value);
  g_object_notify_by_pspec (G_OBJECT (self), _tandem_sync_client_properties[prop_id]);
  _tandem_sync_client_presence_changed (self);
}

void
tandem_sync_client_set_display_name (TandemSyncClient *self,
                                     const char       *name)
{
  /* Every server refuses names it cannot show; send one it takes. */
  g_autofree char *clean = tandem_presence_make_name (name);

  set_presence_string (self, &self->display_name, clean, PROP_DISPLAY_NAME);
}

void
tandem_sync_client_set_color (TandemSyncClient *self,
                              const char       *color)
{
  if (g_strcmp0 (self->color, color) == 0)
    return;
  /* Shown as asked until the server says which one we got. */
  g_clear_pointer (&self->assigned_color, g_free);
  self->color_dirty = TRUE;
  set_presence_string (self, &self->color, color, PROP_COLOR);
}

void
tandem_sync_client_set_cursor (TandemSyncClient *self,
                               const char       *pattern_id,
                               const char       *track_id,
                               int               step,
                               const char       *control)
{
  g_clear_pointer (&self->cursor, json_node_unref);
  self->cursor = tandem_participant_cursor_to_json (pattern_id, track_id, step, control);
  _tandem_sync_client_presence_changed (self);
}

void
tandem_sync_client_set_view (TandemSyncClient *self,
                             const char       *pattern_id,
                             const char       *page)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) view = NULL;

  g_return_if_fail (TANDEM_IS_SYNC_CLIENT (self));

  json_builder_begin_object (b);
  if (pattern_id != NULL && tandem_id_is_valid (pattern_id))
    {
      json_builder_set_member_name (b, "pattern");
      json_builder_add_string_value (b, pattern_id);
    }
  if (page != NULL && g_strv_contains (tandem_presence_pages, page))
    {
      json_builder_set_member_name (b, "page");
      json_builder_add_string_value (b, page);
    }
  json_builder_end_object (b);
  view = json_builder_get_root (b);
  if (self->view != NULL && json_node_equal (self->view, view))
    return;
  g_clear_pointer (&self->view, json_node_unref);
  self->view = g_steal_pointer (&view);
  _tandem_sync_client_presence_changed (self);
}

void
tandem_sync_client_set_role_of (TandemSyncClient *self,
                                const char       *client_id,
                                const char       *role)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *text = NULL;

  g_return_if_fail (TANDEM_IS_SYNC_CLIENT (self));
  g_return_if_fail (client_id != NULL && role != NULL);

  if (!self->joined)
    return;
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "type");
  json_builder_add_string_value (b, "set-role");
  json_builder_set_member_name (b, "client");
  json_builder_add_string_value (b, client_id);
  json_builder_set_member_name (b, "role");
  json_builder_add_string_value (b, role);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  text = json_to_string (root, FALSE);
  _tandem_sync_client_send_text (self, text);
}

/* The colour the server gave us once joined (what we asked for before). */
const char *
tandem_sync_client_get_color (TandemSyncClient *self)
{
  g_return_val_if_fail (TANDEM_IS_SYNC_CLIENT (self), NULL);

  return self->assigned_color != NULL ? self->assigned_color : self->color;
}
