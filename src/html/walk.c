/* The allowlist walk over a gumbo tree (see walk.h).
 *
 * Data flow: bytes -> scan_depth() (cuts absurd nesting, which makes gumbo
 * quadratic) -> html_fast_parse() (fastparse.h: the same tree for simple
 * HTML, without gumbo), else gumbo_parse_with_options() with a <div>
 * fragment context, as a browser parses innerHTML -> walk_node()
 * recursively, at most SYN_MAX_HTML_DEPTH deep -> fresh HTML written from
 * the tree, never from the input's bytes.
 *
 * Invariants of WALK_SANITIZE output (the fuzzer checks them):
 *  - only tags of tag_policy[] marked KEEP and attributes of attr_allowed();
 *  - URL attributes hold http, https or mailto URLs (or, without a base,
 *    relative references that have no scheme);
 *  - the output re-parses to the same tree: nest_conflict() unwraps an
 *    element wherever the HTML parser would not nest it as we would write
 *    it (a p in a p, an a in an a, li in li...), table parts are written
 *    only in their table, and a newline that the parser would eat after
 *    <pre> is doubled.
 * Policy is in the tables below; everything not listed is dropped. */
#include "html/walk.h"

#include <gumbo.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "html/escape.h"
#include "html/fastparse.h"
#include "util/arena.h"
#include "util/ascii.h"
#include "util/limits.h"
#include "util/mem.h"
#include "util/str.h"
#include "util/url.h"
#include "util/utf8.h"

/* gumbo allocates tens of small blocks per element and frees each one
 * again (a third of its time in malloc, free and gumbo_destroy_output);
 * a bump arena for the whole parse, dropped at once, avoids both. Blocks
 * come from gumbo's own default allocator: gumbo has no failure path for
 * a NULL allocation, so the injected failures of util/mem must not reach
 * it (they are for our code's paths). */
#define GUMBO_ARENA_BLOCK (64u * 1024)

struct gumbo_block {
    struct gumbo_block *next; /* older block */
    size_t used, cap;         /* bytes of data[] */
    max_align_t data[];       /* the memory handed out */
};

struct html_doc {
    const GumboNode *root;      /* in blocks or in arena */
    GumboOutput *out;           /* gumbo's parse, lives in blocks; or NULL */
    struct gumbo_block *blocks; /* owned chain, newest first */
    struct arena arena;         /* the fast parser's tree */
};

static void *
gumbo_arena_alloc(void *userdata, size_t size)
{
    struct html_doc *doc = userdata;
    struct gumbo_block *b = doc->blocks;
    size_t need = (size + sizeof(max_align_t) - 1) & ~(sizeof(max_align_t) - 1);
    void *p;

    if (b == NULL || b->cap - b->used < need) {
        size_t cap = need > GUMBO_ARENA_BLOCK ? need : GUMBO_ARENA_BLOCK;

        b = kGumboDefaultOptions.allocator(NULL, sizeof(*b) + cap);
        if (b == NULL)
            return NULL;
        b->cap = cap;
        b->used = 0;
        b->next = doc->blocks;
        doc->blocks = b;
    }
    p = (char *)b->data + b->used;
    b->used += need;
    return p;
}

static void
gumbo_arena_free(void *userdata, void *ptr)
{
    (void)userdata; /* everything goes at once in html_doc_free() */
    (void)ptr;
}

/* ---- tag policy --------------------------------------------------------- */

enum tag_action {
    TAG_UNWRAP = 0, /* default: drop the tag, keep its children */
    TAG_KEEP,       /* write it (attributes filtered) */
    TAG_DROP,       /* drop it and everything inside */
};

#define F_BLOCK 0x01u   /* ends a word and a run of text */
#define F_VOID 0x02u    /* no end tag */
#define F_PCLOSE 0x04u  /* its start tag closes an open <p> */
#define F_SPECIAL 0x08u /* "special" in the HTML parser's sense */
#define F_MEDIA 0x10u   /* dropped from excerpts */
#define F_TABLE 0x20u   /* table structure: children must be table parts */

struct tag_rule {
    unsigned char action; /* enum tag_action */
    unsigned char flags;  /* F_* */
};

#define KEEP(f)                                                                \
    {                                                                          \
        TAG_KEEP, (f)                                                          \
    }
#define DROP                                                                   \
    {                                                                          \
        TAG_DROP, 0                                                            \
    }
#define UNWRAP(f)                                                              \
    {                                                                          \
        TAG_UNWRAP, (f)                                                        \
    }

/* Block-level tags that the parser treats as "special" and that close <p>. */
#define BLK (F_BLOCK | F_PCLOSE | F_SPECIAL)

