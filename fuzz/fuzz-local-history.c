/* fuzz-local-history.c — a draft's local history (<id>.history): what loads
 * is bounded, and what is written from it loads the same again
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
  g_autoptr(TandemHistory) history = NULL;
  g_autoptr(TandemHistory) reread = NULL;
  g_autofree char *written = NULL;
  g_autofree char *again = NULL;

  fuzz_init ();
  project = tandem_project_new_demo ();
  history = tandem_history_new (project);
  if (!tandem_history_load_log (history, (const char *) data, size, NULL))
    {
      if (tandem_history_get_log_length (history) != 0)
        abort ();
      return 0;
    }
  if (tandem_history_get_log_length (history) > 5000)
    abort ();
  written = tandem_history_log_to_string (history);
  reread = tandem_history_new (project);
  if (!tandem_history_load_log (reread, written, strlen (written), NULL))
    abort ();
  again = tandem_history_log_to_string (reread);
  if (strcmp (written, again) != 0)
    abort ();
  return 0;
}
