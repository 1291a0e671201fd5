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
#include "tandem-link-kind.h"
#include "tandem-join-dialog.h"
#include "tandem-sync-client-resume.h"
#include "tandem-window-private.h"
#include "widgets/tandem-grid-cell.h"

/* What the listener banner says, and what a listener is told who tries to edit. */
#define LISTENING_MESSAGE N_("You are listening: the host has not let you edit")

static char *
display_name (TandemWindow *self)
{
  g_autofree char *name = g_settings_get_string (self->settings, "display-name");

  const char *real = g_get_real_name ();

  if (name[0] != '\0')
    return g_steal_pointer (&name);
  /* GLib says "Unknown" when the account has no real name. */
  if (real != NULL && real[0] != '\0' && g_strcmp0 (real, "Unknown") != 0)
    return g_strdup (real);
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
                         tandem_pattern_bar_get_pattern_id (self->pattern_bar)) != 0)
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

/* The user's own row: the name and the colour the session knows them by. */
static void
update_participants (TandemWindow *self)
{
  g_autofree char *own_name = NULL;
  g_autofree char *own_detail = NULL;
  const char *role;
  gint64 rtt;

  gtk_widget_set_visible (GTK_WIDGET (self->participants_button), self->client != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.show-participants",
                                 self->client != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.copy-listen-link", self->host != NULL);
  if (self->client == NULL)
    return;

  own_name = display_name (self);
  role = tandem_participants_popover_role_label (tandem_sync_client_get_role (self->client));
  rtt = tandem_sync_client_get_rtt (self->client);
  if (rtt > 0)
    /* Translators: a role and a network round trip, e.g. “Host · 3 ms round trip” */
    own_detail = g_strdup_printf (_("%s · %.1f ms round trip"), role, rtt / 1000.0);
  else
    own_detail = g_strdup (role);
  tandem_participants_popover_set_own (self->participants_popover, own_name,
                                       tandem_sync_client_get_color (self->client), own_detail);
}

/* Following someone */

static const char *
current_page (TandemWindow *self)
{
  return adw_view_stack_get_visible_child_name (self->view_stack);
}

static void
send_view (TandemWindow *self)
{
  if (self->client != NULL)
    tandem_sync_client_set_view (self->client,
                                 tandem_pattern_bar_get_pattern_id (self->pattern_bar),
                                 current_page (self));
}

static TandemParticipant *
find_participant (TandemWindow *self,
                  const char   *client_id)
{
  GListModel *participants;

  if (self->client == NULL || client_id == NULL)
    return NULL;
  participants = tandem_sync_client_get_participants (self->client);
  for (guint i = 0; i < g_list_model_get_n_items (participants); i++)
    {
      g_autoptr(TandemParticipant) p = g_list_model_get_item (participants, i);

      if (g_strcmp0 (tandem_participant_get_client_id (p), client_id) == 0)
        return p;
    }
  return NULL;
}

static void
stop_following (TandemWindow *self)
{
  if (self->following == NULL)
    return;
  g_clear_pointer (&self->following, g_free);
  gtk_revealer_set_reveal_child (self->follow_bar, FALSE);
  tandem_participants_popover_set_following (self->participants_popover, NULL);
}

/* Shows what the followed person looks at: their pattern and page. */
static void
apply_follow (TandemWindow *self)
{
  TandemParticipant *p = find_participant (self, self->following);
  const char *pattern, *page;
  g_autofree char *text = NULL;

  if (p == NULL)
    {
      stop_following (self);
      return;
    }
  pattern = tandem_participant_get_view_pattern (p);
  page = tandem_participant_get_view_page (p);
  self->applying_follow++;
  if (pattern != NULL && tandem_project_find_pattern (self->project, pattern) != NULL)
    tandem_pattern_bar_set_pattern_id (self->pattern_bar, pattern);
  if (page != NULL && adw_view_stack_get_child_by_name (self->view_stack, page) != NULL)
    adw_view_stack_set_visible_child_name (self->view_stack, page);
  self->applying_follow--;
  /* Translators: shown while this window follows someone's view */
  text = g_strdup_printf (_("Following %s"), tandem_participant_get_name (p));
  gtk_label_set_text (self->follow_label, text);
}

static void
on_follow (TandemWindow      *self,
           TandemParticipant *participant)
{
  g_free (self->following);
  self->following = g_strdup (tandem_participant_get_client_id (participant));
  tandem_participants_popover_set_following (self->participants_popover, self->following);
  gtk_revealer_set_reveal_child (self->follow_bar, TRUE);
  gtk_popover_popdown (GTK_POPOVER (self->participants_popover));
  apply_follow (self);
}

/* Any view change of the user's own ends following. */
static void
on_view_changed (TandemWindow *self)
{
  const char *pattern_id = tandem_pattern_bar_get_pattern_id (self->pattern_bar);

  tandem_grid_view_set_pattern_id (self->grid_view, pattern_id);
  tandem_chord_lane_set_pattern_id (self->chord_lane, pattern_id);
  if (self->applying_follow == 0)
    stop_following (self);
  send_view (self);
  if (self->client != NULL)
    update_remote_cursors (self);
  _tandem_window_views_remember (self);
}

/* The pattern someone is on may arrive after their presence says so. */
static void
on_patterns_changed (TandemWindow *self)
{
  if (self->following != NULL)
    apply_follow (self);
}

static void
on_own_edit (TandemWindow *self)
{
  stop_following (self);
}

static void
on_role_requested (TandemWindow      *self,
                   TandemParticipant *participant,
                   const char        *role)
{
  if (self->client != NULL)
    tandem_sync_client_set_role_of (self->client, tandem_participant_get_client_id (participant),
                                    role);
}

/* Roles */

/* What someone else removed, or a change of role: shown at once, ahead of
 * joins and leaves. */
static void show_urgent_toast (TandemWindow *self,
                               const char   *format,
                               ...) G_GNUC_PRINTF (2, 3);

static void
show_urgent_toast (TandemWindow *self,
                   const char   *format,
                   ...)
{
  g_autofree char *message = NULL;
  AdwToast *toast;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  toast = adw_toast_new (message);
  adw_toast_set_priority (toast, ADW_TOAST_PRIORITY_HIGH);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

static void
set_editing_sensitive (TandemWindow *self,
                       gboolean      sensitive)
{
  GtkWidget *editors[] = {
    GTK_WIDGET (self->pattern_bar), GTK_WIDGET (self->grid_view), GTK_WIDGET (self->mixer_page),
    GTK_WIDGET (self->song_page), GTK_WIDGET (self->transport_bar),
    GTK_WIDGET (self->chord_lane), GTK_WIDGET (self->generate_panel),
  };

  for (guint i = 0; i < G_N_ELEMENTS (editors); i++)
    gtk_widget_set_sensitive (editors[i], sensitive);
  /* Applying a kit is an edit too, and so are Play and Stop: what plays is
   * the session's. */
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.drum-kits", sensitive);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.play", sensitive);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.undo",
                                 sensitive && tandem_history_can_undo (self->history));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.redo",
                                 sensitive && tandem_history_can_redo (self->history));
}

