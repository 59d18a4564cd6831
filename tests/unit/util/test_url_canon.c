/* util/url_canon: the dedupe key of a URL. */
#include "testutil.h"

#include <stdlib.h>
#include <string.h>

#include "util/mem.h"
#include "util/url_canon.h"

static const struct {
    const char *in, *want; /* want NULL: SYN_EINVAL */
} canon_cases[] = {
    {"http://example.com", "http://example.com/"},
    {"HTTP://Example.COM/Path", "http://example.com/Path"},
    {"https://example.com:443/a", "https://example.com/a"},
    {"http://example.com:80/a", "http://example.com/a"},
    {"http://example.com:443/a", "http://example.com:443/a"},
    {"https://example.com:8443/a", "https://example.com:8443/a"},
    {"https://example.com./a", "https://example.com/a"},
    {"https://ht..?tp:/x", "https://ht/?tp:/x"},
    {"https://user:pw@example.com/a", "https://example.com/a"},
    {"https://example.com/a#section", "https://example.com/a"},
    {"https://example.com/#!/route", "https://example.com/"},
    {"https://example.com/a/./b/../c", "https://example.com/a/c"},
    {"https://example.com/a/", "https://example.com/a/"},
    {"https://example.com/%7euser/%41%62c", "https://example.com/~user/Abc"},
    {"https://example.com/a%2fb%3Ac", "https://example.com/a%2Fb%3Ac"},
    {"https://example.com/a%2E%2e/b", "https://example.com/a%2E%2E/b"},
    {"https://example.com/caf%C3%A9", "https://example.com/caf%C3%A9"},
    {"https://example.com/café", "https://example.com/caf%C3%A9"},
    {"https://example.com/a b", "https://example.com/a%20b"},
    {"https://example.com/100%", "https://example.com/100%25"},
    {"https://example.com/a?", "https://example.com/a"},
    {"https://example.com/a?b=2&a=1", "https://example.com/a?a=1&b=2"},
    {"https://example.com/a?b=2&a=1&b=1", "https://example.com/a?a=1&b=2&b=1"},
    {"https://example.com/a?x&&y=", "https://example.com/a?x&y="},
    {"https://example.com/a?utm_source=rss&utm_medium=feed&id=7",
     "https://example.com/a?id=7"},
    {"https://example.com/a?UTM_Campaign=x&fbclid=1&gclid=2&dclid=3"
     "&msclkid=4&mc_cid=5&mc_eid=6&igshid=7&_hsenc=8&_hsmi=9",
     "https://example.com/a"},
    {"https://example.com/a?%75tm_source=x&p=1", "https://example.com/a?p=1"},
    {"https://example.com/a?ref=main&ref_src=twsrc",
     "https://example.com/a?ref=main"},
    {"https://example.com/a?q=a%26b&q2=%3d",
     "https://example.com/a?q=a%26b&q2=%3D"},
    {"https://example.com/a?q=a+b", "https://example.com/a?q=a+b"},
    {"https://EXAMPLE.com/?utm_source=x#top", "https://example.com/"},
    {"http://[2001:DB8::1]:80/", "http://[2001:db8::1]/"},
    {"https://example.com/a<b>", "https://example.com/a%3Cb%3E"},
    {"https://Example.\xe3om/", NULL},
    {"https://exa%20mple.com/", NULL},
    {"ftp://example.com/", NULL},
    {"mailto:a@example.com", NULL},
    {"/relative/path", NULL},
    {"not a url", NULL},
    {"", NULL},
    {"javascript:alert(1)", NULL},
};

