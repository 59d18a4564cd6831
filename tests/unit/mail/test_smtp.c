/* mail/smtp against a real SMTP server (smtpsink.py on 127.0.0.1):
 * delivery, connection reuse, 4xx/5xx classification with the server's
 * text, refused connections, AUTH, invalid envelopes, connections that go
 * at their own pace (a slow recipient holds up only its own). */
#include "sinkutil.inc"

#include "mail/smtp.h"
#include "util/buf.h"

struct job {
    struct smtp_message *msgs;
    struct smtp_outcome *res;
    size_t n, next;
    int done;
    int rounds, rounded; /* round() calls; done() calls closed by them */
    int idles;           /* idle() calls */
    bool idle_open;      /* an idle() call not yet closed by a round */
    size_t order[16];    /* message indexes in the order they were done */
};

static enum syn_status
job_next(void *user, struct smtp_message *msg, bool *have)
{
    struct job *j = user;

    *have = j->next < j->n;
    if (*have) {
        *msg = j->msgs[j->next];
        msg->cookie = &j->res[j->next];
        j->next++;
    }
    return SYN_OK;
}

static enum syn_status
job_done(void *user, const struct smtp_message *msg,
         const struct smtp_outcome *res)
{
    struct job *j = user;

    *(struct smtp_outcome *)msg->cookie = *res;
    j->order[j->done] = (size_t)((struct smtp_outcome *)msg->cookie - j->res);
    j->done++;
    return SYN_OK;
}

static enum syn_status
job_round(void *user)
{
    struct job *j = user;

    j->rounded = j->done;
    j->rounds++;
    j->idle_open = false;
    return SYN_OK;
}

static enum syn_status
job_idle(void *user, bool *more)
{
    struct job *j = user;

    /* work ahead is closed by a round before the client waits again */
    assert_false(j->idle_open);
    j->idle_open = true;
    j->idles++;
    *more = false;
    return SYN_OK;
}

#define BODY "Subject: test\r\n\r\nline one\r\n.leading dot\r\nend\r\n"

static enum syn_status
send_all(const char *url, int conns, const char *user, const char *pass,
         const char *const *rcpts, size_t n, struct smtp_outcome *res)
{
    struct smtp_config cfg = {url, user, pass, conns, 5000, NULL};
    struct smtp_message msgs[16];
    struct smtp_client *c = NULL;
    struct job j = {msgs, res, n, 0, 0, 0, 0, 0, false, {0}};
    enum syn_status st;
    size_t i;

    assert_true(n <= 16);
    for (i = 0; i < n; i++) {
        msgs[i].mail_from = "news@example.org";
        msgs[i].rcpt_to = rcpts[i];
        msgs[i].data = BODY;
        msgs[i].len = strlen(BODY);
        msgs[i].cookie = NULL;
    }
    st = smtp_client_new(&cfg, &c, NULL);
    if (st == SYN_OK) {
        const struct smtp_callbacks cb = {job_next, job_done, job_round, NULL,
                                          &j};

        st = smtp_client_run(c, &cb, NULL);
    }
    if (st == SYN_OK) {
        assert_int_equal(j.done, (int)n);
        assert_int_equal(j.rounded, (int)n);
        assert_true(j.rounds >= 2); /* one to start, one to finish */
    }
    smtp_client_free(c);
    return st;
}

static const char *const ten[] = {
    "r1@example.org", "r2@example.org",  "r3@example.org", "r4@example.org",
    "r5@example.org", "r6@example.org",  "r7@example.org", "r8@example.org",
    "r9@example.org", "r10@example.org",
};

