/* SQLite backend of the store: the connection, its statement cache, the
 * helpers every noun file uses, migrations and transactions.
 *
 * Every query is a static SQL text prepared once per connection
 * (SQLITE_PREPARE_PERSISTENT) and found again by the address of its text;
 * values are always bound, never pasted. Statements are reset right after
 * use so that no read snapshot outlives a call (WAL checkpoints need that).
 * Migrations are the only multi-statement scripts (sqlite3_exec on text
 * compiled into the binary). */
#include "store/store_sqlite.h"

#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "util/embed.h"
#include "util/limits.h"
#include "util/mem.h"
#include "util/str.h"
#include "util/utf8.h"

/* ------------------------------------------------------------------ */
/* Errors, statements, binding                                         */
/* ------------------------------------------------------------------ */

enum syn_status
sq_fail(struct sq *q, int rc, const char *what, struct syn_err *err)
{
    enum syn_status st = SYN_EDB;
    const char *msg = q->db != NULL ? sqlite3_errmsg(q->db) : "no database";

    switch (rc) {
    case SQLITE_NOMEM:
        st = SYN_ENOMEM;
        break;
    case SQLITE_CONSTRAINT_UNIQUE:
    case SQLITE_CONSTRAINT_PRIMARYKEY:
        st = SYN_EEXIST;
        break;
    case SQLITE_CONSTRAINT_FOREIGNKEY:
        st = SYN_ENOTFOUND;
        break;
    case SQLITE_CONSTRAINT_CHECK:
    case SQLITE_CONSTRAINT_NOTNULL:
        st = SYN_EINVAL;
        break;
    default:
        break;
    }
    return syn_err_set(err, st, "store: %s: %s", what, msg);
}

static enum syn_status
sq_prepare(struct sq *q, const char *sql, sqlite3_stmt **out,
           struct syn_err *err)
{
    size_t i;
    int rc;

    for (i = 0; i < q->n_cached; i++) {
        if (q->cache[i].sql == sql) {
            *out = q->cache[i].st;
            return SYN_OK;
        }
    }
    if (q->n_cached == SQ_MAX_STMTS) {
        return syn_err_set(err, SYN_ETOOBIG,
                           "store: statement cache full (SQ_MAX_STMTS)");
    }
    rc = sqlite3_prepare_v3(q->db, sql, -1, SQLITE_PREPARE_PERSISTENT, out,
                            NULL);
    if (rc != SQLITE_OK)
        return sq_fail(q, rc, "prepare", err);
    q->cache[q->n_cached].sql = sql;
    q->cache[q->n_cached].st = *out;
    q->n_cached++;
    return SYN_OK;
}

static int
sq_vbind(sqlite3_stmt *st, const char *fmt, va_list ap)
{
    int idx = 1, rc = SQLITE_OK;

    for (; *fmt != '\0' && rc == SQLITE_OK; fmt++, idx++) {
        switch (*fmt) {
        case 's': {
            const char *s = va_arg(ap, const char *);

            rc = s != NULL ? sqlite3_bind_text(st, idx, s, -1, SQLITE_STATIC)
                           : sqlite3_bind_null(st, idx);
            break;
        }
        case 'i':
            rc = sqlite3_bind_int(st, idx, va_arg(ap, int));
            break;
        case 'I':
            rc = sqlite3_bind_int64(st, idx, va_arg(ap, int64_t));
            break;
        case 'Z': {
            int64_t v = va_arg(ap, int64_t);

            rc = v != 0 ? sqlite3_bind_int64(st, idx, v)
                        : sqlite3_bind_null(st, idx);
            break;
        }
        case 'b':
            rc = sqlite3_bind_int(st, idx, va_arg(ap, int) ? 1 : 0);
            break;
        default:
            rc = SQLITE_MISUSE; /* a bug in a format string of ours */
            break;
        }
    }
    return rc;
}

static enum syn_status
sq_vstart(struct sq *q, const char *sql, sqlite3_stmt **out,
          struct syn_err *err, const char *fmt, va_list ap)
{
    sqlite3_stmt *st = NULL;
    enum syn_status s = sq_prepare(q, sql, &st, err);
    int rc;