static const struct tag_rule tag_policy[GUMBO_TAG_LAST + 1] = {
    /* text structure */
    [GUMBO_TAG_P] = KEEP(BLK),
    [GUMBO_TAG_DIV] = KEEP(BLK),
    [GUMBO_TAG_H1] = KEEP(BLK),
    [GUMBO_TAG_H2] = KEEP(BLK),
    [GUMBO_TAG_H3] = KEEP(BLK),
    [GUMBO_TAG_H4] = KEEP(BLK),
    [GUMBO_TAG_H5] = KEEP(BLK),
    [GUMBO_TAG_H6] = KEEP(BLK),
    [GUMBO_TAG_BLOCKQUOTE] = KEEP(BLK),
    [GUMBO_TAG_PRE] = KEEP(BLK),
    [GUMBO_TAG_UL] = KEEP(BLK),
    [GUMBO_TAG_OL] = KEEP(BLK),
    [GUMBO_TAG_LI] = KEEP(BLK),
    [GUMBO_TAG_DL] = KEEP(BLK),
    [GUMBO_TAG_DT] = KEEP(BLK),
    [GUMBO_TAG_DD] = KEEP(BLK),
    [GUMBO_TAG_FIGURE] = KEEP(BLK | F_MEDIA),
    [GUMBO_TAG_FIGCAPTION] = KEEP(BLK),
    [GUMBO_TAG_HR] = KEEP(BLK | F_VOID | F_MEDIA),
    [GUMBO_TAG_BR] = KEEP(F_BLOCK | F_VOID | F_SPECIAL),
    [GUMBO_TAG_WBR] = KEEP(F_VOID | F_SPECIAL),
    /* phrasing */
    [GUMBO_TAG_A] = KEEP(0),
    [GUMBO_TAG_EM] = KEEP(0),
    [GUMBO_TAG_STRONG] = KEEP(0),
    [GUMBO_TAG_B] = KEEP(0),
    [GUMBO_TAG_I] = KEEP(0),
    [GUMBO_TAG_U] = KEEP(0),
    [GUMBO_TAG_S] = KEEP(0),
    [GUMBO_TAG_SMALL] = KEEP(0),
    [GUMBO_TAG_MARK] = KEEP(0),
    [GUMBO_TAG_CITE] = KEEP(0),
    [GUMBO_TAG_Q] = KEEP(0),
    [GUMBO_TAG_DFN] = KEEP(0),
    [GUMBO_TAG_ABBR] = KEEP(0),
    [GUMBO_TAG_TIME] = KEEP(0),
    [GUMBO_TAG_CODE] = KEEP(0),
    [GUMBO_TAG_VAR] = KEEP(0),
    [GUMBO_TAG_SAMP] = KEEP(0),
    [GUMBO_TAG_KBD] = KEEP(0),
    [GUMBO_TAG_SUB] = KEEP(0),
    [GUMBO_TAG_SUP] = KEEP(0),
    [GUMBO_TAG_SPAN] = KEEP(0),
    [GUMBO_TAG_BDI] = KEEP(0),
    [GUMBO_TAG_BDO] = KEEP(0),
    [GUMBO_TAG_INS] = KEEP(0),
    [GUMBO_TAG_DEL] = KEEP(0),
    /* media */
    [GUMBO_TAG_IMG] = KEEP(F_VOID | F_SPECIAL | F_MEDIA),
    [GUMBO_TAG_VIDEO] = KEEP(F_MEDIA),
    [GUMBO_TAG_AUDIO] = KEEP(F_MEDIA),
    [GUMBO_TAG_SOURCE] = KEEP(F_VOID | F_SPECIAL | F_MEDIA),
    /* tables */
    [GUMBO_TAG_TABLE] = KEEP(BLK | F_TABLE | F_MEDIA),
    [GUMBO_TAG_CAPTION] = KEEP(F_BLOCK | F_SPECIAL),
    [GUMBO_TAG_COLGROUP] = KEEP(F_SPECIAL | F_TABLE),
    [GUMBO_TAG_COL] = KEEP(F_VOID | F_SPECIAL),
    [GUMBO_TAG_THEAD] = KEEP(F_SPECIAL | F_TABLE),
    [GUMBO_TAG_TBODY] = KEEP(F_SPECIAL | F_TABLE),
    [GUMBO_TAG_TFOOT] = KEEP(F_SPECIAL | F_TABLE),
    [GUMBO_TAG_TR] = KEEP(F_BLOCK | F_SPECIAL | F_TABLE),
    [GUMBO_TAG_TD] = KEEP(F_BLOCK | F_SPECIAL),
    [GUMBO_TAG_TH] = KEEP(F_BLOCK | F_SPECIAL),
    /* unwrapped, but still block boundaries for text */
    [GUMBO_TAG_ARTICLE] = UNWRAP(F_BLOCK),
    [GUMBO_TAG_SECTION] = UNWRAP(F_BLOCK),
    [GUMBO_TAG_ASIDE] = UNWRAP(F_BLOCK),
    [GUMBO_TAG_NAV] = UNWRAP(F_BLOCK),
    [GUMBO_TAG_HEADER] = UNWRAP(F_BLOCK),
    [GUMBO_TAG_FOOTER] = UNWRAP(F_BLOCK),
    [GUMBO_TAG_MAIN] = UNWRAP(F_BLOCK),
    [GUMBO_TAG_ADDRESS] = UNWRAP(F_BLOCK),
    [GUMBO_TAG_HGROUP] = UNWRAP(F_BLOCK),
    [GUMBO_TAG_CENTER] = UNWRAP(F_BLOCK),
    [GUMBO_TAG_DETAILS] = UNWRAP(F_BLOCK),
    [GUMBO_TAG_SUMMARY] = UNWRAP(F_BLOCK),
    [GUMBO_TAG_FORM] = UNWRAP(F_BLOCK),
    [GUMBO_TAG_FIELDSET] = UNWRAP(F_BLOCK),
    [GUMBO_TAG_LEGEND] = UNWRAP(F_BLOCK),
    [GUMBO_TAG_MENU] = UNWRAP(F_BLOCK),
    [GUMBO_TAG_DIR] = UNWRAP(F_BLOCK),
    [GUMBO_TAG_LISTING] = UNWRAP(F_BLOCK),
    [GUMBO_TAG_XMP] = UNWRAP(F_BLOCK),
    [GUMBO_TAG_PLAINTEXT] = UNWRAP(F_BLOCK),
    [GUMBO_TAG_MARQUEE] = UNWRAP(F_BLOCK),
    /* removed with their content: code, styles, metadata, embedded
     * documents, form controls whose content is not text, SVG, MathML */
    [GUMBO_TAG_HEAD] = DROP,
    [GUMBO_TAG_TITLE] = DROP,
    [GUMBO_TAG_BASE] = DROP,
    [GUMBO_TAG_LINK] = DROP,
    [GUMBO_TAG_META] = DROP,
    [GUMBO_TAG_STYLE] = DROP,
    [GUMBO_TAG_SCRIPT] = DROP,
    [GUMBO_TAG_NOSCRIPT] = DROP,
    [GUMBO_TAG_TEMPLATE] = DROP,
    [GUMBO_TAG_IFRAME] = DROP, /* video players become links, see below */
    [GUMBO_TAG_FRAME] = DROP,
    [GUMBO_TAG_FRAMESET] = DROP,
    [GUMBO_TAG_NOFRAMES] = DROP,
    [GUMBO_TAG_EMBED] = DROP,
    [GUMBO_TAG_NOEMBED] = DROP,
    [GUMBO_TAG_OBJECT] = DROP,
    [GUMBO_TAG_PARAM] = DROP,
    [GUMBO_TAG_APPLET] = DROP,
    [GUMBO_TAG_TRACK] = DROP,
    [GUMBO_TAG_CANVAS] = DROP,
    [GUMBO_TAG_MAP] = DROP,
    [GUMBO_TAG_AREA] = DROP,
    [GUMBO_TAG_SVG] = DROP,
    [GUMBO_TAG_MATH] = DROP,
    [GUMBO_TAG_INPUT] = DROP,
    [GUMBO_TAG_BUTTON] = UNWRAP(0),
    [GUMBO_TAG_SELECT] = DROP,
    [GUMBO_TAG_DATALIST] = DROP,
    [GUMBO_TAG_OPTGROUP] = DROP,
    [GUMBO_TAG_OPTION] = DROP,
    [GUMBO_TAG_TEXTAREA] = DROP,
    [GUMBO_TAG_KEYGEN] = DROP,
    [GUMBO_TAG_OUTPUT] = DROP,
    [GUMBO_TAG_PROGRESS] = DROP,
    [GUMBO_TAG_METER] = DROP,
    [GUMBO_TAG_MENUITEM] = DROP,
    [GUMBO_TAG_BGSOUND] = DROP,
    [GUMBO_TAG_ISINDEX] = DROP,
    [GUMBO_TAG_BASEFONT] = DROP,
    [GUMBO_TAG_RP] = DROP, /* ruby parentheses; the base text stays */
    [GUMBO_TAG_RT] = DROP, /* ruby annotations would run into the text */
};

/* Hosts whose <iframe> players become a plain link to the video. */
static const char *const video_hosts[] = {
    "www.youtube.com",
    "youtube.com",
    "m.youtube.com",
    "www.youtube-nocookie.com",
    "youtube-nocookie.com",
    "player.vimeo.com",
    "vimeo.com",
    "www.dailymotion.com",
    "dailymotion.com",
    "player.twitch.tv",
    "embed.ted.com",
    "w.soundcloud.com",
    "open.spotify.com",
    "www.facebook.com",
    "player.bilibili.com",
};

/* Substrings of image URLs that are tracking pixels or share buttons. */
static const char *const tracker_patterns[] = {
    "feeds.feedburner.com/~r/",
    "feedburner.com/~ff/",
    "feeds.feedblitz.com",
    "doubleclick.net",
    "pixel.wp.com",
    "stats.wordpress.com",
    "pixel.quantserve.com",
    "google-analytics.com",
    "feedsportal.com",
    "www.facebook.com/tr",
    "pixel.gif",
    "/1x1.gif",
    "/tracking/",
    "/track/",
    "pixel.mathtag.com",
    "ad.doubleclick",
    "analytics.",
    "/beacon",
    "feeds.wordpress.com/1.0/",
    "api.tumblr.com/",
    "assets.feedblitz.com",
};

/* Lazy-loading attributes that hold the real image URL, best first. */
static const char *const lazy_src_attrs[] = {
    "data-src",      "data-lazy-src",   "data-original",  "data-lazy",
    "data-orig-src", "data-hi-res-src", "data-actualsrc",
};
static const char *const lazy_srcset_attrs[] = {
    "data-srcset",
    "data-lazy-srcset",
};

/* ---- the walker --------------------------------------------------------- */

struct open_el {
    GumboTag tag;     /* tag as written (h1 and h2 are written as h3) */
    size_t start_pos; /* EXCERPT: html->len before the start tag */
    bool has_content; /* EXCERPT: text written inside */
    bool discarded;   /* EXCERPT: start tag removed, write no end tag */
};

struct walker {
    const struct walk_opts *o;
    const char *base; /* http(s) base URL or NULL */
    struct buf *html; /* o->html unless COUNT/TEXT/IMAGE */
    struct buf *text;
    struct open_el stack[SYN_MAX_HTML_DEPTH + 1]; /* written elements */
    size_t depth;                                 /* entries in stack */
    bool pre_start; /* the last thing written was <pre> */
    bool stopped;   /* EXCERPT limit reached, or IMAGE found */
    enum syn_status st;
    struct syn_err *err;
    struct buf scratch; /* attributes of the element being written */
    struct buf url;     /* the URL being cleaned */
    /* text measure (EXCERPT, COUNT, TEXT) */
    size_t units;
    bool in_word;       /* inside a token of a spaced script */
    bool last_cjk;      /* the current token is one unspaced character */
    bool space_pending; /* whitespace seen since the last token */
    bool sep_pending;   /* a block boundary since the last token */
    bool any_token;     /* a token has been written */
    bool tok_all_closers;
    bool tok_sentence; /* the last completed token ended a sentence */
    uint32_t tok_last; /* last non-closer code point of the token */
    /* SANITIZE with o->plan: the walk also counts, as WALK_COUNT would */
    bool counting;
    size_t hidden;   /* counting: depth in media, which excerpts drop */
    bool count_done; /* counting: past the budget, no cut falls later */
    /* the doc's text is valid UTF-8 without the code points escaping
     * drops: the fast parser built it (its input check and its reference
     * decoder refuse everything else) */
    bool text_valid;
};

static bool
is_text_mode(const struct walker *w)
{
    return w->o->mode == WALK_EXCERPT || w->o->mode == WALK_COUNT ||
           w->o->mode == WALK_TEXT;
}

