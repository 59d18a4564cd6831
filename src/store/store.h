/* The store: every persistent fact of syndic, behind one backend-neutral
 * interface. This is the only module that speaks SQL.
 *
 * Backends: store_open() picks one from the path; today only SQLite (a file
 * path), later PostgreSQL ("postgresql://..." URLs, SYNDIC_HAVE_PG). Callers
 * only ever see `struct store *`; no SQLite or libpq type appears here.
 * SQLite runs in WAL mode with foreign keys on, synchronous=NORMAL and a busy
 * timeout (STORE_BUSY_TIMEOUT_MS), so many readers and one writer at a time
 * can share the file across threads and processes. New databases use
 * 16 KB pages (item rows hold several KB of HTML).
 *
 * Schema: numbered migrations (src/store/migrations/NNN_name.sql, compiled
 * into the binary) applied by store_migrate(). store_open() does not
 * migrate; `syndic init` and `syndic serve` call store_migrate() once.
 *
 * Thread rules: a struct store is one database connection with its cache of
 * prepared statements. It must never be used by two threads at the same
 * time; each thread that needs the store (every web worker, the fetcher, the
 * mail sender) opens its own with store_open(). A store may be handed from
 * one thread to another between calls.
 *
 * Ownership: structs returned through `**out` are heap objects that own all
 * their strings; free them with the matching *_free() (NULL is a no-op).
 * Lists are `struct store_<noun>_list { v, n }` freed with *_list_free().
 * Input structs are borrowed for the duration of the call only.
 *
 * Times are Unix seconds (int64_t, UTC); 0 means "unknown/never". Every
 * function that depends on the clock takes `now` from the caller, so tests
 * control time. Ids are positive int64_t; 0 means "none".
 *
 * Errors: SYN_EDB (with the database's message in err) for backend failures,
 * SYN_ENOTFOUND for a missing row, SYN_EEXIST for a unique key already
 * present, SYN_EINVAL for bad arguments, SYN_ENOMEM. On error, *out
 * parameters are left untouched unless said otherwise.
 *
 * Transactions: every function is atomic on its own. store_begin() /
 * store_commit() / store_rollback() group several calls into one
 * transaction (not nested; store functions called inside use savepoints).
 */
#ifndef SYNDIC_STORE_STORE_H
#define SYNDIC_STORE_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/buf.h"
#include "util/compiler.h"
#include "util/err.h"
#include "util/limits.h"

/* Bounds of the store (why those numbers: util/limits.h). */
#define STORE_BUSY_TIMEOUT_MS SYN_STORE_BUSY_TIMEOUT_MS
#define STORE_CACHE_BYTES SYN_STORE_CACHE_BYTES

/* Search snippets: matched words are enclosed in these two bytes, which
 * never otherwise occur in a snippet (control bytes are removed from indexed
 * text). To render: HTML-escape the whole snippet, then replace
 * STORE_MARK_OPEN with "<mark>" and STORE_MARK_CLOSE with "</mark>"
 * (escaping leaves both bytes alone, so the result is safe). */
#define STORE_MARK_OPEN "\x01"
#define STORE_MARK_CLOSE "\x02"

struct store;

/* ------------------------------------------------------------------ */
/* Lifecycle, migrations, transactions                                 */
/* ------------------------------------------------------------------ */

/* Open the store at path: a file path (SQLite; created if absent, with its
 * folder existing) or, later, a PostgreSQL URL. Sets the connection pragmas
 * (WAL, foreign_keys, busy_timeout, synchronous=NORMAL; page_size 16384
 * when the file is new).
 * On SYN_OK *out is a new store; close it with store_close().
 * SYN_EINVAL for an empty path or an unsupported backend, SYN_EDB when the
 * database cannot be opened, SYN_ENOMEM. */
enum syn_status store_open(const char *path, struct store **out /* out */,
                           struct syn_err *err) SYN_NODISCARD;

/* Finalize cached statements and close the connection. NULL is a no-op. */
void store_close(struct store *s);

/* Apply every embedded migration not yet applied, in name order, each in
 * its own transaction, recording it in the schema_migrations table and in
 * PRAGMA user_version. Idempotent; safe when two processes migrate at once.
 * *n_applied (may be NULL) gets how many were applied by this call. */
enum syn_status store_migrate(struct store *s, int *n_applied /* out */,
                              struct syn_err *err) SYN_NODISCARD;

/* Like store_migrate(), but stop after migration number max_version (the
 * NNN of its name). For tests and tooling that need an older schema. */
enum syn_status store_migrate_to(struct store *s, int max_version,
                                 int *n_applied /* out */,
                                 struct syn_err *err) SYN_NODISCARD;

/* *version = number of the last applied migration (0 for an empty
 * database); *latest (may be NULL) = number of the last embedded one. */
enum syn_status store_schema_version(struct store *s, int *version /* out */,
                                     int *latest /* out */,
                                     struct syn_err *err) SYN_NODISCARD;

/* Start a write transaction (takes the write lock at once, so it never
 * fails midway on a lock upgrade). Not nested: SYN_EINVAL inside one. */
