/* tandem-evolution-driver.h — sends the steps of the evolutions this participant runs
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "tandem-model.h"
#include "tandem-sync-client.h"

G_BEGIN_DECLS

/*
 * Watches the project's patterns. For every pattern whose evolution is
 * running with this participant as its author, it sends the steps on the bar
 * boundaries of the shared transport (tandem-bar-scheduler.h). When the author
 * of a running evolution leaves the session, the remaining participant with the
 * smallest client id pauses it (so exactly one op is sent, and anyone may
 * resume); one who joins and finds an evolution whose author is not there
 * pauses it the same way.
 */
typedef struct _TandemEvolutionDriver TandemEvolutionDriver;

/* @client may be NULL (alone): then @author_id names this participant. */
TandemEvolutionDriver *tandem_evolution_driver_new  (TandemProject         *project,
                                                     TandemSyncClient      *client,
                                                     const char            *author_id);
/* Who this participant is in "evolve-author": the client id in a session. */
const char            *tandem_evolution_driver_get_author (TandemEvolutionDriver *self);
/* How many evolutions it is sending the steps of now. */
guint                  tandem_evolution_driver_get_n_running (TandemEvolutionDriver *self);
void                   tandem_evolution_driver_free (TandemEvolutionDriver *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TandemEvolutionDriver, tandem_evolution_driver_free)

G_END_DECLS