static void
test_canon_table(void **state)
{
    size_t i;

    (void)state;
    for (i = 0; i < SYN_ARRAY_LEN(canon_cases); i++) {
        char *out = NULL, *again = NULL;
        struct syn_err err;
        enum syn_status st = url_canon(canon_cases[i].in, &out, &err);

        if (canon_cases[i].want == NULL) {
            if (st != SYN_EINVAL) {
                fail_msg("'%s': got %s", canon_cases[i].in,
                         syn_status_name(st));
            }
            continue;
        }
        if (st != SYN_OK || strcmp(out, canon_cases[i].want) != 0) {
            fail_msg("'%s': got %s '%s', want '%s'", canon_cases[i].in,
                     syn_status_name(st), out ? out : "(null)",
                     canon_cases[i].want);
        }
        /* The canonical form is a fixed point. */
        assert_int_equal(url_canon(out, &again, NULL), SYN_OK);
        assert_string_equal(again, out);
        syn_free(again);
        syn_free(out);
    }
}

static void
test_idn_host(void **state)
{
    char *out = NULL;

    (void)state;
    /* Punycode needs a UTF-8 locale in libcurl; either form is stable. */
    assert_int_equal(url_canon("https://bücher.example/a", &out, NULL), SYN_OK);
    if (strcmp(out, "https://xn--bcher-kva.example/a") != 0) {
        assert_string_equal(out, "https://bücher.example/a");
    }
    syn_free(out);
}

static void
test_same_story(void **state)
{
    static const char *const same[] = {
        "https://news.example.org/2026/11/story?id=4&lang=en",
        "HTTPS://news.example.org:443/2026/11/story?lang=en&id=4",
        ("https://news.example.org/2026/11/./story?id=4&utm_source=partner"
         "&lang=en#comments"),
        "https://news.example.org/2026/11/%73tory?lang=en&fbclid=XYZ&id=4",
    };
    char *first = NULL;
    size_t i;

    (void)state;
    assert_int_equal(url_canon(same[0], &first, NULL), SYN_OK);
    for (i = 1; i < SYN_ARRAY_LEN(same); i++) {
        char *c = NULL;

        assert_int_equal(url_canon(same[i], &c, NULL), SYN_OK);
        assert_string_equal(c, first);
        syn_free(c);
    }
    syn_free(first);
}

static void
test_tracking_list(void **state)
{
    static const struct {
        const char *name;
        bool tracking;
    } cases[] = {
        {"utm_source", true}, {"utm_", true},     {"UTM_TERM", true},
        {"fbclid", true},     {"gclid", true},    {"_hsenc", true},
        {"ref", false},       {"id", false},      {"utm", false},
        {"page", false},      {"fbclid2", false}, {"", false},
    };
    size_t i;

    (void)state;
    for (i = 0; i < SYN_ARRAY_LEN(cases); i++) {
        assert_int_equal(
            url_canon_is_tracking(cases[i].name, strlen(cases[i].name)),
            cases[i].tracking);
    }
}

static void
test_too_long(void **state)
{
    char *big = malloc(10000), *out = NULL;

    (void)state;
    assert_non_null(big);
    memcpy(big, "https://example.com/", 20);
    memset(big + 20, 'a', 9979);
    big[9999] = '\0';
    assert_int_equal(url_canon(big, &out, NULL), SYN_ETOOBIG);
    /* Escaping can push a URL under the limit past it. */
    memset(big + 20, ' ', 4000);
    big[4020] = '\0';
    assert_int_equal(url_canon(big, &out, NULL), SYN_ETOOBIG);
    free(big);
}

static enum syn_status
canon_one(void *state)
{
    char *out = NULL;
    enum syn_status st;

    (void)state;
    st = url_canon("HTTPS://Example.com:443/a/../b%7e?z=1&utm_source=x&a=2"
                   "&c=3#frag",
                   &out, NULL);
    if (st == SYN_OK) {
        assert_string_equal(out, "https://example.com/b~?a=2&c=3&z=1");
    }
    syn_free(out);
    return st;
}

static void
test_alloc_failures_canon(void **state)
{
    (void)state;
    assert_int_equal(canon_one(NULL), SYN_OK);
    assert_true(test_alloc_failures(canon_one, NULL) > 3);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_canon_table),
        cmocka_unit_test(test_idn_host),
        cmocka_unit_test(test_same_story),
        cmocka_unit_test(test_tracking_list),
        cmocka_unit_test(test_too_long),
        cmocka_unit_test(test_alloc_failures_canon),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
