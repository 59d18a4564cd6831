/* SMTP submission through libcurl (see smtp.h).
 *
 * Each slot is one easy handle and one worker thread that live as long as
 * the client. The worker runs curl_easy_perform() for the message it is
 * handed; the easy handle keeps its connection between messages, so EHLO,
 * STARTTLS and AUTH are paid once per connection, not once per message.
 *
 * Why threads and not one multi handle: libcurl (7.88) waits for the
 * final reply to a message's data in a blocking poll of that connection
 * (its SMTP "done" phase), even under the multi interface. In one thread
 * that wait stops every other connection and the caller's work, so the
 * connections fall into lockstep and the end of every message is a round
 * trip during which nothing else happens. A thread per connection blocks
 * only itself.
 *
 * The callbacks (next, done, round, idle) all run in the thread that
 * calls smtp_client_run(); the workers touch only their slot's handle and
 * buffers, handed over under the client's mutex. A slot whose message is
 * done gets its next one as soon as the caller's round has recorded the
 * outcome; while every worker is busy, the caller's idle() works ahead. */
#include "mail/smtp.h"

#include <pthread.h>
#include <string.h>
#include <time.h>

#include <curl/curl.h>

#include "mail/mime.h"
#include "util/ascii.h"
#include "util/limits.h"
#include "util/mem.h"
#include "util/net.h"
#include "util/str.h"

enum slot_state {
    SLOT_IDLE = 0, /* owned by the caller's thread, no message */
    SLOT_WORK,     /* the worker sends s->msg */
    SLOT_DONE,     /* the worker has finished; s->rc is its result */
};

struct smtp_slot {
    CURL *easy;              /* kept for the client's life */
    struct curl_slist rcpt;  /* the one RCPT TO: one list node,
                                set once, never freed by curl */
    struct smtp_message msg; /* borrowed from next() until done() */
    size_t off;              /* bytes of msg.data uploaded */
    bool busy;               /* a message is in flight */
    enum slot_state state;   /* under c->mu */
    CURLcode rc;             /* the worker's result (SLOT_DONE) */
    pthread_cond_t go;       /* the worker waits for SLOT_WORK */
    pthread_t thread;
    bool have_thread;
    struct smtp_client *c;
    char from[SYN_MAX_EMAIL_BYTES + 3]; /* "<addr>" as last given to curl */
    char from_addr[SYN_MAX_EMAIL_BYTES + 1]; /* the same, bare */
    char to[SYN_MAX_EMAIL_BYTES + 1];        /* rcpt.data points here */
    char reply[SYN_ERR_MSG_LEN];     /* last reply line from the server */
    char bad_reply[SYN_ERR_MSG_LEN]; /* last 4xx/5xx line (QUIT's 221 may
                                        follow it) */
    char errbuf[CURL_ERROR_SIZE];    /* libcurl's detail */
};

struct smtp_client {
    struct smtp_slot *slots; /* n_slots of them */
    int n_slots;
    pthread_mutex_t mu;     /* guards slot states, n_done, quit */
    pthread_cond_t done_cv; /* a worker finished a message */
    bool have_sync;         /* mu and done_cv were initialised */
    int n_done;             /* slots in SLOT_DONE */
    bool quit;              /* workers exit */
    char *url;
    char *username;
    char *password; /* wiped on free */
    char *ca_file;  /* NULL: libcurl's default bundle */
    bool loopback;  /* the server is this host: AUTH without TLS is fine */
    long timeout_ms;
    bool smtps;
};

static size_t
read_cb(char *dst, size_t size, size_t nitems, void *userp)
{
    struct smtp_slot *s = userp;
    size_t want = size * nitems, left = s->msg.len - s->off;

    if (want > left) {
        want = left;
    }
    memcpy(dst, s->msg.data + s->off, want);
    s->off += want;
    return want;
}

bool
smtp_url_is_loopback(const char *url)
{
    CURLU *u = curl_url();
    char *host = NULL;
    enum net_addr_class cls = NET_ADDR_PUBLIC;
    bool local = false;

    if (u != NULL && curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK &&
        curl_url_get(u, CURLUPART_HOST, &host, 0) == CURLUE_OK) {
        size_t n = strlen(host);

        if (n >= 2 && host[0] == '[' && host[n - 1] == ']') {
            memmove(host, host + 1, n - 2);
            host[n - 2] = '\0';
        }
        local =
            str_casecmp(host, "localhost") == 0 ||
            (net_ip_class(host, &cls) == SYN_OK && cls == NET_ADDR_LOOPBACK);
    }
    curl_free(host);
    curl_url_cleanup(u);
    return local;
}