gboolean
_tandem_window_is_listening (TandemWindow *self)
{
  return self->client != NULL && g_strcmp0 (tandem_sync_client_get_role (self->client),
                                            "viewer") == 0;
}

static void
on_listening_toast_dismissed (TandemWindow *self)
{
  self->listening_toast = NULL;
}

/* Once however often they press: a key that did nothing gets its answer at
 * once, ahead of joins and leaves. */
void
_tandem_window_tell_listening (TandemWindow *self)
{
  if (self->listening_toast != NULL)
    return;
  self->listening_toast = adw_toast_new (_(LISTENING_MESSAGE));
  adw_toast_set_priority (self->listening_toast, ADW_TOAST_PRIORITY_HIGH);
  g_signal_connect_object (self->listening_toast, "dismissed",
                           G_CALLBACK (on_listening_toast_dismissed), self, G_CONNECT_SWAPPED);
  adw_toast_overlay_add_toast (self->toast_overlay, self->listening_toast);
}

/* A listener sees everything and edits nothing: the controls say so before
 * the server has to. */
static void
on_role_changed (TandemWindow *self)
{
  const char *role = self->client != NULL ? tandem_sync_client_get_role (self->client) : NULL;
  gboolean listening = _tandem_window_is_listening (self);

  /* Told when the owner changes it, not when joining. */
  if (role != NULL && self->shown_role != NULL && g_strcmp0 (role, self->shown_role) != 0)
    show_urgent_toast (self, "%s", listening ? _("The host made you a listener")
                                             : _("The host lets you edit now"));
  g_free (self->shown_role);
  self->shown_role = g_strdup (role);

  set_editing_sensitive (self, !listening);
  gtk_revealer_set_reveal_child (self->listener_banner, listening);
  tandem_participants_popover_set_can_manage (self->participants_popover,
                                              g_strcmp0 (role, "owner") == 0);
  _tandem_window_knock_update (self);
  update_participants (self);
}

/* What others did */

static const char *
person_name (TandemWindow *self,
             const char   *client_id)
{
  TandemParticipant *p = find_participant (self, client_id);
  const char *name = p != NULL ? tandem_participant_get_name (p) : NULL;

  return name != NULL && name[0] != '\0' ? name : _("Someone");
}

