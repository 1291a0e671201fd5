/* tandem-engine.c — plays a project: plan publication, transport, device
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Plan hand-over: the main thread compiles a plan, swaps it into `pending`
 * and keeps it in `published` (oldest first). The callback takes `pending`,
 * switches the renderer to it and stores it in `acked`. Every published plan
 * older than `acked` can no longer be in use and is freed on the main thread.
 * A plan replaced in `pending` before the callback saw it comes back from the
 * swap and is freed at once. Without a running stream the main thread plays
 * the callback's part itself.
 */
#define G_LOG_DOMAIN "tandem-audio"

#include "config.h"

#include <math.h>
#include <stdatomic.h>
#include <time.h>

#include "tandem-engine-private.h"
#include "tandem-meter.h"
#include "tandem-pa-output.h"
#include "tandem-plan-compile.h"
#include "tandem-renderer.h"
#include "tandem-spsc-ring.h"
#include "tandem-transport-clock.h"

#define WATCHDOG_MS      500
#define REOPEN_EVERY     4        /* watchdog ticks between reopen attempts */
#define STALE_ANCHOR_US  (60 * G_USEC_PER_SEC)

typedef enum { COMMAND_LOCATE, COMMAND_ANCHOR } CommandKind;

typedef struct
{
  CommandKind kind;
  guint64     step;
  double      frame;          /* ANCHOR: device frame of grid step @step */
  double      step_frames;    /* ANCHOR */
} Command;

struct _TandemEngine
{
  GObject             parent_instance;

  TandemProject      *project;
  GSignalGroup       *project_signals;
  TandemSampleStore  *store;
  TandemSampleCache  *cache;
  guint64             seed;

  char               *device;
  guint               rate;
  guint               frames;
  TandemPaOutput     *output;
  gboolean            lost;
  guint               reopen_countdown;
  char               *status;
  gboolean            available;
  gboolean            playing;

  TandemRenderer     *renderer;
  _Atomic (TandemRenderPlan *) pending;
  _Atomic (TandemRenderPlan *) acked;
  GQueue              published;
  TandemSpscRing     *commands;
  TandemMeterBank    *meters;
  atomic_llong        playhead;
  atomic_ullong       frames_rendered;
  atomic_ullong       plan_swaps;
  atomic_int          metronome;      /* TandemMetronomeMode, read by each callback */

  guint               compile_source;
  guint               watchdog_source;
  guint64             plans_compiled;

  /* Shared transport (see tandem-transport-clock.h) */
  gint64              clock_offset;   /* session clock − local monotonic clock, µs */
  gboolean            anchor_sent;
  Command             sent_anchor;
  gint64              sent_offset;
  atomic_uint         cb_seq;         /* seqlock over cb_frame and cb_time */
  atomic_ullong       cb_frame;       /* renderer clock at the last callback's start */
  atomic_llong        cb_time;        /* … and the monotonic time then (µs) */
};

G_DEFINE_FINAL_TYPE (TandemEngine, tandem_engine, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_PROJECT,
  PROP_SAMPLE_STORE,
  PROP_AVAILABLE,
  PROP_STATUS,
  PROP_PLAYING,
  PROP_SEED,
  N_PROPS
};
static GParamSpec *properties[N_PROPS];

enum { SAMPLE_ERROR, N_SIGNALS };
static guint signals[N_SIGNALS];

static void schedule_compile (TandemEngine *self);

/* g_set_str() arrived in GLib 2.76. */
static gboolean
replace_str (char       **dest,
             const char  *value)
{
  if (g_strcmp0 (*dest, value) == 0)
    return FALSE;
  g_free (*dest);
  *dest = g_strdup (value);
  return TRUE;
}