    if (s != SYN_OK)
        return s;
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    rc = sq_vbind(st, fmt, ap);
    if (rc != SQLITE_OK)
        return sq_fail(q, rc, "bind", err);
    *out = st;
    return SYN_OK;
}

enum syn_status
sq_start(struct sq *q, const char *sql, sqlite3_stmt **out, struct syn_err *err,
         const char *fmt, ...)
{
    va_list ap;
    enum syn_status s;

    va_start(ap, fmt);
    s = sq_vstart(q, sql, out, err, fmt, ap);
    va_end(ap);
    return s;
}

void
sq_done(sqlite3_stmt *st)
{
    if (st != NULL) {
        sqlite3_reset(st);
        sqlite3_clear_bindings(st);
    }
}

enum syn_status
sq_step(struct sq *q, sqlite3_stmt *st, bool *row, struct syn_err *err)
{
    int rc = sqlite3_step(st);

    if (rc == SQLITE_ROW) {
        *row = true;
        return SYN_OK;
    }
    if (rc == SQLITE_DONE) {
        *row = false;
        return SYN_OK;
    }
    /* With extended result codes on, rc is the extended code. */
    return sq_fail(q, rc, "step", err);
}

enum syn_status
sq_exec(struct sq *q, const char *sql, int64_t *changes, struct syn_err *err,
        const char *fmt, ...)
{
    sqlite3_stmt *st = NULL;
    va_list ap;
    enum syn_status s;
    bool row = true;

    va_start(ap, fmt);
    s = sq_vstart(q, sql, &st, err, fmt, ap);
    va_end(ap);
    while (s == SYN_OK && row) {
        s = sq_step(q, st, &row, err);
    }
    if (s == SYN_OK && changes != NULL) {
        *changes = sqlite3_changes64(q->db);
    }
    sq_done(st);
    return s;
}

enum syn_status
sq_int(struct sq *q, const char *sql, int64_t *value, bool null_ok,
       struct syn_err *err, const char *fmt, ...)
{
    sqlite3_stmt *st = NULL;
    va_list ap;
    enum syn_status s;
    bool row = false;

    va_start(ap, fmt);
    s = sq_vstart(q, sql, &st, err, fmt, ap);
    va_end(ap);
    if (s == SYN_OK) {
        s = sq_step(q, st, &row, err);
    }
    if (s == SYN_OK) {
        if (!row || (!null_ok && sqlite3_column_type(st, 0) == SQLITE_NULL)) {
            s = syn_err_set(err, SYN_ENOTFOUND, "store: no such row");
        } else {
            *value = sqlite3_column_int64(st, 0);
        }
    }
    sq_done(st);
    return s;
}

/* ------------------------------------------------------------------ */
/* Reading rows                                                        */
/* ------------------------------------------------------------------ */

