/* tandem-transport-bar.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "tandem-model.h"
#include "tandem-sync-client.h"

G_BEGIN_DECLS

#define TANDEM_TYPE_TRANSPORT_BAR (tandem_transport_bar_get_type ())
G_DECLARE_FINAL_TYPE (TandemTransportBar, tandem_transport_bar, TANDEM, TRANSPORT_BAR, GtkWidget)

/* Tempo, swing, key, scale and play mode of a project. Every change the user
 * makes goes through @history as an op; the controls follow the project.
 * Also the metronome toggle, which is the "metronome" setting (personal,
 * never an op). */
GtkWidget *tandem_transport_bar_new         (void);
void       tandem_transport_bar_set_history (TandemTransportBar *self,
                                             TandemHistory      *history);
/* The session whose clock schedules tempo changes on the next bar (NULL
 * alone: the local clock). Not owned. */
void       tandem_transport_bar_set_sync_client (TandemTransportBar *self,
                                                 TandemSyncClient   *client);
GtkToggleButton *tandem_transport_bar_get_metronome_button (TandemTransportBar *self);

G_END_DECLS