/* The audio thread's whole job. */
TANDEM_REALTIME static void
engine_render (float    *out,
               guint     n_frames,
               gpointer  user_data)
{
  TandemEngine *self = user_data;
  TandemRenderPlan *plan = atomic_exchange_explicit (&self->pending, NULL, memory_order_acq_rel);
  Command command;
  struct timespec now;

  /* Ties the device clock to the monotonic clock for the main thread. */
  clock_gettime (CLOCK_MONOTONIC, &now);
  atomic_fetch_add_explicit (&self->cb_seq, 1, memory_order_acq_rel);
  atomic_store_explicit (&self->cb_frame, tandem_renderer_get_clock (self->renderer),
                         memory_order_relaxed);
  atomic_store_explicit (&self->cb_time, (gint64) now.tv_sec * G_USEC_PER_SEC + now.tv_nsec / 1000,
                         memory_order_relaxed);
  atomic_fetch_add_explicit (&self->cb_seq, 1, memory_order_release);

  if (plan != NULL)
    {
      tandem_renderer_set_plan (self->renderer, plan);
      atomic_store_explicit (&self->acked, plan, memory_order_release);
      atomic_fetch_add_explicit (&self->plan_swaps, 1, memory_order_relaxed);
    }
  while (tandem_spsc_ring_pop (self->commands, &command))
    if (command.kind == COMMAND_LOCATE)
      tandem_renderer_locate (self->renderer, command.step);
    else
      tandem_renderer_anchor (self->renderer, command.frame, command.step, command.step_frames);

  tandem_renderer_set_metronome (self->renderer,
                                 atomic_load_explicit (&self->metronome, memory_order_relaxed));
  tandem_renderer_process (self->renderer, out, n_frames);

  tandem_meter_bank_publish (self->meters, tandem_renderer_get_levels (self->renderer));
  atomic_store_explicit (&self->playhead, tandem_renderer_get_position (self->renderer),
                         memory_order_relaxed);
  atomic_fetch_add_explicit (&self->frames_rendered, n_frames, memory_order_relaxed);
}

static void
collect_plans (TandemEngine *self)
{
  TandemRenderPlan *acked = atomic_load_explicit (&self->acked, memory_order_acquire);

  if (acked == NULL || g_queue_find (&self->published, acked) == NULL)
    return;
  while (g_queue_peek_head (&self->published) != acked)
    tandem_render_plan_free (g_queue_pop_head (&self->published));
}

static void
publish_plan (TandemEngine     *self,
              TandemRenderPlan *plan)
{
  TandemRenderPlan *unseen;

  g_queue_push_tail (&self->published, plan);
  if (self->output == NULL)
    {
      /* No audio thread: hand the plan over ourselves. */
      tandem_renderer_set_plan (self->renderer, plan);
      atomic_store (&self->acked, plan);
    }
  else
    {
      unseen = atomic_exchange_explicit (&self->pending, plan, memory_order_acq_rel);
      if (unseen != NULL)
        {
          g_queue_remove (&self->published, unseen);
          tandem_render_plan_free (unseen);
        }
    }
  collect_plans (self);
}

/* Shared transport: converts the project's anchor (session clock) into a
 * frame of the device and hands it to the renderer, before the plan that
 * starts playing, so the renderer starts on the anchor and not at once. */
