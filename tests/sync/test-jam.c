/* test-jam.c — jam timing: everyone hears the same beat, whatever their link and clock
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A real server on 127.0.0.1 and four clients: A direct, B behind a proxy
 * that delays each direction by PROXY_DELAY_MS (a GMainContext timer queue
 * per direction), C whose clock runs SKEW_US ahead (test hook), and D who
 * joins late. A starts the transport and later changes the tempo, with the
 * ops of tandem-transport.h. Each client then renders offline through the
 * engine's renderer, as its engine would: its device's first frame is heard
 * at a local time of its own (when it learnt of the start), after an output
 * latency of its own; the anchor becomes a frame through the client's own
 * clock-offset estimate. The onsets are converted back to session time
 * (with each client's own estimate, and with the true offset the test
 * knows) and compared beat by beat.
 */
#define G_LOG_DOMAIN "tandem-test"

#include "config.h"

#include <math.h>
#include <string.h>

#include "sync-test-delay-proxy.h"
#include "sync-test-utils.h"
#include "tandem-audio.h"
#include "tandem-plan-compile.h"
#include "tandem-renderer.h"
#include "tandem-transport-clock.h"

#define RATE           48000
#define PROXY_DELAY_MS 30
#define SKEW_US        (250 * G_TIME_SPAN_MILLISECOND)
#define N_CLIENTS      4

/* ---- the jam -------------------------------------------------------------- */

typedef struct
{
  const char       *name;
  TandemSyncClient *client;
  gint64            true_offset;   /* session − this client's clock: what it should estimate */
  gint64            latency;       /* its output latency, µs */
  gint64            ref_time;      /* local time at which its device's frame 0 is rendered */
  gint64            tempo_seen;    /* local time it learnt of the tempo change (0: not yet) */
  GArray           *onsets;        /* session times (own estimate), µs, double */
  GArray           *true_onsets;   /* session times (true offset), µs, double */
  GArray           *steps;         /* grid step of each onset, gint64 */
} Jammer;

static TandemSample *
no_sample (const char *hash,
           gpointer    user_data)
{
  return NULL;
}

/* The client's project as a plan whose every track plays a one-frame
 * impulse: each step that has any cell is one non-zero frame. */
static TandemRenderPlan *
impulse_plan (TandemProject *project,
              TandemSample  *impulse)
{
  TandemPlanOptions options = { 0 };
  TandemRenderPlan *plan;

  options.sample_rate = RATE;
  options.lookup = no_sample;
  plan = tandem_plan_compile (project, &options);
  for (guint t = 0; t < plan->n_tracks; t++)
    {
      g_clear_pointer (&plan->tracks[t].sample, tandem_sample_unref);
      plan->tracks[t].kind = TANDEM_VOICE_SAMPLE;
      plan->tracks[t].sample = tandem_sample_ref (impulse);
      plan->tracks[t].gain = 1.0f;
      plan->tracks[t].pan_left = 1.0f;
      plan->tracks[t].pan_right = 0.0f;
    }
  return plan;
}

/* Frames (as doubles) where the left channel goes from zero to non-zero. */
static GArray *
find_onsets (const float *out,
             gsize        n)
{
  GArray *onsets = g_array_new (FALSE, FALSE, sizeof (double));

  for (gsize i = 0; i < n; i++)
    if (out[2 * i] != 0.0f && (i == 0 || out[2 * (i - 1)] == 0.0f))
      {
        double f = (double) i;

        g_array_append_val (onsets, f);
      }
  return onsets;
}

typedef struct
{
  gint64  anchor_time;
  guint64 anchor_step;
  double  tempo;
} Anchor;

static Anchor
anchor_of (TandemProject *project)
{
  Anchor a = { (gint64) tandem_project_get_anchor_time (project),
               tandem_project_get_anchor_step (project),
               tandem_project_get_tempo (project) };
  return a;
}

static gint64
step_of (const Anchor *first,
         const Anchor *second,
         guint         steps_per_beat,
         double        time)
{
  const Anchor *a = second != NULL && time >= second->anchor_time - 1000 ? second : first;
  double step_us = tandem_transport_step_us (a->tempo, steps_per_beat);

  return (gint64) a->anchor_step + (gint64) llround ((time - a->anchor_time) / step_us);
}

