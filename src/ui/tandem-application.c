/* tandem-application.c — command line, app-wide actions and windows
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-ui"

#include "config.h"

#include <glib/gi18n.h>
#include <stdlib.h>

#include "tandem-application.h"
#include "tandem-autosave.h"
#include "tandem-preferences-window.h"
#include "tandem-window.h"

struct _TandemApplication
{
  AdwApplication  parent_instance;
  GSettings      *settings;
  gboolean        recovery_done;  /* hosted sessions a crash left: offered once */
  gboolean        resume_hosting; /* --resume-hosting: resume without asking */
  int             exit_status;
};

G_DEFINE_FINAL_TYPE (TandemApplication, tandem_application, ADW_TYPE_APPLICATION)

static const GOptionEntry main_entries[] = {
  { "version", 0, 0, G_OPTION_ARG_NONE, NULL, N_("Show the version and exit"), NULL },
  /* Handled in main() before GTK starts; listed here for --help. */
  { "export", 0, 0, G_OPTION_ARG_NONE, NULL,
    N_("Render IN.tandem to OUT.wav or OUT.flac and exit"), N_("IN.tandem OUT.wav") },
  { "list-kits", 0, 0, G_OPTION_ARG_NONE, NULL,
    N_("List the Hydrogen drum kits found (name and folder) and exit"), NULL },
  { "resume-hosting", 0, 0, G_OPTION_ARG_NONE, NULL,
    N_("Resume hosting the session Tandem was hosting when it stopped, without asking; "
       "exit with status 1 if it cannot be resumed"), NULL },
  { NULL }
};

TandemApplication *
tandem_application_new (void)
{
  return g_object_new (TANDEM_TYPE_APPLICATION,
                       "application-id", APP_ID,
                       "flags", G_APPLICATION_HANDLES_OPEN,
                       "resource-base-path", RESOURCE_PATH,
                       NULL);
}

/**
 * tandem_application_get_settings:
 *
 * Returns: (transfer none): the app's preferences
 */
GSettings *
tandem_application_get_settings (TandemApplication *self)
{
  g_return_val_if_fail (TANDEM_IS_APPLICATION (self), NULL);

  return self->settings;
}

static int
tandem_application_handle_local_options (GApplication *app,
                                         GVariantDict *options)
{
  if (g_variant_dict_contains (options, "version"))
    {
      g_print ("tandem %s\n", PACKAGE_VERSION);
      return EXIT_SUCCESS;
    }
  if (g_variant_dict_contains (options, "resume-hosting"))
    TANDEM_APPLICATION (app)->resume_hosting = TRUE;

  return -1;
}

/* Drafts left on disk are work a crash interrupted: reopen each of them. */
static gboolean
restore_drafts (TandemApplication *self)
{
  g_auto(GStrv) drafts = tandem_draft_list ();
  gboolean restored = FALSE;

  for (guint i = 0; drafts[i] != NULL; i++)
    {
      TandemWindow *window = tandem_window_new (self);
      g_autoptr(GError) error = NULL;

      if (!tandem_window_restore_draft (window, drafts[i], &error))
        {
          g_autoptr(TandemDraft) draft = tandem_draft_new_for_id (drafts[i]);

          /* Drafts are written atomically: one that cannot be read never will be. */
          g_warning ("Discarding unreadable draft %s: %s", drafts[i], error->message);
          if (draft != NULL)
            tandem_draft_discard (draft);
          gtk_window_destroy (GTK_WINDOW (window));
          continue;
        }

      tandem_window_show_toast (window, _("Recovered unsaved changes"));
      gtk_window_present (GTK_WINDOW (window));
      restored = TRUE;
    }

  return restored;
}

/* A session this app was hosting when it stopped: resumed at once for
 * --resume-hosting, else offered. */
static void
recover_hosting (TandemApplication *self,
                 TandemWindow      *window)
{
  g_autoptr(GError) error = NULL;

  if (self->recovery_done)
    return;
  self->recovery_done = TRUE;
  if (tandem_window_recover_hosting (window, !self->resume_hosting, &error))
    return;
  g_printerr ("%s\n", error->message);
  self->exit_status = EXIT_FAILURE;
  g_application_quit (G_APPLICATION (self));
}

/**
 * tandem_application_get_exit_status:
 *
 * Returns: what the process should exit with once the application ran
 */
int
tandem_application_get_exit_status (TandemApplication *self)
{
  g_return_val_if_fail (TANDEM_IS_APPLICATION (self), EXIT_FAILURE);

  return self->exit_status;
}

static void
tandem_application_activate (GApplication *app)
{
  TandemApplication *self = TANDEM_APPLICATION (app);
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (app));

  if (window == NULL && restore_drafts (self))
    window = gtk_application_get_active_window (GTK_APPLICATION (app));

  if (window == NULL)
    window = GTK_WINDOW (tandem_window_new (self));

  gtk_window_present (window);
  recover_hosting (self, TANDEM_WINDOW (window));
}

static void
tandem_application_open (GApplication  *app,
                         GFile        **files,
                         int            n_files,
                         const char    *hint)
{
  for (int i = 0; i < n_files; i++)
    {
      TandemWindow *window = tandem_window_new (TANDEM_APPLICATION (app));

      /* A clicked tandem:// link arrives here through the desktop file. */
      if (g_file_has_uri_scheme (files[i], "tandem"))
        {
          g_autofree char *link = g_file_get_uri (files[i]);
          g_autoptr(GError) error = NULL;

          if (!tandem_window_join_session (window, link, &error))
            {
              g_autofree char *message = g_strdup_printf (_("Could not join: %s"),
                                                          error->message);

              tandem_window_show_toast (window, message);
            }
        }
      else
        {
          tandem_window_open_file (window, files[i]);
        }

      gtk_window_present (GTK_WINDOW (window));
    }
}

