/* tandem-kit-private.h — helpers shared by the kit files
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "tandem-kit.h"
#include "tandem-xml-tree.h"

G_BEGIN_DECLS

/* A relative path with no ".." part and no backslash. */
gboolean _tandem_kit_file_is_safe   (const char *file);
/* Every layer's file passes _tandem_kit_file_is_safe(), else UNSAFE_PATH. */
gboolean _tandem_kit_check_paths    (TandemKit  *kit,
                                     GError    **error);
/* Sets every layer's path inside @folder, checking that the file exists, is
 * not a link out of @folder and is not too large; sets the kit's folder. */
gboolean _tandem_kit_resolve_files  (TandemKit  *kit,
                                     const char *folder,
                                     GError    **error);

/* One <instrument> of a drumkit.xml or an .h2song; layers' paths left NULL. */
TandemKitInstrument *_tandem_kit_parse_instrument (const TandemXmlNode *node,
                                                   const char          *kit_name,
                                                   guint                index,
                                                   GError             **error);
void     _tandem_kit_instrument_free (gpointer data);

G_END_DECLS
