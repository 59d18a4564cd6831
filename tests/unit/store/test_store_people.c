/* store: partners, subscribers, digests, the outbox, inquiries, settings,
 * rate limits and stats against a real SQLite file. */
#include "storetest.h"

#include <sqlite3.h>

static void
test_partners(void **state)
{
    struct fx *fx = *state;
    struct store_partner in, *p = NULL;
    struct store_partner_list *list = NULL;
    int64_t id = 0, id2 = 0;

    memset(&in, 0, sizeof(in));
    in.slug = (char *)"wfp";
    in.name = (char *)"World Food Programme";
    in.url = (char *)"https://www.wfp.org/";
    in.description = (char *)"Food assistance";
    assert_int_equal(store_partner_add(fx->s, &in, T0, &id, &fx->err), SYN_OK);
    assert_int_equal(store_partner_add(fx->s, &in, T0, &id2, &fx->err),
                     SYN_EEXIST);
    in.slug = (char *)"acf";
    in.name = (char *)"Action contre la Faim";
    in.url = NULL;
    assert_int_equal(store_partner_add(fx->s, &in, T0, &id2, &fx->err), SYN_OK);
    in.slug = NULL;
    assert_int_equal(store_partner_add(fx->s, &in, T0, NULL, &fx->err),
                     SYN_EINVAL);

    assert_int_equal(store_partner_get(fx->s, "wfp", &p, &fx->err), SYN_OK);
    assert_int_equal(p->id, id);
    assert_string_equal(p->url, "https://www.wfp.org/");
    assert_null(p->logo);
    assert_int_equal(p->created, T0);
    store_partner_free(p);
    assert_int_equal(store_partner_get(fx->s, "nope", &p, &fx->err),
                     SYN_ENOTFOUND);
    assert_int_equal(store_partner_list(fx->s, &list, &fx->err), SYN_OK);
    assert_int_equal(list->n, 2);
    assert_string_equal(list->v[0].slug, "acf"); /* by name */
    store_partner_list_free(list);
    assert_int_equal(store_partner_remove(fx->s, id2, &fx->err), SYN_OK);
    assert_int_equal(store_partner_remove(fx->s, id2, &fx->err), SYN_ENOTFOUND);
}

