/* mail/digest: bodies from views (escaping, links, every story's two
 * links), whole messages with signed links that verify. */
#include "testutil.h"

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "mail/digest.h"
#include "mail/theme.h"
#include "util/buf.h"
#include "util/limits.h"
#include "util/mem.h"
#include "util/token.h"
#include "util/tpl.h"

#define NOW 1800000000LL

static const unsigned char key[TOKEN_KEY_BYTES] =
    "k3y-for-digest-tests-0123456789";

/* templates set in main() */
static struct mail_identity ident = {
    "Network News", "https://news.example.org",
    "Network News <news@example.org>", "team@example.org", key,
    TOKEN_KEY_BYTES, NULL};

static const struct digest_story stories[] = {
    {"Rivers & floods <2027>", "https://news.example.org/a/1/rivers-floods",
     "https://src.example.net/1", "Source \"Net\"",
     "<p>An <b>excerpt</b></p>", "An excerpt", NOW - 60},
    {"Caf\xc3\xa9 owners", "https://news.example.org/a/2/caf-owners",
     "https://src.example.net/2?a=1&b=2", NULL, NULL, "Plain only", 0},
};

static size_t
count(const char *hay, const char *needle)
{
    size_t n = 0;

    for (hay = strstr(hay, needle); hay != NULL;
         hay = strstr(hay + 1, needle)) {
        n++;
    }
    return n;
}

static void
test_render(void **state)
{
    struct digest_view v = {"Network News & Co", "https://news.example.org",
                            "Your daily digest", "2 new stories",
                            "Ann <admin>", stories, 2,
                            "https://news.example.org/preferences?t=P",
                            "https://news.example.org/unsubscribe?t=U"};
    struct buf t, h;
    const char *text, *html;

    (void)state;
    buf_init(&t, 1 << 20);
    buf_init(&h, 1 << 20);
    assert_int_equal(digest_render(ident.templates, &v, &t, &h, NULL), SYN_OK);
    text = buf_cstr(&t);
    html = buf_cstr(&h);
    /* text: as it is, both links per story */
    assert_non_null(strstr(text, "* Rivers & floods <2027>\n"));
    assert_non_null(strstr(text, "Hello Ann <admin>,"));
    assert_int_equal(count(text, "Continue reading on the source site: "), 2);
    assert_non_null(strstr(text, "Read it here: https://news.example.org/a/1/"
                                 "rivers-floods"));
    assert_non_null(strstr(text, "Unsubscribe: https://news.example.org/"
                                 "unsubscribe?t=U"));
    assert_non_null(strstr(text, "Manage your preferences: "));
    /* html: everything from a feed or a form escaped, excerpt_html kept */
    assert_non_null(strstr(html, "Rivers &amp; floods &lt;2027&gt;</a>"));
    assert_non_null(strstr(html, "Hello Ann &lt;admin&gt;,"));
    assert_non_null(strstr(html, "Source &quot;Net&quot;"));
    assert_non_null(strstr(html, "Network News &amp; Co"));
    assert_non_null(strstr(html, "<p>An <b>excerpt</b></p>"));
    assert_non_null(strstr(html, "<p style=\"margin:8px 0 0 0;font-size:15px;"
                                 "line-height:22px;\">Plain only</p>"));
    assert_non_null(strstr(html, "href=\"https://src.example.net/2?a=1&amp;"
                                 "b=2\""));
    assert_int_equal(count(html, ">Continue reading on the source site</a>"),
                     2);
    assert_non_null(strstr(html, "href=\"https://news.example.org/unsubscribe"
                                 "?t=U\""));
    assert_null(strstr(html, "<admin>"));
    buf_fini(&t);
    buf_fini(&h);
}

