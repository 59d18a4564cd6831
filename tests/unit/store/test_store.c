/* store: migrations, transactions, sources, items, clusters, topics, share
 * counts and full-text search against a real SQLite file. */
#include "storetest.h"

#include <sqlite3.h>

static void
test_migrate_twice(void **state)
{
    struct fx *fx = *state;
    int n = -1, version = 0, latest = 0;

    /* fx_setup migrated once already. */
    assert_int_equal(store_migrate(fx->s, &n, &fx->err), SYN_OK);
    assert_int_equal(n, 0);
    assert_int_equal(store_schema_version(fx->s, &version, &latest, &fx->err),
                     SYN_OK);
    assert_true(latest >= 2);
    assert_int_equal(version, latest);
    /* A second connection sees the same schema and applies nothing. */
    store_close(fx->s);
    assert_int_equal(store_open(fx->path, &fx->s, &fx->err), SYN_OK);
    assert_int_equal(store_migrate(fx->s, &n, &fx->err), SYN_OK);
    assert_int_equal(n, 0);
}

static void
test_open_errors(void **state)
{
    struct store *s = NULL;
    struct syn_err err;

    (void)state;
    assert_int_equal(store_open("", &s, &err), SYN_EINVAL);
    assert_int_equal(store_open("postgresql://db/syndic", &s, &err),
                     SYN_EINVAL);
    assert_int_equal(store_open("/nonexistent-dir/x/y.db", &s, &err), SYN_EDB);
    assert_null(s);
}

/* A database made by an older syndic (only migration 1) is upgraded in
 * place, and rows it held become searchable. */
static void
test_upgrade_from_v1(void **state)
{
    struct fx *fx = *state;
    struct store_item_list *hits = NULL;
    sqlite3 *db = NULL;
    int n = 0, version = 0;

    assert_int_equal(store_migrate_to(fx->s, 1, &n, &fx->err), SYN_OK);
    assert_int_equal(n, 1);
    assert_int_equal(store_schema_version(fx->s, &version, NULL, &fx->err),
                     SYN_OK);
    assert_int_equal(version, 1);
    fx_source(fx, "https://old.example/feed");
    /* Rows as the old version wrote them (it had no search index). */
    assert_int_equal(sqlite3_open(fx->path, &db), SQLITE_OK);
    assert_int_equal(
        sqlite3_exec(db,
                     "INSERT INTO items(source_id, guid, url, title,"
                     " excerpt_text, ingested, sort_time, content_hash)"
                     " VALUES(1, 'g1', 'https://old.example/1',"
                     " '今天北京的天气很好', 'old text', 1, 1, 'h')",
                     NULL, NULL, NULL),
        SQLITE_OK);
    sqlite3_close(db);

    assert_int_equal(store_migrate(fx->s, &n, &fx->err), SYN_OK);
    assert_true(n >= 1);
    assert_int_equal(store_migrate(fx->s, &n, &fx->err), SYN_OK);
    assert_int_equal(n, 0);
    assert_int_equal(store_item_search(fx->s, "北京", 0, 10, &hits, &fx->err),
                     SYN_OK);
    assert_int_equal(hits->n, 1);
    assert_string_equal(hits->v[0].guid, "g1");
    store_item_list_free(hits);
}

static void
test_transactions(void **state)
{
    struct fx *fx = *state;
    struct store_source *src = NULL;
    int64_t id;

    assert_int_equal(store_begin(fx->s, &fx->err), SYN_OK);
    assert_int_equal(store_begin(fx->s, &fx->err), SYN_EINVAL);
    id = fx_source(fx, "https://a.example/feed");
    /* Multi-statement operations nest as savepoints. */
    fx_item(fx, id, "g1", "Title", "text", T0);
    assert_int_equal(store_rollback(fx->s, &fx->err), SYN_OK);
    assert_int_equal(store_source_get(fx->s, id, &src, &fx->err),
                     SYN_ENOTFOUND);

    assert_int_equal(store_begin(fx->s, &fx->err), SYN_OK);
    id = fx_source(fx, "https://a.example/feed");
    fx_item(fx, id, "g1", "Title", "text", T0);
    assert_int_equal(store_commit(fx->s, &fx->err), SYN_OK);
    assert_int_equal(store_commit(fx->s, &fx->err), SYN_EINVAL);
    assert_int_equal(store_rollback(fx->s, &fx->err), SYN_OK);
    assert_int_equal(store_source_get(fx->s, id, &src, &fx->err), SYN_OK);
    assert_int_equal(src->n_items, 1);
    store_source_free(src);
}

/* How many items a search finds. */
static size_t
fx_hits(struct fx *fx, const char *query)
{
    struct store_item_list *hits = NULL;
    size_t n;

    assert_int_equal(store_item_search(fx->s, query, 0, 50, &hits, &fx->err),
                     SYN_OK);
    n = hits->n;
    store_item_list_free(hits);
    return n;
}

/* A savepoint undoes one part of a transaction, search entries
 * included; entries are written at commit, and only for items that
 * still exist then. */
