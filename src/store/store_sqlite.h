/* Internal to src/store/: what the SQLite backend files share (the
 * connection struct, the statement cache, binding and row-reading helpers).
 * The backend is split by noun: store_sqlite.c (connection, migrations,
 * transactions), store_sqlite_feeds.c (sources, items, clusters, topics,
 * shares, search), store_sqlite_people.c (partners, subscribers, digests,
 * outbox, inquiries, settings, rate limits, stats).
 * Thread rules: those of store.h (one connection, one thread at a time). */
#ifndef SYNDIC_STORE_STORE_SQLITE_H
#define SYNDIC_STORE_STORE_SQLITE_H

#include <sqlite3.h>
#include <stddef.h>

#include "store/store_backend.h"

/* SQLite's default automatic checkpoint: when the log passes this many
 * pages (store_set_autocheckpoint() turns it back on with it). */
#define SQ_AUTOCHECKPOINT_PAGES 1000

/* Distinct SQL texts of the backend, each prepared once per connection;
 * a compile-time bound, raised when the backend grows. */
#define SQ_MAX_STMTS 128

struct sq_cached {
    const char *sql;  /* static text; the cache key is its address */
    sqlite3_stmt *st; /* owned, prepared with SQLITE_PREPARE_PERSISTENT */
};

/* A search entry waiting for the end of the caller's transaction (see
 * sq_fts_defer()): item id's title and body, owned. */
struct sq_fts_entry {
    int64_t id;
    bool replace; /* an entry may exist: delete it first */
    char *title, *body;
    size_t bytes; /* of title and body */
};

struct sq {
    struct store base; /* first: a struct store * is a struct sq * */
    sqlite3 *db;       /* owned */
    struct sq_cached cache[SQ_MAX_STMTS];
    size_t n_cached;
    bool in_savepoint;        /* store_savepoint() is open ... */
    size_t savepoint_mark;    /* ... when sq_fts_mark() said this */
    struct sq_fts_entry *fts; /* pending search entries, in order */
    size_t n_fts, cap_fts;
    size_t fts_bytes;   /* of their text */
    size_t fts_written; /* entries written since the transaction began */
};

static inline struct sq *
sq_of(struct store *s)
{
    return (struct sq *)s;
}

/* Search entries are written when the caller's transaction commits, all
 * together: FTS5 turns what it has pending into a new index segment
 * whenever a savepoint or a statement journal opens, so entries written
 * among other statements cost a segment (and later merges) each. Outside
 * a caller's transaction, the store function that defers entries writes
 * them before its own commit.
 *   sq_fts_defer: queue an entry (copied); past SYN_MAX_PENDING_INDEX_BYTES
 *     all pending entries are written at once (inside the transaction,
 *     where a rollback still undoes them);
 *   sq_fts_write: write every pending entry (before COMMIT);
 *   sq_fts_mark / sq_fts_drop: forget the entries queued after a mark,
 *     when the statements that queued them are rolled back. */
enum syn_status sq_fts_defer(struct sq *q, int64_t id, bool replace,
                             const char *title, const char *body,
                             struct syn_err *err) SYN_NODISCARD;
enum syn_status sq_fts_write(struct sq *q, struct syn_err *err) SYN_NODISCARD;
size_t sq_fts_mark(const struct sq *q);
void sq_fts_drop(struct sq *q, size_t mark);

/* Map a SQLite result code to a status and fill err with "what: message".
 * Constraint violations: UNIQUE/PRIMARY KEY -> SYN_EEXIST, FOREIGN KEY ->
 * SYN_ENOTFOUND, CHECK/NOT NULL -> SYN_EINVAL; NOMEM -> SYN_ENOMEM; the
 * rest SYN_EDB. */
enum syn_status sq_fail(struct sq *q, int rc, const char *what,
                        struct syn_err *err);

/* Get the cached statement for sql (preparing it on first use), reset it
 * and bind the arguments described by fmt, one letter per parameter:
 *   s  const char *  (NULL binds NULL)
 *   i  int
 *   I  int64_t
 *   Z  int64_t, 0 binds NULL (optional foreign keys)
 *   b  bool (as int, 0/1)
 * On SYN_OK *out is ready to step; release it with sq_done() (a reset, so
 * no read snapshot stays open). */