enum syn_status store_begin(struct store *s, struct syn_err *err) SYN_NODISCARD;
enum syn_status store_commit(struct store *s,
                             struct syn_err *err) SYN_NODISCARD;
/* Roll back the open transaction; a no-op without one. */
enum syn_status store_rollback(struct store *s,
                               struct syn_err *err) SYN_NODISCARD;

/* The most this connection keeps of the database in memory (its page
 * cache; STORE_CACHE_BYTES when opened). A bulk writer raises it for its
 * run: the pages a transaction changes that do not fit are written to
 * the log early, and index pages read again and again. */
enum syn_status store_set_cache_size(struct store *s, size_t bytes,
                                     struct syn_err *err) SYN_NODISCARD;

/* Write-ahead log (SQLite's WAL): a commit appends the changed pages to
 * the log; a checkpoint copies them into the database file, and the log
 * starts over once all of it is copied. By default the connection that
 * commits checkpoints when the log passes ~1,000 pages.
 *   store_set_autocheckpoint: turn that off (a bulk writer, whose
 *     checkpoints another connection does) or on again;
 *   store_checkpoint: copy what the log holds, without waiting for the
 *     writer (what it cannot copy yet stays for the next time; the log
 *     starts over when a transaction begins with all of it copied).
 *     *log_pages (may be NULL) gets the log's length in pages. */
enum syn_status store_set_autocheckpoint(struct store *s, bool on,
                                         struct syn_err *err) SYN_NODISCARD;
enum syn_status store_checkpoint(struct store *s, size_t *log_pages /* out */,
                                 struct syn_err *err) SYN_NODISCARD;

/* A savepoint in the open transaction, so that one part of a larger
 * transaction can be undone alone: store_release() keeps its changes in
 * the transaction, store_rollback_to() undoes them and leaves the
 * transaction open. One level: SYN_EINVAL without an open transaction,
 * inside another savepoint, or (release, rollback_to) without one. */
enum syn_status store_savepoint(struct store *s,
                                struct syn_err *err) SYN_NODISCARD;
enum syn_status store_release(struct store *s,
                              struct syn_err *err) SYN_NODISCARD;
enum syn_status store_rollback_to(struct store *s,
                                  struct syn_err *err) SYN_NODISCARD;

/* An opaque value that changes whenever any connection (this one or
 * another, in this process or another) has changed the database since the
 * last call on this connection (a rolled-back change may move it too);
 * compare two values for equality only.
 * Cheap (no table read): web threads call it per request to know when a
 * cached page may be stale. */
enum syn_status store_data_version(struct store *s, int64_t *version /* out */,
                                   struct syn_err *err) SYN_NODISCARD;

/* ------------------------------------------------------------------ */
/* Pure helpers (no database): full-text preparation                   */
/* ------------------------------------------------------------------ */

/* Append to out the text to index (or to search) for text[0..len):
 * invalid UTF-8 becomes U+FFFD, control bytes (including the snippet
 * markers) become spaces, and every CJK ideograph, Hiragana, Katakana,
 * Bopomofo or Hangul code point is surrounded by U+200B ZERO WIDTH SPACE,
 * which FTS5's unicode61 tokenizer treats as a separator: each such
 * character becomes one token, so "北京" is found inside a longer sentence
 * without spaces. (Zero-width, so snippets still read naturally; the store
 * removes them from snippets.) Errors are out's (SYN_ETOOBIG, SYN_ENOMEM);
 * on error out is unchanged. */
enum syn_status store_fts_prepare_text(const char *text, size_t len,
                                       struct buf *out) SYN_NODISCARD;

/* Append to out a safe FTS5 MATCH expression for the user query
 * query[0..len): the query is split on whitespace; each term is prepared
 * as above and quoted as one phrase (embedded '"' doubled), so a CJK run
 * becomes a phrase of its characters and FTS5 operators (NEAR, AND, *, ^,
 * :, parentheses) lose their meaning. Terms are ANDed. At most
 * STORE_MAX_SEARCH_TERMS terms of at most STORE_MAX_TERM_BYTES are kept
 * (NOTE: truncates), and terms with no letter or digit are dropped.
 * *n_terms (may be NULL) gets the number of phrases written; 0 means the
 * query must return no rows. Errors are out's; on error out is unchanged. */
enum syn_status store_fts_query(const char *query, size_t len, struct buf *out,
                                size_t *n_terms /* out */) SYN_NODISCARD;

#define STORE_MAX_SEARCH_TERMS SYN_MAX_SEARCH_TERMS
#define STORE_MAX_TERM_BYTES SYN_MAX_SEARCH_TERM_BYTES

/* ------------------------------------------------------------------ */
/* Sources                                                             */
/* ------------------------------------------------------------------ */