static void
update_transport (TandemEngine *self)
{
  Command command = { COMMAND_ANCHOR, 0, 0.0, 0.0 };
  guint64 ref_frame = 0;
  gint64 ref_time = 0, latency = 0;
  guint seq = 0;

  if (self->project == NULL || !tandem_project_get_playing (self->project)
      || tandem_project_get_anchor_time (self->project) == 0
      /* An anchor this far ahead is from another clock (a file saved on
       * another machine): play at once rather than wait for it. */
      || (gint64) tandem_project_get_anchor_time (self->project)
         > g_get_monotonic_time () + self->clock_offset + STALE_ANCHOR_US)
    {
      self->anchor_sent = FALSE;
      return;
    }

  if (self->output != NULL)
    {
      for (guint tries = 0; tries < 100; tries++)
        {
          seq = atomic_load_explicit (&self->cb_seq, memory_order_acquire);
          ref_frame = atomic_load_explicit (&self->cb_frame, memory_order_relaxed);
          ref_time = atomic_load_explicit (&self->cb_time, memory_order_relaxed);
          if ((seq & 1) == 0 && atomic_load_explicit (&self->cb_seq, memory_order_acquire) == seq)
            break;
        }
      latency = tandem_pa_output_get_latency (self->output);
    }
  if (self->output == NULL || ref_time == 0)
    {
      /* No callback yet (or no device): the renderer is not running, its
       * next frame is now. */
      ref_frame = tandem_renderer_get_clock (self->renderer);
      ref_time = g_get_monotonic_time ();
    }

  command.step = tandem_project_get_anchor_step (self->project);
  command.step_frames = tandem_plan_step_frames (self->rate,
                                                 tandem_project_get_tempo (self->project),
                                                 tandem_project_get_steps_per_beat (self->project));
  command.frame =
    tandem_transport_frame_for_time ((gint64) tandem_project_get_anchor_time (self->project),
                                     self->clock_offset, latency, ref_time, ref_frame, self->rate);
  /* The reference pair jitters by the callback's scheduling; resend only
   * when the anchor changed or the device clock drifted by over 1 ms. */
  if (self->anchor_sent && command.step == self->sent_anchor.step
      && command.step_frames == self->sent_anchor.step_frames
      && self->sent_offset == self->clock_offset
      && fabs (command.frame - self->sent_anchor.frame) < self->rate / 1000.0)
    return;
  self->anchor_sent = TRUE;
  self->sent_anchor = command;
  self->sent_offset = self->clock_offset;
  if (self->output == NULL)
    tandem_renderer_anchor (self->renderer, command.frame, command.step, command.step_frames);
  else
    tandem_spsc_ring_push (self->commands, &command);
}

static TandemSample *
lookup_sample (const char *hash,
               gpointer    user_data)
{
  TandemEngine *self = user_data;

  return tandem_sample_cache_lookup (self->cache, hash);
}

void
tandem_engine_update_plan (TandemEngine *self)
{
  TandemPlanOptions options = { 0 };

  g_return_if_fail (TANDEM_IS_ENGINE (self));

  g_clear_handle_id (&self->compile_source, g_source_remove);
  if (self->project == NULL)
    return;

  options.sample_rate = self->rate;
  options.lock_memory = TRUE;
  options.lookup = lookup_sample;
  options.lookup_data = self;
  update_transport (self);
  publish_plan (self, tandem_plan_compile (self->project, &options));
  self->plans_compiled++;
}

static gboolean
compile_idle (gpointer user_data)
{
  TandemEngine *self = user_data;

  self->compile_source = 0;
  tandem_engine_update_plan (self);
  return G_SOURCE_REMOVE;
}

static void
schedule_compile (TandemEngine *self)
{
  GSource *source;

  if (self->compile_source != 0)
    return;
  /* High priority: the edit must reach the next buffer, before redraws. */
  source = g_idle_source_new ();
  g_source_set_priority (source, G_PRIORITY_HIGH);
  g_source_set_callback (source, compile_idle, self, NULL);
  g_source_set_static_name (source, "[tandem] compile render plan");
  self->compile_source = g_source_attach (source, NULL);
  g_source_unref (source);
}

static void
set_status (TandemEngine *self,
            gboolean      available,
            const char   *status)
{
  if (replace_str (&self->status, status))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATUS]);
  if (self->available != available)
    {
      self->available = available;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_AVAILABLE]);
    }
}

static void
update_playing (TandemEngine *self)
{
  gboolean playing = self->project != NULL && tandem_project_get_playing (self->project);

  if (playing != self->playing)
    {
      self->playing = playing;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PLAYING]);
    }
}

static void
on_project_changed (TandemEngine *self)
{
  schedule_compile (self);
  update_playing (self);
}

static void
on_sample_loaded (TandemEngine *self,
                  const char   *hash)
{
  schedule_compile (self);
}

