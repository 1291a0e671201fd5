/* tandem-spsc-ring.c — lock-free single-producer single-consumer ring
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "tandem-audio"

#include "config.h"

#include <stdatomic.h>
#include <string.h>

#include "tandem-spsc-ring.h"

struct _TandemSpscRing
{
  /* Free-running counters; the difference is the fill level. The producer
   * owns head, the consumer owns tail, on separate cache lines. */
  _Alignas (64) atomic_uint head;
  _Alignas (64) atomic_uint tail;
  _Alignas (64) guint mask;
  gsize item_size;
  guint8 *items;
};

TandemSpscRing *
tandem_spsc_ring_new (gsize item_size,
                      guint capacity)
{
  TandemSpscRing *ring;
  guint size = 1;

  g_return_val_if_fail (item_size > 0, NULL);
  g_return_val_if_fail (capacity > 0 && capacity <= (1u << 30), NULL);

  while (size < capacity)
    size <<= 1;

  ring = g_aligned_alloc0 (1, sizeof *ring, 64);
  atomic_init (&ring->head, 0);
  atomic_init (&ring->tail, 0);
  ring->mask = size - 1;
  ring->item_size = item_size;
  ring->items = g_malloc0_n (size, item_size);
  return ring;
}

void
tandem_spsc_ring_free (TandemSpscRing *ring)
{
  if (ring == NULL)
    return;
  g_free (ring->items);
  g_aligned_free (ring);
}

guint
tandem_spsc_ring_capacity (TandemSpscRing *ring)
{
  return ring->mask + 1;
}

TANDEM_REALTIME gboolean
tandem_spsc_ring_push (TandemSpscRing *ring,
                       gconstpointer   item)
{
  guint head = atomic_load_explicit (&ring->head, memory_order_relaxed);
  guint tail = atomic_load_explicit (&ring->tail, memory_order_acquire);

  if (head - tail > ring->mask)
    return FALSE;
  memcpy (ring->items + (gsize) (head & ring->mask) * ring->item_size, item, ring->item_size);
  atomic_store_explicit (&ring->head, head + 1, memory_order_release);
  return TRUE;
}

TANDEM_REALTIME gboolean
tandem_spsc_ring_pop (TandemSpscRing *ring,
                      gpointer        item)
{
  guint tail = atomic_load_explicit (&ring->tail, memory_order_relaxed);
  guint head = atomic_load_explicit (&ring->head, memory_order_acquire);

  if (head == tail)
    return FALSE;
  memcpy (item, ring->items + (gsize) (tail & ring->mask) * ring->item_size, ring->item_size);
  atomic_store_explicit (&ring->tail, tail + 1, memory_order_release);
  return TRUE;
}
