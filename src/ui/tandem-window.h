/* tandem-window.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "tandem-application.h"
#include "tandem-model.h"
#include "tandem-sync-client.h"

G_BEGIN_DECLS

#define TANDEM_TYPE_WINDOW (tandem_window_get_type ())
G_DECLARE_FINAL_TYPE (TandemWindow, tandem_window, TANDEM, WINDOW, AdwApplicationWindow)

TandemWindow  *tandem_window_new          (TandemApplication *app);
TandemProject *tandem_window_get_project  (TandemWindow      *self);
TandemHistory *tandem_window_get_history  (TandemWindow      *self);
void           tandem_window_load_demo    (TandemWindow      *self);
void           tandem_window_open_file    (TandemWindow      *self,
                                           GFile             *file);
gboolean       tandem_window_save_to_file (TandemWindow      *self,
                                           GFile             *file,
                                           GError           **error);
gboolean       tandem_window_restore_draft (TandemWindow     *self,
                                            const char       *draft_id,
                                            GError          **error);
void           tandem_window_export_to_file (TandemWindow    *self,
                                             GFile           *file);
gboolean       tandem_window_is_exporting   (TandemWindow    *self);
gboolean       tandem_window_host_session   (TandemWindow    *self,
                                             guint16          port,
                                             GError         **error);
gboolean       tandem_window_host_session_at (TandemWindow   *self,
                                              guint16         port,
                                              const char     *public_host,
                                              GError        **error);
gboolean       tandem_window_join_session   (TandemWindow    *self,
                                             const char      *link,
                                             GError         **error);
/* Hosts again the session remembered under @key (tandem-hosted-sessions.h):
 * the same session id and links, on the same port, from its journal. */
gboolean       tandem_window_resume_hosting (TandemWindow    *self,
                                             const char      *key,
                                             GError         **error);
/* At start-up: the newest session the app was hosting when it stopped
 * (a crash) is offered in the window it was hosted from (or @self) when
 * @ask, else resumed now: then FALSE with @error when there was none or it
 * cannot be resumed. */
gboolean       tandem_window_recover_hosting (TandemWindow   *self,
                                              gboolean        ask,
                                              GError        **error);
/* Rejoins the session the window's restored draft was in, as the same
 * participant: the edits the host never confirmed are sent. */
gboolean       tandem_window_rejoin_session (TandemWindow    *self,
                                             GError         **error);
const char    *tandem_window_get_invite_link (TandemWindow   *self);
TandemSyncClient *tandem_window_get_sync_client (TandemWindow *self);
void           tandem_window_show_toast   (TandemWindow      *self,
                                           const char        *message);

G_END_DECLS