static void
collect_ops (TandemOp  *op,
             GPtrArray *out)
{
  if (tandem_op_get_kind (op) == TANDEM_OP_BATCH)
    for (guint i = 0; i < tandem_op_batch_get_n_ops (op); i++)
      collect_ops (tandem_op_batch_get_op (op, i), out);
  else
    g_ptr_array_add (out, op);
}

/* The target a set op writes, as one key: kind, id, cell, property. */
static char *
target_key (TandemOp *op)
{
  if (tandem_op_get_entity (op) == TANDEM_ENTITY_CELL)
    return g_strdup_printf ("%d/%s/%s/%u/%s", tandem_op_get_entity (op), tandem_op_get_id (op),
                            tandem_op_get_track_id (op), tandem_op_get_step (op),
                            tandem_op_get_prop (op));
  return g_strdup_printf ("%d/%s/%s", tandem_op_get_entity (op),
                          tandem_op_get_id (op) != NULL ? tandem_op_get_id (op) : "",
                          tandem_op_get_prop (op));
}

/* "Kick volume", "Kick step 3 velocity", "tempo". */
static char *
describe_target (TandemWindow *self,
                 TandemOp     *op)
{
  const char *id = tandem_op_get_id (op);
  const char *prop = tandem_op_get_prop (op);
  TandemTrack *track;
  TandemPattern *pattern;

  switch (tandem_op_get_entity (op))
    {
    case TANDEM_ENTITY_TRACK:
      track = tandem_project_find_track (self->project, id);
      if (track != NULL)
        return g_strdup_printf ("%s %s", tandem_track_get_name (track), prop);
      break;
    case TANDEM_ENTITY_PATTERN:
      pattern = tandem_project_find_pattern (self->project, id);
      if (pattern != NULL)
        return g_strdup_printf ("%s %s", tandem_pattern_get_name (pattern), prop);
      break;
    case TANDEM_ENTITY_CELL:
      track = tandem_project_find_track (self->project, tandem_op_get_track_id (op));
      if (track != NULL)
        /* Translators: a cell, e.g. “Kick step 3 velocity” */
        return g_strdup_printf (_("%s step %u %s"), tandem_track_get_name (track),
                                tandem_op_get_step (op) + 1, prop);
      break;
    default:
      break;
    }
  return g_strdup (prop);
}

static char *
deleted_name (TandemWindow *self,
              TandemOp     *op)
{
  const char *id = tandem_op_get_id (op);
  TandemTrack *track;
  TandemPattern *pattern;
  TandemClip *clip;

  switch (tandem_op_get_entity (op))
    {
    case TANDEM_ENTITY_TRACK:
      track = tandem_project_find_track (self->project, id);
      return track != NULL ? g_strdup (tandem_track_get_name (track)) : NULL;
    case TANDEM_ENTITY_PATTERN:
      pattern = tandem_project_find_pattern (self->project, id);
      return pattern != NULL ? g_strdup (tandem_pattern_get_name (pattern)) : NULL;
    case TANDEM_ENTITY_CLIP:
      clip = tandem_project_find_clip (self->project, id);
      pattern = clip != NULL ? tandem_project_find_pattern (self->project,
                                                            tandem_clip_get_pattern (clip))
                             : NULL;
      /* Translators: a clip of the song, e.g. “a clip of Pattern 2” */
      return pattern != NULL ? g_strdup_printf (_("a clip of %s"),
                                                tandem_pattern_get_name (pattern))
                             : g_strdup (_("a clip"));
    default:
      return NULL;
    }
}

static const char *
value_string (JsonNode *value)
{
  if (value != NULL && JSON_NODE_HOLDS_VALUE (value) &&
      json_node_get_value_type (value) == G_TYPE_STRING)
    return json_node_get_string (value);
  return NULL;
}

/* Someone else's batch, before it applies: name what it removes or
 * replaces, and remember who last wrote each target (for undo). */
