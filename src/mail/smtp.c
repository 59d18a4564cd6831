/* SMTP submission through libcurl (see smtp.h).
 *
 * libcurl opens each connection (CURLOPT_CONNECT_ONLY): the TCP connect,
 * TLS for smtps://, the greeting, EHLO, STARTTLS and AUTH. The mail
 * transactions on that connection -- MAIL FROM, RCPT TO, DATA, the
 * dot-stuffed message and its final "." -- are written and read here,
 * with curl_easy_send() and curl_easy_recv(), by one thread that waits on
 * every connection at once in poll().
 *
 * Why not libcurl's own SMTP transfer: libcurl (7.88) waits for the reply
 * to a message's final "." in a blocking poll of that one connection (its
 * SMTP "done" phase), even under the multi interface, so one thread could
 * not keep several connections busy; a thread per connection could, but
 * every reply then put a thread to sleep and woke it again, seven context
 * switches per message. Here a message costs two round trips when the
 * server offers PIPELINING (RFC 2920): MAIL, RCPT and DATA in one write,
 * then the message and "."; four otherwise (one command at a time).
 *
 * Opening a connection (libcurl's curl_easy_perform) blocks this thread
 * for the connect and the greeting, once per connection; a message's
 * timeout starts once its connection is open, and the time spent opening
 * other connections is not counted against it. A reused connection found
 * closed while a message's envelope is under way (an MTA's idle timeout,
 * "421" to MAIL when it has taken its count of messages per connection)
 * is opened again and the message sent on the new one; no byte of the
 * data has gone out then. Once the data may have been taken, a failure
 * is the message's outcome (SMTP_TEMPFAIL), never a second copy; the
 * data is not sent at all when the message's time is up, and the reply
 * to its final "." gets the ten minutes of RFC 5321 4.5.3.2.6. */
#include "mail/smtp.h"

#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include <curl/curl.h>

#include "util/ascii.h"
#include "util/buf.h"
#include "util/limits.h"
#include "util/mem.h"
#include "util/net.h"
#include "util/str.h"

#include "mail/mime.h"

/* Where a slot's message is. */
enum slot_phase {
    PHASE_IDLE = 0, /* no message */
    PHASE_READY,    /* handed out this round, not yet on the wire */
    PHASE_ENVELOPE, /* [RSET,] MAIL, RCPT, DATA: waiting for replies */
    PHASE_DATA,     /* the message and "." sent: waiting for the reply */
    PHASE_DRAIN,    /* DATA took after a refused envelope: "." sent */
    PHASE_DONE,     /* the outcome is known (res) */
};

/* The envelope commands of one message, in order. */
enum step {
    STEP_RSET = 0,
    STEP_MAIL,
    STEP_RCPT,
    STEP_DATA,
};

struct smtp_slot {
    CURL *easy;       /* NULL: no connection */
    curl_socket_t fd; /* the connection's socket */
    bool pipelining;  /* the server offers PIPELINING (RFC 2920) */
    bool size_ext;    /* the server offers SIZE (RFC 1870) */
    bool reused;      /* the connection carried an earlier message */
    bool need_rset;   /* the last transaction was cut short */
    enum slot_phase phase;
    struct smtp_message msg; /* borrowed from next() until done() */
    struct smtp_outcome res; /* the first failure, or the final reply */
    bool failed;             /* res holds a failure */
    bool replied;            /* the server answered a command of msg */
    enum step steps[4];      /* this message's envelope commands */
    int n_steps, sent, answered;
    struct buf out; /* bytes to send; appended to only when empty */
    size_t out_off; /* bytes of out already sent */
    char in[SYN_SMTP_REPLY_LINE_BYTES]; /* a reply line being read */
    size_t in_len;
    long last_code;    /* code of the last reply line read */
    int64_t deadline_ms;/* the message's timeout (monotonic ms) */
    unsigned conn_gen; /* counts the connections dropped */
    struct smtp_client *c;
    char errbuf[CURL_ERROR_SIZE]; /* libcurl's detail while connecting */
    char conn_reply[SYN_ERR_MSG_LEN]; /* last reply line while connecting */
};

struct smtp_client {
    struct smtp_slot *slots; /* n_slots of them */
    int n_slots;
    char *url;
    char *username;
    char *password; /* wiped on free */
    char *ca_file;  /* NULL: libcurl's default bundle */
    bool loopback;  /* the server is this host: AUTH without TLS is fine */
    long timeout_ms;
    bool smtps;
};

