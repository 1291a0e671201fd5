/* tandem-invite-dialog.h — shows the links that invite people to a session
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define TANDEM_TYPE_INVITE_DIALOG (tandem_invite_dialog_get_type ())
G_DECLARE_FINAL_TYPE (TandemInviteDialog, tandem_invite_dialog, TANDEM, INVITE_DIALOG,
                      AdwMessageDialog)

/* Properties (strings, nullable: a row without a value is hidden):
 * "editor-link", "listener-link", "ws-url", and "endpoint", the host:port the
 * others must reach, which the body names. "on-server" (boolean): the
 * session runs on a server rather than this computer. Each link has a Copy
 * button; Enter closes the dialog. */
TandemInviteDialog *tandem_invite_dialog_new               (GtkWindow          *parent);
void                tandem_invite_dialog_set_editor_link   (TandemInviteDialog *self,
                                                            const char         *link);
const char         *tandem_invite_dialog_get_editor_link   (TandemInviteDialog *self);
void                tandem_invite_dialog_set_listener_link (TandemInviteDialog *self,
                                                            const char         *link);
const char         *tandem_invite_dialog_get_listener_link (TandemInviteDialog *self);
void                tandem_invite_dialog_set_ws_url        (TandemInviteDialog *self,
                                                            const char         *url);
void                tandem_invite_dialog_set_endpoint      (TandemInviteDialog *self,
                                                            const char         *endpoint,
                                                            gboolean            on_server);
/* Who the links work for, said plainly, and whether that may still change. */
void                tandem_invite_dialog_set_reach         (TandemInviteDialog *self,
                                                            const char         *kind,
                                                            const char         *detail,
                                                            gboolean            asking);
const char         *tandem_invite_dialog_get_reach         (TandemInviteDialog *self);
const char         *tandem_invite_dialog_get_reach_detail  (TandemInviteDialog *self);
gboolean            tandem_invite_dialog_get_reach_asking  (TandemInviteDialog *self);
/* Extension point, hidden while empty: more about the links. */
GtkBox             *tandem_invite_dialog_get_extra_slot    (TandemInviteDialog *self);

G_END_DECLS