static void
on_remote_batch (TandemWindow     *self,
                 const char       *client_id,
                 TandemOp         *batch,
                 guint64           seq,
                 TandemSyncClient *client)
{
  g_autoptr(GPtrArray) ops = g_ptr_array_new ();
  g_autoptr(GPtrArray) deleted = g_ptr_array_new_with_free_func (g_free);
  const char *who = person_name (self, client_id);

  collect_ops (batch, ops);
  for (guint i = 0; i < ops->len; i++)
    {
      TandemOp *op = ops->pdata[i];
      char *name;

      if (tandem_op_get_kind (op) == TANDEM_OP_DELETE)
        {
          if ((name = deleted_name (self, op)) != NULL)
            g_ptr_array_add (deleted, name);
        }
      else if (tandem_op_get_kind (op) == TANDEM_OP_SET)
        {
          g_autofree char *key = target_key (op);
          TandemTrack *track;

          /* While an edit of ours to it is unconfirmed, this batch was
           * ordered before ours: ours stays the newer one. */
          if (!tandem_sync_client_has_pending_set (client, op))
            g_hash_table_replace (self->last_writers, g_steal_pointer (&key),
                                  g_strdup (client_id));
          /* Before the batch applies: the track still holds the old sample. */
          if (tandem_op_get_entity (op) == TANDEM_ENTITY_TRACK &&
              g_strcmp0 (tandem_op_get_prop (op), "instrument") == 0 &&
              (track = tandem_project_find_track (self->project, tandem_op_get_id (op))) != NULL &&
              tandem_instrument_get_sample (tandem_track_get_instrument (track)) != NULL &&
              g_strcmp0 (value_string (tandem_op_get_value (op)),
                         tandem_track_get_instrument (track)) != 0)
            /* Translators: a toast, e.g. “Ada replaced the sample of Kick” */
            show_urgent_toast (self, _("%s replaced the sample of %s"), who,
                               tandem_track_get_name (track));
        }
    }
  /* One note per edit, however much it removed. */
  if (deleted->len == 1)
    /* Translators: a toast, e.g. “Ada deleted Pattern 2” */
    show_urgent_toast (self, _("%s deleted %s"), who, (char *) deleted->pdata[0]);
  else if (deleted->len > 1)
    /* Translators: a toast, e.g. “Ada deleted Kick and 3 more” */
    show_urgent_toast (self, g_dngettext (GETTEXT_PACKAGE, "%s deleted %s and %u more",
                                          "%s deleted %s and %u more", deleted->len - 1),
                       who, (char *) deleted->pdata[0], deleted->len - 1);
}

/* Our own edits (and undos) make us the last writer of what they set. */
static void
on_history_applied_for_writers (TandemWindow *self,
                                TandemOp     *op)
{
  g_autoptr(GPtrArray) ops = g_ptr_array_new ();

  collect_ops (op, ops);
  for (guint i = 0; i < ops->len; i++)
    if (tandem_op_get_kind (ops->pdata[i]) == TANDEM_OP_SET)
      g_hash_table_replace (self->last_writers, target_key (ops->pdata[i]), g_strdup (""));
}

/* An undo that would overwrite someone's newer edit keeps theirs. */
static gboolean
undo_guard (TandemOp  *inverse,
            gpointer   user_data,
            GError   **error)
{
  TandemWindow *self = user_data;
  g_autoptr(GPtrArray) ops = g_ptr_array_new ();

  collect_ops (inverse, ops);
  for (guint i = 0; i < ops->len; i++)
    {
      TandemOp *op = ops->pdata[i];
      g_autofree char *key = NULL;
      const char *writer;

      if (tandem_op_get_kind (op) != TANDEM_OP_SET)
        continue;
      key = target_key (op);
      writer = g_hash_table_lookup (self->last_writers, key);
      if (writer != NULL && writer[0] != '\0')
        {
          g_autofree char *what = describe_target (self, op);

          /* Translators: an undo skipped, e.g. “Kept Ada’s newer change to Kick volume” */
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_EXISTS, _("Kept %s’s newer change to %s"),
                       person_name (self, writer), what);
          return FALSE;
        }
    }
  return TRUE;
}

static void
on_own_name_changed (TandemWindow *self)
{
  g_autofree char *name = display_name (self);

  if (self->client != NULL)
    tandem_sync_client_set_display_name (self->client, name);
  if (self->host != NULL)
    tandem_session_host_set_lan_names (self->host, NULL, name);
  update_participants (self);
}

static void
on_own_color_changed (TandemWindow *self)
{
  g_autofree char *color = g_settings_get_string (self->settings, "display-color");

  if (self->client != NULL)
    tandem_sync_client_set_color (self->client, color);
  update_participants (self);
}

static void
on_participant_updated (TandemWindow      *self,
                        TandemParticipant *participant)
{
  update_remote_cursors (self);
  if (participant != NULL && self->following != NULL &&
      g_strcmp0 (tandem_participant_get_client_id (participant), self->following) == 0)
    apply_follow (self);
}

/* Tells the others which cell has the keyboard focus here. */
static void
on_focus_widget_changed (TandemWindow *self)
{
  GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (self));

  if (self->client == NULL || focus == NULL || !TANDEM_IS_GRID_CELL (focus))
    return;

  tandem_sync_client_set_cursor (self->client,
                                 tandem_pattern_bar_get_pattern_id (self->pattern_bar),
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
  on_participant_updated (self, NULL);
}

