/* mail/mime: encoded-words, folding, quoted-printable, addresses, header
 * injection, whole messages. */
#include "testutil.h"

#include <string.h>

#include <sodium.h>

#include "mail/mime.h"
#include "util/buf.h"
#include "util/limits.h"
#include "util/mem.h"

/* Every line of s ends in CRLF (but maybe the last) and fits in 76. */
static void
assert_lines_ok(const char *s)
{
    const char *line = s, *p;

    for (p = s; *p != '\0'; p++) {
        if (*p == '\n') {
            assert_true(p > s && p[-1] == '\r');
            assert_true((size_t)(p - 1 - line) <= SYN_MAIL_LINE_MAX);
            line = p + 1;
        } else if (*p == '\r') {
            assert_int_equal(p[1], '\n');
        }
    }
    assert_true(strlen(line) <= SYN_MAIL_LINE_MAX);
}

/* Undo header folding and RFC 2047 "B" words (only what mime writes). */
static void
unfold_decode(const char *hdr, struct buf *out)
{
    const char *p = strchr(hdr, ':');
    struct buf unfolded;

    assert_non_null(p);
    buf_init(&unfolded, 1 << 16);
    for (p++; *p != '\0'; p++) {
        if (p[0] == '\r' && p[1] == '\n') {
            p++;
            continue;
        }
        assert_int_equal(buf_append_char(&unfolded, *p), SYN_OK);
    }
    p = buf_cstr(&unfolded);
    if (*p == ' ') {
        p++;
    }
    if (strncmp(p, "=?UTF-8?B?", 10) != 0) {
        assert_int_equal(buf_append_str(out, p), SYN_OK);
    } else {
        while (strncmp(p, "=?UTF-8?B?", 10) == 0) {
            const char *end = strstr(p + 10, "?=");
            unsigned char bin[128];
            size_t n = 0;

            assert_non_null(end);
            assert_true(end - p <= 75); /* RFC 2047: a word is <= 75 */
            assert_int_equal(sodium_base642bin(bin, sizeof(bin), p + 10,
                                               (size_t)(end - p - 10), NULL,
                                               &n, NULL,
                                               sodium_base64_VARIANT_ORIGINAL),
                             0);
            assert_int_equal(buf_append(out, bin, n), SYN_OK);
            p = end + 2;
            if (*p == ' ') {
                p++;
            }
        }
        assert_string_equal(p, "");
    }
    buf_fini(&unfolded);
}