static void
test_render_rejects(void **state)
{
    struct digest_view v = {"N", "https://n.example.org", "H", NULL, NULL,
                            stories, 2, "https://p", "https://u"};
    struct digest_story bad = stories[0];
    struct buf t, h;

    (void)state;
    buf_init(&t, 1 << 20);
    buf_init(&h, 100); /* too small for the HTML */
    assert_int_equal(buf_append_str(&t, "keep"), SYN_OK);
    assert_int_equal(digest_render(ident.templates, &v, &t, &h, NULL), SYN_ETOOBIG);
    assert_string_equal(buf_cstr(&t), "keep"); /* nothing half-written */
    assert_int_equal(h.len, 0);
    v.n_stories = 0;
    assert_int_equal(digest_render(ident.templates, &v, &t, &h, NULL), SYN_EINVAL);
    bad.source_url = NULL;
    v.stories = &bad;
    v.n_stories = 1;
    assert_int_equal(digest_render(ident.templates, &v, &t, &h, NULL), SYN_EINVAL);
    buf_fini(&t);
    buf_fini(&h);
}

/* Undo quoted-printable (soft breaks, =XX) in place of a whole message:
 * enough to read links out of the bodies. */
static void
qp_decode(const char *s, struct buf *out)
{
    static const char hex[] = "0123456789ABCDEF";

    for (; *s != '\0'; s++) {
        if (s[0] == '=' && s[1] == '\r' && s[2] == '\n') {
            s += 2;
        } else if (s[0] == '=' && s[1] != '\0' && strchr(hex, s[1]) &&
                   s[2] != '\0' && strchr(hex, s[2])) {
            char c = (char)((strchr(hex, s[1]) - hex) * 16 +
                            (strchr(hex, s[2]) - hex));

            assert_int_equal(buf_append_char(out, c), SYN_OK);
            s += 2;
        } else {
            assert_int_equal(buf_append_char(out, *s), SYN_OK);
        }
    }
}

/* The token after "<prefix>" in s, into out. */
static void
token_after(const char *s, const char *prefix, struct buf *out)
{
    const char *p = strstr(s, prefix);
    size_t n;

    assert_non_null(p);
    p += strlen(prefix);
    n = strspn(p, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                  "0123456789-_");
    buf_reset(out);
    assert_int_equal(buf_append(out, p, n), SYN_OK);
}

static void
check_token(const char *msg, const char *prefix, enum token_purpose p,
            const char *subject)
{
    struct buf tok, subj;

    buf_init(&tok, SYN_MAX_TOKEN_BYTES);
    buf_init(&subj, 64);
    token_after(msg, prefix, &tok);
    assert_int_equal(token_verify(key, TOKEN_KEY_BYTES, p, buf_cstr(&tok),
                                  NOW, &subj, NULL, NULL),
                     SYN_OK);
    assert_string_equal(buf_cstr(&subj), subject);
    /* not valid for another purpose */
    buf_reset(&subj);
    assert_int_equal(token_verify(key, TOKEN_KEY_BYTES,
                                  p == TOKEN_CONFIRM ? TOKEN_UNSUBSCRIBE
                                                     : TOKEN_CONFIRM,
                                  buf_cstr(&tok), NOW, &subj, NULL, NULL),
                     SYN_EAUTH);
    buf_fini(&tok);
    buf_fini(&subj);
}

static void
test_compose_digest(void **state)
{
    struct mail_recipient r = {42, "ann@example.org", "Ann"};
    struct buf m, dec;
    const char *s;

    (void)state;
    buf_init(&m, SYN_MAX_MESSAGE_BYTES);
    assert_int_equal(digest_compose(&ident, &r, "daily", stories, 2, NOW, &m,
                                    NULL),
                     SYN_OK);
    s = buf_cstr(&m);
    assert_non_null(strstr(s, "Subject: Network News: Your daily digest (2 "
                              "new stories)\r\n"));
    assert_non_null(strstr(s, "List-Id: \"Network News\" "
                              "<digest.news.example.org>\r\n"));
    assert_non_null(strstr(s, "<mailto:team@example.org?subject="
                              "unsubscribe>"));
    check_token(s, "List-Unsubscribe: <https://news.example.org/"
                   "unsubscribe?t=",
                TOKEN_UNSUBSCRIBE, "42");
    buf_init(&dec, SYN_MAX_MESSAGE_BYTES);
    qp_decode(s, &dec);
    check_token(buf_cstr(&dec), "href=\"https://news.example.org/preferences?t=",
                TOKEN_PREFERENCES, "42");
    check_token(buf_cstr(&dec), "Unsubscribe: https://news.example.org/"
                                "unsubscribe?t=",
                TOKEN_UNSUBSCRIBE, "42");
    buf_fini(&dec);
    buf_reset(&m);
    assert_int_equal(digest_compose(&ident, &r, "daily", stories, 0, NOW, &m,
                                    NULL),
                     SYN_EINVAL); /* never an empty digest */
    r.name = "Ann\r\nBcc: all@example.org";
    assert_int_equal(digest_compose(&ident, &r, "daily", stories, 2, NOW, &m,
                                    NULL),
                     SYN_EINVAL);
    r.name = "Ann";
    r.id = 0;
    assert_int_equal(digest_compose(&ident, &r, "daily", stories, 2, NOW, &m,
                                    NULL),
                     SYN_EINVAL);
    assert_int_equal(m.len, 0);
    buf_fini(&m);
}