static void
test_savepoints(void **state)
{
    struct fx *fx = *state;
    struct store_item *got = NULL;
    int64_t a, b, gone;

    assert_int_equal(store_savepoint(fx->s, &fx->err), SYN_EINVAL);
    assert_int_equal(store_release(fx->s, &fx->err), SYN_EINVAL);
    assert_int_equal(store_begin(fx->s, &fx->err), SYN_OK);
    assert_int_equal(store_release(fx->s, &fx->err), SYN_EINVAL);
    assert_int_equal(store_rollback_to(fx->s, &fx->err), SYN_EINVAL);
    a = fx_source(fx, "https://a.example/feed");
    fx_item(fx, a, "kept1", "Alpaca", "kept before", T0);
    assert_int_equal(store_savepoint(fx->s, &fx->err), SYN_OK);
    assert_int_equal(store_savepoint(fx->s, &fx->err), SYN_EINVAL);
    b = fx_item(fx, a, "undone", "Bison", "undone", T0);
    assert_int_equal(store_rollback_to(fx->s, &fx->err), SYN_OK);
    assert_int_equal(store_savepoint(fx->s, &fx->err), SYN_OK);
    /* The undone item's rowid is used again: its entry must not be. */
    assert_int_equal(fx_item(fx, a, "kept2", "Caribou", "kept after", T0), b);
    assert_int_equal(store_release(fx->s, &fx->err), SYN_OK);
    /* An item removed in the same transaction gets no search entry. */
    gone = fx_source(fx, "https://gone.example/feed");
    fx_item(fx, gone, "gone", "Dingo", "removed", T0);
    assert_int_equal(store_source_remove(fx->s, gone, &fx->err), SYN_OK);
    assert_int_equal(store_commit(fx->s, &fx->err), SYN_OK);

    assert_int_equal(store_item_get(fx->s, b, &got, &fx->err), SYN_OK);
    assert_string_equal(got->guid, "kept2");
    store_item_free(got);
    assert_int_equal(fx_hits(fx, "kept"), 2);
    assert_int_equal(fx_hits(fx, "Caribou"), 1);
    assert_int_equal(fx_hits(fx, "Bison"), 0);
    assert_int_equal(fx_hits(fx, "undone"), 0);
    assert_int_equal(fx_hits(fx, "Dingo"), 0);

    /* A rollback forgets the pending entries. */
    assert_int_equal(store_begin(fx->s, &fx->err), SYN_OK);
    fx_item(fx, a, "rolled", "Ferret", "rolled back", T0);
    assert_int_equal(store_savepoint(fx->s, &fx->err), SYN_OK);
    assert_int_equal(store_rollback(fx->s, &fx->err), SYN_OK);
    assert_int_equal(store_begin(fx->s, &fx->err), SYN_OK);
    assert_int_equal(store_savepoint(fx->s, &fx->err), SYN_OK);
    assert_int_equal(store_commit(fx->s, &fx->err), SYN_OK);
    assert_int_equal(fx_hits(fx, "Ferret"), 0);
    /* Checkpoints by hand: the log keeps what was committed until one
     * copies it. */
    assert_int_equal(store_set_autocheckpoint(fx->s, false, &fx->err), SYN_OK);
    fx_item(fx, a, "logged", "Gecko", "in the log", T0);
    {
        size_t log_pages = 0;

        assert_int_equal(store_checkpoint(fx->s, &log_pages, &fx->err), SYN_OK);
        assert_true(log_pages > 0);
        assert_int_equal(store_checkpoint(fx->s, NULL, &fx->err), SYN_OK);
    }
    assert_int_equal(store_set_autocheckpoint(fx->s, true, &fx->err), SYN_OK);
    assert_int_equal(fx_hits(fx, "Gecko"), 1);
    assert_int_equal(store_set_cache_size(fx->s, 4u << 20, &fx->err), SYN_OK);
    assert_int_equal(store_set_cache_size(fx->s, STORE_CACHE_BYTES, &fx->err),
                     SYN_OK);
}

static void
test_data_version(void **state)
{
    struct fx *fx = *state;
    struct store *other = NULL;
    int64_t v1 = 0, v2 = 0, v3 = 0, v4 = 0;

    assert_int_equal(store_data_version(fx->s, &v1, &fx->err), SYN_OK);
    assert_int_equal(store_data_version(fx->s, &v2, &fx->err), SYN_OK);
    assert_true(v1 == v2);
    /* A commit by another connection. */
    assert_int_equal(store_open(fx->path, &other, &fx->err), SYN_OK);
    assert_int_equal(store_setting_set(other, "k", "v", &fx->err), SYN_OK);
    assert_int_equal(store_data_version(fx->s, &v3, &fx->err), SYN_OK);
    assert_true(v3 != v2);
    store_close(other);
    /* A change by this connection. */
    assert_int_equal(store_setting_set(fx->s, "k", "w", &fx->err), SYN_OK);
    assert_int_equal(store_data_version(fx->s, &v4, &fx->err), SYN_OK);
    assert_true(v4 != v3);
}

