/* tandem-sync-client.c — the sync client object: properties, signals, getters
 *
 * The client is split by concern; tandem-sync-client-private.h lists the files.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-sync"

#include "config.h"

#include <errno.h>
#include <string.h>
#include <sys/random.h>

#include "tandem-sync-client-history.h"
#include "tandem-sync-client-private.h"

G_DEFINE_FINAL_TYPE (TandemSyncClient, tandem_sync_client, G_TYPE_OBJECT)

GParamSpec *_tandem_sync_client_properties[N_PROPS];
guint _tandem_sync_client_signals[N_SIGNALS];

GType
tandem_sync_state_get_type (void)
{
  static gsize type = 0;
  static const GEnumValue values[] = {
    { TANDEM_SYNC_STATE_OFFLINE, "TANDEM_SYNC_STATE_OFFLINE", "offline" },
    { TANDEM_SYNC_STATE_CONNECTING, "TANDEM_SYNC_STATE_CONNECTING", "connecting" },
    { TANDEM_SYNC_STATE_LIVE, "TANDEM_SYNC_STATE_LIVE", "live" },
    { TANDEM_SYNC_STATE_RECONNECTING, "TANDEM_SYNC_STATE_RECONNECTING", "reconnecting" },
    { 0, NULL, NULL }
  };

  if (g_once_init_enter (&type))
    g_once_init_leave (&type, g_enum_register_static ("TandemSyncState", values));
  return type;
}

const char *
tandem_sync_state_to_string (TandemSyncState state)
{
  static const char * const names[] = { "offline", "connecting", "live", "reconnecting" };

  return state <= TANDEM_SYNC_STATE_RECONNECTING ? names[state] : "unknown";
}

/* Helpers the other files share */

void
_tandem_sync_client_clear_source (GSource **source)
{
  if (*source)
    {
      g_source_destroy (*source);
      g_clear_pointer (source, g_source_unref);
    }
}

GSource *
_tandem_sync_client_add_timeout (TandemSyncClient *self,
                                 guint             ms,
                                 GSourceFunc       func)
{
  GSource *source = g_timeout_source_new (ms);

  g_source_set_callback (source, func, self, NULL);
  g_source_attach (source, self->context);
  return source;
}

void
_tandem_sync_client_set_state (TandemSyncClient *self,
                               TandemSyncState   state)
{
  if (self->state == state)
    return;
  g_debug ("Client %s: %s → %s", self->client_id, tandem_sync_state_to_string (self->state),
           tandem_sync_state_to_string (state));
  self->state = state;
  g_object_notify_by_pspec (G_OBJECT (self), _tandem_sync_client_properties[PROP_STATE]);
}

void
_tandem_sync_client_notify_pending (TandemSyncClient *self)
{
  g_object_notify_by_pspec (G_OBJECT (self), _tandem_sync_client_properties[PROP_N_PENDING]);
}

void
_tandem_sync_client_send_text (TandemSyncClient *self,
                               const char       *text)
{
  if (self->conn && soup_websocket_connection_get_state (self->conn) == SOUP_WEBSOCKET_STATE_OPEN)
    {
      /* Every message counts against the server's message budget; submits
       * wait for tokens, the others take them (tandem-sync-client-pending.c). */
      tandem_rate_limit_charge (&self->msg_bucket, 1, g_get_monotonic_time ());
      soup_websocket_connection_send_text (self->conn, text);
    }
}

/* GObject */

static void
tandem_sync_client_dispose (GObject *object)
{
  TandemSyncClient *self = TANDEM_SYNC_CLIENT (object);

  if (self->state != TANDEM_SYNC_STATE_OFFLINE)
    tandem_sync_client_disconnect (self);
  g_cancellable_cancel (self->cancellable);
  _tandem_sync_client_history_dispose (self);
  _tandem_sync_client_clear_source (&self->heartbeat_source);
  _tandem_sync_client_clear_source (&self->reconnect_source);
  _tandem_sync_client_clear_source (&self->flush_source);
  _tandem_sync_client_clear_source (&self->presence_source);
  _tandem_sync_client_clear_source (&self->clock_source);
  _tandem_sync_client_clear_source (&self->ack_source);
  _tandem_sync_client_clear_source (&self->connect_timeout_source);
  if (self->history && self->applied_id)
    g_clear_signal_handler (&self->applied_id, self->history);
  g_clear_object (&self->history);
  g_clear_object (&self->project);
  g_clear_object (&self->connect_msg);
  g_clear_object (&self->soup);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->participants);
  G_OBJECT_CLASS (tandem_sync_client_parent_class)->dispose (object);
}