static void
test_delivery_and_reuse(void **state)
{
    struct smtp_outcome res[10];
    struct sink s;
    int conns = 0, i;
    char *m;

    (void)state;
    if (sink_start(&s, NULL) != 0) {
        skip();
    }
    assert_int_equal(send_all(s.url, 2, NULL, NULL, ten, 10, res), SYN_OK);
    for (i = 0; i < 10; i++) {
        assert_int_equal(res[i].result, SMTP_SENT);
        assert_int_equal(res[i].code, 250);
        assert_non_null(strstr(res[i].reply, "queued as"));
    }
    assert_int_equal(sink_count(&s, &conns), 10);
    assert_true(conns >= 1 && conns <= 2); /* connections were reused */
    m = sink_message(&s, 1);
    assert_non_null(m);
    assert_string_equal(m, BODY); /* dot-stuffing undone by the server */
    syn_free(m);
    sink_stop(&s);
}

/* Two connections, the first message to a recipient the server takes 1.5 s
 * to answer RCPT TO for: the other connection delivers every other message
 * meanwhile, and idle() is offered the wait. */
static void
test_slow_recipient_holds_one_connection(void **state)
{
    static const char *const extra[] = {"--slow-rcpt",
                                        "slow@example.org:1500", NULL};
    static const char *const rcpts[] = {
        "slow@example.org", "a@example.org", "b@example.org",
        "c@example.org",    "d@example.org", "e@example.org",
    };
    struct smtp_config cfg = {NULL, NULL, NULL, 2, 10000, NULL};
    struct smtp_message msgs[6];
    struct smtp_outcome res[6];
    struct smtp_client *c = NULL;
    struct job j = {msgs, res, 6, 0, 0, 0, 0, 0, false, {0}};
    const struct smtp_callbacks cb = {job_next, job_done, job_round, job_idle,
                                      &j};
    struct sink s;
    size_t i;

    (void)state;
    if (sink_start(&s, extra) != 0) {
        skip();
    }
    for (i = 0; i < 6; i++) {
        msgs[i].mail_from = "news@example.org";
        msgs[i].rcpt_to = rcpts[i];
        msgs[i].data = BODY;
        msgs[i].len = strlen(BODY);
    }
    cfg.url = s.url;
    assert_int_equal(smtp_client_new(&cfg, &c, NULL), SYN_OK);
    assert_int_equal(smtp_client_run(c, &cb, NULL), SYN_OK);
    smtp_client_free(c);
    assert_int_equal(j.done, 6);
    assert_int_equal(j.rounded, 6);
    assert_false(j.idle_open);
    for (i = 0; i < 6; i++) {
        assert_int_equal(res[i].result, SMTP_SENT);
    }
    /* the slow one, handed out first, finishes last */
    assert_int_equal(j.order[5], 0);
    assert_true(j.idles >= 1);
    assert_int_equal(sink_count(&s, NULL), 6);
    sink_stop(&s);
}

static void
test_failures_classified(void **state)
{
    static const char *const extra[] = {"--fail", "2:451", "--reject-rcpt",
                                        "gone@example.org:550", NULL};
    static const char *const rcpts[] = {
        "a@example.org", "b@example.org", "gone@example.org",
        "c@example.org", "bad address",   "d@example.org",
    };
    struct smtp_outcome res[6];
    struct sink s;
    int i, sent = 0, temp = 0, perm = 0;

    (void)state;
    if (sink_start(&s, extra) != 0) {
        skip();
    }
    assert_int_equal(send_all(s.url, 1, NULL, NULL, rcpts, 6, res), SYN_OK);
    for (i = 0; i < 6; i++) {
        sent += res[i].result == SMTP_SENT;
        temp += res[i].result == SMTP_TEMPFAIL;
        perm += res[i].result == SMTP_PERMFAIL;
    }
    assert_int_equal(sent, 3);
    assert_int_equal(temp, 1);
    assert_int_equal(perm, 2);
    /* One connection, in order: the 2nd DATA is b's. */
    assert_int_equal(res[1].result, SMTP_TEMPFAIL);
    assert_int_equal(res[1].code, 451);
    assert_non_null(strstr(res[1].reply, "Temporary failure"));
    assert_int_equal(res[2].result, SMTP_PERMFAIL);
    assert_int_equal(res[2].code, 550);
    assert_non_null(strstr(res[2].reply, "No such user"));
    assert_int_equal(res[4].result, SMTP_PERMFAIL); /* never sent */
    assert_int_equal(res[4].code, 0);
    assert_int_equal(sink_count(&s, NULL), 3);
    sink_stop(&s);
}

