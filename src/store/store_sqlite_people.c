/* SQLite backend: partners, subscribers, digests, the outbox, inquiries,
 * settings, rate limits and stats (see store.h for the contracts). */
#include "store/store_sqlite.h"

#include <stdlib.h>
#include <string.h>

#include "util/mem.h"

/* Read every row of st into a new list struct of list_size bytes whose
 * first members are `T *v; size_t n;` (set through v_slot / n_slot);
 * releases st. */
static enum syn_status
read_all(struct sq *q, sqlite3_stmt *st, const struct sq_field *fields,
         size_t n_fields, size_t elem_size, void (*clear)(void *), void **v_out,
         size_t *n_out, struct syn_err *err)
{
    void *v = NULL;
    size_t n = 0;
    enum syn_status rc;

    rc = sq_read_rows(q, st, fields, n_fields, elem_size, clear, 0, &v, &n,
                      NULL, err);
    sq_done(st);
    *v_out = v;
    *n_out = n;
    return rc;
}

static enum syn_status
no_memory(sqlite3_stmt *st, struct syn_err *err)
{
    sq_done(st);
    return syn_err_set(err, SYN_ENOMEM, "store: no memory");
}

static enum syn_status
one_changed(enum syn_status st, int64_t changes, const char *what,
            struct syn_err *err)
{
    if (st == SYN_OK && changes == 0)
        return syn_err_set(err, SYN_ENOTFOUND, "store: no such %s", what);
    return st;
}

/* ------------------------------------------------------------------ */
/* Partners                                                            */
/* ------------------------------------------------------------------ */

#define PARTNER_SELECT                                                         \
    "SELECT id, slug, name, url, logo, description, created FROM partners "

static const struct sq_field partner_fields[] = {
    SQF(store_partner, id, SQ_I64),
    SQF(store_partner, slug, SQ_TEXT),
    SQF(store_partner, name, SQ_TEXT),
    SQF(store_partner, url, SQ_TEXT),
    SQF(store_partner, logo, SQ_TEXT),
    SQF(store_partner, description, SQ_TEXT),
    SQF(store_partner, created, SQ_I64),
};

static const char sql_partner_add[] =
    "INSERT INTO partners(slug, name, url, logo, description, created)"
    " VALUES(?1, ?2, ?3, ?4, ?5, ?6)";
static const char sql_partner_get[] = PARTNER_SELECT "WHERE slug = ?1";
static const char sql_partner_list[] = PARTNER_SELECT "ORDER BY name, slug";
static const char sql_partner_remove[] = "DELETE FROM partners WHERE id = ?1";

enum syn_status
sq_partner_add(struct store *s, const struct store_partner *in, int64_t now,
               int64_t *id, struct syn_err *err)
{
    struct sq *q = sq_of(s);
    enum syn_status st;

    if (in->slug == NULL || in->slug[0] == '\0' || in->name == NULL)
        return syn_err_set(err, SYN_EINVAL, "store: partner needs slug, name");
    st = sq_exec(q, sql_partner_add, NULL, err, "sssssI", in->slug, in->name,
                 in->url, in->logo, in->description, now);
    if (st == SYN_EEXIST) {
        return syn_err_set(err, SYN_EEXIST, "store: partner %s exists",
                           in->slug);
    }
    if (st == SYN_OK && id != NULL) {
        *id = sqlite3_last_insert_rowid(q->db);
    }
    return st;
}

enum syn_status
sq_partner_get(struct store *s, const char *slug, struct store_partner **out,
               struct syn_err *err)
{
    struct sq *q = sq_of(s);
    sqlite3_stmt *st = NULL;
    void *obj = NULL;
    enum syn_status rc = sq_start(q, sql_partner_get, &st, err, "s", slug);

    if (rc == SYN_OK) {
        rc = sq_get_one(q, st, partner_fields, SYN_ARRAY_LEN(partner_fields),
                        sizeof(struct store_partner), sq_clear_partner, &obj,
                        err);
    }
    if (rc == SYN_OK) {
        *out = obj;
    }
    return rc;
}

enum syn_status
sq_partner_list(struct store *s, struct store_partner_list **out,
                struct syn_err *err)
{
    struct sq *q = sq_of(s);
    struct store_partner_list *list;
    sqlite3_stmt *st = NULL;
    void *v = NULL;
    enum syn_status rc = sq_start(q, sql_partner_list, &st, err, "");

    if (rc != SYN_OK)
        return rc;
    list = sq_list_new(sizeof(*list));
    if (list == NULL)
        return no_memory(st, err);
    rc = read_all(q, st, partner_fields, SYN_ARRAY_LEN(partner_fields),
                  sizeof(struct store_partner), sq_clear_partner, &v, &list->n,
                  err);
    list->v = v;
    if (rc != SYN_OK) {
        store_partner_list_free(list);
        return rc;
    }
    *out = list;
    return SYN_OK;
}

