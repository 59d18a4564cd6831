/* util/str, util/utf8, util/arena, util/err, util/url: the small helpers. */
#include "testutil.h"

#include <string.h>

#include "util/arena.h"
#include "util/mem.h"
#include "util/str.h"
#include "util/url.h"
#include "util/utf8.h"

static void
test_str_to_long(void **state)
{
    static const struct {
        const char *in;
        enum syn_status want;
        long value;
    } cases[] = {
        {"42", SYN_OK, 42},       {"-7", SYN_OK, -7},
        {"", SYN_EINVAL, 0},      {" 1", SYN_EINVAL, 0},
        {"12x", SYN_EINVAL, 0},   {"1000", SYN_EINVAL, 0},
        {"99999999999999999999", SYN_EINVAL, 0},
    };
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        long v = 0;

        assert_int_equal(str_to_long(cases[i].in, -10, 999, &v), cases[i].want);
        if (cases[i].want == SYN_OK) {
            assert_int_equal(v, cases[i].value);
        }
    }
}

static void
test_str_misc(void **state)
{
    char small[4];
    bool b = false;

    (void)state;
    assert_true(str_eq_cstr(str_trim(str_from_cstr("  a b \n")), "a b"));
    assert_true(str_eq_nocase(str_from_cstr("HeLLo"), "hello"));
    assert_int_equal(str_copy(small, sizeof(small), "abc"), SYN_OK);
    assert_int_equal(str_copy(small, sizeof(small), "abcd"), SYN_ETOOBIG);
    assert_string_equal(small, "abc");
    assert_int_equal(str_to_bool("Yes", &b), SYN_OK);
    assert_true(b);
    assert_int_equal(str_to_bool("off", &b), SYN_OK);
    assert_false(b);
    assert_int_equal(str_to_bool("maybe", &b), SYN_EINVAL);
}

static void
test_utf8_repair(void **state)
{
    static const struct {
        const char *in;
        size_t len;
        bool valid;
        const char *repaired;
    } cases[] = {
        {"plain", 5, true, "plain"},
        {"\xe4\xb8\xad\xe6\x96\x87", 6, true, "\xe4\xb8\xad\xe6\x96\x87"},
        {"a\xff" "b", 3, false, "a\xef\xbf\xbd" "b"},
        {"\xc0\xaf", 2, false, "\xef\xbf\xbd\xef\xbf\xbd"}, /* overlong */
        {"\xed\xa0\x80", 3, false, "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"},
        {"x\xe4\xb8", 3, false, "x\xef\xbf\xbd\xef\xbf\xbd"}, /* truncated */
        {"a\0b", 3, true, "ab"},                               /* NUL drops */
    };
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct buf b;

        buf_init(&b, 100);
        assert_int_equal(utf8_valid(cases[i].in, cases[i].len), cases[i].valid);
        assert_int_equal(utf8_append_valid(&b, cases[i].in, cases[i].len),
                         SYN_OK);
        assert_string_equal(buf_cstr(&b), cases[i].repaired);
        buf_fini(&b);
    }
    /* "中" is 3 bytes: cutting after 1 or 2 of them backs off to 0. */
    assert_int_equal(utf8_boundary("\xe4\xb8\xad", 2), 0);
    assert_int_equal(utf8_boundary("a\xe4\xb8\xad", 4), 4);
    assert_int_equal(utf8_boundary("ab", 2), 2);
}