static void
test_subscriber_lifecycle(void **state)
{
    struct fx *fx = *state;
    struct store_subscriber in, *sub = NULL;
    struct store_subscriber_list *list = NULL;
    struct store_subscriber_query q = {-1, -1};
    enum store_sub_status st;
    int64_t id = 0, id2 = 0;

    memset(&in, 0, sizeof(in));
    in.email = (char *)"Ann@Example.org";
    in.name = (char *)"Ann";
    in.frequency = STORE_FREQ_DAILY;
    in.topics = (char *)"climate,health";
    in.consent_ip = (char *)"192.0.2.7";
    in.consent_source = (char *)"subscribe form";
    assert_int_equal(
        store_subscriber_add_pending(fx->s, &in, T0, &id, &fx->err), SYN_OK);
    /* The same address again, other case: still one row, still pending. */
    in.email = (char *)"ann@example.ORG";
    in.frequency = STORE_FREQ_WEEKLY;
    assert_int_equal(
        store_subscriber_add_pending(fx->s, &in, T0 + 5, &id2, &fx->err),
        SYN_OK);
    assert_int_equal(id2, id);
    assert_int_equal(
        store_subscriber_get_by_email(fx->s, "ANN@example.org", &sub, &fx->err),
        SYN_OK);
    assert_int_equal(sub->id, id);
    assert_string_equal(sub->email, "Ann@Example.org");
    assert_int_equal(sub->status, STORE_SUB_PENDING);
    assert_int_equal(sub->frequency, STORE_FREQ_WEEKLY);
    assert_int_equal(sub->consent_time, T0 + 5);
    assert_int_equal(sub->created, T0);
    assert_string_equal(sub->consent_ip, "192.0.2.7");
    store_subscriber_free(sub);

    assert_int_equal(store_subscriber_confirm(fx->s, id, T0 + 60, &fx->err),
                     SYN_OK);
    assert_int_equal(store_subscriber_confirm(fx->s, id, T0 + 99, &fx->err),
                     SYN_OK);
    assert_int_equal(store_subscriber_confirm(fx->s, 999, T0, &fx->err),
                     SYN_ENOTFOUND);
    /* Confirmed: a new request changes nothing and says so. */
    id2 = 0;
    assert_int_equal(
        store_subscriber_add_pending(fx->s, &in, T0 + 70, &id2, &fx->err),
        SYN_EEXIST);
    assert_int_equal(id2, id);
    assert_int_equal(store_subscriber_get(fx->s, id, &sub, &fx->err), SYN_OK);
    assert_int_equal(sub->status, STORE_SUB_CONFIRMED);
    assert_int_equal(sub->confirmed_at, T0 + 60);
    store_subscriber_free(sub);

    in.name = (char *)"Ann B.";
    in.organization = (char *)"NGO";
    in.frequency = STORE_FREQ_INSTANT;
    in.topics = NULL;
    assert_int_equal(store_subscriber_update_prefs(fx->s, id, &in, &fx->err),
                     SYN_OK);
    assert_int_equal(store_subscriber_set_last_digest(
                         fx->s, id, STORE_FREQ_DAILY, T0 + 500, &fx->err),
                     SYN_OK);
    assert_int_equal(store_subscriber_get(fx->s, id, &sub, &fx->err), SYN_OK);
    assert_string_equal(sub->name, "Ann B.");
    assert_string_equal(sub->organization, "NGO");
    assert_int_equal(sub->frequency, STORE_FREQ_INSTANT);
    assert_string_equal(sub->topics, "");
    assert_int_equal(sub->last_digest[STORE_FREQ_DAILY], T0 + 500);
    assert_int_equal(sub->last_digest[STORE_FREQ_WEEKLY], 0);
    store_subscriber_free(sub);

    /* Bounces: the third one stops mail. */
    assert_int_equal(store_subscriber_mark_bounce(fx->s, "ann@example.org", 3,
                                                  &st, &fx->err),
                     SYN_OK);
    assert_int_equal(st, STORE_SUB_CONFIRMED);
    assert_int_equal(store_subscriber_mark_bounce(fx->s, "ann@example.org", 3,
                                                  &st, &fx->err),
                     SYN_OK);
    assert_int_equal(store_subscriber_mark_bounce(fx->s, "ann@example.org", 3,
                                                  &st, &fx->err),
                     SYN_OK);
    assert_int_equal(st, STORE_SUB_BOUNCING);
    assert_int_equal(
        store_subscriber_mark_bounce(fx->s, "x@y.z", 3, &st, &fx->err),
        SYN_ENOTFOUND);

    /* Unsubscribe, then subscribe again: pending with a fresh consent. */
    assert_int_equal(store_subscriber_unsubscribe(fx->s, id, &fx->err), SYN_OK);
    assert_int_equal(
        store_subscriber_add_pending(fx->s, &in, T0 + 900, &id2, &fx->err),
        SYN_OK);
    assert_int_equal(store_subscriber_get(fx->s, id, &sub, &fx->err), SYN_OK);
    assert_int_equal(sub->status, STORE_SUB_PENDING);
    assert_int_equal(sub->bounces, 0);
    assert_int_equal(sub->consent_time, T0 + 900);
    store_subscriber_free(sub);

    /* Import (consent obtained elsewhere) and listing by filter. */
    memset(&in, 0, sizeof(in));
    in.email = (char *)"bob@example.net";
    in.status = STORE_SUB_CONFIRMED;
    in.frequency = STORE_FREQ_WEEKLY;
    in.consent_source = (char *)"import";
    assert_int_equal(store_subscriber_import(fx->s, &in, T0, &id2, &fx->err),
                     SYN_OK);
    assert_int_equal(store_subscriber_import(fx->s, &in, T0, &id2, &fx->err),
                     SYN_EEXIST);
    in.status = STORE_SUB_BOUNCING;
    in.email = (char *)"c@example.net";
    assert_int_equal(store_subscriber_import(fx->s, &in, T0, NULL, &fx->err),
                     SYN_EINVAL);
    assert_int_equal(store_subscriber_list(fx->s, NULL, &list, &fx->err),
                     SYN_OK);
    assert_int_equal(list->n, 2);
    store_subscriber_list_free(list);
    q.status = STORE_SUB_CONFIRMED;
    q.frequency = STORE_FREQ_WEEKLY;
    assert_int_equal(store_subscriber_list(fx->s, &q, &list, &fx->err), SYN_OK);
    assert_int_equal(list->n, 1);
    assert_string_equal(list->v[0].email, "bob@example.net");
    assert_int_equal(list->v[0].confirmed_at, T0);
    store_subscriber_list_free(list);
    q.frequency = STORE_FREQ_DAILY;
    assert_int_equal(store_subscriber_list(fx->s, &q, &list, &fx->err), SYN_OK);
    assert_int_equal(list->n, 0);
    store_subscriber_list_free(list);

    assert_int_equal(store_subscriber_delete(fx->s, id, &fx->err), SYN_OK);
    assert_int_equal(store_subscriber_delete(fx->s, id, &fx->err),
                     SYN_ENOTFOUND);
    assert_int_equal(store_subscriber_get(fx->s, id, &sub, &fx->err),
                     SYN_ENOTFOUND);
}

