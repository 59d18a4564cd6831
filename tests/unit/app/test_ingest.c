/* app/ingest: ingest_feed() dedupes, updates and clusters; ingest_run()
 * over file:// sources gives the same stored result with 1 or 3 worker
 * threads; both survive allocation failures without leaks. */
#include "testutil.h"

#include <curl/curl.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "app/ctx.h"
#include "app/ingest.h"
#include "store/store.h"
#include "util/mem.h"

#define WIRE                                                                   \
    "The regional flood early warning system went live on Monday in the "      \
    "lower river basin, sending text alerts to forty thousand households "     \
    "when gauges upstream cross danger levels. Engineers spent two years "     \
    "installing sensors along the tributaries and training volunteers."

struct fx {
    struct syn_ctx ctx;
    char dir[512];
    int64_t a, b; /* two sources */
};

static void
write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");

    assert_non_null(f);
    assert_int_equal(fputs(text, f) >= 0, 1);
    assert_int_equal(fclose(f), 0);
}

/* An RSS document with n items "<guid>|<link>|<title>|<body>". */
static char *
rss(const char *const *items, size_t n)
{
    static char doc[16384];
    size_t i, len;

    len = (size_t)snprintf(doc, sizeof(doc),
                           "<?xml version=\"1.0\"?><rss version=\"2.0\">"
                           "<channel><title>T</title>"
                           "<link>https://example.org/</link>");
    for (i = 0; i < n; i++) {
        char guid[64], link[128], title[128], body[1024];

        assert_int_equal(sscanf(items[i], "%63[^|]|%127[^|]|%127[^|]|%1023[^|]",
                                guid, link, title, body),
                         4);
        len += (size_t)snprintf(doc + len, sizeof(doc) - len,
                                "<item><guid>%s</guid><link>%s</link>"
                                "<title>%s</title><description><![CDATA[<p>%s"
                                "</p>]]></description></item>",
                                guid, link, title, body);
    }
    len += (size_t)snprintf(doc + len, sizeof(doc) - len, "</channel></rss>");
    assert_true(len < sizeof(doc));
    return doc;
}

static int64_t
add_source(struct fx *fx, const char *url)
{
    struct store_source in;
    struct syn_err err;
    int64_t id = 0;

    memset(&in, 0, sizeof(in));
    in.url = (char *)url;
    in.enabled = true;
    in.interval_s = 1800;
    assert_int_equal(store_source_add(fx->ctx.store, &in, 1, &id, &err),
                     SYN_OK);
    return id;
}

static int
fx_setup(void **state)
{
    struct fx *fx = syn_calloc(1, sizeof(*fx));
    struct ctx_opts opts = {NULL, NULL, -5, CTX_STORE | CTX_CREATE};
    char db[600];
    struct syn_err err;

    assert_non_null(fx);
    snprintf(fx->dir, sizeof(fx->dir), "%s", test_tmpdir());
    snprintf(db, sizeof(db), "%s/t.db", fx->dir);
    opts.db_path = db;
    assert_int_equal(ctx_open(&fx->ctx, &opts, &err), SYN_OK);
    *state = fx;
    return 0;
}

static int
fx_teardown(void **state)
{
    struct fx *fx = *state;

    ctx_close(&fx->ctx);
    test_rmtree(fx->dir);
    syn_free(fx);
    return 0;
}

/* ingest_feed of doc for source src in its own transaction. */
static enum syn_status
feed_in(struct fx *fx, int64_t src, const char *doc,
        struct ingest_source_report *r, bool commit)
{
    struct store_source *s = NULL;
    struct ingest_fetch f;
    struct syn_err err;
    enum syn_status st;

    memset(r, 0, sizeof(*r));
    memset(&f, 0, sizeof(f));
    f.url = "https://example.org/feed";
    f.body = doc;
    f.len = strlen(doc);
    f.status = 200;
    f.cache_max_age_s = -1;
    f.now = (int64_t)time(NULL);
    st = store_source_get(fx->ctx.store, src, &s, &err);
    if (st != SYN_OK)
        return st;
    st = store_begin(fx->ctx.store, &err);
    if (st == SYN_OK) {
        st = ingest_feed(&fx->ctx, s, &f, r, &err);
    }
    if (st == SYN_OK && commit) {
        st = store_commit(fx->ctx.store, &err);
    } else {
        SYN_IGNORE(store_rollback(fx->ctx.store, NULL));
    }
    store_source_free(s);
    return st;
}

