/* Background workers of `syndic serve`: the fetch scheduler and the mail
 * sender each run on a thread of their own, with their own store
 * connection, calling a step function again and again. A step says when
 * it wants to run next; app_worker_wake() makes it run at once (the web
 * server wakes the mail sender when it queues a mail).
 * Thread rules: start/stop from the controlling thread; wake from any. */
#ifndef SYNDIC_APP_WORKER_H
#define SYNDIC_APP_WORKER_H

#include <stdint.h>

#include "app/ctx.h"
#include "util/compiler.h"
#include "util/err.h"

/* One step of work. ctx is the worker's own copy of the context: same
 * configuration and log, its own store. Set *sleep_s to the seconds until
 * the next step (it is clamped to 1 .. 3600). A step that fails is logged
 * and retried after *sleep_s. */
typedef enum syn_status (*app_worker_fn)(struct syn_ctx *ctx, void *arg,
                                         long *sleep_s /* out */,
                                         struct syn_err *err);

struct app_worker;

/* Open a store connection for the worker and start its thread, which runs
 * the first step at once. name is for the log ("fetch", "mail").
 * SYN_EDB, SYN_ENOMEM, SYN_EIO (thread). */
enum syn_status app_worker_start(const struct syn_ctx *ctx, const char *name,
                                 app_worker_fn step, void *arg,
                                 struct app_worker **out /* out */,
                                 struct syn_err *err) SYN_NODISCARD;

/* Run the next step now (coalesced with any pending wake-up). */
void app_worker_wake(struct app_worker *w);

/* Ask the worker to stop, wait for the step in progress to end, close its
 * store and free it. NULL is a no-op. */
void app_worker_stop(struct app_worker *w);

#endif
