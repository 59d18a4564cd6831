/* SMTP submission through libcurl's multi interface (see smtp.h).
 * Each slot is one easy handle that lives as long as the client: libcurl
 * keeps its connection in the multi handle's cache after a message and
 * picks it up again for the next one to the same server, so EHLO,
 * STARTTLS and AUTH are paid once per connection, not once per message.
 *
 * The loop is libcurl's socket interface (curl_multi_socket_action) over
 * one poll(): a reply wakes only the transfer whose socket it came on, and
 * a slot whose message is finished gets its next one at once, whatever
 * the other slots are doing, so the connections do not fall into
 * lockstep. While every connection waits for the server, the caller's
 * idle() does work ahead (composing the next messages), so that the
 * sender's work overlaps the server's instead of adding to it.
 *
 * Limit (libcurl 7.88, seen with strace and in the slow-recipient test):
 * after the end of the data (".") libcurl's SMTP "done" phase waits for
 * the server's final reply in a blocking poll of that one connection
 * (up to the transfer's timeout), so every message ends with a round trip
 * during which no other connection advances and idle() is not called.
 * Replies to MAIL, RCPT and DATA are waited for without blocking. */
#include "mail/smtp.h"

#include <errno.h>
#include <poll.h>
#include <string.h>
#include <time.h>

#include <curl/curl.h>

#include "mail/mime.h"
#include "util/ascii.h"
#include "util/limits.h"
#include "util/mem.h"
#include "util/net.h"
#include "util/str.h"

struct smtp_slot {
    CURL *easy;                         /* kept for the client's life */
    struct curl_slist rcpt;             /* the one RCPT TO: one list node,
                                           set once, never freed by curl */
    struct smtp_message msg;            /* borrowed from next() until done() */
    size_t off;                         /* bytes of msg.data uploaded */
    bool busy;                          /* a message is in flight */
    char from[SYN_MAX_EMAIL_BYTES + 3]; /* "<addr>" as last given to curl */
    char from_addr[SYN_MAX_EMAIL_BYTES + 1]; /* the same, bare */
    char to[SYN_MAX_EMAIL_BYTES + 1];        /* rcpt.data points here */
    char reply[SYN_ERR_MSG_LEN];     /* last reply line from the server */
    char bad_reply[SYN_ERR_MSG_LEN]; /* last 4xx/5xx line (QUIT's 221 may
                                        follow it) */
    char errbuf[CURL_ERROR_SIZE];    /* libcurl's detail */
};

/* A socket libcurl asked us to watch (CURLMOPT_SOCKETFUNCTION). */
struct smtp_watch {
    curl_socket_t fd;
    short events; /* POLLIN / POLLOUT */
};

struct smtp_client {
    CURLM *multi;
    struct smtp_slot *slots; /* n_slots of them */
    int n_slots;
    struct smtp_watch *watch; /* n_watch used of cap_watch */
    int n_watch, cap_watch;
    bool watch_full;     /* a socket could not be watched: fail */
    int64_t deadline_ms; /* libcurl's timer (monotonic ms); -1: none */
    char *url;
    char *username;
    char *password; /* wiped on free */
    char *ca_file;  /* NULL: libcurl's default bundle */
    bool loopback;  /* the server is this host: AUTH without TLS is fine */
    long timeout_ms;
    bool smtps;
};

static int64_t
mono_ms(void)
{
    struct timespec ts;

    if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0)
        return 0;
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* CURLMOPT_SOCKETFUNCTION: keep c->watch in step with what libcurl wants
 * to hear about. */