struct store_source {
    int64_t id;
    char *url;             /* the feed URL, unique */
    char *site_url;        /* the site's home page, or NULL */
    char *title;           /* or NULL */
    int64_t partner_id;    /* 0 = none */
    char *partner_slug;    /* read only (join), or NULL */
    bool enabled;          /* polled only when true */
    char *disabled_reason; /* or NULL */
    char *etag;            /* last ETag, or NULL */
    char *last_modified;   /* last Last-Modified header, or NULL */
    int last_status;       /* HTTP status of the last fetch (304 too); 0 */
    char *last_error;      /* message of the last failure, or NULL */
    int errors;            /* consecutive failed fetches */
    int64_t next_fetch;    /* unix s; due when <= now */
    int64_t last_fetch;    /* unix s, 0 = never */
    int interval_s;        /* normal polling interval */
    int64_t created;       /* unix s */
    char *topics;          /* read only: comma-separated topic slugs, "" */
    int64_t n_items;       /* read only: stored items */
};

struct store_source_list {
    struct store_source *v; /* owned array of n */
    size_t n;
};

void store_source_free(struct store_source *src);
void store_source_list_free(struct store_source_list *list);

/* Add an enabled source from in's url (required), site_url, title,
 * partner_id, interval_s (<= 0: 3600) and next_fetch (0: now, i.e. due at
 * once); other fields of in are ignored. *id gets the new id. SYN_EEXIST when
 * the URL is already known (then *id, if not NULL, gets the existing source's
 * id). */
enum syn_status store_source_add(struct store *s, const struct store_source *in,
                                 int64_t now, int64_t *id /* out */,
                                 struct syn_err *err) SYN_NODISCARD;

/* One source by id or by exact URL; SYN_ENOTFOUND. Caller frees *out with
 * store_source_free(). */
enum syn_status store_source_get(struct store *s, int64_t id,
                                 struct store_source **out /* out */,
                                 struct syn_err *err) SYN_NODISCARD;
enum syn_status store_source_get_by_url(struct store *s, const char *url,
                                        struct store_source **out /* out */,
                                        struct syn_err *err) SYN_NODISCARD;

/* Every source by id, with n_items, partner_slug and topics filled.
 * Caller frees *out with store_source_list_free(). */
enum syn_status store_source_list(struct store *s,
                                  struct store_source_list **out /* out */,
                                  struct syn_err *err) SYN_NODISCARD;

/* Enabled sources with next_fetch <= now, earliest first, at most limit
 * (0 = no limit). Caller frees with store_source_list_free(). */
enum syn_status store_source_due(struct store *s, int64_t now, size_t limit,
                                 struct store_source_list **out /* out */,
                                 struct syn_err *err) SYN_NODISCARD;

/* Remove a source; its items, their topics, share counts and search
 * entries go with it (ON DELETE CASCADE). SYN_ENOTFOUND. */
enum syn_status store_source_remove(struct store *s, int64_t id,
                                    struct syn_err *err) SYN_NODISCARD;

/* The outcome of one fetch, for store_source_update_fetch(). */
struct store_fetch_result {
    bool failed;               /* true: errors + 1; false: errors = 0 */
    int status;                /* HTTP status (304 too), 0 if none */
    const char *etag;          /* NULL: keep the stored one */
    const char *last_modified; /* NULL: keep the stored one */
    const char *error;         /* message when failed; NULL clears it */
    const char *title;         /* feed title; NULL: keep */
    const char *site_url;      /* feed link; NULL: keep */
    int64_t fetched;           /* unix s of this fetch */
    int64_t next_fetch;        /* unix s of the next one (caller's policy) */
};

/* Record a fetch outcome (strings borrowed). SYN_ENOTFOUND. */
enum syn_status store_source_update_fetch(struct store *s, int64_t id,
                                          const struct store_fetch_result *r,
                                          struct syn_err *err) SYN_NODISCARD;

/* Enable or disable polling; reason (may be NULL) is kept while disabled
 * and cleared on enable. SYN_ENOTFOUND. */
enum syn_status store_source_set_enabled(struct store *s, int64_t id,
                                         bool enabled, const char *reason,
                                         struct syn_err *err) SYN_NODISCARD;

/* Replace the source's topics by slugs[0..n) (topics are created on demand
 * with name = slug). Items ingested later get these topics; existing items
 * keep theirs. SYN_ENOTFOUND, SYN_EINVAL for an empty slug. */
enum syn_status store_source_set_topics(struct store *s, int64_t id,
                                        const char *const *slugs, size_t n,
                                        struct syn_err *err) SYN_NODISCARD;

/* Move a source to a new feed URL (after a permanent redirect, 301/308);
 * its items, topics and state stay. SYN_EEXIST when another source already
 * has that URL, SYN_ENOTFOUND, SYN_EINVAL for an empty URL. */
enum syn_status store_source_set_url(struct store *s, int64_t id,
                                     const char *url,
                                     struct syn_err *err) SYN_NODISCARD;

/* ------------------------------------------------------------------ */
/* Items                                                               */
/* ------------------------------------------------------------------ */

