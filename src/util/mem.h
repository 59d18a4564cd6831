/* Allocation wrappers: every allocation of syndic's own code goes through
 * here, so that tests can make the Nth call fail and exercise failure paths
 * (as curl's torture tests and SQLite's OOM tests do).
 *
 * The fail-after counter is process-wide test instrumentation, the only
 * mutable global in syndic; production code never sets it.
 * Thread rules: the allocators are thread-safe; the counter is meant for
 * single-threaded tests. */
#ifndef SYNDIC_UTIL_MEM_H
#define SYNDIC_UTIL_MEM_H

#include <stddef.h>

#include "util/compiler.h"

/* Like malloc/calloc/realloc; NULL on failure (or injected failure).
 * syn_realloc leaves p valid when it fails. Free with syn_free. */
void *syn_malloc(size_t n) SYN_NODISCARD;
void *syn_calloc(size_t count, size_t size) SYN_NODISCARD;
void *syn_realloc(void *p, size_t n) SYN_NODISCARD;
void syn_free(void *p);

/* Copy of s (or of its first n bytes, always NUL-terminated); caller frees
 * with syn_free. NULL on failure; syn_strdup(NULL) is NULL. */
char *syn_strdup(const char *s) SYN_NODISCARD;
char *syn_strndup(const char *s, size_t n) SYN_NODISCARD;

/* Tests: make allocation number n from now fail (1 = the next one), and
 * every one after it while fail_all is non-zero. n = 0 turns injection off. */
void syn_mem_fail_after(long n, int fail_all);
/* Tests: number of allocations made since the last syn_mem_fail_after(). */
long syn_mem_count(void);

#endif