static void
test_enum_names(void **state)
{
    static const char *const statuses[] = {"pending", "confirmed",
                                           "unsubscribed", "bouncing"};
    enum store_sub_status st;
    enum store_frequency f;
    enum store_inquiry_status is;
    size_t i;

    (void)state;
    for (i = 0; i < SYN_ARRAY_LEN(statuses); i++) {
        assert_int_equal(store_sub_status_parse(statuses[i], &st), SYN_OK);
        assert_int_equal(st, (enum store_sub_status)i);
        assert_string_equal(store_sub_status_name(st), statuses[i]);
    }
    assert_int_equal(store_sub_status_parse("Pending", &st), SYN_EINVAL);
    assert_int_equal(store_frequency_parse("weekly", &f), SYN_OK);
    assert_int_equal(f, STORE_FREQ_WEEKLY);
    assert_int_equal(store_frequency_parse("hourly", &f), SYN_EINVAL);
    assert_int_equal(store_inquiry_status_parse("declined", &is), SYN_OK);
    assert_int_equal(is, STORE_INQ_DECLINED);
    assert_string_equal(store_mail_kind_name(STORE_MAIL_DIGEST), "digest");
    assert_string_equal(store_mail_status_name(STORE_MAIL_FAILED), "failed");
    assert_string_equal(store_frequency_name((enum store_frequency)7),
                        "unknown");
}

static void
test_digest_record(void **state)
{
    struct fx *fx = *state;

    assert_int_equal(store_digest_record(fx->s, STORE_FREQ_DAILY, "2026-11-29",
                                         T0, &fx->err),
                     SYN_OK);
    assert_int_equal(store_digest_record(fx->s, STORE_FREQ_DAILY, "2026-11-29",
                                         T0, &fx->err),
                     SYN_EEXIST);
    assert_int_equal(store_digest_record(fx->s, STORE_FREQ_WEEKLY, "2026-11-29",
                                         T0, &fx->err),
                     SYN_OK);
    assert_int_equal(
        store_digest_record(fx->s, STORE_FREQ_DAILY, "", T0, &fx->err),
        SYN_EINVAL);
}

static void
fill_mail(struct store_mail *m, const char *key)
{
    memset(m, 0, sizeof(*m));
    m->kind = STORE_MAIL_DIGEST;
    m->dedupe_key = (char *)key;
    m->recipient = (char *)"ann@example.org";
    m->subject = (char *)"Your digest";
    m->body = (char *)"Subject: Your digest\r\n\r\nHello\r\n";
}

