/* HTML pages from the store: home, article, source, topic, search,
 * partners, and the share redirect. Every page is complete without
 * JavaScript; data reaches templates only through the tpl tree, escaped
 * unless a template marks a field raw (stored sanitized HTML, JSON-LD). */
#include <stdio.h>
#include <string.h>

#include "store/store.h"
#include "util/ascii.h"
#include "util/limits.h"
#include "util/str.h"
#include "util/url.h"
#include "web/handlers.h"
#include "web/metrics.h"
#include "web/req.h"
#include "web/view.h"

#define HTML "text/html; charset=utf-8"

/* Search results are paged by SYN_PAGE_ITEMS up to this offset: nobody
 * reads 50 pages of results, and deep offsets cost the index. */
#define SEARCH_MAX_START 1000

/* Parse a positive id from a URL segment; SYN_ENOTFOUND otherwise (a
 * malformed id names no page). */
static enum syn_status
parse_id(const char *s, int64_t *id, struct syn_err *err)
{
    long v;

    if (s == NULL || str_to_long(s, 1, 0x7fffffffffffffffL, &v) != SYN_OK)
        return syn_err_set(err, SYN_ENOTFOUND,
                           "There is no story at this "
                           "address.");
    *id = v;
    return SYN_OK;
}

/* The "before" cursor of listing pages: "<time>.<id>". */
static enum syn_status
parse_cursor(const struct web_req *req, struct store_item_query *q,
             struct syn_err *err)
{
    const char *c = web_params_get(&req->query, "before");
    char num[24];
    const char *dot;
    long t, id;

    if (c == NULL || c[0] == '\0')
        return SYN_OK;
    dot = strchr(c, '.');
    if (dot == NULL || (size_t)(dot - c) >= sizeof(num))
        goto bad;
    memcpy(num, c, (size_t)(dot - c));
    num[dot - c] = '\0';
    if (str_to_long(num, 0, 0x7fffffffffffffffL, &t) != SYN_OK ||
        str_to_long(dot + 1, 1, 0x7fffffffffffffffL, &id) != SYN_OK)
        goto bad;
    q->before_time = t;
    q->before_id = id;
    return SYN_OK;
bad:
    return syn_err_set(err, SYN_EINVAL,
                       "The 'before' parameter should look "
                       "like 1700000000.42.");
}

/* Topic and source slugs in URLs: letters, digits, '-', '_'. */
static bool
slug_ok(const char *s)
{
    size_t n = 0;

    for (; s[n] != '\0'; n++) {
        if (!ascii_isalnum(s[n]) && s[n] != '-' && s[n] != '_')
            return false;
    }
    return n > 0 && n <= SYN_MAX_SLUG_BYTES;
}

/* A list page of items (home, source, topic). */
static enum syn_status
render_listing(struct web_req *req, struct store *st_,
               struct store_item_query *q, struct tpl_tree *t,
               const char *feed_base, struct syn_err *err)
{
    struct store_item_list *items = NULL;
    struct tpl_val *list;
    enum syn_status st;
    size_t i;

    st = parse_cursor(req, q, err);
    if (st != SYN_OK)
        return st;
    q->limit = SYN_PAGE_ITEMS;
    st = store_item_page(st_, q, &items, err);
    if (st != SYN_OK)
        return st;
    list = tpl_set_list(t, t->root, "stories");
    for (i = 0; i < items->n; i++) {
        web_item_tree(req, t, tpl_list_add_map(t, list), &items->v[i], NULL);
    }
    tpl_set_bool(t, t->root, "has_stories", items->n > 0);
    if (items->more) {
        char next[128];

        SYN_IGNORE(snprintf(next, sizeof(next), "%s?before=%lld.%lld",
                            req->path, (long long)items->next_time,
                            (long long)items->next_id) < 0);
        tpl_set_str(t, t->root, "next_url", next);
    }
    tpl_set_str(t, t->root, "feed_base", feed_base);
    store_item_list_free(items);
    return web_render(req, "home.html", t, HTML, err);
}

