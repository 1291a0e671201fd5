/* ui-test-utils.c — what every test of the window and its widgets needs
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "ui-test-utils.h"

#include <adwaita.h>

#define WAIT_SECONDS 10

gboolean
tandem_test_have_display (void)
{
  return g_getenv ("DISPLAY") != NULL || g_getenv ("WAYLAND_DISPLAY") != NULL;
}

static gboolean
keep_waking (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

void
tandem_test_iterate_until (gboolean (*done) (gpointer data),
                           gpointer   data)
{
  gint64 deadline = g_get_monotonic_time () + WAIT_SECONDS * G_USEC_PER_SEC;

  /* Waiting means iterating, never sleeping: a periodic source keeps the
   * loop from blocking forever when nothing else is pending. */
  guint wake = g_timeout_add (50, keep_waking, NULL);

  while (!done (data) && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (wake);
  g_assert_true (done (data));
}

gboolean
tandem_test_is_mapped (gpointer data)
{
  return gtk_widget_get_mapped (GTK_WIDGET (data));
}

void
tandem_test_use_fresh_data_home (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("tandem-test-data-XXXXXX", &error);

  g_assert_no_error (error);
  g_setenv ("XDG_DATA_HOME", dir, TRUE);
}

GtkWidget *
tandem_test_find_widget_matching (GtkWidget             *root,
                                  TandemTestWidgetMatch  match,
                                  gconstpointer          data)
{
  if (match (root, data))
    return root;

  for (GtkWidget *child = gtk_widget_get_first_child (root);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = tandem_test_find_widget_matching (child, match, data);

      if (found != NULL)
        return found;
    }
  return NULL;
}

typedef struct
{
  GType       type;
  const char *tooltip;
} TypeAndTooltip;

static gboolean
has_type_and_tooltip (GtkWidget     *widget,
                      gconstpointer  data)
{
  const TypeAndTooltip *want = data;

  return G_TYPE_CHECK_INSTANCE_TYPE (widget, want->type) &&
         (want->tooltip == NULL ||
          g_strcmp0 (gtk_widget_get_tooltip_text (widget), want->tooltip) == 0);
}

GtkWidget *
tandem_test_find_widget (GtkWidget  *root,
                         GType       type,
                         const char *tooltip)
{
  TypeAndTooltip want = { type, tooltip };

  return tandem_test_find_widget_matching (root, has_type_and_tooltip, &want);
}

GtkWidget *
tandem_test_show_in_window (GtkWidget *child,
                            int        width,
                            int        height)
{
  GtkWidget *window = gtk_window_new ();

  gtk_window_set_default_size (GTK_WINDOW (window), width, height);
  gtk_window_set_child (GTK_WINDOW (window), child);
  gtk_window_present (GTK_WINDOW (window));
  tandem_test_iterate_until (tandem_test_is_mapped, child);
  return window;
}

void
tandem_test_destroy_window (GtkWidget *window)
{
  if (window != NULL)
    gtk_window_destroy (GTK_WINDOW (window));
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

void
tandem_test_remote_apply (TandemProject *project,
                          TandemOp      *op)
{
  g_autoptr(TandemOp) owned = op;
  g_autoptr(GError) error = NULL;

  g_assert_true (tandem_project_apply (project, owned, NULL, &error));
  g_assert_no_error (error);
}

TandemTrack *
tandem_test_track_at (TandemProject *project,
                      guint          index)
{
  g_autoptr(TandemTrack) track = g_list_model_get_item (tandem_project_get_tracks (project),
                                                        index);

  return track;
}

gboolean
tandem_test_label_is (const char *text,
                      const char *plain)
{
  g_autoptr(GString) stripped = g_string_new (text);

  g_string_replace (stripped, "_", "", 0);
  return g_str_equal (stripped->str, plain);
}

static gboolean
is_menu_item (GtkWidget     *widget,
              gconstpointer  label)
{
  g_autofree char *text = NULL;

  /* GtkModelButton is private to GTK: known by its type name only. */
  if (!g_str_equal (G_OBJECT_TYPE_NAME (widget), "GtkModelButton"))
    return FALSE;
  g_object_get (widget, "text", &text, NULL);
  return text != NULL && tandem_test_label_is (text, label);
}

GtkWidget *
tandem_test_find_menu_item (GtkWidget  *root,
                            const char *label)
{
  return tandem_test_find_widget_matching (root, is_menu_item, label);
}

void
tandem_test_init_gtk (void)
{
  if (tandem_test_have_display ())
    {
      gtk_init ();
      adw_init ();
    }
}

gboolean
tandem_test_widget_press_key (GtkWidget *widget,
                              guint      keyval)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (widget);
  gboolean handled = FALSE;

  for (guint i = 0; i < g_list_model_get_n_items (controllers) && !handled; i++)
    {
      g_autoptr(GtkEventController) c = g_list_model_get_item (controllers, i);

      if (GTK_IS_EVENT_CONTROLLER_KEY (c))
        g_signal_emit_by_name (c, "key-pressed", keyval, 0, (GdkModifierType) 0, &handled);
    }
  return handled;
}

gboolean
tandem_test_widget_click (GtkWidget *widget,
                          double     x,
                          double     y)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (widget);

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GtkEventController) c = g_list_model_get_item (controllers, i);

      if (GTK_IS_GESTURE_CLICK (c))
        {
          g_signal_emit_by_name (c, "pressed", 1, x, y);
          return TRUE;
        }
    }
  return FALSE;
}
