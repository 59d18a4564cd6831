/* Entries and the response cache (see cache.h). */
#include "web/cache.h"

#include <microhttpd.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "util/limits.h"
#include "util/mem.h"
#include "util/str.h"
#include "web/gzip.h"

/* Bodies smaller than this gain nothing from gzip (header + trailer). */
#define GZIP_MIN_BYTES 256

/* No script or style from any other host, no inline script or style, no
 * framing. Images may come from any http(s) host: lead images and excerpt
 * pictures are hot-linked from the source sites (data: URLs are refused,
 * the sanitizer keeps only http and https). JSON-LD needs no exception:
 * it is data, never executed. */
#define WEB_CSP                                                                \
    "default-src 'self'; img-src 'self' https: http:; script-src 'self'; "     \
    "style-src 'self'; object-src 'none'; base-uri 'none'; "                   \
    "form-action 'self'; frame-ancestors 'none'"

static const char *const wdays[7] = {"Sun", "Mon", "Tue", "Wed",
                                     "Thu", "Fri", "Sat"};
static const char *const months[12] = {"Jan", "Feb", "Mar", "Apr",
                                       "May", "Jun", "Jul", "Aug",
                                       "Sep", "Oct", "Nov", "Dec"};

static void
http_date(time_t t, char out[32])
{
    struct tm tm;

    if (gmtime_r(&t, &tm) == NULL || tm.tm_year > 8099) {
        out[0] = '\0';
        return;
    }
    SYN_IGNORE(snprintf(out, 32, "%s, %02d %s %04d %02d:%02d:%02d GMT",
                        wdays[tm.tm_wday], tm.tm_mday, months[tm.tm_mon],
                        tm.tm_year + 1900, tm.tm_hour, tm.tm_min,
                        tm.tm_sec) < 0);
}

static bool
compressible(const char *ctype)
{
    return ctype != NULL &&
           (strncmp(ctype, "text/", 5) == 0 ||
            strncmp(ctype, "application/json", 16) == 0 ||
            strncmp(ctype, "application/feed+json", 21) == 0 ||
            strncmp(ctype, "application/rss+xml", 19) == 0 ||
            strncmp(ctype, "application/atom+xml", 20) == 0 ||
            strncmp(ctype, "application/xml", 15) == 0 ||
            strncmp(ctype, "application/javascript", 22) == 0 ||
            strncmp(ctype, "image/svg+xml", 13) == 0);
}

static bool
add_headers(struct MHD_Response *r, const struct web_entry_spec *spec,
            const struct web_entry *e, bool gz, bool vary)
{
    bool ok = true;

    if (spec->ctype != NULL && r != e->nm && r != e->nm_gz) {
        ok = ok && MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE,
                                           spec->ctype) == MHD_YES;
    }
    if (spec->cache_control != NULL) {
        ok = ok && MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL,
                                           spec->cache_control) == MHD_YES;
    }
    if (spec->location != NULL) {
        ok = ok && MHD_add_response_header(r, MHD_HTTP_HEADER_LOCATION,
                                           spec->location) == MHD_YES;
    }
    if (e->etag[0] != '\0') {
        ok =
            ok && MHD_add_response_header(r, MHD_HTTP_HEADER_ETAG,
                                          gz ? e->etag_gz : e->etag) == MHD_YES;
    }
    if (e->last_modified[0] != '\0') {
        ok = ok && MHD_add_response_header(r, MHD_HTTP_HEADER_LAST_MODIFIED,
                                           e->last_modified) == MHD_YES;
    }
    if (vary) {
        ok = ok && MHD_add_response_header(r, MHD_HTTP_HEADER_VARY,
                                           "Accept-Encoding") == MHD_YES;
    }
    if (gz && r == e->gz) {
        ok = ok && MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_ENCODING,
                                           "gzip") == MHD_YES;
    }
    ok =
        ok &&
        MHD_add_response_header(r, "Content-Security-Policy", WEB_CSP) ==
            MHD_YES &&
        MHD_add_response_header(r, "X-Content-Type-Options", "nosniff") ==
            MHD_YES &&
        MHD_add_response_header(r, "Referrer-Policy",
                                "strict-origin-when-cross-origin") == MHD_YES &&
        MHD_add_response_header(r, "X-Frame-Options", "DENY") == MHD_YES;
    return ok;
}

