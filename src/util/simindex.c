/* SimHash nearest-neighbour index (see simindex.h).
 *
 * Storage: parallel arrays of the entries' fingerprints, ids and groups,
 * in the order they were added. The first n_sorted entries are in the
 * tables: per table, their positions grouped by bucket (a hash of the
 * table's key bits), in the order added, with an array of where each
 * bucket starts. A query reads one bucket per table, in a row. The newer
 * entries (the tail) are scanned: reading 8-byte fingerprints in a row
 * is cheap. Once the tail holds a 64th of the entries (at least
 * SYN_SIMINDEX_TAIL_MIN) the tables are rebuilt with it, by a counting
 * sort; so are they after a truncation that reaches into them.
 *
 * Why not chains of links: fingerprints of text in one language are far
 * from uniform (generated news: bits 35-62 % set, keys 15 times more
 * crowded than random), so a query meets hundreds of entries per
 * thousand stored, and following links cost a cache miss per entry. */
#include "util/simindex.h"

#include <string.h>

#include "util/limits.h"
#include "util/mem.h"
#include "util/simhash.h"

struct simindex {
    int max_distance;
    size_t n_tables;                        /* 0: linear scan */
    uint64_t mask[SYN_SIMINDEX_MAX_TABLES]; /* bits each table keys on */
    unsigned bits;                          /* 2^bits buckets a table */
    /* Table t: bucket b holds the positions sorted[t][start[t][b]] up to
     * sorted[t][start[t][b + 1]], of the first n_sorted entries. */
    uint32_t *start[SYN_SIMINDEX_MAX_TABLES];
    uint32_t *sorted[SYN_SIMINDEX_MAX_TABLES];
    uint32_t *spare;   /* scratch for a rebuild */
    size_t sorted_cap; /* of each sorted[t] and spare */
    size_t n_sorted;
    /* The entries, cap of each. */
    uint64_t *hash;
    int64_t *id;
    int64_t *group;
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

    if (max_distance < 0 || max_distance > 64)
        return syn_err_set(err, SYN_EINVAL, "simindex: distance %d",
                           max_distance);
    x = syn_calloc(1, sizeof(*x));
    if (x == NULL)
        return syn_err_set(err, SYN_ENOMEM, "out of memory");
    x->max_distance = max_distance;
    plan(x, (size_t)max_distance);
    if (x->n_tables > 0) {
        unsigned key_bits = (unsigned)__builtin_popcountll(x->mask[0]);

        x->bits = key_bits < SYN_SIMINDEX_BUCKET_BITS
                      ? key_bits
                      : SYN_SIMINDEX_BUCKET_BITS;
    }
    *out = x;
    return SYN_OK;
}

void
simindex_free(struct simindex *x)
{
    size_t t;

    if (x == NULL)
        return;
    for (t = 0; t < x->n_tables; t++) {
        syn_free(x->start[t]);
        syn_free(x->sorted[t]);
    }
    syn_free(x->spare);
    syn_free(x->hash);
    syn_free(x->id);
    syn_free(x->group);
    syn_free(x);
}

/* Grow the entry arrays to cap; on failure those already grown are
 * merely larger, which is harmless. */
static enum syn_status
grow(struct simindex *x, size_t cap)
{
    void *p;

    p = syn_realloc(x->hash, cap * sizeof(*x->hash));
    if (p == NULL)
        return SYN_ENOMEM;
    x->hash = p;
    p = syn_realloc(x->id, cap * sizeof(*x->id));
    if (p == NULL)
        return SYN_ENOMEM;
    x->id = p;
    p = syn_realloc(x->group, cap * sizeof(*x->group));
    if (p == NULL)
        return SYN_ENOMEM;
    x->group = p;
    x->cap = cap;
    return SYN_OK;
}

/* The bucket of table t that hash belongs to (Fibonacci hashing of the
 * table's bits). */
static size_t
bucket(const struct simindex *x, size_t t, uint64_t hash)
{
    uint64_t v = (hash & x->mask[t]) * UINT64_C(0x9E3779B97F4A7C15);

    return x->bits == 0 ? 0 : (size_t)(v >> (64 - x->bits));
}

/* Get every table's arrays to room for x->n entries. A failure leaves
 * the tables as they were: those arrays already grown are merely
 * larger. */