static void
test_header_text(void **state)
{
    static const struct {
        const char *value;
        enum syn_status want;
        const char *exact; /* expected output, NULL: only round trip */
    } cases[] = {
        {"Hello", SYN_OK, "Subject: Hello\r\n"},
        {"", SYN_OK, "Subject: \r\n"},
        {"Caf\xc3\xa9", SYN_OK, "Subject: =?UTF-8?B?Q2Fmw6k=?=\r\n"},
        {"a =?x?q?y?= trick", SYN_OK, NULL},
        {"tab\there", SYN_OK, "Subject: =?UTF-8?B?dGFiCWhlcmU=?=\r\n"},
        {"News from the network: partners in seven countries publish "
         "their weekly reports on water, health and schools",
         SYN_OK, NULL},
        {"\xe6\x96\xb0\xe9\x97\xbb\xe6\x91\x98\xe8\xa6\x81 "
         "\xe2\x80\x94 \xd0\x9d\xd0\xbe\xd0\xb2\xd0\xbe\xd1\x81\xd1\x82\xd0"
         "\xb8 \xd9\x85\xd9\x84\xd8\xae\xd8\xb5 \xe6\x96\xb0\xe9\x97\xbb"
         "\xe6\x91\x98\xe8\xa6\x81\xe6\x96\xb0\xe9\x97\xbb\xe6\x91\x98\xe8"
         "\xa6\x81\xe6\x96\xb0\xe9\x97\xbb\xe6\x91\x98\xe8\xa6\x81 "
         "\xf0\x9f\x93\xb0\xf0\x9f\x93\xb0\xf0\x9f\x93\xb0",
         SYN_OK, NULL},
        {"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
         "aaaaaaaaaaaaaaaaaaaaa",
         SYN_OK, NULL},
        /* found by fuzz_mime_header: a space run too long for a line,
         * trailing spaces */
        {"<iframe src                                                    "
         "                                                  e/x\">", SYN_OK,
         NULL},
        {"trailing  ", SYN_OK, "Subject: =?UTF-8?B?dHJhaWxpbmcgIA==?=\r\n"},
        /* header injection and other controls */
        {"Hi\r\nBcc: victim@example.org", SYN_EINVAL, NULL},
        {"Hi\nBcc: victim@example.org", SYN_EINVAL, NULL},
        {"Hi\rBcc: victim@example.org", SYN_EINVAL, NULL},
        {"bell\x07", SYN_EINVAL, NULL},
        {"del\x7f", SYN_EINVAL, NULL},
        {"bad \xff utf8", SYN_EINVAL, NULL},
        {"overlong \xc0\xaf", SYN_EINVAL, NULL},
    };
    size_t i;

    (void)state;
    for (i = 0; i < SYN_ARRAY_LEN(cases); i++) {
        struct buf b, dec;
        enum syn_status st;

        buf_init(&b, 1 << 16);
        buf_init(&dec, 1 << 16);
        assert_int_equal(buf_append_str(&b, "X"), SYN_OK);
        buf_truncate(&b, 0);
        st = mime_header_text(&b, "Subject", cases[i].value, NULL);
        assert_int_equal(st, cases[i].want);
        if (st != SYN_OK) {
            assert_int_equal(b.len, 0);
        } else {
            if (cases[i].exact != NULL) {
                assert_string_equal(buf_cstr(&b), cases[i].exact);
            }
            assert_lines_ok(buf_cstr(&b));
            assert_true(b.len >= 2 && buf_cstr(&b)[b.len - 1] == '\n');
            buf_truncate(&b, b.len - 2);
            unfold_decode(buf_cstr(&b), &dec);
            assert_string_equal(buf_cstr(&dec), cases[i].value);
        }
        buf_fini(&dec);
        buf_fini(&b);
    }
}

static void
test_header_address(void **state)
{
    static const struct {
        const char *display, *addr;
        enum syn_status want;
        const char *exact;
    } cases[] = {
        {NULL, "a@example.org", SYN_OK, "To: <a@example.org>\r\n"},
        {"", "a@example.org", SYN_OK, "To: <a@example.org>\r\n"},
        {"Ann Lee", "a@example.org", SYN_OK,
         "To: \"Ann Lee\" <a@example.org>\r\n"},
        {"Lee, \"Ann\" \\", "a@example.org", SYN_OK,
         "To: \"Lee, \\\"Ann\\\" \\\\\" <a@example.org>\r\n"},
        {"Ren\xc3\xa9", "r@example.org", SYN_OK,
         "To: =?UTF-8?B?UmVuw6k=?= <r@example.org>\r\n"},
        /* found by fuzz_mime_header: escaping doubles the length */
        {"\\\\\\\\\\m\\\\\\\\m\\}}e\\m\\}}\\\\\\\\}\\\\\\",
         "a@example.org", SYN_OK, NULL},
        {"Ann\r\nBcc: x@example.org", "a@example.org", SYN_EINVAL, NULL},
        {"Ann", "a@example.org>\r\nBcc: x@example.org", SYN_EINVAL, NULL},
        {"Ann", "a@example.org, b@example.org", SYN_EINVAL, NULL},
    };
    size_t i;

    (void)state;
    for (i = 0; i < SYN_ARRAY_LEN(cases); i++) {
        struct buf b;

        buf_init(&b, 4096);
        assert_int_equal(mime_header_address(&b, "To", cases[i].display,
                                             cases[i].addr, NULL),
                         cases[i].want);
        if (cases[i].exact != NULL) {
            assert_string_equal(buf_cstr(&b), cases[i].exact);
        }
        if (cases[i].want != SYN_OK) {
            assert_int_equal(b.len, 0);
        } else {
            assert_lines_ok(buf_cstr(&b));
        }
        buf_fini(&b);
    }
}

