/* An in-memory index of 64-bit SimHash fingerprints (util/simhash.h) for
 * one question: which entry is nearest to this fingerprint, within
 * max_distance bits, ignoring entries of the same group (source)?
 *
 * Why an index: the ingest asks this for every new item against every
 * recent item; a linear scan is quadratic over a run (200,000 items of a
 * 10,000-feed first fetch would cost 2 * 10^10 comparisons).
 *
 * How (pigeonhole, as in Manku et al. 2007): the 64 bits are cut into
 * m = max_distance + 2 blocks; two fingerprints at most max_distance bits
 * apart differ in at most max_distance blocks, so they agree exactly on
 * some pair of blocks. Each pair of blocks keys a table of the entries
 * grouped by those bits (28 tables of 16-bit keys at the default distance
 * 6); a query reads the group of each table it falls in and checks
 * the real distance of each entry it meets, so answers are exact, the
 * same as a linear scan's. The newest entries are scanned until there
 * are enough of them to rebuild the tables with. For larger distances (too
 * many pairs) single blocks key the tables (m = max_distance + 1), and
 * past that it is a linear scan (limits: SYN_SIMINDEX_* in
 * util/limits.h).
 *
 * Entries are numbered in the order they were added; ties in distance go
 * to the earliest added entry.
 *
 * Thread rules: none; one owner. Pure, no I/O. */
#ifndef SYNDIC_UTIL_SIMINDEX_H
#define SYNDIC_UTIL_SIMINDEX_H

#include <stddef.h>
#include <stdint.h>

#include "util/compiler.h"
#include "util/err.h"

struct simindex;

/* An empty index for distances up to max_distance (0..64). On SYN_OK
 * *out is new; free it with simindex_free(). SYN_EINVAL, SYN_ENOMEM. */
enum syn_status simindex_new(int max_distance, struct simindex **out /* out */,
                             struct syn_err *err) SYN_NODISCARD;

/* NULL is a no-op. */
void simindex_free(struct simindex *x);

/* Add an entry: fingerprint hash, caller's id (not 0) and group.
 * SYN_ENOMEM (the index is unchanged), SYN_ETOOBIG past 2^32 - 2
 * entries. */
enum syn_status simindex_add(struct simindex *x, uint64_t hash, int64_t id,
                             int64_t group) SYN_NODISCARD;

/* Entries added so far. */
size_t simindex_count(const struct simindex *x);

/* Forget the entries added after the first n (n <= count), e.g. those of
 * a transaction that was rolled back. */
void simindex_truncate(struct simindex *x, size_t n);

/* The id of the entry nearest to hash, at most max_distance bits away,
 * whose group differs from group and whose id differs from id; 0 when
 * there is none. Ties go to the earliest added entry. */
int64_t simindex_nearest(const struct simindex *x, uint64_t hash, int64_t id,
                         int64_t group);

#endif