static void
on_sample_failed (TandemEngine *self,
                  const char   *hash,
                  const char   *message)
{
  TandemSampleInfo *info = self->project != NULL ? tandem_project_find_sample (self->project, hash) : NULL;
  g_autofree char *full = g_strdup_printf ("Sample “%s” cannot be played: %s",
                                           info != NULL ? tandem_sample_info_get_name (info) : hash,
                                           message);

  g_signal_emit (self, signals[SAMPLE_ERROR], 0, hash, full);
}

static void
set_cache (TandemEngine *self)
{
  if (self->cache != NULL)
    g_signal_handlers_disconnect_by_data (self->cache, self);
  g_clear_object (&self->cache);
  self->cache = tandem_sample_cache_new (self->store, self->rate);
  g_signal_connect_object (self->cache, "loaded", G_CALLBACK (on_sample_loaded), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->cache, "failed", G_CALLBACK (on_sample_failed), self, G_CONNECT_SWAPPED);
}

/* Stops the stream (or, when it died, leaves it be) and takes the audio
 * thread's state back. */
static void
stop_output (TandemEngine *self,
             gboolean      dead)
{
  TandemRenderPlan *plan;

  if (self->output == NULL)
    return;
  if (dead)
    tandem_pa_output_abandon (g_steal_pointer (&self->output));
  else
    tandem_pa_output_close (g_steal_pointer (&self->output));
  plan = atomic_exchange (&self->pending, NULL);
  if (plan != NULL)
    {
      tandem_renderer_set_plan (self->renderer, plan);
      atomic_store (&self->acked, plan);
    }
  collect_plans (self);
  tandem_meter_bank_clear (self->meters);
  atomic_store (&self->playhead, -1);
}

static gboolean
start_output (TandemEngine  *self,
              GError       **error)
{
  g_autofree char *status = NULL;

  self->output = tandem_pa_output_open (self->device, self->rate, self->frames,
                                        engine_render, self, error);
  if (self->output == NULL)
    return FALSE;
  status = g_strdup_printf ("Audio on: %s, %u Hz, %u frames",
                            tandem_pa_output_get_device_name (self->output),
                            self->rate, self->frames);
  self->lost = FALSE;
  set_status (self, TRUE, status);
  return TRUE;
}

static gboolean
watchdog_tick (gpointer user_data)
{
  TandemEngine *self = user_data;

  collect_plans (self);
  update_transport (self);

  if (self->output != NULL && !tandem_pa_output_is_active (self->output))
    {
      g_autofree char *status = g_strdup_printf ("Audio device lost (%s); retrying",
                                                 tandem_pa_output_get_device_name (self->output));

      stop_output (self, TRUE);
      self->lost = TRUE;
      self->reopen_countdown = REOPEN_EVERY;
      set_status (self, FALSE, status);
    }
  else if (self->output == NULL && self->lost && --self->reopen_countdown == 0)
    {
      g_autoptr(GError) error = NULL;

      self->reopen_countdown = REOPEN_EVERY;
      if (!start_output (self, &error))
        {
          g_autofree char *status = g_strdup_printf ("Audio device lost; retrying (%s)", error->message);
          set_status (self, FALSE, status);
        }
    }
  return G_SOURCE_CONTINUE;
}

