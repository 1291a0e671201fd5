/* rt-interposer.c — counts forbidden calls made inside the audio callback
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Loaded with LD_PRELOAD by test-rt-safety. The engine's PortAudio callback
 * calls tandem_rt_probe_enter() and tandem_rt_probe_leave() around its work
 * when they exist (found with dlsym). Between the two, on that thread, every
 * call to an allocator, a lock, a sleep or a system-call wrapper below is
 * counted as a violation. Other threads and other times pass straight
 * through. Allocation goes to glibc's __libc_* entry points, so the
 * interposer never needs dlsym for them (dlsym itself allocates).
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

extern void *__libc_malloc (size_t);
extern void *__libc_calloc (size_t, size_t);
extern void *__libc_realloc (void *, size_t);
extern void  __libc_free (void *);
extern void *__libc_memalign (size_t, size_t);

static __thread int in_callback;
static atomic_ulong violations;
static atomic_ulong callbacks;
static const char *_Atomic last_violation;

void          tandem_rt_probe_enter      (void);
void          tandem_rt_probe_leave      (void);
unsigned long tandem_rt_probe_violations (void);
unsigned long tandem_rt_probe_callbacks  (void);
const char   *tandem_rt_probe_last       (void);
void          tandem_rt_probe_reset      (void);

void
tandem_rt_probe_enter (void)
{
  in_callback = 1;
  atomic_fetch_add (&callbacks, 1);
}

void
tandem_rt_probe_leave (void)
{
  in_callback = 0;
}

unsigned long
tandem_rt_probe_violations (void)
{
  return atomic_load (&violations);
}

unsigned long
tandem_rt_probe_callbacks (void)
{
  return atomic_load (&callbacks);
}

const char *
tandem_rt_probe_last (void)
{
  return atomic_load (&last_violation);
}

void
tandem_rt_probe_reset (void)
{
  atomic_store (&violations, 0);
  atomic_store (&callbacks, 0);
  atomic_store (&last_violation, NULL);
}

#define COUNT(name) \
  do { \
    if (in_callback) \
      { \
        atomic_fetch_add (&violations, 1); \
        atomic_store (&last_violation, name); \
      } \
  } while (0)

#define REAL(ret, name, params) \
  static ret (*real_##name) params; \
  if (real_##name == NULL) \
    real_##name = (ret (*) params) dlsym (RTLD_NEXT, #name)

void *
malloc (size_t size)
{
  COUNT ("malloc");
  return __libc_malloc (size);
}

void *
calloc (size_t n,
        size_t size)
{
  COUNT ("calloc");
  return __libc_calloc (n, size);
}

void *
realloc (void   *ptr,
         size_t  size)
{
  COUNT ("realloc");
  return __libc_realloc (ptr, size);
}

void
free (void *ptr)
{
  if (ptr != NULL)
    COUNT ("free");
  __libc_free (ptr);
}

int
posix_memalign (void   **out,
                size_t   alignment,
                size_t   size)
{
  COUNT ("posix_memalign");
  *out = __libc_memalign (alignment, size);
  return *out != NULL ? 0 : 12;
}

void *
aligned_alloc (size_t alignment,
               size_t size)
{
  COUNT ("aligned_alloc");
  return __libc_memalign (alignment, size);
}

int
pthread_mutex_lock (pthread_mutex_t *m)
{
  REAL (int, pthread_mutex_lock, (pthread_mutex_t *));
  COUNT ("pthread_mutex_lock");
  return real_pthread_mutex_lock (m);
}

int
pthread_mutex_trylock (pthread_mutex_t *m)
{
  REAL (int, pthread_mutex_trylock, (pthread_mutex_t *));
  COUNT ("pthread_mutex_trylock");
  return real_pthread_mutex_trylock (m);
}

int
pthread_mutex_unlock (pthread_mutex_t *m)
{
  REAL (int, pthread_mutex_unlock, (pthread_mutex_t *));
  COUNT ("pthread_mutex_unlock");
  return real_pthread_mutex_unlock (m);
}

int
pthread_rwlock_rdlock (pthread_rwlock_t *l)
{
  REAL (int, pthread_rwlock_rdlock, (pthread_rwlock_t *));
  COUNT ("pthread_rwlock_rdlock");
  return real_pthread_rwlock_rdlock (l);
}

int
pthread_rwlock_wrlock (pthread_rwlock_t *l)
{
  REAL (int, pthread_rwlock_wrlock, (pthread_rwlock_t *));
  COUNT ("pthread_rwlock_wrlock");
  return real_pthread_rwlock_wrlock (l);
}

int
pthread_cond_wait (pthread_cond_t  *c,
                   pthread_mutex_t *m)
{
  REAL (int, pthread_cond_wait, (pthread_cond_t *, pthread_mutex_t *));
  COUNT ("pthread_cond_wait");
  return real_pthread_cond_wait (c, m);
}

int
pthread_cond_timedwait (pthread_cond_t        *c,
                        pthread_mutex_t       *m,
                        const struct timespec *t)
{
  REAL (int, pthread_cond_timedwait, (pthread_cond_t *, pthread_mutex_t *, const struct timespec *));
  COUNT ("pthread_cond_timedwait");
  return real_pthread_cond_timedwait (c, m, t);
}

int
pthread_cond_signal (pthread_cond_t *c)
{
  REAL (int, pthread_cond_signal, (pthread_cond_t *));
  COUNT ("pthread_cond_signal");
  return real_pthread_cond_signal (c);
}

int
pthread_cond_broadcast (pthread_cond_t *c)
{
  REAL (int, pthread_cond_broadcast, (pthread_cond_t *));
  COUNT ("pthread_cond_broadcast");
  return real_pthread_cond_broadcast (c);
}

int
sem_wait (sem_t *s)
{
  REAL (int, sem_wait, (sem_t *));
  COUNT ("sem_wait");
  return real_sem_wait (s);
}

int
sem_post (sem_t *s)
{
  REAL (int, sem_post, (sem_t *));
  COUNT ("sem_post");
  return real_sem_post (s);
}

ssize_t
write (int         fd,
       const void *buf,
       size_t      n)
{
  REAL (ssize_t, write, (int, const void *, size_t));
  COUNT ("write");
  return real_write (fd, buf, n);
}

ssize_t
read (int     fd,
      void   *buf,
      size_t  n)
{
  REAL (ssize_t, read, (int, void *, size_t));
  COUNT ("read");
  return real_read (fd, buf, n);
}

int
open (const char *path,
      int         flags,
      ...)
{
  mode_t mode = 0;
  va_list ap;
  REAL (int, open, (const char *, int, ...));

  va_start (ap, flags);
  if (flags & (O_CREAT | O_TMPFILE))
    mode = va_arg (ap, mode_t);
  va_end (ap);
  COUNT ("open");
  return real_open (path, flags, mode);
}

int
close (int fd)
{
  REAL (int, close, (int));
  COUNT ("close");
  return real_close (fd);
}

size_t
fwrite (const void *buf,
        size_t      size,
        size_t      n,
        FILE       *stream)
{
  REAL (size_t, fwrite, (const void *, size_t, size_t, FILE *));
  COUNT ("fwrite");
  return real_fwrite (buf, size, n, stream);
}

int
vfprintf (FILE       *stream,
          const char *format,
          va_list     ap)
{
  REAL (int, vfprintf, (FILE *, const char *, va_list));
  COUNT ("vfprintf");
  return real_vfprintf (stream, format, ap);
}

int
nanosleep (const struct timespec *req,
           struct timespec       *rem)
{
  REAL (int, nanosleep, (const struct timespec *, struct timespec *));
  COUNT ("nanosleep");
  return real_nanosleep (req, rem);
}

int
usleep (useconds_t us)
{
  REAL (int, usleep, (useconds_t));
  COUNT ("usleep");
  return real_usleep (us);
}

int
poll (struct pollfd *fds,
      nfds_t         n,
      int            timeout)
{
  REAL (int, poll, (struct pollfd *, nfds_t, int));
  COUNT ("poll");
  return real_poll (fds, n, timeout);
}

void *
mmap (void   *addr,
      size_t  length,
      int     prot,
      int     flags,
      int     fd,
      off_t   offset)
{
  REAL (void *, mmap, (void *, size_t, int, int, int, off_t));
  COUNT ("mmap");
  return real_mmap (addr, length, prot, flags, fd, offset);
}

int
munmap (void   *addr,
        size_t  length)
{
  REAL (int, munmap, (void *, size_t));
  COUNT ("munmap");
  return real_munmap (addr, length);
}

int
sched_yield (void)
{
  REAL (int, sched_yield, (void));
  COUNT ("sched_yield");
  return real_sched_yield ();
}

long
syscall (long number,
         ...)
{
  long a[6];
  va_list ap;
  REAL (long, syscall, (long, ...));

  va_start (ap, number);
  for (int i = 0; i < 6; i++)
    a[i] = va_arg (ap, long);
  va_end (ap);
  COUNT ("syscall");
  return real_syscall (number, a[0], a[1], a[2], a[3], a[4], a[5]);
}
