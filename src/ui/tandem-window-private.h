/* tandem-window-private.h — state shared by the files that make up the window
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "tandem-autosave.h"
#include "tandem-engine.h"
#include "tandem-remote-host.h"
#include "tandem-history-panel.h"
#include "tandem-hosted-sessions.h"
#include "tandem-knock-prompt.h"
#include "tandem-invite-dialog.h"
#include "tandem-port-mapping.h"
#include "tandem-session-host.h"
#include "tandem-sync-client.h"
#include "tandem-sample-transfers.h"
#include "tandem-participants-popover.h"
#include "tandem-transfers-popover.h"
#include "tandem-transport-bar.h"
#include "tandem-window.h"
#include "widgets/tandem-chord-lane.h"
#include "widgets/tandem-generate-panel.h"
#include "widgets/tandem-grid-view.h"
#include "widgets/tandem-mixer-view.h"
#include "widgets/tandem-pattern-bar.h"
#include "widgets/tandem-timeline-view.h"

G_BEGIN_DECLS

struct _TandemWindow
{
  AdwApplicationWindow  parent_instance;

  TandemProject        *project;
  TandemHistory        *history;
  GFile                *file;       /* NULL until saved or opened */
  gboolean              modified;
  gboolean              close_confirmed;
  GSettings            *settings;
  TandemDraft          *draft;
  TandemEngine         *engine;
  guint                 open_output_source;
  gboolean              audio_off_reported;
  GCancellable         *export_cancellable;
  TandemSyncClient     *client;     /* NULL when not in a session */
  TandemSessionHost    *host;       /* non-NULL when this window hosts */
  TandemRemoteSession  *remote_session; /* non-NULL when this window hosted on a server */
  char                 *invite_link;
  char                 *session_address;
  gboolean              ever_live;
  gboolean              unreachable_reported;
  GtkMenuButton        *participants_button;
  TandemParticipantsPopover *participants_popover;
  /* Session view state (tandem-window-session.c) */
  char                 *following;        /* client id whose view this window follows */
  guint                 applying_follow;  /* view changes made by following, not by the user */
  GtkRevealer          *follow_bar;
  GtkLabel             *follow_label;
  GtkRevealer          *listener_banner;
  GHashTable           *last_writers;     /* edited target → client id of its last writer */
  char                 *shown_role;       /* the role the window was last set up for */
  AdwToast             *listening_toast;  /* shown to a listener who tried to edit */
  TandemKnockPrompt    *knock_prompt;     /* while owner of a session it has the tokens of */
  gboolean              views_ready;      /* the view shown is the person's choice (views.c) */
  GtkRevealer          *export_revealer;
  GtkProgressBar       *export_progress;
  guint                 autosave_source;
  TandemSampleTransfers *transfers; /* NULL when not in a session */
  GCancellable         *samples_cancellable;
  GtkMenuButton        *transfers_button;
  TandemTransfersPopover *transfers_popover;
  guint                 transport_source;
  gint64                play_held_until;  /* Play pressed while reconnecting; 0: none */
  TandemMixerView      *mixer_view;     /* NULL until the Mixer is first shown */
  TandemTimelineView   *timeline_view;  /* NULL until the Song is first shown */

  /* Template children */
  AdwViewSwitcherTitle *window_title;
  AdwViewStack         *view_stack;
  GtkLabel             *project_label;
  GtkLabel             *status_label;
  TandemPatternBar     *pattern_bar;
  TandemGridView       *grid_view;
  AdwBin               *mixer_page;
  AdwBin               *song_page;
  AdwToastOverlay      *toast_overlay;
  GtkMenuButton        *primary_menu_button;
  GMenuModel           *primary_menu;
  GtkToggleButton      *play_button;
  TandemTransportBar   *transport_bar;
  GtkLabel             *count_in_label;
  TandemChordLane      *chord_lane;
  TandemGeneratePanel  *generate_panel;
  GtkRevealer          *music_revealer;

  /* tandem-window-resume.c: the session this window hosts, as remembered
   * on disk; the host-gone bar */
  TandemHostedSession  *hosted;
  GtkRevealer          *host_gone_bar;
  guint                 host_gone_source;
  /* tandem-window-rejoin.c: the guest's session kept with its draft */
  GMenu                *recent_sessions_menu;
  GtkRevealer          *rejoin_bar;
  GtkLabel             *rejoin_label;
  guint                 session_save_source;
  gboolean              session_recorded; /* in recent-sessions since joining */
  gint64                storage_toast_us; /* when the last "cannot store" was said */

  /* tandem-window-reach.c: the router asked to forward the hosted port */
  TandemPortMapping    *port_mapping;      /* NULL: not asked, or it did not */
  GCancellable         *reach_cancellable; /* while asking */
  gboolean              reach_open;        /* the router forwards it */
  char                 *reach_error;       /* why it did not, for the invite dialog */
  GtkWidget            *invite_dialog;     /* weak: the local invite shown */

  /* tandem-window-history.c */
  GtkRevealer          *history_revealer;
  TandemHistoryPanel   *history_panel;
  TandemHistory        *preview_history; /* of the version previewed; NULL: live */
  TandemProject        *preview;         /* the version previewed, which the engine
                                          * plays; NULL: live */
};

