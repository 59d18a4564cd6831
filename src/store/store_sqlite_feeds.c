/* SQLite backend: sources, items, clusters, topics, share counts and
 * full-text search (see store.h for the contracts, store_sqlite.h for the
 * helpers). */
#include "store/store_sqlite.h"

#include <string.h>

#include "util/limits.h"
#include "util/mem.h"
#include "util/utf8.h"

/* ------------------------------------------------------------------ */
/* Sources                                                             */
/* ------------------------------------------------------------------ */

#define SOURCE_SELECT                                                          \
    "SELECT s.id, s.url, s.site_url, s.title, coalesce(s.partner_id, 0),"      \
    " p.slug, s.enabled, s.disabled_reason, s.etag, s.last_modified,"          \
    " s.last_status, s.last_error, s.errors, s.next_fetch, s.last_fetch,"      \
    " s.interval_s, s.created,"                                                \
    " (SELECT coalesce(group_concat(t.slug, ','), '') FROM source_topics x"    \
    "  JOIN topics t ON t.id = x.topic_id WHERE x.source_id = s.id),"          \
    " (SELECT count(*) FROM items it WHERE it.source_id = s.id)"               \
    " FROM sources s LEFT JOIN partners p ON p.id = s.partner_id "

static const struct sq_field source_fields[] = {
    SQF(store_source, id, SQ_I64),
    SQF(store_source, url, SQ_TEXT),
    SQF(store_source, site_url, SQ_TEXT),
    SQF(store_source, title, SQ_TEXT),
    SQF(store_source, partner_id, SQ_I64),
    SQF(store_source, partner_slug, SQ_TEXT),
    SQF(store_source, enabled, SQ_BOOL),
    SQF(store_source, disabled_reason, SQ_TEXT),
    SQF(store_source, etag, SQ_TEXT),
    SQF(store_source, last_modified, SQ_TEXT),
    SQF(store_source, last_status, SQ_INT),
    SQF(store_source, last_error, SQ_TEXT),
    SQF(store_source, errors, SQ_INT),
    SQF(store_source, next_fetch, SQ_I64),
    SQF(store_source, last_fetch, SQ_I64),
    SQF(store_source, interval_s, SQ_INT),
    SQF(store_source, created, SQ_I64),
    SQF(store_source, topics, SQ_TEXT),
    SQF(store_source, n_items, SQ_I64),
};
#define N_SOURCE_FIELDS SYN_ARRAY_LEN(source_fields)

static const char sql_source_add[] =
    "INSERT INTO sources(url, site_url, title, partner_id, interval_s,"
    " next_fetch, created) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7)";
static const char sql_source_id_by_url[] =
    "SELECT id FROM sources WHERE url = ?1";
static const char sql_source_get[] = SOURCE_SELECT "WHERE s.id = ?1";
static const char sql_source_get_by_url[] = SOURCE_SELECT "WHERE s.url = ?1";
static const char sql_source_list[] = SOURCE_SELECT "ORDER BY s.id";
static const char sql_source_due[] =
    SOURCE_SELECT "WHERE s.enabled = 1 AND s.next_fetch <= ?1"
                  " ORDER BY s.next_fetch, s.id LIMIT ?2";
static const char sql_source_remove[] = "DELETE FROM sources WHERE id = ?1";
static const char sql_source_update_fetch[] =
    "UPDATE sources SET errors = CASE WHEN ?2 THEN errors + 1 ELSE 0 END,"
    " last_status = ?3, etag = coalesce(?4, etag),"
    " last_modified = coalesce(?5, last_modified), last_error = ?6,"
    " title = coalesce(?7, title), site_url = coalesce(?8, site_url),"
    " last_fetch = ?9, next_fetch = ?10 WHERE id = ?1";
static const char sql_source_set_enabled[] =
    "UPDATE sources SET enabled = ?2,"
    " disabled_reason = CASE WHEN ?2 THEN NULL ELSE ?3 END WHERE id = ?1";
static const char sql_source_exists[] =
    "SELECT count(*) FROM sources WHERE id = ?1";
static const char sql_source_topics_clear[] =
    "DELETE FROM source_topics WHERE source_id = ?1";
static const char sql_topic_ensure[] =
    "INSERT INTO topics(slug, name) VALUES(?1, ?1)"
    " ON CONFLICT(slug) DO NOTHING";
static const char sql_source_topic_add[] =
    "INSERT OR IGNORE INTO source_topics(source_id, topic_id)"
    " SELECT ?1, id FROM topics WHERE slug = ?2";

/* SQLite reads LIMIT -1 as "no limit". */
static int
sql_limit(size_t limit)
{
    return limit == 0 || limit > INT32_MAX ? -1 : (int)limit;
}

static enum syn_status
source_one(struct sq *q, sqlite3_stmt *st, struct store_source **out,
           struct syn_err *err)
{
    void *obj = NULL;
    enum syn_status s =
        sq_get_one(q, st, source_fields, N_SOURCE_FIELDS,
                   sizeof(struct store_source), sq_clear_source, &obj, err);

    if (s == SYN_OK) {
        *out = obj;
    }
    return s;
}

static enum syn_status
source_many(struct sq *q, sqlite3_stmt *st, struct store_source_list **out,
            struct syn_err *err)
{
    struct store_source_list *list = sq_list_new(sizeof(*list));
    void *v = NULL;
    size_t n = 0;
    enum syn_status s;

    if (list == NULL) {
        sq_done(st);
        return syn_err_set(err, SYN_ENOMEM, "store: no memory");
    }
    s = sq_read_rows(q, st, source_fields, N_SOURCE_FIELDS,
                     sizeof(struct store_source), sq_clear_source, 0, &v, &n,
                     NULL, err);
    sq_done(st);
    list->v = v;
    list->n = n;
    if (s != SYN_OK) {
        store_source_list_free(list);
        return s;
    }
    *out = list;
    return SYN_OK;
}

