/* Feed discovery from HTML (see discover.h). gumbo builds the tree; we
 * collect <base> and <link> in one bounded walk, then resolve, rank and
 * deduplicate. */
#include "html/discover.h"

#include <gumbo.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "util/ascii.h"
#include "util/buf.h"
#include "util/limits.h"
#include "util/mem.h"
#include "util/str.h"
#include "util/url.h"

void
discover_list_init(struct discover_list *l)
{
    memset(l, 0, sizeof(*l));
}

void
discover_list_fini(struct discover_list *l)
{
    size_t i;

    for (i = 0; i < l->n_feeds; i++) {
        syn_free(l->feeds[i].url);
        syn_free(l->feeds[i].title);
        syn_free(l->feeds[i].type);
    }
    syn_free(l->feeds);
    memset(l, 0, sizeof(*l));
}

static bool
disc_has(const struct discover_list *l, const char *url)
{
    size_t i;

    for (i = 0; i < l->n_feeds; i++) {
        if (strcmp(l->feeds[i].url, url) == 0)
            return true;
    }
    return false;
}

/* Append an entry taking ownership of url, title and type (freed on
 * failure). */
static enum syn_status
disc_push(struct discover_list *l, char *url, char *title, char *type, int rank)
{
    if (l->n_feeds == l->cap_feeds) {
        size_t cap = l->cap_feeds == 0 ? 8 : l->cap_feeds * 2;
        struct discover_feed *f = syn_realloc(l->feeds, cap * sizeof(*f));

        if (f == NULL) {
            syn_free(url);
            syn_free(title);
            syn_free(type);
            return SYN_ENOMEM;
        }
        l->feeds = f;
        l->cap_feeds = cap;
    }
    l->feeds[l->n_feeds++] = (struct discover_feed){url, title, type, rank};
    return SYN_OK;
}

/* True when s contains word, ASCII case-insensitively. */
static bool
disc_mentions(const char *s, const char *word)
{
    size_t n = strlen(word);

    for (; s != NULL && *s != '\0'; s++) {
        if (str_ncasecmp(s, word, n) == 0)
            return true;
    }
    return false;
}

/* True when the space-separated token list holds token (any case). */
static bool
disc_has_token(const char *list, const char *token)
{
    const char *p = list;
    size_t n = strlen(token);

    while (p != NULL && *p != '\0') {
        const char *start;

        while (ascii_isspace((unsigned char)*p)) {
            p++;
        }
        start = p;
        while (*p != '\0' && !ascii_isspace((unsigned char)*p)) {
            p++;
        }
        if ((size_t)(p - start) == n && str_ncasecmp(start, token, n) == 0)
            return true;
    }
    return false;
}

/* Rank of a link type, or -1 when it is not a feed; *mt receives the
 * lower-cased media type without parameters (caller frees). */
static int
disc_type_rank(const char *type, const char *href, const char *title, char **mt)
{
    static const struct {
        const char *type;
        int rank;
        bool needs_hint;
    } types[] = {
        {"application/atom+xml", 0, false},
        {"application/rss+xml", 0, false},
        {"application/feed+json", 1, false},
        {"application/rdf+xml", 1, false},
        {"application/json", 2, true},
        {"application/xml", 2, true},
        {"text/xml", 2, true},
    };
    struct str t = str_trim(str_from_cstr(type));
    const char *semi = memchr(t.p, ';', t.len);
    size_t i;

    *mt = NULL;
    if (semi != NULL) {
        t = str_trim((struct str){t.p, (size_t)(semi - t.p)});
    }
    for (i = 0; i < SYN_ARRAY_LEN(types); i++) {
        int rank = types[i].rank;

        if (!str_eq_nocase(t, types[i].type))
            continue;
        if (types[i].needs_hint &&
            !(disc_mentions(href, "feed") || disc_mentions(href, "rss") ||
              disc_mentions(href, "atom") || disc_mentions(title, "feed") ||
              disc_mentions(title, "rss") || disc_mentions(title, "atom")))
            return -1;
        if (disc_mentions(title, "comment") || disc_mentions(href, "comment")) {
            rank += 3;
        }
        *mt = syn_strdup(types[i].type);
        return *mt != NULL ? rank : -2;
    }
    return -1;
}

struct disc_walk {
    const char *page_url;
    char *base; /* owned: resolved <base href>, or NULL */
    bool base_seen;
    const GumboElement **links; /* candidate <link> elements */
    size_t n_links, cap_links;
    bool oom;
};

