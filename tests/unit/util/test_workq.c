/* util/workq: tasks come back in submission order whatever order the
 * workers finish them in; the queue is bounded; the inline mode (no
 * threads) behaves the same. */
#include "testutil.h"

#include <stdatomic.h>
#include <string.h>
#include <time.h>

#include "util/mem.h"
#include "util/workq.h"

struct task {
    size_t n;      /* submission number */
    unsigned spin; /* work to do: later tasks finish sooner */
    size_t result; /* written by the worker */
};

struct counter {
    atomic_size_t runs;
};

static void
work(void *p, void *user)
{
    struct task *t = p;
    struct counter *c = user;
    struct timespec ts = {0, (long)t->spin * 20000L};

    /* Sleep, not busy work: finishing order must differ from submission
     * order without depending on the machine's speed. */
    nanosleep(&ts, NULL);
    t->result = t->n * 3 + 1;
    atomic_fetch_add(&c->runs, 1);
}

/* Run n tasks through a queue of workers threads and capacity cap,
 * taking back whatever is ready between submissions. */
static void
run_ordered(size_t workers, size_t cap, size_t n)
{
    struct task *tasks = syn_calloc(n, sizeof(*tasks));
    struct counter c;
    struct workq *q = NULL;
    struct syn_err err;
    size_t i, next = 0;

    assert_non_null(tasks);
    atomic_init(&c.runs, 0);
    assert_int_equal(workq_new(workers, cap, work, &c, &q, &err), SYN_OK);
    assert_int_equal(workq_workers(q), workers);
    for (i = 0; i < n; i++) {
        struct task *t;

        tasks[i].n = i;
        tasks[i].spin = (unsigned)(n - i) % 7;
        if (workq_pending(q) == cap) {
            assert_int_equal(workq_submit(q, &tasks[i]), SYN_ETOOBIG);
            t = workq_take(q, true);
            assert_ptr_equal(t, &tasks[next]);
            assert_int_equal(t->result, next * 3 + 1);
            next++;
        }
        assert_int_equal(workq_submit(q, &tasks[i]), SYN_OK);
        assert_true(workq_pending(q) <= cap);
        while ((t = workq_take(q, false)) != NULL) {
            assert_ptr_equal(t, &tasks[next]);
            assert_int_equal(t->result, next * 3 + 1);
            next++;
        }
    }
    while (next < n) {
        struct task *t = workq_take(q, true);

        assert_ptr_equal(t, &tasks[next]);
        assert_int_equal(t->result, next * 3 + 1);
        next++;
    }
    assert_null(workq_take(q, true));
    assert_int_equal(workq_pending(q), 0);
    assert_int_equal(atomic_load(&c.runs), n);
    workq_free(q);
    syn_free(tasks);
}

static void
test_order_kept(void **state)
{
    static const struct {
        size_t workers, cap, n;
    } cases[] = {
        {0, 1, 10},  {0, 4, 50},  {1, 1, 20},   {1, 3, 40},
        {2, 8, 100}, {4, 4, 100}, {4, 16, 200},
    };
    size_t i;

    (void)state;
    for (i = 0; i < SYN_ARRAY_LEN(cases); i++) {
        run_ordered(cases[i].workers, cases[i].cap, cases[i].n);
    }
}

static void
test_bad_arguments(void **state)
{
    struct counter c;
    struct workq *q = NULL;
    struct syn_err err;

    (void)state;
    atomic_init(&c.runs, 0);
    assert_int_equal(workq_new(1, 0, work, &c, &q, &err), SYN_EINVAL);
    assert_int_equal(workq_new(1, 1, NULL, &c, &q, &err), SYN_EINVAL);
    assert_null(q);
    assert_int_equal(workq_new(2, 2, work, &c, &q, &err), SYN_OK);
    assert_int_equal(workq_submit(q, NULL), SYN_EINVAL);
    assert_null(workq_take(q, false));
    workq_free(q);
    workq_free(NULL);
}

/* Freeing with tasks still pending runs them and joins the workers. */
static void
test_free_with_pending(void **state)
{
    struct task tasks[6];
    struct counter c;
    struct workq *q = NULL;
    struct syn_err err;
    size_t i;

    (void)state;
    memset(tasks, 0, sizeof(tasks));
    atomic_init(&c.runs, 0);
    assert_int_equal(workq_new(2, 6, work, &c, &q, &err), SYN_OK);
    for (i = 0; i < 6; i++) {
        tasks[i].n = i;
        tasks[i].spin = 3;
        assert_int_equal(workq_submit(q, &tasks[i]), SYN_OK);
    }
    workq_free(q);
    assert_int_equal(atomic_load(&c.runs), 6);
    for (i = 0; i < 6; i++) {
        assert_int_equal(tasks[i].result, i * 3 + 1);
    }
}

static enum syn_status
new_and_use(void *state)
{
    struct task tasks[3];
    struct counter c;
    struct workq *q = NULL;
    struct syn_err err;
    enum syn_status st;
    size_t i;

    (void)state;
    memset(tasks, 0, sizeof(tasks));
    atomic_init(&c.runs, 0);
    st = workq_new(2, 3, work, &c, &q, &err);
    if (st != SYN_OK)
        return st;
    for (i = 0; i < 3; i++) {
        tasks[i].n = i;
        if (workq_submit(q, &tasks[i]) != SYN_OK) {
            fail();
        }
    }
    for (i = 0; i < 3; i++) {
        if (workq_take(q, true) != &tasks[i]) {
            fail();
        }
    }
    workq_free(q);
    return SYN_OK;
}

static void
test_alloc_failure(void **state)
{
    (void)state;
    assert_true(test_alloc_failures(new_and_use, NULL) > 1);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_order_kept),
        cmocka_unit_test(test_bad_arguments),
        cmocka_unit_test(test_free_with_pending),
        cmocka_unit_test(test_alloc_failure),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
