/* Growable, bounded byte buffer for building text (like curl's dynbuf).
 *
 * A buf owns its storage. data is always NUL-terminated once anything has
 * been appended (buf_cstr() gives "" before). Every append past `max` bytes
 * (or out of memory) fails and leaves the buffer exactly as it was.
 * Thread rules: none; one owner at a time. */
#ifndef SYNDIC_UTIL_BUF_H
#define SYNDIC_UTIL_BUF_H

#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include "util/compiler.h"
#include "util/err.h"

struct buf {
    char *data; /* owned; NULL until the first append */
    size_t len; /* bytes, without the NUL */
    size_t cap; /* allocated bytes */
    size_t max; /* hard limit on len */
};

/* Prepare an empty buffer that will never hold more than max bytes. */
void buf_init(struct buf *b, size_t max);
/* Release the storage; b may be reused after buf_init(). */
void buf_fini(struct buf *b);
/* Empty the buffer, keeping its storage. */
void buf_reset(struct buf *b);

/* Append n bytes / a C string / one byte / formatted text.
 * SYN_ETOOBIG past max, SYN_ENOMEM; on failure b is unchanged.
 * buf_append, buf_append_str and buf_append_char are inline (below): the
 * writers of escaped text, HTML and JSON call them for a few bytes at a
 * time, and the call cost more than the copy. */
static inline enum syn_status buf_append(struct buf *b, const void *p,
                                         size_t n) SYN_NODISCARD;
static inline enum syn_status buf_append_str(struct buf *b,
                                             const char *s) SYN_NODISCARD;
static inline enum syn_status buf_append_char(struct buf *b,
                                              char c) SYN_NODISCARD;
enum syn_status buf_printf(struct buf *b, const char *fmt, ...)
    SYN_PRINTF(2, 3) SYN_NODISCARD;
enum syn_status buf_vprintf(struct buf *b, const char *fmt, va_list ap)
    SYN_NODISCARD;

/* Make room for n more bytes without appending. */
enum syn_status buf_reserve(struct buf *b, size_t n) SYN_NODISCARD;
/* Shorten to len bytes (len <= b->len). */
void buf_truncate(struct buf *b, size_t len);

/* The contents as a C string; borrowed until the next change to b. */
const char *buf_cstr(const struct buf *b);
/* Hand the storage to the caller (free with syn_free), leaving b empty.
 * Returns an allocated "" for an empty buffer; NULL only on ENOMEM. */
char *buf_take(struct buf *b) SYN_NODISCARD;

/* buf_append() when b has no room yet (it grows b) or n is 0. */
enum syn_status buf_append_grow(struct buf *b, const void *p,
                                size_t n) SYN_NODISCARD;

static inline enum syn_status
buf_append(struct buf *b, const void *p, size_t n)
{
    /* Room already (then len + n cannot overflow), and within max: the
     * common case of every writer (escaping, JSON, HTML walks). */
    if (n > 0 && n < b->cap - b->len && b->len + n <= b->max) {
        memcpy(b->data + b->len, p, n);
        b->len += n;
        b->data[b->len] = '\0';
        return SYN_OK;
    }
    return buf_append_grow(b, p, n);
}

static inline enum syn_status
buf_append_str(struct buf *b, const char *s)
{
    return buf_append(b, s, strlen(s));
}

static inline enum syn_status
buf_append_char(struct buf *b, char c)
{
    return buf_append(b, &c, 1);
}

#endif
