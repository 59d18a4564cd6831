/* util/time: every date form feeds use, normalized to UTC; unparseable
 * text is rejected (never "now"); formatting round-trips. */
#include "testutil.h"

#include <string.h>

#include "util/time.h"

static void
test_days_from_civil(void **state)
{
    (void)state;
    assert_int_equal(time_days_from_civil(1970, 1, 1), 0);
    assert_int_equal(time_days_from_civil(2000, 3, 1), 11017);
    assert_int_equal(time_days_from_civil(1969, 12, 31), -1);
    assert_int_equal(time_days_from_civil(2021, 7, 2), 18810);
}

static void
test_parse_table(void **state)
{
    static const struct {
        const char *in;
        const char *want; /* RFC 3339, or NULL: must be rejected */
    } cases[] = {
        /* RFC 822 / 2822 and their deviations */
        {"Fri, 02 Jul 2021 10:00:00 +0000", "2021-07-02T10:00:00Z"},
        {"Fri, 02 Jul 2021 10:00:00 GMT", "2021-07-02T10:00:00Z"},
        {"Fri, 2 Jul 2021 12:00:00 +0200", "2021-07-02T10:00:00Z"},
        {"02 Jul 2021 10:00:00 UT", "2021-07-02T10:00:00Z"},
        {"Fri, 02 Jul 2021 10:00 GMT", "2021-07-02T10:00:00Z"},
        {"Fri, 02 Jul 21 10:00:00 GMT", "2021-07-02T10:00:00Z"},
        {"Sat, 02 Jul 99 10:00:00 GMT", "1999-07-02T10:00:00Z"},
        {"  Fri,   02   Jul   2021   10:00:00   EDT  ", "2021-07-02T14:00:00Z"},
        {"Fri, 02 Jul 2021 05:00:00 EST", "2021-07-02T10:00:00Z"},
        {"Fri, 02 Jul 2021 03:00:00 PDT", "2021-07-02T10:00:00Z"},
        {"Fri, 02 Jul 2021 10:00:00 Z", "2021-07-02T10:00:00Z"},
        {"Fri, 02 Jul 2021 09:00:00 A", "2021-07-02T10:00:00Z"},
        {"Fri, 02 Jul 2021 11:00:00 N", "2021-07-02T10:00:00Z"},
        {"Fri, 02 Jul 2021 10:00:00 -0000", "2021-07-02T10:00:00Z"},
        {"Fri, 02 Jul 2021 10:00:00 +05:30", "2021-07-02T04:30:00Z"},
        {"Friday, 02 July 2021 10:00:00 GMT", "2021-07-02T10:00:00Z"},
        {"Jul 2, 2021 10:00 PM GMT", "2021-07-02T22:00:00Z"},
        {"Jul 2, 2021 12:30 AM", "2021-07-02T00:30:00Z"},
        {"Fri Jul  2 10:00:00 2021", "2021-07-02T10:00:00Z"},
        {"02-Jul-2021 10:00:00 GMT", "2021-07-02T10:00:00Z"},
        {"Fri, 02 Sept 2021 10:00:00 GMT", "2021-09-02T10:00:00Z"},
        {"Fri, 02 Jul 2021 10:00:00 GMT+2", "2021-07-02T08:00:00Z"},
        {"Fri, 02 Jul 2021", "2021-07-02T00:00:00Z"},
        {"Wed, 31 Dec 2003 23:59:60 GMT", "2003-12-31T23:59:59Z"},
        /* comments (RFC 5322 CFWS) and JavaScript's Date.toString() */
        {"Fri, 02 Jul 2021 10:00:00 +0000 (UTC)", "2021-07-02T10:00:00Z"},
        {"Fri, 02 Jul 2021 03:00:00 -0700 (PDT)", "2021-07-02T10:00:00Z"},
        {"Fri, 02 Jul 2021 03:00:00 (PDT)", "2021-07-02T10:00:00Z"},
        {"Fri, 02 Jul 2021 10:00:00 GMT (a (nested) note)",
         "2021-07-02T10:00:00Z"},
        {"Fri Jul 02 2021 12:00:00 GMT+0200 (Central European Summer Time)",
         "2021-07-02T10:00:00Z"},
        {"Fri Jul 02 2021 12:00:00 GMT+0200 (CEST)", "2021-07-02T10:00:00Z"},
        {"Fri, 02 Jul 2021 10:00:00 GMT (unclosed", "2021-07-02T10:00:00Z"},
        {"Fri, 02 Jul 2021 03:00:00 (PDT", "2021-07-02T10:00:00Z"},
        {"Fri, 02 Jul 2021 03:00:00 ( PDT )", "2021-07-02T10:00:00Z"},
        {"Fri, 02 Jul 2021 10:00:00 GMT)", "2021-07-02T10:00:00Z"},
        {"Fri, 02 Jul 2021 10:00:00 ()", "2021-07-02T10:00:00Z"},
        {"Fri, 02 Jul 2021 10:00:00 (", "2021-07-02T10:00:00Z"},
        /* RFC 3339 / ISO 8601 / W3CDTF */
        {"2021-07-02T10:00:00Z", "2021-07-02T10:00:00Z"},
        {"2021-07-02T10:00:00.123456Z", "2021-07-02T10:00:00Z"},
        {"2021-07-02T12:00:00+02:00", "2021-07-02T10:00:00Z"},
        {"2021-07-02T05:30:00-0430", "2021-07-02T10:00:00Z"},
        {"2021-07-02t10:00:00z", "2021-07-02T10:00:00Z"},
        {"2021-07-02 10:00:00", "2021-07-02T10:00:00Z"},
        {"2021-07-02T10:00Z", "2021-07-02T10:00:00Z"},
        {"2021-07-02T10Z", "2021-07-02T10:00:00Z"},
        {"2021-07-02", "2021-07-02T00:00:00Z"},
        {"2021-07", "2021-07-01T00:00:00Z"},
        {"2021", "2021-01-01T00:00:00Z"},
        {"20210702T100000Z", "2021-07-02T10:00:00Z"},
        {"20210702", "2021-07-02T00:00:00Z"},
        {"2021-183", "2021-07-02T00:00:00Z"},
        {"2021/07/02 10:00", "2021-07-02T10:00:00Z"},
        {"2021-07-02T10:00:00 UTC", "2021-07-02T10:00:00Z"},
        {"2021-07-02T24:00:00Z", "2021-07-03T00:00:00Z"},
        {"2000-02-29T00:00:00Z", "2000-02-29T00:00:00Z"},
        {"1969-12-31T23:59:59Z", "1969-12-31T23:59:59Z"},
        /* rejected */
        {"", NULL},
        {"   ", NULL},
        {"yesterday", NULL},
        {"not a date", NULL},
        {"2021-13-01", NULL},
        {"2021-02-30", NULL},
        {"1900-02-29", NULL},
        {"2021-07-02T25:00:00Z", NULL},
        {"2021-07-02T10:61:00Z", NULL},
        {"2021-07-02T10:00:00+25:00", NULL},
        {"2021-07-02T10:00:00 junk", NULL},
        {"Fri, 32 Jul 2021 10:00:00 GMT", NULL},
        {"Fri, 02 Foo 2021 10:00:00 GMT", NULL},
        {"Fri, 02 Jul 10:00:00 GMT", NULL},
        {"Fri, 02 Jul 2021 10:00:00 XYZ", NULL},
        {"(Fri, 02 Jul 2021 10:00:00 GMT)", NULL},
        {"Jul 2, 2021 13:00 PM", NULL},
        {"0000-01-01", NULL},
    };
    size_t i;

    (void)state;
    for (i = 0; i < SYN_ARRAY_LEN(cases); i++) {
        int64_t t = 12345;
        char out[TIME_RFC3339_LEN];
        bool ok = time_parse(cases[i].in, strlen(cases[i].in), &t);

        if (cases[i].want == NULL) {
            if (ok) {
                fail_msg("accepted '%s'", cases[i].in);
            }
            assert_int_equal(t, 12345); /* untouched */
            continue;
        }
        if (!ok) {
            fail_msg("rejected '%s'", cases[i].in);
        }
        assert_int_equal(time_format_rfc3339(t, out), 20);
        if (strcmp(out, cases[i].want) != 0) {
            fail_msg("'%s' -> %s, want %s", cases[i].in, out, cases[i].want);
        }
    }
}

