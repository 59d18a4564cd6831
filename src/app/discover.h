/* Resolving what a user typed in `syndic source add` to a feed URL: the
 * URL is fetched once; a feed is taken as it is, an HTML page is searched
 * for <link rel="alternate"> feeds, then for the usual feed paths of its
 * site, each candidate fetched until one parses as a feed.
 * Uses the fetch policy of ctx's config (SSRF guard, file://).
 * Thread rules: the calling thread; no store access. */
#ifndef SYNDIC_APP_DISCOVER_H
#define SYNDIC_APP_DISCOVER_H

#include "app/ctx.h"
#include "util/compiler.h"
#include "util/err.h"

/* Candidate URLs tried at most: a page announcing more is not a site. */
#define APP_DISCOVER_MAX_TRIES 12

struct app_discovered {
    char *feed_url; /* owned; the feed chosen */
    char *title;    /* owned; the feed's title, or NULL */
    char *how;      /* owned; a sentence on how it was found */
};

/* Find the feed for url. On SYN_OK *out is filled (release with
 * app_discovered_fini()). SYN_EPARSE when the page is no feed and announces
 * none that parses, SYN_ENET/SYN_EDENIED/... when url itself cannot be fetched
 * (err says why). */
enum syn_status app_discover(struct syn_ctx *ctx, const char *url,
                             struct app_discovered *out /* out */,
                             struct syn_err *err) SYN_NODISCARD;

void app_discovered_fini(struct app_discovered *d);

#endif