struct store_item {
    int64_t id;
    int64_t source_id;
    char *guid;          /* unique within the source */
    char *url;           /* the item's link */
    char *canonical_url; /* normalized URL used to find duplicates */
    char *title;
    char *authors;         /* JSON array of strings, or NULL */
    int64_t published;     /* unix s, 0 = unknown */
    int64_t updated;       /* unix s, 0 = unknown */
    int64_t ingested;      /* unix s when first stored */
    int64_t sort_time;     /* read only: published, or ingested when the
                            * date is unknown or in the future; pages sort
                            * on (sort_time, id) descending */
    char *summary_html;    /* sanitized HTML, or NULL */
    char *content_html;    /* sanitized HTML, or NULL */
    char *excerpt_html;    /* sanitized short HTML, or NULL */
    char *excerpt_text;    /* plain text excerpt, or NULL */
    char *image;           /* lead image URL, or NULL */
    char *language;        /* BCP 47 tag, or NULL */
    char *categories;      /* JSON array of strings, or NULL */
    char *content_hash;    /* hex digest of the content; change = update */
    uint64_t simhash;      /* 64-bit SimHash of the text */
    int64_t cluster_id;    /* 0 = not clustered */
    char *text;            /* input only: plain text for the search index
                            * (content as text); NULL on reads */
    char *fts_title;       /* input only, optional: the search entry's   */
    char *fts_body;        /* title and body from store_item_fts_prepare()
                            * (both or neither); NULL: prepared by the
                            * store */
    char *source_title;    /* read only: the source's title, or NULL */
    char *source_site_url; /* read only: the source's site URL, or NULL */
    char *topics;          /* read only: comma-separated topic slugs, "" */
    char *snippet;         /* read only, search results: plain text of the
                            * body around the best match, with
                            * STORE_MARK_OPEN/CLOSE around matched words and
                            * "…" where text was cut */
};

struct store_item_list {
    struct store_item *v; /* owned array of n */
    size_t n;
    bool more;         /* pages: another page exists */
    int64_t next_time; /* pages: cursor for the next page */
    int64_t next_id;
};

void store_item_free(struct store_item *item);
void store_item_list_free(struct store_item_list *list);

/* The search entry of an item, as store_item_upsert() indexes it: title
 * and body (in->text, else in->excerpt_text), each cut at
 * SYN_MAX_FIELD_BYTES and prepared by store_fts_prepare_text(), into the
 * empty bufs title and body. Pure, so that callers can prepare entries on
 * other threads and hand them over in fts_title / fts_body. Errors are
 * the bufs' (SYN_ETOOBIG, SYN_ENOMEM). */
enum syn_status store_item_fts_prepare(const struct store_item *in,
                                       struct buf *title,
                                       struct buf *body) SYN_NODISCARD;

enum store_upsert {
    STORE_UNCHANGED = 0, /* same (source_id, guid) and same content_hash */
    STORE_INSERTED,      /* a new item */
    STORE_UPDATED,       /* known item, content_hash changed: rewritten */
};

/* Insert or update the item of in->source_id with in->guid (both
 * required, as are url and content_hash; strings borrowed). A new item gets
 * ingested = in->ingested or now, the source's topics and a search entry
 * built from title and in->text. A known item whose content_hash differs is
 * rewritten (id, ingested and cluster kept) and re-indexed. *result and *id
 * (either may be NULL) say what happened. SYN_ENOTFOUND when the source
 * does not exist. */
enum syn_status store_item_upsert(struct store *s, const struct store_item *in,
                                  int64_t now,
                                  enum store_upsert *result /* out */,
                                  int64_t *id /* out */,
                                  struct syn_err *err) SYN_NODISCARD;

/* store_item_upsert() of in[0..n), in this order, as one atomic step:
 * results[i] and ids[i] (arrays of n, not NULL when n > 0) say what
 * happened to in[i]. Cheaper than n calls inside a transaction (one
 * savepoint, one search-index flush). On error nothing of the batch is
 * kept and the outputs are unspecified. SYN_EINVAL for an item without
 * source, guid, url or hash; SYN_ENOTFOUND for an unknown source. */
enum syn_status store_item_upsert_many(struct store *s,
                                       const struct store_item *in, size_t n,
                                       int64_t now,
                                       enum store_upsert *results /* out */,
                                       int64_t *ids /* out */,
                                       struct syn_err *err) SYN_NODISCARD;

/* Add topics slugs[0..n) to an item, keeping the ones it has (topics are
 * created on demand with name = slug); e.g. keyword rules at ingest.
 * SYN_ENOTFOUND for an unknown item, SYN_EINVAL for an empty slug. */
enum syn_status store_item_add_topics(struct store *s, int64_t item_id,
                                      const char *const *slugs, size_t n,
                                      struct syn_err *err) SYN_NODISCARD;

/* One item by id; SYN_ENOTFOUND. Caller frees with store_item_free(). */
enum syn_status store_item_get(struct store *s, int64_t id,
                               struct store_item **out /* out */,
                               struct syn_err *err) SYN_NODISCARD;

/* The earliest stored item, from any source, whose canonical_url equals
 * the given one (cross-source duplicate detection); SYN_ENOTFOUND. */
enum syn_status store_item_find_by_canonical(struct store *s,
                                             const char *canonical_url,
                                             struct store_item **out /* out */,
                                             struct syn_err *err) SYN_NODISCARD;