static void
test_signed_link(void **state)
{
    struct buf m;

    (void)state;
    buf_init(&m, SYN_MAX_URL_BYTES);
    assert_int_equal(digest_signed_link(&ident, "/preferences",
                                        TOKEN_PREFERENCES, 99, NOW + 10, &m,
                                        NULL),
                     SYN_OK);
    assert_true(strncmp(buf_cstr(&m),
                        "https://news.example.org/preferences?t=", 39) == 0);
    check_token(buf_cstr(&m), "?t=", TOKEN_PREFERENCES, "99");
    buf_fini(&m);
}

static void
test_compose_confirm_and_notice(void **state)
{
    struct mail_recipient r = {7, "new@example.org", NULL};
    struct notice_view v = {"Network News", "https://news.example.org",
                            "We received your message",
                            "Thank you.\n\nLine <two>\nthree", NULL, NULL,
                            NULL};
    struct buf m, dec;
    const char *s;

    (void)state;
    buf_init(&m, SYN_MAX_MESSAGE_BYTES);
    assert_int_equal(digest_compose_confirm(&ident, &r, NOW, &m, NULL),
                     SYN_OK);
    s = buf_cstr(&m);
    assert_non_null(strstr(s, "please confirm your subscription"));
    assert_non_null(strstr(s, "Auto-Submitted: auto-generated\r\n"));
    buf_init(&dec, SYN_MAX_MESSAGE_BYTES);
    qp_decode(s, &dec);
    check_token(buf_cstr(&dec), "https://news.example.org/subscribe/confirm?t=",
                TOKEN_CONFIRM, "7");
    buf_fini(&dec);
    buf_reset(&m);
    r.id = 0;
    assert_int_equal(digest_compose_notice(&ident, &r, "Thanks", &v, NOW, &m,
                                           NULL),
                     SYN_OK);
    s = buf_cstr(&m);
    assert_non_null(strstr(s, "Subject: Thanks\r\n"));
    assert_non_null(strstr(s, "Line &lt;two&gt;<br>"));
    assert_non_null(strstr(s, "Auto-Submitted: auto-generated\r\n"));
    /* CRLF from a form: paragraphs and line breaks as with LF, no CR */
    buf_reset(&m);
    v.body = "One\r\n\r\nTwo <a>\r\nthree\r\n";
    assert_int_equal(digest_compose_notice(&ident, &r, "Thanks", &v, NOW, &m,
                                           NULL),
                     SYN_OK);
    s = buf_cstr(&m);
    assert_non_null(strstr(s, ">One</p>"));
    assert_non_null(strstr(s, ">Two &lt;a&gt;<br>\r\nthree</p>"));
    assert_null(strstr(s, "=0D"));
    buf_fini(&m);
}

static void
write_file(const char *dir, const char *name, const char *text)
{
    char path[1024];
    FILE *fp;

    snprintf(path, sizeof(path), "%s/%s", dir, name);
    fp = fopen(path, "w");
    assert_non_null(fp);
    assert_int_equal(fputs(text, fp) >= 0, 1);
    assert_int_equal(fclose(fp), 0);
}

