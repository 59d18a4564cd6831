/* SimHash nearest-neighbour index (see simindex.h).
 *
 * Storage: an array of entries (hash, id, group) and, per table, 2^bits
 * chain heads plus one `next` link per entry. Chains are newest first,
 * so dropping the newest entries (simindex_truncate) only pops chain
 * heads. Positions are uint32_t to halve the links. */
#include "util/simindex.h"

#include <string.h>

#include "util/limits.h"
#include "util/mem.h"
#include "util/simhash.h"

#define NONE UINT32_MAX

struct simindex_entry {
    uint64_t hash;
    int64_t id;
    int64_t group;
};

struct simindex {
    int max_distance;
    size_t n_tables;                        /* 0: linear scan */
    uint64_t mask[SYN_SIMINDEX_MAX_TABLES]; /* bits each table keys on */
    unsigned bits;            /* each table has 2^bits chain heads */
    uint32_t *heads;          /* n_tables << bits */
    uint32_t *next;           /* cap * n_tables links */
    struct simindex_entry *e; /* cap entries */
    size_t n, cap;
};

/* Bits [64 b / m, 64 (b + 1) / m) of a fingerprint: block b of m. */
static uint64_t
block_mask(size_t b, size_t m)
{
    unsigned lo = (unsigned)(64 * b / m), hi = (unsigned)(64 * (b + 1) / m);

    return (hi - lo == 64 ? ~UINT64_C(0) : (UINT64_C(1) << (hi - lo)) - 1)
           << lo;
}

/* The chain of table t that hash belongs to (Fibonacci hashing of the
 * table's bits). */
static uint32_t *
chain(const struct simindex *x, size_t t, uint64_t hash)
{
    uint64_t v = (hash & x->mask[t]) * UINT64_C(0x9E3779B97F4A7C15);

    return &x->heads[(t << x->bits) + (size_t)(v >> (64 - x->bits))];
}

/* Pick the tables for distance d. With m blocks, two fingerprints at most
 * d bits apart differ in at most d blocks, so they agree on m - d of
 * them: with m = d + 2, on a pair of blocks, which keys 16 bits at
 * d = 6 (28 tables); past SYN_SIMINDEX_MAX_TABLES pairs, single blocks
 * (m = d + 1); past that, no index. */
static void
plan(struct simindex *x, size_t d)
{
    size_t m, i, j;

    m = d + 2;
    if (m * (m - 1) / 2 <= SYN_SIMINDEX_MAX_TABLES) {
        for (i = 0; i < m; i++) {
            for (j = i + 1; j < m; j++) {
                x->mask[x->n_tables++] = block_mask(i, m) | block_mask(j, m);
            }
        }
        return;
    }
    m = d + 1;
    if (m <= SYN_SIMINDEX_MAX_TABLES && 64 / m >= SYN_SIMINDEX_MIN_KEY_BITS) {
        for (i = 0; i < m; i++) {
            x->mask[x->n_tables++] = block_mask(i, m);
        }
    }
}

enum syn_status
simindex_new(int max_distance, struct simindex **out, struct syn_err *err)
{
    struct simindex *x;
    size_t i, n_heads;
    unsigned key_bits;

    if (max_distance < 0 || max_distance > 64)
        return syn_err_set(err, SYN_EINVAL, "simindex: distance %d",
                           max_distance);
    x = syn_calloc(1, sizeof(*x));
    if (x == NULL)
        return syn_err_set(err, SYN_ENOMEM, "out of memory");
    x->max_distance = max_distance;
    plan(x, (size_t)max_distance);
    if (x->n_tables > 0) {
        key_bits = (unsigned)__builtin_popcountll(x->mask[0]);
        x->bits = key_bits < SYN_SIMINDEX_BUCKET_BITS
                      ? key_bits
                      : SYN_SIMINDEX_BUCKET_BITS;
        n_heads = x->n_tables << x->bits;
        x->heads = syn_malloc(n_heads * sizeof(*x->heads));
        if (x->heads == NULL) {
            syn_free(x);
            return syn_err_set(err, SYN_ENOMEM, "out of memory");
        }
        for (i = 0; i < n_heads; i++) {
            x->heads[i] = NONE;
        }
    }
    *out = x;
    return SYN_OK;
}

void
simindex_free(struct simindex *x)
{
    if (x == NULL)
        return;
    syn_free(x->heads);
    syn_free(x->next);
    syn_free(x->e);
    syn_free(x);
}

/* Grow the per-entry arrays to cap; on failure the one already grown
 * is merely larger, which is harmless. */
static enum syn_status
grow(struct simindex *x, size_t cap)
{
    void *p;

    p = syn_realloc(x->e, cap * sizeof(*x->e));
    if (p == NULL)
        return SYN_ENOMEM;
    x->e = p;
    if (x->n_tables > 0) {
        p = syn_realloc(x->next, cap * x->n_tables * sizeof(*x->next));
        if (p == NULL)
            return SYN_ENOMEM;
        x->next = p;
    }
    x->cap = cap;
    return SYN_OK;
}

enum syn_status
simindex_add(struct simindex *x, uint64_t hash, int64_t id, int64_t group)
{
    size_t t, pos = x->n;

    if (pos >= NONE - 1)
        return SYN_ETOOBIG;
    if (pos == x->cap) {
        enum syn_status st = grow(x, x->cap ? x->cap * 2 : 256);

        if (st != SYN_OK)
            return st;
    }
    x->e[pos].hash = hash;
    x->e[pos].id = id;
    x->e[pos].group = group;
    for (t = 0; t < x->n_tables; t++) {
        uint32_t *head = chain(x, t, hash);

        x->next[pos * x->n_tables + t] = *head;
        *head = (uint32_t)pos;
    }
    x->n++;
    return SYN_OK;
}

size_t
simindex_count(const struct simindex *x)
{
    return x->n;
}

void
simindex_truncate(struct simindex *x, size_t n)
{
    while (x->n > n) {
        size_t t, pos = --x->n;

        /* The newest entry heads each of its chains. */
        for (t = 0; t < x->n_tables; t++) {
            *chain(x, t, x->e[pos].hash) = x->next[pos * x->n_tables + t];
        }
    }
}

/* Is entry pos a better answer than (*best_d, *best_pos)? */
static void
consider(const struct simindex *x, size_t pos, uint64_t hash, int64_t id,
         int64_t group, int *best_d, size_t *best_pos)
{
    const struct simindex_entry *e = &x->e[pos];
    int d = simhash_distance(hash, e->hash);

    if (d > x->max_distance || d > *best_d ||
        (d == *best_d && pos >= *best_pos))
        return;
    if (e->group == group || e->id == id)
        return;
    *best_d = d;
    *best_pos = pos;
}

int64_t
simindex_nearest(const struct simindex *x, uint64_t hash, int64_t id,
                 int64_t group)
{
    int best_d = x->max_distance + 1;
    size_t best_pos = SIZE_MAX, t, pos;

    if (x->n_tables == 0) {
        for (pos = 0; pos < x->n; pos++) {
            consider(x, pos, hash, id, group, &best_d, &best_pos);
        }
    }
    for (t = 0; t < x->n_tables; t++) {
        uint32_t p = *chain(x, t, hash);

        for (; p != NONE; p = x->next[(size_t)p * x->n_tables + t]) {
            consider(x, p, hash, id, group, &best_d, &best_pos);
        }
    }
    return best_pos == SIZE_MAX ? 0 : x->e[best_pos].id;
}