/* Renders what @j's engine plays from its device's frame 0 for @seconds:
 * the start anchor (@first) from the beginning, the tempo change (@second,
 * with @second_project's plan) from the moment @j learnt of it. */
static void
jam_render (Jammer        *j,
            TandemProject *first_project,
            TandemProject *second_project,
            TandemSample  *impulse,
            double         seconds)
{
  g_autoptr(TandemRenderPlan) plan1 = impulse_plan (first_project, impulse);
  g_autoptr(TandemRenderPlan) plan2 = second_project ? impulse_plan (second_project, impulse) : NULL;
  Anchor a1 = anchor_of (first_project);
  Anchor a2 = second_project ? anchor_of (second_project) : a1;
  gint64 offset = tandem_sync_client_get_clock_offset (j->client);
  guint spb = tandem_project_get_steps_per_beat (first_project);
  TandemRenderer *renderer = tandem_renderer_new (RATE, 256);
  gsize n = (gsize) (seconds * RATE), switch_at = n;
  g_autofree float *out = g_new0 (float, n * 2);
  g_autoptr(GArray) frames = NULL;

  tandem_renderer_anchor (renderer,
                          tandem_transport_frame_for_time (a1.anchor_time, offset, j->latency,
                                                           j->ref_time, 0, RATE),
                          a1.anchor_step,
                          tandem_plan_step_frames (RATE, a1.tempo, spb));
  tandem_renderer_set_plan (renderer, plan1);
  if (plan2 != NULL)
    switch_at = (gsize) MAX (0.0, tandem_transport_frame_for_time (j->tempo_seen + offset, offset, 0,
                                                                  j->ref_time, 0, RATE));
  for (gsize done = 0; done < n;)
    {
      guint block = (guint) MIN ((gsize) 256, n - done);

      if (plan2 != NULL && done >= switch_at)
        {
          tandem_renderer_set_plan (renderer, plan2);
          tandem_renderer_anchor (renderer,
                                  tandem_transport_frame_for_time (a2.anchor_time, offset, j->latency,
                                                                   j->ref_time, 0, RATE),
                                  a2.anchor_step, tandem_plan_step_frames (RATE, a2.tempo, spb));
          switch_at = n;
        }
      tandem_renderer_process (renderer, out + 2 * done, block);
      done += block;
    }
  tandem_renderer_free (renderer);

  frames = find_onsets (out, n);
  j->onsets = g_array_new (FALSE, FALSE, sizeof (double));
  j->true_onsets = g_array_new (FALSE, FALSE, sizeof (double));
  j->steps = g_array_new (FALSE, FALSE, sizeof (gint64));
  for (guint i = 0; i < frames->len; i++)
    {
      double f = g_array_index (frames, double, i);
      double t = tandem_transport_time_for_frame (f, offset, j->latency, j->ref_time, 0, RATE);
      double tt = tandem_transport_time_for_frame (f, j->true_offset, j->latency, j->ref_time, 0, RATE);
      gint64 k = step_of (&a1, second_project ? &a2 : NULL, spb, t);

      g_array_append_val (j->onsets, t);
      g_array_append_val (j->true_onsets, tt);
      g_array_append_val (j->steps, k);
    }
}

static void
on_anchor (TandemProject *project,
           GParamSpec    *pspec,
           Jammer        *j)
{
  if (j->ref_time == 0)
    j->ref_time = tandem_sync_client_get_local_time (j->client);
}

static void
on_tempo (TandemProject *project,
          GParamSpec    *pspec,
          Jammer        *j)
{
  if (j->tempo_seen == 0)
    j->tempo_seen = tandem_sync_client_get_local_time (j->client);
}

typedef struct
{
  Jammer *jam;
  guint   n;
  guint   min_samples;
} ClockWait;

static gboolean
clocks_ready (gpointer data)
{
  ClockWait *w = data;

  for (guint i = 0; i < w->n; i++)
    if (tandem_sync_client_get_clock_samples (w->jam[i].client) < w->min_samples)
      return FALSE;
  return TRUE;
}

