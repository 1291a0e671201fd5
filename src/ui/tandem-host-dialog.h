/* tandem-host-dialog.h — asks how and where to host a session
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define TANDEM_TYPE_HOST_DIALOG (tandem_host_dialog_get_type ())
G_DECLARE_FINAL_TYPE (TandemHostDialog, tandem_host_dialog, TANDEM, HOST_DIALOG, AdwWindow)

/* Properties: "display-name" (string), "where" ("local" or "server"),
 * "port" (uint, 0: any free port; local), "server-address", "admin-token"
 * (strings), "remember-token" (boolean; server) and "open-port" (boolean:
 * ask the router to forward the port; local).
 * Signal "host": the user confirmed (the Host button or Enter). The dialog
 * stays open until the window closes it, so it can show progress. */
TandemHostDialog *tandem_host_dialog_new              (GtkWindow        *parent);
const char       *tandem_host_dialog_get_display_name (TandemHostDialog *self);
void              tandem_host_dialog_set_display_name (TandemHostDialog *self,
                                                       const char       *name);
guint             tandem_host_dialog_get_port         (TandemHostDialog *self);
void              tandem_host_dialog_set_port         (TandemHostDialog *self,
                                                       guint             port);
const char       *tandem_host_dialog_get_where        (TandemHostDialog *self);
void              tandem_host_dialog_set_where        (TandemHostDialog *self,
                                                       const char       *where);
const char       *tandem_host_dialog_get_server_address (TandemHostDialog *self);
void              tandem_host_dialog_set_server_address (TandemHostDialog *self,
                                                         const char       *address);
const char       *tandem_host_dialog_get_admin_token  (TandemHostDialog *self);
void              tandem_host_dialog_set_admin_token  (TandemHostDialog *self,
                                                       const char       *token);
gboolean          tandem_host_dialog_get_remember_token (TandemHostDialog *self);
void              tandem_host_dialog_set_remember_token (TandemHostDialog *self,
                                                         gboolean          remember);
gboolean          tandem_host_dialog_get_open_port    (TandemHostDialog *self);
void              tandem_host_dialog_set_open_port    (TandemHostDialog *self,
                                                       gboolean          open_port);
/* Progress and errors of the hosting the window does after "host". */
void              tandem_host_dialog_set_busy         (TandemHostDialog *self,
                                                       const char       *status);
gboolean          tandem_host_dialog_get_busy         (TandemHostDialog *self);
void              tandem_host_dialog_set_progress     (TandemHostDialog *self,
                                                       double            fraction);
void              tandem_host_dialog_show_error       (TandemHostDialog *self,
                                                       const char       *message);
const char       *tandem_host_dialog_get_error        (TandemHostDialog *self);
/* The choice of the address invite links name (local), and the label
 * saying what kind of link that makes. */
GtkBox           *tandem_host_dialog_get_address_slot   (TandemHostDialog *self);
GtkBox           *tandem_host_dialog_get_link_kind_slot (TandemHostDialog *self);
void              tandem_host_dialog_set_addresses      (TandemHostDialog  *self,
                                                         const char *const *addresses);
const char       *tandem_host_dialog_get_address        (TandemHostDialog *self);
gboolean          tandem_host_dialog_set_address        (TandemHostDialog *self,
                                                         const char       *address);
const char       *tandem_host_dialog_get_link_kind      (TandemHostDialog *self);

G_END_DECLS