static void
test_refused_connection(void **state)
{
    struct smtp_outcome res[2];
    char url[64];

    (void)state;
    snprintf(url, sizeof(url), "smtp://127.0.0.1:%d", sink_closed_port());
    assert_int_equal(send_all(url, 2, NULL, NULL, ten, 2, res), SYN_OK);
    assert_int_equal(res[0].result, SMTP_TEMPFAIL);
    assert_int_equal(res[1].result, SMTP_TEMPFAIL);
    assert_true(res[0].reply[0] != '\0');
}

static void
test_auth(void **state)
{
    static const char *const extra[] = {"--auth", "mailer:s3cret", NULL};
    struct smtp_outcome res[3];
    struct sink s;
    int conns = 0;

    (void)state;
    if (sink_start(&s, extra) != 0) {
        skip();
    }
    assert_int_equal(send_all(s.url, 1, "mailer", "s3cret", ten, 3, res),
                     SYN_OK);
    assert_int_equal(res[2].result, SMTP_SENT);
    assert_int_equal(sink_count(&s, &conns), 3);
    assert_int_equal(conns, 1);
    /* A wrong password is a configuration problem: temporary, never a
     * bounce of the recipient. */
    assert_int_equal(send_all(s.url, 1, "mailer", "wrong", ten, 1, res),
                     SYN_OK);
    assert_int_equal(res[0].result, SMTP_TEMPFAIL);
    assert_int_equal(sink_count(&s, NULL), 3);
    sink_stop(&s);
}

static void
test_bad_config(void **state)
{
    struct smtp_config cfg = {"http://example.org", NULL, NULL, 1, 0, NULL};
    struct smtp_client *c = NULL;

    (void)state;
    assert_int_equal(smtp_client_new(&cfg, &c, NULL), SYN_EINVAL);
    cfg.url = "smtp://127.0.0.1:25";
    cfg.connections = 0;
    assert_int_equal(smtp_client_new(&cfg, &c, NULL), SYN_EINVAL);
    cfg.connections = 1000;
    assert_int_equal(smtp_client_new(&cfg, &c, NULL), SYN_EINVAL);
    assert_null(c);
}

static enum syn_status
refused_run(void *state)
{
    struct smtp_outcome res[1];

    return send_all(state, 2, "u", "p", ten, 1, res);
}

static void
test_alloc_failure(void **state)
{
    char url[64];

    (void)state;
    snprintf(url, sizeof(url), "smtp://127.0.0.1:%d", sink_closed_port());
    assert_true(test_alloc_failures(refused_run, url) > 1);
}

/* Where a password may go without TLS: only to this host. */
static void
test_loopback_urls(void **state)
{
    static const struct {
        const char *url;
        bool loopback;
    } cases[] = {
        {"smtp://127.0.0.1:2525", true},
        {"smtp://127.9.8.7", true},
        {"smtp://localhost:25", true},
        {"smtp://LocalHost", true},
        {"smtp://[::1]:587", true},
        {"smtp://mail.example.org:587", false},
        {"smtp://10.0.0.5", false},
        {"smtp://localhost.example.org", false},
        {"smtp://[2001:db8::1]", false},
        {"not a url", false},
    };
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        assert_int_equal(smtp_url_is_loopback(cases[i].url), cases[i].loopback);
    }
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_delivery_and_reuse),
        cmocka_unit_test(test_slow_recipient_holds_one_connection),
        cmocka_unit_test(test_failures_classified),
        cmocka_unit_test(test_refused_connection),
        cmocka_unit_test(test_auth),
        cmocka_unit_test(test_bad_config),
        cmocka_unit_test(test_loopback_urls),
        cmocka_unit_test(test_alloc_failure),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
