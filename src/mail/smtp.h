/* Handing messages to an MTA over SMTP (RFC 5321), through libcurl.
 *
 * A client holds up to `connections` libcurl easy handles in one multi
 * handle; each handle is kept between messages, so libcurl reuses its SMTP
 * connection (EHLO, STARTTLS and AUTH once, then MAIL/RCPT/DATA per
 * message). smtp:// upgrades with STARTTLS when the server offers it
 * (CURLUSESSL_TRY), and must when a username is configured and the server
 * is not this host (CURLUSESSL_ALL: the password never crosses a network
 * in clear); smtps:// is TLS from the start; AUTH is used when a
 * username is configured. TLS always verifies the peer and its host name,
 * against cfg->ca_file when given. One message has one recipient: the outbox
 * sends per-subscriber mail (its own unsubscribe link), and a per-recipient
 * result is what the bounce counter needs.
 *
 * Results, per message: SMTP_SENT; SMTP_TEMPFAIL for a 4xx reply, a
 * connection or TLS failure, a timeout or an authentication failure (a
 * configuration problem, not the recipient's); SMTP_PERMFAIL for any other
 * 5xx reply, with the server's reply text.
 *
 * Thread rules: a client belongs to one thread at a time. */
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

/* A round of callbacks is over: the messages that finished together have
 * all been given to done(), or the idle connections have been offered
 * new messages by next(), and no network I/O has happened since the
 * round began. A caller that records outcomes (or claims work) in a store
 * can commit here, in one transaction per round instead of one per
 * message, and still have everything recorded before the client sends
 * anything else. A round of done() calls is closed before next() is
 * called again. A status other than SYN_OK stops the run like one from
 * done(). */
typedef enum syn_status (*smtp_round_fn)(void *user);

struct smtp_client;

/* New client for cfg (strings are copied). SYN_EINVAL for a URL that is
 * not smtp:// or smtps:// or a bad connection count; SYN_ENOMEM. Free
 * with smtp_client_free(). */
enum syn_status smtp_client_new(const struct smtp_config *cfg,
                                struct smtp_client **out /* out */,
                                struct syn_err *err) SYN_NODISCARD;
void smtp_client_free(struct smtp_client *c);

/* Send messages pulled from next() over the client's connections until
 * next() has no more and every message is done; round (may be NULL) is
 * called after each group of done() or next() calls (see smtp_round_fn).
 * A message whose envelope
 * addresses are not valid addr-specs is failed with SMTP_PERMFAIL without
 * being sent. Returns the first error of next()/done() (err filled), else
 * SYN_OK; per-message failures are not errors of the run. */
enum syn_status smtp_client_run(struct smtp_client *c, smtp_next_fn next,
                                smtp_done_fn done, smtp_round_fn round,
                                void *user, struct syn_err *err) SYN_NODISCARD;

/* True when url's host is this machine: "localhost" or a loopback
 * address (127.0.0.0/8, ::1). Where AUTH may go without TLS. */
bool smtp_url_is_loopback(const char *url);

#endif
