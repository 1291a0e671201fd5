/* tandem-project-file.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "tandem-project.h"

G_BEGIN_DECLS

#define TANDEM_FILE_FORMAT_VERSION 1
#define TANDEM_FILE_MAX_BYTES      (64 * 1024 * 1024)
#define TANDEM_FILE_MAX_DEPTH      32

/*
 * A *.tandem file is a JSON document (see docs/file-format.md):
 *   {"format":"tandem","version":1,"project":{…}}
 * The samples a project uses are stored beside it, in a "samples" folder,
 * each named by its SHA-256.
 *
 * Saving is atomic: a temp file is written, fsync'ed and renamed over the
 * old one, so a crash mid-save leaves the previous file intact.
 */
gboolean       tandem_project_save_to_file   (TandemProject *project,
                                              const char    *path,
                                              GError       **error);
TandemProject *tandem_project_new_from_file  (const char    *path,
                                              GError       **error);
/* The document for @data (bytes of a .tandem file): checks size, nesting
 * depth, format name and version before building the project. */
TandemProject *tandem_project_new_from_data  (const char    *data,
                                              gsize          length,
                                              GError       **error);
char          *tandem_project_to_data        (TandemProject *project,
                                              gsize         *length);

G_END_DECLS