static void
on_participant_left (TandemWindow      *self,
                     TandemParticipant *participant)
{
  /* Translators: a toast, %s is a person's name */
  show_toast_printf (self, _("%s left"), tandem_participant_get_name (participant));
  _tandem_window_update_status (self);
  if (g_strcmp0 (tandem_participant_get_client_id (participant), self->following) == 0)
    stop_following (self);
  on_participant_updated (self, NULL);
}

static void
on_rejected (TandemWindow *self,
             TandemOp     *op,
             const char   *code,
             const char   *message)
{
  show_toast_printf (self, _("Your edit was refused: %s"), message);
}

/* Said once per stretch of refusals (the client resends on its own), not
 * once per edit. */
#define STORAGE_TOAST_INTERVAL_US (30 * G_USEC_PER_SEC)

static void
on_storage_refused (TandemWindow *self,
                    const char   *message)
{
  gint64 now = g_get_monotonic_time ();

  if (self->storage_toast_us != 0 && now - self->storage_toast_us < STORAGE_TOAST_INTERVAL_US)
    return;
  self->storage_toast_us = now;
  show_toast_printf (self, _("The session cannot store edits right now (%s). "
                             "Yours are kept and sent again."), message);
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
    "unsupported-version", "unauthorized", "no-such-session", "session-full", "replaced",
    "certificate-mismatch", "certificate-expired", "certificate-untrusted", "tls-required",
    "tls-unavailable", NULL
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
  else if (g_strcmp0 (code, "certificate-mismatch") == 0)
    message = _("The host’s certificate does not match the invite link — someone may be intercepting the connection");
  else if (g_strcmp0 (code, "certificate-expired") == 0)
    message = _("The host’s certificate has expired");
  else if (g_strcmp0 (code, "certificate-untrusted") == 0)
    message = _("The host’s certificate is not trusted and the link does not pin it — ask for the full invite link");
  else if (g_strcmp0 (code, "tls-required") == 0)
    message = _("The host only accepts encrypted connections — ask for a new invite link");
  else if (g_strcmp0 (code, "tls-unavailable") == 0)
    message = _("The host does not offer an encrypted connection");

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
      /* The session's project is here: back to where this person was in it. */
      if (!self->views_ready)
        _tandem_window_views_restore (self);
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
           JsonNode     *state,
           GError      **error)
{
  g_autoptr(TandemInvite) invite = tandem_invite_parse (link, error);
  g_autofree char *name = NULL;
  g_autofree char *color = NULL;

  if (invite == NULL)
    return FALSE;

  name = display_name (self);
  color = g_settings_get_string (self->settings, "display-color");

  _tandem_window_views_hold (self);
  self->client = tandem_sync_client_new (self->project, self->history);
  if (state != NULL && !tandem_sync_client_restore_state (self->client, state, error))
    {
      g_clear_object (&self->client);
      return FALSE;
    }
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
  g_signal_connect_object (self->client, "storage-refused", G_CALLBACK (on_storage_refused), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->client, "rejected", G_CALLBACK (on_rejected), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->client, "op-dropped", G_CALLBACK (on_op_dropped), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->client, "error", G_CALLBACK (on_sync_error), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->project, "reset", G_CALLBACK (on_project_reset), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->client, "notify::role", G_CALLBACK (on_role_changed), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->client, "notify::color", G_CALLBACK (update_participants), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->client, "remote-batch", G_CALLBACK (on_remote_batch), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->history, "applied", G_CALLBACK (on_own_edit), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (tandem_project_get_patterns (self->project), "items-changed",
                           G_CALLBACK (on_patterns_changed), self,
                           G_CONNECT_SWAPPED | G_CONNECT_AFTER);
  g_signal_connect_object (self->history, "applied", G_CALLBACK (on_history_applied_for_writers),
                           self, G_CONNECT_SWAPPED);
  tandem_history_set_undo_guard (self->history, undo_guard, self);

  /* Together, each window edits its own pattern; what plays is shared. */
  tandem_pattern_bar_set_links_playing (self->pattern_bar, FALSE);
  tandem_participants_popover_set_model (self->participants_popover,
                                         tandem_sync_client_get_participants (self->client));
  tandem_participants_popover_set_project (self->participants_popover, self->project);
  send_view (self);

  if (!tandem_sync_client_connect (self->client, link, error))
    {
      _tandem_window_leave_session (self);
      return FALSE;
    }

  _tandem_window_resume_joined (self);
  _tandem_window_rejoin_joined (self);
  _tandem_window_update_status (self);
  _tandem_window_actions_update (self);
  return TRUE;
}

gboolean
_tandem_window_join_link (TandemWindow *self,
                          const char   *link,
                          JsonNode     *state,
                          GError      **error)
{
  _tandem_window_leave_session (self);
  if (!join_link (self, link, state, error))
    return FALSE;
  g_free (self->invite_link);
  self->invite_link = g_strdup (link);
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

  return _tandem_window_join_link (self, link, NULL, error);
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
  return tandem_window_host_session_at (self, port, NULL, error);
}

/**
 * tandem_window_host_session_at:
 * @public_host: (nullable): the address invite links name; NULL: the
 *   machine's default one
 *
 * Like tandem_window_host_session().
 */
gboolean
tandem_window_host_session_at (TandemWindow *self,
                               guint16       port,
                               const char   *public_host,
                               GError      **error)
{
  g_autoptr(TandemSessionHost) host = tandem_session_host_new ();
  g_autoptr(TandemHostedSession) entry = NULL;
  g_autoptr(JsonNode) project = NULL;

  g_return_val_if_fail (TANDEM_IS_WINDOW (self), FALSE);

  if (!_tandem_window_resume_check_port (self, port, error))
    return FALSE;
  _tandem_window_leave_session (self);

  /* A journal folder of its own: hosting anew never serves, nor lets guests
   * back into, a session hosted before (tandem-hosted-sessions.h). */
  entry = tandem_hosted_session_new ();
  project = tandem_project_to_json (self->project);
  {
    g_autofree char *name = display_name (self);

    /* Before start: the service's own name on the network comes from these. */
    tandem_session_host_set_lan_names (host, tandem_project_get_name (self->project), name);
  }
  tandem_session_host_set_public_host (host, public_host);
  if (!tandem_session_host_start (host, port, entry->journal_dir, project, error))
    {
      tandem_hosted_session_delete (entry, NULL);
      return FALSE;
    }

  self->host = g_steal_pointer (&host);
  if (!_tandem_window_join_own_host (self, error))
    {
      _tandem_window_leave_session (self);
      tandem_hosted_session_delete (entry, NULL);
      return FALSE;
    }
  _tandem_window_resume_host_started (self, g_steal_pointer (&entry));
  return TRUE;
}

gboolean
_tandem_window_join_own_host (TandemWindow  *self,
                              GError       **error)
{
  g_autoptr(TandemInvite) local = NULL;
  g_autofree char *owner_link = NULL;
  g_autofree char *local_link = NULL;

  g_assert (self->host != NULL);

  {
    g_autofree char *name = display_name (self);

    /* Announced on the local network under these (tandem-lan-announce.h). */
    tandem_session_host_set_lan_names (self->host, tandem_project_get_name (self->project), name);
  }

  /* The window joins its own session over loopback, like everyone else. */
  owner_link = tandem_session_host_dup_invite (self->host, TANDEM_ROLE_OWNER);
  local = tandem_invite_parse (owner_link, error);
  if (local == NULL)
    return FALSE;
  g_free (local->host);
  local->host = g_strdup ("127.0.0.1");
  local_link = tandem_invite_to_link (local);

  if (!join_link (self, local_link, NULL, error))
    return FALSE;

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
  _tandem_window_resume_left (self);
  _tandem_window_rejoin_left (self);
  if (self->client != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->client, self);
      tandem_sync_client_disconnect (self->client);
      g_clear_object (&self->client);
      _tandem_window_music_set_client (self);
      _tandem_window_history_set_client (self);
    }
  if (self->history != NULL)
    {
      g_signal_handlers_disconnect_by_func (self->history, on_own_edit, self);
      g_signal_handlers_disconnect_by_func (self->history, on_history_applied_for_writers, self);
      tandem_history_set_undo_guard (self->history, NULL, NULL);
    }
  if (self->last_writers != NULL)
    g_hash_table_remove_all (self->last_writers);
  if (self->participants_popover != NULL)
    {
      stop_following (self);
      tandem_participants_popover_set_model (self->participants_popover, NULL);
      tandem_participants_popover_set_project (self->participants_popover, NULL);
    }
  if (self->pattern_bar != NULL)
    tandem_pattern_bar_set_links_playing (self->pattern_bar, TRUE);
  if (self->project != NULL)
    {
      g_signal_handlers_disconnect_by_func (self->project, on_project_reset, self);
      g_signal_handlers_disconnect_by_func (tandem_project_get_patterns (self->project),
                                            on_patterns_changed, self);
    }
  if (self->host != NULL)
    {
      _tandem_window_reach_stop (self);
      tandem_session_host_stop (self->host);
      g_clear_object (&self->host);
    }
  g_clear_pointer (&self->remote_session, tandem_remote_session_free);
  g_clear_pointer (&self->invite_link, g_free);
  g_clear_pointer (&self->session_address, g_free);
  /* What it shows from now on is this window's own project's view. */
  self->views_ready = TRUE;

  if (self->grid_view != NULL)
    update_remote_cursors (self);
  if (self->participants_popover != NULL)
    {
      update_participants (self);
      on_role_changed (self);
    }
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
  if (invite != NULL)
    {
      const char *kind, *detail;

      tandem_link_kind_describe (invite->host, FALSE, &kind, &detail);
      tandem_invite_dialog_set_reach (dialog, kind, detail, FALSE);
    }
  gtk_window_present (GTK_WINDOW (dialog));
}