static void
test_addr_check(void **state)
{
    static const struct {
        const char *addr;
        enum syn_status want;
    } cases[] = {
        {"a@example.org", SYN_OK},
        {"first.last+tag@sub.example.co.uk", SYN_OK},
        {"o'hara@example.org", SYN_OK},
        {"root@localhost", SYN_OK},
        {"", SYN_EINVAL},
        {"no-at.example.org", SYN_EINVAL},
        {"@example.org", SYN_EINVAL},
        {"a@", SYN_EINVAL},
        {"a@nodot", SYN_EINVAL},
        {".a@example.org", SYN_EINVAL},
        {"a.@example.org", SYN_EINVAL},
        {"a..b@example.org", SYN_EINVAL},
        {"a b@example.org", SYN_EINVAL},
        {"a@exa mple.org", SYN_EINVAL},
        {"a@example..org", SYN_EINVAL},
        {"a@-example.org", SYN_EINVAL},
        {"\"quoted\"@example.org", SYN_EINVAL},
        {"a@example.org\r\n", SYN_EINVAL},
        {"<a@example.org>", SYN_EINVAL},
        {"b\xc3\xa9@example.org", SYN_EINVAL},
        {"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
         "@example.org", /* 65-byte local part */
         SYN_EINVAL},
    };
    size_t i;

    (void)state;
    for (i = 0; i < SYN_ARRAY_LEN(cases); i++) {
        assert_int_equal(mime_addr_check(cases[i].addr, NULL),
                         cases[i].want);
    }
}

static void
test_mailbox_split(void **state)
{
    static const struct {
        const char *in, *name, *addr;
        enum syn_status want;
    } cases[] = {
        {"news@example.org", "", "news@example.org", SYN_OK},
        {"  news@example.org ", "", "news@example.org", SYN_OK},
        {"Network News <news@example.org>", "Network News",
         "news@example.org", SYN_OK},
        {"\"News, Inc\" <news@example.org>", "News, Inc", "news@example.org",
         SYN_OK},
        {"<news@example.org>", "", "news@example.org", SYN_OK},
        {"News news@example.org>", NULL, NULL, SYN_EINVAL},
        {"", NULL, NULL, SYN_EINVAL},
    };
    size_t i;

    (void)state;
    for (i = 0; i < SYN_ARRAY_LEN(cases); i++) {
        struct str name, addr;

        assert_int_equal(mime_mailbox_split(cases[i].in, &name, &addr),
                         cases[i].want);
        if (cases[i].want != SYN_OK)
            continue;
        assert_true(str_eq_cstr(name, cases[i].name));
        assert_true(str_eq_cstr(addr, cases[i].addr));
    }
}

static void
test_qp(void **state)
{
    static const struct {
        const char *in, *out;
    } cases[] = {
        {"abc", "abc"},
        {"", ""},
        {"a=b", "a=3Db"},
        {"trailing \n", "trailing=20\r\n"},
        {"trailing ", "trailing=20"},
        {"tab\t\r\nx", "tab=09\r\nx"},
        {"in between", "in between"},
        {"caf\xc3\xa9", "caf=C3=A9"},
        {".dot\n.x", "=2Edot\r\n=2Ex"},
        {"a.b", "a.b"},
        {"From me\nFrom", "=46rom me\r\nFrom"},
        {"a\r\nb\nc", "a\r\nb\r\nc"},
        {"a\rb", "a=0Db"},
        {"\n\n", "\r\n\r\n"},
        /* 75 characters fit, the 76th moves to a soft-broken line */
        {"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
         "aaaaaaaa",
         "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
         "aaaaaaaa"},
        {"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
         "aaaaaaaab",
         "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
         "aaaaaaaa=\r\nb"},
        /* an escape is never split across a soft break */
        {"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
         "aaaaaa=",
         "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
         "aaaaaa=\r\n=3D"},
        /* a '.' that lands at the start of a soft-broken line is encoded */
        {"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
         "aaaaaaaa.",
         "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
         "aaaaaaaa=\r\n=2E"},
    };
    size_t i;

    (void)state;
    for (i = 0; i < SYN_ARRAY_LEN(cases); i++) {
        struct buf b;

        buf_init(&b, 4096);
        assert_int_equal(mime_qp_encode(&b, cases[i].in, strlen(cases[i].in)),
                         SYN_OK);
        assert_string_equal(buf_cstr(&b), cases[i].out);
        assert_lines_ok(buf_cstr(&b));
        buf_fini(&b);
    }
}