enum syn_status
web_h_home(struct web_req *req, struct syn_err *err)
{
    struct store_item_query q;
    struct store *s;
    struct tpl_tree t;
    struct tpl_val *og;
    enum syn_status st = web_req_store(req, &s, err);

    if (st != SYN_OK)
        return st;
    memset(&q, 0, sizeof(q));
    web_tree_begin(req, &t);
    tpl_set_str(&t, t.root, "heading", "Latest stories");
    tpl_set_str(&t, t.root, "intro", req->site->opts->tagline);
    tpl_set_str(&t, t.root, "description",
                req->site->opts->tagline != NULL
                    ? req->site->opts->tagline
                    : "The latest stories from our partners and sources.");
    og = tpl_set_map(&t, t.root, "og");
    tpl_set_str(&t, og, "type", "website");
    tpl_set_str(&t, og, "title", req->site->opts->site_title);
    tpl_set_str(&t, og, "url", web_abs_url(req, "/"));
    st = web_subscribe_box(req, &t, err);
    if (st != SYN_OK)
        return st;
    return render_listing(req, s, &q, &t, "", err);
}

enum syn_status
web_h_source(struct web_req *req, struct syn_err *err)
{
    struct store_item_query q;
    struct store_source *src = NULL;
    struct store *s;
    struct tpl_tree t;
    struct tpl_val *m;
    char base[64];
    int64_t id = 0;
    enum syn_status st = web_req_store(req, &s, err);

    if (st == SYN_OK) {
        st = parse_id(req->args[0], &id, err);
    }
    if (st == SYN_OK) {
        st = store_source_get(s, id, &src, err);
    }
    if (st == SYN_ENOTFOUND) {
        st = syn_err_set(err, SYN_ENOTFOUND, "There is no such source.");
    }
    if (st != SYN_OK)
        return st;
    memset(&q, 0, sizeof(q));
    q.source_id = id;
    web_tree_begin(req, &t);
    tpl_set_str(&t, t.root, "heading", web_source_name(&req->arena, src));
    tpl_set_str(&t, t.root, "page_title", web_source_name(&req->arena, src));
    m = tpl_set_map(&t, t.root, "source");
    tpl_set_str(&t, m, "site_url", src->site_url);
    tpl_set_bool(&t, m, "partner", src->partner_id != 0);
    SYN_IGNORE(snprintf(base, sizeof(base), "/s/%lld", (long long)id) < 0);
    store_source_free(src);
    st = web_subscribe_box(req, &t, err);
    if (st != SYN_OK)
        return st;
    return render_listing(req, s, &q, &t, base, err);
}

enum syn_status
web_h_topic(struct web_req *req, struct syn_err *err)
{
    struct store_item_query q;
    struct store_topic_list *topics = NULL;
    struct store *s;
    struct tpl_tree t;
    const char *name = NULL;
    char base[SYN_MAX_SLUG_BYTES + 8];
    size_t i;
    enum syn_status st = web_req_store(req, &s, err);

    if (st != SYN_OK)
        return st;
    if (!slug_ok(req->args[0]))
        return syn_err_set(err, SYN_ENOTFOUND, "There is no such topic.");
    st = store_topic_list(s, &topics, err);
    if (st != SYN_OK)
        return st;
    web_tree_begin(req, &t);
    for (i = 0; i < topics->n; i++) {
        if (strcmp(topics->v[i].slug, req->args[0]) == 0) {
            name = topics->v[i].name;
            tpl_set_str(&t, t.root, "heading", name);
            tpl_set_str(&t, t.root, "page_title", name);
        }
    }
    store_topic_list_free(topics);
    if (name == NULL)
        return syn_err_set(err, SYN_ENOTFOUND, "There is no such topic.");
    memset(&q, 0, sizeof(q));
    q.topic = req->args[0];
    SYN_IGNORE(snprintf(base, sizeof(base), "/t/%s", req->args[0]) < 0);
    st = web_subscribe_box(req, &t, err);
    if (st != SYN_OK)
        return st;
    return render_listing(req, s, &q, &t, base, err);
}

/* Share targets: no script from these hosts, only links. %u is the page
 * URL, %t the title, %i the image (all percent-encoded). */
