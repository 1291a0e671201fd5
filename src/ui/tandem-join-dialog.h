/* tandem-join-dialog.h — asks for the invite link of a session to join
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define TANDEM_TYPE_JOIN_DIALOG (tandem_join_dialog_get_type ())
G_DECLARE_FINAL_TYPE (TandemJoinDialog, tandem_join_dialog, TANDEM, JOIN_DIALOG, AdwMessageDialog)

/* Sessions announced on the local network are listed above the link
 * ("Nearby Sessions", hidden while there are none); picking one fills in
 * its link, which carries no token, and asks its host to let us in as
 * "display-name" (a spinner and Cancel meanwhile). Let in, the dialog
 * joins with the token the host gave; turned away, it stays open and says
 * why. Property "link" (string): the link typed or pasted. Join (button or
 * Enter) is enabled only for a link that parses. Signal "join" (link): the
 * user confirmed, or the host let us in; the dialog closes. */
TandemJoinDialog *tandem_join_dialog_new      (GtkWindow        *parent);
const char       *tandem_join_dialog_get_link (TandemJoinDialog *self);
void              tandem_join_dialog_set_link (TandemJoinDialog *self,
                                               const char       *link);
/* The name a nearby session's host is asked about (property
 * "display-name"; NULL or empty: the account's user name). */
void              tandem_join_dialog_set_display_name  (TandemJoinDialog *self,
                                                        const char       *name);
/* Whether it waits for a host's answer; what it says about the last
 * refusal (NULL while it says nothing). */
gboolean          tandem_join_dialog_is_knocking       (TandemJoinDialog *self);
const char       *tandem_join_dialog_get_knock_message (TandemJoinDialog *self);
/* The box of nearby sessions (filled by the dialog, hidden while none are
 * found), and an extension point, hidden while empty, for the entry of the
 * name the others see. */
GtkBox           *tandem_join_dialog_get_nearby_slot (TandemJoinDialog *self);
GtkBox           *tandem_join_dialog_get_name_slot   (TandemJoinDialog *self);

G_END_DECLS
