/* The ingest pipeline: fetch -> parse -> clean -> dedupe/cluster -> store.
 *
 * ingest_run() polls the due (or all, or one) sources through one fetch
 * loop (feed/fetch.h). Each fetched feed is parsed, every item cleaned
 * (app/normalize.h), and stored as ONE atomic unit (a transaction, or a
 * savepoint of one, see Durability) together with the source's new fetch
 * state, so a crash at any instant leaves either the whole feed or none
 * of it. A 304 costs no parsing.
 *
 * Dedupe: an item is keyed by (source, id); the same canonical URL
 * already stored from another source is not stored again; a lightly
 * edited copy (SimHash within [fetch] cluster_distance bits of a recent
 * item from another source) joins that item's cluster ("also reported
 * by"). Topics come from the source and from the [topics] keyword rules.
 *
 * Scheduling: next fetch from the configured interval and the feed's
 * hints (ttl, sy:updatePeriod, Cache-Control max-age); errors back off
 * exponentially with jitter and honour Retry-After; 410 Gone or
 * [fetch] max_errors failures in a row disable the source; a permanent
 * redirect (301/308) that succeeds moves the source to its new URL.
 *
 * Pipeline: the fetch loop runs on the calling thread; each answer goes
 * to a pool of [fetch] workers threads (default: one per online CPU) that
 * parse and clean it (app/normalize.h), canonicalize links, hash content
 * and match keyword topics: the pure part, which reads only ctx->cfg.
 * The calling thread takes the prepared feeds back in completion order
 * and does the rest (dedupe, clustering, the transaction), so results do
 * not depend on the number of workers. At most
 * SYN_INGEST_QUEUE_PER_WORKER answers per worker wait between the two;
 * when the queue is full the fetch loop stores the oldest first, so
 * memory stays bounded whatever the number of sources.
 *
 * Durability: while the store keeps up, each answer commits on its own;
 * while answers queue up behind it, ingest_run() stores them in groups
 * of up to SYN_INGEST_GROUP_FEEDS (or SYN_INGEST_GROUP_MS): one
 * transaction, one savepoint per feed, so a feed that fails is rolled
 * back alone and a commit's cost is shared. Commits are in WAL mode with
 * synchronous=NORMAL (store.h): a crash (kill -9) never leaves half a
 * feed (it may lose the group being stored, which is fetched again); a
 * power loss may lose the last feeds committed, never corrupt. on_source
 * reports a feed once it is in its group; should the group's commit
 * fail, ingest_run() fails.
 *
 * Thread rules: ingest_run() and ingest_feed() are called from one
 * thread, which alone uses ctx->store; ctx->cfg must not change while
 * ingest_run() runs (its workers read it). on_source is called on the
 * calling thread. */
#ifndef SYNDIC_APP_INGEST_H
#define SYNDIC_APP_INGEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "app/ctx.h"
#include "util/compiler.h"
#include "util/err.h"

struct store_source;

/* What happened to one source in a run. */
struct ingest_source_report {
    const struct store_source *source; /* borrowed, as before the fetch */
    long http_status;                  /* 0 when no response */
    bool not_modified;                 /* 304 */
    bool failed;
    bool disabled;                     /* disabled by this fetch */
    const char *error;                 /* when failed: the reason */
    size_t new_items, updated_items, duplicates;
};

struct ingest_opts {
    bool all;          /* every enabled source, due or not */
    int64_t source_id; /* only this source (enabled or not); 0: no filter */
    /* Called after each source, on the calling thread (may be NULL). */
    void (*on_source)(void *user, const struct ingest_source_report *r);
    void *user;
};

struct ingest_stats {
    size_t sources;      /* polled */
    size_t fetched;      /* answered with a body that was parsed */
    size_t not_modified; /* 304 */
    size_t failed;
    size_t new_items, updated_items, duplicates;
    double seconds;      /* wall time of the run */
};

/* Poll the selected sources once. Per-source failures are counted and
 * reported, not returned: SYN_OK unless the store or the fetch loop itself
 * failed. SYN_ENOTFOUND when opts->source_id names no source. */
enum syn_status ingest_run(struct syn_ctx *ctx, const struct ingest_opts *opts,
                           struct ingest_stats *stats /* out */,
                           struct syn_err *err) SYN_NODISCARD;

/* A fetched document, for ingest_feed(). Strings borrowed. */
struct ingest_fetch {
    const char *url;          /* where the body came from (base URL) */
    const char *body;
    size_t len;
    const char *http_charset; /* charset= of Content-Type, or NULL */
    long status;              /* HTTP status (200 for files) */
    const char *etag;         /* response validators, or NULL */
    const char *last_modified;
    long cache_max_age_s;     /* Cache-Control max-age, -1 when absent */
    int64_t now;              /* time of the fetch */
};

/* Parse fetched as the new content of src, store its items and the
 * source's new fetch state, all in the caller's transaction; counts go to
 * r. SYN_EPARSE (or SYN_ETOOBIG) when it is not a readable feed: the caller
 * rolls back and records a failure. Exposed for tests and the demo. */
enum syn_status ingest_feed(struct syn_ctx *ctx, const struct store_source *src,
                            const struct ingest_fetch *fetched,
                            struct ingest_source_report *r,
                            struct syn_err *err) SYN_NODISCARD;

/* How often `serve` looks for due sources: each source has its own
 * schedule; this only bounds how late a due source is polled. */
#define INGEST_POLL_S 30

/* A step for app/worker.h: poll the due sources once, log failures, and
 * ask to run again in INGEST_POLL_S seconds. arg is unused. */
enum syn_status ingest_worker_step(struct syn_ctx *ctx, void *arg,
                                   long *sleep_s /* out */,
                                   struct syn_err *err) SYN_NODISCARD;

#endif