static void
test_feed_dedupe_update_cluster(void **state)
{
    struct fx *fx = *state;
    static const char *const a1[] = {
        "a1|https://a.example.org/flood|Flood warning live|" WIRE,
        "a2|https://a.example.org/school|School opens|Pupils celebrate.",
        "a3|mailto:x@example.org|No web link|Not a story.",
    };
    static const char *const a2[] = {
        "a1|https://a.example.org/flood|Flood warning live|" WIRE,
        "a2|https://a.example.org/school|School opens|Pupils celebrate a "
        "new building.",
    };
    static const char *const b1[] = {
        "b1|https://A.example.org:443/flood?utm_source=x#top|Copy|" WIRE,
        "b2|https://b.example.org/flood|Flood alerts|" WIRE " Reported.",
    };
    static const struct {
        const char *const *items;
        size_t n;
        int source; /* 0: a, 1: b */
        size_t new_items, updated, duplicates;
    } steps[] = {
        {a1, 3, 0, 2, 0, 0},
        {a1, 3, 0, 0, 0, 0},
        {a2, 2, 0, 0, 1, 0},
        {b1, 2, 1, 1, 0, 1},
    };
    struct ingest_source_report r;
    struct store_item_list *members = NULL;
    struct store_item *flood = NULL;
    struct syn_err err;
    size_t i;

    fx->a = add_source(fx, "https://a.example.org/feed");
    fx->b = add_source(fx, "https://b.example.org/feed");
    for (i = 0; i < SYN_ARRAY_LEN(steps); i++) {
        int64_t src = steps[i].source ? fx->b : fx->a;

        assert_int_equal(
            feed_in(fx, src, rss(steps[i].items, steps[i].n), &r, true),
            SYN_OK);
        assert_int_equal(r.new_items, steps[i].new_items);
        assert_int_equal(r.updated_items, steps[i].updated);
        assert_int_equal(r.duplicates, steps[i].duplicates);
    }
    /* B's edited copy of the wire story joined A's in a cluster. */
    assert_int_equal(store_item_find_by_canonical(fx->ctx.store,
                                                  "https://a.example.org/flood",
                                                  &flood, &err),
                     SYN_OK);
    assert_int_equal(store_item_cluster_members(fx->ctx.store, flood->id, 10,
                                                &members, &err),
                     SYN_OK);
    assert_int_equal(members->n, 1);
    assert_string_equal(members->v[0].url, "https://b.example.org/flood");
    store_item_list_free(members);
    store_item_free(flood);
    /* Not a feed: SYN_EPARSE, nothing stored. */
    assert_int_equal(feed_in(fx, fx->a, "<html>no</html>", &r, true),
                     SYN_EPARSE);
}

static enum syn_status
feed_once(void *state)
{
    struct fx *fx = state;
    static const char *const items[] = {
        "x1|https://x.example.org/1|One|" WIRE,
        "x2|https://x.example.org/2|Two|Second story <b>bold</b>.",
    };
    struct ingest_source_report r;

    return feed_in(fx, fx->a, rss(items, 2), &r, false);
}

static void
test_feed_alloc_failure(void **state)
{
    struct fx *fx = *state;

    fx->a = add_source(fx, "https://x.example.org/feed");
    assert_true(test_alloc_failures(feed_once, fx) > 1);
}

/* n file:// sources in fx->dir: feed i has a story of its own, an
 * edition of the wire story (clustered) and feed i + 1's story under a
 * tracking URL (a cross-source duplicate of one or the other). */
static void
file_sources(struct fx *fx, unsigned n)
{
    unsigned i;

    for (i = 0; i < n; i++) {
        char path[700], url[720], line[3][1024];
        const char *items[3] = {line[0], line[1], line[2]};

        snprintf(path, sizeof(path), "%s/f%u.xml", fx->dir, i);
        snprintf(url, sizeof(url), "file://%s", path);
        snprintf(line[0], sizeof(line[0]),
                 "g%u|https://f%u.example.org/1|Story %u|Text %u.", i, i, i, i);
        snprintf(line[1], sizeof(line[1]),
                 "w%u|https://f%u.example.org/w|Wire|%s Edition %u.", i, i,
                 WIRE, i);
        snprintf(line[2], sizeof(line[2]),
                 "d%u|https://f%u.example.org/1?utm_source=y|Dup|Text.", i,
                 (i + 1) % n);
        write_file(path, rss(items, 3));
        add_source(fx, url);
    }
    fx->ctx.cfg.fetch_allow_file = true;
}