static int
socket_cb(CURL *easy, curl_socket_t fd, int what, void *userp, void *socketp)
{
    struct smtp_client *c = userp;
    short ev = 0;
    int i;

    (void)easy;
    (void)socketp;
    for (i = 0; i < c->n_watch && c->watch[i].fd != fd; i++) {
    }
    if (what == CURL_POLL_REMOVE) {
        if (i < c->n_watch) {
            c->watch[i] = c->watch[--c->n_watch];
        }
        return 0;
    }
    if (what == CURL_POLL_IN || what == CURL_POLL_INOUT) {
        ev |= POLLIN;
    }
    if (what == CURL_POLL_OUT || what == CURL_POLL_INOUT) {
        ev |= POLLOUT;
    }
    if (i == c->n_watch) {
        if (c->n_watch == c->cap_watch) {
            c->watch_full = true; /* cannot happen: see smtp_client_new */
            return -1;
        }
        c->watch[c->n_watch++].fd = fd;
    }
    c->watch[i].events = ev;
    return 0;
}

/* CURLMOPT_TIMERFUNCTION: when libcurl wants to be called without I/O. */
static int
timer_cb(CURLM *multi, long timeout_ms, void *userp)
{
    struct smtp_client *c = userp;

    (void)multi;
    c->deadline_ms = timeout_ms < 0 ? -1 : mono_ms() + timeout_ms;
    return 0;
}

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