/* Is text measured at this point of the walk? */
static bool
measuring(const struct walker *w)
{
    if (w->counting)
        return w->hidden == 0 && !w->count_done;
    return is_text_mode(w);
}

/* Does the walk fill o->plan (COUNT, or SANITIZE counting as well)? */
static bool
planning(const struct walker *w)
{
    return w->o->mode == WALK_COUNT || w->counting;
}

/* Where text_measure() writes HTML: nowhere when it only counts beside
 * a sanitizing walk (w->html is then the sanitized output). */
static struct buf *
measure_html(const struct walker *w)
{
    return w->counting ? NULL : w->html;
}

/* IMAGE, or SANITIZE with an image wanted (one walk for both). */
static bool
wants_image(const struct walker *w)
{
    return w->o->image != NULL &&
           (w->o->mode == WALK_IMAGE || w->o->mode == WALK_SANITIZE);
}

static void
walk_fail(struct walker *w, enum syn_status st)
{
    if (w->st == SYN_OK) {
        w->st = st;
        if (st == SYN_ENOMEM) {
            syn_err_set(w->err, st, "out of memory while walking HTML");
        } else if (st == SYN_ETOOBIG) {
            syn_err_set(w->err, st, "HTML output past its size limit");
        }
    }
}

static void
out_str(struct walker *w, const char *s)
{
    enum syn_status st;

    if (w->html == NULL || w->st != SYN_OK)
        return;
    st = buf_append_str(w->html, s);
    if (st != SYN_OK) {
        walk_fail(w, st);
    }
}

static void
out_esc(struct walker *w, struct buf *b, const char *s, size_t len)
{
    enum syn_status st;

    if (b == NULL || w->st != SYN_OK)
        return;
    st = html_escape_append(b, s, len);
    if (st != SYN_OK) {
        walk_fail(w, st);
    }
}

static void
out_raw(struct walker *w, struct buf *b, const char *s, size_t len)
{
    enum syn_status st;

    if (b == NULL || w->st != SYN_OK)
        return;
    st = buf_append(b, s, len);
    if (st != SYN_OK) {
        walk_fail(w, st);
    }
}

/* out_esc() for text of the doc (text_measure's runs, text nodes). */
static void
out_text(struct walker *w, struct buf *b, const char *s, size_t len)
{
    enum syn_status st;

    if (b == NULL || w->st != SYN_OK)
        return;
    st = w->text_valid ? html_escape_valid_append(b, s, len)
                       : html_escape_append(b, s, len);
    if (st != SYN_OK) {
        walk_fail(w, st);
    }
}

/* ---- URLs --------------------------------------------------------------- */

/* Scheme length of s[0..len) per the URL standard ("https" of "https:..."),
 * 0 when it has none (a relative reference). */
static size_t
scheme_len(const char *s, size_t len)
{
    size_t i;

    if (len == 0 || !ascii_isalpha((unsigned char)s[0]))
        return 0;
    for (i = 1; i < len; i++) {
        unsigned char c = (unsigned char)s[i];

        if (c == ':')
            return i;
        if (!ascii_isalnum(c) && c != '+' && c != '-' && c != '.')
            return 0;
    }
    return 0;
}

/* Clean one URL as a browser reads it (strip leading and trailing C0
 * controls and spaces, drop tabs and newlines anywhere), then keep it only
 * with scheme http, https or mailto; relative references are resolved
 * against the base when there is one. On success w->url holds the URL and
 * true is returned. */
static bool
clean_url(struct walker *w, const char *raw, size_t len)
{
    size_t i, run_end, start = 0, end = len;
    enum syn_status st;
    char *resolved = NULL;
    struct syn_err ignored;

    buf_reset(&w->url);
    while (start < end && (unsigned char)raw[start] <= 0x20) {
        start++;
    }
    while (end > start && (unsigned char)raw[end - 1] <= 0x20) {
        end--;
    }
    if (end - start > SYN_MAX_URL_BYTES)
        return false;
    /* copied in runs between the tabs and newlines that are dropped */
    for (i = start; i < end; i = run_end + 1) {
        bool cntrl = false;

        for (run_end = i; run_end < end; run_end++) {
            unsigned char c = (unsigned char)raw[run_end];

            if (c == '\t' || c == '\n' || c == '\r')
                break;
            if (ascii_iscntrl(c)) {
                cntrl = true;
                break;
            }
        }
        st = buf_append(&w->url, raw + i, run_end - i);
        if (st != SYN_OK) {
            walk_fail(w, st);
            return false;
        }
        if (cntrl)
            return false;
    }
    if (w->url.len == 0)
        return false;
    if (scheme_len(w->url.data, w->url.len) > 0)
        return url_is_safe_scheme(w->url.data);
    if (w->base == NULL)
        return true; /* relative, no scheme: it cannot carry a script */
    st = url_resolve(w->base, w->url.data, &resolved, &ignored);
    if (st == SYN_ENOMEM) {
        walk_fail(w, st);
        return false;
    }
    if (st != SYN_OK)
        return false;
    buf_reset(&w->url);
    if (url_is_safe_scheme(resolved)) {
        st = buf_append_str(&w->url, resolved);
        if (st != SYN_OK) {
            walk_fail(w, st);
        }
    }
    syn_free(resolved);
    return w->url.len > 0 && w->st == SYN_OK;
}

/* Append ` name="value"` to w->scratch. */
static void
attr_out(struct walker *w, const char *name, const char *value, size_t len)
{
    enum syn_status st;

    if (w->st != SYN_OK)
        return;
    st = buf_append_char(&w->scratch, ' ');
    if (st == SYN_OK) {
        st = buf_append_str(&w->scratch, name);
    }
    if (st == SYN_OK) {
        st = buf_append(&w->scratch, "=\"", 2);
    }
    if (st == SYN_OK) {
        st = html_escape_append(&w->scratch, value, len);
    }
    if (st == SYN_OK) {
        st = buf_append_char(&w->scratch, '"');
    }
    if (st != SYN_OK) {
        walk_fail(w, st);
    }
}

static void
attr_url(struct walker *w, const char *name, const char *value)
{
    if (clean_url(w, value, strlen(value))) {
        attr_out(w, name, w->url.data, w->url.len);
    }
}

/* srcset: "url [descriptor], url [descriptor]..." (HTML 4.8.4.3.10);
 * each URL cleaned, descriptors kept only when they are a number with w or
 * x. Candidates that fail are dropped. */
static void
attr_srcset(struct walker *w, const char *name, const char *v)
{
    struct buf out;
    size_t i = 0, n = strlen(v);
    enum syn_status st = SYN_OK;

    buf_init(&out, SYN_MAX_FIELD_BYTES);
    while (i < n && st == SYN_OK) {
        size_t u0, u1, d0, d1;
        bool desc_ok = true, last = false;

        while (i < n && (ascii_isspace((unsigned char)v[i]) || v[i] == ',')) {
            i++;
        }
        u0 = i;
        while (i < n && !ascii_isspace((unsigned char)v[i])) {
            i++;
        }
        u1 = i;
        while (u1 > u0 && v[u1 - 1] == ',') {
            u1--;
            last = true;
        }
        if (u1 == u0)
            break;
        d0 = d1 = i;
        if (!last) {
            while (i < n && ascii_isspace((unsigned char)v[i])) {
                i++;
            }
            d0 = i;
            while (i < n && v[i] != ',') {
                i++;
            }
            d1 = i;
            while (d1 > d0 && ascii_isspace((unsigned char)v[d1 - 1])) {
                d1--;
            }
        }
        if (d1 > d0) {
            size_t k;

            for (k = d0; k < d1 - 1; k++) {
                if (!ascii_isdigit((unsigned char)v[k]) && v[k] != '.') {
                    desc_ok = false;
                }
            }
            if (d1 - d0 < 2 || (v[d1 - 1] != 'w' && v[d1 - 1] != 'x')) {
                desc_ok = false;
            }
        }
        if (!desc_ok || !clean_url(w, v + u0, u1 - u0))
            continue;
        /* A comma or space inside a URL would split it differently when
         * read again: skip such candidates. */
        if (memchr(w->url.data, ',', w->url.len) != NULL ||
            memchr(w->url.data, ' ', w->url.len) != NULL)
            continue;
        if (out.len > 0) {
            st = buf_append(&out, ", ", 2);
        }
        if (st == SYN_OK) {
            st = buf_append(&out, w->url.data, w->url.len);
        }
        if (st == SYN_OK && d1 > d0) {
            st = buf_append_char(&out, ' ');
        }
        if (st == SYN_OK && d1 > d0) {
            st = buf_append(&out, v + d0, d1 - d0);
        }
    }
    if (st != SYN_OK) {
        walk_fail(w, st);
    } else if (out.len > 0) {
        attr_out(w, name, out.data, out.len);
    }
    buf_fini(&out);
}

