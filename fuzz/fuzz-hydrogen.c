/* fuzz-hydrogen.c — Hydrogen's files as people download them: drumkit.xml
 * (with its rich-text info) and .h2song, which becomes a whole project
 *
 * The first byte chooses which one the rest is read as, so one corpus
 * covers both and the fuzzer can move seeds between them.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>

#include "fuzz-common.h"
#include "tandem-h2song.h"
#include "tandem-kit.h"
#include "tandem-kit-private.h"

static void
fuzz_kit (const char *xml,
          gsize       length)
{
  g_autoptr(TandemKit) kit = tandem_kit_parse (xml, length, NULL);
  g_autofree char *info = NULL;

  if (kit == NULL)
    return;
  for (guint i = 0; i < kit->instruments->len; i++)
    {
      TandemKitInstrument *inst = g_ptr_array_index (kit->instruments, i);

      for (guint j = 0; j < inst->layers->len; j++)
        {
          TandemKitLayer *layer = g_ptr_array_index (inst->layers, j);

          /* A parsed layer always names a file, and never one on disk yet. */
          if (layer->file == NULL || layer->path != NULL)
            abort ();
        }
    }
  /* Paths that climb out of the kit are refused here, not opened. */
  (void) _tandem_kit_check_paths (kit, NULL);
  info = tandem_kit_get_plain_info (kit);
  if (info == NULL || !g_utf8_validate (info, -1, NULL))
    abort ();
}

static void
fuzz_song (const uint8_t *data,
           size_t         size)
{
  static char *dir, *path;
  static TandemSampleStore *store;
  const char *folders[2] = { NULL, NULL };
  g_autoptr(TandemProject) project = NULL;

  /* One folder for the whole run: the song is a file on disk to the loader. */
  if (dir == NULL)
    {
      g_autofree char *store_dir = NULL;

      dir = g_dir_make_tmp ("fuzz-hydrogen-XXXXXX", NULL);
      path = g_build_filename (dir, "fuzz.h2song", NULL);
      store_dir = g_build_filename (dir, "store", NULL);
      store = tandem_sample_store_new (store_dir);
    }
  folders[0] = dir;
  if (!g_file_set_contents (path, (const char *) data, size, NULL))
    return;
  project = tandem_h2song_load (path, folders, store, NULL);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  fuzz_init ();
  if (size < 1)
    return 0;
  if (data[0] & 1)
    fuzz_song (data + 1, size - 1);
  else
    fuzz_kit ((const char *) data + 1, size - 1);
  return 0;
}