enum syn_status
sq_partner_remove(struct store *s, int64_t id, struct syn_err *err)
{
    int64_t n = 0;
    enum syn_status st =
        sq_exec(sq_of(s), sql_partner_remove, &n, err, "I", id);

    return one_changed(st, n, "partner", err);
}

/* ------------------------------------------------------------------ */
/* Subscribers                                                         */
/* ------------------------------------------------------------------ */

#define SUB_SELECT                                                             \
    "SELECT id, email, name, organization, status, frequency, topics,"         \
    " consent_time, consent_ip, consent_source, confirmed_at,"                 \
    " last_digest_instant, last_digest_daily, last_digest_weekly, bounces,"    \
    " created FROM subscribers "

static const struct sq_field sub_fields[] = {
    SQF(store_subscriber, id, SQ_I64),
    SQF(store_subscriber, email, SQ_TEXT),
    SQF(store_subscriber, name, SQ_TEXT),
    SQF(store_subscriber, organization, SQ_TEXT),
    SQE(store_subscriber, status, store_sub_status_names),
    SQE(store_subscriber, frequency, store_frequency_names),
    SQF(store_subscriber, topics, SQ_TEXT),
    SQF(store_subscriber, consent_time, SQ_I64),
    SQF(store_subscriber, consent_ip, SQ_TEXT),
    SQF(store_subscriber, consent_source, SQ_TEXT),
    SQF(store_subscriber, confirmed_at, SQ_I64),
    SQF(store_subscriber, last_digest[STORE_FREQ_INSTANT], SQ_I64),
    SQF(store_subscriber, last_digest[STORE_FREQ_DAILY], SQ_I64),
    SQF(store_subscriber, last_digest[STORE_FREQ_WEEKLY], SQ_I64),
    SQF(store_subscriber, bounces, SQ_INT),
    SQF(store_subscriber, created, SQ_I64),
};

static const char sql_sub_find[] =
    "SELECT id, status FROM subscribers WHERE email = ?1";
static const char sql_sub_insert[] =
    "INSERT INTO subscribers(email, name, organization, status, frequency,"
    " topics, consent_time, consent_ip, consent_source, confirmed_at,"
    " created) VALUES(?1, ?2, ?3, ?4, ?5, coalesce(?6, ''), ?7, ?8, ?9,"
    " ?10, ?11)";
static const char sql_sub_repend[] =
    "UPDATE subscribers SET status = 'pending', name = ?2,"
    " organization = ?3, frequency = ?4, topics = coalesce(?5, ''),"
    " consent_time = ?6, consent_ip = ?7, consent_source = ?8, bounces = 0"
    " WHERE id = ?1";
static const char sql_sub_get[] = SUB_SELECT "WHERE id = ?1";
static const char sql_sub_get_by_email[] = SUB_SELECT "WHERE email = ?1";
static const char sql_sub_confirm[] =
    "UPDATE subscribers SET confirmed_at = CASE"
    " WHEN status = 'confirmed' AND confirmed_at > 0 THEN confirmed_at"
    " ELSE ?2 END, status = 'confirmed', bounces = 0 WHERE id = ?1";
static const char sql_sub_prefs[] =
    "UPDATE subscribers SET name = ?2, organization = ?3, frequency = ?4,"
    " topics = coalesce(?5, '') WHERE id = ?1";
static const char sql_sub_unsubscribe[] =
    "UPDATE subscribers SET status = 'unsubscribed' WHERE id = ?1";
static const char sql_sub_delete[] = "DELETE FROM subscribers WHERE id = ?1";
static const char sql_sub_bounce[] =
    "UPDATE subscribers SET bounces = bounces + 1,"
    " status = CASE WHEN bounces + 1 >= ?2"
    "  AND status IN ('pending', 'confirmed') THEN 'bouncing'"
    "  ELSE status END WHERE email = ?1 RETURNING status";
static const char sql_sub_last_digest[] =
    "UPDATE subscribers SET"
    " last_digest_instant = CASE WHEN ?2 = 0 THEN ?3"
    "  ELSE last_digest_instant END,"
    " last_digest_daily = CASE WHEN ?2 = 1 THEN ?3 ELSE last_digest_daily END,"
    " last_digest_weekly = CASE WHEN ?2 = 2 THEN ?3"
    "  ELSE last_digest_weekly END WHERE id = ?1";
static const char sql_sub_list[] =
    SUB_SELECT "WHERE (?1 IS NULL OR status = ?1)"
               " AND (?2 IS NULL OR frequency = ?2) ORDER BY id";
static const char sql_digest_record[] =
    "INSERT INTO digests(frequency, period_key, created) VALUES(?1, ?2, ?3)";