static void
test_outbox(void **state)
{
    struct fx *fx = *state;
    struct store_mail m;
    struct store_mail_list *batch = NULL;
    int64_t id1 = 0, id2 = 0, again = 0, when = -1;
    bool inserted = false;

    assert_int_equal(store_outbox_next_due(fx->s, &when, &fx->err), SYN_OK);
    assert_int_equal(when, 0);
    fill_mail(&m, "digest:daily:2026-11-29:sub42");
    assert_int_equal(
        store_outbox_enqueue(fx->s, &m, T0, &id1, &inserted, &fx->err), SYN_OK);
    assert_true(inserted);
    /* Idempotent: the same key is one mail. */
    m.body = (char *)"another body";
    assert_int_equal(
        store_outbox_enqueue(fx->s, &m, T0 + 5, &again, &inserted, &fx->err),
        SYN_OK);
    assert_false(inserted);
    assert_int_equal(again, id1);
    fill_mail(&m, "confirm:7");
    m.kind = STORE_MAIL_CONFIRM;
    assert_int_equal(
        store_outbox_enqueue(fx->s, &m, T0 + 1, &id2, NULL, &fx->err), SYN_OK);
    m.dedupe_key = NULL;
    assert_int_equal(store_outbox_enqueue(fx->s, &m, T0, NULL, NULL, &fx->err),
                     SYN_EINVAL);
    assert_int_equal(store_outbox_next_due(fx->s, &when, &fx->err), SYN_OK);
    assert_int_equal(when, T0);

    /* Not due before its time. */
    assert_int_equal(store_outbox_claim(fx->s, T0 - 1, 0, 60, &batch, &fx->err),
                     SYN_OK);
    assert_int_equal(batch->n, 0);
    store_mail_list_free(batch);
    /* Claimed rows are leased: a second claim gets nothing. */
    assert_int_equal(
        store_outbox_claim(fx->s, T0 + 10, 0, 60, &batch, &fx->err), SYN_OK);
    assert_int_equal(batch->n, 2);
    assert_int_equal(batch->v[0].id, id1);
    assert_int_equal(batch->v[0].kind, STORE_MAIL_DIGEST);
    assert_string_equal(batch->v[0].body,
                        "Subject: Your digest\r\n\r\nHello\r\n");
    assert_int_equal(batch->v[0].attempts, 1);
    assert_int_equal(batch->v[0].next_attempt, T0 + 70);
    assert_int_equal(batch->v[1].kind, STORE_MAIL_CONFIRM);
    store_mail_list_free(batch);
    assert_int_equal(
        store_outbox_claim(fx->s, T0 + 20, 0, 60, &batch, &fx->err), SYN_OK);
    assert_int_equal(batch->n, 0);
    store_mail_list_free(batch);

    /* The sender stores what it composed; a retry reads it back. */
    assert_int_equal(
        store_outbox_set_body(fx->s, id2, "Message-ID: <1@x>", &fx->err),
        SYN_OK);
    assert_int_equal(store_outbox_set_body(fx->s, 999, "x", &fx->err),
                     SYN_ENOTFOUND);

    /* One is sent, one fails and is retried later, then given up. */
    assert_int_equal(store_outbox_mark_sent(fx->s, id1, T0 + 30, &fx->err),
                     SYN_OK);
    assert_int_equal(store_outbox_mark_failed(fx->s, id2, "451 try later",
                                              T0 + 300, &fx->err),
                     SYN_OK);
    assert_int_equal(store_outbox_mark_sent(fx->s, 999, T0, &fx->err),
                     SYN_ENOTFOUND);
    assert_int_equal(
        store_outbox_claim(fx->s, T0 + 299, 0, 60, &batch, &fx->err), SYN_OK);
    assert_int_equal(batch->n, 0);
    store_mail_list_free(batch);
    assert_int_equal(
        store_outbox_claim(fx->s, T0 + 300, 5, 60, &batch, &fx->err), SYN_OK);
    assert_int_equal(batch->n, 1);
    assert_int_equal(batch->v[0].id, id2);
    assert_int_equal(batch->v[0].attempts, 2);
    assert_string_equal(batch->v[0].last_error, "451 try later");
    assert_string_equal(batch->v[0].body, "Message-ID: <1@x>");
    store_mail_list_free(batch);
    assert_int_equal(
        store_outbox_mark_failed(fx->s, id2, "550 no such user", 0, &fx->err),
        SYN_OK);
    assert_int_equal(
        store_outbox_claim(fx->s, T0 + 99999, 5, 60, &batch, &fx->err), SYN_OK);
    assert_int_equal(batch->n, 0);
    store_mail_list_free(batch);

    /* A sent mail's key stays taken: re-running a digest sends nothing. */
    fill_mail(&m, "digest:daily:2026-11-29:sub42");
    assert_int_equal(
        store_outbox_enqueue(fx->s, &m, T0 + 400, &again, &inserted, &fx->err),
        SYN_OK);
    assert_false(inserted);
    assert_int_equal(store_outbox_claim(fx->s, T0 + 1, 0, 0, &batch, &fx->err),
                     SYN_EINVAL);
}