enum syn_status
sq_source_add(struct store *s, const struct store_source *in, int64_t now,
              int64_t *id, struct syn_err *err)
{
    struct sq *q = sq_of(s);
    enum syn_status st;

    if (in->url == NULL || in->url[0] == '\0')
        return syn_err_set(err, SYN_EINVAL, "store: source without URL");
    st = sq_exec(q, sql_source_add, NULL, err, "sssZiII", in->url, in->site_url,
                 in->title, in->partner_id,
                 in->interval_s > 0 ? in->interval_s : 3600,
                 in->next_fetch > 0 ? in->next_fetch : now, now);
    if (st == SYN_OK) {
        if (id != NULL) {
            *id = sqlite3_last_insert_rowid(q->db);
        }
        return SYN_OK;
    }
    if (st == SYN_EEXIST) {
        int64_t old = 0;

        if (id != NULL && sq_int(q, sql_source_id_by_url, &old, false, NULL,
                                 "s", in->url) == SYN_OK) {
            *id = old;
        }
        return syn_err_set(err, SYN_EEXIST, "store: source %s exists", in->url);
    }
    return st;
}

enum syn_status
sq_source_get(struct store *s, int64_t id, struct store_source **out,
              struct syn_err *err)
{
    struct sq *q = sq_of(s);
    sqlite3_stmt *st = NULL;
    enum syn_status rc = sq_start(q, sql_source_get, &st, err, "I", id);

    return rc != SYN_OK ? rc : source_one(q, st, out, err);
}

enum syn_status
sq_source_get_by_url(struct store *s, const char *url,
                     struct store_source **out, struct syn_err *err)
{
    struct sq *q = sq_of(s);
    sqlite3_stmt *st = NULL;
    enum syn_status rc = sq_start(q, sql_source_get_by_url, &st, err, "s", url);

    return rc != SYN_OK ? rc : source_one(q, st, out, err);
}

enum syn_status
sq_source_list(struct store *s, struct store_source_list **out,
               struct syn_err *err)
{
    struct sq *q = sq_of(s);
    sqlite3_stmt *st = NULL;
    enum syn_status rc = sq_start(q, sql_source_list, &st, err, "");

    return rc != SYN_OK ? rc : source_many(q, st, out, err);
}

enum syn_status
sq_source_due(struct store *s, int64_t now, size_t limit,
              struct store_source_list **out, struct syn_err *err)
{
    struct sq *q = sq_of(s);
    sqlite3_stmt *st = NULL;
    enum syn_status rc =
        sq_start(q, sql_source_due, &st, err, "Ii", now, sql_limit(limit));

    return rc != SYN_OK ? rc : source_many(q, st, out, err);
}

/* Run a one-row UPDATE/DELETE: SYN_ENOTFOUND when it touched nothing. */
static enum syn_status
one_changed(enum syn_status st, int64_t changes, const char *what,
            struct syn_err *err)
{
    if (st == SYN_OK && changes == 0)
        return syn_err_set(err, SYN_ENOTFOUND, "store: no such %s", what);
    return st;
}

enum syn_status
sq_source_remove(struct store *s, int64_t id, struct syn_err *err)
{
    int64_t n = 0;
    enum syn_status st = sq_exec(sq_of(s), sql_source_remove, &n, err, "I", id);

    return one_changed(st, n, "source", err);
}

enum syn_status
sq_source_update_fetch(struct store *s, int64_t id,
                       const struct store_fetch_result *r, struct syn_err *err)
{
    int64_t n = 0;
    enum syn_status st =
        sq_exec(sq_of(s), sql_source_update_fetch, &n, err, "IbisssssII", id,
                r->failed, r->status, r->etag, r->last_modified, r->error,
                r->title, r->site_url, r->fetched, r->next_fetch);

    return one_changed(st, n, "source", err);
}

enum syn_status
sq_source_set_enabled(struct store *s, int64_t id, bool enabled,
                      const char *reason, struct syn_err *err)
{
    int64_t n = 0;
    enum syn_status st = sq_exec(sq_of(s), sql_source_set_enabled, &n, err,
                                 "Ibs", id, enabled, reason);

    return one_changed(st, n, "source", err);
}

enum syn_status
sq_source_set_topics(struct store *s, int64_t id, const char *const *slugs,
                     size_t n, struct syn_err *err)
{
    struct sq *q = sq_of(s);
    struct sq_tx tx;
    enum syn_status st;
    int64_t have = 0;
    size_t i;

    for (i = 0; i < n; i++) {
        if (slugs[i] == NULL || slugs[i][0] == '\0')
            return syn_err_set(err, SYN_EINVAL, "store: empty topic slug");
    }
    st = sq_tx_begin(q, &tx, err);
    if (st != SYN_OK)
        return st;
    st = sq_int(q, sql_source_exists, &have, false, err, "I", id);
    if (st == SYN_OK && have == 0) {
        st = syn_err_set(err, SYN_ENOTFOUND, "store: no such source");
    }
    if (st == SYN_OK) {
        st = sq_exec(q, sql_source_topics_clear, NULL, err, "I", id);
    }
    for (i = 0; i < n && st == SYN_OK; i++) {
        st = sq_exec(q, sql_topic_ensure, NULL, err, "s", slugs[i]);
        if (st == SYN_OK) {
            st =
                sq_exec(q, sql_source_topic_add, NULL, err, "Is", id, slugs[i]);
        }
    }
    return sq_tx_end(q, &tx, st, err);
}

static const char sql_source_set_url[] =
    "UPDATE sources SET url = ?2 WHERE id = ?1";