static void
apply_color_scheme (TandemApplication *self)
{
  g_autofree char *scheme = g_settings_get_string (self->settings, "color-scheme");
  AdwColorScheme value = ADW_COLOR_SCHEME_DEFAULT;

  if (g_strcmp0 (scheme, "light") == 0)
    value = ADW_COLOR_SCHEME_FORCE_LIGHT;
  else if (g_strcmp0 (scheme, "dark") == 0)
    value = ADW_COLOR_SCHEME_FORCE_DARK;

  adw_style_manager_set_color_scheme (adw_style_manager_get_default (), value);
}

static void
about_action (GSimpleAction *action,
              GVariant      *param,
              gpointer       user_data)
{
  static const char *developers[] = { "The Tandem developers", NULL };
  GtkApplication *app = GTK_APPLICATION (user_data);
  GtkWidget *about;

  about = g_object_new (ADW_TYPE_ABOUT_WINDOW,
                        "transient-for", gtk_application_get_active_window (app),
                        "application-name", _("Tandem"),
                        "application-icon", APP_ID,
                        "developer-name", _("The Tandem developers"),
                        "version", PACKAGE_VERSION,
                        "website", "https://github.com/tandemjam/tandem",
                        "issue-url", "https://github.com/tandemjam/tandem/issues",
                        "license-type", GTK_LICENSE_GPL_3_0,
                        "copyright", "© 2026 The Tandem developers",
                        "developers", developers,
                        /* Translators: put your names here, one per line */
                        "translator-credits", _("translator-credits"),
                        NULL);
  gtk_window_present (GTK_WINDOW (about));
}

static void
quit_action (GSimpleAction *action,
             GVariant      *param,
             gpointer       user_data)
{
  GtkApplication *app = GTK_APPLICATION (user_data);
  GList *windows = gtk_application_get_windows (app);

  /* Close each window properly so it can autosave. */
  for (GList *l = windows; l != NULL;)
    {
      GList *next = l->next;

      gtk_window_close (GTK_WINDOW (l->data));
      l = next;
    }
}

static void
new_window_action (GSimpleAction *action,
                   GVariant      *param,
                   gpointer       user_data)
{
  TandemWindow *window = tandem_window_new (TANDEM_APPLICATION (user_data));

  tandem_window_load_demo (window);
  gtk_window_present (GTK_WINDOW (window));
}

static void
preferences_action (GSimpleAction *action,
                    GVariant      *param,
                    gpointer       user_data)
{
  TandemApplication *self = TANDEM_APPLICATION (user_data);
  GtkWidget *preferences = tandem_preferences_window_new (self->settings);

  gtk_window_set_transient_for (GTK_WINDOW (preferences),
                                gtk_application_get_active_window (GTK_APPLICATION (self)));
  gtk_window_set_modal (GTK_WINDOW (preferences), TRUE);
  gtk_window_present (GTK_WINDOW (preferences));
}

static const GActionEntry app_actions[] = {
  { "about", about_action },
  { "quit", quit_action },
  { "new-window", new_window_action },
  { "preferences", preferences_action },
};

static void
tandem_application_startup (GApplication *app)
{
  TandemApplication *self = TANDEM_APPLICATION (app);
  static const char *quit_accels[] = { "<Control>q", NULL };
  static const char *new_window_accels[] = { "<Control><Shift>n", NULL };
  static const char *preferences_accels[] = { "<Control>comma", NULL };

  G_APPLICATION_CLASS (tandem_application_parent_class)->startup (app);

  gtk_window_set_default_icon_name (APP_ID);

  self->settings = g_settings_new (APP_ID);
  g_signal_connect_swapped (self->settings, "changed::color-scheme",
                            G_CALLBACK (apply_color_scheme), self);
  apply_color_scheme (self);

  g_action_map_add_action_entries (G_ACTION_MAP (app), app_actions,
                                   G_N_ELEMENTS (app_actions), app);
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "app.quit", quit_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "app.new-window",
                                         new_window_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "app.preferences",
                                         preferences_accels);
}

static void
tandem_application_finalize (GObject *object)
{
  TandemApplication *self = TANDEM_APPLICATION (object);

  g_clear_object (&self->settings);

  G_OBJECT_CLASS (tandem_application_parent_class)->finalize (object);
}

static void
tandem_application_class_init (TandemApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->finalize = tandem_application_finalize;

  app_class->handle_local_options = tandem_application_handle_local_options;
  app_class->startup = tandem_application_startup;
  app_class->activate = tandem_application_activate;
  app_class->open = tandem_application_open;
}

static void
tandem_application_init (TandemApplication *self)
{
  g_application_add_main_option_entries (G_APPLICATION (self), main_entries);
  g_application_set_option_context_parameter_string (G_APPLICATION (self),
                                                     _("[FILE.tandem|FILE.h2song|INVITE-LINK…]"));
  g_application_set_option_context_summary (G_APPLICATION (self),
                                            _("Tandem is a step sequencer that several "
                                              "people play at once."));
}
