/* Bounded growable buffer (see buf.h). Growth doubles, capped at max + 1. */
#include "util/buf.h"

#include <stdio.h>
#include <string.h>

#include "util/mem.h"

void
buf_init(struct buf *b, size_t max)
{
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
    b->max = max;
}

void
buf_fini(struct buf *b)
{
    syn_free(b->data);
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
}

void
buf_reset(struct buf *b)
{
    b->len = 0;
    if (b->data != NULL) {
        b->data[0] = '\0';
    }
}

enum syn_status
buf_reserve(struct buf *b, size_t n)
{
    size_t need, cap;
    char *p;

    if (n > b->max || b->len > b->max - n)
        return SYN_ETOOBIG;
    need = b->len + n + 1;
    if (need <= b->cap)
        return SYN_OK;
    cap = b->cap < 64 ? 64 : b->cap;
    while (cap < need) {
        cap = cap > (size_t)-1 / 2 ? need : cap * 2;
    }
    if (cap > b->max + 1) {
        cap = b->max + 1;
    }
    p = syn_realloc(b->data, cap);
    if (p == NULL)
        return SYN_ENOMEM;
    if (b->data == NULL) {
        p[0] = '\0';
    }
    b->data = p;
    b->cap = cap;
    return SYN_OK;
}

enum syn_status
buf_append_grow(struct buf *b, const void *p, size_t n)
{
    enum syn_status st;

    st = buf_reserve(b, n);
    if (st != SYN_OK)
        return st;
    if (n > 0) {
        memcpy(b->data + b->len, p, n);
    }
    b->len += n;
    b->data[b->len] = '\0';
    return SYN_OK;
}

enum syn_status
buf_vprintf(struct buf *b, const char *fmt, va_list ap)
{
    va_list ap2;
    enum syn_status st;
    int n;

    va_copy(ap2, ap);
    n = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    if (n < 0)
        return SYN_EINVAL;
    st = buf_reserve(b, (size_t)n);
    if (st != SYN_OK)
        return st;
    (void)vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    b->len += (size_t)n;
    return SYN_OK;
}

enum syn_status
buf_printf(struct buf *b, const char *fmt, ...)
{
    va_list ap;
    enum syn_status st;

    va_start(ap, fmt);
    st = buf_vprintf(b, fmt, ap);
    va_end(ap);
    return st;
}

void
buf_truncate(struct buf *b, size_t len)
{
    if (len >= b->len)
        return;
    b->len = len;
    b->data[len] = '\0';
}

const char *
buf_cstr(const struct buf *b)
{
    return b->data != NULL ? b->data : "";
}

char *
buf_take(struct buf *b)
{
    char *p = b->data;

    if (p == NULL)
        return syn_strdup("");
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
    return p;
}