enum syn_status
sq_source_set_url(struct store *s, int64_t id, const char *url,
                  struct syn_err *err)
{
    int64_t n = 0;
    enum syn_status st;

    if (url == NULL || url[0] == '\0')
        return syn_err_set(err, SYN_EINVAL, "store: empty source URL");
    st = sq_exec(sq_of(s), sql_source_set_url, &n, err, "Is", id, url);
    if (st == SYN_EEXIST)
        return syn_err_set(err, SYN_EEXIST, "store: source %s exists", url);
    return one_changed(st, n, "source", err);
}

/* ------------------------------------------------------------------ */
/* Items                                                               */
/* ------------------------------------------------------------------ */

#define ITEM_COLUMNS                                                           \
    "SELECT i.id, i.source_id, i.guid, i.url, i.canonical_url, i.title,"       \
    " i.authors, i.published, i.updated, i.ingested, i.sort_time,"             \
    " i.summary_html, i.content_html, i.excerpt_html, i.excerpt_text,"         \
    " i.image, i.language, i.categories, i.content_hash, i.simhash,"           \
    " coalesce(i.cluster_id, 0), s.title, s.site_url,"                         \
    " (SELECT coalesce(group_concat(t.slug, ','), '') FROM item_topics x"      \
    "  JOIN topics t ON t.id = x.topic_id WHERE x.item_id = i.id)"
#define ITEM_FROM " FROM items i JOIN sources s ON s.id = i.source_id "

#define ITEM_FIELDS                                                            \
    SQF(store_item, id, SQ_I64), SQF(store_item, source_id, SQ_I64),           \
        SQF(store_item, guid, SQ_TEXT), SQF(store_item, url, SQ_TEXT),         \
        SQF(store_item, canonical_url, SQ_TEXT),                               \
        SQF(store_item, title, SQ_TEXT), SQF(store_item, authors, SQ_TEXT),    \
        SQF(store_item, published, SQ_I64), SQF(store_item, updated, SQ_I64),  \
        SQF(store_item, ingested, SQ_I64), SQF(store_item, sort_time, SQ_I64), \
        SQF(store_item, summary_html, SQ_TEXT),                                \
        SQF(store_item, content_html, SQ_TEXT),                                \
        SQF(store_item, excerpt_html, SQ_TEXT),                                \
        SQF(store_item, excerpt_text, SQ_TEXT),                                \
        SQF(store_item, image, SQ_TEXT), SQF(store_item, language, SQ_TEXT),   \
        SQF(store_item, categories, SQ_TEXT),                                  \
        SQF(store_item, content_hash, SQ_TEXT),                                \
        SQF(store_item, simhash, SQ_U64), SQF(store_item, cluster_id, SQ_I64), \
        SQF(store_item, source_title, SQ_TEXT),                                \
        SQF(store_item, source_site_url, SQ_TEXT),                             \
        SQF(store_item, topics, SQ_TEXT)

static const struct sq_field item_fields[] = {ITEM_FIELDS};
static const struct sq_field item_search_fields[] = {
    ITEM_FIELDS, SQF(store_item, snippet, SQ_TEXT)};
static const struct sq_field item_simhash_fields[] = {
    SQF(store_item, id, SQ_I64),
    SQF(store_item, source_id, SQ_I64),
    SQF(store_item, simhash, SQ_U64),
    SQF(store_item, cluster_id, SQ_I64),
};

static const char sql_item_lookup[] =
    "SELECT id, content_hash FROM items WHERE source_id = ?1 AND guid = ?2";
static const char sql_item_insert[] =
    "INSERT INTO items(source_id, guid, url, canonical_url, title, authors,"
    " published, updated, ingested, sort_time, summary_html, content_html,"
    " excerpt_html, excerpt_text, image, language, categories, content_hash,"
    " simhash) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12,"
    " ?13, ?14, ?15, ?16, ?17, ?18, ?19)";
static const char sql_item_update[] =
    "UPDATE items SET url = ?2, canonical_url = ?3, title = ?4, authors = ?5,"
    " published = ?6, updated = ?7,"
    " sort_time = CASE WHEN ?6 > 0 AND ?6 <= ingested THEN ?6"
    "  ELSE ingested END,"
    " summary_html = ?8, content_html = ?9, excerpt_html = ?10,"
    " excerpt_text = ?11, image = ?12, language = ?13, categories = ?14,"
    " content_hash = ?15, simhash = ?16 WHERE id = ?1";
static const char sql_item_topics_from_source[] =
    "INSERT OR IGNORE INTO item_topics(item_id, topic_id)"
    " SELECT ?1, topic_id FROM source_topics WHERE source_id = ?2";
static const char sql_fts_delete[] = "DELETE FROM items_fts WHERE rowid = ?1";
static const char sql_item_get[] = ITEM_COLUMNS ITEM_FROM "WHERE i.id = ?1";
static const char sql_item_by_canonical[] =
    ITEM_COLUMNS ITEM_FROM "WHERE i.canonical_url = ?1"
                           " ORDER BY i.ingested, i.id LIMIT 1";
/* Pages: (sort_time, id) below the cursor, newest first; the row-value
 * comparison lets SQLite seek in items_sort instead of scanning. */
static const char sql_item_page[] = ITEM_COLUMNS ITEM_FROM
    "WHERE (i.sort_time, i.id) < (?1, ?2) AND i.ingested > ?3"
    " ORDER BY i.sort_time DESC, i.id DESC LIMIT ?4";
static const char sql_item_page_source[] = ITEM_COLUMNS ITEM_FROM
    "WHERE i.source_id = ?5 AND (i.sort_time, i.id) < (?1, ?2)"
    " AND i.ingested > ?3 ORDER BY i.sort_time DESC, i.id DESC LIMIT ?4";