/* Filter and cursor of store_item_page(). Zero/NULL fields do not filter. */
struct store_item_query {
    int64_t source_id;   /* only this source */
    const char *topic;   /* only items with this topic slug */
    int64_t since;       /* only items ingested after this time */
    int64_t before_time; /* cursor: items strictly after (before_time,   */
    int64_t before_id;   /* before_id) in page order; 0,0 = first page   */
    size_t limit;        /* page size, 1..STORE_MAX_PAGE (0: 20) */
};

#define STORE_MAX_PAGE SYN_MAX_PAGE_ITEMS

/* The newest items first, by (sort_time, id) descending. On SYN_OK *out
 * holds up to limit items; when (*out)->more, pass (*out)->next_time and
 * next_id as before_time/before_id for the next page. Caller frees with
 * store_item_list_free(). SYN_EINVAL for limit > STORE_MAX_PAGE. */
enum syn_status store_item_page(struct store *s,
                                const struct store_item_query *q,
                                struct store_item_list **out /* out */,
                                struct syn_err *err) SYN_NODISCARD;

/* The other items of item_id's cluster ("also reported by"), earliest
 * first, at most limit (0: 20). Empty when the item is not clustered. */
enum syn_status store_item_cluster_members(struct store *s, int64_t item_id,
                                           size_t limit,
                                           struct store_item_list **out
                                           /* out */,
                                           struct syn_err *err) SYN_NODISCARD;

/* Newest items sharing a topic with item_id, excluding the item and its
 * cluster, at most limit (0: 5). */
enum syn_status store_item_related(struct store *s, int64_t item_id,
                                   size_t limit,
                                   struct store_item_list **out /* out */,
                                   struct syn_err *err) SYN_NODISCARD;

/* Full-text search of titles and texts, best matches first, skipping
 * offset and returning at most limit (0: 20, max STORE_MAX_PAGE). Each item
 * has a snippet. Any query string is accepted: one without usable terms
 * (empty, only operators or punctuation) gives an empty list, never an
 * error (see store_fts_query()). Caller frees with store_item_list_free().
 * (*out)->more tells whether a further page exists. */
enum syn_status store_item_search(struct store *s, const char *query,
                                  size_t offset, size_t limit,
                                  struct store_item_list **out /* out */,
                                  struct syn_err *err) SYN_NODISCARD;

/* Candidates for near-duplicate detection: id, source_id, simhash and
 * cluster_id (other fields NULL/0) of items ingested at or after since,
 * newest first, at most limit (0: 1000). */
enum syn_status store_item_simhash_list(struct store *s, int64_t since,
                                        size_t limit,
                                        struct store_item_list **out /* out */,
                                        struct syn_err *err) SYN_NODISCARD;

/* ------------------------------------------------------------------ */
/* Clusters (the same story from several sources)                      */
/* ------------------------------------------------------------------ */

/* Put item_id in the cluster of with_item_id, creating that cluster
 * (with with_item_id as its first member) when it has none. When item_id
 * is already in another cluster, it moves. *cluster_id (may be NULL) gets
 * the cluster. SYN_ENOTFOUND for an unknown item; SYN_EINVAL when both ids
 * are equal. */
enum syn_status store_cluster_assign(struct store *s, int64_t item_id,
                                     int64_t with_item_id, int64_t now,
                                     int64_t *cluster_id /* out */,
                                     struct syn_err *err) SYN_NODISCARD;

/* ------------------------------------------------------------------ */
/* Topics                                                              */
/* ------------------------------------------------------------------ */

struct store_topic {
    int64_t id;
    char *slug;      /* unique, e.g. "climate" */
    char *name;      /* display name */
    int64_t n_items; /* read only (list): items with the topic */
};

struct store_topic_list {
    struct store_topic *v; /* owned array of n */
    size_t n;
};

void store_topic_list_free(struct store_topic_list *list);

/* Create the topic slug, or set its display name when it exists (name
 * NULL: keep the current name, or use slug for a new topic); this is how
 * configured topic names are applied. *id (may be NULL) gets its id. */
enum syn_status store_topic_upsert(struct store *s, const char *slug,
                                   const char *name, int64_t *id /* out */,
                                   struct syn_err *err) SYN_NODISCARD;

/* Every topic by name, with n_items. Free with store_topic_list_free(). */
enum syn_status store_topic_list(struct store *s,
                                 struct store_topic_list **out /* out */,
                                 struct syn_err *err) SYN_NODISCARD;

/* ------------------------------------------------------------------ */
/* Partners                                                            */
/* ------------------------------------------------------------------ */

struct store_partner {
    int64_t id;
    char *slug; /* unique */
    char *name;
    char *url;         /* or NULL */
    char *logo;        /* image URL, or NULL */
    char *description; /* plain text, or NULL */
    int64_t created;
};

struct store_partner_list {
    struct store_partner *v; /* owned array of n */
    size_t n;
};

void store_partner_free(struct store_partner *p);
void store_partner_list_free(struct store_partner_list *list);