/* Digits only, 1..6 of them (sizes, spans, list numbers). */
static bool
is_small_number(const char *v, bool allow_minus)
{
    size_t i = 0, n = strlen(v);

    if (allow_minus && n > 0 && v[0] == '-') {
        i = 1;
    }
    if (n == i || n - i > 6)
        return false;
    for (; i < n; i++) {
        if (!ascii_isdigit((unsigned char)v[i]))
            return false;
    }
    return true;
}

/* A BCP 47 language tag, roughly: letters, digits and '-'. */
static bool
is_lang(const char *v)
{
    size_t i, n = strlen(v);

    if (n == 0 || n > 35)
        return false;
    for (i = 0; i < n; i++) {
        if (!ascii_isalnum((unsigned char)v[i]) && v[i] != '-')
            return false;
    }
    return true;
}

static bool
is_one_of(const char *v, const char *const *set, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++) {
        if (str_casecmp(v, set[i]) == 0)
            return true;
    }
    return false;
}

/* Write the allowed attributes of element el (tag t) into w->scratch. */
static void
write_attrs(struct walker *w, GumboTag t, const GumboElement *el)
{
    static const char *const dirs[] = {"ltr", "rtl", "auto"};
    static const char *const scopes[] = {"row", "col", "rowgroup", "colgroup"};
    unsigned i;

    for (i = 0; i < el->attributes.length && w->st == SYN_OK; i++) {
        const GumboAttribute *a = el->attributes.data[i];
        const char *n = a->name, *v = a->value;

        if (a->attr_namespace != GUMBO_ATTR_NAMESPACE_NONE)
            continue;
        if (strcmp(n, "title") == 0) {
            attr_out(w, n, v, strlen(v));
        } else if (strcmp(n, "lang") == 0) {
            if (is_lang(v)) {
                attr_out(w, n, v, strlen(v));
            }
        } else if (strcmp(n, "dir") == 0) {
            if (is_one_of(v, dirs, SYN_ARRAY_LEN(dirs))) {
                attr_out(w, n, v, strlen(v));
            }
        } else if (strcmp(n, "href") == 0) {
            /* walk_element() already cleaned it into w->url (a link's only
             * URL attribute): resolving costs a libcurl parse */
            if (t == GUMBO_TAG_A) {
                attr_out(w, n, w->url.data, w->url.len);
            }
        } else if (strcmp(n, "cite") == 0) {
            if (t == GUMBO_TAG_BLOCKQUOTE || t == GUMBO_TAG_Q ||
                t == GUMBO_TAG_DEL || t == GUMBO_TAG_INS) {
                attr_url(w, n, v);
            }
        } else if (strcmp(n, "datetime") == 0) {
            if (t == GUMBO_TAG_TIME || t == GUMBO_TAG_DEL ||
                t == GUMBO_TAG_INS) {
                attr_out(w, n, v, strlen(v));
            }
        } else if (strcmp(n, "alt") == 0) {
            if (t == GUMBO_TAG_IMG) {
                attr_out(w, n, v, strlen(v));
            }
        } else if (strcmp(n, "width") == 0 || strcmp(n, "height") == 0) {
            if ((t == GUMBO_TAG_IMG || t == GUMBO_TAG_VIDEO) &&
                is_small_number(v, false)) {
                attr_out(w, n, v, strlen(v));
            }
        } else if (strcmp(n, "poster") == 0) {
            if (t == GUMBO_TAG_VIDEO) {
                attr_url(w, n, v);
            }
        } else if (strcmp(n, "src") == 0) {
            /* img writes its own src (lazy loading, pixels) */
            if (t == GUMBO_TAG_VIDEO || t == GUMBO_TAG_AUDIO ||
                t == GUMBO_TAG_SOURCE) {
                attr_url(w, n, v);
            }
        } else if (strcmp(n, "type") == 0) {
            if (t == GUMBO_TAG_SOURCE) {
                attr_out(w, n, v, strlen(v));
            } else if (t == GUMBO_TAG_OL && strlen(v) == 1 &&
                       strchr("1aAiI", v[0]) != NULL) {
                attr_out(w, n, v, 1);
            }
        } else if (strcmp(n, "colspan") == 0 || strcmp(n, "rowspan") == 0) {
            if ((t == GUMBO_TAG_TD || t == GUMBO_TAG_TH) &&
                is_small_number(v, false)) {
                attr_out(w, n, v, strlen(v));
            }
        } else if (strcmp(n, "scope") == 0) {
            if (t == GUMBO_TAG_TH && is_one_of(v, scopes, 4)) {
                attr_out(w, n, v, strlen(v));
            }
        } else if (strcmp(n, "span") == 0) {
            if ((t == GUMBO_TAG_COL || t == GUMBO_TAG_COLGROUP) &&
                is_small_number(v, false)) {
                attr_out(w, n, v, strlen(v));
            }
        } else if (strcmp(n, "start") == 0) {
            if (t == GUMBO_TAG_OL && is_small_number(v, true)) {
                attr_out(w, n, v, strlen(v));
            }
        } else if (strcmp(n, "reversed") == 0) {
            if (t == GUMBO_TAG_OL) {
                attr_out(w, n, "", 0);
            }
        } else if (strcmp(n, "value") == 0) {
            if (t == GUMBO_TAG_LI && is_small_number(v, true)) {
                attr_out(w, n, v, strlen(v));
            }
        }
    }
}

/* ---- images and players ------------------------------------------------- */

static const char *
attr_get(const GumboElement *el, const char *name)
{
    const GumboAttribute *a = gumbo_get_attribute(&el->attributes, name);

    return a != NULL ? a->value : NULL;
}

static bool
is_tracker_url(const char *u)
{
    const char *p;
    size_t i;

    for (i = 0; i < SYN_ARRAY_LEN(tracker_patterns); i++) {
        if (strstr(u, tracker_patterns[i]) != NULL)
            return true;
    }
    /* a path segment named pixel: /pixel, /pixel?u=1, /pixel.png */
    for (p = strstr(u, "/pixel"); p != NULL; p = strstr(p + 1, "/pixel")) {
        char c = p[6];

        if (c == '\0' || c == '?' || c == '/' || c == '.' || c == '#')
            return true;
    }
    return false;
}

/* Links that are ads or trackers themselves (FeedBurner flare, ad
 * servers): dropped with their content. */
static bool
is_ad_link(const char *u)
{
    static const char *const pats[] = {
        "feedburner.com/~ff/",
        "feedburner.com/~a/",
        "doubleclick.net/",
        "feedsportal.com/",
    };
    size_t i;

    for (i = 0; i < SYN_ARRAY_LEN(pats); i++) {
        if (strstr(u, pats[i]) != NULL)
            return true;
    }
    return false;
}

/* A declared dimension of at most max pixels ("1", "0", "1px"). */
static bool
dim_at_most(const char *v, long max)
{
    long n = 0;
    size_t i;

    if (v == NULL || !ascii_isdigit((unsigned char)v[0]))
        return false;
    for (i = 0; ascii_isdigit((unsigned char)v[i]) && n <= max; i++) {
        n = n * 10 + (v[i] - '0');
    }
    return n <= max;
}

/* Choose the URL of an image: a lazy-loading attribute first (src then
 * holds a placeholder), else src. True with the URL in w->url. */
static bool
image_src(struct walker *w, const GumboElement *el)
{
    const char *v;
    size_t i;

    for (i = 0; i < SYN_ARRAY_LEN(lazy_src_attrs); i++) {
        v = attr_get(el, lazy_src_attrs[i]);
        if (v != NULL && clean_url(w, v, strlen(v)))
            return true;
    }
    v = attr_get(el, "src");
    return v != NULL && clean_url(w, v, strlen(v));
}

/* Tracking pixels: 1x1 (or 0-sized) images and known tracker URLs. */
static bool
image_is_pixel(const GumboElement *el, const char *url)
{
    const char *wd = attr_get(el, "width"), *ht = attr_get(el, "height");

    /* judge the sizes that would be written, so that the output is judged
     * the same way when sanitized again */
    if (wd != NULL && !is_small_number(wd, false)) {
        wd = NULL;
    }
    if (ht != NULL && !is_small_number(ht, false)) {
        ht = NULL;
    }
    if ((dim_at_most(wd, 1) && (ht == NULL || dim_at_most(ht, 1))) ||
        (dim_at_most(ht, 1) && wd == NULL) || dim_at_most(wd, 0) ||
        dim_at_most(ht, 0))
        return true;
    return is_tracker_url(url);
}

