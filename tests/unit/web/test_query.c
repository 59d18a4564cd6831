/* web/query: path and form decoding, limits, hostile input. */
#include "testutil.h"

#include <string.h>

#include "util/buf.h"
#include "util/limits.h"
#include "util/mem.h"
#include "web/query.h"

static void
test_paths(void **state)
{
    static const struct {
        const char *raw;
        enum syn_status want;
        const char *out;
    } cases[] = {
        {"/", SYN_OK, "/"},
        {"/a/1/hello-world", SYN_OK, "/a/1/hello-world"},
        {"/t/%E5%8C%97", SYN_OK, "/t/\xe5\x8c\x97"},
        {"/search", SYN_OK, "/search"},
        {"/a%20b", SYN_OK, "/a b"},
        {"/x/.hidden", SYN_OK, "/x/.hidden"},
        {"/x/..y", SYN_OK, "/x/..y"},
        {"", SYN_EINVAL, NULL},
        {"a/b", SYN_EINVAL, NULL},
        {"/static/../etc", SYN_EINVAL, NULL},
        {"/static/%2e%2e/etc", SYN_EINVAL, NULL},
        {"/static/%2E%2E", SYN_EINVAL, NULL},
        {"/./x", SYN_EINVAL, NULL},
        {"/x/.", SYN_EINVAL, NULL},
        {"/a\\b", SYN_EINVAL, NULL},
        {"/a%5cb", SYN_EINVAL, NULL},
        {"/a%00b", SYN_EINVAL, NULL},
        {"/a%0ab", SYN_EINVAL, NULL},
        {"/a%ff", SYN_EINVAL, NULL},
        {"/a%c0%af", SYN_EINVAL, NULL},
        {"/a%ed%a0%80", SYN_EINVAL, NULL},
        {"/a%", SYN_EINVAL, NULL},
        {"/a%4", SYN_EINVAL, NULL},
        {"/a%zz", SYN_EINVAL, NULL},
    };
    size_t i;

    (void)state;
    for (i = 0; i < SYN_ARRAY_LEN(cases); i++) {
        struct arena a;
        struct syn_err err;
        const char *out = NULL;
        enum syn_status st;

        arena_init(&a, 1024, 0);
        st =
            web_path_decode(cases[i].raw, strlen(cases[i].raw), &a, &out, &err);
        if (st != cases[i].want) {
            fail_msg("case %zu '%s': got %s", i, cases[i].raw,
                     syn_status_name(st));
        }
        if (st == SYN_OK) {
            assert_string_equal(out, cases[i].out);
        }
        arena_fini(&a);
    }
}

static void
test_path_too_long(void **state)
{
    struct arena a;
    struct syn_err err;
    const char *out;
    char *p = syn_malloc(SYN_MAX_PATH_BYTES + 2);

    (void)state;
    assert_non_null(p);
    memset(p, 'a', SYN_MAX_PATH_BYTES + 1);
    p[0] = '/';
    arena_init(&a, 1024, 0);
    assert_int_equal(web_path_decode(p, SYN_MAX_PATH_BYTES + 1, &a, &out, &err),
                     SYN_ETOOBIG);
    assert_int_equal(web_path_decode(p, SYN_MAX_PATH_BYTES, &a, &out, &err),
                     SYN_OK);
    arena_fini(&a);
    syn_free(p);
}

