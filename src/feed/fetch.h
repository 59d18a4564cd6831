/* Fetching feeds over HTTP(S) (and file:// when allowed) with one libcurl
 * multi event loop, plus the pure scheduling helpers that decide when a
 * source is polled next.
 *
 * fetch_run() takes an array of jobs and runs them all concurrently, at
 * most opts->max_total transfers at once and at most opts->max_per_host
 * per host name (of the job's URL). Jobs start lazily, in array order
 * (a job whose host is busy waits while later jobs of other hosts start),
 * so memory stays bounded by max_total transfers whatever the number of
 * jobs. Each finished job is handed to the caller's callback, on the
 * calling thread, in completion order.
 *
 * HTTP behaviour (RFC 9110/9111):
 * - conditional requests: If-None-Match from job->etag, If-Modified-Since
 *   from job->last_modified; a 304 has st = SYN_OK, no body.
 * - Accept-Encoding: everything libcurl decodes (gzip, deflate, br).
 * - redirects are followed here, not by libcurl, at most SYN_MAX_REDIRECTS
 *   hops, to http or https only (never file://). The result says where the
 *   body came from (final_url) and, when the chain starts with permanent
 *   hops (301/308), where the source now lives (permanent_url): the caller
 *   updates its stored URL when permanent_redirect is set and the fetch
 *   succeeded (2xx or 304), so a permanent move persists.
 * - Retry-After (seconds or HTTP-date) and Cache-Control max-age are
 *   parsed into seconds for the scheduler.
 * - the body is counted after decompression in the write callback; past
 *   opts->max_bytes the transfer stops with SYN_ETOOBIG (a gzip bomb
 *   costs at most max_bytes of memory).
 * - environment proxies are ignored (CURLOPT_PROXY ""): the SSRF guard
 *   must judge the address actually connected to.
 *
 * SSRF guard: every socket libcurl opens (first request, each redirect,
 * each retry of Happy Eyeballs) is checked in CURLOPT_OPENSOCKETFUNCTION
 * against util/net.h; anything but a public address is refused with
 * SYN_EDENIED unless opts->allow_private. Since the check runs on the
 * resolved address at connect time, DNS rebinding cannot slip past it.
 * file:// URLs are refused with SYN_EDENIED unless opts->allow_file.
 *
 * Status of a result (fetch_result.st):
 *   SYN_OK        2xx with a body, or 304 (not modified), or a file read
 *   SYN_ENOTFOUND 404, 410 (see fetch_should_disable), missing file
 *   SYN_EAUTH     401, 403
 *   SYN_ENET      other HTTP errors (429, 5xx ...), DNS or connect failure,
 *                 TLS errors, too many redirects
 *   SYN_ETIMEOUT  connect or total timeout
 *   SYN_ETOOBIG   body past max_bytes
 *   SYN_EDENIED   SSRF guard or file:// not allowed, redirect to a scheme
 *                 other than http(s)
 *   SYN_EINVAL    the job's URL cannot be parsed or has another scheme
 *   SYN_ENOMEM    out of memory for this job
 *
 * Thread rules: fetch_run is reentrant (no globals) but one call runs on
 * one thread. The process must have called curl_global_init() (main does;
 * tests do) before the first fetch_run. */
#ifndef SYNDIC_FEED_FETCH_H
#define SYNDIC_FEED_FETCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "util/compiler.h"
#include "util/err.h"

struct fetch_job {
    const char *url;           /* borrowed; http(s) or file */
    const char *etag;          /* borrowed; from the last 200, or NULL */
    const char *last_modified; /* borrowed; from the last 200, or NULL */
    void *user;                /* the caller's, e.g. the source id */
};

