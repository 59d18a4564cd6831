/* web/view: dates, slugs, text direction, URL-encoding, snippets, JSON-LD
 * safety; web/csrf tokens. */
#include "testutil.h"

#include <jansson.h>
#include <string.h>

#include "util/mem.h"
#include "web/csrf.h"
#include "web/req.h"
#include "web/view.h"

static void
test_dates(void **state)
{
    static const struct {
        int64_t t;
        enum web_date_fmt fmt;
        const char *want;
    } cases[] = {
        {1764400000, WEB_DATE_RFC3339, "2025-11-29T07:06:40Z"},
        {1764400000, WEB_DATE_RFC822, "Sat, 29 Nov 2025 07:06:40 +0000"},
        {1764400000, WEB_DATE_HUMAN, "29 November 2025"},
        {1764400000, WEB_DATE_DAY, "2025-11-29"},
        {0, WEB_DATE_RFC3339, ""},
        {-5, WEB_DATE_HUMAN, ""},
        {951782400, WEB_DATE_RFC822, "Tue, 29 Feb 2000 00:00:00 +0000"},
    };
    char out[64];
    size_t i;

    (void)state;
    for (i = 0; i < SYN_ARRAY_LEN(cases); i++) {
        assert_string_equal(
            web_date(cases[i].t, cases[i].fmt, out, sizeof(out)),
            cases[i].want);
    }
    assert_string_equal(web_date(1764400000, WEB_DATE_RFC3339, out, 8), "");
}

static void
test_slugs_and_direction(void **state)
{
    static const struct {
        const char *title, *slug;
    } slugs[] = {
        {"Rivers rise as rains return", "rivers-rise-as-rains-return"},
        {"  Hello,   World!! ", "hello-world"},
        {"It's 2026: what's next?", "its-2026-whats-next"},
        {"\xd8\xa7\xd9\x84\xd9\x85\xd8\xa7\xd8\xa1",
         "\xd8\xa7\xd9\x84\xd9\x85\xd8\xa7\xd8\xa1"},
        {"\xd8\xa7\xd9\x84\xd9\x85\xd9\x86\xd8\xa7\xd8\xae \xd9\x88"
         "\xd8\xa7\xd9\x84\xd9\x85\xd8\xa7\xd8\xa1\xd8\x9f",
         "\xd8\xa7\xd9\x84\xd9\x85\xd9\x86\xd8\xa7\xd8\xae-\xd9\x88"
         "\xd8\xa7\xd9\x84\xd9\x85\xd8\xa7\xd8\xa1"},
        {"\xe5\x8c\x97\xe4\xba\xac\xe3\x80\x82\xe6\x96\xb0\xe9\x97\xbb",
         "\xe5\x8c\x97\xe4\xba\xac-\xe6\x96\xb0\xe9\x97\xbb"},
        {"\xd0\x92\xd0\xbe\xd0\xb4\xd0\xb0 \xe2\x80\x94 ok",
         "\xd0\x92\xd0\xbe\xd0\xb4\xd0\xb0-ok"},
        {"\xc2\xab \xe2\x80\x9c \xef\xbf\xbd", "story"},
        {"", "story"},
        {NULL, "story"},
        {"Caf\xc3\xa9 culture", "caf\xc3\xa9-culture"},
        {"<script>x</script>", "script-x-script"},
    };
    struct arena a;
    size_t i;
    char longt[300];

    (void)state;
    arena_init(&a, 1024, 0);
    for (i = 0; i < SYN_ARRAY_LEN(slugs); i++) {
        assert_string_equal(web_slug(&a, slugs[i].title), slugs[i].slug);
    }
    memset(longt, 'a', sizeof(longt) - 1);
    longt[sizeof(longt) - 1] = '\0';
    assert_int_equal(strlen(web_slug(&a, longt)), 80);
    /* Cut at a code point, never inside one. */
    {
        char cjk[300];
        size_t k;

        for (k = 0; k + 3 < sizeof(cjk); k += 3) {
            memcpy(cjk + k, "\xe5\x8c\x97", 3);
        }
        cjk[k] = '\0';
        assert_int_equal(strlen(web_slug(&a, cjk)), 78);
    }
    assert_string_equal(web_article_path(&a, 7, "Hello world"),
                        "/a/7/hello-world");
    assert_string_equal(web_article_path(&a, 27, "\xd8\xa7\xd9\x84 x"),
                        "/a/27/%D8%A7%D9%84-x");
    arena_fini(&a);

    assert_true(web_is_rtl("ar", NULL));
    assert_true(web_is_rtl("he-IL", NULL));
    assert_true(web_is_rtl("fa", "Latin text"));
    assert_true(web_is_rtl("ur", NULL));
    assert_false(web_is_rtl("en", "\xd8\xa7\xd9\x84\xd9\x85\xd8\xa7\xd8\xa1"));
    assert_false(web_is_rtl("arn", NULL)); /* Mapudungun, not Arabic */
    assert_true(web_is_rtl(NULL, "\xd8\xa7\xd9\x84\xd9\x85\xd8\xa7\xd8\xa1"));
    assert_true(web_is_rtl("", "\xd7\xa9\xd7\x9c\xd7\x95\xd7\x9d ok"));
    assert_false(web_is_rtl(NULL, "Hello \xd8\xa7"));
    assert_false(web_is_rtl(NULL, NULL));
}

