/* Page and endpoint handlers. Each fills req->resp through the helpers of
 * web/req.h or returns a status that web_fail() turns into an error page.
 * The route table (router.c) says which path reaches which handler. */
#ifndef SYNDIC_WEB_HANDLERS_H
#define SYNDIC_WEB_HANDLERS_H

#include "util/buf.h"
#include "web/router.h"

/* handler_basic.c: no store needed. */
enum syn_status web_h_healthz(struct web_req *req, struct syn_err *err);
enum syn_status web_h_metrics(struct web_req *req, struct syn_err *err);
enum syn_status web_h_static(struct web_req *req, struct syn_err *err);
enum syn_status web_h_favicon(struct web_req *req, struct syn_err *err);
enum syn_status web_h_robots(struct web_req *req, struct syn_err *err);

/* handler_pages.c: HTML pages from the store. */
enum syn_status web_h_home(struct web_req *req, struct syn_err *err);
enum syn_status web_h_article(struct web_req *req, struct syn_err *err);
enum syn_status web_h_source(struct web_req *req, struct syn_err *err);
enum syn_status web_h_topic(struct web_req *req, struct syn_err *err);
enum syn_status web_h_search(struct web_req *req, struct syn_err *err);
enum syn_status web_h_partners(struct web_req *req, struct syn_err *err);
enum syn_status web_h_share(struct web_req *req, struct syn_err *err);

/* handler_forms.c: the subscribe and partner forms and the pages of the
 * signed links in mail (confirm, preferences, unsubscribe). */
enum syn_status web_h_subscribe(struct web_req *req, struct syn_err *err);
enum syn_status web_h_confirm(struct web_req *req, struct syn_err *err);
enum syn_status web_h_preferences(struct web_req *req, struct syn_err *err);
enum syn_status web_h_unsubscribe(struct web_req *req, struct syn_err *err);
enum syn_status web_h_partner_form(struct web_req *req, struct syn_err *err);

/* Append share counts (from the store) to /metrics. */
enum syn_status web_metrics_shares(struct web_req *req, struct buf *out,
                                   struct syn_err *err);

/* handler_feeds.c: feeds out, OPML, sitemap. arg of the route is one of: */
#define WEB_FEED_RSS 0
#define WEB_FEED_ATOM 1
#define WEB_FEED_JSON 2
enum syn_status web_h_feed(struct web_req *req, struct syn_err *err);
enum syn_status web_h_opml(struct web_req *req, struct syn_err *err);
enum syn_status web_h_sitemap(struct web_req *req, struct syn_err *err);

#endif
