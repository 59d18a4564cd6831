/* The feed builder shared by the XML and JSON readers (see build.h). */
#include "feed/build.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "util/ascii.h"
#include "util/mem.h"
#include "util/str.h"
#include "util/url.h"
#include "util/utf8.h"

/* The model of a document is at most a few times its size (text escaped
 * into HTML, resolved URLs); past this the arena refuses (SYN_ENOMEM). */
#define FB_ARENA_MAX (8u * SYN_MAX_FEED_BYTES)

enum syn_status
fb_init(struct feed_builder *fb, const struct feed_parse_opts *opts,
        struct syn_err *err)
{
    memset(fb, 0, sizeof(*fb));
    fb->err = err;
    fb->doc_base = opts != NULL ? opts->base_url : NULL;
    buf_init(&fb->tmp, SYN_MAX_FIELD_BYTES * 4);
    fb->f = syn_calloc(1, sizeof(*fb->f));
    if (fb->f == NULL)
        return fb_fail(fb, SYN_ENOMEM, "out of memory");
    arena_init(&fb->f->arena, 32 * 1024, FB_ARENA_MAX);
    return SYN_OK;
}

void
fb_fini(struct feed_builder *fb)
{
    feed_free(fb->f);
    fb->f = NULL;
    buf_fini(&fb->tmp);
}

enum syn_status
fb_fail(struct feed_builder *fb, enum syn_status st, const char *fmt, ...)
{
    va_list ap;
    char msg[SYN_ERR_MSG_LEN];

    if (fb->status != SYN_OK)
        return fb->status;
    fb->status = st;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    syn_err_set(fb->err, st, "%s", msg);
    return st;
}

void
fb_problem(struct feed_builder *fb, long line, const char *fmt, ...)
{
    char msg[SYN_ERR_MSG_LEN];
    va_list ap;
    int n = 0;

    if (fb->f == NULL)
        return;
    fb->f->bozo = true;
    if (fb->n_errors >= SYN_MAX_FEED_ERRORS) {
        fb->n_errors_dropped++; /* NOTE: truncates, SYN_MAX_FEED_ERRORS */
        return;
    }
    if (line > 0) {
        n = snprintf(msg, sizeof(msg), "line %ld: ", line);
    }
    if (n < 0) {
        n = 0;
    }
    va_start(ap, fmt);
    vsnprintf(msg + n, sizeof(msg) - (size_t)n, fmt, ap);
    va_end(ap);
    fb->errors[fb->n_errors] = fb_text(fb, msg, strlen(msg));
    if (fb->errors[fb->n_errors] != NULL) {
        fb->n_errors++;
    }
}

/* Length of the valid UTF-8 sequence at p (a byte >= 0x80), or 0. */
static size_t
utf8_seq_len(const unsigned char *p, const unsigned char *end)
{
    size_t left = (size_t)(end - p);

    if (*p >= 0xC2 && *p <= 0xDF)
        return left >= 2 && (p[1] & 0xC0) == 0x80 ? 2 : 0;
    if (*p >= 0xE0 && *p <= 0xEF) {
        if (left < 3 || (p[1] & 0xC0) != 0x80 || (p[2] & 0xC0) != 0x80 ||
            (*p == 0xE0 && p[1] < 0xA0) || (*p == 0xED && p[1] > 0x9F))
            return 0;
        return 3;
    }
    if (*p >= 0xF0 && *p <= 0xF4) {
        if (left < 4 || (p[1] & 0xC0) != 0x80 || (p[2] & 0xC0) != 0x80 ||
            (p[3] & 0xC0) != 0x80 || (*p == 0xF0 && p[1] < 0x90) ||
            (*p == 0xF4 && p[1] > 0x8F))
            return 0;
        return 4;
    }
    return 0;
}

bool
fb_utf8_clean(const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s, *end = p + len;

    while (p < end) {
        /* ASCII runs a word at a time: most feed text is ASCII markup */
        while (end - p >= 8 && *p < 0x80) {
            uint64_t w;

            memcpy(&w, p, 8);
            if ((w & 0x8080808080808080ull) != 0 ||
                ((w - 0x0101010101010101ull) & ~w & 0x8080808080808080ull) != 0)
                break; /* a high bit, or a zero byte */
            p += 8;
        }
        /* then byte by byte to the end of the ASCII run: in text that
         * mixes scripts, retrying words there fails again and again */
        while (p < end && (unsigned)*p - 1u < 0x7Fu) {
            p++;
        }
        if (p >= end)
            break;
        if (*p == 0)
            return false;
        /* non-ASCII text tends to stay non-ASCII: walk the whole run */
        while (p < end && *p >= 0x80) {
            size_t n = utf8_seq_len(p, end);

            if (n == 0)
                return false;
            p += n;
        }
    }
    return true;
}