/* libcurl hands every SMTP reply line to the header callback; the last one
 * is the server's word on the message. */
static size_t
header_cb(char *line, size_t size, size_t nitems, void *userp)
{
    struct smtp_slot *s = userp;
    size_t n = size * nitems, i, j = 0;

    for (i = 0; i < n && j + 1 < sizeof(s->reply); i++) {
        unsigned char c = (unsigned char)line[i];

        if (c == '\r' || c == '\n')
            break;
        s->reply[j++] = ascii_iscntrl(c) || c >= 0x7f ? '?' : (char)c;
    }
    s->reply[j] = '\0';
    if (j >= 3 && (s->reply[0] == '4' || s->reply[0] == '5') &&
        ascii_isdigit(s->reply[1]) && ascii_isdigit(s->reply[2])) {
        memcpy(s->bad_reply, s->reply, j + 1);
    }
    return n;
}

/* A slot's thread: send each message it is handed. */
static void *
slot_worker(void *arg)
{
    struct smtp_slot *s = arg;
    struct smtp_client *c = s->c;

    pthread_mutex_lock(&c->mu);
    for (;;) {
        CURLcode rc;

        while (s->state != SLOT_WORK && !c->quit) {
            pthread_cond_wait(&s->go, &c->mu);
        }
        if (c->quit)
            break;
        pthread_mutex_unlock(&c->mu);
        rc = curl_easy_perform(s->easy);
        pthread_mutex_lock(&c->mu);
        s->rc = rc;
        s->state = SLOT_DONE;
        c->n_done++;
        pthread_cond_signal(&c->done_cv);
    }
    pthread_mutex_unlock(&c->mu);
    return NULL;
}

/* Stop the workers (smtp_client_run returns only when none is sending)
 * and free the slots. */
static void
client_fini_slots(struct smtp_client *c)
{
    int i;

    if (c->slots == NULL)
        return;
    if (c->have_sync) {
        pthread_mutex_lock(&c->mu);
        c->quit = true;
        for (i = 0; i < c->n_slots; i++) {
            pthread_cond_signal(&c->slots[i].go);
        }
        pthread_mutex_unlock(&c->mu);
    }
    for (i = 0; i < c->n_slots; i++) {
        struct smtp_slot *s = &c->slots[i];

        if (s->have_thread) {
            pthread_join(s->thread, NULL);
        }
        if (s->c != NULL) {
            pthread_cond_destroy(&s->go);
        }
        if (s->easy != NULL) {
            curl_easy_cleanup(s->easy);
        }
    }
    syn_free(c->slots);
    c->slots = NULL;
}

void
smtp_client_free(struct smtp_client *c)
{
    if (c == NULL)
        return;
    client_fini_slots(c);
    if (c->have_sync) {
        pthread_cond_destroy(&c->done_cv);
        pthread_mutex_destroy(&c->mu);
    }
    syn_free(c->url);
    syn_free(c->username);
    syn_free(c->ca_file);
    if (c->password != NULL) {
        memset(c->password, 0, strlen(c->password));
        syn_free(c->password);
    }
    syn_free(c);
    curl_global_cleanup();
}

static enum syn_status
slot_setup(struct smtp_client *c, struct smtp_slot *s)
{
    CURL *e = curl_easy_init();
    CURLcode rc = CURLE_OK;

    if (e == NULL)
        return SYN_ENOMEM;
    s->easy = e;
#define SET(opt, val)                                                          \
    do {                                                                       \
        if (rc == CURLE_OK)                                                    \
            rc = curl_easy_setopt(e, opt, val);                                \
    } while (0)
    SET(CURLOPT_URL, c->url);
    SET(CURLOPT_PROTOCOLS_STR, "smtp,smtps");
    SET(CURLOPT_NOSIGNAL, 1L);
    SET(CURLOPT_UPLOAD, 1L);
    SET(CURLOPT_READFUNCTION, read_cb);
    SET(CURLOPT_READDATA, s);
    SET(CURLOPT_HEADERFUNCTION, header_cb);
    SET(CURLOPT_HEADERDATA, s);
    SET(CURLOPT_ERRORBUFFER, s->errbuf);
    SET(CURLOPT_PRIVATE, s);
    /* The list is one node in the slot, its text rewritten per message
     * (libcurl reads it during the transfer only). */
    s->rcpt.data = s->to;
    s->rcpt.next = NULL;
    SET(CURLOPT_MAIL_RCPT, &s->rcpt);
    SET(CURLOPT_TIMEOUT_MS, c->timeout_ms);
    SET(CURLOPT_CONNECTTIMEOUT_MS, (long)SYN_SMTP_CONNECT_TIMEOUT_MS);
    /* RFC 3207: take STARTTLS when offered; smtps:// is TLS anyway. A
     * password goes out only over TLS: with AUTH to another host, a
     * server (or a man in the middle stripping the offer) that does not
     * do STARTTLS gets no mail rather than the password in clear. */
    if (!c->smtps) {
        SET(CURLOPT_USE_SSL,
            (long)(c->username != NULL && !c->loopback ? CURLUSESSL_ALL
                                                       : CURLUSESSL_TRY));
    }
    /* Verification stays on (libcurl's default, set anyway so that no
     * build default can turn it off); a private CA is trusted by file. */
    SET(CURLOPT_SSL_VERIFYPEER, 1L);
    SET(CURLOPT_SSL_VERIFYHOST, 2L);
    if (c->ca_file != NULL) {
        SET(CURLOPT_CAINFO, c->ca_file);
    }
    if (c->username != NULL) {
        SET(CURLOPT_USERNAME, c->username);
        SET(CURLOPT_PASSWORD, c->password != NULL ? c->password : "");
    }
#undef SET
    if (rc == CURLE_OUT_OF_MEMORY)
        return SYN_ENOMEM;
    return rc == CURLE_OK ? SYN_OK : SYN_EINVAL;
}

