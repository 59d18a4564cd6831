/* html/escape: the span-copying html_escape_append() against a naive
 * reference (one code point at a time, written from escape.h's contract)
 * on fixed cases and on random byte strings; html_escape_valid_append()
 * against it on valid text; allocation failures. */
#include "testutil.h"

#include <stdlib.h>
#include <string.h>

#include "html/escape.h"
#include "util/buf.h"
#include "util/compiler.h"
#include "util/utf8.h"

/* The contract of escape.h, one code point at a time. */
static void
naive_escape(struct buf *b, const char *s, size_t len)
{
    size_t i = 0;

    while (i < len) {
        uint32_t c;
        size_t n = utf8_decode(s + i, len - i, &c);
        enum syn_status st = SYN_OK;

        if (n == 0) {
            st = buf_append(b, "\xEF\xBF\xBD", 3);
            n = 1;
        } else if (c == '&') {
            st = buf_append_str(b, "&amp;");
        } else if (c == '<') {
            st = buf_append_str(b, "&lt;");
        } else if (c == '>') {
            st = buf_append_str(b, "&gt;");
        } else if (c == '"') {
            st = buf_append_str(b, "&quot;");
        } else if (c == '\'') {
            st = buf_append_str(b, "&#39;");
        } else if (c == '\r') {
            st = buf_append_str(b, "&#13;");
        } else if ((c < 0x20 && c != '\t' && c != '\n' && c != '\f') ||
                   (c >= 0x7F && c <= 0x9F) || (c >= 0xFDD0 && c <= 0xFDEF) ||
                   (c & 0xFFFE) == 0xFFFE) {
            /* dropped */
        } else {
            st = buf_append(b, s + i, n);
        }
        assert_int_equal(st, SYN_OK);
        i += n;
    }
}

static void
test_cases(void **state)
{
    static const struct {
        const char *in;
        size_t len; /* 0: strlen(in) */
        const char *want;
    } cases[] = {
        {"plain text", 0, "plain text"},
        {"a&b<c>d\"e'f", 0, "a&amp;b&lt;c&gt;d&quot;e&#39;f"},
        {"line\r\nnext\ttab\fff", 0, "line&#13;\nnext\ttab\fff"},
        {"nul\0byte", 8, "nulbyte"},
        {"\x01\x1f\x7f", 0, ""},
        {"caf\xC3\xA9 \xE2\x80\xA6 \xF0\x9F\x98\x80", 0,
         "caf\xC3\xA9 \xE2\x80\xA6 \xF0\x9F\x98\x80"},
        {"c1 \xC2\x85 \xC2\x9F \xC2\xA0", 0, "c1   \xC2\xA0"},
        {"nonchar \xEF\xB7\x90 \xEF\xBF\xBE \xF0\x9F\xBF\xBF!", 0,
         "nonchar   !"},
        {"bad \xC3 \xE2\x82 \xED\xA0\x80 \xC0\xAF \xFF", 0,
         "bad \xEF\xBF\xBD \xEF\xBF\xBD\xEF\xBF\xBD "
         "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD "
         "\xEF\xBF\xBD\xEF\xBF\xBD \xEF\xBF\xBD"},
        {"cut \xE2\x80", 0, "cut \xEF\xBF\xBD\xEF\xBF\xBD"},
        {"", 0, ""},
    };
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        size_t len = cases[i].len ? cases[i].len : strlen(cases[i].in);
        struct buf b, ref;

        buf_init(&b, 1000);
        buf_init(&ref, 1000);
        assert_int_equal(html_escape_append(&b, cases[i].in, len), SYN_OK);
        naive_escape(&ref, cases[i].in, len);
        assert_string_equal(buf_cstr(&b), cases[i].want);
        assert_string_equal(buf_cstr(&ref), cases[i].want);
        buf_fini(&b);
        buf_fini(&ref);
    }
}

/* Random strings drawn from bytes that matter: ASCII specials, controls,
 * UTF-8 lead and continuation bytes, bytes never valid. */
