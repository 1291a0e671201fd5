/* tandem-transfers-popover.h — the list of sample uploads and downloads
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "tandem-sample-transfers.h"

G_BEGIN_DECLS

#define TANDEM_TYPE_TRANSFERS_POPOVER (tandem_transfers_popover_get_type ())
G_DECLARE_FINAL_TYPE (TandemTransfersPopover, tandem_transfers_popover, TANDEM, TRANSFERS_POPOVER, GtkPopover)

/* Property: "transfers" (TandemSampleTransfers, nullable): what to list.
 * Each row shows the sample's name, what is happening, a progress bar and a
 * cancel button. */
GtkWidget             *tandem_transfers_popover_new           (void);
void                   tandem_transfers_popover_set_transfers (TandemTransfersPopover *self,
                                                               TandemSampleTransfers  *transfers);
TandemSampleTransfers *tandem_transfers_popover_get_transfers (TandemTransfersPopover *self);
/* A sentence for @transfer ("Uploading, 45 %", "Waiting for its upload"…). */
char                  *tandem_transfers_popover_describe      (TandemSampleTransfer   *transfer);

G_END_DECLS