static const char sql_item_page_topic[] = ITEM_COLUMNS ITEM_FROM
    "JOIN item_topics y ON y.item_id = i.id"
    " WHERE y.topic_id = (SELECT id FROM topics WHERE slug = ?5)"
    " AND (?6 = 0 OR i.source_id = ?6) AND (i.sort_time, i.id) < (?1, ?2)"
    " AND i.ingested > ?3 ORDER BY i.sort_time DESC, i.id DESC LIMIT ?4";
static const char sql_item_cluster[] = ITEM_COLUMNS ITEM_FROM
    "WHERE i.cluster_id = (SELECT cluster_id FROM items WHERE id = ?1)"
    " AND i.id <> ?1 ORDER BY i.sort_time, i.id LIMIT ?2";
static const char sql_item_related[] = ITEM_COLUMNS ITEM_FROM
    "WHERE i.id IN (SELECT b.item_id FROM item_topics a"
    "  JOIN item_topics b ON b.topic_id = a.topic_id WHERE a.item_id = ?1)"
    " AND i.id <> ?1 AND (i.cluster_id IS NULL OR i.cluster_id IS NOT"
    "  (SELECT cluster_id FROM items WHERE id = ?1))"
    " ORDER BY i.sort_time DESC, i.id DESC LIMIT ?2";
/* Title matches weigh 4 times body matches. Snippets come from the body
 * (the title is shown anyway): up to 24 tokens around the best match, or
 * the body's start when only the title matched. */
static const char sql_item_search[] = ITEM_COLUMNS
    ", snippet(items_fts, 1, ?2, ?3, '…', 24)"
    " FROM items_fts JOIN items i ON i.id = items_fts.rowid"
    " JOIN sources s ON s.id = i.source_id"
    " WHERE items_fts MATCH ?1 ORDER BY bm25(items_fts, 4.0, 1.0), i.id"
    " LIMIT ?4 OFFSET ?5";
static const char sql_item_simhash[] =
    "SELECT id, source_id, simhash, coalesce(cluster_id, 0) FROM items"
    " WHERE ingested >= ?1 ORDER BY ingested DESC, id DESC LIMIT ?2";

static const char sql_item_exists[] =
    "SELECT count(*) FROM items WHERE id = ?1";
/* The pending entries are written only for items that still exist: an
 * item deleted later in the same transaction has no entry to get. (Not
 * as one INSERT ... SELECT: that needs a statement journal, which makes
 * FTS5 flush a segment per entry.) */
static const char sql_fts_insert[] =
    "INSERT INTO items_fts(rowid, title, body) VALUES(?1, ?2, ?3)";

static void
fts_entry_fini(struct sq_fts_entry *e)
{
    syn_free(e->title);
    syn_free(e->body);
}

size_t
sq_fts_mark(const struct sq *q)
{
    return q->fts_written + q->n_fts;
}

void
sq_fts_drop(struct sq *q, size_t mark)
{
    /* Entries already written are undone by the rollback itself. */
    size_t keep = mark > q->fts_written ? mark - q->fts_written : 0;

    while (q->n_fts > keep) {
        struct sq_fts_entry *e = &q->fts[--q->n_fts];

        q->fts_bytes -= e->bytes;
        fts_entry_fini(e);
    }
}

enum syn_status
sq_fts_write(struct sq *q, struct syn_err *err)
{
    enum syn_status st = SYN_OK;
    size_t i;

    for (i = 0; i < q->n_fts && st == SYN_OK; i++) {
        const struct sq_fts_entry *e = &q->fts[i];
        int64_t live = 0;

        if (e->replace) {
            st = sq_exec(q, sql_fts_delete, NULL, err, "I", e->id);
        }
        if (st == SYN_OK) {
            st = sq_int(q, sql_item_exists, &live, false, err, "I", e->id);
        }
        if (st == SYN_OK && live > 0) {
            st = sq_exec(q, sql_fts_insert, NULL, err, "Iss", e->id, e->title,
                         e->body);
        }
    }
    if (st != SYN_OK)
        return st; /* still pending: the caller rolls back */
    q->fts_written += q->n_fts;
    for (i = 0; i < q->n_fts; i++) {
        fts_entry_fini(&q->fts[i]);
    }
    q->n_fts = 0;
    q->fts_bytes = 0;
    return SYN_OK;
}

enum syn_status
sq_fts_defer(struct sq *q, int64_t id, bool replace, const char *title,
             const char *body, struct syn_err *err)
{
    struct sq_fts_entry *e;

    if (q->n_fts == q->cap_fts) {
        size_t cap = q->cap_fts ? q->cap_fts * 2 : 64;
        void *p = syn_realloc(q->fts, cap * sizeof(*q->fts));

        if (p == NULL)
            return syn_err_set(err, SYN_ENOMEM, "out of memory");
        q->fts = p;
        q->cap_fts = cap;
    }
    e = &q->fts[q->n_fts];
    e->id = id;
    e->replace = replace;
    e->title = syn_strdup(title);
    e->body = syn_strdup(body);
    if (e->title == NULL || e->body == NULL) {
        fts_entry_fini(e);
        return syn_err_set(err, SYN_ENOMEM, "out of memory");
    }
    e->bytes = strlen(e->title) + strlen(e->body);
    q->n_fts++;
    q->fts_bytes += e->bytes;
    if (q->fts_bytes > SYN_MAX_PENDING_INDEX_BYTES)
        return sq_fts_write(q, err);
    return SYN_OK;
}

/* (Re)write the search entry of item id, deferred (sq_fts_defer()):
 * prepared by the caller (in->fts_title and in->fts_body) or here. */
static enum syn_status
index_item(struct sq *q, int64_t id, const struct store_item *in, bool replace,
           struct syn_err *err)
{
    struct buf title, body;
    const char *t = in->fts_title, *b = in->fts_body;
    enum syn_status st = SYN_OK;

