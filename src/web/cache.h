/* Responses ready to send, and the in-memory cache of rendered ones.
 *
 * A web_entry is an immutable answer: libmicrohttpd responses for the plain
 * body, its gzip form (when worth it) and the 304 replies, all with their
 * headers (Content-Type, ETag, Last-Modified, Cache-Control, Vary, the
 * security headers). Entries are reference-counted so that a request can
 * keep serving one while another thread flushes the cache.
 *
 * The cache maps a request target ("/a/1/x?y") to an entry. Each entry is
 * tagged with the store generation it was rendered at; a put at a newer
 * generation, a reload or a limit (SYN_CACHE_MAX_ENTRIES,
 * SYN_CACHE_MAX_BYTES) empties it. Thread rules: all functions are
 * thread-safe (one rwlock; lookups share it). */
#ifndef SYNDIC_WEB_CACHE_H
#define SYNDIC_WEB_CACHE_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "util/compiler.h"
#include "util/err.h"

struct MHD_Response;

/* What to build an entry from. */
struct web_entry_spec {
    unsigned status;           /* HTTP status */
    const char *ctype;         /* Content-Type; may be NULL for redirects */
    const char *body;          /* copied */
    size_t len;                /* bytes */
    const char *cache_control; /* e.g. "public, max-age=60" */
    const char *location;      /* Location header, or NULL */
    bool validators;           /* ETag + Last-Modified, 304 possible */
    bool no_gzip;              /* skip the gzip form (the client will not
                                * take it and the entry is not cached) */
    time_t mtime;              /* Last-Modified; 0 = now */
};

struct web_entry {
    atomic_int refs;
    unsigned status;
    struct MHD_Response *plain; /* owned */
    struct MHD_Response *gz;    /* owned; NULL when not compressed */
    struct MHD_Response *nm;    /* 304 for the plain variant; or NULL */
    struct MHD_Response *nm_gz; /* 304 for the gzip variant; or NULL */
    char etag[32];              /* "\"hex\"" or "" */
    char etag_gz[36];           /* "\"hex-gz\"" or "" */
    char last_modified[32];     /* IMF-fixdate or "" */
    size_t bytes;               /* memory held, for the cache bound */
    uint64_t gen;               /* store generation when cached */
    char *key;                  /* owned; set by web_cache_put */
    struct web_entry *next;     /* hash chain */
};

/* Build an entry (one reference, the caller's). SYN_ENOMEM, SYN_EIO. */
enum syn_status web_entry_new(const struct web_entry_spec *spec,
                              struct web_entry **out /* out */,
                              struct syn_err *err) SYN_NODISCARD;
/* Take / drop a reference; the last drop frees (NULL is a no-op). */
void web_entry_ref(struct web_entry *e);
void web_entry_release(struct web_entry *e);

/* Does If-None-Match (may be NULL) name one of e's ETags (weak
 * comparison, RFC 9110 section 13.1.2), or "*"? */
bool web_entry_etag_matches(const struct web_entry *e, const char *inm);

struct web_cache;

struct web_cache *web_cache_new(void) SYN_NODISCARD;
void web_cache_free(struct web_cache *c);

/* The entry for key rendered at generation gen, with a new reference for
 * the caller; NULL on a miss. */
struct web_entry *web_cache_get(struct web_cache *c, const char *key,
                                uint64_t gen);
/* Keep e under key (the cache takes its own reference). Returns true when
 * the cache had to be emptied first (newer generation or a limit). A
 * failure to copy the key just leaves e uncached. */
bool web_cache_put(struct web_cache *c, const char *key, uint64_t gen,
                   struct web_entry *e);
/* Drop every entry. */
void web_cache_flush(struct web_cache *c);

#endif