static void
test_sources(void **state)
{
    struct fx *fx = *state;
    struct store_source in, *src = NULL;
    struct store_source_list *list = NULL;
    struct store_fetch_result r;
    struct store_partner p;
    const char *topics[] = {"climate", "health"};
    int64_t a, b, again = 0, pid = 0;

    memset(&p, 0, sizeof(p));
    p.slug = (char *)"unicef";
    p.name = (char *)"UNICEF";
    assert_int_equal(store_partner_add(fx->s, &p, T0, &pid, &fx->err), SYN_OK);
    memset(&in, 0, sizeof(in));
    in.url = (char *)"https://a.example/feed";
    in.partner_id = pid;
    in.interval_s = 600;
    assert_int_equal(store_source_add(fx->s, &in, T0, &a, &fx->err), SYN_OK);
    assert_int_equal(store_source_add(fx->s, &in, T0, &again, &fx->err),
                     SYN_EEXIST);
    assert_int_equal(again, a);
    in.url = (char *)"https://b.example/feed";
    in.partner_id = 0;
    in.next_fetch = T0 + 5000;
    assert_int_equal(store_source_add(fx->s, &in, T0, &b, &fx->err), SYN_OK);
    in.url = NULL;
    assert_int_equal(store_source_add(fx->s, &in, T0, &b, &fx->err),
                     SYN_EINVAL);

    assert_int_equal(store_source_set_topics(fx->s, a, topics, 2, &fx->err),
                     SYN_OK);
    assert_int_equal(store_source_set_topics(fx->s, 999, topics, 2, &fx->err),
                     SYN_ENOTFOUND);
    fx_item(fx, a, "g1", "One", "text", T0);

    assert_int_equal(store_source_get(fx->s, a, &src, &fx->err), SYN_OK);
    assert_string_equal(src->url, "https://a.example/feed");
    assert_string_equal(src->partner_slug, "unicef");
    assert_true(src->enabled);
    assert_int_equal(src->interval_s, 600);
    assert_int_equal(src->next_fetch, T0);
    assert_true(strstr(src->topics, "climate") != NULL);
    assert_true(strstr(src->topics, "health") != NULL);
    assert_int_equal(src->n_items, 1);
    store_source_free(src);
    src = NULL;
    assert_int_equal(store_source_get_by_url(fx->s, "https://b.example/feed",
                                             &src, &fx->err),
                     SYN_OK);
    assert_int_equal(src->id, b);
    assert_null(src->partner_slug);
    assert_string_equal(src->topics, "");
    store_source_free(src);
    assert_int_equal(store_source_get_by_url(fx->s, "nope", &src, &fx->err),
                     SYN_ENOTFOUND);

    /* Due: only a (b is due later). */
    assert_int_equal(store_source_due(fx->s, T0 + 1, 0, &list, &fx->err),
                     SYN_OK);
    assert_int_equal(list->n, 1);
    assert_int_equal(list->v[0].id, a);
    store_source_list_free(list);

    /* Two failures, then a 304 that keeps the validators. */
    memset(&r, 0, sizeof(r));
    r.failed = true;
    r.status = 503;
    r.error = "HTTP 503";
    r.fetched = T0 + 10;
    r.next_fetch = T0 + 100;
    assert_int_equal(store_source_update_fetch(fx->s, a, &r, &fx->err), SYN_OK);
    assert_int_equal(store_source_update_fetch(fx->s, a, &r, &fx->err), SYN_OK);
    assert_int_equal(store_source_get(fx->s, a, &src, &fx->err), SYN_OK);
    assert_int_equal(src->errors, 2);
    assert_int_equal(src->last_status, 503);
    assert_string_equal(src->last_error, "HTTP 503");
    store_source_free(src);
    memset(&r, 0, sizeof(r));
    r.status = 200;
    r.etag = "\"v1\"";
    r.last_modified = "Sat, 28 Nov 2026 10:00:00 GMT";
    r.title = "Feed A";
    r.fetched = T0 + 200;
    r.next_fetch = T0 + 800;
    assert_int_equal(store_source_update_fetch(fx->s, a, &r, &fx->err), SYN_OK);
    memset(&r, 0, sizeof(r));
    r.status = 304;
    r.fetched = T0 + 900;
    r.next_fetch = T0 + 1500;
    assert_int_equal(store_source_update_fetch(fx->s, a, &r, &fx->err), SYN_OK);
    assert_int_equal(store_source_update_fetch(fx->s, 999, &r, &fx->err),
                     SYN_ENOTFOUND);
    assert_int_equal(store_source_get(fx->s, a, &src, &fx->err), SYN_OK);
    assert_int_equal(src->errors, 0);
    assert_int_equal(src->last_status, 304);
    assert_null(src->last_error);
    assert_string_equal(src->etag, "\"v1\"");
    assert_string_equal(src->title, "Feed A");
    assert_int_equal(src->last_fetch, T0 + 900);
    assert_int_equal(src->next_fetch, T0 + 1500);
    store_source_free(src);

    /* Disabled sources are never due. */
    assert_int_equal(
        store_source_set_enabled(fx->s, b, false, "gone (410)", &fx->err),
        SYN_OK);
    assert_int_equal(store_source_due(fx->s, T0 + 99999, 10, &list, &fx->err),
                     SYN_OK);
    assert_int_equal(list->n, 1);
    assert_int_equal(list->v[0].id, a);
    store_source_list_free(list);
    assert_int_equal(store_source_get(fx->s, b, &src, &fx->err), SYN_OK);
    assert_false(src->enabled);
    assert_string_equal(src->disabled_reason, "gone (410)");
    store_source_free(src);

    /* Removing the partner keeps its sources. */
    assert_int_equal(store_partner_remove(fx->s, pid, &fx->err), SYN_OK);
    assert_int_equal(store_source_list(fx->s, &list, &fx->err), SYN_OK);
    assert_int_equal(list->n, 2);
    assert_int_equal(list->v[0].id, a);
    assert_int_equal(list->v[0].partner_id, 0);
    assert_int_equal(list->v[0].n_items, 1);
    assert_int_equal(list->v[1].n_items, 0);
    store_source_list_free(list);
}

static void
test_remove_cascades(void **state)
{
    struct fx *fx = *state;
    struct store_item_list *hits = NULL;
    struct store_share_list *shares = NULL;
    struct store_item *item = NULL;
    struct store_stats stats;
    int64_t a = fx_source(fx, "https://a.example/feed");
    int64_t b = fx_source(fx, "https://b.example/feed");
    int64_t i1 = fx_item(fx, a, "a1", "Zebra crossing", "zebra", T0);
    int64_t i2 = fx_item(fx, b, "b1", "Zebra stripes", "zebra", T0);

    assert_int_equal(store_share_increment(fx->s, i1, "pinterest", &fx->err),
                     SYN_OK);
    assert_int_equal(store_cluster_assign(fx->s, i2, i1, T0, NULL, &fx->err),
                     SYN_OK);
    assert_int_equal(store_source_remove(fx->s, a, &fx->err), SYN_OK);
    assert_int_equal(store_source_remove(fx->s, a, &fx->err), SYN_ENOTFOUND);
    assert_int_equal(store_item_get(fx->s, i1, &item, &fx->err), SYN_ENOTFOUND);
    assert_int_equal(store_share_totals(fx->s, i1, &shares, &fx->err), SYN_OK);
    assert_int_equal(shares->n, 0);
    store_share_list_free(shares);
    assert_int_equal(store_item_search(fx->s, "zebra", 0, 10, &hits, &fx->err),
                     SYN_OK);
    assert_int_equal(hits->n, 1);
    assert_int_equal(hits->v[0].id, i2);
    store_item_list_free(hits);
    assert_int_equal(store_stats(fx->s, &stats, &fx->err), SYN_OK);
    assert_int_equal(stats.sources, 1);
    assert_int_equal(stats.items, 1);
}

