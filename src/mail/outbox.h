/* The outbox: every mail is a store row before it is a connection, so a
 * crash, a kill or an SMTP outage delays a mail but never loses or doubles
 * it (DESIGN.md).
 *
 * Digests (outbox_digest_create): for one frequency and the period that
 * contains `now` (daily "2026-11-29", weekly ISO "2026-W48", instant
 * "2026-11-29T10:05"), one transaction records the period (store_digest_
 * record: a second run in the same period creates nothing), queues one
 * row per confirmed subscriber of that frequency who has at least one new
 * story in a chosen topic (no topics chosen = all topics), under the dedupe
 * key "digest:<frequency>:<period>:<subscriber id>", and moves the
 * subscriber's last_digest to now. Nothing is sent before the transaction
 * commits; the rows are then sent like any other mail. A digest row holds
 * its story window "[since,until]" in its subject and an empty body: the
 * sender composes it when it sends it (same stories, the subscriber's
 * current topics; not at all if they have unsubscribed meanwhile), which
 * keeps rows small, so claiming and marking them is cheap. A
 * subscriber's first digest covers the last period; later ones cover what
 * arrived since the previous digest (at most SYN_MAX_DIGEST_STORIES, newest
 * first; never more than OUTBOX_MAX_LOOKBACK periods back).
 *
 * Sending (outbox_send_due): claims due rows in small batches with a lease
 * (store_outbox_claim), composes a few ahead while every connection is
 * busy (smtp_idle_fn), sends them over the SMTP client's reused
 * connections, and marks each one as soon as the server has answered
 * (the outcomes that arrive together, and the next messages handed out,
 * are committed in one transaction before that connection sends
 * anything else; see smtp_round_fn):
 * sent; temporary failure -> retried with exponential backoff until
 * max_attempts, then failed; permanent failure -> failed, and a hard bounce
 * is counted for the address (store_subscriber_mark_bounce), which makes
 * the subscriber "bouncing" at bounce_threshold. A process killed while
 * sending leaves at most one batch claimed; those rows are retried once
 * their lease expires, and rows already marked sent are never sent again.
 *
 * Digest bodies are rendered once per story set and shared by the
 * subscribers who get the same stories (mail/digest.h digest_cache).
 *
 * Rows with an empty body are composed when they are claimed, from the
 * row's kind, dedupe key and subject; web/ (which may not call mail/)
 * queues its mails this way too:
 *   digest   see above
 *   confirm  recipient = the subscriber's address -> confirmation mail
 *            (pending), or "you are already subscribed" with the
 *            preferences link (confirmed)
 *   ack      key contains "inquiry:<id>" -> acknowledgement to the sender
 *   notify   key contains "inquiry:<id>" -> notification to the team
 *
 * Thread rules: uses the store handle it is given from the calling thread
 * only. */
#ifndef SYNDIC_MAIL_OUTBOX_H
#define SYNDIC_MAIL_OUTBOX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mail/digest.h"
#include "mail/smtp.h"
#include "store/store.h"
#include "util/buf.h"
#include "util/compiler.h"
#include "util/err.h"
#include "util/log.h"

/* Catch-up bound: after a long pause a digest covers at most 4 periods. */
#define OUTBOX_MAX_LOOKBACK 4
/* A claimed row is another sender's for this long: far above the time to
 * send one batch, short enough that a crash delays mail by minutes only. */
#define OUTBOX_LEASE_S 300
/* Rows per claim: enough to keep every connection busy between claims. */
#define OUTBOX_BATCH 64
/* First retry delay; doubled per attempt up to OUTBOX_MAX_BACKOFF_S. */
#define OUTBOX_BACKOFF_S 60
#define OUTBOX_MAX_BACKOFF_S (6 * 3600)

/* Length of one period of f, in seconds. */
int64_t outbox_period_seconds(enum store_frequency f);
/* The key of the period of f that contains now (UTC) into out[24]. */
void outbox_period_key(enum store_frequency f, int64_t now, char out[24]);

/* Whether the scheduler (syndic serve) should create the digests of f at
 * now: instant always; daily from daily_hour (UTC, 0-23) on; weekly from
 * daily_hour on weekly_day (0 = Sunday .. 6). Creating is idempotent per
 * period, so calling outbox_digest_create() every few minutes once this
 * is true is the intended use. */
bool outbox_digest_due(enum store_frequency f, int64_t now, int daily_hour,
                       int weekly_day);

struct outbox_digest_stats {
    char period[24];        /* the period key */
    bool already;           /* this period was created before: nothing done */
    size_t subscribers;     /* confirmed subscribers of the frequency */
    size_t queued;          /* digests queued (or composed, dry run) */
    size_t empty;           /* subscribers with nothing new: no mail */
    size_t stories;         /* candidate stories loaded */
    size_t bytes;           /* size of the messages composed: all of them
                               in a dry run, else the first (a check) */
};

/* Create the digests of f for the period containing now (see above).
 * dry_run composes every message (stats->bytes) but writes nothing. SYN_EDB, SYN_ENOMEM,
 * SYN_EINVAL (bad identity); nothing is written on failure. */
enum syn_status outbox_digest_create(struct store *s,
                                     const struct mail_identity *id,
                                     enum store_frequency f, int64_t now,
                                     bool dry_run,
                                     struct outbox_digest_stats *stats
                                     /* out */,
                                     struct syn_err *err) SYN_NODISCARD;

/* Compose into out the digest of f that email (or, when NULL, the first
 * confirmed subscriber of f with something new) would get now. Writes
 * nothing. SYN_ENOTFOUND when there is no such subscriber or nothing new
 * for them. *n_stories (may be NULL) gets the story count. */
enum syn_status outbox_digest_preview(struct store *s,
                                      const struct mail_identity *id,
                                      enum store_frequency f, int64_t now,
                                      const char *email, struct buf *out,
                                      size_t *n_stories /* out */,
                                      struct syn_err *err) SYN_NODISCARD;

struct outbox_send_options {
    const struct mail_identity *id; /* for rows composed at send time */
    const struct smtp_config *smtp;
    const char *team_addresses; /* "[mail] team_addresses", may be NULL */
    int max_attempts;           /* >= 1 */
    int bounce_threshold;       /* >= 1 */
    size_t max_messages;        /* stop after this many (0: no limit) */
    const struct syn_log *log;  /* may be NULL */
};

struct outbox_send_stats {
    size_t sent;
    size_t retry;    /* temporary failures, queued again */
    size_t failed;   /* given up: permanent, or out of attempts */
    size_t bounced;  /* subscribers that became bouncing */
};

/* Send every row due at now until none is left (or max_messages). Per-mail
 * failures are recorded on the rows, not returned; the status is the
 * store's or the SMTP client's set-up. */
enum syn_status outbox_send_due(struct store *s,
                                const struct outbox_send_options *o,
                                int64_t now,
                                struct outbox_send_stats *stats /* out */,
                                struct syn_err *err) SYN_NODISCARD;

/* Delay before retry number `attempts` (1-based) of a temporary failure,
 * or 0 when attempts >= max_attempts (give up). */
int64_t outbox_backoff(int attempts, int max_attempts);

#endif
