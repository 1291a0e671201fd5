/* tandem-window-private.h — state shared by the files that make up the window
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "tandem-autosave.h"
#include "tandem-window.h"

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
  guint                 autosave_source;

  /* Template children */
  AdwWindowTitle       *window_title;
  AdwToastOverlay      *toast_overlay;
  GtkMenuButton        *primary_menu_button;
  GtkToggleButton      *play_button;
  AdwStatusPage        *summary_page;
};

void _tandem_window_class_actions_init (GtkWidgetClass *widget_class);
void _tandem_window_actions_update (TandemWindow *self);
void _tandem_window_set_project    (TandemWindow  *self,
                                    TandemProject *project,
                                    GFile         *file);

G_END_DECLS
