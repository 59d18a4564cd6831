/* html/discover: announced feeds (ranking, resolution, filtering) on our
 * fixtures and on the shared corpus, and the fallback locations. */
#define _XOPEN_SOURCE 700
#include "testutil.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "html/discover.h"
#include "util/buf.h"
#include "util/mem.h"

static void
test_wordpress_fixture(void **state)
{
    static const struct {
        const char *url, *title;
        int rank;
    } want[] = {
        {"https://news.example.org/feed/", "Partner Network \xc2\xbb Feed", 0},
        {"https://news.example.org/site/atom.xml", "Atom", 0},
        {"https://news.example.org/topics/water/feed/", "Water", 0},
        {"https://news.example.org/feed.json", "JSON Feed", 1},
        {"https://news.example.org/comments/feed/",
         "Partner Network \xc2\xbb Comments Feed", 3},
    };
    struct discover_list l;
    size_t len, i;
    char *html =
        test_read_file(test_data_path("html/discover-wordpress.html"), &len);

    (void)state;
    assert_non_null(html);
    discover_list_init(&l);
    assert_int_equal(discover_feeds(html, len,
                                    "https://news.example.org/2026/11/story/",
                                    &l, NULL),
                     SYN_OK);
    assert_int_equal(l.n_feeds, SYN_ARRAY_LEN(want));
    for (i = 0; i < SYN_ARRAY_LEN(want); i++) {
        assert_string_equal(l.feeds[i].url, want[i].url);
        assert_string_equal(l.feeds[i].title, want[i].title);
        assert_int_equal(l.feeds[i].rank, want[i].rank);
    }
    assert_string_equal(l.feeds[1].type, "application/atom+xml");
    discover_list_fini(&l);
    syn_free(html);
}

static void
test_inline_pages(void **state)
{
    static const struct {
        const char *page_url, *html;
        const char *first; /* NULL: nothing found */
        size_t n;
    } cases[] = {
        {"https://a.example/blog/post.html",
         "<link rel=alternate type=application/rss+xml href=../rss>",
         "https://a.example/rss", 1},
        {"https://a.example/x",
         "<head><base href='https://cdn.example/b/'><base href='/ignored/'>"
         "<link rel=alternate type=application/atom+xml href=f.xml></head>",
         "https://cdn.example/b/f.xml", 1},
        {"https://a.example/x",
         "<base href='/sub/'><link rel=alternate "
         "type=application/atom+xml href=f.xml>",
         "https://a.example/sub/f.xml", 1},
        {"https://a.example/",
         "<link rel=alternate type=application/rss+xml "
         "href='javascript:alert(1)'>"
         "<link rel=alternate type=application/rss+xml href='ftp://x/f'>"
         "<link rel=alternate type=application/rss+xml href=''>"
         "<link rel=alternate type=application/rss+xml>",
         NULL, 0},
        {"https://a.example/",
         "<link rel=alternate type=application/json href=/api/pages/1>"
         "<link rel=alternate type=application/json href=/feed.json>",
         "https://a.example/feed.json", 1},
        {"https://a.example/",
         "<link rel=alternate type=text/xml href=/data.xml>"
         "<link rel=alternate type=text/xml title='RSS' href=/data2.xml>",
         "https://a.example/data2.xml", 1},
        {"https://a.example/",
         "<link rel='feed alternate' type=application/rdf+xml href=/index.rdf>",
         "https://a.example/index.rdf", 1},
        {"https://a.example/", "<p>no feeds here</p>", NULL, 0},
        {"https://a.example/", "", NULL, 0},
        {"file:///srv/site/index.html",
         "<link rel=alternate type=application/rss+xml href=feed.xml>",
         "file:///srv/site/feed.xml", 1},
        {"https://a.example/",
         "<link rel=alternate type=application/rss+xml href=file:///etc/x>",
         NULL, 0},
    };
    size_t i;

    (void)state;
    for (i = 0; i < SYN_ARRAY_LEN(cases); i++) {
        struct discover_list l;
        enum syn_status st;

        discover_list_init(&l);
        st = discover_feeds(cases[i].html, strlen(cases[i].html),
                            cases[i].page_url, &l, NULL);
        assert_int_equal(st, SYN_OK);
        if (l.n_feeds != cases[i].n) {
            fail_msg("case %zu: %zu feeds, want %zu", i, l.n_feeds, cases[i].n);
        }
        if (cases[i].first != NULL) {
            assert_string_equal(l.feeds[0].url, cases[i].first);
        }
        discover_list_fini(&l);
    }
}

