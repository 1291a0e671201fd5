/* tandem-preferences-window.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define TANDEM_TYPE_PREFERENCES_WINDOW (tandem_preferences_window_get_type ())
G_DECLARE_FINAL_TYPE (TandemPreferencesWindow, tandem_preferences_window,
                      TANDEM, PREFERENCES_WINDOW, AdwPreferencesWindow)

/* The app's preferences (style, audio output, how others see you in a
 * session), each row bound to a key of @settings (the app's schema), so a
 * change applies at once and is remembered. Property: "settings". */
GtkWidget *tandem_preferences_window_new (GSettings *settings);

G_END_DECLS
