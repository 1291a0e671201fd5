/* tandem-memlock.c — memory the callback reads, kept resident
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-audio"

#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "tandem-memlock.h"

static gsize
page_round (gsize size)
{
  gsize page = (gsize) sysconf (_SC_PAGESIZE);

  return (MAX (size, 1) + page - 1) / page * page;
}

gpointer
tandem_memlock_alloc (gsize size)
{
  gpointer mem = NULL;

  if (posix_memalign (&mem, (gsize) sysconf (_SC_PAGESIZE), page_round (size)) != 0)
    g_error ("Out of memory (%" G_GSIZE_FORMAT " bytes)", size);
  memset (mem, 0, page_round (size));
  return mem;
}

void
tandem_memlock_free (gpointer mem,
                     gsize    size,
                     gboolean locked)
{
  if (mem == NULL)
    return;
  if (locked)
    munlock (mem, page_round (size));
  free (mem);
}

gboolean
tandem_memlock_lock (gpointer mem,
                     gsize    size)
{
  static gint warned;

  if (mem == NULL)
    return FALSE;
  if (mlock (mem, page_round (size)) == 0)
    return TRUE;
  if (g_atomic_int_compare_and_exchange (&warned, 0, 1))
    g_message ("Audio memory stays pageable (%s); raise the memlock limit to keep it resident",
               g_strerror (errno));
  return FALSE;
}
