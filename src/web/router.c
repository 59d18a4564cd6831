/* Route table and matcher (see router.h). A dozen patterns: a linear scan
 * over pre-split segments costs less than building anything smarter. */
#include "web/router.h"

#include <string.h>

#include "web/handlers.h"

static const struct web_route_def routes[] = {
    {"/", WEB_R_HOME, web_h_home, WEB_F_CACHE, 0},
    {"/a/:id/:slug", WEB_R_ARTICLE, web_h_article, WEB_F_CACHE, 0},
    {"/a/:id", WEB_R_ARTICLE, web_h_article, WEB_F_CACHE, 0},
    {"/s/:source", WEB_R_SOURCE, web_h_source, WEB_F_CACHE, 0},
    {"/s/:source/feed.xml", WEB_R_FEED, web_h_feed, WEB_F_CACHE, WEB_FEED_RSS},
    {"/s/:source/atom.xml", WEB_R_FEED, web_h_feed, WEB_F_CACHE, WEB_FEED_ATOM},
    {"/s/:source/feed.json", WEB_R_FEED, web_h_feed, WEB_F_CACHE,
     WEB_FEED_JSON},
    {"/t/:topic", WEB_R_TOPIC, web_h_topic, WEB_F_CACHE, 0},
    {"/t/:topic/feed.xml", WEB_R_FEED, web_h_feed, WEB_F_CACHE, WEB_FEED_RSS},
    {"/t/:topic/atom.xml", WEB_R_FEED, web_h_feed, WEB_F_CACHE, WEB_FEED_ATOM},
    {"/t/:topic/feed.json", WEB_R_FEED, web_h_feed, WEB_F_CACHE, WEB_FEED_JSON},
    {"/feed.xml", WEB_R_FEED, web_h_feed, WEB_F_CACHE, WEB_FEED_RSS},
    {"/atom.xml", WEB_R_FEED, web_h_feed, WEB_F_CACHE, WEB_FEED_ATOM},
    {"/feed.json", WEB_R_FEED, web_h_feed, WEB_F_CACHE, WEB_FEED_JSON},
    {"/search", WEB_R_SEARCH, web_h_search, 0, 0},
    {"/partners", WEB_R_PARTNERS, web_h_partners, WEB_F_CACHE, 0},
    {"/partner", WEB_R_FORM, web_h_partner_form, WEB_F_POST, 0},
    {"/subscribe", WEB_R_FORM, web_h_subscribe, WEB_F_POST, 0},
    {"/subscribe/confirm", WEB_R_FORM, web_h_confirm, 0, 0},
    {"/preferences", WEB_R_FORM, web_h_preferences, WEB_F_POST, 0},
    {"/unsubscribe", WEB_R_FORM, web_h_unsubscribe, WEB_F_POST, 0},
    {"/sitemap.xml", WEB_R_SITEMAP, web_h_sitemap, WEB_F_CACHE, 0},
    {"/robots.txt", WEB_R_ROBOTS, web_h_robots, WEB_F_CACHE, 0},
    {"/opml", WEB_R_OPML, web_h_opml, WEB_F_CACHE, 0},
    {"/share/:id/:network", WEB_R_SHARE, web_h_share, 0, 0},
    {"/static/*", WEB_R_STATIC, web_h_static, WEB_F_CACHE, 0},
    {"/favicon.ico", WEB_R_STATIC, web_h_favicon, WEB_F_CACHE, 0},
    {"/healthz", WEB_R_HEALTHZ, web_h_healthz, 0, 0},
    {"/metrics", WEB_R_METRICS, web_h_metrics, 0, 0},
};

static const char *const route_names[WEB_R_COUNT] = {
    [WEB_R_HOME] = "home",           [WEB_R_ARTICLE] = "article",
    [WEB_R_SOURCE] = "source",       [WEB_R_TOPIC] = "topic",
    [WEB_R_SEARCH] = "search",       [WEB_R_PARTNERS] = "partners",
    [WEB_R_FEED] = "feed",           [WEB_R_SITEMAP] = "sitemap",
    [WEB_R_ROBOTS] = "robots",       [WEB_R_OPML] = "opml",
    [WEB_R_SHARE] = "share",         [WEB_R_STATIC] = "static",
    [WEB_R_HEALTHZ] = "healthz",     [WEB_R_METRICS] = "metrics",
    [WEB_R_FORM] = "form",
    [WEB_R_NOT_FOUND] = "not_found", [WEB_R_BAD] = "bad_request",
};

const char *
web_route_name(enum web_route r)
{
    if ((unsigned)r >= WEB_R_COUNT || route_names[r] == NULL)
        return "unknown";
    return route_names[r];
}

/* Does path (after the leading '/') match pattern (same)? */
static bool
match_one(const char *pat, const char *path, const char **args, size_t *n_args,
          size_t seg_len[WEB_ROUTE_MAX_ARGS])
{
    size_t n = 0;

    for (;;) {
        const char *pe = strchr(pat, '/');
        const char *se = strchr(path, '/');
        size_t pl = pe != NULL ? (size_t)(pe - pat) : strlen(pat);
        size_t sl = se != NULL ? (size_t)(se - path) : strlen(path);

        if (pl == 1 && pat[0] == '*' && pe == NULL) {
            if (*path == '\0' || n == WEB_ROUTE_MAX_ARGS)
                return false;
            args[n] = path;
            seg_len[n++] = strlen(path);
            break;
        }
        if (pl > 0 && pat[0] == ':') {
            if (sl == 0 || n == WEB_ROUTE_MAX_ARGS)
                return false;
            args[n] = path;
            seg_len[n++] = sl;
        } else if (pl != sl || memcmp(pat, path, pl) != 0) {
            return false;
        }
        if ((pe == NULL) != (se == NULL))
            return false;
        if (pe == NULL)
            break;
        pat = pe + 1;
        path = se + 1;
    }
    *n_args = n;
    return true;
}

const struct web_route_def *
web_route_match(char *path, const char **args, size_t *n_args)
{
    size_t i, k, seg_len[WEB_ROUTE_MAX_ARGS];

    if (path[0] != '/')
        return NULL;
    for (i = 0; i < SYN_ARRAY_LEN(routes); i++) {
        if (!match_one(routes[i].pattern + 1, path + 1, args, n_args, seg_len))
            continue;
        /* Cut the captures out of the path: the path is no longer needed
         * whole once routed. */
        for (k = 0; k < *n_args; k++) {
            ((char *)args[k])[seg_len[k]] = '\0';
        }
        return &routes[i];
    }
    return NULL;
}
