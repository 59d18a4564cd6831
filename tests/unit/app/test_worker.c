/* app/worker: a step runs at start, again when woken, and stop waits for
 * it; each worker has its own store connection. */
#include "testutil.h"

#include <pthread.h>
#include <stdio.h>
#include <time.h>

#include "app/worker.h"
#include "store/store.h"

struct counter {
    pthread_mutex_t lock;
    int steps;
    int had_store;
};

static enum syn_status
count_step(struct syn_ctx *ctx, void *arg, long *sleep_s, struct syn_err *err)
{
    struct counter *c = arg;

    (void)err;
    pthread_mutex_lock(&c->lock);
    c->steps++;
    c->had_store += ctx->store != NULL;
    pthread_mutex_unlock(&c->lock);
    *sleep_s = 3600; /* only a wake-up runs it again */
    return SYN_OK;
}

static int
steps_of(struct counter *c)
{
    int n;

    pthread_mutex_lock(&c->lock);
    n = c->steps;
    pthread_mutex_unlock(&c->lock);
    return n;
}

/* Wait (bounded) until the counter reaches n. */
static int
wait_steps(struct counter *c, int n)
{
    int i;

    struct timespec tick = {0, 10 * 1000 * 1000};

    for (i = 0; i < 500 && steps_of(c) < n; i++) {
        nanosleep(&tick, NULL);
    }
    return steps_of(c);
}

static void
test_start_wake_stop(void **state)
{
    struct counter c = {PTHREAD_MUTEX_INITIALIZER, 0, 0};
    struct app_worker *w = NULL;
    struct ctx_opts opts = {NULL, NULL, 0, CTX_STORE | CTX_CREATE};
    struct syn_ctx ctx;
    struct syn_err err;
    char db[4200];
    const char *dir = test_tmpdir();

    (void)state;
    assert_non_null(dir);
    snprintf(db, sizeof(db), "%s/w.db", dir);
    opts.db_path = db;
    assert_int_equal(ctx_open(&ctx, &opts, &err), SYN_OK);
    assert_int_equal(
        app_worker_start(&ctx, "test", count_step, &c, &w, &err), SYN_OK);
    assert_int_equal(wait_steps(&c, 1), 1);
    app_worker_wake(w);
    assert_int_equal(wait_steps(&c, 2), 2);
    app_worker_wake(w);
    assert_int_equal(wait_steps(&c, 3), 3);
    app_worker_stop(w);
    assert_int_equal(steps_of(&c), 3);
    assert_int_equal(c.had_store, 3);
    app_worker_stop(NULL);
    ctx_close(&ctx);
    test_rmtree(dir);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_start_wake_stop),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
