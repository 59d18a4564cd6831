/* Dates and times as feeds write them, normalized to UTC unix seconds.
 *
 * Parsing accepts RFC 822 / RFC 2822 dates and their common deviations
 * (two-digit years, named and military zones, missing seconds or weekday,
 * extra whitespace, "Jul 2, 2021" and asctime order), and RFC 3339 /
 * ISO 8601 / W3CDTF dates including partial ones ("2003", "2003-12",
 * "20031231T1000Z"). An unparseable date is reported as unknown: callers
 * never substitute "now".
 * Arithmetic is calendar arithmetic (days-from-civil), independent of the
 * process time zone and of timegm(). Years 1..9999 only.
 * Thread rules: pure functions, safe from any thread. */
#ifndef SYNDIC_UTIL_TIME_H
#define SYNDIC_UTIL_TIME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A point in time that may be unknown (a feed's missing or bad date). */
struct syn_time {
    int64_t unix_s; /* seconds since 1970-01-01T00:00:00Z; 0 when !known */
    bool known;     /* false: absent or unparseable */
};

/* "2021-07-02T10:00:00Z": 20 bytes + NUL. */
#define TIME_RFC3339_LEN 21
/* "Fri, 02 Jul 2021 10:00:00 +0000": 31 bytes + NUL. */
#define TIME_RFC822_LEN 32

/* Days since 1970-01-01 of the proleptic Gregorian date y-m-d
 * (m 1..12, d 1..31; not validated). */
int64_t time_days_from_civil(int64_t y, int m, int d);

/* Parse s[0..len) in any supported form; true and *out on success,
 * false (and *out untouched) when the text is not a date we can read. */
bool time_parse(const char *s, size_t len, int64_t *out /* out */);
/* Only RFC 822 and its deviations. */
bool time_parse_rfc822(const char *s, size_t len, int64_t *out /* out */);
/* Only ISO 8601 / RFC 3339 / W3CDTF. */
bool time_parse_iso8601(const char *s, size_t len, int64_t *out /* out */);

/* Format t as RFC 3339 UTC into out; returns the length (20), or 0 when
 * t is outside years 1..9999 (out is then ""). */
size_t time_format_rfc3339(int64_t t, char out[TIME_RFC3339_LEN]);
/* Format t as an RFC 822 date with zone +0000 (mail Date, RSS pubDate);
 * returns the length (31), or 0 outside years 1..9999. */
size_t time_format_rfc822(int64_t t, char out[TIME_RFC822_LEN]);

#endif