static void
tandem_sync_client_finalize (GObject *object)
{
  TandemSyncClient *self = TANDEM_SYNC_CLIENT (object);

  g_queue_clear_full (&self->pending, (GDestroyNotify) _tandem_sync_client_pending_free);
  g_clear_pointer (&self->invite, tandem_invite_free);
  g_clear_pointer (&self->cursor, json_node_unref);
  g_clear_pointer (&self->view, json_node_unref);
  g_clear_pointer (&self->assigned_color, g_free);
  g_clear_pointer (&self->clock, tandem_clock_free);
  g_main_context_unref (self->context);
  g_free (self->client_id);
  if (self->client_secret)
    explicit_bzero (self->client_secret, strlen (self->client_secret));
  g_free (self->client_secret);
  g_free (self->display_name);
  g_free (self->color);
  g_free (self->role);
  g_free (self->last_sent_key);
  G_OBJECT_CLASS (tandem_sync_client_parent_class)->finalize (object);
}

static void
tandem_sync_client_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  TandemSyncClient *self = TANDEM_SYNC_CLIENT (object);

  switch (prop_id)
    {
    case PROP_PROJECT: g_value_set_object (value, self->project); break;
    case PROP_HISTORY: g_value_set_object (value, self->history); break;
    case PROP_STATE: g_value_set_enum (value, self->state); break;
    case PROP_CLIENT_ID: g_value_set_string (value, self->client_id); break;
    case PROP_DISPLAY_NAME: g_value_set_string (value, self->display_name); break;
    case PROP_COLOR: g_value_set_string (value, tandem_sync_client_get_color (self)); break;
    case PROP_ROLE: g_value_set_string (value, self->role); break;
    case PROP_N_PENDING: g_value_set_uint (value, self->pending.length); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tandem_sync_client_set_property (GObject      *object,
                                 guint         prop_id,
                                 const GValue *value,
                                 GParamSpec   *pspec)
{
  TandemSyncClient *self = TANDEM_SYNC_CLIENT (object);

  switch (prop_id)
    {
    case PROP_PROJECT:
      self->project = g_value_dup_object (value);
      break;
    case PROP_HISTORY:
      self->history = g_value_dup_object (value);
      break;
    case PROP_DISPLAY_NAME:
      tandem_sync_client_set_display_name (self, g_value_get_string (value));
      break;
    case PROP_COLOR:
      tandem_sync_client_set_color (self, g_value_get_string (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
on_history_applied (TandemHistory    *history,
                    TandemOp         *op,
                    TandemOp         *inverse,
                    TandemSyncClient *self)
{
  _tandem_sync_client_queue_local (self, op, inverse);
}

static void
tandem_sync_client_constructed (GObject *object)
{
  TandemSyncClient *self = TANDEM_SYNC_CLIENT (object);

  G_OBJECT_CLASS (tandem_sync_client_parent_class)->constructed (object);
  g_assert (self->project != NULL);
  if (self->history)
    self->applied_id = g_signal_connect (self->history, "applied",
                                         G_CALLBACK (on_history_applied), self);
}

static void
tandem_sync_client_class_init (TandemSyncClientClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags rw = G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;
  GParamFlags ro = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;
  GParamSpec **properties = _tandem_sync_client_properties;
  guint *signals = _tandem_sync_client_signals;

  object_class->dispose = tandem_sync_client_dispose;
  _tandem_sync_client_history_class_init (object_class);
  object_class->finalize = tandem_sync_client_finalize;
  object_class->get_property = tandem_sync_client_get_property;
  object_class->set_property = tandem_sync_client_set_property;
  object_class->constructed = tandem_sync_client_constructed;

  properties[PROP_PROJECT] =
    g_param_spec_object ("project", NULL, NULL, TANDEM_TYPE_PROJECT,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_HISTORY] =
    g_param_spec_object ("history", NULL, NULL, TANDEM_TYPE_HISTORY,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_STATE] =
    g_param_spec_enum ("state", NULL, NULL, TANDEM_TYPE_SYNC_STATE, TANDEM_SYNC_STATE_OFFLINE, ro);
  properties[PROP_CLIENT_ID] = g_param_spec_string ("client-id", NULL, NULL, NULL, ro);
  properties[PROP_DISPLAY_NAME] = g_param_spec_string ("display-name", NULL, NULL, NULL, rw);
  properties[PROP_COLOR] = g_param_spec_string ("color", NULL, NULL, NULL, rw);
  properties[PROP_ROLE] = g_param_spec_string ("role", NULL, NULL, NULL, ro);
  properties[PROP_N_PENDING] = g_param_spec_uint ("n-pending", NULL, NULL, 0, G_MAXUINT, 0, ro);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[REJECTED] =
    g_signal_new ("rejected", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 3, TANDEM_TYPE_OP, G_TYPE_STRING, G_TYPE_STRING);
  /**
   * TandemSyncClient::storage-refused:
   * @message: why, in the server's words
   *
   * The server could not store an edit (its disk is full or read-only, or
   * a cluster's Redis is away). Nothing is rolled back: the edit and the
   * ones after it are sent again, later, until the server takes them.
   */
  signals[STORAGE_REFUSED] =
    g_signal_new ("storage-refused", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
  signals[OP_DROPPED] =
    g_signal_new ("op-dropped", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, TANDEM_TYPE_OP, G_TYPE_STRING);
  signals[ERROR] =
    g_signal_new ("error", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_STRING);
  signals[PARTICIPANT_JOINED] =
    g_signal_new ("participant-joined", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1, TANDEM_TYPE_PARTICIPANT);
  signals[PARTICIPANT_LEFT] =
    g_signal_new ("participant-left", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1, TANDEM_TYPE_PARTICIPANT);
  signals[PARTICIPANT_UPDATED] =
    g_signal_new ("participant-updated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1, TANDEM_TYPE_PARTICIPANT);
  signals[BATCH_RECEIVED] =
    g_signal_new ("batch-received", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 3, G_TYPE_UINT64, G_TYPE_STRING, G_TYPE_UINT64);
  signals[SAMPLE_AVAILABLE] =
    g_signal_new ("sample-available", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
  signals[REMOTE_BATCH] =
    g_signal_new ("remote-batch", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 3, G_TYPE_STRING, TANDEM_TYPE_OP, G_TYPE_UINT64);
  /* Someone without a token asks to come in (owners only): knock id, name.
   * Answer with tandem_sync_client_answer_knock(). */
  signals[KNOCK_RECEIVED] =
    g_signal_new ("knock-received", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_STRING);
  /* A knock no longer waits (answered, possibly from another of the
   * owner's connections; given up; or timed out): knock id. */
  signals[KNOCK_ENDED] =
    g_signal_new ("knock-ended", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
}

/* 256 random bits from the system's CSPRNG, in base64: made with the
 * client id and kept with it, so that every reconnect proves the same id. */
static char *
new_client_secret (void)
{
  guint8 bytes[32];
  gsize done = 0;
  char *text;

  while (done < sizeof bytes)
    {
      ssize_t n = getrandom (bytes + done, sizeof bytes - done, 0);

      if (n < 0 && errno != EINTR)
        g_error ("getrandom failed: %s", g_strerror (errno));
      if (n > 0)
        done += n;
    }
  text = g_base64_encode (bytes, sizeof bytes);
  explicit_bzero (bytes, sizeof bytes);
  return text;
}

static void
tandem_sync_client_init (TandemSyncClient *self)
{
  g_autofree char *random = g_strdup_printf ("%08x%08x%08x%08x", g_random_int (), g_random_int (),
                                             g_random_int (), g_random_int ());

  self->context = g_main_context_ref_thread_default ();
  self->soup = soup_session_new ();
  self->client_id = g_steal_pointer (&random);
  self->client_secret = new_client_secret ();
  self->participants = g_list_store_new (TANDEM_TYPE_PARTICIPANT);
  self->clock = tandem_clock_new ();
  g_queue_init (&self->pending);
  self->heartbeat_ms = 2000;
  self->heartbeat_timeout_ms = 6000;
  self->backoff_min_ms = 250;
  self->backoff_max_ms = 10000;
  self->coalesce_ms = 33;
  self->ack_every = 64;
  self->ack_after_ms = 1000;
  self->connect_timeout_ms = 4000;
  self->pace_factor = 1;
}

TandemSyncClient *
tandem_sync_client_new (TandemProject *project,
                        TandemHistory *history)
{
  g_return_val_if_fail (TANDEM_IS_PROJECT (project), NULL);
  return g_object_new (TANDEM_TYPE_SYNC_CLIENT, "project", project, "history", history, NULL);
}

/**
 * tandem_sync_client_dup_invite:
 *
 * Returns: (transfer full) (nullable): the session this client joins (with
 *   its token), or NULL before the first connect
 */
TandemInvite *
tandem_sync_client_dup_invite (TandemSyncClient *self)
{
  g_return_val_if_fail (TANDEM_IS_SYNC_CLIENT (self), NULL);
  return self->invite ? tandem_invite_copy (self->invite) : NULL;
}

TandemSyncState
tandem_sync_client_get_state (TandemSyncClient *self)
{
  return self->state;
}

const char *
tandem_sync_client_get_client_id (TandemSyncClient *self)
{
  return self->client_id;
}

const char *
tandem_sync_client_get_role (TandemSyncClient *self)
{
  return self->role;
}

TandemProject *
tandem_sync_client_get_project (TandemSyncClient *self)
{
  return self->project;
}

guint64
tandem_sync_client_get_seq (TandemSyncClient *self)
{
  return self->seq;
}

guint
tandem_sync_client_get_n_pending (TandemSyncClient *self)
{
  return self->pending.length;
}

GListModel *
tandem_sync_client_get_participants (TandemSyncClient *self)
{
  return G_LIST_MODEL (self->participants);
}