static void
test_item_upsert(void **state)
{
    struct fx *fx = *state;
    struct store_item in, *got = NULL;
    enum store_upsert res;
    int64_t src = fx_source(fx, "https://a.example/feed");
    int64_t other = fx_source(fx, "https://b.example/feed");
    int64_t id = 0, id2 = 0;

    memset(&in, 0, sizeof(in));
    in.source_id = src;
    in.guid = (char *)"urn:1";
    in.url = (char *)"https://a.example/1?utm_source=x";
    in.canonical_url = (char *)"https://a.example/1";
    in.title = (char *)"First";
    in.authors = (char *)"[\"Ann\"]";
    in.categories = (char *)"[\"x\",\"y\"]";
    in.content_hash = (char *)"aaa";
    in.simhash = UINT64_C(0xfedcba9876543210);
    in.published = T0 + 5000; /* in the future: sorted by ingestion */
    in.language = (char *)"en";
    assert_int_equal(store_item_upsert(fx->s, &in, T0, &res, &id, &fx->err),
                     SYN_OK);
    assert_int_equal(res, STORE_INSERTED);
    assert_int_equal(
        store_item_upsert(fx->s, &in, T0 + 60, &res, &id2, &fx->err), SYN_OK);
    assert_int_equal(res, STORE_UNCHANGED);
    assert_int_equal(id2, id);
    in.content_hash = (char *)"bbb";
    in.title = (char *)"First, corrected";
    in.published = T0 - 100;
    assert_int_equal(
        store_item_upsert(fx->s, &in, T0 + 120, &res, &id2, &fx->err), SYN_OK);
    assert_int_equal(res, STORE_UPDATED);
    assert_int_equal(id2, id);

    assert_int_equal(store_item_get(fx->s, id, &got, &fx->err), SYN_OK);
    assert_string_equal(got->title, "First, corrected");
    assert_string_equal(got->content_hash, "bbb");
    assert_int_equal(got->ingested, T0);
    assert_int_equal(got->sort_time, T0 - 100);
    assert_true(got->simhash == UINT64_C(0xfedcba9876543210));
    assert_string_equal(got->authors, "[\"Ann\"]");
    assert_string_equal(got->source_title, "A source");
    assert_null(got->text);
    assert_int_equal(got->cluster_id, 0);
    store_item_free(got);
    got = NULL;

    /* The same story from another source: found by canonical URL. */
    in.source_id = other;
    in.guid = (char *)"other-guid";
    assert_int_equal(
        store_item_upsert(fx->s, &in, T0 + 200, &res, &id2, &fx->err), SYN_OK);
    assert_int_equal(res, STORE_INSERTED);
    assert_int_equal(store_item_find_by_canonical(fx->s, "https://a.example/1",
                                                  &got, &fx->err),
                     SYN_OK);
    assert_int_equal(got->id, id);
    store_item_free(got);
    assert_int_equal(
        store_item_find_by_canonical(fx->s, "https://nope/", &got, &fx->err),
        SYN_ENOTFOUND);

    in.source_id = 9999;
    assert_int_equal(store_item_upsert(fx->s, &in, T0, &res, &id2, &fx->err),
                     SYN_ENOTFOUND);
    in.source_id = src;
    in.guid = NULL;
    assert_int_equal(store_item_upsert(fx->s, &in, T0, &res, &id2, &fx->err),
                     SYN_EINVAL);
}

/* A batch is the same as one call per item, in order, and atomic: a bad
 * item rolls back the whole batch, search entries included. */
