/* main.c — the tandem program
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem"

#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>
#include <string.h>

#include "tandem-application.h"
#include "tandem-export-command.h"
#include "tandem-sample.h"
#include "tandem-kit.h"

/* `tandem --list-kits`: each kit found, "NAME<tab>FOLDER-OR-ARCHIVE", one a
 * line; kits that fail to load are named on stderr. */
static int
list_kits (void)
{
  g_autoptr(GPtrArray) failed = NULL;
  g_autoptr(GPtrArray) kits = tandem_kit_find_all (NULL, &failed);

  for (guint i = 0; i < kits->len; i++)
    {
      const TandemKit *kit = g_ptr_array_index (kits, i);

      g_print ("%s\t%s\n", kit->name, kit->source);
    }
  for (guint i = 0; i < failed->len; i++)
    g_printerr ("%s\n", (const char *) g_ptr_array_index (failed, i));
  return 0;
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(TandemApplication) app = NULL;
  int status;

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  /* A sample file is decoded before any sample store keeps it. */
  tandem_sample_store_set_check_func (tandem_sample_store_check);

  /* Exporting needs no display, so it is handled before GTK starts. */
  if (argc >= 2 && g_str_equal (argv[1], "--export"))
    return tandem_export_command (argc - 2, argv + 2);
  if (argc == 2 && g_str_equal (argv[1], "--list-kits"))
    return list_kits ();

  app = tandem_application_new ();
  status = g_application_run (G_APPLICATION (app), argc, argv);
  return status != 0 ? status : tandem_application_get_exit_status (app);
}
