/* Answer helpers for handlers and the status -> HTTP mapping (see req.h). */
#include "web/req.h"

#include <string.h>
#include <time.h>

#include "store/store.h"
#include "util/log.h"
#include "web/csrf.h"
#include "web/server_internal.h"
#include "web/theme.h"
#include "web/view.h"

void
web_tree_begin(struct web_req *req, struct tpl_tree *t)
{
    const struct web_opts *o = req->site->opts;
    struct tpl_val *site;

    tpl_tree_init(t, &req->arena);
    site = tpl_set_map(t, t->root, "site");
    tpl_set_str(t, site, "title", o->site_title);
    tpl_set_str(t, site, "base_url", o->base_url);
    tpl_set_str(t, site, "language", o->language);
    tpl_set_str(t, site, "tagline", o->tagline);
    tpl_set_str(t, t->root, "lang", o->language);
    /* dir is the page's (an rtl story makes it rtl); site_dir stays the
     * site language's, for the navigation and forms around the story. */
    tpl_set_str(t, t->root, "dir",
                web_is_rtl(o->language, NULL) ? "rtl" : "ltr");
    tpl_set_str(t, t->root, "site_dir",
                web_is_rtl(o->language, NULL) ? "rtl" : "ltr");
    tpl_set_str(t, t->root, "path", req->path);
    tpl_set_str(t, t->root, "canonical", web_abs_url(req, req->path));
}

void
web_csrf_field(struct web_req *req, struct tpl_tree *t)
{
    char tok[WEB_CSRF_TOKEN_BYTES];

    web_csrf_make(req->site->csrf_key, (int64_t)time(NULL), tok);
    tpl_set_str(t, t->root, "csrf", tok);
}

void
web_topics_tree(struct tpl_tree *t, const struct store_topic_list *topics,
                const char *chosen)
{
    struct tpl_val *list;
    size_t i;

    tpl_set_bool(t, t->root, "has_topics", topics->n > 0);
    list = tpl_set_list(t, t->root, "topics");
    for (i = 0; i < topics->n; i++) {
        struct tpl_val *m = tpl_list_add_map(t, list);
        const char *slug = topics->v[i].slug;
        size_t sl = strlen(slug);
        const char *p = chosen;
        bool on = false;

        while (p != NULL && *p != '\0' && !on) {
            size_t n = strcspn(p, ",");

            on = n == sl && memcmp(p, slug, n) == 0;
            p += n;
            if (*p == ',') {
                p++;
            }
        }
        tpl_set_str(t, m, "slug", slug);
        tpl_set_str(t, m, "name", topics->v[i].name);
        tpl_set_bool(t, m, "checked", on);
    }
}

enum syn_status
web_subscribe_box(struct web_req *req, struct tpl_tree *t, struct syn_err *err)
{
    struct store_topic_list *topics = NULL;
    struct store *s;
    enum syn_status st = web_req_store(req, &s, err);

    if (st == SYN_OK) {
        st = store_topic_list(s, &topics, err);
    }
    if (st != SYN_OK)
        return st;
    web_csrf_field(req, t);
    tpl_set_bool(t, t->root, "subscribe_box", true);
    web_topics_tree(t, topics, NULL);
    store_topic_list_free(topics);
    return SYN_OK;
}

enum syn_status
web_reply(struct web_req *req, unsigned status, const char *ctype,
          const char *body, size_t len, struct syn_err *err)
{
    enum syn_status st;

    buf_reset(&req->resp.body);
    st = buf_append(&req->resp.body, body, len);
    if (st != SYN_OK)
        return syn_err_set(err, st, "response body: %s", syn_strerror(st));
    req->resp.status = status;
    req->resp.ctype = ctype;
    req->resp.set = true;
    return SYN_OK;
}

enum syn_status
web_render(struct web_req *req, const char *name, const struct tpl_tree *t,
           const char *ctype, struct syn_err *err)
{
    enum syn_status st;

    buf_reset(&req->resp.body);
    st = tpl_render(req->site->theme->tpl, name, t, &req->resp.body, err);
    if (st != SYN_OK)
        return st;
    req->resp.status = 200;
    req->resp.ctype = ctype;
    req->resp.set = true;
    return SYN_OK;
}

enum syn_status
web_redirect(struct web_req *req, unsigned status, const char *location,
             struct syn_err *err)
{
    req->resp.location = arena_strdup(&req->arena, location);
    if (req->resp.location == NULL)
        return syn_err_set(err, SYN_ENOMEM, "out of memory");
    buf_reset(&req->resp.body);
    req->resp.status = status;
    req->resp.ctype = "text/plain; charset=utf-8";
    req->resp.set = true;
    return SYN_OK;
}

void
web_outbox_queued(const struct web_req *req)
{
    const struct web_opts *o = req->site->opts;

    if (o->outbox_queued != NULL) {
        o->outbox_queued(o->hook_arg);
    }
}

const char *
web_abs_url(struct web_req *req, const char *path)
{
    const char *base = req->site->opts->base_url;
    size_t bl = strlen(base), pl = path != NULL ? strlen(path) : 0;
    char *s = arena_alloc(&req->arena, bl + pl + 1);

    if (s == NULL)
        return NULL;
    memcpy(s, base, bl);
    if (pl > 0) {
        memcpy(s + bl, path, pl);
    }
    s[bl + pl] = '\0';
    return s;
}

void
web_fail(struct web_req *req, enum syn_status st, const struct syn_err *err)
{
    static const struct {
        enum syn_status st;
        unsigned http;
        const char *title;
    } map[] = {
        {SYN_ENOTFOUND, 404, "Page not found"},
        {SYN_EINVAL, 400, "Bad request"},
        {SYN_EPARSE, 400, "Bad request"},
        {SYN_ETOOBIG, 413, "Request too large"},
        {SYN_EAUTH, 403, "Forbidden"},
        {SYN_EDENIED, 429, "Too many requests"},
    };
    unsigned http = 500;
    const char *title = "Something went wrong";
    const char *msg = "The server could not answer this request. Please try "
                      "again later.";
    struct tpl_tree t;
    struct syn_err rerr;
    size_t i;

    for (i = 0; i < SYN_ARRAY_LEN(map); i++) {
        if (map[i].st == st) {
            http = map[i].http;
            title = map[i].title;
            if (err != NULL && err->msg[0] != '\0') {
                msg = err->msg;
            }
            break;
        }
    }
    if (http == 500) {
        log_error(req->site->opts->log,
                  "request failed path=%s status=%s msg=\"%s\"",
                  req->path != NULL ? req->path : "-", syn_status_name(st),
                  err != NULL ? err->msg : "");
    }
    req->resp.location = NULL;
    req->resp.no_cache = true;
    web_tree_begin(req, &t);
    tpl_set_long(&t, t.root, "status", (long)http);
    tpl_set_str(&t, t.root, "title", title);
    tpl_set_str(&t, t.root, "message", msg);
    /* a reader who followed a dead link may still subscribe; without a
     * store (or on a store error) the page goes without the box */
    if (http == 404 && web_subscribe_box(req, &t, &rerr) != SYN_OK) {
        tpl_set_bool(&t, t.root, "subscribe_box", false);
    }
    if (web_render(req, "error.html", &t, "text/html; charset=utf-8", &rerr) !=
            SYN_OK &&
        web_reply(req, http, "text/plain; charset=utf-8", title, strlen(title),
                  &rerr) != SYN_OK) {
        buf_reset(&req->resp.body);
        req->resp.ctype = "text/plain; charset=utf-8";
        req->resp.set = true;
    }
    req->resp.status = http;
}