static void
test_item_upsert_many(void **state)
{
    struct fx *fx = *state;
    struct store_item in[4];
    struct store_item_list *hits = NULL;
    enum store_upsert res[4];
    int64_t ids[4], id = 0;
    int64_t src = fx_source(fx, "https://a.example/feed");
    static const char *const guids[] = {"g1", "g2", "g1", "g3"};
    static const char *const hashes[] = {"h1", "h2", "h1b", "h3"};
    static const enum store_upsert want[] = {STORE_INSERTED, STORE_INSERTED,
                                             STORE_UPDATED, STORE_INSERTED};
    size_t i;

    memset(in, 0, sizeof(in));
    for (i = 0; i < 4; i++) {
        in[i].source_id = src;
        in[i].guid = (char *)guids[i];
        in[i].url = (char *)"https://a.example/x";
        in[i].title = (char *)"Quokka news";
        in[i].content_hash = (char *)hashes[i];
        in[i].text = (char *)"wombat";
    }
    /* g1's first version is replaced within the batch, search entry too. */
    in[0].text = (char *)"numbat wombat";
    assert_int_equal(store_item_upsert_many(fx->s, in, 0, T0, NULL, NULL,
                                            &fx->err),
                     SYN_OK);
    assert_int_equal(
        store_item_upsert_many(fx->s, in, 4, T0, res, ids, &fx->err), SYN_OK);
    for (i = 0; i < 4; i++) {
        assert_int_equal(res[i], want[i]);
    }
    assert_int_equal(ids[2], ids[0]);
    assert_true(ids[1] != ids[0] && ids[3] != ids[1]);
    assert_int_equal(store_item_search(fx->s, "wombat", 0, 10, &hits, &fx->err),
                     SYN_OK);
    assert_int_equal(hits->n, 3);
    store_item_list_free(hits);
    assert_int_equal(store_item_search(fx->s, "numbat", 0, 10, &hits, &fx->err),
                     SYN_OK);
    assert_int_equal(hits->n, 0);
    store_item_list_free(hits);
    /* Again: unchanged, except g1 now differs from h1b. */
    assert_int_equal(
        store_item_upsert_many(fx->s, in, 4, T0, res, ids, &fx->err), SYN_OK);
    assert_int_equal(res[0], STORE_UPDATED);
    assert_int_equal(res[1], STORE_UNCHANGED);
    assert_int_equal(res[3], STORE_UNCHANGED);

    /* An unknown source in the batch: nothing of it is kept. */
    in[0].guid = (char *)"new1";
    in[0].text = (char *)"platypus";
    in[1].source_id = 9999;
    in[1].guid = (char *)"new2";
    assert_int_equal(
        store_item_upsert_many(fx->s, in, 2, T0, res, ids, &fx->err),
        SYN_ENOTFOUND);
    assert_int_equal(
        store_item_search(fx->s, "platypus", 0, 10, &hits, &fx->err), SYN_OK);
    assert_int_equal(hits->n, 0);
    store_item_list_free(hits);
    in[1].source_id = src;
    in[1].url = NULL;
    assert_int_equal(
        store_item_upsert_many(fx->s, in, 2, T0, res, ids, &fx->err),
        SYN_EINVAL);
    /* Inside a caller's transaction, rolled back with it. */
    in[1].url = (char *)"https://a.example/y";
    assert_int_equal(store_begin(fx->s, &fx->err), SYN_OK);
    assert_int_equal(
        store_item_upsert_many(fx->s, in, 2, T0, res, ids, &fx->err), SYN_OK);
    id = ids[0];
    assert_int_equal(store_rollback(fx->s, &fx->err), SYN_OK);
    assert_int_equal(
        store_item_search(fx->s, "platypus", 0, 10, &hits, &fx->err), SYN_OK);
    assert_int_equal(hits->n, 0);
    store_item_list_free(hits);
    assert_true(id > 0);
}

static void
test_pages(void **state)
{
    struct fx *fx = *state;
    struct store_item_query q;
    struct store_item_list *page = NULL;
    const char *topic[] = {"climate"};
    int64_t a = fx_source(fx, "https://a.example/feed");
    int64_t b = fx_source(fx, "https://b.example/feed");
    int64_t last_time = INT64_MAX, last_id = INT64_MAX;
    int seen = 0, pages = 0, i;
    char guid[32];

    assert_int_equal(store_source_set_topics(fx->s, b, topic, 1, &fx->err),
                     SYN_OK);
    /* 25 items; pairs share a published time to exercise the id tiebreak. */
    for (i = 0; i < 25; i++) {
        snprintf(guid, sizeof(guid), "g%02d", i);
        fx_item(fx, i % 5 == 0 ? b : a, guid, "t", "x", T0 + (i / 2) * 60);
    }
    memset(&q, 0, sizeof(q));
    q.limit = 10;
    do {
        size_t k;

        assert_int_equal(store_item_page(fx->s, &q, &page, &fx->err), SYN_OK);
        for (k = 0; k < page->n; k++) {
            const struct store_item *it = &page->v[k];

            assert_true(it->sort_time < last_time ||
                        (it->sort_time == last_time && it->id < last_id));
            last_time = it->sort_time;
            last_id = it->id;
            seen++;
        }
        pages++;
        q.before_time = page->next_time;
        q.before_id = page->next_id;
        i = page->more;
        store_item_list_free(page);
    } while (i);
    assert_int_equal(seen, 25);
    assert_int_equal(pages, 3);

    memset(&q, 0, sizeof(q));
    q.topic = "climate";
    assert_int_equal(store_item_page(fx->s, &q, &page, &fx->err), SYN_OK);
    assert_int_equal(page->n, 5);
    assert_false(page->more);
    assert_string_equal(page->v[0].topics, "climate");
    store_item_list_free(page);
    q.source_id = a;
    assert_int_equal(store_item_page(fx->s, &q, &page, &fx->err), SYN_OK);
    assert_int_equal(page->n, 0);
    store_item_list_free(page);
    memset(&q, 0, sizeof(q));
    q.source_id = a;
    q.limit = 100;
    assert_int_equal(store_item_page(fx->s, &q, &page, &fx->err), SYN_OK);
    assert_int_equal(page->n, 20);
    store_item_list_free(page);
    q.since = T0 + 1000; /* every item was ingested at T0 + 1000 */
    assert_int_equal(store_item_page(fx->s, &q, &page, &fx->err), SYN_OK);
    assert_int_equal(page->n, 0);
    store_item_list_free(page);
    q.limit = STORE_MAX_PAGE + 1;
    assert_int_equal(store_item_page(fx->s, &q, &page, &fx->err), SYN_EINVAL);
}

