/* Feeds out (RSS 2.0, Atom 1.0 / RFC 4287, JSON Feed 1.1) for the whole
 * site, a topic or a source; the OPML 2.0 list of sources; the sitemap
 * (sitemaps.org 0.9). XML goes through templates (their escaping is valid
 * XML); JSON Feed is built with jansson. Each item links to its article
 * page here and to the original on the source site. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/store.h"
#include "util/ascii.h"
#include "util/limits.h"
#include "util/str.h"
#include "web/handlers.h"
#include "web/req.h"
#include "web/view.h"

struct feed_scope {
    struct store_item_query q;
    const char *title; /* arena or static */
    const char *description;
    char base[SYN_MAX_SLUG_BYTES + 8]; /* "", "/t/x", "/s/1" */
};

static enum syn_status
feed_scope(struct web_req *req, struct store *s, struct feed_scope *fs,
           struct syn_err *err)
{
    const struct web_opts *o = req->site->opts;
    enum syn_status st = SYN_OK;

    memset(fs, 0, sizeof(*fs));
    fs->q.limit = SYN_FEED_ITEMS;
    fs->title = o->site_title;
    fs->description = "The latest stories from our partners and sources.";
    if (req->n_args == 0)
        return SYN_OK;
    if (strncmp(req->def->pattern, "/s/", 3) == 0) {
        struct store_source *src = NULL;
        long id;

        if (str_to_long(req->args[0], 1, 0x7fffffffffffffffL, &id) != SYN_OK)
            return syn_err_set(err, SYN_ENOTFOUND, "There is no such source.");
        st = store_source_get(s, id, &src, err);
        if (st == SYN_ENOTFOUND)
            return syn_err_set(err, SYN_ENOTFOUND, "There is no such source.");
        if (st != SYN_OK)
            return st;
        fs->q.source_id = id;
        fs->title =
            arena_strdup(&req->arena, web_source_name(&req->arena, src));
        fs->description = "Stories from this source.";
        SYN_IGNORE(snprintf(fs->base, sizeof(fs->base), "/s/%ld", id) < 0);
        store_source_free(src);
        return fs->title != NULL ? SYN_OK
                                 : syn_err_set(err, SYN_ENOMEM,
                                               "out of "
                                               "memory");
    } else {
        struct store_topic_list *topics = NULL;
        size_t i;

        if (strlen(req->args[0]) > SYN_MAX_SLUG_BYTES)
            return syn_err_set(err, SYN_ENOTFOUND, "There is no such topic.");
        st = store_topic_list(s, &topics, err);
        if (st != SYN_OK)
            return st;
        fs->title = NULL;
        for (i = 0; i < topics->n; i++) {
            if (strcmp(topics->v[i].slug, req->args[0]) == 0) {
                fs->title = arena_strdup(&req->arena, topics->v[i].name);
            }
        }
        store_topic_list_free(topics);
        if (fs->title == NULL)
            return syn_err_set(err, SYN_ENOTFOUND, "There is no such topic.");
        fs->q.topic = req->args[0];
        fs->description = "Stories on this topic.";
        SYN_IGNORE(snprintf(fs->base, sizeof(fs->base), "/t/%s", req->args[0]) <
                   0);
    }
    return SYN_OK;
}

/* Map of source id -> source, from one listing (a feed has <= 50 items). */
static const struct store_source *
find_source(const struct store_source_list *l, int64_t id)
{
    size_t i;

    for (i = 0; l != NULL && i < l->n; i++) {
        if (l->v[i].id == id)
            return &l->v[i];
    }
    return NULL;
}

