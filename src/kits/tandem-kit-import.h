/* tandem-kit-import.h — a Hydrogen kit's instruments as Tandem sampler tracks
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "tandem-audio.h"
#include "tandem-sample-import.h"
#include "tandem-kit.h"

G_BEGIN_DECLS

/* Every sample the kit's layers use, imported into a sample store. */
typedef struct _TandemKitImport TandemKitImport;

/*
 * Imports every layer file of @kit (an archive that was only listed is first
 * unpacked under $XDG_CACHE_HOME/tandem/kits) into @store through the ordinary sample import
 * (SHA-256, checks, size limit), and writes the kit's licence text beside
 * each sample as <store>/<sha256>.licence. Blocking: run it on a worker.
 * A file that is not audio refuses the whole kit, naming it.
 */
TandemKitImport *tandem_kit_import          (const TandemKit   *kit,
                                             TandemSampleStore *store,
                                             guint64            max_bytes,
                                             GCancellable      *cancellable,
                                             GError           **error);
void             tandem_kit_import_free     (TandemKitImport   *import);
const TandemKit *tandem_kit_import_get_kit  (TandemKitImport   *import);

/* The "layers" value (tandem-layers.h) of instrument @index: Hydrogen's
 * 0 … 1 velocity ranges on Tandem's 0 … 127, gains and pitches carried. */
char            *tandem_kit_import_layers   (TandemKitImport   *import,
                                             guint              index);

/* One batch op: registers the samples the project lacks and inserts one
 * "sampler" track per instrument of @instruments (indices into the kit; NULL
 * for all) at @position (-1: the end), named, panned and levelled as in the
 * kit, with its mute group as choke group. */
TandemOp        *tandem_kit_import_build_tracks_op (TandemKitImport *import,
                                                    TandemProject   *project,
                                                    GArray          *instruments,
                                                    int              position);
/* One batch op: registers the samples and turns track @track_id into kit
 * instrument @index (instrument, layers, choke group; name and mixer stay). */
TandemOp        *tandem_kit_import_build_swap_op   (TandemKitImport *import,
                                                    TandemProject   *project,
                                                    guint            index,
                                                    const char      *track_id);

/* The licence text written beside the samples. */
char            *tandem_kit_licence_text    (const TandemKit   *kit);

/* The same import on a GTask worker thread. */
void             tandem_kit_import_async    (TandemKit          *kit,
                                             TandemSampleStore  *store,
                                             guint64             max_bytes,
                                             GCancellable       *cancellable,
                                             GAsyncReadyCallback callback,
                                             gpointer            user_data);
TandemKitImport *tandem_kit_import_finish   (GAsyncResult       *result,
                                             GError            **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TandemKitImport, tandem_kit_import_free)

G_END_DECLS