static const struct {
    const char *network, *label, *pattern;
} networks[] = {
    {"pinterest", "Pin It on Pinterest",
     "https://www.pinterest.com/pin/create/button/?url=%u&media=%i&"
     "description=%t"},
    {"facebook", "Facebook", "https://www.facebook.com/sharer/sharer.php?u=%u"},
    {"x", "X", "https://x.com/intent/tweet?url=%u&text=%t"},
    {"linkedin", "LinkedIn",
     "https://www.linkedin.com/sharing/share-offsite/?url=%u"},
    {"whatsapp", "WhatsApp", "https://wa.me/?text=%t%20%u"},
    {"telegram", "Telegram", "https://t.me/share/url?url=%u&text=%t"},
    {"reddit", "Reddit", "https://www.reddit.com/submit?url=%u&title=%t"},
    {"email", "Email", "mailto:?subject=%t&body=%u"},
};

static int
network_index(const char *name)
{
    size_t i;

    for (i = 0; i < SYN_ARRAY_LEN(networks); i++) {
        if (strcmp(networks[i].network, name) == 0)
            return (int)i;
    }
    return -1;
}

static void
share_tree(struct web_req *req, struct tpl_tree *t, struct tpl_val *item,
           int64_t id)
{
    struct tpl_val *list = tpl_set_list(t, item, "share");
    char href[96];
    size_t i;

    for (i = 0; i < SYN_ARRAY_LEN(networks); i++) {
        SYN_IGNORE(snprintf(href, sizeof(href), "/share/%lld/%s", (long long)id,
                            networks[i].network) < 0);
        if (i == 0) {
            tpl_set_str(t, item, "pinterest_url", href);
            continue;
        }
        {
            struct tpl_val *m = tpl_list_add_map(t, list);

            tpl_set_str(t, m, "network", networks[i].network);
            tpl_set_str(t, m, "label", networks[i].label);
            tpl_set_str(t, m, "href", href);
        }
    }
    (void)req;
}

enum syn_status
web_h_article(struct web_req *req, struct syn_err *err)
{
    struct store_item *it = NULL;
    struct store_source *src = NULL;
    struct store_item_list *also = NULL, *related = NULL;
    struct store *s;
    struct tpl_tree t;
    struct tpl_val *item, *og, *list;
    const char *slug, *name;
    int64_t id = 0;
    size_t i;
    enum syn_status st = web_req_store(req, &s, err);

    if (st == SYN_OK) {
        st = parse_id(req->args[0], &id, err);
    }
    if (st == SYN_OK) {
        st = store_item_get(s, id, &it, err);
    }
    if (st == SYN_ENOTFOUND) {
        st = syn_err_set(err, SYN_ENOTFOUND,
                         "There is no story at this "
                         "address.");
    }
    if (st != SYN_OK)
        return st;
    slug = web_slug(&req->arena, it->title);
    if (slug == NULL) {
        st = syn_err_set(err, SYN_ENOMEM, "out of memory");
        goto out;
    }
    if (req->n_args < 2 || strcmp(req->args[1], slug) != 0) {
        const char *loc = web_article_path(&req->arena, id, it->title);

        st = loc != NULL ? web_redirect(req, 301, loc, err)
                         : syn_err_set(err, SYN_ENOMEM, "out of memory");
        goto out;
    }
    st = store_source_get(s, it->source_id, &src, err);
    if (st == SYN_OK) {
        st = store_item_cluster_members(s, id, 20, &also, err);
    }
    if (st == SYN_OK) {
        st = store_item_related(s, id, 5, &related, err);
    }
    if (st != SYN_OK)
        goto out;
    name = web_source_name(&req->arena, src);
    web_tree_begin(req, &t);
    st = web_subscribe_box(req, &t, err);
    if (st != SYN_OK)
        goto out;
    item = tpl_set_map(&t, t.root, "item");
    web_item_tree(req, &t, item, it, src);
    share_tree(req, &t, item, id);
    tpl_set_str(&t, t.root, "page_title", it->title);
    tpl_set_str(&t, t.root, "description", it->excerpt_text);
    /* The original, without the tracking parameters the store's
     * canonical form drops. */
    tpl_set_str(&t, t.root, "canonical",
                it->canonical_url != NULL && url_is_http(it->canonical_url)
                    ? it->canonical_url
                    : it->url);
    if (it->language != NULL) {
        tpl_set_str(&t, t.root, "lang", it->language);
    }
    if (web_is_rtl(it->language, it->title)) {
        tpl_set_str(&t, t.root, "dir", "rtl");
    }
    tpl_set_str(&t, t.root, "feed_base", "");
    og = tpl_set_map(&t, t.root, "og");
    tpl_set_str(&t, og, "type", "article");
    tpl_set_str(&t, og, "title", it->title);
    tpl_set_str(&t, og, "description", it->excerpt_text);
    tpl_set_str(&t, og, "url",
                it->canonical_url != NULL && url_is_http(it->canonical_url)
                    ? it->canonical_url
                    : it->url);
    tpl_set_str(&t, og, "image", it->image);
    tpl_set_str(&t, t.root, "jsonld", web_item_jsonld(req, it, name));
    list = tpl_set_list(&t, t.root, "also");
    for (i = 0; i < also->n; i++) {
        struct tpl_val *m = tpl_list_add_map(&t, list);

        web_item_tree(req, &t, m, &also->v[i], NULL);
        tpl_set_str(&t, m, "source_name",
                    also->v[i].source_title != NULL ? also->v[i].source_title
                                                    : "another source");
    }
    tpl_set_bool(&t, t.root, "has_also", also->n > 0);
    tpl_set_bool(&t, t.root, "has_related", related->n > 0);
    list = tpl_set_list(&t, t.root, "related");
    for (i = 0; i < related->n; i++) {
        web_item_tree(req, &t, tpl_list_add_map(&t, list), &related->v[i],
                      NULL);
    }
    st = web_render(req, "article.html", &t, HTML, err);
out:
    store_item_free(it);
    store_source_free(src);
    store_item_list_free(also);
    store_item_list_free(related);
    return st;
}

