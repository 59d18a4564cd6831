/* web/req: web_fail() maps every status to one HTTP code and a page that
 * shows 4xx detail but never 5xx detail; answer helpers. */
#include "testutil.h"

#include <stdio.h>
#include <string.h>

#include "util/mem.h"
#include "web/req.h"
#include "web/theme.h"

struct fixture {
    struct web_opts o;
    struct web_site site;
    struct web_req req;
    struct syn_log log;
    FILE *devnull;
};

static void
fixture_init(struct fixture *f)
{
    struct syn_err err;
    struct web_theme *theme = NULL;

    memset(f, 0, sizeof(*f));
    f->devnull = fopen("/dev/null", "w");
    f->log.level = LOG_ERROR;
    f->log.out = f->devnull;
    f->o.site_title = "T";
    f->o.base_url = "https://news.example";
    f->o.language = "en";
    f->o.log = &f->log;
    assert_int_equal(web_theme_load(NULL, NULL, &theme, &err), SYN_OK);
    f->site.opts = &f->o;
    f->site.theme = theme;
    f->site.theme_owned = theme;
    f->req.site = &f->site;
    f->req.path = "/x";
    arena_init(&f->req.arena, 4096, 0);
    buf_init(&f->req.resp.body, 1 << 20);
}

static void
fixture_fini(struct fixture *f)
{
    buf_fini(&f->req.resp.body);
    arena_fini(&f->req.arena);
    web_theme_free(f->site.theme_owned);
    fclose(f->devnull);
}

static void
test_fail_mapping(void **state)
{
    static const struct {
        enum syn_status st;
        unsigned http;
        bool shows_detail;
    } cases[] = {
        {SYN_ENOTFOUND, 404, true}, {SYN_EINVAL, 400, true},
        {SYN_EPARSE, 400, true},    {SYN_ETOOBIG, 413, true},
        {SYN_EAUTH, 403, true},     {SYN_EDENIED, 429, true},
        {SYN_EDB, 500, false},      {SYN_ENOMEM, 500, false},
        {SYN_EIO, 500, false},      {SYN_ENET, 500, false},
    };
    size_t i;

    (void)state;
    for (i = 0; i < SYN_ARRAY_LEN(cases); i++) {
        struct fixture f;
        struct syn_err err;

        fixture_init(&f);
        syn_err_set(&err, cases[i].st, "detail <b>%zu</b>", i);
        web_fail(&f.req, cases[i].st, &err);
        assert_true(f.req.resp.set);
        assert_int_equal(f.req.resp.status, cases[i].http);
        assert_true(f.req.resp.no_cache);
        assert_string_equal(f.req.resp.ctype, "text/html; charset=utf-8");
        if (cases[i].shows_detail) {
            assert_non_null(
                strstr(buf_cstr(&f.req.resp.body), "detail &lt;b&gt;"));
        } else {
            assert_null(strstr(buf_cstr(&f.req.resp.body), "detail"));
        }
        assert_null(strstr(buf_cstr(&f.req.resp.body), "<b>"));
        fixture_fini(&f);
    }
}

static void
test_helpers(void **state)
{
    struct fixture f;
    struct syn_err err;

    (void)state;
    fixture_init(&f);
    assert_string_equal(web_abs_url(&f.req, "/a/1"),
                        "https://news.example/a/1");
    assert_int_equal(web_redirect(&f.req, 301, "/a/1/x", &err), SYN_OK);
    assert_int_equal(f.req.resp.status, 301);
    assert_string_equal(f.req.resp.location, "/a/1/x");
    assert_int_equal(web_reply(&f.req, 200, "text/plain", "ok", 2, &err),
                     SYN_OK);
    assert_string_equal(buf_cstr(&f.req.resp.body), "ok");
    web_outbox_queued(&f.req); /* no hook: nothing happens */
    fixture_fini(&f);
}

/* Under allocation failure the answer degrades (plain text, then an
 * empty body) but keeps its status and leaks nothing. */
static enum syn_status
fail_page(void *state)
{
    struct fixture *f = state;
    struct syn_err err;

    arena_init(&f->req.arena, 4096, 0);
    memset(&f->req.resp, 0, sizeof(f->req.resp));
    buf_init(&f->req.resp.body, 1 << 20);
    syn_err_set(&err, SYN_ENOTFOUND, "nothing here");
    web_fail(&f->req, SYN_ENOTFOUND, &err);
    assert_int_equal(f->req.resp.status, 404);
    assert_true(f->req.resp.set);
    buf_fini(&f->req.resp.body);
    arena_fini(&f->req.arena);
    return SYN_OK;
}

static void
test_alloc_failure(void **state)
{
    struct fixture f;

    (void)state;
    fixture_init(&f);
    buf_fini(&f.req.resp.body);
    arena_fini(&f.req.arena);
    assert_true(test_alloc_failures(fail_page, &f) >= 1);
    arena_init(&f.req.arena, 4096, 0);
    buf_init(&f.req.resp.body, 16);
    fixture_fini(&f);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fail_mapping),
        cmocka_unit_test(test_helpers),
        cmocka_unit_test(test_alloc_failure),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
