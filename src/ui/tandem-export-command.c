/* tandem-export-command.c — `tandem --export`, rendering a project to a file
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-ui"

#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "tandem-export-command.h"
#include "tandem-export.h"
#include "tandem-model.h"

#define EXPORT_SAMPLE_RATE 48000

static void
print_progress (double   fraction,
                gpointer user_data)
{
  int *last_percent = user_data;
  int percent = (int) (fraction * 100.0);

  /* A line per percent would flood a log: only a terminal gets progress. */
  if (percent == *last_percent || !isatty (STDERR_FILENO))
    return;

  *last_percent = percent;
  fprintf (stderr, "\r%s %3d %%", _("Exporting…"), percent);
}

int
tandem_export_command (int    argc,
                       char **argv)
{
  g_autoptr(TandemProject) project = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) unplayable = NULL;
  int last_percent = -1;

  if (argc != 2)
    {
      g_printerr ("%s\n", _("Usage: tandem --export IN.tandem OUT.wav|OUT.flac"));
      return EXIT_FAILURE;
    }

  project = tandem_project_new_from_file (argv[0], &error);
  if (project == NULL)
    {
      g_printerr (_("Could not open “%s”: %s\n"), argv[0], error->message);
      return EXIT_FAILURE;
    }

  if (!tandem_export_render_to_file_report (project, argv[1], EXPORT_SAMPLE_RATE, NULL, NULL, 0,
                                            print_progress, &last_percent, NULL, &unplayable, &error))
    {
      g_printerr (_("\nCould not export to “%s”: %s\n"), argv[1], error->message);
      return EXIT_FAILURE;
    }

  if (unplayable[0] == NULL)
    {
      g_printerr ("\r%s\n", _("Exported."));
      return EXIT_SUCCESS;
    }
  /* Say which tracks the file has silent, not just that it was written. */
  g_printerr ("\r%s\n", g_dngettext (NULL, "Exported, but one track could not be played:",
                                      "Exported, but some tracks could not be played:",
                                      g_strv_length (unplayable)));
  for (guint i = 0; unplayable[i] != NULL; i++)
    g_printerr ("  %s\n", unplayable[i]);
  return EXIT_SUCCESS;
}