/* Add a partner (slug and name required). SYN_EEXIST for a known slug. */
enum syn_status store_partner_add(struct store *s,
                                  const struct store_partner *in, int64_t now,
                                  int64_t *id /* out */,
                                  struct syn_err *err) SYN_NODISCARD;
/* By slug; SYN_ENOTFOUND. Caller frees with store_partner_free(). */
enum syn_status store_partner_get(struct store *s, const char *slug,
                                  struct store_partner **out /* out */,
                                  struct syn_err *err) SYN_NODISCARD;
/* Every partner by name. */
enum syn_status store_partner_list(struct store *s,
                                   struct store_partner_list **out /* out */,
                                   struct syn_err *err) SYN_NODISCARD;
/* Remove by id; its sources stay, with partner_id reset to 0.
 * SYN_ENOTFOUND. */
enum syn_status store_partner_remove(struct store *s, int64_t id,
                                     struct syn_err *err) SYN_NODISCARD;

/* ------------------------------------------------------------------ */
/* Subscribers                                                         */
/* ------------------------------------------------------------------ */

enum store_sub_status {
    STORE_SUB_PENDING = 0, /* waiting for the confirmation click */
    STORE_SUB_CONFIRMED,
    STORE_SUB_UNSUBSCRIBED,
    STORE_SUB_BOUNCING, /* too many bounces: no more mail */
};

enum store_frequency {
    STORE_FREQ_INSTANT = 0,
    STORE_FREQ_DAILY,
    STORE_FREQ_WEEKLY,
};
#define STORE_N_FREQ 3

/* "pending", "confirmed", ... / "instant", "daily", "weekly": static. */
const char *store_sub_status_name(enum store_sub_status st);
const char *store_frequency_name(enum store_frequency f);
/* Parse those names (exact, lower case); SYN_EINVAL otherwise. */
enum syn_status
store_sub_status_parse(const char *name,
                       enum store_sub_status *out /* out */) SYN_NODISCARD;
enum syn_status
store_frequency_parse(const char *name,
                      enum store_frequency *out /* out */) SYN_NODISCARD;

struct store_subscriber {
    int64_t id;
    char *email;        /* unique, compared ASCII case-insensitively */
    char *name;         /* or NULL */
    char *organization; /* or NULL */
    enum store_sub_status status;
    enum store_frequency frequency;
    char *topics;         /* comma-separated slugs; "" or NULL = all */
    int64_t consent_time; /* unix s of the form submission */
    char *consent_ip;     /* address that submitted it, or NULL */
    char *consent_source; /* "subscribe form", "partner form", "import" */
    int64_t confirmed_at; /* unix s, 0 = never */
    int64_t last_digest[STORE_N_FREQ]; /* unix s per frequency, 0 = never */
    int bounces;                       /* hard bounces counted */
    int64_t created;
};

struct store_subscriber_list {
    struct store_subscriber *v; /* owned array of n */
    size_t n;
};

void store_subscriber_free(struct store_subscriber *sub);
void store_subscriber_list_free(struct store_subscriber_list *list);

/* Record a subscription request from in (email required; name,
 * organization, frequency, topics, consent_*). A new address is inserted
 * as pending. A known address that is pending, unsubscribed or bouncing is
 * reset to pending with the new preferences and consent (bounces cleared).
 * A confirmed address is left alone and SYN_EEXIST is returned (the web
 * layer must not reveal this to the visitor). *id (may be NULL) gets the
 * subscriber's id in every case. in->status is ignored; created and
 * consent_time default to now. */
enum syn_status store_subscriber_add_pending(struct store *s,
                                             const struct store_subscriber *in,
                                             int64_t now, int64_t *id /* out */,
                                             struct syn_err *err) SYN_NODISCARD;

/* Import an address whose consent was obtained elsewhere: inserted with
 * in->status (pending or confirmed; confirmed_at = consent_time).
 * SYN_EEXIST when the address is known (left unchanged). */
enum syn_status store_subscriber_import(struct store *s,
                                        const struct store_subscriber *in,
                                        int64_t now, int64_t *id /* out */,
                                        struct syn_err *err) SYN_NODISCARD;

/* By id or by email (case-insensitive); SYN_ENOTFOUND. Caller frees with
 * store_subscriber_free(). */
enum syn_status store_subscriber_get(struct store *s, int64_t id,
                                     struct store_subscriber **out /* out */,
                                     struct syn_err *err) SYN_NODISCARD;
enum syn_status
store_subscriber_get_by_email(struct store *s, const char *email,
                              struct store_subscriber **out
                              /* out */,
                              struct syn_err *err) SYN_NODISCARD;

/* Confirm (double opt-in click): status confirmed, confirmed_at = now
 * (kept if already confirmed), bounces cleared. SYN_ENOTFOUND. */
enum syn_status store_subscriber_confirm(struct store *s, int64_t id,
                                         int64_t now,
                                         struct syn_err *err) SYN_NODISCARD;

/* Replace name, organization, frequency and topics with in's (borrowed).
 * SYN_ENOTFOUND. */
enum syn_status
store_subscriber_update_prefs(struct store *s, int64_t id,
                              const struct store_subscriber *in,
                              struct syn_err *err) SYN_NODISCARD;