enum syn_status
sq_read_row(struct sq *q, sqlite3_stmt *st, const struct sq_field *fields,
            size_t n, void *obj, struct syn_err *err)
{
    char *base = obj;
    size_t i;

    (void)q; /* kept for symmetry with the other helpers */
    for (i = 0; i < n; i++) {
        void *p = base + fields[i].off;
        int col = (int)i;

        switch (fields[i].kind) {
        case SQ_I64: {
            int64_t v = sqlite3_column_int64(st, col);

            memcpy(p, &v, sizeof(v));
            break;
        }
        case SQ_INT: {
            int v = sqlite3_column_int(st, col);

            memcpy(p, &v, sizeof(v));
            break;
        }
        case SQ_BOOL: {
            bool v = sqlite3_column_int(st, col) != 0;

            memcpy(p, &v, sizeof(v));
            break;
        }
        case SQ_U64: {
            uint64_t v = (uint64_t)sqlite3_column_int64(st, col);

            memcpy(p, &v, sizeof(v));
            break;
        }
        case SQ_TEXT: {
            /* Type first: a non-NULL value read as NULL text means SQLite
             * ran out of memory converting it. */
            bool is_null = sqlite3_column_type(st, col) == SQLITE_NULL;
            const char *t = (const char *)sqlite3_column_text(st, col);
            char *copy = NULL;

            if (t == NULL && !is_null)
                return syn_err_set(err, SYN_ENOMEM, "store: no memory");
            if (t != NULL) {
                copy = syn_strndup(t, (size_t)sqlite3_column_bytes(st, col));
                if (copy == NULL)
                    return syn_err_set(err, SYN_ENOMEM, "store: no memory");
            }
            memcpy(p, &copy, sizeof(copy));
            break;
        }
        case SQ_ENUM: {
            const char *t = (const char *)sqlite3_column_text(st, col);
            int v = -1, k;

            for (k = 0; t != NULL && k < fields[i].n_names; k++) {
                if (strcmp(t, fields[i].names[k]) == 0) {
                    v = k;
                }
            }
            if (v < 0) {
                return syn_err_set(err, SYN_EDB,
                                   "store: unexpected value '%s' in column %d",
                                   t != NULL ? t : "NULL", col);
            }
            /* All enums of store.h are int-sized. */
            memcpy(p, &v, sizeof(v));
            break;
        }
        }
    }
    return SYN_OK;
}

enum syn_status
sq_read_rows(struct sq *q, sqlite3_stmt *st, const struct sq_field *fields,
             size_t n, size_t elem_size, void (*clear)(void *), size_t limit,
             void **v, size_t *count, bool *more, struct syn_err *err)
{
    size_t cap = *count;
    enum syn_status s = SYN_OK;
    bool row = true;

    if (more != NULL) {
        *more = false;
    }
    for (;;) {
        char *elem;

        s = sq_step(q, st, &row, err);
        if (s != SYN_OK || !row)
            break;
        if (limit > 0 && *count == limit) {
            if (more != NULL) {
                *more = true;
            }
            break;
        }
        if (*count == cap) {
            size_t ncap = cap < 8 ? 8 : cap * 2;
            void *nv = syn_realloc(*v, ncap * elem_size);

            if (nv == NULL) {
                s = syn_err_set(err, SYN_ENOMEM, "store: no memory");
                break;
            }
            *v = nv;
            cap = ncap;
        }
        elem = (char *)*v + *count * elem_size;
        memset(elem, 0, elem_size);
        s = sq_read_row(q, st, fields, n, elem, err);
        if (s != SYN_OK) {
            clear(elem);
            break;
        }
        (*count)++;
    }
    return s;
}

void *
sq_list_new(size_t size)
{
    return syn_calloc(1, size);
}

void
sq_clear_source(void *v)
{
    store_source_clear(v);
}

void
sq_clear_item(void *v)
{
    store_item_clear(v);
}

void
sq_clear_topic(void *v)
{
    store_topic_clear(v);
}

void
sq_clear_partner(void *v)
{
    store_partner_clear(v);
}

void
sq_clear_subscriber(void *v)
{
    store_subscriber_clear(v);
}

void
sq_clear_mail(void *v)
{
    store_mail_clear(v);
}

void
sq_clear_inquiry(void *v)
{
    store_inquiry_clear(v);
}

void
sq_clear_share(void *v)
{
    store_share_clear(v);
}

/* ------------------------------------------------------------------ */
/* Transactions                                                        */
/* ------------------------------------------------------------------ */

static const char sql_begin[] = "BEGIN IMMEDIATE";
static const char sql_commit[] = "COMMIT";
static const char sql_rollback[] = "ROLLBACK";
static const char sql_savepoint[] = "SAVEPOINT store_op";
static const char sql_release[] = "RELEASE store_op";
static const char sql_rollback_to[] = "ROLLBACK TO store_op";

/* PRAGMA name = value. PRAGMA takes no parameters: the value is our own
 * integer, the name our own literal. */
static enum syn_status
sq_pragma_set(struct sq *q, const char *name, long long value,
              struct syn_err *err)
{
    char pragma[96];
    int rc;