/* Icons, emoji, avatars and buttons: not a story's lead image. */
static bool
image_is_icon(const GumboElement *el, const char *url)
{
    static const char *const pats[] = {
        "emoji",     "/smilies/", "/icons/", "icon.",  "gravatar.com/avatar",
        "/avatar",   "badge",     "/share",  "button", "spacer",
        "blank.gif",
    };
    const char *wd = attr_get(el, "width"), *ht = attr_get(el, "height");
    size_t i;

    if (dim_at_most(wd, 64) || dim_at_most(ht, 64))
        return true;
    for (i = 0; i < SYN_ARRAY_LEN(pats); i++) {
        if (strstr(url, pats[i]) != NULL)
            return true;
    }
    return false;
}

/* Host of an absolute URL, lowercased into host[cap]; false if none. */
static bool
url_host(const char *u, char *host, size_t cap)
{
    const char *p = strstr(u, "://"), *e;
    size_t i, n;

    if (p == NULL)
        return false;
    p += 3;
    e = p + strcspn(p, "/?#:");
    if (memchr(p, '@', (size_t)(e - p)) != NULL)
        return false; /* userinfo in a player URL: not a player */
    n = (size_t)(e - p);
    if (n == 0 || n >= cap)
        return false;
    for (i = 0; i < n; i++) {
        host[i] = (char)ascii_tolower((unsigned char)p[i]);
    }
    host[n] = '\0';
    return true;
}

/* Length of the video id at p: letters, digits, '-' and '_', ended by
 * the end of the string or one of / ? # &; 0 when anything else comes. */
static size_t
id_len(const char *p)
{
    size_t n = 0;

    while (ascii_isalnum((unsigned char)p[n]) || p[n] == '-' || p[n] == '_') {
        n++;
    }
    return p[n] == '\0' || strchr("/?#&", p[n]) != NULL ? n : 0;
}

/* Turn an embed URL of a known player (in w->url) into the address of its
 * page: YouTube /embed/ID -> watch?v=ID, player.vimeo.com/video/ID ->
 * vimeo.com/ID. False when the host is not a known player. */
static bool
video_page_url(struct walker *w)
{
    char host[128], id[64];
    const char *path, *p;
    size_t n;
    enum syn_status st = SYN_OK;

    if (!url_is_http(w->url.data) ||
        !url_host(w->url.data, host, sizeof(host)) ||
        !is_one_of(host, video_hosts, SYN_ARRAY_LEN(video_hosts)))
        return false;
    path = strstr(w->url.data, "://") + 3 + strlen(host);
    if (strstr(host, "youtube") != NULL &&
        (p = strstr(path, "/embed/")) == path) {
        p += 7;
        n = id_len(p);
        if (n == 0 || n >= sizeof(id))
            return true;
        memcpy(id, p, n);
        id[n] = '\0';
        buf_reset(&w->url);
        st = buf_printf(&w->url, "https://www.youtube.com/watch?v=%s", id);
    } else if (strcmp(host, "player.vimeo.com") == 0 &&
               strncmp(path, "/video/", 7) == 0) {
        p = path + 7;
        n = id_len(p);
        if (n == 0 || n >= sizeof(id))
            return true;
        memcpy(id, p, n);
        id[n] = '\0';
        buf_reset(&w->url);
        st = buf_printf(&w->url, "https://vimeo.com/%s", id);
    }
    if (st != SYN_OK) {
        walk_fail(w, st);
        return false;
    }
    return true;
}

/* ---- text measure ------------------------------------------------------- */

/* Scripts written without spaces between words: each character is 1 unit
 * (half a word). */
static bool
is_unspaced(uint32_t c)
{
    if (c < 0x0E00)
        return false; /* most text: answered by one test */
    return (c >= 0x2E80 && c <= 0x9FFF) || (c >= 0xF900 && c <= 0xFAFF) ||
           (c >= 0xFF00 && c <= 0xFFEF) || (c >= 0x20000 && c <= 0x3FFFF) ||
           (c >= 0x0E00 && c <= 0x0EFF) || (c >= 0x1780 && c <= 0x17FF) ||
           (c >= 0x1000 && c <= 0x109F);
}

static bool
is_space_cp(uint32_t c)
{
    if (c < 0x80)
        return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' ||
           c == 0xA0 || c == 0x3000 || (c >= 0x2000 && c <= 0x200B) ||
           c == 0x202F || c == 0x205F || c == 0x1680;
}

static bool
is_closer(uint32_t c)
{
    switch (c) {
    case '"':
    case '\'':
    case ')':
    case ']':
    case 0x201D:
    case 0x2019:
    case 0xBB:
    case 0x300D:
    case 0x300F:
    case 0xFF09:
    case 0x3011:
    case 0x3009:
    case 0x300B:
        return true;
    default:
        return false;
    }
}

static bool
is_sentence_end(uint32_t c)
{
    switch (c) {
    case '.':
    case '!':
    case '?':
    case 0x2026:
    case 0x3002:
    case 0xFF01:
    case 0xFF1F:
    case 0xFF0E:
    case 0x203C:
    case 0x2047:
    case 0x2048:
    case 0x2049:
    case 0x061F:
    case 0x06D4:
    case 0x0964:
    case 0x0965:
        return true;
    default:
        return false;
    }
}

/* The current token (if any) is complete. */
static void
token_end(struct walker *w)
{
    bool sentence;

    if (!w->in_word)
        return;
    w->in_word = false;
    sentence =
        w->tok_all_closers ? w->tok_sentence : is_sentence_end(w->tok_last);
    w->tok_sentence = sentence;
    if (sentence && planning(w) && w->units <= w->o->limit_units) {
        w->o->plan->best_sentence = w->units;
    }
}

static void
block_boundary(struct walker *w, bool at_end)
{
    token_end(w);
    w->space_pending = false;
    w->sep_pending = w->any_token;
    if (at_end && planning(w) && w->units > 0 &&
        w->units <= w->o->limit_units) {
        w->o->plan->best_block = w->units;
    }
}

/* Before text is written inside the open elements: they are not empty. */
static void
mark_content(struct walker *w)
{
    size_t i;

    for (i = w->depth; i > 0 && !w->stack[i - 1].has_content; i--) {
        w->stack[i - 1].has_content = true;
    }
}

static void stop_excerpt(struct walker *w);

/* EXCERPT: write the space between two words before the start tags of the
 * still empty elements that the second word opens ("a <b>c</b>", not
 * "a<b> c</b>"). */
static void
space_before_empty(struct walker *w)
{
    size_t i = w->depth, at;
    enum syn_status st;

    if (measure_html(w) == NULL)
        return;
    while (i > 0 && !w->stack[i - 1].has_content) {
        i--;
    }
    at = i < w->depth ? w->stack[i].start_pos : w->html->len;
    st = buf_append_char(w->html, ' ');
    if (st != SYN_OK) {
        walk_fail(w, st);
        return;
    }
    memmove(w->html->data + at + 1, w->html->data + at, w->html->len - 1 - at);
    w->html->data[at] = ' ';
    for (; i < w->depth; i++) {
        w->stack[i].start_pos++;
    }
}

/* Write s[0..len), characters that text_measure() keeps as they are, to
 * the outputs: escaped into the HTML, raw into the text. */
static void
text_write(struct walker *w, const char *s, size_t len)
{
    if (len == 0)
        return;
    if (measure_html(w) != NULL) {
        mark_content(w);
        out_text(w, w->html, s, len);
    }
    out_raw(w, w->text, s, len);
}

/* Inside a word of a spaced script, the characters from s[i] that only
 * continue it (ASCII and two-byte letters, the common case) move nothing
 * but tok_last: skip them without the checks of text_measure(). Returns
 * where they end. Two-byte characters are never unspaced (those start at
 * U+0E00), and s[i + 1] exists since s[i] is not the NUL. */
static size_t
word_tail(struct walker *w, const char *s, size_t i)
{
    for (;;) {
        unsigned char c = (unsigned char)s[i];
        uint32_t cp;

        if (c > ' ' && c < 0x80) {
            cp = c;
            i++;
        } else if (c >= 0xC2 && c <= 0xDF &&
                   ((unsigned char)s[i + 1] & 0xC0) == 0x80) {
            cp = ((uint32_t)(c & 0x1F) << 6) | ((unsigned char)s[i + 1] & 0x3F);
            if (is_space_cp(cp))
                return i;
            i += 2;
        } else {
            return i;
        }
        if (!is_closer(cp)) {
            w->tok_all_closers = false;
            w->tok_last = cp;
        }
    }
}

/* Text in a normalizing mode: tokens counted, whitespace collapsed. The
 * characters kept are written in runs (s[run..i)), flushed before
 * anything else is written and at the end: writing each one on its own
 * was most of the cost of an excerpt. s is NUL-terminated and not
 * measured first: an excerpt stops long before the end of most texts.
 * The decoder is told 4 bytes are left; it reads no further than the
 * first byte that is not a continuation byte, at worst the NUL. */