    buf_init(&title, SYN_MAX_INDEX_TEXT_BYTES);
    buf_init(&body, SYN_MAX_INDEX_TEXT_BYTES);
    if (t == NULL || b == NULL) {
        st = store_item_fts_prepare(in, &title, &body);
        if (st != SYN_OK) {
            st = syn_err_set(err, st, "store: preparing index text: %s",
                             syn_strerror(st));
        }
        t = buf_cstr(&title);
        b = buf_cstr(&body);
    }
    if (st == SYN_OK) {
        st = sq_fts_defer(q, id, replace, t, b, err);
    }
    buf_fini(&title);
    buf_fini(&body);
    return st;
}

/* Look up (source_id, guid): *found, *id and whether the hash equals. */
static enum syn_status
item_lookup(struct sq *q, const struct store_item *in, bool *found, int64_t *id,
            bool *same_hash, struct syn_err *err)
{
    sqlite3_stmt *st = NULL;
    enum syn_status rc;
    bool row = false;

    rc = sq_start(q, sql_item_lookup, &st, err, "Is", in->source_id, in->guid);
    if (rc == SYN_OK) {
        rc = sq_step(q, st, &row, err);
    }
    if (rc == SYN_OK && row) {
        const char *h = (const char *)sqlite3_column_text(st, 1);

        *id = sqlite3_column_int64(st, 0);
        *same_hash = h != NULL && strcmp(h, in->content_hash) == 0;
    }
    *found = row;
    sq_done(st);
    return rc;
}

static enum syn_status
item_check(const struct store_item *in, struct syn_err *err)
{
    if (in->source_id <= 0 || in->guid == NULL || in->url == NULL ||
        in->content_hash == NULL) {
        return syn_err_set(err, SYN_EINVAL,
                           "store: item needs source, guid, url and hash");
    }
    return SYN_OK;
}

/* The row half of an upsert, inside the caller's transaction or
 * savepoint: decides again whether in is new, changed or unchanged, and
 * writes the row (not its search entry: item_index() does, see
 * sq_item_upsert_many() for why apart). */
static enum syn_status
item_write_row(struct sq *q, const struct store_item *in, int64_t now,
               enum store_upsert *result, int64_t *id, struct syn_err *err)
{
    enum store_upsert res = STORE_UNCHANGED;
    enum syn_status st;
    bool found = false, same = false;
    int64_t item_id = 0;

    st = item_lookup(q, in, &found, &item_id, &same, err);
    if (st == SYN_OK && found && !same) {
        res = STORE_UPDATED;
        st = sq_exec(q, sql_item_update, NULL, err, "IssssIIssssssssI", item_id,
                     in->url, in->canonical_url, in->title, in->authors,
                     in->published, in->updated, in->summary_html,
                     in->content_html, in->excerpt_html, in->excerpt_text,
                     in->image, in->language, in->categories, in->content_hash,
                     (int64_t)in->simhash);
    } else if (st == SYN_OK && !found) {
        int64_t ingested = in->ingested > 0 ? in->ingested : now;
        int64_t sort_time = in->published > 0 && in->published <= ingested
                                ? in->published
                                : ingested;

        res = STORE_INSERTED;
        st =
            sq_exec(q, sql_item_insert, NULL, err, "IsssssIIIIssssssssI",
                    in->source_id, in->guid, in->url, in->canonical_url,
                    in->title, in->authors, in->published, in->updated,
                    ingested, sort_time, in->summary_html, in->content_html,
                    in->excerpt_html, in->excerpt_text, in->image, in->language,
                    in->categories, in->content_hash, (int64_t)in->simhash);
        if (st == SYN_ENOTFOUND) {
            st = syn_err_set(err, SYN_ENOTFOUND, "store: no source %lld",
                             (long long)in->source_id);
        }
        if (st == SYN_OK) {
            item_id = sqlite3_last_insert_rowid(q->db);
            st = sq_exec(q, sql_item_topics_from_source, NULL, err, "II",
                         item_id, in->source_id);
        }
    }
    if (st == SYN_OK) {
        *result = res;
        *id = item_id;
    }
    return st;
}

enum syn_status
sq_item_upsert(struct store *s, const struct store_item *in, int64_t now,
               enum store_upsert *result, int64_t *id, struct syn_err *err)
{
    struct sq *q = sq_of(s);
    struct sq_tx tx;
    enum store_upsert res = STORE_UNCHANGED;
    enum syn_status st;
    bool found = false, same = false;
    int64_t item_id = 0;

    st = item_check(in, err);
    if (st != SYN_OK)
        return st;
    /* Most polls see items they already have: answer those without the
     * write lock. Anything else is decided again inside the transaction,
     * where another writer cannot interleave. */
    st = item_lookup(q, in, &found, &item_id, &same, err);
    if (st != SYN_OK)
        return st;
    if (!(found && same)) {
        st = sq_tx_begin(q, &tx, err);
        if (st != SYN_OK)
            return st;
        st = item_write_row(q, in, now, &res, &item_id, err);
        if (st == SYN_OK && res != STORE_UNCHANGED) {
            st = index_item(q, item_id, in, res == STORE_UPDATED, err);
        }
        st = sq_tx_end(q, &tx, st, err);
        if (st != SYN_OK)
            return st;
    }
    if (result != NULL) {
        *result = res;
    }
    if (id != NULL) {
        *id = item_id;
    }
    return SYN_OK;
}

/* One savepoint for the whole batch, the search entries deferred to the
 * end of the transaction (sq_fts_defer()): FTS5 flushes its pending
 * index data to a new segment whenever a savepoint opens, and so does
 * every statement that needs a statement journal (the item_topics
 * INSERT ... SELECT with its foreign keys). Interleaved with the rows,
 * that cost a segment per item (with the merges that follow, a large
 * part of an ingest's CPU time); written together, one segment per
 * transaction. */