    snprintf(pragma, sizeof(pragma), "PRAGMA %s = %lld", name, value);
    rc = sqlite3_exec(q->db, pragma, NULL, NULL, NULL);
    return rc == SQLITE_OK ? SYN_OK : sq_fail(q, rc, name, err);
}

/* A new transaction starts with no search entries pending: any left
 * belong to one that SQLite itself rolled back (after an I/O error). */
static void
fts_reset(struct sq *q)
{
    q->fts_written = 0;
    sq_fts_drop(q, 0);
    q->in_savepoint = false;
}

enum syn_status
sq_tx_begin(struct sq *q, struct sq_tx *tx, struct syn_err *err)
{
    tx->owned = sqlite3_get_autocommit(q->db) != 0;
    if (tx->owned) {
        fts_reset(q);
    }
    tx->fts_mark = sq_fts_mark(q);
    return sq_exec(q, tx->owned ? sql_begin : sql_savepoint, NULL, err, "");
}

enum syn_status
sq_tx_end(struct sq *q, struct sq_tx *tx, enum syn_status st,
          struct syn_err *err)
{
    enum syn_status s;

    if (st == SYN_OK && tx->owned) {
        st = sq_fts_write(q, err);
    }
    if (st == SYN_OK) {
        s = sq_exec(q, tx->owned ? sql_commit : sql_release, NULL, err, "");
        if (s == SYN_OK)
            return SYN_OK;
        st = s;
    }
    sq_fts_drop(q, tx->fts_mark);
    /* Keep the first error in err: roll back with a scratch one. */
    if (tx->owned) {
        if (!sqlite3_get_autocommit(q->db)) {
            SYN_IGNORE(sq_exec(q, sql_rollback, NULL, NULL, ""));
        }
    } else {
        SYN_IGNORE(sq_exec(q, sql_rollback_to, NULL, NULL, ""));
        SYN_IGNORE(sq_exec(q, sql_release, NULL, NULL, ""));
    }
    return st;
}

static enum syn_status
sq_begin(struct store *s, struct syn_err *err)
{
    struct sq *q = sq_of(s);

    if (!sqlite3_get_autocommit(q->db)) {
        return syn_err_set(err, SYN_EINVAL,
                           "store: a transaction is already open");
    }
    fts_reset(q);
    return sq_exec(q, sql_begin, NULL, err, "");
}

static enum syn_status
sq_commit(struct store *s, struct syn_err *err)
{
    struct sq *q = sq_of(s);
    enum syn_status st;

    if (sqlite3_get_autocommit(q->db))
        return syn_err_set(err, SYN_EINVAL, "store: no open transaction");
    st = sq_fts_write(q, err);
    if (st == SYN_OK) {
        st = sq_exec(q, sql_commit, NULL, err, "");
    }
    if (st != SYN_OK && !sqlite3_get_autocommit(q->db)) {
        SYN_IGNORE(sq_exec(q, sql_rollback, NULL, NULL, ""));
    }
    fts_reset(q);
    return st;
}

static enum syn_status
sq_rollback(struct store *s, struct syn_err *err)
{
    struct sq *q = sq_of(s);

    fts_reset(q);
    if (sqlite3_get_autocommit(q->db))
        return SYN_OK;
    return sq_exec(q, sql_rollback, NULL, err, "");
}

static enum syn_status
sq_set_cache_size(struct store *s, size_t bytes, struct syn_err *err)
{
    size_t kib = bytes / 1024 > 0 ? bytes / 1024 : 1;

    /* A negative cache_size counts KiB. */
    return sq_pragma_set(sq_of(s), "cache_size", -(long long)kib, err);
}

static enum syn_status
sq_set_autocheckpoint(struct store *s, bool on, struct syn_err *err)
{
    struct sq *q = sq_of(s);
    int rc =
        sqlite3_wal_autocheckpoint(q->db, on ? SQ_AUTOCHECKPOINT_PAGES : 0);

    return rc == SQLITE_OK ? SYN_OK : sq_fail(q, rc, "autocheckpoint", err);
}