static void
test_clusters_and_related(void **state)
{
    struct fx *fx = *state;
    struct store_item_list *list = NULL;
    struct store_topic_list *topics = NULL;
    const char *topic[] = {"water"};
    int64_t a = fx_source(fx, "https://a.example/feed");
    int64_t b = fx_source(fx, "https://b.example/feed");
    int64_t i1, i2, i3, i4, cid = 0, cid2 = 0;

    assert_int_equal(store_source_set_topics(fx->s, a, topic, 1, &fx->err),
                     SYN_OK);
    assert_int_equal(store_source_set_topics(fx->s, b, topic, 1, &fx->err),
                     SYN_OK);
    i1 = fx_item(fx, a, "a1", "Flood", "x", T0);
    i2 = fx_item(fx, b, "b1", "Flood too", "x", T0 + 10);
    i3 = fx_item(fx, a, "a2", "Drought", "x", T0 + 20);
    i4 = fx_item(fx, b, "b2", "Other", "x", T0 + 30);
    assert_int_equal(store_cluster_assign(fx->s, i2, i1, T0, &cid, &fx->err),
                     SYN_OK);
    assert_true(cid > 0);
    assert_int_equal(store_cluster_assign(fx->s, i4, i2, T0, &cid2, &fx->err),
                     SYN_OK);
    assert_int_equal(cid2, cid);
    assert_int_equal(store_cluster_assign(fx->s, i1, i1, T0, NULL, &fx->err),
                     SYN_EINVAL);
    assert_int_equal(store_cluster_assign(fx->s, 999, i1, T0, NULL, &fx->err),
                     SYN_ENOTFOUND);

    assert_int_equal(store_item_cluster_members(fx->s, i1, 0, &list, &fx->err),
                     SYN_OK);
    assert_int_equal(list->n, 2);
    assert_int_equal(list->v[0].id, i2);
    assert_int_equal(list->v[1].id, i4);
    store_item_list_free(list);
    assert_int_equal(store_item_cluster_members(fx->s, i3, 0, &list, &fx->err),
                     SYN_OK);
    assert_int_equal(list->n, 0);
    store_item_list_free(list);

    /* Related to i1 by topic: not itself, not its cluster. */
    assert_int_equal(store_item_related(fx->s, i1, 0, &list, &fx->err), SYN_OK);
    assert_int_equal(list->n, 1);
    assert_int_equal(list->v[0].id, i3);
    store_item_list_free(list);

    assert_int_equal(store_item_simhash_list(fx->s, 0, 0, &list, &fx->err),
                     SYN_OK);
    assert_int_equal(list->n, 4);
    assert_null(list->v[0].title);
    store_item_list_free(list);

    assert_int_equal(store_topic_upsert(fx->s, "water", "Water & sanitation",
                                        NULL, &fx->err),
                     SYN_OK);
    assert_int_equal(store_topic_upsert(fx->s, "", NULL, NULL, &fx->err),
                     SYN_EINVAL);
    assert_int_equal(store_topic_list(fx->s, &topics, &fx->err), SYN_OK);
    assert_int_equal(topics->n, 1);
    assert_string_equal(topics->v[0].name, "Water & sanitation");
    assert_int_equal(topics->v[0].n_items, 4);
    store_topic_list_free(topics);
}

static void
test_search_languages(void **state)
{
    static const struct {
        const char *query;
        const char *want_guid; /* NULL: no hit */
        const char *marked;    /* expected inside the snippet */
    } cases[] = {
        {"climate", "en",
         "\x01"
         "climate"
         "\x02"},
        {"CLIMATE adaptation", "en", "adaptation"},
        {"北京", "zh",
         "\x01"
         "北京"
         "\x02"},
        {"天气", "zh", "天气"},
        {"京天", NULL, NULL}, /* the characters, not in that order */
        {"السلام", "ar",
         "\x01"
         "السلام"
         "\x02"},
        {"москва", "ru",
         "\x01"
         "Москва"
         "\x02"},
        {"Москвы", NULL, NULL},
        {"東京", "ja", "東京"},
        {"ニュース", "ja", "ニュース"},
        {"서울", "ko", "서울"},
        {"cafe", "fr",
         "\x01"
         "café"
         "\x02"},
        {"nothing-here", NULL, NULL},
    };
    struct fx *fx = *state;
    int64_t src = fx_source(fx, "https://a.example/feed");
    size_t i;

    fx_item(fx, src, "en", "Climate report",
            "Cities plan their climate adaptation for the next decade.", T0);
    fx_item(fx, src, "zh", "新闻", "今天北京的天气很好，我们去公园散步。", T0);
    fx_item(fx, src, "ar", "أخبار",
            "قالت المنظمة إن السلام يحتاج إلى عمل مشترك", T0);
    fx_item(fx, src, "ru", "Новости", "Сегодня в Москва прошла встреча.", T0);
    fx_item(fx, src, "ja", "東京", "東京のニュースです", T0);
    fx_item(fx, src, "ko", "뉴스", "서울에서 회의가 열렸다", T0);
    fx_item(fx, src, "fr", "Le Café du coin", "Un café au lait", T0);

    for (i = 0; i < SYN_ARRAY_LEN(cases); i++) {
        struct store_item_list *hits = NULL;

        assert_int_equal(
            store_item_search(fx->s, cases[i].query, 0, 10, &hits, &fx->err),
            SYN_OK);
        if (cases[i].want_guid == NULL) {
            assert_int_equal(hits->n, 0);
        } else {
            if (hits->n != 1) {
                fail_msg("query %s: %zu hits", cases[i].query, hits->n);
            }
            assert_string_equal(hits->v[0].guid, cases[i].want_guid);
            assert_non_null(hits->v[0].snippet);
            /* The index separators never reach the reader. */
            assert_null(strstr(hits->v[0].snippet, "\xE2\x80\x8B"));
            if (strstr(hits->v[0].snippet, cases[i].marked) == NULL) {
                fail_msg("query %s: snippet '%s'", cases[i].query,
                         hits->v[0].snippet);
            }
        }
        store_item_list_free(hits);
    }
}

