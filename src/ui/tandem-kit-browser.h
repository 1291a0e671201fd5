/* tandem-kit-browser.h — choosing a Hydrogen drum kit and its instruments
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "tandem-window.h"

G_BEGIN_DECLS

#define TANDEM_TYPE_KIT_BROWSER (tandem_kit_browser_get_type ())
G_DECLARE_FINAL_TYPE (TandemKitBrowser, tandem_kit_browser, TANDEM, KIT_BROWSER, AdwWindow)

/* A browser of the kits in @folders (NULL: the standard kit folders) that
 * adds kits to @window's project, as edits of its history. */
TandemKitBrowser *tandem_kit_browser_new        (TandemWindow       *window,
                                                 const char * const *folders);
/* The number of kits it lists. */
guint             tandem_kit_browser_get_n_kits (TandemKitBrowser   *self);
/* Whether an import it started is still running. */
gboolean          tandem_kit_browser_is_busy    (TandemKitBrowser   *self);

G_END_DECLS