static void
disc_collect(struct disc_walk *w, const GumboNode *node, size_t depth)
{
    const GumboVector *kids;
    size_t i;

    if (node->type != GUMBO_NODE_ELEMENT || depth > SYN_MAX_HTML_DEPTH ||
        w->oom)
        return;
    if (node->v.element.tag == GUMBO_TAG_BASE && !w->base_seen) {
        GumboAttribute *href =
            gumbo_get_attribute(&node->v.element.attributes, "href");

        if (href != NULL) {
            char *b = NULL;

            /* HTML: only the first <base> with an href counts. */
            w->base_seen = true;
            if (url_resolve(w->page_url, href->value, &b, NULL) == SYN_OK) {
                w->base = b;
            }
        }
    }
    if (node->v.element.tag == GUMBO_TAG_LINK &&
        w->n_links < 4 * SYN_MAX_DISCOVER_FEEDS) {
        if (w->n_links == w->cap_links) {
            size_t cap = w->cap_links == 0 ? 16 : w->cap_links * 2;
            const GumboElement **l = syn_realloc(w->links, cap * sizeof(*l));

            if (l == NULL) {
                w->oom = true;
                return;
            }
            w->links = l;
            w->cap_links = cap;
        }
        w->links[w->n_links++] = &node->v.element;
    }
    kids = &node->v.element.children;
    for (i = 0; i < kids->length; i++) {
        disc_collect(w, kids->data[i], depth + 1);
    }
}

static int
disc_cmp(const void *a, const void *b)
{
    const struct discover_feed *x = a, *y = b;

    return (x->rank > y->rank) - (x->rank < y->rank);
}

/* The scheme of url is s (case-insensitive). */
static bool
disc_scheme_is(const char *url, const char *s)
{
    size_t n = strlen(s);

    return str_ncasecmp(url, s, n) == 0 && url[n] == ':';
}

enum syn_status
discover_feeds(const char *html, size_t len, const char *page_url,
               struct discover_list *out, struct syn_err *err)
{
    GumboOptions opts = kGumboDefaultOptions;
    GumboOutput *doc = NULL;
    struct disc_walk w;
    enum syn_status st = SYN_OK;
    size_t first = out->n_feeds, i, k;
    bool page_is_file;

    memset(&w, 0, sizeof(w));
    w.page_url = page_url;
    if (page_url == NULL ||
        !(url_is_http(page_url) || disc_scheme_is(page_url, "file")))
        return syn_err_set(err, SYN_EINVAL, "page URL must be absolute");
    page_is_file = disc_scheme_is(page_url, "file");
    if (len > SYN_MAX_HTML_BYTES) {
        len = SYN_MAX_HTML_BYTES; /* NOTE: truncates, SYN_MAX_HTML_BYTES */
    }
    opts.max_errors = SYN_MAX_HTML_ERRORS;
    doc = gumbo_parse_with_options(&opts, html, len);
    if (doc == NULL)
        return syn_err_set(err, SYN_ENOMEM, "out of memory parsing HTML");
    disc_collect(&w, doc->root, 0);
    if (w.oom) {
        st = syn_err_set(err, SYN_ENOMEM, "out of memory");
        goto out;
    }
    for (i = 0; i < w.n_links && st == SYN_OK; i++) {
        const GumboVector *attrs = &w.links[i]->attributes;
        GumboAttribute *rel = gumbo_get_attribute(attrs, "rel");
        GumboAttribute *type = gumbo_get_attribute(attrs, "type");
        GumboAttribute *href = gumbo_get_attribute(attrs, "href");
        GumboAttribute *title = gumbo_get_attribute(attrs, "title");
        char *url = NULL, *mt = NULL, *t = NULL;
        int rank;

        if (out->n_feeds - first >= SYN_MAX_DISCOVER_FEEDS)
            break; /* NOTE: truncates, SYN_MAX_DISCOVER_FEEDS */
        if (rel == NULL || type == NULL || href == NULL ||
            !(disc_has_token(rel->value, "alternate") ||
              disc_has_token(rel->value, "feed")))
            continue;
        rank = disc_type_rank(type->value, href->value,
                              title != NULL ? title->value : NULL, &mt);
        if (rank == -2) {
            st = syn_err_set(err, SYN_ENOMEM, "out of memory");
            break;
        }
        if (rank < 0)
            continue;
        {
            /* HTML strips surrounding whitespace from URLs. */
            struct str hs = str_trim(str_from_cstr(href->value));
            char *h = hs.len > 0 ? syn_strndup(hs.p, hs.len) : NULL;

            if (hs.len == 0) {
                syn_free(mt);
                continue;
            }
            st = h == NULL ? SYN_ENOMEM
                           : url_resolve(w.base != NULL ? w.base : page_url, h,
                                         &url, NULL);
            syn_free(h);
        }
        if (st == SYN_ENOMEM) {
            syn_free(mt);
            st = syn_err_set(err, SYN_ENOMEM, "out of memory");
            break;
        }
        st = SYN_OK;
        if (url == NULL ||
            !(url_is_http(url) ||
              (page_is_file && disc_scheme_is(url, "file"))) ||
            disc_has(out, url)) {
            syn_free(url);
            syn_free(mt);
            continue;
        }
        if (title != NULL) {
            struct str ts = str_trim(str_from_cstr(title->value));

            if (ts.len > 0) {
                t = syn_strndup(ts.p, ts.len);
                if (t == NULL) {
                    syn_free(url);
                    syn_free(mt);
                    st = syn_err_set(err, SYN_ENOMEM, "out of memory");
                    break;
                }
            }
        }
        st = disc_push(out, url, t, mt, rank);
        if (st != SYN_OK) {
            st = syn_err_set(err, st, "out of memory");
        }
    }
    /* Stable sort of the new entries by rank (qsort is not stable:
     * insertion sort over a few dozen entries). */
    for (i = first + 1; i < out->n_feeds; i++) {
        struct discover_feed f = out->feeds[i];

        for (k = i; k > first && disc_cmp(&out->feeds[k - 1], &f) > 0; k--) {
            out->feeds[k] = out->feeds[k - 1];
        }
        out->feeds[k] = f;
    }
out:
    syn_free(w.links);
    syn_free(w.base);
    gumbo_destroy_output(&opts, doc);
    return st;
}