enum syn_status sq_start(struct sq *q, const char *sql,
                         sqlite3_stmt **out /* out */, struct syn_err *err,
                         const char *fmt, ...) SYN_NODISCARD;

/* Reset a statement from sq_start(); NULL is a no-op. */
void sq_done(sqlite3_stmt *st);

/* Step once: SYN_OK with *row true (a row is available) or false (done). */
enum syn_status sq_step(struct sq *q, sqlite3_stmt *st, bool *row /* out */,
                        struct syn_err *err) SYN_NODISCARD;

/* Start, step until done, release. *changes (may be NULL) gets the number
 * of rows modified. */
enum syn_status sq_exec(struct sq *q, const char *sql, int64_t *changes,
                        struct syn_err *err, const char *fmt,
                        ...) SYN_NODISCARD;

/* Start and step once; *value = column 0 of the first row as int64
 * (SYN_ENOTFOUND without a row, or when it is NULL and null_ok is false;
 * 0 when it is NULL and null_ok is true). */
enum syn_status sq_int(struct sq *q, const char *sql, int64_t *value,
                       bool null_ok, struct syn_err *err, const char *fmt,
                       ...) SYN_NODISCARD;

/* Row mapping: column i of a result goes to field i of a struct. */
enum sq_kind {
    SQ_I64,  /* int64_t, NULL -> 0 */
    SQ_INT,  /* int */
    SQ_BOOL, /* bool */
    SQ_U64,  /* uint64_t stored as a signed INTEGER */
    SQ_TEXT, /* char * (syn_strdup), NULL stays NULL */
    SQ_ENUM, /* int-sized enum from text, by names[] */
};

struct sq_field {
    size_t off;
    enum sq_kind kind;
    const char *const *names; /* SQ_ENUM only */
    int n_names;
};

#define SQF(type, member, kind)                                                \
    {                                                                          \
        offsetof(struct type, member), kind, NULL, 0                           \
    }
#define SQE(type, member, names)                                               \
    {                                                                          \
        offsetof(struct type, member), SQ_ENUM, names,                         \
            (int)SYN_ARRAY_LEN(names)                                          \
    }

/* Read the current row of st into obj (fields[0..n) from column 0). On
 * failure, strings already copied stay in obj for its clear function. */
enum syn_status sq_read_row(struct sq *q, sqlite3_stmt *st,
                            const struct sq_field *fields, size_t n, void *obj,
                            struct syn_err *err) SYN_NODISCARD;

/* Step st to the end (or to limit rows, 0 = no limit), reading each row
 * into a new element of *v (elem_size bytes, zeroed first), growing *v and
 * *count. clear() undoes a half-read element on failure; already read
 * elements stay for the caller's list free. *more (may be NULL) is set when
 * a row beyond limit exists. */
enum syn_status sq_read_rows(struct sq *q, sqlite3_stmt *st,
                             const struct sq_field *fields, size_t n,
                             size_t elem_size, void (*clear)(void *),
                             size_t limit, void **v, size_t *count, bool *more,
                             struct syn_err *err) SYN_NODISCARD;

/* Step a started statement once and read its row into a new zeroed
 * object of size bytes (SYN_ENOTFOUND without a row); releases st.
 * On SYN_OK *out owns the object. */
enum syn_status sq_get_one(struct sq *q, sqlite3_stmt *st,
                           const struct sq_field *fields, size_t n, size_t size,
                           void (*clear)(void *), void **out,
                           struct syn_err *err) SYN_NODISCARD;

/* An atomic section that works inside and outside a caller's
 * transaction: BEGIN IMMEDIATE when none is open, else a SAVEPOINT. */
struct sq_tx {
    bool owned;      /* true: we began the transaction */
    size_t fts_mark; /* sq_fts_mark() at the beginning */
};
enum syn_status sq_tx_begin(struct sq *q, struct sq_tx *tx,
                            struct syn_err *err) SYN_NODISCARD;
/* Commit (st == SYN_OK) or roll back; returns st, or the commit error.
 * An owned transaction writes the pending search entries before its
 * commit; a rolled-back section forgets those it queued. */
