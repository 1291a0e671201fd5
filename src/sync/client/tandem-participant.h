/* tandem-participant.h — someone in a session, as the sync client sees them
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define TANDEM_TYPE_PARTICIPANT (tandem_participant_get_type ())
G_DECLARE_FINAL_TYPE (TandemParticipant, tandem_participant, TANDEM, PARTICIPANT, GObject)

/*
 * Properties: "client-id" (construct-only), "name", "color" ("#rrggbb"),
 * "role" ("owner", "editor", "viewer"), and the cursor: "cursor-pattern",
 * "cursor-track" (ids or NULL), "cursor-step" (-1 when none) and
 * "cursor-control" (a mixer control such as "volume", or NULL), and "rtt":
 * their round trip to the server in µs as they measured it (-1: unknown),
 * and their view: "view-pattern" (the pattern they edit) and "view-page"
 * ("grid", "mixer", "song"), NULL when unknown.
 */
TandemParticipant *tandem_participant_new                (const char        *client_id);
const char        *tandem_participant_get_client_id      (TandemParticipant *self);
const char        *tandem_participant_get_name           (TandemParticipant *self);
const char        *tandem_participant_get_color          (TandemParticipant *self);
const char        *tandem_participant_get_role           (TandemParticipant *self);
const char        *tandem_participant_get_cursor_pattern (TandemParticipant *self);
const char        *tandem_participant_get_cursor_track   (TandemParticipant *self);
int                tandem_participant_get_cursor_step    (TandemParticipant *self);
const char        *tandem_participant_get_cursor_control (TandemParticipant *self);
gint64             tandem_participant_get_rtt            (TandemParticipant *self);
const char        *tandem_participant_get_view_pattern   (TandemParticipant *self);
const char        *tandem_participant_get_view_page      (TandemParticipant *self);

/* Updates from a presence or participant object of the protocol; notifies
 * the properties that changed. */
void               tandem_participant_update_from_json   (TandemParticipant *self,
                                                          JsonObject        *obj);
/* The cursor object of the protocol for these fields (NULL members left out). */
JsonNode          *tandem_participant_cursor_to_json     (const char        *pattern_id,
                                                          const char        *track_id,
                                                          int                step,
                                                          const char        *control);

G_END_DECLS