enum syn_status
web_h_search(struct web_req *req, struct syn_err *err)
{
    struct store_item_list *res = NULL;
    struct store *s;
    struct tpl_tree t;
    struct tpl_val *list;
    const char *q = web_params_get(&req->query, "q");
    const char *start_s = web_params_get(&req->query, "start");
    struct str trimmed = str_trim(str_from_cstr(q));
    char *query;
    long start = 0;
    size_t i;
    enum syn_status st = web_req_store(req, &s, err);

    if (st != SYN_OK)
        return st;
    if (start_s != NULL && start_s[0] != '\0' &&
        str_to_long(start_s, 0, SEARCH_MAX_START, &start) != SYN_OK)
        return syn_err_set(err, SYN_EINVAL,
                           "The 'start' parameter should be a number from "
                           "0 to %d.",
                           SEARCH_MAX_START);
    web_tree_begin(req, &t);
    tpl_set_str(&t, t.root, "page_title", "Search");
    tpl_set_str(&t, t.root, "feed_base", "");
    req->resp.cache_control = "no-store";
    st = web_subscribe_box(req, &t, err);
    if (st != SYN_OK)
        return st;
    query = arena_strndup(&req->arena, trimmed.p != NULL ? trimmed.p : "",
                          trimmed.len);
    if (query == NULL)
        return syn_err_set(err, SYN_ENOMEM, "out of memory");
    tpl_set_str(&t, t.root, "query", query);
    if (query[0] == '\0') {
        tpl_set_str(&t, t.root, "notice",
                    "Type one or more words to search "
                    "the stories.");
        return web_render(req, "search.html", &t, HTML, err);
    }
    st = store_item_search(s, query, (size_t)start, SYN_PAGE_ITEMS, &res, err);
    if (st != SYN_OK)
        return st;
    if (res->n == 0) {
        tpl_set_str(&t, t.root, "notice", "No stories match your search.");
    }
    if (res->more && start + SYN_PAGE_ITEMS <= SEARCH_MAX_START) {
        struct buf next;

        buf_init(&next, SYN_MAX_URL_BYTES);
        if (buf_append_str(&next, "/search?q=") == SYN_OK &&
            web_url_encode(&next, query) == SYN_OK &&
            buf_printf(&next, "&start=%ld", start + SYN_PAGE_ITEMS) == SYN_OK) {
            tpl_set_str(&t, t.root, "next_url", buf_cstr(&next));
        }
        buf_fini(&next);
    }
    tpl_set_bool(&t, t.root, "has_results", res->n > 0);
    list = tpl_set_list(&t, t.root, "results");
    for (i = 0; i < res->n; i++) {
        struct tpl_val *m = tpl_list_add_map(&t, list);

        web_item_tree(req, &t, m, &res->v[i], NULL);
        tpl_set_str(&t, m, "snippet_html",
                    web_snippet_html(&req->arena, res->v[i].snippet));
    }
    store_item_list_free(res);
    return web_render(req, "search.html", &t, HTML, err);
}