static enum syn_status
sq_checkpoint(struct store *s, size_t *log_pages, struct syn_err *err)
{
    struct sq *q = sq_of(s);
    int n_log = 0, n_done = 0;
    int rc = sqlite3_wal_checkpoint_v2(q->db, NULL, SQLITE_CHECKPOINT_PASSIVE,
                                       &n_log, &n_done);

    /* BUSY: a reader or writer held it back; what is left waits for the
     * next time, which is what a checkpoint that cannot wait means. */
    if (rc != SQLITE_OK && rc != SQLITE_BUSY)
        return sq_fail(q, rc, "checkpoint", err);
    if (log_pages != NULL) {
        *log_pages = n_log > 0 ? (size_t)n_log : 0;
    }
    return SYN_OK;
}

static const char sql_user_savepoint[] = "SAVEPOINT store_user";
static const char sql_user_release[] = "RELEASE store_user";
static const char sql_user_rollback_to[] = "ROLLBACK TO store_user";

/* Is the caller's savepoint open (want) or not, in a transaction? */
static enum syn_status
sq_savepoint_check(struct sq *q, bool want, struct syn_err *err)
{
    if (sqlite3_get_autocommit(q->db))
        return syn_err_set(err, SYN_EINVAL, "store: no open transaction");
    if (q->in_savepoint != want) {
        return syn_err_set(err, SYN_EINVAL,
                           want ? "store: no savepoint"
                                : "store: savepoint open");
    }
    return SYN_OK;
}

static enum syn_status
sq_savepoint(struct store *s, struct syn_err *err)
{
    struct sq *q = sq_of(s);
    enum syn_status st = sq_savepoint_check(q, false, err);

    if (st != SYN_OK)
        return st;
    st = sq_exec(q, sql_user_savepoint, NULL, err, "");
    q->in_savepoint = st == SYN_OK;
    q->savepoint_mark = sq_fts_mark(q);
    return st;
}

static enum syn_status
sq_release(struct store *s, struct syn_err *err)
{
    struct sq *q = sq_of(s);
    enum syn_status st = sq_savepoint_check(q, true, err);

    if (st == SYN_OK) {
        st = sq_exec(q, sql_user_release, NULL, err, "");
        q->in_savepoint = st != SYN_OK;
    }
    return st;
}

static enum syn_status
sq_rollback_to(struct store *s, struct syn_err *err)
{
    struct sq *q = sq_of(s);
    enum syn_status st = sq_savepoint_check(q, true, err);

    if (st == SYN_OK) {
        st = sq_exec(q, sql_user_rollback_to, NULL, err, "");
    }
    if (st == SYN_OK) {
        sq_fts_drop(q, q->savepoint_mark);
        st = sq_release(s, err);
    }
    return st;
}

/* PRAGMA data_version moves on commits of other connections only; this
 * connection's own changes are counted by total_changes. Both only grow,
 * so their sum changes whenever either does. */
static const char sql_data_version[] = "PRAGMA data_version";

static enum syn_status
sq_data_version(struct store *s, int64_t *version, struct syn_err *err)
{
    struct sq *q = sq_of(s);
    int64_t v = 0;
    enum syn_status st = sq_int(q, sql_data_version, &v, false, err, "");

    if (st == SYN_OK) {
        *version = v + sqlite3_total_changes64(q->db);
    }
    return st;
}

/* ------------------------------------------------------------------ */
/* Migrations                                                          */
/* ------------------------------------------------------------------ */

static const char sql_mig_table[] =
    "CREATE TABLE IF NOT EXISTS schema_migrations ("
    " version INTEGER PRIMARY KEY, name TEXT NOT NULL,"
    " applied INTEGER NOT NULL)";
static const char sql_mig_has[] =
    "SELECT count(*) FROM schema_migrations WHERE version = ?1";
static const char sql_mig_add[] =
    "INSERT INTO schema_migrations(version, name, applied) VALUES(?1, ?2, ?3)";
static const char sql_mig_max[] =
    "SELECT coalesce(max(version), 0) FROM schema_migrations";