static bool
valid_frequency(enum store_frequency f)
{
    return (int)f >= 0 && (int)f < STORE_N_FREQ;
}

enum syn_status
sq_subscriber_add_pending(struct store *s, const struct store_subscriber *in,
                          int64_t now, int64_t *id, struct syn_err *err)
{
    struct sq *q = sq_of(s);
    struct sq_tx tx;
    sqlite3_stmt *st = NULL;
    enum syn_status rc;
    int64_t sid = 0;
    int64_t consent = in->consent_time > 0 ? in->consent_time : now;
    const char *freq;
    bool row = false, confirmed = false;

    if (in->email == NULL || in->email[0] == '\0' ||
        !valid_frequency(in->frequency)) {
        return syn_err_set(err, SYN_EINVAL,
                           "store: subscriber needs email and frequency");
    }
    freq = store_frequency_names[in->frequency];
    rc = sq_tx_begin(q, &tx, err);
    if (rc != SYN_OK)
        return rc;
    rc = sq_start(q, sql_sub_find, &st, err, "s", in->email);
    if (rc == SYN_OK) {
        rc = sq_step(q, st, &row, err);
    }
    if (rc == SYN_OK && row) {
        const char *status = (const char *)sqlite3_column_text(st, 1);

        sid = sqlite3_column_int64(st, 0);
        confirmed = status != NULL && strcmp(status, "confirmed") == 0;
    }
    sq_done(st);
    if (rc == SYN_OK && !row) {
        rc = sq_exec(q, sql_sub_insert, NULL, err, "ssssssIssII", in->email,
                     in->name, in->organization, "pending", freq, in->topics,
                     consent, in->consent_ip, in->consent_source, (int64_t)0,
                     now);
        sid = sqlite3_last_insert_rowid(q->db);
    } else if (rc == SYN_OK && confirmed) {
        rc = syn_err_set(err, SYN_EEXIST, "store: already confirmed");
    } else if (rc == SYN_OK) {
        rc = sq_exec(q, sql_sub_repend, NULL, err, "IssssIss", sid, in->name,
                     in->organization, freq, in->topics, consent,
                     in->consent_ip, in->consent_source);
    }
    /* EEXIST changed nothing: commit the (empty) transaction. */
    if (rc == SYN_EEXIST) {
        rc = sq_tx_end(q, &tx, SYN_OK, err);
        if (rc == SYN_OK) {
            rc = syn_err_set(err, SYN_EEXIST, "store: already confirmed");
        }
    } else {
        rc = sq_tx_end(q, &tx, rc, err);
    }
    if ((rc == SYN_OK || rc == SYN_EEXIST) && id != NULL) {
        *id = sid;
    }
    return rc;
}

enum syn_status
sq_subscriber_import(struct store *s, const struct store_subscriber *in,
                     int64_t now, int64_t *id, struct syn_err *err)
{
    struct sq *q = sq_of(s);
    int64_t consent = in->consent_time > 0 ? in->consent_time : now;
    bool confirmed = in->status == STORE_SUB_CONFIRMED;
    enum syn_status rc;

    if (in->email == NULL || in->email[0] == '\0' ||
        !valid_frequency(in->frequency) ||
        (in->status != STORE_SUB_PENDING && !confirmed)) {
        return syn_err_set(err, SYN_EINVAL,
                           "store: import needs email, frequency, status");
    }
    rc = sq_exec(q, sql_sub_insert, NULL, err, "ssssssIssII", in->email,
                 in->name, in->organization, store_sub_status_names[in->status],
                 store_frequency_names[in->frequency], in->topics, consent,
                 in->consent_ip, in->consent_source,
                 confirmed ? consent : (int64_t)0, now);
    if (rc == SYN_EEXIST)
        return syn_err_set(err, SYN_EEXIST, "store: %s is known", in->email);
    if (rc == SYN_OK && id != NULL) {
        *id = sqlite3_last_insert_rowid(q->db);
    }
    return rc;
}

static enum syn_status
sub_one(struct sq *q, sqlite3_stmt *st, struct store_subscriber **out,
        struct syn_err *err)
{
    void *obj = NULL;
    enum syn_status rc = sq_get_one(
        q, st, sub_fields, SYN_ARRAY_LEN(sub_fields),
        sizeof(struct store_subscriber), sq_clear_subscriber, &obj, err);

    if (rc == SYN_OK) {
        *out = obj;
    }
    return rc;
}

enum syn_status
sq_subscriber_get(struct store *s, int64_t id, struct store_subscriber **out,
                  struct syn_err *err)
{
    struct sq *q = sq_of(s);
    sqlite3_stmt *st = NULL;
    enum syn_status rc = sq_start(q, sql_sub_get, &st, err, "I", id);

    return rc != SYN_OK ? rc : sub_one(q, st, out, err);
}