/* Rows of a table counted behind the store's back (schema checks). */
static int64_t
count_rows(const char *path, const char *sql)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    int64_t n = -1;

    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
    if (sqlite3_step(st) == SQLITE_ROW) {
        n = sqlite3_column_int64(st, 0);
    }
    sqlite3_finalize(st);
    sqlite3_close(db);
    return n;
}

/* Sent mail keeps its row (the dedupe key stays taken) but not its body. */
static void
test_outbox_bodies_dropped_when_sent(void **state)
{
    struct fx *fx = *state;
    struct store_mail m;
    struct store_mail_list *batch = NULL;
    int64_t id1 = 0, id2 = 0;

    fill_mail(&m, "k1");
    assert_int_equal(store_outbox_enqueue(fx->s, &m, T0, &id1, NULL, &fx->err),
                     SYN_OK);
    fill_mail(&m, "k2");
    m.body = (char *)"";
    assert_int_equal(store_outbox_enqueue(fx->s, &m, T0, &id2, NULL, &fx->err),
                     SYN_OK);
    /* An empty body (composed at send time) takes no body row. */
    assert_int_equal(count_rows(fx->path, "SELECT count(*) FROM outbox_bodies"),
                     1);
    assert_int_equal(store_outbox_mark_sent(fx->s, id1, T0, &fx->err), SYN_OK);
    assert_int_equal(count_rows(fx->path, "SELECT count(*) FROM outbox_bodies"),
                     0);
    assert_int_equal(count_rows(fx->path, "SELECT count(*) FROM outbox"), 2);
    assert_int_equal(store_outbox_set_body(fx->s, id2, "composed", &fx->err),
                     SYN_OK);
    assert_int_equal(store_outbox_claim(fx->s, T0, 0, 60, &batch, &fx->err),
                     SYN_OK);
    assert_int_equal(batch->n, 1);
    assert_string_equal(batch->v[0].body, "composed");
    store_mail_list_free(batch);
}

/* A database at migration 2 (bodies inside outbox rows) keeps the bodies
 * of unsent mail through migration 3. */
static void
test_outbox_upgrade_from_v2(void **state)
{
    struct fx *fx = *state;
    struct store_mail_list *batch = NULL;
    sqlite3 *db = NULL;
    int n = 0;

    assert_int_equal(store_migrate_to(fx->s, 2, &n, &fx->err), SYN_OK);
    assert_int_equal(n, 2);
    assert_int_equal(sqlite3_open(fx->path, &db), SQLITE_OK);
    assert_int_equal(
        sqlite3_exec(db,
                     "INSERT INTO outbox(kind, dedupe_key, recipient, subject,"
                     " body, next_attempt, created, status) VALUES"
                     " ('ack', 'a', 'x@y.z', 's', 'queued body', 1, 1,"
                     "  'queued'),"
                     " ('ack', 'b', 'x@y.z', 's', 'sent body', 1, 1, 'sent')",
                     NULL, NULL, NULL),
        SQLITE_OK);
    sqlite3_close(db);
    assert_int_equal(store_migrate(fx->s, &n, &fx->err), SYN_OK);
    assert_true(n >= 1);
    assert_int_equal(store_outbox_claim(fx->s, T0, 0, 60, &batch, &fx->err),
                     SYN_OK);
    assert_int_equal(batch->n, 1);
    assert_string_equal(batch->v[0].dedupe_key, "a");
    assert_string_equal(batch->v[0].body, "queued body");
    store_mail_list_free(batch);
    assert_int_equal(count_rows(fx->path, "SELECT count(*) FROM outbox_bodies"),
                     1);
}