static enum syn_status
json_feed(struct web_req *req, const struct feed_scope *fs,
          const struct store_item_list *items,
          const struct store_source_list *sources, struct syn_err *err)
{
    json_t *o = json_object(), *arr = json_array();
    char self[SYN_MAX_SLUG_BYTES + 32], d[64];
    char *dump = NULL;
    enum syn_status st;
    size_t i;

    if (o == NULL || arr == NULL) {
        json_decref(o);
        json_decref(arr);
        return syn_err_set(err, SYN_ENOMEM, "out of memory");
    }
    SYN_IGNORE(snprintf(self, sizeof(self), "%s/feed.json", fs->base) < 0);
    json_object_set_new(o, "version",
                        json_string("https://jsonfeed.org/version/1.1"));
    json_object_set_new(o, "title", json_string(fs->title));
    json_object_set_new(o, "description", json_string(fs->description));
    json_object_set_new(
        o, "home_page_url",
        json_string(web_abs_url(req, fs->base[0] ? fs->base : "/")));
    json_object_set_new(o, "feed_url", json_string(web_abs_url(req, self)));
    json_object_set_new(o, "language", json_string(req->site->opts->language));
    for (i = 0; i < items->n; i++) {
        const struct store_item *it = &items->v[i];
        const struct store_source *src = find_source(sources, it->source_id);
        json_t *j = json_object(), *authors;
        json_error_t jerr;
        const char *path = web_article_path(&req->arena, it->id, it->title);

        if (j == NULL || path == NULL) {
            json_decref(j);
            continue;
        }
        json_object_set_new(j, "id", json_string(web_abs_url(req, path)));
        json_object_set_new(j, "url", json_string(web_abs_url(req, path)));
        if (it->url != NULL) {
            json_object_set_new(j, "external_url", json_string(it->url));
        }
        if (it->title != NULL) {
            json_object_set_new(j, "title", json_string(it->title));
        }
        json_object_set_new(
            j, "content_html",
            json_string(it->excerpt_html != NULL ? it->excerpt_html : ""));
        if (it->excerpt_text != NULL) {
            json_object_set_new(j, "summary", json_string(it->excerpt_text));
        }
        if (it->image != NULL) {
            json_object_set_new(j, "image", json_string(it->image));
        }
        if (it->published > 0) {
            json_object_set_new(
                j, "date_published",
                json_string(
                    web_date(it->published, WEB_DATE_RFC3339, d, sizeof(d))));
        }
        if (it->updated > 0) {
            json_object_set_new(
                j, "date_modified",
                json_string(
                    web_date(it->updated, WEB_DATE_RFC3339, d, sizeof(d))));
        }
        if (it->language != NULL) {
            json_object_set_new(j, "language", json_string(it->language));
        }
        if (it->authors != NULL &&
            (authors = json_loads(it->authors, 0, &jerr)) != NULL) {
            json_t *list = json_array();
            size_t k;

            for (k = 0; list != NULL && json_is_array(authors) &&
                        k < json_array_size(authors);
                 k++) {
                const char *n = json_string_value(json_array_get(authors, k));

                if (n != NULL) {
                    json_array_append_new(list, json_pack("{s:s}", "name", n));
                }
            }
            if (list != NULL) {
                json_object_set_new(j, "authors", list);
            }
            json_decref(authors);
        }
        if (src != NULL) {
            json_object_set_new(j, "_source",
                                json_pack("{s:s, s:s?}", "title",
                                          web_source_name(&req->arena, src),
                                          "feed_url", src->url));
        }
        json_array_append_new(arr, j);
    }
    json_object_set_new(o, "items", arr);
    dump = json_dumps(o, JSON_INDENT(1) | JSON_PRESERVE_ORDER);
    json_decref(o);
    if (dump == NULL)
        return syn_err_set(err, SYN_ENOMEM, "JSON Feed: out of memory");
    st = web_reply(req, 200, "application/feed+json; charset=utf-8", dump,
                   strlen(dump), err);
    free(dump); /* jansson's allocation */
    return st;
}

enum syn_status
web_h_feed(struct web_req *req, struct syn_err *err)
{
    struct store_item_list *items = NULL;
    struct store_source_list *sources = NULL;
    struct feed_scope fs;
    struct store *s;
    struct tpl_tree t;
    struct tpl_val *feed, *list;
    char d[64], self[SYN_MAX_SLUG_BYTES + 32];
    int64_t newest = 0;
    size_t i;
    enum syn_status st = web_req_store(req, &s, err);

    if (st == SYN_OK) {
        st = feed_scope(req, s, &fs, err);
    }
    if (st == SYN_OK) {
        st = store_item_page(s, &fs.q, &items, err);
    }
    if (st == SYN_OK) {
        st = store_source_list(s, &sources, err);
    }
    if (st != SYN_OK)
        goto out;
    if (req->def->arg == WEB_FEED_JSON) {
        st = json_feed(req, &fs, items, sources, err);
        goto out;
    }
    web_tree_begin(req, &t);
    feed = tpl_set_map(&t, t.root, "feed");
    tpl_set_str(&t, feed, "title", fs.title);
    tpl_set_str(&t, feed, "description", fs.description);
    tpl_set_str(&t, feed, "home_url",
                web_abs_url(req, fs.base[0] ? fs.base : "/"));
    SYN_IGNORE(
        snprintf(self, sizeof(self), "%s/%s", fs.base,
                 req->def->arg == WEB_FEED_RSS ? "feed.xml" : "atom.xml") < 0);
    tpl_set_str(&t, feed, "self_url", web_abs_url(req, self));
    list = tpl_set_list(&t, t.root, "items");
    for (i = 0; i < items->n; i++) {
        const struct store_item *it = &items->v[i];
        int64_t u = it->updated > 0 ? it->updated : it->sort_time;

        if (u > newest) {
            newest = u;
        }
        web_item_tree(req, &t, tpl_list_add_map(&t, list), it,
                      find_source(sources, it->source_id));
    }
    if (newest == 0) {
        newest = 1; /* Atom requires <updated>: the epoch for an empty feed */
    }
    tpl_set_str(&t, feed, "updated_iso",
                web_date(newest, WEB_DATE_RFC3339, d, sizeof(d)));
    tpl_set_str(&t, feed, "updated_rfc822",
                web_date(newest, WEB_DATE_RFC822, d, sizeof(d)));
    if (req->def->arg == WEB_FEED_RSS) {
        st = web_render(req, "feed_rss.xml", &t,
                        "application/rss+xml; charset=utf-8", err);
    } else {
        st = web_render(req, "feed_atom.xml", &t,
                        "application/atom+xml; charset=utf-8", err);
    }
out:
    store_item_list_free(items);
    store_source_list_free(sources);
    return st;
}