static void
test_params(void **state)
{
    struct arena a;
    struct syn_err err;
    struct web_params p;
    const char *q = "q=a+b%21&&x&topics=1;topics=2&e=";

    (void)state;
    arena_init(&a, 1024, 0);
    assert_int_equal(web_params_parse(q, strlen(q), &a, &p, &err), SYN_OK);
    assert_int_equal(p.n, 5);
    assert_string_equal(web_params_get(&p, "q"), "a b!");
    assert_string_equal(web_params_get(&p, "x"), "");
    assert_string_equal(web_params_get(&p, "topics"), "1");
    assert_string_equal(p.items[3].value, "2");
    assert_string_equal(web_params_get(&p, "e"), "");
    assert_null(web_params_get(&p, "nope"));
    assert_int_equal(web_params_parse("", 0, &a, &p, &err), SYN_OK);
    assert_int_equal(p.n, 0);
    /* Line breaks are kept in values (a message field), not in names. */
    assert_int_equal(web_params_parse("m=a%0Ab", 7, &a, &p, &err), SYN_OK);
    assert_string_equal(web_params_get(&p, "m"), "a\nb");
    assert_int_equal(web_params_parse("m%0A=1", 6, &a, &p, &err), SYN_EINVAL);
    assert_int_equal(web_params_parse("m=%01", 5, &a, &p, &err), SYN_EINVAL);
    assert_int_equal(web_params_parse("q=%ff", 5, &a, &p, &err), SYN_EINVAL);
    assert_int_equal(web_params_parse("q=%f", 4, &a, &p, &err), SYN_EINVAL);
    arena_fini(&a);
}

static void
test_param_limits(void **state)
{
    struct arena a;
    struct syn_err err;
    struct web_params p;
    struct buf b;
    int i;

    (void)state;
    arena_init(&a, 1024, 0);
    buf_init(&b, 1 << 20);
    for (i = 0; i < SYN_MAX_PARAMS; i++) {
        assert_int_equal(buf_printf(&b, "k%d=v&", i), SYN_OK);
    }
    assert_int_equal(web_params_parse(b.data, b.len, &a, &p, &err), SYN_OK);
    assert_int_equal(p.n, SYN_MAX_PARAMS);
    assert_int_equal(buf_append_str(&b, "one=more"), SYN_OK);
    assert_int_equal(web_params_parse(b.data, b.len, &a, &p, &err),
                     SYN_ETOOBIG);
    buf_reset(&b);
    assert_int_equal(buf_append_str(&b, "q="), SYN_OK);
    for (i = 0; i <= SYN_MAX_QUERY_BYTES; i++) {
        assert_int_equal(buf_append_char(&b, 'x'), SYN_OK);
    }
    assert_int_equal(web_params_parse(b.data, b.len, &a, &p, &err),
                     SYN_ETOOBIG);
    /* A form takes longer values (an inquiry message), up to its own
     * limit. */
    assert_int_equal(web_form_parse(b.data, b.len, &a, &p, &err), SYN_OK);
    assert_int_equal(p.items[0].value_len, SYN_MAX_QUERY_BYTES + 1);
    while (b.len < 2 + SYN_MAX_FORM_VALUE_BYTES + 1) {
        assert_int_equal(buf_append_char(&b, 'x'), SYN_OK);
    }
    assert_int_equal(web_form_parse(b.data, b.len, &a, &p, &err),
                     SYN_ETOOBIG);
    buf_fini(&b);
    arena_fini(&a);
}

static enum syn_status
decode_some(void *state)
{
    struct arena a;
    struct syn_err err;
    struct web_params p;
    const char *path;
    enum syn_status st;

    (void)state;
    arena_init(&a, 256, 0);
    st = web_path_decode("/t/%E5%8C%97/feed.xml", 21, &a, &path, &err);
    if (st == SYN_OK) {
        st = web_params_parse("q=x+y&before=1.2", 16, &a, &p, &err);
    }
    if (st == SYN_OK) {
        assert_string_equal(web_params_get(&p, "before"), "1.2");
    }
    arena_fini(&a);
    return st;
}

static void
test_alloc_failure(void **state)
{
    (void)state;
    assert_true(test_alloc_failures(decode_some, NULL) >= 1);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_paths),
        cmocka_unit_test(test_path_too_long),
        cmocka_unit_test(test_params),
        cmocka_unit_test(test_param_limits),
        cmocka_unit_test(test_alloc_failure),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
