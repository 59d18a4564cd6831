/* Handing messages to an MTA over SMTP (RFC 5321), through libcurl.
 *
 * A client holds `connections` SMTP connections, each kept between
 * messages: libcurl opens it (EHLO, STARTTLS and AUTH once), then each
 * message is MAIL/RCPT/DATA on it, pipelined when the server offers
 * PIPELINING (RFC 2920), with SIZE (RFC 1870) when offered. One thread
 * drives every connection. smtp:// upgrades with STARTTLS when the server
 * offers it (CURLUSESSL_TRY), and must when a username is configured and
 * the server is not this host (CURLUSESSL_ALL: the password never crosses
 * a network in clear); to this host it does not, unless cfg->ca_file says
 * which certificate to trust (TLS protects nothing there, and local MTAs
 * offer STARTTLS with certificates that cannot verify). smtps:// is TLS
 * from the start; AUTH is used when a username is configured. TLS always
 * verifies the peer and its host name, against cfg->ca_file when given.
 * One message has one recipient: the outbox sends per-subscriber mail
 * (its own unsubscribe link), and a per-recipient result is what the
 * bounce counter needs.
 *
 * Results, per message: SMTP_SENT; SMTP_PERMFAIL for a 5xx reply to the
 * message's MAIL, RCPT, DATA or data, with the server's reply text;
 * SMTP_TEMPFAIL for a 4xx reply, a timeout, a connection broken, and for
 * anything that goes wrong while opening a connection (refused, TLS, a
 * greeting or EHLO refused, AUTH): those are the session's problem, not
 * the recipient's, and have code 0 (the server cannot be used now). A
 * connection the server closed between messages is opened again and the
 * message sent on the new one; a message whose data may have reached the
 * server is never sent twice by the client.
 *
 * Thread rules: a client belongs to one thread at a time; its callbacks
 * run in the thread that calls smtp_client_run(). */
#ifndef SYNDIC_MAIL_SMTP_H
#define SYNDIC_MAIL_SMTP_H

#include <stdbool.h>
#include <stddef.h>

#include "util/compiler.h"
#include "util/err.h"

struct smtp_config {
    const char *url;      /* smtp://host[:port][/ehlo-name] or smtps://... */
    const char *username; /* NULL or "": no AUTH */
    const char *password; /* borrowed; never logged */
    int connections;     /* parallel connections, 1..SYN_MAX_SMTP_CONNECTIONS */
    long timeout_ms;     /* one message; 0: SYN_SMTP_TIMEOUT_MS */
    const char *ca_file; /* PEM CA bundle for the server's certificate;
                            NULL or "": the system's. Verification of the
                            certificate and host name is never off. */
};

enum smtp_result {
    SMTP_SENT = 0,
    SMTP_TEMPFAIL, /* try again later */
    SMTP_PERMFAIL, /* the server refused this message for good */
};

struct smtp_outcome {
    enum smtp_result result;
    long code;                   /* last SMTP reply code; 0 when none */
    char reply[SYN_ERR_MSG_LEN]; /* server reply line or transport error */
};

struct smtp_message {
    const char *mail_from; /* envelope sender address (bare addr-spec) */
    const char *rcpt_to;   /* the one recipient (bare addr-spec) */
    const char *data;      /* RFC 5322 message with CRLF line ends */
    size_t len;            /* bytes of data */
    void *cookie;          /* the caller's, handed back to done() */
};

/* Give the next message to send: fill *msg and set *have = true, or set
 * *have = false when there is nothing more. Strings stay borrowed until
 * done() is called for that message. A status other than SYN_OK stops the
 * run. */
typedef enum syn_status (*smtp_next_fn)(void *user,
                                        struct smtp_message *msg /* out */,
                                        bool *have /* out */);
/* One message is finished (sent or failed). A status other than SYN_OK
 * stops the run once the messages in flight have finished. */
typedef enum syn_status (*smtp_done_fn)(void *user,
                                        const struct smtp_message *msg,
                                        const struct smtp_outcome *res);

/* The messages on the wire all wait for the server (every connection is
 * busy, or next() had no more for the idle ones): do one bounded piece of work
 * ahead (such as composing the next messages, so that next() is cheap),
 * set *more when there is more such work. Its work is closed by round()
 * before anything it prepared is handed out. A status other than SYN_OK
 * stops the run like one from done(). */
typedef enum syn_status (*smtp_idle_fn)(void *user, bool *more /* out */);

/* A round of callbacks is over: the done(), next() and idle() calls made
 * since the last round (messages that finished together, messages handed
 * to the free connections, work done ahead). The messages next() handed
 * out in a round go on the wire only after it is closed, and a connection
 * gets its next message in the round that records its last outcome. A
 * caller that records outcomes (or claims work) in a store commits here,
 * in one transaction per round instead of one per message, and so has a
 * message's outcome committed before its connection carries anything
 * else, and its claims committed before the claimed messages are sent.
 * A status other than SYN_OK stops the run like one from done(). */
typedef enum syn_status (*smtp_round_fn)(void *user);

struct smtp_callbacks {
    smtp_next_fn next;   /* required */
    smtp_done_fn done;   /* required */
    smtp_round_fn round; /* may be NULL */
    smtp_idle_fn idle;   /* may be NULL */
    void *user;          /* handed to each */
};

struct smtp_client;

/* New client for cfg (strings are copied). SYN_EINVAL for a URL that is
 * not smtp:// or smtps:// or a bad connection count; SYN_ENOMEM. Free
 * with smtp_client_free(). */
enum syn_status smtp_client_new(const struct smtp_config *cfg,
                                struct smtp_client **out /* out */,
                                struct syn_err *err) SYN_NODISCARD;
void smtp_client_free(struct smtp_client *c);

/* Send messages pulled from cb->next() over the client's connections
 * until next() has no more and every message is done. Each connection
 * goes at its own pace: when its message is done (cb->done), it gets the
 * next one at once, while the others are still in flight; a slow or
 * failing recipient holds up its own connection only. cb->round (see
 * smtp_round_fn) closes every group of callbacks; cb->idle is called while
 * the messages in flight wait for the server. A message whose envelope
 * addresses are not valid addr-specs is failed with SMTP_PERMFAIL without
 * being sent. Returns the first error of the callbacks (err filled), or
 * SYN_ENET when polling fails, else SYN_OK; per-message failures are not
 * errors of the run. */
enum syn_status smtp_client_run(struct smtp_client *c,
                                const struct smtp_callbacks *cb,
                                struct syn_err *err) SYN_NODISCARD;

/* True when url's host is this machine: "localhost" or a loopback
 * address (127.0.0.0/8, ::1). Where AUTH may go without TLS. */
bool smtp_url_is_loopback(const char *url);

#endif
