/* web/router: which path reaches which route, with which captures. */
#include "testutil.h"

#include <stdio.h>
#include <string.h>

#include "web/handlers.h"
#include "web/router.h"

static void
test_match_table(void **state)
{
    static const struct {
        const char *path;
        int route; /* -1: no match */
        size_t n_args;
        const char *arg0, *arg1;
        int arg;
    } cases[] = {
        {"/", WEB_R_HOME, 0, NULL, NULL, 0},
        {"/a/12/some-slug", WEB_R_ARTICLE, 2, "12", "some-slug", 0},
        {"/a/12", WEB_R_ARTICLE, 1, "12", NULL, 0},
        {"/a/12/", -1, 0, NULL, NULL, 0},
        {"/a//x", -1, 0, NULL, NULL, 0},
        {"/s/3", WEB_R_SOURCE, 1, "3", NULL, 0},
        {"/s/3/feed.xml", WEB_R_FEED, 1, "3", NULL, WEB_FEED_RSS},
        {"/s/3/atom.xml", WEB_R_FEED, 1, "3", NULL, WEB_FEED_ATOM},
        {"/t/climate/feed.json", WEB_R_FEED, 1, "climate", NULL, WEB_FEED_JSON},
        {"/t/climate", WEB_R_TOPIC, 1, "climate", NULL, 0},
        {"/feed.xml", WEB_R_FEED, 0, NULL, NULL, WEB_FEED_RSS},
        {"/atom.xml", WEB_R_FEED, 0, NULL, NULL, WEB_FEED_ATOM},
        {"/feed.json", WEB_R_FEED, 0, NULL, NULL, WEB_FEED_JSON},
        {"/search", WEB_R_SEARCH, 0, NULL, NULL, 0},
        {"/partners", WEB_R_PARTNERS, 0, NULL, NULL, 0},
        {"/share/9/x", WEB_R_SHARE, 2, "9", "x", 0},
        {"/static/site.css", WEB_R_STATIC, 1, "site.css", NULL, 0},
        {"/static/img/a.png", WEB_R_STATIC, 1, "img/a.png", NULL, 0},
        {"/static/", -1, 0, NULL, NULL, 0},
        {"/favicon.ico", WEB_R_STATIC, 0, NULL, NULL, 0},
        {"/healthz", WEB_R_HEALTHZ, 0, NULL, NULL, 0},
        {"/metrics", WEB_R_METRICS, 0, NULL, NULL, 0},
        {"/robots.txt", WEB_R_ROBOTS, 0, NULL, NULL, 0},
        {"/sitemap.xml", WEB_R_SITEMAP, 0, NULL, NULL, 0},
        {"/opml", WEB_R_OPML, 0, NULL, NULL, 0},
        {"/nope", -1, 0, NULL, NULL, 0},
        {"/partners/x", -1, 0, NULL, NULL, 0},
        {"", -1, 0, NULL, NULL, 0},
    };
    size_t i;

    (void)state;
    for (i = 0; i < SYN_ARRAY_LEN(cases); i++) {
        char path[256];
        const char *args[WEB_ROUTE_MAX_ARGS];
        size_t n = 99;
        const struct web_route_def *d;

        snprintf(path, sizeof(path), "%s", cases[i].path);
        d = web_route_match(path, args, &n);
        if (cases[i].route < 0) {
            if (d != NULL) {
                fail_msg("case %zu '%s' matched %s", i, cases[i].path,
                         d->pattern);
            }
            continue;
        }
        if (d == NULL || (int)d->route != cases[i].route) {
            fail_msg("case %zu '%s': wrong route", i, cases[i].path);
        }
        assert_int_equal(n, cases[i].n_args);
        assert_int_equal(d->arg, cases[i].arg);
        if (n > 0) {
            assert_string_equal(args[0], cases[i].arg0);
        }
        if (n > 1) {
            assert_string_equal(args[1], cases[i].arg1);
        }
    }
}

static void
test_names(void **state)
{
    int r;

    (void)state;
    for (r = 0; r < WEB_R_COUNT; r++) {
        assert_string_not_equal(web_route_name((enum web_route)r), "unknown");
    }
    assert_string_equal(web_route_name(WEB_R_COUNT), "unknown");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_match_table),
        cmocka_unit_test(test_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