enum syn_status
sq_subscriber_get_by_email(struct store *s, const char *email,
                           struct store_subscriber **out, struct syn_err *err)
{
    struct sq *q = sq_of(s);
    sqlite3_stmt *st = NULL;
    enum syn_status rc =
        sq_start(q, sql_sub_get_by_email, &st, err, "s", email);

    return rc != SYN_OK ? rc : sub_one(q, st, out, err);
}

enum syn_status
sq_subscriber_confirm(struct store *s, int64_t id, int64_t now,
                      struct syn_err *err)
{
    int64_t n = 0;
    enum syn_status st =
        sq_exec(sq_of(s), sql_sub_confirm, &n, err, "II", id, now);

    return one_changed(st, n, "subscriber", err);
}

enum syn_status
sq_subscriber_update_prefs(struct store *s, int64_t id,
                           const struct store_subscriber *in,
                           struct syn_err *err)
{
    int64_t n = 0;
    enum syn_status st;

    if (!valid_frequency(in->frequency))
        return syn_err_set(err, SYN_EINVAL, "store: bad frequency");
    st = sq_exec(sq_of(s), sql_sub_prefs, &n, err, "Issss", id, in->name,
                 in->organization, store_frequency_names[in->frequency],
                 in->topics);
    return one_changed(st, n, "subscriber", err);
}

enum syn_status
sq_subscriber_unsubscribe(struct store *s, int64_t id, struct syn_err *err)
{
    int64_t n = 0;
    enum syn_status st =
        sq_exec(sq_of(s), sql_sub_unsubscribe, &n, err, "I", id);

    return one_changed(st, n, "subscriber", err);
}

enum syn_status
sq_subscriber_delete(struct store *s, int64_t id, struct syn_err *err)
{
    int64_t n = 0;
    enum syn_status st = sq_exec(sq_of(s), sql_sub_delete, &n, err, "I", id);

    return one_changed(st, n, "subscriber", err);
}

enum syn_status
sq_subscriber_mark_bounce(struct store *s, const char *email, int max_bounces,
                          enum store_sub_status *status, struct syn_err *err)
{
    struct sq *q = sq_of(s);
    sqlite3_stmt *st = NULL;
    enum store_sub_status res = STORE_SUB_PENDING;
    enum syn_status rc;
    bool row = false;

    rc = sq_start(q, sql_sub_bounce, &st, err, "si", email, max_bounces);
    if (rc == SYN_OK) {
        rc = sq_step(q, st, &row, err);
    }
    if (rc == SYN_OK && !row) {
        rc = syn_err_set(err, SYN_ENOTFOUND, "store: no such subscriber");
    }
    if (rc == SYN_OK &&
        store_sub_status_parse((const char *)sqlite3_column_text(st, 0),
                               &res) != SYN_OK) {
        rc = syn_err_set(err, SYN_EDB, "store: bad subscriber status");
    }
    sq_done(st);
    if (rc == SYN_OK && status != NULL) {
        *status = res;
    }
    return rc;
}

enum syn_status
sq_subscriber_set_last_digest(struct store *s, int64_t id,
                              enum store_frequency f, int64_t t,
                              struct syn_err *err)
{
    int64_t n = 0;
    enum syn_status st;

    if (!valid_frequency(f))
        return syn_err_set(err, SYN_EINVAL, "store: bad frequency");
    st = sq_exec(sq_of(s), sql_sub_last_digest, &n, err, "IiI", id, (int)f, t);
    return one_changed(st, n, "subscriber", err);
}

enum syn_status
sq_subscriber_list(struct store *s, const struct store_subscriber_query *qy,
                   struct store_subscriber_list **out, struct syn_err *err)
{
    struct sq *q = sq_of(s);
    struct store_subscriber_list *list;
    sqlite3_stmt *st = NULL;
    const char *status = NULL, *freq = NULL;
    void *v = NULL;
    enum syn_status rc;

    if (qy != NULL && qy->status >= 0) {
        if (qy->status >= (int)SYN_ARRAY_LEN(store_sub_status_names))
            return syn_err_set(err, SYN_EINVAL, "store: bad status");
        status = store_sub_status_names[qy->status];
    }
    if (qy != NULL && qy->frequency >= 0) {
        if (qy->frequency >= STORE_N_FREQ)
            return syn_err_set(err, SYN_EINVAL, "store: bad frequency");
        freq = store_frequency_names[qy->frequency];
    }
    rc = sq_start(q, sql_sub_list, &st, err, "ss", status, freq);
    if (rc != SYN_OK)
        return rc;
    list = sq_list_new(sizeof(*list));
    if (list == NULL)
        return no_memory(st, err);
    rc = read_all(q, st, sub_fields, SYN_ARRAY_LEN(sub_fields),
                  sizeof(struct store_subscriber), sq_clear_subscriber, &v,
                  &list->n, err);
    list->v = v;
    if (rc != SYN_OK) {
        store_subscriber_list_free(list);
        return rc;
    }
    *out = list;
    return SYN_OK;
}

