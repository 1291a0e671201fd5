/* sync-test-proxy.c — a TCP proxy on 127.0.0.1 whose link can be cut like a cable
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Cutting must look to the client like a network that is gone, not like a
 * server that refuses: a refused connect fails at once and is retried after
 * the backoff, while on a dead network the attempt gets no answer at all
 * (the kernel retries its SYN after 1, 3, 7, 15 … s; libsoup waits 60 s).
 * While cut, the proxy accepts connections and swallows them: they are
 * never connected on, never answered and never closed, not even once the
 * link is back — as a SYN lost on the way stays lost. (A full accept queue
 * would make the kernel drop SYNs, but then it completes them within a
 * second of the queue freeing, which is not what a network does.)
 */
#define G_LOG_DOMAIN "tandem-sync-test"

#include "config.h"

#include <string.h>

#include "sync-test-proxy.h"
#include "sync-test-utils.h"

typedef struct _Link Link;

typedef struct
{
  Link          *link;
  GInputStream  *in;
  GOutputStream *out;
  GSocket       *out_socket;
} Pipe;

struct _Link
{
  SyncTestProxy     *proxy;
  GSocketConnection *down;
  GSocketConnection *up;
  Pipe               pipes[2];   /* down → up, up → down */
  gboolean           dead;       /* cut: bytes are dropped */
  gboolean           lost;       /* made while cut: never answered */
  gboolean           closed;
};

struct _SyncTestProxy
{
  GSocketService    *service;
  guint16            port;
  guint16            target;
  GCancellable      *cancellable;
  GPtrArray         *links;
  guint              n_reads;    /* reads in progress */
  guint              n_accepted;
  gboolean           cut;
};

static void pipe_read (Pipe *pipe);

static void
pipe_read_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      data)
{
  Pipe *pipe = data;
  Link *link = pipe->link;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = g_input_stream_read_bytes_finish (G_INPUT_STREAM (source), result,
                                                              &error);

  link->proxy->n_reads--;
  if (bytes == NULL || link->closed)
    return;
  if (g_bytes_get_size (bytes) == 0)
    {
      if (!link->dead)
        g_socket_shutdown (pipe->out_socket, FALSE, TRUE, NULL);
      return;
    }
  if (!link->dead)
    g_output_stream_write_all (pipe->out, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes),
                               NULL, NULL, NULL);
  pipe_read (pipe);
}

static void
pipe_read (Pipe *pipe)
{
  pipe->link->proxy->n_reads++;
  g_input_stream_read_bytes_async (pipe->in, 64 * 1024, G_PRIORITY_DEFAULT,
                                   pipe->link->proxy->cancellable, pipe_read_cb, pipe);
}

static void
link_close (Link *link)
{
  if (link->closed)
    return;
  link->closed = TRUE;
  g_io_stream_close (G_IO_STREAM (link->down), NULL, NULL);
  if (link->up)
    g_io_stream_close (G_IO_STREAM (link->up), NULL, NULL);
}

static gboolean
on_incoming (GSocketService    *service,
             GSocketConnection *connection,
             GObject           *source,
             gpointer           data)
{
  SyncTestProxy *proxy = data;
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  Link *link = g_new0 (Link, 1);

  link->proxy = proxy;
  link->down = g_object_ref (connection);
  g_ptr_array_add (proxy->links, link);
  if (proxy->cut)
    {
      link->dead = link->lost = TRUE;
      link->pipes[0].link = link;
      link->pipes[0].in = g_io_stream_get_input_stream (G_IO_STREAM (link->down));
      pipe_read (&link->pipes[0]);
      return TRUE;
    }
  proxy->n_accepted++;
  link->up = g_socket_client_connect_to_host (client, "127.0.0.1", proxy->target, NULL, NULL);
  if (link->up == NULL)
    {
      link_close (link);
      return TRUE;
    }
  for (guint i = 0; i < 2; i++)
    {
      GSocketConnection *from = i == 0 ? link->down : link->up;
      GSocketConnection *to = i == 0 ? link->up : link->down;

      link->pipes[i].link = link;
      link->pipes[i].in = g_io_stream_get_input_stream (G_IO_STREAM (from));
      link->pipes[i].out = g_io_stream_get_output_stream (G_IO_STREAM (to));
      link->pipes[i].out_socket = g_socket_connection_get_socket (to);
      pipe_read (&link->pipes[i]);
    }
  return TRUE;
}

