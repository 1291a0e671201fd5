/* test-kit-render.c — kit tracks and Hydrogen songs, rendered offline
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "audio-test-utils.h"
#include "tandem-h2song.h"
#include "tandem-kit-import.h"

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  return g_test_run ();
}
