/* tandem-evolution-driver.c — one bar scheduler per evolution this participant runs
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-sync"

#include "config.h"

#include <string.h>

#include "tandem-bar-scheduler.h"
#include "tandem-evolution-driver.h"

struct _TandemEvolutionDriver
{
  TandemProject    *project;
  TandemSyncClient *client;
  char             *local_author;
  GHashTable       *running;  /* pattern id → TandemBarScheduler */
  gulong            applied_id, reset_id, left_id, state_id;
  guint             prune_id;
};

typedef struct
{
  TandemEvolutionDriver *driver;
  char                  *pattern_id;
} Job;

const char *
tandem_evolution_driver_get_author (TandemEvolutionDriver *self)
{
  const char *id = self->client != NULL ? tandem_sync_client_get_client_id (self->client) : NULL;

  return id != NULL ? id : self->local_author;
}

static gboolean
is_mine (TandemEvolutionDriver *self,
         TandemPattern         *pattern)
{
  TandemEvolution ev;

  tandem_pattern_get_evolution (pattern, &ev);
  return ev.state == TANDEM_EVOLVE_RUNNING
         && strcmp (ev.author, tandem_evolution_driver_get_author (self)) == 0;
}

static TandemOp *
produce_step (TandemProject *project,
              guint          index,
              guint64        bar_step,
              gpointer       user_data)
{
  Job *job = user_data;
  TandemPattern *pattern = tandem_project_find_pattern (project, job->pattern_id);

  if (pattern == NULL || !is_mine (job->driver, pattern))
    return NULL;
  return tandem_evolve_op_next (project, pattern);
}

static void
job_free (gpointer data)
{
  Job *job = data;

  g_free (job->pattern_id);
  g_free (job);
}

/* Frees the runs that ended. Deferred: an op their own scheduler sent may be
 * what ended them, and it is still on the stack then. */
static gboolean
prune (gpointer data)
{
  TandemEvolutionDriver *self = data;
  GHashTableIter iter;
  gpointer value;

  self->prune_id = 0;
  g_hash_table_iter_init (&iter, self->running);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    if (!tandem_bar_scheduler_is_running (value))
      g_hash_table_iter_remove (&iter);
  return G_SOURCE_REMOVE;
}

static void
update (TandemEvolutionDriver *self)
{
  GListModel *patterns = tandem_project_get_patterns (self->project);
  GHashTableIter iter;
  gpointer key, value;

  /* Stop the runs whose pattern went, stopped or changed hands. */
  g_hash_table_iter_init (&iter, self->running);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      TandemPattern *pattern = tandem_project_find_pattern (self->project, key);

      if (tandem_bar_scheduler_is_running (value) && (pattern == NULL || !is_mine (self, pattern)))
        tandem_bar_scheduler_stop (value);
      if (!tandem_bar_scheduler_is_running (value) && self->prune_id == 0)
        self->prune_id = g_idle_add (prune, self);
    }

  for (guint i = 0; i < g_list_model_get_n_items (patterns); i++)
    {
      g_autoptr(TandemPattern) pattern = g_list_model_get_item (patterns, i);
      const char *id = tandem_pattern_get_id (pattern);
      TandemEvolution ev;
      Job *job;

      TandemBarScheduler *old = g_hash_table_lookup (self->running, id);

      if (!is_mine (self, pattern) || (old != NULL && tandem_bar_scheduler_is_running (old)))
        continue;
      if (old != NULL)
        {
          /* Resumed before the idle prune: hand the stopped run over at once. */
          gpointer stolen_key = NULL;

          g_hash_table_steal_extended (self->running, id, &stolen_key, NULL);
          g_free (stolen_key);
          g_idle_add_once ((GSourceOnceFunc) tandem_bar_scheduler_free, old);
        }
      tandem_pattern_get_evolution (pattern, &ev);
      job = g_new0 (Job, 1);
      job->driver = self;
      job->pattern_id = g_strdup (id);
      g_hash_table_insert (self->running, g_strdup (id),
                           tandem_bar_scheduler_new (self->project, self->client, id, ev.every,
                                                     produce_step, job, job_free));
    }
}

static void
on_op_applied (TandemProject *project,
               TandemOp      *op,
               gpointer       data)
{
  update (data);
}

static void
on_reset (TandemProject *project,
          gpointer       data)
{
  update (data);
}

/* The smallest client id among those still here decides, so one pause goes out. */
static gboolean
i_decide (TandemEvolutionDriver *self,
          const char            *leaving)
{
  GListModel *people = tandem_sync_client_get_participants (self->client);
  const char *me = tandem_evolution_driver_get_author (self);

  for (guint i = 0; i < g_list_model_get_n_items (people); i++)
    {
      g_autoptr(TandemParticipant) p = g_list_model_get_item (people, i);
      const char *id = tandem_participant_get_client_id (p);

      if (strcmp (id, leaving) != 0 && strcmp (id, me) < 0)
        return FALSE;
    }
  return TRUE;
}

