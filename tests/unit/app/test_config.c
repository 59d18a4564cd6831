/* app/config: defaults, every kind of key, errors that name the line. */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/config.h"
#include "util/mem.h"

static void
test_defaults(void **state)
{
    struct syn_config cfg;

    (void)state;
    assert_int_equal(config_init(&cfg), SYN_OK);
    assert_string_equal(cfg.site_title, "syndic");
    assert_string_equal(cfg.server_listen, "127.0.0.1:8080");
    assert_false(cfg.fetch_allow_private);
    assert_int_equal(cfg.excerpt_words, 40);
    assert_int_equal(cfg.article_words, 150);
    assert_int_equal(cfg.digest_weekly_day, 1);
    assert_null(cfg.mail_smtp_url);
    config_fini(&cfg);
}

static void
test_full_file(void **state)
{
    static const char text[] =
        "; comment\n"
        "[site]\n"
        "title = Partner News\n"
        "base_url = https://news.example.org/\n"
        "language = fr\n"
        "[fetch]\n"
        "allow_private = yes\n"
        "allow_file = true\n"
        "interval = 600\n"
        "[mail]\n"
        "smtp_url = smtp://127.0.0.1:2525\n"
        "team_addresses = a@example.org, b@example.org\n"
        "[digest]\n"
        "weekly_day = Fri\n"
        "[topics]\n"
        "climate = Climate, emissions , CARBON,\n"
        "health = vaccine, hospital, public health, disease, epidemic,\n"
        "  pandemic, nutrition, malaria, tuberculosis, maternal care,\n"
        "  clinic, medicine, nurses, doctors, mental health, sanitation,\n"
        "  water, hygiene, outbreak, cholera\n";
    struct syn_config cfg;
    struct syn_err err;

    (void)state;
    assert_int_equal(config_load_string(&cfg, text, "t.ini", &err), SYN_OK);
    assert_string_equal(cfg.site_title, "Partner News");
    assert_string_equal(cfg.site_base_url, "https://news.example.org");
    assert_string_equal(cfg.site_language, "fr");
    assert_true(cfg.fetch_allow_private);
    assert_true(cfg.fetch_allow_file);
    assert_int_equal(cfg.fetch_interval_s, 600);
    assert_string_equal(cfg.mail_smtp_url, "smtp://127.0.0.1:2525");
    assert_int_equal(cfg.digest_weekly_day, 5);
    assert_int_equal(cfg.n_topics, 2);
    assert_string_equal(cfg.topics[0].slug, "climate");
    assert_string_equal(cfg.topics[0].name, "Climate");
    assert_int_equal(cfg.topics[0].n_keywords, 3);
    assert_string_equal(cfg.topics[0].keywords[0], "climate");
    assert_string_equal(cfg.topics[0].keywords[2], "carbon");
    assert_int_equal(cfg.topics[1].n_keywords, 20);
    assert_string_equal(cfg.topics[1].keywords[19], "cholera");
    config_fini(&cfg);
}

static void
test_errors_name_the_line(void **state)
{
    static const struct {
        const char *text;
        enum syn_status want;
        const char *msg;
    } cases[] = {
        {"[site]\ntitel = x\n", SYN_ECONFIG,
         "t.ini:2: unknown key 'titel' in [site]"},
        {"[nope]\na = b\n", SYN_ECONFIG, "t.ini:2: unknown section [nope]"},
        {"[fetch]\n\ninterval = soon\n", SYN_ECONFIG,
         "t.ini:3: [fetch] interval must be a whole number from 60 to "
         "604800"},
        {"[fetch]\nallow_file = perhaps\n", SYN_ECONFIG,
         "t.ini:2: bad value for [fetch] allow_file"},
        {"[site]\nthis line has no equals sign\n", SYN_ECONFIG,
         "t.ini:2: malformed line (expected [section], key = value or a ; "
         "comment)"},
        {"[topics]\nbad slug! = x\n", SYN_ECONFIG,
         "t.ini:2: topic name 'bad slug!' may only hold letters, digits, "
         "'-' and '_'"},
        {"[topics]\nempty = , ,\n", SYN_ECONFIG,
         "t.ini:2: topic 'empty' needs at least one keyword"},
        {"[digest]\nweekly_day = someday\n", SYN_ECONFIG,
         "t.ini:2: bad value for [digest] weekly_day"},
        {"[topics]\na = b\na = c\n", SYN_ECONFIG,
         "t.ini:3: topic 'a' defined twice"},
        {"[site]\ntitle = \xff\xfe\n", SYN_ECONFIG,
         "t.ini:2: bad value for [site] title"},
    };
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct syn_config cfg;
        struct syn_err err;

        syn_err_clear(&err);
        assert_int_equal(config_load_string(&cfg, cases[i].text, "t.ini", &err),
                         cases[i].want);
        assert_string_equal(err.msg, cases[i].msg);
    }
}

static void
test_missing_file(void **state)
{
    struct syn_config cfg;
    struct syn_err err;

    (void)state;
    assert_int_equal(config_load(&cfg, "/nonexistent/syndic.ini", &err),
                     SYN_EIO);
    assert_string_equal(err.msg,
                        "/nonexistent/syndic.ini: cannot read the "
                        "configuration");
}

static void
test_long_line(void **state)
{
    char text[600];
    struct syn_config cfg;
    struct syn_err err;

    (void)state;
    memset(text, 'x', sizeof(text));
    memcpy(text, "[site]\ntitle = ", 15);
    text[sizeof(text) - 2] = '\n';
    text[sizeof(text) - 1] = '\0';
    assert_int_equal(config_load_string(&cfg, text, "t.ini", &err),
                     SYN_ECONFIG);
    assert_non_null(strstr(err.msg, "t.ini:2: line longer than"));
}

struct doc_check {
    char *doc;
    int missing;
};

static void
check_documented(void *user, const char *section, const char *key,
                 const char *def, const char *doc)
{
    struct doc_check *c = user;
    char want[128];

    (void)def;
    (void)doc;
    snprintf(want, sizeof(want), "| `%s` | `%s` |", section, key);
    if (strstr(c->doc, want) == NULL) {
        fprintf(stderr, "docs/CONFIG.md lacks a row starting %s\n", want);
        c->missing++;
    }
}

static void
test_every_key_documented(void **state)
{
    char path[4096];
    struct doc_check c = {NULL, 0};
    const char *root = getenv("SYNDIC_SOURCE_DIR");

    (void)state;
    snprintf(path, sizeof(path), "%s/docs/CONFIG.md", root ? root : ".");
    c.doc = test_read_file(path, NULL);
    assert_non_null(c.doc);
    config_describe(check_documented, &c);
    assert_int_equal(c.missing, 0);
    syn_free(c.doc);
}

static enum syn_status
load_sample(void *state)
{
    struct syn_config cfg;
    struct syn_err err;
    enum syn_status st;

    (void)state;
    st = config_load_string(&cfg, "[site]\ntitle=x\n[topics]\na=b,c\n", "t",
                            &err);
    if (st == SYN_OK) {
        config_fini(&cfg);
    }
    return st;
}

static void
test_alloc_failure(void **state)
{
    (void)state;
    assert_true(test_alloc_failures(load_sample, NULL) > 5);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_defaults),
        cmocka_unit_test(test_full_file),
        cmocka_unit_test(test_errors_name_the_line),
        cmocka_unit_test(test_missing_file),
        cmocka_unit_test(test_long_line),
        cmocka_unit_test(test_every_key_documented),
        cmocka_unit_test(test_alloc_failure),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