/* Status unsubscribed (the row is kept as proof of the opt-out).
 * SYN_ENOTFOUND. */
enum syn_status store_subscriber_unsubscribe(struct store *s, int64_t id,
                                             struct syn_err *err) SYN_NODISCARD;

/* Forget the address entirely (erasure request). SYN_ENOTFOUND. */
enum syn_status store_subscriber_delete(struct store *s, int64_t id,
                                        struct syn_err *err) SYN_NODISCARD;

/* Count a hard bounce for email; at max_bounces the status becomes
 * bouncing. *status (may be NULL) gets the resulting status.
 * SYN_ENOTFOUND for an unknown address. */
enum syn_status store_subscriber_mark_bounce(struct store *s, const char *email,
                                             int max_bounces,
                                             enum store_sub_status *status
                                             /* out */,
                                             struct syn_err *err) SYN_NODISCARD;

/* Record that a digest of frequency f was sent to id at time t. */
enum syn_status
store_subscriber_set_last_digest(struct store *s, int64_t id,
                                 enum store_frequency f, int64_t t,
                                 struct syn_err *err) SYN_NODISCARD;

/* Filter of store_subscriber_list(): a negative value does not filter. */
struct store_subscriber_query {
    int status;    /* enum store_sub_status, or -1 */
    int frequency; /* enum store_frequency, or -1 */
};

/* Subscribers matching q (NULL: all) by id. Free with
 * store_subscriber_list_free(). */
enum syn_status store_subscriber_list(struct store *s,
                                      const struct store_subscriber_query *q,
                                      struct store_subscriber_list **out
                                      /* out */,
                                      struct syn_err *err) SYN_NODISCARD;

/* Record the digest run (frequency, period_key such as "2026-11-29" or
 * "2026-W48"). SYN_EEXIST when that period was already recorded, which
 * makes a digest run idempotent. */
enum syn_status store_digest_record(struct store *s, enum store_frequency f,
                                    const char *period_key, int64_t now,
                                    struct syn_err *err) SYN_NODISCARD;

/* ------------------------------------------------------------------ */
/* Outbox: every mail is a row first (see DESIGN.md)                   */
/* ------------------------------------------------------------------ */

enum store_mail_kind {
    STORE_MAIL_CONFIRM = 0, /* double opt-in confirmation */
    STORE_MAIL_ACK,         /* acknowledgement of an inquiry */
    STORE_MAIL_NOTIFY,      /* notification to the team */
    STORE_MAIL_DIGEST,
};

enum store_mail_status {
    STORE_MAIL_QUEUED = 0,
    STORE_MAIL_SENT,
    STORE_MAIL_FAILED, /* given up */
};

const char *store_mail_kind_name(enum store_mail_kind k);
const char *store_mail_status_name(enum store_mail_status st);

struct store_mail {
    int64_t id;
    enum store_mail_kind kind;
    char *dedupe_key; /* unique, e.g. "digest:daily:2026-11-29:sub42" */
    char *recipient;  /* one address */
    char *subject;    /* for listings; the body has the real header */
    char *body;       /* the full RFC 5322 message, CRLF line ends;
                       * "" once sent (bodies are dropped then) */
    enum store_mail_status status;
    int attempts;         /* delivery attempts started */
    int64_t next_attempt; /* unix s; due when <= now (and queued) */
    char *last_error;     /* or NULL */
    int64_t created;
    int64_t sent_at; /* 0 until sent */
};

struct store_mail_list {
    struct store_mail *v; /* owned array of n */
    size_t n;
};

void store_mail_list_free(struct store_mail_list *list);

/* Queue a mail (kind, dedupe_key, recipient, subject, body required),
 * due at once. Idempotent: when dedupe_key is already present (queued,
 * sent or failed), nothing changes, *inserted = false and *id is the
 * existing row.
 * Either out may be NULL. */
enum syn_status store_outbox_enqueue(struct store *s,
                                     const struct store_mail *in, int64_t now,
                                     int64_t *id /* out */,
                                     bool *inserted /* out */,
                                     struct syn_err *err) SYN_NODISCARD;

/* Claim up to limit (0: 10) queued mails due at now, oldest first: each
 * gets attempts + 1 and next_attempt = now + lease_s, so no other sender
 * takes it while this one works on it; a sender that dies leaves the row
 * to be retried after the lease. Free with store_mail_list_free(). */
enum syn_status store_outbox_claim(struct store *s, int64_t now, size_t limit,
                                   int lease_s,
                                   struct store_mail_list **out /* out */,
                                   struct syn_err *err) SYN_NODISCARD;

/* Store the composed message of a claimed mail (rows queued with an empty
 * body are composed by the sender), so that a retry sends the very same
 * message (same Message-ID). SYN_ENOTFOUND. */
enum syn_status store_outbox_set_body(struct store *s, int64_t id,
                                      const char *body,
                                      struct syn_err *err) SYN_NODISCARD;

/* The mail was accepted by the MTA: status sent, sent_at = now. Its body
 * is dropped (the row stays, so its dedupe key stays taken). */