/* Everyone else's round trip has reached @client through presence. */
static gboolean
rtts_shared (gpointer data)
{
  TandemSyncClient *client = data;
  GListModel *people = tandem_sync_client_get_participants (client);
  guint n = g_list_model_get_n_items (people);

  if (n < 2)
    return FALSE;
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(TandemParticipant) p = g_list_model_get_item (people, i);

      if (tandem_participant_get_rtt (p) <= 0)
        return FALSE;
    }
  return TRUE;
}

typedef struct
{
  Jammer  *jam;
  guint    n;
  guint64  anchor_time;
  double   tempo;
} StateWait;

static gboolean
all_have (gpointer data)
{
  StateWait *w = data;

  for (guint i = 0; i < w->n; i++)
    {
      TandemProject *project = tandem_sync_client_get_project (w->jam[i].client);

      if (!tandem_project_get_playing (project)
          || tandem_project_get_anchor_time (project) != w->anchor_time
          || tandem_project_get_tempo (project) != w->tempo)
        return FALSE;
    }
  return TRUE;
}

static gboolean
session_past (gpointer data)
{
  return g_get_monotonic_time () > *(gint64 *) data;
}

static void
test_jam (void)
{
  SyncTestServer *ts = sync_test_server_new (NULL, FALSE);
  SyncTestDelayProxy *proxy = sync_test_delay_proxy_new (ts->port, PROXY_DELAY_MS);
  g_autofree char *invite = sync_test_server_invite (ts, TANDEM_ROLE_EDITOR);
  g_autofree char *proxied = sync_test_delay_proxy_invite (proxy, invite, ts->port);
  g_autofree char *first_json = NULL;
  g_autoptr(TandemProject) first = NULL;
  g_autoptr(TandemOp) start = NULL;
  g_autoptr(TandemOp) tempo = NULL;
  g_autoptr(TandemSample) impulse = NULL;
  g_autoptr(GError) error = NULL;
  Jammer jam[N_CLIENTS] = {
    { "A (direct)", NULL, 0, 5333 },
    { "B (30 ms each way)", NULL, 0, 21333 },
    { "C (clock +250 ms)", NULL, -SKEW_US, 10667 },
    { "D (late joiner)", NULL, 0, 8000 },
  };
  TandemProject *pa;
  ClockWait cw = { jam, 3, 8 };
  StateWait sw = { jam, 3, 0, 0 };
  Anchor a1, a2;
  gint64 lead, until;
  guint spb, spbar;
  double bar1_us, max_spread = 0, max_true_spread = 0, swing_us1, swing_us2;
  guint compared = 0;
  float one = 0.5f;

  impulse = tandem_sample_new_from_frames (&one, 1, RATE);
  for (guint i = 0; i < 3; i++)
    {
      jam[i].client = sync_test_client_new ();
      if (i == 2)
        tandem_sync_client_set_clock_skew_for_tests (jam[i].client, SKEW_US);
      g_signal_connect (tandem_sync_client_get_project (jam[i].client), "notify::anchor-time",
                        G_CALLBACK (on_anchor), &jam[i]);
      g_signal_connect (tandem_sync_client_get_project (jam[i].client), "notify::tempo",
                        G_CALLBACK (on_tempo), &jam[i]);
      g_assert_true (tandem_sync_client_connect (jam[i].client, i == 1 ? proxied : invite, &error));
      g_assert_no_error (error);
    }
  for (guint i = 0; i < 3; i++)
    g_assert_true (sync_test_wait_live (jam[i].client));
  g_assert_true (sync_test_wait (clocks_ready, &cw, 20000));
  pa = tandem_sync_client_get_project (jam[0].client);
  g_assert_true (sync_test_wait (rtts_shared, jam[0].client, 20000));

  /* The clock estimates: the skew is found, the proxy's delay is in the
   * round trip but not in the offset. */
  for (guint i = 0; i < 3; i++)
    {
      gint64 err = tandem_sync_client_get_clock_offset (jam[i].client) - jam[i].true_offset;

      g_test_message ("%s: offset %+.3f ms (error %+.3f ms, +/- %.3f ms), rtt %.3f ms, %u samples",
                      jam[i].name, tandem_sync_client_get_clock_offset (jam[i].client) / 1000.0,
                      err / 1000.0, tandem_sync_client_get_clock_uncertainty (jam[i].client) / 1000.0,
                      tandem_sync_client_get_rtt (jam[i].client) / 1000.0,
                      tandem_sync_client_get_clock_samples (jam[i].client));
      /* The bound holds whatever the machine does: the server read its
       * clock between our send and our receive. */
      g_assert_cmpint (ABS (err), <=, tandem_sync_client_get_clock_uncertainty (jam[i].client) + 1);
    }
  g_assert_cmpint (tandem_sync_client_get_rtt (jam[1].client), >=, 2 * PROXY_DELAY_MS * 1000);

  /* A starts: the lead covers B's round trip, which A learnt from presence. */
  lead = tandem_transport_session_lead (jam[0].client);
  g_assert_cmpint (lead, >=, tandem_transport_lead_time (2 * PROXY_DELAY_MS * 1000));
  start = tandem_transport_op_start (pa, tandem_transport_session_now (jam[0].client), lead, 0);
  g_assert_true (tandem_sync_client_submit (jam[0].client, start, &error));
  g_assert_no_error (error);
  sw.anchor_time = tandem_project_get_anchor_time (pa);
  sw.tempo = tandem_project_get_tempo (pa);
  g_assert_true (sync_test_wait (all_have, &sw, 10000));
  g_assert_true (sync_test_wait_converged (ts, (TandemSyncClient *[]) { jam[0].client, jam[1].client,
                                                                          jam[2].client }, 3, 10000));
  first_json = tandem_project_to_string (pa);
  first = tandem_project_new_from_json (json_from_string (first_json, NULL), &error);
  g_assert_no_error (error);
  a1 = anchor_of (first);
  spb = tandem_project_get_steps_per_beat (first);
  spbar = spb * tandem_project_get_beats_per_bar (first);
  bar1_us = tandem_transport_step_us (a1.tempo, spb) * spbar;
  for (guint i = 0; i < 3; i++)
    {
      /* Everyone learnt of the start before it: they all start on time. */
      g_assert_cmpint (jam[i].ref_time, !=, 0);
      g_assert_cmpint (jam[i].ref_time + jam[i].true_offset, <, a1.anchor_time);
    }

  /* D joins a bar after the start. */
  until = a1.anchor_time + (gint64) bar1_us;
  g_assert_true (sync_test_wait (session_past, &until, 20000));
  jam[3].client = sync_test_client_new ();
  g_signal_connect (tandem_sync_client_get_project (jam[3].client), "notify::tempo",
                    G_CALLBACK (on_tempo), &jam[3]);
  g_assert_true (tandem_sync_client_connect (jam[3].client, invite, &error));
  g_assert_true (sync_test_wait_live (jam[3].client));
  cw.n = 4;
  g_assert_true (sync_test_wait (clocks_ready, &cw, 20000));
  jam[3].ref_time = tandem_sync_client_get_local_time (jam[3].client);
  g_assert_cmpuint (tandem_project_get_anchor_time (tandem_sync_client_get_project (jam[3].client)), ==,
                    a1.anchor_time);

  /* A changes the tempo: it lands on a bar, the same for everyone. */
  for (guint i = 0; i < N_CLIENTS; i++)
    jam[i].tempo_seen = 0;
  lead = tandem_transport_session_lead (jam[0].client);
  tempo = tandem_transport_op_tempo (pa, tandem_transport_session_now (jam[0].client), lead, 150.0);
  g_assert_true (tandem_sync_client_submit (jam[0].client, tempo, &error));
  g_assert_no_error (error);
  sw.n = N_CLIENTS;
  sw.anchor_time = tandem_project_get_anchor_time (pa);
  sw.tempo = 150.0;
  g_assert_true (sync_test_wait (all_have, &sw, 10000));
  a2 = anchor_of (pa);
  g_assert_cmpuint (a2.anchor_step % spbar, ==, 0);
  g_assert_cmpuint (a2.anchor_step, >, a1.anchor_step);
  g_assert_cmpfloat_with_epsilon (tandem_transport_step_time (a1.anchor_time, a1.anchor_step,
                                                              tandem_transport_step_us (a1.tempo, spb),
                                                              (gint64) a2.anchor_step),
                                  (double) a2.anchor_time, 1.0);
  for (guint i = 0; i < N_CLIENTS; i++)
    {
      g_assert_cmpint (jam[i].tempo_seen, !=, 0);
      g_assert_cmpint (jam[i].tempo_seen + jam[i].true_offset, <, a2.anchor_time);
    }

  /* Every client renders up to two bars past the tempo change. */
  swing_us1 = tandem_transport_step_us (a1.tempo, spb) * tandem_project_get_swing (first) / 200.0;
  swing_us2 = tandem_transport_step_us (a2.tempo, spb) * tandem_project_get_swing (first) / 200.0;
  for (guint i = 0; i < N_CLIENTS; i++)
    {
      gint64 offset = tandem_sync_client_get_clock_offset (jam[i].client);
      double end = a2.anchor_time + 2 * tandem_transport_step_us (a2.tempo, spb) * spbar + 100000.0;

      jam_render (&jam[i], first, tandem_sync_client_get_project (jam[i].client), impulse,
                  (end - (double) (jam[i].ref_time + offset)) / 1e6);
      g_assert_cmpuint (jam[i].onsets->len, >, 8);
      /* Every onset is on the shared grid: the first tempo up to the
       * change's bar, the new one from there. */
      for (guint k = 0; k < jam[i].onsets->len; k++)
        {
          gint64 step = g_array_index (jam[i].steps, gint64, k);
          gboolean after = step >= (gint64) a2.anchor_step;
          const Anchor *a = after ? &a2 : &a1;
          double expected = tandem_transport_step_time (a->anchor_time, a->anchor_step,
                                                        tandem_transport_step_us (a->tempo, spb), step)
                            + ((step & 1) ? (after ? swing_us2 : swing_us1) : 0.0);

          g_assert_cmpfloat (fabs (g_array_index (jam[i].onsets, double, k) - expected), <, 1000.0);
        }
    }

  /* The late joiner is in phase within a bar of joining. */
  g_assert_cmpfloat (g_array_index (jam[3].onsets, double, 0)
                     - (double) (jam[3].ref_time + tandem_sync_client_get_clock_offset (jam[3].client)),
                     <=, bar1_us);

  /* Beat by beat: the same steps sound for everyone, within 1 ms. */
  for (gint64 step = 0; step <= (gint64) a2.anchor_step + 2 * spbar; step++)
    {
      double lo = G_MAXDOUBLE, hi = -G_MAXDOUBLE, tlo = G_MAXDOUBLE, thi = -G_MAXDOUBLE;
      guint have = 0, covered = 0;

      for (guint i = 0; i < N_CLIENTS; i++)
        {
          gint64 first_step = g_array_index (jam[i].steps, gint64, 0);

          if (step < first_step)
            continue;
          covered++;
          for (guint k = 0; k < jam[i].steps->len; k++)
            if (g_array_index (jam[i].steps, gint64, k) == step)
              {
                double t = g_array_index (jam[i].onsets, double, k);
                double tt = g_array_index (jam[i].true_onsets, double, k);

                lo = MIN (lo, t), hi = MAX (hi, t);
                tlo = MIN (tlo, tt), thi = MAX (thi, tt);
                have++;
              }
        }
      g_assert_true (have == 0 || have == covered);
      if (have >= 2)
        {
          compared++;
          max_spread = MAX (max_spread, hi - lo);
          max_true_spread = MAX (max_true_spread, thi - tlo);
        }
    }
  g_test_message ("%u beats compared; onset spread %.3f ms (own estimates), %.3f ms (true offsets)",
                  compared, max_spread / 1000.0, max_true_spread / 1000.0);
  g_assert_cmpuint (compared, >, 10);
  g_assert_cmpfloat (max_spread, <, 1000.0);
  g_assert_cmpfloat (max_true_spread, <, 1000.0);

  for (guint i = 0; i < N_CLIENTS; i++)
    {
      tandem_sync_client_disconnect (jam[i].client);
      g_signal_handlers_disconnect_by_data (tandem_sync_client_get_project (jam[i].client), &jam[i]);
      g_object_unref (jam[i].client);
      g_array_unref (jam[i].onsets);
      g_array_unref (jam[i].true_onsets);
      g_array_unref (jam[i].steps);
    }
  sync_test_delay_proxy_free (proxy);
  sync_test_server_free (ts);
}

