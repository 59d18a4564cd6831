/* Pure helpers of the fetcher: header values and poll scheduling (see
 * fetch.h). No I/O; curl_getdate() is a pure parser of RFC 9110 dates. */
#include "feed/fetch.h"

#include <curl/curl.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/ascii.h"
#include "util/limits.h"
#include "util/str.h"

const char *
fetch_user_agent(const char *site_url, char *dst, size_t cap)
{
    int n;

    if (cap == 0)
        return dst;
    if (site_url != NULL && site_url[0] != '\0') {
        n = snprintf(dst, cap, "syndic/%s (+%s)", SYNDIC_VERSION, site_url);
    } else {
        n = snprintf(dst, cap, "syndic/%s", SYNDIC_VERSION);
    }
    if (n < 0) {
        dst[0] = '\0';
    }
    return dst;
}

/* Non-negative decimal at s[0..len) (no sign); false if not all digits.
 * Values beyond max saturate at max. */
static bool
sched_parse_digits(const char *s, size_t len, long max, long *out)
{
    long v = 0;
    size_t i;

    if (len == 0)
        return false;
    for (i = 0; i < len; i++) {
        if (!ascii_isdigit((unsigned char)s[i]))
            return false;
        if (v > (max - (s[i] - '0')) / 10) {
            v = max;
        } else {
            v = v * 10 + (s[i] - '0');
        }
    }
    *out = v;
    return true;
}

enum syn_status
fetch_parse_retry_after(const char *value, time_t now, long *out_s)
{
    struct str v;
    char date[64];
    time_t t;
    long secs;

    if (value == NULL)
        return SYN_EINVAL;
    v = str_trim(str_from_cstr(value));
    if (sched_parse_digits(v.p, v.len, SYN_FETCH_MAX_RETRY_AFTER_S, &secs)) {
        *out_s = secs;
        return SYN_OK;
    }
    if (v.len == 0 || v.len >= sizeof(date))
        return SYN_EINVAL;
    memcpy(date, v.p, v.len);
    date[v.len] = '\0';
    t = curl_getdate(date, NULL);
    if (t == (time_t)-1)
        return SYN_EINVAL;
    if (t <= now) {
        secs = 0;
    } else if (t - now > SYN_FETCH_MAX_RETRY_AFTER_S) {
        secs = SYN_FETCH_MAX_RETRY_AFTER_S;
    } else {
        secs = (long)(t - now);
    }
    *out_s = secs;
    return SYN_OK;
}

enum syn_status
fetch_parse_max_age(const char *value, long *out_s)
{
    const char *p = value;

    if (value == NULL)
        return SYN_ENOTFOUND;
    while (*p != '\0') {
        const char *end = strchr(p, ',');
        struct str d;

        if (end == NULL) {
            end = p + strlen(p);
        }
        d = str_trim((struct str){p, (size_t)(end - p)});
        if (str_has_prefix_nocase(d, "max-age") &&
            (d.len == 7 || d.p[7] == '=' || ascii_isspace(d.p[7]))) {
            struct str n = {d.p + 7, d.len - 7};

            n = str_trim(n);
            if (n.len == 0 || n.p[0] != '=')
                return SYN_EINVAL;
            n = str_trim((struct str){n.p + 1, n.len - 1});
            if (n.len >= 2 && n.p[0] == '"' && n.p[n.len - 1] == '"') {
                n = (struct str){n.p + 1, n.len - 2};
            }
            /* RFC 9111 1.2.2: delta-seconds past 2^31 saturate. */
            if (!sched_parse_digits(n.p, n.len, 2147483647L, out_s))
                return SYN_EINVAL;
            return SYN_OK;
        }
        p = *end == ',' ? end + 1 : end;
    }
    return SYN_ENOTFOUND;
}

void
fetch_policy_default(struct fetch_policy *p)
{
    p->interval_s = 30 * 60;
    p->min_interval_s = 5 * 60;
    p->max_interval_s = 24 * 3600;
    p->backoff_base_s = 5 * 60;
    p->backoff_max_s = 24 * 3600;
    p->max_errors = 20;
}

static long
sched_clamp(long v, long lo, long hi)
{
    if (hi > 0 && v > hi) {
        v = hi;
    }
    if (v < lo) {
        v = lo;
    }
    return v;
}