/* The NNN of "NNN_name.sql", or -1 for a badly named file. */
static int
migration_number(const char *name)
{
    int v = 0, i;

    for (i = 0; i < 3; i++) {
        if (name[i] < '0' || name[i] > '9')
            return -1;
        v = v * 10 + (name[i] - '0');
    }
    return name[3] == '_' ? v : -1;
}

/* Apply one migration unless present; *applied tells whether it ran. */
static enum syn_status
migrate_one(struct sq *q, const struct syn_embedded *m, int version,
            bool *applied, struct syn_err *err)
{
    struct sq_tx tx;
    int64_t have = 0;
    char *msg = NULL;
    enum syn_status st;
    int rc;

    *applied = false;
    st = sq_tx_begin(q, &tx, err);
    if (st != SYN_OK)
        return st;
    /* Checked inside the write transaction: a concurrent migrator that
     * got there first has committed, and we see its row. */
    st = sq_int(q, sql_mig_has, &have, false, err, "i", version);
    if (st == SYN_OK && have == 0) {
        rc = sqlite3_exec(q->db, m->data, NULL, NULL, &msg);
        if (rc != SQLITE_OK) {
            st = syn_err_set(err, rc == SQLITE_NOMEM ? SYN_ENOMEM : SYN_EDB,
                             "store: migration %s: %s", m->name,
                             msg != NULL ? msg : sqlite3_errstr(rc));
            sqlite3_free(msg);
        }
        if (st == SYN_OK) {
            st = sq_exec(q, sql_mig_add, NULL, err, "isI", version, m->name,
                         (int64_t)time(NULL));
        }
        if (st == SYN_OK) {
            st = sq_pragma_set(q, "user_version", version, err);
        }
        *applied = st == SYN_OK;
    }
    return sq_tx_end(q, &tx, st, err);
}

static enum syn_status
sq_migrate_to(struct store *s, int max_version, int *n_applied,
              struct syn_err *err)
{
    struct sq *q = sq_of(s);
    const struct syn_embedded *m;
    enum syn_status st;
    int n = 0;

    if (!sqlite3_get_autocommit(q->db)) {
        return syn_err_set(err, SYN_EINVAL,
                           "store: cannot migrate inside a transaction");
    }
    st = sq_exec(q, sql_mig_table, NULL, err, "");
    for (m = syn_migrations; st == SYN_OK && m->name != NULL; m++) {
        int version = migration_number(m->name);
        bool applied = false;

        if (version < 0) {
            return syn_err_set(err, SYN_EINVAL,
                               "store: badly named migration %s", m->name);
        }
        if (version > max_version)
            break;
        st = migrate_one(q, m, version, &applied, err);
        n += applied ? 1 : 0;
    }
    if (n_applied != NULL) {
        *n_applied = n;
    }
    return st;
}

static enum syn_status
sq_schema_version(struct store *s, int *version, int *latest,
                  struct syn_err *err)
{
    struct sq *q = sq_of(s);
    const struct syn_embedded *m;
    int64_t v = 0;
    enum syn_status st;
    int last = 0;

    st = sq_exec(q, sql_mig_table, NULL, err, "");
    if (st == SYN_OK) {
        st = sq_int(q, sql_mig_max, &v, false, err, "");
    }
    if (st != SYN_OK)
        return st;
    for (m = syn_migrations; m->name != NULL; m++) {
        int n = migration_number(m->name);

        if (n > last) {
            last = n;
        }
    }
    *version = (int)v;
    if (latest != NULL) {
        *latest = last;
    }
    return SYN_OK;
}

/* ------------------------------------------------------------------ */
/* Connection                                                          */
/* ------------------------------------------------------------------ */

