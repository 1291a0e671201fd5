/* tandem-spsc-ring.h — lock-free single-producer single-consumer ring of fixed-size items
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

#include "tandem-audio-rt.h"

G_BEGIN_DECLS

typedef struct _TandemSpscRing TandemSpscRing;

/* A ring holding up to @capacity items (rounded up to a power of two) of
 * @item_size bytes. Allocated once; push and pop never allocate or lock.
 * Each side writes only its own index. */
TandemSpscRing *tandem_spsc_ring_new      (gsize           item_size,
                                           guint           capacity);
void            tandem_spsc_ring_free     (TandemSpscRing *ring);
/* Producer side. Returns FALSE (and drops nothing) when the ring is full. */
TANDEM_REALTIME
gboolean        tandem_spsc_ring_push     (TandemSpscRing *ring,
                                           gconstpointer   item);
/* Consumer side. Returns FALSE when the ring is empty. */
TANDEM_REALTIME
gboolean        tandem_spsc_ring_pop      (TandemSpscRing *ring,
                                           gpointer        item);
guint           tandem_spsc_ring_capacity (TandemSpscRing *ring);

G_END_DECLS
