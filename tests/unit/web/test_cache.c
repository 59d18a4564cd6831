/* web/cache, web/gzip, web/theme: entries with validators, the cache's
 * generations and limits, Accept-Encoding, gzip round trip, theme loading
 * with file:line errors. */
#include "testutil.h"

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <zlib.h>

#include "util/mem.h"
#include "web/cache.h"
#include "web/gzip.h"
#include "web/theme.h"

static struct web_entry *
make_entry(const char *body, const char *ctype)
{
    struct web_entry_spec spec;
    struct web_entry *e = NULL;
    struct syn_err err;

    memset(&spec, 0, sizeof(spec));
    spec.status = 200;
    spec.ctype = ctype;
    spec.body = body;
    spec.len = strlen(body);
    spec.cache_control = "public, max-age=60";
    spec.validators = true;
    assert_int_equal(web_entry_new(&spec, &e, &err), SYN_OK);
    return e;
}

static void
test_accept_gzip(void **state)
{
    static const struct {
        const char *ae;
        bool want;
    } cases[] = {
        {NULL, false},
        {"", false},
        {"gzip", true},
        {"GZIP", true},
        {"br, gzip", true},
        {"gzip;q=0", false},
        {"gzip; q=0.0", false},
        {"gzip;q=0.5", true},
        {"*", true},
        {"*;q=0", false},
        {"x-gzip", false},
        {"deflate, br", false},
        {"identity", false},
        {"br;q=1, gzip;q=0.001", true},
    };
    size_t i;

    (void)state;
    for (i = 0; i < SYN_ARRAY_LEN(cases); i++) {
        if (web_accepts_gzip(cases[i].ae) != cases[i].want) {
            fail_msg("case %zu '%s'", i, cases[i].ae ? cases[i].ae : "NULL");
        }
    }
}

static void
test_gzip_round_trip(void **state)
{
    char in[5000], back[6000];
    char *gz = NULL;
    size_t gz_len = 0, i;
    struct syn_err err;
    z_stream z;

    (void)state;
    for (i = 0; i < sizeof(in); i++) {
        in[i] = "<p>news</p>\n"[i % 12];
    }
    assert_int_equal(web_gzip(in, sizeof(in), &gz, &gz_len, &err), SYN_OK);
    assert_true(gz_len < sizeof(in) / 4);
    assert_int_equal((unsigned char)gz[0], 0x1f);
    assert_int_equal((unsigned char)gz[1], 0x8b);
    memset(&z, 0, sizeof(z));
    assert_int_equal(inflateInit2(&z, 16 + 15), Z_OK);
    z.next_in = (Bytef *)gz;
    z.avail_in = (uInt)gz_len;
    z.next_out = (Bytef *)back;
    z.avail_out = sizeof(back);
    assert_int_equal(inflate(&z, Z_FINISH), Z_STREAM_END);
    assert_int_equal(z.total_out, sizeof(in));
    assert_memory_equal(back, in, sizeof(in));
    inflateEnd(&z);
    syn_free(gz);
}

