/* Allocation wrappers with failure injection for tests (see mem.h). */
#include "util/mem.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

static atomic_long mem_calls;     /* allocations since last reset */
static atomic_long mem_fail_at;   /* 0 = off, else fail call number N */
static atomic_int mem_fail_after; /* keep failing past N */

static int
mem_should_fail(void)
{
    long n = atomic_fetch_add(&mem_calls, 1) + 1;
    long at = atomic_load(&mem_fail_at);

    if (at == 0)
        return 0;
    return n == at || (n > at && atomic_load(&mem_fail_after));
}

void *
syn_malloc(size_t n)
{
    if (mem_should_fail())
        return NULL;
    return malloc(n == 0 ? 1 : n);
}

void *
syn_calloc(size_t count, size_t size)
{
    if (mem_should_fail())
        return NULL;
    return calloc(count == 0 ? 1 : count, size == 0 ? 1 : size);
}

void *
syn_realloc(void *p, size_t n)
{
    if (mem_should_fail())
        return NULL;
    return realloc(p, n == 0 ? 1 : n);
}

void
syn_free(void *p)
{
    free(p);
}

char *
syn_strndup(const char *s, size_t n)
{
    char *copy;

    if (s == NULL)
        return NULL;
    copy = syn_malloc(n + 1);
    if (copy == NULL)
        return NULL;
    memcpy(copy, s, n);
    copy[n] = '\0';
    return copy;
}

char *
syn_strdup(const char *s)
{
    if (s == NULL)
        return NULL;
    return syn_strndup(s, strlen(s));
}

void
syn_mem_fail_after(long n, int fail_all)
{
    atomic_store(&mem_calls, 0);
    atomic_store(&mem_fail_after, fail_all);
    atomic_store(&mem_fail_at, n);
}

long
syn_mem_count(void)
{
    return atomic_load(&mem_calls);
}
