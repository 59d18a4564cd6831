/* Endpoints that need no store: health, metrics, theme assets, robots. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "store/store.h"

#include "web/handlers.h"
#include "web/metrics.h"
#include "web/req.h"
#include "web/theme.h"

static enum syn_status store_gauges(struct web_req *req, struct buf *b,
                                    struct syn_err *err);

enum syn_status
web_h_healthz(struct web_req *req, struct syn_err *err)
{
    struct store *store;
    int64_t v;
    enum syn_status st = web_req_store(req, &store, err);

    if (st == SYN_OK) {
        st = store_data_version(store, &v, err);
    }
    req->resp.cache_control = "no-store";
    if (st != SYN_OK)
        return web_reply(req, 503, "text/plain; charset=utf-8",
                         "store unavailable\n", 18, err);
    return web_reply(req, 200, "text/plain; charset=utf-8", "ok\n", 3, err);
}

enum syn_status
web_h_metrics(struct web_req *req, struct syn_err *err)
{
    const struct web_opts *o = req->site->opts;
    struct buf *b = &req->resp.body;
    enum syn_status st;

    buf_reset(b);
    st = web_metrics_write(req->site->metrics, b);
    if (st == SYN_OK) {
        st = web_metrics_shares(req, b, err);
    }
    if (st == SYN_OK) {
        st = store_gauges(req, b, err);
    }
    if (st == SYN_OK && o->metrics_extra != NULL) {
        st = o->metrics_extra(o->hook_arg, b);
    }
    if (st != SYN_OK)
        return syn_err_set(err, st, "metrics: %s", syn_strerror(st));
    req->resp.status = 200;
    req->resp.ctype = "text/plain; version=0.0.4; charset=utf-8";
    req->resp.cache_control = "no-store";
    req->resp.set = true;
    return SYN_OK;
}

/* Counts from the store: what fetching and mailing have left behind. */
static enum syn_status
store_gauges(struct web_req *req, struct buf *b, struct syn_err *err)
{
    static const struct {
        const char *name, *help;
        size_t off;
    } gauges[] = {
        {"sources", "Sources known.", offsetof(struct store_stats, sources)},
        {"sources_failing", "Sources whose last fetch failed.",
         offsetof(struct store_stats, sources_failing)},
        {"items", "Stories stored.", offsetof(struct store_stats, items)},
        {"clusters", "Stories reported by several sources.",
         offsetof(struct store_stats, clusters)},
        {"subscribers_confirmed", "Confirmed subscribers.",
         offsetof(struct store_stats, subscribers_confirmed)},
        {"subscribers_pending", "Subscribers awaiting confirmation.",
         offsetof(struct store_stats, subscribers_pending)},
        {"outbox_queued", "Mails waiting in the outbox.",
         offsetof(struct store_stats, outbox_queued)},
        {"outbox_failed", "Mails given up.",
         offsetof(struct store_stats, outbox_failed)},
        {"inquiries_new", "Partnership inquiries not yet handled.",
         offsetof(struct store_stats, inquiries_new)},
    };
    struct store_stats stats;
    struct store *s;
    enum syn_status st = web_req_store(req, &s, err);
    size_t i;

    if (st == SYN_OK) {
        st = store_stats(s, &stats, err);
    }
    for (i = 0; i < SYN_ARRAY_LEN(gauges) && st == SYN_OK; i++) {
        int64_t v;

        memcpy(&v, (const char *)&stats + gauges[i].off, sizeof(v));
        st = buf_printf(b,
                        "# HELP syndic_store_%s %s\n"
                        "# TYPE syndic_store_%s gauge\n"
                        "syndic_store_%s %lld\n",
                        gauges[i].name, gauges[i].help, gauges[i].name,
                        gauges[i].name, (long long)v);
    }
    return st;
}

static enum syn_status
send_asset(struct web_req *req, const char *path, struct syn_err *err)
{
    const struct web_asset *a = web_theme_asset(req->site->theme, path);

    if (a == NULL)
        return syn_err_set(err, SYN_ENOTFOUND,
                           "There is no file at this "
                           "address.");
    return web_reply(req, 200, a->ctype, a->data, a->len, err);
}

enum syn_status
web_h_static(struct web_req *req, struct syn_err *err)
{
    return send_asset(req, req->args[0], err);
}

enum syn_status
web_h_favicon(struct web_req *req, struct syn_err *err)
{
    return send_asset(req, "favicon.svg", err);
}

enum syn_status
web_h_robots(struct web_req *req, struct syn_err *err)
{
    struct tpl_tree t;

    web_tree_begin(req, &t);
    tpl_set_str(&t, t.root, "sitemap", web_abs_url(req, "/sitemap.xml"));
    return web_render(req, "robots.txt", &t, "text/plain; charset=utf-8", err);
}
