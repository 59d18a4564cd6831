/* Date parsing and formatting (see time.h).
 *
 * Two readers: an ISO 8601 reader for dates that start with a four-digit
 * year (RFC 3339, W3CDTF, partial and basic forms, "2021/07/02 10:00"), and
 * a token reader for everything in the RFC 822 family, which assigns words
 * and numbers to fields by their shape rather than by a fixed position:
 * that one reader covers "Fri, 02 Jul 2021 10:00:00 +0000", "2 Jul 21
 * 10:00 EST", "Jul 2, 2021 10:00 PM", asctime's "Fri Jul  2 10:00:00 2021"
 * and "02-Jul-2021". Calendar arithmetic follows Howard Hinnant's
 * days_from_civil / civil_from_days algorithms. */
#include "util/time.h"

#include <stdio.h>
#include <string.h>

#include "util/ascii.h"
#include "util/str.h"

#define SECS_PER_DAY 86400

int64_t
time_days_from_civil(int64_t y, int m, int d)
{
    int64_t era, yoe, doy, doe;

    y -= m <= 2;
    era = (y >= 0 ? y : y - 399) / 400;
    yoe = y - era * 400;
    doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static void
civil_from_days(int64_t z, int64_t *y, int *m, int *d)
{
    int64_t era, doe, yoe, doy, mp;

    z += 719468;
    era = (z >= 0 ? z : z - 146096) / 146097;
    doe = z - era * 146097;
    yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = yoe + era * 400 + (*m <= 2);
}

static int
days_in_month(int64_t y, int m)
{
    static const int days[12] = {31, 28, 31, 30, 31, 30,
                                 31, 31, 30, 31, 30, 31};
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

    return m == 2 && leap ? 29 : days[m - 1];
}

/* Fields of a date being read; -1 = not given. */
struct fields {
    int64_t year;
    int month, day, hour, min, sec;
    int zone_min; /* offset east of UTC, minutes */
};

/* Validate f and compute the instant. Seconds 60 (a leap second) count as
 * 59; 24:00:00 is the end of the day, as ISO 8601 allows. */
static bool
fields_to_unix(const struct fields *f, int64_t *out)
{
    int hour = f->hour < 0 ? 0 : f->hour;
    int min = f->min < 0 ? 0 : f->min;
    int sec = f->sec < 0 ? 0 : f->sec;
    int month = f->month < 0 ? 1 : f->month;
    int day = f->day < 0 ? 1 : f->day;

    if (f->year < 1 || f->year > 9999 || month < 1 || month > 12)
        return false;
    if (day < 1 || day > days_in_month(f->year, month))
        return false;
    if (hour > 24 || min > 59 || sec > 60 ||
        (hour == 24 && (min != 0 || sec != 0)))
        return false;
    if (sec == 60) {
        sec = 59;
    }
    if (f->zone_min < -24 * 60 || f->zone_min > 24 * 60)
        return false;
    *out = time_days_from_civil(f->year, month, day) * SECS_PER_DAY +
           (int64_t)hour * 3600 + (int64_t)min * 60 + sec -
           (int64_t)f->zone_min * 60;
    return true;
}

/* Read exactly n digits at s[*i]; -1 when they are not there. */
static int
digits(const char *s, size_t len, size_t *i, size_t n)
{
    int v = 0;
    size_t k;

    if (*i + n > len)
        return -1;
    for (k = 0; k < n; k++) {
        if (!ascii_isdigit((unsigned char)s[*i + k]))
            return -1;
        v = v * 10 + (s[*i + k] - '0');
    }
    *i += n;
    return v;
}

static size_t
count_digits(const char *s, size_t len, size_t i)
{
    size_t n = 0;

    while (i + n < len && ascii_isdigit((unsigned char)s[i + n])) {
        n++;
    }
    return n;
}

/* Named zones seen in feeds (RFC 822 section 5 plus common abbreviations);
 * single letters are RFC 822's military zones. Offsets in minutes. */
static bool
zone_by_name(const char *w, size_t n, int *zone_min)
{
    static const struct {
        const char *name;
        int min;
    } zones[] = {
        {"ut", 0},         {"utc", 0},        {"gmt", 0},
        {"z", 0},          {"wet", 0},        {"bst", 60},
        {"cet", 60},       {"met", 60},       {"cest", 120},
        {"mest", 120},     {"eet", 120},      {"eest", 180},
        {"msk", 180},      {"ist", 330},      {"jst", 540},
        {"kst", 540},      {"hkt", 480},      {"sgt", 480},
        {"awst", 480},     {"acst", 570},     {"aest", 600},
        {"aedt", 660},     {"nzst", 720},     {"nzdt", 780},
        {"edt", -4 * 60},  {"est", -5 * 60},  {"et", -5 * 60},
        {"cdt", -5 * 60},  {"cst", -6 * 60},  {"ct", -6 * 60},
        {"mdt", -6 * 60},  {"mst", -7 * 60},  {"mt", -7 * 60},
        {"pdt", -7 * 60},  {"pst", -8 * 60},  {"pt", -8 * 60},
        {"adt", -3 * 60},  {"ast", -4 * 60},  {"at", -4 * 60},
        {"akst", -9 * 60}, {"akdt", -8 * 60}, {"hst", -10 * 60},
        {"ndt", -150},     {"nst", -210},
    };
    struct str word = {w, n};
    size_t i;
    int c;

    for (i = 0; i < SYN_ARRAY_LEN(zones); i++) {
        if (str_eq_nocase(word, zones[i].name)) {
            *zone_min = zones[i].min;
            return true;
        }
    }
    if (n != 1)
        return false;
    /* RFC 822 military zones: A-I = -1..-9, K-M = -10..-12, N-Y = +1..+12
     * (the signs as RFC 822 wrote them; feedparser reads them the same). */
    c = ascii_tolower((unsigned char)w[0]);
    if (c >= 'a' && c <= 'i') {
        *zone_min = -(c - 'a' + 1) * 60;
    } else if (c >= 'k' && c <= 'm') {
        *zone_min = -(c - 'k' + 10) * 60;
    } else if (c >= 'n' && c <= 'y') {
        *zone_min = (c - 'n' + 1) * 60;
    } else
        return false;
    return true;
}

/* Month by English name or abbreviation ("Jul", "July", "Sept"). */
static int
month_by_name(const char *w, size_t n)
{
    static const char *const months[12] = {
        "january", "february", "march",     "april",   "may",      "june",
        "july",    "august",   "september", "october", "november", "december",
    };
    size_t i, k;

    if (n < 3)
        return -1;
    for (i = 0; i < 12; i++) {
        size_t full = strlen(months[i]);

        if (n > full)
            continue;
        for (k = 0; k < n; k++) {
            if (ascii_tolower((unsigned char)w[k]) != months[i][k])
                break;
        }
        if (k == n)
            return (int)i + 1;
    }
    return -1;
}

static bool
is_weekday(const char *w, size_t n)
{
    static const char *const days[7] = {"monday",   "tuesday", "wednesday",
                                        "thursday", "friday",  "saturday",
                                        "sunday"};
    size_t i, k;

    if (n < 2)
        return false;
    for (i = 0; i < 7; i++) {
        size_t full = strlen(days[i]);

        if (n > full)
            continue;
        for (k = 0; k < n; k++) {
            if (ascii_tolower((unsigned char)w[k]) != days[i][k])
                break;
        }
        if (k == n)
            return true;
    }
    /* "Thur", "Tues" */
    return false;
}

/* ±hh[:mm] or ±hhmm at s[*i] (the sign included); minutes east of UTC. */
static bool
read_offset(const char *s, size_t len, size_t *i, int *zone_min)
{
    int sign = s[*i] == '-' ? -1 : 1;
    size_t j = *i + 1, nd = count_digits(s, len, j);
    int hh, mm = 0;

    if (nd == 4) {
        hh = digits(s, len, &j, 2);
        mm = digits(s, len, &j, 2);
    } else if (nd == 2 || nd == 1) {
        hh = digits(s, len, &j, nd);
        if (j < len && s[j] == ':') {
            j++;
            mm = digits(s, len, &j, 2);
            if (mm < 0)
                return false;
        }
    } else {
        return false;
    }
    if (hh > 23 || mm > 59)
        return false;
    *zone_min = sign * (hh * 60 + mm);
    *i = j;
    return true;
}

bool
time_parse_iso8601(const char *s, size_t len, int64_t *out)
{
    struct fields f = {-1, -1, -1, -1, -1, -1, 0};
    struct str t = str_trim((struct str){s, len});
    size_t i = 0, nd;
    char sep;

    s = t.p;
    len = t.len;
    if ((f.year = digits(s, len, &i, 4)) < 0)
        return false;
    if (i < len && (s[i] == '-' || s[i] == '/')) {
        sep = s[i++];
        nd = count_digits(s, len, i);
        if (nd == 3 && sep == '-') {
            /* ordinal date YYYY-DDD */
            int doy = digits(s, len, &i, 3);
            int64_t days;

            if (doy < 1 || doy > 366)
                return false;
            days = time_days_from_civil(f.year, 1, 1) + doy - 1;
            f.month = 1;
            f.day = 1;
            if (!fields_to_unix(&f, out))
                return false;
            *out = days * SECS_PER_DAY;
            if (i != len)
                return false;
            return true;
        }
        if (nd != 2 && nd != 1)
            return false;
        f.month = digits(s, len, &i, nd);
        if (i < len && s[i] == sep) {
            i++;
            nd = count_digits(s, len, i);
            if (nd != 2 && nd != 1)
                return false;
            f.day = digits(s, len, &i, nd);
        }
    } else if (count_digits(s, len, i) >= 4) {
        /* basic format YYYYMMDD */
        f.month = digits(s, len, &i, 2);
        if ((f.day = digits(s, len, &i, 2)) < 0)
            return false;
    }
    if (i < len && (s[i] == 'T' || s[i] == 't' || s[i] == ' ')) {
        size_t j = i + 1;

        while (j < len && s[j] == ' ') {
            j++;
        }
        nd = count_digits(s, len, j);
        if (nd == 2 || nd == 4 || nd == 6) {
            i = j;
            f.hour = digits(s, len, &i, 2);
            if (i < len && s[i] == ':') {
                i++;
                if ((f.min = digits(s, len, &i, 2)) < 0)
                    return false;
                if (i < len && s[i] == ':') {
                    i++;
                    if ((f.sec = digits(s, len, &i, 2)) < 0)
                        return false;
                }
            } else if (nd >= 4) {
                f.min = digits(s, len, &i, 2);
                if (nd == 6) {
                    f.sec = digits(s, len, &i, 2);
                }
            }
            if (i < len && (s[i] == '.' || s[i] == ',')) {
                i++;
                if (count_digits(s, len, i) == 0)
                    return false;
                i += count_digits(s, len, i); /* fraction dropped */
            }
        }
    }
    while (i < len && s[i] == ' ') {
        i++;
    }
    if (i < len && (s[i] == 'Z' || s[i] == 'z')) {
        i++;
    } else if (i < len && (s[i] == '+' || s[i] == '-')) {
        if (f.hour < 0 || !read_offset(s, len, &i, &f.zone_min))
            return false;
    } else if (i < len && ascii_isalpha((unsigned char)s[i])) {
        size_t j = i;

        while (j < len && ascii_isalpha((unsigned char)s[j])) {
            j++;
        }
        if (!zone_by_name(s + i, j - i, &f.zone_min))
            return false;
        i = j;
    }
    if (i != len)
        return false;
    return fields_to_unix(&f, out);
}

/* The text of the comment opening at s[*i] ('('), nested comments
 * included, without its parentheses and trimmed; *i moves past its ')',
 * or to len when it is not closed. */
static struct str
comment_text(const char *s, size_t len, size_t *i)
{
    size_t start = *i + 1, j, depth = 0;

    for (j = *i; j < len; j++) {
        if (s[j] == '(') {
            depth++;
        } else if (s[j] == ')' && --depth == 0) {
            *i = j + 1;
            return str_trim((struct str){s + start, j - start});
        }
    }
    *i = len;
    return str_trim((struct str){s + start, len - start});
}

bool
time_parse_rfc822(const char *s, size_t len, int64_t *out)
{
    struct fields f = {-1, -1, -1, -1, -1, -1, 0};
    int year_digits = 0, pm = -1;
    bool zone_seen = false;
    size_t i = 0;

    while (i < len) {
        unsigned char c = (unsigned char)s[i];

        if (ascii_isspace(c) || c == ',' || c == '.' || c == '/') {
            i++;
        } else if ((c == '+' || c == '-') && f.hour >= 0 && i + 1 < len &&
                   ascii_isdigit((unsigned char)s[i + 1])) {
            int extra = 0;

            if (!read_offset(s, len, &i, &extra))
                return false;
            f.zone_min += extra; /* "GMT+02:00" adds to GMT */
            zone_seen = true;
        } else if (c == '(') {
            /* a comment (RFC 5322 CFWS): "+0000 (UTC)", JavaScript's
             * "GMT+0200 (CEST)" or "(Central European Summer Time)";
             * its zone counts only when no zone came before */
            struct str note = comment_text(s, len, &i);
            int zone = 0;

            if (!zone_seen && f.hour >= 0 && note.len > 0 &&
                zone_by_name(note.p, note.len, &zone)) {
                f.zone_min = zone;
                zone_seen = true;
            }
        } else if (c == '-' || c == ')') {
            i++; /* "02-Jul-2021"; a stray ')' */
        } else if (ascii_isdigit(c)) {
            size_t nd = count_digits(s, len, i);

            if (i + nd < len && s[i + nd] == ':' && nd <= 2) {
                f.hour = digits(s, len, &i, nd);
                i++;
                if (count_digits(s, len, i) != 2)
                    return false;
                f.min = digits(s, len, &i, 2);
                if (i < len && s[i] == ':') {
                    i++;
                    if (count_digits(s, len, i) != 2)
                        return false;
                    f.sec = digits(s, len, &i, 2);
                    if (i < len && s[i] == '.' &&
                        count_digits(s, len, i + 1) > 0) {
                        i += 1 + count_digits(s, len, i + 1);
                    }
                }
            } else if (nd == 4 && f.year < 0) {
                f.year = digits(s, len, &i, 4);
                year_digits = 4;
            } else if (nd <= 2 && f.day < 0) {
                f.day = digits(s, len, &i, nd);
            } else if (nd <= 2 && f.year < 0) {
                f.year = digits(s, len, &i, nd);
                year_digits = (int)nd;
            } else {
                return false;
            }
        } else if (ascii_isalpha(c)) {
            size_t j = i;
            int m;

            while (j < len && ascii_isalpha((unsigned char)s[j])) {
                j++;
            }
            if ((m = month_by_name(s + i, j - i)) > 0 && f.month < 0) {
                f.month = m;
            } else if (is_weekday(s + i, j - i) && f.hour < 0) {
                /* ignored: the date decides the weekday */
            } else if (j - i == 2 && f.hour >= 0 &&
                       (str_eq_nocase((struct str){s + i, 2}, "am") ||
                        str_eq_nocase((struct str){s + i, 2}, "pm"))) {
                pm = ascii_tolower((unsigned char)s[i]) == 'p';
            } else if (!zone_seen && f.hour >= 0 &&
                       zone_by_name(s + i, j - i, &f.zone_min)) {
                zone_seen = true;
            } else {
                return false;
            }
            i = j;
        } else {
            return false;
        }
    }
    if (f.year < 0 || f.month < 0 || f.day < 0)
        return false;
    if (year_digits <= 2) {
        f.year += f.year < 50 ? 2000 : 1900; /* RFC 2822 section 4.3 */
    }
    if (pm >= 0) {
        if (f.hour < 1 || f.hour > 12)
            return false;
        f.hour = f.hour % 12 + (pm ? 12 : 0);
    }
    return fields_to_unix(&f, out);
}

bool
time_parse(const char *s, size_t len, int64_t *out)
{
    struct str t = str_trim((struct str){s, len});

    if (t.len == 0 || t.len > 128)
        return false;
    if (count_digits(t.p, t.len, 0) >= 4 && time_parse_iso8601(t.p, t.len, out))
        return true;
    return time_parse_rfc822(t.p, t.len, out);
}

static bool
split(int64_t t, int64_t *y, int *mo, int *d, int *h, int *mi, int *se,
      int *wday)
{
    int64_t days = t / SECS_PER_DAY, rem = t % SECS_PER_DAY;

    if (rem < 0) {
        rem += SECS_PER_DAY;
        days--;
    }
    civil_from_days(days, y, mo, d);
    if (*y < 1 || *y > 9999)
        return false;
    *h = (int)(rem / 3600);
    *mi = (int)(rem / 60 % 60);
    *se = (int)(rem % 60);
    *wday = (int)(days >= -4 ? (days + 4) % 7 : (days + 5) % 7 + 6);
    return true;
}

size_t
time_format_rfc3339(int64_t t, char out[TIME_RFC3339_LEN])
{
    int64_t y;
    int mo, d, h, mi, se, wd;
    int n;

    out[0] = '\0';
    if (t < -62135596800 || t > 253402300799 ||
        !split(t, &y, &mo, &d, &h, &mi, &se, &wd))
        return 0;
    n = snprintf(out, TIME_RFC3339_LEN, "%04d-%02d-%02dT%02d:%02d:%02dZ",
                 (int)y, mo, d, h, mi, se);
    return n == TIME_RFC3339_LEN - 1 ? (size_t)n : 0;
}

size_t
time_format_rfc822(int64_t t, char out[TIME_RFC822_LEN])
{
    static const char wdays[7][4] = {"Sun", "Mon", "Tue", "Wed",
                                     "Thu", "Fri", "Sat"};
    static const char months[12][4] = {"Jan", "Feb", "Mar", "Apr",
                                       "May", "Jun", "Jul", "Aug",
                                       "Sep", "Oct", "Nov", "Dec"};
    int64_t y;
    int mo, d, h, mi, se, wd;
    int n;

    out[0] = '\0';
    if (t < -62135596800 || t > 253402300799 ||
        !split(t, &y, &mo, &d, &h, &mi, &se, &wd))
        return 0;
    n = snprintf(out, TIME_RFC822_LEN, "%s, %02d %s %04d %02d:%02d:%02d +0000",
                 wdays[wd], d, months[mo - 1], (int)y, h, mi, se);
    return n == TIME_RFC822_LEN - 1 ? (size_t)n : 0;
}
