/* tandem-export-command.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* `tandem --export IN.tandem OUT.wav|OUT.flac`: renders without a display.
 * @argv holds the two paths. Returns the process exit status. */
int tandem_export_command (int    argc,
                           char **argv);

G_END_DECLS