enum syn_status sq_tx_end(struct sq *q, struct sq_tx *tx, enum syn_status st,
                          struct syn_err *err) SYN_NODISCARD;

/* Clear functions with the void * signature sq_read_rows() wants. */
void sq_clear_source(void *v);
void sq_clear_item(void *v);
void sq_clear_topic(void *v);
void sq_clear_partner(void *v);
void sq_clear_subscriber(void *v);
void sq_clear_mail(void *v);
void sq_clear_inquiry(void *v);
void sq_clear_share(void *v);

/* Allocate an empty list struct (zeroed); NULL on ENOMEM. */
void *sq_list_new(size_t size);

/* The operations, defined in the noun files. */
enum syn_status sq_source_add(struct store *s, const struct store_source *in,
                              int64_t now, int64_t *id, struct syn_err *err);
enum syn_status sq_source_get(struct store *s, int64_t id,
                              struct store_source **out, struct syn_err *err);
enum syn_status sq_source_get_by_url(struct store *s, const char *url,
                                     struct store_source **out,
                                     struct syn_err *err);
enum syn_status sq_source_list(struct store *s, struct store_source_list **out,
                               struct syn_err *err);
enum syn_status sq_source_due(struct store *s, int64_t now, size_t limit,
                              struct store_source_list **out,
                              struct syn_err *err);
enum syn_status sq_source_remove(struct store *s, int64_t id,
                                 struct syn_err *err);
enum syn_status sq_source_update_fetch(struct store *s, int64_t id,
                                       const struct store_fetch_result *r,
                                       struct syn_err *err);
enum syn_status sq_source_set_enabled(struct store *s, int64_t id, bool enabled,
                                      const char *reason, struct syn_err *err);
enum syn_status sq_source_set_topics(struct store *s, int64_t id,
                                     const char *const *slugs, size_t n,
                                     struct syn_err *err);
enum syn_status sq_item_upsert(struct store *s, const struct store_item *in,
                               int64_t now, enum store_upsert *result,
                               int64_t *id, struct syn_err *err);
enum syn_status sq_item_upsert_many(struct store *s,
                                    const struct store_item *in, size_t n,
                                    int64_t now, enum store_upsert *results,
                                    int64_t *ids, struct syn_err *err);
enum syn_status sq_source_set_url(struct store *s, int64_t id, const char *url,
                                  struct syn_err *err);
enum syn_status sq_item_add_topics(struct store *s, int64_t item_id,
                                   const char *const *slugs, size_t n,
                                   struct syn_err *err);
enum syn_status sq_item_get(struct store *s, int64_t id,
                            struct store_item **out, struct syn_err *err);
enum syn_status sq_item_find_by_canonical(struct store *s,
                                          const char *canonical_url,
                                          struct store_item **out,
                                          struct syn_err *err);
enum syn_status sq_item_page(struct store *s, const struct store_item_query *q,
                             struct store_item_list **out, struct syn_err *err);
enum syn_status sq_item_cluster_members(struct store *s, int64_t item_id,
                                        size_t limit,
                                        struct store_item_list **out,
                                        struct syn_err *err);
enum syn_status sq_item_related(struct store *s, int64_t item_id, size_t limit,
                                struct store_item_list **out,
                                struct syn_err *err);
enum syn_status sq_item_search(struct store *s, const char *query,
                               size_t offset, size_t limit,
                               struct store_item_list **out,
                               struct syn_err *err);
enum syn_status sq_item_simhash_list(struct store *s, int64_t since,
                                     size_t limit, struct store_item_list **out,
                                     struct syn_err *err);
enum syn_status sq_cluster_assign(struct store *s, int64_t item_id,
                                  int64_t with_item_id, int64_t now,
                                  int64_t *cluster_id, struct syn_err *err);
enum syn_status sq_topic_upsert(struct store *s, const char *slug,
                                const char *name, int64_t *id,
                                struct syn_err *err);
enum syn_status sq_topic_list(struct store *s, struct store_topic_list **out,
                              struct syn_err *err);
enum syn_status sq_partner_add(struct store *s, const struct store_partner *in,
                               int64_t now, int64_t *id, struct syn_err *err);
enum syn_status sq_partner_get(struct store *s, const char *slug,
                               struct store_partner **out, struct syn_err *err);
