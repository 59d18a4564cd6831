/* util/utf8: utf8_decode_fast() gives utf8_decode()'s result for every
 * one-, two- and three-byte string and for the four-byte lead bytes with
 * sampled continuations, including truncated input. */
#include "testutil.h"

#include <string.h>

#include "util/utf8.h"

static void
check(const unsigned char *s, size_t len)
{
    uint32_t a = 1, b = 2;
    size_t na = utf8_decode((const char *)s, len, &a);
    size_t nb = utf8_decode_fast((const char *)s, len, &b);

    assert_int_equal(na, nb);
    assert_int_equal(a, b);
}

static void
test_decode_fast_matches(void **state)
{
    unsigned char s[4];
    unsigned x, y, z;

    (void)state;
    for (x = 0; x < 256; x++) {
        s[0] = (unsigned char)x;
        check(s, 1);
        for (y = 0; y < 256; y++) {
            s[1] = (unsigned char)y;
            check(s, 2);
            if (x < 0xE0 || x > 0xF4)
                continue;
            for (z = 0; z < 256; z++) {
                s[2] = (unsigned char)z;
                check(s, 3);
                s[3] = (unsigned char)(0x80 + (x + y + z) % 0x50);
                check(s, 4);
            }
        }
    }
}

static void
test_cases(void **state)
{
    static const struct {
        const char *s;
        size_t n;
        uint32_t cp;
    } cases[] = {
        {"A", 1, 'A'},
        {"\xC3\xA9", 2, 0xE9},
        {"\xE2\x80\xA6", 3, 0x2026},
        {"\xF0\x9F\x98\x80", 4, 0x1F600},
        {"\xE0\x80\x80", 0, 0xFFFD}, /* overlong */
        {"\xED\xA0\x80", 0, 0xFFFD}, /* surrogate */
        {"\xC2", 0, 0xFFFD},         /* truncated */
    };
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        uint32_t cp;

        assert_int_equal(utf8_decode_fast(cases[i].s, strlen(cases[i].s), &cp),
                         cases[i].n);
        assert_int_equal(cp, cases[i].cp);
    }
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_decode_fast_matches),
        cmocka_unit_test(test_cases),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
