/* mail/outbox over a real SQLite store: periods, topic filtering, no empty
 * digest, no second digest in a period, dedupe keys, dry runs, backoff. */
#include "testutil.h"

#include <stdio.h>
#include <string.h>

#include "mail/outbox.h"
#include "mail/theme.h"
#include "store/store.h"
#include "util/mem.h"
#include "util/token.h"

#define NOW 1800000000LL /* Fri 2027-01-15 08:00:00 UTC */

static const unsigned char key[TOKEN_KEY_BYTES] = "outbox-test-key-0123456789abcde";
/* templates set in main() */
static struct mail_identity ident = {
    "Network News", "https://news.example.org", "news@example.org", NULL,
    key, TOKEN_KEY_BYTES, NULL};

struct fx {
    char dir[512];
    struct store *s;
};

static int64_t
add_source(struct store *s, const char *url, const char *topic)
{
    struct store_source in;
    int64_t id = 0;

    memset(&in, 0, sizeof(in));
    in.url = (char *)url;
    in.title = (char *)"Source";
    assert_int_equal(store_source_add(s, &in, NOW - 86400 * 30, &id, NULL),
                     SYN_OK);
    assert_int_equal(store_source_set_topics(s, id, &topic, 1, NULL), SYN_OK);
    return id;
}

static void
add_item(struct store *s, int64_t source, const char *guid, int64_t ingested)
{
    struct store_item in;
    char url[128];

    memset(&in, 0, sizeof(in));
    snprintf(url, sizeof(url), "https://src.example.net/%s", guid);
    in.source_id = source;
    in.guid = (char *)guid;
    in.url = url;
    in.title = (char *)guid;
    in.content_hash = (char *)guid;
    in.excerpt_text = (char *)"excerpt";
    in.published = ingested;
    in.ingested = ingested;
    assert_int_equal(store_item_upsert(s, &in, ingested, NULL, NULL, NULL),
                     SYN_OK);
}

static void
add_sub(struct store *s, const char *email, enum store_frequency f,
        const char *topics, enum store_sub_status status)
{
    struct store_subscriber in;

    memset(&in, 0, sizeof(in));
    in.email = (char *)email;
    in.frequency = f;
    in.topics = (char *)topics;
    in.status = status;
    in.consent_time = NOW - 86400 * 20;
    assert_int_equal(store_subscriber_import(s, &in, NOW - 86400 * 20, NULL,
                                             NULL),
                     SYN_OK);
}

static int
setup(void **state)
{
    struct fx *f = syn_calloc(1, sizeof(*f));
    char path[600];
    int64_t climate, health;

    assert_non_null(f);
    snprintf(f->dir, sizeof(f->dir), "%s", test_tmpdir());
    snprintf(path, sizeof(path), "%s/outbox.db", f->dir);
    assert_int_equal(store_open(path, &f->s, NULL), SYN_OK);
    assert_int_equal(store_migrate(f->s, NULL, NULL), SYN_OK);
    climate = add_source(f->s, "https://a.example.net/feed", "climate");
    health = add_source(f->s, "https://b.example.net/feed", "health");
    add_item(f->s, climate, "c-new", NOW - 600);
    add_item(f->s, climate, "c-old", NOW - 86400 * 3);
    add_item(f->s, health, "h-new", NOW - 1200);
    add_sub(f->s, "all@example.org", STORE_FREQ_DAILY, "", STORE_SUB_CONFIRMED);
    add_sub(f->s, "climate@example.org", STORE_FREQ_DAILY, "climate",
            STORE_SUB_CONFIRMED);
    add_sub(f->s, "sports@example.org", STORE_FREQ_DAILY, "sports",
            STORE_SUB_CONFIRMED);
    add_sub(f->s, "pending@example.org", STORE_FREQ_DAILY, "",
            STORE_SUB_PENDING);
    add_sub(f->s, "weekly@example.org", STORE_FREQ_WEEKLY, "",
            STORE_SUB_CONFIRMED);
    *state = f;
    return 0;
}