static void
test_entries(void **state)
{
    struct web_entry *a, *b, *small;
    char big[2000];

    (void)state;
    memset(big, 'x', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0';
    a = make_entry(big, "text/html; charset=utf-8");
    b = make_entry(big, "text/html; charset=utf-8");
    small = make_entry("tiny", "text/html; charset=utf-8");
    assert_non_null(a->gz);
    assert_null(small->gz); /* too small to gain */
    assert_non_null(small->nm);
    assert_string_equal(a->etag, b->etag); /* same bytes, same tag */
    assert_string_not_equal(a->etag, small->etag);
    assert_int_equal(a->etag[0], '"');
    assert_true(web_entry_etag_matches(a, a->etag));
    assert_true(web_entry_etag_matches(a, a->etag_gz));
    assert_true(web_entry_etag_matches(a, "*"));
    assert_false(web_entry_etag_matches(a, NULL));
    assert_false(web_entry_etag_matches(a, "\"nope\""));
    {
        char list[128], weak[64];

        snprintf(list, sizeof(list), "\"x\", %s , \"y\"", a->etag);
        assert_true(web_entry_etag_matches(a, list));
        snprintf(weak, sizeof(weak), "W/%s", a->etag);
        assert_true(web_entry_etag_matches(a, weak));
    }
    assert_true(strstr(a->last_modified, " GMT") != NULL);
    web_entry_release(a);
    web_entry_release(b);
    web_entry_release(small);
}

static void
test_cache_generations(void **state)
{
    struct web_cache *c = web_cache_new();
    struct web_entry *e1 = make_entry("one", "text/plain");
    struct web_entry *e2 = make_entry("two", "text/plain");
    struct web_entry *e3 = make_entry("three", "text/plain");
    struct web_entry *got;

    (void)state;
    assert_non_null(c);
    assert_null(web_cache_get(c, "/a", 1));
    assert_false(web_cache_put(c, "/a", 1, e1));
    assert_false(web_cache_put(c, "/b", 1, e2));
    got = web_cache_get(c, "/a", 1);
    assert_ptr_equal(got, e1);
    web_entry_release(got);
    /* The entry survives its eviction while a reader holds it. */
    got = web_cache_get(c, "/b", 1);
    assert_null(web_cache_get(c, "/a", 2));     /* newer generation: a miss */
    assert_true(web_cache_put(c, "/c", 2, e3)); /* and the put empties */
    assert_null(web_cache_get(c, "/a", 2));
    assert_string_equal(got->key, "/b");
    web_entry_release(got);
    got = web_cache_get(c, "/c", 2);
    assert_ptr_equal(got, e3);
    web_entry_release(got);
    web_cache_flush(c);
    assert_null(web_cache_get(c, "/c", 2));
    web_entry_release(e1);
    web_entry_release(e2);
    web_entry_release(e3);
    web_cache_free(c);
}

static void
write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");

    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static void
test_theme(void **state)
{
    static const char *const required[] = {"article.html", "error.html", NULL};
    static const char *const missing[] = {"nope.html", NULL};
    struct web_theme *t = NULL;
    struct syn_err err;
    const char *dir = test_tmpdir();
    char path[4200];

    (void)state;
    assert_int_equal(web_theme_load(NULL, required, &t, &err), SYN_OK);
    assert_non_null(web_theme_asset(t, "site.css"));
    assert_non_null(web_theme_asset(t, "favicon.svg"));
    assert_null(web_theme_asset(t, "../site.css"));
    web_theme_free(t);
    assert_int_equal(web_theme_load(NULL, missing, &t, &err), SYN_ENOTFOUND);
    assert_non_null(strstr(err.msg, "nope.html"));
    /* An override directory: a good CSS, then a broken template. */
    snprintf(path, sizeof(path), "%s/static", dir);
    assert_int_equal(mkdir(path, 0700), 0);
    snprintf(path, sizeof(path), "%s/templates", dir);
    assert_int_equal(mkdir(path, 0700), 0);
    snprintf(path, sizeof(path), "%s/static/site.css", dir);
    write_file(path, "body{color:red}");
    assert_int_equal(web_theme_load(dir, required, &t, &err), SYN_OK);
    assert_string_equal(web_theme_asset(t, "site.css")->data,
                        "body{color:red}");
    assert_string_equal(web_theme_asset(t, "site.css")->ctype,
                        "text/css; charset=utf-8");
    web_theme_free(t);
    snprintf(path, sizeof(path), "%s/templates/error.html", dir);
    write_file(path, "<h1>\n{{#title}}\n");
    assert_int_equal(web_theme_load(dir, required, &t, &err), SYN_EPARSE);
    assert_string_equal(err.msg, "error.html:2: unclosed section 'title'");
    test_rmtree(dir);
}

static enum syn_status
load_theme(void *state)
{
    struct web_theme *t = NULL;
    struct syn_err err;
    enum syn_status st;

    (void)state;
    st = web_theme_load(NULL, NULL, &t, &err);
    web_theme_free(t);
    return st;
}

static void
test_alloc_failure(void **state)
{
    (void)state;
    assert_true(test_alloc_failures(load_theme, NULL) > 10);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_accept_gzip),
        cmocka_unit_test(test_gzip_round_trip),
        cmocka_unit_test(test_entries),
        cmocka_unit_test(test_cache_generations),
        cmocka_unit_test(test_theme),
        cmocka_unit_test(test_alloc_failure),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