/* A theme directory's mail/ overrides a template; the others stay. */
static void
test_theme_override(void **state)
{
    struct mail_recipient r = {42, "ann@example.org", "Ann"};
    struct mail_identity id = ident;
    struct tpl_set *set = NULL;
    struct syn_err err;
    char dir[512], mdir[600];
    struct buf m, dec;

    (void)state;
    snprintf(dir, sizeof(dir), "%s", test_tmpdir());
    snprintf(mdir, sizeof(mdir), "%s/mail", dir);
    assert_int_equal(mkdir(mdir, 0700), 0);
    write_file(mdir, "digest.txt",
               "Custom digest for {{recipient_name}}\n"
               "{{#stories}}\n- {{title}} <{{article_url}}>\n{{/stories}}\n"
               "Stop: {{unsubscribe_url}}\n");
    assert_int_equal(mail_theme_load(dir, &set, &err), SYN_OK);
    id.templates = set;
    buf_init(&m, SYN_MAX_MESSAGE_BYTES);
    buf_init(&dec, SYN_MAX_MESSAGE_BYTES);
    assert_int_equal(digest_compose(&id, &r, "daily", stories, 2, NOW, &m,
                                    NULL),
                     SYN_OK);
    qp_decode(buf_cstr(&m), &dec);
    /* the override, not HTML-escaped in the text part */
    assert_non_null(strstr(buf_cstr(&dec), "Custom digest for Ann\r\n"
                                           "- Rivers & floods <2027> <https"
                                           "://news.example.org/a/1/rivers-"
                                           "floods>\r\n"));
    check_token(buf_cstr(&dec), "Stop: https://news.example.org/unsubscribe"
                                "?t=",
                TOKEN_UNSUBSCRIBE, "42");
    assert_null(strstr(buf_cstr(&dec), "Read it here:"));
    /* the HTML part is still the default one */
    assert_non_null(strstr(buf_cstr(&dec), "Rivers &amp; floods &lt;2027&gt;"
                                           "</a>"));
    assert_int_equal(count(buf_cstr(&dec), "Continue reading on the source "
                                           "site</a>"),
                     2);
    buf_fini(&m);
    buf_fini(&dec);
    tpl_set_free(set);
    test_rmtree(dir);
}

/* A broken override stops loading with its file and line. */
static void
test_theme_errors(void **state)
{
    static const struct {
        const char *file, *text;
        enum syn_status want;
        const char *msg; /* after "<dir>/" */
    } cases[] = {
        {"digest.html", "ok\n{{#stories}}\nx\n", SYN_EPARSE,
         "mail/digest.html:2: unclosed section 'stories'"},
        {"notice.txt", "{{name\n", SYN_EPARSE, "mail/notice.txt:1: unclosed"},
        {"confirm.html", "{{>_nope.html}}", SYN_ENOTFOUND,
         "mail theme: confirm.html:1: no template '_nope.html'"},
    };
    size_t i;

    (void)state;
    for (i = 0; i < SYN_ARRAY_LEN(cases); i++) {
        struct tpl_set *set = NULL;
        struct syn_err err;
        char dir[512], mdir[600], want[1024];

        snprintf(dir, sizeof(dir), "%s", test_tmpdir());
        snprintf(mdir, sizeof(mdir), "%s/mail", dir);
        assert_int_equal(mkdir(mdir, 0700), 0);
        write_file(mdir, cases[i].file, cases[i].text);
        syn_err_clear(&err);
        assert_int_equal(mail_theme_load(dir, &set, &err), cases[i].want);
        assert_null(set);
        if (strncmp(cases[i].msg, "mail theme", 10) == 0) {
            snprintf(want, sizeof(want), "%s", cases[i].msg);
        } else {
            snprintf(want, sizeof(want), "%s/%s", dir, cases[i].msg);
        }
        if (strncmp(err.msg, want, strlen(want)) != 0) {
            fail_msg("case %zu: got '%s' want '%s...'", i, err.msg, want);
        }
        test_rmtree(dir);
    }
}

/* Long unbreakable text and non-ASCII still give lines within RFC 5322's
 * limits: at most 76 in the bodies (quoted-printable), 998 anywhere. */