void _tandem_window_class_actions_init (GtkWidgetClass *widget_class);
void _tandem_window_actions_init   (TandemWindow *self);
void _tandem_window_actions_update (TandemWindow *self);
void _tandem_window_class_export_init (GtkWidgetClass *widget_class);
void _tandem_window_class_session_init (GtkWidgetClass *widget_class);
void _tandem_window_session_init       (TandemWindow   *self);
void _tandem_window_leave_session      (TandemWindow   *self);
void _tandem_window_session_dispose    (TandemWindow   *self);
char *_tandem_window_dup_session_status (TandemWindow  *self);
/* tandem-window-knock.c: asks the owner about those who knock; call when
 * the role or the session changes. */
void _tandem_window_knock_update       (TandemWindow   *self);
/* Whether the window is in a session as a listener, who edits nothing. */
gboolean _tandem_window_is_listening (TandemWindow *self);
/* Tells a listener who tried to edit (undo, redo) that they are listening. */
void _tandem_window_tell_listening (TandemWindow *self);
void _tandem_window_update_status (TandemWindow *self);
/* Fills @dialog with the links of the session this window hosts. */
void _tandem_window_fill_local_invite (TandemWindow       *self,
                                       TandemInviteDialog *dialog);
/* Shows the links of the session this window hosts, and who they work for. */
void _tandem_window_show_invite_dialog (TandemWindow     *self);
void     _tandem_window_reach_start   (TandemWindow       *self,
                                       const char         *address,
                                       guint16             port);
void     _tandem_window_reach_stop    (TandemWindow       *self);
void     _tandem_window_reach_show    (TandemWindow       *self,
                                       TandemInviteDialog *dialog);
gboolean _tandem_window_reach_is_open (TandemWindow       *self);
void _tandem_window_audio_init    (TandemWindow *self);
void _tandem_window_audio_start   (TandemWindow *self);
void _tandem_window_audio_dispose (TandemWindow *self);
void _tandem_window_audio_attach_mixer (TandemWindow *self);
void _tandem_window_pages_init        (TandemWindow *self);
void _tandem_window_pages_set_project (TandemWindow *self);
void _tandem_window_class_samples_init (GtkWidgetClass *widget_class);
void _tandem_window_samples_init    (TandemWindow *self);
void _tandem_window_samples_update  (TandemWindow *self);
void _tandem_window_samples_dispose (TandemWindow *self);
void _tandem_window_import_sample   (TandemWindow *self,
                                     GFile        *file,
                                     const char   *track_id);
void _tandem_window_transport_init    (TandemWindow *self);
void _tandem_window_transport_dispose (TandemWindow *self);
void _tandem_window_toggle_play       (TandemWindow *self);
void _tandem_window_music_init        (TandemWindow *self);
void _tandem_window_music_set_project (TandemWindow *self);
void _tandem_window_music_set_client  (TandemWindow *self);
void _tandem_window_history_init       (TandemWindow *self);
void _tandem_window_history_set_client (TandemWindow *self);
void _tandem_window_history_dispose    (TandemWindow *self);
gboolean _tandem_window_history_toggle_play (TandemWindow *self);
/* What the engine plays and the playhead follows: a preview, or the live
 * project. */
TandemProject *_tandem_window_audible_project (TandemWindow *self);
void _tandem_window_update_play_button (TandemWindow *self);
/* A bar under the toolbar: a message, and a button for @action when
 * @button_label is set. */
GtkRevealer *_tandem_window_add_bar   (TandemWindow  *self,
                                       const char    *css_class,
                                       GtkLabel     **label_out,
                                       const char    *button_label,
                                       const char    *action);
/* tandem-window-session.c: joins @link; with @state (a saved client state,
 * tandem-sync-client-resume.h) the client carries on as the one that saved it. */
gboolean _tandem_window_join_link     (TandemWindow  *self,
                                       const char    *link,
                                       JsonNode      *state,
                                       GError       **error);
/* Joins the session self->host serves, over loopback, as its owner. */
gboolean _tandem_window_join_own_host (TandemWindow  *self,
                                       GError       **error);
/* tandem-window-resume.c: hosting that survives a crash, and the bar that
 * says when the host is gone. The session code calls these as the window
 * starts hosting (with the entry that remembers it), joins, and leaves. */
void _tandem_window_resume_init         (TandemWindow        *self);
void _tandem_window_resume_dispose      (TandemWindow        *self);
void _tandem_window_resume_host_started (TandemWindow        *self,
                                         TandemHostedSession *entry);
void _tandem_window_resume_joined       (TandemWindow        *self);
/* FALSE (and the offer to resume it) when a session a crash interrupted
 * waits for @port. */
gboolean _tandem_window_resume_check_port (TandemWindow      *self,
                                           guint16            port,
                                           GError           **error);
void _tandem_window_resume_left         (TandemWindow        *self);
/* tandem-window-rejoin.c: a guest's session kept with its draft, and the
 * Recent Sessions menu. */
void _tandem_window_class_rejoin_init   (GtkWidgetClass      *widget_class);
void _tandem_window_rejoin_init         (TandemWindow        *self);
void _tandem_window_rejoin_dispose      (TandemWindow        *self);
void _tandem_window_rejoin_joined       (TandemWindow        *self);
void _tandem_window_rejoin_left         (TandemWindow        *self);
/* After a draft was restored: offers to rejoin the session it was in. */
void _tandem_window_rejoin_check_draft  (TandemWindow        *self);
/* tandem-window-views.c: the pattern and page last shown, per project and
 * session. */
void _tandem_window_views_remember (TandemWindow *self);
void _tandem_window_views_hold     (TandemWindow *self);
void _tandem_window_views_restore  (TandemWindow *self);
void _tandem_window_views_flush    (void);
void _tandem_window_set_project    (TandemWindow  *self,
                                    TandemProject *project,
                                    GFile         *file);

G_END_DECLS