static int
teardown(void **state)
{
    struct fx *f = *state;

    store_close(f->s);
    test_rmtree(f->dir);
    syn_free(f);
    return 0;
}

static void
test_period_keys(void **state)
{
    static const struct {
        enum store_frequency f;
        int64_t t;
        const char *key;
    } cases[] = {
        {STORE_FREQ_DAILY, NOW, "2027-01-15"},
        {STORE_FREQ_WEEKLY, NOW, "2027-W02"},
        {STORE_FREQ_WEEKLY, 1798761600 /* 2027-01-01, ISO 2026-W53 */,
         "2026-W53"},
        {STORE_FREQ_INSTANT, NOW + 61, "2027-01-15T08:01"},
    };
    char out[24];
    size_t i;

    (void)state;
    for (i = 0; i < SYN_ARRAY_LEN(cases); i++) {
        outbox_period_key(cases[i].f, cases[i].t, out);
        assert_string_equal(out, cases[i].key);
    }
    assert_int_equal(outbox_period_seconds(STORE_FREQ_WEEKLY), 7 * 86400);
}

static void
test_due(void **state)
{
    static const struct {
        enum store_frequency f;
        int64_t t;
        int hour, wday;
        bool want;
    } cases[] = {
        {STORE_FREQ_DAILY, NOW, 7, 1, true},  /* 08:00, from 07:00 */
        {STORE_FREQ_DAILY, NOW, 9, 1, false}, /* not yet 09:00 */
        {STORE_FREQ_WEEKLY, NOW, 7, 5, true}, /* a Friday */
        {STORE_FREQ_WEEKLY, NOW, 7, 1, false},
        {STORE_FREQ_WEEKLY, NOW, 9, 5, false},
        {STORE_FREQ_INSTANT, NOW, 23, 0, true},
    };
    size_t i;

    (void)state;
    for (i = 0; i < SYN_ARRAY_LEN(cases); i++) {
        assert_int_equal(outbox_digest_due(cases[i].f, cases[i].t,
                                           cases[i].hour, cases[i].wday),
                         cases[i].want);
    }
}

static void
test_backoff(void **state)
{
    static const struct {
        int attempts, max;
        int64_t want;
    } cases[] = {
        {1, 8, 60}, {2, 8, 120}, {3, 8, 240}, {8, 8, 0}, {9, 8, 0},
        {20, 30, OUTBOX_MAX_BACKOFF_S}, {1, 1, 0},
    };
    size_t i;

    (void)state;
    for (i = 0; i < SYN_ARRAY_LEN(cases); i++) {
        assert_int_equal(outbox_backoff(cases[i].attempts, cases[i].max),
                         cases[i].want);
    }
}

/* Claim every queued row (and put nothing back): the keys, sorted. */
static size_t
queued_keys(struct store *s, int64_t now, char keys[][96], size_t cap)
{
    struct store_mail_list *l = NULL;
    size_t i, n;

    assert_int_equal(store_outbox_claim(s, now, 100, 30 * 86400, &l, NULL),
                     SYN_OK);
    for (i = 0; i < l->n && i < cap; i++) {
        snprintf(keys[i], 96, "%s %s", l->v[i].dedupe_key, l->v[i].recipient);
    }
    n = l->n;
    store_mail_list_free(l);
    return n;
}