static void
text_measure(struct walker *w, const char *s)
{
    size_t i = 0, run = 0;

    while (s[i] != '\0' && w->st == SYN_OK && !w->stopped && !w->count_done) {
        uint32_t c;
        size_t n;
        bool unspaced;

        if (w->in_word && !w->last_cjk) {
            i = word_tail(w, s, i);
            if (s[i] == '\0')
                break;
        }
        n = utf8_decode_fast(s + i, 4, &c);

        if (is_space_cp(c)) {
            text_write(w, s + run, i - run);
            token_end(w);
            w->space_pending = w->any_token;
            i += n > 0 ? n : 1;
            run = i;
            continue;
        }
        unspaced = is_unspaced(c);
        if (!w->in_word || unspaced || w->last_cjk) {
            size_t cost = unspaced ? 1 : 2;

            text_write(w, s + run, i - run);
            run = i;
            token_end(w);
            if (w->o->mode == WALK_EXCERPT &&
                w->units + cost > w->o->limit_units) {
                stop_excerpt(w);
                return;
            }
            w->units += cost;
            if (planning(w) && w->units > w->o->limit_units) {
                /* past the budget: no cut can fall later, stop counting
                 * (a sanitizing walk goes on without) */
                w->stopped = !w->counting;
                w->count_done = w->counting;
                return;
            }
            w->in_word = true;
            w->last_cjk = unspaced;
            w->tok_all_closers = true;
            if (w->sep_pending || w->space_pending) {
                /* between blocks the HTML needs no space; the text does */
                if (w->space_pending && !w->sep_pending) {
                    space_before_empty(w);
                }
                out_raw(w, w->text, " ", 1);
            }
            w->sep_pending = w->space_pending = false;
            w->any_token = true;
        }
        if (!is_closer(c)) {
            w->tok_all_closers = false;
            w->tok_last = c;
        }
        if (n == 0) {
            /* gumbo writes invalid UTF-8 for some huge numeric references */
            text_write(w, s + run, i - run);
            text_write(w, "\xEF\xBF\xBD", 3);
            n = 1;
            run = i + 1;
        }
        i += n;
    }
    text_write(w, s + run, i - run);
}

/* ---- elements ----------------------------------------------------------- */

static bool
in_stack_scope(const struct walker *w, GumboTag want, bool li_scope,
               GumboTag also)
{
    size_t i;

    for (i = w->depth; i > 0; i--) {
        GumboTag t = w->stack[i - 1].tag;

        if (t == want || t == also)
            return true;
        if (li_scope) {
            if ((tag_policy[t].flags & F_SPECIAL) && t != GUMBO_TAG_DIV &&
                t != GUMBO_TAG_P)
                return false;
        } else if (t == GUMBO_TAG_TABLE || t == GUMBO_TAG_TD ||
                   t == GUMBO_TAG_TH || t == GUMBO_TAG_CAPTION) {
            return false;
        }
    }
    return false;
}

static bool
is_heading(GumboTag t)
{
    return t >= GUMBO_TAG_H1 && t <= GUMBO_TAG_H6;
}

/* Would the HTML parser nest t (as written) elsewhere than as a child of
 * the innermost written element? Then t is unwrapped instead. */
static bool
nest_conflict(const struct walker *w, GumboTag t)
{
    GumboTag top = w->depth > 0 ? w->stack[w->depth - 1].tag : GUMBO_TAG_DIV;

    switch (t) {
    case GUMBO_TAG_CAPTION:
    case GUMBO_TAG_COLGROUP:
    case GUMBO_TAG_THEAD:
    case GUMBO_TAG_TBODY:
    case GUMBO_TAG_TFOOT:
        return top != GUMBO_TAG_TABLE;
    case GUMBO_TAG_COL:
        return top != GUMBO_TAG_COLGROUP;
    case GUMBO_TAG_TR:
        return top != GUMBO_TAG_TBODY && top != GUMBO_TAG_THEAD &&
               top != GUMBO_TAG_TFOOT;
    case GUMBO_TAG_TD:
    case GUMBO_TAG_TH:
        return top != GUMBO_TAG_TR;
    default:
        break;
    }
    if (tag_policy[top].flags & F_TABLE)
        return true; /* would be foster-parented out of the table */
    if ((tag_policy[t].flags & F_PCLOSE) &&
        in_stack_scope(w, GUMBO_TAG_P, false, GUMBO_TAG_LAST))
        return true;
    if (t == GUMBO_TAG_A &&
        in_stack_scope(w, GUMBO_TAG_A, false, GUMBO_TAG_LAST))
        return true;
    if (t == GUMBO_TAG_LI &&
        in_stack_scope(w, GUMBO_TAG_LI, true, GUMBO_TAG_LAST))
        return true;
    if ((t == GUMBO_TAG_DD || t == GUMBO_TAG_DT) &&
        in_stack_scope(w, GUMBO_TAG_DD, true, GUMBO_TAG_DT))
        return true;
    if (is_heading(t) && is_heading(top))
        return true;
    return false;
}

/* Write "<name attrs>" and push it (unless void). */
static void
open_el(struct walker *w, GumboTag t, bool is_void)
{
    size_t start = w->html != NULL ? w->html->len : 0;

    if (w->html != NULL) {
        out_str(w, "<");
        out_str(w, gumbo_normalized_tagname(t));
        out_raw(w, w->html, w->scratch.data, w->scratch.len);
        out_str(w, ">");
    }
    w->pre_start = t == GUMBO_TAG_PRE;
    if (is_void) {
        mark_content(w);
        return;
    }
    w->stack[w->depth].tag = t;
    w->stack[w->depth].start_pos = start;
    w->stack[w->depth].has_content = w->o->mode != WALK_EXCERPT;
    w->stack[w->depth].discarded = false;
    w->depth++;
}

static void
close_el(struct walker *w)
{
    struct open_el *e = &w->stack[--w->depth];

    w->pre_start = false;
    if (w->html == NULL || e->discarded)
        return;
    if (!e->has_content) {
        buf_truncate(w->html, e->start_pos); /* EXCERPT: empty element */
        return;
    }
    out_str(w, "</");
    out_str(w, gumbo_normalized_tagname(e->tag));
    out_str(w, ">");
}

/* Append s to w->html before the end tags that close it, if any, so that
 * "<p>Last words.</p>" gets "<p>Last words. …</p>". */
static void
insert_before_end_tags(struct walker *w, const char *s)
{
    const char *d = w->html->data;
    size_t at = w->html->len, tail_len;
    char *tail;

    while (at >= 4 && d != NULL && d[at - 1] == '>') {
        size_t k = at - 1;

        while (k > 0 && ascii_isalnum((unsigned char)d[k - 1])) {
            k--;
        }
        if (k < 2 || k == at - 1 || d[k - 1] != '/' || d[k - 2] != '<')
            break;
        at = k - 2;
    }
    tail_len = w->html->len - at;
    if (tail_len == 0) {
        out_str(w, s);
        return;
    }
    tail = syn_strndup(d + at, tail_len);
    if (tail == NULL) {
        walk_fail(w, SYN_ENOMEM);
        return;
    }
    buf_truncate(w->html, at);
    out_str(w, s);
    out_raw(w, w->html, tail, tail_len);
    syn_free(tail);
}

/* EXCERPT limit reached: remove trailing empty elements, add the
 * ellipsis; the unwinding walk then closes what is open. */
static void
stop_excerpt(struct walker *w)
{
    const char *ell;
    size_t i;

    w->stopped = true;
    for (i = w->depth; i > 0 && !w->stack[i - 1].has_content; i--) {
        if (w->html != NULL && !w->stack[i - 1].discarded) {
            buf_truncate(w->html, w->stack[i - 1].start_pos);
        }
        w->stack[i - 1].discarded = true;
    }
    /* "...end of a sentence. …" but "...mid-senten…" and "…。…" */
    ell = w->tok_sentence && !w->last_cjk ? " \u2026" : "\u2026";
    if (w->html != NULL) {
        mark_content(w);
        insert_before_end_tags(w, ell);
    }
    out_raw(w, w->text, ell, strlen(ell));
    if (w->o->plan != NULL) {
        w->o->plan->last_is_sentence = w->tok_sentence;
    }
}

static void walk_node(struct walker *w, const GumboNode *n, size_t depth);

/* SANITIZE: the text of a block that is not written (unwrapped) must not
 * run into its neighbours' ("<div>alpha</div>\nbeta\ngamma"): a newline,
 * once, and none at the very start. */