static enum syn_status
reserve_tables(struct simindex *x)
{
    size_t t, n_buckets = (size_t)1 << x->bits;
    void *p;

    for (t = 0; t < x->n_tables; t++) {
        if (x->start[t] == NULL) {
            x->start[t] = syn_calloc(n_buckets + 1, sizeof(uint32_t));
            if (x->start[t] == NULL)
                return SYN_ENOMEM;
        }
    }
    if (x->sorted_cap >= x->n)
        return SYN_OK;
    for (t = 0; t < x->n_tables; t++) {
        p = syn_realloc(x->sorted[t], x->cap * sizeof(uint32_t));
        if (p == NULL)
            return SYN_ENOMEM;
        x->sorted[t] = p;
    }
    p = syn_realloc(x->spare, x->cap * sizeof(uint32_t));
    if (p == NULL)
        return SYN_ENOMEM;
    x->spare = p;
    x->sorted_cap = x->cap;
    return SYN_OK;
}

/* Rebuild the tables from all x->n entries: per table, count the
 * entries of each bucket, then place them in order (a counting sort
 * into the spare array, which then takes the table's place). */
static enum syn_status
rebuild_tables(struct simindex *x)
{
    size_t n_buckets = (size_t)1 << x->bits, t, b, pos;
    enum syn_status st;

    st = reserve_tables(x);
    if (st != SYN_OK)
        return st;
    for (t = 0; t < x->n_tables; t++) {
        uint32_t *start = x->start[t], *out = x->spare, sum = 0;

        memset(start, 0, (n_buckets + 1) * sizeof(*start));
        for (pos = 0; pos < x->n; pos++) {
            start[bucket(x, t, x->hash[pos]) + 1]++;
        }
        for (b = 0; b <= n_buckets; b++) {
            sum += start[b];
            start[b] = sum;
        }
        /* start[b + 1] is now the end of bucket b: fill it from the back,
         * which leaves there its beginning, one place too far up. */
        for (pos = x->n; pos-- > 0;) {
            out[--start[bucket(x, t, x->hash[pos]) + 1]] = (uint32_t)pos;
        }
        memmove(start, start + 1, n_buckets * sizeof(*start));
        start[n_buckets] = (uint32_t)x->n;
        x->spare = x->sorted[t];
        x->sorted[t] = out;
    }
    x->n_sorted = x->n;
    return SYN_OK;
}

enum syn_status
simindex_add(struct simindex *x, uint64_t hash, int64_t id, int64_t group)
{
    size_t pos = x->n, tail_max;

    if (pos >= UINT32_MAX - 1)
        return SYN_ETOOBIG;
    if (pos == x->cap) {
        enum syn_status st = grow(x, x->cap ? x->cap * 2 : 256);

        if (st != SYN_OK)
            return st;
    }
    x->hash[pos] = hash;
    x->id[pos] = id;
    x->group[pos] = group;
    x->n++;
    tail_max = x->n_sorted / 64;
    if (tail_max < SYN_SIMINDEX_TAIL_MIN) {
        tail_max = SYN_SIMINDEX_TAIL_MIN;
    }
    if (x->n_tables > 0 && x->n - x->n_sorted >= tail_max) {
        /* Out of memory here costs speed, not answers: the entry is in
         * the tail, and the next add tries again. */
        SYN_IGNORE(rebuild_tables(x));
    }
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
    if (n >= x->n)
        return;
    x->n = n;
    if (n < x->n_sorted) {
        /* Rare (a rollback across a rebuild): rebuild again with the
         * entries kept, which fit the arrays that exist; else they all
         * stay in the tail, which is slower but as exact. */
        x->n_sorted = 0;
        SYN_IGNORE(rebuild_tables(x));
    }
}

/* Is entry pos a better answer than (*best_d, *best_pos)? */
static void
consider(const struct simindex *x, size_t pos, uint64_t hash, int64_t id,
         int64_t group, int *best_d, size_t *best_pos)
{
    int d = simhash_distance(hash, x->hash[pos]);

    if (d > x->max_distance || d > *best_d ||
        (d == *best_d && pos >= *best_pos))
        return;
    if (x->group[pos] == group || x->id[pos] == id)
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

    for (t = 0; x->n_sorted > 0 && t < x->n_tables; t++) {
        const uint32_t *v = x->sorted[t];
        size_t b = bucket(x, t, hash), end = x->start[t][b + 1];

        for (pos = x->start[t][b]; pos < end; pos++) {
            consider(x, v[pos], hash, id, group, &best_d, &best_pos);
        }
    }
    for (pos = x->n_sorted; pos < x->n; pos++) {
        consider(x, pos, hash, id, group, &best_d, &best_pos);
    }
    return best_pos == SIZE_MAX ? 0 : x->id[best_pos];
}
