/* SMTP submission through libcurl's multi interface (see smtp.h).
 * Each slot is one easy handle that lives as long as the client: libcurl
 * keeps its connection in the multi handle's cache after a message and
 * picks it up again for the next one to the same server, so EHLO,
 * STARTTLS and AUTH are paid once per connection, not once per message. */
#include "mail/smtp.h"

#include <string.h>

#include <curl/curl.h>

#include "mail/mime.h"
#include "util/ascii.h"
#include "util/limits.h"
#include "util/mem.h"
#include "util/net.h"
#include "util/str.h"

struct smtp_slot {
    CURL *easy;                         /* kept for the client's life */
    struct curl_slist *rcpt;            /* the one RCPT TO of this message */
    struct smtp_message msg;            /* borrowed from next() until done() */
    size_t off;                         /* bytes of msg.data uploaded */
    bool busy;                          /* a message is in flight */
    char from[SYN_MAX_EMAIL_BYTES + 3]; /* "<addr>" */
    char reply[SYN_ERR_MSG_LEN];        /* last reply line from the server */
    char bad_reply[SYN_ERR_MSG_LEN];    /* last 4xx/5xx line (QUIT's 221 may
                                           follow it) */
    char errbuf[CURL_ERROR_SIZE];       /* libcurl's detail */
};

struct smtp_client {
    CURLM *multi;
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
        curl_slist_free_all(s->rcpt);
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
    if (c->url == NULL || c->multi == NULL || c->slots == NULL) {
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
             CURLM_OK)) {
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
 * why it was refused before any byte went out. */
static enum syn_status
slot_start(struct smtp_client *c, struct smtp_slot *s,
           const struct smtp_message *msg, struct smtp_outcome *res)
{
    struct curl_slist *l;
    CURLcode rc;

    memset(res, 0, sizeof(*res));
    if (mime_addr_check(msg->mail_from, NULL) != SYN_OK ||
        mime_addr_check(msg->rcpt_to, NULL) != SYN_OK) {
        res->result = SMTP_PERMFAIL;
        snprintf(res->reply, sizeof(res->reply), "invalid envelope address");
        return SYN_EINVAL;
    }
    curl_slist_free_all(s->rcpt);
    s->rcpt = NULL;
    snprintf(s->from, sizeof(s->from), "<%s>", msg->mail_from);
    l = curl_slist_append(NULL, msg->rcpt_to);
    if (l == NULL) {
        res->result = SMTP_TEMPFAIL;
        snprintf(res->reply, sizeof(res->reply), "out of memory");
        return SYN_ENOMEM;
    }
    s->rcpt = l;
    s->msg = *msg;
    s->off = 0;
    s->reply[0] = '\0';
    s->bad_reply[0] = '\0';
    s->errbuf[0] = '\0';
    rc = curl_easy_setopt(s->easy, CURLOPT_MAIL_FROM, s->from);
    if (rc == CURLE_OK) {
        rc = curl_easy_setopt(s->easy, CURLOPT_MAIL_RCPT, s->rcpt);
    }
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

/* Close a round of done() calls (see smtp_round_fn), if one is open. */
static void
end_round(smtp_round_fn round, void *user, bool *open, enum syn_status *first,
          struct syn_err *err)
{
    enum syn_status st;

    if (!*open || round == NULL)
        return;
    *open = false;
    st = round(user);
    if (st != SYN_OK && *first == SYN_OK) {
        *first = syn_err_set(err, st, "smtp: round: %s", syn_strerror(st));
    }
}

enum syn_status
smtp_client_run(struct smtp_client *c, smtp_next_fn next, smtp_done_fn done,
                smtp_round_fn round, void *user, struct syn_err *err)
{
    enum syn_status first = SYN_OK, st;
    bool exhausted = false, in_round = false;
    int busy = 0, i, running = 0, finished;

    for (;;) {
        /* Fill idle slots while there is work and no error. */
        for (i = 0; i < c->n_slots && !exhausted && first == SYN_OK; i++) {
            struct smtp_slot *s = &c->slots[i];
            struct smtp_message msg;
            struct smtp_outcome res;
            bool have = false;

            if (s->busy)
                continue;
            memset(&msg, 0, sizeof(msg));
            in_round = true;
            st = next(user, &msg, &have);
            if (st != SYN_OK) {
                first = syn_err_set(err, st, "smtp: next message: %s",
                                    syn_strerror(st));
                break;
            }
            if (!have) {
                exhausted = true;
                break;
            }
            if (slot_start(c, s, &msg, &res) == SYN_OK) {
                busy++;
            } else {
                in_round = true;
                st = done(user, &msg, &res);
                if (st != SYN_OK) {
                    first = syn_err_set(err, st, "smtp: done: %s",
                                        syn_strerror(st));
                }
                end_round(round, user, &in_round, &first, err);
                i--; /* the slot is still idle: offer it again */
            }
        }
        end_round(round, user, &in_round, &first, err);
        if (busy == 0)
            break;
        if (curl_multi_perform(c->multi, &running) != CURLM_OK) {
            if (first == SYN_OK) {
                first = syn_err_set(err, SYN_ENET, "smtp: multi failed");
            }
        }
        finished = 0;
        for (;;) {
            int left = 0;
            CURLMsg *m = curl_multi_info_read(c->multi, &left);
            struct smtp_slot *s = NULL;
            struct smtp_outcome res;

            if (m == NULL)
                break;
            if (m->msg != CURLMSG_DONE)
                continue;
            SYN_IGNORE(curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE,
                                         (char **)&s));
            memset(&res, 0, sizeof(res));
            classify(s, m->data.result, &res);
            curl_multi_remove_handle(c->multi, s->easy);
            s->busy = false;
            busy--;
            finished++;
            in_round = true;
            st = done(user, &s->msg, &res);
            if (st != SYN_OK && first == SYN_OK) {
                first =
                    syn_err_set(err, st, "smtp: done: %s", syn_strerror(st));
            }
        }
        /* Before next() composes more, and before any more I/O. */
        end_round(round, user, &in_round, &first, err);
        if (finished == 0 &&
            curl_multi_poll(c->multi, NULL, 0, 1000, NULL) != CURLM_OK) {
            if (first == SYN_OK) {
                first = syn_err_set(err, SYN_ENET, "smtp: poll failed");
            }
        }
        if (first != SYN_OK && running == 0 && busy > 0) {
            /* libcurl has nothing running yet we wait: cannot happen, but
             * never spin forever on our own bug. */
            break;
        }
    }
    end_round(round, user, &in_round, &first, err);
    return first;
}
