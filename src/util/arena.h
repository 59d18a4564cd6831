/* Bump allocator: many small allocations released together (a parsed feed,
 * a web request). Memory from an arena lives until arena_fini().
 * Under ASan, the slack of each block is poisoned, so reads past an
 * allocation are caught (as lwan's arena does).
 * Thread rules: none; one owner. */
#ifndef SYNDIC_UTIL_ARENA_H
#define SYNDIC_UTIL_ARENA_H

#include <stddef.h>

#include "util/compiler.h"

struct arena_block;

struct arena {
    struct arena_block *head; /* owned chain, newest first */
    size_t block_bytes;       /* default size of a new block */
    size_t total_bytes;       /* bytes handed out so far */
    size_t max_bytes;         /* allocations fail past this; 0 = no limit */
};

/* Prepare an empty arena; no memory is taken until the first allocation. */
void arena_init(struct arena *a, size_t block_bytes, size_t max_bytes);
/* Release every allocation at once. */
void arena_fini(struct arena *a);

/* n bytes aligned for any type; NULL on ENOMEM or past max_bytes. */
void *arena_alloc(struct arena *a, size_t n) SYN_NODISCARD;
void *arena_calloc(struct arena *a, size_t n) SYN_NODISCARD;
/* NUL-terminated copies in the arena; NULL on failure (or for NULL s). */
char *arena_strndup(struct arena *a, const char *s, size_t n) SYN_NODISCARD;
char *arena_strdup(struct arena *a, const char *s) SYN_NODISCARD;

#endif