void
_tandem_window_fill_local_invite (TandemWindow       *self,
                                  TandemInviteDialog *dialog)
{
  g_autofree char *ws_url = tandem_session_host_dup_ws_url (self->host, TANDEM_ROLE_EDITOR);
  g_autofree char *viewer = tandem_session_host_dup_invite (self->host, TANDEM_ROLE_VIEWER);
  g_autoptr(TandemInvite) invite = tandem_invite_parse (self->invite_link, NULL);
  g_autofree char *endpoint = invite != NULL ? tandem_invite_get_endpoint (invite) : NULL;

  tandem_invite_dialog_set_editor_link (dialog, self->invite_link);
  tandem_invite_dialog_set_listener_link (dialog, viewer);
  tandem_invite_dialog_set_ws_url (dialog, ws_url);
  tandem_invite_dialog_set_endpoint (dialog, endpoint, FALSE);
}

static void
show_local_invite_dialog (TandemWindow *self)
{
  TandemInviteDialog *dialog = tandem_invite_dialog_new (GTK_WINDOW (self));

  _tandem_window_fill_local_invite (self, dialog);
  _tandem_window_reach_show (self, dialog);
  gtk_window_present (GTK_WINDOW (dialog));
}

void
_tandem_window_show_invite_dialog (TandemWindow *self)
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
    _tandem_window_show_invite_dialog (job->window);
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
  if (!join_link (self, session->links[TANDEM_ROLE_OWNER], NULL, &error))
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
  g_autofree char *address = g_strdup (tandem_host_dialog_get_address (dialog));
  gboolean open_port = tandem_host_dialog_get_open_port (dialog);

  if (name[0] != '\0')
    g_settings_set_string (self->settings, "display-name", name);
  g_settings_set_string (self->settings, "host-where", tandem_host_dialog_get_where (dialog));
  g_settings_set_boolean (self->settings, "host-open-port", open_port);
  if (g_strcmp0 (tandem_host_dialog_get_where (dialog), "server") == 0)
    {
      host_on_server (self, dialog);
      return;
    }
  gtk_window_destroy (GTK_WINDOW (dialog));

  if (!tandem_window_host_session_at (self, port, address, &error))
    {
      show_toast_printf (self, _("Could not host a session: %s"), error->message);
      return;
    }

  if (open_port)
    _tandem_window_reach_start (self, address, tandem_session_host_get_port (self->host));
  _tandem_window_show_invite_dialog (self);
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
  tandem_host_dialog_set_open_port (dialog, g_settings_get_boolean (self->settings,
                                                                    "host-open-port"));
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
  GtkEditable *name_row = g_object_get_data (G_OBJECT (dialog), "name-row");
  const char *name = name_row != NULL ? gtk_editable_get_text (name_row) : "";

  /* The name others will see, as Host asks for it too. */
  if (name[0] != '\0')
    g_settings_set_string (self->settings, "display-name", name);

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
  GtkBox *slot = tandem_join_dialog_get_name_slot (dialog);
  GtkWidget *list = gtk_list_box_new ();
  GtkWidget *name_row = adw_entry_row_new ();
  g_autofree char *name = display_name (self);

  gtk_widget_add_css_class (list, "boxed-list");
  gtk_list_box_set_selection_mode (GTK_LIST_BOX (list), GTK_SELECTION_NONE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (name_row), _("Your Name"));
  gtk_editable_set_text (GTK_EDITABLE (name_row), name);
  gtk_list_box_append (GTK_LIST_BOX (list), name_row);
  gtk_box_append (slot, list);
  gtk_widget_set_visible (GTK_WIDGET (slot), TRUE);
  g_object_set_data (G_OBJECT (dialog), "name-row", name_row);
  /* A nearby session's host is asked about this name. */
  g_object_bind_property (name_row, "text", dialog, "display-name", G_BINDING_SYNC_CREATE);

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

