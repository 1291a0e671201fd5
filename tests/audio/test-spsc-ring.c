/* test-spsc-ring.c — the lock-free command ring, alone and under two threads
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "tandem-spsc-ring.h"

typedef struct
{
  guint64 seq;
  guint64 check;
} Item;

static void
test_fill_and_drain (void)
{
  TandemSpscRing *ring = tandem_spsc_ring_new (sizeof (Item), 5);
  Item item = { 0 };
  guint cap = tandem_spsc_ring_capacity (ring);

  g_assert_cmpuint (cap, ==, 8);
  g_assert_false (tandem_spsc_ring_pop (ring, &item));
  for (guint i = 0; i < cap; i++)
    {
      item.seq = i;
      g_assert_true (tandem_spsc_ring_push (ring, &item));
    }
  item.seq = 99;
  g_assert_false (tandem_spsc_ring_push (ring, &item));
  for (guint i = 0; i < cap; i++)
    {
      g_assert_true (tandem_spsc_ring_pop (ring, &item));
      g_assert_cmpuint (item.seq, ==, i);
    }
  g_assert_false (tandem_spsc_ring_pop (ring, &item));
  tandem_spsc_ring_free (ring);
}

#define N_ITEMS 2000000

static gpointer
producer (gpointer data)
{
  TandemSpscRing *ring = data;

  for (guint64 i = 0; i < N_ITEMS; i++)
    {
      Item item = { i, i * 0x9e3779b97f4a7c15ull };

      while (!tandem_spsc_ring_push (ring, &item))
        g_thread_yield ();
    }
  return NULL;
}

static void
test_two_threads (void)
{
  TandemSpscRing *ring = tandem_spsc_ring_new (sizeof (Item), 64);
  GThread *thread = g_thread_new ("producer", producer, ring);
  guint64 expected = 0;

  /* Every item arrives once, in order, intact. */
  while (expected < N_ITEMS)
    {
      Item item;

      if (!tandem_spsc_ring_pop (ring, &item))
        {
          g_thread_yield ();
          continue;
        }
      if (item.seq != expected || item.check != expected * 0x9e3779b97f4a7c15ull)
        g_error ("item %" G_GUINT64_FORMAT " arrived as %" G_GUINT64_FORMAT, expected, item.seq);
      expected++;
    }
  g_thread_join (thread);
  tandem_spsc_ring_free (ring);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/audio/spsc-ring/fill-and-drain", test_fill_and_drain);
  g_test_add_func ("/audio/spsc-ring/two-threads", test_two_threads);
  return g_test_run ();
}