static void
test_bad_page_url(void **state)
{
    struct discover_list l;

    (void)state;
    discover_list_init(&l);
    assert_int_equal(discover_feeds("<p>", 3, "/relative", &l, NULL),
                     SYN_EINVAL);
    assert_int_equal(discover_feeds("<p>", 3, NULL, &l, NULL), SYN_EINVAL);
    assert_int_equal(discover_fallbacks("mailto:a@b", &l, NULL), SYN_EINVAL);
    assert_int_equal(l.n_feeds, 0);
    discover_list_fini(&l);
}

static void
test_many_links_and_deep_nesting(void **state)
{
    struct buf b;
    struct discover_list l;
    int i;

    (void)state;
    buf_init(&b, 1 << 22);
    for (i = 0; i < 200; i++) {
        assert_int_equal(buf_printf(&b,
                                    "<link rel=alternate "
                                    "type=application/rss+xml "
                                    "href=/f%d.xml>",
                                    i),
                         SYN_OK);
    }
    for (i = 0; i < 5000; i++) {
        assert_int_equal(buf_append_str(&b, "<div>"), SYN_OK);
    }
    assert_int_equal(buf_append_str(&b, "<link rel=alternate "
                                        "type=application/rss+xml "
                                        "href=/deep.xml>"),
                     SYN_OK);
    discover_list_init(&l);
    assert_int_equal(
        discover_feeds(b.data, b.len, "https://a.example/", &l, NULL), SYN_OK);
    assert_int_equal(l.n_feeds, 64);
    assert_string_equal(l.feeds[0].url, "https://a.example/f0.xml");
    discover_list_fini(&l);
    buf_fini(&b);
}

static void
test_fallbacks(void **state)
{
    static const char *const root_want[] = {
        "https://a.example/feed",       "https://a.example/rss",
        "https://a.example/feed.xml",   "https://a.example/rss.xml",
        "https://a.example/atom.xml",   "https://a.example/index.xml",
        "https://a.example/feed.json",  "https://a.example/feed/atom",
        "https://a.example/?feed=rss2",
    };
    struct discover_list l;
    size_t i;

    (void)state;
    discover_list_init(&l);
    assert_int_equal(discover_fallbacks("https://a.example", &l, NULL), SYN_OK);
    assert_int_equal(l.n_feeds, SYN_ARRAY_LEN(root_want));
    for (i = 0; i < SYN_ARRAY_LEN(root_want); i++) {
        assert_string_equal(l.feeds[i].url, root_want[i]);
        assert_int_equal(l.feeds[i].rank, 10);
        assert_null(l.feeds[i].type);
    }
    discover_list_fini(&l);

    discover_list_init(&l);
    assert_int_equal(
        discover_fallbacks("https://a.example/blog/post?id=3", &l, NULL),
        SYN_OK);
    assert_int_equal(l.n_feeds, SYN_ARRAY_LEN(root_want) + 4);
    assert_string_equal(l.feeds[9].url, "https://a.example/blog/feed");
    assert_string_equal(l.feeds[12].url, "https://a.example/blog/index.xml");
    /* Already listed URLs are not repeated. */
    assert_int_equal(discover_fallbacks("https://a.example/", &l, NULL),
                     SYN_OK);
    assert_int_equal(l.n_feeds, SYN_ARRAY_LEN(root_want) + 4);
    discover_list_fini(&l);
}

static void
test_sniff(void **state)
{
    static const struct {
        const char *ct, *body;
        enum discover_page want;
    } cases[] = {
        {"text/html", "<!DOCTYPE html><html>", DISCOVER_PAGE_HTML},
        {NULL, "\xef\xbb\xbf  <html lang=en>", DISCOVER_PAGE_HTML},
        {"text/html; charset=utf-8", "<?xml version='1.0'?><rss>",
         DISCOVER_PAGE_FEED},
        {"text/plain", "<rss version='2.0'>", DISCOVER_PAGE_FEED},
        {NULL, "\n<feed xmlns='http://www.w3.org/2005/Atom'>",
         DISCOVER_PAGE_FEED},
        {NULL, "<rdf:RDF xmlns:rdf=...>", DISCOVER_PAGE_FEED},
        {"application/json", " {\"version\": \"https://jsonfeed.org/\"}",
         DISCOVER_PAGE_FEED},
        {"application/xhtml+xml",
         "<?xml version='1.0'?>\n<!DOCTYPE html PUBLIC ...><html>",
         DISCOVER_PAGE_HTML},
        {"TEXT/HTML", "<head><title>no doctype</title>", DISCOVER_PAGE_HTML},
        {"application/octet-stream", "garbage", DISCOVER_PAGE_UNKNOWN},
        {NULL, "", DISCOVER_PAGE_UNKNOWN},
        {NULL, NULL, DISCOVER_PAGE_UNKNOWN},
    };
    size_t i;

    (void)state;
    for (i = 0; i < SYN_ARRAY_LEN(cases); i++) {
        size_t len = cases[i].body != NULL ? strlen(cases[i].body) : 0;

        if (discover_sniff(cases[i].ct, cases[i].body, len) != cases[i].want) {
            fail_msg("case %zu", i);
        }
    }
}

