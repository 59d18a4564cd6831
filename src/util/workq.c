/* Ordered, bounded work queue (see workq.h).
 *
 * Tasks sit in a ring of cap slots indexed by three counters that only
 * grow: taken <= started <= submitted. Slots [taken, started) are running
 * or done, [started, submitted) are waiting for a worker. Workers start
 * tasks in submission order; they may finish in any order, and the owner
 * takes them back in submission order. One mutex guards the counters and
 * the done flags; `work` wakes workers, `done` wakes the owner. */
#include "util/workq.h"

#include <pthread.h>

#include "util/mem.h"

struct workq_slot {
    void *task; /* the caller's */
    bool done;  /* fn has returned */
};

struct workq {
    pthread_mutex_t lock;
    pthread_cond_t work;      /* a task was submitted, or stop */
    pthread_cond_t done;      /* a task finished */
    struct workq_slot *slots; /* cap entries */
    size_t cap;
    size_t submitted, started, taken; /* sequence numbers */
    bool stop;                        /* workers exit when nothing is waiting */
    workq_fn fn;
    void *user;
    pthread_t *threads; /* n_threads entries */
    size_t n_threads;
};

static void *
workq_main(void *arg)
{
    struct workq *q = arg;

    pthread_mutex_lock(&q->lock);
    for (;;) {
        struct workq_slot *slot;

        while (!q->stop && q->started == q->submitted) {
            pthread_cond_wait(&q->work, &q->lock);
        }
        if (q->started == q->submitted)
            break; /* stop, and nothing left to run */
        slot = &q->slots[q->started % q->cap];
        q->started++;
        pthread_mutex_unlock(&q->lock);
        q->fn(slot->task, q->user);
        pthread_mutex_lock(&q->lock);
        slot->done = true;
        /* Only the owner waits on `done`, for the oldest slot. */
        if (slot == &q->slots[q->taken % q->cap]) {
            pthread_cond_signal(&q->done);
        }
    }
    pthread_mutex_unlock(&q->lock);
    return NULL;
}

enum syn_status
workq_new(size_t n_workers, size_t cap, workq_fn fn, void *user,
          struct workq **out, struct syn_err *err)
{
    struct workq *q;
    size_t i;

    if (cap == 0 || fn == NULL)
        return syn_err_set(err, SYN_EINVAL, "workq: cap 0 or no function");
    q = syn_calloc(1, sizeof(*q));
    if (q == NULL)
        return syn_err_set(err, SYN_ENOMEM, "out of memory");
    q->slots = syn_calloc(cap, sizeof(*q->slots));
    q->threads =
        n_workers > 0 ? syn_calloc(n_workers, sizeof(*q->threads)) : NULL;
    if (q->slots == NULL || (n_workers > 0 && q->threads == NULL)) {
        syn_free(q->slots);
        syn_free(q->threads);
        syn_free(q);
        return syn_err_set(err, SYN_ENOMEM, "out of memory");
    }
    q->cap = cap;
    q->fn = fn;
    q->user = user;
    pthread_mutex_init(&q->lock, NULL);
    pthread_cond_init(&q->work, NULL);
    pthread_cond_init(&q->done, NULL);
    for (i = 0; i < n_workers; i++) {
        if (pthread_create(&q->threads[i], NULL, workq_main, q) != 0)
            break;
        q->n_threads++;
    }
    if (n_workers > 0 && q->n_threads == 0) {
        workq_free(q);
        return syn_err_set(err, SYN_EIO, "workq: no thread could start");
    }
    *out = q;
    return SYN_OK;
}

size_t
workq_workers(const struct workq *q)
{
    return q->n_threads;
}

size_t
workq_pending(const struct workq *q)
{
    /* submitted and taken are written by the owner only. */
    return q->submitted - q->taken;
}

enum syn_status
workq_submit(struct workq *q, void *task)
{
    struct workq_slot *slot;

    if (task == NULL)
        return SYN_EINVAL;
    if (q->submitted - q->taken == q->cap)
        return SYN_ETOOBIG;
    slot = &q->slots[q->submitted % q->cap];
    if (q->n_threads == 0) {
        q->fn(task, q->user);
        slot->task = task;
        slot->done = true;
        q->submitted++;
        q->started++;
        return SYN_OK;
    }
    pthread_mutex_lock(&q->lock);
    slot->task = task;
    slot->done = false;
    q->submitted++;
    pthread_cond_signal(&q->work);
    pthread_mutex_unlock(&q->lock);
    return SYN_OK;
}

void *
workq_take(struct workq *q, bool wait)
{
    struct workq_slot *slot;
    void *task = NULL;

    if (q->submitted == q->taken)
        return NULL;
    slot = &q->slots[q->taken % q->cap];
    if (q->n_threads == 0) {
        q->taken++;
        return slot->task;
    }
    pthread_mutex_lock(&q->lock);
    while (wait && !slot->done) {
        pthread_cond_wait(&q->done, &q->lock);
    }
    if (slot->done) {
        task = slot->task;
        slot->task = NULL;
        slot->done = false;
        q->taken++;
    }
    pthread_mutex_unlock(&q->lock);
    return task;
}

void
workq_free(struct workq *q)
{
    size_t i;

    if (q == NULL)
        return;
    pthread_mutex_lock(&q->lock);
    q->stop = true;
    pthread_cond_broadcast(&q->work);
    pthread_mutex_unlock(&q->lock);
    for (i = 0; i < q->n_threads; i++) {
        pthread_join(q->threads[i], NULL);
    }
    pthread_cond_destroy(&q->done);
    pthread_cond_destroy(&q->work);
    pthread_mutex_destroy(&q->lock);
    syn_free(q->threads);
    syn_free(q->slots);
    syn_free(q);
}