enum syn_status
web_h_opml(struct web_req *req, struct syn_err *err)
{
    struct store_source_list *sources = NULL;
    struct store *s;
    struct tpl_tree t;
    struct tpl_val *list;
    size_t i;
    enum syn_status st = web_req_store(req, &s, err);

    if (st == SYN_OK) {
        st = store_source_list(s, &sources, err);
    }
    if (st != SYN_OK)
        return st;
    web_tree_begin(req, &t);
    list = tpl_set_list(&t, t.root, "sources");
    for (i = 0; i < sources->n; i++) {
        const struct store_source *src = &sources->v[i];
        struct tpl_val *m;

        if (!src->enabled)
            continue;
        m = tpl_list_add_map(&t, list);
        tpl_set_str(&t, m, "name", web_source_name(&req->arena, src));
        tpl_set_str(&t, m, "feed_url", src->url);
        tpl_set_str(&t, m, "site_url", src->site_url);
    }
    store_source_list_free(sources);
    return web_render(req, "opml.xml", &t, "text/x-opml; charset=utf-8", err);
}

/* Sitemap entries beyond the fixed pages: the newest articles, by pages
 * of STORE_MAX_PAGE, up to SYN_SITEMAP_ITEMS. */
enum syn_status
web_h_sitemap(struct web_req *req, struct syn_err *err)
{
    struct store_source_list *sources = NULL;
    struct store_topic_list *topics = NULL;
    struct store_item_query q;
    struct store *s;
    struct tpl_tree t;
    struct tpl_val *list, *m;
    char path[SYN_MAX_SLUG_BYTES + 160], d[32];
    size_t i, total = 0;
    enum syn_status st = web_req_store(req, &s, err);

    if (st == SYN_OK) {
        st = store_source_list(s, &sources, err);
    }
    if (st == SYN_OK) {
        st = store_topic_list(s, &topics, err);
    }
    if (st != SYN_OK)
        goto out;
    web_tree_begin(req, &t);
    list = tpl_set_list(&t, t.root, "urls");
    tpl_set_str(&t, tpl_list_add_map(&t, list), "loc", web_abs_url(req, "/"));
    tpl_set_str(&t, tpl_list_add_map(&t, list), "loc",
                web_abs_url(req, "/partners"));
    for (i = 0; i < sources->n; i++) {
        SYN_IGNORE(snprintf(path, sizeof(path), "/s/%lld",
                            (long long)sources->v[i].id) < 0);
        tpl_set_str(&t, tpl_list_add_map(&t, list), "loc",
                    web_abs_url(req, path));
    }
    for (i = 0; i < topics->n; i++) {
        SYN_IGNORE(snprintf(path, sizeof(path), "/t/%s", topics->v[i].slug) <
                   0);
        tpl_set_str(&t, tpl_list_add_map(&t, list), "loc",
                    web_abs_url(req, path));
    }
    memset(&q, 0, sizeof(q));
    q.limit = STORE_MAX_PAGE;
    while (total < SYN_SITEMAP_ITEMS) {
        struct store_item_list *items = NULL;
        bool more;

        st = store_item_page(s, &q, &items, err);
        if (st != SYN_OK)
            goto out;
        for (i = 0; i < items->n; i++) {
            const struct store_item *it = &items->v[i];
            const char *apath =
                web_article_path(&req->arena, it->id, it->title);

            m = tpl_list_add_map(&t, list);
            tpl_set_str(&t, m, "loc",
                        apath != NULL ? web_abs_url(req, apath) : NULL);
            tpl_set_str(&t, m, "lastmod",
                        web_date(it->updated > 0 ? it->updated : it->sort_time,
                                 WEB_DATE_DAY, d, sizeof(d)));
        }
        total += items->n;
        more = items->more;
        q.before_time = items->next_time;
        q.before_id = items->next_id;
        store_item_list_free(items);
        if (!more)
            break;
    }
    st = web_render(req, "sitemap.xml", &t, "application/xml; charset=utf-8",
                    err);
out:
    store_source_list_free(sources);
    store_topic_list_free(topics);
    return st;
}