static int64_t
now_ms(void)
{
    struct timespec ts;

    (void)clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
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

/* Copy a reply line into out without its line end, controls as '?'. */
static void
copy_reply(char out[SYN_ERR_MSG_LEN], const char *line, size_t n)
{
    size_t i, j = 0;

    for (i = 0; i < n && j + 1 < SYN_ERR_MSG_LEN; i++) {
        unsigned char ch = (unsigned char)line[i];

        if (ch == '\r' || ch == '\n')
            break;
        out[j++] = ascii_iscntrl(ch) || ch >= 0x7f ? '?' : (char)ch;
    }
    out[j] = '\0';
}

/* Whether the EHLO reply line[0..n) offers the extension name. */
static bool
offers(const char *line, size_t n, const char *name)
{
    size_t k = strlen(name);

    return n >= 4 + k && memcmp(line, "250", 3) == 0 &&
           (line[3] == '-' || line[3] == ' ') &&
           str_ncasecmp(line + 4, name, k) == 0 &&
           (n == 4 + k || line[4 + k] == '\r' || line[4 + k] == '\n' ||
            line[4 + k] == ' ');
}

/* While libcurl opens a connection it hands every reply line to the
 * header callback: the last EHLO reply says which extensions are on
 * offer (a 220 -- the greeting, or STARTTLS going ahead -- starts over). */
static size_t
header_cb(char *line, size_t size, size_t nitems, void *userp)
{
    struct smtp_slot *s = userp;
    size_t n = size * nitems;

    copy_reply(s->conn_reply, line, n);
    if (n >= 3 && memcmp(line, "220", 3) == 0) {
        s->pipelining = false;
        s->size_ext = false;
    } else if (offers(line, n, "PIPELINING")) {
        s->pipelining = true;
    } else if (offers(line, n, "SIZE")) {
        s->size_ext = true;
    }
    return n;
}

/* Close s's connection (if any). polite: between messages, say QUIT
 * first (without waiting for the 221: the server has nothing more to say
 * that matters); else the session is broken or cut short. libcurl itself
 * says nothing on a CONNECT_ONLY connection. */
static void
slot_close(struct smtp_slot *s, bool polite)
{
    if (s->easy == NULL)
        return;
    if (polite) {
        size_t n = 0;

        SYN_IGNORE(curl_easy_send(s->easy, "QUIT\r\n", 6, &n));
    }
    if (s->fd != CURL_SOCKET_BAD) {
        (void)shutdown(s->fd, SHUT_RDWR);
    }
    curl_easy_cleanup(s->easy);
    s->easy = NULL;
    s->conn_gen++;
    s->fd = CURL_SOCKET_BAD;
    s->reused = false;
    s->need_rset = false;
    s->in_len = 0;
    buf_reset(&s->out);
    s->out_off = 0;
}

static void
client_fini_slots(struct smtp_client *c)
{
    int i;

    if (c->slots == NULL)
        return;
    for (i = 0; i < c->n_slots; i++) {
        slot_close(&c->slots[i], c->slots[i].phase == PHASE_IDLE);
        buf_fini(&c->slots[i].out);
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

/* A new easy handle for one connection of s. */
static CURLcode
slot_handle(struct smtp_client *c, struct smtp_slot *s)
{
    CURL *e = curl_easy_init();
    CURLcode rc = CURLE_OK;

    if (e == NULL)
        return CURLE_OUT_OF_MEMORY;
    s->easy = e;
#define SET(opt, val)                                                          \
    do {                                                                       \
        if (rc == CURLE_OK)                                                    \
            rc = curl_easy_setopt(e, opt, val);                                \
    } while (0)
    SET(CURLOPT_URL, c->url);
    SET(CURLOPT_PROTOCOLS_STR, "smtp,smtps");
    SET(CURLOPT_CONNECT_ONLY, 1L);
    SET(CURLOPT_NOSIGNAL, 1L);
    SET(CURLOPT_HEADERFUNCTION, header_cb);
    SET(CURLOPT_HEADERDATA, s);
    SET(CURLOPT_ERRORBUFFER, s->errbuf);
    SET(CURLOPT_TIMEOUT_MS, c->timeout_ms);
    SET(CURLOPT_CONNECTTIMEOUT_MS, (long)SYN_SMTP_CONNECT_TIMEOUT_MS);
    /* libcurl's own waits for a reply (the QUIT when a connection is
     * closed among them) get the message timeout too, not 120 s. */
    SET(CURLOPT_SERVER_RESPONSE_TIMEOUT,
        c->timeout_ms >= 2000 ? c->timeout_ms / 1000 : 1L);
    /* RFC 3207: take STARTTLS when offered; smtps:// is TLS anyway. A
     * password goes out only over TLS: with AUTH to another host, a
     * server (or a man in the middle stripping the offer) that does not
     * do STARTTLS gets no mail rather than the password in clear. On this
     * host TLS protects nothing, and a local MTA's STARTTLS usually comes
     * with a certificate that cannot verify (Debian's Postfix: the
     * self-signed "snakeoil" one, not for "localhost"), so it is only
     * taken when a ca_file says which certificate to trust. */
    if (!c->smtps) {
        long use_ssl = CURLUSESSL_TRY;

        if (c->loopback && c->ca_file == NULL) {
            use_ssl = CURLUSESSL_NONE;
        } else if (c->username != NULL && !c->loopback) {
            use_ssl = CURLUSESSL_ALL;
        }
        SET(CURLOPT_USE_SSL, use_ssl);
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
    return rc;
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

        s->c = c;
        s->fd = CURL_SOCKET_BAD;
        /* the message, dot-stuffed (at most doubled), and the envelope */
        buf_init(&s->out, 2 * (size_t)SYN_MAX_MESSAGE_BYTES + 4096);
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

/* The message on s is finished with res as it stands; a connection
 * still open will carry the next one. */
static void
finish(struct smtp_slot *s)
{
    s->phase = PHASE_DONE;
    s->reused = s->easy != NULL;
}

/* The message on s failed without a usable reply (the connection broke,
 * the server said nothing in time, or libcurl could not open it):
 * SMTP_TEMPFAIL, code the last reply of the message (0: none), and the
 * connection is dropped. */
static void
fail_transport(struct smtp_slot *s, const char *why)
{
    if (s->phase == PHASE_DONE) {
        /* closed after the message's last reply: its outcome stands, the
         * next message opens a new connection */
        slot_close(s, false);
        return;
    }
    if (!s->failed) {
        s->res.result = SMTP_TEMPFAIL;
        s->res.code = s->replied ? s->last_code : 0;
        snprintf(s->res.reply, sizeof(s->res.reply), "%s", why);
        s->failed = true;
    }
    slot_close(s, false);
    finish(s);
}

/* A reply that refuses: 4xx -> SMTP_TEMPFAIL, 5xx -> SMTP_PERMFAIL. The
 * first refusal of a transaction is its outcome. */
static void
fail_reply(struct smtp_slot *s, long code, const char *line, size_t n)
{
    if (s->failed)
        return;
    s->res.result = code >= 500 && code < 600 && !auth_code(code)
                        ? SMTP_PERMFAIL
                        : SMTP_TEMPFAIL;
    s->res.code = code;
    copy_reply(s->res.reply, line, n);
    s->failed = true;
}

/* Append the command of step i of s's envelope to s->out. */
static enum syn_status
append_step(struct smtp_slot *s, int i)
{
    switch (s->steps[i]) {
    case STEP_RSET:
        return buf_append(&s->out, "RSET\r\n", 6);
    case STEP_MAIL:
        /* With SIZE, a server refuses a message too big for it here
         * rather than after the data. */
        if (s->size_ext)
            return buf_printf(&s->out, "MAIL FROM:<%s> SIZE=%zu\r\n",
                              s->msg.mail_from, s->msg.len);
        return buf_printf(&s->out, "MAIL FROM:<%s>\r\n", s->msg.mail_from);
    case STEP_RCPT:
        return buf_printf(&s->out, "RCPT TO:<%s>\r\n", s->msg.rcpt_to);
    case STEP_DATA:
        return buf_append(&s->out, "DATA\r\n", 6);
    }
    return SYN_EINVAL;
}

/* Append s's message to s->out, dot-stuffed (RFC 5321 4.5.2), then
 * the final ".". */
static enum syn_status
append_data(struct smtp_slot *s)
{
    const char *p = s->msg.data, *end = p + s->msg.len;
    enum syn_status st = SYN_OK;

    while (st == SYN_OK && p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *line_end = nl != NULL ? nl + 1 : end;

        if (*p == '.') {
            st = buf_append_char(&s->out, '.');
        }
        if (st == SYN_OK) {
            st = buf_append(&s->out, p, (size_t)(line_end - p));
        }
        p = line_end;
    }
    if (st == SYN_OK &&
        (s->msg.len < 2 || end[-2] != '\r' || end[-1] != '\n')) {
        st = buf_append(&s->out, "\r\n", 2);
    }
    if (st == SYN_OK) {
        st = buf_append(&s->out, ".\r\n", 3);
    }
    return st;
}

static void retry_or_fail(struct smtp_client *c, struct smtp_slot *s,
                          const char *why);

/* Send what s->out holds, as far as the socket takes it now. false when
 * the connection failed (the message is then finished or started over
 * on a new connection). */
static bool
flush_out(struct smtp_client *c, struct smtp_slot *s)
{
    while (s->out_off < s->out.len) {
        size_t n = 0;
        CURLcode rc = curl_easy_send(s->easy, s->out.data + s->out_off,
                                     s->out.len - s->out_off, &n);

        if (rc == CURLE_AGAIN)
            return true;
        if (rc != CURLE_OK) {
            retry_or_fail(c, s, curl_easy_strerror(rc));
            return false;
        }
        s->out_off += n;
    }
    buf_reset(&s->out);
    s->out_off = 0;
    return true;
}

/* What queue() puts on the wire after a reply. */
enum more {
    MORE_STEP, /* the next envelope command (no PIPELINING) */
    MORE_DATA, /* the message and "." */
    MORE_END,  /* "." alone: the envelope was refused after all */
};

/* Queue and send the next bytes for s. They are appended only when
 * nothing is pending, so that a partial TLS write is always retried from
 * the same buffer: the server answers a command only once it has it. */
static void
queue(struct smtp_client *c, struct smtp_slot *s, enum more what)
{
    enum syn_status st;

    if (s->out.len != 0) {
        fail_transport(s, "smtp: the server answered before the command "
                          "was sent");
        return;
    }
    switch (what) {
    case MORE_STEP:
        st = append_step(s, s->sent++);
        break;
    case MORE_DATA:
        st = append_data(s);
        break;
    case MORE_END:
    default:
        st = buf_append(&s->out, ".\r\n", 3);
        break;
    }
    if (st != SYN_OK) {
        buf_reset(&s->out);
        fail_transport(s, syn_strerror(st));
        return;
    }
    SYN_IGNORE(flush_out(c, s));
}

/* Open a connection for s with libcurl: connect, greeting, EHLO,
 * STARTTLS, AUTH. false (and the message finished) on failure. */
static bool
slot_connect(struct smtp_client *c, struct smtp_slot *s)
{
    CURLcode rc;
    long code = 0;
    int64_t t0 = now_ms(), spent;
    int i;

    s->errbuf[0] = '\0';
    s->conn_reply[0] = '\0';
    s->pipelining = false;
    s->size_ext = false;
    rc = slot_handle(c, s);
    if (rc == CURLE_OK) {
        rc = curl_easy_perform(s->easy);
    }
    /* The other connections were not looked at meanwhile: the time this
     * thread spent here is not their servers' to answer in. */
    spent = now_ms() - t0;
    for (i = 0; i < c->n_slots; i++) {
        struct smtp_slot *o = &c->slots[i];

        if (o != s && o->phase >= PHASE_ENVELOPE && o->phase != PHASE_DONE) {
            o->deadline_ms += spent;
        }
    }
    if (rc == CURLE_OK) {
        rc = curl_easy_getinfo(s->easy, CURLINFO_ACTIVESOCKET, &s->fd);
    }
    if (rc == CURLE_OK && s->fd != CURL_SOCKET_BAD)
        return true;
    if (s->easy != NULL) {
        SYN_IGNORE(curl_easy_getinfo(s->easy, CURLINFO_RESPONSE_CODE, &code));
    }
    /* Whatever went wrong -- no connection, TLS, a greeting or EHLO
     * refused (a blocklist), AUTH -- is the session's problem, not the
     * recipient's: a temporary failure with no reply code, which tells
     * the caller the server cannot be used now. */
    s->res.result = SMTP_TEMPFAIL;
    s->res.code = 0;
    if (code >= 400 && s->conn_reply[0] != '\0') {
        snprintf(s->res.reply, sizeof(s->res.reply), "connecting: %.200s",
                 s->conn_reply);
    } else {
        snprintf(s->res.reply, sizeof(s->res.reply), "%s",
                 s->errbuf[0] != '\0' ? s->errbuf : curl_easy_strerror(rc));
    }
    s->failed = true;
    slot_close(s, false);
    finish(s);
    return false;
}

/* Put s's message on the wire: open the connection if need be, send the
 * envelope (all of it at once with PIPELINING, else its first command). */
static void
slot_begin(struct smtp_client *c, struct smtp_slot *s)
{
    int i;

    if (s->easy == NULL && !slot_connect(c, s))
        return;
    s->deadline_ms = now_ms() + c->timeout_ms;
    s->n_steps = 0;
    if (s->need_rset) {
        s->steps[s->n_steps++] = STEP_RSET;
        s->need_rset = false;
    }
    s->steps[s->n_steps++] = STEP_MAIL;
    s->steps[s->n_steps++] = STEP_RCPT;
    s->steps[s->n_steps++] = STEP_DATA;
    s->sent = 0;
    s->answered = 0;
    s->replied = false;
    s->phase = PHASE_ENVELOPE;
    buf_reset(&s->out);
    s->out_off = 0;
    for (i = 0; i < (s->pipelining ? s->n_steps : 1); i++) {
        enum syn_status st = append_step(s, i);

        if (st != SYN_OK) {
            buf_reset(&s->out);
            fail_transport(s, syn_strerror(st));
            return;
        }
        s->sent++;
    }
    SYN_IGNORE(flush_out(c, s));
}

/* The connection of s broke, or the server is closing it (421). While
 * the envelope is under way no byte of the data has gone out: on a
 * connection that carried earlier messages (closed meanwhile by the
 * server), open a new one and start again; else the message fails. */
static void
retry_or_fail(struct smtp_client *c, struct smtp_slot *s, const char *why)
{
    if (s->reused && s->phase == PHASE_ENVELOPE && !s->failed) {
        slot_close(s, false);
        slot_begin(c, s);
        return;
    }
    fail_transport(s, why);
}

/* One complete reply (its last line) for s. */
static void
on_reply(struct smtp_client *c, struct smtp_slot *s, long code,
         const char *line, size_t n)
{
    bool ok = code >= 200 && code < 300;
    enum step step;

    switch (s->phase) {
    case PHASE_ENVELOPE:
        if (code == 421 && s->reused && !s->failed) {
            retry_or_fail(c, s, "421 from the server");
            return;
        }
        step = s->steps[s->answered++];
        if (step == STEP_RSET && !ok) {
            /* a session that will not reset: start over on a new one */
            retry_or_fail(c, s, "RSET refused");
            return;
        }
        s->replied = true;
        if (step == STEP_DATA && code == 354) {
            if (!s->failed && now_ms() >= s->deadline_ms) {
                /* too late to start the data; nothing of it went out */
                fail_transport(s, "smtp: timed out waiting for the server");
                return;
            }
            /* With the envelope refused, end the data at once: the
             * server has no recipient to give it to. Once "." is sent,
             * the server may take its time (RFC 5321 4.5.3.2.6). */
            s->phase = s->failed ? PHASE_DRAIN : PHASE_DATA;
            if (!s->failed &&
                s->deadline_ms < now_ms() + SYN_SMTP_DATA_END_TIMEOUT_MS) {
                s->deadline_ms = now_ms() + SYN_SMTP_DATA_END_TIMEOUT_MS;
            }
            queue(c, s, s->failed ? MORE_END : MORE_DATA);
            return;
        }
        if (!ok || step == STEP_DATA) {
            fail_reply(s, code, line, n);
        }
        if (code == 421) {
            fail_transport(s, "");
            return;
        }
        if (s->answered < s->sent)
            return; /* pipelined replies still to come */
        if (!s->failed && s->sent < s->n_steps) {
            queue(c, s, MORE_STEP);
            return;
        }
        /* Refused before the data: the next message starts with RSET. */
        s->need_rset = true;
        finish(s);
        return;
    case PHASE_DATA:
        if (ok) {
            s->res.result = SMTP_SENT;
            s->res.code = code;
            copy_reply(s->res.reply, line, n);
        } else {
            fail_reply(s, code, line, n);
        }
        /* A server that is closing, or that answered before it had the
         * whole message (a 552 half-way): the session is over. */
        if (code == 421 || s->out.len != 0) {
            slot_close(s, false);
        }
        finish(s);
        return;
    case PHASE_DRAIN:
        s->need_rset = true;
        finish(s);
        return;
    case PHASE_IDLE:
    case PHASE_READY:
    case PHASE_DONE:
        break;
    }
    /* A reply to nothing: the session is out of step; drop it. */
    slot_close(s, false);
}

/* Take the complete reply lines in s->in. */
static void
take_lines(struct smtp_client *c, struct smtp_slot *s)
{
    unsigned gen = s->conn_gen;
    size_t start = 0;

    for (;;) {
        char *nl = memchr(s->in + start, '\n', s->in_len - start);
        const char *line = s->in + start;
        size_t n;
        long code = 0;

        if (nl == NULL)
            break;
        n = (size_t)(nl - line) + 1;
        start += n;
        if (n < 4 || !ascii_isdigit(line[0]) || !ascii_isdigit(line[1]) ||
            !ascii_isdigit(line[2]) ||
            (line[3] != ' ' && line[3] != '-' && line[3] != '\r' &&
             line[3] != '\n')) {
            fail_transport(s, "smtp: malformed reply from the server");
            return;
        }
        code = (line[0] - '0') * 100 + (line[1] - '0') * 10 + (line[2] - '0');
        s->last_code = code;
        if (line[3] == '-')
            continue; /* more lines of this reply follow */
        on_reply(c, s, code, line, n);
        if (s->conn_gen != gen)
            return; /* dropped, or opened again from scratch */
    }
    memmove(s->in, s->in + start, s->in_len - start);
    s->in_len -= start;
}

/* Read what the server has sent s. */
static void
slot_read(struct smtp_client *c, struct smtp_slot *s)
{
    while (s->easy != NULL) {
        size_t n = 0;
        CURLcode rc;

        if (s->in_len == sizeof(s->in)) {
            fail_transport(s, "smtp: reply line too long");
            return;
        }
        rc = curl_easy_recv(s->easy, s->in + s->in_len,
                            sizeof(s->in) - s->in_len, &n);
        if (rc == CURLE_AGAIN)
            return;
        if (rc != CURLE_OK || n == 0) {
            retry_or_fail(c, s,
                          rc != CURLE_OK ? curl_easy_strerror(rc)
                                         : "the server closed the connection");
            return;
        }
        s->in_len += n;
        take_lines(c, s);
    }
}

/* Wait up to timeout_ms for the connections with a message on the wire,
 * and move each along. Returns how many had something to do, or -1 when
 * poll() fails. */
static int
poll_slots(struct smtp_client *c, int timeout_ms)
{
    struct pollfd pfd[SYN_MAX_SMTP_CONNECTIONS];
    struct smtp_slot *of[SYN_MAX_SMTP_CONNECTIONS];
    int i, n = 0, ready, moved = 0;
    int64_t now;

    for (i = 0; i < c->n_slots; i++) {
        struct smtp_slot *s = &c->slots[i];

        if (s->phase < PHASE_ENVELOPE || s->phase == PHASE_DONE)
            continue;
        pfd[n].fd = s->fd;
        pfd[n].events = (short)(POLLIN | (s->out.len > 0 ? POLLOUT : 0));
        pfd[n].revents = 0;
        of[n++] = s;
    }
    if (n == 0)
        return 0;
    ready = poll(pfd, (nfds_t)n, timeout_ms);
    if (ready < 0)
        return errno == EINTR ? 0 : -1;
    now = now_ms();
    for (i = 0; i < n; i++) {
        struct smtp_slot *s = of[i];

        if (pfd[i].revents != 0) {
            moved++;
            if ((pfd[i].revents & POLLOUT) && !flush_out(c, s))
                continue;
            if (pfd[i].revents & (POLLIN | POLLERR | POLLHUP)) {
                slot_read(c, s);
            }
        }
        if (s->phase != PHASE_DONE && now >= s->deadline_ms) {
            fail_transport(s, "smtp: timed out waiting for the server");
            moved++;
        }
    }
    return moved;
}

/* How long poll may wait: until the nearest message timeout. */
static int
wait_ms(const struct smtp_client *c)
{
    int64_t now = now_ms(), soonest = -1;
    int i;

    for (i = 0; i < c->n_slots; i++) {
        const struct smtp_slot *s = &c->slots[i];

        if (s->phase >= PHASE_ENVELOPE && s->phase != PHASE_DONE &&
            (soonest < 0 || s->deadline_ms < soonest)) {
            soonest = s->deadline_ms;
        }
    }
    if (soonest < 0)
        return 0;
    if (soonest <= now)
        return 0;
    return soonest - now < INT_MAX ? (int)(soonest - now) : INT_MAX;
}

/* Take msg on the idle slot s. SYN_OK when it will go out once the round
 * is closed; else res says why it was refused before any byte went out. */
static enum syn_status
slot_start(struct smtp_slot *s, const struct smtp_message *msg,
           struct smtp_outcome *res)
{
    memset(res, 0, sizeof(*res));
    if (mime_addr_check(msg->mail_from, NULL) != SYN_OK ||
        mime_addr_check(msg->rcpt_to, NULL) != SYN_OK) {
        res->result = SMTP_PERMFAIL;
        snprintf(res->reply, sizeof(res->reply), "invalid envelope address");
        return SYN_EINVAL;
    }
    s->msg = *msg;
    memset(&s->res, 0, sizeof(s->res));
    s->failed = false;
    s->phase = PHASE_READY;
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

/* Offer every idle slot a message from next(). Returns the messages
 * taken. */
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

        if (s->phase != PHASE_IDLE)
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

/* Put the messages taken this round on the wire. */
static void
launch(struct smtp_client *c)
{
    int i;

    for (i = 0; i < c->n_slots; i++) {
        if (c->slots[i].phase == PHASE_READY) {
            slot_begin(c, &c->slots[i]);
        }
    }
}

/* The round that handed out the ready messages failed to close (their
 * claims may not be recorded): none of them goes out. */
static void
cancel_ready(struct smtp_client *c)
{
    int i;

    for (i = 0; i < c->n_slots; i++) {
        struct smtp_slot *s = &c->slots[i];

        if (s->phase == PHASE_READY) {
            s->res.result = SMTP_TEMPFAIL;
            s->res.code = 0;
            snprintf(s->res.reply, sizeof(s->res.reply),
                     "not sent: the run stopped");
            s->failed = true;
            finish(s);
        }
    }
}

/* Every message on the wire fails (poll() itself failed). */
static void
fail_all(struct smtp_client *c, const char *why)
{
    int i;

    for (i = 0; i < c->n_slots; i++) {
        if (c->slots[i].phase >= PHASE_ENVELOPE &&
            c->slots[i].phase != PHASE_DONE) {
            fail_transport(&c->slots[i], why);
        }
    }
}

static bool
any_done(const struct smtp_client *c)
{
    int i;

    for (i = 0; i < c->n_slots; i++) {
        if (c->slots[i].phase == PHASE_DONE)
            return true;
    }
    return false;
}

/* Hand every finished message to done(). Returns how many finished. */
static int
reap(struct smtp_client *c, const struct smtp_callbacks *cb, bool *in_round,
     enum syn_status *first, struct syn_err *err)
{
    int i, n = 0;

    for (i = 0; i < c->n_slots; i++) {
        struct smtp_slot *s = &c->slots[i];

        if (s->phase != PHASE_DONE)
            continue;
        s->phase = PHASE_IDLE;
        n++;
        *in_round = true;
        first_error(cb->done(cb->user, &s->msg, &s->res), "done", first, err);
    }
    return n;
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
        if (first == SYN_OK) {
            launch(c);
        } else {
            cancel_ready(c);
        }
        if (busy == 0)
            break;
        if (!any_done(c)) {
            bool work_ahead = ahead && first == SYN_OK;
            int moved = poll_slots(c, work_ahead ? 0 : wait_ms(c));

            if (moved < 0) {
                first_error(SYN_ENET, "poll", &first, err);
                fail_all(c, "smtp: poll failed");
            } else if (moved == 0 && work_ahead) {
                bool more = false;

                /* Every connection waits for the server: work ahead. */
                in_round = true;
                first_error(cb->idle(cb->user, &more), "idle", &first, err);
                ahead = more;
                continue;
            }
        }
        finished = reap(c, cb, &in_round, &first, err);
        busy -= finished;
        if (finished > 0) {
            ahead = cb->idle != NULL;
        }
    }
    end_round(cb, &in_round, &first, err);
    return first;
}
