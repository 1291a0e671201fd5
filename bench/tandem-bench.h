/* tandem-bench.h — shared helpers for the benchmark programs
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Each benchmark is a function that parses its own arguments and prints its
 * figures on stdout; it returns the process exit status. */
int    tandem_bench_model (int argc, char **argv);
int    tandem_bench_ui    (int argc, char **argv);
int    tandem_bench_sync  (int argc, char **argv);
int    tandem_bench_audio (int argc, char **argv);
int    tandem_bench_samples (int argc, char **argv);
int    tandem_bench_json  (int argc, char **argv);
int    tandem_bench_slow_viewers (int argc, char **argv);
int    tandem_bench_kits  (int argc, char **argv);
int    tandem_bench_net   (int argc, char **argv);
int    tandem_bench_music (int argc, char **argv);
int    tandem_bench_restart (int argc, char **argv);
int    tandem_bench_cluster (int argc, char **argv);
/* The history section of `tandem-bench sync` (bench-sync-history.c). */
void   tandem_bench_sync_history (guint n_edits);

/* Writes a session folder @dir (named @id) as the server leaves it after
 * @n_edits batches by two people, one every 100 ms of server time, with a
 * snapshot every 1000 and the history kept. Every role's token is
 * TANDEM_BENCH_SESSION_TOKEN. */
#define TANDEM_BENCH_SESSION_TOKEN "bench-session-token"
gboolean tandem_bench_write_session (const char *dir, const char *id, guint n_edits,
                                     GError **error);

/* The tandem-server built beside this tandem-bench. */
char    *tandem_bench_default_server_path (void);
/* A "VmRSS:"-style @field of /proc/@pid/status, in KiB (0 if unreadable). */
guint64  tandem_bench_proc_status_kib (const char *pid, const char *field);

/* Edit → remote-apply latency (bench-latency.c): @n_clients clients, client
 * i joining @links[i], submit @rate cell edits a second in all for
 * @duration s (the first quarter is warm-up). The delay of every remote
 * apply goes to @same_node_us, or to @cross_node_us when @node_of (one
 * node index per client; NULL: one node) puts author and receiver on
 * different nodes; either array may be NULL. @delivered (optional, one per
 * client) counts the batches of others each client applied while
 * measuring. FALSE if the clients were not all live within 20 s. */
gboolean tandem_bench_edit_latency (const char  **links,
                                    const guint  *node_of,
                                    guint         n_clients,
                                    double        rate,
                                    double        duration,
                                    GArray       *same_node_us,
                                    GArray       *cross_node_us,
                                    guint64      *delivered);
/* Removes @path and everything below it (symbolic links, not what they
 * point to). */
void     tandem_bench_remove_tree (const char *path);
/* Percentile @p (0..100) of @values (sorted in place). */
double tandem_bench_percentile (double *values, gsize n_values, double p);

G_END_DECLS
