/* util/simindex: the index answers exactly what a linear scan answers
 * (nearest within the distance, other group, other id, ties to the
 * earliest entry), at every distance scheme (pairs of blocks, single
 * blocks, scan), including after truncation. */
#include "testutil.h"

#include <string.h>

#include "util/mem.h"
#include "util/simhash.h"
#include "util/simindex.h"

struct ref {
    uint64_t hash;
    int64_t id, group;
};

/* The linear scan the index must agree with. */
static int64_t
ref_nearest(const struct ref *v, size_t n, int max_d, uint64_t hash, int64_t id,
            int64_t group)
{
    int best = max_d + 1;
    int64_t best_id = 0;
    size_t i;

    for (i = 0; i < n; i++) {
        int d;

        if (v[i].group == group || v[i].id == id)
            continue;
        d = simhash_distance(hash, v[i].hash);
        if (d < best) {
            best = d;
            best_id = v[i].id;
        }
    }
    return best_id;
}

static uint64_t
rnd(uint64_t *s)
{
    /* xorshift64*: deterministic test data. */
    *s ^= *s >> 12;
    *s ^= *s << 25;
    *s ^= *s >> 27;
    return *s * UINT64_C(2685821657736338717);
}

/* A fingerprint near base: flip k random bits. */
static uint64_t
near(uint64_t base, int k, uint64_t *s)
{
    int i;

    for (i = 0; i < k; i++) {
        base ^= UINT64_C(1) << (rnd(s) % 64);
    }
    return base;
}

static void
check_distance(int max_d)
{
    enum { N = 3000, BASES = 40 };
    struct ref *v = syn_calloc(N, sizeof(*v));
    uint64_t bases[BASES], seed = 0x9E3779B97F4A7C15u + (uint64_t)max_d;
    struct simindex *x = NULL;
    struct syn_err err;
    size_t i;

    assert_non_null(v);
    for (i = 0; i < BASES; i++) {
        bases[i] = rnd(&seed);
    }
    assert_int_equal(simindex_new(max_d, &x, &err), SYN_OK);
    for (i = 0; i < N; i++) {
        uint64_t q =
            near(bases[rnd(&seed) % BASES], (int)(rnd(&seed) % 12), &seed);
        int64_t group = (int64_t)(rnd(&seed) % 50) + 1;
        int64_t id = (int64_t)i + 1;

        /* Query before adding, as the ingest does. */
        assert_int_equal(simindex_nearest(x, q, id, group),
                         ref_nearest(v, i, max_d, q, id, group));
        v[i].hash = q;
        v[i].id = id;
        v[i].group = group;
        assert_int_equal(simindex_add(x, q, id, group), SYN_OK);
    }
    assert_int_equal(simindex_count(x), N);
    /* Drop the newest half: answers are those of the older half. */
    simindex_truncate(x, N / 2);
    assert_int_equal(simindex_count(x), N / 2);
    for (i = 0; i < 500; i++) {
        uint64_t q = near(bases[i % BASES], (int)(i % 9), &seed);

        assert_int_equal(simindex_nearest(x, q, 0, 0),
                         ref_nearest(v, N / 2, max_d, q, 0, 0));
    }
    /* Entries added after a truncation are found again. */
    assert_int_equal(simindex_add(x, v[N - 1].hash, 99999, 77), SYN_OK);
    assert_int_equal(simindex_nearest(x, v[N - 1].hash, 0, 0) != 0, 1);
    simindex_free(x);
    syn_free(v);
}

static void
test_same_as_linear_scan(void **state)
{
    static const int distances[] = {0, 1, 3, 6, 8, 9, 11, 12, 20, 32, 64};
    size_t i;

    (void)state;
    for (i = 0; i < SYN_ARRAY_LEN(distances); i++) {
        check_distance(distances[i]);
    }
}

static void
test_ties_and_exclusions(void **state)
{
    static const struct {
        uint64_t hash;
        int64_t id, group;
    } entries[] = {
        {0xFF00, 1, 1}, /* distance 1 from the query, same group */
        {0xF000, 2, 2}, /* distance 3 */
        {0xFE01, 3, 3}, /* distance 1, first of a tie */
        {0xFE02, 4, 4}, /* distance 1, later */
        {0, 5, 5},      /* fingerprint 0 is an ordinary value */
    };
    struct simindex *x = NULL;
    struct syn_err err;
    size_t i;

    (void)state;
    assert_int_equal(simindex_new(6, &x, &err), SYN_OK);
    assert_int_equal(simindex_nearest(x, 1, 0, 0), 0);
    for (i = 0; i < SYN_ARRAY_LEN(entries); i++) {
        assert_int_equal(
            simindex_add(x, entries[i].hash, entries[i].id, entries[i].group),
            SYN_OK);
    }
    assert_int_equal(simindex_nearest(x, 0xFE00, 0, 1), 3);
    assert_int_equal(simindex_nearest(x, 0xFE00, 3, 1), 4);
    assert_int_equal(simindex_nearest(x, 0xFE00, 0, 3), 1);
    assert_int_equal(simindex_nearest(x, 0x3, 0, 0), 5);
    assert_int_equal(simindex_nearest(x, UINT64_MAX, 0, 0), 0);
    simindex_free(x);
    assert_int_equal(simindex_new(-1, &x, &err), SYN_EINVAL);
    assert_int_equal(simindex_new(65, &x, &err), SYN_EINVAL);
    simindex_free(NULL);
}

static enum syn_status
fill(void *state)
{
    struct simindex *x = NULL;
    struct syn_err err;
    enum syn_status st;
    uint64_t seed = 42;
    int64_t i;

    (void)state;
    st = simindex_new(6, &x, &err);
    if (st != SYN_OK)
        return st;
    for (i = 1; i <= 2100 && st == SYN_OK; i++) {
        st = simindex_add(x, rnd(&seed), i, i % 7);
    }
    if (st == SYN_OK && simindex_count(x) != 2100) {
        fail();
    }
    simindex_free(x);
    return st;
}

static void
test_alloc_failure(void **state)
{
    (void)state;
    assert_true(test_alloc_failures(fill, NULL) > 1);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_same_as_linear_scan),
        cmocka_unit_test(test_ties_and_exclusions),
        cmocka_unit_test(test_alloc_failure),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
