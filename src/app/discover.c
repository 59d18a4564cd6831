/* Feed discovery for `source add` (see discover.h). */
#include "app/discover.h"

#include <string.h>

#include "feed/fetch.h"
#include "feed/parse.h"
#include "html/discover.h"
#include "util/mem.h"
#include "util/url.h"

struct one_fetch {
    struct fetch_result res; /* copied out of the callback */
    bool done;
};

static enum syn_status
take_result(const struct fetch_job *job, struct fetch_result *res, void *user)
{
    struct one_fetch *o = user;

    (void)job;
    o->res = *res;
    /* Keep the strings: the fetcher skips members set to NULL. */
    res->body = res->etag = res->last_modified = NULL;
    res->content_type = res->final_url = res->permanent_url = NULL;
    o->done = true;
    return SYN_OK;
}

static void
one_fetch_fini(struct one_fetch *o)
{
    fetch_result_fini(&o->res);
    memset(o, 0, sizeof(*o));
}

static enum syn_status
fetch_one(const struct syn_ctx *ctx, const char *url, struct one_fetch *o,
          struct syn_err *err)
{
    struct fetch_job job = {url, NULL, NULL, NULL};
    struct fetch_opts opts;
    char ua[256];
    enum syn_status st;

    memset(o, 0, sizeof(*o));
    memset(&opts, 0, sizeof(opts));
    opts.max_total = 1;
    opts.connect_timeout_ms = ctx->cfg.fetch_connect_timeout_s * 1000;
    opts.timeout_ms = ctx->cfg.fetch_timeout_s * 1000;
    opts.allow_private = ctx->cfg.fetch_allow_private;
    opts.allow_file = ctx->cfg.fetch_allow_file;
    opts.user_agent = ctx->cfg.fetch_user_agent != NULL
                          ? ctx->cfg.fetch_user_agent
                          : fetch_user_agent(ctx->cfg.site_base_url, ua,
                                             sizeof(ua));
    st = fetch_run(&job, 1, &opts, take_result, o, err);
    if (st != SYN_OK)
        return st;
    if (!o->done)
        return syn_err_set(err, SYN_ENET, "%s: no answer", url);
    if (o->res.st != SYN_OK)
        return syn_err_set(err, o->res.st, "%s: %s", url,
                           o->res.error[0] ? o->res.error
                                           : syn_strerror(o->res.st));
    if (o->res.body == NULL)
        return syn_err_set(err, SYN_EPARSE, "%s: empty answer", url);
    return SYN_OK;
}

/* If o's body is a feed, fill out from it and return true. */
static bool
is_feed(const struct one_fetch *o, const char *url, struct app_discovered *out)
{
    struct feed_parse_opts popts = {url, NULL};
    struct feed *f = NULL;
    struct syn_err err;

    if (feed_parse(o->res.body, o->res.len, &popts, &f, &err) != SYN_OK)
        return false;
    if (f->n_items == 0 && f->title == NULL) {
        feed_free(f);
        return false;
    }
    out->title = syn_strdup(f->title);
    feed_free(f);
    return true;
}

enum syn_status
app_discover(struct syn_ctx *ctx, const char *url, struct app_discovered *out,
             struct syn_err *err)
{
    struct discover_list list;
    struct one_fetch page, cand;
    enum syn_status st;
    const char *page_url;
    size_t i, tries = 0;

    memset(out, 0, sizeof(*out));
    memset(&cand, 0, sizeof(cand));
    discover_list_init(&list);
    st = fetch_one(ctx, url, &page, err);
    if (st != SYN_OK)
        goto out;
    page_url = page.res.final_url != NULL ? page.res.final_url : url;
    if (is_feed(&page, page_url, out)) {
        out->feed_url = syn_strdup(url);
        out->how = syn_strdup("the URL is a feed");
        goto found;
    }
    st = discover_feeds(page.res.body, page.res.len, page_url, &list, err);
    if (st == SYN_OK && list.n_feeds == 0 && url_is_http(page_url)) {
        st = discover_fallbacks(page_url, &list, err);
    }
    if (st != SYN_OK)
        goto out;
    for (i = 0; i < list.n_feeds && tries < APP_DISCOVER_MAX_TRIES; i++) {
        const struct discover_feed *d = &list.feeds[i];
        struct syn_err ferr;

        tries++;
        if (fetch_one(ctx, d->url, &cand, &ferr) == SYN_OK &&
            is_feed(&cand, d->url, out)) {
            char how[512];

            snprintf(how, sizeof(how), "%s on %s%s%s",
                     d->rank < 10 ? "announced" : "found at a usual path",
                     page_url, d->type ? " as " : "", d->type ? d->type : "");
            out->feed_url = syn_strdup(d->url);
            out->how = syn_strdup(how);
            goto found;
        }
        one_fetch_fini(&cand);
    }
    st = syn_err_set(err, SYN_EPARSE,
                     "%s is not a feed and announces none that could be "
                     "read (%zu tried)",
                     url, tries);
    goto out;
found:
    st = SYN_OK;
    if (out->feed_url == NULL || out->how == NULL) {
        st = syn_err_set(err, SYN_ENOMEM, "out of memory");
        app_discovered_fini(out);
    }
out:
    one_fetch_fini(&cand);
    one_fetch_fini(&page);
    discover_list_fini(&list);
    return st;
}

void
app_discovered_fini(struct app_discovered *d)
{
    syn_free(d->feed_url);
    syn_free(d->title);
    syn_free(d->how);
    memset(d, 0, sizeof(*d));
}