static void
test_create(void **state)
{
    struct fx *f = *state;
    struct outbox_digest_stats st;
    char keys[8][96];
    size_t n;

    /* dry run: composes, writes nothing, and does not use up the period */
    assert_int_equal(outbox_digest_create(f->s, &ident, STORE_FREQ_DAILY, NOW,
                                          true, &st, NULL),
                     SYN_OK);
    assert_int_equal(st.queued, 2);
    assert_int_equal(queued_keys(f->s, NOW, keys, 8), 0);

    assert_int_equal(outbox_digest_create(f->s, &ident, STORE_FREQ_DAILY, NOW,
                                          false, &st, NULL),
                     SYN_OK);
    assert_false(st.already);
    assert_string_equal(st.period, "2027-01-15");
    assert_int_equal(st.subscribers, 3); /* confirmed daily ones */
    assert_int_equal(st.queued, 2);      /* all, climate */
    assert_int_equal(st.empty, 1);       /* sports: never an empty digest */
    assert_true(st.bytes > 0);
    n = queued_keys(f->s, NOW, keys, 8);
    assert_int_equal(n, 2);
    assert_non_null(strstr(keys[0], "digest:daily:2027-01-15:"));
    assert_non_null(strstr(keys[0], " all@example.org"));
    assert_non_null(strstr(keys[1], " climate@example.org"));

    /* same period again, later that day: nothing */
    assert_int_equal(outbox_digest_create(f->s, &ident, STORE_FREQ_DAILY,
                                          NOW + 3600, false, &st, NULL),
                     SYN_OK);
    assert_true(st.already);
    assert_int_equal(queued_keys(f->s, NOW + 3600, keys, 8), 0);

    /* next day: nothing new since the last digest -> no mail */
    assert_int_equal(outbox_digest_create(f->s, &ident, STORE_FREQ_DAILY,
                                          NOW + 86400, false, &st, NULL),
                     SYN_OK);
    assert_false(st.already);
    assert_int_equal(st.queued, 0);
    assert_int_equal(st.empty, 3);

    /* instant: nobody has that frequency, nothing is recorded */
    assert_int_equal(outbox_digest_create(f->s, &ident, STORE_FREQ_INSTANT,
                                          NOW, false, &st, NULL),
                     SYN_OK);
    assert_int_equal(st.queued, 0);
    assert_int_equal(store_digest_record(f->s, STORE_FREQ_INSTANT, st.period,
                                         NOW, NULL),
                     SYN_OK); /* the period was still free */

    /* the weekly subscriber's first digest covers the last week: 3 items */
    assert_int_equal(outbox_digest_create(f->s, &ident, STORE_FREQ_WEEKLY,
                                          NOW, false, &st, NULL),
                     SYN_OK);
    assert_int_equal(st.queued, 1);
    assert_string_equal(st.period, "2027-W02");
}

static void
test_preview(void **state)
{
    struct fx *f = *state;
    struct buf m;
    size_t n = 0;

    buf_init(&m, 1 << 22);
    assert_int_equal(outbox_digest_preview(f->s, &ident, STORE_FREQ_DAILY, NOW,
                                           "climate@example.org", &m, &n,
                                           NULL),
                     SYN_OK);
    assert_int_equal(n, 1); /* c-new only: c-old is 3 days old */
    assert_non_null(strstr(buf_cstr(&m), "To: <climate@example.org>"));
    buf_reset(&m);
    assert_int_equal(outbox_digest_preview(f->s, &ident, STORE_FREQ_DAILY, NOW,
                                           "sports@example.org", &m, &n, NULL),
                     SYN_ENOTFOUND);
    assert_int_equal(outbox_digest_preview(f->s, &ident, STORE_FREQ_DAILY, NOW,
                                           NULL, &m, &n, NULL),
                     SYN_OK);
    assert_int_equal(n, 2);
    buf_fini(&m);
}

static enum syn_status
dry_run(void *state)
{
    struct fx *f = state;
    struct outbox_digest_stats st;

    return outbox_digest_create(f->s, &ident, STORE_FREQ_DAILY, NOW, true,
                                &st, NULL);
}

static void
test_alloc_failure(void **state)
{
    assert_true(test_alloc_failures(dry_run, *state) > 1);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_period_keys),
        cmocka_unit_test(test_due),
        cmocka_unit_test(test_backoff),
        cmocka_unit_test_setup_teardown(test_create, setup, teardown),
        cmocka_unit_test_setup_teardown(test_preview, setup, teardown),
        cmocka_unit_test_setup_teardown(test_alloc_failure, setup, teardown),
    };
    struct tpl_set *tpl = NULL;
    int rc;

    if (mail_theme_load(NULL, &tpl, NULL) != SYN_OK)
        return 1;
    ident.templates = tpl;
    rc = cmocka_run_group_tests(tests, NULL, NULL);
    tpl_set_free(tpl);
    return rc;
}