static void
test_qp_long_lines(void **state)
{
    char in[3000];
    struct buf b;
    size_t i;

    (void)state;
    for (i = 0; i + 1 < sizeof(in); i++) {
        in[i] = "ab =\t\xc3\xa9.\n"[i % 10];
    }
    in[sizeof(in) - 1] = '\0';
    buf_init(&b, 1 << 16);
    assert_int_equal(mime_qp_encode(&b, in, strlen(in)), SYN_OK);
    assert_lines_ok(buf_cstr(&b));
    buf_fini(&b);
}

/* Undo quoted-printable; line ends come back as CRLF. */
static void
qp_decode(const char *s, struct buf *out)
{
    static const char hex[] = "0123456789ABCDEF";

    for (; *s != '\0'; s++) {
        if (s[0] == '=' && s[1] == '\r' && s[2] == '\n') {
            s += 2;
        } else if (s[0] == '=') {
            assert_non_null(strchr(hex, s[1]));
            assert_non_null(strchr(hex, s[2]));
            assert_int_equal(
                buf_append_char(out, (char)((strchr(hex, s[1]) - hex) * 16 +
                                            (strchr(hex, s[2]) - hex))),
                SYN_OK);
            s += 2;
        } else {
            assert_int_equal(buf_append_char(out, *s), SYN_OK);
        }
    }
}

/* Random texts built from the pieces the encoder treats specially (runs
 * of plain bytes that cross the soft-break column, blanks before line
 * ends, leading dots and "From ", '=', bare CR, UTF-8): decoding gives the
 * input back (line ends as CRLF), every line is within 76, no line starts
 * with '.' or "From " and none ends in a blank. */
static void
test_qp_round_trip(void **state)
{
    static const char *const pieces[] = {
        "a", "plain words ", "x", ".", "From ", "F", "=", " ", "\t", "\n",
        "\r\n", "\r", "\xc3\xa9", "0123456789012345678901234567890123456789",
        "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_"};
    unsigned seed = 12345;
    int round;

    (void)state;
    for (round = 0; round < 300; round++) {
        struct buf in, want, enc, dec;
        const char *p;
        int k, n;

        buf_init(&in, 1 << 16);
        buf_init(&want, 1 << 16);
        buf_init(&enc, 1 << 18);
        buf_init(&dec, 1 << 16);
        seed = seed * 1103515245u + 12345u;
        n = (int)(seed >> 16) % 120;
        for (k = 0; k < n; k++) {
            seed = seed * 1103515245u + 12345u;
            assert_int_equal(
                buf_append_str(&in,
                               pieces[(seed >> 16) % SYN_ARRAY_LEN(pieces)]),
                SYN_OK);
        }
        /* the decoded form: LF and CRLF both come back as CRLF */
        for (p = buf_cstr(&in); *p != '\0'; p++) {
            if (p[0] == '\r' && p[1] == '\n') {
                p++;
            }
            assert_int_equal(*p == '\n' ? buf_append_str(&want, "\r\n")
                                         : buf_append_char(&want, *p),
                             SYN_OK);
        }
        assert_int_equal(mime_qp_encode(&enc, in.len ? in.data : "", in.len),
                         SYN_OK);
        assert_lines_ok(buf_cstr(&enc));
        for (p = buf_cstr(&enc); p != NULL;) {
            const char *end = strstr(p, "\r\n");

            assert_true(p[0] != '.' && strncmp(p, "From ", 5) != 0);
            if (end != NULL && end > p) {
                assert_true(end[-1] != ' ' && end[-1] != '\t');
            }
            p = end != NULL ? end + 2 : NULL;
        }
        qp_decode(buf_cstr(&enc), &dec);
        if (strcmp(buf_cstr(&dec), buf_cstr(&want)) != 0) {
            fail_msg("round %d: '%s' came back as '%s'", round,
                     buf_cstr(&want), buf_cstr(&dec));
        }
        buf_fini(&in);
        buf_fini(&want);
        buf_fini(&enc);
        buf_fini(&dec);
    }
}

