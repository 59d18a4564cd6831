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

/* UTF-8 validation (RFC 3629) as a shift-based DFA: a state is a bit
 * offset (a multiple of 6) into a 64-bit row, and the row of each byte
 * holds, at the offset of each state, the state that byte leads to:
 * next = row[byte] >> state. One load and one shift per byte, without a
 * branch on the data, so that text mixing ASCII and other letters
 * ("Größe spät") costs no mispredicted branch per character. Every
 * unlisted transition is to U8_ERR (0), which only leads to itself. */
enum {
    U8_ERR = 0,  /* invalid, for good */
    U8_OK = 6,   /* between characters */
    U8_C1 = 12,  /* 1 continuation byte to come */
    U8_C2 = 18,  /* 2 to come */
    U8_C3 = 24,  /* 3 to come */
    U8_E0 = 30,  /* after E0: A0..BF (no overlong), then 1 */
    U8_ED = 36,  /* after ED: 80..9F (no surrogate), then 1 */
    U8_F0 = 42,  /* after F0: 90..BF (no overlong), then 2 */
    U8_F4 = 48,  /* after F4: 80..8F (<= U+10FFFF), then 2 */
};

#define U8_TR(from, to) ((uint64_t)(to) << (from))
#define U8_CONT                                                                \
    (U8_TR(U8_C1, U8_OK) | U8_TR(U8_C2, U8_C1) | U8_TR(U8_C3, U8_C2))
#define R_NUL 0u /* NUL is refused too */
#define R_ASCII U8_TR(U8_OK, U8_OK)
#define R_80 (U8_CONT | U8_TR(U8_ED, U8_C1) | U8_TR(U8_F4, U8_C2)) /* 80..8F */
#define R_90 (U8_CONT | U8_TR(U8_ED, U8_C1) | U8_TR(U8_F0, U8_C2)) /* 90..9F */
#define R_A0 (U8_CONT | U8_TR(U8_E0, U8_C1) | U8_TR(U8_F0, U8_C2)) /* A0..BF */
#define R_BAD 0u /* C0, C1, F5..FF: never in UTF-8 */
#define R_L2 U8_TR(U8_OK, U8_C1)
#define R_E0 U8_TR(U8_OK, U8_E0)
#define R_L3 U8_TR(U8_OK, U8_C2)
#define R_ED U8_TR(U8_OK, U8_ED)
#define R_F0 U8_TR(U8_OK, U8_F0)
#define R_L4 U8_TR(U8_OK, U8_C3)
#define R_F4 U8_TR(U8_OK, U8_F4)
#define X2(r) r, r
#define X4(r) r, r, r, r
#define X16(r) X4(r), X4(r), X4(r), X4(r)
#define X32(r) X16(r), X16(r)
#define X64(r) X32(r), X32(r)

static const uint64_t utf8_dfa[] = {
    /* 00..7F */
    R_NUL, X64(R_ASCII), X32(R_ASCII), X16(R_ASCII), X4(R_ASCII),
    X4(R_ASCII), X4(R_ASCII), X2(R_ASCII), R_ASCII,
    /* 80..BF */
    X16(R_80), X16(R_90), X32(R_A0),
    /* C0..DF */
    X2(R_BAD), X16(R_L2), X4(R_L2), X4(R_L2), X4(R_L2), X2(R_L2),
    /* E0..EF */
    R_E0, X4(R_L3), X4(R_L3), X4(R_L3), R_ED, X2(R_L3),
    /* F0..FF */
    R_F0, X2(R_L4), R_L4, R_F4, X4(R_BAD), X4(R_BAD), X2(R_BAD), R_BAD,
};
_Static_assert(SYN_ARRAY_LEN(utf8_dfa) == 256, "one row per byte value");

bool
fb_utf8_clean(const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s, *end = p + len;
    uint64_t st = U8_OK; /* only the low 6 bits are the state */

    while (end - p >= 8) {
        uint64_t w;
        int k;

        /* ASCII without NUL, a word at a time: most of feed markup */
        memcpy(&w, p, 8);
        if ((st & 63) == U8_OK &&
            ((w | ((w - 0x0101010101010101ull) & ~w)) &
             0x8080808080808080ull) == 0) {
            p += 8;
            continue;
        }
        for (k = 0; k < 8; k++) {
            st = utf8_dfa[p[k]] >> (st & 63);
        }
        p += 8;
        if ((st & 63) == U8_ERR)
            return false;
    }
    while (p < end) {
        st = utf8_dfa[*p++] >> (st & 63);
    }
    return (st & 63) == U8_OK;
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

const char *
fb_lang(struct feed_builder *fb, const char *s, size_t len)
{
    char tag[64]; /* language tags are a few dozen bytes at most */
    size_t i;

    if (len >= sizeof(tag) || memchr(s, '_', len) == NULL)
        return fb_text(fb, s, len);
    for (i = 0; i < len; i++) {
        tag[i] = s[i] == '_' ? '-' : s[i];
    }
    return fb_text(fb, tag, len);
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

    if (s == NULL || (fb->cur == NULL && v != fb->feed_authors))
        return false;
    for (i = 0; i < *n; i++) {
        if (strcmp(v[i], s) == 0)
            return false;
    }
    if (*n >= SYN_MAX_ITEM_LIST) {
        /* NOTE: truncates, SYN_MAX_ITEM_LIST */
        fb_problem(fb, 0, "more than %d %s; extra dropped", SYN_MAX_ITEM_LIST,
                   what);
        return false;
    }
    v[(*n)++] = s;
    return true;
}

void
fb_add_author(struct feed_builder *fb, const char *s)
{
    if (fb->cur == NULL) {
        SYN_IGNORE(add_unique(fb, fb->feed_authors, &fb->n_feed_authors, s,
                              "authors of the feed"));
        return;
    }
    SYN_IGNORE(
        add_unique(fb, fb->authors, &fb->n_authors, s, "authors in an item"));
}

void
fb_add_category(struct feed_builder *fb, const char *s)
{
    SYN_IGNORE(
        add_unique(fb, fb->cats, &fb->n_cats, s, "categories in an item"));
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
    struct feed_strings feed_authors = {NULL, 0};
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
    if (fb->n_feed_authors > 0) {
        feed_authors.v = copy_list(fb, fb->feed_authors, fb->n_feed_authors);
        feed_authors.n = feed_authors.v != NULL ? fb->n_feed_authors : 0;
    }
    for (it = fb->f->items; it != NULL; it = it->next) {
        if (it->language == NULL) {
            it->language = fb->f->language;
        }
        if (it->authors.n == 0) {
            it->authors = feed_authors; /* shared: the arena owns it */
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