enum syn_status sq_partner_list(struct store *s,
                                struct store_partner_list **out,
                                struct syn_err *err);
enum syn_status sq_partner_remove(struct store *s, int64_t id,
                                  struct syn_err *err);
enum syn_status sq_subscriber_add_pending(struct store *s,
                                          const struct store_subscriber *in,
                                          int64_t now, int64_t *id,
                                          struct syn_err *err);
enum syn_status sq_subscriber_import(struct store *s,
                                     const struct store_subscriber *in,
                                     int64_t now, int64_t *id,
                                     struct syn_err *err);
enum syn_status sq_subscriber_get(struct store *s, int64_t id,
                                  struct store_subscriber **out,
                                  struct syn_err *err);
enum syn_status sq_subscriber_get_by_email(struct store *s, const char *email,
                                           struct store_subscriber **out,
                                           struct syn_err *err);
enum syn_status sq_subscriber_confirm(struct store *s, int64_t id, int64_t now,
                                      struct syn_err *err);
enum syn_status sq_subscriber_update_prefs(struct store *s, int64_t id,
                                           const struct store_subscriber *in,
                                           struct syn_err *err);
enum syn_status sq_subscriber_unsubscribe(struct store *s, int64_t id,
                                          struct syn_err *err);
enum syn_status sq_subscriber_delete(struct store *s, int64_t id,
                                     struct syn_err *err);
enum syn_status sq_subscriber_mark_bounce(struct store *s, const char *email,
                                          int max_bounces,
                                          enum store_sub_status *status,
                                          struct syn_err *err);
enum syn_status sq_subscriber_set_last_digest(struct store *s, int64_t id,
                                              enum store_frequency f, int64_t t,
                                              struct syn_err *err);
enum syn_status sq_subscriber_list(struct store *s,
                                   const struct store_subscriber_query *q,
                                   struct store_subscriber_list **out,
                                   struct syn_err *err);
enum syn_status sq_digest_record(struct store *s, enum store_frequency f,
                                 const char *period_key, int64_t now,
                                 struct syn_err *err);
enum syn_status sq_outbox_enqueue(struct store *s, const struct store_mail *in,
                                  int64_t now, int64_t *id, bool *inserted,
                                  struct syn_err *err);
enum syn_status sq_outbox_claim(struct store *s, int64_t now, size_t limit,
                                int lease_s, struct store_mail_list **out,
                                struct syn_err *err);
enum syn_status sq_outbox_set_body(struct store *s, int64_t id,
                                   const char *body, struct syn_err *err);
enum syn_status sq_outbox_mark_sent(struct store *s, int64_t id, int64_t now,
                                    struct syn_err *err);
enum syn_status sq_outbox_mark_failed(struct store *s, int64_t id,
                                      const char *error, int64_t next_attempt,
                                      struct syn_err *err);
enum syn_status sq_outbox_next_due(struct store *s, int64_t *when,
                                   struct syn_err *err);
enum syn_status sq_inquiry_add(struct store *s, const struct store_inquiry *in,
                               int64_t now, int64_t *id, struct syn_err *err);
enum syn_status sq_inquiry_list(struct store *s, int status,
                                struct store_inquiry_list **out,
                                struct syn_err *err);
enum syn_status sq_inquiry_get(struct store *s, int64_t id,
                               struct store_inquiry **out, struct syn_err *err);
enum syn_status sq_inquiry_set_status(struct store *s, int64_t id,
                                      enum store_inquiry_status st,
                                      struct syn_err *err);
enum syn_status sq_share_increment(struct store *s, int64_t item_id,
                                   const char *network, struct syn_err *err);
enum syn_status sq_share_totals(struct store *s, int64_t item_id,
                                struct store_share_list **out,
                                struct syn_err *err);
enum syn_status sq_setting_get(struct store *s, const char *key, char **value,
                               struct syn_err *err);
enum syn_status sq_setting_set(struct store *s, const char *key,
                               const char *value, struct syn_err *err);
enum syn_status sq_rate_check(struct store *s, const char *key, int window_s,
                              int max, int64_t now, bool *allowed,
                              struct syn_err *err);
enum syn_status sq_stats(struct store *s, struct store_stats *out,
                         struct syn_err *err);

#endif