enum syn_status
sq_item_upsert_many(struct store *s, const struct store_item *in, size_t n,
                    int64_t now, enum store_upsert *results, int64_t *ids,
                    struct syn_err *err)
{
    struct sq *q = sq_of(s);
    struct sq_tx tx;
    enum syn_status st;
    size_t i;

    for (i = 0; i < n; i++) {
        st = item_check(&in[i], err);
        if (st != SYN_OK)
            return st;
    }
    if (n == 0)
        return SYN_OK;
    st = sq_tx_begin(q, &tx, err);
    if (st != SYN_OK)
        return st;
    for (i = 0; i < n && st == SYN_OK; i++) {
        st = item_write_row(q, &in[i], now, &results[i], &ids[i], err);
        if (st == SYN_OK && results[i] != STORE_UNCHANGED) {
            st = index_item(q, ids[i], &in[i], results[i] == STORE_UPDATED,
                            err);
        }
    }
    return sq_tx_end(q, &tx, st, err);
}

static const char sql_item_topic_add[] =
    "INSERT OR IGNORE INTO item_topics(item_id, topic_id)"
    " SELECT ?1, id FROM topics WHERE slug = ?2";

enum syn_status
sq_item_add_topics(struct store *s, int64_t item_id, const char *const *slugs,
                   size_t n, struct syn_err *err)
{
    struct sq *q = sq_of(s);
    struct sq_tx tx;
    enum syn_status st;
    int64_t have = 0;
    size_t i;

    for (i = 0; i < n; i++) {
        if (slugs[i] == NULL || slugs[i][0] == '\0')
            return syn_err_set(err, SYN_EINVAL, "store: empty topic slug");
    }
    st = sq_tx_begin(q, &tx, err);
    if (st != SYN_OK)
        return st;
    st = sq_int(q, sql_item_exists, &have, false, err, "I", item_id);
    if (st == SYN_OK && have == 0) {
        st = syn_err_set(err, SYN_ENOTFOUND, "store: no such item");
    }
    for (i = 0; i < n && st == SYN_OK; i++) {
        st = sq_exec(q, sql_topic_ensure, NULL, err, "s", slugs[i]);
        if (st == SYN_OK) {
            st = sq_exec(q, sql_item_topic_add, NULL, err, "Is", item_id,
                         slugs[i]);
        }
    }
    return sq_tx_end(q, &tx, st, err);
}

static enum syn_status
item_one(struct sq *q, sqlite3_stmt *st, struct store_item **out,
         struct syn_err *err)
{
    void *obj = NULL;
    enum syn_status s =
        sq_get_one(q, st, item_fields, SYN_ARRAY_LEN(item_fields),
                   sizeof(struct store_item), sq_clear_item, &obj, err);

    if (s == SYN_OK) {
        *out = obj;
    }
    return s;
}

/* Read up to limit rows of st into a new list; releases st. */
static enum syn_status
item_many(struct sq *q, sqlite3_stmt *st, const struct sq_field *fields,
          size_t n_fields, size_t limit, struct store_item_list **out,
          struct syn_err *err)
{
    struct store_item_list *list = sq_list_new(sizeof(*list));
    void *v = NULL;
    size_t n = 0;
    bool more = false;
    enum syn_status s;

    if (list == NULL) {
        sq_done(st);
        return syn_err_set(err, SYN_ENOMEM, "store: no memory");
    }
    s = sq_read_rows(q, st, fields, n_fields, sizeof(struct store_item),
                     sq_clear_item, limit, &v, &n, &more, err);
    sq_done(st);
    list->v = v;
    list->n = n;
    list->more = more;
    if (s != SYN_OK) {
        store_item_list_free(list);
        return s;
    }
    if (more && n > 0) {
        list->next_time = list->v[n - 1].sort_time;
        list->next_id = list->v[n - 1].id;
    }
    *out = list;
    return SYN_OK;
}

enum syn_status
sq_item_get(struct store *s, int64_t id, struct store_item **out,
            struct syn_err *err)
{
    struct sq *q = sq_of(s);
    sqlite3_stmt *st = NULL;
    enum syn_status rc = sq_start(q, sql_item_get, &st, err, "I", id);

    return rc != SYN_OK ? rc : item_one(q, st, out, err);
}

enum syn_status
sq_item_find_by_canonical(struct store *s, const char *canonical_url,
                          struct store_item **out, struct syn_err *err)
{
    struct sq *q = sq_of(s);
    sqlite3_stmt *st = NULL;
    enum syn_status rc;

    if (canonical_url == NULL)
        return syn_err_set(err, SYN_EINVAL, "store: no canonical URL");
    rc = sq_start(q, sql_item_by_canonical, &st, err, "s", canonical_url);
    return rc != SYN_OK ? rc : item_one(q, st, out, err);
}

enum syn_status
sq_item_page(struct store *s, const struct store_item_query *qy,
             struct store_item_list **out, struct syn_err *err)
{
    struct sq *q = sq_of(s);
    sqlite3_stmt *st = NULL;
    size_t limit = qy->limit == 0 ? 20 : qy->limit;
    int64_t bt = qy->before_time, bi = qy->before_id;
    enum syn_status rc;

