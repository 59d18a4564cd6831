/* mail/smtp against a real SMTP server (smtpsink.py on 127.0.0.1), with
 * and without PIPELINING on offer: delivery, dot-stuffing, connection
 * reuse, 4xx/5xx classification with the server's text, connections the
 * server closes between messages, timeouts, refused connections, AUTH,
 * invalid envelopes, connections that go at their own pace (a slow
 * recipient holds up only its own). */
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

/* A round() whose commit fails: the messages it closes must not go out. */
static enum syn_status
job_round_fails(void *user)
{
    struct job *j = user;

    j->rounds++;
    return SYN_EDB;
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

/* The sink's options for a mode: 0 one command at a time, 1 PIPELINING,
 * each after the options in extra (NULL-terminated, at most 8). */
static const char *const *
with_mode(const char **buf, const char *const *extra, int mode)
{
    int n = 0;

    while (extra != NULL && extra[n] != NULL && n < 8) {
        buf[n] = extra[n];
        n++;
    }
    if (mode == 1) {
        buf[n++] = "--pipelining";
    }
    buf[n] = NULL;
    return buf;
}

/* msgs[i]: bodies[i] (bodies NULL: BODY) to rcpts[i], for i < n. */
static void
fill_msgs(struct smtp_message *msgs, const char *const *rcpts,
          const char *const *bodies, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++) {
        msgs[i].mail_from = "news@example.org";
        msgs[i].rcpt_to = rcpts[i];
        msgs[i].data = bodies != NULL ? bodies[i] : BODY;
        msgs[i].len = strlen(msgs[i].data);
        msgs[i].cookie = NULL;
    }
}

/* Send n messages (bodies[i] to rcpts[i]; bodies NULL: BODY each) with
 * cfg; every one is done and recorded by a round. */