static void
test_inquiries(void **state)
{
    struct fx *fx = *state;
    struct store_inquiry in, *got = NULL;
    struct store_inquiry_list *list = NULL;
    int64_t id1 = 0, id2 = 0;

    memset(&in, 0, sizeof(in));
    in.organization = (char *)"Radio Libre";
    in.name = (char *)"Marie";
    in.email = (char *)"marie@radio.example";
    in.country = (char *)"SN";
    in.kind = (char *)"media";
    in.message = (char *)"We would like to share our stories.";
    in.ip = (char *)"198.51.100.4";
    assert_int_equal(store_inquiry_add(fx->s, &in, T0, &id1, &fx->err), SYN_OK);
    in.kind = (char *)"research";
    assert_int_equal(store_inquiry_add(fx->s, &in, T0 + 10, &id2, &fx->err),
                     SYN_OK);
    in.kind = (char *)"spam";
    assert_int_equal(store_inquiry_add(fx->s, &in, T0, NULL, &fx->err),
                     SYN_EINVAL);
    in.kind = NULL;
    assert_int_equal(store_inquiry_add(fx->s, &in, T0, NULL, &fx->err),
                     SYN_EINVAL);

    assert_int_equal(store_inquiry_get(fx->s, id1, &got, &fx->err), SYN_OK);
    assert_string_equal(got->organization, "Radio Libre");
    assert_string_equal(got->kind, "media");
    assert_null(got->website);
    assert_int_equal(got->status, STORE_INQ_NEW);
    store_inquiry_free(got);
    assert_int_equal(store_inquiry_get(fx->s, 999, &got, &fx->err),
                     SYN_ENOTFOUND);
    assert_int_equal(
        store_inquiry_set_status(fx->s, id1, STORE_INQ_ACCEPTED, &fx->err),
        SYN_OK);
    assert_int_equal(
        store_inquiry_set_status(fx->s, 999, STORE_INQ_ACCEPTED, &fx->err),
        SYN_ENOTFOUND);
    assert_int_equal(store_inquiry_list(fx->s, -1, &list, &fx->err), SYN_OK);
    assert_int_equal(list->n, 2);
    assert_int_equal(list->v[0].id, id2); /* newest first */
    store_inquiry_list_free(list);
    assert_int_equal(store_inquiry_list(fx->s, STORE_INQ_NEW, &list, &fx->err),
                     SYN_OK);
    assert_int_equal(list->n, 1);
    assert_int_equal(list->v[0].id, id2);
    store_inquiry_list_free(list);
}

static void
test_settings_and_rate(void **state)
{
    struct fx *fx = *state;
    char *v = NULL;
    bool ok = false;
    int i;

    assert_int_equal(store_setting_get(fx->s, "hmac_key", &v, &fx->err),
                     SYN_ENOTFOUND);
    assert_int_equal(store_setting_set(fx->s, "hmac_key", "k1", &fx->err),
                     SYN_OK);
    assert_int_equal(store_setting_set(fx->s, "hmac_key", "k2", &fx->err),
                     SYN_OK);
    assert_int_equal(store_setting_get(fx->s, "hmac_key", &v, &fx->err),
                     SYN_OK);
    assert_string_equal(v, "k2");
    syn_free(v);

    /* 3 per 60 s window; the 4th is refused; the next window is fresh. */
    for (i = 0; i < 3; i++) {
        assert_int_equal(store_rate_check(fx->s, "subscribe:192.0.2.1", 60, 3,
                                          T0 + i, &ok, &fx->err),
                         SYN_OK);
        assert_true(ok);
    }
    assert_int_equal(store_rate_check(fx->s, "subscribe:192.0.2.1", 60, 3,
                                      T0 + 5, &ok, &fx->err),
                     SYN_OK);
    assert_false(ok);
    assert_int_equal(store_rate_check(fx->s, "subscribe:192.0.2.2", 60, 3,
                                      T0 + 5, &ok, &fx->err),
                     SYN_OK);
    assert_true(ok);
    assert_int_equal(store_rate_check(fx->s, "subscribe:192.0.2.1", 60, 3,
                                      T0 + 60, &ok, &fx->err),
                     SYN_OK);
    assert_true(ok);
    assert_int_equal(store_rate_check(fx->s, "k", 0, 3, T0, &ok, &fx->err),
                     SYN_EINVAL);
}

