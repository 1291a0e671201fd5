/* ui-test-utils.h — what every test of the window and its widgets needs
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "tandem-model.h"
#include "tandem-application.h"
#include "tandem-window.h"

G_BEGIN_DECLS

/* GUI tests skip themselves without one (CI runs them under Xvfb). */
gboolean tandem_test_have_display (void);
/* Starts GTK and libadwaita when there is a display; call after g_test_init(). */
void     tandem_test_init_gtk     (void);
/* Iterates the main context until @done says so, at most 10 s; asserts it did. */
void     tandem_test_iterate_until (gboolean (*done) (gpointer data),
                                    gpointer   data);
/* A condition for tandem_test_iterate_until(): @data is a mapped widget. */
gboolean tandem_test_is_mapped     (gpointer data);

/* A registered application that opens files and never hands over to
 * another instance; asserts registering worked. */
TandemApplication *tandem_test_start_app (void);
/* Activates @app and returns its window once that is mapped. */
TandemWindow      *tandem_test_activate_and_wait (TandemApplication *app);

/* Conditions for tandem_test_iterate_until(): a popover menu under the
 * widget @data is open (mapped), or is not. */
gboolean tandem_test_menu_is_open   (gpointer data);
gboolean tandem_test_menu_is_closed (gpointer data);

/* Points XDG_DATA_HOME at a new empty folder; call first thing in main(), so
 * an app a test starts finds no drafts that an earlier, crashed run left. */
void     tandem_test_use_fresh_data_home (void);

typedef gboolean (*TandemTestWidgetMatch) (GtkWidget     *widget,
                                           gconstpointer  data);

/* The first of @root and its descendants, depth first, that @match accepts;
 * NULL if none. */
GtkWidget *tandem_test_find_widget_matching (GtkWidget             *root,
                                             TandemTestWidgetMatch  match,
                                             gconstpointer          data);
/* The first widget of @type under @root (or @root itself), with @tooltip
 * unless that is NULL; depth first, NULL if none. */
GtkWidget *tandem_test_find_widget          (GtkWidget             *root,
                                             GType                  type,
                                             const char            *tooltip);

/* Whether @text, read without its mnemonic underscores, is @plain. */
gboolean   tandem_test_label_is       (const char *text,
                                       const char *plain);
/* The item of an open menu (a popover's GtkModelButton) labelled @label. */
GtkWidget *tandem_test_find_menu_item (GtkWidget  *root,
                                       const char *label);

/* A new @width × @height window showing only @child, once @child is mapped. */
GtkWidget *tandem_test_show_in_window (GtkWidget *child,
                                       int        width,
                                       int        height);
/* Destroys @window (NULL is fine) and runs whatever that leaves pending. */
void     tandem_test_destroy_window (GtkWidget *window);

/* Applies @op (and frees it) straight to @project, as an edit from another
 * participant arrives: not through the widgets' history. */
void         tandem_test_remote_apply (TandemProject *project,
                                       TandemOp      *op);
/* Offers @keyval to @widget's own key controllers, as a key press on the
 * focused widget reaches them; TRUE when one took it. */
gboolean     tandem_test_widget_press_key (GtkWidget *widget,
                                           guint      keyval);
/* A primary click at (@x, @y) for @widget's click gesture; FALSE if it has none. */
gboolean     tandem_test_widget_click     (GtkWidget *widget,
                                           double     x,
                                           double     y);

/* The track at @index (transfer none). */
TandemTrack *tandem_test_track_at     (TandemProject *project,
                                       guint          index);

/* Real input, as a person gives it: under X11 with XTest (Xvfb in CI) the
 * events go through the X server and come back as ordinary events, so
 * focus changes, gestures and the window's shortcuts all take part. Only in
 * programs built with TANDEM_TEST_HAVE_XLIB (tests/ui/meson.build), which do
 * not run in parallel: real events reach whichever window has the X focus. */

/* Whether real input can be sent here; skips the test when not. */
gboolean tandem_test_can_send_input (void);
/* Presses and releases @keyval (with Shift and/or Control when @state says)
 * on @window. Returns once the X server has the events: wait for their
 * effect after. */
void     tandem_test_send_key       (GtkWidget       *window,
                                     guint            keyval,
                                     GdkModifierType  state);
/* Moves the pointer to (@x, @y) in @widget's coordinates. */
void     tandem_test_move_pointer   (GtkWidget       *widget,
                                     double           x,
                                     double           y);
/* Presses (@press) or releases mouse button @button (1 primary, 3
 * secondary) where the pointer is. */
void     tandem_test_send_button    (GtkWidget       *widget,
                                     guint            button,
                                     gboolean         press);

G_END_DECLS