enum syn_status
sq_digest_record(struct store *s, enum store_frequency f,
                 const char *period_key, int64_t now, struct syn_err *err)
{
    enum syn_status st;

    if (!valid_frequency(f) || period_key == NULL || period_key[0] == '\0')
        return syn_err_set(err, SYN_EINVAL, "store: bad digest period");
    st = sq_exec(sq_of(s), sql_digest_record, NULL, err, "ssI",
                 store_frequency_names[f], period_key, now);
    if (st == SYN_EEXIST) {
        return syn_err_set(err, SYN_EEXIST, "store: digest %s %s done",
                           store_frequency_names[f], period_key);
    }
    return st;
}

/* ------------------------------------------------------------------ */
/* Outbox                                                              */
/* ------------------------------------------------------------------ */

#define MAIL_COLUMNS                                                           \
    "id, kind, dedupe_key, recipient, subject,"                                \
    " coalesce((SELECT b.body FROM outbox_bodies b"                            \
    "  WHERE b.mail_id = outbox.id), ''),"                                     \
    " status, attempts, next_attempt, last_error, created, sent_at"

static const struct sq_field mail_fields[] = {
    SQF(store_mail, id, SQ_I64),
    SQE(store_mail, kind, store_mail_kind_names),
    SQF(store_mail, dedupe_key, SQ_TEXT),
    SQF(store_mail, recipient, SQ_TEXT),
    SQF(store_mail, subject, SQ_TEXT),
    SQF(store_mail, body, SQ_TEXT),
    SQE(store_mail, status, store_mail_status_names),
    SQF(store_mail, attempts, SQ_INT),
    SQF(store_mail, next_attempt, SQ_I64),
    SQF(store_mail, last_error, SQ_TEXT),
    SQF(store_mail, created, SQ_I64),
    SQF(store_mail, sent_at, SQ_I64),
};

static const char sql_outbox_add[] =
    "INSERT INTO outbox(kind, dedupe_key, recipient, subject,"
    " next_attempt, created) VALUES(?1, ?2, ?3, ?4, ?5, ?5)"
    " ON CONFLICT(dedupe_key) DO NOTHING";
/* Bodies live apart (migration 003): claims and marks rewrite a small row. */
static const char sql_outbox_body_put[] =
    "INSERT INTO outbox_bodies(mail_id, body) VALUES(?1, ?2)"
    " ON CONFLICT(mail_id) DO UPDATE SET body = excluded.body";
static const char sql_outbox_body_drop[] =
    "DELETE FROM outbox_bodies WHERE mail_id = ?1";
static const char sql_outbox_id[] =
    "SELECT id FROM outbox WHERE dedupe_key = ?1";
/* A claim is a lease: the rows stay queued but are not due again until
 * the lease ends, so a crashed sender's mails are retried, not lost. */
static const char sql_outbox_claim[] =
    "UPDATE outbox SET attempts = attempts + 1, next_attempt = ?2"
    " WHERE id IN (SELECT id FROM outbox WHERE status = 'queued'"
    "  AND next_attempt <= ?1 ORDER BY next_attempt, id LIMIT ?3)"
    " RETURNING " MAIL_COLUMNS;
static const char sql_outbox_sent[] =
    "UPDATE outbox SET status = 'sent', sent_at = ?2, last_error = NULL"
    " WHERE id = ?1";
static const char sql_outbox_failed[] =
    "UPDATE outbox SET last_error = ?2, next_attempt = ?3,"
    " status = CASE WHEN ?3 = 0 THEN 'failed' ELSE 'queued' END"
    " WHERE id = ?1";
static const char sql_outbox_next_due[] =
    "SELECT min(next_attempt) FROM outbox WHERE status = 'queued'";

static bool
valid_kind(enum store_mail_kind k)
{
    return (int)k >= 0 && (size_t)k < SYN_ARRAY_LEN(store_mail_kind_names);
}

