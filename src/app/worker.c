/* Background workers (see worker.h): one thread, one store connection,
 * a condition variable to sleep on. */
#include "app/worker.h"

#include <errno.h>
#include <pthread.h>
#include <string.h>
#include <time.h>

#include "store/store.h"
#include "util/mem.h"

struct app_worker {
    struct syn_ctx ctx; /* shallow copy: shared config/log, own store */
    const char *name;   /* static */
    app_worker_fn step;
    void *arg;
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t cond; /* signalled by wake and stop */
    bool woken, stopping; /* under lock */
};

static void *
worker_main(void *p)
{
    struct app_worker *w = p;

    pthread_mutex_lock(&w->lock);
    while (!w->stopping) {
        struct syn_err err;
        struct timespec until;
        long sleep_s = 60;
        enum syn_status st;

        w->woken = false;
        pthread_mutex_unlock(&w->lock);
        syn_err_clear(&err);
        st = w->step(&w->ctx, w->arg, &sleep_s, &err);
        if (st != SYN_OK) {
            log_error(&w->ctx.log, "%s step failed status=%s msg=\"%s\"",
                      w->name, syn_status_name(st), err.msg);
        }
        if (sleep_s < 1) {
            sleep_s = 1;
        }
        if (sleep_s > 3600) {
            sleep_s = 3600;
        }
        (void)clock_gettime(CLOCK_REALTIME, &until);
        until.tv_sec += sleep_s;
        pthread_mutex_lock(&w->lock);
        while (!w->stopping && !w->woken) {
            if (pthread_cond_timedwait(&w->cond, &w->lock, &until) ==
                ETIMEDOUT)
                break;
        }
    }
    pthread_mutex_unlock(&w->lock);
    return NULL;
}

enum syn_status
app_worker_start(const struct syn_ctx *ctx, const char *name,
                 app_worker_fn step, void *arg, struct app_worker **out,
                 struct syn_err *err)
{
    struct app_worker *w = syn_calloc(1, sizeof(*w));
    enum syn_status st;

    if (w == NULL)
        return syn_err_set(err, SYN_ENOMEM, "out of memory");
    w->ctx = *ctx;
    w->ctx.store = NULL;
    w->name = name;
    w->step = step;
    w->arg = arg;
    st = ctx_store_open(ctx, &w->ctx.store, err);
    if (st != SYN_OK) {
        syn_free(w);
        return st;
    }
    pthread_mutex_init(&w->lock, NULL);
    pthread_cond_init(&w->cond, NULL);
    if (pthread_create(&w->thread, NULL, worker_main, w) != 0) {
        store_close(w->ctx.store);
        pthread_cond_destroy(&w->cond);
        pthread_mutex_destroy(&w->lock);
        syn_free(w);
        return syn_err_set(err, SYN_EIO, "cannot start the %s thread", name);
    }
    *out = w;
    return SYN_OK;
}

void
app_worker_wake(struct app_worker *w)
{
    if (w == NULL)
        return;
    pthread_mutex_lock(&w->lock);
    w->woken = true;
    pthread_cond_signal(&w->cond);
    pthread_mutex_unlock(&w->lock);
}

void
app_worker_stop(struct app_worker *w)
{
    if (w == NULL)
        return;
    pthread_mutex_lock(&w->lock);
    w->stopping = true;
    pthread_cond_signal(&w->cond);
    pthread_mutex_unlock(&w->lock);
    pthread_join(w->thread, NULL);
    store_close(w->ctx.store);
    pthread_cond_destroy(&w->cond);
    pthread_mutex_destroy(&w->lock);
    syn_free(w);
}
