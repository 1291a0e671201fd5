/* tandem-kit-folders.c — where Hydrogen users keep their kits, and finding them there
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-kits"

#include "config.h"

#include <string.h>

#include "tandem-kit.h"

static void
add_folder (GPtrArray  *folders,
            char       *folder)
{
  for (guint i = 0; i < folders->len; i++)
    if (strcmp (g_ptr_array_index (folders, i), folder) == 0)
      {
        g_free (folder);
        return;
      }
  g_ptr_array_add (folders, folder);
}

/**
 * tandem_kit_standard_folders:
 *
 * Returns: (transfer full): the folders to look for kits in, first wins
 */
GStrv
tandem_kit_standard_folders (void)
{
  GPtrArray *folders = g_ptr_array_new ();
  const char *home = g_get_home_dir ();
  const char *env = g_getenv ("TANDEM_KIT_PATH");
  const char * const *data_dirs = g_get_system_data_dirs ();

  if (env != NULL && *env != '\0')
    {
      g_auto(GStrv) parts = g_strsplit (env, G_SEARCHPATH_SEPARATOR_S, 0);

      for (guint i = 0; parts[i] != NULL; i++)
        if (*parts[i] != '\0')
          add_folder (folders, g_strdup (parts[i]));
    }
  add_folder (folders, g_build_filename (g_get_user_data_dir (), "hydrogen", "data", "drumkits", NULL));
  /* Inside a Flatpak the user data dir is the app's own: look at the host's too. */
  add_folder (folders, g_build_filename (home, ".local", "share", "hydrogen", "data", "drumkits", NULL));
  add_folder (folders, g_build_filename (home, ".hydrogen", "data", "drumkits", NULL));
  add_folder (folders, g_build_filename (home, ".var", "app", "org.hydrogenmusic.Hydrogen", "data",
                                         "hydrogen", "data", "drumkits", NULL));
  for (guint i = 0; data_dirs[i] != NULL; i++)
    add_folder (folders, g_build_filename (data_dirs[i], "hydrogen", "data", "drumkits", NULL));
  add_folder (folders, g_strdup ("/usr/local/share/hydrogen/data/drumkits"));
  add_folder (folders, g_strdup ("/usr/share/hydrogen/data/drumkits"));
  /* The host's system kits, as a Flatpak sandbox sees them (host-os:ro). */
  add_folder (folders, g_strdup ("/run/host/usr/share/hydrogen/data/drumkits"));
  g_ptr_array_add (folders, NULL);
  return (GStrv) g_ptr_array_free (folders, FALSE);
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(char * const *) a, *(char * const *) b);
}

static int
compare_kits (gconstpointer a,
              gconstpointer b)
{
  const TandemKit *ka = *(TandemKit * const *) a;
  const TandemKit *kb = *(TandemKit * const *) b;
  g_autofree char *fa = g_utf8_casefold (ka->name, -1);
  g_autofree char *fb = g_utf8_casefold (kb->name, -1);
  int c = g_utf8_collate (fa, fb);

  return c != 0 ? c : strcmp (ka->source, kb->source);
}

/**
 * tandem_kit_find_all:
 *
 * Returns: (transfer container) (element-type TandemKit): the kits found
 */
GPtrArray *
tandem_kit_find_all (const char * const *folders,
                     GPtrArray         **failed)
{
  g_auto(GStrv) standard = NULL;
  GPtrArray *kits = g_ptr_array_new_with_free_func ((GDestroyNotify) tandem_kit_free);
  g_autoptr(GHashTable) names = g_hash_table_new (g_str_hash, g_str_equal);

  if (failed != NULL)
    *failed = g_ptr_array_new_with_free_func (g_free);
  if (folders == NULL)
    folders = (const char * const *) (standard = tandem_kit_standard_folders ());

  for (guint i = 0; folders[i] != NULL; i++)
    {
      g_autoptr(GDir) dir = g_dir_open (folders[i], 0, NULL);
      g_autoptr(GPtrArray) entries = g_ptr_array_new_with_free_func (g_free);
      const char *name;

      if (dir == NULL)
        continue;
      while ((name = g_dir_read_name (dir)) != NULL)
        g_ptr_array_add (entries, g_strdup (name));
      /* Directory order is arbitrary; equal kit names must resolve the same way every time. */
      g_ptr_array_sort (entries, compare_names);
      for (guint j = 0; j < entries->len; j++)
        {
          g_autofree char *path = g_build_filename (folders[i], g_ptr_array_index (entries, j), NULL);
          g_autofree char *xml = g_build_filename (path, "drumkit.xml", NULL);
          g_autoptr(GError) error = NULL;
          TandemKit *kit;

          if (g_file_test (path, G_FILE_TEST_IS_DIR))
            {
              if (!g_file_test (xml, G_FILE_TEST_EXISTS))
                continue;
              kit = tandem_kit_load_folder (path, &error);
            }
          else if (g_str_has_suffix (path, ".h2drumkit"))
            kit = tandem_kit_load_archive (path, NULL, &error);
          else
            continue;

          if (kit == NULL)
            {
              if (failed != NULL)
                g_ptr_array_add (*failed, g_strdup (error->message));
              continue;
            }
          if (g_hash_table_contains (names, kit->name))
            {
              tandem_kit_free (kit);
              continue;
            }
          g_hash_table_add (names, kit->name);
          g_ptr_array_add (kits, kit);
        }
    }
  g_ptr_array_sort (kits, compare_kits);
  return kits;
}