/* "items new/dup" of a run plus a digest of what is stored. */
static void
run_digest(struct fx *fx, long workers, char *out, size_t cap)
{
    struct ingest_opts opts = {true, 0, NULL, NULL};
    struct ingest_stats stats;
    struct store_item_query q;
    struct store_item_list *page = NULL;
    struct syn_err err;
    size_t i, len;

    fx->ctx.cfg.fetch_workers = workers;
    fx->ctx.cfg.fetch_concurrency = 1; /* a fixed completion order */
    assert_int_equal(ingest_run(&fx->ctx, &opts, &stats, &err), SYN_OK);
    len = (size_t)snprintf(out, cap, "%zu %zu %zu %zu |", stats.sources,
                           stats.fetched, stats.new_items, stats.duplicates);
    memset(&q, 0, sizeof(q));
    q.limit = 100;
    assert_int_equal(store_item_page(fx->ctx.store, &q, &page, &err), SYN_OK);
    for (i = 0; i < page->n && len < cap; i++) {
        len += (size_t)snprintf(out + len, cap - len, " %s:%d", page->v[i].url,
                                page->v[i].cluster_id != 0);
    }
    store_item_list_free(page);
}

static void
test_run_same_with_workers(void **state)
{
    struct fx *fx = *state;
    static const long workers[] = {1, 3};
    char want[4096], got[4096];
    size_t i;

    for (i = 0; i < SYN_ARRAY_LEN(workers); i++) {
        if (i > 0) {
            /* A fresh database for each worker count. */
            fx_teardown(state);
            fx_setup(state);
            fx = *state;
        }
        file_sources(fx, 6);
        run_digest(fx, workers[i], i == 0 ? want : got, sizeof(want));
    }
    assert_non_null(strstr(want, "6 6 12 6 |"));
    assert_non_null(strstr(want, "/w:1"));
    assert_string_equal(got, want);
}

/* A document that is not a feed, among good ones stored in the same run
 * (and likely the same group): it alone fails, with its reason. */
static void
test_run_bad_feed_alone(void **state)
{
    struct fx *fx = *state;
    struct ingest_opts opts = {true, 0, NULL, NULL};
    struct ingest_stats stats;
    struct store_source *src = NULL;
    char path[700], url[720];
    struct syn_err err;
    int64_t bad;

    snprintf(path, sizeof(path), "%s/bad.xml", fx->dir);
    snprintf(url, sizeof(url), "file://%s", path);
    write_file(path, "<html><body>Not a feed at all</body></html>");
    bad = add_source(fx, url);
    file_sources(fx, 6);
    fx->ctx.cfg.fetch_workers = 1;
    fx->ctx.cfg.fetch_concurrency = 1;
    assert_int_equal(ingest_run(&fx->ctx, &opts, &stats, &err), SYN_OK);
    assert_int_equal(stats.sources, 7);
    assert_int_equal(stats.failed, 1);
    assert_int_equal(stats.fetched, 6);
    assert_int_equal(store_source_get(fx->ctx.store, bad, &src, &err), SYN_OK);
    assert_int_equal(src->n_items, 0);
    assert_non_null(src->last_error);
    assert_non_null(strstr(src->last_error, "not a readable feed"));
    assert_int_equal(src->errors, 1);
    store_source_free(src);
}

static enum syn_status
run_once(void *state)
{
    struct fx *fx = state;
    struct ingest_opts opts = {true, 0, NULL, NULL};
    struct ingest_stats stats;
    struct syn_err err;

    return ingest_run(&fx->ctx, &opts, &stats, &err);
}

static void
test_run_alloc_failure(void **state)
{
    struct fx *fx = *state;

    file_sources(fx, 3);
    fx->ctx.cfg.fetch_workers = 2;
    assert_true(test_alloc_failures(run_once, fx) > 1);
    assert_int_equal(run_once(fx), SYN_OK);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_feed_dedupe_update_cluster,
                                        fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_feed_alloc_failure, fx_setup,
                                        fx_teardown),
        cmocka_unit_test_setup_teardown(test_run_same_with_workers, fx_setup,
                                        fx_teardown),
        cmocka_unit_test_setup_teardown(test_run_bad_feed_alone, fx_setup,
                                        fx_teardown),
        cmocka_unit_test_setup_teardown(test_run_alloc_failure, fx_setup,
                                        fx_teardown),
    };
    int rc;

    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
        return 1;
    rc = cmocka_run_group_tests(tests, NULL, NULL);
    curl_global_cleanup();
    return rc;
}
