/* tandem-participant.c — a participant of a session (presence)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-sync"

#include "config.h"

#include "tandem-participant.h"
#include "tandem-presence.h"

struct _TandemParticipant
{
  GObject  parent_instance;

  char    *client_id;
  char    *name;
  char    *color;
  char    *role;
  char    *cursor_pattern;
  char    *cursor_track;
  int      cursor_step;
  char    *cursor_control;
  char    *view_pattern;
  char    *view_page;
  gint64   rtt;
};

G_DEFINE_FINAL_TYPE (TandemParticipant, tandem_participant, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_CLIENT_ID,
  PROP_NAME,
  PROP_COLOR,
  PROP_ROLE,
  PROP_CURSOR_PATTERN,
  PROP_CURSOR_TRACK,
  PROP_CURSOR_STEP,
  PROP_CURSOR_CONTROL,
  PROP_RTT,
  PROP_VIEW_PATTERN,
  PROP_VIEW_PAGE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
tandem_participant_finalize (GObject *object)
{
  TandemParticipant *self = TANDEM_PARTICIPANT (object);

  g_free (self->client_id);
  g_free (self->name);
  g_free (self->color);
  g_free (self->role);
  g_free (self->cursor_pattern);
  g_free (self->cursor_track);
  g_free (self->cursor_control);
  g_free (self->view_pattern);
  g_free (self->view_page);
  G_OBJECT_CLASS (tandem_participant_parent_class)->finalize (object);
}

static void
tandem_participant_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  TandemParticipant *self = TANDEM_PARTICIPANT (object);

  switch (prop_id)
    {
    case PROP_CLIENT_ID: g_value_set_string (value, self->client_id); break;
    case PROP_NAME: g_value_set_string (value, self->name); break;
    case PROP_COLOR: g_value_set_string (value, self->color); break;
    case PROP_ROLE: g_value_set_string (value, self->role); break;
    case PROP_CURSOR_PATTERN: g_value_set_string (value, self->cursor_pattern); break;
    case PROP_CURSOR_TRACK: g_value_set_string (value, self->cursor_track); break;
    case PROP_CURSOR_STEP: g_value_set_int (value, self->cursor_step); break;
    case PROP_CURSOR_CONTROL: g_value_set_string (value, self->cursor_control); break;
    case PROP_RTT: g_value_set_int64 (value, self->rtt); break;
    case PROP_VIEW_PATTERN: g_value_set_string (value, self->view_pattern); break;
    case PROP_VIEW_PAGE: g_value_set_string (value, self->view_page); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tandem_participant_set_property (GObject      *object,
                                 guint         prop_id,
                                 const GValue *value,
                                 GParamSpec   *pspec)
{
  TandemParticipant *self = TANDEM_PARTICIPANT (object);

  switch (prop_id)
    {
    case PROP_CLIENT_ID:
      self->client_id = g_value_dup_string (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tandem_participant_class_init (TandemParticipantClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags ro = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->finalize = tandem_participant_finalize;
  object_class->get_property = tandem_participant_get_property;
  object_class->set_property = tandem_participant_set_property;

  properties[PROP_CLIENT_ID] =
    g_param_spec_string ("client-id", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_NAME] = g_param_spec_string ("name", NULL, NULL, NULL, ro);
  properties[PROP_COLOR] = g_param_spec_string ("color", NULL, NULL, NULL, ro);
  properties[PROP_ROLE] = g_param_spec_string ("role", NULL, NULL, NULL, ro);
  properties[PROP_CURSOR_PATTERN] = g_param_spec_string ("cursor-pattern", NULL, NULL, NULL, ro);
  properties[PROP_CURSOR_TRACK] = g_param_spec_string ("cursor-track", NULL, NULL, NULL, ro);
  properties[PROP_CURSOR_STEP] = g_param_spec_int ("cursor-step", NULL, NULL, -1, G_MAXINT, -1, ro);
  properties[PROP_CURSOR_CONTROL] = g_param_spec_string ("cursor-control", NULL, NULL, NULL, ro);
  properties[PROP_RTT] = g_param_spec_int64 ("rtt", NULL, NULL, -1, G_MAXINT64, -1, ro);
  properties[PROP_VIEW_PATTERN] = g_param_spec_string ("view-pattern", NULL, NULL, NULL, ro);
  properties[PROP_VIEW_PAGE] = g_param_spec_string ("view-page", NULL, NULL, NULL, ro);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
tandem_participant_init (TandemParticipant *self)
{
  self->cursor_step = -1;
  self->rtt = -1;
}

TandemParticipant *
tandem_participant_new (const char *client_id)
{
  return g_object_new (TANDEM_TYPE_PARTICIPANT, "client-id", client_id, NULL);
}

const char *
tandem_participant_get_client_id (TandemParticipant *self)
{
  return self->client_id;
}

const char *
tandem_participant_get_name (TandemParticipant *self)
{
  return self->name;
}

const char *
tandem_participant_get_color (TandemParticipant *self)
{
  return self->color;
}

const char *
tandem_participant_get_role (TandemParticipant *self)
{
  return self->role;
}

const char *
tandem_participant_get_cursor_pattern (TandemParticipant *self)
{
  return self->cursor_pattern;
}

const char *
tandem_participant_get_cursor_track (TandemParticipant *self)
{
  return self->cursor_track;
}

int
tandem_participant_get_cursor_step (TandemParticipant *self)
{
  return self->cursor_step;
}

gint64
tandem_participant_get_rtt (TandemParticipant *self)
{
  g_return_val_if_fail (TANDEM_IS_PARTICIPANT (self), -1);
  return self->rtt;
}

const char *
tandem_participant_get_cursor_control (TandemParticipant *self)
{
  return self->cursor_control;
}

const char *
tandem_participant_get_view_pattern (TandemParticipant *self)
{
  g_return_val_if_fail (TANDEM_IS_PARTICIPANT (self), NULL);
  return self->view_pattern;
}

const char *
tandem_participant_get_view_page (TandemParticipant *self)
{
  g_return_val_if_fail (TANDEM_IS_PARTICIPANT (self), NULL);
  return self->view_page;
}

static void
update_string (TandemParticipant *self,
               char             **field,
               const char        *value,
               guint              prop)
{
  if (g_strcmp0 (*field, value) == 0)
    return;
  g_free (*field);
  *field = g_strdup (value);
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);
}

static const char *
member_string (JsonObject *obj,
               const char *member)
{
  JsonNode *node = obj ? json_object_get_member (obj, member) : NULL;

  if (node && JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
    return json_node_get_string (node);
  return NULL;
}

void
tandem_participant_update_from_json (TandemParticipant *self,
                                     JsonObject        *obj)
{
  JsonNode *cursor_node = json_object_get_member (obj, "cursor");
  JsonObject *cursor = NULL;
  JsonNode *view_node = json_object_get_member (obj, "view");
  JsonNode *step, *rtt = json_object_get_member (obj, "rtt");
  g_autofree char *name = NULL, *color = NULL;
  int step_value = -1;

  g_object_freeze_notify (G_OBJECT (self));
  if (rtt && JSON_NODE_HOLDS_VALUE (rtt) && json_node_get_value_type (rtt) == G_TYPE_INT64
      && json_node_get_int (rtt) >= 0 && json_node_get_int (rtt) != self->rtt)
    {
      self->rtt = json_node_get_int (rtt);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RTT]);
    }
  /* What a server forwards is checked again: what is shown in the window
   * follows the same rules whoever sent it. */
  if (member_string (obj, "name")
      && (name = tandem_presence_clean_name (member_string (obj, "name"), NULL)) != NULL)
    update_string (self, &self->name, name, PROP_NAME);
  if (member_string (obj, "color")
      && (color = tandem_presence_clean_color (member_string (obj, "color"), NULL)) != NULL)
    update_string (self, &self->color, color, PROP_COLOR);
  if (member_string (obj, "role"))
    update_string (self, &self->role, member_string (obj, "role"), PROP_ROLE);
  if (cursor_node && JSON_NODE_HOLDS_OBJECT (cursor_node)
      && tandem_presence_check_cursor (cursor_node, NULL))
    cursor = json_node_get_object (cursor_node);
  update_string (self, &self->cursor_pattern, member_string (cursor, "pattern"), PROP_CURSOR_PATTERN);
  update_string (self, &self->cursor_track, member_string (cursor, "track"), PROP_CURSOR_TRACK);
  update_string (self, &self->cursor_control, member_string (cursor, "control"), PROP_CURSOR_CONTROL);
  /* A presence without a view keeps the last one; null clears it. */
  if (view_node && tandem_presence_check_view (view_node, NULL))
    {
      JsonObject *view = JSON_NODE_HOLDS_OBJECT (view_node) ? json_node_get_object (view_node)
                                                            : NULL;

      update_string (self, &self->view_pattern, member_string (view, "pattern"),
                     PROP_VIEW_PATTERN);
      update_string (self, &self->view_page, member_string (view, "page"), PROP_VIEW_PAGE);
    }
  step = cursor ? json_object_get_member (cursor, "step") : NULL;
  if (step && json_node_get_value_type (step) == G_TYPE_INT64)
    step_value = (int) CLAMP (json_node_get_int (step), -1, G_MAXINT);
  if (step_value != self->cursor_step)
    {
      self->cursor_step = step_value;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CURSOR_STEP]);
    }
  g_object_thaw_notify (G_OBJECT (self));
}

JsonNode *
tandem_participant_cursor_to_json (const char *pattern_id,
                                   const char *track_id,
                                   int         step,
                                   const char *control)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  if (pattern_id)
    {
      json_builder_set_member_name (b, "pattern");
      json_builder_add_string_value (b, pattern_id);
    }
  if (track_id)
    {
      json_builder_set_member_name (b, "track");
      json_builder_add_string_value (b, track_id);
    }
  if (step >= 0)
    {
      json_builder_set_member_name (b, "step");
      json_builder_add_int_value (b, step);
    }
  if (control)
    {
      json_builder_set_member_name (b, "control");
      json_builder_add_string_value (b, control);
    }
  json_builder_end_object (b);
  return json_builder_get_root (b);
}