struct fetch_result {
    enum syn_status st;      /* see the table above */
    long status;             /* final HTTP status; 200 for a file read;
                                0 when no response arrived */
    bool not_modified;       /* status 304: nothing to parse */
    char *body;              /* NUL-terminated, decoded; NULL if none */
    size_t len;              /* bytes of body, without the NUL */
    char *etag;              /* response ETag, or NULL */
    char *last_modified;     /* response Last-Modified, or NULL */
    char *content_type;      /* response Content-Type, or NULL */
    char *final_url;         /* URL the response came from */
    bool permanent_redirect; /* permanent_url differs from the job URL */
    char *permanent_url;     /* URL after the leading 301/308 hops */
    int redirects;           /* hops followed */
    long retry_after_s;      /* Retry-After in seconds, -1 when absent */
    long cache_max_age_s;    /* Cache-Control max-age, -1 when absent */
    char error[256];         /* human detail when st != SYN_OK */
};

struct fetch_opts {
    int max_total;           /* concurrent transfers; <= 0: 16 */
    int max_per_host;        /* concurrent per host name; <= 0: 2 */
    long connect_timeout_ms; /* <= 0: SYN_FETCH_CONNECT_TIMEOUT_MS */
    long timeout_ms;         /* whole transfer, per hop; <= 0:
                                SYN_FETCH_TIMEOUT_MS */
    size_t max_bytes;        /* decoded body limit; 0: SYN_MAX_FEED_BYTES */
    bool allow_private;      /* allow loopback, private, reserved peers */
    bool allow_file;         /* allow file:// job URLs */
    const char *user_agent;  /* borrowed; NULL: fetch_user_agent(site_url) */
    const char *site_url;    /* borrowed; [site] base_url, or NULL */
};

/* Called once per job when it finishes. res is borrowed: the fetcher frees
 * it after the callback returns, except for any char * member the callback
 * sets to NULL (it then owns that string; free with syn_free). Return
 * SYN_OK to go on; any other status stops fetch_run, which cancels the
 * transfers in flight (without calling back for them), skips the jobs not
 * started and returns that status. */
typedef enum syn_status (*fetch_done_fn)(const struct fetch_job *job,
                                         struct fetch_result *res, void *user);

/* Free the strings of r (body, etag, last_modified, content_type,
 * final_url, permanent_url; NULL ones are skipped): for a copy of a result
 * whose strings a fetch_done_fn took over. The struct is the caller's. */
void fetch_result_fini(struct fetch_result *r);

/* Run jobs[0..n_jobs) and call done (not NULL) for each. Per-job
 * failures are
 * reported in the callback's result, not here. SYN_EINVAL when opts or
 * done is NULL. Returns SYN_OK when every
 * job was reported; SYN_ENOMEM or SYN_ENET (libcurl multi failure) when
 * the loop itself failed (jobs not yet reported are then lost), or the
 * callback's status that stopped the run. */
enum syn_status fetch_run(const struct fetch_job *jobs, size_t n_jobs,
                          const struct fetch_opts *opts, fetch_done_fn done,
                          void *user, struct syn_err *err) SYN_NODISCARD;

/* The User-Agent string: "syndic/VERSION (+SITE_URL)", or
 * "syndic/VERSION" when site_url is NULL or empty. Written to dst[cap];
 * returns dst. NOTE: truncates to cap. */
const char *fetch_user_agent(const char *site_url, char *dst, size_t cap);

/* --- Header parsing (pure) --- */

/* Retry-After value (RFC 9110 10.2.3): delay-seconds or an HTTP-date,
 * relative to now. SYN_OK with *out_s >= 0 (a past date gives 0), capped
 * at SYN_FETCH_MAX_RETRY_AFTER_S; SYN_EINVAL when unparsable. */
enum syn_status fetch_parse_retry_after(const char *value, time_t now,
                                        long *out_s /* out */) SYN_NODISCARD;

/* max-age of a Cache-Control value (RFC 9111 5.2.2.1), ignoring other
 * directives; s-maxage is not max-age.
 * SYN_ENOTFOUND when absent, SYN_EINVAL when malformed. */
enum syn_status fetch_parse_max_age(const char *value,
                                    long *out_s /* out */) SYN_NODISCARD;