static void
test_line_lengths(void **state)
{
    struct mail_recipient r = {42, "ann@example.org", "Ann"};
    struct digest_story long_one = stories[0];
    char title[600], excerpt[2100];
    struct buf m;
    const char *p, *body;

    (void)state;
    memset(title, 'T', sizeof(title) - 1);
    title[sizeof(title) - 1] = '\0';
    memcpy(title, "Caf\xc3\xa9 ", 6);
    memset(excerpt, 'x', sizeof(excerpt) - 1);
    excerpt[sizeof(excerpt) - 1] = '\0';
    long_one.title = title;
    long_one.excerpt_text = excerpt;
    long_one.excerpt_html = NULL;
    buf_init(&m, SYN_MAX_MESSAGE_BYTES);
    assert_int_equal(digest_compose(&ident, &r, "daily", &long_one, 1, NOW,
                                    &m, NULL),
                     SYN_OK);
    body = strstr(buf_cstr(&m), "\r\n\r\n");
    assert_non_null(body);
    for (p = buf_cstr(&m); *p != '\0';) {
        const char *e = strstr(p, "\r\n");
        size_t n = e != NULL ? (size_t)(e - p) : strlen(p);

        assert_true(n <= 998);
        if (p > body && n > 76) {
            fail_msg("body line of %zu: %.*s", n, (int)n, p);
        }
        p += n + (e != NULL ? 2 : 0);
    }
    assert_non_null(strstr(body, "Content-Transfer-Encoding: "
                                 "quoted-printable"));
    buf_fini(&m);
}

/* Rendering through the cache gives what rendering directly gives, for
 * hits and misses, with and without a name, for names and links that
 * need escaping, and after a reset. */
static void
test_cache_same_output(void **state)
{
    static const char *const names[] = {"Ann <admin> & Co", NULL, "", "Bob"};
    struct digest_cache *c = digest_cache_new();
    size_t round;

    (void)state;
    assert_non_null(c);
    for (round = 0; round < 24; round++) {
        char prefs[64], unsub[64];
        struct digest_view v = {"Network News & Co", "https://news.example.org",
                                "Your daily digest", "2 new stories",
                                names[round % 4], stories, 1 + round % 2,
                                prefs, unsub};
        struct buf t1, h1, t2, h2;

        snprintf(prefs, sizeof(prefs), "https://n.example.org/p?t=%zu&x=\"",
                 round);
        snprintf(unsub, sizeof(unsub), "https://n.example.org/u?t=%zu", round);
        if (round == 12) {
            digest_cache_reset(c);
        }
        buf_init(&t1, 1 << 20);
        buf_init(&h1, 1 << 20);
        buf_init(&t2, 1 << 20);
        buf_init(&h2, 1 << 20);
        assert_int_equal(digest_render(ident.templates, &v, &t1, &h1, NULL),
                         SYN_OK);
        assert_int_equal(
            digest_render_cached(c, ident.templates, &v, &t2, &h2, NULL),
            SYN_OK);
        assert_string_equal(buf_cstr(&t2), buf_cstr(&t1));
        assert_string_equal(buf_cstr(&h2), buf_cstr(&h1));
        buf_fini(&t1);
        buf_fini(&h1);
        buf_fini(&t2);
        buf_fini(&h2);
    }
    digest_cache_free(c);
}

/* From "MIME-Version:" on, with the random boundary replaced by "B". */
static void
mime_tail(const char *msg, struct buf *out)
{
    const char *b = strstr(msg, "boundary=\""), *p = strstr(msg, "MIME-Version:");
    char boundary[64];
    size_t n;

    assert_non_null(b);
    assert_non_null(p);
    b += 10;
    n = strcspn(b, "\"");
    assert_true(n < sizeof(boundary));
    memcpy(boundary, b, n);
    boundary[n] = '\0';
    buf_reset(out);
    while (*p != '\0') {
        if (strncmp(p, boundary, n) == 0) {
            assert_int_equal(buf_append_char(out, 'B'), SYN_OK);
            p += n;
        } else {
            assert_int_equal(buf_append_char(out, *p++), SYN_OK);
        }
    }
}

