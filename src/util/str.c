/* String slices and conversions (see str.h). */
#include "util/str.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "util/ascii.h"

struct str
str_from_cstr(const char *s)
{
    struct str r = {s != NULL ? s : "", s != NULL ? strlen(s) : 0};

    return r;
}

struct str
str_trim(struct str s)
{
    while (s.len > 0 && ascii_isspace((unsigned char)s.p[0])) {
        s.p++;
        s.len--;
    }
    while (s.len > 0 && ascii_isspace((unsigned char)s.p[s.len - 1])) {
        s.len--;
    }
    return s;
}

bool
str_eq(struct str a, struct str b)
{
    return a.len == b.len && (a.len == 0 || memcmp(a.p, b.p, a.len) == 0);
}

bool
str_eq_cstr(struct str a, const char *b)
{
    return str_eq(a, str_from_cstr(b));
}

bool
str_eq_nocase(struct str a, const char *b)
{
    size_t n = strlen(b);

    return a.len == n && str_ncasecmp(a.p, b, n) == 0;
}

bool
str_has_prefix_nocase(struct str s, const char *prefix)
{
    size_t n = strlen(prefix);

    return s.len >= n && str_ncasecmp(s.p, prefix, n) == 0;
}

enum syn_status
str_copy(char *dst, size_t cap, const char *src)
{
    size_t n = strlen(src);

    if (cap == 0)
        return SYN_ETOOBIG;
    if (n >= cap) {
        memcpy(dst, src, cap - 1);
        dst[cap - 1] = '\0';
        return SYN_ETOOBIG;
    }
    memcpy(dst, src, n + 1);
    return SYN_OK;
}

enum syn_status
str_to_long(const char *s, long min, long max, long *out)
{
    char *end;
    long v;

    if (s == NULL || *s == '\0' || ascii_isspace((unsigned char)*s))
        return SYN_EINVAL;
    errno = 0;
    v = strtol(s, &end, 10);
    if (errno != 0 || *end != '\0' || v < min || v > max)
        return SYN_EINVAL;
    *out = v;
    return SYN_OK;
}

enum syn_status
str_to_bool(const char *s, bool *out)
{
    static const char *const yes[] = {"1", "true", "yes", "on"};
    static const char *const no[] = {"0", "false", "no", "off"};
    size_t i;

    for (i = 0; i < SYN_ARRAY_LEN(yes); i++) {
        if (str_casecmp(s, yes[i]) == 0) {
            *out = true;
            return SYN_OK;
        }
        if (str_casecmp(s, no[i]) == 0) {
            *out = false;
            return SYN_OK;
        }
    }
    return SYN_EINVAL;
}

int
str_ncasecmp(const char *a, const char *b, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++) {
        int ca = ascii_tolower((unsigned char)a[i]);
        int cb = ascii_tolower((unsigned char)b[i]);

        if (ca != cb)
            return ca - cb;
        if (ca == '\0')
            return 0;
    }
    return 0;
}

int
str_casecmp(const char *a, const char *b)
{
    return str_ncasecmp(a, b, (size_t)-1);
}