/* Alone, the local clock is the session clock: a start is on a bar of it,
 * at least the minimum lead ahead; a tempo change lands on the next bar. */
static void
test_offline (void)
{
  g_autoptr(TandemProject) project = tandem_project_new_demo ();
  g_autoptr(TandemOp) start = NULL;
  g_autoptr(TandemOp) tempo = NULL;
  g_autoptr(TandemOp) stop = NULL;
  g_autoptr(GError) error = NULL;
  gint64 now = tandem_transport_session_now (NULL);
  gint64 lead = tandem_transport_session_lead (NULL);
  double step_us, bar_us;
  guint64 at;

  g_assert_cmpint (lead, ==, TANDEM_TRANSPORT_MIN_LEAD_US);
  start = tandem_transport_op_start (project, now, lead, 0);
  g_assert_true (tandem_project_apply (project, start, NULL, &error));
  g_assert_no_error (error);
  step_us = tandem_transport_step_us (tandem_project_get_tempo (project),
                                      tandem_project_get_steps_per_beat (project));
  bar_us = step_us * tandem_project_get_steps_per_beat (project) * tandem_project_get_beats_per_bar (project);
  at = tandem_project_get_anchor_time (project);
  g_assert_true (tandem_project_get_playing (project));
  g_assert_cmpint ((gint64) at, >=, now + lead);
  g_assert_cmpfloat ((double) at - (double) (now + lead), <, bar_us + 1);
  g_assert_cmpuint (tandem_project_get_anchor_step (project), ==, 0);

  /* Half a bar after the start, a tempo change goes to bar 2 (step 16)… */
  tempo = tandem_transport_op_tempo (project, (gint64) at + (gint64) (bar_us / 2) - lead, lead, 90.0);
  g_assert_true (tandem_project_apply (project, tempo, NULL, &error));
  g_assert_cmpuint (tandem_project_get_anchor_step (project), ==, 16);
  g_assert_cmpint ((gint64) tandem_project_get_anchor_time (project), ==, (gint64) llround (at + bar_us));
  g_assert_cmpfloat (tandem_project_get_tempo (project), ==, 90.0);

  /* …and stop is at once and keeps the anchor. */
  stop = tandem_transport_op_stop ();
  g_assert_true (tandem_project_apply (project, stop, NULL, &error));
  g_assert_false (tandem_project_get_playing (project));
  g_assert_cmpuint (tandem_project_get_anchor_step (project), ==, 16);
}

