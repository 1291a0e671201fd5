/* bench-bare-window.c — the yardsticks for start-up: a bare GTK 4 window
 * (tandem-bench-bare-window) or the least a libadwaita app shows, its style
 * sheet and a header bar (tandem-bench-adw-window, built with
 * WITH_LIBADWAITA); each says when its first frame is painted and exits
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#ifdef WITH_LIBADWAITA
#include <adwaita.h>
#else
#include <gtk/gtk.h>
#endif
#include <stdio.h>

static gboolean done;

static void
on_after_paint (GdkFrameClock *clock,
                gpointer       user_data)
{
  if (done)
    return;

  done = TRUE;
  printf ("first-frame\n");
  fflush (stdout);
}

static void
on_map (GtkWidget *window)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (window);

  g_signal_connect (clock, "after-paint", G_CALLBACK (on_after_paint), NULL);
}

int
main (int    argc,
      char **argv)
{
  GtkWidget *window;

  gtk_init ();

#ifdef WITH_LIBADWAITA
  {
    GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);

    adw_init ();
    window = adw_window_new ();
    gtk_box_append (GTK_BOX (box), adw_header_bar_new ());
    gtk_box_append (GTK_BOX (box), gtk_label_new ("Hello"));
    adw_window_set_content (ADW_WINDOW (window), box);
  }
#else
  window = gtk_window_new ();
  gtk_window_set_child (GTK_WINDOW (window), gtk_label_new ("Hello"));
#endif
  gtk_window_set_title (GTK_WINDOW (window), "Bare");
  gtk_window_set_default_size (GTK_WINDOW (window), 1100, 720);
  g_signal_connect (window, "map", G_CALLBACK (on_map), NULL);
  gtk_window_present (GTK_WINDOW (window));

  while (!done)
    g_main_context_iteration (NULL, TRUE);

  return 0;
}