gboolean
tandem_engine_open (TandemEngine  *self,
                    const char    *device,
                    guint          sample_rate,
                    guint          frames,
                    GError       **error)
{
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (TANDEM_IS_ENGINE (self), FALSE);
  g_return_val_if_fail (sample_rate >= 8000 && sample_rate <= 384000, FALSE);

  tandem_engine_close (self);

  replace_str (&self->device, device);
  self->frames = frames > 0 ? frames : TANDEM_ENGINE_DEFAULT_FRAMES;
  if (sample_rate != self->rate)
    {
      /* Samples are decoded at the engine rate. */
      self->rate = sample_rate;
      set_cache (self);
    }
  /* Scratch buffers sized for this stream's buffers (larger ones are
   * rendered in pieces); voices are bound to the rate. */
  tandem_renderer_free (self->renderer);
  self->renderer = tandem_renderer_new (self->rate, MAX (self->frames, 512));
  tandem_renderer_lock_memory (self->renderer);
  tandem_renderer_set_seed (self->renderer, self->seed);
  tandem_engine_update_plan (self);

  if (!start_output (self, &local_error))
    {
      g_autofree char *status = g_strdup_printf ("Audio is off: %s", local_error->message);

      set_status (self, FALSE, status);
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  self->watchdog_source = g_timeout_add (WATCHDOG_MS, watchdog_tick, self);
  return TRUE;
}

void
tandem_engine_close (TandemEngine *self)
{
  g_return_if_fail (TANDEM_IS_ENGINE (self));

  g_clear_handle_id (&self->watchdog_source, g_source_remove);
  self->lost = FALSE;
  if (self->output != NULL)
    {
      stop_output (self, FALSE);
      set_status (self, FALSE, "Audio is off");
    }
}

static void
tandem_engine_dispose (GObject *object)
{
  TandemEngine *self = TANDEM_ENGINE (object);

  tandem_engine_close (self);
  g_clear_handle_id (&self->compile_source, g_source_remove);
  if (self->project_signals != NULL)
    g_signal_group_set_target (self->project_signals, NULL);
  g_clear_object (&self->project_signals);
  g_clear_object (&self->project);
  if (self->cache != NULL)
    g_signal_handlers_disconnect_by_data (self->cache, self);
  g_clear_object (&self->cache);
  g_clear_object (&self->store);
  G_OBJECT_CLASS (tandem_engine_parent_class)->dispose (object);
}

static void
tandem_engine_finalize (GObject *object)
{
  TandemEngine *self = TANDEM_ENGINE (object);

  tandem_renderer_free (self->renderer);
  g_queue_clear_full (&self->published, (GDestroyNotify) tandem_render_plan_free);
  tandem_spsc_ring_free (self->commands);
  tandem_meter_bank_free (self->meters);
  g_free (self->device);
  g_free (self->status);
  G_OBJECT_CLASS (tandem_engine_parent_class)->finalize (object);
}

static void
tandem_engine_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  TandemEngine *self = TANDEM_ENGINE (object);

  switch (prop_id)
    {
    case PROP_PROJECT:
      g_value_set_object (value, self->project);
      break;
    case PROP_SAMPLE_STORE:
      g_value_set_object (value, self->store);
      break;
    case PROP_AVAILABLE:
      g_value_set_boolean (value, self->available);
      break;
    case PROP_STATUS:
      g_value_set_string (value, self->status);
      break;
    case PROP_PLAYING:
      g_value_set_boolean (value, self->playing);
      break;
    case PROP_SEED:
      g_value_set_uint64 (value, self->seed);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tandem_engine_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  TandemEngine *self = TANDEM_ENGINE (object);

  switch (prop_id)
    {
    case PROP_PROJECT:
      tandem_engine_set_project (self, g_value_get_object (value));
      break;
    case PROP_SAMPLE_STORE:
      tandem_engine_set_sample_store (self, g_value_get_object (value));
      break;
    case PROP_SEED:
      tandem_engine_set_seed (self, g_value_get_uint64 (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tandem_engine_class_init (TandemEngineClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = tandem_engine_dispose;
  object_class->finalize = tandem_engine_finalize;
  object_class->get_property = tandem_engine_get_property;
  object_class->set_property = tandem_engine_set_property;

  properties[PROP_PROJECT] =
    g_param_spec_object ("project", NULL, NULL, TANDEM_TYPE_PROJECT,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_SAMPLE_STORE] =
    g_param_spec_object ("sample-store", NULL, NULL, TANDEM_TYPE_SAMPLE_STORE,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_AVAILABLE] =
    g_param_spec_boolean ("available", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_STATUS] =
    g_param_spec_string ("status", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_PLAYING] =
    g_param_spec_boolean ("playing", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_SEED] =
    g_param_spec_uint64 ("seed", NULL, NULL, 0, G_MAXUINT64, 0,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * TandemEngine::sample-error:
   * @hash: the sample's SHA-256
   * @message: why the file was refused
   *
   * A sample could not be decoded; its track is silent, the rest plays on.
   */
  signals[SAMPLE_ERROR] = g_signal_new ("sample-error", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                        0, NULL, NULL, NULL, G_TYPE_NONE, 2,
                                        G_TYPE_STRING, G_TYPE_STRING);
}

static void
tandem_engine_init (TandemEngine *self)
{
  self->rate = TANDEM_ENGINE_DEFAULT_RATE;
  self->frames = TANDEM_ENGINE_DEFAULT_FRAMES;
  self->status = g_strdup ("Audio is off");
  self->renderer = tandem_renderer_new (self->rate, 512);
  tandem_renderer_lock_memory (self->renderer);
  self->commands = tandem_spsc_ring_new (sizeof (Command), 64);
  self->meters = tandem_meter_bank_new ();
  atomic_init (&self->pending, NULL);
  atomic_init (&self->acked, NULL);
  atomic_init (&self->playhead, -1);
  atomic_init (&self->frames_rendered, 0);
  atomic_init (&self->plan_swaps, 0);
  g_queue_init (&self->published);

  self->store = g_object_ref (tandem_sample_store_get_default ());
  set_cache (self);

  self->project_signals = g_signal_group_new (TANDEM_TYPE_PROJECT);
  g_signal_group_connect_swapped (self->project_signals, "op-applied",
                                  G_CALLBACK (on_project_changed), self);
  g_signal_group_connect_swapped (self->project_signals, "reset",
                                  G_CALLBACK (on_project_changed), self);
}

TandemEngine *
tandem_engine_new (void)
{
  return g_object_new (TANDEM_TYPE_ENGINE, NULL);
}

void
tandem_engine_set_project (TandemEngine  *self,
                           TandemProject *project)
{
  g_return_if_fail (TANDEM_IS_ENGINE (self));
  g_return_if_fail (project == NULL || TANDEM_IS_PROJECT (project));

  if (!g_set_object (&self->project, project))
    return;
  g_signal_group_set_target (self->project_signals, project);
  if (project != NULL)
    tandem_engine_update_plan (self);
  else
    {
      TandemRenderPlan *empty = g_new0 (TandemRenderPlan, 1);

      /* Silence, with the voices of the old project released. */
      empty->sample_rate = self->rate;
      empty->step_frames = 1.0;
      publish_plan (self, empty);
    }
  update_playing (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROJECT]);
}

TandemProject *
tandem_engine_get_project (TandemEngine *self)
{
  g_return_val_if_fail (TANDEM_IS_ENGINE (self), NULL);
  return self->project;
}

void
tandem_engine_set_sample_store (TandemEngine      *self,
                                TandemSampleStore *store)
{
  g_return_if_fail (TANDEM_IS_ENGINE (self));
  g_return_if_fail (store == NULL || TANDEM_IS_SAMPLE_STORE (store));

  if (store == NULL)
    store = tandem_sample_store_get_default ();
  if (!g_set_object (&self->store, store))
    return;
  set_cache (self);
  schedule_compile (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SAMPLE_STORE]);
}

TandemSampleCache *
tandem_engine_get_sample_cache (TandemEngine *self)
{
  g_return_val_if_fail (TANDEM_IS_ENGINE (self), NULL);
  return self->cache;
}

void
tandem_engine_set_seed (TandemEngine *self,
                        guint64       seed)
{
  g_return_if_fail (TANDEM_IS_ENGINE (self));

  if (self->seed == seed)
    return;
  self->seed = seed;
  /* Applied at the next open; the seed matters for reproducible renders,
   * which start from a stopped transport. */
  if (self->output == NULL)
    tandem_renderer_set_seed (self->renderer, seed);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SEED]);
}

gboolean
tandem_engine_get_available (TandemEngine *self)
{
  g_return_val_if_fail (TANDEM_IS_ENGINE (self), FALSE);
  return self->available;
}

const char *
tandem_engine_get_status (TandemEngine *self)
{
  g_return_val_if_fail (TANDEM_IS_ENGINE (self), NULL);
  return self->status;
}

gboolean
tandem_engine_get_playing (TandemEngine *self)
{
  g_return_val_if_fail (TANDEM_IS_ENGINE (self), FALSE);
  return self->playing;
}

guint
tandem_engine_get_sample_rate (TandemEngine *self)
{
  g_return_val_if_fail (TANDEM_IS_ENGINE (self), 0);
  return self->rate;
}

void
tandem_engine_set_position (TandemEngine *self,
                            guint64       step)
{
  Command command = { COMMAND_LOCATE, step };

  g_return_if_fail (TANDEM_IS_ENGINE (self));

  if (self->output == NULL)
    tandem_renderer_locate (self->renderer, step);
  else
    tandem_spsc_ring_push (self->commands, &command);
}

void
tandem_engine_set_metronome (TandemEngine        *self,
                             TandemMetronomeMode  mode)
{
  g_return_if_fail (TANDEM_IS_ENGINE (self));
  g_return_if_fail (mode <= TANDEM_METRONOME_ALWAYS);

  atomic_store_explicit (&self->metronome, (int) mode, memory_order_relaxed);
}

TandemMetronomeMode
tandem_engine_get_metronome (TandemEngine *self)
{
  g_return_val_if_fail (TANDEM_IS_ENGINE (self), TANDEM_METRONOME_OFF);

  return atomic_load_explicit (&self->metronome, memory_order_relaxed);
}

void
tandem_engine_set_clock_offset (TandemEngine *self,
                                gint64        offset_us)
{
  g_return_if_fail (TANDEM_IS_ENGINE (self));

  if (self->clock_offset == offset_us)
    return;
  self->clock_offset = offset_us;
  update_transport (self);
}

gint64
tandem_engine_get_clock_offset (TandemEngine *self)
{
  g_return_val_if_fail (TANDEM_IS_ENGINE (self), 0);
  return self->clock_offset;
}

gint64
tandem_engine_get_output_latency (TandemEngine *self)
{
  g_return_val_if_fail (TANDEM_IS_ENGINE (self), 0);
  return self->output != NULL ? tandem_pa_output_get_latency (self->output) : 0;
}

gint64
tandem_engine_get_playhead (TandemEngine *self)
{
  g_return_val_if_fail (TANDEM_IS_ENGINE (self), -1);
  return atomic_load_explicit (&self->playhead, memory_order_relaxed);
}

float
tandem_engine_get_track_peak (TandemEngine *self,
                              guint         track_index)
{
  g_return_val_if_fail (TANDEM_IS_ENGINE (self), 0.0f);
  return tandem_meter_bank_get_track (self->meters, track_index);
}

void
tandem_engine_get_master_peak (TandemEngine *self,
                               float        *left,
                               float        *right)
{
  g_return_if_fail (TANDEM_IS_ENGINE (self));
  tandem_meter_bank_get_master (self->meters, left, right);
}

guint64
tandem_engine_get_frames_rendered (TandemEngine *self)
{
  g_return_val_if_fail (TANDEM_IS_ENGINE (self), 0);
  return atomic_load (&self->frames_rendered);
}

guint64
tandem_engine_get_plan_swaps (TandemEngine *self)
{
  g_return_val_if_fail (TANDEM_IS_ENGINE (self), 0);
  return atomic_load (&self->plan_swaps);
}

guint64
tandem_engine_get_plans_compiled (TandemEngine *self)
{
  g_return_val_if_fail (TANDEM_IS_ENGINE (self), 0);
  return self->plans_compiled;
}

guint64
tandem_engine_get_xruns (TandemEngine *self)
{
  g_return_val_if_fail (TANDEM_IS_ENGINE (self), 0);
  return self->output != NULL ? tandem_pa_output_get_xruns (self->output) : 0;
}

TandemPaOutput *
_tandem_engine_get_output (TandemEngine *self)
{
  g_return_val_if_fail (TANDEM_IS_ENGINE (self), NULL);
  return self->output;
}