/* Stories shown under each partner of /partners. */
#define PARTNER_STORIES 3

/* The newest PARTNER_STORIES items of the partner's sources, newest first,
 * as m's "stories" list (and "has_stories"). */
static enum syn_status
partner_stories(struct web_req *req, struct store *s, struct tpl_tree *t,
                struct tpl_val *m, int64_t partner_id,
                const struct store_source_list *sources, struct syn_err *err)
{
    struct store_item_list *pages[8] = {NULL};
    const struct store_item *best[PARTNER_STORIES];
    struct tpl_val *list = tpl_set_list(t, m, "stories");
    size_t k, n_pages = 0, n_best = 0, i, j;
    enum syn_status st = SYN_OK;

    /* NOTE: truncates, a partner's first 8 sources are looked at. */
    for (k = 0; k < sources->n && n_pages < SYN_ARRAY_LEN(pages); k++) {
        struct store_item_query q;

        if (sources->v[k].partner_id != partner_id)
            continue;
        memset(&q, 0, sizeof(q));
        q.source_id = sources->v[k].id;
        q.limit = PARTNER_STORIES;
        st = store_item_page(s, &q, &pages[n_pages], err);
        if (st != SYN_OK)
            goto out;
        n_pages++;
    }
    for (k = 0; k < n_pages; k++) {
        for (i = 0; i < pages[k]->n; i++) {
            const struct store_item *it = &pages[k]->v[i];

            /* Insert into best[], kept sorted newest first. */
            for (j = n_best; j > 0 && (best[j - 1]->sort_time < it->sort_time ||
                                       (best[j - 1]->sort_time ==
                                            it->sort_time &&
                                        best[j - 1]->id < it->id));
                 j--) {
                if (j < PARTNER_STORIES) {
                    best[j] = best[j - 1];
                }
            }
            if (j < PARTNER_STORIES) {
                best[j] = it;
                if (n_best < PARTNER_STORIES) {
                    n_best++;
                }
            }
        }
    }
    tpl_set_bool(t, m, "has_stories", n_best > 0);
    for (i = 0; i < n_best; i++) {
        web_item_tree(req, t, tpl_list_add_map(t, list), best[i], NULL);
    }
out:
    for (k = 0; k < n_pages; k++) {
        store_item_list_free(pages[k]);
    }
    return st;
}

enum syn_status
web_h_partners(struct web_req *req, struct syn_err *err)
{
    struct store_partner_list *partners = NULL;
    struct store_source_list *sources = NULL;
    struct store *s;
    struct tpl_tree t;
    struct tpl_val *list;
    size_t i, k;
    enum syn_status st = web_req_store(req, &s, err);

    if (st == SYN_OK) {
        st = store_partner_list(s, &partners, err);
    }
    if (st == SYN_OK) {
        st = store_source_list(s, &sources, err);
    }
    if (st != SYN_OK)
        goto out;
    web_tree_begin(req, &t);
    tpl_set_str(&t, t.root, "page_title", "Partners");
    tpl_set_str(&t, t.root, "feed_base", "");
    tpl_set_bool(&t, t.root, "has_partners", partners->n > 0);
    list = tpl_set_list(&t, t.root, "partners");
    for (i = 0; i < partners->n; i++) {
        const struct store_partner *p = &partners->v[i];
        struct tpl_val *m = tpl_list_add_map(&t, list), *sl;

        tpl_set_str(&t, m, "name", p->name);
        tpl_set_str(&t, m, "url", p->url);
        tpl_set_str(&t, m, "logo", p->logo);
        tpl_set_str(&t, m, "description", p->description);
        st = partner_stories(req, s, &t, m, p->id, sources, err);
        if (st != SYN_OK)
            goto out;
        sl = tpl_set_list(&t, m, "sources");
        for (k = 0; k < sources->n; k++) {
            struct tpl_val *sm;
            char path[48];

            if (sources->v[k].partner_id != p->id)
                continue;
            tpl_set_bool(&t, m, "has_sources", true);
            sm = tpl_list_add_map(&t, sl);
            SYN_IGNORE(snprintf(path, sizeof(path), "/s/%lld",
                                (long long)sources->v[k].id) < 0);
            tpl_set_str(&t, sm, "name",
                        web_source_name(&req->arena, &sources->v[k]));
            tpl_set_str(&t, sm, "page_url", path);
        }
    }
    st = web_subscribe_box(req, &t, err);
    if (st == SYN_OK) {
        st = web_render(req, "partners.html", &t, HTML, err);
    }
out:
    store_partner_list_free(partners);
    store_source_list_free(sources);
    return st;
}