/* Pages saved from real sites, when ../shared/corpus is present. */
static void
test_corpus(void **state)
{
    static const struct {
        const char *file, *page_url, *first;
        size_t n;
    } cases[] = {
        {"coco.html", "https://www.theatlantic.com/",
         "https://www.theatlantic.com/feed/all/", 2},
        {"daringfireball.html", "https://daringfireball.net/",
         "https://daringfireball.net/feeds/main", 1},
        {"furbo.html", "https://furbo.org/", "http://furbo.org/feed/", 1},
        {"inessential.html", "https://inessential.com/",
         "http://inessential.com/xml/rss.xml", 1},
        {"sixcolors.html", "https://sixcolors.com/",
         "http://feedpress.me/sixcolors", 1},
        {"youtube-channel.html", "https://www.youtube.com/user/TheVolvorocks",
         "https://www.youtube.com/feeds/videos.xml?channel_id="
         "UCct7QF2jcWRY6dhXWMSq9LQ",
         1},
    };
    const char *root = getenv("SYNDIC_CORPUS");
    char path[4096];
    size_t i;

    (void)state;
    if (root == NULL) {
        skip();
    }
    snprintf(path, sizeof(path), "%s/feeds/real/other/html-discovery", root);
    {
        DIR *d = opendir(path);

        if (d == NULL) {
            printf("# corpus %s absent: skipped\n", path);
            skip();
        }
        closedir(d);
    }
    for (i = 0; i < SYN_ARRAY_LEN(cases); i++) {
        struct discover_list l;
        char file[4200];
        size_t len;
        char *html;

        snprintf(file, sizeof(file), "%s/%s", path, cases[i].file);
        html = test_read_file(file, &len);
        assert_non_null(html);
        discover_list_init(&l);
        assert_int_equal(discover_feeds(html, len, cases[i].page_url, &l, NULL),
                         SYN_OK);
        if (l.n_feeds != cases[i].n) {
            fail_msg("%s: %zu feeds", cases[i].file, l.n_feeds);
        }
        assert_string_equal(l.feeds[0].url, cases[i].first);
        discover_list_fini(&l);
        syn_free(html);
    }
}

static enum syn_status
discover_some(void *state)
{
    struct discover_list l;
    enum syn_status st;
    const char *html = state;

    discover_list_init(&l);
    st = discover_feeds(html, strlen(html), "https://news.example.org/a/b", &l,
                        NULL);
    if (st == SYN_OK) {
        st = discover_fallbacks("https://news.example.org/a/b", &l, NULL);
    }
    /* 5 announced, 13 fallbacks of which /feed.json was announced. */
    if (st == SYN_OK && l.n_feeds != 5 + 13 - 1) {
        fail_msg("%zu feeds", l.n_feeds);
    }
    discover_list_fini(&l);
    return st;
}

static void
test_alloc_failures_discover(void **state)
{
    size_t len;
    char *html =
        test_read_file(test_data_path("html/discover-wordpress.html"), &len);

    (void)state;
    assert_non_null(html);
    assert_int_equal(discover_some(html), SYN_OK);
    assert_true(test_alloc_failures(discover_some, html) > 10);
    syn_free(html);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_wordpress_fixture),
        cmocka_unit_test(test_inline_pages),
        cmocka_unit_test(test_bad_page_url),
        cmocka_unit_test(test_many_links_and_deep_nesting),
        cmocka_unit_test(test_fallbacks),
        cmocka_unit_test(test_sniff),
        cmocka_unit_test(test_corpus),
        cmocka_unit_test(test_alloc_failures_discover),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