enum syn_status store_outbox_mark_sent(struct store *s, int64_t id, int64_t now,
                                       struct syn_err *err) SYN_NODISCARD;

/* Delivery failed with error (borrowed): retry at next_attempt, or give up
 * (status failed) when next_attempt is 0. SYN_ENOTFOUND. */
enum syn_status store_outbox_mark_failed(struct store *s, int64_t id,
                                         const char *error,
                                         int64_t next_attempt,
                                         struct syn_err *err) SYN_NODISCARD;

/* The earliest next_attempt of a queued mail, or 0 when none: how long the
 * sender may sleep. */
enum syn_status store_outbox_next_due(struct store *s, int64_t *when /* out */,
                                      struct syn_err *err) SYN_NODISCARD;

/* ------------------------------------------------------------------ */
/* Partnership inquiries                                               */
/* ------------------------------------------------------------------ */

enum store_inquiry_status {
    STORE_INQ_NEW = 0,
    STORE_INQ_CONTACTED,
    STORE_INQ_ACCEPTED,
    STORE_INQ_DECLINED,
};

const char *store_inquiry_status_name(enum store_inquiry_status st);
enum syn_status store_inquiry_status_parse(const char *name,
                                           enum store_inquiry_status *out
                                           /* out */) SYN_NODISCARD;

struct store_inquiry {
    int64_t id;
    char *organization;
    char *name;
    char *email;
    char *website; /* or NULL */
    char *country; /* or NULL */
    char *kind;    /* content|media|events|research|other */
    char *message;
    enum store_inquiry_status status;
    char *ip; /* submitter's address, or NULL */
    int64_t created;
};

struct store_inquiry_list {
    struct store_inquiry *v; /* owned array of n */
    size_t n;
};

void store_inquiry_free(struct store_inquiry *inq);
void store_inquiry_list_free(struct store_inquiry_list *list);

/* Store an inquiry (organization, name, email, kind, message required;
 * status new). SYN_EINVAL for an unknown kind. */
enum syn_status store_inquiry_add(struct store *s,
                                  const struct store_inquiry *in, int64_t now,
                                  int64_t *id /* out */,
                                  struct syn_err *err) SYN_NODISCARD;
/* Newest first; status < 0 lists all, else only that status. */
enum syn_status store_inquiry_list(struct store *s, int status,
                                   struct store_inquiry_list **out /* out */,
                                   struct syn_err *err) SYN_NODISCARD;
/* SYN_ENOTFOUND. Caller frees with store_inquiry_free(). */
enum syn_status store_inquiry_get(struct store *s, int64_t id,
                                  struct store_inquiry **out /* out */,
                                  struct syn_err *err) SYN_NODISCARD;
enum syn_status store_inquiry_set_status(struct store *s, int64_t id,
                                         enum store_inquiry_status st,
                                         struct syn_err *err) SYN_NODISCARD;

/* ------------------------------------------------------------------ */
/* Share counts, settings, rate limits, stats                          */
/* ------------------------------------------------------------------ */

struct store_share {
    char *network; /* "pinterest", "facebook", ... */
    int64_t count;
};

struct store_share_list {
    struct store_share *v; /* owned array of n, by network */
    size_t n;
};

void store_share_list_free(struct store_share_list *list);

/* Count one share of item_id on network. SYN_ENOTFOUND for no such item. */
enum syn_status store_share_increment(struct store *s, int64_t item_id,
                                      const char *network,
                                      struct syn_err *err) SYN_NODISCARD;
/* Per-network counts of item_id (empty list when none). */
enum syn_status store_share_totals(struct store *s, int64_t item_id,
                                   struct store_share_list **out /* out */,
                                   struct syn_err *err) SYN_NODISCARD;

/* Settings hold site secrets (the HMAC key) and small state. *value is a
 * new string (syn_free); SYN_ENOTFOUND when unset. */
enum syn_status store_setting_get(struct store *s, const char *key,
                                  char **value /* out */,
                                  struct syn_err *err) SYN_NODISCARD;
enum syn_status store_setting_set(struct store *s, const char *key,
                                  const char *value,
                                  struct syn_err *err) SYN_NODISCARD;

/* Fixed-window rate limit: count one event for key (e.g. "subscribe:ip:
 * 192.0.2.1") in the window of window_s seconds that contains now, and set
 * *allowed to whether the count is still <= max. Counting happens even
 * when denied. Windows older than the current one are pruned. */
enum syn_status store_rate_check(struct store *s, const char *key, int window_s,
                                 int max, int64_t now, bool *allowed /* out */,
                                 struct syn_err *err) SYN_NODISCARD;

/* Cheap counters for /metrics. */
struct store_stats {
    int64_t sources;
    int64_t sources_failing; /* errors > 0 */
    int64_t items;
    int64_t clusters;
    int64_t subscribers_confirmed;
    int64_t subscribers_pending;
    int64_t outbox_queued;
    int64_t outbox_failed;
    int64_t inquiries_new;
};

enum syn_status store_stats(struct store *s, struct store_stats *out /* out */,
                            struct syn_err *err) SYN_NODISCARD;

#endif