enum syn_status
sq_outbox_enqueue(struct store *s, const struct store_mail *in, int64_t now,
                  int64_t *id, bool *inserted, struct syn_err *err)
{
    struct sq *q = sq_of(s);
    struct sq_tx tx;
    int64_t n = 0, mid = 0;
    enum syn_status st;

    if (!valid_kind(in->kind) || in->dedupe_key == NULL ||
        in->recipient == NULL || in->subject == NULL || in->body == NULL) {
        return syn_err_set(err, SYN_EINVAL,
                           "store: mail needs kind, key, recipient, body");
    }
    st = sq_tx_begin(q, &tx, err);
    if (st != SYN_OK)
        return st;
    st = sq_exec(q, sql_outbox_add, &n, err, "ssssI",
                 store_mail_kind_names[in->kind], in->dedupe_key, in->recipient,
                 in->subject, now);
    if (st == SYN_OK && n > 0) {
        mid = sqlite3_last_insert_rowid(q->db);
        /* An empty body (composed when sent) needs no row: MAIL_COLUMNS
         * reads a missing one as "", and marking the mail sent then has
         * no body row to delete (one page less per commit). */
        if (in->body[0] != '\0') {
            st = sq_exec(q, sql_outbox_body_put, NULL, err, "Is", mid,
                         in->body);
        }
    } else if (st == SYN_OK) {
        st = sq_int(q, sql_outbox_id, &mid, false, err, "s", in->dedupe_key);
    }
    st = sq_tx_end(q, &tx, st, err);
    if (st == SYN_OK) {
        if (id != NULL) {
            *id = mid;
        }
        if (inserted != NULL) {
            *inserted = n > 0;
        }
    }
    return st;
}

static int
mail_by_id(const void *a, const void *b)
{
    const struct store_mail *x = a, *y = b;

    return (x->id > y->id) - (x->id < y->id);
}

enum syn_status
sq_outbox_claim(struct store *s, int64_t now, size_t limit, int lease_s,
                struct store_mail_list **out, struct syn_err *err)
{
    struct sq *q = sq_of(s);
    struct store_mail_list *list;
    sqlite3_stmt *st = NULL;
    void *v = NULL;
    enum syn_status rc;

    limit = limit == 0 ? 10 : limit;
    if (limit > STORE_MAX_PAGE || lease_s <= 0)
        return syn_err_set(err, SYN_EINVAL, "store: bad claim");
    rc = sq_start(q, sql_outbox_claim, &st, err, "IIi", now,
                  now + (int64_t)lease_s, (int)limit);
    if (rc != SYN_OK)
        return rc;
    list = sq_list_new(sizeof(*list));
    if (list == NULL)
        return no_memory(st, err);
    rc = read_all(q, st, mail_fields, SYN_ARRAY_LEN(mail_fields),
                  sizeof(struct store_mail), sq_clear_mail, &v, &list->n, err);
    list->v = v;
    if (rc != SYN_OK) {
        store_mail_list_free(list);
        return rc;
    }
    /* RETURNING gives no order; senders expect oldest first. */
    if (list->n > 1) {
        qsort(list->v, list->n, sizeof(list->v[0]), mail_by_id);
    }
    *out = list;
    return SYN_OK;
}

enum syn_status
sq_outbox_set_body(struct store *s, int64_t id, const char *body,
                   struct syn_err *err)
{
    enum syn_status st;

    if (body == NULL)
        return syn_err_set(err, SYN_EINVAL, "store: no mail body");
    st = sq_exec(sq_of(s), sql_outbox_body_put, NULL, err, "Is", id, body);
    if (st == SYN_ENOTFOUND)
        return syn_err_set(err, SYN_ENOTFOUND, "store: no such mail");
    return st;
}

enum syn_status
sq_outbox_mark_sent(struct store *s, int64_t id, int64_t now,
                    struct syn_err *err)
{
    struct sq *q = sq_of(s);
    struct sq_tx tx;
    int64_t n = 0;
    enum syn_status st;

    st = sq_tx_begin(q, &tx, err);
    if (st != SYN_OK)
        return st;
    st = sq_exec(q, sql_outbox_sent, &n, err, "II", id, now);
    st = one_changed(st, n, "mail", err);
    if (st == SYN_OK) {
        st = sq_exec(q, sql_outbox_body_drop, NULL, err, "I", id);
    }
    return sq_tx_end(q, &tx, st, err);
}

enum syn_status
sq_outbox_mark_failed(struct store *s, int64_t id, const char *error,
                      int64_t next_attempt, struct syn_err *err)
{
    int64_t n = 0;
    enum syn_status st = sq_exec(sq_of(s), sql_outbox_failed, &n, err, "IsI",
                                 id, error, next_attempt);

    return one_changed(st, n, "mail", err);
}

enum syn_status
sq_outbox_next_due(struct store *s, int64_t *when, struct syn_err *err)
{
    int64_t v = 0;
    enum syn_status st =
        sq_int(sq_of(s), sql_outbox_next_due, &v, true, err, "");

    if (st == SYN_OK) {
        *when = v;
    }
    return st;
}

/* ------------------------------------------------------------------ */
/* Inquiries                                                           */
/* ------------------------------------------------------------------ */

#define INQ_SELECT                                                             \
    "SELECT id, organization, name, email, website, country, kind, message,"   \
    " status, ip, created FROM inquiries "