static void
entry_free(struct web_entry *e)
{
    if (e->plain != NULL) {
        MHD_destroy_response(e->plain);
    }
    if (e->gz != NULL) {
        MHD_destroy_response(e->gz);
    }
    if (e->nm != NULL) {
        MHD_destroy_response(e->nm);
    }
    if (e->nm_gz != NULL) {
        MHD_destroy_response(e->nm_gz);
    }
    syn_free(e->key);
    syn_free(e);
}

enum syn_status
web_entry_new(const struct web_entry_spec *spec, struct web_entry **out,
              struct syn_err *err)
{
    struct web_entry *e = syn_calloc(1, sizeof(*e));
    char *gz = NULL;
    size_t gz_len = 0;
    bool vary;
    enum syn_status st = SYN_OK;

    if (e == NULL)
        return syn_err_set(err, SYN_ENOMEM, "out of memory");
    atomic_init(&e->refs, 1);
    e->status = spec->status;
    if (spec->validators) {
        unsigned char h[12];
        char hex[2 * sizeof(h) + 1];

        crypto_generichash(h, sizeof(h), (const unsigned char *)spec->body,
                           spec->len, NULL, 0);
        sodium_bin2hex(hex, sizeof(hex), h, sizeof(h));
        SYN_IGNORE(snprintf(e->etag, sizeof(e->etag), "\"%s\"", hex) < 0);
        SYN_IGNORE(snprintf(e->etag_gz, sizeof(e->etag_gz), "\"%s-gz\"", hex) <
                   0);
        http_date(spec->mtime != 0 ? spec->mtime : time(NULL),
                  e->last_modified);
    }
    vary = compressible(spec->ctype) && spec->len >= GZIP_MIN_BYTES;
    if (vary && !spec->no_gzip) {
        st = web_gzip(spec->body, spec->len, &gz, &gz_len, err);
        if (st != SYN_OK)
            goto fail;
    }
    e->plain = MHD_create_response_from_buffer(
        spec->len, (void *)(uintptr_t)spec->body, MHD_RESPMEM_MUST_COPY);
    if (e->plain == NULL || !add_headers(e->plain, spec, e, false, vary))
        goto nomem;
    e->bytes = sizeof(*e) + spec->len;
    if (gz != NULL) {
        e->gz =
            MHD_create_response_from_buffer(gz_len, gz, MHD_RESPMEM_MUST_COPY);
        if (e->gz == NULL || !add_headers(e->gz, spec, e, true, vary))
            goto nomem;
        e->bytes += gz_len;
    }
    if (spec->validators) {
        e->nm =
            MHD_create_response_from_buffer(0, NULL, MHD_RESPMEM_PERSISTENT);
        if (e->nm == NULL || !add_headers(e->nm, spec, e, false, vary))
            goto nomem;
        if (gz != NULL) {
            e->nm_gz = MHD_create_response_from_buffer(0, NULL,
                                                       MHD_RESPMEM_PERSISTENT);
            if (e->nm_gz == NULL || !add_headers(e->nm_gz, spec, e, true, vary))
                goto nomem;
        }
    }
    syn_free(gz);
    *out = e;
    return SYN_OK;
nomem:
    st = syn_err_set(err, SYN_ENOMEM, "out of memory building a response");
fail:
    syn_free(gz);
    entry_free(e);
    return st;
}

void
web_entry_ref(struct web_entry *e)
{
    atomic_fetch_add(&e->refs, 1);
}

void
web_entry_release(struct web_entry *e)
{
    if (e != NULL && atomic_fetch_sub(&e->refs, 1) == 1) {
        entry_free(e);
    }
}

bool
web_entry_etag_matches(const struct web_entry *e, const char *inm)
{
    const char *p = inm;

    if (inm == NULL || e->etag[0] == '\0')
        return false;
    while (*p != '\0') {
        const char *q;
        size_t n;

        while (*p == ' ' || *p == ',' || *p == '\t') {
            p++;
        }
        if (*p == '*')
            return true;
        if (p[0] == 'W' && p[1] == '/') {
            p += 2;
        }
        q = p;
        while (*q != '\0' && *q != ',') {
            q++;
        }
        n = (size_t)(q - p);
        while (n > 0 && (p[n - 1] == ' ' || p[n - 1] == '\t')) {
            n--;
        }
        if ((n == strlen(e->etag) && memcmp(p, e->etag, n) == 0) ||
            (n == strlen(e->etag_gz) && memcmp(p, e->etag_gz, n) == 0))
            return true;
        p = q;
    }
    return false;
}

