/* util/buf: bounded appends, failure leaves no half state. */
#include "testutil.h"

#include <string.h>

#include "util/buf.h"
#include "util/mem.h"

static void
test_append_and_take(void **state)
{
    struct buf b;
    char *s;

    (void)state;
    buf_init(&b, 100);
    assert_string_equal(buf_cstr(&b), "");
    assert_int_equal(buf_append_str(&b, "hello"), SYN_OK);
    assert_int_equal(buf_append_char(&b, ' '), SYN_OK);
    assert_int_equal(buf_printf(&b, "%d-%s", 42, "x"), SYN_OK);
    assert_string_equal(buf_cstr(&b), "hello 42-x");
    assert_int_equal(b.len, 10);
    s = buf_take(&b);
    assert_string_equal(s, "hello 42-x");
    assert_int_equal(b.len, 0);
    assert_null(b.data);
    syn_free(s);
    buf_fini(&b);
}

static void
test_limit_leaves_buffer_unchanged(void **state)
{
    static const struct {
        size_t max;
        const char *first, *second;
        enum syn_status want;
        const char *after;
    } cases[] = {
        {5, "abc", "de", SYN_OK, "abcde"},
        {5, "abc", "def", SYN_ETOOBIG, "abc"},
        {0, "", "a", SYN_ETOOBIG, ""},
        {3, "abcd", "", SYN_OK, ""},
    };
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct buf b;
        enum syn_status st;

        buf_init(&b, cases[i].max);
        SYN_IGNORE(buf_append_str(&b, cases[i].first));
        st = buf_append_str(&b, cases[i].second);
        assert_int_equal(st, cases[i].want);
        assert_string_equal(buf_cstr(&b), cases[i].after);
        buf_fini(&b);
    }
}

static void
test_printf_past_max(void **state)
{
    struct buf b;

    (void)state;
    buf_init(&b, 8);
    assert_int_equal(buf_append_str(&b, "1234"), SYN_OK);
    assert_int_equal(buf_printf(&b, "%s", "56789"), SYN_ETOOBIG);
    assert_string_equal(buf_cstr(&b), "1234");
    buf_truncate(&b, 2);
    assert_string_equal(buf_cstr(&b), "12");
    buf_reset(&b);
    assert_string_equal(buf_cstr(&b), "");
    buf_fini(&b);
}

static enum syn_status
grow_a_lot(void *state)
{
    struct buf b;
    enum syn_status st = SYN_OK;
    int i;

    (void)state;
    buf_init(&b, 1 << 20);
    for (i = 0; i < 1000 && st == SYN_OK; i++) {
        st = buf_printf(&b, "line %d\n", i);
    }
    if (st == SYN_OK) {
        assert_int_equal(strncmp(buf_cstr(&b), "line 0\nline 1\n", 14), 0);
    }
    buf_fini(&b);
    return st;
}

static void
test_alloc_failure(void **state)
{
    (void)state;
    assert_true(test_alloc_failures(grow_a_lot, NULL) > 1);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_append_and_take),
        cmocka_unit_test(test_limit_leaves_buffer_unchanged),
        cmocka_unit_test(test_printf_past_max),
        cmocka_unit_test(test_alloc_failure),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