static void
test_date(void **state)
{
    char d[MIME_DATE_LEN];

    (void)state;
    mime_date(0, d);
    assert_string_equal(d, "Thu, 01 Jan 1970 00:00:00 +0000");
    mime_date(1800000000, d);
    assert_string_equal(d, "Fri, 15 Jan 2027 08:00:00 +0000");
}

static const struct mime_message base_msg = {
    .from_name = "Network News",
    .from_addr = "news@example.org",
    .to_name = "Ren\xc3\xa9 Dupont",
    .to_addr = "rene@example.net",
    .reply_to = "team@example.org",
    .subject = "Daily digest \xe2\x80\x94 3 new stories",
    .date = 1800000000,
    .message_id = "<digest-1-7@example.org>",
    .list_name = "Network News",
    .list_id = "digest.example.org",
    .unsub_url = "https://example.org/unsubscribe?t=abc_-123",
    .unsub_mailto = "mailto:news@example.org?subject=unsubscribe",
    .text = "Hello\nLine two with = sign\n",
    .html = "<p>Hello</p>\n",
    .boundary = "=_test",
};

static void
test_build(void **state)
{
    struct buf b;
    struct syn_err err;
    const char *s;

    (void)state;
    buf_init(&b, SYN_MAX_MESSAGE_BYTES);
    assert_int_equal(mime_build(&base_msg, &b, &err), SYN_OK);
    s = buf_cstr(&b);
    assert_lines_ok(s);
    assert_non_null(strstr(s, "Date: Fri, 15 Jan 2027 08:00:00 +0000\r\n"));
    assert_non_null(strstr(s, "From: \"Network News\" <news@example.org>\r\n"));
    assert_non_null(strstr(s, "To: =?UTF-8?B?"));
    assert_non_null(strstr(s, "Reply-To: <team@example.org>\r\n"));
    assert_non_null(strstr(s, "Message-ID: <digest-1-7@example.org>\r\n"));
    assert_non_null(strstr(s, "List-Id: \"Network News\" "
                              "<digest.example.org>\r\n"));
    assert_non_null(strstr(s, "List-Unsubscribe: "
                              "<https://example.org/unsubscribe?t=abc_-123>,"
                              "\r\n <mailto:news@example.org?subject="
                              "unsubscribe>\r\n"));
    assert_non_null(strstr(s, "List-Unsubscribe-Post: "
                              "List-Unsubscribe=One-Click\r\n"));
    assert_non_null(strstr(s, "MIME-Version: 1.0\r\n"));
    assert_non_null(strstr(s, "boundary=\"=_test\""));
    assert_non_null(strstr(s, "\r\n--=_test\r\nContent-Type: text/plain; "
                              "charset=UTF-8\r\n"));
    assert_non_null(strstr(s, "Line two with =3D sign\r\n"));
    assert_non_null(strstr(s, "\r\n--=_test--\r\n"));
    assert_null(strstr(s, "Auto-Submitted"));
    buf_fini(&b);
}