static void
test_stats(void **state)
{
    struct fx *fx = *state;
    struct store_stats st;
    struct store_subscriber sub;
    struct store_mail m;
    int64_t src = fx_source(fx, "https://a.example/feed");

    fx_item(fx, src, "1", "One", "x", T0);
    fx_item(fx, src, "2", "Two", "x", T0);
    memset(&sub, 0, sizeof(sub));
    sub.email = (char *)"a@b.c";
    assert_int_equal(
        store_subscriber_add_pending(fx->s, &sub, T0, NULL, &fx->err), SYN_OK);
    fill_mail(&m, "k1");
    assert_int_equal(store_outbox_enqueue(fx->s, &m, T0, NULL, NULL, &fx->err),
                     SYN_OK);
    assert_int_equal(store_stats(fx->s, &st, &fx->err), SYN_OK);
    assert_int_equal(st.sources, 1);
    assert_int_equal(st.sources_failing, 0);
    assert_int_equal(st.items, 2);
    assert_int_equal(st.subscribers_pending, 1);
    assert_int_equal(st.subscribers_confirmed, 0);
    assert_int_equal(st.outbox_queued, 1);
    assert_int_equal(st.inquiries_new, 0);
}

/* Subscriber and outbox reads under allocation failure: no leak, no
 * crash, every failure reported. */
static enum syn_status
read_people(void *state)
{
    struct fx *fx = state;
    struct store_subscriber_list *subs = NULL;
    struct store_mail_list *mails = NULL;
    struct store_inquiry_list *inqs = NULL;
    enum syn_status st;

    st = store_subscriber_list(fx->s, NULL, &subs, &fx->err);
    if (st == SYN_OK) {
        assert_int_equal(subs->n, 2);
        store_subscriber_list_free(subs);
        /* Nothing is due yet: the claim runs, reads no row. */
        st = store_outbox_claim(fx->s, T0 - 1, 0, 60, &mails, &fx->err);
    }
    if (st == SYN_OK) {
        store_mail_list_free(mails);
        st = store_inquiry_list(fx->s, -1, &inqs, &fx->err);
    }
    if (st == SYN_OK) {
        store_inquiry_list_free(inqs);
    }
    return st;
}

static void
test_alloc_failure(void **state)
{
    struct fx *fx = *state;
    struct store_subscriber sub;
    struct store_inquiry inq;

    memset(&sub, 0, sizeof(sub));
    sub.email = (char *)"a@b.c";
    sub.name = (char *)"A";
    assert_int_equal(
        store_subscriber_add_pending(fx->s, &sub, T0, NULL, &fx->err), SYN_OK);
    sub.email = (char *)"d@e.f";
    assert_int_equal(
        store_subscriber_add_pending(fx->s, &sub, T0, NULL, &fx->err), SYN_OK);
    memset(&inq, 0, sizeof(inq));
    inq.organization = inq.name = inq.email = inq.message = (char *)"x";
    inq.kind = (char *)"other";
    assert_int_equal(store_inquiry_add(fx->s, &inq, T0, NULL, &fx->err),
                     SYN_OK);
    assert_true(test_alloc_failures(read_people, fx) > 5);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_partners, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_subscriber_lifecycle, fx_setup,
                                        fx_teardown),
        cmocka_unit_test(test_enum_names),
        cmocka_unit_test_setup_teardown(test_digest_record, fx_setup,
                                        fx_teardown),
        cmocka_unit_test_setup_teardown(test_outbox, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_outbox_bodies_dropped_when_sent,
                                        fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_outbox_upgrade_from_v2,
                                        fx_setup_nomigrate, fx_teardown),
        cmocka_unit_test_setup_teardown(test_inquiries, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_settings_and_rate, fx_setup,
                                        fx_teardown),
        cmocka_unit_test_setup_teardown(test_stats, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_alloc_failure, fx_setup,
                                        fx_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