/* Expand a share pattern for an item. */
static enum syn_status
share_url(struct web_req *req, const char *pattern, const struct store_item *it,
          struct buf *out)
{
    const char *page;
    const char *path = web_article_path(&req->arena, it->id, it->title);
    const char *p;
    enum syn_status st = SYN_OK;

    if (path == NULL)
        return SYN_ENOMEM;
    page = web_abs_url(req, path);
    if (page == NULL)
        return SYN_ENOMEM;
    for (p = pattern; *p != '\0' && st == SYN_OK; p++) {
        if (p[0] == '%' && p[1] == 'u') {
            st = web_url_encode(out, page);
            p++;
        } else if (p[0] == '%' && p[1] == 't') {
            st = web_url_encode(out, it->title);
            p++;
        } else if (p[0] == '%' && p[1] == 'i') {
            st = web_url_encode(out, it->image != NULL ? it->image : "");
            p++;
        } else {
            st = buf_append_char(out, *p);
        }
    }
    return st;
}

enum syn_status
web_h_share(struct web_req *req, struct syn_err *err)
{
    struct store_item *it = NULL;
    struct store *s;
    struct buf url;
    int64_t id = 0;
    int n = network_index(req->args[1]);
    enum syn_status st;

    if (n < 0)
        return syn_err_set(err, SYN_ENOTFOUND, "Unknown share network.");
    st = web_req_store(req, &s, err);
    if (st == SYN_OK) {
        st = parse_id(req->args[0], &id, err);
    }
    if (st == SYN_OK) {
        st = store_item_get(s, id, &it, err);
    }
    if (st == SYN_ENOTFOUND) {
        st = syn_err_set(err, SYN_ENOTFOUND, "There is no such story.");
    }
    if (st != SYN_OK)
        return st;
    buf_init(&url, SYN_MAX_URL_BYTES * 2);
    st = share_url(req, networks[n].pattern, it, &url);
    if (st != SYN_OK) {
        st = syn_err_set(err, st, "share URL: %s", syn_strerror(st));
        goto out;
    }
    /* Count first: a failed count must not block the visitor. */
    if (store_share_increment(s, id, networks[n].network, err) != SYN_OK) {
        log_warn(req->site->opts->log,
                 "share count failed item=%lld "
                 "msg=\"%s\"",
                 (long long)id, err->msg);
    }
    web_metrics_share(req->site->metrics, (size_t)n);
    req->resp.cache_control = "no-store";
    st = web_redirect(req, 302, buf_cstr(&url), err);
out:
    buf_fini(&url);
    store_item_free(it);
    return st;
}

enum syn_status
web_metrics_shares(struct web_req *req, struct buf *out, struct syn_err *err)
{
    enum syn_status st;
    size_t i;

    st = buf_append_str(out, "# HELP syndic_shares_total Share links "
                             "followed, by network.\n"
                             "# TYPE syndic_shares_total counter\n");
    for (i = 0; i < SYN_ARRAY_LEN(networks) && st == SYN_OK; i++) {
        st = buf_printf(out, "syndic_shares_total{network=\"%s\"} %lu\n",
                        networks[i].network,
                        web_metrics_share_count(req->site->metrics, i));
    }
    if (st != SYN_OK)
        return syn_err_set(err, st, "metrics: %s", syn_strerror(st));
    return SYN_OK;
}