static void
test_search_hostile_queries(void **state)
{
    static const char *const queries[] = {
        "",
        "   ",
        "\"",
        "\"\"\"\"",
        "NEAR(",
        "NEAR(a b, 2)",
        "*",
        "a*",
        "AND OR NOT",
        "a\" OR \"b",
        "title:water",
        "^water",
        "(",
        ")",
        "-water",
        "+water",
        "{title body}:water",
        "water AND",
        "'; DROP TABLE items; --",
        "\xff\xfe\xc3",
        "\x01\x02\x7f",
        "— … ！",
    };
    struct fx *fx = *state;
    struct store_item_list *hits = NULL;
    int64_t src = fx_source(fx, "https://a.example/feed");
    char *huge;
    size_t i;

    fx_item(fx, src, "w", "Water", "water for all", T0);
    for (i = 0; i < SYN_ARRAY_LEN(queries); i++) {
        assert_int_equal(
            store_item_search(fx->s, queries[i], 0, 10, &hits, &fx->err),
            SYN_OK);
        assert_true(hits->n <= 1);
        store_item_list_free(hits);
    }
    /* Operators are words: "water AND" finds nothing (no word "and"). */
    assert_int_equal(
        store_item_search(fx->s, "water AND", 0, 10, &hits, &fx->err), SYN_OK);
    assert_int_equal(hits->n, 0);
    store_item_list_free(hits);
    assert_int_equal(store_item_search(fx->s, NULL, 0, 10, &hits, &fx->err),
                     SYN_OK);
    assert_int_equal(hits->n, 0);
    store_item_list_free(hits);

    huge = malloc(200001);
    assert_non_null(huge);
    for (i = 0; i < 200000; i++) {
        huge[i] = i % 7 == 6 ? ' ' : (i % 3 == 0 ? '"' : 'w');
    }
    huge[200000] = '\0';
    assert_int_equal(store_item_search(fx->s, huge, 0, 10, &hits, &fx->err),
                     SYN_OK);
    store_item_list_free(hits);
    memset(huge, 'x', 200000);
    assert_int_equal(store_item_search(fx->s, huge, 0, 10, &hits, &fx->err),
                     SYN_OK);
    assert_int_equal(hits->n, 0);
    store_item_list_free(hits);
    free(huge);

    /* Paging by offset. */
    fx_item(fx, src, "w2", "More water", "water", T0);
    assert_int_equal(store_item_search(fx->s, "water", 0, 1, &hits, &fx->err),
                     SYN_OK);
    assert_int_equal(hits->n, 1);
    assert_true(hits->more);
    store_item_list_free(hits);
    assert_int_equal(store_item_search(fx->s, "water", 1, 1, &hits, &fx->err),
                     SYN_OK);
    assert_int_equal(hits->n, 1);
    assert_false(hits->more);
    store_item_list_free(hits);
}

static void
test_item_topics_and_source_url(void **state)
{
    struct fx *fx = *state;
    struct store_item *got = NULL;
    struct store_source *src = NULL;
    struct store_item_query q;
    struct store_item_list *page = NULL;
    const char *first[] = {"water"};
    const char *more[] = {"water", "floods"};
    const char *empty[] = {""};
    int64_t a = fx_source(fx, "https://a.example/feed");
    int64_t b = fx_source(fx, "https://b.example/feed");
    int64_t id;

    assert_int_equal(store_source_set_topics(fx->s, a, first, 1, &fx->err),
                     SYN_OK);
    id = fx_item(fx, a, "g", "T", "x", T0);
    assert_int_equal(store_item_add_topics(fx->s, id, more, 2, &fx->err),
                     SYN_OK);
    assert_int_equal(store_item_add_topics(fx->s, 999, more, 2, &fx->err),
                     SYN_ENOTFOUND);
    assert_int_equal(store_item_add_topics(fx->s, id, empty, 1, &fx->err),
                     SYN_EINVAL);
    assert_int_equal(store_item_get(fx->s, id, &got, &fx->err), SYN_OK);
    assert_true(strstr(got->topics, "water") != NULL);
    assert_true(strstr(got->topics, "floods") != NULL);
    assert_int_equal(strlen(got->topics), strlen("water,floods"));
    store_item_free(got);
    memset(&q, 0, sizeof(q));
    q.topic = "floods";
    assert_int_equal(store_item_page(fx->s, &q, &page, &fx->err), SYN_OK);
    assert_int_equal(page->n, 1);
    store_item_list_free(page);

    /* A permanent redirect moves the source, items and all. */
    assert_int_equal(
        store_source_set_url(fx->s, a, "https://a.example/new", &fx->err),
        SYN_OK);
    assert_int_equal(
        store_source_get_by_url(fx->s, "https://a.example/new", &src, &fx->err),
        SYN_OK);
    assert_int_equal(src->id, a);
    assert_int_equal(src->n_items, 1);
    store_source_free(src);
    assert_int_equal(
        store_source_set_url(fx->s, b, "https://a.example/new", &fx->err),
        SYN_EEXIST);
    assert_int_equal(
        store_source_set_url(fx->s, 999, "https://x.example/", &fx->err),
        SYN_ENOTFOUND);
    assert_int_equal(store_source_set_url(fx->s, b, "", &fx->err), SYN_EINVAL);
}

static void
test_shares(void **state)
{
    struct fx *fx = *state;
    struct store_share_list *list = NULL;
    int64_t src = fx_source(fx, "https://a.example/feed");
    int64_t id = fx_item(fx, src, "g", "T", "x", T0);

    assert_int_equal(store_share_increment(fx->s, id, "pinterest", &fx->err),
                     SYN_OK);
    assert_int_equal(store_share_increment(fx->s, id, "pinterest", &fx->err),
                     SYN_OK);
    assert_int_equal(store_share_increment(fx->s, id, "facebook", &fx->err),
                     SYN_OK);
    assert_int_equal(store_share_increment(fx->s, 999, "facebook", &fx->err),
                     SYN_ENOTFOUND);
    assert_int_equal(store_share_totals(fx->s, id, &list, &fx->err), SYN_OK);
    assert_int_equal(list->n, 2);
    assert_string_equal(list->v[0].network, "facebook");
    assert_int_equal(list->v[0].count, 1);
    assert_string_equal(list->v[1].network, "pinterest");
    assert_int_equal(list->v[1].count, 2);
    store_share_list_free(list);
}