static enum syn_status
send_with(const struct smtp_config *cfg, const char *const *rcpts,
          const char *const *bodies, size_t n, struct smtp_outcome *res)
{
    struct smtp_message msgs[16];
    struct smtp_client *c = NULL;
    struct job j = {msgs, res, n, 0, 0, 0, 0, 0, false, {0}};
    const struct smtp_callbacks cb = {job_next, job_done, job_round, NULL, &j};
    enum syn_status st;

    assert_true(n <= 16);
    fill_msgs(msgs, rcpts, bodies, n);
    st = smtp_client_new(cfg, &c, NULL);
    if (st == SYN_OK) {
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

static enum syn_status
send_bodies(const char *url, int conns, long timeout_ms,
            const char *const *rcpts, const char *const *bodies, size_t n,
            struct smtp_outcome *res)
{
    struct smtp_config cfg = {url, NULL, NULL, conns, timeout_ms, NULL};

    return send_with(&cfg, rcpts, bodies, n, res);
}

static enum syn_status
send_all(const char *url, int conns, const char *user, const char *pass,
         const char *const *rcpts, size_t n, struct smtp_outcome *res)
{
    struct smtp_config cfg = {url, user, pass, conns, 5000, NULL};

    return send_with(&cfg, rcpts, NULL, n, res);
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
    const char *opts[10];
    int conns = 0, i, mode;
    char size_opt[32];
    char *m;

    (void)state;
    for (mode = 0; mode < 2; mode++) {
        if (sink_start(&s, with_mode(opts, NULL, mode)) != 0) {
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
        /* MAIL, RCPT and DATA in one write when the server allows it */
        assert_int_equal(sink_count_with(&s, "\"pipelined\": true"),
                         mode == 1 ? 10 : 0);
        /* the size declared (RFC 1870): the message's bytes */
        snprintf(size_opt, sizeof(size_opt), "\"SIZE=%zu\"", strlen(BODY));
        assert_int_equal(sink_count_with(&s, size_opt), 10);
        m = sink_message(&s, 1);
        assert_non_null(m);
        assert_string_equal(m, BODY); /* dot-stuffing undone by the server */
        syn_free(m);
        sink_stop(&s);
    }
}

/* Dots at the start of any line (the first, after an empty line, a line
 * of one dot), a body without its last line end, an empty body: the
 * server gets each message as it was. */
static void
test_dot_stuffing(void **state)
{
    static const char *const rcpts[] = {"a@example.org", "b@example.org",
                                        "c@example.org", "d@example.org"};
    static const char *const bodies[] = {
        ".first\r\n\r\n..two dots\r\n.\r\nend\r\n",
        "Subject: x\r\n\r\nno line end at the end",
        "Subject: y\r\n\r\n.",
        "",
    };
    static const char *const want[] = {
        ".first\r\n\r\n..two dots\r\n.\r\nend\r\n",
        "Subject: x\r\n\r\nno line end at the end\r\n",
        "Subject: y\r\n\r\n.\r\n",
        "\r\n",
    };
    struct smtp_outcome res[4];
    struct sink s;
    const char *opts[10];
    int mode, i;

    (void)state;
    for (mode = 0; mode < 2; mode++) {
        if (sink_start(&s, with_mode(opts, NULL, mode)) != 0) {
            skip();
        }
        assert_int_equal(send_bodies(s.url, 1, 5000, rcpts, bodies, 4, res),
                         SYN_OK);
        assert_int_equal(sink_count(&s, NULL), 4);
        for (i = 0; i < 4; i++) {
            char *m = sink_message(&s, i + 1);

            assert_int_equal(res[i].result, SMTP_SENT);
            assert_non_null(m);
            assert_string_equal(m, want[i]);
            syn_free(m);
        }
        sink_stop(&s);
    }
}

/* A message bigger than the server takes is refused at MAIL FROM, with
 * its declared SIZE, before any of its data goes out; the others pass. */
static void
test_size_refused_early(void **state)
{
    static const char *const extra[] = {"--size-limit", "100", NULL};
    static const char *const rcpts[] = {"a@example.org", "b@example.org"};
    char big[400];
    const char *bodies[2];
    struct smtp_outcome res[2];
    struct sink s;
    const char *opts[10];
    int mode;

    (void)state;
    memset(big, 'x', sizeof(big) - 3);
    memcpy(big + sizeof(big) - 3, "\r\n", 3);
    bodies[0] = big;
    bodies[1] = BODY;
    for (mode = 0; mode < 2; mode++) {
        if (sink_start(&s, with_mode(opts, extra, mode)) != 0) {
            skip();
        }
        assert_int_equal(send_bodies(s.url, 1, 5000, rcpts, bodies, 2, res),
                         SYN_OK);
        assert_int_equal(res[0].result, SMTP_PERMFAIL);
        assert_int_equal(res[0].code, 552);
        assert_int_equal(res[1].result, SMTP_SENT);
        assert_int_equal(sink_count(&s, NULL), 1);
        sink_stop(&s);
    }
}

/* The server closes connections between messages: with a 421 to MAIL
 * after three messages, or without a word after two. Each message goes
 * out once, on a new connection, and none fails. */
static void
test_server_closes_connection(void **state)
{
    static const char *const per[] = {"--per-connection", "3", NULL};
    static const char *const drop[] = {"--drop-after", "2", NULL};
    static const struct {
        const char *const *extra;
        int conns;
    } cases[] = {{per, 4}, {drop, 5}};
    const char *bodies[10];
    struct smtp_outcome res[10];
    struct sink s;
    const char *opts[10];
    size_t k;
    int mode, i, conns = 0;

    (void)state;
    for (i = 0; i < 10; i++) {
        bodies[i] = BODY;
    }
    for (k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
        for (mode = 0; mode < 2; mode++) {
            if (sink_start(&s, with_mode(opts, cases[k].extra, mode)) != 0) {
                skip();
            }
            assert_int_equal(send_bodies(s.url, 1, 5000, ten, bodies, 10, res),
                             SYN_OK);
            for (i = 0; i < 10; i++) {
                if (res[i].result != SMTP_SENT) {
                    print_message("case %zu mode %d message %d: %ld %s\n", k,
                                  mode, i, res[i].code, res[i].reply);
                }
                assert_int_equal(res[i].result, SMTP_SENT);
            }
            assert_int_equal(sink_count(&s, &conns), 10);
            assert_int_equal(conns, cases[k].conns);
            sink_stop(&s);
        }
    }
}

/* A server that does not answer in time: that message fails for now
 * (SMTP_TEMPFAIL, to be retried), its connection is dropped, and the
 * next messages go out on a new one. */
static void
test_timeout(void **state)
{
    static const char *const extra[] = {"--slow-rcpt", "slow@example.org:2000",
                                        NULL};
    static const char *const rcpts[] = {"slow@example.org", "a@example.org",
                                        "b@example.org"};
    static const char *const bodies[] = {BODY, BODY, BODY};
    struct smtp_outcome res[3];
    struct sink s;
    const char *opts[10];
    int mode, conns = 0;

    (void)state;
    for (mode = 0; mode < 2; mode++) {
        if (sink_start(&s, with_mode(opts, extra, mode)) != 0) {
            skip();
        }
        assert_int_equal(send_bodies(s.url, 1, 400, rcpts, bodies, 3, res),
                         SYN_OK);
        assert_int_equal(res[0].result, SMTP_TEMPFAIL);
        assert_non_null(strstr(res[0].reply, "timed out"));
        assert_int_equal(res[1].result, SMTP_SENT);
        assert_int_equal(res[2].result, SMTP_SENT);
        assert_int_equal(sink_count(&s, &conns), 2);
        assert_int_equal(conns, 1); /* both on the second connection */
        sink_stop(&s);
    }
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
    fill_msgs(msgs, rcpts, NULL, 6);
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
    const char *opts[10];
    int mode;

    (void)state;
    for (mode = 0; mode < 2; mode++) {
        int i, sent = 0, temp = 0, perm = 0;

        if (sink_start(&s, with_mode(opts, extra, mode)) != 0) {
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
        /* refused at RCPT (pipelined, DATA's refusal that follows is not
         * the outcome); the next message starts with RSET */
        assert_int_equal(res[2].result, SMTP_PERMFAIL);
        assert_int_equal(res[2].code, 550);
        assert_non_null(strstr(res[2].reply, "No such user"));
        assert_int_equal(res[3].result, SMTP_SENT);
        assert_int_equal(res[4].result, SMTP_PERMFAIL); /* never sent */
        assert_int_equal(res[4].code, 0);
        assert_int_equal(sink_count(&s, NULL), 3);
        sink_stop(&s);
    }
}

/* A server slow to greet: the connections are opened one after the
 * other (each blocks for 0.8 s), which must not eat into the time of the
 * messages already handed out: each one's time starts when its own
 * connection is open, so all go out once, none failed after its data. */
static void
test_slow_connects_keep_time(void **state)
{
    static const char *const extra[] = {"--greet-delay-ms", "800", NULL};
    struct smtp_outcome res[3];
    struct sink s;
    const char *opts[10];
    int i;

    (void)state;
    if (sink_start(&s, with_mode(opts, extra, 1)) != 0) {
        skip();
    }
    assert_int_equal(send_bodies(s.url, 3, 1500, ten, NULL, 3, res), SYN_OK);
    for (i = 0; i < 3; i++) {
        assert_int_equal(res[i].result, SMTP_SENT);
    }
    assert_int_equal(sink_count(&s, NULL), 3);
    sink_stop(&s);
}

/* A server that answers every connection with a refusal (a blocklist's
 * "554" greeting): every message fails for now, with no reply code (the
 * server cannot be used, the recipients are not at fault) and the
 * server's words. */
static void
test_greeting_refused(void **state)
{
    struct sockaddr_in a;
    socklen_t alen = sizeof(a);
    struct smtp_outcome res[2];
    char url[64];
    pid_t pid;
    int fd = socket(AF_INET, SOCK_STREAM, 0), i;

    (void)state;
    memset(&a, 0, sizeof(a));
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    assert_true(fd >= 0);
    assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
    assert_int_equal(listen(fd, 8), 0);
    assert_int_equal(getsockname(fd, (struct sockaddr *)&a, &alen), 0);
    pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        for (;;) {
            static const char no[] = "554 5.7.1 Client host blocked\r\n";
            int c = accept(fd, NULL, NULL);

            if (c < 0)
                _exit(0);
            if (write(c, no, sizeof(no) - 1) < 0)
                _exit(0);
            close(c);
        }
    }
    close(fd);
    snprintf(url, sizeof(url), "smtp://127.0.0.1:%d", ntohs(a.sin_port));
    assert_int_equal(send_all(url, 2, NULL, NULL, ten, 2, res), SYN_OK);
    kill(pid, SIGTERM);
    waitpid(pid, NULL, 0);
    for (i = 0; i < 2; i++) {
        assert_int_equal(res[i].result, SMTP_TEMPFAIL);
        assert_int_equal(res[i].code, 0);
        assert_non_null(strstr(res[i].reply, "Client host blocked"));
    }
}

/* round() fails for the round that hands out the first messages (their
 * claims could not be committed): none of them is sent, each is still
 * done() once, and the run returns the error. */
static void
test_round_failure_sends_nothing(void **state)
{
    struct smtp_config cfg = {NULL, NULL, NULL, 2, 5000, NULL};
    struct smtp_message msgs[3];
    struct smtp_outcome res[3];
    struct smtp_client *c = NULL;
    struct job j = {msgs, res, 3, 0, 0, 0, 0, 0, false, {0}};
    const struct smtp_callbacks cb = {job_next, job_done, job_round_fails,
                                      NULL, &j};
    struct sink s;
    int i;

    (void)state;
    if (sink_start(&s, NULL) != 0) {
        skip();
    }
    fill_msgs(msgs, ten, NULL, 3);
    cfg.url = s.url;
    assert_int_equal(smtp_client_new(&cfg, &c, NULL), SYN_OK);
    assert_int_equal(smtp_client_run(c, &cb, NULL), SYN_EDB);
    smtp_client_free(c);
    assert_int_equal(j.done, (int)j.next); /* every one handed out */
    for (i = 0; i < j.done; i++) {
        assert_int_equal(res[i].result, SMTP_TEMPFAIL);
        assert_non_null(strstr(res[i].reply, "not sent"));
    }
    assert_int_equal(sink_count(&s, NULL), 0);
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

static enum syn_status
pipelined_run(void *state)
{
    struct smtp_outcome res[3];

    return send_all(state, 2, NULL, NULL, ten, 3, res);
}

static void
test_alloc_failure(void **state)
{
    static const char *const extra[] = {"--pipelining", NULL};
    char url[64];
    struct sink s;

    (void)state;
    snprintf(url, sizeof(url), "smtp://127.0.0.1:%d", sink_closed_port());
    assert_true(test_alloc_failures(refused_run, url) > 1);
    /* and with messages on the wire: each failure is a message's, or the
     * run's, never a crash or a leak */
    if (sink_start(&s, extra) != 0) {
        skip();
    }
    assert_true(test_alloc_failures(pipelined_run, s.url) > 1);
    sink_stop(&s);
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
        cmocka_unit_test(test_dot_stuffing),
        cmocka_unit_test(test_size_refused_early),
        cmocka_unit_test(test_server_closes_connection),
        cmocka_unit_test(test_timeout),
        cmocka_unit_test(test_slow_recipient_holds_one_connection),
        cmocka_unit_test(test_failures_classified),
        cmocka_unit_test(test_refused_connection),
        cmocka_unit_test(test_greeting_refused),
        cmocka_unit_test(test_slow_connects_keep_time),
        cmocka_unit_test(test_round_failure_sends_nothing),
        cmocka_unit_test(test_auth),
        cmocka_unit_test(test_bad_config),
        cmocka_unit_test(test_loopback_urls),
        cmocka_unit_test(test_alloc_failure),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
