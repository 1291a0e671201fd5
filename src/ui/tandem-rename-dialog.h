/* tandem-rename-dialog.h — asks for a new name (of a track, a pattern…)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define TANDEM_TYPE_RENAME_DIALOG (tandem_rename_dialog_get_type ())
G_DECLARE_FINAL_TYPE (TandemRenameDialog, tandem_rename_dialog, TANDEM, RENAME_DIALOG,
                      AdwMessageDialog)

/* Property "name" (string): the name in the entry; Rename (button or
 * Enter) is enabled only for a name the model accepts. The heading says
 * what is renamed. Signal "rename" (name, stripped): the user confirmed. */
TandemRenameDialog *tandem_rename_dialog_new      (GtkWindow          *parent,
                                                   const char         *heading,
                                                   const char         *name);
const char         *tandem_rename_dialog_get_name (TandemRenameDialog *self);
void                tandem_rename_dialog_set_name (TandemRenameDialog *self,
                                                   const char         *name);

G_END_DECLS
