/* tandem-sample-file.h — sample bytes on disk, shared by the client's transfers and the server
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/*
 * Publishes a verified part file under its final name: the bytes are synced
 * (through @fd, the part's open descriptor, or by opening it when @fd is -1),
 * the part is renamed to @target, and the folder is synced so that the name
 * survives a crash too. Without @durable it only renames (memory-only
 * sessions, benchmarks). On failure @part is left where it was.
 */
gboolean _tandem_sample_file_publish (int           fd,
                                      const char   *part,
                                      const char   *target,
                                      gboolean      durable,
                                      GError      **error);

/*
 * Adds @bytes to @checksum on a worker thread, then calls @callback with
 * @user_data on the thread-default main context. The caller keeps @checksum
 * alive and untouched until then.
 */
void     _tandem_sample_hash_async   (GChecksum           *checksum,
                                      GBytes              *bytes,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data);

G_END_DECLS