/* syn_fts_prepare(text): store_fts_prepare_text() for SQL (migrations). */
static void
sql_fts_prepare(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    const char *text;
    struct buf b;
    enum syn_status st;
    int len;

    (void)argc;
    text = (const char *)sqlite3_value_text(argv[0]);
    if (text == NULL) {
        sqlite3_result_null(ctx);
        return;
    }
    len = sqlite3_value_bytes(argv[0]);
    buf_init(&b, SYN_MAX_INDEX_TEXT_BYTES);
    /* NOTE: truncates, SYN_MAX_FIELD_BYTES of text are indexed. */
    if ((size_t)len > SYN_MAX_FIELD_BYTES) {
        len = (int)utf8_boundary(text, SYN_MAX_FIELD_BYTES);
    }
    st = store_fts_prepare_text(text, (size_t)len, &b);
    if (st == SYN_ENOMEM) {
        sqlite3_result_error_nomem(ctx);
    } else if (st != SYN_OK) {
        sqlite3_result_error(ctx, syn_strerror(st), -1);
    } else {
        sqlite3_result_text(ctx, buf_cstr(&b), (int)b.len, SQLITE_TRANSIENT);
    }
    buf_fini(&b);
}

static void
sq_close(struct store *s)
{
    struct sq *q = sq_of(s);
    size_t i;

    for (i = 0; i < q->n_cached; i++) {
        sqlite3_finalize(q->cache[i].st);
    }
    sqlite3_close(q->db);
    sq_fts_drop(q, 0);
    syn_free(q->fts);
    syn_free(q);
}

static const struct store_ops sq_ops = {
    .close = sq_close,
    .migrate_to = sq_migrate_to,
    .schema_version = sq_schema_version,
    .begin = sq_begin,
    .commit = sq_commit,
    .rollback = sq_rollback,
    .set_cache_size = sq_set_cache_size,
    .set_autocheckpoint = sq_set_autocheckpoint,
    .checkpoint = sq_checkpoint,
    .savepoint = sq_savepoint,
    .release = sq_release,
    .rollback_to = sq_rollback_to,
    .data_version = sq_data_version,
    .source_add = sq_source_add,
    .source_get = sq_source_get,
    .source_get_by_url = sq_source_get_by_url,
    .source_list = sq_source_list,
    .source_due = sq_source_due,
    .source_remove = sq_source_remove,
    .source_update_fetch = sq_source_update_fetch,
    .source_set_enabled = sq_source_set_enabled,
    .source_set_topics = sq_source_set_topics,
    .item_upsert = sq_item_upsert,
    .item_upsert_many = sq_item_upsert_many,
    .source_set_url = sq_source_set_url,
    .item_add_topics = sq_item_add_topics,
    .item_get = sq_item_get,
    .item_find_by_canonical = sq_item_find_by_canonical,
    .item_page = sq_item_page,
    .item_cluster_members = sq_item_cluster_members,
    .item_related = sq_item_related,
    .item_search = sq_item_search,
    .item_simhash_list = sq_item_simhash_list,
    .cluster_assign = sq_cluster_assign,
    .topic_upsert = sq_topic_upsert,
    .topic_list = sq_topic_list,
    .partner_add = sq_partner_add,
    .partner_get = sq_partner_get,
    .partner_list = sq_partner_list,
    .partner_remove = sq_partner_remove,
    .subscriber_add_pending = sq_subscriber_add_pending,
    .subscriber_import = sq_subscriber_import,
    .subscriber_get = sq_subscriber_get,
    .subscriber_get_by_email = sq_subscriber_get_by_email,
    .subscriber_confirm = sq_subscriber_confirm,
    .subscriber_update_prefs = sq_subscriber_update_prefs,
    .subscriber_unsubscribe = sq_subscriber_unsubscribe,
    .subscriber_delete = sq_subscriber_delete,
    .subscriber_mark_bounce = sq_subscriber_mark_bounce,
    .subscriber_set_last_digest = sq_subscriber_set_last_digest,
    .subscriber_list = sq_subscriber_list,
    .digest_record = sq_digest_record,
    .outbox_enqueue = sq_outbox_enqueue,
    .outbox_claim = sq_outbox_claim,
    .outbox_set_body = sq_outbox_set_body,
    .outbox_mark_sent = sq_outbox_mark_sent,
    .outbox_mark_failed = sq_outbox_mark_failed,
    .outbox_next_due = sq_outbox_next_due,
    .inquiry_add = sq_inquiry_add,
    .inquiry_list = sq_inquiry_list,
    .inquiry_get = sq_inquiry_get,
    .inquiry_set_status = sq_inquiry_set_status,
    .share_increment = sq_share_increment,
    .share_totals = sq_share_totals,
    .setting_get = sq_setting_get,
    .setting_set = sq_setting_set,
    .rate_check = sq_rate_check,
    .stats = sq_stats,
};

