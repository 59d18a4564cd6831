/* Bump allocator (see arena.h). Large requests get a block of their own. */
#include "util/arena.h"

#include <stdalign.h>
#include <stdint.h>
#include <string.h>

#include "util/mem.h"

#if defined(__SANITIZE_ADDRESS__) || defined(SYNDIC_ASAN)
#include <sanitizer/asan_interface.h>
#define ARENA_POISON(p, n) ASAN_POISON_MEMORY_REGION((p), (n))
#define ARENA_UNPOISON(p, n) ASAN_UNPOISON_MEMORY_REGION((p), (n))
#else
#define ARENA_POISON(p, n) ((void)(p), (void)(n))
#define ARENA_UNPOISON(p, n) ((void)(p), (void)(n))
#endif

struct arena_block {
    struct arena_block *next;
    size_t used; /* bytes of data[] handed out */
    size_t cap;  /* bytes of data[] */
    alignas(max_align_t) unsigned char data[];
};

#define ARENA_ALIGN (alignof(max_align_t))

void
arena_init(struct arena *a, size_t block_bytes, size_t max_bytes)
{
    a->head = NULL;
    a->block_bytes = block_bytes < 256 ? 256 : block_bytes;
    a->total_bytes = 0;
    a->max_bytes = max_bytes;
}

void
arena_fini(struct arena *a)
{
    struct arena_block *b = a->head;

    while (b != NULL) {
        struct arena_block *next = b->next;

        ARENA_UNPOISON(b->data, b->cap);
        syn_free(b);
        b = next;
    }
    a->head = NULL;
    a->total_bytes = 0;
}

void *
arena_alloc(struct arena *a, size_t n)
{
    struct arena_block *b = a->head;
    size_t rounded, cap;
    void *p;

    if (n == 0) {
        n = 1;
    }
    if (n > SIZE_MAX / 2)
        return NULL;
    rounded = (n + ARENA_ALIGN - 1) & ~(ARENA_ALIGN - 1);
    if (a->max_bytes != 0 &&
        (rounded > a->max_bytes || a->total_bytes > a->max_bytes - rounded))
        return NULL;
    if (b == NULL || b->cap - b->used < rounded) {
        cap = rounded > a->block_bytes / 4 ? rounded : a->block_bytes;
        b = syn_malloc(sizeof(*b) + cap);
        if (b == NULL)
            return NULL;
        b->used = 0;
        b->cap = cap;
        ARENA_POISON(b->data, cap);
        if (cap == rounded && a->head != NULL) {
            /* A dedicated block goes behind the current one, which keeps
             * serving small requests. */
            b->next = a->head->next;
            a->head->next = b;
        } else {
            b->next = a->head;
            a->head = b;
        }
    }
    p = b->data + b->used;
    b->used += rounded;
    a->total_bytes += rounded;
    ARENA_UNPOISON(p, n);
    return p;
}

void *
arena_calloc(struct arena *a, size_t n)
{
    void *p = arena_alloc(a, n);

    if (p != NULL) {
        memset(p, 0, n);
    }
    return p;
}

char *
arena_strndup(struct arena *a, const char *s, size_t n)
{
    char *p;

    if (s == NULL)
        return NULL;
    p = arena_alloc(a, n + 1);
    if (p == NULL)
        return NULL;
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

char *
arena_strdup(struct arena *a, const char *s)
{
    if (s == NULL)
        return NULL;
    return arena_strndup(a, s, strlen(s));
}