static void
block_separator(struct walker *w)
{
    if (w->o->mode != WALK_SANITIZE || w->html == NULL || w->html->len == 0 ||
        w->html->data[w->html->len - 1] == '\n')
        return;
    if (w->pre_start) {
        out_raw(w, w->html, "\n", 1); /* the parser eats one after <pre> */
    }
    w->pre_start = false;
    out_raw(w, w->html, "\n", 1);
}

static void
walk_children(struct walker *w, const GumboNode *n, size_t depth)
{
    unsigned i;

    for (i = 0; i < n->v.element.children.length; i++) {
        if (w->st != SYN_OK || w->stopped)
            return;
        walk_node(w, n->v.element.children.data[i], depth + 1);
    }
}

/* <iframe> of a known video player: a link to the video's page. */
static void
walk_iframe(struct walker *w, const GumboElement *el)
{
    const char *src = attr_get(el, "src");
    static const char rel[] = " rel=\"nofollow noopener noreferrer\"";

    if (w->o->mode != WALK_SANITIZE || w->html == NULL || src == NULL)
        return;
    if (strncmp(src, "//", 2) == 0) {
        struct buf abs;
        bool ok;

        buf_init(&abs, SYN_MAX_URL_BYTES + 8);
        ok = buf_append_str(&abs, "https:") == SYN_OK &&
             buf_append_str(&abs, src) == SYN_OK &&
             clean_url(w, abs.data, abs.len);
        buf_fini(&abs);
        if (!ok)
            return;
    } else if (!clean_url(w, src, strlen(src))) {
        return;
    }
    if (!video_page_url(w) || w->st != SYN_OK)
        return;
    if (is_ad_link(w->url.data))
        return; /* the link written would be dropped when read again */
    if (w->depth > 0 &&
        (tag_policy[w->stack[w->depth - 1].tag].flags & F_TABLE))
        return; /* text there would be foster-parented */
    if (nest_conflict(w, GUMBO_TAG_A)) {
        out_esc(w, w->html, w->url.data, w->url.len);
        w->pre_start = false;
        return;
    }
    out_str(w, "<a href=\"");
    out_esc(w, w->html, w->url.data, w->url.len);
    out_str(w, "\"");
    out_str(w, rel);
    out_str(w, ">");
    out_esc(w, w->html, w->url.data, w->url.len);
    out_str(w, "</a>");
    w->pre_start = false;
}

/* <img>: lazy-loading attributes, pixels, then src/srcset/alt/... */
static void
walk_img(struct walker *w, const GumboElement *el)
{
    const char *v;
    size_t i;

    if (!image_src(w, el) || image_is_pixel(el, w->url.data))
        return;
    if (wants_image(w) && *w->o->image == NULL &&
        !image_is_icon(el, w->url.data)) {
        *w->o->image = syn_strndup(w->url.data, w->url.len);
        if (*w->o->image == NULL) {
            walk_fail(w, SYN_ENOMEM);
        }
        w->stopped = w->o->mode == WALK_IMAGE;
    }
    if (w->o->mode == WALK_IMAGE)
        return;
    if (w->html == NULL || nest_conflict(w, GUMBO_TAG_IMG))
        return;
    buf_reset(&w->scratch);
    attr_out(w, "src", w->url.data, w->url.len);
    for (i = 0, v = NULL; i < SYN_ARRAY_LEN(lazy_srcset_attrs) && !v; i++) {
        v = attr_get(el, lazy_srcset_attrs[i]);
    }
    if (v == NULL) {
        v = attr_get(el, "srcset");
    }
    if (v != NULL) {
        attr_srcset(w, "srcset", v);
    }
    write_attrs(w, GUMBO_TAG_IMG, el);
    if (w->st == SYN_OK) {
        open_el(w, GUMBO_TAG_IMG, true);
    }
}

static void
walk_element(struct walker *w, const GumboNode *n, size_t depth)
{
    const GumboElement *el = &n->v.element;
    GumboTag t = el->tag, as = t;
    struct tag_rule r = tag_policy[t];
    bool text = measuring(w);
    /* the planning pass must see exactly what the excerpt will keep */
    bool excerpt = w->o->mode == WALK_EXCERPT || w->o->mode == WALK_COUNT;
    /* counting beside sanitizing: media are written but not counted */
    bool hide = w->counting && (r.flags & F_MEDIA);
    size_t mark = w->depth;
    bool written = false;

    /* foreign elements are dropped unread, attributes and children: the
     * fast parser builds an <svg> without either (fastparse.h) */
    if (el->tag_namespace != GUMBO_NAMESPACE_HTML || r.action == TAG_DROP) {
        if (t == GUMBO_TAG_IFRAME &&
            el->tag_namespace == GUMBO_NAMESPACE_HTML) {
            walk_iframe(w, el);
        }
        return;
    }
    if ((excerpt || w->o->mode == WALK_TEXT) && t == GUMBO_TAG_BR) {
        token_end(w);
        w->space_pending = w->any_token;
        return;
    }
    if (text && w->counting && t == GUMBO_TAG_BR) {
        token_end(w); /* as above, and the <br> is still written */
        w->space_pending = w->any_token;
        text = false;
    }
    if (excerpt && (r.flags & F_MEDIA))
        return;
    if (hide) {
        text = false;
    }
    if (text && (r.flags & F_BLOCK)) {
        block_boundary(w, false);
    }
    if (t == GUMBO_TAG_IMG) {
        walk_img(w, el);
        return;
    }
    if (t == GUMBO_TAG_SOURCE &&
        (w->depth == 0 || (w->stack[w->depth - 1].tag != GUMBO_TAG_VIDEO &&
                           w->stack[w->depth - 1].tag != GUMBO_TAG_AUDIO)))
        return;
    if (t == GUMBO_TAG_H1 || t == GUMBO_TAG_H2) {
        as = GUMBO_TAG_H3; /* below the page's own title */
    }
    if (t == GUMBO_TAG_A) {
        const char *href = attr_get(el, "href");
        bool ok = href != NULL && clean_url(w, href, strlen(href));

        if (ok && is_ad_link(w->url.data))
            return; /* an ad: no text worth keeping */
        if (!ok) {
            r.action = TAG_UNWRAP; /* no usable href: keep the text only */
        }
    }
    if (r.action == TAG_KEEP && !nest_conflict(w, as)) {
        buf_reset(&w->scratch);
        write_attrs(w, t, el);
        if (t == GUMBO_TAG_A) {
            attr_out(w, "rel", "nofollow noopener noreferrer", 28);
        } else if (t == GUMBO_TAG_VIDEO || t == GUMBO_TAG_AUDIO) {
            attr_out(w, "controls", "", 0);
        }
        if (w->st != SYN_OK)
            return;
        open_el(w, as, (r.flags & F_VOID) != 0);
        written = true;
    }
    if (!written && (r.flags & F_BLOCK)) {
        block_separator(w); /* unwrapped block: keep its text apart */
    }
    if (!(r.flags & F_VOID)) {
        w->hidden += hide;
        walk_children(w, n, depth);
        w->hidden -= hide;
    }
    if (w->depth > mark && w->st == SYN_OK) {
        close_el(w);
    }
    if (!written && (r.flags & F_BLOCK)) {
        block_separator(w);
    }
    if (text && (r.flags & F_BLOCK) && !w->stopped && !w->count_done) {
        block_boundary(w, true);
    }
}

static void
walk_node(struct walker *w, const GumboNode *n, size_t depth)
{
    if (depth > SYN_MAX_HTML_DEPTH)
        return; /* NOTE: truncates, SYN_MAX_HTML_DEPTH */
    switch (n->type) {
    case GUMBO_NODE_ELEMENT:
        walk_element(w, n, depth);
        break;
    case GUMBO_NODE_TEXT:
    case GUMBO_NODE_WHITESPACE: {
        const char *s = n->v.text.text;
        size_t len;
        bool ws = n->type == GUMBO_NODE_WHITESPACE;

        if (w->o->mode == WALK_IMAGE)
            break;
        if (is_text_mode(w)) {
            text_measure(w, s);
            break;
        }
        if (measuring(w)) {
            text_measure(w, s); /* counting beside sanitizing */
        }
        if (w->html == NULL)
            break;
        len = strlen(s);
        if (w->depth > 0 &&
            (tag_policy[w->stack[w->depth - 1].tag].flags & F_TABLE) && !ws)
            break; /* would be foster-parented: never written there */
        if (w->pre_start && len > 0 && s[0] == '\n') {
            out_raw(w, w->html, "\n", 1); /* the parser eats one */
        }
        w->pre_start = false;
        out_text(w, w->html, s, len);
        break;
    }
    default:
        break; /* comments, CDATA (foreign content only), templates */
    }
}

/* ---- parse -------------------------------------------------------------- */