static const char *
text_copy(struct feed_builder *fb, const char *s, size_t len, bool clean)
{
    struct str t = str_trim((struct str){s, len});
    char *r;

    if (t.len == 0 || fb->status != SYN_OK)
        return NULL;
    if (t.len > SYN_MAX_FIELD_BYTES) {
        t.len = utf8_boundary(t.p, SYN_MAX_FIELD_BYTES);
    }
    if ((clean || fb_utf8_clean(t.p, t.len)) && !utf8_has_c1(t.p, t.len)) {
        r = arena_strndup(&fb->f->arena, t.p, t.len);
    } else {
        buf_reset(&fb->tmp);
        if (utf8_append_text(&fb->tmp, t.p, t.len) != SYN_OK) {
            fb_fail(fb, SYN_ENOMEM, "out of memory");
            return NULL;
        }
        if (fb->tmp.len == 0)
            return NULL;
        r = arena_strndup(&fb->f->arena, fb->tmp.data, fb->tmp.len);
    }
    if (r == NULL) {
        fb_fail(fb, SYN_ENOMEM, "out of memory for the feed model");
    }
    return r;
}

const char *
fb_text(struct feed_builder *fb, const char *s, size_t len)
{
    return text_copy(fb, s, len, false);
}

const char *
fb_text_clean(struct feed_builder *fb, const char *s, size_t len)
{
    return text_copy(fb, s, len, true);
}

static bool
is_absolute_http(const char *s)
{
    struct str v = str_from_cstr(s);
    size_t i;

    if (!str_has_prefix_nocase(v, "http://") &&
        !str_has_prefix_nocase(v, "https://"))
        return false;
    for (i = 0; i < v.len; i++) {
        unsigned char c = (unsigned char)v.p[i];

        if (c <= ' ' || c >= 0x7f || c == '\\')
            return false;
    }
    return true;
}

const char *
fb_url(struct feed_builder *fb, const char *base, const char *s, size_t len)
{
    const char *text = fb_text(fb, s, len);
    struct syn_err e;
    enum syn_status st;
    char *abs = NULL;
    const char *r;

    if (text == NULL || is_absolute_http(text))
        return text;
    if (base == NULL) {
        base = fb->doc_base;
    }
    st = url_resolve(base, text, &abs, &e);
    if (st == SYN_ENOMEM) {
        fb_fail(fb, SYN_ENOMEM, "out of memory");
    }
    if (st != SYN_OK)
        return text; /* kept as written: better than nothing */
    r = arena_strdup(&fb->f->arena, abs);
    syn_free(abs);
    if (r == NULL) {
        fb_fail(fb, SYN_ENOMEM, "out of memory for the feed model");
    }
    return r;
}

void
fb_item_begin(struct feed_builder *fb)
{
    if (fb->status != SYN_OK)
        return;
    if (fb->f->n_items >= SYN_MAX_ITEMS) {
        fb_fail(fb, SYN_ETOOBIG, "more than %d items in one feed",
                SYN_MAX_ITEMS);
        return;
    }
    fb->cur = arena_calloc(&fb->f->arena, sizeof(*fb->cur));
    if (fb->cur == NULL) {
        fb_fail(fb, SYN_ENOMEM, "out of memory for the feed model");
        return;
    }
    fb->n_authors = fb->n_cats = fb->n_encs = 0;
    fb->image_prio = FB_IMAGE_NONE;
}

uint64_t
fb_hash(uint64_t h, const char *s)
{
    if (s == NULL) {
        s = "";
    }
    for (; *s != '\0'; s++) {
        h ^= (unsigned char)*s;
        h *= 0x100000001b3ull;
    }
    h ^= 0xff; /* field separator: ("ab","c") != ("a","bc") */
    return h * 0x100000001b3ull;
}

static const char **
copy_list(struct feed_builder *fb, const char *const *v, size_t n)
{
    const char **r;

    if (n == 0)
        return NULL;
    r = arena_alloc(&fb->f->arena, n * sizeof(*r));
    if (r == NULL) {
        fb_fail(fb, SYN_ENOMEM, "out of memory for the feed model");
        return NULL;
    }
    memcpy(r, v, n * sizeof(*r));
    return r;
}

void
fb_item_end(struct feed_builder *fb)
{
    struct feed_item *it = fb->cur;

    fb->cur = NULL;
    if (it == NULL || fb->status != SYN_OK)
        return;
    if (it->id == NULL && it->url != NULL) {
        it->id = it->url;
    } else if (it->id == NULL) {
        char id[40];
        char date[24];
        uint64_t h = 0xcbf29ce484222325ull;

        snprintf(date, sizeof(date), "%lld",
                 it->published.known ? (long long)it->published.unix_s : 0LL);
        h = fb_hash(h, it->title);
        h = fb_hash(h, date);
        if (it->title == NULL && !it->published.known) {
            h = fb_hash(h, it->summary_html);
            h = fb_hash(h, it->content_html);
        }
        snprintf(id, sizeof(id), "urn:syndic:%016llx", (unsigned long long)h);
        it->id = arena_strdup(&fb->f->arena, id);
        if (it->id == NULL) {
            fb_fail(fb, SYN_ENOMEM, "out of memory for the feed model");
            return;
        }
    }
    it->authors.v = copy_list(fb, fb->authors, fb->n_authors);
    it->authors.n = it->authors.v != NULL ? fb->n_authors : 0;
    it->categories.v = copy_list(fb, fb->cats, fb->n_cats);
    it->categories.n = it->categories.v != NULL ? fb->n_cats : 0;
    if (fb->n_encs > 0) {
        it->enclosures =
            arena_alloc(&fb->f->arena, fb->n_encs * sizeof(*it->enclosures));
        if (it->enclosures == NULL) {
            fb_fail(fb, SYN_ENOMEM, "out of memory for the feed model");
            return;
        }
        memcpy(it->enclosures, fb->encs, fb->n_encs * sizeof(*fb->encs));
        it->n_enclosures = fb->n_encs;
    }
    if (fb->last == NULL) {
        fb->f->items = it;
    } else {
        fb->last->next = it;
    }
    fb->last = it;
    fb->f->n_items++;
}