/* The estimator: the quickest exchanges win, a held-up leg does not move
 * the estimate, the bound holds, old samples age out. */
static void
test_clock_filter (void)
{
  g_autoptr(TandemClock) clock = tandem_clock_new ();
  const gint64 truth = 123456;
  gint64 t = 1000000;

  g_assert_cmpuint (tandem_clock_get_n_samples (clock), ==, 0);
  g_assert_cmpint (tandem_clock_get_uncertainty (clock), ==, G_MAXINT64);
  g_assert_false (tandem_clock_add_sample (clock, 10, 20, 5));

  /* 12 exchanges whose return leg queued for 5–60 ms (offset looks too
   * small by half of that), and 4 quick symmetric ones of 200 µs. */
  for (guint i = 0; i < 16; i++)
    {
      gint64 up = 100, down = i % 4 == 0 ? 100 : 5000 * (gint64) i;

      g_assert_true (tandem_clock_add_sample (clock, t, t + up + truth, t + up + down));
      t += 50000;
    }
  g_assert_cmpuint (tandem_clock_get_n_samples (clock), ==, 16);
  g_assert_cmpint (tandem_clock_get_offset (clock), ==, truth);
  g_assert_cmpint (tandem_clock_get_rtt (clock), ==, 200);
  g_assert_cmpint (tandem_clock_get_uncertainty (clock), ==, 100);
  g_assert_cmpint (tandem_clock_get_typical_rtt (clock), >, 200);

  /* The server clock jumps by 10 ms (another server): within a window of
   * new samples the estimate follows. */
  for (guint i = 0; i < TANDEM_CLOCK_WINDOW; i++)
    {
      g_assert_true (tandem_clock_add_sample (clock, t, t + 300 + truth + 10000, t + 600));
      t += 50000;
    }
  g_assert_cmpint (tandem_clock_get_offset (clock), ==, truth + 10000);
  g_assert_cmpint (ABS (tandem_clock_get_offset (clock) - (truth + 10000)), <=,
                   tandem_clock_get_uncertainty (clock));

  tandem_clock_reset (clock);
  g_assert_cmpuint (tandem_clock_get_n_samples (clock), ==, 0);
  g_assert_cmpint (tandem_clock_get_offset (clock), ==, 0);
}