/* A bar under the toolbar: a message, and a button when @button_label is set. */
static GtkRevealer *
add_bar (TandemWindow *self,
         const char   *css_class,
         GtkLabel    **label_out,
         const char   *button_label,
         const char   *action)
{
  GtkWidget *toolbar = gtk_widget_get_parent (GTK_WIDGET (self->transport_bar));
  GtkWidget *revealer = gtk_revealer_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *label = gtk_label_new (NULL);

  gtk_widget_add_css_class (box, "session-bar");
  gtk_widget_add_css_class (box, css_class);
  gtk_widget_set_hexpand (label, TRUE);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_box_append (GTK_BOX (box), label);
  if (button_label != NULL)
    {
      GtkWidget *button = gtk_button_new_with_mnemonic (button_label);

      gtk_actionable_set_action_name (GTK_ACTIONABLE (button), action);
      gtk_box_append (GTK_BOX (box), button);
    }
  gtk_revealer_set_child (GTK_REVEALER (revealer), box);
  gtk_box_insert_child_after (GTK_BOX (gtk_widget_get_parent (toolbar)), revealer, toolbar);
  *label_out = GTK_LABEL (label);
  return GTK_REVEALER (revealer);
}

GtkRevealer *
_tandem_window_add_bar (TandemWindow *self,
                        const char   *css_class,
                        GtkLabel    **label_out,
                        const char   *button_label,
                        const char   *action)
{
  return add_bar (self, css_class, label_out, button_label, action);
}