/* Reads that copy rows into our structs under allocation failure: every
 * failure is reported, nothing leaks (ASan checks). */
static enum syn_status
read_everything(void *state)
{
    struct fx *fx = state;
    struct store_item_query q;
    struct store_item_list *page = NULL;
    struct store_source_list *sources = NULL;
    struct store_item *item = NULL;
    enum syn_status st;

    memset(&q, 0, sizeof(q));
    st = store_item_page(fx->s, &q, &page, &fx->err);
    if (st == SYN_OK) {
        assert_int_equal(page->n, 3);
        store_item_list_free(page);
        st = store_item_search(fx->s, "北京 water", 0, 10, &page, &fx->err);
    }
    if (st == SYN_OK) {
        assert_int_equal(page->n, 1);
        store_item_list_free(page);
        st = store_source_list(fx->s, &sources, &fx->err);
    }
    if (st == SYN_OK) {
        store_source_list_free(sources);
        st = store_item_get(fx->s, 1, &item, &fx->err);
    }
    if (st == SYN_OK) {
        store_item_free(item);
    }
    return st;
}

/* Upserts under allocation failure: a failed one leaves nothing behind
 * (no item without its search entry), a successful one is complete. */
struct upsert_run {
    struct fx *fx;
    int64_t source_id;
    int n;
};

static enum syn_status
upsert_one(void *state)
{
    struct upsert_run *r = state;
    struct store_item in;
    char guid[32];

    memset(&in, 0, sizeof(in));
    snprintf(guid, sizeof(guid), "run%d", r->n++);
    in.source_id = r->source_id;
    in.guid = guid;
    in.url = guid;
    in.title = (char *)"Quokka 北京";
    in.text = (char *)"quokka text";
    in.content_hash = (char *)"h";
    return store_item_upsert(r->fx->s, &in, T0, NULL, NULL, &r->fx->err);
}

static void
test_upsert_alloc_failure(void **state)
{
    struct fx *fx = *state;
    struct upsert_run r = {fx, 0, 0};
    struct store_item_list *hits = NULL;
    struct store_stats stats;

    r.source_id = fx_source(fx, "https://a.example/feed");
    assert_true(test_alloc_failures(upsert_one, &r) > 1);
    assert_int_equal(store_stats(fx->s, &stats, &fx->err), SYN_OK);
    assert_true(stats.items >= 1 && stats.items < r.n);
    assert_int_equal(store_item_search(fx->s, "quokka 北京", 0, STORE_MAX_PAGE,
                                       &hits, &fx->err),
                     SYN_OK);
    assert_int_equal((int64_t)hits->n, stats.items);
    store_item_list_free(hits);
}

/* An item already stored unchanged is answered while another connection
 * holds the write lock (polls never queue behind a writer for nothing). */
static void
test_unchanged_needs_no_write_lock(void **state)
{
    struct fx *fx = *state;
    struct store *other = NULL;
    struct store_item in;
    enum store_upsert res;
    int64_t src = fx_source(fx, "https://a.example/feed");

    fx_item(fx, src, "g1", "T", "x", T0);
    assert_int_equal(store_open(fx->path, &other, &fx->err), SYN_OK);
    assert_int_equal(store_begin(other, &fx->err), SYN_OK);
    memset(&in, 0, sizeof(in));
    in.source_id = src;
    in.guid = (char *)"g1";
    in.url = (char *)"https://example.org/g1";
    in.content_hash = (char *)"h1";
    assert_int_equal(store_item_upsert(fx->s, &in, T0, &res, NULL, &fx->err),
                     SYN_OK);
    assert_int_equal(res, STORE_UNCHANGED);
    assert_int_equal(store_rollback(other, &fx->err), SYN_OK);
    store_close(other);
}

static void
test_alloc_failure(void **state)
{
    struct fx *fx = *state;
    int64_t src = fx_source(fx, "https://a.example/feed");

    fx_item(fx, src, "1", "北京 water", "text", T0);
    fx_item(fx, src, "2", "Two", "text", T0);
    fx_item(fx, src, "3", "Three", "text", T0);
    assert_true(test_alloc_failures(read_everything, fx) > 10);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_migrate_twice, fx_setup,
                                        fx_teardown),
        cmocka_unit_test(test_open_errors),
        cmocka_unit_test_setup_teardown(test_upgrade_from_v1,
                                        fx_setup_nomigrate, fx_teardown),
        cmocka_unit_test_setup_teardown(test_transactions, fx_setup,
                                        fx_teardown),
        cmocka_unit_test_setup_teardown(test_data_version, fx_setup,
                                        fx_teardown),
        cmocka_unit_test_setup_teardown(test_sources, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_remove_cascades, fx_setup,
                                        fx_teardown),
        cmocka_unit_test_setup_teardown(test_item_upsert, fx_setup,
                                        fx_teardown),
        cmocka_unit_test_setup_teardown(test_savepoints, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_item_upsert_many, fx_setup,
                                        fx_teardown),
        cmocka_unit_test_setup_teardown(test_pages, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_clusters_and_related, fx_setup,
                                        fx_teardown),
        cmocka_unit_test_setup_teardown(test_search_languages, fx_setup,
                                        fx_teardown),
        cmocka_unit_test_setup_teardown(test_search_hostile_queries, fx_setup,
                                        fx_teardown),
        cmocka_unit_test_setup_teardown(test_item_topics_and_source_url,
                                        fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_shares, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_upsert_alloc_failure, fx_setup,
                                        fx_teardown),
        cmocka_unit_test_setup_teardown(test_unchanged_needs_no_write_lock,
                                        fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_alloc_failure, fx_setup,
                                        fx_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