/* A tag name and its length: scan_depth() looks up every start tag, and
 * measuring each candidate name was a third of its time. */
struct tag_name {
    const char *s;
    size_t n;
};

#define TAG_NAME(lit)                                                          \
    {                                                                          \
        lit, sizeof(lit) - 1                                                   \
    }

static bool
is_name_in(const char *s, size_t n, const struct tag_name *set, size_t n_set)
{
    size_t i;

    for (i = 0; i < n_set; i++) {
        if (set[i].n == n && str_ncasecmp(s, set[i].s, n) == 0)
            return true;
    }
    return false;
}

static bool
is_void_name(const char *s, size_t n)
{
    static const struct tag_name voids[] = {
        TAG_NAME("area"),   TAG_NAME("base"),  TAG_NAME("br"),
        TAG_NAME("col"),    TAG_NAME("embed"), TAG_NAME("hr"),
        TAG_NAME("img"),    TAG_NAME("input"), TAG_NAME("link"),
        TAG_NAME("meta"),   TAG_NAME("param"), TAG_NAME("source"),
        TAG_NAME("track"),  TAG_NAME("wbr"),   TAG_NAME("image"),
        TAG_NAME("keygen"),
    };

    return is_name_in(s, n, voids, SYN_ARRAY_LEN(voids));
}

static bool
is_self_closing_kind(const char *s, size_t n)
{
    static const struct tag_name kinds[] = {
        TAG_NAME("p"),  TAG_NAME("li"), TAG_NAME("dt"),     TAG_NAME("dd"),
        TAG_NAME("td"), TAG_NAME("tr"), TAG_NAME("option"),
    };

    return is_name_in(s, n, kinds, SYN_ARRAY_LEN(kinds));
}

/* Length of the prefix of s to parse: everything, unless a naive count of
 * open elements passes SYN_MAX_HTML_SCAN_DEPTH, in which case the input is
 * cut before that start tag. gumbo's cost grows with the square of the
 * nesting (scope checks walk the stack), so deep nesting must not reach it.
 * The count only pops on an end tag that matches the innermost open name,
 * exactly, so that it never under-counts what the parser keeps open. */
static size_t
scan_depth(const char *s, size_t len)
{
    struct {
        const char *p; /* name in s */
        size_t n;
    } open[SYN_MAX_HTML_SCAN_DEPTH];
    size_t depth = 0, i = 0;

    while (i < len) {
        const char *lt = memchr(s + i, '<', len - i);
        size_t j, k, n;
        bool end, same;

        if (lt == NULL)
            break;
        j = (size_t)(lt - s) + 1;
        end = j < len && s[j] == '/';
        if (end) {
            j++;
        }
        if (j >= len || !ascii_isalpha((unsigned char)s[j])) {
            i = j;
            continue;
        }
        for (k = j; k < len && ascii_isalnum((unsigned char)s[k]); k++) {
            ;
        }
        n = k - j;
        same = depth > 0 && open[depth - 1].n == n &&
               str_ncasecmp(open[depth - 1].p, s + j, n) == 0;
        if (end) {
            if (same) {
                depth--;
            }
        } else if (is_void_name(s + j, n)) {
            /* no content */
        } else if (same && is_self_closing_kind(s + j, n)) {
            /* p, li, dt, dd, td, tr, option close their own kind */
        } else {
            if (depth == SYN_MAX_HTML_SCAN_DEPTH)
                return (
                    size_t)(lt -
                            s); /* NOTE: truncates, SYN_MAX_HTML_SCAN_DEPTH */
            open[depth].p = s + j;
            open[depth].n = n;
            depth++;
        }
        i = k;
    }
    return len;
}

/* Bytes reserved for an element's attributes and for a URL being cleaned
 * when a walk writes HTML: most fit. */
#define WALK_SCRATCH_RESERVE 512u

/* The fast parser's arena: blocks sized for a typical feed item's tree. */
#define FAST_ARENA_BLOCK (32u * 1024)

enum syn_status
html_doc_parse_with(const char *html, size_t len, bool valid_utf8,
                    enum html_parser parser, struct html_doc **out,
                    bool *fast_used, struct syn_err *err)
{
    GumboOptions opts = kGumboDefaultOptions;
    struct html_doc *doc;
    size_t n;

    if (fast_used != NULL) {
        *fast_used = false;
    }
    if (len > SYN_MAX_HTML_BYTES)
        return syn_err_set(err, SYN_ETOOBIG, "HTML longer than %u bytes",
                           SYN_MAX_HTML_BYTES);
    doc = syn_calloc(1, sizeof(*doc));
    if (doc == NULL)
        return syn_err_set(err, SYN_ENOMEM, "out of memory");
    arena_init(&doc->arena, FAST_ARENA_BLOCK, 0);
    /* Both parsers see the same prefix, so the fast path keeps the
     * SYN_MAX_HTML_SCAN_DEPTH cut exactly. */
    n = scan_depth(html, len);
    if (parser != HTML_PARSER_GUMBO) {
        GumboNode *root = NULL;
        enum syn_status st = html_fast_parse(html, n, valid_utf8, &doc->arena, &root, err);

        if (st != SYN_OK) {
            html_doc_free(doc);
            return st;
        }
        if (root != NULL) {
            doc->root = root;
            if (fast_used != NULL) {
                *fast_used = true;
            }
            *out = doc;
            return SYN_OK;
        }
        arena_fini(&doc->arena); /* what the refused parse allocated */
        arena_init(&doc->arena, FAST_ARENA_BLOCK, 0);
    }
    opts.allocator = gumbo_arena_alloc;
    opts.deallocator = gumbo_arena_free;
    opts.userdata = doc;
    opts.max_errors = SYN_MAX_HTML_ERRORS;
    opts.fragment_context = GUMBO_TAG_DIV;
    opts.fragment_namespace = GUMBO_NAMESPACE_HTML;
    /* gumbo allocates with malloc and has no failure path of its own */
    doc->out = gumbo_parse_with_options(&opts, html, n);
    if (doc->out == NULL) {
        html_doc_free(doc);
        return syn_err_set(err, SYN_ENOMEM, "HTML parser failed");
    }
    doc->root = doc->out->root;
    *out = doc;
    return SYN_OK;
}

enum syn_status
html_doc_parse(const char *html, size_t len, struct html_doc **out,
               struct syn_err *err)
{
    return html_doc_parse_with(html, len, false, HTML_PARSER_AUTO, out, NULL,
                               err);
}

void
html_doc_free(struct html_doc *doc)
{
    struct gumbo_block *b, *next;

    if (doc == NULL)
        return;
    for (b = doc->blocks; b != NULL; b = next) {
        next = b->next;
        kGumboDefaultOptions.deallocator(NULL, b);
    }
    arena_fini(&doc->arena);
    syn_free(doc);
}

enum syn_status
html_doc_walk(const struct html_doc *doc, const struct walk_opts *o,
              struct syn_err *err)
{
    struct walker w;
    const GumboNode *root = doc->root;

    memset(&w, 0, sizeof(w));
    w.o = o;
    w.err = err;
    w.counting = o->mode == WALK_SANITIZE && o->plan != NULL;
    w.text_valid = doc->out == NULL;
    w.base =
        o->base_url != NULL && url_is_http(o->base_url) ? o->base_url : NULL;
    if (o->mode == WALK_SANITIZE || o->mode == WALK_EXCERPT) {
        w.html = o->html;
    }
    if (o->mode == WALK_EXCERPT || o->mode == WALK_TEXT) {
        w.text = o->text;
    }
    buf_init(&w.scratch, SYN_MAX_FIELD_BYTES);
    buf_init(&w.url, SYN_MAX_URL_BYTES + 1);
    if (wants_image(&w)) {
        *o->image = NULL;
    }
    if (w.html != NULL) {
        /* the attributes and URLs written: room for the common ones at
         * once rather than growing from 64 bytes (a fifth of all the
         * reallocations of the full parse were these two buffers) */
        enum syn_status st = buf_reserve(&w.scratch, WALK_SCRATCH_RESERVE);

        if (st == SYN_OK) {
            st = buf_reserve(&w.url, WALK_SCRATCH_RESERVE);
        }
        if (st != SYN_OK) {
            walk_fail(&w, st);
        }
    }
    if (root->type == GUMBO_NODE_ELEMENT && w.st == SYN_OK) {
        walk_children(&w, root, 0);
    }
    token_end(&w);
    while (w.depth > 0 && w.st == SYN_OK) {
        close_el(&w); /* only after a stop: the walk closes what it opens */
    }
    if (planning(&w)) {
        o->plan->total = w.units;
    }
    buf_fini(&w.scratch);
    buf_fini(&w.url);
    return w.st;
}