static void
test_encode_and_snippet(void **state)
{
    struct buf b;
    struct arena a;

    (void)state;
    buf_init(&b, 1024);
    assert_int_equal(web_url_encode(&b, "a b&c=d/\xc3\xa9~_.-"), SYN_OK);
    assert_string_equal(buf_cstr(&b), "a%20b%26c%3Dd%2F%C3%A9~_.-");
    buf_fini(&b);
    arena_init(&a, 1024, 0);
    assert_string_equal(web_snippet_html(&a, "x \x01rivers\x02 <b>&"),
                        "x <mark>rivers</mark> &lt;b&gt;&amp;");
    assert_string_equal(web_snippet_html(&a, NULL), "");
    arena_fini(&a);
}

static void
test_jsonld_cannot_close_script(void **state)
{
    struct web_opts o;
    struct web_site site;
    struct web_req req;
    struct store_item it;
    char *ld;
    json_t *j;
    json_error_t jerr;

    (void)state;
    memset(&o, 0, sizeof(o));
    o.base_url = "https://news.example";
    memset(&site, 0, sizeof(site));
    site.opts = &o;
    memset(&req, 0, sizeof(req));
    req.site = &site;
    arena_init(&req.arena, 1024, 0);
    memset(&it, 0, sizeof(it));
    it.title = "</script><script>alert(1)</script> <!-- & -->";
    it.url = "https://e.org/a?x=1&y=2";
    it.authors = "[\"A </script>\"]";
    it.published = 1764400000;
    ld = web_item_jsonld(&req, &it, "Src");
    assert_non_null(ld);
    assert_null(strchr(ld, '<'));
    assert_null(strchr(ld, '>'));
    assert_null(strchr(ld, '&'));
    j = json_loads(ld, 0, &jerr);
    assert_non_null(j);
    assert_string_equal(json_string_value(json_object_get(j, "headline")),
                        it.title);
    assert_string_equal(json_string_value(json_object_get(j, "@type")),
                        "NewsArticle");
    json_decref(j);
    arena_fini(&req.arena);
}

static void
test_csrf(void **state)
{
    unsigned char key[WEB_CSRF_KEY_BYTES], other[WEB_CSRF_KEY_BYTES];
    char tok[WEB_CSRF_TOKEN_BYTES], bad[WEB_CSRF_TOKEN_BYTES];
    int64_t now = 1764400000;

    (void)state;
    memset(key, 7, sizeof(key));
    memset(other, 8, sizeof(other));
    web_csrf_make(key, now, tok);
    assert_true(web_csrf_check(key, tok, now));
    assert_true(web_csrf_check(key, tok, now + WEB_CSRF_TTL_S));
    assert_false(web_csrf_check(key, tok, now + WEB_CSRF_TTL_S + 1));
    assert_false(web_csrf_check(key, tok, now - 120));
    assert_false(web_csrf_check(other, tok, now));
    assert_false(web_csrf_check(key, NULL, now));
    assert_false(web_csrf_check(key, "", now));
    assert_false(web_csrf_check(key, "1764400000.", now));
    assert_false(web_csrf_check(key, "x.abc", now));
    memcpy(bad, tok, sizeof(bad));
    bad[strlen(bad) - 1] = bad[strlen(bad) - 1] == 'a' ? 'b' : 'a';
    assert_false(web_csrf_check(key, bad, now));
    memcpy(bad, tok, sizeof(bad));
    bad[0] = '2'; /* another time, same MAC */
    assert_false(web_csrf_check(key, bad, now));
}

static enum syn_status
snippet_under_failure(void *state)
{
    struct arena a;
    enum syn_status st = SYN_OK;

    (void)state;
    arena_init(&a, 256, 0);
    if (web_snippet_html(&a, "a \x01"
                             "b\x02 c") == NULL ||
        web_slug(&a, "A title") == NULL) {
        st = SYN_ENOMEM;
    }
    arena_fini(&a);
    return st;
}

static void
test_alloc_failure(void **state)
{
    (void)state;
    assert_true(test_alloc_failures(snippet_under_failure, NULL) >= 1);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_dates),
        cmocka_unit_test(test_slugs_and_direction),
        cmocka_unit_test(test_encode_and_snippet),
        cmocka_unit_test(test_jsonld_cannot_close_script),
        cmocka_unit_test(test_csrf),
        cmocka_unit_test(test_alloc_failure),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