static void
client_fini_slots(struct smtp_client *c)
{
    int i;

    if (c->slots == NULL)
        return;
    for (i = 0; i < c->n_slots; i++) {
        struct smtp_slot *s = &c->slots[i];

        if (s->easy != NULL) {
            if (s->busy) {
                curl_multi_remove_handle(c->multi, s->easy);
            }
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
    if (c->multi != NULL) {
        curl_multi_cleanup(c->multi);
    }
    syn_free(c->watch);
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
    c->multi = curl_multi_init();
    c->slots = syn_calloc((size_t)c->n_slots, sizeof(*c->slots));
    /* At most MAXCONNECTS cached connections plus one being opened or
     * closed per slot. */
    c->cap_watch = 2 * c->n_slots + 2;
    c->watch = syn_calloc((size_t)c->cap_watch, sizeof(*c->watch));
    c->deadline_ms = -1;
    if (c->url == NULL || c->multi == NULL || c->slots == NULL ||
        c->watch == NULL) {
        st = SYN_ENOMEM;
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
    if (st == SYN_OK &&
        (curl_multi_setopt(c->multi, CURLMOPT_MAX_HOST_CONNECTIONS,
                           (long)c->n_slots) != CURLM_OK ||
         curl_multi_setopt(c->multi, CURLMOPT_MAXCONNECTS, (long)c->n_slots) !=
             CURLM_OK ||
         curl_multi_setopt(c->multi, CURLMOPT_SOCKETFUNCTION, socket_cb) !=
             CURLM_OK ||
         curl_multi_setopt(c->multi, CURLMOPT_SOCKETDATA, c) != CURLM_OK ||
         curl_multi_setopt(c->multi, CURLMOPT_TIMERFUNCTION, timer_cb) !=
             CURLM_OK ||
         curl_multi_setopt(c->multi, CURLMOPT_TIMERDATA, c) != CURLM_OK)) {
        st = SYN_EINVAL;
    }
    for (i = 0; st == SYN_OK && i < c->n_slots; i++) {
        st = slot_setup(c, &c->slots[i]);
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
slot_start(struct smtp_client *c, struct smtp_slot *s,
           const struct smtp_message *msg, struct smtp_outcome *res)
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
    if (rc != CURLE_OK ||
        curl_multi_add_handle(c->multi, s->easy) != CURLM_OK) {
        res->result = SMTP_TEMPFAIL;
        snprintf(res->reply, sizeof(res->reply), "libcurl refused the message");
        return SYN_ENOMEM;
    }
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
        if (slot_start(c, s, &msg, &res) == SYN_OK) {
            started++;
        } else {
            first_error(cb->done(cb->user, &msg, &res), "done", first, err);
            i--; /* the slot is still idle: offer it again */
        }
    }
    return started;
}

/* Hand every finished transfer to done(). Returns how many finished. */
static int
reap(struct smtp_client *c, const struct smtp_callbacks *cb, bool *in_round,
     enum syn_status *first, struct syn_err *err)
{
    int finished = 0;

    for (;;) {
        int left = 0;
        CURLMsg *m = curl_multi_info_read(c->multi, &left);
        struct smtp_slot *s = NULL;
        struct smtp_outcome res;

        if (m == NULL)
            break;
        if (m->msg != CURLMSG_DONE)
            continue;
        SYN_IGNORE(
            curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, (char **)&s));
        memset(&res, 0, sizeof(res));
        classify(s, m->data.result, &res);
        curl_multi_remove_handle(c->multi, s->easy);
        s->busy = false;
        finished++;
        *in_round = true;
        first_error(cb->done(cb->user, &s->msg, &res), "done", first, err);
    }
    return finished;
}

/* Wait at most wait_ms for the sockets or the timer, and let libcurl act
 * on what happened. SYN_ENET when poll() or libcurl fails. */
static enum syn_status
step(struct smtp_client *c, int wait_ms)
{
    struct pollfd pfd[2 * SYN_MAX_SMTP_CONNECTIONS + 2];
    int i, n, nfds = c->n_watch, running = 0;
    CURLMcode mc = CURLM_OK;
    int64_t now;

    if (c->deadline_ms >= 0) {
        int64_t left = c->deadline_ms - mono_ms();

        if (left < wait_ms) {
            wait_ms = left < 0 ? 0 : (int)left;
        }
    }
    for (i = 0; i < nfds; i++) {
        pfd[i].fd = c->watch[i].fd;
        pfd[i].events = c->watch[i].events;
        pfd[i].revents = 0;
    }
    n = poll(pfd, (nfds_t)nfds, wait_ms);
    if (n < 0 && errno != EINTR)
        return SYN_ENET;
    /* socket_action may change c->watch: act on the copy in pfd. */
    for (i = 0; n > 0 && i < nfds && mc == CURLM_OK; i++) {
        int mask = 0;

        if (pfd[i].revents == 0)
            continue;
        if (pfd[i].revents & (POLLIN | POLLHUP)) {
            mask |= CURL_CSELECT_IN;
        }
        if (pfd[i].revents & POLLOUT) {
            mask |= CURL_CSELECT_OUT;
        }
        if (pfd[i].revents & (POLLERR | POLLNVAL)) {
            mask |= CURL_CSELECT_ERR;
        }
        mc = curl_multi_socket_action(c->multi, pfd[i].fd, mask, &running);
    }
    now = mono_ms();
    if (mc == CURLM_OK && c->deadline_ms >= 0 && c->deadline_ms <= now) {
        c->deadline_ms = -1; /* libcurl sets it again if it needs it */
        mc = curl_multi_socket_action(c->multi, CURL_SOCKET_TIMEOUT, 0,
                                      &running);
    }
    return mc == CURLM_OK && !c->watch_full ? SYN_OK : SYN_ENET;
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
        /* Everything recorded so far is committed before more I/O. */
        end_round(cb, &in_round, &first, err);
        if (busy == 0)
            break;
        /* Look at the network without waiting while there is work to do
         * ahead, else wait for it (or libcurl's timer, at most 1 s). */
        if (step(c, ahead && first == SYN_OK ? 0 : 1000) != SYN_OK) {
            first_error(SYN_ENET, "poll", &first, err);
        }
        finished = reap(c, cb, &in_round, &first, err);
        busy -= finished;
        if (finished == 0 && ahead && first == SYN_OK) {
            bool more = false;

            in_round = true;
            first_error(cb->idle(cb->user, &more), "idle", &first, err);
            ahead = more;
        } else if (finished > 0) {
            ahead = cb->idle != NULL;
        }
        if (busy > 0 && c->n_watch == 0 && c->deadline_ms < 0) {
            /* Transfers in flight with nothing to wait for: cannot happen
             * (every transfer has its timeout timer), but never spin on
             * our own bug. */
            first_error(SYN_ENET, "stalled", &first, err);
            break;
        }
    }
    end_round(cb, &in_round, &first, err);
    return first;
}