    if (limit > STORE_MAX_PAGE)
        return syn_err_set(err, SYN_EINVAL, "store: page of %zu items", limit);
    if (bt == 0 && bi == 0) {
        bt = bi = INT64_MAX;
    }
    /* One row more than asked tells whether another page exists. */
    if (qy->topic != NULL) {
        rc = sq_start(q, sql_item_page_topic, &st, err, "IIIisI", bt, bi,
                      qy->since, (int)limit + 1, qy->topic, qy->source_id);
    } else if (qy->source_id != 0) {
        rc = sq_start(q, sql_item_page_source, &st, err, "IIIiI", bt, bi,
                      qy->since, (int)limit + 1, qy->source_id);
    } else {
        rc = sq_start(q, sql_item_page, &st, err, "IIIi", bt, bi, qy->since,
                      (int)limit + 1);
    }
    if (rc != SYN_OK)
        return rc;
    return item_many(q, st, item_fields, SYN_ARRAY_LEN(item_fields), limit, out,
                     err);
}

/* Items that one SQL text finds from item_id ("also reported by",
 * related stories), at most limit. */
static enum syn_status
items_of_item(struct store *s, const char *sql, int64_t item_id, size_t limit,
              struct store_item_list **out, struct syn_err *err)
{
    struct sq *q = sq_of(s);
    sqlite3_stmt *st = NULL;
    enum syn_status rc;

    rc = sq_start(q, sql, &st, err, "Ii", item_id, sql_limit(limit));
    if (rc != SYN_OK)
        return rc;
    return item_many(q, st, item_fields, SYN_ARRAY_LEN(item_fields), 0, out,
                     err);
}

enum syn_status
sq_item_cluster_members(struct store *s, int64_t item_id, size_t limit,
                        struct store_item_list **out, struct syn_err *err)
{
    return items_of_item(s, sql_item_cluster, item_id, limit == 0 ? 20 : limit,
                         out, err);
}

enum syn_status
sq_item_related(struct store *s, int64_t item_id, size_t limit,
                struct store_item_list **out, struct syn_err *err)
{
    return items_of_item(s, sql_item_related, item_id, limit == 0 ? 5 : limit,
                         out, err);
}

/* Remove the U+200B separators the index added, in place. */
static void
strip_zwsp(char *s)
{
    char *w = s;

    if (s == NULL)
        return;
    for (; *s != '\0'; s++) {
        /* Byte by byte: stops at the NUL, never reads past it. */
        if (s[0] == '\xE2' && s[1] == '\x80' && s[2] == '\x8B') {
            s += 2;
            continue;
        }
        *w++ = *s;
    }
    *w = '\0';
}

enum syn_status
sq_item_search(struct store *s, const char *query, size_t offset, size_t limit,
               struct store_item_list **out, struct syn_err *err)
{
    struct sq *q = sq_of(s);
    sqlite3_stmt *st = NULL;
    struct store_item_list *list = NULL;
    struct buf match;
    size_t n_terms = 0, i, qlen;
    enum syn_status rc;

    limit = limit == 0 ? 20 : limit;
    if (limit > STORE_MAX_PAGE)
        return syn_err_set(err, SYN_EINVAL, "store: page of %zu items", limit);
    qlen = query != NULL ? strlen(query) : 0;
    if (qlen > SYN_MAX_QUERY_BYTES) { /* NOTE: truncates, SYN_MAX_QUERY_BYTES */
        qlen = utf8_boundary(query, SYN_MAX_QUERY_BYTES);
    }
    buf_init(&match, STORE_MAX_SEARCH_TERMS * (3 * STORE_MAX_TERM_BYTES + 64));
    rc = store_fts_query(query != NULL ? query : "", qlen, &match, &n_terms);
    if (rc != SYN_OK) {
        buf_fini(&match);
        return syn_err_set(err, rc, "store: search query: %s",
                           syn_strerror(rc));
    }
    if (n_terms == 0 || offset > INT32_MAX) {
        buf_fini(&match);
        list = sq_list_new(sizeof(*list));
        if (list == NULL)
            return syn_err_set(err, SYN_ENOMEM, "store: no memory");
        *out = list;
        return SYN_OK;
    }
    rc = sq_start(q, sql_item_search, &st, err, "sssiI", buf_cstr(&match),
                  STORE_MARK_OPEN, STORE_MARK_CLOSE, (int)limit + 1,
                  (int64_t)offset);
    if (rc == SYN_OK) {
        rc = item_many(q, st, item_search_fields,
                       SYN_ARRAY_LEN(item_search_fields), limit, &list, err);
    }
    buf_fini(&match);
    if (rc != SYN_OK)
        return rc;
    for (i = 0; i < list->n; i++) {
        strip_zwsp(list->v[i].snippet);
    }
    list->next_time = list->next_id = 0; /* pages by offset, not cursor */
    *out = list;
    return SYN_OK;
}

enum syn_status
sq_item_simhash_list(struct store *s, int64_t since, size_t limit,
                     struct store_item_list **out, struct syn_err *err)
{
    struct sq *q = sq_of(s);
    sqlite3_stmt *st = NULL;
    enum syn_status rc;

    limit = limit == 0 ? 1000 : limit;
    rc = sq_start(q, sql_item_simhash, &st, err, "Ii", since, sql_limit(limit));
    if (rc != SYN_OK)
        return rc;
    return item_many(q, st, item_simhash_fields,
                     SYN_ARRAY_LEN(item_simhash_fields), 0, out, err);
}

/* ------------------------------------------------------------------ */
/* Clusters                                                            */
/* ------------------------------------------------------------------ */

static const char sql_item_cluster_of[] =
    "SELECT coalesce(cluster_id, 0) FROM items WHERE id = ?1";
static const char sql_cluster_new[] =
    "INSERT INTO clusters(first_item_id, created) VALUES(?1, ?2)";
static const char sql_item_set_cluster[] =
    "UPDATE items SET cluster_id = ?2 WHERE id = ?1";