/* --- Scheduling (pure) --- */

struct fetch_policy {
    long interval_s;     /* configured poll interval */
    long min_interval_s; /* never poll more often than this */
    long max_interval_s; /* never wait longer than this when healthy */
    long backoff_base_s; /* first retry delay after an error */
    long backoff_max_s;  /* cap on the error delay */
    int max_errors;      /* disable after this many consecutive errors;
                            <= 0: never */
};

/* What the feed itself says about its update rate; 0 = no hint. */
struct fetch_hints {
    long ttl_min;         /* RSS <ttl>, minutes */
    long update_period_s; /* sy:updatePeriod / sy:updateFrequency, see
                             fetch_sy_period_s() */
    long cache_max_age_s; /* Cache-Control max-age of the response */
};

/* A policy with syndic's defaults: 30 min interval, 5 min .. 24 h,
 * backoff 5 min doubling up to 24 h, disable after 20 errors. */
void fetch_policy_default(struct fetch_policy *p /* out */);

/* Seconds until the next poll after a successful fetch: the configured
 * interval, lengthened to the largest hint (a feed that says it changes
 * daily is not polled every 5 minutes), then clamped to
 * [min_interval_s, max_interval_s]. hints may be NULL. */
long fetch_next_interval(const struct fetch_policy *p,
                         const struct fetch_hints *hints);

/* Seconds until the next attempt after the errors-th consecutive error
 * (errors >= 1): backoff_base_s * 2^(errors-1) capped at backoff_max_s,
 * with "equal jitter" (half fixed, half drawn from rnd) so that sources
 * that failed together do not retry together; never less than
 * retry_after_s (when >= 0, itself capped at SYN_FETCH_MAX_RETRY_AFTER_S)
 * nor than min_interval_s. rnd is any uniformly random 32-bit value. */
long fetch_backoff_delay(const struct fetch_policy *p, int errors,
                         long retry_after_s, uint32_t rnd);

/* Whether a source should be disabled after a fetch that ended with HTTP
 * status (0 if none) and left errors consecutive errors: always for 410
 * Gone, and when max_errors > 0 and errors >= max_errors. When true and
 * reason is not NULL, writes a sentence to reason[cap]. */
bool fetch_should_disable(const struct fetch_policy *p, long status, int errors,
                          char *reason, size_t cap);

/* Seconds between updates from RSS 1.0 syndication module values:
 * period "hourly", "daily", "weekly", "monthly" or "yearly" (NULL or
 * empty = daily, per the module) divided by frequency (<= 0 = 1).
 * 0 when the period is unknown. */
long fetch_sy_period_s(const char *period, long frequency);

/* What to record for a source after a fetch: the per-source bookkeeping
 * of the issue (validators, status, error, consecutive errors, next fetch
 * time, moves, disabling) as one decision. */
struct fetch_outcome {
    bool ok;              /* success: 2xx parsed fine, or 304 */
    bool keep_validators; /* store res->etag / res->last_modified (2xx) */
    bool move;            /* store res->permanent_url as the source URL */
    int errors;           /* new count of consecutive errors */
    time_t next_fetch;    /* when to poll next (seconds since epoch) */
    bool disable;         /* disable the source; reason says why */
    char reason[256];     /* "" unless disable */
};

/* Decide the outcome of res for a source that had prev_errors consecutive
 * errors. parse_st is the status of parsing the body (SYN_OK when there
 * was nothing to parse); a 2xx whose body did not parse is an error.
 * hints are the feed's own (NULL when not parsed); the response's
 * Cache-Control max-age is taken from res. now and rnd (any random
 * value) make the function pure. */
void fetch_outcome_decide(const struct fetch_result *res,
                          enum syn_status parse_st, int prev_errors,
                          const struct fetch_policy *p,
                          const struct fetch_hints *hints, time_t now,
                          uint32_t rnd, struct fetch_outcome *out /* out */);

#endif