static void
test_format(void **state)
{
    static const struct {
        int64_t t;
        const char *rfc3339, *rfc822;
    } cases[] = {
        {0, "1970-01-01T00:00:00Z", "Thu, 01 Jan 1970 00:00:00 +0000"},
        {1625220000, "2021-07-02T10:00:00Z", "Fri, 02 Jul 2021 10:00:00 +0000"},
        {-1, "1969-12-31T23:59:59Z", "Wed, 31 Dec 1969 23:59:59 +0000"},
        {951782400, "2000-02-29T00:00:00Z", "Tue, 29 Feb 2000 00:00:00 +0000"},
        {253402300799, "9999-12-31T23:59:59Z",
         "Fri, 31 Dec 9999 23:59:59 +0000"},
    };
    char a[TIME_RFC3339_LEN], b[TIME_RFC822_LEN];
    size_t i;

    (void)state;
    for (i = 0; i < SYN_ARRAY_LEN(cases); i++) {
        int64_t back;

        assert_int_equal(time_format_rfc3339(cases[i].t, a), 20);
        assert_string_equal(a, cases[i].rfc3339);
        assert_int_equal(time_format_rfc822(cases[i].t, b), 31);
        assert_string_equal(b, cases[i].rfc822);
        assert_true(time_parse(b, strlen(b), &back));
        assert_int_equal(back, cases[i].t);
        assert_true(time_parse(a, strlen(a), &back));
        assert_int_equal(back, cases[i].t);
    }
    assert_int_equal(time_format_rfc3339(253402300800, a), 0);
    assert_string_equal(a, "");
    assert_int_equal(time_format_rfc822(-62135596801, b), 0);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_days_from_civil),
        cmocka_unit_test(test_parse_table),
        cmocka_unit_test(test_format),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