enum syn_status
smtp_client_new(const struct smtp_config *cfg, struct smtp_client **out,
                struct syn_err *err)
{
    struct smtp_client *c = NULL;
    enum syn_status st = SYN_OK;
    int i;

    if (cfg->url == NULL || (str_ncasecmp(cfg->url, "smtp://", 7) != 0 &&
                             str_ncasecmp(cfg->url, "smtps://", 8) != 0))
        return syn_err_set(err, SYN_EINVAL,
                           "mail URL must be smtp:// or smtps://");
    if (cfg->connections < 1 || cfg->connections > SYN_MAX_SMTP_CONNECTIONS)
        return syn_err_set(err, SYN_EINVAL, "mail connections must be 1..%d",
                           SYN_MAX_SMTP_CONNECTIONS);
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
        return syn_err_set(err, SYN_ENOMEM, "libcurl init failed");
    c = syn_calloc(1, sizeof(*c));
    if (c == NULL) {
        curl_global_cleanup();
        return syn_err_set(err, SYN_ENOMEM, "out of memory");
    }
    c->n_slots = cfg->connections;
    c->smtps = str_ncasecmp(cfg->url, "smtps://", 8) == 0;
    c->timeout_ms = cfg->timeout_ms > 0 ? cfg->timeout_ms : SYN_SMTP_TIMEOUT_MS;
    c->url = syn_strdup(cfg->url);
    c->loopback = smtp_url_is_loopback(cfg->url);
    c->slots = syn_calloc((size_t)c->n_slots, sizeof(*c->slots));
    if (c->url == NULL || c->slots == NULL) {
        st = SYN_ENOMEM;
    }
    if (st == SYN_OK) {
        if (pthread_mutex_init(&c->mu, NULL) != 0)
            st = SYN_ENOMEM;
        else if (pthread_cond_init(&c->done_cv, NULL) != 0) {
            pthread_mutex_destroy(&c->mu);
            st = SYN_ENOMEM;
        } else {
            c->have_sync = true;
        }
    }
    if (st == SYN_OK && cfg->username != NULL && *cfg->username != '\0') {
        c->username = syn_strdup(cfg->username);
        c->password = syn_strdup(cfg->password != NULL ? cfg->password : "");
        if (c->username == NULL || c->password == NULL) {
            st = SYN_ENOMEM;
        }
    }
    if (st == SYN_OK && cfg->ca_file != NULL && *cfg->ca_file != '\0' &&
        (c->ca_file = syn_strdup(cfg->ca_file)) == NULL) {
        st = SYN_ENOMEM;
    }
    for (i = 0; st == SYN_OK && i < c->n_slots; i++) {
        struct smtp_slot *s = &c->slots[i];

        if (pthread_cond_init(&s->go, NULL) != 0) {
            st = SYN_ENOMEM;
            break;
        }
        s->c = c;
        st = slot_setup(c, s);
        if (st == SYN_OK &&
            pthread_create(&s->thread, NULL, slot_worker, s) != 0) {
            st = SYN_ENOMEM;
        }
        s->have_thread = st == SYN_OK;
    }
    if (st != SYN_OK) {
        smtp_client_free(c);
        return syn_err_set(err, st, "smtp client: %s", syn_strerror(st));
    }
    *out = c;
    return SYN_OK;
}

