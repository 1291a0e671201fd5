/* fuzz-op.c — one op as text: parsed, applied to a project and undone
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
  g_autofree char *text = fuzz_strndup (data, size);
  g_autoptr(TandemOp) op = NULL;
  g_autoptr(TandemOp) inverse = NULL;
  g_autoptr(TandemProject) project = NULL;
  g_autofree char *before = NULL;
  g_autofree char *again = NULL;

  fuzz_init ();
  op = tandem_op_from_string (text, NULL);
  if (op == NULL)
    return 0;
  /* An op reads back from its own text as the same op. */
  {
    g_autofree char *written = tandem_op_to_string (op);
    g_autoptr(TandemOp) reread = tandem_op_from_string (written, NULL);

    if (reread == NULL)
      abort ();
    again = tandem_op_to_string (reread);
    if (strcmp (written, again) != 0)
      abort ();
  }
  project = tandem_project_new_demo ();
  before = tandem_project_to_string (project);
  if (tandem_project_apply (project, op, &inverse, NULL))
    {
      g_autofree char *after = NULL;

      if (!tandem_project_apply (project, inverse, NULL, NULL))
        abort ();
      after = tandem_project_to_string (project);
      if (strcmp (before, after) != 0)
        abort ();
    }
  return 0;
}