static const struct sq_field inq_fields[] = {
    SQF(store_inquiry, id, SQ_I64),
    SQF(store_inquiry, organization, SQ_TEXT),
    SQF(store_inquiry, name, SQ_TEXT),
    SQF(store_inquiry, email, SQ_TEXT),
    SQF(store_inquiry, website, SQ_TEXT),
    SQF(store_inquiry, country, SQ_TEXT),
    SQF(store_inquiry, kind, SQ_TEXT),
    SQF(store_inquiry, message, SQ_TEXT),
    SQE(store_inquiry, status, store_inquiry_status_names),
    SQF(store_inquiry, ip, SQ_TEXT),
    SQF(store_inquiry, created, SQ_I64),
};

static const char sql_inq_add[] =
    "INSERT INTO inquiries(organization, name, email, website, country, kind,"
    " message, ip, created) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)";
static const char sql_inq_list[] =
    INQ_SELECT "WHERE (?1 IS NULL OR status = ?1)"
               " ORDER BY created DESC, id DESC";
static const char sql_inq_get[] = INQ_SELECT "WHERE id = ?1";
static const char sql_inq_status[] =
    "UPDATE inquiries SET status = ?2 WHERE id = ?1";

enum syn_status
sq_inquiry_add(struct store *s, const struct store_inquiry *in, int64_t now,
               int64_t *id, struct syn_err *err)
{
    struct sq *q = sq_of(s);
    enum syn_status st;

    if (in->organization == NULL || in->name == NULL || in->email == NULL ||
        in->kind == NULL || in->message == NULL) {
        return syn_err_set(err, SYN_EINVAL, "store: incomplete inquiry");
    }
    st = sq_exec(q, sql_inq_add, NULL, err, "ssssssssI", in->organization,
                 in->name, in->email, in->website, in->country, in->kind,
                 in->message, in->ip, now);
    if (st == SYN_EINVAL) {
        return syn_err_set(err, SYN_EINVAL, "store: bad inquiry kind '%s'",
                           in->kind);
    }
    if (st == SYN_OK && id != NULL) {
        *id = sqlite3_last_insert_rowid(q->db);
    }
    return st;
}

enum syn_status
sq_inquiry_list(struct store *s, int status, struct store_inquiry_list **out,
                struct syn_err *err)
{
    struct sq *q = sq_of(s);
    struct store_inquiry_list *list;
    sqlite3_stmt *st = NULL;
    const char *name = NULL;
    void *v = NULL;
    enum syn_status rc;

    if (status >= (int)SYN_ARRAY_LEN(store_inquiry_status_names))
        return syn_err_set(err, SYN_EINVAL, "store: bad inquiry status");
    if (status >= 0) {
        name = store_inquiry_status_names[status];
    }
    rc = sq_start(q, sql_inq_list, &st, err, "s", name);
    if (rc != SYN_OK)
        return rc;
    list = sq_list_new(sizeof(*list));
    if (list == NULL)
        return no_memory(st, err);
    rc = read_all(q, st, inq_fields, SYN_ARRAY_LEN(inq_fields),
                  sizeof(struct store_inquiry), sq_clear_inquiry, &v, &list->n,
                  err);
    list->v = v;
    if (rc != SYN_OK) {
        store_inquiry_list_free(list);
        return rc;
    }
    *out = list;
    return SYN_OK;
}

enum syn_status
sq_inquiry_get(struct store *s, int64_t id, struct store_inquiry **out,
               struct syn_err *err)
{
    struct sq *q = sq_of(s);
    sqlite3_stmt *st = NULL;
    void *obj = NULL;
    enum syn_status rc = sq_start(q, sql_inq_get, &st, err, "I", id);

    if (rc == SYN_OK) {
        rc = sq_get_one(q, st, inq_fields, SYN_ARRAY_LEN(inq_fields),
                        sizeof(struct store_inquiry), sq_clear_inquiry, &obj,
                        err);
    }
    if (rc == SYN_OK) {
        *out = obj;
    }
    return rc;
}

enum syn_status
sq_inquiry_set_status(struct store *s, int64_t id,
                      enum store_inquiry_status status, struct syn_err *err)
{
    int64_t n = 0;
    enum syn_status st;

    if ((int)status < 0 ||
        (size_t)status >= SYN_ARRAY_LEN(store_inquiry_status_names)) {
        return syn_err_set(err, SYN_EINVAL, "store: bad inquiry status");
    }
    st = sq_exec(sq_of(s), sql_inq_status, &n, err, "Is", id,
                 store_inquiry_status_names[status]);
    return one_changed(st, n, "inquiry", err);
}

/* ------------------------------------------------------------------ */
/* Settings, rate limits, stats                                        */
/* ------------------------------------------------------------------ */

static const char sql_setting_get[] =
    "SELECT value FROM settings WHERE key = ?1";
static const char sql_setting_set[] =
    "INSERT INTO settings(key, value) VALUES(?1, ?2)"
    " ON CONFLICT(key) DO UPDATE SET value = excluded.value";
