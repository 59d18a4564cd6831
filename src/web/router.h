/* The route table of the public site (DESIGN.md "HTTP contract"): which
 * path pattern goes to which handler, whether its answer may be cached,
 * and the route's name for /metrics.
 * Patterns are literal segments, ":name" (one non-empty segment, captured
 * in order) and a final "*" (the rest of the path, captured).
 * Thread rules: the table is static const. */
#ifndef SYNDIC_WEB_ROUTER_H
#define SYNDIC_WEB_ROUTER_H

#include <stdbool.h>
#include <stddef.h>

#include "util/compiler.h"
#include "util/err.h"

/* Route ids, for metrics; several patterns may share one. */
enum web_route {
    WEB_R_HOME,
    WEB_R_ARTICLE,
    WEB_R_SOURCE,
    WEB_R_TOPIC,
    WEB_R_SEARCH,
    WEB_R_PARTNERS,
    WEB_R_FEED,
    WEB_R_SITEMAP,
    WEB_R_ROBOTS,
    WEB_R_OPML,
    WEB_R_SHARE,
    WEB_R_STATIC,
    WEB_R_HEALTHZ,
    WEB_R_METRICS,
    WEB_R_FORM, /* subscribe, confirm, preferences, unsubscribe, partner */
    WEB_R_NOT_FOUND, /* no pattern matched */
    WEB_R_BAD,       /* the request target could not be decoded */
    WEB_R_COUNT
};

#define WEB_ROUTE_MAX_ARGS 3

struct web_req;
typedef enum syn_status (*web_handler_fn)(struct web_req *req,
                                          struct syn_err *err);

/* Flags of a route. */
#define WEB_F_CACHE 1u /* a 200 answer goes into the response cache */
#define WEB_F_POST 2u  /* POST accepted besides GET and HEAD */

struct web_route_def {
    const char *pattern;
    enum web_route route;
    web_handler_fn handler;
    unsigned flags; /* WEB_F_CACHE, WEB_POST */
    int arg;        /* handler-specific constant (e.g. a feed format) */
};

/* Find the route for a decoded path; captures point into path copies in
 * args[] (allocated by the caller's arena via path splitting in place:
 * path is modified). Returns NULL when nothing matches. */
const struct web_route_def *web_route_match(char *path,
                                            const char **args /* out */,
                                            size_t *n_args /* out */);

/* "home", "article"... for metrics labels; never NULL. */
const char *web_route_name(enum web_route r);

#endif
