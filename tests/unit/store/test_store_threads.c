/* store: one connection per thread on the same file (the documented thread
 * rule). Writers never fail with "database is locked" (busy timeout plus
 * BEGIN IMMEDIATE), readers see committed rows, and two mail senders never
 * claim the same outbox row. */
#include "storetest.h"

#include <pthread.h>

#define N_WRITERS 3
#define N_ITEMS 150
#define N_MAILS 120

struct worker {
    const char *path;
    int index;
    enum syn_status status;
    char msg[SYN_ERR_MSG_LEN];
    int64_t claimed[N_MAILS];
    size_t n_claimed;
};

static void
worker_fail(struct worker *w, enum syn_status st, const struct syn_err *err)
{
    w->status = st;
    snprintf(w->msg, sizeof(w->msg), "%s", err->msg);
}

static void *
writer(void *arg)
{
    struct worker *w = arg;
    struct store *s = NULL;
    struct store_source src;
    struct store_item item;
    struct syn_err err;
    char url[128], guid[64];
    int64_t sid = 0;
    enum syn_status st;
    int i;

    st = store_open(w->path, &s, &err);
    if (st != SYN_OK) {
        worker_fail(w, st, &err);
        return NULL;
    }
    memset(&src, 0, sizeof(src));
    snprintf(url, sizeof(url), "https://w%d.example/feed", w->index);
    src.url = url;
    st = store_source_add(s, &src, T0, &sid, &err);
    for (i = 0; i < N_ITEMS && st == SYN_OK; i++) {
        memset(&item, 0, sizeof(item));
        snprintf(guid, sizeof(guid), "w%d-%d", w->index, i);
        item.source_id = sid;
        item.guid = guid;
        item.url = guid;
        item.title = (char *)"concurrent writes";
        item.content_hash = (char *)"h";
        item.published = T0 + i;
        st = store_item_upsert(s, &item, T0 + i, NULL, NULL, &err);
    }
    if (st != SYN_OK) {
        worker_fail(w, st, &err);
    }
    store_close(s);
    return NULL;
}

static void *
reader(void *arg)
{
    struct worker *w = arg;
    struct store *s = NULL;
    struct store_item_query q;
    struct store_item_list *page = NULL;
    struct syn_err err;
    enum syn_status st;
    int i;

    st = store_open(w->path, &s, &err);
    memset(&q, 0, sizeof(q));
    for (i = 0; i < 50 && st == SYN_OK; i++) {
        st = store_item_page(s, &q, &page, &err);
        if (st == SYN_OK) {
            store_item_list_free(page);
        }
        if (st == SYN_OK) {
            st = store_item_search(s, "concurrent", 0, 10, &page, &err);
        }
        if (st == SYN_OK) {
            store_item_list_free(page);
        }
    }
    if (st != SYN_OK) {
        worker_fail(w, st, &err);
    }
    store_close(s);
    return NULL;
}

static void *
sender(void *arg)
{
    struct worker *w = arg;
    struct store *s = NULL;
    struct store_mail_list *batch = NULL;
    struct syn_err err;
    enum syn_status st;
    size_t k;

    st = store_open(w->path, &s, &err);
    while (st == SYN_OK) {
        st = store_outbox_claim(s, T0, 3, 3600, &batch, &err);
        if (st != SYN_OK)
            break;
        if (batch->n == 0) {
            store_mail_list_free(batch);
            break;
        }
        for (k = 0; k < batch->n && st == SYN_OK; k++) {
            w->claimed[w->n_claimed++] = batch->v[k].id;
            st = store_outbox_mark_sent(s, batch->v[k].id, T0, &err);
        }
        store_mail_list_free(batch);
    }
    if (st != SYN_OK) {
        worker_fail(w, st, &err);
    }
    store_close(s);
    return NULL;
}

static void
test_writers_and_readers(void **state)
{
    struct fx *fx = *state;
    struct worker w[N_WRITERS + 1];
    pthread_t t[N_WRITERS + 1];
    struct store_stats stats;
    int i;

    memset(w, 0, sizeof(w));
    for (i = 0; i <= N_WRITERS; i++) {
        w[i].path = fx->path;
        w[i].index = i;
        assert_int_equal(
            pthread_create(&t[i], NULL, i < N_WRITERS ? writer : reader, &w[i]),
            0);
    }
    for (i = 0; i <= N_WRITERS; i++) {
        assert_int_equal(pthread_join(t[i], NULL), 0);
        if (w[i].status != SYN_OK) {
            fail_msg("thread %d: %s", i, w[i].msg);
        }
    }
    assert_int_equal(store_stats(fx->s, &stats, &fx->err), SYN_OK);
    assert_int_equal(stats.sources, N_WRITERS);
    assert_int_equal(stats.items, N_WRITERS * N_ITEMS);
}

static void
test_senders_never_share_a_mail(void **state)
{
    struct fx *fx = *state;
    struct worker w[2];
    pthread_t t[2];
    struct store_mail m;
    char key[32];
    size_t i, j, total;

    memset(&m, 0, sizeof(m));
    m.kind = STORE_MAIL_NOTIFY;
    m.recipient = (char *)"team@example.org";
    m.subject = (char *)"s";
    m.body = (char *)"b";
    m.dedupe_key = key;
    for (i = 0; i < N_MAILS; i++) {
        snprintf(key, sizeof(key), "notify:%zu", i);
        assert_int_equal(
            store_outbox_enqueue(fx->s, &m, T0 - 10, NULL, NULL, &fx->err),
            SYN_OK);
    }
    memset(w, 0, sizeof(w));
    for (i = 0; i < 2; i++) {
        w[i].path = fx->path;
        assert_int_equal(pthread_create(&t[i], NULL, sender, &w[i]), 0);
    }
    for (i = 0; i < 2; i++) {
        assert_int_equal(pthread_join(t[i], NULL), 0);
        if (w[i].status != SYN_OK) {
            fail_msg("sender %zu: %s", i, w[i].msg);
        }
    }
    total = w[0].n_claimed + w[1].n_claimed;
    assert_int_equal(total, N_MAILS);
    for (i = 0; i < w[0].n_claimed; i++) {
        for (j = 0; j < w[1].n_claimed; j++) {
            assert_true(w[0].claimed[i] != w[1].claimed[j]);
        }
    }
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_writers_and_readers, fx_setup,
                                        fx_teardown),
        cmocka_unit_test_setup_teardown(test_senders_never_share_a_mail,
                                        fx_setup, fx_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
