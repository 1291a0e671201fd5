/* tandem-participants-popover.h — who is in the session, where they are, their roles
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "tandem-model.h"
#include "tandem-participant.h"

G_BEGIN_DECLS

#define TANDEM_TYPE_PARTICIPANTS_POPOVER (tandem_participants_popover_get_type ())
G_DECLARE_FINAL_TYPE (TandemParticipantsPopover, tandem_participants_popover, TANDEM,
                      PARTICIPANTS_POPOVER, GtkPopover)

/*
 * Lists the sync client's participants (a GListModel of TandemParticipant,
 * bound with gtk_list_box_bind_model(): rows follow their participant's
 * notifications, nothing is rebuilt on a presence update), with the user's
 * own row on top.
 *
 * Signals:
 *   ::follow (TandemParticipant *) — a row was activated.
 *   ::set-role (TandemParticipant *, const char *role) — the owner asked to
 *     make them an "editor" or a "viewer".
 */
GtkWidget *tandem_participants_popover_new        (void);
/* @participants: (nullable): the list to show */
void       tandem_participants_popover_set_model  (TandemParticipantsPopover *self,
                                                   GListModel                *participants);
/* Names the patterns people are on. */
void       tandem_participants_popover_set_project (TandemParticipantsPopover *self,
                                                    TandemProject             *project);
/* The user's own row. */
void       tandem_participants_popover_set_own    (TandemParticipantsPopover *self,
                                                   const char                *name,
                                                   const char                *color,
                                                   const char                *detail);
/* Whether rows offer role changes (the user owns the session). */
void       tandem_participants_popover_set_can_manage (TandemParticipantsPopover *self,
                                                       gboolean                   can_manage);
/* The client id being followed (its row is marked), or NULL. */
void       tandem_participants_popover_set_following (TandemParticipantsPopover *self,
                                                      const char                *client_id);
/* What a row says under a person's name, e.g. "Editor · on Pattern 2 · Mixer". */
char      *tandem_participants_popover_describe   (TandemParticipantsPopover *self,
                                                   TandemParticipant         *participant);
GtkListBoxRow *tandem_participants_popover_get_row     (TandemParticipantsPopover *self,
                                                       guint                      index);
AdwActionRow  *tandem_participants_popover_get_own_row (TandemParticipantsPopover *self);
/* A role as people read it: "Host", "Editor", "Listening". */
const char *tandem_participants_popover_role_label (const char               *role);

G_END_DECLS