enum syn_status
discover_fallbacks(const char *page_url, struct discover_list *out,
                   struct syn_err *err)
{
    static const char *const root_paths[] = {
        "/feed",      "/rss",       "/feed.xml",  "/rss.xml",    "/atom.xml",
        "/index.xml", "/feed.json", "/feed/atom", "/?feed=rss2",
    };
    static const char *const dir_paths[] = {"feed", "rss.xml", "atom.xml",
                                            "index.xml"};
    const char *path;
    char *dir = NULL;
    size_t i;
    enum syn_status st = SYN_OK;

    if (page_url == NULL || !url_is_http(page_url))
        return syn_err_set(err, SYN_EINVAL, "page URL must be http(s)");
    for (i = 0; i < SYN_ARRAY_LEN(root_paths) && st == SYN_OK; i++) {
        char *u = NULL;

        st = url_resolve(page_url, root_paths[i], &u, err);
        if (st == SYN_OK && disc_has(out, u)) {
            syn_free(u);
        } else if (st == SYN_OK) {
            st = disc_push(out, u, NULL, NULL, 10);
        }
    }
    /* The page's directory, when it is not the root. */
    path = strstr(page_url, "://");
    path = path != NULL ? strchr(path + 3, '/') : NULL;
    if (st == SYN_OK && path != NULL && strcspn(path, "?#") > 1) {
        st = url_resolve(page_url, ".", &dir, err);
        for (i = 0; st == SYN_OK && i < SYN_ARRAY_LEN(dir_paths); i++) {
            char *u = NULL;

            st = url_resolve(dir, dir_paths[i], &u, err);
            if (st == SYN_OK && disc_has(out, u)) {
                syn_free(u);
            } else if (st == SYN_OK) {
                st = disc_push(out, u, NULL, NULL, 10);
            }
        }
    }
    syn_free(dir);
    if (st == SYN_ENOMEM) {
        syn_err_set(err, st, "out of memory");
    }
    return st;
}

enum discover_page
discover_sniff(const char *content_type, const char *body, size_t len)
{
    static const char *const feed_starts[] = {"<?xml", "<rss", "<feed",
                                              "<rdf:rdf", "{"};
    static const char *const html_starts[] = {"<!doctype html", "<html"};
    struct str b = {body, body != NULL ? len : 0};
    struct str ct = str_trim(str_from_cstr(content_type));
    size_t i;

    if (b.len >= 3 && memcmp(b.p, "\xef\xbb\xbf", 3) == 0) {
        b = (struct str){b.p + 3, b.len - 3};
    }
    b = str_trim(b);
    /* An XML prolog may precede an XHTML page: look past it. */
    if (str_has_prefix_nocase(b, "<?xml")) {
        const char *end = memchr(b.p, '>', b.len);

        if (end != NULL) {
            struct str rest = str_trim(
                (struct str){end + 1, b.len - (size_t)(end + 1 - b.p)});

            for (i = 0; i < SYN_ARRAY_LEN(html_starts); i++) {
                if (str_has_prefix_nocase(rest, html_starts[i]))
                    return DISCOVER_PAGE_HTML;
            }
        }
    }
    for (i = 0; i < SYN_ARRAY_LEN(html_starts); i++) {
        if (str_has_prefix_nocase(b, html_starts[i]))
            return DISCOVER_PAGE_HTML;
    }
    for (i = 0; i < SYN_ARRAY_LEN(feed_starts); i++) {
        if (str_has_prefix_nocase(b, feed_starts[i]))
            return DISCOVER_PAGE_FEED;
    }
    if (str_has_prefix_nocase(ct, "text/html") ||
        str_has_prefix_nocase(ct, "application/xhtml+xml"))
        return DISCOVER_PAGE_HTML;
    return DISCOVER_PAGE_UNKNOWN;
}