static const char sql_rate_prune[] =
    "DELETE FROM rate_limits WHERE expires <= ?1";
/* In DO UPDATE, bare column names are the stored row's values. */
static const char sql_rate_count[] =
    "INSERT INTO rate_limits(key, window_start, expires, count)"
    " VALUES(?1, ?2, ?3, 1) ON CONFLICT(key) DO UPDATE SET"
    " count = CASE WHEN window_start = excluded.window_start"
    "  THEN count + 1 ELSE 1 END,"
    " window_start = excluded.window_start, expires = excluded.expires"
    " RETURNING count";
static const char sql_stats[] =
    "SELECT (SELECT count(*) FROM sources),"
    " (SELECT count(*) FROM sources WHERE errors > 0),"
    " (SELECT count(*) FROM items),"
    " (SELECT count(*) FROM clusters),"
    " (SELECT count(*) FROM subscribers WHERE status = 'confirmed'),"
    " (SELECT count(*) FROM subscribers WHERE status = 'pending'),"
    " (SELECT count(*) FROM outbox WHERE status = 'queued'),"
    " (SELECT count(*) FROM outbox WHERE status = 'failed'),"
    " (SELECT count(*) FROM inquiries WHERE status = 'new')";

enum syn_status
sq_setting_get(struct store *s, const char *key, char **value,
               struct syn_err *err)
{
    struct sq *q = sq_of(s);
    sqlite3_stmt *st = NULL;
    enum syn_status rc;
    bool row = false;

    rc = sq_start(q, sql_setting_get, &st, err, "s", key);
    if (rc == SYN_OK) {
        rc = sq_step(q, st, &row, err);
    }
    if (rc == SYN_OK && !row) {
        rc = syn_err_set(err, SYN_ENOTFOUND, "store: no setting %s", key);
    }
    if (rc == SYN_OK) {
        const char *t = (const char *)sqlite3_column_text(st, 0);
        char *copy = syn_strndup(t != NULL ? t : "",
                                 (size_t)sqlite3_column_bytes(st, 0));

        if (copy == NULL) {
            rc = syn_err_set(err, SYN_ENOMEM, "store: no memory");
        } else {
            *value = copy;
        }
    }
    sq_done(st);
    return rc;
}

enum syn_status
sq_setting_set(struct store *s, const char *key, const char *value,
               struct syn_err *err)
{
    if (key == NULL || value == NULL)
        return syn_err_set(err, SYN_EINVAL, "store: setting needs key, value");
    return sq_exec(sq_of(s), sql_setting_set, NULL, err, "ss", key, value);
}

enum syn_status
sq_rate_check(struct store *s, const char *key, int window_s, int max,
              int64_t now, bool *allowed, struct syn_err *err)
{
    struct sq *q = sq_of(s);
    struct sq_tx tx;
    int64_t start, count = 0;
    enum syn_status st;

    if (key == NULL || window_s <= 0 || max < 0 || now < 0)
        return syn_err_set(err, SYN_EINVAL, "store: bad rate limit");
    start = now - now % window_s;
    st = sq_tx_begin(q, &tx, err);
    if (st != SYN_OK)
        return st;
    st = sq_exec(q, sql_rate_prune, NULL, err, "I", now);
    if (st == SYN_OK) {
        st = sq_int(q, sql_rate_count, &count, false, err, "sII", key, start,
                    start + window_s);
    }
    st = sq_tx_end(q, &tx, st, err);
    if (st == SYN_OK) {
        *allowed = count <= max;
    }
    return st;
}

enum syn_status
sq_stats(struct store *s, struct store_stats *out, struct syn_err *err)
{
    static const struct sq_field fields[] = {
        SQF(store_stats, sources, SQ_I64),
        SQF(store_stats, sources_failing, SQ_I64),
        SQF(store_stats, items, SQ_I64),
        SQF(store_stats, clusters, SQ_I64),
        SQF(store_stats, subscribers_confirmed, SQ_I64),
        SQF(store_stats, subscribers_pending, SQ_I64),
        SQF(store_stats, outbox_queued, SQ_I64),
        SQF(store_stats, outbox_failed, SQ_I64),
        SQF(store_stats, inquiries_new, SQ_I64),
    };
    struct sq *q = sq_of(s);
    sqlite3_stmt *st = NULL;
    struct store_stats tmp;
    enum syn_status rc;
    bool row = false;

    memset(&tmp, 0, sizeof(tmp));
    rc = sq_start(q, sql_stats, &st, err, "");
    if (rc == SYN_OK) {
        rc = sq_step(q, st, &row, err);
    }
    if (rc == SYN_OK && row) {
        rc = sq_read_row(q, st, fields, SYN_ARRAY_LEN(fields), &tmp, err);
    }
    sq_done(st);
    if (rc == SYN_OK) {
        *out = tmp;
    }
    return rc;
}