static bool
add_unique(struct feed_builder *fb, const char **v, size_t *n, const char *s,
           const char *what)
{
    size_t i;

    if (s == NULL || fb->cur == NULL)
        return false;
    for (i = 0; i < *n; i++) {
        if (strcmp(v[i], s) == 0)
            return false;
    }
    if (*n >= SYN_MAX_ITEM_LIST) {
        /* NOTE: truncates, SYN_MAX_ITEM_LIST */
        fb_problem(fb, 0, "more than %d %s in an item; extra dropped",
                   SYN_MAX_ITEM_LIST, what);
        return false;
    }
    v[(*n)++] = s;
    return true;
}

void
fb_add_author(struct feed_builder *fb, const char *s)
{
    SYN_IGNORE(add_unique(fb, fb->authors, &fb->n_authors, s, "authors"));
}

void
fb_add_category(struct feed_builder *fb, const char *s)
{
    SYN_IGNORE(add_unique(fb, fb->cats, &fb->n_cats, s, "categories"));
}

void
fb_add_enclosure(struct feed_builder *fb, const char *url, const char *type,
                 int64_t length)
{
    size_t i;

    if (url == NULL || fb->cur == NULL)
        return;
    for (i = 0; i < fb->n_encs; i++) {
        if (strcmp(fb->encs[i].url, url) == 0) {
            if (fb->encs[i].type == NULL) {
                fb->encs[i].type = type;
            }
            if (fb->encs[i].length < 0) {
                fb->encs[i].length = length;
            }
            return;
        }
    }
    if (fb->n_encs >= SYN_MAX_ITEM_LIST) {
        /* NOTE: truncates, SYN_MAX_ITEM_LIST */
        fb_problem(fb, 0, "more than %d enclosures in an item; extra dropped",
                   SYN_MAX_ITEM_LIST);
        return;
    }
    fb->encs[fb->n_encs].url = url;
    fb->encs[fb->n_encs].type = type;
    fb->encs[fb->n_encs].length = length;
    fb->n_encs++;
    if (type != NULL && str_has_prefix_nocase(str_from_cstr(type), "image/")) {
        fb_offer_image(fb, url, FB_IMAGE_ENCLOSURE);
    }
}

void
fb_offer_image(struct feed_builder *fb, const char *url, int prio)
{
    if (url == NULL)
        return;
    if (fb->cur != NULL) {
        if (prio > fb->image_prio) {
            fb->cur->image = url;
            fb->image_prio = prio;
        }
    } else if (prio > fb->feed_image_prio) {
        fb->f->image = url;
        fb->feed_image_prio = prio;
    }
}

enum syn_status
fb_finish(struct feed_builder *fb, struct feed **out)
{
    struct feed_item *it;

    if (fb->status != SYN_OK)
        return fb->status;
    if (fb->n_errors_dropped > 0) {
        char msg[80];

        snprintf(msg, sizeof(msg), "%zu more problems not listed",
                 fb->n_errors_dropped);
        fb->errors[fb->n_errors - 1] = fb_text(fb, msg, strlen(msg));
    }
    fb->f->errors.v = copy_list(fb, fb->errors, fb->n_errors);
    fb->f->errors.n = fb->f->errors.v != NULL ? fb->n_errors : 0;
    for (it = fb->f->items; it != NULL; it = it->next) {
        if (it->language == NULL) {
            it->language = fb->f->language;
        }
    }
    if (fb->status != SYN_OK)
        return fb->status;
    *out = fb->f;
    fb->f = NULL;
    return SYN_OK;
}

static int
b64_value(int c)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    if (c == '+' || c == '-')
        return 62;
    if (c == '/' || c == '_')
        return 63;
    return -1;
}

enum syn_status
fb_base64_decode(const char *s, size_t len, struct buf *out)
{
    unsigned acc = 0;
    int bits = 0;
    size_t i;
    enum syn_status st;

    for (i = 0; i < len; i++) {
        int v = b64_value((unsigned char)s[i]);

        if (v < 0) {
            if (s[i] == '=')
                break;
            continue; /* whitespace and line breaks */
        }
        acc = ((acc << 6) | (unsigned)v) & 0xffffff;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            if ((st = buf_append_char(out, (char)((acc >> bits) & 0xff))) !=
                SYN_OK)
                return st;
        }
    }
    return SYN_OK;
}