enum syn_status
sq_cluster_assign(struct store *s, int64_t item_id, int64_t with_item_id,
                  int64_t now, int64_t *cluster_id, struct syn_err *err)
{
    struct sq *q = sq_of(s);
    struct sq_tx tx;
    int64_t cid = 0, mine = 0;
    enum syn_status st;

    if (item_id == with_item_id) {
        return syn_err_set(err, SYN_EINVAL,
                           "store: item clustered with itself");
    }
    st = sq_tx_begin(q, &tx, err);
    if (st != SYN_OK)
        return st;
    st = sq_int(q, sql_item_cluster_of, &mine, false, err, "I", item_id);
    if (st == SYN_OK) {
        st =
            sq_int(q, sql_item_cluster_of, &cid, false, err, "I", with_item_id);
    }
    if (st == SYN_OK && cid == 0) {
        st = sq_exec(q, sql_cluster_new, NULL, err, "II", with_item_id, now);
        if (st == SYN_OK) {
            cid = sqlite3_last_insert_rowid(q->db);
            st = sq_exec(q, sql_item_set_cluster, NULL, err, "II", with_item_id,
                         cid);
        }
    }
    if (st == SYN_OK) {
        st = sq_exec(q, sql_item_set_cluster, NULL, err, "II", item_id, cid);
    }
    st = sq_tx_end(q, &tx, st, err);
    if (st == SYN_OK && cluster_id != NULL) {
        *cluster_id = cid;
    }
    return st;
}

/* ------------------------------------------------------------------ */
/* Topics                                                              */
/* ------------------------------------------------------------------ */

static const char sql_topic_upsert[] =
    "INSERT INTO topics(slug, name) VALUES(?1, coalesce(?2, ?1))"
    " ON CONFLICT(slug) DO UPDATE SET name = coalesce(?2, name)"
    " RETURNING id";
static const char sql_topic_list[] =
    "SELECT t.id, t.slug, t.name,"
    " (SELECT count(*) FROM item_topics x WHERE x.topic_id = t.id)"
    " FROM topics t ORDER BY t.name, t.slug";

static const struct sq_field topic_fields[] = {
    SQF(store_topic, id, SQ_I64),
    SQF(store_topic, slug, SQ_TEXT),
    SQF(store_topic, name, SQ_TEXT),
    SQF(store_topic, n_items, SQ_I64),
};

enum syn_status
sq_topic_upsert(struct store *s, const char *slug, const char *name,
                int64_t *id, struct syn_err *err)
{
    int64_t v = 0;
    enum syn_status st;

    if (slug == NULL || slug[0] == '\0')
        return syn_err_set(err, SYN_EINVAL, "store: empty topic slug");
    st = sq_int(sq_of(s), sql_topic_upsert, &v, false, err, "ss", slug, name);
    if (st == SYN_OK && id != NULL) {
        *id = v;
    }
    return st;
}

enum syn_status
sq_topic_list(struct store *s, struct store_topic_list **out,
              struct syn_err *err)
{
    struct sq *q = sq_of(s);
    struct store_topic_list *list;
    sqlite3_stmt *st = NULL;
    void *v = NULL;
    size_t n = 0;
    enum syn_status rc;

    rc = sq_start(q, sql_topic_list, &st, err, "");
    if (rc != SYN_OK)
        return rc;
    list = sq_list_new(sizeof(*list));
    if (list == NULL) {
        sq_done(st);
        return syn_err_set(err, SYN_ENOMEM, "store: no memory");
    }
    rc = sq_read_rows(q, st, topic_fields, SYN_ARRAY_LEN(topic_fields),
                      sizeof(struct store_topic), sq_clear_topic, 0, &v, &n,
                      NULL, err);
    sq_done(st);
    list->v = v;
    list->n = n;
    if (rc != SYN_OK) {
        store_topic_list_free(list);
        return rc;
    }
    *out = list;
    return SYN_OK;
}

/* ------------------------------------------------------------------ */
/* Share counts                                                        */
/* ------------------------------------------------------------------ */

static const char sql_share_increment[] =
    "INSERT INTO share_counts(item_id, network, count) VALUES(?1, ?2, 1)"
    " ON CONFLICT(item_id, network) DO UPDATE SET count = count + 1";
static const char sql_share_totals[] =
    "SELECT network, count FROM share_counts WHERE item_id = ?1"
    " ORDER BY network";

static const struct sq_field share_fields[] = {
    SQF(store_share, network, SQ_TEXT),
    SQF(store_share, count, SQ_I64),
};

enum syn_status
sq_share_increment(struct store *s, int64_t item_id, const char *network,
                   struct syn_err *err)
{
    enum syn_status st;

    if (network == NULL || network[0] == '\0')
        return syn_err_set(err, SYN_EINVAL, "store: empty network");
    st = sq_exec(sq_of(s), sql_share_increment, NULL, err, "Is", item_id,
                 network);
    if (st == SYN_ENOTFOUND)
        return syn_err_set(err, SYN_ENOTFOUND, "store: no such item");
    return st;
}

enum syn_status
sq_share_totals(struct store *s, int64_t item_id, struct store_share_list **out,
                struct syn_err *err)
{
    struct sq *q = sq_of(s);
    struct store_share_list *list;
    sqlite3_stmt *st = NULL;
    void *v = NULL;
    size_t n = 0;
    enum syn_status rc;

    rc = sq_start(q, sql_share_totals, &st, err, "I", item_id);
    if (rc != SYN_OK)
        return rc;
    list = sq_list_new(sizeof(*list));
    if (list == NULL) {
        sq_done(st);
        return syn_err_set(err, SYN_ENOMEM, "store: no memory");
    }
    rc = sq_read_rows(q, st, share_fields, SYN_ARRAY_LEN(share_fields),
                      sizeof(struct store_share), sq_clear_share, 0, &v, &n,
                      NULL, err);
    sq_done(st);
    list->v = v;
    list->n = n;
    if (rc != SYN_OK) {
        store_share_list_free(list);
        return rc;
    }
    *out = list;
    return SYN_OK;
}
