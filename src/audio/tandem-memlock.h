/* tandem-memlock.h — memory the callback reads, kept resident
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Page-aligned memory of @size bytes (rounded up to whole pages, zeroed),
 * so locking and unlocking it never touches a neighbour's pages. Free with
 * tandem_memlock_free(). Main thread or workers only. */
gpointer tandem_memlock_alloc (gsize    size);
void     tandem_memlock_free  (gpointer mem,
                               gsize    size,
                               gboolean locked);
/* mlock()s @size bytes at @mem (from tandem_memlock_alloc()) so the audio
 * thread never takes a page fault on them. Returns FALSE where the system
 * does not allow it (RLIMIT_MEMLOCK); the first failure is logged once, the
 * engine carries on unlocked. */
gboolean tandem_memlock_lock  (gpointer mem,
                               gsize    size);

G_END_DECLS