/* C1 controls read as windows-1252; the five undefined bytes stay. */
static void
test_utf8_c1(void **state)
{
    static const struct {
        const char *in, *out;
        bool has_c1;
    } cases[] = {
        {"don\xc2\x92t", "don\xe2\x80\x99t", true},          /* ’ */
        {"\xc2\x93q\xc2\x94", "\xe2\x80\x9cq\xe2\x80\x9d", true}, /* “ ” */
        {"\xc2\x80 \xc2\x9f", "\xe2\x82\xac \xc5\xb8", true},     /* € Ÿ */
        {"\xc2\x81", "\xc2\x81", true},               /* undefined: kept */
        {"\xc2\xa0\xc2\xa9", "\xc2\xa0\xc2\xa9", false}, /* nbsp © */
        {"bad\xff\xc2\x96", "bad\xef\xbf\xbd\xe2\x80\x93", true},
        {"\xc2", "\xef\xbf\xbd", false},
        {"plain", "plain", false},
    };
    size_t i;

    (void)state;
    assert_int_equal(cp1252_char(0x41), 0x41);
    assert_int_equal(cp1252_char(0x85), 0x2026);
    assert_int_equal(cp1252_char(0xE9), 0xE9);
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct buf b;

        buf_init(&b, 100);
        assert_int_equal(utf8_has_c1(cases[i].in, strlen(cases[i].in)),
                         cases[i].has_c1);
        assert_int_equal(utf8_append_text(&b, cases[i].in, strlen(cases[i].in)),
                         SYN_OK);
        assert_string_equal(buf_cstr(&b), cases[i].out);
        buf_fini(&b);
    }
}

static void
test_arena(void **state)
{
    struct arena a;
    char *s, *big;
    int i;

    (void)state;
    arena_init(&a, 256, 4096);
    for (i = 0; i < 50; i++) {
        s = arena_strdup(&a, "hello");
        assert_non_null(s);
        assert_string_equal(s, "hello");
    }
    big = arena_alloc(&a, 5000); /* past max_bytes */
    assert_null(big);
    arena_fini(&a);
}

static void
test_url_resolve(void **state)
{
    static const struct {
        const char *base, *ref;
        enum syn_status want;
        const char *out;
    } cases[] = {
        {"http://example.org/a/b.xml", "c.html", SYN_OK,
         "http://example.org/a/c.html"},
        {"http://example.org/a/b.xml", "/x?y=1#f", SYN_OK,
         "http://example.org/x?y=1#f"},
        {"http://example.org/a/", "../up", SYN_OK, "http://example.org/up"},
        {NULL, "https://other.net/p", SYN_OK, "https://other.net/p"},
        {"http://example.org/", "mailto:a@b.org", SYN_OK, "mailto:a@b.org"},
        {NULL, "relative/only", SYN_EINVAL, NULL},
        /* a fragment keeps the base's path and query (RFC 3986 5.2.2) */
        {"http://example.org/blog/post.html", "#top", SYN_OK,
         "http://example.org/blog/post.html#top"},
        {"http://example.org/a?q=1#old", "#new", SYN_OK,
         "http://example.org/a?q=1#new"},
        /* libcurl decodes the host: never a result that is not text */
        {"https://fuzz.example/feed/", "http://%bare.example/?a b", SYN_EINVAL,
         NULL},
        {"https://fuzz.example/feed/", "http://%0a.example/ x", SYN_EINVAL,
         NULL},
    };
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct syn_err err;
        char *out = NULL;

        assert_int_equal(url_resolve(cases[i].base, cases[i].ref, &out, &err),
                         cases[i].want);
        if (cases[i].out != NULL) {
            assert_string_equal(out, cases[i].out);
        }
        syn_free(out);
    }
    assert_true(url_is_safe_scheme("HTTPS://x"));
    assert_true(url_is_safe_scheme("mailto:x@y"));
    assert_false(url_is_safe_scheme("javascript:alert(1)"));
    assert_false(url_is_safe_scheme("data:text/html,x"));
    assert_false(url_is_http("mailto:x@y"));
}

static void
test_err(void **state)
{
    struct syn_err err;

    (void)state;
    assert_int_equal(syn_err_set(&err, SYN_ETOOBIG, "at %d", 3), SYN_ETOOBIG);
    assert_string_equal(err.msg, "at 3");
    assert_string_equal(syn_status_name(SYN_EDB), "SYN_EDB");
    assert_string_equal(syn_status_name((enum syn_status)999), "SYN_EUNKNOWN");
    syn_err_clear(&err);
    assert_int_equal(err.code, SYN_OK);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_str_to_long), cmocka_unit_test(test_str_misc),
        cmocka_unit_test(test_utf8_repair),
        cmocka_unit_test(test_utf8_c1), cmocka_unit_test(test_arena),
        cmocka_unit_test(test_url_resolve), cmocka_unit_test(test_err),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