/* Whole messages through the cache (shared lines encoded once) are the
 * messages composed directly, for names that need quoted-printable, long
 * ones that move soft breaks, and none. */
static void
test_cache_same_message(void **state)
{
    static const char *const names[] = {
        "Zo\xc3\xab M\xc3\xbcller", NULL, "Ann <admin> & Co",
        "A very long display name that certainly pushes the greeting line "
        "past the soft break column of quoted-printable",
        ".Dot"};
    struct digest_cache *c = digest_cache_new();
    struct buf m1, m2, t1, t2;
    size_t round;

    (void)state;
    assert_non_null(c);
    buf_init(&m1, SYN_MAX_MESSAGE_BYTES);
    buf_init(&m2, SYN_MAX_MESSAGE_BYTES);
    buf_init(&t1, SYN_MAX_MESSAGE_BYTES);
    buf_init(&t2, SYN_MAX_MESSAGE_BYTES);
    for (round = 0; round < 2 * SYN_ARRAY_LEN(names); round++) {
        struct mail_recipient r = {(int64_t)(100 + round), "r@example.org",
                                   names[round % SYN_ARRAY_LEN(names)]};

        buf_reset(&m1);
        buf_reset(&m2);
        assert_int_equal(digest_compose(&ident, &r, "daily", stories,
                                        1 + round % 2, NOW, &m1, NULL),
                         SYN_OK);
        assert_int_equal(digest_compose_cached(c, &ident, &r, "daily",
                                               stories, 1 + round % 2, NOW,
                                               &m2, NULL),
                         SYN_OK);
        mime_tail(buf_cstr(&m1), &t1);
        mime_tail(buf_cstr(&m2), &t2);
        assert_string_equal(buf_cstr(&t2), buf_cstr(&t1));
    }
    buf_fini(&m1);
    buf_fini(&m2);
    buf_fini(&t1);
    buf_fini(&t2);
    digest_cache_free(c);
}

static enum syn_status
compose_cached_twice(void *state)
{
    struct mail_recipient r = {42, "ann@example.org", "Ann"};
    struct digest_cache *c = digest_cache_new();
    struct buf m;
    enum syn_status st;

    (void)state;
    if (c == NULL)
        return SYN_ENOMEM;
    buf_init(&m, SYN_MAX_MESSAGE_BYTES);
    st = digest_compose_cached(c, &ident, &r, "daily", stories, 2, NOW, &m,
                               NULL);
    r.id = 43;
    if (st == SYN_OK) {
        st = digest_compose_cached(c, &ident, &r, "daily", stories, 2, NOW,
                                   &m, NULL);
    }
    buf_fini(&m);
    digest_cache_free(c);
    return st;
}

static enum syn_status
compose_one(void *state)
{
    struct mail_recipient r = {42, "ann@example.org", "Ann"};
    struct buf m;
    enum syn_status st;

    (void)state;
    buf_init(&m, SYN_MAX_MESSAGE_BYTES);
    st = digest_compose(&ident, &r, "weekly", stories, 2, NOW, &m, NULL);
    buf_fini(&m);
    return st;
}

static void
test_alloc_failure(void **state)
{
    (void)state;
    assert_true(test_alloc_failures(compose_one, NULL) > 1);
    assert_true(test_alloc_failures(compose_cached_twice, NULL) > 1);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_render),
        cmocka_unit_test(test_render_rejects),
        cmocka_unit_test(test_compose_digest),
        cmocka_unit_test(test_signed_link),
        cmocka_unit_test(test_compose_confirm_and_notice),
        cmocka_unit_test(test_theme_override),
        cmocka_unit_test(test_theme_errors),
        cmocka_unit_test(test_line_lengths),
        cmocka_unit_test(test_cache_same_output),
        cmocka_unit_test(test_cache_same_message),
        cmocka_unit_test(test_alloc_failure),
    };
    struct tpl_set *tpl = NULL;
    int rc;

    if (mail_theme_load(NULL, &tpl, NULL) != SYN_OK)
        return 1;
    ident.templates = tpl;
    rc = cmocka_run_group_tests(tests, NULL, NULL);
    tpl_set_free(tpl);
    return rc;
}