/* Pragmas of every connection: WAL for concurrent readers and crash
 * safety, NORMAL sync (durable at checkpoints; safe with WAL), foreign
 * keys for cascades, memory temp store for sorts. A new database gets
 * 16 KB pages (an existing one keeps its size): an item row carries its
 * original and sanitized HTML, several KB, which 4 KB pages split into
 * overflow chains; with 16 KB pages the ingest's store thread makes a
 * quarter of the page writes and spends ~7 % less time (1,000 generated
 * feeds, see docs/BENCHMARKS.md). */
static const char sql_pragmas[] = "PRAGMA page_size = 16384;"
                                  "PRAGMA journal_mode = WAL;"
                                  "PRAGMA synchronous = NORMAL;"
                                  "PRAGMA foreign_keys = ON;"
                                  "PRAGMA temp_store = MEMORY;";

enum syn_status
store_sqlite_open(const char *path, struct store **out, struct syn_err *err)
{
    struct sq *q;
    enum syn_status st = SYN_OK;
    char *msg = NULL;
    int rc;

    q = syn_calloc(1, sizeof(*q));
    if (q == NULL)
        return syn_err_set(err, SYN_ENOMEM, "store: no memory");
    q->base.ops = &sq_ops;
    rc = sqlite3_open_v2(
        path, &q->db,
        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
    if (rc != SQLITE_OK) {
        st = q->db != NULL
                 ? syn_err_set(err, SYN_EDB, "store: cannot open %s: %s", path,
                               sqlite3_errmsg(q->db))
                 : syn_err_set(err, SYN_ENOMEM, "store: no memory");
        goto out;
    }
    sqlite3_extended_result_codes(q->db, 1);
    sqlite3_busy_timeout(q->db, STORE_BUSY_TIMEOUT_MS);
    rc = sqlite3_exec(q->db, sql_pragmas, NULL, NULL, &msg);
    if (rc != SQLITE_OK) {
        st = syn_err_set(err, SYN_EDB, "store: cannot set up %s: %s", path,
                         msg != NULL ? msg : sqlite3_errstr(rc));
        sqlite3_free(msg);
        goto out;
    }
    st = sq_set_cache_size(&q->base, STORE_CACHE_BYTES, err);
    if (st != SYN_OK)
        goto out;
    rc = sqlite3_create_function_v2(q->db, "syn_fts_prepare", 1,
                                    SQLITE_UTF8 | SQLITE_DETERMINISTIC |
                                        SQLITE_INNOCUOUS,
                                    NULL, sql_fts_prepare, NULL, NULL, NULL);
    if (rc != SQLITE_OK) {
        st = sq_fail(q, rc, "create function", err);
        goto out;
    }
    *out = &q->base;
    q = NULL;
out:
    if (q != NULL) {
        sq_close(&q->base);
    }
    return st;
}

enum syn_status
sq_get_one(struct sq *q, sqlite3_stmt *st, const struct sq_field *fields,
           size_t n, size_t size, void (*clear)(void *), void **out,
           struct syn_err *err)
{
    enum syn_status s;
    void *obj = NULL;
    bool row = false;

    s = sq_step(q, st, &row, err);
    if (s == SYN_OK && !row) {
        s = syn_err_set(err, SYN_ENOTFOUND, "store: not found");
    }
    if (s == SYN_OK) {
        obj = syn_calloc(1, size);
        if (obj == NULL) {
            s = syn_err_set(err, SYN_ENOMEM, "store: no memory");
        }
    }
    if (s == SYN_OK) {
        s = sq_read_row(q, st, fields, n, obj, err);
        if (s != SYN_OK) {
            clear(obj);
            syn_free(obj);
            obj = NULL;
        }
    }
    sq_done(st);
    if (s == SYN_OK) {
        *out = obj;
    }
    return s;
}
