/* nodelay-shim.c — LD_PRELOAD: TCP_NODELAY on every accepted socket
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * For run.sh's "nodelay" variant only: shows what tandem-server's latency is
 * once Nagle's algorithm no longer holds a small message back until the
 * previous one is acknowledged (the peers' `ws` servers set TCP_NODELAY).
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

static int
set_nodelay (int fd)
{
  int one = 1;

  if (fd >= 0)
    setsockopt (fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one); /* fails harmlessly on non-TCP */
  return fd;
}

int
accept4 (int fd, struct sockaddr *addr, socklen_t *len, int flags)
{
  static int (*real) (int, struct sockaddr *, socklen_t *, int);

  if (!real)
    real = (int (*) (int, struct sockaddr *, socklen_t *, int)) dlsym (RTLD_NEXT, "accept4");
  return set_nodelay (real (fd, addr, len, flags));
}

int
accept (int fd, struct sockaddr *addr, socklen_t *len)
{
  static int (*real) (int, struct sockaddr *, socklen_t *);

  if (!real)
    real = (int (*) (int, struct sockaddr *, socklen_t *)) dlsym (RTLD_NEXT, "accept");
  return set_nodelay (real (fd, addr, len));
}