SyncTestProxy *
sync_test_proxy_new (guint16 target)
{
  SyncTestProxy *proxy = g_new0 (SyncTestProxy, 1);
  g_autoptr(GInetAddress) lo = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) addr = g_inet_socket_address_new (lo, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(GError) error = NULL;

  proxy->target = target;
  proxy->cancellable = g_cancellable_new ();
  proxy->links = g_ptr_array_new ();
  proxy->service = g_socket_service_new ();
  g_socket_listener_add_address (G_SOCKET_LISTENER (proxy->service), addr, G_SOCKET_TYPE_STREAM,
                                 G_SOCKET_PROTOCOL_TCP, NULL, &bound, &error);
  g_assert_no_error (error);
  proxy->port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
  g_signal_connect (proxy->service, "incoming", G_CALLBACK (on_incoming), proxy);
  g_socket_service_start (proxy->service);
  return proxy;
}

guint16
sync_test_proxy_get_port (SyncTestProxy *proxy)
{
  return proxy->port;
}

void
sync_test_proxy_set_target (SyncTestProxy *proxy,
                            guint16        target)
{
  proxy->target = target;
}

guint
sync_test_proxy_get_n_accepted (SyncTestProxy *proxy)
{
  return proxy->n_accepted;
}

char *
sync_test_proxy_invite (SyncTestProxy *proxy,
                        const char    *invite,
                        guint16        target)
{
  g_autofree char *from = g_strdup_printf (":%u/", target);
  g_autofree char *to = g_strdup_printf (":%u/", proxy->port);
  g_auto(GStrv) parts = g_strsplit (invite, from, 2);

  g_assert_cmpuint (g_strv_length (parts), ==, 2);
  return g_strconcat (parts[0], to, parts[1], NULL);
}

void
sync_test_proxy_cut (SyncTestProxy *proxy)
{
  g_assert_false (proxy->cut);
  proxy->cut = TRUE;
  for (guint i = 0; i < proxy->links->len; i++)
    ((Link *) proxy->links->pdata[i])->dead = TRUE;
}

void
sync_test_proxy_restore (SyncTestProxy *proxy)
{
  g_assert_true (proxy->cut);
  proxy->cut = FALSE;
  /* The connections from before are gone for good (their peers gave up on
   * them); the attempts lost while cut stay lost. */
  for (guint i = 0; i < proxy->links->len; i++)
    {
      Link *link = proxy->links->pdata[i];

      if (!link->lost)
        link_close (link);
    }
}

static gboolean
no_reads (gpointer data)
{
  return ((SyncTestProxy *) data)->n_reads == 0;
}

void
sync_test_proxy_free (SyncTestProxy *proxy)
{
  if (proxy == NULL)
    return;
  g_cancellable_cancel (proxy->cancellable);
  g_socket_service_stop (proxy->service);
  g_socket_listener_close (G_SOCKET_LISTENER (proxy->service));
  /* The cancelled reads come back before what they point to is freed. */
  g_assert_true (sync_test_wait (no_reads, proxy, 5000));
  for (guint i = 0; i < proxy->links->len; i++)
    {
      Link *link = proxy->links->pdata[i];

      link_close (link);
      g_object_unref (link->down);
      g_clear_object (&link->up);
      g_free (link);
    }
  g_ptr_array_unref (proxy->links);
  g_object_unref (proxy->service);
  g_object_unref (proxy->cancellable);
  g_free (proxy);
}
