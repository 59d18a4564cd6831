/* store: the pure full-text helpers (text preparation, query building). */
#include "testutil.h"

#include <string.h>

#include "store/store.h"
#include "util/buf.h"
#include "util/mem.h"

#define Z "\xE2\x80\x8B" /* U+200B, the separator put around CJK */

static void
test_prepare_text(void **state)
{
    static const struct {
        const char *in;
        const char *want;
    } cases[] = {
        {"", ""},
        {"plain words", "plain words"},
        {"北京", Z "北" Z Z "京" Z},
        {"在北京市", Z "在" Z Z "北" Z Z "京" Z Z "市" Z},
        {"iPhone手机", "iPhone" Z "手" Z Z "机" Z},
        {"ひらがなカタ", Z "ひ" Z Z "ら" Z Z "が" Z Z "な" Z Z "カ" Z Z "タ" Z},
        {"서울", Z "서" Z Z "울" Z},
        {"Москва и Київ", "Москва и Київ"},
        {"السلام عليكم", "السلام عليكم"},
        {"café", "café"},
        {"tab\there\x01x\x02y\x7f", "tab here x y "},
        {"bad \xff byte", "bad \xEF\xBF\xBD byte"},
        {"cut \xe5\x8c", "cut \xEF\xBF\xBD\xEF\xBF\xBD"},
        {"\xF0\xA0\x80\x80", Z "\xF0\xA0\x80\x80" Z}, /* CJK extension B */
        {"«quote»", "«quote»"},
    };
    size_t i;

    (void)state;
    for (i = 0; i < SYN_ARRAY_LEN(cases); i++) {
        struct buf b;

        buf_init(&b, 1024);
        assert_int_equal(
            store_fts_prepare_text(cases[i].in, strlen(cases[i].in), &b),
            SYN_OK);
        if (strcmp(buf_cstr(&b), cases[i].want) != 0) {
            fail_msg("case %zu: got '%s' want '%s'", i, buf_cstr(&b),
                     cases[i].want);
        }
        buf_fini(&b);
    }
}

static void
test_prepare_appends_and_limits(void **state)
{
    struct buf b;

    (void)state;
    buf_init(&b, 12);
    assert_int_equal(buf_append_str(&b, "ab "), SYN_OK);
    assert_int_equal(store_fts_prepare_text("cd", 2, &b), SYN_OK);
    assert_string_equal(buf_cstr(&b), "ab cd");
    /* Past the buffer's max: an error and the buffer as it was. */
    assert_int_equal(store_fts_prepare_text("北京", 6, &b), SYN_ETOOBIG);
    assert_string_equal(buf_cstr(&b), "ab cd");
    buf_fini(&b);
}

static void
test_query(void **state)
{
    static const struct {
        const char *in;
        const char *want;
        size_t n_terms;
    } cases[] = {
        {"", "", 0},
        {"   \t ", "", 0},
        {"water", "\"water\"", 1},
        {"clean water", "\"clean\" \"water\"", 2},
        {"北京", "\"" Z "北" Z Z "京" Z "\"", 1},
        {"北京\xE3\x80\x80天气", /* ideographic space between */
         "\"" Z "北" Z Z "京" Z "\" \"" Z "天" Z Z "气" Z "\"", 2},
        {"a\"b", "\"a\"\"b\"", 1},
        {"\"", "", 0},
        {"* ( ) - + ^ :", "", 0},
        {"NEAR(a", "\"NEAR(a\"", 1},
        {"title:x", "\"title:x\"", 1},
        {"OR", "\"OR\"", 1},
        {"москва", "\"москва\"", 1},
        {"\x01\x02", "", 0},
    };
    size_t i;

    (void)state;
    for (i = 0; i < SYN_ARRAY_LEN(cases); i++) {
        struct buf b;
        size_t n = 99;

        buf_init(&b, 4096);
        assert_int_equal(
            store_fts_query(cases[i].in, strlen(cases[i].in), &b, &n), SYN_OK);
        if (strcmp(buf_cstr(&b), cases[i].want) != 0) {
            fail_msg("case %zu: got '%s' want '%s'", i, buf_cstr(&b),
                     cases[i].want);
        }
        assert_int_equal(n, cases[i].n_terms);
        buf_fini(&b);
    }
}

static void
test_query_bounds(void **state)
{
    struct buf b;
    char q[4096];
    size_t i, n = 0;

    (void)state;
    /* 100 terms: only STORE_MAX_SEARCH_TERMS are kept. */
    for (i = 0; i < 100; i++) {
        q[2 * i] = 'w';
        q[2 * i + 1] = ' ';
    }
    q[200] = '\0';
    buf_init(&b, 1 << 16);
    assert_int_equal(store_fts_query(q, strlen(q), &b, &n), SYN_OK);
    assert_int_equal(n, STORE_MAX_SEARCH_TERMS);
    buf_fini(&b);
    /* One enormous term is cut at STORE_MAX_TERM_BYTES. */
    memset(q, 'x', sizeof(q) - 1);
    q[sizeof(q) - 1] = '\0';
    buf_init(&b, 1 << 16);
    assert_int_equal(store_fts_query(q, strlen(q), &b, &n), SYN_OK);
    assert_int_equal(n, 1);
    assert_int_equal(b.len, STORE_MAX_TERM_BYTES + 2);
    buf_fini(&b);
}

struct fts_case {
    const char *text;
};

static enum syn_status
prepare_and_query(void *state)
{
    const struct fts_case *c = state;
    struct buf b;
    enum syn_status st;
    size_t n = 0;

    buf_init(&b, 1 << 20);
    st = store_fts_prepare_text(c->text, strlen(c->text), &b);
    if (st == SYN_OK) {
        assert_string_equal(buf_cstr(&b), "hello " Z "世" Z Z "界" Z " мир");
    }
    buf_reset(&b);
    if (st == SYN_OK) {
        st = store_fts_query(c->text, strlen(c->text), &b, &n);
    }
    if (st == SYN_OK) {
        assert_int_equal(n, 3);
    }
    buf_fini(&b);
    return st;
}

static void
test_alloc_failure(void **state)
{
    struct fts_case c = {"hello 世界 мир"};

    (void)state;
    assert_true(test_alloc_failures(prepare_and_query, &c) > 1);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_prepare_text),
        cmocka_unit_test(test_prepare_appends_and_limits),
        cmocka_unit_test(test_query),
        cmocka_unit_test(test_query_bounds),
        cmocka_unit_test(test_alloc_failure),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