static void
stop_following_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *param)
{
  stop_following (TANDEM_WINDOW (widget));
}

static void
copy_listen_link_action (GtkWidget  *widget,
                         const char *action_name,
                         GVariant   *param)
{
  TandemWindow *self = TANDEM_WINDOW (widget);
  g_autofree char *link = NULL;

  if (self->host == NULL)
    return;
  link = tandem_session_host_dup_invite (self->host, TANDEM_ROLE_VIEWER);
  gdk_clipboard_set_text (gtk_widget_get_clipboard (widget), link);
  tandem_window_show_toast (self, _("Listen-only link copied"));
}

/* Who is here, and where: the list a click on the header's people button opens. */
static void
show_participants_action (GtkWidget  *widget,
                          const char *action_name,
                          GVariant   *param)
{
  TandemWindow *self = TANDEM_WINDOW (widget);

  if (self->client != NULL)
    gtk_menu_button_popup (self->participants_button);
}

void
_tandem_window_session_init (TandemWindow *self)
{
  GtkLabel *banner_label;

  self->last_writers = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.show-participants", FALSE);
  /* AdwBanner arrived in libadwaita 1.3; this bar looks and reads the same. */
  self->listener_banner = add_bar (self, "listener-banner", &banner_label, NULL, NULL);
  gtk_label_set_text (banner_label, _(LISTENING_MESSAGE));
  self->follow_bar = add_bar (self, "follow-bar", &self->follow_label, _("_Stop Following"),
                              "win.stop-following");

  g_signal_connect_object (self, "notify::focus-widget", G_CALLBACK (on_focus_widget_changed),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->participants_button, "notify::active",
                           G_CALLBACK (update_participants), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->pattern_bar, "notify::pattern-id",
                           G_CALLBACK (on_view_changed), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->view_stack, "notify::visible-child-name",
                           G_CALLBACK (on_view_changed), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->participants_popover, "follow", G_CALLBACK (on_follow), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->participants_popover, "set-role",
                           G_CALLBACK (on_role_requested), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->settings, "changed::display-name",
                           G_CALLBACK (on_own_name_changed), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->settings, "changed::display-color",
                           G_CALLBACK (on_own_color_changed), self, G_CONNECT_SWAPPED);
  on_view_changed (self);
  _tandem_window_resume_init (self);
  _tandem_window_rejoin_init (self);
}

void
_tandem_window_session_dispose (TandemWindow *self)
{
  g_clear_object (&self->knock_prompt);
  g_clear_pointer (&self->following, g_free);
  g_clear_pointer (&self->shown_role, g_free);
  g_clear_pointer (&self->last_writers, g_hash_table_unref);
  _tandem_window_views_flush ();
  _tandem_window_resume_dispose (self);
  _tandem_window_rejoin_dispose (self);
}

void
_tandem_window_class_session_init (GtkWidgetClass *widget_class)
{
  g_type_ensure (TANDEM_TYPE_PARTICIPANTS_POPOVER);

  gtk_widget_class_install_action (widget_class, "win.host", NULL, host_action);
  gtk_widget_class_install_action (widget_class, "win.join", NULL, join_action);
  gtk_widget_class_install_action (widget_class, "win.copy-invite", NULL, copy_invite_action);
  gtk_widget_class_install_action (widget_class, "win.copy-listen-link", NULL,
                                   copy_listen_link_action);
  gtk_widget_class_install_action (widget_class, "win.stop-following", NULL,
                                   stop_following_action);
  gtk_widget_class_install_action (widget_class, "win.leave", NULL, leave_action);
  gtk_widget_class_install_action (widget_class, "win.show-participants", NULL,
                                   show_participants_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_p, GDK_CONTROL_MASK | GDK_SHIFT_MASK,
                                       "win.show-participants", NULL);
  _tandem_window_class_rejoin_init (widget_class);
}