/* ---- the cache ---- */

#define CACHE_BUCKETS 1024 /* power of two; ~4 entries per chain when full */

struct web_cache {
    pthread_rwlock_t lock;
    struct web_entry *buckets[CACHE_BUCKETS]; /* each holds one reference */
    size_t n_entries;
    size_t bytes;
    uint64_t gen; /* generation of every entry held */
};

static size_t
hash_key(const char *s)
{
    uint64_t h = 1469598103934665603ull; /* FNV-1a */

    while (*s != '\0') {
        h ^= (unsigned char)*s++;
        h *= 1099511628211ull;
    }
    return (size_t)(h & (CACHE_BUCKETS - 1));
}

struct web_cache *
web_cache_new(void)
{
    struct web_cache *c = syn_calloc(1, sizeof(*c));

    if (c == NULL)
        return NULL;
    if (pthread_rwlock_init(&c->lock, NULL) != 0) {
        syn_free(c);
        return NULL;
    }
    return c;
}

/* Caller holds the write lock. */
static void
flush_locked(struct web_cache *c)
{
    size_t i;

    for (i = 0; i < CACHE_BUCKETS; i++) {
        struct web_entry *e = c->buckets[i], *next;

        for (; e != NULL; e = next) {
            next = e->next;
            e->next = NULL;
            web_entry_release(e);
        }
        c->buckets[i] = NULL;
    }
    c->n_entries = 0;
    c->bytes = 0;
}

void
web_cache_free(struct web_cache *c)
{
    if (c == NULL)
        return;
    flush_locked(c);
    pthread_rwlock_destroy(&c->lock);
    syn_free(c);
}

void
web_cache_flush(struct web_cache *c)
{
    pthread_rwlock_wrlock(&c->lock);
    flush_locked(c);
    pthread_rwlock_unlock(&c->lock);
}

struct web_entry *
web_cache_get(struct web_cache *c, const char *key, uint64_t gen)
{
    struct web_entry *e;

    pthread_rwlock_rdlock(&c->lock);
    if (c->gen != gen) {
        pthread_rwlock_unlock(&c->lock);
        return NULL;
    }
    for (e = c->buckets[hash_key(key)]; e != NULL; e = e->next) {
        if (strcmp(e->key, key) == 0) {
            web_entry_ref(e);
            break;
        }
    }
    pthread_rwlock_unlock(&c->lock);
    return e;
}

bool
web_cache_put(struct web_cache *c, const char *key, uint64_t gen,
              struct web_entry *e)
{
    struct web_entry **pp;
    bool flushed = false;
    size_t h = hash_key(key);

    if (e->key != NULL) /* already cached under some key */
        return false;
    e->key = syn_strdup(key);
    if (e->key == NULL)
        return false;
    pthread_rwlock_wrlock(&c->lock);
    if (gen < c->gen) { /* rendered from older data than the cache holds */
        pthread_rwlock_unlock(&c->lock);
        return false;
    }
    if (gen > c->gen || c->n_entries >= SYN_CACHE_MAX_ENTRIES ||
        c->bytes + e->bytes > SYN_CACHE_MAX_BYTES) {
        flushed = c->n_entries > 0;
        flush_locked(c);
        c->gen = gen;
    }
    /* Replace an entry of the same key (two threads rendered it). */
    for (pp = &c->buckets[h]; *pp != NULL; pp = &(*pp)->next) {
        if (strcmp((*pp)->key, key) == 0) {
            struct web_entry *old = *pp;

            *pp = old->next;
            c->n_entries--;
            c->bytes -= old->bytes;
            old->next = NULL;
            web_entry_release(old);
            break;
        }
    }
    e->gen = gen;
    web_entry_ref(e);
    e->next = c->buckets[h];
    c->buckets[h] = e;
    c->n_entries++;
    c->bytes += e->bytes;
    pthread_rwlock_unlock(&c->lock);
    return flushed;
}