long
fetch_next_interval(const struct fetch_policy *p,
                    const struct fetch_hints *hints)
{
    long v = p->interval_s;

    if (hints != NULL) {
        /* ttl is minutes; cap before multiplying to avoid overflow. */
        long ttl_s = hints->ttl_min > 0 && hints->ttl_min < 10L * 365 * 1440
                         ? hints->ttl_min * 60
                         : 0;

        if (ttl_s > v) {
            v = ttl_s;
        }
        if (hints->update_period_s > v) {
            v = hints->update_period_s;
        }
        if (hints->cache_max_age_s > v) {
            v = hints->cache_max_age_s;
        }
    }
    return sched_clamp(v, p->min_interval_s > 0 ? p->min_interval_s : 1,
                       p->max_interval_s);
}

long
fetch_backoff_delay(const struct fetch_policy *p, int errors,
                    long retry_after_s, uint32_t rnd)
{
    long d = p->backoff_base_s > 0 ? p->backoff_base_s : 1;
    long cap = p->backoff_max_s > 0 ? p->backoff_max_s : d;
    long half;
    int i;

    for (i = 1; i < errors && d < cap; i++) {
        d = d > cap / 2 ? cap : d * 2;
    }
    if (d > cap) {
        d = cap;
    }
    /* Equal jitter: keep half, draw the other half uniformly. */
    half = d / 2;
    d = (d - half) + (long)(rnd % (uint32_t)(half + 1));
    if (retry_after_s > SYN_FETCH_MAX_RETRY_AFTER_S) {
        retry_after_s = SYN_FETCH_MAX_RETRY_AFTER_S;
    }
    if (retry_after_s > d) {
        d = retry_after_s;
    }
    if (d < p->min_interval_s) {
        d = p->min_interval_s;
    }
    return d;
}

bool
fetch_should_disable(const struct fetch_policy *p, long status, int errors,
                     char *reason, size_t cap)
{
    int n = -1;

    if (status == 410) {
        if (reason != NULL && cap > 0) {
            n = snprintf(reason, cap,
                         "the server says the feed is gone "
                         "(HTTP 410)");
        }
    } else if (p->max_errors > 0 && errors >= p->max_errors) {
        if (reason != NULL && cap > 0) {
            n = snprintf(reason, cap, "%d consecutive failed fetches", errors);
        }
    } else {
        return false;
    }
    if (n < 0 && reason != NULL && cap > 0) {
        reason[0] = '\0';
    }
    return true;
}

long
fetch_sy_period_s(const char *period, long frequency)
{
    static const struct {
        const char *name;
        long secs;
    } periods[] = {
        {"hourly", 3600},        {"daily", 86400},        {"weekly", 7 * 86400},
        {"monthly", 30 * 86400}, {"yearly", 365 * 86400},
    };
    struct str p = str_trim(str_from_cstr(period));
    size_t i;

    if (frequency <= 0) {
        frequency = 1;
    }
    if (p.len == 0)
        return 86400 / frequency;
    for (i = 0; i < SYN_ARRAY_LEN(periods); i++) {
        if (str_eq_nocase(p, periods[i].name))
            return periods[i].secs / frequency;
    }
    return 0;
}

void
fetch_outcome_decide(const struct fetch_result *res, enum syn_status parse_st,
                     int prev_errors, const struct fetch_policy *p,
                     const struct fetch_hints *hints, time_t now, uint32_t rnd,
                     struct fetch_outcome *out)
{
    bool fetched = res->st == SYN_OK;
    long delay;

    memset(out, 0, sizeof(*out));
    out->ok = fetched && (res->not_modified || parse_st == SYN_OK);
    out->keep_validators = fetched && !res->not_modified && out->ok;
    /* A move is recorded only once the new place answered well. */
    out->move =
        out->ok && res->permanent_redirect && res->permanent_url != NULL;
    if (out->ok) {
        struct fetch_hints h = {0, 0, 0};

        if (hints != NULL) {
            h = *hints;
        }
        if (res->cache_max_age_s > h.cache_max_age_s) {
            h.cache_max_age_s = res->cache_max_age_s;
        }
        out->errors = 0;
        delay = fetch_next_interval(p, &h);
    } else {
        out->errors = prev_errors < 0 ? 1 : prev_errors + 1;
        if (out->errors < prev_errors) /* overflow */
            out->errors = prev_errors;
        delay = fetch_backoff_delay(p, out->errors, res->retry_after_s, rnd);
    }
    out->next_fetch = now + (time_t)delay;
    out->disable =
        fetch_should_disable(p, res->status, out->ok ? 0 : out->errors,
                             out->reason, sizeof(out->reason));
    if (!out->disable) {
        out->reason[0] = '\0';
    }
}
