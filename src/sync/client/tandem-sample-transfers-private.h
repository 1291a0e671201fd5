/* tandem-sample-transfers-private.h — state shared by the files of TandemSampleTransfers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "tandem-tls-check.h"

#include <libsoup/soup.h>

#include "tandem-sample-transfers.h"

G_BEGIN_DECLS

/* How long a download waits for someone to upload its sample before it
 * asks again (a "sample" message ends the wait sooner). */
#define TANDEM_SAMPLE_WAIT_POLL_MS 10000

struct _TandemSampleTransfer
{
  GObject                  parent_instance;

  TandemSampleTransfers   *owner;   /* unowned; NULL once the owner is gone */
  char                    *hash;
  char                    *name;
  TandemTransferDirection  direction;
  TandemTransferState      state;
  guint64                  done;
  guint64                  total;
  char                    *error;

  GCancellable            *cancellable;
  GSource                 *retry_source;
  guint                    attempt;
  gboolean                 dropping;  /* the test hook cut this request */
  TandemTlsVerdict         tls_verdict; /* on the host's certificate, last request */
  guint64                  chunk_len;
  /* downloads */
  GInputStream            *body;
  GOutputStream           *part;
  GChecksum               *checksum;  /* NULL while a worker hashes into it */
  guint                    io_gen;    /* bumped when the I/O above is dropped */
  gboolean                 hashing;
  gboolean                 at_end;    /* the body ended while hashing */
  GBytes                  *pending;   /* read and written, waiting for the worker */
};

struct _TandemSampleTransfers
{
  GObject             parent_instance;

  TandemSyncClient   *client;
  TandemProject      *project;
  TandemSampleStore  *store;
  SoupSession        *soup;
  GListStore         *list;
  GPtrArray          *active;       /* TandemSampleTransfer, unfinished */
  guint               max_parallel;
  guint               backoff_min_ms;
  guint               backoff_max_ms;
  guint               max_attempts;
  guint64             bytes_sent;
  guint64             drop_at;      /* G_MAXUINT64: off */
  gulong              state_id;
  gulong              sample_id;
  gulong              batch_id;
  gulong              applied_id;
  gulong              reset_id;
};


/* tandem-sample-transfers.c: the objects */
void          _tandem_sample_transfer_clear_io      (TandemSampleTransfer    *t);
void          _tandem_sample_transfer_set_progress  (TandemSampleTransfer    *t,
                                                     guint64                  done,
                                                     guint64                  total);
void          _tandem_sample_transfer_set_state     (TandemSampleTransfer    *t,
                                                     TandemTransferState      state);
/* Ends @t (its error, when given, says why), frees its slot, tells the
 * owner's listeners and starts what was queued behind it. */
void          _tandem_sample_transfer_finish        (TandemSampleTransfer    *t,
                                                     TandemTransferState      state,
                                                     const char              *error);

/* tandem-sample-transfers-queue.c: which transfer runs when, and requests */
gboolean      _tandem_sample_transfers_is_live      (TandemSampleTransfers   *self);
/* Starts queued transfers while slots are free (and the session is live). */
void          _tandem_sample_transfers_pump         (TandemSampleTransfers   *self);
/* The unfinished transfer of @hash, or a new queued one. */
TandemSampleTransfer *_tandem_sample_transfers_add  (TandemSampleTransfers   *self,
                                                     const char              *hash,
                                                     TandemTransferDirection  direction);
/* Requeues waiting transfers (of @hash, or all when NULL) at once. */
void          _tandem_sample_transfers_kick_waiting (TandemSampleTransfers   *self,
                                                     const char              *hash);
/* Waits and tries again; @counts is FALSE while only waiting for someone
 * else (an upload by another participant, the server applying our op). */
void          _tandem_sample_transfer_retry_later   (TandemSampleTransfer    *t,
                                                     gboolean                 counts,
                                                     const char              *reason);
/* Makes the transfers' session one that connects to @invite's host. */
void          _tandem_sample_transfers_use_session_for (TandemSampleTransfers *self,
                                                     const TandemInvite      *invite);
/* A request for @t's sample on the session's server ("samples" or
 * "uploads"), with the session token; NULL if the session has no address. */
SoupMessage  *_tandem_sample_transfer_new_message   (TandemSampleTransfer    *t,
                                                     const char              *method,
                                                     const char              *kind);
/* The message of the server's JSON error body; its code in @code, and its
 * "offset" in @offset when there is one. */
char         *_tandem_sample_transfer_server_reason (GBytes                  *body,
                                                     char                   **code,
                                                     gint64                  *offset);
/* A refused request: waits for what it needs, retries, or fails. */
void          _tandem_sample_transfer_handle_refusal (TandemSampleTransfer   *t,
                                                     guint                    status,
                                                     GBytes                  *body);
void          _tandem_sample_transfer_network_error (TandemSampleTransfer    *t,
                                                     GError                  *error);
/* Whether a reply is still wanted (the transfer did not move on) and
 * @arrived; if it did not arrive, @error is handled as a network error. */
gboolean      _tandem_sample_transfer_wants_reply   (TandemSampleTransfer    *t,
                                                     gboolean                 arrived,
                                                     GError                  *error);

/* tandem-sample-transfers-upload.c */
void          _tandem_sample_transfer_start_upload  (TandemSampleTransfer    *t);

/* tandem-sample-transfers-download.c */
void          _tandem_sample_transfer_start_download (TandemSampleTransfer   *t);

G_END_DECLS
