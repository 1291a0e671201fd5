/* fuzz-project-file.c — the bytes of a *.tandem file: opened, saved and
 * opened again to the same project
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "fuzz-common.h"
#include "tandem-model.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(TandemProject) project = NULL;
  g_autoptr(TandemProject) reopened = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *saved = NULL;
  g_autofree char *a = NULL;
  g_autofree char *b = NULL;
  gsize length;

  fuzz_init ();
  project = tandem_project_new_from_data ((const char *) data, size, &error);
  if (project == NULL)
    {
      if (error == NULL)
        abort ();
      return 0;
    }
  saved = tandem_project_to_data (project, &length);
  reopened = tandem_project_new_from_data (saved, length, NULL);
  if (reopened == NULL)
    abort ();
  a = tandem_project_to_string (project);
  b = tandem_project_to_string (reopened);
  if (strcmp (a, b) != 0)
    abort ();
  return 0;
}
