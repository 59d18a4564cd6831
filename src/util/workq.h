/* An ordered, bounded work queue over a small pool of worker threads:
 * the owner thread submits tasks, the workers run fn(task, user) on them
 * in parallel, and the owner takes the finished tasks back in the order
 * it submitted them. It lets a single-threaded consumer (the ingest's
 * store transaction) keep its order while the pure work before it (feed
 * parsing, HTML cleaning) uses every core.
 *
 * Bounds: at most cap tasks are submitted and not yet taken back; the
 * owner decides what to do when the queue is full (take the oldest, which
 * waits for it). Memory is therefore bounded by cap tasks in flight.
 *
 * With n_workers == 0 there are no threads: workq_submit() runs fn on the
 * calling thread before returning, so a caller has one code path for
 * both modes.
 *
 * Tasks are opaque pointers owned by the caller throughout: the queue
 * never frees one. fn must not touch the queue.
 *
 * Thread rules: workq_submit, workq_take, workq_pending and workq_free are
 * for the owner thread only; fn runs on a worker thread (or the owner's
 * with n_workers == 0) and may only touch its task and what user makes
 * safe to share (read-only data). */
#ifndef SYNDIC_UTIL_WORKQ_H
#define SYNDIC_UTIL_WORKQ_H

#include <stdbool.h>
#include <stddef.h>

#include "util/compiler.h"
#include "util/err.h"

struct workq;

/* Runs on a worker thread, once per submitted task. */
typedef void (*workq_fn)(void *task, void *user);

/* Start n_workers threads (0: none, see above) for a queue of cap tasks
 * (cap >= 1). On SYN_OK *out is a new queue; free it with workq_free().
 * SYN_EINVAL for cap 0 or a NULL fn, SYN_ENOMEM, SYN_EIO when no thread
 * could be started. When only some threads start, the queue runs with
 * those (workq_workers() says how many). */
enum syn_status workq_new(size_t n_workers, size_t cap, workq_fn fn, void *user,
                          struct workq **out /* out */,
                          struct syn_err *err) SYN_NODISCARD;

/* Threads actually running (0 in the inline mode). */
size_t workq_workers(const struct workq *q);

/* Tasks submitted and not yet taken back (0..cap). */
size_t workq_pending(const struct workq *q);

/* Queue task (not NULL). SYN_ETOOBIG when cap tasks are pending: take
 * one back first. SYN_EINVAL for a NULL task. */
enum syn_status workq_submit(struct workq *q, void *task) SYN_NODISCARD;

/* The oldest pending task once fn has finished with it, removed from the
 * queue; NULL when nothing is pending, or when wait is false and the
 * oldest task is not finished yet. With wait, blocks until it is. */
void *workq_take(struct workq *q, bool wait);

/* Stop and join the workers, after they finish the tasks already
 * submitted; pending tasks are not freed (take them back first, or keep
 * your own list). NULL is a no-op. */
void workq_free(struct workq *q);

#endif