/* Authentication refusals say nothing about the recipient. RFC 4954
 * section 6: 530, 534, 535, 538. */
static bool
auth_code(long code)
{
    return code == 530 || code == 534 || code == 535 || code == 538;
}

static void
classify(struct smtp_slot *s, CURLcode rc, struct smtp_outcome *res)
{
    long code = 0;

    SYN_IGNORE(curl_easy_getinfo(s->easy, CURLINFO_RESPONSE_CODE, &code));
    res->code = code;
    if (rc == CURLE_OK) {
        res->result = SMTP_SENT;
    } else if (code >= 500 && code < 600 && rc != CURLE_LOGIN_DENIED &&
               !auth_code(code)) {
        res->result = SMTP_PERMFAIL;
    } else {
        res->result = SMTP_TEMPFAIL;
    }
    if (rc != CURLE_OK && code >= 400 && s->bad_reply[0] != '\0') {
        snprintf(res->reply, sizeof(res->reply), "%s", s->bad_reply);
    } else if (rc != CURLE_OK) {
        snprintf(res->reply, sizeof(res->reply), "%s",
                 s->errbuf[0] != '\0' ? s->errbuf : curl_easy_strerror(rc));
    } else {
        snprintf(res->reply, sizeof(res->reply), "%s", s->reply);
    }
}

/* Put msg on the idle slot s. SYN_OK when it is in flight; else *res says
 * why it was refused before any byte went out. Per message only the
 * envelope and the size change on the kept handle. */
static enum syn_status
slot_start(struct smtp_slot *s, const struct smtp_message *msg,
           struct smtp_outcome *res)
{
    size_t to_len;
    CURLcode rc = CURLE_OK;

    memset(res, 0, sizeof(*res));
    if (mime_addr_check(msg->mail_from, NULL) != SYN_OK ||
        mime_addr_check(msg->rcpt_to, NULL) != SYN_OK ||
        (to_len = strlen(msg->rcpt_to)) >= sizeof(s->to)) {
        res->result = SMTP_PERMFAIL;
        snprintf(res->reply, sizeof(res->reply), "invalid envelope address");
        return SYN_EINVAL;
    }
    memcpy(s->to, msg->rcpt_to, to_len + 1);
    /* MAIL FROM is copied by libcurl: set it when it changes only. */
    if (strcmp(s->from_addr, msg->mail_from) != 0) {
        s->from_addr[0] = '\0';
        if (strlen(msg->mail_from) >= sizeof(s->from_addr)) {
            res->result = SMTP_PERMFAIL;
            snprintf(res->reply, sizeof(res->reply),
                     "invalid envelope address");
            return SYN_EINVAL;
        }
        snprintf(s->from, sizeof(s->from), "<%s>", msg->mail_from);
        rc = curl_easy_setopt(s->easy, CURLOPT_MAIL_FROM, s->from);
        if (rc == CURLE_OK) {
            memcpy(s->from_addr, msg->mail_from, strlen(msg->mail_from) + 1);
        }
    }
    s->msg = *msg;
    s->off = 0;
    s->reply[0] = '\0';
    s->bad_reply[0] = '\0';
    s->errbuf[0] = '\0';
    if (rc == CURLE_OK) {
        rc = curl_easy_setopt(s->easy, CURLOPT_INFILESIZE_LARGE,
                              (curl_off_t)msg->len);
    }
    if (rc != CURLE_OK) {
        res->result = SMTP_TEMPFAIL;
        snprintf(res->reply, sizeof(res->reply), "libcurl refused the message");
        return SYN_ENOMEM;
    }
    /* The worker is woken once the round is closed (smtp_client_run). */
    s->busy = true;
    return SYN_OK;
}

/* Close a round of callbacks (see smtp_round_fn), if one is open. */
static void
end_round(const struct smtp_callbacks *cb, bool *open, enum syn_status *first,
          struct syn_err *err)
{
    enum syn_status st;

    if (!*open)
        return;
    *open = false;
    if (cb->round == NULL)
        return;
    st = cb->round(cb->user);
    if (st != SYN_OK && *first == SYN_OK) {
        *first = syn_err_set(err, st, "smtp: round: %s", syn_strerror(st));
    }
}

static void
first_error(enum syn_status st, const char *what, enum syn_status *first,
            struct syn_err *err)
{
    if (st != SYN_OK && *first == SYN_OK) {
        *first = syn_err_set(err, st, "smtp: %s: %s", what, syn_strerror(st));
    }
}

