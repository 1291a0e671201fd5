/* ui-test-utils.c — what every test of the window and its widgets needs
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "ui-test-utils.h"

#include <adwaita.h>

#if defined(GDK_WINDOWING_X11) && defined(TANDEM_TEST_HAVE_XLIB)
#include <dlfcn.h>
#include <gdk/x11/gdkx.h>
#define HAVE_REAL_INPUT 1
#else
#define HAVE_REAL_INPUT 0
#endif

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

/* ---- real input ---------------------------------------------------------- */

#if HAVE_REAL_INPUT
typedef struct
{
  int (*key) (Display *display, unsigned int keycode, Bool is_press, unsigned long delay);
  int (*button) (Display *display, unsigned int button, Bool is_press, unsigned long delay);
  int (*motion) (Display *display, int screen, int x, int y, unsigned long delay);
} XTest;

static const XTest *
xtest (void)
{
  static XTest funcs;
  static gboolean looked;

  /* Only the runtime library is installed, not its headers and .so link. */
  if (!looked)
    {
      void *lib = dlopen ("libXtst.so.6", RTLD_NOW | RTLD_LOCAL);

      looked = TRUE;
      if (lib != NULL)
        {
          funcs.key = dlsym (lib, "XTestFakeKeyEvent");
          funcs.button = dlsym (lib, "XTestFakeButtonEvent");
          funcs.motion = dlsym (lib, "XTestFakeMotionEvent");
        }
    }
  return funcs.key != NULL && funcs.button != NULL && funcs.motion != NULL ? &funcs : NULL;
}

static Display *
xdisplay_of (GtkWidget *widget)
{
  return gdk_x11_display_get_xdisplay (gtk_widget_get_display (widget));
}

static Window
xid_of (GtkWidget *widget)
{
  return gdk_x11_surface_get_xid (gtk_native_get_surface (gtk_widget_get_native (widget)));
}
#endif

gboolean
tandem_test_can_send_input (void)
{
#if HAVE_REAL_INPUT
  int event, error, major;

  if (GDK_IS_X11_DISPLAY (gdk_display_get_default ()) && xtest () != NULL &&
      XQueryExtension (gdk_x11_display_get_xdisplay (gdk_display_get_default ()), "XTEST",
                       &major, &event, &error))
    return TRUE;
#endif
  g_test_skip ("real input needs an X11 display with XTest");
  return FALSE;
}

void
tandem_test_send_key (GtkWidget       *window,
                      guint            keyval,
                      GdkModifierType  state)
{
#if HAVE_REAL_INPUT
  Display *display = xdisplay_of (window);
  const XTest *fake = xtest ();
  KeyCode shift = XKeysymToKeycode (display, XK_Shift_L);
  KeyCode control = XKeysymToKeycode (display, XK_Control_L);
  KeyCode key = XKeysymToKeycode (display, keyval);

  g_assert_cmpuint (key, !=, 0);
  XSetInputFocus (display, xid_of (window), RevertToParent, CurrentTime);
  if (state & GDK_CONTROL_MASK)
    fake->key (display, control, True, CurrentTime);
  if (state & GDK_SHIFT_MASK)
    fake->key (display, shift, True, CurrentTime);
  fake->key (display, key, True, CurrentTime);
  fake->key (display, key, False, CurrentTime);
  if (state & GDK_SHIFT_MASK)
    fake->key (display, shift, False, CurrentTime);
  if (state & GDK_CONTROL_MASK)
    fake->key (display, control, False, CurrentTime);
  XSync (display, False);
#else
  g_assert_not_reached ();
#endif
}

void
tandem_test_move_pointer (GtkWidget *widget,
                          double     x,
                          double     y)
{
#if HAVE_REAL_INPUT
  GtkNative *native = gtk_widget_get_native (widget);
  Display *display = xdisplay_of (widget);
  graphene_point_t point;
  double sx, sy;
  int root_x, root_y;
  Window child;

  g_assert_true (gtk_widget_compute_point (widget, GTK_WIDGET (native),
                                           &GRAPHENE_POINT_INIT (x, y), &point));
  /* The surface may begin before the widget (client-side shadows). */
  gtk_native_get_surface_transform (native, &sx, &sy);
  XTranslateCoordinates (display, xid_of (widget), DefaultRootWindow (display),
                         (int) (point.x + sx), (int) (point.y + sy), &root_x, &root_y, &child);
  XSetInputFocus (display, xid_of (widget), RevertToParent, CurrentTime);
  xtest ()->motion (display, -1, root_x, root_y, CurrentTime);
  XSync (display, False);
#else
  g_assert_not_reached ();
#endif
}

void
tandem_test_send_button (GtkWidget *widget,
                         guint      button,
                         gboolean   press)
{
#if HAVE_REAL_INPUT
  Display *display = xdisplay_of (widget);

  xtest ()->button (display, button, press, CurrentTime);
  XSync (display, False);
#else
  g_assert_not_reached ();
#endif
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

TandemApplication *
tandem_test_start_app (void)
{
  TandemApplication *app = tandem_application_new ();
  g_autoptr(GError) error = NULL;

  g_application_set_flags (G_APPLICATION (app),
                           G_APPLICATION_HANDLES_OPEN | G_APPLICATION_NON_UNIQUE);
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, &error));
  g_assert_no_error (error);
  return app;
}

TandemWindow *
tandem_test_activate_and_wait (TandemApplication *app)
{
  GtkWindow *window;

  g_application_activate (G_APPLICATION (app));
  window = gtk_application_get_active_window (GTK_APPLICATION (app));
  g_assert_true (TANDEM_IS_WINDOW (window));
  tandem_test_iterate_until (tandem_test_is_mapped, window);
  return TANDEM_WINDOW (window);
}

gboolean
tandem_test_menu_is_open (gpointer data)
{
  GtkWidget *menu = tandem_test_find_widget (GTK_WIDGET (data), GTK_TYPE_POPOVER_MENU, NULL);

  return menu != NULL && gtk_widget_get_mapped (menu);
}

gboolean
tandem_test_menu_is_closed (gpointer data)
{
  return !tandem_test_menu_is_open (data);
}