/* A presence's round trip must be a sane number of µs; a good one reaches
 * the others (and a late joiner's welcome). */
static void
test_presence_rtt (void)
{
  SyncTestServer *ts = sync_test_server_new (NULL, FALSE);
  g_autoptr(SoupWebsocketConnection) conn = sync_test_raw_connect (ts->port, ts->session_id, NULL);
  g_autoptr(JsonObject) welcome = NULL;
  g_autoptr(JsonObject) error = NULL;
  g_autoptr(JsonObject) late = NULL;
  g_autoptr(SoupWebsocketConnection) other = NULL;
  const char *code = NULL;
  JsonArray *people;
  JsonObject *person;
  gint64 rtt = 0;
  const char *bad[] = {
    "{\"type\":\"presence\",\"rtt\":-5}",
    "{\"type\":\"presence\",\"rtt\":\"fast\"}",
    "{\"type\":\"presence\",\"rtt\":61000000}",
  };

  welcome = sync_test_raw_join (conn, ts->session_id, ts->tokens[TANDEM_ROLE_EDITOR], "rtt-a");
  g_assert_nonnull (welcome);
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(JsonObject) reply = NULL;

      soup_websocket_connection_send_text (conn, bad[i]);
      reply = sync_test_raw_expect (conn, "error", 2000);
      g_assert_nonnull (reply);
      g_assert_true (tandem_message_get_string (reply, "code", &code));
      g_assert_cmpstr (code, ==, TANDEM_CODE_BAD_MESSAGE);
    }
  soup_websocket_connection_send_text (conn, "{\"type\":\"presence\",\"name\":\"Ada\",\"rtt\":12345}");
  /* The server reads a connection's messages in order: once the ping after
   * it is answered, the presence has been stored. */
  soup_websocket_connection_send_text (conn, "{\"type\":\"ping\",\"t\":1}");
  {
    g_autoptr(JsonObject) pong = sync_test_raw_expect (conn, "pong", 5000);

    g_assert_nonnull (pong);
  }

  other = sync_test_raw_connect (ts->port, ts->session_id, NULL);
  late = sync_test_raw_join (other, ts->session_id, ts->tokens[TANDEM_ROLE_EDITOR], "rtt-b");
  g_assert_nonnull (late);
  people = json_object_get_array_member (late, "participants");
  g_assert_cmpuint (json_array_get_length (people), ==, 1);
  person = json_array_get_object_element (people, 0);
  g_assert_true (tandem_message_get_int (person, "rtt", &rtt));
  g_assert_cmpint (rtt, ==, 12345);

  soup_websocket_connection_close (conn, 1000, NULL);
  soup_websocket_connection_close (other, 1000, NULL);
  sync_test_raw_wait_closed (conn, 2000);
  sync_test_raw_wait_closed (other, 2000);
  sync_test_server_free (ts);
}

int
main (int   argc,
      char *argv[])
{
  sync_test_init (&argc, &argv);

  g_test_add_func ("/jam/clock-filter", test_clock_filter);
  g_test_add_func ("/jam/offline", test_offline);
  g_test_add_func ("/jam/presence-rtt", test_presence_rtt);
  g_test_add_func ("/jam/three-clients-and-a-late-one", test_jam);
  return g_test_run ();
}