/* Offer every idle slot a message from next(). Returns the messages put
 * in flight. */
static int
fill_slots(struct smtp_client *c, const struct smtp_callbacks *cb,
           bool *exhausted, bool *in_round, enum syn_status *first,
           struct syn_err *err)
{
    int i, started = 0;

    for (i = 0; i < c->n_slots && !*exhausted && *first == SYN_OK; i++) {
        struct smtp_slot *s = &c->slots[i];
        struct smtp_message msg;
        struct smtp_outcome res;
        bool have = false;
        enum syn_status st;

        if (s->busy)
            continue;
        memset(&msg, 0, sizeof(msg));
        *in_round = true;
        st = cb->next(cb->user, &msg, &have);
        if (st != SYN_OK) {
            first_error(st, "next message", first, err);
            break;
        }
        if (!have) {
            *exhausted = true;
            break;
        }
        if (slot_start(s, &msg, &res) == SYN_OK) {
            started++;
        } else {
            first_error(cb->done(cb->user, &msg, &res), "done", first, err);
            i--; /* the slot is still idle: offer it again */
        }
    }
    return started;
}

/* Hand every finished message to done() (c->mu held by the caller is
 * not needed: the slots in SLOT_DONE are collected under it first).
 * Returns how many finished. */
static int
reap(struct smtp_client *c, const struct smtp_callbacks *cb, bool *in_round,
     enum syn_status *first, struct syn_err *err)
{
    struct smtp_slot *fin[SYN_MAX_SMTP_CONNECTIONS];
    int i, n = 0;

    pthread_mutex_lock(&c->mu);
    for (i = 0; i < c->n_slots && c->n_done > 0; i++) {
        if (c->slots[i].state == SLOT_DONE) {
            c->slots[i].state = SLOT_IDLE;
            c->n_done--;
            fin[n++] = &c->slots[i];
        }
    }
    pthread_mutex_unlock(&c->mu);
    for (i = 0; i < n; i++) {
        struct smtp_slot *s = fin[i];
        struct smtp_outcome res;

        memset(&res, 0, sizeof(res));
        classify(s, s->rc, &res);
        s->busy = false;
        *in_round = true;
        first_error(cb->done(cb->user, &s->msg, &res), "done", first, err);
    }
    return n;
}

/* Hand the slots started this round to their workers. */
static void
launch(struct smtp_client *c)
{
    int i;

    pthread_mutex_lock(&c->mu);
    for (i = 0; i < c->n_slots; i++) {
        struct smtp_slot *s = &c->slots[i];

        if (s->busy && s->state == SLOT_IDLE) {
            s->state = SLOT_WORK;
            pthread_cond_signal(&s->go);
        }
    }
    pthread_mutex_unlock(&c->mu);
}

/* Wait until a worker has finished a message, at most one second. */
static void
wait_done(struct smtp_client *c)
{
    struct timespec until;

    pthread_mutex_lock(&c->mu);
    if (c->n_done == 0 && clock_gettime(CLOCK_REALTIME, &until) == 0) {
        until.tv_sec += 1;
        SYN_IGNORE(pthread_cond_timedwait(&c->done_cv, &c->mu, &until));
    }
    pthread_mutex_unlock(&c->mu);
}

static bool
any_done(struct smtp_client *c)
{
    bool yes;

    pthread_mutex_lock(&c->mu);
    yes = c->n_done > 0;
    pthread_mutex_unlock(&c->mu);
    return yes;
}

enum syn_status
smtp_client_run(struct smtp_client *c, const struct smtp_callbacks *cb,
                struct syn_err *err)
{
    enum syn_status first = SYN_OK;
    bool exhausted = false, in_round = false, ahead = cb->idle != NULL;
    int busy = 0;

    for (;;) {
        int finished;

        if (first == SYN_OK) {
            busy += fill_slots(c, cb, &exhausted, &in_round, &first, err);
        }
        /* Everything recorded so far is committed before any message
         * handed out in this round goes on the wire. */
        end_round(cb, &in_round, &first, err);
        launch(c);
        if (busy == 0)
            break;
        if (ahead && first == SYN_OK && !any_done(c)) {
            bool more = false;

            /* Every worker is sending: work ahead meanwhile. */
            in_round = true;
            first_error(cb->idle(cb->user, &more), "idle", &first, err);
            ahead = more;
            continue;
        }
        wait_done(c);
        finished = reap(c, cb, &in_round, &first, err);
        busy -= finished;
        if (finished > 0) {
            ahead = cb->idle != NULL;
        }
    }
    end_round(cb, &in_round, &first, err);
    return first;
}