static void
test_build_text_only_random_ids(void **state)
{
    struct mime_message m = base_msg;
    struct buf a, b;

    (void)state;
    m.html = NULL;
    m.message_id = NULL;
    m.boundary = NULL;
    m.list_id = NULL;
    m.unsub_url = NULL;
    m.unsub_mailto = NULL;
    m.auto_submitted = true;
    buf_init(&a, SYN_MAX_MESSAGE_BYTES);
    buf_init(&b, SYN_MAX_MESSAGE_BYTES);
    assert_int_equal(mime_build(&m, &a, NULL), SYN_OK);
    assert_int_equal(mime_build(&m, &b, NULL), SYN_OK);
    assert_string_not_equal(buf_cstr(&a), buf_cstr(&b)); /* Message-ID */
    assert_non_null(strstr(buf_cstr(&a), "@example.org>\r\n"));
    assert_non_null(strstr(buf_cstr(&a), "Auto-Submitted: auto-generated"));
    assert_non_null(strstr(buf_cstr(&a), "Content-Type: text/plain; "
                                         "charset=UTF-8\r\n"));
    assert_null(strstr(buf_cstr(&a), "multipart"));
    assert_null(strstr(buf_cstr(&a), "List-"));
    buf_fini(&a);
    buf_fini(&b);
}

static void
test_build_rejects(void **state)
{
    static const char *bad_subjects[] = {
        "x\r\nBcc: a@example.org", "x\nX-Injected: 1", "x\r",
    };
    struct mime_message m = base_msg;
    struct buf b;
    struct syn_err err;
    size_t i;

    (void)state;
    buf_init(&b, SYN_MAX_MESSAGE_BYTES);
    assert_int_equal(buf_append_str(&b, "keep"), SYN_OK);
    for (i = 0; i < SYN_ARRAY_LEN(bad_subjects); i++) {
        m = base_msg;
        m.subject = bad_subjects[i];
        assert_int_equal(mime_build(&m, &b, &err), SYN_EINVAL);
        assert_string_equal(buf_cstr(&b), "keep");
    }
    m = base_msg;
    m.to_name = "Eve\r\nBcc: all@example.org";
    assert_int_equal(mime_build(&m, &b, &err), SYN_EINVAL);
    m = base_msg;
    m.to_addr = "eve@example.org\nBcc: all@example.org";
    assert_int_equal(mime_build(&m, &b, &err), SYN_EINVAL);
    m = base_msg;
    m.unsub_url = "https://example.org/u?t=1>\r\nBcc: x";
    assert_int_equal(mime_build(&m, &b, &err), SYN_EINVAL);
    m = base_msg;
    m.unsub_url = "javascript:alert(1)";
    assert_int_equal(mime_build(&m, &b, &err), SYN_EINVAL);
    m = base_msg;
    m.message_id = "<a@b>\r\nX: y";
    assert_int_equal(mime_build(&m, &b, &err), SYN_EINVAL);
    m = base_msg;
    m.text = "bad \xff body";
    assert_int_equal(mime_build(&m, &b, &err), SYN_EINVAL);
    m = base_msg;
    m.list_id = "bad id";
    assert_int_equal(mime_build(&m, &b, &err), SYN_EINVAL);
    assert_string_equal(buf_cstr(&b), "keep");
    buf_fini(&b);
    /* A message past the buffer's max is refused whole. */
    buf_init(&b, 100);
    assert_int_equal(mime_build(&base_msg, &b, &err), SYN_ETOOBIG);
    assert_int_equal(b.len, 0);
    buf_fini(&b);
}

static enum syn_status
build_one(void *state)
{
    struct buf b;
    enum syn_status st;

    (void)state;
    buf_init(&b, SYN_MAX_MESSAGE_BYTES);
    st = mime_build(&base_msg, &b, NULL);
    buf_fini(&b);
    return st;
}

static void
test_alloc_failure(void **state)
{
    (void)state;
    assert_true(test_alloc_failures(build_one, NULL) > 1);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_header_text),
        cmocka_unit_test(test_header_address),
        cmocka_unit_test(test_addr_check),
        cmocka_unit_test(test_mailbox_split),
        cmocka_unit_test(test_qp),
        cmocka_unit_test(test_qp_long_lines),
        cmocka_unit_test(test_qp_round_trip),
        cmocka_unit_test(test_date),
        cmocka_unit_test(test_build),
        cmocka_unit_test(test_build_text_only_random_ids),
        cmocka_unit_test(test_build_rejects),
        cmocka_unit_test(test_alloc_failure),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
