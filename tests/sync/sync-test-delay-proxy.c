/* sync-test-delay-proxy.c — a TCP proxy on 127.0.0.1 that delays each direction
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "sync-test-delay-proxy.h"
#include "sync-test-utils.h"

typedef struct
{
  gint64  due;
  GBytes *bytes;   /* NULL: end of stream */
} Chunk;

typedef struct _Link Link;

typedef struct
{
  Link          *link;
  GInputStream  *in;
  GOutputStream *out;
  GSocket       *out_socket;
  GQueue         chunks;
  GSource       *timer;
  gboolean       done;
} Pipe;

struct _SyncTestDelayProxy
{
  GSocketService *service;
  guint16         port;
  guint16         target;
  guint           delay_ms;
  GCancellable   *cancellable;
  GPtrArray      *links;
  guint           n_reading;   /* reads in flight */
};

struct _Link
{
  SyncTestDelayProxy             *proxy;
  GSocketConnection *down;
  GSocketConnection *up;
  Pipe               pipes[2];   /* down → up, up → down */
};

static void pipe_read (Pipe *pipe);

/* A source that fires at its ready time (µs), unlike g_timeout_source_new's
 * whole milliseconds: both directions get the same delay to a few µs. */
static gboolean
timer_dispatch (GSource     *source,
                GSourceFunc  callback,
                gpointer     data)
{
  return callback (data);
}

static GSourceFuncs timer_funcs = { NULL, NULL, timer_dispatch, NULL, NULL, NULL };

static gboolean
pipe_pump (gpointer data)
{
  Pipe *pipe = data;
  gint64 now = g_get_monotonic_time ();
  Chunk *c;

  g_clear_pointer (&pipe->timer, g_source_unref);
  while ((c = g_queue_peek_head (&pipe->chunks)) != NULL && c->due <= now)
    {
      g_queue_pop_head (&pipe->chunks);
      if (c->bytes == NULL)
        g_socket_shutdown (pipe->out_socket, FALSE, TRUE, NULL);
      else
        {
          g_output_stream_write_all (pipe->out, g_bytes_get_data (c->bytes, NULL),
                                     g_bytes_get_size (c->bytes), NULL, NULL, NULL);
          g_bytes_unref (c->bytes);
        }
      g_free (c);
    }
  if (c != NULL)
    {
      pipe->timer = g_source_new (&timer_funcs, sizeof (GSource));
      g_source_set_ready_time (pipe->timer, c->due);
      g_source_set_callback (pipe->timer, pipe_pump, pipe, NULL);
      g_source_attach (pipe->timer, NULL);
    }
  return G_SOURCE_REMOVE;
}

static void
pipe_read_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      data)
{
  Pipe *pipe = data;
  g_autoptr(GError) error = NULL;
  GBytes *bytes = g_input_stream_read_bytes_finish (G_INPUT_STREAM (source), result, &error);
  Chunk *c;

  pipe->link->proxy->n_reading--;
  if (bytes == NULL && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  c = g_new0 (Chunk, 1);
  c->due = g_get_monotonic_time () + (gint64) pipe->link->proxy->delay_ms * 1000;
  if (bytes != NULL && g_bytes_get_size (bytes) > 0)
    c->bytes = bytes;
  else
    {
      g_clear_pointer (&bytes, g_bytes_unref);
      pipe->done = TRUE;
    }
  g_queue_push_tail (&pipe->chunks, c);
  if (pipe->timer == NULL)
    pipe_pump (pipe);
  if (!pipe->done)
    pipe_read (pipe);
}

static void
pipe_read (Pipe *pipe)
{
  pipe->link->proxy->n_reading++;
  g_input_stream_read_bytes_async (pipe->in, 64 * 1024, G_PRIORITY_DEFAULT,
                                   pipe->link->proxy->cancellable, pipe_read_cb, pipe);
}

static gboolean
on_incoming (GSocketService    *service,
             GSocketConnection *connection,
             GObject           *source,
             gpointer           data)
{
  SyncTestDelayProxy *proxy = data;
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  Link *link = g_new0 (Link, 1);

  link->proxy = proxy;
  link->down = g_object_ref (connection);
  link->up = g_socket_client_connect_to_host (client, "127.0.0.1", proxy->target, NULL, NULL);
  g_assert_nonnull (link->up);
  g_ptr_array_add (proxy->links, link);
  for (guint i = 0; i < 2; i++)
    {
      GSocketConnection *from = i == 0 ? link->down : link->up;
      GSocketConnection *to = i == 0 ? link->up : link->down;

      link->pipes[i].link = link;
      link->pipes[i].in = g_io_stream_get_input_stream (G_IO_STREAM (from));
      link->pipes[i].out = g_io_stream_get_output_stream (G_IO_STREAM (to));
      link->pipes[i].out_socket = g_socket_connection_get_socket (to);
      g_queue_init (&link->pipes[i].chunks);
      pipe_read (&link->pipes[i]);
    }
  return TRUE;
}

SyncTestDelayProxy *
sync_test_delay_proxy_new (guint16 target,
                     guint   delay_ms)
{
  SyncTestDelayProxy *proxy = g_new0 (SyncTestDelayProxy, 1);
  g_autoptr(GInetAddress) lo = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) addr = g_inet_socket_address_new (lo, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(GError) error = NULL;

  proxy->target = target;
  proxy->delay_ms = delay_ms;
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

void
sync_test_delay_proxy_free (SyncTestDelayProxy *proxy)
{
  g_cancellable_cancel (proxy->cancellable);
  g_socket_service_stop (proxy->service);
  g_socket_listener_close (G_SOCKET_LISTENER (proxy->service));
  /* Let the cancelled reads come back before freeing what they point to. */
  while (proxy->n_reading > 0)
    g_main_context_iteration (NULL, TRUE);
  for (guint i = 0; i < proxy->links->len; i++)
    {
      Link *link = proxy->links->pdata[i];

      for (guint p = 0; p < 2; p++)
        {
          Chunk *c;

          if (link->pipes[p].timer != NULL)
            {
              g_source_destroy (link->pipes[p].timer);
              g_source_unref (link->pipes[p].timer);
            }
          while ((c = g_queue_pop_head (&link->pipes[p].chunks)) != NULL)
            {
              g_clear_pointer (&c->bytes, g_bytes_unref);
              g_free (c);
            }
        }
      g_io_stream_close (G_IO_STREAM (link->down), NULL, NULL);
      g_io_stream_close (G_IO_STREAM (link->up), NULL, NULL);
      g_object_unref (link->down);
      g_object_unref (link->up);
      g_free (link);
    }
  g_ptr_array_unref (proxy->links);
  g_object_unref (proxy->service);
  g_object_unref (proxy->cancellable);
  g_free (proxy);
}

guint16
sync_test_delay_proxy_get_port (SyncTestDelayProxy *proxy)
{
  return proxy->port;
}

char *
sync_test_delay_proxy_invite (SyncTestDelayProxy *proxy,
                        const char    *invite,
                        guint16        server_port)
{
  g_autofree char *a = g_strdup_printf (":%u/", server_port);
  g_autofree char *b = g_strdup_printf (":%u/", proxy->port);
  g_auto(GStrv) parts = g_strsplit (invite, a, 2);

  g_assert_cmpuint (g_strv_length (parts), ==, 2);
  return g_strjoin (b, parts[0], parts[1], NULL);
}