static void
test_random_against_reference(void **state)
{
    static const unsigned char pool[] = {
        'a',  ' ',  '&',  '<',  '>',  '"',  '\'', '\r', '\n', '\t', '\f', 0x00,
        0x01, 0x7F, 0x80, 0x85, 0x9F, 0xA0, 0xAF, 0xB7, 0xBF, 0xBE, 0xC0, 0xC2,
        0xC3, 0xDF, 0xE0, 0xE2, 0xED, 0xEF, 0xF0, 0xF4, 0xF5, 0xFF, 0x90, 0x8F,
    };
    unsigned seed = 12345;
    int round;

    (void)state;
    for (round = 0; round < 20000; round++) {
        char in[40];
        size_t len, k;
        struct buf b, ref;

        seed = seed * 1103515245u + 12345u;
        len = (seed >> 16) % sizeof(in);
        for (k = 0; k < len; k++) {
            seed = seed * 1103515245u + 12345u;
            in[k] = (char)pool[(seed >> 16) % sizeof(pool)];
        }
        buf_init(&b, 1000);
        buf_init(&ref, 1000);
        SYN_IGNORE(buf_append_str(&b, "x")); /* appends after content */
        SYN_IGNORE(buf_append_str(&ref, "x"));
        assert_int_equal(html_escape_append(&b, in, len), SYN_OK);
        naive_escape(&ref, in, len);
        assert_int_equal(b.len, ref.len);
        assert_memory_equal(b.data, ref.data, b.len);
        assert_true(utf8_valid(b.data, b.len));
        buf_fini(&b);
        buf_fini(&ref);
    }
}

/* html_escape_valid_append() gives html_escape_append()'s bytes for text
 * of valid UTF-8 without the code points that are dropped (ASCII controls
 * are still handled the same): random strings of such characters. */
static void
test_valid_same_as_full(void **state)
{
    static const char *const pool[] = {
        "a", " ", "&", "<", ">", "\"", "'", "\r", "\n", "\t", "\f", "\x01",
        "\x7F", "\xC3\xA9", "\xC2\xA0", "\xDF\xBF", "\xE2\x80\xA6",
        "\xEF\xBF\xBD", "\xEF\xB7\x8F\xEF\xB7\xB0", "\xF0\x9F\x98\x80",
        "\xF4\x8F\xBF\xBD", "\xE0\xA0\x80", "\xED\x9F\xBF",
    };
    unsigned seed = 777;
    int round;

    (void)state;
    for (round = 0; round < 20000; round++) {
        struct buf in, b, ref;
        size_t n, k;

        buf_init(&in, 1000);
        buf_init(&b, 1000);
        buf_init(&ref, 1000);
        seed = seed * 1103515245u + 12345u;
        n = (seed >> 16) % 24;
        for (k = 0; k < n; k++) {
            seed = seed * 1103515245u + 12345u;
            assert_int_equal(buf_append_str(&in, pool[(seed >> 16) %
                                                      SYN_ARRAY_LEN(pool)]),
                             SYN_OK);
        }
        assert_int_equal(html_escape_valid_append(&b, buf_cstr(&in), in.len),
                         SYN_OK);
        assert_int_equal(html_escape_append(&ref, buf_cstr(&in), in.len),
                         SYN_OK);
        assert_int_equal(b.len, ref.len);
        assert_memory_equal(buf_cstr(&b), buf_cstr(&ref), b.len);
        buf_fini(&in);
        buf_fini(&b);
        buf_fini(&ref);
    }
}

static void
test_limit_leaves_buffer_unchanged(void **state)
{
    struct buf b;

    (void)state;
    buf_init(&b, 12);
    assert_int_equal(buf_append_str(&b, "ok:"), SYN_OK);
    assert_int_equal(html_escape_append(&b, "a<b>c", 5), SYN_ETOOBIG);
    assert_string_equal(buf_cstr(&b), "ok:");
    assert_int_equal(html_escape_append(&b, "a&b", 3), SYN_OK);
    assert_string_equal(buf_cstr(&b), "ok:a&amp;b");
    assert_int_equal(html_escape_valid_append(&b, "<\xC3\xA9>", 4),
                     SYN_ETOOBIG);
    assert_string_equal(buf_cstr(&b), "ok:a&amp;b");
    buf_fini(&b);
}

static enum syn_status
escape_some(void *state)
{
    static const char in[] = "<p>caf\xC3\xA9 & \"more\" \xE2\x80\xA6</p>";
    struct buf b;
    enum syn_status st;

    (void)state;
    buf_init(&b, 1u << 20);
    st = html_escape_append(&b, in, sizeof(in) - 1);
    if (st == SYN_OK) {
        assert_string_equal(buf_cstr(&b), "&lt;p&gt;caf\xC3\xA9 &amp; "
                                          "&quot;more&quot; \xE2\x80\xA6"
                                          "&lt;/p&gt;");
    } else {
        assert_int_equal(b.len, 0);
    }
    buf_fini(&b);
    return st;
}

static void
test_alloc_failure(void **state)
{
    (void)state;
    assert_true(test_alloc_failures(escape_some, NULL) >= 1);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cases),
        cmocka_unit_test(test_random_against_reference),
        cmocka_unit_test(test_valid_same_as_full),
        cmocka_unit_test(test_limit_leaves_buffer_unchanged),
        cmocka_unit_test(test_alloc_failure),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