static gboolean
is_present (TandemEvolutionDriver *self,
            const char            *client_id)
{
  GListModel *people = tandem_sync_client_get_participants (self->client);

  if (strcmp (client_id, tandem_evolution_driver_get_author (self)) == 0)
    return TRUE;
  for (guint i = 0; i < g_list_model_get_n_items (people); i++)
    {
      g_autoptr(TandemParticipant) p = g_list_model_get_item (people, i);

      if (strcmp (tandem_participant_get_client_id (p), client_id) == 0)
        return TRUE;
    }
  return FALSE;
}

/* Pauses the running evolutions of @leaving, or with @leaving NULL, those
 * whose author is not in the session (it left before we joined). */
static void
pause_orphans (TandemEvolutionDriver *self,
               const char            *leaving)
{
  GListModel *patterns = tandem_project_get_patterns (self->project);

  for (guint i = 0; i < g_list_model_get_n_items (patterns); i++)
    {
      g_autoptr(TandemPattern) pattern = g_list_model_get_item (patterns, i);
      TandemEvolution ev;

      tandem_pattern_get_evolution (pattern, &ev);
      if (ev.state != TANDEM_EVOLVE_RUNNING)
        continue;
      if (leaving != NULL ? strcmp (ev.author, leaving) == 0
                          : !is_present (self, ev.author) && i_decide (self, ev.author))
        {
          g_autoptr(TandemOp) pause = tandem_evolve_op_pause (pattern);
          g_autoptr(GError) error = NULL;

          if (!tandem_sync_client_submit (self->client, pause, &error))
            g_debug ("Could not pause an evolution: %s", error->message);
        }
    }
}

static void
on_participant_left (TandemSyncClient  *client,
                     TandemParticipant *participant,
                     gpointer           data)
{
  TandemEvolutionDriver *self = data;
  const char *leaving = tandem_participant_get_client_id (participant);

  if (i_decide (self, leaving))
    pause_orphans (self, leaving);
}

/* On joining, the participants are known: an author who left while nobody
 * else was there leaves an evolution that nobody steps. */
static void
on_state (TandemEvolutionDriver *self)
{
  if (tandem_sync_client_get_state (self->client) == TANDEM_SYNC_STATE_LIVE)
    pause_orphans (self, NULL);
  update (self);
}

TandemEvolutionDriver *
tandem_evolution_driver_new (TandemProject    *project,
                             TandemSyncClient *client,
                             const char       *author_id)
{
  TandemEvolutionDriver *self;

  g_return_val_if_fail (TANDEM_IS_PROJECT (project), NULL);
  g_return_val_if_fail (client == NULL || TANDEM_IS_SYNC_CLIENT (client), NULL);

  self = g_new0 (TandemEvolutionDriver, 1);
  self->project = g_object_ref (project);
  self->client = client != NULL ? g_object_ref (client) : NULL;
  self->local_author = author_id != NULL ? g_strdup (author_id) : tandem_id_new ();
  self->running = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                         (GDestroyNotify) tandem_bar_scheduler_free);
  self->applied_id = g_signal_connect (project, "op-applied", G_CALLBACK (on_op_applied), self);
  self->reset_id = g_signal_connect (project, "reset", G_CALLBACK (on_reset), self);
  if (client != NULL)
    {
      self->left_id = g_signal_connect (client, "participant-left",
                                        G_CALLBACK (on_participant_left), self);
      self->state_id = g_signal_connect_swapped (client, "notify::state", G_CALLBACK (on_state),
                                                 self);
    }
  update (self);
  return self;
}

guint
tandem_evolution_driver_get_n_running (TandemEvolutionDriver *self)
{
  return g_hash_table_size (self->running);
}

void
tandem_evolution_driver_free (TandemEvolutionDriver *self)
{
  if (self == NULL)
    return;
  g_clear_signal_handler (&self->applied_id, self->project);
  g_clear_signal_handler (&self->reset_id, self->project);
  if (self->client != NULL)
    {
      g_clear_signal_handler (&self->left_id, self->client);
      g_clear_signal_handler (&self->state_id, self->client);
    }
  g_clear_handle_id (&self->prune_id, g_source_remove);
  g_clear_pointer (&self->running, g_hash_table_unref);
  g_clear_object (&self->project);
  g_clear_object (&self->client);
  g_free (self->local_author);
  g_free (self);
}
